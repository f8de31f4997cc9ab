//! Laid-out pages into PDF bytes, with krilla: the running head, the marks, and the footer with
//! "Page n of N" on every page.

use super::fonts::{Face, Fonts};
use super::layout::{FOOTER_Y, HEADER_Y, Ink, MARGIN, Mark, PAGE_HEIGHT, PAGE_WIDTH, Page};
use super::{Document, Error};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::text::{Font, TextDirection};

fn colour(ink: Ink) -> rgb::Color {
    match ink {
        Ink::Text => rgb::Color::new(0x1D, 0x24, 0x30),
        Ink::Muted => rgb::Color::new(0x5B, 0x65, 0x73),
        Ink::Line => rgb::Color::new(0xB8, 0xC0, 0xCC),
    }
}

fn fill(ink: Ink) -> Fill {
    Fill {
        paint: colour(ink).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

pub fn write(doc: &Document, pages: &[Page], fonts: &Fonts) -> Result<Vec<u8>, Error> {
    let load = |face: Face| {
        Font::new(krilla::Data::from(Fonts::bytes(face)), 0)
            .ok_or_else(|| Error("a font Keyholder carries could not be used".into()))
    };
    let regular = load(Face::Regular)?;
    let bold = load(Face::Bold)?;
    let font = |face: Face| match face {
        Face::Regular => regular.clone(),
        Face::Bold => bold.clone(),
    };
    let mut document = krilla::Document::new();
    document.set_metadata(
        krilla::metadata::Metadata::new()
            .title(doc.title.clone())
            .creator("Keyholder".into())
            .language("en-GB".into()),
    );
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
        .ok_or_else(|| Error("the page size is not valid".into()))?;
    let count = pages.len();
    for (n, content) in pages.iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        let small = 8.0;
        let mut text = |x: f32, y: f32, face: Face, size: f32, ink: Ink, t: &str| {
            if t.trim().is_empty() {
                return;
            }
            surface.set_fill(Some(fill(ink)));
            surface.draw_text(
                Point::from_xy(x, y),
                font(face),
                size,
                t,
                false,
                TextDirection::Auto,
            );
        };
        text(
            MARGIN,
            HEADER_Y,
            Face::Regular,
            small,
            Ink::Muted,
            &doc.header,
        );
        let footer_right = format!("Page {} of {count}", n + 1);
        let right_x = PAGE_WIDTH - MARGIN - fonts.width(Face::Regular, small, &footer_right);
        text(
            MARGIN,
            FOOTER_Y,
            Face::Regular,
            small,
            Ink::Muted,
            &doc.footer,
        );
        text(
            right_x,
            FOOTER_Y,
            Face::Regular,
            small,
            Ink::Muted,
            &footer_right,
        );
        for m in &content.marks {
            if let Mark::Text {
                x,
                y,
                text: t,
                face,
                size,
                ink,
            } = m
            {
                text(*x, *y, *face, *size, *ink, t);
            }
        }
        for m in &content.marks {
            if let Mark::Bar { x, y, w, h } = m {
                let mut pb = PathBuilder::new();
                if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                    pb.push_rect(rect);
                }
                if let Some(path) = pb.finish() {
                    surface.set_fill(Some(fill(Ink::Line)));
                    surface.draw_path(&path);
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| Error(format!("the PDF could not be written ({e:?})")))
}
