//! Several Keyholder processes on one school at once: every change that reports success is in
//! the school afterwards, a restore never lets a running command write into the file it
//! replaced, and a transfer received while killed arrives whole or not at all. (Kills of the
//! other commands at moments spread over a whole run are in tests/kills.rs.)

mod common;

use keyholder::model::{GroupType, PupilGroupId, UserId};
use keyholder::service::Session;
use keyholder::service::demo::DemoSize;
use keyholder::vault::Location;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn keyholder() -> Command {
    Command::new(env!("CARGO_BIN_EXE_keyholder"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// An administrator who can sign in from a command: e-mail and soft-key secret.
struct Admin {
    email: String,
    secret: Vec<u8>,
    /// The first time step (of 30 seconds since 1970) this admin has not used: a school accepts
    /// each step's code once, and only steps after the last one used.
    next_step: i64,
}

impl Admin {
    /// A code for the earliest step not yet used among now's and the next one, which the school
    /// still accepts for at least half a minute; `None` when both are used.
    fn code(&mut self) -> Option<String> {
        let now_step = common::now().div_euclid(30);
        let step = now_step.max(self.next_step);
        if step > now_step + 1 {
            return None;
        }
        self.next_step = step + 1;
        Some(common::code(&self.secret, step * 30, 0))
    }
}

/// A demo school where `extra` teachers have been moved into SLT, so that many administrators
/// with their own soft keys can each sign in a command with a fresh code.
struct School {
    _dir: tempfile::TempDir,
    location: Location,
    password_file: PathBuf,
    admins: Vec<Admin>,
    /// Where [`School::signed_in_by_any`] looks for a code first.
    next_admin: usize,
    recovery_code: String,
    session: Session,
}

fn school(extra: usize) -> School {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = common::demo_school(
        dir.path(),
        DemoSize {
            pupils: 60,
            // Teachers enough to promote, and as many again to put on access lists.
            staff: 60.max(3 * extra),
        },
    );
    let mut session = creds.session;
    let teachers = common::promote_teachers(&mut session, &location, extra);
    let mut admins = vec![Admin {
        email: creds.email.clone(),
        secret: creds.totp_secret.clone(),
        next_step: 0,
    }];
    admins.extend(teachers.into_iter().map(|(email, secret)| Admin {
        email,
        secret,
        next_step: 0,
    }));
    let password_file = dir.path().join("pw");
    std::fs::write(&password_file, format!("{}\n", common::PASSWORD)).unwrap();
    School {
        _dir: dir,
        location,
        password_file,
        admins,
        next_admin: 0,
        recovery_code: creds.recovery_code,
        session,
    }
}

impl School {
    fn signed_in(&mut self, admin: usize, args: &[&str]) -> Command {
        let code = self.admins[admin]
            .code()
            .expect("this admin has a code left for now");
        self.command_as(admin, &code, args)
    }

    /// A command signed in by whichever administrator next has a code left, waiting for the
    /// next time step when every one has used both of theirs.
    fn signed_in_by_any(&mut self, args: &[&str]) -> Command {
        let started = Instant::now();
        loop {
            for _ in 0..self.admins.len() {
                let admin = self.next_admin;
                self.next_admin = (admin + 1) % self.admins.len();
                if let Some(code) = self.admins[admin].code() {
                    return self.command_as(admin, &code, args);
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(40),
                "no administrator has had a code for 40 s"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    fn command_as(&self, admin: usize, code: &str, args: &[&str]) -> Command {
        let mut c = keyholder();
        c.args(args)
            .arg("--vault")
            .arg(&self.location.db)
            .arg("--user")
            .arg(&self.admins[admin].email)
            .arg("--password-file")
            .arg(&self.password_file)
            .arg("--code")
            .arg(code);
        c
    }

    fn dir(&self) -> &Path {
        self.location.db.parent().unwrap()
    }

    /// Members of staff who are not administrators, to put on access lists.
    fn staff(&self) -> Vec<(UserId, String)> {
        let admins: BTreeSet<_> = self.admins.iter().map(|a| a.email.clone()).collect();
        self.session
            .users_list()
            .unwrap()
            .into_iter()
            .filter(|r| !admins.contains(&r.user.email))
            .map(|r| (r.user.id, r.user.email))
            .collect()
    }

    fn groups(&self, t: GroupType) -> Vec<(PupilGroupId, String)> {
        self.session
            .groups_tab()
            .unwrap()
            .into_iter()
            .filter(|s| s.group_type == t)
            .flat_map(|s| s.groups)
            .map(|r| (r.group.id, r.group.name))
            .collect()
    }

    fn on_list(&self, group: PupilGroupId) -> BTreeSet<UserId> {
        self.session.access_editor(group).unwrap().on_list
    }
}

/// A `groups apply` file adding each of `emails` to each of `groups`.
fn adding(groups: &[(PupilGroupId, String)], kind: &str, emails: &[String]) -> String {
    let mut lines = String::new();
    for (_, name) in groups {
        for e in emails {
            lines.push_str(&format!("add {kind} \"{name}\" {e}\n"));
        }
    }
    lines
}

fn wait_with_limit(mut child: Child, limit: Duration) -> Output {
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("a keyholder command took longer than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

/// How many times two commands race; each race once lost additions 1 time in 6.
const RACES: usize = 30;

#[test]
fn two_commands_adding_to_the_same_groups_at_once_keep_every_addition() {
    let mut s = school(30);
    let forms = s.groups(GroupType::RegistrationForm);
    let staff = s.staff();
    let (a, b) = staff.split_at(staff.len() / 2);
    let emails =
        |half: &[(UserId, String)]| half.iter().map(|(_, e)| e.clone()).collect::<Vec<_>>();
    let everyone: BTreeSet<UserId> = staff.iter().map(|(id, _)| *id).collect();
    let files = [("a.txt", emails(a)), ("b.txt", emails(b))].map(|(name, es)| {
        let path = s.dir().join(name);
        std::fs::write(&path, adding(&forms, "registration-form", &es)).unwrap();
        path
    });
    for trial in 0..RACES {
        // Both commands made ready (their codes chosen) before either starts, so they start
        // together.
        let mut commands: Vec<Command> = files
            .iter()
            .map(|f| {
                let mut c = s.signed_in_by_any(&["groups", "apply"]);
                c.arg(f);
                c
            })
            .collect();
        let children: Vec<Child> = commands
            .iter_mut()
            .map(|c| {
                c.stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = wait_with_limit(child, Duration::from_secs(60));
            assert!(out.status.success(), "trial {trial}: {}", text(&out.stderr));
            assert!(text(&out.stdout).contains("added"), "{}", text(&out.stdout));
        }
        for (group, name) in &forms {
            let list = s.on_list(*group);
            let missing: Vec<_> = everyone.difference(&list).collect();
            assert!(
                missing.is_empty(),
                "trial {trial}: {name} is missing {} of the additions",
                missing.len()
            );
        }
        // Empty the lists again for the next trial.
        for (group, _) in &forms {
            s.session
                .change_access_list(*group, &BTreeSet::new(), &everyone)
                .unwrap();
        }
    }
    assert!(s.session.verify_audit().unwrap().is_intact());
}

#[test]
fn a_restore_waits_for_a_running_import_or_stops_it_writing_into_the_replaced_file() {
    let mut s = school(2);
    let backup = s.dir().join("before.khbackup");
    let out = s
        .signed_in(0, &["backup"])
        .arg("--out")
        .arg(&backup)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let recovery = s.dir().join("recovery");
    std::fs::write(&recovery, format!("{}\n", s.recovery_code)).unwrap();

    let csv = s.dir().join("pupils.csv");
    std::fs::write(&csv, common::pupils_csv('9', 20_000)).unwrap();
    let import = s
        .signed_in(1, &["import", "pupils"])
        .arg(&csv)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Let the import get going before the restore starts.
    std::thread::sleep(Duration::from_millis(400));
    let restore = keyholder()
        .arg("restore")
        .arg(&backup)
        .arg("--vault")
        .arg(&s.location.db)
        .arg("--recovery-code-file")
        .arg(&recovery)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let import = wait_with_limit(import, Duration::from_secs(300));
    let restore = wait_with_limit(restore, Duration::from_secs(300));
    assert!(restore.status.success(), "{}", text(&restore.stderr));

    // The restored school holds the backup's pupils, not the import's.
    let at = common::now() + 3600;
    let live = common::sign_in_at(
        &s.location,
        &s.admins[0].email,
        common::PASSWORD,
        &s.admins[0].secret,
        at,
    );
    let restored_at = live
        .recent_audit("Restored from", 10)
        .unwrap()
        .first()
        .expect("the restore is in the restored school's audit")
        .at;
    if import.status.success() {
        // The import finished first: it is in the replaced file, kept beside the school, and the
        // restore replaced the file only after the import had been saved.
        let kept = std::fs::read_dir(s.dir())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.to_string_lossy().contains(".replaced-")
                    && p.extension().is_some_and(|e| e == "db")
            })
            .expect("the replaced school file is kept");
        let kept = Location::new(kept);
        let old = common::sign_in_at(
            &kept,
            &s.admins[0].email,
            common::PASSWORD,
            &s.admins[0].secret,
            at + 60,
        );
        let imported = old
            .recent_audit("MIS import", 10)
            .unwrap()
            .into_iter()
            .find(|e| e.action == "MIS import")
            .expect("the import is in the file it reported saving to");
        assert!(
            imported.at <= restored_at,
            "the import was saved into the replaced file after the restore"
        );
    } else {
        // The restore came first: the import was refused, in words, and wrote nothing.
        assert_eq!(import.status.code(), Some(2), "{}", text(&import.stderr));
        assert!(
            text(&import.stderr).contains("restored") || text(&import.stderr).contains("replaced"),
            "{}",
            text(&import.stderr)
        );
    }
    let pupils = live.pupil_count().unwrap();
    assert!(pupils < 20_000, "the restored school has {pupils} pupils");
    live.lock();
}

/// On closing, SQLite tidies away the journal beside the file it opened, by name. A command still
/// holding the file a restore replaced must leave the restored school's journal alone, or what
/// another window saved since the restore would be lost. (SQLite itself skips the tidying when
/// the file has moved, which is why a restore moves the old file and its journal together.)
#[cfg(unix)]
#[test]
fn a_command_left_on_the_replaced_file_does_not_take_the_restored_schools_changes_with_it() {
    let mut s = school(1);
    let backup = s.dir().join("before.khbackup");
    s.session.back_up(&backup, &|_| {}).unwrap();
    // A file of changes that is a pipe: the command signs in, opens the school, and then waits
    // for its file until the test writes it.
    let fifo = s.dir().join("changes.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let waiting = s
        .signed_in(1, &["groups", "apply"])
        .arg(&fifo)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));

    let email = s.admins[0].email.clone();
    let secret = s.admins[0].secret.clone();
    let location = s.location.clone();
    drop(s.session);
    keyholder::service::backup::open_backup(&backup)
        .unwrap()
        .unlock(&keyholder::service::backup::Unlock::Password {
            email: email.clone(),
            password: common::PASSWORD.into(),
        })
        .unwrap()
        .restore(&location)
        .unwrap();
    let at = common::now() + 3600;
    let mut window = common::sign_in_at(&location, &email, common::PASSWORD, &secret, at);
    window
        .create_group(GroupType::House, "Kestrel", "")
        .unwrap();

    // The waiting command gets its file, finds the school replaced, and ends.
    std::fs::write(&fifo, "").unwrap();
    let out = wait_with_limit(waiting, Duration::from_secs(60));
    assert!(!out.status.success(), "{}", text(&out.stdout));

    let journal = location.db.with_file_name("school.db-wal");
    assert!(
        journal.exists(),
        "the restored school's journal is still there"
    );
    let third = common::sign_in_at(&location, &email, common::PASSWORD, &secret, at + 60);
    let names: Vec<String> = third
        .groups_tab()
        .unwrap()
        .into_iter()
        .flat_map(|t| t.groups)
        .map(|g| g.group.name)
        .collect();
    assert!(names.iter().any(|n| n == "Kestrel"), "{names:?}");
    drop(window);
}

/// Receiving a transfer is one change: killed at any moment, the pupil's record holds all of the
/// file's incidents or none, and the log one receipt or none; a later run finishes the job or
/// says it is done.
#[cfg(unix)]
#[test]
fn a_transfer_received_while_killed_arrives_whole_or_not_at_all() {
    use keyholder::model::school_transfer::Method;
    use keyholder::service::transfers::TransferRequest;
    let mut s = school(12);
    // The sending school: this one under another name (the pupil's UPN is known here).
    let mut data = s.session.export().unwrap();
    data.school.name = "Larkspur Primary School".into();
    let index = (0..data.pupils.len())
        .max_by_key(|i| data.incidents.iter().filter(|x| x.pupil == *i).count())
        .unwrap();
    let mis_id = data.pupils[index].mis_id.clone().unwrap();
    let other = Location::new(s.dir().join("larkspur.db"));
    let mut sender = common::load_and_sign_in(&other, &data, "Kill test");
    let file = s.dir().join("in.khtransfer");
    let sent = sender
        .send_transfer(
            &TransferRequest {
                pupil: sender.pupil_to_transfer_by_mis_id(&mis_id).unwrap(),
                to_school: "Millbrook Primary School".into(),
                to_contact: String::new(),
                categories: Vec::new(),
                from: None,
                until: None,
                keep_copy: false,
                method: Method::Keyholder,
            },
            &file,
        )
        .unwrap();
    assert!(sent.incidents > 0);
    let words = s.dir().join("words.txt");
    std::fs::write(&words, format!("{}\n", sent.passphrase)).unwrap();
    let pupil = s.session.pupil_by_mis_id(&mis_id).unwrap();
    let received = |s: &mut School| {
        let n = s
            .session
            .open_pupil_profile(pupil)
            .unwrap()
            .incidents
            .iter()
            .filter(|i| i.received.is_some())
            .count();
        (n, s.session.transfers().unwrap().received.len())
    };

    let mut delay = 40u64;
    let mut whole = false;
    for kill in 0..12 {
        let mut child = s
            .signed_in(kill % 12 + 1, &["transfer", "receive"])
            .arg(&file)
            .arg("--passphrase-file")
            .arg(&words)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        delay = (delay * 37 + 23) % 900;
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        child.wait().unwrap();
        let (incidents, logged) = received(&mut s);
        assert!(
            (incidents, logged) == (0, 0) || (incidents, logged) == (sent.incidents, 1),
            "kill {kill} after {delay} ms left {incidents} of {} incidents and {logged} receipts",
            sent.incidents
        );
        if logged == 1 {
            whole = true;
            break;
        }
    }
    if !whole {
        let out = s
            .signed_in(0, &["transfer", "receive"])
            .arg(&file)
            .arg("--passphrase-file")
            .arg(&words)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    assert_eq!(received(&mut s), (sent.incidents, 1));
    assert!(s.session.verify_audit().unwrap().is_intact());
}
