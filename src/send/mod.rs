//! Sending: SMTP (lettre) or a sendmail command, configured with the
//! `sendemail.*` keys of git send-email; or the git send-email command line.

pub mod credential;
pub mod git_send_email;
pub mod sendmail;
pub mod settings;
pub mod smtp;

pub use settings::{transport_from_config, Encryption, EnvelopeSender, SendOverrides, SmtpSettings, Transport};

use crate::error::Result;

/// Send `message` to `recipients` (To, Cc and Bcc addresses; the message
/// itself should carry no Bcc header). `envelope_from` is the sender's own
/// address (the From address); `sendemail.envelopeSender`, if configured,
/// takes its place as the transport's settings say.
pub fn send(t: &Transport, envelope_from: &str, recipients: &[String], message: &[u8]) -> Result<()> {
    match t {
        Transport::Smtp(s) => smtp::send_smtp(s, envelope_from, recipients, message),
        Transport::Sendmail {
            command,
            shell,
            options,
            envelope_sender,
        } => sendmail::send_sendmail(
            command,
            *shell,
            options,
            envelope_sender.for_sendmail(envelope_from),
            recipients,
            message,
        ),
    }
}

/// "exit status 1" or "signal 9": how a child process ended, for messages.
pub(crate) fn exit_status_text(status: &std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(c), _) => format!("exit status {c}"),
        (None, Some(sig)) => format!("signal {sig}"),
        _ => status.to_string(),
    }
}
