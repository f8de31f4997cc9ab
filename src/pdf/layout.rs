//! Wrapping text to the page and filling A4 pages, in points from the page's top-left corner.
//! Pure: the same document always gives the same pages.

use super::fonts::{Face, Fonts};
use super::{Block, Document, Style, Table};

pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
pub(super) const MARGIN: f32 = 56.0;
/// Where the running head's baseline is, and the footer's.
pub(super) const HEADER_Y: f32 = 36.0;
pub(super) const FOOTER_Y: f32 = PAGE_HEIGHT - 30.0;
const TOP: f32 = MARGIN + 8.0;
const BOTTOM: f32 = PAGE_HEIGHT - MARGIN;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const FIELD_LABEL_WIDTH: f32 = 130.0;
const CELL_PADDING: f32 = 4.0;
/// A wrapped line is kept this much shorter than the room it has, for what measuring leaves
/// out (kerning).
const SLACK: f32 = 0.98;

/// The greys a document uses: text, muted text, lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ink {
    Text,
    Muted,
    Line,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        text: String,
        face: Face,
        size: f32,
        ink: Ink,
    },
    /// A filled rectangle: rules and table lines.
    Bar { x: f32, y: f32, w: f32, h: f32 },
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub marks: Vec<Mark>,
}

/// A strip across the page, its marks placed from the strip's top.
#[derive(Debug, Clone, Default)]
struct Line {
    height: f32,
    marks: Vec<Mark>,
    /// Blank space, which a new page does not begin with.
    space: bool,
}

struct Group {
    lines: Vec<Line>,
    /// On one page if it fits on one.
    keep: bool,
    /// Not left at the foot of a page without the first line of what follows.
    keep_with_next: bool,
    /// Lines put first on every new page the group starts or runs onto (a table's header).
    repeat: Vec<Line>,
    /// What follows starts a new page (the group has no lines).
    page_break: bool,
}

impl Group {
    fn height(&self) -> f32 {
        self.lines.iter().map(|l| l.height).sum()
    }
}

pub(super) fn style_font(style: Style) -> (Face, f32, Ink) {
    match style {
        Style::Title => (Face::Bold, 17.0, Ink::Text),
        Style::Heading => (Face::Bold, 12.5, Ink::Text),
        Style::Body => (Face::Regular, 10.0, Ink::Text),
        Style::Strong => (Face::Bold, 10.0, Ink::Text),
        Style::Small => (Face::Regular, 8.5, Ink::Muted),
    }
}

fn line_height(size: f32) -> f32 {
    size * 1.4
}

/// Characters a page cannot show (control characters) become spaces; tabs too.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

/// Splits `text` into lines no wider than `width`: at spaces, and inside a word only when the
/// word alone is wider than the line. Line breaks in the text are kept; nothing is dropped but
/// the spaces where a line is broken.
pub(super) fn wrap(fonts: &Fonts, face: Face, size: f32, text: &str, width: f32) -> Vec<String> {
    let room = width * SLACK;
    let mut out = Vec::new();
    for paragraph in printable(text).replace("\r\n", "\n").split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if fonts.width(face, size, &candidate) <= room {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            // A word wider than the whole line is cut where it must be.
            let mut rest = word.to_string();
            while fonts.width(face, size, &rest) > room {
                let mut cut = String::new();
                for c in rest.chars() {
                    let longer = format!("{cut}{c}");
                    if fonts.width(face, size, &longer) > room && !cut.is_empty() {
                        break;
                    }
                    cut = longer;
                }
                rest = rest[cut.len()..].to_string();
                out.push(cut);
            }
            line = rest;
        }
        out.push(line);
    }
    out
}

fn text_lines(fonts: &Fonts, text: &str, style: Style, x: f32, width: f32) -> Vec<Line> {
    let (face, size, ink) = style_font(style);
    let h = line_height(size);
    wrap(fonts, face, size, text, width)
        .into_iter()
        .map(|t| Line {
            height: h,
            marks: vec![Mark::Text {
                x,
                y: size,
                text: t,
                face,
                size,
                ink,
            }],
            space: false,
        })
        .collect()
}

fn space(h: f32) -> Line {
    Line {
        height: h,
        marks: Vec::new(),
        space: true,
    }
}

fn rule_line() -> Line {
    Line {
        height: 10.0,
        marks: vec![Mark::Bar {
            x: MARGIN,
            y: 5.0,
            w: CONTENT_WIDTH,
            h: 0.6,
        }],
        space: false,
    }
}

/// Cells side by side: each wrapped to its column, the row as tall as its tallest cell.
fn row_lines(
    fonts: &Fonts,
    cells: &[(f32, f32, bool, String)],
    face: Face,
    size: f32,
    ink: Ink,
) -> Vec<Line> {
    let wrapped: Vec<Vec<String>> = cells
        .iter()
        .map(|(_, w, _, t)| wrap(fonts, face, size, t, (w - 2.0 * CELL_PADDING).max(10.0)))
        .collect();
    let n = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let h = line_height(size);
    (0..n)
        .map(|i| Line {
            height: h,
            marks: cells
                .iter()
                .zip(&wrapped)
                .filter_map(|((x, w, right, _), lines)| {
                    let t = lines.get(i)?.clone();
                    let tx = if *right {
                        x + w - CELL_PADDING - fonts.width(face, size, &t)
                    } else {
                        x + CELL_PADDING
                    };
                    Some(Mark::Text {
                        x: tx,
                        y: size,
                        text: t,
                        face,
                        size,
                        ink,
                    })
                })
                .collect(),
            space: false,
        })
        .collect()
}

fn table_groups(fonts: &Fonts, t: &Table) -> Vec<Group> {
    let total: f32 = t.columns.iter().map(|c| c.share.max(0.0)).sum();
    let mut x = MARGIN;
    let geometry: Vec<(f32, f32, bool)> = t
        .columns
        .iter()
        .map(|c| {
            let w = if total > 0.0 {
                CONTENT_WIDTH * c.share.max(0.0) / total
            } else {
                CONTENT_WIDTH / t.columns.len().max(1) as f32
            };
            let g = (x, w, c.align_right);
            x += w;
            g
        })
        .collect();
    let cells = |texts: Vec<String>| -> Vec<(f32, f32, bool, String)> {
        geometry
            .iter()
            .enumerate()
            .map(|(i, (x, w, r))| (*x, *w, *r, texts.get(i).cloned().unwrap_or_default()))
            .collect()
    };
    let (size, ink) = (9.0, Ink::Text);
    let mut header = row_lines(
        fonts,
        &cells(t.columns.iter().map(|c| c.title.clone()).collect()),
        Face::Bold,
        size,
        ink,
    );
    header.push(Line {
        height: 3.0,
        marks: vec![Mark::Bar {
            x: MARGIN,
            y: 1.0,
            w: CONTENT_WIDTH,
            h: 0.8,
        }],
        space: false,
    });
    let mut groups = vec![Group {
        lines: header.clone(),
        keep: true,
        keep_with_next: true,
        repeat: Vec::new(),
        page_break: false,
    }];
    for row in &t.rows {
        let mut lines = row_lines(fonts, &cells(row.clone()), Face::Regular, size, ink);
        lines.push(Line {
            height: 2.0,
            marks: vec![Mark::Bar {
                x: MARGIN,
                y: 1.0,
                w: CONTENT_WIDTH,
                h: 0.3,
            }],
            space: false,
        });
        groups.push(Group {
            lines,
            keep: true,
            keep_with_next: false,
            repeat: header.clone(),
            page_break: false,
        });
    }
    groups
}

/// The lines of blocks that are not tables, each a group of its own unless `together`.
fn block_groups(fonts: &Fonts, block: &Block, out: &mut Vec<Group>) {
    let single = |lines: Vec<Line>, keep: bool, keep_with_next: bool| Group {
        lines,
        keep,
        keep_with_next,
        repeat: Vec::new(),
        page_break: false,
    };
    match block {
        Block::Text {
            text,
            style,
            indent,
        } => {
            let indent = indent.clamp(0.0, CONTENT_WIDTH / 2.0);
            let mut lines =
                text_lines(fonts, text, *style, MARGIN + indent, CONTENT_WIDTH - indent);
            let heading = matches!(style, Style::Title | Style::Heading);
            if heading {
                lines.insert(0, space(if *style == Style::Title { 0.0 } else { 6.0 }));
                lines.push(space(3.0));
            }
            out.push(single(lines, heading, heading));
        }
        Block::Fields(rows) => {
            for (label, value) in rows {
                let (face, size, _) = style_font(Style::Body);
                let mut lines = row_lines(
                    fonts,
                    &[
                        (
                            MARGIN - CELL_PADDING,
                            FIELD_LABEL_WIDTH,
                            false,
                            label.clone(),
                        ),
                        (
                            MARGIN + FIELD_LABEL_WIDTH - CELL_PADDING,
                            CONTENT_WIDTH - FIELD_LABEL_WIDTH + 2.0 * CELL_PADDING,
                            false,
                            String::new(),
                        ),
                    ],
                    Face::Bold,
                    size,
                    Ink::Muted,
                );
                let values = row_lines(
                    fonts,
                    &[(
                        MARGIN + FIELD_LABEL_WIDTH - CELL_PADDING,
                        CONTENT_WIDTH - FIELD_LABEL_WIDTH + 2.0 * CELL_PADDING,
                        false,
                        value.clone(),
                    )],
                    face,
                    size,
                    Ink::Text,
                );
                // Label and value share their first line.
                for (i, v) in values.into_iter().enumerate() {
                    match lines.get_mut(i) {
                        Some(l) => l.marks.extend(v.marks),
                        None => lines.push(v),
                    }
                }
                out.push(single(lines, true, false));
            }
        }
        Block::Table(t) => out.extend(table_groups(fonts, t)),
        Block::Rule => out.push(single(vec![rule_line()], false, false)),
        Block::PageBreak => out.push(Group {
            page_break: true,
            ..single(Vec::new(), false, false)
        }),
        Block::Space(h) => out.push(single(vec![space(h.clamp(0.0, 200.0))], false, false)),
        Block::Together(blocks) => {
            let mut inner = Vec::new();
            for b in blocks {
                block_groups(fonts, b, &mut inner);
            }
            out.push(single(
                inner.into_iter().flat_map(|g| g.lines).collect(),
                true,
                false,
            ));
        }
    }
}

struct Pages {
    pages: Vec<Page>,
    y: f32,
}

impl Pages {
    fn new_page(&mut self, repeat: &[Line]) {
        self.pages.push(Page::default());
        self.y = TOP;
        for l in repeat {
            self.place(l);
        }
    }

    fn at_top(&self) -> bool {
        self.y <= TOP
    }

    fn place(&mut self, line: &Line) {
        if line.space && self.at_top() {
            return;
        }
        let y = self.y;
        if let Some(page) = self.pages.last_mut() {
            page.marks
                .extend(line.marks.iter().map(|m| match m.clone() {
                    Mark::Text {
                        x,
                        y: dy,
                        text,
                        face,
                        size,
                        ink,
                    } => Mark::Text {
                        x,
                        y: y + dy,
                        text,
                        face,
                        size,
                        ink,
                    },
                    Mark::Bar { x, y: dy, w, h } => Mark::Bar { x, y: y + dy, w, h },
                }));
        }
        self.y += line.height;
    }
}

/// The document's blocks on pages (always at least one).
pub fn paginate(doc: &Document, fonts: &Fonts) -> Vec<Page> {
    let mut groups = Vec::new();
    for b in &doc.blocks {
        block_groups(fonts, b, &mut groups);
    }
    let usable = BOTTOM - TOP;
    let mut p = Pages {
        pages: vec![Page::default()],
        y: TOP,
    };
    for (i, g) in groups.iter().enumerate() {
        if g.page_break {
            if !p.at_top() {
                p.new_page(&[]);
            }
            continue;
        }
        let height = g.height();
        let next_first = groups
            .get(i + 1)
            .and_then(|n| n.lines.iter().find(|l| !l.space))
            .map_or(0.0, |l| l.height);
        let needed = if g.keep_with_next {
            height + next_first
        } else {
            height
        };
        let repeat_height: f32 = g.repeat.iter().map(|l| l.height).sum();
        let fits_a_page = needed + repeat_height <= usable;
        if !p.at_top() && p.y + needed > BOTTOM && (g.keep || g.keep_with_next) && fits_a_page {
            p.new_page(&g.repeat);
        }
        for line in &g.lines {
            if p.y + line.height > BOTTOM && !p.at_top() {
                if line.space {
                    continue;
                }
                p.new_page(&g.repeat);
            }
            p.place(line);
        }
    }
    p.pages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::Column;

    fn texts(page: &Page) -> Vec<&str> {
        page.marks
            .iter()
            .filter_map(|m| match m {
                Mark::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    fn doc(blocks: Vec<Block>) -> Document {
        Document {
            title: "t".into(),
            header: "h".into(),
            footer: "f".into(),
            blocks,
        }
    }

    #[test]
    fn wrapping_keeps_every_word_and_each_line_fits() {
        let fonts = Fonts::load().unwrap();
        let text = "Said there had been shouting at home and did not want to go back tonight. \
                    Spoke to the DSL straight away.\nSecond paragraph here.";
        let lines = wrap(&fonts, Face::Regular, 10.0, text, 150.0);
        assert!(lines.len() > 3, "{lines:?}");
        for l in &lines {
            assert!(fonts.width(Face::Regular, 10.0, l) <= 150.0, "{l}");
        }
        assert_eq!(
            lines.join(" ").split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
        assert_eq!(
            lines.last().map(String::as_str),
            Some("Second paragraph here.")
        );
        // A word longer than the line is cut, not lost.
        let long = "x".repeat(200);
        let cut = wrap(&fonts, Face::Regular, 10.0, &long, 100.0);
        assert!(cut.len() > 1);
        assert_eq!(cut.concat(), long);
    }

    #[test]
    fn long_documents_run_onto_more_pages_and_tables_repeat_their_header() {
        let fonts = Fonts::load().unwrap();
        let rows = (0..150)
            .map(|i| vec![format!("Row {i}"), i.to_string()])
            .collect();
        let pages = paginate(
            &doc(vec![
                Block::title("A report"),
                Block::Table(Table::new(
                    [Column::new("Month", 3.0), Column::right("Count", 1.0)],
                    rows,
                )),
            ]),
            &fonts,
        );
        assert!(pages.len() >= 3, "{} pages", pages.len());
        for page in &pages {
            assert_eq!(texts(page).iter().filter(|t| **t == "Month").count(), 1);
            for m in &page.marks {
                if let Mark::Text { y, .. } = m {
                    assert!(*y > TOP && *y <= BOTTOM, "{y}");
                }
            }
        }
        let all: Vec<&str> = pages.iter().flat_map(texts).collect();
        for i in 0..150 {
            assert!(all.contains(&format!("Row {i}").as_str()), "row {i}");
        }
    }

    #[test]
    fn a_heading_is_never_the_last_line_of_a_page() {
        let fonts = Fonts::load().unwrap();
        let mut blocks: Vec<Block> = (0..49).map(|i| Block::text(format!("Line {i}"))).collect();
        blocks.push(Block::heading("Heading"));
        blocks.push(Block::text("Under the heading"));
        let pages = paginate(&doc(blocks), &fonts);
        let holder = pages
            .iter()
            .find(|p| texts(p).contains(&"Heading"))
            .unwrap();
        assert!(texts(holder).contains(&"Under the heading"));
    }

    #[test]
    fn a_page_break_starts_a_new_page_but_never_an_empty_one() {
        let fonts = Fonts::load().unwrap();
        let pages = paginate(
            &doc(vec![
                Block::PageBreak,
                Block::text("First"),
                Block::PageBreak,
                Block::PageBreak,
                Block::text("Second"),
            ]),
            &fonts,
        );
        assert_eq!(pages.len(), 2);
        assert_eq!(texts(&pages[0]), vec!["First"]);
        assert_eq!(texts(&pages[1]), vec!["Second"]);
    }
}
