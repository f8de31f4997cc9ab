//! Restricted concerns: one incident readable only by named people, a pupil's whole record locked
//! to a few, and concerns about members of staff kept from them.
//!
//! These only ever narrow what the class rule and the category grid allow; a person on a list
//! who cannot see the pupil still cannot read the record. The rule, in order:
//! 1. a member of staff a concern is about never reads it, whoever recorded it;
//! 2. whoever recorded it always does (their own record is not taken from them);
//! 3. nor does anyone in the user group of a member of staff it is about, unless the DSL let
//!    that group read it;
//! 4. an incident restricted to named people is read by them only;
//! 5. so is every incident of a pupil whose record is locked (both lists apply when both exist).

use crate::model::{IncidentId, PupilId, UserGroupId, UserId};
use std::collections::{BTreeSet, HashMap};

/// The people a record is shared with: users and whole user groups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Readers {
    pub users: BTreeSet<UserId>,
    pub groups: BTreeSet<UserGroupId>,
}

impl Readers {
    pub fn includes(&self, user: UserId, group: Option<UserGroupId>) -> bool {
        self.users.contains(&user) || group.is_some_and(|g| self.groups.contains(&g))
    }

    pub fn is_empty(&self) -> bool {
        self.users.is_empty() && self.groups.is_empty()
    }
}

/// A member of staff a concern is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffInvolved {
    pub user: UserId,
    /// Whether the rest of their user group may still read it.
    pub group_may_read: bool,
}

/// What narrows one incident: its own readers, and the staff it is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Guard {
    pub readers: Option<Readers>,
    pub staff: Vec<StaffInvolved>,
}

/// Every restriction in the school, with what the rule needs to apply them.
#[derive(Debug, Clone, Default)]
pub struct Guards {
    pub incidents: HashMap<IncidentId, Guard>,
    pub locks: HashMap<PupilId, Readers>,
    /// Each user's user group.
    pub groups: HashMap<UserId, UserGroupId>,
    /// Who recorded each incident that is guarded or of a locked pupil.
    pub recorders: HashMap<IncidentId, UserId>,
}

impl Guards {
    /// Whether anything narrows who reads this incident of this pupil.
    pub fn is_guarded(&self, incident: IncidentId, pupil: PupilId) -> bool {
        self.incidents.contains_key(&incident) || self.locks.contains_key(&pupil)
    }

    /// Whether `user` may read the incident, as far as restrictions go (the class rule and the
    /// category grid are checked besides).
    pub fn may_read(&self, user: UserId, incident: IncidentId, pupil: PupilId) -> bool {
        let guard = self.incidents.get(&incident);
        let lock = self.locks.get(&pupil);
        if guard.is_none() && lock.is_none() {
            return true;
        }
        let staff = guard.map(|g| g.staff.as_slice()).unwrap_or(&[]);
        if staff.iter().any(|s| s.user == user) {
            return false;
        }
        if self.recorders.get(&incident) == Some(&user) {
            return true;
        }
        let group = self.groups.get(&user).copied();
        if staff.iter().any(|s| {
            !s.group_may_read && group.is_some() && self.groups.get(&s.user).copied() == group
        }) {
            return false;
        }
        if let Some(readers) = guard.and_then(|g| g.readers.as_ref())
            && !readers.includes(user, group)
        {
            return false;
        }
        if let Some(readers) = lock
            && !readers.includes(user, group)
        {
            return false;
        }
        true
    }

    /// Whether the pupil's record is locked and `user` is among its readers.
    pub fn lock_of(&self, pupil: PupilId) -> Option<&Readers> {
        self.locks.get(&pupil)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: UserId = UserId(1);
    const DSL: UserId = UserId(2);
    const TEACHER: UserId = UserId(3);
    const OTHER_TEACHER: UserId = UserId(4);
    const SLT: UserGroupId = UserGroupId(1);
    const TEACHERS: UserGroupId = UserGroupId(2);
    const I: IncidentId = IncidentId(10);
    const P: PupilId = PupilId(20);

    fn guards() -> Guards {
        Guards {
            groups: HashMap::from([
                (HEAD, SLT),
                (DSL, SLT),
                (TEACHER, TEACHERS),
                (OTHER_TEACHER, TEACHERS),
            ]),
            recorders: HashMap::from([(I, TEACHER)]),
            ..Guards::default()
        }
    }

    #[test]
    fn an_unguarded_record_is_left_to_the_other_rules() {
        let g = guards();
        assert!(g.may_read(OTHER_TEACHER, I, P));
        assert!(!g.is_guarded(I, P));
    }

    #[test]
    fn a_restricted_incident_is_read_by_its_readers_and_its_recorder_only() {
        let mut g = guards();
        g.incidents.insert(
            I,
            Guard {
                readers: Some(Readers {
                    users: BTreeSet::from([HEAD]),
                    groups: BTreeSet::new(),
                }),
                staff: Vec::new(),
            },
        );
        assert!(g.may_read(HEAD, I, P));
        assert!(g.may_read(TEACHER, I, P), "the recorder keeps it");
        assert!(!g.may_read(DSL, I, P));
        assert!(!g.may_read(OTHER_TEACHER, I, P));
        g.incidents.get_mut(&I).unwrap().readers = Some(Readers {
            users: BTreeSet::new(),
            groups: BTreeSet::from([SLT]),
        });
        assert!(g.may_read(DSL, I, P));
        assert!(!g.may_read(OTHER_TEACHER, I, P));
    }

    #[test]
    fn a_locked_record_and_a_restricted_incident_both_apply() {
        let mut g = guards();
        g.locks.insert(
            P,
            Readers {
                users: BTreeSet::from([HEAD, DSL]),
                groups: BTreeSet::new(),
            },
        );
        assert!(g.may_read(DSL, IncidentId(99), P));
        assert!(!g.may_read(OTHER_TEACHER, IncidentId(99), P));
        g.incidents.insert(
            I,
            Guard {
                readers: Some(Readers {
                    users: BTreeSet::from([DSL, OTHER_TEACHER]),
                    groups: BTreeSet::new(),
                }),
                staff: Vec::new(),
            },
        );
        assert!(g.may_read(DSL, I, P), "on both lists");
        assert!(!g.may_read(HEAD, I, P), "not on the incident's list");
        assert!(!g.may_read(OTHER_TEACHER, I, P), "not on the lock's list");
    }

    #[test]
    fn staff_a_concern_is_about_never_read_it_nor_their_group_unless_allowed() {
        let mut g = guards();
        g.recorders.insert(I, DSL);
        g.incidents.insert(
            I,
            Guard {
                readers: None,
                staff: vec![StaffInvolved {
                    user: TEACHER,
                    group_may_read: false,
                }],
            },
        );
        assert!(!g.may_read(TEACHER, I, P));
        assert!(!g.may_read(OTHER_TEACHER, I, P), "their group too");
        assert!(g.may_read(HEAD, I, P));
        assert!(g.may_read(DSL, I, P));
        g.incidents.get_mut(&I).unwrap().staff[0].group_may_read = true;
        assert!(g.may_read(OTHER_TEACHER, I, P));
        assert!(!g.may_read(TEACHER, I, P), "never the person themselves");
        // Even as the one who recorded it.
        g.recorders.insert(I, TEACHER);
        assert!(!g.may_read(TEACHER, I, P));
    }
}
