//! Turning the bytes of an MIS export into text. SIMS and older Excel versions save CSV in
//! Windows-1252, newer ones in UTF-8 (often with a byte-order mark), and Excel's "Unicode text"
//! is UTF-16; a school office worker cannot be expected to know which one they have.

use super::FileProblem;
use std::borrow::Cow;

/// The largest file Keyholder will read: a whole-school export with every column is a few MB.
pub const MAX_BYTES: usize = 50 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8WithBom,
    Utf16,
    Windows1252,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8WithBom => "UTF-8 with byte-order mark",
            Encoding::Utf16 => "UTF-16 (Excel Unicode text)",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

/// The file's text and how it was encoded. A UTF-8 file is read where it lies, not copied.
pub fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, Encoding), FileProblem> {
    if bytes.len() > MAX_BYTES {
        return Err(FileProblem::TooLarge {
            megabytes: bytes.len() / (1024 * 1024),
        });
    }
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        // A BOM promises UTF-8; if the rest is not, the file is damaged rather than 1252.
        let text = std::str::from_utf8(rest).map_err(|_| FileProblem::NotText)?;
        (Cow::Borrowed(text), Encoding::Utf8WithBom)
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (text, _, had_errors) = encoding_rs::UTF_16LE.decode(bytes);
        if had_errors {
            return Err(FileProblem::NotText);
        }
        (text, Encoding::Utf16)
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (Cow::Borrowed(text), Encoding::Utf8)
    } else {
        // Every byte means something in Windows-1252, so this cannot fail; the control-character
        // check below is what turns away files that are not text at all.
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
        (text, Encoding::Windows1252)
    };
    // Old DOS tools end a file with Ctrl+Z; it is not part of the data.
    let text = match text {
        Cow::Borrowed(t) => Cow::Borrowed(t.trim_end_matches('\u{1A}')),
        Cow::Owned(mut t) => {
            t.truncate(t.trim_end_matches('\u{1A}').len());
            Cow::Owned(t)
        }
    };
    if has_control(&text) {
        return Err(FileProblem::NotText);
    }
    if text.trim().is_empty() {
        return Err(FileProblem::Empty);
    }
    Ok((text, encoding))
}

/// Whether the text holds a control character (`char::is_control`: U+0000 to U+001F and U+007F
/// to U+009F) other than a tab or a line break. Checked by bytes, as it runs over the whole file:
/// in UTF-8 the controls from U+0080 are 0xC2 then 0x80 to 0x9F, and 0xC2 only ever starts a
/// character.
fn has_control(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| match b {
        b'\t' | b'\r' | b'\n' => false,
        0..=0x1F | 0x7F => true,
        0xC2 => bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_by_bytes_as_by_characters() {
        let by_chars = |t: &str| {
            t.chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
        };
        // Every character up to U+3000 alone and between letters, which covers every control and
        // every character whose UTF-8 bytes include 0xC2 or a byte below 0x20.
        for c in (0..0x3000).filter_map(char::from_u32) {
            for text in [c.to_string(), format!("a{c}b"), format!("Zoë{c}")] {
                assert_eq!(has_control(&text), by_chars(&text), "{:?}", c);
            }
        }
        assert!(!has_control("Zoë,O’Neill\t7\r\n"));
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let (t, e) = decode("Zoë,O'Brien\n".as_bytes()).unwrap();
        assert_eq!((&*t, e), ("Zoë,O'Brien\n", Encoding::Utf8));
        let (t, e) = decode(b"\xEF\xBB\xBFZo\xC3\xAB\n").unwrap();
        assert_eq!((&*t, e), ("Zoë\n", Encoding::Utf8WithBom));
    }

    #[test]
    fn windows_1252_when_not_utf8() {
        // 0xEB is ë and 0x92 the curly apostrophe in Windows-1252.
        let (t, e) = decode(b"Zo\xEB,O\x92Neill\r\n").unwrap();
        assert_eq!((&*t, e), ("Zoë,O’Neill\r\n", Encoding::Windows1252));
    }

    #[test]
    fn utf16_from_excel_unicode_text() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Zoë\tAdno\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let (t, e) = decode(&bytes).unwrap();
        assert_eq!((&*t, e), ("Zoë\tAdno\n", Encoding::Utf16));
    }

    #[test]
    fn binary_and_empty_files_are_refused() {
        assert_eq!(decode(b"PK\x03\x04\x00\x00"), Err(FileProblem::NotText));
        assert_eq!(decode(b""), Err(FileProblem::Empty));
        assert_eq!(decode(b" \r\n\r\n"), Err(FileProblem::Empty));
        assert_eq!(decode(b"\xEF\xBB\xBF\xFF"), Err(FileProblem::NotText));
        assert!(
            decode(b"a,b\n\x1A").is_ok(),
            "a DOS end-of-file mark is dropped"
        );
    }
}
