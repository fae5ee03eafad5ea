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
    for msg in mbox::split(data) {
        match which {
            Pick::First => {
                chosen = Some(msg);
                break;
            }
            Pick::Latest => chosen = Some(msg),
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
