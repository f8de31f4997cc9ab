//! The safeguarding team's casework on a pupil's record: actions on incidents (what was done, by
//! whom, when, and what came of it), the pupil's statuses (a child-protection plan, child in
//! need, ...), and the chronology that puts every incident, action and status change in date
//! order, on screen and as a PDF for a case conference.
//!
//! Everything here is read through the pupil's profile: the class rule and View student details
//! first, then only incidents (and so actions) in categories the reader may view. Every change
//! and every PDF made is in the audit, which names the pupil by MIS ID.

use super::error::{Error, Result};
use super::records::{self, CategoryChoice, MAX_DESCRIPTION, PupilProfile, PupilSummary};
use super::session::Session;
use crate::model::access::Purpose;
use crate::model::casework::{ChronologyFilter, PupilStatus, overlapping};
use crate::model::{
    ActionId, CategoryId, CategoryPermission, IncidentId, Outcome, Pupil, PupilId, StatusId,
    StatusKind, SystemPermission, UserId, names,
};
use crate::vault::queries::{casework, categories, people, school};
use crate::vault::{Change, Db};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::Path;

/// A member of staff as casework shows them: by name, or (in an anonymised chronology) by role,
/// which is their user group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffName {
    pub name: String,
    pub role: String,
}

impl StaffName {
    /// Someone this school file does not hold (an export loaded without them).
    fn unknown() -> StaffName {
        StaffName {
            name: "someone no longer in Keyholder".into(),
            role: "staff".into(),
        }
    }

    /// Their name, or anonymised, their role: "a member of SLT".
    pub fn shown(&self, anonymised: bool) -> String {
        if anonymised {
            format!("a member of {}", self.role)
        } else {
            self.name.clone()
        }
    }
}

/// Every user's name and role, by id.
pub(super) fn staff_names(conn: Db<'_>) -> Result<BTreeMap<UserId, StaffName>> {
    let groups: BTreeMap<_, String> = people::user_groups(conn)?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    Ok(people::users(conn)?
        .into_iter()
        .map(|u| {
            let role = groups
                .get(&u.user_group)
                .cloned()
                .unwrap_or_else(|| "staff".into());
            (
                u.id,
                StaffName {
                    name: u.full_name(),
                    role,
                },
            )
        })
        .collect())
}

pub(super) fn staff_name(staff: &BTreeMap<UserId, StaffName>, id: Option<UserId>) -> StaffName {
    id.and_then(|u| staff.get(&u).cloned())
        .unwrap_or_else(StaffName::unknown)
}

/// Who wrote or did something: a user here, or for a record received from another school, the
/// name it came with (they are not users here).
pub(super) fn person(
    staff: &BTreeMap<UserId, StaffName>,
    id: Option<UserId>,
    outside: &Option<String>,
) -> StaffName {
    match (id, outside) {
        (None, Some(name)) => StaffName {
            name: name.clone(),
            role: "staff at the previous school".into(),
        },
        _ => staff_name(staff, id),
    }
}

/// An action as the profile shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionView {
    pub id: ActionId,
    pub incident: IncidentId,
    pub taken_at: i64,
    pub taken_by: StaffName,
    /// Who did it, to start an edit with.
    pub taken_by_id: Option<UserId>,
    pub outcome: Outcome,
    pub description: String,
    pub rationale: String,
    pub recorded_by: StaffName,
    pub recorded_at: i64,
    /// The versions edits replaced, oldest first.
    pub earlier: Vec<EarlierAction>,
    /// Edit incidents, or having recorded it.
    pub can_edit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierAction {
    pub taken_at: i64,
    pub taken_by: StaffName,
    pub outcome: Outcome,
    pub description: String,
    pub rationale: String,
    pub replaced_by: StaffName,
    pub replaced_at: i64,
}

/// The actions on one pupil's incidents, by incident, each in the order taken.
pub(super) fn action_views(
    conn: Db<'_>,
    pupil: PupilId,
    staff: &BTreeMap<UserId, StaffName>,
    session: &Session,
) -> Result<BTreeMap<IncidentId, Vec<ActionView>>> {
    let mut revisions = casework::action_revisions_for_pupil(conn, pupil)?;
    let may_edit_any = session
        .me()
        .permissions
        .has(SystemPermission::EditIncidents);
    let may_add = session
        .me()
        .permissions
        .has(SystemPermission::AddNewIncident);
    let me = session.me_id();
    let mut out: BTreeMap<IncidentId, Vec<ActionView>> = BTreeMap::new();
    for a in casework::actions_for_pupil(conn, pupil)? {
        let earlier = revisions
            .remove(&a.id)
            .unwrap_or_default()
            .into_iter()
            .map(|r| EarlierAction {
                taken_at: r.taken_at,
                taken_by: person(staff, r.taken_by, &r.taken_by_name),
                outcome: r.outcome,
                description: r.description,
                rationale: r.rationale,
                replaced_by: person(staff, r.replaced_by, &r.replaced_by_name),
                replaced_at: r.replaced_at,
            })
            .collect();
        out.entry(a.incident).or_default().push(ActionView {
            id: a.id,
            incident: a.incident,
            taken_at: a.taken_at,
            taken_by: person(staff, a.taken_by, &a.taken_by_name),
            taken_by_id: a.taken_by,
            outcome: a.outcome,
            description: a.description,
            rationale: a.rationale,
            recorded_by: person(staff, a.recorded_by, &a.recorded_by_name),
            recorded_at: a.recorded_at,
            earlier,
            can_edit: may_add && (may_edit_any || a.recorded_by == Some(me)),
        });
    }
    Ok(out)
}

/// A status as the profile shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusView {
    pub id: StatusId,
    pub kind: StatusKind,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub note: String,
    pub set_by: StaffName,
    pub set_at: i64,
    pub ended_by: Option<StaffName>,
}

impl StatusView {
    pub fn is_open(&self) -> bool {
        self.ended_on.is_none()
    }

    /// "since 3 Mar 2026" or "3 Mar 2026 to 1 Jul 2026".
    pub fn period(&self) -> String {
        match self.ended_on {
            None => format!("since {}", day_text(self.started_on)),
            Some(e) => format!("{} to {}", day_text(self.started_on), day_text(e)),
        }
    }
}

pub(super) fn status_views(
    conn: Db<'_>,
    pupil: PupilId,
    staff: &BTreeMap<UserId, StaffName>,
) -> Result<Vec<StatusView>> {
    Ok(casework::statuses_for_pupil(conn, pupil)?
        .into_iter()
        .map(|s| StatusView {
            id: s.id,
            kind: s.kind,
            started_on: s.started_on,
            ended_on: s.ended_on,
            note: s.note,
            set_by: person(staff, s.set_by, &s.set_by_name),
            set_at: s.set_at,
            ended_by: s
                .ended_on
                .map(|_| person(staff, s.ended_by, &s.ended_by_name)),
        })
        .collect())
}

/// "3 Mar 2026".
pub fn day_text(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// An action to add, or the new version of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAction {
    pub taken_at: i64,
    pub taken_by: UserId,
    pub outcome: Outcome,
    /// What was done.
    pub description: String,
    /// Why this outcome; required for no further action.
    pub rationale: String,
}

/// A member of staff who can be named as having taken an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffChoice {
    pub id: UserId,
    /// "Ada Bell (SLT)".
    pub label: String,
    pub email: String,
}

impl std::fmt::Display for StaffChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

/// A status to set on a pupil.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStatus {
    pub kind: StatusKind,
    pub started_on: NaiveDate,
    /// A period that is already over may be recorded with its end.
    pub ended_on: Option<NaiveDate>,
    pub note: String,
}

/// One line of a chronology.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChronologyEntry {
    /// When, for the order: an incident when it happened (a backdated one at its own date), an
    /// action when it was taken, a status change at the start of its day.
    pub at: i64,
    pub day: NaiveDate,
    pub what: Entry,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Incident {
        id: IncidentId,
        category: String,
        description: String,
        recorded_by: StaffName,
        recorded_at: i64,
        /// How many times the wording was edited.
        edits: usize,
        /// Other pupils involved, counted and never named: a chronology leaves the PC.
        others_involved: usize,
        /// "Received from Oakfield Primary on 3 Dec 2026", for one that came in a transfer.
        received: Option<String>,
    },
    Action {
        id: ActionId,
        incident: IncidentId,
        /// The incident's category and when it happened, to say which incident it is about.
        category: String,
        incident_at: i64,
        outcome: Outcome,
        description: String,
        rationale: String,
        taken_by: StaffName,
    },
    StatusStarted {
        kind: StatusKind,
        note: String,
        by: StaffName,
    },
    StatusEnded {
        kind: StatusKind,
        by: StaffName,
    },
}

impl Entry {
    /// "Incident", "Action", "Status": the kind of line.
    pub fn kind(&self) -> &'static str {
        match self {
            Entry::Incident { .. } => "Incident",
            Entry::Action { .. } => "Action",
            Entry::StatusStarted { .. } | Entry::StatusEnded { .. } => "Status",
        }
    }

    /// The category an incident or action is in; a status change is in none.
    pub fn category(&self) -> Option<&str> {
        match self {
            Entry::Incident { category, .. } | Entry::Action { category, .. } => Some(category),
            _ => None,
        }
    }

    /// A line saying what the entry is: "Behaviour — Against Peers", "Outcome: LADO referral",
    /// "Child protection plan started".
    pub fn title(&self) -> String {
        match self {
            Entry::Incident { category, .. } => category.clone(),
            Entry::Action { outcome, .. } => format!("Action: {}", outcome.label()),
            Entry::StatusStarted { kind, .. } => format!("{} started", kind.label()),
            Entry::StatusEnded { kind, .. } => format!("{} ended", kind.label()),
        }
    }

    /// For an action, which incident it is about: "On the Behaviour incident of 3 Mar 2026 10:15".
    pub fn about(&self) -> Option<String> {
        match self {
            Entry::Action {
                category,
                incident_at,
                ..
            } => Some(format!(
                "On the {category} incident of {}",
                crate::clock::format_local(*incident_at)
            )),
            _ => None,
        }
    }

    /// Who recorded it or did it, as the line says it.
    pub fn by(&self, anonymised: bool) -> String {
        match self {
            Entry::Incident {
                recorded_by,
                recorded_at,
                received,
                ..
            } => format!(
                "Recorded by {} on {}{}",
                recorded_by.shown(anonymised),
                crate::clock::format_local(*recorded_at),
                received
                    .as_ref()
                    .map(|r| format!(". {r}"))
                    .unwrap_or_default()
            ),
            Entry::Action { taken_by, .. } => format!("By {}", taken_by.shown(anonymised)),
            Entry::StatusStarted { by, .. } | Entry::StatusEnded { by, .. } => {
                format!("Recorded by {}", by.shown(anonymised))
            }
        }
    }
}

impl ChronologyEntry {
    /// When, as a line shows it: a status change by its day, the rest with the time.
    pub fn when(&self) -> String {
        match self.what {
            Entry::StatusStarted { .. } | Entry::StatusEnded { .. } => day_text(self.day),
            _ => crate::clock::format_local(self.at),
        }
    }
}

/// A pupil's chronology: who it is about, which entries were asked for, and the entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chronology {
    pub school: String,
    pub pupil: Pupil,
    /// "Year 3 (Academic Level)", ...
    pub groups: Vec<String>,
    pub filter: ChronologyFilter,
    /// The filter's category, as the reader sees it named; `None` for every category.
    pub category_label: Option<String>,
    pub entries: Vec<ChronologyEntry>,
    /// The categories the reader may narrow it to: those they may view incidents in.
    pub categories: Vec<CategoryChoice>,
}

impl Chronology {
    /// The incidents it shows (an action's incident counts too).
    pub fn incident_ids(&self) -> Vec<IncidentId> {
        let mut ids: Vec<IncidentId> = self
            .entries
            .iter()
            .filter_map(|e| match &e.what {
                Entry::Incident { id, .. } | Entry::Action { incident: id, .. } => Some(*id),
                _ => None,
            })
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

/// What exporting a chronology wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChronologyExported {
    pub entries: usize,
    pub pages: usize,
}

/// The local day of a moment.
pub(super) fn local_day(unix: i64) -> NaiveDate {
    use chrono::{Local, TimeZone};
    Local
        .timestamp_opt(unix, 0)
        .earliest()
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

/// The first moment of a local day.
fn start_of_day(day: NaiveDate) -> i64 {
    use chrono::{Local, TimeZone};
    day.and_hms_opt(0, 0, 0)
        .and_then(|t| Local.from_local_datetime(&t).earliest())
        .map_or(0, |t| t.timestamp())
}

/// Refuses a text longer than the longest description kept, naming the field.
fn check_length(text: &str, what: &str) -> Result<()> {
    if text.chars().count() > MAX_DESCRIPTION {
        return Err(Error::Invalid(format!(
            "{what} is too long: at most {MAX_DESCRIPTION} characters. Please shorten it; nothing has been saved."
        )));
    }
    Ok(())
}

impl Session {
    /// The members of staff who can be named as having taken an action: every active user, by
    /// surname. Needs Add new incident/action.
    pub fn staff_to_name(&self) -> Result<Vec<StaffChoice>> {
        self.require(SystemPermission::AddNewIncident)?;
        let conn = self.vault().db();
        let staff = staff_names(conn)?;
        let mut users: Vec<_> = people::users(conn)?
            .into_iter()
            .filter(|u| u.active)
            .collect();
        users.sort_by_cached_key(|u| (names::sort_key(&u.forename, &u.surname), u.id));
        Ok(users
            .into_iter()
            .map(|u| StaffChoice {
                id: u.id,
                label: format!(
                    "{} ({})",
                    u.full_name(),
                    staff_name(&staff, Some(u.id)).role
                ),
                email: u.email,
            })
            .collect())
    }

    /// The incident with its pupil's profile, when the user may read it there (the class rule,
    /// View student details and View Incidents for its category).
    fn readable_incident(&self, id: IncidentId) -> Result<(PupilProfile, usize)> {
        let incident = crate::vault::queries::incidents::get(self.vault().db(), id)?
            .ok_or_else(|| Error::Invalid("That incident no longer exists.".into()))?;
        let profile = self.pupil_profile(incident.pupil)?;
        let index = profile
            .incidents
            .iter()
            .position(|i| i.id == id)
            .ok_or_else(records::not_yours)?;
        Ok((profile, index))
    }

    /// Checks an action's content, returning it as the vault writes it (its texts trimmed).
    fn checked_action<'a>(
        &self,
        a: &'a NewAction,
        incident_at: i64,
    ) -> Result<casework::ActionText<'a>> {
        let description = a.description.trim();
        let rationale = a.rationale.trim();
        if description.is_empty() {
            return Err(Error::Invalid(
                "Please say what was done; nothing has been saved.".into(),
            ));
        }
        if a.outcome.needs_rationale() && rationale.is_empty() {
            return Err(Error::Invalid(
                "A decision to take no further action needs its reason: please say why. Nothing has been saved."
                    .into(),
            ));
        }
        check_length(description, "What was done")?;
        check_length(rationale, "The reason")?;
        if a.taken_at > crate::clock::now() + 300 {
            return Err(Error::Invalid(
                "The date and time of the action are in the future. Please check them.".into(),
            ));
        }
        if a.taken_at < incident_at {
            return Err(Error::Invalid(format!(
                "The action is dated before the incident happened ({}). Please check the date.",
                crate::clock::format_local(incident_at)
            )));
        }
        if people::user_by_id(self.vault().db(), a.taken_by)?.is_none() {
            return Err(Error::Invalid(
                "Choose who took the action from the list of staff.".into(),
            ));
        }
        Ok(casework::ActionText {
            taken_at: a.taken_at,
            taken_by: Some(a.taken_by),
            outcome: a.outcome,
            description,
            rationale,
        })
    }

    /// Adds an action to an incident. Needs Add new incident/action, and either Edit incidents
    /// or having recorded the incident; and the incident must be one the user may read on the
    /// pupil's profile.
    pub fn add_action(&mut self, incident: IncidentId, a: &NewAction) -> Result<PupilProfile> {
        self.change(|this| {
            this.require(SystemPermission::AddNewIncident)?;
            let (profile, index) = this.readable_incident(incident)?;
            let view = &profile.incidents[index];
            if !view.can_add_action {
                return Err(Error::Invalid(
                    "Only the person who recorded this incident, or someone whose user group has \
                     \"Edit incidents\", can add an action to it. Nothing has been saved."
                        .into(),
                ));
            }
            let text = this.checked_action(a, view.occurred_at)?;
            let reference = records::pupil_ref(&profile.pupil);
            let (me, now) = (this.me_id(), crate::clock::now());
            this.write(|tx| {
                casework::insert_action(tx, incident, &text, Some(me), now)?;
                Ok((
                    (),
                    Change::new(
                        "Action recorded",
                        format!(
                            "Recorded an action ({}) on incident {} about {reference}",
                            a.outcome.label(),
                            incident.0
                        ),
                    ),
                ))
            })?;
            this.pupil_profile(profile.pupil.id)
        })
    }

    /// Changes an action, keeping the version it replaces. Needs Add new incident/action and
    /// either Edit incidents or having recorded the action, on an incident the user may read.
    pub fn edit_action(&mut self, id: ActionId, a: &NewAction) -> Result<PupilProfile> {
        self.change(|this| {
            this.require(SystemPermission::AddNewIncident)?;
            let action = casework::action(this.vault().db(), id)?
                .ok_or_else(|| Error::Invalid("That action no longer exists.".into()))?;
            let (profile, index) = this.readable_incident(action.incident)?;
            let view = &profile.incidents[index];
            let shown = view
                .actions
                .iter()
                .find(|x| x.id == id)
                .ok_or_else(records::not_yours)?;
            if !shown.can_edit {
                return Err(Error::Invalid(
                    "Only the person who recorded this action, or someone whose user group has \
                     \"Edit incidents\", can change it. Nothing has been saved."
                        .into(),
                ));
            }
            let text = this.checked_action(a, view.occurred_at)?;
            if action.taken_at == text.taken_at
                && action.taken_by == text.taken_by
                && action.outcome == text.outcome
                && action.description == text.description
                && action.rationale == text.rationale
            {
                return Ok(profile);
            }
            let reference = records::pupil_ref(&profile.pupil);
            let (me, now) = (this.me_id(), crate::clock::now());
            this.write(|tx| {
                casework::update_action(tx, id, &text, Some(me), now)?;
                let mut change = Change::new(
                    "Action edited",
                    format!(
                        "Edited action {} on incident {} about {reference}",
                        id.0, action.incident.0
                    ),
                );
                if action.outcome != a.outcome {
                    change = change.before_after(action.outcome.label(), a.outcome.label());
                }
                Ok(((), change))
            })?;
            this.pupil_profile(profile.pupil.id)
        })
    }

    /// Checks a status's days: none in the future, and an end on or after the start.
    fn checked_days(start: NaiveDate, end: Option<NaiveDate>) -> Result<()> {
        let today = local_day(crate::clock::now());
        if start > today || end.is_some_and(|e| e > today) {
            return Err(Error::Invalid(
                "A status can only be recorded from a day that has come: the date is in the future. Please check it."
                    .into(),
            ));
        }
        if end.is_some_and(|e| e < start) {
            return Err(Error::Invalid(format!(
                "The status cannot end before it started ({}). Please check the dates.",
                day_text(start)
            )));
        }
        Ok(())
    }

    /// Gives a pupil a status from a day (and, for a period that is over, until a day). Needs
    /// Edit student information and the pupil's profile. A pupil has one status of a kind at a
    /// time: a period that would overlap another of the same kind is refused.
    pub fn set_status(&mut self, pupil: PupilId, s: &NewStatus) -> Result<PupilProfile> {
        self.change(|this| {
            this.require(SystemPermission::EditStudentInformation)?;
            let profile = this.pupil_profile(pupil)?;
            Self::checked_days(s.started_on, s.ended_on)?;
            let note = s.note.trim();
            check_length(note, "The note")?;
            let existing = casework::statuses_for_pupil(this.vault().db(), pupil)?;
            if let Some(other) = overlapping(&existing, s.kind, s.started_on, s.ended_on) {
                let when = match other.ended_on {
                    None => format!("open since {}", day_text(other.started_on)),
                    Some(e) => format!("from {} to {}", day_text(other.started_on), day_text(e)),
                };
                return Err(Error::Invalid(format!(
                    "{} already has a {} status {when}, which these dates overlap. End that one first, or check the dates.",
                    profile.pupil.full_name(),
                    s.kind.label().to_lowercase()
                )));
            }
            let reference = records::pupil_ref(&profile.pupil);
            let (me, now) = (this.me_id(), crate::clock::now());
            this.write(|tx| {
                casework::insert_status(
                    tx,
                    &casework::NewStatus {
                        pupil,
                        kind: s.kind,
                        started_on: s.started_on,
                        note,
                        set_by: Some(me),
                        set_at: now,
                        ended: s.ended_on.map(|e| (e, Some(me), now)),
                    },
                )?;
                let period = match s.ended_on {
                    None => format!("from {}", s.started_on),
                    Some(e) => format!("from {} to {e}", s.started_on),
                };
                Ok((
                    (),
                    Change::new(
                        "Pupil status set",
                        format!("Set {} {period} for {reference}", s.kind.label()),
                    ),
                ))
            })?;
            this.pupil_profile(pupil)
        })
    }

    /// Ends an open status on a day. Needs Edit student information and the pupil's profile.
    pub fn end_status(&mut self, id: StatusId, ended_on: NaiveDate) -> Result<PupilProfile> {
        self.change(|this| {
            this.require(SystemPermission::EditStudentInformation)?;
            let status: PupilStatus = casework::status(this.vault().db(), id)?
                .ok_or_else(|| Error::Invalid("That status is no longer recorded.".into()))?;
            let profile = this.pupil_profile(status.pupil)?;
            if !status.is_open() {
                return Err(Error::Invalid(format!(
                    "That {} status has already ended.",
                    status.kind.label().to_lowercase()
                )));
            }
            Self::checked_days(status.started_on, Some(ended_on))?;
            let reference = records::pupil_ref(&profile.pupil);
            let (me, now) = (this.me_id(), crate::clock::now());
            this.write(|tx| {
                casework::end_status(tx, id, ended_on, Some(me), now)?;
                Ok((
                    (),
                    Change::new(
                        "Pupil status ended",
                        format!(
                            "Ended {} on {ended_on} for {reference}",
                            status.kind.label()
                        ),
                    ),
                ))
            })?;
            this.pupil_profile(status.pupil)
        })
    }

    /// The open status of this kind on the pupil with this MIS ID, for the command line.
    pub fn open_status_of(&self, pupil: PupilId, kind: StatusKind) -> Result<StatusId> {
        let profile = self.pupil_profile(pupil)?;
        profile
            .statuses
            .iter()
            .find(|s| s.kind == kind && s.is_open())
            .map(|s| s.id)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "{} has no open {} status.",
                    profile.pupil.full_name(),
                    kind.label().to_lowercase()
                ))
            })
    }

    /// The pupil whose profile the user may open with this MIS ID, without recording a view: the
    /// changes made with it are recorded instead. Not there and not allowed read the same.
    pub fn pupil_by_mis_id(&self, mis_id: &str) -> Result<PupilId> {
        self.require(SystemPermission::ViewStudentDetails)?;
        let wanted = mis_id.trim();
        let school = self.load_school()?;
        let me = self.me_id();
        school
            .pupils
            .values()
            .find(|p| {
                !p.archived
                    && p.mis_id.as_deref().is_some_and(|m| m.trim() == wanted)
                    && school.access.can(me, p.id, Purpose::Profile)
            })
            .map(|p| p.id)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "No pupil whose profile you may open has the MIS ID {wanted}."
                ))
            })
    }

    /// A pupil's chronology: every incident the user may read on the profile, each action on
    /// them and each status change, in date order, narrowed by `filter`. Reading it is part of
    /// the profile (whose opening is audited); see [`Session::open_chronology`] for a read on
    /// its own.
    pub fn chronology(&self, pupil: PupilId, filter: &ChronologyFilter) -> Result<Chronology> {
        self.chronology_of(pupil, filter, false)
    }

    /// As [`Session::chronology`]; with `archived_too`, also of a pupil who has left.
    pub(super) fn chronology_of(
        &self,
        pupil: PupilId,
        filter: &ChronologyFilter,
        archived_too: bool,
    ) -> Result<Chronology> {
        let profile = self.profile_of(pupil, archived_too)?;
        let conn = self.vault().db();
        let parents: BTreeMap<CategoryId, Option<CategoryId>> = categories::list(conn)?
            .into_iter()
            .map(|c| (c.id, c.parent))
            .collect();
        let all = categories::list(conn)?;
        // Archived categories too: what was recorded under them is still on the record.
        let choices = self.category_choices(&all, CategoryPermission::ViewIncidents, true);
        let category_label = filter.category.map(|c| {
            choices
                .iter()
                .find(|x| x.id == c)
                .map_or_else(|| "a category you cannot view".into(), |x| x.label.clone())
        });
        let mut entries = Vec::new();
        for i in &profile.incidents {
            if !filter.takes_category(i.category, parents.get(&i.category).copied().flatten()) {
                continue;
            }
            let day = local_day(i.occurred_at);
            if filter.takes_day(day) {
                entries.push(ChronologyEntry {
                    at: i.occurred_at,
                    day,
                    what: Entry::Incident {
                        id: i.id,
                        category: i.category_label.clone(),
                        description: i.description.clone(),
                        recorded_by: i.recorded_by_person.clone(),
                        recorded_at: i.recorded_at,
                        edits: i.earlier.len(),
                        others_involved: i.linked.len() + i.linked_hidden,
                        received: i.received.as_ref().map(super::records::Received::describe),
                    },
                });
            }
            for a in &i.actions {
                let day = local_day(a.taken_at);
                if filter.takes_day(day) {
                    entries.push(ChronologyEntry {
                        at: a.taken_at,
                        day,
                        what: Entry::Action {
                            id: a.id,
                            incident: i.id,
                            category: i.category_label.clone(),
                            incident_at: i.occurred_at,
                            outcome: a.outcome,
                            description: a.description.clone(),
                            rationale: a.rationale.clone(),
                            taken_by: a.taken_by.clone(),
                        },
                    });
                }
            }
        }
        if filter.statuses {
            for s in &profile.statuses {
                if filter.takes_day(s.started_on) {
                    entries.push(ChronologyEntry {
                        at: start_of_day(s.started_on),
                        day: s.started_on,
                        what: Entry::StatusStarted {
                            kind: s.kind,
                            note: s.note.clone(),
                            by: s.set_by.clone(),
                        },
                    });
                }
                if let Some(end) = s.ended_on
                    && filter.takes_day(end)
                {
                    entries.push(ChronologyEntry {
                        at: start_of_day(end),
                        day: end,
                        what: Entry::StatusEnded {
                            kind: s.kind,
                            by: s.ended_by.clone().unwrap_or_else(StaffName::unknown),
                        },
                    });
                }
            }
        }
        // On one day, status changes come first (they hold from the day's start), then the
        // rest by time; an action never comes before its incident.
        let rank = |e: &Entry| match e {
            Entry::StatusEnded { .. } => 0,
            Entry::StatusStarted { .. } => 1,
            Entry::Incident { .. } => 2,
            Entry::Action { .. } => 3,
        };
        entries.sort_by_key(|e| (e.at, rank(&e.what)));
        Ok(Chronology {
            school: school::get(conn)?.name,
            groups: profile.groups.clone(),
            pupil: profile.pupil,
            filter: filter.clone(),
            category_label,
            entries,
            categories: choices,
        })
    }

    /// A chronology read on its own (the command line's `chronology --json`), recorded in the
    /// audit as a view of the pupil's record.
    pub fn open_chronology(
        &mut self,
        pupil: PupilId,
        filter: &ChronologyFilter,
    ) -> Result<Chronology> {
        self.change(|this| {
            let chronology = this.chronology(pupil, filter)?;
            let reference = records::pupil_ref(&chronology.pupil);
            let read = records::restricted_read(pupil, chronology.incident_ids(), &this.guards()?);
            this.write(|_| {
                Ok((
                    (),
                    Change::new(
                        "Chronology viewed",
                        format!(
                            "Viewed the chronology of {reference} ({}, {}){read}",
                            chronology.filter.describe_days(),
                            names::count(chronology.entries.len(), "entry", "entries")
                        ),
                    ),
                ))
            })?;
            Ok(chronology)
        })
    }

    /// Writes the chronology as a PDF to `path`, for a case conference: with staff named, or
    /// `anonymised` with each member of staff given as their role (user group). The export is
    /// in the audit, saved together with the file: if the audit entry cannot be saved, the
    /// file is taken away again.
    pub fn export_chronology_pdf(
        &mut self,
        pupil: PupilId,
        filter: &ChronologyFilter,
        anonymised: bool,
        path: &Path,
    ) -> Result<ChronologyExported> {
        let mut written = false;
        let result = self.change(|this| {
            let chronology = this.chronology(pupil, filter)?;
            let staff = staff_names(this.vault().db())?;
            let me = staff_name(&staff, Some(this.me_id()));
            let document =
                super::chronology_pdf::document(&chronology, &me, crate::clock::now(), anonymised);
            let pdf = crate::pdf::render(&document)
                .map_err(|e| Error::Invalid(format!("The PDF could not be made: {e}.")))?;
            let reference = records::pupil_ref(&chronology.pupil);
            let read = records::restricted_read(pupil, chronology.incident_ids(), &this.guards()?);
            this.write(|_| {
                Ok((
                    (),
                    Change::new(
                        "Chronology exported",
                        format!(
                            "Exported the chronology of {reference} as a PDF{} ({}, {}, {}){read}",
                            if anonymised { ", anonymised" } else { "" },
                            chronology.filter.describe_days(),
                            names::count(chronology.entries.len(), "entry", "entries"),
                            names::count(pdf.pages, "page", "pages")
                        ),
                    ),
                ))
            })?;
            save_pdf(path, &pdf.bytes)?;
            written = true;
            Ok(ChronologyExported {
                entries: chronology.entries.len(),
                pages: pdf.pages,
            })
        });
        if result.is_err() && written {
            // Best effort: the change that would have recorded it was not saved.
            let _ = std::fs::remove_file(path);
        }
        result
    }

    /// For each status, the pupils the user may open who have it open on `day`, by name.
    /// For reports: needs Run reports, and counts only pupils whose profile the user may open
    /// (statuses are shown on the profile), so it never reveals a pupil a profile would hide.
    pub fn open_statuses_on(&self, day: NaiveDate) -> Result<Vec<(StatusKind, Vec<PupilSummary>)>> {
        self.require(SystemPermission::RunReports)?;
        self.require(SystemPermission::ViewStudentDetails)?;
        let school = self.load_school()?;
        let me = self.me_id();
        let visible: Vec<PupilStatus> = casework::all_statuses(self.vault().db())?
            .into_iter()
            .filter(|s| {
                school.pupils.get(&s.pupil).is_some_and(|p| !p.archived)
                    && school.access.can(me, s.pupil, Purpose::Profile)
            })
            .collect();
        Ok(crate::model::casework::open_on(&visible, day)
            .into_iter()
            .map(|(kind, ids)| {
                let mut pupils: Vec<PupilSummary> = ids
                    .iter()
                    .filter_map(|id| school.pupils.get(id))
                    .map(|p| school.summary(p))
                    .collect();
                pupils.sort_by_cached_key(|p| (names::sort_key(&p.forename, &p.surname), p.id));
                (kind, pupils)
            })
            .collect())
    }
}

/// Writes a PDF (or any document Keyholder makes) to `path` whole or not at all.
pub fn save_pdf(path: &Path, bytes: &[u8]) -> Result<()> {
    Ok(crate::vault::files::write_atomic(path, bytes)?)
}

/// A file name for a pupil's chronology: by MIS ID and date rather than the child's name, since
/// file names show in folder listings and recent-file lists.
pub fn suggested_pdf_name(pupil: &Pupil, anonymised: bool, at: i64) -> String {
    let who = pupil
        .mis_id
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map_or_else(|| format!("pupil {}", pupil.id.0), str::to_string);
    let who: String = who
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == ' ' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!(
        "Chronology {who}{} {}.pdf",
        if anonymised { " anonymised" } else { "" },
        local_day(at).format("%Y-%m-%d")
    )
}

/// Where a PDF goes when its place is typed rather than chosen in a dialog: into a folder
/// (under `suggested`, never over a file already there), or a file path, given `.pdf` if it has
/// no extension.
pub fn typed_pdf_destination(typed: &str, suggested: &str) -> Result<std::path::PathBuf> {
    if typed.trim().is_empty() {
        return Err(Error::Invalid(
            "Type the folder to save the PDF in, or press Export to choose it.".into(),
        ));
    }
    typed_destination(typed, suggested)
}

/// As [`typed_pdf_destination`], for a file of any kind: `suggested` gives the name and the
/// extension a typed file name without one is given.
pub fn typed_destination(typed: &str, suggested: &str) -> Result<std::path::PathBuf> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(Error::Invalid(
            "Type the folder to save it in, or press the button to choose where.".into(),
        ));
    }
    let extension = Path::new(suggested)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("pdf")
        .to_string();
    let path = std::path::PathBuf::from(typed);
    if path.is_dir() {
        let stem = suggested
            .strip_suffix(&format!(".{extension}"))
            .unwrap_or(suggested);
        let mut file = path.join(suggested);
        let mut n = 2;
        while file.exists() {
            file = path.join(format!("{stem} ({n}).{extension}"));
            n += 1;
        }
        return Ok(file);
    }
    if path
        .parent()
        .is_some_and(|p| !p.as_os_str().is_empty() && !p.is_dir())
    {
        return Err(Error::Invalid(format!(
            "There is no folder {}. Check the name, or press the button to choose where to save it.",
            path.parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        )));
    }
    Ok(if path.extension().is_none() {
        path.with_extension(extension)
    } else {
        path
    })
}
