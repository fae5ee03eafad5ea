//! The ksreply binary run in a private HOME whose only git config is the
//! test's own, so the developer's identity and settings never leak in.

use super::temp::TempDir;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A file of the repository (tests read nothing outside it).
pub fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

pub struct Home {
    dir: TempDir,
}

impl Home {
    /// A new HOME with `gitconfig` as its `~/.gitconfig` (empty: none).
    pub fn new(label: &str, gitconfig: &str) -> Home {
        let dir = TempDir::new(label);
        if !gitconfig.is_empty() {
            std::fs::write(dir.path().join(".gitconfig"), gitconfig).unwrap();
        }
        Home { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self, args: &[&str]) -> Command {
        let home = self.path();
        let mut c = Command::new(env!("CARGO_BIN_EXE_ksreply"));
        // The temp dir is inside the checkout (target/tmp): stop git's
        // discovery of the checkout's .git/config at HOME.
        c.args(args)
            .current_dir(home)
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_STATE_HOME", home.join(".local/state"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CEILING_DIRECTORIES", home.parent().unwrap())
            .env_remove("GIT_CONFIG_GLOBAL")
            .env_remove("EMAIL")
            .env("NO_COLOR", "1");
        c
    }

    /// `ksreply ARGS` with an empty standard input.
    pub fn ksreply(&self, args: &[&str]) -> Output {
        self.ksreply_stdin(args, b"")
    }

    /// `ksreply ARGS` reading `input` on standard input.
    pub fn ksreply_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        super::run_with_stdin(&mut self.command(args), input)
    }
}

/// Standard output of a run that must have succeeded.
pub fn ok_stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "ksreply failed ({}): {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}
