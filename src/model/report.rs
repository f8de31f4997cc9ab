//! Reports: counting the records a reader may read, by category and sub-category, by class group
//! and over time, as a table and as the columns of a chart.
//!
//! The engine does not know what it counts. A [`Counted`] record is a pupil, the category whose
//! *View Incidents* its reader needs (if any), a day and a row; incidents count into the category
//! tree today, and the casework records that come later (actions by outcome, pupils' statuses)
//! count the same way into rows of their own (see [`Rows`]). What a reader may count is decided
//! by [`Reader`], which takes the pupils from [`SchoolAccess`] (the one access rule) and the
//! categories from the reader's own grid, so a report never counts what a profile would hide.

use super::access::{Purpose, SchoolAccess};
use super::permission::{CategoryPermission, CategoryPermissions};
use super::{Category, CategoryId, GroupType, PupilGroup, PupilGroupId, PupilId, UserId};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The most columns a report draws: ten years of terms, or a little over that of months.
pub const MAX_COLUMNS: usize = 130;
/// The longest window "more than N concerns in D days" looks at.
pub const MAX_WINDOW_DAYS: u32 = 3_660;

/// What a report counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// Incidents, by category and sub-category.
    #[default]
    Incidents,
    /// Pupils with more than N concerns in any D days running.
    FrequentConcerns,
    /// Actions on incidents, by outcome (referrals and what came of them), on the day each was
    /// taken.
    ActionsByOutcome,
    /// Pupils with each status (a child-protection plan, child in need, ...) in each column it
    /// was open, and those with one open on the last day.
    OpenStatuses,
}

impl ReportKind {
    pub const ALL: [ReportKind; 4] = [
        ReportKind::Incidents,
        ReportKind::FrequentConcerns,
        ReportKind::ActionsByOutcome,
        ReportKind::OpenStatuses,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ReportKind::Incidents => "Incidents by category",
            ReportKind::FrequentConcerns => "Pupils with frequent concerns",
            ReportKind::ActionsByOutcome => "Actions by outcome",
            ReportKind::OpenStatuses => "Pupils with each status",
        }
    }

    /// The word the command line takes.
    pub fn key(self) -> &'static str {
        match self {
            ReportKind::Incidents => "incidents",
            ReportKind::FrequentConcerns => "frequent-concerns",
            ReportKind::ActionsByOutcome => "actions",
            ReportKind::OpenStatuses => "statuses",
        }
    }

    /// What the table's rows are, for its first column's heading.
    pub fn row_title(self) -> &'static str {
        match self {
            ReportKind::Incidents | ReportKind::FrequentConcerns => "Category",
            ReportKind::ActionsByOutcome => "Outcome",
            ReportKind::OpenStatuses => "Status",
        }
    }

    /// What one count in the table is: "12 incidents counted".
    pub fn counted(self, n: u32) -> String {
        let (one, many) = match self {
            ReportKind::Incidents | ReportKind::FrequentConcerns => ("incident", "incidents"),
            ReportKind::ActionsByOutcome => ("action", "actions"),
            // A pupil on a plan all year is in every month's count, and once in the total.
            ReportKind::OpenStatuses => ("pupil", "pupils"),
        };
        format!("{} counted.", super::names::count(n as usize, one, many))
    }

    /// Whether the report can be narrowed to chosen categories: statuses belong to none.
    pub fn uses_categories(self) -> bool {
        self != ReportKind::OpenStatuses
    }

    pub fn from_key(key: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.key() == key)
    }
}

impl std::fmt::Display for ReportKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// The columns of a report: calendar months, or school terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    #[default]
    Month,
    /// Autumn (September to December), Spring (January to March), Summer (April to August).
    /// Half-terms and the date of Easter differ between schools; these are the calendar blocks
    /// every school's terms fall in.
    Term,
}

impl Period {
    pub const ALL: [Period; 2] = [Period::Month, Period::Term];

    pub fn label(self) -> &'static str {
        match self {
            Period::Month => "Month",
            Period::Term => "Term",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Term => "term",
        }
    }

    pub fn from_key(key: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| p.key() == key)
    }

    /// A number that goes up by one from each column to the next.
    fn index(self, day: NaiveDate) -> i64 {
        let (y, m) = (i64::from(day.year()), i64::from(day.month()));
        match self {
            Period::Month => y * 12 + m - 1,
            // Spring and Summer belong to the school year that began the September before.
            Period::Term => match m {
                9..=12 => y * 3,
                1..=3 => (y - 1) * 3 + 1,
                _ => (y - 1) * 3 + 2,
            },
        }
    }

    /// The first day of the column after the one `day` is in.
    pub fn next_start(self, day: NaiveDate) -> Option<NaiveDate> {
        let month_start = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1);
        let (y, m) = (day.year(), day.month());
        match self {
            Period::Month if m == 12 => month_start(y + 1, 1),
            Period::Month => month_start(y, m + 1),
            Period::Term => match m {
                9..=12 => month_start(y + 1, 1),
                1..=3 => month_start(y, 4),
                _ => month_start(y, 9),
            },
        }
    }

    /// "Mar 2026", "Autumn 2025".
    fn column_label(self, index: i64) -> String {
        match self {
            Period::Month => {
                let (y, m) = (index.div_euclid(12), index.rem_euclid(12) + 1);
                NaiveDate::from_ymd_opt(y as i32, m as u32, 1)
                    .map(|d| d.format("%b %Y").to_string())
                    .unwrap_or_default()
            }
            Period::Term => {
                let (start, term) = (index.div_euclid(3), index.rem_euclid(3));
                match term {
                    0 => format!("Autumn {start}"),
                    1 => format!("Spring {}", start + 1),
                    _ => format!("Summer {}", start + 1),
                }
            }
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// The days a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case", tag = "range")]
pub enum DateRange {
    /// From 1 September of the current school year to today: a saved report stays current.
    #[default]
    SchoolYear,
    /// The last N days, today included.
    LastDays { days: u32 },
    /// Two dates, both included.
    Between {
        #[serde(with = "day_text")]
        from: NaiveDate,
        #[serde(with = "day_text")]
        to: NaiveDate,
    },
}

impl DateRange {
    /// The first and last day, given today's date.
    pub fn days(&self, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), String> {
        let (from, to) = match *self {
            DateRange::SchoolYear => {
                let year = if today.month() >= 9 {
                    today.year()
                } else {
                    today.year() - 1
                };
                (NaiveDate::from_ymd_opt(year, 9, 1).unwrap_or(today), today)
            }
            DateRange::LastDays { days } => {
                if days == 0 || days > MAX_WINDOW_DAYS {
                    return Err(format!(
                        "The number of days must be between 1 and {MAX_WINDOW_DAYS}."
                    ));
                }
                let back = chrono::Days::new(u64::from(days - 1));
                (today.checked_sub_days(back).unwrap_or(today), today)
            }
            DateRange::Between { from, to } => (from, to),
        };
        if from > to {
            return Err(format!(
                "The report would start on {} after it ends on {}. Swap the two dates.",
                from.format("%d/%m/%Y"),
                to.format("%d/%m/%Y")
            ));
        }
        Ok((from, to))
    }

    /// "1 Sep 2025 to 14 Mar 2026", given today.
    pub fn describe(&self, today: NaiveDate) -> String {
        match self.days(today) {
            Ok((from, to)) => format!("{} to {}", from.format("%-d %b %Y"), to.format("%-d %b %Y")),
            Err(e) => e,
        }
    }
}

/// A report's question: what is counted, over which days, in which columns and rows. Saved
/// reports keep exactly this (as JSON), never an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSpec {
    #[serde(default)]
    pub kind: ReportKind,
    #[serde(default)]
    pub range: DateRange,
    #[serde(default)]
    pub per: Period,
    /// Rows by the pupils' House, Academic Level or Registration Form, as well as by category.
    #[serde(default, with = "group_type_key")]
    pub by: Option<GroupType>,
    /// Only these categories (a category includes its sub-categories). Empty: every category the
    /// reader may read incidents in.
    #[serde(default)]
    pub categories: Vec<CategoryId>,
    /// Pupils with frequent concerns: more than this many...
    #[serde(default = "default_more_than")]
    pub more_than: u32,
    /// ...within this many days running.
    #[serde(default = "default_window")]
    pub within_days: u32,
}

fn default_more_than() -> u32 {
    3
}

fn default_window() -> u32 {
    30
}

impl Default for ReportSpec {
    fn default() -> Self {
        ReportSpec {
            kind: ReportKind::default(),
            range: DateRange::default(),
            per: Period::default(),
            by: None,
            categories: Vec::new(),
            more_than: default_more_than(),
            within_days: default_window(),
        }
    }
}

impl ReportSpec {
    pub fn to_json(&self) -> String {
        // Plain data with string keys always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<ReportSpec, String> {
        serde_json::from_str(text).map_err(|e| format!("the saved settings could not be read: {e}"))
    }

    /// The title a report's page and files carry: "Incidents by category, by Academic Level, per
    /// month".
    pub fn title(&self) -> String {
        match self.kind {
            ReportKind::Incidents => {
                let by = self
                    .by
                    .map(|t| format!(" and {}", t.label()))
                    .unwrap_or_default();
                format!(
                    "Incidents by category{by}, per {}",
                    self.per.label().to_lowercase()
                )
            }
            ReportKind::FrequentConcerns => format!(
                "Pupils with more than {} in {} days",
                super::names::count(self.more_than as usize, "concern", "concerns"),
                self.within_days
            ),
            ReportKind::ActionsByOutcome | ReportKind::OpenStatuses => {
                let by = self
                    .by
                    .map(|t| format!(" and {}", t.label()))
                    .unwrap_or_default();
                format!(
                    "{}{by}, per {}",
                    self.kind.label(),
                    self.per.label().to_lowercase()
                )
            }
        }
    }
}

/// Dates in saved settings as `2026-03-14`.
mod day_text {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(day: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&day.format("%Y-%m-%d").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let text = String::deserialize(d)?;
        NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(serde::de::Error::custom)
    }
}

/// A group type in saved settings by its stable key (`academic_level`).
mod group_type_key {
    use crate::model::GroupType;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Option<GroupType>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_some(t.key()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<GroupType>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(key) => GroupType::from_key(&key)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown group type {key:?}"))),
        }
    }
}

/// One record a report may count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub pupil: PupilId,
    /// The category whose View Incidents a reader needs to count it; `None` for records that
    /// belong to no category (a pupil's status).
    pub category: Option<CategoryId>,
    /// The day it happened (for an incident, the day it occurred, however late it was recorded).
    pub day: NaiveDate,
    /// Its row in the report's [`Rows`].
    pub row: usize,
}

/// The rows a report counts into, in the order shown. A row with a parent adds to its parent
/// too (a sub-category to its category); each row belongs to one series of the chart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rows {
    rows: Vec<RowDef>,
    series: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct RowDef {
    label: String,
    /// The row's own name, without its parent's: "Against Peers".
    name: String,
    parent: Option<usize>,
    series: usize,
    /// Shown only when something was counted in it (an archived category).
    quiet: bool,
}

impl Rows {
    /// Rows without parents, each its own series (outcomes, statuses).
    pub fn flat(labels: impl IntoIterator<Item = String>) -> Rows {
        let mut rows = Rows::default();
        for label in labels {
            rows.series.push(label.clone());
            rows.rows.push(RowDef {
                name: label.clone(),
                label,
                parent: None,
                series: rows.series.len() - 1,
                quiet: false,
            });
        }
        rows
    }

    /// The category tree in the grid's order: each category, then its sub-categories; a series
    /// per category. Only the categories `keep` takes have rows (a sub-category kept without its
    /// category stands on its own); archived ones show only when something was counted in them.
    /// Returns each category's row.
    pub fn categories(
        all: &[Category],
        keep: impl Fn(&Category) -> bool,
    ) -> (Rows, HashMap<CategoryId, usize>) {
        let mut rows = Rows::default();
        let mut index: HashMap<CategoryId, usize> = HashMap::new();
        let names: HashMap<CategoryId, &str> =
            all.iter().map(|c| (c.id, c.name.as_str())).collect();
        for c in super::category::tree_order(all) {
            if !keep(c) {
                continue;
            }
            let label = c.path(c.parent.and_then(|p| names.get(&p).copied()));
            let parent = c.parent.and_then(|p| index.get(&p).copied());
            let series = match parent {
                Some(p) => rows.rows[p].series,
                None => {
                    rows.series.push(label.clone());
                    rows.series.len() - 1
                }
            };
            rows.rows.push(RowDef {
                label,
                name: c.name.clone(),
                parent,
                series,
                quiet: c.archived,
            });
            index.insert(c.id, rows.rows.len() - 1);
        }
        (rows, index)
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The row and every row above it.
    fn chain(&self, row: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(row), |r| self.rows.get(*r).and_then(|d| d.parent))
            .filter(|r| *r < self.rows.len())
    }

    fn depth(&self, row: usize) -> u8 {
        (self.chain(row).count().saturating_sub(1)).min(u8::MAX as usize) as u8
    }
}

/// What one reader may count: pupils whose profile they may open (the access rule, from
/// [`SchoolAccess`]) and categories they may read incidents in (their user group's grid).
#[derive(Debug, Clone)]
pub struct Reader {
    pupils: HashSet<PupilId>,
    categories: CategoryPermissions,
}

impl Reader {
    /// `categories` are the reader's effective category permissions (after the no-key cap).
    pub fn new(access: &SchoolAccess, user: UserId, categories: &CategoryPermissions) -> Reader {
        Reader {
            pupils: access
                .visible_pupils(user, Purpose::Profile)
                .into_iter()
                .collect(),
            categories: categories.clone(),
        }
    }

    /// Whether the reader could open this pupil's profile and read records in this category.
    pub fn may_read(&self, pupil: PupilId, category: Option<CategoryId>) -> bool {
        self.pupils.contains(&pupil)
            && category.is_none_or(|c| self.categories.allows(c, CategoryPermission::ViewIncidents))
    }

    pub fn may_read_category(&self, category: CategoryId) -> bool {
        self.categories
            .allows(category, CategoryPermission::ViewIncidents)
    }

    /// How many pupils the reader's reports can count at all.
    pub fn pupil_count(&self) -> usize {
        self.pupils.len()
    }
}

/// The pupils' classes, for rows by House, Academic Level or Registration Form.
#[derive(Debug, Clone, Copy)]
pub struct Classes<'a> {
    /// Every group, in the school's order (Reception before Year 1).
    pub groups: &'a [PupilGroup],
    pub memberships: &'a BTreeMap<PupilId, Vec<PupilGroupId>>,
}

/// One row of a report's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// The class group ("Year 3"), when rows are by a group type.
    pub group: Option<String>,
    /// "Behaviour" or "Behaviour — Against Peers".
    pub label: String,
    /// "Behaviour" or "Against Peers": what a table that indents sub-categories shows.
    pub name: String,
    /// 0 for a category, 1 for a sub-category.
    pub depth: u8,
    /// One count per column.
    pub counts: Vec<u32>,
    pub total: u32,
}

/// A report's answer: the table, and the chart's bars (one per column, stacked by series).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<TableRow>,
    pub series: Vec<String>,
    /// `bars[column][series]`.
    pub bars: Vec<Vec<u32>>,
    /// Records counted.
    pub total: u32,
}

/// One pupil of "more than N concerns in D days".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frequent {
    pub pupil: PupilId,
    /// Concerns in the busiest D days.
    pub most: u32,
    /// The first and last concern of those D days.
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// Concerns in the whole range.
    pub in_range: u32,
}

/// The report's columns for a range: every month or term it touches.
pub fn columns(per: Period, from: NaiveDate, to: NaiveDate) -> Result<Vec<String>, String> {
    let (first, last) = (per.index(from), per.index(to));
    let n = (last - first + 1).max(0) as usize;
    if n > MAX_COLUMNS {
        return Err(format!(
            "That range has {n} {}s, more than a report can draw ({MAX_COLUMNS}). Choose a shorter range{}.",
            per.label().to_lowercase(),
            if per == Period::Month {
                ", or columns by term"
            } else {
                ""
            }
        ));
    }
    Ok((first..=last).map(|i| per.column_label(i)).collect())
}

/// What is being tabulated: the records, how to read them and where to put them.
#[derive(Debug, Clone, Copy)]
pub struct Question<'a> {
    pub rows: &'a Rows,
    pub per: Period,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub by: Option<GroupType>,
    /// Only records in these rows (and the rows under them); `None`: every row.
    pub only: Option<&'a HashSet<usize>>,
}

impl Question<'_> {
    /// Whether a record is in the range and the chosen rows, and the reader may read it.
    fn takes(&self, reader: &Reader, r: &Counted) -> bool {
        r.day >= self.from
            && r.day <= self.to
            && r.row < self.rows.len()
            && self
                .only
                .is_none_or(|only| self.rows.chain(r.row).any(|row| only.contains(&row)))
            && reader.may_read(r.pupil, r.category)
    }
}

/// Counts what the reader may read into rows (by group, when asked) and columns.
pub fn tabulate(
    q: &Question<'_>,
    reader: &Reader,
    classes: Classes<'_>,
    records: &[Counted],
) -> Result<Table, String> {
    tabulate_where(q, reader, classes, records, false, |_| true)
}

/// Counts pupils rather than records: each cell, row total and the grand total count a pupil
/// once however many records they have there (a pupil on a plan all term is one pupil that
/// term, and one in the total across terms).
pub fn tabulate_pupils(
    q: &Question<'_>,
    reader: &Reader,
    classes: Classes<'_>,
    records: &[Counted],
) -> Result<Table, String> {
    tabulate_where(q, reader, classes, records, true, |_| true)
}

fn tabulate_where(
    q: &Question<'_>,
    reader: &Reader,
    classes: Classes<'_>,
    records: &[Counted],
    distinct: bool,
    also: impl Fn(&Counted) -> bool,
) -> Result<Table, String> {
    let columns = columns(q.per, q.from, q.to)?;
    let first = q.per.index(q.from);
    let width = columns.len();
    // Groups of the chosen type, in the school's order; pupils in none of them count under
    // "No House" (and so on) after the others.
    let (group_order, group_of): (Vec<&PupilGroup>, HashMap<PupilGroupId, usize>) = match q.by {
        Some(t) => {
            let of_type: Vec<&PupilGroup> = classes
                .groups
                .iter()
                .filter(|g| g.group_type == t)
                .collect();
            let index = of_type.iter().enumerate().map(|(i, g)| (g.id, i)).collect();
            (of_type, index)
        }
        None => (Vec::new(), HashMap::new()),
    };
    let none_slot = group_order.len();
    let slots = if q.by.is_some() { none_slot + 1 } else { 1 };
    let mut counts = vec![0u32; slots * q.rows.len() * width];
    let mut bars = vec![vec![0u32; q.rows.series.len()]; width];
    let mut total = 0u32;
    let mut pupil_slots: HashMap<PupilId, Vec<usize>> = HashMap::new();
    // Counting pupils: who is already in each cell, bar and row, and in the whole report.
    #[derive(PartialEq, Eq, Hash)]
    enum Cell {
        Count(usize),
        Bar(usize, usize),
    }
    let mut seen: HashSet<(Cell, PupilId)> = HashSet::new();
    let mut row_pupils: HashMap<usize, HashSet<PupilId>> = HashMap::new();
    let mut counted_pupils: HashSet<PupilId> = HashSet::new();
    for r in records {
        if !q.takes(reader, r) || !also(r) {
            continue;
        }
        let column = (q.per.index(r.day) - first) as usize;
        if column >= width {
            continue;
        }
        if !distinct || counted_pupils.insert(r.pupil) {
            total += 1;
        }
        if let Some(series) = q.rows.rows.get(r.row).map(|d| d.series)
            && let Some(bar) = bars[column].get_mut(series)
            && (!distinct || seen.insert((Cell::Bar(column, series), r.pupil)))
        {
            *bar += 1;
        }
        let in_slots: &[usize] = if q.by.is_some() {
            pupil_slots.entry(r.pupil).or_insert_with(|| {
                let mut mine: Vec<usize> = classes
                    .memberships
                    .get(&r.pupil)
                    .into_iter()
                    .flatten()
                    .filter_map(|g| group_of.get(g).copied())
                    .collect();
                mine.sort_unstable();
                mine.dedup();
                if mine.is_empty() {
                    mine.push(none_slot);
                }
                mine
            })
        } else {
            &[0]
        };
        for &slot in in_slots {
            for row in q.rows.chain(r.row) {
                let cell = (slot * q.rows.len() + row) * width + column;
                if !distinct || seen.insert((Cell::Count(cell), r.pupil)) {
                    counts[cell] += 1;
                }
                if distinct {
                    row_pupils
                        .entry(slot * q.rows.len() + row)
                        .or_default()
                        .insert(r.pupil);
                }
            }
        }
    }
    let mut rows = Vec::new();
    for slot in 0..slots {
        let group = q.by.map(|t| match group_order.get(slot) {
            Some(g) => g.name.clone(),
            None => format!("No {}", t.label()),
        });
        for row in 0..q.rows.len() {
            let start = (slot * q.rows.len() + row) * width;
            let these = counts[start..start + width].to_vec();
            let row_total: u32 = if distinct {
                row_pupils
                    .get(&(slot * q.rows.len() + row))
                    .map_or(0, |p| p.len() as u32)
            } else {
                these.iter().sum()
            };
            // Rows by group list only what was counted, or a big school's table would be
            // mostly zeros; rows by category alone list every category, so a zero shows.
            if (q.by.is_some() || q.rows.rows[row].quiet) && row_total == 0 {
                continue;
            }
            if q.only
                .is_some_and(|only| !q.rows.chain(row).any(|r| only.contains(&r)))
            {
                continue;
            }
            rows.push(TableRow {
                group: group.clone(),
                label: q.rows.rows[row].label.clone(),
                name: q.rows.rows[row].name.clone(),
                depth: q.rows.depth(row),
                counts: these,
                total: row_total,
            });
        }
    }
    Ok(Table {
        columns,
        rows,
        series: q.rows.series.clone(),
        bars,
        total,
    })
}

/// Pupils with more than `more_than` records the reader may read within any `within_days` days
/// running, inside the range; most first. Their records make the table and chart.
pub fn frequent(
    q: &Question<'_>,
    reader: &Reader,
    classes: Classes<'_>,
    records: &[Counted],
    more_than: u32,
    within_days: u32,
) -> Result<(Vec<Frequent>, Table), String> {
    if within_days == 0 || within_days > MAX_WINDOW_DAYS {
        return Err(format!(
            "The number of days must be between 1 and {MAX_WINDOW_DAYS}."
        ));
    }
    let mut days: HashMap<PupilId, Vec<NaiveDate>> = HashMap::new();
    for r in records.iter().filter(|r| q.takes(reader, r)) {
        days.entry(r.pupil).or_default().push(r.day);
    }
    let window = i64::from(within_days);
    let mut found = Vec::new();
    for (pupil, mut list) in days {
        list.sort_unstable();
        let (mut best, mut best_at) = (0usize, 0usize);
        let mut start = 0;
        for end in 0..list.len() {
            while (list[end] - list[start]).num_days() >= window {
                start += 1;
            }
            if end + 1 - start > best {
                best = end + 1 - start;
                best_at = start;
            }
        }
        if best as u32 > more_than {
            found.push(Frequent {
                pupil,
                most: best as u32,
                first: list[best_at],
                last: list[best_at + best - 1],
                in_range: list.len() as u32,
            });
        }
    }
    found.sort_by_key(|f| (std::cmp::Reverse(f.most), f.pupil));
    let listed: HashSet<PupilId> = found.iter().map(|f| f.pupil).collect();
    let table = tabulate_where(q, reader, classes, records, false, |r| {
        listed.contains(&r.pupil)
    })?;
    Ok((found, table))
}

/// A status as records to count: one in each column of `per` it was open in, between `from`
/// and `to`, on the first day of that column it was open. A status is open from the day it
/// started until the day before it ended.
pub fn status_records(
    status: &super::casework::PupilStatus,
    row: usize,
    per: Period,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Counted> {
    let last_open = status.ended_on.and_then(|e| e.pred_opt()).unwrap_or(to);
    let (mut day, last) = (status.started_on.max(from), last_open.min(to));
    let mut out = Vec::new();
    while day <= last {
        out.push(Counted {
            pupil: status.pupil,
            category: None,
            day,
            row,
        });
        match per.next_start(day) {
            Some(next) => day = next,
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::access::{SchoolAccessInput, Viewer};
    use crate::model::category::sample;
    use crate::model::{CategoryGrant, SystemPermission, SystemPermissions};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const TEACHER: UserId = UserId(1);
    const YEAR_1: PupilGroupId = PupilGroupId(10);
    const YEAR_2: PupilGroupId = PupilGroupId(11);

    fn group(id: PupilGroupId, name: &str) -> PupilGroup {
        PupilGroup {
            id,
            group_type: GroupType::AcademicLevel,
            name: name.into(),
            mis_id: None,
            is_new: false,
        }
    }

    /// Pupils 1 and 2 in Year 1 (the teacher's), 3 in Year 2; Academic Levels restricted.
    fn school() -> (
        SchoolAccess,
        Vec<PupilGroup>,
        BTreeMap<PupilId, Vec<PupilGroupId>>,
    ) {
        let groups = vec![group(YEAR_1, "Year 1"), group(YEAR_2, "Year 2")];
        let memberships: BTreeMap<PupilId, Vec<PupilGroupId>> = [
            (PupilId(1), vec![YEAR_1]),
            (PupilId(2), vec![YEAR_1]),
            (PupilId(3), vec![YEAR_2]),
        ]
        .into_iter()
        .collect();
        let access = SchoolAccess::new(SchoolAccessInput {
            restricted: [GroupType::AcademicLevel].into_iter().collect(),
            groups: groups.clone(),
            access_lists: [(YEAR_1, [TEACHER].into_iter().collect())]
                .into_iter()
                .collect(),
            pupils: memberships.clone(),
            viewers: vec![Viewer {
                user: TEACHER,
                active: true,
                group_active: true,
                group_name: "Teachers".into(),
                group_permissions: SystemPermissions::none()
                    .with(SystemPermission::ViewStudentsList)
                    .with(SystemPermission::ViewStudentDetails)
                    .with(SystemPermission::RunReports),
                has_active_key: true,
            }],
        });
        (access, groups, memberships)
    }

    fn categories() -> Vec<Category> {
        vec![
            sample(1, None, "Behaviour"),
            sample(2, Some(1), "Against Peers"),
            sample(3, None, "Attendance"),
        ]
    }

    /// The teacher may read Behaviour and its sub-category, not Attendance.
    fn reader(access: &SchoolAccess) -> Reader {
        let mut grid = CategoryPermissions::default();
        for c in [1, 2] {
            grid.set_grant(CategoryId(c), CategoryGrant::ALL);
        }
        Reader::new(access, TEACHER, &grid)
    }

    fn record(pupil: i64, category: i64, on: &str, index: &HashMap<CategoryId, usize>) -> Counted {
        Counted {
            pupil: PupilId(pupil),
            category: Some(CategoryId(category)),
            day: day(on),
            row: index[&CategoryId(category)],
        }
    }

    #[test]
    fn a_report_counts_only_pupils_and_categories_the_reader_may_read() {
        let (access, groups, memberships) = school();
        let (rows, index) = Rows::categories(&categories(), |_| true);
        let records = vec![
            record(1, 2, "2026-01-05", &index),
            record(2, 1, "2026-02-10", &index),
            // Another year's pupil, and a category the teacher may not read: neither counts.
            record(3, 1, "2026-01-06", &index),
            record(1, 3, "2026-01-07", &index),
            // Outside the range.
            record(1, 1, "2025-12-31", &index),
        ];
        let q = Question {
            rows: &rows,
            per: Period::Month,
            from: day("2026-01-01"),
            to: day("2026-02-28"),
            by: None,
            only: None,
        };
        let classes = Classes {
            groups: &groups,
            memberships: &memberships,
        };
        let t = tabulate(&q, &reader(&access), classes, &records).unwrap();
        assert_eq!(t.columns, ["Jan 2026", "Feb 2026"]);
        assert_eq!(t.total, 2);
        let by_label: Vec<(&str, u8, Vec<u32>)> = t
            .rows
            .iter()
            .map(|r| (r.label.as_str(), r.depth, r.counts.clone()))
            .collect();
        assert_eq!(
            by_label,
            [
                ("Behaviour", 0, vec![1, 1]),
                ("Behaviour — Against Peers", 1, vec![1, 0]),
                ("Attendance", 0, vec![0, 0]),
            ]
        );
        assert_eq!(t.series, ["Behaviour", "Attendance"]);
        assert_eq!(t.bars, [vec![1, 0], vec![1, 0]]);
    }

    #[test]
    fn rows_by_group_list_each_group_with_what_was_counted() {
        let (access, groups, memberships) = school();
        let (rows, index) = Rows::categories(&categories(), |_| true);
        let records = vec![
            record(1, 2, "2026-01-05", &index),
            record(2, 2, "2026-01-09", &index),
        ];
        let q = Question {
            rows: &rows,
            per: Period::Term,
            from: day("2025-09-01"),
            to: day("2026-07-20"),
            by: Some(GroupType::AcademicLevel),
            only: None,
        };
        let classes = Classes {
            groups: &groups,
            memberships: &memberships,
        };
        let t = tabulate(&q, &reader(&access), classes, &records).unwrap();
        assert_eq!(t.columns, ["Autumn 2025", "Spring 2026", "Summer 2026"]);
        let got: Vec<(Option<&str>, &str, u32)> = t
            .rows
            .iter()
            .map(|r| (r.group.as_deref(), r.label.as_str(), r.total))
            .collect();
        assert_eq!(
            got,
            [
                (Some("Year 1"), "Behaviour", 2),
                (Some("Year 1"), "Behaviour — Against Peers", 2),
            ]
        );
    }

    #[test]
    fn choosing_a_category_keeps_its_sub_categories_and_drops_the_rest() {
        let (access, groups, memberships) = school();
        let (rows, index) = Rows::categories(&categories(), |_| true);
        let records = vec![
            record(1, 2, "2026-01-05", &index),
            record(1, 1, "2026-01-06", &index),
        ];
        let only: HashSet<usize> = [index[&CategoryId(2)]].into_iter().collect();
        let q = Question {
            rows: &rows,
            per: Period::Month,
            from: day("2026-01-01"),
            to: day("2026-01-31"),
            by: None,
            only: Some(&only),
        };
        let classes = Classes {
            groups: &groups,
            memberships: &memberships,
        };
        let t = tabulate(&q, &reader(&access), classes, &records).unwrap();
        assert_eq!(t.total, 1);
        let labels: Vec<&str> = t.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["Behaviour — Against Peers"]);
    }

    #[test]
    fn frequent_concerns_look_at_any_days_running() {
        let (access, groups, memberships) = school();
        let (rows, index) = Rows::categories(&categories(), |_| true);
        let mut records = Vec::new();
        // Pupil 1: four concerns within 10 days in March. Pupil 2: four, but spread over months.
        for d in ["2026-03-01", "2026-03-04", "2026-03-08", "2026-03-10"] {
            records.push(record(1, 1, d, &index));
        }
        for d in ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"] {
            records.push(record(2, 1, d, &index));
        }
        // Pupil 3 has many, but the teacher cannot see them: not listed, not counted.
        for d in [
            "2026-03-01",
            "2026-03-02",
            "2026-03-03",
            "2026-03-04",
            "2026-03-05",
        ] {
            records.push(record(3, 1, d, &index));
        }
        let q = Question {
            rows: &rows,
            per: Period::Month,
            from: day("2026-01-01"),
            to: day("2026-04-30"),
            by: None,
            only: None,
        };
        let classes = Classes {
            groups: &groups,
            memberships: &memberships,
        };
        let (found, table) = frequent(&q, &reader(&access), classes, &records, 3, 30).unwrap();
        assert_eq!(
            found,
            [Frequent {
                pupil: PupilId(1),
                most: 4,
                first: day("2026-03-01"),
                last: day("2026-03-10"),
                in_range: 4,
            }]
        );
        assert_eq!(table.total, 4);
        // Exactly N is not "more than N".
        let (found, _) = frequent(&q, &reader(&access), classes, &records, 4, 30).unwrap();
        assert!(found.is_empty());
        // A window of ten days holds the 1st to the 10th; one of nine days does not.
        let (found, _) = frequent(&q, &reader(&access), classes, &records, 3, 9).unwrap();
        assert!(found.is_empty());
    }

    fn status(pupil: i64, from: &str, until: Option<&str>) -> crate::model::casework::PupilStatus {
        crate::model::casework::PupilStatus {
            id: crate::model::StatusId(pupil),
            pupil: PupilId(pupil),
            kind: crate::model::casework::StatusKind::ChildInNeed,
            started_on: day(from),
            ended_on: until.map(day),
            note: String::new(),
            set_by: None,
            set_at: 0,
            ended_by: None,
            ended_at: None,
            set_by_name: None,
            ended_by_name: None,
        }
    }

    #[test]
    fn a_status_counts_once_in_each_column_it_was_open_and_once_in_the_total() {
        let (access, groups, memberships) = school();
        let rows = Rows::flat(["Child in need".to_string()]);
        let (from, to) = (day("2026-01-01"), day("2026-04-30"));
        let mut records = Vec::new();
        // Pupil 1 from mid-January to the day March began (so not open in March); then again
        // from the 20th of March: two statuses, one pupil.
        for s in [
            status(1, "2026-01-15", Some("2026-03-01")),
            status(1, "2026-03-20", None),
            // Pupil 2 ended before the range; pupil 3 is not the teacher's.
            status(2, "2025-06-01", Some("2025-12-31")),
            status(3, "2026-01-01", None),
        ] {
            records.extend(status_records(&s, 0, Period::Month, from, to));
        }
        let q = Question {
            rows: &rows,
            per: Period::Month,
            from,
            to,
            by: None,
            only: None,
        };
        let classes = Classes {
            groups: &groups,
            memberships: &memberships,
        };
        let t = tabulate_pupils(&q, &reader(&access), classes, &records).unwrap();
        assert_eq!(t.columns, ["Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026"]);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].counts, [1, 1, 1, 1]);
        assert_eq!(t.rows[0].total, 1, "one pupil, however many months");
        assert_eq!(t.total, 1);
        assert_eq!(t.bars, [vec![1], vec![1], vec![1], vec![1]]);
        // Counting records instead would count pupil 1 in every month, and twice over.
        let by_record = tabulate(&q, &reader(&access), classes, &records).unwrap();
        assert_eq!(by_record.rows[0].total, 4);
        // A status that ended the day it began was never open.
        assert!(
            status_records(
                &status(1, "2026-02-02", Some("2026-02-02")),
                0,
                Period::Term,
                from,
                to
            )
            .is_empty()
        );
    }

    #[test]
    fn the_next_column_starts_on_the_first_day_of_the_next_month_or_term() {
        assert_eq!(
            Period::Month.next_start(day("2025-12-31")),
            Some(day("2026-01-01"))
        );
        assert_eq!(
            Period::Month.next_start(day("2026-02-10")),
            Some(day("2026-03-01"))
        );
        assert_eq!(
            Period::Term.next_start(day("2025-09-01")),
            Some(day("2026-01-01"))
        );
        assert_eq!(
            Period::Term.next_start(day("2026-03-31")),
            Some(day("2026-04-01"))
        );
        assert_eq!(
            Period::Term.next_start(day("2026-08-31")),
            Some(day("2026-09-01"))
        );
        for per in Period::ALL {
            let mut d = day("2025-01-01");
            while d < day("2027-01-01") {
                let next = per.next_start(d).unwrap();
                assert_eq!(per.index(next), per.index(d) + 1, "{per:?} {d}");
                d = next;
            }
        }
    }

    #[test]
    fn terms_and_months_are_labelled_in_school_words() {
        let cols = columns(Period::Term, day("2025-12-20"), day("2026-04-02")).unwrap();
        assert_eq!(cols, ["Autumn 2025", "Spring 2026", "Summer 2026"]);
        let cols = columns(Period::Month, day("2025-12-20"), day("2026-01-02")).unwrap();
        assert_eq!(cols, ["Dec 2025", "Jan 2026"]);
        assert!(columns(Period::Month, day("2000-01-01"), day("2026-01-01")).is_err());
        assert!(columns(Period::Term, day("2000-01-01"), day("2026-01-01")).is_ok());
    }

    #[test]
    fn date_ranges_follow_today_and_refuse_a_backwards_range() {
        let today = day("2026-03-14");
        assert_eq!(
            DateRange::SchoolYear.days(today).unwrap(),
            (day("2025-09-01"), today)
        );
        assert_eq!(
            DateRange::SchoolYear.days(day("2026-09-02")).unwrap(),
            (day("2026-09-01"), day("2026-09-02"))
        );
        assert_eq!(
            DateRange::LastDays { days: 7 }.days(today).unwrap(),
            (day("2026-03-08"), today)
        );
        let backwards = DateRange::Between {
            from: day("2026-03-01"),
            to: day("2026-02-01"),
        };
        assert!(backwards.days(today).unwrap_err().contains("Swap"));
        assert!(DateRange::LastDays { days: 0 }.days(today).is_err());
    }

    #[test]
    fn saved_settings_read_back_as_they_were_written() {
        let spec = ReportSpec {
            kind: ReportKind::FrequentConcerns,
            range: DateRange::Between {
                from: day("2025-09-01"),
                to: day("2026-03-31"),
            },
            per: Period::Term,
            by: Some(GroupType::RegistrationForm),
            categories: vec![CategoryId(4)],
            more_than: 2,
            within_days: 14,
        };
        let json = spec.to_json();
        assert!(json.contains("\"registration_form\""), "{json}");
        assert!(json.contains("\"2025-09-01\""), "{json}");
        assert_eq!(ReportSpec::from_json(&json).unwrap(), spec);
        // Settings saved before a field existed take its default.
        assert_eq!(
            ReportSpec::from_json("{\"kind\":\"incidents\"}").unwrap(),
            ReportSpec::default()
        );
        assert!(ReportSpec::from_json("{\"by\":\"planet\"}").is_err());
    }
}
