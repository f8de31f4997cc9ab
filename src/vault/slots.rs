//! Wrapping the vault's data key for each person who may open it.
//!
//! The data key is random; it is never derived from a password. Each key slot holds the data key
//! encrypted (XChaCha20-Poly1305) under a key derived from one secret (a person's password or the
//! recovery code) with Argon2id. The parameters are stored in the slot so they can be raised later
//! without breaking old slots.

use super::error::{Error, Result};
use argon2::{Algorithm, Argon2, Params, Version};
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

    fn argon2(&self) -> Result<Argon2<'static>> {
        let params = Params::new(self.memory_kib, self.passes, self.lanes, Some(32))
            .map_err(|e| Error::Rejected(format!("unusable key-derivation settings ({e})")))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

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

fn derive(secret: &[u8], salt: &[u8], cost: KdfCost) -> Result<Zeroizing<[u8; 32]>> {
    let mut out = Zeroizing::new([0u8; 32]);
    cost.argon2()?
        .hash_password_into(secret, salt, out.as_mut())
        .map_err(|e| Error::Rejected(format!("key derivation failed ({e})")))?;
    Ok(out)
}

impl WrappedKey {
    /// Wraps `key` under `secret`. `context` binds the slot to its vault and owner, so a slot
    /// copied into another key file, or moved to another person, will not open.
    pub fn wrap(key: &DataKey, secret: &[u8], context: &[u8], cost: KdfCost) -> Result<WrappedKey> {
        let mut salt = vec![0u8; 16];
        let mut nonce = vec![0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let kek = derive(secret, &salt, cost)?;
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

    /// The data key, or `None` when `secret` (or `context`) is not the one it was wrapped with.
    pub fn unwrap_key(&self, secret: &[u8], context: &[u8]) -> Result<Option<DataKey>> {
        if self.nonce.len() != 24 || self.salt.len() < 8 {
            return Ok(None);
        }
        let kek = derive(secret, &self.salt, self.kdf)?;
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
        let _ = derive(secret, &[0u8; 16], cost);
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
    fn each_wrap_uses_fresh_salt_and_nonce() {
        let key = DataKey::generate();
        let a = WrappedKey::wrap(&key, b"pw", b"ctx", COST).unwrap();
        let b = WrappedKey::wrap(&key, b"pw", b"ctx", COST).unwrap();
        assert_ne!(a.salt, b.salt);
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.ciphertext, b.ciphertext);
    }
}
