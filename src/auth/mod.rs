//! Passwords, soft keys (TOTP) and recovery codes: the rules, with no storage of their own.

pub mod password;
pub mod recovery;
pub mod soft_key;
