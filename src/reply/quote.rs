//! The quoted body: attribution line, then the original with `> ` in front
//! of every line, the signature cut.
//!
//! By default the quote is what mutt and neomutt write: the prefix, then the
//! original line byte for byte (other people's `> > ` markers and trailing
//! whitespace included); an empty line gets the prefix without its trailing
//! blank (`>`). [`Stacking::Compact`] rewrites already-quoted lines as `>>`.

use crate::message::address::Addr;
use crate::message::body::{Body, Segment};
use crate::message::MailDate;

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

#[derive(Debug, Clone)]
pub struct QuoteOptions {
    /// Prefix for each quoted line (`> `); its trimmed form (`>`) is used for
    /// empty lines, and for already-quoted lines with [`Stacking::Compact`].
    pub prefix: String,
    /// Keep the signature (from the `-- ` line) instead of cutting it.
    pub keep_signature: bool,
    /// Attribution template (git config `ksreply.attribution`), see
    /// [`render_attribution`]; None: neomutt's default.
    pub attribution: Option<String>,
    /// How already-quoted lines are quoted again (git config
    /// `ksreply.quoteStacking`).
    pub stacking: Stacking,
    /// Write the quote as format=flowed (RFC 3676) instead of fixed lines.
    pub flowed: bool,
    /// Leave the original out (no attribution, no quote).
    pub no_quote: bool,
    /// Quote only these lines (1-based, inclusive) of the original text.
    pub lines: Option<LineRange>,
}

impl Default for QuoteOptions {
    fn default() -> Self {
        QuoteOptions {
            prefix: "> ".to_string(),
            keep_signature: false,
            attribution: None,
            stacking: Stacking::Mutt,
            flowed: false,
            no_quote: false,
            lines: None,
        }
    }
}

/// How a line that is already quoted (`> x`, `> > x`) is quoted again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Stacking {
    /// As mutt, neomutt, notmuch and aerc: the prefix in front of the line
    /// as it is (`> > x` → `> > > x`). git config `ksreply.quoteStacking`
    /// `mutt`, or `spaced` (its name before it became the default).
    #[default]
    Mutt,
    /// The bare prefix, and the line's own markers without the spaces
    /// between them (`> > x` → `>>> x`). git config `ksreply.quoteStacking
    /// compact`.
    Compact,
}

impl std::str::FromStr for Stacking {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mutt" | "spaced" => Ok(Stacking::Mutt),
            "compact" => Ok(Stacking::Compact),
            other => Err(format!("{other:?} is not mutt, spaced or compact")),
        }
    }
}

/// `N..M`, `N..`, `..M` or `N`: 1-based line numbers, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineRange {
    pub first: usize,
    /// `usize::MAX` for "to the end".
    pub last: usize,
}

impl std::str::FromStr for LineRange {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let num = |t: &str| {
            t.trim()
                .parse::<usize>()
                .map_err(|_| format!("not a line number: {t:?}"))
        };
        let s = s.trim();
        let (first, last) = match s.split_once("..") {
            Some((a, b)) => (
                if a.trim().is_empty() { 1 } else { num(a)? },
                if b.trim().is_empty() {
                    usize::MAX
                } else {
                    num(b.trim_start_matches('='))?
                },
            ),
            None => {
                let n = num(s)?;
                (n, n)
            }
        };
        if first == 0 {
            return Err("line numbers start at 1".into());
        }
        if last < first {
            return Err(format!("empty range {s} (the end comes before the start)"));
        }
        Ok(LineRange { first, last })
    }
}

/// neomutt's default: `On Sun, Sep 12, 2021 at 11:29:45AM +0300, Name wrote:`,
/// in the sender's own zone and the C locale. Without a date: `Name wrote:`.
pub fn attribution(from: Option<&Addr>, date: Option<&MailDate>) -> String {
    let who = match from {
        Some(a) => a.name.clone().unwrap_or_else(|| a.email.clone()),
        None => "someone".to_string(),
    };
    // A display name is data: it must not add lines to the body.
    let who = crate::text::one_line(&who);
    match date {
        Some(d) => format!("On {}, {who} wrote:", format_date(d)),
        None => format!("{who} wrote:"),
    }
}

/// `%a, %b %d, %Y at %I:%M:%S%p %z`
pub fn format_date(d: &MailDate) -> String {
    let (h12, ampm) = match d.hour {
        0 => (12, "AM"),
        1..=11 => (d.hour, "AM"),
        12 => (12, "PM"),
        h => (h - 12, "PM"),
    };
    let sign = if d.offset_minutes < 0 || d.unknown_zone {
        '-'
    } else {
        '+'
    };
    let off = d.offset_minutes.unsigned_abs();
    format!(
        "{}, {} {:02}, {} at {:02}:{:02}:{:02}{} {}{:02}{:02}",
        DAYS[d.weekday as usize % 7],
        MONTHS[(d.month as usize).saturating_sub(1) % 12],
        d.day,
        d.year,
        h12,
        d.minute,
        d.second,
        ampm,
        sign,
        off / 60,
        off % 60
    )
}

/// Cut the signature: everything from the last line that is exactly `-- `.
/// (The last, because a quoted earlier message may carry its own.)
pub fn cut_signature(text: &str) -> &str {
    let mut cut = None;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let l = line.trim_end_matches('\n').trim_end_matches('\r');
        if l == "-- " {
            cut = Some(pos);
        }
        pos += line.len();
    }
    match cut {
        Some(c) => &text[..c],
        None => text,
    }
}

/// The attribution line from a template (git config `ksreply.attribution`).
/// Placeholders: `%n` the sender's name (its address when it has none), `%e`
/// the sender's address, `%d` the date as the default attribution writes it
/// (`Sun, Sep 12, 2021 at 11:29:45AM +0300`, sender's zone, C locale), `%i`
/// the Message-ID in angle brackets, `%s` the Subject, `%%` a percent sign.
/// When the template uses `%d` and the message has no Date, the line is
/// `NAME wrote:`. Values never add lines (control characters become spaces).
pub fn render_attribution(
    template: &str,
    from: Option<&Addr>,
    date: Option<&MailDate>,
    message_id: Option<&str>,
    subject: Option<&str>,
) -> String {
    if template.contains("%d") && date.is_none() {
        return attribution(from, None);
    }
    let clean = crate::text::one_line;
    let name = match from {
        Some(a) => a.name.clone().unwrap_or_else(|| a.email.clone()),
        None => "someone".to_string(),
    };
    let mut out = String::new();
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push_str(&clean(&name)),
            Some('e') => out.push_str(&clean(from.map(|a| a.email.as_str()).unwrap_or(""))),
            Some('d') => out.push_str(&date.map(format_date).unwrap_or_default()),
            Some('i') => {
                if let Some(id) = message_id {
                    out.push_str(&format!("<{}>", clean(id)));
                }
            }
            Some('s') => out.push_str(&clean(subject.unwrap_or(""))),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    // A template may hold several lines (git config "\n"), never trailing blanks.
    out.lines().map(|l| l.trim_end()).collect::<Vec<_>>().join("\n")
}

/// Quote text line by line. Leading and trailing empty lines are dropped;
/// every other line keeps all its bytes (whitespace too) behind the prefix; an empty line becomes the bare prefix (`>`). Already-quoted lines
/// stack as [`QuoteOptions::stacking`] says. Long lines are never rewrapped.
pub fn quote(text: &str, opts: &QuoteOptions) -> String {
    let text = if opts.keep_signature { text } else { cut_signature(text) };
    quote_lines(text, opts)
}

/// [`quote`] without cutting the signature.
pub fn quote_lines(text: &str, opts: &QuoteOptions) -> String {
    let bare = opts.prefix.trim_end();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let lines: Vec<&str> = text.lines().collect();
    let end = lines.iter().rposition(|l| !l.is_empty()).map(|i| i + 1).unwrap_or(0);
    let start = lines[..end].iter().position(|l| !l.is_empty()).unwrap_or(end);
    for line in &lines[start..end] {
        if line.is_empty() {
            out.push_str(bare);
        } else if line.starts_with('>') && opts.stacking == Stacking::Compact && !bare.is_empty() {
            out.push_str(bare);
            out.push_str(&compact_markers(line));
        } else {
            out.push_str(&opts.prefix);
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// `> > > x` → `>>> x`: single spaces between the leading quote markers are
/// dropped; whatever follows the last marker is kept as it is.
fn compact_markers(line: &str) -> String {
    let (depth, rest) = split_markers(line);
    let mut out = ">".repeat(depth);
    out.push_str(rest);
    out
}

/// Leading quote markers (`>`, with single spaces between them): their
/// number and the rest of the line after the last one.
pub(crate) fn split_markers(line: &str) -> (usize, &str) {
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

/// The quoted body: each text segment quoted (its signature cut unless
/// kept), a bare prefix line between two text segments, one
/// `[-- attachment: NAME (TYPE, SIZE) --]` line for each part not quoted.
/// With `lines`, only those lines of the whole text, nothing cut or marked.
pub fn quote_body(body: &Body, opts: &QuoteOptions) -> String {
    let bare = opts.prefix.trim_end();
    let mut out = String::new();
    if let Some(r) = opts.lines {
        let picked: Vec<&str> = body
            .text
            .lines()
            .enumerate()
            .filter(|(i, _)| (r.first..=r.last).contains(&(i + 1)))
            .map(|(_, l)| l)
            .collect();
        out = quote_lines(&(picked.join("\n") + "\n"), opts);
    } else {
        let mut last_was_text = false;
        for seg in &body.segments {
            match seg {
                Segment::Text(t) => {
                    let q = quote(t, opts);
                    if q.is_empty() {
                        continue;
                    }
                    if last_was_text {
                        out.push_str(bare);
                        out.push('\n');
                    }
                    out.push_str(&q);
                    last_was_text = true;
                }
                Segment::Attachment(marker) => {
                    push_marker(&mut out, bare, marker);
                    last_was_text = false;
                }
                Segment::TextAttachment { marker, text } => {
                    // Only extracted with --quote-attachments: quoted below its marker.
                    push_marker(&mut out, bare, marker);
                    let q = quote(text, opts);
                    out.push_str(&q);
                    last_was_text = !q.is_empty();
                }
            }
        }
    }
    if opts.flowed {
        out = to_flowed(&out, 78);
    }
    out
}

/// `[-- attachment: NAME (TYPE, SIZE) --]`, behind the bare quote prefix.
fn push_marker(out: &mut String, bare: &str, marker: &str) {
    let marker = crate::text::one_line(marker);
    if bare.is_empty() {
        out.push_str(&format!("[-- attachment: {marker} --]\n"));
    } else {
        out.push_str(&format!("{bare} [-- attachment: {marker} --]\n"));
    }
}

/// Write fixed lines as RFC 3676 format=flowed (DelSp=no): a line longer than
/// `width` is broken at spaces, each piece but the last ending in a space and
/// the continuation carrying the same quote markers; lines that start with a
/// space or `From ` are space-stuffed. Trailing spaces are removed (a fixed
/// line must not end in one) and quote markers are written as RFC 3676
/// counts them (`> > x` is depth 2: `>> x`).
pub fn to_flowed(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for line in text.lines() {
        let compacted;
        let line = match line.trim_end() {
            l if l.starts_with('>') => {
                compacted = compact_markers(l);
                compacted.as_str()
            }
            l => l,
        };
        let depth = line.bytes().take_while(|&b| b == b'>').count();
        let mut content = &line[depth..];
        if depth > 0 {
            content = content.strip_prefix(' ').unwrap_or(content);
        }
        let lead = if depth > 0 {
            format!("{} ", ">".repeat(depth))
        } else {
            String::new()
        };
        let stuff = |c: &str| depth == 0 && (c.starts_with(' ') || c.starts_with("From ") || c.starts_with('>'));
        if content.is_empty() {
            out.push_str(lead.trim_end());
            out.push('\n');
            continue;
        }
        if content == "--" || content == "-- " {
            out.push_str(&lead);
            out.push_str("-- \n");
            continue;
        }
        let room = width.saturating_sub(lead.chars().count()).max(20);
        let mut rest = content;
        loop {
            let mut cut = None;
            if rest.chars().count() > room {
                // Last space within the room; the space stays on this line.
                let limit = rest.char_indices().nth(room).map(|(i, _)| i).unwrap_or(rest.len());
                cut = rest[..limit].rfind(' ').filter(|&i| i > 0).map(|i| i + 1);
                if cut.is_none() {
                    // One long word: break after it, if it is followed by a space.
                    cut = rest[limit..]
                        .find(' ')
                        .map(|i| limit + i + 1)
                        .filter(|&i| i < rest.len());
                }
            }
            let (piece, next) = match cut {
                Some(i) => (&rest[..i], Some(&rest[i..])),
                None => (rest, None),
            };
            out.push_str(&lead);
            if stuff(piece) {
                out.push(' ');
            }
            out.push_str(piece);
            out.push('\n');
            match next {
                Some(n) if !n.is_empty() => rest = n,
                _ => break,
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date() -> MailDate {
        MailDate {
            year: 2021,
            month: 9,
            day: 12,
            hour: 11,
            minute: 29,
            second: 45,
            offset_minutes: 180,
            unknown_zone: false,
            weekday: 0,
        }
    }

    #[test]
    fn neomutt_attribution() {
        let a = Addr::new(Some("Leon Romanovsky"), "leon@kernel.org");
        assert_eq!(
            attribution(Some(&a), Some(&date())),
            "On Sun, Sep 12, 2021 at 11:29:45AM +0300, Leon Romanovsky wrote:"
        );
        let mut d = date();
        d.hour = 0;
        d.day = 2;
        d.offset_minutes = -330;
        assert_eq!(format_date(&d), "Sun, Sep 02, 2021 at 12:29:45AM -0530");
        d.hour = 13;
        assert!(format_date(&d).contains("01:29:45PM"));
        // -0000 (zone unknown) stays as written.
        d.offset_minutes = 0;
        d.unknown_zone = true;
        assert_eq!(format_date(&d), "Sun, Sep 02, 2021 at 01:29:45PM -0000");
        assert_eq!(attribution(Some(&Addr::new(None, "x@y")), None), "x@y wrote:");
        assert_eq!(
            attribution(Some(&Addr::new(Some("Evil\nBcc: x"), "x@y")), None),
            "Evil Bcc: x wrote:"
        );
    }

    #[test]
    fn quoting_shape() {
        let q = quote(
            "\nHello\n\n> earlier\n \n>> older\ntrailing   \n \n\n-- \nSig\n",
            &QuoteOptions::default(),
        );
        // Empty lines at either end are dropped; the others keep their bytes.
        assert_eq!(q, "> Hello\n>\n> > earlier\n>  \n> >> older\n> trailing   \n>  \n");
    }

    #[test]
    fn quoted_content_keeps_every_byte() {
        // mutt's quote: prefix + the line as it is, whitespace errors included.
        let t = "+int bar = 1;   \n \n\tx\t\n> > > Hi Leon,\n> > > \n";
        assert_eq!(
            quote(t, &QuoteOptions::default()),
            "> +int bar = 1;   \n>  \n> \tx\t\n> > > > Hi Leon,\n> > > > \n"
        );
        // Another prefix, and an empty one.
        let bar = QuoteOptions {
            prefix: "| ".into(),
            ..Default::default()
        };
        assert_eq!(quote("a \n\n> b\n", &bar), "| a \n|\n| > b\n");
        let none = QuoteOptions {
            prefix: String::new(),
            ..Default::default()
        };
        assert_eq!(quote("a \n\n> b\n", &none), "a \n\n> b\n");
    }

    #[test]
    fn stacking_is_mutt_unless_compact() {
        let t = "> > older\n>  context line of a quoted patch\n>> x\n> trailing \n";
        assert_eq!(
            quote(t, &QuoteOptions::default()),
            "> > > older\n> >  context line of a quoted patch\n> >> x\n> > trailing \n"
        );
        let compact = QuoteOptions {
            stacking: Stacking::Compact,
            ..Default::default()
        };
        assert_eq!(
            quote(t, &compact),
            ">>> older\n>>  context line of a quoted patch\n>>> x\n>> trailing \n"
        );
        assert_eq!("spaced".parse(), Ok(Stacking::Mutt));
        assert_eq!(" Mutt".parse(), Ok(Stacking::Mutt));
        assert_eq!("compact".parse(), Ok(Stacking::Compact));
        assert!("tight".parse::<Stacking>().is_err());
    }

    #[test]
    fn attribution_templates() {
        let a = Addr::new(Some("Leon Romanovsky"), "leon@kernel.org");
        let t = "%n <%e> wrote on %d about \"%s\" (%i) 100%%:";
        assert_eq!(
            render_attribution(t, Some(&a), Some(&date()), Some("YT26@unreal"), Some("Re: x")),
            "Leon Romanovsky <leon@kernel.org> wrote on Sun, Sep 12, 2021 at 11:29:45AM +0300 about \"Re: x\" (<YT26@unreal>) 100%:"
        );
        // No Date: the default without date.
        assert_eq!(
            render_attribution("On %d, %n wrote:", Some(&a), None, None, None),
            "Leon Romanovsky wrote:"
        );
        // Values never add lines; unknown placeholders stay.
        let evil = Addr::new(None, "x@y");
        assert_eq!(
            render_attribution("%e %q:", Some(&evil), None, None, Some("a\nb")),
            "x@y %q:"
        );
        assert_eq!(render_attribution("%s", None, None, None, Some("a\rb")), "a b");
    }

    #[test]
    fn line_ranges() {
        assert_eq!("3..5".parse::<LineRange>(), Ok(LineRange { first: 3, last: 5 }));
        assert_eq!("3..=5".parse::<LineRange>(), Ok(LineRange { first: 3, last: 5 }));
        assert_eq!("7".parse::<LineRange>(), Ok(LineRange { first: 7, last: 7 }));
        assert_eq!("..2".parse::<LineRange>(), Ok(LineRange { first: 1, last: 2 }));
        assert_eq!(
            "4..".parse::<LineRange>(),
            Ok(LineRange {
                first: 4,
                last: usize::MAX
            })
        );
        assert!("0..2".parse::<LineRange>().is_err());
        assert!("5..2".parse::<LineRange>().is_err());
        assert!("a..b".parse::<LineRange>().is_err());
    }

    #[test]
    fn segments_quote_with_markers_and_per_part_signatures() {
        let body = Body {
            segments: vec![
                Segment::Text("Hello\n-- \nsig\n".into()),
                Segment::Text("--- a/x\n+++ b/x\n-- \n2.43.0\n".into()),
                Segment::Attachment("log.gz (application/gzip, 3 bytes)".into()),
            ],
            text: "Hello\n-- \nsig\n\n--- a/x\n+++ b/x\n-- \n2.43.0\n".into(),
            ..Default::default()
        };
        assert_eq!(
            quote_body(&body, &QuoteOptions::default()),
            "> Hello\n>\n> --- a/x\n> +++ b/x\n> [-- attachment: log.gz (application/gzip, 3 bytes) --]\n"
        );
        let lines = QuoteOptions {
            lines: Some(LineRange { first: 2, last: 3 }),
            ..Default::default()
        };
        assert_eq!(quote_body(&body, &lines), "> -- \n> sig\n");
    }

    #[test]
    fn flowed_output() {
        let long = format!("> {}\n", "word ".repeat(30).trim_end());
        let f = to_flowed(&long, 78);
        assert!(f.lines().all(|l| l.len() <= 78 && l.starts_with("> ")), "{f}");
        assert!(f.lines().rev().skip(1).all(|l| l.ends_with(' ')), "{f}");
        assert!(!f.lines().last().unwrap().ends_with(' '));
        // Unflowing it gives the line back.
        assert_eq!(crate::message::body::unflow(&f, false), long);
        // Space-stuffing at depth 0, the signature separator kept.
        assert_eq!(to_flowed("From here\n -x\n--\n", 78), " From here\n  -x\n-- \n");
        // mutt's stacking written as flowed quote depth; no trailing space.
        assert_eq!(to_flowed("> > > x  \n> >\n", 78), ">>> x\n>>\n");
    }

    #[test]
    fn signature_only_exact_marker() {
        assert_eq!(cut_signature("a\n--\nb\n"), "a\n--\nb\n");
        assert_eq!(cut_signature("a\n-- \nb\n"), "a\n");
        assert_eq!(cut_signature("a\r\n-- \r\nb\r\n"), "a\r\n");
    }
}
