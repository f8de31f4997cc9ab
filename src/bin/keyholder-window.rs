//! `keyholder-window.exe`: the Keyholder window on Windows, for the Start-menu shortcut.
//!
//! `keyholder.exe` is a console program, so that the commands for IT staff can print; opened from
//! the Start menu it would bring an empty console window with it, and closing that would close
//! Keyholder. This one belongs to the Windows subsystem: no console, so nothing printed reaches
//! anyone, and anything that goes wrong is shown in a message box instead. The installers put both
//! programs side by side. On other systems the window comes from `keyholder` itself.

#![cfg_attr(windows, windows_subsystem = "windows")]

use std::process::ExitCode;

#[cfg(windows)]
fn main() -> ExitCode {
    use clap::Parser;
    let cli = match keyholder::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return tell(&e.to_string()),
    };
    if cli.command.is_some() {
        return tell(
            "Keyholder's commands print their results, so they run from keyholder.exe in a \
             Command Prompt or PowerShell window, not from keyholder-window.exe.",
        );
    }
    match keyholder::ui::run(cli.vault, cli.demo) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => tell(&format!("The Keyholder window could not be opened: {e}")),
    }
}

/// With no console to print to, a message box.
#[cfg(windows)]
fn tell(message: &str) -> ExitCode {
    rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title("Keyholder")
        .set_description(message)
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
    ExitCode::from(2)
}

#[cfg(not(windows))]
fn main() -> ExitCode {
    eprintln!("keyholder-window is the Windows Start-menu program; here, run keyholder.");
    ExitCode::from(2)
}
