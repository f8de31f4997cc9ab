//! Admin > Imports and `keyholder import`: reading an MIS export, showing what it would change,
//! and applying it in one transaction with one audit entry. Needs Manage system.

use super::error::{Error, Result};
use super::session::Session;
use crate::model::import::columns::{self, detect_header};
use crate::model::import::plan::{self, GroupChoice, Outcome};
use crate::model::import::rejections;
use crate::model::import::{
    Counts, Existing, Field, ImportKind, Mapping, MappingSpec, Plan, PlanInput, StaffDetails, Table,
};
use crate::model::{GroupType, PupilGroup, PupilGroupId, SystemPermission, names};
use crate::vault::queries::pupils::NewPupil;
use crate::vault::queries::staff::StaffRecord;
use crate::vault::queries::{groups, import_mappings, pupils, staff};
use crate::vault::{self, Change};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// How many new groups the summary names before "and N more" (a file from the wrong school
/// could name hundreds).
const NEW_GROUPS_NAMED: usize = 12;

/// A file read and compared with the school: everything the preview shows, and what Confirm
/// applies (after checking that the school has not changed meanwhile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub kind: ImportKind,
    pub file_name: String,
    /// SHA-256 of the file's bytes, recorded in the audit entry.
    pub checksum: String,
    pub table: Table,
    /// Index into `table.rows` of the header row, if the file has one.
    pub header: Option<usize>,
    /// The header's titles, or "Column 3" where there are none.
    pub column_names: Vec<String>,
    pub mapping: Mapping,
    pub plan: Plan,
    /// The school as the plan saw it (its newest audit entry) and the day it was made: while
    /// both are the same, Confirm applies this plan without working it out again.
    seen: (Option<(i64, String)>, chrono::NaiveDate),
}

impl Preview {
    /// "UTF-8, comma-separated, header on row 1, 62 rows below it".
    pub fn file_description(&self) -> String {
        let header = match self.header.and_then(|h| self.table.row(h)) {
            Some(r) => format!("column titles on row {}", r.number),
            None => "no row of column titles".to_string(),
        };
        format!(
            "{}, {}, {header}, {}",
            self.table.encoding.label(),
            self.table.delimiter.label(),
            names::count(self.plan.data_rows, "row of data", "rows of data")
        )
    }

    /// The rejected rows as `keyholder import` prints them: the first few of each kind of
    /// problem, then "and 19,990 more rows with the same Adno as another row".
    pub fn rejected_lines(&self) -> Vec<String> {
        rejections::summary_lines(&self.plan.rejected, rejections::FIRST_ROWS_SHOWN)
    }

    /// The lines of the summary, as the preview and `keyholder import` show them.
    pub fn summary(&self) -> Vec<String> {
        let plan = &self.plan;
        if !plan.can_import() {
            return plan.problems.clone();
        }
        let (_, many) = self.kind.nouns();
        let mut lines = vec![format!(
            "{}: {}.",
            crate::model::names::capitalise(many),
            plan.counts().describe(false)
        )];
        if plan.matched_by == Field::Upn {
            lines.push(
                "The file has no MIS ID column, so pupils are matched by their UPN.".to_string(),
            );
        }
        if !plan.new_groups.is_empty() {
            let n = plan.new_groups.len();
            let mut titles: Vec<String> = plan
                .new_groups
                .iter()
                .take(NEW_GROUPS_NAMED)
                .map(|g| g.title())
                .collect();
            if n > NEW_GROUPS_NAMED {
                titles.push(format!("and {} more", n - NEW_GROUPS_NAMED));
            }
            lines.push(format!(
                "{} will be created, marked New until you review {}: {}.",
                names::count(n, "new group", "new groups"),
                if n == 1 { "it" } else { "them" },
                titles.join(", ")
            ));
        }
        if !plan.missing.is_empty() {
            lines.push(format!(
                "{} in Keyholder {} not in this file. If it lists the whole school, they can be archived (kept, not deleted).",
                names::count(plan.missing.len(), "pupil", "pupils"),
                if plan.missing.len() == 1 { "is" } else { "are" }
            ));
        }
        lines
    }
}

/// What an import did, and what the admin should look at next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub kind: ImportKind,
    pub counts: Counts,
    pub archived: usize,
    /// "Year 7 (Academic Level)", for each group created.
    pub new_groups: Vec<String>,
    /// One line saying what was done.
    pub summary: String,
    /// The rows not imported, summarised as in the preview (first rows of each problem, then
    /// how many more).
    pub rejected: Vec<String>,
    /// Restricted group types that now have pupils in none of their groups.
    pub warnings: Vec<(GroupType, String)>,
    /// Groups still marked New whose access list is empty, with whether their type is
    /// restricted (then nobody can see their pupils).
    pub empty_new_groups: Vec<(PupilGroup, bool)>,
}

impl ImportReport {
    /// The warnings and the new groups nobody is on the list of, as lines to show.
    pub fn follow_up(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.warnings.iter().map(|(_, w)| w.clone()).collect();
        let (restricted, open): (Vec<_>, Vec<_>) =
            self.empty_new_groups.iter().partition(|(_, r)| *r);
        let titles = |groups: &[&(PupilGroup, bool)]| {
            groups
                .iter()
                .map(|(g, _)| g.title())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !restricted.is_empty() {
            lines.push(format!(
                "Nobody can see the pupils of {}: {} access list is empty and {} type is restricted. Add staff to {} on the Groups tab.",
                titles(&restricted),
                if restricted.len() == 1 { "its" } else { "their" },
                if restricted.len() == 1 { "its" } else { "their" },
                if restricted.len() == 1 { "the list" } else { "each list" },
            ));
        }
        if !open.is_empty() {
            lines.push(format!(
                "New groups with an empty access list (this matters once their type is restricted): {}.",
                titles(&open)
            ));
        }
        lines
    }
}

/// Reads a chosen file, refusing (with the reason) one that is missing, unreadable or far too
/// large before reading it all.
pub fn read_file(path: &Path) -> Result<(String, Vec<u8>)> {
    let fail = |e: std::io::Error| {
        Error::Invalid(format!(
            "Could not read {}: {}.",
            path.display(),
            io_words(&e)
        ))
    };
    let meta = std::fs::metadata(path).map_err(fail)?;
    if meta.is_dir() {
        return Err(Error::Invalid(format!(
            "{} is a folder; choose the CSV file inside it.",
            path.display()
        )));
    }
    if meta.len() > crate::model::import::decode::MAX_BYTES as u64 {
        return Err(Error::Invalid(
            crate::model::import::FileProblem::TooLarge {
                megabytes: (meta.len() / (1024 * 1024)) as usize,
            }
            .to_string(),
        ));
    }
    let bytes = std::fs::read(path).map_err(fail)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    Ok((name, bytes))
}

fn io_words(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "there is no such file",
        std::io::ErrorKind::PermissionDenied => "you do not have permission to open it",
        _ => "the file could not be opened",
    }
}

pub fn checksum(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn existing(conn: crate::vault::Db<'_>) -> vault::Result<Existing> {
    Ok(Existing {
        pupils: pupils::list(conn)?,
        memberships: pupils::memberships(conn)?,
        groups: groups::list(conn)?,
        staff: staff::list(conn)?
            .into_iter()
            .map(|s| StaffDetails {
                mis_staff_id: s.mis_staff_id,
                title: s.title,
                forename: s.forename,
                surname: s.surname,
                email: s.email,
                job_title: s.job_title,
            })
            .collect(),
    })
}

/// Column names and the guessed mapping for this header row, with the remembered mapping applied
/// over the guesses (a remembered title this file does not have keeps its guess).
fn columns_for(
    kind: ImportKind,
    table: &Table,
    header: Option<usize>,
    remembered: Option<&MappingSpec>,
) -> (Vec<String>, Mapping) {
    let names = columns::column_names(table, header);
    let mut mapping = if header.is_some() {
        Mapping::guess(kind, &names)
    } else {
        Mapping::default()
    };
    if let Some(r) = remembered {
        let _ = r.apply(kind, &mut mapping, &names, false);
    }
    (names, mapping)
}

/// The newest audit entry's number and hash. Every change to the school writes one, so while it
/// is the same nothing has changed: a confirmed preview is then applied as it was worked out.
fn last_change(conn: crate::vault::Db<'_>) -> vault::Result<Option<(i64, String)>> {
    Ok(vault::audit::latest(conn, 0)?.map(|a| (a.entry, a.hash)))
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

fn make_plan(preview: &Preview, existing: &Existing) -> Plan {
    plan::plan(&PlanInput {
        kind: preview.kind,
        table: &preview.table,
        header: preview.header,
        mapping: &preview.mapping,
        column_names: &preview.column_names,
        existing,
        today: today(),
    })
}

/// The parts of a plan the person confirmed; if the school changed so that any differs, the
/// import is refused rather than doing something else than what was shown.
fn shown(plan: &Plan) -> (Counts, Vec<String>, usize) {
    (
        plan.counts(),
        plan.new_groups.iter().map(|g| g.title()).collect(),
        plan.missing.len(),
    )
}

impl Session {
    fn remembered_mapping(&self, kind: ImportKind) -> Result<Option<MappingSpec>> {
        Ok(import_mappings::get(self.vault().db(), kind.key())?
            .and_then(|text| MappingSpec::parse(&text).ok()))
    }

    /// Reads a file for import and works out what it would change; writes nothing. `spec` is a
    /// mapping the person gave (`--mapping FILE`); without one, the mapping last used for this
    /// kind is applied over the guesses from the column titles.
    pub fn preview_import(
        &self,
        kind: ImportKind,
        file_name: &str,
        bytes: &[u8],
        spec: Option<&MappingSpec>,
    ) -> Result<Preview> {
        self.require(SystemPermission::ManageSystem)?;
        let table = Table::read(bytes).map_err(|p| Error::Invalid(p.to_string()))?;
        let remembered = self.remembered_mapping(kind)?;
        let header = match spec.and_then(|s| s.header_row) {
            Some(0) => None,
            Some(n) if n <= table.len() => Some(n - 1),
            Some(n) => {
                return Err(Error::Invalid(format!(
                    "The mapping says the column titles are on row {n}, but the file has only {} rows.",
                    table.len()
                )));
            }
            None => detect_header(kind, &table).or_else(|| {
                remembered
                    .as_ref()
                    .and_then(|r| r.header_row)
                    .filter(|n| (1..=table.len()).contains(n))
                    .map(|n| n - 1)
            }),
        };
        let (column_names, mut mapping) = columns_for(kind, &table, header, remembered.as_ref());
        if let Some(spec) = spec {
            spec.apply(kind, &mut mapping, &column_names, true)
                .map_err(|e| Error::Invalid(format!("The mapping file cannot be used: {e}.")))?;
        }
        // Read before the school, so a change made in between is taken for a change.
        let seen = (last_change(self.vault().db())?, today());
        let existing = existing(self.vault().db())?;
        let plan = plan::plan(&PlanInput {
            kind,
            table: &table,
            header,
            mapping: &mapping,
            column_names: &column_names,
            existing: &existing,
            today: today(),
        });
        Ok(Preview {
            kind,
            file_name: file_name.to_string(),
            checksum: checksum(bytes),
            table,
            header,
            column_names,
            mapping,
            plan,
            seen,
        })
    }

    fn replan(&self, preview: &mut Preview) -> Result<()> {
        preview.seen = (last_change(self.vault().db())?, today());
        let existing = existing(self.vault().db())?;
        preview.plan = make_plan(preview, &existing);
        Ok(())
    }

    /// The person chose another row as the column titles (`None`: there are none).
    pub fn import_set_header(&self, preview: &mut Preview, header: Option<usize>) -> Result<()> {
        self.require(SystemPermission::ManageSystem)?;
        preview.header = header.filter(|h| *h < preview.table.len());
        let remembered = self.remembered_mapping(preview.kind)?;
        (preview.column_names, preview.mapping) = columns_for(
            preview.kind,
            &preview.table,
            preview.header,
            remembered.as_ref(),
        );
        self.replan(preview)
    }

    /// The person chose another column for a field (`None`: do not import it).
    pub fn import_set_column(
        &self,
        preview: &mut Preview,
        field: Field,
        column: Option<usize>,
    ) -> Result<()> {
        self.require(SystemPermission::ManageSystem)?;
        let column = column.filter(|c| *c < preview.column_names.len());
        // One column feeds one field: choosing it here takes it from the field that had it.
        let taken: Vec<Field> = preview
            .mapping
            .iter()
            .filter(|(f, col)| Some(*col) == column && *f != field)
            .map(|(f, _)| f)
            .collect();
        for other in taken {
            preview.mapping.set(other, None);
        }
        preview.mapping.set(field, column);
        self.replan(preview)
    }

    /// Applies a preview: one transaction, one audit entry, and the mapping remembered. Refused,
    /// changing nothing, if the file cannot be imported or the school changed since the preview.
    pub fn apply_import(
        &mut self,
        preview: &Preview,
        archive_missing: bool,
    ) -> Result<ImportReport> {
        self.apply_import_inner(preview, archive_missing, None)
    }

    /// For tests of the all-or-nothing promise: fails after `writes` records have been written.
    #[doc(hidden)]
    pub fn apply_import_failing_after(
        &mut self,
        preview: &Preview,
        archive_missing: bool,
        writes: usize,
    ) -> Result<ImportReport> {
        self.apply_import_inner(preview, archive_missing, Some(writes))
    }

    fn apply_import_inner(
        &mut self,
        preview: &Preview,
        archive_missing: bool,
        fail_after: Option<usize>,
    ) -> Result<ImportReport> {
        self.require(SystemPermission::ManageSystem)?;
        if !preview.plan.can_import() {
            return Err(Error::Invalid(preview.plan.problems.join(" ")));
        }
        if archive_missing && !preview.plan.missing.is_empty() && preview.plan.pupils.is_empty() {
            return Err(Error::Invalid(
                "No pupil in this file could be imported, so it cannot be the whole school: nobody was archived.".into(),
            ));
        }
        let spec = MappingSpec::describe(
            preview.kind,
            &preview.mapping,
            &preview.column_names,
            preview.header,
        )
        .to_text();
        let expected = shown(&preview.plan);
        let kind = preview.kind;
        // One write, which holds the school from its check that nothing changed since the
        // preview to its commit. Not inside a further change: its savepoint made every write of
        // thousands of pupils slower, and the checks after it only read.
        let (report_counts, archived, new_groups, rejected) = self.write(|tx| {
            // Nothing changed since the preview: its plan is what the school gives now. Else it
            // is worked out again, and refused if it differs from what the person saw.
            let replanned;
            let plan = if (last_change(tx)?, today()) == preview.seen {
                &preview.plan
            } else {
                replanned = make_plan(preview, &existing(tx)?);
                &replanned
            };
            if shown(plan) != expected {
                return Err(vault::Error::Rejected(
                    "the school's records changed since the preview was made. Look at the preview again before importing".into(),
                ));
            }
            let mut writes = 0usize;
            let mut wrote = || -> vault::Result<()> {
                writes += 1;
                match fail_after {
                    Some(n) if writes > n => Err(vault::Error::Rejected(format!(
                        "a fault was injected after {n} records"
                    ))),
                    _ => Ok(()),
                }
            };
            let mut new_ids: Vec<PupilGroupId> = Vec::with_capacity(plan.new_groups.len());
            // New groups go after the existing ones (counted once, not for every new group).
            let mut of_type: BTreeMap<GroupType, usize> = BTreeMap::new();
            for g in groups::list(tx)? {
                *of_type.entry(g.group_type).or_default() += 1;
            }
            for g in &plan.new_groups {
                let order = of_type.get(&g.group_type).copied().unwrap_or(0) + new_ids.len();
                new_ids.push(groups::insert(
                    tx,
                    g.group_type,
                    &g.name,
                    g.mis_id.as_deref(),
                    true,
                    order as i64,
                )?);
                wrote()?;
            }
            let mut new_pupils = pupils::NewPupils::new(tx)?;
            for p in plan.pupils.iter().filter(|p| p.outcome != Outcome::Unchanged) {
                let row = NewPupil {
                    mis_id: p.mis_id.as_deref(),
                    upn: p.upn.as_deref(),
                    forename: &p.forename,
                    surname: &p.surname,
                    date_of_birth: p.date_of_birth.as_deref(),
                    archived: false,
                };
                let group_of = |choice: &Option<GroupChoice>| match choice {
                    Some(GroupChoice::Existing(g)) => Some(*g),
                    Some(GroupChoice::New(i)) => new_ids.get(*i).copied(),
                    None => None,
                };
                match p.existing {
                    Some(id) => {
                        pupils::update(tx, id, &row)?;
                        for (t, choice) in &p.groups {
                            pupils::set_group_of_type(tx, id, *t, group_of(choice))?;
                        }
                    }
                    // A new pupil is in no group yet: nothing to take them out of.
                    None => {
                        let groups: Vec<PupilGroupId> =
                            p.groups.values().filter_map(group_of).collect();
                        new_pupils.add(&row, &groups)?;
                    }
                }
                wrote()?;
            }
            let mut archived = 0;
            if archive_missing {
                for p in &plan.missing {
                    pupils::set_archived(tx, p.id, true)?;
                    archived += 1;
                    wrote()?;
                }
            }
            for s in plan.staff.iter().filter(|s| s.outcome != Outcome::Unchanged) {
                let d = &s.details;
                staff::upsert(
                    tx,
                    &StaffRecord {
                        id: 0,
                        mis_staff_id: d.mis_staff_id.clone(),
                        title: d.title.clone(),
                        forename: d.forename.clone(),
                        surname: d.surname.clone(),
                        email: d.email.clone(),
                        job_title: d.job_title.clone(),
                        user: None,
                    },
                )?;
                wrote()?;
            }
            for g in plan.groups.iter().filter(|g| g.outcome == Outcome::Update) {
                if let Some(id) = g.existing {
                    groups::rename(tx, id, &g.name)?;
                    if g.mis_id.is_some() {
                        groups::set_mis_id(tx, id, g.mis_id.as_deref())?;
                    }
                    wrote()?;
                }
            }
            import_mappings::set(tx, kind.key(), &spec)?;
            let counts = plan.counts();
            let new_groups: Vec<String> = plan.new_groups.iter().map(|g| g.title()).collect();
            let mut summary = format!(
                "{} imported from {}: {}",
                crate::model::names::capitalise(kind.nouns().1),
                preview.file_name,
                counts.describe(true)
            );
            if !new_groups.is_empty() {
                summary.push_str(&format!(", {}", names::count(new_groups.len(), "new group", "new groups")));
            }
            if archive_missing {
                summary.push_str(&format!(", {archived} archived"));
            }
            let mut after = format!(
                "file {}, {}, SHA-256 {}",
                preview.file_name,
                names::count(plan.data_rows, "row", "rows"),
                preview.checksum
            );
            // Row numbers and what was wrong, never the cells: the audit trail holds no names.
            let groups = rejections::summarise(&plan.rejected, rejections::FIRST_ROWS_SHOWN);
            if !groups.is_empty() {
                let briefs: Vec<String> = groups.iter().map(|g| g.in_brief()).collect();
                after.push_str(&format!("; not imported: {}", briefs.join("; ")));
            }
            let change = Change::new("MIS import", summary).before_after("", after);
            let rejected = rejections::summary_lines(&plan.rejected, rejections::FIRST_ROWS_SHOWN);
            Ok(((counts, archived, new_groups, rejected), change))
        })?;
        let mut report = ImportReport {
            kind,
            counts: report_counts,
            archived,
            summary: String::new(),
            rejected,
            new_groups,
            warnings: Vec::new(),
            empty_new_groups: Vec::new(),
        };
        report.summary = format!(
            "Imported {}: {}{}{}.",
            preview.file_name,
            report.counts.describe(true),
            if report.new_groups.is_empty() {
                String::new()
            } else {
                format!(
                    ", {}",
                    names::count(report.new_groups.len(), "new group", "new groups")
                )
            },
            if archive_missing {
                format!(", {archived} archived")
            } else {
                String::new()
            }
        );
        self.after_import_checks(&mut report)?;
        Ok(report)
    }

    /// What the help sheet asks an admin to make sure of: every pupil in a group of each
    /// restricted type, and someone on the access list of every group.
    /// Counted in SQL rather than by building the whole access rule (every user's key, every
    /// membership), which took a quarter of a 2,000-pupil import.
    fn after_import_checks(&self, report: &mut ImportReport) -> Result<()> {
        let conn = self.vault().db();
        let restricted = groups::restricted_types(conn)?;
        let is_restricted = |t: GroupType| restricted.get(&t).copied().unwrap_or(false);
        for t in GroupType::ALL {
            if !is_restricted(t) {
                continue;
            }
            let n = pupils::count_on_roll_without_group_of(conn, t)?;
            if n > 0 {
                report.warnings.push((
                    t,
                    format!(
                        "Access is restricted by {}, and {} no {}: only staff on the list of every {} can see {}. Give {} a {} in the MIS and import again.",
                        t.plural(),
                        names::count(n, "pupil has", "pupils have"),
                        t.label(),
                        t.label(),
                        if n == 1 { "them" } else { "these pupils" },
                        if n == 1 { "them" } else { "each" },
                        t.label()
                    ),
                ));
            }
        }
        let lists = groups::access_lists(conn)?;
        report.empty_new_groups = groups::list(conn)?
            .into_iter()
            .filter(|g| g.is_new && lists.get(&g.id).is_none_or(Vec::is_empty))
            .map(|g| {
                let restricted = is_restricted(g.group_type);
                (g, restricted)
            })
            .collect();
        Ok(())
    }
}
