//! Keyholder: safeguarding access records for a school office PC, kept in one encrypted file.
//!
//! Layers, each depending only on those after it: (`ui`, `cli`) → `service` → (`auth`, `vault`,
//! `model`, `pdf`). See ARCHITECTURE.md; tests/layers.rs keeps the rules.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod model;
pub mod pdf;
pub mod service;
pub mod ui;
pub mod vault;
