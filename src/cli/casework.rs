//! `keyholder pupils status …` (a pupil's statuses) and `keyholder chronology` (a pupil's
//! chronology as text, JSON or a PDF). Both read the pupil as their profile does: only pupils
//! whose profile the signed-in person may open, only categories they may view.

use super::Failure;
use super::categories::names_category;
use crate::model::StatusKind;
use crate::model::casework::ChronologyFilter;
use crate::service::Session;
use crate::service::casework::{Chronology, Entry, NewStatus, day_text};
use crate::service::records::parse_day;
use clap::Subcommand;
use std::path::PathBuf;

/// `keyholder chronology --json`'s format; see docs/chronology-format.md.
const CHRONOLOGY_FORMAT: u32 = 1;

#[derive(Debug, Subcommand)]
pub enum PupilsCommand {
    /// A pupil's statuses (child protection plan, child in need, looked after, early help,
    /// young carer): list them, set one from a day, or end one.
    #[command(after_help = "Example:\n  keyholder pupils status list --pupil P10001 ...sign-in...")]
    Status {
        #[command(subcommand)]
        command: StatusCommand,
    },
    /// Lock a pupil's record: every incident of theirs, past and future, can be read only by
    /// the people and user groups named (and whoever recorded it), until --unlock. Needs Named
    /// person or Manage system, and the pupil's profile; a lock is changed only by those it is
    /// open to.
    #[command(
        after_help = "Example:\n  keyholder pupils lock P10001 --only head@school.example --only SLT ...sign-in...\n  keyholder pupils lock P10001 --unlock ...sign-in..."
    )]
    Lock {
        /// The pupil's MIS ID.
        mis_id: String,
        /// A member of staff (by e-mail) or user group (by name) who may read it; repeat.
        #[arg(
            long,
            value_name = "EMAIL_OR_USER_GROUP",
            required_unless_present = "unlock"
        )]
        only: Vec<String>,
        #[arg(long, conflicts_with = "only")]
        unlock: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum StatusCommand {
    /// The pupil's statuses, open and ended. Needs View student details and the pupil.
    #[command(
        after_help = "Example:\n  keyholder pupils status list --pupil P10001 --json ...sign-in..."
    )]
    List {
        #[arg(long, value_name = "MIS_ID")]
        pupil: String,
        /// Print the statuses as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Give a pupil a status from a day (with --to, a period that is already over). Needs Edit
    /// student information.
    #[command(
        after_help = "Example:\n  keyholder pupils status set --pupil P10001 --status young-carer --from 01/09/2025 ...sign-in..."
    )]
    Set {
        #[arg(long, value_name = "MIS_ID")]
        pupil: String,
        /// child-protection-plan (or cp-plan), child-in-need, looked-after, early-help,
        /// young-carer.
        #[arg(long, value_name = "STATUS")]
        status: String,
        /// The first day: 01/09/2025, 2025-09-01 or today.
        #[arg(long, value_name = "DATE")]
        from: String,
        /// The day it ended, for a period that is over.
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// A note kept with it (who agreed it, where).
        #[arg(long, value_name = "TEXT", default_value = "")]
        note: String,
    },
    /// End a pupil's open status on a day. Needs Edit student information.
    #[command(
        after_help = "Example:\n  keyholder pupils status end --pupil P10001 --status young-carer --on today ...sign-in..."
    )]
    End {
        #[arg(long, value_name = "MIS_ID")]
        pupil: String,
        #[arg(long, value_name = "STATUS")]
        status: String,
        /// The day it ended: 31/03/2026, 2026-03-31 or today.
        #[arg(long, value_name = "DATE")]
        on: String,
    },
}

/// The chronology's options (`keyholder chronology`).
#[derive(Debug, clap::Args)]
pub struct ChronologyArgs {
    /// The pupil's MIS ID.
    #[arg(long, value_name = "MIS_ID")]
    pub pupil: String,
    /// Write it as a PDF to this file (audited as an export).
    #[arg(long, value_name = "FILE")]
    pub pdf: Option<PathBuf>,
    /// Print it as JSON.
    #[arg(long)]
    pub json: bool,
    /// Staff shown by their role (user group) instead of their names.
    #[arg(long)]
    pub anonymised: bool,
    /// Only this category ("Category" takes in its sub-categories, or "Category/Sub-category").
    #[arg(long, value_name = "CATEGORY")]
    pub category: Option<String>,
    /// The first day shown.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// The last day shown.
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Leave out status changes.
    #[arg(long)]
    pub no_statuses: bool,
}

/// Today on this computer's clock, as the date parsers read it.
pub(super) fn today_text() -> String {
    chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

/// A day as typed: a date, or `today`.
fn day(text: &str) -> Result<chrono::NaiveDate, Failure> {
    if text.trim().eq_ignore_ascii_case("today") {
        return Ok(parse_day(&today_text())?);
    }
    Ok(parse_day(text)?)
}

fn status_kind(text: &str) -> Result<StatusKind, Failure> {
    StatusKind::from_key(text).ok_or_else(|| {
        Failure::refused(format!(
            "\"{text}\" is not a status Keyholder knows. Use one of: {}.",
            StatusKind::ALL
                .iter()
                .map(|k| k.key().replace('_', "-"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

pub fn run_pupils(session: &mut Session, command: PupilsCommand) -> Result<(), Failure> {
    let command = match command {
        PupilsCommand::Status { command } => command,
        PupilsCommand::Lock {
            mis_id,
            only,
            unlock,
        } => {
            let pupil = session.pupil_by_mis_id(&mis_id)?;
            let readers = if unlock {
                None
            } else {
                Some(session.readers_named(&only)?)
            };
            let profile = session.lock_record(pupil, readers.as_ref())?;
            match profile.lock {
                Some(l) => say!("{l}."),
                None => say!("The record of {} is not locked.", profile.pupil.full_name()),
            }
            return Ok(());
        }
    };
    match command {
        StatusCommand::List { pupil, json } => {
            let profile = session.open_pupil_profile_by_mis_id(&pupil)?;
            if json {
                let list: Vec<serde_json::Value> = profile
                    .statuses
                    .iter()
                    .map(|s| {
                        serde_json::json!({
                            "status": s.kind.key(),
                            "started_on": s.started_on.format("%Y-%m-%d").to_string(),
                            "ended_on": s.ended_on.map(|d| d.format("%Y-%m-%d").to_string()),
                            "note": s.note,
                            "set_by": s.set_by.name,
                        })
                    })
                    .collect();
                say!("{}", serde_json::Value::Array(list));
                return Ok(());
            }
            if profile.statuses.is_empty() {
                say!("{} has no statuses.", profile.pupil.full_name());
            }
            for s in &profile.statuses {
                say!("{}: {}", s.kind.label(), s.period());
            }
            Ok(())
        }
        StatusCommand::Set {
            pupil,
            status,
            from,
            to,
            note,
        } => {
            let kind = status_kind(&status)?;
            let started_on = day(&from)?;
            let ended_on = to.as_deref().map(day).transpose()?;
            let id = session.pupil_by_mis_id(&pupil)?;
            let profile = session.set_status(
                id,
                &NewStatus {
                    kind,
                    started_on,
                    ended_on,
                    note,
                },
            )?;
            say!(
                "{} now has {} {}.",
                profile.pupil.full_name(),
                kind.label().to_lowercase(),
                match ended_on {
                    None => format!("since {}", day_text(started_on)),
                    Some(e) => format!("from {} to {}", day_text(started_on), day_text(e)),
                }
            );
            Ok(())
        }
        StatusCommand::End { pupil, status, on } => {
            let kind = status_kind(&status)?;
            let ended_on = day(&on)?;
            let id = session.pupil_by_mis_id(&pupil)?;
            let status_id = session.open_status_of(id, kind)?;
            let profile = session.end_status(status_id, ended_on)?;
            say!(
                "{}'s {} status ended on {}.",
                profile.pupil.full_name(),
                kind.label().to_lowercase(),
                day_text(ended_on)
            );
            Ok(())
        }
    }
}

pub fn run_chronology(session: &mut Session, args: ChronologyArgs) -> Result<(), Failure> {
    let from = args.from.as_deref().map(day).transpose()?;
    let to = args.to.as_deref().map(day).transpose()?;
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        return Err(Failure::refused(
            "The last day (--to) comes before the first (--from).",
        ));
    }
    let pupil = session.pupil_by_mis_id(&args.pupil)?;
    let mut filter = ChronologyFilter {
        category: None,
        from,
        to,
        statuses: !args.no_statuses,
    };
    if let Some(wanted) = &args.category {
        let choices = session.chronology(pupil, &filter)?.categories;
        let chosen = choices
            .iter()
            .find(|c| names_category(wanted, c.parent.as_deref(), &c.name))
            .ok_or_else(|| {
                Failure::refused(format!(
                    "You cannot narrow the chronology to \"{wanted}\": there is no such \
                     category, or your user group cannot view incidents in it."
                ))
            })?;
        filter.category = Some(chosen.id);
    }
    let chronology = match &args.pdf {
        Some(path) => {
            let made = session.export_chronology_pdf(pupil, &filter, args.anonymised, path)?;
            let c = session.chronology(pupil, &filter)?;
            if !args.json {
                say!(
                    "Wrote the chronology of {} ({}, {}) to {}.",
                    c.pupil.full_name(),
                    crate::model::names::count(made.entries, "entry", "entries"),
                    crate::model::names::count(made.pages, "page", "pages"),
                    path.display()
                );
            }
            c
        }
        None => session.open_chronology(pupil, &filter)?,
    };
    if args.json {
        say!("{}", chronology_json(&chronology, args.anonymised));
    } else if args.pdf.is_none() {
        print_text(&chronology, args.anonymised)?;
    }
    Ok(())
}

fn print_text(c: &Chronology, anonymised: bool) -> Result<(), Failure> {
    say!(
        "Chronology of {} ({}), {}: {}",
        c.pupil.full_name(),
        c.pupil.mis_id.as_deref().unwrap_or("no MIS ID"),
        c.filter.describe_days(),
        crate::model::names::count(c.entries.len(), "entry", "entries")
    );
    for e in &c.entries {
        say!();
        let when = e.when();
        say!("{when}  {}", e.what.title());
        match &e.what {
            Entry::Incident { description, .. } => {
                for line in description.lines() {
                    say!("    {line}");
                }
            }
            Entry::Action {
                description,
                rationale,
                ..
            } => {
                say!("    {}", e.what.about().unwrap_or_default());
                for line in description.lines() {
                    say!("    {line}");
                }
                if !rationale.is_empty() {
                    say!("    Why: {rationale}");
                }
            }
            Entry::StatusStarted { note, .. } if !note.is_empty() => say!("    {note}"),
            _ => {}
        }
        say!("    {}", e.what.by(anonymised));
    }
    Ok(())
}

/// Described in docs/chronology-format.md.
fn chronology_json(c: &Chronology, anonymised: bool) -> serde_json::Value {
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let entries: Vec<serde_json::Value> = c
        .entries
        .iter()
        .map(|e| {
            let mut v = serde_json::json!({
                "at": e.at,
                "day": day(e.day),
                "kind": e.what.kind().to_lowercase(),
                "title": e.what.title(),
                "category": e.what.category(),
                "by": e.what.by(anonymised),
            });
            let more = match &e.what {
                Entry::Incident {
                    id,
                    description,
                    edits,
                    others_involved,
                    ..
                } => serde_json::json!({
                    "incident": id.0,
                    "description": description,
                    "edits": edits,
                    "others_involved": others_involved,
                }),
                Entry::Action {
                    incident,
                    outcome,
                    description,
                    rationale,
                    ..
                } => serde_json::json!({
                    "incident": incident.0,
                    "outcome": outcome.key(),
                    "description": description,
                    "rationale": rationale,
                }),
                Entry::StatusStarted { kind, note, .. } => {
                    serde_json::json!({ "status": kind.key(), "change": "started", "note": note })
                }
                Entry::StatusEnded { kind, .. } => {
                    serde_json::json!({ "status": kind.key(), "change": "ended" })
                }
            };
            if let (Some(obj), Some(more)) = (v.as_object_mut(), more.as_object()) {
                obj.extend(more.clone());
            }
            v
        })
        .collect();
    serde_json::json!({
        "format_version": CHRONOLOGY_FORMAT,
        "school": c.school,
        "anonymised": anonymised,
        "pupil": {
            "forename": c.pupil.forename,
            "surname": c.pupil.surname,
            "mis_id": c.pupil.mis_id,
            "upn": c.pupil.upn,
            "date_of_birth": c.pupil.date_of_birth,
            "groups": c.groups,
        },
        "from": c.filter.from.map(day),
        "to": c.filter.to.map(day),
        "category": c.category_label,
        "statuses": c.filter.statuses,
        "entries": entries,
    })
}
