//! Transfers between two school files: a pupil's file sent, received and confirmed, with every
//! incident, action and wording arriving as it was; the refusals (wrong passphrase, damaged
//! file, a UPN that belongs to someone else here, a receipt for another transfer) changing
//! nothing; the file unreadable without its passphrase; overdue after 5 school days; the same
//! file twice a no-op; the PDF pack for a school without Keyholder.

mod common;

use chrono::{Duration, Local, NaiveDate, TimeZone};
use common::*;
use keyholder::model::PupilId;
use keyholder::model::school_transfer::{Method, State, confirm_by};
use keyholder::service::records::PupilProfile;
use keyholder::service::setup::load_school;
use keyholder::service::transfers::{PupilMatch, Receipt, Sent, Target, TransferRequest};
use keyholder::service::{SchoolData, Session};
use keyholder::vault::Location;
use std::collections::BTreeMap;
use std::path::Path;

const RECEIVING: &str = "Brookfield Academy";

fn today() -> NaiveDate {
    Local.timestamp_opt(now(), 0).single().unwrap().date_naive()
}

/// The position in the export of the demo pupil with the most casework (statuses and actions).
fn busiest(data: &SchoolData) -> usize {
    (0..data.pupils.len())
        .max_by_key(|&i| {
            let incidents: Vec<_> = data.incidents.iter().filter(|x| x.pupil == i).collect();
            (
                data.pupils[i].statuses.len(),
                incidents.iter().map(|x| x.actions.len()).sum::<usize>(),
                incidents.len(),
            )
        })
        .unwrap()
}

struct Schools {
    sender: Session,
    data: SchoolData,
    receiver: Session,
    /// The pupil being moved, in the sender's school.
    pupil: PupilId,
    index: usize,
}

/// The demo school sends; the receiving school is a copy of it under another name, changed by
/// `adjust` (to remove the pupil's UPN there, say).
fn schools(dir: &Path, adjust: impl FnOnce(&mut SchoolData, usize)) -> Schools {
    let (_, creds) = demo_school(&dir.join("sending"), small());
    let mut sender = creds.session;
    let data = sender.export().unwrap();
    let index = busiest(&data);
    let mut theirs = data.clone();
    theirs.school.name = RECEIVING.into();
    adjust(&mut theirs, index);
    let receiving = Location::new(dir.join("receiving.db"));
    let receiver = load_and_sign_in(&receiving, &theirs, "Transfer test");
    let mis_id = data.pupils[index].mis_id.clone().unwrap();
    let pupil = sender.pupil_to_transfer_by_mis_id(&mis_id).unwrap();
    Schools {
        sender,
        data,
        receiver,
        pupil,
        index,
    }
}

/// The receiving school does not know the pupil's UPN yet: receiving makes a new record.
fn without_upn(d: &mut SchoolData, i: usize) {
    d.pupils[i].upn = Some("Z999999999999".into());
}

fn request(pupil: PupilId, method: Method) -> TransferRequest {
    TransferRequest {
        pupil,
        to_school: RECEIVING.into(),
        to_contact: "Ms R. Adeyemi, DSL, 01632 960123".into(),
        categories: Vec::new(),
        from: None,
        until: None,
        keep_copy: true,
        method,
    }
}

fn send(s: &mut Schools, dir: &Path, name: &str) -> Sent {
    s.sender
        .send_transfer(&request(s.pupil, Method::Keyholder), &dir.join(name))
        .unwrap()
}

fn receive(receiver: &mut Session, path: &Path, passphrase: &str) -> Receipt {
    let (opened, _) = receiver.open_transfer(path, passphrase).unwrap();
    receiver
        .receive_transfer(&opened, &BTreeMap::new())
        .unwrap()
}

fn audit_len(s: &Session) -> usize {
    s.recent_audit("", 100_000).unwrap().len()
}

/// What must arrive unchanged: each incident with its wording, earlier wordings, actions and
/// their versions, and the statuses, with the names of the people who wrote them.
fn contents(p: &PupilProfile) -> (Vec<String>, Vec<String>) {
    let mut incidents: Vec<String> = p
        .incidents
        .iter()
        .map(|i| {
            format!(
                "{} | {} | {} | {} | {} | {:?} | {:?}",
                i.category_label,
                i.occurred_at,
                i.description,
                i.recorded_by_person.name,
                i.recorded_at,
                i.earlier
                    .iter()
                    .map(|e| (&e.description, &e.replaced_by, e.replaced_at))
                    .collect::<Vec<_>>(),
                i.actions
                    .iter()
                    .map(|a| {
                        (
                            a.taken_at,
                            &a.taken_by.name,
                            a.outcome,
                            &a.description,
                            &a.rationale,
                            &a.recorded_by.name,
                            a.recorded_at,
                            a.earlier
                                .iter()
                                .map(|e| {
                                    (
                                        e.taken_at,
                                        &e.taken_by.name,
                                        e.outcome,
                                        &e.description,
                                        &e.replaced_by.name,
                                        e.replaced_at,
                                    )
                                })
                                .collect::<Vec<_>>(),
                        )
                    })
                    .collect::<Vec<_>>()
            )
        })
        .collect();
    incidents.sort();
    let statuses = p
        .statuses
        .iter()
        .map(|s| {
            format!(
                "{:?} {} {:?} {} {}",
                s.kind, s.started_on, s.ended_on, s.note, s.set_by.name
            )
        })
        .collect();
    (incidents, statuses)
}

#[test]
fn a_file_sent_received_and_confirmed_arrives_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = schools(dir.path(), without_upn);
    let before = s.sender.open_pupil_profile(s.pupil).unwrap();
    assert!(!before.incidents.is_empty() && !before.statuses.is_empty());
    assert!(before.incidents.iter().any(|i| !i.actions.is_empty()));
    let sent = send(&mut s, dir.path(), "move.khtransfer");
    assert_eq!(sent.incidents, before.incidents.len());
    assert_eq!(sent.passphrase.split(' ').count(), 6);
    assert_eq!(sent.confirm_by, confirm_by(today()));

    // Nothing of the pupil can be read from the file without the passphrase.
    let bytes = std::fs::read(&sent.path).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1"));
    let p = &s.data.pupils[s.index];
    for secret in [
        p.surname.as_str(),
        p.forename.as_str(),
        p.upn.as_deref().unwrap(),
        before.incidents[0].description.split_at(20).0,
    ] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret:?} is readable in the file"
        );
    }

    // The sender's log: sent, due in 5 school days, SHA-256 of the file.
    let log = s.sender.transfers().unwrap();
    assert_eq!(log.sent.len(), 1);
    let line = &log.sent[0];
    assert_eq!(line.state, State::Sent);
    assert_eq!(line.transfer.to_school, RECEIVING);
    assert_eq!(
        line.transfer.sha256,
        keyholder::vault::files::sha256_hex(&bytes)
    );
    assert!(line.transfer.kept_copy);
    assert!(
        line.transfer
            .pupil_ref
            .contains(p.mis_id.as_deref().unwrap())
    );

    // Received: a new pupil here (their UPN is not known yet), every record as it was.
    let audit = audit_len(&s.receiver);
    let (opened, preview) = s
        .receiver
        .open_transfer(&sent.path, &sent.passphrase.to_uppercase())
        .unwrap();
    assert_eq!(audit_len(&s.receiver), audit, "opening changes nothing");
    assert_eq!(preview.pupil_match, PupilMatch::New);
    assert_eq!(preview.incidents, before.incidents.len());
    assert!(preview.categories.iter().all(|c| c.matched));
    let receipt = s
        .receiver
        .receive_transfer(&opened, &BTreeMap::new())
        .unwrap();
    assert!(!receipt.already);
    assert_eq!(audit_len(&s.receiver), audit + 1, "one audit entry");
    let after = s.receiver.open_pupil_profile(receipt.pupil).unwrap();
    assert_eq!(contents(&after), contents(&before));
    assert!(after.incidents.iter().all(|i| {
        i.received
            .as_ref()
            .is_some_and(|r| r.describe().starts_with("Received from "))
    }));

    // The same file again changes nothing and gives the same receipt.
    let audit = audit_len(&s.receiver);
    let again = receive(&mut s.receiver, &sent.path, &sent.passphrase);
    assert!(again.already);
    assert_eq!(again.code, receipt.code);
    assert_eq!(audit_len(&s.receiver), audit);
    assert_eq!(
        contents(&s.receiver.open_pupil_profile(receipt.pupil).unwrap()),
        contents(&before)
    );

    // Confirmed with the receipt code: the day received and who received it are logged.
    let line = s
        .sender
        .confirm_transfer(&sent.reference, &receipt.code, Some("Ms R. Adeyemi"))
        .unwrap();
    assert_eq!(line.state, State::Confirmed);
    assert_eq!(line.transfer.received_on, Some(today()));
    assert_eq!(line.transfer.received_by.as_deref(), Some("Ms R. Adeyemi"));
    let again = s
        .sender
        .confirm_transfer(&sent.reference, &receipt.code, None)
        .unwrap_err()
        .to_string();
    assert!(again.contains("already confirmed"), "{again}");

    // An export and a load keep both logs, the received records' names and their marks.
    for (school, name) in [(&mut s.sender, "sender"), (&mut s.receiver, "receiver")] {
        let exported = school.export().unwrap();
        let copy = Location::new(dir.path().join(format!("{name}-copy.db")));
        let mut other = load_and_sign_in(&copy, &exported, "Transfer test");
        let (a, b) = (school.transfers().unwrap(), other.transfers().unwrap());
        let strip = |l: keyholder::service::transfers::TransferLog| {
            (
                l.sent
                    .into_iter()
                    .map(|mut x| {
                        x.transfer.id = 0;
                        x.transfer.pupil = None;
                        x.transfer.sent_by = None;
                        x.transfer.confirmed_by = None;
                        x
                    })
                    .collect::<Vec<_>>(),
                l.received
                    .into_iter()
                    .map(|mut x| {
                        x.transfer.id = 0;
                        x.transfer.pupil = None;
                        x.transfer.received_by = None;
                        x
                    })
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(strip(a), strip(b), "{name}");
        assert_eq!(
            other.export().unwrap().without_timestamps().transfers,
            exported.without_timestamps().transfers
        );
    }
    let exported = s.receiver.export().unwrap();
    let copy = Location::new(dir.path().join("receiver-again.db"));
    let mut other = load_and_sign_in(&copy, &exported, "Transfer test");
    let moved = other
        .my_pupils("")
        .unwrap()
        .into_iter()
        .filter(|p| p.forename == s.data.pupils[s.index].forename)
        .map(|p| other.open_pupil_profile(p.id).unwrap())
        .find(|p| p.incidents.iter().any(|i| i.received.is_some()))
        .expect("the received pupil is in the copy");
    assert_eq!(contents(&moved), contents(&before));
}

#[test]
fn a_wrong_passphrase_or_a_damaged_file_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = schools(dir.path(), without_upn);
    let sent = send(&mut s, dir.path(), "move.khtransfer");
    let pupils = s.receiver.pupil_count().unwrap();
    let audit = audit_len(&s.receiver);
    let wrong = s
        .receiver
        .open_transfer(&sent.path, "ribbon absorb lunar gadget civil orbit")
        .unwrap_err()
        .to_string();
    assert!(wrong.contains("passphrase does not open"), "{wrong}");

    let bytes = std::fs::read(&sent.path).unwrap();
    let damaged = dir.path().join("damaged.khtransfer");
    let mut changed = bytes.clone();
    let middle = changed.len() / 2;
    changed[middle] ^= 0x55;
    std::fs::write(&damaged, &changed).unwrap();
    let e = s
        .receiver
        .open_transfer(&damaged, &sent.passphrase)
        .unwrap_err()
        .to_string();
    assert!(e.contains("damaged"), "{e}");
    std::fs::write(&damaged, &bytes[..bytes.len() - 100]).unwrap();
    let e = s
        .receiver
        .open_transfer(&damaged, &sent.passphrase)
        .unwrap_err()
        .to_string();
    assert!(e.contains("damaged"), "{e}");
    std::fs::write(&damaged, b"Adno,Surname\n1,Smith\n").unwrap();
    let e = s
        .receiver
        .open_transfer(&damaged, &sent.passphrase)
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a Keyholder transfer file"), "{e}");
    assert_eq!(s.receiver.pupil_count().unwrap(), pupils);
    assert_eq!(audit_len(&s.receiver), audit);
    // And the sender cannot receive their own transfer back into their school.
    let own = s
        .sender
        .open_transfer(&sent.path, &sent.passphrase)
        .unwrap_err()
        .to_string();
    assert!(own.contains("was sent from this school"), "{own}");
}

#[test]
fn a_upn_that_belongs_to_another_pupil_here_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = schools(dir.path(), |d, i| {
        d.pupils[i].surname = "Someone-Else".into();
    });
    let sent = send(&mut s, dir.path(), "move.khtransfer");
    let audit = audit_len(&s.receiver);
    let e = s
        .receiver
        .open_transfer(&sent.path, &sent.passphrase)
        .unwrap_err()
        .to_string();
    assert!(e.contains("belongs to a different pupil here"), "{e}");
    assert!(
        !e.contains("Someone-Else"),
        "the other pupil is not named: {e}"
    );
    assert_eq!(audit_len(&s.receiver), audit);
}

#[test]
fn a_pupil_the_receiving_school_already_has_gets_the_records_added() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = schools(dir.path(), |_, _| {});
    let sent = send(&mut s, dir.path(), "move.khtransfer");
    let (opened, preview) = s
        .receiver
        .open_transfer(&sent.path, &sent.passphrase)
        .unwrap();
    let PupilMatch::Existing(here) = &preview.pupil_match else {
        panic!("the pupil is matched by UPN: {:?}", preview.pupil_match);
    };
    let own = s
        .receiver
        .open_pupil_profile(here.id)
        .unwrap()
        .incidents
        .len();
    // One of their categories goes to "Transferred records", made for the purpose.
    let theirs = preview.categories[0].theirs.clone();
    let moved = preview.categories[0].incidents;
    let mapping = BTreeMap::from([(theirs.clone(), Target::Transferred)]);
    let receipt = s.receiver.receive_transfer(&opened, &mapping).unwrap();
    assert_eq!(receipt.pupil, here.id);
    let after = s.receiver.open_pupil_profile(here.id).unwrap();
    assert_eq!(after.incidents.len(), own + sent.incidents);
    let transferred: Vec<_> = after
        .incidents
        .iter()
        .filter(|i| i.category_label == "Transferred records")
        .collect();
    assert_eq!(transferred.len(), moved);
    assert!(transferred.iter().all(|i| {
        i.received
            .as_ref()
            .is_some_and(|r| r.category.as_deref() == Some(theirs.as_str()))
    }));
}

#[test]
fn a_receipt_for_another_transfer_or_mistyped_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = schools(dir.path(), without_upn);
    let first = send(&mut s, dir.path(), "first.khtransfer");
    let second = send(&mut s, dir.path(), "second.khtransfer");
    let r2 = receive(&mut s.receiver, &second.path, &second.passphrase);
    let e = s
        .sender
        .confirm_transfer(&first.reference, &r2.code, None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("not for transfer"), "{e}");
    let r1 = receive(&mut s.receiver, &first.path, &first.passphrase);
    let mut typo: Vec<char> = r1.code.chars().collect();
    typo[2] = if typo[2] == '7' { '8' } else { '7' };
    let typo: String = typo.into_iter().collect();
    let e = s
        .sender
        .confirm_transfer(&first.reference, &typo, None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("typing mistake"), "{e}");
    let log = s.sender.transfers().unwrap();
    assert!(
        log.sent.iter().all(|l| l.state == State::Sent),
        "nothing confirmed"
    );
    s.sender
        .confirm_transfer(
            &first.reference.to_lowercase(),
            &r1.code.to_lowercase(),
            None,
        )
        .unwrap();
}

#[test]
fn a_transfer_without_a_receipt_is_overdue_after_five_school_days() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = schools(dir.path(), without_upn);
    let sent = send(&mut s, dir.path(), "move.khtransfer");
    let due = confirm_by(today());
    let state = |s: &Session, day: NaiveDate| s.transfers_on(day).unwrap().sent[0].state;
    assert_eq!(state(&s.sender, due), State::Sent);
    assert_eq!(state(&s.sender, due + Duration::days(1)), State::Overdue);
    let later = Local
        .from_local_datetime(&(due + Duration::days(1)).and_hms_opt(12, 0, 0).unwrap())
        .single()
        .unwrap()
        .timestamp();
    let findings = s.sender.health_check_at(later).unwrap();
    let f = findings
        .iter()
        .find(|f| f.check.key() == "transfers-unconfirmed")
        .expect("the health check warns");
    assert!(f.items[0].name.contains(&sent.reference));
    assert!(
        s.sender
            .health_check()
            .unwrap()
            .iter()
            .all(|f| f.check.key() != "transfers-unconfirmed"),
        "not before"
    );
}

#[test]
fn the_paper_pack_opens_only_with_its_password_and_its_receipt_completes_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = schools(dir.path(), without_upn);
    let path = dir.path().join("pack.pdf");
    let sent = s
        .sender
        .send_transfer(&request(s.pupil, Method::Paper), &path)
        .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let p = &s.data.pupils[s.index];
    for secret in [p.surname.as_str(), p.upn.as_deref().unwrap()] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret:?} is readable in the pack"
        );
    }
    // A PDF reader of another make opens it with the password, and only with it.
    if tool_available("pdftotext") {
        let read = |pw: &str| {
            std::process::Command::new("pdftotext")
                .args(["-upw", pw])
                .arg(&path)
                .arg("-")
                .output()
                .unwrap()
        };
        let out = read(&sent.passphrase);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains(&p.surname), "{text}");
        assert!(text.contains("Receipt: please sign and return"), "{text}");
        assert!(text.contains(&sent.reference), "{text}");
        assert!(!read("wrong words").status.success());
    }
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    assert!(doc.is_encrypted());
    assert!(doc.clone().decrypt("wrong words").is_err());
    // A receipt code means nothing for a pack; the signed paper receipt completes it.
    let e = s
        .sender
        .confirm_transfer(&sent.reference, "4K7QH-M2XRB", None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("paper receipt"), "{e}");
    let e = s
        .sender
        .confirm_paper_receipt(&sent.reference, today() + Duration::days(1), "J. Okafor")
        .unwrap_err()
        .to_string();
    assert!(e.contains("between the day it was sent"), "{e}");
    let line = s
        .sender
        .confirm_paper_receipt(&sent.reference, today(), "J. Okafor")
        .unwrap();
    assert_eq!(line.state, State::Confirmed);
    assert_eq!(line.transfer.received_by.as_deref(), Some("J. Okafor"));
}

#[test]
fn only_the_safeguarding_team_can_send_and_only_pupils_they_can_open() {
    let dir = tempfile::tempdir().unwrap();
    let s = schools(dir.path(), without_upn);
    let (location, _) = (
        Location::new(dir.path().join("sending").join("school.db")),
        (),
    );
    let teacher = teacher_of(&s.data, "Year 3");
    let mut t = sign_in_demo_user(&location, &teacher);
    let e = t
        .send_transfer(
            &request(s.pupil, Method::Keyholder),
            &dir.path().join("x.khtransfer"),
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("Named person"), "{e}");
    assert!(!dir.path().join("x.khtransfer").exists());
    assert!(t.transfers().is_err());
}

fn out_of(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn the_commands_send_receive_and_confirm_a_transfer() {
    let dir = tempfile::tempdir().unwrap();
    let (sending, creds) = demo_school(&dir.path().join("sending"), small());
    let mut sender = creds.session;
    let data = sender.export().unwrap();
    let index = busiest(&data);
    let mis_id = data.pupils[index].mis_id.clone().unwrap();
    let email = creds.email.clone();
    drop(sender.lock());
    let mut theirs = data.clone();
    theirs.school.name = RECEIVING.into();
    without_upn(&mut theirs, index);
    let receiving = Location::new(dir.path().join("receiving.db"));
    let loaded = load_school(&receiving, &theirs, PASSWORD, "Transfer test").unwrap();
    let pw = dir.path().join("pw.txt");
    std::fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
    let send = command_as(
        "transfer",
        &sending,
        &email,
        demo_secret(&sending, &email),
        pw.clone(),
    );
    let receive = command_as(
        "transfer",
        &receiving,
        &loaded.admin,
        loaded.key.secret().to_vec(),
        pw,
    );

    let file = dir.path().join("move.khtransfer");
    let o = send(
        &[
            "send",
            "--pupil",
            &mis_id,
            "--to",
            RECEIVING,
            "--contact",
            "Ms R. Adeyemi",
            "--out",
            file.to_str().unwrap(),
        ],
        -1,
    );
    let text = out_of(&o);
    assert!(o.status.success(), "{text}");
    let reference = text
        .split_whitespace()
        .find(|w| w.starts_with("T-"))
        .unwrap()
        .to_string();
    let passphrase = text
        .lines()
        .skip_while(|l| !l.starts_with("Passphrase"))
        .nth(1)
        .unwrap()
        .trim()
        .to_string();
    assert_eq!(passphrase.split(' ').count(), 6, "{text}");
    let words = dir.path().join("words.txt");
    std::fs::write(&words, format!("{passphrase}\n")).unwrap();

    let receiving = [
        "receive",
        file.to_str().unwrap(),
        "--passphrase-file",
        words.to_str().unwrap(),
    ];
    let o = receive(&[&receiving[..], &["--dry-run"]].concat(), -1);
    let text = out_of(&o);
    assert!(o.status.success(), "{text}");
    assert!(text.contains("a new pupil record is made"), "{text}");
    assert!(
        text.contains("Nothing has been changed (--dry-run)."),
        "{text}"
    );
    let o = receive(&receiving, 0);
    let text = out_of(&o);
    assert!(o.status.success(), "{text}");
    let code_given = text
        .lines()
        .find(|l| l.starts_with("Receipt code"))
        .and_then(|l| l.rsplit(' ').next())
        .unwrap()
        .to_string();
    let o = receive(&receiving, 1);
    let text = out_of(&o);
    assert!(text.contains("was already received"), "{text}");
    assert!(text.contains(&code_given), "{text}");

    let o = send(&["confirm", &reference, "--receipt", &code_given], 0);
    let text = out_of(&o);
    assert!(o.status.success(), "{text}");
    assert!(text.contains("Confirmed: received"), "{text}");
    let o = send(&["list", "--json"], 1);
    let text = out_of(&o);
    assert!(o.status.success(), "{text}");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["sent"][0]["reference"], reference.as_str());
    assert_eq!(json["sent"][0]["state"], "confirmed");
    assert_eq!(json["sent"][0]["to"], RECEIVING);
}

#[test]
fn a_leaver_is_sent_with_only_the_categories_and_days_chosen_and_the_copies_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = schools(dir.path(), without_upn);
    let before = s.sender.open_pupil_profile(s.pupil).unwrap();
    // The pupil leaves: their form is archived, and they can still be sent.
    let form = s
        .sender
        .class_structure(keyholder::model::GroupType::RegistrationForm)
        .unwrap()
        .into_iter()
        .find(|g| g.pupils.iter().any(|p| p.id == s.pupil))
        .unwrap()
        .group
        .id;
    s.sender.archive_group_pupils(form).unwrap();
    let found = s.sender.pupils_to_transfer("").unwrap();
    assert!(
        found
            .iter()
            .any(|p| p.id == s.pupil && p.class.ends_with("left")),
        "a leaver is offered, marked as left"
    );

    // One category only, and only from the day of its latest incident.
    let chosen = before.incidents[0].category;
    let latest = before
        .incidents
        .iter()
        .filter(|i| i.category == chosen)
        .map(|i| i.occurred_at)
        .max()
        .unwrap();
    let from = Local
        .timestamp_opt(latest, 0)
        .single()
        .unwrap()
        .date_naive();
    let expected = before
        .incidents
        .iter()
        .filter(|i| i.category == chosen && i.occurred_at >= latest)
        .count();
    let mut r = request(s.pupil, Method::Keyholder);
    r.categories = vec![chosen];
    r.from = Some(from);
    let path = dir.path().join("narrow.khtransfer");
    let sent = s.sender.send_transfer(&r, &path).unwrap();
    assert_eq!(sent.incidents, expected);
    let (_, preview) = s.receiver.open_transfer(&path, &sent.passphrase).unwrap();
    assert_eq!(preview.incidents, expected);
    assert!(preview.included.contains("from "), "{}", preview.included);
    assert_eq!(preview.categories.len(), 1);

    // The kept chronology can be saved; the receipt prints.
    let kept = dir.path().join("kept.pdf");
    s.sender
        .save_kept_chronology(&sent.reference, &kept)
        .unwrap();
    let p = &s.data.pupils[s.index];
    assert!(pdf_text(&kept).contains(&p.surname));
    let receipt = receive(&mut s.receiver, &path, &sent.passphrase);
    let printed = dir.path().join("receipt.pdf");
    s.receiver
        .export_receipt_pdf(&receipt.reference, &printed)
        .unwrap();
    let text = pdf_text(&printed);
    assert!(text.contains(&receipt.code), "{text}");
    assert!(text.contains(&sent.reference), "{text}");
    assert!(text.contains(RECEIVING), "{text}");

    // A copy not kept is not there to save.
    let mut r = request(s.pupil, Method::Keyholder);
    r.keep_copy = false;
    let other = s
        .sender
        .send_transfer(&r, &dir.path().join("other.khtransfer"))
        .unwrap();
    let e = s
        .sender
        .save_kept_chronology(&other.reference, &dir.path().join("none.pdf"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("No copy of the chronology was kept"), "{e}");
}
