//! The PDFs of a transfer: the pack for a school that does not use Keyholder (the whole file in
//! print, with a receipt page to sign and return, protected by a password), and the receipt page
//! a receiving Keyholder prints.
//!
//! The pack uses the standard security handler with AES-128 (PDF 1.6), which every common
//! reader opens. lopdf's AES-256 (PDF 2.0) output was rejected by poppler, so it is not used.
//! The document's metadata stream stays unencrypted (readers disagree about encrypting it), so
//! the pack's title, which goes into that stream, names only the transfer, never the pupil.

use super::casework::{day_text, local_day};
use super::error::{Error, Result};
use super::transfer_file::{IncidentRecord, TransferFile};
use super::transfers::Receipt;
use crate::clock::format_local;
use crate::model::{Outcome, StatusKind, names};
use crate::pdf::{Block, Document};

const ACTION_INDENT: f32 = 18.0;

fn render(doc: &Document) -> Result<Vec<u8>> {
    crate::pdf::render(doc)
        .map(|r| r.bytes)
        .map_err(|e| Error::Invalid(format!("The PDF could not be made: {e}.")))
}

fn dob(d: &Option<String>) -> String {
    names::date_of_birth(d.as_deref())
}

fn or_none(v: &Option<String>) -> String {
    v.as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .unwrap_or("none")
        .to_string()
}

/// The pack's pages: what it is, the pupil, their statuses, every incident in full with its
/// actions and earlier wordings, then the receipt to sign and return.
fn pack_document(f: &TransferFile) -> Document {
    let p = &f.pupil;
    let name = names::full_name(&p.forename, &p.surname);
    let mut blocks = vec![
        Block::title(format!("Child protection file: {name}")),
        Block::text(format!(
            "Sent by {} to {} for a pupil who has moved school. It is confidential: keep it \
             apart from the pupil's main school file, and sign and return the receipt on the \
             last page to {} as soon as it arrives.",
            f.from_school, f.to_school, f.from_school
        )),
        Block::Space(6.0),
        Block::fields([
            ("Reference", f.reference.clone()),
            ("From", f.from_school.clone()),
            ("To", f.to_school.clone()),
            (
                "Contact",
                if f.to_contact.is_empty() {
                    "none given".into()
                } else {
                    f.to_contact.clone()
                },
            ),
            (
                "Sent",
                format!("{} by {}", format_local(f.sent_at), f.sent_by),
            ),
            ("Included", f.included.clone()),
        ]),
        Block::Rule,
        Block::heading("The pupil"),
        Block::fields([
            ("Name", name.clone()),
            ("Date of birth", dob(&p.date_of_birth)),
            ("UPN", or_none(&p.upn)),
            ("MIS ID there", or_none(&p.mis_id)),
            (
                "Groups at leaving",
                if p.groups.is_empty() {
                    "none".into()
                } else {
                    p.groups.join(", ")
                },
            ),
        ]),
        Block::heading("Statuses"),
    ];
    if p.statuses.is_empty() {
        blocks.push(Block::text("None recorded."));
    }
    for s in &p.statuses {
        let kind = StatusKind::from_key(&s.status).map_or(s.status.as_str(), |k| k.label());
        let day = |d: &str| {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_or_else(|_| d.to_string(), day_text)
        };
        let period = match &s.ended_on {
            Some(e) => format!("{} to {}", day(&s.started_on), day(e)),
            None => format!("since {}", day(&s.started_on)),
        };
        let mut parts = vec![Block::strong(format!("{kind}, {period}"))];
        if !s.note.trim().is_empty() {
            parts.push(Block::text(s.note.clone()));
        }
        parts.push(Block::small(format!("Recorded by {}", s.set_by)));
        blocks.push(Block::Together(parts));
    }
    blocks.push(Block::Rule);
    blocks.push(Block::heading(names::capitalise(&names::count(
        f.incidents.len(),
        "incident",
        "incidents",
    ))));
    for i in &f.incidents {
        blocks.extend(incident_blocks(i));
        blocks.push(Block::Space(6.0));
    }
    blocks.push(Block::PageBreak);
    blocks.push(Block::title("Receipt: please sign and return"));
    blocks.push(Block::text(format!(
        "Return this page to {} (or tell them the details on it) so that they can record that \
         the file arrived safely.",
        f.from_school
    )));
    blocks.push(Block::Space(6.0));
    blocks.push(Block::fields([
        ("Reference", f.reference.clone()),
        ("Pupil", name.clone()),
        ("Date of birth", dob(&p.date_of_birth)),
        (
            "Sent",
            format!("{} by {}", day_text(local_day(f.sent_at)), f.from_school),
        ),
        ("Receiving school", f.to_school.clone()),
    ]));
    blocks.push(Block::Space(18.0));
    for line in [
        "Received by (name): ____________________________________________",
        "Role: __________________________________________________________",
        "Signature: _____________________________________________________",
        "Date received: _________________________________________________",
    ] {
        blocks.push(Block::text(line));
        blocks.push(Block::Space(14.0));
    }
    Document {
        // Readable without the password (see the module's note): no name here.
        title: format!("Child protection file, transfer {}", f.reference),
        header: format!(
            "{} · Confidential: child protection file of {name}",
            f.from_school
        ),
        footer: format!(
            "Transfer {} · sent {}",
            f.reference,
            format_local(f.sent_at)
        ),
        blocks,
    }
}

fn incident_blocks(i: &IncidentRecord) -> Vec<Block> {
    let mut out = vec![Block::Together(vec![
        Block::strong(format!(
            "{}   {}",
            format_local(i.occurred_at),
            TransferFile::category_label(i)
        )),
        Block::text(i.description.clone()),
        Block::small(format!(
            "Recorded by {} on {}{}",
            i.recorded_by,
            format_local(i.recorded_at),
            if i.others_involved > 0 {
                format!(
                    ". {} involved",
                    names::count(i.others_involved, "other pupil", "other pupils")
                )
            } else {
                String::new()
            }
        )),
    ])];
    for e in &i.earlier {
        out.push(
            Block::Together(vec![
                Block::small(format!(
                    "Earlier wording, replaced by {} on {}:",
                    e.replaced_by,
                    format_local(e.replaced_at)
                )),
                Block::text(e.description.clone()),
            ])
            .indented(ACTION_INDENT),
        );
    }
    for a in &i.actions {
        let outcome = Outcome::from_key(&a.outcome).map_or(a.outcome.as_str(), |o| o.label());
        let mut parts = vec![
            Block::strong(format!("{}   Action: {outcome}", format_local(a.taken_at))),
            Block::text(a.description.clone()),
        ];
        if !a.rationale.trim().is_empty() {
            parts.push(Block::text(format!("Why: {}", a.rationale)));
        }
        parts.push(Block::small(format!("By {}", a.taken_by)));
        for e in &a.earlier {
            parts.push(Block::small(format!(
                "Earlier version, replaced by {} on {}: {} — {}",
                e.replaced_by,
                format_local(e.replaced_at),
                Outcome::from_key(&e.outcome).map_or(e.outcome.as_str(), |o| o.label()),
                e.description
            )));
        }
        out.push(Block::Together(parts).indented(ACTION_INDENT));
    }
    out
}

/// The pack as a PDF that opens only with `password`.
pub(super) fn paper_pack(f: &TransferFile, password: &str) -> Result<Vec<u8>> {
    let plain = render(&pack_document(f))?;
    protect(&plain, password)
}

fn protect(plain: &[u8], password: &str) -> Result<Vec<u8>> {
    use lopdf::encryption::crypt_filters::{Aes128CryptFilter, CryptFilter};
    use lopdf::encryption::{EncryptionState, EncryptionVersion, Permissions};
    use rand::RngCore;
    use std::collections::BTreeMap;
    use std::sync::Arc;
    let fail = |e: &dyn std::fmt::Display| {
        Error::Invalid(format!(
            "The PDF pack could not be protected with its password: {e}."
        ))
    };
    let mut doc = lopdf::Document::load_mem(plain).map_err(|e| fail(&e))?;
    // Nobody needs the owner password: it only guards the permissions, so it is random.
    let mut owner = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut owner);
    let owner = hex::encode(owner);
    let filter: Arc<dyn CryptFilter> = Arc::new(Aes128CryptFilter);
    let unprotected = doc.clone();
    let version = EncryptionVersion::V4 {
        document: &unprotected,
        encrypt_metadata: false,
        crypt_filters: BTreeMap::from([(b"StdCF".to_vec(), filter)]),
        stream_filter: b"StdCF".to_vec(),
        string_filter: b"StdCF".to_vec(),
        owner_password: &owner,
        user_password: password,
        permissions: Permissions::PRINTABLE | Permissions::PRINTABLE_IN_HIGH_QUALITY,
    };
    let state = EncryptionState::try_from(version).map_err(|e| fail(&e))?;
    doc.encrypt(&state).map_err(|e| fail(&e))?;
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(|e| fail(&e))?;
    Ok(out)
}

/// The receipt a receiving school prints: which transfer, from where, who received it, when,
/// and the code the sending school types in to complete it.
pub(super) fn receipt_pdf(r: &Receipt) -> Result<Vec<u8>> {
    let blocks = vec![
        Block::title("Receipt for a child protection file"),
        Block::text(format!(
            "{} has received this pupil's child protection file from {}. Give {} the receipt \
             code below (by phone, or send this page): they type it into Keyholder to complete \
             the transfer.",
            r.school, r.from_school, r.from_school
        )),
        Block::Space(6.0),
        Block::fields([
            ("Receipt code", r.code.clone()),
            ("Transfer", r.reference.clone()),
            ("From", r.from_school.clone()),
            ("Received by", format!("{} at {}", r.received_by, r.school)),
            ("Received on", format_local(r.received_at)),
            ("Pupil", r.pupil_name.clone()),
            ("UPN", or_none(&r.upn)),
            ("Incidents", r.incidents.to_string()),
            ("File SHA-256", r.sha256.clone()),
        ]),
    ];
    render(&Document {
        title: format!("Receipt for transfer {}", r.reference),
        header: format!("{} · Receipt for transfer {}", r.school, r.reference),
        footer: format!("Printed {}", format_local(crate::clock::now())),
        blocks,
    })
}
