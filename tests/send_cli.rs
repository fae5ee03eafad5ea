//! The interactive path end to end: ksreply drafts, a scripted editor edits,
//! and the reply arrives at a real aiosmtpd; failures keep the draft. Also a
//! cross-check against the real git send-email on the same server.

use crate::harness::mail::{emails, header};
use crate::harness::sandbox::list_dir;
use crate::harness::smtp::{Fault, Received, Security, SinkOptions, SmtpSink};
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

/// Run a printed `git send-email` command for real, into `sink`.
fn run_printed_command(env: &Env, sink: &SmtpSink, cmd: &str, extra: &str) {
    let cmd = cmd.replacen(
        "git send-email \\\n",
        &format!(
            "git send-email --smtp-server=127.0.0.1 --smtp-server-port={} --confirm=never {extra}\\\n",
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

    /// Issue 14, point 5: whatever the umask, drafts, sent/ and the cache
    /// are 0700 directories of 0600 files; a sent draft that cannot be
    /// filed is marked so that --resume never sends it twice.
    #[test]
    fn private_files_and_a_sent_draft_is_never_sent_twice() {
        use crate::harness::http::{HttpServer, Reply};
        use std::os::unix::fs::PermissionsExt;
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let env = Env::new("private", &smtp_config(&sink));
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let umask0 = |args: &[&str]| {
            env.cmd("sh")
                .arg("-c")
                .arg("umask 000; exec \"$@\"")
                .arg("sh")
                .arg(KSREPLY)
                .args(args)
                .env("GIT_EDITOR", "sed -i '$a My answer.'")
                .output()
                .unwrap()
        };
        let seed_arg = seed().display().to_string();
        let o = umask0(&["--yes", &seed_arg]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let sent = env.sent();
        assert_eq!(sent.len(), 1);
        assert_eq!(mode(sent[0].parent().unwrap()), 0o700);
        assert_eq!(mode(&sent[0]), 0o600);
        assert_eq!(mode(&env.sb.drafts_dir()), 0o700);
        // The cache of a fetched message.
        let mut raw = b"From mboxrd@z Thu Jan  1 00:00:00 1970\n".to_vec();
        raw.extend_from_slice(&std::fs::read(seed()).unwrap());
        let server = HttpServer::always(Reply::new(200, "text/plain", raw));
        let o = umask0(&["--print", "--base", &server.url("list/"), "YT26ebT6xXWsnVMw@unreal"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let cache = env.sb.cache_dir();
        assert_eq!(mode(&cache), 0o700);
        for e in crate::harness::files_under(&cache, &[""]) {
            assert_eq!(mode(&e), 0o600, "{}", e.display());
            assert_eq!(mode(e.parent().unwrap()), 0o700, "{}", e.display());
        }

        // sent/ cannot be written (a file stands where the directory goes).
        let sent_dir = sent[0].parent().unwrap().to_path_buf();
        std::fs::remove_dir_all(&sent_dir).unwrap();
        std::fs::write(&sent_dir, "in the way").unwrap();
        let o = umask0(&["--yes", "--new", &seed_arg]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{err}");
        assert!(err.contains("marked as sent"), "{err}");
        assert_eq!(sink.messages().len(), 2);
        assert!(
            env.drafts().iter().all(|d| !d.to_string_lossy().ends_with(".eml")),
            "{:?}",
            env.drafts()
        );
        let marked: Vec<_> = env
            .drafts()
            .into_iter()
            .filter(|d| d.to_string_lossy().ends_with(".sent"))
            .collect();
        assert_eq!(marked.len(), 1);
        let o = env
            .cmd(KSREPLY)
            .args(["--resume", marked[0].to_str().unwrap(), "--no-edit", "--yes"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stderr).contains("already sent"));
        assert_eq!(sink.messages().len(), 2, "never sent twice");
    }

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
        let cmd = String::from_utf8(o.stdout).unwrap();
        run_printed_command(&env, &sink, &cmd, "--suppress-cc=self ");
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

    /// Ctrl-C while editing belongs to the editor, as in git: ksreply
    /// ignores the SIGINT, waits for the editor, then (the draft unchanged)
    /// sends nothing and names the draft, where the first line said it is.
    #[test]
    fn interrupt_while_editing_is_the_editors() {
        use std::os::unix::process::ExitStatusExt;
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let env = Env::new("sigint", &smtp_config(&sink));
        // Run by `sh -c`, whose parent is ksreply.
        let o = env.ksreply("kill -INT $PPID; kill -QUIT $PPID; sleep 1; true", &["--yes"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.signal(), None, "{:?} {err}", o.status);
        assert_eq!(o.status.code(), Some(5), "{err}");
        let drafts = env.drafts();
        assert_eq!(drafts.len(), 1);
        assert!(
            err.contains(&format!("ksreply: draft: {}", drafts[0].display())),
            "{err}"
        );
        assert!(err.trim_end().lines().last().unwrap().contains("draft kept"), "{err}");
        assert!(sink.messages().is_empty());
    }

    /// Issue 18, points 1 and 7: an editor that saves CRLF and adds a Bcc and
    /// body lines git send-email would harvest (`Cc:`, `Reviewed-by:`). The
    /// draft stays LF on disk; the command printed for it (the menu's "print
    /// the git send-email command", here `--resume DRAFT --git-send-email`),
    /// run with the real git send-email, and ksreply's own send reach the
    /// same aiosmtpd with the same envelope, the same headers, no Bcc header,
    /// and byte-identical bodies.
    #[test]
    fn printed_command_and_own_send_deliver_the_same_bytes() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let env = Env::new("same-bytes", &smtp_config(&sink));
        let editor = env.script(
            "editor.sh",
            r#"sed -i -e 's/^Subject: /Bcc: Hidden One <hidden@example.org>\nSubject: /' "$1"
    printf '\nMy answer.\nCc: harvest@example.org\nReviewed-by: Some One <sob@example.org>\n' >> "$1"
    sed -i 's/$/\r/' "$1""#,
        );
        let o = ksreply_in(
            &env,
            Some(editor.to_str().unwrap()),
            &["--dry-run", seed().to_str().unwrap()],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let draft = env.drafts().pop().expect("the dry run keeps the draft");
        let bytes = std::fs::read(&draft).unwrap();
        assert!(!bytes.contains(&b'\r'), "the draft on disk is LF after the edit");
        let copy = env.path().join("copy.eml");
        std::fs::copy(&draft, &copy).unwrap();

        let o = ksreply_in(&env, None, &["--resume", draft.to_str().unwrap(), "--git-send-email"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let cmd = String::from_utf8(o.stdout).unwrap();
        assert!(
            cmd.contains("--bcc=hidden@example.org") && cmd.contains("--suppress-cc=all"),
            "{cmd}"
        );
        run_printed_command(&env, &sink, &cmd, "");
        let k = ksreply_in(&env, None, &["--resume", copy.to_str().unwrap(), "--no-edit", "--yes"]);
        assert!(k.status.success(), "{}", String::from_utf8_lossy(&k.stderr));

        let msgs = sink.messages();
        assert_eq!(msgs.len(), 2);
        let sorted = |mut v: Vec<String>| {
            v.sort();
            v
        };
        let (git_rcpt, ks_rcpt) = (sorted(msgs[0].rcpt_tos.clone()), sorted(msgs[1].rcpt_tos.clone()));
        assert_eq!(git_rcpt, ks_rcpt);
        assert_eq!(
            ks_rcpt.len(),
            9,
            "8 recipients of the group reply and the Bcc: {ks_rcpt:?}"
        );
        assert!(ks_rcpt.contains(&"hidden@example.org".to_string()));
        assert!(!ks_rcpt.iter().any(|r| r.contains("harvest") || r.contains("sob@")));
        let ((gh, gb), (kh, kb)) = (head_and_body(&msgs[0]), head_and_body(&msgs[1]));
        for h in [&gh, &kh] {
            assert!(
                !h.to_ascii_lowercase().contains("\nbcc:") && !h.contains("hidden@"),
                "{h}"
            );
        }
        for h in ["To", "Cc"] {
            assert_eq!(
                sorted(emails(&header(&gh, h).unwrap())),
                sorted(emails(&header(&kh, h).unwrap())),
                "{h}"
            );
        }
        for h in ["Subject", "In-Reply-To", "References", "From"] {
            assert_eq!(header(&gh, h), header(&kh, h), "{h}");
        }
        let raw_body = |r: &Received| r.data[memchr_body(&r.data)..].to_vec();
        assert_eq!(raw_body(&msgs[0]), raw_body(&msgs[1]), "bodies byte for byte");
        assert_eq!(gb, kb);
        // The resumed copy lives outside the drafts directory: filed beside it.
        let sent = list_dir(&env.path().join("sent"));
        assert_eq!(sent.len(), 1);
        assert!(
            !std::fs::read(&sent[0]).unwrap().contains(&b'\r'),
            "the sent/ copy is LF"
        );
    }

    /// Issue 18, point 6: an untouched draft is never sent, even with --yes;
    /// a draft from somebody else is not resumed without --from.
    #[test]
    fn untouched_or_foreign_drafts_are_never_sent() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let env = Env::new("never", &smtp_config(&sink));
        let o = ksreply_in(&env, None, &["--no-edit", "--yes", seed().to_str().unwrap()]);
        assert_failed_with_draft_kept(&env, &o, 5, "no new text");
        // A trailer is new text: the one-command review reply goes out.
        let o = ksreply_in(
            &env,
            None,
            &["--no-edit", "--yes", "--trailer", "acked", seed().to_str().unwrap()],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(sink.messages().len(), 1);
        // Leon's message passed to --resume by mistake.
        let o = ksreply_in(
            &env,
            None,
            &["--resume", seed().to_str().unwrap(), "--no-edit", "--yes"],
        );
        assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stderr).contains("not from you"));
        assert_eq!(sink.messages().len(), 1, "nothing more was sent");
    }

    /// With no SMTP server configured, git's fallback (a local sendmail, else
    /// localhost:25) is tried; when it fails, the error says what to set
    /// (issue 18, point 10).
    #[test]
    fn no_smtp_server_configured_says_which_keys_to_set() {
        assert!(
            std::net::TcpStream::connect("127.0.0.1:25").is_err() && !Path::new("/usr/sbin/sendmail").exists(),
            "this test needs nothing on 127.0.0.1:25 and no /usr/sbin/sendmail"
        );
        let env = Env::new("noserver", "");
        let o = ksreply_in(
            &env,
            None,
            &["--no-edit", "--yes", "--trailer", "acked", seed().to_str().unwrap()],
        );
        assert_failed_with_draft_kept(&env, &o, 4, "set sendemail.smtpServer");
    }
}

fn ksreply_in(env: &Env, editor: Option<&str>, args: &[&str]) -> Output {
    let mut c = env.cmd(env!("CARGO_BIN_EXE_ksreply"));
    if let Some(e) = editor {
        c.env("GIT_EDITOR", e);
    }
    c.args(args).output().unwrap()
}

/// Where the body of a received message starts (after the first empty line).
fn memchr_body(data: &[u8]) -> usize {
    data.windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
        .unwrap_or(data.len())
}

/// The header block and the body of a received message (LF).
fn head_and_body(r: &Received) -> (String, String) {
    let t = String::from_utf8_lossy(&r.data).replace("\r\n", "\n");
    let (h, b) = t.split_once("\n\n").unwrap();
    (h.to_string(), b.to_string())
}

/// Issue 18, point 3: `--draft PATH` never overwrites an existing file.
#[test]
fn an_existing_draft_path_is_never_overwritten() {
    let env = Env::new("existing", "");
    let mine = env.path().join("my-reply.eml");
    std::fs::write(&mine, "My own words.\n").unwrap();
    let seed = seed();
    let s = seed.to_str().unwrap();
    let m = mine.to_str().unwrap();
    for args in [
        &["--print", "--draft", m, s][..],
        &["--draft", m, s][..],
        &["--json", "--draft", m, s][..],
    ] {
        let o = ksreply_in(&env, Some("true"), args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("exists: not overwritten"));
        assert_eq!(std::fs::read_to_string(&mine).unwrap(), "My own words.\n", "{args:?}");
    }
    // public-inbox's instructions: the file is the user's reply, named as it is.
    let o = ksreply_in(
        &env,
        None,
        &["--recipients", "public-inbox", "--git-send-email", "--draft", m, s],
    );
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).trim_end().ends_with(m));
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "My own words.\n");
    // A symlink planted at PATH is not followed, even with --force.
    let target = env.path().join("target.txt");
    std::fs::write(&target, "precious\n").unwrap();
    let link = env.path().join("link.eml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = ksreply_in(&env, None, &["--print", "--draft", link.to_str().unwrap(), s]);
    assert_eq!(o.status.code(), Some(1));
    let o = ksreply_in(
        &env,
        None,
        &["--print", "--force", "--draft", link.to_str().unwrap(), s],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");
    assert!(!std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    // --force replaces a plain file.
    let o = ksreply_in(&env, None, &["--print", "--force", "--draft", m, s]);
    assert!(o.status.success());
    assert!(std::fs::read_to_string(&mine).unwrap().starts_with("From: "));
}

/// Issue 18, point 4: what can be known before editing fails before the
/// editor opens; a resumed draft without From gets the identity.
#[test]
fn problems_known_before_editing_fail_before_the_editor() {
    let env = Env::new("before", "");
    let marker = env.path().join("editor-ran");
    let editor = env.script("editor.sh", &format!("touch '{}'", marker.display()));
    let s = seed();
    let s = s.to_str().unwrap();
    // No identity at all.
    env.sb.gitconfig("");
    let o = ksreply_in(&env, Some(editor.to_str().unwrap()), &[s]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no From address"));
    // A wrong encryption value.
    let o = ksreply_in(
        &env,
        Some(editor.to_str().unwrap()),
        &["--from", "me@example.org", "--smtp-encryption", "starttls", s],
    );
    assert_eq!(o.status.code(), Some(1));
    // No editor configured and no terminal: git's vi is never started.
    let o = ksreply_in(&env, None, &["--from", "me@example.org", s]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no terminal for the editor") && err.contains("--no-edit"),
        "{err}"
    );
    assert!(o.stdout.is_empty(), "no escape codes on stdout");
    assert!(!marker.exists(), "the editor never ran");
    assert!(env.drafts().is_empty(), "no draft was written");

    // A draft without From: --resume fills it from --from, then git config.
    let draft = env.path().join("no-from.eml");
    let o = ksreply_in(&env, None, &["--print", "--draft", draft.to_str().unwrap(), s]);
    assert!(o.status.success());
    let mut text = std::fs::read_to_string(&draft).unwrap();
    assert!(!text.starts_with("From:"));
    text.push_str("\nMy answer.\n");
    std::fs::write(&draft, &text).unwrap();
    let o = ksreply_in(
        &env,
        None,
        &["--resume", draft.to_str().unwrap(), "--no-edit", "--dry-run"],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "no identity yet: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    env.sb
        .gitconfig("[user]\n\tname = Late Me\n\temail = late@example.org\n");
    let o = ksreply_in(
        &env,
        None,
        &["--resume", draft.to_str().unwrap(), "--no-edit", "--dry-run"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("MAIL FROM: <late@example.org>"));
    assert!(std::fs::read_to_string(&draft)
        .unwrap()
        .starts_with("From: Late Me <late@example.org>\n"));
}

/// A look-alike domain added in the editor is named before anything is
/// sent (issue 14, point 8), and --strict refuses it.
#[test]
fn look_alike_recipient_domains_are_warned_about() {
    let env = Env::new("lookalike", "");
    let editor = env.script(
        "editor.sh",
        "sed -i -e 's/^Cc: /Cc: Greg <greg@kr\u{043e}ah.com>, /' \"$1\"\nprintf '\\nMy answer.\\n' >> \"$1\"",
    );
    let o = env.ksreply(editor.to_str().unwrap(), &["--dry-run"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("mixed-script-domain") && err.contains("Cyrillic"), "{err}");
    let o = env.ksreply(editor.to_str().unwrap(), &["--dry-run", "--strict", "--new"]);
    assert_eq!(o.status.code(), Some(6), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Audience checks (issue 16): a sender-only reply to list mail is private,
/// an author removed in the editor is named, and --check with the message
/// says the same.
#[test]
fn audience_mistakes_are_warned_about() {
    let env = Env::new("audience", "");
    let answer = env.script("editor.sh", "printf '\\nMy answer.\\n' >> \"$1\"");
    let o = env.ksreply(answer.to_str().unwrap(), &["--dry-run", "--recipients", "sender"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("private-reply") && err.contains("the list will not see it"),
        "{err}"
    );
    // The group reply itself raises nothing.
    let o = env.ksreply(answer.to_str().unwrap(), &["--dry-run", "--new"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !err.contains(": audience: ") && !err.contains(": private-reply: "),
        "{err}"
    );
    // Leon (the author) taken out of To in the editor.
    let drop_author = env.script(
        "drop.sh",
        "sed -i -e 's/^To: .*/To: Greg KH <greg@kroah.com>/' \"$1\"\nprintf '\\nMy answer.\\n' >> \"$1\"",
    );
    let o = env.ksreply(drop_author.to_str().unwrap(), &["--dry-run", "--new"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("leaves out the original's author <leon@kernel.org>"),
        "{err}"
    );
    let draft = env
        .drafts()
        .into_iter()
        .max_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap())
        .unwrap();
    let o = env
        .cmd(KSREPLY)
        .args(["--check", draft.to_str().unwrap(), seed().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("audience: the reply leaves out"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}
