//! `keyholder access`: the pupils on roll with whether a user can see them, and why not (every
//! pupil for an administrator; only those in your own lists for anyone else).

use super::Failure;
use crate::service::Session;
use crate::service::access::{Reach, UserAccessReport};

/// Prints the report for the signed-in user, or for `other` (which needs Manage system).
pub fn run(session: &Session, other: Option<&str>, json: bool) -> Result<(), Failure> {
    let user = match other {
        Some(email) => super::users::find(session, email)?,
        None => session.me().user.id,
    };
    let report = session.what_user_can_see(user)?;
    if json {
        say!("{}", to_json(&report));
    } else {
        print_text(&report)?;
    }
    Ok(())
}

fn to_json(r: &UserAccessReport) -> serde_json::Value {
    serde_json::json!({
        "format_version": 1,
        "user": r.email,
        "name": r.name,
        "user_group": r.group,
        "soft_key": r.key.label(),
        "can_record_concerns": r.can_record,
        "record_reasons": r.record_reasons,
        "hidden_pupils_listed": !r.hidden_left_out,
        "pupils": r.pupils.iter().map(|p| serde_json::json!({
            "forename": p.forename,
            "surname": p.surname,
            "groups": p.class,
            "in_lists": p.in_lists,
            "profile": p.profile,
            "reasons": p.reasons,
            "restricted_incidents": p.restricted,
        })).collect::<Vec<_>>(),
    })
}

fn print_text(r: &UserAccessReport) -> Result<(), Failure> {
    let in_lists = r.pupils.iter().filter(|p| p.in_lists).count();
    let profiles = r.pupils.iter().filter(|p| p.profile).count();
    if r.hidden_left_out {
        say!(
            "{} ({}), soft key {}: {in_lists} pupils in lists, {profiles} profiles. Pupils you cannot see are not listed; an administrator's report shows them.",
            r.name,
            r.group,
            r.key.label(),
        );
    } else {
        say!(
            "{} ({}), soft key {}: {in_lists} of {} pupils in lists, {profiles} profiles.",
            r.name,
            r.group,
            r.key.label(),
            r.pupils.len(),
        );
    }
    if r.can_record {
        say!("Can record a concern about any pupil.");
    } else {
        say!("Cannot record concerns: {}.", r.record_reasons.join("; "));
    }
    for p in &r.pupils {
        let mark = match p.reach {
            Reach::Profile => "profile",
            Reach::ListOnly => "lists  ",
            Reach::Hidden => "hidden ",
        };
        let name = p.display_name(false);
        let why: Vec<&str> = p
            .reasons
            .iter()
            .chain(&p.restricted)
            .map(String::as_str)
            .collect();
        if why.is_empty() {
            say!("{mark}  {name} ({})", p.class);
        } else {
            say!("{mark}  {name} ({}): {}", p.class, why.join("; "));
        }
    }
    Ok(())
}
