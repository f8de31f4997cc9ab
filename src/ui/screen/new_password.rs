//! The steps a first sign-in (set-up code) and a recovery share: a new password typed twice, then
//! a "Working…" page while it is protected. The screens keep their own wording and field ids.

use crate::service::setup;
use crate::ui::theme;
use crate::ui::widget::form::{self, Field};
use iced::Element;
use iced::widget::{column, text};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Password(String),
    Again(String),
}

/// The two fields' labels and ids on one screen.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub labels: [&'static str; 2],
    pub ids: [&'static str; 2],
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewPassword {
    pub password: String,
    pub again: String,
}

impl NewPassword {
    pub fn update(&mut self, message: Message) {
        match message {
            Message::Password(v) => self.password = v,
            Message::Again(v) => self.again = v,
        }
    }

    /// The first problem with the password, for the screen's error line; `personal` holds the
    /// person's own words (name, e-mail address), which make a password easy to guess.
    pub fn check(&self, personal: &[&str]) -> Result<(), String> {
        setup::check_new_password(&self.password, &self.again, personal).map_err(|e| e.to_string())
    }

    pub fn clear(&mut self) {
        self.password.clear();
        self.again.clear();
    }

    /// Both fields, the first with the strength hint; Enter in either is `submit`.
    pub fn view<'a, M: Clone + 'a>(
        &'a self,
        fields: Fields,
        personal: &[&str],
        map: fn(Message) -> M,
        submit: M,
    ) -> Element<'a, M> {
        column![
            Field::new(fields.labels[0], fields.ids[0], &self.password, move |v| {
                map(Message::Password(v))
            })
            .secure()
            .hint(setup::password_hint(&self.password, personal))
            .on_submit(submit.clone())
            .view(),
            Field::new(fields.labels[1], fields.ids[1], &self.again, move |v| {
                map(Message::Again(v))
            })
            .secure()
            .on_submit(submit)
            .view(),
        ]
        .spacing(theme::SPACE_M)
        .into()
    }
}

/// The page shown while the new password is protected (key derivation takes a few seconds).
pub fn working<'a, M: 'a>(whose: &'static str) -> Element<'a, M> {
    column![
        form::heading("Working…", None),
        text(format!(
            "Checking the code and protecting {whose} password. This takes a few seconds."
        ))
        .size(theme::TEXT_BODY)
        .style(theme::muted),
    ]
    .spacing(theme::SPACE_M)
    .into()
}
