//! A pupil's child-protection file sent to their next school: the log kept of each one sent and
//! received, when a transfer counts as overdue, and the receipt code by which the receiving
//! school confirms it has the file.
//!
//! Guidance expects the file within 5 school days and a confirmation of receipt; a sender with
//! none after that chases. The receipt code is made from a secret that travels inside the
//! encrypted transfer file, so only a school that could open the file can give the right code;
//! it also carries the day it was received, and a check letter so a mistyped code is told apart
//! from a code for another transfer.

use crate::model::{PupilId, UserId};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use sha2::{Digest, Sha256};

/// School days (Monday to Friday) the receiving school has to confirm receipt.
pub const SCHOOL_DAYS_TO_CONFIRM: u32 = 5;

/// The letters codes and references are written in: no I, L, O or U, which are read as 1, 0 or
/// V on the phone or on paper.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// How a transfer went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A `.khtransfer` file for a school that uses Keyholder.
    Keyholder,
    /// A password-protected PDF pack, for a school that does not, with a paper receipt.
    Paper,
}

impl Method {
    pub fn key(self) -> &'static str {
        match self {
            Method::Keyholder => "keyholder",
            Method::Paper => "paper",
        }
    }

    pub fn from_key(key: &str) -> Option<Method> {
        match key {
            "keyholder" => Some(Method::Keyholder),
            "paper" => Some(Method::Paper),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Method::Keyholder => "Keyholder transfer file",
            Method::Paper => "PDF pack with paper receipt",
        }
    }
}

/// Where a sent transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    /// Unconfirmed after [`SCHOOL_DAYS_TO_CONFIRM`] school days: chase the receiving school.
    Overdue,
    Sent,
    Confirmed,
}

impl State {
    pub fn label(self) -> &'static str {
        match self {
            State::Overdue => "Overdue",
            State::Sent => "Sent",
            State::Confirmed => "Confirmed",
        }
    }
}

/// The log of one transfer sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentTransfer {
    pub id: i64,
    /// "T-7KQ2M9XD": what both schools call it.
    pub reference: String,
    /// The pupil, while their record is here.
    pub pupil: Option<PupilId>,
    /// "MIS ID 4012 · UPN A123…": who it was about, kept as text.
    pub pupil_ref: String,
    pub to_school: String,
    pub to_contact: String,
    /// What was included: "every category, every date".
    pub included: String,
    pub incidents: usize,
    pub method: Method,
    pub sha256: String,
    pub receipt_key: Vec<u8>,
    pub sent_at: i64,
    pub sent_by: Option<UserId>,
    pub kept_copy: bool,
    pub received_on: Option<NaiveDate>,
    pub received_by: Option<String>,
    pub confirmed_by: Option<UserId>,
    pub confirmed_at: Option<i64>,
}

impl SentTransfer {
    /// Its state on `today`, for a transfer sent on `sent_on` (the local day of `sent_at`).
    pub fn state(&self, sent_on: NaiveDate, today: NaiveDate) -> State {
        if self.confirmed_at.is_some() {
            State::Confirmed
        } else if today > confirm_by(sent_on) {
            State::Overdue
        } else {
            State::Sent
        }
    }
}

/// The log of one transfer received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedTransfer {
    pub id: i64,
    pub reference: String,
    pub from_school: String,
    pub pupil: Option<PupilId>,
    pub pupil_ref: String,
    pub sent_at: i64,
    pub sent_by_name: String,
    pub sha256: String,
    pub incidents: usize,
    pub receipt_code: String,
    pub received_at: i64,
    pub received_by: Option<UserId>,
}

/// `day` moved on by `n` school days, Saturdays and Sundays skipped (holidays are not known).
pub fn add_school_days(day: NaiveDate, n: u32) -> NaiveDate {
    let mut d = day;
    let mut left = n;
    while left > 0 {
        d += Duration::days(1);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    d
}

/// The last day a transfer sent on `sent_on` may be confirmed before it is overdue.
pub fn confirm_by(sent_on: NaiveDate) -> NaiveDate {
    add_school_days(sent_on, SCHOOL_DAYS_TO_CONFIRM)
}

/// A reference made from 40 random bits: "T-7KQ2M9XD".
pub fn reference_from(random: [u8; 5]) -> String {
    let mut bits: u64 = 0;
    for b in random {
        bits = (bits << 8) | u64::from(b);
    }
    let text: String = (0..8)
        .rev()
        .map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char)
        .collect();
    format!("T-{text}")
}

/// A reference or code as typed: capitals, without spaces or dashes, and the letters people
/// confuse with digits read as those digits.
pub fn normalise(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

/// The reference as people type it, normalised and with its "T-" back.
pub fn normalise_reference(typed: &str) -> String {
    let n = normalise(typed);
    let body = n.strip_prefix('T').unwrap_or(&n);
    format!("T-{body}")
}

/// Weights are odd, so changing any one letter always changes the check letter.
fn check_letter(body: &[u8]) -> u8 {
    let sum: usize = body
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let v = ALPHABET.iter().position(|a| a == c).unwrap_or(0);
            v * (2 * i + 1)
        })
        .sum();
    ALPHABET[sum % 32]
}

/// The receipt code the receiving school gives for the transfer `reference` received on
/// `received_on`: "4K7QH-M2XRB" (9 letters from the secret, the reference and the day, then a
/// check letter).
pub fn receipt_code(receipt_key: &[u8], reference: &str, received_on: NaiveDate) -> String {
    let mut hash = Sha256::new();
    hash.update(b"keyholder receipt\0");
    hash.update(receipt_key);
    hash.update([0]);
    hash.update(reference.as_bytes());
    hash.update([0]);
    hash.update(received_on.format("%Y-%m-%d").to_string().as_bytes());
    let digest = hash.finalize();
    let mut bits: u64 = 0;
    for b in &digest[..6] {
        bits = (bits << 8) | u64::from(*b);
    }
    let mut body: Vec<u8> = (0..9)
        .rev()
        .map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize])
        .collect();
    body.push(check_letter(&body));
    let text = String::from_utf8_lossy(&body).into_owned();
    format!("{}-{}", &text[..5], &text[5..])
}

/// What a typed receipt code turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptCheck {
    /// The code for this transfer, received on that day.
    Matches(NaiveDate),
    /// Not 10 letters, or its check letter is wrong: a typing mistake.
    Mistyped,
    /// A well-formed code, but not for this transfer (or not from a day it could be received).
    NotThisTransfer,
}

/// Checks a typed receipt code against a transfer sent on `sent_on`, trying each day from then
/// until the day after `today` (the receiving PC's clock may be a day ahead).
pub fn check_receipt(
    receipt_key: &[u8],
    reference: &str,
    typed: &str,
    sent_on: NaiveDate,
    today: NaiveDate,
) -> ReceiptCheck {
    let code = normalise(typed);
    let bytes = code.as_bytes();
    if bytes.len() != 10
        || !bytes.iter().all(|c| ALPHABET.contains(c))
        || check_letter(&bytes[..9]) != bytes[9]
    {
        return ReceiptCheck::Mistyped;
    }
    let last = today + Duration::days(1);
    let mut day = sent_on - Duration::days(1);
    while day <= last {
        if normalise(&receipt_code(receipt_key, reference, day)) == code {
            return ReceiptCheck::Matches(day);
        }
        day += Duration::days(1);
    }
    ReceiptCheck::NotThisTransfer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn five_school_days_skip_the_weekend() {
        // Thursday 3 December 2026 + 5 school days = Thursday 10 December.
        assert_eq!(confirm_by(day("2026-12-03")), day("2026-12-10"));
        // Sent on a Saturday: Monday to Friday count.
        assert_eq!(confirm_by(day("2026-12-05")), day("2026-12-11"));
        assert_eq!(add_school_days(day("2026-12-04"), 1), day("2026-12-07"));
        assert_eq!(add_school_days(day("2026-12-04"), 0), day("2026-12-04"));
    }

    #[test]
    fn a_transfer_is_overdue_the_day_after_its_fifth_school_day() {
        let mut t = SentTransfer {
            id: 1,
            reference: "T-1".into(),
            pupil: None,
            pupil_ref: String::new(),
            to_school: "x".into(),
            to_contact: String::new(),
            included: String::new(),
            incidents: 0,
            method: Method::Keyholder,
            sha256: String::new(),
            receipt_key: vec![1; 32],
            sent_at: 0,
            sent_by: None,
            kept_copy: false,
            received_on: None,
            received_by: None,
            confirmed_by: None,
            confirmed_at: None,
        };
        let sent = day("2026-12-03");
        assert_eq!(t.state(sent, day("2026-12-10")), State::Sent);
        assert_eq!(t.state(sent, day("2026-12-11")), State::Overdue);
        t.confirmed_at = Some(1);
        assert_eq!(t.state(sent, day("2027-01-11")), State::Confirmed);
    }

    #[test]
    fn a_receipt_code_names_its_transfer_and_day() {
        let key = [7u8; 32];
        let sent = day("2026-12-03");
        let code = receipt_code(&key, "T-AAAA1111", day("2026-12-07"));
        assert_eq!(code.len(), 11);
        assert_eq!(
            check_receipt(&key, "T-AAAA1111", &code, sent, day("2026-12-08")),
            ReceiptCheck::Matches(day("2026-12-07"))
        );
        // Typed in lower case, without the dash, with O for 0: still the code.
        let typed = code.replace('-', " ").to_lowercase().replace('0', "o");
        assert_eq!(
            check_receipt(&key, "T-AAAA1111", &typed, sent, day("2026-12-08")),
            ReceiptCheck::Matches(day("2026-12-07"))
        );
        // Another transfer's code is well formed but refused.
        let other = receipt_code(&key, "T-BBBB2222", day("2026-12-07"));
        assert_eq!(
            check_receipt(&key, "T-AAAA1111", &other, sent, day("2026-12-08")),
            ReceiptCheck::NotThisTransfer
        );
        // Another secret: refused.
        let forged = receipt_code(&[8u8; 32], "T-AAAA1111", day("2026-12-07"));
        assert_eq!(
            check_receipt(&key, "T-AAAA1111", &forged, sent, day("2026-12-08")),
            ReceiptCheck::NotThisTransfer
        );
    }

    #[test]
    fn one_wrong_letter_is_a_typing_mistake() {
        let key = [9u8; 32];
        let code = normalise(&receipt_code(&key, "T-X", day("2026-12-03")));
        for i in 0..10 {
            let mut bytes = code.clone().into_bytes();
            bytes[i] = if bytes[i] == b'2' { b'3' } else { b'2' };
            let typed = String::from_utf8(bytes).unwrap();
            assert_eq!(
                check_receipt(&key, "T-X", &typed, day("2026-12-03"), day("2026-12-04")),
                ReceiptCheck::Mistyped,
                "{typed}"
            );
        }
        assert_eq!(
            check_receipt(&key, "T-X", "ABC", day("2026-12-03"), day("2026-12-04")),
            ReceiptCheck::Mistyped
        );
    }

    #[test]
    fn references_are_typed_back_in_any_case() {
        let r = reference_from([1, 2, 3, 4, 5]);
        assert!(r.starts_with("T-") && r.len() == 10, "{r}");
        assert_eq!(normalise_reference(&r.to_lowercase()), r);
        assert_eq!(normalise_reference(&r[2..]), r);
    }
}
