//! What a screen asks the runtime to do, as plain data: the window turns it into iced tasks, and
//! tests carry it out themselves, synchronously. Each screen builds effects that end in its own
//! messages; whoever holds the screen maps them into its own (`effect.map(Message::SignIn)`).

use crate::service::Desk;
use std::path::PathBuf;

pub enum Effect<M> {
    None,
    Focus(&'static str),
    /// Scroll the scrollable with this id so the given offset is at the top.
    ScrollTo(&'static str, f32),
    FocusNext,
    FocusPrevious,
    /// Focus the first of these fields that the screen shows (Ctrl+F and the page's filter).
    FocusFirstOf(&'static [&'static str]),
    /// Work slow enough to freeze the window (key derivation, building a school), run off the
    /// window's thread; its message reports how it went.
    Run(Work<M>),
    /// A file dialog of the operating system; its message carries the answer.
    Dialog(Dialog<M>),
    Batch(Vec<Effect<M>>),
}

/// Slow work and the message that reports it. What it unlocks waits at the [`Desk`].
pub struct Work<M> {
    name: &'static str,
    run: Box<dyn FnOnce(&Desk) -> M + Send>,
}

/// Which file dialog to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileDialog {
    /// Where to write a backup (a USB stick, a network share), suggesting a file name.
    SaveBackup { file_name: String },
    /// Which backup to restore.
    OpenBackup,
    /// The CSV file exported from the MIS, for Admin > Imports.
    OpenImportFile,
    /// Where to write a PDF (a chronology, a report), suggesting a file name.
    SavePdf { file_name: String },
    /// Where to write a report as CSV, suggesting a file name.
    SaveReportCsv { file_name: String },
    /// Where to write a transfer file for a pupil's next school, suggesting a file name.
    SaveTransfer { file_name: String },
    /// Which transfer file, received from another school, to open.
    OpenTransfer,
}

/// A file dialog and the message its answer (a path, or `None` when cancelled) becomes.
pub struct Dialog<M> {
    pub kind: FileDialog,
    answer: Box<dyn FnOnce(Option<PathBuf>) -> M + Send>,
}

impl<M: 'static> Work<M> {
    /// `name` is what tests and logs see of it.
    pub fn new(name: &'static str, run: impl FnOnce(&Desk) -> M + Send + 'static) -> Work<M> {
        Work {
            name,
            run: Box::new(run),
        }
    }

    /// Does the work, blocking, and returns the message that reports it.
    pub fn run(self, desk: &Desk) -> M {
        (self.run)(desk)
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    fn map<N>(self, f: impl FnOnce(M) -> N + Send + 'static) -> Work<N> {
        let run = self.run;
        Work {
            name: self.name,
            run: Box::new(move |desk| f(run(desk))),
        }
    }
}

impl<M: 'static> Dialog<M> {
    pub fn new(
        kind: FileDialog,
        answer: impl FnOnce(Option<PathBuf>) -> M + Send + 'static,
    ) -> Dialog<M> {
        Dialog {
            kind,
            answer: Box::new(answer),
        }
    }

    /// The message for the person's answer.
    pub fn answer(self, path: Option<PathBuf>) -> M {
        (self.answer)(path)
    }

    fn map<N>(self, f: impl FnOnce(M) -> N + Send + 'static) -> Dialog<N> {
        let answer = self.answer;
        Dialog {
            kind: self.kind,
            answer: Box::new(move |path| f(answer(path))),
        }
    }
}

impl<M: 'static> Effect<M> {
    /// Both, in this order.
    pub fn and(self, other: Effect<M>) -> Effect<M> {
        match (self, other) {
            (Effect::None, e) | (e, Effect::None) => e,
            (a, b) => Effect::Batch(vec![a, b]),
        }
    }

    /// The same effect, ending in the messages of whoever holds the screen.
    pub fn map<N: 'static>(self, f: impl Fn(M) -> N + Clone + Send + 'static) -> Effect<N> {
        match self {
            Effect::None => Effect::None,
            Effect::Focus(id) => Effect::Focus(id),
            Effect::ScrollTo(id, y) => Effect::ScrollTo(id, y),
            Effect::FocusNext => Effect::FocusNext,
            Effect::FocusFirstOf(ids) => Effect::FocusFirstOf(ids),
            Effect::FocusPrevious => Effect::FocusPrevious,
            Effect::Run(work) => Effect::Run(work.map(f)),
            Effect::Dialog(dialog) => Effect::Dialog(dialog.map(f)),
            Effect::Batch(all) => {
                Effect::Batch(all.into_iter().map(|e| e.map(f.clone())).collect())
            }
        }
    }
}

impl<M> std::fmt::Debug for Effect<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Effect::None => write!(f, "None"),
            Effect::Focus(id) => write!(f, "Focus({id})"),
            Effect::ScrollTo(id, y) => write!(f, "ScrollTo({id}, {y})"),
            Effect::FocusNext => write!(f, "FocusNext"),
            Effect::FocusFirstOf(ids) => write!(f, "FocusFirstOf({ids:?})"),
            Effect::FocusPrevious => write!(f, "FocusPrevious"),
            Effect::Run(w) => write!(f, "Run({})", w.name),
            Effect::Dialog(d) => write!(f, "Dialog({:?})", d.kind),
            Effect::Batch(all) => f.debug_list().entries(all).finish(),
        }
    }
}

impl<M> std::fmt::Debug for Work<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Work({})", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_keeps_the_effect_and_wraps_its_messages() {
        let work = Effect::Run(Work::new("add", |_: &Desk| 2_u32)).and(Effect::Focus("field"));
        let mapped = work.map(|n: u32| format!("got {n}"));
        let Effect::Batch(mut all) = mapped else {
            panic!("two effects stay two");
        };
        assert!(matches!(all.pop(), Some(Effect::Focus("field"))));
        let Some(Effect::Run(w)) = all.pop() else {
            panic!("the work is kept");
        };
        assert_eq!(w.name(), "add");
        assert_eq!(w.run(&Desk::default()), "got 2");

        let dialog = Effect::Dialog(Dialog::new(FileDialog::OpenBackup, |p: Option<PathBuf>| {
            p.is_some()
        }))
        .map(|chosen| if chosen { "chosen" } else { "cancelled" });
        let Effect::Dialog(d) = dialog else {
            panic!("a dialog stays a dialog");
        };
        assert_eq!(d.kind, FileDialog::OpenBackup);
        assert_eq!(d.answer(None), "cancelled");
        assert!(matches!(Effect::<u8>::None.and(Effect::None), Effect::None));
    }
}
