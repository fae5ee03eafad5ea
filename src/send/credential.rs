//! SMTP passwords through `git credential`, the way git send-email asks
//! (Git.pm's `credential`): `fill` before AUTH with `protocol=smtp`,
//! `host=SERVER:PORT`, `username=USER` (and the configured password, if any,
//! which makes git return at once without asking helpers); afterwards
//! `approve` when the server accepted the credentials, `reject` when it
//! refused them. So a user whose password already lives in a credential
//! helper for git send-email finds it used here too, and vice versa.
//!
//! Prompting is git's business: it asks on the terminal or through
//! `GIT_ASKPASS` when no helper has the password. With prompts disabled
//! (`GIT_TERMINAL_PROMPT=0`) and no helper, `fill` fails and we say so.

use std::fmt;
use std::io::Write;
use std::process::{Command, Stdio};

use crate::error::{Error, Result};

/// The key/value pairs `git credential fill` answered, in its order, handed
/// back unchanged to `approve`/`reject` (as Git.pm does) so that helper
/// extras such as `password_expiry_utc` survive the round trip.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    fields: Vec<(String, String)>,
}

impl Credential {
    fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn username(&self) -> Option<&str> {
        self.get("username")
    }

    pub fn password(&self) -> Option<&str> {
        self.get("password")
    }

    pub fn host(&self) -> Option<&str> {
        self.get("host")
    }
}

// Hand-written: the password must never show up in a log line.
impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Credential");
        for (k, v) in &self.fields {
            if k == "password" || k.starts_with("oauth") {
                d.field(k, &"<redacted>");
            } else {
                d.field(k, v);
            }
        }
        d.finish()
    }
}

/// Ask git for the password of `user` at `host` (`SERVER:PORT`). With
/// `password` given, git returns it as it is (and remembers nothing yet).
pub fn fill(host: &str, user: &str, password: Option<&str>) -> Result<Credential> {
    fill_with(git_command, host, user, password)
}

/// Tell the credential helpers that the server accepted these credentials.
pub fn approve(c: &Credential) -> Result<()> {
    run_with(git_command, "approve", &c.fields).map(|_| ())
}

/// Tell the credential helpers that the server refused these credentials.
pub fn reject(c: &Credential) -> Result<()> {
    run_with(git_command, "reject", &c.fields).map(|_| ())
}

fn git_command() -> Command {
    Command::new("git")
}

pub(crate) fn fill_with(
    git: impl Fn() -> Command,
    host: &str,
    user: &str,
    password: Option<&str>,
) -> Result<Credential> {
    // Git.pm writes the keys sorted (url first, none here); keep that order.
    let mut fields = vec![("host".to_string(), host.to_string())];
    if let Some(p) = password {
        fields.push(("password".into(), p.to_string()));
    }
    fields.push(("protocol".into(), "smtp".into()));
    fields.push(("username".into(), user.to_string()));

    let out = run_with(git, "fill", &fields)?;
    let mut got = Vec::new();
    for line in out.lines() {
        if line.is_empty() {
            break;
        }
        match line.split_once('=') {
            Some((k, v)) if !k.is_empty() => got.push((k.to_string(), v.to_string())),
            _ => {
                return Err(Error::send(format!(
                    "git credential fill for smtp://{user}@{host}: unparsable answer line"
                )))
            }
        }
    }
    let c = Credential { fields: got };
    match c.password() {
        Some(p) if !p.is_empty() => Ok(c),
        _ => Err(Error::send(format!(
            "no SMTP password for {user} at {host}: git credential fill gave none \
             (set sendemail.smtpPass or a credential helper)"
        ))),
    }
}

/// Run `git credential OP`, feeding it the fields; returns its stdout.
fn run_with(git: impl Fn() -> Command, op: &str, fields: &[(String, String)]) -> Result<String> {
    let mut input = String::new();
    for (k, v) in fields {
        // A newline would let a value inject other keys (e.g. a host).
        if k.is_empty() || k.contains(['=', '\n', '\0']) || v.contains(['\n', '\0']) {
            let what = if k == "password" {
                "password".to_string()
            } else {
                format!("{k} value")
            };
            return Err(Error::usage(format!(
                "git credential {op}: the {what} contains a newline or NUL character"
            )));
        }
        input.push_str(k);
        input.push('=');
        input.push_str(v);
        input.push('\n');
    }
    input.push('\n');

    let target = describe(fields);
    let mut child = git()
        .args(["credential", op])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        // git's own complaints ("terminal prompts disabled", helper errors)
        // are the best explanation the user can get: let them through.
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| Error::send(format!("cannot run git credential {op} for {target}: {e}")))?;
    {
        let mut stdin = child.stdin.take().expect("stdin is piped");
        // A broken pipe means git quit early; its exit status says why.
        let _ = stdin.write_all(input.as_bytes());
    }
    let out = child
        .wait_with_output()
        .map_err(|e| Error::send(format!("git credential {op} for {target}: {e}")))?;
    if !out.status.success() {
        let hint = if op == "fill" {
            " (no password from a credential helper and none could be asked for; \
             set sendemail.smtpPass or a credential helper)"
        } else {
            ""
        };
        return Err(Error::send(format!(
            "git credential {op} for {target} failed with {}{hint}",
            super::exit_status_text(&out.status)
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `smtp://user@host` for messages: never the password.
fn describe(fields: &[(String, String)]) -> String {
    let get = |key: &str| fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    match get("username") {
        Some(u) => format!("smtp://{u}@{}", get("host").unwrap_or("?")),
        None => format!("smtp://{}", get("host").unwrap_or("?")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    /// A private HOME with `credential.helper=store`, so that the tests
    /// neither see nor touch the user's real credentials.
    struct Home(PathBuf);
    impl Home {
        fn new(name: &str) -> Home {
            let dir = std::env::temp_dir().join(format!("ksreply-cred-unit-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(".gitconfig"), "[credential]\n\thelper = store\n").unwrap();
            Home(dir)
        }
        fn git(&self) -> impl Fn() -> Command + '_ {
            move || {
                let mut c = Command::new("git");
                c.env("HOME", &self.0)
                    .env("XDG_CONFIG_HOME", self.0.join(".config"))
                    .env("GIT_CONFIG_NOSYSTEM", "1")
                    .env("GIT_TERMINAL_PROMPT", "0")
                    .env_remove("GIT_ASKPASS")
                    .env_remove("SSH_ASKPASS")
                    .env_remove("GIT_CONFIG_GLOBAL")
                    .env_remove("GIT_CONFIG_PARAMETERS")
                    .env_remove("GIT_CONFIG_COUNT");
                c
            }
        }
        fn store(&self) -> PathBuf {
            self.0.join(".git-credentials")
        }
        fn path(&self) -> &Path {
            &self.0
        }
    }
    impl Drop for Home {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn fill_from_store_then_reject_and_approve() {
        let home = Home::new("roundtrip");
        // The form git's store helper writes for host=127.0.0.1:2525.
        std::fs::write(home.store(), "smtp://alice:p%40ss@127.0.0.1%3a2525\n").unwrap();
        let c = fill_with(home.git(), "127.0.0.1:2525", "alice", None).unwrap();
        assert_eq!(c.password(), Some("p@ss"));
        assert_eq!(c.username(), Some("alice"));
        assert_eq!(c.host(), Some("127.0.0.1:2525"));
        assert!(!format!("{c:?}").contains("p@ss"));

        run_with(home.git(), "reject", &c.fields).unwrap();
        assert_eq!(std::fs::read_to_string(home.store()).unwrap(), "");

        let c = fill_with(home.git(), "127.0.0.1:2525", "alice", Some("new")).unwrap();
        assert_eq!(c.password(), Some("new"));
        run_with(home.git(), "approve", &c.fields).unwrap();
        assert_eq!(
            std::fs::read_to_string(home.store()).unwrap(),
            "smtp://alice:new@127.0.0.1%3a2525\n"
        );
        let _ = home.path();
    }

    #[test]
    fn no_password_is_a_clear_error() {
        let home = Home::new("none");
        let e = fill_with(home.git(), "127.0.0.1:2526", "bob", None).unwrap_err();
        assert_eq!(e.kind, crate::error::Kind::Send);
        assert!(e.msg.contains("smtp://bob@127.0.0.1:2526"), "{e}");
        assert!(e.msg.contains("credential"), "{e}");
    }

    #[test]
    fn newline_in_values_is_refused_without_echoing_it() {
        let home = Home::new("nl");
        let e = fill_with(home.git(), "h:25", "u", Some("se\ncret")).unwrap_err();
        assert!(!e.msg.contains("cret"), "{e}");
        assert!(e.msg.contains("password"), "{e}");
    }
}
