//! The HTTP side of fetching: one GET at a time, done the way a polite,
//! robust client should.
//!
//! * `User-Agent: ksreply/VERSION`, so archive admins can tell us apart.
//! * One deadline for the whole fetch (all requests and redirects) and a
//!   connect timeout, both from `--timeout`: a server that accepts and never
//!   answers cannot hang ksreply.
//! * Bodies are capped at [`MAX_BODY`] after content decoding, so neither a
//!   runaway response nor a gzip bomb can fill the memory.
//! * Proxies come from the environment like curl reads them (ureq 2 only
//!   knows a single proxy for everything, and no `no_proxy`): see
//!   [`proxy_for`].
//! * Redirects are followed here rather than inside ureq, so that each hop
//!   gets its own proxy decision, `-v` can show the hops, and an
//!   https → http downgrade is refused.
//! * A fetch that takes longer than [`PROGRESS_DELAY`] says what it is doing
//!   on stderr, but only when stderr is a terminal.

use crate::error::{Error, Result};
use std::io::{IsTerminal, Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Largest body accepted, after Content-Encoding is undone. The biggest
/// threads on lore are a few MiB of gzip; 64 MiB leaves ample room.
pub const MAX_BODY: u64 = 64 << 20;

/// How many redirects one GET follows (public-inbox needs at most one or
/// two: msgid.link → lore, `/ID/` → `/INBOX/ID/`).
const MAX_REDIRECTS: usize = 5;

/// How long a fetch may run before the progress line appears.
pub const PROGRESS_DELAY: Duration = Duration::from_millis(500);

/// What a GET gave back. Error statuses are responses too: the caller
/// decides what a 404 means.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub status_text: String,
    /// The URL that answered (after redirects).
    pub url: String,
    pub content_type: String,
    /// The `Location` of a redirect that was not followed.
    pub location: Option<String>,
    pub body: Vec<u8>,
}

pub struct Client {
    /// `None`: no time limit (`--timeout 0`).
    timeout: Option<Duration>,
    deadline: Option<Instant>,
    verbose: bool,
    /// One agent per proxy setting (`None` = direct), built on first use so
    /// that requests through the same route share connections.
    agents: Mutex<Vec<(Option<String>, ureq::Agent)>>,
    progress: Option<Progress>,
}

impl Client {
    /// A client for one fetch; its deadline starts now.
    /// `timeout_secs` 0 means no limit, and so does a value too large
    /// for a deadline (`--timeout 18446744073709551615`).
    pub fn new(timeout_secs: u64, verbose: bool) -> Client {
        let timeout = (timeout_secs > 0).then(|| Duration::from_secs(timeout_secs));
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        Client {
            timeout: timeout.filter(|_| deadline.is_some()),
            deadline,
            verbose,
            agents: Mutex::new(Vec::new()),
            progress: std::io::stderr().is_terminal().then(Progress::start),
        }
    }

    /// GET `url`, following redirects.
    pub fn get(&self, url: &str) -> Result<Response> {
        let mut url = url.to_string();
        for _ in 0..=MAX_REDIRECTS {
            let resp = self.get_once(&url)?;
            let next = match (&resp.location, (300..400).contains(&resp.status)) {
                (Some(loc), true) => join_url(&url, loc),
                _ => return Ok(resp),
            };
            if is_https(&url) && !is_https(&next) {
                return Err(Error::network(format!(
                    "{url} redirects to {next}: refusing to leave https"
                )));
            }
            self.note(&format!("{url}: redirected to {next}"));
            url = next;
        }
        Err(Error::network(format!("{url}: more than {MAX_REDIRECTS} redirects")))
    }

    /// GET `url` without following a redirect: the response carries its
    /// `location` instead.
    pub fn get_once(&self, url: &str) -> Result<Response> {
        if let Some(p) = &self.progress {
            p.set_url(url);
        }
        self.note(&format!("GET {url}"));
        let agent = self.agent_for(url)?;
        let mut req = agent.get(url);
        if let Some(deadline) = self.deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(self.timed_out(url));
            }
            req = req.timeout(left);
        }
        let resp = match req.call() {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(ureq::Error::Transport(t)) => return Err(self.transport_error(url, &t)),
        };
        let status = resp.status();
        let status_text = resp.status_text().to_string();
        let content_type = resp.content_type().to_ascii_lowercase();
        let location = resp.header("location").map(str::to_string);
        let mut body = Vec::new();
        let mut reader = resp.into_reader().take(MAX_BODY + 1);
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    body.extend_from_slice(&buf[..n]);
                    if let Some(p) = &self.progress {
                        p.bytes.store(body.len() as u64, Ordering::Relaxed);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    if self.past_deadline() || is_timeout(&e) {
                        return Err(self.timed_out(url));
                    }
                    return Err(Error::network(format!("{url}: reading the response failed: {e}")));
                }
            }
        }
        if body.len() as u64 > MAX_BODY {
            return Err(Error::network(format!(
                "{url}: response larger than {} MiB",
                MAX_BODY >> 20
            )));
        }
        Ok(Response {
            status,
            status_text,
            url: url.to_string(),
            content_type,
            location,
            body,
        })
    }

    /// A `-v` line on stderr, on a line of its own even while the
    /// progress line is shown.
    pub fn note(&self, msg: &str) {
        if self.verbose {
            let mut err = std::io::stderr().lock();
            let clear = if self.progress.is_some() { "\r\x1b[K" } else { "" };
            let _ = writeln!(err, "{clear}ksreply: {msg}");
        }
    }

    fn agent_for(&self, url: &str) -> Result<ureq::Agent> {
        let proxy = proxy_for(url, &|k| std::env::var(k).ok())?;
        let mut agents = self.agents.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, a)) = agents.iter().find(|(p, _)| *p == proxy) {
            return Ok(a.clone());
        }
        let mut b = ureq::AgentBuilder::new()
            .user_agent(concat!("ksreply/", env!("CARGO_PKG_VERSION")))
            // Redirects are ours (see the module comment).
            .redirects(0)
            .try_proxy_from_env(false);
        if let Some(t) = self.timeout {
            b = b.timeout_connect(t);
        }
        if let Some(p) = &proxy {
            self.note(&format!("using proxy {}", redact(p)));
            let parsed = ureq::Proxy::new(p).map_err(|e| Error::usage(format!("proxy {}: {e}", redact(p))))?;
            b = b.proxy(parsed);
        }
        let agent = b.build();
        agents.push((proxy, agent.clone()));
        Ok(agent)
    }

    fn past_deadline(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    fn timed_out(&self, url: &str) -> Error {
        let secs = self.timeout.map(|t| t.as_secs()).unwrap_or(0);
        Error::network(format!("{url}: no answer within {secs} s (timed out; see --timeout)"))
    }

    fn transport_error(&self, url: &str, t: &ureq::Transport) -> Error {
        let mut detail = t.message().map(str::to_string).unwrap_or_else(|| t.kind().to_string());
        let mut source = std::error::Error::source(t);
        let mut timeout = false;
        while let Some(s) = source {
            if let Some(io) = s.downcast_ref::<std::io::Error>() {
                timeout |= is_timeout(io);
            }
            detail = format!("{detail}: {s}");
            source = s.source();
        }
        if timeout || self.past_deadline() {
            return self.timed_out(url);
        }
        Error::network(format!("{url}: {detail}"))
    }
}

pub(crate) fn is_https(url: &str) -> bool {
    url.get(..6).is_some_and(|s| s.eq_ignore_ascii_case("https:"))
}

fn is_timeout(e: &std::io::Error) -> bool {
    // A socket read timeout surfaces as WouldBlock on Unix.
    matches!(e.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock)
}

/// Resolve a `Location` against the URL it came from (RFC 3986, enough of
/// it for redirects: absolute, scheme-relative, absolute-path, relative).
pub fn join_url(base: &str, location: &str) -> String {
    let location = location.trim();
    let lower = location.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return location.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("http", base));
    if let Some(r) = location.strip_prefix("//") {
        return format!("{scheme}://{r}");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if location.starts_with('/') {
        return format!("{scheme}://{authority}{location}");
    }
    let path = &rest[authority.len()..];
    let path = path.split(['?', '#']).next().unwrap_or("");
    let dir = &path[..path.rfind('/').map(|i| i + 1).unwrap_or(0)];
    let dir = if dir.is_empty() { "/" } else { dir };
    format!("{scheme}://{authority}{dir}{location}")
}

/// The proxy for `url` from the environment, the way curl reads it:
/// `https_proxy`/`HTTPS_PROXY` for https, `http_proxy` for http (not
/// `HTTP_PROXY`: CGI sets that from a request header, the "httpoxy" issue),
/// then `all_proxy`/`ALL_PROXY`; none when the host matches
/// `no_proxy`/`NO_PROXY`. Only HTTP proxies are supported (ureq is built
/// without SOCKS).
pub fn proxy_for(url: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Option<String>> {
    let get = |k: &str| env(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let names: &[&str] = if is_https(url) {
        &["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
    } else {
        &["http_proxy", "all_proxy", "ALL_PROXY"]
    };
    let Some((name, proxy)) = names.iter().find_map(|n| get(n).map(|v| (*n, v))) else {
        return Ok(None);
    };
    if let Some(no) = get("no_proxy").or_else(|| get("NO_PROXY")) {
        if no_proxy_matches(&no, &host_of(url)) {
            return Ok(None);
        }
    }
    let lower = proxy.to_ascii_lowercase();
    if lower.contains("://") && !lower.starts_with("http://") {
        return Err(Error::usage(format!(
            "{name}={}: only http:// proxies are supported",
            redact(&proxy)
        )));
    }
    Ok(Some(proxy))
}

/// The host of a URL, lower-cased, without port, userinfo or IPv6 brackets.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit('@').next().unwrap_or("");
    let host = if let Some(v6) = hostport.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        hostport.split(':').next().unwrap_or("")
    };
    host.to_ascii_lowercase()
}

/// curl's `no_proxy`: comma-separated hosts or domain suffixes (a leading
/// `.` is optional: `example.org` covers `lore.example.org`), `*` for all;
/// ports after a host are ignored.
fn no_proxy_matches(list: &str, host: &str) -> bool {
    list.split(',').map(str::trim).filter(|e| !e.is_empty()).any(|entry| {
        if entry == "*" {
            return true;
        }
        let entry = entry.to_ascii_lowercase();
        let entry = match entry.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or("").to_string(),
            None if entry.matches(':').count() == 1 => entry.split(':').next().unwrap_or("").to_string(),
            None => entry,
        };
        let domain = entry.trim_start_matches('.');
        host == domain || host.ends_with(&format!(".{domain}"))
    })
}

/// A proxy URL for messages, without its password.
fn redact(proxy: &str) -> String {
    match proxy.rsplit_once('@') {
        Some((creds, host)) => {
            let (scheme, creds) = match creds.split_once("://") {
                Some((s, c)) => (format!("{s}://"), c),
                None => (String::new(), creds),
            };
            let user = creds.split(':').next().unwrap_or("");
            format!("{scheme}{user}:***@{host}")
        }
        None => proxy.to_string(),
    }
}

/// The "fetching URL (N KiB)" line on a terminal's stderr: appears after
/// [`PROGRESS_DELAY`], is redrawn while bytes arrive, and is erased when
/// the fetch ends, so that what follows (the draft, an error) starts on a
/// clean line.
struct Progress {
    url: Arc<Mutex<String>>,
    bytes: Arc<AtomicU64>,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    fn start() -> Progress {
        let url = Arc::new(Mutex::new(String::new()));
        let bytes = Arc::new(AtomicU64::new(0));
        let (stop, rx) = mpsc::channel::<()>();
        let (u, b) = (url.clone(), bytes.clone());
        let started = Instant::now();
        let thread = std::thread::spawn(move || {
            let mut wait = PROGRESS_DELAY;
            let mut shown = String::new();
            // Any message or a dropped sender ends the display.
            while let Err(RecvTimeoutError::Timeout) = rx.recv_timeout(wait) {
                let n = b.load(Ordering::Relaxed);
                let url = u.lock().map(|s| s.clone()).unwrap_or_default();
                let size = if n == 0 {
                    String::new()
                } else {
                    format!(", {}", crate::text::human_size(n))
                };
                let line = format!("ksreply: fetching {url} ({} s{size})", started.elapsed().as_secs());
                if line != shown {
                    let mut err = std::io::stderr().lock();
                    let _ = write!(err, "\r\x1b[K{line}");
                    let _ = err.flush();
                    shown = line;
                }
                wait = Duration::from_millis(200);
            }
            if !shown.is_empty() {
                let _ = write!(std::io::stderr().lock(), "\r\x1b[K");
            }
        });
        Progress {
            url,
            bytes,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn set_url(&self, url: &str) {
        if let Ok(mut u) = self.url.lock() {
            *u = url.to_string();
        }
        self.bytes.store(0, Ordering::Relaxed);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn proxies_like_curl() {
        let vars = [
            ("https_proxy", "http://p:3128"),
            ("http_proxy", "http://q:8080"),
            ("no_proxy", "localhost, .example.org,10.0.0.1:80"),
        ];
        let e = env(&vars);
        let p = |u: &str| proxy_for(u, &e).unwrap();
        assert_eq!(
            p("https://lore.kernel.org/all/a@b/raw").as_deref(),
            Some("http://p:3128")
        );
        assert_eq!(
            p("http://lore.kernel.org/all/a@b/raw").as_deref(),
            Some("http://q:8080")
        );
        assert_eq!(p("https://lists.example.org/x/"), None);
        assert_eq!(p("https://example.org/x/"), None);
        assert_eq!(p("https://notexample.org/x/").as_deref(), Some("http://p:3128"));
        assert_eq!(p("http://localhost:8080/x/"), None);
        assert_eq!(p("http://10.0.0.1/x/"), None);
        // HTTP_PROXY (upper case) is not read for http (httpoxy).
        let vars = [("HTTP_PROXY", "http://evil:1")];
        assert_eq!(proxy_for("http://h/", &env(&vars)).unwrap(), None);
        let vars = [("HTTPS_PROXY", "http://up:1"), ("NO_PROXY", "*")];
        assert_eq!(proxy_for("https://h/", &env(&vars)).unwrap(), None);
        let vars = [("ALL_PROXY", "http://all:1"), ("https_proxy", "")];
        assert_eq!(
            proxy_for("https://h/", &env(&vars)).unwrap().as_deref(),
            Some("http://all:1")
        );
        let vars = [("https_proxy", "socks5://s:1080")];
        assert!(proxy_for("https://h/", &env(&vars)).is_err());
        assert_eq!(proxy_for("https://h/", &env(&[])).unwrap(), None);
    }

    #[test]
    fn hosts() {
        assert_eq!(host_of("https://user:pw@Lore.Kernel.org:443/all/"), "lore.kernel.org");
        assert_eq!(host_of("http://[::1]:8080/x"), "::1");
        assert!(no_proxy_matches("[::1]", "::1"));
    }

    #[test]
    fn redirect_targets() {
        let b = "https://lore.kernel.org/all/a@b/raw";
        assert_eq!(join_url(b, "https://x.org/y"), "https://x.org/y");
        assert_eq!(join_url(b, "//x.org/y"), "https://x.org/y");
        assert_eq!(
            join_url(b, "/ksummit/a@b/raw"),
            "https://lore.kernel.org/ksummit/a@b/raw"
        );
        assert_eq!(join_url(b, "other"), "https://lore.kernel.org/all/a@b/other");
        assert_eq!(join_url("http://h:1", "x"), "http://h:1/x");
    }

    #[test]
    fn huge_timeouts_mean_no_limit() {
        let c = Client::new(u64::MAX, false);
        assert!(c.deadline.is_none() && c.timeout.is_none());
        let c = Client::new(30, false);
        assert_eq!(c.timeout, Some(Duration::from_secs(30)));
        assert!(c.deadline.is_some());
    }

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(redact("http://me:secret@proxy:3128"), "http://me:***@proxy:3128");
        assert_eq!(redact("me:secret@proxy:3128"), "me:***@proxy:3128");
        assert_eq!(redact("proxy:3128"), "proxy:3128");
    }
}
