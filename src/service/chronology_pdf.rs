//! A chronology as a document to print for a case conference (see `crate::pdf`).

use super::casework::{Chronology, Entry, StaffName, day_text};
use crate::clock::format_local;
use crate::model::names;
use crate::pdf::{Block, Document};

/// How far an action sits in from the incidents, so the eye sees which is which.
const ACTION_INDENT: f32 = 18.0;

pub(super) fn document(
    c: &Chronology,
    printed_by: &StaffName,
    printed_at: i64,
    anonymised: bool,
) -> Document {
    let p = &c.pupil;
    let name = p.full_name();
    let dob = names::date_of_birth(p.date_of_birth.as_deref());
    let none = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .unwrap_or("none")
            .to_string()
    };
    let printer = printed_by.shown(anonymised);
    let mut blocks = vec![
        Block::title(format!("Chronology: {name}")),
        Block::fields([
            ("School", c.school.clone()),
            ("Pupil", name.clone()),
            ("Date of birth", dob),
            ("UPN", none(&p.upn)),
            ("MIS ID", none(&p.mis_id)),
            (
                "Groups",
                if c.groups.is_empty() {
                    "none".into()
                } else {
                    c.groups.join(", ")
                },
            ),
            ("Dates", names::capitalise(&c.filter.describe_days())),
            (
                "Categories",
                c.category_label
                    .clone()
                    .unwrap_or_else(|| "every category the person printing it may view".into()),
            ),
            (
                "Status changes",
                if c.filter.statuses {
                    "included"
                } else {
                    "left out"
                }
                .to_string(),
            ),
        ]),
        Block::Space(4.0),
        Block::small(format!(
            "Incidents appear at the date they happened, actions at the date they were taken. \
             Only what the person printing it may see is included. Other pupils involved are \
             counted, never named.{}",
            if anonymised {
                " Anonymised: staff are shown by their role (their Keyholder user group) instead \
                 of their names; what staff wrote is as they wrote it."
            } else {
                ""
            }
        )),
        Block::Rule,
        Block::heading(names::capitalise(&names::count(
            c.entries.len(),
            "entry",
            "entries",
        ))),
    ];
    if c.entries.is_empty() {
        blocks.push(Block::text(
            "There are no entries for these dates and categories.",
        ));
    }
    for e in &c.entries {
        blocks.push(entry(e, anonymised));
        blocks.push(Block::Space(6.0));
    }
    Document {
        title: format!("Chronology of {name}"),
        header: format!(
            "{} · Chronology of {name}{}",
            c.school,
            if anonymised { " (anonymised)" } else { "" }
        ),
        footer: format!("Printed by {printer} on {}", format_local(printed_at)),
        blocks,
    }
}

fn entry(e: &super::casework::ChronologyEntry, anonymised: bool) -> Block {
    let mut parts = Vec::new();
    match &e.what {
        Entry::Incident {
            category,
            description,
            edits,
            others_involved,
            ..
        } => {
            parts.push(Block::strong(format!(
                "{}   Incident: {category}",
                format_local(e.at)
            )));
            parts.push(Block::text(description.clone()));
            let mut by = e.what.by(anonymised);
            if *edits > 0 {
                by.push_str(&format!(
                    ". Edited {} since",
                    names::count(*edits, "time", "times")
                ));
            }
            if *others_involved > 0 {
                by.push_str(&format!(
                    ". {} involved",
                    names::count(*others_involved, "other pupil", "other pupils")
                ));
            }
            parts.push(Block::small(by));
        }
        Entry::Action {
            category,
            incident_at,
            outcome,
            description,
            rationale,
            ..
        } => {
            parts.push(Block::strong(format!(
                "{}   Action on the {category} incident of {}",
                format_local(e.at),
                format_local(*incident_at)
            )));
            parts.push(Block::text(format!("Outcome: {}", outcome.label())));
            parts.push(Block::text(description.clone()));
            if !rationale.trim().is_empty() {
                parts.push(Block::text(format!("Why: {rationale}")));
            }
            parts.push(Block::small(e.what.by(anonymised)));
            return Block::Together(parts).indented(ACTION_INDENT);
        }
        Entry::StatusStarted { .. } | Entry::StatusEnded { .. } => {
            parts.push(Block::strong(format!(
                "{}   {}",
                day_text(e.day),
                e.what.title()
            )));
            if let Entry::StatusStarted { note, .. } = &e.what
                && !note.trim().is_empty()
            {
                parts.push(Block::text(note.clone()));
            }
            parts.push(Block::small(e.what.by(anonymised)));
        }
    }
    Block::Together(parts)
}
