//! ksreply: a reply composer for mailing-list development.
//!
//! The pure core (`message`, `draft`, `reply`, `text`) turns message bytes
//! into a reply draft without I/O; the shell (`source`, `send`, `config`,
//! `compose`, `editor`, `output`) does the fetching, editing and sending
//! around it. `cli` is the command line as parsed, `plan` what a run will
//! do, `modes` one function per mode; the binary's `main` only wires them.

pub mod cli;
pub mod compose;
pub mod config;
pub mod draft;
pub mod editor;
pub mod error;
pub mod message;
pub mod modes;
pub mod output;
pub mod plan;
pub mod reply;
pub mod review;
pub mod send;
pub mod series;
pub mod source;
pub mod text;
