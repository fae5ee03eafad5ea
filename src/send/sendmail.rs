//! Hand the message to a local sendmail-compatible program (sendmail,
//! msmtp, nullmailer, ...) the way git send-email does:
//!
//! * `sendemail.sendmailCmd`: `sh -c "$cmd \"\$@\"" - ARGS...`, so the
//!   command may carry its own arguments and shell syntax;
//! * an absolute `sendemail.smtpServer`: that program, run directly;
//!
//! with ARGS = `[smtpServerOption...] [-f SENDER] -i RECIPIENT...` and the
//! message on stdin in local (LF) line endings. `-i` stops a line holding a
//! single dot from ending the message early, so no dot-stuffing is needed.

use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::process::{Command, Stdio};

use crate::error::{Error, Result};

/// The arguments after the program, in git's order.
pub fn sendmail_args(options: &[String], sender: Option<&str>, recipients: &[String]) -> Result<Vec<String>> {
    if recipients.is_empty() {
        return Err(Error::usage("no recipients to send to"));
    }
    // An "address" starting with '-' would be read as an option: with
    // sendmail's -C or -O that is arbitrary file access.
    for a in sender.iter().copied().chain(recipients.iter().map(String::as_str)) {
        if a.is_empty() || a.starts_with('-') || a.contains(['\n', '\r', '\0']) {
            return Err(Error::usage(format!(
                "refusing to pass '{a}' to sendmail as an address"
            )));
        }
    }
    let mut args: Vec<String> = options.to_vec();
    if let Some(s) = sender {
        args.push("-f".into());
        args.push(s.to_string());
    }
    args.push("-i".into());
    args.extend(recipients.iter().cloned());
    Ok(args)
}

/// Pipe `message` into the program. `shell`: `command` is a shell command
/// line (sendmailCmd); otherwise it is the path of the program itself.
/// `sender` is the `-f` value, if any (see `EnvelopeSender::for_sendmail`).
pub fn send_sendmail(
    command: &str,
    shell: bool,
    options: &[String],
    sender: Option<&str>,
    recipients: &[String],
    message: &[u8],
) -> Result<()> {
    let args = sendmail_args(options, sender, recipients)?;
    let what = if shell {
        format!("sendmail command `{command}`")
    } else {
        format!("sendmail program {command}")
    };

    let mut cmd = if shell {
        let mut c = Command::new("sh");
        // "$0" is "-" as in git send-email; the arguments follow as "$@".
        c.arg("-c").arg(format!("{command} \"$@\"")).arg("-");
        c
    } else {
        Command::new(command)
    };
    cmd.args(&args).stdin(Stdio::piped()).stderr(Stdio::piped());
    // Whatever the program prints is diagnostics, not our output: keep it
    // off our stdout, which may be piped somewhere by the user.
    if let Ok(fd) = std::io::stderr().as_fd().try_clone_to_owned() {
        cmd.stdout(Stdio::from(fd));
    }

    let mut child = cmd
        .spawn()
        .map_err(|e| Error::send(format!("cannot run {what}: {e}")))?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let body = to_lf(message);
    // Write from a thread while this one drains stderr: a program that
    // complains at length before reading would otherwise deadlock us.
    let writer = std::thread::spawn(move || {
        let r = stdin.write_all(&body);
        drop(stdin); // EOF: the end of the message
        r
    });
    let mut diag = Vec::new();
    let _ = stderr.read_to_end(&mut diag);
    let status = child.wait().map_err(|e| Error::send(format!("{what}: {e}")))?;
    let written = writer
        .join()
        .unwrap_or_else(|_| Err(std::io::Error::other("writer panicked")));

    let diag = String::from_utf8_lossy(&diag);
    if !status.success() {
        let last = diag.lines().rev().find(|l| !l.trim().is_empty()).map(str::trim);
        return Err(Error::send(match last {
            Some(l) => format!("{what} failed with {}: {l}", super::exit_status_text(&status)),
            None => format!("{what} failed with {}", super::exit_status_text(&status)),
        }));
    }
    // Success: still pass on any warnings the program printed.
    if !diag.trim().is_empty() {
        for line in diag.lines().filter(|l| !l.trim().is_empty()) {
            crate::output::note(&format!("{what}: {line}"));
        }
    }
    if let Err(e) = written {
        // Exit 0 without reading the whole message: nothing says it was sent.
        return Err(Error::send(format!("{what} did not read the whole message: {e}")));
    }
    Ok(())
}

/// CRLF -> LF: sendmail programs take text in the local convention (git
/// pipes LF), and some would keep a CR as part of each line.
fn to_lf(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len());
    let mut i = 0;
    while i < message.len() {
        if message[i] == b'\r' && message.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(message[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args_in_git_order() {
        let r = vec!["a@x".to_string(), "b@y".to_string()];
        assert_eq!(sendmail_args(&[], None, &r).unwrap(), ["-i", "a@x", "b@y"]);
        assert_eq!(
            sendmail_args(&["-a".into(), "work".into()], Some("me@z"), &r).unwrap(),
            ["-a", "work", "-f", "me@z", "-i", "a@x", "b@y"]
        );
        assert!(sendmail_args(&[], None, &["-oQ/tmp".into()]).is_err());
        assert!(sendmail_args(&[], Some("-X"), &r).is_err());
        assert!(sendmail_args(&[], None, &[]).is_err());
    }

    #[test]
    fn crlf_becomes_lf() {
        assert_eq!(to_lf(b"a\r\nb\nc\rd\r\n"), b"a\nb\nc\rd\n");
    }

    #[test]
    fn failure_names_command_status_and_cause() {
        let e = send_sendmail(
            "echo 'no such user' >&2; exit 67",
            true,
            &[],
            None,
            &["a@x".into()],
            b"x\n",
        )
        .unwrap_err();
        assert_eq!(e.kind, crate::error::Kind::Send);
        assert!(e.msg.contains("exit status 67"), "{e}");
        assert!(e.msg.contains("no such user"), "{e}");
        assert!(e.msg.contains("sendmail command"), "{e}");
        let e = send_sendmail("/nonexistent/sendmail", false, &[], None, &["a@x".into()], b"x\n").unwrap_err();
        assert!(e.msg.contains("/nonexistent/sendmail"), "{e}");
    }

    #[test]
    fn a_program_must_read_the_whole_message() {
        let big = vec![b'x'; 1 << 20];
        // The command line gets the arguments appended: `: "$@"` swallows them.
        send_sendmail("cat >/dev/null; :", true, &[], None, &["a@x".into()], &big).unwrap();
        // Exit 0 without reading a megabyte: the write fails, and so do we.
        let e = send_sendmail(":", true, &[], None, &["a@x".into()], &big).unwrap_err();
        assert!(e.msg.contains("did not read the whole message"), "{e}");
    }
}
