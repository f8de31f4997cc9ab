//! The Dashboard, shown after sign-in: the person's alerts (a concern that needs them, or, when
//! they could not open it, whom to ask) and their own reminders ("Remind Me"). Administrators
//! also choose here which user groups a new concern alerts by default.

use crate::clock::format_local;
use crate::model::{AlertId, ReminderId, SystemPermission, UserGroupId};
use crate::service::alerts::{AlertAbout, AlertDefaults, AlertView, Dashboard, Due};
use crate::service::records::PupilSummary;
use crate::service::{Me, Session};
use crate::ui::effect::Effect;
use crate::ui::theme;
use crate::ui::widget::focus::focusable;
use crate::ui::widget::form::{self, BOLD, Field};
use crate::ui::widget::status::Status;
use iced::widget::{checkbox, column, container, row, text};
use iced::{Element, Fill};
use std::collections::BTreeSet;

pub const REMINDER_NOTE: &str = "reminder-note";
pub const REMINDER_DAY: &str = "reminder-day";

#[derive(Debug, Clone)]
pub enum Message {
    /// Opens the pupil's profile the alert is about.
    Open(AlertId),
    MarkRead(AlertId),
    Note(String),
    Day(String),
    AddReminder,
    ReminderDone(ReminderId),
    /// Administrators: whether a user group is alerted by default.
    DefaultGroup(UserGroupId, bool),
    SaveDefaults,
    /// Administrators: back to the groups holding Named person or Manage system.
    DefaultsByPermission,
}

pub enum Action {
    Effect(Effect<Message>),
    /// Open this pupil's profile (the alert's reader may).
    OpenPupil(PupilSummary),
}

pub struct DashboardTab {
    dashboard: Option<Dashboard>,
    note: String,
    day: String,
    defaults: Option<AlertDefaults>,
    /// The default groups as ticked, before Save.
    ticked: BTreeSet<UserGroupId>,
    pub status: Status,
}

fn today_text() -> String {
    chrono::Local::now().format("%d/%m/%Y").to_string()
}

impl DashboardTab {
    pub fn new(session: &Session) -> DashboardTab {
        let mut d = DashboardTab {
            dashboard: None,
            note: String::new(),
            day: today_text(),
            defaults: None,
            ticked: BTreeSet::new(),
            status: Status::Quiet,
        };
        d.reload(session);
        d
    }

    pub fn reload(&mut self, session: &Session) {
        self.status.clear_problem();
        match session.dashboard() {
            Ok(d) => self.dashboard = Some(d),
            Err(e) => self.status = Status::problem(e),
        }
        self.defaults = None;
        if session.me().permissions.has(SystemPermission::ManageSystem) {
            match session.alert_defaults() {
                Ok(d) => {
                    self.ticked = d
                        .groups
                        .iter()
                        .filter(|(_, on)| *on)
                        .map(|(g, _)| g.id)
                        .collect();
                    self.defaults = Some(d);
                }
                Err(e) => self.status = Status::problem(e),
            }
        }
    }

    /// Whether a reminder is half-written.
    pub fn has_unsaved_changes(&self) -> bool {
        !self.note.trim().is_empty()
    }

    /// The alerts shown, for tests.
    pub fn alerts(&self) -> &[AlertView] {
        self.dashboard.as_ref().map_or(&[], |d| d.alerts.as_slice())
    }

    pub fn update(&mut self, message: Message, session: &mut Session) -> Action {
        self.status.clear_unless_problem();
        match message {
            Message::Open(id) => {
                let pupil =
                    self.alerts()
                        .iter()
                        .find(|a| a.id == id)
                        .and_then(|a| match &a.about {
                            AlertAbout::Concern { pupil, .. } => Some(pupil.clone()),
                            AlertAbout::Ask { .. } => None,
                        });
                if let Some(p) = pupil {
                    return Action::OpenPupil(p);
                }
            }
            Message::MarkRead(id) => match session.mark_alert_read(id) {
                Ok(()) => self.reload(session),
                Err(e) => self.status = Status::problem(e),
            },
            Message::Note(n) => self.note = n,
            Message::Day(d) => self.day = d,
            Message::AddReminder => match session.add_reminder(&self.note, &self.day) {
                Ok(_) => {
                    self.note.clear();
                    self.day = today_text();
                    self.reload(session);
                    self.status = Status::done("Reminder added.");
                }
                Err(e) => {
                    self.status = Status::problem(e);
                    return Action::Effect(Effect::Focus(REMINDER_NOTE));
                }
            },
            Message::ReminderDone(id) => match session.reminder_done(id) {
                Ok(()) => self.reload(session),
                Err(e) => self.status = Status::problem(e),
            },
            Message::DefaultGroup(g, on) => {
                form::tick(&mut self.ticked, g, on);
            }
            Message::SaveDefaults => {
                let chosen = self.ticked.iter().copied().collect();
                match session.set_alert_defaults(Some(chosen)) {
                    Ok(()) => {
                        self.reload(session);
                        self.status = Status::done(
                            "New concerns will alert these user groups unless the person recording one chooses otherwise.",
                        );
                    }
                    Err(e) => self.status = Status::problem(e),
                }
            }
            Message::DefaultsByPermission => match session.set_alert_defaults(None) {
                Ok(()) => {
                    self.reload(session);
                    self.status = Status::done(
                        "New concerns will alert the user groups holding Named person or Manage system.",
                    );
                }
                Err(e) => self.status = Status::problem(e),
            },
        }
        Action::Effect(Effect::None)
    }

    pub fn view<'a>(&'a self, me: &'a Me, hide_names: bool) -> Element<'a, Message> {
        let mut c = column![form::section_title("Dashboard")].spacing(theme::SPACE_M);
        c = c.push(self.status.view());
        let Some(d) = &self.dashboard else {
            return c.into();
        };
        c = c.push(form::panel(self.alerts_view(d, hide_names)));
        c = c.push(form::panel(self.reminders_view(d)));
        if let Some(defaults) = &self.defaults
            && me.permissions.has(SystemPermission::ManageSystem)
        {
            c = c.push(form::panel(self.defaults_view(defaults)));
        }
        c.into()
    }

    fn alerts_view<'a>(&'a self, d: &'a Dashboard, hide_names: bool) -> Element<'a, Message> {
        let unread = d.unread();
        let title = match unread {
            0 => "Alerts".to_string(),
            1 => "Alerts: 1 new".to_string(),
            n => format!("Alerts: {n} new"),
        };
        let mut c = column![text(title).size(theme::TEXT_LARGE).font(BOLD)].spacing(theme::SPACE_M);
        if d.alerts.is_empty() {
            return c
                .push(
                    text("No alerts. When someone records a concern and alerts you, it waits here for you.")
                        .size(theme::TEXT_BODY)
                        .style(theme::muted),
                )
                .into();
        }
        if unread == 0 {
            c = c.push(
                text("No new alerts.")
                    .size(theme::TEXT_BODY)
                    .style(theme::muted),
            );
        }
        for a in d.alerts.iter().filter(|a| !a.read) {
            c = c.push(alert_row(a, hide_names));
        }
        if d.alerts.iter().any(|a| a.read) {
            c = c.push(
                text("Read")
                    .size(theme::TEXT_SMALL)
                    .font(BOLD)
                    .style(theme::muted),
            );
            for a in d.alerts.iter().filter(|a| a.read) {
                c = c.push(alert_row(a, hide_names));
            }
        }
        c.into()
    }

    fn reminders_view<'a>(&'a self, d: &'a Dashboard) -> Element<'a, Message> {
        let mut c = column![
            text("Remind Me").size(theme::TEXT_LARGE).font(BOLD),
            text("Notes to yourself for a day. Nobody else sees them.")
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
        ]
        .spacing(theme::SPACE_S);
        for r in &d.reminders {
            let when = match r.due {
                Due::Overdue => text(format!("Overdue: {}", r.due_on.format("%a %-d %b")))
                    .style(theme::danger_text),
                Due::Today => text("Today").style(theme::warning_text),
                Due::Later => text(r.due_on.format("%a %-d %b").to_string()).style(theme::muted),
            };
            c = c.push(
                row![
                    when.size(theme::TEXT_SMALL)
                        .font(BOLD)
                        .width(iced::Length::Fixed(150.0)),
                    text(r.note.as_str()).size(theme::TEXT_BODY).width(Fill),
                    form::link("Done", Message::ReminderDone(r.id)),
                ]
                .spacing(theme::SPACE_M)
                .align_y(iced::Center),
            );
        }
        c = c.push(
            row![
                container(
                    Field::new("Remind me to", REMINDER_NOTE, &self.note, Message::Note)
                        .placeholder("What to do")
                        .on_submit(Message::AddReminder)
                        .view()
                )
                .width(iced::Length::FillPortion(3)),
                container(
                    Field::new("On", REMINDER_DAY, &self.day, Message::Day)
                        .placeholder("dd/mm/yyyy")
                        .on_submit(Message::AddReminder)
                        .view()
                )
                .width(iced::Length::FillPortion(1)),
            ]
            .spacing(theme::SPACE_M),
        );
        c.push(form::actions(
            Vec::new(),
            form::primary("Add reminder", Some(Message::AddReminder)),
        ))
        .into()
    }

    fn defaults_view<'a>(&'a self, d: &'a AlertDefaults) -> Element<'a, Message> {
        let mut c = column![
            text("Who new concerns alert").size(theme::TEXT_LARGE).font(BOLD),
            text(if d.chosen {
                "Chosen by an administrator. The person recording a concern can still change who it alerts."
            } else {
                "The user groups holding Named person or Manage system, until you choose. The person recording a concern can still change who it alerts."
            })
            .size(theme::TEXT_SMALL)
            .style(theme::muted),
        ]
        .spacing(theme::SPACE_S);
        for (g, _) in &d.groups {
            let id = g.id;
            c = c.push(focusable(
                checkbox(self.ticked.contains(&id))
                    .label(format!(
                        "{} ({})",
                        g.name,
                        crate::model::names::count(g.members, "member", "members")
                    ))
                    .on_toggle(move |on| Message::DefaultGroup(id, on))
                    .size(18)
                    .text_size(theme::TEXT_BODY),
            ));
        }
        let mut left = Vec::new();
        if d.chosen {
            left.push(form::secondary(
                "Use Named person and Manage system",
                Some(Message::DefaultsByPermission),
            ));
        }
        c.push(form::actions(
            left,
            form::primary("Save who is alerted", Some(Message::SaveDefaults)),
        ))
        .into()
    }
}

fn alert_row(a: &AlertView, hide_names: bool) -> Element<'_, Message> {
    let sent = match &a.via_group {
        Some(g) => format!(
            "Recorded by {} on {}, alerting {g}",
            a.sent_by,
            format_local(a.sent_at)
        ),
        None => format!(
            "Recorded by {} on {}, alerting you",
            a.sent_by,
            format_local(a.sent_at)
        ),
    };
    let (what, open): (Element<'_, Message>, Option<Element<'_, Message>>) = match &a.about {
        AlertAbout::Concern {
            pupil,
            category,
            occurred_at,
        } => (
            column![
                text(format!(
                    "{} ({}): {category}",
                    pupil.display_name(hide_names),
                    pupil.class
                ))
                .size(theme::TEXT_BODY)
                .font(BOLD),
                text(format!("Happened {}", format_local(*occurred_at)))
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted),
            ]
            .into(),
            Some(form::secondary("Open profile", Some(Message::Open(a.id)))),
        ),
        AlertAbout::Ask { who } => (
            text(format!(
                "A concern has been recorded that needs your attention. You cannot open it with your access; ask {who} about it."
            ))
            .size(theme::TEXT_BODY)
            .into(),
            None,
        ),
    };
    let mut buttons = row![].spacing(theme::SPACE_S).align_y(iced::Center);
    if let Some(o) = open {
        buttons = buttons.push(o);
    }
    if !a.read {
        buttons = buttons.push(form::primary("Mark as read", Some(Message::MarkRead(a.id))));
    }
    container(
        row![
            column![what, text(sent).size(theme::TEXT_SMALL).style(theme::muted)]
                .spacing(theme::SPACE_XS)
                .width(Fill),
            buttons,
        ]
        .spacing(theme::SPACE_M)
        .align_y(iced::Center),
    )
    .padding([theme::SPACE_S, 0.0])
    .width(Fill)
    .into()
}
