//! Fetching a message or a thread from a public-inbox archive
//! (lore.kernel.org or any other), with a cache.
//!
//! [`fetch`] is the one way through:
//!
//! 1. resolve: which archive and which URL ([`Target`]);
//! 2. cache lookup (skipped with `--refresh`; the only source with
//!    `--offline`);
//! 3. HTTP GET of `ARCHIVE/ID/raw` or `ARCHIVE/ID/t.mbox.gz`, with
//!    public-inbox's ways of finding a message from a host's root;
//! 4. validate: refuse what is not a message (HTML challenge pages, error
//!    pages served with 200, empty bodies);
//! 5. cache store, then hand back the message (or the thread mbox).
//!
//! Decisions (also in the README):
//!
//! * **Where.** A URL argument's own host and inbox win over `--base`;
//!   msgid.link and patch.msgid.link URLs only carry the id: they are
//!   redirectors to lore, so the id is fetched from the base archive (one
//!   request instead of a redirect chain, `ksreply.baseurl` mirrors are
//!   honoured, and the cache entry is shared with the bare id). lore's `/r/`
//!   redirector is read as `/all/` for the same reason.
//! * **Cache keys.** Every entry is keyed by the archive it came from
//!   (scheme, host, port, inbox path) and the id: what one archive served
//!   is never answered for another, an `http://` fetch never for an
//!   `https://` one. (Message-IDs are not proof of anything: anyone can
//!   send a message with anyone's id, and a hostile mirror can serve
//!   anything under it.) A thread is re-used for [`THREAD_MAX_AGE`] only:
//!   threads gain replies, and `--thread --latest` must see them.
//!   `--offline` takes any age.
//! * **The id is checked.** A message whose Message-ID is not the one
//!   asked for is an error, and a thread must hold the message. One
//!   exception, with a warning naming both ids: public-inbox stores a
//!   second message with an id it already has under an id of its own
//!   making, which it adds as a second Message-ID field.

use super::cache::{Cache, Lookup};
use super::file;
use super::http::{self, Client};
use super::{escape_id, split_url};
use crate::error::{Error, Result};
use crate::message::{mbox, msgid};
use std::io::Read;
use std::time::Duration;

/// The archive when neither `--base` nor `ksreply.baseurl` names one.
pub const DEFAULT_BASE: &str = "https://lore.kernel.org/all/";

/// How long a cached thread is answered without asking the archive again.
pub const THREAD_MAX_AGE: Duration = Duration::from_secs(10 * 60);

/// Bytes of a response (un-gzipped, for a thread) looked at to tell what it is.
const SNIFF: usize = 64 * 1024;

#[derive(Debug, Clone, Default)]
pub struct RemoteOptions {
    /// `--base`, else git config `ksreply.baseurl`, else lore's `/all/`.
    pub base: Option<String>,
    /// The URL the user gave, whose host and inbox win over `base`.
    pub url: Option<String>,
    /// Fetch `t.mbox.gz` instead of `raw`.
    pub thread: bool,
    pub offline: bool,
    pub refresh: bool,
    pub timeout_secs: u64,
    pub verbose: bool,
}

/// What to fetch from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The archive URL, ending in `/`: `https://HOST/INBOX/`, or
    /// `https://HOST/` for a host without an inbox in the URL.
    pub archive: String,
    pub id: String,
    pub thread: bool,
}

impl Target {
    /// `raw` or `t.mbox.gz`, the last path segment.
    fn leaf(&self) -> &'static str {
        if self.thread {
            "t.mbox.gz"
        } else {
            "raw"
        }
    }

    /// The URL of the message (or thread) in `archive`.
    fn url_in(&self, archive: &str) -> String {
        format!("{archive}{}/{}", escape_id(&self.id), self.leaf())
    }

    pub fn url(&self) -> String {
        self.url_in(&self.archive)
    }

    /// True when the archive is a host's root: public-inbox then has the
    /// message under some inbox, `/all/`, or behind a redirect.
    fn is_root(&self) -> bool {
        let path = self.archive.split_once("://").map(|(_, r)| r).unwrap_or("");
        path.find('/').is_some_and(|i| &path[i..] == "/")
    }

    /// (kind, archive, id) of the cache entry; see the module comment. The
    /// archive is its origin and inbox path, the default port left out.
    fn cache_key(&self) -> (&'static str, String, &str) {
        let kind = if self.thread { "thread" } else { "raw" };
        let (scheme, rest) = self.archive.split_once("://").unwrap_or(("", &self.archive));
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let authority = match (scheme, authority.rsplit_once(':')) {
            ("https", Some((host, "443"))) | ("http", Some((host, "80"))) => host,
            _ => authority,
        };
        (kind, format!("{scheme}://{authority}/{path}"), &self.id)
    }
}

/// Fetch the raw message (or, with `thread`, the thread mbox) for `id`.
/// Returns the first stored copy of the message with mboxrd escaping undone,
/// or the whole thread as an mbox, which the caller picks from.
pub fn fetch(id: &str, opts: &RemoteOptions) -> Result<Vec<u8>> {
    let target = resolve(id, opts)?;
    let note = |msg: &str| {
        if opts.verbose {
            crate::output::note(msg);
        }
    };

    let cache = Cache::open();
    let (kind, archive, key_id) = target.cache_key();
    let entry = cache.as_ref().map(|c| c.path(kind, &archive, key_id));
    if let (Some(cache), Some(path), false) = (&cache, &entry, opts.refresh) {
        let max_age = (target.thread && !opts.offline).then_some(THREAD_MAX_AGE);
        match cache.load(path, max_age) {
            Lookup::Hit(body) => {
                match decode(&target, &body).and_then(|d| checked(&target, d, &target.url(), opts.verbose)) {
                    Ok(data) => {
                        let what = if target.thread { "thread" } else { "message" };
                        note(&format!(
                            "using the cached copy of the {what} <{id}> ({})",
                            path.display()
                        ));
                        return Ok(data);
                    }
                    Err(why) => note(&format!("ignoring the damaged cache entry {}: {why}", path.display())),
                }
            }
            Lookup::Corrupt(why) => note(&format!("ignoring the damaged cache entry {}: {why}", path.display())),
            Lookup::Stale => note(&format!(
                "the cached thread is older than {} min: refetching",
                THREAD_MAX_AGE.as_secs() / 60
            )),
            Lookup::Missing => {}
        }
    }
    if opts.offline {
        let why = if cache.is_none() {
            "no cache directory (HOME is not set)"
        } else {
            "not in the cache"
        };
        return Err(Error::network(format!(
            "--offline: <{id}> is {why}; fetch it once without --offline ({})",
            target.url()
        )));
    }

    // The client (and its progress line) ends with the download, before
    // anything else is written to stderr.
    let resp = download(&Client::new(opts.timeout_secs, opts.verbose), &target)?;
    check_response(&resp)?;
    if http::is_https(&target.archive) && !http::is_https(&resp.url) {
        return Err(Error::network(format!(
            "{}: asked for over https, answered over http: not used",
            resp.url
        )));
    }
    let data = decode(&target, &resp.body).map_err(|why| Error::network(format!("{}: {why}", resp.url)))?;
    let data = checked(&target, data, &resp.url, opts.verbose)
        .map_err(|why| Error::network(format!("{}: {why}", resp.url)))?;
    if let (Some(cache), Some(path)) = (&cache, &entry) {
        match cache.store(path, &resp.body) {
            Ok(()) => note(&format!("cached as {}", path.display())),
            Err(e) => crate::output::warn(&format!("cannot write the cache entry {}: {e}", path.display())),
        }
    }
    Ok(data)
}

/// Step 4c: the message (the first copy of `/raw`) must carry the id
/// asked for, and a thread must hold it; see the module comment. Also run
/// on cache entries.
fn checked(target: &Target, data: Vec<u8>, url: &str, verbose: bool) -> std::result::Result<Vec<u8>, String> {
    let want = &target.id;
    let own = if target.thread {
        file::gzip_mbox_find(&data, want, file::MAX_THREAD)
            .map_err(|e| e.msg)?
            .ok_or_else(|| format!("the thread does not hold the message <{want}>"))?
    } else {
        let data = finish(target, data, url, verbose);
        let ids = mbox::message_ids(&data);
        match ids.first() {
            Some(first) if msgid::same(first, want) => return Ok(data),
            Some(first) if ids.iter().any(|i| msgid::same(i, want)) => {
                warn_renamed(want, first);
                return Ok(data);
            }
            Some(first) => {
                return Err(format!(
                    "the archive served the message <{first}> for <{want}>: not used"
                ))
            }
            None => {
                return Err(format!(
                    "the archive served a message without Message-ID for <{want}>: not used"
                ))
            }
        }
    };
    if !msgid::same(&own, want) {
        warn_renamed(want, &own);
    }
    Ok(data)
}

fn warn_renamed(asked: &str, own: &str) {
    eprintln!(
        "ksreply: warning: <{asked}> is the archive's name for a message whose own Message-ID is <{own}> \
         (public-inbox renames a second message with an id it already has); the reply refers to <{own}>"
    );
}

/// Step 1: the archive and id to fetch.
pub fn resolve(id: &str, opts: &RemoteOptions) -> Result<Target> {
    let base = match &opts.base {
        Some(b) => normalize_base(b)?,
        None => DEFAULT_BASE.to_string(),
    };
    let from_url = opts.url.as_deref().and_then(split_url).map(|(archive, _)| archive);
    let archive = match from_url {
        Some(a) if !is_redirector(&a) => a,
        _ => base,
    };
    // lore's /r/ redirects to /all/; asking /all/ saves the round trip.
    let archive = match archive.as_str() {
        "https://lore.kernel.org/r/" | "http://lore.kernel.org/r/" => DEFAULT_BASE.to_string(),
        _ => archive,
    };
    Ok(Target {
        archive,
        id: id.to_string(),
        thread: opts.thread,
    })
}

/// msgid.link and its subdomains (patch.msgid.link) redirect to lore by
/// Message-ID; they are not archives themselves.
fn is_redirector(archive: &str) -> bool {
    let host = archive.split_once("://").map(|(_, r)| r).unwrap_or("");
    let host = host.split(['/', ':']).next().unwrap_or("");
    host == "msgid.link" || host.ends_with(".msgid.link")
}

/// `--base`/`ksreply.baseurl` as an archive URL ending in `/`.
pub fn normalize_base(base: &str) -> Result<String> {
    let b = base.trim();
    let lower = b.to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &b[8..]
    } else if lower.starts_with("http://") {
        &b[7..]
    } else {
        return Err(Error::usage(format!("--base {base}: not an http:// or https:// URL")));
    };
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if authority.is_empty() {
        return Err(Error::usage(format!("--base {base}: no host")));
    }
    let scheme = &lower[..lower.find("://").unwrap_or(0)];
    let mut out = format!("{scheme}://{}/", authority.to_ascii_lowercase());
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        out.push_str(seg);
        out.push('/');
    }
    Ok(out)
}

/// Step 3: GET the message. A 404 from a host's root is not the last word:
/// lore-style archives serve every list under `/all/`, and public-inbox
/// redirects `/ID/` (the HTML page) to the inbox that has the message.
fn download(client: &Client, target: &Target) -> Result<http::Response> {
    let url = target.url();
    let resp = client.get(&url)?;
    if resp.status != 404 || !target.is_root() {
        return not_found_is_input(target, resp, &url);
    }
    let all = target.url_in(&format!("{}all/", target.archive));
    client.note(&format!("{url}: not found; trying {all}"));
    let resp = client.get(&all)?;
    if resp.status != 404 {
        return not_found_is_input(target, resp, &url);
    }
    let page = format!("{}{}/", target.archive, escape_id(&target.id));
    let resp = client.get_once(&page)?;
    if let (Some(loc), true) = (&resp.location, (300..400).contains(&resp.status)) {
        let inbox_page = http::join_url(&page, loc);
        if http::is_https(&page) && !http::is_https(&inbox_page) {
            return Err(Error::network(format!(
                "{page} redirects to {inbox_page}: refusing to leave https"
            )));
        }
        if let Some((archive, _)) = inbox_page.ends_with('/').then(|| split_url(&inbox_page)).flatten() {
            client.note(&format!("{page}: the message is in {archive}"));
            let resp = client.get(&target.url_in(&archive))?;
            return not_found_is_input(target, resp, &url);
        }
    }
    Err(no_message(target, &url))
}

fn not_found_is_input(target: &Target, resp: http::Response, asked: &str) -> Result<http::Response> {
    if resp.status == 404 {
        return Err(no_message(target, asked));
    }
    Ok(resp)
}

fn no_message(target: &Target, url: &str) -> Error {
    Error::input(format!("no message <{}> at {url} (HTTP 404)", target.id))
}

/// Step 4a: the HTTP answer itself. Anything but 200 is a failure that
/// names the URL and the status; a 200 must not be a web page.
fn check_response(resp: &http::Response) -> Result<()> {
    let url = &resp.url;
    let page = describe_html(resp);
    if resp.status != 200 {
        let what = page.map(|p| format!(" ({p})")).unwrap_or_default();
        return Err(Error::network(format!(
            "{url}: HTTP {} {}{what}",
            resp.status, resp.status_text
        )));
    }
    if let Some(p) = page {
        return Err(Error::network(format!(
            "{url}: the archive answered with {p}, not a message"
        )));
    }
    if resp.body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::network(format!("{url}: empty response, not a message")));
    }
    Ok(())
}

/// "an HTML page" / "a bot-protection challenge (Anubis) ..." when the
/// response is a web page. lore.kernel.org puts Anubis in front of its web
/// pages at times; it answers 200 with a JavaScript proof-of-work page.
fn describe_html(resp: &http::Response) -> Option<String> {
    let head = &resp.body[..resp.body.len().min(SNIFF)];
    let start = String::from_utf8_lossy(&head[..head.len().min(512)])
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_lowercase();
    let is_html = resp.content_type.starts_with("text/html")
        || resp.content_type.starts_with("application/xhtml")
        || ["<!doctype html", "<html", "<head", "<body", "<?xml", "<!--"]
            .iter()
            .any(|t| start.starts_with(t));
    if !is_html {
        return None;
    }
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    if text.contains("anubis") || text.contains("making sure you're not a bot") || text.contains("proof-of-work") {
        return Some("a bot-protection challenge page (Anubis); open the URL in a browser once, retry later, or use another archive with --base".into());
    }
    if text.contains("captcha") || text.contains("cf-challenge") || text.contains("challenge-platform") {
        return Some("a bot-protection challenge page".into());
    }
    Some("an HTML page".into())
}

/// Step 4b: the bytes as a message (raw) or an mbox (thread). Also checks
/// cache entries, so a damaged or foreign one is refetched. Returns the
/// decoded data: a raw message un-gzipped (if it was), at most
/// [`file::MAX_MESSAGE`]; a thread as it came, gzip-compressed: only its
/// start is un-gzipped here, and the caller streams the rest
/// ([`file::pick_with`]), so a thread never sits in memory whole.
fn decode(target: &Target, body: &[u8]) -> std::result::Result<Vec<u8>, String> {
    if target.thread {
        if !body.starts_with(&[0x1f, 0x8b]) {
            return Err("not a gzip-compressed thread mbox".into());
        }
        let mut head = Vec::new();
        flate2::read::MultiGzDecoder::new(body)
            .take(SNIFF as u64)
            .read_to_end(&mut head)
            .map_err(|e| format!("bad gzip data: {e}"))?;
        if !mbox::looks_like_mbox(&head) {
            return Err("the thread is not an mbox".into());
        }
        if !looks_like_message(&head) {
            return Err("the response is not a message".into());
        }
        return Ok(body.to_vec());
    }
    // read_all un-gzips when it sees the gzip magic (a raw message served
    // gzipped without Content-Encoding), and stops at the limit.
    let data = file::read_all(body, file::MAX_MESSAGE as u64).map_err(|e| e.msg)?;
    if !looks_like_message(&data) {
        return Err("the response is not a message".into());
    }
    Ok(data)
}

/// The data starts like a message: after an optional mbox `From ` line,
/// a header field (`Name:` with RFC 5322 field-name characters).
fn looks_like_message(data: &[u8]) -> bool {
    let mut rest = data;
    while rest.first().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        rest = &rest[1..];
    }
    if rest.starts_with(b"From ") {
        rest = memchr::memchr(b'\n', rest).map(|i| &rest[i + 1..]).unwrap_or(&[]);
    }
    let line = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
    match memchr::memchr(b':', line) {
        Some(colon) if colon > 0 => line[..colon].iter().all(|&b| (33..=126).contains(&b)),
        _ => false,
    }
}

/// Step 5: what the caller gets. `/raw` holds one copy per time the
/// archive received the message (re-sends, cross-posts imported twice);
/// the first is the original.
fn finish(target: &Target, data: Vec<u8>, url: &str, verbose: bool) -> Vec<u8> {
    if target.thread || !mbox::looks_like_mbox(&data) {
        return data;
    }
    let mut copies = mbox::split(&data);
    let Some(first) = copies.next() else {
        return data;
    };
    let more = copies.count();
    if verbose && more > 0 {
        crate::output::note(&format!(
            "{url} has {} copies of <{}>; using the first",
            more + 1,
            target.id
        ));
    }
    mbox::unescape(mbox::trim_separator_newline(first)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(base: Option<&str>, url: Option<&str>) -> RemoteOptions {
        RemoteOptions {
            base: base.map(String::from),
            url: url.map(String::from),
            ..Default::default()
        }
    }

    #[test]
    fn where_to_fetch() {
        let t = resolve("a/b@c", &opts(None, None)).unwrap();
        assert_eq!(t.url(), "https://lore.kernel.org/all/a%2Fb@c/raw");
        let t = resolve("a@b", &opts(Some("http://127.0.0.1:8080/test"), None)).unwrap();
        assert_eq!(t.url(), "http://127.0.0.1:8080/test/a@b/raw");
        // The URL's own host and inbox win over the base.
        let t = resolve(
            "a@b",
            &opts(Some("http://mirror/x/"), Some("https://lore.kernel.org/ksummit/a@b/T/")),
        )
        .unwrap();
        assert_eq!(t.archive, "https://lore.kernel.org/ksummit/");
        // msgid.link only carries the id.
        for u in ["https://msgid.link/a@b", "https://patch.msgid.link/a@b"] {
            let t = resolve("a@b", &opts(Some("http://mirror/x"), Some(u))).unwrap();
            assert_eq!(t.archive, "http://mirror/x/", "{u}");
        }
        let t = resolve("a@b", &opts(None, Some("https://lore.kernel.org/r/a@b"))).unwrap();
        assert_eq!(t.archive, DEFAULT_BASE);
        let t = RemoteOptions {
            thread: true,
            ..opts(None, Some("http://h:1/a%40b/"))
        };
        let t = resolve("a@b", &t).unwrap();
        assert_eq!(t.url(), "http://h:1/a@b/t.mbox.gz");
        assert!(t.is_root());
        assert!(!resolve("a@b", &opts(None, None)).unwrap().is_root());
    }

    #[test]
    fn cache_keys() {
        let key = |id: &str, base: Option<&str>, url: Option<&str>, thread: bool| {
            let t = resolve(
                id,
                &RemoteOptions {
                    thread,
                    ..opts(base, url)
                },
            )
            .unwrap();
            let (k, a, i) = t.cache_key();
            (k, a, i.to_string())
        };
        // Keyed by archive: another inbox, host, port or scheme is another entry.
        let lore = key("a@b", None, None, false);
        assert_eq!(lore, ("raw", DEFAULT_BASE.to_string(), "a@b".to_string()));
        assert_ne!(lore, key("a@b", None, Some("https://lore.kernel.org/x/a@b/"), false));
        assert_ne!(lore, key("a@b", Some("https://mirror.example/all/"), None, false));
        assert_ne!(lore, key("a@b", Some("http://lore.kernel.org/all/"), None, false));
        assert_ne!(lore, key("a@b", Some("https://lore.kernel.org:8443/all/"), None, false));
        assert_ne!(lore, key("a@b", None, None, true));
        // The same archive however it is written; msgid.link is the base.
        assert_eq!(lore, key("a@b", Some("HTTPS://Lore.Kernel.org:443/all"), None, false));
        assert_eq!(lore, key("a@b", None, Some("https://msgid.link/a@b"), false));
        assert_eq!(
            lore,
            key("a@b", None, Some("https://lore.kernel.org/all/a@b/raw"), false)
        );
        assert_eq!(
            key("a@b", Some("http://h:80/x"), None, false).1,
            key("a@b", Some("http://h/x"), None, false).1
        );
    }

    #[test]
    fn the_id_is_checked() {
        let t = resolve("a@b", &opts(None, None)).unwrap();
        let msg = |ids: &[&str]| {
            let mut m = String::from("From mboxrd@z Thu Jan  1 00:00:00 1970\n");
            for i in ids {
                m.push_str(&format!("Message-ID: <{i}>\n"));
            }
            m.push_str("Subject: x\n\nbody\n");
            m.into_bytes()
        };
        assert!(checked(&t, msg(&["a@b"]), "u", false).is_ok());
        let e = checked(&t, msg(&["evil@x"]), "u", false).unwrap_err();
        assert_eq!(e, "the archive served the message <evil@x> for <a@b>: not used");
        assert!(checked(&t, msg(&[]), "u", false)
            .unwrap_err()
            .contains("without Message-ID"));
        // public-inbox's renamed duplicate: its own id first, then the one asked for.
        let t = resolve("20210913100000.abc@z", &opts(None, None)).unwrap();
        let data = checked(&t, msg(&["a@b", "20210913100000.abc@z"]), "u", false).unwrap();
        assert!(data.starts_with(b"Message-ID: <a@b>"));
    }

    #[test]
    fn bases() {
        assert_eq!(
            normalize_base("HTTPS://Lore.Kernel.org").unwrap(),
            "https://lore.kernel.org/"
        );
        assert_eq!(
            normalize_base(" https://lore.kernel.org/all ").unwrap(),
            "https://lore.kernel.org/all/"
        );
        assert_eq!(normalize_base("http://h:1//x//y/?q").unwrap(), "http://h:1/x/y/");
        assert!(normalize_base("lore.kernel.org/all").is_err());
        assert!(normalize_base("ftp://x/").is_err());
        assert!(normalize_base("https:///x").is_err());
    }

    #[test]
    fn message_shapes() {
        assert!(looks_like_message(
            b"From mboxrd@z Thu Jan  1 00:00:00 1970\nSubject: x\n\n"
        ));
        assert!(looks_like_message(b"Return-Path: <a@b>\n"));
        assert!(looks_like_message(b"\r\nX-Foo:bar\r\n"));
        assert!(!looks_like_message(b"<!DOCTYPE html>\n<html>"));
        assert!(!looks_like_message(b"Not Found\n"));
        assert!(!looks_like_message(b": x\n"));
        assert!(!looks_like_message(b""));
    }

    fn response(content_type: &str, body: &[u8]) -> http::Response {
        http::Response {
            status: 200,
            status_text: "OK".into(),
            url: "https://x/y/raw".into(),
            content_type: content_type.into(),
            location: None,
            body: body.to_vec(),
        }
    }

    #[test]
    fn web_pages_are_not_messages() {
        let anubis = b"<!doctype html><html><head><title>Making sure you&#39;re not a bot!</title><script id=\"anubis_challenge\">";
        let e = check_response(&response("text/html; charset=utf-8", anubis)).unwrap_err();
        assert!(e.msg.contains("Anubis") && e.msg.contains("not a message"), "{}", e.msg);
        let e = check_response(&response("text/plain", b"  <html><body>hi")).unwrap_err();
        assert!(e.msg.contains("an HTML page, not a message"), "{}", e.msg);
        let e = check_response(&response("text/plain", b"\n")).unwrap_err();
        assert!(e.msg.contains("empty"), "{}", e.msg);
        assert!(check_response(&response("text/plain; charset=us-ascii", b"From mboxrd@z x\nA: b\n")).is_ok());
        let mut r = response("text/html", b"<html>");
        r.status = 503;
        r.status_text = "Service Unavailable".into();
        let e = check_response(&r).unwrap_err();
        assert!(e.msg.contains("HTTP 503 Service Unavailable"), "{}", e.msg);
    }

    #[test]
    fn first_copy_of_raw() {
        let t = resolve("a@b", &opts(None, None)).unwrap();
        let data = b"From mboxrd@z Thu Jan  1 00:00:00 1970\nMessage-ID: <a@b>\n\n>From one\n\nFrom mboxrd@z Thu Jan  1 00:00:00 1970\nMessage-ID: <a@b>\n\ntwo\n\n".to_vec();
        assert_eq!(finish(&t, data, "u", false), b"Message-ID: <a@b>\n\nFrom one\n");
        let thread = Target {
            thread: true,
            ..t.clone()
        };
        assert!(decode(&thread, b"From x\nA: b\n\n").is_err());
        assert!(decode(&t, b"garbage").is_err());
        assert!(decode(&t, b"\x1f\x8b\x08\x00garbage").is_err());
    }
}
