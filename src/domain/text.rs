//! Free text: the characters any text may hold, the longest each kind may be, its check, the
//! bounds of a search query, and the lower-cased word tokens shared by search indexing and
//! querying.

use crate::error::{AppError, ErrorCode, FieldErrors};

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

/// The most characters a search query (`q`) may hold.
pub const QUERY_CHARS: usize = 200;
/// The most words a search query (`q`) may hold.
pub const QUERY_WORDS: usize = 12;

/// The first character that no text from outside may hold: a control character (Unicode
/// category Cc: NUL, the other C0 controls, DEL and the C1 controls) other than tab and
/// newline. A carriage return is allowed only directly before a newline (CRLF line ends, as
/// browsers send a text area's lines).
pub fn forbidden_char(text: &str) -> Option<char> {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let allowed = match c {
            '\t' | '\n' => true,
            '\r' => chars.peek() == Some(&'\n'),
            c => !c.is_control(),
        };
        if !allowed {
            return Some(c);
        }
    }
    None
}

/// What is wrong with text that holds a forbidden character, for a field's message.
pub fn forbidden_message(c: char) -> String {
    format!(
        "must not contain control characters other than tab and newline (found U+{:04X})",
        u32::from(c)
    )
}

/// A field name or parameter as it may be repeated in a message: control characters escaped.
pub fn shown_name(name: &str) -> String {
    if name.chars().any(char::is_control) {
        name.escape_debug().to_string()
    } else {
        name.to_owned()
    }
}

/// A search query's words, or 400 `invalid_query` naming `q` when it is longer than
/// [`QUERY_CHARS`] characters or has more than [`QUERY_WORDS`] words.
pub fn query_words(q: &str) -> Result<Vec<String>, AppError> {
    let refuse = |message: String| AppError::BadRequest {
        code: ErrorCode::InvalidQuery,
        message: format!("q: {message}"),
        fields: FieldErrors::from([("q".to_owned(), message)]),
    };
    if q.chars().count() > QUERY_CHARS {
        return Err(refuse(format!("must be at most {QUERY_CHARS} characters")));
    }
    let words = tokens(q);
    if words.len() > QUERY_WORDS {
        return Err(refuse(format!("must be at most {QUERY_WORDS} words")));
    }
    Ok(words)
}

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
    fn control_characters_other_than_tab_newline_and_crlf_are_forbidden() {
        for fine in [
            "Solar PV",
            "a\tb",
            "line\nline",
            "line\r\nline",
            "Kota Palopo – \u{2028}",
        ] {
            assert_eq!(forbidden_char(fine), None, "{fine:?}");
        }
        for (bad, c) in [
            ("x\u{0}", '\u{0}'),
            ("bell\u{7}", '\u{7}'),
            ("a\rb", '\r'),
            ("end\r", '\r'),
            ("del\u{7f}", '\u{7f}'),
            ("c1\u{85}", '\u{85}'),
            ("esc\u{1b}[31m", '\u{1b}'),
        ] {
            assert_eq!(forbidden_char(bad), Some(c), "{bad:?}");
        }
        assert_eq!(shown_name("a\u{0}b\u{7}"), "a\\0b\\u{7}");
        assert_eq!(shown_name("title.en"), "title.en");
    }

    #[test]
    fn a_search_query_is_bounded_in_words_and_characters() {
        assert_eq!(query_words("air bersih").unwrap(), ["air", "bersih"]);
        assert!(query_words(&"kata ".repeat(QUERY_WORDS)).is_ok());
        assert!(query_words(&"kata ".repeat(QUERY_WORDS + 1)).is_err());
        assert!(query_words(&"a".repeat(QUERY_CHARS + 1)).is_err());
    }

    #[test]
    fn a_search_document_is_padded_for_word_prefix_matching() {
        assert_eq!(
            search_document(["Air Bersih", "Clean water"]),
            " air bersih clean water "
        );
    }
}
