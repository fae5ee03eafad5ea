#![allow(dead_code)]
pub mod mail;
pub mod public_inbox;
pub mod smtp;
pub mod temp;

/// The headers a draft may have: what `Draft::render` writes, written out
/// here independently of it.
pub const DRAFT_HEADERS: &[&str] = &[
    "From",
    "To",
    "Cc",
    "Bcc",
    "Subject",
    "In-Reply-To",
    "References",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
];

/// The keys every `--json` reply object has (README, "JSON for scripts").
pub const JSON_KEYS: &[&str] = &[
    "from",
    "to",
    "cc",
    "subject",
    "in_reply_to",
    "references",
    "draft_path",
    "body",
];
