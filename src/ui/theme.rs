//! Colours, spacing and text sizes, used by name so every screen looks alike.

use iced::widget::{button, container, text_input};
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

pub const BACKGROUND: Color = color!(0xF4F6F9);
pub const SURFACE: Color = color!(0xFFFFFF);
pub const TEXT: Color = color!(0x1D2430);
pub const MUTED: Color = color!(0x5B6573);
pub const BORDER: Color = color!(0xD3D9E1);
pub const PRIMARY: Color = color!(0x1F5F99);
pub const HEADER: Color = color!(0x17263B);
pub const SUCCESS: Color = color!(0x2E7D32);
pub const WARNING: Color = color!(0x9A5B00);
pub const DANGER: Color = color!(0xB3261E);
pub const FOCUS: Color = color!(0xD9480F);
pub const WARNING_BG: Color = color!(0xFFF4DC);
pub const DANGER_BG: Color = color!(0xFDECEA);
pub const INFO_BG: Color = color!(0xE8F1FB);
pub const SUCCESS_BG: Color = color!(0xE6F4E7);

/// The colours of a chart's series (categories), in turn; told apart by people with the common
/// kinds of colour blindness (after Paul Tol's "bright" scheme).
pub const SERIES: [Color; 7] = [
    color!(0x4477AA),
    color!(0xEE6677),
    color!(0x228833),
    color!(0xCCBB44),
    color!(0x66CCEE),
    color!(0xAA3377),
    color!(0xBBBBBB),
];

/// The colour of a chart's `n`th series; past seven they repeat, darker.
pub fn series_colour(n: usize) -> Color {
    let c = SERIES[n % SERIES.len()];
    if (n / SERIES.len()).is_multiple_of(2) {
        c
    } else {
        Color::from_rgb(c.r * 0.6, c.g * 0.6, c.b * 0.6)
    }
}

pub fn theme() -> Theme {
    Theme::custom(
        "Keyholder",
        iced::theme::Palette {
            background: BACKGROUND,
            text: TEXT,
            primary: PRIMARY,
            success: SUCCESS,
            warning: WARNING,
            danger: DANGER,
        },
    )
}

/// The ring around the control that has keyboard focus: dark on the light page and amber on the
/// dark header bar would each need its own, so one colour that stands out on both is used.
pub fn focus_ring(_: &Theme) -> Color {
    FOCUS
}

/// A white panel with a light border: forms, cards, tables.
pub fn card(_: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(SURFACE)),
        border: Border {
            color: BORDER,
            width: 1.0,
            radius: RADIUS.into(),
        },
        text_color: Some(TEXT),
        ..container::Style::default()
    }
}

/// The dark bar across the top of the main window.
pub fn header_bar(_: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(HEADER)),
        text_color: Some(Color::WHITE),
        ..container::Style::default()
    }
}

fn banner(bg: Color, fg: Color) -> container::Style {
    container::Style {
        background: Some(Background::Color(bg)),
        border: Border {
            color: fg.scale_alpha(0.35),
            width: 1.0,
            radius: RADIUS.into(),
        },
        text_color: Some(fg),
        ..container::Style::default()
    }
}

pub fn error_banner(_: &Theme) -> container::Style {
    banner(DANGER_BG, DANGER)
}

pub fn warning_banner(_: &Theme) -> container::Style {
    banner(WARNING_BG, WARNING)
}

pub fn info_banner(_: &Theme) -> container::Style {
    banner(INFO_BG, PRIMARY)
}

pub fn success_banner(_: &Theme) -> container::Style {
    banner(SUCCESS_BG, SUCCESS)
}

/// The whole window when Blank Screen is on.
pub fn blank(_: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(color!(0x0E1520))),
        text_color: Some(color!(0x8A96A8)),
        ..container::Style::default()
    }
}

/// Boxed secret text (recovery codes, soft-key secrets) that must be read or copied exactly.
pub fn secret_box(_: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(color!(0xF0F3F7))),
        border: Border {
            color: BORDER,
            width: 1.0,
            radius: RADIUS.into(),
        },
        text_color: Some(TEXT),
        ..container::Style::default()
    }
}

pub fn primary_button(theme: &Theme, status: button::Status) -> button::Style {
    let mut s = button::primary(theme, status);
    s.border.radius = RADIUS.into();
    s
}

pub fn secondary_button(_: &Theme, status: button::Status) -> button::Style {
    let (bg, border) = match status {
        button::Status::Hovered | button::Status::Pressed => (color!(0xEAF0F7), PRIMARY),
        button::Status::Disabled => (color!(0xF4F6F9), BORDER),
        button::Status::Active => (SURFACE, BORDER),
    };
    button::Style {
        background: Some(Background::Color(bg)),
        text_color: if status == button::Status::Disabled {
            MUTED
        } else {
            PRIMARY
        },
        border: Border {
            color: border,
            width: 1.0,
            radius: RADIUS.into(),
        },
        ..button::Style::default()
    }
}

pub fn danger_button(theme: &Theme, status: button::Status) -> button::Style {
    let mut s = button::danger(theme, status);
    s.border.radius = RADIUS.into();
    s
}

/// A button that looks like a link, for secondary ways forward ("Lost your password?").
pub fn link_button(_: &Theme, status: button::Status) -> button::Style {
    button::Style {
        background: None,
        text_color: match status {
            button::Status::Hovered | button::Status::Pressed => HEADER,
            button::Status::Disabled => MUTED,
            button::Status::Active => PRIMARY,
        },
        ..button::Style::default()
    }
}

/// Buttons in the dark header bar; `on` marks a toggle that is switched on.
pub fn header_button(on: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |_, status| {
        let hovered = matches!(status, button::Status::Hovered | button::Status::Pressed);
        let bg = match (on, hovered) {
            (true, _) => color!(0xF2B84B),
            (false, true) => color!(0x2C4262),
            (false, false) => color!(0x22354F),
        };
        button::Style {
            background: Some(Background::Color(bg)),
            text_color: if on { HEADER } else { Color::WHITE },
            border: Border {
                color: color!(0x3A5275),
                width: 1.0,
                radius: RADIUS.into(),
            },
            ..button::Style::default()
        }
    }
}

/// A tab in the admin navigation; the current one is underlined in the primary colour.
pub fn tab_button(current: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |_, status| {
        let hovered = matches!(status, button::Status::Hovered | button::Status::Pressed);
        button::Style {
            background: Some(Background::Color(if current {
                SURFACE
            } else if hovered {
                color!(0xE9EEF5)
            } else {
                BACKGROUND
            })),
            text_color: if current { PRIMARY } else { TEXT },
            border: Border {
                color: if current { PRIMARY } else { BORDER },
                width: if current { 2.0 } else { 1.0 },
                radius: RADIUS.into(),
            },
            ..button::Style::default()
        }
    }
}

/// A drop-down: white like a text field, so it never looks disabled.
pub fn drop_down(
    _: &Theme,
    status: iced::widget::pick_list::Status,
) -> iced::widget::pick_list::Style {
    use iced::widget::pick_list::Status;
    let open = matches!(status, Status::Hovered | Status::Opened { .. });
    iced::widget::pick_list::Style {
        text_color: TEXT,
        placeholder_color: MUTED,
        handle_color: PRIMARY,
        background: Background::Color(SURFACE),
        border: Border {
            color: if open { PRIMARY } else { MUTED },
            width: 1.0,
            radius: RADIUS.into(),
        },
    }
}

pub fn input(theme: &Theme, status: text_input::Status) -> text_input::Style {
    let mut s = text_input::default(theme, status);
    s.border.radius = RADIUS.into();
    if matches!(status, text_input::Status::Focused { .. }) {
        s.border.width = 2.0;
        s.border.color = PRIMARY;
    }
    s
}

/// A whole table row that opens something when clicked: plain until hovered.
pub fn link_row(_: &Theme, status: button::Status) -> button::Style {
    button::Style {
        background: match status {
            button::Status::Hovered | button::Status::Pressed => {
                Some(Background::Color(color!(0xEEF3F9)))
            }
            _ => None,
        },
        text_color: TEXT,
        border: Border {
            radius: RADIUS.into(),
            ..Border::default()
        },
        ..button::Style::default()
    }
}
