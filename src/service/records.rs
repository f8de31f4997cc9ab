//! What a signed-in member of staff does with pupils' records: the pupils they may see, a
//! pupil's profile, recording a concern, and editing. Every answer goes through the access rule
//! with the user's own sign-in (a user signed in without their key is judged without it), and
//! every view of a profile and every change is in the audit.
//!
//! The audit names pupils by their MIS ID (or record number), never by name: people who may read
//! the audit need not be allowed to see every pupil.

use super::casework::{ActionView, StaffName, StatusView};
use super::error::{Error, Result};
use super::school_read::SchoolRead;
use super::session::Session;
use crate::model::access::{Purpose, SchoolAccess};
use crate::model::{
    Category, CategoryId, CategoryPermission, GroupType, IncidentId, Pupil, PupilGroup,
    PupilGroupId, PupilId, SystemPermission, UserId, category, names,
};
use crate::vault::Change;
use crate::vault::queries::{categories, groups, incidents, pupils};
use std::collections::{BTreeMap, BTreeSet};

/// The longest description kept; longer text is refused rather than cut, so nothing is lost.
pub const MAX_DESCRIPTION: usize = 20_000;
/// How many matches a name search returns at most.
pub const SEARCH_LIMIT: usize = 50;

/// A pupil as lists show them: name and class only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilSummary {
    pub id: PupilId,
    pub forename: String,
    pub surname: String,
    /// "Year 3 · 3B": the pupil's Academic Level and Registration Form.
    pub class: String,
}

impl PupilSummary {
    pub fn display_name(&self, hide_names: bool) -> String {
        names::shown(&self.forename, &self.surname, hide_names)
    }
}

/// One group of the class structure with the pupils in it the user may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassGroup {
    pub group: PupilGroup,
    pub pupils: Vec<PupilSummary>,
}

/// A category one may record under: "Behaviour" or "Behaviour — Against Peers".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryChoice {
    pub id: CategoryId,
    /// "Behaviour — Against Peers", as lists show it.
    pub label: String,
    /// The category's own name, and its parent's for a sub-category.
    pub name: String,
    pub parent: Option<String>,
}

impl std::fmt::Display for CategoryChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

/// A concern to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConcern {
    pub pupil: PupilId,
    pub category: CategoryId,
    pub occurred_at: i64,
    pub description: String,
    pub linked: Vec<PupilId>,
    /// Who alone may read it, and the staff it is about (see `model::restriction`).
    pub restriction: super::restrictions::Restricting,
}

/// What happened after recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub id: IncidentId,
    /// Whether the user may read it back (View Incidents for its category and the profile).
    pub readable: bool,
    /// How many members of staff were alerted to it.
    pub alerted: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentView {
    pub id: IncidentId,
    pub category: CategoryId,
    pub category_label: String,
    pub occurred_at: i64,
    pub description: String,
    pub recorded_by: String,
    pub recorded_at: i64,
    /// Linked pupils the user may see in lists; others are counted, not named.
    pub linked: Vec<PupilSummary>,
    pub linked_hidden: usize,
    /// The wordings edits replaced, oldest first: a record shows what it said before.
    pub earlier: Vec<EarlierWording>,
    /// Who recorded it, with their user group (the role an anonymised chronology shows).
    pub recorded_by_person: StaffName,
    /// What was done about it, in the order it was done.
    pub actions: Vec<ActionView>,
    /// Whether the user may add an action to it: Add new incident/action and either Edit
    /// incidents or having recorded it.
    pub can_add_action: bool,
    /// For one that arrived in a transfer: from where and when.
    pub received: Option<Received>,
    /// For a restricted one: "Only Ada Bell and SLT (user group) can read this", shown only to
    /// those who can.
    pub restriction: Option<String>,
    /// Whether the user may change who reads it: they recorded it, or hold Edit incidents.
    pub can_restrict: bool,
}

/// Where an incident came from when it arrived in a transfer from the pupil's previous school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub from_school: String,
    pub received_at: i64,
    /// Its category there, when it was put under another one here.
    pub category: Option<String>,
}

impl Received {
    /// "Received from Oakfield Primary on 3 Dec 2026 (their category: Welfare)".
    pub fn describe(&self) -> String {
        let day = super::casework::day_text(super::casework::local_day(self.received_at));
        match &self.category {
            Some(c) => format!(
                "Received from {} on {day} (their category: {c})",
                self.from_school
            ),
            None => format!("Received from {} on {day}", self.from_school),
        }
    }
}

/// A wording of an incident that an edit replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierWording {
    pub description: String,
    /// Who made the edit; `None` when they are not in this school file (a loaded export).
    pub replaced_by: Option<String>,
    pub replaced_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilProfile {
    pub pupil: Pupil,
    /// "Year 3 (Academic Level)", ...
    pub groups: Vec<String>,
    /// The categories the pupil is monitored for, among those the user may see (View Students).
    pub monitored: Vec<String>,
    /// Newest first, only in categories where the user has View Incidents.
    pub incidents: Vec<IncidentView>,
    pub can_edit_details: bool,
    pub can_edit_incidents: bool,
    pub can_record: bool,
    /// The pupil's statuses, oldest first (everyone who may open the profile sees them).
    pub statuses: Vec<StatusView>,
    /// Setting and ending statuses needs Edit student information.
    pub can_edit_statuses: bool,
    /// Holds standing on the pupil's records (everyone who may open the profile sees them, so
    /// that nobody removes what a hold protects).
    pub holds: Vec<super::retention::HoldView>,
    /// To those on its list, who may read a locked record's incidents.
    pub lock: Option<String>,
    /// The lock's list, to those on it (to change it from).
    pub lock_readers: Option<crate::model::restriction::Readers>,
    /// Named person or Manage system: may lock the record (or change or lift a lock they are
    /// on).
    pub can_lock: bool,
}

/// A pupil's details that may be edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilDetails {
    pub forename: String,
    pub surname: String,
    /// YYYY-MM-DD or empty.
    pub date_of_birth: String,
}

/// What the audit adds when a read included restricted incidents: ", including restricted
/// incidents 14 and 15".
pub(super) fn restricted_read(
    pupil: PupilId,
    incidents: impl IntoIterator<Item = IncidentId>,
    guards: &crate::model::restriction::Guards,
) -> String {
    let ids: Vec<String> = incidents
        .into_iter()
        .filter(|i| guards.is_guarded(*i, pupil))
        .map(|i| i.0.to_string())
        .collect();
    match ids.len() {
        0 => String::new(),
        1 => format!(", including restricted incident {}", ids[0]),
        _ => format!(", including restricted incidents {}", ids.join(", ")),
    }
}

/// How the audit names a pupil.
pub(super) fn pupil_ref(p: &Pupil) -> String {
    match &p.mis_id {
        Some(m) if !m.trim().is_empty() => format!("pupil {}", m.trim()),
        _ => format!("pupil record {}", p.id.0),
    }
}

fn has_mis_id(p: &Pupil, wanted: &str) -> bool {
    !wanted.is_empty() && p.mis_id.as_deref().is_some_and(|m| m.trim() == wanted)
}

pub(super) fn not_yours() -> Error {
    Error::Invalid(
        "You do not have access to this pupil's record. If you need it, ask your Keyholder administrator."
            .into(),
    )
}

/// "Year 3 · 3B": the groups that place a pupil in the school, without their types.
fn class_of(ids: &[PupilGroupId], by_id: &BTreeMap<PupilGroupId, PupilGroup>) -> String {
    let mut mine: Vec<&PupilGroup> = ids.iter().filter_map(|id| by_id.get(id)).collect();
    mine.retain(|g| g.group_type != GroupType::House);
    mine.sort_by_key(|g| (g.group_type, g.name.to_lowercase()));
    mine.iter()
        .map(|g| g.name.as_str())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The school as last read for the signed-in user, kept while nothing has changed, so that
/// moving between screens or typing in the pupil search does not read every pupil and access
/// list from the file again (at 2,000 pupils that took 9 ms a time; a query per pupil, 4 ms).
pub(super) type SchoolCache = super::stamp_cache::StampCache<School>;

pub(super) struct School {
    /// The rows as read; what follows is derived from them.
    pub(super) read: SchoolRead,
    pub(super) access: SchoolAccess,
    pub(super) pupils: BTreeMap<PupilId, Pupil>,
    pub(super) memberships: BTreeMap<PupilId, Vec<PupilGroupId>>,
    pub(super) groups: BTreeMap<PupilGroupId, PupilGroup>,
    /// Each group's place in the school's own order (Reception before Year 1, and so on).
    pub(super) order: BTreeMap<PupilGroupId, usize>,
}

impl School {
    pub(super) fn summary(&self, p: &Pupil) -> PupilSummary {
        let ids = self
            .memberships
            .get(&p.id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        PupilSummary {
            id: p.id,
            forename: p.forename.clone(),
            surname: p.surname.clone(),
            class: class_of(ids, &self.groups),
        }
    }

    fn on_roll(&self, id: PupilId) -> Result<&Pupil> {
        self.pupils
            .get(&id)
            .filter(|p| !p.archived)
            .ok_or_else(|| Error::Invalid("That pupil is no longer on roll.".into()))
    }
}

/// Whether `haystack` contains every word of `query`, ignoring case.
fn matches_words(query: &str, haystack: &str) -> bool {
    // The whole list (an empty search) is the usual case: no name need be lower-cased for it.
    if query.trim().is_empty() {
        return true;
    }
    let haystack = haystack.to_lowercase();
    query
        .split_whitespace()
        .all(|w| haystack.contains(&w.to_lowercase()))
}

impl Session {
    pub(super) fn load_school(&self) -> Result<std::sync::Arc<School>> {
        self.kept.school.get(self.vault(), || self.read_school())
    }

    fn read_school(&self) -> Result<School> {
        let read = SchoolRead::read(self.vault().db())?;
        let me = self.me();
        Ok(School {
            access: read.access(
                Some((me.user.id, me.signed_in_with_key)),
                false,
                crate::clock::now(),
            ),
            pupils: read.pupils.iter().map(|p| (p.id, p.clone())).collect(),
            memberships: read.memberships.clone(),
            order: read
                .groups
                .iter()
                .enumerate()
                .map(|(i, g)| (g.id, i))
                .collect(),
            groups: read.groups.iter().map(|g| (g.id, g.clone())).collect(),
            read,
        })
    }

    pub(super) fn me_id(&self) -> UserId {
        self.me().user.id
    }

    /// The pupils the user may see in lists, by surname and forename, whose name matches every
    /// word of `search` (all of them when it is empty). Needs View students list.
    pub fn my_pupils(&self, search: &str) -> Result<Vec<PupilSummary>> {
        self.require(SystemPermission::ViewStudentsList)?;
        let school = self.load_school()?;
        let mut out: Vec<PupilSummary> = school
            .access
            .visible_pupils(self.me_id(), Purpose::List)
            .into_iter()
            .filter_map(|id| school.pupils.get(&id))
            .filter(|p| matches_words(search, &p.full_name()))
            .map(|p| school.summary(p))
            .collect();
        // Each name's key made once, not at every comparison.
        out.sort_by_cached_key(|p| (names::sort_key(&p.forename, &p.surname), p.id));
        Ok(out)
    }

    /// Whether any pupil is on roll at all, so an empty new school is told to import its pupils
    /// rather than that the person cannot see any. It says nothing about who the pupils are.
    pub fn has_pupils_on_roll(&self) -> Result<bool> {
        let school = self.load_school()?;
        Ok(school.pupils.values().any(|p| !p.archived))
    }

    /// The class structure of one group type, holding only pupils the user may see; groups with
    /// none of them are left out, so nothing hints at pupils the user may not see.
    pub fn class_structure(&self, t: GroupType) -> Result<Vec<ClassGroup>> {
        self.require(SystemPermission::ViewStudentsList)?;
        let school = self.load_school()?;
        let visible: BTreeSet<PupilId> = school
            .access
            .visible_pupils(self.me_id(), Purpose::List)
            .into_iter()
            .collect();
        let mut by_group: BTreeMap<PupilGroupId, Vec<PupilSummary>> = BTreeMap::new();
        for id in &visible {
            let Some(p) = school.pupils.get(id) else {
                continue;
            };
            for g in school.memberships.get(id).into_iter().flatten() {
                if school.groups.get(g).is_some_and(|g| g.group_type == t) {
                    by_group.entry(*g).or_default().push(school.summary(p));
                }
            }
        }
        let mut out: Vec<ClassGroup> = by_group
            .into_iter()
            .filter_map(|(g, mut pupils)| {
                pupils.sort_by_cached_key(|p| (names::sort_key(&p.forename, &p.surname), p.id));
                Some(ClassGroup {
                    group: school.groups.get(&g)?.clone(),
                    pupils,
                })
            })
            .collect();
        out.sort_by_key(|c| school.order.get(&c.group.id).copied());
        Ok(out)
    }

    /// Any pupil on roll whose name matches, to record a concern about: class restrictions never
    /// block this, and only name and class are shown. Needs Add new incident/action.
    pub fn find_pupil_to_record(&self, search: &str) -> Result<Vec<PupilSummary>> {
        self.require(SystemPermission::AddNewIncident)?;
        if search.trim().is_empty() {
            return Ok(Vec::new());
        }
        self.find_pupil_to_record_where(|p| matches_words(search, &p.full_name()))
    }

    fn find_pupil_to_record_where(
        &self,
        wanted: impl Fn(&Pupil) -> bool,
    ) -> Result<Vec<PupilSummary>> {
        self.require(SystemPermission::AddNewIncident)?;
        let conn = self.vault().db();
        let by_id: BTreeMap<PupilGroupId, PupilGroup> =
            groups::list(conn)?.into_iter().map(|g| (g.id, g)).collect();
        let memberships = pupils::memberships(conn)?;
        let mut out: Vec<PupilSummary> = pupils::list(conn)?
            .into_iter()
            .filter(|p| !p.archived && wanted(p))
            .map(|p| {
                let ids = memberships.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
                PupilSummary {
                    id: p.id,
                    class: class_of(ids, &by_id),
                    forename: p.forename,
                    surname: p.surname,
                }
            })
            .collect();
        out.sort_by_cached_key(|p| (names::sort_key(&p.forename, &p.surname), p.id));
        out.truncate(SEARCH_LIMIT);
        Ok(out)
    }

    /// The pupil on roll with this MIS ID, to record a concern about: as
    /// [`Session::find_pupil_to_record`], class restrictions never block it and only name and
    /// class are given.
    pub fn find_pupil_to_record_by_mis_id(&self, mis_id: &str) -> Result<PupilSummary> {
        let wanted = mis_id.trim();
        self.find_pupil_to_record_where(|p| has_mis_id(p, wanted))?
            .into_iter()
            .next()
            .ok_or_else(|| Error::Invalid(format!("No pupil on roll has the MIS ID {wanted}.")))
    }

    /// The categories the user may record under (Add Incidents), in the grid's order.
    pub fn categories_to_record(&self) -> Result<Vec<CategoryChoice>> {
        self.require(SystemPermission::AddNewIncident)?;
        let all = categories::list(self.vault().db())?;
        Ok(self.category_choices(&all, CategoryPermission::AddIncidents, false))
    }

    /// The categories in which the user has `p`, in the grid's order; archived ones only when
    /// `archived` is true (one reads what was recorded under them, but records nothing new).
    pub(super) fn category_choices(
        &self,
        all: &[Category],
        p: CategoryPermission,
        archived: bool,
    ) -> Vec<CategoryChoice> {
        let names: BTreeMap<CategoryId, &str> =
            all.iter().map(|c| (c.id, c.name.as_str())).collect();
        category::tree_order(all)
            .into_iter()
            .filter(|c| {
                (archived || !c.archived) && self.me().permissions.categories.allows(c.id, p)
            })
            .map(|c| {
                let parent = c.parent.and_then(|id| names.get(&id).copied());
                CategoryChoice {
                    id: c.id,
                    label: c.path(parent),
                    name: c.name.clone(),
                    parent: parent.map(str::to_string),
                }
            })
            .collect()
    }

    /// Records a concern. Any pupil on roll; the category must allow the user Add Incidents.
    pub fn record_concern(&mut self, c: &NewConcern) -> Result<Recorded> {
        self.change(|this| {
            this.require(SystemPermission::AddNewIncident)?;
            let description = c.description.trim();
            if description.is_empty() {
                return Err(Error::Invalid("Please describe what happened.".into()));
            }
            if description.chars().count() > MAX_DESCRIPTION {
                return Err(Error::Invalid(format!(
                    "The description is too long: at most {MAX_DESCRIPTION} characters. Please shorten it; nothing has been saved."
                )));
            }
            let now = crate::clock::now();
            if c.occurred_at > now + 300 {
                return Err(Error::Invalid(
                    "The date and time are in the future. Please check them.".into(),
                ));
            }
            let conn = this.vault().db();
            let all_categories = categories::list(conn)?;
            let allowed = this.category_choices(&all_categories, CategoryPermission::AddIncidents, false);
            let Some(choice) = allowed.iter().find(|a| a.id == c.category) else {
                return Err(Error::Invalid(
                    "You cannot record under that category. Choose one from the list.".into(),
                ));
            };
            let all_pupils: BTreeMap<PupilId, Pupil> =
                pupils::list(conn)?.into_iter().map(|p| (p.id, p)).collect();
            let pupil = all_pupils
                .get(&c.pupil)
                .filter(|p| !p.archived)
                .ok_or_else(|| Error::Invalid("That pupil is no longer on roll.".into()))?
                .clone();
            let mut linked: Vec<PupilId> = c.linked.iter().copied().filter(|l| *l != c.pupil).collect();
            linked.sort();
            linked.dedup();
            let mut linked_refs = Vec::new();
            for l in &linked {
                let p = all_pupils
                    .get(l)
                    .filter(|p| !p.archived)
                    .ok_or_else(|| Error::Invalid("A linked pupil is no longer on roll.".into()))?;
                linked_refs.push(pupil_ref(p));
            }
            this.check_restricting(&c.restriction)?;
            let restricting = this.restricting_text(&c.restriction);
            let me = this.me_id();
            let label = choice.label.clone();
            let id = this.write(|tx| {
                let id = incidents::insert(
                    tx,
                    &incidents::NewIncident {
                        pupil: c.pupil,
                        category: c.category,
                        occurred_at: c.occurred_at,
                        description,
                        recorded_by: Some(me),
                        recorded_at: now,
                        linked_pupils: &linked,
                    },
                )?;
                Session::write_restricting(tx, id, &c.restriction, me, now)?;
                let mut summary = format!("{label} incident recorded about {}", pupil_ref(&pupil));
                if !linked_refs.is_empty() {
                    summary.push_str(&format!(", linked to {}", linked_refs.join(", ")));
                }
                summary.push_str(&restricting);
                Ok((id, Change::new("Incident recorded", summary)))
            })?;
            let readable = this
                .me()
                .permissions
                .categories
                .allows(c.category, CategoryPermission::ViewIncidents)
                && this.my_access()?.can(me, c.pupil, Purpose::Profile);
            Ok(Recorded {
                id,
                readable,
                alerted: 0,
            })
        })
    }

    /// Opens a pupil's profile: needs View student details and the class rule. The view is
    /// recorded in the audit.
    pub fn open_pupil_profile(&mut self, id: PupilId) -> Result<PupilProfile> {
        self.change(|this| {
            let profile = this.pupil_profile(id)?;
            let reference = pupil_ref(&profile.pupil);
            let read = restricted_read(id, profile.incidents.iter().map(|i| i.id), &this.guards()?);
            this.write(|_| {
                Ok((
                    (),
                    Change::new("Pupil profile viewed", format!("Viewed {reference}{read}")),
                ))
            })?;
            Ok(profile)
        })
    }

    /// Opens the profile of the pupil on roll with this MIS ID, as [`Session::open_pupil_profile`].
    /// A pupil the user may not open is reported in the same words as one that is not there, so
    /// the answer says nothing about pupils outside the user's classes.
    pub fn open_pupil_profile_by_mis_id(&mut self, mis_id: &str) -> Result<PupilProfile> {
        self.require(SystemPermission::ViewStudentDetails)?;
        let wanted = mis_id.trim();
        let school = self.load_school()?;
        let me = self.me_id();
        let id = school
            .pupils
            .values()
            .find(|p| has_mis_id(p, wanted) && school.access.can(me, p.id, Purpose::Profile))
            .map(|p| p.id)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "No pupil whose profile you may open has the MIS ID {wanted}."
                ))
            })?;
        self.open_pupil_profile(id)
    }

    /// The profile without recording a view, for refreshing the screen after an edit.
    pub(super) fn pupil_profile(&self, id: PupilId) -> Result<PupilProfile> {
        self.profile_of(id, false)
    }

    /// The profile of a pupil on roll, or with `archived_too` of one who has left (whose file
    /// is sent on to their next school): the same rules either way.
    pub(super) fn profile_of(&self, id: PupilId, archived_too: bool) -> Result<PupilProfile> {
        self.require(SystemPermission::ViewStudentDetails)?;
        let school = self.load_school()?;
        let pupil = if archived_too {
            school
                .pupils
                .get(&id)
                .ok_or_else(|| Error::Invalid("That pupil is no longer in Keyholder.".into()))?
        } else {
            school.on_roll(id)?
        }
        .clone();
        let allowed = if pupil.archived {
            self.leavers_access()?
                .can(self.me_id(), id, Purpose::Profile)
        } else {
            school.access.can(self.me_id(), id, Purpose::Profile)
        };
        if !allowed {
            return Err(not_yours());
        }
        let conn = self.vault().db();
        let perms = &self.me().permissions;
        let all_categories = categories::list(conn)?;
        let names_by_id: BTreeMap<CategoryId, &Category> =
            all_categories.iter().map(|c| (c.id, c)).collect();
        let label = |c: CategoryId| {
            names_by_id.get(&c).map_or_else(
                || "Unknown category".to_string(),
                |cat| {
                    cat.path(
                        cat.parent
                            .and_then(|p| names_by_id.get(&p))
                            .map(|p| p.name.as_str()),
                    )
                },
            )
        };
        let mut group_titles: Vec<&PupilGroup> = school
            .memberships
            .get(&id)
            .into_iter()
            .flatten()
            .filter_map(|g| school.groups.get(g))
            .collect();
        group_titles.sort_by_key(|g| (g.group_type, g.name.to_lowercase()));
        let monitored = pupils::monitoring(conn)?
            .remove(&id)
            .unwrap_or_default()
            .into_iter()
            .filter(|c| {
                perms
                    .categories
                    .allows(*c, CategoryPermission::ViewStudents)
            })
            .map(label)
            .collect();
        let staff = super::casework::staff_names(conn)?;
        let users: BTreeMap<UserId, String> =
            staff.iter().map(|(id, s)| (*id, s.name.clone())).collect();
        let mut actions = super::casework::action_views(conn, id, &staff, self)?;
        let me = self.me_id();
        let may_add_actions = perms.has(SystemPermission::AddNewIncident);
        let guards = self.guards()?;
        let readable: Vec<incidents::Incident> = incidents::for_pupil(conn, id)?
            .into_iter()
            .filter(|i| {
                perms
                    .categories
                    .allows(i.category, CategoryPermission::ViewIncidents)
                    && guards.may_read(me, i.id, i.pupil)
            })
            .collect();
        let restricted = self.restriction_texts(
            &guards,
            id,
            &readable.iter().map(|i| i.id).collect::<Vec<_>>(),
        )?;
        let mut incident_views: Vec<IncidentView> = readable
            .into_iter()
            .map(|i| {
                let earlier = incidents::revisions(conn, i.id)?
                    .into_iter()
                    .map(|r| EarlierWording {
                        description: r.description,
                        replaced_by: r
                            .replaced_by
                            .and_then(|u| users.get(&u).cloned())
                            .or(r.replaced_by_name),
                        replaced_at: r.replaced_at,
                    })
                    .collect();
                let (shown, hidden): (Vec<PupilId>, Vec<PupilId>) = i
                    .linked_pupils
                    .iter()
                    .partition(|l| school.access.can(self.me_id(), **l, Purpose::List));
                Ok(IncidentView {
                    id: i.id,
                    category: i.category,
                    category_label: label(i.category),
                    occurred_at: i.occurred_at,
                    description: i.description,
                    recorded_by: i
                        .recorded_by
                        .and_then(|u| users.get(&u).cloned())
                        .or_else(|| i.recorded_by_name.clone())
                        .unwrap_or_else(|| "Imported".into()),
                    recorded_at: i.recorded_at,
                    linked: shown
                        .iter()
                        .filter_map(|l| school.pupils.get(l))
                        .map(|p| school.summary(p))
                        .collect(),
                    linked_hidden: hidden.len(),
                    earlier,
                    recorded_by_person: super::casework::person(
                        &staff,
                        i.recorded_by,
                        &i.recorded_by_name,
                    ),
                    restriction: restricted.get(&i.id).cloned(),
                    can_restrict: i.recorded_by == Some(me)
                        || perms.has(SystemPermission::EditIncidents),
                    received: i.received.as_ref().map(|(school, at)| Received {
                        from_school: school.clone(),
                        received_at: *at,
                        category: i.received_category.clone(),
                    }),
                    actions: actions.remove(&i.id).unwrap_or_default(),
                    can_add_action: may_add_actions
                        && (perms.has(SystemPermission::EditIncidents)
                            || i.recorded_by == Some(me)),
                })
            })
            .collect::<crate::vault::Result<_>>()?;
        incident_views.sort_by_key(|i| std::cmp::Reverse((i.occurred_at, i.id)));
        Ok(PupilProfile {
            groups: group_titles.iter().map(|g| g.title()).collect(),
            monitored,
            incidents: incident_views,
            can_edit_details: perms.has(SystemPermission::EditStudentInformation),
            can_edit_incidents: perms.has(SystemPermission::EditIncidents),
            can_record: perms.has(SystemPermission::AddNewIncident),
            statuses: super::casework::status_views(conn, id, &staff)?,
            can_edit_statuses: perms.has(SystemPermission::EditStudentInformation),
            holds: self.holds_for(id)?,
            lock: self.lock_text(&guards, id)?,
            lock_readers: guards
                .lock_of(id)
                .filter(|r| r.includes(me, guards.groups.get(&me).copied()))
                .cloned(),
            can_lock: perms.has(SystemPermission::NamedPerson)
                || perms.has(SystemPermission::ManageSystem),
            pupil,
        })
    }

    /// Changes a pupil's name or date of birth. Needs Edit student information and the profile.
    pub fn update_pupil_details(&mut self, id: PupilId, d: &PupilDetails) -> Result<PupilProfile> {
        self.change(|this| {
            this.require(SystemPermission::EditStudentInformation)?;
            let before = this.pupil_profile(id)?.pupil;
            let forename = d.forename.trim();
            let surname = d.surname.trim();
            if forename.is_empty() || surname.is_empty() {
                return Err(Error::Invalid(
                    "A pupil needs both a forename and a surname.".into(),
                ));
            }
            let dob = d.date_of_birth.trim();
            let dob = if dob.is_empty() {
                None
            } else {
                Some(parse_date(dob)?)
            };
            let reference = pupil_ref(&before);
            let mut changed = Vec::new();
            if before.forename != forename || before.surname != surname {
                changed.push("name");
            }
            if before.date_of_birth != dob {
                changed.push("date of birth");
            }
            if changed.is_empty() {
                return this.pupil_profile(id);
            }
            this.write(|tx| {
                pupils::update_details(tx, id, forename, surname, dob.as_deref())?;
                Ok((
                    (),
                    Change::new(
                        "Pupil details changed",
                        format!("Changed the {} of {reference}", changed.join(" and ")),
                    ),
                ))
            })?;
            this.pupil_profile(id)
        })
    }

    /// Pupils who are archived (left the school, or archived by mistake), by surname, with the
    /// class they had. An administrator's list (Manage system): archived pupils are outside the
    /// class rules' lists, so only administrators can find and bring them back.
    pub fn archived_pupils(&self) -> Result<Vec<PupilSummary>> {
        self.require(SystemPermission::ManageSystem)?;
        let school = self.load_school()?;
        let mut out: Vec<PupilSummary> = school
            .pupils
            .values()
            .filter(|p| p.archived)
            .map(|p| school.summary(p))
            .collect();
        out.sort_by_cached_key(|p| names::sort_key(&p.forename, &p.surname));
        Ok(out)
    }

    /// Brings an archived pupil back on roll, in the groups they had, so staff who can see those
    /// groups see them again. Recorded in the audit (by MIS ID, as every pupil is).
    pub fn return_to_roll(&mut self, id: PupilId) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let pupil = pupils::list(this.vault().db())?
                .into_iter()
                .find(|p| p.id == id)
                .ok_or_else(|| Error::Invalid("That pupil is not in Keyholder.".into()))?;
            if !pupil.archived {
                return Err(Error::Invalid(format!(
                    "{} is already on roll.",
                    pupil.full_name()
                )));
            }
            let reference = pupil_ref(&pupil);
            this.write(|tx| {
                pupils::set_archived(tx, id, false)?;
                Ok((
                    (),
                    Change::new(
                        "Pupil returned to roll",
                        format!("Returned {reference} to roll"),
                    )
                    .before_after("archived", "on roll"),
                ))
            })
        })
    }

    /// Changes an incident's description, keeping the wording it replaces. Needs Edit incidents,
    /// the profile, and View Incidents for its category (one cannot edit what one cannot read).
    pub fn edit_incident(&mut self, id: IncidentId, description: &str) -> Result<PupilProfile> {
        self.change(|this| {
            this.require(SystemPermission::EditIncidents)?;
            let conn = this.vault().db();
            let incident = incidents::get(conn, id)?
                .ok_or_else(|| Error::Invalid("That incident no longer exists.".into()))?;
            let profile = this.pupil_profile(incident.pupil)?;
            if !profile.incidents.iter().any(|i| i.id == id) {
                return Err(not_yours());
            }
            let description = description.trim();
            if description.is_empty() {
                return Err(Error::Invalid("An incident needs a description.".into()));
            }
            if description.chars().count() > MAX_DESCRIPTION {
                return Err(Error::Invalid(format!(
                    "The description is too long: at most {MAX_DESCRIPTION} characters. Nothing has been saved."
                )));
            }
            if description == incident.description {
                return Ok(profile);
            }
            let reference = pupil_ref(&profile.pupil);
            let (by, now) = (this.me_id(), crate::clock::now());
            this.write(|tx| {
                incidents::set_description(tx, id, description, Some(by), now)?;
                Ok((
                    (),
                    Change::new(
                        "Incident edited",
                        format!("Edited incident {} about {reference}", id.0),
                    ),
                ))
            })?;
            this.pupil_profile(incident.pupil)
        })
    }
}

/// Accepts 2014-03-07, 07/03/2014 and 7/3/2014 (day first, as in UK schools).
pub fn parse_date(s: &str) -> Result<String> {
    Ok(date(s)?.format("%Y-%m-%d").to_string())
}

/// A day as [`parse_date`] reads it.
pub fn parse_day(s: &str) -> Result<chrono::NaiveDate> {
    date(s)
}

fn date(s: &str) -> Result<chrono::NaiveDate> {
    use chrono::NaiveDate;
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .map_err(|_| {
            Error::Invalid(format!(
                "\"{s}\" is not a date Keyholder understands. Type it as day/month/year, for example 07/03/2015."
            ))
        })
}

/// A date as [`parse_date`] reads it and a time of day ("14:05") on this computer's clock, as
/// unix seconds.
pub fn parse_date_time(day: &str, time: &str) -> Result<i64> {
    use chrono::{Local, NaiveTime, TimeZone};
    let day = date(day)?;
    let t = time.trim();
    let t = NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| {
        Error::Invalid(format!(
            "\"{t}\" is not a time Keyholder understands. Type it as hours:minutes, for example 14:05."
        ))
    })?;
    Local
        .from_local_datetime(&day.and_time(t))
        .earliest()
        .map(|dt| dt.timestamp())
        .ok_or_else(|| {
            Error::Invalid("That time does not exist on this computer's clock (the clocks changed). Please check it.".into())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_day_first_and_checked() {
        assert_eq!(parse_date("07/03/2015").unwrap(), "2015-03-07");
        assert_eq!(parse_date("7/3/2015").unwrap(), "2015-03-07");
        assert_eq!(parse_date(" 2015-03-07 ").unwrap(), "2015-03-07");
        assert!(parse_date("31/02/2015").is_err());
        assert!(parse_date("March 7th").is_err());
    }

    #[test]
    fn date_and_time_make_one_moment() {
        let a = parse_date_time("07/03/2015", "14:05").unwrap();
        let b = parse_date_time("07/03/2015", "14:06").unwrap();
        assert_eq!(b - a, 60);
        assert!(parse_date_time("07/03/2015", "25:00").is_err());
        assert!(parse_date_time("07/03/2015", "").is_err());
    }
}
