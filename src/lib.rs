//! ksreply: a reply composer for mailing-list development.
//!
//! The pure core (`message`, `reply`, `draft`) turns message bytes into a
//! reply draft without I/O; the shell (`source`, `send`, `config`, `cli` and
//! the binary's `main`) does the fetching, editing and sending around it.

pub mod cli;
pub mod compose;
pub mod config;
pub mod draft;
pub mod editor;
pub mod error;
pub mod message;
pub mod reply;
pub mod send;
pub mod source;
