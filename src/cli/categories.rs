//! `keyholder categories …`: the incident categories and sub-categories the grids refer to, as
//! on Admin > Categories. Needs Manage system.

use super::Failure;
use crate::model::Category;
use crate::model::category::tree_order;
use crate::service::Session;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum CategoriesCommand {
    /// Every category, each followed by its sub-categories; archived ones are marked.
    #[command(after_help = "Example:\n  keyholder categories list --json ...sign-in...")]
    List {
        /// Print the categories as JSON.
        #[arg(long)]
        json: bool,
    },
    /// A new category, or with --under a new sub-category of one.
    #[command(
        after_help = "Example:\n  keyholder categories add \"Online safety\" --under \"Behaviour\" ...sign-in..."
    )]
    Add {
        name: String,
        /// The category it belongs to.
        #[arg(long, value_name = "CATEGORY")]
        under: Option<String>,
    },
    /// Give a category a new name ("Category/Sub-category" for a sub-category).
    #[command(
        after_help = "Example:\n  keyholder categories rename \"Behaviour/Online safety\" --to \"Online conduct\" ...sign-in..."
    )]
    Rename {
        category: String,
        /// The new name.
        #[arg(long, value_name = "NAME")]
        to: String,
    },
    /// Archive a category: nothing new is recorded under it; what was recorded stays.
    #[command(
        after_help = "Example:\n  keyholder categories archive \"Behaviour/Online conduct\" ...sign-in..."
    )]
    Archive { category: String },
    /// Bring an archived category back into use.
    #[command(
        after_help = "Example:\n  keyholder categories unarchive \"Behaviour/Online conduct\" ...sign-in..."
    )]
    Unarchive { category: String },
}

/// The words of a name in lower case joined by `_`: "View Students" and "view-students" alike.
pub fn words_key(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("_")
}

/// Whether `path` ("Behaviour", "Behaviour/Against Peers", or "Behaviour — Against Peers" as
/// screens show it) names the category called `name` under `parent`, in any case.
pub fn names_category(path: &str, parent: Option<&str>, name: &str) -> bool {
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
    match (
        path.split_once('/').or_else(|| path.split_once('—')),
        parent,
    ) {
        (Some((p, n)), Some(parent)) => same(p, parent) && same(n, name),
        (None, None) => same(path, name),
        _ => false,
    }
}

pub fn category_by_path<'a>(all: &'a [Category], path: &str) -> Result<&'a Category, Failure> {
    all.iter()
        .find(|c| {
            let parent = c
                .parent
                .and_then(|p| all.iter().find(|x| x.id == p))
                .map(|p| p.name.as_str());
            names_category(path, parent, &c.name)
        })
        .ok_or_else(|| Failure::refused(format!("There is no category called \"{path}\".")))
}

fn path_of(all: &[Category], c: &Category) -> String {
    match c.parent.and_then(|p| all.iter().find(|x| x.id == p)) {
        Some(parent) => format!("{}/{}", parent.name, c.name),
        None => c.name.clone(),
    }
}

pub fn run(session: &mut Session, command: CategoriesCommand) -> Result<(), Failure> {
    let all = session.categories()?;
    match command {
        CategoriesCommand::List { json } => {
            let ordered = tree_order(&all);
            if json {
                let list: Vec<serde_json::Value> = ordered
                    .iter()
                    .map(|c| {
                        serde_json::json!({
                            "path": path_of(&all, c),
                            "name": c.name,
                            "sub_category_of": c.parent
                                .and_then(|p| all.iter().find(|x| x.id == p))
                                .map(|p| p.name.clone()),
                            "archived": c.archived,
                        })
                    })
                    .collect();
                say!("{}", serde_json::Value::Array(list));
            } else {
                for c in ordered {
                    let indent = if c.parent.is_some() { "  - " } else { "" };
                    let archived = if c.archived { "  (archived)" } else { "" };
                    say!("{indent}{}{archived}", c.name);
                }
            }
            Ok(())
        }
        CategoriesCommand::Add { name, under } => {
            let parent = match &under {
                Some(p) => {
                    let c = category_by_path(&all, p)?;
                    if c.parent.is_some() {
                        return Err(Failure::refused(format!(
                            "\"{p}\" is itself a sub-category; a sub-category can only go under a category."
                        )));
                    }
                    Some(c.id)
                }
                None => None,
            };
            session.create_category(parent, &name)?;
            match under {
                Some(p) => say!("Sub-category \"{}\" added under {p}.", name.trim()),
                None => say!("Category \"{}\" added.", name.trim()),
            }
            Ok(())
        }
        CategoriesCommand::Rename { category, to } => {
            let c = category_by_path(&all, &category)?;
            session.rename_category(c.id, &to)?;
            say!("\"{category}\" is now called \"{}\".", to.trim());
            Ok(())
        }
        CategoriesCommand::Archive { category } => {
            let c = category_by_path(&all, &category)?;
            session.set_category_archived(c.id, true)?;
            say!("\"{category}\" archived.");
            Ok(())
        }
        CategoriesCommand::Unarchive { category } => {
            let c = category_by_path(&all, &category)?;
            session.set_category_archived(c.id, false)?;
            say!("\"{category}\" is in use again.");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CategoryId;

    use crate::model::category::sample as cat;

    #[test]
    fn paths_find_categories_and_sub_categories_by_name_in_any_case() {
        let all = [
            cat(1, None, "Behaviour"),
            cat(2, Some(1), "Against Peers"),
            cat(3, None, "Against Peers"),
        ];
        assert_eq!(
            category_by_path(&all, "behaviour").unwrap().id,
            CategoryId(1)
        );
        assert_eq!(
            category_by_path(&all, "Behaviour/against peers")
                .unwrap()
                .id,
            CategoryId(2)
        );
        assert_eq!(
            category_by_path(&all, "Behaviour — Against Peers")
                .unwrap()
                .id,
            CategoryId(2)
        );
        // A top-level name never finds the sub-category of the same name.
        assert_eq!(
            category_by_path(&all, "Against Peers").unwrap().id,
            CategoryId(3)
        );
        assert!(category_by_path(&all, "Medical").is_err());
        assert!(category_by_path(&all, "Medical/Against Peers").is_err());
        assert_eq!(words_key("View-Students"), "view_students");
        assert_eq!(
            words_key("Add new incident/action"),
            "add_new_incident_action"
        );
    }
}
