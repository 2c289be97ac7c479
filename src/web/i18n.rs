//! The viewer's language, and numbers, money and dates written its way.

use actix_web::HttpRequest;
use rust_decimal::Decimal;

/// The languages of the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Id,
    En,
}

/// The cookie that remembers a visitor's choice.
pub const COOKIE: &str = "lang";

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "id" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The chosen language: the cookie, else the browser's `Accept-Language`, else Indonesian.
    pub fn of(req: &HttpRequest) -> Self {
        if let Some(lang) = req.cookie(COOKIE).and_then(|c| Lang::parse(c.value())) {
            return lang;
        }
        let accepted = req
            .headers()
            .get("accept-language")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        accepted
            .split(',')
            .map(|tag| {
                tag.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .find_map(|tag| match tag.split('-').next() {
                Some("id" | "in") => Some(Lang::Id),
                Some("en") => Some(Lang::En),
                _ => None,
            })
            .unwrap_or(Lang::Id)
    }

    /// The text in this language of a pair written in both.
    pub fn pick<'a>(self, indonesian: &'a str, english: &'a str) -> &'a str {
        if self == Lang::Id {
            indonesian
        } else {
            english
        }
    }

    /// A message from the catalogue (`locales/`).
    pub fn t(self, key: &str) -> String {
        rust_i18n::t!(key, locale = self.code()).into_owned()
    }

    /// A whole number with the language's digit grouping: 180.000.000 or 180,000,000.
    pub fn integer(self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let separator = if self == Lang::Id { '.' } else { ',' };
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(separator);
            }
            out.push(c);
        }
        if n < 0 { format!("-{out}") } else { out }
    }

    /// A number to at most `places` decimals with the language's marks: `12,5` or `12.5`, `7`.
    pub fn decimal(self, x: f64, places: usize) -> String {
        let text = format!("{:.*}", places, x.abs());
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let mut out = self.integer(whole.parse().unwrap_or(i64::MAX));
        let fraction = fraction.trim_end_matches('0');
        if !fraction.is_empty() {
            out.push(if self == Lang::Id { ',' } else { '.' });
            out.push_str(fraction);
        }
        if x < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
            format!("-{out}")
        } else {
            out
        }
    }

    /// An amount of money: `Rp 180.000.000.000` in Indonesian, `IDR 180,000,000,000` in
    /// English; fractions of major units are kept (with the language's decimal mark).
    pub fn money(self, amount: Decimal, currency: &str) -> String {
        let whole = amount.trunc();
        let fraction = (amount - whole).abs().normalize().to_string();
        let mut text = self.integer(whole.to_string().parse().unwrap_or(0));
        if let Some(digits) = fraction.strip_prefix("0.") {
            text.push(if self == Lang::Id { ',' } else { '.' });
            text.push_str(digits);
        }
        match (self, currency) {
            (Lang::Id, "IDR") => format!("Rp {text}"),
            _ => format!("{currency} {text}"),
        }
    }

    /// A total in rupiah rounded to three significant digits in the language's words for millions,
    /// billions and trillions ("Rp 5,24 triliun" / "IDR 5.24 trillion"): converted values carry
    /// spurious precision, and whole digits would be hard to read at a glance. Amounts under a
    /// million are written whole.
    pub fn rupiah_at_a_glance(self, amount: Decimal) -> String {
        let rounded = amount.round_sf(3).unwrap_or(amount).round();
        let scales = [
            (Decimal::new(1_000_000_000_000, 0), "amount.trillion"),
            (Decimal::new(1_000_000_000, 0), "amount.billion"),
            (Decimal::new(1_000_000, 0), "amount.million"),
        ];
        let Some((scale, key)) = scales
            .into_iter()
            .find(|(scale, _)| rounded.abs() >= *scale)
        else {
            return self.money(rounded, "IDR");
        };
        let amount = self.money((rounded / scale).normalize(), "IDR");
        rust_i18n::t!(key, locale = self.code(), amount = amount).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_numbers_are_written_the_languages_way() {
        let amount = Decimal::new(180_000_000_000, 0);
        assert_eq!(Lang::Id.money(amount, "IDR"), "Rp 180.000.000.000");
        assert_eq!(Lang::En.money(amount, "IDR"), "IDR 180,000,000,000");
        assert_eq!(
            Lang::Id.money(Decimal::new(125050, 2), "USD"),
            "USD 1.250,5"
        );
        assert_eq!(Lang::En.integer(999), "999");
        assert_eq!(Lang::En.integer(-1234567), "-1,234,567");
    }

    #[test]
    fn decimals_keep_the_places_that_say_something() {
        assert_eq!(Lang::Id.decimal(12.5, 1), "12,5");
        assert_eq!(Lang::En.decimal(12.5, 1), "12.5");
        assert_eq!(Lang::En.decimal(7.0, 1), "7");
        assert_eq!(Lang::En.decimal(1234.56, 1), "1,234.6");
        assert_eq!(Lang::Id.decimal(-0.04, 1), "0");
        assert_eq!(Lang::Id.decimal(-3.25, 2), "-3,25");
    }

    #[test]
    fn totals_are_rounded_to_three_digits_in_the_languages_words() {
        let amount = |n: i64| Decimal::new(n, 0);
        let cases = [
            (5_244_807_967_667, "Rp 5,24 triliun", "IDR 5.24 trillion"),
            (180_000_000_000, "Rp 180 miliar", "IDR 180 billion"),
            (999_600_000_000, "Rp 1 triliun", "IDR 1 trillion"),
            (12_345_678_901, "Rp 12,3 miliar", "IDR 12.3 billion"),
            (1_500_000, "Rp 1,5 juta", "IDR 1.5 million"),
            (999_999, "Rp 1 juta", "IDR 1 million"),
            (250_000, "Rp 250.000", "IDR 250,000"),
            (0, "Rp 0", "IDR 0"),
        ];
        for (n, id, en) in cases {
            assert_eq!(Lang::Id.rupiah_at_a_glance(amount(n)), id);
            assert_eq!(Lang::En.rupiah_at_a_glance(amount(n)), en);
        }
        assert_eq!(
            Lang::En.rupiah_at_a_glance(amount(4_321_000_000_000_000)),
            "IDR 4,320 trillion"
        );
    }

    #[test]
    fn every_message_a_template_names_exists_in_both_languages() {
        fn templates(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    templates(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut files = Vec::new();
        templates(&root, &mut files);
        let mut keys = 0;
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            // Every literal key: `page.t("section.key")`.
            for (at, _) in text.match_indices(".t(\"") {
                let rest = &text[at + 4..];
                let key = &rest[..rest.find('"').unwrap()];
                for lang in [Lang::Id, Lang::En] {
                    assert_ne!(
                        lang.t(key),
                        key,
                        "{} names {key}, missing in {}",
                        file.display(),
                        lang.code()
                    );
                }
                keys += 1;
            }
        }
        assert!(keys > 100, "the templates' keys were found ({keys})");
    }

    #[test]
    fn every_message_exists_in_both_languages() {
        fn keys(path: &std::path::Path) -> Vec<String> {
            let text = std::fs::read_to_string(path).unwrap();
            let value: toml::Table = text.parse().unwrap();
            let mut out = Vec::new();
            for (section, entries) in value {
                for key in entries.as_table().unwrap().keys() {
                    out.push(format!("{section}.{key}"));
                }
            }
            out.sort();
            out
        }
        // Every catalogue comes as a pair: `name.en.toml` and `name.id.toml` (or `en.toml`
        // and `id.toml`).
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let mut pairs = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let en_path = entry.unwrap().path();
            let name = en_path.file_name().unwrap().to_str().unwrap().to_owned();
            let Some(stem) = name.strip_suffix("en.toml") else {
                continue;
            };
            let id_path = dir.join(format!("{stem}id.toml"));
            let (en, id) = (keys(&en_path), keys(&id_path));
            assert_eq!(en, id, "{name} and its Indonesian twin have the same keys");
            for key in &en {
                assert_ne!(Lang::Id.t(key), *key, "{key} is translated");
            }
            pairs += 1;
        }
        assert!(pairs >= 1);
    }
}
