//! The shell completions, installed by the documented commands and working:
//! bash completes partial flags and flag values when the installed file is
//! sourced in a bare `bash --norc`.

use crate::harness::{root, Sandbox};
use std::path::Path;

/// The shell block that follows `<!-- install-completions -->` in
/// docs/mail-clients.md.
fn documented_install_commands() -> String {
    let doc = std::fs::read_to_string(root().join("docs/mail-clients.md")).unwrap();
    let after = doc
        .split_once("<!-- install-completions -->")
        .expect("docs/mail-clients.md marks its install commands with <!-- install-completions -->")
        .1;
    let block = after
        .trim_start()
        .strip_prefix("```sh\n")
        .expect("a ```sh block after the marker");
    block.split_once("\n```").expect("the block ends").0.to_string()
}

/// Run the documented commands from the checkout with the sandbox's HOME.
fn install(sb: &Sandbox) {
    let cmds = documented_install_commands();
    let o = sb
        .command("bash")
        .args(["--norc", "--noprofile", "-e", "-c"])
        .arg(&cmds)
        .current_dir(root())
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_CONFIG_HOME")
        .output()
        .unwrap_or_else(|e| panic!("cannot run bash: {e}"));
    assert!(
        o.status.success(),
        "the documented install commands failed:\n{cmds}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn documented_install_puts_each_shell_file_in_place() {
    let sb = Sandbox::new("completions-install");
    install(&sb);
    for (shipped, installed) in [
        (
            "completions/ksreply.bash",
            ".local/share/bash-completion/completions/ksreply",
        ),
        ("completions/_ksreply", ".zfunc/_ksreply"),
        ("completions/ksreply.fish", ".config/fish/completions/ksreply.fish"),
    ] {
        let want = std::fs::read(root().join(shipped)).unwrap();
        let got = std::fs::read(sb.home().join(installed)).unwrap_or_else(|e| panic!("{installed}: {e}"));
        assert!(got == want, "{installed} is not {shipped}");
    }
}

/// Ask bash for the completions of a command line whose last word is
/// being completed, as readline would: COMP_WORDS/COMP_CWORD set, the
/// function registered by `complete` called with (command, word, previous).
fn bash_complete(sb: &Sandbox, script: &Path, cwd: &Path, lines: &[&[&str]]) -> Vec<Vec<String>> {
    let mut prog = String::from(
        r#"source "$1" || exit 3
spec=$(complete -p ksreply) || exit 4
fn=$(printf '%s\n' "$spec" | sed -n 's/.* -F \([^ ]*\) .*/\1/p')
[ -n "$fn" ] || { echo "no -F function in: $spec" >&2; exit 5; }
comp() {
  COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
  "$fn" ksreply "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
  printf '%s\n' "${COMPREPLY[@]}" | sort; echo '@@'
}
"#,
    );
    for words in lines {
        prog.push_str("comp");
        for w in *words {
            prog.push_str(&format!(" '{w}'"));
        }
        prog.push('\n');
    }
    let o = sb
        .command("bash")
        .args(["--norc", "--noprofile", "-c", &prog, "bash"])
        .arg(script)
        .current_dir(cwd)
        .output()
        .unwrap_or_else(|e| panic!("cannot run bash: {e}"));
    assert!(o.status.success(), "bash: {}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    out.split("@@\n")
        .take(lines.len())
        .map(|chunk| chunk.lines().filter(|l| !l.is_empty()).map(String::from).collect())
        .collect()
}

#[test]
fn bash_completes_partial_flags_and_values() {
    let sb = Sandbox::new("completions-bash");
    install(&sb);
    let script = sb.home().join(".local/share/bash-completion/completions/ksreply");
    std::fs::write(sb.home().join("reply-draft.eml"), "").unwrap();
    let got = bash_complete(
        &sb,
        &script,
        &sb.home(),
        &[
            &["ksreply", "--pri"],
            &["ksreply", "--re"],
            &["ksreply", "--git"],
            &["ksreply", "--print", "--recipients", "p"],
            &["ksreply", "--recipients", ""],
            &["ksreply", "--resume", "reply-d"],
            &["ksreply", "--plain"],
        ],
    );
    let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(got[0], v(&["--print"]));
    for f in ["--recipients", "--refresh", "--resume"] {
        assert!(got[1].iter().any(|c| c == f), "{f} in {:?}", got[1]);
    }
    assert!(got[1].iter().all(|c| c.starts_with("--re")), "{:?}", got[1]);
    assert_eq!(got[2], v(&["--git-send-email"]));
    assert_eq!(got[3], v(&["public-inbox"]));
    assert_eq!(got[4], v(&["all", "public-inbox", "sender"]));
    assert_eq!(got[5], v(&["reply-draft.eml"]));
    assert_eq!(got[6], v(&["--plain-text"]));
}
