//! Nothing read from a file is trusted for size: a key file or backup asking for absurd
//! key-derivation costs, lengths or counts is refused with one clear line and exit status 2,
//! never by aborting (a key asking for 4 TB of memory used to abort with a backtrace), and
//! nothing is changed. Run as a separate process, the way IT staff meet it.

mod common;

use common::{PASSWORD, demo_school, small};
use keyholder::vault::Location;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::{Command, Output};

fn keyholder(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keyholder"))
        .args(args)
        // A panic would print a backtrace; the test would see it.
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("keyholder runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Exit 2 with exactly one line on stderr containing `words`, and no panic.
fn assert_refused(out: &Output, words: &str, what: &str) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{what}: {err}");
    assert_eq!(err.lines().count(), 1, "{what}: {err}");
    assert!(err.starts_with("keyholder: "), "{what}: {err}");
    assert!(err.contains(words), "{what}: expected {words:?} in {err}");
    for bad in [
        "panicked",
        "backtrace",
        "RUST_BACKTRACE",
        "memory allocation",
    ] {
        assert!(!err.contains(bad), "{what}: {err}");
    }
}

/// Each slot changed by `f`, as someone editing the key file by hand could.
fn every_slot(keys: &Value, f: impl Fn(&mut serde_json::Map<String, Value>)) -> Value {
    let mut keys = keys.clone();
    for slot in keys["slots"].as_array_mut().unwrap() {
        f(slot.as_object_mut().unwrap());
    }
    keys
}

/// Ways to damage a key file, with the words the refusal must use.
fn damaged_key_files(keys: &Value) -> Vec<(&'static str, Value, &'static str)> {
    let kdf = |field: &'static str, value: u64| {
        every_slot(keys, move |s| {
            s.get_mut("kdf").unwrap()[field] = value.into();
        })
    };
    let field = |name: &'static str, hex: String| {
        every_slot(keys, move |s| {
            s.insert(name.into(), hex.clone().into());
        })
    };
    let mut many = keys.clone();
    let one = many["slots"][0].clone();
    many["slots"] = Value::Array(vec![one; 10_001]);
    let mut anchor = keys.clone();
    anchor["audit_anchor"] = serde_json::json!({ "entry": 1, "hash": "not a hash" });
    vec![
        (
            "memory_kib 4294967295",
            kdf("memory_kib", 4_294_967_295),
            "4096 GB of memory, more than Keyholder ever uses",
        ),
        (
            "memory_kib 1",
            kdf("memory_kib", 1),
            "less than Keyholder ever uses",
        ),
        ("passes 0", kdf("passes", 0), "0 passes"),
        (
            "passes 4294967295",
            kdf("passes", 4_294_967_295),
            "4294967295 passes",
        ),
        ("lanes 0", kdf("lanes", 0), "0 parallel lanes"),
        (
            "lanes 4294967295",
            kdf("lanes", 4_294_967_295),
            "parallel lanes",
        ),
        (
            "a 3-byte salt",
            field("salt", "00".repeat(3)),
            "salt of 3 bytes",
        ),
        (
            "a 2-byte nonce",
            field("nonce", "00".repeat(2)),
            "nonce of 2 bytes",
        ),
        (
            "a long wrapped key",
            field("ciphertext", "00".repeat(4096)),
            "4096 bytes long",
        ),
        ("10,001 keys", many, "10001 keys"),
        (
            "an unreadable audit record",
            anchor,
            "audit trail is unreadable",
        ),
    ]
}

#[test]
fn a_key_file_with_out_of_range_settings_is_refused_cleanly_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    drop(creds.session);
    let pw = dir.path().join("pw");
    std::fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
    let original: Value = serde_json::from_slice(&std::fs::read(&location.keys).unwrap()).unwrap();
    let db_before = std::fs::read(&location.db).unwrap();
    let vault = location.db.display().to_string();
    let pw = pw.display().to_string();

    for (what, keys, words) in damaged_key_files(&original) {
        let bytes = serde_json::to_vec(&keys).unwrap();
        std::fs::write(&location.keys, &bytes).unwrap();
        let out = keyholder(&[
            "audit",
            "verify",
            "--vault",
            &vault,
            "--user",
            &creds.email,
            "--password-file",
            &pw,
            "--code",
            "000000",
        ]);
        assert_refused(&out, words, what);
        assert!(text(&out.stderr).contains("key file"), "{what}");
        assert_eq!(std::fs::read(&location.keys).unwrap(), bytes, "{what}");
        assert_eq!(std::fs::read(&location.db).unwrap(), db_before, "{what}");
    }

    // A file far too large to be a key file is refused without being read into memory.
    let f = std::fs::File::create(&location.keys).unwrap();
    f.set_len(17 * 1024 * 1024).unwrap();
    drop(f);
    let out = keyholder(&[
        "audit",
        "verify",
        "--vault",
        &vault,
        "--user",
        &creds.email,
        "--password-file",
        &pw,
        "--code",
        "000000",
    ]);
    assert_refused(
        &out,
        "far larger than a key file ever is",
        "a 17 MB key file",
    );
    assert_eq!(std::fs::read(&location.db).unwrap(), db_before);
}

/// The parts of a `.khbackup` file (see docs/backup-format.md).
fn sections(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let body = &bytes[..bytes.len() - 40];
    let mut at = 12;
    let mut out = Vec::new();
    while at < body.len() {
        let name_len = u16::from_le_bytes([body[at], body[at + 1]]) as usize;
        at += 2;
        let name = String::from_utf8(body[at..at + name_len].to_vec()).unwrap();
        at += name_len;
        let len = u64::from_le_bytes(body[at..at + 8].try_into().unwrap()) as usize;
        at += 8;
        out.push((name, body[at..at + len].to_vec()));
        at += len;
    }
    out
}

/// A backup file from its parts, with the checksum a forger would recompute.
fn assemble(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = b"KHBACKUP".to_vec();
    out.extend_from_slice(&1u32.to_le_bytes());
    for (name, data) in parts {
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&(data.len() as u64).to_le_bytes());
        out.extend_from_slice(data);
    }
    out.extend_from_slice(b"KHBKEND\0");
    let sum = Sha256::digest(&out);
    out.extend_from_slice(&sum);
    out
}

/// The backup with its key file replaced by `keys`, and its manifest and checksum made to match.
fn with_key_file(backup: &[u8], keys: &[u8]) -> Vec<u8> {
    let mut parts = sections(backup);
    let mut manifest: Value = serde_json::from_slice(&parts[0].1).unwrap();
    for f in manifest["files"].as_array_mut().unwrap() {
        if f["name"] == "keyholder.keys" {
            f["bytes"] = keys.len().into();
            f["sha256"] = hex::encode(Sha256::digest(keys)).into();
        }
    }
    parts[0].1 = serde_json::to_vec(&manifest).unwrap();
    for p in &mut parts {
        if p.0 == "keyholder.keys" {
            p.1 = keys.to_vec();
        }
    }
    assemble(&parts)
}

#[test]
fn a_backup_whose_key_file_asks_for_too_much_is_refused_before_anything_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let mut session = creds.session;
    let file = dir.path().join("good.khbackup");
    session.back_up(&file, &|_| {}).unwrap();
    drop(session);
    let code = dir.path().join("code");
    std::fs::write(&code, format!("{}\n", creds.recovery_code)).unwrap();
    let good = std::fs::read(&file).unwrap();
    // The test's own reassembly reproduces a good backup exactly.
    assert_eq!(assemble(&sections(&good)), good);
    let keys: Value = serde_json::from_slice(
        &sections(&good)
            .into_iter()
            .find(|(n, _)| n == "keyholder.keys")
            .unwrap()
            .1,
    )
    .unwrap();
    let db_before = std::fs::read(&location.db).unwrap();
    let keys_before = std::fs::read(&location.keys).unwrap();

    for (what, bad_keys, words) in damaged_key_files(&keys) {
        let forged = dir.path().join("forged.khbackup");
        std::fs::write(
            &forged,
            with_key_file(&good, &serde_json::to_vec(&bad_keys).unwrap()),
        )
        .unwrap();
        // Into the school's own place, and into a new one.
        for target in [
            location.clone(),
            Location::new(dir.path().join("new").join("school.db")),
        ] {
            let out = keyholder(&[
                "restore",
                &forged.display().to_string(),
                "--vault",
                &target.db.display().to_string(),
                "--recovery-code-file",
                &code.display().to_string(),
            ]);
            assert_refused(&out, words, what);
            assert!(text(&out.stderr).contains("damaged"), "{what}");
        }
        assert_eq!(std::fs::read(&location.db).unwrap(), db_before, "{what}");
        assert_eq!(
            std::fs::read(&location.keys).unwrap(),
            keys_before,
            "{what}"
        );
        assert!(!dir.path().join("new").exists(), "{what}");
    }

    // A part claiming to be longer than the file is refused too.
    let mut cut = good.clone();
    let at = 12 + 2 + "manifest.json".len();
    cut[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
    let end = cut.len() - 32;
    let sum = Sha256::digest(&cut[..end]);
    cut[end..].copy_from_slice(&sum);
    let forged = dir.path().join("cut.khbackup");
    std::fs::write(&forged, &cut).unwrap();
    let out = keyholder(&[
        "restore",
        &forged.display().to_string(),
        "--vault",
        &location.db.display().to_string(),
        "--recovery-code-file",
        &code.display().to_string(),
    ]);
    assert_refused(&out, "cut short", "a part longer than the file");
    assert_eq!(std::fs::read(&location.db).unwrap(), db_before);
}

#[test]
fn files_given_to_commands_are_bounded_too() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge");
    let f = std::fs::File::create(&huge).unwrap();
    f.set_len(300 * 1024 * 1024).unwrap();
    drop(f);
    let vault = dir.path().join("new.db").display().to_string();
    let huge = huge.display().to_string();
    let out = keyholder(&["demo", "--vault", &vault, "--password-file", &huge]);
    assert_refused(
        &out,
        "too large to be the password file",
        "a huge password file",
    );
    let out = keyholder(&[
        "load",
        "--vault",
        &vault,
        "--json",
        &huge,
        "--password-file",
        &huge,
    ]);
    assert_refused(&out, "too large to be an export file", "a huge export");
    assert!(!Path::new(&vault).exists());
}
