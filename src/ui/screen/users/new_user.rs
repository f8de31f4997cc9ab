//! New User: choosing a member of staff from the MIS (or none), then their details.

use super::*;
use crate::ui::widget::focus::focusable;
use iced::widget::{column, row};

impl UsersTab {
    /// Messages of New User: choosing staff, the details, Create.
    pub(super) fn update_new_user(&mut self, message: Message, session: &mut Session) -> Action {
        match message {
            Message::StaffScrolled(s) => self.staff_scroll = s,
            Message::NewUser => {
                self.start_draft(Draft::default());
                self.issued = None;
                self.status.clear();
                if self.staff.is_empty() {
                    self.view = View::NewUser;
                    return Action::Effect(Effect::Focus(TITLE));
                }
                self.view = View::PickStaff;
                return Action::Effect(Effect::Focus(STAFF_FILTER));
            }
            Message::StaffFilter(f) => self.staff_filter = f,
            Message::PickStaff(id) => {
                if let Some(s) = self.staff.iter().find(|s| s.id == id) {
                    self.start_draft(Draft {
                        staff: Some(s.id),
                        title: s.title.clone(),
                        forename: s.forename.clone(),
                        surname: s.surname.clone(),
                        email: s.email.clone(),
                        job_title: s.job_title.clone(),
                        group: None,
                    });
                    self.view = View::NewUser;
                    return Action::Effect(Effect::Focus(EMAIL));
                }
            }
            Message::NotInList => {
                self.start_draft(Draft::default());
                self.view = View::NewUser;
                return Action::Effect(Effect::Focus(TITLE));
            }
            Message::Field(f, v) => {
                let d = &mut self.draft;
                match f {
                    DetailField::Title => d.title = v,
                    DetailField::Forename => d.forename = v,
                    DetailField::Surname => d.surname = v,
                    DetailField::Email => d.email = v,
                    DetailField::JobTitle => d.job_title = v,
                }
                // The problem stays beside its field until the next try, so nothing moves
                // while the person types the correction.
            }
            Message::Group(g) => {
                self.draft.group = Some(g);
                if self.detail_problem(UserDetail::UserGroup).is_some() {
                    self.detail_problem = None;
                }
            }
            Message::Create => {
                let d = &self.draft;
                let details = NewUserDetails {
                    staff: d.staff,
                    title: d.title.clone(),
                    forename: d.forename.clone(),
                    surname: d.surname.clone(),
                    email: d.email.clone(),
                    job_title: d.job_title.clone(),
                    user_group: d.group.as_ref().map(|g| g.id),
                };
                match session.create_user(&details) {
                    Ok(issued) => {
                        let id = issued.user;
                        self.issued = Some(issued);
                        self.reload(session);
                        self.update(
                            Message::Open(id),
                            session,
                            iced::keyboard::Modifiers::default(),
                        );
                        self.detail_problem = None;
                        self.status =
                            Status::done("User created. Give them the set-up code below.");
                    }
                    Err(e) => return Action::Effect(self.details_refused(e)),
                }
            }
            // The other messages are for the other views (see `UsersTab::update`).
            _ => {}
        }
        Action::Effect(Effect::None)
    }

    pub(super) fn pick_staff_view(&self) -> Element<'_, Message> {
        let shown = self.staff_shown();
        let n = shown.len();
        let list = virtual_list::view(
            STAFF_LIST,
            n,
            ROW_HEIGHT,
            self.staff_scroll,
            move |i| {
                let s = shown[i];
                focusable(
                    button(
                        row![
                            form::row_cell(
                                text(
                                    format!("{} {} {}", s.title, s.forename, s.surname)
                                        .trim()
                                        .to_string()
                                )
                                .size(theme::TEXT_BODY),
                                Length::FillPortion(3)
                            ),
                            form::row_cell(
                                text(s.job_title.as_str())
                                    .size(theme::TEXT_BODY)
                                    .style(theme::muted),
                                Length::FillPortion(3)
                            ),
                        ]
                        .spacing(theme::SPACE_S),
                    )
                    .width(Fill)
                    .padding([theme::SPACE_XS + 2.0, theme::SPACE_S])
                    .style(theme::tab_button(false))
                    .on_press(Message::PickStaff(s.id)),
                )
                .inset()
                .into()
            },
            |v| Message::StaffScrolled(Scroll::from_viewport(&v)),
        );
        column![
            form::heading("New User", Some("Choose the member of staff from your MIS list. Only staff who are not users yet are listed.")),
        ]
        .push(self.notices())
        .push(
            text_input("Filter by name or job title", &self.staff_filter)
                .id(STAFF_FILTER)
                .on_input(Message::StaffFilter)
                .padding(theme::SPACE_S + 2.0)
                .style(theme::input),
        )
        .push(
            container(container(list).height(Length::Fixed(ROW_HEIGHT * 10.0)))
                .padding(theme::SPACE_S)
                .width(Fill)
                .style(theme::card),
        )
        .push(
            row![
                form::secondary("Back to users", Some(Message::BackToList)),
                form::secondary("Not in the list", Some(Message::NotInList)),
            ]
            .spacing(theme::SPACE_S),
        )
        .spacing(theme::SPACE_M)
        .into()
    }

    pub(super) fn detail_fields(&self, email_editable: bool) -> Element<'_, Message> {
        let d = &self.draft;
        // Enter in any field does what the page's main button does.
        let submit = if email_editable {
            Message::Create
        } else {
            Message::SaveDetails
        };
        let email: Element<'_, Message> = if email_editable {
            Field::new("E-mail", EMAIL, &d.email, |v| {
                Message::Field(DetailField::Email, v)
            })
            .placeholder("name@school.org.uk")
            .hint("They sign in with it; the authenticator app shows it too.")
            .problem(self.detail_problem(UserDetail::Email))
            .on_submit(submit.clone())
            .view()
        } else {
            column![
                text("E-mail").size(theme::TEXT_SMALL).font(BOLD),
                text(d.email.as_str()).size(theme::TEXT_BODY),
                text("Sign-in is tied to the e-mail address, so it cannot be changed. To use another address, deactivate this user and add them again.")
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted),
            ]
            .spacing(theme::SPACE_XS)
            .into()
        };
        column![
            row![
                container(
                    Field::new("Title", TITLE, &d.title, |v| Message::Field(
                        DetailField::Title,
                        v
                    ))
                    .problem(self.detail_problem(UserDetail::Title))
                    .on_submit(submit.clone())
                    .view()
                )
                .width(Length::Fixed(100.0)),
                Field::new("Forename", FORENAME, &d.forename, |v| Message::Field(
                    DetailField::Forename,
                    v
                ))
                .problem(self.detail_problem(UserDetail::Forename))
                .on_submit(submit.clone())
                .view(),
                Field::new("Surname", SURNAME, &d.surname, |v| Message::Field(
                    DetailField::Surname,
                    v
                ))
                .problem(self.detail_problem(UserDetail::Surname))
                .on_submit(submit.clone())
                .view(),
            ]
            .spacing(theme::SPACE_S),
            email,
            Field::new("Job Title", JOB_TITLE, &d.job_title, |v| Message::Field(
                DetailField::JobTitle,
                v
            ))
            .problem(self.detail_problem(UserDetail::JobTitle))
            .on_submit(submit.clone())
            .view(),
        ]
        .spacing(theme::SPACE_M)
        .into()
    }

    pub(super) fn new_user_view(&self) -> Element<'_, Message> {
        let from_staff = self.draft.staff.is_some();
        container(
            column![
                form::heading(
                    "New User",
                    Some(if from_staff {
                        "Check the details from the MIS, add an e-mail address if it is missing, and choose a user group."
                    } else {
                        "Type in the member of staff and choose their user group."
                    }),
                ),
            ]
            .push(self.notices())
            .push(self.detail_fields(true))
            .push(text("User Groups").size(theme::TEXT_SMALL).font(BOLD))
            .push(
                form::drop_down(
                    self.groups.clone(),
                    self.draft.group.clone(),
                    Message::Group,
                    "Choose a user group",
                    Fill,
                )
                .id(NEW_USER_GROUP),
            )
            .push(self.detail_problem(UserDetail::UserGroup).map(form::problem_line))
            .push(
                text("Keyholder is offline, so it cannot e-mail a password link. Creating the user shows a one-time set-up code for you to hand over; with it they choose their password and set up their soft key on this computer.")
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted),
            )
            .push(form::actions(
                vec![form::secondary("Cancel", Some(Message::BackToList))],
                form::primary("Create user", Some(Message::Create)),
            ))
            .spacing(theme::SPACE_M),
        )
        .padding(theme::SPACE_L)
        .max_width(760)
        .style(theme::card)
        .into()
    }
}
