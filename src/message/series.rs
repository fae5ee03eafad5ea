//! Patch series in a thread: the `[PATCH vN M/N]` tags of subjects, and
//! which messages make up one revision of a series. Pure.

use crate::message::thread::Entry;

/// What a subject's leading `[...]` tags say about a patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    /// `vN`; 1 when not written.
    pub version: u32,
    /// M of `M/N`; 0 is the cover letter.
    pub index: u32,
    /// N of `M/N`.
    pub total: u32,
}

impl Tag {
    pub fn is_cover(&self) -> bool {
        self.index == 0
    }
}

/// The series tag of a subject that is not a reply: `[PATCH v2 3/5] x`,
/// `[PATCH net-next v3 0/4]`, `[RFC PATCH 1/2]`, `[PATCHv2 1/3]`. A tag
/// without `PATCH` or `RFC`, or `Re:` in front, is none.
pub fn tag(subject: &str) -> Option<Tag> {
    let mut rest = subject.trim_start();
    let mut tokens: Vec<&str> = Vec::new();
    while let Some(inner) = rest.strip_prefix('[') {
        let (group, after) = inner.split_once(']')?;
        tokens.extend(group.split([' ', ',']).filter(|t| !t.is_empty()));
        rest = after.trim_start();
    }
    let lower: Vec<String> = tokens.iter().map(|t| t.to_ascii_lowercase()).collect();
    if !lower.iter().any(|t| t.starts_with("patch") || t == "rfc") {
        return None;
    }
    let number = |s: &str| s.parse::<u32>().ok();
    let version = lower
        .iter()
        .find_map(|t| {
            t.strip_prefix("patchv")
                .or_else(|| t.strip_prefix('v'))
                .and_then(number)
        })
        .unwrap_or(1);
    let (index, total) = lower.iter().find_map(|t| {
        let (m, n) = t.split_once('/')?;
        Some((number(m)?, number(n)?))
    })?;
    (total > 0 && total <= MAX_PATCHES && index <= total).then_some(Tag { version, index, total })
}

/// The largest series believed (`[PATCH 1/4000000000]` is none): bounds the
/// work a hostile subject can ask for.
pub const MAX_PATCHES: u32 = 9_999;

/// `--patches 1-3,5`: which patches of a series (1-based; 0 is the cover
/// letter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchSet(pub Vec<u32>);

impl std::str::FromStr for PatchSet {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let num = |t: &str| {
            t.trim()
                .parse::<u32>()
                .map_err(|_| format!("not a patch number: {t:?} (write e.g. 1-3,5)"))
        };
        let mut out = Vec::new();
        for part in s.split(',') {
            let (a, b) = match part.split_once('-') {
                Some((a, b)) => (num(a)?, num(b)?),
                None => (num(part)?, num(part)?),
            };
            if b < a || b - a > 10_000 {
                return Err(format!("not a range of patches: {part:?}"));
            }
            out.extend(a..=b);
        }
        out.sort_unstable();
        out.dedup();
        Ok(PatchSet(out))
    }
}

/// One revision of a series found in a thread.
#[derive(Debug, Clone)]
pub struct Series {
    pub version: u32,
    pub total: u32,
    /// The cover letter (`0/N`), when there is one.
    pub cover: Option<Entry>,
    /// The patches found, by index (the newest copy of a resent one).
    pub patches: Vec<(u32, Entry)>,
    /// Indexes 1..=N with no message.
    pub missing: Vec<u32>,
    /// Every version found, ascending.
    pub versions: Vec<u32>,
}

/// The revision `version` (else the newest) of the series in `entries`;
/// None when no message of the thread has a series tag, or there is no such
/// version.
pub fn find(entries: &[Entry], version: Option<u32>) -> Option<Series> {
    let tagged: Vec<(Tag, &Entry)> = entries.iter().filter_map(|e| tag(&e.subject).map(|t| (t, e))).collect();
    let mut versions: Vec<u32> = tagged.iter().map(|(t, _)| t.version).collect();
    versions.sort_unstable();
    versions.dedup();
    let version = version.or(versions.last().copied())?;
    let this: Vec<&(Tag, &Entry)> = tagged.iter().filter(|(t, _)| t.version == version).collect();
    // The largest total its messages give (a resend may have grown).
    let total = this.iter().map(|(t, _)| t.total).max()?;
    // The newest copy of each index (by Date, then place in the thread).
    let mut newest: std::collections::BTreeMap<u32, &Entry> = std::collections::BTreeMap::new();
    for (t, e) in this.iter().filter(|(t, _)| t.total == total) {
        let key = |e: &Entry| (e.date.unwrap_or(i64::MIN), e.index);
        if newest.get(&t.index).is_none_or(|old| key(old) < key(e)) {
            newest.insert(t.index, e);
        }
    }
    let cover = newest.remove(&0).cloned();
    let missing = (1..=total).filter(|i| !newest.contains_key(i)).collect();
    Some(Series {
        version,
        total,
        cover,
        patches: newest.into_iter().map(|(i, e)| (i, e.clone())).collect(),
        missing,
        versions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_tags() {
        let t = |s: &str| tag(s).map(|t| (t.version, t.index, t.total));
        assert_eq!(t("[PATCH 0/3] foo: the bar"), Some((1, 0, 3)));
        assert_eq!(t("[PATCH v2 3/5] foo"), Some((2, 3, 5)));
        assert_eq!(t("[PATCH net-next V3 1/2] foo"), Some((3, 1, 2)));
        assert_eq!(t("[RFC PATCH 1/2] foo"), Some((1, 1, 2)));
        assert_eq!(t("[PATCHv4 2/2] foo"), Some((4, 2, 2)));
        assert_eq!(t("[PATCH v2] [1/3] foo"), Some((2, 1, 3)));
        assert_eq!(t("[PATCH] foo"), None, "a single patch is no series");
        assert_eq!(t("Re: [PATCH 1/3] foo"), None);
        assert_eq!(t("[GIT PULL 1/2] x"), None);
        assert_eq!(t("[PATCH 4/3] x"), None);
        assert_eq!(t("[PATCH 1/4000000000] x"), None);
    }

    #[test]
    fn patch_sets() {
        assert_eq!("1-3,5".parse::<PatchSet>().unwrap().0, vec![1, 2, 3, 5]);
        assert_eq!("5,1,1".parse::<PatchSet>().unwrap().0, vec![1, 5]);
        assert!("3-1".parse::<PatchSet>().is_err());
        assert!("a".parse::<PatchSet>().is_err());
        assert!("".parse::<PatchSet>().is_err());
    }

    fn entry(index: usize, subject: &str, date: i64) -> Entry {
        Entry {
            id: format!("m{index}@x"),
            parent: None,
            depth: 0,
            from: None,
            date: Some(date),
            subject: subject.into(),
            first_line: String::new(),
            replied: false,
            index,
        }
    }

    #[test]
    fn newest_revision_by_default() {
        let entries = vec![
            entry(0, "[PATCH 0/2] x", 10),
            entry(1, "[PATCH 1/2] a", 11),
            entry(2, "[PATCH 2/2] b", 12),
            entry(3, "Re: [PATCH 1/2] a", 13),
            entry(4, "[PATCH v2 0/3] x", 20),
            entry(5, "[PATCH v2 1/3] a", 21),
            entry(6, "[PATCH v2 3/3] c", 23),
            entry(7, "[PATCH v2 1/3] a", 24),
        ];
        let s = find(&entries, None).unwrap();
        assert_eq!((s.version, s.total, s.versions.clone()), (2, 3, vec![1, 2]));
        assert_eq!(s.cover.unwrap().index, 4);
        let got: Vec<(u32, usize)> = s.patches.iter().map(|(i, e)| (*i, e.index)).collect();
        assert_eq!(got, [(1, 7), (3, 6)], "the resent 1/3 is the newer copy");
        assert_eq!(s.missing, [2]);
        let s = find(&entries, Some(1)).unwrap();
        assert_eq!(s.patches.len(), 2);
        assert!(find(&entries, Some(9)).is_none());
        assert!(find(&[entry(0, "hello", 1)], None).is_none());
    }
}
