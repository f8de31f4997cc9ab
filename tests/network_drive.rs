//! A school file on a network drive is refused, on a real mount whose type the system reports
//! as a network file system: a FUSE folder (bindfs) mounted with the subtype `sshfs`, so
//! `/proc/self/mountinfo` lists it as `fuse.sshfs`, as a real SSH folder is listed. Needs root
//! and bindfs (CI installs it); skipped elsewhere.

mod common;

use common::{PASSWORD, demo_school, files_in, small, tool_available};
use keyholder::service;
use keyholder::vault::Location;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A folder mounted so that it looks like an SSH share; unmounted when dropped.
struct Share {
    /// Where the files really are.
    backing: PathBuf,
    /// The mounted folder.
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl Share {
    fn mount() -> Option<Share> {
        if !tool_available("bindfs") {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let backing = dir.path().join("backing");
        let path = dir.path().join("share");
        std::fs::create_dir(&backing).unwrap();
        std::fs::create_dir(&path).unwrap();
        let ok = Command::new("bindfs")
            .args(["-o", "subtype=sshfs"])
            .arg(&backing)
            .arg(&path)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            // Where the kernel offers FUSE, CI must be able to use it.
            assert!(
                std::env::var_os("KEYHOLDER_REQUIRE_TOOLS").is_none()
                    || !Path::new("/dev/fuse").exists(),
                "CI must be able to mount a FUSE folder for the network-drive test"
            );
            eprintln!("skipping: cannot mount a FUSE folder here (needs root and /dev/fuse)");
            return None;
        }
        let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
        assert!(
            mounts.lines().any(|l| l.contains(" - fuse.sshfs ")),
            "the share is listed as an SSH folder: {mounts}"
        );
        Some(Share {
            backing,
            path,
            _dir: dir,
        })
    }
}

impl Drop for Share {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

#[test]
fn a_new_school_on_a_network_drive_is_refused_naming_its_own_files_and_leaving_nothing() {
    let Some(share) = Share::mount() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("pw");
    std::fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_keyholder"))
        .args(["demo", "--vault"])
        .arg(share.path.join("school.db"))
        .arg("--password-file")
        .arg(&pw)
        .args(["--pupils", "20", "--staff", "5"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(err.contains("network drive (an SSH folder)"), "{err}");
    assert!(err.contains("school.db and school.keys"), "{err}");
    assert!(!err.contains(".creating"), "the file's own name: {err}");
    assert!(
        files_in(&share.backing).is_empty(),
        "{:?}",
        files_in(&share.backing)
    );
}

#[test]
fn a_school_moved_onto_a_network_drive_is_refused_and_left_as_it_is_but_backups_may_go_there() {
    let Some(share) = Share::mount() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (location, mut creds) = demo_school(dir.path(), small());
    // A backup kept on the share is fine.
    let backup = share.path.join("weekly.khbackup");
    creds.session.back_up(&backup, &|_| {}).unwrap();
    assert!(keyholder::service::backup::open_backup(&backup).is_ok());
    drop(creds.session);

    // The school itself copied onto the share is not.
    let moved = Location::new(share.path.join("school.db"));
    std::fs::copy(&location.db, &moved.db).unwrap();
    std::fs::copy(&location.keys, &moved.keys).unwrap();
    let before = files_in(&share.backing);
    let db_before = std::fs::read(&moved.db).unwrap();
    let e = service::sign_in(&moved, &creds.email, PASSWORD).unwrap_err();
    let message = e.to_string();
    assert!(message.contains("network drive"), "{message}");
    assert!(
        message.contains(&moved.db.display().to_string()),
        "names the file: {message}"
    );
    assert!(
        message.contains("this PC's own disk"),
        "says where to move it: {message}"
    );
    assert_eq!(files_in(&share.backing), before, "nothing made beside it");
    assert_eq!(std::fs::read(&moved.db).unwrap(), db_before);
}
