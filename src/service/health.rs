//! The health check on the Overview and behind `keyholder check`: the service loads a snapshot of
//! the school and [`crate::model::health`] works out each finding from it.

use super::error::Result;
use super::session::{Session, key_state};
use crate::model::SystemPermission;
use crate::model::health::{LastBackup, Snapshot, TrailState};
use crate::vault::queries::{backups, groups, health, people, pupils};

pub use crate::model::health::{
    BACKUP_DUE_AFTER_DAYS, Check, DAY, DORMANT_AFTER_DAYS, Finding, Item, Place, Severity,
};

impl Session {
    /// Every finding for the school as it is now, warnings first. Needs Manage system.
    pub fn health_check(&self) -> Result<Vec<Finding>> {
        self.health_check_at(crate::clock::now())
    }

    /// The health check as it would be at `now` (tests look a few months ahead).
    pub fn health_check_at(&self, now: i64) -> Result<Vec<Finding>> {
        self.require(SystemPermission::ManageSystem)?;
        let conn = self.vault().db();
        let users = people::users(conn)?;
        let mut keys = std::collections::BTreeMap::new();
        for u in &users {
            keys.insert(u.id, key_state(conn, u.id, now)?);
        }
        // The chain and the key file's record of it (the page-by-page check reads the whole
        // file, so it runs on the Audits tab and in `keyholder audit verify`, not after every
        // change).
        let trail = self.trail_report(&super::audit_trail::TrailCheck::default())?;
        let snapshot = Snapshot {
            now,
            school: self.school_access()?,
            groups: groups::list(conn)?,
            access_lists: groups::access_lists(conn)?,
            pupils: pupils::list(conn)?,
            memberships: pupils::memberships(conn)?,
            users,
            user_groups: people::user_groups(conn)?
                .into_iter()
                .map(|g| (g.id, g))
                .collect(),
            keys,
            added_at: health::user_created_at(conn)?,
            trail: TrailState {
                sound: trail.is_sound(),
                description: trail.describe(),
            },
            last_backup: backups::last(conn)?.map(|b| LastBackup {
                taken_at: b.taken_at,
                file_name: b.file_name,
            }),
            records_due: self.records_due_count(super::alerts::local_day(now))?,
            transfers_unconfirmed: self
                .overdue_transfers(super::alerts::local_day(now))?
                .into_iter()
                .map(|t| {
                    format!(
                        "{} to {}, sent {}",
                        t.reference,
                        t.to_school,
                        super::casework::day_text(super::alerts::local_day(t.sent_at))
                    )
                })
                .collect(),
        };
        Ok(crate::model::health::findings(&snapshot))
    }

    /// The newest backup recorded in this school file, if any.
    pub fn last_backup(&self) -> Result<Option<backups::BackupRecord>> {
        Ok(backups::last(self.vault().db())?)
    }
}
