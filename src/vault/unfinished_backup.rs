//! A backup killed while writing leaves `NAME.khbackup.tmp` in the folder it was going to, often
//! a USB stick or a share far from the school file. While it writes, the backup keeps a note
//! beside the school file naming that temporary file, locked by the OS for as long as the
//! process lives. The next time the school opens, a note whose lock can be taken belongs to a
//! backup that died: its temporary file is removed, then the note. A note still locked belongs
//! to a backup still running and is left alone.

use super::Location;
use super::backup::EXTENSION;
use super::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Notes are small; anything larger is not one of ours and is not read.
const MAX_NOTE: u64 = 64 * 1024;

/// The note of a backup being written; dropping it (the backup finished or failed) removes it.
pub struct Note {
    file: Option<File>,
    path: PathBuf,
}

/// `school.db` → `school.db.backup-writing-`: every note's name starts so.
fn prefix(location: &Location) -> String {
    let name = location
        .db
        .file_name()
        .unwrap_or_default()
        .to_string_lossy();
    format!("{name}.backup-writing-")
}

fn is_backup_temporary(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().ends_with(&format!(".{EXTENSION}.tmp")))
}

impl Note {
    /// Notes that `temporary` is being written for a backup of `location`.
    pub fn take(location: &Location, temporary: &Path) -> Result<Note> {
        let token = hex::encode(rand::random::<[u8; 8]>());
        let path = location
            .db
            .with_file_name(format!("{}{token}", prefix(location)));
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| Error::io("write", &path, e))?;
        // Locked before anything is written, so a note is never seen unlocked while its
        // backup lives.
        file.try_lock()
            .map_err(|e| Error::io("lock", &path, std::io::Error::other(e.to_string())))?;
        let named = temporary.to_string_lossy().into_owned();
        file.write_all(named.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::io("write", &path, e))?;
        Ok(Note {
            file: Some(file),
            path,
        })
    }
}

impl Note {
    /// Closes the note and leaves it where it is, as a backup killed while writing does. For
    /// tests.
    #[doc(hidden)]
    pub fn abandon(mut self) {
        drop(self.file.take());
        self.path = PathBuf::new();
    }
}

impl Drop for Note {
    fn drop(&mut self) {
        // Closed first: Windows will not remove a file that is still open.
        drop(self.file.take());
        if !self.path.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Removes what backups of `location` that died while writing left behind. Best effort: a
/// note that cannot be read or removed now is tried again at the next start.
pub fn clear(location: &Location) {
    let folder = match location.db.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let prefix = prefix(location);
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            clear_one(&entry.path());
        }
    }
}

fn clear_one(note: &Path) {
    let Ok(mut file) = OpenOptions::new().read(true).write(true).open(note) else {
        return;
    };
    // Still locked: that backup is being written now.
    if file.try_lock().is_err() {
        return;
    }
    let mut named = String::new();
    let read = (&mut file).take(MAX_NOTE).read_to_string(&mut named);
    drop(file);
    let temporary = PathBuf::from(named.trim());
    // Only ever a backup's own temporary file, whatever the note says.
    if read.is_ok() && is_backup_temporary(&temporary) {
        let _ = std::fs::remove_file(&temporary);
    }
    let _ = std::fs::remove_file(note);
}
