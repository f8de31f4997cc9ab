//! A crash at any moment loses at most the change being made. A child process writes in a loop
//! and is killed with SIGKILL; everything it reported as saved must still be there, and the file
//! and its audit chain must be sound.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

const CHILD_ENV: &str = "KEYHOLDER_CRASH_TEST_CHILD";

/// In the child: sign in, then change a setting over and over, reporting each saved change.
fn child_loop(dir: &str) -> ! {
    let location = keyholder::vault::Location::new(std::path::Path::new(dir).join("school.db"));
    let secret =
        keyholder::auth::soft_key::from_base32(&std::env::var("KEYHOLDER_CRASH_SECRET").unwrap())
            .unwrap();
    let mut session = common::sign_in_at(
        &location,
        keyholder::service::demo::ADMIN_EMAIL,
        common::PASSWORD,
        &secret,
        common::now(),
    );
    let mut out = std::io::stdout();
    for n in 1u64.. {
        let minutes = 1 + (n % 200) as u32;
        session.set_idle_lock_minutes(minutes).unwrap();
        writeln!(out, "saved {n}").unwrap();
        out.flush().unwrap();
    }
    unreachable!()
}

#[cfg(unix)]
#[test]
fn killed_mid_write_loses_nothing_it_saved() {
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        child_loop(&dir);
    }
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = common::demo_school(dir.path(), common::small());
    let entries_before = creds.session.recent_audit("", 100_000).unwrap().len();
    drop(creds.session);

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "killed_mid_write_loses_nothing_it_saved",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, dir.path())
        .env(
            "KEYHOLDER_CRASH_SECRET",
            keyholder::auth::soft_key::base32(&creds.totp_secret),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut saved = 0u64;
    let reader = BufReader::new(child.stdout.take().unwrap());
    for line in reader.lines() {
        let line = line.unwrap();
        if let Some(n) = line.strip_prefix("saved ") {
            saved = n.trim().parse().unwrap();
            if saved >= 60 {
                break;
            }
        }
    }
    // SIGKILL: no chance to clean up, exactly like pulling the plug on the program.
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        saved >= 60,
        "the child saved {saved} changes before being killed"
    );

    let session = common::sign_in_at(
        &location,
        &creds.email,
        common::PASSWORD,
        &creds.totp_secret,
        common::now() + 60,
    );
    let entries = session.recent_audit("", 100_000).unwrap();
    let changes = entries
        .iter()
        .filter(|e| e.summary == "Idle lock time changed")
        .count() as u64;
    assert!(
        changes >= saved,
        "{changes} changes found, {saved} were reported saved"
    );
    assert!(entries.len() > entries_before);
    assert!(session.verify_audit().unwrap().is_intact());
    let key = keyholder::vault::KeyFile::read(&location.keys)
        .unwrap()
        .unlock_person(&creds.email, common::PASSWORD)
        .unwrap();
    drop(session);
    let vault = keyholder::vault::Vault::open(&location, &key).unwrap();
    assert_eq!(vault.integrity_check().unwrap(), "ok");
}
