//! `keyholder incidents add|list|action`: recording a concern as + Add Incident does (never
//! blocked by class restrictions, only by Add Incidents), reading a pupil's incidents as their
//! profile shows them (only what the signed-in person may read), and adding an action to one.

use super::Failure;
use super::categories::names_category;
use crate::model::restriction::StaffInvolved;
use crate::model::{IncidentId, Outcome};
use crate::service::Session;
use crate::service::alerts::AlertTo;
use crate::service::casework::NewAction;
use crate::service::records::{NewConcern, parse_date_time};
use crate::service::restrictions::Restricting;
use clap::Subcommand;
use std::path::PathBuf;

/// Largest description file read: far more than any description may hold.
const MAX_TEXT_FILE: u64 = 1024 * 1024;

#[derive(Debug, Subcommand)]
pub enum IncidentsCommand {
    /// Record a concern about a pupil. Needs Add new incident/action and Add Incidents in the
    /// category.
    #[command(
        after_help = "Example:\n  keyholder incidents add --pupil 1042 --category \"Behaviour/Against Peers\" \\\n      --occurred 2026-11-30 --time 10:15 --text-file concern.txt --alert SLT ...sign-in..."
    )]
    Add {
        /// The pupil's MIS ID.
        #[arg(long, value_name = "MIS_ID")]
        pupil: String,
        /// "Category" or "Category/Sub-category".
        #[arg(long, value_name = "CATEGORY")]
        category: String,
        /// The day it happened: 30/11/2026 or 2026-11-30.
        #[arg(long, value_name = "DATE")]
        occurred: String,
        /// The time it happened, hours:minutes (midday if not given).
        #[arg(long, value_name = "HH:MM", default_value = "12:00")]
        time: String,
        /// A text file holding what happened, in the words of the person recording it.
        #[arg(long, value_name = "FILE")]
        text_file: PathBuf,
        /// Alert this member of staff (by e-mail) or user group (by name) instead of the
        /// default groups; may be given more than once. Each sees it on their Dashboard at
        /// their next sign-in.
        #[arg(long, value_name = "EMAIL_OR_USER_GROUP")]
        alert: Vec<String>,
        /// Alert nobody (without --alert, the default groups are alerted, as on screen).
        #[arg(long, conflicts_with = "alert")]
        no_alert: bool,
        #[command(flatten)]
        restrict: RestrictArgs,
    },
    /// Change who may read an incident: --only restricts it to named people and user groups,
    /// --open lifts that, --about names staff it concerns (kept from them, and from their user
    /// group unless --their-group-may-read). Needs to read it, and to have recorded it or hold
    /// Edit incidents.
    #[command(
        after_help = "Example:\n  keyholder incidents restrict 14 --only head@school.example --only SLT ...sign-in...\n  keyholder incidents restrict 14 --open ...sign-in..."
    )]
    Restrict {
        /// The incident's number, as `incidents list` shows it.
        incident: i64,
        #[command(flatten)]
        restrict: RestrictArgs,
        /// Lift the restriction: everyone the class rule and the categories allow may read it.
        #[arg(long, conflicts_with = "only")]
        open: bool,
    },
    /// A pupil's incidents that you may read, newest first. Needs View student details and
    /// access to the pupil; the view is audited like opening the profile.
    #[command(
        after_help = "Example:\n  keyholder incidents list --pupil 1042 --json ...sign-in..."
    )]
    List {
        /// The pupil's MIS ID.
        #[arg(long, value_name = "MIS_ID")]
        pupil: String,
        /// Print the incidents as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Add an action to an incident (its number is in `incidents list`): what was done, by
    /// whom, when, and its outcome. Needs Add new incident/action and either Edit incidents or
    /// having recorded the incident, on a pupil whose profile you may open.
    #[command(
        after_help = "Example:\n  keyholder incidents action --incident 1 --outcome no-further-action \\\n      --text-file action.txt --why \"Explained at once; nothing else on record.\" ...sign-in..."
    )]
    Action {
        /// The incident's number, as `incidents list` shows it.
        #[arg(long, value_name = "NUMBER")]
        incident: i64,
        /// discussed-with-dsl, no-further-action, early-help, social-care-referral,
        /// lado-referral, police, monitoring or other.
        #[arg(long, value_name = "OUTCOME")]
        outcome: String,
        /// A text file saying what was done.
        #[arg(long, value_name = "FILE")]
        text_file: PathBuf,
        /// Why this outcome was decided (needed for no-further-action).
        #[arg(long, value_name = "TEXT", default_value = "")]
        why: String,
        /// Who did it, by e-mail address (you, if not given).
        #[arg(long, value_name = "EMAIL")]
        by: Option<String>,
        /// The day it was done: 30/11/2026, 2026-11-30 or today (the default).
        #[arg(long, value_name = "DATE", default_value = "today")]
        on: String,
        /// The time it was done, hours:minutes (now, if not given).
        #[arg(long, value_name = "HH:MM")]
        time: Option<String>,
    },
}

/// Who may read a concern, on the command line.
#[derive(Debug, clap::Args)]
pub struct RestrictArgs {
    /// Only this member of staff (by e-mail) or user group (by name) may read it; may be given
    /// more than once. Whoever recorded it always may.
    #[arg(long, value_name = "EMAIL_OR_USER_GROUP")]
    only: Vec<String>,
    /// A member of staff (by e-mail) the concern is about: they never read it, nor does their
    /// user group; may be given more than once.
    #[arg(long, value_name = "EMAIL")]
    about: Vec<String>,
    /// Let the user groups of the staff named with --about read it.
    #[arg(long, requires = "about")]
    their_group_may_read: bool,
}

impl RestrictArgs {
    fn restricting(&self, session: &Session) -> Result<Restricting, Failure> {
        let only = if self.only.is_empty() {
            None
        } else {
            Some(session.readers_named(&self.only)?)
        };
        let about = session.readers_named(&self.about)?;
        if !about.groups.is_empty() {
            return Err(Failure::refused(
                "--about names members of staff by e-mail, not user groups.",
            ));
        }
        Ok(Restricting {
            only,
            staff: about
                .users
                .into_iter()
                .map(|user| StaffInvolved {
                    user,
                    group_may_read: self.their_group_may_read,
                })
                .collect(),
        })
    }
}

/// The outcomes as the command line spells them.
fn outcome_names() -> String {
    Outcome::ALL
        .iter()
        .map(|o| o.key().replace('_', "-"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whom `--alert` names (e-mail addresses and user-group names), or the default groups.
fn alert_to(session: &Session, named: &[String], none: bool) -> Result<AlertTo, Failure> {
    let choices = session.alert_choices()?;
    if none {
        return Ok(AlertTo::default());
    }
    if named.is_empty() {
        return Ok(AlertTo {
            staff: Vec::new(),
            groups: choices.default_groups,
        });
    }
    let mut to = AlertTo::default();
    for n in named {
        let n = n.trim();
        if let Some(g) = choices
            .groups
            .iter()
            .find(|g| g.name.eq_ignore_ascii_case(n))
        {
            to.groups.push(g.id);
        } else if let Some(s) = choices
            .staff
            .iter()
            .find(|s| s.email.eq_ignore_ascii_case(n))
        {
            to.staff.push(s.id);
        } else {
            return Err(Failure::refused(format!(
                "\"{n}\" is neither the e-mail address of a member of staff who can sign in nor an active user group. Nothing has been recorded."
            )));
        }
    }
    Ok(to)
}

pub fn run(session: &mut Session, command: IncidentsCommand) -> Result<(), Failure> {
    match command {
        IncidentsCommand::Add {
            pupil,
            category,
            occurred,
            time,
            text_file,
            alert,
            no_alert,
            restrict,
        } => {
            let description =
                super::read_text_file(&text_file, MAX_TEXT_FILE, "a description file")?;
            let occurred_at = parse_date_time(&occurred, &time)?;
            let pupil = session.find_pupil_to_record_by_mis_id(&pupil)?;
            // Only the categories this person may record under can be named, as on screen.
            let chosen = session
                .categories_to_record()?
                .into_iter()
                .find(|c| names_category(&category, c.parent.as_deref(), &c.name))
                .ok_or_else(|| {
                    Failure::refused(format!(
                        "You cannot record under \"{category}\": there is no such category, or \
                         your user group does not have Add Incidents for it."
                    ))
                })?;
            let to = alert_to(session, &alert, no_alert)?;
            let recorded = session.record_and_alert(
                &NewConcern {
                    pupil: pupil.id,
                    category: chosen.id,
                    occurred_at,
                    description,
                    linked: Vec::new(),
                    restriction: restrict.restricting(session)?,
                },
                &to,
            )?;
            say!(
                "Concern recorded about {} ({}) under {category}.{}",
                pupil.display_name(false),
                pupil.class,
                if recorded.readable {
                    ""
                } else {
                    " You cannot read it back: your user group does not have View Incidents for that category."
                }
            );
            if recorded.alerted > 0 {
                say!(
                    "{} alerted; they will see it on their Dashboard when they next sign in.",
                    crate::model::names::count(recorded.alerted, "person", "people")
                );
            }
            Ok(())
        }
        IncidentsCommand::Restrict {
            incident,
            restrict,
            open,
        } => {
            let mut r = restrict.restricting(session)?;
            if open {
                r.only = None;
            } else if r.only.is_none() && r.staff.is_empty() {
                return Err(Failure::refused(
                    "Say who may read it with --only (or --open to lift a restriction), or whom it is about with --about.",
                ));
            }
            let profile = session.restrict_incident(IncidentId(incident), &r)?;
            let text = profile
                .incidents
                .iter()
                .find(|i| i.id == IncidentId(incident))
                .and_then(|i| i.restriction.clone())
                .unwrap_or_else(|| {
                    "Anyone the class rule and the categories allow may read it".into()
                });
            say!("Incident {incident}: {text}.");
            Ok(())
        }
        IncidentsCommand::List { pupil, json } => {
            let profile = session.open_pupil_profile_by_mis_id(&pupil)?;
            if json {
                let list: Vec<serde_json::Value> = profile
                    .incidents
                    .iter()
                    .map(|i| {
                        serde_json::json!({
                            "number": i.id.0,
                            "category": i.category_label,
                            "occurred_at": crate::clock::format_local(i.occurred_at),
                            "recorded_by": i.recorded_by,
                            "recorded_at": crate::clock::format_local(i.recorded_at),
                            "description": i.description,
                            "edited": !i.earlier.is_empty(),
                            "restricted": i.restriction,
                            "received": i.received.as_ref().map(|r| r.describe()),
                            "actions": i.actions.iter().map(|a| serde_json::json!({
                                "taken_at": crate::clock::format_local(a.taken_at),
                                "taken_by": a.taken_by.name,
                                "outcome": a.outcome.key(),
                                "description": a.description,
                                "rationale": a.rationale,
                            })).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                say!("{}", serde_json::Value::Array(list));
                return Ok(());
            }
            say!(
                "{} {}: {}",
                profile.pupil.forename,
                profile.pupil.surname,
                crate::model::names::count(profile.incidents.len(), "incident", "incidents")
            );
            for i in &profile.incidents {
                say!();
                say!(
                    "{}  {}  (number {}, recorded by {})",
                    crate::clock::format_local(i.occurred_at),
                    i.category_label,
                    i.id.0,
                    i.recorded_by
                );
                for line in i.description.lines() {
                    say!("    {line}");
                }
                if let Some(r) = &i.restriction {
                    say!("    Restricted. {r}.");
                }
                for a in &i.actions {
                    say!(
                        "    {}  Action: {} (by {})",
                        crate::clock::format_local(a.taken_at),
                        a.outcome.label(),
                        a.taken_by.name
                    );
                    for line in a.description.lines() {
                        say!("        {line}");
                    }
                    if !a.rationale.is_empty() {
                        say!("        Why: {}", a.rationale);
                    }
                }
            }
            Ok(())
        }
        IncidentsCommand::Action {
            incident,
            outcome,
            text_file,
            why,
            by,
            on,
            time,
        } => {
            let outcome = Outcome::from_key(&outcome).ok_or_else(|| {
                Failure::refused(format!(
                    "\"{outcome}\" is not an outcome Keyholder knows. Use one of: {}.",
                    outcome_names()
                ))
            })?;
            let description =
                super::read_text_file(&text_file, MAX_TEXT_FILE, "a description file")?;
            let taken_at = match (on.trim().eq_ignore_ascii_case("today"), &time) {
                (true, None) => crate::clock::now(),
                (true, Some(t)) => parse_date_time(&super::casework::today_text(), t)?,
                (false, t) => parse_date_time(&on, t.as_deref().unwrap_or("12:00"))?,
            };
            let taken_by = match by {
                None => session.me().user.id,
                Some(email) => session
                    .staff_to_name()?
                    .into_iter()
                    .find(|s| s.email.eq_ignore_ascii_case(email.trim()))
                    .map(|s| s.id)
                    .ok_or_else(|| {
                        Failure::refused(format!(
                            "No active member of staff has the e-mail address {email}."
                        ))
                    })?,
            };
            let profile = session.add_action(
                IncidentId(incident),
                &NewAction {
                    taken_at,
                    taken_by,
                    outcome,
                    description,
                    rationale: why,
                },
            )?;
            say!(
                "Action ({}) added to incident {incident} about {}.",
                outcome.label(),
                profile.pupil.full_name()
            );
            Ok(())
        }
    }
}
