//! `keyholder users …`: the same user management as Admin > Users, for scripts. A set-up code is
//! printed once, on standard output, and never stored.

use super::Failure;
use crate::clock::format_local;
use crate::model::{KeyState, UserId};
use crate::service::Session;
use crate::service::users::{IssuedCode, NewUserDetails};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// List users with their user group, key and last sign-in.
    #[command(after_help = "Example:\n  keyholder users list --json ...sign-in...")]
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add a user and print their one-time set-up code.
    #[command(
        after_help = "Example:\n  keyholder users add --forename Robin --surname Achebe --email r.achebe@school.example --group Teachers ...sign-in..."
    )]
    Add {
        #[arg(long)]
        forename: String,
        #[arg(long)]
        surname: String,
        #[arg(long)]
        email: String,
        /// The user group's name.
        #[arg(long)]
        group: String,
        #[arg(long, default_value = "")]
        title: String,
        #[arg(long, default_value = "")]
        job_title: String,
    },
    /// Show one user's details, permissions and the groups they can see.
    #[command(
        after_help = "Example:\n  keyholder users show r.achebe@school.example --json ...sign-in..."
    )]
    Show {
        email: String,
        /// Print the user's details as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a new set-up code for the user (any earlier one stops working).
    #[command(
        after_help = "Example:\n  keyholder users issue-code r.achebe@school.example ...sign-in..."
    )]
    IssueCode { email: String },
    /// Remove the user's soft key and print a set-up code to enrol a new one.
    #[command(
        after_help = "Example:\n  keyholder users reset-key r.achebe@school.example ...sign-in..."
    )]
    ResetKey { email: String },
    /// Clear a lock-out after too many wrong codes.
    #[command(
        after_help = "Example:\n  keyholder users clear-lock r.achebe@school.example ...sign-in..."
    )]
    ClearLock { email: String },
    /// Stop the user signing in; their history is kept.
    #[command(
        after_help = "Example:\n  keyholder users deactivate r.achebe@school.example ...sign-in..."
    )]
    Deactivate { email: String },
}

pub(super) fn find(session: &Session, email: &str) -> Result<UserId, Failure> {
    session
        .users_list()?
        .into_iter()
        .find(|r| r.user.email.eq_ignore_ascii_case(email.trim()))
        .map(|r| r.user.id)
        .ok_or_else(|| {
            Failure::refused(format!("There is no user with the e-mail address {email}."))
        })
}

fn print_code(c: &IssuedCode) -> Result<(), Failure> {
    say!("email: {}", c.email);
    say!("setup-code: {}", c.code);
    say!("expires: {}", format_local(c.expires_at));
    Ok(())
}

fn key_text(k: KeyState) -> &'static str {
    match k {
        KeyState::Active => "active",
        KeyState::NotEnrolled => "not enrolled",
        KeyState::Locked { .. } => "locked",
    }
}

pub fn run(session: &mut Session, command: UsersCommand) -> Result<(), Failure> {
    match command {
        UsersCommand::List { json } => {
            let rows = session.users_list()?;
            if json {
                let users: Vec<_> = rows
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "email": r.user.email,
                            "title": r.user.title,
                            "forename": r.user.forename,
                            "surname": r.user.surname,
                            "job_title": r.user.job_title,
                            "user_group": r.group_name,
                            "active": r.user.active,
                            "key": key_text(r.key),
                            "last_login_at": r.user.last_login_at,
                        })
                    })
                    .collect();
                say!(
                    "{}",
                    serde_json::json!({ "format_version": 1, "users": users })
                );
            } else {
                for r in rows {
                    say!(
                        "{:<28} {:<34} {:<20} key {:<13} {}",
                        r.user.full_name(),
                        r.user.email,
                        r.group_name,
                        key_text(r.key),
                        if r.user.active { "" } else { "deactivated" }
                    );
                }
            }
            Ok(())
        }
        UsersCommand::Add {
            forename,
            surname,
            email,
            group,
            title,
            job_title,
        } => {
            let user_group = session
                .user_groups()?
                .into_iter()
                .find(|g| g.name.eq_ignore_ascii_case(group.trim()))
                .map(|g| g.id)
                .ok_or_else(|| {
                    Failure::refused(format!("There is no user group called \"{group}\"."))
                })?;
            let code = session.create_user(&NewUserDetails {
                staff: None,
                title,
                forename,
                surname,
                email,
                job_title,
                user_group: Some(user_group),
            })?;
            print_code(&code)
        }
        UsersCommand::Show { email, json } => {
            let p = session.user_profile(find(session, &email)?)?;
            if json {
                let lists: Vec<serde_json::Value> = p
                    .on_lists
                    .iter()
                    .map(|g| serde_json::json!({ "type": g.group_type.key(), "name": g.name }))
                    .collect();
                say!(
                    "{}",
                    serde_json::json!({
                        "name": p.user.full_name(),
                        "email": p.user.email,
                        "job_title": p.user.job_title,
                        "user_group": p.group.name,
                        "user_group_active": p.group.active,
                        "active": p.user.active,
                        "key": key_text(p.key),
                        "permissions_with_key":
                            p.with_key.system.iter().map(|x| x.key()).collect::<Vec<_>>(),
                        "permissions_without_key":
                            p.without_key.system.iter().map(|x| x.key()).collect::<Vec<_>>(),
                        "restricted_types":
                            p.restricted_types.iter().map(|t| t.key()).collect::<Vec<_>>(),
                        "on_access_lists": lists,
                    })
                );
                return Ok(());
            }
            say!("name: {}", p.user.full_name());
            say!("email: {}", p.user.email);
            say!("job title: {}", p.user.job_title);
            say!(
                "user group: {}{}",
                p.group.name,
                if p.group.active { "" } else { " (inactive)" }
            );
            say!("active: {}", if p.user.active { "yes" } else { "no" });
            say!("key: {}", key_text(p.key));
            let perms: Vec<&str> = p.with_key.system.iter().map(|x| x.label()).collect();
            say!("permissions with a key: {}", perms.join(", "));
            let basic: Vec<&str> = p.without_key.system.iter().map(|x| x.label()).collect();
            say!("permissions without a key: {}", basic.join(", "));
            for t in crate::model::GroupType::ALL {
                if p.restricted_types.contains(&t) {
                    let on: Vec<&str> = p
                        .on_lists
                        .iter()
                        .filter(|g| g.group_type == t)
                        .map(|g| g.name.as_str())
                        .collect();
                    say!(
                        "{} (restricted): {}",
                        t.plural(),
                        if on.is_empty() {
                            "none".to_string()
                        } else {
                            on.join(", ")
                        }
                    );
                } else {
                    say!("{}: all (not restricted)", t.plural());
                }
            }
            Ok(())
        }
        UsersCommand::IssueCode { email } => {
            let code = session.issue_setup_code(find(session, &email)?)?;
            print_code(&code)
        }
        UsersCommand::ResetKey { email } => {
            let code = session.reset_soft_key(find(session, &email)?)?;
            print_code(&code)
        }
        UsersCommand::ClearLock { email } => {
            session.clear_lockout(find(session, &email)?)?;
            say!("Lock-out cleared for {email}.");
            Ok(())
        }
        UsersCommand::Deactivate { email } => {
            session.deactivate_user(find(session, &email)?)?;
            say!("{email} is deactivated.");
            Ok(())
        }
    }
}
