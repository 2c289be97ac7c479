//! Generated corpora with realistic skew, for tests and benchmarks: Zipf-distributed sectors,
//! projects in all 514 regencies, all six dimensions, tickets and values in several currencies.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, Zipf};

use super::facts::{MandateFacts, ProjectFacts, RegionId, SectorId, Taxonomy};
use crate::domain::{Currency, Money};

/// Currencies of generated values with their units per US dollar, and how often each occurs.
const CURRENCIES: [(&str, f64, f64); 5] = [
    ("IDR", 16_650.0, 0.7),
    ("USD", 1.0, 0.18),
    ("JPY", 152.4, 0.05),
    ("SGD", 1.302, 0.04),
    ("EUR", 0.866, 0.03),
];

/// Words that projects and theses are written in.
const VOCABULARY: &[&str] = &[
    "solar",
    "surya",
    "energy",
    "energi",
    "water",
    "air",
    "bersih",
    "waste",
    "sampah",
    "biogas",
    "compost",
    "port",
    "pelabuhan",
    "logistics",
    "logistik",
    "tourism",
    "pariwisata",
    "ecotourism",
    "karst",
    "beach",
    "hospital",
    "rumah",
    "sakit",
    "health",
    "school",
    "education",
    "pendidikan",
    "digital",
    "broadband",
    "fiber",
    "data",
    "center",
    "smart",
    "city",
    "cerdas",
    "traffic",
    "transport",
    "bus",
    "rapid",
    "transit",
    "rice",
    "padi",
    "irrigation",
    "cocoa",
    "kakao",
    "coffee",
    "kopi",
    "fisheries",
    "perikanan",
    "shrimp",
    "udang",
    "seaweed",
    "rumput",
    "laut",
    "mangrove",
    "forest",
    "hutan",
    "housing",
    "perumahan",
    "market",
    "pasar",
    "industrial",
    "estate",
    "kawasan",
    "industri",
    "nickel",
    "smelter",
    "hydro",
    "mini",
    "geothermal",
    "wind",
    "rooftop",
    "grid",
    "microgrid",
    "storage",
    "battery",
    "electric",
    "vehicle",
    "charging",
    "toll",
    "road",
    "jalan",
    "bridge",
    "airport",
    "bandara",
    "terminal",
    "warehouse",
    "cold",
    "chain",
    "processing",
    "plant",
    "pabrik",
    "palm",
    "sawit",
    "rubber",
    "karet",
    "timber",
    "bamboo",
    "craft",
    "halal",
    "food",
    "pangan",
    "agro",
    "agribusiness",
    "plantation",
    "livestock",
    "cattle",
    "sapi",
    "poultry",
    "dairy",
    "sanitation",
    "sewerage",
    "drainage",
    "flood",
    "banjir",
    "early",
    "warning",
    "cctv",
    "command",
    "centre",
    "egov",
    "permit",
    "service",
    "layanan",
    "publik",
    "startup",
    "incubator",
    "coworking",
    "university",
    "vocational",
    "training",
    "pelatihan",
    "stadium",
    "sports",
    "convention",
    "hotel",
    "resort",
    "marina",
    "ferry",
    "jetty",
];

fn weighted_currency(rng: &mut StdRng) -> (Currency, f64) {
    let mut pick = rng.random::<f64>();
    for (code, rate, share) in CURRENCIES {
        if pick < share {
            return (Currency::parse(code).expect("a known currency"), rate);
        }
        pick -= share;
    }
    (Currency::parse("IDR").expect("IDR"), 16_650.0)
}

fn words(rng: &mut StdRng, zipf: &Zipf<f64>, count: usize) -> String {
    (0..count)
        .map(|_| VOCABULARY[(zipf.sample(rng) as usize - 1).min(VOCABULARY.len() - 1)])
        .collect::<Vec<_>>()
        .join(" ")
}

fn pick_dimensions(tax: &Taxonomy, rng: &mut StdRng) -> (u8, u32) {
    let dims = tax.dimensions.len();
    let mut dim_bits = 0u8;
    let mut elem_bits = 0u32;
    for _ in 0..rng.random_range(1..=2) {
        let d = rng.random_range(0..dims);
        dim_bits |= 1 << d;
        if rng.random_bool(0.7) {
            elem_bits |= 1 << (d * 3 + rng.random_range(0..3));
        }
    }
    (dim_bits, elem_bits)
}

/// A generated corpus.
pub struct Corpus {
    pub projects: Vec<ProjectFacts>,
    pub mandates: Vec<MandateFacts>,
}

/// Generates `projects` projects and `investors` mandates, the same for the same seed.
pub fn corpus(tax: &Taxonomy, projects: usize, investors: usize, seed: u64) -> Corpus {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut classes: Vec<SectorId> = (0..tax.sectors.len() as SectorId)
        .filter(|&s| tax.sectors[s as usize].level == 3)
        .collect();
    // A fixed but scrambled popularity order of the classes.
    for i in (1..classes.len()).rev() {
        classes.swap(i, rng.random_range(0..=i));
    }
    let sector_zipf = Zipf::new(classes.len() as f64, 1.1).expect("valid Zipf parameters");
    let word_zipf = Zipf::new(VOCABULARY.len() as f64, 0.9).expect("valid Zipf parameters");
    let regencies: Vec<RegionId> = (0..tax.regions.len() as RegionId)
        .filter(|&r| !tax.is_province(r))
        .collect();
    let provinces: Vec<RegionId> = (0..tax.regions.len() as RegionId)
        .filter(|&r| tax.is_province(r))
        .collect();
    let class =
        |rng: &mut StdRng| classes[(sector_zipf.sample(rng) as usize - 1).min(classes.len() - 1)];

    let projects = (0..projects)
        .map(|i| {
            let mut sectors = vec![class(&mut rng)];
            if rng.random_bool(0.2) {
                sectors.push(class(&mut rng));
            }
            let (dimensions, elements) = pick_dimensions(tax, &mut rng);
            let region = regencies[rng.random_range(0..regencies.len())];
            let usd = 10f64.powf(rng.random_range(5.7..8.7));
            let (currency, rate) = weighted_currency(&mut rng);
            let value = Money::from_minor(
                (usd * rate) as i64 * 10i64.pow(currency.minor_digits()),
                currency,
            );
            let sector_words = &tax.sectors[sectors[0] as usize].title;
            let text = format!(
                "{} {} {}",
                sector_words,
                tax.regions[region as usize].name,
                words(&mut rng, &word_zipf, 24)
            );
            ProjectFacts {
                id: format!("p{i:08}"),
                region,
                sectors,
                dimensions,
                elements,
                stage: rng.random_range(0..5),
                instruments: rng.random_range(1..32),
                value,
                value_usd: Some(value.amount().try_into().unwrap_or(0.0) / rate),
                text,
            }
        })
        .collect();

    let mandates = (0..investors)
        .map(|_| {
            let sectors = (0..rng.random_range(1..=3))
                .map(|_| {
                    let code = class(&mut rng);
                    let level = rng.random_range(1..=3);
                    tax.sectors[code as usize].chain[level].unwrap_or(code)
                })
                .collect();
            let (dimensions, elements) = pick_dimensions(tax, &mut rng);
            let place = rng.random::<f64>();
            let (regions, provinces) = if place < 0.3 {
                (
                    (0..rng.random_range(1..=3))
                        .map(|_| regencies[rng.random_range(0..regencies.len())])
                        .collect(),
                    vec![],
                )
            } else if place < 0.6 {
                (
                    vec![],
                    (0..rng.random_range(1..=2))
                        .map(|_| provinces[rng.random_range(0..provinces.len())])
                        .collect(),
                )
            } else {
                (vec![], vec![])
            };
            let ticket_usd = rng.random_bool(0.8).then(|| {
                let lo = 10f64.powf(rng.random_range(5.5..8.0));
                (lo, lo * rng.random_range(2.0..10.0))
            });
            let usd = Currency::parse("USD").expect("USD");
            let thesis_words = rng.random_range(8..20);
            MandateFacts {
                sectors,
                excluded_sectors: if rng.random_bool(0.1) {
                    vec![class(&mut rng)]
                } else {
                    vec![]
                },
                dimensions,
                elements,
                regions,
                provinces,
                ikn_related: rng.random_bool(0.1),
                ticket: ticket_usd.map(|(lo, hi)| {
                    (
                        Money::from_minor(lo as i64 * 100, usd),
                        Money::from_minor(hi as i64 * 100, usd),
                    )
                }),
                ticket_usd,
                stages: rng.random_range(0..32),
                instruments: rng.random_range(0..32),
                thesis: words(&mut rng, &word_zipf, thesis_words),
            }
        })
        .collect();
    Corpus { projects, mandates }
}
