//! The netiquette check of a reply draft, before it is sent: the habits
//! kernel lists ask for (interleaved replies, trimmed quotes, plain text,
//! short lines). Pure: the draft's body in, warnings out.
//!
//! Rules (each [`Warning::rule`]):
//! - `top-posting`: new text only above the quote;
//! - `untrimmed-quote`: more than 80% of the original's lines quoted and
//!   fewer than 3 new lines (originals of 4 lines or more);
//! - `quoted-signature`: a quoted `-- ` signature separator remains;
//! - `long-line`: a line of new text over 78 columns (tabs to 8, wide
//!   characters count 2; a line without spaces, such as a URL, and trailers
//!   such as `Fixes:` or `Link:` are never wrapped, so they pass);
//! - `line-over-998`: any line over 998 bytes (RFC 5322's limit);
//! - `html`: HTML markup in the new text;
//! - `unchanged`: the draft is the generated one, untouched;
//! - `no-new-text`: nothing but the attribution and the quote.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// 1-based line of the draft body, when the warning is about one line.
    pub line: Option<usize>,
    pub rule: &'static str,
    pub message: String,
}

impl Warning {
    /// `NAME:LINE: rule: message` (`NAME: rule: message` without a line);
    /// `offset` is the number of lines before the body in the file.
    pub fn format(&self, name: &str, offset: usize) -> String {
        let msg = crate::text::for_terminal(&self.message);
        match self.line {
            Some(l) => format!("{name}:{}: {}: {msg}", l + offset, self.rule),
            None => format!("{name}: {}: {msg}", self.rule),
        }
    }
}

/// Columns a line of new text may use.
pub const MAX_COLUMNS: usize = 78;
/// RFC 5322: a line must not be longer than 998 bytes (without CRLF).
pub const MAX_LINE_BYTES: usize = 998;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Blank,
    Quoted,
    Attribution,
    /// The user's own signature (from a `-- ` line on).
    Signature,
    New,
}

/// Check a draft body. `generated_body` is the body ksreply drafted (to
/// notice an untouched draft and to know the original when
/// `original_text` is not given); `original_text` is the decoded text of the
/// message replied to.
pub fn check(draft_body: &str, generated_body: Option<&str>, original_text: Option<&str>) -> Vec<Warning> {
    let body = draft_body.replace("\r\n", "\n");
    let lines: Vec<&str> = body.lines().collect();
    let d = Classified::new(&lines, generated_body);
    let mut out = Vec::new();
    out.extend(top_posting(&d));
    out.extend(untrimmed_quote(&d, generated_body, original_text));
    out.extend(quoted_signature(&d));
    out.extend(long_lines(&d));
    out.extend(lines_over_998(&d));
    out.extend(html(&d));
    let unchanged = generated_body.is_some_and(|g| normalize(g) == normalize(&body));
    if unchanged {
        out.push(Warning {
            line: None,
            rule: "unchanged",
            message: "the draft is the generated one, unchanged: write your answer".into(),
        });
    } else if d.new_lines.is_empty() {
        out.push(Warning {
            line: None,
            rule: "no-new-text",
            message: "the draft has no new text, only the quote".into(),
        });
    }
    out
}

/// How many lines of the body are the user's own text (not quoted, not the
/// attribution, not blank, not the user's signature; trailers count).
pub fn new_text_lines(draft_body: &str, generated_body: Option<&str>) -> usize {
    let body = draft_body.replace("\r\n", "\n");
    let lines: Vec<&str> = body.lines().collect();
    Classified::new(&lines, generated_body).new_lines.len()
}

/// The body's lines, each with its kind.
struct Classified<'a> {
    lines: &'a [&'a str],
    kinds: Vec<Kind>,
    first_quoted: Option<usize>,
    new_lines: Vec<usize>,
}

impl<'a> Classified<'a> {
    fn new(lines: &'a [&'a str], generated_body: Option<&str>) -> Classified<'a> {
        let generated_attribution = generated_body.and_then(|g| {
            let first = g.lines().next()?;
            (!first.starts_with('>') && !first.trim().is_empty()).then(|| first.trim_end().to_string())
        });
        let kinds = classify(lines, generated_attribution.as_deref());
        let first_quoted = kinds.iter().position(|k| *k == Kind::Quoted);
        let new_lines = (0..lines.len()).filter(|&i| kinds[i] == Kind::New).collect();
        Classified {
            lines,
            kinds,
            first_quoted,
            new_lines,
        }
    }
}

fn top_posting(d: &Classified) -> Option<Warning> {
    let fq = d.first_quoted?;
    let above = d.new_lines.iter().filter(|&&i| i < fq).count();
    let below = d.new_lines.iter().filter(|&&i| i > fq).count();
    (above > 0 && below == 0).then(|| Warning {
        line: Some(d.new_lines[0] + 1),
        rule: "top-posting",
        message: "all the new text is above the quote: answer below the lines you reply to, and trim the rest".into(),
    })
}

fn untrimmed_quote(d: &Classified, generated_body: Option<&str>, original_text: Option<&str>) -> Option<Warning> {
    let mut original_keys: Vec<(usize, String)> = match (original_text, generated_body) {
        (Some(o), _) => {
            let o = o.replace("\r\n", "\n");
            crate::reply::quote::cut_signature(&o)
                .lines()
                .filter_map(|l| key(l, 0))
                .collect()
        }
        (None, Some(g)) => g
            .lines()
            .filter(|l| l.starts_with('>'))
            .filter_map(|l| key(l, 1))
            .collect(),
        (None, None) => Vec::new(),
    };
    original_keys.sort();
    original_keys.dedup();
    if original_keys.len() < 4 || d.new_lines.len() >= 3 {
        return None;
    }
    let quoted: std::collections::HashSet<(usize, String)> = d
        .lines
        .iter()
        .zip(&d.kinds)
        .filter(|(_, k)| **k == Kind::Quoted)
        .filter_map(|(l, _)| key(l, 1))
        .collect();
    let kept = original_keys.iter().filter(|k| quoted.contains(*k)).count();
    let pct = kept * 100 / original_keys.len();
    (kept * 5 > original_keys.len() * 4).then(|| Warning {
        line: d.first_quoted.map(|i| i + 1),
        rule: "untrimmed-quote",
        message: format!(
            "{pct}% of the original is quoted for {} new line(s): cut what you do not answer",
            d.new_lines.len()
        ),
    })
}

fn quoted_signature(d: &Classified) -> Option<Warning> {
    let i = (0..d.lines.len()).find(|&i| {
        let (_, rest) = split_markers(d.lines[i]);
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        d.kinds[i] == Kind::Quoted && rest.trim_end() == "--"
    })?;
    Some(Warning {
        line: Some(i + 1),
        rule: "quoted-signature",
        message: "a quoted signature remains: cut it (from the \"-- \" line)".into(),
    })
}

/// New text over [`MAX_COLUMNS`] (trailers and unbreakable lines such as
/// URLs excepted).
fn long_lines<'a>(d: &'a Classified) -> impl Iterator<Item = Warning> + 'a {
    d.new_lines.iter().filter_map(move |&i| {
        let l = d.lines[i];
        let cols = columns(l);
        (cols > MAX_COLUMNS && l.trim().contains(char::is_whitespace) && !is_trailer(l)).then(|| Warning {
            line: Some(i + 1),
            rule: "long-line",
            message: format!("{cols} columns: wrap new text at {MAX_COLUMNS} (75 is usual)"),
        })
    })
}

/// Any line over [`MAX_LINE_BYTES`].
fn lines_over_998<'a>(d: &'a Classified) -> impl Iterator<Item = Warning> + 'a {
    d.lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.len() > MAX_LINE_BYTES)
        .map(|(i, l)| Warning {
            line: Some(i + 1),
            rule: "line-over-998",
            message: format!(
                "{} bytes: mail lines may not exceed {MAX_LINE_BYTES} bytes (RFC 5322)",
                l.len()
            ),
        })
}

/// HTML in the new text or the user's signature.
fn html(d: &Classified) -> Option<Warning> {
    let i = (0..d.lines.len())
        .filter(|&i| matches!(d.kinds[i], Kind::New | Kind::Signature))
        .find(|&i| has_html(d.lines[i]))?;
    Some(Warning {
        line: Some(i + 1),
        rule: "html",
        message: "HTML markup in the draft: mailing lists take plain text only".into(),
    })
}

fn classify(lines: &[&str], generated_attribution: Option<&str>) -> Vec<Kind> {
    let mut kinds: Vec<Kind> = lines
        .iter()
        .map(|l| {
            if l.trim().is_empty() {
                Kind::Blank
            } else if l.starts_with('>') {
                Kind::Quoted
            } else {
                Kind::New
            }
        })
        .collect();
    // Attribution: the generated one wherever it is, or a line ending in ':'
    // right above a quoted line (and the line before it when the
    // attribution was wrapped in two: "On ..., Name\n<a@b> wrote:").
    for i in 0..lines.len() {
        if kinds[i] != Kind::New {
            continue;
        }
        let l = lines[i].trim_end();
        let is_generated = generated_attribution.is_some_and(|g| g == l);
        let above_quote = kinds.get(i + 1) == Some(&Kind::Quoted) && l.ends_with(':');
        if is_generated || above_quote {
            kinds[i] = Kind::Attribution;
            let wrote = l.ends_with("wrote:") || l.ends_with("writes:");
            if i > 0
                && kinds[i - 1] == Kind::New
                && wrote
                && !lines[i].starts_with("On ")
                && lines[i - 1].starts_with("On ")
            {
                kinds[i - 1] = Kind::Attribution;
            }
        }
    }
    // The user's signature: from an unquoted "-- " line after the last quote.
    let last_quoted = kinds.iter().rposition(|k| *k == Kind::Quoted);
    if let Some(s) = lines
        .iter()
        .enumerate()
        .position(|(i, l)| *l == "-- " && last_quoted.map_or(true, |q| i > q))
    {
        for k in kinds.iter_mut().skip(s) {
            if *k != Kind::Blank {
                *k = Kind::Signature;
            }
        }
    }
    kinds
}

/// Leading quote markers (`>`, with single spaces between them) and the rest.
fn split_markers(line: &str) -> (usize, &str) {
    let b = line.as_bytes();
    let mut depth = 0;
    let mut i = 0;
    let mut end = 0;
    while i < b.len() {
        if b[i] == b'>' {
            depth += 1;
            i += 1;
            end = i;
        } else if b[i] == b' ' && b.get(i + 1) == Some(&b'>') {
            i += 1;
        } else {
            break;
        }
    }
    (depth, &line[end..])
}

/// A line as (quote depth − `strip`, trimmed text), for comparing a quote
/// with the original whatever the marker style; blank lines give None.
fn key(line: &str, strip: usize) -> Option<(usize, String)> {
    let (depth, rest) = split_markers(line);
    let rest = rest.trim();
    if rest.is_empty() || depth < strip {
        return None;
    }
    Some((depth - strip, rest.to_string()))
}

fn columns(line: &str) -> usize {
    let mut col = 0;
    for c in line.chars() {
        if c == '\t' {
            col = (col / 8 + 1) * 8;
        } else if is_wide(c) {
            col += 2;
        } else if !c.is_control() {
            col += 1;
        }
    }
    col
}

/// East Asian wide characters (CJK, Hangul, fullwidth forms), roughly.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD)
}

/// `Reviewed-by: ...`, `Fixes: ...`, `Link: ...`: trailers are never wrapped.
fn is_trailer(line: &str) -> bool {
    let Some((tag, _)) = line.split_once(": ") else {
        return false;
    };
    !tag.is_empty()
        && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && (tag.ends_with("-by") || matches!(tag, "Fixes" | "Link" | "Closes" | "Cc" | "Reported" | "Suggested"))
}

/// HTML tags or entities a mail client would leave in a body.
fn has_html(line: &str) -> bool {
    const TAGS: &[&str] = &[
        "html",
        "head",
        "body",
        "div",
        "p",
        "br",
        "span",
        "font",
        "table",
        "tr",
        "td",
        "a",
        "b",
        "i",
        "u",
        "em",
        "strong",
        "blockquote",
        "style",
        "meta",
        "img",
        "ul",
        "ol",
        "li",
        "pre",
        "!doctype",
        "hr",
    ];
    let lower = line.to_ascii_lowercase();
    if lower.contains("&nbsp;") {
        return true;
    }
    let b = lower.as_bytes();
    let mut i = 0;
    while let Some(rel) = lower[i..].find('<') {
        let start = i + rel + 1;
        let mut j = start;
        if b.get(j) == Some(&b'/') {
            j += 1;
        }
        let name_end = lower[j..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '!'))
            .map(|e| j + e)
            .unwrap_or(lower.len());
        let name = &lower[j..name_end];
        let next = b.get(name_end).copied();
        // `Vec<b>`, `Option<p>`: a generic, not a tag.
        let glued = name.len() == 1 && start >= 2 && matches!(b[start - 2], b'a'..=b'z' | b'0'..=b'9' | b'_' | b':');
        if TAGS.contains(&name) && !glued {
            let rest = &lower[name_end..];
            let closed = matches!(next, Some(b'>')) || rest.starts_with("/>") || rest.starts_with(" />");
            // `<div class="x">`: an attribute right after the name.
            let attr = matches!(next, Some(b' ') | Some(b'\t')) && {
                let a = rest.trim_start();
                let n = a
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                    .unwrap_or(a.len());
                n > 0 && a[n..].starts_with('=') && a[..n].chars().all(|c| c.is_ascii_lowercase() || c == '-')
            };
            if closed || attr {
                return true;
            }
        }
        i = start;
    }
    false
}

fn normalize(s: &str) -> String {
    let s = s.replace("\r\n", "\n");
    let mut lines: Vec<&str> = s.lines().map(|l| l.trim_end()).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_detection() {
        assert!(has_html("<div>Hi</div>"));
        assert!(has_html("text<br>more"));
        assert!(has_html("<p>"));
        assert!(has_html("see <a href=\"x\">here</a>"));
        assert!(!has_html("if (a <b && c> d)"));
        assert!(!has_html("Name <name@example.org>"));
        assert!(!has_html("x < p"));
        assert!(has_html("<div class=\"x\">"));
        assert!(has_html("<br/>"));
        assert!(!has_html("Vec<u8> and Option<p>"), "rust generics");
    }

    #[test]
    fn columns_expand_tabs_and_wide() {
        assert_eq!(columns("\tab"), 10);
        assert_eq!(columns("日本"), 4);
    }

    #[test]
    fn offset_counts_header_lines() {
        assert_eq!(crate::draft::body_line_offset(b"From: a\nTo: b\n\nbody\n"), 3);
        assert_eq!(crate::draft::body_line_offset(b"From: a\r\n\r\nbody\r\n"), 2);
    }

    #[test]
    fn markers_and_keys() {
        assert_eq!(split_markers("> > x"), (2, " x"));
        assert_eq!(key(">>> x", 1), Some((2, "x".into())));
        assert_eq!(key("> > x", 0), Some((2, "x".into())));
        assert_eq!(key(">", 1), None);
    }
}
