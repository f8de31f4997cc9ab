//! Edit, from the Groups tab: who can see the pupils of one group. Nothing is saved until Save
//! Group; leaving with changes asks first.

use crate::model::transfer::{FocusMove, Item, Modifiers, Side, Transfer};
use crate::model::{PupilGroupId, UserId};
use crate::service::Session;
use crate::service::groups::AccessEditorData;
use crate::ui::effect::Effect;
use crate::ui::theme;
use crate::ui::widget::dual_list::{self, Scrolls};
use crate::ui::widget::form::{self, BOLD};
use iced::keyboard;
use iced::widget::{column, row, text};
use iced::{Element, Fill};
use std::collections::BTreeSet;

#[derive(Debug, Clone)]
pub enum Message {
    /// The Escape key: closes what is open, innermost first.
    Escape,
    List(dual_list::Message<UserId>),
    Save,
    Back,
    Discard,
    KeepEditing,
}

pub enum Action {
    /// Focus, scrolling and slow work, for the window to carry out.
    Effect(Effect<Message>),
    /// Saved or discarded: back to the table.
    Close,
}

pub struct ClassEditor {
    pub group_id: PupilGroupId,
    title: String,
    restricted: bool,
    pub transfer: Transfer<UserId>,
    seniors: BTreeSet<UserId>,
    scrolls: Scrolls,
    /// The list the keyboard works on: the last one clicked or filtered.
    active: Side,
    confirming_leave: bool,
    pub error: Option<String>,
    pub notice: Option<String>,
}

impl ClassEditor {
    pub fn open(session: &Session, group: PupilGroupId) -> crate::service::Result<ClassEditor> {
        let data = session.access_editor(group)?;
        Ok(ClassEditor::from_data(data))
    }

    fn from_data(data: AccessEditorData) -> ClassEditor {
        let seniors = data
            .users
            .iter()
            .filter(|u| u.senior_key_holder)
            .map(|u| u.user.id)
            .collect();
        let items = data
            .users
            .iter()
            .map(|u| Item {
                key: u.user.id,
                forename: u.user.forename.clone(),
                surname: u.user.surname.clone(),
                group: u.group_name.clone(),
            })
            .collect();
        ClassEditor {
            group_id: data.group.id,
            title: data.group.title(),
            restricted: data.restricted,
            transfer: Transfer::new(items, data.on_list.iter().copied()),
            seniors,
            scrolls: Scrolls::default(),
            active: Side::Left,
            confirming_leave: false,
            error: None,
            notice: None,
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.transfer.is_dirty()
    }

    /// Brings the focused row of the active list into view after a keyboard move.
    fn follow_focus(&self) -> Action {
        let side = self.active;
        let Some(key) = self.transfer.focused(side) else {
            return Action::Effect(Effect::None);
        };
        let Some(row) = self.transfer.visible(side).iter().position(|k| *k == key) else {
            return Action::Effect(Effect::None);
        };
        match self.scrolls.get(side).reveal(row, dual_list::ROW_HEIGHT) {
            Some(y) => Action::Effect(Effect::ScrollTo(dual_list::list_id(side), y)),
            None => Action::Effect(Effect::None),
        }
    }

    pub fn update(
        &mut self,
        message: Message,
        session: &mut Session,
        modifiers: keyboard::Modifiers,
    ) -> Action {
        use dual_list::Message as L;
        match message {
            Message::Escape => return self.escape(session),
            Message::List(m) => {
                self.notice = None;
                match m {
                    L::Filter(side, f) => {
                        self.active = side;
                        self.transfer.set_filter(side, &f);
                    }
                    L::Submit(side) => {
                        self.active = side;
                        if modifiers.command() {
                            // Ctrl+Enter in a filter: the double arrow.
                            self.transfer.move_visible(side);
                        } else if self.transfer.can_move_selected(side) {
                            self.transfer.move_selected(side);
                        } else {
                            self.transfer.move_focused(side);
                        }
                        self.active = side.other();
                        return self.follow_focus();
                    }
                    L::Click(side, key) => {
                        self.active = side;
                        let m = Modifiers {
                            ctrl: modifiers.command(),
                            shift: modifiers.shift(),
                        };
                        self.transfer.click(side, key, m);
                    }
                    L::DoubleClick(side, key) => {
                        self.transfer.move_one(side, key);
                        self.active = side.other();
                        return self.follow_focus();
                    }
                    L::MoveSelected(side) => {
                        self.transfer.move_selected(side);
                        self.active = side.other();
                        return self.follow_focus();
                    }
                    L::MoveVisible(side) => {
                        self.transfer.move_visible(side);
                        self.active = side.other();
                        return self.follow_focus();
                    }
                    L::Scrolled(side, s) => self.scrolls.set(side, s),
                }
            }
            Message::Save => {
                let added = self.transfer.added().into_iter().collect();
                let removed = self.transfer.removed().into_iter().collect();
                match session.change_access_list(self.group_id, &added, &removed) {
                    Ok(change) => {
                        self.transfer.mark_saved();
                        // Someone else may have changed the list since it was opened: show it
                        // as it is now saved, theirs and these moves together.
                        if let Ok(data) = session.access_editor(self.group_id)
                            && data.on_list != self.transfer.right_keys()
                        {
                            *self = ClassEditor::from_data(data);
                        }
                        self.error = None;
                        self.notice =
                            Some(if change.added.is_empty() && change.removed.is_empty() {
                                "Nothing had changed.".to_string()
                            } else {
                                let mut parts = Vec::new();
                                if !change.added.is_empty() {
                                    parts.push(format!("added {}", change.added.join(", ")));
                                }
                                if !change.removed.is_empty() {
                                    parts.push(format!("removed {}", change.removed.join(", ")));
                                }
                                format!("Saved: {}.", parts.join("; "))
                            });
                    }
                    Err(e) => self.error = Some(e.to_string()),
                }
            }
            Message::Back => {
                if self.is_dirty() {
                    self.confirming_leave = true;
                } else {
                    return Action::Close;
                }
            }
            Message::Discard => return Action::Close,
            Message::KeepEditing => self.confirming_leave = false,
        }
        Action::Effect(Effect::None)
    }

    /// Arrow keys, Home/End, Enter and Ctrl+A work on the list last used.
    pub fn key(&mut self, key: &keyboard::Key, modifiers: keyboard::Modifiers) -> Action {
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
            keyboard::Key::Named(Named::Enter) => {
                if self.transfer.can_move_selected(side) {
                    self.transfer.move_selected(side);
                } else {
                    self.transfer.move_focused(side);
                }
                self.active = side.other();
                self.follow_focus()
            }
            keyboard::Key::Named(Named::ArrowRight) if modifiers.is_empty() => {
                self.active = Side::Right;
                Action::Effect(Effect::None)
            }
            keyboard::Key::Named(Named::ArrowLeft) if modifiers.is_empty() => {
                self.active = Side::Left;
                Action::Effect(Effect::None)
            }
            keyboard::Key::Character(c) if c.as_str() == "a" && modifiers.command() => {
                self.transfer.select_all_visible(side);
                Action::Effect(Effect::None)
            }
            _ => Action::Effect(Effect::None),
        }
    }

    /// Escape: back to the table, asking first if there are unsaved changes.
    fn escape(&mut self, session: &mut Session) -> Action {
        if self.confirming_leave {
            self.confirming_leave = false;
            return Action::Effect(Effect::None);
        }
        self.update(Message::Back, session, keyboard::Modifiers::default())
    }

    pub fn view(&self) -> Element<'_, Message> {
        let mut c = column![
            row![
                form::secondary("Back to groups", Some(Message::Back)),
                column![
                    text(self.title.as_str()).size(theme::TEXT_TITLE).font(BOLD),
                    text("Users").size(theme::TEXT_BODY).color(theme::MUTED),
                ],
                iced::widget::space().width(Fill),
                form::primary("Save Group", Some(Message::Save)),
            ]
            .spacing(theme::SPACE_L)
            .align_y(iced::Center),
        ]
        .spacing(theme::SPACE_M);
        if !self.restricted {
            c = c.push(form::info(
                "Access is not restricted by this type at the moment, so this list does not limit anyone yet. It takes effect when you tick Restrict access?",
            ));
        }
        if let Some(n) = &self.notice {
            c = c.push(form::success(n.as_str()));
        }
        if let Some(e) = &self.error {
            c = c.push(form::error(e.as_str()));
        }
        if self.confirming_leave {
            c = c.push(form::question(
                "You have changed who can see this group and not saved it. Discard the changes?",
                ("Keep editing", Message::KeepEditing),
                ("Discard changes", Message::Discard),
            ));
        }
        let left: BTreeSet<UserId> = self
            .seniors
            .iter()
            .copied()
            .filter(|id| self.transfer.side_of(*id) == Some(Side::Left))
            .collect();
        if !left.is_empty() {
            let names: Vec<String> = left
                .iter()
                .filter_map(|id| self.transfer.item(*id).map(|i| i.label()))
                .collect();
            c = c.push(form::warning(format!(
                "Remember your key holders: {} {} still on the left, so cannot see this group's pupils.",
                names.join(", "),
                if names.len() == 1 { "is" } else { "are" },
            )));
        }
        c = c.push(dual_list::view(&self.transfer, self.scrolls, 360.0).map(Message::List));
        c = c.push(
            text("Click selects; Ctrl-click adds to the selection; Shift-click selects a range; double-click moves at once. The double arrows move everyone the filter shows. Arrow keys move through the list last used, Enter moves the selection, Ctrl+Enter moves everyone the filter shows, Ctrl+S saves.")
                .size(theme::TEXT_SMALL)
                .color(theme::MUTED),
        );
        c.into()
    }
}
