//! Anchoring the audit trail outside the school file, and `keyholder audit verify` checking it,
//! run as a separate process the way IT staff run it. Each command signs in as a different
//! administrator of the demo school, so no soft-key code is used twice.

mod common;

use common::{PASSWORD, demo_school, demo_secret, now};
use keyholder::service::Session;
use keyholder::service::demo::DemoSize;
use keyholder::service::health::{Check, Severity};
use keyholder::vault::{DataKey, KeyFile, Location, Vault, backup};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::{Command, Output};

/// Enough staff for several administrators (the senior leadership team).
const SIZE: DemoSize = DemoSize {
    pupils: 42,
    staff: 37,
};

fn keyholder(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keyholder"))
        .args(args)
        .output()
        .expect("keyholder runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `audit verify` signed in as `email`, with `extra` arguments after the sign-in.
fn verify(location: &Location, pw: &Path, email: &str, extra: &[&str]) -> Output {
    let code = common::code(&demo_secret(location, email), now(), 0);
    let vault = location.db.display().to_string();
    let pw = pw.display().to_string();
    let mut args = vec![
        "audit",
        "verify",
        "--vault",
        &vault,
        "--user",
        email,
        "--password-file",
        &pw,
        "--code",
        &code,
    ];
    args.extend(extra);
    keyholder(&args)
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", text(&out.stdout), text(&out.stderr)))
}

/// The refusal or finding is one line on stderr, with nothing from SQLCipher or a panic.
fn one_clean_line(out: &Output) -> String {
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("ERROR CORE"),
        "{err}"
    );
    err
}

struct School {
    _dir: tempfile::TempDir,
    location: Location,
    pw: std::path::PathBuf,
    admins: Vec<String>,
    session: Session,
}

fn school() -> School {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), SIZE);
    let pw = dir.path().join("pw");
    std::fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
    // The head first (their code was used setting up), then the other SLT members.
    let admins: Vec<String> = creds
        .session
        .users_list()
        .unwrap()
        .into_iter()
        .filter(|r| r.group_name == "SLT" && r.user.email != creds.email)
        .map(|r| r.user.email)
        .collect();
    assert!(admins.len() >= 3, "{admins:?}");
    School {
        _dir: dir,
        location,
        pw,
        admins,
        session: creds.session,
    }
}

fn data_key(location: &Location) -> DataKey {
    KeyFile::read(&location.keys)
        .unwrap()
        .unlock_person(keyholder::service::demo::ADMIN_EMAIL, PASSWORD)
        .unwrap()
}

/// The audit hash as documented (SHA-256 over length-prefixed fields), recomputed here the way
/// anyone who has read the source could.
#[allow(clippy::too_many_arguments)]
fn entry_hash(
    prev: &str,
    id: i64,
    at: i64,
    actor_id: Option<i64>,
    actor_name: &str,
    action: &str,
    summary: &str,
    before: &str,
    after: &str,
) -> String {
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field(prev.as_bytes());
    field(&id.to_le_bytes());
    field(&at.to_le_bytes());
    field(&actor_id.unwrap_or(-1).to_le_bytes());
    field(actor_name.as_bytes());
    field(action.as_bytes());
    field(summary.as_bytes());
    field(before.as_bytes());
    field(after.as_bytes());
    hex::encode(h.finalize())
}

/// id, at, actor_id, actor_name, action, summary, before, after.
type EntryRow = (
    i64,
    i64,
    Option<i64>,
    String,
    String,
    String,
    String,
    String,
);

/// What someone with the school's key can do behind Keyholder's back: change entry `from`'s
/// summary and recompute every later hash, so the chain inside the file is whole again.
fn rewrite_trail(location: &Location, from: i64, summary: &str) {
    let v = Vault::open(location, &data_key(location)).unwrap();
    let conn = v.conn();
    conn.execute(
        "UPDATE audit SET summary = ?2 WHERE id = ?1",
        rusqlite::params![from, summary],
    )
    .unwrap();
    let mut prev: String = conn
        .query_row("SELECT prev_hash FROM audit WHERE id = ?1", [from], |r| {
            r.get(0)
        })
        .unwrap();
    let rows: Vec<EntryRow> = conn
        .prepare(
            "SELECT id, at, actor_id, actor_name, action, summary, before, after FROM audit
             WHERE id >= ?1 ORDER BY id",
        )
        .unwrap()
        .query_map([from], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (id, at, actor, name, action, summary, before, after) in rows {
        let hash = entry_hash(
            &prev, id, at, actor, &name, &action, &summary, &before, &after,
        );
        conn.execute(
            "UPDATE audit SET prev_hash = ?2, hash = ?3 WHERE id = ?1",
            rusqlite::params![id, prev, hash],
        )
        .unwrap();
        prev = hash;
    }
}

#[test]
fn an_untouched_school_matches_its_key_file_its_backup_and_a_noted_fingerprint() {
    let School {
        _dir,
        location,
        pw,
        admins,
        mut session,
    } = school();
    session.set_idle_lock_minutes(5).unwrap();
    let file = location.db.with_file_name("monday.khbackup");
    session.back_up(&file, &|_| {}).unwrap();
    session.set_idle_lock_minutes(15).unwrap();
    let newest = session.audit_fingerprint().unwrap().expect("entries");
    drop(session.lock());

    // The key file now records the newest entry (moved on when the session was locked), and
    // the backup's manifest records the newest entry of its copy.
    let anchor = KeyFile::read(&location.keys).unwrap().audit_anchor.unwrap();
    assert_eq!((anchor.entry, &anchor.hash), (newest.entry, &newest.hash));
    let manifest = backup::read(&file).unwrap().manifest;
    let in_backup = manifest
        .audit_anchor
        .expect("the manifest records its newest entry");
    assert!(in_backup.entry < anchor.entry);
    assert_eq!(in_backup.entry as u64, manifest.counts.audit_entries);

    let out = verify(
        &location,
        &pw,
        &admins[0],
        &["--json", "--against", &file.display().to_string()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = json(&out);
    assert_eq!(report["format_version"], 1);
    assert_eq!(report["intact"], true);
    assert_eq!(report["first_bad_entry"], serde_json::Value::Null);
    assert_eq!(report["integrity"]["ok"], true);
    let anchors = report["anchors"].as_array().unwrap();
    assert_eq!(anchors.len(), 2);
    assert_eq!(anchors[0]["kind"], "key_file");
    assert_eq!(anchors[0]["matches"], true);
    // The command's own sign-in moved the record on to its newest entry, before checking.
    assert!(
        anchors[0]["entry"].as_i64().unwrap() > anchor.entry,
        "{report:#}"
    );
    assert_eq!(anchors[1]["kind"], "backup");
    assert_eq!(anchors[1]["matches"], true);
    assert_eq!(anchors[1]["entries"], in_backup.entry, "{report:#}");
    // The newest entry is now the sign-in of this very command.
    assert!(report["latest"]["entry"].as_i64().unwrap() > anchor.entry);

    let noted = format!("{}={}", newest.entry, newest.fingerprint());
    let out = verify(&location, &pw, &admins[1], &["--noted", &noted]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("intact"), "{said}");
    assert!(
        said.contains("Every page of the school file passes"),
        "{said}"
    );
    assert!(said.contains("matches the key file"), "{said}");
    assert!(
        said.contains(&format!(
            "Entry {} matches the fingerprint you noted",
            newest.entry
        )),
        "{said}"
    );
    assert!(said.contains("Newest entry"), "{said}");
}

#[test]
fn a_rewritten_trail_is_named_by_the_key_file_the_backup_and_a_noted_fingerprint() {
    let School {
        _dir,
        location,
        pw,
        admins,
        mut session,
    } = school();
    // A few changes, so the backup holds several entries.
    for minutes in [5, 10, 30] {
        session.set_idle_lock_minutes(minutes).unwrap();
    }
    let file = location.db.with_file_name("before.khbackup");
    session.back_up(&file, &|_| {}).unwrap();
    let in_backup = backup::read(&file).unwrap().manifest.audit_anchor.unwrap();
    assert!(in_backup.entry >= 3, "{in_backup:?}");
    session.set_idle_lock_minutes(15).unwrap();
    session.set_idle_lock_minutes(20).unwrap();
    let newest = session.audit_fingerprint().unwrap().unwrap();
    drop(session.lock());
    let anchor = KeyFile::read(&location.keys).unwrap().audit_anchor.unwrap();
    assert_eq!(anchor.entry, newest.entry);
    let keys_before = std::fs::read(&location.keys).unwrap();

    // Entry 2 is inside the backup, and before both the key file's and the note's entry.
    rewrite_trail(&location, 2, "Nothing happened here");

    // The key file alone: the chain inside the file is whole again, but the key file's record
    // no longer matches.
    let out = verify(&location, &pw, &admins[0], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let err = one_clean_line(&out);
    assert!(
        err.contains(&format!("entry {}", anchor.entry)) && err.contains("key file"),
        "{err}"
    );
    assert!(err.contains("rewritten"), "{err}");

    // The sign-in of that command did not move the key file's record onto the rewritten trail.
    let kept = KeyFile::read(&location.keys).unwrap().audit_anchor.unwrap();
    assert_eq!(kept, anchor);
    assert_eq!(std::fs::read(&location.keys).unwrap(), keys_before);

    // With the backup and the note as well: the backup names the very entry that was changed.
    let noted = format!("{}={}", newest.entry, newest.fingerprint());
    let out = verify(
        &location,
        &pw,
        &admins[1],
        &[
            "--json",
            "--against",
            &file.display().to_string(),
            "--noted",
            &noted,
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = one_clean_line(&out);
    assert!(
        err.contains("entry 2 has been changed"),
        "{err}{}",
        text(&out.stdout)
    );
    assert!(err.contains("before.khbackup"), "{err}");
    let report = json(&out);
    assert_eq!(report["intact"], false);
    assert_eq!(report["chain"]["intact"], true, "the chain alone is fooled");
    assert_eq!(report["first_bad_entry"], 2);
    let anchors = report["anchors"].as_array().unwrap();
    assert_eq!(anchors[0]["kind"], "key_file");
    assert_eq!(anchors[0]["matches"], false);
    assert_eq!(anchors[0]["first_bad_entry"], anchor.entry);
    assert_eq!(anchors[1]["kind"], "backup");
    assert_eq!(anchors[1]["first_bad_entry"], 2);
    assert!(
        anchors[1]["reason"].as_str().unwrap().contains("details"),
        "{}",
        anchors[1]
    );
    assert_eq!(anchors[2]["kind"], "noted");
    assert_eq!(anchors[2]["matches"], false);
    assert_eq!(anchors[2]["first_bad_entry"], newest.entry);

    // The Overview's health check says so too, signed in through the library.
    let s = common::sign_in_demo_user(&location, &admins[2]);
    let finding = s
        .health_check()
        .unwrap()
        .into_iter()
        .find(|f| f.check == Check::AuditTrail)
        .unwrap();
    assert_eq!(finding.severity, Severity::Warning);
    assert!(
        finding.explanation.contains("key file"),
        "{}",
        finding.explanation
    );
}

#[test]
fn entries_removed_from_the_end_are_found_once_anchored() {
    let School {
        _dir,
        location,
        pw,
        admins,
        mut session,
    } = school();
    for minutes in [5, 10, 15, 20, 30, 60] {
        session.set_idle_lock_minutes(minutes).unwrap();
    }
    drop(session.lock());
    let anchor = KeyFile::read(&location.keys).unwrap().audit_anchor.unwrap();
    // The last six entries go; the command's own sign-in adds two, so the anchored entry is
    // still missing when it is checked.
    {
        let v = Vault::open(&location, &data_key(&location)).unwrap();
        v.conn()
            .execute("DELETE FROM audit WHERE id > ?1", [anchor.entry - 6])
            .unwrap();
    }
    let out = verify(&location, &pw, &admins[0], &["--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = one_clean_line(&out);
    assert!(err.contains(&format!("entry {}", anchor.entry)), "{err}");
    assert!(err.contains("missing"), "{err}");
}

#[test]
fn a_key_file_from_before_anchors_gets_one_at_the_next_sign_in() {
    let School {
        _dir,
        location,
        admins,
        session,
        ..
    } = school();
    drop(session);
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&location.keys).unwrap()).unwrap();
    assert!(value.get("audit_anchor").is_some());
    value.as_object_mut().unwrap().remove("audit_anchor");
    std::fs::write(&location.keys, serde_json::to_vec(&value).unwrap()).unwrap();
    assert_eq!(KeyFile::read(&location.keys).unwrap().audit_anchor, None);

    let s = common::sign_in_demo_user(&location, &admins[0]);
    let newest = s.audit_fingerprint().unwrap().unwrap();
    let anchor = KeyFile::read(&location.keys).unwrap().audit_anchor.unwrap();
    assert_eq!((anchor.entry, anchor.hash), (newest.entry, newest.hash));
}

#[test]
fn unusable_arguments_and_another_schools_backup_are_refused() {
    let School {
        _dir,
        location,
        pw,
        admins,
        session,
    } = school();
    drop(session);
    let other_dir = tempfile::tempdir().unwrap();
    let (_, other) = demo_school(other_dir.path(), common::small());
    let mut other_session = other.session;
    let foreign = other_dir.path().join("other.khbackup");
    other_session.back_up(&foreign, &|_| {}).unwrap();

    let missing = location.db.with_file_name("nowhere.khbackup");
    let cases: [(&[&str], &str); 3] = [
        (
            &["--against", &missing.display().to_string()],
            "no backup file",
        ),
        (
            &["--noted", "12=3F2A"],
            "not an entry number and fingerprint",
        ),
        (
            &["--against", &foreign.display().to_string()],
            "another school",
        ),
    ];
    for (i, (extra, words)) in cases.iter().enumerate() {
        let out = verify(&location, &pw, &admins[i], extra);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{extra:?}: {}",
            text(&out.stderr)
        );
        let err = one_clean_line(&out);
        assert!(err.contains(words), "{extra:?}: {err}");
    }
}

#[test]
fn a_flipped_byte_in_a_page_is_found_even_where_sqlites_own_check_misses_it() {
    let School {
        _dir,
        location,
        pw,
        admins,
        session,
    } = school();
    drop(session);
    let key = data_key(&location);
    // Pages the school no longer uses, as deleting records leaves behind: SQLite's own check
    // never reads their content. Written to the main file (no write-ahead log left).
    let page_size: usize = {
        let v = Vault::open(&location, &key).unwrap();
        v.conn()
            .execute_batch(
                "CREATE TABLE scratch (x BLOB);
                 INSERT INTO scratch SELECT randomblob(3000) FROM (SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7 UNION SELECT 8);
                 DROP TABLE scratch;
                 PRAGMA wal_checkpoint(TRUNCATE);",
            )
            .unwrap();
        let free: i64 = v
            .conn()
            .query_row("PRAGMA freelist_count", [], |r| r.get(0))
            .unwrap();
        assert!(free >= 8, "{free} free pages");
        let size: String = v
            .conn()
            .query_row("PRAGMA cipher_page_size", [], |r| r.get(0))
            .unwrap();
        size.parse().unwrap()
    };
    let original = std::fs::read(&location.db).unwrap();
    let pages = original.len() / page_size;
    let flip = |bytes: &mut [u8], page: usize| bytes[(page - 1) * page_size + 100] ^= 0x01;

    // Which pages SQLite's own integrity check passes with a byte flipped in them.
    let mut missed = Vec::new();
    for page in 2..=pages {
        let mut bytes = original.clone();
        flip(&mut bytes, page);
        std::fs::write(&location.db, &bytes).unwrap();
        // Most flips stop the file opening or fail SQLite's check; keep the ones that do not.
        if let Ok(v) = Vault::open(&location, &key) {
            let plain: Result<String, _> = v
                .conn()
                .query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0));
            if plain.is_ok_and(|r| r == "ok") {
                missed.push(page);
            }
        }
        let _ = std::fs::remove_file(location.db.with_extension("db-wal"));
    }
    assert!(
        !missed.is_empty(),
        "some flipped page goes unnoticed by SQLite's own check"
    );

    // Every such page flipped at once: audit verify names them.
    let mut bytes = original.clone();
    for &page in &missed {
        flip(&mut bytes, page);
    }
    std::fs::write(&location.db, &bytes).unwrap();
    let out = verify(&location, &pw, &admins[0], &["--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = one_clean_line(&out);
    assert!(err.contains("damaged"), "{err}");
    let report = json(&out);
    assert_eq!(report["integrity"]["ok"], false);
    assert_eq!(report["chain"]["intact"], true);
    let problems: Vec<String> = report["integrity"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    assert!(
        missed.iter().any(|p| problems.contains(&format!(
            "page {p} has been changed or damaged since Keyholder wrote it"
        ))),
        "{problems:?} for {missed:?}"
    );
}

#[test]
fn a_backups_key_file_never_records_an_entry_its_copy_does_not_hold() {
    let School {
        _dir,
        location,
        mut session,
        ..
    } = school();
    // As if another window signed in between the copy being taken and the key file being read:
    // the key file records an entry newer than anything in the copy.
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&location.keys).unwrap()).unwrap();
    value["audit_anchor"] = serde_json::json!({ "entry": 9999, "hash": "ab".repeat(32) });
    std::fs::write(&location.keys, serde_json::to_vec(&value).unwrap()).unwrap();

    let file = location.db.with_file_name("race.khbackup");
    session.back_up(&file, &|_| {}).unwrap();
    let contents = backup::read(&file).unwrap();
    let in_copy = contents.manifest.audit_anchor.clone().unwrap();
    assert_eq!(contents.keys.audit_anchor.as_deref(), Some(&*in_copy));
    // The school's own key file keeps its record (here it does not match, which is reported).
    assert_eq!(
        KeyFile::read(&location.keys)
            .unwrap()
            .audit_anchor
            .unwrap()
            .entry,
        9999
    );
}

#[test]
fn a_trail_altered_while_signed_in_is_found_by_the_next_check_not_hidden_by_the_last() {
    let school = school();
    let before = school.session.verify_audit().unwrap();
    assert!(before.is_intact(), "{before:?}");
    assert!(school.session.overview().unwrap().audit.is_intact());
    // Another connection (another process, or a tool with the key) changes an old entry.
    {
        let v = Vault::open(&school.location, &data_key(&school.location)).unwrap();
        v.conn()
            .execute(
                "UPDATE audit SET summary = 'Nothing happened' WHERE id = 1",
                [],
            )
            .unwrap();
    }
    let after = school.session.verify_audit().unwrap();
    assert_eq!(
        after.first_bad.as_ref().map(|(id, _)| *id),
        Some(1),
        "{after:?}"
    );
    assert!(!school.session.overview().unwrap().audit.is_intact());
    let health = school.session.health_check().unwrap();
    assert!(
        health
            .iter()
            .any(|f| f.check == Check::AuditTrail && f.severity == Severity::Warning),
        "{health:?}"
    );
}

/// After this window's own changes the Overview's check reads only the entries they added; an
/// old entry changed meanwhile by another connection must still be found, so then every entry is
/// read again.
#[test]
fn the_overviews_check_after_this_windows_own_change_still_finds_an_edit_made_elsewhere() {
    let mut school = school();
    assert!(school.session.overview().unwrap().audit.is_intact());
    // This window's own changes: the check carried on through them agrees with a whole one.
    school.session.set_idle_lock_minutes(25).unwrap();
    school.session.set_idle_lock_minutes(30).unwrap();
    let carried = school.session.overview().unwrap().audit;
    assert!(carried.is_intact(), "{carried:?}");
    assert_eq!(carried, school.session.verify_audit().unwrap());
    {
        let v = Vault::open(&school.location, &data_key(&school.location)).unwrap();
        v.conn()
            .execute(
                "UPDATE audit SET summary = 'Nothing happened' WHERE id = 1",
                [],
            )
            .unwrap();
    }
    school.session.set_idle_lock_minutes(35).unwrap();
    let audit = school.session.overview().unwrap().audit;
    assert_eq!(
        audit.first_bad.as_ref().map(|(id, _)| *id),
        Some(1),
        "{audit:?}"
    );
}
