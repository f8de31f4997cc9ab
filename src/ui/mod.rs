//! The window (iced). Screens never touch the vault: they call the service layer, and anything
//! slow runs as a background job.

pub mod app;
pub mod dialogs;
pub mod effect;
pub mod icon;
pub mod screen;
pub mod theme;
pub mod widget;

use crate::service::{KdfCost, Location};
use app::{App, Options};
use std::path::PathBuf;

/// Works out which school file to open from the command line.
pub fn options(vault: Option<PathBuf>, demo: bool) -> anyhow::Result<Options> {
    let demo_location = Location::default_demo();
    let location = match (vault, demo) {
        (Some(path), _) => Location::new(path),
        (None, true) => demo_location.clone().ok_or_else(|| {
            anyhow::anyhow!("this computer has no folder for Keyholder's data; give --vault PATH")
        })?,
        (None, false) => Location::default_for_this_computer().ok_or_else(|| {
            anyhow::anyhow!("this computer has no folder for Keyholder's data; give --vault PATH")
        })?,
    };
    Ok(Options {
        location,
        demo,
        demo_location,
        kdf: KdfCost::STANDARD,
    })
}

/// Opens the window and runs until it is closed.
pub fn run(vault: Option<PathBuf>, demo: bool) -> anyhow::Result<()> {
    let options = options(vault, demo)?;
    iced::application(
        move || {
            let (app, effect) = App::new(options.clone());
            let task = app.task(effect);
            (app, task)
        },
        |app: &mut App, message| {
            let effect = app.update(message);
            app.task(effect)
        },
        App::view,
    )
    .title(App::title)
    .theme(App::theme)
    .scale_factor(App::scale_factor)
    .subscription(App::subscription)
    .window(icon::window_settings())
    .window_size((1280.0, 800.0))
    .centered()
    .run()?;
    Ok(())
}
