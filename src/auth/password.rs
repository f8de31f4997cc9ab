//! What makes a password acceptable, and a hint about how strong it is.

pub const MIN_LENGTH: usize = 12;

/// Why a new password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("The password needs at least {MIN_LENGTH} characters (it has {0}).")]
    TooShort(usize),
    #[error("The two passwords are not the same. Type them again.")]
    Mismatch,
    #[error("That password is too easy to guess. Try a longer phrase of unrelated words.")]
    TooGuessable,
}

/// How strong a password is, for the hint under the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    VeryWeak,
    Weak,
    Fair,
    Strong,
    VeryStrong,
}

impl Strength {
    pub fn label(self) -> &'static str {
        match self {
            Strength::VeryWeak => "Very weak",
            Strength::Weak => "Weak",
            Strength::Fair => "Fair",
            Strength::Strong => "Strong",
            Strength::VeryStrong => "Very strong",
        }
    }
}

/// Estimates strength with zxcvbn, which knows common passwords, names and keyboard patterns.
/// `context` holds words an attacker would try first (the person's name, e-mail, school).
pub fn strength(password: &str, context: &[&str]) -> Strength {
    if password.is_empty() {
        return Strength::VeryWeak;
    }
    // zxcvbn matches its dictionaries in lower case, so the personal words must be too; an
    // e-mail address also contributes its parts.
    let words: Vec<String> = context
        .iter()
        .flat_map(|w| w.split(['@', '.', ' ']))
        .filter(|w| w.len() > 1)
        .map(str::to_lowercase)
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    match zxcvbn::zxcvbn(password, &words).score() {
        zxcvbn::Score::Zero => Strength::VeryWeak,
        zxcvbn::Score::One => Strength::Weak,
        zxcvbn::Score::Two => Strength::Fair,
        zxcvbn::Score::Three => Strength::Strong,
        _ => Strength::VeryStrong,
    }
}

/// A one-line hint for the set-up and password screens.
pub fn hint(password: &str, context: &[&str]) -> String {
    let chars = password.chars().count();
    if chars == 0 {
        return format!("At least {MIN_LENGTH} characters. A short sentence is easy to remember.");
    }
    if chars < MIN_LENGTH {
        return format!("{} more characters needed.", MIN_LENGTH - chars);
    }
    format!("Strength: {}", strength(password, context).label())
}

/// Checks a new password typed twice.
pub fn check_new(password: &str, again: &str, context: &[&str]) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_LENGTH {
        return Err(PasswordProblem::TooShort(chars));
    }
    if password != again {
        return Err(PasswordProblem::Mismatch);
    }
    if strength(password, context) < Strength::Fair {
        return Err(PasswordProblem::TooGuessable);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passwords_are_refused_with_the_count() {
        assert_eq!(
            check_new("short", "short", &[]),
            Err(PasswordProblem::TooShort(5))
        );
        assert!(hint("short", &[]).contains("7 more"));
    }

    #[test]
    fn mismatch_is_refused() {
        assert_eq!(
            check_new("a long enough passphrase", "a long enough passphrasf", &[]),
            Err(PasswordProblem::Mismatch)
        );
    }

    #[test]
    fn guessable_long_passwords_are_refused() {
        assert_eq!(
            check_new("password1234", "password1234", &[]),
            Err(PasswordProblem::TooGuessable)
        );
    }

    #[test]
    fn a_passphrase_is_accepted() {
        let p = "kettle orbit lantern 42";
        assert_eq!(check_new(p, p, &[]), Ok(()));
        assert!(strength(p, &[]) >= Strength::Strong);
    }

    #[test]
    fn personal_words_weaken_a_password() {
        let p = "quinlanharriet";
        assert!(strength(p, &["harriet", "quinlan"]) < strength(p, &[]));
    }
}
