//! The headless commands, run as a separate process the way IT staff and scripts run them.

mod common;

use keyholder::auth::soft_key;
use keyholder::service::SchoolData;
use std::path::Path;
use std::process::{Command, Output};

fn keyholder(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keyholder"))
        .args(args)
        .output()
        .expect("keyholder runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

struct Printed {
    email: String,
    secret: Vec<u8>,
    recovery: String,
}

fn parse_credentials(out: &str) -> Printed {
    let field = |name: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no {name} line in {out:?}"))
            .to_string()
    };
    Printed {
        email: field("email"),
        secret: soft_key::from_base32(&field("totp-secret")).expect("base32 secret"),
        recovery: field("recovery-code"),
    }
}

fn write_password(dir: &Path, name: &str, password: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, format!("{password}\n")).unwrap();
    p.display().to_string()
}

/// Codes for successive commands: each time step may be used once, so take them in order from the
/// previous step onwards (the window accepts one step either side of now).
struct Codes {
    secret: Vec<u8>,
    next: i64,
}

impl Codes {
    /// Near the end of a time step the first code (one step back) could expire while the command
    /// starts up, so wait for the next step to begin first.
    fn new(secret: Vec<u8>) -> Codes {
        let into_step = common::now().rem_euclid(30);
        if into_step >= 24 {
            std::thread::sleep(std::time::Duration::from_secs((31 - into_step) as u64));
        }
        Codes { secret, next: -1 }
    }

    fn take(&mut self) -> String {
        let c = common::code(&self.secret, common::now(), self.next);
        self.next += 1;
        assert!(self.next <= 2, "a test may use at most three codes");
        c
    }
}

fn demo(dir: &Path) -> (String, String, Printed) {
    let vault = dir.join("demo.db").display().to_string();
    let pw = write_password(dir, "pw", "cli demo password");
    let out = keyholder(&[
        "demo",
        "--vault",
        &vault,
        "--password-file",
        &pw,
        "--pupils",
        "30",
        "--staff",
        "8",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    (vault, pw, parse_credentials(&stdout(&out)))
}

#[test]
fn demo_prints_working_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, pw, creds) = demo(dir.path());
    assert_eq!(creds.email, keyholder::service::demo::ADMIN_EMAIL);
    assert_eq!(creds.recovery.len(), 29);
    let mut codes = Codes::new(creds.secret);
    let out = run(
        &["audit", "verify"],
        &signed(&vault, &pw, &creds.email, &codes.take()),
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("intact"));
}

#[test]
fn demo_scales_to_two_thousand_pupils() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("big.db").display().to_string();
    let pw = write_password(dir.path(), "pw", "cli demo password");
    let out = keyholder(&[
        "demo",
        "--vault",
        &vault,
        "--password-file",
        &pw,
        "--pupils",
        "2000",
        "--staff",
        "300",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let creds = parse_credentials(&stdout(&out));
    let mut codes = Codes::new(creds.secret);
    let json = dir.path().join("big.json");
    let out = run(
        &["export"],
        &signed(&vault, &pw, &creds.email, &codes.take()),
        &["--out", &json.display().to_string()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let data = SchoolData::from_json(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(data.pupils.len(), 2000);
    assert_eq!(data.users.len(), 300);
}

#[test]
fn export_load_export_round_trip_is_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, pw, creds) = demo(dir.path());
    let first = dir.path().join("first.json");
    let out = run(
        &["export"],
        &signed(
            &vault,
            &pw,
            &creds.email,
            &Codes::new(creds.secret.clone()).take(),
        ),
        &["--out", &first.display().to_string()],
    );
    assert!(out.status.success(), "{}", stderr(&out));

    let loaded = dir.path().join("loaded.db").display().to_string();
    let new_pw = write_password(dir.path(), "new-pw", "loaded school passphrase 9");
    let out = keyholder(&[
        "load",
        "--vault",
        &loaded,
        "--json",
        &first.display().to_string(),
        "--password-file",
        &new_pw,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let admin = parse_credentials(&stdout(&out));
    let a = SchoolData::from_json(&std::fs::read_to_string(&first).unwrap()).unwrap();
    let expected = a
        .users
        .iter()
        .find(|u| a.is_administrator(&u.email))
        .unwrap();
    assert_eq!(
        admin.email, expected.email,
        "the first administrator in the file"
    );

    let out = run(
        &["export"],
        &signed(
            &loaded,
            &new_pw,
            &admin.email,
            &Codes::new(admin.secret).take(),
        ),
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let b = SchoolData::from_json(&stdout(&out)).unwrap();
    assert!(!a.pupils.is_empty() && !a.incidents.is_empty() && !a.groups[4].access.is_empty());
    assert!(
        a.incidents.iter().any(|i| !i.earlier.is_empty()),
        "edited incidents and their earlier wordings travel too"
    );
    assert_eq!(a.without_timestamps(), b.without_timestamps());
}

#[test]
fn wrong_password_is_refused_with_one_line_and_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, _pw, creds) = demo(dir.path());
    let bad = write_password(dir.path(), "bad", "not the password");
    let out_file = dir.path().join("out.json");
    let out = run(
        &["export"],
        &signed(&vault, &bad, &creds.email, "123456"),
        &["--out", &out_file.display().to_string()],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("do not match"), "{err}");
    assert!(!out_file.exists(), "nothing written");
}

#[test]
fn wrong_code_is_refused_and_nothing_is_exported() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, pw, creds) = demo(dir.path());
    let good = common::code(&creds.secret, common::now(), 0);
    let wrong = if good == "000000" { "111111" } else { "000000" };
    let out_file = dir.path().join("out.json");
    let out = run(
        &["export"],
        &signed(&vault, &pw, &creds.email, wrong),
        &["--out", &out_file.display().to_string()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("code is not right"),
        "{}",
        stderr(&out)
    );
    assert!(!out_file.exists());
}

#[test]
fn missing_password_file_and_bad_arguments_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, _pw, creds) = demo(dir.path());
    let out = run(
        &["export"],
        &signed(&vault, "/nonexistent/pw", &creds.email, "123456"),
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Could not read the password file"));
    let out = keyholder(&["export", "--vault", &vault, "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn demo_and_load_never_overwrite_a_school() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, pw, _creds) = demo(dir.path());
    let before = std::fs::read(&vault).unwrap();
    let out = keyholder(&["demo", "--vault", &vault, "--password-file", &pw]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"));
    assert_eq!(std::fs::read(&vault).unwrap(), before);
}

#[test]
fn load_refuses_a_file_from_a_newer_version_or_with_broken_references() {
    let dir = tempfile::tempdir().unwrap();
    let pw = write_password(dir.path(), "pw", "loaded school passphrase 9");
    let json = dir.path().join("x.json");
    std::fs::write(&json, r#"{"format_version": 99}"#).unwrap();
    let target = dir.path().join("new.db");
    let out = keyholder(&[
        "load",
        "--vault",
        &target.display().to_string(),
        "--json",
        &json.display().to_string(),
        "--password-file",
        &pw,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("newer Keyholder"), "{}", stderr(&out));
    assert!(!target.exists());

    // A user in a group the file does not define.
    let data = keyholder::service::demo::generate(
        keyholder::service::demo::DemoSize {
            pupils: 5,
            staff: 5,
        },
        1,
        common::now(),
    )
    .data;
    let mut broken = data.clone();
    broken.users[1].user_group = "Governors".into();
    std::fs::write(&json, broken.to_json()).unwrap();
    let out = keyholder(&[
        "load",
        "--vault",
        &target.display().to_string(),
        "--json",
        &json.display().to_string(),
        "--password-file",
        &pw,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Governors"), "{}", stderr(&out));
    assert!(!target.exists(), "nothing is left behind");
    assert!(!dir.path().join("new.keys").exists());
}

#[test]
fn audit_verify_exits_1_naming_the_tampered_entry() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, pw, creds) = demo(dir.path());
    let mut codes = Codes::new(creds.secret.clone());
    // Sign in once (an audited change), then tamper with the first entry behind Keyholder's back.
    let out = run(
        &["audit", "verify"],
        &signed(&vault, &pw, &creds.email, &codes.take()),
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    {
        use keyholder::vault::{KeyFile, Location, Vault};
        let location = Location::new(&vault);
        let key = KeyFile::read(&location.keys)
            .unwrap()
            .unlock_person(&creds.email, "cli demo password")
            .unwrap();
        let v = Vault::open(&location, &key).unwrap();
        v.conn()
            .execute(
                "UPDATE audit SET summary = 'nothing to see' WHERE id = 1",
                [],
            )
            .unwrap();
    }
    let out = run(
        &["audit", "verify"],
        &signed(&vault, &pw, &creds.email, &codes.take()),
        &["--json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(report["intact"], false);
    assert_eq!(report["first_bad_entry"], 1);
    assert_eq!(report["format_version"], 1);
    assert!(stderr(&out).contains("entry 1"));
}

#[test]
fn codes_from_an_independent_generator_are_accepted() {
    if !common::tool_available("oathtool") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (vault, pw, creds) = demo(dir.path());
    let base32 = soft_key::base32(&creds.secret);
    let code = Command::new("oathtool")
        .args(["--totp", "-b", &base32])
        .output()
        .unwrap();
    let code = String::from_utf8_lossy(&code.stdout).trim().to_string();
    assert_eq!(code.len(), 6);
    let out = run(
        &["audit", "verify"],
        &signed(&vault, &pw, &creds.email, &code),
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

fn signed(vault: &str, pw: &str, email: &str, code: &str) -> Vec<String> {
    [
        "--vault",
        vault,
        "--user",
        email,
        "--password-file",
        pw,
        "--code",
        code,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn run(prefix: &[&str], signed_in: &[String], rest: &[&str]) -> Output {
    let mut args: Vec<&str> = prefix.to_vec();
    args.extend(signed_in.iter().map(String::as_str));
    args.extend(rest);
    keyholder(&args)
}

#[test]
fn groups_commands_restrict_and_change_access_lists_in_one_sign_in_each() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, pw, creds) = demo(dir.path());
    let mut codes = Codes::new(creds.secret.clone());
    let out = run(
        &["groups"],
        &signed(&vault, &pw, &creds.email, &codes.take()),
        &["restrict", "house", "on"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Houses: restricted"));

    // A file of changes: a bad line refuses the whole file and changes nothing.
    let ops = dir.path().join("ops.txt");
    std::fs::write(
        &ops,
        format!(
            "# new year\nadd house \"Ash\" {}\nadd house \"Nowhere\" {}\n",
            creds.email, creds.email
        ),
    )
    .unwrap();
    let out = run(
        &["groups"],
        &signed(&vault, &pw, &creds.email, &codes.take()),
        &["apply", &ops.display().to_string()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("Line 3: There is no House called \"Nowhere\""),
        "{}",
        stderr(&out)
    );

    std::fs::write(
        &ops,
        format!(
            "add house \"Ash\" {}\nadd house Beech {}\nrestrict registration-form off\n",
            creds.email, creds.email
        ),
    )
    .unwrap();
    let out = run(
        &["groups"],
        &signed(&vault, &pw, &creds.email, &codes.take()),
        &["apply", &ops.display().to_string()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Ash (House): 1 added, 0 removed"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("Beech (House): 1 added, 0 removed"));
}

#[test]
fn groups_list_as_json_has_a_format_version() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, pw, creds) = demo(dir.path());
    let out = run(
        &["groups"],
        &signed(&vault, &pw, &creds.email, &Codes::new(creds.secret).take()),
        &["list", "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["format_version"], 1);
    let year1 = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "Year 1")
        .unwrap();
    assert_eq!(year1["mis_id"], "102-42");
    assert_eq!(year1["restricted"], true);
}

#[test]
fn users_commands_add_show_and_deactivate() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, pw, creds) = demo(dir.path());
    let mut codes = Codes::new(creds.secret.clone());
    let out = run(
        &["users"],
        &signed(&vault, &pw, &creds.email, &codes.take()),
        &[
            "add",
            "--forename",
            "Rosa",
            "--surname",
            "Lefèvre",
            "--email",
            "r.lefevre@millbrook.example",
            "--group",
            "teachers",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let code = stdout(&out)
        .lines()
        .find_map(|l| l.strip_prefix("setup-code: "))
        .expect("the code is printed")
        .to_string();
    assert_eq!(code.len(), 14);
    assert!(
        keyholder::service::sign_in::redeem_setup_code(
            &keyholder::vault::Location::new(&vault),
            "r.lefevre@millbrook.example",
            &code
        )
        .is_ok()
    );

    let out = run(
        &["users"],
        &signed(&vault, &pw, &creds.email, &codes.take()),
        &["show", "r.lefevre@millbrook.example"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("user group: Teachers"));
    assert!(stdout(&out).contains("key: not enrolled"));

    let out = run(
        &["users"],
        &signed(&vault, &pw, &creds.email, &codes.take()),
        &["deactivate", "r.lefevre@millbrook.example"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let e = keyholder::service::sign_in::redeem_setup_code(
        &keyholder::vault::Location::new(&vault),
        "r.lefevre@millbrook.example",
        &code,
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("do not match"),
        "the code went with the deactivation: {e}"
    );
}

#[test]
fn user_groups_show_prints_the_grids() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, pw, creds) = demo(dir.path());
    let out = run(
        &["user-groups"],
        &signed(&vault, &pw, &creds.email, &Codes::new(creds.secret).take()),
        &["show", "teachers"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("Teachers (Active)"), "{text}");
    let behaviour = text.lines().find(|l| l.starts_with("Behaviour ")).unwrap();
    assert_eq!(behaviour.matches("[x]").count(), 3, "{behaviour}");
    let attendance = text.lines().find(|l| l.starts_with("Attendance ")).unwrap();
    assert_eq!(attendance.matches("[ ]").count(), 2, "{attendance}");
    assert!(
        text.contains("[-] General"),
        "General is partly set for teachers"
    );
    assert!(text.contains("    [x] View student details"));
}

#[test]
fn access_reports_every_pupil_for_yourself_or_as_another_user() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, pw, creds) = demo(dir.path());
    let mut codes = Codes::new(creds.secret.clone());
    let out = run(
        &["access"],
        &signed(&vault, &pw, &creds.email, &codes.take()),
        &["--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let me: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(me["format_version"], 1);
    assert_eq!(me["user"], creds.email.as_str());
    let pupils = me["pupils"].as_array().unwrap();
    assert_eq!(pupils.len(), 30);
    assert!(pupils.iter().all(|p| p["profile"] == true));

    let out = run(
        &["users"],
        &signed(&vault, &pw, &creds.email, &codes.take()),
        &["list", "--json"],
    );
    let users: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let teacher = users["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["user_group"] == "Teachers")
        .unwrap()["email"]
        .as_str()
        .unwrap()
        .to_string();
    let out = run(
        &["access"],
        &signed(&vault, &pw, &creds.email, &codes.take()),
        &["--as", &teacher],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("(Teachers), soft key"), "{text}");
    let hidden: Vec<&str> = text.lines().filter(|l| l.starts_with("hidden")).collect();
    assert!(!hidden.is_empty(), "{text}");
    assert!(
        hidden
            .iter()
            .all(|l| l.contains("not on the access list of") && l.ends_with("(Academic Level)")),
        "{text}"
    );
    assert!(text.lines().any(|l| l.starts_with("profile")), "{text}");
}

/// Reads the demo school directly (no soft-key code used): the e-mail address of an active
/// Teachers member holding a key, and whether they still hold one.
fn teacher_with_key(vault: &str, admin: &str) -> (String, impl Fn() -> bool) {
    use keyholder::vault::{KeyFile, Location, Vault};
    let location = Location::new(vault);
    let key = KeyFile::read(&location.keys)
        .unwrap()
        .unlock_person(admin, "cli demo password")
        .unwrap();
    let open = move || Vault::open(&location, &key).unwrap();
    let email: String = open()
        .conn()
        .query_row(
            "SELECT u.email FROM users u JOIN user_groups g ON g.id = u.user_group_id
             JOIN soft_keys k ON k.user_id = u.id
             WHERE g.name = 'Teachers' AND u.active = 1 AND k.confirmed = 1
             ORDER BY u.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let who = email.clone();
    let has_key = move || {
        open()
            .conn()
            .query_row(
                "SELECT count(*) FROM soft_keys k JOIN users u ON u.id = k.user_id
                 WHERE u.email = ?1 AND k.confirmed = 1",
                [&who],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
            == 1
    };
    (email, has_key)
}

fn printed_code(out: &Output) -> String {
    stdout(out)
        .lines()
        .find_map(|l| l.strip_prefix("setup-code: "))
        .expect("the code is printed")
        .to_string()
}

#[test]
fn users_reset_key_issue_code_and_clear_lock_and_only_for_administrators() {
    use keyholder::service::sign_in::redeem_setup_code;
    let dir = tempfile::tempdir().unwrap();
    let (vault, pw, creds) = demo(dir.path());
    let location = keyholder::vault::Location::new(&vault);
    let (teacher, has_key) = teacher_with_key(&vault, &creds.email);
    assert!(has_key());

    // A teacher is refused the users commands, with a plain reason, and nothing is printed.
    let seed = keyholder::vault::KeyFile::read(&location.keys)
        .unwrap()
        .demo
        .unwrap()
        .totp_seed;
    let mut teacher_codes = Codes::new(keyholder::service::demo::totp_secret(&seed, &teacher));
    let out = run(
        &["users"],
        &signed(&vault, &pw, &teacher, &teacher_codes.take()),
        &["list"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("Manage system"), "{}", stderr(&out));
    assert!(!stdout(&out).contains(&creds.email));

    // Five wrong codes lock the teacher out.
    for _ in 0..5 {
        let out = run(
            &["users"],
            &signed(&vault, &pw, &teacher, "000000"),
            &["list"],
        );
        assert_eq!(out.status.code(), Some(2));
    }
    let out = run(
        &["users"],
        &signed(&vault, &pw, &teacher, &teacher_codes.take()),
        &["list"],
    );
    assert!(
        stderr(&out).contains("locked"),
        "a right code is refused while locked: {}",
        stderr(&out)
    );

    let mut codes = Codes::new(creds.secret.clone());
    let out = run(
        &["users"],
        &signed(&vault, &pw, &creds.email, &codes.take()),
        &["clear-lock", &teacher],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(
        &["users"],
        &signed(&vault, &pw, &teacher, &teacher_codes.take()),
        &["list"],
    );
    assert!(
        stderr(&out).contains("Manage system"),
        "signed in again, refused only for the permission: {}",
        stderr(&out)
    );

    // Resetting the key removes it and prints a set-up code to enrol a new one.
    let out = run(
        &["users"],
        &signed(&vault, &pw, &creds.email, &codes.take()),
        &["reset-key", &teacher],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let first = printed_code(&out);
    assert!(!has_key(), "the soft key is gone");

    // A new code replaces it.
    let out = run(
        &["users"],
        &signed(&vault, &pw, &creds.email, &codes.take()),
        &["issue-code", &teacher],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let second = printed_code(&out);
    assert_ne!(first, second);
    assert!(redeem_setup_code(&location, &teacher, &first).is_err());
    assert!(redeem_setup_code(&location, &teacher, &second).is_ok());
}

#[test]
fn user_groups_list_names_each_group_and_its_administration_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, pw, creds) = demo(dir.path());
    let out = run(
        &["user-groups"],
        &signed(&vault, &pw, &creds.email, &Codes::new(creds.secret).take()),
        &["list"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let line = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} in:\n{text}"))
            .to_string()
    };
    for name in ["SLT", "Teachers", "Attendance Officer", "Office"] {
        line(name);
    }
    assert!(line("SLT").ends_with("administration: yes"), "{text}");
    assert!(line("Teachers").ends_with("administration: no"), "{text}");
    assert!(
        line("Office").contains(" 1 member (1 without a key)"),
        "{text}"
    );
}
