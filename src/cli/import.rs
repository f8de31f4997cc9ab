//! `keyholder import pupils|staff|groups FILE`: the Imports tab without the window. Prints the
//! same summary the preview shows; `--dry-run` stops there.

use super::{Failure, SignInArgs};
use crate::model::import::{ImportKind, MappingSpec};
use crate::service::Session;
use crate::service::import::{self, Preview};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// How many missing pupils are named before "and N more".
const LISTED: usize = 20;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    /// Pupils with their houses, years and forms.
    Pupils,
    /// Members of staff (they become "users available to add").
    Staff,
    /// Houses, years and forms with their MIS IDs.
    Groups,
}

impl From<KindArg> for ImportKind {
    fn from(k: KindArg) -> ImportKind {
        match k {
            KindArg::Pupils => ImportKind::Pupils,
            KindArg::Staff => ImportKind::Staff,
            KindArg::Groups => ImportKind::Groups,
        }
    }
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file holds.
    #[arg(value_enum)]
    pub kind: KindArg,
    /// The CSV file exported from the MIS (comma, semicolon or tab separated).
    pub file: PathBuf,
    #[command(flatten)]
    pub sign_in: SignInArgs,
    /// Which column holds which field, one "field = column title" a line (see the README).
    /// Without it, the columns are guessed from their titles and the last import's choices.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Show what would change and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Archive the pupils on roll that the file leaves out (they are kept, not deleted). Only
    /// for a file of the whole school.
    #[arg(long)]
    pub archive_missing: bool,
}

fn print_preview(p: &Preview) -> Result<(), Failure> {
    say!("File: {} ({})", p.file_name, p.file_description());
    say!("Columns:");
    for &field in p.kind.fields() {
        let column = p
            .mapping
            .get(field)
            .and_then(|c| p.column_names.get(c))
            .map_or("(not imported)", String::as_str);
        say!("  {}: {column}", field.label(p.kind));
    }
    for line in p.summary() {
        say!("{line}");
    }
    if !p.plan.rejected.is_empty() {
        say!("Rejected:");
        for line in p.rejected_lines() {
            say!("  {line}");
        }
    }
    if !p.plan.missing.is_empty() {
        say!("Not in this file:");
        for m in p.plan.missing.iter().take(LISTED) {
            say!(
                "  {} ({})",
                m.full_name(),
                m.mis_id
                    .as_deref()
                    .or(m.upn.as_deref())
                    .unwrap_or("no MIS ID")
            );
        }
        if p.plan.missing.len() > LISTED {
            say!("  and {} more", p.plan.missing.len() - LISTED);
        }
    }
    Ok(())
}

pub fn run(session: &mut Session, args: ImportArgs) -> Result<(), Failure> {
    let kind = ImportKind::from(args.kind);
    let spec = match &args.mapping {
        Some(path) => {
            let text = super::read_text_file(path, super::MAX_COMMAND_FILE, "the mapping file")?;
            Some(MappingSpec::parse(&text).map_err(|e| {
                Failure::refused(format!("The mapping file {}, {e}.", path.display()))
            })?)
        }
        None => None,
    };
    if args.archive_missing && kind != ImportKind::Pupils {
        return Err(Failure::refused(
            "--archive-missing is only for pupil files.",
        ));
    }
    let (name, bytes) = import::read_file(&args.file)?;
    let preview = session.preview_import(kind, &name, &bytes, spec.as_ref())?;
    print_preview(&preview)?;
    if !preview.plan.can_import() {
        return Err(Failure::refused(format!(
            "Nothing was imported: {}",
            preview.plan.problems.join(" ")
        )));
    }
    let rejected = preview.plan.counts().rejected;
    if args.dry_run {
        say!("Dry run: nothing was written.");
    } else {
        let report = session.apply_import(&preview, args.archive_missing)?;
        say!("{}", report.summary);
        if !preview.plan.missing.is_empty() && !args.archive_missing {
            say!(
                "The pupils not in this file were left as they are; if the file is the whole school, run again with --archive-missing to archive them."
            );
        }
        for line in report.follow_up() {
            say!("Warning: {line}");
        }
    }
    if rejected > 0 {
        return Err(Failure {
            status: 1,
            message: format!(
                "{} of the file {} not imported; see \"Rejected\" above.",
                crate::model::names::count(rejected, "row", "rows"),
                if rejected == 1 { "was" } else { "were" }
            ),
        });
    }
    Ok(())
}
