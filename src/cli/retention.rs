//! `keyholder retention …`: Data Destruction Policies from the command line, as on Admin >
//! Data Destruction Policies (needs Data destruction policy): each category's policy, the
//! review list, holds, and decisions to keep records longer.

use super::Failure;
use super::categories::names_category;
use crate::model::retention::{Basis, Policy, Then};
use crate::service::Session;
use crate::service::records::parse_day;
use crate::service::retention::{PolicyLine, Review, Take};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Every category with how long its records are kept and where that comes from.
    #[command(after_help = "Example:\n  keyholder retention policies --json ...sign-in...")]
    Policies {
        /// Print the policies as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Set a category's policy, or with --clear let it follow its category (or its default)
    /// again.
    #[command(
        after_help = "Example:\n  keyholder retention set \"Behaviour\" --from incident --years 6 --then destroy ...sign-in..."
    )]
    Set {
        /// "Behaviour", or "Behaviour/Against Peers" for a sub-category.
        category: String,
        /// What the period counts from: date-of-birth, leaving or incident.
        #[arg(long, value_name = "BASIS", required_unless_present = "clear")]
        from: Option<String>,
        /// How many years.
        #[arg(long, value_name = "N", required_unless_present = "clear")]
        years: Option<u32>,
        /// What happens then: review or destroy.
        #[arg(long, value_name = "WHAT", default_value = "review")]
        then: String,
        /// Remove the category's own policy.
        #[arg(long, conflicts_with_all = ["from", "years"])]
        clear: bool,
    },
    /// Pupils whose records' period is over, the longest overdue first; pupils whose records
    /// cannot be due without a date of birth or a leaving day; standing holds.
    #[command(after_help = "Example:\n  keyholder retention review ...sign-in...")]
    Review {
        /// Print the list as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Place a hold on a pupil's records: nothing of theirs is offered for destruction while it
    /// stands.
    #[command(
        after_help = "Example:\n  keyholder retention hold 4021 --reason \"Requested by the local authority for an inquiry\" ...sign-in..."
    )]
    Hold {
        /// The pupil's MIS ID.
        mis_id: String,
        /// Why, in a few words; it stays with the hold.
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// The last day the hold stands; without it, until it is lifted.
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
    },
    /// Lift the holds standing on a pupil's records.
    #[command(after_help = "Example:\n  keyholder retention lift 4021 ...sign-in...")]
    Lift {
        /// The pupil's MIS ID.
        mis_id: String,
    },
    /// Mark a pupil's due records for destruction (destroyed only by `retention destroy`).
    #[command(after_help = "Example:\n  keyholder retention mark 4021 ...sign-in...")]
    Mark {
        /// The pupil's MIS ID.
        mis_id: String,
    },
    /// Destroy the records marked for destruction (with --due, also every due record whose
    /// policy says destroy), after the password is given again; held pupils' records never.
    /// Each destruction is kept in the permanent destruction log.
    #[command(
        after_help = "Example:\n  keyholder retention destroy --due --dry-run ...sign-in...\n  keyholder retention destroy --due ...sign-in..."
    )]
    Destroy {
        /// Also every due record whose policy says destroy, not only those marked.
        #[arg(long)]
        due: bool,
        /// Print what would be destroyed, and destroy nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// After a restore from an older backup: destroy again what was destroyed since it was
    /// taken (the password is asked for again).
    #[command(after_help = "Example:\n  keyholder retention reapply ...sign-in...")]
    Reapply,
    /// The permanent log of destructions.
    #[command(after_help = "Example:\n  keyholder retention log --json ...sign-in...")]
    Log {
        #[arg(long)]
        json: bool,
    },
    /// Keep a pupil's records for more years after a review.
    #[command(
        after_help = "Example:\n  keyholder retention keep 4021 --years 5 --reason \"Sibling still on roll\" ...sign-in..."
    )]
    Keep {
        /// The pupil's MIS ID.
        mis_id: String,
        #[arg(long, value_name = "N")]
        years: u32,
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
}

fn policy_json(p: &PolicyLine) -> serde_json::Value {
    serde_json::json!({
        "category": p.label,
        "policy": p.policy.map(|x| serde_json::json!({
            "from": x.basis.key(),
            "years": x.years,
            "then": x.then.key(),
        })),
        "source": p.source_text,
    })
}

fn review_json(r: &Review) -> serde_json::Value {
    let pupil = |p: &crate::service::retention::ReviewPupil| {
        serde_json::json!({
            "mis_id": p.mis_id,
            "upn": p.upn,
            "name": p.shown.as_ref().map(|s| s.display_name(false)),
            "archived": p.archived,
        })
    };
    serde_json::json!({
        "due": r.due.iter().map(|d| serde_json::json!({
            "pupil": pupil(&d.pupil),
            "due_since": d.due_since.format("%Y-%m-%d").to_string(),
            "incidents": d.incidents.iter().map(|i| serde_json::json!({
                "category": i.category,
                "on": i.day.format("%Y-%m-%d").to_string(),
                "due_on": i.due_on.format("%Y-%m-%d").to_string(),
                "then": i.policy.then.key(),
                "why": i.why,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "needs_date_of_birth": r.needs_date_of_birth.iter().map(pupil).collect::<Vec<_>>(),
        "needs_leaving_day": r.needs_leaving_day.iter().map(pupil).collect::<Vec<_>>(),
        "holds": r.holds.iter().map(|h| serde_json::json!({
            "pupil": pupil(&h.pupil),
            "reason": h.hold.reason,
            "placed_by": h.placed_by,
            "until": h.hold.ends_on.map(|d| d.format("%Y-%m-%d").to_string()),
        })).collect::<Vec<_>>(),
        "kept_longer": r.kept_longer,
    })
}

/// `password_again` asks for the password once more (from the password file, or the terminal)
/// before anything is destroyed.
pub fn run(
    session: &mut Session,
    command: RetentionCommand,
    password_again: impl FnOnce() -> Result<String, Failure>,
) -> Result<(), Failure> {
    match command {
        RetentionCommand::Policies { json } => {
            let lines = session.retention_policies()?;
            if json {
                say!(
                    "{}",
                    serde_json::Value::Array(lines.iter().map(policy_json).collect())
                );
                return Ok(());
            }
            for l in &lines {
                let indent = if l.is_sub_category { "  " } else { "" };
                let what = l
                    .policy
                    .map_or_else(|| "Kept".to_string(), |p| p.describe());
                say!("{indent}{}: {what} ({})", l.label, l.source_text);
            }
        }
        RetentionCommand::Set {
            category,
            from,
            years,
            then,
            clear,
        } => {
            let line = session
                .retention_policies()?
                .into_iter()
                .find(|l| names_category(&category, l.parent_name.as_deref(), &l.name))
                .ok_or_else(|| {
                    Failure::refused(format!("There is no category called \"{category}\"."))
                })?;
            let policy = if clear {
                None
            } else {
                let basis = from.as_deref().and_then(Basis::from_key).ok_or_else(|| {
                    Failure::refused(
                        "--from takes date-of-birth, leaving or incident: what the years count from.",
                    )
                })?;
                let then = Then::from_key(&then).ok_or_else(|| {
                    Failure::refused(format!("--then takes review or destroy, not \"{then}\"."))
                })?;
                Some(Policy {
                    basis,
                    years: years.unwrap_or(0),
                    then,
                })
            };
            session.set_retention_policy(line.category, policy)?;
            let now = session
                .retention_policies()?
                .into_iter()
                .find(|l| l.category == line.category)
                .map(|l| {
                    l.policy
                        .map_or_else(|| "kept".to_string(), |p| p.describe().to_lowercase())
                })
                .unwrap_or_default();
            super::tell(format_args!("{}: {now}.", line.label));
        }
        RetentionCommand::Review { json } => {
            let r = session.retention_review()?;
            if json {
                say!("{}", review_json(&r));
                return Ok(());
            }
            if r.due.is_empty() {
                say!("Nothing is due for review or destruction today.");
            }
            for d in &r.due {
                say!(
                    "{}: {} due since {}",
                    d.pupil.label(false),
                    crate::model::names::count(d.incidents.len(), "record", "records"),
                    d.due_since.format("%d/%m/%Y")
                );
                for i in &d.incidents {
                    say!(
                        "  {} {} ({}, then {})",
                        i.day.format("%d/%m/%Y"),
                        i.category,
                        i.why,
                        i.policy.then.key()
                    );
                }
            }
            if !r.needs_date_of_birth.is_empty() {
                say!();
                say!("Never due until a date of birth is recorded:");
                for p in &r.needs_date_of_birth {
                    say!("  {}", p.label(false));
                }
            }
            if !r.needs_leaving_day.is_empty() {
                say!();
                say!(
                    "Left before Keyholder kept leaving days, so never due under a policy counted from leaving:"
                );
                for p in &r.needs_leaving_day {
                    say!("  {}", p.label(false));
                }
            }
            if !r.holds.is_empty() {
                say!();
                say!("On hold:");
                for h in &r.holds {
                    say!(
                        "  {}: {} (placed by {}{})",
                        h.pupil.label(false),
                        h.hold.reason,
                        h.placed_by,
                        h.hold
                            .ends_on
                            .map(|e| format!(", until {}", e.format("%d/%m/%Y")))
                            .unwrap_or_default()
                    );
                }
            }
        }
        RetentionCommand::Hold {
            mis_id,
            reason,
            until,
        } => {
            let pupil = session.retention_pupil_by_mis_id(&mis_id)?;
            let until = until.as_deref().map(parse_day).transpose()?;
            session.place_hold(pupil.id, &reason, until)?;
            super::tell(format_args!(
                "The records of {} are on hold: nothing of theirs will be offered for destruction{}.",
                pupil.label(false),
                until
                    .map(|u| format!(" until {}", u.format("%d/%m/%Y")))
                    .unwrap_or_else(|| " until the hold is lifted".into())
            ));
        }
        RetentionCommand::Lift { mis_id } => {
            let pupil = session.retention_pupil_by_mis_id(&mis_id)?;
            let holds = session.standing_holds(pupil.id)?;
            if holds.is_empty() {
                return Err(Failure::refused(format!(
                    "There is no hold on the records of {}.",
                    pupil.label(false)
                )));
            }
            session.change(|s| {
                for h in &holds {
                    s.lift_hold(h.hold.id)?;
                }
                Ok::<_, crate::service::Error>(())
            })?;
            super::tell(format_args!(
                "Lifted {} on the records of {}.",
                crate::model::names::count(holds.len(), "hold", "holds"),
                pupil.label(false)
            ));
        }
        RetentionCommand::Mark { mis_id } => {
            let pupil = session.retention_pupil_by_mis_id(&mis_id)?;
            let n = session.mark_for_destruction(pupil.id)?;
            super::tell(format_args!(
                "Marked {} of {} for destruction. Nothing is destroyed until `keyholder retention destroy`.",
                crate::model::names::count(n, "record", "records"),
                pupil.label(false)
            ));
        }
        RetentionCommand::Destroy { due, dry_run } => {
            let take = if due {
                Take::MarkedAndDue
            } else {
                Take::Marked
            };
            let plan = session.destruction_plan(take)?;
            if plan.is_empty() {
                say!("Nothing is due for destruction.");
                return Ok(());
            }
            for p in &plan.pupils {
                say!(
                    "{}: {}{}",
                    p.pupil.label(false),
                    p.incidents
                        .iter()
                        .map(|i| format!("{} {}", i.day.format("%d/%m/%Y"), i.category))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if p.whole_record {
                        ", and the pupil's own record"
                    } else {
                        ""
                    }
                );
            }
            if dry_run {
                say!(
                    "Would destroy {}. Nothing has been destroyed.",
                    plan.describe()
                );
                return Ok(());
            }
            let password = password_again()?;
            let done = session.destroy_records(take, &password)?;
            say!(
                "Destroyed {}. Backups made before now still hold them.",
                done.describe()
            );
        }
        RetentionCommand::Reapply => {
            let pending = session.destructions_to_reapply()?;
            if pending.is_empty() {
                say!("There is nothing to destroy again.");
                return Ok(());
            }
            let password = password_again()?;
            let n = session.reapply_destructions(&password)?;
            say!(
                "Made {} again: {} destroyed.",
                crate::model::names::count(pending.len(), "destruction", "destructions"),
                crate::model::names::count(n, "record", "records")
            );
        }
        RetentionCommand::Log { json } => {
            let log = session.destruction_log()?;
            if json {
                say!(
                    "{}",
                    serde_json::Value::Array(
                        log.iter()
                            .map(|d| serde_json::json!({
                                "destroyed_at": d.destroyed_at,
                                "authorised_by": d.authorised_by,
                                "mis_id": d.mis_id,
                                "upn": d.upn,
                                "whole_record": d.whole_record,
                                "counts": d.counts,
                                "first_day": d.first_day.format("%Y-%m-%d").to_string(),
                                "last_day": d.last_day.format("%Y-%m-%d").to_string(),
                                "policies": d.policies,
                            }))
                            .collect()
                    )
                );
                return Ok(());
            }
            if log.is_empty() {
                say!("Nothing has been destroyed.");
            }
            for d in &log {
                say!("{}", d.summary(&crate::clock::format_local(d.destroyed_at)));
            }
        }
        RetentionCommand::Keep {
            mis_id,
            years,
            reason,
        } => {
            let pupil = session.retention_pupil_by_mis_id(&mis_id)?;
            let until = session.keep_longer(pupil.id, years, &reason)?;
            super::tell(format_args!(
                "The records of {} are kept until {}.",
                pupil.label(false),
                until.format("%d/%m/%Y")
            ));
        }
    }
    Ok(())
}
