//! Data Destruction Policies (needs *Data destruction policy*): each category's policy, the
//! review list of records whose period is over, holds, and decisions to keep records longer.
//! Everything here is audited. A pupil is named in the lists only to someone who may open their
//! profile; anyone else with the permission sees their MIS ID and UPN.

use super::alerts::{local_day, today};
use super::error::{Error, Result};
use super::records::{PupilSummary, pupil_ref};
use super::session::Session;
use crate::model::access::Purpose;
use crate::model::category::labels;
use crate::model::retention::{self, Destruction, Due, Extension, Hold, Policy, Source, Then};
use crate::model::{Category, CategoryId, HoldId, PupilId, SystemPermission, names};
use crate::vault::Change;
use crate::vault::queries::{categories, retention as queries};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// The longest reason for a hold or for keeping records longer.
pub const MAX_REASON: usize = 500;

/// One category's line on the policies page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyLine {
    pub category: CategoryId,
    /// "Cause for Concern" or "Cause for Concern — Neglect Related".
    pub label: String,
    /// Its own name, and its category's for a sub-category.
    pub name: String,
    pub parent_name: Option<String>,
    pub is_sub_category: bool,
    /// What applies; `None`: the category's records are kept.
    pub policy: Option<Policy>,
    pub source: Option<Source>,
    /// "Set for this category", "Follows Cause for Concern", "The default for safeguarding
    /// records", "No policy set".
    pub source_text: String,
}

/// A pupil as the review list shows them: by name only to someone who may open their profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewPupil {
    pub id: PupilId,
    pub mis_id: Option<String>,
    pub upn: Option<String>,
    /// `None` when the reader may not open the pupil's profile.
    pub shown: Option<PupilSummary>,
    pub archived: bool,
}

impl ReviewPupil {
    /// How the audit and the destruction log name the pupil: by MIS ID, never by name.
    pub fn reference(&self) -> String {
        match self.mis_id.as_deref().map(str::trim) {
            Some(m) if !m.is_empty() => format!("pupil {m}"),
            _ => format!("pupil record {}", self.id.0),
        }
    }

    /// The name and class if the reader may see them, else "MIS ID 1234 (UPN …)".
    pub fn label(&self, hide_names: bool) -> String {
        if let Some(p) = &self.shown {
            return format!("{} ({})", p.display_name(hide_names), p.class);
        }
        let mut parts = Vec::new();
        if let Some(m) = self.mis_id.as_deref().filter(|m| !m.trim().is_empty()) {
            parts.push(format!("MIS ID {}", m.trim()));
        }
        if let Some(u) = self.upn.as_deref().filter(|u| !u.trim().is_empty()) {
            parts.push(format!("UPN {}", u.trim()));
        }
        if parts.is_empty() {
            format!("Pupil record {}", self.id.0)
        } else {
            parts.join(", ")
        }
    }
}

/// An incident whose period is over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueIncident {
    pub incident: crate::model::IncidentId,
    pub category_id: CategoryId,
    pub category: String,
    pub day: NaiveDate,
    pub due_on: NaiveDate,
    pub policy: Policy,
    /// How the day was worked out: "Date of birth 4 Mar 2001 + 25 years".
    pub why: String,
    /// Marked for destruction by a review (or its policy says destroy).
    pub marked: bool,
}

/// A pupil with records whose period is over, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuePupil {
    pub pupil: ReviewPupil,
    pub incidents: Vec<DueIncident>,
    /// The earliest day any of them was due.
    pub due_since: NaiveDate,
}

/// A hold as the lists and the profile show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldView {
    pub hold: Hold,
    pub pupil: ReviewPupil,
    pub placed_by: String,
}

/// What the review list holds on a day.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Review {
    /// Pupils with records due, the longest overdue first.
    pub due: Vec<DuePupil>,
    /// Pupils whose records count from a date of birth the school file does not have: never
    /// due until it is added.
    pub needs_date_of_birth: Vec<ReviewPupil>,
    /// Pupils who have left but whose leaving day Keyholder never saw, under a policy counted
    /// from leaving.
    pub needs_leaving_day: Vec<ReviewPupil>,
    /// Holds standing today; their pupils are in no other list.
    pub holds: Vec<HoldView>,
    /// Pupils with records due who were kept longer by a review, until a later day.
    pub kept_longer: usize,
}

/// "4 Mar 2026".
fn day_words(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

fn checked_reason(reason: &str) -> Result<&str> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::Invalid(
            "Say why, in a few words: the reason stays with the record.".into(),
        ));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(Error::Invalid(format!(
            "The reason is too long: at most {MAX_REASON} characters."
        )));
    }
    Ok(reason)
}

impl Session {
    /// Every category with the policy that applies to it, in the grid's order.
    pub fn retention_policies(&self) -> Result<Vec<PolicyLine>> {
        self.require(SystemPermission::DataDestructionPolicy)?;
        let conn = self.vault().db();
        let all = categories::list(conn)?;
        let set = queries::policies(conn)?;
        let applies = retention::effective(&all, &set);
        let label = labels(&all);
        Ok(crate::model::category::tree_order(&all)
            .into_iter()
            .map(|c| {
                let found = applies.get(&c.id).cloned();
                let source_text = match &found {
                    None => "No policy set".to_string(),
                    Some((_, Source::Own)) => "Set for this category".to_string(),
                    Some((_, Source::Inherited(p))) => {
                        format!("Follows {}", label.get(p).cloned().unwrap_or_default())
                    }
                    Some((_, Source::Default)) => {
                        "The default for safeguarding records".to_string()
                    }
                };
                PolicyLine {
                    category: c.id,
                    label: label.get(&c.id).cloned().unwrap_or_default(),
                    name: c.name.clone(),
                    parent_name: c
                        .parent
                        .and_then(|p| all.iter().find(|x| x.id == p))
                        .map(|p| p.name.clone()),
                    is_sub_category: c.parent.is_some(),
                    policy: found.as_ref().map(|(p, _)| *p),
                    source: found.map(|(_, s)| s),
                    source_text,
                }
            })
            .collect())
    }

    /// Sets a category's own policy, or with `None` removes it (the category then follows its
    /// category, or its default). Audited with what applied before and after.
    pub fn set_retention_policy(
        &mut self,
        category: CategoryId,
        policy: Option<Policy>,
    ) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::DataDestructionPolicy)?;
            if let Some(p) = &policy {
                p.check().map_err(Error::Invalid)?;
            }
            let before = this
                .retention_policies()?
                .into_iter()
                .find(|l| l.category == category)
                .ok_or_else(|| Error::Invalid("That category no longer exists.".into()))?;
            let describe = |p: &Option<Policy>| {
                p.as_ref()
                    .map_or_else(|| "kept (no policy)".to_string(), Policy::describe)
            };
            let after = match &policy {
                Some(p) => p.describe(),
                None => "as its category or its default".to_string(),
            };
            this.write(|tx| {
                queries::set_policy(tx, category, policy.as_ref())?;
                Ok((
                    (),
                    Change::new(
                        "Data destruction policy changed",
                        format!("Changed how long {} records are kept", before.label),
                    )
                    .before_after(describe(&before.policy), after),
                ))
            })
        })
    }

    fn review_pupil(&self, school: &super::records::School, id: PupilId) -> Option<ReviewPupil> {
        let p = school.pupils.get(&id)?;
        Some(ReviewPupil {
            id,
            mis_id: p.mis_id.clone(),
            upn: p.upn.clone(),
            shown: school
                .access
                .can(self.me_id(), id, Purpose::Profile)
                .then(|| school.summary(p)),
            archived: p.archived,
        })
    }

    /// The review list today.
    pub fn retention_review(&self) -> Result<Review> {
        self.retention_review_on(today())
    }

    /// The review list as it stands on `day`.
    pub fn retention_review_on(&self, day: NaiveDate) -> Result<Review> {
        self.require(SystemPermission::DataDestructionPolicy)?;
        self.review_on(day)
    }

    /// How many pupils have records due on `day`, for the health check: a count, never who.
    pub(super) fn records_due_count(&self, day: NaiveDate) -> Result<usize> {
        Ok(self.review_on(day)?.due.len())
    }

    fn review_on(&self, day: NaiveDate) -> Result<Review> {
        let conn = self.vault().db();
        let school = self.load_school()?;
        let all = categories::list(conn)?;
        let applies = retention::effective(&all, &queries::policies(conn)?);
        let label = labels(&all);
        let left = queries::leaving_days(conn)?;
        let extensions = queries::extensions(conn)?;
        let standing: Vec<Hold> = queries::holds(conn)?
            .into_iter()
            .filter(|h| h.stands_on(day))
            .collect();
        let staff = super::casework::staff_names(conn)?;
        let marks = queries::marks(conn)?;
        let mut review = Review::default();
        let mut due: BTreeMap<PupilId, Vec<DueIncident>> = BTreeMap::new();
        let (mut no_dob, mut no_leaving) = (Vec::new(), Vec::new());
        // A restricted record is reviewed only by someone on its list: for anyone else it is
        // not there (and a pupil with one left keeps their own record).
        let guards = self.guards()?;
        let me = self.me_id();
        for i in queries::incident_dates(conn)? {
            if !guards.may_read(me, i.id, i.pupil) {
                continue;
            }
            let Some((policy, _)) = applies.get(&i.category) else {
                continue;
            };
            let Some(pupil) = school.pupils.get(&i.pupil) else {
                continue;
            };
            let dob = pupil
                .date_of_birth
                .as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok());
            let left_on = pupil
                .archived
                .then(|| left.get(&i.pupil).copied())
                .flatten();
            let incident_day = local_day(i.occurred_at);
            let due_on = match retention::due(policy, dob, left_on, incident_day) {
                Due::On(d) => d,
                Due::NeedsDateOfBirth => {
                    no_dob.push(i.pupil);
                    continue;
                }
                Due::NotLeft => {
                    if pupil.archived {
                        no_leaving.push(i.pupil);
                    }
                    continue;
                }
            };
            if due_on > day {
                continue;
            }
            let from = match policy.basis {
                retention::Basis::DateOfBirth => {
                    dob.map(|d| format!("Date of birth {}", day_words(d)))
                }
                retention::Basis::Leaving => left_on.map(|d| format!("Left {}", day_words(d))),
                retention::Basis::Incident => Some(format!("Incident {}", day_words(incident_day))),
            }
            .unwrap_or_default();
            due.entry(i.pupil).or_default().push(DueIncident {
                incident: i.id,
                category_id: i.category,
                category: label.get(&i.category).cloned().unwrap_or_default(),
                day: incident_day,
                due_on,
                policy: *policy,
                why: format!(
                    "{from} + {}: due {}",
                    names::count(policy.years as usize, "year", "years"),
                    day_words(due_on)
                ),
                marked: marks.contains(&i.id),
            });
        }
        let held = |p: &PupilId| standing.iter().any(|h| h.pupil == *p);
        for (pupil, incidents) in due {
            if held(&pupil) {
                continue;
            }
            if extensions.get(&pupil).is_some_and(|e| e.until > day) {
                review.kept_longer += 1;
                continue;
            }
            let Some(shown) = self.review_pupil(&school, pupil) else {
                continue;
            };
            let due_since = incidents.iter().map(|i| i.due_on).min().unwrap_or(day);
            review.due.push(DuePupil {
                pupil: shown,
                incidents,
                due_since,
            });
        }
        review.due.sort_by_key(|d| (d.due_since, d.pupil.id));
        for (ids, out) in [
            (no_dob, &mut review.needs_date_of_birth),
            (no_leaving, &mut review.needs_leaving_day),
        ] {
            let mut ids = ids;
            ids.sort_unstable();
            ids.dedup();
            out.extend(
                ids.into_iter()
                    .filter(|p| !held(p))
                    .filter_map(|p| self.review_pupil(&school, p)),
            );
        }
        review.holds = standing
            .into_iter()
            .filter_map(|hold| {
                Some(HoldView {
                    pupil: self.review_pupil(&school, hold.pupil)?,
                    placed_by: super::casework::staff_name(&staff, hold.placed_by).name,
                    hold,
                })
            })
            .collect();
        Ok(review)
    }

    /// Any pupil, on roll or not, by MIS ID: holds and reviews are mostly about pupils who
    /// have left.
    pub fn retention_pupil_by_mis_id(&self, mis_id: &str) -> Result<ReviewPupil> {
        self.require(SystemPermission::DataDestructionPolicy)?;
        let wanted = mis_id.trim();
        let school = self.load_school()?;
        let found = school
            .pupils
            .values()
            .find(|p| !wanted.is_empty() && p.mis_id.as_deref().map(str::trim) == Some(wanted))
            .ok_or_else(|| Error::Invalid(format!("No pupil has the MIS ID {wanted}.")))?;
        self.review_pupil(&school, found.id)
            .ok_or_else(|| Error::Invalid(format!("No pupil has the MIS ID {wanted}.")))
    }

    /// Places a hold on a pupil's records: while it stands, nothing of theirs is offered for
    /// destruction. `ends_on` is optional.
    pub fn place_hold(
        &mut self,
        pupil: PupilId,
        reason: &str,
        ends_on: Option<NaiveDate>,
    ) -> Result<HoldId> {
        self.change(|this| {
            this.require(SystemPermission::DataDestructionPolicy)?;
            let reason = checked_reason(reason)?;
            if ends_on.is_some_and(|e| e < today()) {
                return Err(Error::Invalid(
                    "A hold cannot end on a day that has passed. Leave the end empty, or give a day to come."
                        .into(),
                ));
            }
            let school = this.load_school()?;
            let p = school
                .pupils
                .get(&pupil)
                .ok_or_else(|| Error::Invalid("That pupil is no longer in Keyholder.".into()))?;
            let reference = pupil_ref(p);
            let (me, now) = (this.me_id(), crate::clock::now());
            this.write(|tx| {
                let id = queries::insert_hold(tx, pupil, reason, Some(me), now, ends_on)?;
                Ok((
                    id,
                    Change::new(
                        "Hold placed",
                        format!(
                            "Placed a hold on the records of {reference}{}: {reason}",
                            ends_on
                                .map(|e| format!(" until {}", day_words(e)))
                                .unwrap_or_default()
                        ),
                    ),
                ))
            })
        })
    }

    /// Lifts a standing hold; its record stays, with who lifted it and when.
    pub fn lift_hold(&mut self, id: HoldId) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::DataDestructionPolicy)?;
            let conn = this.vault().db();
            let hold = queries::holds(conn)?
                .into_iter()
                .find(|h| h.id == id && h.lifted_at.is_none())
                .ok_or_else(|| Error::Invalid("That hold has already been lifted.".into()))?;
            let school = this.load_school()?;
            let reference = school
                .pupils
                .get(&hold.pupil)
                .map_or_else(|| "a pupil".to_string(), pupil_ref);
            let (me, now) = (this.me_id(), crate::clock::now());
            this.write(|tx| {
                queries::lift_hold(tx, id, Some(me), now)?;
                Ok((
                    (),
                    Change::new(
                        "Hold lifted",
                        format!(
                            "Lifted the hold on the records of {reference} ({})",
                            hold.reason
                        ),
                    ),
                ))
            })
        })
    }

    /// A review's decision to keep a pupil's records for another `years` years from today.
    pub fn keep_longer(&mut self, pupil: PupilId, years: u32, reason: &str) -> Result<NaiveDate> {
        self.change(|this| {
            this.require(SystemPermission::DataDestructionPolicy)?;
            let reason = checked_reason(reason)?;
            if years == 0 || years > retention::MAX_YEARS {
                return Err(Error::Invalid(format!(
                    "Keep the records for between 1 and {} more years.",
                    retention::MAX_YEARS
                )));
            }
            let until = retention::add_years(today(), years)
                .ok_or_else(|| Error::Invalid("That is too far ahead.".into()))?;
            let school = this.load_school()?;
            let reference =
                school.pupils.get(&pupil).map(pupil_ref).ok_or_else(|| {
                    Error::Invalid("That pupil is no longer in Keyholder.".into())
                })?;
            let e = Extension {
                pupil,
                until,
                reason: reason.to_string(),
                set_by: Some(this.me_id()),
                set_at: crate::clock::now(),
            };
            this.write(|tx| {
                queries::set_extension(tx, &e)?;
                Ok((
                    until,
                    Change::new(
                        "Records kept longer",
                        format!(
                            "Decided to keep the records of {reference} until {}: {reason}",
                            day_words(until)
                        ),
                    ),
                ))
            })
        })
    }

    /// The holds standing on a pupil's records, for whoever manages retention.
    pub fn standing_holds(&self, pupil: PupilId) -> Result<Vec<HoldView>> {
        self.require(SystemPermission::DataDestructionPolicy)?;
        let review = self.retention_review()?;
        Ok(review
            .holds
            .into_iter()
            .filter(|h| h.hold.pupil == pupil)
            .collect())
    }

    /// The holds standing on a pupil's records, for their profile. Anyone who may open the
    /// profile sees them, so that nobody destroys or changes what a hold protects.
    pub fn holds_on(&self, pupil: PupilId) -> Result<Vec<HoldView>> {
        let school = self.load_school()?;
        if !school.access.can(self.me_id(), pupil, Purpose::Profile) {
            return Err(Error::Invalid(
                "You may not open this pupil's profile.".into(),
            ));
        }
        self.holds_for(pupil)
    }

    /// The holds on a pupil's records, for a caller that has checked the profile may be opened.
    pub(super) fn holds_for(&self, pupil: PupilId) -> Result<Vec<HoldView>> {
        let school = self.load_school()?;
        let conn = self.vault().db();
        let staff = super::casework::staff_names(conn)?;
        let day = today();
        Ok(queries::holds(conn)?
            .into_iter()
            .filter(|h| h.pupil == pupil && h.stands_on(day))
            .filter_map(|hold| {
                Some(HoldView {
                    pupil: self.review_pupil(&school, pupil)?,
                    placed_by: super::casework::staff_name(&staff, hold.placed_by).name,
                    hold,
                })
            })
            .collect())
    }
}

/// What a destruction would destroy: for each pupil, their records and whether their whole
/// record goes (they have left, and nothing of theirs would remain).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DestructionPlan {
    pub pupils: Vec<Planned>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub pupil: ReviewPupil,
    pub incidents: Vec<DueIncident>,
    pub whole_record: bool,
}

impl DestructionPlan {
    pub fn records(&self) -> usize {
        self.pupils.iter().map(|p| p.incidents.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.pupils.is_empty()
    }

    /// "7 records of 3 pupils".
    pub fn describe(&self) -> String {
        format!(
            "{} of {}",
            names::count(self.records(), "record", "records"),
            names::count(self.pupils.len(), "pupil", "pupils")
        )
    }
}

/// Which due records a destruction takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    /// Those a review marked for destruction.
    Marked,
    /// Those marked, and every due record whose policy says destroy.
    MarkedAndDue,
}

/// These categories and the ones over them, each once.
fn with_parents(ids: impl Iterator<Item = CategoryId>, all: &[Category]) -> Vec<CategoryId> {
    let mut out: Vec<CategoryId> = ids
        .flat_map(|id| {
            std::iter::once(id).chain(all.iter().find(|c| c.id == id).and_then(|c| c.parent))
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// "Behaviour — Against Peers: 2; Attendance: 1", in the order first met.
fn counts_by_category(incidents: &[DueIncident]) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for i in incidents {
        match counts.iter_mut().find(|(c, _)| *c == i.category) {
            Some((_, n)) => *n += 1,
            None => counts.push((i.category.clone(), 1)),
        }
    }
    counts
        .iter()
        .map(|(c, n)| format!("{c}: {n}"))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Session {
    /// The signed-in person's password, asked for again before anything is destroyed.
    fn check_password_again(&self, password: &str) -> Result<()> {
        let me = &self.me().user;
        crate::vault::KeyFile::read(&self.vault().location().keys)?
            .unlock_person(&me.email, password)
            .map_err(|_| {
                Error::Invalid("That password is not right. Nothing has been destroyed.".into())
            })?;
        Ok(())
    }

    /// Marks a pupil's due records for destruction (they are destroyed only when someone
    /// confirms it with their password). Returns how many were marked.
    pub fn mark_for_destruction(&mut self, pupil: PupilId) -> Result<usize> {
        self.change(|this| {
            this.require(SystemPermission::DataDestructionPolicy)?;
            let review = this.retention_review()?;
            let due = review
                .due
                .iter()
                .find(|d| d.pupil.id == pupil)
                .ok_or_else(|| {
                    Error::Invalid(
                        "None of this pupil's records are due, or they are on hold: nothing has been marked."
                            .into(),
                    )
                })?;
            let reference = due.pupil.reference();
            let ids: Vec<_> = due.incidents.iter().map(|i| i.incident).collect();
            let (me, now) = (this.me_id(), crate::clock::now());
            this.write(|tx| {
                for id in &ids {
                    queries::set_mark(tx, *id, Some(me), now)?;
                }
                Ok((
                    ids.len(),
                    Change::new(
                        "Records marked for destruction",
                        format!(
                            "Marked {} of {} for destruction",
                            names::count(ids.len(), "record", "records"),
                            reference
                        ),
                    ),
                ))
            })
        })
    }

    /// Takes back a pupil's marks: their records are reviewed again.
    pub fn unmark_for_destruction(&mut self, pupil: PupilId) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::DataDestructionPolicy)?;
            let review = this.retention_review()?;
            let Some(due) = review.due.iter().find(|d| d.pupil.id == pupil) else {
                return Ok(());
            };
            let reference = due.pupil.reference();
            let ids: Vec<_> = due
                .incidents
                .iter()
                .filter(|i| i.marked)
                .map(|i| i.incident)
                .collect();
            this.write(|tx| {
                for id in &ids {
                    queries::clear_mark(tx, *id)?;
                }
                Ok((
                    (),
                    Change::new(
                        "Destruction marks taken back",
                        format!("No longer marked for destruction: the records of {reference}"),
                    ),
                ))
            })
        })
    }

    /// What a destruction would take today: never a held pupil's records, never one kept
    /// longer, never anything not yet due.
    pub fn destruction_plan(&self, take: Take) -> Result<DestructionPlan> {
        self.require(SystemPermission::DataDestructionPolicy)?;
        let review = self.retention_review()?;
        let conn = self.vault().db();
        let mut per_pupil: HashMap<PupilId, usize> = HashMap::new();
        for i in queries::incident_dates(conn)? {
            *per_pupil.entry(i.pupil).or_default() += 1;
        }
        let mut plan = DestructionPlan::default();
        for d in review.due {
            let incidents: Vec<DueIncident> = d
                .incidents
                .into_iter()
                .filter(|i| {
                    i.marked || (take == Take::MarkedAndDue && i.policy.then == Then::Destroy)
                })
                .collect();
            if incidents.is_empty() {
                continue;
            }
            let whole_record = d.pupil.archived
                && per_pupil.get(&d.pupil.id).copied().unwrap_or(0) == incidents.len();
            plan.pupils.push(Planned {
                pupil: d.pupil,
                incidents,
                whole_record,
            });
        }
        Ok(plan)
    }

    /// Destroys what [`Session::destruction_plan`] takes, after the person's password is given
    /// again: the records and everything that hangs from them, and each pupil's own record when
    /// nothing of theirs is left. Each pupil's destruction is in the permanent log and the audit;
    /// then the school file is rewritten so that none of it remains in the file. Returns what
    /// was destroyed.
    pub fn destroy_records(&mut self, take: Take, password: &str) -> Result<DestructionPlan> {
        let plan = self.change(|this| {
            this.require(SystemPermission::DataDestructionPolicy)?;
            let me = this.me().user.clone();
            this.check_password_again(password)?;
            let plan = this.destruction_plan(take)?;
            if plan.is_empty() {
                return Err(Error::Invalid(
                    "Nothing is marked for destruction, so nothing has been destroyed.".into(),
                ));
            }
            let now = crate::clock::now();
            let authorised_by = format!("{} <{}>", me.full_name(), me.email);
            let all_categories = categories::list(this.vault().db())?;
            for p in &plan.pupils {
                let ids: Vec<_> = p.incidents.iter().map(|i| i.incident).collect();
                let first = p.incidents.iter().map(|i| i.day).min().unwrap_or_default();
                let last = p.incidents.iter().map(|i| i.day).max().unwrap_or_default();
                let mut policies: Vec<String> = p
                    .incidents
                    .iter()
                    .map(|i| format!("{}: {}", i.category, i.policy.describe()))
                    .collect();
                policies.sort();
                policies.dedup();
                let entry = Destruction {
                    destroyed_at: now,
                    authorised_by: authorised_by.clone(),
                    mis_id: p.pupil.mis_id.clone(),
                    upn: p.pupil.upn.clone(),
                    whole_record: p.whole_record,
                    counts: counts_by_category(&p.incidents),
                    first_day: first,
                    last_day: last,
                    policies: policies.join("; "),
                };
                let reference = p.pupil.reference();
                // Monitoring for what was destroyed goes with it (the category and the one over it).
                let monitored =
                    with_parents(p.incidents.iter().map(|i| i.category_id), &all_categories);
                this.write(|tx| {
                    queries::delete_incidents(tx, &ids)?;
                    queries::delete_monitoring_without_records(tx, p.pupil.id, &monitored)?;
                    // A chronology kept with a transfer holds the records' text too.
                    crate::vault::queries::transfers::forget_chronologies(tx, p.pupil.id)?;
                    if p.whole_record {
                        queries::delete_pupil(tx, p.pupil.id)?;
                    }
                    queries::insert_destruction(tx, &entry)?;
                    Ok((
                        (),
                        Change::new(
                            "Records destroyed",
                            format!(
                                "Destroyed {} of {reference} ({}), from {} to {}{}",
                                names::count(ids.len(), "record", "records"),
                                entry.counts,
                                day_words(first),
                                day_words(last),
                                if p.whole_record {
                                    ", and the pupil's own record"
                                } else {
                                    ""
                                }
                            ),
                        ),
                    ))
                })?;
            }
            Ok(plan)
        })?;
        // After the change is saved: what was deleted is overwritten, and now the free pages
        // and the write-ahead log go too.
        self.compact_file()?;
        Ok(plan)
    }

    /// The permanent log of destructions, oldest first.
    pub fn destruction_log(&self) -> Result<Vec<Destruction>> {
        self.require(SystemPermission::DataDestructionPolicy)?;
        Ok(queries::destructions(self.vault().db())?)
    }
}

impl Session {
    /// The backups Keyholder knows of that were made before the latest destruction: they still
    /// hold what was destroyed, until they are themselves destroyed or replaced. Newest first,
    /// by when and file name.
    pub fn backups_holding_destroyed_records(&self) -> Result<Vec<(i64, String)>> {
        self.require(SystemPermission::DataDestructionPolicy)?;
        let conn = self.vault().db();
        let Some(last) = queries::destructions(conn)?.last().map(|d| d.destroyed_at) else {
            return Ok(Vec::new());
        };
        Ok(crate::vault::queries::backups::all(conn)?
            .into_iter()
            .filter(|b| b.taken_at <= last)
            .map(|b| (b.taken_at, b.file_name))
            .collect())
    }
}

impl Session {
    /// Destructions made after the backup this school was restored from was taken: their
    /// records are back until they are destroyed again.
    pub fn destructions_to_reapply(&self) -> Result<Vec<Destruction>> {
        self.require(SystemPermission::DataDestructionPolicy)?;
        Ok(queries::read_list(
            self.vault().db(),
            queries::DestructionList::ToReapply,
        )?)
    }

    /// Makes again each destruction a restore brought back (after the password is given
    /// again): the same pupil's records (by MIS ID) in the same categories and days, and their
    /// own record if it went then and nothing else of theirs is left. Each goes back into the
    /// log as it was first written. Returns how many records were destroyed.
    pub fn reapply_destructions(&mut self, password: &str) -> Result<usize> {
        let destroyed = self.change(|this| -> Result<usize> {
            this.require(SystemPermission::DataDestructionPolicy)?;
            this.check_password_again(password)?;
            let pending = this.destructions_to_reapply()?;
            if pending.is_empty() {
                return Ok(0);
            }
            let conn = this.vault().db();
            let school = this.load_school()?;
            let all_categories = categories::list(conn)?;
            let label = labels(&all_categories);
            let incidents = queries::incident_dates(conn)?;
            let mut destroyed = 0;
            for d in &pending {
                let wanted = d.mis_id.as_deref().map(str::trim).filter(|m| !m.is_empty());
                let pupil = wanted.and_then(|m| {
                    school
                        .pupils
                        .values()
                        .find(|p| p.mis_id.as_deref().map(str::trim) == Some(m))
                });
                let in_entry: Vec<&str> = d
                    .counts
                    .split("; ")
                    .filter_map(|c| c.rsplit_once(": ").map(|(l, _)| l))
                    .collect();
                let (ids, remaining): (Vec<&queries::IncidentDate>, Vec<_>) = incidents
                    .iter()
                    .filter(|i| pupil.is_some_and(|p| p.id == i.pupil))
                    .partition(|i| {
                        let day = local_day(i.occurred_at);
                        day >= d.first_day
                            && day <= d.last_day
                            && label
                                .get(&i.category)
                                .is_some_and(|l| in_entry.contains(&l.as_str()))
                    });
                let monitored = with_parents(ids.iter().map(|i| i.category), &all_categories);
                let ids: Vec<_> = ids.into_iter().map(|i| i.id).collect();
                let whole = d.whole_record
                    && remaining.is_empty()
                    && pupil.is_some_and(|p| p.archived);
                destroyed += ids.len();
                let reference = match wanted {
                    Some(m) => format!("pupil {m}"),
                    None => "a pupil without an MIS ID".to_string(),
                };
                this.write(|tx| {
                    queries::delete_incidents(tx, &ids)?;
                    if let Some(p) = pupil {
                        queries::delete_monitoring_without_records(tx, p.id, &monitored)?;
                    }
                    if whole && let Some(p) = pupil {
                        queries::delete_pupil(tx, p.id)?;
                    }
                    queries::insert_destruction(tx, d)?;
                    Ok((
                        (),
                        Change::new(
                            "Destruction re-applied",
                            format!(
                                "Destroyed again, after a restore, {} of {reference} ({}), first destroyed {}",
                                names::count(ids.len(), "record", "records"),
                                d.counts,
                                crate::clock::format_local(d.destroyed_at)
                            ),
                        ),
                    ))
                })?;
            }
            this.write(|tx| {
                queries::clear_to_reapply(tx)?;
                Ok((
                    (),
                    Change::new(
                        "Destruction re-applied",
                        format!(
                            "Re-applied {} after a restore",
                            names::count(pending.len(), "destruction", "destructions")
                        ),
                    ),
                ))
            })?;
            Ok(destroyed)
        })?;
        self.compact_file()?;
        Ok(destroyed)
    }
}
