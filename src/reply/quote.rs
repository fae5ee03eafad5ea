//! The quoted body: attribution line, then the original with `> ` in front
//! of every line, the signature cut.

use crate::message::address::Addr;
use crate::message::MailDate;

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

#[derive(Debug, Clone)]
pub struct QuoteOptions {
    /// Prefix for each quoted line (`> `); its trimmed form is used for empty
    /// and already-quoted lines, so `>` stacks into `>>`.
    pub prefix: String,
    /// Keep the signature (from the `-- ` line) instead of cutting it.
    pub keep_signature: bool,
}

impl Default for QuoteOptions {
    fn default() -> Self {
        QuoteOptions { prefix: "> ".to_string(), keep_signature: false }
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
    let who: String = who.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
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
    let sign = if d.offset_minutes < 0 { '-' } else { '+' };
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

/// Quote text line by line. Trailing blank lines are dropped; empty lines
/// become the bare prefix (`>`); lines already starting with `>` get the
/// bare prefix too so quotes stack as `>>`; no trailing whitespace.
pub fn quote(text: &str, opts: &QuoteOptions) -> String {
    let text = if opts.keep_signature { text } else { cut_signature(text) };
    let bare = opts.prefix.trim_end();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let lines: Vec<&str> = text.lines().collect();
    let end = lines.iter().rposition(|l| !l.trim().is_empty()).map(|i| i + 1).unwrap_or(0);
    let start = lines[..end].iter().position(|l| !l.trim().is_empty()).unwrap_or(end);
    for line in &lines[start..end] {
        let line = line.trim_end();
        if line.is_empty() {
            out.push_str(bare);
        } else if line.starts_with('>') {
            out.push_str(bare);
            out.push_str(line);
        } else {
            out.push_str(&opts.prefix);
            out.push_str(line);
        }
        // A prefix that is only whitespace would leave trailing blanks.
        let trimmed_len = out.trim_end_matches([' ', '\t']).len();
        out.truncate(trimmed_len);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date() -> MailDate {
        MailDate { year: 2021, month: 9, day: 12, hour: 11, minute: 29, second: 45, offset_minutes: 180, weekday: 0 }
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
        assert_eq!(attribution(Some(&Addr::new(None, "x@y")), None), "x@y wrote:");
        assert_eq!(attribution(Some(&Addr::new(Some("Evil\nBcc: x"), "x@y")), None), "Evil Bcc: x wrote:");
    }

    #[test]
    fn quoting_shape() {
        let q = quote("Hello\n\n> earlier\n>> older\ntrailing   \n\n-- \nSig\n", &QuoteOptions::default());
        assert_eq!(q, "> Hello\n>\n>> earlier\n>>> older\n> trailing\n");
    }

    #[test]
    fn signature_only_exact_marker() {
        assert_eq!(cut_signature("a\n--\nb\n"), "a\n--\nb\n");
        assert_eq!(cut_signature("a\n-- \nb\n"), "a\n");
        assert_eq!(cut_signature("a\r\n-- \r\nb\r\n"), "a\r\n");
    }
}
