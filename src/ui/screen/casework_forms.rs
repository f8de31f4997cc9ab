//! The casework forms on a pupil's profile: an action on an incident (new, or a change to one),
//! setting a status, and ending one. Each holds what has been typed until it is saved or
//! cancelled, and says what is wrong in words before anything is sent.

use crate::model::{ActionId, IncidentId, Outcome, StatusId, StatusKind};
use crate::service::Session;
use crate::service::casework::{ActionView, NewAction, NewStatus, StaffChoice};
use crate::service::records::{parse_date_time, parse_day};
use crate::ui::theme;
use crate::ui::widget::focus::focusable;
use crate::ui::widget::form::{self, BOLD, Field};
use iced::widget::{column, pick_list, row, text, text_editor};
use iced::{Element, Fill, Length};

pub const ACTION_WHY: &str = "action-why";
pub const ACTION_DATE: &str = "action-date";
pub const ACTION_TIME: &str = "action-time";
pub const STATUS_FROM: &str = "status-from";
pub const STATUS_TO: &str = "status-to";
pub const STATUS_NOTE: &str = "status-note";
pub const STATUS_END: &str = "status-end";

/// Today as a person types it: 03/03/2026.
fn today() -> String {
    chrono::Local::now().format("%d/%m/%Y").to_string()
}

fn labelled<'a, M: 'a>(label: &'a str, control: impl Into<Element<'a, M>>) -> Element<'a, M> {
    column![
        text(label).size(theme::TEXT_SMALL).font(BOLD),
        control.into()
    ]
    .spacing(theme::SPACE_XS)
    .width(Fill)
    .into()
}

#[derive(Debug, Clone)]
pub enum ActionMessage {
    Outcome(Outcome),
    What(text_editor::Action),
    Why(String),
    By(StaffChoice),
    Date(String),
    Time(String),
}

pub struct ActionForm {
    pub incident: IncidentId,
    /// The action being changed; `None` for a new one.
    pub editing: Option<ActionId>,
    outcome: Option<Outcome>,
    what: text_editor::Content,
    why: String,
    staff: Vec<StaffChoice>,
    by: Option<StaffChoice>,
    date: String,
    time: String,
    /// What the form held when it opened, to tell whether leaving would lose anything.
    first: (Option<Outcome>, String, String),
}

impl ActionForm {
    /// A new action, taken now by the person signed in (both can be changed).
    pub fn new(session: &Session, incident: IncidentId) -> crate::service::Result<ActionForm> {
        let staff = session.staff_to_name()?;
        let me = session.me().user.id;
        let by = staff.iter().find(|s| s.id == me).cloned();
        Ok(ActionForm {
            incident,
            editing: None,
            outcome: None,
            what: text_editor::Content::new(),
            why: String::new(),
            staff,
            by,
            date: today(),
            time: chrono::Local::now().format("%H:%M").to_string(),
            first: (None, String::new(), String::new()),
        })
    }

    /// A change to an action, starting from what it says now.
    pub fn edit(session: &Session, a: &ActionView) -> crate::service::Result<ActionForm> {
        let mut f = ActionForm::new(session, a.incident)?;
        let when = chrono::DateTime::from_timestamp(a.taken_at, 0)
            .unwrap_or_default()
            .with_timezone(&chrono::Local);
        f.editing = Some(a.id);
        f.outcome = Some(a.outcome);
        f.what = text_editor::Content::with_text(&a.description);
        f.why = a.rationale.clone();
        f.by = a
            .taken_by_id
            .and_then(|id| f.staff.iter().find(|s| s.id == id).cloned());
        f.date = when.format("%d/%m/%Y").to_string();
        f.time = when.format("%H:%M").to_string();
        f.first = (f.outcome, a.description.clone(), a.rationale.clone());
        Ok(f)
    }

    pub fn update(&mut self, m: ActionMessage) {
        match m {
            ActionMessage::Outcome(o) => self.outcome = Some(o),
            ActionMessage::What(a) => self.what.perform(a),
            ActionMessage::Why(w) => self.why = w,
            ActionMessage::By(s) => self.by = Some(s),
            ActionMessage::Date(d) => self.date = d,
            ActionMessage::Time(t) => self.time = t,
        }
    }

    /// Whether closing the form would lose something typed.
    pub fn has_changes(&self) -> bool {
        (
            self.outcome,
            self.what.text().trim().to_string(),
            self.why.trim().to_string(),
        ) != (
            self.first.0,
            self.first.1.trim().to_string(),
            self.first.2.trim().to_string(),
        )
    }

    /// The action as the service takes it, or what is missing, in words.
    pub fn action(&self) -> Result<NewAction, String> {
        let outcome = self
            .outcome
            .ok_or("Choose the outcome from the list; nothing has been saved.")?;
        let by = self
            .by
            .as_ref()
            .ok_or("Choose who took the action; nothing has been saved.")?;
        let taken_at = parse_date_time(&self.date, &self.time).map_err(|e| e.to_string())?;
        Ok(NewAction {
            taken_at,
            taken_by: by.id,
            outcome,
            description: self.what.text(),
            rationale: self.why.clone(),
        })
    }

    pub fn view(&self) -> Element<'_, ActionMessage> {
        let why_label = if self.outcome.is_some_and(Outcome::needs_rationale) {
            "Why (needed for no further action)"
        } else {
            "Why (the reason for this outcome)"
        };
        column![
            text(if self.editing.is_some() {
                "Change this action"
            } else {
                "Add an action"
            })
            .size(theme::TEXT_BODY)
            .font(BOLD),
            row![
                labelled(
                    "Outcome",
                    focusable(
                        pick_list(Outcome::ALL, self.outcome, ActionMessage::Outcome)
                            .placeholder("Choose an outcome")
                            .padding(theme::SPACE_S + 2.0)
                            .width(Fill)
                    ),
                ),
                labelled(
                    "Taken by",
                    focusable(
                        pick_list(self.staff.clone(), self.by.clone(), ActionMessage::By)
                            .placeholder("Choose a member of staff")
                            .padding(theme::SPACE_S + 2.0)
                            .width(Fill)
                    ),
                ),
            ]
            .spacing(theme::SPACE_M),
            labelled(
                "What was done",
                text_editor(&self.what)
                    .placeholder("Who was spoken to, what was agreed, who was told.")
                    .on_action(ActionMessage::What)
                    .height(Length::Fixed(110.0))
                    .padding(theme::SPACE_S),
            ),
            Field::new(why_label, ACTION_WHY, &self.why, ActionMessage::Why).view(),
            row![
                Field::new("Date", ACTION_DATE, &self.date, ActionMessage::Date)
                    .placeholder("dd/mm/yyyy")
                    .view(),
                Field::new("Time", ACTION_TIME, &self.time, ActionMessage::Time)
                    .placeholder("hh:mm")
                    .view(),
            ]
            .spacing(theme::SPACE_M),
        ]
        .spacing(theme::SPACE_S)
        .into()
    }
}

#[derive(Debug, Clone)]
pub enum StatusMessage {
    Kind(StatusKind),
    From(String),
    To(String),
    Note(String),
}

#[derive(Default)]
pub struct StatusForm {
    kind: Option<StatusKind>,
    from: String,
    to: String,
    note: String,
}

impl StatusForm {
    pub fn new() -> StatusForm {
        StatusForm {
            from: today(),
            ..StatusForm::default()
        }
    }

    pub fn update(&mut self, m: StatusMessage) {
        match m {
            StatusMessage::Kind(k) => self.kind = Some(k),
            StatusMessage::From(f) => self.from = f,
            StatusMessage::To(t) => self.to = t,
            StatusMessage::Note(n) => self.note = n,
        }
    }

    pub fn has_changes(&self) -> bool {
        self.kind.is_some() || !self.note.trim().is_empty() || !self.to.trim().is_empty()
    }

    pub fn status(&self) -> Result<NewStatus, String> {
        let kind = self
            .kind
            .ok_or("Choose the status from the list; nothing has been saved.")?;
        let started_on = parse_day(&self.from).map_err(|e| e.to_string())?;
        let ended_on = match self.to.trim() {
            "" => None,
            t => Some(parse_day(t).map_err(|e| e.to_string())?),
        };
        Ok(NewStatus {
            kind,
            started_on,
            ended_on,
            note: self.note.clone(),
        })
    }

    pub fn view(&self) -> Element<'_, StatusMessage> {
        column![
            text("Set a status").size(theme::TEXT_BODY).font(BOLD),
            row![
                labelled(
                    "Status",
                    focusable(
                        pick_list(StatusKind::ALL, self.kind, StatusMessage::Kind)
                            .placeholder("Choose a status")
                            .padding(theme::SPACE_S + 2.0)
                            .width(Fill)
                    ),
                ),
                Field::new("From", STATUS_FROM, &self.from, StatusMessage::From)
                    .placeholder("dd/mm/yyyy")
                    .view(),
                Field::new(
                    "Ended on (if it is over)",
                    STATUS_TO,
                    &self.to,
                    StatusMessage::To
                )
                .placeholder("dd/mm/yyyy")
                .view(),
            ]
            .spacing(theme::SPACE_M),
            Field::new(
                "Note (optional)",
                STATUS_NOTE,
                &self.note,
                StatusMessage::Note
            )
            .placeholder("Who agreed it, and where")
            .view(),
        ]
        .spacing(theme::SPACE_S)
        .into()
    }
}

/// Ending an open status: the day it ended.
pub struct EndForm {
    pub status: StatusId,
    pub on: String,
}

impl EndForm {
    pub fn new(status: StatusId) -> EndForm {
        EndForm {
            status,
            on: today(),
        }
    }

    pub fn view<'a, M: Clone + 'a>(
        &'a self,
        on_input: impl Fn(String) -> M + 'a,
        save: M,
        cancel: M,
    ) -> Element<'a, M> {
        row![
            Field::new("Ended on", STATUS_END, &self.on, on_input)
                .placeholder("dd/mm/yyyy")
                .on_submit(save.clone())
                .view(),
            column![
                iced::widget::space().height(Length::Fixed(18.0)),
                row![
                    form::secondary("Cancel", Some(cancel)),
                    form::primary("End status", Some(save)),
                ]
                .spacing(theme::SPACE_S),
            ],
        ]
        .spacing(theme::SPACE_M)
        .into()
    }
}
