//! What each kind of import reads, which column of the file holds it, and the guesses made from
//! the column titles that SIMS, Arbor, Bromcom and Excel users commonly give them.

use super::table::{Row, Table};
use super::titles::meaning;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ImportKind {
    Pupils,
    Staff,
    Groups,
}

impl ImportKind {
    pub const ALL: [ImportKind; 3] = [ImportKind::Pupils, ImportKind::Staff, ImportKind::Groups];

    /// As the command line and the mapping store name it.
    pub fn key(self) -> &'static str {
        match self {
            ImportKind::Pupils => "pupils",
            ImportKind::Staff => "staff",
            ImportKind::Groups => "groups",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ImportKind::Pupils => "Pupils with their groups",
            ImportKind::Staff => "Staff",
            ImportKind::Groups => "Groups",
        }
    }

    /// "pupil"/"pupils", for counts.
    pub fn nouns(self) -> (&'static str, &'static str) {
        match self {
            ImportKind::Pupils => ("pupil", "pupils"),
            ImportKind::Staff => ("member of staff", "members of staff"),
            ImportKind::Groups => ("group", "groups"),
        }
    }

    /// The fields of this kind, in the order the mapping shows them.
    pub fn fields(self) -> &'static [Field] {
        use Field::*;
        match self {
            ImportKind::Pupils => &[
                MisId,
                Upn,
                Forename,
                Surname,
                DateOfBirth,
                AcademicLevel,
                House,
                RegistrationForm,
            ],
            ImportKind::Staff => &[MisId, Title, Forename, Surname, Email, JobTitle],
            ImportKind::Groups => &[GroupType, GroupName, MisId],
        }
    }
}

/// One thing an import reads from a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    MisId,
    Upn,
    Title,
    Forename,
    Surname,
    DateOfBirth,
    AcademicLevel,
    House,
    RegistrationForm,
    Email,
    JobTitle,
    GroupType,
    GroupName,
}

impl Field {
    const ALL: [Field; 13] = [
        Field::MisId,
        Field::Upn,
        Field::Title,
        Field::Forename,
        Field::Surname,
        Field::DateOfBirth,
        Field::AcademicLevel,
        Field::House,
        Field::RegistrationForm,
        Field::Email,
        Field::JobTitle,
        Field::GroupType,
        Field::GroupName,
    ];

    /// The name used in mapping files.
    pub fn key(self) -> &'static str {
        match self {
            Field::MisId => "mis_id",
            Field::Upn => "upn",
            Field::Title => "title",
            Field::Forename => "forename",
            Field::Surname => "surname",
            Field::DateOfBirth => "date_of_birth",
            Field::AcademicLevel => "academic_level",
            Field::House => "house",
            Field::RegistrationForm => "registration_form",
            Field::Email => "email",
            Field::JobTitle => "job_title",
            Field::GroupType => "type",
            Field::GroupName => "name",
        }
    }

    pub fn from_key(key: &str) -> Option<Field> {
        let key = key.trim().to_lowercase().replace([' ', '-'], "_");
        Field::ALL.into_iter().find(|f| f.key() == key)
    }

    pub fn label(self, kind: ImportKind) -> &'static str {
        match (self, kind) {
            (Field::MisId, ImportKind::Staff) => "MIS staff ID",
            (Field::MisId, _) => "MIS ID",
            (Field::Upn, _) => "UPN",
            (Field::Title, _) => "Title",
            (Field::Forename, _) => "Forename",
            (Field::Surname, _) => "Surname",
            (Field::DateOfBirth, _) => "Date of birth",
            (Field::AcademicLevel, _) => "Academic level (year)",
            (Field::House, _) => "House",
            (Field::RegistrationForm, _) => "Registration form",
            (Field::Email, _) => "E-mail",
            (Field::JobTitle, _) => "Job title",
            (Field::GroupType, _) => "Group type",
            (Field::GroupName, _) => "Group name",
        }
    }

    /// What the field is, for "Choose the column that holds …".
    pub fn description(self, kind: ImportKind) -> &'static str {
        match (self, kind) {
            (Field::MisId, ImportKind::Pupils) => "each pupil's MIS ID (or UPN)",
            (Field::MisId, ImportKind::Staff) => "each member of staff's MIS staff ID",
            (Field::Forename, _) => "forenames",
            (Field::Surname, _) => "surnames",
            (Field::GroupType, _) => "each group's type (House, Year or Form)",
            (Field::GroupName, _) => "each group's name",
            _ => self.label(kind),
        }
    }

    /// Whether nothing can be imported without it. (Pupils need an MIS ID or a UPN; that choice
    /// is checked by the plan.)
    pub fn required(self, kind: ImportKind) -> bool {
        match kind {
            ImportKind::Pupils => matches!(self, Field::Forename | Field::Surname),
            ImportKind::Staff => matches!(self, Field::MisId | Field::Forename | Field::Surname),
            ImportKind::Groups => matches!(self, Field::GroupType | Field::GroupName),
        }
    }

    /// Column titles that mean this field, best first. They are compared by their
    /// [`meaning`], so each stands for its abbreviations and variants too: "Admission Number"
    /// also covers "Adno", "Adm. No." and "AdmNo"; "Date of Birth" covers "DOB" and "D.O.B.".
    fn titles(self, kind: ImportKind) -> &'static [&'static str] {
        match (self, kind) {
            (Field::MisId, ImportKind::Pupils) => &[
                "MIS ID",
                "Admission Number",
                "Pupil MIS ID",
                "Pupil ID",
                "Student ID",
                "Person ID",
                "External ID",
                "ID",
            ],
            (Field::MisId, ImportKind::Staff) => &[
                "MIS Staff ID",
                "Staff MIS ID",
                "Staff ID",
                "MIS ID",
                "Staff Code",
                "Staff Number",
                "Employee ID",
                "Employee Number",
                "Person ID",
                "External ID",
                "ID",
            ],
            (Field::MisId, ImportKind::Groups) => &[
                "MIS ID",
                "Group MIS ID",
                "Group ID",
                "External ID",
                "Code",
                "ID",
            ],
            (Field::Upn, _) => &["UPN", "Unique Pupil Number"],
            (Field::Title, _) => &["Title", "Salutation"],
            (Field::Forename, _) => &[
                "Legal Forename",
                "Forename",
                "First Name",
                "Given Name",
                "Legal First Name",
                "Preferred Forename",
                "Preferred First Name",
            ],
            (Field::Surname, _) => &[
                "Legal Surname",
                "Surname",
                "Last Name",
                "Family Name",
                "Legal Last Name",
                "Preferred Surname",
                "Preferred Last Name",
            ],
            (Field::DateOfBirth, _) => &["Date of Birth", "Birth Date", "Birthday"],
            (Field::AcademicLevel, _) => &[
                "Year Group",
                "Year",
                "NC Year",
                "NC Year Actual",
                "Curriculum Year",
                "Academic Level",
            ],
            (Field::House, _) => &["House", "House Group", "House Name"],
            (Field::RegistrationForm, _) => &[
                "Registration Group",
                "Registration Form",
                "Form",
                "Form Group",
                "Tutor Group",
                "Class",
            ],
            (Field::Email, _) => &[
                "Email",
                "Email Address",
                "Work Email",
                "School Email",
                "Work Email Address",
            ],
            (Field::JobTitle, _) => &["Job Title", "Role", "Position", "Post", "Job Role"],
            (Field::GroupType, _) => &["Group Type", "Type"],
            (Field::GroupName, _) => &["Group Name", "Name", "Group", "Short Name"],
        }
    }
}

/// Words that say whose detail a column holds ("Pupil Surname", "Student UPN", "Staff
/// Forename"). A title that is not known is tried again without one of them in front.
fn subject_words(kind: ImportKind) -> &'static [&'static str] {
    match kind {
        ImportKind::Pupils => &["pupil", "student", "child", "learner"],
        ImportKind::Staff => &["staff", "employee"],
        ImportKind::Groups => &[],
    }
}

/// "Legal Forename", "legal_forename" and "LEGAL-FORENAME" all become "legalforename".
fn squash(title: &str) -> String {
    title
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Which column (0-based) holds each field; a field not here is not imported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    columns: BTreeMap<Field, usize>,
}

impl Mapping {
    pub fn get(&self, field: Field) -> Option<usize> {
        self.columns.get(&field).copied()
    }

    pub fn set(&mut self, field: Field, column: Option<usize>) {
        match column {
            Some(c) => {
                self.columns.insert(field, c);
            }
            None => {
                self.columns.remove(&field);
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (Field, usize)> + '_ {
        self.columns.iter().map(|(f, c)| (*f, *c))
    }

    /// The cell of `field` in `row`, or `None` when the field is not imported.
    pub fn cell<'r>(&self, row: Row<'r>, field: Field) -> Option<&'r str> {
        self.get(field).map(|c| row.cell(c))
    }

    /// The best guess from the column titles: each field takes the first title on its list that
    /// some column means (see [`meaning`]), and no column is used twice. Titles with a word such
    /// as "Pupil" in front are tried without it only after every title has been tried as it is,
    /// so "Pupil ID" stays the MIS ID.
    pub fn guess(kind: ImportKind, titles: &[String]) -> Mapping {
        let exact: Vec<String> = titles.iter().map(|t| meaning(t)).collect();
        let without_subject: Vec<Option<String>> = exact
            .iter()
            .map(|m| {
                subject_words(kind)
                    .iter()
                    .find_map(|w| m.strip_prefix(w))
                    .filter(|rest| !rest.is_empty())
                    .map(str::to_string)
            })
            .collect();
        let mut mapping = Mapping::default();
        let mut used = vec![false; titles.len()];
        // Specific titles first, so "Staff ID" is not taken by a vaguer field.
        let mut wanted: Vec<(usize, Field, String)> = Vec::new();
        for &field in kind.fields() {
            for (rank, t) in field.titles(kind).iter().enumerate() {
                wanted.push((rank, field, meaning(t)));
            }
        }
        wanted.sort_by_key(|(rank, _, _)| *rank);
        for pass in [0, 1] {
            for (_, field, title) in &wanted {
                if mapping.get(*field).is_some() {
                    continue;
                }
                let found = (0..titles.len()).find(|&i| {
                    !used[i]
                        && if pass == 0 {
                            exact[i] == *title
                        } else {
                            without_subject[i].as_ref() == Some(title)
                        }
                });
                if let Some(col) = found {
                    used[col] = true;
                    mapping.set(*field, Some(col));
                }
            }
        }
        mapping
    }

    /// How many columns the guess found by their titles; used to spot the header row.
    fn recognised(kind: ImportKind, row: Row<'_>) -> usize {
        let titles: Vec<String> = row.cells().map(str::to_string).collect();
        Mapping::guess(kind, &titles).columns.len()
    }
}

/// The header row (index into `table.rows`): the first of the first ten rows in which at least
/// two column titles are recognised (one, for a file with a single column). Reports often start
/// with a title line or two before the header.
pub fn detect_header(kind: ImportKind, table: &Table) -> Option<usize> {
    table.rows().take(10).position(|row| {
        let enough = if row.width() == 1 { 1 } else { 2 };
        Mapping::recognised(kind, row) >= enough
    })
}

/// Names for the columns: the header's titles, or "Column 3" where there is none.
pub fn column_names(table: &Table, header: Option<usize>) -> Vec<String> {
    let header_row = header.and_then(|h| table.row(h));
    (0..table.width())
        .map(|i| match header_row.map(|r| r.cell(i)) {
            Some(t) if !t.is_empty() => t.to_string(),
            _ => format!("Column {}", i + 1),
        })
        .collect()
}

/// Which column a mapping file or the remembered mapping points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnRef {
    /// The column with this title in the header row.
    Title(String),
    /// The n-th column (1-based), for files without a header.
    Number(usize),
    /// Not imported.
    Skip,
}

/// A mapping written down by title, so it can be used again on next term's file: the format of
/// `--mapping FILE` and of what Keyholder remembers per kind of import.
///
/// ```text
/// # Lines are "field = column"; the column is a title from the header row, "column 3",
/// # or nothing (do not import that field). Fields not listed are guessed from the titles.
/// header_row = 1
/// mis_id = Adno
/// forename = Legal Forename
/// house =
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MappingSpec {
    /// `Some(0)`: the file has no header row; `None`: find it.
    pub header_row: Option<usize>,
    pub columns: BTreeMap<Field, ColumnRef>,
}

impl MappingSpec {
    /// Reads a mapping file. Errors name the line and say what is wrong with it.
    pub fn parse(text: &str) -> Result<MappingSpec, String> {
        let mut spec = MappingSpec::default();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim().trim_start_matches('\u{FEFF}');
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(format!(
                    "line {} should look like \"forename = Legal Forename\"",
                    i + 1
                ));
            };
            let value = value.trim();
            if squash(key) == "headerrow" {
                spec.header_row = Some(value.parse().map_err(|_| {
                    format!(
                        "line {}: header_row should be the number of the header row, or 0 when there is none",
                        i + 1
                    )
                })?);
                continue;
            }
            let field = Field::from_key(key).ok_or_else(|| {
                format!(
                    "line {}: \"{}\" is not a field; use one of {}",
                    i + 1,
                    key.trim(),
                    Field::ALL.map(Field::key).join(", ")
                )
            })?;
            let column = match column_number(value) {
                Some(n) => ColumnRef::Number(n),
                None if value.is_empty() => ColumnRef::Skip,
                None => ColumnRef::Title(value.trim_matches('"').to_string()),
            };
            spec.columns.insert(field, column);
        }
        Ok(spec)
    }

    /// The text of a mapping file for this mapping, by title when the file has a header.
    pub fn describe(
        kind: ImportKind,
        mapping: &Mapping,
        names: &[String],
        header: Option<usize>,
    ) -> MappingSpec {
        let mut spec = MappingSpec {
            header_row: Some(header.map_or(0, |h| h + 1)),
            columns: BTreeMap::new(),
        };
        for &field in kind.fields() {
            let column = match mapping.get(field) {
                None => ColumnRef::Skip,
                Some(c) if header.is_some() => names
                    .get(c)
                    .map_or(ColumnRef::Number(c + 1), |n| ColumnRef::Title(n.clone())),
                Some(c) => ColumnRef::Number(c + 1),
            };
            spec.columns.insert(field, column);
        }
        spec
    }

    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if let Some(h) = self.header_row {
            out.push_str(&format!("header_row = {h}\n"));
        }
        for (field, column) in &self.columns {
            let value = match column {
                ColumnRef::Title(t) => t.clone(),
                ColumnRef::Number(n) => format!("column {n}"),
                ColumnRef::Skip => String::new(),
            };
            out.push_str(&format!("{} = {value}\n", field.key()).replace(" \n", "\n"));
        }
        out
    }

    /// Applies this spec over `mapping` for a file with these column names. Strict (for a
    /// mapping file the person wrote) refuses a title the file does not have; otherwise (the
    /// remembered mapping) such a field keeps its guess.
    pub fn apply(
        &self,
        kind: ImportKind,
        mapping: &mut Mapping,
        names: &[String],
        strict: bool,
    ) -> Result<(), String> {
        for (&field, column) in &self.columns {
            if !kind.fields().contains(&field) {
                if strict {
                    return Err(format!(
                        "the mapping names {}, which {} files do not have",
                        field.key(),
                        kind.key()
                    ));
                }
                continue;
            }
            let found = match column {
                ColumnRef::Skip => None,
                ColumnRef::Number(n) if (1..=names.len()).contains(n) => Some(n - 1),
                ColumnRef::Title(t) => names.iter().position(|n| n == t).or_else(|| {
                    names
                        .iter()
                        .position(|n| n.to_lowercase() == t.to_lowercase())
                }),
                ColumnRef::Number(_) => None,
            };
            match (found, column) {
                (Some(c), _) => mapping.set(field, Some(c)),
                (None, ColumnRef::Skip) => mapping.set(field, None),
                (None, _) if strict => {
                    let what = match column {
                        ColumnRef::Number(n) => format!("column {n}"),
                        ColumnRef::Title(t) => format!("a column called \"{t}\""),
                        ColumnRef::Skip => String::new(),
                    };
                    return Err(format!(
                        "the mapping gives {what} for {}, but the file has no such column (its columns are: {})",
                        field.key(),
                        names.join(", ")
                    ));
                }
                (None, _) => {}
            }
        }
        Ok(())
    }
}

/// "column 3", "col 3" or "#3" → 3.
fn column_number(value: &str) -> Option<usize> {
    let lower = value.to_lowercase();
    let digits = lower
        .strip_prefix("column")
        .or_else(|| lower.strip_prefix("col"))
        .or_else(|| lower.strip_prefix('#'))?
        .trim();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn guesses_common_mis_titles() {
        let t = titles(&[
            "Adno",
            "UPN",
            "Legal Surname",
            "Legal Forename",
            "Preferred Forename",
            "D.O.B.",
            "Year",
            "Reg Group",
            "House",
        ]);
        let m = Mapping::guess(ImportKind::Pupils, &t);
        assert_eq!(m.get(Field::MisId), Some(0));
        assert_eq!(m.get(Field::Upn), Some(1));
        assert_eq!(m.get(Field::Surname), Some(2));
        assert_eq!(m.get(Field::Forename), Some(3), "legal before preferred");
        assert_eq!(m.get(Field::DateOfBirth), Some(5));
        assert_eq!(m.get(Field::AcademicLevel), Some(6));
        assert_eq!(m.get(Field::RegistrationForm), Some(7));
        assert_eq!(m.get(Field::House), Some(8));

        let t = titles(&[
            "Staff ID",
            "Title",
            "First Name",
            "Last Name",
            "Email Address",
            "Job Title",
        ]);
        let m = Mapping::guess(ImportKind::Staff, &t);
        assert_eq!(
            m.iter().collect::<Vec<_>>(),
            [
                (Field::MisId, 0),
                (Field::Title, 1),
                (Field::Forename, 2),
                (Field::Surname, 3),
                (Field::Email, 4),
                (Field::JobTitle, 5)
            ]
        );
    }

    #[test]
    fn short_titles_real_exports_use_are_recognised_without_a_mapping() {
        let t = titles(&[
            "Adm No",
            "UPN",
            "Surname(s)",
            "Forename(s)",
            "D.O.B.",
            "NC Yr",
            "Tutor Grp",
            "House Grp",
        ]);
        let m = Mapping::guess(ImportKind::Pupils, &t);
        assert_eq!(
            m.iter().collect::<Vec<_>>(),
            [
                (Field::MisId, 0),
                (Field::Upn, 1),
                (Field::Forename, 3),
                (Field::Surname, 2),
                (Field::DateOfBirth, 4),
                (Field::AcademicLevel, 5),
                (Field::House, 7),
                (Field::RegistrationForm, 6),
            ]
        );
        let t = titles(&["Adm. No.", "Legal Surname", "First Names", "Yr", "Reg Grp"]);
        let m = Mapping::guess(ImportKind::Pupils, &t);
        assert_eq!(m.get(Field::MisId), Some(0));
        assert_eq!(m.get(Field::Surname), Some(1));
        assert_eq!(m.get(Field::Forename), Some(2));
        assert_eq!(m.get(Field::AcademicLevel), Some(3));
        assert_eq!(m.get(Field::RegistrationForm), Some(4));
        let t = titles(&["Year Grp", "Reg. Group", "AdmNo", "DOB"]);
        let m = Mapping::guess(ImportKind::Pupils, &t);
        assert_eq!(m.get(Field::AcademicLevel), Some(0));
        assert_eq!(m.get(Field::RegistrationForm), Some(1));
        assert_eq!(m.get(Field::MisId), Some(2));
        assert_eq!(m.get(Field::DateOfBirth), Some(3));
        let t = titles(&[
            "Staff No",
            "Staff Surname",
            "Staff Forename",
            "E-mail",
            "Job",
        ]);
        let m = Mapping::guess(ImportKind::Staff, &t);
        assert_eq!(m.get(Field::MisId), Some(0));
        assert_eq!(m.get(Field::Surname), Some(1));
        assert_eq!(m.get(Field::Forename), Some(2));
        assert_eq!(m.get(Field::Email), Some(3));
        assert_eq!(
            m.get(Field::JobTitle),
            None,
            "\"Job\" alone is not a known title"
        );
    }

    #[test]
    fn a_word_such_as_pupil_in_front_is_tried_last() {
        let t = titles(&[
            "Pupil ID",
            "Pupil Surname",
            "Student Forename",
            "Child's Year",
        ]);
        let m = Mapping::guess(ImportKind::Pupils, &t);
        assert_eq!(
            m.get(Field::MisId),
            Some(0),
            "Pupil ID is a title of its own"
        );
        assert_eq!(m.get(Field::Surname), Some(1));
        assert_eq!(m.get(Field::Forename), Some(2));
        assert_eq!(m.get(Field::AcademicLevel), Some(3));
        // Both name a surname: the plain one wins.
        let t = titles(&["Pupil Surname", "Surname"]);
        let m = Mapping::guess(ImportKind::Pupils, &t);
        assert_eq!(m.get(Field::Surname), Some(1));
    }

    #[test]
    fn titles_that_only_contain_a_known_word_are_not_taken() {
        let t = titles(&[
            "Form Tutor",
            "Admission Date",
            "Parent Surname",
            "Middle Name(s)",
            "Year of Entry",
            "Group Tutor",
            "No. of Siblings",
            "Gender",
            "Yr Entered",
            "Pupil Premium",
        ]);
        assert_eq!(Mapping::guess(ImportKind::Pupils, &t), Mapping::default());
        // "Name" means a group's name in a groups file, but nothing in a pupil file.
        let t = titles(&["Name", "Title"]);
        assert_eq!(Mapping::guess(ImportKind::Pupils, &t), Mapping::default());
    }

    #[test]
    fn the_header_may_follow_a_report_title() {
        let table = Table::read(
            b"Pupil list,,\nprinted 01/09/2025,,\nForename,Surname,Adno\nAmara,Osei,1\n",
        )
        .unwrap();
        assert_eq!(detect_header(ImportKind::Pupils, &table), Some(2));
        let table = Table::read(b"Amara,Osei,1\nBen,Tull,2\n").unwrap();
        assert_eq!(detect_header(ImportKind::Pupils, &table), None);
        assert_eq!(
            column_names(&table, None),
            ["Column 1", "Column 2", "Column 3"]
        );
    }

    #[test]
    fn mapping_files_round_trip_and_explain_mistakes() {
        let spec = MappingSpec::parse(
            "# pupils\nheader_row = 1\nforename = Legal Forename\nSurname=column 2\nhouse =\n",
        )
        .unwrap();
        assert_eq!(spec.header_row, Some(1));
        assert_eq!(
            spec.columns[&Field::Forename],
            ColumnRef::Title("Legal Forename".into())
        );
        assert_eq!(spec.columns[&Field::Surname], ColumnRef::Number(2));
        assert_eq!(spec.columns[&Field::House], ColumnRef::Skip);
        assert_eq!(MappingSpec::parse(&spec.to_text()).unwrap(), spec);

        let e = MappingSpec::parse("first = Forename").unwrap_err();
        assert!(e.contains("line 1") && e.contains("not a field"), "{e}");
        let e = MappingSpec::parse("forename").unwrap_err();
        assert!(e.contains("should look like"), "{e}");

        let names = titles(&["Legal Forename", "Surname", "House"]);
        let mut m = Mapping::guess(ImportKind::Pupils, &names);
        assert_eq!(m.get(Field::House), Some(2));
        spec.apply(ImportKind::Pupils, &mut m, &names, true)
            .unwrap();
        assert_eq!(m.get(Field::House), None);
        assert_eq!(m.get(Field::Surname), Some(1));
        let wrong = MappingSpec::parse("forename = First").unwrap();
        let e = wrong
            .apply(ImportKind::Pupils, &mut m, &names, true)
            .unwrap_err();
        assert!(e.contains("no such column"), "{e}");
        assert!(
            wrong
                .apply(ImportKind::Pupils, &mut m, &names, false)
                .is_ok()
        );
    }
}
