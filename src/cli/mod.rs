//! The command line: starts the window, or runs a headless command for IT staff and scripts.
//!
//! Exit status: 0 done; 1 the command ran and found problems; 2 refused (wrong password or code,
//! locked, missing permission, bad arguments, unreadable file), with one line on stderr and
//! nothing written. When the reader of standard output goes away before the command has printed
//! everything (`keyholder users list | head -1`), the command stops there quietly with status
//! 141, the status a shell gives a program ended by a closed pipe.

/// Prints one line on standard output: the one way commands print. Unlike `println!`, it does not
/// panic when the reader has gone; it returns from the command (hence the `?`) with
/// [`Failure::reader_gone`].
macro_rules! say {
    () => {
        $crate::cli::print_line(format_args!(""))?
    };
    ($($arg:tt)*) => {
        $crate::cli::print_line(format_args!($($arg)*))?
    };
}

mod access;
mod backup;
mod casework;
mod categories;
mod check;
mod groups;
mod import;
mod incidents;
mod report;
mod retention;
mod transfer;
mod user_groups;
mod users;

use crate::service::audit_trail::{AnchorSource, NotedFingerprint, TrailCheck, TrailReport};
use crate::service::enrolment::PendingKey;
use crate::service::setup;
use crate::service::{self, KdfCost, Location, SchoolData, Session, SignInStep};
use clap::{Args, Parser, Subcommand};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `keyholder --help`: the commands grouped by what they are for (clap lists them in one
/// block); a test checks that every command is listed here.
const HELP_TEMPLATE: &str = "\
{about-with-newline}
{usage-heading} {usage}

Setting up and moving a school:
  demo         Write a demo school and print how to sign in to it
  export       Write the whole school (without secrets) as JSON
  load         Create a new school file from an export

Pupils, groups and class restrictions:
  groups       Pupil groups, restriction by type, and access lists
  import       Pupils, staff or groups from a CSV file exported from the MIS

Staff, permissions and categories:
  users        Users, set-up codes and soft keys
  user-groups  User groups and their permission grids
  categories   Incident categories and sub-categories

Pupils' records:
  incidents    Record a concern, list the incidents you may read, add an action
  pupils       A pupil's statuses (child protection plan, child in need, ...)
  chronology   A pupil's chronology, as text, JSON or a PDF
  access       Which pupils you (or another user) can see, and why not
  report       Count incidents, actions or statuses, by category, class and month
  retention    How long records are kept: policies, the review list, holds
  transfer     Send a pupil's file to their next school, receive one, confirm it

Keeping the school safe:
  check        The Overview's health check
  backup       Write a checked backup of the school
  restore      Replace the school file with a backup
  audit        Check the audit trail

Options:
{options}

Most commands sign in with ...sign-in..., which stands for
  --vault school.db --user EMAIL --password-file pw.txt --code 123456
(these may come anywhere after the command's name). `keyholder COMMAND --help` shows an example.
";

#[derive(Debug, Parser)]
#[command(
    name = "keyholder",
    version,
    about = "Safeguarding access records for a school office PC, kept in one encrypted file.",
    long_about = "Run with no command to open the Keyholder window. The commands below are for IT \
                  staff and scripts; each one signs in once, does its work and exits.",
    help_template = HELP_TEMPLATE
)]
pub struct Cli {
    /// The school file to use (default: the Keyholder folder of this computer's user).
    #[arg(long, global = true, value_name = "PATH")]
    pub vault: Option<PathBuf>,

    /// Open the demo school in the window (created on first use).
    #[arg(long)]
    pub demo: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a demo school and print its administrator's e-mail, soft-key secret and recovery code.
    #[command(
        after_help = "Example:\n  keyholder demo --vault demo.db --password-file pw.txt --pupils 500 --staff 60"
    )]
    Demo {
        /// File whose first line is the password every demo user will have.
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// How many pupils to generate.
        #[arg(long, default_value_t = 210)]
        pupils: usize,
        /// How many members of staff to generate.
        #[arg(long, default_value_t = 37)]
        staff: usize,
    },
    /// Write the whole school (without secrets) as JSON. Needs Manage system.
    #[command(after_help = "Example:\n  keyholder export --out school.json ...sign-in...")]
    Export {
        #[command(flatten)]
        sign_in: SignInArgs,
        /// Write to this file instead of the screen.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Create a new school file from an export, with its first administrator given a new password
    /// and a new soft key.
    #[command(
        after_help = "Example:\n  keyholder load --vault new.db --json school.json --password-file pw.txt"
    )]
    Load {
        /// The export file to read.
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
        /// File whose first line is the administrator's new password.
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
    /// Pupil groups, restriction by type, and access lists. Needs Manage system.
    #[command(
        after_help = "Example:\n  keyholder groups create \"Year 7\" --type academic-level --mis-id Y7 ...sign-in..."
    )]
    Groups {
        #[command(flatten)]
        sign_in: SignInArgs,
        #[command(subcommand)]
        command: groups::GroupsCommand,
    },
    /// Users, set-up codes and soft keys. Needs Manage system.
    #[command(after_help = "Example:\n  keyholder users list ...sign-in...")]
    Users {
        #[command(flatten)]
        sign_in: SignInArgs,
        #[command(subcommand)]
        command: users::UsersCommand,
    },
    /// User groups and their permission grids. Needs Manage system.
    #[command(after_help = "Example:\n  keyholder user-groups show \"Teachers\" ...sign-in...")]
    UserGroups {
        #[command(flatten)]
        sign_in: SignInArgs,
        #[command(subcommand)]
        command: user_groups::UserGroupsCommand,
    },
    /// Incident categories and sub-categories. Needs Manage system.
    #[command(after_help = "Example:\n  keyholder categories list ...sign-in...")]
    Categories {
        #[command(flatten)]
        sign_in: SignInArgs,
        #[command(subcommand)]
        command: categories::CategoriesCommand,
    },
    /// Record a concern about a pupil, list the incidents you may read, or add an action.
    #[command(after_help = "Example:\n  keyholder incidents list --pupil P10001 ...sign-in...")]
    Incidents {
        #[command(flatten)]
        sign_in: SignInArgs,
        #[command(subcommand)]
        command: incidents::IncidentsCommand,
    },
    /// A pupil's statuses: list, set and end them.
    #[command(after_help = "Example:\n  keyholder pupils status list --pupil P10001 ...sign-in...")]
    Pupils {
        #[command(flatten)]
        sign_in: SignInArgs,
        #[command(subcommand)]
        command: casework::PupilsCommand,
    },
    /// A pupil's chronology: every incident, action and status change you may see, in date
    /// order; as text, --json, or a --pdf for a case conference (optionally --anonymised).
    #[command(
        after_help = "Example:\n  keyholder chronology --pupil P10001 --anonymised --pdf chronology.pdf ...sign-in..."
    )]
    Chronology {
        #[command(flatten)]
        sign_in: SignInArgs,
        #[command(flatten)]
        args: casework::ChronologyArgs,
    },
    /// The pupils you can see, and why not their profiles; with Manage system, every pupil with
    /// whether you (or, with --as, another user) can see them, and why not.
    #[command(
        after_help = "Example:\n  keyholder access --as teacher@school.example --json ...sign-in..."
    )]
    Access {
        #[command(flatten)]
        sign_in: SignInArgs,
        /// Report on this user instead of yourself (needs Manage system).
        #[arg(long = "as", value_name = "EMAIL")]
        other: Option<String>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// A report under your own access (Run reports): incidents by category (and House, Academic
    /// Level or Registration Form) per month or term, pupils with frequent concerns, actions by
    /// outcome with each referral, or pupils with each status; saved
    /// reports by name. It counts only pupils whose profiles you may open and categories you
    /// may read incidents in.
    #[command(
        after_help = "Example:\n  keyholder report --category Behaviour --by academic-level --per term --from 01/09/2025 --to 31/03/2026 --csv behaviour.csv ...sign-in...\n  keyholder report --kind frequent-concerns --more-than 3 --within-days 30 --save \"Frequent concerns\" --share SLT ...sign-in...\n  keyholder report \"Frequent concerns\" --json ...sign-in..."
    )]
    Report {
        #[command(flatten)]
        sign_in: SignInArgs,
        #[command(flatten)]
        args: report::ReportArgs,
    },
    /// Data Destruction Policies: how long each category's records are kept, the review list,
    /// holds, and keeping records longer. Needs Data destruction policy.
    #[command(after_help = "Example:
  keyholder retention review ...sign-in...")]
    Retention {
        #[command(flatten)]
        sign_in: SignInArgs,
        #[command(subcommand)]
        command: retention::RetentionCommand,
    },
    /// Transfers: a pupil's child-protection file sent to their next school, received from
    /// their last one, and its receipt confirmed. Needs Manage system or Named person.
    #[command(after_help = "Example:
  keyholder transfer list ...sign-in...")]
    Transfer {
        #[command(flatten)]
        sign_in: SignInArgs,
        #[command(subcommand)]
        command: transfer::TransferCommand,
    },
    /// The Overview's health check: exit status 0 with no warnings, 1 with warnings. Needs
    /// Manage system.
    #[command(after_help = "Example:\n  keyholder check --json ...sign-in...")]
    Check {
        #[command(flatten)]
        sign_in: SignInArgs,
        /// Print the findings as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write a checked backup (.khbackup) of the school file and its key file. Needs Manage
    /// system.
    #[command(
        after_help = "Example:\n  keyholder backup --out /media/usb/school.khbackup ...sign-in..."
    )]
    Backup {
        #[command(flatten)]
        sign_in: SignInArgs,
        /// The backup file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Replace the school file (--vault) with a backup; the replaced files are kept beside it.
    #[command(
        after_help = "Example:\n  keyholder restore /media/usb/school.khbackup --vault school.db --recovery-code-file code.txt"
    )]
    Restore {
        /// The .khbackup file.
        file: PathBuf,
        /// An administrator's e-mail address at the time of the backup (with --password-file).
        #[arg(long, value_name = "EMAIL")]
        user: Option<String>,
        /// File whose first line is that administrator's password at the time of the backup.
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// File whose first line is the school's recovery code at the time of the backup.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["user", "password_file"])]
        recovery_code_file: Option<PathBuf>,
    },
    /// Import pupils (with their groups), staff or groups from a CSV file exported from the MIS.
    /// Prints what it would change; exits 1 if some rows were rejected. Needs Manage system.
    #[command(
        after_help = "Example:\n  keyholder import pupils pupils.csv --dry-run ...sign-in..."
    )]
    Import(import::ImportArgs),
    /// Check the audit trail.
    #[command(
        after_help = "Example:\n  keyholder audit verify --against /media/usb/school.khbackup ...sign-in..."
    )]
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check that no audit entry has been altered, removed or reordered: the chain of hashes,
    /// every page of the school file, and the records of the trail kept in the key file, in
    /// backups (--against) and on paper (--noted). Needs View audits.
    #[command(
        after_help = "Example:\n  keyholder audit verify --against /media/usb/friday.khbackup --noted \"1234=3F2A 9C41 07BE D5E2\" ...sign-in..."
    )]
    Verify {
        #[command(flatten)]
        sign_in: SignInArgs,
        /// Backups to check the trail against: every entry in each must still be in the school
        /// file unchanged.
        #[arg(long, value_name = "BACKUP", num_args = 1..)]
        against: Vec<PathBuf>,
        /// An entry number and fingerprint noted from the Overview, e.g. "1234=3F2A 9C41 07BE
        /// D5E2". May be given more than once.
        #[arg(long, value_name = "ENTRY=FINGERPRINT")]
        noted: Vec<String>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct SignInArgs {
    /// Your e-mail address. (The sign-in options may come before or after the subcommand.)
    #[arg(long, value_name = "EMAIL", global = true)]
    pub user: Option<String>,
    /// File whose first line is your password (otherwise you are asked for it).
    #[arg(long, value_name = "FILE", global = true)]
    pub password_file: Option<PathBuf>,
    /// The 6-digit code from your authenticator app (otherwise you are asked for it).
    #[arg(long, value_name = "CODE", global = true)]
    pub code: Option<String>,
}

/// A command's outcome other than success: the exit status and one line for stderr.
#[derive(Debug)]
pub struct Failure {
    pub status: u8,
    pub message: String,
}

/// Exit status when standard output's reader has gone: 128 + SIGPIPE, what a shell reports for a
/// program a closed pipe ended, so a script can tell the output was cut short.
const READER_GONE: u8 = 128 + 13;

impl Failure {
    pub(crate) fn refused(message: impl Into<String>) -> Failure {
        Failure {
            status: 2,
            message: message.into(),
        }
    }

    /// Nobody is reading standard output any more: stop, with nothing to say.
    pub(crate) fn reader_gone() -> Failure {
        Failure {
            status: READER_GONE,
            message: String::new(),
        }
    }
}

/// Writes `line` and a newline to standard output (see [`say!`]).
pub(crate) fn print_line(line: std::fmt::Arguments) -> Result<(), Failure> {
    writeln!(std::io::stdout().lock(), "{line}").map_err(|e| {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::reader_gone()
        } else {
            Failure::refused(format!("Could not write the output: {e}."))
        }
    })
}

/// Writes `line` to standard error. A closed standard error leaves nowhere to say anything, so
/// that is not an error.
pub(crate) fn tell(line: std::fmt::Arguments) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

impl From<service::Error> for Failure {
    fn from(e: service::Error) -> Failure {
        Failure::refused(e.to_string())
    }
}

pub fn location(vault: Option<&Path>) -> Result<Location, Failure> {
    match vault {
        Some(p) => Ok(Location::new(p)),
        None => Location::default_for_this_computer().ok_or_else(|| {
            Failure::refused("Could not find this computer's Keyholder folder; give --vault PATH.")
        }),
    }
}

/// Largest password or recovery-code file read (only its first line is used).
const MAX_PASSWORD_FILE: u64 = 64 * 1024;
/// Largest export (`load --json`): a school of 2,000 pupils exports to a few megabytes.
const MAX_EXPORT_FILE: u64 = 256 * 1024 * 1024;
/// Largest file of changes (`groups apply`) or mapping file (`import --mapping`).
pub(crate) const MAX_COMMAND_FILE: u64 = 16 * 1024 * 1024;

/// A text file read whole, refused without being loaded when it is larger than `max` bytes.
/// `what` names it in messages ("the password file").
pub(crate) fn read_text_file(path: &Path, max: u64, what: &str) -> Result<String, Failure> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| {
        Failure::refused(format!("Could not read {what} {}: {e}.", path.display()))
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > max {
        return Err(Failure::refused(format!(
            "{} is too large to be {what} (more than {}).",
            path.display(),
            size_text(max)
        )));
    }
    String::from_utf8(bytes).map_err(|_| {
        Failure::refused(format!(
            "Could not read {what} {}: it is not UTF-8 text.",
            path.display()
        ))
    })
}

fn size_text(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", bytes / (1024 * 1024))
    } else {
        format!("{} KB", bytes / 1024)
    }
}

fn read_password(file: Option<&Path>, prompt: &str) -> Result<String, Failure> {
    let text = match file {
        Some(path) => {
            let content = read_text_file(path, MAX_PASSWORD_FILE, "the password file")?;
            content.lines().next().unwrap_or("").to_string()
        }
        None => rpassword::prompt_password(prompt).map_err(|_| {
            Failure::refused(
                "No password given: use --password-file FILE, or run this in a terminal.",
            )
        })?,
    };
    if text.is_empty() {
        return Err(Failure::refused("The password is empty."));
    }
    Ok(text)
}

fn read_code(code: Option<&str>) -> Result<String, Failure> {
    if let Some(c) = code {
        return Ok(c.to_string());
    }
    // A prompt nobody can see is not an error; the code is still read.
    let mut prompt = std::io::stderr().lock();
    let _ = write!(prompt, "Code from your authenticator app: ").and_then(|()| prompt.flush());
    drop(prompt);
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|_| Failure::refused("No code given: use --code CODE."))?;
    let line = line.trim().to_string();
    if line.is_empty() {
        return Err(Failure::refused("No code given: use --code CODE."));
    }
    Ok(line)
}

/// One sign-in for the whole command.
pub fn sign_in(location: &Location, args: &SignInArgs) -> Result<Session, Failure> {
    let user = args
        .user
        .as_deref()
        .ok_or_else(|| Failure::refused("Give your e-mail address with --user EMAIL."))?;
    let password = read_password(args.password_file.as_deref(), "Password: ")?;
    match service::sign_in(location, user, &password)? {
        SignInStep::SignedIn(s) => Ok(s),
        SignInStep::NeedsCode(mut pending) => {
            let code = read_code(args.code.as_deref())?;
            pending.confirm(&code, crate::clock::now())?;
            Ok(pending.into_session()?)
        }
    }
}

fn print_credentials(email: &str, key: &PendingKey, recovery_code: &str) -> Result<(), Failure> {
    say!("email: {email}");
    say!("totp-secret: {}", key.text());
    say!("recovery-code: {recovery_code}");
    Ok(())
}

fn refuse_existing(location: &Location) -> Result<(), Failure> {
    if location.db.exists() {
        return Err(Failure::refused(format!(
            "A school file already exists at {}; choose another --vault path.",
            location.db.display()
        )));
    }
    Ok(())
}

/// Runs a headless command.
pub fn run(vault: Option<&Path>, command: Command) -> Result<(), Failure> {
    let location = location(vault)?;
    match command {
        Command::Demo {
            password_file,
            pupils,
            staff,
        } => {
            refuse_existing(&location)?;
            let password =
                read_password(password_file.as_deref(), "Password for the demo users: ")?;
            let size = service::demo::DemoSize { pupils, staff };
            let creds = service::demo::create(&location, size, &password, KdfCost::DEMO)?;
            let key = PendingKey::from_secret(creds.totp_secret);
            print_credentials(&creds.email, &key, &creds.recovery_code)
        }
        Command::Export { sign_in: args, out } => {
            let mut session = sign_in(&location, &args)?;
            let json = session.export()?.to_json();
            match out {
                Some(path) => service::school_data::save_export(&path, &json)?,
                None => say!("{json}"),
            }
            Ok(())
        }
        Command::Load {
            json,
            password_file,
        } => {
            refuse_existing(&location)?;
            let text = read_text_file(&json, MAX_EXPORT_FILE, "an export file")?;
            let data = SchoolData::from_json(&text)?;
            // A file nobody could administer is refused before the password is asked for.
            setup::first_administrator(&data)?;
            let password = read_password(
                password_file.as_deref(),
                "New password for the administrator: ",
            )?;
            let loaded = setup::load_school(
                &location,
                &data,
                &password,
                &format!("Loaded from {}", json.display()),
            )?;
            print_credentials(&loaded.admin, &loaded.key, &loaded.recovery_code)
        }
        Command::Groups {
            sign_in: args,
            command,
        } => {
            let mut session = sign_in(&location, &args)?;
            groups::run(&mut session, command)
        }
        Command::Users {
            sign_in: args,
            command,
        } => {
            let mut session = sign_in(&location, &args)?;
            users::run(&mut session, command)
        }
        Command::UserGroups {
            sign_in: args,
            command,
        } => {
            let mut session = sign_in(&location, &args)?;
            user_groups::run(&mut session, command)
        }
        Command::Categories {
            sign_in: args,
            command,
        } => {
            let mut session = sign_in(&location, &args)?;
            categories::run(&mut session, command)
        }
        Command::Incidents {
            sign_in: args,
            command,
        } => {
            let mut session = sign_in(&location, &args)?;
            incidents::run(&mut session, command)
        }
        Command::Pupils {
            sign_in: args,
            command,
        } => {
            let mut session = sign_in(&location, &args)?;
            casework::run_pupils(&mut session, command)
        }
        Command::Chronology {
            sign_in: args,
            args: chronology,
        } => {
            let mut session = sign_in(&location, &args)?;
            casework::run_chronology(&mut session, chronology)
        }
        Command::Access {
            sign_in: args,
            other,
            json,
        } => {
            let session = sign_in(&location, &args)?;
            access::run(&session, other.as_deref(), json)
        }
        Command::Report {
            sign_in: args,
            args: report,
        } => {
            let mut session = sign_in(&location, &args)?;
            report::run(&mut session, report)
        }
        Command::Retention {
            sign_in: args,
            command,
        } => {
            let mut session = sign_in(&location, &args)?;
            let file = args.password_file.clone();
            retention::run(&mut session, command, || {
                read_password(
                    file.as_deref(),
                    "Your password again, to destroy these records for good: ",
                )
            })
        }
        Command::Transfer {
            sign_in: args,
            command,
        } => {
            let mut session = sign_in(&location, &args)?;
            transfer::run(&mut session, command)
        }
        Command::Check {
            sign_in: args,
            json,
        } => {
            let session = sign_in(&location, &args)?;
            check::run(&session, json)
        }
        Command::Backup { sign_in: args, out } => {
            let mut session = sign_in(&location, &args)?;
            backup::back_up(&mut session, out)
        }
        Command::Restore {
            file,
            user,
            password_file,
            recovery_code_file,
        } => backup::restore(
            &location,
            &file,
            user.as_deref(),
            password_file.as_deref(),
            recovery_code_file.as_deref(),
        ),
        Command::Import(args) => {
            let mut session = sign_in(&location, &args.sign_in)?;
            import::run(&mut session, args)
        }
        Command::Audit {
            command:
                AuditCommand::Verify {
                    sign_in: args,
                    against,
                    noted,
                    json,
                },
        } => {
            // Everything given is checked before signing in, so a mistyped note is refused
            // without an audited sign-in.
            let noted = noted
                .iter()
                .map(|n| NotedFingerprint::parse(n).map_err(Failure::refused))
                .collect::<Result<Vec<_>, _>>()?;
            for path in &against {
                if !path.is_file() {
                    return Err(Failure::refused(format!(
                        "There is no backup file at {}.",
                        path.display()
                    )));
                }
            }
            let session = sign_in(&location, &args)?;
            let report = session.check_audit_trail(&TrailCheck {
                integrity: true,
                backups: against,
                noted,
            })?;
            if json {
                say!("{}", audit_json(&report));
            } else {
                say!("{}", report.chain.describe());
                match report.integrity.as_deref() {
                    Some([]) => say!("Every page of the school file passes its checks."),
                    Some(problems) => {
                        for p in problems {
                            say!("The school file is damaged: {p}.");
                        }
                    }
                    None => {}
                }
                for a in &report.anchors {
                    say!("{}", a.describe());
                }
                if let Some(line) = report.latest_line() {
                    say!("Newest {line}.");
                }
            }
            if report.is_sound() {
                Ok(())
            } else {
                Err(Failure {
                    status: 1,
                    message: report.describe(),
                })
            }
        }
    }
}

/// `keyholder audit verify --json`; described in docs/audit-verify-format.md. Format 1 began with
/// `entries`, `intact`, `first_bad_entry` and `reason`; the other fields were added to it.
fn audit_json(report: &TrailReport) -> serde_json::Value {
    let (id, reason) = report.first_bad().unzip();
    let reason = reason.or_else(|| (!report.is_sound()).then(|| report.describe()));
    let (chain_id, chain_reason) = report.chain.first_bad.clone().unzip();
    let anchors: Vec<serde_json::Value> = report
        .anchors
        .iter()
        .map(|a| {
            let (bad_id, bad_reason) = a.first_bad.clone().unzip();
            let (kind, file, extra) = match &a.source {
                AnchorSource::KeyFile { path, anchor } => (
                    "key_file",
                    Some(path.display().to_string()),
                    serde_json::json!({
                        "recorded_at": anchor.as_ref().map(|x| x.recorded_at),
                        "hash": anchor.as_ref().map(|x| x.hash.clone()),
                    }),
                ),
                AnchorSource::Backup {
                    path,
                    created_at,
                    entries,
                } => (
                    "backup",
                    Some(path.display().to_string()),
                    serde_json::json!({ "created_at": created_at, "entries": entries }),
                ),
                AnchorSource::Noted(n) => (
                    "noted",
                    None,
                    serde_json::json!({ "fingerprint": n.fingerprint() }),
                ),
            };
            let mut v = serde_json::json!({
                "kind": kind,
                "file": file,
                "entry": a.entry,
                "matches": a.first_bad.is_none(),
                "first_bad_entry": bad_id,
                "reason": bad_reason,
                "description": a.describe(),
            });
            if let (Some(obj), Some(more)) = (v.as_object_mut(), extra.as_object()) {
                obj.extend(more.clone());
            }
            v
        })
        .collect();
    serde_json::json!({
        "format_version": 1,
        "entries": report.chain.entries,
        "intact": report.is_sound(),
        "first_bad_entry": id,
        "reason": reason,
        "chain": {
            "intact": report.chain.is_intact(),
            "first_bad_entry": chain_id,
            "reason": chain_reason,
        },
        "integrity": report.integrity.as_ref().map(|p| serde_json::json!({
            "ok": p.is_empty(),
            "problems": p,
        })),
        "anchors": anchors,
        "latest": report.latest.as_ref().map(|l| serde_json::json!({
            "entry": l.entry,
            "hash": l.hash,
            "fingerprint": l.fingerprint(),
        })),
    })
}

/// Parses the command line and runs the window or a headless command.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return refuse_arguments(e),
    };
    match cli.command {
        Some(command) => match run(cli.vault.as_deref(), command) {
            Ok(()) => ExitCode::SUCCESS,
            Err(f) => {
                if !f.message.is_empty() {
                    tell(format_args!("keyholder: {}", f.message));
                }
                ExitCode::from(f.status)
            }
        },
        None => match crate::ui::run(cli.vault, cli.demo) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                tell(format_args!(
                    "keyholder: the window could not be opened: {e}"
                ));
                ExitCode::from(2)
            }
        },
    }
}

/// Help and the version are printed as clap writes them; a mistake in the arguments is one
/// line, in words, pointing to the help of the command it was for.
fn refuse_arguments(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    let typed: Vec<String> = std::env::args().skip(1).collect();
    tell(format_args!(
        "keyholder: {}",
        argument_mistake(&e.render().to_string(), &command_typed(&typed))
    ));
    ExitCode::from(2)
}

/// The command a person typed ("keyholder groups list"), as far as it names real commands.
fn command_typed(args: &[String]) -> String {
    use clap::CommandFactory;
    let mut c = Cli::command();
    let mut path = vec!["keyholder".to_string()];
    for a in args {
        match c.find_subcommand(a).cloned() {
            Some(sub) => {
                path.push(a.clone());
                c = sub;
            }
            None if a.starts_with('-') => continue,
            None => break,
        }
    }
    path.join(" ")
}

/// "error: unexpected argument '--fo' found\n…\nUsage: keyholder groups list [OPTIONS]\n…" →
/// "Unexpected argument '--fo' found. See keyholder groups list --help."
fn argument_mistake(rendered: &str, typed: &str) -> String {
    let mut lines = rendered.lines();
    let mut first = lines
        .next()
        .unwrap_or_default()
        .trim_start_matches("error:")
        .trim()
        .to_string();
    // What clap says below its first line, before the usage: the missing arguments, a tip.
    let more: Vec<&str> = lines
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:"))
        .filter(|l| !l.is_empty())
        .collect();
    for l in more
        .iter()
        .filter(|l| !l.starts_with("For more information"))
    {
        let l = l.trim_start_matches("tip:").trim_matches(['[', ']']).trim();
        first = if first.ends_with(':') {
            format!("{first} {l}")
        } else if first.ends_with('>') || first.ends_with(',') {
            format!("{first}, {l}")
        } else {
            format!("{first} ({l})")
        };
    }
    let command: Vec<&str> = rendered
        .lines()
        .find_map(|l| l.trim().strip_prefix("Usage:"))
        .unwrap_or("keyholder")
        .split_whitespace()
        .take_while(|w| !w.starts_with(['[', '<', '-']))
        .collect();
    // The usage line names the command when clap gives one; otherwise what was typed does.
    let command = if command.len() > typed.split(' ').count() {
        command.join(" ")
    } else {
        typed.to_string()
    };
    format!(
        "{}. See {command} --help.",
        crate::model::names::capitalise(first.trim_end_matches(['.', ':']))
    )
}

#[cfg(test)]
mod help_tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn a_mistake_in_the_arguments_is_one_line_pointing_to_the_right_help() {
        let e = Cli::try_parse_from(["keyholder", "groups", "list", "--jsn"]).unwrap_err();
        let line = argument_mistake(&e.render().to_string(), "keyholder");
        assert!(!line.contains('\n'), "{line}");
        assert!(
            line.starts_with("Unexpected argument '--jsn' found"),
            "{line}"
        );
        assert!(
            line.ends_with("See keyholder groups list --help."),
            "{line}"
        );
        let e = Cli::try_parse_from(["keyholder", "user-groups", "rename", "X"]).unwrap_err();
        let line = argument_mistake(&e.render().to_string(), "keyholder");
        assert!(line.contains("--to"), "{line}");
        assert!(
            line.ends_with("See keyholder user-groups rename --help."),
            "{line}"
        );
    }

    fn every_command(c: &clap::Command, path: String, out: &mut Vec<(String, clap::Command)>) {
        for sub in c.get_subcommands() {
            let p = format!("{path} {}", sub.get_name());
            out.push((p.clone(), sub.clone()));
            every_command(sub, p, out);
        }
    }

    #[test]
    fn the_grouped_help_lists_every_command_and_each_command_shows_an_example() {
        let cli = Cli::command();
        let mut all = Vec::new();
        every_command(&cli, "keyholder".into(), &mut all);
        assert!(all.len() > 40, "{} commands", all.len());
        for top in cli.get_subcommands() {
            assert!(
                HELP_TEMPLATE.contains(&format!("\n  {} ", top.get_name())),
                "keyholder --help does not list {}",
                top.get_name()
            );
        }
        for (path, c) in &all {
            let example = c
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            assert!(
                example.starts_with("Example:\n  keyholder "),
                "{path} has no example"
            );
            // The example is of this command, not another one.
            let shown = example.lines().nth(1).unwrap_or_default().trim();
            assert!(
                shown.starts_with(path.as_str()),
                "{path}: its example is `{shown}`"
            );
        }
    }
}
