//! The window icon: the 256 px rendering of `packaging/icons/keyholder.svg`, built into the binary.
//! A picture that does not decode only costs the icon, never the window.

use iced::window::{Icon, Settings};

const PNG_256: &[u8] = include_bytes!("../../packaging/icons/png/keyholder-256.png");

/// The name of the Linux package's `keyholder.desktop`: the window's application id (Wayland) and
/// class (X11) must match it for the desktop to show the right icon and name in its task list.
pub const APPLICATION_ID: &str = "keyholder";

/// The window's settings before the size and position are set: the icon and, on Linux, the
/// application id.
pub fn window_settings() -> Settings {
    Settings {
        icon: window_icon(),
        #[cfg(target_os = "linux")]
        platform_specific: iced::window::settings::PlatformSpecific {
            application_id: APPLICATION_ID.to_string(),
            ..Default::default()
        },
        ..Settings::default()
    }
}

/// The window icon, or `None` (the system's default icon) if it cannot be decoded.
pub fn window_icon() -> Option<Icon> {
    from_png(PNG_256)
}

/// Decodes an 8-bit RGB or RGBA PNG into an icon.
pub fn from_png(data: &[u8]) -> Option<Icon> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(data));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().ok()?;
    let mut buf = vec![0; reader.output_buffer_size()?];
    let info = reader.next_frame(&mut buf).ok()?;
    let pixels = buf.get(..info.buffer_size())?;
    let rgba = match info.color_type {
        png::ColorType::Rgba => pixels.to_vec(),
        png::ColorType::Rgb => pixels
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], u8::MAX])
            .collect(),
        _ => return None,
    };
    iced::window::icon::from_rgba(rgba, info.width, info.height).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_icon_decodes_at_256_px() {
        let icon = window_icon().expect("the committed PNG decodes");
        let (rgba, size) = icon.into_raw();
        assert_eq!((size.width, size.height), (256, 256));
        assert_eq!(rgba.len(), 256 * 256 * 4);
        // Not blank: the corners are transparent, the middle (the key on the shield) is not.
        assert_eq!(rgba[3], 0);
        let middle = (128 * 256 + 128) * 4;
        assert_eq!(rgba[middle + 3], u8::MAX);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_window_names_the_desktop_file() {
        let settings = window_settings();
        assert_eq!(settings.platform_specific.application_id, "keyholder");
        assert!(settings.icon.is_some());
    }

    #[test]
    fn a_damaged_picture_gives_no_icon_instead_of_failing() {
        assert!(from_png(b"not a png").is_none());
        assert!(from_png(&PNG_256[..PNG_256.len() / 2]).is_none());
        assert!(from_png(&[]).is_none());
    }
}
