//! Where a page may send the browser next: only to an address on this site.
//!
//! Every redirect of the pages goes through [`same_site`], whether its address was written by a
//! handler or taken from the request (the language switch's `back`), so that no request can send a
//! browser to another host and no address can break the `Location` header.

/// Where a redirect goes when the address asked for is not a path on this site.
pub const HOME: &str = "/";

/// `address` when it is a path on this site, otherwise [`HOME`].
///
/// A path on this site starts with a single `/` (not `//` or `/\`, which browsers read as
/// another host), holds only visible ASCII (no spaces, tabs, CR, LF or other control characters,
/// which browsers drop or which would break the header; pages' own addresses are percent-encoded)
/// and no backslash, and, resolved against this site, stays on it.
pub fn same_site(address: &str) -> &str {
    if is_same_site_path(address) {
        address
    } else {
        HOME
    }
}

fn is_same_site_path(address: &str) -> bool {
    let bytes = address.as_bytes();
    if bytes.first() != Some(&b'/') || matches!(bytes.get(1), Some(b'/' | b'\\')) {
        return false;
    }
    if !bytes.iter().all(|b| b.is_ascii_graphic() && *b != b'\\') {
        return false;
    }
    // Resolved the way a browser resolves a Location, the address must keep this site's origin.
    const HERE: &str = "http://sepadan.invalid/";
    let Ok(base) = reqwest::Url::parse(HERE) else {
        return false;
    };
    base.join(address)
        .is_ok_and(|url| url.origin() == base.origin() && url.username().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_on_this_site_are_kept() {
        for path in [
            "/",
            "/opportunities",
            "/opportunities?q=solar&page=2",
            "/dashboard#match-5d1c",
            "/opportunities?q=caf%C3%A9",
            "/events/e1/grid?tz=Asia/Jakarta#meetings",
        ] {
            assert_eq!(same_site(path), path);
        }
    }

    #[test]
    fn other_hosts_and_schemes_go_home() {
        for address in [
            "",
            "//evil.example",
            "//evil.example/path",
            "/\\evil.example",
            "/x\\y",
            "https://evil.example/",
            "http:/evil.example",
            "javascript:alert(1)",
            "evil.example",
            "opportunities",
            "\\\\evil.example",
        ] {
            assert_eq!(same_site(address), HOME, "{address:?}");
        }
    }

    #[test]
    fn control_characters_and_whitespace_go_home() {
        for address in [
            "/\t/evil.example",
            "/\r\nSet-Cookie: x=1",
            "/\n/evil.example",
            "/ /evil.example",
            "/opportunities ",
            "/\u{0}",
            "/\u{7f}",
            "/caf\u{e9}",
            "/\u{2028}/evil.example",
        ] {
            assert_eq!(same_site(address), HOME, "{address:?}");
        }
    }
}
