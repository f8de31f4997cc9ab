//! What a screen's last step came to, shown as one banner.
//!
//! One slot rather than a separate notice and error: a fresh problem replaces an old "Saved", and
//! a success clears the problem it fixed, so a screen never shows both at once.

use crate::ui::widget::form;
use iced::Element;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Status {
    #[default]
    Quiet,
    /// Something worth knowing that is neither a success nor a problem.
    Note(String),
    Done(String),
    Problem(String),
}

impl Status {
    pub fn note(message: impl Into<String>) -> Status {
        Status::Note(message.into())
    }

    pub fn done(message: impl Into<String>) -> Status {
        Status::Done(message.into())
    }

    /// Takes anything printable, so a service error goes in as it is: its text is already
    /// written for the person at the screen.
    pub fn problem(message: impl std::fmt::Display) -> Status {
        Status::Problem(message.to_string())
    }

    /// `Note` when there is a message, `Quiet` when there is none.
    pub fn note_maybe(message: Option<String>) -> Status {
        message.map_or(Status::Quiet, Status::Note)
    }

    /// A success message or the problem that stopped it.
    pub fn of<E: std::fmt::Display>(result: Result<String, E>) -> Status {
        match result {
            Ok(message) => Status::Done(message),
            Err(e) => Status::problem(e),
        }
    }

    pub fn clear(&mut self) {
        *self = Status::Quiet;
    }

    /// Clears a problem once the person starts fixing it, but keeps a success or a note.
    pub fn clear_problem(&mut self) {
        if self.is_problem() {
            self.clear();
        }
    }

    /// Clears a success or a note once the person moves on, but keeps a problem in view.
    pub fn clear_unless_problem(&mut self) {
        if !self.is_problem() {
            self.clear();
        }
    }

    pub fn is_problem(&self) -> bool {
        matches!(self, Status::Problem(_))
    }

    pub fn problem_text(&self) -> Option<&str> {
        match self {
            Status::Problem(m) => Some(m),
            _ => None,
        }
    }

    /// The banner, or an empty space where a layout needs an element either way.
    pub fn slot<'a, M: 'a>(&'a self) -> Element<'a, M> {
        self.view().unwrap_or_else(|| iced::widget::space().into())
    }

    /// The banner, or nothing when there is nothing to say.
    pub fn view<'a, M: 'a>(&'a self) -> Option<Element<'a, M>> {
        match self {
            Status::Quiet => None,
            Status::Note(m) => Some(form::info(m.as_str())),
            Status::Done(m) => Some(form::success(m.as_str())),
            Status::Problem(m) => Some(form::error(m.as_str())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_success_and_a_problem_never_show_together() {
        let mut s = Status::problem("The disk is full.");
        assert_eq!(s.problem_text(), Some("The disk is full."));
        s.clear_problem();
        assert_eq!(s, Status::Quiet);
        let mut kept = Status::done("Saved.");
        kept.clear_problem();
        assert_eq!(kept, Status::done("Saved."));
        assert!(Status::of::<String>(Err("no".into())).is_problem());
        assert_eq!(Status::note_maybe(None), Status::Quiet);
    }
}
