#![allow(dead_code)]
pub mod mail;
pub mod public_inbox;
pub mod smtp;
pub mod temp;
