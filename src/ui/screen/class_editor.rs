//! Edit, from the Groups tab: who can see the pupils of one group. Nothing is saved until Save
//! Group; leaving with changes asks first.

use crate::model::dual_list::{self as lists, Names, Side, Transfer};
use crate::model::{PupilGroupId, UserId};
use crate::service::Session;
use crate::service::groups::AccessEditorData;
use crate::ui::effect::Effect;
use crate::ui::theme;
use crate::ui::widget::dual_list::{self, DualList, Labels};
use crate::ui::widget::form;
use crate::ui::widget::status::Status;
use iced::Element;
use iced::keyboard;
use iced::widget::{column, text};
use std::collections::BTreeSet;

/// The access list's two sides, in the help sheet's words.
pub const LABELS: Labels = Labels {
    headings: [
        "These users will not be able to see students in this class.",
        "These users will be able to see students in this class.",
    ],
    names: Names {
        sides: ["cannot see", "can see"],
        one: "user",
        none: "No users",
    },
    filter_hint: "Filter by name or user group",
    filters: ["class-editor-left-filter", "class-editor-right-filter"],
    lists: ["class-editor-left-list", "class-editor-right-list"],
};

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
    list: DualList<UserId>,
    seniors: BTreeSet<UserId>,
    confirming_leave: bool,
    pub status: Status,
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
        let items = lists::people(data.users.iter().map(|u| {
            (
                u.user.id,
                u.user.forename.as_str(),
                u.user.surname.as_str(),
                u.group_name.as_str(),
            )
        }));
        ClassEditor {
            group_id: data.group.id,
            title: data.group.title(),
            restricted: data.restricted,
            list: DualList::new(Transfer::new(items, data.on_list.iter().copied()), LABELS),
            seniors,
            confirming_leave: false,
            status: Status::Quiet,
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.list.transfer.is_dirty()
    }

    /// Who is on which side, as the editor shows it.
    pub fn transfer(&self) -> &Transfer<UserId> {
        &self.list.transfer
    }

    pub fn update(
        &mut self,
        message: Message,
        session: &mut Session,
        modifiers: keyboard::Modifiers,
    ) -> Action {
        match message {
            Message::Escape => return self.escape(session),
            Message::List(m) => {
                if m.moves() {
                    self.status.clear_unless_problem();
                }
                return Action::Effect(self.list.update(m, modifiers));
            }
            Message::Save => {
                let added = self.list.transfer.added().into_iter().collect();
                let removed = self.list.transfer.removed().into_iter().collect();
                match session.change_access_list(self.group_id, &added, &removed) {
                    Ok(change) => {
                        self.list.transfer.mark_saved();
                        // Someone else may have changed the list since it was opened: show it
                        // as it is now saved, theirs and these moves together.
                        if let Ok(data) = session.access_editor(self.group_id)
                            && data.on_list != self.list.transfer.right_keys()
                        {
                            *self = ClassEditor::from_data(data);
                        }
                        self.status = Status::done(dual_list::saved_notice(
                            &change.added,
                            &change.removed,
                            "removed",
                        ));
                    }
                    Err(e) => self.status = Status::problem(e),
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
        Action::Effect(self.list.key(key, modifiers))
    }

    /// Escape: back to the table, asking first if there are unsaved changes.
    fn escape(&mut self, session: &mut Session) -> Action {
        if self.confirming_leave {
            self.confirming_leave = false;
            return Action::Effect(Effect::None);
        }
        self.update(Message::Back, session, keyboard::Modifiers::default())
    }

    pub fn view(&self, list_height: f32) -> Element<'_, Message> {
        let mut c = column![form::editor_bar(
            ("Back to groups", Message::Back),
            &self.title,
            "Users",
            ("Save Group", Message::Save),
        )]
        .spacing(theme::SPACE_M);
        if !self.restricted {
            c = c.push(form::info(
                "Access is not restricted by this type at the moment, so this list does not limit anyone yet. It takes effect when you tick Restrict access?",
            ));
        }
        c = c.push(self.status.view());
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
            .filter(|id| self.list.transfer.side_of(*id) == Some(Side::Left))
            .collect();
        if !left.is_empty() {
            let names: Vec<String> = left
                .iter()
                .filter_map(|id| self.list.transfer.item(*id).map(|i| i.label.clone()))
                .collect();
            c = c.push(form::warning(format!(
                "Remember your key holders: {} {} still on the left, so cannot see this group's pupils.",
                names.join(", "),
                if names.len() == 1 { "is" } else { "are" },
            )));
        }
        c = c.push(self.list.view(list_height).map(Message::List));
        c = c.push(
            text("Click selects; Ctrl-click adds to the selection; Shift-click selects a range; double-click moves at once. The double arrows move everyone the filter shows. Arrow keys move through the list last used, Enter moves the selection, Ctrl+Enter moves everyone the filter shows, Ctrl+S saves.")
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
        );
        c.into()
    }
}
