//! Showing a new recovery code, once, and not moving on until the person says it is stored.

use crate::ui::theme;
use crate::ui::widget::focus::focusable;
use crate::ui::widget::form::{self, MONO};
use iced::widget::{checkbox, column, container, text};
use iced::{Element, Fill};

pub struct RecoveryCodeView<'a> {
    pub code: &'a str,
    pub stored: bool,
}

impl<'a> RecoveryCodeView<'a> {
    pub fn view<M: Clone + 'a>(self, on_toggle: fn(bool) -> M, on_continue: M) -> Element<'a, M> {
        column![
            form::heading(
                "Your recovery code",
                Some("This code opens the school's file if every administrator password is lost. It is shown only this once."),
            ),
            container(text(self.code).font(MONO).size(theme::TEXT_TITLE))
                .padding(theme::SPACE_M)
                .center_x(Fill)
                .style(theme::secret_box),
            form::warning(
                "Write it down or print this screen now, and keep it locked away from this computer (for example in the school safe). Anyone with this code and a copy of the school's files can open them. Keyholder cannot show it again.",
            ),
            focusable(checkbox(self.stored)
                .label("I have stored the recovery code somewhere safe")
                .on_toggle(on_toggle)
                .size(20)
                .text_size(theme::TEXT_BODY)),
            form::actions(
                vec![],
                form::primary("Continue", self.stored.then_some(on_continue)),
            ),
        ]
        .spacing(theme::SPACE_M)
        .into()
    }
}
