//! The operating system's file dialogs (rfd), run as tasks so the window keeps drawing while one
//! is open. Each answer comes back as the message of the screen that asked.

use super::app::Message;
use super::screen::{home, imports, overview, restore};
use crate::service::backup::EXTENSION;
use iced::Task;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialog {
    /// Where to write a backup (a USB stick, a network share), suggesting a file name.
    SaveBackup { file_name: String },
    /// Which backup to restore.
    OpenBackup,
    /// The CSV file exported from the MIS, for Admin > Imports.
    OpenImportFile,
}

impl Dialog {
    pub fn into_task(self) -> Task<Message> {
        match self {
            Dialog::SaveBackup { file_name } => Task::perform(
                async move {
                    rfd::AsyncFileDialog::new()
                        .set_title("Back up the school to…")
                        .set_file_name(file_name)
                        .add_filter("Keyholder backup", &[EXTENSION])
                        .save_file()
                        .await
                        .map(|f| f.path().to_path_buf())
                },
                |path: Option<PathBuf>| {
                    Message::Home(home::Message::Overview(overview::Message::BackupChosen(
                        path,
                    )))
                },
            ),
            Dialog::OpenBackup => Task::perform(
                async {
                    rfd::AsyncFileDialog::new()
                        .set_title("Choose the backup to restore")
                        .add_filter("Keyholder backup", &[EXTENSION])
                        .pick_file()
                        .await
                        .map(|f| f.path().to_path_buf())
                },
                |path: Option<PathBuf>| Message::Restore(restore::Message::Chosen(path)),
            ),
            Dialog::OpenImportFile => Task::perform(
                async {
                    rfd::AsyncFileDialog::new()
                        .set_title("Choose the CSV file exported from your MIS")
                        .add_filter("CSV files", &["csv", "txt", "tsv"])
                        .add_filter("All files", &["*"])
                        .pick_file()
                        .await
                        .map(|f| f.path().to_path_buf())
                },
                |path: Option<PathBuf>| {
                    Message::Home(home::Message::Imports(imports::Message::FileChosen(path)))
                },
            ),
        }
    }
}
