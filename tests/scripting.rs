//! ksreply in shell scripts: JSON on every output mode, the documented exit
//! statuses, a `--git-send-email` command that can be `eval`-ed safely with
//! hostile addresses, `--print -` as a pure filter, no prompt and no colour
//! where there is no terminal to show them on.

use crate::harness::mail::json_emails;
use crate::harness::smtp::{sender_gitconfig, Security, SinkOptions, SmtpSink};
use crate::harness::{corpus_files, run_with_stdin, script, seed, sq, OutputText, Sandbox, JSON_KEYS, KSREPLY};
use std::path::{Path, PathBuf};
use std::process::Output;

/// A sandbox with a git identity (and an SMTP server when given).
struct Env {
    sb: Sandbox,
}

impl Env {
    fn new(label: &str, sink: Option<&SmtpSink>) -> Env {
        let sb = Sandbox::new(label);
        sb.gitconfig(&sender_gitconfig(sink));
        Env { sb }
    }

    fn path(&self) -> &Path {
        self.sb.path()
    }

    fn drafts_dir(&self) -> PathBuf {
        self.sb.drafts_dir()
    }

    fn drafts(&self) -> Vec<PathBuf> {
        self.sb.drafts()
    }

    fn ksreply(&self, args: &[&str]) -> Output {
        self.sb.run(args)
    }

    fn ksreply_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        self.sb.run_stdin(args, input)
    }

    /// ksreply in a new session: no controlling terminal, /dev/tty cannot
    /// be opened (as under cron or CI), whatever runs the tests.
    fn ksreply_detached(&self, editor: &str, args: &[&str], input: Option<&[u8]>) -> Output {
        let mut c = self.sb.command("setsid");
        c.arg("-w").arg(KSREPLY).args(args).env("GIT_EDITOR", editor);
        match input {
            Some(i) => run_with_stdin(&mut c, i),
            None => c
                .output()
                .unwrap_or_else(|e| panic!("cannot run setsid (util-linux): {e}")),
        }
    }
}

/// 20 real messages spread over the lore folders of the corpus.
fn twenty_messages() -> Vec<PathBuf> {
    let mut all: Vec<(String, PathBuf)> = corpus_files()
        .into_iter()
        .filter(|(p, _)| p.starts_with("lore-") && p.ends_with(".eml"))
        .collect();
    all.sort();
    assert!(all.len() >= 20);
    let step = all.len() / 20;
    all.into_iter().step_by(step).take(20).map(|(_, p)| p).collect()
}

fn check_object(v: &serde_json::Value, ctx: &str) {
    let o = v.as_object().unwrap_or_else(|| panic!("{ctx}: not an object: {v}"));
    for k in JSON_KEYS {
        assert!(o.contains_key(*k), "{ctx}: no {k:?} in {v}");
    }
    let from = &o["from"];
    assert!(
        from["email"].as_str() == Some("sender@example.org") && from["name"].as_str() == Some("Test Sender"),
        "{ctx}: from {from}"
    );
    for k in ["to", "cc"] {
        for a in o[k].as_array().unwrap_or_else(|| panic!("{ctx}: {k} is not an array")) {
            assert!(
                a["email"].is_string() && (a["name"].is_string() || a["name"].is_null()),
                "{ctx}: {k} entry {a}"
            );
        }
    }
    assert!(o["subject"].is_string(), "{ctx}");
    assert!(o["in_reply_to"].is_string() || o["in_reply_to"].is_null(), "{ctx}");
    assert!(
        o["references"]
            .as_array()
            .is_some_and(|r| r.iter().all(|x| x.is_string())),
        "{ctx}"
    );
    if let Some(irt) = o["in_reply_to"].as_str() {
        assert!(!irt.starts_with('<'), "{ctx}: in_reply_to is the bare id");
        assert_eq!(
            o["references"].as_array().unwrap().last().and_then(|r| r.as_str()),
            Some(irt),
            "{ctx}"
        );
    }
    assert!(o["body"].is_string(), "{ctx}");
    assert!(o["draft_path"].is_string() || o["draft_path"].is_null(), "{ctx}");
}

fn json_of(o: &Output, ctx: &str) -> serde_json::Value {
    assert_eq!(o.status.code(), Some(0), "{ctx}: {}", o.stderr_text());
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{ctx}: stdout is not one JSON object ({e}):\n{}",
            String::from_utf8_lossy(&o.stdout)
        )
    })
}

/// `--json` alone and with --print, --git-send-email and --mailto, over 20
/// corpus messages: one object each, with the documented keys and types,
/// consistent with the plain outputs and with the draft file it names.
#[test]
fn json_on_every_output_mode_for_twenty_corpus_messages() {
    let env = Env::new("json", None);
    for f in twenty_messages() {
        let file = f.to_str().unwrap();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();

        let saved = json_of(&env.ksreply(&["--json", file]), &format!("{name} --json"));
        check_object(&saved, &format!("{name} --json"));
        let path = PathBuf::from(saved["draft_path"].as_str().expect("--json writes the draft"));
        let draft = std::fs::read_to_string(&path).unwrap();

        let printed = json_of(
            &env.ksreply(&["--json", "--print", file]),
            &format!("{name} --json --print"),
        );
        check_object(&printed, &format!("{name} --json --print"));
        assert!(printed["draft_path"].is_null(), "{name}: --print writes no file");
        let plain = env.ksreply(&["--print", file]);
        assert_eq!(
            printed["draft"].as_str(),
            Some(String::from_utf8_lossy(&plain.stdout).as_ref()),
            "{name}"
        );
        assert_eq!(
            printed["draft"].as_str(),
            Some(draft.as_str()),
            "{name}: the saved draft is the printed one"
        );
        let stdin = json_of(
            &env.ksreply_stdin(&["--json", "--print", "-"], &std::fs::read(&f).unwrap()),
            &name,
        );
        assert_eq!(stdin, printed, "{name}: stdin and file give the same JSON");

        let gse = json_of(
            &env.ksreply(&["--json", "--git-send-email", file]),
            &format!("{name} --json --git-send-email"),
        );
        check_object(&gse, &format!("{name} --json --git-send-email"));
        let cmd = gse["git_send_email"].as_str().unwrap();
        let gpath = gse["draft_path"].as_str().unwrap();
        let file_name = Path::new(gpath).file_name().unwrap().to_string_lossy().into_owned();
        assert!(cmd.starts_with("git send-email \\\n"), "{name}: {cmd}");
        assert!(
            cmd.trim_end().lines().last().is_some_and(|l| l.contains(&file_name)),
            "{name}: the command names the draft: {cmd}"
        );
        assert!(Path::new(gpath).is_file());

        let mailto = json_of(
            &env.ksreply(&["--json", "--mailto", file]),
            &format!("{name} --json --mailto"),
        );
        check_object(&mailto, &format!("{name} --json --mailto"));
        assert!(
            mailto["mailto"].as_str().is_some_and(|m| m.starts_with("mailto:")),
            "{name}"
        );
        assert!(mailto["draft_path"].is_null());
        for (k, v) in [
            ("to", &gse),
            ("to", &mailto),
            ("cc", &gse),
            ("cc", &mailto),
            ("subject", &saved),
            ("references", &saved),
        ] {
            assert_eq!(v[k], printed[k], "{name}: {k} differs between modes");
        }
    }
}

/// Addresses and ids that would run commands if the printed command were
/// not quoted. The Message-ID is valid (every character is atext).
const HOSTILE: &str = "From: \"a b\"@x.example
To: Dollar <$(touch pwned)@x.example>, `touch pwned2`@x.example
Cc: '@x.example, ;touch pwned3@x.example, \"O'Brien; rm -rf\" <o'brien@x.example>,
 bang!x@x.example, amp&x@x.example, $HOME@x.example
Subject: hostile
Date: Mon, 1 Jan 2024 00:00:00 +0000
Message-ID: <a$HOME'`touch${IFS}pwned4`{x}|&!@x.example>

Hello.
";

fn pwned(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            found.extend(pwned(&p));
        } else if e.file_name().to_string_lossy().starts_with("pwned") {
            found.push(p);
        }
    }
    found
}

/// `eval "$(ksreply --git-send-email ...)"` in sh (dash) and bash, with
/// `git` a shell function that records its arguments: nothing runs, and
/// git gets exactly the addresses, id and draft path ksreply reports in
/// its JSON. Also with a hostile --draft path.
#[test]
fn git_send_email_command_evals_safely_with_hostile_addresses() {
    let env = Env::new("eval", None);
    let msg = env.path().join("hostile.eml");
    std::fs::write(&msg, HOSTILE).unwrap();
    let play = env.path().join("play");
    std::fs::create_dir(&play).unwrap();
    let weird_dir = env.path().join("drafts dir");
    std::fs::create_dir(&weird_dir).unwrap();
    let weird = weird_dir.join("re $(touch pwned6) `touch pwned7` 'q' \"d\" !x;&.eml");

    let json = json_of(
        &env.ksreply(&["--json", "--git-send-email", msg.to_str().unwrap()]),
        "hostile --json",
    );
    let mut runs: Vec<(String, Vec<String>)> = Vec::new();
    let argv = |irt: Option<&str>, path: &str| {
        let mut v = vec!["send-email".to_string()];
        if let Some(i) = irt {
            v.push(format!("--in-reply-to={i}"));
        }
        let e = |k: &str| json_emails(&json[k]);
        v.extend(e("to").into_iter().map(|a| format!("--to={a}")));
        v.extend(e("cc").into_iter().map(|a| format!("--cc={a}")));
        v.push(path.to_string());
        v
    };
    let irt = json["in_reply_to"].as_str();
    assert_eq!(
        irt,
        Some("a$HOME'`touch${IFS}pwned4`{x}|&!@x.example"),
        "the valid hostile id is kept"
    );
    runs.push((
        json["git_send_email"].as_str().unwrap().to_string(),
        argv(irt, json["draft_path"].as_str().unwrap()),
    ));
    let o = env.ksreply(&[
        "--git-send-email",
        "--draft",
        weird.to_str().unwrap(),
        msg.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", o.stderr_text());
    assert!(weird.is_file());
    runs.push((String::from_utf8(o.stdout).unwrap(), argv(irt, weird.to_str().unwrap())));

    let all: Vec<&str> = ["to", "cc"].iter().flat_map(|k| json_emails(&json[*k])).collect();
    // Addresses that cannot be written into a header (a space outside
    // quotes) are dropped, with a warning, from every output alike.
    let warnings = json["warnings"].to_string();
    for dropped in ["`touch pwned2`@x.example", "touch pwned3@x.example"] {
        assert!(
            !all.contains(&dropped) && warnings.contains(dropped),
            "{dropped} dropped: {json}"
        );
    }
    for want in [
        "'@x.example",
        "o'brien@x.example",
        "bang!x@x.example",
        "amp&x@x.example",
        "$HOME@x.example",
    ] {
        assert!(all.contains(&want), "{want} in {json}");
    }

    let record = env.path().join("args");
    for shell in ["sh", "bash"] {
        for (cmd, want) in &runs {
            let _ = std::fs::remove_file(&record);
            let o = env
                .sb
                .command(shell)
                .current_dir(&play)
                .arg("-c")
                .arg(format!(
                    "git() {{ for a in \"$@\"; do printf '%s\\0' \"$a\"; done > {}; }}\neval \"$KSREPLY_CMD\"",
                    sq(record.to_str().unwrap())
                ))
                .env("KSREPLY_CMD", cmd)
                .output()
                .unwrap();
            assert!(o.status.success(), "{shell}: {}\n{cmd}", o.stderr_text());
            let got = std::fs::read(&record).unwrap_or_else(|e| panic!("{shell}: git was not called ({e}):\n{cmd}"));
            let got: Vec<String> = got
                .split(|b| *b == 0)
                .filter(|s| !s.is_empty())
                .map(|s| String::from_utf8(s.to_vec()).unwrap())
                .collect();
            assert_eq!(&got, want, "{shell}: arguments changed on the way:\n{cmd}");
            assert!(
                pwned(env.path()).is_empty(),
                "{shell} ran something: {:?}\n{cmd}",
                pwned(env.path())
            );
        }
    }
}

/// A quoted local part is an address like any other: `"a b"@x.example`
/// must reach the command (and the draft) whole, not as `@x.example`.
#[test]
fn quoted_local_part_survives() {
    let env = Env::new("quoted-local", None);
    let msg = b"From: \"a b\"@x.example\nTo: list@x.example\nSubject: q\nMessage-ID: <q@x.example>\n\nHello.\n";
    let o = env.ksreply_stdin(
        &["--json", "--git-send-email", "--draft", "/path/to/YOUR_REPLY", "-"],
        msg,
    );
    let j = json_of(&o, "quoted local part");
    let to = json_emails(&j["to"]);
    assert_eq!(to, ["\"a b\"@x.example"], "{j}");
    assert!(
        j["git_send_email"]
            .as_str()
            .unwrap()
            .contains("--to='\"a b\"@x.example'"),
        "{j}"
    );
}

/// The same message as ksreply may get it on stdin: raw, CRLF, mboxrd with
/// a `From ` line (and `>From ` escapes), with or without CRLF.
fn stdin_variants(raw: &str) -> Vec<(&'static str, Vec<u8>)> {
    let mboxrd: String = std::iter::once("From mboxrd@z Thu Jan  1 00:00:00 1970".to_string())
        .chain(raw.lines().map(|l| {
            if l.trim_start_matches('>').starts_with("From ") {
                format!(">{l}")
            } else {
                l.to_string()
            }
        }))
        .map(|l| l + "\n")
        .collect();
    let crlf = |s: &str| s.replace('\n', "\r\n").into_bytes();
    vec![
        ("raw", raw.as_bytes().to_vec()),
        ("raw CRLF", crlf(raw)),
        ("mboxrd", mboxrd.clone().into_bytes()),
        ("mboxrd CRLF", crlf(&mboxrd)),
    ]
}

/// `ksreply --print -`: message in, draft out. Every form of the input
/// gives the same draft as the file itself; warnings go to stderr only;
/// no draft file, no terminal needed.
#[test]
fn print_stdin_is_a_pure_filter() {
    let env = Env::new("filter", None);
    let raw = "From: Ann Author <ann@example.org>\n\
               To: list@example.org\n\
               Cc: Bob <bob@example.org>\n\
               Subject: [PATCH] thing\n\
               Date: Tue, 2 Jan 2024 10:00:00 +0100\n\
               Message-ID: <thing-1@example.org>\n\
               References: <thing-0@example.org> <broken id@example.org>\n\
               \n\
               Hello,\n\
               From now on the thing works.\n\
               >From the archive, escaped once.\n\
               \n\
               -- \n\
               Ann\n";
    let file = env.path().join("msg.eml");
    std::fs::write(&file, raw).unwrap();
    let want = env.ksreply(&["--print", file.to_str().unwrap()]);
    assert!(want.status.success(), "{}", want.stderr_text());
    let want = String::from_utf8(want.stdout).unwrap();
    assert!(want.starts_with("From: Test Sender <sender@example.org>\n"), "{want}");
    assert!(want.contains("> From now on the thing works.\n"), "{want}");
    assert!(
        !want.contains("> -- ") && !want.contains("\n> Ann\n"),
        "signature cut: {want}"
    );
    for (label, input) in stdin_variants(raw) {
        let o = env.ksreply_detached("false", &["--print", "-"], Some(&input));
        let e = o.stderr_text();
        assert_eq!(o.status.code(), Some(0), "{label}: {e}");
        assert_eq!(
            String::from_utf8_lossy(&o.stdout),
            want,
            "{label}: stdout is exactly the draft"
        );
        assert!(
            e.lines().all(|l| l.starts_with("ksreply: warning: ")),
            "{label}: only warnings on stderr: {e}"
        );
        assert!(
            e.contains("ksreply: warning: "),
            "{label}: the broken References is reported on stderr: {e}"
        );
    }
    // The part filters too.
    let o = env.ksreply_stdin(&["--headers-only", "-"], raw.as_bytes());
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        want.split_once("\n\n").unwrap().0.to_string() + "\n"
    );
    let o = env.ksreply_stdin(&["--body-only", "-"], raw.as_bytes());
    assert_eq!(String::from_utf8_lossy(&o.stdout), want.split_once("\n\n").unwrap().1);
    let o = env.ksreply_stdin(&["--plain-text", "-"], b"Hello,\r\n\r\n> earlier\r\n-- \r\nSig\r\n");
    assert_eq!(String::from_utf8_lossy(&o.stdout), "> Hello,\n>\n> > earlier\n");
    assert!(
        !env.drafts_dir().exists(),
        "a filter writes no draft: {:?}",
        env.drafts()
    );
}

/// The tests with a real SMTP server or a terminal (tmux).
mod server {
    use super::*;

    /// Each documented exit status, with nothing on stdout and, for ksreply's
    /// own errors, one line on stderr starting with "ksreply: ".
    #[test]
    fn exit_statuses_are_the_documented_ones() {
        let closed = || {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let env = Env::new("exit", None);
        let seed = seed();
        let seed = seed.to_str().unwrap();
        let o = env.ksreply(&["--print", seed]);
        assert_eq!(o.status.code(), Some(0), "{}", o.stderr_text());

        for (args, input) in [
            (vec!["--no-such-flag", seed], None),
            (vec!["--recipients", "nobody", seed], None),
            (vec!["--from", "not an address", "--print", seed], None),
        ] {
            let o = env.ksreply_stdin(&args, input.unwrap_or(b""));
            assert_eq!(o.status.code(), Some(1), "{args:?}: {}", o.stderr_text());
            assert!(o.stdout.is_empty());
        }
        let base = format!("http://127.0.0.1:{}/all/", closed());
        let missing = env.path().join("no-such-file.eml");
        for (code, args, input) in [
            (2, vec!["--print", missing.to_str().unwrap()], None),
            (2, vec!["--print", "-"], Some(&b"this is not a message\n"[..])),
            (2, vec!["--print", "-"], Some(&b""[..])),
            (2, vec!["--print", "--msgid", "nope@example.org", seed], None),
            (3, vec!["--print", "--base", &base, "some-id@example.org"], None),
        ] {
            let o = env.ksreply_stdin(&args, input.unwrap_or(b""));
            let e = o.stderr_text();
            assert_eq!(o.status.code(), Some(code), "{args:?}: {e}");
            assert!(o.stdout.is_empty(), "{args:?}");
            assert_eq!(e.trim_end().lines().count(), 1, "{args:?}: {e}");
            assert!(e.starts_with("ksreply: ") && !e.contains("panicked"), "{args:?}: {e}");
        }

        // 4: sending failed (nobody listens); 5: aborted; 6: --strict.
        let port = closed();
        let env4 = Env::new("exit4", None);
        env4.sb.gitconfig(&format!(
            "[user]\n\temail = sender@example.org\n[sendemail]\n\tsmtpServer = 127.0.0.1\n\tsmtpServerPort = {port}\n"
        ));
        let add_line = "sed -i '$a An answer.'";
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let env56 = Env::new("exit56", Some(&sink));
        for (code, env, editor, args) in [
            (4, &env4, add_line, vec!["--yes"]),
            (5, &env56, "true", vec!["--yes"]),
            (5, &env56, "false", vec!["--yes"]),
            (5, &env56, add_line, vec![]),
            (6, &env56, add_line, vec!["--yes", "--strict"]),
        ] {
            let mut a = args.clone();
            a.push(seed);
            let o = env.ksreply_detached(editor, &a, None);
            let e = o.stderr_text();
            assert_eq!(o.status.code(), Some(code), "{editor} {args:?}: {e}");
            let last = e.trim_end().lines().last().unwrap_or("");
            assert!(
                last.starts_with("ksreply: ") && last.contains("draft kept"),
                "{editor} {args:?}: {e}"
            );
        }
        assert!(sink.messages().is_empty());
    }

    /// Without a terminal (new session, stdin /dev/null or a pipe), ksreply
    /// never prompts: it runs the editor, then stops with status 5 and says to
    /// use --yes; nothing is sent and the draft is kept. --yes sends, and
    /// --dry-run shows what would be sent without sending.
    #[test]
    fn no_prompt_without_a_terminal() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let env = Env::new("notty", Some(&sink));
        let editor = script(&env.path().join("editor.sh"), "printf '\\nMy answer.\\n' >> \"$1\"");
        let editor = editor.to_str().unwrap();
        let seed = seed();
        let o = env.ksreply_detached(editor, &[seed.to_str().unwrap()], None);
        let e = o.stderr_text();
        assert_eq!(o.status.code(), Some(5), "{e}");
        assert!(e.contains("--yes") && e.contains("draft kept"), "{e}");
        assert!(!e.contains("Send this reply?"), "{e}");
        assert_eq!(env.drafts().len(), 1);
        // Filter mode, the message on a pipe.
        let o = env.ksreply_detached(editor, &["-"], Some(&std::fs::read(&seed).unwrap()));
        assert_eq!(o.status.code(), Some(5), "{}", o.stderr_text());
        assert!(o.stderr_text().contains("--yes"));
        assert!(sink.messages().is_empty());

        let o = env.ksreply_detached(editor, &["--dry-run", "-"], Some(&std::fs::read(&seed).unwrap()));
        assert_eq!(o.status.code(), Some(0), "{}", o.stderr_text());
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            out.starts_with("Dry run: nothing sent.\n")
                && out.contains("RCPT TO: <leon@kernel.org>")
                && out.contains("\nMy answer.\n"),
            "{out}"
        );
        assert!(sink.messages().is_empty());

        let o = env.ksreply_detached(editor, &["--yes", "-"], Some(&std::fs::read(&seed).unwrap()));
        assert_eq!(o.status.code(), Some(0), "{}", o.stderr_text());
        let msgs = sink.messages();
        assert_eq!(msgs.len(), 1);
        let id = String::from_utf8_lossy(&o.stdout).trim().to_string();
        assert!(
            id.starts_with('<') && id.ends_with("@example.org>"),
            "stdout is the Message-ID sent: {id}"
        );
        assert!(
            String::from_utf8_lossy(&msgs[0].data).contains(&format!("Message-ID: {id}"))
                || String::from_utf8_lossy(&msgs[0].data).contains(&format!("Message-Id: {id}"))
        );
    }

    /// In a terminal, but with stdin and stdout redirected (a script's
    /// `ksreply FILE </dev/null >out`): no prompt either, status 5.
    #[test]
    fn no_prompt_when_stdin_and_stdout_are_not_terminals() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let mut env = Env::new("redirected", Some(&sink));
        let editor = script(&env.path().join("editor.sh"), "printf '\\nMy answer.\\n' >> \"$1\"");
        env.sb.set("GIT_EDITOR", editor);
        let t = env.sb.tmux(
            "redirected",
            &format!(
                "{} {} < /dev/null > {}; echo \"[ksreply status $?]\"",
                sq(KSREPLY),
                sq(seed().to_str().unwrap()),
                sq(env.path().join("out.txt").to_str().unwrap())
            ),
        );
        let pane = t.wait_for("ksreply to end or prompt", |p| {
            p.contains("[ksreply status") || p.contains("Send this reply?")
        });
        assert!(
            !pane.contains("Send this reply?"),
            "ksreply prompted although stdin and stdout are not terminals\n{}",
            t.report()
        );
        assert!(
            pane.contains("[ksreply status 5]") && pane.contains("--yes"),
            "{}",
            t.report()
        );
        assert!(sink.messages().is_empty());
    }

    fn has_colour(s: &str) -> bool {
        s.contains("\x1b[")
    }

    /// Colours only on a terminal, and never with NO_COLOR set.
    #[test]
    fn no_colours_with_no_color_or_without_a_terminal() {
        let env = Env::new("colour", None);
        // Not a terminal: pipes.
        for args in [&["--no-such-flag"][..], &["--help"], &["--print", "/nonexistent"]] {
            let o = env.ksreply(args);
            assert!(
                !has_colour(&String::from_utf8_lossy(&o.stdout)) && !has_colour(&o.stderr_text()),
                "{args:?}"
            );
        }
        // A terminal: colours by default (clap's error), none with NO_COLOR.
        let k = sq(KSREPLY);
        let t = env.sb.tmux(
        "colour",
        &format!(
            "{k} --no-such-flag; echo '[one]'; printf '\\033[H\\033[2J'; NO_COLOR=1 {k} --no-such-flag; NO_COLOR=1 {k} --print /nonexistent; echo '[two]'"
        ),
    );
        t.wait_text("[two]");
        let coloured = t.capture_escapes();
        // The screen was cleared before the NO_COLOR part: what is on screen is that part only.
        assert!(!coloured.contains("[one]"), "{coloured}");
        assert!(
            !has_colour(&coloured),
            "colour escapes with NO_COLOR set:\n{coloured:?}"
        );
        assert!(
            coloured.contains("unexpected argument") && coloured.contains("ksreply: "),
            "{}",
            t.report()
        );
        drop(t);
        let t = env
            .sb
            .tmux("colour-default", &format!("{k} --no-such-flag; echo '[one]'"));
        t.wait_text("[one]");
        assert!(
            has_colour(&t.capture_escapes()),
            "without NO_COLOR a terminal gets colours (else this test proves nothing)\n{}",
            t.report()
        );
    }
}
