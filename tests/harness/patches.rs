//! A real patch series: a temporary git repository with three commits by
//! another author, sent through `git format-patch --cover-letter --thread`
//! into one mbox, as a series arrives on a list.

use super::Sandbox;
use ksreply::message::mbox;
use std::path::{Path, PathBuf};

/// The series' author (the sandbox's own identity is the reviewer's).
pub const AUTHOR: &str = "Alice Author <alice@example.org>";

/// One `git format-patch` run.
pub struct GitSeries {
    /// The mbox: cover letter first, then the patches.
    pub mbox: PathBuf,
    /// The cover letter's Message-ID (no brackets).
    pub cover_id: String,
    /// Patch 1..=3's Message-IDs.
    pub patch_ids: Vec<String>,
}

/// Make the repository `repo` under the sandbox (once) and write the
/// series' `version` (1, 2, ...) into `NAME.mbox`; version 2 changes patch
/// 2 and answers version 1's cover letter (`--in-reply-to`), as a resend
/// does, so that both are in one thread.
pub fn format_patch(sb: &Sandbox, version: u32, in_reply_to: Option<&str>) -> GitSeries {
    let repo = sb.path().join("repo");
    if !repo.exists() {
        make_repo(sb, &repo);
    }
    if version > 1 {
        make_resend(sb, &repo, version);
        // git's Message-IDs hold the time in seconds: another second, other ids.
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    let out = sb.path().join(format!("series-v{version}.mbox"));
    let mut args: Vec<String> = [
        "format-patch",
        "--cover-letter",
        "--cover-from-description=subject",
        "--thread",
        "--stdout",
        "--to=list@example.org",
        "--cc=maint@example.org",
    ]
    .map(String::from)
    .to_vec();
    if version > 1 {
        args.push(format!("-v{version}"));
    }
    if let Some(id) = in_reply_to {
        args.push(format!("--in-reply-to={id}"));
    }
    args.push("-3".into());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let text = git(sb, &repo, &refs);
    std::fs::write(&out, &text).unwrap();
    let ids: Vec<(String, String)> = mbox::split(text.as_bytes())
        .map(|m| {
            let id = mbox::quick_message_id(m).expect("git format-patch writes a Message-ID");
            let subject = mbox::quick_header(m, b"Subject").unwrap_or_default();
            (id, subject)
        })
        .collect();
    assert_eq!(ids.len(), 4, "cover letter and 3 patches:\n{text}");
    assert!(ids[0].1.contains(" 0/3]"), "{ids:?}");
    GitSeries {
        mbox: out,
        cover_id: ids[0].0.clone(),
        patch_ids: ids[1..].iter().map(|(id, _)| id.clone()).collect(),
    }
}

/// The date of the commits of the first version.
const DATE: &str = "2024-03-04T10:12:01+0100";

fn git(sb: &Sandbox, repo: &Path, args: &[&str]) -> String {
    git_at(sb, repo, args, DATE)
}

/// `git commit -a -s` with a subject and a body.
fn commit(sb: &Sandbox, repo: &Path, subject: &str, body: &str, date: &str) {
    git_at(sb, repo, &["commit", "-q", "-a", "-s", "-m", subject, "-m", body], date);
}

fn git_at(sb: &Sandbox, repo: &Path, args: &[&str], date: &str) -> String {
    let o = sb
        .command("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .unwrap_or_else(|e| panic!("cannot run git ({e}): `apt-get install git`"));
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn lines(prefix: &str, n: usize) -> String {
    (1..=n).map(|i| format!("int {prefix}_{i};\n")).collect()
}

/// drivers/foo.c after patch 1 (two hunks apart) and patch 2.
fn foo_c(v2: bool) -> String {
    let base = lines("foo", 30)
        .replace("int foo_3;", "int foo_3 = 3;")
        .replace("int foo_25;", "int foo_25 = 25;");
    match v2 {
        false => base.replace("int foo_12;", "long foo_12;"),
        true => base.replace("int foo_12;", "u64 foo_12;"),
    }
}

fn make_repo(sb: &Sandbox, repo: &Path) {
    std::fs::create_dir_all(repo.join("drivers")).unwrap();
    std::fs::create_dir_all(repo.join("Documentation")).unwrap();
    git(sb, repo, &["init", "-q", "-b", "main"]);
    git(sb, repo, &["config", "user.name", "Alice Author"]);
    git(sb, repo, &["config", "user.email", "alice@example.org"]);
    let write = |p: &str, s: &str| std::fs::write(repo.join(p), s).unwrap();
    write("drivers/foo.c", &lines("foo", 30));
    write("drivers/bar.c", &lines("bar", 30));
    write("Documentation/foo.rst", "Foo\n===\n\nThe foo driver.\n");
    git(sb, repo, &["add", "."]);
    git(sb, repo, &["commit", "-q", "-m", "initial"]);
    // Patch 1 touches two files, foo.c in two hunks.
    write("drivers/foo.c", &foo_c(false).replace("long foo_12;", "int foo_12;"));
    write(
        "drivers/bar.c",
        &lines("bar", 30).replace("int bar_10;\n", "int bar_10;\nint bar_10b;\n"),
    );
    let msg1 = "The bar is leaked when foo fails to probe.\nFree it on the error path.";
    commit(sb, repo, "foo: fix the bar leak", msg1, DATE);
    write("drivers/foo.c", &foo_c(false));
    commit(sb, repo, "foo: widen foo_12", "It overflows.", DATE);
    write("Documentation/foo.rst", "Foo\n===\n\nThe foo driver, and more.\n");
    let msg3 = "Say more.\n\nReported-by: Carol <carol@example.org>";
    commit(sb, repo, "Documentation: foo: more", msg3, DATE);
    let description =
        "foo: three fixes\n\nThis series fixes the foo driver:\na leak, an overflow and the docs.\n\nPlease review.";
    git(sb, repo, &["config", "branch.main.description", description]);
}

/// Branch `vN` off the first commit: patch 1 and 3 as they were (new
/// commits), patch 2 reworked.
fn make_resend(sb: &Sandbox, repo: &Path, version: u32) {
    let date = format!("2024-03-{:02}T10:12:01+0100", 4 + 7 * (version - 1));
    let branch = format!("v{version}");
    git_at(sb, repo, &["checkout", "-q", "-B", &branch, "main~3"], &date);
    git_at(sb, repo, &["cherry-pick", "main~2"], &date);
    std::fs::write(repo.join("drivers/foo.c"), foo_c(true)).unwrap();
    commit(sb, repo, "foo: widen foo_12", "It overflows: u64.", &date);
    git_at(sb, repo, &["cherry-pick", "main"], &date);
    let description = git(sb, repo, &["config", "branch.main.description"]);
    git(
        sb,
        repo,
        &[
            "config",
            &format!("branch.{branch}.description"),
            description.trim_end(),
        ],
    );
}
