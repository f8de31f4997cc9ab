//! Admin > Users > a user group > Change members: the group's members on the right, everyone
//! else on the left, with the same filters, arrows and keys as the class editor. Staff taken out
//! of the group go to the user group chosen below the lists. Nothing is saved until Save Members.

use super::users::GroupChoice;
use crate::model::dual_list::{self as lists, Names, Transfer};
use crate::model::{UserGroupId, UserId};
use crate::service::Session;
use crate::ui::effect::Effect;
use crate::ui::theme;
use crate::ui::widget::dual_list::{self, DualList, Labels};
use crate::ui::widget::form;
use crate::ui::widget::status::Status;
use iced::Element;
use iced::keyboard;
use iced::widget::{column, row, text};

pub const LABELS: Labels = Labels {
    headings: ["Everyone else", "Members"],
    names: Names {
        sides: ["everyone else", "members"],
        one: "user",
        none: "No users",
    },
    filter_hint: "Filter by name or user group",
    filters: ["members-left-filter", "members-right-filter"],
    lists: ["members-left-list", "members-right-list"],
};

#[derive(Debug, Clone)]
pub enum Message {
    List(dual_list::Message<UserId>),
    RemovedTo(GroupChoice),
    Save,
    Back,
}

pub enum Action {
    /// Focus, scrolling and slow work, for the window to carry out.
    Effect(Effect<Message>),
    /// Back to the user group; `changed` when staff moved, so the lists behind reload.
    Close { changed: bool },
}

pub struct Members {
    group: UserGroupId,
    name: String,
    list: DualList<UserId>,
    others: Vec<GroupChoice>,
    removed_to: Option<GroupChoice>,
    changed: bool,
    pub status: Status,
}

impl Members {
    pub fn open(session: &Session, group: UserGroupId) -> crate::service::Result<Members> {
        let m = session.membership(group)?;
        let items = lists::people(
            m.staff
                .iter()
                .map(|(u, g)| (u.id, u.forename.as_str(), u.surname.as_str(), g.as_str())),
        );
        Ok(Members {
            group,
            name: m.group.name.clone(),
            list: DualList::new(Transfer::new(items, m.members.iter().copied()), LABELS),
            others: m
                .other_groups
                .iter()
                .map(|g| GroupChoice {
                    id: g.id,
                    name: g.name.clone(),
                })
                .collect(),
            removed_to: None,
            changed: false,
            status: Status::Quiet,
        })
    }

    /// Who is on which side, as the page shows it.
    pub fn transfer(&self) -> &Transfer<UserId> {
        &self.list.transfer
    }

    pub fn is_dirty(&self) -> bool {
        self.list.transfer.is_dirty()
    }

    pub fn update(
        &mut self,
        message: Message,
        session: &mut Session,
        modifiers: keyboard::Modifiers,
    ) -> Action {
        match message {
            Message::List(m) => {
                if m.moves() {
                    self.status.clear_unless_problem();
                }
                return Action::Effect(self.list.update(m, modifiers));
            }
            Message::RemovedTo(g) => self.removed_to = Some(g),
            Message::Save => {
                let added = self.list.transfer.added().into_iter().collect();
                let removed = self.list.transfer.removed().into_iter().collect();
                let to = self.removed_to.as_ref().map(|g| g.id);
                match session.change_members(self.group, &added, &removed, to) {
                    Ok(change) => {
                        self.changed |= !(change.added.is_empty() && change.removed.is_empty());
                        if let Ok(fresh) = Members::open(session, self.group) {
                            let (changed, removed_to) = (self.changed, self.removed_to.take());
                            *self = fresh;
                            self.changed = changed;
                            self.removed_to = removed_to;
                        }
                        self.status = Status::done(dual_list::saved_notice(
                            &change.added,
                            &change.removed,
                            "moved out",
                        ));
                    }
                    Err(e) => self.status = Status::problem(e),
                }
            }
            Message::Back => {
                return Action::Close {
                    changed: self.changed,
                };
            }
        }
        Action::Effect(Effect::None)
    }

    /// Arrow keys, Home/End, Enter and Ctrl+A work on the list last used.
    pub fn key(&mut self, key: &keyboard::Key, modifiers: keyboard::Modifiers) -> Action {
        Action::Effect(self.list.key(key, modifiers))
    }

    pub fn view(&self, list_height: f32) -> Element<'_, Message> {
        let mut c = column![form::editor_bar(
            ("Back to the user group", Message::Back),
            &self.name,
            "Members",
            ("Save Members", Message::Save),
        )]
        .spacing(theme::SPACE_M);
        c = c.push(self.status.view());
        c = c.push(self.list.view(list_height).map(Message::List));
        c = c.push(
            row![
                text("Staff taken out of this group go to:").size(theme::TEXT_BODY),
                form::drop_down(
                    self.others.clone(),
                    self.removed_to.clone(),
                    Message::RemovedTo,
                    "Choose a user group",
                    iced::Length::Shrink,
                ),
            ]
            .spacing(theme::SPACE_M)
            .align_y(iced::Center),
        );
        c = c.push(
            text("Moving someone to Members moves them out of their own user group; everyone is in exactly one. Click, Ctrl-click and Shift-click select; double-click, Enter and the arrows move; the double arrows move everyone the filter shows.")
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
        );
        c.into()
    }
}
