//! mbox / mboxrd reading: splitting a mailbox into messages and undoing
//! mboxrd's `>From ` escaping.
//!
//! public-inbox serves `/raw` and `/t.mbox.gz` as mboxrd: each message
//! starts with a `From ` line, and body lines matching `^>*From ` got one
//! more `>`. A separator is a `From ` line at the start of the data or after
//! an empty line, which is how every mboxrd writer (public-inbox, git
//! format-patch, mutt) emits them.
//!
//! The rule is context-free (it looks at the line and the one before it
//! only), so the same function, [`find_separator`], splits a mailbox held
//! in memory ([`split`]) and one read as a stream ([`stream`]), which keeps
//! at most one message in memory however large the mailbox is.

use memchr::memmem;
use std::borrow::Cow;
use std::io::{self, Read};

/// True when the data starts (after blank lines) with an mbox `From ` line.
pub fn looks_like_mbox(data: &[u8]) -> bool {
    skip_blank_lines(data).starts_with(b"From ")
}

fn skip_blank_lines(data: &[u8]) -> &[u8] {
    &data[blank_prefix_len(data)..]
}

/// Length of the leading blank lines (whitespace-only lines ending in LF).
/// A whitespace-only tail without LF is not counted (more data may follow).
fn blank_prefix_len(data: &[u8]) -> usize {
    let mut pos = 0;
    loop {
        let rest = &data[pos..];
        let line_end = memchr::memchr(b'\n', rest).map(|i| i + 1).unwrap_or(rest.len());
        let line = &rest[..line_end];
        if !line.is_empty() && line.iter().all(|b| b.is_ascii_whitespace()) {
            pos += line_end;
        } else {
            return pos;
        }
    }
}

/// The start of the first separator line at or after `from`: a line
/// beginning with `From ` whose previous line is empty (`\n` or `\r\n`).
/// Position 0 is never reported: the start of the data is the caller's
/// business (it is a separator only when the data starts with `From `).
pub fn find_separator(data: &[u8], from: usize) -> Option<usize> {
    // Search for "\nFrom " whose '\n' is at index >= from - 1.
    let mut at = from.saturating_sub(1);
    let finder = separator_finder();
    while at < data.len() {
        let i = at + finder.find(&data[at..])?;
        if is_empty_line_before(data, i) {
            return Some(i + 1);
        }
        at = i + 1;
    }
    None
}

/// `data[i]` is the `\n` ending a line; true when that line is empty (`\n`
/// or `\r\n` just before it, or nothing but an `\r` at the very start).
fn is_empty_line_before(data: &[u8], i: usize) -> bool {
    match i {
        0 => false,
        _ if data[i - 1] == b'\n' => true,
        _ => data[i - 1] == b'\r' && i >= 2 && data[i - 2] == b'\n',
    }
}

fn separator_finder() -> &'static memmem::Finder<'static> {
    static FINDER: std::sync::OnceLock<memmem::Finder<'static>> = std::sync::OnceLock::new();
    FINDER.get_or_init(|| memmem::Finder::new(b"\nFrom "))
}

/// Iterate over the messages of an mbox, each still mboxrd-escaped and
/// without its `From ` separator line. Data without a leading `From ` line
/// is one message up to the first separator (see [`looks_like_mbox`],
/// which is what decides whether to split at all).
pub fn split(data: &[u8]) -> Split<'_> {
    let start = blank_prefix_len(data);
    Split {
        data,
        pos: start,
        first: true,
    }
}

pub struct Split<'a> {
    data: &'a [u8],
    /// Start of the next message's `From ` line (or of the message itself
    /// for data that does not start with one).
    pos: usize,
    first: bool,
}

impl<'a> Iterator for Split<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let data = self.data;
        if self.pos >= data.len() {
            return None;
        }
        let mut start = self.pos;
        if data[start..].starts_with(b"From ") {
            start = memchr::memchr(b'\n', &data[start..])
                .map(|i| start + i + 1)
                .unwrap_or(data.len());
        } else if !self.first {
            // Only reachable for data that did not start with a separator.
            self.pos = data.len();
            return Some(&data[start..]);
        }
        self.first = false;
        let end = find_separator(data, start).unwrap_or(data.len());
        self.pos = end;
        Some(&data[start..end])
    }
}

/// What [`stream`] hands to its callback.
#[derive(Debug)]
pub enum Event<'a> {
    /// One whole message: without its `From ` line, still mboxrd-escaped,
    /// with the blank line that precedes the next separator (as [`split`]).
    Message(&'a [u8]),
    /// A message longer than the limit: its first `limit` bytes (enough to
    /// read its header in any real message). The rest is skipped.
    TooLarge(&'a [u8]),
    /// Data that is not an mbox: one message, all of it (within the
    /// limit), which the callback may take instead of copying.
    Whole(&'a mut Vec<u8>),
}

/// What the callback of [`stream`] wants next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Stop,
}

/// Bytes asked of the reader at a time.
const CHUNK: usize = 1 << 20;

/// Split an mbox read from `r` on the fly, with the rule of [`split`],
/// holding at most one message (plus one read chunk) in memory. A message
/// longer than `limit` bytes is reported as [`Event::TooLarge`] and
/// skipped. Data that does not start with a `From ` line is one message
/// (not split at all: a single message whose body has a `From ` paragraph
/// is not a mailbox).
///
/// Returns `Ok(true)` when the data was an mbox.
pub fn stream<R: Read, E: From<io::Error>>(
    r: R,
    limit: usize,
    f: impl FnMut(Event<'_>) -> Result<Flow, E>,
) -> Result<bool, E> {
    stream_chunked(r, limit, CHUNK, f)
}

/// [`stream`] reading `chunk` bytes at a time (tests use tiny chunks).
fn stream_chunked<R: Read, E: From<io::Error>>(
    r: R,
    limit: usize,
    chunk: usize,
    mut f: impl FnMut(Event<'_>) -> Result<Flow, E>,
) -> Result<bool, E> {
    let mut input = Input {
        r,
        buf: Vec::with_capacity(chunk.min(limit.saturating_add(1))),
        chunk,
        eof: false,
    };
    let blank = input.read_head(limit)?;
    if !input.buf[blank..].starts_with(b"From ") {
        stream_whole(&mut input, limit, &mut f)?;
        return Ok(false);
    }
    stream_messages(&mut input, blank, limit, &mut f)?;
    Ok(true)
}

/// The reader of [`stream_chunked`] and what it holds of the data.
struct Input<R> {
    r: R,
    buf: Vec<u8>,
    /// Bytes asked of the reader at a time.
    chunk: usize,
    /// The reader has no more data.
    eof: bool,
}

impl<R: Read> Input<R> {
    /// Read up to `n` more bytes.
    fn more(&mut self, n: usize) -> io::Result<()> {
        self.eof = fill(&mut self.r, &mut self.buf, n)?;
        Ok(())
    }

    /// Read enough to see past the leading blank lines and decide whether
    /// the data is an mbox; returns the length of the blank lines.
    fn read_head(&mut self, limit: usize) -> io::Result<usize> {
        loop {
            let blank = blank_prefix_len(&self.buf);
            if self.eof || self.buf.len() - blank >= 5 || self.buf.len() > limit {
                return Ok(blank);
            }
            self.more(self.chunk)?;
        }
    }
}

/// Data that is not an mbox: a single message, all of it, within the limit.
fn stream_whole<R: Read, E: From<io::Error>>(
    input: &mut Input<R>,
    limit: usize,
    f: &mut impl FnMut(Event<'_>) -> Result<Flow, E>,
) -> Result<(), E> {
    while !input.eof && input.buf.len() <= limit {
        let want = input.chunk.min(limit.saturating_add(1) - input.buf.len()).max(1);
        input.more(want)?;
    }
    if input.buf.len() > limit {
        f(Event::TooLarge(&input.buf[..limit]))?;
    } else {
        f(Event::Whole(&mut input.buf))?;
    }
    Ok(())
}

/// The messages of an mbox whose first From line starts at `first` in the
/// buffer, handed out one by one as their end is read.
fn stream_messages<R: Read, E: From<io::Error>>(
    input: &mut Input<R>,
    first: usize,
    limit: usize,
    f: &mut impl FnMut(Event<'_>) -> Result<Flow, E>,
) -> Result<(), E> {
    // `line`: start of the current message's From line in `buf`; `None`
    // while skipping the rest of a message that was too large.
    let mut line: Option<usize> = Some(first);
    // Where the search for the next separator goes on.
    let mut search = first + 1;
    loop {
        if let Some(l) = line {
            match next_message(&input.buf, input.eof, l, search, limit, f)? {
                Step::Stop => return Ok(()),
                Step::At(next) => {
                    line = Some(next);
                    search = next + 1;
                    continue;
                }
                Step::Skip => line = None,
                Step::More => {}
            }
        }
        if let Some(l) = line {
            let (l, s) = drop_handed_out(&mut input.buf, l, search);
            line = Some(l);
            search = s;
        } else {
            // Skipping: look for the next separator, keep only a tail that
            // may hold the start of one ("\r\n" + "\nFrom" = 7 bytes).
            if let Some(next) = find_separator(&input.buf, search) {
                line = Some(next);
                search = next + 1;
                continue;
            }
            if input.eof {
                return Ok(());
            }
            let keep = input.buf.len().saturating_sub(8);
            input.buf.drain(..keep);
            search = 1;
        }
        if input.eof {
            // Nothing more will come: the loop above finishes the message.
            continue;
        }
        input.more(input.chunk)?;
    }
}

/// What [`next_message`] did with the message at hand.
enum Step {
    /// The callback asked to stop, or the data ended.
    Stop,
    /// Handed out; the next message's From line starts here.
    At(usize),
    /// Reported as too large; its rest is to be skipped.
    Skip,
    /// Not complete yet: read more.
    More,
}

/// The message whose From line starts at `l` in `buf`: hand it to `f` when
/// its end is in `buf` (the next separator, searched from `search`, or the
/// end of the data), or as soon as it is known to be too large.
fn next_message<E>(
    buf: &[u8],
    eof: bool,
    l: usize,
    search: usize,
    limit: usize,
    f: &mut impl FnMut(Event<'_>) -> Result<Flow, E>,
) -> Result<Step, E> {
    let skip_unless_stopped = |flow| if flow == Flow::Stop { Step::Stop } else { Step::Skip };
    // The message starts after its From line.
    let start = match memchr::memchr(b'\n', &buf[l..]) {
        Some(i) => l + i + 1,
        None if eof => buf.len(),
        // A From line longer than any message may be.
        None if buf.len() - l > limit => return Ok(skip_unless_stopped(f(Event::TooLarge(&buf[l..l + limit]))?)),
        None => return Ok(Step::More),
    };
    match find_separator(buf, search.max(start)) {
        Some(next) => {
            let flow = if next - start > limit {
                f(Event::TooLarge(&buf[start..start + limit]))?
            } else {
                f(Event::Message(&buf[start..next]))?
            };
            Ok(if flow == Flow::Stop { Step::Stop } else { Step::At(next) })
        }
        None if eof => {
            if buf.len() - start > limit {
                f(Event::TooLarge(&buf[start..start + limit]))?;
            } else {
                f(Event::Message(&buf[start..]))?;
            }
            Ok(Step::Stop)
        }
        // Too large even if the data ends with the start of the next
        // separator ("\nFrom" is not a whole one).
        None if buf.len() - start > limit.saturating_add(5) => {
            Ok(skip_unless_stopped(f(Event::TooLarge(&buf[start..start + limit]))?))
        }
        None => Ok(Step::More),
    }
}

/// Drop what was handed out, keeping the current message from its From
/// line at `l` (and 3 bytes before it, never needed but cheap). Returns
/// where the From line and the separator search are now.
fn drop_handed_out(buf: &mut Vec<u8>, l: usize, search: usize) -> (usize, usize) {
    let drop = l.saturating_sub(3);
    let (mut l, mut search) = (l, search);
    if drop > 0 {
        buf.drain(..drop);
        l -= drop;
        search -= drop.min(search);
    }
    // The separator search goes on where "\nFrom " may straddle the end of
    // what we have.
    (l, search.max(buf.len().saturating_sub(6)))
}

/// Read up to `n` more bytes (several reads if need be); true at end of data.
fn fill<R: Read>(r: &mut R, buf: &mut Vec<u8>, n: usize) -> io::Result<bool> {
    let before = buf.len();
    loop {
        match r.by_ref().take(n as u64).read_to_end(buf) {
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(buf.len() - before < n)
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
/// without a full parse (used to pick one message out of a large mbox):
/// the first id of its first Message-ID field.
pub fn quick_message_id(msg: &[u8]) -> Option<String> {
    let mut first = None;
    scan_header(msg, b"message-id", |v| {
        first = Some(v);
        false
    });
    first.and_then(|v| super::msgid::extract_first(&v))
}

/// The first id of every Message-ID field, in order. public-inbox adds a
/// second field with an id of its own making when it stores a message
/// whose Message-ID it already has (with other content).
pub fn message_ids(msg: &[u8]) -> Vec<String> {
    let mut ids = Vec::new();
    scan_header(msg, b"message-id", |v| {
        ids.extend(super::msgid::extract_first(&v));
        true
    });
    ids
}

/// The first value of the header field `name` (lower case, without the
/// colon), unfolded, by the same quick scan.
pub fn quick_header(msg: &[u8], name: &[u8]) -> Option<String> {
    let mut first = None;
    scan_header(msg, name, |v| {
        first = Some(v);
        false
    });
    first
}

/// Hand each value of the field `name` (unfolded) to `f` until it returns
/// false. Only the header block is read.
fn scan_header(msg: &[u8], name: &[u8], mut f: impl FnMut(String) -> bool) {
    let header_end = memmem::find(msg, b"\n\n")
        .or_else(|| memmem::find(msg, b"\r\n\r\n"))
        .unwrap_or(msg.len());
    let mut lines = msg[..header_end].split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let named =
            line.len() > name.len() && line[name.len()] == b':' && line[..name.len()].eq_ignore_ascii_case(name);
        if !named {
            continue;
        }
        let mut value = String::from_utf8_lossy(&line[name.len() + 1..]).into_owned();
        while let Some(next) = lines.next_if(|l| l.first().is_some_and(|b| *b == b' ' || *b == b'\t')) {
            value.push_str(&String::from_utf8_lossy(next));
        }
        if !f(value) {
            return;
        }
    }
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

    /// A message (Ok) or the head of one too large (Err).
    type Handed = Result<Vec<u8>, Vec<u8>>;

    /// What `stream` hands out, with a given read size and limit.
    fn streamed(data: &[u8], chunk: usize, limit: usize) -> (bool, Vec<Handed>) {
        let mut out = Vec::new();
        let is_mbox = stream_chunked::<_, io::Error>(data, limit, chunk, |ev| {
            out.push(match ev {
                Event::Message(m) => Ok(m.to_vec()),
                Event::Whole(m) => Ok(std::mem::take(m)),
                Event::TooLarge(h) => Err(h.to_vec()),
            });
            Ok(Flow::Continue)
        })
        .unwrap();
        (is_mbox, out)
    }

    const SAMPLES: &[&[u8]] = &[
        b"From mboxrd@z Thu Jan  1 00:00:00 1970\nSubject: a\n\nbody\n>From here\n\nFrom mboxrd@z x\nSubject: b\n\nFrom-ish line\n",
        b"\n\nFrom a\r\nSubject: a\r\n\r\nx\r\n\r\nFrom b\r\nSubject: b\r\n\r\ny\r\n",
        b"From a\n\nFrom b\nFrom c\n\n\nFrom d",
        b"From a\nSubject: x\n\nline\nFrom me to you\n",
        b"From x\n",
        b"From x",
        b"Subject: a\n\nbody\n\nFrom here\n",
        b"",
        b"\n \n",
        b"From a\n\r\nFrom b\n",
    ];

    #[test]
    fn stream_splits_like_split() {
        for &data in SAMPLES {
            let expected: Vec<Handed> = if looks_like_mbox(data) {
                split(data).map(|m| Ok(m.to_vec())).collect()
            } else {
                vec![Ok(data.to_vec())]
            };
            for chunk in [1, 2, 3, 5, 7, 64, 1 << 20] {
                let (is_mbox, got) = streamed(data, chunk, usize::MAX);
                assert_eq!(is_mbox, looks_like_mbox(data));
                assert_eq!(got, expected, "chunk {chunk}: {:?}", String::from_utf8_lossy(data));
            }
        }
    }

    #[test]
    fn stream_reports_and_skips_large_messages() {
        let data = b"From a\nSubject: big\n\n0123456789\n\nFrom b\nSubject: small\n\nx\n\nFrom c\nSubject: big too\n\n0123456789012\n";
        for chunk in [1, 3, 8, 1 << 20] {
            let (_, got) = streamed(data, chunk, 20);
            assert_eq!(
                got,
                vec![
                    Err(b"Subject: big\n\n012345".to_vec()),
                    Ok(b"Subject: small\n\nx\n\n".to_vec()),
                    Err(b"Subject: big too\n\n01".to_vec()),
                ],
                "chunk {chunk}"
            );
        }
        let (is_mbox, got) = streamed(b"Subject: one message\n\nlong body\n", 4, 10);
        assert!(!is_mbox);
        assert_eq!(got, vec![Err(b"Subject: o".to_vec())]);
    }

    #[test]
    fn stream_stops_when_asked() {
        let data = b"From a\nSubject: 1\n\nFrom b\nSubject: 2\n";
        let mut n = 0;
        stream_chunked::<_, io::Error>(&data[..], 100, 2, |_| {
            n += 1;
            Ok(Flow::Stop)
        })
        .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn quick_id() {
        assert_eq!(
            quick_message_id(b"Subject: x\nMessage-Id:\n <a@b>\n\nbody"),
            Some("a@b".into())
        );
        assert_eq!(quick_message_id(b"Subject: x\n\nMessage-Id: <a@b>\n"), None);
    }
}
