//! A signed-in user's session: the open vault plus who they are and what they may do.

use super::error::{Error, Result};
use super::school_data::SchoolData;
use crate::model::{
    Category, EffectivePermissions, GroupType, KeyState, Pupil, SystemPermission, User, UserGroup,
    UserId,
};
use crate::vault::queries::{categories, incidents, people, pupils, school};
use crate::vault::{
    Actor, AuditEntry, ChainReport, Change, DataKey, KeyFile, Location, Vault, audit,
};

/// The signed-in user, their group, and what they may actually do right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Me {
    pub user: User,
    pub group: UserGroup,
    pub key: KeyState,
    /// Whether this session was confirmed with a soft-key code.
    pub signed_in_with_key: bool,
    pub permissions: EffectivePermissions,
}

impl Me {
    fn load(conn: crate::vault::Db<'_>, user: UserId, with_key: bool, now: i64) -> Result<Me> {
        let user = people::user_by_id(conn, user)?
            .ok_or_else(|| Error::Invalid("That account no longer exists.".into()))?;
        let group = people::user_groups(conn)?
            .into_iter()
            .find(|g| g.id == user.user_group)
            .ok_or_else(|| Error::Invalid("That account has no user group.".into()))?;
        let key = key_state(conn, user.id, now)?;
        let permissions = EffectivePermissions::compute(
            group.system,
            &group.categories,
            group.active,
            user.active,
            with_key,
        );
        Ok(Me {
            user,
            group,
            key,
            signed_in_with_key: with_key,
            permissions,
        })
    }
}

pub(crate) fn key_state(conn: crate::vault::Db<'_>, user: UserId, now: i64) -> Result<KeyState> {
    Ok(
        people::soft_key(conn, user)?.map_or(KeyState::NotEnrolled, |k| {
            crate::model::KeyStanding {
                confirmed: k.confirmed,
                locked_until: k.locked_until,
            }
            .state_at(now)
        }),
    )
}

/// The counts and checks on the Overview screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    pub school_name: String,
    pub is_demo: bool,
    pub pupils: usize,
    pub archived_pupils: usize,
    pub users: usize,
    pub active_keys: usize,
    pub user_groups: usize,
    /// Per group type: how many groups, and whether access is restricted by it.
    pub group_types: Vec<(GroupType, usize, bool)>,
    pub categories: usize,
    pub incidents: usize,
    pub audit: ChainReport,
}

#[derive(Default)]
pub(super) struct Kept {
    /// The school as last read for the signed-in user's screens (see `load_school`).
    pub(super) school: super::records::SchoolCache,
    /// The audit chain's check, which reads every entry: the Overview, its health check and the
    /// key file's record at sign-in would otherwise each read the whole trail again, and after
    /// this window's own changes only the entries they added are read.
    chain: super::stamp_cache::StampCache<crate::vault::audit::CheckedChain>,
}

pub struct Session {
    vault: Vault,
    /// The key file as read at sign-in; re-read before every change so nothing is overwritten.
    keys_path: std::path::PathBuf,
    /// Needed to give new people (set-up codes) a slot. Wiped from memory with the session.
    data_key: DataKey,
    me: Me,
    /// Readings kept until the file changes (boxed: a session is moved through sign-in's steps).
    pub(super) kept: Box<Kept>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user", &self.me.user.email)
            .finish_non_exhaustive()
    }
}

impl Session {
    pub(crate) fn start(
        vault: Vault,
        data_key: DataKey,
        user: UserId,
        with_key: bool,
    ) -> Result<Session> {
        let me = Me::load(vault.db(), user, with_key, crate::clock::now())?;
        let keys_path = vault.location().keys.clone();
        let mut session = Session {
            vault,
            keys_path,
            data_key,
            me,
            kept: Default::default(),
        };
        // Tidying only: if the key file cannot be written now, the next sign-in tries again, and
        // an expired code is refused meanwhile by its record.
        // One look at the key file decides both; each change reads it afresh before writing.
        if let Ok(keys) = KeyFile::read(&session.keys_path) {
            let _ = session.withdraw_stale_setup_codes(&keys);
            // Best effort likewise: the record of the audit trail in the key file moves on at
            // the next sign-in, lock or backup instead.
            let _ = session.anchor_key_file_after(keys);
        }
        Ok(session)
    }

    /// Reloads who the signed-in user is (after an admin changed their own group, say).
    pub(crate) fn refresh_me(&mut self) -> Result<()> {
        self.me = Me::load(
            self.vault.db(),
            self.me.user.id,
            self.me.signed_in_with_key,
            crate::clock::now(),
        )?;
        Ok(())
    }

    /// Changes the key file: read fresh from disk, changed, written back atomically, while the
    /// school is held for writing so two windows or commands cannot overwrite each other's slots.
    pub(crate) fn change_keys(
        &mut self,
        f: impl FnOnce(&mut KeyFile, &DataKey) -> crate::vault::Result<()>,
    ) -> Result<()> {
        self.change(|s| {
            let mut keys = KeyFile::read(&s.keys_path)?;
            f(&mut keys, &s.data_key)?;
            s.refresh_anchor(&mut keys);
            keys.write(&s.keys_path)?;
            Ok(())
        })
    }

    pub fn me(&self) -> &Me {
        &self.me
    }

    pub fn location(&self) -> &Location {
        self.vault.location()
    }

    pub(crate) fn vault(&self) -> &Vault {
        &self.vault
    }

    /// For a backup taken on another thread, which opens its own connection with this key.
    pub(crate) fn data_key(&self) -> &DataKey {
        &self.data_key
    }

    /// Leaves nothing deleted anywhere in the school file (see `Vault::compact`).
    pub(crate) fn compact_file(&mut self) -> Result<()> {
        Ok(self.vault.compact()?)
    }

    /// Makes a change as the signed-in user, with its audit entry, in one transaction.
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(crate::vault::Db<'_>) -> crate::vault::Result<(T, Change)>,
    ) -> Result<T> {
        let actor = self.actor();
        Ok(self.vault.write(&actor, f)?)
    }

    /// Runs `f` as one change: from its first read to its last write the school is held for
    /// writing (across every window and command), so what `f` checked is still true when it
    /// writes, and all of `f`'s writes are saved together or not at all.
    pub fn change<T, E: From<Error>>(
        &mut self,
        f: impl FnOnce(&mut Session) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.vault.begin_change().map_err(Error::from)?;
        let result = f(self);
        let ended = self.vault.end_change(result.is_ok());
        let value = result?;
        ended.map_err(Error::from)?;
        Ok(value)
    }

    /// What another window, command or restore did to the school since the last look: the
    /// window reloads what it shows, or signs out after a restore.
    pub fn outside_change(&mut self) -> Result<crate::vault::OutsideChange> {
        let seen = self.vault.outside_change()?;
        if seen == crate::vault::OutsideChange::Changed {
            // An administrator elsewhere may have changed this person's own group or account.
            self.refresh_me()?;
        }
        Ok(seen)
    }

    pub(crate) fn actor(&self) -> Actor {
        Actor::user(self.me.user.id, self.me.user.full_name())
    }

    /// Refuses unless the signed-in user has `p` (after the no-key cap).
    pub fn require(&self, p: SystemPermission) -> Result<()> {
        if self.me.permissions.has(p) {
            return Ok(());
        }
        let why = if self.me.permissions.capped_for_no_key && self.me.group.system.contains(p) {
            " while you are signed in without a soft key"
        } else {
            ""
        };
        Err(Error::NotAllowed(p, why))
    }

    pub fn school(&self) -> Result<school::SchoolInfo> {
        Ok(school::get(self.vault.db())?)
    }

    /// The whole school's counts for the Overview: an administrator's view (Manage system),
    /// because they count pupils and incidents past the class rules.
    pub fn overview(&self) -> Result<Overview> {
        self.require(SystemPermission::ManageSystem)?;
        let conn = self.vault.db();
        let info = school::get(conn)?;
        let school = self.load_school()?;
        let read = &school.read;
        let all_pupils = &read.pupils;
        let users = &read.users;
        let now = crate::clock::now();
        let active_keys = users
            .iter()
            .filter(|u| read.key_state(u.id, now) == KeyState::Active)
            .count();
        let group_types = GroupType::ALL
            .iter()
            .map(|t| {
                (
                    *t,
                    read.groups.iter().filter(|g| g.group_type == *t).count(),
                    read.restricted.get(t).copied().unwrap_or(false),
                )
            })
            .collect();
        Ok(Overview {
            school_name: info.name,
            is_demo: info.is_demo,
            pupils: all_pupils.iter().filter(|p| !p.archived).count(),
            archived_pupils: all_pupils.iter().filter(|p| p.archived).count(),
            users: users.iter().filter(|u| u.active).count(),
            active_keys,
            user_groups: read.user_groups.len(),
            group_types,
            categories: categories::list(conn)?
                .iter()
                .filter(|c| !c.archived)
                .count(),
            // Restricted incidents count only for those on their list.
            incidents: {
                let guards = self.guards()?;
                let me = self.me.user.id;
                incidents::pupils_of(conn)?
                    .into_iter()
                    .filter(|(id, pupil)| guards.may_read(me, *id, *pupil))
                    .count()
            },
            audit: self.chain_check()?,
        })
    }

    /// The whole school for `keyholder export`, for an administrator only. It carries every pupil
    /// and incident past the class rule, so taking it is recorded in the audit (with its counts).
    pub fn export(&mut self) -> Result<SchoolData> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let data = SchoolData::read(this.vault.db())?;
            let summary = format!(
                "Exported the whole school: {} pupils, {} incidents, {} users",
                data.pupils.len(),
                data.incidents.len(),
                data.users.len()
            );
            this.write(|_| Ok(((), Change::new("School exported", summary))))?;
            Ok(data)
        })
    }

    /// The whole audit chain checked, entry by entry from the first, whatever was checked before.
    pub fn verify_audit(&self) -> Result<ChainReport> {
        self.require(SystemPermission::ViewAudits)?;
        self.whole_chain_check()
    }

    /// The audit chain checked entry by entry, or as last checked while the file is unchanged;
    /// when only this window has written since, the last check is carried on through the
    /// entries it added. A change by anyone else (another window, a command, a connection that
    /// is not Keyholder's) moves the file's data version, and every entry is read again. For
    /// callers that have checked permissions.
    pub(crate) fn chain_check(&self) -> Result<ChainReport> {
        let db = self.vault.db();
        let checked = self.kept.chain.get_or_carry_on(
            &self.vault,
            || Ok(audit::check_chain(db)?),
            |before| Ok(audit::check_chain_continuing(db, before)?),
        )?;
        Ok(checked.report.clone())
    }

    /// [`Session::chain_check`] from the first entry, kept for the checks after it.
    fn whole_chain_check(&self) -> Result<ChainReport> {
        let db = self.vault.db();
        let checked = self
            .kept
            .chain
            .read_again(&self.vault, || Ok(audit::check_chain(db)?))?;
        Ok(checked.report.clone())
    }

    pub fn recent_audit(&self, search: &str, limit: usize) -> Result<Vec<AuditEntry>> {
        self.require(SystemPermission::ViewAudits)?;
        Ok(crate::vault::audit::recent(self.vault.db(), search, limit)?)
    }

    pub fn user_groups(&self) -> Result<Vec<UserGroup>> {
        self.require(SystemPermission::ManageSystem)?;
        Ok(people::user_groups(self.vault.db())?)
    }

    pub fn categories(&self) -> Result<Vec<Category>> {
        self.require(SystemPermission::ManageSystem)?;
        Ok(categories::list(self.vault.db())?)
    }

    /// Pupils on roll in the whole school; an administrator's figure, like [`Session::overview`].
    pub fn pupil_count(&self) -> Result<usize> {
        self.require(SystemPermission::ManageSystem)?;
        Ok(pupils::list(self.vault.db())?
            .iter()
            .filter(|p: &&Pupil| !p.archived)
            .count())
    }

    /// How long the window may sit untouched before it locks itself.
    pub fn set_idle_lock_minutes(&mut self, minutes: u32) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            if !(1..=240).contains(&minutes) {
                return Err(Error::Invalid(
                    "The idle lock must be between 1 and 240 minutes.".into(),
                ));
            }
            this.write(|tx| {
                let before = school::get(tx)?.idle_lock_minutes;
                school::set_idle_lock_minutes(tx, minutes)?;
                Ok((
                    (),
                    Change::new("Settings changed", "Idle lock time changed")
                        .before_after(format!("{before} minutes"), format!("{minutes} minutes")),
                ))
            })
        })
    }

    /// Ends the session; the vault is closed and its key dropped from memory. The key file's
    /// record of the audit trail is brought up to date first (best effort).
    pub fn lock(mut self) -> Location {
        let _ = self.anchor_key_file();
        self.vault.location().clone()
    }
}
