//! How the window is drawn for one person: the high-contrast theme and the text size. Kept per
//! person, because the office PC is shared by people who see differently.

/// The text size, as a share of the standard size. Everything on the screen grows with it, so
/// nothing overlaps at a larger size; what no longer fits scrolls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum TextSize {
    #[default]
    Standard,
    Larger,
    Largest,
}

impl TextSize {
    pub const ALL: [TextSize; 3] = [TextSize::Standard, TextSize::Larger, TextSize::Largest];

    pub fn percent(self) -> u16 {
        match self {
            TextSize::Standard => 100,
            TextSize::Larger => 125,
            TextSize::Largest => 150,
        }
    }

    /// The size stored as `percent`; anything else (a file edited by hand) reads as standard.
    pub fn from_percent(percent: i64) -> TextSize {
        TextSize::ALL
            .into_iter()
            .find(|t| i64::from(t.percent()) == percent)
            .unwrap_or_default()
    }

    pub fn factor(self) -> f32 {
        f32::from(self.percent()) / 100.0
    }

    /// One step larger, staying at the largest.
    pub fn larger(self) -> TextSize {
        match self {
            TextSize::Standard => TextSize::Larger,
            TextSize::Larger | TextSize::Largest => TextSize::Largest,
        }
    }

    /// One step smaller, staying at the standard size.
    pub fn smaller(self) -> TextSize {
        match self {
            TextSize::Largest => TextSize::Larger,
            TextSize::Larger | TextSize::Standard => TextSize::Standard,
        }
    }
}

impl std::fmt::Display for TextSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} %", self.percent())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Display {
    pub high_contrast: bool,
    pub text_size: TextSize,
}

impl Display {
    /// Words for the audit trail and the settings page.
    pub fn describe(&self) -> String {
        format!(
            "{} theme, text at {}",
            if self.high_contrast {
                "high-contrast"
            } else {
                "standard"
            },
            self.text_size
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_round_trip_and_step_within_their_range() {
        for t in TextSize::ALL {
            assert_eq!(TextSize::from_percent(i64::from(t.percent())), t);
        }
        assert_eq!(TextSize::from_percent(175), TextSize::Standard);
        assert_eq!(
            TextSize::Standard.larger().larger().larger(),
            TextSize::Largest
        );
        assert_eq!(
            TextSize::Largest.smaller().smaller().smaller(),
            TextSize::Standard
        );
        assert!((TextSize::Largest.factor() - 1.5).abs() < f32::EPSILON);
    }
}
