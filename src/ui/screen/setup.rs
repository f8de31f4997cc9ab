//! Setting up a new school: the school and its first administrator, their soft key, then the
//! recovery code. Nothing is written until the key is confirmed; then the school's file is built
//! in one go, so an interrupted set-up leaves nothing half-made.

use super::enrol::{self, Enrolment};
use super::recovery_code::RecoveryCodeView;
use crate::service::setup::{self, NewSchoolDetails, NewVault, PersonAccess};
use crate::service::{self, KdfCost, Location, Session, Ticket};
use crate::ui::effect::{Effect, Work};
use crate::ui::theme;
use crate::ui::widget::form::{self, Field};
use crate::ui::widget::status::Status;
use iced::widget::{column, row, text};
use iced::{Element, Length};

pub const SCHOOL_NAME: &str = "setup-school-name";
pub const TITLE: &str = "setup-title";
pub const FORENAME: &str = "setup-forename";
pub const SURNAME: &str = "setup-surname";
pub const EMAIL: &str = "setup-email";
pub const JOB_TITLE: &str = "setup-job-title";
pub const PASSWORD: &str = "setup-password";
pub const PASSWORD_AGAIN: &str = "setup-password-again";

/// What the set-up screens ask of the app.
#[derive(Debug)]
pub enum Action {
    Effect(Effect<Message>),
    ShowWelcome,
    ShowSignIn {
        email: Option<String>,
        notice: Option<String>,
    },
    SignedIn(Ticket<Session>),
}

#[derive(Debug, Clone)]
pub enum Message {
    /// The Escape key.
    Escape,
    SchoolName(String),
    Title(String),
    Forename(String),
    Surname(String),
    Email(String),
    JobTitle(String),
    Password(String),
    PasswordAgain(String),
    Next,
    Back,
    Cancel,
    KeepEditing,
    Discard,
    Enrol(enrol::Message),
    ConfirmKey,
    Created(Result<Ticket<Session>, service::Error>),
    Stored(bool),
    Continue,
}

enum Step {
    Details,
    Key(Box<Enrolment>),
    Creating,
    Recovery {
        stored: bool,
        session: Option<Ticket<Session>>,
    },
}

pub struct Setup {
    location: Location,
    kdf: KdfCost,
    pub details: NewSchoolDetails,
    step: Step,
    recovery_code: String,
    /// The key, kept across a failed attempt to create the school so it can be retried.
    enrolment: Option<Enrolment>,
    pub status: Status,
    confirming_cancel: bool,
}

impl Setup {
    pub fn new(location: Location, kdf: KdfCost) -> Setup {
        Setup {
            location,
            kdf,
            details: NewSchoolDetails::default(),
            step: Step::Details,
            recovery_code: setup::new_recovery_code(),
            enrolment: None,
            status: Status::Quiet,
            confirming_cancel: false,
        }
    }

    /// Which step is showing, for tests and the window title.
    pub fn step_name(&self) -> &'static str {
        match self.step {
            Step::Details => "details",
            Step::Key(_) => "key",
            Step::Creating => "creating",
            Step::Recovery { .. } => "recovery",
        }
    }

    pub fn enrolment(&self) -> Option<&Enrolment> {
        match &self.step {
            Step::Key(e) => Some(e),
            _ => None,
        }
    }

    pub fn recovery_code(&self) -> &str {
        &self.recovery_code
    }

    fn has_typed_anything(&self) -> bool {
        self.details != NewSchoolDetails::default()
    }

    pub fn update(&mut self, message: Message) -> Action {
        if let Message::Escape = message {
            return self.escape();
        }
        let d = &mut self.details;
        let mut edited = true;
        match message.clone() {
            Message::SchoolName(v) => d.school_name = v,
            Message::Title(v) => d.title = v,
            Message::Forename(v) => d.forename = v,
            Message::Surname(v) => d.surname = v,
            Message::Email(v) => d.email = v,
            Message::JobTitle(v) => d.job_title = v,
            Message::Password(v) => d.password = v,
            Message::PasswordAgain(v) => d.password_again = v,
            _ => edited = false,
        }
        if edited {
            self.status.clear_problem();
            return Action::Effect(Effect::None);
        }
        match message {
            Message::Next => {
                if let Err(e) = self.details.check() {
                    self.status = Status::problem(e);
                    return Action::Effect(Effect::None);
                }
                self.status.clear_problem();
                // Keep the same key if the person came back to change a detail, unless the
                // e-mail address (which the app shows) changed.
                let enrolment = match self.enrolment.take() {
                    Some(e) if e.email == self.details.email.trim() => e,
                    _ => Enrolment::new(&self.details.email),
                };
                self.step = Step::Key(Box::new(enrolment));
                Action::Effect(Effect::Focus(enrol::CODE_FIELD))
            }
            Message::Back => match std::mem::replace(&mut self.step, Step::Details) {
                Step::Key(e) => {
                    self.enrolment = Some(*e);
                    self.status.clear_problem();
                    Action::Effect(Effect::Focus(SCHOOL_NAME))
                }
                Step::Details => self.update(Message::Cancel),
                other => {
                    // Nothing to go back to while the school is being created or once it exists.
                    self.step = other;
                    Action::Effect(Effect::None)
                }
            },
            Message::Cancel => {
                if self.has_typed_anything() && !self.confirming_cancel {
                    self.confirming_cancel = true;
                    Action::Effect(Effect::None)
                } else {
                    Action::ShowWelcome
                }
            }
            Message::KeepEditing => {
                self.confirming_cancel = false;
                Action::Effect(Effect::None)
            }
            Message::Discard => Action::ShowWelcome,
            Message::Enrol(m) => {
                if let Step::Key(e) = &mut self.step {
                    e.update(m);
                }
                self.status.clear_problem();
                Action::Effect(Effect::None)
            }
            Message::ConfirmKey => {
                let Step::Key(e) = &mut self.step else {
                    return Action::Effect(Effect::None);
                };
                let Some(key) = e.confirm(crate::clock::now()) else {
                    return Action::Effect(Effect::Focus(enrol::CODE_FIELD));
                };
                if let Step::Key(e) = std::mem::replace(&mut self.step, Step::Creating) {
                    self.enrolment = Some(*e);
                }
                let (location, details, recovery_code, kdf) = (
                    self.location.clone(),
                    self.details.clone(),
                    self.recovery_code.clone(),
                    self.kdf,
                );
                Action::Effect(Effect::Run(Work::new("create the school", move |desk| {
                    let data = setup::starter_school(&details);
                    let result = setup::create_vault(NewVault {
                        location: &location,
                        data: &data,
                        admin: PersonAccess {
                            email: details.email.trim().to_string(),
                            password: details.password.clone(),
                            soft_key: Some(key),
                        },
                        others: Vec::new(),
                        recovery_code: &recovery_code,
                        kdf,
                        demo: None,
                        origin: "New school set up",
                    })
                    .map(|s| desk.keep(s));
                    Message::Created(result)
                })))
            }
            Message::Created(Ok(session)) => {
                self.step = Step::Recovery {
                    stored: false,
                    session: Some(session),
                };
                Action::Effect(Effect::None)
            }
            Message::Created(Err(e)) => {
                self.status = Status::problem(format!(
                    "The school could not be created, and nothing was saved: {e}"
                ));
                let mut enrolment = self
                    .enrolment
                    .take()
                    .unwrap_or_else(|| Enrolment::new(&self.details.email));
                enrolment.code.clear();
                self.step = Step::Key(Box::new(enrolment));
                Action::Effect(Effect::Focus(enrol::CODE_FIELD))
            }
            Message::Stored(on) => {
                if let Step::Recovery { stored, .. } = &mut self.step {
                    *stored = on;
                }
                Action::Effect(Effect::None)
            }
            Message::Continue => match &mut self.step {
                Step::Recovery {
                    stored: true,
                    session,
                } => match session.take() {
                    Some(s) => Action::SignedIn(s),
                    None => Action::ShowSignIn {
                        email: Some(self.details.email.trim().to_string()),
                        notice: Some("Your school is ready. Sign in to continue.".into()),
                    },
                },
                _ => Action::Effect(Effect::None),
            },
            _ => Action::Effect(Effect::None),
        }
    }

    /// Escape goes back a step (or asks before leaving set-up).
    fn escape(&mut self) -> Action {
        if self.confirming_cancel {
            return self.update(Message::KeepEditing);
        }
        match self.step {
            Step::Details | Step::Key(_) => self.update(Message::Back),
            _ => Action::Effect(Effect::None),
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let content: Element<'_, Message> = match &self.step {
            Step::Details => self.details_view(),
            Step::Key(e) => column![
                form::heading(
                    "Step 2 of 3: your soft key",
                    Some("Administrators sign in with a password and a code from an authenticator app on their phone. Set that up now."),
                ),
                e.view(Message::Enrol, Message::ConfirmKey),
                self.error_view(),
                form::actions(
                    vec![form::secondary("Back", Some(Message::Back))],
                    form::primary("Confirm and create the school", Some(Message::ConfirmKey)),
                ),
            ]
            .spacing(theme::SPACE_M)
            .into(),
            Step::Creating => column![
                form::heading("Creating your school…", None),
                text("Encrypting the school's file and protecting your password. This takes a few seconds.")
                    .size(theme::TEXT_BODY)
                    .style(theme::muted),
            ]
            .spacing(theme::SPACE_M)
            .into(),
            Step::Recovery { stored, .. } => column![
                text("Step 3 of 3").size(theme::TEXT_SMALL).style(theme::muted),
                RecoveryCodeView {
                    code: &self.recovery_code,
                    stored: *stored,
                }
                .view(Message::Stored, Message::Continue),
            ]
            .spacing(theme::SPACE_XS)
            .into(),
        };
        form::page(content, 700.0)
    }

    fn error_view(&self) -> Element<'_, Message> {
        self.status.slot()
    }

    fn details_view(&self) -> Element<'_, Message> {
        let d = &self.details;
        let words = d.personal_words();
        let cancel: Element<'_, Message> = if self.confirming_cancel {
            column![
                form::warning("Leave set-up and discard what you typed?"),
                row![
                    form::secondary("Keep editing", Some(Message::KeepEditing)),
                    form::secondary("Discard and leave", Some(Message::Discard)),
                ]
                .spacing(theme::SPACE_S),
            ]
            .spacing(theme::SPACE_S)
            .into()
        } else {
            iced::widget::space().into()
        };
        column![
            form::heading(
                "Step 1 of 3: your school",
                Some("The school's name and its first administrator: the person who will manage access in Keyholder."),
            ),
            Field::new("School name", SCHOOL_NAME, &d.school_name, Message::SchoolName)
                .placeholder("e.g. Larkfield Primary School")
                .on_submit(Message::Next)
                .view(),
            row![
                iced::widget::container(
                    Field::new("Title", TITLE, &d.title, Message::Title)
                        .placeholder("Ms")
                        .on_submit(Message::Next)
                        .view()
                )
                .width(Length::Fixed(90.0)),
                Field::new("Forename", FORENAME, &d.forename, Message::Forename)
                    .on_submit(Message::Next)
                    .view(),
                Field::new("Surname", SURNAME, &d.surname, Message::Surname)
                    .on_submit(Message::Next)
                    .view(),
            ]
            .spacing(theme::SPACE_S),
            Field::new("E-mail address", EMAIL, &d.email, Message::Email)
                .placeholder("name@school.org.uk")
                .hint("Used to sign in, and shown in the authenticator app.")
                .on_submit(Message::Next)
                .view(),
            Field::new("Job title (optional)", JOB_TITLE, &d.job_title, Message::JobTitle)
                .placeholder("e.g. Headteacher")
                .on_submit(Message::Next)
                .view(),
            Field::new("Password", PASSWORD, &d.password, Message::Password)
                .secure()
                .hint(setup::password_hint(&d.password, &words))
                .on_submit(Message::Next)
                .view(),
            Field::new("Password again", PASSWORD_AGAIN, &d.password_again, Message::PasswordAgain)
                .secure()
                .on_submit(Message::Next)
                .view(),
            self.error_view(),
            cancel,
            form::actions(
                vec![form::secondary("Cancel", Some(Message::Cancel))],
                form::primary("Next: soft key", Some(Message::Next)),
            ),
        ]
        .spacing(theme::SPACE_M)
        .into()
    }
}
