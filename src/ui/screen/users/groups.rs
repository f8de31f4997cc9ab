//! The user groups below the list of users: each group's members and key holders.

use super::*;
use crate::ui::widget::focus::focusable;
use iced::widget::{column, row};

impl UsersTab {
    /// Messages of the user groups: opening, creating and editing one.
    pub(super) fn update_groups(
        &mut self,
        message: Message,
        session: &mut Session,
        modifiers: iced::keyboard::Modifiers,
    ) -> Action {
        match message {
            Message::GroupEditor(m) => {
                if let View::Group(g) = &mut self.view {
                    let o = g.update(m, session, modifiers);
                    return self.after_group(o, session);
                }
            }
            Message::OpenGroup(id) => match UserGroupEditor::open(session, id) {
                Ok(e) => {
                    self.view = View::Group(Box::new(e));
                    self.status.clear();
                    return Action::Effect(Effect::Focus(user_group::NAME));
                }
                Err(e) => self.status = Status::problem(e),
            },
            Message::NewGroup => {
                self.new_group = Some(String::new());
                return Action::Effect(Effect::Focus(NEW_GROUP));
            }
            Message::NewGroupName(n) => self.new_group = Some(n),
            Message::CancelNewGroup => self.new_group = None,
            Message::CreateGroup => {
                let name = self.new_group.clone().unwrap_or_default();
                match session.create_user_group(&name) {
                    Ok(id) => {
                        self.new_group = None;
                        self.reload(session);
                        return self.update(
                            Message::OpenGroup(id),
                            session,
                            iced::keyboard::Modifiers::default(),
                        );
                    }
                    Err(e) => self.status = Status::problem(e),
                }
            }
            // The other messages are for the other views (see `UsersTab::update`).
            _ => {}
        }
        Action::Effect(Effect::None)
    }

    pub(super) fn groups_view(&self) -> Element<'_, Message> {
        let head = |label: &'static str, portion: u16| {
            text(label)
                .size(theme::TEXT_SMALL)
                .font(BOLD)
                .style(theme::muted)
                .width(Length::FillPortion(portion))
        };
        let mut rows = column![
            row![
                head("User Group", 3),
                head("Status", 2),
                head("Members", 2),
                head("Without a key", 2),
                head("Administration", 2)
            ]
            .spacing(theme::SPACE_S)
        ]
        .spacing(theme::SPACE_XS);
        for g in &self.group_rows {
            let cell = |s: String, portion: u16| {
                text(s)
                    .size(theme::TEXT_BODY)
                    .width(Length::FillPortion(portion))
            };
            rows = rows.push(
                focusable(
                    button(
                        row![
                            cell(g.group.name.clone(), 3),
                            cell(if g.group.active { "Active" } else { "Inactive" }.into(), 2),
                            cell(g.members.to_string(), 2),
                            cell(g.members_without_key.to_string(), 2),
                            cell(user_group::admin_label(&g.group.system).into(), 2),
                        ]
                        .spacing(theme::SPACE_S),
                    )
                    .width(Fill)
                    .padding([theme::SPACE_XS + 2.0, 0.0])
                    .style(theme::link_row)
                    .on_press(Message::OpenGroup(g.group.id)),
                )
                .inset(),
            );
        }
        let new_group: Element<'_, Message> = match &self.new_group {
            Some(name) => row![
                container(
                    Field::new(
                        "New user group's name",
                        NEW_GROUP,
                        name,
                        Message::NewGroupName
                    )
                    .on_submit(Message::CreateGroup)
                    .view()
                )
                .width(Length::Fixed(360.0)),
                form::secondary("Cancel", Some(Message::CancelNewGroup)),
                form::primary("Create group", Some(Message::CreateGroup)),
            ]
            .spacing(theme::SPACE_S)
            .align_y(iced::Bottom)
            .into(),
            None => form::secondary("New Group", Some(Message::NewGroup)),
        };
        column![
            form::section_title("User Groups"),
            text("A user's permissions come from their user group. Click a group to see and change its permissions.")
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
            container(rows).padding(theme::SPACE_M).width(Fill).style(theme::card),
            new_group,
        ]
        .spacing(theme::SPACE_M)
        .into()
    }
}
