//! Admin > Imports: choose a CSV file from the MIS, say what it holds, check the preview (the
//! first rows, the column titles found, the column for each field, what would be added, updated
//! or rejected), then confirm. Nothing is written before Confirm.

use crate::model::import::{Field, ImportKind, rejections};
use crate::model::{GroupType, names};
use crate::service::Session;
use crate::service::import::{self, ImportReport, Preview};
use crate::ui::effect::{Dialog, Effect, FileDialog};
use crate::ui::theme;
use crate::ui::widget::focus::focusable;
use crate::ui::widget::form::{self, BOLD};
use crate::ui::widget::status::Status;
use crate::ui::widget::virtual_list::{self, Scroll};
use iced::widget::{button, checkbox, column, container, row, scrollable, text, text_input};
use iced::{Element, Fill, Length};
use std::path::PathBuf;

pub const FILE_PATH: &str = "imports-file-path";
const REJECTED: &str = "imports-rejected";
const REJECTED_ROW: f32 = 44.0;
/// Past this many, rejected rows scroll in a list that lays out only the rows in view.
const REJECTED_SHOWN: usize = 8;
const FIRST_ROWS: usize = 5;
const MISSING_NAMED: usize = 10;
const CELL_WIDTH: f32 = 150.0;
const CELL_CHARS: usize = 20;

#[derive(Debug, Clone)]
pub enum Message {
    /// The Escape key: closes what is open, innermost first.
    Escape,
    Kind(ImportKind),
    Path(String),
    /// Open the system's file window.
    Browse,
    /// What the file window returned (`None`: closed without choosing). Tests send this.
    FileChosen(Option<PathBuf>),
    /// Read the file whose path was typed.
    Load,
    Header(RowChoice),
    Column(Field, ColumnChoice),
    ArchiveMissing(bool),
    Confirm,
    Cancel,
    RejectedScrolled(Scroll),
    OpenGroups(GroupType),
    StartAgain,
}

/// What the tab asks of the home screen.
pub enum Action {
    /// The file dialog for the CSV file.
    Effect(Effect<Message>),
    OpenGroups(GroupType),
}

/// An entry of a column drop-down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnChoice {
    pub column: Option<usize>,
    label: String,
}

impl ColumnChoice {
    /// "(not imported)": the field is left out.
    pub fn not_imported() -> ColumnChoice {
        ColumnChoice {
            column: None,
            label: "(not imported)".into(),
        }
    }
}

impl std::fmt::Display for ColumnChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

/// An entry of the "column titles are on" drop-down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowChoice {
    pub row: Option<usize>,
    label: String,
}

impl std::fmt::Display for RowChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

/// A line of the rejected rows: one row and why, or how many more rows share a problem.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RejectedLine {
    Row {
        row: usize,
        column: String,
        reason: String,
    },
    More(String),
}

/// The first rows of each kind of problem, then "and 19,990 more rows …": a file with tens of
/// thousands of bad rows shows a few dozen lines, worked out once per preview, not per frame.
fn rejected_lines(p: &Preview) -> Vec<RejectedLine> {
    let mut lines = Vec::new();
    for g in rejections::summarise(&p.plan.rejected, rejections::FIRST_ROWS_SHOWN) {
        lines.extend(g.first.iter().map(|r| RejectedLine::Row {
            row: r.row,
            column: r.column.clone(),
            reason: r.reason.clone(),
        }));
        lines.extend(g.more().map(RejectedLine::More));
    }
    lines
}

pub struct ImportsTab {
    kind: ImportKind,
    path: String,
    pub preview: Option<Preview>,
    /// The preview's rejected rows, summarised.
    rejected: Vec<RejectedLine>,
    archive_missing: bool,
    rejected_scroll: Scroll,
    pub report: Option<ImportReport>,
    pub status: Status,
}

impl Default for ImportsTab {
    fn default() -> Self {
        ImportsTab::new()
    }
}

/// "Legal Forename…" for a cell too wide for the preview; line breaks shown as spaces.
fn short(text: &str) -> String {
    let flat = text.replace(['\r', '\n'], " ");
    if flat.chars().count() > CELL_CHARS {
        let cut: String = flat.chars().take(CELL_CHARS - 1).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

impl ImportsTab {
    pub fn new() -> ImportsTab {
        ImportsTab {
            kind: ImportKind::Pupils,
            path: String::new(),
            preview: None,
            rejected: Vec::new(),
            archive_missing: false,
            rejected_scroll: Scroll::default(),
            report: None,
            status: Status::Quiet,
        }
    }

    /// Escape: drop the preview (nothing has been written).
    fn escape(&mut self) -> bool {
        let open = self.preview.is_some();
        self.preview = None;
        self.archive_missing = false;
        open
    }

    /// Enter, when no text field took it, confirms a preview that can be imported.
    pub fn key(&mut self, key: &iced::keyboard::Key, session: &mut Session) -> Action {
        use iced::keyboard::{Key, key::Named};
        if matches!(key, Key::Named(Named::Enter))
            && self.preview.as_ref().is_some_and(|p| p.plan.can_import())
        {
            return self.update(Message::Confirm, session);
        }
        Action::Effect(Effect::None)
    }

    fn load(&mut self, session: &Session) {
        self.report = None;
        self.preview = None;
        self.archive_missing = false;
        self.rejected_scroll = Scroll::default();
        let path = PathBuf::from(self.path.trim());
        if self.path.trim().is_empty() {
            self.status = Status::problem("Choose a file first.");
            return;
        }
        let result = import::read_file(&path)
            .and_then(|(name, bytes)| session.preview_import(self.kind, &name, &bytes, None));
        match result {
            Ok(p) => {
                self.rejected = rejected_lines(&p);
                self.preview = Some(p);
                self.status.clear_problem();
            }
            Err(e) => self.status = Status::problem(e),
        }
    }

    pub fn update(&mut self, message: Message, session: &mut Session) -> Action {
        match message {
            Message::Escape => {
                self.escape();
                return Action::Effect(Effect::None);
            }
            Message::Kind(k) => {
                if k != self.kind {
                    self.kind = k;
                    if self.preview.is_some() {
                        self.load(session);
                    }
                }
            }
            Message::Path(p) => self.path = p,
            Message::Browse => {
                return Action::Effect(Effect::Dialog(Dialog::new(
                    FileDialog::OpenImportFile,
                    Message::FileChosen,
                )));
            }
            Message::FileChosen(Some(path)) => {
                self.path = path.display().to_string();
                self.load(session);
            }
            Message::FileChosen(None) => {}
            Message::Load => self.load(session),
            Message::Header(choice) => {
                if let Some(p) = &mut self.preview {
                    if let Err(e) = session.import_set_header(p, choice.row) {
                        self.status = Status::problem(e);
                    }
                    self.rejected = rejected_lines(p);
                }
            }
            Message::Column(field, choice) => {
                if let Some(p) = &mut self.preview {
                    if let Err(e) = session.import_set_column(p, field, choice.column) {
                        self.status = Status::problem(e);
                    }
                    self.rejected = rejected_lines(p);
                }
            }
            Message::ArchiveMissing(on) => self.archive_missing = on,
            Message::Confirm => {
                let Some(p) = &self.preview else {
                    return Action::Effect(Effect::None);
                };
                match session.apply_import(p, self.archive_missing) {
                    Ok(report) => {
                        self.report = Some(report);
                        self.preview = None;
                        self.archive_missing = false;
                        self.status.clear_problem();
                    }
                    Err(e) => self.status = Status::problem(e),
                }
            }
            Message::Cancel => {
                self.escape();
            }
            Message::RejectedScrolled(s) => self.rejected_scroll = s,
            Message::OpenGroups(t) => return Action::OpenGroups(t),
            Message::StartAgain => {
                self.report = None;
                self.path.clear();
                return Action::Effect(Effect::Focus(FILE_PATH));
            }
        }
        Action::Effect(Effect::None)
    }

    pub fn view(&self, hide_names: bool) -> Element<'_, Message> {
        let mut c = column![
            form::section_title("Imports"),
            text("Bring in pupils (with their houses, years and forms), staff or groups from a CSV file exported from your MIS, such as SIMS, Arbor or Bromcom. Nothing changes until you confirm.")
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
            self.choose_view(),
        ]
        .spacing(theme::SPACE_M);
        c = c.push(self.status.view());
        if let Some(r) = &self.report {
            c = c.push(report_view(r));
        }
        if let Some(p) = &self.preview {
            c = c.push(self.preview_view(p, hide_names));
        }
        c.into()
    }

    fn choose_view(&self) -> Element<'_, Message> {
        let kinds = ImportKind::ALL
            .iter()
            .fold(row![].spacing(theme::SPACE_XS), |r, &k| {
                r.push(focusable(
                    button(text(k.label()).size(theme::TEXT_BODY))
                        .padding([theme::SPACE_S, theme::SPACE_M])
                        .style(theme::tab_button(k == self.kind))
                        .on_press(Message::Kind(k)),
                ))
            });
        container(
            column![
                text("What does the file hold?")
                    .size(theme::TEXT_SMALL)
                    .font(BOLD),
                kinds,
                text("File").size(theme::TEXT_SMALL).font(BOLD),
                row![
                    text_input(
                        "Choose the file, or type its full path and press Enter",
                        &self.path
                    )
                    .id(FILE_PATH)
                    .on_input(Message::Path)
                    .on_submit(Message::Load)
                    .padding(theme::SPACE_S + 2.0)
                    .size(theme::TEXT_BODY)
                    .style(theme::input),
                    form::secondary("Choose file…", Some(Message::Browse)),
                ]
                .spacing(theme::SPACE_S)
                .align_y(iced::Center),
            ]
            .spacing(theme::SPACE_S),
        )
        .padding(theme::SPACE_M)
        .width(Fill)
        .style(theme::card)
        .into()
    }

    fn preview_view<'a>(&'a self, p: &'a Preview, hide_names: bool) -> Element<'a, Message> {
        let rows: Vec<RowChoice> = std::iter::once(RowChoice {
            row: None,
            label: "No row of titles".into(),
        })
        .chain(p.table.rows().take(10).enumerate().map(|(i, r)| RowChoice {
            row: Some(i),
            label: format!("Row {}", r.number),
        }))
        .collect();
        let chosen_row = rows.iter().find(|r| r.row == p.header).cloned();
        let columns: Vec<ColumnChoice> = std::iter::once(ColumnChoice::not_imported())
            .chain(
                p.column_names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| ColumnChoice {
                        column: Some(i),
                        label: n.clone(),
                    }),
            )
            .collect();
        let mapping =
            p.kind
                .fields()
                .chunks(2)
                .fold(column![].spacing(theme::SPACE_S), |col, pair| {
                    col.push(
                        pair.iter()
                            .fold(row![].spacing(theme::SPACE_L), |r, &field| {
                                let chosen = columns
                                    .iter()
                                    .find(|c| c.column == p.mapping.get(field))
                                    .cloned();
                                let label = if field.required(p.kind) {
                                    format!("{} (needed)", field.label(p.kind))
                                } else {
                                    field.label(p.kind).to_string()
                                };
                                r.push(
                                    row![
                                        text(label)
                                            .size(theme::TEXT_BODY)
                                            .width(Length::Fixed(190.0)),
                                        form::drop_down(
                                            columns.clone(),
                                            chosen,
                                            move |c| Message::Column(field, c),
                                            "",
                                            Fill,
                                        ),
                                    ]
                                    .spacing(theme::SPACE_S)
                                    .align_y(iced::Center)
                                    .width(Length::FillPortion(1)),
                                )
                            }),
                    )
                });
        let file = container(
            column![
                text(format!("Preview of {}", p.file_name))
                    .size(theme::TEXT_HEADING)
                    .font(BOLD),
                text(p.file_description())
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted),
                row![
                    text("Column titles are on").size(theme::TEXT_BODY),
                    form::drop_down(rows, chosen_row, Message::Header, "", Length::Shrink),
                ]
                .spacing(theme::SPACE_S)
                .align_y(iced::Center),
                first_rows(p, hide_names),
                text("Which column holds what")
                    .size(theme::TEXT_BODY)
                    .font(BOLD),
                mapping,
            ]
            .spacing(theme::SPACE_M),
        )
        .padding(theme::SPACE_M)
        .width(Fill)
        .style(theme::card);

        let mut summary = column![
            text("Before you confirm")
                .size(theme::TEXT_HEADING)
                .font(BOLD)
        ]
        .spacing(theme::SPACE_S);
        if p.plan.can_import() {
            for (i, line) in p.summary().into_iter().enumerate() {
                summary = summary.push(text(line).size(theme::TEXT_BODY).font(if i == 0 {
                    BOLD
                } else {
                    iced::Font::DEFAULT
                }));
            }
        } else {
            for problem in &p.plan.problems {
                summary = summary.push(form::warning(problem.as_str()));
            }
        }
        if !p.plan.rejected.is_empty() {
            summary = summary.push(self.rejected_view(p));
        }
        if !p.plan.missing.is_empty() && p.plan.can_import() {
            summary = summary.push(missing_view(p, self.archive_missing, hide_names));
        }
        summary = summary
            .push(form::actions(
                vec![form::secondary("Cancel", Some(Message::Cancel))],
                form::primary(
                    "Confirm import",
                    p.plan.can_import().then_some(Message::Confirm),
                ),
            ))
            .push(
                text("Enter confirms; Escape cancels. The import is saved all at once, or not at all.")
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted),
            );
        column![
            file,
            container(summary)
                .padding(theme::SPACE_M)
                .width(Fill)
                .style(theme::card)
        ]
        .spacing(theme::SPACE_M)
        .into()
    }

    fn rejected_view<'a>(&'a self, p: &'a Preview) -> Element<'a, Message> {
        let rejected = &self.rejected;
        let line = |i: usize| -> Element<'a, Message> {
            match &rejected[i] {
                RejectedLine::Row {
                    row: number,
                    column,
                    reason,
                } => row![
                    text(format!("Row {number}"))
                        .size(theme::TEXT_SMALL)
                        .font(BOLD)
                        .width(Length::Fixed(100.0)),
                    text(column.as_str())
                        .size(theme::TEXT_SMALL)
                        .width(Length::FillPortion(2)),
                    text(reason.as_str())
                        .size(theme::TEXT_SMALL)
                        .width(Length::FillPortion(7)),
                ]
                .spacing(theme::SPACE_S)
                .into(),
                RejectedLine::More(more) => text(more.as_str())
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted)
                    .into(),
            }
        };
        let list: Element<'a, Message> = if rejected.len() > REJECTED_SHOWN {
            container(virtual_list::view(
                REJECTED,
                rejected.len(),
                REJECTED_ROW,
                self.rejected_scroll,
                line,
                |v| Message::RejectedScrolled(Scroll::from_viewport(&v)),
            ))
            .height(Length::Fixed(REJECTED_ROW * REJECTED_SHOWN as f32))
            .clip(true)
            .into()
        } else {
            (0..rejected.len())
                .fold(column![].spacing(theme::SPACE_XS), |c, i| c.push(line(i)))
                .into()
        };
        column![
            text(format!(
                "Rejected: {} (they will not be imported; correct them in the MIS and import again)",
                crate::model::names::count(p.plan.counts().rejected, "row", "rows")
            ))
            .size(theme::TEXT_BODY)
            .font(BOLD)
            .style(theme::danger_text),
            list,
        ]
        .spacing(theme::SPACE_XS)
        .into()
    }
}

/// The first rows of the file as it was read, each mapped column marked with its field.
fn first_rows(p: &Preview, hide_names: bool) -> Element<'_, Message> {
    let mapped_to = |col: usize| p.mapping.iter().find(|(_, c)| *c == col).map(|(f, _)| f);
    // With Hide Names on, only columns known to hold no one's personal details show as they are;
    // name columns show their first letter, as names do elsewhere, and everything else (unmapped
    // columns such as a preferred name, dates of birth, e-mail addresses) is blanked.
    let shown = |col: usize, cell: &str| -> String {
        if !hide_names {
            return short(cell);
        }
        match mapped_to(col) {
            Some(Field::Forename | Field::Surname) => names::initials(cell, ""),
            Some(
                Field::MisId
                | Field::Upn
                | Field::Title
                | Field::AcademicLevel
                | Field::House
                | Field::RegistrationForm
                | Field::JobTitle
                | Field::GroupType
                | Field::GroupName,
            ) => short(cell),
            _ if cell.trim().is_empty() => String::new(),
            _ => "•••".to_string(),
        }
    };
    let field_of = |col: usize| mapped_to(col).map(|f| f.label(p.kind));
    // Cells keep to one line so rows line up; the field a column feeds may wrap, so a long
    // field name ("Academic level (year group)") is read whole.
    let cell = |content: String, bold: bool, colour: theme::TextStyle| {
        let wrapping = if content.starts_with('→') {
            text::Wrapping::Word
        } else {
            text::Wrapping::None
        };
        container(
            text(content)
                .size(theme::TEXT_SMALL)
                .font(if bold { BOLD } else { iced::Font::DEFAULT })
                .style(colour)
                .wrapping(wrapping),
        )
        .width(Length::Fixed(CELL_WIDTH))
        .clip(true)
    };
    let mut table = column![].spacing(theme::SPACE_XS);
    let width = p.column_names.len();
    table = table.push((0..width).fold(row![].spacing(theme::SPACE_S), |r, i| {
        r.push(cell(short(&p.column_names[i]), true, theme::plain))
    }));
    table = table.push((0..width).fold(row![].spacing(theme::SPACE_S), |r, i| {
        r.push(cell(
            field_of(i).map_or("not imported".into(), |f| format!("→ {f}")),
            false,
            if field_of(i).is_some() {
                theme::primary_text
            } else {
                theme::muted
            },
        ))
    }));
    let data = p
        .table
        .rows()
        .skip(p.header.map_or(0, |h| h + 1))
        .filter(|r| !r.is_blank())
        .take(FIRST_ROWS);
    for r in data {
        table = table.push((0..width).fold(row![].spacing(theme::SPACE_S), |row, i| {
            row.push(cell(shown(i, r.cell(i)), false, theme::plain))
        }));
    }
    scrollable(container(table).padding(iced::Padding::ZERO.bottom(theme::SPACE_M)))
        .direction(scrollable::Direction::Horizontal(
            scrollable::Scrollbar::default(),
        ))
        .width(Fill)
        .into()
}

fn missing_view(p: &Preview, archive: bool, hide_names: bool) -> Element<'_, Message> {
    let missing = &p.plan.missing;
    let mut shown: Vec<String> = missing
        .iter()
        .take(MISSING_NAMED)
        .map(|m| m.display_name(hide_names))
        .collect();
    if missing.len() > MISSING_NAMED {
        shown.push(format!("and {} more", missing.len() - MISSING_NAMED));
    }
    column![
        focusable(checkbox(archive)
            .label(format!(
                "Archive the {} not in this file (only if the file lists the whole school; records are kept and can be restored)",
                crate::model::names::count(missing.len(), "pupil", "pupils")
            ))
            .on_toggle(Message::ArchiveMissing)
            .size(20)
            .text_size(theme::TEXT_BODY)),
        text(shown.join(", "))
            .size(theme::TEXT_SMALL)
            .style(theme::muted),
    ]
    .spacing(theme::SPACE_XS)
    .into()
}

fn report_view(r: &ImportReport) -> Element<'_, Message> {
    let mut c = column![form::success(r.summary.as_str())].spacing(theme::SPACE_S);
    if !r.rejected.is_empty() {
        c = c.push(
            r.rejected
                .iter()
                .fold(column![].spacing(theme::SPACE_XS), |col, line| {
                    col.push(
                        text(line.as_str())
                            .size(theme::TEXT_SMALL)
                            .style(theme::muted),
                    )
                }),
        );
    }
    for line in r.follow_up() {
        c = c.push(form::warning(line));
    }
    let mut types: Vec<GroupType> = r.warnings.iter().map(|(t, _)| *t).collect();
    types.extend(r.empty_new_groups.iter().map(|(g, _)| g.group_type));
    if r.kind != crate::model::import::ImportKind::Staff && types.is_empty() {
        types.push(GroupType::AcademicLevel);
    }
    types.sort();
    types.dedup();
    let mut buttons: Vec<Element<'_, Message>> = types
        .into_iter()
        .map(|t| {
            focusable(
                button(
                    text(format!("Open {} on the Groups tab", t.plural())).size(theme::TEXT_BODY),
                )
                .padding([theme::SPACE_S + 2.0, theme::SPACE_M + 4.0])
                .style(theme::secondary_button)
                .on_press(Message::OpenGroups(t)),
            )
            .into()
        })
        .collect();
    buttons.push(form::secondary(
        "Import another file",
        Some(Message::StartAgain),
    ));
    c.push(row(buttons).spacing(theme::SPACE_S).wrap()).into()
}
