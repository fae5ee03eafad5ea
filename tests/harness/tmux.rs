//! Driving real terminal programs (neomutt, aerc, ksreply's own prompts)
//! under tmux, for the integration tests.
//!
//! Every [`Tmux`] is a private tmux server (`tmux -L NAME`, a name unique to
//! this process and session) so that a tmux server the developer already
//! runs never lends its environment to the program under test. The program
//! is started by a launcher script that exports the whole environment
//! itself. `Drop` runs `kill-server` on that private server only, also when
//! the test panics.
//!
//! Waiting is polling with a timeout, never a fixed sleep; on a timeout the
//! test fails with the pane's text and any log files named with
//! [`Tmux::diag_file`].
//!
//! [`Sandbox::tmux`] starts a program in a sandbox's environment this way.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use super::{script, sq, Sandbox};

/// How long to wait for anything on screen: generous, the test machine is
/// shared with other builds.
pub const TIMEOUT: Duration = Duration::from_secs(30);

const SESSION: &str = "ksreply-test";

pub struct Tmux {
    server: String,
    socket: Option<PathBuf>,
    diag: RefCell<Vec<PathBuf>>,
}

fn tmux_missing(e: std::io::Error) -> ! {
    panic!("cannot run tmux ({e}): run scripts/test as root (it installs the Debian package tmux), or `apt-get install tmux`")
}

impl Tmux {
    /// Start `launcher` (an executable script) in a detached 200x50 session
    /// on a new private server, with `cwd` as its directory. When the
    /// launcher's program exits, the pane stays (the launcher should end
    /// with `exec sleep ...` after printing the exit status) so that the
    /// failure can be read.
    pub fn start(label: &str, cwd: &Path, launcher: &Path) -> Tmux {
        static N: AtomicU32 = AtomicU32::new(0);
        let server = format!(
            "ksreply-{label}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let mut t = Tmux {
            server,
            socket: None,
            diag: RefCell::new(Vec::new()),
        };
        let out = t
            .cmd()
            .args(["new-session", "-d", "-s", SESSION, "-x", "200", "-y", "50", "-c"])
            .arg(cwd)
            .arg(launcher)
            .output()
            .unwrap_or_else(|e| tmux_missing(e));
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Where the server listens, to remove the socket when done.
        if let Ok(o) = t.cmd().args(["display-message", "-p", "#{socket_path}"]).output() {
            let p = String::from_utf8_lossy(&o.stdout).trim().to_string();
            if o.status.success() && p.ends_with(&t.server) {
                t.socket = Some(PathBuf::from(p));
            }
        }
        t
    }

    /// `tmux -L SERVER -f /dev/null` with a small, explicit environment: the
    /// server passes it on to the pane, whose launcher sets the rest.
    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.env_clear()
            .env(
                "PATH",
                std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
            )
            .env("LANG", "C.UTF-8")
            .env("TERM", "xterm-256color")
            .args(["-L", &self.server, "-f", "/dev/null"])
            .stdin(Stdio::null());
        c
    }

    pub fn server_name(&self) -> &str {
        &self.server
    }

    /// Also show this file (a log, a recorded message) when a wait fails.
    pub fn diag_file(&self, p: &Path) {
        self.diag.borrow_mut().push(p.to_path_buf());
    }

    /// Send tmux key names (`Enter`, `Escape`, `M-R`, `q`, ...).
    pub fn keys(&self, keys: &[&str]) {
        let out = self
            .cmd()
            .args(["send-keys", "-t", SESSION])
            .args(keys)
            .output()
            .unwrap_or_else(|e| tmux_missing(e));
        assert!(
            out.status.success(),
            "tmux send-keys {keys:?}: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            self.report()
        );
    }

    /// Type text literally (no key-name lookup).
    pub fn type_text(&self, text: &str) {
        let out = self
            .cmd()
            .args(["send-keys", "-t", SESSION, "-l", "--", text])
            .output()
            .unwrap_or_else(|e| tmux_missing(e));
        assert!(
            out.status.success(),
            "tmux send-keys -l {text:?}: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            self.report()
        );
    }

    /// The visible pane as text, wrapped lines joined.
    pub fn capture(&self) -> String {
        match self.cmd().args(["capture-pane", "-p", "-J", "-t", SESSION]).output() {
            Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
            Ok(o) => format!("(capture-pane failed: {})", String::from_utf8_lossy(&o.stderr).trim()),
            Err(e) => format!("(cannot run tmux: {e})"),
        }
    }

    /// Whether the pane's cursor is visible (a program that hid it and
    /// died leaves it hidden).
    pub fn cursor_visible(&self) -> bool {
        self.cmd()
            .args(["display-message", "-p", "-t", SESSION, "#{cursor_flag}"])
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "1")
    }

    /// The visible pane with its colour and attribute escape sequences.
    pub fn capture_escapes(&self) -> String {
        match self.cmd().args(["capture-pane", "-p", "-e", "-t", SESSION]).output() {
            Ok(o) => String::from_utf8_lossy(&o.stdout).into_owned(),
            Err(e) => format!("(cannot run tmux: {e})"),
        }
    }

    /// The pane and the diagnostic files, for a failure message.
    pub fn report(&self) -> String {
        let mut s = format!("--- tmux pane ({}) ---\n{}", self.server, self.capture().trim_end());
        for p in self.diag.borrow().iter() {
            let text = std::fs::read(p)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_else(|e| format!("({e})"));
            let tail: Vec<&str> = text
                .lines()
                .rev()
                .take(60)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            s.push_str(&format!(
                "\n--- {} (last 60 lines) ---\n{}",
                p.display(),
                tail.join("\n")
            ));
        }
        s
    }

    /// Poll the pane until `ok` accepts it; fail with the pane after
    /// [`TIMEOUT`]. Returns the accepted pane text.
    pub fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let pane = self.capture();
            if ok(&pane) {
                return pane;
            }
            if start.elapsed() > TIMEOUT {
                panic!("timed out after {TIMEOUT:?} waiting for {what}\n{}", self.report());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Wait until the pane shows `needle`.
    pub fn wait_text(&self, needle: &str) -> String {
        self.wait_for(&format!("{needle:?} on screen"), |p| p.contains(needle))
    }

    /// Poll any condition (a file appearing, a message at the SMTP sink),
    /// failing with the pane after [`TIMEOUT`].
    pub fn wait_until(&self, what: &str, mut ok: impl FnMut() -> bool) {
        let start = Instant::now();
        while !ok() {
            if start.elapsed() > TIMEOUT {
                panic!("timed out after {TIMEOUT:?} waiting for {what}\n{}", self.report());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // Only this test's private server; its panes get SIGHUP.
        let _ = self
            .cmd()
            .arg("kill-server")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        // tmux leaves the socket file behind.
        if let Some(s) = &self.socket {
            let _ = std::fs::remove_file(s);
        }
    }
}

/// A launcher: export `env`, run `program` (a shell command line), then show
/// how it ended and keep the pane open for the failure report.
pub fn launcher(path: &Path, env: &[(String, String)], program: &str) -> PathBuf {
    let mut body = String::new();
    for (k, v) in env {
        body.push_str(&format!("export {k}={}\n", sq(v)));
    }
    body.push_str(&format!("{program}\necho \"[exited with status $?]\"\nexec sleep 600"));
    script(path, &body)
}

impl Sandbox {
    /// Run `program` (a shell command line) in this sandbox's environment
    /// on a new private tmux server, from a launcher script `NAME.sh` in the
    /// sandbox; the pane starts in the sandbox's top directory.
    pub fn tmux(&self, name: &str, program: &str) -> Tmux {
        let run = launcher(&self.path().join(format!("{name}.sh")), &self.var_strings(), program);
        Tmux::start(name, self.path(), &run)
    }
}
