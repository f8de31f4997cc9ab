//! School files that a failed copy, a sync or a killed process left behind: refused in plain
//! words and never replaced, and leftovers of killed restores cleared quietly.

mod common;

use keyholder::service::{self, Error};
use keyholder::vault::{self, Location};
use std::path::Path;
use std::process::{Command, Output};

fn keyholder(args: &[&str], location: &Location, password_file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keyholder"))
        .args(args)
        .arg("--vault")
        .arg(&location.db)
        .arg("--user")
        .arg(keyholder::service::demo::ADMIN_EMAIL)
        .arg("--password-file")
        .arg(password_file)
        .arg("--code")
        .arg("123456")
        .output()
        .expect("keyholder runs")
}

/// One line on stderr, in words, with exit status 2: nothing from SQLite or SQLCipher itself.
fn assert_one_clear_line(out: &Output, expect: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(expect), "{err}");
    for noise in ["ERROR CORE", "panicked", "backtrace", "sqlite"] {
        assert!(!err.to_lowercase().contains(&noise.to_lowercase()), "{err}");
    }
}

fn school() -> (tempfile::TempDir, Location, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = common::demo_school(dir.path(), common::small());
    drop(creds.session);
    let pw = dir.path().join("pw");
    std::fs::write(&pw, format!("{}\n", common::PASSWORD)).unwrap();
    (dir, location, pw)
}

#[test]
fn an_empty_school_file_is_refused_and_left_empty() {
    let (_dir, location, pw) = school();
    std::fs::write(&location.db, b"").unwrap();
    let keys_before = std::fs::read(&location.keys).unwrap();

    let result = service::sign_in(
        &location,
        keyholder::service::demo::ADMIN_EMAIL,
        common::PASSWORD,
    );
    assert!(
        matches!(result, Err(Error::Vault(vault::Error::EmptySchoolFile(_)))),
        "{result:?}"
    );
    let out = keyholder(&["groups", "list"], &location, &pw);
    assert_one_clear_line(&out, "is empty");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Restore"));

    assert_eq!(std::fs::metadata(&location.db).unwrap().len(), 0);
    assert_eq!(std::fs::read(&location.keys).unwrap(), keys_before);
}

#[test]
fn a_missing_school_file_beside_its_key_file_is_refused_and_never_made_afresh() {
    let (_dir, location, pw) = school();
    std::fs::remove_file(&location.db).unwrap();
    for companion in ["db-wal", "db-shm"] {
        let _ = std::fs::remove_file(location.db.with_extension(companion));
    }
    let keys_before = std::fs::read(&location.keys).unwrap();

    let result = service::sign_in(
        &location,
        keyholder::service::demo::ADMIN_EMAIL,
        common::PASSWORD,
    );
    assert!(
        matches!(
            result,
            Err(Error::Vault(vault::Error::SchoolFileMissing(_)))
        ),
        "{result:?}"
    );
    let out = keyholder(&["audit", "verify"], &location, &pw);
    assert_one_clear_line(&out, "is missing");
    // Nor may a new school or a demo be started over the key file.
    let demo = Command::new(env!("CARGO_BIN_EXE_keyholder"))
        .args(["demo", "--vault"])
        .arg(&location.db)
        .arg("--password-file")
        .arg(&pw)
        .output()
        .unwrap();
    assert_eq!(demo.status.code(), Some(2));

    assert!(!location.db.exists());
    assert_eq!(std::fs::read(&location.keys).unwrap(), keys_before);
}

#[test]
fn a_file_that_is_not_a_school_is_refused_in_one_line() {
    let (_dir, location, pw) = school();
    // What a sync tool's conflict copy or a half-written download looks like: other bytes.
    let mut bytes = std::fs::read(&location.db).unwrap();
    for b in bytes.iter_mut().take(4096 * 3) {
        *b ^= 0x5a;
    }
    std::fs::write(&location.db, &bytes).unwrap();
    let out = keyholder(&["groups", "list"], &location, &pw);
    assert_one_clear_line(&out, "not a Keyholder school file");
    assert_eq!(std::fs::read(&location.db).unwrap(), bytes);
}

#[test]
fn what_a_killed_restore_left_is_cleared_at_the_next_sign_in() {
    let (_dir, location, _pw) = school();
    let leftovers: Vec<_> = ["db.restoring", "db.restoring.tmp", "keys.restoring"]
        .iter()
        .map(|ext| location.db.with_extension(ext))
        .collect();
    for l in &leftovers {
        std::fs::write(l, b"half a file").unwrap();
    }
    let secret = {
        let seed = vault::KeyFile::read(&location.keys)
            .unwrap()
            .demo
            .unwrap()
            .totp_seed;
        keyholder::service::demo::totp_secret(&seed, keyholder::service::demo::ADMIN_EMAIL)
    };
    let session = common::sign_in_at(
        &location,
        keyholder::service::demo::ADMIN_EMAIL,
        common::PASSWORD,
        &secret,
        common::now(),
    );
    for l in &leftovers {
        assert!(!l.exists(), "{} is still there", l.display());
    }
    assert!(session.verify_audit().unwrap().is_intact());
}
