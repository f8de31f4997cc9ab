//! The Dashboard and Reports through the screens: after sign-in a member of staff sees the alert
//! waiting for them, opens the pupil's profile from it and marks it read; Remind Me; a report
//! with its chart and table.

mod common;

use common::ui::*;
use common::{demo_secret, level_of, small};
use keyholder::service::alerts::AlertTo;
use keyholder::service::records::NewConcern;
use keyholder::ui::app::{App, Screen};
use keyholder::ui::screen::{dashboard, home, pupils};

fn home(app: &App) -> &home::Home {
    match &app.screen {
        Screen::Home(h) => h,
        _ => panic!("not signed in"),
    }
}

#[test]
fn after_sign_in_the_dashboard_shows_the_alert_which_opens_the_profile_and_is_marked_read() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut creds) = common::demo_school(dir.path(), small());
    let admin = &mut creds.session;
    let data = admin.export().unwrap();
    // A teacher of Year 1 and a Year 1 pupil.
    let teacher = data
        .users
        .iter()
        .find(|u| {
            u.user_group == "Teachers"
                && data
                    .groups
                    .iter()
                    .any(|g| g.name == "Year 1" && g.access.contains(&u.email))
        })
        .unwrap()
        .email
        .clone();
    let pupil_data = data
        .pupils
        .iter()
        .find(|p| level_of(p) == "Year 1")
        .unwrap();
    let pupil = admin
        .find_pupil_to_record_by_mis_id(pupil_data.mis_id.as_deref().unwrap())
        .unwrap();
    let behaviour = admin
        .categories_to_record()
        .unwrap()
        .into_iter()
        .find(|c| c.label == "Behaviour")
        .unwrap()
        .id;
    let teacher_id = admin
        .users_list()
        .unwrap()
        .into_iter()
        .find(|r| r.user.email == teacher)
        .unwrap()
        .user
        .id;
    admin
        .record_and_alert(
            &NewConcern {
                pupil: pupil.id,
                category: behaviour,
                occurred_at: common::now() - 600,
                description: "Said someone at home frightens them.".into(),
                linked: Vec::new(),
                restriction: Default::default(),
            },
            &AlertTo {
                staff: vec![teacher_id],
                groups: Vec::new(),
            },
        )
        .unwrap();
    drop(creds.session);

    let mut app = start(location.clone());
    sign_in_through_screens(&mut app, &teacher, &demo_secret(&location, &teacher));
    assert_eq!(
        home(&app).tab,
        home::Tab::Dashboard,
        "the Dashboard comes first"
    );
    assert!(shows(&app, "Alerts: 1 new"));
    let name = pupil.display_name(false);
    assert!(shows(&app, &format!("{name} ({}): Behaviour", pupil.class)));

    click(&mut app, "Open profile");
    assert_eq!(home(&app).tab, home::Tab::Pupils);
    assert_eq!(
        home(&app).pupils_tab().map(|p| p.page()),
        Some(pupils::Page::Profile)
    );
    assert!(shows(&app, "Said someone at home frightens them."));

    click(&mut app, "Dashboard");
    click(&mut app, "Mark as read");
    assert!(shows(&app, "No new alerts."));
    let alerts = home(&app).dashboard_tab().unwrap().alerts().to_vec();
    assert_eq!(alerts.len(), 1);
    assert!(alerts[0].read);
    // Saved, not just shown: the service says so too.
    assert_eq!(
        app.session.as_ref().unwrap().dashboard().unwrap().unread(),
        0
    );

    // Remind Me from the header: a reminder for today.
    click(&mut app, "Remind Me");
    type_into(
        &mut app,
        dashboard::REMINDER_NOTE,
        "Ask the office for the new address",
    );
    click(&mut app, "Add reminder");
    assert!(shows(&app, "Reminder added."));
    assert!(shows(&app, "Ask the office for the new address"));
    click(&mut app, "Done");
    assert!(!shows(&app, "Ask the office for the new address"));
}

#[test]
fn a_report_shows_its_chart_and_table() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    drop(creds.session);
    click(&mut app, "Reports");
    click(&mut app, "Run report");
    let report = home(&app)
        .reports_tab()
        .and_then(|r| r.report.clone())
        .expect("a report");
    assert!(shows(&app, &report.title));
    assert!(shows(&app, "Category"));
    assert!(shows(&app, "Total"));
    let counted = format!(
        "{} counted.",
        keyholder::model::names::count(report.table.total as usize, "incident", "incidents")
    );
    assert!(shows(&app, &counted), "{counted}");
    // The administrator of the demo sees every incident of this school year.
    let all = app.session.as_ref().unwrap().overview().unwrap().incidents;
    assert!(report.table.total as usize <= all && report.table.total > 0);
}

#[test]
fn actions_by_outcome_lists_referrals_and_writes_a_pdf_from_the_reports_tab() {
    use keyholder::model::report::ReportKind;
    use keyholder::ui::app::Message;
    use keyholder::ui::screen::reports;
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    drop(creds.session);
    let to_reports = |m| Message::Home(home::Message::Reports(m));
    click(&mut app, "Reports");
    assert!(shows(&app, "Categories: all you may read"));
    send(
        &mut app,
        [to_reports(reports::Message::Kind(ReportKind::OpenStatuses))],
    );
    assert!(
        !shows(&app, "Categories: all you may read"),
        "statuses belong to no category, so none are offered"
    );
    send(
        &mut app,
        [to_reports(reports::Message::Kind(
            ReportKind::ActionsByOutcome,
        ))],
    );
    click(&mut app, "Run report");
    let report = home(&app)
        .reports_tab()
        .and_then(|r| r.report.clone())
        .expect("a report");
    assert_eq!(report.spec.kind, ReportKind::ActionsByOutcome);
    assert!(shows(&app, "Outcome"));
    assert!(shows(&app, "Referrals and what came of them"));
    // The demo's story has a referral to children's social care this term.
    let first = report.referrals.first().expect("the demo has a referral");
    assert!(shows(
        &app,
        &format!(
            "{}: {} ({})",
            first.referred_on.format("%-d %b %Y"),
            first.pupil.display_name(false),
            first.pupil.class
        )
    ));
    assert!(shows(
        &app,
        &ReportKind::ActionsByOutcome.counted(report.table.total)
    ));

    // Export PDF… asks where; the answer writes the file and says so.
    let pdf = dir.path().join("referrals.pdf");
    send(
        &mut app,
        [to_reports(reports::Message::PdfChosen(Some(pdf.clone())))],
    );
    assert!(
        shows(&app, "The report has been written to"),
        "the person is told"
    );
    let text = common::pdf_text(&pdf);
    assert!(text.contains(&first.pupil.surname), "{text}");
    assert!(text.contains("Referrals and what came of them"));
}
