//! The rows and cells of a CSV file, with the separator worked out from the file itself: Excel
//! saves with commas in the UK, with semicolons where the comma is the decimal mark, and its
//! "Unicode text" with tabs.

use super::FileProblem;
use super::decode::{self, Encoding};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
}

impl Delimiter {
    const ALL: [Delimiter; 3] = [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab];

    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Delimiter::Comma => "comma-separated",
            Delimiter::Semicolon => "semicolon-separated",
            Delimiter::Tab => "tab-separated",
        }
    }
}

/// One row of the file, borrowed from its [`Table`]. `number` is the row a spreadsheet shows it
/// on (counting blank rows, and a cell with line breaks as one row), so a rejected row can be
/// found in Excel.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Row<'t> {
    pub number: usize,
    text: &'t str,
    /// Where each cell starts in `text`, and where the last ends: one more than the cells.
    bounds: &'t [u32],
}

impl<'t> Row<'t> {
    /// The cell in `column`, with the spaces around it removed (nothing else about a name is
    /// changed); "" past the row's last cell.
    pub fn cell(&self, column: usize) -> &'t str {
        match (self.bounds.get(column), self.bounds.get(column + 1)) {
            (Some(&start), Some(&end)) => self.text.get(start as usize..end as usize).unwrap_or(""),
            _ => "",
        }
    }

    /// How many cells the file gave this row.
    pub fn width(&self) -> usize {
        self.bounds.len().saturating_sub(1)
    }

    pub fn cells(&self) -> impl Iterator<Item = &'t str> + '_ {
        (0..self.width()).map(|i| self.cell(i))
    }

    pub fn is_blank(&self) -> bool {
        self.bounds.first() == self.bounds.last()
    }
}

impl std::fmt::Debug for Row<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Row")
            .field("number", &self.number)
            .field("cells", &self.cells().collect::<Vec<_>>())
            .finish()
    }
}

/// Where one row's cells are in the table.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RowSpan {
    number: usize,
    /// Index into `bounds` of the row's first cell.
    first: usize,
    cells: usize,
}

/// The file's cells, kept as one text with the bounds of each: a whole school's file is tens of
/// thousands of small cells, and one allocation each was a third of an import's own time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub encoding: Encoding,
    pub delimiter: Delimiter,
    text: String,
    /// Every cell's start in `text`, row after row, and the end of the last one.
    bounds: Vec<u32>,
    rows: Vec<RowSpan>,
}

impl Table {
    /// Reads a file's bytes: decodes them, picks the separator and splits rows and cells.
    pub fn read(bytes: &[u8]) -> Result<Table, FileProblem> {
        let (text, encoding) = decode::decode(bytes)?;
        let delimiter = sniff(&text);
        let table = parse(&text, encoding, delimiter, usize::MAX)?;
        if table.rows().all(|r| r.is_blank()) {
            return Err(FileProblem::Empty);
        }
        Ok(table)
    }

    /// Every row of the file, blank ones too.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = Row<'_>> + Clone + '_ {
        (0..self.rows.len()).map(|i| self.row_at(i))
    }

    /// The row at `index` (from 0, counting blank rows).
    pub fn row(&self, index: usize) -> Option<Row<'_>> {
        (index < self.rows.len()).then(|| self.row_at(index))
    }

    fn row_at(&self, index: usize) -> Row<'_> {
        let span = &self.rows[index];
        Row {
            number: span.number,
            text: &self.text,
            bounds: &self.bounds[span.first..=span.first + span.cells],
        }
    }

    /// The number of rows, blank ones too.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The number of columns of the widest row.
    pub fn width(&self) -> usize {
        self.rows.iter().map(|r| r.cells).max().unwrap_or(0)
    }
}

/// The first `limit` records. Row numbers are worked out only for the whole file (`limit` =
/// `usize::MAX`); the separator guess reads a few rows and needs none.
fn parse(
    text: &str,
    encoding: Encoding,
    delimiter: Delimiter,
    limit: usize,
) -> Result<Table, FileProblem> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter.byte())
        .from_reader(text.as_bytes());
    let numbers = if limit == usize::MAX {
        row_numbers(text, delimiter.byte())
    } else {
        Vec::new()
    };
    let mut table = Table {
        encoding,
        delimiter,
        // The cells are never longer than the file, so the text is never moved as it grows.
        text: String::with_capacity(if limit == usize::MAX { text.len() } else { 0 }),
        bounds: vec![0],
        rows: Vec::with_capacity(numbers.len()),
    };
    // One record read into again and again, rather than a new one for every row.
    let mut record = csv::StringRecord::new();
    while table.rows.len() < limit {
        let more = reader
            .read_record(&mut record)
            .map_err(|e| FileProblem::Unreadable(describe(&e)))?;
        if !more {
            break;
        }
        let i = table.rows.len();
        let first = table.bounds.len() - 1;
        for cell in record.iter() {
            table.text.push_str(cell.trim());
            // The file is at most decode::MAX_BYTES (50 MB), a few times that as UTF-8 at
            // worst, so every offset fits.
            table.bounds.push(table.text.len() as u32);
        }
        table.rows.push(RowSpan {
            number: numbers.get(i).copied().unwrap_or(i + 1),
            first,
            cells: record.len(),
        });
    }
    Ok(table)
}

/// The spreadsheet row of each record. The csv reader skips blank lines, which a spreadsheet
/// shows as rows, and a quoted cell may span lines, which it shows as one row; so the lines are
/// walked here with the same quoting rule (a quote opens only at the start of a cell).
fn row_numbers(text: &str, delimiter: u8) -> Vec<usize> {
    let mut numbers = Vec::new();
    let (mut row, mut line_has_content) = (1, false);
    let (mut quoted, mut cell_start) = (false, true);
    let mut bytes = text.bytes().peekable();
    while let Some(b) = bytes.next() {
        if quoted {
            if b == b'"' {
                if bytes.peek() == Some(&b'"') {
                    bytes.next();
                } else {
                    quoted = false;
                }
            }
            continue;
        }
        match b {
            b'\n' => {
                if line_has_content {
                    numbers.push(row);
                }
                row += 1;
                line_has_content = false;
                cell_start = true;
            }
            b'\r' => {}
            b'"' if cell_start => {
                quoted = true;
                line_has_content = true;
                cell_start = false;
            }
            _ => {
                line_has_content = true;
                cell_start = b == delimiter;
            }
        }
    }
    if line_has_content {
        numbers.push(row);
    }
    numbers
}

fn describe(e: &csv::Error) -> String {
    match e.position() {
        Some(p) => format!(
            "the file could not be split into rows near line {}",
            p.line()
        ),
        None => "the file could not be split into rows".to_string(),
    }
}

/// The separator that gives the first rows the most consistent number of cells (more than one).
fn sniff(text: &str) -> Delimiter {
    let mut best = (Delimiter::Comma, 0usize);
    for d in Delimiter::ALL {
        let Ok(table) = parse(text, Encoding::Utf8, d, 30) else {
            continue;
        };
        let mut counts = std::collections::BTreeMap::<usize, usize>::new();
        for r in table.rows().filter(|r| !r.is_blank()) {
            *counts.entry(r.width()).or_default() += 1;
        }
        // The most common width wins; among equally common widths, the wider.
        let Some((&width, &agreeing)) = counts.iter().max_by_key(|&(w, n)| (*n, *w)) else {
            continue;
        };
        if width < 2 {
            continue;
        }
        let score = agreeing * 1000 + width;
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(t: &Table) -> Vec<Vec<&str>> {
        t.rows().map(|r| r.cells().collect()).collect()
    }

    #[test]
    fn finds_the_separator() {
        let t = Table::read(b"Surname;Forename;DOB\nAkande;Tolu;01/02/2015\n").unwrap();
        assert_eq!(t.delimiter, Delimiter::Semicolon);
        assert_eq!(cells(&t)[1], ["Akande", "Tolu", "01/02/2015"]);
        let t = Table::read(b"Surname\tForename\nAkande\tTolu\n").unwrap();
        assert_eq!(t.delimiter, Delimiter::Tab);
        let t = Table::read(b"Surname,Forename\n\"Akande, Jr\",Tolu\n").unwrap();
        assert_eq!(t.delimiter, Delimiter::Comma);
        assert_eq!(cells(&t)[1], ["Akande, Jr", "Tolu"]);
    }

    #[test]
    fn semicolon_file_with_commas_in_names_is_still_semicolons() {
        let t = Table::read(b"Name;Year\nSmith, Jo;7\nLee, Al;8\nKhan, Mo;9\n").unwrap();
        assert_eq!(t.delimiter, Delimiter::Semicolon);
        assert_eq!(cells(&t)[2], ["Lee, Al", "8"]);
    }

    #[test]
    fn quoted_cells_keep_line_breaks_and_rows_are_numbered_as_a_spreadsheet_would() {
        let t = Table::read(
            b"Adno,Note,Surname\r\n1,\"two\r\nlines\",Okoro\r\n\r\n2,plain,Baptiste\r\n",
        )
        .unwrap();
        assert_eq!(cells(&t)[1], ["1", "two\r\nlines", "Okoro"]);
        let numbers: Vec<usize> = t.rows().map(|r| r.number).collect();
        // Row 3 is the blank line, as Excel would show it.
        assert_eq!(numbers, [1, 2, 4]);
    }

    #[test]
    fn cells_are_trimmed_but_otherwise_kept() {
        let t = Table::read("a,b\n  Zoë-Anne , O'Connor \n".as_bytes()).unwrap();
        assert_eq!(cells(&t)[1], ["Zoë-Anne", "O'Connor"]);
    }

    #[test]
    fn rows_keep_their_own_widths_and_a_cell_past_the_end_is_empty() {
        let t = Table::read(b"a,b,c\n1\n,,\n4,5\n").unwrap();
        let widths: Vec<usize> = t.rows().map(|r| r.width()).collect();
        assert_eq!(widths, [3, 1, 3, 2]);
        assert_eq!(t.width(), 3);
        let second = t.row(1).unwrap();
        assert_eq!(
            (second.cell(0), second.cell(1), second.cell(7)),
            ("1", "", "")
        );
        assert!(!second.is_blank());
        assert!(
            t.row(2).unwrap().is_blank(),
            "a row of empty cells is blank"
        );
        assert_eq!(t.row(3).unwrap().cell(1), "5");
        assert!(t.row(4).is_none());
        assert_eq!(t.len(), 4);
    }

    #[test]
    fn a_file_of_one_column_is_read_as_commas() {
        let t = Table::read(b"Names\nOne\nTwo\n").unwrap();
        assert_eq!(t.delimiter, Delimiter::Comma);
        assert_eq!(t.width(), 1);
    }
}
