//! Countries (ISO 3166-1): the alpha-2 codes and English short names of the `rust_iso3166` crate,
//! and the Indonesian names of `data/reference/iso3166_id.csv` (the project's own translation).

use std::collections::HashMap;
use std::sync::LazyLock;

const NAMES_ID: &str = include_str!("../../data/reference/iso3166_id.csv");

/// One country with its names in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2, upper case.
    pub code: &'static str,
    /// ISO 3166-1's English short name.
    pub name_en: &'static str,
    pub name_id: String,
}

impl Country {
    /// The name in Indonesian or in English.
    pub fn name(&self, indonesian: bool) -> &str {
        if indonesian {
            &self.name_id
        } else {
            self.name_en
        }
    }
}

static COUNTRIES: LazyLock<Vec<Country>> = LazyLock::new(|| {
    let names: HashMap<String, String> = csv::Reader::from_reader(NAMES_ID.as_bytes())
        .records()
        .map(|r| {
            let r = r.expect("the shipped iso3166_id.csv reads");
            (r[0].to_owned(), r[1].to_owned())
        })
        .collect();
    let mut all: Vec<Country> = rust_iso3166::ALL
        .iter()
        .map(|c| Country {
            code: c.alpha2,
            name_en: c.name,
            // A code the file lacks (a newer crate) keeps its English name.
            name_id: names
                .get(c.alpha2)
                .cloned()
                .unwrap_or_else(|| c.name.to_owned()),
        })
        .collect();
    all.sort_by(|a, b| a.code.cmp(b.code));
    all
});

/// Every ISO 3166-1 country, by code.
pub fn all() -> &'static [Country] {
    &COUNTRIES
}

/// The country of an alpha-2 code (any case).
pub fn find(code: &str) -> Option<&'static Country> {
    let code = code.trim().to_ascii_uppercase();
    COUNTRIES
        .binary_search_by(|c| c.code.cmp(code.as_str()))
        .ok()
        .map(|i| &COUNTRIES[i])
}

/// A key to sort names by as people read them: case and accents set aside (`Åland` with A,
/// `Côte d'Ivoire` with C).
pub fn sort_key(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'Å' | 'Á' | 'À' | 'Â' | 'Ä' => 'a',
            'Ç' => 'c',
            'É' | 'È' | 'Ê' => 'e',
            'Ö' | 'Ô' => 'o',
            'Ü' => 'u',
            'å' | 'á' | 'à' | 'â' | 'ä' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' => 'e',
            'ô' | 'ö' => 'o',
            'ü' => 'u',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_has_an_indonesian_name_and_the_file_no_other() {
        let mut lines = csv::Reader::from_reader(NAMES_ID.as_bytes());
        let shipped: Vec<String> = lines.records().map(|r| r.unwrap()[0].to_owned()).collect();
        assert_eq!(shipped.len(), all().len(), "one name a code");
        for code in &shipped {
            assert!(find(code).is_some(), "{code} is an ISO 3166-1 code");
        }
        assert!(all().iter().all(|c| !c.name_id.trim().is_empty()));
        assert_eq!(find("sg").unwrap().name(true), "Singapura");
        assert_eq!(find("SG").unwrap().name(false), "Singapore");
        assert_eq!(find("DE").unwrap().name(true), "Jerman");
        assert!(find("XX").is_none() && find("SI").unwrap().name_en == "Slovenia");
        assert!(sort_key("Åland Islands") < sort_key("Albania"));
    }
}
