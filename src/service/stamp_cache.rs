//! Something read from the school file, kept until the file may have changed: the session's
//! school for the staff screens, and the audit chain's check for the Overview. Anything written
//! by this window or by anyone else moves the file's change stamp (`school::change_stamp`), and
//! the next use reads afresh.

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
        // Inside a change, what is read may include writes that are then undone, and undoing
        // them does not move the stamp back: such a reading is used once and never kept.
        if vault.in_change() {
            return Ok(Arc::new(read()?));
        }
        let stamp = school::change_stamp(vault.db())?;
        // A panic while the cache was held leaves at worst an older reading, which the stamp
        // then replaces.
        let mut cache = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((seen, kept)) = cache.as_ref()
            && *seen == stamp
        {
            return Ok(kept.clone());
        }
        // Stamped as before the reading: a change made meanwhile moves the stamp, so what was
        // read is read again next time rather than trusted.
        let fresh = Arc::new(read()?);
        *cache = Some((stamp, fresh.clone()));
        Ok(fresh)
    }
}
