//! mbox / mboxrd reading: splitting a mailbox into messages and undoing
//! mboxrd's `>From ` escaping.
//!
//! public-inbox serves `/raw` and `/t.mbox.gz` as mboxrd: each message
//! starts with a `From ` line, and body lines matching `^>*From ` got one
//! more `>`. A separator is a `From ` line at the start of the data or after
//! an empty line, which is how every mboxrd writer (public-inbox, git
//! format-patch, mutt) emits them.

use memchr::memmem;
use std::borrow::Cow;

/// True when the data starts (after blank lines) with an mbox `From ` line.
pub fn looks_like_mbox(data: &[u8]) -> bool {
    skip_blank_lines(data).starts_with(b"From ")
}

fn skip_blank_lines(mut data: &[u8]) -> &[u8] {
    loop {
        let line_end = memchr::memchr(b'\n', data).map(|i| i + 1).unwrap_or(data.len());
        let line = &data[..line_end];
        if !line.is_empty() && line.iter().all(|b| b.is_ascii_whitespace()) {
            data = &data[line_end..];
        } else {
            return data;
        }
    }
}

/// Iterate over the messages of an mbox, each still mboxrd-escaped and
/// without its `From ` separator line. Data without a leading `From ` line
/// is one message.
pub fn split(data: &[u8]) -> Split<'_> {
    Split { rest: skip_blank_lines(data), first: true }
}

pub struct Split<'a> {
    rest: &'a [u8],
    first: bool,
}

impl<'a> Iterator for Split<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        let mut data = self.rest;
        if data.starts_with(b"From ") {
            let eol = memchr::memchr(b'\n', data).map(|i| i + 1).unwrap_or(data.len());
            data = &data[eol..];
        } else if !self.first {
            // Only reachable for data that did not start with a separator.
            self.rest = &[];
            return Some(data);
        }
        self.first = false;
        // The next separator: "\n\nFrom " (or "\r\n\r\nFrom ").
        let mut search_from = 0;
        let end = loop {
            match memmem::find(&data[search_from..], b"\nFrom ") {
                Some(i) => {
                    let pos = search_from + i; // index of '\n' ending the previous line
                    let before = &data[..pos];
                    if before.ends_with(b"\n") || before.ends_with(b"\n\r") || pos == 0 {
                        break pos + 1;
                    }
                    search_from = pos + 1;
                }
                None => break data.len(),
            }
        };
        let msg = &data[..end];
        self.rest = &data[end..];
        Some(msg)
    }
}

/// Undo mboxrd quoting: a line `>From ` loses one `>` (and `>>From ` becomes
/// `>From `). Borrowed when nothing needs changing.
pub fn unescape(msg: &[u8]) -> Cow<'_, [u8]> {
    if memmem::find(msg, b">From ").is_none() {
        return Cow::Borrowed(msg);
    }
    let mut out = Vec::with_capacity(msg.len());
    for line in msg.split_inclusive(|&b| b == b'\n') {
        let gts = line.iter().take_while(|&&b| b == b'>').count();
        if gts > 0 && line[gts..].starts_with(b"From ") {
            out.extend_from_slice(&line[1..]);
        } else {
            out.extend_from_slice(line);
        }
    }
    Cow::Owned(out)
}

/// Strip a trailing separator blank line that mboxrd writers add after each
/// message (one `\n`), so a split message has the bytes it was stored with.
pub fn trim_separator_newline(msg: &[u8]) -> &[u8] {
    msg.strip_suffix(b"\n\n").map(|m| &msg[..m.len() + 1]).unwrap_or(msg)
}

/// The Message-ID of a raw message by a quick scan of its header block,
/// without a full parse (used to pick one message out of a large mbox).
pub fn quick_message_id(msg: &[u8]) -> Option<String> {
    let header_end = memmem::find(msg, b"\n\n")
        .or_else(|| memmem::find(msg, b"\r\n\r\n"))
        .unwrap_or(msg.len());
    let headers = &msg[..header_end];
    let mut lines = headers.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        if line.len() >= 11 && line[..11].eq_ignore_ascii_case(b"message-id:") {
            let mut value = String::from_utf8_lossy(&line[11..]).into_owned();
            while let Some(next) = lines.peek() {
                if next.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
                    value.push_str(&String::from_utf8_lossy(next));
                    lines.next();
                } else {
                    break;
                }
            }
            return super::msgid::extract_first(&value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_mboxrd_and_unescapes() {
        let data = b"From mboxrd@z Thu Jan  1 00:00:00 1970\nSubject: a\n\nbody\n>From here\n>>From there\n\nFrom mboxrd@z Thu Jan  1 00:00:00 1970\nSubject: b\n\nFrom-ish line\n";
        let msgs: Vec<_> = split(data).collect();
        assert_eq!(msgs.len(), 2);
        assert_eq!(
            &*unescape(trim_separator_newline(msgs[0])),
            b"Subject: a\n\nbody\nFrom here\n>From there\n"
        );
        assert_eq!(msgs[1], b"Subject: b\n\nFrom-ish line\n");
    }

    #[test]
    fn from_line_inside_paragraph_is_not_a_separator() {
        let data = b"From x\nSubject: a\n\nline\nFrom me to you\n";
        assert_eq!(split(data).count(), 1);
    }

    #[test]
    fn plain_message_is_one() {
        let data = b"Subject: a\n\nbody\n\nFrom here\n";
        let v: Vec<_> = split(data).collect();
        // A plain message has no separators to trust: it is one message
        // up to the next "\n\nFrom " — which a user would call a body line.
        // looks_like_mbox() is what decides whether to split at all.
        assert!(!looks_like_mbox(data));
        assert!(!v.is_empty());
    }

    #[test]
    fn quick_id() {
        assert_eq!(quick_message_id(b"Subject: x\nMessage-Id:\n <a@b>\n\nbody"), Some("a@b".into()));
        assert_eq!(quick_message_id(b"Subject: x\n\nMessage-Id: <a@b>\n"), None);
    }
}
