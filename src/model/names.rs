//! How people's names are shown, including the initials used when Hide Names is on.

/// "Forename Surname", trimmed.
pub fn full_name(forename: &str, surname: &str) -> String {
    format!("{} {}", forename.trim(), surname.trim())
        .trim()
        .to_string()
}

/// "H. Q." style initials: the first letter of each part of the name, so a pupil on a screen
/// that someone else can see is not identified by name.
pub fn initials(forename: &str, surname: &str) -> String {
    let first = |s: &str| {
        s.trim()
            .chars()
            .next()
            .map(|c| c.to_uppercase().to_string())
    };
    match (first(forename), first(surname)) {
        (Some(f), Some(s)) => format!("{f}. {s}."),
        (Some(f), None) => format!("{f}."),
        (None, Some(s)) => format!("{s}."),
        (None, None) => "?".to_string(),
    }
}

/// Key for sorting people as the school does: surname, then forename, ignoring case.
pub fn sort_key(forename: &str, surname: &str) -> (String, String) {
    (
        surname.trim().to_lowercase(),
        forename.trim().to_lowercase(),
    )
}

/// "1 pupil", "3 pupils": a count with its noun in the right number.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A person's name as the screen shows it: in full, or as initials while Hide Names is on.
pub fn shown(forename: &str, surname: &str, hide_names: bool) -> String {
    if hide_names {
        initials(forename, surname)
    } else {
        full_name(forename, surname)
    }
}

/// "the key file" → "The key file", for a sentence that starts with a phrase.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A date of birth as documents write it, "4 March 2015", from its stored `YYYY-MM-DD`; "not
/// recorded" when there is none (or it cannot be read).
pub fn date_of_birth(stored: Option<&str>) -> String {
    stored
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map_or_else(
            || "not recorded".to_string(),
            |d| d.format("%-d %B %Y").to_string(),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_use_first_letters_including_accents() {
        assert_eq!(initials("Élodie", "O'Neill"), "É. O.");
        assert_eq!(initials("  amir ", "khan"), "A. K.");
        assert_eq!(initials("", "Khan"), "K.");
        assert_eq!(initials("", ""), "?");
    }

    #[test]
    fn full_name_trims() {
        assert_eq!(full_name(" Ruth ", "Okafor "), "Ruth Okafor");
    }

    #[test]
    fn sort_key_orders_by_surname_first() {
        let mut people = [("Zoe", "Adams"), ("Amy", "Brooks"), ("Ben", "adams")];
        people.sort_by_key(|(f, s)| sort_key(f, s));
        assert_eq!(
            people,
            [("Ben", "adams"), ("Zoe", "Adams"), ("Amy", "Brooks")]
        );
    }

    #[test]
    fn a_shown_name_is_full_or_initials() {
        assert_eq!(shown(" Amara ", "Okoye", false), "Amara Okoye");
        assert_eq!(shown("Amara", "Okoye", true), "A. O.");
    }

    #[test]
    fn counts_take_the_right_number() {
        assert_eq!(count(1, "pupil has", "pupils have"), "1 pupil has");
        assert_eq!(count(0, "pupil", "pupils"), "0 pupils");
        assert_eq!(count(12, "pupil", "pupils"), "12 pupils");
    }
}
