//! The display settings: the high-contrast theme and the text size, remembered per person.

use crate::model::display::{Display, TextSize};
use crate::ui::screen::help;
use crate::ui::theme;
use crate::ui::widget::form;
use iced::widget::{column, row, text};
use iced::{Element, Fill, Length};

pub fn view<'a, M: Clone + 'a>(now: Display, change: impl Fn(Display) -> M) -> Element<'a, M> {
    let themes = form::choice_list(
        [
            ("Standard".to_string(), !now.high_contrast),
            (
                "High contrast: black on white, heavier lines".to_string(),
                now.high_contrast,
            ),
        ],
        |i| {
            change(Display {
                high_contrast: i == 1,
                ..now
            })
        },
    );
    let sizes = form::choice_list(
        TextSize::ALL.map(|t| (t.to_string(), t == now.text_size)),
        |i| {
            change(Display {
                text_size: TextSize::ALL[i],
                ..now
            })
        },
    );
    column![
        form::heading(
            "Display",
            Some("How Keyholder looks for you. It is remembered for your next sign-in on this school."),
        ),
        row![
            column![form::section_title("Theme"), themes]
                .spacing(theme::SPACE_S)
                .width(Length::FillPortion(3)),
            column![
                form::section_title("Text size"),
                sizes
            ]
            .spacing(theme::SPACE_S)
            .width(Length::FillPortion(2)),
        ]
        .spacing(theme::SPACE_L)
        .width(Fill),
        text(format!(
            "Anywhere in Keyholder, {} makes the text larger, {} smaller and {} standard. When the text is larger, pages scroll to show all they hold.",
            help::LARGER,
            help::SMALLER,
            help::STANDARD_SIZE
        ))
        .size(theme::TEXT_SMALL)
        .style(theme::muted),
    ]
    .spacing(theme::SPACE_M)
    .into()
}
