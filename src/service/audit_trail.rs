//! Checking the audit trail against records kept outside the school file.
//!
//! The chain of hashes inside the school file shows an entry edited behind Keyholder's back, but
//! someone with the school's key could edit an entry and recompute every later hash. So the
//! newest entry's number and hash are also kept where that person would have to reach as well:
//!
//! - in the key file, updated when someone signs in, when the session is locked, whenever the
//!   key file is written for another reason, and after every backup. It is only ever moved on
//!   when the trail still agrees with the record already there, so a rewritten trail cannot
//!   replace the record that exposes it. (Not after every change: each key-file write is a
//!   flushed copy of the whole file, which every change would make slow.)
//! - in every backup's manifest (the backup's newest entry), and the copy inside the backup holds
//!   the entries themselves, so the first changed entry can be named exactly;
//! - on paper: the Overview shows the newest entry's number and a short fingerprint of its hash
//!   for the administrator to note down, and `keyholder audit verify --noted` checks a note.

use super::error::{Error, Result};
use super::session::Session;
use crate::model::SystemPermission;
use crate::vault::audit::{self, AnchorOutcome, AuditAnchor, ChainReport};
use crate::vault::backup;
use crate::vault::{KeyFile, integrity};
use std::path::{Path, PathBuf};

/// A fingerprint an administrator noted on paper for one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotedFingerprint {
    pub entry: i64,
    /// The 16 hex digits, lower case, as [`audit::parse_fingerprint`] reads them.
    digits: String,
}

impl NotedFingerprint {
    /// "1234=3F2A 9C41 07BE D5E2" (also with ':' or a space after the number), as written on paper.
    pub fn parse(text: &str) -> std::result::Result<NotedFingerprint, String> {
        let text = text.trim();
        let text = text
            .strip_prefix("entry")
            .or_else(|| text.strip_prefix("Entry"))
            .unwrap_or(text)
            .trim_start();
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (number, rest) = text.split_at(split);
        let rest = rest.trim_start_matches(|c: char| c == '=' || c == ':' || c.is_whitespace());
        let entry = number.parse::<i64>().ok().filter(|n| *n >= 1);
        match (entry, audit::parse_fingerprint(rest)) {
            (Some(entry), Some(digits)) => Ok(NotedFingerprint { entry, digits }),
            _ => Err(format!(
                "\"{text}\" is not an entry number and fingerprint; write them as they appear on the Overview, for example 1234=3F2A 9C41 07BE D5E2"
            )),
        }
    }

    pub fn fingerprint(&self) -> String {
        audit::fingerprint(&self.digits)
    }
}

/// Where a record of the trail was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnchorSource {
    /// The school's key file; `None` when it holds no record yet (an older file: it gets one
    /// at the next sign-in).
    KeyFile {
        path: PathBuf,
        anchor: Option<AuditAnchor>,
    },
    /// A backup file: its manifest's record, and the entries in the copy inside.
    Backup {
        path: PathBuf,
        created_at: i64,
        /// How many entries the copy holds.
        entries: u64,
    },
    /// A fingerprint noted on paper.
    Noted(NotedFingerprint),
}

/// One record and whether the school file still agrees with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorCheck {
    pub source: AnchorSource,
    /// The newest entry the record vouches for.
    pub entry: Option<i64>,
    /// The first entry that no longer matches, and why in the admin's words (including which
    /// record says so); `None` when the school file agrees.
    pub first_bad: Option<(i64, String)>,
}

impl AnchorCheck {
    /// What this record is, for messages: "the key file", "the backup X taken …", "your note".
    pub fn name(&self) -> String {
        match &self.source {
            AnchorSource::KeyFile { path, .. } => format!("the key file {}", path.display()),
            AnchorSource::Backup {
                path, created_at, ..
            } => format!(
                "the backup {} (taken {})",
                path.display(),
                crate::clock::format_local(*created_at)
            ),
            AnchorSource::Noted(n) => {
                format!("the fingerprint you noted for entry {}", n.entry)
            }
        }
    }

    /// One sentence on how the school file compares with this record.
    pub fn describe(&self) -> String {
        if let Some((id, why)) = &self.first_bad {
            return format!("Entry {id} {why}.");
        }
        match (&self.source, self.entry) {
            (AnchorSource::KeyFile { .. }, None) => format!(
                "{} holds no record of the audit trail yet; it gets one at the next sign-in.",
                crate::model::names::capitalise(&self.name())
            ),
            (AnchorSource::Backup { entries: 0, .. }, _) => {
                format!(
                    "{} holds no audit entries to compare.",
                    crate::model::names::capitalise(&self.name())
                )
            }
            (AnchorSource::Backup { entries: 1, .. }, _) => format!(
                "The one entry in {} is unchanged in the school file.",
                self.name()
            ),
            (AnchorSource::Backup { entries, .. }, _) => format!(
                "All {entries} entries in {} are unchanged in the school file.",
                self.name()
            ),
            (_, Some(entry)) => format!(
                "Entry {entry} matches {}, so nothing up to it has changed.",
                self.name()
            ),
            (_, None) => String::new(),
        }
    }
}

/// Everything `keyholder audit verify` (and the Audits tab) checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailReport {
    /// The chain of hashes inside the school file.
    pub chain: ChainReport,
    /// What SQLCipher's and SQLite's integrity checks found; `None` when they were not run.
    pub integrity: Option<Vec<String>>,
    /// The key file's record, then each backup and note given.
    pub anchors: Vec<AnchorCheck>,
    /// The newest entry now, for the fingerprint to note down.
    pub latest: Option<AuditAnchor>,
}

impl TrailReport {
    /// True when the chain, the pages and every record agree.
    pub fn is_sound(&self) -> bool {
        self.chain.is_intact()
            && self.integrity.as_ref().is_none_or(Vec::is_empty)
            && self.anchors.iter().all(|a| a.first_bad.is_none())
    }

    /// The lowest-numbered entry found bad by any check, with the reason (naming the record that
    /// shows it).
    pub fn first_bad(&self) -> Option<(i64, String)> {
        let chain = self.chain.first_bad.clone().map(|(id, why)| {
            (
                id,
                format!("{why} (the chain of hashes inside the school file)"),
            )
        });
        chain
            .into_iter()
            .chain(self.anchors.iter().filter_map(|a| a.first_bad.clone()))
            .min_by_key(|(id, _)| *id)
    }

    /// One sentence for the admin: all is well, or the first thing that is not.
    pub fn describe(&self) -> String {
        if let Some((id, why)) = self.first_bad() {
            return format!(
                "The audit trail has been tampered with or damaged: entry {id} {why}. Entries from there on cannot be trusted."
            );
        }
        if let Some(problem) = self.integrity.as_ref().and_then(|p| p.first()) {
            return format!(
                "The school file is damaged: {problem}. Restore it from your latest backup."
            );
        }
        let checked = self
            .anchors
            .iter()
            .filter(|a| a.entry.is_some() || matches!(a.source, AnchorSource::Backup { .. }))
            .count();
        format!(
            "The audit trail is intact: {} entries, none altered{}.",
            self.chain.entries,
            match checked {
                0 => String::new(),
                1 => ", and it matches the record kept outside the school file".into(),
                n => format!(", and it matches all {n} records kept outside the school file"),
            }
        )
    }

    /// "Entry 57, fingerprint 3F2A 9C41 07BE D5E2", for the newest entry.
    pub fn latest_line(&self) -> Option<String> {
        self.latest
            .as_ref()
            .map(|a| format!("entry {}, fingerprint {}", a.entry, a.fingerprint()))
    }
}

/// What to check besides the chain and the key file.
#[derive(Debug, Clone, Default)]
pub struct TrailCheck {
    /// Run SQLCipher's and SQLite's integrity checks over every page (a full read of the file).
    pub integrity: bool,
    pub backups: Vec<PathBuf>,
    pub noted: Vec<NotedFingerprint>,
}

impl Session {
    /// The newest audit entry, whose fingerprint the Overview shows for the admin to note down.
    /// Needs View audits or Manage system (the Overview is an administrator's page).
    pub fn audit_fingerprint(&self) -> Result<Option<AuditAnchor>> {
        self.require_audit_access()?;
        Ok(audit::latest(self.vault().db(), crate::clock::now())?)
    }

    /// The fingerprint of entry `id`, to compare with one noted from the Overview; `None` when
    /// there is no such entry.
    pub fn entry_fingerprint(&self, id: i64) -> Result<Option<String>> {
        self.require(SystemPermission::ViewAudits)?;
        Ok(audit::hash_of(self.vault().db(), id)?.map(|h| audit::fingerprint(&h)))
    }

    /// Checks the audit trail: its own chain, the key file's record, and whatever `check` adds.
    /// Needs View audits. A backup that cannot be read, or that belongs to another school, is
    /// refused rather than reported as a finding.
    pub fn check_audit_trail(&self, check: &TrailCheck) -> Result<TrailReport> {
        self.require(SystemPermission::ViewAudits)?;
        self.trail_report(check)
    }

    /// The check itself, for callers that have checked permissions (the health check).
    pub(crate) fn trail_report(&self, check: &TrailCheck) -> Result<TrailReport> {
        let conn = self.vault().db();
        let chain = self.chain_check()?;
        let integrity = if check.integrity {
            Some(integrity::problems(conn)?)
        } else {
            None
        };
        let keys_path = &self.location().keys;
        let keys = KeyFile::read(keys_path)?;
        let mut anchors = vec![key_file_check(
            conn,
            keys_path,
            keys.audit_anchor.as_deref().cloned(),
        )?];
        for path in &check.backups {
            anchors.push(self.backup_check(path, &keys)?);
        }
        for noted in &check.noted {
            anchors.push(noted_check(conn, noted)?);
        }
        Ok(TrailReport {
            chain,
            integrity,
            anchors,
            latest: audit::latest(conn, crate::clock::now())?,
        })
    }

    fn require_audit_access(&self) -> Result<()> {
        if self.me().permissions.has(SystemPermission::ManageSystem) {
            return Ok(());
        }
        self.require(SystemPermission::ViewAudits)
    }

    fn backup_check(&self, path: &Path, keys: &KeyFile) -> Result<AnchorCheck> {
        let contents = backup::read(path)?;
        if contents.keys.vault_id != keys.vault_id {
            return Err(Error::Invalid(format!(
                "{} is a backup of another school, so it cannot be used to check this school's audit trail.",
                path.display()
            )));
        }
        let copy = backup::open_copy(&contents.database, self.data_key(), path)?;
        let entries = copy.counts()?.audit_entries;
        let copy_latest = audit::latest(copy.db(), contents.manifest.created_at)?;
        let source = AnchorSource::Backup {
            path: path.to_path_buf(),
            created_at: contents.manifest.created_at,
            entries,
        };
        let mut check = AnchorCheck {
            source,
            entry: copy_latest.as_ref().map(|a| a.entry),
            first_bad: None,
        };
        let name = check.name();
        // The manifest is readable without the key, so it could have been edited along with
        // the file's checksum; it must agree with the copy it describes.
        if let Some(recorded) = &contents.manifest.audit_anchor
            && audit::compare(copy.db(), recorded)? != AnchorOutcome::Matches
        {
            check.first_bad = Some((
                recorded.entry,
                format!(
                    "does not match the record in the manifest of {name}: that backup has been altered"
                ),
            ));
            return Ok(check);
        }
        check.first_bad = audit::first_difference(self.vault().db(), copy.db())?
            .map(|(id, what)| (id, format!("{what} since {name}")));
        Ok(check)
    }

    /// Whether the key file's record should move on to the newest entry: only when the trail is
    /// intact and still agrees with the record already there (a rewritten trail must not
    /// replace the record that shows it). Sets it and returns true when it moved. Best effort:
    /// a failure to read the trail leaves the record as it is.
    pub(crate) fn refresh_anchor(&self, keys: &mut KeyFile) -> bool {
        let conn = self.vault().db();
        let agrees = || -> Result<bool> {
            if !self.chain_check()?.is_intact() {
                return Ok(false);
            }
            Ok(match &keys.audit_anchor {
                None => true,
                Some(a) => audit::compare(conn, a)? == AnchorOutcome::Matches,
            })
        };
        let Ok(Some(latest)) = audit::latest(conn, crate::clock::now()) else {
            return false;
        };
        let same = keys
            .audit_anchor
            .as_ref()
            .is_some_and(|a| a.entry == latest.entry && a.hash == latest.hash);
        if same || !agrees().unwrap_or(false) {
            return false;
        }
        keys.audit_anchor = Some(Box::new(latest));
        true
    }

    /// Records the newest audit entry in the key file (see [`Session::refresh_anchor`]), writing
    /// the file only when the record moves. Called at sign-in, when locking and after a backup.
    pub(crate) fn anchor_key_file(&mut self) -> Result<()> {
        let keys = KeyFile::read(&self.location().keys)?;
        self.anchor_key_file_after(keys)
    }

    /// The same, deciding from `keys` as just read.
    pub(crate) fn anchor_key_file_after(&mut self, mut keys: KeyFile) -> Result<()> {
        if self.refresh_anchor(&mut keys) {
            // Written through change_keys, which reads the file afresh (keeping any slot changed
            // meanwhile) and takes the school's write lock where there is one.
            let anchor = keys.audit_anchor;
            self.change_keys(move |k, _| {
                k.audit_anchor = anchor;
                Ok(())
            })?;
        }
        Ok(())
    }
}

fn key_file_check(
    conn: crate::vault::Db<'_>,
    path: &Path,
    anchor: Option<AuditAnchor>,
) -> Result<AnchorCheck> {
    let mut check = AnchorCheck {
        source: AnchorSource::KeyFile {
            path: path.to_path_buf(),
            anchor: anchor.clone(),
        },
        entry: anchor.as_ref().map(|a| a.entry),
        first_bad: None,
    };
    let Some(anchor) = anchor else {
        return Ok(check);
    };
    let when = crate::clock::format_local(anchor.recorded_at);
    check.first_bad = match audit::compare(conn, &anchor)? {
        AnchorOutcome::Matches => None,
        AnchorOutcome::Missing => Some((
            anchor.entry,
            format!(
                "is missing from the school file, though the key file recorded it on {when}: entries have been removed"
            ),
        )),
        AnchorOutcome::Differs(now) => Some((
            anchor.entry,
            format!(
                "no longer matches the key file's record of it from {when} (fingerprint {} there, {} now): it, or an entry before it, has been rewritten",
                anchor.fingerprint(),
                audit::fingerprint(&now)
            ),
        )),
    };
    Ok(check)
}

fn noted_check(conn: crate::vault::Db<'_>, noted: &NotedFingerprint) -> Result<AnchorCheck> {
    let first_bad = match audit::hash_of(conn, noted.entry)? {
        None => Some((
            noted.entry,
            "is missing from the school file, though you noted its fingerprint".to_string(),
        )),
        Some(h) if h.starts_with(&noted.digits) => None,
        Some(h) => Some((
            noted.entry,
            format!(
                "has the fingerprint {}, not {} as you noted: it, or an entry before it, has been rewritten",
                audit::fingerprint(&h),
                noted.fingerprint()
            ),
        )),
    };
    Ok(AnchorCheck {
        entry: Some(noted.entry),
        source: AnchorSource::Noted(noted.clone()),
        first_bad,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_noted_fingerprint_is_read_as_written_on_paper() {
        for text in [
            "1234=3F2A 9C41 07BE D5E2",
            "1234: 3f2a-9c41-07be-d5e2",
            "entry 1234 3F2A9C4107BED5E2",
        ] {
            let n = NotedFingerprint::parse(text).unwrap();
            assert_eq!(n.entry, 1234, "{text}");
            assert_eq!(n.fingerprint(), "3F2A 9C41 07BE D5E2", "{text}");
        }
        for bad in [
            "",
            "1234",
            "=3F2A 9C41 07BE D5E2",
            "0=3F2A 9C41 07BE D5E2",
            "12=3F2A",
        ] {
            let e = NotedFingerprint::parse(bad).unwrap_err();
            assert!(e.contains("for example"), "{bad}: {e}");
        }
    }
}
