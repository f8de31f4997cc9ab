//! The dual-list editor: "cannot see" on the left, "can see" on the right, a filter and a count
//! on each side, and arrows between them. It draws a `model::transfer::Transfer` and reports what
//! the person did; all the rules live in the model.

use crate::model::transfer::{Side, Transfer};
use crate::ui::theme;
use crate::ui::widget::form::BOLD;
use crate::ui::widget::virtual_list::{self, Scroll};
use iced::widget::{button, column, container, mouse_area, row, text, text_input, tooltip};
use iced::{Background, Border, Element, Fill, Length, Theme};
use std::fmt::Debug;
use std::hash::Hash;

pub const LEFT_FILTER: &str = "dual-left-filter";
pub const RIGHT_FILTER: &str = "dual-right-filter";
pub const LEFT_LIST: &str = "dual-left-list";
pub const RIGHT_LIST: &str = "dual-right-list";
pub const ROW_HEIGHT: f32 = 30.0;

pub fn filter_id(side: Side) -> &'static str {
    match side {
        Side::Left => LEFT_FILTER,
        Side::Right => RIGHT_FILTER,
    }
}

pub fn list_id(side: Side) -> &'static str {
    match side {
        Side::Left => LEFT_LIST,
        Side::Right => RIGHT_LIST,
    }
}

#[derive(Debug, Clone)]
pub enum Message<K> {
    Filter(Side, String),
    /// Enter in a side's filter: move what is selected (or focused) there.
    Submit(Side),
    Click(Side, K),
    DoubleClick(Side, K),
    MoveSelected(Side),
    MoveVisible(Side),
    Scrolled(Side, Scroll),
}

/// How each list is scrolled; kept by the screen next to its `Transfer`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scrolls {
    pub left: Scroll,
    pub right: Scroll,
}

impl Scrolls {
    pub fn get(&self, side: Side) -> Scroll {
        match side {
            Side::Left => self.left,
            Side::Right => self.right,
        }
    }

    pub fn set(&mut self, side: Side, s: Scroll) {
        match side {
            Side::Left => self.left = s,
            Side::Right => self.right = s,
        }
    }
}

fn row_style(selected: bool, focused: bool) -> impl Fn(&Theme) -> container::Style {
    move |_| container::Style {
        background: selected.then_some(Background::Color(theme::INFO_BG)),
        border: Border {
            color: if focused {
                theme::PRIMARY
            } else {
                iced::Color::TRANSPARENT
            },
            width: if focused { 1.5 } else { 0.0 },
            radius: 4.0.into(),
        },
        text_color: Some(if selected {
            theme::PRIMARY
        } else {
            theme::TEXT
        }),
        ..container::Style::default()
    }
}

fn arrow<'a, K: Clone + 'a>(
    label: &'a str,
    tip: String,
    msg: Option<Message<K>>,
) -> Element<'a, Message<K>> {
    tooltip(
        button(text(label).size(theme::TEXT_LARGE).center().width(Fill))
            .width(Length::Fixed(48.0))
            .padding([theme::SPACE_XS, theme::SPACE_S])
            .style(theme::secondary_button)
            .on_press_maybe(msg),
        container(text(tip).size(theme::TEXT_SMALL))
            .padding(theme::SPACE_XS)
            .style(theme::card),
        tooltip::Position::Right,
    )
    .into()
}

fn side_view<'a, K>(
    t: &'a Transfer<K>,
    side: Side,
    scroll: Scroll,
    list_height: f32,
) -> Element<'a, Message<K>>
where
    K: Copy + Ord + Hash + Debug + Send + 'static,
{
    let keys = t.visible(side);
    let focused = t.focused(side);
    let list: Element<'a, Message<K>> = if t.total(side) == 0 {
        container(text("No users").size(theme::TEXT_BODY).color(theme::MUTED))
            .padding(theme::SPACE_S)
            .into()
    } else if keys.is_empty() {
        container(
            text("No one matches the filter.")
                .size(theme::TEXT_BODY)
                .color(theme::MUTED),
        )
        .padding(theme::SPACE_S)
        .into()
    } else {
        virtual_list::view(
            list_id(side),
            keys.len(),
            ROW_HEIGHT,
            scroll,
            move |i| {
                let key = keys[i];
                let label = t.item(key).map(|it| it.label()).unwrap_or_default();
                let selected = t.is_selected(side, key);
                mouse_area(
                    container(
                        text(label)
                            .size(theme::TEXT_BODY)
                            .wrapping(text::Wrapping::None),
                    )
                    .padding([theme::SPACE_XS + 1.0, theme::SPACE_S])
                    .width(Fill)
                    .height(Fill)
                    .clip(true)
                    .style(row_style(selected, focused == Some(key))),
                )
                .on_press(Message::Click(side, key))
                .on_double_click(Message::DoubleClick(side, key))
                .into()
            },
            move |v| Message::Scrolled(side, Scroll::from_viewport(&v)),
        )
    };
    container(
        column![
            text(side.heading()).size(theme::TEXT_BODY).font(BOLD),
            text(t.count_text(side))
                .size(theme::TEXT_SMALL)
                .color(theme::MUTED),
            text_input("Filter by name or user group", t.filter(side))
                .id(filter_id(side))
                .on_input(move |s| Message::Filter(side, s))
                .on_submit(Message::Submit(side))
                .padding(theme::SPACE_S)
                .style(theme::input),
            container(list)
                .height(Length::Fixed(list_height))
                .width(Fill)
                .style(theme::card),
        ]
        .spacing(theme::SPACE_S),
    )
    .width(Length::FillPortion(1))
    .into()
}

/// The whole editor body: both lists and the arrows between them.
pub fn view<'a, K>(
    t: &'a Transfer<K>,
    scrolls: Scrolls,
    list_height: f32,
) -> Element<'a, Message<K>>
where
    K: Copy + Ord + Hash + Debug + Send + 'static,
{
    let arrows = column![
        arrow(
            "→",
            t.move_selected_tooltip(Side::Left),
            t.can_move_selected(Side::Left)
                .then_some(Message::MoveSelected(Side::Left))
        ),
        arrow(
            "»",
            t.move_visible_tooltip(Side::Left),
            t.can_move_visible(Side::Left)
                .then_some(Message::MoveVisible(Side::Left))
        ),
        iced::widget::space().height(Length::Fixed(theme::SPACE_L)),
        arrow(
            "←",
            t.move_selected_tooltip(Side::Right),
            t.can_move_selected(Side::Right)
                .then_some(Message::MoveSelected(Side::Right))
        ),
        arrow(
            "«",
            t.move_visible_tooltip(Side::Right),
            t.can_move_visible(Side::Right)
                .then_some(Message::MoveVisible(Side::Right))
        ),
    ]
    .spacing(theme::SPACE_S)
    .align_x(iced::Center);
    row![
        side_view(t, Side::Left, scrolls.left, list_height),
        container(arrows).center_y(Length::Fixed(list_height + 90.0)),
        side_view(t, Side::Right, scrolls.right, list_height),
    ]
    .spacing(theme::SPACE_M)
    .into()
}
