//! Turning the bytes of an MIS export into text. SIMS and older Excel versions save CSV in
//! Windows-1252, newer ones in UTF-8 (often with a byte-order mark), and Excel's "Unicode text"
//! is UTF-16; a school office worker cannot be expected to know which one they have.

use super::FileProblem;

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

/// The file's text and how it was encoded.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), FileProblem> {
    if bytes.len() > MAX_BYTES {
        return Err(FileProblem::TooLarge {
            megabytes: bytes.len() / (1024 * 1024),
        });
    }
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        // A BOM promises UTF-8; if the rest is not, the file is damaged rather than 1252.
        let text = std::str::from_utf8(rest).map_err(|_| FileProblem::NotText)?;
        (text.to_string(), Encoding::Utf8WithBom)
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (text, _, had_errors) = encoding_rs::UTF_16LE.decode(bytes);
        if had_errors {
            return Err(FileProblem::NotText);
        }
        (text.into_owned(), Encoding::Utf16)
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (text.to_string(), Encoding::Utf8)
    } else {
        // Every byte means something in Windows-1252, so this cannot fail; the control-character
        // check below is what turns away files that are not text at all.
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
        (text.into_owned(), Encoding::Windows1252)
    };
    // Old DOS tools end a file with Ctrl+Z; it is not part of the data.
    let text = text.trim_end_matches('\u{1A}').to_string();
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
    {
        return Err(FileProblem::NotText);
    }
    if text.trim().is_empty() {
        return Err(FileProblem::Empty);
    }
    Ok((text, encoding))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let (t, e) = decode("Zoë,O'Brien\n".as_bytes()).unwrap();
        assert_eq!((t.as_str(), e), ("Zoë,O'Brien\n", Encoding::Utf8));
        let (t, e) = decode(b"\xEF\xBB\xBFZo\xC3\xAB\n").unwrap();
        assert_eq!((t.as_str(), e), ("Zoë\n", Encoding::Utf8WithBom));
    }

    #[test]
    fn windows_1252_when_not_utf8() {
        // 0xEB is ë and 0x92 the curly apostrophe in Windows-1252.
        let (t, e) = decode(b"Zo\xEB,O\x92Neill\r\n").unwrap();
        assert_eq!((t.as_str(), e), ("Zoë,O’Neill\r\n", Encoding::Windows1252));
    }

    #[test]
    fn utf16_from_excel_unicode_text() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Zoë\tAdno\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let (t, e) = decode(&bytes).unwrap();
        assert_eq!((t.as_str(), e), ("Zoë\tAdno\n", Encoding::Utf16));
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
