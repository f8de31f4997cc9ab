//! Moving a pupil's child-protection file to their next school (Admin > Transfers): sending it as
//! an encrypted transfer file (or a password-protected PDF pack for a school without Keyholder),
//! receiving one into this school's records, and confirming the receipt, with the log guidance
//! asks for (what was sent, when, by whom, when and by whom it was received).
//!
//! Needs Manage system or Named person, and for sending, the pupil's profile under the access
//! rule: the file holds only what the sender may read there. Every send, receipt and
//! confirmation is in the audit, which names the pupil by MIS ID.

use super::casework::{ActionView, StaffName, StatusView, day_text, local_day, staff_names};
use super::error::{Error, Result};
use super::records::{IncidentView, PupilProfile, PupilSummary, pupil_ref};
use super::session::Session;
use super::transfer_file::{
    self, ActionRecord, EarlierActionRecord, EarlierRecord, IncidentRecord, PupilRecord,
    StatusRecord, TransferFile,
};
use crate::model::access::Purpose;
use crate::model::casework::{ActionRevision, ChronologyFilter};
use crate::model::school_transfer::{
    self as rules, Method, ReceiptCheck, ReceivedTransfer, SentTransfer, State,
};
use crate::model::{
    CategoryGrant, CategoryId, Outcome, PupilId, StatusKind, SystemPermission, UserId, names,
};
use crate::vault::Change;
use crate::vault::files::sha256_hex;
use crate::vault::queries::{casework, categories, incidents, people, pupils, school, transfers};
use chrono::NaiveDate;
use rand::RngCore;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The category records go under when the receiving school has none of the same name.
pub const TRANSFERRED_CATEGORY: &str = "Transferred records";

/// The longest school name or contact kept.
const MAX_SCHOOL: usize = 200;
const MAX_CONTACT: usize = 500;

/// What to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRequest {
    pub pupil: PupilId,
    pub to_school: String,
    /// The receiving DSL's name, phone or e-mail, as the sender wants it logged.
    pub to_contact: String,
    /// The categories to include (a category takes in its sub-categories); empty: every category
    /// the sender may view.
    pub categories: Vec<CategoryId>,
    /// The first and last day of incidents to include, each optional.
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// Whether the sender keeps a copy of the chronology in Keyholder.
    pub keep_copy: bool,
    pub method: Method,
}

/// What sending wrote. The passphrase is shown once and never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub reference: String,
    /// For a transfer file, its passphrase; for a PDF pack, the PDF's password.
    pub passphrase: String,
    pub incidents: usize,
    pub actions: usize,
    pub sha256: String,
    pub path: PathBuf,
    pub confirm_by: NaiveDate,
}

/// A sent transfer as the Transfers tab lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentLine {
    pub transfer: SentTransfer,
    pub state: State,
    /// The pupil by name when the reader may see them in lists, else by MIS ID/UPN.
    pub pupil: String,
    pub sent_by: String,
    pub sent_on: NaiveDate,
    pub confirm_by: NaiveDate,
    pub confirmed_by: Option<String>,
}

impl SentLine {
    /// "Confirmed: received 7 Dec 2026 by J. Okafor", "Overdue: no receipt since 3 Dec 2026".
    pub fn describe_state(&self) -> String {
        match self.state {
            State::Confirmed => {
                let on = self
                    .transfer
                    .received_on
                    .map(day_text)
                    .unwrap_or_else(|| "an unknown day".into());
                match self
                    .transfer
                    .received_by
                    .as_deref()
                    .filter(|b| !b.is_empty())
                {
                    Some(by) => format!("Confirmed: received {on} by {by}"),
                    None => format!("Confirmed: received {on}"),
                }
            }
            State::Overdue => format!(
                "Overdue: no receipt since {}, chase {}",
                day_text(self.sent_on),
                self.transfer.to_school
            ),
            State::Sent => format!("Sent: receipt due by {}", day_text(self.confirm_by)),
        }
    }
}

/// A received transfer as the tab lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedLine {
    pub transfer: ReceivedTransfer,
    pub pupil: String,
    pub received_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TransferLog {
    pub sent: Vec<SentLine>,
    pub received: Vec<ReceivedLine>,
}

impl TransferLog {
    pub fn overdue(&self) -> usize {
        self.sent
            .iter()
            .filter(|s| s.state == State::Overdue)
            .count()
    }
}

/// A transfer file opened with its passphrase, held until the person confirms receiving it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedTransfer {
    file: TransferFile,
    sha256: String,
}

impl OpenedTransfer {
    pub fn reference(&self) -> &str {
        &self.file.reference
    }
}

/// Where the records of one of the sending school's categories go here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Category(CategoryId),
    /// The "Transferred records" category, made if the school has none.
    Transferred,
}

/// A choice of where to put a category's records, as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetChoice {
    pub target: Target,
    pub label: String,
}

impl std::fmt::Display for TargetChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

/// One of the sending school's categories in a file, and where its records would go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryLine {
    /// "Behaviour — Against Peers", as the sending school named it.
    pub theirs: String,
    pub incidents: usize,
    pub proposed: Target,
    /// Whether a category of the same name is here.
    pub matched: bool,
}

/// Which pupil here the records would join.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PupilMatch {
    /// A pupil here with the same UPN (or, with none, the same name and date of birth).
    Existing(PupilSummary),
    /// Nobody here yet: a new pupil is made, on roll, in no groups until the next MIS import.
    New,
}

/// What a transfer file holds and what receiving it would do; nothing is written yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferPreview {
    pub reference: String,
    pub from_school: String,
    pub sent_at: i64,
    pub sent_by: String,
    pub to_school: String,
    pub included: String,
    pub pupil_name: String,
    pub date_of_birth: Option<String>,
    pub upn: Option<String>,
    pub groups: Vec<String>,
    pub incidents: usize,
    pub actions: usize,
    pub statuses: usize,
    pub categories: Vec<CategoryLine>,
    pub pupil_match: PupilMatch,
    /// When this file was received before: receiving it again changes nothing.
    pub already: Option<ReceivedTransfer>,
    /// Where records may go: this school's categories, then "Transferred records".
    pub targets: Vec<TargetChoice>,
}

/// What receiving gave: the receipt to send back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub reference: String,
    pub code: String,
    pub from_school: String,
    /// This school.
    pub school: String,
    pub pupil: PupilId,
    pub pupil_name: String,
    pub upn: Option<String>,
    pub received_at: i64,
    pub received_by: String,
    pub incidents: usize,
    pub sha256: String,
    /// True when the file had been received before and nothing was changed.
    pub already: bool,
}

fn may_transfer(session: &Session) -> Result<()> {
    let p = &session.me().permissions;
    if p.has(SystemPermission::ManageSystem) || p.has(SystemPermission::NamedPerson) {
        Ok(())
    } else {
        Err(Error::Invalid(
            "Transfers need the \"Manage system\" or \"Named person\" permission, which your \
             user group does not give you."
                .into(),
        ))
    }
}

fn random<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut out);
    out
}

/// "MIS ID 4012 · UPN A123456789012": how the log names a pupil, without their name.
fn log_ref(mis_id: Option<&str>, upn: Option<&str>) -> String {
    let clean = |v: Option<&str>| {
        v.map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    match (clean(mis_id), clean(upn)) {
        (Some(m), Some(u)) => format!("MIS ID {m} · UPN {u}"),
        (Some(m), None) => format!("MIS ID {m}"),
        (None, Some(u)) => format!("UPN {u}"),
        (None, None) => "no MIS ID or UPN".into(),
    }
}

/// Whether `me` may see `p` for `purpose`: a pupil on roll by the access rule, one who has left
/// by the rule as it was for the groups they had (see `Session::leavers_access`).
fn may_see(
    on_roll: &crate::model::access::SchoolAccess,
    leavers: &crate::model::access::SchoolAccess,
    me: UserId,
    p: &crate::model::Pupil,
    purpose: Purpose,
) -> bool {
    if p.archived {
        leavers.can(me, p.id, purpose)
    } else {
        on_roll.can(me, p.id, purpose)
    }
}

fn same_text(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

impl Session {
    /// Every transfer sent and received, newest first, with each sent one's state today.
    pub fn transfers(&self) -> Result<TransferLog> {
        self.transfers_on(local_day(crate::clock::now()))
    }

    /// As [`Session::transfers`], with the states as they are on `today`.
    pub fn transfers_on(&self, today: NaiveDate) -> Result<TransferLog> {
        may_transfer(self)?;
        let conn = self.vault().db();
        let staff = staff_names(conn)?;
        let name = |u: Option<UserId>| super::casework::staff_name(&staff, u).name;
        let school = self.load_school()?;
        let leavers = self.leavers_access()?;
        let me = self.me_id();
        let pupil_label = |p: Option<PupilId>, fallback: &str| {
            p.and_then(|id| school.pupils.get(&id))
                .filter(|p| may_see(&school.access, &leavers, me, p, Purpose::List))
                .map_or_else(|| fallback.to_string(), |p| p.full_name())
        };
        let sent = transfers::sent(conn)?
            .into_iter()
            .map(|t| {
                let sent_on = local_day(t.sent_at);
                SentLine {
                    state: t.state(sent_on, today),
                    pupil: pupil_label(t.pupil, &t.pupil_ref),
                    sent_by: name(t.sent_by),
                    sent_on,
                    confirm_by: rules::confirm_by(sent_on),
                    confirmed_by: t.confirmed_by.map(|u| name(Some(u))),
                    transfer: t,
                }
            })
            .collect();
        let received = transfers::received(conn)?
            .into_iter()
            .map(|t| ReceivedLine {
                pupil: pupil_label(t.pupil, &t.pupil_ref),
                received_by: name(t.received_by),
                transfer: t,
            })
            .collect();
        Ok(TransferLog { sent, received })
    }

    /// How many sent transfers have no receipt after 5 school days, for the health check.
    pub(super) fn overdue_transfers(&self, today: NaiveDate) -> Result<Vec<SentTransfer>> {
        Ok(transfers::sent(self.vault().db())?
            .into_iter()
            .filter(|t| t.state(local_day(t.sent_at), today) == State::Overdue)
            .collect())
    }

    /// The pupils a transfer may be sent for: those whose profile the user may open, on roll or
    /// left, whose name, MIS ID or UPN matches `search`: one whose MIS ID or UPN is exactly the
    /// search first, then those who have left (they are usually the ones moving), by name.
    pub fn pupils_to_transfer(&self, search: &str) -> Result<Vec<PupilSummary>> {
        may_transfer(self)?;
        self.require(SystemPermission::ViewStudentDetails)?;
        let school = self.load_school()?;
        let leavers = self.leavers_access()?;
        let me = self.me_id();
        let words: Vec<String> = search.split_whitespace().map(str::to_lowercase).collect();
        let exact = |v: &Option<String>| {
            v.as_deref()
                .is_some_and(|v| !search.trim().is_empty() && same_text(v, search))
        };
        let mut out: Vec<(bool, bool, PupilSummary)> = school
            .pupils
            .values()
            .filter(|p| may_see(&school.access, &leavers, me, p, Purpose::Profile))
            .filter(|p| {
                let hay = format!(
                    "{} {} {} {}",
                    p.forename,
                    p.surname,
                    p.mis_id.as_deref().unwrap_or(""),
                    p.upn.as_deref().unwrap_or("")
                )
                .to_lowercase();
                words.iter().all(|w| hay.contains(w))
            })
            .map(|p| {
                let mut s = school.summary(p);
                if p.archived {
                    s.class = if s.class.is_empty() {
                        "left".into()
                    } else {
                        format!("{} · left", s.class)
                    };
                }
                (!(exact(&p.mis_id) || exact(&p.upn)), !p.archived, s)
            })
            .collect();
        out.sort_by_cached_key(|(not_exact, on_roll, p)| {
            (
                *not_exact,
                *on_roll,
                names::sort_key(&p.forename, &p.surname),
                p.id,
            )
        });
        Ok(out
            .into_iter()
            .map(|(_, _, p)| p)
            .take(super::records::SEARCH_LIMIT)
            .collect())
    }

    /// The categories a transfer may be narrowed to: those the user may read incidents in.
    pub fn categories_to_transfer(&self) -> Result<Vec<super::records::CategoryChoice>> {
        may_transfer(self)?;
        let all = categories::list(self.vault().db())?;
        Ok(self.category_choices(&all, crate::model::CategoryPermission::ViewIncidents, true))
    }

    /// The pupil (on roll or left) whose profile the user may open with this MIS ID.
    pub fn pupil_to_transfer_by_mis_id(&self, mis_id: &str) -> Result<PupilId> {
        may_transfer(self)?;
        let wanted = mis_id.trim();
        let school = self.load_school()?;
        let leavers = self.leavers_access()?;
        let me = self.me_id();
        school
            .pupils
            .values()
            .find(|p| {
                !wanted.is_empty()
                    && p.mis_id.as_deref().map(str::trim) == Some(wanted)
                    && may_see(&school.access, &leavers, me, p, Purpose::Profile)
            })
            .map(|p| p.id)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "No pupil whose profile you may open has the MIS ID {wanted}."
                ))
            })
    }

    /// Writes the transfer of `r.pupil`'s file to `path` and logs it. For a Keyholder transfer,
    /// `path` gets the encrypted `.khtransfer` file; for a paper one, the password-protected PDF
    /// pack. The passphrase (or password) is in the answer, shown once: it is not kept.
    pub fn send_transfer(&mut self, r: &TransferRequest, path: &Path) -> Result<Sent> {
        let mut written = false;
        let result = self.change(|this| {
            may_transfer(this)?;
            let to_school = r.to_school.trim();
            if to_school.is_empty() {
                return Err(Error::Invalid(
                    "Type the name of the school the pupil is moving to.".into(),
                ));
            }
            if to_school.chars().count() > MAX_SCHOOL || r.to_contact.chars().count() > MAX_CONTACT
            {
                return Err(Error::Invalid(format!(
                    "The school's name can be at most {MAX_SCHOOL} characters and its contact \
                     {MAX_CONTACT}. Please shorten them; nothing has been sent."
                )));
            }
            if let (Some(f), Some(u)) = (r.from, r.until)
                && f > u
            {
                return Err(Error::Invalid(
                    "The first day comes after the last day. Swap them; nothing has been sent."
                        .into(),
                ));
            }
            let profile = this.profile_of(r.pupil, true)?;
            let conn = this.vault().db();
            let all = categories::list(conn)?;
            let parents: BTreeMap<CategoryId, Option<CategoryId>> =
                all.iter().map(|c| (c.id, c.parent)).collect();
            let wanted: BTreeSet<CategoryId> = r.categories.iter().copied().collect();
            let takes = |i: &IncidentView| {
                let day = local_day(i.occurred_at);
                (wanted.is_empty()
                    || wanted.contains(&i.category)
                    || parents
                        .get(&i.category)
                        .copied()
                        .flatten()
                        .is_some_and(|p| wanted.contains(&p)))
                    && r.from.is_none_or(|f| day >= f)
                    && r.until.is_none_or(|u| day <= u)
            };
            let included: Vec<&IncidentView> =
                profile.incidents.iter().filter(|i| takes(i)).collect();
            if included.is_empty() && profile.statuses.is_empty() {
                return Err(Error::Invalid(format!(
                    "There is nothing to send: none of {}'s incidents you may read are in the \
                     categories and dates chosen, and they have no statuses.",
                    profile.pupil.full_name()
                )));
            }
            let names_by_id: BTreeMap<CategoryId, &str> =
                all.iter().map(|c| (c.id, c.name.as_str())).collect();
            let included_text = describe_included(&wanted, &names_by_id, &parents, r.from, r.until);
            let staff = staff_names(conn)?;
            let me = super::casework::staff_name(&staff, Some(this.me_id()));
            let school_name = school::get(conn)?.name;
            let now = crate::clock::now();
            let reference = rules::reference_from(random::<5>());
            let receipt_key = random::<32>();
            let chronology_pdf =
                this.transfer_chronology(&profile, &included, &included_text, &me, now)?;
            let file = TransferFile {
                format: transfer_file::FORMAT,
                app_version: env!("CARGO_PKG_VERSION").into(),
                reference: reference.clone(),
                receipt_key: hex::encode(receipt_key),
                from_school: school_name,
                sent_at: now,
                sent_by: me.name.clone(),
                to_school: to_school.to_string(),
                to_contact: r.to_contact.trim().to_string(),
                included: included_text.clone(),
                pupil: pupil_record(&profile),
                incidents: included
                    .iter()
                    .map(|i| incident_record(i, &names_by_id, &parents))
                    .collect(),
                chronology_pdf: {
                    use base64::Engine;
                    base64::engine::general_purpose::STANDARD.encode(&chronology_pdf)
                },
            };
            let passphrase = transfer_file::new_passphrase();
            let bytes = match r.method {
                Method::Keyholder => transfer_file::seal(&file, &passphrase)?,
                Method::Paper => super::transfer_pdf::paper_pack(&file, &passphrase)?,
            };
            let sha256 = sha256_hex(&bytes);
            let actions = file.actions();
            let pupil_text = log_ref(
                profile.pupil.mis_id.as_deref(),
                profile.pupil.upn.as_deref(),
            );
            let audit_ref = pupil_ref(&profile.pupil);
            let read = super::records::restricted_read(
                r.pupil,
                included.iter().map(|i| i.id),
                &this.guards()?,
            );
            let me_id = this.me_id();
            this.write(|tx| {
                transfers::insert_sent(
                    tx,
                    &transfers::NewSent {
                        reference: &reference,
                        pupil: r.pupil,
                        pupil_ref: &pupil_text,
                        to_school,
                        to_contact: r.to_contact.trim(),
                        included: &included_text,
                        incidents: included.len(),
                        method: r.method,
                        sha256: &sha256,
                        receipt_key: &receipt_key,
                        sent_at: now,
                        sent_by: me_id,
                        kept_copy: r.keep_copy.then_some(chronology_pdf.as_slice()),
                    },
                )?;
                Ok((
                    (),
                    Change::new(
                        "Transfer sent",
                        format!(
                            "Sent the file of {audit_ref} to {to_school} as a {} ({reference}: \
                             {}, {}; {}; copy of the chronology {}; SHA-256 {sha256}){read}",
                            r.method.label().to_lowercase(),
                            names::count(included.len(), "incident", "incidents"),
                            names::count(actions, "action", "actions"),
                            included_text,
                            if r.keep_copy { "kept" } else { "not kept" },
                        ),
                    ),
                ))
            })?;
            crate::vault::files::write_atomic(path, &bytes)?;
            written = true;
            let sent_on = local_day(now);
            Ok(Sent {
                reference,
                passphrase,
                incidents: included.len(),
                actions,
                sha256,
                path: path.to_path_buf(),
                confirm_by: rules::confirm_by(sent_on),
            })
        });
        if result.is_err() && written {
            // Best effort: the log entry that would have recorded it was not saved.
            let _ = std::fs::remove_file(path);
        }
        result
    }

    /// The chronology of what a transfer holds, as a PDF.
    fn transfer_chronology(
        &self,
        profile: &PupilProfile,
        included: &[&IncidentView],
        included_text: &str,
        me: &StaffName,
        now: i64,
    ) -> Result<Vec<u8>> {
        let mut chronology =
            self.chronology_of(profile.pupil.id, &ChronologyFilter::default(), true)?;
        let ids: BTreeSet<_> = included.iter().map(|i| i.id).collect();
        chronology.entries.retain(|e| match &e.what {
            super::casework::Entry::Incident { id, .. } => ids.contains(id),
            super::casework::Entry::Action { incident, .. } => ids.contains(incident),
            _ => true,
        });
        chronology.category_label = Some(included_text.to_string());
        let document = super::chronology_pdf::document(&chronology, me, now, false);
        let pdf = crate::pdf::render(&document)
            .map_err(|e| Error::Invalid(format!("The chronology could not be made: {e}.")))?;
        Ok(pdf.bytes)
    }

    /// The copy of the chronology kept with a sent transfer, written to `path`.
    pub fn save_kept_chronology(&mut self, reference: &str, path: &Path) -> Result<()> {
        self.change(|this| {
            may_transfer(this)?;
            let t = this.sent_transfer(reference)?;
            let bytes = transfers::kept_copy(this.vault().db(), t.id)?.ok_or_else(|| {
                Error::Invalid(format!(
                    "No copy of the chronology was kept with transfer {}.",
                    t.reference
                ))
            })?;
            this.write(|_| {
                Ok((
                    (),
                    Change::new(
                        "Transfer chronology saved",
                        format!(
                            "Saved the kept chronology of transfer {} ({})",
                            t.reference, t.pupil_ref
                        ),
                    ),
                ))
            })?;
            super::casework::save_pdf(path, &bytes)
        })
    }

    fn sent_transfer(&self, reference: &str) -> Result<SentTransfer> {
        let wanted = rules::normalise_reference(reference);
        transfers::sent_by_reference(self.vault().db(), &wanted)?.ok_or_else(|| {
            Error::Invalid(format!(
                "There is no transfer {wanted} in this school's log of transfers sent. Check the \
                 reference on the Transfers tab."
            ))
        })
    }

    /// Completes a Keyholder transfer with the receipt code the receiving school gave.
    /// `received_by` is who there received it, when the sender knows it.
    pub fn confirm_transfer(
        &mut self,
        reference: &str,
        code: &str,
        received_by: Option<&str>,
    ) -> Result<SentLine> {
        self.confirm_transfer_on(reference, code, received_by, local_day(crate::clock::now()))
    }

    pub fn confirm_transfer_on(
        &mut self,
        reference: &str,
        code: &str,
        received_by: Option<&str>,
        today: NaiveDate,
    ) -> Result<SentLine> {
        self.change(|this| {
            may_transfer(this)?;
            let t = this.sent_transfer(reference)?;
            this.refuse_confirmed(&t)?;
            if t.method == Method::Paper {
                return Err(Error::Invalid(format!(
                    "Transfer {} was sent as a PDF pack, which has a paper receipt: confirm it \
                     with the date and name written on the signed receipt.",
                    t.reference
                )));
            }
            let sent_on = local_day(t.sent_at);
            let received_on =
                match rules::check_receipt(&t.receipt_key, &t.reference, code, sent_on, today) {
                    ReceiptCheck::Matches(day) => day,
                    ReceiptCheck::Mistyped => {
                        return Err(Error::Invalid(
                            "That receipt code has a typing mistake: it should be 10 letters \
                             and digits, like 4K7QH-M2XRB, and its last letter does not match \
                             the others. Check it with the receipt; nothing has been changed."
                                .into(),
                        ));
                    }
                    ReceiptCheck::NotThisTransfer => {
                        return Err(Error::Invalid(format!(
                            "That receipt code is not for transfer {}: it may be the receipt \
                             for another transfer. Check the reference on the receipt with {}; \
                             nothing has been changed.",
                            t.reference, t.to_school
                        )));
                    }
                };
            let by = received_by.map(str::trim).filter(|b| !b.is_empty());
            this.confirm_sent(&t, received_on, by, "with the receipt code")?;
            this.sent_line(&t.reference, today)
        })
    }

    /// Completes a transfer sent as a PDF pack from its signed paper receipt: the day it was
    /// received and who received it, as written there.
    pub fn confirm_paper_receipt(
        &mut self,
        reference: &str,
        received_on: NaiveDate,
        received_by: &str,
    ) -> Result<SentLine> {
        let today = local_day(crate::clock::now());
        self.change(|this| {
            may_transfer(this)?;
            let t = this.sent_transfer(reference)?;
            this.refuse_confirmed(&t)?;
            let by = received_by.trim();
            if by.is_empty() {
                return Err(Error::Invalid(
                    "Type the name of the person who signed the receipt.".into(),
                ));
            }
            if by.chars().count() > MAX_SCHOOL {
                return Err(Error::Invalid(format!(
                    "The name can be at most {MAX_SCHOOL} characters."
                )));
            }
            let sent_on = local_day(t.sent_at);
            if received_on < sent_on || received_on > today {
                return Err(Error::Invalid(format!(
                    "The day received must be between the day it was sent ({}) and today. \
                     Check the date on the receipt; nothing has been changed.",
                    day_text(sent_on)
                )));
            }
            this.confirm_sent(&t, received_on, Some(by), "from the signed paper receipt")?;
            this.sent_line(&t.reference, today)
        })
    }

    fn refuse_confirmed(&self, t: &SentTransfer) -> Result<()> {
        if t.confirmed_at.is_some() {
            return Err(Error::Invalid(format!(
                "Transfer {} was already confirmed (received {}). Nothing has been changed.",
                t.reference,
                t.received_on
                    .map(day_text)
                    .unwrap_or_else(|| "earlier".into())
            )));
        }
        Ok(())
    }

    fn confirm_sent(
        &mut self,
        t: &SentTransfer,
        received_on: NaiveDate,
        by: Option<&str>,
        how: &str,
    ) -> Result<()> {
        let me = self.me_id();
        self.write(|tx| {
            transfers::confirm(tx, t.id, received_on, by, me, crate::clock::now())?;
            Ok((
                (),
                Change::new(
                    "Transfer confirmed",
                    format!(
                        "Confirmed transfer {} of {} to {} {how}: received {}{}",
                        t.reference,
                        t.pupil_ref,
                        t.to_school,
                        day_text(received_on),
                        by.map(|b| format!(" by {b}")).unwrap_or_default()
                    ),
                ),
            ))
        })
    }

    fn sent_line(&self, reference: &str, today: NaiveDate) -> Result<SentLine> {
        self.transfers_on(today)?
            .sent
            .into_iter()
            .find(|s| s.transfer.reference == reference)
            .ok_or_else(|| Error::Invalid(format!("Transfer {reference} is not in the log.")))
    }

    /// Opens a transfer file with its passphrase and says what receiving it would do. Nothing
    /// is written.
    pub fn open_transfer(
        &self,
        path: &Path,
        passphrase: &str,
    ) -> Result<(OpenedTransfer, TransferPreview)> {
        may_transfer(self)?;
        let size = std::fs::metadata(path)
            .map_err(|_| {
                Error::Invalid(format!(
                    "There is no file {}. Check where the transfer file was saved.",
                    path.display()
                ))
            })?
            .len();
        if size > transfer_file::MAX_FILE_BYTES {
            return Err(Error::Invalid(
                "This file is far larger than any transfer file, so it was not opened.".into(),
            ));
        }
        let bytes = std::fs::read(path).map_err(|e| {
            Error::Invalid(format!(
                "The file {} could not be read: {e}.",
                path.display()
            ))
        })?;
        let file = transfer_file::open(&bytes, passphrase)?;
        let opened = OpenedTransfer {
            sha256: sha256_hex(&bytes),
            file,
        };
        let preview = self.preview(&opened)?;
        Ok((opened, preview))
    }

    fn preview(&self, opened: &OpenedTransfer) -> Result<TransferPreview> {
        let f = &opened.file;
        let conn = self.vault().db();
        if transfers::sent_by_reference(conn, &f.reference)?.is_some() {
            return Err(Error::Invalid(format!(
                "Transfer {} was sent from this school: it is received by {}, in their own                  Keyholder. Nothing has been changed.",
                f.reference, f.to_school
            )));
        }
        let already = transfers::received_by_reference(conn, &f.reference)?;
        let all = categories::list(conn)?;
        let transferred = all
            .iter()
            .find(|c| c.parent.is_none() && !c.archived && same_text(&c.name, TRANSFERRED_CATEGORY))
            .map_or(Target::Transferred, |c| Target::Category(c.id));
        let mut by_label: BTreeMap<String, (usize, Target, bool)> = BTreeMap::new();
        for i in &f.incidents {
            let theirs = TransferFile::category_label(i);
            let entry = by_label.entry(theirs.clone()).or_insert_with(|| {
                let here = all
                    .iter()
                    .filter(|c| !c.archived)
                    .find(|c| {
                        let parent = c
                            .parent
                            .and_then(|p| all.iter().find(|x| x.id == p))
                            .map(|p| p.name.as_str());
                        same_text(&c.path(parent), &theirs)
                    })
                    .map(|c| c.id);
                match here {
                    Some(id) => (0, Target::Category(id), true),
                    None => (0, transferred, false),
                }
            });
            entry.0 += 1;
        }
        let mut targets: Vec<TargetChoice> = all
            .iter()
            .filter(|c| !c.archived)
            .map(|c| {
                let parent = c
                    .parent
                    .and_then(|p| all.iter().find(|x| x.id == p))
                    .map(|p| p.name.as_str());
                TargetChoice {
                    target: Target::Category(c.id),
                    label: c.path(parent),
                }
            })
            .collect();
        // Once the school has the category, it is offered as itself; until then, as new.
        if transferred == Target::Transferred {
            targets.push(TargetChoice {
                target: Target::Transferred,
                label: format!("{TRANSFERRED_CATEGORY} (new category)"),
            });
        }
        Ok(TransferPreview {
            reference: f.reference.clone(),
            from_school: f.from_school.clone(),
            sent_at: f.sent_at,
            sent_by: f.sent_by.clone(),
            to_school: f.to_school.clone(),
            included: f.included.clone(),
            pupil_name: names::full_name(&f.pupil.forename, &f.pupil.surname),
            date_of_birth: f.pupil.date_of_birth.clone(),
            upn: f.pupil.upn.clone(),
            groups: f.pupil.groups.clone(),
            incidents: f.incidents.len(),
            actions: f.actions(),
            statuses: f.pupil.statuses.len(),
            categories: by_label
                .into_iter()
                .map(|(theirs, (incidents, proposed, matched))| CategoryLine {
                    theirs,
                    incidents,
                    proposed,
                    matched,
                })
                .collect(),
            pupil_match: match &already {
                Some(_) => PupilMatch::New,
                None => self.match_pupil(&f.pupil)?,
            },
            already,
            targets,
        })
    }

    /// The pupil here a file's records join, or a refusal when its UPN belongs to someone else.
    fn match_pupil(&self, p: &PupilRecord) -> Result<PupilMatch> {
        let school = self.load_school()?;
        let me = self.me_id();
        let upn = p.upn.as_deref().map(str::trim).filter(|u| !u.is_empty());
        let candidates: Vec<&crate::model::Pupil> = match upn {
            Some(u) => school
                .pupils
                .values()
                .filter(|x| x.upn.as_deref().is_some_and(|y| same_text(y, u)))
                .collect(),
            None => school
                .pupils
                .values()
                .filter(|x| {
                    same_text(&x.forename, &p.forename)
                        && same_text(&x.surname, &p.surname)
                        && x.date_of_birth.is_some()
                        && x.date_of_birth == p.date_of_birth
                })
                .collect(),
        };
        let found = match candidates.as_slice() {
            [] => return Ok(PupilMatch::New),
            [one] => *one,
            _ => {
                return Err(Error::Invalid(format!(
                    "More than one pupil here has {}. Correct the duplicate record first (Admin > \
                     Pupils); nothing has been changed.",
                    upn.map_or_else(
                        || "this name and date of birth".into(),
                        |u| format!("the UPN {u}")
                    )
                )));
            }
        };
        if let Some(u) = upn {
            let born_same = match (&found.date_of_birth, &p.date_of_birth) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            };
            if !born_same || !same_text(&found.surname, &p.surname) {
                return Err(Error::Invalid(format!(
                    "The UPN {u} belongs to a different pupil here (born {}), but the file is for \
                     {} (born {}). Check the UPN with {} before receiving it; nothing has been \
                     changed.",
                    found
                        .date_of_birth
                        .as_deref()
                        .unwrap_or("on a day not recorded"),
                    names::full_name(&p.forename, &p.surname),
                    p.date_of_birth
                        .as_deref()
                        .unwrap_or("on a day not recorded"),
                    "the sending school"
                )));
            }
        }
        if !may_see(
            &school.access,
            &self.leavers_access()?,
            me,
            found,
            Purpose::Profile,
        ) {
            return Err(Error::Invalid(
                "This pupil is already in Keyholder, but you may not open their profile, so you \
                 cannot add to their record. Ask someone who can (or your Keyholder \
                 administrator) to receive it; nothing has been changed."
                    .into(),
            ));
        }
        Ok(PupilMatch::Existing(school.summary(found)))
    }

    /// Receives an opened transfer: the pupil matched or made, every incident (with its actions
    /// and earlier wordings) and status added, marked as received from the sending school, in
    /// one change with one audit entry. `mapping` says where each of the sending school's
    /// categories goes (by its label); one left out goes where the preview proposed. A file
    /// received before changes nothing and gives its receipt again.
    pub fn receive_transfer(
        &mut self,
        opened: &OpenedTransfer,
        mapping: &BTreeMap<String, Target>,
    ) -> Result<Receipt> {
        let result = self.change(|this| {
            may_transfer(this)?;
            let preview = this.preview(opened)?;
            let f = &opened.file;
            let conn = this.vault().db();
            let here = school::get(conn)?.name;
            let staff = staff_names(conn)?;
            let me = super::casework::staff_name(&staff, Some(this.me_id())).name;
            if let Some(before) = &preview.already {
                let pupil_name = names::full_name(&f.pupil.forename, &f.pupil.surname);
                return Ok(Receipt {
                    reference: before.reference.clone(),
                    code: before.receipt_code.clone(),
                    from_school: before.from_school.clone(),
                    school: here,
                    pupil: before.pupil.unwrap_or(PupilId(0)),
                    pupil_name,
                    upn: f.pupil.upn.clone(),
                    received_at: before.received_at,
                    received_by: super::casework::staff_name(&staff, before.received_by).name,
                    incidents: before.incidents,
                    sha256: before.sha256.clone(),
                    already: true,
                });
            }
            let receipt_key = hex::decode(&f.receipt_key).map_err(|_| {
                Error::Invalid("This transfer file is damaged (its receipt key).".into())
            })?;
            let checked = check_contents(f)?;
            let now = crate::clock::now();
            let code = rules::receipt_code(&receipt_key, &f.reference, local_day(now));
            let all = categories::list(conn)?;
            let targets: BTreeMap<String, Target> = preview
                .categories
                .iter()
                .map(|c| {
                    (
                        c.theirs.clone(),
                        mapping.get(&c.theirs).copied().unwrap_or(c.proposed),
                    )
                })
                .collect();
            for t in targets.values() {
                if let Target::Category(id) = t
                    && !all.iter().any(|c| c.id == *id && !c.archived)
                {
                    return Err(Error::Invalid(
                        "One of the categories chosen is no longer in Keyholder. Choose again."
                            .into(),
                    ));
                }
            }
            let needs_transferred = targets.values().any(|t| *t == Target::Transferred);
            let existing_transferred = all
                .iter()
                .find(|c| c.parent.is_none() && same_text(&c.name, TRANSFERRED_CATEGORY))
                .map(|c| c.id);
            let groups = people::user_groups(conn)?;
            let pupil_text = log_ref(f.pupil.mis_id.as_deref(), f.pupil.upn.as_deref());
            let me_id = this.me_id();
            let reference_here = match &preview.pupil_match {
                PupilMatch::Existing(p) => this
                    .load_school()?
                    .pupils
                    .get(&p.id)
                    .map_or_else(|| format!("pupil record {}", p.id.0), pupil_ref),
                PupilMatch::New => "a new pupil record".into(),
            };
            let receipt = this.write(|tx| {
                let transferred = match (needs_transferred, existing_transferred) {
                    (false, _) => None,
                    (true, Some(id)) => Some(id),
                    (true, None) => {
                        let order = all
                            .iter()
                            .filter(|c| c.parent.is_none())
                            .map(|c| c.sort_order + 1)
                            .max()
                            .unwrap_or(0);
                        let id = categories::insert(tx, None, TRANSFERRED_CATEGORY, order)?;
                        // The safeguarding team (who receive transfers) can read what arrives.
                        for g in &groups {
                            if g.system.contains(SystemPermission::NamedPerson)
                                || g.system.contains(SystemPermission::ManageSystem)
                            {
                                let mut grid = g.categories.clone();
                                grid.set_grant(
                                    id,
                                    CategoryGrant {
                                        view_students: true,
                                        view_incidents: true,
                                        add_incidents: false,
                                    },
                                );
                                people::set_permissions(tx, g.id, g.system, &grid)?;
                            }
                        }
                        Some(id)
                    }
                };
                let (pupil, made) = match &preview.pupil_match {
                    PupilMatch::Existing(p) => (p.id, false),
                    PupilMatch::New => {
                        let mut adder = pupils::NewPupils::new(tx)?;
                        let id = adder.add(
                            &pupils::NewPupil {
                                mis_id: None,
                                upn: f.pupil.upn.as_deref(),
                                forename: &f.pupil.forename,
                                surname: &f.pupil.surname,
                                date_of_birth: f.pupil.date_of_birth.as_deref(),
                                archived: false,
                            },
                            &[],
                        )?;
                        (id, true)
                    }
                };
                let transfer_id = transfers::insert_received(
                    tx,
                    &transfers::NewReceived {
                        reference: &f.reference,
                        from_school: &f.from_school,
                        pupil: Some(pupil),
                        pupil_ref: &pupil_text,
                        sent_at: f.sent_at,
                        sent_by_name: &f.sent_by,
                        sha256: &opened.sha256,
                        incidents: f.incidents.len(),
                        receipt_code: &code,
                        received_at: now,
                        received_by: Some(me_id),
                        chronology: checked.chronology.as_deref(),
                    },
                )?;
                for (i, record) in f.incidents.iter().enumerate() {
                    let theirs = TransferFile::category_label(record);
                    let category =
                        match targets.get(&theirs).copied().unwrap_or(Target::Transferred) {
                            Target::Category(id) => id,
                            Target::Transferred => transferred.ok_or_else(|| {
                                crate::vault::Error::Rejected(
                                    "no category for transferred records".into(),
                                )
                            })?,
                        };
                    let matched_same = preview.categories.iter().any(|c| {
                        c.theirs == theirs && c.matched && c.proposed == Target::Category(category)
                    });
                    let id = incidents::insert(
                        tx,
                        &incidents::NewIncident {
                            pupil,
                            category,
                            occurred_at: record.occurred_at,
                            description: &record.description,
                            recorded_by: None,
                            recorded_at: record.recorded_at,
                            linked_pupils: &[],
                        },
                    )?;
                    transfers::mark_received(
                        tx,
                        id,
                        Some(transfer_id),
                        Some(&record.recorded_by),
                        (!matched_same).then_some(theirs.as_str()),
                    )?;
                    for e in &record.earlier {
                        incidents::insert_revision(
                            tx,
                            id,
                            &incidents::Revision {
                                description: e.description.clone(),
                                replaced_by: None,
                                replaced_at: e.replaced_at,
                                replaced_by_name: Some(e.replaced_by.clone()),
                            },
                        )?;
                    }
                    for (a, outcome) in record.actions.iter().zip(&checked.outcomes[i]) {
                        let action = casework::insert_action(
                            tx,
                            id,
                            &casework::ActionText {
                                taken_at: a.taken_at,
                                taken_by: None,
                                outcome: outcome.0,
                                description: &a.description,
                                rationale: &a.rationale,
                            },
                            None,
                            a.recorded_at,
                        )?;
                        transfers::set_action_names(
                            tx,
                            action,
                            Some(&a.taken_by),
                            Some(&a.recorded_by),
                        )?;
                        for (e, o) in a.earlier.iter().zip(&outcome.1) {
                            casework::insert_action_revision(
                                tx,
                                action,
                                &ActionRevision {
                                    taken_at: e.taken_at,
                                    taken_by: None,
                                    outcome: *o,
                                    description: e.description.clone(),
                                    rationale: e.rationale.clone(),
                                    replaced_by: None,
                                    replaced_at: e.replaced_at,
                                    taken_by_name: Some(e.taken_by.clone()),
                                    replaced_by_name: Some(e.replaced_by.clone()),
                                },
                            )?;
                        }
                    }
                }
                let existing = casework::statuses_for_pupil(tx, pupil)?;
                for (s, (kind, started, ended)) in f.pupil.statuses.iter().zip(&checked.statuses) {
                    // A status the school already has for the same period is not doubled.
                    if existing
                        .iter()
                        .any(|x| x.kind == *kind && x.started_on == *started)
                    {
                        continue;
                    }
                    let status = casework::insert_status(
                        tx,
                        &casework::NewStatus {
                            pupil,
                            kind: *kind,
                            started_on: *started,
                            note: &s.note,
                            set_by: None,
                            set_at: s.set_at,
                            ended: ended.map(|on| (on, None, s.set_at)),
                        },
                    )?;
                    transfers::set_status_names(
                        tx,
                        status,
                        Some(&s.set_by),
                        s.ended_by.as_deref(),
                    )?;
                }
                let reference_here = if made {
                    format!("{reference_here} ({})", pupil.0)
                } else {
                    reference_here.clone()
                };
                let pupil_name = names::full_name(&f.pupil.forename, &f.pupil.surname);
                Ok((
                    Receipt {
                        reference: f.reference.clone(),
                        code: code.clone(),
                        from_school: f.from_school.clone(),
                        school: here.clone(),
                        pupil,
                        pupil_name,
                        upn: f.pupil.upn.clone(),
                        received_at: now,
                        received_by: me.clone(),
                        incidents: f.incidents.len(),
                        sha256: opened.sha256.clone(),
                        already: false,
                    },
                    Change::new(
                        "Transfer received",
                        format!(
                            "Received transfer {} from {} into {reference_here} ({}, {}, {}; \
                             {pupil_text}; receipt {code}; SHA-256 {})",
                            f.reference,
                            f.from_school,
                            names::count(f.incidents.len(), "incident", "incidents"),
                            names::count(f.actions(), "action", "actions"),
                            names::count(f.pupil.statuses.len(), "status", "statuses"),
                            opened.sha256
                        ),
                    ),
                ))
            })?;
            Ok(receipt)
        });
        if result.as_ref().is_ok_and(|r| !r.already) {
            // A new category may have been granted to the user's own group.
            self.refresh_me()?;
        }
        result
    }

    /// The receipt of a transfer received here (to show or print again).
    pub fn receipt(&self, reference: &str) -> Result<Receipt> {
        may_transfer(self)?;
        let wanted = rules::normalise_reference(reference);
        let conn = self.vault().db();
        let t = transfers::received_by_reference(conn, &wanted)?.ok_or_else(|| {
            Error::Invalid(format!(
                "No transfer {wanted} has been received here. Check the reference."
            ))
        })?;
        let staff = staff_names(conn)?;
        let school = self.load_school()?;
        let pupil = t.pupil.and_then(|p| school.pupils.get(&p));
        Ok(Receipt {
            code: t.receipt_code.clone(),
            from_school: t.from_school.clone(),
            school: school::get(conn)?.name,
            pupil: t.pupil.unwrap_or(PupilId(0)),
            pupil_name: pupil.map_or_else(|| t.pupil_ref.clone(), |p| p.full_name()),
            upn: pupil.and_then(|p| p.upn.clone()),
            received_at: t.received_at,
            received_by: super::casework::staff_name(&staff, t.received_by).name,
            incidents: t.incidents,
            sha256: t.sha256.clone(),
            already: true,
            reference: t.reference,
        })
    }

    /// Writes the printable receipt of a transfer received here as a PDF.
    pub fn export_receipt_pdf(&mut self, reference: &str, path: &Path) -> Result<()> {
        let receipt = self.receipt(reference)?;
        let bytes = super::transfer_pdf::receipt_pdf(&receipt)?;
        self.change(|this| {
            this.write(|_| {
                Ok((
                    (),
                    Change::new(
                        "Transfer receipt printed",
                        format!(
                            "Saved the receipt of transfer {} as a PDF",
                            receipt.reference
                        ),
                    ),
                ))
            })?;
            super::casework::save_pdf(path, &bytes)
        })
    }
}

/// A file's outcomes, statuses and days, read before anything is written so a damaged or
/// hand-edited file is refused whole.
struct Checked {
    /// For each incident, each action's outcome and its earlier versions' outcomes.
    outcomes: Vec<Vec<(Outcome, Vec<Outcome>)>>,
    statuses: Vec<(StatusKind, NaiveDate, Option<NaiveDate>)>,
    chronology: Option<Vec<u8>>,
}

fn check_contents(f: &TransferFile) -> Result<Checked> {
    let bad = |what: &str| {
        Error::Invalid(format!(
            "This transfer file is damaged ({what}), so none of it was received. Ask the \
             sending school to send it again."
        ))
    };
    let text_ok = |s: &str| s.chars().count() <= super::records::MAX_DESCRIPTION;
    if f.pupil.forename.trim().is_empty() || f.pupil.surname.trim().is_empty() {
        return Err(bad("the pupil has no name"));
    }
    if let Some(d) = &f.pupil.date_of_birth
        && NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err()
    {
        return Err(bad("the date of birth"));
    }
    let outcome = |k: &str| Outcome::from_key(k).ok_or_else(|| bad("an action's outcome"));
    let mut outcomes = Vec::new();
    for i in &f.incidents {
        if !text_ok(&i.description) || i.category.trim().is_empty() {
            return Err(bad("an incident"));
        }
        let mut mine = Vec::new();
        for a in &i.actions {
            if !text_ok(&a.description) || !text_ok(&a.rationale) {
                return Err(bad("an action"));
            }
            let earlier = a
                .earlier
                .iter()
                .map(|e| outcome(&e.outcome))
                .collect::<Result<Vec<_>>>()?;
            mine.push((outcome(&a.outcome)?, earlier));
        }
        outcomes.push(mine);
    }
    let day =
        |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad("a status's dates"));
    let mut statuses = Vec::new();
    for s in &f.pupil.statuses {
        let kind = StatusKind::from_key(&s.status).ok_or_else(|| bad("a status"))?;
        let started = day(&s.started_on)?;
        let ended = s.ended_on.as_deref().map(day).transpose()?;
        if ended.is_some_and(|e| e < started) {
            return Err(bad("a status ends before it starts"));
        }
        statuses.push((kind, started, ended));
    }
    let chronology = f.chronology().ok().filter(|c| !c.is_empty());
    Ok(Checked {
        outcomes,
        statuses,
        chronology,
    })
}

/// "Safeguarding, Behaviour; 1 Sep 2025 to 31 Jul 2026" or "every category, all dates".
fn describe_included(
    wanted: &BTreeSet<CategoryId>,
    names_by_id: &BTreeMap<CategoryId, &str>,
    parents: &BTreeMap<CategoryId, Option<CategoryId>>,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
) -> String {
    let categories = if wanted.is_empty() {
        "every category".to_string()
    } else {
        wanted
            .iter()
            .map(|c| {
                let name = names_by_id.get(c).copied().unwrap_or("a category");
                match parents
                    .get(c)
                    .copied()
                    .flatten()
                    .and_then(|p| names_by_id.get(&p))
                {
                    Some(p) => format!("{p} — {name}"),
                    None => name.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let days = ChronologyFilter {
        category: None,
        from,
        to: until,
        statuses: true,
    }
    .describe_days();
    format!("{categories}, {days}")
}

fn pupil_record(profile: &PupilProfile) -> PupilRecord {
    let p = &profile.pupil;
    PupilRecord {
        forename: p.forename.clone(),
        surname: p.surname.clone(),
        date_of_birth: p.date_of_birth.clone(),
        upn: p.upn.clone(),
        mis_id: p.mis_id.clone(),
        groups: profile.groups.clone(),
        statuses: profile.statuses.iter().map(status_record).collect(),
    }
}

fn status_record(s: &StatusView) -> StatusRecord {
    StatusRecord {
        status: s.kind.key().into(),
        started_on: s.started_on.format("%Y-%m-%d").to_string(),
        ended_on: s.ended_on.map(|d| d.format("%Y-%m-%d").to_string()),
        note: s.note.clone(),
        set_by: s.set_by.name.clone(),
        set_at: s.set_at,
        ended_by: s.ended_by.as_ref().map(|b| b.name.clone()),
    }
}

fn incident_record(
    i: &IncidentView,
    names_by_id: &BTreeMap<CategoryId, &str>,
    parents: &BTreeMap<CategoryId, Option<CategoryId>>,
) -> IncidentRecord {
    let name = names_by_id
        .get(&i.category)
        .map_or_else(|| i.category_label.clone(), |n| n.to_string());
    let parent = parents
        .get(&i.category)
        .copied()
        .flatten()
        .and_then(|p| names_by_id.get(&p))
        .map(|p| p.to_string());
    IncidentRecord {
        category: name,
        parent_category: parent,
        occurred_at: i.occurred_at,
        description: i.description.clone(),
        recorded_by: i.recorded_by_person.name.clone(),
        recorded_at: i.recorded_at,
        others_involved: i.linked.len() + i.linked_hidden,
        earlier: i
            .earlier
            .iter()
            .map(|e| EarlierRecord {
                description: e.description.clone(),
                replaced_by: e
                    .replaced_by
                    .clone()
                    .unwrap_or_else(|| "someone no longer in Keyholder".into()),
                replaced_at: e.replaced_at,
            })
            .collect(),
        actions: i.actions.iter().map(action_record).collect(),
    }
}

fn action_record(a: &ActionView) -> ActionRecord {
    ActionRecord {
        taken_at: a.taken_at,
        taken_by: a.taken_by.name.clone(),
        outcome: a.outcome.key().into(),
        description: a.description.clone(),
        rationale: a.rationale.clone(),
        recorded_by: a.recorded_by.name.clone(),
        recorded_at: a.recorded_at,
        earlier: a
            .earlier
            .iter()
            .map(|e| EarlierActionRecord {
                taken_at: e.taken_at,
                taken_by: e.taken_by.name.clone(),
                outcome: e.outcome.key().into(),
                description: e.description.clone(),
                rationale: e.rationale.clone(),
                replaced_by: e.replaced_by.name.clone(),
                replaced_at: e.replaced_at,
            })
            .collect(),
    }
}
