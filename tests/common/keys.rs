//! Driving the real app by keyboard alone. Unlike `ui.rs`, which builds a fresh window for each
//! step, this keeps the window's widget state (and so the keyboard focus) from one step to the
//! next, as the real window does, and carries out focus effects the way the runtime would.
#![allow(dead_code)]

use iced::keyboard::{self, key};
use iced::{Rectangle, Size, mouse};
use iced_test::core::clipboard;
use iced_test::core::renderer::Headless;
use iced_test::core::widget::Id;
use iced_test::core::widget::operation::{self, Focusable, Operation, Outcome};
use iced_test::runtime::user_interface::{Cache, UserInterface};
use keyholder::ui::app::{App, Effect, Message};
use keyholder::ui::widget::focus;

const SIZE: Size = Size::new(1280.0, 2400.0);

type Renderer = iced::Renderer;

pub struct Keyboard {
    pub app: App,
    cache: Option<Cache>,
    renderer: Renderer,
    pending: Vec<Box<dyn Operation>>,
    modifiers: keyboard::Modifiers,
}

impl Keyboard {
    pub fn new(app: App) -> Keyboard {
        let backend = std::env::var("ICED_TEST_BACKEND").ok();
        let renderer =
            iced_test::futures::futures::executor::block_on(<Renderer as Headless>::new(
                iced::Font::with_name("Fira Sans"),
                iced::Pixels(16.0),
                backend.as_deref(),
            ))
            .expect("a headless renderer");
        Keyboard {
            app,
            cache: Some(Cache::default()),
            renderer,
            pending: Vec::new(),
            modifiers: keyboard::Modifiers::default(),
        }
    }

    /// Builds the window from the app's current view, runs `f` on it, and keeps its state.
    fn with_ui<R>(
        &mut self,
        f: impl FnOnce(&mut UserInterface<'_, Message, iced::Theme, Renderer>, &mut Renderer) -> R,
    ) -> R {
        let cache = self.cache.take().unwrap_or_default();
        let mut ui = UserInterface::build(self.app.view(), SIZE, cache, &mut self.renderer);
        for mut op in std::mem::take(&mut self.pending) {
            run(&mut ui, &self.renderer, &mut op);
        }
        let r = f(&mut ui, &mut self.renderer);
        self.cache = Some(ui.into_cache());
        r
    }

    /// Sends keyboard events to the window, as the window system would, then hands the app what
    /// they produced: the widgets' messages and, for each key, the app's own key message.
    fn events(&mut self, events: Vec<iced::Event>) {
        let (messages, statuses) = self.with_ui(|ui, renderer| {
            let mut messages = Vec::new();
            let (_, statuses) = ui.update(
                &events,
                mouse::Cursor::Unavailable,
                renderer,
                &mut clipboard::Null,
                &mut messages,
            );
            (messages, statuses)
        });
        let mut all = messages;
        for (event, status) in events.iter().zip(statuses) {
            if let iced::Event::Keyboard(keyboard::Event::KeyPressed { key, modifiers, .. }) = event
            {
                all.push(Message::KeyPressed(
                    key.clone(),
                    *modifiers,
                    status == iced::event::Status::Captured,
                ));
            }
        }
        for m in all {
            let effect = self.app.update(m);
            self.apply(effect);
        }
    }

    pub fn apply(&mut self, effect: Effect) {
        match effect {
            Effect::Run(work) => {
                let message = work.run(self.app.desk());
                let next = self.app.update(message);
                self.apply(next);
            }
            Effect::Batch(all) => {
                for e in all {
                    self.apply(e);
                }
            }
            Effect::Focus(id) => self
                .pending
                .push(Box::new(operation::focusable::focus(Id::new(id)))),
            Effect::FocusNext => self.pending.push(Box::new(focus::focus_next())),
            Effect::FocusPrevious => self.pending.push(Box::new(focus::focus_previous())),
            Effect::FocusFirstOf(ids) => self.pending.push(Box::new(focus::focus_first_of(ids))),
            _ => {}
        }
    }

    pub fn key_with(&mut self, k: impl Into<keyboard::Key>, modifiers: keyboard::Modifiers) {
        let k = k.into();
        let text = match &k {
            keyboard::Key::Character(c) if !modifiers.command() && !modifiers.alt() => {
                Some(c.clone())
            }
            keyboard::Key::Named(key::Named::Space) => Some(" ".into()),
            _ => None,
        };
        let physical = key::Physical::Unidentified(key::NativeCode::Unidentified);
        self.events(vec![
            iced::Event::Keyboard(keyboard::Event::ModifiersChanged(modifiers)),
            iced::Event::Keyboard(keyboard::Event::KeyPressed {
                key: k.clone(),
                modified_key: k.clone(),
                physical_key: physical,
                location: keyboard::Location::Standard,
                modifiers,
                text,
                repeat: false,
            }),
            iced::Event::Keyboard(keyboard::Event::KeyReleased {
                key: k.clone(),
                modified_key: k,
                physical_key: physical,
                location: keyboard::Location::Standard,
                modifiers,
            }),
            iced::Event::Keyboard(keyboard::Event::ModifiersChanged(self.modifiers)),
        ]);
    }

    pub fn key(&mut self, k: key::Named) {
        self.key_with(k, keyboard::Modifiers::default());
    }

    pub fn tab(&mut self) {
        self.key(key::Named::Tab);
    }

    pub fn shift_tab(&mut self) {
        self.key_with(key::Named::Tab, keyboard::Modifiers::SHIFT);
    }

    pub fn ctrl(&mut self, c: &str) {
        self.key_with(
            keyboard::Key::Character(c.into()),
            keyboard::Modifiers::CTRL,
        );
    }

    /// Ctrl with a key that has no control code (Plus, Minus), as X11 and Windows report it: with
    /// the character as its text, which a text field would type.
    pub fn ctrl_typing(&mut self, c: &str) {
        let k = keyboard::Key::Character(c.into());
        let physical = key::Physical::Unidentified(key::NativeCode::Unidentified);
        self.events(vec![
            iced::Event::Keyboard(keyboard::Event::ModifiersChanged(keyboard::Modifiers::CTRL)),
            iced::Event::Keyboard(keyboard::Event::KeyPressed {
                key: k.clone(),
                modified_key: k,
                physical_key: physical,
                location: keyboard::Location::Standard,
                modifiers: keyboard::Modifiers::CTRL,
                text: Some(c.into()),
                repeat: false,
            }),
            iced::Event::Keyboard(keyboard::Event::ModifiersChanged(self.modifiers)),
        ]);
    }

    pub fn alt(&mut self, c: &str) {
        self.key_with(keyboard::Key::Character(c.into()), keyboard::Modifiers::ALT);
    }

    /// Signs in from the sign-in screen with keys only: the e-mail address (unless it is filled
    /// in already), the demo password and the code `steps` time steps from now.
    pub fn sign_in(&mut self, email: &str, secret: &[u8], steps: i64) {
        if let keyholder::ui::app::Screen::SignIn(s) = &self.app.screen
            && s.email.is_empty()
        {
            self.type_text(email);
            self.tab();
        }
        self.type_text(super::PASSWORD);
        self.key(key::Named::Enter);
        assert!(
            self.shows("Enter your code"),
            "Enter in the password field signs in"
        );
        self.type_text(&super::code(secret, super::now(), steps));
        self.key(key::Named::Enter);
        assert!(self.app.session.is_some(), "signed in by keyboard alone");
    }

    /// Types into whatever has the focus.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key_with(
                keyboard::Key::Character(c.to_string().into()),
                keyboard::Modifiers::default(),
            );
        }
    }

    /// The texts drawn inside the control that has the focus (its label), or `None`.
    pub fn focused(&mut self) -> Option<String> {
        self.with_ui(|ui, renderer| {
            let mut find = FocusedBounds(None);
            ui.operate(renderer, &mut find);
            let bounds = find.0?;
            let mut texts = TextsIn {
                bounds,
                found: Vec::new(),
            };
            ui.operate(renderer, &mut texts);
            Some(texts.found.join(" "))
        })
    }

    /// Where the control with the focus is drawn, or `None` when nothing has the focus.
    pub fn focused_bounds(&mut self) -> Option<Rectangle> {
        self.with_ui(|ui, renderer| {
            let mut find = FocusedBounds(None);
            ui.operate(renderer, &mut find);
            find.0
        })
    }

    /// Tab round the whole page once from where the focus is: the label of every stop, in order.
    /// Fails unless the round visits every control Tab can reach exactly once and comes back to
    /// where it started, with the focus never lost on the way.
    pub fn tab_round(&mut self) -> Vec<String> {
        let stops = self.focus_stops();
        assert!(stops > 0, "the page has no control Tab can reach");
        if self.focused_bounds().is_none() {
            self.tab();
        }
        let start = self.focused_bounds();
        let mut seen: Vec<(String, Rectangle)> = Vec::new();
        for _ in 0..stops {
            let bounds = self
                .focused_bounds()
                .unwrap_or_else(|| panic!("the focus was lost after {:?}", seen.last()));
            let label = self.focused().unwrap_or_default();
            assert!(
                !seen.iter().any(|(_, b)| *b == bounds),
                "Tab came back to {label:?} before visiting every control: {:?}",
                seen.iter().map(|(l, _)| l).collect::<Vec<_>>()
            );
            seen.push((label, bounds));
            self.tab();
        }
        assert_eq!(
            self.focused_bounds(),
            start,
            "after {stops} stops Tab is back where it began"
        );
        seen.into_iter().map(|(l, _)| l).collect()
    }

    /// How many controls Tab can reach on the page showing.
    pub fn focus_stops(&mut self) -> usize {
        self.with_ui(|ui, renderer| {
            let mut count = Count(0);
            ui.operate(renderer, &mut count);
            count.0
        })
    }

    /// Presses Tab until the focused control's label is exactly `label`; fails after a round.
    pub fn tab_to(&mut self, label: &str) {
        self.tab_until(label, |t| t == label);
    }

    /// Presses Tab until the focused control (a row of a table) starts with `start`.
    pub fn tab_to_row(&mut self, start: &str) {
        self.tab_until(start, |t| t.starts_with(start));
    }

    fn tab_until(&mut self, what: &str, found: impl Fn(&str) -> bool) {
        let stops = self.focus_stops();
        let mut seen = Vec::new();
        for _ in 0..=stops + 1 {
            let now = self.focused();
            if now.as_deref().is_some_and(&found) {
                return;
            }
            seen.push(now);
            self.tab();
        }
        panic!("Tab never reached {what:?}; it went {seen:?}");
    }

    /// Whether any text on screen contains `needle`.
    pub fn shows(&mut self, needle: &str) -> bool {
        self.with_ui(|ui, renderer| {
            let mut texts = TextsIn {
                bounds: Rectangle::with_size(SIZE),
                found: Vec::new(),
            };
            ui.operate(renderer, &mut texts);
            texts.found.iter().any(|t| t.contains(needle))
        })
    }
}

fn run(
    ui: &mut UserInterface<'_, Message, iced::Theme, Renderer>,
    renderer: &Renderer,
    op: &mut Box<dyn Operation>,
) {
    ui.operate(renderer, op.as_mut());
    if let Outcome::Chain(mut next) = op.finish() {
        run(ui, renderer, &mut next);
    }
}

struct FocusedBounds(Option<Rectangle>);

impl Operation for FocusedBounds {
    fn focusable(&mut self, _id: Option<&Id>, bounds: Rectangle, state: &mut dyn Focusable) {
        if state.is_focused() {
            self.0 = Some(bounds);
        }
    }

    fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation)) {
        operate(self);
    }
}

struct Count(usize);

impl Operation for Count {
    fn focusable(&mut self, _id: Option<&Id>, _bounds: Rectangle, _state: &mut dyn Focusable) {
        self.0 += 1;
    }

    fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation)) {
        operate(self);
    }
}

struct TextsIn {
    bounds: Rectangle,
    found: Vec<String>,
}

impl Operation for TextsIn {
    fn text(&mut self, _id: Option<&Id>, bounds: Rectangle, text: &str) {
        if self.bounds.intersects(&bounds) && self.bounds.contains(bounds.center()) {
            self.found.push(text.to_string());
        }
    }

    fn text_input(
        &mut self,
        _id: Option<&Id>,
        bounds: Rectangle,
        _state: &mut dyn operation::TextInput,
    ) {
        if self.bounds.contains(bounds.center()) {
            self.found.push("(text field)".into());
        }
    }

    fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation)) {
        operate(self);
    }
}
