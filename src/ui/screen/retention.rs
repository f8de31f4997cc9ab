//! Admin > Data Destruction Policies (needs Data destruction policy): how long each category's
//! records are kept, the pupils whose records' period is over, holds, and decisions to keep
//! records longer. A pupil is named only to someone who may open their profile.

use crate::model::retention::{Basis, Policy, Then};
use crate::model::{CategoryId, HoldId, PupilId};
use crate::service::Session;
use crate::service::records::parse_day;
use crate::service::retention::{DuePupil, PolicyLine, Review};
use crate::ui::effect::Effect;
use crate::ui::theme;
use crate::ui::widget::form::{self, BOLD, Field, whole_number};
use crate::ui::widget::status::Status;
use iced::widget::{column, container, row, text};
use iced::{Element, Fill, Length};

pub const YEARS: &str = "retention-years";
pub const HOLD_REASON: &str = "retention-hold-reason";
pub const HOLD_UNTIL: &str = "retention-hold-until";
pub const KEEP_YEARS: &str = "retention-keep-years";
pub const KEEP_REASON: &str = "retention-keep-reason";

/// The most pupils each list shows; the command line lists them all.
const SHOWN: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Escape,
    Edit(CategoryId),
    Basis(Basis),
    Years(String),
    Then(Then),
    SavePolicy,
    ClearPolicy(CategoryId),
    Cancel,
    StartHold(PupilId),
    HoldReason(String),
    HoldUntil(String),
    SaveHold,
    Lift(HoldId),
    StartKeep(PupilId),
    KeepYears(String),
    KeepReason(String),
    SaveKeep,
}

pub enum Action {
    Effect(Effect<Message>),
}

/// A policy being changed.
struct Editing {
    category: CategoryId,
    basis: Basis,
    years: String,
    then: Then,
}

/// A hold or a decision to keep longer being written for one pupil.
enum Form {
    Hold {
        pupil: PupilId,
        reason: String,
        until: String,
    },
    Keep {
        pupil: PupilId,
        years: String,
        reason: String,
    },
}

pub struct RetentionTab {
    policies: Vec<PolicyLine>,
    review: Review,
    editing: Option<Editing>,
    form: Option<Form>,
    pub status: Status,
}

impl RetentionTab {
    pub fn new(session: &Session) -> RetentionTab {
        let mut t = RetentionTab {
            policies: Vec::new(),
            review: Review::default(),
            editing: None,
            form: None,
            status: Status::Quiet,
        };
        t.reload(session);
        t
    }

    pub fn reload(&mut self, session: &Session) {
        let loaded = session.retention_policies().and_then(|p| {
            self.policies = p;
            self.review = session.retention_review()?;
            Ok(())
        });
        if let Err(e) = loaded {
            self.status = Status::problem(e);
        }
    }

    /// Whether something typed would be lost by leaving.
    pub fn has_unsaved_changes(&self) -> bool {
        self.editing.is_some() || self.form.is_some()
    }

    fn done(&mut self, session: &Session, message: String) {
        self.editing = None;
        self.form = None;
        self.reload(session);
        self.status = Status::done(message);
    }

    pub fn update(&mut self, message: Message, session: &mut Session) -> Action {
        self.status.clear_unless_problem();
        match message {
            Message::Escape | Message::Cancel => {
                self.editing = None;
                self.form = None;
                self.status.clear();
            }
            Message::Edit(category) => {
                let current = self
                    .policies
                    .iter()
                    .find(|l| l.category == category)
                    .and_then(|l| l.policy);
                let p = current.unwrap_or(Policy {
                    basis: Basis::DateOfBirth,
                    years: 25,
                    then: Then::Review,
                });
                self.form = None;
                self.editing = Some(Editing {
                    category,
                    basis: p.basis,
                    years: p.years.to_string(),
                    then: p.then,
                });
                return Action::Effect(Effect::Focus(YEARS));
            }
            Message::Basis(b) => {
                if let Some(e) = &mut self.editing {
                    e.basis = b;
                }
            }
            Message::Years(y) => {
                if let Some(e) = &mut self.editing {
                    e.years = y;
                }
            }
            Message::Then(t) => {
                if let Some(e) = &mut self.editing {
                    e.then = t;
                }
            }
            Message::SavePolicy => {
                if let Some(e) = &self.editing {
                    let saved = whole_number(&e.years, "years", 6).and_then(|years| {
                        session
                            .set_retention_policy(
                                e.category,
                                Some(Policy {
                                    basis: e.basis,
                                    years,
                                    then: e.then,
                                }),
                            )
                            .map_err(|x| x.to_string())
                    });
                    match saved {
                        Ok(()) => self.done(session, "The policy has been saved.".into()),
                        Err(problem) => {
                            self.status = Status::problem(problem);
                            return Action::Effect(Effect::Focus(YEARS));
                        }
                    }
                }
            }
            Message::ClearPolicy(category) => match session.set_retention_policy(category, None) {
                Ok(()) => self.done(
                    session,
                    "Its own policy has been removed: it follows its category, or the default, again."
                        .into(),
                ),
                Err(e) => self.status = Status::problem(e),
            },
            Message::StartHold(pupil) => {
                self.editing = None;
                self.form = Some(Form::Hold {
                    pupil,
                    reason: String::new(),
                    until: String::new(),
                });
                return Action::Effect(Effect::Focus(HOLD_REASON));
            }
            Message::HoldReason(r) => {
                if let Some(Form::Hold { reason, .. }) = &mut self.form {
                    *reason = r;
                }
            }
            Message::HoldUntil(u) => {
                if let Some(Form::Hold { until, .. }) = &mut self.form {
                    *until = u;
                }
            }
            Message::SaveHold => {
                if let Some(Form::Hold {
                    pupil,
                    reason,
                    until,
                }) = &self.form
                {
                    let placed = (if until.trim().is_empty() {
                        Ok(None)
                    } else {
                        parse_day(until).map(Some)
                    })
                    .and_then(|until| session.place_hold(*pupil, reason, until));
                    match placed {
                        Ok(_) => self.done(
                            session,
                            "The hold is placed: nothing of this pupil's will be offered for destruction while it stands."
                                .into(),
                        ),
                        Err(e) => {
                            self.status = Status::problem(e);
                            return Action::Effect(Effect::Focus(HOLD_REASON));
                        }
                    }
                }
            }
            Message::Lift(id) => match session.lift_hold(id) {
                Ok(()) => self.done(session, "The hold has been lifted.".into()),
                Err(e) => self.status = Status::problem(e),
            },
            Message::StartKeep(pupil) => {
                self.editing = None;
                self.form = Some(Form::Keep {
                    pupil,
                    years: "1".into(),
                    reason: String::new(),
                });
                return Action::Effect(Effect::Focus(KEEP_YEARS));
            }
            Message::KeepYears(y) => {
                if let Some(Form::Keep { years, .. }) = &mut self.form {
                    *years = y;
                }
            }
            Message::KeepReason(r) => {
                if let Some(Form::Keep { reason, .. }) = &mut self.form {
                    *reason = r;
                }
            }
            Message::SaveKeep => {
                if let Some(Form::Keep {
                    pupil,
                    years,
                    reason,
                }) = &self.form
                {
                    let kept = whole_number(years, "years", 1).and_then(|n| {
                        session
                            .keep_longer(*pupil, n, reason)
                            .map_err(|e| e.to_string())
                    });
                    match kept {
                        Ok(until) => self.done(
                            session,
                            format!(
                                "The records are kept until {}.",
                                until.format("%-d %B %Y")
                            ),
                        ),
                        Err(e) => {
                            self.status = Status::problem(e);
                            return Action::Effect(Effect::Focus(KEEP_YEARS));
                        }
                    }
                }
            }
        }
        Action::Effect(Effect::None)
    }

    pub fn view(&self, hide_names: bool) -> Element<'_, Message> {
        let mut c = column![
            form::section_title("Data Destruction Policies"),
            text("How long each category's records are kept, and what happens then. A sub-category follows its category unless it has its own.")
                .size(theme::TEXT_BODY)
                .style(theme::muted),
        ]
        .spacing(theme::SPACE_M);
        c = c.push(self.status.view());
        c = c.push(form::panel(self.policies_view()));
        c = c.push(form::panel(self.review_view(hide_names)));
        c.into()
    }

    fn policies_view(&self) -> Element<'_, Message> {
        let mut list =
            column![text("Policies").size(theme::TEXT_LARGE).font(BOLD)].spacing(theme::SPACE_S);
        for l in &self.policies {
            let indent = if l.is_sub_category {
                theme::SPACE_L
            } else {
                0.0
            };
            let what = l
                .policy
                .map_or_else(|| "Kept".to_string(), |p| p.describe());
            let mut buttons = row![form::secondary("Change", Some(Message::Edit(l.category)))]
                .spacing(theme::SPACE_S);
            if l.source == Some(crate::model::retention::Source::Own) {
                buttons = buttons.push(form::secondary(
                    "Remove this policy",
                    Some(Message::ClearPolicy(l.category)),
                ));
            }
            list = list.push(
                row![
                    column![
                        text(if l.is_sub_category {
                            l.name.clone()
                        } else {
                            l.label.clone()
                        })
                        .size(theme::TEXT_BODY)
                        .font(if l.is_sub_category {
                            iced::Font::DEFAULT
                        } else {
                            BOLD
                        }),
                        text(format!("{what} · {}", l.source_text))
                            .size(theme::TEXT_SMALL)
                            .style(theme::muted),
                    ]
                    .spacing(2.0)
                    .width(Fill),
                    buttons,
                ]
                .spacing(theme::SPACE_M)
                .align_y(iced::Center)
                .padding(iced::Padding::ZERO.left(indent)),
            );
            if let Some(e) = self.editing.as_ref().filter(|e| e.category == l.category) {
                list = list.push(
                    container(
                        row![
                            column![
                                text("Keep until").size(theme::TEXT_SMALL).font(BOLD),
                                form::drop_down(
                                    Basis::ALL.to_vec(),
                                    Some(e.basis),
                                    Message::Basis,
                                    "",
                                    Length::Fixed(200.0)
                                ),
                            ]
                            .spacing(theme::SPACE_XS),
                            container(
                                Field::new("plus this many years", YEARS, &e.years, Message::Years)
                                    .on_submit(Message::SavePolicy)
                                    .view()
                            )
                            .width(Length::Fixed(200.0)),
                            column![
                                text("then").size(theme::TEXT_SMALL).font(BOLD),
                                form::drop_down(
                                    Then::ALL.to_vec(),
                                    Some(e.then),
                                    Message::Then,
                                    "",
                                    Length::Fixed(160.0)
                                ),
                            ]
                            .spacing(theme::SPACE_XS),
                            column![
                                text(" ").size(theme::TEXT_SMALL),
                                row![
                                    form::secondary("Cancel", Some(Message::Cancel)),
                                    form::primary("Save policy", Some(Message::SavePolicy)),
                                ]
                                .spacing(theme::SPACE_S),
                            ]
                            .spacing(theme::SPACE_XS),
                        ]
                        .spacing(theme::SPACE_S)
                        .align_y(iced::Top)
                        .wrap()
                        .vertical_spacing(theme::SPACE_S),
                    )
                    .padding(iced::Padding::ZERO.left(indent + theme::SPACE_L)),
                );
            }
        }
        list.into()
    }

    fn review_view(&self, hide_names: bool) -> Element<'_, Message> {
        let r = &self.review;
        let mut c = column![
            text("Due for review").size(theme::TEXT_LARGE).font(BOLD),
            text(if r.due.is_empty() {
                "No pupil's records are due for review or destruction today.".to_string()
            } else {
                format!(
                    "{} with records whose period is over, the longest overdue first. Review each: keep the records longer, or place a hold. Destroying records from here is not yet possible in this version.",
                    crate::model::names::count(r.due.len(), "pupil", "pupils")
                )
            })
            .size(theme::TEXT_SMALL)
            .style(theme::muted),
        ]
        .spacing(theme::SPACE_S);
        if r.kept_longer > 0 {
            c = c.push(
                text(format!(
                    "{} kept longer after a review.",
                    crate::model::names::count(
                        r.kept_longer,
                        "pupil's records are",
                        "pupils' records are"
                    )
                ))
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
            );
        }
        for d in r.due.iter().take(SHOWN) {
            c = c.push(self.due_view(d, hide_names));
        }
        if r.due.len() > SHOWN {
            c = c.push(
                text(format!(
                    "and {} more (keyholder retention review lists them all).",
                    r.due.len() - SHOWN
                ))
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
            );
        }
        if !r.holds.is_empty() {
            c = c.push(text("On hold").size(theme::TEXT_BODY).font(BOLD));
            for h in &r.holds {
                c = c.push(
                    row![
                        column![
                            text(h.pupil.label(hide_names)).size(theme::TEXT_BODY),
                            text(format!(
                                "{} · placed by {}{}",
                                h.hold.reason,
                                h.placed_by,
                                h.hold
                                    .ends_on
                                    .map(|e| format!(", until {}", e.format("%-d %b %Y")))
                                    .unwrap_or_default()
                            ))
                            .size(theme::TEXT_SMALL)
                            .style(theme::muted),
                        ]
                        .width(Fill),
                        form::secondary("Lift hold", Some(Message::Lift(h.hold.id))),
                    ]
                    .align_y(iced::Center)
                    .spacing(theme::SPACE_M),
                );
            }
        }
        for (title, list) in [
            (
                "Never due until a date of birth is recorded",
                &r.needs_date_of_birth,
            ),
            (
                "Left before Keyholder noted leaving days: never due under a policy counted from leaving",
                &r.needs_leaving_day,
            ),
        ] {
            if list.is_empty() {
                continue;
            }
            let mut names: Vec<String> = list
                .iter()
                .take(SHOWN)
                .map(|p| p.label(hide_names))
                .collect();
            if list.len() > SHOWN {
                names.push(format!("and {} more", list.len() - SHOWN));
            }
            c = c.push(
                column![
                    text(title).size(theme::TEXT_BODY).font(BOLD),
                    text(names.join("; ")).size(theme::TEXT_SMALL),
                ]
                .spacing(theme::SPACE_XS),
            );
        }
        c.into()
    }

    fn due_view<'a>(&'a self, d: &'a DuePupil, hide_names: bool) -> Element<'a, Message> {
        let mut c = column![
            row![
                column![
                    text(d.pupil.label(hide_names))
                        .size(theme::TEXT_BODY)
                        .font(BOLD),
                    text(format!(
                        "{} due since {}",
                        crate::model::names::count(d.incidents.len(), "record", "records"),
                        d.due_since.format("%-d %b %Y")
                    ))
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted),
                ]
                .width(Fill),
                form::secondary("Keep longer…", Some(Message::StartKeep(d.pupil.id))),
                form::secondary("Place a hold…", Some(Message::StartHold(d.pupil.id))),
            ]
            .spacing(theme::SPACE_S)
            .align_y(iced::Center),
        ]
        .spacing(theme::SPACE_XS);
        for i in &d.incidents {
            c = c.push(
                text(format!(
                    "{} · {} · {}, then {}",
                    i.day.format("%-d %b %Y"),
                    i.category,
                    i.why,
                    i.policy.then.key()
                ))
                .size(theme::TEXT_SMALL),
            );
        }
        match &self.form {
            Some(Form::Hold {
                pupil,
                reason,
                until,
            }) if *pupil == d.pupil.id => {
                c = c.push(
                    row![
                        container(
                            Field::new(
                                "Why the records are held",
                                HOLD_REASON,
                                reason,
                                Message::HoldReason
                            )
                            .placeholder("e.g. Requested by the local authority for an inquiry")
                            .on_submit(Message::SaveHold)
                            .view()
                        )
                        .width(Fill),
                        container(
                            Field::new("Until (optional)", HOLD_UNTIL, until, Message::HoldUntil)
                                .placeholder("dd/mm/yyyy")
                                .on_submit(Message::SaveHold)
                                .view()
                        )
                        .width(Length::Fixed(180.0)),
                        form::secondary("Cancel", Some(Message::Cancel)),
                        form::primary("Place hold", Some(Message::SaveHold)),
                    ]
                    .spacing(theme::SPACE_S)
                    .align_y(iced::Bottom),
                );
            }
            Some(Form::Keep {
                pupil,
                years,
                reason,
            }) if *pupil == d.pupil.id => {
                c = c.push(
                    row![
                        container(
                            Field::new("For more years", KEEP_YEARS, years, Message::KeepYears)
                                .on_submit(Message::SaveKeep)
                                .view()
                        )
                        .width(Length::Fixed(160.0)),
                        container(
                            Field::new("Why", KEEP_REASON, reason, Message::KeepReason)
                                .placeholder("e.g. A sibling is still on roll")
                                .on_submit(Message::SaveKeep)
                                .view()
                        )
                        .width(Fill),
                        form::secondary("Cancel", Some(Message::Cancel)),
                        form::primary("Keep records", Some(Message::SaveKeep)),
                    ]
                    .spacing(theme::SPACE_S)
                    .align_y(iced::Bottom),
                );
            }
            _ => {}
        }
        container(c).padding([theme::SPACE_S, 0.0]).into()
    }
}
