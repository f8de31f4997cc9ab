//! Admin > Data Destruction Policies (needs Data destruction policy): how long each category's
//! records are kept, the pupils whose records' period is over, holds, and decisions to keep
//! records longer. A pupil is named only to someone who may open their profile.

use crate::model::retention::Destruction;
use crate::model::retention::{Basis, Policy, Then};
use crate::model::{CategoryId, HoldId, PupilId};
use crate::service::Session;
use crate::service::records::parse_day;
use crate::service::retention::{DestructionPlan, DuePupil, PolicyLine, Review, Take};
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
pub const DESTROY_PASSWORD: &str = "retention-destroy-password";
pub const REAPPLY_PASSWORD: &str = "retention-reapply-password";

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
    Mark(PupilId),
    Unmark(PupilId),
    /// Opens the confirmation, which asks for the password again.
    AskDestroy,
    DestroyPassword(String),
    Destroy,
    AskReapply,
    ReapplyPassword(String),
    Reapply,
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
    /// What Destroy would take: marked records and due ones whose policy says destroy.
    plan: DestructionPlan,
    log: Vec<Destruction>,
    /// Backups from before the latest destruction, which still hold what it destroyed.
    old_backups: Vec<(i64, String)>,
    /// The password typed into the confirmation, while it is open.
    confirming: Option<String>,
    /// Destructions an older backup's restore brought back, to be made again.
    to_reapply: Vec<Destruction>,
    reapplying: Option<String>,
    editing: Option<Editing>,
    form: Option<Form>,
    pub status: Status,
}

impl RetentionTab {
    pub fn new(session: &Session) -> RetentionTab {
        let mut t = RetentionTab {
            policies: Vec::new(),
            review: Review::default(),
            plan: DestructionPlan::default(),
            log: Vec::new(),
            old_backups: Vec::new(),
            confirming: None,
            to_reapply: Vec::new(),
            reapplying: None,
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
            self.plan = session.destruction_plan(Take::MarkedAndDue)?;
            self.log = session.destruction_log()?;
            self.old_backups = session.backups_holding_destroyed_records()?;
            self.to_reapply = session.destructions_to_reapply()?;
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

    /// What Destroy would take now.
    pub fn plan(&self) -> &DestructionPlan {
        &self.plan
    }

    fn done(&mut self, session: &Session, message: String) {
        self.editing = None;
        self.form = None;
        self.confirming = None;
        self.reapplying = None;
        self.reload(session);
        self.status = Status::done(message);
    }

    pub fn update(&mut self, message: Message, session: &mut Session) -> Action {
        self.status.clear_unless_problem();
        match message {
            Message::Escape | Message::Cancel => {
                self.editing = None;
                self.form = None;
                self.confirming = None;
                self.reapplying = None;
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
            Message::Mark(pupil) => match session.mark_for_destruction(pupil) {
                Ok(n) => self.done(
                    session,
                    format!(
                        "Marked {} for destruction. Nothing is destroyed until you confirm it below with your password.",
                        crate::model::names::count(n, "record", "records")
                    ),
                ),
                Err(e) => self.status = Status::problem(e),
            },
            Message::Unmark(pupil) => match session.unmark_for_destruction(pupil) {
                Ok(()) => self.done(session, "The mark has been taken back.".into()),
                Err(e) => self.status = Status::problem(e),
            },
            Message::AskDestroy => {
                self.editing = None;
                self.form = None;
                self.confirming = Some(String::new());
                return Action::Effect(Effect::Focus(DESTROY_PASSWORD));
            }
            Message::DestroyPassword(p) => {
                if let Some(typed) = &mut self.confirming {
                    *typed = p;
                }
            }
            Message::Destroy => {
                if let Some(password) = self.confirming.clone() {
                    match session.destroy_records(Take::MarkedAndDue, &password) {
                        Ok(done) => self.done(
                            session,
                            format!(
                                "Destroyed {}. Each destruction is in the log below. Backups made before now still hold these records.",
                                done.describe()
                            ),
                        ),
                        Err(e) => {
                            self.status = Status::problem(e);
                            self.confirming = Some(String::new());
                            return Action::Effect(Effect::Focus(DESTROY_PASSWORD));
                        }
                    }
                }
            }
            Message::AskReapply => {
                self.reapplying = Some(String::new());
                return Action::Effect(Effect::Focus(REAPPLY_PASSWORD));
            }
            Message::ReapplyPassword(p) => {
                if let Some(typed) = &mut self.reapplying {
                    *typed = p;
                }
            }
            Message::Reapply => {
                if let Some(password) = self.reapplying.clone() {
                    match session.reapply_destructions(&password) {
                        Ok(n) => self.done(
                            session,
                            format!(
                                "Destroyed again: {}. The log is as it was before the restore.",
                                crate::model::names::count(n, "record", "records")
                            ),
                        ),
                        Err(e) => {
                            self.status = Status::problem(e);
                            self.reapplying = Some(String::new());
                            return Action::Effect(Effect::Focus(REAPPLY_PASSWORD));
                        }
                    }
                }
            }
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
        if !self.to_reapply.is_empty() {
            c = c.push(form::panel(self.reapply_view()));
        }
        c = c.push(form::panel(self.policies_view()));
        c = c.push(form::panel(self.review_view(hide_names)));
        c = c.push(form::panel(self.destruction_view()));
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
                    "{} with records whose period is over, the longest overdue first. Review each: keep the records longer, place a hold, or mark them for destruction.",
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
                if d.incidents.iter().any(|i| i.marked) {
                    form::secondary("Take back the mark", Some(Message::Unmark(d.pupil.id)))
                } else {
                    form::secondary("Mark for destruction", Some(Message::Mark(d.pupil.id)))
                },
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
                    "{} · {} · {}, then {}{}",
                    i.day.format("%-d %b %Y"),
                    i.category,
                    i.why,
                    i.policy.then.key(),
                    if i.marked {
                        " · marked for destruction"
                    } else {
                        ""
                    }
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

    fn reapply_view(&self) -> Element<'_, Message> {
        let mut c = column![form::warning(format!(
            "This school was restored from a backup taken before {} ({}). Those records are back in the school file: destroy them again.",
            crate::model::names::count(self.to_reapply.len(), "destruction", "destructions"),
            self.to_reapply
                .iter()
                .map(|d| format!(
                    "MIS ID {}: {}",
                    d.mis_id.as_deref().unwrap_or("none"),
                    d.counts
                ))
                .collect::<Vec<_>>()
                .join("; ")
        ))]
        .spacing(theme::SPACE_S);
        c = c.push(match &self.reapplying {
            None => form::actions(
                Vec::new(),
                form::danger("Destroy them again…", Message::AskReapply),
            ),
            Some(typed) => row![
                container(
                    Field::new(
                        "Your password, to confirm",
                        REAPPLY_PASSWORD,
                        typed,
                        Message::ReapplyPassword
                    )
                    .secure()
                    .on_submit(Message::Reapply)
                    .view()
                )
                .width(Length::Fixed(360.0)),
                form::secondary("Cancel", Some(Message::Cancel)),
                form::danger("Destroy again for good", Message::Reapply),
            ]
            .spacing(theme::SPACE_S)
            .align_y(iced::Bottom)
            .into(),
        });
        c.into()
    }

    fn destruction_view(&self) -> Element<'_, Message> {
        let mut c =
            column![text("Destruction").size(theme::TEXT_LARGE).font(BOLD)].spacing(theme::SPACE_S);
        if self.plan.is_empty() {
            c = c.push(
                text("Nothing is ready for destruction: mark a pupil's due records above, or give a category a policy that ends in destroy.")
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted),
            );
        } else {
            c = c.push(
                text(format!(
                    "Ready for destruction: {} (marked after a review, or due under a policy that ends in destroy). Held pupils' records are never included.",
                    self.plan.describe()
                ))
                .size(theme::TEXT_BODY),
            );
            match &self.confirming {
                None => {
                    c = c.push(form::actions(
                        Vec::new(),
                        form::danger("Destroy these records…", Message::AskDestroy),
                    ))
                }
                Some(typed) => {
                    c = c.push(form::warning(format!(
                        "This destroys {} for good: their incidents, actions, earlier wordings and monitoring, and a pupil's own record when nothing of theirs is left. It cannot be undone. Backups made before now will still hold them.",
                        self.plan.describe()
                    )));
                    c = c.push(
                        row![
                            container(
                                Field::new(
                                    "Your password, to confirm",
                                    DESTROY_PASSWORD,
                                    typed,
                                    Message::DestroyPassword
                                )
                                .secure()
                                .on_submit(Message::Destroy)
                                .view()
                            )
                            .width(Length::Fixed(360.0)),
                            form::secondary("Cancel", Some(Message::Cancel)),
                            form::danger("Destroy for good", Message::Destroy),
                        ]
                        .spacing(theme::SPACE_S)
                        .align_y(iced::Bottom),
                    );
                }
            }
        }
        if !self.old_backups.is_empty() {
            let files: Vec<String> = self
                .old_backups
                .iter()
                .map(|(at, name)| format!("{name} ({})", crate::clock::format_local(*at)))
                .collect();
            c = c.push(form::info(format!(
                "These backups were made before the last destruction and still hold what it destroyed: {}. Destroy or replace them when your school's policy says so.",
                files.join("; ")
            )));
        }
        c = c.push(text("Destruction log").size(theme::TEXT_BODY).font(BOLD));
        c = c.push(
            text("Kept for ever and never changed: whose records by MIS ID, what by category and days, the policy, when and on whose authority. Never what the records said.")
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
        );
        if self.log.is_empty() {
            c = c.push(
                text("Nothing has been destroyed.")
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted),
            );
        }
        for d in self.log.iter().rev().take(SHOWN) {
            c = c.push(
                text(d.summary(&crate::clock::format_local(d.destroyed_at)))
                    .size(theme::TEXT_SMALL),
            );
        }
        c.into()
    }
}
