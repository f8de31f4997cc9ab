//! Backing up and restoring through the service: a round trip gives back the school as it was, a
//! bad file is refused with nothing changed, and a backup taken while another connection writes
//! is of one moment.

mod common;

use common::{PASSWORD, demo_school, files_in, member_of, small};
use keyholder::model::GroupType;
use keyholder::service::backup::{Unlock, open_backup};
use keyholder::service::demo::DemoSize;
use keyholder::service::{self, Session};
use keyholder::vault::{self, Location};
use std::path::Path;

fn admin_password(email: &str) -> Unlock {
    Unlock::Password {
        email: email.to_string(),
        password: PASSWORD.to_string(),
    }
}

/// Both files' bytes, to show that nothing changed.
fn snapshot(location: &Location) -> (Vec<u8>, Vec<u8>) {
    (
        std::fs::read(&location.db).unwrap(),
        std::fs::read(&location.keys).unwrap(),
    )
}

/// The export without what changes by itself: when it was exported and when people signed in.
fn comparable(s: &mut Session) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(&s.export().unwrap().to_json()).unwrap();
    v["exported_at"] = serde_json::Value::Null;
    for u in v["users"].as_array_mut().unwrap() {
        u["last_login_at"] = serde_json::Value::Null;
    }
    v
}

#[test]
fn round_trip_gives_back_the_school_as_it_was_and_keeps_the_replaced_files() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let email = creds.email.clone();
    let mut s = creds.session;
    let before = comparable(&mut s);
    let out = dir.path().join("backups").join("monday.khbackup");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let steps = std::cell::RefCell::new(Vec::new());
    let written = s.back_up(&out, &|p| steps.borrow_mut().push(p)).unwrap();
    assert_eq!(written.manifest.counts.pupils, 42);
    assert_eq!(
        written.manifest.school_name,
        keyholder::service::demo::SCHOOL_NAME
    );
    let steps = steps.into_inner();
    assert_eq!(steps.first(), Some(&0.0));
    assert_eq!(steps.last(), Some(&1.0));
    assert!(steps.windows(2).all(|w| w[0] <= w[1]), "{steps:?}");

    // Changes after the backup.
    s.create_group(GroupType::House, "Kestrel", "").unwrap();
    s.set_restricted(GroupType::House, true).unwrap();
    let changed = comparable(&mut s);
    assert_ne!(changed, before);
    drop(s);

    let preview = open_backup(&out).unwrap();
    assert_eq!(
        preview.manifest().counts.users,
        written.manifest.counts.users
    );
    let restored = preview
        .unlock(&admin_password(&email))
        .unwrap()
        .restore(&location)
        .unwrap();
    let kept = restored.kept.expect("the replaced files are kept");
    assert!(kept.db.exists() && kept.keys.exists());

    let mut s = common::sign_in_demo_user(&location, &email);
    assert_eq!(comparable(&mut s), before);
    // The restore is in the restored school's audit trail, and the chain is intact.
    let audit = s.recent_audit("Restored from backup", 5).unwrap();
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert!(s.verify_audit().unwrap().is_intact());
    // The backup it came from counts as this school's last backup.
    assert_eq!(
        s.last_backup().unwrap().map(|b| b.taken_at),
        Some(written.manifest.created_at)
    );
    drop(s);

    // The kept pair still opens, and holds the changes made after the backup.
    let mut old = common::sign_in_demo_user(&kept, &email);
    assert_eq!(comparable(&mut old), changed);
}

#[test]
fn restore_with_the_recovery_code_onto_a_fresh_computer() {
    let dir = tempfile::tempdir().unwrap();
    let (_, creds) = demo_school(dir.path(), small());
    let email = creds.email.clone();
    let recovery = creds.recovery_code.clone();
    let mut s = creds.session;
    let before = comparable(&mut s);
    let out = dir.path().join("b.khbackup");
    s.back_up(&out, &|_| {}).unwrap();
    drop(s);

    let fresh = tempfile::tempdir().unwrap();
    let target = Location::new(fresh.path().join("new install").join("keyholder.db"));
    let wrong = open_backup(&out)
        .unwrap()
        .unlock(&Unlock::RecoveryCode("AAAA-BBBB-CCCC-DDDD".into()));
    assert!(matches!(
        wrong,
        Err(service::Error::Vault(vault::Error::WrongRecoveryCode))
    ));
    let restored = open_backup(&out)
        .unwrap()
        .unlock(&Unlock::RecoveryCode(recovery.to_lowercase()))
        .unwrap()
        .restore(&target)
        .unwrap();
    assert_eq!(restored.kept, None, "nothing was there to keep");
    let mut s = common::sign_in_demo_user(&target, &email);
    assert_eq!(comparable(&mut s), before);
}

#[test]
fn wrong_password_or_a_member_without_manage_system_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let email = creds.email.clone();
    let mut s = creds.session;
    let teacher = member_of(&s, "Teachers").email;
    let out = dir.path().join("b.khbackup");
    s.back_up(&out, &|_| {}).unwrap();
    drop(s);
    let files = files_in(dir.path());
    let bytes = snapshot(&location);

    let wrong = open_backup(&out).unwrap().unlock(&Unlock::Password {
        email: email.clone(),
        password: "not the password".into(),
    });
    assert!(matches!(
        wrong,
        Err(service::Error::Vault(vault::Error::WrongPassword))
    ));
    let teacher = open_backup(&out).unwrap().unlock(&admin_password(&teacher));
    let Err(service::Error::Invalid(message)) = teacher else {
        panic!("a teacher may not restore: {teacher:?}");
    };
    assert!(message.contains("Manage system"), "{message}");
    assert_eq!(files_in(dir.path()), files);
    assert_eq!(snapshot(&location), bytes);
}

#[test]
fn damaged_cut_short_foreign_and_newer_files_are_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    let out = dir.path().join("good.khbackup");
    s.back_up(&out, &|_| {}).unwrap();
    drop(s);
    let good = std::fs::read(&out).unwrap();
    let bad = dir.path().join("bad.khbackup");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("damaged", {
            let mut b = good.clone();
            let middle = b.len() / 2;
            b[middle] ^= 0x01;
            b
        }),
        ("cut short", good[..good.len() * 2 / 3].to_vec()),
        ("last byte missing", good[..good.len() - 1].to_vec()),
        (
            "foreign",
            b"PK\x03\x04 this is a zip file, not a backup".to_vec(),
        ),
        ("empty", Vec::new()),
        ("newer", {
            let mut b = good.clone();
            b[8..12].copy_from_slice(&2u32.to_le_bytes());
            b
        }),
        (
            "the school file itself",
            std::fs::read(&location.db).unwrap(),
        ),
    ];
    let bytes = snapshot(&location);
    for (what, content) in cases {
        std::fs::write(&bad, &content).unwrap();
        let files = files_in(dir.path());
        let result = open_backup(&bad);
        let err = result.expect_err(what);
        let message = err.to_string();
        match what {
            "foreign" | "empty" | "the school file itself" => assert!(
                matches!(err, service::Error::Vault(vault::Error::NotABackup(_))),
                "{what}: {err:?}"
            ),
            "newer" => assert!(
                matches!(
                    err,
                    service::Error::Vault(vault::Error::BackupTooNew { .. })
                ),
                "{what}: {err:?}"
            ),
            _ => assert!(
                matches!(
                    err,
                    service::Error::Vault(vault::Error::BackupDamaged { .. })
                ),
                "{what}: {err:?}"
            ),
        }
        assert!(
            message.contains("Nothing has been changed")
                || message.contains("nothing has been changed"),
            "{what}: {message}"
        );
        assert_eq!(files_in(dir.path()), files, "{what}");
        assert_eq!(snapshot(&location), bytes, "{what}");
    }
}

#[test]
fn the_backup_holds_no_readable_names() {
    let dir = tempfile::tempdir().unwrap();
    let (_, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    let data = s.export().unwrap();
    let out = dir.path().join("b.khbackup");
    s.back_up(&out, &|_| {}).unwrap();
    let bytes = std::fs::read(&out).unwrap();
    let text = String::from_utf8_lossy(&bytes).to_lowercase();
    for p in data.pupils.iter().take(10) {
        assert!(
            !text.contains(&p.surname.to_lowercase()) || p.surname.len() < 4,
            "{}",
            p.surname
        );
    }
    // The demo's key file publishes its administrator's sign-in (shown on its sign-in screen);
    // nobody else's address may appear.
    for u in data
        .users
        .iter()
        .filter(|u| u.email != keyholder::service::demo::ADMIN_EMAIL)
    {
        assert!(!text.contains(&u.email.to_lowercase()), "{}", u.email);
    }
}

#[test]
fn writing_over_an_existing_folder_that_is_missing_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let (_, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    let out = dir.path().join("no such folder").join("b.khbackup");
    assert!(s.back_up(&out, &|_| {}).is_err());
    assert!(
        s.last_backup().unwrap().is_none(),
        "a failed backup is not recorded"
    );
}

#[test]
fn a_backup_taken_while_another_connection_writes_is_of_one_moment() {
    let dir = tempfile::tempdir().unwrap();
    let (_, creds) = demo_school(
        dir.path(),
        DemoSize {
            pupils: 1500,
            staff: 60,
        },
    );
    let email = creds.email.clone();
    let mut writer: Session = creds.session;
    let job = writer.prepare_backup().unwrap();
    let out = dir.path().join("busy.khbackup");
    let out_for_thread = out.clone();
    let backup = std::thread::spawn(move || {
        // Slowed down between steps so the writes below land in the middle of the copy.
        job.run(&out_for_thread, &|_| {
            std::thread::sleep(std::time::Duration::from_millis(3))
        })
    });
    let mut made = 0;
    while !backup.is_finished() && made < 40 {
        writer
            .create_group(GroupType::RegistrationForm, &format!("Busy {made}"), "")
            .unwrap();
        made += 1;
    }
    let written = backup.join().unwrap().unwrap();
    drop(writer);

    let fresh = tempfile::tempdir().unwrap();
    let target = Location::new(fresh.path().join("copy.db"));
    open_backup(&out)
        .unwrap()
        .unlock(&admin_password(&email))
        .unwrap()
        .restore(&target)
        .unwrap();
    let s = common::sign_in_demo_user(&target, &email);
    assert!(s.verify_audit().unwrap().is_intact());
    // Every group in the copy has its audit entry and no entry lacks its group: one moment.
    let busy_groups = s
        .groups_tab()
        .unwrap()
        .into_iter()
        .flat_map(|t| t.groups)
        .filter(|r| r.group.name.starts_with("Busy "))
        .count();
    let busy_entries = s
        .recent_audit("Busy ", 1000)
        .unwrap()
        .into_iter()
        .filter(|e| e.summary.contains("Busy "))
        .count();
    assert_eq!(busy_groups, busy_entries);
    eprintln!("made {made} during the backup, {busy_groups} in the copy");
    assert!(busy_groups <= made);
    assert_eq!(
        written.manifest.counts.pupil_groups as usize,
        s.groups_tab()
            .unwrap()
            .iter()
            .map(|t| t.groups.len())
            .sum::<usize>()
    );
}

/// A demo school with no window open on it, and its data key, for the vault's own backup.
fn closed_school(dir: &Path) -> (Location, vault::DataKey) {
    let (location, creds) = demo_school(dir, small());
    drop(creds.session);
    let key = vault::KeyFile::read(&location.keys)
        .unwrap()
        .unlock_person(&creds.email, PASSWORD)
        .unwrap();
    (location, key)
}

#[test]
fn backing_up_a_damaged_school_says_the_school_file_is_damaged_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (location, key) = closed_school(dir.path());
    let page_size = 4096;
    let original = std::fs::read(&location.db).unwrap();
    let pages = original.len() / page_size;
    let out_dir = dir.path().join("usb");
    std::fs::create_dir(&out_dir).unwrap();
    // From the last page back, a byte flipped in one page until the backup refuses the school
    // (a page nothing reads, such as a free one, is copied without complaint).
    let mut refused = None;
    for page in (2..=pages).rev() {
        let mut bytes = original.clone();
        bytes[(page - 1) * page_size + 100] ^= 0x01;
        std::fs::write(&location.db, &bytes).unwrap();
        let out = out_dir.join(format!("page {page}.khbackup"));
        if let Err(e) = vault::backup::write(&location, &key, &out, common::now(), &|_| {}) {
            refused = Some(e.to_string());
            break;
        }
    }
    let message = refused.expect("a damaged page stops the backup");
    assert!(message.contains("damaged"), "{message}");
    assert!(
        message.contains(&location.db.display().to_string()),
        "names the school file: {message}"
    );
    assert!(!message.contains("backup is damaged"), "{message}");
    assert!(!message.contains("ERROR"), "{message}");
    // Nothing is left in the backup folder for the refused one: no file, no temporary file.
    let left: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// The notes beside the school file of backups being written.
fn backup_notes(location: &Location) -> Vec<String> {
    std::fs::read_dir(location.db.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".backup-writing-"))
        .collect()
}

#[test]
fn a_backup_that_died_writing_leaves_nothing_once_the_school_opens_again() {
    use vault::unfinished_backup::Note;
    let dir = tempfile::tempdir().unwrap();
    let (location, key) = closed_school(dir.path());
    let usb = dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();

    // A finished backup leaves no note behind.
    vault::backup::write(
        &location,
        &key,
        &usb.join("done.khbackup"),
        common::now(),
        &|_| {},
    )
    .unwrap();
    assert!(backup_notes(&location).is_empty());

    // One that died: its half-written file on the stick and its note, no longer locked.
    let dead = usb.join("died.khbackup.tmp");
    std::fs::write(&dead, b"half a backup").unwrap();
    Note::take(&location, &dead).unwrap().abandon();
    // One still being written by someone else: its note is locked.
    let running = usb.join("running.khbackup.tmp");
    std::fs::write(&running, b"being written").unwrap();
    let live = Note::take(&location, &running).unwrap();
    // And a note that names something other than a backup's temporary file.
    let precious = usb.join("coursework.docx");
    std::fs::write(&precious, b"not ours").unwrap();
    Note::take(&location, &precious).unwrap().abandon();
    assert_eq!(backup_notes(&location).len(), 3);

    drop(vault::Vault::open(&location, &key).unwrap());
    assert!(
        !dead.exists(),
        "the dead backup's file is cleared at the next start"
    );
    assert!(running.exists(), "a backup still running keeps its file");
    assert!(
        precious.exists(),
        "only ever a backup's own temporary file is removed"
    );
    assert_eq!(
        backup_notes(&location).len(),
        1,
        "only the live note is left"
    );
    assert!(usb.join("done.khbackup").exists());
    drop(live);
    assert!(backup_notes(&location).is_empty());
}
