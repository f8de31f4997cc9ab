//! The application: which screen is showing, the signed-in session, and what applies to every
//! screen (keyboard, idle lock, Hide Names, Blank Screen).

use super::effect::Work;
use super::screen;
use super::screen::home::{self, Home};
use super::screen::recover::{self, Recover};
use super::screen::redeem::{self, Redeem};
use super::screen::restore::{self, Restore};
use super::screen::setup::{self, Setup};
use super::screen::sign_in::{self, SignIn};
use super::screen::welcome::{self, Welcome};
use super::theme;
use super::widget::form;
use super::widget::header::Header;
use super::widget::keys_first::keys_first;
use super::widget::status::Status;
use crate::model::display::{Display, TextSize};
use crate::service::{self, Desk, KdfCost, Location, Session, Ticket};
use iced::widget::{column, container, mouse_area, row, text};
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
    /// Draw the window this way (a shortcut, or the help page's display settings).
    Display(Display),
    /// The window's new size, so lists can use the height there is.
    Resized(iced::Size),
}

/// What `update` asks the runtime to do (see [`super::effect`]); tests carry it out themselves.
pub type Effect = super::effect::Effect<Message>;

/// Where a screen before sign-in sends the person next.
enum Go {
    Welcome,
    Setup,
    Demo,
    SignIn {
        email: Option<String>,
        notice: Option<String>,
    },
    Recovery,
    SetupCode(String),
    Restore,
    SignedIn(Ticket<Session>),
}

pub struct App {
    options: Options,
    location: Location,
    pub screen: Screen,
    pub session: Option<Session>,
    pub hide_names: bool,
    pub blank: bool,
    /// How the window is drawn: the signed-in person's choice, kept after a lock so the sign-in
    /// screen stays readable for them.
    pub display: Display,
    /// The look was changed on a screen before sign-in (someone needed larger text to sign in).
    display_chosen_signed_out: bool,
    /// The window's height before the text size scales it.
    window_height: f32,
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
            display: Display::default(),
            display_chosen_signed_out: false,
            window_height: 800.0,
            modifiers: keyboard::Modifiers::default(),
            last_activity: Instant::now(),
            idle_limit: Duration::from_secs(600),
            welcome_error: None,
            suspended: None,
            desk: Desk::default(),
        };
        let effect = if app.options.demo {
            prepare_demo(app.location.clone())
        } else if crate::service::setup::school_is_here(&app.location) {
            app.show_sign_in(None, None)
        } else {
            app.show_welcome();
            Effect::None
        };
        (app, effect)
    }

    /// Where what a job unlocks before sign-in waits (tests run jobs with it too).
    pub fn desk(&self) -> &Desk {
        &self.desk
    }

    /// The runtime's tasks for an effect; slow work runs on its own thread.
    pub fn task(&self, effect: Effect) -> Task<Message> {
        match effect {
            Effect::None => Task::none(),
            Effect::Run(work) => spawn(work, self.desk.clone()),
            Effect::Focus(id) => iced::widget::operation::focus(id).chain(reveal()),
            Effect::ScrollTo(id, y) => iced::widget::operation::scroll_to(
                id,
                iced::widget::scrollable::AbsoluteOffset { x: 0.0, y },
            ),
            Effect::FocusNext => {
                iced::advanced::widget::operate(crate::ui::widget::focus::focus_next())
                    .chain(reveal())
            }
            Effect::FocusFirstOf(ids) => {
                iced::advanced::widget::operate(crate::ui::widget::focus::focus_first_of(ids))
                    .chain(reveal())
            }
            Effect::FocusPrevious => {
                iced::advanced::widget::operate(crate::ui::widget::focus::focus_previous())
                    .chain(reveal())
            }
            Effect::Dialog(d) => super::dialogs::open(d),
            Effect::Batch(all) => Task::batch(all.into_iter().map(|e| self.task(e))),
        }
    }

    fn show_welcome(&mut self) {
        self.desk.clear();
        self.screen = Screen::Welcome(Welcome {
            school_file: self.options.location.db.display().to_string(),
            status: self
                .welcome_error
                .take()
                .map_or(Status::Quiet, Status::problem),
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

    fn go(&mut self, go: Go) -> Effect {
        match go {
            Go::Welcome => {
                self.show_welcome();
                Effect::None
            }
            Go::Setup => {
                self.screen = Screen::Setup(Setup::new(self.location.clone(), self.options.kdf));
                Effect::Focus(setup::SCHOOL_NAME)
            }
            Go::Demo => {
                let Some(demo) = self.options.demo_location.clone() else {
                    self.welcome_error =
                        Some("There is no folder for the demo school on this computer.".into());
                    self.show_welcome();
                    return Effect::None;
                };
                self.options.demo = true;
                self.location = demo.clone();
                self.screen = Screen::Preparing;
                prepare_demo(demo)
            }
            Go::SignIn { email, notice } => self.show_sign_in(email, notice),
            Go::Recovery => {
                self.screen =
                    Screen::Recover(Recover::new(self.location.clone(), self.options.kdf));
                Effect::Focus(recover::CODE)
            }
            Go::SetupCode(email) => {
                let r = Redeem::new(self.location.clone(), email);
                let first = r.first_field();
                self.screen = Screen::Redeem(r);
                Effect::Focus(first)
            }
            Go::Restore => {
                // The school's files are about to be replaced: nobody may have them open.
                if let Some(s) = self.session.take() {
                    drop(s.lock());
                }
                self.suspended = None;
                self.blank = false;
                self.screen = Screen::Restore(Restore::new(self.location.clone()));
                Effect::None
            }
            Go::SignedIn(ticket) => {
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
                        home.status = Status::note(
                            "Your unsaved changes from before the lock are still here.",
                        );
                        *home
                    }
                    None => Home::new(&session),
                };
                self.idle_limit = Duration::from_secs(u64::from(home.idle_minutes.max(1)) * 60);
                let mut session = session;
                let mut home = home;
                self.display = self.display_for(&mut session, &mut home);
                self.session = Some(session);
                self.screen = Screen::Home(home);
                self.last_activity = Instant::now();
                Effect::None
            }
        }
    }

    fn act_on_home(&mut self, action: home::Action) -> Effect {
        match action {
            home::Action::Effect(e) => e.map(Message::Home),
            home::Action::StartRestore => self.go(Go::Restore),
            home::Action::Display(d) => self.update(Message::Display(d)),
        }
    }

    /// The look for the person signing in: what they chose last time. Someone who has never chosen
    /// but changed the look before signing in (they needed larger text to sign in) keeps that,
    /// and it is remembered for them; the look the last person left behind is not passed on.
    fn display_for(&mut self, session: &mut Session, home: &mut Home) -> Display {
        let chosen_signed_out = std::mem::take(&mut self.display_chosen_signed_out);
        let saved = match session.display() {
            Ok(d) => d,
            Err(e) => {
                home.status =
                    Status::problem(format!("Your display settings could not be read: {e}"));
                return self.display;
            }
        };
        if !chosen_signed_out || saved != Display::default() {
            return saved;
        }
        if let Err(e) = session.set_display(self.display) {
            home.status = Status::problem(format!("Your display settings could not be saved: {e}"));
        }
        self.display
    }

    /// Draws the window as `d` from now on, remembering it for the person signed in.
    fn set_display(&mut self, d: Display) {
        self.display = d;
        let (Some(session), Screen::Home(home)) = (&mut self.session, &mut self.screen) else {
            self.display_chosen_signed_out = true;
            return;
        };
        if let Err(e) = session.set_display(d) {
            home.status = Status::problem(format!(
                "The window shows your choice, but it could not be remembered for next time: {e}"
            ));
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
                Screen::Welcome(w) => match w.update(m) {
                    welcome::Action::StartSetup => self.go(Go::Setup),
                    welcome::Action::OpenDemo => self.go(Go::Demo),
                    welcome::Action::StartRestore => self.go(Go::Restore),
                },
                _ => Effect::None,
            },
            Message::Setup(m) => match &mut self.screen {
                Screen::Setup(s) => match s.update(m) {
                    setup::Action::Effect(e) => e.map(Message::Setup),
                    setup::Action::ShowWelcome => self.go(Go::Welcome),
                    setup::Action::ShowSignIn { email, notice } => {
                        self.go(Go::SignIn { email, notice })
                    }
                    setup::Action::SignedIn(t) => self.go(Go::SignedIn(t)),
                },
                _ => Effect::None,
            },
            Message::SignIn(m) => match &mut self.screen {
                Screen::SignIn(s) => match s.update(m) {
                    sign_in::Action::Effect(e) => e.map(Message::SignIn),
                    sign_in::Action::SignedIn(t) => self.go(Go::SignedIn(t)),
                    sign_in::Action::StartRecovery => self.go(Go::Recovery),
                    sign_in::Action::StartRestore => self.go(Go::Restore),
                    sign_in::Action::StartSetupCode(email) => self.go(Go::SetupCode(email)),
                },
                _ => Effect::None,
            },
            Message::Recover(m) => match &mut self.screen {
                Screen::Recover(r) => match r.update(m) {
                    recover::Action::Effect(e) => e.map(Message::Recover),
                    recover::Action::ShowSignIn { email, notice } => {
                        self.go(Go::SignIn { email, notice })
                    }
                },
                _ => Effect::None,
            },
            Message::Redeem(m) => match &mut self.screen {
                Screen::Redeem(r) => match r.update(m) {
                    redeem::Action::Effect(e) => e.map(Message::Redeem),
                    redeem::Action::SignedIn(t) => self.go(Go::SignedIn(t)),
                    redeem::Action::ShowSignIn { email, notice } => {
                        self.go(Go::SignIn { email, notice })
                    }
                },
                _ => Effect::None,
            },
            Message::Restore(m) => match &mut self.screen {
                Screen::Restore(r) => match r.update(m) {
                    restore::Action::Effect(e) => e.map(Message::Restore),
                    restore::Action::ShowWelcome => self.go(Go::Welcome),
                    restore::Action::ShowSignIn { email, notice } => {
                        self.go(Go::SignIn { email, notice })
                    }
                },
                _ => Effect::None,
            },
            Message::Home(m) => match (&mut self.screen, &mut self.session) {
                (Screen::Home(h), Some(session)) => {
                    let page = h.page();
                    let a = h.update(m, session, self.modifiers);
                    self.idle_limit = Duration::from_secs(u64::from(h.idle_minutes.max(1)) * 60);
                    let moved = h.page() != page;
                    let effect = self.act_on_home(a);
                    if moved {
                        Effect::ScrollTo(home::PAGE, 0.0).and(effect)
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
                if let Some(shortcut) = self.shortcut(&key, modifiers) {
                    return shortcut;
                }
                match key {
                    keyboard::Key::Named(keyboard::key::Named::Tab) if modifiers.shift() => {
                        Effect::FocusPrevious
                    }
                    keyboard::Key::Named(keyboard::key::Named::Tab) => Effect::FocusNext,
                    keyboard::Key::Named(keyboard::key::Named::Escape) => {
                        let escape = match &self.screen {
                            Screen::Setup(_) => Message::Setup(setup::Message::Escape),
                            Screen::SignIn(_) => Message::SignIn(sign_in::Message::Escape),
                            Screen::Recover(_) => Message::Recover(recover::Message::Escape),
                            Screen::Redeem(_) => Message::Redeem(redeem::Message::Escape),
                            Screen::Restore(_) => Message::Restore(restore::Message::Escape),
                            Screen::Home(_) => Message::Home(home::Message::Escape),
                            Screen::Welcome(_) | Screen::Preparing => return Effect::None,
                        };
                        self.update(escape)
                    }
                    _ if captured => Effect::None,
                    _ => {
                        let a = match (&mut self.screen, &mut self.session) {
                            (Screen::Home(h), Some(session)) => h.key(&key, modifiers, session),
                            _ => return Effect::None,
                        };
                        self.act_on_home(a)
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
            Message::Display(d) => {
                self.set_display(d);
                Effect::None
            }
            Message::Resized(size) => {
                self.window_height = size.height;
                Effect::None
            }
        }
    }

    /// The window's keyboard shortcuts (listed on the Help page, F1). They work wherever the
    /// focus is, even in a text field, as none of them is a key that types.
    fn shortcut(&mut self, key: &keyboard::Key, modifiers: keyboard::Modifiers) -> Option<Effect> {
        use keyboard::key::Named;
        if self.session.is_none() || !matches!(self.screen, Screen::Home(_)) {
            return None;
        }
        let command = modifiers.command() && !modifiers.alt() && !modifiers.shift();
        let message = match key {
            keyboard::Key::Named(Named::F1) => Message::Home(home::Message::Help),
            keyboard::Key::Character(c) if command => match c.as_str() {
                "l" | "L" => Message::Lock,
                "h" | "H" => Message::ToggleHideNames,
                "r" | "R" => Message::Home(home::Message::RemindMe),
                "b" | "B" => Message::BlankScreen,
                "s" | "S" => Message::Home(home::Message::SaveShortcut),
                "f" | "F" => return Some(Effect::FocusFirstOf(screen::FILTERS)),
                _ => return None,
            },
            keyboard::Key::Character(c) if modifiers.alt() && !modifiers.command() => {
                let n = c
                    .as_str()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=9).contains(n))?;
                Message::Home(home::Message::TabNumber(n))
            }
            _ => return None,
        };
        Some(self.update(message))
    }

    /// Ctrl+Plus (or Ctrl+=, the same key without Shift), Ctrl+Minus and Ctrl+0, as in a browser.
    fn text_size_key(
        key: &keyboard::Key,
        modifiers: keyboard::Modifiers,
        now: TextSize,
    ) -> Option<TextSize> {
        if !modifiers.command() || modifiers.alt() {
            return None;
        }
        match key {
            keyboard::Key::Character(c) => match c.as_str() {
                "+" | "=" => Some(now.larger()),
                "-" | "_" => Some(now.smaller()),
                "0" => Some(TextSize::Standard),
                _ => None,
            },
            _ => None,
        }
    }

    /// The theme iced draws the window with.
    pub fn theme(&self) -> iced::Theme {
        theme::theme(self.display.high_contrast)
    }

    /// How much larger than standard everything is drawn.
    pub fn scale_factor(&self) -> f32 {
        self.display.text_size.factor()
    }

    pub fn view(&self) -> Element<'_, Message> {
        let now = self.display;
        keys_first(self.screen_view(), move |key, modifiers| {
            Self::text_size_key(key, modifiers, now.text_size)
                .map(|text_size| Message::Display(Display { text_size, ..now }))
        })
        .into()
    }

    /// Before sign-in, the look can be changed from a bar under the page (signed in, it is on
    /// the Help page): someone who needs high contrast or larger text to sign in finds it here.
    fn with_display_bar<'a>(&self, page: Element<'a, Message>) -> Element<'a, Message> {
        let now = self.display;
        let contrast = Message::Display(Display {
            high_contrast: !now.high_contrast,
            ..now
        });
        let larger = Message::Display(Display {
            text_size: if now.text_size == TextSize::Largest {
                TextSize::Standard
            } else {
                now.text_size.larger()
            },
            ..now
        });
        let bar = row![
            iced::widget::space().width(Fill),
            form::link(
                if now.high_contrast {
                    "Standard theme"
                } else {
                    "High contrast"
                },
                contrast,
            ),
            form::link(
                if now.text_size == TextSize::Largest {
                    "Standard text size (Ctrl+0)".to_string()
                } else {
                    format!("Larger text: {} (Ctrl+Plus)", now.text_size.larger())
                },
                larger,
            ),
        ]
        .spacing(theme::SPACE_L);
        column![
            container(page).height(Fill),
            container(bar).padding([theme::SPACE_S, theme::SPACE_L])
        ]
        .into()
    }

    fn screen_view(&self) -> Element<'_, Message> {
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
            Screen::Welcome(w) => self.with_display_bar(w.view().map(Message::Welcome)),
            Screen::Preparing => container(
                column![
                    text("Opening the demo school…").size(theme::TEXT_HEADING),
                    text("The first time, Keyholder builds it with its made-up pupils and staff. This takes a few seconds.")
                        .size(theme::TEXT_BODY)
                        .style(theme::muted),
                ]
                .spacing(theme::SPACE_S),
            )
            .center(Fill)
            .into(),
            Screen::Setup(s) => self.with_display_bar(s.view().map(Message::Setup)),
            Screen::SignIn(s) => self.with_display_bar(s.view().map(Message::SignIn)),
            Screen::Recover(r) => self.with_display_bar(r.view().map(Message::Recover)),
            Screen::Redeem(r) => self.with_display_bar(r.view().map(Message::Redeem)),
            Screen::Restore(r) => self.with_display_bar(r.view().map(Message::Restore)),
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
                        Message::Home(home::Message::RemindMe),
                        Message::ToggleHideNames,
                        Message::BlankScreen,
                        Message::Lock,
                        Message::Home(home::Message::Help),
                    ),
                    h.view(me, self.hide_names, self.display, self.window_height / self.scale_factor())
                        .map(Message::Home),
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
            Event::Window(iced::window::Event::Resized(size)) => Some(Message::Resized(size)),
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

/// Brings the control that just took the focus into view.
fn reveal() -> Task<Message> {
    iced::advanced::widget::operate(crate::ui::widget::focus::reveal_focused())
}

/// Creates the demo school if there is none yet; then the sign-in screen opens on it.
fn prepare_demo(location: Location) -> Effect {
    Effect::Run(Work::new("prepare the demo", move |_| {
        let result = service::demo::prepare(&location, KdfCost::DEMO);
        Message::DemoReady(location, result)
    }))
}

/// Runs slow work on its own thread, so the window keeps drawing.
fn spawn(work: Work<Message>, desk: Desk) -> Task<Message> {
    Task::future(async move {
        let (tx, rx) = iced::futures::channel::oneshot::channel();
        std::thread::spawn(move || {
            let _ = tx.send(work.run(&desk));
        });
        rx.await.unwrap_or(Message::JobLost)
    })
}
