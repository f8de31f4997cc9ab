//! `keyholder check`, `backup` and `restore`, run as a separate process the way IT staff run them.
//! Each command signs in as a different administrator of the demo school, so no soft-key code is
//! used twice.

mod common;

use common::{PASSWORD, demo_school, demo_secret, now};
use keyholder::model::GroupType;
use keyholder::service::demo::DemoSize;
use keyholder::vault::Location;
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

/// `--vault … --user … --password-file … --code …` for one administrator.
fn sign_in_args(location: &Location, pw: &Path, email: &str) -> Vec<String> {
    let code = common::code(&demo_secret(location, email), now(), 0);
    vec![
        "--vault".into(),
        location.db.display().to_string(),
        "--user".into(),
        email.into(),
        "--password-file".into(),
        pw.display().to_string(),
        "--code".into(),
        code,
    ]
}

fn run(command: &[&str], sign_in: &[String], extra: &[&str]) -> Output {
    let mut args: Vec<&str> = command.to_vec();
    args.extend(sign_in.iter().map(String::as_str));
    args.extend(extra);
    keyholder(&args)
}

#[test]
fn check_exits_0_without_warnings_1_with_them_and_2_when_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), SIZE);
    let pw = dir.path().join("pw");
    std::fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
    let mut s = creds.session;
    let admins: Vec<String> = s
        .users_list()
        .unwrap()
        .into_iter()
        .filter(|r| r.group_name == "SLT")
        .map(|r| r.user.email)
        .collect();
    assert!(admins.len() >= 3);

    // The demo as created: the teacher without a key, and no backup yet.
    let out = run(
        &["check"],
        &sign_in_args(&location, &pw, &admins[0]),
        &["--json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["format_version"], 1);
    assert_eq!(report["warnings"], 2);
    let checks: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    assert!(checks.contains(&"capped-without-key"), "{checks:?}");
    assert!(checks.contains(&"last-backup"), "{checks:?}");

    // Fixed: the teacher leaves, a backup is taken.
    let capped = s
        .users_list()
        .unwrap()
        .into_iter()
        .find(|r| r.group_name == "Teachers" && r.key == keyholder::model::KeyState::NotEnrolled)
        .unwrap();
    s.deactivate_user(capped.user.id).unwrap();
    s.back_up(&dir.path().join("b.khbackup"), &|_| {}).unwrap();
    let out = run(&["check"], &sign_in_args(&location, &pw, &admins[1]), &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("The audit trail is intact"));
    assert!(!text(&out.stdout).contains("WARNING"));

    // A new warning: House restricted while some pupils have no House.
    s.set_restricted(GroupType::House, true).unwrap();
    let out = run(&["check"], &sign_in_args(&location, &pw, &admins[2]), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("without a House"),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stderr).contains("warning"));

    // Refused: a wrong password.
    let wrong = dir.path().join("wrong");
    std::fs::write(&wrong, "not it\n").unwrap();
    let out = run(
        &["check"],
        &sign_in_args(&location, &wrong, &admins[0]),
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr).lines().count(),
        1,
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn backup_then_restore_with_the_recovery_code_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), SIZE);
    let pw = dir.path().join("pw");
    std::fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
    let code_file = dir.path().join("code");
    std::fs::write(&code_file, format!("{}\n", creds.recovery_code)).unwrap();
    let admin = creds.email.clone();
    let deputy = creds
        .session
        .users_list()
        .unwrap()
        .into_iter()
        .find(|r| r.group_name == "SLT" && r.user.email != admin)
        .unwrap()
        .user
        .email;
    drop(creds);

    let out = run(
        &["backup"],
        &sign_in_args(&location, &pw, &admin),
        &["--out", &dir.path().join("friday").display().to_string()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let file = dir.path().join("friday.khbackup");
    assert!(file.exists(), ".khbackup is added");
    assert!(text(&out.stdout).contains("checked"));

    // A file that is not a backup: refused, exit 2, nothing changed.
    let before = std::fs::read(&location.db).unwrap();
    let out = keyholder(&[
        "restore",
        &pw.display().to_string(),
        "--vault",
        &location.db.display().to_string(),
        "--recovery-code-file",
        &code_file.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not a Keyholder backup"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(&location.db).unwrap(), before);

    let target = dir.path().join("elsewhere").join("school.db");
    let out = keyholder(&[
        "restore",
        &file.display().to_string(),
        "--vault",
        &target.display().to_string(),
        "--recovery-code-file",
        &code_file.display().to_string(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = common::sign_in_demo_user(&Location::new(&target), &deputy);
    assert_eq!(s.pupil_count().unwrap(), 42);
}
