//! Issue 14, point 4: a display name whose decoded text carries `@ , < > "`
//! never becomes an extra address. Every address ksreply writes into the
//! draft parses to exactly the same list in Python's
//! `email.utils.getaddresses` and in the real git send-email (whose
//! envelope recipients are recorded by a sendmail command).

use crate::harness::{require_git_send_email, script, Sandbox};
use std::process::Command;

fn b64(s: &str) -> String {
    use std::io::Write;
    let out = Command::new("base64")
        .arg("-w0")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(s.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn hostile_display_names_name_no_extra_address() {
    require_git_send_email();
    let sb = Sandbox::new("names");
    let dir = sb.work();
    let enc = |s: &str| format!("=?utf-8?b?{}?=", b64(s));
    let msg = format!(
        "From: {} <author@example.org>\nTo: {} <list@example.org>\nCc: {} <cc@example.org>, \"Quote \\\" Mark\" <q@example.org>\nSubject: names\nMessage-ID: <names@example.org>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n\nBody.\n",
        enc("Evil, x@evil.example <y@evil.example>"),
        enc("Jürgen, \"collector@evil.example\""),
        enc("a@evil.example, b <c@evil.example>"),
    );
    std::fs::write(dir.join("msg.eml"), msg).unwrap();
    sb.gitconfig("[user]\n\tname = Me\n\temail = me@example.org\n");
    let draft = dir.join("draft.eml");
    let o = sb.run(&[
        "--print",
        "--draft",
        draft.to_str().unwrap(),
        dir.join("msg.eml").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let want = [
        "author@example.org",
        "cc@example.org",
        "list@example.org",
        "q@example.org",
    ];
    // Python's reading of the draft's To and Cc.
    let py = sb
        .command("/usr/bin/python3")
        .arg("-c")
        .arg(
            "import sys, email, email.utils, email.policy\n\
             m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.compat32)\n\
             a = email.utils.getaddresses(m.get_all('To', []) + m.get_all('Cc', []))\n\
             print('\\n'.join(sorted(e for _, e in a)))",
        )
        .arg(&draft)
        .output()
        .unwrap();
    assert!(py.status.success(), "{}", String::from_utf8_lossy(&py.stderr));
    let got: Vec<String> = String::from_utf8_lossy(&py.stdout).lines().map(String::from).collect();
    assert_eq!(
        got,
        want,
        "Python getaddresses on\n{}",
        std::fs::read_to_string(&draft).unwrap()
    );

    // git send-email's reading: the envelope it hands to a sendmail command.
    let rec = dir.join("rcpts");
    let sendmail = script(
        &dir.join("sendmail.sh"),
        &format!("printf '%s\\n' \"$@\" > '{}'\ncat >/dev/null", rec.display()),
    );
    let g = sb
        .command("git")
        .args(["send-email", "--confirm=never", "--suppress-cc=self", "--quiet"])
        .arg(format!("--sendmail-cmd={}", sendmail.display()))
        .arg(&draft)
        .output()
        .unwrap();
    assert!(
        g.status.success(),
        "git send-email: {}",
        String::from_utf8_lossy(&g.stderr)
    );
    let mut got: Vec<String> = std::fs::read_to_string(&rec)
        .unwrap()
        .lines()
        .filter(|l| l.contains('@') && !l.starts_with('-'))
        .map(String::from)
        .collect();
    got.sort();
    got.dedup();
    assert_eq!(got, want, "git send-email's envelope");
}
