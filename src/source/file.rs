//! Reading a message from a file or standard input: a single message, an
//! mbox/mboxrd, or either of them gzip-compressed (public-inbox's
//! t.mbox.gz, which can have several gzip members).

use crate::error::{Error, Result};
use crate::message::{mbox, msgid};
use flate2::read::MultiGzDecoder;
use std::io::Read;
use std::path::Path;

/// Upper bound on what is read into memory (after decompression).
pub const MAX_INPUT: u64 = 512 * 1024 * 1024;

pub fn read_path(path: &Path) -> Result<Vec<u8>> {
    let f = std::fs::File::open(path).map_err(|e| Error::input(format!("cannot read {}: {}", path.display(), io_reason(&e))))?;
    if f.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(Error::input(format!("cannot read {}: is a directory", path.display())));
    }
    read_all(f).map_err(|e| e.context(path.display()))
}

pub fn read_stdin() -> Result<Vec<u8>> {
    read_all(std::io::stdin().lock()).map_err(|e| e.context("standard input"))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// Read everything, transparently un-gzipping.
pub fn read_all(r: impl Read) -> Result<Vec<u8>> {
    let mut data = Vec::new();
    r.take(MAX_INPUT + 1)
        .read_to_end(&mut data)
        .map_err(|e| Error::input(format!("read failed: {}", io_reason(&e))))?;
    if data.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        MultiGzDecoder::new(&data[..])
            .take(MAX_INPUT + 1)
            .read_to_end(&mut out)
            .map_err(|e| Error::input(format!("bad gzip data: {e}")))?;
        data = out;
    }
    if data.len() as u64 > MAX_INPUT {
        return Err(Error::input(format!("input larger than {} MiB", MAX_INPUT >> 20)));
    }
    Ok(data)
}

/// Which message of a mailbox to take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pick<'a> {
    First,
    Latest,
    Id(&'a str),
}

/// Pick one message out of the data (a single message or an mbox) and
/// return its bytes with mboxrd escaping undone.
pub fn pick(data: &[u8], which: &Pick) -> Result<Vec<u8>> {
    if !mbox::looks_like_mbox(data) {
        return match which {
            Pick::Id(id) => match mbox::quick_message_id(data) {
                Some(found) if msgid::same(&found, id) => Ok(data.to_vec()),
                _ => Err(Error::input(format!("no message with Message-ID <{id}> in the input"))),
            },
            _ => Ok(data.to_vec()),
        };
    }
    let mut chosen: Option<&[u8]> = None;
    // For Pick::Latest: the newest Date so far. Messages without a usable
    // Date rank below every dated one; `>=` makes ties go to the later
    // message in the file (archive order: the later arrival).
    let mut newest: Option<i64> = None;
    for msg in mbox::split(data) {
        match which {
            Pick::First => {
                chosen = Some(msg);
                break;
            }
            Pick::Latest => {
                let date = date_of(msg);
                if chosen.is_none() || date >= newest {
                    chosen = Some(msg);
                    newest = date;
                }
            }
            Pick::Id(id) => {
                if mbox::quick_message_id(msg).is_some_and(|m| msgid::same(&m, id)) {
                    chosen = Some(msg);
                    break;
                }
            }
        }
    }
    match chosen {
        Some(m) => Ok(mbox::unescape(mbox::trim_separator_newline(m)).into_owned()),
        None => match which {
            Pick::Id(id) => Err(Error::input(format!("no message with Message-ID <{id}> in the mailbox"))),
            _ => Err(Error::input("the mailbox holds no message")),
        },
    }
}

/// The first Date header of a message as seconds since the epoch (zone
/// applied), or `None` when it is missing or unparsable. A quick header
/// scan like [`mbox::quick_message_id`]: a thread can hold hundreds of
/// messages and only their dates are needed.
fn date_of(msg: &[u8]) -> Option<i64> {
    let header_end = memchr::memmem::find(msg, b"\n\n")
        .or_else(|| memchr::memmem::find(msg, b"\r\n\r\n"))
        .unwrap_or(msg.len());
    let mut lines = msg[..header_end].split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        if line.len() >= 5 && line[..5].eq_ignore_ascii_case(b"date:") {
            let mut value = String::from_utf8_lossy(&line[5..]).into_owned();
            while let Some(next) = lines.peek().filter(|l| l.first().is_some_and(|b| *b == b' ' || *b == b'\t')) {
                value.push_str(&String::from_utf8_lossy(next));
                lines.next();
            }
            return mail_parser::DateTime::parse_rfc822(value.trim())
                .filter(|d| d.is_valid())
                .map(|d| d.to_timestamp());
        }
    }
    None
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
    fn latest_ties_and_undated() {
        let same = "Mon, 13 Sep 2021 10:00:00 +0000";
        assert_eq!(latest(&mbox(&[Some(same), Some(same), None])), "m1@x");
        assert_eq!(latest(&mbox(&[None, None])), "m1@x");
        assert_eq!(latest(&mbox(&[Some("not a date"), Some(same), Some("garbage")])), "m1@x");
    }

    #[test]
    fn folded_date() {
        assert_eq!(date_of(b"Subject: x\nDate: Mon, 13 Sep 2021\n 10:00:00 +0000\n\nDate: body"), Some(1631527200));
        assert_eq!(date_of(b"Subject: x\n\nDate: Mon, 13 Sep 2021 10:00:00 +0000\n"), None);
    }
}
