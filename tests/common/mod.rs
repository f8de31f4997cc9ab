//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod keys;
pub mod ui;

use keyholder::auth::soft_key;
use keyholder::service::demo::{self, DemoCredentials, DemoSize};
use keyholder::service::school_data::SchoolData;
use keyholder::service::{self, Session, SignInStep};
use keyholder::vault::{KdfCost, Location};
use std::path::Path;

pub const PASSWORD: &str = "test password for the demo";

pub fn now() -> i64 {
    keyholder::clock::now()
}

/// A small demo school in `dir`, with cheap key derivation so tests stay quick.
pub fn demo_school(dir: &Path, size: DemoSize) -> (Location, DemoCredentials) {
    let location = Location::new(dir.join("school.db"));
    let creds = demo::create(&location, size, PASSWORD, KdfCost::insecure_for_tests())
        .expect("demo school is created");
    (location, creds)
}

/// The user group called `name`.
pub fn user_group(s: &Session, name: &str) -> keyholder::model::UserGroup {
    s.user_groups()
        .expect("user groups")
        .into_iter()
        .find(|g| g.name == name)
        .unwrap_or_else(|| panic!("a user group called {name}"))
}

/// The first user (in the users list's order) whose user group is `group`.
pub fn member_of(s: &Session, group: &str) -> keyholder::model::User {
    s.users_list()
        .expect("users list")
        .into_iter()
        .find(|r| r.group_name == group)
        .unwrap_or_else(|| panic!("someone in {group}"))
        .user
}

pub fn small() -> DemoSize {
    DemoSize {
        pupils: 42,
        staff: 12,
    }
}

/// The code an authenticator app would show `steps` time steps from `at`.
pub fn code(secret: &[u8], at: i64, steps: i64) -> String {
    soft_key::code_at(secret, (at + steps * 30) as u64).expect("code")
}

/// A soft key for `secret`, confirmed with the code its app showed a minute before `at`, so every
/// code from `at` on still signs in.
pub fn confirmed_key(secret: &[u8], at: i64) -> keyholder::service::enrolment::ConfirmedKey {
    let then = at - 60;
    keyholder::service::enrolment::PendingKey::from_secret(secret.to_vec())
        .confirm(&code(secret, then, 0), then)
        .expect("a current code confirms the key")
}

/// Signs in with password and code at the (possibly simulated) time `at`.
pub fn sign_in_at(
    location: &Location,
    email: &str,
    password: &str,
    secret: &[u8],
    at: i64,
) -> Session {
    match service::sign_in(location, email, password).expect("password accepted") {
        SignInStep::NeedsCode(mut pending) => {
            pending
                .confirm(&code(secret, at, 0), at)
                .expect("code accepted");
            pending.into_session().expect("session starts")
        }
        SignInStep::SignedIn(s) => s,
    }
}

/// Whether an external tool is installed. In CI (KEYHOLDER_REQUIRE_TOOLS=1) a missing tool is a
/// failure, so tests that depend on it always run there.
pub fn tool_available(name: &str) -> bool {
    let found = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("KEYHOLDER_REQUIRE_TOOLS").is_none(),
            "{name} is required in CI but is not installed"
        );
        eprintln!("skipping: {name} is not installed");
    }
    found
}

/// A school made from an export (`keyholder load`), signed in as its administrator.
pub fn load_and_sign_in(location: &Location, data: &SchoolData, label: &str) -> Session {
    let loaded = service::setup::load_school(location, data, PASSWORD, label)
        .expect("the school loads from the export");
    sign_in_at(
        location,
        &loaded.admin,
        PASSWORD,
        loaded.key.secret(),
        now(),
    )
}

/// The names of the files in `dir`, sorted.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The soft-key secret of any user of a demo school (they all derive from the demo's seed).
pub fn demo_secret(location: &Location, email: &str) -> Vec<u8> {
    let keys = keyholder::vault::KeyFile::read(&location.keys).expect("key file reads");
    keyholder::service::demo::totp_secret(&keys.demo.expect("a demo school").totp_seed, email)
}

/// Signs in as a user of a demo school: with their code when they hold a key, else password only.
pub fn sign_in_demo_user(location: &Location, email: &str) -> Session {
    sign_in_at(
        location,
        email,
        PASSWORD,
        &demo_secret(location, email),
        now(),
    )
}

/// Moves `n` teachers who hold soft keys into SLT, so that many administrators can each sign in
/// a command with a code of their own. Returns their e-mail addresses and soft-key secrets.
#[allow(dead_code)]
pub fn promote_teachers(
    session: &mut Session,
    location: &Location,
    n: usize,
) -> Vec<(String, Vec<u8>)> {
    let seed = keyholder::vault::KeyFile::read(&location.keys)
        .expect("key file reads")
        .demo
        .expect("a demo key file")
        .totp_seed;
    let slt = user_group(session, "SLT");
    let teachers: Vec<_> = session
        .users_list()
        .expect("users")
        .into_iter()
        .filter(|r| r.group_name == "Teachers" && r.key == keyholder::model::KeyState::Active)
        .take(n)
        .map(|r| r.user)
        .collect();
    assert_eq!(teachers.len(), n, "enough teachers with keys");
    for t in &teachers {
        session.set_user_group(t.id, slt.id).expect("moved to SLT");
    }
    teachers
        .into_iter()
        .map(|t| {
            let secret = keyholder::service::demo::totp_secret(&seed, &t.email);
            (t.email, secret)
        })
        .collect()
}

/// A pupils file of `n` new pupils whose MIS IDs start with `prefix`.
#[allow(dead_code)]
pub fn pupils_csv(prefix: char, n: usize) -> String {
    let mut csv = String::from("Adno,Legal Surname,Legal Forename,Year,Reg Group,House\n");
    for i in 0..n {
        csv.push_str(&format!(
            "{prefix}{i:06},Surname{i},Forename{i},Year {},Form {},House {}\n",
            1 + i % 6,
            i % 5,
            i % 4
        ));
    }
    csv
}

/// The Academic Level of a pupil in an export ("" when they have none).
pub fn level_of(p: &keyholder::service::school_data::PupilData) -> &str {
    p.groups
        .iter()
        .find(|g| g.group_type == "academic_level")
        .map(|g| g.name.as_str())
        .unwrap_or("")
}

/// The first active teacher in an export who is on the access list of `year` and of no other
/// Academic Level (in the demo, a form teacher with a soft key).
pub fn teacher_of(data: &keyholder::service::SchoolData, year: &str) -> String {
    data.users
        .iter()
        .filter(|u| u.user_group == "Teachers" && u.active)
        .find(|u| {
            let lists: Vec<&str> = data
                .groups
                .iter()
                .filter(|g| g.group_type == "academic_level" && g.access.contains(&u.email))
                .map(|g| g.name.as_str())
                .collect();
            lists == [year]
        })
        .unwrap_or_else(|| panic!("the demo has a teacher restricted to {year}"))
        .email
        .clone()
}

/// A PDF's text as a PDF text extractor reads it back, every run of white space one space.
#[allow(dead_code)]
pub fn pdf_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf_extract::extract_text_from_mem(&bytes).expect("the PDF's text reads back");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Runs `keyholder COMMAND ARGS…` signed in as `email`, password from the file `pw`, with the
/// code `step` time steps from now (each code is accepted once: use -1, 0, 1, … in turn).
#[allow(dead_code)]
pub fn command_as<'a>(
    command: &'a str,
    location: &'a Location,
    email: &'a str,
    secret: Vec<u8>,
    pw: std::path::PathBuf,
) -> impl Fn(&[&str], i64) -> std::process::Output + 'a {
    move |args: &[&str], step: i64| {
        std::process::Command::new(env!("CARGO_BIN_EXE_keyholder"))
            .arg(command)
            .args(args)
            .args([
                "--vault",
                &location.db.display().to_string(),
                "--user",
                email,
            ])
            .args(["--password-file", &pw.display().to_string()])
            .args(["--code", &code(&secret, now(), step)])
            .output()
            .expect("keyholder runs")
    }
}
