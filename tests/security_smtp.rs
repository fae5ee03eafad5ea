//! SMTP against a hostile network (issue 14, points 2 and 8): a man in the
//! middle who injects replies into the STARTTLS upgrade, and a password that
//! would travel unencrypted. Each case runs the binary end to end with a
//! private HOME, git's `store` credential helper and a scripted editor; the
//! draft must survive every failure.

use crate::harness::smtp::{start_ready_server, TestCerts, PYTHON};
use crate::harness::{data, Sandbox};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output};

const PASSWORD: &str = "s3cret-pw";

fn seed() -> PathBuf {
    data("seed/YT26ebT6xXWsnVMw@unreal.eml")
}

/// `tests/support/hostile_smtp.py` on 127.0.0.1; killed on drop.
struct Hostile {
    port: u16,
    log: PathBuf,
    child: Child,
    _stdin: ChildStdin,
}

impl Hostile {
    fn start(dir: &Path, certs: &TestCerts) -> Hostile {
        let log = dir.join("hostile.log");
        let mut cmd = Command::new(PYTHON);
        cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/hostile_smtp.py"))
            .arg("--cert")
            .arg(&certs.cert)
            .arg("--key")
            .arg(&certs.key)
            .arg("--log")
            .arg(&log);
        let (child, stdin, port) = start_ready_server(cmd, &dir.join("hostile.stderr"), "the hostile SMTP server");
        Hostile {
            port,
            log,
            child,
            _stdin: stdin,
        }
    }

    fn events(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Run ksreply on the seed message in `sb` (whose .gitconfig the caller
/// wrote), an editor that appends a line, and `--yes`.
fn ksreply(sb: &Sandbox, args: &[&str]) -> Output {
    sb.ksreply()
        .env("GIT_EDITOR", "sed -i '$a ok'")
        .arg("--yes")
        .args(args)
        .arg(seed())
        .output()
        .unwrap()
}

/// Exit 4, one `ksreply: ` line naming `needle` and the kept draft, which
/// is still on disk; no panic.
fn assert_send_failed_draft_kept(sb: &Sandbox, o: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(4), "{err}");
    let last = err.trim_end().lines().last().unwrap_or("");
    assert!(last.starts_with("ksreply: ") && last.contains(needle), "{err}");
    assert!(last.contains("draft kept: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let drafts = sb.drafts().len();
    assert_eq!(drafts, 1, "the draft stays on disk");
    assert!(!err.contains(PASSWORD), "{err}");
}

/// The man in the middle answers STARTTLS with `220` and, in the same
/// write, a forged EHLO reply and a forged `535`. lettre 0.11.23 read those
/// as answers from inside TLS and ksreply then ran `git credential reject`,
/// erasing the stored password. Now the upgrade fails (RFC 3207 section 6):
/// nothing is authenticated, nothing is rejected.
#[test]
fn starttls_injection_fails_the_connection_and_keeps_the_credential() {
    let sb = Sandbox::new("starttls-inject");
    let certs = TestCerts::generate(sb.path());
    let server = Hostile::start(sb.path(), &certs);
    let home = sb.home();
    std::fs::write(
        home.join(".gitconfig"),
        format!(
            "[user]\n\tname = Test Sender\n\temail = sender@example.org\n\
             [sendemail]\n\tsmtpServer = 127.0.0.1\n\tsmtpServerPort = {}\n\tsmtpEncryption = tls\n\
             \tsmtpUser = alice\n\tsmtpSSLCertPath = {}\n[credential]\n\thelper = store\n",
            server.port,
            certs.ca.display()
        ),
    )
    .unwrap();
    let store = home.join(".git-credentials");
    let stored = format!("smtp://alice:{PASSWORD}@127.0.0.1%3a{}\n", server.port);
    std::fs::write(&store, &stored).unwrap();

    let o = ksreply(&sb, &[]);
    assert_send_failed_draft_kept(&sb, &o, "STARTTLS");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("after its 220 reply to STARTTLS"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&store).unwrap(),
        stored,
        "the stored password is untouched"
    );

    let events = server.events();
    assert!(events.iter().any(|e| e == "starttls"), "{events:?}");
    assert!(!events.iter().any(|e| e == "auth"), "no AUTH was sent: {events:?}");
}

/// `smtpUser` without `smtpEncryption` to a server off this machine: the
/// password is not sent (git send-email would send it in the clear), unless
/// `ksreply.allowPlaintextAuth` says the network is trusted. The check runs
/// before connecting, so the test needs no server: 203.0.113.1 is TEST-NET-3.
#[test]
fn plaintext_password_is_refused_off_loopback() {
    let sb = Sandbox::new("plaintext-auth");
    let home = sb.home();
    let config = "[user]\n\tname = Test Sender\n\temail = sender@example.org\n\
                  [sendemail]\n\tsmtpServer = 203.0.113.1\n\tsmtpUser = alice\n\tsmtpPass = s3cret-pw\n";
    std::fs::write(home.join(".gitconfig"), config).unwrap();
    let o = ksreply(&sb, &[]);
    assert_send_failed_draft_kept(&sb, &o, "over an unencrypted connection");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("ksreply.allowPlaintextAuth"), "{err}");

    // Opted in: the refusal is gone and the connection is tried (and fails
    // here, quickly: nothing answers at TEST-NET-3).
    std::fs::write(
        home.join(".gitconfig"),
        format!("{config}[ksreply]\n\tallowPlaintextAuth = true\n"),
    )
    .unwrap();
    for d in sb.drafts() {
        std::fs::remove_file(d).unwrap();
    }
    let o = ksreply(&sb, &["--timeout", "2"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert!(!err.contains("unencrypted connection"), "{err}");
    assert!(err.contains("203.0.113.1:25"), "{err}");
}
