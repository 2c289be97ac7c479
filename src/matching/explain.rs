//! Reasons a person can read, in English and Indonesian, for each component of a match.

use serde::Serialize;
use utoipa::ToSchema;

use super::components::{Components, NEUTRAL, sector_closeness};
use super::facts::{MandateFacts, ProjectFacts, Taxonomy};
use super::text::QueryTerm;
use crate::domain::Currency;

/// One reason for a match score, in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = MatchReason)]
pub struct Reason {
    pub en: String,
    pub id: String,
}

fn reason(en: String, id: String) -> Reason {
    Reason { en, id }
}

const LEVELS_EN: [&str; 4] = ["section", "division", "group", "class"];
const LEVELS_ID: [&str; 4] = ["kategori", "golongan pokok", "golongan", "subgolongan"];
const STAGES: [(&str, &str); 5] = [
    ("idea", "ide"),
    ("pre-feasibility", "pra-studi kelayakan"),
    ("feasibility study done", "studi kelayakan selesai"),
    ("ready to offer", "siap ditawarkan"),
    ("under construction", "dalam pembangunan"),
];
const INSTRUMENTS: [(&str, &str); 5] = [
    ("equity", "ekuitas"),
    ("debt", "pinjaman"),
    ("PPP", "KPBU"),
    ("joint venture", "usaha patungan"),
    ("grant", "hibah"),
];

/// A large amount in words: `IDR 180 bn` / `IDR 180 miliar`, `USD 11.3 m` / `USD 11,3 juta`.
pub fn short_amount(amount: f64, currency: Currency) -> (String, String) {
    const SCALES: [(f64, &str, &str); 4] = [
        (1e12, "tn", "triliun"),
        (1e9, "bn", "miliar"),
        (1e6, "m", "juta"),
        (1e3, "k", "ribu"),
    ];
    let code = currency.code();
    let number = |value: f64| {
        let text = format!("{value:.1}");
        text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
    };
    match SCALES.iter().find(|(scale, _, _)| amount >= *scale) {
        Some((scale, en, id)) => {
            let n = number(amount / scale);
            (
                format!("{code} {n} {en}"),
                format!("{code} {} {id}", n.replace('.', ",")),
            )
        }
        None => {
            let n = number(amount);
            (
                format!("{code} {n}"),
                format!("{code} {}", n.replace('.', ",")),
            )
        }
    }
}

/// A range in words with its scale said once when both ends share it: `USD 5–20 m`.
pub fn short_range(lo: f64, hi: f64, currency: Currency) -> (String, String) {
    let (lo_en, lo_id) = short_amount(lo, currency);
    let (hi_en, hi_id) = short_amount(hi, currency);
    let join = |lo: &str, hi: &str| {
        let hi = hi.trim_start_matches(currency.code()).trim();
        match (lo.rsplit_once(' '), hi.rsplit_once(' ')) {
            (Some((lo_number, lo_scale)), Some((_, hi_scale))) if lo_scale == hi_scale => {
                format!("{lo_number}–{hi}")
            }
            _ => format!("{lo}–{hi}"),
        }
    };
    (join(&lo_en, &hi_en), join(&lo_id, &hi_id))
}

fn sector_reason(
    tax: &Taxonomy,
    mandate: &MandateFacts,
    project: &ProjectFacts,
    score: f64,
) -> Reason {
    if mandate.sectors.is_empty() {
        return reason(
            "Sector: the mandate is open to any sector".into(),
            "Sektor: mandat terbuka untuk semua sektor".into(),
        );
    }
    let best = mandate
        .sectors
        .iter()
        .flat_map(|&m| {
            project
                .sectors
                .iter()
                .map(move |&p| (m, p, sector_closeness(tax, m, p)))
        })
        // The closest pair, and among equals the most specific project code.
        .max_by(|a, b| {
            a.2.total_cmp(&b.2).then(
                tax.sectors[a.1 as usize]
                    .level
                    .cmp(&tax.sectors[b.1 as usize].level),
            )
        });
    let Some((m, p, _)) = best.filter(|_| score > 0.0) else {
        return reason(
            "Sector: outside the mandate's sectors".into(),
            "Sektor: di luar sektor mandat".into(),
        );
    };
    let (mn, pn) = (&tax.sectors[m as usize], &tax.sectors[p as usize]);
    if m == p {
        reason(
            format!(
                "Sector: same ISIC {} {} ({})",
                LEVELS_EN[pn.level], pn.code, pn.title
            ),
            format!(
                "Sektor: {} ISIC yang sama {} ({})",
                LEVELS_ID[pn.level], pn.code, pn.title_id
            ),
        )
    } else if score >= 1.0 {
        reason(
            format!(
                "Sector: {} ({}) falls under the mandate's {} {}",
                pn.code, pn.title, LEVELS_EN[mn.level], mn.code
            ),
            format!(
                "Sektor: {} ({}) termasuk {} {} dalam mandat",
                pn.code, pn.title_id, LEVELS_ID[mn.level], mn.code
            ),
        )
    } else {
        let shared = (0..4).rev().find_map(|l| {
            mn.chain[l]
                .filter(|c| pn.chain[l] == Some(*c))
                .map(|c| (l, c))
        });
        let (level, code) = shared.map_or((0, p), |(l, c)| (l, c));
        let common = &tax.sectors[code as usize];
        reason(
            format!(
                "Sector: {} shares ISIC {} {} ({}) with the mandate's {}",
                pn.code, LEVELS_EN[level], common.code, common.title, mn.code
            ),
            format!(
                "Sektor: {} satu {} ISIC {} ({}) dengan {} dalam mandat",
                pn.code, LEVELS_ID[level], common.code, common.title_id, mn.code
            ),
        )
    }
}

fn dimension_reason(
    tax: &Taxonomy,
    mandate: &MandateFacts,
    project: &ProjectFacts,
    score: f64,
) -> Reason {
    if score == NEUTRAL && mandate.dimensions == 0 && mandate.elements == 0 {
        return reason(
            "Smart City: the mandate is open to any dimension".into(),
            "Smart City: mandat terbuka untuk semua dimensi".into(),
        );
    }
    let common_elements: Vec<&(String, String, String)> = tax
        .elements
        .iter()
        .enumerate()
        .filter(|(i, _)| mandate.elements & project.elements & (1 << i) != 0)
        .map(|(_, e)| e)
        .collect();
    if !common_elements.is_empty() {
        let en: Vec<String> = common_elements
            .iter()
            .map(|(c, en, _)| format!("{c} ({en})"))
            .collect();
        let id: Vec<String> = common_elements
            .iter()
            .map(|(c, _, id)| format!("{c} ({id})"))
            .collect();
        return reason(
            format!("Smart City: element {} in common", en.join(", ")),
            format!("Smart City: elemen {} sama", id.join(", ")),
        );
    }
    let wanted = mandate.dimensions | tax.dimensions_of_elements(mandate.elements);
    let common: Vec<&(String, String, String)> = tax
        .dimensions
        .iter()
        .enumerate()
        .filter(|(i, _)| wanted & project.dimensions & (1 << i) != 0)
        .map(|(_, d)| d)
        .collect();
    if common.is_empty() {
        return reason(
            "Smart City: no dimension in common".into(),
            "Smart City: tidak ada dimensi yang sama".into(),
        );
    }
    let en: Vec<&str> = common.iter().map(|(_, en, _)| en.as_str()).collect();
    let id: Vec<&str> = common.iter().map(|(_, _, id)| id.as_str()).collect();
    reason(
        format!("Smart City: dimension {} in common", en.join(", ")),
        format!("Smart City: dimensi {} sama", id.join(", ")),
    )
}

fn ticket_reason(mandate: &MandateFacts, project: &ProjectFacts) -> Reason {
    let value = project.value.amount().try_into().unwrap_or(0.0);
    let (value_en, value_id) = short_amount(value, project.value.currency());
    let (Some((lo, hi)), Some((lo_usd, hi_usd)), Some(usd)) =
        (mandate.ticket, mandate.ticket_usd, project.value_usd)
    else {
        return reason(
            format!("Ticket: {value_en}; the mandate states no ticket size"),
            format!("Tiket: {value_id}; mandat tidak menyebut ukuran tiket"),
        );
    };
    let currency = lo.currency();
    let lo_amount: f64 = lo.amount().try_into().unwrap_or(0.0);
    let hi_amount: f64 = hi.amount().try_into().unwrap_or(0.0);
    let per_usd = if hi_usd > 0.0 {
        hi_amount / hi_usd
    } else {
        1.0
    };
    let (converted_en, converted_id) = short_amount(usd * per_usd, currency);
    let (range_en, range_id) = short_range(lo_amount, hi_amount, currency);
    let same_currency = currency == project.value.currency();
    let shown_en = if same_currency {
        value_en.clone()
    } else {
        format!("{value_en} ≈ {converted_en}")
    };
    let shown_id = if same_currency {
        value_id.clone()
    } else {
        format!("{value_id} ≈ {converted_id}")
    };
    let (where_en, where_id) = if usd < lo_usd {
        let factor = format!("{:.1}", lo_usd / usd);
        (
            format!("{factor}× below the {range_en} range"),
            format!("{}× di bawah rentang {range_id}", factor.replace('.', ",")),
        )
    } else if usd > hi_usd {
        let factor = format!("{:.1}", usd / hi_usd);
        (
            format!("{factor}× above the {range_en} range"),
            format!("{}× di atas rentang {range_id}", factor.replace('.', ",")),
        )
    } else {
        (
            format!("inside the {range_en} range"),
            format!("dalam rentang {range_id}"),
        )
    };
    reason(
        format!("Ticket: {shown_en}, {where_en}"),
        format!("Tiket: {shown_id}, {where_id}"),
    )
}

fn region_reason(tax: &Taxonomy, project: &ProjectFacts, score: f64) -> Reason {
    let region = &tax.regions[project.region as usize];
    let province = &tax.regions[region.province as usize].name;
    let name = &region.name;
    match score {
        s if s >= 1.0 => reason(
            format!("Location: {name} is a preferred region"),
            format!("Lokasi: {name} termasuk daerah pilihan"),
        ),
        s if s >= 0.85 => reason(
            format!("Location: {name} is in {province}, a preferred province"),
            format!("Lokasi: {name} berada di {province}, provinsi pilihan"),
        ),
        s if s >= 0.75 => reason(
            format!("Location: {name} is in {province}, the province of a preferred region"),
            format!("Lokasi: {name} berada di {province}, provinsi daerah pilihan"),
        ),
        s if s >= 0.6 => reason(
            format!("Location: {name} is commonly cited as an IKN host or buffer region"),
            format!("Lokasi: {name} umum disebut sebagai daerah inti atau penyangga IKN"),
        ),
        s if s >= NEUTRAL => reason(
            format!("Location: {name}; the mandate is open to any region"),
            format!("Lokasi: {name}; mandat terbuka untuk semua daerah"),
        ),
        _ => reason(
            format!("Location: {name} is outside the preferred regions"),
            format!("Lokasi: {name} di luar daerah pilihan"),
        ),
    }
}

fn stage_reason(mandate: &MandateFacts, project: &ProjectFacts) -> Reason {
    let (stage_en, stage_id) = STAGES[usize::from(project.stage).min(4)];
    let (fit_en, fit_id) = if mandate.stages == 0 {
        ("any stage is sought", "semua tahap dicari")
    } else if mandate.stages & (1 << project.stage) != 0 {
        ("a stage sought", "tahap yang dicari")
    } else if mandate.stages & ((1u8 << project.stage) << 1 | (1u8 << project.stage) >> 1) != 0 {
        (
            "next to a stage sought",
            "bersebelahan dengan tahap yang dicari",
        )
    } else {
        ("not a stage sought", "bukan tahap yang dicari")
    };
    let common: Vec<(&str, &str)> = INSTRUMENTS
        .iter()
        .enumerate()
        .filter(|(i, _)| mandate.instruments & project.instruments & (1 << i) != 0)
        .map(|(_, x)| *x)
        .collect();
    let (instr_en, instr_id) = if mandate.instruments == 0 || project.instruments == 0 {
        (
            "instruments open".to_owned(),
            "instrumen terbuka".to_owned(),
        )
    } else if common.is_empty() {
        (
            "no instrument in common".to_owned(),
            "tidak ada instrumen yang sama".to_owned(),
        )
    } else {
        (
            format!(
                "instruments in common: {}",
                common.iter().map(|c| c.0).collect::<Vec<_>>().join(", ")
            ),
            format!(
                "instrumen yang sama: {}",
                common.iter().map(|c| c.1).collect::<Vec<_>>().join(", ")
            ),
        )
    };
    reason(
        format!("Stage: {stage_en}, {fit_en}; {instr_en}"),
        format!("Tahap: {stage_id}, {fit_id}; {instr_id}"),
    )
}

/// The reasons for one scored pair, one per component (text only when the thesis has words in
/// the project); `matched` are the thesis terms the project text contains.
pub fn reasons(
    tax: &Taxonomy,
    mandate: &MandateFacts,
    project: &ProjectFacts,
    components: &Components,
    matched: &[&QueryTerm],
) -> Vec<Reason> {
    let mut out = vec![
        sector_reason(tax, mandate, project, components.sector),
        dimension_reason(tax, mandate, project, components.dimension),
        ticket_reason(mandate, project),
        region_reason(tax, project, components.region),
        stage_reason(mandate, project),
    ];
    if !matched.is_empty() {
        let mut terms: Vec<&&QueryTerm> = matched.iter().collect();
        terms.sort_by(|a, b| b.idf.total_cmp(&a.idf));
        let words: Vec<String> = terms
            .iter()
            .take(4)
            .map(|t| format!("‘{}’", t.term))
            .collect();
        out.push(reason(
            format!("Thesis: the project speaks of {}", words.join(", ")),
            format!("Tesis: proyek menyebut {}", words.join(", ")),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_in_words_in_both_languages() {
        let idr = Currency::parse("IDR").unwrap();
        let usd = Currency::parse("USD").unwrap();
        assert_eq!(
            short_amount(180e9, idr),
            ("IDR 180 bn".into(), "IDR 180 miliar".into())
        );
        assert_eq!(
            short_amount(11.3e6, usd),
            ("USD 11.3 m".into(), "USD 11,3 juta".into())
        );
        assert_eq!(
            short_amount(2.5e12, idr),
            ("IDR 2.5 tn".into(), "IDR 2,5 triliun".into())
        );
    }
}
