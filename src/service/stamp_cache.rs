//! Something read from the school file, kept until the file may have changed: the session's
//! school for the staff screens, and the audit chain's check for the Overview. Anything written
//! by this window or by anyone else moves the file's change stamp (`school::change_stamp`), and
//! the next use reads afresh, or (for the chain) carries the last reading on when only this
//! window has written since.

use super::error::Result;
use crate::vault::Vault;
use crate::vault::queries::school;
use std::sync::{Arc, Mutex, PoisonError};

/// See `school::change_stamp`.
type Stamp = (i64, u64);

pub(super) struct StampCache<T>(Mutex<Option<(Stamp, Arc<T>)>>);

impl<T> Default for StampCache<T> {
    fn default() -> Self {
        StampCache(Mutex::new(None))
    }
}

impl<T> StampCache<T> {
    /// What `read` gives now, or what it gave while the file has not changed since.
    pub(super) fn get(&self, vault: &Vault, read: impl FnOnce() -> Result<T>) -> Result<Arc<T>> {
        self.fetch(vault, read, None::<fn(&T) -> Result<T>>, false)
    }

    /// [`StampCache::get`], but when only this connection has written since the kept reading
    /// (another connection's commit moves the file's data version, the stamp's first half),
    /// `carry_on` brings that reading up to date instead of `read` starting again.
    pub(super) fn get_or_carry_on(
        &self,
        vault: &Vault,
        read: impl FnOnce() -> Result<T>,
        carry_on: impl FnOnce(&T) -> Result<T>,
    ) -> Result<Arc<T>> {
        self.fetch(vault, read, Some(carry_on), false)
    }

    /// What `read` gives now, kept for the uses after it whatever was kept before.
    pub(super) fn read_again(
        &self,
        vault: &Vault,
        read: impl FnOnce() -> Result<T>,
    ) -> Result<Arc<T>> {
        self.fetch(vault, read, None::<fn(&T) -> Result<T>>, true)
    }

    fn fetch(
        &self,
        vault: &Vault,
        read: impl FnOnce() -> Result<T>,
        carry_on: Option<impl FnOnce(&T) -> Result<T>>,
        afresh: bool,
    ) -> Result<Arc<T>> {
        // Inside a change, what is read may include writes that are then undone, and undoing
        // them does not move the stamp back: such a reading is used once and never kept.
        if vault.in_change() {
            return Ok(Arc::new(read()?));
        }
        let stamp = school::change_stamp(vault.db())?;
        // A panic while the cache was held leaves at worst an older reading, which the stamp
        // then replaces.
        let mut cache = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // Stamped as before the reading: a change made meanwhile moves the stamp, so what was
        // read is read again (or carried on) next time rather than trusted.
        let fresh = match (cache.as_ref(), carry_on) {
            (Some((seen, kept)), _) if *seen == stamp && !afresh => return Ok(kept.clone()),
            (Some((seen, kept)), Some(carry_on)) if seen.0 == stamp.0 && !afresh => carry_on(kept)?,
            _ => read()?,
        };
        let fresh = Arc::new(fresh);
        *cache = Some((stamp, fresh.clone()));
        Ok(fresh)
    }
}
