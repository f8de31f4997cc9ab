//! The health check on the Overview and behind `keyholder check`: the service loads a snapshot of
//! the school and [`crate::model::health`] works out each finding from it.

use super::error::Result;
use super::session::Session;
use crate::model::SystemPermission;
use crate::model::health::{LastBackup, Snapshot, TrailState};
use crate::vault::queries::{backups, health};

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
        // The same reading as the Overview beside it and the staff screens after it.
        let school = self.load_school()?;
        let read = &school.read;
        // The chain and the key file's record of it (the page-by-page check reads the whole
        // file, so it runs on the Audits tab and in `keyholder audit verify`, not after every
        // change).
        let trail = self.trail_report(&super::audit_trail::TrailCheck::default())?;
        let snapshot = Snapshot {
            now,
            // Everyone judged by their enrolment; the session's own rule says the same whenever
            // the admin's sign-in matches their enrolment, as it does unless their key changed.
            school: {
                let me = self.me();
                if me.signed_in_with_key
                    == (read.key_state(me.user.id, now) != crate::model::KeyState::NotEnrolled)
                {
                    school.access.clone()
                } else {
                    read.access(None, false, now)
                }
            },
            groups: read.groups.clone(),
            access_lists: read.access_lists.clone(),
            pupils: read.pupils.clone(),
            memberships: read.memberships.clone(),
            users: read.users.clone(),
            user_groups: read.user_groups.clone(),
            keys: read.key_states(now),
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
