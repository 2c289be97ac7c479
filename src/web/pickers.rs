//! Choosing from the reference lists instead of typing codes: ISIC sectors as a tree of
//! checkboxes by section, countries, currencies and time zones as selects, each named in the
//! page's language. The forms still post codes, checked by the same rules as the API's.

use super::i18n::Lang;
use crate::domain::country;
use crate::reference::Catalogue;

/// One ISIC code in the tree: its code, title in the page's language and whether it is chosen.
pub(crate) struct SectorBox {
    pub code: String,
    pub title: String,
    pub checked: bool,
}

/// A division with the groups and classes under it (the division's own box first).
pub(crate) struct DivisionBranch {
    pub code: String,
    pub title: String,
    /// Whether something in it is chosen: it opens.
    pub open: bool,
    pub boxes: Vec<SectorBox>,
}

/// A section with its divisions.
pub(crate) struct SectionBranch {
    pub section: SectorBox,
    pub open: bool,
    pub divisions: Vec<DivisionBranch>,
}

/// The ISIC tree as checkboxes, the chosen codes checked, and the codes given that the tree has
/// no box for (unknown ones), kept as typed for the form's text field.
pub(crate) struct SectorTree {
    pub sections: Vec<SectionBranch>,
    pub others: String,
}

/// The tree of every ISIC code with `chosen` checked.
pub(crate) fn sector_tree(lang: Lang, catalogue: &Catalogue, chosen: &[String]) -> SectorTree {
    let mut all: Vec<&crate::services::reference::Sector> = catalogue.sectors().collect();
    // Each section, then its codes in order: a division comes before its groups and classes.
    all.sort_by(|a, b| {
        let key = |s: &crate::services::reference::Sector| {
            (s.section.clone(), s.level != "section", s.code.clone())
        };
        key(a).cmp(&key(b))
    });
    let sector_box = |s: &crate::services::reference::Sector| SectorBox {
        code: s.code.clone(),
        title: lang.pick(&s.title_id, &s.title).to_owned(),
        checked: chosen.contains(&s.code),
    };
    let mut sections: Vec<SectionBranch> = Vec::new();
    for s in &all {
        match s.level.as_str() {
            "section" => sections.push(SectionBranch {
                section: sector_box(s),
                open: false,
                divisions: Vec::new(),
            }),
            "division" => {
                if let Some(section) = sections.last_mut() {
                    section.divisions.push(DivisionBranch {
                        code: s.code.clone(),
                        title: lang.pick(&s.title_id, &s.title).to_owned(),
                        open: false,
                        boxes: vec![sector_box(s)],
                    });
                }
            }
            _ => {
                if let Some(division) = sections.last_mut().and_then(|s| s.divisions.last_mut()) {
                    division.boxes.push(sector_box(s));
                }
            }
        }
    }
    for section in &mut sections {
        for division in &mut section.divisions {
            division.open = division.boxes.iter().any(|b| b.checked);
        }
        section.open = section.section.checked || section.divisions.iter().any(|d| d.open);
    }
    let others: Vec<&str> = chosen
        .iter()
        .filter(|code| catalogue.sector(code).is_none())
        .map(String::as_str)
        .collect();
    SectorTree {
        sections,
        others: others.join(", "),
    }
}

/// An option of a select: value, label and whether it is selected.
pub(crate) type Choice = (String, String, bool);

/// The most characters an option's label shows: a select is as wide as its longest option,
/// and a longer one would widen the form past a phone's width.
const OPTION_CHARS: usize = 32;

/// A label cut to [`OPTION_CHARS`] at a word, with an ellipsis, when it is longer.
fn fit(label: &str) -> String {
    if label.chars().count() <= OPTION_CHARS {
        return label.to_owned();
    }
    let mut cut = String::new();
    for word in label.split(' ') {
        if cut.chars().count() + word.chars().count() + 1 > OPTION_CHARS - 1 {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    format!("{}…", cut.trim_end_matches([',', ' ']))
}

/// Every country by name in the page's language (a long name cut short, as [`fit`] does), `chosen` (an alpha-2 code) selected; a chosen
/// value that is no country is kept as the first option, so that the form shows what came.
pub(crate) fn country_choices(lang: Lang, chosen: &str) -> Vec<Choice> {
    let chosen = chosen.trim().to_ascii_uppercase();
    let mut list: Vec<Choice> = country::all()
        .iter()
        .map(|c| {
            let name = c.name(lang == Lang::Id);
            (c.code.to_owned(), name.to_owned(), c.code == chosen)
        })
        .collect();
    list.sort_by_cached_key(|(_, name, _)| country::sort_key(name));
    for (_, name, _) in &mut list {
        *name = fit(name);
    }
    if !chosen.is_empty() && country::find(&chosen).is_none() {
        list.insert(0, (chosen.clone(), chosen, true));
    }
    list
}

/// The name of a country in the page's language; a code that is no country stays as it is.
pub(crate) fn country_name(lang: Lang, code: &str) -> String {
    country::find(code).map_or_else(|| code.to_owned(), |c| c.name(lang == Lang::Id).to_owned())
}

/// The currencies `known` (those with a rate, by code) as options labelled with their code,
/// `chosen` selected; a chosen currency without a rate is added, so that a stored one stays.
pub(crate) fn currency_choices(known: &[String], chosen: &str) -> Vec<Choice> {
    let chosen = chosen.trim().to_ascii_uppercase();
    let mut codes: Vec<String> = known.to_vec();
    if !chosen.is_empty() && !codes.contains(&chosen) {
        codes.push(chosen.clone());
    }
    codes.sort();
    codes.dedup();
    codes
        .into_iter()
        .map(|code| {
            let label = match crate::domain::Currency::parse(&code) {
                Ok(currency) => fit(&format!("{code} · {}", currency.name())),
                Err(_) => code.clone(),
            };
            let selected = code == chosen;
            (code, label, selected)
        })
        .collect()
}

/// Every IANA time zone by name, `chosen` selected (kept as the first option when it is no zone,
/// so that the form shows what came).
pub(crate) fn zone_choices(chosen: &str) -> Vec<Choice> {
    let chosen = chosen.trim();
    let mut list: Vec<Choice> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| {
            let name = tz.name().to_owned();
            let selected = name == chosen;
            (name.clone(), name, selected)
        })
        .collect();
    list.sort();
    if !chosen.is_empty() && !list.iter().any(|(_, _, selected)| *selected) {
        list.insert(0, (chosen.to_owned(), chosen.to_owned(), true));
    }
    list
}

/// A province's regions to choose from, under the province's name.
pub(crate) struct RegionGroup {
    pub name: String,
    pub regions: Vec<Choice>,
}

/// Every region of the catalogue grouped by province, provinces and regions by name, those in
/// `chosen` selected; each province's own government is the first choice of its group.
pub(crate) fn region_groups(catalogue: &Catalogue, chosen: &[String]) -> Vec<RegionGroup> {
    let picked = |code: &str| chosen.iter().any(|c| c == code);
    let mut groups: Vec<RegionGroup> = catalogue
        .regions()
        .filter(|(_, r)| r.kind == "province")
        .map(|(code, province)| {
            let mut regions: Vec<Choice> = catalogue
                .regions()
                .filter(|(c, r)| r.province_code == *code && *c != code)
                .map(|(c, r)| (c.clone(), r.name.clone(), picked(c)))
                .collect();
            regions.sort_by(|a, b| a.1.cmp(&b.1));
            regions.insert(0, (code.clone(), province.name.clone(), picked(code)));
            RegionGroup {
                name: province.name.clone(),
                regions,
            }
        })
        .collect();
    groups.sort_by(|a, b| a.name.cmp(&b.name));
    groups
}

/// Time zones offered first: Indonesia's four, then investors' usual ones; every other IANA
/// zone follows.
const USUAL_ZONES: [&str; 17] = [
    "Asia/Jakarta",
    "Asia/Pontianak",
    "Asia/Makassar",
    "Asia/Jayapura",
    "Asia/Singapore",
    "Asia/Kuala_Lumpur",
    "Asia/Hong_Kong",
    "Asia/Shanghai",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Asia/Dubai",
    "Australia/Sydney",
    "Europe/London",
    "Europe/Amsterdam",
    "Europe/Paris",
    "America/New_York",
    "UTC",
];

/// The time zones as a select offers them: the usual ones first, then every other IANA zone
/// (or a value that is no zone, as sent, first of those), each value, label and whether chosen.
pub(crate) struct ZoneChoices {
    pub usual: Vec<Choice>,
    pub others: Vec<Choice>,
}

impl ZoneChoices {
    pub(crate) fn of(chosen: &str) -> Self {
        let (usual, others) = zone_choices(chosen)
            .into_iter()
            .partition(|(zone, _, _)| USUAL_ZONES.contains(&zone.as_str()));
        let mut usual: Vec<Choice> = usual;
        usual.sort_by_key(|(zone, _, _)| USUAL_ZONES.iter().position(|z| z == zone));
        ZoneChoices { usual, others }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sector_tree_holds_every_code_once_and_keeps_unknown_ones() {
        let catalogue = Catalogue::from_shipped_files().unwrap();
        let chosen = ["3510".to_owned(), "D".to_owned(), "9999".to_owned()];
        let tree = sector_tree(Lang::Id, &catalogue, &chosen);
        assert_eq!(tree.sections.len(), 21);
        let boxes: usize = tree
            .sections
            .iter()
            .map(|s| 1 + s.divisions.iter().map(|d| d.boxes.len()).sum::<usize>())
            .sum();
        assert_eq!(boxes, 766);
        let d = tree
            .sections
            .iter()
            .find(|s| s.section.code == "D")
            .unwrap();
        assert!(d.open && d.section.checked);
        let electricity = &d.divisions[0];
        assert!(electricity.open);
        assert!(
            electricity
                .boxes
                .iter()
                .any(|b| b.code == "3510" && b.checked && b.title.contains("listrik"))
        );
        assert_eq!(tree.others, "9999");
    }

    #[test]
    fn countries_are_listed_by_name_in_the_pages_language() {
        let id = country_choices(Lang::Id, "sg");
        let singapore = id.iter().find(|c| c.0 == "SG").unwrap();
        assert_eq!((singapore.1.as_str(), singapore.2), ("Singapura", true));
        assert_eq!(id.iter().filter(|c| c.2).count(), 1);
        let en = country_choices(Lang::En, "");
        assert_eq!(en[0].1, "Afghanistan");
        assert_eq!(en[1].1, "Åland Islands");
        assert_eq!(
            country_choices(Lang::En, "XX")[0],
            ("XX".into(), "XX".into(), true)
        );
        assert_eq!(country_name(Lang::Id, "JP"), "Jepang");
        let britain = en.iter().find(|c| c.0 == "GB").unwrap();
        assert_eq!(britain.1, "United Kingdom of Great Britain…");
        assert!(en.iter().all(|c| c.1.chars().count() <= OPTION_CHARS));
    }

    #[test]
    fn currencies_and_zones_keep_what_was_chosen() {
        let known = ["IDR".to_owned(), "USD".to_owned()];
        let list = currency_choices(&known, "jpy");
        let codes: Vec<&str> = list.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(codes, ["IDR", "JPY", "USD"]);
        assert!(list[1].2 && list[1].1.starts_with("JPY · "));
        let zones = zone_choices("Asia/Makassar");
        assert_eq!(zones.iter().filter(|z| z.2).count(), 1);
        assert!(zones.iter().any(|z| z.0 == "Asia/Jayapura"));
        assert_eq!(zone_choices("Mars/Olympus")[0].0, "Mars/Olympus");
    }
}
