//! ksreply's integration tests: one binary, one harness (`harness/`).
//!
//! Each module is one subject. Tests that start a real server
//! (public-inbox-httpd, aiosmtpd, mail clients under tmux) are in a
//! submodule named `server` of their module, so that `scripts/test --quick`
//! leaves them out with `--skip server::`; everything else needs only the
//! binary, the library, git, sh and bash, and the files in tests/data.
//! Tests too slow for every run are `#[ignore]`d with the reason;
//! `scripts/test` runs them (`--include-ignored`).
//!
//! The property-based fuzzer is a second binary, tests/fuzz.rs (see there).

mod harness;

mod check;
mod cli;
mod clients;
mod completions;
mod corpus;
mod display_names;
mod fetch;
mod generated;
mod git_config;
mod git_send_email;
mod injection;
mod limits;
mod mutt_neomutt;
mod mutt_quote;
mod mutt_recipients;
mod public_inbox_instructions;
mod quote_golden;
mod review;
mod scripting;
mod security_args;
mod security_cache;
mod security_limits;
mod security_smtp;
mod send_cli;
mod send_smtp;
mod terminal;
