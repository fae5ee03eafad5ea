//! The committed man page and shell completions must match what the clap
//! definition generates. To update them after changing `src/cli.rs`:
//!
//!     KSREPLY_BLESS=1 cargo test --test tests generated::

use crate::harness::root;
use clap_complete::Shell;
use std::path::{Path, PathBuf};

fn man_page() -> Vec<u8> {
    let mut out = Vec::new();
    clap_mangen::Man::new(ksreply::cli::command()).render(&mut out).unwrap();
    out
}

fn completion(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut ksreply::cli::command(), "ksreply", &mut out);
    out
}

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
        (r.join("man/ksreply.1"), man_page()),
        (r.join("completions/ksreply.bash"), completion(Shell::Bash)),
        (r.join("completions/_ksreply"), completion(Shell::Zsh)),
        (r.join("completions/ksreply.fish"), completion(Shell::Fish)),
    ];
    let stale: Vec<String> = files.iter().filter_map(|(p, w)| check(p, w)).collect();
    assert!(
        stale.is_empty(),
        "{}\nregenerate with: KSREPLY_BLESS=1 cargo test --test tests generated::",
        stale.join("\n")
    );
}
