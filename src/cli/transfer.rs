//! `keyholder transfer …`: a pupil's child-protection file sent to their next school, received
//! from their last one, and the receipt confirmed, as on Admin > Transfers (needs Manage system
//! or Named person).

use super::Failure;
use super::categories::category_by_path;
use crate::model::names;
use crate::model::school_transfer::Method;
use crate::service::Session;
use crate::service::records::parse_day;
use crate::service::transfers::{PupilMatch, SentLine, Target, TransferPreview, TransferRequest};
use clap::Subcommand;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum TransferCommand {
    /// Write a pupil's file for their next school and print its passphrase (shown once).
    #[command(
        after_help = "Example:\n  keyholder transfer send --pupil 4012 --to \"Brookfield Academy\" --out 4012.khtransfer ...sign-in...\n  keyholder transfer send --pupil 4012 --to \"St Anne's\" --paper --out 4012.pdf ...sign-in..."
    )]
    Send {
        /// The pupil's MIS ID (on roll or left).
        #[arg(long, value_name = "MIS_ID")]
        pupil: String,
        /// The school the pupil is moving to.
        #[arg(long, value_name = "SCHOOL")]
        to: String,
        /// The receiving DSL's name and phone number or e-mail, for the log.
        #[arg(long, value_name = "TEXT", default_value = "")]
        contact: String,
        /// Only this category (repeat for more; "Behaviour/Against Peers" for a sub-category).
        /// Without it, every category you may read.
        #[arg(long, value_name = "NAME")]
        category: Vec<String>,
        /// Only incidents on or after this day.
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Only incidents on or before this day.
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        /// Keep a copy of the chronology in Keyholder.
        #[arg(long)]
        keep_copy: bool,
        /// For a school without Keyholder: a password-protected PDF pack with a receipt to sign.
        #[arg(long)]
        paper: bool,
        /// Where to write the file.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Receive a transfer file from the pupil's previous school and print the receipt code.
    #[command(
        after_help = "Example:\n  keyholder transfer receive 4012.khtransfer --passphrase-file words.txt --dry-run ...sign-in...\n  keyholder transfer receive 4012.khtransfer --passphrase-file words.txt --map \"Welfare=Cause for Concern\" ...sign-in..."
    )]
    Receive {
        file: PathBuf,
        /// A file holding the six-word passphrase.
        #[arg(long, value_name = "FILE")]
        passphrase_file: PathBuf,
        /// Show what the file holds and what receiving it would do; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Put one of their categories under one of ours: "Theirs=Ours" (repeat for more);
        /// "Theirs=Transferred records" for the category for records from other schools.
        #[arg(long, value_name = "THEIRS=OURS")]
        map: Vec<String>,
        /// Also save the receipt as a PDF to print.
        #[arg(long, value_name = "FILE")]
        receipt_pdf: Option<PathBuf>,
    },
    /// Complete a transfer sent: with the receipt code the receiving school gave, or (for a PDF
    /// pack) with --received-on and --received-by from the signed paper receipt.
    #[command(
        after_help = "Example:\n  keyholder transfer confirm T-7KQ2M9XD --receipt 4K7QH-M2XRB ...sign-in...\n  keyholder transfer confirm T-7KQ2M9XD --received-on 07/12/2026 --received-by \"J. Okafor\" ...sign-in..."
    )]
    Confirm {
        /// The transfer's reference (T-…).
        reference: String,
        #[arg(long, value_name = "CODE", required_unless_present = "received_on")]
        receipt: Option<String>,
        /// The day on the signed paper receipt.
        #[arg(
            long,
            value_name = "DATE",
            conflicts_with = "receipt",
            requires = "received_by"
        )]
        received_on: Option<String>,
        /// Who received it at the other school.
        #[arg(long, value_name = "NAME")]
        received_by: Option<String>,
    },
    /// Every transfer sent (with its state: sent, overdue, confirmed) and received.
    #[command(after_help = "Example:\n  keyholder transfer list --json ...sign-in...")]
    List {
        #[arg(long)]
        json: bool,
    },
}

fn read_passphrase(path: &Path) -> Result<String, Failure> {
    let text = super::read_text_file(path, 4096, "the passphrase file")?;
    let words = crate::service::transfer_file::normalise_passphrase(&text);
    if words.is_empty() {
        return Err(Failure::refused("The passphrase file is empty."));
    }
    Ok(words)
}

fn sent_json(s: &SentLine) -> serde_json::Value {
    let t = &s.transfer;
    serde_json::json!({
        "reference": t.reference,
        "pupil": t.pupil_ref,
        "to": t.to_school,
        "contact": t.to_contact,
        "included": t.included,
        "incidents": t.incidents,
        "method": t.method.key(),
        "sent_at": t.sent_at,
        "sent_by": s.sent_by,
        "sha256": t.sha256,
        "kept_copy": t.kept_copy,
        "state": s.state.label().to_lowercase(),
        "confirm_by": s.confirm_by.format("%Y-%m-%d").to_string(),
        "received_on": t.received_on.map(|d| d.format("%Y-%m-%d").to_string()),
        "received_by": t.received_by,
    })
}

fn print_preview(p: &TransferPreview) -> Result<(), Failure> {
    say!("Transfer {} from {}", p.reference, p.from_school);
    say!(
        "  sent {} by {}",
        crate::clock::format_local(p.sent_at),
        p.sent_by
    );
    say!(
        "  pupil: {} (born {}, UPN {})",
        p.pupil_name,
        names::date_of_birth(p.date_of_birth.as_deref()),
        p.upn.as_deref().unwrap_or("none")
    );
    say!(
        "  holds {}, {}, {} ({})",
        names::count(p.incidents, "incident", "incidents"),
        names::count(p.actions, "action", "actions"),
        names::count(p.statuses, "status", "statuses"),
        p.included
    );
    match &p.pupil_match {
        PupilMatch::Existing(s) => say!(
            "  joins the record of {} ({}) here",
            s.display_name(false),
            s.class
        ),
        PupilMatch::New => say!("  nobody here has this UPN: a new pupil record is made"),
    }
    for c in &p.categories {
        let to = p
            .targets
            .iter()
            .find(|t| t.target == c.proposed)
            .map_or("?", |t| t.label.as_str());
        say!(
            "  {} ({}) -> {to}",
            c.theirs,
            names::count(c.incidents, "incident", "incidents")
        );
    }
    Ok(())
}

pub fn run(session: &mut Session, command: TransferCommand) -> Result<(), Failure> {
    match command {
        TransferCommand::Send {
            pupil,
            to,
            contact,
            category,
            from,
            until,
            keep_copy,
            paper,
            out,
        } => {
            let id = session.pupil_to_transfer_by_mis_id(&pupil)?;
            let all = session.categories()?;
            let categories = category
                .iter()
                .map(|c| category_by_path(&all, c).map(|c| c.id))
                .collect::<Result<Vec<_>, _>>()?;
            let day = |d: &Option<String>| d.as_deref().map(parse_day).transpose();
            let sent = session.send_transfer(
                &TransferRequest {
                    pupil: id,
                    to_school: to,
                    to_contact: contact,
                    categories,
                    from: day(&from)?,
                    until: day(&until)?,
                    keep_copy,
                    method: if paper {
                        Method::Paper
                    } else {
                        Method::Keyholder
                    },
                },
                &out,
            )?;
            say!(
                "Wrote transfer {} to {} ({}, {}).",
                sent.reference,
                sent.path.display(),
                names::count(sent.incidents, "incident", "incidents"),
                names::count(sent.actions, "action", "actions")
            );
            say!(
                "{} (shown this once; read it to the receiving school's DSL by phone, never send \
                 it with the file):",
                if paper { "PDF password" } else { "Passphrase" }
            );
            say!("  {}", sent.passphrase);
            say!(
                "Receipt due by {}. SHA-256 of the file: {}",
                sent.confirm_by.format("%-d %B %Y"),
                sent.sha256
            );
        }
        TransferCommand::Receive {
            file,
            passphrase_file,
            dry_run,
            map,
            receipt_pdf,
        } => {
            let passphrase = read_passphrase(&passphrase_file)?;
            let (opened, preview) = session.open_transfer(&file, &passphrase)?;
            if let Some(before) = &preview.already {
                say!(
                    "Transfer {} was already received on {}; nothing has been changed. Its \
                     receipt code is {}.",
                    before.reference,
                    crate::clock::format_local(before.received_at),
                    before.receipt_code
                );
                return Ok(());
            }
            let mut mapping = BTreeMap::new();
            for m in &map {
                let (theirs, ours) = m.split_once('=').ok_or_else(|| {
                    Failure::refused(format!(
                        "--map {m:?} should be written Theirs=Ours, e.g. \"Welfare=Cause for Concern\"."
                    ))
                })?;
                let theirs = preview
                    .categories
                    .iter()
                    .find(|c| c.theirs.trim().eq_ignore_ascii_case(theirs.trim()))
                    .ok_or_else(|| {
                        Failure::refused(format!(
                            "The file has no category called \"{}\". Its categories: {}.",
                            theirs.trim(),
                            preview
                                .categories
                                .iter()
                                .map(|c| c.theirs.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                    })?;
                let target = if ours
                    .trim()
                    .eq_ignore_ascii_case(crate::service::transfers::TRANSFERRED_CATEGORY)
                {
                    Target::Transferred
                } else {
                    let all = session.categories()?;
                    Target::Category(category_by_path(&all, ours.trim())?.id)
                };
                mapping.insert(theirs.theirs.clone(), target);
            }
            if dry_run {
                print_preview(&preview)?;
                say!("Nothing has been changed (--dry-run).");
                return Ok(());
            }
            let receipt = session.receive_transfer(&opened, &mapping)?;
            say!(
                "Received transfer {} from {}: {} added to the record of {}.",
                receipt.reference,
                receipt.from_school,
                names::count(receipt.incidents, "incident", "incidents"),
                receipt.pupil_name
            );
            say!(
                "Receipt code (give it to {} to complete the transfer): {}",
                receipt.from_school,
                receipt.code
            );
            if let Some(path) = receipt_pdf {
                session.export_receipt_pdf(&receipt.reference, &path)?;
                say!("Saved the receipt as {}.", path.display());
            }
        }
        TransferCommand::Confirm {
            reference,
            receipt,
            received_on,
            received_by,
        } => {
            let line = match (receipt, received_on) {
                (Some(code), _) => {
                    session.confirm_transfer(&reference, &code, received_by.as_deref())?
                }
                (None, Some(on)) => session.confirm_paper_receipt(
                    &reference,
                    parse_day(&on)?,
                    received_by.as_deref().unwrap_or(""),
                )?,
                (None, None) => {
                    return Err(Failure::refused(
                        "Give the receipt code with --receipt CODE, or for a PDF pack the date \
                         and name on the signed receipt with --received-on and --received-by.",
                    ));
                }
            };
            say!(
                "Transfer {}: {}.",
                line.transfer.reference,
                line.describe_state()
            );
        }
        TransferCommand::List { json } => {
            let log = session.transfers()?;
            if json {
                say!(
                    "{}",
                    serde_json::json!({
                        "sent": log.sent.iter().map(sent_json).collect::<Vec<_>>(),
                        "received": log.received.iter().map(|r| serde_json::json!({
                            "reference": r.transfer.reference,
                            "from": r.transfer.from_school,
                            "pupil": r.transfer.pupil_ref,
                            "incidents": r.transfer.incidents,
                            "received_at": r.transfer.received_at,
                            "received_by": r.received_by,
                            "receipt_code": r.transfer.receipt_code,
                            "sha256": r.transfer.sha256,
                        })).collect::<Vec<_>>(),
                    })
                );
                return Ok(());
            }
            if log.sent.is_empty() && log.received.is_empty() {
                say!("No transfers have been sent or received.");
            }
            for s in &log.sent {
                say!(
                    "{}  sent {} to {}  {}  {}",
                    s.transfer.reference,
                    s.sent_on.format("%-d %b %Y"),
                    s.transfer.to_school,
                    s.transfer.pupil_ref,
                    s.describe_state()
                );
            }
            for r in &log.received {
                say!(
                    "{}  received {} from {}  {}  receipt {}",
                    r.transfer.reference,
                    crate::clock::format_local(r.transfer.received_at),
                    r.transfer.from_school,
                    r.transfer.pupil_ref,
                    r.transfer.receipt_code
                );
            }
        }
    }
    Ok(())
}
