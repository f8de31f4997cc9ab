//! `keyholder import`, run as a separate process the way IT staff and scripts run it.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn keyholder(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keyholder"))
        .args(args)
        .output()
        .expect("keyholder runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn sample(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("resources/samples")
        .join(name)
        .display()
        .to_string()
}

/// A small demo school and what a command needs to sign in to it.
struct School {
    location: keyholder::vault::Location,
    email: String,
    secret: Vec<u8>,
    password_file: PathBuf,
    /// Each code's time step can be used once: successive commands take successive steps.
    next_step: i64,
    /// The session the demo school was made with, for looking before any command runs.
    first: Option<keyholder::service::Session>,
}

impl School {
    fn new(dir: &Path) -> School {
        let (location, creds) = demo_school(dir, small());
        let password_file = dir.join("pw");
        std::fs::write(&password_file, format!("{PASSWORD}\n")).unwrap();
        School {
            location,
            email: creds.email,
            secret: creds.totp_secret,
            password_file,
            next_step: -1,
            first: Some(creds.session),
        }
    }

    /// The school as it is before any command, through the session it was made with.
    fn before<T>(&mut self, f: impl FnOnce(&mut keyholder::service::Session) -> T) -> T {
        let mut s = self
            .first
            .take()
            .expect("looked at once, before the commands");
        f(&mut s)
    }

    fn import(&mut self, args: &[&str]) -> Output {
        let code = code(&self.secret, now(), self.next_step);
        self.next_step += 1;
        assert!(self.next_step <= 2, "at most three commands a test");
        let vault = self.location.db.display().to_string();
        let pw = self.password_file.display().to_string();
        let mut all = vec!["import"];
        all.extend_from_slice(args);
        all.extend_from_slice(&[
            "--vault",
            &vault,
            "--user",
            &self.email,
            "--password-file",
            &pw,
            "--code",
            &code,
        ]);
        keyholder(&all)
    }

    /// Nothing imported: the school is as `before` and no import was audited (signing in is).
    fn assert_unchanged(&self, before: &keyholder::service::SchoolData) {
        let mut s = self.session();
        assert_eq!(&s.export().unwrap().without_timestamps(), before);
        assert!(s.recent_audit("MIS import", 5).unwrap().is_empty());
    }

    /// Signs in through the library, on a time step no command has used (so after the commands).
    fn session(&self) -> keyholder::service::Session {
        sign_in_at(
            &self.location,
            &self.email,
            PASSWORD,
            &self.secret,
            now() + 300,
        )
    }
}

#[test]
fn a_dry_run_prints_the_summary_writes_nothing_and_exits_1_for_rejected_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut school = School::new(dir.path());
    let before = school.before(|s| s.export().unwrap().without_timestamps());
    let out = school.import(&["pupils", &sample("pupils.csv"), "--dry-run"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    for line in [
        "File: pupils.csv (UTF-8 with byte-order mark, comma-separated, column titles on row 1, 61 rows of data)",
        "  MIS ID: Adno",
        "  Forename: Legal Forename",
        "Pupils: 60 to add, 0 to update, 0 unchanged, 1 row rejected.",
        "1 new group will be created, marked New until you review it: 6 Kestrels (Registration Form).",
        "  Row 42, Legal Surname: is empty, so there is no surname",
        "Not in this file:",
        "  and 22 more",
        "Dry run: nothing was written.",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
    assert!(
        text(&out.stderr).contains("1 row of the file was not imported"),
        "{}",
        text(&out.stderr)
    );
    school.assert_unchanged(&before);
}

#[test]
fn an_import_with_a_mapping_file_writes_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let mut school = School::new(dir.path());
    // A staff list with no header row, so the columns come from the mapping file.
    let file = dir.path().join("staff.csv");
    std::fs::write(
        &file,
        "T9001,Mx,Robin,Achterberg-Lee,r.achterberg@school.example\nT9002,Mr,Tomás,Ó Briain,t.obriain@school.example\n",
    )
    .unwrap();
    let mapping = dir.path().join("staff-mapping.txt");
    std::fs::write(
        &mapping,
        "# staff export from the office\nheader_row = 0\nmis_id = column 1\ntitle = column 2\nforename = column 3\nsurname = column 4\nemail = column 5\n",
    )
    .unwrap();
    let out = school.import(&[
        "staff",
        &file.display().to_string(),
        "--mapping",
        &mapping.display().to_string(),
    ]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("Imported staff.csv: 2 added, 0 updated, 0 unchanged, 0 rows rejected."),
        "{stdout}"
    );
    assert!(stdout.contains("  Job title: (not imported)"), "{stdout}");
    let available = school.session().staff_available().unwrap();
    let tomas = available
        .iter()
        .find(|r| r.mis_staff_id == "T9002")
        .unwrap();
    assert_eq!(
        (tomas.forename.as_str(), tomas.surname.as_str()),
        ("Tomás", "Ó Briain")
    );
}

#[test]
fn bad_input_is_refused_with_status_2_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut school = School::new(dir.path());
    let before = school.before(|s| s.export().unwrap().without_timestamps());
    let mapping = dir.path().join("m.txt");
    std::fs::write(
        &mapping,
        "forename = Legal Forename\nfirstname = Forename\n",
    )
    .unwrap();
    let out = school.import(&[
        "pupils",
        &sample("pupils.csv"),
        "--mapping",
        &mapping.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("line 2") && err.contains("\"firstname\" is not a field"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one clear line: {err}");

    let out = school.import(&[
        "pupils",
        &dir.path().join("missing.csv").display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("there is no such file"),
        "{}",
        text(&out.stderr)
    );

    // A file whose columns cannot be worked out: the summary says what to choose.
    let headerless = dir.path().join("names.csv");
    std::fs::write(&headerless, "Amara,Osei\nBen,Tull\n").unwrap();
    let out = school.import(&["pupils", &headerless.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("Nothing was imported: Choose the column"),
        "{}",
        text(&out.stderr)
    );
    school.assert_unchanged(&before);
}

#[test]
fn archiving_is_only_for_pupil_files_and_unknown_kinds_are_refused() {
    let out = keyholder(&[
        "import", "teachers", "x.csv", "--vault", "v.db", "--user", "a@b.c",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("pupils, staff, groups"),
        "{}",
        text(&out.stderr)
    );
    let dir = tempfile::tempdir().unwrap();
    let mut school = School::new(dir.path());
    let out = school.import(&["staff", &sample("staff.csv"), "--archive-missing"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("only for pupil files"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_long_list_of_rejected_rows_is_summarised_by_problem() {
    let dir = tempfile::tempdir().unwrap();
    let mut school = School::new(dir.path());
    // 300 rows for one pupil ID and 30 rows without a surname, among 20 good rows.
    let mut csv = String::from("Adm No,Forename(s),Surname(s),NC Yr\n");
    for i in 0..350 {
        match i {
            0..300 => csv.push_str(&format!("D1,Twin{i},Ashdown-Vey,3\n")),
            300..330 => csv.push_str(&format!("E{i},Solo{i},,3\n")),
            _ => csv.push_str(&format!("G{i},Good{i},Marlowe-Tan,3\n")),
        }
    }
    let file = dir.path().join("many.csv");
    std::fs::write(&file, csv).unwrap();
    let out = school.import(&["pupils", &file.display().to_string(), "--dry-run"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("Pupils: 20 to add, 0 to update, 0 unchanged, 330 rows rejected."),
        "{stdout}"
    );
    assert!(
        stdout.contains("  and 290 more rows with the same Adm No as another row\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  and 20 more rows with Surname(s) empty\n"),
        "{stdout}"
    );
    let rejected: Vec<&str> = stdout
        .lines()
        .skip_while(|l| *l != "Rejected:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    // Ten rows of each problem and a line for the rest of each.
    assert_eq!(rejected.len(), 22, "{stdout}");
    assert!(
        rejected[0].starts_with("  Row 2, Adm No: D1 is on 300 rows: 2, 3, 4, 5, 6 and 295 more")
    );
}
