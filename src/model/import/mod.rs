//! Importing the school's MIS exports (pupils with their groups, staff, groups) from CSV. Pure:
//! the caller reads the file and the vault; this reads the text, guesses the columns and works
//! out the plan, so every rule can be tested without a disk or a database.
//!
//! The steps: [`Table::read`] decodes and splits the file, [`columns::detect_header`] and
//! [`Mapping::guess`] find the columns, [`plan::plan`] compares the rows with the school.

pub mod columns;
pub mod dates;
pub mod decode;
pub mod plan;
pub mod rejections;
pub mod table;
pub mod titles;
mod upn;

pub use columns::{ColumnRef, Field, ImportKind, Mapping, MappingSpec};
pub use plan::{Counts, Existing, Outcome, Plan, PlanInput, StaffDetails};
pub use rejections::{Problem, Rejection};
pub use table::Table;

/// Why a whole file cannot be read, in words for the person who chose it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    #[error("The file is empty.")]
    Empty,
    #[error(
        "This does not look like a CSV file: it holds characters that a spreadsheet export never has. Export the list from your MIS as CSV and choose that file."
    )]
    NotText,
    #[error(
        "The file is {megabytes} MB, far larger than a school's list of pupils or staff. Check that you chose the right file."
    )]
    TooLarge { megabytes: usize },
    #[error("The file could not be read as CSV: {0}. Save it again from the MIS or Excel as CSV.")]
    Unreadable(String),
}
