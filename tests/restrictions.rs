//! Restricted concerns through the service and the command line: the audit of restrictions and
//! of reads, staff named kept out, a lock changed only by those it is open to, the access
//! reports' explanation, and an export and a load keeping every restriction.

mod common;

use common::*;
use keyholder::model::restriction::{Readers, StaffInvolved};
use keyholder::model::{IncidentId, PupilId};
use keyholder::service::Session;
use keyholder::service::records::NewConcern;
use keyholder::service::restrictions::Restricting;
use keyholder::vault::Location;
use std::collections::BTreeSet;

fn audit(s: &Session) -> Vec<String> {
    s.recent_audit("", 100_000)
        .unwrap()
        .into_iter()
        .map(|e| format!("{}: {} [{} -> {}]", e.action, e.summary, e.before, e.after))
        .collect()
}

/// A concern about the first pupil the head may record about, restricted as given.
fn restricted_concern(head: &mut Session, r: Restricting) -> (IncidentId, PupilId) {
    let pupil = head.find_pupil_to_record("a").unwrap().remove(0).id;
    let category = head.categories_to_record().unwrap()[0].id;
    let recorded = head
        .record_concern(&NewConcern {
            pupil,
            category,
            occurred_at: now() - 600,
            description: "Disclosed something at lunch; shared with the DSL only.".into(),
            linked: Vec::new(),
            restriction: r,
        })
        .unwrap();
    (recorded.id, pupil)
}

fn slt_member(head: &Session) -> keyholder::model::User {
    head.users_list()
        .unwrap()
        .into_iter()
        .find(|r| r.group_name == "SLT" && r.user.id != head.me().user.id && r.user.active)
        .unwrap()
        .user
}

#[test]
fn a_restricted_concern_is_audited_when_set_changed_and_read() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let mut head = creds.session;
    let other = slt_member(&head);
    let (id, pupil) = restricted_concern(
        &mut head,
        Restricting {
            only: Some(Readers::default()),
            staff: Vec::new(),
        },
    );
    assert!(
        audit(&head)
            .iter()
            .any(|a| a.starts_with("Incident recorded") && a.contains("readable only by 0 people"))
    );
    // The head recorded it, so keeps it; the profile's view names it in the audit.
    let profile = head.open_pupil_profile(pupil).unwrap();
    let shown = profile.incidents.iter().find(|i| i.id == id).unwrap();
    assert!(shown.restriction.is_some());
    assert!(
        audit(&head)
            .iter()
            .any(|a| a.contains(&format!("including restricted incident {}", id.0)))
    );
    // Shared with one more person: before and after in the audit.
    head.restrict_incident(
        id,
        &Restricting {
            only: Some(Readers {
                users: BTreeSet::from([other.id]),
                groups: BTreeSet::new(),
            }),
            staff: Vec::new(),
        },
    )
    .unwrap();
    let changed = audit(&head)
        .into_iter()
        .find(|a| a.starts_with("Incident restriction changed"))
        .unwrap();
    assert!(changed.contains(&other.full_name()), "{changed}");
    let mut theirs = sign_in_demo_user(&location, &other.email);
    assert!(
        theirs
            .open_pupil_profile(pupil)
            .unwrap()
            .incidents
            .iter()
            .any(|i| i.id == id)
    );
    // Lifted: everyone the other rules allow reads it again.
    head.restrict_incident(id, &Restricting::default()).unwrap();
    assert!(
        head.open_pupil_profile(pupil)
            .unwrap()
            .incidents
            .iter()
            .find(|i| i.id == id)
            .unwrap()
            .restriction
            .is_none()
    );
}

#[test]
fn staff_named_are_kept_out_and_a_lock_is_changed_only_by_those_it_is_open_to() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let mut head = creds.session;
    let other = slt_member(&head);
    let (id, pupil) = restricted_concern(
        &mut head,
        Restricting {
            only: None,
            staff: vec![StaffInvolved {
                user: other.id,
                group_may_read: true,
            }],
        },
    );
    let mut theirs = sign_in_demo_user(&location, &other.email);
    assert!(
        !theirs
            .open_pupil_profile(pupil)
            .unwrap()
            .incidents
            .iter()
            .any(|i| i.id == id),
        "the member of staff it is about does not see it"
    );
    // Nor can they name themselves to get round it, or change it.
    assert!(
        theirs
            .restrict_incident(id, &Restricting::default())
            .is_err()
    );

    // The head locks a record to themselves: the other member of SLT sees none of its
    // incidents, and cannot unlock it.
    let me = head.me().user.id;
    let pupil = head
        .my_pupils("")
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .max_by_key(|p| {
            theirs
                .open_pupil_profile(*p)
                .map(|x| x.incidents.len())
                .unwrap_or(0)
        })
        .unwrap();
    let before_lock: Vec<IncidentId> = theirs
        .open_pupil_profile(pupil)
        .unwrap()
        .incidents
        .iter()
        .map(|i| i.id)
        .collect();
    assert!(!before_lock.is_empty());
    head.lock_record(
        pupil,
        Some(&Readers {
            users: BTreeSet::from([me]),
            groups: BTreeSet::new(),
        }),
    )
    .unwrap();
    let profile = head.open_pupil_profile(pupil).unwrap();
    assert!(profile.lock.is_some());
    let seen = theirs.open_pupil_profile(pupil).unwrap();
    assert!(seen.incidents.is_empty(), "{:?}", seen.incidents);
    assert!(
        seen.lock.is_none(),
        "the lock is not shown to those outside it"
    );
    assert!(theirs.lock_record(pupil, None).is_err());
    assert!(
        theirs
            .open_pupil_profile(pupil)
            .unwrap()
            .incidents
            .is_empty()
    );
    // The head's report on them explains it in counts the head may see.
    let report = head.what_user_can_see(other.id).unwrap();
    let line = report.pupils.iter().find(|p| p.pupil == pupil).unwrap();
    let said = line.restricted.clone().unwrap();
    assert!(
        said.starts_with("Restricted incidents: can read 0 of "),
        "{said}"
    );
    head.lock_record(pupil, None).unwrap();
    let after: Vec<IncidentId> = theirs
        .open_pupil_profile(pupil)
        .unwrap()
        .incidents
        .iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(after, before_lock);
}

#[test]
fn an_export_and_a_load_keep_every_restriction() {
    let dir = tempfile::tempdir().unwrap();
    let (_, creds) = demo_school(&dir.path().join("a"), small());
    let mut head = creds.session;
    let other = slt_member(&head);
    let (_, pupil) = restricted_concern(
        &mut head,
        Restricting {
            only: Some(Readers {
                users: BTreeSet::from([other.id]),
                groups: BTreeSet::new(),
            }),
            staff: Vec::new(),
        },
    );
    head.lock_record(
        pupil,
        Some(&Readers {
            users: BTreeSet::from([head.me().user.id, other.id]),
            groups: BTreeSet::new(),
        }),
    )
    .unwrap();
    let exported = head.export().unwrap();
    assert_eq!(exported.format_version, 5);
    assert_eq!(exported.restrictions.restricted_incidents.len(), 1);
    assert_eq!(exported.restrictions.locked_pupils.len(), 1);
    let copy = Location::new(dir.path().join("copy.db"));
    let mut again = load_and_sign_in(&copy, &exported, "Restrictions test");
    assert_eq!(
        again.export().unwrap().without_timestamps().restrictions,
        exported.without_timestamps().restrictions
    );
}
