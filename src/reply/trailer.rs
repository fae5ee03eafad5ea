//! The trailer reply (`--trailer` on a patch): what maintainers write by
//! hand. The commit message is quoted down to its last trailer block
//! (`Signed-off-by:` ...) and the diff is not: one `> [...]` line stands
//! where it was, so readers see it was cut, and the new trailers follow
//! after a blank line. On a cover letter (`[PATCH 0/N]`) the first paragraph
//! is quoted and the reply says the trailers are for the whole series (b4
//! applies a trailer given to the cover letter to every patch).

use super::patch;
use super::quote::{self, QuoteOptions};
use crate::message::body::{Body, Segment};
use crate::message::{series, Mail};

/// The line a trailer reply's body says above the trailers to a cover letter.
pub const WHOLE_SERIES: &str = "For the whole series:";

/// The quote of a trailer reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailerQuote {
    /// The quoted lines, ending in the cut marker.
    pub quote: String,
    /// The message is a cover letter: the trailers are for the whole series.
    pub cover: bool,
}

/// The line that stands for what was cut from a quote: `> [...]` (the
/// prefix without its trailing blanks).
pub fn cut_marker(prefix: &str) -> String {
    match prefix.trim_end() {
        "" => "[...]".to_string(),
        bare => format!("{bare} [...]"),
    }
}

/// Whether `line` is a cut marker (`> [...]`, `[...]`, `>> [...]`).
pub fn is_cut_marker(line: &str) -> bool {
    line.trim_start_matches(['>', ' ', '|']).trim_end() == "[...]"
}

/// The trailer reply's quote of `mail`: None when it carries no patch and
/// is no cover letter, or the options ask for no quote or some lines only
/// (the reply is then the usual one, trailers at the end).
pub fn quote(mail: &Mail, q: &QuoteOptions) -> Option<TrailerQuote> {
    if q.no_quote || q.lines.is_some() {
        return None;
    }
    let cover = mail
        .subject
        .as_deref()
        .and_then(series::tag)
        .is_some_and(|t| t.is_cover());
    let mut segments = Vec::new();
    for seg in &mail.body.segments {
        let (text, marker) = match seg {
            Segment::Text(t) => (t, None),
            Segment::TextAttachment { marker, text } => (text, Some(marker)),
            Segment::Attachment(_) => {
                segments.push(seg.clone());
                continue;
            }
        };
        let cut = match cover {
            true => Some(first_paragraph_end(text)),
            false => patch::shape(text).map(|s| s.message_end),
        };
        let Some(end) = cut else {
            segments.push(seg.clone());
            continue;
        };
        let kept = text.lines().take(end).collect::<Vec<_>>().join("\n") + "\n";
        segments.push(match marker {
            Some(m) => Segment::TextAttachment {
                marker: m.clone(),
                text: kept,
            },
            None => Segment::Text(kept),
        });
        let body = Body {
            segments,
            ..Body::default()
        };
        let mut out = quote::quote_body(&body, q);
        out.push_str(&cut_marker(&q.prefix));
        out.push('\n');
        return Some(TrailerQuote { quote: out, cover });
    }
    None
}

/// The end (exclusive) of the first paragraph of `text`, in lines.
fn first_paragraph_end(text: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| !l.trim().is_empty()).unwrap_or(lines.len());
    lines[start..]
        .iter()
        .position(|l| l.trim().is_empty())
        .map_or(lines.len(), |n| start + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(subject: &str, text: &str) -> Mail {
        Mail {
            subject: Some(subject.into()),
            body: Body {
                text: text.into(),
                segments: vec![Segment::Text(text.into())],
                ..Body::default()
            },
            ..Mail::default()
        }
    }

    #[test]
    fn commit_message_then_the_cut() {
        let m = mail(
            "[PATCH 1/2] foo: bar",
            "Fix it.\n\nSigned-off-by: A <a@b>\n---\n x | 1 +\n\ndiff --git a/x b/x\n@@ -1 +1,2 @@\n a\n+b\n-- \n2.1\n",
        );
        let q = quote(&m, &QuoteOptions::default()).unwrap();
        assert_eq!(q.quote, "> Fix it.\n>\n> Signed-off-by: A <a@b>\n> [...]\n");
        assert!(!q.cover);
        let none = QuoteOptions {
            no_quote: true,
            ..QuoteOptions::default()
        };
        assert_eq!(quote(&m, &none), None);
        assert_eq!(quote(&mail("Re: x", "no patch here\n"), &QuoteOptions::default()), None);
    }

    #[test]
    fn cover_letter_first_paragraph() {
        let m = mail(
            "[PATCH v2 0/3] foo: series",
            "\nThis series fixes foo.\nIt is small.\n\nAlice (3):\n  foo: a\n",
        );
        let q = quote(&m, &QuoteOptions::default()).unwrap();
        assert_eq!(q.quote, "> This series fixes foo.\n> It is small.\n> [...]\n");
        assert!(q.cover);
        assert!(is_cut_marker("> [...]") && is_cut_marker(">> [...]") && !is_cut_marker("> [x]"));
        assert_eq!(cut_marker("| "), "| [...]");
    }
}
