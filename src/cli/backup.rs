//! `keyholder backup` and `keyholder restore`.

use super::{Failure, read_password};
use crate::service::Location;
use crate::service::Session;
use crate::service::backup::{self, Unlock};
use std::path::{Path, PathBuf};

/// Writes a checked backup to `out` (".khbackup" is added when missing) and records it.
pub fn back_up(session: &mut Session, out: PathBuf) -> Result<(), Failure> {
    let out = backup::with_extension(out);
    if out.exists() {
        return Err(Failure::refused(format!(
            "{} already exists; choose another file name.",
            out.display()
        )));
    }
    let written = session.back_up(&out, &|_| {})?;
    say!(
        "Backed up to {} and checked: {}",
        written.path.display(),
        backup::describe(&written.manifest)
    );
    Ok(())
}

/// Replaces the school at `location` with the backup in `file`, unlocked with an administrator's
/// password from the time of the backup or the recovery code.
pub fn restore(
    location: &Location,
    file: &Path,
    user: Option<&str>,
    password_file: Option<&Path>,
    recovery_code_file: Option<&Path>,
) -> Result<(), Failure> {
    let preview = backup::open_backup(file)?;
    super::tell(format_args!("{}", backup::describe(preview.manifest())));
    let how = match (recovery_code_file, user) {
        (Some(path), _) => Unlock::RecoveryCode(read_password(Some(path), "")?),
        (None, Some(email)) => Unlock::Password {
            email: email.to_string(),
            password: read_password(password_file, "Password at the time of the backup: ")?,
        },
        (None, None) => {
            return Err(Failure::refused(
                "Say how to unlock the backup: --user EMAIL with --password-file FILE, or --recovery-code-file FILE.",
            ));
        }
    };
    let restored = preview.unlock(&how)?.restore(location)?;
    say!(
        "Restored {} from the backup of {}. {}{}",
        restored.location.db.display(),
        crate::clock::format_local(restored.manifest.created_at),
        backup::describe_kept(&restored.kept),
        backup::describe_reapply(&restored)
    );
    Ok(())
}
