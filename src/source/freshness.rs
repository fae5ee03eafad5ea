//! What arrived in the thread while the user wrote (issue 16): at the
//! confirmation the thread is fetched again, past the cache, and compared
//! with what was there when the draft was made. One HTTP request; silent
//! when offline or when the archive does not answer (a note with `-v`).

use super::remote::{self, RemoteOptions};
use crate::message::{mbox, thread};
use std::collections::HashSet;

/// A reply in progress to a message that came from an archive.
#[derive(Debug, Clone)]
pub struct Watch {
    /// The message answered.
    pub id: String,
    /// How it was fetched; the thread is fetched the same way.
    pub remote: RemoteOptions,
    /// The thread's ids when the draft was made (when the thread was
    /// fetched then), else None: messages dated after `started` are new.
    pub known: Option<HashSet<String>>,
    /// When the draft was made (seconds since the epoch).
    pub started: i64,
    /// The subject answered, for a newer revision of the same patch.
    pub subject: Option<String>,
}

/// What the archive has now that it did not have then.
#[derive(Debug, Clone, Default)]
pub struct News {
    pub arrived: Vec<thread::Entry>,
    /// The raw messages of `arrived`, for reading them in a pager.
    pub raw: Vec<Vec<u8>>,
    /// `(version, subject)` of a newer revision of the patch answered.
    pub newer_revision: Option<(u32, String)>,
}

impl Watch {
    /// Fetch the thread again and say what is new; None when nothing is
    /// (or the archive cannot be asked).
    pub fn news(&self) -> Option<News> {
        if self.remote.offline {
            return None;
        }
        let opts = RemoteOptions {
            thread: true,
            refresh: true,
            ..self.remote.clone()
        };
        let data = match remote::fetch(&self.id, &opts) {
            Ok(d) => d,
            Err(e) => {
                if opts.verbose {
                    crate::output::note(&format!("could not look for new messages in the thread: {}", e.msg));
                }
                return None;
            }
        };
        let data = super::file::thread_mbox(&data).ok()?;
        let entries = thread::entries(&data, &[]);
        let arrived: Vec<thread::Entry> = thread::arrived_since(&entries, self.known.as_ref(), self.started)
            .into_iter()
            .filter(|e| e.id != self.id)
            .cloned()
            .collect();
        let wanted: HashSet<&str> = arrived.iter().map(|e| e.id.as_str()).collect();
        let raw = mbox::split(&data)
            .map(|m| mbox::unescape(m).into_owned())
            .filter(|m| mbox::quick_message_id(m).is_some_and(|id| wanted.contains(id.as_str())))
            .collect();
        let newer_revision = self
            .subject
            .as_deref()
            .and_then(thread::patch_revision)
            .and_then(|(series, v)| {
                entries
                    .iter()
                    .filter_map(|e| thread::patch_revision(&e.subject).map(|(s, n)| (s, n, &e.subject)))
                    .filter(|(s, n, _)| *s == series && *n > v)
                    .max_by_key(|(_, n, _)| *n)
                    .map(|(_, n, subject)| (n, subject.clone()))
            });
        (!arrived.is_empty() || newer_revision.is_some()).then_some(News {
            arrived,
            raw,
            newer_revision,
        })
    }
}
