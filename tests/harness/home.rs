//! A [`Sandbox`] seen as a private HOME with a given `~/.gitconfig`, for the
//! tests that compare ksreply with mutt (tests/mutt_*.rs).

use super::Sandbox;
use std::path::PathBuf;
use std::process::Output;

/// A file of the repository, by its path from the top (`tests/data/...`).
pub fn data(rel: &str) -> PathBuf {
    super::root().join(rel)
}

pub struct Home {
    sb: Sandbox,
}

impl Home {
    /// A new sandbox with `gitconfig` as its `~/.gitconfig` (empty: none).
    pub fn new(label: &str, gitconfig: &str) -> Home {
        let sb = Sandbox::new(label);
        if !gitconfig.is_empty() {
            sb.gitconfig(gitconfig);
        }
        Home { sb }
    }

    /// The sandbox's top directory, for test files.
    pub fn path(&self) -> &std::path::Path {
        self.sb.path()
    }

    /// `ksreply ARGS` with an empty standard input.
    pub fn ksreply(&self, args: &[&str]) -> Output {
        self.ksreply_stdin(args, b"")
    }

    /// `ksreply ARGS` reading `input` on standard input.
    pub fn ksreply_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        self.sb.run_stdin(args, input)
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
