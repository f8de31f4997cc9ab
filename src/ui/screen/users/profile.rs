//! A user's profile: details, user group, soft key and set-up code, and what they may do.

use super::*;
use crate::ui::widget::focus::focusable;
use iced::widget::{column, row};

impl UsersTab {
    /// Messages of a user's profile: its tabs, saving, codes and keys, the access report.
    pub(super) fn update_profile(&mut self, message: Message, session: &mut Session) -> Action {
        match message {
            Message::ShowAccess => {
                if let Some(id) = self.profile_id() {
                    match AccessReport::for_user(session, id, "← Back to the profile") {
                        Ok(r) => {
                            self.view = View::Access(Box::new(r), id);
                            self.pending = None;
                            self.issued = None;
                            self.status.clear();
                            return Action::Effect(Effect::Focus(access_report::FILTER));
                        }
                        Err(e) => self.status = Status::problem(e),
                    }
                }
            }
            Message::Access(m) => {
                if let View::Access(r, from) = &mut self.view
                    && let access_report::Action::Close = r.update(m, session)
                {
                    let from = *from;
                    self.update(
                        Message::Open(from),
                        session,
                        iced::keyboard::Modifiers::default(),
                    );
                    self.profile_tab = ProfileTab::Permissions;
                }
            }
            Message::ProfileTab(t) => self.profile_tab = t,
            Message::SaveDetails => {
                if let Some(id) = self.profile_id() {
                    let d = self.draft.clone();
                    let r = session
                        .update_user_details(id, &d.title, &d.forename, &d.surname, &d.job_title)
                        .map(|()| "Details saved.".to_string());
                    if r.is_ok() {
                        let base = &mut self.draft_base;
                        base.title = d.title;
                        base.forename = d.forename;
                        base.surname = d.surname;
                        base.job_title = d.job_title;
                    }
                    self.done(session, r);
                }
            }
            Message::SaveGroup => {
                if let (Some(id), Some(g)) = (self.profile_id(), self.draft.group.clone()) {
                    let r = session.set_user_group(id, g.id).map(|()| {
                        format!(
                            "Now in {}. Their permissions have changed accordingly.",
                            g.name
                        )
                    });
                    if r.is_ok() {
                        self.draft_base.group = Some(g);
                    }
                    self.done(session, r);
                }
            }
            Message::IssueCode => {
                if let Some(id) = self.profile_id() {
                    match session.issue_setup_code(id) {
                        Ok(code) => {
                            self.issued = Some(code);
                            self.done(
                                session,
                                Ok("New set-up code issued; any earlier code no longer works."
                                    .into()),
                            );
                        }
                        Err(e) => self.done(session, Err(e)),
                    }
                }
            }
            Message::ResetKey => self.pending = Some(Pending::ResetKey),
            Message::Deactivate => self.pending = Some(Pending::Deactivate),
            Message::ClearLock => {
                if let Some(id) = self.profile_id() {
                    let r = session
                        .clear_lockout(id)
                        .map(|()| "Lock-out cleared.".to_string());
                    self.done(session, r);
                }
            }
            Message::Confirm => {
                let (Some(id), Some(p)) = (self.profile_id(), self.pending.take()) else {
                    return Action::Effect(Effect::None);
                };
                match p {
                    Pending::ResetKey => match session.reset_soft_key(id) {
                        Ok(code) => {
                            self.issued = Some(code);
                            self.done(session, Ok("Soft key removed. They can sign in with basic permissions only until they enrol a new key with this set-up code.".into()));
                        }
                        Err(e) => self.done(session, Err(e)),
                    },
                    Pending::Deactivate => {
                        let r = session.deactivate_user(id).map(|()| {
                            "Deactivated. They can no longer sign in; their history is kept."
                                .to_string()
                        });
                        self.done(session, r);
                    }
                }
            }
            Message::CancelConfirm => self.pending = None,
            Message::DismissCode => self.issued = None,
            // The other messages are for the other views (see `UsersTab::update`).
            _ => {}
        }
        Action::Effect(Effect::None)
    }

    pub(super) fn profile_view<'a>(&'a self, p: &'a UserProfile) -> Element<'a, Message> {
        let tab = |label: &'static str, t: ProfileTab| {
            focusable(
                button(text(label).size(theme::TEXT_BODY))
                    .padding([theme::SPACE_XS + 2.0, theme::SPACE_M])
                    .style(theme::tab_button(self.profile_tab == t))
                    .on_press(Message::ProfileTab(t)),
            )
        };
        let status = if !p.user.active {
            "Deactivated: cannot sign in".to_string()
        } else {
            match p.key {
                KeyState::Active => "Soft key: active".into(),
                KeyState::NotEnrolled => match p.setup_code_expires {
                    Some(t) => format!(
                        "Soft key: not enrolled (set-up code valid until {})",
                        format_local(t)
                    ),
                    None => "Soft key: not enrolled".into(),
                },
                KeyState::Locked { until } => format!(
                    "Soft key: locked after wrong codes until {}",
                    format_local(until)
                ),
            }
        };
        let mut c = column![
            row![
                form::secondary("Back to users", Some(Message::BackToList)),
                column![
                    text(p.user.full_name()).size(theme::TEXT_TITLE).font(BOLD),
                    text(format!(
                        "{} · {} · {}",
                        p.group.name,
                        if p.user.job_title.is_empty() {
                            "no job title"
                        } else {
                            &p.user.job_title
                        },
                        status
                    ))
                    .size(theme::TEXT_BODY)
                    .style(theme::muted),
                ]
                .spacing(theme::SPACE_XS),
            ]
            .spacing(theme::SPACE_L)
            .align_y(iced::Center),
        ]
        .push(self.notices())
        .push(
            row![
                tab("Details", ProfileTab::Details),
                tab("Permissions", ProfileTab::Permissions)
            ]
            .spacing(theme::SPACE_XS),
        )
        .spacing(theme::SPACE_M);
        if let Some(pending) = &self.pending {
            let (question, confirm) = match pending {
                Pending::ResetKey => (
                    format!(
                        "Reset the soft key of {}? Their authenticator app stops working for Keyholder; until they enrol a new key with the set-up code you will be given, they have basic permissions only.",
                        p.user.full_name()
                    ),
                    "Reset soft key",
                ),
                Pending::Deactivate => (
                    format!(
                        "Deactivate {}? They will not be able to sign in. Their history stays in the audit and on the records they made.",
                        p.user.full_name()
                    ),
                    "Deactivate",
                ),
            };
            c = c.push(form::question(
                question,
                ("Cancel", Message::CancelConfirm),
                (confirm, Message::Confirm),
            ));
        }
        let body: Element<'a, Message> = match self.profile_tab {
            ProfileTab::Details => column![
                self.detail_fields(false),
                form::actions(
                    vec![],
                    form::primary(
                        "Save details",
                        p.user.active.then_some(Message::SaveDetails)
                    )
                ),
            ]
            .spacing(theme::SPACE_M)
            .into(),
            ProfileTab::Permissions => self.permissions_view(p),
        };
        c = c.push(
            container(body)
                .padding(theme::SPACE_L)
                .width(Fill)
                .style(theme::card),
        );
        let mut actions = row![form::secondary(
            "What can this user see?",
            Some(Message::ShowAccess)
        )]
        .spacing(theme::SPACE_S);
        if p.user.active && !p.is_me {
            actions = actions.push(form::secondary(
                "Issue new set-up code",
                Some(Message::IssueCode),
            ));
            if p.key != KeyState::NotEnrolled {
                actions = actions.push(form::secondary("Reset soft key", Some(Message::ResetKey)));
            }
            if matches!(p.key, KeyState::Locked { .. }) {
                actions = actions.push(form::secondary("Clear lock-out", Some(Message::ClearLock)));
            }
            actions = actions.push(form::danger("Deactivate", Message::Deactivate));
        }
        c.push(actions).into()
    }

    pub(super) fn permissions_view<'a>(&'a self, p: &'a UserProfile) -> Element<'a, Message> {
        let granted = |perms: &crate::model::EffectivePermissions| {
            PermissionSection::ALL
                .iter()
                .filter_map(|s| {
                    let names: Vec<&str> = s
                        .permissions()
                        .filter(|x| perms.has(*x))
                        .map(|x| x.label())
                        .collect();
                    (!names.is_empty()).then(|| format!("{}: {}", s.label(), names.join(", ")))
                })
                .collect::<Vec<_>>()
        };
        let mut perms = column![text("What they may do").font(BOLD).size(theme::TEXT_BODY)]
            .spacing(theme::SPACE_XS);
        let with_key = granted(&p.with_key);
        if with_key.is_empty() {
            perms = perms.push(
                text("Nothing: their user group grants no permissions.").size(theme::TEXT_BODY),
            );
        }
        for line in with_key {
            perms = perms.push(text(line).size(theme::TEXT_BODY));
        }
        if p.with_key != p.without_key {
            let basic = granted(&p.without_key);
            perms = perms.push(
                text(format!(
                    "Without an active soft key they keep only the basic permissions{}: {}.",
                    if p.key == KeyState::Active {
                        ""
                    } else {
                        " (which is how they sign in now)"
                    },
                    if basic.is_empty() {
                        "none".to_string()
                    } else {
                        basic.join("; ")
                    }
                ))
                .size(theme::TEXT_SMALL)
                .style(theme::warning_text),
            );
        }
        let mut sees = column![
            text("Pupils they can see")
                .font(BOLD)
                .size(theme::TEXT_BODY)
        ]
        .spacing(theme::SPACE_XS);
        for t in crate::model::GroupType::ALL {
            let line = if p.restricted_types.contains(&t) {
                let on: Vec<&str> = p
                    .on_lists
                    .iter()
                    .filter(|g| g.group_type == t)
                    .map(|g| g.name.as_str())
                    .collect();
                if on.is_empty() {
                    format!("{}: none (restricted, and they are on no list)", t.plural())
                } else {
                    format!("{}: {} (restricted)", t.plural(), on.join(", "))
                }
            } else {
                format!("{}: all (not restricted)", t.plural())
            };
            sees = sees.push(text(line).size(theme::TEXT_BODY));
        }
        column![
            text("User Groups").size(theme::TEXT_SMALL).font(BOLD),
            row![
                form::drop_down(
                    self.groups.clone(),
                    self.draft.group.clone(),
                    Message::Group,
                    "Choose a user group",
                    Length::Fixed(320.0),
                ),
                form::primary("Save details", p.user.active.then_some(Message::SaveGroup)),
            ]
            .spacing(theme::SPACE_M)
            .align_y(iced::Center),
            text("A user's permissions come from their user group. Choosing another group changes what they may do.")
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
            perms,
            sees,
        ]
        .spacing(theme::SPACE_M)
        .into()
    }
}

/// The one-time code, big enough to read out, with what to do with it.
pub(super) fn code_panel(code: &IssuedCode) -> Element<'_, Message> {
    container(
        column![
            text(format!("Set-up code for {}", code.name)).font(BOLD).size(theme::TEXT_LARGE),
            text(code.code.as_str()).font(MONO).size(theme::TEXT_TITLE),
            text(format!(
                "Give this code to {} in person. On this computer they choose \"First time here? Use your set-up code\" on the sign-in screen, type {} and the code, choose a password and set up their soft key. The code works once and expires on {}. It is not shown again.",
                code.name,
                code.email,
                format_local(code.expires_at)
            ))
            .size(theme::TEXT_BODY),
            form::secondary("I have handed it over", Some(Message::DismissCode)),
        ]
        .spacing(theme::SPACE_S),
    )
    .padding(theme::SPACE_M)
    .width(Fill)
    .style(theme::info_banner)
    .into()
}
