//! What a signed-in person can do. Every operation checks their permissions, writes through the
//! vault and leaves an audit entry; no screen or command touches the vault directly.

pub mod access;
pub mod alerts;
pub mod audit_trail;
pub mod backup;
pub mod casework;
mod chronology_pdf;
pub mod demo;
pub mod desk;
pub mod enrolment;
pub mod error;
pub mod groups;
pub mod health;
pub mod import;
pub mod preferences;
pub mod records;
pub mod recovery;
mod report_pdf;
pub mod reports;
pub mod restrictions;
pub mod retention;
pub mod school_data;
mod school_read;
pub mod session;
pub mod setup;
pub mod sign_in;
mod stamp_cache;
pub mod transfer_file;
mod transfer_pdf;
pub mod transfers;
pub mod user_groups;
pub mod users;

pub use crate::vault::{AuditAnchor, AuditEntry, DemoAccess, KdfCost, Location, OutsideChange};
pub use desk::{Desk, Ticket};
pub use error::{Error, Result};
pub use school_data::SchoolData;
pub use session::{Me, Overview, Session};
pub use sign_in::{PendingCode, SignInStep, sign_in};
