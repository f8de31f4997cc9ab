//! The first screen when this computer has no school yet.

use crate::ui::theme;
use crate::ui::widget::form::{self, BOLD};
use crate::ui::widget::status::Status;
use iced::widget::{column, container, row, text};
use iced::{Element, Fill, Length};

/// What the welcome screen asks of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    StartSetup,
    OpenDemo,
    StartRestore,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    SetUp,
    Demo,
    Restore,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Welcome {
    /// Where a new school would be created, shown so IT staff know what to back up.
    pub school_file: String,
    pub status: Status,
}

impl Welcome {
    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::SetUp => Action::StartSetup,
            Message::Demo => Action::OpenDemo,
            Message::Restore => Action::StartRestore,
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let choice =
            |title: &'static str, body: &'static str, button: Element<'static, Message>| {
                container(
                    column![
                        text(title).size(theme::TEXT_LARGE).font(BOLD),
                        text(body).size(theme::TEXT_BODY).style(theme::muted),
                        iced::widget::space().height(Fill),
                        button,
                    ]
                    .spacing(theme::SPACE_S),
                )
                .padding(theme::SPACE_L)
                .width(Fill)
                .height(Length::Fixed(230.0))
                .style(theme::card)
            };
        let content = column![form::heading(
            "Welcome to Keyholder",
            Some("Keyholder keeps your school's safeguarding access records on this computer, in one encrypted file. It never needs the internet."),
        )]
        .spacing(theme::SPACE_L)
        .push(self.status.view())
        .push(column![
            row![
                choice(
                    "Starting with Keyholder",
                    "Create your school's encrypted file and its first administrator. Have an authenticator app (Microsoft Authenticator, Google Authenticator or similar) ready on your phone.",
                    form::primary("Set up a new school", Some(Message::SetUp)),
                ),
                choice(
                    "Just looking?",
                    "Try Keyholder on Millbrook Primary, a made-up school with pupils, staff and class groups. Nothing you do there touches a real school's records.",
                    form::secondary("Explore the demo school", Some(Message::Demo)),
                ),
            ]
            .spacing(theme::SPACE_M),
            row![
                text("Moving to this computer, or replacing a broken one?")
                    .size(theme::TEXT_BODY)
                    .style(theme::muted),
                form::link("Restore from a backup", Message::Restore),
            ]
            .spacing(theme::SPACE_S),
            text(format!("A new school will be saved in {}", self.school_file))
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
        ]
        .spacing(theme::SPACE_L));
        form::page(content, 760.0)
    }
}
