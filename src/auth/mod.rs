//! Passwords, soft keys (TOTP) and recovery codes: the rules, with no storage of their own.

pub mod codes;
pub mod password;
pub mod soft_key;
