//! One change at a time, across every Keyholder window and command that has the school open.
//!
//! SQLite's own write lock (`BEGIN IMMEDIATE`) covers one connection's transaction, but a restore
//! replaces the school file itself, which no SQLite lock can guard. So beside the school file sits
//! a small lock file (`keyholder.lock`) that every change holds, exclusively, from before its
//! first read to its commit. It also carries the school file's *generation*: a random token that
//! a restore renews while it holds the lock. A process that opened the file before the restore
//! still has the old file open (renamed aside); its next change sees the new token and is refused
//! instead of writing into the file nobody reads any more.
//!
//! The lock file is only ever written in place, never replaced: the OS lock belongs to the file
//! itself, and a renamed-over file would leave two processes holding two different locks.

use super::error::{Error, Result};
use super::files::sync_folder;
use rand::RngCore;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a change waits for another one to finish before giving up with a clear message.
pub const WAIT: Duration = Duration::from_secs(30);

/// Longer than any token we write; a bigger file is not ours and is not read whole.
const MAX_TOKEN: u64 = 256;

/// The open lock file of one school, and the generation this process opened.
#[derive(Debug)]
pub struct SchoolLock {
    file: File,
    path: PathBuf,
    generation: String,
    held: bool,
}

fn open_file(path: &Path) -> Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| Error::io("open", path, e))
}

/// Waits (up to [`WAIT`]) for the exclusive lock.
fn lock_exclusive(file: &File, path: &Path) -> Result<()> {
    let started = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(TryLockError::WouldBlock) if started.elapsed() < WAIT => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(TryLockError::WouldBlock) => return Err(Error::Busy),
            Err(TryLockError::Error(e)) => return Err(Error::io("lock", path, e)),
        }
    }
}

fn read_token(file: &mut File, path: &Path) -> Result<String> {
    let io = |e| Error::io("read", path, e);
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut text = String::new();
    // A lock file that is not text (someone else's file) reads as no generation at all.
    let _ = file.take(MAX_TOKEN).read_to_string(&mut text);
    Ok(text.trim().to_string())
}

fn write_token(file: &mut File, path: &Path, token: &str) -> Result<()> {
    let io = |e| Error::io("write", path, e);
    file.set_len(0).map_err(io)?;
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    file.write_all(token.as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)
}

fn new_token() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

impl SchoolLock {
    /// Opens (creating if needed) the lock file beside a school file and notes its generation.
    pub fn open(path: &Path) -> Result<SchoolLock> {
        let mut file = open_file(path)?;
        lock_exclusive(&file, path)?;
        let result = (|| -> Result<String> {
            let mut token = read_token(&mut file, path)?;
            if token.is_empty() {
                token = new_token();
                write_token(&mut file, path, &token)?;
                sync_folder(path);
            }
            Ok(token)
        })();
        let _ = file.unlock();
        Ok(SchoolLock {
            file,
            path: path.to_path_buf(),
            generation: result?,
            held: false,
        })
    }

    /// Holds the school for one change. Refused when the school file was replaced (restored)
    /// since this process opened it, or when another change goes on for longer than [`WAIT`].
    pub fn acquire(&mut self) -> Result<()> {
        if self.held {
            return Ok(());
        }
        lock_exclusive(&self.file, &self.path)?;
        match read_token(&mut self.file, &self.path) {
            Ok(token) if token == self.generation => {
                self.held = true;
                Ok(())
            }
            Ok(_) => {
                let _ = self.file.unlock();
                Err(Error::Replaced)
            }
            Err(e) => {
                let _ = self.file.unlock();
                Err(e)
            }
        }
    }

    pub fn release(&mut self) {
        if self.held {
            let _ = self.file.unlock();
            self.held = false;
        }
    }

    /// Whether a restore has replaced the school file since this process opened it. Never waits:
    /// while another change holds the lock the answer is "not yet known", reported as `false`.
    pub fn replaced(&mut self) -> bool {
        if self.held {
            return false;
        }
        match self.file.try_lock_shared() {
            Ok(()) => {
                let token = read_token(&mut self.file, &self.path);
                let _ = self.file.unlock();
                token.is_ok_and(|t| t != self.generation)
            }
            Err(_) => false,
        }
    }
}

impl Drop for SchoolLock {
    fn drop(&mut self) {
        self.release();
    }
}

/// The school held exclusively for a restore: no change can start until it is dropped, and
/// [`Exclusive::renew`] makes every process that opened the old file refuse to write.
#[derive(Debug)]
pub struct Exclusive {
    /// Always there until [`Exclusive::into_school_lock`] hands it on.
    file: Option<File>,
    path: PathBuf,
}

impl Exclusive {
    /// Waits (up to [`WAIT`]) for any change in progress to finish, then holds the school.
    pub fn take(path: &Path) -> Result<Exclusive> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
        }
        let file = open_file(path)?;
        lock_exclusive(&file, path)?;
        Ok(Exclusive {
            file: Some(file),
            path: path.to_path_buf(),
        })
    }

    /// Gives the school file a new generation: call once the new file is in place.
    pub fn renew(&mut self) -> Result<()> {
        match self.file.as_mut() {
            Some(file) => write_token(file, &self.path, &new_token()),
            None => Ok(()),
        }
    }

    /// The restored school's own lock, of the generation just given, still held: the restore's
    /// first change (its audit entry) is then made before any other process's, and the lock is
    /// let go when that change ends.
    pub fn into_school_lock(mut self) -> Result<SchoolLock> {
        let Some(mut file) = self.file.take() else {
            return Err(Error::Damaged("the school is no longer held".into()));
        };
        // On an error the file is closed here, which lets the lock go.
        let generation = read_token(&mut file, &self.path)?;
        Ok(SchoolLock {
            file,
            path: self.path.clone(),
            generation,
            held: true,
        })
    }
}

impl Drop for Exclusive {
    fn drop(&mut self) {
        if let Some(file) = &self.file {
            let _ = file.unlock();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_and_a_restore_retires_the_old_generation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("school.lock");
        let mut first = SchoolLock::open(&path).unwrap();
        let mut second = SchoolLock::open(&path).unwrap();
        assert_eq!(first.generation, second.generation);

        first.acquire().unwrap();
        // While one change is held, the other cannot start (checked without waiting).
        assert!(matches!(
            second.file.try_lock(),
            Err(TryLockError::WouldBlock)
        ));
        first.release();
        second.acquire().unwrap();
        second.release();

        assert!(!first.replaced());
        let mut restore = Exclusive::take(&path).unwrap();
        restore.renew().unwrap();
        drop(restore);
        assert!(first.replaced());
        assert!(matches!(first.acquire(), Err(Error::Replaced)));
        // Someone who opens the school after the restore works as usual.
        let mut after = SchoolLock::open(&path).unwrap();
        after.acquire().unwrap();
    }
}
