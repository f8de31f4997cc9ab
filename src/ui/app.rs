//! The application: which screen is showing, the signed-in session, and what applies to every
//! screen (keyboard, idle lock, Hide Names, Blank Screen).

use super::jobs::{self, Job, Work};
use super::screen::Action;
use super::screen::home::{self, Home};
use super::screen::recover::{self, Recover};
use super::screen::redeem::{self, Redeem};
use super::screen::restore::{self, Restore};
use super::screen::setup::{self, Setup};
use super::screen::sign_in::{self, SignIn};
use super::screen::welcome::{self, Welcome};
use super::theme;
use super::widget::header::Header;
use crate::service::{self, Desk, KdfCost, Location, Session};
use iced::widget::{column, container, mouse_area, text};
use iced::{Element, Event, Fill, Subscription, Task, keyboard, mouse};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Options {
    /// The school file to open; for the demo, the demo's own file.
    pub location: Location,
    pub demo: bool,
    /// Where the demo school lives, if the person chooses it on the welcome screen.
    pub demo_location: Option<Location>,
    /// Argon2 cost for new key slots; tests use a cheap one.
    pub kdf: KdfCost,
}

#[allow(
    clippy::large_enum_variant,
    reason = "the app holds exactly one screen at a time, so boxing saves nothing"
)]
pub enum Screen {
    Welcome(Welcome),
    /// The demo school is being created (first use) or checked.
    Preparing,
    Setup(Setup),
    SignIn(SignIn),
    Recover(Recover),
    Redeem(Redeem),
    Restore(Restore),
    Home(Home),
}

#[derive(Debug, Clone)]
pub enum Message {
    Welcome(welcome::Message),
    Setup(setup::Message),
    SignIn(sign_in::Message),
    Recover(recover::Message),
    Redeem(redeem::Message),
    Restore(restore::Message),
    Home(home::Message),
    DemoReady(Location, Result<(), service::Error>),
    ToggleHideNames,
    BlankScreen,
    Unblank,
    Lock,
    /// Once a second, with the time: the idle lock and the demo's live code.
    Tick(Instant),
    /// A click, scroll or key press: the person is using the window.
    Activity,
    /// A key press; `captured` when a text field already used it (typing, cursor keys).
    KeyPressed(keyboard::Key, keyboard::Modifiers, bool),
    /// Shift, Ctrl, Alt or Cmd went down or up; clicks read them (Ctrl-click, Shift-click).
    Modifiers(keyboard::Modifiers),
    /// A background job's thread ended without reporting (it panicked).
    JobLost,
}

/// What `update` asks the runtime to do; tests carry these out themselves.
pub enum Effect {
    None,
    Run(Box<Work>),
    Focus(&'static str),
    ScrollTo(&'static str, f32),
    FocusNext,
    FocusPrevious,
    Both(Box<Effect>, Box<Effect>),
    /// A file dialog of the operating system.
    Dialog(super::dialogs::Dialog),
}

impl std::fmt::Debug for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Effect::None => write!(f, "None"),
            Effect::Run(j) => write!(f, "Run({j:?})"),
            Effect::Focus(id) => write!(f, "Focus({id})"),
            Effect::ScrollTo(id, y) => write!(f, "ScrollTo({id}, {y})"),
            Effect::FocusNext => write!(f, "FocusNext"),
            Effect::FocusPrevious => write!(f, "FocusPrevious"),
            Effect::Both(a, b) => write!(f, "Both({a:?}, {b:?})"),
            Effect::Dialog(d) => write!(f, "Dialog({d:?})"),
        }
    }
}

impl Effect {
    pub fn into_task(self) -> Task<Message> {
        match self {
            Effect::None => Task::none(),
            Effect::Run(work) => jobs::spawn(*work),
            Effect::Focus(id) => iced::widget::operation::focus(id),
            Effect::ScrollTo(id, y) => iced::widget::operation::scroll_to(
                id,
                iced::widget::scrollable::AbsoluteOffset { x: 0.0, y },
            ),
            Effect::FocusNext => iced::widget::operation::focus_next(),
            Effect::FocusPrevious => iced::widget::operation::focus_previous(),
            Effect::Both(a, b) => Task::batch([a.into_task(), b.into_task()]),
            Effect::Dialog(d) => d.into_task(),
        }
    }
}

pub struct App {
    options: Options,
    location: Location,
    pub screen: Screen,
    pub session: Option<Session>,
    pub hide_names: bool,
    pub blank: bool,
    modifiers: keyboard::Modifiers,
    last_activity: Instant,
    idle_limit: Duration,
    /// A problem to show on the welcome screen (for example, the demo could not be created).
    welcome_error: Option<String>,
    /// Unsaved work of the user who was signed in when the window locked, kept for them.
    suspended: Option<(String, Box<Home>)>,
    /// Where a school unlocked before sign-in waits for the screen's next step.
    desk: Desk,
}

impl App {
    pub fn new(options: Options) -> (App, Effect) {
        let location = options.location.clone();
        let mut app = App {
            options,
            location,
            screen: Screen::Preparing,
            session: None,
            hide_names: false,
            blank: false,
            modifiers: keyboard::Modifiers::default(),
            last_activity: Instant::now(),
            idle_limit: Duration::from_secs(600),
            welcome_error: None,
            suspended: None,
            desk: Desk::default(),
        };
        let effect = if app.options.demo {
            app.run(Job::PrepareDemo {
                location: app.location.clone(),
                kdf: KdfCost::DEMO,
            })
        } else if crate::service::setup::school_is_here(&app.location) {
            app.show_sign_in(None, None)
        } else {
            app.show_welcome();
            Effect::None
        };
        (app, effect)
    }

    fn run(&self, job: Job) -> Effect {
        Effect::Run(Box::new(Work::new(job, self.desk.clone())))
    }

    fn show_welcome(&mut self) {
        self.desk.clear();
        self.screen = Screen::Welcome(Welcome {
            school_file: self.options.location.db.display().to_string(),
            error: self.welcome_error.take(),
        });
    }

    fn show_sign_in(&mut self, email: Option<String>, notice: Option<String>) -> Effect {
        self.desk.clear();
        let s = SignIn::new(self.location.clone(), email, notice);
        let first = s.first_field();
        self.screen = Screen::SignIn(s);
        Effect::Focus(first)
    }

    pub fn title(&self) -> String {
        let demo = match &self.screen {
            Screen::SignIn(s) => s.is_demo(),
            _ => self
                .session
                .as_ref()
                .and_then(|s| s.school().ok())
                .is_some_and(|i| i.is_demo),
        } || self.options.demo;
        let school = self
            .session
            .as_ref()
            .and_then(|s| s.school().ok())
            .map(|i| format!(" — {}", i.name))
            .unwrap_or_default();
        if demo {
            format!("Keyholder — DEMO school (made-up data){school}")
        } else {
            format!("Keyholder{school}")
        }
    }

    fn act(&mut self, action: Action) -> Effect {
        match action {
            Action::None => Effect::None,
            Action::Run(job) => self.run(*job),
            Action::Focus(id) => Effect::Focus(id),
            Action::ScrollTo(id, y) => Effect::ScrollTo(id, y),
            Action::ShowWelcome => {
                self.show_welcome();
                Effect::None
            }
            Action::StartSetup => {
                self.screen = Screen::Setup(Setup::new(self.location.clone(), self.options.kdf));
                Effect::Focus(setup::SCHOOL_NAME)
            }
            Action::OpenDemo => {
                let Some(demo) = self.options.demo_location.clone() else {
                    self.welcome_error =
                        Some("There is no folder for the demo school on this computer.".into());
                    self.show_welcome();
                    return Effect::None;
                };
                self.options.demo = true;
                self.location = demo.clone();
                self.screen = Screen::Preparing;
                self.run(Job::PrepareDemo {
                    location: demo,
                    kdf: KdfCost::DEMO,
                })
            }
            Action::ShowSignIn { email, notice } => self.show_sign_in(email, notice),
            Action::StartRecovery => {
                self.screen =
                    Screen::Recover(Recover::new(self.location.clone(), self.options.kdf));
                Effect::Focus(recover::CODE)
            }
            Action::StartSetupCode(email) => {
                let r = Redeem::new(self.location.clone(), email);
                let first = r.first_field();
                self.screen = Screen::Redeem(r);
                Effect::Focus(first)
            }
            Action::Dialog(d) => Effect::Dialog(d),
            Action::StartRestore => {
                // The school's files are about to be replaced: nobody may have them open.
                if let Some(s) = self.session.take() {
                    drop(s.lock());
                }
                self.suspended = None;
                self.blank = false;
                self.screen = Screen::Restore(Restore::new(self.location.clone()));
                Effect::None
            }
            Action::SignedIn(ticket) => {
                let Some(session) = self.desk.take(&ticket) else {
                    return self.show_sign_in(
                        None,
                        Some("That sign-in was interrupted. Please sign in again.".into()),
                    );
                };
                let kept = match self.suspended.take() {
                    Some((email, home)) if email.eq_ignore_ascii_case(&session.me().user.email) => {
                        Some(home)
                    }
                    _ => None,
                };
                let home = match kept {
                    Some(mut home) => {
                        home.notice = Some(
                            "Your unsaved changes from before the lock are still here.".into(),
                        );
                        *home
                    }
                    None => Home::new(&session),
                };
                self.idle_limit = Duration::from_secs(u64::from(home.idle_minutes.max(1)) * 60);
                self.session = Some(session);
                self.screen = Screen::Home(home);
                self.last_activity = Instant::now();
                Effect::None
            }
        }
    }

    /// Ends the session and returns to sign-in, with a notice saying why.
    fn lock(&mut self, notice: Option<String>) -> Effect {
        let email = self.session.take().map(|s| {
            let email = s.me().user.email.clone();
            drop(s.lock());
            email
        });
        // Half-finished edits wait for the same person to sign back in.
        let screen = std::mem::replace(&mut self.screen, Screen::Preparing);
        if let (Screen::Home(home), Some(email)) = (screen, &email)
            && home.has_unsaved_changes()
        {
            self.suspended = Some((email.clone(), Box::new(home)));
        }
        self.blank = false;
        self.show_sign_in(email, notice)
    }

    pub fn update(&mut self, message: Message) -> Effect {
        match message {
            Message::Welcome(m) => match &mut self.screen {
                Screen::Welcome(w) => {
                    let a = w.update(m);
                    self.act(a)
                }
                _ => Effect::None,
            },
            Message::Setup(m) => match &mut self.screen {
                Screen::Setup(s) => {
                    let a = s.update(m);
                    self.act(a)
                }
                _ => Effect::None,
            },
            Message::SignIn(m) => match &mut self.screen {
                Screen::SignIn(s) => {
                    let a = s.update(m);
                    self.act(a)
                }
                _ => Effect::None,
            },
            Message::Recover(m) => match &mut self.screen {
                Screen::Recover(r) => {
                    let a = r.update(m);
                    self.act(a)
                }
                _ => Effect::None,
            },
            Message::Redeem(m) => match &mut self.screen {
                Screen::Redeem(r) => {
                    let a = r.update(m);
                    self.act(a)
                }
                _ => Effect::None,
            },
            Message::Restore(m) => match &mut self.screen {
                Screen::Restore(r) => {
                    let a = r.update(m);
                    self.act(a)
                }
                _ => Effect::None,
            },
            Message::Home(m) => match (&mut self.screen, &mut self.session) {
                (Screen::Home(h), Some(session)) => {
                    let page = h.page_key();
                    let a = h.update(m, session, self.modifiers);
                    self.idle_limit = Duration::from_secs(u64::from(h.idle_minutes.max(1)) * 60);
                    let moved = h.page_key() != page;
                    let effect = self.act(a);
                    if moved {
                        Effect::Both(
                            Box::new(Effect::ScrollTo(home::PAGE, 0.0)),
                            Box::new(effect),
                        )
                    } else {
                        effect
                    }
                }
                _ => Effect::None,
            },
            Message::DemoReady(location, Ok(())) => {
                self.location = location;
                let demo_admin = service::demo::ADMIN_EMAIL.to_string();
                self.show_sign_in(Some(demo_admin), None)
            }
            Message::DemoReady(_, Err(e)) => {
                self.welcome_error = Some(format!("The demo school could not be opened: {e}"));
                self.options.demo = false;
                self.location = self.options.location.clone();
                self.show_welcome();
                Effect::None
            }
            Message::ToggleHideNames => {
                self.hide_names = !self.hide_names;
                Effect::None
            }
            Message::BlankScreen => {
                if self.session.is_some() {
                    self.blank = true;
                }
                Effect::None
            }
            Message::Unblank => {
                self.blank = false;
                self.last_activity = Instant::now();
                Effect::None
            }
            Message::Lock => self.lock(None),
            Message::Tick(now) => {
                if let Some(session) = &mut self.session {
                    match session.outside_change() {
                        Ok(service::OutsideChange::Replaced) => {
                            return self.lock(Some(
                                "The school file was restored from a backup by another Keyholder window or command. Sign in again to carry on with the restored school.".into(),
                            ));
                        }
                        Ok(service::OutsideChange::Changed) => {
                            if let Screen::Home(h) = &mut self.screen {
                                h.outside_change(session);
                            }
                        }
                        Ok(service::OutsideChange::None) | Err(_) => {}
                    }
                }
                if self.session.is_some()
                    && now.saturating_duration_since(self.last_activity) >= self.idle_limit
                {
                    let minutes = self.idle_limit.as_secs() / 60;
                    return self.lock(Some(format!(
                        "Keyholder locked itself after {minutes} minutes without use. Sign in to carry on."
                    )));
                }
                if let Screen::SignIn(s) = &mut self.screen {
                    s.update(sign_in::Message::Tick(crate::clock::now()));
                }
                Effect::None
            }
            Message::Activity => {
                self.last_activity = Instant::now();
                Effect::None
            }
            Message::Modifiers(m) => {
                self.modifiers = m;
                Effect::None
            }
            Message::KeyPressed(key, modifiers, captured) => {
                self.last_activity = Instant::now();
                if self.blank {
                    self.blank = false;
                    return Effect::None;
                }
                match key {
                    keyboard::Key::Named(keyboard::key::Named::Tab) if modifiers.shift() => {
                        Effect::FocusPrevious
                    }
                    keyboard::Key::Named(keyboard::key::Named::Tab) => Effect::FocusNext,
                    keyboard::Key::Named(keyboard::key::Named::Escape) => {
                        let a = match &mut self.screen {
                            Screen::Setup(s) => s.escape(),
                            Screen::SignIn(s) => s.escape(),
                            Screen::Recover(r) => r.escape(),
                            Screen::Redeem(r) => r.escape(),
                            Screen::Restore(r) => r.escape(),
                            Screen::Home(h) => {
                                if let Some(session) = &mut self.session {
                                    h.escape(session);
                                }
                                Action::None
                            }
                            _ => Action::None,
                        };
                        self.act(a)
                    }
                    _ if captured => Effect::None,
                    _ => {
                        let a = match (&mut self.screen, &mut self.session) {
                            (Screen::Home(h), Some(session)) => h.key(&key, modifiers, session),
                            _ => Action::None,
                        };
                        self.act(a)
                    }
                }
            }
            Message::JobLost => {
                let notice = Some("Something went wrong in the background and the last step did not finish. Nothing was lost; please try again.".to_string());
                if self.session.is_some() {
                    Effect::None
                } else {
                    self.show_sign_in(None, notice)
                }
            }
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        if self.blank {
            return mouse_area(
                container(
                    text("Screen blanked. Click anywhere or press a key to return.")
                        .size(theme::TEXT_BODY),
                )
                .center(Fill)
                .style(theme::blank),
            )
            .on_press(Message::Unblank)
            .into();
        }
        match &self.screen {
            Screen::Welcome(w) => w.view().map(Message::Welcome),
            Screen::Preparing => container(
                column![
                    text("Opening the demo school…").size(theme::TEXT_HEADING),
                    text("The first time, Keyholder builds it with its made-up pupils and staff. This takes a few seconds.")
                        .size(theme::TEXT_BODY)
                        .color(theme::MUTED),
                ]
                .spacing(theme::SPACE_S),
            )
            .center(Fill)
            .into(),
            Screen::Setup(s) => s.view().map(Message::Setup),
            Screen::SignIn(s) => s.view().map(Message::SignIn),
            Screen::Recover(r) => r.view().map(Message::Recover),
            Screen::Redeem(r) => r.view().map(Message::Redeem),
            Screen::Restore(r) => r.view().map(Message::Restore),
            Screen::Home(h) => {
                let Some(session) = &self.session else {
                    return text("Signed out").into();
                };
                let me = session.me();
                let (school, is_demo) = session
                    .school()
                    .map(|i| (i.name, i.is_demo))
                    .unwrap_or_default();
                column![
                    Header {
                        school,
                        is_demo,
                        user: me.user.full_name(),
                        group: &me.group.name,
                        hide_names: self.hide_names,
                    }
                    .view(
                        me.permissions
                            .has(crate::model::SystemPermission::AddNewIncident)
                            .then_some(Message::Home(home::Message::AddIncident)),
                        Message::ToggleHideNames,
                        Message::BlankScreen,
                        Message::Lock,
                    ),
                    h.view(me, self.hide_names).map(Message::Home),
                ]
                .into()
            }
        }
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let events = iced::event::listen_with(|event, status, _window| match event {
            Event::Keyboard(keyboard::Event::KeyPressed { key, modifiers, .. }) => Some(
                Message::KeyPressed(key, modifiers, status == iced::event::Status::Captured),
            ),
            Event::Keyboard(keyboard::Event::ModifiersChanged(m)) => Some(Message::Modifiers(m)),
            Event::Mouse(mouse::Event::ButtonPressed(_) | mouse::Event::WheelScrolled { .. }) => {
                Some(Message::Activity)
            }
            _ => None,
        });
        let ticking = self.session.is_some() || matches!(self.screen, Screen::SignIn(_));
        if ticking {
            Subscription::batch([
                events,
                iced::time::every(Duration::from_secs(1)).map(Message::Tick),
            ])
        } else {
            events
        }
    }
}
