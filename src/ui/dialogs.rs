//! The operating system's file dialogs (rfd), run as tasks so the window keeps drawing while one
//! is open. Each answer becomes the message the screen that asked put in its [`Dialog`].

use super::effect::{Dialog, FileDialog};
use crate::service::backup::EXTENSION;
use crate::service::transfer_file::EXTENSION as TRANSFER;
use iced::Task;

/// Opens the dialog; its answer comes back as the screen's message.
pub fn open<M: Send + 'static>(dialog: Dialog<M>) -> Task<M> {
    let kind = dialog.kind.clone();
    Task::perform(
        async move {
            let picked = match kind {
                FileDialog::SaveBackup { file_name } => {
                    rfd::AsyncFileDialog::new()
                        .set_title("Back up the school to…")
                        .set_file_name(file_name)
                        .add_filter("Keyholder backup", &[EXTENSION])
                        .save_file()
                        .await
                }
                FileDialog::OpenBackup => {
                    rfd::AsyncFileDialog::new()
                        .set_title("Choose the backup to restore")
                        .add_filter("Keyholder backup", &[EXTENSION])
                        .pick_file()
                        .await
                }
                FileDialog::SavePdf { file_name } => {
                    rfd::AsyncFileDialog::new()
                        .set_title("Save the PDF as…")
                        .set_file_name(file_name)
                        .add_filter("PDF documents", &["pdf"])
                        .save_file()
                        .await
                }
                FileDialog::SaveReportCsv { file_name } => {
                    rfd::AsyncFileDialog::new()
                        .set_title("Write the report to…")
                        .set_file_name(file_name)
                        .add_filter("CSV files", &["csv"])
                        .save_file()
                        .await
                }
                FileDialog::SaveTransfer { file_name } => {
                    rfd::AsyncFileDialog::new()
                        .set_title("Save the transfer file as…")
                        .set_file_name(file_name)
                        .add_filter("Keyholder transfer", &[TRANSFER])
                        .save_file()
                        .await
                }
                FileDialog::OpenTransfer => {
                    rfd::AsyncFileDialog::new()
                        .set_title("Choose the transfer file the other school sent")
                        .add_filter("Keyholder transfer", &[TRANSFER])
                        .add_filter("All files", &["*"])
                        .pick_file()
                        .await
                }
                FileDialog::OpenImportFile => {
                    rfd::AsyncFileDialog::new()
                        .set_title("Choose the CSV file exported from your MIS")
                        .add_filter("CSV files", &["csv", "txt", "tsv"])
                        .add_filter("All files", &["*"])
                        .pick_file()
                        .await
                }
            };
            picked.map(|f| f.path().to_path_buf())
        },
        move |path| dialog.answer(path),
    )
}
