//! Soft keys: TOTP codes from an authenticator app (RFC 6238, SHA-1, 6 digits, 30 seconds),
//! accepted one step either side of now, each step only once, with a lock after repeated mistakes.

use totp_rs::{Builder, Secret, Totp};

pub const ISSUER: &str = "Keyholder";
pub const STEP_SECONDS: u64 = 30;
pub const MAX_FAILED_CODES: u32 = 5;
pub const LOCK_SECONDS: i64 = 15 * 60;

/// A new random secret (160 bits, as RFC 4226 recommends).
pub fn new_secret() -> Vec<u8> {
    Secret::generate().as_bytes().to_vec()
}

fn totp(secret: &[u8], account: &str) -> Option<Totp> {
    Builder::new()
        .with_secret(Secret::from(secret.to_vec()))
        .with_issuer(Some(ISSUER))
        .with_account_name(account)
        .build()
        .ok()
}

/// The `otpauth://totp/Keyholder:<email>?secret=…&issuer=Keyholder` link shown as a QR code.
pub fn otpauth_uri(secret: &[u8], email: &str) -> Option<String> {
    totp(secret, email.trim())?.to_url().ok()
}

/// The secret in base32, in groups of four for typing into an app by hand.
pub fn grouped_base32(secret: &[u8]) -> String {
    let text = Secret::from(secret.to_vec()).to_base32();
    text.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn base32(secret: &[u8]) -> String {
    Secret::from(secret.to_vec()).to_base32()
}

pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    Secret::try_from_base32(clean.to_uppercase())
        .ok()
        .map(|s| s.as_bytes().to_vec())
}

/// The code an authenticator app shows at `unix_time`.
pub fn code_at(secret: &[u8], unix_time: u64) -> Option<String> {
    Some(totp(secret, "")?.generate(unix_time).to_string())
}

/// The time step that matches `code` within one step of `unix_time`, if any.
pub fn matching_step(secret: &[u8], code: &str, unix_time: u64) -> Option<u64> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    totp(secret, "")?.check(&digits, unix_time)
}

/// Where a key stands before a code is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeyCounters {
    pub last_used_step: Option<u64>,
    pub failed_attempts: u32,
    pub locked_until: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeOutcome {
    Accepted,
    /// Not the current code. `attempts_left` before the account locks.
    Wrong {
        attempts_left: u32,
    },
    /// A code (time step) that was already used once.
    AlreadyUsed {
        attempts_left: u32,
    },
    /// This attempt was the last allowed one, or the account was locked already.
    Locked {
        until: i64,
    },
}

/// Checks `code` and returns the outcome with the counters to store afterwards.
pub fn check(
    secret: &[u8],
    code: &str,
    now: i64,
    before: KeyCounters,
) -> (CodeOutcome, KeyCounters) {
    let mut after = before;
    if let Some(until) = before.locked_until {
        if until > now {
            return (CodeOutcome::Locked { until }, before);
        }
        after.locked_until = None;
        after.failed_attempts = 0;
    }
    let step = matching_step(secret, code, now.max(0) as u64);
    let replayed = matches!((step, before.last_used_step), (Some(s), Some(last)) if s <= last);
    if let (Some(s), false) = (step, replayed) {
        after.last_used_step = Some(s);
        after.failed_attempts = 0;
        return (CodeOutcome::Accepted, after);
    }
    after.failed_attempts += 1;
    if after.failed_attempts >= MAX_FAILED_CODES {
        let until = now + LOCK_SECONDS;
        after.failed_attempts = 0;
        after.locked_until = Some(until);
        return (CodeOutcome::Locked { until }, after);
    }
    let attempts_left = MAX_FAILED_CODES - after.failed_attempts;
    let outcome = if replayed {
        CodeOutcome::AlreadyUsed { attempts_left }
    } else {
        CodeOutcome::Wrong { attempts_left }
    };
    (outcome, after)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 secret: the ASCII string "12345678901234567890".
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc6238_sha1_test_vectors() {
        // The RFC lists 8-digit codes; a 6-digit code is the last six digits of the same value.
        let vectors: [(u64, &str); 6] = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (time, eight) in vectors {
            assert_eq!(code_at(RFC_SECRET, time).unwrap(), eight[2..], "at {time}");
        }
    }

    #[test]
    fn accepts_one_step_either_side_and_no_further() {
        let now = 1_700_000_015u64; // middle of a step
        for (offset, ok) in [
            (-60i64, false),
            (-30, true),
            (0, true),
            (30, true),
            (60, false),
        ] {
            let code = code_at(RFC_SECRET, (now as i64 + offset) as u64).unwrap();
            assert_eq!(
                matching_step(RFC_SECRET, &code, now).is_some(),
                ok,
                "offset {offset}"
            );
        }
    }

    #[test]
    fn window_edges_follow_step_boundaries() {
        // At the first second of a step, the previous step's code is still accepted...
        let start = 1_700_000_025u64 - (1_700_000_025 % 30);
        let prev = code_at(RFC_SECRET, start - 1).unwrap();
        assert!(matching_step(RFC_SECRET, &prev, start).is_some());
        // ...but the code from two steps back is not, even one second after it expired.
        let two_back = code_at(RFC_SECRET, start - 31).unwrap();
        assert!(matching_step(RFC_SECRET, &two_back, start).is_none());
    }

    #[test]
    fn a_used_step_is_refused() {
        let now = 1_700_000_000i64;
        let code = code_at(RFC_SECRET, now as u64).unwrap();
        let (first, counters) = check(RFC_SECRET, &code, now, KeyCounters::default());
        assert_eq!(first, CodeOutcome::Accepted);
        let (second, _) = check(RFC_SECRET, &code, now + 5, counters);
        assert_eq!(second, CodeOutcome::AlreadyUsed { attempts_left: 4 });
        // An older step is refused too, even if it is still inside the window.
        let older = code_at(RFC_SECRET, now as u64 - 30).unwrap();
        let (third, _) = check(RFC_SECRET, &older, now, counters);
        assert!(matches!(third, CodeOutcome::AlreadyUsed { .. }));
    }

    #[test]
    fn five_wrong_codes_lock_for_fifteen_minutes_then_expire() {
        let now = 1_700_000_000i64;
        let mut counters = KeyCounters::default();
        for expected_left in [4, 3, 2, 1] {
            let (outcome, c) = check(RFC_SECRET, "000000", now, counters);
            assert_eq!(
                outcome,
                CodeOutcome::Wrong {
                    attempts_left: expected_left
                }
            );
            counters = c;
        }
        let (outcome, locked) = check(RFC_SECRET, "000000", now, counters);
        assert_eq!(
            outcome,
            CodeOutcome::Locked {
                until: now + LOCK_SECONDS
            }
        );
        // Even the right code is refused while locked.
        let good = code_at(RFC_SECRET, now as u64 + 60).unwrap();
        let (outcome, _) = check(RFC_SECRET, &good, now + 60, locked);
        assert!(matches!(outcome, CodeOutcome::Locked { .. }));
        // After fifteen minutes the right code works again.
        let later = now + LOCK_SECONDS;
        let good = code_at(RFC_SECRET, later as u64).unwrap();
        let (outcome, after) = check(RFC_SECRET, &good, later, locked);
        assert_eq!(outcome, CodeOutcome::Accepted);
        assert_eq!(after.locked_until, None);
        assert_eq!(after.failed_attempts, 0);
    }

    #[test]
    fn malformed_codes_are_wrong_not_errors() {
        for code in ["", "12345", "1234567", "12a456", "١٢٣٤٥٦"] {
            assert_eq!(matching_step(RFC_SECRET, code, 59), None, "{code:?}");
        }
        // Spaces, as some apps show "123 456", are allowed.
        assert!(matching_step(RFC_SECRET, "287 082", 59).is_some());
    }

    #[test]
    fn uri_has_issuer_account_and_secret() {
        let secret = new_secret();
        let uri = otpauth_uri(&secret, "h.quinlan@millbrook.example").unwrap();
        assert!(uri.starts_with("otpauth://totp/Keyholder:h.quinlan%40millbrook.example?"));
        assert!(uri.contains(&format!("secret={}", base32(&secret))));
        assert!(uri.contains("issuer=Keyholder"));
    }

    #[test]
    fn base32_round_trips_with_grouping() {
        let secret = new_secret();
        let grouped = grouped_base32(&secret);
        assert!(grouped.split(' ').all(|g| g.len() <= 4));
        assert_eq!(from_base32(&grouped.to_lowercase()).unwrap(), secret);
    }
}
