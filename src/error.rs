//! One error type for the whole program: a one-line message and the exit code
//! it maps to. Exit codes are part of the CLI contract (see the man page).

use std::fmt;

/// Exit codes. Keep in sync with the EXIT STATUS table in `cli.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 1: bad usage or configuration.
    Usage,
    /// 2: the input could not be read or is not a message / has no such id.
    Input,
    /// 3: network or HTTP failure while fetching.
    Network,
    /// 4: sending failed (SMTP, sendmail).
    Send,
    /// 5: aborted: the editor failed, the draft was left unchanged or emptied,
    /// the user declined, or nothing can be confirmed without a terminal.
    Aborted,
    /// 6: the netiquette check failed under `--strict`.
    Check,
    /// 130: interrupted (Ctrl-C at the confirmation), as a shell reports SIGINT.
    Interrupted,
}

impl Kind {
    pub fn exit_code(self) -> i32 {
        match self {
            Kind::Usage => 1,
            Kind::Input => 2,
            Kind::Network => 3,
            Kind::Send => 4,
            Kind::Aborted => 5,
            Kind::Check => 6,
            Kind::Interrupted => 130,
        }
    }
}

#[derive(Debug)]
pub struct Error {
    pub kind: Kind,
    pub msg: String,
}

impl Error {
    pub fn new(kind: Kind, msg: impl Into<String>) -> Self {
        Error { kind, msg: msg.into() }
    }
    pub fn usage(msg: impl Into<String>) -> Self {
        Self::new(Kind::Usage, msg)
    }
    pub fn input(msg: impl Into<String>) -> Self {
        Self::new(Kind::Input, msg)
    }
    pub fn network(msg: impl Into<String>) -> Self {
        Self::new(Kind::Network, msg)
    }
    pub fn send(msg: impl Into<String>) -> Self {
        Self::new(Kind::Send, msg)
    }
    pub fn aborted(msg: impl Into<String>) -> Self {
        Self::new(Kind::Aborted, msg)
    }
    /// Add a hint after the message: "message (hint)".
    pub fn context_after(mut self, hint: impl fmt::Display) -> Self {
        self.msg = format!("{} ({hint})", self.msg);
        self
    }
    /// Add context in front of the message: "context: message".
    pub fn context(mut self, ctx: impl fmt::Display) -> Self {
        self.msg = format!("{ctx}: {}", self.msg);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line, always, and safe for a terminal: messages may quote
        // data from the input.
        f.write_str(&crate::text::for_terminal(&self.msg))
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;
