//! A person's own display settings. Anyone signed in may change their own and nobody else's.

use super::error::Result;
use super::session::Session;
use crate::model::display::Display;
use crate::vault::Change;
use crate::vault::queries::preferences;

impl Session {
    /// How the window should look for the person signed in.
    pub fn display(&self) -> Result<Display> {
        Ok(preferences::display(self.vault().db(), self.me_id())?)
    }

    /// Remembers how the window should look for the person signed in, for their next sign-in.
    pub fn set_display(&mut self, display: Display) -> Result<()> {
        self.change(|this| {
            if this.display()? == display {
                return Ok(());
            }
            let me = this.me_id();
            this.write(|tx| {
                preferences::set_display(tx, me, display)?;
                Ok((
                    (),
                    Change::new(
                        "Display settings changed",
                        format!("Chose the {}", display.describe()),
                    ),
                ))
            })
        })
    }
}
