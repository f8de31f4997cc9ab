//! The dark bar across the top of the main window, as in the help sheets' header: the school,
//! + Add Incident, Remind Me, Hide Names and Blank Screen, who is signed in, and Lock.

use crate::ui::screen::help;
use crate::ui::theme;
use crate::ui::widget::focus::focusable;
use crate::ui::widget::form::BOLD;
use iced::widget::{button, container, row, text, tooltip};
use iced::{Element, Fill, Length};

pub struct Header<'a> {
    pub school: String,
    pub is_demo: bool,
    pub user: String,
    pub group: &'a str,
    pub hide_names: bool,
}

impl<'a> Header<'a> {
    /// `on_add_incident` is `None` for users who may not record concerns.
    pub fn view<M: Clone + 'a>(
        self,
        on_add_incident: Option<M>,
        on_remind_me: M,
        on_hide_names: M,
        on_blank: M,
        on_lock: M,
        on_help: M,
    ) -> Element<'a, M> {
        // A fixed width, so switching Hide Names on does not shift the buttons beside it.
        let small = |label: &'a str, on: bool, msg: M, width: f32, keys: &'a str| {
            with_keys(
                focusable(
                    button(text(label).size(theme::TEXT_SMALL).center().width(Fill))
                        .padding([theme::SPACE_XS + 2.0, theme::SPACE_S])
                        .width(Length::Fixed(width))
                        .style(theme::header_button(on))
                        .on_press(msg),
                ),
                keys,
            )
        };
        let mut school = row![text(self.school).size(theme::TEXT_LARGE).font(BOLD)]
            .spacing(theme::SPACE_S)
            .align_y(iced::Center);
        if self.is_demo {
            school = school.push(
                container(text("DEMO").size(theme::TEXT_SMALL).font(BOLD))
                    .padding([2.0, theme::SPACE_S])
                    .style(theme::warning_banner),
            );
        }
        let add = on_add_incident.map(|m| {
            focusable(
                button(text("+ Add Incident").size(theme::TEXT_SMALL).font(BOLD))
                    .padding([theme::SPACE_XS + 2.0, theme::SPACE_S + 4.0])
                    .style(theme::primary_button)
                    .on_press(m),
            )
        });
        // The controls wrap onto a second line (right-aligned) when the window is narrow or the
        // text is large, instead of running off the edge.
        let controls = row![]
            .push(add)
            .push(small(
                "Remind Me",
                false,
                on_remind_me,
                100.0,
                help::REMIND_ME,
            ))
            .push(small(
                if self.hide_names {
                    "Hide Names: on"
                } else {
                    "Hide Names"
                },
                self.hide_names,
                on_hide_names,
                120.0,
                help::HIDE_NAMES,
            ))
            .push(small("Blank Screen", false, on_blank, 110.0, help::BLANK))
            .push(
                container(text(format!("{} ({})", self.user, self.group)).size(theme::TEXT_SMALL))
                    .padding([theme::SPACE_XS + 2.0, 0.0]),
            )
            .push(small("Help", false, on_help, 60.0, help::HELP))
            .push(small("Lock", false, on_lock, 70.0, help::LOCK))
            .spacing(theme::SPACE_M)
            .align_y(iced::Center)
            .wrap()
            .vertical_spacing(theme::SPACE_S)
            .align_x(iced::alignment::Horizontal::Right);
        container(
            row![
                school,
                container(controls)
                    .width(Fill)
                    .align_x(iced::alignment::Horizontal::Right)
            ]
            .spacing(theme::SPACE_M)
            .align_y(iced::Center),
        )
        .padding([theme::SPACE_S + 2.0, theme::SPACE_L])
        .width(Fill)
        .style(theme::header_bar)
        .into()
    }
}

/// A control with its keyboard shortcut shown when the pointer rests on it.
pub fn with_keys<'a, M: 'a>(control: impl Into<Element<'a, M>>, keys: &'a str) -> Element<'a, M> {
    tooltip(
        control,
        container(text(keys).size(theme::TEXT_SMALL))
            .padding([theme::SPACE_XS, theme::SPACE_S])
            .style(theme::card),
        tooltip::Position::Bottom,
    )
    .into()
}
