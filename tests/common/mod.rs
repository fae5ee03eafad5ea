#![allow(dead_code)]
pub mod public_inbox;
pub mod smtp;
