//! Rows an import will not take, and how a long list of them is told: a file from the wrong
//! export can reject tens of thousands of rows for one reason, and nobody reads the same reason
//! 20,000 times. The preview, `keyholder import` and the audit entry all show the first rows of
//! each kind of problem, then "and 19,990 more rows with the same Adno as another row".

use std::collections::HashMap;

/// How many rows of each kind of problem are shown before "and N more rows …".
pub const FIRST_ROWS_SHOWN: usize = 10;

/// What is wrong with a row, to group rows that share it. The words for one row are in
/// [`Rejection::reason`]; these say what many rows have in common.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Problem {
    TooLong,
    LineBreak,
    Empty,
    /// The row's ID is on another row of the file too.
    Duplicate,
    /// Two rows for different pupils give the same UPN.
    SameUpn,
    /// The UPN belongs to another pupil already in Keyholder.
    UpnTaken,
    /// More than one pupil in Keyholder has the row's ID.
    Ambiguous,
    NotADate,
    NotAnEmail,
    NotAGroupType,
    /// A group would be renamed to the name another group has.
    NameTaken,
    /// A group already has a different MIS ID.
    MisIdDiffers,
}

impl Problem {
    /// What the rows have in common, to follow "and 19,990 more rows".
    fn rows_like(self, column: &str) -> String {
        match self {
            Problem::TooLong => format!("with {column} longer than Keyholder keeps"),
            Problem::LineBreak => format!("with a line break in {column}"),
            Problem::Empty => format!("with {column} empty"),
            Problem::Duplicate => format!("with the same {column} as another row"),
            Problem::SameUpn => format!("giving another pupil's row the same {column}"),
            Problem::UpnTaken => format!("with a {column} that belongs to another pupil"),
            Problem::Ambiguous => format!("whose {column} more than one pupil in Keyholder has"),
            Problem::NotADate => format!("with a {column} that cannot be used"),
            Problem::NotAnEmail => {
                format!("with something other than an e-mail address in {column}")
            }
            Problem::NotAGroupType => format!("with a {column} that is not a group type"),
            Problem::NameTaken => "renaming a group to the name of another".to_string(),
            Problem::MisIdDiffers => format!("giving a group another {column} than it has"),
        }
    }
}

/// A row that will not be imported, and why, in words for the person who will fix the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub row: usize,
    /// The column's title in the file (or the field's name when it has none).
    pub column: String,
    pub reason: String,
    pub problem: Problem,
}

impl std::fmt::Display for Rejection {
    /// "Row 42, DOB: "31/02/2016" is not a real date"
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Row {}, {}: {}", self.row, self.column, self.reason)
    }
}

/// The rejections that share a problem in one column: the first few, and how many in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectionGroup<'a> {
    pub problem: Problem,
    pub column: &'a str,
    pub first: Vec<&'a Rejection>,
    pub rows: usize,
}

impl RejectionGroup<'_> {
    /// "and 19,990 more rows with the same Adno as another row", when some are not shown.
    pub fn more(&self) -> Option<String> {
        let more = self.rows.saturating_sub(self.first.len());
        (more > 0).then(|| {
            format!(
                "and {} more {} {}",
                thousands(more),
                if more == 1 { "row" } else { "rows" },
                self.problem.rows_like(self.column)
            )
        })
    }

    /// "20,000 rows with the same Adno as another row (rows 2, 4, 6 and 19,997 more)": no
    /// names, dates or other cells, so it can go in the audit trail.
    pub fn in_brief(&self) -> String {
        let numbers: Vec<String> = self.first.iter().map(|r| thousands(r.row)).collect();
        let more = self.rows.saturating_sub(self.first.len());
        let listed = if more > 0 {
            format!("{} and {} more", numbers.join(", "), thousands(more))
        } else {
            numbers.join(", ")
        };
        format!(
            "{} {} {} ({} {listed})",
            thousands(self.rows),
            if self.rows == 1 { "row" } else { "rows" },
            self.problem.rows_like(self.column),
            if self.rows == 1 { "row" } else { "rows" },
        )
    }
}

/// Groups rejections by problem and column, in the order their first rows come in the file,
/// keeping the first `first` of each. Linear in the number of rejections.
pub fn summarise(rejected: &[Rejection], first: usize) -> Vec<RejectionGroup<'_>> {
    let mut groups: Vec<RejectionGroup<'_>> = Vec::new();
    let mut index: HashMap<(Problem, &str), usize> = HashMap::new();
    for r in rejected {
        let i = *index
            .entry((r.problem, r.column.as_str()))
            .or_insert_with(|| {
                groups.push(RejectionGroup {
                    problem: r.problem,
                    column: r.column.as_str(),
                    first: Vec::new(),
                    rows: 0,
                });
                groups.len() - 1
            });
        let g = &mut groups[i];
        g.rows += 1;
        if g.first.len() < first {
            g.first.push(r);
        }
    }
    groups
}

/// The summary as lines: each shown rejection ("Row 42, DOB: …"), then its group's "and N
/// more rows …" line. At most (`first` + 1) lines for each kind of problem.
pub fn summary_lines(rejected: &[Rejection], first: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for g in summarise(rejected, first) {
        lines.extend(g.first.iter().map(|r| r.to_string()));
        lines.extend(g.more());
    }
    lines
}

/// 19990 → "19,990", as the office writes counts.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejection(row: usize, column: &str, problem: Problem) -> Rejection {
        Rejection {
            row,
            column: column.into(),
            reason: format!("reason {row}"),
            problem,
        }
    }

    #[test]
    fn counts_are_written_with_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(19_990), "19,990");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn a_long_list_shows_the_first_rows_of_each_problem_then_how_many_more() {
        let mut rejected: Vec<Rejection> = (0..20_000)
            .map(|i| rejection(2 + i * 2, "Adno", Problem::Duplicate))
            .collect();
        rejected.insert(3, rejection(7, "DOB", Problem::NotADate));
        let groups = summarise(&rejected, 10);
        assert_eq!(groups.len(), 2);
        assert_eq!((groups[0].rows, groups[0].first.len()), (20_000, 10));
        assert_eq!(
            groups[0].more().as_deref(),
            Some("and 19,990 more rows with the same Adno as another row")
        );
        assert_eq!(groups[1].more(), None);
        let lines = summary_lines(&rejected, 10);
        assert_eq!(lines.len(), 12);
        assert_eq!(lines[0], "Row 2, Adno: reason 2");
        assert_eq!(
            lines[10],
            "and 19,990 more rows with the same Adno as another row"
        );
        assert_eq!(lines[11], "Row 7, DOB: reason 7");
        assert_eq!(
            groups[1].in_brief(),
            "1 row with a DOB that cannot be used (row 7)"
        );
        assert!(
            groups[0]
                .in_brief()
                .starts_with("20,000 rows with the same Adno as another row (rows 2, 4, 6,"),
            "{}",
            groups[0].in_brief()
        );
        assert!(groups[0].in_brief().ends_with("20 and 19,990 more)"));
    }

    #[test]
    fn the_same_problem_in_two_columns_is_two_groups() {
        let rejected = [
            rejection(2, "Forename", Problem::Empty),
            rejection(3, "Surname", Problem::Empty),
            rejection(4, "Forename", Problem::Empty),
        ];
        let groups = summarise(&rejected, 1);
        assert_eq!(groups.len(), 2);
        assert_eq!(
            groups[0].more().as_deref(),
            Some("and 1 more row with Forename empty")
        );
    }
}
