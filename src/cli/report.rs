//! `keyholder report`: a report as the Reports tab runs it, under the signed-in person's own
//! access (Run reports): a saved one by name, or one described by its options, printed as a
//! table, as JSON (docs/report-format.md) or written to a CSV or PDF file. `--save` keeps its settings
//! under a name, `--share` shares them with user groups (Share saved reports).

use super::Failure;
use super::categories::names_category;
use crate::model::GroupType;
use crate::model::report::{DateRange, Period, ReportKind, ReportSpec};
use crate::service::Session;
use crate::service::records::parse_day;
use crate::service::reports::Report;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A saved report to run (yours, or one shared with your user group).
    #[arg(value_name = "NAME", conflicts_with_all = ["kind", "category", "by", "per", "from", "to", "last_days", "more_than", "within_days", "save"])]
    pub name: Option<String>,
    /// What to count: incidents (by category), frequent-concerns (pupils with more than
    /// --more-than concerns in --within-days days), actions (actions on incidents by outcome,
    /// with each referral and what came of it), or statuses (pupils with each status, and
    /// those with one open on the last day).
    #[arg(long, value_name = "KIND", default_value = "incidents")]
    pub kind: String,
    /// Count only this category ("Behaviour", or "Behaviour/Against Peers"); may be given more
    /// than once. A category brings its sub-categories.
    #[arg(long, value_name = "CATEGORY")]
    pub category: Vec<String>,
    /// Rows by the pupils' house, academic-level or registration-form as well as by category.
    #[arg(long, value_name = "GROUP_TYPE")]
    pub by: Option<String>,
    /// Columns per month or per term.
    #[arg(long, value_name = "PERIOD", default_value = "month")]
    pub per: String,
    /// The first day counted (07/03/2026 or 2026-03-07). Without --from and --to: this
    /// school year so far.
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<String>,
    /// The last day counted.
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
    /// The last N days, today included, instead of --from and --to.
    #[arg(long, value_name = "N", conflicts_with_all = ["from", "to"])]
    pub last_days: Option<u32>,
    /// frequent-concerns: pupils with more than this many concerns...
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub more_than: u32,
    /// ...within this many days running.
    #[arg(long, value_name = "D", default_value_t = 30)]
    pub within_days: u32,
    /// Save these settings under a name (saving under a name you used replaces its settings).
    #[arg(long, value_name = "NAME")]
    pub save: Option<String>,
    /// Share the saved report with this user group (needs Share saved reports); may be given
    /// more than once. Its members run it under their own access.
    #[arg(long, value_name = "USER_GROUP")]
    pub share: Vec<String>,
    /// List the saved reports you may run, and do nothing else.
    #[arg(long, conflicts_with_all = ["name", "save", "share", "json", "csv", "pdf"])]
    pub list: bool,
    /// Print the report as JSON.
    #[arg(long, conflicts_with_all = ["csv", "pdf"])]
    pub json: bool,
    /// Write the report to this CSV file instead of printing it.
    #[arg(long, value_name = "FILE", conflicts_with = "pdf")]
    pub csv: Option<PathBuf>,
    /// Write the report to this PDF file, to print, instead of printing it here.
    #[arg(long, value_name = "FILE")]
    pub pdf: Option<PathBuf>,
}

fn spec_from(session: &Session, a: &ReportArgs) -> Result<ReportSpec, Failure> {
    let kind = ReportKind::from_key(a.kind.trim()).ok_or_else(|| {
        Failure::refused(format!(
            "There is no report kind \"{}\": use {}.",
            a.kind,
            ReportKind::ALL.map(|k| k.key()).join(", ")
        ))
    })?;
    let per = Period::from_key(a.per.trim().to_lowercase().as_str()).ok_or_else(|| {
        Failure::refused(format!("\"{}\" is not a period: use month or term.", a.per))
    })?;
    let by =
        a.by.as_deref()
            .map(|b| {
                GroupType::from_words(b).ok_or_else(|| {
                Failure::refused(format!(
                    "\"{b}\" is not a group type: use house, academic-level or registration-form."
                ))
            })
            })
            .transpose()?;
    let range = match (&a.from, &a.to, a.last_days) {
        (Some(from), Some(to), _) => DateRange::Between {
            from: parse_day(from)?,
            to: parse_day(to)?,
        },
        (_, _, Some(days)) => DateRange::LastDays { days },
        _ => DateRange::SchoolYear,
    };
    let choices = session.report_categories()?;
    let mut categories = Vec::new();
    for wanted in &a.category {
        let c = choices
            .iter()
            .find(|c| names_category(wanted, c.parent.as_deref(), &c.name))
            .ok_or_else(|| {
                Failure::refused(format!(
                    "You cannot count \"{wanted}\": there is no such category, or your user group \
                     does not have View Incidents for it."
                ))
            })?;
        categories.push(c.id);
    }
    Ok(ReportSpec {
        kind,
        range,
        per,
        by,
        categories,
        more_than: a.more_than,
        within_days: a.within_days,
    })
}

pub fn run(session: &mut Session, a: ReportArgs) -> Result<(), Failure> {
    if a.list {
        for s in session.saved_reports()? {
            let shared = if s.shared_with.is_empty() {
                String::new()
            } else {
                format!("  shared with {}", s.shared_with.join(", "))
            };
            let owner = if s.mine {
                String::new()
            } else {
                format!("  (shared by {})", s.owner)
            };
            say!("{}{owner}: {}{shared}", s.name, s.spec.title());
        }
        return Ok(());
    }
    if !a.share.is_empty() && a.save.is_none() {
        return Err(Failure::refused(
            "--share shares a report as it is saved: give --save NAME as well.",
        ));
    }
    let report = match &a.name {
        Some(name) => {
            let saved = session.find_saved_report(name)?;
            session.run_saved_report(saved.id)?
        }
        None => {
            let spec = spec_from(session, &a)?;
            if let Some(name) = &a.save {
                // Every group is found before anything is saved, so a mistyped one changes nothing.
                let groups = if a.share.is_empty() {
                    Vec::new()
                } else {
                    let all = session.groups_to_share_with()?;
                    a.share
                        .iter()
                        .map(|g| {
                            all.iter()
                                .find(|(_, n)| n.eq_ignore_ascii_case(g.trim()))
                                .map(|(id, _)| *id)
                                .ok_or_else(|| {
                                    Failure::refused(format!(
                                        "There is no active user group called \"{g}\"."
                                    ))
                                })
                        })
                        .collect::<Result<Vec<_>, _>>()?
                };
                let id = session.change(|s| {
                    let id = s.save_report(name, &spec)?;
                    if !groups.is_empty() {
                        s.share_saved_report(id, &groups)?;
                    }
                    Ok::<_, crate::service::Error>(id)
                })?;
                super::tell(format_args!(
                    "Saved the report as \"{}\"{}.",
                    name.trim(),
                    if a.share.is_empty() {
                        String::new()
                    } else {
                        format!(", shared with {}", a.share.join(", "))
                    }
                ));
                session.run_saved_report(id)?
            } else {
                session.run_report(&spec)?
            }
        }
    };
    if let Some(path) = &a.csv {
        session.export_report_csv(&report, path, false)?;
        say!(
            "Wrote {} ({}) to {}.",
            report.title,
            report.range_text(),
            path.display()
        );
        return Ok(());
    }
    if let Some(path) = &a.pdf {
        let pages = session.export_report_pdf(&report, path, false)?;
        say!(
            "Wrote {} ({}) to {}, {}.",
            report.title,
            report.range_text(),
            path.display(),
            crate::model::names::count(pages, "page", "pages")
        );
        return Ok(());
    }
    if a.json {
        say!("{}", json(&report));
        return Ok(());
    }
    print(&report)
}

/// `keyholder report --json`; described in docs/report-format.md.
fn json(r: &Report) -> serde_json::Value {
    serde_json::json!({
        "format_version": 1,
        "name": r.name,
        "title": r.title,
        "kind": r.spec.kind.key(),
        "from": r.from.format("%Y-%m-%d").to_string(),
        "to": r.to.format("%Y-%m-%d").to_string(),
        "by": r.spec.by.map(|t| t.key()),
        "per": r.spec.per.key(),
        "columns": r.table.columns,
        "rows": r.table.rows.iter().map(|row| serde_json::json!({
            "group": row.group,
            "category": row.label,
            "depth": row.depth,
            "counts": row.counts,
            "total": row.total,
        })).collect::<Vec<_>>(),
        "series": r.table.series,
        "bars": r.table.bars,
        "total": r.table.total,
        "pupils": r.pupils.iter().map(|p| serde_json::json!({
            "forename": p.pupil.forename,
            "surname": p.pupil.surname,
            "class": p.pupil.class,
            "most": p.most,
            "first": p.first.format("%Y-%m-%d").to_string(),
            "last": p.last.format("%Y-%m-%d").to_string(),
            "in_range": p.in_range,
        })).collect::<Vec<_>>(),
        "referrals": r.referrals.iter().map(|x| serde_json::json!({
            "forename": x.pupil.forename,
            "surname": x.pupil.surname,
            "class": x.pupil.class,
            "outcome": x.outcome.key(),
            "category": x.category,
            "incident_on": x.incident_on.format("%Y-%m-%d").to_string(),
            "referred_on": x.referred_on.format("%Y-%m-%d").to_string(),
            "since": x.since.iter().map(|(day, outcome)| serde_json::json!({
                "on": day.format("%Y-%m-%d").to_string(),
                "outcome": outcome.key(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "open_statuses": r.open_statuses.iter().map(|o| serde_json::json!({
            "status": o.kind.key(),
            "pupils": o.pupils.iter().map(|p| serde_json::json!({
                "forename": p.forename,
                "surname": p.surname,
                "class": p.class,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "notes": r.notes,
        "run_by": r.run_by,
        "run_at": r.run_at,
    })
}

fn print(r: &Report) -> Result<(), Failure> {
    say!("{}", r.name.as_deref().unwrap_or(&r.title));
    if r.name.is_some() {
        say!("{}", r.title);
    }
    say!("{}", r.range_text());
    for n in &r.notes {
        say!("{n}");
    }
    say!();
    let label = |row: &crate::model::report::TableRow| {
        let indent = "  ".repeat(usize::from(row.depth));
        match &row.group {
            Some(g) => format!("{g}: {indent}{}", row.label),
            None => format!("{indent}{}", row.label),
        }
    };
    let first_width = r
        .table
        .rows
        .iter()
        .map(|row| label(row).chars().count())
        .chain(std::iter::once(r.spec.kind.row_title().len()))
        .max()
        .unwrap_or(8);
    let widths: Vec<usize> = r
        .table
        .columns
        .iter()
        .map(|c| c.chars().count().max(3))
        .collect();
    let mut header = format!("{:first_width$}", r.spec.kind.row_title());
    for (c, w) in r.table.columns.iter().zip(&widths) {
        header.push_str(&format!("  {c:>w$}"));
    }
    header.push_str("  Total");
    say!("{header}");
    for row in &r.table.rows {
        let mut line = format!("{:first_width$}", label(row));
        for (n, w) in row.counts.iter().zip(&widths) {
            line.push_str(&format!("  {n:>w$}"));
        }
        line.push_str(&format!("  {:>5}", row.total));
        say!("{line}");
    }
    say!();
    say!("{}", r.spec.kind.counted(r.table.total));
    if r.spec.kind == ReportKind::FrequentConcerns {
        say!();
        if r.pupils.is_empty() {
            say!("No pupil you may see has more than that.");
        }
        for p in &r.pupils {
            say!(
                "{} ({}): {} from {} to {}, {} in the whole range",
                p.pupil.display_name(false),
                p.pupil.class,
                crate::model::names::count(p.most as usize, "concern", "concerns"),
                p.first.format("%d/%m/%Y"),
                p.last.format("%d/%m/%Y"),
                p.in_range
            );
        }
    }
    if r.spec.kind == ReportKind::ActionsByOutcome {
        say!();
        if r.referrals.is_empty() {
            say!("No referrals among the pupils and categories you may see.");
        }
        for x in &r.referrals {
            say!(
                "{} {}: {} ({}), {} of {}. Since: {}",
                x.referred_on.format("%d/%m/%Y"),
                x.outcome.label(),
                x.pupil.display_name(false),
                x.pupil.class,
                x.category,
                x.incident_on.format("%d/%m/%Y"),
                crate::service::reports::since_text(x)
            );
        }
    }
    if r.spec.kind == ReportKind::OpenStatuses {
        say!();
        say!("Open on {}:", r.to.format("%d/%m/%Y"));
        for o in &r.open_statuses {
            say!("{}: {}", o.kind.label(), o.names(false));
        }
    }
    Ok(())
}
