//! The dual list: two lists with a filter and a count on each side, and arrows between them
//! (the class editor's "cannot see" and "can see"). [`DualList`] holds a
//! `model::dual_list::Transfer` with the screen's wording and widget ids, handles clicks, keys and
//! moves in its own `update`, and draws it; the selection and moving rules live in the model.

use crate::model::dual_list::{FocusMove, Modifiers, Names, Side, Transfer};
use crate::ui::effect::Effect;
use crate::ui::theme;
use crate::ui::widget::form::{self, BOLD};
use crate::ui::widget::virtual_list::{self, Scroll};
use iced::keyboard;
use iced::widget::{button, column, container, mouse_area, row, text, text_input, tooltip};
use iced::{Background, Border, Element, Fill, Length, Theme};
use std::fmt::Debug;
use std::hash::Hash;

pub const ROW_HEIGHT: f32 = 30.0;

/// What one dual list is called and where its parts are. Each dual list on a screen has its own
/// ids, so two never clash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Labels {
    /// The sentence above each list, left then right.
    pub headings: [&'static str; 2],
    /// What the counts and the arrows' tooltips call the sides and the items.
    pub names: Names,
    /// The filter boxes' placeholder.
    pub filter_hint: &'static str,
    /// The filter boxes' ids, left then right.
    pub filters: [&'static str; 2],
    /// The lists' ids, left then right.
    pub lists: [&'static str; 2],
}

impl Labels {
    pub fn filter_id(&self, side: Side) -> &'static str {
        self.filters[index(side)]
    }

    pub fn list_id(&self, side: Side) -> &'static str {
        self.lists[index(side)]
    }
}

fn index(side: Side) -> usize {
    match side {
        Side::Left => 0,
        Side::Right => 1,
    }
}

/// A dual list's whole state: its items, how each list is scrolled, and which list the keyboard
/// works on.
#[derive(Debug, Clone)]
pub struct DualList<K> {
    pub transfer: Transfer<K>,
    labels: Labels,
    scrolls: Scrolls,
    /// The list the keyboard works on: the last one clicked or filtered.
    active: Side,
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

impl<K> Message<K> {
    /// Whether this moves people from one side to the other: the next real step after a save,
    /// which is when the page's "Saved" message goes. Filtering, selecting and scrolling are not.
    pub fn moves(&self) -> bool {
        matches!(
            self,
            Message::Submit(_)
                | Message::DoubleClick(..)
                | Message::MoveSelected(_)
                | Message::MoveVisible(_)
        )
    }
}

/// What a save of the moves did, for the page's notice: "Saved: added A, B; removed C." (with
/// the screen's word for taking out), or "Nothing had changed."
pub fn saved_notice(added: &[String], removed: &[String], removed_word: &str) -> String {
    if added.is_empty() && removed.is_empty() {
        return "Nothing had changed.".to_string();
    }
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("added {}", added.join(", ")));
    }
    if !removed.is_empty() {
        parts.push(format!("{removed_word} {}", removed.join(", ")));
    }
    format!("Saved: {}.", parts.join("; "))
}

/// How each list is scrolled.
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
    move |t| {
        let p = theme::palette(t);
        container::Style {
            background: selected.then_some(Background::Color(p.selected_bg)),
            border: Border {
                color: if focused {
                    p.primary
                } else {
                    iced::Color::TRANSPARENT
                },
                width: if focused { 1.5 } else { 0.0 },
                radius: 4.0.into(),
            },
            text_color: Some(if selected { p.selected_text } else { p.text }),
            ..container::Style::default()
        }
    }
}

fn arrow<'a, K: Clone + 'a>(
    label: &'a str,
    tip: String,
    msg: Option<Message<K>>,
) -> Element<'a, Message<K>> {
    tooltip(
        form::focusable_button(
            button(text(label).size(theme::TEXT_LARGE).center().width(Fill))
                .width(Length::Fixed(48.0))
                .padding([theme::SPACE_XS, theme::SPACE_S])
                .style(theme::secondary_button),
            msg,
        ),
        container(text(tip).size(theme::TEXT_SMALL))
            .padding(theme::SPACE_XS)
            .style(theme::card),
        tooltip::Position::Right,
    )
    .into()
}

fn side_view<'a, K>(
    t: &'a Transfer<K>,
    labels: &'a Labels,
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
        container(
            text(labels.names.none)
                .size(theme::TEXT_BODY)
                .style(theme::muted),
        )
        .padding(theme::SPACE_S)
        .into()
    } else if keys.is_empty() {
        container(
            text("No one matches the filter.")
                .size(theme::TEXT_BODY)
                .style(theme::muted),
        )
        .padding(theme::SPACE_S)
        .into()
    } else {
        virtual_list::view(
            labels.list_id(side),
            keys.len(),
            ROW_HEIGHT,
            scroll,
            move |i| {
                let key = keys[i];
                let label = t.item(key).map(|it| it.label.as_str()).unwrap_or_default();
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
            text(labels.headings[index(side)])
                .size(theme::TEXT_BODY)
                .font(BOLD),
            text(t.count_text(side, &labels.names))
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
            text_input(labels.filter_hint, t.filter(side))
                .id(labels.filter_id(side))
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

impl<K> DualList<K>
where
    K: Copy + Ord + Hash + Debug + Send + 'static,
{
    pub fn new(transfer: Transfer<K>, labels: Labels) -> DualList<K> {
        DualList {
            transfer,
            labels,
            scrolls: Scrolls::default(),
            active: Side::Left,
        }
    }

    pub fn labels(&self) -> &Labels {
        &self.labels
    }

    /// Brings the focused row of the active list into view after a keyboard move.
    fn follow_focus<M>(&self) -> Effect<M> {
        let side = self.active;
        let Some(key) = self.transfer.focused(side) else {
            return Effect::None;
        };
        let Some(row) = self.transfer.visible(side).iter().position(|k| *k == key) else {
            return Effect::None;
        };
        match self.scrolls.get(side).reveal(row, ROW_HEIGHT) {
            Some(y) => Effect::ScrollTo(self.labels.list_id(side), y),
            None => Effect::None,
        }
    }

    /// Moves what is selected on `side` (or, with nothing selected, the focused row) across;
    /// the keyboard follows them.
    fn move_from<M>(&mut self, side: Side) -> Effect<M> {
        if self.transfer.can_move_selected(side) {
            self.transfer.move_selected(side);
        } else {
            self.transfer.move_focused(side);
        }
        self.active = side.other();
        self.follow_focus()
    }

    /// A click, a filter, an arrow. `modifiers` are the keys held (Ctrl or Cmd, Shift).
    pub fn update<M>(&mut self, message: Message<K>, modifiers: keyboard::Modifiers) -> Effect<M> {
        match message {
            Message::Filter(side, f) => {
                self.active = side;
                self.transfer.set_filter(side, &f);
            }
            Message::Submit(side) => {
                self.active = side;
                if modifiers.command() {
                    // Ctrl+Enter in a filter: the double arrow.
                    self.transfer.move_visible(side);
                    self.active = side.other();
                    return self.follow_focus();
                }
                return self.move_from(side);
            }
            Message::Click(side, key) => {
                self.active = side;
                let m = Modifiers {
                    ctrl: modifiers.command(),
                    shift: modifiers.shift(),
                };
                self.transfer.click(side, key, m);
            }
            Message::DoubleClick(side, key) => {
                self.transfer.move_one(side, key);
                self.active = side.other();
                return self.follow_focus();
            }
            Message::MoveSelected(side) => {
                self.transfer.move_selected(side);
                self.active = side.other();
                return self.follow_focus();
            }
            Message::MoveVisible(side) => {
                self.transfer.move_visible(side);
                self.active = side.other();
                return self.follow_focus();
            }
            Message::Scrolled(side, s) => self.scrolls.set(side, s),
        }
        Effect::None
    }

    /// Arrow keys, Home/End, Enter and Ctrl+A work on the list last used.
    pub fn key<M>(&mut self, key: &keyboard::Key, modifiers: keyboard::Modifiers) -> Effect<M> {
        use keyboard::key::Named;
        let side = self.active;
        let step = match key {
            keyboard::Key::Named(Named::ArrowUp) => Some(FocusMove::Up),
            keyboard::Key::Named(Named::ArrowDown) => Some(FocusMove::Down),
            keyboard::Key::Named(Named::Home) => Some(FocusMove::Home),
            keyboard::Key::Named(Named::End) => Some(FocusMove::End),
            _ => None,
        };
        if let Some(step) = step {
            self.transfer.focus_step(side, step, modifiers.shift());
            return self.follow_focus();
        }
        match key {
            // Ctrl+Enter (Cmd+Enter): the double arrow, everyone the active side's filter shows.
            keyboard::Key::Named(Named::Enter) if modifiers.command() => {
                if self.transfer.can_move_visible(side) {
                    self.transfer.move_visible(side);
                    self.active = side.other();
                }
                self.follow_focus()
            }
            keyboard::Key::Named(Named::Enter) => self.move_from(side),
            keyboard::Key::Named(Named::ArrowRight) if modifiers.is_empty() => {
                self.active = Side::Right;
                Effect::None
            }
            keyboard::Key::Named(Named::ArrowLeft) if modifiers.is_empty() => {
                self.active = Side::Left;
                Effect::None
            }
            keyboard::Key::Character(c) if c.as_str() == "a" && modifiers.command() => {
                self.transfer.select_all_visible(side);
                Effect::None
            }
            _ => Effect::None,
        }
    }

    /// Both lists and the arrows between them; each list `list_height` tall.
    pub fn view(&self, list_height: f32) -> Element<'_, Message<K>> {
        let (t, names) = (&self.transfer, &self.labels.names);
        let arrows = column![
            arrow(
                "→",
                t.move_selected_tooltip(Side::Left, names),
                t.can_move_selected(Side::Left)
                    .then_some(Message::MoveSelected(Side::Left))
            ),
            arrow(
                "»",
                t.move_visible_tooltip(Side::Left, names),
                t.can_move_visible(Side::Left)
                    .then_some(Message::MoveVisible(Side::Left))
            ),
            iced::widget::space().height(Length::Fixed(theme::SPACE_L)),
            arrow(
                "←",
                t.move_selected_tooltip(Side::Right, names),
                t.can_move_selected(Side::Right)
                    .then_some(Message::MoveSelected(Side::Right))
            ),
            arrow(
                "«",
                t.move_visible_tooltip(Side::Right, names),
                t.can_move_visible(Side::Right)
                    .then_some(Message::MoveVisible(Side::Right))
            ),
        ]
        .spacing(theme::SPACE_S)
        .align_x(iced::Center);
        row![
            side_view(t, &self.labels, Side::Left, self.scrolls.left, list_height),
            container(arrows).center_y(Length::Fixed(list_height + 90.0)),
            side_view(
                t,
                &self.labels,
                Side::Right,
                self.scrolls.right,
                list_height
            ),
        ]
        .spacing(theme::SPACE_M)
        .into()
    }
}
