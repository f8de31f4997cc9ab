//! The dark bar across the top of the main window, as in the help sheets' header: the school,
//! + Add Incident, Remind Me, Hide Names and Blank Screen, who is signed in, and Lock.

use crate::ui::theme;
use crate::ui::widget::form::BOLD;
use iced::widget::{button, container, row, text};
use iced::{Element, Fill};

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
    ) -> Element<'a, M> {
        let small = |label: &'a str, on: bool, msg: M| {
            button(text(label).size(theme::TEXT_SMALL))
                .padding([theme::SPACE_XS + 2.0, theme::SPACE_S + 4.0])
                .style(theme::header_button(on))
                .on_press(msg)
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
            button(text("+ Add Incident").size(theme::TEXT_SMALL).font(BOLD))
                .padding([theme::SPACE_XS + 2.0, theme::SPACE_S + 4.0])
                .style(theme::primary_button)
                .on_press(m)
        });
        container(
            row![school, iced::widget::space().width(Fill),]
                .push(add)
                .push(
                    row![
                        small("Remind Me", false, on_remind_me),
                        small(
                            if self.hide_names {
                                "Hide Names: on"
                            } else {
                                "Hide Names"
                            },
                            self.hide_names,
                            on_hide_names
                        ),
                        small("Blank Screen", false, on_blank),
                        text(format!("{} ({})", self.user, self.group)).size(theme::TEXT_SMALL),
                        small("Lock", false, on_lock),
                    ]
                    .spacing(theme::SPACE_M)
                    .align_y(iced::Center),
                )
                .spacing(theme::SPACE_M)
                .align_y(iced::Center),
        )
        .padding([theme::SPACE_S + 2.0, theme::SPACE_L])
        .width(Fill)
        .style(theme::header_bar)
        .into()
    }
}
