//! `keyholder user-groups …`: user groups and their permission grids, as on Admin > Users >
//! User groups. Every change needs Manage system and is audited as on screen.

use super::Failure;
use super::categories::{category_by_path, words_key};
use crate::model::grid::{self, Preset, TriState};
use crate::model::{
    CategoryPermission, CategoryPermissions, PermissionSection, SystemPermission,
    SystemPermissions, UserGroup,
};
use crate::service::Session;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum UserGroupsCommand {
    /// Every user group with its status, members and whether it holds Administration permissions.
    #[command(after_help = "Example:\n  keyholder user-groups list --json ...sign-in...")]
    List {
        /// Print the groups as JSON.
        #[arg(long)]
        json: bool,
    },
    /// One group's category and system permission grids.
    #[command(
        after_help = "Example:\n  keyholder user-groups show \"Teachers\" --json ...sign-in..."
    )]
    Show {
        name: String,
        /// Print both grids as JSON.
        #[arg(long)]
        json: bool,
    },
    /// A new user group, Active, with no permissions.
    #[command(
        after_help = "Example:\n  keyholder user-groups create \"Pastoral team\" ...sign-in..."
    )]
    Create { name: String },
    /// Give a user group a new name.
    #[command(
        after_help = "Example:\n  keyholder user-groups rename \"Pastoral team\" --to \"Pastoral staff\" ...sign-in..."
    )]
    Rename {
        name: String,
        /// The new name.
        #[arg(long, value_name = "NAME")]
        to: String,
    },
    /// Make a user group Active: its members can sign in again.
    #[command(
        after_help = "Example:\n  keyholder user-groups activate \"Supply staff\" ...sign-in..."
    )]
    Activate { name: String },
    /// Make a user group Inactive: its members cannot sign in.
    #[command(
        after_help = "Example:\n  keyholder user-groups deactivate \"Supply staff\" ...sign-in..."
    )]
    Deactivate { name: String },
    /// Remove a user group that has no members (deactivated users count).
    #[command(
        after_help = "Example:\n  keyholder user-groups remove \"Pastoral staff\" ...sign-in..."
    )]
    Remove { name: String },
    /// Set a group's permissions. --system (or --preset) replaces the system permissions;
    /// each --category replaces one category's row (sub-categories as "Category/Sub-category").
    #[command(
        after_help = "Example:\n  keyholder user-groups set \"Teachers\" --preset key-holders \\\n      --category \"Behaviour:view-students,view-incidents,add-incidents\" --category \"Medical:\" ...sign-in...\n\nSystem permissions: view-students-list, view-audits, view-student-details,\nedit-student-information, add-new-incident, edit-incidents, run-reports, share-saved-reports,\nmanage-system, edit-own-user-settings, named-person, data-destruction-policy, view-calendar,\nadd-events, add-public-events, view-files, add-files (or none).\nPresets: key-holders, key-holders-plus, no-key, no-key-library."
    )]
    Set {
        name: String,
        /// Exactly these system permissions, comma-separated ("none" for none).
        #[arg(long, value_name = "PERM[,PERM]", conflicts_with = "preset")]
        system: Option<String>,
        /// The system permissions of a preset: key-holders, key-holders-plus, no-key, no-key-library.
        #[arg(long, value_name = "PRESET")]
        preset: Option<String>,
        /// One category's row: "Category[/Sub-category]:view-students,view-incidents,add-incidents"
        /// (nothing after the colon clears the row). May be given more than once.
        #[arg(long, value_name = "CATEGORY:PERMS")]
        category: Vec<String>,
    },
}

fn system_permission(text: &str) -> Result<SystemPermission, Failure> {
    let wanted = words_key(text);
    SystemPermission::ALL
        .into_iter()
        .find(|p| p.key() == wanted || words_key(p.label()) == wanted)
        .ok_or_else(|| {
            Failure::refused(format!(
                "\"{text}\" is not a system permission; see keyholder user-groups set --help for the list."
            ))
        })
}

fn system_permissions(text: &str) -> Result<SystemPermissions, Failure> {
    if words_key(text) == "none" {
        return Ok(SystemPermissions::default());
    }
    text.split(',')
        .filter(|t| !t.trim().is_empty())
        .map(system_permission)
        .collect()
}

fn preset(text: &str) -> Result<Preset, Failure> {
    match words_key(text).as_str() {
        "key_holders" | "key_holder" | "key" => Ok(Preset::KeyHolder),
        "key_holders_plus" | "key_holder_plus" | "key_plus" => Ok(Preset::KeyHolderPlus),
        "no_key" => Ok(Preset::NoKey),
        "no_key_library" | "no_key_plus_library" => Ok(Preset::NoKeyPlusLibrary),
        _ => Err(Failure::refused(format!(
            "\"{text}\" is not a preset; use key-holders, key-holders-plus, no-key or no-key-library."
        ))),
    }
}

fn category_permission(text: &str) -> Result<CategoryPermission, Failure> {
    let wanted = words_key(text);
    CategoryPermission::ALL
        .into_iter()
        .find(|p| words_key(p.label()) == wanted)
        .ok_or_else(|| {
            Failure::refused(format!(
                "\"{text}\" is not a category permission; use view-students, view-incidents or add-incidents."
            ))
        })
}

/// Applies each "Category[/Sub]:perm,perm" to the grid.
fn set_category_rows(
    session: &Session,
    grid: &mut CategoryPermissions,
    rows: &[String],
) -> Result<(), Failure> {
    if rows.is_empty() {
        return Ok(());
    }
    let categories = session.categories()?;
    for row in rows {
        let (path, perms) = row.rsplit_once(':').ok_or_else(|| {
            Failure::refused(format!(
                "\"{row}\" should be \"Category:permissions\", for example \"Behaviour:view-students,view-incidents\"."
            ))
        })?;
        let category = category_by_path(&categories, path)?;
        let chosen = perms
            .split(',')
            .filter(|t| !t.trim().is_empty())
            .map(category_permission)
            .collect::<Result<Vec<_>, _>>()?;
        for p in CategoryPermission::ALL {
            grid.set(category.id, p, chosen.contains(&p));
        }
    }
    Ok(())
}

fn group_named(session: &Session, name: &str) -> Result<UserGroup, Failure> {
    session
        .user_group_rows()?
        .into_iter()
        .map(|r| r.group)
        .find(|g| g.name.eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| Failure::refused(format!("There is no user group called \"{name}\".")))
}

/// Saves a group with its name, status or grids changed, as the screen's Save does.
fn save(session: &mut Session, g: &UserGroup) -> Result<(), Failure> {
    session.save_user_group(g.id, &g.name, g.active, g.system, &g.categories)?;
    Ok(())
}

fn mark(t: TriState) -> &'static str {
    match t {
        TriState::On => "[x]",
        TriState::Off => "[ ]",
        TriState::Mixed => "[-]",
    }
}

pub fn run(session: &mut Session, command: UserGroupsCommand) -> Result<(), Failure> {
    match command {
        UserGroupsCommand::Create { name } => {
            session.create_user_group(&name)?;
            say!(
                "User group \"{}\" created, Active, with no permissions.",
                name.trim()
            );
            Ok(())
        }
        UserGroupsCommand::Rename { name, to } => {
            let mut g = group_named(session, &name)?;
            g.name = to.trim().to_string();
            save(session, &g)?;
            say!(
                "User group \"{}\" is now called \"{}\".",
                name.trim(),
                g.name
            );
            Ok(())
        }
        UserGroupsCommand::Activate { name } => set_active(session, &name, true),
        UserGroupsCommand::Deactivate { name } => set_active(session, &name, false),
        UserGroupsCommand::Remove { name } => {
            let g = group_named(session, &name)?;
            session.delete_user_group(g.id)?;
            say!("User group \"{}\" removed.", g.name);
            Ok(())
        }
        UserGroupsCommand::Set {
            name,
            system,
            preset: chosen,
            category,
        } => {
            let mut g = group_named(session, &name)?;
            if let Some(text) = &system {
                g.system = system_permissions(text)?;
            }
            if let Some(text) = &chosen {
                g.system = preset(text)?.permissions();
            }
            set_category_rows(session, &mut g.categories, &category)?;
            save(session, &g)?;
            say!("User group \"{}\" saved.", g.name);
            Ok(())
        }
        UserGroupsCommand::List { json } => {
            let rows = session.user_group_rows()?;
            if json {
                let list: Vec<serde_json::Value> = rows
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "name": r.group.name,
                            "active": r.group.active,
                            "members": r.members,
                            "members_without_key": r.members_without_key,
                            "administration": r.has_administration(),
                            "system": r.group.system.iter().map(|p| p.key()).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                say!("{}", serde_json::Value::Array(list));
                return Ok(());
            }
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
        UserGroupsCommand::Show { name, json } => {
            let g = group_named(session, &name)?;
            if json {
                let categories = session.categories()?;
                let rows: Vec<serde_json::Value> = grid::rows(&categories)
                    .iter()
                    .map(|r| {
                        let granted: Vec<String> = CategoryPermission::ALL
                            .iter()
                            .filter(|p| grid::row_state(&g.categories, r, **p) == TriState::On)
                            .map(|p| words_key(p.label()))
                            .collect();
                        serde_json::json!({
                            "category": r.name,
                            "sub_category_of": r
                                .parent
                                .and_then(|p| categories.iter().find(|c| c.id == p))
                                .map(|c| c.name.clone()),
                            "permissions": granted,
                        })
                    })
                    .collect();
                say!(
                    "{}",
                    serde_json::json!({
                        "name": g.name,
                        "active": g.active,
                        "system": g.system.iter().map(|p| p.key()).collect::<Vec<_>>(),
                        "categories": rows,
                    })
                );
                return Ok(());
            }
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

fn set_active(session: &mut Session, name: &str, active: bool) -> Result<(), Failure> {
    let mut g = group_named(session, name)?;
    g.active = active;
    save(session, &g)?;
    say!(
        "User group \"{}\" is now {}.",
        g.name,
        if active { "Active" } else { "Inactive" }
    );
    Ok(())
}
