//! Admin > Overview: the school at a glance and its health check. Every finding says what is
//! wrong in plain words and has a button to the place to fix it; the backup card takes a checked
//! backup in the background. Staff without Manage system see a simple summary instead.

use crate::clock::format_local;
use crate::model::SystemPermission;
use crate::model::names::count;
use crate::service::AuditAnchor;
use crate::service::backup::Written;
use crate::service::backup::suggested_file_name;
use crate::service::health::{Finding, Place, Severity};
use crate::service::{Me, Overview, Session};
use crate::ui::effect::{Dialog, Effect, FileDialog, Work};
use crate::ui::theme;
use crate::ui::widget::focus::focusable;
use crate::ui::widget::form::{self, BOLD};
use crate::ui::widget::status::Status;
use iced::widget::{button, column, container, progress_bar, row, text};
use iced::{Element, Fill};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

const IDLE_CHOICES: [u32; 7] = [2, 5, 10, 15, 20, 30, 60];
/// Names shown under a finding before "and N more".
const ITEMS_SHOWN: usize = 8;
/// The box where the backup's folder (or file) can be typed, for computers with no folder dialog.
pub const BACKUP_PATH: &str = "overview-backup-path";

#[derive(Debug, Clone)]
pub enum Message {
    /// A finding's button, or one of its names.
    Go(Place),
    BackUpNow,
    /// The backup's destination typed in: a folder, or a full file path.
    BackupPath(String),
    /// Enter in that box: back up to what was typed.
    BackUpToTyped,
    /// The folder dialog's answer: where to write, or nothing if it was cancelled.
    BackupChosen(Option<PathBuf>),
    BackupDone(Result<Written, crate::service::Error>),
    Restore,
    IdleLock(u32),
}

/// What the Overview asks of the home screen.
pub enum Action {
    Go(Place),
    /// Backing up: the file dialog, then the backup itself.
    Effect(Effect<Message>),
    StartRestore,
    IdleLock(u32),
}

enum BackupState {
    Idle,
    /// Written so far, in thousandths, updated by the background job.
    Running(Arc<AtomicU32>),
    Done(String),
    Failed(String),
}

pub struct OverviewTab {
    counts: Option<Overview>,
    /// The newest audit entry, whose fingerprint the admin is asked to note down.
    newest_entry: Option<AuditAnchor>,
    findings: Vec<Finding>,
    pub status: Status,
    backup: BackupState,
    backup_path: String,
}

impl OverviewTab {
    pub fn new(session: &Session) -> OverviewTab {
        let mut tab = OverviewTab {
            counts: None,
            newest_entry: None,
            findings: Vec::new(),
            status: Status::Quiet,
            backup: BackupState::Idle,
            backup_path: String::new(),
        };
        tab.reload(session);
        tab
    }

    /// Recomputes everything: called whenever the Overview is shown and after every change.
    pub fn reload(&mut self, session: &Session) {
        self.status.clear_problem();
        self.findings.clear();
        if session.me().permissions.has(SystemPermission::ManageSystem) {
            match session.overview() {
                Ok(o) => self.counts = Some(o),
                Err(e) => self.status = Status::problem(e),
            }
            match session.health_check() {
                Ok(f) => self.findings = f,
                Err(e) => self.status = Status::problem(e),
            }
            match session.audit_fingerprint() {
                Ok(a) => self.newest_entry = a,
                Err(e) => self.status = Status::problem(e),
            }
        }
    }

    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    pub fn is_backing_up(&self) -> bool {
        matches!(self.backup, BackupState::Running(_))
    }

    pub fn update(&mut self, message: Message, session: &mut Session) -> Action {
        match message {
            Message::Go(Place::Backup) | Message::BackUpNow => {
                if self.is_backing_up() {
                    return Action::Effect(Effect::None);
                }
                let school = session.school().map(|s| s.name).unwrap_or_default();
                Action::Effect(Effect::Dialog(Dialog::new(
                    FileDialog::SaveBackup {
                        file_name: suggested_file_name(&school, crate::clock::now()),
                    },
                    Message::BackupChosen,
                )))
            }
            Message::Go(place) => Action::Go(place),
            Message::BackupPath(p) => {
                self.backup_path = p;
                Action::Effect(Effect::None)
            }
            Message::BackUpToTyped => {
                if self.is_backing_up() {
                    return Action::Effect(Effect::None);
                }
                let school = session.school().map(|s| s.name).unwrap_or_default();
                match crate::service::backup::typed_destination(&self.backup_path, &school) {
                    Ok(path) => self.update(Message::BackupChosen(Some(path)), session),
                    Err(e) => {
                        self.backup = BackupState::Failed(e.to_string());
                        Action::Effect(Effect::None)
                    }
                }
            }
            Message::BackupChosen(None) => Action::Effect(Effect::None),
            Message::BackupChosen(Some(path)) => {
                let path = crate::service::backup::with_extension(path);
                match session.prepare_backup() {
                    Ok(job) => {
                        let progress = Arc::new(AtomicU32::new(0));
                        self.backup = BackupState::Running(Arc::clone(&progress));
                        Action::Effect(Effect::Run(Work::new("back up", move |_| {
                            let result = job.run(&path, &|p| {
                                // Thousandths, for the screen's progress bar.
                                progress
                                    .store((p.clamp(0.0, 1.0) * 1000.0) as u32, Ordering::Relaxed)
                            });
                            Message::BackupDone(result)
                        })))
                    }
                    Err(e) => {
                        self.backup = BackupState::Failed(e.to_string());
                        Action::Effect(Effect::None)
                    }
                }
            }
            Message::BackupDone(Ok(written)) => {
                self.backup = match session.record_backup(&written) {
                    Ok(()) => BackupState::Done(format!(
                        "Backed up to {} and checked: the copy opens and holds {} pupils and {} users.",
                        written.path.display(),
                        written.manifest.counts.pupils,
                        written.manifest.counts.users
                    )),
                    Err(e) => BackupState::Failed(format!(
                        "The backup {} was written and checked, but could not be noted in the school file: {e}",
                        written.path.display()
                    )),
                };
                self.reload(session);
                Action::Effect(Effect::None)
            }
            Message::BackupDone(Err(e)) => {
                self.backup = BackupState::Failed(format!(
                    "The backup was not made: {e} Nothing in the school has changed."
                ));
                Action::Effect(Effect::None)
            }
            Message::Restore => Action::StartRestore,
            Message::IdleLock(m) => Action::IdleLock(m),
        }
    }

    pub fn view<'a>(
        &'a self,
        me: &'a Me,
        hide_names: bool,
        idle_minutes: u32,
    ) -> Element<'a, Message> {
        let mut c = column![form::section_title("Overview")].spacing(theme::SPACE_M);
        c = c.push(self.status.view());
        if !me.permissions.has(SystemPermission::ManageSystem) {
            return c.push(simple_summary(me)).into();
        }
        let Some(o) = &self.counts else {
            return c.into();
        };
        c = c.push(stats(o));
        c = c.push(self.backup_card());
        let warnings = self.findings.iter().filter(|f| f.is_warning()).count();
        let notes = self.findings.len() - warnings;
        c = c.push(
            column![
                text("Health check").size(theme::TEXT_LARGE).font(BOLD),
                text(match warnings {
                    0 => format!("Nothing needs fixing. {}", count(notes, "note", "notes")),
                    _ => format!(
                        "{} to fix, then {}. Checked again after every change.",
                        count(warnings, "warning", "warnings"),
                        count(notes, "note", "notes")
                    ),
                })
                .size(theme::TEXT_BODY)
                .style(theme::muted),
            ]
            .spacing(theme::SPACE_XS),
        );
        for f in &self.findings {
            c = c.push(finding_card(f, hide_names));
        }
        if let Some(newest) = &self.newest_entry {
            c = c.push(fingerprint_card(newest));
        }
        c = c.push(
            container(
                row![
                    text("Lock the window after").size(theme::TEXT_BODY),
                    form::drop_down(
                        IDLE_CHOICES.to_vec(),
                        Some(idle_minutes),
                        Message::IdleLock,
                        "",
                        iced::Length::Shrink,
                    ),
                    text("minutes without use.").size(theme::TEXT_BODY),
                ]
                .spacing(theme::SPACE_S)
                .align_y(iced::Center),
            )
            .padding(theme::SPACE_M)
            .width(Fill)
            .style(theme::card),
        );
        c.into()
    }

    fn backup_card(&self) -> Element<'_, Message> {
        let last = self
            .findings
            .iter()
            .find(|f| f.check == crate::service::health::Check::LastBackup);
        let due = last.is_some_and(Finding::is_warning);
        let mut c =
            column![text("Backups").size(theme::TEXT_LARGE).font(BOLD)].spacing(theme::SPACE_S);
        if let Some(f) = last {
            c = c.push(if due {
                form::warning(format!("A backup is due. {}", f.title))
            } else {
                form::success(f.title.as_str())
            });
        }
        c = c.push(
            text("A backup is one .khbackup file holding the school file and its key file, checked after writing by opening it. Save it to a USB stick or network share and keep it somewhere safe; it opens only with a password or the recovery code.")
                .size(theme::TEXT_BODY)
                .style(theme::muted),
        );
        match &self.backup {
            BackupState::Running(progress) => {
                let done = progress.load(Ordering::Relaxed) as f32 / 1000.0;
                c = c.push(progress_bar(0.0..=1.0, done));
                c = c.push(
                    text(format!(
                        "Backing up… {}%. You can carry on working meanwhile.",
                        (done * 100.0).round()
                    ))
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted),
                );
            }
            BackupState::Done(m) => c = c.push(form::success(m.as_str())),
            BackupState::Failed(m) => c = c.push(form::error(m.as_str())),
            BackupState::Idle => {}
        }
        let running = self.is_backing_up();
        c = c.push(
            form::Field::new(
                "Save the backup in",
                BACKUP_PATH,
                &self.backup_path,
                Message::BackupPath,
            )
            .placeholder("Press Back up now to choose a folder, or type its full path (for example E:\\) and press Enter")
            .on_submit(Message::BackUpToTyped)
            .view(),
        );
        c = c.push(
            row![
                form::primary("Back up now", (!running).then_some(Message::BackUpNow)),
                form::secondary(
                    "Restore from a backup…",
                    (!running).then_some(Message::Restore)
                ),
            ]
            .spacing(theme::SPACE_S),
        );
        container(c)
            .padding(theme::SPACE_M)
            .width(Fill)
            .style(theme::card)
            .into()
    }
}

/// The newest audit entry's number and fingerprint, for the admin to note down on paper: a
/// record of the trail that nobody with the files can reach.
fn fingerprint_card(newest: &AuditAnchor) -> Element<'_, Message> {
    container(
        column![
            text("Audit trail fingerprint")
                .size(theme::TEXT_LARGE)
                .font(BOLD),
            row![
                text(format!("Entry {}", newest.entry))
                    .size(theme::TEXT_BODY)
                    .font(BOLD),
                text(newest.fingerprint())
                    .size(theme::TEXT_LARGE)
                    .font(iced::Font::MONOSPACE),
            ]
            .spacing(theme::SPACE_M)
            .align_y(iced::Center),
            text(
                "Now and then, write this entry number and fingerprint on paper with the date, and keep the note away from this PC. Whoever rewrites the audit trail changes the fingerprint of every entry from the one they changed onwards, so a note cannot be made to match afterwards. To check a note later, type its entry number in the search box on the Audits tab and compare the fingerprint shown."
            )
            .size(theme::TEXT_BODY)
            .style(theme::muted),
        ]
        .spacing(theme::SPACE_S),
    )
    .padding(theme::SPACE_M)
    .width(Fill)
    .style(theme::card)
    .into()
}

fn finding_card(f: &Finding, hide_names: bool) -> Element<'_, Message> {
    let (badge, colour): (&str, theme::TextStyle) = match f.severity {
        Severity::Warning => ("Warning", theme::warning_text),
        Severity::Information => ("Information", theme::primary_text),
    };
    let mut body = column![
        row![
            text(badge).size(theme::TEXT_SMALL).font(BOLD).style(colour),
            text(f.title.as_str()).size(theme::TEXT_BODY).font(BOLD),
        ]
        .spacing(theme::SPACE_S)
        .align_y(iced::Center),
        text(f.explanation.as_str())
            .size(theme::TEXT_BODY)
            .style(theme::muted),
    ]
    .spacing(theme::SPACE_XS)
    .width(Fill);
    if !f.items.is_empty() {
        let mut names = column![].spacing(2);
        for item in f.items.iter().take(ITEMS_SHOWN) {
            let label = if hide_names {
                item.hidden_name.as_str()
            } else {
                item.name.as_str()
            };
            names = names.push(match item.place {
                Some(place) if place != f.fix || f.items.len() > 1 => focusable(
                    button(text(label).size(theme::TEXT_SMALL))
                        .padding(0)
                        .style(theme::link_button)
                        .on_press(Message::Go(place)),
                )
                .into(),
                _ => Element::from(text(label).size(theme::TEXT_SMALL)),
            });
        }
        if f.items.len() > ITEMS_SHOWN {
            names = names.push(
                text(format!("and {} more", f.items.len() - ITEMS_SHOWN))
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted),
            );
        }
        body = body.push(names);
    }
    let action = if f.severity == Severity::Warning {
        form::primary(f.button_label(), Some(Message::Go(f.fix)))
    } else {
        form::secondary(f.button_label(), Some(Message::Go(f.fix)))
    };
    container(
        row![body, action]
            .spacing(theme::SPACE_M)
            .align_y(iced::Alignment::Start),
    )
    .padding(theme::SPACE_M)
    .width(Fill)
    .style(if f.severity == Severity::Warning {
        theme::warning_banner
    } else {
        theme::card
    })
    .into()
}

fn stats(o: &Overview) -> Element<'_, Message> {
    let stat = |label: &'static str, value: String, note: String| {
        container(
            column![
                text(label).size(theme::TEXT_SMALL).style(theme::muted),
                text(value).size(theme::TEXT_TITLE).font(BOLD),
                text(note).size(theme::TEXT_SMALL).style(theme::muted),
            ]
            .spacing(theme::SPACE_XS),
        )
        .padding(theme::SPACE_M)
        .width(Fill)
        .style(theme::card)
    };
    let restricted: Vec<&str> = o
        .group_types
        .iter()
        .filter(|(_, _, on)| *on)
        .map(|(t, _, _)| t.plural())
        .collect();
    row![
        stat(
            "Pupils",
            o.pupils.to_string(),
            format!("{} archived", o.archived_pupils)
        ),
        stat(
            "Staff users",
            o.users.to_string(),
            format!("{} with an active soft key", o.active_keys)
        ),
        stat(
            "Class restrictions",
            if restricted.is_empty() {
                "Off".into()
            } else {
                restricted.join(", ")
            },
            format!(
                "{} groups in all",
                o.group_types.iter().map(|(_, n, _)| n).sum::<usize>()
            )
        ),
        stat(
            "Incidents",
            o.incidents.to_string(),
            format!("{} categories in use", o.categories)
        ),
    ]
    .spacing(theme::SPACE_M)
    .into()
}

/// For staff without Manage system: who they are and what they may do.
fn simple_summary<'a>(me: &'a Me) -> Element<'a, Message> {
    let granted: Vec<&str> = me.permissions.system.iter().map(|p| p.label()).collect();
    column![
        text(format!(
            "Signed in as {} ({}).",
            me.user.full_name(),
            me.group.name
        ))
        .size(theme::TEXT_BODY),
        text(format!(
            "You may: {}.",
            if granted.is_empty() {
                "nothing yet".to_string()
            } else {
                granted.join(", ")
            }
        ))
        .size(theme::TEXT_BODY),
        text(match me.user.last_login_at {
            Some(t) => format!("Signed in {}.", format_local(t)),
            None => String::new(),
        })
        .size(theme::TEXT_SMALL)
        .style(theme::muted),
    ]
    .spacing(theme::SPACE_S)
    .into()
}
