//! Getting back in with the recovery code when an administrator's password (and perhaps their
//! phone) is lost: choose the administrator, set a new password, optionally enrol a new soft key.
//! The recovery code is replaced afterwards, and the new one shown once.

use super::error::{Error, Result};
use super::setup::ConfirmedKey;
use crate::auth::{codes, password};
use crate::model::{SystemPermission, User};
use crate::vault::queries::people;
use crate::vault::{Actor, Change, DataKey, KdfCost, KeyFile, Location, Vault};

pub struct RecoveryUnlock {
    vault: Vault,
    data_key: DataKey,
}

impl std::fmt::Debug for RecoveryUnlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecoveryUnlock")
            .field("location", self.vault.location())
            .finish_non_exhaustive()
    }
}

pub fn unlock_with_recovery_code(location: &Location, code: &str) -> Result<RecoveryUnlock> {
    crate::vault::check_school_file(location)?;
    let keys = KeyFile::read(&location.keys)?;
    let data_key = keys.unlock_recovery(code)?;
    let vault = Vault::open(location, &data_key)?;
    Ok(RecoveryUnlock { vault, data_key })
}

impl RecoveryUnlock {
    /// Active users in active groups with Manage system: the people whose password may be reset.
    pub fn administrators(&self) -> Result<Vec<User>> {
        let groups = people::user_groups(self.vault.db())?;
        Ok(people::users(self.vault.db())?
            .into_iter()
            .filter(|u| {
                u.active
                    && groups.iter().any(|g| {
                        g.id == u.user_group
                            && g.active
                            && g.system.contains(SystemPermission::ManageSystem)
                    })
            })
            .collect())
    }

    /// Sets a new password for an administrator (and a new soft key if given), replaces the
    /// recovery code, and returns the new code, which must be shown to the person once.
    pub fn reset(
        mut self,
        email: &str,
        new_password: &str,
        new_password_again: &str,
        new_key: Option<ConfirmedKey>,
        kdf: KdfCost,
    ) -> Result<String> {
        let admin = self
            .administrators()?
            .into_iter()
            .find(|u| u.email.eq_ignore_ascii_case(email.trim()))
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "{email} is not an active administrator, so the recovery code cannot reset their password."
                ))
            })?;
        let words = [
            admin.forename.as_str(),
            admin.surname.as_str(),
            admin.email.as_str(),
        ];
        password::check_new(new_password, new_password_again, &words)
            .map_err(|p| Error::Invalid(p.to_string()))?;

        let new_code = codes::recovery_code();
        let now = crate::clock::now();
        let summary = if new_key.is_some() {
            format!(
                "Password and soft key of {} reset with the recovery code; recovery code replaced",
                admin.full_name()
            )
        } else {
            format!(
                "Password of {} reset with the recovery code; recovery code replaced",
                admin.full_name()
            )
        };
        let uid = admin.id;
        let data_key = &self.data_key;
        // One change, holding the school: the key file is read afresh (another window may have
        // changed someone's slot since this one opened it) and written last, so if it cannot
        // be written the vault's part is undone too and the old password and code still work.
        self.vault.change(|vault| -> Result<()> {
            let mut keys = KeyFile::read(&vault.location().keys)?;
            keys.set_person(&admin.email, new_password, data_key, kdf)?;
            keys.set_recovery(&new_code, data_key, kdf)?;
            vault.write(&Actor::system("Recovery code"), |tx| {
                if let Some(key) = &new_key {
                    people::put_soft_key(tx, &key.stored_for(uid, now))?;
                }
                Ok(((), Change::new("Recovery", summary)))
            })?;
            keys.write(&vault.location().keys)?;
            Ok(())
        })?;
        Ok(new_code)
    }
}
