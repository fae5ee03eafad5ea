//! The reply's Subject.
//!
//! public-inbox adds `Re: ` unless `/\bRe:/i` occurs anywhere. ksreply's
//! default collapses the leading run of reply prefixes in any of the common
//! languages (`Re:`, `RE:`, `Re[2]:`, `AW:`, `SV:`, `Odp:`, `回复:`, `答复:`,
//! ...) into a single `Re: ` and keeps everything after it (`[PATCH v2 1/3]`
//! tags, `FW:`) byte for byte.

/// Reply prefixes, compared case-insensitively, before a `:` (or the
/// full-width `：`) and an optional `[n]`/`(n)` counter.
const PREFIXES: &[&str] = &[
    "re", "aw", "sv", "vs", "odp", "antw", "ref", "res", "回复", "回覆", "答复", "答覆",
];

pub fn public_inbox(subject: Option<&str>) -> String {
    let s = subject.unwrap_or("");
    if has_word_re(s) {
        s.to_string()
    } else {
        format!("Re: {s}")
    }
}

/// Perl's `/\bRe:/i`: "re:" not preceded by a word character.
fn has_word_re(s: &str) -> bool {
    let lower: Vec<char> = s.chars().map(|c| c.to_ascii_lowercase()).collect();
    lower
        .windows(3)
        .enumerate()
        .any(|(i, w)| w == ['r', 'e', ':'] && (i == 0 || !(lower[i - 1].is_alphanumeric() || lower[i - 1] == '_')))
}

pub fn collapse(subject: Option<&str>) -> String {
    let s = subject.unwrap_or("");
    format!("Re: {}", strip_reply_prefixes(s))
}

/// Remove the leading run of reply prefixes and the whitespace after them.
pub fn strip_reply_prefixes(mut s: &str) -> &str {
    loop {
        let t = s.trim_start();
        match strip_one(t) {
            Some(rest) => s = rest,
            None => return t,
        }
    }
}

fn strip_one(s: &str) -> Option<&str> {
    for p in PREFIXES {
        let Some(head) = s.get(..p.len()) else { continue };
        if !head.eq_ignore_ascii_case(p) && head != *p {
            continue;
        }
        let mut rest = &s[p.len()..];
        // Optional counter: Re[2]: or Re(2):
        for (open, close) in [('[', ']'), ('(', ')')] {
            if let Some(r) = rest.strip_prefix(open) {
                if let Some(end) = r.find(close) {
                    if r[..end].chars().all(|c| c.is_ascii_digit()) && end > 0 {
                        rest = &r[end + close.len_utf8()..];
                    }
                }
            }
        }
        let rest = rest.trim_start_matches(' ');
        if let Some(r) = rest.strip_prefix(':').or_else(|| rest.strip_prefix('：')) {
            return Some(r);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_inbox_rule() {
        assert_eq!(public_inbox(Some("[PATCH] x")), "Re: [PATCH] x");
        assert_eq!(public_inbox(Some("Re: x")), "Re: x");
        assert_eq!(public_inbox(Some("AW: Re: x")), "AW: Re: x");
        assert_eq!(public_inbox(Some("Fwd: re:x")), "Fwd: re:x");
        assert_eq!(public_inbox(Some("Core: x")), "Re: Core: x");
        assert_eq!(public_inbox(None), "Re: ");
    }

    #[test]
    fn collapse_prefixes() {
        let cases = [
            ("Re: Re: Re: Re: x", "Re: x"),
            ("Re:Re: Re: x", "Re: x"),
            ("RE: x", "Re: x"),
            ("Re[2]: x", "Re: x"),
            ("AW: AW: x", "Re: x"),
            ("Re: AW: AW: x", "Re: x"),
            ("SV: x", "Re: x"),
            ("Odp: x", "Re: x"),
            ("Re: 回复: Re: x", "Re: x"),
            ("Re: 答复: 答复: x", "Re: x"),
            ("回复：x", "Re: x"),
            ("Re: FW: x", "Re: FW: x"),
            (
                "[PATCH v2 1/3] hwmon: (lm90) Fix  two  spaces",
                "Re: [PATCH v2 1/3] hwmon: (lm90) Fix  two  spaces",
            ),
            ("Re: [PATCH] Re: inner", "Re: [PATCH] Re: inner"),
            ("Revert \"x\"", "Re: Revert \"x\""),
            ("Research: x", "Re: Research: x"),
            ("", "Re: "),
        ];
        for (input, want) in cases {
            assert_eq!(collapse(Some(input)), want, "{input}");
        }
        assert_eq!(collapse(None), "Re: ");
    }
}
