//! Signing in: e-mail and password, then the code from the authenticator app.

use crate::service::{self, DemoAccess, Location, PendingCode, Session, SignInStep, Ticket};
use crate::ui::effect::{Effect, Work};
use crate::ui::theme;
use crate::ui::widget::form::{self, BOLD, Field, MONO};
use crate::ui::widget::status::Status;
use iced::widget::{column, container, row, text};
use iced::{Element, Fill};

pub const EMAIL: &str = "sign-in-email";
pub const PASSWORD: &str = "sign-in-password";
pub const CODE: &str = "sign-in-code";

/// A refused code comes back with the ticket for trying again, unless the sign-in must start over.
type CodeResult = Result<Ticket<Session>, (Option<Ticket<PendingCode>>, service::Error)>;

/// The password was accepted.
#[derive(Debug, Clone)]
pub enum Started {
    NeedsCode(Ticket<PendingCode>),
    SignedIn(Ticket<Session>),
}

/// What the sign-in screen asks of the app.
#[derive(Debug)]
pub enum Action {
    Effect(Effect<Message>),
    SignedIn(Ticket<Session>),
    StartRecovery,
    StartRestore,
    /// First sign-in with a set-up code, for this e-mail address if known.
    StartSetupCode(String),
}

#[derive(Debug, Clone)]
pub enum Message {
    /// The Escape key.
    Escape,
    Email(String),
    Password(String),
    Submit,
    SignInDone(Result<Started, service::Error>),
    Code(String),
    SubmitCode,
    CodeDone(CodeResult),
    UseDifferentAccount,
    LostPassword,
    /// The school file is lost or damaged: bring it back from a backup.
    Restore,
    FirstTime,
    FillDemo,
    /// The clock moved on (for the demo's live code).
    Tick(i64),
}

enum Stage {
    Credentials,
    /// Password accepted; `None` while the code is being checked.
    Code(Option<Ticket<PendingCode>>),
}

pub struct SignIn {
    location: Location,
    pub email: String,
    pub password: String,
    pub code: String,
    stage: Stage,
    busy: bool,
    pub status: Status,
    /// Why this school cannot be opened at all (missing key file…), shown instead of the form.
    pub file_problem: Option<String>,
    demo: Option<DemoAccess>,
    now: i64,
}

impl SignIn {
    pub fn new(location: Location, email: Option<String>, notice: Option<String>) -> SignIn {
        let (demo, file_problem) = match service::sign_in::peek_key_file(&location) {
            Ok(demo) => (demo, None),
            Err(e) => (None, Some(e.to_string())),
        };
        SignIn {
            location,
            email: email.unwrap_or_default(),
            password: String::new(),
            code: String::new(),
            stage: Stage::Credentials,
            busy: false,
            status: Status::note_maybe(notice),
            file_problem,
            demo,
            now: crate::clock::now(),
        }
    }

    pub fn is_demo(&self) -> bool {
        self.demo.is_some()
    }

    pub fn wants_code(&self) -> bool {
        matches!(self.stage, Stage::Code(_))
    }

    /// The field that should have the keyboard when the screen opens.
    pub fn first_field(&self) -> &'static str {
        if self.wants_code() {
            CODE
        } else if self.email.is_empty() {
            EMAIL
        } else {
            PASSWORD
        }
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Escape => self.escape(),
            Message::Email(v) => {
                self.email = v;
                self.status.clear_problem();
                Action::Effect(Effect::None)
            }
            Message::Password(v) => {
                self.password = v;
                self.status.clear_problem();
                Action::Effect(Effect::None)
            }
            Message::Code(v) => {
                self.code = v
                    .chars()
                    .filter(|c| c.is_ascii_digit() || *c == ' ')
                    .take(7)
                    .collect();
                self.status.clear_problem();
                Action::Effect(Effect::None)
            }
            Message::Submit => {
                if self.busy || self.file_problem.is_some() {
                    return Action::Effect(Effect::None);
                }
                if self.email.trim().is_empty() {
                    self.status = Status::problem("Please enter your e-mail address.");
                    return Action::Effect(Effect::Focus(EMAIL));
                }
                if self.password.is_empty() {
                    self.status = Status::problem("Please enter your password.");
                    return Action::Effect(Effect::Focus(PASSWORD));
                }
                self.busy = true;
                self.status.clear();
                let (location, email, password) = (
                    self.location.clone(),
                    self.email.trim().to_string(),
                    self.password.clone(),
                );
                Action::Effect(Effect::Run(Work::new("sign in", move |desk| {
                    let result =
                        service::sign_in(&location, &email, &password).map(|step| match step {
                            SignInStep::NeedsCode(p) => Started::NeedsCode(desk.keep(p)),
                            SignInStep::SignedIn(s) => Started::SignedIn(desk.keep(s)),
                        });
                    Message::SignInDone(result)
                })))
            }
            Message::SignInDone(result) => {
                self.busy = false;
                self.password.clear();
                match result {
                    Ok(Started::SignedIn(session)) => Action::SignedIn(session),
                    Ok(Started::NeedsCode(pending)) => {
                        self.stage = Stage::Code(Some(pending));
                        self.code.clear();
                        Action::Effect(Effect::Focus(CODE))
                    }
                    Err(e) => {
                        self.status = Status::problem(e);
                        Action::Effect(Effect::Focus(PASSWORD))
                    }
                }
            }
            Message::SubmitCode => {
                if self.busy {
                    return Action::Effect(Effect::None);
                }
                let Stage::Code(pending) = &mut self.stage else {
                    return Action::Effect(Effect::None);
                };
                if self.code.chars().filter(char::is_ascii_digit).count() != 6 {
                    self.status =
                        Status::problem("Type the 6 digits your authenticator app shows.");
                    return Action::Effect(Effect::Focus(CODE));
                }
                let Some(pending) = pending.take() else {
                    return Action::Effect(Effect::None);
                };
                self.busy = true;
                self.status.clear_problem();
                let code = self.code.clone();
                Action::Effect(Effect::Run(Work::new("confirm the code", move |desk| {
                    let result = match desk.take(&pending) {
                        None => Err((
                            None,
                            service::Error::Invalid(
                                "That sign-in was interrupted. Please sign in again.".into(),
                            ),
                        )),
                        Some(mut pending) => match pending.confirm(&code, crate::clock::now()) {
                            Ok(()) => pending
                                .into_session()
                                .map(|s| desk.keep(s))
                                .map_err(|e| (None, e)),
                            Err(e) => Err((Some(desk.keep(pending)), e)),
                        },
                    };
                    Message::CodeDone(result)
                })))
            }
            Message::CodeDone(result) => {
                self.busy = false;
                self.code.clear();
                match result {
                    Ok(session) => Action::SignedIn(session),
                    Err((pending, e)) => {
                        self.status = Status::problem(e);
                        match pending {
                            Some(p) => {
                                self.stage = Stage::Code(Some(p));
                                Action::Effect(Effect::Focus(CODE))
                            }
                            None => {
                                self.stage = Stage::Credentials;
                                Action::Effect(Effect::Focus(PASSWORD))
                            }
                        }
                    }
                }
            }
            Message::UseDifferentAccount => {
                self.stage = Stage::Credentials;
                self.code.clear();
                self.status.clear_problem();
                Action::Effect(Effect::Focus(EMAIL))
            }
            Message::LostPassword => Action::StartRecovery,
            Message::Restore => Action::StartRestore,
            Message::FirstTime => Action::StartSetupCode(self.email.trim().to_string()),
            Message::FillDemo => {
                let Some(d) = &self.demo else {
                    return Action::Effect(Effect::None);
                };
                self.status.clear_problem();
                if let Stage::Code(_) = self.stage {
                    // On the code step it types the live code of whoever is signing in.
                    if let Some(code) = service::demo::current_code(d, self.email.trim(), self.now)
                    {
                        self.code = code;
                    }
                    return Action::Effect(Effect::Focus(CODE));
                }
                self.email = d.admin_email.clone();
                self.password = d.password.clone();
                Action::Effect(Effect::Focus(PASSWORD))
            }
            Message::Tick(now) => {
                self.now = now;
                Action::Effect(Effect::None)
            }
        }
    }

    fn escape(&mut self) -> Action {
        if self.wants_code() && !self.busy {
            self.update(Message::UseDifferentAccount)
        } else {
            Action::Effect(Effect::None)
        }
    }

    fn demo_panel(&self) -> Option<Element<'_, Message>> {
        let d = self.demo.as_ref()?;
        let who = if self.email.trim().is_empty() {
            d.admin_email.as_str()
        } else {
            self.email.trim()
        };
        let code = service::demo::current_code(d, who, self.now).unwrap_or_default();
        let seconds_left = 30 - self.now.rem_euclid(30);
        Some(
            container(
                column![
                    text("This is the demo school").font(BOLD).size(theme::TEXT_BODY),
                    text(format!(
                        "Sign in as the demo headteacher, {}, or as any member of staff listed in the demo. Every demo account uses the password \"{}\".",
                        d.admin_email, d.password
                    ))
                    .size(theme::TEXT_SMALL),
                    text(format!("Current code for {who}:")).size(theme::TEXT_SMALL),
                    row![
                        text(format!("{} {}", &code.get(..3).unwrap_or(""), &code.get(3..).unwrap_or("")))
                            .font(MONO)
                            .size(theme::TEXT_LARGE),
                        text(format!("changes in {seconds_left} s"))
                            .size(theme::TEXT_SMALL)
                            .style(theme::muted),
                    ]
                    .spacing(theme::SPACE_M)
                    .align_y(iced::Center),
                    form::secondary(
                        if matches!(self.stage, Stage::Code(_)) {
                            "Fill in the current code"
                        } else {
                            "Fill in the demo headteacher"
                        },
                        Some(Message::FillDemo),
                    ),
                ]
                .spacing(theme::SPACE_S),
            )
            .padding(theme::SPACE_M)
            .width(Fill)
            .style(theme::info_banner)
            .into(),
        )
    }

    pub fn view(&self) -> Element<'_, Message> {
        let mut c = column![].spacing(theme::SPACE_M);
        if let Some(problem) = &self.file_problem {
            c = c
                .push(form::heading("This school cannot be opened", None))
                .push(form::error(problem.as_str()))
                .push(
                    text(format!("School file: {}", self.location.db.display()))
                        .size(theme::TEXT_SMALL)
                        .style(theme::muted),
                );
            return form::page(c, theme::FORM_WIDTH);
        }
        match &self.stage {
            Stage::Credentials => {
                c = c
                    .push(form::heading(
                        "Sign in to Keyholder",
                        Some("Use your school e-mail address and your Keyholder password."),
                    ))
                    .push(
                        Field::new("E-mail address", EMAIL, &self.email, Message::Email)
                            .on_submit(Message::Submit)
                            .view(),
                    )
                    .push(
                        Field::new("Password", PASSWORD, &self.password, Message::Password)
                            .secure()
                            .on_submit(Message::Submit)
                            .view(),
                    );
                c = c.push(self.status.view());
                c = c.push(form::actions(
                    vec![],
                    form::primary(
                        if self.busy { "Checking…" } else { "Sign in" },
                        (!self.busy).then_some(Message::Submit),
                    ),
                ));
                c = c.push(
                    column![
                        form::link("First time here? Use your set-up code", Message::FirstTime),
                        text("Forgotten your password? Ask your Keyholder administrator for a new set-up code.")
                            .size(theme::TEXT_SMALL)
                            .style(theme::muted),
                        form::link(
                            "Lost every administrator password? Use the recovery code",
                            Message::LostPassword,
                        ),
                        form::link("School file lost or damaged? Restore from a backup", Message::Restore),
                    ]
                    .spacing(theme::SPACE_S),
                );
            }
            Stage::Code(_) => {
                c = c
                    .push(form::heading("Enter your code", Some("Open your authenticator app and type the 6-digit code shown for Keyholder.")))
                    .push(text(format!("Signing in as {}", self.email.trim())).size(theme::TEXT_SMALL).style(theme::muted))
                    .push(Field::new("Code", CODE, &self.code, Message::Code).placeholder("123 456").on_submit(Message::SubmitCode).view());
                c = c.push(self.status.view());
                c = c.push(form::actions(
                    vec![form::secondary(
                        "Use a different account",
                        (!self.busy).then_some(Message::UseDifferentAccount),
                    )],
                    form::primary(
                        if self.busy { "Checking…" } else { "Confirm" },
                        (!self.busy).then_some(Message::SubmitCode),
                    ),
                ));
            }
        }
        if let Some(panel) = self.demo_panel() {
            c = c.push(panel);
        }
        form::page(c, theme::FORM_WIDTH)
    }
}
