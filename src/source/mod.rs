//! Where the message comes from: a file (message, mbox, gzip), standard
//! input, or a Message-ID / URL to fetch from a public-inbox archive.

pub mod file;
pub mod remote;

use crate::message::msgid;
use std::path::PathBuf;

/// What the MESSAGE argument names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(PathBuf),
    /// A Message-ID (normalised, without brackets), with the archive URL
    /// when the argument was a URL.
    MessageId { id: String, url: Option<String> },
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
        return Input::MessageId { id: id_from_url(arg).unwrap_or_default(), url: Some(arg.to_string()) };
    }
    Input::MessageId { id: msgid::normalize_arg(arg), url: None }
}

/// The Message-ID in a public-inbox style URL: the path segment before
/// `/raw`, `/T/`, `/t/`, `/t.mbox.gz` ..., percent-decoded. For
/// `https://HOST/LIST/ID/` that is the last segment; for msgid.link style
/// `https://HOST/ID` too.
pub fn id_from_url(url: &str) -> Option<String> {
    let after_scheme = url.split_once("://")?.1;
    let path = after_scheme.split_once('/').map(|(_, p)| p).unwrap_or("");
    let path = path.split(['?', '#']).next().unwrap_or("");
    const TAILS: &[&str] = &["raw", "T", "t", "t.mbox.gz", "t.atom", "#R", "", "f"];
    let segs: Vec<&str> = path.split('/').collect();
    let mut i = segs.len();
    while i > 0 && TAILS.contains(&segs[i - 1]) {
        i -= 1;
    }
    let seg = segs.get(i.checked_sub(1)?)?;
    let id = percent_decode(seg);
    let id = msgid::normalize_arg(&id);
    (!id.is_empty()).then_some(id)
}

pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_forms() {
        assert_eq!(classify("-"), Input::Stdin);
        assert_eq!(classify("<a@b>"), Input::MessageId { id: "a@b".into(), url: None });
        assert_eq!(classify("id:a@b"), Input::MessageId { id: "a@b".into(), url: None });
        let u = "https://lore.kernel.org/ksummit/YT26ebT6xXWsnVMw@unreal/";
        assert_eq!(classify(u), Input::MessageId { id: "YT26ebT6xXWsnVMw@unreal".into(), url: Some(u.into()) });
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
        assert_eq!(id_from_url("https://lore.kernel.org/x/a%2Fb%2Bc@d/").as_deref(), Some("a/b+c@d"));
    }
}
