//! Message-IDs: validation before they reach a header, extraction from raw
//! header values, and normalisation of what users type on the command line.
//!
//! Ids are kept without the angle brackets everywhere inside ksreply and
//! get them back only when a header is written.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

/// What public-inbox's `mid_escape` percent-encodes in an id for a URL:
/// every byte but `A-Za-z0-9-._~!$&'()*+,;=:@` (non-ASCII bytes always are).
pub const MID_ESCAPE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// The longest id written: RFC 5322's limit on a line (998 bytes).
pub const MAX_ID_LEN: usize = 998;

/// A Message-ID that may be written into In-Reply-To/References: not empty,
/// and no whitespace, control characters or angle brackets. mail-builder
/// writes these headers raw, so this check is what keeps message data from
/// injecting header lines. Ids without `@` (`<xxxx>`, real in old archives)
/// are safe to write: see [`is_unusual`].
pub fn is_valid(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && !id
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
}

/// A valid id that is not `local@domain` (RFC 5322's form): worth a warning.
pub fn is_unusual(id: &str) -> bool {
    !matches!(id.rsplit_once('@'), Some((local, domain)) if !local.is_empty() && !domain.is_empty())
}

/// All `<...>` tokens of a raw header value, in order, as public-inbox reads
/// them (`/<([^>]+)>/g`). Text outside brackets (comments, junk) is ignored.
/// Tokens are returned trimmed but not validated.
pub fn extract_all(raw: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = raw;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        match after.find('>') {
            Some(end) => {
                let tok = after[..end].trim();
                if !tok.is_empty() {
                    // Folding inside an id is not legal, but unfold rather
                    // than keep a line break (the id will then fail validation).
                    out.push(tok.to_string());
                }
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

/// The first id of a Message-ID header value: the first `<...>` token, or
/// the trimmed value when it has no brackets at all (some mailers do that).
pub fn extract_first(raw: &str) -> Option<String> {
    if let Some(id) = extract_all(raw).into_iter().next() {
        return Some(id);
    }
    let t = raw.trim();
    (!t.is_empty() && !t.contains('<') && !t.contains(char::is_whitespace)).then(|| t.to_string())
}

/// Normalise a Message-ID as typed by a user: `<id>`, `id:ID`, `mid:ID`,
/// surrounding whitespace. Percent-escapes are not touched here (URLs are
/// the source module's business).
pub fn normalize_arg(arg: &str) -> String {
    let mut s = arg.trim();
    for prefix in ["id:", "mid:"] {
        // `get`: the argument is any text, and byte `prefix.len()` may fall
        // inside a multi-byte character (`a€@x`).
        if s.len() > prefix.len() && s.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix)) {
            s = &s[prefix.len()..];
            break;
        }
    }
    let s = s.trim();
    let s = s.strip_prefix('<').unwrap_or(s);
    let s = s.strip_suffix('>').unwrap_or(s);
    s.trim().to_string()
}

/// Two ids name the same message: exact match, as public-inbox compares.
pub fn same(a: &str, b: &str) -> bool {
    a == b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_rejects_injection() {
        assert!(is_valid("YT26ebT6xXWsnVMw@unreal"));
        assert!(is_valid("20210911005214.71b55ac6@coco.lan"));
        assert!(is_valid("YTvuDsrUNhg/VXD0@localhost"));
        // Safe to write, if unusual.
        for odd in ["yes", "xxxx", "@x", "x@"] {
            assert!(is_valid(odd) && is_unusual(odd), "{odd}");
        }
        assert!(!is_unusual("YT26ebT6xXWsnVMw@unreal"));
        assert!(!is_valid(""));
        assert!(!is_valid("a\tb"));
        assert!(!is_valid("a@b\r\nBcc: evil@x"));
        assert!(!is_valid("a@b>\r\nBcc: evil@x"));
        assert!(!is_valid("a@b>"));
        assert!(!is_valid("a<b@c"));
        assert!(!is_valid("a b@c"));
        assert!(!is_valid("a@b\x00"));
        assert!(!is_valid(&format!("{}@x", "a".repeat(1000))));
    }

    #[test]
    fn extraction_follows_public_inbox() {
        assert_eq!(
            extract_all("<a@b>\n <c@d> (comment) junk <e@f>"),
            vec!["a@b", "c@d", "e@f"]
        );
        assert_eq!(extract_all("no ids here"), Vec::<String>::new());
        assert_eq!(extract_first(" <x@y> "), Some("x@y".into()));
        assert_eq!(extract_first("x@y"), Some("x@y".into()));
        assert_eq!(extract_first(""), None);
    }

    #[test]
    fn normalisation() {
        for s in ["<a@b>", "id:a@b", "mid:a@b", " a@b ", "id:<a@b>", "MID:a@b"] {
            assert_eq!(normalize_arg(s), "a@b", "{s}");
        }
        // Multi-byte characters where a prefix would end: no panic.
        for s in ["a€@x", "ab€@x", "€", "i€", "mi€:x@y", "<€>"] {
            let _ = normalize_arg(s);
        }
        assert_eq!(normalize_arg("a€@x"), "a€@x");
        assert_eq!(normalize_arg("id:a€@x"), "a€@x");
    }
}
