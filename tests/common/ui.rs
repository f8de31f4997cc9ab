//! Driving the real app through iced_test's simulator, as a person would.
#![allow(dead_code)]

use iced::keyboard;
use iced_test::selector::Candidate;
use iced_test::simulator::Simulator;
use keyholder::ui::app::{App, Effect, Message, Options};
use keyholder::vault::{KdfCost, Location};

pub fn options(location: Location) -> Options {
    Options {
        location,
        demo: false,
        demo_location: None,
        kdf: KdfCost::insecure_for_tests(),
    }
}

pub fn start(location: Location) -> App {
    let (mut app, effect) = App::new(options(location));
    apply(&mut app, effect);
    app
}

/// Carries out effects the way the runtime would; background jobs run right here.
pub fn apply(app: &mut App, effect: Effect) {
    match effect {
        Effect::Run(work) => {
            let message = work.run(app.desk());
            let next = app.update(message);
            apply(app, next);
        }
        Effect::Batch(all) => {
            for e in all {
                apply(app, e);
            }
        }
        _ => {}
    }
}

pub fn send(app: &mut App, messages: impl IntoIterator<Item = Message>) {
    for m in messages {
        let e = app.update(m);
        apply(app, e);
    }
}

/// The window is as wide as the real one (1280), and tall enough to show a whole page: the
/// simulator keeps no scroll position between steps, where a person would simply scroll.
pub fn ui(app: &App) -> Simulator<'_, Message> {
    Simulator::with_size(iced::Settings::default(), (1280.0, 2400.0), app.view())
}

pub fn click(app: &mut App, label: &str) {
    let messages: Vec<Message> = {
        let mut ui = ui(app);
        ui.click(label)
            .unwrap_or_else(|e| panic!("cannot click {label:?}: {e}"));
        ui.into_messages().collect()
    };
    send(app, messages);
}

pub fn type_into(app: &mut App, field: &'static str, text: &str) {
    let messages: Vec<Message> = {
        let mut ui = ui(app);
        ui.click(iced_test::selector::id(field))
            .unwrap_or_else(|e| panic!("no field {field}: {e}"));
        ui.typewrite(text);
        ui.into_messages().collect()
    };
    send(app, messages);
}

/// Selects everything in the field (Ctrl+A), deletes it, and types `text`.
pub fn replace_in(app: &mut App, field: &'static str, text: &str) {
    use iced::keyboard::{Event as Key, Location as KeyLocation, key};
    let ctrl_a = iced::Event::Keyboard(Key::KeyPressed {
        key: keyboard::Key::Character("a".into()),
        modified_key: keyboard::Key::Character("a".into()),
        physical_key: key::Physical::Code(key::Code::KeyA),
        location: KeyLocation::Standard,
        modifiers: keyboard::Modifiers::CTRL,
        repeat: false,
        text: None,
    });
    let messages: Vec<Message> = {
        let mut ui = ui(app);
        ui.click(iced_test::selector::id(field)).unwrap();
        ui.simulate([
            iced::Event::Keyboard(Key::ModifiersChanged(keyboard::Modifiers::CTRL)),
            ctrl_a,
            iced::Event::Keyboard(Key::ModifiersChanged(keyboard::Modifiers::default())),
        ]);
        ui.tap_key(key::Named::Backspace);
        ui.typewrite(text);
        ui.into_messages().collect()
    };
    send(app, messages);
}

pub fn press_enter_in(app: &mut App, field: &'static str) {
    let messages: Vec<Message> = {
        let mut ui = ui(app);
        ui.click(iced_test::selector::id(field)).unwrap();
        ui.tap_key(keyboard::key::Named::Enter);
        ui.into_messages().collect()
    };
    send(app, messages);
}

pub fn press(app: &mut App, key: keyboard::key::Named) {
    send(
        app,
        [Message::KeyPressed(
            keyboard::Key::Named(key),
            keyboard::Modifiers::default(),
            false,
        )],
    );
}

/// Whether any text on screen contains `needle`.
pub fn shows(app: &App, needle: &str) -> bool {
    let needle = needle.to_string();
    ui(app)
        .find(move |c: Candidate<'_>| match c {
            Candidate::Text { content, .. } if content.contains(&needle) => Some(()),
            _ => None,
        })
        .is_ok()
}

/// A demo school with the window open on its sign-in screen.
pub fn demo_app(
    dir: &std::path::Path,
) -> (App, Location, keyholder::service::demo::DemoCredentials) {
    let (location, creds) = super::demo_school(dir, super::small());
    (start(location.clone()), location, creds)
}

/// Signs in through the screens with the password and a current code.
pub fn sign_in_through_screens(app: &mut App, email: &str, secret: &[u8]) {
    use keyholder::ui::screen::sign_in;
    replace_in(app, sign_in::EMAIL, email);
    type_into(app, sign_in::PASSWORD, super::PASSWORD);
    click(app, "Sign in");
    let code = keyholder::auth::soft_key::code_at(secret, super::now() as u64).unwrap();
    type_into(app, sign_in::CODE, &code);
    click(app, "Confirm");
    assert!(app.session.is_some(), "signed in");
}

/// After the lock, the same person signs in again on the sign-in screen (e-mail already there),
/// with a code from the next time step (the first sign-in used this one).
pub fn sign_back_in(app: &mut App, secret: &[u8]) {
    use keyholder::ui::screen::sign_in;
    type_into(app, sign_in::PASSWORD, super::PASSWORD);
    click(app, "Sign in");
    let code = keyholder::auth::soft_key::code_at(secret, (super::now() + 30) as u64).unwrap();
    type_into(app, sign_in::CODE, &code);
    click(app, "Confirm");
}

/// How many texts on screen are exactly `label`.
pub fn find_all(app: &App, label: &str) -> usize {
    let label = label.to_string();
    let mut ui = ui(app);
    let mut n = 0;
    // Count by clicking positions is not possible without side effects; walk the matches instead.
    loop {
        let target = ui.find(NthText {
            label: label.clone(),
            wanted: n,
            seen: 0,
        });
        if target.is_err() {
            return n;
        }
        n += 1;
    }
}

/// Clicks the `n`th (from 0) text on screen that is exactly `label`.
pub fn click_nth(app: &mut App, label: &str, n: usize) {
    let messages: Vec<Message> = {
        let mut ui = ui(app);
        let target = ui
            .find(NthText {
                label: label.to_string(),
                wanted: n,
                seen: 0,
            })
            .unwrap_or_else(|e| panic!("no {label:?} number {n}: {e}"));
        ui.point_at(target.center());
        ui.simulate(iced_test::simulator::click());
        ui.into_messages().collect()
    };
    send(app, messages);
}

/// Selects the `wanted`th text whose content is exactly `label`, returning its bounds.
struct NthText {
    label: String,
    wanted: usize,
    seen: usize,
}

impl iced_test::selector::Selector for NthText {
    type Output = iced::Rectangle;

    fn select(&mut self, candidate: Candidate<'_>) -> Option<Self::Output> {
        match candidate {
            Candidate::Text {
                content,
                visible_bounds,
                ..
            } if content == self.label => {
                self.seen += 1;
                if self.seen - 1 == self.wanted {
                    visible_bounds
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    fn description(&self) -> String {
        format!("text == {:?} number {}", self.label, self.wanted)
    }
}

/// Clicks the last text on the page that is exactly `label`, in a window tall enough to show the
/// whole page (as a person would after scrolling down to it).
pub fn click_last(app: &mut App, label: &str) {
    let count = {
        let mut ui = ui(app);
        let mut n = 0;
        while ui
            .find(NthText {
                label: label.to_string(),
                wanted: n,
                seen: 0,
            })
            .is_ok()
        {
            n += 1;
        }
        n
    };
    assert!(count > 0, "no {label:?} on the page");
    let messages: Vec<Message> = {
        let mut ui = ui(app);
        let target = ui
            .find(NthText {
                label: label.to_string(),
                wanted: count - 1,
                seen: 0,
            })
            .unwrap();
        ui.point_at(target.center());
        ui.simulate(iced_test::simulator::click());
        ui.into_messages().collect()
    };
    send(app, messages);
}
