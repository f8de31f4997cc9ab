//! One-time codes a person copies by hand: the recovery code (shown once at set-up, printed and
//! locked away) and set-up codes (handed to a new user to choose a password and enrol a key).

use rand::Rng;

/// No 0/O, 1/I/L or U/V look-alikes, so a code copied by hand or read aloud comes back right.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTWXYZ23456789";
const GROUP_LEN: usize = 4;

fn generate(groups: usize) -> String {
    let mut rng = rand::rngs::OsRng;
    (0..groups)
        .map(|_| {
            (0..GROUP_LEN)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// A new recovery code such as `K7QM-3XWA-…`: 24 characters, about 116 bits of randomness.
pub fn recovery_code() -> String {
    generate(6)
}

/// A new set-up code such as `K7QM-3XWA-P9TD`: 12 characters (about 58 bits), short enough to
/// read aloud, and only ever usable once within its expiry.
pub fn setup_code() -> String {
    generate(3)
}

/// How long a set-up code stays valid.
pub const SETUP_CODE_DAYS: i64 = 7;

#[cfg(test)]
mod tests {
    use super::*;

    fn check_shape(code: &str, groups: usize) {
        let parts: Vec<&str> = code.split('-').collect();
        assert_eq!(parts.len(), groups);
        assert!(parts.iter().all(|g| g.len() == GROUP_LEN));
        assert!(
            code.bytes()
                .filter(|c| *c != b'-')
                .all(|c| ALPHABET.contains(&c))
        );
    }

    #[test]
    fn codes_have_the_documented_shape_and_differ() {
        let a = recovery_code();
        assert_ne!(a, recovery_code());
        check_shape(&a, 6);
        let s = setup_code();
        assert_ne!(s, setup_code());
        check_shape(&s, 3);
    }
}
