//! Reports (Run reports) and saved reports (Share saved reports to share them). A report counts
//! only pupils whose profile its reader may open and categories they may read incidents in, so
//! it never reveals what a profile would hide; a shared report shares the question, and each
//! reader who runs it gets the answer their own access gives. Running a report and writing one
//! to a file are in the audit (with the report's settings, never pupils' names).

use super::alerts::{local_day, today};
use super::error::{Error, Result};
use super::records::{CategoryChoice, PupilSummary};
use super::session::Session;
use crate::model::report::{
    self, Classes, Counted, Question, Reader, ReportKind, ReportSpec, Rows, Table,
};
use crate::model::{
    Category, CategoryId, CategoryPermission, Outcome, PupilGroup, SavedReportId, StatusKind,
    SystemPermission, UserGroupId, names,
};
use crate::vault::Change;
use crate::vault::queries::{casework, categories, people, reports};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashSet};

/// The longest name a saved report may have.
pub const MAX_NAME: usize = 100;

/// One pupil of "pupils with frequent concerns".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrequentPupil {
    pub pupil: PupilSummary,
    /// Concerns in the busiest stretch of the chosen number of days.
    pub most: u32,
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// Concerns in the whole range.
    pub in_range: u32,
}

/// A referral out of school (to children's social care, the LADO or the police) and what was
/// done about the incident after it: what an inspector asks to see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub pupil: PupilSummary,
    /// The incident's category, "Behaviour — Against Peers".
    pub category: String,
    /// The day the incident happened.
    pub incident_on: NaiveDate,
    pub referred_on: NaiveDate,
    pub outcome: Outcome,
    /// Every action on the incident after the referral, in order: the day and its outcome.
    pub since: Vec<(NaiveDate, Outcome)>,
}

impl Referral {
    /// What was last done about the incident, "since then: Monitoring on 3 Mar 2026", or that
    /// nothing has been.
    pub fn latest_text(&self) -> String {
        match self.since.last() {
            Some((day, outcome)) => {
                format!("since then: {outcome} on {}", day.format("%-d %b %Y"))
            }
            None => "nothing recorded since".into(),
        }
    }
}

/// The pupils with one status open on a report's last day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenStatus {
    pub kind: StatusKind,
    pub pupils: Vec<PupilSummary>,
}

impl OpenStatus {
    /// "Aurora Bailey (Year 6 · 6 Robins), Dara Nwosu (Reception · R Wrens)", or "none".
    pub fn names(&self, hide_names: bool) -> String {
        if self.pupils.is_empty() {
            return "none".into();
        }
        self.pupils
            .iter()
            .map(|p| format!("{} ({})", p.display_name(hide_names), p.class))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A report's answer for the person who ran it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub spec: ReportSpec,
    /// The school's name, for the top of a printed report.
    pub school: String,
    /// The saved report it was run from, if any.
    pub name: Option<String>,
    pub title: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub table: Table,
    /// Pupils with frequent concerns (empty for other kinds).
    pub pupils: Vec<FrequentPupil>,
    /// Actions by outcome: each referral in the range with what came of it (empty for other
    /// kinds).
    pub referrals: Vec<Referral>,
    /// Pupils with each status: those with it open on the last day, every status listed
    /// (empty for other kinds).
    pub open_statuses: Vec<OpenStatus>,
    /// What the reader should know about what was counted ("Counts only …").
    pub notes: Vec<String>,
    pub run_by: String,
    pub run_at: i64,
}

impl Report {
    /// "1 Sep 2025 to 14 Mar 2026".
    pub fn range_text(&self) -> String {
        format!(
            "{} to {}",
            self.from.format("%-d %b %Y"),
            self.to.format("%-d %b %Y")
        )
    }
}

/// A saved report the signed-in person may run: their own, or one shared with their user group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedReportView {
    pub id: SavedReportId,
    pub name: String,
    pub owner: String,
    pub mine: bool,
    /// The user groups it is shared with, by name.
    pub shared_with: Vec<String>,
    pub shared_with_ids: Vec<UserGroupId>,
    pub spec: ReportSpec,
}

impl std::fmt::Display for SavedReportView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.mine {
            f.write_str(&self.name)
        } else {
            write!(f, "{} (shared by {})", self.name, self.owner)
        }
    }
}

/// Local midnight at the start of `day`, in unix seconds.
fn start_of(day: NaiveDate) -> i64 {
    use chrono::{Local, TimeZone};
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    match Local.from_local_datetime(&midnight) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t.timestamp(),
        // Clocks that skip midnight: the first moment of the day is an hour later.
        chrono::LocalResult::None => Local
            .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
            .earliest()
            .map_or(0, |t| t.timestamp()),
    }
}

/// What each kind of report adds to its table.
#[derive(Default)]
struct Answer {
    table: Table,
    pupils: Vec<FrequentPupil>,
    referrals: Vec<Referral>,
    open_statuses: Vec<OpenStatus>,
}

/// Whether a record in a category is among the chosen ones (a category takes in its
/// sub-categories); with none chosen, every category is.
fn category_filter<'a>(
    all: &'a [Category],
    narrowed: bool,
    chosen: &'a [CategoryId],
) -> impl Fn(CategoryId) -> bool + 'a {
    move |id| {
        !narrowed
            || chosen.contains(&id)
            || all
                .iter()
                .find(|c| c.id == id)
                .and_then(|c| c.parent)
                .is_some_and(|p| chosen.contains(&p))
    }
}

impl Session {
    /// The categories a report can count for the signed-in person (those they may read
    /// incidents in), in the grid's order. Needs Run reports.
    pub fn report_categories(&self) -> Result<Vec<CategoryChoice>> {
        self.require(SystemPermission::RunReports)?;
        let all = categories::list(self.vault().db())?;
        // Archived categories too: a report over past terms counts what was recorded under them.
        Ok(self.category_choices(&all, CategoryPermission::ViewIncidents, true))
    }

    /// Runs a report under the signed-in person's own access. Needs Run reports.
    pub fn run_report(&mut self, spec: &ReportSpec) -> Result<Report> {
        self.run_report_named(spec, None)
    }

    fn run_report_named(&mut self, spec: &ReportSpec, name: Option<String>) -> Result<Report> {
        self.change(|this| {
            let report = this.answer(spec, name)?;
            let what = match &report.name {
                Some(n) => format!("the saved report {n:?} ({})", report.title),
                None => report.title.clone(),
            };
            let summary = format!("Ran {what}, {}", report.range_text());
            this.write(|_| Ok(((), Change::new("Report run", summary))))?;
            Ok(report)
        })
    }

    /// The report itself, read and counted, without its audit entry.
    fn answer(&self, spec: &ReportSpec, name: Option<String>) -> Result<Report> {
        self.require(SystemPermission::RunReports)?;
        if spec.kind == ReportKind::OpenStatuses {
            // Statuses are on the pupil's profile, which needs View Student Details.
            self.require(SystemPermission::ViewStudentDetails)?;
        }
        let (from, to) = spec.range.days(today()).map_err(Error::Invalid)?;
        report::columns(spec.per, from, to).map_err(Error::Invalid)?;
        let me = self.me();
        let conn = self.vault().db();
        let school = self.load_school()?;
        let reader = Reader::new(&school.access, me.user.id, &me.permissions.categories);
        // Restricted incidents count only for those who may read them.
        let guards = self.guards()?;
        let all_categories = categories::list(conn)?;
        let (category_rows, row_of) =
            Rows::categories(&all_categories, |c| reader.may_read_category(c.id));
        let mut notes = vec![if spec.kind.uses_categories() {
            format!(
                "Counts only the {} whose profiles you may open and the categories you may read incidents in.",
                names::count(reader.pupil_count(), "pupil", "pupils")
            )
        } else {
            format!(
                "Counts only the {} whose profiles you may open.",
                names::count(reader.pupil_count(), "pupil", "pupils")
            )
        }];
        let chosen = spec.kind.uses_categories() && !spec.categories.is_empty();
        let only: Option<HashSet<usize>> = chosen.then(|| {
            spec.categories
                .iter()
                .filter_map(|c| row_of.get(c).copied())
                .collect()
        });
        if only.as_ref().is_some_and(HashSet::is_empty) {
            notes.push(
                "You may not read incidents in any of the categories this report counts, so it has nothing to count for you."
                    .into(),
            );
        } else if let Some(kept) = &only
            && kept.len() < spec.categories.len()
        {
            let left_out = spec.categories.len() - kept.len();
            notes.push(format!(
                "{left_out} of the categories this report counts {} left out: you may not read incidents in {}.",
                if left_out == 1 { "is" } else { "are" },
                if left_out == 1 { "it" } else { "them" },
            ));
        }
        let mut groups: Vec<PupilGroup> = school.groups.values().cloned().collect();
        groups.sort_by_key(|g| school.order.get(&g.id).copied());
        let classes = Classes {
            groups: &groups,
            memberships: &school.memberships,
        };
        let (start, until) = (start_of(from), start_of(to.succ_opt().unwrap_or(to)));
        let mut answer = Answer::default();
        match spec.kind {
            ReportKind::Incidents | ReportKind::FrequentConcerns => {
                let facts = reports::incident_facts(conn, start, until)?;
                let counted: Vec<Counted> = facts
                    .iter()
                    .filter(|f| guards.may_read(me.user.id, f.id, f.pupil))
                    .filter_map(|f| {
                        Some(Counted {
                            pupil: f.pupil,
                            category: Some(f.category),
                            day: local_day(f.occurred_at),
                            row: *row_of.get(&f.category)?,
                        })
                    })
                    .collect();
                let q = Question {
                    rows: &category_rows,
                    per: spec.per,
                    from,
                    to,
                    by: spec.by,
                    only: only.as_ref(),
                };
                if spec.kind == ReportKind::Incidents {
                    answer.table =
                        report::tabulate(&q, &reader, classes, &counted).map_err(Error::Invalid)?;
                } else {
                    let (found, table) = report::frequent(
                        &q,
                        &reader,
                        classes,
                        &counted,
                        spec.more_than,
                        spec.within_days,
                    )
                    .map_err(Error::Invalid)?;
                    answer.table = table;
                    answer.pupils = found
                        .into_iter()
                        .filter_map(|f| {
                            Some(FrequentPupil {
                                pupil: school.summary(school.pupils.get(&f.pupil)?),
                                most: f.most,
                                first: f.first,
                                last: f.last,
                                in_range: f.in_range,
                            })
                        })
                        .collect();
                    answer.pupils.sort_by_cached_key(|p| {
                        (
                            std::cmp::Reverse(p.most),
                            names::sort_key(&p.pupil.forename, &p.pupil.surname),
                            p.pupil.id,
                        )
                    });
                }
            }
            ReportKind::ActionsByOutcome => {
                let rows = Rows::flat(Outcome::ALL.map(|o| o.label().to_string()));
                let row_of_outcome = |o: Outcome| Outcome::ALL.iter().position(|x| *x == o);
                // A chosen category takes in its sub-categories, as the incidents report does.
                let in_chosen = category_filter(&all_categories, only.is_some(), &spec.categories);
                let facts: Vec<reports::ActionFact> = reports::action_facts(conn, start, until)?
                    .into_iter()
                    .filter(|f| {
                        guards.may_read(me.user.id, f.incident, f.pupil)
                            && in_chosen(f.category)
                            && row_of.contains_key(&f.category)
                            && reader.may_read(f.pupil, Some(f.category))
                    })
                    .collect();
                let in_range = |f: &reports::ActionFact| {
                    let day = local_day(f.taken_at);
                    day >= from && day <= to
                };
                let counted: Vec<Counted> = facts
                    .iter()
                    .filter(|f| in_range(f))
                    .filter_map(|f| {
                        Some(Counted {
                            pupil: f.pupil,
                            category: Some(f.category),
                            day: local_day(f.taken_at),
                            row: row_of_outcome(f.outcome)?,
                        })
                    })
                    .collect();
                let q = Question {
                    rows: &rows,
                    per: spec.per,
                    from,
                    to,
                    by: spec.by,
                    only: None,
                };
                answer.table =
                    report::tabulate(&q, &reader, classes, &counted).map_err(Error::Invalid)?;
                let label_of = crate::model::category::labels(&all_categories);
                for (i, f) in facts.iter().enumerate() {
                    if !f.outcome.is_referral() || !in_range(f) {
                        continue;
                    }
                    let Some(pupil) = school.pupils.get(&f.pupil) else {
                        continue;
                    };
                    let since = facts[i + 1..]
                        .iter()
                        .take_while(|later| later.incident == f.incident)
                        .map(|later| (local_day(later.taken_at), later.outcome))
                        .collect();
                    answer.referrals.push(Referral {
                        pupil: school.summary(pupil),
                        category: label_of.get(&f.category).cloned().unwrap_or_default(),
                        incident_on: local_day(f.occurred_at),
                        referred_on: local_day(f.taken_at),
                        outcome: f.outcome,
                        since,
                    });
                }
                answer.referrals.sort_by_cached_key(|r| {
                    (
                        r.referred_on,
                        names::sort_key(&r.pupil.forename, &r.pupil.surname),
                        r.pupil.id,
                    )
                });
            }
            ReportKind::OpenStatuses => {
                let rows = Rows::flat(StatusKind::ALL.map(|k| k.label().to_string()));
                let counted: Vec<Counted> = casework::all_statuses(conn)?
                    .iter()
                    // Archived pupils are not on the roll: the open list leaves them out too.
                    .filter(|st| school.pupils.get(&st.pupil).is_some_and(|p| !p.archived))
                    .flat_map(|st| {
                        let row = StatusKind::ALL.iter().position(|k| *k == st.kind);
                        row.map(|row| report::status_records(st, row, spec.per, from, to))
                            .unwrap_or_default()
                    })
                    .collect();
                let q = Question {
                    rows: &rows,
                    per: spec.per,
                    from,
                    to,
                    by: spec.by,
                    only: None,
                };
                answer.table = report::tabulate_pupils(&q, &reader, classes, &counted)
                    .map_err(Error::Invalid)?;
                answer.open_statuses = self
                    .open_statuses_on(to)?
                    .into_iter()
                    .map(|(kind, pupils)| OpenStatus { kind, pupils })
                    .collect();
            }
        }
        Ok(Report {
            spec: spec.clone(),
            school: crate::vault::queries::school::get(conn)?.name,
            name,
            title: spec.title(),
            from,
            to,
            table: answer.table,
            pupils: answer.pupils,
            referrals: answer.referrals,
            open_statuses: answer.open_statuses,
            notes,
            run_by: me.user.full_name(),
            run_at: crate::clock::now(),
        })
    }

    /// Writes a report as CSV to `path` (whole or not at all), recorded in the audit. Needs Run
    /// reports.
    pub fn export_report_csv(
        &mut self,
        report: &Report,
        path: &std::path::Path,
        hide_names: bool,
    ) -> Result<()> {
        let csv = report_csv(report, hide_names);
        self.save_report_file(report, path, csv.as_bytes(), "CSV file")
    }

    /// Writes a report as a PDF to `path` (whole or not at all), recorded in the audit; returns
    /// how many pages it has. Needs Run reports.
    pub fn export_report_pdf(
        &mut self,
        report: &Report,
        path: &std::path::Path,
        hide_names: bool,
    ) -> Result<usize> {
        let document = super::report_pdf::document(report, hide_names);
        let pdf = crate::pdf::render(&document)
            .map_err(|e| Error::Invalid(format!("The PDF could not be made: {e}.")))?;
        let what = format!("PDF ({})", names::count(pdf.pages, "page", "pages"));
        self.save_report_file(report, path, &pdf.bytes, &what)?;
        Ok(pdf.pages)
    }

    /// Saves a report's file together with its audit entry: if the entry cannot be saved, the
    /// file is taken away again.
    fn save_report_file(
        &mut self,
        report: &Report,
        path: &std::path::Path,
        bytes: &[u8],
        what: &str,
    ) -> Result<()> {
        let mut written = false;
        let result = self.change(|this| {
            this.require(SystemPermission::RunReports)?;
            let file = path
                .file_name()
                .map(|f| f.to_string_lossy().to_string())
                .unwrap_or_default();
            this.write(|_| {
                Ok((
                    (),
                    Change::new(
                        "Report exported",
                        format!(
                            "Wrote {}, {}, to the {what} {file}",
                            report.title,
                            report.range_text()
                        ),
                    ),
                ))
            })?;
            crate::vault::files::write_atomic(path, bytes)?;
            written = true;
            Ok(())
        });
        if result.is_err() && written {
            // Best effort: the change that would have recorded it was not saved.
            let _ = std::fs::remove_file(path);
        }
        result
    }

    /// Saved reports the signed-in person may run: their own and those shared with their user
    /// group, by name. Needs Run reports.
    pub fn saved_reports(&self) -> Result<Vec<SavedReportView>> {
        self.require(SystemPermission::RunReports)?;
        let conn = self.vault().db();
        let me = self.me();
        let users: BTreeMap<_, _> = people::users(conn)?
            .into_iter()
            .map(|u| (u.id, u.full_name()))
            .collect();
        let groups: BTreeMap<_, _> = people::user_groups(conn)?
            .into_iter()
            .map(|g| (g.id, g.name))
            .collect();
        let mut out = Vec::new();
        for s in reports::all_saved(conn)? {
            let mine = s.owner == me.user.id;
            if !mine && !s.shared_with.contains(&me.group.id) {
                continue;
            }
            // Settings that no longer read (a newer Keyholder's) are left out rather than
            // guessed at; the owner can still remove them.
            let Ok(spec) = ReportSpec::from_json(&s.spec) else {
                continue;
            };
            out.push(SavedReportView {
                id: s.id,
                owner: users.get(&s.owner).cloned().unwrap_or_default(),
                mine,
                shared_with: s
                    .shared_with
                    .iter()
                    .filter_map(|g| groups.get(g).cloned())
                    .collect(),
                shared_with_ids: s.shared_with,
                name: s.name,
                spec,
            });
        }
        out.sort_by_key(|s| (!s.mine, s.name.to_lowercase(), s.id));
        Ok(out)
    }

    /// The saved report called `name`: the person's own first, then one shared with them.
    pub fn find_saved_report(&self, name: &str) -> Result<SavedReportView> {
        let wanted = name.trim().to_lowercase();
        let matching: Vec<SavedReportView> = self
            .saved_reports()?
            .into_iter()
            .filter(|s| s.name.to_lowercase() == wanted)
            .collect();
        if let Some(mine) = matching.iter().find(|s| s.mine) {
            return Ok(mine.clone());
        }
        match matching.as_slice() {
            [] => Err(Error::Invalid(format!(
                "You have no saved report called {:?}, and none by that name is shared with you.",
                name.trim()
            ))),
            [one] => Ok(one.clone()),
            several => Err(Error::Invalid(format!(
                "More than one report called {:?} is shared with you (by {}). Ask one of them to rename theirs.",
                name.trim(),
                several
                    .iter()
                    .map(|s| s.owner.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// Saves a report's settings under a name; saving again under the same name replaces the
    /// settings. Needs Run reports.
    pub fn save_report(&mut self, name: &str, spec: &ReportSpec) -> Result<SavedReportId> {
        self.change(|this| {
            this.require(SystemPermission::RunReports)?;
            let name = name.trim();
            if name.is_empty() {
                return Err(Error::Invalid(
                    "Give the report a name to save it under.".into(),
                ));
            }
            if name.chars().count() > MAX_NAME {
                return Err(Error::Invalid(format!(
                    "The name is too long: at most {MAX_NAME} characters."
                )));
            }
            let (from, to) = spec.range.days(today()).map_err(Error::Invalid)?;
            report::columns(spec.per, from, to).map_err(Error::Invalid)?;
            let me = this.me_id();
            let existing = reports::all_saved(this.vault().db())?
                .into_iter()
                .find(|s| s.owner == me && s.name.eq_ignore_ascii_case(name));
            let (json, now) = (spec.to_json(), crate::clock::now());
            let summary = format!("Saved the report {name:?} ({})", spec.title());
            this.write(|tx| match &existing {
                Some(s) => {
                    reports::update_saved(tx, s.id, &json, now)?;
                    Ok((s.id, Change::new("Saved report changed", summary)))
                }
                None => {
                    let id = reports::insert_saved(tx, me, name, &json, now)?;
                    Ok((id, Change::new("Report saved", summary)))
                }
            })
        })
    }

    fn my_saved_report(&self, id: SavedReportId) -> Result<reports::SavedReport> {
        let me = self.me_id();
        reports::all_saved(self.vault().db())?
            .into_iter()
            .find(|s| s.id == id && s.owner == me)
            .ok_or_else(|| {
                Error::Invalid("Only the person who saved a report can change it.".into())
            })
    }

    /// Shares one of the signed-in person's saved reports with these user groups (replacing
    /// whom it was shared with; none stops sharing it). Needs Share saved reports.
    pub fn share_saved_report(&mut self, id: SavedReportId, groups: &[UserGroupId]) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::ShareSavedReports)?;
            let saved = this.my_saved_report(id)?;
            let all = people::user_groups(this.vault().db())?;
            let name_of = |g: &UserGroupId| all.iter().find(|x| x.id == *g).map(|x| x.name.clone());
            if groups.iter().any(|g| name_of(g).is_none()) {
                return Err(Error::Invalid(
                    "One of those user groups no longer exists. Nothing has been changed.".into(),
                ));
            }
            let describe = |ids: &[UserGroupId]| {
                let mut n: Vec<String> = ids.iter().filter_map(name_of).collect();
                n.sort_by_key(|s| s.to_lowercase());
                if n.is_empty() {
                    "not shared".to_string()
                } else {
                    n.join(", ")
                }
            };
            let (before, after) = (describe(&saved.shared_with), describe(groups));
            this.write(|tx| {
                reports::set_shares(tx, id, groups)?;
                Ok((
                    (),
                    Change::new(
                        "Saved report shared",
                        format!("Changed who the report {:?} is shared with", saved.name),
                    )
                    .before_after(before, after),
                ))
            })
        })
    }

    /// Removes one of the signed-in person's saved reports (and its sharing).
    pub fn delete_saved_report(&mut self, id: SavedReportId) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::RunReports)?;
            let saved = this.my_saved_report(id)?;
            this.write(|tx| {
                reports::delete_saved(tx, id)?;
                Ok((
                    (),
                    Change::new(
                        "Saved report removed",
                        format!("Removed the saved report {:?}", saved.name),
                    ),
                ))
            })
        })
    }

    /// Runs a saved report (one's own or one shared with one's user group) under one's own
    /// access: sharing a report shares its question, never anybody's answer.
    pub fn run_saved_report(&mut self, id: SavedReportId) -> Result<Report> {
        let saved = self
            .saved_reports()?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| {
                Error::Invalid(
                    "That saved report is not yours and is not shared with your user group.".into(),
                )
            })?;
        self.run_report_named(&saved.spec, Some(saved.name))
    }

    /// The user groups a saved report can be shared with. Needs Share saved reports.
    pub fn groups_to_share_with(&self) -> Result<Vec<(UserGroupId, String)>> {
        self.require(SystemPermission::ShareSavedReports)?;
        let mut out: Vec<(UserGroupId, String)> = people::user_groups(self.vault().db())?
            .into_iter()
            .filter(|g| g.active)
            .map(|g| (g.id, g.name))
            .collect();
        out.sort_by_key(|(_, n)| n.to_lowercase());
        Ok(out)
    }
}

/// Everything done about a referred incident since, "Monitoring 03/03/2026; No further action
/// 20/03/2026", or that nothing has been.
pub fn since_text(r: &Referral) -> String {
    if r.since.is_empty() {
        return "Nothing recorded since".into();
    }
    r.since
        .iter()
        .map(|(day, outcome)| format!("{outcome} {}", day.format("%d/%m/%Y")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A cell as a spreadsheet will take it: text that begins like a formula is kept as text.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// The report as CSV: a few lines saying what it is, its table, and (for frequent concerns) its
/// pupils. Names follow Hide Names.
pub fn report_csv(report: &Report, hide_names: bool) -> String {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    // Writing to memory cannot fail; a failed line would only be missing from the file.
    let mut line = |cells: Vec<String>| {
        let _ = w.write_record(cells.iter().map(|c| cell(c)));
    };
    line(vec![
        report.name.clone().unwrap_or_else(|| report.title.clone()),
    ]);
    if report.name.is_some() {
        line(vec![report.title.clone()]);
    }
    line(vec![report.range_text()]);
    line(vec![format!(
        "Run by {} on {}",
        report.run_by,
        crate::clock::format_local(report.run_at)
    )]);
    for n in &report.notes {
        line(vec![n.clone()]);
    }
    line(Vec::new());
    let by_group = report.spec.by;
    let mut header = Vec::new();
    if let Some(t) = by_group {
        header.push(t.label().to_string());
    }
    header.push(report.spec.kind.row_title().into());
    header.extend(report.table.columns.iter().cloned());
    header.push("Total".into());
    line(header);
    for r in &report.table.rows {
        let mut cells = Vec::new();
        if by_group.is_some() {
            cells.push(r.group.clone().unwrap_or_default());
        }
        cells.push(r.label.clone());
        cells.extend(r.counts.iter().map(u32::to_string));
        cells.push(r.total.to_string());
        line(cells);
    }
    if report.spec.kind == ReportKind::FrequentConcerns {
        line(Vec::new());
        line(
            [
                "Pupil",
                "Class",
                &format!("Concerns in {} days", report.spec.within_days),
                "From",
                "To",
                "In the whole range",
            ]
            .map(String::from)
            .to_vec(),
        );
        for p in &report.pupils {
            line(vec![
                p.pupil.display_name(hide_names),
                p.pupil.class.clone(),
                p.most.to_string(),
                p.first.format("%d/%m/%Y").to_string(),
                p.last.format("%d/%m/%Y").to_string(),
                p.in_range.to_string(),
            ]);
        }
    }
    if report.spec.kind == ReportKind::ActionsByOutcome {
        line(Vec::new());
        line(
            [
                "Referral",
                "Pupil",
                "Class",
                "Category",
                "Incident on",
                "Referred on",
                "Since",
            ]
            .map(String::from)
            .to_vec(),
        );
        for r in &report.referrals {
            line(vec![
                r.outcome.label().to_string(),
                r.pupil.display_name(hide_names),
                r.pupil.class.clone(),
                r.category.clone(),
                r.incident_on.format("%d/%m/%Y").to_string(),
                r.referred_on.format("%d/%m/%Y").to_string(),
                since_text(r),
            ]);
        }
    }
    if report.spec.kind == ReportKind::OpenStatuses {
        line(Vec::new());
        line(vec![format!("Open on {}", report.to.format("%d/%m/%Y"))]);
        line(["Status", "Pupil", "Class"].map(String::from).to_vec());
        for open in &report.open_statuses {
            for p in &open.pupils {
                line(vec![
                    open.kind.label().to_string(),
                    p.display_name(hide_names),
                    p.class.clone(),
                ]);
            }
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
