//! A posted form as typed: the fields a page reads back, and re-shows when it has problems.

/// What a form holds, as typed (or as stored, for a form that edits something).
#[derive(Debug, Default, Clone)]
pub(crate) struct Typed {
    values: Vec<(String, String)>,
}

impl Typed {
    pub(crate) fn parse(body: &[u8]) -> Self {
        Typed {
            values: form_urlencoded::parse(body).into_owned().collect(),
        }
    }

    /// A form filled with these field names and values (a name may come more than once).
    pub(crate) fn of(values: Vec<(String, String)>) -> Self {
        Typed { values }
    }

    /// The field's trimmed value, empty when it is missing.
    pub(crate) fn one(&self, name: &str) -> String {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    }

    /// Every value given for the field (checkboxes, multiple selects).
    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.values
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The codes typed into one text field, separated by commas, semicolons or spaces.
    pub(crate) fn codes(&self, name: &str) -> Vec<String> {
        self.one(name)
            .split([',', ';', ' '])
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// An amount as people write it: `180.000.000.000` and `180,000,000,000` lose their digit
    /// grouping; anything else (`5000000.5`) is left as typed for the money rules to judge.
    pub(crate) fn amount(&self, name: &str) -> String {
        let text: String = self
            .one(name)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let grouped_by = |separator: char, other: char| {
            let mut groups = text.split(separator);
            let lead = groups.next().unwrap_or_default();
            let digits = |g: &str| g.bytes().all(|b| b.is_ascii_digit());
            text.contains(separator)
                && !text.contains(other)
                && (1..=3).contains(&lead.len())
                && digits(lead)
                && groups.all(|g| g.len() == 3 && digits(g))
        };
        if grouped_by('.', ',') || grouped_by(',', '.') {
            text.replace(['.', ','], "")
        } else {
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Typed;

    #[test]
    fn amounts_lose_their_digit_grouping_but_keep_a_decimal_point() {
        let amount = |typed: &str| Typed::of(vec![("a".into(), typed.into())]).amount("a");
        assert_eq!(amount("180.000.000.000"), "180000000000");
        assert_eq!(amount("5,000,000"), "5000000");
        assert_eq!(amount(" 20 000 000 "), "20000000");
        assert_eq!(amount("5000000.5"), "5000000.5");
        assert_eq!(amount("1,5"), "1,5");
        assert_eq!(amount("1.000,50"), "1.000,50");
    }
}
