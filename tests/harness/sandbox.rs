//! Temporary directories, and the sandbox every program of the tests runs in.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use super::{run_with_stdin, KSREPLY};

/// A directory under cargo's per-target tmp dir (`target/tmp`), removed on
/// drop. Its name starts with `tmp-PID-`, so that the directories of a test
/// process that was killed are removed by the next one
/// ([`remove_stale_dirs`]).
pub struct TempDir(Option<PathBuf>);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        remove_stale_dirs();
        let safe: String = label
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
            .collect();
        let dir = tmp_root().join(format!("tmp-{}-{safe}-{n}-{nanos}", std::process::id()));
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        TempDir(Some(dir))
    }

    pub fn path(&self) -> &Path {
        self.0.as_deref().expect("not kept")
    }

    /// Keep the directory after drop (someone else removes it: the
    /// public-inbox watchdog, or the next run's [`remove_stale_dirs`]).
    pub fn keep(mut self) -> PathBuf {
        self.0.take().expect("not kept")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if let Some(d) = &self.0 {
            let _ = fs::remove_dir_all(d);
        }
    }
}

/// `target/tmp` (cargo's CARGO_TARGET_TMPDIR), without symbolic links.
fn tmp_root() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let _ = fs::create_dir_all(tmp);
    fs::canonicalize(tmp).unwrap_or_else(|_| tmp.to_path_buf())
}

/// Remove the `tmp-PID-...` directories of test processes that are gone:
/// those killed before their `Drop`, and every directory kept on purpose (a
/// static is never dropped). Runs once per process.
pub fn remove_stale_dirs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        for entry in fs::read_dir(tmp_root()).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let pid = name.strip_prefix("tmp-").and_then(|r| r.split('-').next());
            if let Some(pid) = pid.filter(|p| p.parse::<u32>().is_ok()) {
                if !Path::new("/proc").join(pid).exists() {
                    let _ = fs::remove_dir_all(entry.path());
                }
            }
        }
    });
}

/// The entries of a directory; none when it does not exist.
pub fn list_dir(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .map(|r| r.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

/// A private world for one test: a [`TempDir`] (removed at the end) with
///
/// * `home/`: HOME, with the XDG directories at their default places under
///   it (`.config`, `.cache`, `.local/state`, `.local/share`; created by
///   whoever writes there, not here);
/// * `work/`: the working directory of every command;
///
/// and the environment every program runs with: nothing of the caller's but
/// PATH; LANG=C.UTF-8; no system git config (`GIT_CONFIG_NOSYSTEM`), no git
/// prompts, and `GIT_CEILING_DIRECTORIES` above the sandbox, so that git
/// never finds the checkout the tests run in (`target/tmp` is inside it).
/// No editor, pager, proxy, colour or git variable of the caller gets
/// through. Tests change the environment with [`Sandbox::set`] and
/// [`Sandbox::unset`], or on the `Command` they get.
pub struct Sandbox {
    dir: TempDir,
    vars: BTreeMap<String, OsString>,
}

impl Sandbox {
    pub fn new(label: &str) -> Sandbox {
        let dir = TempDir::new(label);
        let top = dir.path().to_path_buf();
        let home = top.join("home");
        fs::create_dir_all(&home).unwrap();
        fs::create_dir_all(top.join("work")).unwrap();
        let mut vars: BTreeMap<String, OsString> = BTreeMap::new();
        let mut set = |k: &str, v: &dyn AsRef<OsStr>| {
            vars.insert(k.to_string(), v.as_ref().to_os_string());
        };
        set(
            "PATH",
            &std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
        );
        set("LANG", &"C.UTF-8");
        set("HOME", &home);
        set("XDG_CONFIG_HOME", &home.join(".config"));
        set("XDG_CACHE_HOME", &home.join(".cache"));
        set("XDG_STATE_HOME", &home.join(".local/state"));
        set("XDG_DATA_HOME", &home.join(".local/share"));
        set("GIT_CONFIG_NOSYSTEM", &"1");
        set("GIT_TERMINAL_PROMPT", &"0");
        // The parent, not the sandbox itself: git's discovery goes up past a
        // ceiling it starts in.
        set("GIT_CEILING_DIRECTORIES", &top.parent().unwrap());
        Sandbox { dir, vars }
    }

    /// The sandbox's top directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// HOME.
    pub fn home(&self) -> PathBuf {
        self.path().join("home")
    }

    /// The working directory of commands.
    pub fn work(&self) -> PathBuf {
        self.path().join("work")
    }

    /// Set a variable for the commands started from now on.
    pub fn set(&mut self, name: &str, value: impl AsRef<OsStr>) -> &mut Sandbox {
        self.vars.insert(name.to_string(), value.as_ref().to_os_string());
        self
    }

    /// Remove a variable for the commands started from now on.
    pub fn unset(&mut self, name: &str) -> &mut Sandbox {
        self.vars.remove(name);
        self
    }

    /// The value of one variable of the environment.
    pub fn var(&self, name: &str) -> Option<&OsStr> {
        self.vars.get(name).map(OsString::as_os_str)
    }

    /// The whole environment of the commands.
    pub fn vars(&self) -> &BTreeMap<String, OsString> {
        &self.vars
    }

    /// The environment as text, for a shell launcher ([`super::tmux::launcher`]).
    pub fn var_strings(&self) -> Vec<(String, String)> {
        self.vars
            .iter()
            .map(|(k, v)| (k.clone(), v.to_string_lossy().into_owned()))
            .collect()
    }

    /// ksreply's drafts directory (`$XDG_STATE_HOME/ksreply/drafts`).
    pub fn drafts_dir(&self) -> PathBuf {
        Path::new(self.var("XDG_STATE_HOME").unwrap()).join("ksreply/drafts")
    }

    /// The drafts ksreply has written (and not sent).
    pub fn drafts(&self) -> Vec<PathBuf> {
        list_dir(&self.drafts_dir())
    }

    /// ksreply's cache directory (`$XDG_CACHE_HOME/ksreply`).
    pub fn cache_dir(&self) -> PathBuf {
        Path::new(self.var("XDG_CACHE_HOME").unwrap()).join("ksreply")
    }

    /// Write `~/.gitconfig`.
    pub fn gitconfig(&self, text: &str) {
        fs::write(self.home().join(".gitconfig"), text).unwrap();
    }

    /// `program` with exactly the sandbox's environment, in `work/`, with
    /// standard input from /dev/null.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut c = Command::new(program);
        c.env_clear()
            .envs(&self.vars)
            .current_dir(self.work())
            .stdin(Stdio::null());
        c
    }

    /// The ksreply binary under test, as [`Sandbox::command`].
    pub fn ksreply(&self) -> Command {
        self.command(KSREPLY)
    }

    /// `ksreply ARGS`, its output collected.
    pub fn run(&self, args: &[&str]) -> Output {
        self.ksreply()
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {KSREPLY}: {e}"))
    }

    /// `ksreply ARGS` with `input` on standard input.
    pub fn run_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        run_with_stdin(self.ksreply().args(args), input)
    }
}
