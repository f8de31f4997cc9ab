//! The rows the school-wide screens start from, read from the file in one go. The session keeps
//! one reading with its school (see `records::SchoolCache`) until anything changes, so the
//! Overview, the health check and the staff screens after sign-in share it instead of each
//! asking the file again.

use super::error::Result;
use crate::model::access::{SchoolAccess, SchoolAccessInput, Viewer};
use crate::model::{
    GroupType, KeyStanding, KeyState, Pupil, PupilGroup, PupilGroupId, PupilId, User, UserGroup,
    UserGroupId, UserId,
};
use crate::vault::Db;
use crate::vault::queries::{groups, people, pupils};
use std::collections::{BTreeMap, BTreeSet};

pub(super) struct SchoolRead {
    /// Each group type's "Restrict access?".
    pub(super) restricted: BTreeMap<GroupType, bool>,
    /// In the school's own order.
    pub(super) groups: Vec<PupilGroup>,
    pub(super) access_lists: BTreeMap<PupilGroupId, Vec<UserId>>,
    /// Everyone, on roll or not.
    pub(super) pupils: Vec<Pupil>,
    pub(super) memberships: BTreeMap<PupilId, Vec<PupilGroupId>>,
    pub(super) users: Vec<User>,
    pub(super) user_groups: BTreeMap<UserGroupId, UserGroup>,
    /// Kept as stored: a lock's expiry is judged at the time asked about, not when read.
    keys: BTreeMap<UserId, KeyStanding>,
}

impl SchoolRead {
    pub(super) fn read(conn: Db<'_>) -> Result<SchoolRead> {
        Ok(SchoolRead {
            restricted: groups::restricted_types(conn)?,
            groups: groups::list(conn)?,
            access_lists: groups::access_lists(conn)?,
            pupils: pupils::list(conn)?,
            memberships: pupils::memberships(conn)?,
            users: people::users(conn)?,
            user_groups: people::user_groups(conn)?
                .into_iter()
                .map(|g| (g.id, g))
                .collect(),
            keys: people::key_standings(conn)?,
        })
    }

    pub(super) fn key_state(&self, user: UserId, now: i64) -> KeyState {
        self.keys
            .get(&user)
            .map_or(KeyState::NotEnrolled, |k| k.state_at(now))
    }

    pub(super) fn key_states(&self, now: i64) -> BTreeMap<UserId, KeyState> {
        self.users
            .iter()
            .map(|u| (u.id, self.key_state(u.id, now)))
            .collect()
    }

    /// The access rule over this reading. `signed_in`: a user judged by whether this session
    /// signed in with their key rather than by whether they have one; `with_leavers`: pupils
    /// who have left judged as though still in the groups they had.
    pub(super) fn access(
        &self,
        signed_in: Option<(UserId, bool)>,
        with_leavers: bool,
        now: i64,
    ) -> SchoolAccess {
        let viewers = self
            .users
            .iter()
            .map(|u| {
                let has_active_key = match signed_in {
                    Some((id, with_key)) if id == u.id => with_key,
                    _ => self.key_state(u.id, now) != KeyState::NotEnrolled,
                };
                Viewer::of(u, self.user_groups.get(&u.user_group), has_active_key)
            })
            .collect();
        let pupils = self
            .pupils
            .iter()
            .filter(|p| with_leavers || !p.archived)
            .map(|p| {
                (
                    p.id,
                    self.memberships.get(&p.id).cloned().unwrap_or_default(),
                )
            })
            .collect();
        SchoolAccess::new(SchoolAccessInput {
            restricted: self
                .restricted
                .iter()
                .filter(|(_, on)| **on)
                .map(|(t, _)| *t)
                .collect(),
            groups: self.groups.clone(),
            access_lists: self
                .access_lists
                .iter()
                .map(|(g, users)| (*g, users.iter().copied().collect::<BTreeSet<_>>()))
                .collect(),
            pupils,
            viewers,
        })
    }
}
