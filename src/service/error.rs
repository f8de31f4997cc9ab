//! Why an operation was refused or failed, in words for the person at the keyboard.

use crate::model::SystemPermission;
use crate::vault;

#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Vault(#[from] vault::Error),

    #[error(
        "That code is not right. Type the 6-digit code your authenticator app shows now ({} before the account is locked for 15 minutes).", tries_left(*attempts_left)
    )]
    WrongCode { attempts_left: u32 },

    #[error(
        "That code has already been used. Wait for your app to show a new one (it changes every 30 seconds) and type that: {} before the account is locked.", tries_left(*attempts_left)
    )]
    CodeAlreadyUsed { attempts_left: u32 },

    #[error(
        "This account is locked after too many wrong codes. Try again after {until_text}, or ask an administrator to clear the lock."
    )]
    Locked { until: i64, until_text: String },

    #[error(
        "This account has been deactivated, so it cannot sign in. Ask your Keyholder administrator if that is a mistake."
    )]
    AccountInactive,

    #[error(
        "Your user group ({0}) is inactive, so its members cannot sign in. Ask your Keyholder administrator."
    )]
    GroupInactive(String),

    #[error(
        "You do not have permission to do that: it needs \"{0}\", which your user group does not give you{1}."
    )]
    NotAllowed(SystemPermission, &'static str),

    #[error("{0}")]
    Invalid(String),

    /// Like `Invalid`, about one of a user's details, so the form can show it beside the field.
    #[error("{1}")]
    InDetail(crate::model::UserDetail, String),

    #[error("The export file could not be read: {0}")]
    BadExport(String),
}

/// "1 more try", "4 more tries".
fn tries_left(n: u32) -> String {
    if n == 1 {
        "1 more try".into()
    } else {
        format!("{n} more tries")
    }
}

impl Error {
    pub fn locked(until: i64) -> Error {
        Error::Locked {
            until,
            until_text: crate::clock::format_local(until),
        }
    }

    /// True when the person typed something wrong (password, code) rather than the system failing;
    /// the command line exits with status 2 for these and for refusals.
    pub fn is_refusal(&self) -> bool {
        !matches!(
            self,
            Error::Vault(
                vault::Error::Database(_)
                    | vault::Error::Io { .. }
                    | vault::Error::DiskFull
                    | vault::Error::Busy
                    | vault::Error::Replaced
                    | vault::Error::Damaged(_)
                    | vault::Error::RestoreUnfinished { .. }
            )
        )
    }
}

pub type Result<T> = std::result::Result<T, Error>;
