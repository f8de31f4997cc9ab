//! `keyholder user-groups list|show NAME`: user groups and their permission grids as text.

use super::Failure;
use crate::model::grid::{self, TriState};
use crate::model::{CategoryPermission, PermissionSection};
use crate::service::Session;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum UserGroupsCommand {
    /// Every user group with its status, members and whether it holds Administration permissions.
    List,
    /// One group's category and system permission grids.
    Show { name: String },
}

fn mark(t: TriState) -> &'static str {
    match t {
        TriState::On => "[x]",
        TriState::Off => "[ ]",
        TriState::Mixed => "[-]",
    }
}

pub fn run(session: &Session, command: UserGroupsCommand) -> Result<(), Failure> {
    let rows = session.user_group_rows()?;
    match command {
        UserGroupsCommand::List => {
            for r in rows {
                say!(
                    "{:<24} {:<8} {:>11} ({} without a key)  administration: {}",
                    r.group.name,
                    if r.group.active { "Active" } else { "Inactive" },
                    crate::model::names::count(r.members, "member", "members"),
                    r.members_without_key,
                    if r.has_administration() { "yes" } else { "no" }
                );
            }
            Ok(())
        }
        UserGroupsCommand::Show { name } => {
            let g = rows
                .into_iter()
                .find(|r| r.group.name.eq_ignore_ascii_case(name.trim()))
                .ok_or_else(|| {
                    Failure::refused(format!("There is no user group called \"{name}\"."))
                })?
                .group;
            say!(
                "{} ({})",
                g.name,
                if g.active { "Active" } else { "Inactive" }
            );
            say!();
            say!(
                "{:<36} {:<14} {:<15} {:<14}",
                "Category",
                "View Students",
                "View Incidents",
                "Add Incidents"
            );
            for r in grid::rows(&session.categories()?) {
                let label = if r.parent.is_some() {
                    format!("  - {}", r.name)
                } else {
                    r.name.clone()
                };
                let cells: Vec<&str> = CategoryPermission::ALL
                    .iter()
                    .map(|p| mark(grid::row_state(&g.categories, &r, *p)))
                    .collect();
                say!(
                    "{:<36} {:<14} {:<15} {:<14}",
                    label,
                    cells[0],
                    cells[1],
                    cells[2]
                );
            }
            say!();
            for s in PermissionSection::ALL {
                say!("{} {}", mark(grid::section_state(&g.system, s)), s.label());
                for p in s.permissions() {
                    say!(
                        "    {} {}",
                        if g.system.contains(p) { "[x]" } else { "[ ]" },
                        p.label()
                    );
                }
            }
            Ok(())
        }
    }
}
