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
//! - `diff-in-new-text`, `malformed-trailer`, `foreign-trailer`: the
//!   review rules, see [`review`];
//! - `unchanged`: the draft is the generated one, untouched;
//! - `no-new-text`: nothing but the attribution and the quote.

use super::quote::split_markers;
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
    // A generated draft with new text of its own (`--trailer`) is an answer.
    let unchanged = generated_body.is_some_and(|g| normalize(g) == normalize(&body)) && d.new_lines.is_empty();
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

/// The rules a review reply needs, beside [`check`]:
/// - `diff-in-new-text`: the new text holds a diff (patchwork files such a
///   reply as a new patch);
/// - `malformed-trailer`: a `Reviewed-by:`, `Acked-by:` or `Tested-by:`
///   without a name and an address, or one written inside the quote (b4
///   ignores quoted trailers): a quoted one that the original (when known)
///   does not have; without the original, one that names one of `me` and
///   is not followed by a `Signed-off-by:` (as in a patch's own trailers);
/// - `foreign-trailer`: such a trailer of new text that names an address
///   not among `me`, the user's addresses (none known: not checked).
pub fn review(draft_body: &str, original_text: Option<&str>, me: &[String]) -> Vec<Warning> {
    let body = draft_body.replace("\r\n", "\n");
    let lines: Vec<&str> = body.lines().collect();
    let d = Classified::new(&lines, None);
    let mut out = Vec::new();
    out.extend(diff_in_new_text(&d));
    out.extend(malformed_trailers(&d));
    out.extend(quoted_trailers(&d, original_text, me));
    out.extend(foreign_trailers(&d, me));
    out
}

fn diff_in_new_text(d: &Classified) -> Option<Warning> {
    let i = d
        .new_lines
        .iter()
        .copied()
        .find(|&i| crate::reply::patch::is_diff_header(d.lines, i))?;
    Some(Warning {
        line: Some(i + 1),
        rule: "diff-in-new-text",
        message: "the new text holds a diff: patchwork will file this reply as a patch (quote it, or send the patch on its own)".into(),
    })
}

/// A review trailer's tag and its address, when it names `Name <address>`.
fn review_trailer(line: &str) -> Option<(&str, Option<String>)> {
    let tag = crate::reply::patch::review_tag(line)?;
    let (_, value) = crate::reply::patch::trailer_parts(line)?;
    let named = crate::message::address::parse_one(value)
        .filter(|(name, email)| {
            name.as_deref().is_some_and(|n| !n.trim().is_empty())
                && value.contains('<')
                && crate::message::address::plausible_email(email)
        })
        .map(|(_, email)| email);
    Some((tag, named))
}

fn malformed_trailers<'a>(d: &'a Classified) -> impl Iterator<Item = Warning> + 'a {
    d.new_lines.iter().filter_map(move |&i| {
        let (tag, None) = review_trailer(d.lines[i])? else {
            return None;
        };
        Some(Warning {
            line: Some(i + 1),
            rule: "malformed-trailer",
            message: format!("{tag}: without a name and an address: b4 takes \"{tag}: Name <address>\""),
        })
    })
}

fn quoted_trailers(d: &Classified, original_text: Option<&str>, me: &[String]) -> Vec<Warning> {
    let original: Option<std::collections::HashSet<&str>> = original_text.map(|o| o.lines().map(str::trim).collect());
    (0..d.lines.len())
        .filter(|&i| d.kinds[i] == Kind::Quoted)
        .filter_map(|i| {
            let (depth, rest) = split_markers(d.lines[i]);
            let (tag, email) = review_trailer(rest.trim_start()).filter(|_| depth == 1)?;
            // Without the original: one of the user's own, and not in a
            // patch's trailer block (where the author's Signed-off-by
            // follows the trailers collected from earlier versions).
            let added = match &original {
                Some(o) => !o.contains(rest.trim()),
                None => {
                    email.is_some_and(|e| me.iter().any(|m| m.eq_ignore_ascii_case(&e)))
                        && !(i + 1..d.lines.len())
                            .take_while(|&j| d.kinds[j] == Kind::Quoted && key(d.lines[j], 0).is_some())
                            .any(|j| {
                                split_markers(d.lines[j])
                                    .1
                                    .trim_start()
                                    .to_ascii_lowercase()
                                    .starts_with("signed-off-by:")
                            })
                }
            };
            added.then(|| Warning {
                line: Some(i + 1),
                rule: "malformed-trailer",
                message: format!("{tag}: inside the quote: b4 ignores quoted trailers, write it unquoted"),
            })
        })
        .collect()
}

fn foreign_trailers<'a>(d: &'a Classified, me: &'a [String]) -> impl Iterator<Item = Warning> + 'a {
    d.new_lines.iter().filter_map(move |&i| {
        let (tag, Some(email)) = review_trailer(d.lines[i])? else {
            return None;
        };
        let mine = me.is_empty() || me.iter().any(|m| m.eq_ignore_ascii_case(&email));
        (!mine).then(|| Warning {
            line: Some(i + 1),
            rule: "foreign-trailer",
            message: format!(
                "{tag}: names <{email}>, not one of your addresses ({}): a trailer is given by whoever sends it",
                me.join(", ")
            ),
        })
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

/// Look-alike domains among the recipients (rule `mixed-script-domain`):
/// a domain label that mixes scripts (`exаmple.org` with a Cyrillic `а`),
/// or a label written wholly in Cyrillic or Greek letters that look like
/// Latin ones in a domain that also has Latin labels (`аррӏе.com`).
/// Punycode (`xn--`) labels are decoded first. Mixing Han with Hiragana,
/// Katakana, Hangul or Bopomofo is how Japanese, Korean and Chinese are
/// written, and is fine. The warning names the address as written and its
/// decoded form; control characters are not shown.
pub fn mixed_script_domains(addrs: &[crate::message::address::Addr]) -> Vec<Warning> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for a in addrs {
        let Some((_, domain)) = a.email.rsplit_once('@') else {
            continue;
        };
        let key = domain.to_lowercase();
        if !seen.insert(key.clone()) {
            continue;
        }
        let (unicode, _) = idna::domain_to_unicode(&key);
        let labels: Vec<&str> = unicode.split('.').filter(|l| !l.is_empty()).collect();
        let has_latin_label = labels.iter().any(|l| scripts_of(l) == [Script::Latin]);
        let shown = |s: &str| s.chars().filter(|c| !c.is_control()).collect::<String>();
        let what = if unicode == key {
            format!("<{}>", shown(&a.email))
        } else {
            format!("<{}> ({})", shown(&a.email), shown(&unicode))
        };
        for label in &labels {
            let scripts = scripts_of(label);
            let mixed = scripts.len() > 1 && !is_cjk_mix(&scripts);
            let lookalike = has_latin_label
                && matches!(scripts.as_slice(), [Script::Cyrillic | Script::Greek])
                && label
                    .chars()
                    .all(|c| !c.is_alphabetic() || LATIN_LOOKALIKES.contains(c));
            if mixed || lookalike {
                let names: Vec<&str> = scripts.iter().map(|s| s.name()).collect();
                let message = if mixed {
                    format!(
                        "{what}: the domain mixes {} letters: a look-alike of another domain?",
                        names.join(" and ")
                    )
                } else {
                    format!(
                        "{what}: the domain has {} letters that look Latin: a look-alike of another domain?",
                        names[0]
                    )
                };
                out.push(Warning {
                    line: None,
                    rule: "mixed-script-domain",
                    message,
                });
                break;
            }
        }
    }
    out
}

/// Cyrillic and Greek letters that look like Latin ones.
const LATIN_LOOKALIKES: &str = "аеорсухіјѕԁԛԝһӏьвкмнтАВЕКМНОРСТУХІЈЅԌԚԜαβεικνορτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Script {
    Latin,
    Greek,
    Cyrillic,
    Armenian,
    Hebrew,
    Arabic,
    Indic,
    Thai,
    Georgian,
    Hangul,
    Hiragana,
    Katakana,
    Bopomofo,
    Han,
    Other,
}

impl Script {
    fn name(self) -> &'static str {
        match self {
            Script::Latin => "Latin",
            Script::Greek => "Greek",
            Script::Cyrillic => "Cyrillic",
            Script::Armenian => "Armenian",
            Script::Hebrew => "Hebrew",
            Script::Arabic => "Arabic",
            Script::Indic => "Indic",
            Script::Thai => "Thai",
            Script::Georgian => "Georgian",
            Script::Hangul => "Hangul",
            Script::Hiragana => "Hiragana",
            Script::Katakana => "Katakana",
            Script::Bopomofo => "Bopomofo",
            Script::Han => "Han",
            Script::Other => "other",
        }
    }
}

/// The scripts of a label's letters, sorted, each once; digits, `-` and
/// marks belong to none. Block ranges, enough for the scripts look-alike
/// domains are made of.
fn scripts_of(label: &str) -> Vec<Script> {
    let mut out: Vec<Script> = label
        .chars()
        .filter(|c| c.is_alphabetic())
        .map(|c| match c as u32 {
            0x41..=0x5a | 0x61..=0x7a | 0xc0..=0x24f | 0x1e00..=0x1eff | 0x2c60..=0x2c7f | 0xa720..=0xa7ff => {
                Script::Latin
            }
            0x370..=0x3ff | 0x1f00..=0x1fff => Script::Greek,
            0x400..=0x52f | 0x1c80..=0x1c8f | 0x2de0..=0x2dff | 0xa640..=0xa69f => Script::Cyrillic,
            0x530..=0x58f => Script::Armenian,
            0x590..=0x5ff => Script::Hebrew,
            0x600..=0x6ff | 0x750..=0x77f | 0x8a0..=0x8ff => Script::Arabic,
            0x900..=0xdff => Script::Indic,
            0xe00..=0xe7f => Script::Thai,
            0x10a0..=0x10ff => Script::Georgian,
            0x1100..=0x11ff | 0x3130..=0x318f | 0xac00..=0xd7af => Script::Hangul,
            0x3040..=0x309f => Script::Hiragana,
            0x30a0..=0x30ff | 0x31f0..=0x31ff => Script::Katakana,
            0x3100..=0x312f | 0x31a0..=0x31bf => Script::Bopomofo,
            0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff | 0x20000..=0x3ffff => Script::Han,
            _ => Script::Other,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Han with the scripts written alongside it (Japanese, Korean, Chinese).
fn is_cjk_mix(scripts: &[Script]) -> bool {
    scripts.contains(&Script::Han)
        && scripts.iter().all(|s| {
            matches!(
                s,
                Script::Han | Script::Hiragana | Script::Katakana | Script::Hangul | Script::Bopomofo
            )
        })
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

    #[test]
    fn look_alike_domains() {
        use crate::message::address::Addr;
        let warn = |emails: &[&str]| {
            let addrs: Vec<Addr> = emails.iter().map(|e| Addr::new(None, e)).collect();
            mixed_script_domains(&addrs)
        };
        // Ordinary domains, IDNs in one script, CJK as it is written.
        assert!(warn(&[
            "greg@kroah.com",
            "a@m\u{fc}nchen.de",
            "b@xn--mnchen-3ya.de",
            "c@\u{43f}\u{440}\u{438}\u{43c}\u{435}\u{440}.\u{440}\u{444}",
            "d@\u{4f8b}\u{3048}.jp",
            "e@\u{d55c}\u{ad6d}\u{c5b4}.kr",
            "f@123-x.org",
        ])
        .is_empty());
        // A Cyrillic a in a Latin name, written as it is or as punycode.
        let w = warn(&["list@ex\u{430}mple.org"]);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].rule, "mixed-script-domain");
        assert!(w[0].message.contains("mixes Latin and Cyrillic"), "{}", w[0].message);
        let puny = idna::domain_to_ascii("ex\u{430}mple.org").unwrap();
        let w = warn(&[&format!("list@{puny}")]);
        assert_eq!(w.len(), 1, "{puny}");
        assert!(w[0].message.contains("ex\u{430}mple.org"), "{}", w[0].message);
        // Wholly Cyrillic letters that read as Latin, next to a Latin TLD.
        let w = warn(&["x@\u{430}\u{440}\u{440}\u{4cf}\u{435}.com"]);
        assert_eq!(w.len(), 1);
        assert!(
            w[0].message.contains("Cyrillic letters that look Latin"),
            "{}",
            w[0].message
        );
        // Once a domain; each bad domain once.
        assert_eq!(
            warn(&["a@ex\u{430}mple.org", "b@EX\u{410}MPLE.org", "c@g\u{3bf}\u{3bf}gle.com"]).len(),
            2
        );
    }
}
