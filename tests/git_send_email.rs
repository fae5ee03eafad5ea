//! The printed `git send-email` command, run by the real git send-email
//! (`--dry-run`), sends the draft with its In-Reply-To and the full
//! References chain, to the recipients ksreply chose.

use crate::harness::{require_git_send_email, seed, Sandbox};

#[test]
fn printed_command_keeps_threading_in_real_git_send_email() {
    require_git_send_email();
    let sb = Sandbox::new("git-send-email");
    let draft = sb.home().join("reply.eml");
    let o = sb
        .ksreply()
        .args([
            "--from",
            "Test Sender <sender@example.org>",
            "--git-send-email",
            "--draft",
        ])
        .arg(&draft)
        .arg(seed())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let cmd = String::from_utf8(o.stdout).unwrap();
    assert!(draft.is_file());

    // Run exactly the printed command through a shell, with test-only
    // options added right after `git send-email`.
    let cmd = cmd.replacen(
        "git send-email \\\n",
        "git send-email --dry-run --confirm=never --smtp-server=127.0.0.1 --suppress-cc=self \\\n",
        1,
    );
    let o = sb
        .command("sh")
        .arg("-c")
        .arg(&cmd)
        .env("GIT_AUTHOR_NAME", "Test Sender")
        .env("GIT_AUTHOR_EMAIL", "sender@example.org")
        .env("GIT_COMMITTER_NAME", "Test Sender")
        .env("GIT_COMMITTER_EMAIL", "sender@example.org")
        .output()
        .expect("git send-email must be installed (Debian package git-email)");
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "git send-email failed:\n{out}\n{err}");
    assert!(out.contains("Dry-OK"), "{out}");
    let header = |name: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no {name} in:\n{out}"))
            .to_string()
    };
    assert_eq!(header("In-Reply-To"), "In-Reply-To: <YT26ebT6xXWsnVMw@unreal>");
    let refs = header("References");
    let want = [
        "877dfop2lx.fsf@meer.lwn.net",
        "20210911005214.71b55ac6@coco.lan",
        "YTvuDsrUNhg/VXD0@localhost",
        "87ilz8c7ff.ffs@tglx",
        "YTyFZufZHu9BSFxk@unreal",
        "YTyWANV/mSkQbYhj@pendragon.ideasonboard.com",
        "YTybN5QwAnLfSBZC@unreal",
        "YT0n0SaWnM8aVr/S@pendragon.ideasonboard.com",
        "YT2By1+yuo7rcu2D@unreal",
        "YT2rwbBR6ilHmwSZ@kroah.com",
        "YT26ebT6xXWsnVMw@unreal",
    ]
    .map(|id| format!("<{id}>"))
    .join(" ");
    assert_eq!(refs, format!("References: {want}"));
    assert_eq!(
        header("Subject"),
        "Subject: Re: [MAINTAINER SUMMIT] User-space requirements for accelerator drivers"
    );
    let rcpts: Vec<&str> = out.lines().filter_map(|l| l.strip_prefix("RCPT TO:")).collect();
    for who in [
        "<leon@kernel.org>",
        "<greg@kroah.com>",
        "<ksummit@lists.linux.dev>",
        "<corbet@lwn.net>",
    ] {
        assert!(rcpts.contains(&who), "{who} not in {rcpts:?}");
    }
    assert!(
        !rcpts.contains(&"<sender@example.org>"),
        "own address must not be copied: {rcpts:?}"
    );
    assert_eq!(rcpts.len(), 8, "{rcpts:?}");
}
