//! ksreply reads git's configuration files itself (src/config/git_files.rs)
//! instead of running `git config`. Here real git is the reference: for
//! every layout and for a few hundred generated files, what ksreply reads
//! must equal `git config --list -z` exactly, or ksreply must know to ask
//! git (and then the end-to-end run shows it did).

use crate::harness::{root, seed, Sandbox};
use ksreply::config::git_files::{self, AskGit, Context, Entry, ParseError};
use ksreply::config::list_z_entries;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

/// A sandbox (`home/` for the user's files, `work/` to run in) whose
/// environment is what git and ksreply's reader are compared under: HOME,
/// no system config, GIT_CEILING_DIRECTORIES at the top so the ksreply
/// checkout these tests run in stays out of sight, and no XDG_CONFIG_HOME
/// (git's default, `~/.config`, is part of what is compared).
struct Layout {
    sb: Sandbox,
}

impl Layout {
    fn new(label: &str) -> Layout {
        let mut sb = Sandbox::new(label);
        let top = fs::canonicalize(sb.path()).unwrap();
        sb.set("GIT_CEILING_DIRECTORIES", top).unset("XDG_CONFIG_HOME");
        Layout { sb }
    }

    fn top(&self) -> PathBuf {
        fs::canonicalize(self.sb.path()).unwrap()
    }

    fn home(&self) -> PathBuf {
        self.top().join("home")
    }

    fn work(&self) -> PathBuf {
        self.top().join("work")
    }

    fn write(&self, path: &Path, text: impl AsRef<[u8]>) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn set(&mut self, name: &str, value: impl Into<OsString>) {
        self.sb.set(name, value.into());
    }

    fn unset(&mut self, name: &str) {
        self.sb.unset(name);
    }

    /// `git` with only the sandbox's variables.
    fn git(&self, cwd: &Path, args: &[&str]) -> std::process::Output {
        self.sb
            .command("git")
            .args(args)
            .current_dir(cwd)
            .output()
            .expect("git is installed (scripts/test installs it)")
    }

    fn git_ok(&self, cwd: &Path, args: &[&str]) {
        let out = self.git(cwd, args);
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn native(&self, cwd: &Path) -> Result<Vec<Entry>, AskGit> {
        let ctx = Context {
            cwd: fs::canonicalize(cwd).unwrap(),
            vars: self.sb.vars().iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            euid: Context::from_process().unwrap().euid,
        };
        git_files::read(&ctx)
    }

    /// What `git config --list -z` prints, or None when git fails.
    fn reference(&self, cwd: &Path) -> Option<Vec<Entry>> {
        let out = self.git(cwd, &["config", "--list", "-z"]);
        out.status.success().then(|| list_z_entries(&out.stdout))
    }

    /// ksreply must read exactly what git lists, by itself.
    fn assert_same(&self, cwd: &Path, what: &str) -> Vec<Entry> {
        let native = self
            .native(cwd)
            .unwrap_or_else(|e| panic!("{what}: ksreply asked git: {e:?}"));
        let git = self
            .reference(cwd)
            .unwrap_or_else(|| panic!("{what}: git config failed"));
        assert_eq!(show(&native), show(&git), "{what}");
        native
    }

    fn assert_asks_git(&self, cwd: &Path, what: &str) -> AskGit {
        match self.native(cwd) {
            Err(e) => e,
            Ok(entries) => panic!("{what}: read without git: {:?}", show(&entries)),
        }
    }

    fn init_repo(&self, dir: &Path) {
        fs::create_dir_all(dir).unwrap();
        self.git_ok(dir, &["init", "-q", "-b", "main"]);
    }
}

fn show(entries: &[Entry]) -> Vec<String> {
    entries
        .iter()
        .map(|(k, v)| match v {
            Some(v) => format!("{k}={}", String::from_utf8_lossy(v).escape_debug()),
            None => format!("{k} (no value)"),
        })
        .collect()
}

fn keys(entries: &[Entry]) -> Vec<&str> {
    entries.iter().map(|(k, _)| k.as_str()).collect()
}

/// Everything the file syntax allows, in one file.
const TRICKY: &str = "\u{feff}# a comment\n\
    ; another\n\
    [user]\n\
    \tname = \"Jane  Q.\" Developer   # trailing comment\n\
    \temail=jane@example.org;comment\n\
    [sendemail \"Work Account\"] smtpServer = smtp.example.org\n\
    [sendemail \"we\\\"ird\\\\sub\"]\n\
    \tfrom = \"x\\ty\\\\z\\\"q\\n\"\n\
    [SendEmail]\n\
    \tSMTPServerPort = 587\n\
    \tchainReplyTo\n\
    \tempty =\n\
    \tcontinued = one \\\n\
    two\n\
    [core.Legacy]\n\
    \tkey = v\r\n\
    [ksreply]\n\
    \tmaxMessageSize = 64m\n\
    \tutf8 = Ünïcödé \"  kept  \"\n\
    [a-b.c-d \"Sub.Section\"]\n\
    \tx-y = 1\n";

#[test]
fn global_file_syntax_matches_git() {
    let sb = Layout::new("gc-syntax");
    sb.write(&sb.home().join(".gitconfig"), TRICKY);
    let entries = sb.assert_same(&sb.work(), "tricky ~/.gitconfig");
    assert!(keys(&entries).contains(&"sendemail.Work Account.smtpserver"));
    // Latin-1 bytes are passed through as bytes, as git does.
    sb.write(
        &sb.home().join(".gitconfig"),
        b"[user]\n\tname = J\xe9r\xf4me\n".as_slice(),
    );
    sb.assert_same(&sb.work(), "non-UTF-8 value");
}

#[test]
fn file_locations_match_git() {
    let mut sb = Layout::new("gc-locations");
    let home = sb.home();
    sb.write(&home.join(".gitconfig"), "[user]\n\temail = home@example.org\n");
    sb.write(
        &home.join(".config/git/config"),
        "[user]\n\temail = xdg-default@example.org\n",
    );
    let e = sb.assert_same(&sb.work(), "~/.config/git/config then ~/.gitconfig");
    assert_eq!(e.len(), 2);

    let xdg = sb.top().join("xdg");
    sb.write(&xdg.join("git/config"), "[user]\n\temail = xdg@example.org\n");
    sb.set("XDG_CONFIG_HOME", &xdg);
    sb.assert_same(&sb.work(), "XDG_CONFIG_HOME");

    let system = sb.top().join("etc/gitconfig");
    sb.write(&system, "[sendemail]\n\tsmtpServer = system.example.org\n");
    sb.set("GIT_CONFIG_SYSTEM", &system);
    sb.set("GIT_CONFIG_NOSYSTEM", "false");
    let e = sb.assert_same(&sb.work(), "GIT_CONFIG_SYSTEM");
    assert_eq!(e[0].0, "sendemail.smtpserver");
    sb.set("GIT_CONFIG_NOSYSTEM", "yes");
    sb.assert_same(&sb.work(), "GIT_CONFIG_NOSYSTEM=yes");

    let global = sb.top().join("elsewhere.conf");
    sb.write(&global, "[user]\n\temail = global-var@example.org\n");
    sb.set("GIT_CONFIG_GLOBAL", &global);
    let e = sb.assert_same(&sb.work(), "GIT_CONFIG_GLOBAL replaces both user files");
    assert_eq!(e.len(), 1);

    sb.unset("GIT_CONFIG_GLOBAL");
    sb.unset("HOME");
    sb.unset("XDG_CONFIG_HOME");
    sb.assert_same(&sb.work(), "no HOME");
}

#[test]
fn includes_match_git() {
    let sb = Layout::new("gc-include");
    let home = sb.home();
    sb.write(
        &home.join(".gitconfig"),
        "[user]\n\tname = Before\n[include]\n\tpath = conf.d/identity\n\tpath = ~/abs-tilde\n\tpath = missing-file\n[user]\n\tname = After\n",
    );
    sb.write(
        &home.join("conf.d/identity"),
        "[user]\n\temail = inc@example.org\n[include]\n\tpath = nested\n",
    );
    sb.write(&home.join("conf.d/nested"), "[sendemail]\n\tsmtpUser = nested\n");
    sb.write(
        &home.join("abs-tilde"),
        "[sendemail]\n\tsmtpServer = tilde.example.org\n",
    );
    let e = sb.assert_same(&sb.work(), "relative, nested, ~/ and missing includes");
    assert!(keys(&e).contains(&"sendemail.smtpuser"));

    // A repository's config including a file next to it.
    let repo = sb.work().join("repo");
    sb.init_repo(&repo);
    sb.git_ok(&repo, &["config", "include.path", "local-extra"]);
    sb.write(&repo.join(".git/local-extra"), "[sendemail]\n\tto = list@example.org\n");
    let e = sb.assert_same(&repo, "include from the repository config");
    assert!(keys(&e).contains(&"sendemail.to"));

    // A cycle: git gives up after ten levels, ksreply leaves it to git.
    sb.write(&home.join(".gitconfig"), "[include]\n\tpath = .gitconfig\n");
    sb.assert_asks_git(&sb.work(), "include cycle");
    assert!(sb.reference(&sb.work()).is_none(), "git rejects the cycle too");
}

#[test]
fn repository_discovery_matches_git() {
    let sb = Layout::new("gc-repo");
    sb.write(&sb.home().join(".gitconfig"), "[user]\n\temail = home@example.org\n");
    let repo = sb.work().join("linux");
    sb.init_repo(&repo);
    sb.git_ok(&repo, &["config", "user.email", "repo@example.org"]);
    sb.git_ok(&repo, &["config", "sendemail.Work.smtpServer", "work.example.org"]);
    let e = sb.assert_same(&repo, "top of a work tree");
    assert_eq!(e.last().unwrap().0, "sendemail.Work.smtpserver");

    let sub = repo.join("drivers/hwmon");
    fs::create_dir_all(&sub).unwrap();
    sb.assert_same(&sub, "subdirectory of a work tree");

    // A linked work tree: `.git` is a file, the config is in the common dir.
    sb.git_ok(&repo, &["commit", "-q", "--allow-empty", "-m", "init"]);
    let linked = sb.work().join("linux-fixes");
    sb.git_ok(&repo, &["worktree", "add", "-q", linked.to_str().unwrap()]);
    let e = sb.assert_same(&linked, "linked work tree");
    assert!(e
        .iter()
        .any(|(_, v)| v.as_deref() == Some(b"repo@example.org".as_slice())));

    // `git init --separate-git-dir`: a `.git` file pointing elsewhere.
    let separate = sb.work().join("separate");
    fs::create_dir_all(&separate).unwrap();
    let store = sb.top().join("store.git");
    sb.git_ok(
        &separate,
        &["init", "-q", "--separate-git-dir", store.to_str().unwrap()],
    );
    sb.git_ok(&separate, &["config", "user.email", "separate@example.org"]);
    sb.assert_same(&separate, "separate git dir");

    // Newer repository formats: reftable refs, SHA-256 objects.
    for (name, args) in [
        ("reftable", ["init", "-q", "--ref-format=reftable"]),
        ("sha256", ["init", "-q", "--object-format=sha256"]),
    ] {
        let dir = sb.work().join(name);
        fs::create_dir_all(&dir).unwrap();
        sb.git_ok(&dir, &args);
        sb.git_ok(&dir, &["config", "user.email", &format!("{name}@example.org")]);
        sb.assert_same(&dir, name);
    }

    // A submodule: its `.git` file points into the superproject's .git.
    let sub_src = sb.top().join("sub-src");
    sb.init_repo(&sub_src);
    sb.git_ok(&sub_src, &["commit", "-q", "--allow-empty", "-m", "sub"]);
    sb.git_ok(
        &repo,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            sub_src.to_str().unwrap(),
            "sub",
        ],
    );
    sb.git_ok(&repo.join("sub"), &["config", "user.email", "sub@example.org"]);
    let e = sb.assert_same(&repo.join("sub"), "submodule");
    assert!(e
        .iter()
        .any(|(_, v)| v.as_deref() == Some(b"sub@example.org".as_slice())));

    // A work tree reached through a symbolic link.
    let link = sb.top().join("link-to-linux");
    std::os::unix::fs::symlink(&repo, &link).unwrap();
    sb.assert_same(&link.join("drivers"), "work tree through a symlink");

    // A `.git` directory that is not a repository is passed over.
    let fake = repo.join("fake");
    fs::create_dir_all(fake.join(".git")).unwrap();
    sb.assert_same(&fake, "empty .git directory inside a work tree");
}

#[test]
fn ceiling_directories_match_git() {
    let mut sb = Layout::new("gc-ceiling");
    let repo = sb.work().join("repo");
    sb.init_repo(&repo);
    sb.git_ok(&repo, &["config", "user.email", "repo@example.org"]);
    let deep = repo.join("a/b");
    fs::create_dir_all(&deep).unwrap();
    for (ceiling, finds_repo) in [
        (repo.clone(), false),
        (repo.join("a"), false),
        (sb.work(), true),
        (deep.clone(), true),
        (PathBuf::from("relative/ignored"), true),
        (PathBuf::from(""), true),
    ] {
        let list = format!("{}:{}", sb.top().display(), ceiling.display());
        sb.set("GIT_CEILING_DIRECTORIES", &list);
        let e = sb.assert_same(&deep, &format!("ceiling {list}"));
        assert_eq!(keys(&e).contains(&"user.email"), finds_repo, "ceiling {list}");
    }
}

/// Without a ceiling, from inside this checkout: both find the checkout's
/// own repository.
#[test]
fn the_checkout_itself_matches_git() {
    let mut sb = Layout::new("gc-checkout");
    sb.unset("GIT_CEILING_DIRECTORIES");
    let here = root();
    match sb.native(here) {
        Ok(_) => {
            sb.assert_same(here, "the ksreply checkout");
        }
        // A checkout that git itself reads specially (a worktree with its
        // own config, another owner): nothing to compare, but git must
        // read it.
        Err(e) => {
            eprintln!("checkout layout left to git: {e:?}");
            assert!(
                sb.reference(here).is_some(),
                "git cannot read the checkout's config either ({e:?})"
            );
        }
    }
}

#[test]
fn unusual_layouts_are_left_to_git() {
    let mut sb = Layout::new("gc-askgit");
    let repo = sb.work().join("repo");
    sb.init_repo(&repo);

    sb.write(
        &sb.home().join(".gitconfig"),
        "[includeIf \"gitdir:~/x/\"]\n\tpath = x\n",
    );
    sb.assert_asks_git(&repo, "includeIf");
    sb.write(&sb.home().join(".gitconfig"), "[user]\n\tname = a\tb\n");
    sb.assert_asks_git(&repo, "tab inside a value");
    sb.write(&sb.home().join(".gitconfig"), "[user\n");
    sb.assert_asks_git(&repo, "broken file");
    fs::remove_file(sb.home().join(".gitconfig")).unwrap();

    sb.assert_asks_git(&repo.join(".git"), "inside the .git directory");
    let bare = sb.work().join("bare.git");
    fs::create_dir_all(&bare).unwrap();
    sb.git_ok(&bare, &["init", "-q", "--bare"]);
    sb.assert_asks_git(&bare, "bare repository");

    sb.git_ok(&repo, &["config", "extensions.worktreeConfig", "true"]);
    sb.assert_asks_git(&repo, "per-worktree config");
    sb.git_ok(&repo, &["config", "--unset", "extensions.worktreeConfig"]);
    sb.assert_same(&repo, "per-worktree config switched off again");

    for (name, value) in [
        ("GIT_DIR", repo.join(".git").into_os_string()),
        ("GIT_CONFIG_PARAMETERS", "'user.email'='x@example.org'".into()),
        ("GIT_CONFIG_COUNT", "0".into()),
        ("GIT_CONFIG_GLOBAL", "relative.conf".into()),
    ] {
        sb.set(name, value);
        let e = sb.assert_asks_git(&repo, name);
        assert!(e.0.contains(name), "{name}: {e:?}");
        sb.unset(name);
    }
}

/// ksreply as a whole: an identity from a file it reads itself, and one
/// from an `includeIf` it leaves to git, both end up in the draft.
#[test]
fn drafts_use_both_ways_of_reading() {
    let sb = Layout::new("gc-e2e");
    let repo = sb.work().join("kernel");
    sb.init_repo(&repo);
    let seed = seed();
    // The From line of the draft, and how -v says the config was read.
    let from = |cwd: &Path| {
        let out = sb
            .sb
            .ksreply()
            .args(["--print", "-v", seed.to_str().unwrap()])
            .current_dir(cwd)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let from = text.lines().find(|l| l.starts_with("From: ")).unwrap_or("").to_string();
        let stderr = String::from_utf8(out.stderr).unwrap();
        let origin = stderr
            .lines()
            .find(|l| l.starts_with("ksreply: git config: "))
            .unwrap_or("")
            .to_string();
        (from, origin)
    };
    sb.write(
        &sb.home().join(".gitconfig"),
        "[user]\n\tname = Home Person\n\temail = home@example.org\n[include]\n\tpath = extra\n",
    );
    sb.write(
        &sb.home().join("extra"),
        "[sendemail]\n\tfrom = Included <inc@example.org>\n",
    );
    let direct = "ksreply: git config: read from the files directly".to_string();
    assert_eq!(
        from(&repo),
        ("From: Included <inc@example.org>".to_string(), direct.clone())
    );

    let work_dir = format!("gitdir:{}/", repo.display());
    sb.write(
        &sb.home().join(".gitconfig"),
        format!(
            "[user]\n\tname = Home Person\n\temail = home@example.org\n[includeIf \"{work_dir}\"]\n\tpath = work\n"
        ),
    );
    sb.write(&sb.home().join("work"), "[user]\n\temail = work@example.org\n");
    let asked = "ksreply: git config: asked git (includeIf is used)".to_string();
    assert_eq!(
        from(&repo),
        ("From: Home Person <work@example.org>".to_string(), asked.clone())
    );
    assert_eq!(
        from(&sb.work()),
        ("From: Home Person <home@example.org>".to_string(), asked)
    );
}

// ---- generated files ----

/// Small deterministic generator (xorshift), so a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    /// From `good`, or one time in eight from `bad`.
    fn mostly<'a>(&mut self, good: &[&'a str], bad: &[&'a str]) -> &'a str {
        let list = if self.next() % 8 == 0 { bad } else { good };
        self.pick(list)
    }
}

/// A config file made of fragments that stress the parser: quotes,
/// escapes, comments, blanks, CR, continuation, odd section headers.
fn generated_file(rng: &mut Rng) -> String {
    const HEADERS: &[&str] = &[
        "[user]",
        "[Sendemail \"Work\"]",
        "[a.B]",
        "[x \"q\\\"uo\\\\te\"]",
        "[x-1 \"\"]",
    ];
    const BAD_HEADERS: &[&str] = &["[ x ]", "[x\"y\"]", "[x \"y\" ]", "[]", "[x.\"y\"]", "[x \"a\nb\"]"];
    const KEYS: &[&str] = &["name", "Email", "smtp-Server", "k1"];
    const BAD_KEYS: &[&str] = &["1k", "-k", "k_", "k.k"];
    const VALUE_PARTS: &[&str] = &[
        "v", "w", " ", "  ", "\t", "\"", "\"", "\\\"", "\\\\", "\\n", "\\t", "\\b", "\\x", "\\\n", "#c", ";c", "=",
        "ü", "\r", "\"a #b\"", "''", "[s]",
    ];
    let mut text = String::new();
    for _ in 0..(1 + rng.next() % 6) {
        match rng.next() % 4 {
            0 => text.push_str(rng.mostly(HEADERS, BAD_HEADERS)),
            1 => text.push_str(rng.pick(&["# comment", "; comment", "", "  \t", "\r"])),
            _ => {
                text.push_str(rng.pick(&["", "\t", "  "]));
                text.push_str(rng.mostly(KEYS, BAD_KEYS));
                match rng.next() % 4 {
                    0 => {}
                    _ => {
                        text.push_str(rng.pick(&["=", " = ", "\t=", " ="]));
                        for _ in 0..(rng.next() % 5) {
                            text.push_str(rng.pick(VALUE_PARTS));
                        }
                    }
                }
            }
        }
        text.push_str(rng.pick(&["\n", "\n", "\r\n", " \n"]));
    }
    if rng.next() % 8 == 0 {
        text.pop(); // no final newline
    }
    text
}

#[test]
fn generated_files_parse_as_git_parses_them() {
    let sb = Layout::new("gc-generated");
    let file = sb.top().join("generated.conf");
    let cases: u64 = std::env::var("KSREPLY_CONFIG_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let (mut agreed, mut rejected, mut version_dependent) = (0, 0, 0);
    for seed in 1..=cases {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let text = generated_file(&mut rng);
        fs::write(&file, &text).unwrap();
        let git = sb.git(&sb.top(), &["config", "--list", "-z", "--file", file.to_str().unwrap()]);
        let git = git.status.success().then(|| list_z_entries(&git.stdout));
        match (git_files::parse(text.as_bytes()), git) {
            (Ok(native), Some(git)) => {
                assert_eq!(show(&native), show(&git), "seed {seed}: {text:?}");
                agreed += 1;
            }
            (Err(ParseError::BadLine(_)), None) => rejected += 1,
            (Err(ParseError::VersionDependent(_)), _) => version_dependent += 1,
            (native, git) => panic!("seed {seed}: {text:?}\nksreply: {native:?}\ngit: {git:?}"),
        }
    }
    eprintln!("{agreed} read alike, {rejected} rejected by both, {version_dependent} left to git");
    assert!(
        agreed > cases / 4 && rejected > cases / 20,
        "the generator covers both outcomes"
    );
}
