//! Restricted concerns: an incident shared with named people only, a pupil's record locked to a
//! few, and concerns about members of staff kept from them (the rule is in
//! `model::restriction`). Every read path (the profile and so the chronology and transfers, the
//! reports, the Dashboard's alerts, the review of records due) asks [`Session::guards`], so a
//! restricted record leaves no trace for anyone outside its list. Every restriction, every change
//! of one, and every read of a restricted record is in the audit.

use super::error::{Error, Result};
use super::records::{PupilProfile, not_yours, pupil_ref};
use super::session::Session;
use crate::model::restriction::{Guards, Readers, StaffInvolved};
use crate::model::{
    CategoryId, CategoryPermission, CategoryPermissions, IncidentId, PupilId, SystemPermission,
    UserGroupId, UserId, names,
};
use crate::vault::Change;
use crate::vault::queries::{incidents, people, restrictions};
use std::collections::{BTreeMap, HashMap};

/// How a new concern is restricted: who alone may read it, and the staff it is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Restricting {
    pub only: Option<Readers>,
    pub staff: Vec<StaffInvolved>,
}

impl Restricting {
    pub fn is_empty(&self) -> bool {
        self.only.is_none() && self.staff.is_empty()
    }
}

/// A person or user group who can be chosen as a reader, as the chooser lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderChoice {
    pub users: Vec<(UserId, String)>,
    pub groups: Vec<(UserGroupId, String)>,
}

/// "Ada Bell, Sam Osei and SLT": readers by name.
pub(super) fn readers_text(
    r: &Readers,
    users: &BTreeMap<UserId, String>,
    groups: &BTreeMap<UserGroupId, String>,
) -> String {
    let mut out: Vec<String> = r
        .users
        .iter()
        .map(|u| {
            users
                .get(u)
                .cloned()
                .unwrap_or_else(|| "a former user".into())
        })
        .collect();
    out.extend(r.groups.iter().map(|g| {
        groups.get(g).map_or_else(
            || "a former user group".into(),
            |n| format!("{n} (user group)"),
        )
    }));
    match out.len() {
        0 => "nobody but whoever recorded it".into(),
        1 => out.remove(0),
        _ => {
            let last = out.pop().unwrap_or_default();
            format!("{} and {last}", out.join(", "))
        }
    }
}

/// "2 people and 1 user group".
pub fn readers_count(r: &Readers) -> String {
    match (r.users.len(), r.groups.len()) {
        (u, 0) => names::count(u, "person", "people"),
        (0, g) => names::count(g, "user group", "user groups"),
        (u, g) => format!(
            "{} and {}",
            names::count(u, "person", "people"),
            names::count(g, "user group", "user groups")
        ),
    }
}

/// The restricted incidents the signed-in person may read themselves, for the access reports to
/// explain: a restricted incident outside their own reach is never counted, named or hinted at.
pub(super) struct Explainable {
    guards: Guards,
    by_pupil: HashMap<PupilId, Vec<(IncidentId, CategoryId)>>,
    grids: HashMap<UserId, CategoryPermissions>,
}

impl Explainable {
    /// "Restricted incidents: can read 1 of 3", when there are any this pupil has that the
    /// person asking may read; `profile` is whether `user` may open the pupil's profile.
    pub(super) fn line(&self, user: UserId, pupil: PupilId, profile: bool) -> Option<String> {
        let list = self.by_pupil.get(&pupil)?;
        let grid = self.grids.get(&user);
        let readable = list
            .iter()
            .filter(|(i, c)| {
                profile
                    && grid.is_some_and(|g| g.allows(*c, CategoryPermission::ViewIncidents))
                    && self.guards.may_read(user, *i, pupil)
            })
            .count();
        Some(format!(
            "Restricted incidents: can read {readable} of {}",
            list.len()
        ))
    }
}

impl Session {
    /// See [`Explainable`].
    pub(super) fn explainable(&self) -> Result<Explainable> {
        let conn = self.vault().db();
        let guards = self.guards()?;
        let me = self.me_id();
        let mine = self.my_access()?;
        let my_grid = &self.me().permissions.categories;
        let mut by_pupil: HashMap<PupilId, Vec<(IncidentId, CategoryId)>> = HashMap::new();
        // Explained to administrators only: they manage who sees what.
        let administrator = self.me().permissions.has(SystemPermission::ManageSystem);
        if administrator && (!guards.incidents.is_empty() || !guards.locks.is_empty()) {
            for i in incidents::list(conn)? {
                if guards.is_guarded(i.id, i.pupil)
                    && mine.can(me, i.pupil, crate::model::access::Purpose::Profile)
                    && my_grid.allows(i.category, CategoryPermission::ViewIncidents)
                    && guards.may_read(me, i.id, i.pupil)
                {
                    by_pupil
                        .entry(i.pupil)
                        .or_default()
                        .push((i.id, i.category));
                }
            }
        }
        let grids: HashMap<UserGroupId, CategoryPermissions> = people::user_groups(conn)?
            .into_iter()
            .map(|g| (g.id, g.categories))
            .collect();
        let grids = guards
            .groups
            .iter()
            .filter_map(|(u, g)| grids.get(g).map(|c| (*u, c.clone())))
            .collect();
        Ok(Explainable {
            guards,
            by_pupil,
            grids,
        })
    }

    /// Every restriction in the school, for the read paths to apply.
    pub(crate) fn guards(&self) -> Result<Guards> {
        Ok(restrictions::guards(self.vault().db())?)
    }

    /// The people and user groups a record can be shared with (active ones).
    pub fn reader_choices(&self) -> Result<ReaderChoice> {
        let conn = self.vault().db();
        let mut users: Vec<(UserId, String)> = people::users(conn)?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| (u.id, u.full_name()))
            .collect();
        users.sort_by_key(|(_, n)| n.to_lowercase());
        let mut groups: Vec<(UserGroupId, String)> = people::user_groups(conn)?
            .into_iter()
            .filter(|g| g.active)
            .map(|g| (g.id, g.name))
            .collect();
        groups.sort_by_key(|(_, n)| n.to_lowercase());
        Ok(ReaderChoice { users, groups })
    }

    /// The readers named by e-mail address or user-group name (as the command line takes them).
    pub fn readers_named(&self, named: &[String]) -> Result<Readers> {
        let conn = self.vault().db();
        let users = people::users(conn)?;
        let groups = people::user_groups(conn)?;
        let mut out = Readers::default();
        for n in named {
            let n = n.trim();
            if let Some(g) = groups.iter().find(|g| g.name.eq_ignore_ascii_case(n)) {
                out.groups.insert(g.id);
            } else if let Some(u) = users.iter().find(|u| u.email.eq_ignore_ascii_case(n)) {
                out.users.insert(u.id);
            } else {
                return Err(Error::Invalid(format!(
                    "\"{n}\" is neither the e-mail address of a member of staff nor a user group. Nothing has been saved."
                )));
            }
        }
        Ok(out)
    }

    fn names(&self) -> Result<(BTreeMap<UserId, String>, BTreeMap<UserGroupId, String>)> {
        let conn = self.vault().db();
        Ok((
            people::users(conn)?
                .into_iter()
                .map(|u| (u.id, u.full_name()))
                .collect(),
            people::user_groups(conn)?
                .into_iter()
                .map(|g| (g.id, g.name))
                .collect(),
        ))
    }

    /// Refuses readers or staff who are not in the school.
    pub(super) fn check_restricting(&self, r: &Restricting) -> Result<()> {
        let (users, groups) = self.names()?;
        let unknown_user = r
            .only
            .iter()
            .flat_map(|o| o.users.iter())
            .chain(r.staff.iter().map(|s| &s.user))
            .any(|u| !users.contains_key(u));
        let unknown_group = r
            .only
            .iter()
            .flat_map(|o| o.groups.iter())
            .any(|g| !groups.contains_key(g));
        if unknown_user || unknown_group {
            return Err(Error::Invalid(
                "One of the people or user groups chosen is no longer in Keyholder. Choose again; nothing has been saved."
                    .into(),
            ));
        }
        if r.staff.iter().any(|s| s.user == self.me_id()) {
            return Err(Error::Invalid(
                "You cannot name yourself as a member of staff the concern is about: ask the DSL to record it. Nothing has been saved."
                    .into(),
            ));
        }
        Ok(())
    }

    /// What a new incident's restriction says in the audit: ", readable only by 2 people, about
    /// 1 member of staff".
    pub(super) fn restricting_text(&self, r: &Restricting) -> String {
        let mut out = String::new();
        if let Some(only) = &r.only {
            out.push_str(&format!(", readable only by {}", readers_count(only)));
        }
        if !r.staff.is_empty() {
            out.push_str(&format!(
                ", about {}",
                names::count(r.staff.len(), "member of staff", "members of staff")
            ));
        }
        out
    }

    /// Writes a new incident's restriction (inside the change that records it).
    pub(super) fn write_restricting(
        tx: crate::vault::Db<'_>,
        incident: IncidentId,
        r: &Restricting,
        by: UserId,
        at: i64,
    ) -> crate::vault::Result<()> {
        if let Some(only) = &r.only {
            restrictions::set_incident_readers(tx, incident, Some(only), Some(by), at)?;
        }
        if !r.staff.is_empty() {
            restrictions::set_staff(tx, incident, &r.staff)?;
        }
        Ok(())
    }

    /// The incident, if the user may change its restriction: they can read it, and they
    /// recorded it or hold Edit incidents.
    fn incident_to_restrict(&self, id: IncidentId) -> Result<incidents::Incident> {
        let conn = self.vault().db();
        let incident = incidents::get(conn, id)?
            .ok_or_else(|| Error::Invalid("That incident no longer exists.".into()))?;
        let profile = self.profile_of(incident.pupil, true)?;
        if !profile.incidents.iter().any(|i| i.id == id) {
            return Err(not_yours());
        }
        if incident.recorded_by != Some(self.me_id())
            && !self.me().permissions.has(SystemPermission::EditIncidents)
        {
            return Err(Error::NotAllowed(SystemPermission::EditIncidents, ""));
        }
        Ok(incident)
    }

    /// How an incident is restricted now, for someone who may change it (to start from).
    pub fn incident_restriction(&self, id: IncidentId) -> Result<Restricting> {
        self.incident_to_restrict(id)?;
        let guards = self.guards()?;
        let g = guards.incidents.get(&id);
        Ok(Restricting {
            only: g.and_then(|g| g.readers.clone()),
            staff: g.map(|g| g.staff.clone()).unwrap_or_default(),
        })
    }

    /// Restricts an incident to `only` (with `None`, lifts its restriction) and names the staff
    /// it is about. Needs to read it, and to have recorded it or hold Edit incidents.
    pub fn restrict_incident(&mut self, id: IncidentId, r: &Restricting) -> Result<PupilProfile> {
        self.change(|this| {
            let incident = this.incident_to_restrict(id)?;
            this.check_restricting(r)?;
            let (users, groups) = this.names()?;
            let pupil = this.profile_of(incident.pupil, true)?.pupil;
            let before = this.guards()?;
            let describe = |only: Option<&Readers>, staff: &[StaffInvolved]| {
                let mut parts = vec![match only {
                    Some(o) => format!("readable only by {}", readers_text(o, &users, &groups)),
                    None => "not restricted".into(),
                }];
                if !staff.is_empty() {
                    parts.push(format!(
                        "about {}",
                        staff
                            .iter()
                            .map(|s| users.get(&s.user).cloned().unwrap_or_default())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                parts.join("; ")
            };
            let old = before.incidents.get(&id);
            let was = describe(
                old.and_then(|g| g.readers.as_ref()),
                old.map(|g| g.staff.as_slice()).unwrap_or(&[]),
            );
            let now = describe(r.only.as_ref(), &r.staff);
            let me = this.me_id();
            let at = crate::clock::now();
            let reference = pupil_ref(&pupil);
            this.write(|tx| {
                restrictions::set_incident_readers(tx, id, r.only.as_ref(), Some(me), at)?;
                restrictions::set_staff(tx, id, &r.staff)?;
                Ok((
                    (),
                    Change::new(
                        "Incident restriction changed",
                        format!("Changed who may read incident {} of {reference}", id.0),
                    )
                    .before_after(was, now),
                ))
            })?;
            this.profile_of(incident.pupil, true)
        })
    }

    /// Locks a pupil's record to `readers` (every incident of theirs, past and future), or with
    /// `None` unlocks it. Needs Named person or Manage system, and the pupil's profile.
    pub fn lock_record(
        &mut self,
        pupil: PupilId,
        readers: Option<&Readers>,
    ) -> Result<PupilProfile> {
        self.change(|this| {
            let p = &this.me().permissions;
            if !p.has(SystemPermission::NamedPerson) && !p.has(SystemPermission::ManageSystem) {
                return Err(Error::Invalid(
                    "Locking a pupil's record needs the \"Named person\" or \"Manage system\" permission, which your user group does not give you."
                        .into(),
                ));
            }
            let profile = this.profile_of(pupil, true)?;
            let guards = this.guards()?;
            let me = this.me_id();
            if guards
                .lock_of(pupil)
                .is_some_and(|l| !l.includes(me, guards.groups.get(&me).copied()))
            {
                return Err(Error::Invalid(
                    "You cannot change who reads this pupil's record. Ask one of the people it is open to."
                        .into(),
                ));
            }
            if let Some(r) = readers {
                if r.is_empty() {
                    return Err(Error::Invalid(
                        "Choose at least one person or user group who may read the record.".into(),
                    ));
                }
                this.check_restricting(&Restricting {
                    only: Some(r.clone()),
                    staff: Vec::new(),
                })?;
            }
            let (users, groups) = this.names()?;
            let before = guards
                .lock_of(pupil)
                .map_or_else(|| "not locked".to_string(), |r| {
                    format!("locked to {}", readers_text(r, &users, &groups))
                });
            let after = readers.map_or_else(|| "not locked".to_string(), |r| {
                format!("locked to {}", readers_text(r, &users, &groups))
            });
            let at = crate::clock::now();
            let reference = pupil_ref(&profile.pupil);
            this.write(|tx| {
                restrictions::set_lock(tx, pupil, readers, Some(me), at)?;
                Ok((
                    (),
                    Change::new(
                        if readers.is_some() {
                            "Pupil record locked"
                        } else {
                            "Pupil record unlocked"
                        },
                        format!("Changed who may read the record of {reference}"),
                    )
                    .before_after(before, after),
                ))
            })?;
            this.profile_of(pupil, true)
        })
    }

    /// Who may read each guarded incident of a profile, by name (for someone who reads them).
    pub(super) fn restriction_texts(
        &self,
        guards: &Guards,
        pupil: PupilId,
        incidents: &[IncidentId],
    ) -> Result<BTreeMap<IncidentId, String>> {
        if !incidents.iter().any(|i| guards.is_guarded(*i, pupil)) {
            return Ok(BTreeMap::new());
        }
        let (users, groups) = self.names()?;
        Ok(incidents
            .iter()
            .filter_map(|i| describe_guard(guards, &users, &groups, *i).map(|t| (*i, t)))
            .collect())
    }

    /// "Locked to Ada Bell and SLT (user group)", for someone on the lock's list; `None` for
    /// everyone else (or when the record is not locked).
    pub(super) fn lock_text(&self, guards: &Guards, pupil: PupilId) -> Result<Option<String>> {
        let me = self.me_id();
        let Some(r) = guards
            .lock_of(pupil)
            .filter(|r| r.includes(me, guards.groups.get(&me).copied()))
        else {
            return Ok(None);
        };
        let (users, groups) = self.names()?;
        Ok(Some(format!(
            "This pupil's record is locked: only {} can read its incidents",
            readers_text(r, &users, &groups)
        )))
    }

    /// Who may read a restricted incident, by name, for someone who can read it; `None` when it
    /// is not restricted.
    pub fn incident_readers_text(
        &self,
        incident: IncidentId,
        pupil: PupilId,
    ) -> Result<Option<String>> {
        let guards = self.guards()?;
        if !guards.may_read(self.me_id(), incident, pupil) {
            return Err(not_yours());
        }
        let (users, groups) = self.names()?;
        Ok(describe_guard(&guards, &users, &groups, incident))
    }
}

fn describe_guard(
    guards: &Guards,
    users: &BTreeMap<UserId, String>,
    groups: &BTreeMap<UserGroupId, String>,
    incident: IncidentId,
) -> Option<String> {
    {
        let mut parts = Vec::new();
        if let Some(g) = guards.incidents.get(&incident) {
            if let Some(r) = &g.readers {
                parts.push(format!(
                    "Only {} can read this",
                    readers_text(r, users, groups)
                ));
            }
            for s in &g.staff {
                parts.push(format!(
                    "About {}: kept from them{}",
                    users.get(&s.user).cloned().unwrap_or_default(),
                    if s.group_may_read {
                        ""
                    } else {
                        " and their user group"
                    }
                ));
            }
        }
        (!parts.is_empty()).then(|| parts.join(". "))
    }
}
