//! Getting back in with the recovery code: pick the administrator, choose a new password, enrol a
//! new soft key if the phone is lost too, then note the replacement recovery code.

use super::enrol::{self, Enrolment};
use super::new_password::{self, Fields, NewPassword};
use super::recovery_code::RecoveryCodeView;
use crate::model::User;
use crate::service::recovery::{self, RecoveryUnlock};
use crate::service::setup::ConfirmedKey;
use crate::service::{self, KdfCost, Location, Ticket};
use crate::ui::effect::{Effect, Work};
use crate::ui::theme;
use crate::ui::widget::focus::focusable;
use crate::ui::widget::form::{self, BOLD, Field};
use crate::ui::widget::status::Status;
use iced::Element;
use iced::widget::{checkbox, column, text};

pub const CODE: &str = "recover-code";
pub const PASSWORD: &str = "recover-password";
pub const PASSWORD_AGAIN: &str = "recover-password-again";

/// An administrator as offered in the drop-down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminChoice {
    pub email: String,
    pub name: String,
}

impl std::fmt::Display for AdminChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.name, self.email)
    }
}

/// What the recovery screen asks of the app.
#[derive(Debug)]
pub enum Action {
    Effect(Effect<Message>),
    ShowSignIn {
        email: Option<String>,
        notice: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub enum Message {
    /// The Escape key.
    Escape,
    Code(String),
    Unlock,
    Unlocked(Result<(Ticket<RecoveryUnlock>, Vec<User>), service::Error>),
    /// Position in the list of administrators.
    Admin(usize),
    NewPassword(new_password::Message),
    LostPhone(bool),
    Next,
    Enrol(enrol::Message),
    ConfirmKey,
    ResetDone(Result<String, service::Error>),
    Stored(bool),
    Continue,
    Cancel,
}

enum Step {
    Code,
    Choose,
    Key(Box<Enrolment>),
    Working,
    NewCode { code: String, stored: bool },
}

pub struct Recover {
    location: Location,
    kdf: KdfCost,
    pub code: String,
    unlock: Option<Ticket<RecoveryUnlock>>,
    admins: Vec<AdminChoice>,
    pub admin: Option<AdminChoice>,
    pub new_password: NewPassword,
    pub lost_phone: bool,
    step: Step,
    pub status: Status,
}

impl Recover {
    pub fn new(location: Location, kdf: KdfCost) -> Recover {
        Recover {
            location,
            kdf,
            code: String::new(),
            unlock: None,
            admins: Vec::new(),
            admin: None,
            new_password: NewPassword::default(),
            lost_phone: false,
            step: Step::Code,
            status: Status::Quiet,
        }
    }

    pub fn step_name(&self) -> &'static str {
        match self.step {
            Step::Code => "code",
            Step::Choose => "choose",
            Step::Key(_) => "key",
            Step::Working => "working",
            Step::NewCode { .. } => "new-code",
        }
    }

    pub fn enrolment(&self) -> Option<&Enrolment> {
        match &self.step {
            Step::Key(e) => Some(e),
            _ => None,
        }
    }

    pub fn new_code(&self) -> Option<&str> {
        match &self.step {
            Step::NewCode { code, .. } => Some(code),
            _ => None,
        }
    }

    fn reset(&mut self, key: Option<ConfirmedKey>) -> Action {
        let (Some(unlock), Some(admin)) = (self.unlock.take(), self.admin.clone()) else {
            self.status = Status::problem("Start again with the recovery code.");
            self.step = Step::Code;
            return Action::Effect(Effect::Focus(CODE));
        };
        self.step = Step::Working;
        let NewPassword { password, again } = self.new_password.clone();
        let kdf = self.kdf;
        Action::Effect(Effect::Run(Work::new("reset the password", move |desk| {
            let result = desk
                .take(&unlock)
                .ok_or_else(interrupted)
                .and_then(|u| u.reset(&admin.email, &password, &again, key, kdf));
            Message::ResetDone(result)
        })))
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Escape => self.escape(),
            Message::Code(v) => {
                self.code = v;
                self.status.clear_problem();
                Action::Effect(Effect::None)
            }
            Message::Unlock => {
                if self.code.trim().is_empty() {
                    self.status = Status::problem("Type the recovery code from your printed copy.");
                    return Action::Effect(Effect::Focus(CODE));
                }
                self.step = Step::Working;
                self.status.clear_problem();
                let (location, code) = (self.location.clone(), self.code.clone());
                Action::Effect(Effect::Run(Work::new(
                    "unlock with the recovery code",
                    move |desk| {
                        let result = recovery::unlock_with_recovery_code(&location, &code)
                            .and_then(|u| {
                                let admins = u.administrators()?;
                                Ok((desk.keep(u), admins))
                            });
                        Message::Unlocked(result)
                    },
                )))
            }
            Message::Unlocked(Ok((unlock, admins))) => {
                self.unlock = Some(unlock);
                self.admins = admins
                    .iter()
                    .map(|u| AdminChoice {
                        email: u.email.clone(),
                        name: u.full_name(),
                    })
                    .collect();
                self.admin = self.admins.first().cloned();
                if self.admins.is_empty() {
                    self.status = Status::problem(
                        "This school has no active administrator whose password could be reset.",
                    );
                    self.step = Step::Code;
                    return Action::Effect(Effect::None);
                }
                self.step = Step::Choose;
                Action::Effect(Effect::Focus(PASSWORD))
            }
            Message::Unlocked(Err(e)) => {
                self.status = Status::problem(e);
                self.step = Step::Code;
                Action::Effect(Effect::Focus(CODE))
            }
            Message::Admin(i) => {
                if let Some(a) = self.admins.get(i) {
                    self.admin = Some(a.clone());
                }
                Action::Effect(Effect::None)
            }
            Message::NewPassword(m) => {
                self.new_password.update(m);
                self.status.clear_problem();
                Action::Effect(Effect::None)
            }
            Message::LostPhone(v) => {
                self.lost_phone = v;
                Action::Effect(Effect::None)
            }
            Message::Next => {
                let Some(admin) = &self.admin else {
                    self.status =
                        Status::problem("Choose the administrator whose password to reset.");
                    return Action::Effect(Effect::None);
                };
                let words = [admin.name.as_str(), admin.email.as_str()];
                if let Err(e) = self.new_password.check(&words) {
                    self.status = Status::problem(e);
                    return Action::Effect(Effect::Focus(PASSWORD));
                }
                self.status.clear_problem();
                if self.lost_phone {
                    self.step = Step::Key(Box::new(Enrolment::new(&admin.email)));
                    Action::Effect(Effect::Focus(enrol::CODE_FIELD))
                } else {
                    self.reset(None)
                }
            }
            Message::Enrol(m) => {
                if let Step::Key(e) = &mut self.step {
                    e.update(m);
                }
                Action::Effect(Effect::None)
            }
            Message::ConfirmKey => {
                let Step::Key(e) = &mut self.step else {
                    return Action::Effect(Effect::None);
                };
                match e.confirm(crate::clock::now()) {
                    Some(key) => self.reset(Some(key)),
                    None => Action::Effect(Effect::Focus(enrol::CODE_FIELD)),
                }
            }
            Message::ResetDone(Ok(code)) => {
                self.new_password.clear();
                self.step = Step::NewCode {
                    code,
                    stored: false,
                };
                Action::Effect(Effect::None)
            }
            Message::ResetDone(Err(e)) => {
                // The unlocked vault was used up by the attempt; the recovery code still works.
                self.status = Status::problem(format!(
                    "{e} Nothing was changed; enter the recovery code again."
                ));
                self.step = Step::Code;
                Action::Effect(Effect::Focus(CODE))
            }
            Message::Stored(on) => {
                if let Step::NewCode { stored, .. } = &mut self.step {
                    *stored = on;
                }
                Action::Effect(Effect::None)
            }
            Message::Continue => match &self.step {
                Step::NewCode { stored: true, .. } => Action::ShowSignIn {
                    email: self.admin.as_ref().map(|a| a.email.clone()),
                    notice: Some(
                        "The password has been changed. Sign in with the new password.".into(),
                    ),
                },
                _ => Action::Effect(Effect::None),
            },
            Message::Cancel => match self.step {
                Step::NewCode { .. } | Step::Working => Action::Effect(Effect::None),
                _ => Action::ShowSignIn {
                    email: None,
                    notice: None,
                },
            },
        }
    }

    fn escape(&mut self) -> Action {
        self.update(Message::Cancel)
    }

    pub fn view(&self) -> Element<'_, Message> {
        let error: Element<'_, Message> = self.status.slot();
        let content: Element<'_, Message> = match &self.step {
            Step::Code => column![
                form::heading(
                    "Use the recovery code",
                    Some("The recovery code was shown once when the school was set up, to be printed and locked away."),
                ),
                Field::new("Recovery code", CODE, &self.code, Message::Code)
                    .placeholder("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
                    .on_submit(Message::Unlock)
                    .view(),
                error,
                form::actions(
                    vec![form::secondary("Back to sign in", Some(Message::Cancel))],
                    form::primary("Continue", Some(Message::Unlock)),
                ),
            ]
            .spacing(theme::SPACE_M)
            .into(),
            Step::Choose => {
                let words: Vec<&str> = self
                    .admin
                    .iter()
                    .flat_map(|a| [a.name.as_str(), a.email.as_str()])
                    .collect();
                column![
                    form::heading("Choose a new password", Some("The recovery code is accepted. Choose whose password to reset.")),
                    text("Administrator").size(theme::TEXT_SMALL).font(BOLD),
                    form::choice_list(
                        self.admins
                            .iter()
                            .map(|a| (a.to_string(), Some(a) == self.admin.as_ref())),
                        Message::Admin,
                    ),
                    self.new_password.view(
                        Fields {
                            labels: ["New password", "New password again"],
                            ids: [PASSWORD, PASSWORD_AGAIN],
                        },
                        &words,
                        Message::NewPassword,
                        Message::Next,
                    ),
                    focusable(checkbox(self.lost_phone)
                        .label("The authenticator app is lost too: set up a new soft key")
                        .on_toggle(Message::LostPhone)
                        .size(20)
                        .text_size(theme::TEXT_BODY)),
                    error,
                    form::actions(
                        vec![form::secondary("Cancel", Some(Message::Cancel))],
                        form::primary("Continue", Some(Message::Next)),
                    ),
                ]
                .spacing(theme::SPACE_M)
                .into()
            }
            Step::Key(e) => column![
                form::heading("A new soft key", Some("Set up the authenticator app on the new phone.")),
                e.view(Message::Enrol, Message::ConfirmKey),
                error,
                form::actions(
                    vec![form::secondary("Cancel", Some(Message::Cancel))],
                    form::primary("Confirm", Some(Message::ConfirmKey)),
                ),
            ]
            .spacing(theme::SPACE_M)
            .into(),
            Step::Working => new_password::working("the new"),
            Step::NewCode { code, stored } => column![
                form::success("Done. The old recovery code no longer works: here is its replacement."),
                RecoveryCodeView { code, stored: *stored }.view(Message::Stored, Message::Continue),
            ]
            .spacing(theme::SPACE_M)
            .into(),
        };
        form::page(content, 700.0)
    }
}

/// What was left at the desk is gone (the person started something else meanwhile).
fn interrupted() -> service::Error {
    service::Error::Invalid("That step was interrupted. Please start again.".into())
}
