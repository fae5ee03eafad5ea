//! The committed man page and shell completions must match what the clap
//! definition generates. To update them after changing `src/cli.rs`:
//!
//!     KSREPLY_BLESS=1 cargo test --test tests generated::

use crate::harness::root;
use ksreply::cli::{generated, Generate};
use std::path::{Path, PathBuf};

fn check(path: &Path, want: &[u8]) -> Option<String> {
    if std::env::var_os("KSREPLY_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, want).unwrap();
        return None;
    }
    match std::fs::read(path) {
        Ok(have) if have == want => None,
        Ok(_) => Some(format!("{} is out of date", path.display())),
        Err(e) => Some(format!("{}: {e}", path.display())),
    }
}

#[test]
fn man_page_and_completions_are_up_to_date() {
    let r = root();
    let files: Vec<(PathBuf, Vec<u8>)> = vec![
        (r.join("man/ksreply.1"), generated(Generate::Man)),
        (r.join("completions/ksreply.bash"), generated(Generate::Bash)),
        (r.join("completions/_ksreply"), generated(Generate::Zsh)),
        (r.join("completions/ksreply.fish"), generated(Generate::Fish)),
    ];
    let stale: Vec<String> = files.iter().filter_map(|(p, w)| check(p, w)).collect();
    assert!(
        stale.is_empty(),
        "{}\nregenerate with: KSREPLY_BLESS=1 cargo test --test tests generated::",
        stale.join("\n")
    );
}
