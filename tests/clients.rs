//! ksreply inside the real mail clients, driven under tmux: neomutt's
//! `<pipe-message>` macro sending through a real aiosmtpd, the draft handed
//! back to `neomutt -H`, and aerc's `:pipe -m` binding and reply template.
//!
//! The recipes are the files tests/support/ksreply-neomuttrc,
//! ksreply-aerc-binds.conf and ksreply-aerc-template, used here as they are;
//! `recipes_are_documented` checks that docs/mail-clients.md, the README and
//! `ksreply --help` give them verbatim.
//!
//! Every program runs with HOME, XDG_* and git config in a temp dir, on a
//! private tmux server killed at the end (also on failure). A missing
//! neomutt, aerc, tmux or aiosmtpd fails the test; nothing is skipped.

use crate::harness::mail::{self, emails, header};
use crate::harness::smtp::{sender_gitconfig, Received, Security, SinkOptions, SmtpSink};
use crate::harness::tmux::Tmux;
use crate::harness::{corpus, require, root, script, seed, sq, support, OutputText, Sandbox, KSREPLY, SEED_ID};
use std::path::{Path, PathBuf};

const SEED_SUBJECT: &str = "Re: [MAINTAINER SUMMIT] User-space requirements for accelerator drivers";
const HWMON_LM81: &str = "lore-linux-hwmon/threads/01-errant-readings-on-lm81-with-t2080-soc/008-324e2aa6b342.eml";
const LM81_ID: &str = "20210308223934.GD185990@roeck-us.net";
const LM81_SUBJECT: &str = "Re: Errant readings on LM81 with T2080 SoC";
const HWMON_ROBOT: &str =
    "lore-linux-hwmon/threads/05-patch-v1-hwmon-drivetemp-support-to-be-a-platform-driver-for/006-f3e9ab2bb9da.eml";
const ROBOT_SUBJECT: &str = "Re: [PATCH v1] hwmon: drivetemp: support to be a platform driver for";
/// A short reply with nested quotes (`> > >`) and a `-- ` signature.
const KSUMMIT_NUL: &str =
    "lore-ksummit/threads/07-the-nul-terminated-string-helper-desk-chair-rearrangement-wa/014-63672edfa604.eml";
const NUL_ID: &str = "20231026135155.GD26306@pendragon.ideasonboard.com";
const NUL_SUBJECT: &str = "Re: the nul-terminated string helper desk chair rearrangement";

/// The world a mail client and ksreply live in: a sandbox with a git
/// identity, a PATH whose first directory holds a `ksreply` symlink to the
/// binary under test, TMPDIR inside it, and a scripted GIT_EDITOR.
struct ClientEnv {
    sb: Sandbox,
}

impl ClientEnv {
    fn new(label: &str, sink: Option<&SmtpSink>) -> ClientEnv {
        let mut sb = Sandbox::new(label);
        for d in [".config", ".local/state", ".cache", ".local/share"] {
            std::fs::create_dir_all(sb.home().join(d)).unwrap();
        }
        for d in ["bin", "tmp"] {
            std::fs::create_dir_all(sb.path().join(d)).unwrap();
        }
        std::os::unix::fs::symlink(KSREPLY, sb.path().join("bin/ksreply")).unwrap();
        sb.gitconfig(&sender_gitconfig(sink));
        script(
            &sb.path().join("git-editor.sh"),
            "printf '\\nReply written by the test editor.\\n' >> \"$1\"",
        );
        let path = format!(
            "{}:{}",
            sb.path().join("bin").display(),
            sb.var("PATH").unwrap().to_string_lossy()
        );
        let (tmp, editor) = (sb.path().join("tmp"), sb.path().join("git-editor.sh"));
        sb.set("PATH", path)
            .set("TMPDIR", tmp)
            .set("GIT_EDITOR", editor)
            .set("EMAIL", "sender@example.org");
        ClientEnv { sb }
    }

    fn path(&self) -> &Path {
        self.sb.path()
    }

    fn home(&self) -> PathBuf {
        self.sb.home()
    }

    fn p(&self, rel: &str) -> String {
        self.path().join(rel).display().to_string()
    }

    /// `ksreply ARGS` run directly, in the same environment.
    fn ksreply(&self, args: &[&str]) -> std::process::Output {
        self.sb.run(args)
    }

    fn json(&self, file: &Path) -> serde_json::Value {
        let o = self.ksreply(&["--json", "--print", file.to_str().unwrap()]);
        assert!(o.status.success(), "{}", o.stderr_text());
        serde_json::from_slice(&o.stdout).unwrap()
    }

    /// A sendmail stand-in: records its arguments and the message, each
    /// call in its own pair of files `PREFIX-N.args` / `PREFIX-N.eml`
    /// (written to a temp name, then renamed: complete when visible).
    fn recording_sendmail(&self, prefix: &str) -> PathBuf {
        let out = self.path().join(prefix);
        script(
            &self.path().join(format!("{prefix}.sh")),
            &format!(
                "n=0; while [ -e {out}-$n.eml ]; do n=$((n+1)); done\n\
                 printf '%s\\n' \"$@\" > {out}-$n.args\n\
                 cat > {out}-$n.part && mv {out}-$n.part {out}-$n.eml",
                out = sq(&out.display().to_string())
            ),
        )
    }

    fn recorded(&self, prefix: &str) -> Vec<(Vec<String>, String)> {
        (0..)
            .map(|n| {
                (
                    self.path().join(format!("{prefix}-{n}.args")),
                    self.path().join(format!("{prefix}-{n}.eml")),
                )
            })
            .take_while(|(_, m)| m.exists())
            .map(|(a, m)| {
                let args = std::fs::read_to_string(a).unwrap().lines().map(String::from).collect();
                (
                    args,
                    String::from_utf8_lossy(&std::fs::read(m).unwrap()).replace("\r\n", "\n"),
                )
            })
            .collect()
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn msg_ids(v: &str) -> Vec<String> {
    v.split('<')
        .skip(1)
        .filter_map(|s| s.split_once('>'))
        .map(|(id, _)| id.to_string())
        .collect()
}

fn body(msg: &str) -> &str {
    msg.split_once("\n\n").map(|(_, b)| b).unwrap_or("")
}

fn json_emails(v: &serde_json::Value) -> Vec<String> {
    mail::json_emails(v).into_iter().map(str::to_lowercase).collect()
}

/// The reply as it should arrive, from what `ksreply --json` drafts for the
/// same file: the client must have handed ksreply the message intact.
fn assert_reply_matches(sent: &str, rcpts: &[String], want: &serde_json::Value, ctx: &str) {
    let to = json_emails(&want["to"]);
    let cc = json_emails(&want["cc"]);
    assert_eq!(
        header(sent, "To").map(|v| emails(&v)),
        Some(to.clone()),
        "To\n{ctx}\n{sent}"
    );
    assert_eq!(
        header(sent, "Cc").map(|v| emails(&v)).unwrap_or_default(),
        cc,
        "Cc\n{ctx}\n{sent}"
    );
    let irt = want["in_reply_to"].as_str().unwrap();
    assert_eq!(
        header(sent, "In-Reply-To"),
        Some(format!("<{irt}>")),
        "In-Reply-To\n{ctx}\n{sent}"
    );
    let refs: Vec<String> = want["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        header(sent, "References").map(|v| msg_ids(&v)),
        Some(refs),
        "References\n{ctx}\n{sent}"
    );
    assert_eq!(
        header(sent, "Subject").as_deref(),
        want["subject"].as_str(),
        "Subject\n{ctx}"
    );
    assert_eq!(
        sorted(rcpts.iter().map(|r| r.to_lowercase()).collect()),
        sorted(to.into_iter().chain(cc).collect()),
        "envelope recipients\n{ctx}"
    );
}

fn maildir(dir: &Path, messages: &[&Path]) {
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    for (i, m) in messages.iter().enumerate() {
        std::fs::copy(m, dir.join(format!("cur/1700000000.{i}.ksreply-test:2,S"))).unwrap();
    }
}

/// An mboxrd folder, as neomutt pipes it: each message after a `From `
/// line, `>From ` escaped.
fn mboxrd(path: &Path, messages: &[&Path]) {
    let mut out = String::new();
    for m in messages {
        out.push_str("From mboxrd@z Thu Jan  1 00:00:00 1970\n");
        for line in std::fs::read_to_string(m).unwrap().lines() {
            if line.trim_start_matches('>').starts_with("From ") {
                out.push('>');
            }
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

/// The neomutt settings of these tests, then the recipe as documented.
fn neomuttrc(env: &ClientEnv, folder: &str) -> PathBuf {
    let rc = env.home().join(".config/neomutt/neomuttrc");
    std::fs::create_dir_all(rc.parent().unwrap()).unwrap();
    let settings = format!(
        "set folder={folder}\n\
         set spoolfile={folder}\n\
         set mbox_type=Maildir\n\
         set tmpdir={tmp}\n\
         set sendmail={sendmail}\n\
         unset record\n\
         set sort=date\n\
         # As Debian's /etc/neomuttrc: the pager shows only these headers.\n\
         ignore *\n\
         unignore from: to: cc: subject: date:\n",
        tmp = env.p("tmp"),
        sendmail = env.p("neomutt-sendmail.sh"),
    );
    std::fs::write(&rc, format!("{settings}\n{}", support("ksreply-neomuttrc"))).unwrap();
    rc
}

/// Limit neomutt's index to one message and wait until it is alone there.
fn neomutt_limit(t: &Tmux, id: &str, subject: &str, others: &[&str]) {
    t.keys(&["l"]);
    t.wait_text("Limit to messages matching:");
    t.type_text(&format!("~i {id}"));
    t.keys(&["Enter"]);
    t.wait_for(&format!("the index limited to <{id}>"), |p| {
        p.contains(subject) && others.iter().all(|o| !p.contains(o)) && !p.contains("Limit to messages")
    });
}

/// The tested recipes are the documented ones, verbatim.
#[test]
fn recipes_are_documented() {
    let doc = std::fs::read_to_string(root().join("docs/mail-clients.md")).unwrap();
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let help = Sandbox::new("recipes")
        .ksreply()
        .arg("--help")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    // clap wraps the help text at the terminal's width: compare words.
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let help = words(&String::from_utf8(help.stdout).unwrap());
    let lines = |f: &str| -> Vec<String> {
        support(f)
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect()
    };
    for f in [
        "ksreply-neomuttrc",
        "ksreply-aerc-binds.conf",
        "ksreply-aerc-template",
        "ksreply-aerc.conf",
    ] {
        for l in lines(f) {
            assert!(
                doc.contains(&l),
                "docs/mail-clients.md lacks {l:?} from tests/support/{f}"
            );
        }
    }
    let key: Vec<String> = lines("ksreply-neomuttrc")
        .into_iter()
        .filter(|l| l.starts_with("macro"))
        .chain(lines("ksreply-aerc-binds.conf"))
        .collect();
    for l in &key {
        assert!(readme.contains(l.as_str()), "README.md lacks {l:?}");
        assert!(
            help.contains(&words(l)),
            "ksreply --help (and so the man page) lacks {l:?}"
        );
    }
    assert!(help.contains("unset pipe_decode") && readme.contains("unset pipe_decode"));
    let template: Vec<String> = lines("ksreply-aerc-template");
    assert!(
        template.iter().all(|l| help.contains(&words(l))),
        "ksreply --help lacks the aerc template"
    );
}

/// The recipes in the real clients: neomutt and aerc under tmux, sending
/// through aiosmtpd or a recording sendmail.
mod server {
    use super::*;

    /// Recipe 1: `R` pipes the message to `ksreply -`; the scripted editor
    /// adds a line, the confirmation menu is answered with Enter (its default,
    /// "send") and the reply arrives at aiosmtpd, threaded and addressed as
    /// ksreply drafts it from the file itself. The muttrc weeds headers the
    /// way Debian's does; with pipe_decode unset that does not matter. At the
    /// end `set pipe_decode` shows why the recipe unsets it.
    #[test]
    fn neomutt_macro_replies_with_ksreply_through_aiosmtpd() {
        require("neomutt", "neomutt");
        require("tmux", "tmux");
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let env = ClientEnv::new("neomutt", Some(&sink));
        let lm81 = corpus(HWMON_LM81);
        let robot = corpus(HWMON_ROBOT);
        maildir(&env.path().join("mail"), &[&seed(), &lm81, &robot]);
        let rc = neomuttrc(&env, &env.p("mail"));
        env.recording_sendmail("neomutt-sendmail");
        let t = env.sb.tmux(
            "neomutt",
            &format!(
                "neomutt -n -F {} -f {}",
                sq(&rc.display().to_string()),
                sq(&env.p("mail"))
            ),
        );
        t.diag_file(&rc);
        t.wait_for("neomutt's index with the three messages", |p| {
            p.contains(SEED_SUBJECT) && p.contains(LM81_SUBJECT) && p.contains(ROBOT_SUBJECT)
        });

        let cases = [(seed(), SEED_ID, SEED_SUBJECT), (lm81.clone(), LM81_ID, LM81_SUBJECT)];
        for (n, (file, id, subject)) in cases.iter().enumerate() {
            let others: Vec<&str> = [SEED_SUBJECT, LM81_SUBJECT, ROBOT_SUBJECT]
                .into_iter()
                .filter(|s| s != subject)
                .collect();
            neomutt_limit(&t, id, subject, &others);
            t.keys(&["R"]);
            let pane = t.wait_for("ksreply's confirmation menu", |p| {
                p.contains("Send this reply?") && p.contains("> send")
            });
            assert!(pane.contains("ksreply: draft: "), "{}", t.report());
            assert!(
                pane.contains("From:    Test Sender <sender@example.org>"),
                "{}",
                t.report()
            );
            t.keys(&["Enter"]);
            t.wait_until("the reply at aiosmtpd", || sink.messages().len() > n);
            let pane = t.wait_text("Press any key to continue...");
            assert!(pane.contains("ksreply: sent <"), "{}", t.report());
            t.keys(&["Space"]);
            t.wait_for("neomutt's index again", |p| {
                !p.contains("Press any key") && p.contains(subject)
            });

            let msgs: Vec<Received> = sink.messages();
            assert_eq!(msgs.len(), n + 1);
            let m = &msgs[n];
            let sent = m.text();
            let ctx = t.report();
            assert_reply_matches(&sent, &m.rcpt_tos, &env.json(file), &ctx);
            assert_eq!(m.mail_from, "sender@example.org");
            assert_eq!(
                header(&sent, "From").as_deref(),
                Some("Test Sender <sender@example.org>")
            );
            assert_eq!(header(&sent, "In-Reply-To"), Some(format!("<{id}>")), "{ctx}");
            assert!(
                sent.ends_with("\nReply written by the test editor.\n"),
                "the editor's line\n{sent}"
            );
        }
        // Spot checks independent of ksreply's own JSON.
        let msgs = sink.messages();
        let seed_reply = msgs[0].text();
        assert_eq!(
            header(&seed_reply, "To").as_deref(),
            Some("Leon Romanovsky <leon@kernel.org>")
        );
        let refs = msg_ids(&header(&seed_reply, "References").unwrap());
        assert_eq!(
            (refs.len(), refs[0].as_str(), refs[10].as_str()),
            (11, "877dfop2lx.fsf@meer.lwn.net", SEED_ID)
        );
        assert!(emails(&header(&seed_reply, "Cc").unwrap()).contains(&"ksummit@lists.linux.dev".to_string()));
        assert!(body(&seed_reply).starts_with("On Sun, Sep 12, 2021 at 11:29:45AM +0300, Leon Romanovsky wrote:\n> "));
        let lm81_reply = msgs[1].text();
        assert_eq!(emails(&header(&lm81_reply, "To").unwrap()), ["linux@roeck-us.net"]);
        assert_eq!(msg_ids(&header(&lm81_reply, "References").unwrap()).len(), 7);
        assert!(
            env.recorded("neomutt-sendmail").is_empty(),
            "neomutt itself sent nothing"
        );

        // Why the recipe unsets pipe_decode: decoded and weeded, the message
        // reaches ksreply without its Message-ID, and the reply is not threaded.
        t.keys(&[":"]);
        t.type_text("set pipe_decode");
        t.keys(&["Enter"]);
        t.keys(&["|"]);
        t.wait_text("Pipe to command:");
        let decoded = env.path().join("decoded.json");
        t.type_text(&format!("ksreply --json - > {}", sq(&decoded.display().to_string())));
        t.keys(&["Enter"]);
        t.wait_text("Press any key to continue...");
        t.wait_until("decoded.json", || {
            std::fs::read(&decoded).is_ok_and(|d| d.ends_with(b"}\n"))
        });
        let j: serde_json::Value = serde_json::from_slice(&std::fs::read(&decoded).unwrap()).unwrap();
        assert!(
            j["in_reply_to"].is_null() && j["references"].as_array().unwrap().is_empty(),
            "{j}"
        );
        assert_eq!(sink.messages().len(), 2);
    }

    /// Recipe 2, on an mbox folder (neomutt then pipes a `From ` line first):
    /// Esc-R runs `ksreply --print - > "$f"` and a nested `neomutt -H "$f"`; To
    /// and Subject are accepted with Enter, neomutt's editor adds a line, the
    /// compose screen shows ksreply's headers, `y` sends with neomutt's own
    /// `sendmail`, which records the message.
    #[test]
    fn neomutt_sends_the_ksreply_draft_itself() {
        require("neomutt", "neomutt");
        require("tmux", "tmux");
        let mut env = ClientEnv::new("neomutt-h", None);
        let nul = corpus(KSUMMIT_NUL);
        let lm81 = corpus(HWMON_LM81);
        let mbox = env.path().join("lists.mbox");
        mboxrd(&mbox, &[&lm81, &nul]);
        let rc = neomuttrc(&env, &mbox.display().to_string());
        env.recording_sendmail("neomutt-sendmail");
        script(
            &env.path().join("mutt-editor.sh"),
            "printf '\\nReply written in neomutt'\\''s editor.\\n' >> \"$1\"",
        );
        let editor = env.p("mutt-editor.sh");
        env.sb.set("EDITOR", &editor).set("VISUAL", &editor);
        let t = env.sb.tmux(
            "neomutt-h",
            &format!(
                "neomutt -n -F {} -f {}",
                sq(&rc.display().to_string()),
                sq(&mbox.display().to_string())
            ),
        );
        t.wait_for("neomutt's index", |p| {
            p.contains(NUL_SUBJECT) && p.contains(LM81_SUBJECT)
        });
        neomutt_limit(&t, NUL_ID, NUL_SUBJECT, &[LM81_SUBJECT]);
        t.keys(&["M-R"]);
        t.wait_text("To: Laurent Pinchart <laurent.pinchart@ideasonboard.com>");
        t.keys(&["Enter"]);
        t.wait_text(&format!("Subject: {NUL_SUBJECT}"));
        t.keys(&["Enter"]);
        let pane = t.wait_text("y:Send");
        for line in [
            "From: Test Sender <sender@example.org>",
            "To: Laurent Pinchart <laurent.pinchart@ideasonboard.com>",
            "Cc: Andrew Lunn <andrew@lunn.ch>, Christoph Hellwig <hch@lst.de>",
            &format!("Subject: {NUL_SUBJECT}"),
        ] {
            assert!(pane.contains(line), "compose screen lacks {line:?}\n{}", t.report());
        }
        t.keys(&["y"]);
        t.wait_until("neomutt's sendmail", || !env.recorded("neomutt-sendmail").is_empty());
        t.wait_text("Press any key to continue...");
        t.keys(&["Space"]);

        let rec = env.recorded("neomutt-sendmail");
        assert_eq!(rec.len(), 1);
        let (args, sent) = &rec[0];
        let rcpts: Vec<String> = args.iter().filter(|a| !a.starts_with('-')).cloned().collect();
        let ctx = t.report();
        assert_reply_matches(sent, &rcpts, &env.json(&nul), &ctx);
        assert_eq!(header(sent, "In-Reply-To"), Some(format!("<{NUL_ID}>")));
        assert_eq!(
            header(sent, "From").as_deref(),
            Some("Test Sender <sender@example.org>")
        );
        let b = body(sent);
        assert!(
            b.starts_with("On Thu, Oct 26, 2023 at 04:51:55PM +0300, Laurent Pinchart wrote:\n"),
            "{sent}"
        );
        assert!(
            b.contains("\n> the source tree, we're doing something wrong.\n"),
            "{sent}"
        );
        assert!(!b.contains("> Regards,"), "signature cut\n{sent}");
        assert!(b.ends_with("\nReply written in neomutt's editor.\n"), "{sent}");
        // The macro's temp file is gone.
        let left: Vec<_> = std::fs::read_dir(env.path().join("tmp"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .filter(|n| n.to_string_lossy().starts_with("tmp."))
            .collect();
        assert!(left.is_empty(), "mktemp files left: {left:?}");
    }

    /// QP as aerc sends it: soft line breaks and =XX.
    fn decode_qp(s: &str) -> String {
        let s = s.replace("=\n", "");
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'=' && i + 2 < b.len() {
                if let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    out.push(v);
                    i += 3;
                    continue;
                }
            }
            out.push(b[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    fn aerc_config(env: &ClientEnv) {
        let conf = env.home().join(".config/aerc");
        std::fs::create_dir_all(conf.join("templates")).unwrap();
        let accounts = conf.join("accounts.conf");
        std::fs::write(
            &accounts,
            format!(
            "[Test]\nsource = maildir://{}\ndefault = INBOX\noutgoing = {}\nfrom = Test Sender <sender@example.org>\n",
            env.p("mail"),
            env.p("aerc-sendmail.sh")
        ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&accounts, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::write(
            conf.join("aerc.conf"),
            format!(
                "[general]\n[ui]\n[compose]\neditor = {}\n[filters]\ntext/plain = cat\n[templates]\n{}",
                env.p("aerc-editor.sh"),
                support("ksreply-aerc.conf")
            ),
        )
        .unwrap();
        let recipe = support("ksreply-aerc-binds.conf");
        std::fs::write(
        conf.join("binds.conf"),
        format!(
            "[messages]\nq = :quit<Enter>\nj = :next<Enter>\nk = :prev<Enter>\n<Enter> = :view<Enter>\nrq = :reply -aq<Enter>\n{recipe}\n\
             [view]\nq = :close<Enter>\n{recipe}\n\
             [compose]\n$noinherit = true\n$ex = <C-x>\n\
             [compose::editor]\n$noinherit = true\n$ex = <C-x>\n\
             [compose::review]\ny = :send<Enter>\nn = :abort<Enter>\n\
             [terminal]\n$noinherit = true\n$ex = <C-x>\n"
        ),
    )
    .unwrap();
        std::fs::write(conf.join("templates/ksreply"), support("ksreply-aerc-template")).unwrap();
    }

    /// aerc's message list filtered down to one message, and that message
    /// selected (aerc 0.14 keeps the old selection after :filter and then says
    /// "message not loaded": moving the cursor once selects the one left).
    fn aerc_filter(t: &Tmux, from: &str, subject: &str, others: &[&str]) {
        // Filters stack: start from the whole folder.
        t.keys(&[":"]);
        t.type_text("clear");
        t.keys(&["Enter"]);
        t.keys(&[":"]);
        t.type_text(&format!("filter -f {from}"));
        t.keys(&["Enter"]);
        t.wait_for(&format!("aerc's list filtered to {from}"), |p| {
            p.contains(subject) && others.iter().all(|o| !p.contains(o))
        });
        t.keys(&["k"]);
    }

    /// Press `keys` on the selected message until `ok` shows (a second press
    /// when aerc had not loaded the message yet).
    fn aerc_act(t: &Tmux, keys: &[&str], what: &str, ok: impl Fn(&str) -> bool) -> String {
        for _ in 0..3 {
            t.keys(keys);
            let pane = t.wait_for(what, |p| ok(p) || p.contains("message not loaded"));
            if ok(&pane) {
                return pane;
            }
            t.wait_for("aerc's error to clear", |p| !p.contains("message not loaded"));
            t.keys(&["k"]);
        }
        panic!("aerc kept saying \"message not loaded\"\n{}", t.report());
    }

    /// aerc: `rk` (`:pipe -m ksreply -`) runs ksreply in a terminal tab, where
    /// the editor and the confirmation work as in a terminal and the reply
    /// reaches aiosmtpd; `rt` (`:reply -a -q -T ksreply`) opens aerc's composer
    /// with the body quoted by `ksreply --plain-text` (nested quotes stacked,
    /// signature cut: aerc's own `quote` does neither), and aerc sends it
    /// through its `outgoing` command with its own threading headers.
    #[test]
    fn aerc_pipe_binding_and_reply_template() {
        require("aerc", "aerc");
        require("tmux", "tmux");
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let env = ClientEnv::new("aerc", Some(&sink));
        let lm81 = corpus(HWMON_LM81);
        let nul = corpus(KSUMMIT_NUL);
        maildir(&env.path().join("mail/INBOX"), &[&seed(), &lm81, &nul]);
        aerc_config(&env);
        env.recording_sendmail("aerc-sendmail");
        script(
        &env.path().join("aerc-editor.sh"),
        "cat \"$1\"\necho '[test editor: waiting for Enter]'\nread x\nprintf '\\nReply written in aerc.\\n' >> \"$1\"",
    );
        let t = env.sb.tmux("aerc", "aerc");
        t.wait_for("aerc's message list", |p| {
            p.contains(LM81_SUBJECT) && p.contains(NUL_SUBJECT) && p.contains("Leon Romanovsky")
        });

        // The :pipe binding.
        aerc_filter(
            &t,
            "leon@kernel.org",
            "User-space requirements for accelerator",
            &[LM81_SUBJECT, NUL_SUBJECT],
        );
        let pane = aerc_act(
            &t,
            &["r", "k"],
            "ksreply's confirmation menu in aerc's terminal tab",
            |p| p.contains("Send this reply?") && p.contains("> send"),
        );
        assert!(
            pane.contains("To:      Leon Romanovsky <leon@kernel.org>"),
            "{}",
            t.report()
        );
        t.keys(&["Enter"]);
        t.wait_until("the reply at aiosmtpd", || !sink.messages().is_empty());
        t.wait_text("Process complete, press any key to close.");
        t.keys(&["Space"]);
        let msgs = sink.messages();
        assert_eq!(msgs.len(), 1);
        let sent = msgs[0].text();
        let ctx = t.report();
        assert_reply_matches(&sent, &msgs[0].rcpt_tos, &env.json(&seed()), &ctx);
        assert_eq!(header(&sent, "In-Reply-To"), Some(format!("<{SEED_ID}>")));
        assert!(sent.ends_with("\nReply written by the test editor.\n"), "{sent}");

        // The template route.
        aerc_filter(
            &t,
            "laurent.pinchart@ideasonboard.com",
            NUL_SUBJECT,
            &[LM81_SUBJECT, "Leon Romanovsky"],
        );
        let pane = aerc_act(&t, &["r", "t"], "aerc's composer", |p| {
            p.contains("[test editor: waiting for Enter]")
        });
        let want = env.ksreply(&["--print", "--body-only", nul.to_str().unwrap()]);
        let want = String::from_utf8(want.stdout).unwrap();
        // The template's attribution line is ksreply's, and every line of
        // ksreply's quote is in the composer, in order.
        let mut rest = pane.as_str();
        for line in want.lines().filter(|l| !l.is_empty()) {
            match rest.find(line) {
                Some(i) => rest = &rest[i + line.len()..],
                None => panic!("composer lacks {line:?} (in order)\n{}", t.report()),
            }
        }
        assert!(
            pane.contains("> > > > > [1]: https://elixir.bootlin.com/"),
            "ksreply's quote, stacked as mutt stacks\n{}",
            t.report()
        );
        assert!(
            !pane.contains("> Regards,") && !pane.contains("> -- "),
            "signature cut\n{}",
            t.report()
        );
        assert!(
            pane.contains("To: \"Laurent Pinchart\" <laurent.pinchart@ideasonboard.com>")
                || pane.contains("To: Laurent Pinchart <laurent.pinchart@ideasonboard.com>"),
            "{}",
            t.report()
        );
        t.keys(&["Enter"]);
        t.wait_text("Send this email?");
        t.keys(&["y"]);
        t.wait_until("aerc's outgoing command", || !env.recorded("aerc-sendmail").is_empty());
        let rec = env.recorded("aerc-sendmail");
        let (args, sent) = &rec[0];
        assert_eq!(header(sent, "In-Reply-To"), Some(format!("<{NUL_ID}>")), "{sent}");
        assert_eq!(
            msg_ids(&header(sent, "References").unwrap()).last().map(String::as_str),
            Some(NUL_ID)
        );
        assert!(
            args.iter().any(|a| a == "laurent.pinchart@ideasonboard.com"),
            "{args:?}"
        );
        let text = decode_qp(body(sent));
        let mut rest = text.as_str();
        for line in want.lines().filter(|l| !l.is_empty()) {
            match rest.find(line) {
                Some(i) => rest = &rest[i + line.len()..],
                None => panic!("sent body lacks {line:?} (in order)\n{text}"),
            }
        }
        assert!(text.trim_end().ends_with("Reply written in aerc."), "{text}");
        assert_eq!(
            sink.messages().len(),
            1,
            "the template route sent through aerc, not ksreply"
        );

        // aerc's usual quoted reply (`rq`, `:reply -aq`) with ksreply as the
        // default quoted-reply template (aerc.conf).
        aerc_filter(
            &t,
            "linux@roeck-us.net",
            LM81_SUBJECT,
            &[NUL_SUBJECT, "Leon Romanovsky"],
        );
        let pane = aerc_act(&t, &["r", "q"], "aerc's composer", |p| {
            p.contains("[test editor: waiting for Enter]")
        });
        let pane: String = pane.lines().map(|l| l.trim_end().to_string() + "\n").collect();
        assert!(
        pane.contains("On Mon, Mar 08, 2021 at 02:39:34PM -0800, Guenter Roeck wrote:\n> On Mon, Mar 08, 2021 at 08:27:30PM +0000, Chris Packham wrote:\n> [ ... ]\n> > > Other than that,"),
        "{}",
        t.report()
    );
        t.keys(&["Enter"]);
        t.wait_text("Send this email?");
        t.keys(&["n"]);
        t.wait_for("the composer closed", |p| !p.contains("Send this email?"));
        assert_eq!(env.recorded("aerc-sendmail").len(), 1);
    }
}
