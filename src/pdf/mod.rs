//! Documents Keyholder prints: a chronology for a case conference, a report. A [`Document`] is
//! plain data (blocks of text, labelled fields, tables); [`render`] lays it out on A4 pages and
//! writes the PDF, with krilla and the DejaVu Sans fonts in `resources/fonts` (embedded, so any
//! name in any Latin, Greek or Cyrillic script prints as written).
//!
//! Every page carries the document's running head at the top, and at the bottom its footer
//! ("Printed by … on …") and "Page n of N". No I/O: the caller decides where the bytes go (and
//! audits it).
//!
//! ```
//! use keyholder::pdf;
//! # fn main() -> Result<(), pdf::Error> {
//! let doc = pdf::Document {
//!     title: "Incidents by month".into(),
//!     header: "Millbrook Primary School · Incidents by month".into(),
//!     footer: "Printed by Ada Bell on 3 Mar 2026 14:05".into(),
//!     blocks: vec![
//!         pdf::Block::title("Incidents by month"),
//!         pdf::Block::fields([("Dates", "1 Sep 2025 to 28 Feb 2026")]),
//!         pdf::Block::Table(pdf::Table::new(
//!             [pdf::Column::new("Month", 2.0), pdf::Column::right("Incidents", 1.0)],
//!             vec![vec!["September".into(), "12".into()]],
//!         )),
//!     ],
//! };
//! let rendered = pdf::render(&doc)?;
//! assert!(rendered.bytes.starts_with(b"%PDF-"));
//! assert_eq!(rendered.pages, 1);
//! # Ok(())
//! # }
//! ```

mod fonts;
mod layout;
mod write;

pub use layout::{PAGE_HEIGHT, PAGE_WIDTH};

/// A document to print.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The PDF's title (what a viewer shows in its title bar).
    pub title: String,
    /// Small text at the top of every page: what the document is and who it is about.
    pub header: String,
    /// Small text at the bottom of every page, beside the page number: "Printed by … on …".
    pub footer: String,
    pub blocks: Vec<Block>,
}

/// How a piece of text looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// The document's title.
    Title,
    /// A section's heading; never left alone at the foot of a page.
    Heading,
    Body,
    /// Body size, bold.
    Strong,
    /// Smaller and grey: who and when, notes.
    Small,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph, wrapped to the page; line breaks in it are kept. `indent` in points.
    Text {
        text: String,
        style: Style,
        indent: f32,
    },
    /// Labelled values, the labels in a column of their own: "Date of birth   4 March 2015".
    Fields(Vec<(String, String)>),
    Table(Table),
    /// A thin line across the page.
    Rule,
    /// Empty space, in points (dropped at the top of a page).
    Space(f32),
    /// Blocks kept on one page when they fit on one: an entry and its details.
    Together(Vec<Block>),
    /// What follows starts on a new page (nothing happens at the top of one).
    PageBreak,
}

impl Block {
    pub fn title(text: impl Into<String>) -> Block {
        Block::styled(text, Style::Title)
    }

    pub fn heading(text: impl Into<String>) -> Block {
        Block::styled(text, Style::Heading)
    }

    pub fn text(text: impl Into<String>) -> Block {
        Block::styled(text, Style::Body)
    }

    pub fn strong(text: impl Into<String>) -> Block {
        Block::styled(text, Style::Strong)
    }

    pub fn small(text: impl Into<String>) -> Block {
        Block::styled(text, Style::Small)
    }

    pub fn styled(text: impl Into<String>, style: Style) -> Block {
        Block::Text {
            text: text.into(),
            style,
            indent: 0.0,
        }
    }

    /// The same block moved right by `points` (text only; other blocks are as they are).
    pub fn indented(self, points: f32) -> Block {
        match self {
            Block::Text {
                text,
                style,
                indent,
            } => Block::Text {
                text,
                style,
                indent: indent + points,
            },
            Block::Together(blocks) => {
                Block::Together(blocks.into_iter().map(|b| b.indented(points)).collect())
            }
            other => other,
        }
    }

    pub fn fields<L: Into<String>, V: Into<String>>(
        rows: impl IntoIterator<Item = (L, V)>,
    ) -> Block {
        Block::Fields(
            rows.into_iter()
                .map(|(l, v)| (l.into(), v.into()))
                .collect(),
        )
    }
}

/// A table: its header is repeated at the top of every page it runs onto, and a row is never
/// split between pages unless it is taller than a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    /// One cell per column; missing cells are empty, extra ones ignored.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(columns: impl IntoIterator<Item = Column>, rows: Vec<Vec<String>>) -> Table {
        Table {
            columns: columns.into_iter().collect(),
            rows,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub title: String,
    /// The column's share of the page's width, against the other columns' shares.
    pub share: f32,
    /// Numbers read best aligned right.
    pub align_right: bool,
}

impl Column {
    pub fn new(title: impl Into<String>, share: f32) -> Column {
        Column {
            title: title.into(),
            share,
            align_right: false,
        }
    }

    pub fn right(title: impl Into<String>, share: f32) -> Column {
        Column {
            align_right: true,
            ..Column::new(title, share)
        }
    }
}

/// A finished PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

/// Why a PDF could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Error(String);

/// Lays the document out on A4 pages and writes it as a PDF.
pub fn render(doc: &Document) -> Result<Rendered, Error> {
    let fonts = fonts::Fonts::load()?;
    let pages = layout::paginate(doc, &fonts);
    let bytes = write::write(doc, &pages, &fonts)?;
    Ok(Rendered {
        pages: pages.len(),
        bytes,
    })
}
