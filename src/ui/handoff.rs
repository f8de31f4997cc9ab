//! Messages must be `Clone`, but an open session or vault must exist exactly once. A `Handoff`
//! carries such a value inside a message; whoever handles the message takes it out, once.

use std::sync::{Arc, Mutex};

pub struct Handoff<T>(Arc<Mutex<Option<T>>>);

impl<T> Handoff<T> {
    pub fn new(value: T) -> Self {
        Handoff(Arc::new(Mutex::new(Some(value))))
    }

    /// The value, the first time; `None` after that.
    pub fn take(&self) -> Option<T> {
        self.0.lock().ok().and_then(|mut v| v.take())
    }
}

impl<T> Clone for Handoff<T> {
    fn clone(&self) -> Self {
        Handoff(Arc::clone(&self.0))
    }
}

impl<T> std::fmt::Debug for Handoff<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Handoff(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_is_taken_once_even_through_clones() {
        let a = Handoff::new(5);
        let b = a.clone();
        assert_eq!(b.take(), Some(5));
        assert_eq!(a.take(), None);
    }
}
