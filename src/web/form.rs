//! A posted form as typed: the fields a page reads back, and re-shows when it has problems;
//! and the problems the rules found in it, said in the page's language.

use super::i18n::Lang;
use crate::auth::password::Weakness;
use crate::error::FieldErrors;

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

    /// The codes given in a field, each once in the order given: ticked (a checkbox each) or
    /// typed into a text field, separated by commas, semicolons or spaces.
    pub(crate) fn codes(&self, name: &str) -> Vec<String> {
        let mut codes: Vec<String> = Vec::new();
        for value in self.all(name) {
            for code in value.split([',', ';', ' ']).filter(|s| !s.is_empty()) {
                if !codes.iter().any(|c| c == code) {
                    codes.push(code.to_owned());
                }
            }
        }
        codes
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

/// A form field as the rules name it in their problems, and as the page shows it.
pub(crate) struct Field {
    /// The name the rules give it (`title`, `ticket.min`, `organisation.country`); a problem
    /// about a part of it (`value.amount`, `sectors[2]`) belongs to it too.
    pub rule: &'static str,
    /// The id of its input (or fieldset) on the page: the summary links to it and its message
    /// is shown next to it.
    pub id: &'static str,
    /// The catalogue key of its label.
    pub label: &'static str,
    /// The catalogue key of what the field needs, in words for the person filling the form;
    /// `%{min}` and `%{max}` in it are filled with the field's limits.
    pub need: &'static str,
    /// The fewest and the most characters the rules take, where they say.
    pub min: Option<usize>,
    pub max: Option<usize>,
}

impl Field {
    pub(crate) const fn new(
        rule: &'static str,
        id: &'static str,
        label: &'static str,
        need: &'static str,
    ) -> Self {
        Field {
            rule,
            id,
            label,
            need,
            min: None,
            max: None,
        }
    }

    /// The field with the rules' longest text, for its message.
    pub(crate) const fn at_most(self, max: usize) -> Self {
        Field {
            max: Some(max),
            ..self
        }
    }

    /// The field with the rules' shortest and longest text, for its message.
    pub(crate) const fn between(self, min: usize, max: usize) -> Self {
        Field {
            min: Some(min),
            max: Some(max),
            ..self
        }
    }

    /// Whether the rules' problem about `rule` is about this field or a part of it.
    fn covers(&self, rule: &str) -> bool {
        rule.strip_prefix(self.rule)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    }
}

/// The catalogue's text for `key` in `lang`, with `%{min}` and `%{max}` written as the language
/// writes numbers.
pub(crate) fn with_limits(lang: Lang, key: &str, min: Option<usize>, max: Option<usize>) -> String {
    let mut said = lang.t(key);
    for (name, limit) in [("%{min}", min), ("%{max}", max)] {
        if let Some(limit) = limit {
            let number = lang.integer(i64::try_from(limit).unwrap_or(i64::MAX));
            said = said.replace(name, &number);
        }
    }
    said
}

/// One problem as the page shows it.
#[derive(Debug)]
pub(crate) struct Problem {
    /// The id of the field on the page; empty for a problem with no field of the form.
    pub id: &'static str,
    /// The field's label; empty with the id.
    pub label: String,
    /// What the field needs.
    pub message: String,
}

/// What a form could not take, in the page's language, each problem with the field it belongs
/// to. The rules' own (English) messages stay the API's: a page says what each field needs from
/// its catalogue, and a field it does not know gets a general request to check the form.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    list: Vec<Problem>,
}

impl Problems {
    /// The problems with the fields the rules named (`rules`), for a form made of `form` (its
    /// fields in the order the page shows them).
    pub(crate) fn of<'f>(
        lang: Lang,
        form: impl IntoIterator<Item = &'f Field>,
        rules: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> Self {
        Self::with_needs(lang, form, rules.into_iter().map(|rule| (rule, None)))
    }

    /// [`Problems::of`] for the rules' field errors, where a password refused as easy to guess
    /// says why (its weakness's words) rather than what passwords need in general.
    pub(crate) fn of_errors<'f>(
        lang: Lang,
        form: impl IntoIterator<Item = &'f Field>,
        fields: &FieldErrors,
    ) -> Self {
        let rules = fields
            .iter()
            .map(|(rule, message)| (rule, Weakness::from_message(message).map(Weakness::need)));
        Self::with_needs(lang, form, rules)
    }

    fn with_needs<'f>(
        lang: Lang,
        form: impl IntoIterator<Item = &'f Field>,
        rules: impl IntoIterator<Item = (impl AsRef<str>, Option<&'static str>)>,
    ) -> Self {
        let form: Vec<&Field> = form.into_iter().collect();
        let mut problems = Problems::default();
        for (rule, need) in rules {
            let field = form
                .iter()
                .filter(|f| f.covers(rule.as_ref()))
                .max_by_key(|f| f.rule.len());
            problems.add(match field {
                Some(f) => Problem {
                    id: f.id,
                    label: lang.t(f.label),
                    message: with_limits(lang, need.unwrap_or(f.need), f.min, f.max),
                },
                None => Problem {
                    id: "",
                    label: String::new(),
                    message: lang.t("forms.check"),
                },
            });
        }
        let position = |id: &str| form.iter().position(|f| f.id == id).unwrap_or(form.len());
        problems.list.sort_by_key(|p| position(p.id));
        problems
    }

    /// Adds a problem unless its field already has one (one general problem at most).
    fn add(&mut self, problem: Problem) {
        if !self.list.iter().any(|p| p.id == problem.id) {
            self.list.push(problem);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Every problem, in the order of the form's fields (a general one last), as the page shows
    /// them.
    pub(crate) fn list(&self) -> &[Problem] {
        &self.list
    }

    /// What the field with this id on the page needs, when it has a problem.
    pub(crate) fn about(&self, id: &str) -> Option<&str> {
        self.list
            .iter()
            .find(|p| !p.id.is_empty() && p.id == id)
            .map(|p| p.message.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::{Field, Lang, Problems, Typed};

    const FORM: [Field; 2] = [
        Field::new("ticket", "ticket", "mandate.ticket", "forms.ticket"),
        Field::new(
            "ticket.min",
            "ticket_min",
            "mandate.ticket_min",
            "forms.amount",
        ),
    ];

    #[test]
    fn a_problem_belongs_to_the_most_specific_field_and_unknown_ones_are_general() {
        let problems = Problems::of(
            Lang::Id,
            &FORM,
            ["ticket.min", "ticket", "ticket[0]", "kbli", "region"],
        );
        let ids: Vec<&str> = problems.list().iter().map(|p| p.id).collect();
        assert_eq!(
            ids,
            ["ticket", "ticket_min", ""],
            "in the form's order, one general problem last"
        );
        assert_eq!(
            problems.about("ticket_min"),
            Some(Lang::Id.t("forms.amount").as_str())
        );
        assert_eq!(problems.about(""), None);
        assert_eq!(problems.list()[2].message, Lang::Id.t("forms.check"));
        assert!(
            Problems::of(Lang::En, &FORM, ["tickets"])
                .about("ticket")
                .is_none()
        );
    }

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
