//! No panic on hostile arguments or archive answers (issue 14, point 7): a
//! non-ASCII Message-ID on the command line or in an archive's redirect,
//! and timeouts too large for a deadline. Each must work or be one clean
//! `ksreply: ` error with a documented exit status.

use crate::harness::http::{HttpServer, Reply};
use crate::harness::smtp::{Security, SinkOptions, SmtpSink};
use crate::harness::{data, Sandbox};
use std::process::Output;

const SEED_ID: &str = "YT26ebT6xXWsnVMw@unreal";

fn seed() -> Vec<u8> {
    std::fs::read(data(&format!("seed/{SEED_ID}.eml"))).unwrap()
}

/// The sandbox, with an identity and `gitconfig` added.
fn home<'a>(sb: &'a Sandbox, gitconfig: &str) -> &'a Sandbox {
    sb.gitconfig(&format!(
        "[user]\n\tname = Test Sender\n\temail = sender@example.org\n{gitconfig}"
    ));
    sb
}

fn run(sb: &Sandbox, args: &[&str]) -> Output {
    sb.ksreply().args(args).output().unwrap()
}

/// One `ksreply: ` error line (the last line of stderr) with `code`.
fn assert_clean_error(o: &Output, code: i32, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(code), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let last = err.trim_end().lines().last().unwrap_or("");
    assert!(last.starts_with("ksreply: ") && last.contains(needle), "{err}");
}

#[test]
fn non_ascii_message_id_argument() {
    let t = Sandbox::new("nonascii-id");
    let h = home(&t, "");
    for arg in ["a€@x", "<a€@x>", "id:a€@x", "€", "i€@x", "mi€@x"] {
        let o = run(&h, &["--print", "--offline", arg]);
        let code = if arg == "€" { 2 } else { 3 };
        assert_clean_error(&o, code, if code == 3 { "not in the cache" } else { "no such file" });
    }
    // Fetched: the id is escaped into the URL as public-inbox does.
    let server = HttpServer::start(|_| Reply::not_found());
    let o = run(&h, &["--print", "--base", &server.url(""), "a€@x"]);
    assert_clean_error(&o, 2, "no message <a€@x>");
    assert!(
        server.paths().iter().any(|p| p == "/a%E2%82%AC@x/raw"),
        "{:?}",
        server.paths()
    );
}

/// public-inbox redirects `/ID/` on a host's root to the inbox holding the
/// message; a hostile archive redirects to a page whose id is non-ASCII.
#[test]
fn archive_redirect_to_a_non_ascii_id() {
    let t = Sandbox::new("nonascii-redirect");
    let h = home(&t, "");
    let server = HttpServer::start(|path| match path {
        "/b@x/" => Reply::redirect("/inbox/a%E2%82%AC@x/"),
        _ => Reply::not_found(),
    });
    let o = run(&h, &["--print", "--base", &server.url(""), "b@x"]);
    assert_clean_error(&o, 2, "no message <b@x>");
    assert!(
        server.paths().iter().any(|p| p == "/inbox/b@x/raw"),
        "{:?}",
        server.paths()
    );
}

#[test]
fn huge_and_zero_timeouts() {
    let t = Sandbox::new("timeouts");
    let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
    let h = home(&t, &sink.sendemail_config());
    let server = HttpServer::start(|path| match path {
        "/inbox/YT26ebT6xXWsnVMw@unreal/raw" => Reply::ok(seed()),
        _ => Reply::not_found(),
    });
    let base = format!("{}inbox/", server.url(""));
    for timeout in ["18446744073709551615", "0"] {
        // Fetching: works (no limit).
        let o = run(
            &h,
            &["--print", "--refresh", "--timeout", timeout, "--base", &base, SEED_ID],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stdout).contains(&format!("In-Reply-To: <{SEED_ID}>")));
        // Sending: works too.
        let seed_file = t.path().join("seed.eml");
        std::fs::write(&seed_file, seed()).unwrap();
        let o = h
            .ksreply()
            .env("GIT_EDITOR", "sed -i '$a ok'")
            .args(["--yes", "--no-keep", "--timeout", timeout])
            .arg(&seed_file)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "--timeout {timeout}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    assert_eq!(sink.messages().len(), 2);
}
