//! Everything that can go wrong opening or writing the school's vault, in words for the school
//! admin. Each variant says what happened and, where there is one, what to do about it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error("There is no school file at {0}.")]
    NotFound(PathBuf),

    #[error("A school file already exists at {0}; it has been left as it is.")]
    AlreadyExists(PathBuf),

    #[error(
        "The key file {0} is missing. It sits next to the school file and is needed to open it; \
         restore both files from your latest backup."
    )]
    KeyFileMissing(PathBuf),

    #[error("The key file {path} is damaged ({detail}). Restore it from your latest backup.")]
    KeyFileDamaged { path: PathBuf, detail: String },

    #[error(
        "The key file {path} was written by a newer version of Keyholder (format {found}; this \
         version reads up to {supported}). Install the newer version to open it."
    )]
    KeyFileTooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },

    #[error("That e-mail address and password do not match. Check them and try again.")]
    WrongPassword,

    #[error(
        "That e-mail address and set-up code do not match, or the code has been used already. Check them, or ask your Keyholder administrator for a new code."
    )]
    WrongSetupCode,

    #[error("That recovery code is not right. Check it against your printed copy and try again.")]
    WrongRecoveryCode,

    #[error(
        "{0} is not a Keyholder school file, or it does not belong with its key file. \
         Nothing has been changed."
    )]
    NotAVault(PathBuf),

    #[error(
        "This school file was written by a newer version of Keyholder (version {found}; this \
         version understands up to {supported}). Install the newer version to open it; \
         nothing has been changed."
    )]
    TooNew { found: u32, supported: u32 },

    #[error("The school file is damaged: {0}. Restore it from your latest backup.")]
    Damaged(String),

    #[error("{0} is not a Keyholder backup file. Nothing has been changed.")]
    NotABackup(PathBuf),

    #[error(
        "The backup {path} is damaged or incomplete ({detail}), so it cannot be used. Nothing \
         has been changed; try another backup."
    )]
    BackupDamaged { path: PathBuf, detail: String },

    #[error(
        "The backup {path} was made by a newer version of Keyholder (backup format {found}; this \
         version reads up to {supported}). Install the newer version to restore it; nothing has \
         been changed."
    )]
    BackupTooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },

    #[error(
        "Keyholder cannot write to {0}. Check that the folder is not read-only and that you \
         have permission to change files there."
    )]
    ReadOnly(PathBuf),

    #[error("The disk is full, so the change was not saved. Free some space and try again.")]
    DiskFull,

    #[error(
        "Another Keyholder window or command is making a change to this school and has not \
         finished after 30 seconds. Nothing has been changed; try again in a moment."
    )]
    Busy,

    #[error(
        "This school file was replaced (restored from a backup) after you signed in, so this \
         window or command can no longer change it. Nothing has been changed; sign in again to \
         work on the restored school."
    )]
    Replaced,

    #[error(
        "The school file {0} is empty (0 bytes), though its key file is there: a copy or sync \
         that did not finish can leave a file like this. Keyholder has left it as it is. Use \
         Restore from a backup to bring the school back."
    )]
    EmptySchoolFile(PathBuf),

    #[error(
        "The school file {0} is missing, though its key file is still beside it. Keyholder will \
         not start a new school over it. If the file was moved, put it back; otherwise use \
         Restore from a backup."
    )]
    SchoolFileMissing(PathBuf),

    #[error(
        "A restore was stopped part-way, and Keyholder could not finish it safely on its own: the \
         files in the school's folder are no longer as the restore left them. Nothing has been \
         moved or deleted. The restore's plan is in {plan}; ask your IT support to look at the \
         folder, or restore the backup again."
    )]
    RestoreUnfinished { plan: PathBuf },

    #[error(
        "The school file {path} is on a network drive ({kind}). Keyholder does not work on a \
         school file there, because a network drive can lose or mix up changes when two \
         computers write at once. Move both files ({file_names}) to a folder on this PC's own \
         disk (for example with Back up now and Restore), and keep backups on the network drive \
         instead."
    )]
    NetworkDrive {
        path: PathBuf,
        kind: String,
        file_names: String,
    },

    #[error("Could not {action} {path}: {detail}")]
    Io {
        action: &'static str,
        path: PathBuf,
        detail: String,
    },

    #[error("The change could not be saved: {0}")]
    Rejected(String),

    #[error("The school file could not be read or written: {0}")]
    Database(Arc<rusqlite::Error>),
}

impl Error {
    /// Turns an I/O failure on `path` into the most specific message we have for it.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, err: std::io::Error) -> Error {
        let path = path.into();
        match err.kind() {
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                Error::ReadOnly(path)
            }
            std::io::ErrorKind::StorageFull => Error::DiskFull,
            std::io::ErrorKind::NotFound if action == "read" => Error::NotFound(path),
            _ => Error::Io {
                action,
                path,
                detail: err.to_string(),
            },
        }
    }
}

/// What a refusal to write says until a caller names the file.
const UNNAMED_FILE: &str = "the school file";

impl Error {
    /// The same error, naming `path` where SQLite named no file.
    pub fn naming(self, path: &Path) -> Error {
        match self {
            Error::ReadOnly(p) if p.as_os_str() == UNNAMED_FILE => {
                Error::ReadOnly(path.to_path_buf())
            }
            other => other,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Error {
        use rusqlite::ErrorCode;
        if let rusqlite::Error::SqliteFailure(e, ref msg) = err {
            match e.code {
                ErrorCode::DiskFull => return Error::DiskFull,
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => return Error::Busy,
                ErrorCode::DatabaseCorrupt => {
                    return Error::Damaged(msg.clone().unwrap_or_else(|| e.to_string()));
                }
                ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied => {
                    // SQLite's message ("unable to open database file") names no file; the
                    // callers that know which file it was name it (`Error::naming`).
                    return Error::ReadOnly(PathBuf::from(UNNAMED_FILE));
                }
                _ => {}
            }
        }
        Error::Database(Arc::new(err))
    }
}

pub type Result<T> = std::result::Result<T, Error>;
