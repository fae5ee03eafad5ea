//! Hostile messages through the binary. Whatever a message's Message-ID,
//! References, From, Subject or display names hold (CR, LF, encoded-word
//! CR/LF, brackets inside ids, 10,000 references, shell metacharacters):
//!
//! * the draft (`--print`) has only the headers ksreply writes, once each;
//! * the printed `git send-email` command, pasted into `sh` (with `git` a
//!   function that records its arguments), runs nothing else and passes
//!   every argument whole;
//! * draft file names stay inside the drafts directory (`--json`), and an
//!   id is never a path in the cache directory;
//! * `-v` never prints the SMTP password.

use crate::harness::{seed, Sandbox, DRAFT_HEADERS};
use std::path::{Path, PathBuf};
use std::process::Output;

/// A sandbox with ksreply's state and cache in `state/` and `cache/` beside
/// `home/` and `work/`, so that anything written elsewhere shows.
struct Tmp(Sandbox);

impl Tmp {
    fn new(tag: &str) -> Tmp {
        let mut sb = Sandbox::new(&format!("injection-{tag}"));
        let (state, cache) = (sb.path().join("state"), sb.path().join("cache"));
        sb.set("XDG_STATE_HOME", state).set("XDG_CACHE_HOME", cache);
        Tmp(sb)
    }
    fn top(&self) -> &Path {
        self.0.path()
    }
    fn work(&self) -> PathBuf {
        self.0.work()
    }
}

/// ksreply with a git identity and `gitconfig` added to it.
fn ksreply(t: &Tmp, args: &[&str], stdin: &[u8], gitconfig: &str) -> Output {
    t.0.gitconfig(&format!("[user]\n\tname = Me\n\temail = me@example.org\n{gitconfig}"));
    t.0.run_stdin(args, stdin)
}

/// Crafted messages: (name, raw bytes).
fn hostile() -> Vec<(&'static str, Vec<u8>)> {
    let mut refs = String::from("References:");
    for i in 0..10_000 {
        refs.push_str(&format!(" <ref{i}@example.org>"));
    }
    vec![
        (
            "encoded CR/LF",
            b"From: =?utf-8?q?Evil=0D=0ABcc:_from@evil.example?= <evil@example.org>\n\
              To: =?utf-8?b?eA0KQmNjOiB0b0BldmlsLmV4YW1wbGU=?= <to@example.org>\n\
              Cc: \"Quoted\\\r\\\nBcc: cc@evil.example\" <cc@example.org>, =?utf-8?q?=0A=0A?= <blank@example.org>\n\
              Subject: =?utf-8?q?a=0D=0ABcc:_x@evil.example?= =?utf-8?q?=0ABcc:_y@evil.example=0A=0Abody?=\n\
              Message-ID: <id1@example.org>\n\
              In-Reply-To: <x@y\n Bcc: irt@evil.example>\n\
              References: <ok@example.org> <a@b>\n Bcc: r@evil.example>\n\n\
              body\n"
                .to_vec(),
        ),
        (
            "raw CR in headers",
            b"From: Evil\rBcc: cr@evil.example <evil@example.org>\r\n\
              To: to@example.org\r\n\
              Subject: s\rBcc: subj@evil.example\r\n\
              Message-ID: <cr\r@example.org>\r\n\
              References: <a\r\nBcc: x@evil.example>\r\n\r\n\
              body\r\n"
                .to_vec(),
        ),
        (
            "brackets inside ids",
            b"From: a@example.org\nTo: b@example.org\nSubject: ids\n\
              Message-ID: <a<b>c@example.org>\n\
              In-Reply-To: <<x@y>>\n\
              References: <<x@y>> <p>q@r> <ok@example.org> <>\n\nbody\n"
                .to_vec(),
        ),
        (
            "10,000 references",
            format!("From: a@example.org\nTo: b@example.org\nSubject: many\nMessage-ID: <many@example.org>\n{refs}\n\nbody\n")
                .into_bytes(),
        ),
        (
            "shell metacharacters",
            b"From: \"$(touch pwned-name)\" <a$(touch${IFS}pwned-from)@evil.example>\n\
              To: `touch pwned-to`@evil.example, \"x;touch pwned\" <x;touch${IFS}pwned-semi@evil.example>\n\
              Cc: 'q'\\''touch pwned-quote'@evil.example, b|touch${IFS}pwned-pipe@evil.example,\n\
              \x20c&touch${IFS}pwned-amp@evil.example, d!x@evil.example, \"e\\\"f\" <e'\"$HOME@evil.example>\n\
              Reply-To: <r$(touch${IFS}pwned-rt)@evil.example>\n\
              Subject: $(touch pwned-subject) `touch pwned-subject2`\n\
              Message-ID: <$(touch pwned-id)'\"`;|&!*?~@evil.example>\n\n\
              body\n"
                .to_vec(),
        ),
        (
            "shell metacharacters in ids",
            b"From: a@example.org\nTo: b@example.org\nSubject: ids\n\
              Message-ID: <$(touch${IFS}pwned-id)'`touch${IFS}pwned-bq`;touch${IFS}pwned-semi|&!*?~{x}@evil.example>\n\
              References: <r'$(touch${IFS}pwned-ref)@evil.example>\n\nbody\n"
                .to_vec(),
        ),
        (
            "path traversal id",
            b"From: a@example.org\nTo: b@example.org\nSubject: path\nMessage-ID: <../../x@y>\n\nbody\n".to_vec(),
        ),
    ]
}

/// The draft's header block: only generated headers, once each, no CR/NUL.
#[track_caller]
fn assert_clean_headers(name: &str, draft: &[u8]) {
    let text = String::from_utf8_lossy(draft);
    let head = text.split("\n\n").next().unwrap();
    assert!(!head.contains('\r') && !head.contains('\0'), "{name}: {head}");
    let mut seen = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let field = line.split(':').next().unwrap();
        let known = DRAFT_HEADERS.iter().find(|a| a.eq_ignore_ascii_case(field));
        assert!(known.is_some(), "{name}: a foreign header line {line:?} in\n{head}");
        assert!(
            !seen.contains(&field.to_ascii_lowercase()),
            "{name}: {field} twice in\n{head}"
        );
        seen.push(field.to_ascii_lowercase());
    }
    assert!(!seen.contains(&"bcc".to_string()), "{name}: Bcc in\n{head}");
    let back = ksreply::draft::Draft::parse(draft).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(back.bcc.is_empty(), "{name}");
    for a in back.to.iter().chain(&back.cc) {
        assert!(
            !a.email.contains("evil.example") || !a.email.contains('\n'),
            "{name}: {a:?}"
        );
    }
}

#[test]
fn drafts_never_gain_a_header() {
    let t = Tmp::new("print");
    for (name, raw) in hostile() {
        let o = ksreply(&t, &["--print", "-"], &raw, "");
        assert_eq!(
            o.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_clean_headers(name, &o.stdout);
        // Every recipient mode.
        for mode in ["public-inbox", "sender"] {
            let o = ksreply(&t, &["--print", "--recipients", mode, "-"], &raw, "");
            assert_eq!(o.status.code(), Some(0), "{name} {mode}");
            assert_clean_headers(name, &o.stdout);
        }
        // Errors and warnings stay one line each.
        for line in String::from_utf8_lossy(&o.stderr).lines() {
            assert!(line.starts_with("ksreply: "), "{name}: {line:?}");
        }
    }
}

/// 10,000 References are trimmed as RFC 5322 allows: the root and the
/// newest ids, in order, 200 in all (reply::threading::MAX_REFERENCES).
#[test]
fn ten_thousand_references_keep_the_root_and_the_newest() {
    let t = Tmp::new("refs");
    let (_, raw) = hostile().into_iter().find(|(n, _)| n.starts_with("10,000")).unwrap();
    let o = ksreply(&t, &["--print", "-"], &raw, "");
    let back = ksreply::draft::Draft::parse(&o.stdout).unwrap();
    assert_eq!(back.references.len(), 200);
    assert_eq!(back.references.first().map(String::as_str), Some("ref0@example.org"));
    assert_eq!(back.references[198], "ref9999@example.org");
    assert_eq!(back.references.last().map(String::as_str), Some("many@example.org"));
}

#[test]
fn git_send_email_command_runs_nothing_when_pasted() {
    let t = Tmp::new("sh");
    for (name, raw) in hostile() {
        let o = ksreply(
            &t,
            &["--git-send-email", "--draft", "/path/to/YOUR_REPLY", "-"],
            &raw,
            "",
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let cmd = String::from_utf8(o.stdout).unwrap();
        assert!(cmd.starts_with("git send-email \\\n"), "{name}: {cmd}");
        let sandbox = t.top().join("sandbox");
        let _ = std::fs::remove_dir_all(&sandbox);
        std::fs::create_dir_all(&sandbox).unwrap();
        // `git` records its arguments, NUL-separated; nothing else may run
        // or write (`touch` is on PATH: an injected one would leave its
        // file in the sandbox).
        let script = format!("git() {{ for a; do printf '%s\\0' \"$a\"; done > args; }}\n{cmd}");
        let out =
            t.0.command("/bin/sh")
                .arg("-c")
                .arg(&script)
                .current_dir(&sandbox)
                .env("PATH", "/usr/bin:/bin")
                .env("HOME", &sandbox)
                .output()
                .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}\n{cmd}",
            String::from_utf8_lossy(&out.stderr)
        );
        let files: Vec<String> = std::fs::read_dir(&sandbox)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(files, ["args"], "{name}: the command created files\n{cmd}");
        let recorded = std::fs::read(sandbox.join("args")).unwrap();
        let args: Vec<String> = recorded
            .split(|&b| b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        // One argument per line of the command, each whole.
        let lines = cmd.lines().count();
        assert_eq!(args.len(), lines, "{name}: {args:?}\n{cmd}");
        assert_eq!(args[0], "send-email");
        if name == "shell metacharacters in ids" {
            assert!(
                args[1].starts_with("--in-reply-to=$(touch${IFS}pwned-id)'`touch"),
                "{name}: the id is passed whole: {args:?}"
            );
        }
        assert_eq!(args.last().map(String::as_str), Some("/path/to/YOUR_REPLY"));
        for a in &args[1..args.len() - 1] {
            assert!(
                a.starts_with("--in-reply-to=") || a.starts_with("--to=") || a.starts_with("--cc="),
                "{name}: {a:?}\n{cmd}"
            );
        }
    }
}

#[test]
fn draft_files_stay_in_the_drafts_directory() {
    let t = Tmp::new("paths");
    let drafts = t.top().join("state/ksreply/drafts");
    for (name, raw) in hostile() {
        let o = ksreply(&t, &["--json", "-"], &raw, "");
        assert_eq!(
            o.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let path = PathBuf::from(v["draft_path"].as_str().unwrap());
        assert_eq!(path.parent(), Some(drafts.as_path()), "{name}: {}", path.display());
        let file = path.file_name().unwrap().to_str().unwrap();
        assert!(
            !file.contains("..") && !file.starts_with('.') && file.is_ascii(),
            "{name}: {file}"
        );
        assert!(path.is_file(), "{name}");
    }
    // Nothing was written anywhere else.
    for d in ["work", "home"] {
        let names: Vec<_> = std::fs::read_dir(t.top().join(d))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(names.iter().all(|n| n == ".gitconfig"), "{d}: {names:?}");
    }
    let top: Vec<_> = std::fs::read_dir(t.top())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let mut top = top;
    top.sort();
    assert_eq!(top, ["home", "state", "work"]);

    // An id that looks like a path is never one in the cache either: an
    // offline lookup misses (exit 3) and creates nothing outside the cache.
    // A bare `../…@…` is taken for a mistyped file name (exit 2, issue 18).
    for (id, code) in [
        ("../../x@y", 2),
        ("<../../../etc/passwd@x>", 3),
        ("id:..%2F..%2Fx@y", 3),
    ] {
        let o = ksreply(&t, &["--offline", "--print", id], b"", "");
        assert_eq!(
            o.status.code(),
            Some(code),
            "{id}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let mut top: Vec<_> = std::fs::read_dir(t.top())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    top.sort();
    assert!(
        top.iter()
            .all(|n| ["cache", "home", "state", "work"].contains(&n.as_str())),
        "{top:?}"
    );
}

#[test]
fn verbose_never_prints_the_password() {
    let t = Tmp::new("verbose");
    let seed = std::fs::read(seed()).unwrap();
    let secret = "hunter2-s3cret";
    // Through a sendmail command: sent, and the password is nowhere. (An
    // untouched draft is never sent: the trailer is the new text.)
    let config =
        format!("[sendemail]\n\tsmtpUser = bob\n\tsmtpPass = {secret}\n\tsendmailCmd = \"cat > sent.eml; :\"\n");
    let o = ksreply(
        &t,
        &["-vv", "--no-edit", "--yes", "--trailer", "acked", "-"],
        &seed,
        &config,
    );
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(0), "{all}");
    assert!(!all.contains(secret), "{all}");
    let sent = std::fs::read_to_string(t.work().join("sent.eml")).unwrap();
    assert!(!sent.contains(secret));
    // Through SMTP to a closed port: fails, and still no password.
    let config = format!(
        "[sendemail]\n\tsmtpServer = 127.0.0.1\n\tsmtpServerPort = 1\n\tsmtpUser = bob\n\tsmtpPass = {secret}\n"
    );
    let o = ksreply(
        &t,
        &["-vv", "--no-edit", "--yes", "--trailer", "acked", "--timeout", "5", "-"],
        &seed,
        &config,
    );
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(4), "{all}");
    assert!(!all.contains(secret), "{all}");
}
