//! One module per screen. Each has its own state, `Message`, `update` returning an [`Action`] for
//! the app to carry out, and `view`.

pub mod access_report;
pub mod add_incident;
pub mod categories;
pub mod class_editor;
pub mod enrol;
pub mod groups;
pub mod home;
pub mod imports;
pub mod overview;
pub mod pupil_profile;
pub mod pupils;
pub mod recover;
pub mod recovery_code;
pub mod redeem;
pub mod restore;
pub mod setup;
pub mod sign_in;
pub mod user_group;
pub mod users;
pub mod welcome;

use super::jobs::Job;
use crate::service::{Session, Ticket};

/// What a screen asks the app to do after handling a message.
pub enum Action {
    None,
    Run(Box<Job>),
    Focus(&'static str),
    /// Scroll the scrollable with this id so the given offset is at the top.
    ScrollTo(&'static str, f32),
    ShowWelcome,
    StartSetup,
    OpenDemo,
    ShowSignIn {
        email: Option<String>,
        notice: Option<String>,
    },
    StartRecovery,
    /// First sign-in with a set-up code, for this e-mail address if known.
    StartSetupCode(String),
    SignedIn(Ticket<Session>),
    /// Open a file dialog; its answer comes back as a message.
    Dialog(crate::ui::dialogs::Dialog),
    /// Restore from a backup (signing out first if someone is signed in).
    StartRestore,
}

impl Action {
    pub fn run(job: Job) -> Action {
        Action::Run(Box::new(job))
    }
}

impl std::fmt::Debug for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Action::None => write!(f, "None"),
            Action::Run(j) => write!(f, "Run({j:?})"),
            Action::Focus(id) => write!(f, "Focus({id})"),
            Action::ScrollTo(id, y) => write!(f, "ScrollTo({id}, {y})"),
            Action::ShowWelcome => write!(f, "ShowWelcome"),
            Action::StartSetup => write!(f, "StartSetup"),
            Action::OpenDemo => write!(f, "OpenDemo"),
            Action::ShowSignIn { email, notice } => write!(f, "ShowSignIn({email:?}, {notice:?})"),
            Action::StartRecovery => write!(f, "StartRecovery"),
            Action::StartSetupCode(e) => write!(f, "StartSetupCode({e})"),
            Action::SignedIn(t) => write!(f, "SignedIn({t:?})"),
            Action::Dialog(d) => write!(f, "Dialog({d:?})"),
            Action::StartRestore => write!(f, "StartRestore"),
        }
    }
}
