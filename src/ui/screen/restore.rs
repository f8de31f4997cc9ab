//! Restoring the school from a `.khbackup`: choose the file, see what it holds, unlock it with an
//! administrator's password from the time of the backup (or the recovery code), confirm, and the
//! school's files are replaced (the old ones kept beside them). Reached from the welcome screen
//! (a new computer), the sign-in screen and the Overview (which signs out first).

use crate::service::backup::{self, BackupPreview, Restored, Unlock, UnlockedBackup};
use crate::service::{self, Location, Ticket};
use crate::ui::effect::{Dialog, Effect, FileDialog, Work};
use crate::ui::theme;
use crate::ui::widget::form::{self, BOLD, Field};
use crate::ui::widget::status::Status;
use iced::widget::{column, row, text};
use iced::{Element, Fill};
use std::path::PathBuf;

pub const EMAIL: &str = "restore-email";
pub const PASSWORD: &str = "restore-password";
pub const CODE: &str = "restore-code";
pub const FILE_PATH: &str = "restore-file-path";

/// What the restore screen asks of the app.
#[derive(Debug)]
pub enum Action {
    Effect(Effect<Message>),
    ShowWelcome,
    ShowSignIn {
        email: Option<String>,
        notice: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub enum Message {
    /// The Escape key.
    Escape,
    Choose,
    Chosen(Option<PathBuf>),
    /// The backup's path typed in, for computers where no file dialog can open.
    Path(String),
    OpenTyped,
    Opened(Result<BackupPreview, service::Error>),
    UseRecoveryCode(bool),
    Email(String),
    Password(String),
    Code(String),
    Unlock,
    Unlocked(Result<Ticket<UnlockedBackup>, service::Error>),
    Confirm,
    Restored(Result<Restored, service::Error>),
    Back,
}

enum Stage {
    Choose,
    /// Read and checked; waiting for a password or the recovery code.
    Preview(BackupPreview),
    /// Unlocked; waiting for the confirmation.
    Ready(BackupPreview, Ticket<UnlockedBackup>),
}

pub struct Restore {
    location: Location,
    stage: Stage,
    path: String,
    email: String,
    password: String,
    code: String,
    use_code: bool,
    /// What is happening in the background, if anything.
    busy: Option<&'static str>,
    status: Status,
}

impl Restore {
    pub fn new(location: Location) -> Restore {
        Restore {
            location,
            stage: Stage::Choose,
            path: String::new(),
            email: String::new(),
            password: String::new(),
            code: String::new(),
            use_code: false,
            busy: None,
            status: Status::Quiet,
        }
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Escape => return self.escape(),
            Message::Choose => {
                self.status.clear_problem();
                return Action::Effect(Effect::Dialog(Dialog::new(
                    FileDialog::OpenBackup,
                    Message::Chosen,
                )));
            }
            Message::Chosen(None) => {}
            Message::Path(p) => self.path = p,
            Message::OpenTyped => {
                let typed = self.path.trim();
                if typed.is_empty() {
                    self.status =
                        Status::problem("Type the full path of the backup file, or choose it.");
                    return Action::Effect(Effect::Focus(FILE_PATH));
                }
                let path = PathBuf::from(typed);
                return self.update(Message::Chosen(Some(path)));
            }
            Message::Chosen(Some(path)) => {
                self.status.clear_problem();
                self.busy = Some("Reading and checking the backup…");
                return Action::Effect(Effect::Run(Work::new("read the backup", move |_| {
                    Message::Opened(backup::open_backup(&path))
                })));
            }
            Message::Opened(result) => {
                self.busy = None;
                match result {
                    Ok(preview) => {
                        self.stage = Stage::Preview(preview);
                        return Action::Effect(Effect::Focus(if self.use_code {
                            CODE
                        } else {
                            EMAIL
                        }));
                    }
                    Err(e) => {
                        self.stage = Stage::Choose;
                        self.status = Status::problem(e);
                    }
                }
            }
            Message::UseRecoveryCode(on) => {
                self.use_code = on;
                self.status.clear_problem();
                return Action::Effect(Effect::Focus(if on { CODE } else { EMAIL }));
            }
            Message::Email(s) => self.email = s,
            Message::Password(s) => self.password = s,
            Message::Code(s) => self.code = s,
            Message::Unlock => {
                let Stage::Preview(preview) = &self.stage else {
                    return Action::Effect(Effect::None);
                };
                let how = if self.use_code {
                    if self.code.trim().is_empty() {
                        self.status =
                            Status::problem("Type the recovery code from your printed copy.");
                        return Action::Effect(Effect::Focus(CODE));
                    }
                    Unlock::RecoveryCode(self.code.clone())
                } else {
                    if self.email.trim().is_empty() || self.password.is_empty() {
                        self.status = Status::problem(
                            "Type an administrator's e-mail address and the password they had when the backup was taken.",
                        );
                        return Action::Effect(Effect::Focus(if self.email.trim().is_empty() {
                            EMAIL
                        } else {
                            PASSWORD
                        }));
                    }
                    Unlock::Password {
                        email: self.email.trim().to_string(),
                        password: self.password.clone(),
                    }
                };
                self.status.clear_problem();
                self.busy = Some("Unlocking the backup and opening its copy of the school…");
                let preview = preview.clone();
                return Action::Effect(Effect::Run(Work::new("unlock the backup", move |desk| {
                    Message::Unlocked(preview.unlock(&how).map(|u| desk.keep(u)))
                })));
            }
            Message::Unlocked(result) => {
                self.busy = None;
                self.password.clear();
                self.code.clear();
                match result {
                    Ok(unlocked) => {
                        if let Stage::Preview(p) = &self.stage {
                            self.stage = Stage::Ready(p.clone(), unlocked);
                        }
                    }
                    Err(e) => self.status = Status::problem(e),
                }
            }
            Message::Confirm => {
                let Stage::Ready(_, unlocked) = &self.stage else {
                    return Action::Effect(Effect::None);
                };
                if self.busy.is_some() {
                    return Action::Effect(Effect::None);
                }
                let unlocked = unlocked.clone();
                self.busy = Some("Restoring…");
                let location = self.location.clone();
                return Action::Effect(Effect::Run(Work::new("restore the backup", move |desk| {
                    let result = desk
                        .take(&unlocked)
                        .ok_or_else(interrupted)
                        .and_then(|u| u.restore(&location));
                    Message::Restored(result)
                })));
            }
            Message::Restored(Ok(r)) => {
                self.busy = None;
                return Action::ShowSignIn {
                    email: None,
                    notice: Some(format!(
                        "The school has been restored from the backup of {}. Sign in to carry on. {}{}",
                        crate::clock::format_local(r.manifest.created_at),
                        backup::describe_kept(&r.kept),
                        backup::describe_reapply(&r)
                    )),
                };
            }
            Message::Restored(Err(e)) => {
                self.busy = None;
                self.stage = Stage::Choose;
                self.status = Status::problem(format!("The restore did not happen: {e}"));
            }
            Message::Back => {
                return if self.location.exists() {
                    Action::ShowSignIn {
                        email: None,
                        notice: None,
                    }
                } else {
                    Action::ShowWelcome
                };
            }
        }
        Action::Effect(Effect::None)
    }

    fn escape(&mut self) -> Action {
        if self.busy.is_some() {
            return Action::Effect(Effect::None);
        }
        self.update(Message::Back)
    }

    pub fn view(&self) -> Element<'_, Message> {
        let mut c = column![form::heading(
            "Restore from a backup",
            Some("Replace this computer's copy of the school with one from a .khbackup file."),
        )]
        .spacing(theme::SPACE_M);
        c = c.push(self.status.view());
        if let Some(b) = self.busy {
            c = c.push(form::info(b));
        }
        let idle = self.busy.is_none();
        match &self.stage {
            Stage::Choose => {
                c = c.push(
                    text(format!(
                        "The school here ({}) will be replaced. What it holds now is kept beside it, renamed, until you delete it.",
                        self.location.db.display()
                    ))
                    .size(theme::TEXT_BODY)
                    .style(theme::muted),
                );
                c = c.push(
                    Field::new("Backup file", FILE_PATH, &self.path, Message::Path)
                        .placeholder("Choose the file, or type its full path and press Enter")
                        .on_submit(Message::OpenTyped)
                        .view(),
                );
                c = c.push(form::actions(
                    vec![form::secondary("Back", idle.then_some(Message::Back))],
                    form::primary("Choose a backup file…", idle.then_some(Message::Choose)),
                ));
            }
            Stage::Preview(p) => {
                c = c.push(holds(p));
                c = c.push(form::choice_list(
                    [
                        (
                            "An administrator's password at the time of the backup".to_string(),
                            !self.use_code,
                        ),
                        ("The school's recovery code".to_string(), self.use_code),
                    ],
                    |i| Message::UseRecoveryCode(i == 1),
                ));
                if self.use_code {
                    c = c.push(
                        Field::new("Recovery code", CODE, &self.code, Message::Code)
                            .hint("As printed when the school was set up, or last replaced before this backup.")
                            .on_submit(Message::Unlock)
                            .view(),
                    );
                } else {
                    c = c.push(
                        Field::new("E-mail address", EMAIL, &self.email, Message::Email)
                            .on_submit(Message::Unlock)
                            .view(),
                    );
                    c = c.push(
                        Field::new("Password", PASSWORD, &self.password, Message::Password)
                            .secure()
                            .hint("The password this administrator had when the backup was taken.")
                            .on_submit(Message::Unlock)
                            .view(),
                    );
                }
                c = c.push(form::actions(
                    vec![
                        form::secondary("Back", idle.then_some(Message::Back)),
                        form::secondary("Choose another file…", idle.then_some(Message::Choose)),
                    ],
                    form::primary("Unlock", idle.then_some(Message::Unlock)),
                ));
            }
            Stage::Ready(p, _) => {
                c = c.push(holds(p));
                c = c.push(form::warning(format!(
                    "Replace the school in {} with this backup? Everything changed since {} will be gone from the school (the current files are kept beside it, renamed, so nothing is lost for good). Everyone signs in again afterwards.",
                    self.location.db.display(),
                    crate::clock::format_local(p.manifest().created_at)
                )));
                c = c.push(form::actions(
                    vec![form::secondary("Back", idle.then_some(Message::Back))],
                    form::primary(
                        "Replace the school with this backup",
                        idle.then_some(Message::Confirm),
                    ),
                ));
            }
        }
        form::page(c, 720.0)
    }
}

/// What the backup holds, from its manifest.
fn holds(p: &BackupPreview) -> Element<'_, Message> {
    let m = p.manifest();
    let line = |label: &'static str, value: String| {
        row![
            text(label)
                .size(theme::TEXT_BODY)
                .style(theme::muted)
                .width(180),
            text(value).size(theme::TEXT_BODY),
        ]
        .spacing(theme::SPACE_S)
    };
    let school = if m.is_demo {
        format!("{} (demo school)", m.school_name)
    } else {
        m.school_name.clone()
    };
    iced::widget::container(
        column![
            text("This backup holds").size(theme::TEXT_BODY).font(BOLD),
            line("School", school),
            line("Taken", crate::clock::format_local(m.created_at)),
            line(
                "Pupils",
                format!(
                    "{} ({} archived)",
                    m.counts.pupils, m.counts.archived_pupils
                )
            ),
            line(
                "Staff users",
                format!("{} in {} user groups", m.counts.users, m.counts.user_groups)
            ),
            line("Pupil groups", m.counts.pupil_groups.to_string()),
            line("Incidents", m.counts.incidents.to_string()),
            line(
                "File",
                p.path()
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ),
        ]
        .spacing(theme::SPACE_XS),
    )
    .padding(theme::SPACE_M)
    .width(Fill)
    .style(theme::card)
    .into()
}

/// What was left at the desk is gone (the person started something else meanwhile).
fn interrupted() -> service::Error {
    service::Error::Invalid("That step was interrupted. Please start again.".into())
}
