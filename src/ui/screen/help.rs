//! Help: the person's display settings and every key the window answers to, opened with F1 or
//! the header's Help.

use crate::ui::theme;
use crate::ui::widget::form::{self, BOLD};
use iced::widget::{column, container, row, text};
use iced::{Element, Fill, Length};

/// The keys, in the order a newcomer needs them. The same list is the tooltips' source.
pub const KEYS: &[(&str, &str)] = &[
    (
        "Tab / Shift+Tab",
        "Move to the next or the previous control",
    ),
    (
        "Enter or Space",
        "Press the button that has the focus, tick the box, open the drop-down",
    ),
    (
        "Left / Right",
        "Move along the tabs (Dashboard, Overview, Pupils…) when one of them has the focus",
    ),
    (
        "Up / Down",
        "Move through a list, or change the choice in a drop-down that has the focus",
    ),
    (
        "Escape",
        "Close a question, an editor or + Add Incident, and go back",
    ),
    (SAVE, "Save the page that is open"),
    (FILTER, "Go to the page's filter or search box"),
    (REMIND_ME, "Remind Me: a note to yourself on the Dashboard"),
    (LOCK, "Lock Keyholder (sign in again to carry on)"),
    (HIDE_NAMES, "Hide Names on or off"),
    (BLANK, "Blank Screen (any key or click brings it back)"),
    ("Alt+1 … Alt+9", "Open the first … ninth tab"),
    (LARGER, "Larger text (up to 150 %), also before signing in"),
    (SMALLER, "Smaller text"),
    (STANDARD_SIZE, "Text at the standard size"),
    (HELP, "Open or close this page"),
];

/// In a class editor or Change members, on the list last clicked.
pub const LIST_KEYS: &[(&str, &str)] = &[
    (
        "Up / Down, Home / End",
        "Move through the list (with Shift: select as you go)",
    ),
    ("Ctrl+A", "Select everyone the filter shows"),
    ("Enter", "Move the selected people to the other side"),
    (
        "Ctrl+Enter",
        "Move everyone the filter shows (the double arrow)",
    ),
    ("Left / Right", "Switch between the two lists"),
];

pub const SAVE: &str = "Ctrl+S";
pub const FILTER: &str = "Ctrl+F";
pub const LOCK: &str = "Ctrl+L";
pub const REMIND_ME: &str = "Ctrl+R";
pub const HIDE_NAMES: &str = "Ctrl+H";
pub const BLANK: &str = "Ctrl+B";
pub const HELP: &str = "F1";
pub const LARGER: &str = "Ctrl+Plus";
pub const SMALLER: &str = "Ctrl+Minus";
pub const STANDARD_SIZE: &str = "Ctrl+0";

fn table<'a, M: 'a>(keys: &'a [(&'a str, &'a str)]) -> Element<'a, M> {
    keys.iter()
        .fold(column![].spacing(theme::SPACE_S), |c, (key, what)| {
            c.push(
                row![
                    container(text(*key).size(theme::TEXT_BODY).font(BOLD))
                        .width(Length::Fixed(200.0)),
                    text(*what).size(theme::TEXT_BODY).width(Fill),
                ]
                .spacing(theme::SPACE_M),
            )
        })
        .into()
}

/// The help page: the person's display settings (`display`), then every key.
pub fn view<'a, M: Clone + 'a>(close: M, display: Element<'a, M>) -> Element<'a, M> {
    let card = |content: Element<'a, M>| {
        container(content)
            .padding(theme::SPACE_L)
            .max_width(900)
            .style(theme::card)
    };
    column![
        card(display),
        card(
            column![
                form::heading(
                    "Keyboard",
                    Some("Everything in Keyholder can be done without a mouse. On a Mac, use Cmd where this page says Ctrl."),
                ),
                table(KEYS),
                form::section_title("In a class editor and in Change members"),
                table(LIST_KEYS),
                form::actions(vec![], form::primary("Close", Some(close))),
            ]
            .spacing(theme::SPACE_M)
            .into()
        ),
    ]
    .spacing(theme::SPACE_M)
    .into()
}
