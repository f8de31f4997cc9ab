//! Column titles reduced to what they mean, so that the short forms real MIS exports use ("Adm
//! No", "NC Yr", "Tutor Grp", "Forename(s)", "D.O.B.") meet the titles Keyholder knows without
//! a mapping file. The rule is general rather than a list of every spelling: split the title
//! into words, spell out common abbreviations, drop plural endings, and compare what is left
//! exactly. Exactly, so that a title that merely contains a known word ("Form Tutor", "Parent
//! Surname", "Admission Date") is never mistaken for it.

/// Abbreviations seen in SIMS, Arbor, Bromcom and hand-made exports, and what they stand for.
/// Every word is compared after its plural ending is dropped, so "Yrs" and "Nos" are covered.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("yr", "year"),
    ("grp", "group"),
    ("gp", "group"),
    ("adm", "admission"),
    ("admn", "admission"),
    ("adno", "admission number"),
    ("admno", "admission number"),
    ("no", "number"),
    ("num", "number"),
    ("nbr", "number"),
    ("nr", "number"),
    ("reg", "registration"),
    ("regn", "registration"),
    ("nc", "national curriculum"),
    ("dob", "date of birth"),
    ("dt", "date"),
    ("tut", "tutor"),
    ("emp", "employee"),
    ("empl", "employee"),
    ("addr", "address"),
];

/// The meaning of a title as one string of words run together: "Adm. No." and "Admission
/// Number" both become "admissionnumber", "D.O.B." and "Date of Birth" both "dateofbirth".
pub fn meaning(title: &str) -> String {
    let mut out = String::new();
    for word in words(title) {
        let word = singular(&word);
        match ABBREVIATIONS.iter().find(|(short, _)| *short == word) {
            Some((_, long)) => out.extend(long.split(' ')),
            None => out.push_str(word),
        }
    }
    out
}

/// The title's words in lower case. "(s)" and "'s" go ("Forename(s)", "Child's Surname"); a
/// change from lower to upper case starts a word ("RegGroup", "NCYear"); a run of single
/// letters is one word ("D.O.B." is "dob", "N.C. Year" is "nc year").
fn words(title: &str) -> Vec<String> {
    let lower = title.to_lowercase();
    let cleaned = lower
        .replace("(s)", " ")
        .replace("'s", " ")
        .replace("’s", " ");
    // Case changes are read from the original title, so map positions through `chars`.
    let original: Vec<char> = title.chars().collect();
    let mut raw: Vec<String> = Vec::new();
    let mut current = String::new();
    let cleaned: Vec<char> = cleaned.chars().collect();
    // Lower-casing can change the number of characters (rarely, outside English); then case
    // changes are not used to split words.
    let same_length = cleaned.len() == original.len();
    for (i, &c) in cleaned.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                raw.push(std::mem::take(&mut current));
            }
            continue;
        }
        if same_length && i > 0 && !current.is_empty() && starts_word(&original, i) {
            raw.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        raw.push(current);
    }
    // Each word with whether it was built from single letters ("d", "do", "dob").
    let mut joined: Vec<(String, bool)> = Vec::new();
    for word in raw {
        let letter = word.chars().count() == 1 && word.chars().all(char::is_alphabetic);
        match joined.last_mut() {
            Some((last, true)) if letter => last.push_str(&word),
            _ => joined.push((word, letter)),
        }
    }
    joined.into_iter().map(|(w, _)| w).collect()
}

/// "RegGroup": G starts a word; "NCYear": Y starts one, and so does the Y after "NC".
fn starts_word(original: &[char], i: usize) -> bool {
    let c = original[i];
    let before = original[i - 1];
    if c.is_uppercase() && before.is_lowercase() {
        return true;
    }
    let after = original.get(i + 1).copied();
    c.is_uppercase() && before.is_uppercase() && after.is_some_and(char::is_lowercase)
}

/// "forenames" → "forename", "yrs" → "yr"; "class" and "address" keep their "ss".
fn singular(word: &str) -> &str {
    if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") {
        &word[..word.len() - 1]
    } else if word.len() == 3 && word.ends_with('s') && !word.ends_with("ss") {
        // Short abbreviations: "yrs", "nos", "grs".
        match &word[..2] {
            "yr" | "no" | "gp" => &word[..2],
            _ => word,
        }
    } else {
        word
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_and_variants_mean_the_same_as_the_full_title() {
        for (short, full) in [
            ("Yr", "Year"),
            ("NC Yr", "National Curriculum Year"),
            ("N.C. Year", "National Curriculum Year"),
            ("NCYear", "National Curriculum Year"),
            ("Adm No", "Admission Number"),
            ("Adm. No.", "Admission Number"),
            ("Adno", "Admission Number"),
            ("AdmNo", "Admission Number"),
            ("Forename(s)", "Forename"),
            ("Surname(s)", "Surname"),
            ("Forenames", "Forename"),
            ("Tutor Grp", "Tutor Group"),
            ("Year Grp", "Year Group"),
            ("Reg Grp", "Registration Group"),
            ("RegGroup", "Registration Group"),
            ("reg_group", "Registration Group"),
            ("D.O.B.", "Date of Birth"),
            ("DOB", "Date of Birth"),
            ("Birth Dt", "Birth Date"),
            ("Child's Surname", "Child Surname"),
            ("E-mail", "Email"),
            ("Employee No", "Employee Number"),
            ("Class", "Class"),
            ("UPN", "upn"),
        ] {
            assert_eq!(meaning(short), meaning(full), "{short} / {full}");
        }
    }

    #[test]
    fn different_titles_keep_different_meanings() {
        for (a, b) in [
            ("Form Tutor", "Form"),
            ("Admission Date", "Admission Number"),
            ("Year of Entry", "Year"),
            ("Parent Surname", "Surname"),
            ("Middle Name(s)", "Forename"),
            ("Group Tutor", "Tutor Group"),
            ("No. of Siblings", "Number"),
            ("Address", "Addres"),
        ] {
            assert_ne!(meaning(a), meaning(b), "{a} / {b}");
        }
        assert_eq!(meaning("  "), "");
    }

    #[test]
    fn words_are_found_in_every_way_titles_are_written() {
        assert_eq!(words("D.O.B."), ["dob"]);
        assert_eq!(words("Adm. No."), ["adm", "no"]);
        assert_eq!(words("NCYear"), ["nc", "year"]);
        assert_eq!(words("Forename(s)"), ["forename"]);
        assert_eq!(words("LEGAL-SURNAME"), ["legal", "surname"]);
        assert_eq!(words("Yr 7 Tutor"), ["yr", "7", "tutor"]);
    }
}
