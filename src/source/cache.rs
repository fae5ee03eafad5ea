//! The fetch cache: raw bytes as an archive served them, under
//! `$XDG_CACHE_HOME/ksreply/` (fallback `~/.cache/ksreply/`).
//!
//! * File names are a SHA-256 of (kind, archive, Message-ID), never the id
//!   itself: ids contain `/`, `..`, spaces and anything else a sender chose.
//! * Each file starts with one line `ksreply-cache 1 SHA256 LENGTH` over the
//!   payload that follows, so a truncated or otherwise damaged entry is
//!   recognised and refetched instead of being answered.
//! * Entries are written to a temporary file in the same directory and
//!   renamed into place, so a reader (or a crash) never sees half an entry.
//!   Two ksreply runs storing the same entry simply race to an identical
//!   result.

use sha2::{Digest, Sha256};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const MAGIC: &str = "ksreply-cache 1";

pub struct Cache {
    dir: PathBuf,
}

/// What a lookup found.
#[derive(Debug)]
pub enum Lookup {
    Hit(Vec<u8>),
    Missing,
    /// Older than the caller's `max_age`.
    Stale,
    /// Present but damaged; the reason is for `-v`.
    Corrupt(String),
}

impl Cache {
    /// The user's cache directory; `None` when neither `XDG_CACHE_HOME` nor
    /// `HOME` is set (then nothing is cached).
    pub fn open() -> Option<Cache> {
        crate::config::cache_dir().map(Cache::at)
    }

    pub fn at(dir: PathBuf) -> Cache {
        Cache { dir }
    }

    /// Where the entry for (kind, archive, id) lives. `kind` is a short
    /// word that is also the subdirectory (`raw`, `thread`).
    pub fn path(&self, kind: &str, archive: &str, id: &str) -> PathBuf {
        let mut h = Sha256::new();
        // NUL-separated: no field can contain a NUL (they come from argv
        // and URLs), so distinct triples never hash the same input.
        for part in [kind, archive, id] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        self.dir.join(kind).join(crate::text::hex(&h.finalize()))
    }

    /// Read and verify an entry. `max_age` (by modification time) is for
    /// entries that go out of date, like threads that gain replies.
    pub fn load(&self, path: &Path, max_age: Option<Duration>) -> Lookup {
        let data = match fs::read(path) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Lookup::Missing,
            Err(e) => return Lookup::Corrupt(format!("unreadable: {e}")),
        };
        if let Some(max) = max_age {
            let age = fs::metadata(path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| SystemTime::now().duration_since(t).ok())
                .unwrap_or(Duration::ZERO);
            if age > max {
                return Lookup::Stale;
            }
        }
        match unwrap_entry(&data) {
            Ok(payload) => Lookup::Hit(payload.to_vec()),
            Err(why) => Lookup::Corrupt(why.to_string()),
        }
    }

    /// Store an entry atomically (temporary file + rename).
    pub fn store(&self, path: &Path, payload: &[u8]) -> std::io::Result<()> {
        let dir = path.parent().unwrap_or(&self.dir);
        // Private whatever the umask: what a user fetched is their business.
        let mut b = fs::DirBuilder::new();
        b.recursive(true);
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        b.create(dir)?;
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("entry");
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let tmp = dir.join(format!(".{name}.{}.{nanos}.tmp", std::process::id()));
        let result = (|| {
            let mut o = fs::OpenOptions::new();
            o.write(true).create_new(true);
            std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
            let mut f = o.open(&tmp)?;
            f.write_all(
                format!(
                    "{MAGIC} {} {}\n",
                    crate::text::hex(&Sha256::digest(payload)),
                    payload.len()
                )
                .as_bytes(),
            )?;
            f.write_all(payload)?;
            // No fsync: a crash may leave an empty or short file after the
            // rename, and the checksum turns that into a refetch.
            drop(f);
            fs::rename(&tmp, path)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }
}

/// The payload of an entry, after checking its header line.
fn unwrap_entry(data: &[u8]) -> Result<&[u8], &'static str> {
    let nl = memchr::memchr(b'\n', data).ok_or("no header line")?;
    let header = std::str::from_utf8(&data[..nl]).map_err(|_| "bad header line")?;
    let payload = &data[nl + 1..];
    let rest = header
        .strip_prefix(MAGIC)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or("not a ksreply cache entry")?;
    let (sum, len) = rest.split_once(' ').ok_or("bad header line")?;
    if len.parse::<usize>().ok() != Some(payload.len()) {
        return Err("truncated");
    }
    if crate::text::hex(&Sha256::digest(payload)) != sum {
        return Err("checksum mismatch");
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_cache(name: &str) -> Cache {
        let dir = std::env::temp_dir().join(format!("ksreply-cache-test-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        Cache::at(dir)
    }

    #[test]
    fn keys_are_hashes_and_distinct() {
        let c = temp_cache("keys");
        let p = c.path("raw", "", "../../etc/passwd@x");
        assert_eq!(p.parent().unwrap(), c.dir.join("raw"));
        let name = p.file_name().unwrap().to_str().unwrap();
        assert_eq!(name.len(), 64);
        assert!(name.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(c.path("raw", "", "a@b"), c.path("thread", "", "a@b"));
        assert_ne!(
            c.path("thread", "https://x/a/", "b@c"),
            c.path("thread", "https://x/", "a/b@c")
        );
        assert_eq!(c.path("raw", "", "a@b"), c.path("raw", "", "a@b"));
    }

    #[test]
    fn round_trip_and_damage() {
        let c = temp_cache("rt");
        let p = c.path("raw", "", "a@b");
        assert!(matches!(c.load(&p, None), Lookup::Missing));
        c.store(&p, b"From x\nSubject: y\n\nbody\n").unwrap();
        match c.load(&p, None) {
            Lookup::Hit(d) => assert_eq!(d, b"From x\nSubject: y\n\nbody\n"),
            other => panic!("{other:?}"),
        }
        // Overwriting works (rename over an existing entry).
        c.store(&p, b"Subject: z\n\n").unwrap();
        assert!(matches!(c.load(&p, None), Lookup::Hit(d) if d == b"Subject: z\n\n"));
        assert!(matches!(c.load(&p, Some(Duration::from_secs(3600))), Lookup::Hit(_)));

        let full = fs::read(&p).unwrap();
        fs::write(&p, &full[..full.len() - 3]).unwrap();
        assert!(matches!(c.load(&p, None), Lookup::Corrupt(r) if r == "truncated"));
        let mut flipped = full.clone();
        *flipped.last_mut().unwrap() ^= 1;
        fs::write(&p, &flipped).unwrap();
        assert!(matches!(c.load(&p, None), Lookup::Corrupt(r) if r == "checksum mismatch"));
        fs::write(&p, b"<html>").unwrap();
        assert!(matches!(c.load(&p, None), Lookup::Corrupt(_)));
        fs::write(&p, b"").unwrap();
        assert!(matches!(c.load(&p, None), Lookup::Corrupt(_)));
        // No temporary files are left behind.
        let names: Vec<_> = fs::read_dir(p.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        let _ = fs::remove_dir_all(&c.dir);
    }
}
