//! Free text: the longest each kind may be, its check, and the lower-cased word tokens shared
//! by search indexing and querying.

use crate::error::AppError;

/// A project's title, in characters (each language apart).
pub const TITLE: usize = 200;
/// A project's description (each language apart).
pub const DESCRIPTION: usize = 10_000;
/// The name of an organisation, an event, a venue or a delegation, on one line.
pub const NAME: usize = 200;
/// A person's name, on one line.
pub const PERSON_NAME: usize = 120;
/// A city, on one line.
pub const CITY: usize = 120;
/// Descriptions, theses, profiles and meeting notes, in characters (each language apart).
pub const LONG_TEXT: usize = 5000;
/// A meeting request's message.
pub const MESSAGE: usize = 2000;
/// Why a request was declined or cancelled.
pub const REASON: usize = 1000;
/// A reviewer's comment and other one-paragraph notes.
pub const SHORT_TEXT: usize = 500;

/// The text trimmed, or 422 naming `field` when it is longer than `max` characters.
pub fn within(field: &str, text: &str, max: usize) -> Result<String, AppError> {
    if text.chars().count() > max {
        return Err(AppError::validation(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(text.trim().to_owned())
}

/// Splits text into lower-case alphanumeric tokens.
pub fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The normalised form stored for searching: tokens joined by single spaces, padded with a space
/// on each side so that a word can be matched as ` word`.
pub fn search_document<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut doc = String::from(" ");
    for part in parts {
        for token in tokens(part) {
            doc.push_str(&token);
            doc.push(' ');
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_lower_case_words() {
        assert_eq!(
            tokens("Solar PV, Kota-Palopo!"),
            ["solar", "pv", "kota", "palopo"]
        );
    }

    #[test]
    fn a_search_document_is_padded_for_word_prefix_matching() {
        assert_eq!(
            search_document(["Air Bersih", "Clean water"]),
            " air bersih clean water "
        );
    }
}
