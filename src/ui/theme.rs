//! Colours, spacing and text sizes, used by name so every screen looks alike.

use iced::widget::{button, container, text, text_input};
use iced::{Background, Border, Color, Theme, color};

pub const SPACE_XS: f32 = 4.0;
pub const SPACE_S: f32 = 8.0;
pub const SPACE_M: f32 = 16.0;
pub const SPACE_L: f32 = 24.0;
pub const SPACE_XL: f32 = 40.0;

pub const TEXT_SMALL: f32 = 13.0;
pub const TEXT_BODY: f32 = 15.0;
pub const TEXT_LARGE: f32 = 18.0;
pub const TEXT_TITLE: f32 = 26.0;
pub const TEXT_HEADING: f32 = 20.0;

/// Forms are narrow enough to read comfortably even on a wide screen.
pub const FORM_WIDTH: f32 = 520.0;
pub const RADIUS: f32 = 6.0;

/// Every colour a screen uses, by what it is for. Two palettes exist: the standard one and a
/// high-contrast one (every text at least 7:1 against its background, selection shown by
/// inverting a row, not by a tint). Screens never name a colour: they use the style functions
/// below, which read the palette of the theme iced passes them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    pub background: Color,
    pub surface: Color,
    pub text: Color,
    pub muted: Color,
    pub border: Color,
    /// Borders drawn this wide (high contrast draws them heavier).
    pub border_width: f32,
    pub primary: Color,
    pub header: Color,
    pub header_text: Color,
    pub header_button: Color,
    pub header_button_hover: Color,
    pub header_button_on: Color,
    pub header_border: Color,
    pub success: Color,
    pub warning: Color,
    pub danger: Color,
    pub focus: Color,
    pub focus_width: f32,
    pub warning_bg: Color,
    pub danger_bg: Color,
    pub info_bg: Color,
    pub success_bg: Color,
    pub hover: Color,
    pub disabled: Color,
    pub selected_bg: Color,
    pub selected_text: Color,
    pub secret_bg: Color,
    pub blank_bg: Color,
    pub blank_text: Color,
    pub series: [Color; 7],
}

pub const STANDARD: Palette = Palette {
    background: color!(0xF4F6F9),
    surface: color!(0xFFFFFF),
    text: color!(0x1D2430),
    muted: color!(0x5B6573),
    border: color!(0xD3D9E1),
    border_width: 1.0,
    primary: color!(0x1F5F99),
    header: color!(0x17263B),
    header_text: color!(0xFFFFFF),
    header_button: color!(0x22354F),
    header_button_hover: color!(0x2C4262),
    header_button_on: color!(0xF2B84B),
    header_border: color!(0x3A5275),
    success: color!(0x2E7D32),
    warning: color!(0x9A5B00),
    danger: color!(0xB3261E),
    // Dark on the light page and amber on the dark header bar would each need their own ring, so
    // one colour that stands out (over 3:1) on both is used.
    focus: color!(0xEC6212),
    focus_width: 2.0,
    warning_bg: color!(0xFFF4DC),
    danger_bg: color!(0xFDECEA),
    info_bg: color!(0xE8F1FB),
    success_bg: color!(0xE6F4E7),
    hover: color!(0xEAF0F7),
    disabled: color!(0xF4F6F9),
    selected_bg: color!(0xE8F1FB),
    selected_text: color!(0x1F5F99),
    secret_bg: color!(0xF0F3F7),
    blank_bg: color!(0x0E1520),
    blank_text: color!(0x8A96A8),
    // Told apart by people with the common kinds of colour blindness (Paul Tol's "bright").
    series: [
        color!(0x4477AA),
        color!(0xEE6677),
        color!(0x228833),
        color!(0xCCBB44),
        color!(0x66CCEE),
        color!(0xAA3377),
        color!(0xBBBBBB),
    ],
};

pub const HIGH_CONTRAST: Palette = Palette {
    background: color!(0xFFFFFF),
    surface: color!(0xFFFFFF),
    text: color!(0x000000),
    muted: color!(0x262626),
    border: color!(0x000000),
    border_width: 2.0,
    primary: color!(0x002B6B),
    header: color!(0x000000),
    header_text: color!(0xFFFFFF),
    header_button: color!(0x000000),
    header_button_hover: color!(0x333333),
    header_button_on: color!(0xFFE14D),
    header_border: color!(0xFFFFFF),
    success: color!(0x0A4A12),
    warning: color!(0x4D2B00),
    danger: color!(0x7A0000),
    focus: color!(0xEC6212),
    focus_width: 3.0,
    warning_bg: color!(0xFFFFFF),
    danger_bg: color!(0xFFFFFF),
    info_bg: color!(0xFFFFFF),
    success_bg: color!(0xFFFFFF),
    hover: color!(0xE0E0E0),
    disabled: color!(0xFFFFFF),
    selected_bg: color!(0x000000),
    selected_text: color!(0xFFFFFF),
    secret_bg: color!(0xFFFFFF),
    blank_bg: color!(0x000000),
    blank_text: color!(0xFFFFFF),
    // Tol's "high-contrast" and "muted" schemes, dark enough to stand out on white.
    series: [
        color!(0x004488),
        color!(0xAA3377),
        color!(0x117733),
        color!(0x886600),
        color!(0x0077BB),
        color!(0x882255),
        color!(0x444444),
    ],
};

/// The palette a style function should use for `theme`.
pub fn palette(theme: &Theme) -> &'static Palette {
    // The two themes differ in their background, which iced keeps in the theme's own palette.
    if theme.palette().background == HIGH_CONTRAST.background {
        &HIGH_CONTRAST
    } else {
        &STANDARD
    }
}

/// The colour of a chart's `n`th series; past seven they repeat, darker.
pub fn series_colour(theme: &Theme, n: usize) -> Color {
    let series = palette(theme).series;
    let c = series[n % series.len()];
    if (n / series.len()).is_multiple_of(2) {
        c
    } else {
        Color::from_rgb(c.r * 0.6, c.g * 0.6, c.b * 0.6)
    }
}

/// The window's theme: standard, or high contrast.
pub fn theme(high_contrast: bool) -> Theme {
    let (name, p) = if high_contrast {
        ("Keyholder high contrast", &HIGH_CONTRAST)
    } else {
        ("Keyholder", &STANDARD)
    };
    Theme::custom(
        name,
        iced::theme::Palette {
            background: p.background,
            text: p.text,
            primary: p.primary,
            success: p.success,
            warning: p.warning,
            danger: p.danger,
        },
    )
}

/// The ring around the control that has keyboard focus.
pub fn focus_ring(theme: &Theme) -> Color {
    palette(theme).focus
}

pub fn focus_width(theme: &Theme) -> f32 {
    palette(theme).focus_width
}

/// A text colour chosen at run time (a status, a severity), as the style function to use.
pub type TextStyle = fn(&Theme) -> text::Style;

fn coloured(c: Color) -> text::Style {
    text::Style { color: Some(c) }
}

/// Text of secondary importance: hints, dates, column headings.
pub fn muted(theme: &Theme) -> text::Style {
    coloured(palette(theme).muted)
}

/// Text in the page's own colour, where a parent would otherwise tint it.
pub fn plain(theme: &Theme) -> text::Style {
    coloured(palette(theme).text)
}

/// Muted text inside a choice that may be the chosen one: there it takes the choice's own colour,
/// as the high-contrast theme inverts a chosen row and muted text would vanish.
pub fn muted_unless(chosen: bool) -> TextStyle {
    if chosen {
        |_| text::Style::default()
    } else {
        muted
    }
}

pub fn primary_text(theme: &Theme) -> text::Style {
    coloured(palette(theme).primary)
}

pub fn success_text(theme: &Theme) -> text::Style {
    coloured(palette(theme).success)
}

pub fn warning_text(theme: &Theme) -> text::Style {
    coloured(palette(theme).warning)
}

pub fn danger_text(theme: &Theme) -> text::Style {
    coloured(palette(theme).danger)
}

/// A white panel with a light border: forms, cards, tables.
pub fn card(theme: &Theme) -> container::Style {
    let p = palette(theme);
    container::Style {
        background: Some(Background::Color(p.surface)),
        border: Border {
            color: p.border,
            width: p.border_width.min(1.5),
            radius: RADIUS.into(),
        },
        text_color: Some(p.text),
        ..container::Style::default()
    }
}

/// The dark bar across the top of the main window.
pub fn header_bar(theme: &Theme) -> container::Style {
    let p = palette(theme);
    container::Style {
        background: Some(Background::Color(p.header)),
        text_color: Some(p.header_text),
        ..container::Style::default()
    }
}

fn banner(p: &Palette, bg: Color, fg: Color) -> container::Style {
    container::Style {
        background: Some(Background::Color(bg)),
        border: Border {
            // High contrast has no tinted background to tell the banner apart, so a full border.
            color: if p.border_width > 1.0 {
                fg
            } else {
                fg.scale_alpha(0.35)
            },
            width: p.border_width,
            radius: RADIUS.into(),
        },
        text_color: Some(fg),
        ..container::Style::default()
    }
}

pub fn error_banner(theme: &Theme) -> container::Style {
    let p = palette(theme);
    banner(p, p.danger_bg, p.danger)
}

pub fn warning_banner(theme: &Theme) -> container::Style {
    let p = palette(theme);
    banner(p, p.warning_bg, p.warning)
}

pub fn info_banner(theme: &Theme) -> container::Style {
    let p = palette(theme);
    banner(p, p.info_bg, p.primary)
}

pub fn success_banner(theme: &Theme) -> container::Style {
    let p = palette(theme);
    banner(p, p.success_bg, p.success)
}

/// The whole window when Blank Screen is on.
pub fn blank(theme: &Theme) -> container::Style {
    let p = palette(theme);
    container::Style {
        background: Some(Background::Color(p.blank_bg)),
        text_color: Some(p.blank_text),
        ..container::Style::default()
    }
}

/// Boxed secret text (recovery codes, soft-key secrets) that must be read or copied exactly.
pub fn secret_box(theme: &Theme) -> container::Style {
    let p = palette(theme);
    container::Style {
        background: Some(Background::Color(p.secret_bg)),
        border: Border {
            color: p.border,
            width: p.border_width,
            radius: RADIUS.into(),
        },
        text_color: Some(p.text),
        ..container::Style::default()
    }
}

pub fn primary_button(theme: &Theme, status: button::Status) -> button::Style {
    let mut s = button::primary(theme, status);
    s.border.radius = RADIUS.into();
    let p = palette(theme);
    if p.border_width > 1.0 {
        // iced's own primary tints the hover lighter, below 7:1 with white text.
        s.background = Some(Background::Color(match status {
            button::Status::Disabled => p.muted,
            button::Status::Hovered | button::Status::Pressed => p.text,
            button::Status::Active => p.primary,
        }));
        s.text_color = Color::WHITE;
    }
    s
}

pub fn secondary_button(theme: &Theme, status: button::Status) -> button::Style {
    let p = palette(theme);
    let (bg, border) = match status {
        button::Status::Hovered | button::Status::Pressed => (p.hover, p.primary),
        button::Status::Disabled => (p.disabled, p.border),
        button::Status::Active => (p.surface, p.border),
    };
    button::Style {
        background: Some(Background::Color(bg)),
        text_color: if status == button::Status::Disabled {
            p.muted
        } else {
            p.primary
        },
        border: Border {
            color: border,
            width: p.border_width.min(1.5),
            radius: RADIUS.into(),
        },
        ..button::Style::default()
    }
}

pub fn danger_button(theme: &Theme, status: button::Status) -> button::Style {
    let mut s = button::danger(theme, status);
    s.border.radius = RADIUS.into();
    let p = palette(theme);
    if p.border_width > 1.0 {
        s.background = Some(Background::Color(match status {
            button::Status::Disabled => p.muted,
            button::Status::Hovered | button::Status::Pressed => p.text,
            button::Status::Active => p.danger,
        }));
        s.text_color = Color::WHITE;
    }
    s
}

/// A button that looks like a link, for secondary ways forward ("Lost your password?").
pub fn link_button(theme: &Theme, status: button::Status) -> button::Style {
    let p = palette(theme);
    button::Style {
        background: None,
        text_color: match status {
            button::Status::Hovered | button::Status::Pressed => p.header,
            button::Status::Disabled => p.muted,
            button::Status::Active => p.primary,
        },
        ..button::Style::default()
    }
}

/// Buttons in the dark header bar; `on` marks a toggle that is switched on.
pub fn header_button(on: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |theme, status| {
        let p = palette(theme);
        let hovered = matches!(status, button::Status::Hovered | button::Status::Pressed);
        let bg = match (on, hovered) {
            (true, _) => p.header_button_on,
            (false, true) => p.header_button_hover,
            (false, false) => p.header_button,
        };
        button::Style {
            background: Some(Background::Color(bg)),
            text_color: if on { p.header } else { p.header_text },
            border: Border {
                color: p.header_border,
                width: 1.0,
                radius: RADIUS.into(),
            },
            ..button::Style::default()
        }
    }
}

/// A tab in the admin navigation; the current one is outlined in the primary colour (in high
/// contrast, inverted, so it does not depend on colour alone).
pub fn tab_button(current: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |theme, status| {
        let p = palette(theme);
        let hovered = matches!(status, button::Status::Hovered | button::Status::Pressed);
        let high = p.border_width > 1.0;
        let bg = match (current, hovered) {
            (true, _) if high => p.selected_bg,
            (true, _) => p.surface,
            (false, true) => p.hover,
            (false, false) => p.background,
        };
        button::Style {
            background: Some(Background::Color(bg)),
            text_color: match (current, high) {
                (true, true) => p.selected_text,
                (true, false) => p.primary,
                (false, _) => p.text,
            },
            border: Border {
                color: if current { p.primary } else { p.border },
                width: if current {
                    2.0
                } else {
                    p.border_width.min(1.5)
                },
                radius: RADIUS.into(),
            },
            ..button::Style::default()
        }
    }
}

/// A drop-down: white like a text field, so it never looks disabled.
pub fn drop_down(
    theme: &Theme,
    status: iced::widget::pick_list::Status,
) -> iced::widget::pick_list::Style {
    use iced::widget::pick_list::Status;
    let p = palette(theme);
    let open = matches!(status, Status::Hovered | Status::Opened { .. });
    iced::widget::pick_list::Style {
        text_color: p.text,
        placeholder_color: p.muted,
        handle_color: p.primary,
        background: Background::Color(p.surface),
        border: Border {
            color: if open { p.primary } else { p.muted },
            width: p.border_width.min(1.5),
            radius: RADIUS.into(),
        },
    }
}

pub fn input(theme: &Theme, status: text_input::Status) -> text_input::Style {
    let p = palette(theme);
    let mut s = text_input::default(theme, status);
    s.border.radius = RADIUS.into();
    s.placeholder = p.muted;
    s.value = p.text;
    if p.border_width > 1.0 {
        s.border.color = p.border;
        s.border.width = 1.5;
    }
    if matches!(status, text_input::Status::Focused { .. }) {
        s.border.width = 2.0 + (p.border_width - 1.0);
        s.border.color = p.primary;
    }
    s
}

/// A whole table row that opens something when clicked: plain until hovered.
pub fn link_row(theme: &Theme, status: button::Status) -> button::Style {
    let p = palette(theme);
    button::Style {
        background: match status {
            button::Status::Hovered | button::Status::Pressed => Some(Background::Color(p.hover)),
            _ => None,
        },
        text_color: p.text,
        border: Border {
            radius: RADIUS.into(),
            ..Border::default()
        },
        ..button::Style::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG 2.2's contrast ratio of two opaque colours.
    fn contrast(a: Color, b: Color) -> f32 {
        fn luminance(c: Color) -> f32 {
            let channel = |v: f32| {
                if v <= 0.039_28 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
        }
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn contrast_is_computed_as_wcag_defines_it() {
        let black_on_white = contrast(Color::BLACK, Color::WHITE);
        assert!((black_on_white - 21.0).abs() < 0.01, "{black_on_white}");
        assert!((contrast(Color::WHITE, Color::WHITE) - 1.0).abs() < 0.001);
    }

    #[test]
    fn every_text_of_the_high_contrast_theme_is_at_least_seven_to_one() {
        let p = HIGH_CONTRAST;
        let on_page = [
            ("text", p.text),
            ("muted", p.muted),
            ("primary", p.primary),
            ("success", p.success),
            ("warning", p.warning),
            ("danger", p.danger),
        ];
        for bg in [
            p.background,
            p.surface,
            p.hover,
            p.warning_bg,
            p.danger_bg,
            p.info_bg,
        ] {
            for (name, fg) in on_page {
                assert!(
                    contrast(fg, bg) >= 7.0,
                    "{name} on {bg:?}: {}",
                    contrast(fg, bg)
                );
            }
        }
        let pairs = [
            ("selection", p.selected_text, p.selected_bg),
            ("header", p.header_text, p.header),
            ("header button", p.header_text, p.header_button_hover),
            ("header toggle on", p.header, p.header_button_on),
            ("blank screen", p.blank_text, p.blank_bg),
            ("primary button", Color::WHITE, p.primary),
            ("danger button", Color::WHITE, p.danger),
            ("pressed button", Color::WHITE, p.text),
        ];
        for (name, fg, bg) in pairs {
            assert!(contrast(fg, bg) >= 7.0, "{name}: {}", contrast(fg, bg));
        }
    }

    #[test]
    fn the_focus_ring_stands_out_on_the_page_and_on_the_header_in_both_themes() {
        for p in [STANDARD, HIGH_CONTRAST] {
            for bg in [
                p.background,
                p.surface,
                p.header,
                p.header_button,
                p.header_button_hover,
            ] {
                assert!(
                    contrast(p.focus, bg) >= 3.0,
                    "{bg:?}: {}",
                    contrast(p.focus, bg)
                );
            }
            assert!(p.focus_width >= 2.0);
        }
        const { assert!(HIGH_CONTRAST.focus_width > STANDARD.focus_width) };
    }

    #[test]
    fn style_functions_follow_the_theme_they_are_given() {
        let standard = theme(false);
        let high = theme(true);
        assert_eq!(palette(&standard), &STANDARD);
        assert_eq!(palette(&high), &HIGH_CONTRAST);
        assert_eq!(muted(&high).color, Some(HIGH_CONTRAST.muted));
        assert_ne!(muted(&standard).color, muted(&high).color);
        assert_eq!(card(&high).border.width, 1.5);
    }
}
