//! Where the message comes from: a file (message, mbox, gzip), standard
//! input, or a Message-ID / URL to fetch from a public-inbox archive.

pub mod cache;
pub mod file;
pub mod freshness;
pub mod http;
pub mod remote;

use crate::message::msgid;
use percent_encoding::{percent_decode_str, utf8_percent_encode};
use std::path::PathBuf;

/// What the MESSAGE argument names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(PathBuf),
    /// A Message-ID (normalised, without brackets), with the archive URL
    /// when the argument was a URL.
    MessageId {
        id: String,
        url: Option<String>,
    },
}

/// Classify the argument. A path that exists is a file, even if it also
/// looks like a Message-ID; `-` is standard input.
pub fn classify(arg: &str) -> Input {
    if arg == "-" {
        return Input::Stdin;
    }
    let path = PathBuf::from(arg);
    if path.exists() {
        return Input::File(path);
    }
    let lower = arg.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Input::MessageId {
            id: id_from_url(arg).unwrap_or_default(),
            url: Some(arg.to_string()),
        };
    }
    let id = msgid::normalize_arg(arg);
    // An id copied out of a URL path (`abc%40example.org`) is decoded, but
    // only when decoding is what gives it its `@`: `%` is legal in ids
    // (`s5h4ob9svqy.wl%tiwai@suse.de`) and is kept when the id has an `@`.
    if !id.contains('@') && id.contains('%') {
        let decoded = msgid::normalize_arg(&percent_decode(&id));
        if decoded.contains('@') {
            return Input::MessageId { id: decoded, url: None };
        }
    }
    // Every Message-ID has an `@`; without one (and without `id:`/`mid:`/`<>`
    // saying it is an id) the user meant a file that is not there.
    let says_id = arg.starts_with('<')
        || arg.to_ascii_lowercase().starts_with("id:")
        || arg.to_ascii_lowercase().starts_with("mid:");
    if !id.contains('@') && !says_id {
        return Input::File(path);
    }
    Input::MessageId { id, url: None }
}

/// The message a thread URL's anchor names (`…/T/#m` + 40 hex digits):
/// public-inbox's anchors are `m` and the SHA-1 of the bare Message-ID.
pub fn url_anchor(url: &str) -> Option<String> {
    let (_, frag) = url.split_once('#')?;
    let hex = frag.strip_prefix('m')?;
    (hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then(|| hex.to_ascii_lowercase())
}

/// public-inbox's anchor hex for `id`: the SHA-1 of the bare Message-ID.
pub fn anchor_of(id: &str) -> String {
    use sha1::{Digest, Sha1};
    crate::text::hex(&Sha1::digest(id.as_bytes()))
}

/// The Message-ID in a public-inbox style URL: the path segment before
/// `/raw`, `/T/`, `/t/`, `/t.mbox.gz` ..., percent-decoded. For
/// `https://HOST/LIST/ID/` that is the last segment; for msgid.link style
/// `https://HOST/ID` too.
pub fn id_from_url(url: &str) -> Option<String> {
    split_url(url).map(|(_, id)| id)
}

/// Split a public-inbox style URL into its archive (everything before the
/// Message-ID segment, with a trailing `/`: `https://lore.kernel.org/LIST/`,
/// or `https://HOST/` when the URL names no inbox) and the decoded
/// Message-ID. Scheme and host are lower-cased (they are case-insensitive,
/// and the archive is part of cache keys); the path is kept as written.
///
/// The id is one path segment: public-inbox writes `/` inside an id as
/// `%2F` in its links, so a URL with a raw `/` in the id cannot be told
/// apart from one with an inbox name and is read as the latter.
pub fn split_url(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if authority.is_empty() {
        return None;
    }
    const TAILS: &[&str] = &["raw", "T", "t", "t.mbox.gz", "t.mbox", "t.atom", "", "f", "R"];
    let segs: Vec<&str> = path.split('/').collect();
    let mut i = segs.len();
    while i > 0 && TAILS.contains(&segs[i - 1]) {
        i -= 1;
    }
    let seg = segs.get(i.checked_sub(1)?)?;
    let id = msgid::normalize_arg(&percent_decode(seg));
    if id.is_empty() {
        return None;
    }
    let mut archive = format!("{}://{}/", scheme.to_ascii_lowercase(), authority.to_ascii_lowercase());
    for s in segs[..i - 1].iter().filter(|s| !s.is_empty()) {
        // Escaped like an id, but an existing `%XX` stays: the inbox name
        // is used in URLs and cache keys, never whitespace or raw bytes.
        for part in s.split('%').enumerate() {
            if part.0 > 0 {
                archive.push('%');
            }
            archive.push_str(&escape_id(part.1));
        }
        archive.push('/');
    }
    Some((archive, id))
}

/// Escape a Message-ID for a public-inbox URL path the way public-inbox
/// itself does (`mid_escape`): every byte of its UTF-8 form in
/// [`msgid::MID_ESCAPE`] becomes `%XX`. So `/`, `%`, `#`, `?`, spaces and
/// non-ASCII never change the shape of the URL.
pub fn escape_id(id: &str) -> String {
    utf8_percent_encode(id, msgid::MID_ESCAPE).to_string()
}

/// `%XX` decoded (either case); a `%` without two hex digits stays as it
/// is, and bytes that are not UTF-8 become U+FFFD.
pub fn percent_decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_forms() {
        assert_eq!(classify("-"), Input::Stdin);
        assert_eq!(
            classify("<a@b>"),
            Input::MessageId {
                id: "a@b".into(),
                url: None
            }
        );
        assert_eq!(
            classify("id:a@b"),
            Input::MessageId {
                id: "a@b".into(),
                url: None
            }
        );
        assert_eq!(classify("/no/such/file.eml"), Input::File("/no/such/file.eml".into()));
        assert_eq!(classify("missing.mbox"), Input::File("missing.mbox".into()));
        let u = "https://lore.kernel.org/ksummit/YT26ebT6xXWsnVMw@unreal/";
        assert_eq!(
            classify(u),
            Input::MessageId {
                id: "YT26ebT6xXWsnVMw@unreal".into(),
                url: Some(u.into())
            }
        );
    }

    #[test]
    fn ids_from_urls() {
        for u in [
            "https://lore.kernel.org/ksummit/YT26ebT6xXWsnVMw@unreal/",
            "https://lore.kernel.org/ksummit/YT26ebT6xXWsnVMw@unreal/raw",
            "https://lore.kernel.org/all/YT26ebT6xXWsnVMw@unreal/T/#u",
            "https://lore.kernel.org/r/YT26ebT6xXWsnVMw%40unreal",
            "https://msgid.link/YT26ebT6xXWsnVMw@unreal",
            "https://lore.kernel.org/ksummit/YT26ebT6xXWsnVMw@unreal/t.mbox.gz",
        ] {
            assert_eq!(id_from_url(u).as_deref(), Some("YT26ebT6xXWsnVMw@unreal"), "{u}");
        }
        assert_eq!(
            id_from_url("https://lore.kernel.org/x/a%2Fb%2Bc@d/").as_deref(),
            Some("a/b+c@d")
        );
        assert_eq!(
            id_from_url("https://lore.kernel.org/x/%3Ca@b%3E/").as_deref(),
            Some("a@b")
        );
        assert_eq!(id_from_url("https://lore.kernel.org/"), None);
        assert_eq!(id_from_url("https:///a@b/"), None);
    }

    #[test]
    fn archives_from_urls() {
        let split = split_url;
        let s = |a: &str, id: &str| Some((a.to_string(), id.to_string()));
        assert_eq!(
            split("https://lore.kernel.org/ksummit/a@b/"),
            s("https://lore.kernel.org/ksummit/", "a@b")
        );
        assert_eq!(
            split("https://lore.kernel.org/ksummit/a@b/t.mbox.gz"),
            s("https://lore.kernel.org/ksummit/", "a@b")
        );
        assert_eq!(
            split("https://lore.kernel.org/all/a@b/T/#u"),
            s("https://lore.kernel.org/all/", "a@b")
        );
        assert_eq!(
            split("HTTPS://Lore.Kernel.org/LKML/a@b/raw"),
            s("https://lore.kernel.org/LKML/", "a@b")
        );
        assert_eq!(split("https://msgid.link/a@b"), s("https://msgid.link/", "a@b"));
        assert_eq!(
            split("https://patch.msgid.link/a@b?x=1"),
            s("https://patch.msgid.link/", "a@b")
        );
        assert_eq!(
            split("http://127.0.0.1:8080/a%40b/"),
            s("http://127.0.0.1:8080/", "a@b")
        );
        assert_eq!(
            split("https://host/mirror/lore/list/a%2Fb@c/"),
            s("https://host/mirror/lore/list/", "a/b@c")
        );
        assert_eq!(
            split("https://h/my list/\u{e9}t\u{e9}%20x/a@b/"),
            s("https://h/my%20list/%C3%A9t%C3%A9%20x/", "a@b")
        );
    }

    #[test]
    fn escaping_round_trips() {
        assert_eq!(escape_id("YT26ebT6xXWsnVMw@unreal"), "YT26ebT6xXWsnVMw@unreal");
        assert_eq!(
            escape_id("YT3/5kJuhw/QVqrw@kroah.com"),
            "YT3%2F5kJuhw%2FQVqrw@kroah.com"
        );
        assert_eq!(escape_id("a+b=c&d@e"), "a+b=c&d@e");
        assert_eq!(
            escape_id("odd #id?x=1&y%z@\u{fc}.example"),
            "odd%20%23id%3Fx=1&y%25z@%C3%BC.example"
        );
        for id in ["a/b+c%d#e?f g@\u{fc}", "s5h4ob9svqy.wl%tiwai@suse.de"] {
            assert_eq!(percent_decode(&escape_id(id)), id);
            assert_eq!(
                id_from_url(&format!("https://h/l/{}/raw", escape_id(id))).as_deref(),
                Some(id)
            );
        }
    }

    #[test]
    fn anchors_are_the_sha1_of_the_id() {
        let url =
            "https://lore.kernel.org/ksummit/877dfop2lx.fsf@meer.lwn.net/T/#m0902ae52aab1bd2b7a1a1ac84c9d3de00c2e1e3a";
        assert_eq!(
            url_anchor(url).as_deref(),
            Some("0902ae52aab1bd2b7a1a1ac84c9d3de00c2e1e3a")
        );
        assert_eq!(url_anchor("https://lore.kernel.org/x/id@h/T/#u"), None);
        // sha1("abc"), the FIPS 180 test vector.
        assert_eq!(anchor_of("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    }

    #[test]
    fn escaped_bare_ids() {
        let id = |a: &str| match classify(a) {
            Input::MessageId { id, url: None } => id,
            other => panic!("{other:?}"),
        };
        assert_eq!(id("YT26ebT6xXWsnVMw%40unreal"), "YT26ebT6xXWsnVMw@unreal");
        assert_eq!(
            id("%3CYT3%2F5kJuhw%2FQVqrw%40kroah.com%3E"),
            "YT3/5kJuhw/QVqrw@kroah.com"
        );
        // A literal `%` in an id with an `@` stays.
        assert_eq!(id("s5h4ob9svqy.wl%tiwai@suse.de"), "s5h4ob9svqy.wl%tiwai@suse.de");
        assert_eq!(
            id("5838D7FEC0%devspam@moreofthesa.me.uk"),
            "5838D7FEC0%devspam@moreofthesa.me.uk"
        );
    }
}
