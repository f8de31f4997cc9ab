//! Enrolling a soft key: a new secret for the person's authenticator app, which counts only once
//! they have typed a current code from it. Outside the service, [`PendingKey::confirm`] is the
//! only way to get a [`ConfirmedKey`].

use super::error::{Error, Result};
use crate::auth::soft_key;
use crate::model::UserId;
use crate::vault::queries::people::StoredSoftKey;

/// A soft key shown to its owner (as a QR code and as text) and not yet proved.
#[derive(Clone, PartialEq, Eq)]
pub struct PendingKey {
    secret: Vec<u8>,
}

impl std::fmt::Debug for PendingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PendingKey(…)")
    }
}

impl Default for PendingKey {
    fn default() -> PendingKey {
        PendingKey::new()
    }
}

impl PendingKey {
    /// A key with a fresh random secret.
    pub fn new() -> PendingKey {
        PendingKey::from_secret(soft_key::new_secret())
    }

    /// A key whose secret is already known (the demo derives its keys from a published seed).
    pub fn from_secret(secret: Vec<u8>) -> PendingKey {
        PendingKey { secret }
    }

    /// The secret, which the person sees anyway (as the QR code and the typed key).
    pub fn secret(&self) -> &[u8] {
        &self.secret
    }

    /// The `otpauth://` link the QR code holds, naming Keyholder and the person's e-mail address.
    pub fn otpauth_uri(&self, email: &str) -> Option<String> {
        soft_key::otpauth_uri(&self.secret, email)
    }

    /// The secret in groups of four letters, for typing into an app that cannot scan.
    pub fn grouped_text(&self) -> String {
        soft_key::grouped_base32(&self.secret)
    }

    /// The secret in base32, as scripts and authenticator apps read it.
    pub fn text(&self) -> String {
        soft_key::base32(&self.secret)
    }

    /// The key, once `code` is one the person's app shows at `now`; that code's time step is kept
    /// so it cannot sign anyone in again.
    pub fn confirm(&self, code: &str, now: i64) -> Result<ConfirmedKey> {
        match soft_key::matching_step(&self.secret, code, now.max(0) as u64) {
            Some(step) => Ok(ConfirmedKey {
                secret: self.secret.clone(),
                used_step: Some(step),
            }),
            None => Err(Error::Invalid(
                "That code does not match. Check that the app shows \"Keyholder\" with your \
                 e-mail address, and type the 6 digits it shows now. If it keeps failing, \
                 check that this computer's clock is right."
                    .into(),
            )),
        }
    }
}

/// A soft key whose owner has typed a correct code from it.
#[derive(Clone, PartialEq, Eq)]
pub struct ConfirmedKey {
    secret: Vec<u8>,
    /// The time step of the code that confirmed it, so that code cannot be used again.
    used_step: Option<u64>,
}

impl std::fmt::Debug for ConfirmedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConfirmedKey(…)")
    }
}

impl ConfirmedKey {
    /// A key given out on paper or on screen with no app to read a code from yet: `load`
    /// prints the administrator's secret for a script, and the demo publishes its keys. Only
    /// the service's own set-up makes these.
    pub(in crate::service) fn handed_out(key: PendingKey) -> ConfirmedKey {
        ConfirmedKey {
            secret: key.secret,
            used_step: None,
        }
    }

    /// The key as the vault keeps it for `user`, enrolled at `now` and not yet used to sign in.
    pub(in crate::service) fn stored_for(&self, user: UserId, now: i64) -> StoredSoftKey {
        StoredSoftKey {
            user,
            secret: self.secret.clone(),
            confirmed: true,
            enrolled_at: now,
            last_used_step: self.used_step,
            failed_attempts: 0,
            locked_until: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_current_code_confirms_and_a_wrong_one_explains() {
        let key = PendingKey::new();
        let now = 1_800_000_000;
        if soft_key::matching_step(key.secret(), "000000", now as u64).is_none() {
            let refused = key.confirm("000000", now).unwrap_err().to_string();
            assert!(refused.contains("does not match"), "{refused}");
        }
        let code = soft_key::code_at(key.secret(), now as u64).unwrap();
        let confirmed = key.confirm(&code, now).expect("a current code confirms");
        let stored = confirmed.stored_for(UserId(7), now);
        assert_eq!(stored.secret, key.secret());
        assert_eq!(stored.last_used_step, Some(now as u64 / 30));
        assert_eq!((stored.user, stored.enrolled_at), (UserId(7), now));
    }

    #[test]
    fn uri_names_keyholder_and_the_account() {
        let key = PendingKey::new();
        let uri = key.otpauth_uri("r.okafor@larkfield.example").unwrap();
        assert!(uri.starts_with("otpauth://totp/Keyholder:r.okafor%40larkfield.example?"));
        assert!(uri.contains(&key.text()));
    }
}
