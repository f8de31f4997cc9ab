//! Writing files so that a crash or power cut leaves either the old file or the new one, never a
//! half-written mix.

use super::error::{Error, Result};
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A file's SHA-256 as people compare it: 64 hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

/// Writes `bytes` to `path` via a temporary file in the same folder, flushed to disk, then renamed
/// over the old file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = temporary_of(path);
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)
            .map_err(|e| Error::io("write", &tmp, e))?;
        file.write_all(bytes)
            .map_err(|e| Error::io("write", &tmp, e))?;
        file.sync_all().map_err(|e| Error::io("write", &tmp, e))?;
        drop(file);
        fs::rename(&tmp, path).map_err(|e| Error::io("replace", path, e))?;
        sync_folder(path);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Removes what a killed restore, backup or key-file write left behind. `fresh_for` spares files
/// younger than that, which may belong to a write still going on in another process.
pub fn remove_leftovers(paths: &[PathBuf], fresh_for: std::time::Duration) {
    for path in paths {
        let old_enough = fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= fresh_for);
        if old_enough {
            let _ = fs::remove_file(path);
        }
    }
}

/// The temporary files a killed write of `path` leaves: `path.tmp`.
pub fn temporary_of(path: &Path) -> PathBuf {
    sibling(path, "tmp")
}

/// `keyholder.keys` → `keyholder.keys.<suffix>`, in the same folder so a rename stays atomic.
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(suffix);
    path.with_file_name(name)
}

/// Makes a rename durable. Only possible (and only needed) where folders can be opened as files.
pub(crate) fn sync_folder(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.keys");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert!(!sibling(&path, "tmp").exists());
    }

    #[cfg(unix)]
    #[test]
    fn read_only_folder_is_reported_and_old_file_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.keys");
        write_atomic(&path, b"one").unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
        let result = write_atomic(&path, b"two");
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        // Root ignores folder permissions; the check only means something for ordinary users.
        if result.is_err() {
            assert!(matches!(result, Err(Error::ReadOnly(_))), "{result:?}");
            assert_eq!(fs::read(&path).unwrap(), b"one");
        }
    }
}
