//! Enrolling a soft key: a QR code for the authenticator app, the same secret as text for typing,
//! and a current code to prove the app has it. Used at set-up and after a recovery.

use crate::service::enrolment::{ConfirmedKey, PendingKey};
use crate::ui::theme;
use crate::ui::widget::form::{self, BOLD, MONO};
use crate::ui::widget::status::Status;
use iced::widget::{column, container, qr_code, row, text};
use iced::{Element, Fill};

pub const CODE_FIELD: &str = "enrol-code";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    CodeChanged(String),
}

pub struct Enrolment {
    pub email: String,
    key: PendingKey,
    uri: String,
    qr: Option<qr_code::Data>,
    pub code: String,
    pub status: Status,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enrolment")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

impl Enrolment {
    /// A new key for `email` with a fresh secret.
    pub fn new(email: &str) -> Enrolment {
        let key = PendingKey::new();
        let uri = key.otpauth_uri(email).unwrap_or_default();
        let qr = qr_code::Data::new(uri.as_bytes()).ok();
        Enrolment {
            email: email.trim().to_string(),
            key,
            uri,
            qr,
            code: String::new(),
            status: Status::Quiet,
        }
    }

    /// The exact text encoded in the QR code.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    pub fn secret(&self) -> &[u8] {
        self.key.secret()
    }

    pub fn update(&mut self, message: Message) {
        match message {
            Message::CodeChanged(c) => {
                self.code = c
                    .chars()
                    .filter(|c| c.is_ascii_digit() || *c == ' ')
                    .take(7)
                    .collect();
                self.status.clear_problem();
            }
        }
    }

    /// The confirmed key if the typed code is current; otherwise the reason, shown on screen.
    pub fn confirm(&mut self, now: i64) -> Option<ConfirmedKey> {
        match self.key.confirm(&self.code, now) {
            Ok(key) => Some(key),
            Err(e) => {
                self.status = Status::problem(e);
                self.code.clear();
                None
            }
        }
    }

    pub fn view<'a, M: Clone + 'a>(
        &'a self,
        map: fn(Message) -> M,
        on_submit: M,
    ) -> Element<'a, M> {
        let qr: Element<'a, M> = match &self.qr {
            Some(data) => qr_code(data).cell_size(5).into(),
            None => form::error(
                "The QR code could not be drawn; type the key below into your app instead.",
            ),
        };
        let steps = column![
            text("1. Open your authenticator app").font(BOLD).size(theme::TEXT_BODY),
            text("Microsoft Authenticator: tap + then \"Other account\". Google Authenticator: tap + then \"Scan a QR code\". Any other app that supports time-based codes works too.")
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
            text("2. Scan the code on the left").font(BOLD).size(theme::TEXT_BODY),
            text("If the phone cannot scan it, choose \"enter a setup key\" and type this key:")
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
            container(
                text(self.key.grouped_text())
                    .font(MONO)
                    .size(theme::TEXT_BODY),
            )
            .padding(theme::SPACE_S)
            .width(Fill)
            .style(theme::secret_box),
            text(format!("Account: {}   Issuer: Keyholder", self.email))
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
            text("3. Type the 6-digit code the app shows").font(BOLD).size(theme::TEXT_BODY),
        ]
        .spacing(theme::SPACE_XS + 2.0);
        let mut c = column![
            row![
                container(qr).padding(theme::SPACE_S).style(theme::card),
                steps
            ]
            .spacing(theme::SPACE_L),
            form::Field::new("Code from the app", CODE_FIELD, &self.code, move |s| {
                map(Message::CodeChanged(s))
            })
            .placeholder("123 456")
            .on_submit(on_submit)
            .view(),
        ]
        .spacing(theme::SPACE_M);
        c = c.push(self.status.view());
        c.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_code_explains_and_is_cleared_for_retyping() {
        let mut e = Enrolment::new("r.okafor@larkfield.example");
        e.update(Message::CodeChanged("12345".into()));
        assert!(e.confirm(1_800_000_000).is_none());
        assert!(
            e.status
                .problem_text()
                .unwrap_or("")
                .contains("does not match")
        );
        assert!(e.code.is_empty());
        assert!(e.uri().contains("Keyholder"));
    }
}
