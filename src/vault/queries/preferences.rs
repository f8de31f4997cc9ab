//! Each person's display settings.

use crate::model::UserId;
use crate::model::display::{Display, TextSize};
use crate::vault::{Db, Result};
use rusqlite::{OptionalExtension, params};

pub fn display(conn: Db<'_>, user: UserId) -> Result<Display> {
    let found = conn
        .query_row(
            "SELECT high_contrast, text_percent FROM display_preferences WHERE user_id = ?1",
            [user.0],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
        )
        .optional()?;
    Ok(
        found.map_or_else(Display::default, |(high, percent)| Display {
            high_contrast: high != 0,
            text_size: TextSize::from_percent(percent),
        }),
    )
}

pub fn set_display(conn: Db<'_>, user: UserId, d: Display) -> Result<()> {
    conn.execute(
        "INSERT INTO display_preferences (user_id, high_contrast, text_percent) VALUES (?1, ?2, ?3)
         ON CONFLICT (user_id) DO UPDATE SET high_contrast = ?2, text_percent = ?3",
        params![user.0, super::flag(d.high_contrast), d.text_size.percent()],
    )?;
    Ok(())
}
