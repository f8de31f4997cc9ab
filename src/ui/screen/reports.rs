//! Reports (Run reports): incidents by category, pupils with frequent concerns, actions by
//! outcome (with each referral and what came of it) and pupils with each status, per month or
//! term and by House, Academic Level or Registration Form if asked, as a chart and a table,
//! written to CSV or PDF on request. A report's settings can be saved under a name and, with Share saved reports,
//! shared with user groups, whose members run it under their own access.

use crate::model::report::{DateRange, Period, ReportKind, ReportSpec};
use crate::model::{CategoryId, GroupType, SavedReportId, SystemPermission, UserGroupId};
use crate::service::records::{CategoryChoice, parse_day};
use crate::service::reports::{Report, SavedReportView};
use crate::service::{Me, Session};
use crate::ui::effect::{Dialog, Effect, FileDialog, Work};
use crate::ui::theme;
use crate::ui::widget::bar_chart::BarChart;
use crate::ui::widget::focus::focusable;
use crate::ui::widget::form::{self, BOLD, Field};
use crate::ui::widget::status::Status;
use iced::widget::{checkbox, column, container, progress_bar, row, scrollable, text};
use iced::{Element, Fill, Length};
use std::collections::BTreeSet;
use std::path::PathBuf;

pub const FROM: &str = "report-from";
pub const TO: &str = "report-to";
pub const LAST_DAYS: &str = "report-last-days";
pub const MORE_THAN: &str = "report-more-than";
pub const WITHIN_DAYS: &str = "report-within-days";
pub const SAVE_NAME: &str = "report-save-name";

/// Which days, as the form offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeChoice {
    SchoolYear,
    LastDays,
    Between,
}

impl RangeChoice {
    const ALL: [RangeChoice; 3] = [
        RangeChoice::SchoolYear,
        RangeChoice::LastDays,
        RangeChoice::Between,
    ];
}

impl std::fmt::Display for RangeChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RangeChoice::SchoolYear => "This school year",
            RangeChoice::LastDays => "The last few days",
            RangeChoice::Between => "Between two dates",
        })
    }
}

/// Rows by category alone, or by a group type as well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct By(pub Option<GroupType>);

impl By {
    const ALL: [By; 4] = [
        By(None),
        By(Some(GroupType::AcademicLevel)),
        By(Some(GroupType::RegistrationForm)),
        By(Some(GroupType::House)),
    ];
}

impl std::fmt::Display for By {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            None => f.write_str("Not by class"),
            Some(t) => write!(f, "By {}", t.label()),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    Kind(ReportKind),
    Range(RangeChoice),
    LastDays(String),
    From(String),
    To(String),
    Per(Period),
    By(By),
    Category(CategoryId, bool),
    AllCategories,
    MoreThan(String),
    WithinDays(String),
    Run,
    /// The progress bar is showing: now count.
    Go,
    Saved(SavedReportView),
    RunSaved,
    RemoveSaved,
    SaveName(String),
    Save,
    Share(UserGroupId, bool),
    SaveSharing,
    ExportCsv,
    CsvChosen(Option<PathBuf>),
    ExportPdf,
    PdfChosen(Option<PathBuf>),
}

pub enum Action {
    Effect(Effect<Message>),
}

/// What the next Go runs.
#[derive(Debug, Clone)]
enum Job {
    Spec(ReportSpec),
    Saved(SavedReportId),
}

pub struct ReportsTab {
    kind: ReportKind,
    range: RangeChoice,
    last_days: String,
    from: String,
    to: String,
    per: Period,
    by: By,
    categories: Vec<CategoryChoice>,
    /// Empty: every category the reader may read.
    chosen: BTreeSet<CategoryId>,
    more_than: String,
    within_days: String,
    saved: Vec<SavedReportView>,
    selected: Option<SavedReportView>,
    save_name: String,
    share_targets: Vec<(UserGroupId, String)>,
    share_ticked: BTreeSet<UserGroupId>,
    running: Option<Job>,
    pub report: Option<Report>,
    pub status: Status,
}

impl ReportsTab {
    pub fn new(session: &Session) -> ReportsTab {
        let today = chrono::Local::now().date_naive();
        let mut t = ReportsTab {
            kind: ReportKind::Incidents,
            range: RangeChoice::SchoolYear,
            last_days: "30".into(),
            from: (today - chrono::Days::new(90))
                .format("%d/%m/%Y")
                .to_string(),
            to: today.format("%d/%m/%Y").to_string(),
            per: Period::Month,
            by: By(None),
            categories: Vec::new(),
            chosen: BTreeSet::new(),
            more_than: "3".into(),
            within_days: "30".into(),
            saved: Vec::new(),
            selected: None,
            save_name: String::new(),
            share_targets: Vec::new(),
            share_ticked: BTreeSet::new(),
            running: None,
            report: None,
            status: Status::Quiet,
        };
        t.reload(session);
        t
    }

    pub fn reload(&mut self, session: &Session) {
        self.status.clear_problem();
        let loaded = session.report_categories().and_then(|c| {
            self.categories = c;
            self.saved = session.saved_reports()?;
            self.share_targets = if session
                .me()
                .permissions
                .has(SystemPermission::ShareSavedReports)
            {
                session.groups_to_share_with()?
            } else {
                Vec::new()
            };
            Ok(())
        });
        if let Err(e) = loaded {
            self.status = Status::problem(e);
        }
        self.chosen
            .retain(|c| self.categories.iter().any(|x| x.id == *c));
        if let Some(s) = &self.selected {
            self.selected = self.saved.iter().find(|x| x.id == s.id).cloned();
        }
    }

    /// Whether a report is being counted (the progress bar shows).
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// The form's settings as a report's question, or what is wrong with them.
    fn spec(&self) -> Result<ReportSpec, String> {
        let number = |s: &str, what: &str| form::whole_number(s, what, 30);
        let range = match self.range {
            RangeChoice::SchoolYear => DateRange::SchoolYear,
            RangeChoice::LastDays => DateRange::LastDays {
                days: number(&self.last_days, "days")?,
            },
            RangeChoice::Between => DateRange::Between {
                from: parse_day(&self.from).map_err(|e| e.to_string())?,
                to: parse_day(&self.to).map_err(|e| e.to_string())?,
            },
        };
        Ok(ReportSpec {
            kind: self.kind,
            range,
            per: self.per,
            by: self.by.0,
            categories: self.chosen.iter().copied().collect(),
            more_than: if self.kind == ReportKind::FrequentConcerns {
                number(&self.more_than, "concerns")?
            } else {
                3
            },
            within_days: if self.kind == ReportKind::FrequentConcerns {
                number(&self.within_days, "days")?
            } else {
                30
            },
        })
    }

    /// Fills the form with a saved report's settings.
    fn show_settings(&mut self, spec: &ReportSpec) {
        self.kind = spec.kind;
        self.per = spec.per;
        self.by = By(spec.by);
        self.chosen = spec.categories.iter().copied().collect();
        self.more_than = spec.more_than.to_string();
        self.within_days = spec.within_days.to_string();
        match spec.range {
            DateRange::SchoolYear => self.range = RangeChoice::SchoolYear,
            DateRange::LastDays { days } => {
                self.range = RangeChoice::LastDays;
                self.last_days = days.to_string();
            }
            DateRange::Between { from, to } => {
                self.range = RangeChoice::Between;
                self.from = from.format("%d/%m/%Y").to_string();
                self.to = to.format("%d/%m/%Y").to_string();
            }
        }
    }

    /// Shows the progress bar, then counts once the window has drawn it.
    fn start(&mut self, job: Job) -> Action {
        self.running = Some(job);
        Action::Effect(Effect::Run(Work::new(
            "let the window show the progress bar",
            |_| Message::Go,
        )))
    }

    pub fn update(&mut self, message: Message, session: &mut Session) -> Action {
        if !matches!(message, Message::Go) {
            self.status.clear_unless_problem();
        }
        match message {
            Message::Kind(k) => self.kind = k,
            Message::Range(r) => self.range = r,
            Message::LastDays(s) => self.last_days = s,
            Message::From(s) => self.from = s,
            Message::To(s) => self.to = s,
            Message::Per(p) => self.per = p,
            Message::By(b) => self.by = b,
            Message::Category(c, on) => {
                form::tick(&mut self.chosen, c, on);
            }
            Message::AllCategories => self.chosen.clear(),
            Message::MoreThan(s) => self.more_than = s,
            Message::WithinDays(s) => self.within_days = s,
            Message::Run => match self.spec() {
                Ok(spec) => {
                    self.status.clear();
                    return self.start(Job::Spec(spec));
                }
                Err(e) => self.status = Status::problem(e),
            },
            Message::Go => {
                let result = match self.running.take() {
                    Some(Job::Spec(spec)) => session.run_report(&spec),
                    Some(Job::Saved(id)) => session.run_saved_report(id),
                    None => return Action::Effect(Effect::None),
                };
                match result {
                    Ok(r) => {
                        self.report = Some(r);
                        self.status.clear_problem();
                    }
                    Err(e) => self.status = Status::problem(e),
                }
            }
            Message::Saved(s) => {
                self.show_settings(&s.spec);
                self.share_ticked = s.shared_with_ids.iter().copied().collect();
                if s.mine {
                    self.save_name = s.name.clone();
                }
                self.selected = Some(s);
            }
            Message::RunSaved => {
                if let Some(s) = &self.selected {
                    let id = s.id;
                    self.status.clear();
                    return self.start(Job::Saved(id));
                }
            }
            Message::RemoveSaved => {
                if let Some(s) = self.selected.take() {
                    match session.delete_saved_report(s.id) {
                        Ok(()) => {
                            self.reload(session);
                            self.status = Status::done(format!(
                                "The saved report \"{}\" has been removed.",
                                s.name
                            ));
                        }
                        Err(e) => {
                            self.status = Status::problem(e);
                            self.selected = Some(s);
                        }
                    }
                }
            }
            Message::SaveName(s) => self.save_name = s,
            Message::Save => {
                let saved = self.spec().map_err(|e| e.to_string()).and_then(|spec| {
                    session
                        .save_report(&self.save_name, &spec)
                        .map_err(|e| e.to_string())
                });
                match saved {
                    Ok(id) => {
                        self.reload(session);
                        self.selected = self.saved.iter().find(|s| s.id == id).cloned();
                        self.status = Status::done(format!(
                            "Saved as \"{}\". Only its settings are saved: each time it runs, it counts afresh.",
                            self.save_name.trim()
                        ));
                    }
                    Err(e) => {
                        self.status = Status::problem(e);
                        return Action::Effect(Effect::Focus(SAVE_NAME));
                    }
                }
            }
            Message::Share(g, on) => {
                form::tick(&mut self.share_ticked, g, on);
            }
            Message::SaveSharing => {
                if let Some(s) = &self.selected {
                    let groups: Vec<UserGroupId> = self.share_ticked.iter().copied().collect();
                    let name = s.name.clone();
                    match session.share_saved_report(s.id, &groups) {
                        Ok(()) => {
                            self.reload(session);
                            self.status = Status::done(if groups.is_empty() {
                                format!("\"{name}\" is no longer shared.")
                            } else {
                                format!(
                                    "\"{name}\" is shared. Each member who runs it sees only what their own access allows."
                                )
                            });
                        }
                        Err(e) => self.status = Status::problem(e),
                    }
                }
            }
            Message::ExportCsv => {
                if let Some(r) = &self.report {
                    return Action::Effect(Effect::Dialog(Dialog::new(
                        FileDialog::SaveReportCsv {
                            file_name: file_name(r, "csv"),
                        },
                        Message::CsvChosen,
                    )));
                }
            }
            Message::ExportPdf => {
                if let Some(r) = &self.report {
                    return Action::Effect(Effect::Dialog(Dialog::new(
                        FileDialog::SavePdf {
                            file_name: file_name(r, "pdf"),
                        },
                        Message::PdfChosen,
                    )));
                }
            }
            Message::PdfChosen(None) => {}
            Message::PdfChosen(Some(path)) => {
                if let Some(r) = &self.report {
                    // Named in full, as the CSV file is.
                    match session.export_report_pdf(r, &path, false) {
                        Ok(pages) => {
                            self.status = Status::done(format!(
                                "The report has been written to {} ({}).",
                                path.display(),
                                crate::model::names::count(pages, "page", "pages")
                            ))
                        }
                        Err(e) => self.status = Status::problem(e),
                    }
                }
            }
            Message::CsvChosen(None) => {}
            Message::CsvChosen(Some(path)) => {
                if let Some(r) = &self.report {
                    // A file for the safeguarding team names pupils in full; Hide Names is
                    // for what shows on the screen.
                    match session.export_report_csv(r, &path, false) {
                        Ok(()) => {
                            self.status = Status::done(format!(
                                "The report has been written to {}.",
                                path.display()
                            ))
                        }
                        Err(e) => self.status = Status::problem(e),
                    }
                }
            }
        }
        Action::Effect(Effect::None)
    }

    pub fn view<'a>(&'a self, me: &'a Me, hide_names: bool) -> Element<'a, Message> {
        let mut c = column![
            form::section_title("Reports"),
            text("Reports count only the pupils whose profiles you may open and the categories you may read incidents in.")
                .size(theme::TEXT_BODY)
                .style(theme::muted),
        ]
        .spacing(theme::SPACE_M);
        c = c.push(self.status.view());
        c = c.push(form::panel(self.settings_view(me)));
        if self.running.is_some() {
            c = c.push(form::panel(
                column![
                    text("Counting…").size(theme::TEXT_BODY),
                    progress_bar(0.0..=1.0, 0.5).girth(8.0),
                ]
                .spacing(theme::SPACE_S),
            ));
        } else if let Some(r) = &self.report {
            c = c.push(form::panel(report_view(r, hide_names)));
        }
        c.into()
    }

    fn settings_view<'a>(&'a self, me: &'a Me) -> Element<'a, Message> {
        let labelled_in =
            |width: Length, label: &'a str, widget: Element<'a, Message>| -> Element<'a, Message> {
                column![text(label).size(theme::TEXT_SMALL).font(BOLD), widget]
                    .spacing(theme::SPACE_XS)
                    .width(width)
                    .into()
            };
        let labelled = |label, widget| labelled_in(Fill, label, widget);
        // Fixed widths in a row that wraps: at a larger text size the choices go onto a second
        // line rather than being cut short.
        let choice = |label, widget| labelled_in(Length::Fixed(CHOICE_WIDTH), label, widget);
        let mut saved_row = row![labelled(
            "Saved reports",
            form::drop_down(
                self.saved.clone(),
                self.selected.clone(),
                Message::Saved,
                if self.saved.is_empty() {
                    "None saved yet"
                } else {
                    "Choose a saved report"
                },
                Fill,
            )
            .into(),
        )]
        .spacing(theme::SPACE_S)
        .align_y(iced::Bottom);
        if let Some(s) = &self.selected {
            saved_row =
                saved_row.push(form::secondary("Run saved report", Some(Message::RunSaved)));
            if s.mine {
                saved_row = saved_row.push(form::secondary("Remove", Some(Message::RemoveSaved)));
            }
        }
        let mut c = column![saved_row].spacing(theme::SPACE_M);
        c = c.push(
            row![
                choice(
                    "Report",
                    form::drop_down(
                        ReportKind::ALL.to_vec(),
                        Some(self.kind),
                        Message::Kind,
                        "",
                        Fill
                    )
                    .into()
                ),
                choice(
                    "Rows",
                    form::drop_down(By::ALL.to_vec(), Some(self.by), Message::By, "", Fill).into()
                ),
                choice(
                    "Columns",
                    form::drop_down(Period::ALL.to_vec(), Some(self.per), Message::Per, "", Fill)
                        .into()
                ),
                choice(
                    "Days",
                    form::drop_down(
                        RangeChoice::ALL.to_vec(),
                        Some(self.range),
                        Message::Range,
                        "",
                        Fill
                    )
                    .into()
                ),
            ]
            .spacing(theme::SPACE_M)
            .wrap()
            .vertical_spacing(theme::SPACE_S),
        );
        let mut details = row![].spacing(theme::SPACE_M);
        match self.range {
            RangeChoice::SchoolYear => {}
            RangeChoice::LastDays => {
                details = details.push(
                    Field::new(
                        "Number of days",
                        LAST_DAYS,
                        &self.last_days,
                        Message::LastDays,
                    )
                    .on_submit(Message::Run)
                    .view(),
                );
            }
            RangeChoice::Between => {
                details = details
                    .push(
                        Field::new("From", FROM, &self.from, Message::From)
                            .placeholder("dd/mm/yyyy")
                            .on_submit(Message::Run)
                            .view(),
                    )
                    .push(
                        Field::new("To", TO, &self.to, Message::To)
                            .placeholder("dd/mm/yyyy")
                            .on_submit(Message::Run)
                            .view(),
                    );
            }
        }
        if self.kind == ReportKind::FrequentConcerns {
            details = details
                .push(
                    Field::new(
                        "More than this many concerns",
                        MORE_THAN,
                        &self.more_than,
                        Message::MoreThan,
                    )
                    .on_submit(Message::Run)
                    .view(),
                )
                .push(
                    Field::new(
                        "Within this many days",
                        WITHIN_DAYS,
                        &self.within_days,
                        Message::WithinDays,
                    )
                    .on_submit(Message::Run)
                    .view(),
                );
        }
        // No empty row (and its spacing) when there is nothing more to ask.
        if self.range != RangeChoice::SchoolYear || self.kind == ReportKind::FrequentConcerns {
            c = c.push(details);
        }
        if self.kind.uses_categories() {
            c = c.push(self.categories_view());
        }
        c = c.push(form::actions(
            Vec::new(),
            form::primary("Run report", (!self.is_running()).then_some(Message::Run)),
        ));
        c = c.push(self.saving_view(me));
        c.into()
    }

    /// The categories to count, each with its sub-categories under it.
    fn categories_view(&self) -> Element<'_, Message> {
        let mut cats = column![
            row![
                text(if self.chosen.is_empty() {
                    "Categories: all you may read".to_string()
                } else {
                    format!("Categories: {} chosen", self.chosen.len())
                })
                .size(theme::TEXT_SMALL)
                .font(BOLD)
                .width(Fill),
                form::link("All categories", Message::AllCategories),
            ]
            .align_y(iced::Center)
        ]
        .spacing(theme::SPACE_XS);
        // Each category with its sub-categories under it, the categories side by side.
        let mut groups = row![].spacing(theme::SPACE_L);
        let mut group = column![].spacing(2.0);
        for (i, cat) in self.categories.iter().enumerate() {
            if i > 0 && cat.parent.is_none() {
                groups = groups.push(container(group).width(Length::Fixed(230.0)));
                group = column![].spacing(2.0);
            }
            let id = cat.id;
            let label = if cat.parent.is_some() {
                format!("    {}", cat.name)
            } else {
                cat.name.clone()
            };
            group = group.push(focusable(
                checkbox(self.chosen.contains(&id))
                    .label(label)
                    .on_toggle(move |on| Message::Category(id, on))
                    .size(16)
                    .text_size(theme::TEXT_SMALL),
            ));
        }
        groups = groups.push(container(group).width(Length::Fixed(230.0)));
        cats = cats.push(groups.wrap().vertical_spacing(theme::SPACE_M));
        cats.into()
    }

    fn saving_view<'a>(&'a self, me: &'a Me) -> Element<'a, Message> {
        let mut c = column![].spacing(theme::SPACE_M);
        // Saving and sharing the question.
        let mut save = row![
            container(
                Field::new(
                    "Save these settings as",
                    SAVE_NAME,
                    &self.save_name,
                    Message::SaveName
                )
                .placeholder("A name, e.g. Behaviour this term")
                .on_submit(Message::Save)
                .view()
            )
            .width(Fill),
            form::secondary("Save report", Some(Message::Save)),
        ]
        .spacing(theme::SPACE_S)
        .align_y(iced::Bottom);
        save = save.width(Fill);
        c = c.push(save);
        if let Some(s) = &self.selected
            && s.mine
            && me.permissions.has(SystemPermission::ShareSavedReports)
        {
            let mut share = column![
                text(format!("Share \"{}\" with", s.name))
                    .size(theme::TEXT_SMALL)
                    .font(BOLD),
                text("Members run it under their own access: they see only their own pupils and categories.")
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted),
            ]
            .spacing(theme::SPACE_XS);
            for (id, name) in &self.share_targets {
                let id = *id;
                share = share.push(focusable(
                    checkbox(self.share_ticked.contains(&id))
                        .label(name.as_str())
                        .on_toggle(move |on| Message::Share(id, on))
                        .size(16)
                        .text_size(theme::TEXT_SMALL),
                ));
            }
            share = share.push(form::secondary("Save sharing", Some(Message::SaveSharing)));
            c = c.push(share);
        }
        c.into()
    }
}

/// "Actions by outcome 2026-03-14.pdf": the report's name or title and its last day.
fn file_name(r: &Report, extension: &str) -> String {
    format!(
        "{} {}.{extension}",
        r.name.clone().unwrap_or_else(|| r.title.clone()),
        r.to.format("%Y-%m-%d")
    )
    .replace(['/', '\\', ':'], "-")
}

/// The width of each of the report's choices (what, rows, columns, days).
const CHOICE_WIDTH: f32 = 260.0;
const FIRST_COLUMN: f32 = 280.0;
const COUNT_COLUMN: f32 = 86.0;

fn cells<'a>(first: String, rest: Vec<String>, bold: bool, indent: u8) -> Element<'a, Message> {
    let font = if bold { BOLD } else { iced::Font::DEFAULT };
    let colour: theme::TextStyle = if bold { theme::muted } else { theme::plain };
    let mut r = row![
        container(
            text(format!("{}{first}", "    ".repeat(usize::from(indent))))
                .size(theme::TEXT_SMALL)
                .font(font)
                .style(colour)
        )
        .width(Length::Fixed(FIRST_COLUMN))
    ];
    for cell in rest {
        r = r.push(
            container(text(cell).size(theme::TEXT_SMALL).font(font).style(colour))
                .width(Length::Fixed(COUNT_COLUMN))
                .align_right(Length::Fixed(COUNT_COLUMN)),
        );
    }
    container(r).padding([3.0, 0.0]).into()
}

fn report_view(r: &Report, hide_names: bool) -> Element<'_, Message> {
    let mut c = column![
        row![
            column![
                text(r.name.clone().unwrap_or_else(|| r.title.clone()))
                    .size(theme::TEXT_LARGE)
                    .font(BOLD),
                text(if r.name.is_some() {
                    format!("{}, {}", r.title, r.range_text())
                } else {
                    r.range_text()
                })
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
            ]
            .width(Fill),
            row![
                form::secondary("Export CSV…", Some(Message::ExportCsv)),
                form::secondary("Export PDF…", Some(Message::ExportPdf)),
            ]
            .spacing(theme::SPACE_S),
        ]
        .align_y(iced::Center),
    ]
    .spacing(theme::SPACE_M);
    for n in &r.notes {
        c = c.push(form::info(n.as_str()));
    }
    c = c.push(
        BarChart {
            columns: &r.table.columns,
            series: &r.table.series,
            bars: &r.table.bars,
        }
        .view(),
    );
    let first_title = match r.spec.by {
        Some(t) => format!("{} · {}", t.label(), r.spec.kind.row_title()),
        None => r.spec.kind.row_title().into(),
    };
    let mut header: Vec<String> = r.table.columns.clone();
    header.push("Total".into());
    let mut table = column![cells(first_title, header, true, 0)];
    let mut last_group: Option<&str> = None;
    for row in &r.table.rows {
        if let Some(g) = row.group.as_deref()
            && last_group != Some(g)
        {
            table = table.push(text(g.to_string()).size(theme::TEXT_BODY).font(BOLD));
            last_group = Some(g);
        }
        let mut counts: Vec<String> = row.counts.iter().map(u32::to_string).collect();
        counts.push(row.total.to_string());
        table = table.push(cells(row.name.clone(), counts, false, row.depth));
    }
    c = c.push(
        scrollable(table).direction(scrollable::Direction::Horizontal(
            scrollable::Scrollbar::default(),
        )),
    );
    c = c.push(
        text(r.spec.kind.counted(r.table.total))
            .size(theme::TEXT_SMALL)
            .style(theme::muted),
    );
    match r.spec.kind {
        ReportKind::ActionsByOutcome => c = c.push(referrals_view(r, hide_names)),
        ReportKind::OpenStatuses => c = c.push(open_statuses_view(r, hide_names)),
        ReportKind::Incidents | ReportKind::FrequentConcerns => {}
    }
    if r.spec.kind == ReportKind::FrequentConcerns {
        let mut pupils = column![
            text(format!(
                "Pupils with more than {} in {} days",
                crate::model::names::count(r.spec.more_than as usize, "concern", "concerns"),
                r.spec.within_days
            ))
            .size(theme::TEXT_BODY)
            .font(BOLD)
        ]
        .spacing(theme::SPACE_XS);
        if r.pupils.is_empty() {
            pupils = pupils.push(
                text("None among the pupils you may see.")
                    .size(theme::TEXT_BODY)
                    .style(theme::muted),
            );
        }
        for p in &r.pupils {
            pupils = pupils.push(
                text(format!(
                    "{} ({}): {} between {} and {} ({} in the whole range)",
                    p.pupil.display_name(hide_names),
                    p.pupil.class,
                    crate::model::names::count(p.most as usize, "concern", "concerns"),
                    p.first.format("%-d %b"),
                    p.last.format("%-d %b %Y"),
                    p.in_range
                ))
                .size(theme::TEXT_BODY),
            );
        }
        c = c.push(pupils);
    }
    c.into()
}

/// Each referral out of school in the range, and what was done about the incident since.
fn referrals_view(r: &Report, hide_names: bool) -> Element<'_, Message> {
    let mut c = column![
        text("Referrals and what came of them")
            .size(theme::TEXT_BODY)
            .font(BOLD),
        text("Each referral to children's social care, the LADO or the police in these dates, with what was last done about the incident.")
            .size(theme::TEXT_SMALL)
            .style(theme::muted),
    ]
    .spacing(theme::SPACE_XS);
    if r.referrals.is_empty() {
        c = c.push(
            text("None among the pupils and categories you may see.")
                .size(theme::TEXT_BODY)
                .style(theme::muted),
        );
    }
    let mut list = column![].spacing(theme::SPACE_S);
    for x in &r.referrals {
        list = list.push(
            column![
                text(format!(
                    "{}: {} ({})",
                    x.referred_on.format("%-d %b %Y"),
                    x.pupil.display_name(hide_names),
                    x.pupil.class
                ))
                .size(theme::TEXT_BODY)
                .font(BOLD),
                text(format!(
                    "{}, about {} on {}; {}.",
                    x.outcome.label(),
                    x.category,
                    x.incident_on.format("%-d %b %Y"),
                    x.latest_text()
                ))
                .size(theme::TEXT_SMALL),
            ]
            .spacing(2.0),
        );
    }
    c.push(list).into()
}

/// For each status, the pupils with it open on the report's last day.
fn open_statuses_view(r: &Report, hide_names: bool) -> Element<'_, Message> {
    let mut c = column![
        text(format!("Open on {}", r.to.format("%-d %B %Y")))
            .size(theme::TEXT_BODY)
            .font(BOLD)
    ]
    .spacing(theme::SPACE_XS);
    for open in &r.open_statuses {
        let names = open.names(hide_names);
        c = c.push(
            text(format!(
                "{} ({}): {names}",
                open.kind.label(),
                open.pupils.len()
            ))
            .size(theme::TEXT_BODY),
        );
    }
    c.into()
}
