//! First sign-in with a set-up code: the e-mail address and the code from the administrator,
//! then a password, then the soft key (which may be skipped, with basic permissions only).

use super::enrol::{self, Enrolment};
use super::new_password::{self, Fields, NewPassword};
use crate::service::setup;
use crate::service::sign_in::{SetupRedemption, redeem_setup_code};
use crate::service::{self, Location, Session, Ticket};
use crate::ui::effect::{Effect, Work};
use crate::ui::theme;
use crate::ui::widget::form::{self, Field};
use crate::ui::widget::status::Status;
use iced::Element;
use iced::widget::{column, text};

pub const EMAIL: &str = "redeem-email";
pub const CODE: &str = "redeem-code";
pub const PASSWORD: &str = "redeem-password";
pub const PASSWORD_AGAIN: &str = "redeem-password-again";

/// What the set-up code screen asks of the app.
#[derive(Debug)]
pub enum Action {
    Effect(Effect<Message>),
    SignedIn(Ticket<Session>),
    ShowSignIn {
        email: Option<String>,
        notice: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub enum Message {
    /// The Escape key.
    Escape,
    Email(String),
    Code(String),
    Check,
    Checked(Result<Accepted, service::Error>),
    NewPassword(new_password::Message),
    Next,
    Enrol(enrol::Message),
    ConfirmKey,
    SkipKey,
    Finished(Result<Ticket<Session>, service::Error>),
    Cancel,
}

/// A set-up code accepted: what the screen needs to know of the person, and the ticket for the
/// school it opened.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub redemption: Ticket<SetupRedemption>,
    pub email: String,
    pub name: String,
    pub needs_key: bool,
}

enum Step {
    Code,
    Password,
    Key(Box<Enrolment>),
    Working,
}

pub struct Redeem {
    location: Location,
    pub email: String,
    pub code: String,
    pub new_password: NewPassword,
    redemption: Option<Ticket<SetupRedemption>>,
    needs_key: bool,
    name: String,
    step: Step,
    pub status: Status,
}

impl Redeem {
    pub fn new(location: Location, email: String) -> Redeem {
        Redeem {
            location,
            email,
            code: String::new(),
            new_password: NewPassword::default(),
            redemption: None,
            needs_key: true,
            name: String::new(),
            step: Step::Code,
            status: Status::Quiet,
        }
    }

    pub fn first_field(&self) -> &'static str {
        if self.email.is_empty() { EMAIL } else { CODE }
    }

    pub fn enrolment(&self) -> Option<&Enrolment> {
        match &self.step {
            Step::Key(e) => Some(e),
            _ => None,
        }
    }

    fn finish(&mut self, key: Option<setup::ConfirmedKey>) -> Action {
        let Some(redemption) = self.redemption.take() else {
            self.step = Step::Code;
            self.status = Status::problem("Please start again with your set-up code.");
            return Action::Effect(Effect::Focus(CODE));
        };
        self.step = Step::Working;
        let NewPassword { password, again } = self.new_password.clone();
        Action::Effect(Effect::Run(Work::new(
            "finish the first sign-in",
            move |desk| {
                let result = desk
                    .take(&redemption)
                    .ok_or_else(interrupted)
                    .and_then(|r| r.finish(&password, &again, key))
                    .map(|s| desk.keep(s));
                Message::Finished(result)
            },
        )))
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Escape => return self.escape(),
            Message::Email(v) => self.email = v,
            Message::Code(v) => self.code = v,
            Message::NewPassword(m) => self.new_password.update(m),
            Message::Check => {
                if self.email.trim().is_empty() || self.code.trim().is_empty() {
                    self.status = Status::problem(
                        "Type your e-mail address and the set-up code you were given.",
                    );
                    return Action::Effect(Effect::Focus(if self.email.trim().is_empty() {
                        EMAIL
                    } else {
                        CODE
                    }));
                }
                self.step = Step::Working;
                self.status.clear_problem();
                let (location, email, code) = (
                    self.location.clone(),
                    self.email.trim().to_string(),
                    self.code.clone(),
                );
                return Action::Effect(Effect::Run(Work::new(
                    "check the set-up code",
                    move |desk| {
                        let result =
                            redeem_setup_code(&location, &email, &code).map(|r| Accepted {
                                email: r.email().to_string(),
                                name: r.user_name(),
                                needs_key: r.group_needs_key(),
                                redemption: desk.keep(r),
                            });
                        Message::Checked(result)
                    },
                )));
            }
            Message::Checked(Ok(r)) => {
                self.needs_key = r.needs_key;
                self.name = r.name;
                self.email = r.email;
                self.redemption = Some(r.redemption);
                self.step = Step::Password;
                return Action::Effect(Effect::Focus(PASSWORD));
            }
            Message::Checked(Err(e)) => {
                self.status = Status::problem(e);
                self.step = Step::Code;
                return Action::Effect(Effect::Focus(CODE));
            }
            Message::Next => {
                let words = [self.name.as_str(), self.email.as_str()];
                if let Err(e) = self.new_password.check(&words) {
                    self.status = Status::problem(e);
                    return Action::Effect(Effect::Focus(PASSWORD));
                }
                self.status.clear_problem();
                self.step = Step::Key(Box::new(Enrolment::new(&self.email)));
                return Action::Effect(Effect::Focus(enrol::CODE_FIELD));
            }
            Message::Enrol(m) => {
                if let Step::Key(e) = &mut self.step {
                    e.update(m);
                }
            }
            Message::ConfirmKey => {
                let Step::Key(e) = &mut self.step else {
                    return Action::Effect(Effect::None);
                };
                return match e.confirm(crate::clock::now()) {
                    Some(key) => self.finish(Some(key)),
                    None => Action::Effect(Effect::Focus(enrol::CODE_FIELD)),
                };
            }
            Message::SkipKey => return self.finish(None),
            Message::Finished(Ok(s)) => return Action::SignedIn(s),
            Message::Finished(Err(e)) => {
                // The code is still good (nothing was saved), but the redemption was used up.
                self.status = Status::problem(format!(
                    "{e} Nothing was saved; enter your set-up code again."
                ));
                self.step = Step::Code;
                return Action::Effect(Effect::Focus(CODE));
            }
            Message::Cancel => {
                if matches!(self.step, Step::Working) {
                    return Action::Effect(Effect::None);
                }
                return Action::ShowSignIn {
                    email: Some(self.email.trim().to_string()).filter(|e| !e.is_empty()),
                    notice: None,
                };
            }
        }
        Action::Effect(Effect::None)
    }

    fn escape(&mut self) -> Action {
        self.update(Message::Cancel)
    }

    pub fn view(&self) -> Element<'_, Message> {
        let error: Element<'_, Message> = self.status.slot();
        let content: Element<'_, Message> = match &self.step {
            Step::Code => column![
                form::heading(
                    "Your first sign-in",
                    Some("Your Keyholder administrator gave you a set-up code. With it you choose your password and set up your soft key."),
                ),
                Field::new("E-mail address", EMAIL, &self.email, Message::Email).on_submit(Message::Check).view(),
                Field::new("Set-up code", CODE, &self.code, Message::Code)
                    .placeholder("XXXX-XXXX-XXXX")
                    .on_submit(Message::Check)
                    .view(),
                error,
                form::actions(
                    vec![form::secondary("Back to sign in", Some(Message::Cancel))],
                    form::primary("Continue", Some(Message::Check)),
                ),
            ]
            .spacing(theme::SPACE_M)
            .into(),
            Step::Password => {
                let words = [self.name.as_str(), self.email.as_str()];
                column![
                    form::heading("Choose your password", Some("From now on you sign in with your e-mail address and this password. Nobody else, your administrator included, will know it.")),
                    text(format!("Welcome, {}.", self.name)).size(theme::TEXT_BODY),
                    self.new_password.view(
                        Fields {
                            labels: ["Password", "Password again"],
                            ids: [PASSWORD, PASSWORD_AGAIN],
                        },
                        &words,
                        Message::NewPassword,
                        Message::Next,
                    ),
                    error,
                    form::actions(
                        vec![form::secondary("Cancel", Some(Message::Cancel))],
                        form::primary("Next: soft key", Some(Message::Next)),
                    ),
                ]
                .spacing(theme::SPACE_M)
                .into()
            }
            Step::Key(e) => {
                let skip_note = if self.needs_key {
                    "Without a soft key you can only record concerns and use the library; you will not see pupils' records until you set one up (ask your administrator for a new set-up code then)."
                } else {
                    "Your user group only has the basic permissions, so a soft key is not needed. You can skip this step."
                };
                column![
                    form::heading("Set up your soft key", Some("The soft key is a 6-digit code from an authenticator app on your phone, asked for each time you sign in.")),
                    e.view(Message::Enrol, Message::ConfirmKey),
                    error,
                    text(skip_note).size(theme::TEXT_SMALL).style(theme::muted),
                    form::actions(
                        vec![form::secondary("Skip: basic permissions only", Some(Message::SkipKey))],
                        form::primary("Confirm and sign in", Some(Message::ConfirmKey)),
                    ),
                ]
                .spacing(theme::SPACE_M)
                .into()
            }
            Step::Working => new_password::working("your"),
        };
        form::page(content, 700.0)
    }
}

/// What was left at the desk is gone (the person started something else meanwhile).
fn interrupted() -> service::Error {
    service::Error::Invalid("That step was interrupted. Please start again.".into())
}
