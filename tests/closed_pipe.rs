//! Every command that prints, with its standard output read by something that stops reading at
//! once (`keyholder users list | head -1` in a script): it must end quietly, not panic.

mod common;

use common::*;
use keyholder::service::demo::DemoSize;
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs keyholder with its standard output's reader closed before anything is written, and
/// returns its exit status and what it wrote to standard error.
fn with_reader_gone(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_keyholder"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("keyholder starts");
    // Closing our end leaves no reader, so the command's first line already meets a closed pipe.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("keyholder ends");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn sample(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("resources/samples")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn every_command_that_prints_ends_quietly_when_its_reader_goes() {
    let dir = tempfile::tempdir().unwrap();
    // Enough administrators that each command signs in as someone else: a code's time step is
    // accepted once per person.
    let (location, creds) = demo_school(
        dir.path(),
        DemoSize {
            pupils: 42,
            staff: 140,
        },
    );
    let admins: Vec<String> = creds
        .session
        .users_list()
        .expect("users list")
        .into_iter()
        .filter(|r| r.group_name == "SLT")
        .map(|r| r.user.email)
        .collect();
    drop(creds.session);
    let teacher = common::member_of(&sign_in_demo_user(&location, &admins[0]), "Teachers").email;
    let password_file = dir.path().join("pw");
    std::fs::write(&password_file, format!("{PASSWORD}\n")).unwrap();
    let pw = password_file.display().to_string();
    let vault = location.db.display().to_string();
    let pupils = sample("pupils.csv");

    let signed_in: &[&[&str]] = &[
        &["users", "list"],
        &["users", "list", "--json"],
        &["users", "show", &teacher],
        &["users", "issue-code", &teacher],
        &["groups", "list"],
        &["groups", "list", "--json"],
        &["groups", "restrict", "house", "off"],
        &["user-groups", "list"],
        &["user-groups", "show", "Teachers"],
        &["user-groups", "list", "--json"],
        &["categories", "list"],
        &["categories", "list", "--json"],
        &["access"],
        &["access", "--json"],
        &["access", "--as", &teacher],
        &["check"],
        &["check", "--json"],
        &["export"],
        &["audit", "verify"],
        &["audit", "verify", "--json"],
        &["import", "pupils", &pupils, "--dry-run"],
    ];
    assert!(
        admins.len() > signed_in.len(),
        "one administrator per command"
    );
    for (command, admin) in signed_in.iter().zip(&admins[1..]) {
        let code = code(&demo_secret(&location, admin), now(), 0);
        let mut args = command.to_vec();
        args.extend_from_slice(&[
            "--vault",
            &vault,
            "--user",
            admin,
            "--password-file",
            &pw,
            "--code",
            &code,
        ]);
        let (status, stderr) = with_reader_gone(&args);
        assert_eq!(stderr, "", "keyholder {}", command.join(" "));
        assert_eq!(status, Some(141), "keyholder {}", command.join(" "));
    }

    let new_demo = dir.path().join("new-demo.db").display().to_string();
    let (status, stderr) = with_reader_gone(&[
        "demo",
        "--vault",
        &new_demo,
        "--password-file",
        &pw,
        "--pupils",
        "10",
        "--staff",
        "5",
    ]);
    assert_eq!(stderr, "", "keyholder demo");
    assert_eq!(status, Some(141));
}

#[test]
fn a_reader_that_takes_one_line_ends_the_listing_quietly() {
    if !tool_available("head") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(
        dir.path(),
        DemoSize {
            pupils: 2000,
            staff: 30,
        },
    );
    drop(creds.session);
    let password_file = dir.path().join("pw");
    std::fs::write(&password_file, format!("{PASSWORD}\n")).unwrap();
    let code = code(&creds.totp_secret, now(), 0);
    // A line for each of 2,000 pupils is far more than a pipe holds, so the command is still
    // writing when `head` has its line and leaves.
    let script = format!(
        "'{}' access --vault '{}' --user '{}' --password-file '{}' --code '{}' | head -1 >/dev/null; \
         echo \"${{PIPESTATUS[0]}}\"",
        env!("CARGO_BIN_EXE_keyholder"),
        location.db.display(),
        creds.email,
        password_file.display(),
        code
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .output()
        .expect("bash runs");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let status = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(status == "0" || status == "141", "exit status {status}");
}
