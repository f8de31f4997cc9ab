//! A pupil's chronology, opened from their profile: every incident, action and status change the
//! person may see, in date order (a backdated incident at its own date), narrowed by category and
//! dates, and exported as a PDF for a case conference, with staff named or by role.

use crate::model::PupilId;
use crate::model::casework::ChronologyFilter;
use crate::service::Session;
use crate::service::casework::{
    Chronology, ChronologyEntry, Entry, suggested_pdf_name, typed_pdf_destination,
};
use crate::service::records::{CategoryChoice, parse_day};
use crate::ui::effect::{Dialog, Effect, FileDialog};
use crate::ui::theme;
use crate::ui::widget::focus::focusable;
use crate::ui::widget::form::{self, BOLD, Field};
use crate::ui::widget::status::Status;
use iced::widget::{checkbox, column, container, pick_list, row, text};
use iced::{Element, Fill, Length};
use std::path::PathBuf;

pub const FROM: &str = "chronology-from";
pub const TO: &str = "chronology-to";
pub const PATH: &str = "chronology-path";

/// The category drop-down's choices: every category, or one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CategoryOption {
    All,
    One(CategoryChoice),
}

impl std::fmt::Display for CategoryOption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CategoryOption::All => f.write_str("Every category you may view"),
            CategoryOption::One(c) => f.write_str(&c.label),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    Back,
    Category(CategoryOption),
    From(String),
    To(String),
    /// Enter in a date box, or Show: the dates typed are applied.
    Apply,
    Statuses(bool),
    /// Opens the file dialog for the PDF, named or anonymised.
    Export {
        anonymised: bool,
    },
    /// The dialog's answer, or a typed place.
    Save {
        anonymised: bool,
        path: Option<PathBuf>,
    },
    Path(String),
    SaveTyped,
}

pub enum Action {
    Effect(Effect<Message>),
    Close,
}

pub struct ChronologyPage {
    pupil: PupilId,
    pub chronology: Chronology,
    category: CategoryOption,
    from: String,
    to: String,
    statuses: bool,
    path: String,
    pub status: Status,
}

impl ChronologyPage {
    pub fn open(session: &Session, pupil: PupilId) -> crate::service::Result<ChronologyPage> {
        let chronology = session.chronology(pupil, &ChronologyFilter::default())?;
        Ok(ChronologyPage {
            pupil,
            chronology,
            category: CategoryOption::All,
            from: String::new(),
            to: String::new(),
            statuses: true,
            path: String::new(),
            status: Status::Quiet,
        })
    }

    /// The filter as chosen on screen, or what is wrong with a date typed.
    fn filter(&self) -> Result<ChronologyFilter, String> {
        let day = |t: &str| match t.trim() {
            "" => Ok(None),
            t => parse_day(t).map(Some).map_err(|e| e.to_string()),
        };
        let (from, to) = (day(&self.from)?, day(&self.to)?);
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            return Err("The last day comes before the first. Please check the dates.".into());
        }
        Ok(ChronologyFilter {
            category: match &self.category {
                CategoryOption::All => None,
                CategoryOption::One(c) => Some(c.id),
            },
            from,
            to,
            statuses: self.statuses,
        })
    }

    fn refresh(&mut self, session: &Session) {
        match self.filter().and_then(|f| {
            session
                .chronology(self.pupil, &f)
                .map_err(|e| e.to_string())
        }) {
            Ok(c) => {
                self.chronology = c;
                self.status.clear_problem();
            }
            Err(e) => self.status = Status::problem(e),
        }
    }

    pub fn update(&mut self, message: Message, session: &mut Session) -> Action {
        match message {
            Message::Back => return Action::Close,
            Message::Category(c) => {
                self.category = c;
                self.refresh(session);
            }
            Message::Statuses(on) => {
                self.statuses = on;
                self.refresh(session);
            }
            Message::From(f) => self.from = f,
            Message::To(t) => self.to = t,
            Message::Apply => self.refresh(session),
            Message::Path(p) => self.path = p,
            Message::Export { anonymised } => {
                let file_name =
                    suggested_pdf_name(&self.chronology.pupil, anonymised, crate::clock::now());
                return Action::Effect(Effect::Dialog(Dialog::new(
                    FileDialog::SavePdf { file_name },
                    move |path| Message::Save { anonymised, path },
                )));
            }
            Message::SaveTyped => {
                let name = suggested_pdf_name(&self.chronology.pupil, false, crate::clock::now());
                match typed_pdf_destination(&self.path, &name) {
                    Ok(path) => {
                        return self.update(
                            Message::Save {
                                anonymised: false,
                                path: Some(path),
                            },
                            session,
                        );
                    }
                    Err(e) => self.status = Status::problem(e),
                }
            }
            Message::Save { path: None, .. } => {}
            Message::Save {
                anonymised,
                path: Some(path),
            } => {
                let result = self.filter().and_then(|f| {
                    session
                        .export_chronology_pdf(self.pupil, &f, anonymised, &path)
                        .map_err(|e| e.to_string())
                });
                self.status = match result {
                    Ok(made) => Status::done(format!(
                        "Saved the {}chronology ({}, {}) to {}.",
                        if anonymised { "anonymised " } else { "" },
                        crate::model::names::count(made.entries, "entry", "entries"),
                        crate::model::names::count(made.pages, "page", "pages"),
                        path.display()
                    )),
                    Err(e) => Status::problem(e),
                };
            }
        }
        Action::Effect(Effect::None)
    }

    pub fn view(&self, hide_names: bool) -> Element<'_, Message> {
        let c = &self.chronology;
        let mut choices = vec![CategoryOption::All];
        choices.extend(c.categories.iter().cloned().map(CategoryOption::One));
        let filters = row![
            column![
                text("Category").size(theme::TEXT_SMALL).font(BOLD),
                focusable(
                    pick_list(choices, Some(self.category.clone()), Message::Category)
                        .padding(theme::SPACE_S + 2.0)
                        .width(Fill)
                ),
            ]
            .spacing(theme::SPACE_XS)
            .width(Length::FillPortion(3)),
            container(
                Field::new("From", FROM, &self.from, Message::From)
                    .placeholder("dd/mm/yyyy")
                    .on_submit(Message::Apply)
                    .view()
            )
            .width(Length::FillPortion(2)),
            container(
                Field::new("To", TO, &self.to, Message::To)
                    .placeholder("dd/mm/yyyy")
                    .on_submit(Message::Apply)
                    .view()
            )
            .width(Length::FillPortion(2)),
            column![
                iced::widget::space().height(Length::Fixed(18.0)),
                form::secondary("Show", Some(Message::Apply)),
            ],
        ]
        .spacing(theme::SPACE_M)
        .align_y(iced::Bottom);
        let mut page = column![
            row![
                form::secondary("← Back to the profile", Some(Message::Back)),
                iced::widget::space().width(Fill),
                form::secondary(
                    "Export anonymised PDF…",
                    Some(Message::Export { anonymised: true })
                ),
                form::primary(
                    "Export as PDF…",
                    Some(Message::Export { anonymised: false })
                ),
            ]
            .spacing(theme::SPACE_S)
            .align_y(iced::Center),
            form::heading(
                "Chronology",
                Some("Every incident, action and status change you may see, in date order."),
            ),
            text(format!(
                "{} · {}",
                c.pupil.display_name(hide_names),
                if c.groups.is_empty() {
                    "no groups".to_string()
                } else {
                    c.groups.join(", ")
                }
            ))
            .size(theme::TEXT_BODY)
            .style(theme::muted),
            filters,
            focusable(
                checkbox(self.statuses)
                    .label("Include status changes (child protection plan, child in need, ...)")
                    .on_toggle(Message::Statuses)
                    .size(16)
                    .text_size(theme::TEXT_BODY)
            ),
        ]
        .spacing(theme::SPACE_M);
        page = page.push(self.status.view());
        page = page.push(
            Field::new("Or save the PDF in", PATH, &self.path, Message::Path)
                .placeholder("Type a folder or file (for example E:\\) and press Enter")
                .on_submit(Message::SaveTyped)
                .view(),
        );
        let mut list = column![
            text(format!(
                "{}, {}",
                crate::model::names::capitalise(&crate::model::names::count(
                    c.entries.len(),
                    "entry",
                    "entries"
                )),
                c.filter.describe_days()
            ))
            .size(theme::TEXT_HEADING)
            .font(BOLD)
        ]
        .spacing(theme::SPACE_S);
        if c.entries.is_empty() {
            list = list.push(
                text("Nothing to show for these dates and categories.").size(theme::TEXT_BODY),
            );
        }
        for e in &c.entries {
            list = list.push(entry_view(e));
        }
        page = page.push(
            container(list)
                .padding(theme::SPACE_L)
                .width(Fill)
                .style(theme::card),
        );
        page.into()
    }
}

fn entry_view(e: &ChronologyEntry) -> Element<'_, Message> {
    let when = e.when();
    let mut body = column![
        text(match &e.what {
            Entry::Incident { category, .. } => format!("Incident · {category}"),
            other => other.title(),
        })
        .size(theme::TEXT_BODY)
        .font(BOLD)
    ]
    .spacing(theme::SPACE_XS);
    match &e.what {
        Entry::Incident { description, .. } => {
            body = body.push(text(description.as_str()).size(theme::TEXT_BODY));
        }
        Entry::Action {
            description,
            rationale,
            ..
        } => {
            body = body.push(
                text(e.what.about().unwrap_or_default())
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted),
            );
            body = body.push(text(description.as_str()).size(theme::TEXT_BODY));
            if !rationale.is_empty() {
                body = body.push(text(format!("Why: {rationale}")).size(theme::TEXT_BODY));
            }
        }
        Entry::StatusStarted { note, .. } if !note.is_empty() => {
            body = body.push(text(note.as_str()).size(theme::TEXT_BODY));
        }
        _ => {}
    }
    body = body.push(
        text(e.what.by(false))
            .size(theme::TEXT_SMALL)
            .style(theme::muted),
    );
    let indent = if matches!(e.what, Entry::Action { .. }) {
        theme::SPACE_L
    } else {
        0.0
    };
    container(
        row![
            text(when)
                .size(theme::TEXT_SMALL)
                .font(BOLD)
                .style(theme::muted)
                .width(Length::Fixed(150.0)),
            body.width(Fill),
        ]
        .spacing(theme::SPACE_M),
    )
    .padding(iced::Padding::from(theme::SPACE_S).left(theme::SPACE_S + indent))
    .width(Fill)
    .style(theme::card)
    .into()
}
