//! Text helpers for search: lower-cased word tokens shared by indexing and querying.

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
