//! `keyholder groups …`: list pupil groups, switch restriction by a type, and change access
//! lists, so an IT admin can script a new school year. Every change in one invocation is checked
//! before the first is made.

use super::Failure;
use crate::model::{GroupType, PupilGroupId, UserId, names};
use crate::service::Session;
use crate::service::groups::GroupTypeSummary;
use clap::Subcommand;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum GroupsCommand {
    /// List every group with its type, MIS ID, pupils and access list size.
    #[command(after_help = "Example:\n  keyholder groups list --json ...sign-in...")]
    List {
        #[arg(long)]
        json: bool,
    },
    /// Switch restriction by a group type on or off (house, academic-level, registration-form).
    #[command(after_help = "Example:\n  keyholder groups restrict academic-level on ...sign-in...")]
    Restrict { group_type: String, on_off: String },
    /// Add users to, or remove them from, one group's access list.
    #[command(
        after_help = "Example:\n  keyholder groups access \"Year 3\" --type academic-level --add a@school.example --remove b@school.example ...sign-in..."
    )]
    Access {
        /// The group's name.
        group: String,
        /// Its type: house, academic-level or registration-form.
        #[arg(long = "type", value_name = "TYPE")]
        group_type: String,
        #[arg(long, value_name = "EMAIL")]
        add: Vec<String>,
        #[arg(long, value_name = "EMAIL")]
        remove: Vec<String>,
    },
    /// Apply a file of changes, one per line: `restrict TYPE on|off`, `add TYPE "GROUP" EMAIL`,
    /// `remove TYPE "GROUP" EMAIL`. Lines starting with # are ignored.
    #[command(after_help = "Example:\n  keyholder groups apply changes.txt ...sign-in...")]
    Apply { file: PathBuf },
    /// A new pupil group (marked New until it is reviewed, as after an import).
    #[command(
        after_help = "Example:\n  keyholder groups create \"Year 7\" --type academic-level --mis-id Y7 ...sign-in..."
    )]
    Create {
        /// The group's name.
        name: String,
        /// Its type: house, academic-level or registration-form.
        #[arg(long = "type", value_name = "TYPE")]
        group_type: String,
        /// Its ID in the MIS, so that imports find it.
        #[arg(long, value_name = "ID", default_value = "")]
        mis_id: String,
    },
    /// Give a pupil group a new name.
    #[command(
        after_help = "Example:\n  keyholder groups rename \"Year 7\" --type academic-level --to \"Year Seven\" ...sign-in..."
    )]
    Rename {
        name: String,
        #[arg(long = "type", value_name = "TYPE")]
        group_type: String,
        /// The new name.
        #[arg(long, value_name = "NAME")]
        to: String,
    },
    /// Remove a pupil group that has no pupils, current or archived.
    #[command(
        after_help = "Example:\n  keyholder groups remove \"Year Seven\" --type academic-level ...sign-in..."
    )]
    Remove {
        name: String,
        #[arg(long = "type", value_name = "TYPE")]
        group_type: String,
    },
    /// Archive every pupil of a group, for example a year group that has left (they are kept,
    /// not deleted, and can be returned to roll).
    #[command(
        after_help = "Example:\n  keyholder groups archive-all \"Year 6\" --type academic-level ...sign-in..."
    )]
    ArchiveAll {
        name: String,
        #[arg(long = "type", value_name = "TYPE")]
        group_type: String,
    },
}

/// Accepts the forms people type: "academic-level", "Academic Levels", "academic_level", "year".
pub fn parse_type(text: &str) -> Result<GroupType, Failure> {
    GroupType::from_words(text).ok_or_else(|| {
        Failure::refused(format!(
            "\"{text}\" is not a group type; use house, academic-level or registration-form."
        ))
    })
}

fn parse_on_off(text: &str) -> Result<bool, Failure> {
    match text.to_lowercase().as_str() {
        "on" | "yes" | "true" => Ok(true),
        "off" | "no" | "false" => Ok(false),
        _ => Err(Failure::refused(format!("\"{text}\" should be on or off."))),
    }
}

/// One checked change.
enum Op {
    Restrict(GroupType, bool),
    Add(PupilGroupId, UserId),
    Remove(PupilGroupId, UserId),
}

struct Resolver {
    groups: Vec<GroupTypeSummary>,
    users: BTreeMap<String, UserId>,
}

impl Resolver {
    fn new(session: &Session) -> Result<Resolver, Failure> {
        let groups = session.groups_tab()?;
        let users = session
            .users_list()?
            .into_iter()
            .map(|r| (r.user.email.to_lowercase(), r.user.id))
            .collect();
        Ok(Resolver { groups, users })
    }

    fn group(&self, t: GroupType, name: &str) -> Result<PupilGroupId, Failure> {
        self.groups
            .iter()
            .filter(|s| s.group_type == t)
            .flat_map(|s| &s.groups)
            .find(|g| g.group.name.eq_ignore_ascii_case(name.trim()))
            .map(|g| g.group.id)
            .ok_or_else(|| {
                Failure::refused(format!("There is no {} called \"{name}\".", t.label()))
            })
    }

    fn user(&self, email: &str) -> Result<UserId, Failure> {
        self.users
            .get(&email.trim().to_lowercase())
            .copied()
            .ok_or_else(|| {
                Failure::refused(format!("There is no user with the e-mail address {email}."))
            })
    }
}

/// Splits a line into words, keeping "quoted group names" together.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn parse_file(text: &str, r: &Resolver) -> Result<Vec<Op>, Failure> {
    let mut ops = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |f: Failure| Failure::refused(format!("Line {}: {}", n + 1, f.message));
        let w = words(line);
        let op = match w.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
            ["restrict", t, on] => {
                Op::Restrict(parse_type(t).map_err(at)?, parse_on_off(on).map_err(at)?)
            }
            ["add", t, g, e] => {
                let t = parse_type(t).map_err(at)?;
                Op::Add(r.group(t, g).map_err(at)?, r.user(e).map_err(at)?)
            }
            ["remove", t, g, e] => {
                let t = parse_type(t).map_err(at)?;
                Op::Remove(r.group(t, g).map_err(at)?, r.user(e).map_err(at)?)
            }
            _ => {
                return Err(Failure::refused(format!(
                    "Line {}: expected `restrict TYPE on|off`, `add TYPE \"GROUP\" EMAIL` or `remove TYPE \"GROUP\" EMAIL`.",
                    n + 1
                )));
            }
        };
        ops.push(op);
    }
    Ok(ops)
}

/// Applies a whole file of changes as one change: all of it is saved, or (killed part-way,
/// refused, or failing) none of it.
fn apply(session: &mut Session, ops: Vec<Op>) -> Result<String, Failure> {
    session.change(|session| apply_all(session, ops))
}

fn apply_all(session: &mut Session, ops: Vec<Op>) -> Result<String, Failure> {
    let mut restricts = Vec::new();
    let mut lists: BTreeMap<PupilGroupId, (BTreeSet<UserId>, BTreeSet<UserId>)> = BTreeMap::new();
    for op in ops {
        match op {
            Op::Restrict(t, on) => restricts.push((t, on)),
            Op::Add(g, u) => {
                lists.entry(g).or_default().0.insert(u);
            }
            Op::Remove(g, u) => {
                lists.entry(g).or_default().1.insert(u);
            }
        }
    }
    let mut report = Vec::new();
    for (t, on) in restricts {
        session.set_restricted(t, on)?;
        report.push(format!(
            "{}: {}",
            t.plural(),
            if on { "restricted" } else { "not restricted" }
        ));
    }
    for (group, (add, remove)) in lists {
        let title = session.access_editor(group)?.group.title();
        let change = session.change_access_list(group, &add, &remove)?;
        report.push(format!(
            "{title}: {} added, {} removed",
            change.added.len(),
            change.removed.len()
        ));
    }
    Ok(report.join("\n"))
}

pub fn run(session: &mut Session, command: GroupsCommand) -> Result<(), Failure> {
    match command {
        GroupsCommand::List { json } => {
            let tab = session.groups_tab()?;
            if json {
                let groups: Vec<_> = tab
                    .iter()
                    .flat_map(|s| {
                        s.groups.iter().map(move |g| {
                            serde_json::json!({
                                "type": s.group_type.key(),
                                "restricted": s.restricted,
                                "name": g.group.name,
                                "mis_id": g.group.mis_id,
                                "new": g.group.is_new,
                                "pupils": g.pupils,
                                "archived_pupils": g.archived_pupils,
                                "can_see": g.can_see,
                            })
                        })
                    })
                    .collect();
                say!(
                    "{}",
                    serde_json::json!({ "format_version": 1, "groups": groups })
                );
            } else {
                for s in &tab {
                    say!(
                        "{} ({})",
                        s.group_type.plural(),
                        if s.restricted {
                            "access restricted"
                        } else {
                            "not restricted"
                        }
                    );
                    for g in &s.groups {
                        say!(
                            "  {:<30} MIS ID {:<10} {:>4} pupils  {}",
                            g.group.name,
                            g.group.mis_id.as_deref().unwrap_or("-"),
                            g.pupils,
                            g.can_see
                                .map_or(String::new(), |n| format!("{n} users can see")),
                        );
                    }
                    if !s.pupils_without_group.is_empty() {
                        say!(
                            "  {} no {}",
                            names::count(s.pupils_without_group.len(), "pupil has", "pupils have"),
                            s.group_type.label()
                        );
                    }
                }
            }
            Ok(())
        }
        GroupsCommand::Restrict { group_type, on_off } => {
            let ops = vec![Op::Restrict(
                parse_type(&group_type)?,
                parse_on_off(&on_off)?,
            )];
            say!("{}", apply(session, ops)?);
            Ok(())
        }
        GroupsCommand::Access {
            group,
            group_type,
            add,
            remove,
        } => {
            let r = Resolver::new(session)?;
            let g = r.group(parse_type(&group_type)?, &group)?;
            let mut ops = Vec::new();
            for e in &add {
                ops.push(Op::Add(g, r.user(e)?));
            }
            for e in &remove {
                ops.push(Op::Remove(g, r.user(e)?));
            }
            say!("{}", apply(session, ops)?);
            Ok(())
        }
        GroupsCommand::Create {
            name,
            group_type,
            mis_id,
        } => {
            let t = parse_type(&group_type)?;
            session.create_group(t, &name, &mis_id)?;
            say!("{} \"{}\" created.", t.label(), name.trim());
            Ok(())
        }
        GroupsCommand::Rename {
            name,
            group_type,
            to,
        } => {
            let t = parse_type(&group_type)?;
            let g = Resolver::new(session)?.group(t, &name)?;
            session.rename_group(g, &to)?;
            say!(
                "{} \"{}\" is now called \"{}\".",
                t.label(),
                name.trim(),
                to.trim()
            );
            Ok(())
        }
        GroupsCommand::Remove { name, group_type } => {
            let t = parse_type(&group_type)?;
            let g = Resolver::new(session)?.group(t, &name)?;
            session.remove_group(g)?;
            say!("{} \"{}\" removed.", t.label(), name.trim());
            Ok(())
        }
        GroupsCommand::ArchiveAll { name, group_type } => {
            let t = parse_type(&group_type)?;
            let g = Resolver::new(session)?.group(t, &name)?;
            let n = session.archive_group_pupils(g)?;
            say!(
                "{} of {} \"{}\" archived.",
                crate::model::names::count(n, "pupil", "pupils"),
                t.label(),
                name.trim()
            );
            Ok(())
        }
        GroupsCommand::Apply { file } => {
            let text = super::read_text_file(&file, super::MAX_COMMAND_FILE, "a file of changes")?;
            let r = Resolver::new(session)?;
            let ops = parse_file(&text, &r)?;
            say!("{}", apply(session, ops)?);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_understood_in_the_forms_people_type() {
        assert_eq!(
            parse_type("academic-level").unwrap(),
            GroupType::AcademicLevel
        );
        assert_eq!(
            parse_type("Academic Levels").unwrap(),
            GroupType::AcademicLevel
        );
        assert_eq!(
            parse_type("registration_form").unwrap(),
            GroupType::RegistrationForm
        );
        assert_eq!(parse_type("House").unwrap(), GroupType::House);
        assert!(parse_type("class").is_err());
    }

    #[test]
    fn quoted_names_stay_together() {
        assert_eq!(
            words(r#"add academic-level "Year 3" a@b.example"#),
            ["add", "academic-level", "Year 3", "a@b.example"]
        );
    }
}
