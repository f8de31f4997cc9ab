//! The encrypted vault as a whole: creating, unlocking, refusing, and what is on disk.

mod common;

use common::*;
use keyholder::service::{self, SignInStep, recovery};
use keyholder::vault::{self, DataKey, KeyFile, Location, Vault};

#[test]
fn password_then_code_opens_the_vault() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    drop(creds.session);
    let session = sign_in_at(&location, &creds.email, PASSWORD, &creds.totp_secret, now());
    assert_eq!(session.me().user.email, creds.email);
    assert!(session.me().signed_in_with_key);
    assert_eq!(session.school().unwrap().name, "Millbrook Primary School");
}

#[test]
fn wrong_password_and_unknown_address_get_the_same_answer() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let wrong_pw = service::sign_in(&location, &creds.email, "not the password").unwrap_err();
    let unknown = service::sign_in(&location, "nobody@millbrook.example", PASSWORD).unwrap_err();
    assert_eq!(wrong_pw.to_string(), unknown.to_string());
    assert!(wrong_pw.to_string().contains("do not match"));
}

/// A sign-in whose password was accepted, waiting for the holder's soft-key code.
fn waiting_for_code(location: &Location, email: &str) -> service::PendingCode {
    match service::sign_in(location, email, PASSWORD).unwrap() {
        SignInStep::NeedsCode(pending) => pending,
        SignInStep::SignedIn(_) => panic!("{email} holds a key"),
    }
}

/// A code that is not `right`.
fn not_the_code(right: &str) -> &'static str {
    if right == "000000" {
        "111111"
    } else {
        "000000"
    }
}

#[test]
fn wrong_code_is_refused_and_the_sign_in_can_be_retried() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let t = now();
    let mut pending = waiting_for_code(&location, &creds.email);
    let wrong = not_the_code(&code(&creds.totp_secret, t, 0));
    let e = pending.confirm(wrong, t).unwrap_err();
    assert!(
        matches!(e, service::Error::WrongCode { attempts_left: 4 }),
        "{e:?}"
    );
    pending.confirm(&code(&creds.totp_secret, t, 0), t).unwrap();
    assert!(pending.into_session().is_ok());
}

#[test]
fn the_count_of_tries_left_reads_as_english_down_to_the_last() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let t = now();
    let mut pending = waiting_for_code(&location, &creds.email);
    let right = code(&creds.totp_secret, t, 0);
    let wrong = not_the_code(&right);
    let messages: Vec<String> = (0..4)
        .map(|_| pending.confirm(wrong, t).unwrap_err().to_string())
        .collect();
    assert!(messages[0].contains("4 more tries"), "{messages:?}");
    assert!(messages[2].contains("2 more tries"), "{messages:?}");
    assert!(messages[3].contains("1 more try"), "{messages:?}");
    assert!(!messages[3].contains("tries"), "{messages:?}");
    // The fifth wrong code locks the key, and even the right one is then refused.
    let locked = pending.confirm(wrong, t).unwrap_err();
    assert!(
        matches!(locked, service::Error::Locked { .. }),
        "{locked:?}"
    );
    assert!(pending.confirm(&right, t).is_err());
}

#[test]
fn a_code_is_accepted_only_once_across_sign_ins() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let t = now();
    drop(sign_in_at(
        &location,
        &creds.email,
        PASSWORD,
        &creds.totp_secret,
        t,
    ));
    let SignInStep::NeedsCode(mut pending) =
        service::sign_in(&location, &creds.email, PASSWORD).unwrap()
    else {
        panic!("needs a code");
    };
    let e = pending
        .confirm(&code(&creds.totp_secret, t, 0), t + 1)
        .unwrap_err();
    assert!(matches!(e, service::Error::CodeAlreadyUsed { .. }), "{e:?}");
}

#[test]
fn five_wrong_codes_lock_the_account_across_sign_ins() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let t = now();
    let good = code(&creds.totp_secret, t, 0);
    let wrong = if good == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let SignInStep::NeedsCode(mut p) =
            service::sign_in(&location, &creds.email, PASSWORD).unwrap()
        else {
            panic!("needs a code");
        };
        let _ = p.confirm(wrong, t);
    }
    let SignInStep::NeedsCode(mut p) = service::sign_in(&location, &creds.email, PASSWORD).unwrap()
    else {
        panic!("needs a code");
    };
    let e = p.confirm(&good, t).unwrap_err();
    assert!(matches!(e, service::Error::Locked { .. }), "{e:?}");
    // Fifteen minutes later the lock has expired.
    let later = t + 15 * 60;
    p.confirm(&code(&creds.totp_secret, later, 0), later)
        .unwrap();
}

#[test]
fn recovery_code_resets_the_password_and_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    drop(creds.session);
    let unlock =
        recovery::unlock_with_recovery_code(&location, &creds.recovery_code.to_lowercase())
            .unwrap();
    let admins = unlock.administrators().unwrap();
    assert!(admins.iter().any(|u| u.email == creds.email));
    let new_pw = "a brand new passphrase 7";
    let new_code = unlock
        .reset(
            &creds.email,
            new_pw,
            new_pw,
            None,
            vault::KdfCost::insecure_for_tests(),
        )
        .unwrap();
    assert_ne!(new_code, creds.recovery_code);
    assert!(service::sign_in(&location, &creds.email, PASSWORD).is_err());
    drop(sign_in_at(
        &location,
        &creds.email,
        new_pw,
        &creds.totp_secret,
        now(),
    ));
    // The old recovery code no longer works; the new one does.
    assert!(recovery::unlock_with_recovery_code(&location, &creds.recovery_code).is_err());
    assert!(recovery::unlock_with_recovery_code(&location, &new_code).is_ok());
}

#[test]
fn wrong_recovery_code_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (location, _creds) = demo_school(dir.path(), small());
    let e = recovery::unlock_with_recovery_code(&location, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF")
        .unwrap_err();
    assert!(e.to_string().contains("recovery code is not right"), "{e}");
}

/// A real (not demo) school with the demo's people in it: its files must name nobody.
fn real_school(dir: &std::path::Path) -> (Location, keyholder::service::SchoolData) {
    use keyholder::service::setup::{NewVault, PersonAccess, create_vault};
    let mut data = keyholder::service::demo::generate(small(), 3, now()).data;
    data.school.is_demo = false;
    data.school.name = "Larkfield Primary School".into();
    let location = Location::new(dir.join("school.db"));
    let admin = keyholder::service::demo::ADMIN_EMAIL.to_string();
    drop(
        create_vault(NewVault {
            location: &location,
            data: &data,
            admin: PersonAccess {
                email: admin,
                password: PASSWORD.into(),
                soft_key: Some(confirmed_key(
                    &keyholder::auth::soft_key::new_secret(),
                    now(),
                )),
            },
            others: Vec::new(),
            recovery_code: "TEST-CODE",
            kdf: vault::KdfCost::insecure_for_tests(),
            demo: None,
            origin: "Test",
        })
        .unwrap(),
    );
    (location, data)
}

fn names_in(data: &keyholder::service::SchoolData) -> Vec<String> {
    let mut names: Vec<String> = vec![data.school.name.clone()];
    names.extend(
        data.users
            .iter()
            .flat_map(|u| [u.surname.clone(), u.email.clone()]),
    );
    names.extend(data.pupils.iter().map(|p| p.surname.clone()));
    names.retain(|n| n.len() >= 4);
    names
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    haystack.windows(n.len()).any(|w| w == n)
}

#[test]
fn the_raw_files_give_nothing_away() {
    let dir = tempfile::tempdir().unwrap();
    let (location, data) = real_school(dir.path());
    let raw = std::fs::read(&location.db).unwrap();
    assert!(!raw.starts_with(b"SQLite format 3"), "no SQLite header");
    let keys = std::fs::read(&location.keys).unwrap();
    for name in names_in(&data) {
        assert!(!contains(&raw, &name), "{name} appears in the school file");
        assert!(!contains(&keys, &name), "{name} appears in the key file");
    }
}

#[test]
fn the_demo_key_file_reveals_only_the_published_demo_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut creds) = demo_school(dir.path(), small());
    let data = creds.session.export().unwrap();
    drop(creds.session);
    let raw = std::fs::read(&location.db).unwrap();
    let keys = std::fs::read(&location.keys).unwrap();
    for name in names_in(&data) {
        assert!(!contains(&raw, &name), "{name} appears in the school file");
        // The demo's sign-in screen shows the headteacher's address; nothing else is readable.
        if name != creds.email && name != "Millbrook Primary School" {
            assert!(
                !contains(&keys, &name),
                "{name} appears in the demo key file"
            );
        }
    }
}

#[test]
fn an_ordinary_sqlite_connection_cannot_read_it() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    drop(creds.session);
    let conn = rusqlite::Connection::open(&location.db).unwrap();
    let e = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap_err();
    assert!(e.to_string().contains("not a database"), "{e}");
}

#[test]
fn missing_or_damaged_key_file_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    drop(creds.session);
    let keys = std::fs::read(&location.keys).unwrap();
    std::fs::remove_file(&location.keys).unwrap();
    let e = service::sign_in(&location, &creds.email, PASSWORD).unwrap_err();
    assert!(
        e.to_string().contains("key file") && e.to_string().contains("missing"),
        "{e}"
    );
    std::fs::write(&location.keys, &keys[..keys.len() / 2]).unwrap();
    let e = service::sign_in(&location, &creds.email, PASSWORD).unwrap_err();
    assert!(e.to_string().contains("damaged"), "{e}");
}

#[test]
fn a_file_that_is_not_a_vault_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    drop(creds.session);
    // Someone copied another file over the school file.
    let junk: Vec<u8> = (0..8192u32).map(|i| (i * 7 + 3) as u8).collect();
    std::fs::write(&location.db, &junk).unwrap();
    let e = service::sign_in(&location, &creds.email, PASSWORD).unwrap_err();
    assert!(e.to_string().contains("not a Keyholder school file"), "{e}");
    assert_eq!(std::fs::read(&location.db).unwrap(), junk);
}

#[test]
fn a_vault_from_a_newer_version_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    drop(creds.session);
    let keyfile = KeyFile::read(&location.keys).unwrap();
    let key = keyfile.unlock_person(&creds.email, PASSWORD).unwrap();
    {
        let vault = Vault::open(&location, &key).unwrap();
        vault
            .conn()
            .pragma_update(None, "user_version", 999)
            .unwrap();
    }
    let before = std::fs::read(&location.db).unwrap();
    let e = service::sign_in(&location, &creds.email, PASSWORD).unwrap_err();
    assert!(e.to_string().contains("newer version of Keyholder"), "{e}");
    assert_eq!(std::fs::read(&location.db).unwrap(), before);
}

#[test]
fn a_new_vault_is_migrated_to_the_latest_schema() {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::new(dir.path().join("empty.db"));
    let key = DataKey::generate();
    let vault = Vault::create(&location, &key).unwrap();
    let v: u32 = vault
        .conn()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, vault::migrate::LATEST);
    assert_eq!(vault.integrity_check().unwrap(), "ok");
    drop(vault);
    // Reopening with the same key works; with another key it does not.
    assert!(Vault::open(&location, &key).is_ok());
    let e = Vault::open(&location, &DataKey::generate()).unwrap_err();
    assert!(matches!(e, vault::Error::NotAVault(_)), "{e:?}");
    // And an existing file is never overwritten by create.
    assert!(matches!(
        Vault::create(&location, &key),
        Err(vault::Error::AlreadyExists(_))
    ));
}

/// A restore keeps the school it has just put in place until its own note of the restore is
/// written: a window or command that opens the school meanwhile waits, and its change comes after.
#[test]
fn a_restored_school_gets_the_restores_change_before_any_other() {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::new(dir.path().join("school.db"));
    let key = DataKey::generate();
    drop(Vault::create(&location, &key).unwrap());
    let note = |action: &str| vault::Change::new(action, "a change");
    let held = vault::lock::Exclusive::take(&location.lock_file()).unwrap();
    let mut restored = Vault::open_restored(&location, &key, held).unwrap();
    let other = std::thread::spawn({
        let (location, key) = (location.clone(), key.clone());
        move || {
            let mut v = Vault::open(&location, &key).unwrap();
            v.write(&vault::Actor::system("Another window"), |_| {
                Ok(((), note("Another change")))
            })
            .unwrap();
        }
    });
    // Time enough for the other to open the school and write, were it not held.
    std::thread::sleep(std::time::Duration::from_millis(400));
    restored
        .write(&vault::Actor::system("Recovery code"), |_| {
            Ok(((), note("Restored from backup")))
        })
        .unwrap();
    other.join().unwrap();
    let actions: Vec<String> = restored
        .conn()
        .prepare("SELECT action FROM audit ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let at = |a: &str| actions.iter().position(|x| x == a);
    assert!(
        at("Restored from backup") < at("Another change") && at("Another change").is_some(),
        "{actions:?}"
    );
}

#[test]
fn the_audit_chain_finds_an_edited_entry() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let mut session = creds.session;
    session.set_idle_lock_minutes(15).unwrap();
    session.set_idle_lock_minutes(20).unwrap();
    assert!(session.verify_audit().unwrap().is_intact());
    drop(session);
    let key = KeyFile::read(&location.keys)
        .unwrap()
        .unlock_person(&creds.email, PASSWORD)
        .unwrap();
    let vault = Vault::open(&location, &key).unwrap();
    vault
        .conn()
        .execute("UPDATE audit SET after = '5 minutes' WHERE id = 2", [])
        .unwrap();
    let report = vault.verify_audit().unwrap();
    assert_eq!(
        report.first_bad.as_ref().map(|b| b.0),
        Some(2),
        "{report:?}"
    );
}

#[test]
fn every_change_is_audited_with_before_and_after() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, creds) = demo_school(dir.path(), small());
    let mut session = creds.session;
    session.set_idle_lock_minutes(25).unwrap();
    let entries = session.recent_audit("Idle lock", 10).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].before, "10 minutes");
    assert_eq!(entries[0].after, "25 minutes");
    assert_eq!(entries[0].actor_name, "Harriet Quinlan");
    assert!(
        session.set_idle_lock_minutes(0).is_err(),
        "out of range is refused"
    );
    assert_eq!(
        session.recent_audit("Idle lock", 10).unwrap().len(),
        1,
        "a refused change leaves no entry"
    );
}

#[test]
fn a_member_without_a_key_is_capped_and_cannot_export() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut creds) = demo_school(dir.path(), small());
    let data = creds.session.export().unwrap();
    // Office staff in the demo have no soft key.
    let office = data
        .users
        .iter()
        .find(|u| u.user_group == "Office")
        .unwrap();
    let SignInStep::SignedIn(mut session) =
        service::sign_in(&location, &office.email, PASSWORD).unwrap()
    else {
        panic!("no code is asked of someone without a key");
    };
    assert!(!session.me().signed_in_with_key);
    let e = session.export().unwrap_err();
    assert!(e.to_string().contains("Manage system"), "{e}");

    // The administrator's export is in the audit, with what it carried.
    let exports = creds.session.recent_audit("School exported", 10).unwrap();
    assert_eq!(exports.len(), 1, "only the export that happened");
    let summary = &exports[0].summary;
    for part in [
        format!("{} pupils", data.pupils.len()),
        format!("{} incidents", data.incidents.len()),
        format!("{} users", data.users.len()),
    ] {
        assert!(summary.contains(&part), "{summary}");
    }
}

#[test]
fn storage_errors_are_explained_in_plain_words() {
    use rusqlite::ffi;
    let full = rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_FULL), None);
    assert!(
        vault::Error::from(full)
            .to_string()
            .contains("disk is full")
    );
    let busy = rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_BUSY), None);
    assert!(
        vault::Error::from(busy)
            .to_string()
            .contains("is making a change")
    );
}
