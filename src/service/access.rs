//! The access rule applied to the school in the vault: "Who can see this pupil?", "What can this
//! user see?", and the whole-school picture the health check and staff screens use.

use super::error::{Error, Result};
use super::session::{Session, key_state};
use crate::model::access::{Decision, Purpose, Refusal, SchoolAccess};
use crate::model::{
    KeyState, Pupil, PupilGroup, PupilGroupId, PupilId, SystemPermission, UserId, names,
};
use crate::vault::queries::{groups, people, pupils};
use std::collections::{BTreeMap, BTreeSet};

/// How far a user gets with one pupil.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    /// Neither in lists nor the profile.
    Hidden,
    /// In the class lists, but the profile stays closed.
    ListOnly,
    /// The profile too (which implies nothing about lists on its own).
    Profile,
}

impl Reach {
    fn of(list: bool, profile: bool) -> Reach {
        match (list, profile) {
            (_, true) => Reach::Profile,
            (true, false) => Reach::ListOnly,
            (false, false) => Reach::Hidden,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Reach::Hidden => "Cannot see",
            Reach::ListOnly => "Lists only",
            Reach::Profile => "Can open profile",
        }
    }
}

/// One user's answer for the pupil in "Who can see this pupil?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserLine {
    pub user: UserId,
    pub name: String,
    pub email: String,
    pub group: String,
    pub reach: Reach,
    pub in_lists: bool,
    pub profile: bool,
    /// Every reason for whatever is refused, in the admin's words.
    pub reasons: Vec<String>,
    /// "Restricted incidents: can read 1 of 3" (only those the person asking may read).
    pub restricted: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilAccessReport {
    pub pupil: Pupil,
    /// The pupil's groups, e.g. "Year 3 (Academic Level)".
    pub groups: Vec<String>,
    /// Active users first, then by surname and forename.
    pub users: Vec<UserLine>,
}

impl PupilAccessReport {
    pub fn profile_count(&self) -> usize {
        self.users.iter().filter(|u| u.profile).count()
    }
}

/// One pupil's answer in "What can this user see?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilLine {
    pub pupil: PupilId,
    pub forename: String,
    pub surname: String,
    /// The pupil's groups, e.g. "Year 3, Red House, 3B".
    pub class: String,
    pub reach: Reach,
    pub in_lists: bool,
    pub profile: bool,
    pub reasons: Vec<String>,
    /// "Restricted incidents: can read 1 of 3" (only those the person asking may read).
    pub restricted: Option<String>,
}

impl PupilLine {
    pub fn display_name(&self, hide_names: bool) -> String {
        names::shown(&self.forename, &self.surname, hide_names)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserAccessReport {
    pub user: UserId,
    pub name: String,
    pub email: String,
    pub group: String,
    pub key: KeyState,
    /// Whether they may find any pupil by name to record a concern; reasons when not.
    pub can_record: bool,
    pub record_reasons: Vec<String>,
    /// The pupils on roll, by surname and forename: every one for an administrator; for anyone
    /// else only those they see in lists (see `hidden_left_out`).
    pub pupils: Vec<PupilLine>,
    /// Whether pupils the user cannot see were left out. Someone without Manage system asking
    /// about themselves is not told who else is on roll, nor how many.
    pub hidden_left_out: bool,
}

impl UserAccessReport {
    pub fn count(&self, reach: Reach) -> usize {
        self.pupils.iter().filter(|p| p.reach == reach).count()
    }
}

/// The reasons of both purposes without repeats: those about the user first (fixed on the Users
/// tab), then the class restrictions (fixed on the Groups tab).
fn reasons(school: &SchoolAccess, list: &Decision, profile: &Decision) -> Vec<String> {
    let mut seen: BTreeSet<Refusal> = BTreeSet::new();
    let mut all: Vec<&Refusal> = list
        .refusals()
        .iter()
        .chain(profile.refusals())
        .filter(|r| seen.insert(**r))
        .collect();
    all.sort_by_key(|r| r.is_class_restriction());
    all.into_iter().map(|r| school.explain(r)).collect()
}

/// "Year 3, Red House, 3B": the pupil's groups by type, named without their type.
fn class_of(groups_by_id: &BTreeMap<PupilGroupId, &PupilGroup>, ids: &[PupilGroupId]) -> String {
    let mut mine: Vec<&PupilGroup> = ids
        .iter()
        .filter_map(|id| groups_by_id.get(id).copied())
        .collect();
    mine.sort_by_key(|g| (g.group_type, g.name.to_lowercase()));
    mine.iter()
        .map(|g| g.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Session {
    /// The rule for the whole school as the vault holds it now: pupils on roll (archived pupils
    /// are nobody's concern), every user, and a user counted as a key holder when their key is
    /// enrolled, since that is how they would sign in.
    pub(crate) fn school_access(&self) -> Result<SchoolAccess> {
        self.school_access_with(None)
    }

    /// The rule as it applies to the signed-in user right now: judged by whether they signed in
    /// with their key, not by whether they have one.
    pub(crate) fn my_access(&self) -> Result<SchoolAccess> {
        let me = self.me();
        self.school_access_with(Some((me.user.id, me.signed_in_with_key)))
    }

    /// The same rule with pupils who have left judged as though still on roll, in the groups
    /// they had: who may send a leaver's file to their next school. Nothing else uses it; the
    /// rule itself hides a leaver from everyone.
    pub(crate) fn leavers_access(&self) -> Result<SchoolAccess> {
        let me = self.me();
        self.access_over(Some((me.user.id, me.signed_in_with_key)), true)
    }

    /// `signed_in`: a user whose key counts as this session's sign-in instead of their enrolment.
    fn school_access_with(&self, signed_in: Option<(UserId, bool)>) -> Result<SchoolAccess> {
        self.access_over(signed_in, false)
    }

    fn access_over(
        &self,
        signed_in: Option<(UserId, bool)>,
        with_leavers: bool,
    ) -> Result<SchoolAccess> {
        Ok(self
            .load_school()?
            .read
            .access(signed_in, with_leavers, crate::clock::now()))
    }

    /// Everyone's answer for one pupil, with the reasons. Needs Manage system.
    pub fn who_can_see(&self, pupil: PupilId) -> Result<PupilAccessReport> {
        self.require(SystemPermission::ManageSystem)?;
        let conn = self.vault().db();
        let record = pupils::list(conn)?
            .into_iter()
            .find(|p| p.id == pupil)
            .ok_or_else(|| Error::Invalid("That pupil is no longer in the school.".into()))?;
        if record.archived {
            return Err(Error::Invalid(format!(
                "{} is archived, so nobody sees them in lists or profiles.",
                record.full_name()
            )));
        }
        let school = self.school_access()?;
        let all_groups = groups::list(conn)?;
        let mut titles: Vec<&PupilGroup> = all_groups.iter().collect();
        let theirs = pupils::memberships(conn)?
            .remove(&pupil)
            .unwrap_or_default();
        titles.retain(|g| theirs.contains(&g.id));
        titles.sort_by_key(|g| (g.group_type, g.name.to_lowercase()));
        let list = school.who_can_see(pupil, Purpose::List);
        let profile = school.who_can_see(pupil, Purpose::Profile);
        let users: BTreeMap<UserId, _> = people::users(conn)?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        let explainable = self.explainable()?;
        let mut lines: Vec<UserLine> = list
            .iter()
            .zip(&profile)
            .filter_map(|((id, l), (_, p))| {
                let u = users.get(id)?;
                let group = school.viewer(*id).map(|v| v.group_name.clone());
                Some(UserLine {
                    user: *id,
                    name: u.full_name(),
                    email: u.email.clone(),
                    group: group.unwrap_or_default(),
                    reach: Reach::of(l.is_allowed(), p.is_allowed()),
                    in_lists: l.is_allowed(),
                    profile: p.is_allowed(),
                    reasons: reasons(&school, l, p),
                    restricted: explainable.line(*id, pupil, p.is_allowed()),
                })
            })
            .collect();
        lines.sort_by_key(|l| {
            let u = &users[&l.user];
            (!u.active, names::sort_key(&u.forename, &u.surname), u.id)
        });
        Ok(PupilAccessReport {
            pupil: record,
            groups: titles.iter().map(|g| g.title()).collect(),
            users: lines,
        })
    }

    /// Every pupil on roll with whether `user` can see them and why not. Anyone may ask about
    /// themselves, but only an administrator (Manage system) hears about pupils hidden from
    /// them, or asks about someone else.
    pub fn what_user_can_see(&self, user: UserId) -> Result<UserAccessReport> {
        let administrator = self.me().permissions.has(SystemPermission::ManageSystem);
        if user != self.me().user.id {
            self.require(SystemPermission::ManageSystem)?;
        }
        let conn = self.vault().db();
        let person = people::user_by_id(conn, user)?
            .ok_or_else(|| Error::Invalid("That user no longer exists.".into()))?;
        let school = self.school_access()?;
        let viewer = school
            .viewer(user)
            .cloned()
            .ok_or_else(|| Error::Invalid("That user no longer exists.".into()))?;
        let all_groups = groups::list(conn)?;
        let by_id: BTreeMap<_, _> = all_groups.iter().map(|g| (g.id, g)).collect();
        let memberships = pupils::memberships(conn)?;
        let mut on_roll: Vec<Pupil> = pupils::list(conn)?
            .into_iter()
            .filter(|p| !p.archived)
            .collect();
        on_roll.sort_by_cached_key(|p| (names::sort_key(&p.forename, &p.surname), p.id));
        let explainable = self.explainable()?;
        let lines = on_roll
            .into_iter()
            .map(|p| {
                let list = school
                    .decide(user, p.id, Purpose::List)
                    .unwrap_or(Decision::Refused(vec![Refusal::AccountInactive]));
                let profile = school
                    .decide(user, p.id, Purpose::Profile)
                    .unwrap_or(Decision::Refused(vec![Refusal::AccountInactive]));
                let ids = memberships.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
                PupilLine {
                    pupil: p.id,
                    class: class_of(&by_id, ids),
                    reach: Reach::of(list.is_allowed(), profile.is_allowed()),
                    in_lists: list.is_allowed(),
                    profile: profile.is_allowed(),
                    reasons: reasons(&school, &list, &profile),
                    restricted: explainable.line(user, p.id, profile.is_allowed()),
                    forename: p.forename,
                    surname: p.surname,
                }
            })
            .filter(|line| administrator || line.in_lists)
            .collect();
        let record = viewer.find_to_record();
        Ok(UserAccessReport {
            user,
            name: person.full_name(),
            email: person.email.clone(),
            group: viewer.group_name.clone(),
            key: key_state(conn, user, crate::clock::now())?,
            can_record: record.is_allowed(),
            record_reasons: school.explain_all(&record),
            pupils: lines,
            hidden_left_out: !administrator,
        })
    }
}
