//! Where an unlocked school waits for the person's next step (a code from their app, a new
//! password, the go-ahead to restore), so that no screen or message carries an open school or
//! its data key. The window holds the desk; a screen holds only a [`Ticket`] for what it left.

use std::any::Any;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard};

/// One thing waits at a time: the window has one unlock in progress, and starting another
/// closes the one before (its school is closed as it is dropped).
#[derive(Clone, Default)]
pub struct Desk(Arc<Mutex<Waiting>>);

#[derive(Default)]
struct Waiting {
    issued: u64,
    item: Option<(u64, Box<dyn Any + Send>)>,
}

/// Claims what was left at the desk: a `T`, once.
pub struct Ticket<T> {
    id: u64,
    kind: PhantomData<fn() -> T>,
}

impl<T> Clone for Ticket<T> {
    fn clone(&self) -> Self {
        Ticket {
            id: self.id,
            kind: PhantomData,
        }
    }
}

impl<T> PartialEq for Ticket<T> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl<T> std::fmt::Debug for Ticket<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ticket({})", self.id)
    }
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Desk(…)")
    }
}

impl Desk {
    fn waiting(&self) -> MutexGuard<'_, Waiting> {
        // Nothing is left half-changed under this lock, so a panic elsewhere does not spoil it.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Keeps `value` until its ticket comes back; whatever was waiting before is dropped.
    pub fn keep<T: Send + 'static>(&self, value: T) -> Ticket<T> {
        let mut w = self.waiting();
        w.issued += 1;
        let id = w.issued;
        w.item = Some((id, Box::new(value)));
        Ticket {
            id,
            kind: PhantomData,
        }
    }

    /// What `ticket` claims, the first time; `None` once taken, or when something else has been
    /// kept since.
    pub fn take<T: 'static>(&self, ticket: &Ticket<T>) -> Option<T> {
        let mut w = self.waiting();
        match w.item.take() {
            Some((id, value)) if id == ticket.id => value.downcast::<T>().ok().map(|b| *b),
            other => {
                w.item = other;
                None
            }
        }
    }

    /// Drops whatever is waiting (the person left the screen that asked for it).
    pub fn clear(&self) {
        self.waiting().item = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_claims_its_value_once() {
        let desk = Desk::default();
        let t = desk.keep(5_u32);
        assert_eq!(desk.take(&t.clone()), Some(5));
        assert_eq!(desk.take(&t), None);
    }

    #[test]
    fn keeping_something_new_drops_the_old_and_leaves_the_new_for_its_own_ticket() {
        let desk = Desk::default();
        let old = desk.keep(String::from("old"));
        let new = desk.keep(String::from("new"));
        assert_eq!(desk.take(&old), None);
        assert_eq!(desk.take(&new).as_deref(), Some("new"));
        let cleared = desk.keep(1_u8);
        desk.clear();
        assert_eq!(desk.take(&cleared), None);
    }
}
