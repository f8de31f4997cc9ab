//! The Groups tab's operations through the service layer: restriction, groups, access lists.

mod common;

use common::*;
use keyholder::model::{GroupType, UserId};
use keyholder::service::{self, Session, SignInStep};
use std::collections::BTreeSet;

fn admin(dir: &std::path::Path) -> (keyholder::vault::Location, Session) {
    let (location, creds) = demo_school(dir, small());
    (location, creds.session)
}

fn summary(s: &Session, t: GroupType) -> service::groups::GroupTypeSummary {
    s.groups_tab()
        .unwrap()
        .into_iter()
        .find(|g| g.group_type == t)
        .unwrap()
}

#[test]
fn the_tab_lists_each_type_with_counts() {
    let dir = tempfile::tempdir().unwrap();
    let (_l, s) = admin(dir.path());
    let levels = summary(&s, GroupType::AcademicLevel);
    assert!(levels.restricted);
    assert_eq!(levels.groups.len(), 7);
    assert_eq!(levels.groups.iter().map(|g| g.pupils).sum::<usize>(), 42);
    assert!(
        levels
            .groups
            .iter()
            .all(|g| g.can_see.is_some_and(|n| n > 0))
    );
    let houses = summary(&s, GroupType::House);
    assert!(!houses.restricted);
    assert!(
        houses.groups.iter().all(|g| g.can_see.is_none()),
        "no count while not restricted"
    );
    // The demo's recent arrivals have no House yet.
    assert_eq!(
        houses.pupils_without_group.len(),
        42 / keyholder::service::demo::NEW_ARRIVAL_EVERY
    );
}

#[test]
fn restricting_a_type_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let (_l, mut s) = admin(dir.path());
    s.set_restricted(GroupType::House, true).unwrap();
    assert!(summary(&s, GroupType::House).restricted);
    let e = s.recent_audit("Houses", 5).unwrap();
    assert_eq!(e[0].summary, "Access restricted by Houses");
    s.set_restricted(GroupType::House, false).unwrap();
    assert!(!summary(&s, GroupType::House).restricted);
    // Setting it to what it already is changes nothing and writes nothing.
    let n = s.recent_audit("", 1000).unwrap().len();
    s.set_restricted(GroupType::House, false).unwrap();
    assert_eq!(s.recent_audit("", 1000).unwrap().len(), n);
}

#[test]
fn new_groups_need_a_unique_name_and_mis_id_within_their_type() {
    let dir = tempfile::tempdir().unwrap();
    let (_l, mut s) = admin(dir.path());
    let e = s.create_group(GroupType::House, "   ", "").unwrap_err();
    assert!(e.to_string().contains("give the group a name"));
    let e = s.create_group(GroupType::House, "ash", "").unwrap_err();
    assert!(
        e.to_string()
            .contains("already a group called \"Ash\" among the Houses"),
        "{e}"
    );
    let e = s
        .create_group(GroupType::House, "Elm", "101-01")
        .unwrap_err();
    assert!(e.to_string().contains("already has MIS ID 101-01"), "{e}");
    // The same name in another type is fine.
    s.create_group(GroupType::RegistrationForm, "Ash", "")
        .unwrap();
    let id = s.create_group(GroupType::House, "Elm", "101-05").unwrap();
    let houses = summary(&s, GroupType::House);
    let elm = houses.groups.iter().find(|g| g.group.id == id).unwrap();
    assert_eq!(elm.group.mis_id.as_deref(), Some("101-05"));
    assert!(!elm.group.is_new);
    assert_eq!(elm.pupils, 0);
}

#[test]
fn rename_and_mis_id_edits_check_for_clashes() {
    let dir = tempfile::tempdir().unwrap();
    let (_l, mut s) = admin(dir.path());
    let houses = summary(&s, GroupType::House);
    let ash = houses.groups[0].group.id;
    assert!(s.rename_group(ash, "Beech").is_err());
    s.rename_group(ash, "Alder").unwrap();
    assert!(s.set_group_mis_id(ash, "101-02").is_err());
    s.set_group_mis_id(ash, "101-99").unwrap();
    let g = summary(&s, GroupType::House)
        .groups
        .into_iter()
        .find(|g| g.group.id == ash)
        .unwrap();
    assert_eq!(
        (g.group.name.as_str(), g.group.mis_id.as_deref()),
        ("Alder", Some("101-99"))
    );
    let entry = &s.recent_audit("renamed", 1).unwrap()[0];
    assert_eq!(
        (entry.before.as_str(), entry.after.as_str()),
        ("Ash", "Alder")
    );
}

#[test]
fn archive_all_keeps_the_pupils_and_remove_needs_an_empty_group() {
    let dir = tempfile::tempdir().unwrap();
    let (_l, mut s) = admin(dir.path());
    let year6 = summary(&s, GroupType::AcademicLevel)
        .groups
        .into_iter()
        .find(|g| g.group.name == "Year 6")
        .unwrap();
    let before = year6.pupils;
    assert!(before > 0);
    let e = s.remove_group(year6.group.id).unwrap_err();
    assert!(e.to_string().contains("cannot be removed"), "{e}");
    assert_eq!(s.archive_group_pupils(year6.group.id).unwrap(), before);
    let after = summary(&s, GroupType::AcademicLevel)
        .groups
        .into_iter()
        .find(|g| g.group.name == "Year 6")
        .unwrap();
    assert_eq!((after.pupils, after.archived_pupils), (0, before));
    // Archived pupils still belong to it, so it still cannot be removed.
    assert!(s.remove_group(year6.group.id).is_err());
    let empty = s
        .create_group(GroupType::AcademicLevel, "Year 7", "")
        .unwrap();
    s.remove_group(empty).unwrap();
    assert!(
        summary(&s, GroupType::AcademicLevel)
            .groups
            .iter()
            .all(|g| g.group.id != empty)
    );
}

#[test]
fn saving_an_access_list_records_who_was_added_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (_l, mut s) = admin(dir.path());
    let year1 = summary(&s, GroupType::AcademicLevel).groups[1]
        .group
        .clone();
    assert_eq!(year1.name, "Year 1");
    let editor = s.access_editor(year1.id).unwrap();
    assert_eq!(editor.users.len(), 12);
    assert!(
        editor.users.iter().any(|u| u.senior_key_holder),
        "SLT members are senior key holders"
    );
    let mut list: BTreeSet<UserId> = editor.on_list.clone();
    let outsider = editor
        .users
        .iter()
        .find(|u| !list.contains(&u.user.id))
        .unwrap()
        .user
        .clone();
    let insider = *list.iter().next().unwrap();
    list.insert(outsider.id);
    list.remove(&insider);
    let change = s.save_access_list(year1.id, &list).unwrap();
    assert_eq!(change.added, vec![outsider.full_name()]);
    assert_eq!(change.removed.len(), 1);
    assert_eq!(s.access_editor(year1.id).unwrap().on_list, list);
    let entry = &s.recent_audit("Access list of Year 1", 1).unwrap()[0];
    assert!(entry.after.contains(&outsider.full_name()), "{entry:?}");
    assert!(entry.summary.contains("1 added, 1 removed"));
    // Saving the same list again is not a change.
    let n = s.recent_audit("", 1000).unwrap().len();
    let none = s.save_access_list(year1.id, &list).unwrap();
    assert!(none.added.is_empty() && none.removed.is_empty());
    assert_eq!(s.recent_audit("", 1000).unwrap().len(), n);
}

#[test]
fn only_administrators_manage_groups() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut creds) = demo_school(dir.path(), small());
    let data = creds.session.export().unwrap();
    let office = data
        .users
        .iter()
        .find(|u| u.user_group == "Office")
        .unwrap();
    let SignInStep::SignedIn(mut s) = service::sign_in(&location, &office.email, PASSWORD).unwrap()
    else {
        panic!("office staff have no key");
    };
    assert!(s.groups_tab().is_err());
    assert!(s.set_restricted(GroupType::House, true).is_err());
    assert!(s.create_group(GroupType::House, "Elm", "").is_err());
}
