//! The `.khtransfer` file: a pupil's child-protection file as one JSON document, encrypted with
//! age's passphrase encryption (scrypt), so nothing of it, not even the pupil's name, can be read
//! without the passphrase. The passphrase is six words Keyholder picks at random, shown once to
//! the sender to read to the receiving school over the phone.
//!
//! The format is documented in docs/transfer-format.md; `FORMAT` is bumped whenever a field's
//! meaning changes, and a newer file is refused rather than read in part.

use super::error::{Error, Result};
use age::secrecy::SecretString;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};

pub const FORMAT: u32 = 1;

/// A transfer file's extension.
pub const EXTENSION: &str = "khtransfer";

/// How many words a passphrase has: 6 × 11 bits, with scrypt on top.
pub const PASSPHRASE_WORDS: usize = 6;

/// scrypt's cost for a transfer file: 2^17 (128 MiB, about half a second), the same order as
/// the school file's own key derivation. Opening accepts up to 2^20 in case a later version
/// raises it, and no more, so a hostile file cannot make Keyholder allocate without bound.
const WORK_FACTOR: u8 = 17;
const MAX_WORK_FACTOR: u8 = 20;

/// The largest transfer file opened (a pupil's records with a long chronology are a few MB).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferFile {
    pub format: u32,
    #[serde(default)]
    pub app_version: String,
    /// "T-7KQ2M9XD".
    pub reference: String,
    /// The secret the receipt code is made from, in hex.
    pub receipt_key: String,
    pub from_school: String,
    pub sent_at: i64,
    pub sent_by: String,
    pub to_school: String,
    #[serde(default)]
    pub to_contact: String,
    /// What was included, in words: "every category, all dates".
    pub included: String,
    pub pupil: PupilRecord,
    pub incidents: Vec<IncidentRecord>,
    /// The chronology PDF of what was sent, base64.
    pub chronology_pdf: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PupilRecord {
    pub forename: String,
    pub surname: String,
    /// YYYY-MM-DD.
    pub date_of_birth: Option<String>,
    pub upn: Option<String>,
    /// The sending school's MIS ID: only for the receiving school to quote back.
    pub mis_id: Option<String>,
    /// "Year 9 (Academic Level)", ... at leaving.
    pub groups: Vec<String>,
    pub statuses: Vec<StatusRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusRecord {
    /// One of [`crate::model::StatusKind`]'s keys.
    pub status: String,
    pub started_on: String,
    pub ended_on: Option<String>,
    pub note: String,
    pub set_by: String,
    pub set_at: i64,
    pub ended_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentRecord {
    /// The category's name, and its parent's for a sub-category.
    pub category: String,
    pub parent_category: Option<String>,
    pub occurred_at: i64,
    pub description: String,
    pub recorded_by: String,
    pub recorded_at: i64,
    /// Other pupils involved, counted: their names never leave the school.
    #[serde(default)]
    pub others_involved: usize,
    pub earlier: Vec<EarlierRecord>,
    pub actions: Vec<ActionRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierRecord {
    pub description: String,
    pub replaced_by: String,
    pub replaced_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionRecord {
    pub taken_at: i64,
    pub taken_by: String,
    /// One of [`crate::model::Outcome`]'s keys.
    pub outcome: String,
    pub description: String,
    pub rationale: String,
    pub recorded_by: String,
    pub recorded_at: i64,
    pub earlier: Vec<EarlierActionRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierActionRecord {
    pub taken_at: i64,
    pub taken_by: String,
    pub outcome: String,
    pub description: String,
    pub rationale: String,
    pub replaced_by: String,
    pub replaced_at: i64,
}

impl TransferFile {
    /// The category as the sending school named it: "Behaviour — Against Peers".
    pub fn category_label(i: &IncidentRecord) -> String {
        match &i.parent_category {
            Some(p) => format!("{p} — {}", i.category),
            None => i.category.clone(),
        }
    }

    pub fn actions(&self) -> usize {
        self.incidents.iter().map(|i| i.actions.len()).sum()
    }

    pub fn chronology(&self) -> Result<Vec<u8>> {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(&self.chronology_pdf)
            .map_err(|_| damaged())
    }
}

/// Six words from the BIP-39 English list, each picked by the operating system's random number
/// generator: "ribbon absorb lunar gadget civil orbit".
pub fn new_passphrase() -> String {
    let words = bip39::Language::English.word_list();
    let mut rng = rand::rngs::OsRng;
    (0..PASSPHRASE_WORDS)
        .map(|_| words[rng.gen_range(0..words.len())])
        .collect::<Vec<_>>()
        .join(" ")
}

/// A passphrase as typed or read from a file: words in lower case, one space between them.
pub fn normalise_passphrase(typed: &str) -> String {
    typed
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The file's bytes: the document as JSON, encrypted under `passphrase`.
pub fn seal(file: &TransferFile, passphrase: &str) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(file)
        .map_err(|e| Error::Invalid(format!("The transfer could not be written: {e}.")))?;
    let mut recipient =
        age::scrypt::Recipient::new(SecretString::from(normalise_passphrase(passphrase)));
    recipient.set_work_factor(WORK_FACTOR);
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .map_err(|e| Error::Invalid(format!("The transfer could not be encrypted: {e}.")))?;
    let mut out = Vec::with_capacity(json.len() + 512);
    let fail =
        |e: std::io::Error| Error::Invalid(format!("The transfer could not be encrypted: {e}."));
    let mut writer = encryptor.wrap_output(&mut out).map_err(fail)?;
    writer.write_all(&json).map_err(fail)?;
    writer.finish().map_err(fail)?;
    Ok(out)
}

fn damaged() -> Error {
    Error::Invalid(
        "This transfer file is damaged: it could not be read to the end. Ask the sending school \
         to send it again; nothing has been changed."
            .into(),
    )
}

/// Opens a transfer file's bytes with the passphrase typed.
pub fn open(bytes: &[u8], passphrase: &str) -> Result<TransferFile> {
    let not_transfer = || {
        Error::Invalid(
            "This is not a Keyholder transfer file (or its beginning is damaged). Check that you \
             chose the .khtransfer file the other school sent; nothing has been changed."
                .into(),
        )
    };
    let decryptor = age::Decryptor::new(bytes).map_err(|_| not_transfer())?;
    if !decryptor.is_scrypt() {
        return Err(not_transfer());
    }
    let mut identity =
        age::scrypt::Identity::new(SecretString::from(normalise_passphrase(passphrase)));
    identity.set_max_work_factor(MAX_WORK_FACTOR);
    let mut reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::ExcessiveWork { .. } => Error::Invalid(
                "This transfer file asks for more work to open than Keyholder allows, so it \
                 was not opened. Ask the sending school to send it again from Keyholder."
                    .into(),
            ),
            age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
                Error::Invalid(
                    "That passphrase does not open this transfer file. Check each word with the \
                     sending school (they are six ordinary words); nothing has been changed."
                        .into(),
                )
            }
            _ => damaged(),
        })?;
    let mut json = Vec::new();
    reader
        .by_ref()
        .take(MAX_FILE_BYTES * 2)
        .read_to_end(&mut json)
        .map_err(|_| damaged())?;
    let value: serde_json::Value = serde_json::from_slice(&json).map_err(|_| damaged())?;
    let format = value.get("format").and_then(|v| v.as_u64()).unwrap_or(0);
    if format > u64::from(FORMAT) {
        return Err(Error::Invalid(format!(
            "This transfer file was made by a newer version of Keyholder (transfer format \
             {format}; this version reads up to {FORMAT}). Update Keyholder, then receive it; \
             nothing has been changed."
        )));
    }
    serde_json::from_value(value).map_err(|_| damaged())
}
