//! The list of users: sortable columns, the filter, one row per user.

use super::*;
use crate::ui::widget::focus::focusable;
use iced::widget::{column, row};

impl UsersTab {
    /// Messages of the list: filter, sort, scroll, open.
    pub(super) fn update_list(&mut self, message: Message, session: &mut Session) -> Action {
        match message {
            Message::Filter(f) => {
                self.filter = f;
                self.refresh_shown();
            }
            Message::Sort(by) => {
                if self.sort == by {
                    self.descending = !self.descending;
                } else {
                    self.sort = by;
                    self.descending = false;
                }
                self.refresh_shown();
            }
            Message::Scrolled(s) => self.scroll = s,
            Message::Open(id) => match session.user_profile(id) {
                Ok(p) => {
                    self.start_draft(Draft {
                        staff: None,
                        title: p.user.title.clone(),
                        forename: p.user.forename.clone(),
                        surname: p.user.surname.clone(),
                        email: p.user.email.clone(),
                        job_title: p.user.job_title.clone(),
                        group: self
                            .groups
                            .iter()
                            .find(|g| g.id == p.user.user_group)
                            .cloned(),
                    });
                    self.view = View::Profile(Box::new(p));
                    self.profile_tab = ProfileTab::Details;
                    self.pending = None;
                    self.status.clear();
                }
                Err(e) => self.status = Status::problem(e),
            },
            Message::BackToList => {
                self.view = View::List;
                self.pending = None;
                self.issued = None;
                self.status.clear();
                return Action::Effect(Effect::Focus(FILTER));
            }
            // The other messages are for the other views (see `UsersTab::update`).
            _ => {}
        }
        Action::Effect(Effect::None)
    }

    pub(super) fn list_view(&self) -> Element<'_, Message> {
        let count = if self.filter.trim().is_empty() {
            format!("Showing all {}", self.rows.len())
        } else {
            format!("Showing {} of {}", self.shown.len(), self.rows.len())
        };
        let arrow = |by: SortBy| {
            if self.sort == by {
                if self.descending { " ↑" } else { " ↓" }
            } else {
                ""
            }
        };
        let head = |label: &str, by: SortBy, portion: u16| {
            focusable(
                button(
                    text(format!("{label}{}", arrow(by)))
                        .size(theme::TEXT_SMALL)
                        .font(BOLD),
                )
                .padding([theme::SPACE_XS, 0.0])
                .style(theme::link_button)
                .on_press(Message::Sort(by))
                .width(Length::FillPortion(portion)),
            )
        };
        let header = row![
            head("Name", SortBy::Name, 3),
            head("Job Title", SortBy::JobTitle, 3),
            head("User Groups", SortBy::UserGroup, 2),
            head("Key", SortBy::Key, 2),
            head("Last Login", SortBy::LastLogin, 3),
        ]
        .spacing(theme::SPACE_S);
        let list = virtual_list::view(
            LIST,
            self.shown.len(),
            ROW_HEIGHT,
            self.scroll,
            |i| {
                let r = &self.rows[self.shown[i]];
                user_row(r)
            },
            |v| Message::Scrolled(Scroll::from_viewport(&v)),
        );
        column![
            row![
                form::section_title("Users"),
                iced::widget::space().width(Fill),
                form::primary("New User", Some(Message::NewUser)),
            ]
            .align_y(iced::Center),
        ]
        .push(self.notices())
        .push(
            row![
                text_input("Filter by name, job title or user group", &self.filter)
                    .id(FILTER)
                    .on_input(Message::Filter)
                    .padding(theme::SPACE_S + 2.0)
                    .style(theme::input),
                text(count).size(theme::TEXT_SMALL).style(theme::muted),
            ]
            .spacing(theme::SPACE_M)
            .align_y(iced::Center),
        )
        .push(
            container(
                column![header, container(list).height(Length::Fixed(ROW_HEIGHT * 12.0))]
                    .spacing(theme::SPACE_XS),
            )
            .padding(theme::SPACE_M)
            .width(Fill)
            .style(theme::card),
        )
        .push(
            text("Click a column title to sort by it (again to reverse). Click a name to open the profile.")
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
        )
        .push(self.groups_view())
        .spacing(theme::SPACE_M)
        .into()
    }
}

fn user_row(r: &UserRow) -> Element<'_, Message> {
    let muted = !r.user.active;
    let cell = |s: String, portion: u16| {
        form::row_cell(
            text(s)
                .size(theme::TEXT_BODY)
                .style(if muted { theme::muted } else { theme::plain }),
            Length::FillPortion(portion),
        )
    };
    let name = if r.user.active {
        r.user.full_name()
    } else {
        format!("{} (deactivated)", r.user.full_name())
    };
    let key = match r.key {
        KeyState::NotEnrolled if r.setup_code_expires.is_some() => {
            "Not enrolled (code issued)".to_string()
        }
        k => key_label(k).to_string(),
    };
    focusable(
        button(
            row![
                cell(name, 3),
                cell(r.user.job_title.clone(), 3),
                cell(r.group_name.clone(), 2),
                cell(key, 2),
                cell(
                    r.user
                        .last_login_at
                        .map(format_local)
                        .unwrap_or_else(|| "Never".into()),
                    3
                ),
            ]
            .spacing(theme::SPACE_S)
            .align_y(iced::Center),
        )
        .width(Fill)
        .height(Fill)
        .padding([0.0, 0.0])
        .style(theme::link_row)
        .on_press(Message::Open(r.user.id)),
    )
    .inset()
    .into()
}
