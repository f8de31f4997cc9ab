//! The key file (`keyholder.keys`) next to the school file: one wrapped copy of the data key per
//! person who can open the vault, plus one for the recovery code. It holds no names or e-mail
//! addresses; a person's slot is found by a salted hash of their e-mail address.

use super::audit::AuditAnchor;
use super::error::{Error, Result};
use super::files::write_atomic;
use super::slots::{DataKey, KdfCost, KdfMemory, WrappedKey};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

pub const KEY_FILE_FORMAT: u32 = 1;
/// A key file is about 500 bytes per person; 16 MiB is far beyond any school's and is refused
/// before it is read into memory.
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;
/// Keys (people, set-up codes and the recovery code) one file may hold.
pub const MAX_SLOTS: usize = 10_000;
/// Longest vault id or slot owner Keyholder reads (it writes 32 and 64 hex digits).
const MAX_ID_CHARS: usize = 128;

/// What the demo school's sign-in screen shows so anyone can explore it. Only ever present in a
/// demo school's key file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoAccess {
    pub password: String,
    pub admin_email: String,
    /// Seed from which every demo user's soft-key secret is derived (see `demo::totp_secret`).
    pub totp_seed: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SlotOwner {
    Person {
        lookup: String,
    },
    /// A one-time set-up code handed to a person, removed once used or expired.
    SetupCode {
        lookup: String,
    },
    Recovery,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub owner: SlotOwner,
    #[serde(flatten)]
    pub wrapped: WrappedKey,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFile {
    pub format_version: u32,
    pub vault_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demo: Option<DemoAccess>,
    pub slots: Vec<Slot>,
    /// The newest audit entry Keyholder had seen when it last wrote this file, so that a school
    /// file whose audit trail was rewritten afterwards no longer matches it. Absent from files
    /// written before anchors existed, and from a new school's file until its first sign-in.
    /// (Boxed so a key file stays small enough to travel in the window's messages.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_anchor: Option<Box<AuditAnchor>>,
}

/// E-mail addresses are matched ignoring case and surrounding spaces.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Recovery and set-up codes are matched ignoring case, spaces and dashes, so a code typed from
/// paper in any grouping works.
pub fn normalise_recovery_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl KeyFile {
    pub fn new(demo: Option<DemoAccess>) -> KeyFile {
        let mut id = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut id);
        KeyFile {
            format_version: KEY_FILE_FORMAT,
            vault_id: hex::encode(id),
            demo,
            slots: Vec::new(),
            audit_anchor: None,
        }
    }

    pub fn read(path: &Path) -> Result<KeyFile> {
        let bytes = KeyFile::read_bytes(path)?;
        KeyFile::parse(&bytes, path)
    }

    /// The file's bytes, unparsed; a file larger than [`MAX_BYTES`] is refused after reading at
    /// most one byte past the limit.
    pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
        use std::io::Read;
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::KeyFileMissing(path.to_path_buf()));
            }
            Err(e) => return Err(Error::io("read", path, e)),
        };
        // Read at most one byte past the limit, so a huge file is refused without being loaded.
        let mut bytes = Vec::new();
        file.take(MAX_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io("read", path, e))?;
        Ok(bytes)
    }

    /// A key file's content; `path` names it in messages (it may be inside a backup).
    pub fn parse(bytes: &[u8], path: &Path) -> Result<KeyFile> {
        let damaged = |detail: String| Error::KeyFileDamaged {
            path: path.to_path_buf(),
            detail,
        };
        if bytes.len() as u64 > MAX_BYTES {
            return Err(damaged(format!(
                "it is larger than {} MB, far larger than a key file ever is",
                MAX_BYTES / (1024 * 1024)
            )));
        }
        // The version first, so a newer file is named as such before its fields are judged. Read
        // alone and then the file straight into its type: going through a `Value` took twice
        // as long, and a key file is read several times at each sign-in.
        #[derive(Deserialize)]
        struct Version {
            format_version: Option<serde_json::Value>,
        }
        let found = match serde_json::from_slice::<Version>(bytes) {
            Ok(v) => v.format_version,
            // Not JSON, or JSON but not an object of fields.
            Err(_) => serde_json::from_slice::<serde_json::Value>(bytes)
                .map_err(|e| damaged(format!("not readable: {e}")))?
                .get("format_version")
                .cloned(),
        }
        .and_then(|v| v.as_u64())
        .ok_or_else(|| damaged("no format version".into()))?;
        if found > u64::from(KEY_FILE_FORMAT) {
            return Err(Error::KeyFileTooNew {
                path: path.to_path_buf(),
                found: u32::try_from(found).unwrap_or(u32::MAX),
                supported: KEY_FILE_FORMAT,
            });
        }
        let file: KeyFile = serde_json::from_slice(bytes).map_err(|e| damaged(e.to_string()))?;
        file.check().map_err(damaged)?;
        Ok(file)
    }

    /// Everything read from a file is bounded before it is used: the number of keys, the size
    /// of every field and every key's derivation cost. `Err` says what is wrong, for the admin.
    fn check(&self) -> std::result::Result<(), String> {
        if self.slots.is_empty() {
            return Err("it holds no keys".into());
        }
        if self.slots.len() > MAX_SLOTS {
            return Err(format!(
                "it holds {} keys, more than any school needs (at most {MAX_SLOTS})",
                self.slots.len()
            ));
        }
        if self.vault_id.is_empty() || self.vault_id.len() > MAX_ID_CHARS {
            return Err("its school identifier is unreadable".into());
        }
        for slot in &self.slots {
            let owner_ok = match &slot.owner {
                SlotOwner::Person { lookup } | SlotOwner::SetupCode { lookup } => {
                    !lookup.is_empty() && lookup.len() <= MAX_ID_CHARS
                }
                SlotOwner::Recovery => true,
            };
            if !owner_ok {
                return Err("a key in it does not say whose it is".into());
            }
            slot.wrapped.check()?;
        }
        if let Some(anchor) = &self.audit_anchor {
            anchor.check()?;
        }
        Ok(())
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self)
            .map_err(|e| Error::Rejected(format!("the key file could not be written ({e})")))?;
        write_atomic(path, &json)
    }

    fn person_lookup(&self, email: &str) -> String {
        self.lookup(b"keyholder person slot\0", email)
    }

    fn setup_lookup(&self, email: &str) -> String {
        self.lookup(b"keyholder setup slot\0", email)
    }

    fn lookup(&self, domain: &[u8], email: &str) -> String {
        let mut h = Sha256::new();
        h.update(domain);
        h.update(self.vault_id.as_bytes());
        h.update(b"\0");
        h.update(normalise_email(email).as_bytes());
        hex::encode(h.finalize())
    }

    /// What each slot's encryption is bound to: this vault and this owner.
    fn context(&self, owner: &SlotOwner) -> Vec<u8> {
        let who = match owner {
            SlotOwner::Person { lookup } => format!("person:{lookup}"),
            SlotOwner::SetupCode { lookup } => format!("setup:{lookup}"),
            SlotOwner::Recovery => "recovery".to_string(),
        };
        format!("keyholder-slot-v1\0{}\0{who}", self.vault_id).into_bytes()
    }

    fn find(&self, owner: &SlotOwner) -> Option<&Slot> {
        self.slots.iter().find(|s| &s.owner == owner)
    }

    fn put(
        &mut self,
        memory: &mut KdfMemory,
        owner: SlotOwner,
        secret: &[u8],
        key: &DataKey,
        cost: KdfCost,
    ) -> Result<()> {
        let wrapped = WrappedKey::wrap_in(memory, key, secret, &self.context(&owner), cost)?;
        // Replaced in place, so the file changes only where the slot changed.
        match self.slots.iter_mut().find(|s| s.owner == owner) {
            Some(slot) => slot.wrapped = wrapped,
            None => self.slots.push(Slot { owner, wrapped }),
        }
        Ok(())
    }

    /// The key-derivation cost this school uses for people's slots, so new slots match the
    /// existing ones (the demo and tests use cheaper settings than a real school).
    pub fn person_cost(&self) -> KdfCost {
        self.slots
            .iter()
            .filter(|s| matches!(s.owner, SlotOwner::Person { .. }))
            .map(|s| s.wrapped.kdf)
            .max_by_key(|k| (u64::from(k.memory_kib) * u64::from(k.passes), k.lanes))
            .unwrap_or(KdfCost::STANDARD)
    }

    pub fn has_person(&self, email: &str) -> bool {
        let owner = SlotOwner::Person {
            lookup: self.person_lookup(email),
        };
        self.find(&owner).is_some()
    }

    /// Adds or replaces the slot of the person with this e-mail address.
    pub fn set_person(
        &mut self,
        email: &str,
        password: &str,
        key: &DataKey,
        cost: KdfCost,
    ) -> Result<()> {
        self.set_person_in(&mut KdfMemory::default(), email, password, key, cost)
    }

    /// [`KeyFile::set_person`] for one of many people, with working memory shared by them all.
    pub fn set_person_in(
        &mut self,
        memory: &mut KdfMemory,
        email: &str,
        password: &str,
        key: &DataKey,
        cost: KdfCost,
    ) -> Result<()> {
        let owner = SlotOwner::Person {
            lookup: self.person_lookup(email),
        };
        self.put(memory, owner, password.as_bytes(), key, cost)
    }

    pub fn remove_person(&mut self, email: &str) -> bool {
        let owner = SlotOwner::Person {
            lookup: self.person_lookup(email),
        };
        let before = self.slots.len();
        self.slots.retain(|s| s.owner != owner);
        before != self.slots.len()
    }

    /// Adds or replaces this person's set-up code.
    pub fn set_setup_code(
        &mut self,
        email: &str,
        code: &str,
        key: &DataKey,
        cost: KdfCost,
    ) -> Result<()> {
        let owner = SlotOwner::SetupCode {
            lookup: self.setup_lookup(email),
        };
        let code = normalise_recovery_code(code);
        self.put(&mut KdfMemory::default(), owner, code.as_bytes(), key, cost)
    }

    pub fn remove_setup_code(&mut self, email: &str) -> bool {
        let owner = SlotOwner::SetupCode {
            lookup: self.setup_lookup(email),
        };
        let before = self.slots.len();
        self.slots.retain(|s| s.owner != owner);
        before != self.slots.len()
    }

    /// Whether anyone has a set-up code waiting (most sign-ins find none, and need look no further).
    pub fn has_any_setup_code(&self) -> bool {
        self.slots
            .iter()
            .any(|s| matches!(s.owner, SlotOwner::SetupCode { .. }))
    }

    pub fn has_setup_code(&self, email: &str) -> bool {
        let owner = SlotOwner::SetupCode {
            lookup: self.setup_lookup(email),
        };
        self.find(&owner).is_some()
    }

    /// The data key for a person's set-up code; an unknown address and a wrong code give the
    /// same answer.
    pub fn unlock_setup_code(&self, email: &str, code: &str) -> Result<DataKey> {
        let owner = SlotOwner::SetupCode {
            lookup: self.setup_lookup(email),
        };
        let code = normalise_recovery_code(code);
        match self.find(&owner) {
            Some(slot) => slot
                .wrapped
                .unwrap_key(code.as_bytes(), &self.context(&owner))?
                .ok_or(Error::WrongSetupCode),
            None => {
                WrappedKey::waste_equal_time(code.as_bytes(), KdfCost::STANDARD);
                Err(Error::WrongSetupCode)
            }
        }
    }

    pub fn set_recovery(&mut self, code: &str, key: &DataKey, cost: KdfCost) -> Result<()> {
        let code = normalise_recovery_code(code);
        self.put(
            &mut KdfMemory::default(),
            SlotOwner::Recovery,
            code.as_bytes(),
            key,
            cost,
        )
    }

    /// The data key for this person, or `WrongPassword` whether the address is unknown or the
    /// password wrong (both take the same time).
    pub fn unlock_person(&self, email: &str, password: &str) -> Result<DataKey> {
        let owner = SlotOwner::Person {
            lookup: self.person_lookup(email),
        };
        match self.find(&owner) {
            Some(slot) => slot
                .wrapped
                .unwrap_key(password.as_bytes(), &self.context(&owner))?
                .ok_or(Error::WrongPassword),
            None => {
                let cost = self
                    .slots
                    .iter()
                    .find(|s| matches!(s.owner, SlotOwner::Person { .. }))
                    .map(|s| s.wrapped.kdf)
                    .unwrap_or(KdfCost::STANDARD);
                WrappedKey::waste_equal_time(password.as_bytes(), cost);
                Err(Error::WrongPassword)
            }
        }
    }

    pub fn unlock_recovery(&self, code: &str) -> Result<DataKey> {
        let owner = SlotOwner::Recovery;
        let slot = self.find(&owner).ok_or(Error::WrongRecoveryCode)?;
        let code = normalise_recovery_code(code);
        slot.wrapped
            .unwrap_key(code.as_bytes(), &self.context(&owner))?
            .ok_or(Error::WrongRecoveryCode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COST: KdfCost = KdfCost::insecure_for_tests();

    fn file_with_two_people() -> (KeyFile, DataKey) {
        let key = DataKey::generate();
        let mut file = KeyFile::new(None);
        file.set_person("Head@School.example", "first password!", &key, COST)
            .unwrap();
        file.set_person("deputy@school.example", "second password", &key, COST)
            .unwrap();
        file.set_recovery("ABCD-EFGH-JKMN", &key, COST).unwrap();
        (file, key)
    }

    #[test]
    fn each_person_unlocks_with_their_own_password() {
        let (file, key) = file_with_two_people();
        let a = file
            .unlock_person(" head@school.example ", "first password!")
            .unwrap();
        let b = file
            .unlock_person("deputy@school.example", "second password")
            .unwrap();
        assert_eq!(a.sqlcipher_literal(), key.sqlcipher_literal());
        assert_eq!(b.sqlcipher_literal(), key.sqlcipher_literal());
        assert!(matches!(
            file.unlock_person("deputy@school.example", "first password!"),
            Err(Error::WrongPassword)
        ));
        assert!(matches!(
            file.unlock_person("nobody@school.example", "first password!"),
            Err(Error::WrongPassword)
        ));
    }

    #[test]
    fn recovery_code_ignores_case_and_grouping() {
        let (file, key) = file_with_two_people();
        let k = file.unlock_recovery("abcd efgh jkmn").unwrap();
        assert_eq!(k.sqlcipher_literal(), key.sqlcipher_literal());
        assert!(matches!(
            file.unlock_recovery("ABCD-EFGH-JKMP"),
            Err(Error::WrongRecoveryCode)
        ));
    }

    #[test]
    fn file_holds_no_email_addresses() {
        let (file, _) = file_with_two_people();
        let json = serde_json::to_string(&file).unwrap().to_lowercase();
        assert!(!json.contains("head@"));
        assert!(!json.contains("school.example"));
    }

    #[test]
    fn slot_copied_to_another_vault_does_not_open() {
        let (file, _) = file_with_two_people();
        let mut other = KeyFile::new(None);
        other.slots = file.slots.clone();
        assert!(other.unlock_recovery("ABCD-EFGH-JKMN").is_err());
    }

    #[test]
    fn replacing_a_password_removes_the_old_one() {
        let (mut file, key) = file_with_two_people();
        file.set_person("head@school.example", "a new password", &key, COST)
            .unwrap();
        assert!(
            file.unlock_person("head@school.example", "first password!")
                .is_err()
        );
        assert!(
            file.unlock_person("head@school.example", "a new password")
                .is_ok()
        );
        assert!(file.remove_person("HEAD@school.example"));
        assert!(!file.has_person("head@school.example"));
    }

    #[test]
    fn set_up_codes_are_separate_from_passwords() {
        let (mut file, key) = file_with_two_people();
        file.set_setup_code("new@school.example", "abcd-efgh-jkmn", &key, COST)
            .unwrap();
        assert!(file.has_setup_code("NEW@school.example"));
        assert!(
            file.unlock_setup_code("new@school.example", "ABCDEFGHJKMN")
                .is_ok()
        );
        // The code does not work as a password, nor a password as a code.
        assert!(
            file.unlock_person("new@school.example", "abcd-efgh-jkmn")
                .is_err()
        );
        assert!(matches!(
            file.unlock_setup_code("head@school.example", "first password!"),
            Err(Error::WrongSetupCode)
        ));
        assert!(file.remove_setup_code("new@school.example"));
        assert!(
            file.unlock_setup_code("new@school.example", "ABCDEFGHJKMN")
                .is_err()
        );
    }

    #[test]
    fn read_round_trip_and_damage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keyholder.keys");
        assert!(matches!(
            KeyFile::read(&path),
            Err(Error::KeyFileMissing(_))
        ));
        let (file, _) = file_with_two_people();
        file.write(&path).unwrap();
        assert_eq!(KeyFile::read(&path).unwrap(), file);

        std::fs::write(&path, b"{ not json").unwrap();
        assert!(matches!(
            KeyFile::read(&path),
            Err(Error::KeyFileDamaged { .. })
        ));

        // A file written before audit anchors existed still reads, with no anchor.
        let mut older = serde_json::to_value(&file).unwrap();
        older.as_object_mut().unwrap().remove("audit_anchor");
        std::fs::write(&path, serde_json::to_vec(&older).unwrap()).unwrap();
        assert_eq!(KeyFile::read(&path).unwrap().audit_anchor, None);

        let mut newer = serde_json::to_value(&file).unwrap();
        newer["format_version"] = 99.into();
        std::fs::write(&path, serde_json::to_vec(&newer).unwrap()).unwrap();
        assert!(matches!(
            KeyFile::read(&path),
            Err(Error::KeyFileTooNew { found: 99, .. })
        ));
    }

    fn damage_detail(file: &KeyFile) -> String {
        let bytes = serde_json::to_vec(file).unwrap();
        match KeyFile::parse(&bytes, Path::new("k.keys")) {
            Err(Error::KeyFileDamaged { detail, .. }) => detail,
            other => panic!("expected a damaged key file, got {other:?}"),
        }
    }

    #[test]
    fn out_of_range_key_settings_are_refused_as_damage() {
        let (file, _) = file_with_two_people();
        let mut huge = file.clone();
        huge.slots[1].wrapped.kdf.memory_kib = u32::MAX;
        let detail = damage_detail(&huge);
        assert!(detail.contains("4096 GB of memory"), "{detail}");

        let mut salt = file.clone();
        salt.slots[0].wrapped.salt = vec![1; 3];
        assert!(damage_detail(&salt).contains("salt of 3 bytes"));

        let mut nonce = file.clone();
        nonce.slots[2].wrapped.nonce = vec![1; 12];
        assert!(damage_detail(&nonce).contains("nonce of 12 bytes"));

        let mut owner = file.clone();
        owner.slots[0].owner = SlotOwner::Person {
            lookup: "x".repeat(MAX_ID_CHARS + 1),
        };
        assert!(damage_detail(&owner).contains("whose it is"));

        let mut many = file.clone();
        let one = many.slots[0].clone();
        many.slots = vec![one; MAX_SLOTS + 1];
        assert!(damage_detail(&many).contains("10001 keys"));

        let mut anchor = file.clone();
        anchor.audit_anchor = Some(Box::new(AuditAnchor {
            entry: 3,
            hash: "not a hash".into(),
            recorded_at: 0,
        }));
        assert!(damage_detail(&anchor).contains("audit"));
    }

    #[test]
    fn a_huge_key_file_is_refused_without_reading_it_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keyholder.keys");
        let f = std::fs::File::create(&path).unwrap();
        f.set_len(MAX_BYTES + 10).unwrap();
        drop(f);
        match KeyFile::read(&path) {
            Err(Error::KeyFileDamaged { detail, .. }) => {
                assert!(detail.contains("far larger than a key file"), "{detail}")
            }
            other => panic!("{other:?}"),
        }
    }
}
