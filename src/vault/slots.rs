//! Wrapping the vault's data key for each person who may open it.
//!
//! The data key is random; it is never derived from a password. Each key slot holds the data key
//! encrypted (XChaCha20-Poly1305) under a key derived from one secret (a person's password or the
//! recovery code) with Argon2id. The parameters are stored in the slot so they can be raised later
//! without breaking old slots.

use super::error::{Error, Result};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

/// The 256-bit key the database is encrypted with. Wiped from memory when dropped.
#[derive(Clone, Zeroize)]
#[zeroize(drop)]
pub struct DataKey([u8; 32]);

impl DataKey {
    pub fn generate() -> DataKey {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        DataKey(bytes)
    }

    /// The SQLCipher raw-key form: `x'…'` with 64 hex digits.
    pub(crate) fn sqlcipher_literal(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", hex::encode(self.0)))
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

/// How hard the Argon2id derivation is. Stored with each slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfCost {
    /// Memory in KiB.
    pub memory_kib: u32,
    pub passes: u32,
    pub lanes: u32,
}

impl KdfCost {
    /// For real schools: 128 MiB and 3 passes, about half a second on an office PC.
    pub const STANDARD: KdfCost = KdfCost {
        memory_kib: 128 * 1024,
        passes: 3,
        lanes: 1,
    };

    /// For the demo school only, whose password is printed on its sign-in screen anyway: cheap
    /// enough to give every demo member of staff a slot.
    pub const DEMO: KdfCost = KdfCost {
        memory_kib: 8 * 1024,
        passes: 1,
        lanes: 1,
    };

    /// Test-only: as cheap as Argon2 allows, so test suites stay fast. Never use for a real vault.
    pub const fn insecure_for_tests() -> KdfCost {
        KdfCost {
            memory_kib: 64,
            passes: 1,
            lanes: 1,
        }
    }

    /// The least memory a slot may ask for: the test-only cost's 64 KiB.
    pub const MIN_MEMORY_KIB: u32 = 64;
    /// The most: 1 GiB, eight times the standard. An office PC with 8 GB can spare that for the
    /// moment a sign-in takes; a file asking for more is not one Keyholder wrote, and honouring it
    /// could exhaust the PC's memory (4 TB made Keyholder abort).
    pub const MAX_MEMORY_KIB: u32 = 1024 * 1024;
    /// Passes over the memory: Keyholder uses 1 (demo) to 3 (standard).
    pub const MAX_PASSES: u32 = 16;
    /// Parallel lanes: Keyholder uses 1; more than an office PC has cores gains nothing.
    pub const MAX_LANES: u32 = 16;
    /// Memory times passes, in KiB: at most 4 GiB of work, about ten times the standard's
    /// 384 MiB (a few seconds on an office PC rather than half a second), so a slot cannot make
    /// a sign-in hang for minutes either.
    pub const MAX_WORK_KIB: u64 = 4 * 1024 * 1024;

    /// Whether these settings are ones Keyholder could have written; `Err` says, in the admin's
    /// words, what is wrong with them. Checked on every slot read from a file, before any
    /// memory is set aside for the derivation.
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.memory_kib > Self::MAX_MEMORY_KIB {
            return Err(format!(
                "a key in it asks for {} of memory, more than Keyholder ever uses (at most {})",
                memory(self.memory_kib),
                memory(Self::MAX_MEMORY_KIB)
            ));
        }
        if self.memory_kib < Self::MIN_MEMORY_KIB {
            return Err(format!(
                "a key in it asks for only {} of memory, less than Keyholder ever uses (at least {})",
                memory(self.memory_kib),
                memory(Self::MIN_MEMORY_KIB)
            ));
        }
        if !(1..=Self::MAX_PASSES).contains(&self.passes) {
            return Err(format!(
                "a key in it asks for {} passes, where Keyholder uses 1 to {}",
                self.passes,
                Self::MAX_PASSES
            ));
        }
        if !(1..=Self::MAX_LANES).contains(&self.lanes) {
            return Err(format!(
                "a key in it asks for {} parallel lanes, where Keyholder uses 1 to {}",
                self.lanes,
                Self::MAX_LANES
            ));
        }
        // Argon2 needs 8 KiB per lane; with at most 16 lanes and at least 64 KiB this only
        // matters for lanes above 8.
        if u64::from(self.memory_kib) < 8 * u64::from(self.lanes) {
            return Err(format!(
                "a key in it asks for {} of memory, too little for its {} lanes",
                memory(self.memory_kib),
                self.lanes
            ));
        }
        if u64::from(self.memory_kib) * u64::from(self.passes) > Self::MAX_WORK_KIB {
            return Err(format!(
                "a key in it asks for {} of memory {} times over, more work than Keyholder ever asks for",
                memory(self.memory_kib),
                self.passes
            ));
        }
        Ok(())
    }

    fn argon2(&self) -> Result<Argon2<'static>> {
        self.check()
            .map_err(|e| Error::Rejected(format!("unusable key-derivation settings ({e})")))?;
        let params = Params::new(self.memory_kib, self.passes, self.lanes, Some(32))
            .map_err(|e| Error::Rejected(format!("unusable key-derivation settings ({e})")))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// "4096 GB", "128 MB", "64 KB": memory in KiB as the admin would say it (binary units, the
/// way Windows reports memory).
fn memory(kib: u32) -> String {
    let kib = u64::from(kib);
    if kib >= 1024 * 1024 {
        format!("{} GB", (kib + 512 * 1024) / (1024 * 1024))
    } else if kib >= 1024 {
        format!("{} MB", (kib + 512) / 1024)
    } else {
        format!("{kib} KB")
    }
}

/// Salt lengths a slot may have: Keyholder writes 16 bytes; Argon2 needs at least 8.
pub const SALT_BYTES: std::ops::RangeInclusive<usize> = 8..=64;
/// XChaCha20-Poly1305's nonce.
pub const NONCE_BYTES: usize = 24;
/// A wrapped data key: 32 bytes of key and a 16-byte tag.
pub const WRAPPED_BYTES: usize = 32 + 16;

/// One wrapped copy of the data key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedKey {
    pub kdf: KdfCost,
    #[serde(with = "hex_bytes")]
    pub salt: Vec<u8>,
    #[serde(with = "hex_bytes")]
    pub nonce: Vec<u8>,
    #[serde(with = "hex_bytes")]
    pub ciphertext: Vec<u8>,
}

/// Argon2's working memory (`memory_kib` of it), kept for the derivations of one batch, such as
/// every slot of a new school. Allocating and freeing it for each slot, with small allocations in
/// between, left the allocator unable to reuse the freed block: the heap grew by the whole
/// buffer each time (2.5 GB for a demo school of 300 staff). Wiped after every derivation, and
/// given back when dropped.
#[derive(Default)]
pub struct KdfMemory(Vec<Block>);

impl KdfMemory {
    fn blocks(&mut self, count: usize) -> &mut [Block] {
        if self.0.len() < count {
            // Replaced rather than grown, so no unwiped copy is left behind by a reallocation.
            self.0 = vec![Block::default(); count];
        }
        &mut self.0[..count]
    }
}

fn derive(
    memory: &mut KdfMemory,
    secret: &[u8],
    salt: &[u8],
    cost: KdfCost,
) -> Result<Zeroizing<[u8; 32]>> {
    let mut out = Zeroizing::new([0u8; 32]);
    let argon2 = cost.argon2()?;
    let blocks = memory.blocks(argon2.params().block_count());
    let hashed = argon2.hash_password_into_with_memory(secret, salt, out.as_mut(), &mut *blocks);
    blocks.iter_mut().for_each(Zeroize::zeroize);
    hashed.map_err(|e| Error::Rejected(format!("key derivation failed ({e})")))?;
    Ok(out)
}

impl WrappedKey {
    /// Wraps `key` under `secret`. `context` binds the slot to its vault and owner, so a slot
    /// copied into another key file, or moved to another person, will not open.
    pub fn wrap(key: &DataKey, secret: &[u8], context: &[u8], cost: KdfCost) -> Result<WrappedKey> {
        Self::wrap_in(&mut KdfMemory::default(), key, secret, context, cost)
    }

    /// [`WrappedKey::wrap`] with working memory shared by a batch of slots.
    pub fn wrap_in(
        memory: &mut KdfMemory,
        key: &DataKey,
        secret: &[u8],
        context: &[u8],
        cost: KdfCost,
    ) -> Result<WrappedKey> {
        let mut salt = vec![0u8; 16];
        let mut nonce = vec![0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let kek = derive(memory, secret, &salt, cost)?;
        let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
        let ciphertext = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &key.0,
                    aad: context,
                },
            )
            .map_err(|_| Error::Rejected("the key could not be wrapped".into()))?;
        Ok(WrappedKey {
            kdf: cost,
            salt,
            nonce,
            ciphertext,
        })
    }

    /// Whether this slot is one Keyholder could have written: its key-derivation settings and
    /// the sizes of its salt, nonce and wrapped key. `Err` says what is wrong, for the admin.
    pub fn check(&self) -> std::result::Result<(), String> {
        self.kdf.check()?;
        if !SALT_BYTES.contains(&self.salt.len()) {
            return Err(format!(
                "a key in it has a salt of {} bytes, where Keyholder uses {} to {}",
                self.salt.len(),
                SALT_BYTES.start(),
                SALT_BYTES.end()
            ));
        }
        if self.nonce.len() != NONCE_BYTES {
            return Err(format!(
                "a key in it has a nonce of {} bytes, where Keyholder uses {NONCE_BYTES}",
                self.nonce.len()
            ));
        }
        if self.ciphertext.len() != WRAPPED_BYTES {
            return Err(format!(
                "a key in it is {} bytes long, where a wrapped key is {WRAPPED_BYTES}",
                self.ciphertext.len()
            ));
        }
        Ok(())
    }

    /// The data key, or `None` when `secret` (or `context`) is not the one it was wrapped with.
    /// A slot that fails [`WrappedKey::check`] is refused before any memory is set aside.
    pub fn unwrap_key(&self, secret: &[u8], context: &[u8]) -> Result<Option<DataKey>> {
        self.check()
            .map_err(|e| Error::Rejected(format!("unusable key ({e})")))?;
        let kek = derive(&mut KdfMemory::default(), secret, &self.salt, self.kdf)?;
        let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
        let Ok(plain) = cipher.decrypt(
            XNonce::from_slice(&self.nonce),
            Payload {
                msg: &self.ciphertext,
                aad: context,
            },
        ) else {
            return Ok(None);
        };
        let plain = Zeroizing::new(plain);
        let Ok(bytes) = <[u8; 32]>::try_from(plain.as_slice()) else {
            return Ok(None);
        };
        Ok(Some(DataKey(bytes)))
    }

    /// Spends the same effort as a real unwrap, so a sign-in for an unknown e-mail address takes
    /// as long as one with a wrong password and does not give away who has an account.
    pub fn waste_equal_time(secret: &[u8], cost: KdfCost) {
        let _ = derive(&mut KdfMemory::default(), secret, &[0u8; 16], cost);
    }
}

mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        hex::decode(text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COST: KdfCost = KdfCost::insecure_for_tests();

    #[test]
    fn slots_wrapped_with_shared_memory_open_like_any_other() {
        let key = DataKey::generate();
        let bigger = KdfCost {
            memory_kib: 256,
            ..COST
        };
        let mut memory = KdfMemory::default();
        // The larger cost first, so the smaller one runs in a part of memory already used.
        let a = WrappedKey::wrap_in(&mut memory, &key, b"first", b"ctx", bigger).unwrap();
        let b = WrappedKey::wrap_in(&mut memory, &key, b"second", b"ctx", COST).unwrap();
        assert_eq!(
            memory.0.len(),
            256,
            "one buffer, the size of the largest cost"
        );
        assert!(memory.0.iter().all(|b| b.as_ref().iter().all(|w| *w == 0)));
        for (slot, secret) in [(a, &b"first"[..]), (b, &b"second"[..])] {
            let back = slot.unwrap_key(secret, b"ctx").unwrap().expect("opens");
            assert_eq!(back.0, key.0);
        }
    }

    #[test]
    fn wrap_then_unwrap_with_the_same_secret() {
        let key = DataKey::generate();
        let slot = WrappedKey::wrap(&key, b"correct horse battery", b"ctx", COST).unwrap();
        let back = slot.unwrap_key(b"correct horse battery", b"ctx").unwrap();
        assert_eq!(back.map(|k| k.0), Some(key.0));
    }

    #[test]
    fn wrong_secret_or_context_gives_nothing() {
        let key = DataKey::generate();
        let slot = WrappedKey::wrap(&key, b"correct horse battery", b"ctx", COST).unwrap();
        assert!(
            slot.unwrap_key(b"correct horse batterY", b"ctx")
                .unwrap()
                .is_none()
        );
        assert!(
            slot.unwrap_key(b"correct horse battery", b"other")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn tampered_ciphertext_gives_nothing() {
        let key = DataKey::generate();
        let mut slot = WrappedKey::wrap(&key, b"pw", b"ctx", COST).unwrap();
        slot.ciphertext[0] ^= 1;
        assert!(slot.unwrap_key(b"pw", b"ctx").unwrap().is_none());
    }

    #[test]
    fn costs_keyholder_writes_are_within_the_bounds() {
        for cost in [
            KdfCost::STANDARD,
            KdfCost::DEMO,
            KdfCost::insecure_for_tests(),
        ] {
            assert_eq!(cost.check(), Ok(()), "{cost:?}");
        }
        let edge = KdfCost {
            memory_kib: KdfCost::MAX_MEMORY_KIB,
            passes: 4,
            lanes: KdfCost::MAX_LANES,
        };
        assert_eq!(edge.check(), Ok(()));
    }

    #[test]
    fn out_of_range_costs_are_refused_in_plain_words() {
        let ok = KdfCost::STANDARD;
        let huge = KdfCost {
            memory_kib: u32::MAX,
            ..ok
        }
        .check()
        .unwrap_err();
        assert!(huge.contains("4096 GB of memory"), "{huge}");
        assert!(huge.contains("more than Keyholder ever uses"), "{huge}");
        let cases = [
            (
                KdfCost {
                    memory_kib: KdfCost::MAX_MEMORY_KIB + 1,
                    ..ok
                },
                "more than",
            ),
            (
                KdfCost {
                    memory_kib: KdfCost::MIN_MEMORY_KIB - 1,
                    ..ok
                },
                "less than",
            ),
            (
                KdfCost {
                    memory_kib: 0,
                    ..ok
                },
                "less than",
            ),
            (KdfCost { passes: 0, ..ok }, "0 passes"),
            (
                KdfCost {
                    passes: KdfCost::MAX_PASSES + 1,
                    ..ok
                },
                "17 passes",
            ),
            (
                KdfCost {
                    passes: u32::MAX,
                    ..ok
                },
                "passes",
            ),
            (KdfCost { lanes: 0, ..ok }, "0 parallel lanes"),
            (
                KdfCost {
                    lanes: u32::MAX,
                    ..ok
                },
                "parallel lanes",
            ),
            (
                KdfCost {
                    memory_kib: 64,
                    passes: 1,
                    lanes: 16,
                },
                "too little for its 16 lanes",
            ),
            (
                KdfCost {
                    memory_kib: KdfCost::MAX_MEMORY_KIB,
                    passes: 5,
                    lanes: 1,
                },
                "5 times over",
            ),
        ];
        for (cost, words) in cases {
            let e = cost.check().unwrap_err();
            assert!(e.contains(words), "{cost:?}: {e}");
        }
    }

    #[test]
    fn a_slot_with_wrong_sizes_or_costs_is_refused_before_deriving() {
        let key = DataKey::generate();
        let good = WrappedKey::wrap(&key, b"pw", b"ctx", COST).unwrap();
        assert_eq!(good.check(), Ok(()));
        let mut bad = Vec::new();
        let mut s = good.clone();
        s.salt = vec![0; 7];
        bad.push(s);
        let mut s = good.clone();
        s.salt = vec![0; 65];
        bad.push(s);
        let mut s = good.clone();
        s.nonce.pop();
        bad.push(s);
        let mut s = good.clone();
        s.ciphertext.push(0);
        bad.push(s);
        let mut s = good.clone();
        s.kdf.memory_kib = u32::MAX;
        bad.push(s);
        for slot in bad {
            assert!(slot.check().is_err(), "{slot:?}");
            assert!(
                matches!(slot.unwrap_key(b"pw", b"ctx"), Err(Error::Rejected(_))),
                "{slot:?}"
            );
        }
    }

    #[test]
    fn memory_is_said_in_units_people_use() {
        assert_eq!(memory(64), "64 KB");
        assert_eq!(memory(128 * 1024), "128 MB");
        assert_eq!(memory(1024 * 1024), "1 GB");
        assert_eq!(memory(u32::MAX), "4096 GB");
    }

    #[test]
    fn each_wrap_uses_fresh_salt_and_nonce() {
        let key = DataKey::generate();
        let a = WrappedKey::wrap(&key, b"pw", b"ctx", COST).unwrap();
        let b = WrappedKey::wrap(&key, b"pw", b"ctx", COST).unwrap();
        assert_ne!(a.salt, b.salt);
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.ciphertext, b.ciphertext);
    }
}
