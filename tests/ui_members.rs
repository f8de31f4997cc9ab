//! Moving staff between user groups: the service's rules, and the members page driven as a
//! person would (the same dual list as the class editor, with its own ids).

mod common;

use common::ui::*;
use common::*;
use keyholder::model::UserId;
use keyholder::model::dual_list::Side;
use keyholder::service::audit_trail::TrailCheck;
use keyholder::ui::app::{App, Screen};
use keyholder::ui::screen::members::{LABELS, Members};
use std::collections::BTreeSet;

fn ids(list: &[UserId]) -> BTreeSet<UserId> {
    list.iter().copied().collect()
}

#[test]
fn members_move_in_and_out_as_one_audited_change_needing_a_destination() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    let teachers = user_group(&s, "Teachers").id;
    let office = user_group(&s, "Office").id;
    let newcomer = member_of(&s, "Office");
    let leaver = member_of(&s, "Teachers");
    let entries_before = s.recent_audit("", 1000).unwrap().len();

    // Taking someone out needs somewhere for them to go; nothing is saved without it.
    let refused = s
        .change_members(teachers, &ids(&[newcomer.id]), &ids(&[leaver.id]), None)
        .unwrap_err()
        .to_string();
    assert!(refused.contains("Choose the user group"), "{refused}");
    assert!(
        !s.membership(teachers)
            .unwrap()
            .members
            .contains(&newcomer.id)
    );

    let change = s
        .change_members(
            teachers,
            &ids(&[newcomer.id]),
            &ids(&[leaver.id]),
            Some(office),
        )
        .unwrap();
    assert_eq!(change.added, vec![newcomer.full_name()]);
    assert_eq!(change.removed, vec![leaver.full_name()]);
    let m = s.membership(teachers).unwrap();
    assert!(m.members.contains(&newcomer.id) && !m.members.contains(&leaver.id));
    assert!(s.membership(office).unwrap().members.contains(&leaver.id));
    let entries = s.recent_audit("", 1000).unwrap();
    assert_eq!(entries.len(), entries_before + 1, "one audit entry");
    assert!(
        entries[0].summary.contains(&newcomer.full_name()),
        "{:?}",
        entries[0]
    );
    assert!(
        s.check_audit_trail(&TrailCheck::default())
            .unwrap()
            .is_sound()
    );

    // Asked again, nothing is left to do: what is already true is not written twice.
    let again = s
        .change_members(teachers, &ids(&[newcomer.id]), &BTreeSet::new(), None)
        .unwrap();
    assert!(again.added.is_empty() && again.removed.is_empty());
    assert_eq!(s.recent_audit("", 1000).unwrap().len(), entries_before + 1);
}

#[test]
fn the_last_administrators_cannot_all_be_moved_out() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    let slt = user_group(&s, "SLT");
    let office = user_group(&s, "Office").id;
    let all_of_slt = s.membership(slt.id).unwrap().members;
    let refused = s
        .change_members(slt.id, &BTreeSet::new(), &all_of_slt, Some(office))
        .unwrap_err()
        .to_string();
    assert!(refused.contains("nobody could run Keyholder"), "{refused}");
    assert_eq!(s.membership(slt.id).unwrap().members, all_of_slt);
}

fn members_page(app: &App) -> &Members {
    let Screen::Home(h) = &app.screen else {
        panic!("home")
    };
    h.users_tab()
        .and_then(|u| u.group_editor())
        .and_then(|g| g.membership())
        .expect("the members page is open")
}

#[test]
fn the_members_page_moves_staff_with_the_filter_and_arrows_and_saves() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    let newcomer = member_of(&creds.session, "Office");
    drop(creds.session);
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    click(&mut app, "Users");
    click_last(&mut app, "Teachers");
    click(&mut app, "Change members");
    assert!(shows(&app, "Everyone else") && shows(&app, "Members"));
    let before = members_page(&app).transfer().total(Side::Right);

    type_into(&mut app, LABELS.filters[0], &newcomer.surname);
    let shown = members_page(&app).transfer().visible(Side::Left).to_vec();
    assert!(shown.contains(&newcomer.id), "the filter finds them");
    // A click selects them; the single arrow moves the selection to Members.
    click(&mut app, &format!("{} (Office)", newcomer.full_name()));
    assert!(
        members_page(&app)
            .transfer()
            .is_selected(Side::Left, newcomer.id)
    );
    click(&mut app, "→");
    let t = members_page(&app).transfer();
    assert_eq!(t.side_of(newcomer.id), Some(Side::Right));
    assert_eq!(t.total(Side::Right), before + 1);
    // The keys work as in the class editor: Enter moves the selection back, and again across.
    press(&mut app, iced::keyboard::key::Named::Enter);
    assert_eq!(
        members_page(&app).transfer().side_of(newcomer.id),
        Some(Side::Left)
    );
    press(&mut app, iced::keyboard::key::Named::Enter);
    assert_eq!(
        members_page(&app).transfer().side_of(newcomer.id),
        Some(Side::Right)
    );

    click(&mut app, "Save Members");
    assert!(
        shows(&app, "Saved: added"),
        "the notice says what was saved"
    );
    let session = app.session.as_ref().unwrap();
    let teachers = user_group(session, "Teachers").id;
    assert!(
        session
            .membership(teachers)
            .unwrap()
            .members
            .contains(&newcomer.id)
    );
    click(&mut app, "Back to the user group");
    assert!(shows(&app, "User Group Information"));
}
