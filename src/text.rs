//! Message data is hostile: the two ways ksreply makes untrusted text safe.
//!
//! - [`one_line`] for text that goes into a header, a file name or another
//!   one-line place: control characters become spaces.
//! - [`for_terminal`] and [`for_terminal_lines`] for text shown to a person:
//!   control, bidi and other invisible format characters are *shown*
//!   (`^[`, `<U+202E>`), never interpreted, so an escape sequence cannot
//!   redraw the screen and a right-to-left override cannot reorder an
//!   address. Every message-derived string printed to a terminal goes
//!   through one of them.

use std::borrow::Cow;

/// Control characters (C0, DEL, C1) replaced by spaces: for headers and
/// other one-line places, where a visible escape would change the data.
pub fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// `s` as one line for a terminal: line breaks and tabs become spaces, every
/// other control character and every bidi/format character is made visible.
pub fn for_terminal(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// Multi-line text for a terminal (`--plain-text`, a message body): newline
/// and tab kept, everything else as in [`for_terminal`].
pub fn for_terminal_lines(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

fn escape(s: &str, keep_layout: bool) -> Cow<'_, str> {
    let kept = |c: char| keep_layout && (c == '\n' || c == '\t');
    if !s.chars().any(|c| !kept(c) && is_unsafe(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if kept(c) || !is_unsafe(c) {
            out.push(c);
        } else if c.is_ascii_whitespace() || c == '\x0b' {
            out.push(' ');
        } else if (c as u32) < 0x20 {
            // Caret notation, as `cat -v` shows it: ESC is ^[.
            out.push('^');
            out.push((b'@' + c as u8) as char);
        } else if c == '\x7f' {
            out.push_str("^?");
        } else {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        }
    }
    Cow::Owned(out)
}

/// Characters a terminal interprets or does not show: controls, and the
/// Unicode format characters that reorder or hide text (bidi embeddings,
/// overrides and isolates, zero-width characters, the BOM, soft hyphen).
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{061C}' | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}')
}

/// `n` bytes for people: `512 bytes`, `3.4 KiB`, `64 MiB` (whole units
/// without a decimal, as limits are written).
pub fn human_size(n: u64) -> String {
    let unit = |size: u64, name: &str| {
        if n % size == 0 {
            format!("{} {name}", n / size)
        } else {
            format!("{:.1} {name}", n as f64 / size as f64)
        }
    };
    match n {
        n if n < 1 << 10 => format!("{n} bytes"),
        n if n < 1 << 20 => unit(1 << 10, "KiB"),
        _ => unit(1 << 20, "MiB"),
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_text_shows_what_would_be_interpreted() {
        assert_eq!(for_terminal("a\x1b]0;x\x07b"), "a^[]0;x^Gb");
        assert_eq!(for_terminal("evil\u{202E}gro.elpmaxe"), "evil<U+202E>gro.elpmaxe");
        assert_eq!(for_terminal("a\nb\tc\x7f\u{9b}"), "a b c^?<U+009B>");
        assert_eq!(for_terminal_lines("a\nb\tc\x08"), "a\nb\tc^H");
        assert!(matches!(for_terminal("Jürgen Groß"), Cow::Borrowed(_)));
    }

    #[test]
    fn one_line_and_sizes() {
        assert_eq!(one_line("a\r\nb\x1bc"), "a  b c");
        assert_eq!(human_size(512), "512 bytes");
        assert_eq!(human_size(3 * 1024 + 400), "3.4 KiB");
        assert_eq!(human_size(64 << 20), "64 MiB");
        assert_eq!(human_size((12 << 20) + 1), "12.0 MiB");
        assert_eq!(hex(&[0, 0xab, 0x10]), "00ab10");
    }
}
