//! Reading git's configuration files the way `git config --list` does,
//! without starting git.
//!
//! Starting `git config` costs more than everything else ksreply does to
//! draft a reply (about 1.6 ms of 2.7 ms), so the common layouts are read
//! here: the system file, `$XDG_CONFIG_HOME/git/config`, `~/.gitconfig`, the
//! repository's `config` found by git's discovery rules, and `include.path`.
//! The parser is a port of git's `config.c`. Whatever this module cannot
//! reproduce with certainty (`includeIf`, `GIT_DIR` and the other variables
//! that redirect git, bare repositories, another user's repository, files
//! git would refuse) is answered with [`AskGit`], and the caller runs git.
//! `tests/git_config.rs` compares both ways over many layouts.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs;
use std::io::ErrorKind;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// One configuration entry as `git config --list -z` prints it: the key
/// (section and name lower-cased, subsection as written) and the value
/// (`None` for a bare `key` line, which git reads as boolean true).
pub type Entry = (String, Option<Vec<u8>>);

/// This layout needs git itself; the text says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AskGit(pub String);

fn ask_git<T>(why: impl Into<String>) -> Result<T, AskGit> {
    Err(AskGit(why.into()))
}

/// Environment variables that make git look elsewhere or add settings in
/// ways not reproduced here.
const REDIRECTING_VARS: &[&str] = &[
    "GIT_DIR",
    "GIT_COMMON_DIR",
    "GIT_WORK_TREE",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_OBJECT_DIRECTORY",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
    "GIT_TEST_ASSUME_DIFFERENT_OWNER",
];

/// Variables that are read here.
const READ_VARS: &[&str] = &[
    "HOME",
    "XDG_CONFIG_HOME",
    "GIT_CONFIG_SYSTEM",
    "GIT_CONFIG_NOSYSTEM",
    "GIT_CONFIG_GLOBAL",
    "GIT_CEILING_DIRECTORIES",
    "SUDO_UID",
];

/// What the reading depends on: the working directory, the environment and
/// the effective user (git ignores repositories owned by someone else).
#[derive(Debug, Clone)]
pub struct Context {
    pub cwd: PathBuf,
    pub vars: HashMap<String, OsString>,
    pub euid: u32,
}

impl Context {
    pub fn from_process() -> Result<Context, AskGit> {
        let cwd = std::env::current_dir().or_else(|e| ask_git(format!("no working directory: {e}")))?;
        let vars = REDIRECTING_VARS
            .iter()
            .chain(READ_VARS)
            .filter_map(|name| std::env::var_os(name).map(|v| (name.to_string(), v)))
            .collect();
        let euid = rustix::process::geteuid().as_raw();
        Ok(Context { cwd, vars, euid })
    }

    fn var(&self, name: &str) -> Option<&OsString> {
        self.vars.get(name)
    }

    /// A variable naming a file: git resolves relative names against the
    /// top of the work tree it has changed to, not our directory.
    fn path_var(&self, name: &str) -> Result<Option<PathBuf>, AskGit> {
        match self.var(name) {
            None => Ok(None),
            Some(v) if Path::new(v).is_absolute() => Ok(Some(PathBuf::from(v))),
            Some(_) => ask_git(format!("{name} is not an absolute path")),
        }
    }

    fn home(&self) -> Result<Option<PathBuf>, AskGit> {
        match self.var("HOME") {
            Some(h) if h.is_empty() => ask_git("HOME is empty"),
            _ => self.path_var("HOME"),
        }
    }
}

/// All entries in git's order: system, XDG, global, repository, each with
/// its includes expanded where the `include.path` line stands.
pub fn read(ctx: &Context) -> Result<Vec<Entry>, AskGit> {
    if let Some(name) = REDIRECTING_VARS.iter().find(|name| ctx.var(name).is_some()) {
        return ask_git(format!("{name} is set"));
    }
    if !cfg!(target_os = "linux") {
        // The system file's location is built into git; /etc/gitconfig is
        // where Linux distributions put it.
        return ask_git("system configuration location unknown on this platform");
    }
    let mut files: Vec<PathBuf> = Vec::new();
    let no_system = match ctx.var("GIT_CONFIG_NOSYSTEM") {
        None => false,
        Some(v) => match super::parse_bool(&v.to_string_lossy()) {
            Some(b) => b,
            None => return ask_git("GIT_CONFIG_NOSYSTEM is not a boolean"),
        },
    };
    if !no_system {
        files.push(
            ctx.path_var("GIT_CONFIG_SYSTEM")?
                .unwrap_or_else(|| PathBuf::from("/etc/gitconfig")),
        );
    }
    match ctx.path_var("GIT_CONFIG_GLOBAL")? {
        Some(global) => files.push(global),
        None => {
            let home = ctx.home()?;
            let xdg = match ctx.var("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
                Some(_) => ctx.path_var("XDG_CONFIG_HOME")?,
                None => home.as_ref().map(|h| h.join(".config")),
            };
            files.extend(xdg.map(|x| x.join("git/config")));
            files.extend(home.map(|h| h.join(".gitconfig")));
        }
    }
    let mut entries = Vec::new();
    for file in &files {
        read_file(file, 0, ctx, &mut entries)?;
    }
    if let Some(repo_config) = discover_repository_config(ctx)? {
        let start = entries.len();
        read_file(&repo_config, 0, ctx, &mut entries)?;
        check_repository_format(&entries[start..])?;
    }
    Ok(entries)
}

/// git's limit on nested includes (it dies beyond it).
const MAX_INCLUDE_DEPTH: usize = 10;

/// Append the entries of one file (nothing when it does not exist), with
/// `include.path` files read in place.
fn read_file(path: &Path, depth: usize, ctx: &Context, out: &mut Vec<Entry>) -> Result<(), AskGit> {
    let data = match fs::read(path) {
        Ok(data) => data,
        Err(e) if is_missing(&e) => return Ok(()),
        Err(e) => return ask_git(format!("{}: {e}", path.display())),
    };
    let entries = parse(&data).map_err(|e| AskGit(format!("{}: {e:?}", path.display())))?;
    for (key, value) in entries {
        let include = if key == "include.path" {
            match &value {
                Some(v) => Some(include_target(path, v, ctx)?),
                None => return ask_git("include.path without a value"),
            }
        } else if key.starts_with("includeif.") {
            return ask_git("includeIf is used");
        } else {
            None
        };
        out.push((key, value));
        if let Some(target) = include {
            if depth + 1 > MAX_INCLUDE_DEPTH {
                return ask_git("includes nested too deeply");
            }
            read_file(&target, depth + 1, ctx, out)?;
        }
    }
    Ok(())
}

/// `~/` is the home directory; a relative path is relative to the
/// directory of the including file.
fn include_target(including: &Path, value: &[u8], ctx: &Context) -> Result<PathBuf, AskGit> {
    let Ok(value) = std::str::from_utf8(value) else {
        return ask_git("include.path is not UTF-8");
    };
    if value.starts_with("%(prefix)/") || (value.starts_with('~') && value != "~" && !value.starts_with("~/")) {
        return ask_git("include.path uses %(prefix) or ~user");
    }
    if let Some(rest) = value.strip_prefix('~') {
        let Some(home) = ctx.home()? else {
            return ask_git("include.path uses ~ without HOME");
        };
        return Ok(PathBuf::from(format!("{}{rest}", home.display())));
    }
    let path = Path::new(value);
    if path.is_absolute() {
        return Ok(path.to_path_buf());
    }
    Ok(including.parent().unwrap_or(Path::new("/")).join(path))
}

fn is_missing(e: &std::io::Error) -> bool {
    e.kind() == ErrorKind::NotFound || e.raw_os_error() == Some(libc::ENOTDIR)
}

/// A repository whose format git may not read as we do.
fn check_repository_format(entries: &[Entry]) -> Result<(), AskGit> {
    for (key, value) in entries {
        let value = value.as_deref().map(String::from_utf8_lossy);
        match key.as_str() {
            "core.repositoryformatversion" if !matches!(value.as_deref().map(str::trim), Some("0" | "1")) => {
                return ask_git("unknown repository format version");
            }
            "extensions.worktreeconfig" if value.as_deref().map(super::parse_bool) != Some(Some(false)) => {
                return ask_git("per-worktree configuration is enabled");
            }
            _ => {}
        }
    }
    Ok(())
}

// ---- repository discovery (setup.c) ----

/// The `config` file of the repository the working directory is in, found
/// the way git does: `.git` (directory, or file saying `gitdir: path`) in
/// the directory or one of its parents, stopping at GIT_CEILING_DIRECTORIES
/// and at file system boundaries.
fn discover_repository_config(ctx: &Context) -> Result<Option<PathBuf>, AskGit> {
    let ceiling = ceiling_offset(ctx)?;
    let cwd = &ctx.cwd;
    let Some(cwd_str) = cwd.to_str().filter(|s| s.starts_with('/')) else {
        return ask_git("working directory is not an absolute UTF-8 path");
    };
    let device = fs::metadata(cwd)
        .map_err(|e| AskGit(format!("{}: {e}", cwd.display())))?
        .dev();
    let mut dir = cwd_str.trim_end_matches('/').to_string();
    loop {
        let here = if dir.is_empty() { "/" } else { dir.as_str() };
        let dot_git = Path::new(here).join(".git");
        match fs::metadata(&dot_git) {
            Err(e) if is_missing(&e) => {}
            Err(e) => return ask_git(format!("{}: {e}", dot_git.display())),
            Ok(m) if m.is_dir() => {
                if is_git_directory(&dot_git)? {
                    check_owner(ctx, &[Path::new(here), &dot_git])?;
                    return Ok(Some(common_dir(&dot_git)?.join("config")));
                }
            }
            Ok(m) if m.is_file() => {
                let gitdir = read_gitfile(&dot_git)?;
                check_owner(ctx, &[Path::new(here), &dot_git, &gitdir])?;
                return Ok(Some(common_dir(&gitdir)?.join("config")));
            }
            Ok(_) => return ask_git(format!("{} is not a regular file", dot_git.display())),
        }
        if is_git_directory(Path::new(here))? {
            return ask_git("inside a bare repository or a .git directory");
        }
        // Up one level, as long as that stays below the ceiling and on the
        // same file system.
        let Some(slash) = dir.rfind('/') else {
            return Ok(None);
        };
        if dir.is_empty() || slash as isize <= ceiling {
            return Ok(None);
        }
        dir.truncate(slash);
        let parent = if dir.is_empty() { "/" } else { dir.as_str() };
        match fs::metadata(parent) {
            Ok(m) if m.dev() == device => {}
            Ok(_) => return Ok(None),
            Err(e) => return ask_git(format!("{parent}: {e}")),
        }
    }
}

/// The length of the longest GIT_CEILING_DIRECTORIES entry that is a proper
/// ancestor of the working directory (-1: none): discovery does not look in
/// it or above it.
fn ceiling_offset(ctx: &Context) -> Result<isize, AskGit> {
    let Some(list) = ctx.var("GIT_CEILING_DIRECTORIES") else {
        return Ok(-1);
    };
    let Some(list) = list.to_str() else {
        return ask_git("GIT_CEILING_DIRECTORIES is not UTF-8");
    };
    let Some(cwd) = ctx.cwd.to_str() else {
        return ask_git("working directory is not UTF-8");
    };
    let mut longest: isize = -1;
    let mut after_empty = false;
    for entry in list.split(':') {
        if entry.is_empty() {
            after_empty = true;
            continue;
        }
        if !entry.starts_with('/') {
            continue;
        }
        if after_empty {
            // Entries after an empty one are compared without resolving
            // symbolic links; rare enough to leave to git.
            return ask_git("GIT_CEILING_DIRECTORIES has an empty entry");
        }
        let Ok(real) = fs::canonicalize(entry) else {
            continue;
        };
        let Some(real) = real.to_str() else {
            return ask_git("GIT_CEILING_DIRECTORIES is not UTF-8");
        };
        let real = real.trim_end_matches('/');
        let rest = &cwd[real.len().min(cwd.len())..];
        if cwd != "/" && cwd.starts_with(real) && rest.starts_with('/') && rest.len() > 1 {
            longest = longest.max(real.len() as isize);
        }
    }
    Ok(longest)
}

/// git's test for a repository directory: a valid HEAD, and `objects/` and
/// `refs/` in its common directory.
fn is_git_directory(dir: &Path) -> Result<bool, AskGit> {
    if !valid_head(&dir.join("HEAD")) {
        return Ok(false);
    }
    let common = common_dir(dir)?;
    Ok(common.join("objects").is_dir() && common.join("refs").is_dir())
}

/// Bytes of HEAD read, as git's `validate_headref` reads them (a 256-byte
/// buffer, one for the terminating NUL).
const HEAD_READ: usize = 255;

fn valid_head(path: &Path) -> bool {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return false;
    };
    if meta.file_type().is_symlink() {
        return fs::read_link(path).is_ok_and(|t| t.as_os_str().as_encoded_bytes().starts_with(b"refs/"));
    }
    let Ok(data) = fs::read(path) else {
        return false;
    };
    let data = &data[..data.len().min(HEAD_READ)];
    if let Some(target) = data.strip_prefix(b"ref:") {
        let start = target.iter().position(|&c| !is_space(c)).unwrap_or(target.len());
        if target[start..].starts_with(b"refs/") {
            return true;
        }
    }
    // A detached HEAD: a SHA-1 or SHA-256 object name.
    let hex = data.iter().take_while(|c| c.is_ascii_hexdigit()).count();
    hex == 40 || hex == 64
}

/// A linked work tree's git directory names the shared one in `commondir`.
fn common_dir(gitdir: &Path) -> Result<PathBuf, AskGit> {
    match fs::read(gitdir.join("commondir")) {
        Ok(data) => {
            let text = String::from_utf8(data).or_else(|_| ask_git("commondir is not UTF-8"))?;
            let text = text.trim_end_matches(['\n', '\r']);
            if text.is_empty() {
                return ask_git("commondir is empty");
            }
            Ok(gitdir.join(text))
        }
        Err(e) if is_missing(&e) => Ok(gitdir.to_path_buf()),
        Err(e) => ask_git(format!("{}: {e}", gitdir.display())),
    }
}

/// The repository a `.git` file points to (`gitdir: path`).
fn read_gitfile(path: &Path) -> Result<PathBuf, AskGit> {
    let data = fs::read(path).or_else(|e| ask_git(format!("{}: {e}", path.display())))?;
    let Some(rest) = data.strip_prefix(b"gitdir: ") else {
        return ask_git(format!("{}: not a gitdir file", path.display()));
    };
    let end = rest
        .iter()
        .rposition(|&c| c != b'\n' && c != b'\r')
        .map_or(0, |p| p + 1);
    let Ok(target) = std::str::from_utf8(&rest[..end]) else {
        return ask_git("gitdir path is not UTF-8");
    };
    if target.is_empty() {
        return ask_git(format!("{}: no path", path.display()));
    }
    let gitdir = path.parent().unwrap_or(Path::new("/")).join(target);
    if !is_git_directory(&gitdir)? {
        return ask_git(format!("{}: not a repository", gitdir.display()));
    }
    // git checks the owner of the resolved directory.
    fs::canonicalize(&gitdir).or_else(|e| ask_git(format!("{}: {e}", gitdir.display())))
}

/// git reads a repository's configuration only when the repository belongs
/// to the current user, unless `safe.directory` allows it: leave that to git.
fn check_owner(ctx: &Context, paths: &[&Path]) -> Result<(), AskGit> {
    if ctx.euid == 0 && ctx.var("SUDO_UID").is_some() {
        return ask_git("running under sudo");
    }
    for path in paths {
        let meta = fs::symlink_metadata(path).or_else(|e| ask_git(format!("{}: {e}", path.display())))?;
        if meta.uid() != ctx.euid {
            return ask_git(format!("{} belongs to another user", path.display()));
        }
    }
    Ok(())
}

// ---- the file format (config.c) ----

/// git's `isspace`: ASCII space, tab, newline, carriage return only.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

fn is_key_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

/// Characters with git's line handling: CRLF reads as LF, and the end of
/// the data reads as one final LF with `eof` set.
struct Chars<'a> {
    data: &'a [u8],
    pos: usize,
    eof: bool,
    line: usize,
    /// Set when parsing stopped at text that git versions read differently.
    version_dependent: bool,
}

impl Chars<'_> {
    fn next(&mut self) -> u8 {
        let Some(&c) = self.data.get(self.pos) else {
            self.eof = true;
            return b'\n';
        };
        self.pos += 1;
        if c == b'\r' && self.data.get(self.pos) == Some(&b'\n') {
            self.pos += 1;
            self.line += 1;
            return b'\n';
        }
        if c == b'\n' {
            self.line += 1;
        }
        c
    }
}

const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// Why a file's text was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseError {
    /// git rejects this line ("bad config line N").
    BadLine(usize),
    /// Versions of git read this line differently.
    VersionDependent(usize),
}

/// Parse one file's text into entries.
pub fn parse(data: &[u8]) -> Result<Vec<Entry>, ParseError> {
    let mut chars = Chars {
        data,
        pos: 0,
        eof: false,
        line: 1,
        version_dependent: false,
    };
    parse_entries(&mut chars).map_err(|line| match chars.version_dependent {
        true => ParseError::VersionDependent(line),
        false => ParseError::BadLine(line),
    })
}

fn parse_entries(chars: &mut Chars) -> Result<Vec<Entry>, usize> {
    let data = chars.data;
    if data.starts_with(UTF8_BOM) {
        chars.pos = UTF8_BOM.len();
    } else if data.first() == Some(&UTF8_BOM[0]) {
        return Err(1); // git does not tolerate a partial byte order mark
    }
    let mut entries = Vec::new();
    let mut stem: Vec<u8> = Vec::new();
    let mut comment = false;
    loop {
        let c = chars.next();
        if c == b'\n' {
            if chars.eof {
                return Ok(entries);
            }
            comment = false;
            continue;
        }
        if comment || is_space(c) {
            continue;
        }
        if c == b'#' || c == b';' {
            comment = true;
            continue;
        }
        if c == b'[' {
            let line = chars.line;
            stem = section_header(chars).ok_or(line)?;
            if stem.is_empty() {
                return Err(line);
            }
            stem.push(b'.');
            continue;
        }
        if !c.is_ascii_alphabetic() {
            return Err(chars.line);
        }
        let mut name = stem.clone();
        name.push(c.to_ascii_lowercase());
        let line = chars.line;
        let value = key_and_value(chars, &mut name).ok_or(line)?;
        entries.push((String::from_utf8_lossy(&name).into_owned(), value));
    }
}

/// After `[`: `[section]`, `[section "subsection"]` (subsection kept as
/// written, `\` quoting the next character) or the old `[section.sub]`
/// (all lower-cased).
fn section_header(chars: &mut Chars) -> Option<Vec<u8>> {
    let mut name = Vec::new();
    loop {
        let c = chars.next();
        if chars.eof {
            return None;
        }
        if c == b']' {
            return Some(name);
        }
        if is_space(c) {
            let mut c = c;
            while is_space(c) {
                if c == b'\n' {
                    return None;
                }
                c = chars.next();
            }
            if c != b'"' {
                return None;
            }
            name.push(b'.');
            loop {
                let mut c = chars.next();
                if c == b'\n' {
                    return None;
                }
                if c == b'"' {
                    break;
                }
                if c == b'\\' {
                    c = chars.next();
                    if c == b'\n' {
                        return None;
                    }
                }
                name.push(c);
            }
            return (chars.next() == b']').then_some(name);
        }
        if !is_key_char(c) && c != b'.' {
            return None;
        }
        name.push(c.to_ascii_lowercase());
    }
}

/// The rest of a key name, then nothing (a boolean) or `=` and a value.
fn key_and_value(chars: &mut Chars, name: &mut Vec<u8>) -> Option<Option<Vec<u8>>> {
    let mut c;
    loop {
        c = chars.next();
        if chars.eof || !is_key_char(c) {
            break;
        }
        name.push(c.to_ascii_lowercase());
    }
    while c == b' ' || c == b'\t' {
        c = chars.next();
    }
    if c == b'\n' {
        return Some(None);
    }
    if c != b'=' {
        return None;
    }
    value(chars).map(Some)
}

/// A value up to the end of the line: leading and trailing blanks dropped,
/// `"` quoting, `\` escapes (`\n`, `\t`, `\b`, `\\`, `\"`, line
/// continuation), `#`/`;` comments outside quotes.
fn value(chars: &mut Chars) -> Option<Vec<u8>> {
    let mut value = Vec::new();
    let mut quote = false;
    let mut comment = false;
    let mut trim_len = 0;
    let mut odd_blank = false;
    loop {
        let c = chars.next();
        if c == b'\n' {
            if quote {
                return None;
            }
            if trim_len > 0 {
                value.truncate(trim_len);
            }
            return Some(value);
        }
        if comment {
            continue;
        }
        if is_space(c) && !quote {
            if trim_len == 0 {
                trim_len = value.len();
            }
            if !value.is_empty() {
                value.push(c);
                odd_blank |= c != b' ';
            }
            continue;
        }
        if !quote && (c == b'#' || c == b';') {
            comment = true;
            continue;
        }
        if odd_blank {
            // A tab (or CR) inside an unquoted value: git before 2.48 turned
            // it into a space, later versions keep it. Let git decide.
            chars.version_dependent = true;
            return None;
        }
        trim_len = 0;
        if c == b'\\' {
            let escaped = match chars.next() {
                b'\n' => continue,
                b't' => b'\t',
                b'b' => b'\x08',
                b'n' => b'\n',
                c @ (b'\\' | b'"') => c,
                _ => return None,
            };
            value.push(escaped);
            continue;
        }
        if c == b'"' {
            quote = !quote;
            continue;
        }
        value.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Vec<(String, Option<String>)> {
        parse(text.as_bytes())
            .unwrap()
            .into_iter()
            .map(|(k, v)| (k, v.map(|v| String::from_utf8(v).unwrap())))
            .collect()
    }

    fn pair(k: &str, v: &str) -> (String, Option<String>) {
        (k.to_string(), Some(v.to_string()))
    }

    #[test]
    fn sections_keys_and_values() {
        let text = "\u{feff}# comment\n[User]\n\tName = A  \"B  \" C # trailing\n\temail=a@b ; x\n[sendemail \"Work\"]  smtpServer = s\n[Core.Sub]\nbare\n";
        assert_eq!(
            parsed(text),
            vec![
                pair("user.name", "A  B   C"),
                pair("user.email", "a@b"),
                pair("sendemail.Work.smtpserver", "s"),
                ("core.sub.bare".to_string(), None),
            ]
        );
    }

    #[test]
    fn escapes_and_continuations() {
        assert_eq!(
            parsed("[a]\nb = x\\ty\\\\\\\"z\\\n w\r\nc = \"\\n\"\n"),
            vec![pair("a.b", "x\ty\\\"z w"), pair("a.c", "\n")]
        );
    }

    #[test]
    fn errors_are_line_numbers() {
        use ParseError::*;
        assert_eq!(parse(b"[a]\nb = \"open\n"), Err(BadLine(2)));
        assert_eq!(parse(b"[a]\n\nb = \\q\n"), Err(BadLine(3)));
        assert_eq!(parse(b"[a\n"), Err(BadLine(1)));
        assert_eq!(parse(b"[a]\n1x = y\n"), Err(BadLine(2)));
        assert_eq!(parse(b"[a]\nb # c\n"), Err(BadLine(2)));
        assert_eq!(parse(b"[a]\nb = x\ty\n"), Err(VersionDependent(2)));
        assert_eq!(parse(b"[a]\nb = x\t\n"), Ok(vec![("a.b".into(), Some(b"x".to_vec()))]));
    }
}
