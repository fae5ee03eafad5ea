//! Running the user's editor on the draft, the way git does.

use crate::error::{Error, Result};
use std::fs::OpenOptions;
use std::path::Path;
use std::process::{Command, Stdio};

/// The editor command line, resolved by git itself (`git var GIT_EDITOR`:
/// GIT_EDITOR, core.editor, VISUAL, EDITOR, then git's default), so ksreply
/// opens whatever `git commit` would.
pub fn resolve() -> Result<String> {
    let out = Command::new("git")
        .args(["var", "GIT_EDITOR"])
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| Error::usage(format!("cannot run git to find your editor: {e}")))?;
    let editor = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() || editor.is_empty() {
        let why = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(Error::usage(format!(
            "no editor configured (git var GIT_EDITOR: {why}); set core.editor or EDITOR"
        )));
    }
    Ok(editor)
}

/// Fail before any work when the editor cannot run: with no editor
/// configured (GIT_EDITOR, core.editor, VISUAL, EDITOR) git falls back to
/// `vi`, which without a terminal would only paint escape codes into a
/// pipe. An editor the user chose (a script, a GUI editor) is always tried.
pub fn ensure_usable(config: &crate::config::GitConfig) -> Result<()> {
    let set = |v: &str| std::env::var_os(v).is_some_and(|x| !x.is_empty());
    let chosen = set("GIT_EDITOR") || set("VISUAL") || set("EDITOR") || config.get("core.editor").is_some();
    if chosen || OpenOptions::new().read(true).write(true).open("/dev/tty").is_ok() {
        return Ok(());
    }
    Err(Error::usage(
        "no terminal for the editor and no editor configured: use --no-edit or --print to run without one, or set core.editor",
    ))
}

/// Edit `path` with `editor`. The editor gets the terminal (`/dev/tty`) as
/// its input and output even when our stdin is a pipe (the mutt/aerc
/// filter case); without a terminal (scripts, tests) it inherits ours.
/// Run through `sh -c` like git, so `EDITOR="emacs -nw"` works.
pub fn edit(editor: &str, path: &Path) -> Result<()> {
    if editor == ":" {
        // git's convention for "no editor".
        return Ok(());
    }
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(format!("{editor} \"$@\"")).arg(editor).arg(path);
    if let Ok(tty) = OpenOptions::new().read(true).write(true).open("/dev/tty") {
        let out = tty
            .try_clone()
            .map_err(|e| Error::aborted(format!("cannot use the terminal: {e}")))?;
        cmd.stdin(Stdio::from(tty)).stdout(Stdio::from(out));
    }
    // As git does: while the editor runs, Ctrl-C and Ctrl-\ are the
    // editor's business; ksreply waits instead of dying under it. Ignored
    // from before the spawn (an early signal must not kill ksreply), and
    // set back to the default in the child, so the editor gets them.
    let _guard = IgnoreInterrupts::new();
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: between fork and exec only signal(2), which is
        // async-signal-safe, is called.
        unsafe {
            cmd.pre_exec(|| {
                libc::signal(libc::SIGINT, libc::SIG_DFL);
                libc::signal(libc::SIGQUIT, libc::SIG_DFL);
                Ok(())
            });
        }
    }
    let status = cmd
        .status()
        .map_err(|e| Error::aborted(format!("cannot run the editor `{editor}`: {e}")))?;
    if !status.success() {
        let how = match status.code() {
            Some(c) => format!("exit status {c}"),
            None => "a signal".to_string(),
        };
        return Err(Error::aborted(format!("the editor `{editor}` failed ({how})")));
    }
    Ok(())
}

/// A user to ask: stderr is a terminal, /dev/tty can be opened (dialoguer
/// reads keys from it when stdin is a pipe), and stdin or stdout is a
/// terminal too. A mail client's filter has its stdout on the terminal;
/// `ksreply MSG </dev/null >out` in a script has neither and is not asked.
pub fn have_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal()
        && (std::io::stdin().is_terminal() || std::io::stdout().is_terminal())
        && OpenOptions::new().read(true).write(true).open("/dev/tty").is_ok()
}

/// SIGINT and SIGQUIT ignored while it lives (the editor's run, the menu),
/// restored when dropped.
pub struct IgnoreInterrupts {
    saved: [(libc::c_int, libc::sighandler_t); 2],
}

impl IgnoreInterrupts {
    pub fn new() -> IgnoreInterrupts {
        let ignore = |sig| {
            // SAFETY: signal(2) with SIG_IGN installs no Rust code as a
            // handler; the old disposition is restored in Drop.
            (sig, unsafe { libc::signal(sig, libc::SIG_IGN) })
        };
        IgnoreInterrupts {
            saved: [ignore(libc::SIGINT), ignore(libc::SIGQUIT)],
        }
    }
}

impl Default for IgnoreInterrupts {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for IgnoreInterrupts {
    fn drop(&mut self) {
        for (sig, old) in self.saved {
            if old != libc::SIG_ERR {
                // SAFETY: puts back the disposition signal(2) returned.
                unsafe { libc::signal(sig, old) };
            }
        }
    }
}

/// Show `text` in git's pager (`git var GIT_PAGER`: GIT_PAGER, core.pager,
/// PAGER, less) on the terminal, and wait for it.
pub fn page(text: &str) -> Result<()> {
    use std::io::Write;
    let out = Command::new("git")
        .args(["var", "GIT_PAGER"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::usage(format!("cannot run git to find your pager: {e}")))?;
    let pager = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let pager = if pager.is_empty() { "less".to_string() } else { pager };
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(&pager)
        .stdin(Stdio::piped())
        .env("LESS", std::env::var("LESS").unwrap_or_else(|_| "FRX".into()));
    if let Ok(tty) = OpenOptions::new().write(true).open("/dev/tty") {
        cmd.stdout(Stdio::from(tty));
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| Error::usage(format!("cannot run the pager `{pager}`: {e}")))?;
    if let Some(mut sin) = child.stdin.take() {
        let _ = sin.write_all(text.as_bytes());
    }
    let _ = child.wait();
    Ok(())
}
