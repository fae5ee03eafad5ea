//! Settings from git config and the environment.
//!
//! ksreply reads the same keys git send-email reads, so a user who already
//! sends patches needs no new configuration. The files are read directly
//! when their layout is one `git_files` reproduces exactly (most setups);
//! otherwise git is asked once (`git config --list -z`).

pub mod git_files;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};

#[derive(Debug, Default, Clone)]
pub struct GitConfig {
    /// Lower-cased section and key names (the subsection keeps its case, as in
    /// git); values in file order, last one wins for single-valued keys.
    values: HashMap<String, Vec<String>>,
    /// How the values were read, for `-v`.
    pub origin: String,
}

impl GitConfig {
    /// Load git's view of the configuration: system, global and, inside a
    /// repository, its local settings. When git is needed but missing, the
    /// configuration is simply empty.
    pub fn load() -> GitConfig {
        match git_files::Context::from_process().and_then(|ctx| git_files::read(&ctx)) {
            Ok(entries) => GitConfig {
                origin: "git config: read from the files directly".into(),
                ..GitConfig::from_entries(entries)
            },
            Err(git_files::AskGit(why)) => GitConfig {
                origin: format!("git config: asked git ({why})"),
                ..GitConfig::load_from_git()
            },
        }
    }

    /// Ask git itself. A broken file makes git stop with an error after
    /// listing what came before it: warn, and use what it listed.
    pub fn load_from_git() -> GitConfig {
        let out = Command::new("git")
            .args(["config", "--list", "-z"])
            .stdin(Stdio::null())
            .stderr(Stdio::piped())
            .output();
        match out {
            Ok(o) => {
                if !o.status.success() {
                    let err = String::from_utf8_lossy(&o.stderr);
                    if let Some(line) = err.lines().find(|l| !l.trim().is_empty()) {
                        crate::output::warn(&format!("git config: {}", line.trim()));
                    }
                }
                GitConfig::parse_list_z(&o.stdout)
            }
            Err(_) => GitConfig::default(),
        }
    }

    /// Parse the output of `git config --list -z`: records separated by NUL,
    /// key and value separated by the first newline (no newline: a boolean
    /// key without value).
    pub fn parse_list_z(data: &[u8]) -> GitConfig {
        GitConfig::from_entries(list_z_entries(data))
    }

    /// Entries as [`git_files::read`] returns them; a key without value
    /// (boolean true in git) reads as "true".
    pub fn from_entries(entries: Vec<git_files::Entry>) -> GitConfig {
        let mut values: HashMap<String, Vec<String>> = HashMap::new();
        for (key, value) in entries {
            let value = value.map_or_else(|| "true".to_string(), |v| String::from_utf8_lossy(&v).into_owned());
            values.entry(normalize_key(&key)).or_default().push(value);
        }
        GitConfig {
            values,
            origin: String::new(),
        }
    }

    /// Build from `key=value` pairs (tests).
    pub fn from_pairs(pairs: &[(&str, &str)]) -> GitConfig {
        let mut values: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in pairs {
            values.entry(normalize_key(k)).or_default().push(v.to_string());
        }
        GitConfig {
            values,
            origin: String::new(),
        }
    }

    /// The last value of a key (`section.key` or `section.sub.key`).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values
            .get(&normalize_key(key))
            .and_then(|v| v.last())
            .map(|s| s.as_str())
    }

    /// All values of a multi-valued key.
    pub fn get_all(&self, key: &str) -> &[String] {
        self.values
            .get(&normalize_key(key))
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// git's boolean syntax; `None` when unset, a usage error naming the
    /// key when the value is not a boolean.
    pub fn get_bool(&self, key: &str) -> crate::error::Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => parse_bool(v)
                .map(Some)
                .ok_or_else(|| crate::error::Error::usage(format!("{key}: {v:?} is not a boolean"))),
        }
    }

    /// `sendemail.<identity>.<key>` when an identity is given and set, else
    /// `sendemail.<key>`: the lookup order of git send-email.
    pub fn sendemail(&self, identity: Option<&str>, key: &str) -> Option<&str> {
        if let Some(id) = identity {
            if let Some(v) = self.get(&format!("sendemail.{id}.{key}")) {
                return Some(v);
            }
        }
        self.get(&format!("sendemail.{key}"))
    }

    /// The user's own address for the From header: `sendemail.from`, else
    /// `user.name <user.email>`. Returns (name, email).
    pub fn identity(&self, identity: Option<&str>) -> Option<(Option<String>, String)> {
        if let Some(from) = self.sendemail(identity, "from") {
            return crate::message::address::parse_one(from);
        }
        let email = self.get("user.email")?.trim().to_string();
        if email.is_empty() {
            return None;
        }
        let name = self
            .get("user.name")
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        Some((name, email))
    }
}

/// Split `git config --list -z` output into entries.
pub fn list_z_entries(data: &[u8]) -> Vec<git_files::Entry> {
    data.split(|&b| b == 0)
        .filter(|rec| !rec.is_empty())
        .map(|rec| match rec.iter().position(|&b| b == b'\n') {
            Some(nl) => (
                String::from_utf8_lossy(&rec[..nl]).into_owned(),
                Some(rec[nl + 1..].to_vec()),
            ),
            None => (String::from_utf8_lossy(rec).into_owned(), None),
        })
        .collect()
}

/// Section and key are case-insensitive in git; a subsection is not.
fn normalize_key(key: &str) -> String {
    match (key.find('.'), key.rfind('.')) {
        (Some(first), Some(last)) if first != last => format!(
            "{}{}{}",
            key[..first].to_ascii_lowercase(),
            &key[first..last],
            key[last..].to_ascii_lowercase()
        ),
        _ => key.to_ascii_lowercase(),
    }
}

pub fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Some(true),
        // An empty value (`key =`) is false in git; a bare `key` is true
        // and reaches here as "true".
        "false" | "no" | "off" | "0" | "" => Some(false),
        _ => None,
    }
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from)
}

fn xdg_dir(var: &str, fallback: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        // The XDG spec says relative paths are to be ignored.
        Some(v) if PathBuf::from(&v).is_absolute() => Some(PathBuf::from(v)),
        _ => home().map(|h| h.join(fallback)),
    }
}

/// `$XDG_STATE_HOME/ksreply` (fallback `~/.local/state/ksreply`).
pub fn state_dir() -> Option<PathBuf> {
    xdg_dir("XDG_STATE_HOME", ".local/state").map(|d| d.join("ksreply"))
}

/// `$XDG_CACHE_HOME/ksreply` (fallback `~/.cache/ksreply`).
pub fn cache_dir() -> Option<PathBuf> {
    xdg_dir("XDG_CACHE_HOME", ".cache").map(|d| d.join("ksreply"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_z_parsing_and_case() {
        let c = GitConfig::parse_list_z(
            b"user.email\nme@example.org\0sendemail.smtpserver\nsmtp.example.org\0sendemail.Work.smtpserver\nwork.example\0core.bare\0",
        );
        assert_eq!(c.get("user.email"), Some("me@example.org"));
        assert_eq!(c.get("sendemail.smtpServer"), Some("smtp.example.org"));
        assert_eq!(c.sendemail(Some("Work"), "smtpServer"), Some("work.example"));
        assert_eq!(c.sendemail(Some("work"), "smtpServer"), Some("smtp.example.org"));
        assert_eq!(c.get_bool("core.bare").unwrap(), Some(true));
        assert!(GitConfig::from_pairs(&[("a.b", "maybe")]).get_bool("a.b").is_err());
    }

    #[test]
    fn identity_prefers_sendemail_from() {
        let c = GitConfig::from_pairs(&[
            ("user.email", "a@example.org"),
            ("user.name", "A"),
            ("sendemail.from", "B Person <b@example.org>"),
        ]);
        assert_eq!(
            c.identity(None),
            Some((Some("B Person".into()), "b@example.org".into()))
        );
        let c = GitConfig::from_pairs(&[("user.email", "a@example.org"), ("user.name", "A")]);
        assert_eq!(c.identity(None), Some((Some("A".into()), "a@example.org".into())));
    }
}
