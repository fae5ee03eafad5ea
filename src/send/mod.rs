//! Sending: SMTP (lettre), a sendmail command, or the git send-email command line.
pub mod git_send_email;
