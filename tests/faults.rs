//! Real faults, not simulated ones: a disk that fills up and a folder that is read-only. These
//! need a small filesystem of their own, made with `mount` (root only); in CI they always run.

mod common;

use common::*;
use keyholder::service;
use keyholder::vault::Location;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tiny tmpfs, unmounted when dropped.
struct SmallDisk {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(kib: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let path = dir.path().join("disk");
        std::fs::create_dir(&path).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(&path)
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            assert!(
                std::env::var_os("KEYHOLDER_REQUIRE_TOOLS").is_none(),
                "CI must be able to mount a small tmpfs for the fault tests"
            );
            eprintln!("skipping: cannot mount a tmpfs here (needs root)");
            return None;
        }
        Some(SmallDisk { path, _dir: dir })
    }

    fn remount_read_only(&self) {
        let ok = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.path)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "remount read-only");
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

fn copy_school(from: &Location, to_dir: &Path) -> Location {
    let to = Location::new(to_dir.join("school.db"));
    std::fs::copy(&from.db, &to.db).unwrap();
    std::fs::copy(&from.keys, &to.keys).unwrap();
    to
}

#[test]
fn a_full_disk_refuses_the_change_clearly_and_loses_nothing() {
    let Some(disk) = SmallDisk::mount(1024) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    drop(creds.session);
    let school = copy_school(&location, &disk.path);
    let t = now();
    let mut session = sign_in_at(&school, &creds.email, PASSWORD, &creds.totp_secret, t);
    session.set_idle_lock_minutes(12).unwrap();
    // Fill every remaining byte.
    let filler = disk.path.join("filler");
    let _ = std::fs::write(&filler, vec![0u8; 4 * 1024 * 1024]);
    let mut last = Ok(());
    for m in 13..200 {
        last = session.set_idle_lock_minutes(m);
        if last.is_err() {
            break;
        }
    }
    let e = last.expect_err("the disk filled up");
    assert!(e.to_string().contains("disk is full"), "{e}");
    drop(session);
    std::fs::remove_file(&filler).unwrap();
    // Everything saved before is still there, and the file is sound.
    let session = sign_in_at(&school, &creds.email, PASSWORD, &creds.totp_secret, t + 30);
    assert!(session.verify_audit().unwrap().is_intact());
    let minutes = session.school().unwrap().idle_lock_minutes;
    assert!(minutes >= 12, "{minutes}");
}

#[test]
fn a_read_only_folder_is_explained_and_the_school_untouched() {
    let Some(disk) = SmallDisk::mount(4096) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    drop(creds.session);
    let school = copy_school(&location, &disk.path);
    let before = std::fs::read(&school.db).unwrap();
    disk.remount_read_only();
    let e = service::sign_in(&school, &creds.email, PASSWORD).unwrap_err();
    let message = e.to_string();
    assert!(message.contains("cannot write to"), "{message}");
    // It names the file (or its folder) in the user's words, not SQLite's.
    assert!(
        message.contains(&disk.path.display().to_string()),
        "names where: {message}"
    );
    assert!(!message.contains("unable to open"), "{message}");
    assert!(!message.contains("database file"), "{message}");
    assert_eq!(std::fs::read(&school.db).unwrap(), before);
}

#[test]
fn a_new_school_on_a_read_only_disk_leaves_nothing_behind() {
    let Some(disk) = SmallDisk::mount(1024) else {
        return;
    };
    disk.remount_read_only();
    let target = Location::new(disk.path.join("school.db"));
    let e = keyholder::service::demo::create(
        &target,
        small(),
        PASSWORD,
        keyholder::vault::KdfCost::insecure_for_tests(),
    )
    .map(drop)
    .unwrap_err();
    assert!(
        e.to_string().contains("cannot write to") || e.to_string().contains("Could not"),
        "{e}"
    );
    assert!(!target.db.exists() && !target.keys.exists());
}
