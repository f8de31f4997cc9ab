//! `kill -9` at random moments during an import, a backup and a restore, each run as a real
//! process on its own copy of one school: afterwards the school always opens, its audit trail is
//! intact, and it holds either everything from before or everything from after, never a part.
//!
//! Each kind (an import, a file of access-list changes, a backup, a restore) is killed
//! `KEYHOLDER_KILLS` times (10 by default, so 40 kills in CI) at moments spread over a whole
//! run; `tests/soak-kills.sh` runs many more.

#![cfg(unix)]

mod common;

use common::PASSWORD;
use keyholder::model::{GroupType, PupilGroupId, UserId};
use keyholder::service::Session;
use keyholder::service::backup::open_backup;
use keyholder::service::demo::DemoSize;
use keyholder::vault::Location;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PUPILS_IMPORTED: usize = 2_000;

fn kills_per_kind() -> u64 {
    std::env::var("KEYHOLDER_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
}

/// One school, made once, copied afresh for every run so each kill starts from the same files.
struct Pristine {
    dir: tempfile::TempDir,
    email: String,
    secret: Vec<u8>,
    recovery_file: PathBuf,
    password_file: PathBuf,
    /// Taken before the "Kestrel" house was added, so a restored school has no Kestrel.
    backup: PathBuf,
    pupils: usize,
}

fn pristine() -> Pristine {
    let dir = tempfile::tempdir().unwrap();
    let school = dir.path().join("school");
    std::fs::create_dir_all(&school).unwrap();
    let (location, creds) = common::demo_school(
        &school,
        DemoSize {
            pupils: 300,
            staff: 20,
        },
    );
    let mut session = creds.session;
    let backup = dir.path().join("before.khbackup");
    session.back_up(&backup, &|_| {}).unwrap();
    session
        .create_group(GroupType::House, "Kestrel", "")
        .unwrap();
    let pupils = session.pupil_count().unwrap();
    // Closing writes the journal into the file, so copying the two files copies the school.
    drop(session);
    assert!(!school.join("school.db-wal").exists());
    let _ = location;
    let recovery_file = dir.path().join("recovery");
    std::fs::write(&recovery_file, format!("{}\n", creds.recovery_code)).unwrap();
    let password_file = dir.path().join("password");
    std::fs::write(&password_file, format!("{PASSWORD}\n")).unwrap();
    let csv = dir.path().join("pupils.csv");
    std::fs::write(&csv, common::pupils_csv('8', PUPILS_IMPORTED)).unwrap();
    Pristine {
        dir,
        email: creds.email,
        secret: creds.totp_secret,
        recovery_file,
        password_file,
        backup,
        pupils,
    }
}

impl Pristine {
    fn csv(&self) -> PathBuf {
        self.dir.path().join("pupils.csv")
    }

    /// A fresh copy of the school in its own folder.
    fn copy(&self, run: &str) -> Location {
        let to = self.dir.path().join(run);
        std::fs::create_dir_all(&to).unwrap();
        for name in ["school.db", "school.keys"] {
            std::fs::copy(self.dir.path().join("school").join(name), to.join(name)).unwrap();
        }
        Location::new(to.join("school.db"))
    }

    /// A signed-in command on `location`. Every copy remembers the same last code, so the code
    /// of the next step is new to each of them.
    fn signed_in(&self, location: &Location, args: &[&OsStr]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_keyholder"));
        c.args(args)
            .arg("--vault")
            .arg(&location.db)
            .arg("--user")
            .arg(&self.email)
            .arg("--password-file")
            .arg(&self.password_file)
            .arg("--code")
            .arg(common::code(&self.secret, common::now(), 1))
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        c
    }

    fn restore(&self, location: &Location) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_keyholder"));
        c.arg("restore")
            .arg(&self.backup)
            .arg("--vault")
            .arg(&location.db)
            .arg("--recovery-code-file")
            .arg(&self.recovery_file)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        c
    }

    /// Signs in to a copy in-process, at a time of its own so its code is always new there.
    fn open(&self, location: &Location, run: u64) -> Session {
        let at = common::now() + 3600 + 120 * run as i64;
        common::sign_in_at(location, &self.email, PASSWORD, &self.secret, at)
    }
}

/// Runs `command` to the end, for how long that takes.
fn time_whole_run(command: &mut Command) -> Duration {
    let started = Instant::now();
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    started.elapsed()
}

/// Starts `command` and kills it with SIGKILL after `delay`.
fn kill_after(command: &mut Command, delay: Duration) {
    let mut child = command.spawn().unwrap();
    std::thread::sleep(delay);
    let _ = child.kill();
    child.wait().unwrap();
}

/// A fixed sequence of delays spread over a whole run (and a little beyond), so a failure can
/// be repeated.
fn delays(whole: Duration) -> impl Iterator<Item = Duration> {
    let span = (whole.as_millis() as u64 * 11 / 10).max(20);
    let mut d = 7u64;
    (0..kills_per_kind()).map(move |_| {
        d = (d * 37 + 11) % 1009;
        Duration::from_millis(d * span / 1009)
    })
}

fn import_args(csv: &Path) -> [&OsStr; 3] {
    [OsStr::new("import"), OsStr::new("pupils"), csv.as_os_str()]
}

fn backup_args(out: &Path) -> [&OsStr; 3] {
    [OsStr::new("backup"), OsStr::new("--out"), out.as_os_str()]
}

fn has_kestrel(s: &Session) -> bool {
    s.groups_tab()
        .unwrap()
        .into_iter()
        .flat_map(|t| t.groups)
        .any(|g| g.group.name == "Kestrel")
}

fn files_named(dir: &Path, part: &str) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains(part))
        .collect()
}

#[test]
fn an_import_killed_at_any_moment_is_all_or_nothing() {
    let p = pristine();
    let csv = p.csv();
    let whole = {
        let location = p.copy("whole-import");
        let t = time_whole_run(&mut p.signed_in(&location, &import_args(&csv)));
        let s = p.open(&location, 0);
        assert_eq!(s.pupil_count().unwrap(), p.pupils + PUPILS_IMPORTED);
        t
    };
    let (mut before, mut after) = (0, 0);
    for (run, delay) in delays(whole).enumerate() {
        let location = p.copy(&format!("import-{run}"));
        kill_after(&mut p.signed_in(&location, &import_args(&csv)), delay);
        let s = p.open(&location, run as u64 + 1);
        let pupils = s.pupil_count().unwrap();
        assert!(
            pupils == p.pupils || pupils == p.pupils + PUPILS_IMPORTED,
            "run {run}, killed after {delay:?}: {pupils} pupils, a part of the import"
        );
        if pupils == p.pupils {
            before += 1;
        } else {
            after += 1;
        }
        assert!(s.verify_audit().unwrap().is_intact(), "run {run}");
    }
    eprintln!("import: {before} kills before it was saved, {after} after (whole run {whole:?})");
}

/// Every access list of the school, by group.
fn access_lists(s: &Session) -> BTreeMap<PupilGroupId, BTreeSet<UserId>> {
    s.groups_tab()
        .unwrap()
        .into_iter()
        .flat_map(|t| t.groups)
        .map(|g| (g.group.id, s.access_editor(g.group.id).unwrap().on_list))
        .collect()
}

#[test]
fn a_file_of_access_list_changes_killed_at_any_moment_is_all_or_nothing() {
    let p = pristine();
    // Every member of staff added to every group's list: a change to every group of the school,
    // so a file applied group by group would show as some lists changed and others not.
    let (file, lists_before, lists_after) = {
        let location = p.copy("lists");
        let s = p.open(&location, 0);
        let staff: Vec<(UserId, String)> = s
            .users_list()
            .unwrap()
            .into_iter()
            .map(|r| (r.user.id, r.user.email))
            .collect();
        let mut file = String::new();
        for tab in s.groups_tab().unwrap() {
            let kind = match tab.group_type {
                GroupType::RegistrationForm => "registration-form",
                GroupType::House => "house",
                GroupType::AcademicLevel => "academic-level",
            };
            for g in &tab.groups {
                for (_, email) in &staff {
                    file.push_str(&format!("add {kind} \"{}\" {email}\n", g.group.name));
                }
            }
        }
        let before = access_lists(&s);
        let everyone: BTreeSet<UserId> = staff.iter().map(|(id, _)| *id).collect();
        let after: BTreeMap<_, _> = before.keys().map(|g| (*g, everyone.clone())).collect();
        assert_ne!(before, after, "the file changes the lists");
        let path = p.dir.path().join("changes.txt");
        std::fs::write(&path, file).unwrap();
        (path, before, after)
    };
    let args = [OsStr::new("groups"), OsStr::new("apply"), file.as_os_str()];
    let whole = {
        let location = p.copy("whole-lists");
        let t = time_whole_run(&mut p.signed_in(&location, &args));
        assert_eq!(access_lists(&p.open(&location, 0)), lists_after);
        t
    };
    let (mut before, mut after) = (0, 0);
    for (run, delay) in delays(whole).enumerate() {
        let location = p.copy(&format!("lists-{run}"));
        kill_after(&mut p.signed_in(&location, &args), delay);
        let s = p.open(&location, run as u64 + 1);
        let lists = access_lists(&s);
        if lists == lists_before {
            before += 1;
        } else {
            let changed = lists
                .iter()
                .filter(|(g, l)| lists_before.get(g) != Some(l))
                .count();
            assert_eq!(
                lists,
                lists_after,
                "run {run}, killed after {delay:?}: {changed} of {} groups changed",
                lists.len()
            );
            after += 1;
        }
        assert!(s.verify_audit().unwrap().is_intact(), "run {run}");
    }
    eprintln!(
        "groups apply: {before} kills before it was saved, {after} after (whole run {whole:?})"
    );
}

#[test]
fn a_backup_killed_at_any_moment_leaves_the_school_as_it_was_and_no_half_backup() {
    let p = pristine();
    let whole = {
        let location = p.copy("whole-backup");
        let out = location.db.with_file_name("b.khbackup");
        time_whole_run(&mut p.signed_in(&location, &backup_args(&out)))
    };
    let (mut none, mut complete) = (0, 0);
    for (run, delay) in delays(whole).enumerate() {
        let location = p.copy(&format!("backup-{run}"));
        let out = location.db.with_file_name("b.khbackup");
        kill_after(&mut p.signed_in(&location, &backup_args(&out)), delay);
        // The backup is either not there or whole: one that opens and checks.
        if out.exists() {
            let opened = open_backup(&out);
            assert!(opened.is_ok(), "run {run}: {:?}", opened.err());
            complete += 1;
        } else {
            none += 1;
        }
        let mut s = p.open(&location, run as u64 + 1);
        // Opening the school again cleared whatever the killed backup was writing.
        let folder = location.db.parent().unwrap().to_path_buf();
        let unfinished = files_named(&folder, ".khbackup.tmp");
        assert!(unfinished.is_empty(), "run {run}: {unfinished:?}");
        assert!(
            files_named(&folder, ".backup-writing-").is_empty(),
            "run {run}"
        );
        assert!(has_kestrel(&s), "run {run}: the school changed");
        assert_eq!(s.pupil_count().unwrap(), p.pupils);
        assert!(s.verify_audit().unwrap().is_intact(), "run {run}");
        // A backup after the killed one works, and clears nothing it should not.
        let again = location.db.with_file_name("again.khbackup");
        s.back_up(&again, &|_| {}).unwrap();
        assert!(open_backup(&again).is_ok());
    }
    eprintln!("backup: {none} kills left no backup, {complete} a whole one (whole run {whole:?})");
}

#[test]
fn a_restore_killed_at_any_moment_leaves_the_old_school_or_the_restored_one() {
    let p = pristine();
    let whole = {
        let location = p.copy("whole-restore");
        let t = time_whole_run(&mut p.restore(&location));
        let s = p.open(&location, 0);
        assert!(!has_kestrel(&s), "the restored school is the one backed up");
        t
    };
    let (mut old, mut restored) = (0, 0);
    for (run, delay) in delays(whole).enumerate() {
        let location = p.copy(&format!("restore-{run}"));
        kill_after(&mut p.restore(&location), delay);
        let folder = location.db.parent().unwrap().to_path_buf();
        let s = p.open(&location, run as u64 + 1);
        assert!(s.verify_audit().unwrap().is_intact(), "run {run}");
        if has_kestrel(&s) {
            old += 1;
            assert!(files_named(&folder, ".replaced-").is_empty(), "run {run}");
        } else {
            restored += 1;
            // The school it replaced is kept beside it, whole.
            let kept: Vec<_> = files_named(&folder, ".replaced-")
                .into_iter()
                .filter(|f| f.extension().is_some_and(|e| e == "db"))
                .collect();
            assert_eq!(kept.len(), 1, "run {run}: {kept:?}");
            let k = p.open(&Location::new(&kept[0]), run as u64 + 1);
            assert!(
                has_kestrel(&k),
                "run {run}: the kept school lost its changes"
            );
        }
        drop(s);
        // Nothing staged is left lying about once the school has been opened.
        let staged = files_named(&folder, ".restoring");
        assert!(staged.is_empty(), "run {run}: {staged:?}");
        assert!(
            files_named(&folder, ".restore-plan").is_empty(),
            "run {run}"
        );
    }
    eprintln!(
        "restore: {old} kills left the old school, {restored} the restored one (whole run {whole:?})"
    );
}
