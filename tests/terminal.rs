//! ksreply on a real terminal (a private tmux server): what Ctrl-C does at
//! the confirmation and while the editor runs (issue 18, point 5).

/// tmux drives a real terminal: left out of `--quick` with the servers.
mod server {
    use crate::harness::{script, seed, Sandbox};

    fn sandbox(label: &str) -> Sandbox {
        let sb = Sandbox::new(label);
        sb.gitconfig("[user]\n\tname = Me\n\temail = me@example.org\n");
        sb
    }

    /// Ctrl-C at the menu: the cursor is shown again, the same "draft kept:
    /// PATH (resume with: …)" line as every other failure, exit 130.
    #[test]
    fn ctrl_c_at_the_menu_restores_the_terminal_and_names_the_draft() {
        let sb = sandbox("menu-ctrl-c");
        let editor = script(&sb.path().join("editor.sh"), "printf '\\nMy answer.\\n' >> \"$1\"");
        let t = sb.tmux(
            "menu",
            &format!(
                "GIT_EDITOR={} {} {}",
                editor.display(),
                env!("CARGO_BIN_EXE_ksreply"),
                seed().display()
            ),
        );
        t.wait_text("Send this reply?");
        t.keys(&["C-c"]);
        let pane = t.wait_text("[exited with status");
        assert!(pane.contains("[exited with status 130]"), "{}", t.report());
        assert!(
            pane.contains("draft kept: ") && pane.contains("resume with: ksreply --resume"),
            "{}",
            t.report()
        );
        assert!(t.cursor_visible(), "the cursor is visible again\n{}", t.report());
        assert_eq!(sb.drafts().len(), 1);
    }

    /// Issue 18, point 8: replying again to a message whose reply was
    /// saved unsent offers to go on with it; Enter takes it up, edits in
    /// the editor, and the menu follows.
    #[test]
    fn an_unsent_draft_of_the_same_reply_is_offered() {
        let sb = sandbox("resume-offer");
        let editor = script(&sb.path().join("editor.sh"), "printf '\nMore.\n' >> \"$1\"");
        // A first reply, edited and saved (a dry run keeps the draft).
        let o = sb
            .ksreply()
            .env("GIT_EDITOR", &editor)
            .args(["--dry-run", seed().to_str().unwrap()])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let first = sb.drafts();
        assert_eq!(first.len(), 1);
        let t = sb.tmux(
            "offer",
            &format!(
                "GIT_EDITOR={} {} {}",
                editor.display(),
                env!("CARGO_BIN_EXE_ksreply"),
                seed().display()
            ),
        );
        t.wait_text("Resume it?");
        t.keys(&["Enter"]);
        t.wait_text("Send this reply?");
        t.keys(&["Escape"]);
        t.wait_text("[exited with status 0]");
        assert_eq!(sb.drafts(), first, "no second draft");
        let text = std::fs::read_to_string(&first[0]).unwrap();
        assert_eq!(text.matches("More.").count(), 2, "edited twice: {text}");
    }

    /// Ctrl-C while the editor runs goes to the editor (here one that
    /// ignores it, as ed does; `exec`, so no shell stands between); ksreply
    /// waits for it and goes on.
    #[test]
    fn ctrl_c_while_editing_goes_to_the_editor() {
        let sb = sandbox("edit-ctrl-c");
        let editor = script(
            &sb.path().join("editor.sh"),
            "trap '' INT QUIT\necho EDITING\nsleep 2\nprintf '\\nMy answer.\\n' >> \"$1\"",
        );
        let t = sb.tmux(
            "edit",
            // Job control, as in a user's shell: Ctrl-C goes to ksreply's
            // process group, not to the launcher shell.
            &format!(
                "set -m; GIT_EDITOR='exec {}' {} --dry-run {} > {}",
                editor.display(),
                env!("CARGO_BIN_EXE_ksreply"),
                seed().display(),
                sb.path().join("out.txt").display()
            ),
        );
        t.wait_text("EDITING");
        // (Ctrl-\ would also end this test's non-interactive launcher
        // shell; SIGQUIT is covered by send_cli's interrupt test.)
        t.keys(&["C-c"]);
        let pane = t.wait_text("[exited with status");
        assert!(pane.contains("[exited with status 0]"), "{}", t.report());
        let out = std::fs::read_to_string(sb.path().join("out.txt")).unwrap();
        assert!(out.starts_with("Dry run: nothing sent."), "{out}");
        assert!(out.contains("My answer."), "the editor finished its edit");
    }
}

/// Issue 14, point 1: a subject and a Cc name encoded twice, whose inner
/// text is an OSC escape sequence, cannot hide anything on the confirmation
/// screen: the escape is shown as `^[`, every envelope recipient is listed,
/// and what the server receives is what the screen showed.
mod hostile {
    /// tmux and aiosmtpd: out of `--quick`.
    pub mod server {
        use crate::harness::smtp::{Security, SinkOptions, SmtpSink};
        use crate::harness::{script, Sandbox};

        fn b64(s: &str) -> String {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(s)
        }

        #[test]
        fn the_summary_shows_exactly_what_is_sent() {
            let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
            let sb = Sandbox::new("hostile-summary");
            sb.gitconfig(&format!(
                "[user]\n\tname = Me\n\temail = me@example.org\n{}",
                sink.sendemail_config()
            ));
            // Decoded once, these are encoded-words again; decoded twice, an
            // OSC sequence that would swallow the rest of the line.
            let inner = format!("=?utf-8?b?{}?=", b64("\x1b]0;x\x07List"));
            let subject = format!("=?utf-8?b?{}?=", b64(&format!("Hi {inner}")));
            let name = format!("=?utf-8?b?{}?=", b64(&inner));
            let msg = format!(
            "From: A <a@example.org>\nTo: list@example.org\nCc: {name} <collector@evil.example>\nSubject: {subject}\n\
             Message-ID: <hostile@example.org>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n\nHello.\n"
        );
            let file = sb.path().join("hostile.eml");
            std::fs::write(&file, msg).unwrap();
            let editor = script(&sb.path().join("editor.sh"), "printf '\\nMy answer.\\n' >> \"$1\"");
            let t = sb.tmux(
                "hostile",
                &format!(
                    "GIT_EDITOR={} {} {}",
                    editor.display(),
                    env!("CARGO_BIN_EXE_ksreply"),
                    file.display()
                ),
            );
            let pane = t.wait_text("Send this reply?");
            let cc = pane
                .lines()
                .find(|l| l.starts_with("Cc:"))
                .unwrap_or_default()
                .to_string();
            assert!(cc.contains("collector@evil.example"), "{}", t.report());
            assert!(pane.contains("Goes to: 3 recipient(s)"), "{}", t.report());
            t.keys(&["Enter"]);
            let pane = t.wait_text("[exited with status");
            assert!(pane.contains("[exited with status 0]"), "{}", t.report());
            let got = sink.messages();
            assert_eq!(got.len(), 1);
            let mut rcpts = got[0].rcpt_tos.clone();
            rcpts.sort();
            assert_eq!(rcpts, ["a@example.org", "collector@evil.example", "list@example.org"]);
            // The subject on the wire decodes to the literal text, no escape.
            let wire = String::from_utf8_lossy(&got[0].data).to_string();
            assert!(!wire.contains('\x1b') && !wire.contains('\x07'));
        }
    }
}
