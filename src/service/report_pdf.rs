//! A report as a document to print (see `crate::pdf`): what it counts and for whom, its table
//! (wide tables in blocks of columns, so every count stays legible on A4), and the pupils or
//! referrals it lists.

use super::reports::{Report, since_text};
use crate::clock::format_local;
use crate::model::names;
use crate::model::report::ReportKind;
use crate::pdf::{Block, Column, Document, Table};

/// The most month or term columns side by side on one A4 page; more run on in further blocks.
const COLUMNS_PER_BLOCK: usize = 6;

pub(super) fn document(r: &Report, hide_names: bool) -> Document {
    let heading = r.name.clone().unwrap_or_else(|| r.title.clone());
    let mut fields = Vec::new();
    if r.name.is_some() {
        fields.push(("Report", r.title.clone()));
    }
    fields.push(("Dates", r.range_text()));
    fields.push(("Counted", r.spec.kind.counted(r.table.total)));
    let mut blocks = vec![Block::title(heading.clone()), Block::fields(fields)];
    for n in &r.notes {
        blocks.push(Block::small(n.clone()));
    }
    if r.spec.kind == ReportKind::OpenStatuses {
        blocks.push(Block::small(
            "A pupil is counted in every month or term a status was open, and once in the total.",
        ));
    }
    blocks.push(Block::Rule);
    blocks.extend(table_blocks(r));
    match r.spec.kind {
        ReportKind::Incidents => {}
        ReportKind::FrequentConcerns => blocks.extend(frequent_blocks(r, hide_names)),
        ReportKind::ActionsByOutcome => blocks.extend(referral_blocks(r, hide_names)),
        ReportKind::OpenStatuses => blocks.extend(status_blocks(r, hide_names)),
    }
    Document {
        title: heading.clone(),
        header: format!("{} · {heading} · {}", r.school, r.range_text()),
        footer: format!("Printed by {} on {}", r.run_by, format_local(r.run_at)),
        blocks,
    }
}

/// The table, in blocks of at most [`COLUMNS_PER_BLOCK`] columns; the totals with the last.
fn table_blocks(r: &Report) -> Vec<Block> {
    let t = &r.table;
    if t.rows.is_empty() {
        return vec![Block::text("Nothing to count for these dates.")];
    }
    let by = r.spec.by;
    let chunks: Vec<std::ops::Range<usize>> = (0..t.columns.len().max(1))
        .step_by(COLUMNS_PER_BLOCK)
        .map(|start| start..(start + COLUMNS_PER_BLOCK).min(t.columns.len()))
        .collect();
    let mut blocks = Vec::new();
    for (n, range) in chunks.iter().enumerate() {
        let last = n + 1 == chunks.len();
        if chunks.len() > 1 {
            let first = t.columns.get(range.start).cloned().unwrap_or_default();
            let end = t.columns.get(range.end.saturating_sub(1)).cloned();
            blocks.push(Block::strong(match end {
                Some(end) if end != first => format!("{first} to {end}"),
                _ => first,
            }));
        }
        let mut columns = Vec::new();
        if let Some(t) = by {
            columns.push(Column::new(t.label(), 2.0));
        }
        columns.push(Column::new(r.spec.kind.row_title(), 3.0));
        for c in &t.columns[range.clone()] {
            columns.push(Column::right(c.clone(), 1.0));
        }
        if last {
            columns.push(Column::right("Total", 1.0));
        }
        let rows = t
            .rows
            .iter()
            .map(|row| {
                let mut cells = Vec::new();
                if by.is_some() {
                    cells.push(row.group.clone().unwrap_or_default());
                }
                cells.push(format!(
                    "{}{}",
                    "   ".repeat(usize::from(row.depth)),
                    row.name
                ));
                cells.extend(row.counts[range.clone()].iter().map(u32::to_string));
                if last {
                    cells.push(row.total.to_string());
                }
                cells
            })
            .collect();
        blocks.push(Block::Table(Table::new(columns, rows)));
        blocks.push(Block::Space(8.0));
    }
    blocks
}

fn frequent_blocks(r: &Report, hide_names: bool) -> Vec<Block> {
    let mut blocks = vec![Block::heading(r.title.clone())];
    if r.pupils.is_empty() {
        blocks.push(Block::text("None among the pupils the report could count."));
        return blocks;
    }
    let rows = r
        .pupils
        .iter()
        .map(|p| {
            vec![
                p.pupil.display_name(hide_names),
                p.pupil.class.clone(),
                p.most.to_string(),
                p.first.format("%d/%m/%Y").to_string(),
                p.last.format("%d/%m/%Y").to_string(),
                p.in_range.to_string(),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table::new(
        [
            Column::new("Pupil", 3.0),
            Column::new("Class", 1.5),
            Column::right(format!("In {} days", r.spec.within_days), 1.2),
            Column::new("From", 1.4),
            Column::new("To", 1.4),
            Column::right("In the range", 1.2),
        ],
        rows,
    )));
    blocks
}

fn referral_blocks(r: &Report, hide_names: bool) -> Vec<Block> {
    let mut blocks = vec![
        Block::heading("Referrals and what came of them"),
        Block::small(
            "Each referral to children's social care, the LADO or the police in these dates, \
             with every action on the incident since.",
        ),
    ];
    if r.referrals.is_empty() {
        blocks.push(Block::text(
            "No referrals among what the report could count.",
        ));
        return blocks;
    }
    let rows = r
        .referrals
        .iter()
        .map(|x| {
            vec![
                x.referred_on.format("%d/%m/%Y").to_string(),
                x.outcome.label().to_string(),
                format!("{} ({})", x.pupil.display_name(hide_names), x.pupil.class),
                format!("{}, {}", x.category, x.incident_on.format("%d/%m/%Y")),
                since_text(x),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table::new(
        [
            Column::new("Referred", 1.3),
            Column::new("To", 1.8),
            Column::new("Pupil", 2.2),
            Column::new("Incident", 2.2),
            Column::new("Since", 2.5),
        ],
        rows,
    )));
    blocks
}

fn status_blocks(r: &Report, hide_names: bool) -> Vec<Block> {
    let mut blocks = vec![Block::heading(format!(
        "Open on {}",
        r.to.format("%-d %B %Y")
    ))];
    for open in &r.open_statuses {
        let names = open.names(hide_names);
        blocks.push(Block::Together(vec![
            Block::strong(format!(
                "{}: {}",
                open.kind.label(),
                names::count(open.pupils.len(), "pupil", "pupils")
            )),
            Block::text(names),
            Block::Space(4.0),
        ]));
    }
    blocks
}
