//! Fetching messages and threads from a real public-inbox archive.
//!
//! One inbox, `test`, is built once per run of the tests (see
//! `harness/public_inbox.rs`) from a handful of messages chosen for their
//! Message-IDs (`/`, `+`, `=`, `%`, `#`, `?`, spaces, non-ASCII), the seed
//! message delivered twice, and a whole corpus thread imported newest
//! first. The ksreply binary is then run against it with every argument
//! form, and its `--json` output says which message it answered.
//!
//! Failure modes that public-inbox cannot produce (an HTML page served with
//! 200, a server that never answers, a proxy) come from tiny servers on
//! 127.0.0.1 written here; the archive itself is never mocked.
//!
//! Every run of ksreply is in a [`Sandbox`]: a fresh HOME and cache, an
//! empty environment otherwise (no proxies, no git identity), outside the
//! checkout. The tests against the archive are in `server`.

use crate::harness::http::{HttpServer, Reply};
use crate::harness::public_inbox::{escape_msgid_path, header_values, message_id_of, read_messages, PublicInbox};
use crate::harness::{corpus, require, seed, sq, Sandbox, TempDir, KSREPLY, SEED_ID};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const SLASH_ID: &str = "YT3/5kJuhw/QVqrw@kroah.com";
const PLUS_ID: &str = "YT4LgkK+ejUWljEh@unreal";
const EQUALS_ID: &str = "CAPM=9tx+wAUSuYm+8eyGX2Y7+J5qY9hZHB7JY_XO_TYEQYJk8g@mail.gmail.com";
const PERCENT_ID: &str = "5838D7FEC0%devspam@moreofthesa.me.uk";
/// Every character public-inbox must escape in a path, but no space (a
/// space makes the id unusable in In-Reply-To, see SPACE_ID).
const ODD_ID: &str = "odd#id?x=1&y%z/w+v@\u{fc}ber.example";
const SPACE_ID: &str = "with space@example.org";
const THREAD_DIR: &str = "lore-ksummit/threads/06-patch-0-3-b4-add-git-notes-for-submission-link-trailers";

// ---------------------------------------------------------------------------
// The archive

struct Archive {
    inbox: PublicInbox,
    /// Message-IDs of the thread, in corpus (arrival) order.
    thread_ids: Vec<String>,
    /// The id of the thread message with the newest Date.
    thread_newest: String,
}

static ARCHIVE: OnceLock<Archive> = OnceLock::new();

fn archive() -> &'static Archive {
    ARCHIVE.get_or_init(|| {
        let input = TempDir::new("fetch-archive-input");
        let dir = input.path();
        let mut files = vec![seed()];
        // The seed again with another body: public-inbox keeps both copies
        // under the original id, so /raw holds two messages.
        let seed = fs::read(seed()).unwrap();
        let dup = String::from_utf8_lossy(&seed).replacen("\nSubject: ", "\nSubject: [second copy] ", 1);
        files.push(write(dir, "seed-again.eml", dup.as_bytes()));
        for id in [SLASH_ID, PLUS_ID, EQUALS_ID] {
            files.push(write(dir, &format!("{}.eml", files.len()), &from_seed_thread(id)));
        }
        files.push(corpus("lore-linux-hwmon/singles/mail-followup-to--749564c0b078.eml"));
        files.push(write(dir, "odd.eml", &crafted(ODD_ID, "odd id")));
        files.push(write(dir, "space.eml", &crafted(SPACE_ID, "space id")));
        // The thread newest first, so that its newest message is not the
        // last one of t.mbox.gz: --latest must go by Date.
        let mut thread: Vec<PathBuf> = fs::read_dir(corpus(THREAD_DIR))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        thread.sort();
        let thread_ids: Vec<String> = thread
            .iter()
            .map(|p| message_id_of(&fs::read(p).unwrap()).unwrap())
            .collect();
        let thread_newest = newest_by_date(&thread);
        files.extend(thread.iter().rev().cloned());

        let inbox = PublicInbox::start("test", "test@example.org", &files);
        assert!(
            inbox.not_imported().is_empty(),
            "not imported: {:?}",
            inbox.not_imported().iter().map(|n| n.label()).collect::<Vec<_>>()
        );
        drop(input);
        Archive {
            inbox,
            thread_ids,
            thread_newest,
        }
    })
}

fn base() -> String {
    archive().inbox.base_url()
}

/// One message of the seed thread (an mbox in the corpus) by its id.
fn from_seed_thread(id: &str) -> Vec<u8> {
    read_messages(&corpus("lore-ksummit/seed-thread/thread.mbox"))
        .into_iter()
        .find(|m| message_id_of(m).as_deref() == Some(id))
        .unwrap_or_else(|| panic!("<{id}> is not in the seed thread"))
}

fn crafted(id: &str, subject: &str) -> Vec<u8> {
    format!(
        "From: Odd Sender <odd@example.org>\nTo: test@example.org\nSubject: {subject}\n\
         Date: Mon, 13 Sep 2021 10:00:00 +0000\nMessage-ID: <{id}>\n\nA message with an odd id.\n"
    )
    .into_bytes()
}

/// The Message-ID of the file whose Date is newest, by Python's email
/// package: an oracle independent of ksreply's date parsing.
fn newest_by_date(files: &[PathBuf]) -> String {
    let script = "import sys, email, email.utils\n\
        best = None\n\
        for i, f in enumerate(sys.argv[1:]):\n\
        \x20   m = email.message_from_binary_file(open(f, 'rb'))\n\
        \x20   t = email.utils.parsedate_to_datetime(m['Date']).timestamp()\n\
        \x20   if best is None or t >= best[0]: best = (t, f)\n\
        print(best[1])\n";
    require("python3", "python3");
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(files)
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3: {e}"));
    assert!(
        out.status.success(),
        "python3: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let newest = PathBuf::from(String::from_utf8(out.stdout).unwrap().trim());
    message_id_of(&fs::read(newest).unwrap()).unwrap()
}

// ---------------------------------------------------------------------------
// Running ksreply

fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, data).unwrap();
    p
}

/// ksreply in a sandbox of its own (HOME and cache, removed at the end of
/// the test).
struct Client {
    sb: Sandbox,
}

impl Client {
    fn new(tag: &str) -> Client {
        Client {
            sb: Sandbox::new(&format!("fetch-{tag}")),
        }
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    /// `--list --json` of the thread of `id` in the test archive.
    fn thread_list(&self, id: &str) -> Vec<serde_json::Value> {
        serde_json::from_str(&self.run(&["--list", "--json", "--base", &base(), id]).stdout).unwrap()
    }

    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let started = Instant::now();
        let out = self.sb.ksreply().args(args).envs(env.iter().copied()).output().unwrap();
        Run {
            args: args.iter().map(|s| s.to_string()).collect(),
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            elapsed: started.elapsed(),
        }
    }

    /// The cache files of one kind (`raw`, `thread`).
    fn cache_files(&self, kind: &str) -> Vec<PathBuf> {
        match fs::read_dir(self.sb.cache_dir().join(kind)) {
            Ok(rd) => rd.map(|e| e.unwrap().path()).collect(),
            Err(_) => Vec::new(),
        }
    }
}

struct Run {
    args: Vec<String>,
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Run {
    fn ok(&self) -> &Run {
        assert_eq!(self.code, 0, "ksreply {:?} failed:\n{}", self.args, self.stderr);
        self
    }

    fn fails(&self, code: i32, needles: &[&str]) -> &Run {
        assert_eq!(
            self.code, code,
            "ksreply {:?}: exit {} (want {code}):\n{}{}",
            self.args, self.code, self.stdout, self.stderr
        );
        for n in needles {
            assert!(
                self.stderr.contains(n),
                "ksreply {:?}: stderr lacks {n:?}:\n{}",
                self.args,
                self.stderr
            );
        }
        // Errors are one line, starting with "ksreply: ".
        assert_eq!(
            self.stderr.lines().count(),
            1,
            "ksreply {:?}: not one line:\n{}",
            self.args,
            self.stderr
        );
        assert!(self.stderr.starts_with("ksreply: "), "{}", self.stderr);
        self
    }

    fn json(&self) -> serde_json::Value {
        self.ok();
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("ksreply {:?}: bad JSON ({e}):\n{}", self.args, self.stdout))
    }

    /// The reply's In-Reply-To (the id of the message answered).
    fn in_reply_to(&self) -> String {
        self.json()["in_reply_to"].as_str().unwrap_or_default().to_string()
    }

    fn subject(&self) -> String {
        self.json()["subject"].as_str().unwrap_or_default().to_string()
    }
}

// ---------------------------------------------------------------------------
// Errors that a real archive does not make

#[test]
fn an_html_page_is_not_a_message() {
    let sb = Client::new("html");
    let page = "<!DOCTYPE html>\n<html><head><title>Oops</title></head><body>Hello</body></html>\n";
    let server = HttpServer::always(Reply::new(200, "text/html; charset=utf-8", page));
    sb.run(&["--print", "--base", &server.url("list/"), SEED_ID])
        .fails(3, &["not a message", "HTML", &server.url("list/")]);
    // An HTML page labelled text/plain is still a page.
    let server = HttpServer::always(Reply::new(200, "text/plain", page));
    sb.run(&["--print", "--base", &server.url("list/"), SEED_ID])
        .fails(3, &["not a message"]);
    // lore's bot protection.
    let anubis = "<!doctype html><html lang=\"en\"><head><title>Making sure you&#39;re not a bot!</title>\
                  <script id=\"anubis_version\" type=\"application/json\">\"v1.21.3\"</script></head></html>";
    let server = HttpServer::always(Reply::new(200, "text/html", anubis));
    sb.run(&["--print", "--base", &server.url("all/"), SEED_ID])
        .fails(3, &["Anubis", "not a message"]);
    let server = HttpServer::always(Reply::new(200, "text/plain", ""));
    sb.run(&["--print", "--base", &server.url("all/"), SEED_ID])
        .fails(3, &["empty"]);
    let server = HttpServer::always(Reply::new(200, "text/plain", "Just some text.\n"));
    sb.run(&["--print", "--base", &server.url("all/"), SEED_ID])
        .fails(3, &["not a message"]);
    let server = HttpServer::always(Reply::new(503, "text/plain", "busy\n"));
    sb.run(&["--print", "--base", &server.url("all/"), SEED_ID])
        .fails(3, &["HTTP 503"]);
    // Nothing of this was cached.
    assert!(sb.cache_files("raw").is_empty());
}

#[test]
fn a_server_that_never_answers_times_out() {
    let sb = Client::new("timeout");
    let server = HttpServer::always(Reply::Hang);
    let run = sb.run(&["--print", "--timeout", "2", "--base", &server.url("all/"), SEED_ID]);
    run.fails(3, &["timed out", &server.url("all/")]);
    assert!(run.elapsed < Duration::from_secs(10), "took {:?}", run.elapsed);
    assert!(
        run.elapsed >= Duration::from_secs(1),
        "gave up too early: {:?}",
        run.elapsed
    );
    assert!(!server.requests().is_empty(), "the request never arrived");
    // stderr is not a terminal: no progress line (fails() checked it is
    // the error line only).
}

#[test]
fn requests_say_who_we_are_and_go_through_proxies() {
    let sb = Client::new("proxy");
    // The message asked for: a fetched message must carry the id asked for.
    let raw = from_seed_thread(SLASH_ID);
    let mut body = b"From mboxrd@z Thu Jan  1 00:00:00 1970\n".to_vec();
    body.extend_from_slice(&raw);
    body.push(b'\n');
    let proxy = HttpServer::always(Reply::new(200, "text/plain", body.clone()));
    let proxy_url = proxy.url("");
    // archive.invalid cannot resolve: only the proxy can answer.
    let run = sb.run_env(
        &["--json", "--print", "--base", "http://archive.invalid/list/", SLASH_ID],
        &[("http_proxy", &proxy_url)],
    );
    assert_eq!(run.in_reply_to(), SLASH_ID);
    let reqs = proxy.requests();
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    let head = &reqs[0];
    assert!(
        head.starts_with("GET http://archive.invalid/list/YT3%2F5kJuhw%2FQVqrw@kroah.com/raw HTTP/1.1\r\n"),
        "{head}"
    );
    let ua = format!("\r\nuser-agent: ksreply/{}\r\n", env!("CARGO_PKG_VERSION"));
    assert!(head.to_ascii_lowercase().contains(&ua), "{head}");
    // no_proxy sends it direct, and then the host does not resolve.
    sb.run_env(
        &[
            "--print",
            "--refresh",
            "--base",
            "http://archive.invalid/list/",
            SLASH_ID,
        ],
        &[("http_proxy", &proxy_url), ("no_proxy", "localhost,.invalid")],
    )
    .fails(3, &["archive.invalid"]);
    assert_eq!(proxy.requests().len(), 1);
}

/// The tests against the real archive (public-inbox-httpd).
mod server {
    use super::*;

    // ---------------------------------------------------------------------------
    // Argument forms

    /// Every way of naming a message, each answered with the right message.
    #[test]
    fn every_argument_form_fetches_the_message() {
        let base = base();
        let root = archive().inbox.root_url();
        let sb = Client::new("forms");
        let forms: Vec<(String, &str)> = vec![
            (SEED_ID.to_string(), SEED_ID),
            (format!("<{SEED_ID}>"), SEED_ID),
            (format!("id:{SEED_ID}"), SEED_ID),
            (format!("mid:{SEED_ID}"), SEED_ID),
            (format!("{base}{SEED_ID}/"), SEED_ID),
            (format!("{base}{SEED_ID}"), SEED_ID),
            (format!("{base}{SEED_ID}/raw"), SEED_ID),
            (format!("{base}{SEED_ID}/T/#u"), SEED_ID),
            (format!("{base}{SEED_ID}/t/"), SEED_ID),
            (format!("{base}{SEED_ID}/t.mbox.gz"), SEED_ID),
            (format!("{base}YT26ebT6xXWsnVMw%40unreal/"), SEED_ID),
            ("YT26ebT6xXWsnVMw%40unreal".to_string(), SEED_ID),
            (format!("{base}%3C{SEED_ID}%3E/"), SEED_ID),
            // msgid.link and patch.msgid.link carry the id; the base archive
            // is asked (no network needed here: the base is local).
            (format!("https://msgid.link/{SEED_ID}"), SEED_ID),
            (
                format!("https://patch.msgid.link/{}", escape_msgid_path(PLUS_ID)),
                PLUS_ID,
            ),
            // A host without an inbox in the URL: public-inbox redirects the
            // /ID/ page to the inbox that has the message.
            (format!("{root}{SEED_ID}/"), SEED_ID),
            (format!("{root}{}/", escape_msgid_path(SLASH_ID)), SLASH_ID),
            // Ids that need escaping, bare and as URLs.
            (SLASH_ID.to_string(), SLASH_ID),
            (format!("{base}{}/", escape_msgid_path(SLASH_ID)), SLASH_ID),
            (format!("{base}YT3%2F5kJuhw%2FQVqrw%40kroah.com/raw"), SLASH_ID),
            ("YT3%2F5kJuhw%2FQVqrw%40kroah.com".to_string(), SLASH_ID),
            (PLUS_ID.to_string(), PLUS_ID),
            (format!("{base}YT4LgkK%2BejUWljEh@unreal/"), PLUS_ID),
            (EQUALS_ID.to_string(), EQUALS_ID),
            (format!("<{EQUALS_ID}>"), EQUALS_ID),
            (PERCENT_ID.to_string(), PERCENT_ID),
            (format!("{base}{}/", escape_msgid_path(PERCENT_ID)), PERCENT_ID),
            (ODD_ID.to_string(), ODD_ID),
            (format!("{base}{}/", escape_msgid_path(ODD_ID)), ODD_ID),
        ];
        let mut failures = Vec::new();
        for (arg, want) in &forms {
            // --refresh: every form goes to the server, none is a cache hit.
            let run = sb.run(&["--json", "--print", "--refresh", "--base", &base, arg]);
            if run.code != 0 {
                failures.push(format!("{arg}: exit {}: {}", run.code, run.stderr.trim()));
            } else if run.in_reply_to() != *want {
                failures.push(format!("{arg}: answered <{}>, want <{want}>", run.in_reply_to()));
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} forms failed:\n{}",
            failures.len(),
            forms.len(),
            failures.join("\n")
        );
    }

    /// An id with a space cannot go into In-Reply-To, but it can be fetched.
    #[test]
    fn an_id_with_a_space_is_fetched() {
        let sb = Client::new("space");
        let run = sb.run(&["--json", "--print", "--base", &base(), SPACE_ID]);
        assert_eq!(run.subject(), "Re: space id");
        let url = format!("{}{}/raw", base(), escape_msgid_path(SPACE_ID));
        let run = sb.run(&["--json", "--print", "--refresh", &url]);
        assert_eq!(run.subject(), "Re: space id");
    }

    /// /raw holds both copies of a message delivered twice; the first is
    /// answered, and -v says there were several.
    #[test]
    fn the_first_of_several_copies_is_taken() {
        let (status, raw) = archive().inbox.get(&format!("{SEED_ID}/raw"));
        assert_eq!(status, 200);
        assert_eq!(read_messages_from(&raw), 2, "the archive should hold two copies");
        let sb = Client::new("copies");
        let run = sb.run(&["--json", "--print", "-v", "--base", &base(), SEED_ID]);
        assert_eq!(
            run.subject(),
            "Re: [MAINTAINER SUMMIT] User-space requirements for accelerator drivers"
        );
        assert!(run.stderr.contains("2 copies"), "{}", run.stderr);
        // --latest without --thread still answers the first copy.
        let run = sb.run(&["--json", "--print", "--latest", "--base", &base(), SEED_ID]);
        assert!(!run.subject().contains("[second copy]"), "{}", run.subject());
    }

    fn read_messages_from(mbox: &[u8]) -> usize {
        mbox.split(|&b| b == b'\n')
            .filter(|l| l.starts_with(b"From mboxrd@z "))
            .count()
    }

    // ---------------------------------------------------------------------------
    // Threads

    /// Freshness (issue 16): a reply imported into the archive while the
    /// user edits is announced before sending (pointed out as a reply to the
    /// very message answered); with nothing new, nothing is said.
    #[test]
    fn new_messages_in_the_thread_are_announced_before_sending() {
        use crate::harness::smtp::{Security, SinkOptions, SmtpSink};
        let thread: Vec<PathBuf> = crate::harness::files_under(&corpus(THREAD_DIR), &[".eml"]);
        let inbox = PublicInbox::start("fresh", "fresh@example.org", &thread);
        let answered = message_id_of(&fs::read(&thread[0]).unwrap()).unwrap();
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let sb = Client::new("fresh");
        sb.sb.gitconfig(&format!(
            "[user]\n\tname = Me\n\temail = me@example.org\n{}",
            sink.sendemail_config()
        ));
        let newcomer = sb.sb.path().join("newcomer.sh");
        crate::harness::script(
            &newcomer,
            &format!(
                "printf 'From: Greg KH <greg@example.org>\\nTo: fresh@example.org\\nSubject: Re: news\\nMessage-ID: <fresh-1@example.org>\\nIn-Reply-To: <%s>\\nReferences: <%s>\\nDate: %s\\n\\nI answered first.\\n' {answered} {answered} \"$(date -R)\" | {}",
                inbox.import_command_line()
            ),
        );
        let editor = sb.sb.path().join("editor.sh");
        crate::harness::script(
            &editor,
            &format!("{}\nprintf '\\nMy answer.\\n' >> \"$1\"", newcomer.display()),
        );
        let o = sb
            .sb
            .ksreply()
            .env("GIT_EDITOR", &editor)
            .args(["--yes", "--base", &inbox.base_url(), &answered])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{err}");
        assert!(
            err.contains("1 new message(s) in this thread since you started: Greg KH"),
            "{err}"
        );
        assert!(err.contains("a reply to the message you are answering"), "{err}");
        assert_eq!(sink.messages().len(), 1, "--yes: announced, nothing blocks");
        // Nothing new: nothing said. (Without the thread fetched at the
        // start, "new" goes by Date, to the second: start a second later.)
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let quiet = sb.sb.path().join("quiet.sh");
        crate::harness::script(&quiet, "printf '\\nMore.\\n' >> \"$1\"");
        let o = sb
            .sb
            .ksreply()
            .env("GIT_EDITOR", &quiet)
            .args(["--yes", "--new", "--base", &inbox.base_url(), &answered])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{err}");
        assert!(!err.contains("new message"), "{err}");
    }

    /// `--list` of a thread id (issue 16): one entry per message, in the
    /// order of the archive's own thread view (`/T/`, whose `#m…` anchors
    /// are the SHA-1 of each id), with the parents of the In-Reply-To
    /// headers; and a thread URL's `#m…` anchor answers that message.
    #[test]
    fn list_agrees_with_the_archive_thread_view_and_anchors_pick() {
        use sha1::{Digest, Sha1};
        let a = archive();
        let root = &a.thread_ids[0];
        let sb = Client::new("list");
        let list = sb.thread_list(root);
        assert_eq!(list.len(), a.thread_ids.len(), "{list:?}");
        let sha = |id: &str| {
            Sha1::digest(id.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        let (_, page) = a.inbox.get(&format!("{}{}/T/", base(), escape_msgid_path(root)));
        let page = String::from_utf8_lossy(&page);
        let mut view: Vec<String> = Vec::new();
        // Each message of the view carries `id=m<SHA-1 of its id>`.
        for part in page.split("id=m").skip(1) {
            let hex: String = part.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
            if hex.len() == 40 && !view.contains(&hex) {
                view.push(hex);
            }
        }
        let ours: Vec<String> = list.iter().map(|e| sha(e["id"].as_str().unwrap())).collect();
        assert_eq!(ours, view, "thread order as the archive shows it");
        for e in &list {
            let id = e["id"].as_str().unwrap();
            let raw = a.inbox.raw(id).unwrap();
            let irt = header_values(&raw, "In-Reply-To")
                .first()
                .map(|v| String::from_utf8_lossy(v).trim().trim_matches(['<', '>']).to_string());
            match e["in_reply_to"].as_str() {
                Some(p) => assert_eq!(irt.as_deref(), Some(p), "{id}"),
                None => assert_eq!(e["depth"], 0, "{id}"),
            }
            assert_eq!(e["replied"], false);
        }
        // The anchor of the third message in a thread URL answers it.
        let third = &a.thread_ids[2];
        let url = format!("{}{}/T/#m{}", base(), escape_msgid_path(root), sha(third));
        assert_eq!(sb.run(&["--json", "--print", &url]).in_reply_to(), *third);
        // The text listing: depth-indented, one message a line.
        let run = sb.run(&["--list", "--base", &base(), root]);
        assert_eq!(run.stdout.lines().count(), a.thread_ids.len());
        assert!(run.stdout.lines().nth(1).unwrap().starts_with("  "), "{}", run.stdout);
    }

    /// The picker (issue 16): `--thread ID` on a terminal lists the thread;
    /// typing words of a message (here its subject) and Enter answers it.
    #[test]
    fn the_thread_picker_answers_the_message_typed_for() {
        let a = archive();
        let root = &a.thread_ids[0];
        let sb = Client::new("picker");
        // A message further down, typed for by words of its subject.
        let list = sb.thread_list(root);
        let pick = list
            .iter()
            .find(|e| e["subject"].as_str().is_some_and(|s| s.contains("PATCH 2/3")))
            .expect("patch 2/3 in the thread");
        let typed = "PATCH 2/3".to_string();
        let want = pick["id"].as_str().unwrap().to_string();
        let out = sb.sb.path().join("picked.json");
        let t = sb.sb.tmux(
            "picker",
            &format!(
                "{} --thread --json --print --base {} {} > {}",
                KSREPLY,
                sq(&base()),
                sq(root),
                out.display()
            ),
        );
        t.wait_text("Reply to which message?");
        t.type_text(&typed);
        t.wait_text(&typed);
        t.keys(&["Enter"]);
        let pane = t.wait_text("[exited with status");
        assert!(pane.contains("[exited with status 0]"), "{}", t.report());
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(v["in_reply_to"].as_str(), Some(want.as_str()), "{}", t.report());
    }

    #[test]
    fn thread_latest_answers_the_newest_message() {
        let a = archive();
        let root = &a.thread_ids[0];
        let sb = Client::new("thread");
        let run = sb.run(&["--json", "--print", "--thread", "--latest", "--base", &base(), root]);
        assert_eq!(run.in_reply_to(), a.thread_newest);
        // Imported newest first: the newest is not the last message of the mbox.
        assert_ne!(a.thread_newest, *a.thread_ids.first().unwrap());
        // The whole thread came: any of its messages can be chosen (from the
        // cached thread, so this is quick), and the URL form works too.
        for id in &a.thread_ids {
            let run = sb.run(&["--json", "--print", "--thread", "--msgid", id, "--base", &base(), root]);
            assert_eq!(run.in_reply_to(), *id);
        }
        let url = format!("{}{}/T/#u", base(), escape_msgid_path(root));
        let run = sb.run(&["--json", "--print", "--thread", "--latest", "-v", &url]);
        assert_eq!(run.in_reply_to(), a.thread_newest);
        // Without --msgid/--latest, the message named is answered.
        // Without a terminal the message to answer is named (issue 16).
        let run = sb.run(&[
            "--json",
            "--print",
            "--thread",
            "--msgid",
            &a.thread_ids[2],
            "--base",
            &base(),
            &a.thread_ids[2],
        ]);
        assert_eq!(run.in_reply_to(), a.thread_ids[2]);
        assert_eq!(sb.cache_files("thread").len(), 2, "one entry per (archive, id)");
    }

    /// Threads gain replies: a cached thread older than ten minutes is
    /// fetched again, except with --offline, which takes what there is.
    #[test]
    fn a_stale_thread_is_refetched_but_offline_uses_it() {
        let a = archive();
        let sb = Client::new("stale");
        let args = [
            "--json",
            "--print",
            "-v",
            "--thread",
            "--latest",
            "--base",
            &base(),
            &a.thread_ids[1],
        ];
        assert_eq!(sb.run(&args).in_reply_to(), a.thread_newest);
        let run = sb.run(&args);
        assert!(
            run.stderr.contains("using the cached copy of the thread") && !run.stderr.contains("GET "),
            "{}",
            run.stderr
        );
        let entry = &sb.cache_files("thread")[0];
        let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
        let age = |p: &Path| {
            fs::File::options()
                .write(true)
                .open(p)
                .unwrap()
                .set_modified(hour_ago)
                .unwrap()
        };
        age(entry);
        let offline: Vec<&str> = args.iter().copied().chain(["--offline"]).collect();
        let run = sb.run(&offline);
        assert_eq!(run.in_reply_to(), a.thread_newest);
        assert!(!run.stderr.contains("GET "), "{}", run.stderr);
        let run = sb.run(&args);
        assert_eq!(run.in_reply_to(), a.thread_newest);
        assert!(
            run.stderr.contains("older than") && run.stderr.contains("GET "),
            "{}",
            run.stderr
        );
    }

    // ---------------------------------------------------------------------------
    // Errors

    #[test]
    fn unknown_id_is_a_clear_404() {
        let sb = Client::new("404");
        let url = format!("{}nobody-sent-this@example.org/raw", base());
        sb.run(&["--print", "--base", &base(), "nobody-sent-this@example.org"])
            .fails(2, &["no message <nobody-sent-this@example.org>", &url, "404"]);
        sb.run(&[
            "--print",
            "--thread",
            "--latest",
            "--base",
            &base(),
            "nobody-sent-this@example.org",
        ])
        .fails(2, &["no message <nobody-sent-this@example.org>", "t.mbox.gz"]);
        // From a host's root: the inbox, /all/ and the redirect all fail.
        let root = archive().inbox.root_url();
        sb.run(&["--print", &format!("{root}nobody-sent-this@example.org/")])
            .fails(2, &["no message"]);
        assert!(sb.cache_files("raw").is_empty());
    }

    // ---------------------------------------------------------------------------
    // The cache

    /// A second, short-lived archive named `all`, like lore's: fetched from,
    /// then stopped, to show that the cache answers without the network.
    #[test]
    fn the_cache_answers_offline_and_after_the_server_is_gone() {
        let sb = Client::new("offline");
        let dir = TempDir::new("fetch-all-input");
        let plus = write(dir.path(), "plus.eml", &from_seed_thread(PLUS_ID));
        let all = PublicInbox::start("all", "all@example.org", &[seed(), plus]);
        let root = all.root_url();
        let all_base = all.base_url();
        assert!(all_base.ends_with("/all/"));

        // Nothing cached yet.
        sb.run(&["--print", "--offline", "--base", &all_base, SEED_ID])
            .fails(3, &["--offline", "not in the cache", SEED_ID]);
        // An /all/ URL, and a bare root base that finds the message under /all/.
        assert_eq!(
            sb.run(&["--json", "--print", &format!("{all_base}{SEED_ID}/")])
                .in_reply_to(),
            SEED_ID
        );
        let run = sb.run(&["--json", "--print", "-v", "--base", &root, PLUS_ID]);
        assert_eq!(run.in_reply_to(), PLUS_ID);
        assert!(run.stderr.contains(&format!("{root}all/")), "{}", run.stderr);
        let run = sb.run(&[
            "--json", "--print", "--thread", "--msgid", PLUS_ID, "--base", &all_base, PLUS_ID,
        ]);
        assert_eq!(run.in_reply_to(), PLUS_ID);
        assert_eq!(sb.cache_files("raw").len(), 2);
        drop(all);
        drop(dir);

        // The server is gone: cached entries still answer, by any form of the
        // id that names the same archive. Entries are keyed by archive and id:
        // another archive, or the same one over https, is another entry.
        let before: Vec<_> = sb.cache_files("raw");
        let other = "http://127.0.0.1:9/other/";
        for arg in [
            SEED_ID.to_string(),
            format!("<{SEED_ID}>"),
            format!("{all_base}{SEED_ID}/raw"),
            format!("https://msgid.link/{SEED_ID}"),
        ] {
            let run = sb.run(&["--json", "--print", "--offline", "--base", &all_base, &arg]);
            assert_eq!(run.in_reply_to(), SEED_ID, "{arg}");
            if arg.starts_with(&all_base) {
                // The URL's own archive wins over --base.
                let run = sb.run(&["--json", "--print", "-v", "--base", other, &arg]);
                assert_eq!(run.in_reply_to(), SEED_ID, "{arg}");
                assert!(
                    run.stderr.contains("using the cached copy") && !run.stderr.contains("GET "),
                    "{}",
                    run.stderr
                );
            } else {
                sb.run(&["--print", "--offline", "--base", other, &arg])
                    .fails(3, &["not in the cache"]);
            }
        }
        let https = all_base.replacen("http://", "https://", 1);
        sb.run(&["--print", "--offline", "--base", &https, SEED_ID])
            .fails(3, &["not in the cache"]);
        // Found from the host's root under /all/: cached for the root.
        assert_eq!(
            sb.run(&["--json", "--print", "--offline", "--base", &root, PLUS_ID])
                .in_reply_to(),
            PLUS_ID
        );
        sb.run(&["--print", "--offline", "--base", &all_base, PLUS_ID])
            .fails(3, &["not in the cache"]);
        assert_eq!(
            sb.run(&[
                "--json",
                "--print",
                "--offline",
                "--thread",
                "--msgid",
                PLUS_ID,
                "--base",
                &all_base,
                PLUS_ID
            ])
            .in_reply_to(),
            PLUS_ID
        );
        assert_eq!(sb.cache_files("raw"), before);
        // --refresh bypasses the cache, so it needs the server.
        sb.run(&["--print", "--refresh", "--base", &all_base, SEED_ID])
            .fails(3, &[&all_base]);
        // Another thread archive is another entry.
        sb.run(&[
            "--print",
            "--offline",
            "--thread",
            "--msgid",
            PLUS_ID,
            "--base",
            &root,
            PLUS_ID,
        ])
        .fails(3, &["not in the cache"]);
    }

    #[test]
    fn a_damaged_cache_entry_is_refetched() {
        let sb = Client::new("corrupt");
        let args = ["--json", "--print", "-v", "--base", &base(), PLUS_ID];
        let first = sb.run(&args);
        assert_eq!(first.in_reply_to(), PLUS_ID);
        let entries = sb.cache_files("raw");
        assert_eq!(entries.len(), 1);
        let entry = &entries[0];
        assert!(
            !entry.to_string_lossy().contains("YT4L"),
            "the id must not be a file name: {}",
            entry.display()
        );
        let good = fs::read(entry).unwrap();

        let damage: [(&str, Vec<u8>); 4] = [
            ("truncated", good[..good.len() / 2].to_vec()),
            ("empty", Vec::new()),
            ("flipped", {
                let mut d = good.clone();
                let n = d.len() - 10;
                d[n] ^= 0x20;
                d
            }),
            ("html", b"<!DOCTYPE html><html></html>".to_vec()),
        ];
        for (what, bytes) in damage {
            fs::write(entry, &bytes).unwrap();
            let run = sb.run(&args);
            assert_eq!(run.in_reply_to(), PLUS_ID, "{what}");
            assert!(
                run.stderr.contains("damaged cache entry") && run.stderr.contains("GET "),
                "{what}: {}",
                run.stderr
            );
            assert_eq!(fs::read(entry).unwrap(), good, "{what}: the entry was not rewritten");
        }
        // A damaged thread entry (bad gzip) too.
        let targs = [
            "--json",
            "--print",
            "-v",
            "--thread",
            "--msgid",
            PLUS_ID,
            "--base",
            &base(),
            PLUS_ID,
        ];
        sb.run(&targs).ok();
        let thread_entry = &sb.cache_files("thread")[0];
        let good = fs::read(thread_entry).unwrap();
        let mut bad = good.clone();
        let n = bad.len() - 4;
        bad[n..].copy_from_slice(b"oops");
        fs::write(thread_entry, &bad).unwrap();
        let run = sb.run(&targs);
        assert_eq!(run.in_reply_to(), PLUS_ID);
        assert!(run.stderr.contains("damaged cache entry"), "{}", run.stderr);
        assert_eq!(fs::read(thread_entry).unwrap(), good);
        // Entries whose checksum is right but whose content is not a message
        // (an HTML page, a thread that is not gzip) are refetched as well.
        for (file, payload) in [
            (entry, &b"<!DOCTYPE html><html></html>"[..]),
            (thread_entry, &b"\x1f\x8b\x08\x00 not gzip"[..]),
        ] {
            let good = fs::read(file).unwrap();
            fs::write(file, cache_entry(payload)).unwrap();
            let run = if file == entry { sb.run(&args) } else { sb.run(&targs) };
            assert_eq!(run.in_reply_to(), PLUS_ID);
            assert!(run.stderr.contains("damaged cache entry"), "{}", run.stderr);
            assert_eq!(fs::read(file).unwrap(), good);
        }
        // No temporary files were left next to the entries.
        for kind in ["raw", "thread"] {
            for f in sb.cache_files(kind) {
                let name = f.file_name().unwrap().to_string_lossy().into_owned();
                assert!(
                    name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit()),
                    "{kind}/{name}"
                );
            }
        }
    }

    /// A cache file with a correct header line (`ksreply-cache 1 SHA256 LEN`)
    /// around `payload`.
    fn cache_entry(payload: &[u8]) -> Vec<u8> {
        use sha2::{Digest, Sha256};
        let sum: String = Sha256::digest(payload).iter().map(|b| format!("{b:02x}")).collect();
        let mut out = format!("ksreply-cache 1 {sum} {}\n", payload.len()).into_bytes();
        out.extend_from_slice(payload);
        out
    }

    /// The harness's own reading of a message agrees with what we import.
    #[test]
    fn the_archive_has_the_odd_ids() {
        let a = archive();
        for id in [SLASH_ID, PLUS_ID, EQUALS_ID, PERCENT_ID, ODD_ID, SPACE_ID] {
            let raw = a
                .inbox
                .raw(id)
                .unwrap_or_else(|| panic!("<{id}> is not in the archive"));
            assert!(
                header_values(&raw, "Message-ID")
                    .iter()
                    .any(|v| String::from_utf8_lossy(v).contains(id)),
                "{id}"
            );
        }
    }
}
