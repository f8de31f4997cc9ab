//! Recovery codes: shown once at set-up, printed and locked away, able to open the vault when
//! every administrator password is lost.

use rand::Rng;

/// No 0/O, 1/I/L or U/V look-alikes, so a code copied by hand reads back correctly.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTWXYZ23456789";
const GROUPS: usize = 6;
const GROUP_LEN: usize = 4;

/// A new code such as `K7QM-3XWA-…`: 24 characters, about 116 bits of randomness.
pub fn generate() -> String {
    let mut rng = rand::rngs::OsRng;
    let groups: Vec<String> = (0..GROUPS)
        .map(|_| {
            (0..GROUP_LEN)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                .collect()
        })
        .collect();
    groups.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_documented_shape_and_differ() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        let groups: Vec<&str> = a.split('-').collect();
        assert_eq!(groups.len(), GROUPS);
        assert!(groups.iter().all(|g| g.len() == GROUP_LEN));
        assert!(
            a.bytes()
                .filter(|c| *c != b'-')
                .all(|c| ALPHABET.contains(&c))
        );
    }
}
