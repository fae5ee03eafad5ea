//! Review replies (issue 17) on a real series made with `git format-patch
//! --cover-letter --thread` ([`format_patch`]): the trailer reply, `--trim`,
//! the review checks, `--series`; with a real aiosmtpd and tmux in `server`.

use crate::harness::mail::{header, msg_ids};
use crate::harness::patches::{format_patch, GitSeries};
use crate::harness::sandbox::list_dir;
use crate::harness::smtp::sender_gitconfig;
use crate::harness::{corpus, script, OutputText, Sandbox};
use ksreply::reply::check;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The attribution of every reply to the series (the commits' date).
const ATTRIBUTION: &str = "On Mon, Mar 04, 2024 at 10:12:01AM +0100, Alice Author wrote:";
const REVIEWED: &str = "Reviewed-by: Test Sender <sender@example.org>";

fn sandbox(label: &str) -> Sandbox {
    let sb = Sandbox::new(label);
    sb.gitconfig(&sender_gitconfig(None));
    sb
}

fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}", o.stderr_text());
}

/// The body of a draft or a received message (LF).
fn body_of(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    text.split_once("\n\n").map(|(_, b)| b.to_string()).unwrap_or_default()
}

fn print_reply(sb: &Sandbox, s: &GitSeries, id: &str, extra: &[&str]) -> String {
    let mut args = vec!["--print", "--msgid", id];
    args.extend_from_slice(extra);
    args.push(s.mbox.to_str().unwrap());
    let o = sb.run(&args);
    ok(&o);
    o.stdout_text()
}

/// `ksreply --check --strict DRAFT`: exit 0 and nothing to say.
fn passes_strict_check(sb: &Sandbox, draft: &Path) {
    let o = sb.run(&["--check", draft.to_str().unwrap(), "--strict"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}: {}{}",
        draft.display(),
        o.stdout_text(),
        o.stderr_text()
    );
    assert_eq!(o.stdout_text(), "");
}

/// Issue 17, point 1: the trailer reply on real `git format-patch` output:
/// the commit message down to its trailers, `> [...]` for the diff, a blank
/// line, the trailers; the cover letter's first paragraph "for the whole
/// series"; a patch sent as an attachment. Each passes --check --strict.
#[test]
fn trailer_reply_quotes_the_commit_message_and_cuts_the_diff() {
    let sb = sandbox("trailer-reply");
    let s = format_patch(&sb, 1, None);
    let draft = print_reply(
        &sb,
        &s,
        &s.patch_ids[0],
        &["--trailer", "reviewed", "--trailer", "tested"],
    );
    assert_eq!(
        body_of(&draft),
        format!(
            "{ATTRIBUTION}\n\
             > The bar is leaked when foo fails to probe.\n\
             > Free it on the error path.\n\
             >\n\
             > Signed-off-by: Alice Author <alice@example.org>\n\
             > [...]\n\n\
             {REVIEWED}\nTested-by: Test Sender <sender@example.org>\n"
        )
    );
    // The trailer block of patch 3 has two trailers: both quoted.
    let draft3 = print_reply(&sb, &s, &s.patch_ids[2], &["--trailer", "acked"]);
    assert!(
        body_of(&draft3).ends_with(
            "> Reported-by: Carol <carol@example.org>\n\
             > Signed-off-by: Alice Author <alice@example.org>\n\
             > [...]\n\nAcked-by: Test Sender <sender@example.org>\n"
        ),
        "{draft3}"
    );
    let cover = print_reply(&sb, &s, &s.cover_id, &["--trailer", "reviewed"]);
    assert_eq!(
        body_of(&cover),
        format!(
            "{ATTRIBUTION}\n\
             > This series fixes the foo driver:\n\
             > a leak, an overflow and the docs.\n\
             > [...]\n\n\
             For the whole series:\n\n{REVIEWED}\n"
        )
    );
    for (name, text) in [("p1.eml", &draft), ("p3.eml", &draft3), ("cover.eml", &cover)] {
        let p = sb.path().join(name);
        std::fs::write(&p, text).unwrap();
        passes_strict_check(&sb, &p);
    }
    // Checked against the patch itself too.
    let o = sb.run(&[
        "--check",
        sb.path().join("p1.eml").to_str().unwrap(),
        "--strict",
        "--msgid",
        &s.patch_ids[0],
        s.mbox.to_str().unwrap(),
    ]);
    ok(&o);
    // A patch sent as a text/x-patch attachment: its marker, then the cut.
    let attached = corpus("lore-linux-hwmon/singles/x-patch-attachment--f22a4a199cee.eml");
    let o = sb.run(&["--print", "--trailer", "reviewed", attached.to_str().unwrap()]);
    ok(&o);
    assert!(
        body_of(&o.stdout_text()).ends_with(&format!(
            "> Signed-off-by: Henk Vergonet <henk.vergonet@gmail.com>\n\
             > [-- attachment: nct6775.patch (text/x-patch, 1.7 KiB) --]\n\
             > [...]\n\n{REVIEWED}\n"
        )),
        "{}",
        o.stdout_text()
    );
}

/// Issue 17, point 5, on drafts a reviewer could write.
#[test]
fn review_checks_diff_in_new_text_and_trailers() {
    let me = vec!["me@example.org".to_string()];
    let rules = |body: &str, original: Option<&str>| -> Vec<(&'static str, Option<usize>)> {
        check::review(body, original, &me)
            .iter()
            .map(|w| (w.rule, w.line))
            .collect()
    };
    let attribution = "On Mon, Jane wrote:\n";
    // A diff pasted unquoted.
    let pasted =
        format!("{attribution}> Fix it.\n\nLike this?\n\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n");
    assert_eq!(rules(&pasted, None), [("diff-in-new-text", Some(6))]);
    // Quoted, the same diff is fine.
    let quoted = format!("{attribution}> diff --git a/x b/x\n> --- a/x\n> +++ b/x\nWhy?\n");
    assert_eq!(rules(&quoted, None), []);
    // A trailer without a name and address, one for somebody else.
    let bad = format!(
        "{attribution}> Fix it.\n\nReviewed-by: me@example.org\nAcked-by:\nTested-by: Bob <bob@example.org>\nReviewed-by: Me <me@example.org>\n"
    );
    assert_eq!(
        rules(&bad, None),
        [
            ("malformed-trailer", Some(4)),
            ("malformed-trailer", Some(5)),
            ("foreign-trailer", Some(6))
        ]
    );
    // Written inside the quote: the original does not have it.
    let original = "Fix it.\n\nReviewed-by: Old <old@example.org>\nSigned-off-by: Jane <jane@example.org>\n";
    let inside = format!(
        "{attribution}> Fix it.\n>\n> Reviewed-by: Old <old@example.org>\n> Signed-off-by: Jane <jane@example.org>\n> Reviewed-by: Me <me@example.org>\n\nThanks.\n"
    );
    assert_eq!(rules(&inside, Some(original)), [("malformed-trailer", Some(6))]);
    // Without the original: one's own address, after the author's
    // Signed-off-by; a v2's collected trailer (before it) is fine.
    assert_eq!(rules(&inside, None), [("malformed-trailer", Some(6))]);
    let v2 = format!(
        "{attribution}> Fix it.\n>\n> Reviewed-by: Me <me@example.org>\n> Signed-off-by: Jane <jane@example.org>\n\nThanks.\n"
    );
    assert_eq!(rules(&v2, None), []);
    // No address of the user's known: the foreign rule says nothing.
    assert!(check::review(&bad, None, &[])
        .iter()
        .all(|w| w.rule != "foreign-trailer"));

    // The binary: --check names the rules, --strict fails on them.
    let sb = sandbox("review-check");
    let p = sb.path().join("reply.eml");
    std::fs::write(
        &p,
        format!("From: Test Sender <sender@example.org>\nTo: jane@example.org\nSubject: Re: [PATCH] x\n\n{bad}"),
    )
    .unwrap();
    let o = sb.run(&["--check", p.to_str().unwrap(), "--json"]);
    ok(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let got: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        got,
        [
            "malformed-trailer",
            "malformed-trailer",
            "foreign-trailer",
            "foreign-trailer"
        ],
        "me@example.org is not the user's here"
    );
    let o = sb.run(&["--check", p.to_str().unwrap(), "--strict"]);
    assert_eq!(o.status.code(), Some(6), "{}", o.stderr_text());
}

/// Issue 17, point 2: git config ksreply.trim trims after the editor; a
/// comment on the commit message keeps its paragraph. --trim only goes with
/// sending.
#[test]
fn trim_from_git_config_keeps_the_paragraph_answered() {
    let sb = sandbox("trim-config");
    sb.gitconfig(&format!("{}[ksreply]\n\ttrim = true\n", sender_gitconfig(None)));
    let s = format_patch(&sb, 1, None);
    let editor = script(
        &sb.path().join("editor.sh"),
        "sed -i 's/^> Free it on the error path.$/&\\nOnly there?/' \"$1\"",
    );
    let o = sb
        .ksreply()
        .env("GIT_EDITOR", &editor)
        .args(["--dry-run", "--msgid", &s.patch_ids[0], s.mbox.to_str().unwrap()])
        .output()
        .unwrap();
    ok(&o);
    assert!(o.stderr_text().contains("trimmed: "), "{}", o.stderr_text());
    assert_eq!(
        body_of(o.stdout_text().split_once("\n\n").unwrap().1),
        format!(
            "{ATTRIBUTION}\n\
             > The bar is leaked when foo fails to probe.\n\
             > Free it on the error path.\n\
             Only there?\n\
             > [...]\n"
        )
    );
    let o = sb.run(&["--trim", "--print", s.mbox.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", o.stderr_text());
    assert!(o.stderr_text().starts_with("ksreply: --trim "), "{}", o.stderr_text());
}

/// `--sendmail-cmd` that stores each message as `sent-N.eml` in `dir` and
/// fails on call number `fail_on` (0: never).
fn counting_sendmail(dir: &Path, fail_on: u32) -> PathBuf {
    script(
        &dir.join("sendmail.sh"),
        &format!(
            "n=$(($(cat {d}/count 2>/dev/null || echo 0) + 1)); echo $n > {d}/count\n\
             [ $n -eq {fail_on} ] && {{ echo 'refused' >&2; exit 1; }}\n\
             cat > {d}/sent-$n.eml",
            d = dir.display()
        ),
    )
}

/// Issue 17, point 4: the newest revision by default, --series-version,
/// --patches (never the cover letter), and refusals before anything is
/// written.
#[test]
fn series_picks_the_revision_and_the_patches() {
    let sb = sandbox("series-pick");
    let v1 = format_patch(&sb, 1, None);
    let v2 = format_patch(&sb, 2, Some(&v1.cover_id));
    let both = sb.path().join("both.mbox");
    let mut data = std::fs::read(&v1.mbox).unwrap();
    data.extend(std::fs::read(&v2.mbox).unwrap());
    std::fs::write(&both, data).unwrap();
    let both_s = both.to_str().unwrap();
    let sendmail = counting_sendmail(sb.path(), 0);
    let run = |args: &[&str]| {
        sb.ksreply()
            .args(["--series", "--trailer", "reviewed", "--no-edit", "--yes", "--new"])
            .arg(format!("--sendmail-cmd={}", sendmail.display()))
            .args(args)
            .output()
            .unwrap()
    };
    let sent_to = || -> Vec<String> {
        let mut files = list_dir(sb.path());
        files.retain(|f| f.file_name().unwrap().to_string_lossy().starts_with("sent-"));
        files.sort();
        let ids = files
            .iter()
            .map(|f| msg_ids(&header(&std::fs::read_to_string(f).unwrap(), "In-Reply-To").unwrap()).remove(0))
            .collect();
        for f in files {
            std::fs::remove_file(f).unwrap();
        }
        let _ = std::fs::remove_file(sb.path().join("count"));
        ids
    };
    // Named by v1's cover letter: v2, the newest, is answered.
    let o = run(&[&v1.cover_id, both_s]);
    ok(&o);
    assert!(
        o.stderr_text().contains("answering v2 of the series"),
        "{}",
        o.stderr_text()
    );
    assert_eq!(sent_to(), v2.patch_ids);
    ok(&run(&["--series-version", "1", &v1.patch_ids[1], both_s]));
    assert_eq!(sent_to(), v1.patch_ids);
    // A subset; the cover letter is refused with a warning.
    let o = run(&["--patches", "0,2", both_s]);
    ok(&o);
    assert!(
        o.stderr_text().contains("not replying to the cover letter"),
        "{}",
        o.stderr_text()
    );
    assert_eq!(sent_to(), [v2.patch_ids[1].clone()]);
    // Refused: a patch the series lacks, a version the thread lacks, an
    // output flag, --series-version alone.
    let o = run(&["--patches", "2-4", both_s]);
    assert_eq!(o.status.code(), Some(1), "{}", o.stderr_text());
    assert!(o.stderr_text().contains("no patch 4"), "{}", o.stderr_text());
    let o = run(&["--series-version", "3", both_s]);
    assert_eq!(o.status.code(), Some(2), "{}", o.stderr_text());
    assert!(o.stderr_text().contains("versions: v1, v2"), "{}", o.stderr_text());
    for args in [
        &["--series", "--print", both_s][..],
        &["--series-version", "2", both_s],
        &["--series", "--json", "--yes", both_s],
    ] {
        let o = sb.run(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", o.stderr_text());
    }
    assert!(sent_to().is_empty());
}

/// `--series ID`: the thread is fetched (t.mbox.gz) from the archive.
#[test]
fn series_of_a_message_id_fetches_its_thread() {
    use crate::harness::http::{HttpServer, Reply};
    use std::io::Write;
    let sb = sandbox("series-fetch");
    let s = format_patch(&sb, 1, None);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&std::fs::read(&s.mbox).unwrap()).unwrap();
    let thread = gz.finish().unwrap();
    let server = HttpServer::start(move |path| match path.ends_with("/t.mbox.gz") {
        true => Reply::new(200, "application/gzip", thread.clone()),
        false => Reply::not_found(),
    });
    let base = server.url("list/");
    let o = sb.run(&[
        "--series",
        "--trailer",
        "reviewed",
        "--no-edit",
        "--dry-run",
        "--base",
        &base,
        &s.patch_ids[1],
    ]);
    ok(&o);
    let irt: Vec<String> = o
        .stdout_text()
        .lines()
        .filter_map(|l| l.strip_prefix("In-Reply-To: "))
        .map(|v| msg_ids(v).remove(0))
        .collect();
    assert_eq!(irt, s.patch_ids);
    assert!(
        server.paths().iter().all(|p| p.ends_with("/t.mbox.gz")),
        "{:?}",
        server.paths()
    );
}

/// A failure in the middle of a series: what was sent is filed, the rest
/// stays in drafts/ and is named; --resume sends it.
#[test]
fn series_failure_midway_keeps_the_other_drafts() {
    let sb = sandbox("series-fail");
    let s = format_patch(&sb, 1, None);
    let sendmail = counting_sendmail(sb.path(), 2);
    let o = sb
        .ksreply()
        .args(["--series", "--trailer", "reviewed", "--no-edit", "--yes"])
        .arg(format!("--sendmail-cmd={}", sendmail.display()))
        .args([&s.cover_id, s.mbox.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(4), "{}", o.stderr_text());
    let err = o.stderr_text();
    let last = err.trim_end().lines().last().unwrap();
    assert!(last.starts_with("ksreply: [PATCH 2/3] "), "{err}");
    assert!(last.contains("1 of 3 replies sent"), "{err}");
    let drafts = sb.drafts();
    assert_eq!(drafts.len(), 2, "{drafts:?}");
    for d in &drafts {
        assert!(last.contains(&d.display().to_string()), "{err}");
    }
    assert_eq!(list_dir(&sb.drafts_dir().with_file_name("sent")).len(), 1);
    for d in &drafts {
        let o = sb
            .ksreply()
            .args(["--resume", d.to_str().unwrap(), "--no-edit", "--yes"])
            .arg(format!("--sendmail-cmd={}", sendmail.display()))
            .output()
            .unwrap();
        ok(&o);
    }
    let mut replied: Vec<String> = (1..=4)
        .filter(|n| *n != 2)
        .map(|n| {
            let m = std::fs::read_to_string(sb.path().join(format!("sent-{n}.eml"))).unwrap();
            msg_ids(&header(&m, "In-Reply-To").unwrap()).remove(0)
        })
        .collect();
    assert_eq!(replied[0], s.patch_ids[0], "the first went out before the failure");
    replied.sort();
    let mut want = s.patch_ids.clone();
    want.sort();
    assert_eq!(replied, want, "each patch answered once");
}

/// Every test here sends to a real aiosmtpd (and some drive tmux).
mod server {
    use super::*;
    use crate::harness::smtp::{Received, Security, SinkOptions, SmtpSink};
    use crate::harness::KSREPLY;

    fn sandbox_with(label: &str, sink: &SmtpSink) -> Sandbox {
        let sb = Sandbox::new(label);
        sb.gitconfig(&sender_gitconfig(Some(sink)));
        sb
    }

    fn sent_drafts(sb: &Sandbox) -> Vec<PathBuf> {
        let mut v = list_dir(&sb.drafts_dir().with_file_name("sent"));
        v.sort();
        v
    }

    /// Issue 17, done when: `ksreply --series --trailer reviewed --no-edit
    /// --yes COVER-ID mbox` sends three replies, each In-Reply-To its patch,
    /// each with Reviewed-by after the quoted Signed-off-by and no quoted
    /// diff line; all three pass --check --strict.
    #[test]
    fn series_sends_one_trailer_reply_per_patch() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let sb = sandbox_with("series-send", &sink);
        let s = format_patch(&sb, 1, None);
        let o = sb.run(&[
            "--series",
            "--trailer",
            "reviewed",
            "--no-edit",
            "--yes",
            &s.cover_id,
            s.mbox.to_str().unwrap(),
        ]);
        ok(&o);
        let msgs: Vec<Received> = sink.messages();
        assert_eq!(msgs.len(), 3, "{}", o.stderr_text());
        for (m, patch) in msgs.iter().zip(&s.patch_ids) {
            let text = m.text();
            assert_eq!(msg_ids(&header(&text, "In-Reply-To").unwrap()), [patch.as_str()]);
            let refs = msg_ids(&header(&text, "References").unwrap());
            assert_eq!(refs, [s.cover_id.clone(), patch.clone()]);
            let body = body_of(&text);
            assert!(
                body.contains(&format!(
                    "> Signed-off-by: Alice Author <alice@example.org>\n> [...]\n\n{REVIEWED}\n"
                )),
                "{body}"
            );
            let diff_line = |l: &&str| {
                let c = l.strip_prefix("> ").unwrap_or("");
                c.starts_with("diff --git") || c.starts_with("@@ ") || c.starts_with("--- ") || c.starts_with("+++ ")
            };
            assert!(!body.lines().any(|l| diff_line(&l)), "{body}");
            assert!(header(&text, "Subject").unwrap().starts_with("Re: [PATCH "));
        }
        let filed = sent_drafts(&sb);
        assert_eq!(filed.len(), 3);
        for f in &filed {
            passes_strict_check(&sb, f);
        }
        assert!(sb.drafts().is_empty());
        assert_eq!(o.stdout_text().lines().count(), 3, "one Message-ID a reply");
    }

    /// The reply `--print` drafts for patch 1, as lines, and the expected
    /// trimmed body for one comment under `> +int bar_10b;` (in
    /// drivers/bar.c, the first file of the patch).
    fn expected_trim(sb: &Sandbox, s: &GitSeries, comment: &str) -> String {
        let full = body_of(&print_reply(sb, s, &s.patch_ids[0], &[]));
        let lines: Vec<&str> = full.lines().collect();
        let file = lines
            .iter()
            .position(|l| *l == "> diff --git a/drivers/bar.c b/drivers/bar.c")
            .unwrap();
        let hunk = file + lines[file..].iter().position(|l| l.starts_with("> @@ ")).unwrap();
        let commented = lines.iter().position(|l| *l == "> +int bar_10b;").unwrap();
        let mut want = vec![lines[0], "> [...]", lines[file], "> [...]"];
        want.extend(&lines[hunk..=commented]);
        want.extend([comment, "> [...]"]);
        want.join("\n") + "\n"
    }

    const COMMENT: &str = "Why a new bar?";

    fn comment_editor(sb: &Sandbox) -> PathBuf {
        script(
            &sb.path().join("editor.sh"),
            &format!("sed -i 's/^> +int bar_10b;$/&\\n{COMMENT}/' \"$1\""),
        )
    }

    /// Issue 17, done when: one comment under one hunk of a multi-file
    /// patch; after --trim the sent body is that file's diff --git line, the
    /// hunk's header and lines down to the comment, the comment, and
    /// `> [...]` for everything else.
    #[test]
    fn trim_sends_the_commented_hunk_only() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let sb = sandbox_with("trim-send", &sink);
        let s = format_patch(&sb, 1, None);
        let want = expected_trim(&sb, &s, COMMENT);
        assert!(want.contains("> @@ -8,6 +8,7 @@"), "{want}");
        let o = sb
            .ksreply()
            .env("GIT_EDITOR", comment_editor(&sb))
            .args([
                "--trim",
                "--yes",
                "--strict",
                "--msgid",
                &s.patch_ids[0],
                s.mbox.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        ok(&o);
        let msgs = sink.messages();
        assert_eq!(msgs.len(), 1);
        assert_eq!(body_of(&msgs[0].text()), want);
        passes_strict_check(&sb, &sent_drafts(&sb)[0]);
    }

    /// The menu's "trim" shows the trimmed draft and asks again; the review
    /// summary names the comment's file and hunk before that.
    #[test]
    fn menu_trim_shows_the_result_then_sends() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let sb = sandbox_with("trim-menu", &sink);
        let s = format_patch(&sb, 1, None);
        let want = expected_trim(&sb, &s, COMMENT);
        let t = sb.tmux(
            "trim",
            &format!(
                "GIT_EDITOR={} {KSREPLY} --msgid {} {}",
                comment_editor(&sb).display(),
                s.patch_ids[0],
                s.mbox.display()
            ),
        );
        let pane = t.wait_text("Send this reply?");
        assert!(
            pane.contains("Review:  1 comment: drivers/bar.c @@ -8,6 +8,7 @@ int bar_7;"),
            "{}",
            t.report()
        );
        assert!(pane.contains("no trailers"), "{}", t.report());
        t.keys(&["j", "j", "Enter"]);
        t.wait_text("trimmed: ");
        t.wait_for("the menu again after the trimmed draft", |p| {
            p.contains(&format!("> +int bar_10b;\n{COMMENT}\n> [...]")) && p.matches("Send this reply?").count() == 2
        });
        t.keys(&["Enter"]);
        t.wait_until("the reply at the SMTP sink", || sink.messages().len() == 1);
        assert_eq!(body_of(&sink.messages()[0].text()), want);
    }

    /// --series on a terminal: the editor on each draft in turn, one
    /// confirmation listing every patch.
    #[test]
    fn series_edits_each_draft_and_confirms_once() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let sb = sandbox_with("series-tty", &sink);
        let s = format_patch(&sb, 1, None);
        let log = sb.path().join("edited.log");
        let editor = script(
            &sb.path().join("editor.sh"),
            &format!("echo \"$1\" >> {}\nprintf 'Nice.\\n' >> \"$1\"", log.display()),
        );
        let t = sb.tmux(
            "series",
            &format!(
                "GIT_EDITOR={} {KSREPLY} --series --trailer reviewed {} {}",
                editor.display(),
                s.cover_id,
                s.mbox.display()
            ),
        );
        let pane = t.wait_text("Send these 3 replies, each to its patch?");
        for subject in [
            "[PATCH 1/3] foo: fix the bar leak",
            "[PATCH 2/3] foo: widen foo_12",
            "[PATCH 3/3] Documentation: foo: more",
        ] {
            assert!(pane.contains(subject), "{}", t.report());
        }
        assert_eq!(pane.matches(REVIEWED).count(), 3, "{}", t.report());
        let edited = std::fs::read_to_string(&log).unwrap();
        assert_eq!(edited.lines().count(), 3, "{edited}");
        t.keys(&["Enter"]);
        t.wait_until("three replies at the SMTP sink", || sink.messages().len() == 3);
        for (m, patch) in sink.messages().iter().zip(&s.patch_ids) {
            let text = m.text();
            assert_eq!(msg_ids(&header(&text, "In-Reply-To").unwrap()), [patch.as_str()]);
            assert!(body_of(&text).ends_with(&format!("{REVIEWED}\nNice.\n")), "{text}");
        }
    }
}
