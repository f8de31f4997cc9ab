//! The two faces every document uses, and how wide a text is in them.

use super::Error;

static REGULAR: &[u8] = include_bytes!("../../resources/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../resources/fonts/DejaVuSans-Bold.ttf");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
}

pub struct Fonts {
    regular: ttf_parser::Face<'static>,
    bold: ttf_parser::Face<'static>,
}

impl Fonts {
    pub fn load() -> Result<Fonts, Error> {
        let parse = |bytes: &'static [u8]| {
            ttf_parser::Face::parse(bytes, 0)
                .map_err(|e| Error(format!("a font Keyholder carries could not be read ({e})")))
        };
        Ok(Fonts {
            regular: parse(REGULAR)?,
            bold: parse(BOLD)?,
        })
    }

    pub fn bytes(face: Face) -> &'static [u8] {
        match face {
            Face::Regular => REGULAR,
            Face::Bold => BOLD,
        }
    }

    /// The width of `text` at `size` points. Kerning is left out: it moves a line by far less
    /// than the margin a wrapped line keeps.
    pub fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        let f = match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        };
        let per_unit = size / f32::from(f.units_per_em());
        let units: u32 = text
            .chars()
            .map(|c| {
                let glyph = f.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
                u32::from(f.glyph_hor_advance(glyph).unwrap_or(0))
            })
            .sum();
        units as f32 * per_unit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_grow_with_the_text_and_the_size() {
        let f = Fonts::load().unwrap();
        let one = f.width(Face::Regular, 10.0, "Zoë");
        assert!(one > 10.0 && one < 30.0, "{one}");
        assert!((f.width(Face::Regular, 20.0, "Zoë") - 2.0 * one).abs() < 0.01);
        assert!(f.width(Face::Bold, 10.0, "Zoë") > one);
        assert_eq!(f.width(Face::Regular, 10.0, ""), 0.0);
    }
}
