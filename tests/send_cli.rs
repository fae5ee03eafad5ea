//! The interactive path end to end: ksreply drafts, a scripted editor edits,
//! and the reply arrives at a real aiosmtpd; failures keep the draft. Also a
//! cross-check against the real git send-email on the same server.

use crate::harness::mail::{emails, header};
use crate::harness::sandbox::list_dir;
use crate::harness::smtp::{Fault, Security, SinkOptions, SmtpSink};
use crate::harness::{script, seed, Sandbox, KSREPLY};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A sandbox with a git identity and the given extra config.
struct Env {
    sb: Sandbox,
}

impl Env {
    fn new(label: &str, extra_config: &str) -> Env {
        let sb = Sandbox::new(label);
        sb.gitconfig(&format!(
            "[user]\n\tname = Test Sender\n\temail = sender@example.org\n{extra_config}"
        ));
        Env { sb }
    }

    fn path(&self) -> &Path {
        self.sb.path()
    }

    fn script(&self, name: &str, body: &str) -> PathBuf {
        script(&self.path().join(name), body)
    }

    fn cmd(&self, program: &str) -> Command {
        self.sb.command(program)
    }

    fn ksreply(&self, editor: &str, args: &[&str]) -> Output {
        self.cmd(KSREPLY)
            .env("GIT_EDITOR", editor)
            .args(args)
            .arg(seed())
            .output()
            .unwrap()
    }

    fn drafts(&self) -> Vec<PathBuf> {
        self.sb.drafts()
    }

    fn sent(&self) -> Vec<PathBuf> {
        list_dir(&self.sb.home().join(".local/state/ksreply/sent"))
    }
}

fn smtp_config(sink: &SmtpSink) -> String {
    sink.sendemail_config()
}

fn assert_failed_with_draft_kept(env: &Env, o: &Output, code: i32, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(code), "{err}");
    let last = err.trim_end().lines().last().unwrap_or("");
    assert!(last.starts_with("ksreply: ") && last.contains(needle), "{err}");
    assert!(
        last.contains("draft kept: ") && last.contains("ksreply --resume"),
        "{err}"
    );
    assert_eq!(env.drafts().len(), 1, "the draft stays on disk");
    assert!(err.trim_end().lines().all(|l| !l.contains("panicked")));
}

/// Every test here sends to a real aiosmtpd.
mod server {
    use super::*;

    #[test]
    fn edited_reply_arrives_with_the_edit() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let env = Env::new("send-edit", &smtp_config(&sink));
        // The editor adds an answer and a Cc, and a Bcc that must stay hidden.
        let editor = env.script(
        "editor.sh",
        r#"sed -i -e 's/^Cc: /Cc: New Person <new@example.org>, /' -e 's/^Subject: /Bcc: hidden@example.org\nSubject: /' "$1"
printf '\nThat is my answer.\n' >> "$1""#,
    );
        let o = env.ksreply(editor.to_str().unwrap(), &["--yes"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let msgs = sink.messages();
        assert_eq!(msgs.len(), 1);
        let m = &msgs[0];
        let t = m.text();
        assert_eq!(m.mail_from, "sender@example.org");
        let mut rcpts: Vec<String> = m.rcpt_tos.iter().map(|r| r.to_lowercase()).collect();
        rcpts.sort();
        let mut want: Vec<String> = [
            "leon@kernel.org",
            "new@example.org",
            "greg@kroah.com",
            "laurent.pinchart@ideasonboard.com",
            "tglx@linutronix.de",
            "josh@joshtriplett.org",
            "mchehab@kernel.org",
            "corbet@lwn.net",
            "ksummit@lists.linux.dev",
            "hidden@example.org",
        ]
        .map(String::from)
        .to_vec();
        want.sort();
        assert_eq!(rcpts, want);
        assert!(header(&t, "Bcc").is_none(), "Bcc must not be transmitted:\n{t}");
        assert!(!t.contains("hidden@example.org"));
        assert_eq!(header(&t, "In-Reply-To").as_deref(), Some("<YT26ebT6xXWsnVMw@unreal>"));
        assert_eq!(header(&t, "References").unwrap().matches('<').count(), 11);
        assert!(header(&t, "Message-ID").unwrap().ends_with("@example.org>"));
        assert!(header(&t, "Date").is_some());
        assert!(t.ends_with("\nThat is my answer.\n"), "{t}");
        // CRLF on the wire, never a bare LF.
        assert!(!m.wire.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'));
        // Printed: the Message-ID; the draft filed under sent/.
        assert!(String::from_utf8_lossy(&o.stdout).trim().ends_with("@example.org>"));
        assert!(env.drafts().is_empty());
        assert_eq!(env.sent().len(), 1);
    }

    #[test]
    fn editor_failure_unchanged_and_no_terminal_send_nothing() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        for (label, editor, args, code, needle) in [
            ("ed-fail", "false", vec![], 5, "editor"),
            ("ed-same", "true", vec!["--yes"], 5, "unchanged"),
            ("ed-empty", "truncate -s 0", vec!["--yes"], 5, "empty"),
            ("no-tty", "sed -i '$a ok'", vec![], 5, "no terminal"),
        ] {
            let env = Env::new(label, &smtp_config(&sink));
            let o = env.ksreply(editor, &args);
            assert_failed_with_draft_kept(&env, &o, code, needle);
        }
        assert!(sink.messages().is_empty());
    }

    #[test]
    fn send_failures_keep_the_draft_and_resume_sends_it() {
        // Server down: a port nobody listens on.
        let down = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = down.local_addr().unwrap().port();
        drop(down);
        let env = Env::new(
            "fail-down",
            &format!("[sendemail]\n\tsmtpServer = 127.0.0.1\n\tsmtpServerPort = {port}\n"),
        );
        let o = env.ksreply("sed -i '$a ok'", &["--yes"]);
        assert_failed_with_draft_kept(&env, &o, 4, "connect");

        // Resume the kept draft once a server is there.
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        env.sb
            .gitconfig(&format!("[user]\n\temail = sender@example.org\n{}", smtp_config(&sink)));
        let draft = env.drafts().pop().unwrap();
        let o = env
            .cmd(KSREPLY)
            .args(["--resume", draft.to_str().unwrap(), "--no-edit", "--yes"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(sink.messages().len(), 1);
        assert!(sink.messages()[0].text().ends_with("\nok\n"));

        // The server closes the connection in the middle of DATA.
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain).fault(Fault::CloseInData));
        let env = Env::new("fail-data", &smtp_config(&sink));
        let o = env.ksreply("sed -i '$a ok'", &["--yes"]);
        assert_failed_with_draft_kept(&env, &o, 4, "DATA");

        // TLS required against a plain server.
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let env = Env::new("fail-tls", &format!("{}\tsmtpEncryption = ssl\n", smtp_config(&sink)));
        let o = env.ksreply("sed -i '$a ok'", &["--yes"]);
        assert_failed_with_draft_kept(&env, &o, 4, "TLS");
    }

    #[test]
    fn auth_password_from_git_credential_and_wrong_password() {
        let sink = SmtpSink::start(SinkOptions::new(Security::StartTls).auth("alice", "s3cret-pw"));
        let base = format!(
            "{}\tsmtpEncryption = tls\n\tsmtpUser = alice\n\tsmtpSSLCertPath = {}\n[credential]\n\thelper = store\n",
            smtp_config(&sink),
            sink.ca_cert().display()
        );
        // Wrong password in the store: auth fails, the password is never printed.
        let env = Env::new("auth", &base);
        let cred = env.sb.home().join(".git-credentials");
        std::fs::write(&cred, format!("smtp://alice:wrong-pw@127.0.0.1%3a{}\n", sink.port())).unwrap();
        let o = env.ksreply("sed -i '$a ok'", &["--yes"]);
        assert_failed_with_draft_kept(&env, &o, 4, "authentication");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!all.contains("wrong-pw"));
        assert!(
            !std::fs::read_to_string(&cred).unwrap().contains("wrong-pw"),
            "git credential reject removed it"
        );

        // Right password from the store: sent over STARTTLS with AUTH.
        std::fs::write(&cred, format!("smtp://alice:s3cret-pw@127.0.0.1%3a{}\n", sink.port())).unwrap();
        let o = env.ksreply("sed -i '$a ok'", &["--yes", "-v"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!all.contains("s3cret-pw"));
        let msgs = sink.messages();
        assert_eq!(msgs.len(), 1);
        assert!(msgs[0].tls);
        assert_eq!(msgs[0].auth_login.as_deref(), Some("alice"));
    }

    #[test]
    fn dry_run_shows_everything_and_sends_nothing() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let env = Env::new(
            "dry",
            &format!("{}\tsmtpUser = bob\n\tsmtpPass = hunter2-secret\n", smtp_config(&sink)),
        );
        let o = env.ksreply("sed -i '$a ok'", &["--dry-run", "-v"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("MAIL FROM: <sender@example.org>"));
        assert!(out.contains("RCPT TO: <leon@kernel.org>"));
        assert!(out.contains("In-Reply-To: <YT26ebT6xXWsnVMw@unreal>"));
        assert!(!out.contains("hunter2-secret") && !String::from_utf8_lossy(&o.stderr).contains("hunter2-secret"));
        assert!(sink.messages().is_empty());
        assert_eq!(env.drafts().len(), 1);
    }

    /// The same draft sent by the printed git send-email command and by
    /// ksreply arrives with the same recipients, threading and body.
    #[test]
    fn agrees_with_real_git_send_email() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let env = Env::new("cross", &smtp_config(&sink));
        let draft = env.path().join("reply.eml");
        let o = env
            .cmd(KSREPLY)
            .args(["--git-send-email", "--draft", draft.to_str().unwrap()])
            .arg(seed())
            .output()
            .unwrap();
        assert!(o.status.success());
        let mut body = std::fs::read_to_string(&draft).unwrap();
        body.push_str("\nMy answer.\n");
        std::fs::write(&draft, &body).unwrap();
        let cmd = String::from_utf8(o.stdout).unwrap().replacen(
            "git send-email \\\n",
            &format!(
                "git send-email --smtp-server=127.0.0.1 --smtp-server-port={} --confirm=never --suppress-cc=self \\\n",
                sink.port()
            ),
            1,
        );
        let g = env.cmd("sh").arg("-c").arg(&cmd).output().unwrap();
        assert!(
            g.status.success(),
            "git send-email: {}",
            String::from_utf8_lossy(&g.stderr)
        );
        let k = env
            .cmd(KSREPLY)
            .args(["--resume", draft.to_str().unwrap(), "--no-edit", "--yes", "--no-keep"])
            .output()
            .unwrap();
        assert!(k.status.success(), "{}", String::from_utf8_lossy(&k.stderr));
        let msgs = sink.messages();
        assert_eq!(msgs.len(), 2);
        let (git, ks) = (msgs[0].text(), msgs[1].text());
        let sorted = |mut v: Vec<String>| {
            v.sort();
            v
        };
        assert_eq!(sorted(msgs[0].rcpt_tos.clone()), sorted(msgs[1].rcpt_tos.clone()));
        for h in ["To", "Cc"] {
            assert_eq!(
                sorted(emails(&header(&git, h).unwrap())),
                sorted(emails(&header(&ks, h).unwrap())),
                "{h}"
            );
        }
        for h in ["Subject", "In-Reply-To", "References", "From"] {
            assert_eq!(header(&git, h), header(&ks, h), "{h}");
        }
        let body_of = |m: &str| m.split_once("\n\n").unwrap().1.to_string();
        assert_eq!(body_of(&git), body_of(&ks));
    }

    /// Ctrl-C while editing (SIGINT to ksreply) sends nothing and leaves the
    /// draft on disk, where the first line ksreply printed said it is.
    #[test]
    fn interrupt_keeps_the_draft() {
        use std::os::unix::process::ExitStatusExt;
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let env = Env::new("sigint", &smtp_config(&sink));
        // Run by `sh -c`, whose parent is ksreply.
        let o = env.ksreply("kill -INT $PPID; sleep 1; true", &["--yes"]);
        assert_eq!(
            o.status.signal(),
            Some(2),
            "{:?} {}",
            o.status,
            String::from_utf8_lossy(&o.stderr)
        );
        let drafts = env.drafts();
        assert_eq!(drafts.len(), 1);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(&format!("ksreply: draft: {}", drafts[0].display())),
            "{err}"
        );
        assert!(sink.messages().is_empty());
    }
}
