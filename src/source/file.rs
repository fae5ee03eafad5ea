//! Reading a message from a file or standard input: a single message, an
//! mbox/mboxrd, or either of them gzip-compressed (public-inbox's
//! t.mbox.gz, which can have several gzip members).
//!
//! Files and standard input are streamed ([`load`]): the data goes through
//! a `BufReader` (and `MultiGzDecoder` when it is gzip), an mbox is split
//! on the fly by [`mbox::stream`], and at most one message is held in
//! memory (two with `--latest`: the one being read and the newest so far).
//! `--msgid` stops reading at the match, the default (first message) after
//! the first. So a mailbox of any size is read in bounded memory; only a
//! single message is limited, by [`MAX_MESSAGE`] (git config
//! `ksreply.maxMessageSize`).
//!
//! Limits (documented in BENCHMARKS.md too):
//!
//! | constant | value | what |
//! | --- | --- | --- |
//! | [`MAX_MESSAGE`] | 64 MiB | one message (after un-gzipping, before MIME decoding); `ksreply.maxMessageSize` overrides, `0` = no limit. Also what is read whole: a fetched `/raw` and `--plain-text` input, un-gzipped; un-gzipping stops there |
//! | [`MAX_THREAD`] | 512 MiB | a fetched `t.mbox.gz` un-gzipped, which is streamed, never held whole |

use crate::config::GitConfig;
use crate::error::{Error, Result};
use crate::message::mbox::{self, Event, Flow};
use crate::message::msgid;
use flate2::bufread::MultiGzDecoder;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Upper bound on a fetched thread (`t.mbox.gz`) once un-gzipped. It is
/// streamed one message at a time, never held whole; the bound stops a
/// small gzip bomb from costing minutes of decompression.
pub const MAX_THREAD: u64 = 512 * 1024 * 1024;

/// Upper bound on one message, the default of `ksreply.maxMessageSize`.
/// Real mail is far smaller (lore refuses messages over a few MiB); the
/// limit only stops a runaway input from being parsed.
pub const MAX_MESSAGE: usize = 64 * 1024 * 1024;

/// Size of the `BufReader` a file or standard input is read through.
const READ_BUFFER: usize = 256 * 1024;

/// Limits on what is read. See the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// One message, in bytes.
    pub max_message: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_message: MAX_MESSAGE,
        }
    }
}

impl Limits {
    /// The defaults, with `ksreply.maxMessageSize` from git config (git's
    /// integer syntax: `1048576`, `512k`, `64m`, `1g`; `0` = no limit).
    pub fn from_config(config: &GitConfig) -> Result<Limits> {
        let mut l = Limits::default();
        if let Some(v) = config.get("ksreply.maxMessageSize") {
            let n = parse_size(v).ok_or_else(|| {
                Error::usage(format!(
                    "ksreply.maxMessageSize: {:?} is not a size (like 64m)",
                    v.trim()
                ))
            })?;
            l.max_message = if n == 0 {
                usize::MAX
            } else {
                usize::try_from(n).unwrap_or(usize::MAX)
            };
        }
        Ok(l)
    }
}

/// git's integer syntax with an optional `k`, `m` or `g` (powers of 1024).
fn parse_size(v: &str) -> Option<u64> {
    let v = v.trim();
    let (digits, mult) = match v.as_bytes().last()?.to_ascii_lowercase() {
        b'k' => (&v[..v.len() - 1], 1u64 << 10),
        b'm' => (&v[..v.len() - 1], 1 << 20),
        b'g' => (&v[..v.len() - 1], 1 << 30),
        _ => (v, 1),
    };
    digits.parse::<u64>().ok()?.checked_mul(mult)
}

fn too_large(limits: &Limits) -> Error {
    Error::input(format!(
        "message larger than {} (the limit is git config ksreply.maxMessageSize)",
        crate::text::human_size(limits.max_message as u64)
    ))
}

/// A whole file (`--plain-text`), un-gzipped, at most [`MAX_MESSAGE`].
pub fn read_path(path: &Path) -> Result<Vec<u8>> {
    let f = std::fs::File::open(path)
        .map_err(|e| Error::input(format!("cannot read {}: {}", path.display(), io_reason(&e))))?;
    if f.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(Error::input(format!("cannot read {}: is a directory", path.display())));
    }
    read_all(f, MAX_MESSAGE as u64).map_err(|e| e.context(path.display()))
}

/// All of standard input (`--plain-text -`), un-gzipped, at most [`MAX_MESSAGE`].
pub fn read_stdin() -> Result<Vec<u8>> {
    read_all(std::io::stdin().lock(), MAX_MESSAGE as u64).map_err(|e| e.context("standard input"))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// The mbox of a thread as it came: fetched threads stay gzipped
/// (`t.mbox.gz`), so un-gzip them, at most [`MAX_THREAD`] bytes; anything
/// else is used as it is.
pub fn thread_mbox(data: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>> {
    match data.starts_with(&[0x1f, 0x8b]) {
        true => Ok(read_all(data, MAX_THREAD)?.into()),
        false => Ok(data.into()),
    }
}

/// Read everything, transparently un-gzipping, up to `limit` bytes (after
/// un-gzipping). Reading and un-gzipping stop one byte past the limit: a
/// gzip bomb costs `limit`, not what it would expand to.
pub fn read_all(r: impl Read, limit: u64) -> Result<Vec<u8>> {
    let mut r = BufReader::with_capacity(64 * 1024, r);
    let gzip = starts_with_gzip(&mut r)?;
    let mut data = Vec::new();
    let read = if gzip {
        MultiGzDecoder::new(r).take(limit + 1).read_to_end(&mut data)
    } else {
        r.take(limit + 1).read_to_end(&mut data)
    };
    read.map_err(|e| match gzip {
        true => Error::input(format!("bad gzip data: {e}")),
        false => Error::input(format!("read failed: {}", io_reason(&e))),
    })?;
    if data.len() as u64 > limit {
        return Err(Error::input(format!(
            "input larger than {}{}",
            crate::text::human_size(limit),
            if gzip { " un-gzipped" } else { "" }
        )));
    }
    Ok(data)
}

/// Peek at the first bytes: gzip's magic number?
fn starts_with_gzip(r: &mut impl BufRead) -> Result<bool> {
    loop {
        match r.fill_buf() {
            Ok(b) => return Ok(b.starts_with(&[0x1f, 0x8b])),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::input(format!("read failed: {}", io_reason(&e)))),
        }
    }
}

/// Find the message with Message-ID `id` in a gzip-compressed mbox held
/// in memory (a fetched `t.mbox.gz`): its own (first) Message-ID, which
/// is `id` unless public-inbox gave it `id` in a second field. Streamed,
/// one message at a time; an error when the data is not valid gzip or
/// un-gzips to more than `limit` bytes before the message is found.
pub fn gzip_mbox_find(data: &[u8], id: &str, limit: u64) -> Result<Option<String>> {
    let which = Pick::Id(id);
    let chooser = Chooser::new(&which, &Limits::default());
    let mut found = None;
    mbox::stream(Capped::new(MultiGzDecoder::new(data), limit), MAX_MESSAGE, |ev| {
        let m: &[u8] = match ev {
            Event::Message(m) | Event::TooLarge(m) => m,
            Event::Whole(m) => m,
        };
        found = chooser.wanted_in(m);
        Ok::<_, std::io::Error>(if found.is_some() { Flow::Stop } else { Flow::Continue })
    })
    .map_err(|e| Error::input(format!("bad gzip data: {e}")))?;
    Ok(found)
}

/// A reader that fails once more than `limit` bytes were read from it.
struct Capped<R> {
    inner: R,
    limit: u64,
    left: u64,
}

impl<R> Capped<R> {
    fn new(inner: R, limit: u64) -> Self {
        Capped {
            inner,
            limit,
            left: limit,
        }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self.left.checked_sub(n as u64).ok_or_else(|| {
            let limit = crate::text::human_size(self.limit);
            std::io::Error::new(std::io::ErrorKind::InvalidData, format!("more than {limit} un-gzipped"))
        })?;
        Ok(n)
    }
}

/// Which message of a mailbox to take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pick<'a> {
    First,
    Latest,
    Id(&'a str),
}

/// Open a file and [`load`] the message `which` from it.
pub fn load_path(path: &Path, which: &Pick, limits: &Limits) -> Result<Vec<u8>> {
    let f = std::fs::File::open(path)
        .map_err(|e| Error::input(format!("cannot read {}: {}", path.display(), io_reason(&e))))?;
    if f.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(Error::input(format!("cannot read {}: is a directory", path.display())));
    }
    load(f, which, limits).map_err(|e| e.context(path.display()))
}

/// [`load`] the message `which` from standard input.
pub fn load_stdin(which: &Pick, limits: &Limits) -> Result<Vec<u8>> {
    load(std::io::stdin().lock(), which, limits).map_err(|e| e.context("standard input"))
}

/// Stream the data (a message or an mbox, maybe gzipped) and return the
/// message `which`, mboxrd escaping undone. Bounded memory: see the module
/// documentation.
pub fn load(r: impl Read, which: &Pick, limits: &Limits) -> Result<Vec<u8>> {
    let mut r = BufReader::with_capacity(READ_BUFFER, r);
    if starts_with_gzip(&mut r)? {
        choose(MultiGzDecoder::new(r), true, which, limits)
    } else {
        choose(r, false, which, limits)
    }
}

/// [`load`] from data already un-gzipped if `gzip` says it was gzip.
fn choose(r: impl Read, gzip: bool, which: &Pick, limits: &Limits) -> Result<Vec<u8>> {
    let mut chooser = Chooser::new(which, limits);
    let result = mbox::stream(r, limits.max_message, |ev| chooser.offer(ev));
    let is_mbox = result.map_err(|e| match e {
        LoadError::Io(e) if gzip => Error::input(format!("bad gzip data: {e}")),
        LoadError::Io(e) => Error::input(format!("read failed: {}", io_reason(&e))),
        LoadError::Stop(e) => e,
    })?;
    chooser.finish(is_mbox)
}

/// Pick one message out of data already in memory (a single message or an
/// mbox) and return its bytes with mboxrd escaping undone.
pub fn pick(data: &[u8], which: &Pick) -> Result<Vec<u8>> {
    pick_with(data, which, &Limits::default())
}

/// [`pick`] with explicit limits. Gzip data (a fetched `t.mbox.gz`) is
/// un-gzipped as a stream, one message at a time in memory, at most
/// [`MAX_THREAD`] in all.
pub fn pick_with(data: &[u8], which: &Pick, limits: &Limits) -> Result<Vec<u8>> {
    if data.starts_with(&[0x1f, 0x8b]) {
        return choose(Capped::new(MultiGzDecoder::new(data), MAX_THREAD), true, which, limits);
    }
    let mut chooser = Chooser::new(which, limits);
    let is_mbox = mbox::looks_like_mbox(data);
    let mut offer = |m: &[u8]| {
        if m.len() > limits.max_message {
            chooser.offer(Event::TooLarge(&m[..limits.max_message]))
        } else {
            chooser.offer(Event::Message(m))
        }
    };
    if is_mbox {
        for m in mbox::split(data) {
            if offer(m).map_err(LoadError::into_error)? == Flow::Stop {
                break;
            }
        }
    } else {
        offer(data).map_err(LoadError::into_error)?;
    }
    chooser.finish(is_mbox)
}

/// Why [`mbox::stream`] stopped early.
enum LoadError {
    Io(std::io::Error),
    /// The chooser's own error (a message too large).
    Stop(Error),
}

impl From<std::io::Error> for LoadError {
    fn from(e: std::io::Error) -> Self {
        LoadError::Io(e)
    }
}

impl LoadError {
    fn into_error(self) -> Error {
        match self {
            LoadError::Io(e) => Error::input(format!("read failed: {}", io_reason(&e))),
            LoadError::Stop(e) => e,
        }
    }
}

/// Picks a message as they go by, keeping only the best candidate.
struct Chooser<'a> {
    which: &'a Pick<'a>,
    limits: Limits,
    /// For `Pick::Id`: the id's bytes, to skip messages that cannot be it
    /// without scanning their headers.
    finder: Option<memchr::memmem::Finder<'a>>,
    chosen: Option<Vec<u8>>,
    /// The best candidate so far is a message over the limit.
    chosen_too_large: bool,
    /// For `Pick::Latest`: the newest Date so far. Messages without a
    /// usable Date, or dated later than `now` (a sender's Date is theirs
    /// to choose: 2099 would always win), rank below every other; `>=`
    /// makes ties go to the later message in the file (archive order: the
    /// later arrival).
    newest: Option<i64>,
    /// When the reading started, in seconds since the epoch.
    now: i64,
}

impl<'a> Chooser<'a> {
    fn new(which: &'a Pick<'a>, limits: &Limits) -> Self {
        let finder = match which {
            Pick::Id(id) => Some(memchr::memmem::Finder::new(id.as_bytes())),
            _ => None,
        };
        Chooser {
            which,
            limits: *limits,
            finder,
            chosen: None,
            chosen_too_large: false,
            newest: None,
            now: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(i64::MAX, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
        }
    }

    /// One of the message's Message-IDs is the id (a public-inbox archive
    /// also knows a message by the id it added in a second field).
    fn is_wanted_id(&self, msg: &[u8]) -> bool {
        self.wanted_in(msg).is_some()
    }

    /// The message's own (first) Message-ID when one of its Message-IDs
    /// is the id wanted.
    fn wanted_in(&self, msg: &[u8]) -> Option<String> {
        let Pick::Id(id) = self.which else { return None };
        // The id's bytes must occur in the message for a Message-ID to be
        // the id (the ids are substrings of the header): a quick filter.
        self.finder.as_ref().and_then(|f| f.find(msg))?;
        let ids = mbox::message_ids(msg);
        ids.iter().any(|m| msgid::same(m, id)).then(|| ids[0].clone())
    }

    fn keep(&mut self, msg: &[u8]) {
        let v = self.chosen.get_or_insert_with(Vec::new);
        v.clear();
        v.extend_from_slice(msg);
        self.chosen_too_large = false;
    }

    fn offer(&mut self, ev: Event<'_>) -> std::result::Result<Flow, LoadError> {
        if let Event::Whole(m) = ev {
            // Not an mbox: the one message, taken rather than copied.
            if !matches!(self.which, Pick::Id(_)) || self.is_wanted_id(m) {
                self.chosen = Some(std::mem::take(m));
            }
            return Ok(Flow::Stop);
        }
        match (self.which, ev) {
            (_, Event::Whole(_)) => Ok(Flow::Stop),
            (Pick::First, Event::Message(m)) => {
                self.keep(m);
                Ok(Flow::Stop)
            }
            (Pick::First, Event::TooLarge(_)) => Err(LoadError::Stop(too_large(&self.limits))),
            (Pick::Id(_), Event::Message(m)) => {
                if self.is_wanted_id(m) {
                    self.keep(m);
                    return Ok(Flow::Stop);
                }
                Ok(Flow::Continue)
            }
            (Pick::Id(_), Event::TooLarge(head)) => {
                if self.is_wanted_id(head) {
                    return Err(LoadError::Stop(too_large(&self.limits)));
                }
                Ok(Flow::Continue)
            }
            (Pick::Latest, ev) => {
                let (m, big) = match ev {
                    Event::Message(m) => (m, false),
                    Event::TooLarge(head) => (head, true),
                    Event::Whole(_) => return Ok(Flow::Stop),
                };
                let date = date_of(m).filter(|d| *d <= self.now);
                let have = self.chosen.is_some() || self.chosen_too_large;
                if !have || date >= self.newest {
                    self.newest = date;
                    if big {
                        self.chosen = None;
                        self.chosen_too_large = true;
                    } else {
                        self.keep(m);
                    }
                }
                Ok(Flow::Continue)
            }
        }
    }

    fn finish(self, is_mbox: bool) -> Result<Vec<u8>> {
        if self.chosen_too_large {
            return Err(too_large(&self.limits));
        }
        match (self.chosen, is_mbox) {
            (Some(m), true) => Ok(match mbox::unescape(mbox::trim_separator_newline(&m)) {
                std::borrow::Cow::Borrowed(_) => {
                    let mut m = m;
                    let keep = mbox::trim_separator_newline(&m).len();
                    m.truncate(keep);
                    m
                }
                std::borrow::Cow::Owned(v) => v,
            }),
            (Some(m), false) => Ok(m),
            (None, is_mbox) => match self.which {
                Pick::Id(id) => Err(Error::input(format!(
                    "no message with Message-ID <{id}> in the {}",
                    if is_mbox { "mailbox" } else { "input" }
                ))),
                _ if is_mbox => Err(Error::input("the mailbox holds no message")),
                _ => Err(Error::input("the input is empty")),
            },
        }
    }
}

/// The first Date header of a message as seconds since the epoch (zone
/// applied), or `None` when it is missing or unparsable. A quick header
/// scan like [`mbox::quick_message_id`]: a thread can hold hundreds of
/// messages and only their dates are needed.
fn date_of(msg: &[u8]) -> Option<i64> {
    let value = mbox::quick_header(msg, b"date")?;
    mail_parser::DateTime::parse_rfc822(value.trim())
        .filter(|d| d.is_valid())
        .map(|d| d.to_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mbox(dates: &[Option<&str>]) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, d) in dates.iter().enumerate() {
            out.extend_from_slice(b"From mboxrd@z Thu Jan  1 00:00:00 1970\n");
            if let Some(d) = d {
                out.extend_from_slice(format!("Date: {d}\n").as_bytes());
            }
            out.extend_from_slice(format!("Message-ID: <m{i}@x>\n\nbody {i}\n\n").as_bytes());
        }
        out
    }

    fn latest(data: &[u8]) -> String {
        mbox::quick_message_id(&pick(data, &Pick::Latest).unwrap()).unwrap()
    }

    #[test]
    fn latest_is_the_newest_date_not_the_last_message() {
        let data = mbox(&[
            Some("Mon, 13 Sep 2021 10:00:00 +0000"),
            // Newest: 09:00 in UTC-05:00 is 14:00 UTC.
            Some("Mon, 13 Sep 2021 09:00:00 -0500"),
            Some("Mon, 13 Sep 2021 12:00:00 +0000"),
            None,
        ]);
        assert_eq!(latest(&data), "m1@x");
    }

    #[test]
    fn latest_is_never_in_the_future() {
        // A message dated 2099 does not win over today's; among the
        // future-dated and undated, the later one in the file does.
        let data = mbox(&[
            Some("Mon, 13 Sep 2021 10:00:00 +0000"),
            Some("Thu, 01 Jan 2099 00:00:00 +0000"),
            Some("Mon, 13 Sep 2021 09:00:00 +0000"),
        ]);
        assert_eq!(latest(&data), "m0@x");
        let data = mbox(&[Some("Thu, 01 Jan 2099 00:00:00 +0000"), None]);
        assert_eq!(latest(&data), "m1@x");
    }

    #[test]
    fn latest_ties_and_undated() {
        let same = "Mon, 13 Sep 2021 10:00:00 +0000";
        assert_eq!(latest(&mbox(&[Some(same), Some(same), None])), "m1@x");
        assert_eq!(latest(&mbox(&[None, None])), "m1@x");
        assert_eq!(
            latest(&mbox(&[Some("not a date"), Some(same), Some("garbage")])),
            "m1@x"
        );
    }

    #[test]
    fn load_streams_plain_and_gzip_members() {
        let data = mbox(&[
            Some("Mon, 13 Sep 2021 10:00:00 +0000"),
            Some("Mon, 13 Sep 2021 12:00:00 +0000"),
            None,
        ]);
        let mut gz = Vec::new();
        for half in [&data[..data.len() / 2], &data[data.len() / 2..]] {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            std::io::Write::write_all(&mut e, half).unwrap();
            gz.extend_from_slice(&e.finish().unwrap());
        }
        let l = Limits::default();
        for input in [&data[..], &gz[..]] {
            let id = |p: &Pick| mbox::quick_message_id(&load(input, p, &l).unwrap()).unwrap();
            assert_eq!(id(&Pick::First), "m0@x");
            assert_eq!(id(&Pick::Latest), "m1@x");
            assert_eq!(id(&Pick::Id("m2@x")), "m2@x");
            assert_eq!(
                load(input, &Pick::Id("m2@x"), &l).unwrap(),
                b"Message-ID: <m2@x>\n\nbody 2\n"
            );
            let e = load(input, &Pick::Id("nope@x"), &l).unwrap_err();
            assert!(
                e.msg.contains("no message with Message-ID <nope@x> in the mailbox"),
                "{}",
                e.msg
            );
        }
        assert!(load(&[0x1f, 0x8b, 1, 2, 3][..], &Pick::First, &l)
            .unwrap_err()
            .msg
            .starts_with("bad gzip data"));
    }

    #[test]
    fn single_messages_and_limits() {
        let l = Limits { max_message: 40 };
        let msg = b"Subject: x\nMessage-ID: <a@b>\n\nshort\n";
        assert_eq!(load(&msg[..], &Pick::First, &l).unwrap(), msg);
        assert_eq!(load(&msg[..], &Pick::Id("a@b"), &l).unwrap(), msg);
        assert!(load(&msg[..], &Pick::Id("c@d"), &l)
            .unwrap_err()
            .msg
            .contains("in the input"));
        let big = [&msg[..], &[b'x'; 40][..]].concat();
        assert!(load(&big[..], &Pick::First, &l)
            .unwrap_err()
            .msg
            .starts_with("message larger than 40 bytes"));
        // In an mbox, too large matters only for the message picked.
        let mut data = mbox(&[
            Some("Mon, 13 Sep 2021 10:00:00 +0000"),
            Some("Mon, 13 Sep 2021 12:00:00 +0000"),
        ]);
        let l = Limits { max_message: 100 };
        assert!(load(&data[..], &Pick::Latest, &l).is_ok());
        data.splice(data.len() - 2..data.len() - 2, [b'x'; 100]);
        assert!(load(&data[..], &Pick::Latest, &l)
            .unwrap_err()
            .msg
            .starts_with("message larger than"));
        assert!(load(&data[..], &Pick::First, &l).is_ok());
        assert!(load(&data[..], &Pick::Id("m1@x"), &l).is_err());
        assert!(pick_with(&data, &Pick::Id("m1@x"), &l).is_err());
        assert!(pick_with(&data, &Pick::Id("m0@x"), &l).is_ok());
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut e, data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn gzip_bombs_stop_at_the_limit() {
        // 64 MiB of zeros in 64 KiB of gzip: refused at a 1 MiB limit,
        // having un-gzipped only that much (the reader is never drained).
        let bomb = gzip(&vec![0u8; 64 << 20]);
        assert!(bomb.len() < 128 * 1024, "{}", bomb.len());
        let e = read_all(&bomb[..], 1 << 20).unwrap_err();
        assert_eq!(e.msg, "input larger than 1 MiB un-gzipped");
        let ok = read_all(&gzip(b"Subject: x\n\nbody\n")[..], 1 << 20).unwrap();
        assert_eq!(ok, b"Subject: x\n\nbody\n");
        let e = read_all(&[b'x'; 100][..], 99).unwrap_err();
        assert_eq!(e.msg, "input larger than 99 bytes");
        // A thread: the id is found in a stream, within the limit.
        let thread = gzip(&mbox(&[Some("Mon, 13 Sep 2021 10:00:00 +0000"), None]));
        assert_eq!(
            gzip_mbox_find(&thread, "m1@x", 1 << 20).unwrap().as_deref(),
            Some("m1@x")
        );
        assert_eq!(gzip_mbox_find(&thread, "m2@x", 1 << 20).unwrap(), None);
        let mut big = b"From x\nMessage-ID: <b@x>\n\n".to_vec();
        big.resize(8 << 20, b'x');
        let e = gzip_mbox_find(&gzip(&big), "nope@x", 1 << 20).unwrap_err();
        assert_eq!(e.msg, "bad gzip data: more than 1 MiB un-gzipped");
        assert!(gzip_mbox_find(b"\x1f\x8bnot gzip", "a@b", 1 << 20).is_err());
        // A renamed duplicate: found by its second Message-ID.
        let dup = gzip(b"From x\nMessage-ID: <orig@x>\nMessage-ID: <20210913100000.abc@z>\n\nbody\n");
        let found = gzip_mbox_find(&dup, "20210913100000.abc@z", 1 << 20).unwrap();
        assert_eq!(found.as_deref(), Some("orig@x"));
        // pick_with streams gzip too.
        let m = pick_with(&thread, &Pick::Id("m1@x"), &Limits::default()).unwrap();
        assert_eq!(mbox::quick_message_id(&m).as_deref(), Some("m1@x"));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1048576"), Some(1 << 20));
        assert_eq!(parse_size(" 64m "), Some(64 << 20));
        assert_eq!(parse_size("512K"), Some(512 << 10));
        assert_eq!(parse_size("1g"), Some(1 << 30));
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_size(""), None);
        let c = GitConfig::from_pairs(&[("ksreply.maxMessageSize", "0")]);
        assert_eq!(Limits::from_config(&c).unwrap().max_message, usize::MAX);
        assert!(Limits::from_config(&GitConfig::from_pairs(&[("ksreply.maxmessagesize", "x")])).is_err());
        assert_eq!(crate::text::human_size(64 << 20), "64 MiB");
        assert_eq!(crate::text::human_size(1000), "1000 bytes");
    }

    #[test]
    fn folded_date() {
        assert_eq!(
            date_of(b"Subject: x\nDate: Mon, 13 Sep 2021\n 10:00:00 +0000\n\nDate: body"),
            Some(1631527200)
        );
        assert_eq!(date_of(b"Subject: x\n\nDate: Mon, 13 Sep 2021 10:00:00 +0000\n"), None);
    }
}
