//! Backing up (needs Manage system) and restoring (needs a password that opened the school at the
//! time of the backup, or the recovery code). The file format is in `vault::backup`.

use super::error::{Error, Result};
use super::session::Session;
use crate::model::{SystemPermission, UserId};
use crate::vault::backup::{self, Contents, Manifest};
pub use crate::vault::backup::{EXTENSION, Written};
use crate::vault::queries::{backups, people, retention};
use crate::vault::replace;
use crate::vault::{Actor, Change, DataKey, Location, Vault};
use std::path::{Path, PathBuf};

/// Everything a backup needs, taken from a session so the copy can run on another thread while
/// the window stays usable.
pub struct BackupJob {
    location: Location,
    key: DataKey,
}

impl std::fmt::Debug for BackupJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackupJob")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

impl BackupJob {
    /// Writes and checks the backup. Record it afterwards with [`Session::record_backup`].
    pub fn run(&self, out: &Path, progress: &dyn Fn(f32)) -> Result<Written> {
        Ok(backup::write(
            &self.location,
            &self.key,
            out,
            crate::clock::now(),
            progress,
        )?)
    }
}

/// "Millbrook Primary School 2026-01-24 1405.khbackup": the school and the time, safe on every
/// file system.
pub fn suggested_file_name(school: &str, now: i64) -> String {
    use chrono::{Local, TimeZone};
    let stamp = Local
        .timestamp_opt(now, 0)
        .single()
        .map(|t| t.format("%Y-%m-%d %H%M").to_string())
        .unwrap_or_default();
    let school: String = school
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == ' ' || c == '-' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let school = school.split_whitespace().collect::<Vec<_>>().join(" ");
    let school = if school.is_empty() {
        "Keyholder".to_string()
    } else {
        school
    };
    format!("{school} {stamp}.{}", backup::EXTENSION)
}

/// Where a typed destination puts the backup: into an existing folder under the suggested name,
/// or at a new file's path ending in .khbackup. An existing file is never overwritten from here
/// (the dialog asks first; a typed path cannot).
pub fn typed_destination(typed: &str, school: &str) -> Result<PathBuf> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(Error::Invalid(
            "Type the folder to save the backup in (a USB stick or network share), or press Back up now to choose it."
                .into(),
        ));
    }
    let path = PathBuf::from(typed);
    if path.is_dir() {
        // Two backups in the same minute get "(2)", "(3)", ... rather than one replacing the other.
        let name = suggested_file_name(school, crate::clock::now());
        let stem = name
            .strip_suffix(&format!(".{}", backup::EXTENSION))
            .unwrap_or(&name);
        let mut file = path.join(&name);
        let mut n = 2;
        while file.exists() {
            file = path.join(format!("{stem} ({n}).{}", backup::EXTENSION));
            n += 1;
        }
        return Ok(file);
    }
    let is_backup_file = path.extension().is_some_and(|e| e == backup::EXTENSION);
    let folder = match path.parent() {
        Some(p) if is_backup_file && !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => path.clone(),
    };
    if !folder.is_dir() {
        return Err(Error::Invalid(format!(
            "There is no folder {}. Check the USB stick or network share is connected, and type the folder's full path.",
            folder.display()
        )));
    }
    if path.exists() {
        return Err(Error::Invalid(format!(
            "{} already exists and is left as it is. Type a folder, or a new file name ending in .khbackup.",
            path.display()
        )));
    }
    Ok(path)
}

impl Session {
    /// What a background backup needs. Needs Manage system.
    pub fn prepare_backup(&self) -> Result<BackupJob> {
        self.require(SystemPermission::ManageSystem)?;
        Ok(BackupJob {
            location: self.location().clone(),
            key: self.data_key().clone(),
        })
    }

    /// Notes a checked backup in the school file (for the health check), with its audit entry,
    /// and brings the key file's record of the audit trail up to date.
    pub fn record_backup(&mut self, written: &Written) -> Result<()> {
        self.record_backup_entry(written)?;
        // Best effort: the backup is made and noted whether or not the key file can be written.
        let _ = self.anchor_key_file();
        Ok(())
    }

    fn record_backup_entry(&mut self, written: &Written) -> Result<()> {
        self.require(SystemPermission::ManageSystem)?;
        let me = self.me().user.id;
        let record = backups::BackupRecord {
            taken_at: written.manifest.created_at,
            file_name: file_name(&written.path),
            bytes: written.bytes,
            sha256: written.sha256.clone(),
            taken_by: Some(me),
        };
        self.write(|tx| {
            backups::insert(tx, &record)?;
            Ok((
                (),
                Change::new(
                    "Backup taken",
                    format!(
                        "Backed up to {} and checked ({} pupils, {} users)",
                        written.path.display(),
                        written.manifest.counts.pupils,
                        written.manifest.counts.users
                    ),
                ),
            ))
        })
    }

    /// Backs up to `out` and records it, in one go (the command line; tests).
    pub fn back_up(&mut self, out: &Path, progress: &dyn Fn(f32)) -> Result<Written> {
        let written = self.prepare_backup()?.run(out, progress)?;
        self.record_backup(&written)?;
        Ok(written)
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// A backup file that has been read and checked, not yet unlocked: what the restore screen shows
/// before asking for a password.
#[derive(Debug, Clone)]
pub struct BackupPreview {
    contents: Contents,
}

/// Reads a backup and checks it is whole. A damaged, cut-short, foreign or newer file is refused.
pub fn open_backup(path: &Path) -> Result<BackupPreview> {
    Ok(BackupPreview {
        contents: backup::read(path)?,
    })
}

/// How the person proves they may restore this backup.
#[derive(Clone)]
pub enum Unlock {
    /// An administrator's e-mail and the password they had when the backup was taken.
    Password {
        email: String,
        password: String,
    },
    RecoveryCode(String),
}

impl std::fmt::Debug for Unlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unlock::Password { email, .. } => write!(f, "Password({email})"),
            Unlock::RecoveryCode(_) => write!(f, "RecoveryCode"),
        }
    }
}

impl BackupPreview {
    pub fn manifest(&self) -> &Manifest {
        &self.contents.manifest
    }

    pub fn path(&self) -> &Path {
        &self.contents.path
    }

    /// Unlocks the backup with a password valid at the time (of someone who then had Manage
    /// system) or the school's recovery code at the time, and checks the copy inside opens.
    pub fn unlock(self, how: &Unlock) -> Result<UnlockedBackup> {
        let keys = &self.contents.keys;
        let key = match how {
            Unlock::Password { email, password } => keys.unlock_person(email, password)?,
            Unlock::RecoveryCode(code) => keys.unlock_recovery(code)?,
        };
        let copy = backup::open_copy(&self.contents.database, &key, &self.contents.path)?;
        let by = match how {
            Unlock::RecoveryCode(_) => None,
            Unlock::Password { email, .. } => {
                let user = people::user_by_email(copy.db(), email)?
                    .ok_or(crate::vault::Error::WrongPassword)?;
                let admin = user.active
                    && people::user_groups(copy.db())?.iter().any(|g| {
                        g.id == user.user_group
                            && g.active
                            && g.system.contains(SystemPermission::ManageSystem)
                    });
                if !admin {
                    return Err(Error::Invalid(format!(
                        "{} did not have Manage system when this backup was taken, so cannot restore it. Ask an administrator, or use the recovery code.",
                        user.full_name()
                    )));
                }
                Some((user.id, user.full_name()))
            }
        };
        Ok(UnlockedBackup {
            contents: self.contents,
            key,
            by,
        })
    }
}

/// A backup whose copy has been opened with its key: ready to replace the school's files.
pub struct UnlockedBackup {
    contents: Contents,
    key: DataKey,
    by: Option<(UserId, String)>,
}

impl std::fmt::Debug for UnlockedBackup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnlockedBackup")
            .field("path", &self.contents.path)
            .finish_non_exhaustive()
    }
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub location: Location,
    /// Where the files that were replaced now are (kept until the admin deletes them).
    pub kept: Option<Location>,
    pub manifest: Manifest,
    /// Destructions made after the backup was taken (found in the replaced file's log): its
    /// records are back, and Data Destruction Policies offers to destroy them again.
    pub destructions_to_reapply: usize,
}

impl UnlockedBackup {
    pub fn manifest(&self) -> &Manifest {
        &self.contents.manifest
    }

    /// Replaces the school's files at `location` with the backup's. Close every Keyholder window
    /// on the school first: the session that had it open must be ended before this is called.
    pub fn restore(self, location: &Location) -> Result<Restored> {
        let now = crate::clock::now();
        // Waits for a change in progress elsewhere (an import, a command) to finish, and keeps
        // new ones out until the new file is in place; the new generation then stops every
        // process that still has the old file open from writing into it.
        replace::finish_interrupted(location)?;
        let mut exclusive = crate::vault::lock::Exclusive::take(&location.lock_file())?;
        let kept = replace::replace(
            location,
            &self.contents.database,
            &self.contents.keys_bytes,
            now,
            &mut exclusive,
        )?;
        // Brings an older backup's schema up to date, and notes the restore in the restored
        // school's own audit trail (and that this backup exists, for the health check), still
        // holding the school: the note is the first change the restored school gets.
        let mut vault = Vault::open_restored(location, &self.key, exclusive)?;
        let to_reapply = match &kept {
            Some(k) => destructions_since(k, &self.key, &vault),
            None => Vec::new(),
        };
        let actor = match &self.by {
            Some((id, name)) => Actor::user(*id, name.clone()),
            None => Actor::system("Recovery code"),
        };
        let m = &self.contents.manifest;
        let record = backups::BackupRecord {
            taken_at: m.created_at,
            file_name: file_name(&self.contents.path),
            bytes: self.contents.file_bytes,
            sha256: self.contents.file_sha256.clone(),
            taken_by: None,
        };
        let kept_text = kept
            .as_ref()
            .map(|k| format!("; the replaced files were kept as {}", k.db.display()))
            .unwrap_or_default();
        let reapply_text = if to_reapply.is_empty() {
            String::new()
        } else {
            format!(
                "; {} made since the backup to be re-applied",
                crate::model::names::count(to_reapply.len(), "destruction", "destructions")
            )
        };
        vault.write(&actor, |tx| {
            backups::insert(tx, &record)?;
            for d in &to_reapply {
                retention::insert_into(tx, retention::DestructionList::ToReapply, d)?;
            }
            Ok((
                (),
                Change::new(
                    "Restored from backup",
                    format!(
                        "Restored from {} taken {}{kept_text}{reapply_text}",
                        self.contents.path.display(),
                        crate::clock::format_local(m.created_at)
                    ),
                ),
            ))
        })?;
        Ok(Restored {
            location: location.clone(),
            kept,
            manifest: self.contents.manifest.clone(),
            destructions_to_reapply: to_reapply.len(),
        })
    }
}

/// The destructions in the replaced school file's log that the restored one does not have: made
/// after the backup was taken. The replaced file opens with the same data key (a school's key
/// never changes); if it cannot be read, none are found, and the restore says nothing of them.
fn destructions_since(
    kept: &Location,
    key: &DataKey,
    restored: &Vault,
) -> Vec<crate::model::retention::Destruction> {
    let Ok(old) = Vault::open(kept, key) else {
        return Vec::new();
    };
    let (Ok(theirs), Ok(ours)) = (
        retention::destructions(old.db()),
        retention::destructions(restored.db()),
    ) else {
        return Vec::new();
    };
    theirs.into_iter().filter(|d| !ours.contains(d)).collect()
}

/// What a restore brought back that had been destroyed since the backup, for messages: empty
/// when nothing had.
pub fn describe_reapply(r: &Restored) -> String {
    match r.destructions_to_reapply {
        0 => String::new(),
        n => format!(
            " {} made since this backup {} not in it, so those records are back: someone with Data destruction policy should destroy them again on Data Destruction Policies (or with keyholder retention reapply).",
            crate::model::names::count(n, "destruction", "destructions"),
            if n == 1 { "is" } else { "are" }
        ),
    }
}

/// Where the files kept by a restore sit, for messages.
pub fn describe_kept(kept: &Option<Location>) -> String {
    match kept {
        Some(k) => format!(
            "The files it replaced are kept beside it as {} and {}; delete them once you are sure you do not need them.",
            display_name(&k.db),
            display_name(&k.keys)
        ),
        None => String::new(),
    }
}

fn display_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// One line about a backup for the restore screen and the command line.
pub fn describe(m: &Manifest) -> String {
    format!(
        "{}{}, backed up {} by Keyholder {}: {} pupils ({} archived), {} groups, {} users, {} user groups, {} incidents, {} audit entries.",
        m.school_name,
        if m.is_demo { " (demo)" } else { "" },
        crate::clock::format_local(m.created_at),
        m.app_version,
        m.counts.pupils,
        m.counts.archived_pupils,
        m.counts.pupil_groups,
        m.counts.users,
        m.counts.user_groups,
        m.counts.incidents,
        m.counts.audit_entries
    )
}

/// The path with the backup extension added when it has none.
pub fn with_extension(path: PathBuf) -> PathBuf {
    if path.extension().is_some_and(|e| e == backup::EXTENSION) {
        path
    } else {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(".");
        name.push(backup::EXTENSION);
        path.with_file_name(name)
    }
}
