//! User groups, their permission grids, and categories, through the service.

mod common;

use common::*;
use keyholder::model::{CategoryPermission, SystemPermission, SystemPermissions};
use keyholder::service::Session;

fn group(s: &Session, name: &str) -> keyholder::service::user_groups::UserGroupRow {
    s.user_group_rows()
        .unwrap()
        .into_iter()
        .find(|g| g.group.name == name)
        .unwrap()
}

fn category(s: &Session, name: &str) -> keyholder::model::CategoryId {
    s.categories()
        .unwrap()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap()
        .id
}

#[test]
fn the_list_counts_members_and_those_without_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let (_l, creds) = demo_school(dir.path(), small());
    let s = creds.session;
    let office = group(&s, "Office");
    assert_eq!(office.members, 1);
    assert_eq!(
        office.members_without_key, 1,
        "office staff have no key in the demo"
    );
    assert!(group(&s, "SLT").has_administration());
    assert!(!group(&s, "Teachers").has_administration());
}

#[test]
fn saving_a_group_records_every_permission_added_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (_l, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    let t = group(&s, "Teachers").group;
    let mut system = t.system;
    system.set(SystemPermission::RunReports, true);
    system.set(SystemPermission::AddPublicEvents, false);
    let mut grid = t.categories.clone();
    let neglect = category(&s, "Neglect Related");
    grid.set(neglect, CategoryPermission::ViewIncidents, true);
    s.save_user_group(t.id, "Class Teachers", true, system, &grid)
        .unwrap();
    let saved = group(&s, "Class Teachers").group;
    assert_eq!(saved.system, system);
    assert_eq!(saved.categories, grid);
    let e = &s.recent_audit("User group", 1).unwrap()[0];
    assert!(e.after.contains("Run reports"), "{e:?}");
    assert!(
        e.after
            .contains("Cause for Concern — Neglect Related: View Incidents"),
        "{e:?}"
    );
    assert!(e.before.contains("Add public events"), "{e:?}");
    assert!(e.before.contains("name Teachers") && e.after.contains("name Class Teachers"));
}

#[test]
fn a_save_that_would_leave_nobody_in_charge_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_l, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    let slt = group(&s, "SLT").group;
    let mut without = slt.system;
    without.set(SystemPermission::ManageSystem, false);
    let e = s
        .save_user_group(slt.id, "SLT", true, without, &slt.categories)
        .unwrap_err();
    assert!(e.to_string().contains("nobody able to manage"), "{e}");
    let e = s
        .save_user_group(slt.id, "SLT", false, slt.system, &slt.categories)
        .unwrap_err();
    assert!(e.to_string().contains("nobody able to manage"), "{e}");
    assert!(group(&s, "SLT").group.active);
}

#[test]
fn an_inactive_group_stops_its_members_signing_in() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    let office = group(&s, "Office").group;
    let member = member_of(&s, "Office");
    s.save_user_group(
        office.id,
        "Office",
        false,
        office.system,
        &office.categories,
    )
    .unwrap();
    let e = keyholder::service::sign_in(&location, &member.email, PASSWORD).unwrap_err();
    assert!(e.to_string().contains("inactive"), "{e}");
}

#[test]
fn new_groups_start_empty_and_only_empty_groups_can_be_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let (_l, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    assert!(
        s.create_user_group("slt")
            .unwrap_err()
            .to_string()
            .contains("already")
    );
    let id = s.create_user_group("Governors").unwrap();
    let g = group(&s, "Governors").group;
    assert_eq!(g.system, SystemPermissions::none());
    assert_eq!(g.categories.iter().count(), 0);
    assert!(
        s.delete_user_group(group(&s, "Office").group.id)
            .unwrap_err()
            .to_string()
            .contains("cannot be deleted")
    );
    s.delete_user_group(id).unwrap();
    assert!(
        s.user_group_rows()
            .unwrap()
            .iter()
            .all(|g| g.group.name != "Governors")
    );
}

#[test]
fn a_new_sub_category_is_ticked_where_its_parent_is() {
    let dir = tempfile::tempdir().unwrap();
    let (_l, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    let behaviour = category(&s, "Behaviour");
    let online = s.create_category(Some(behaviour), "Online").unwrap();
    // Teachers have everything on Behaviour: they get it on the new sub-category too.
    let teachers = group(&s, "Teachers").group;
    assert_eq!(
        teachers.categories.grant(online),
        teachers.categories.grant(behaviour)
    );
    assert!(
        teachers
            .categories
            .allows(online, CategoryPermission::ViewIncidents)
    );
    // Office staff may only add under Behaviour: the same on the new one.
    let office = group(&s, "Office").group;
    assert!(
        office
            .categories
            .allows(online, CategoryPermission::AddIncidents)
    );
    assert!(
        !office
            .categories
            .allows(online, CategoryPermission::ViewIncidents)
    );
    // A new top-level category starts with nothing ticked anywhere.
    let bullying = s.create_category(None, "Bullying").unwrap();
    assert!(
        s.user_group_rows()
            .unwrap()
            .iter()
            .all(|g| g.group.categories.grant(bullying).is_empty())
    );
    assert!(
        s.create_category(Some(online), "Deeper").is_err(),
        "only two levels"
    );
}

#[test]
fn categories_are_renamed_reordered_and_archived_keeping_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let (_l, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    let attendance = category(&s, "Attendance");
    let order = |s: &Session| -> Vec<String> {
        keyholder::model::category::tree_order(&s.categories().unwrap())
            .iter()
            .filter(|c| c.parent.is_none())
            .map(|c| c.name.clone())
            .collect()
    };
    assert_eq!(order(&s), ["Attendance", "Behaviour", "Cause for Concern"]);
    s.move_category(attendance, false).unwrap();
    assert_eq!(order(&s), ["Behaviour", "Attendance", "Cause for Concern"]);
    s.rename_category(attendance, "Attendance and Punctuality")
        .unwrap();
    assert!(s.rename_category(attendance, "behaviour").is_err());
    let before = group(&s, "SLT").group.categories.grant(attendance);
    s.set_category_archived(attendance, true).unwrap();
    assert!(
        s.categories()
            .unwrap()
            .iter()
            .find(|c| c.id == attendance)
            .unwrap()
            .archived
    );
    assert_eq!(
        group(&s, "SLT").group.categories.grant(attendance),
        before,
        "permissions kept"
    );
}
