//! What importing a file would change, worked out before anything is written: who is added,
//! updated (matched by MIS ID, never by name) or unchanged, which rows are rejected and why,
//! which groups are new, and which pupils on roll the file leaves out.

use super::columns::{Field, ImportKind, Mapping};
use super::dates::parse_date_of_birth;
use super::rejections::{Problem, Rejection, thousands};
use super::table::{Row, Table};
use super::upn;
use crate::model::{GroupType, Pupil, PupilGroup, PupilGroupId, PupilId, names};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The longest name, ID or title Keyholder keeps (as for names typed on screen).
pub const MAX_TEXT: usize = 100;
const MAX_EMAIL: usize = 254;

/// What the school's file holds now, as far as an import needs to know.
#[derive(Debug, Clone, Default)]
pub struct Existing {
    pub pupils: Vec<Pupil>,
    pub memberships: BTreeMap<PupilId, Vec<PupilGroupId>>,
    pub groups: Vec<PupilGroup>,
    pub staff: Vec<StaffDetails>,
}

/// A member of staff as the MIS describes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaffDetails {
    pub mis_staff_id: String,
    pub title: String,
    pub forename: String,
    pub surname: String,
    pub email: String,
    pub job_title: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Add,
    Update,
    Unchanged,
}

/// A pupil's group: one already in Keyholder, or one this import creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupChoice {
    Existing(PupilGroupId),
    /// Index into [`Plan::new_groups`].
    New(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilImport {
    pub row: usize,
    pub outcome: Outcome,
    /// The pupil it updates.
    pub existing: Option<PupilId>,
    pub mis_id: Option<String>,
    pub upn: Option<String>,
    pub forename: String,
    pub surname: String,
    pub date_of_birth: Option<String>,
    /// For each group type the file has a column for, the pupil's group of that type (`None`:
    /// the cell is empty, so the pupil belongs to no group of that type). Types without a
    /// column are left as they are.
    pub groups: BTreeMap<GroupType, Option<GroupChoice>>,
    /// Archived in Keyholder but in the file again: put back on roll.
    pub restore: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffImport {
    pub row: usize,
    pub outcome: Outcome,
    pub details: StaffDetails,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupImport {
    pub row: usize,
    pub outcome: Outcome,
    /// The group it updates; `None` for a new group (it is in [`Plan::new_groups`]).
    pub existing: Option<PupilGroupId>,
    pub group_type: GroupType,
    pub name: String,
    pub mis_id: Option<String>,
}

/// A group the import creates, marked New until an admin has reviewed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGroup {
    pub group_type: GroupType,
    pub name: String,
    pub mis_id: Option<String>,
}

impl NewGroup {
    pub fn title(&self) -> String {
        format!("{} ({})", self.name, self.group_type.label())
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Rows, not reasons: a row with two mistakes counts once.
    pub rejected: usize,
}

impl Counts {
    /// "3 to add, 2 to update, 40 unchanged, 1 row rejected" before; "3 added, …" after.
    pub fn describe(&self, done: bool) -> String {
        let (add, update) = if done {
            ("added", "updated")
        } else {
            ("to add", "to update")
        };
        format!(
            "{} {add}, {} {update}, {} unchanged, {}",
            self.added,
            self.updated,
            self.unchanged,
            names::count(self.rejected, "row rejected", "rows rejected")
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub kind: ImportKind,
    /// Rows below the header with anything in them.
    pub data_rows: usize,
    pub pupils: Vec<PupilImport>,
    pub staff: Vec<StaffImport>,
    pub groups: Vec<GroupImport>,
    pub new_groups: Vec<NewGroup>,
    pub rejected: Vec<Rejection>,
    /// Pupils on roll that the file does not mention: offered for archiving, never deleted.
    pub missing: Vec<Pupil>,
    /// Why nothing at all can be imported (a column that must be chosen, say).
    pub problems: Vec<String>,
    /// How pupils are matched: by MIS ID, or by UPN when the file has no MIS ID column.
    pub matched_by: Field,
}

impl Plan {
    fn empty(kind: ImportKind) -> Plan {
        Plan {
            kind,
            data_rows: 0,
            pupils: Vec::new(),
            staff: Vec::new(),
            groups: Vec::new(),
            new_groups: Vec::new(),
            rejected: Vec::new(),
            missing: Vec::new(),
            problems: Vec::new(),
            matched_by: Field::MisId,
        }
    }

    pub fn can_import(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn counts(&self) -> Counts {
        let outcomes = self
            .pupils
            .iter()
            .map(|p| p.outcome)
            .chain(self.staff.iter().map(|s| s.outcome))
            .chain(self.groups.iter().map(|g| g.outcome));
        let mut c = Counts {
            // Rejections are kept in row order, so a row's reasons are next to each other.
            rejected: self.rejected.chunk_by(|a, b| a.row == b.row).count(),
            ..Counts::default()
        };
        for o in outcomes {
            match o {
                Outcome::Add => c.added += 1,
                Outcome::Update => c.updated += 1,
                Outcome::Unchanged => c.unchanged += 1,
            }
        }
        c
    }
}

/// Everything an import needs to know besides the file.
pub struct PlanInput<'a> {
    pub kind: ImportKind,
    pub table: &'a Table,
    pub header: Option<usize>,
    pub mapping: &'a Mapping,
    /// Column titles (or "Column 3"), for naming the column of a rejected cell.
    pub column_names: &'a [String],
    pub existing: &'a Existing,
    /// Dates of birth after today are refused; two-digit years are read with it.
    pub today: NaiveDate,
}

/// Works out the whole import without changing anything.
pub fn plan(input: &PlanInput<'_>) -> Plan {
    let mut plan = Plan::empty(input.kind);
    for &field in input.kind.fields() {
        if field.required(input.kind) && input.mapping.get(field).is_none() {
            plan.problems.push(format!(
                "Choose the column that holds {}.",
                field.description(input.kind)
            ));
        }
    }
    if input.kind == ImportKind::Pupils {
        plan.matched_by = if input.mapping.get(Field::MisId).is_some() {
            Field::MisId
        } else if input.mapping.get(Field::Upn).is_some() {
            Field::Upn
        } else {
            plan.problems.insert(
                0,
                "Choose the column that holds each pupil's MIS ID (or UPN): pupils are matched by it, never by name.".into(),
            );
            Field::MisId
        };
    }
    if !plan.problems.is_empty() {
        return plan;
    }
    let rows: Vec<Row<'_>> = input
        .table
        .rows()
        .skip(input.header.map_or(0, |h| h + 1))
        .filter(|r| !r.is_blank())
        .collect();
    plan.data_rows = rows.len();
    let mut reader = Reader {
        input,
        rejected: Vec::new(),
    };
    match input.kind {
        ImportKind::Pupils => plan_pupils(&mut plan, &mut reader, &rows),
        ImportKind::Staff => plan_staff(&mut plan, &mut reader, &rows),
        ImportKind::Groups => plan_groups(&mut plan, &mut reader, &rows),
    }
    plan.rejected = reader.rejected;
    plan.rejected.sort_by_key(|r| r.row);
    plan
}

/// Reads checked cells and collects the reasons for rejecting rows.
struct Reader<'a> {
    input: &'a PlanInput<'a>,
    rejected: Vec<Rejection>,
}

impl Reader<'_> {
    fn column_name(&self, field: Field) -> String {
        self.input
            .mapping
            .get(field)
            .and_then(|c| self.input.column_names.get(c))
            .cloned()
            .unwrap_or_else(|| field.label(self.input.kind).to_string())
    }

    fn reject(&mut self, row: Row<'_>, field: Field, problem: Problem, reason: impl Into<String>) {
        self.rejected.push(Rejection {
            row: row.number,
            column: self.column_name(field),
            reason: reason.into(),
            problem,
        });
    }

    /// The cell of `field`: `None` when the field is not imported, `Some("")` when empty.
    /// A cell too long or spread over lines is rejected (and read as `None`, with `ok` false).
    fn text(&mut self, row: Row<'_>, field: Field, ok: &mut bool) -> Option<String> {
        self.cell(row, field, ok).map(str::to_string)
    }

    /// [`Reader::text`] without a copy, for a cell that is read and then turned into something
    /// else (a date, a group's name).
    fn cell<'r>(&mut self, row: Row<'r>, field: Field, ok: &mut bool) -> Option<&'r str> {
        let value = self.input.mapping.cell(row, field)?;
        let max = if field == Field::Email {
            MAX_EMAIL
        } else {
            MAX_TEXT
        };
        // Counting characters only when the bytes could be too many (an accent takes two).
        if value.len() > max && value.chars().count() > max {
            self.reject(
                row,
                field,
                Problem::TooLong,
                format!("longer than {max} characters"),
            );
            *ok = false;
            return None;
        }
        // By bytes: a line break is one byte in UTF-8, and this runs on every cell of the file.
        if value.bytes().any(|b| b == b'\r' || b == b'\n') {
            self.reject(row, field, Problem::LineBreak, "has a line break in it");
            *ok = false;
            return None;
        }
        Some(value)
    }

    /// A cell that must have something in it ("" when it is rejected).
    fn required<'r>(&mut self, row: Row<'r>, field: Field, what: &str, ok: &mut bool) -> &'r str {
        match self.cell(row, field, ok) {
            Some(v) if !v.is_empty() => v,
            Some(_) => {
                self.reject(row, field, Problem::Empty, format!("is empty, so {what}"));
                *ok = false;
                ""
            }
            None => "",
        }
    }

    /// Rejects every row whose key another row also has: the file cannot say which one is right.
    /// Each reason names a few of the rows, never all of them: 20,000 rows with one ID would
    /// otherwise each carry a list of 20,000 numbers.
    fn reject_duplicates<K: AsRef<str>>(
        &mut self,
        keys: &[(Row<'_>, K)],
        field: Field,
        what: &str,
    ) -> HashSet<String> {
        // Counted first, so only the keys on several rows get a list of their rows.
        let mut count: HashMap<&str, usize> = HashMap::with_capacity(keys.len());
        for (_, key) in keys {
            *count.entry(key.as_ref()).or_default() += 1;
        }
        let mut rows_of: HashMap<&str, Vec<usize>> = HashMap::new();
        for (row, key) in keys {
            if count[key.as_ref()] > 1 {
                rows_of.entry(key.as_ref()).or_default().push(row.number);
            }
        }
        let listed: HashMap<&str, String> = rows_of
            .iter()
            .map(|(key, rows)| (*key, some_rows(rows)))
            .collect();
        for (row, key) in keys {
            let key = key.as_ref();
            if let Some(rows) = listed.get(key) {
                self.reject(
                    *row,
                    field,
                    Problem::Duplicate,
                    format!(
                        "{key} is on {rows}; {what} can be in the file only once, so none of these rows was imported"
                    ),
                );
            }
        }
        listed.into_keys().map(str::to_string).collect()
    }
}

/// How many row numbers a reason names before "and N more".
const ROWS_NAMED: usize = 5;

/// "rows 2, 4" or "20,000 rows: 2, 4, 6, 8, 10 and 19,995 more".
pub(super) fn some_rows(rows: &[usize]) -> String {
    let named: Vec<String> = rows
        .iter()
        .take(ROWS_NAMED)
        .map(|n| thousands(*n))
        .collect();
    if rows.len() <= ROWS_NAMED {
        format!("rows {}", named.join(", "))
    } else {
        format!(
            "{} rows: {} and {} more",
            thousands(rows.len()),
            named.join(", "),
            thousands(rows.len() - ROWS_NAMED)
        )
    }
}

fn group_field(t: GroupType) -> Field {
    match t {
        GroupType::House => Field::House,
        GroupType::AcademicLevel => Field::AcademicLevel,
        GroupType::RegistrationForm => Field::RegistrationForm,
    }
}

/// The same group the way Keyholder names it: an MIS that exports years as "7", "Y7" or "R"
/// means "Year 7" and "Reception". Other names are kept exactly.
pub fn group_name(t: GroupType, value: &str) -> String {
    let value = value.trim();
    if t != GroupType::AcademicLevel {
        return value.to_string();
    }
    let lower = value.to_lowercase();
    if matches!(lower.as_str(), "r" | "rec" | "yr r" | "year r" | "0") {
        return "Reception".into();
    }
    let digits = lower
        .strip_prefix("year")
        .or_else(|| lower.strip_prefix("yr"))
        .or_else(|| lower.strip_prefix('y'))
        .unwrap_or(&lower)
        .trim();
    match digits.parse::<u8>() {
        Ok(n) if (1..=14).contains(&n) && !digits.starts_with('0') => format!("Year {n}"),
        _ => value.to_string(),
    }
}

/// Existing groups by type, found by name (any case) or MIS ID, plus those the plan adds.
struct GroupFinder {
    by_name: HashMap<(GroupType, String), PupilGroupId>,
    by_mis: HashMap<(GroupType, String), PupilGroupId>,
    new: HashMap<(GroupType, String), usize>,
    /// Each cell as the file writes it, once found: a whole school names a few dozen groups
    /// thousands of times, and this lookup needs no lower-casing or copying.
    seen: BTreeMap<GroupType, HashMap<String, GroupChoice>>,
}

impl GroupFinder {
    fn new(groups: &[PupilGroup]) -> GroupFinder {
        let mut f = GroupFinder {
            by_name: HashMap::new(),
            by_mis: HashMap::new(),
            new: HashMap::new(),
            seen: BTreeMap::new(),
        };
        for g in groups {
            f.by_name
                .insert((g.group_type, g.name.to_lowercase()), g.id);
            if let Some(m) = &g.mis_id {
                f.by_mis.insert((g.group_type, m.clone()), g.id);
            }
        }
        f
    }

    /// The group a pupil's cell names (see [`group_name`]).
    fn choose(&mut self, t: GroupType, cell: &str, new_groups: &mut Vec<NewGroup>) -> GroupChoice {
        if let Some(choice) = self.seen.get(&t).and_then(|m| m.get(cell)) {
            return *choice;
        }
        let choice = self.find(t, &group_name(t, cell), new_groups);
        self.seen
            .entry(t)
            .or_default()
            .insert(cell.to_string(), choice);
        choice
    }

    fn find(&mut self, t: GroupType, name: &str, new_groups: &mut Vec<NewGroup>) -> GroupChoice {
        let key = (t, name.to_lowercase());
        if let Some(id) = self
            .by_name
            .get(&key)
            .or_else(|| self.by_mis.get(&(t, name.to_string())))
        {
            return GroupChoice::Existing(*id);
        }
        let index = *self.new.entry(key).or_insert_with(|| {
            new_groups.push(NewGroup {
                group_type: t,
                name: name.to_string(),
                mis_id: None,
            });
            new_groups.len() - 1
        });
        GroupChoice::New(index)
    }
}

/// A pupil row that passed its checks, before matching.
struct PupilCells<'r> {
    row: Row<'r>,
    key: &'r str,
    mis_id: Option<&'r str>,
    upn: Option<&'r str>,
    forename: &'r str,
    surname: &'r str,
    /// `None`: not imported; `Some(None)`: empty.
    date_of_birth: Option<Option<String>>,
    /// The cell of each type in [`GroupType::ALL`]; `None` where the type is not imported.
    groups: [Option<&'r str>; GroupType::ALL.len()],
}

fn non_empty<T: AsRef<str>>(v: Option<T>) -> Option<Option<T>> {
    v.map(|s| (!s.as_ref().is_empty()).then_some(s))
}

fn plan_pupils(plan: &mut Plan, reader: &mut Reader<'_>, rows: &[Row<'_>]) {
    let input = reader.input;
    let key_field = plan.matched_by;
    let key_name = if key_field == Field::Upn {
        "UPN"
    } else {
        "MIS ID"
    };
    // Keys borrowed from the file's cells: a whole school's IDs are not copied again.
    let mut keys: Vec<(Row<'_>, &str)> = Vec::with_capacity(rows.len());
    let mut good: Vec<PupilCells<'_>> = Vec::with_capacity(rows.len());
    let no_key =
        format!("the pupil cannot be matched (pupils are matched by {key_name}, never by name)");
    for &row in rows {
        let mut ok = true;
        let key = reader.required(row, key_field, &no_key, &mut ok);
        // A key that passed its checks is the cell itself.
        let key: &str = if key.is_empty() {
            ""
        } else {
            input.mapping.cell(row, key_field).unwrap_or("")
        };
        if !key.is_empty() {
            keys.push((row, key));
        }
        // The key's column is read once: a second read would reject a bad cell twice.
        let mis_id = if key_field == Field::MisId {
            Some((!key.is_empty()).then_some(key))
        } else {
            non_empty(reader.cell(row, Field::MisId, &mut ok))
        };
        let upn = non_empty(reader.cell(row, Field::Upn, &mut ok));
        let forename = reader.required(row, Field::Forename, "there is no forename", &mut ok);
        let surname = reader.required(row, Field::Surname, "there is no surname", &mut ok);
        let date_of_birth = match reader.cell(row, Field::DateOfBirth, &mut ok) {
            Some("") => Some(None),
            None => None,
            Some(text) => match parse_date_of_birth(text, input.today) {
                Ok(d) => Some(Some(d)),
                Err(reason) => {
                    reader.reject(row, Field::DateOfBirth, Problem::NotADate, reason);
                    ok = false;
                    None
                }
            },
        };
        let groups = GroupType::ALL.map(|t| reader.cell(row, group_field(t), &mut ok));
        if ok {
            good.push(PupilCells {
                row,
                key,
                mis_id: mis_id.flatten(),
                upn: upn.flatten(),
                forename,
                surname,
                date_of_birth,
                groups,
            });
        }
    }
    let duplicated = reader.reject_duplicates(&keys, key_field, "a pupil");
    let in_file: HashSet<&str> = keys.iter().map(|(_, k)| *k).collect();

    let key_of = |p: &Pupil| -> Option<String> {
        if key_field == Field::Upn {
            p.upn.clone()
        } else {
            p.mis_id.clone()
        }
    };
    let mut existing: HashMap<String, Vec<&Pupil>> = HashMap::new();
    for p in &input.existing.pupils {
        if let Some(k) = key_of(p) {
            existing.entry(k).or_default().push(p);
        }
    }
    let type_of: HashMap<PupilGroupId, GroupType> = input
        .existing
        .groups
        .iter()
        .map(|g| (g.id, g.group_type))
        .collect();
    // Each row that can be matched, with the pupil it updates.
    let mut matched: Vec<(PupilCells<'_>, Option<&Pupil>)> = Vec::with_capacity(good.len());
    for cells in good {
        if duplicated.contains(cells.key) {
            continue;
        }
        let matches = existing.get(cells.key).map_or(&[][..], Vec::as_slice);
        if matches.len() > 1 {
            reader.reject(
                cells.row,
                key_field,
                Problem::Ambiguous,
                format!(
                    "{} pupils in Keyholder have the {key_name} {}, so the row cannot be matched to one of them",
                    matches.len(),
                    cells.key
                ),
            );
            continue;
        }
        let first = matches.first().copied();
        matched.push((cells, first));
    }
    if input.mapping.get(Field::Upn).is_some() {
        let candidates: Vec<upn::Candidate<'_>> = matched
            .iter()
            .map(|(cells, p)| upn::Candidate {
                row: cells.row.number,
                upn: cells.upn,
                matched: *p,
            })
            .collect();
        let clashes = upn::clashes(&candidates, &input.existing.pupils);
        let mut refused = vec![false; matched.len()];
        for (i, problem, reason) in clashes {
            refused[i] = true;
            reader.reject(matched[i].0.row, Field::Upn, problem, reason);
        }
        let mut i = 0;
        matched.retain(|_| {
            i += 1;
            !refused[i - 1]
        });
    }
    let mut finder = GroupFinder::new(&input.existing.groups);
    for (cells, first) in matched {
        let groups: BTreeMap<GroupType, Option<GroupChoice>> = GroupType::ALL
            .into_iter()
            .zip(cells.groups)
            .filter_map(|(t, cell)| {
                let cell = cell?;
                Some((
                    t,
                    (!cell.is_empty()).then(|| finder.choose(t, cell, &mut plan.new_groups)),
                ))
            })
            .collect();
        let import = match first {
            None => PupilImport {
                row: cells.row.number,
                outcome: Outcome::Add,
                existing: None,
                mis_id: cells.mis_id.map(str::to_string),
                upn: cells.upn.map(str::to_string),
                forename: cells.forename.to_string(),
                surname: cells.surname.to_string(),
                date_of_birth: cells.date_of_birth.flatten(),
                groups,
                restore: false,
            },
            Some(p) => {
                let mis_id = if input.mapping.get(Field::MisId).is_some() {
                    cells.mis_id.map(str::to_string)
                } else {
                    p.mis_id.clone()
                };
                let upn = if input.mapping.get(Field::Upn).is_some() {
                    cells.upn.map(str::to_string)
                } else {
                    p.upn.clone()
                };
                let date_of_birth = cells
                    .date_of_birth
                    .unwrap_or_else(|| p.date_of_birth.clone());
                let current = input.existing.memberships.get(&p.id);
                let groups_differ = groups.iter().any(|(t, choice)| {
                    let now: BTreeSet<PupilGroupId> = current
                        .into_iter()
                        .flatten()
                        .filter(|g| type_of.get(g) == Some(t))
                        .copied()
                        .collect();
                    match choice {
                        Some(GroupChoice::New(_)) => true,
                        Some(GroupChoice::Existing(id)) => now != BTreeSet::from([*id]),
                        None => !now.is_empty(),
                    }
                });
                let changed = groups_differ
                    || p.archived
                    || p.forename != cells.forename
                    || p.surname != cells.surname
                    || p.mis_id != mis_id
                    || p.upn != upn
                    || p.date_of_birth != date_of_birth;
                PupilImport {
                    row: cells.row.number,
                    outcome: if changed {
                        Outcome::Update
                    } else {
                        Outcome::Unchanged
                    },
                    existing: Some(p.id),
                    mis_id,
                    upn,
                    forename: cells.forename.to_string(),
                    surname: cells.surname.to_string(),
                    date_of_birth,
                    groups,
                    restore: p.archived,
                }
            }
        };
        plan.pupils.push(import);
    }
    plan.missing = input
        .existing
        .pupils
        .iter()
        .filter(|p| !p.archived && key_of(p).is_none_or(|k| !in_file.contains(k.as_str())))
        .cloned()
        .collect();
    plan.missing
        .sort_by_key(|p| names::sort_key(&p.forename, &p.surname));
}

/// Enough to catch a name or a job title in the e-mail column; the address is not checked
/// further (an office PC cannot ask the mail server).
fn looks_like_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

fn plan_staff(plan: &mut Plan, reader: &mut Reader<'_>, rows: &[Row<'_>]) {
    let input = reader.input;
    let mut keys: Vec<(Row<'_>, String)> = Vec::new();
    let mut good = Vec::new();
    for &row in rows {
        let mut ok = true;
        let key = reader.required(
            row,
            Field::MisId,
            "the member of staff cannot be matched (staff are matched by MIS staff ID, never by name)",
            &mut ok,
        );
        if !key.is_empty() {
            keys.push((row, key.to_string()));
        }
        let title = reader.text(row, Field::Title, &mut ok);
        let forename = reader.required(row, Field::Forename, "there is no forename", &mut ok);
        let surname = reader.required(row, Field::Surname, "there is no surname", &mut ok);
        let email = reader.text(row, Field::Email, &mut ok);
        if let Some(e) = email.as_deref()
            && !e.is_empty()
            && !looks_like_email(e)
        {
            reader.reject(
                row,
                Field::Email,
                Problem::NotAnEmail,
                format!("\"{e}\" is not an e-mail address"),
            );
            ok = false;
        }
        let job_title = reader.text(row, Field::JobTitle, &mut ok);
        if ok {
            good.push((
                row,
                key.to_string(),
                title,
                forename.to_string(),
                surname.to_string(),
                email,
                job_title,
            ));
        }
    }
    let duplicated = reader.reject_duplicates(&keys, Field::MisId, "a member of staff");
    let existing: HashMap<&str, &StaffDetails> = input
        .existing
        .staff
        .iter()
        .map(|s| (s.mis_staff_id.as_str(), s))
        .collect();
    for (row, key, title, forename, surname, email, job_title) in good {
        if duplicated.contains(&key) {
            continue;
        }
        let before = existing.get(key.as_str()).copied();
        let keep = |new: Option<String>, old: Option<&String>| {
            new.or_else(|| old.cloned()).unwrap_or_default()
        };
        let details = StaffDetails {
            title: keep(title, before.map(|b| &b.title)),
            forename,
            surname,
            email: keep(email, before.map(|b| &b.email)),
            job_title: keep(job_title, before.map(|b| &b.job_title)),
            mis_staff_id: key,
        };
        let outcome = match before {
            None => Outcome::Add,
            Some(b) if *b == details => Outcome::Unchanged,
            Some(_) => Outcome::Update,
        };
        plan.staff.push(StaffImport {
            row: row.number,
            outcome,
            details,
        });
    }
}

fn plan_groups(plan: &mut Plan, reader: &mut Reader<'_>, rows: &[Row<'_>]) {
    let input = reader.input;
    let mut good: Vec<(Row<'_>, GroupType, String, Option<String>)> = Vec::new();
    for &row in rows {
        let mut ok = true;
        let type_text = reader.required(
            row,
            Field::GroupType,
            "the group's type is not known",
            &mut ok,
        );
        let group_type = if type_text.is_empty() {
            None
        } else {
            let t = GroupType::from_words(type_text);
            if t.is_none() {
                reader.reject(
                    row,
                    Field::GroupType,
                    Problem::NotAGroupType,
                    format!("\"{type_text}\" is not a group type; use House, Year (Academic Level) or Form (Registration Form)"),
                );
                ok = false;
            }
            t
        };
        let name = reader.required(row, Field::GroupName, "the group has no name", &mut ok);
        let mis_id = non_empty(reader.text(row, Field::MisId, &mut ok)).flatten();
        if let (true, Some(t)) = (ok, group_type) {
            good.push((row, t, group_name(t, name), mis_id));
        }
    }
    // The same group twice in one file, by MIS ID or by name: the file contradicts itself.
    let by_mis: Vec<(Row<'_>, String)> = good
        .iter()
        .filter_map(|(r, t, _, m)| {
            m.as_ref()
                .map(|m| (*r, format!("{} MIS ID {m}", t.label())))
        })
        .collect();
    let by_name: Vec<(Row<'_>, String)> = good
        .iter()
        .map(|(r, t, n, _)| (*r, format!("{} \"{}\"", t.label(), n.to_lowercase())))
        .collect();
    let twice_mis = reader.reject_duplicates(&by_mis, Field::MisId, "a group");
    let twice_name = reader.reject_duplicates(&by_name, Field::GroupName, "a group");
    // Looked up, not searched for each row: a file of every group against a school that has
    // them all would otherwise take the square of their number. The first of two groups that
    // differ only in case outside ASCII is the one found, as a search in order would find it.
    let mut existing_by_mis: HashMap<(GroupType, &str), &PupilGroup> = HashMap::new();
    let mut existing_by_name: HashMap<(GroupType, String), &PupilGroup> = HashMap::new();
    for g in &input.existing.groups {
        if let Some(m) = g.mis_id.as_deref() {
            existing_by_mis.entry((g.group_type, m)).or_insert(g);
        }
        existing_by_name
            .entry((g.group_type, g.name.to_lowercase()))
            .or_insert(g);
    }
    for (row, t, name, mis_id) in good {
        if mis_id
            .as_ref()
            .is_some_and(|m| twice_mis.contains(&format!("{} MIS ID {m}", t.label())))
            || twice_name.contains(&format!("{} \"{}\"", t.label(), name.to_lowercase()))
        {
            continue;
        }
        let by_id = mis_id
            .as_deref()
            .and_then(|m| existing_by_mis.get(&(t, m)).copied());
        let by_name = existing_by_name.get(&(t, name.to_lowercase())).copied();
        let (outcome, existing) = match (by_id, by_name) {
            (Some(g), other) => {
                if let Some(o) = other.filter(|o| o.id != g.id) {
                    reader.reject(
                        row,
                        Field::GroupName,
                        Problem::NameTaken,
                        format!(
                            "{} {} would be renamed \"{name}\", but another {} already has that name",
                            t.label(),
                            g.name,
                            o.group_type.label()
                        ),
                    );
                    continue;
                }
                let outcome = if g.name == name {
                    Outcome::Unchanged
                } else {
                    Outcome::Update
                };
                (outcome, Some(g.id))
            }
            (None, Some(g)) => match (&g.mis_id, &mis_id) {
                (Some(theirs), Some(ours)) => {
                    reader.reject(
                        row,
                        Field::MisId,
                        Problem::MisIdDiffers,
                        format!(
                            "there is already a {} called \"{}\" with MIS ID {theirs}, but this row gives {ours}",
                            t.label(),
                            g.name
                        ),
                    );
                    continue;
                }
                // A group made by hand or by a pupil import gets its MIS ID from the group file.
                (None, Some(_)) => (Outcome::Update, Some(g.id)),
                _ => (Outcome::Unchanged, Some(g.id)),
            },
            (None, None) => {
                plan.new_groups.push(NewGroup {
                    group_type: t,
                    name: name.clone(),
                    mis_id: mis_id.clone(),
                });
                (Outcome::Add, None)
            }
        };
        plan.groups.push(GroupImport {
            row: row.number,
            outcome,
            existing,
            group_type: t,
            name,
            mis_id,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_names_as_keyholder_writes_them() {
        let y = GroupType::AcademicLevel;
        assert_eq!(group_name(y, "7"), "Year 7");
        assert_eq!(group_name(y, "Y7"), "Year 7");
        assert_eq!(group_name(y, "Yr 11"), "Year 11");
        assert_eq!(group_name(y, "year 3"), "Year 3");
        assert_eq!(group_name(y, "R"), "Reception");
        assert_eq!(group_name(y, "Nursery"), "Nursery");
        assert_eq!(group_name(y, "07"), "07");
        assert_eq!(group_name(GroupType::House, " 7 "), "7");
    }

    #[test]
    fn e_mail_addresses_are_checked_loosely() {
        assert!(looks_like_email("a.okafor@school.example"));
        assert!(!looks_like_email("Head of Year"));
        assert!(!looks_like_email("a@b"));
        assert!(!looks_like_email("a b@school.example"));
    }
}
