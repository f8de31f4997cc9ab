//! Every person named in the two help sheets this product is modelled on is a real or sample
//! person of another system; Keyholder's code, samples and documents invent their own names.

use std::path::Path;

/// The surnames in the help sheets.
const HELP_SHEET_SURNAMES: &[&str] = &[
    "Aryan",
    "Atkins",
    "Atkinson",
    "Burdock",
    "Christophorou",
    "Coates",
    "Cohen",
    "Fernie",
    "Forrest",
    "Gooderham",
    "Gornall",
    "Greening",
    "Howarth",
    "Hussain",
    "Johnson",
    "Brown",
    "Higgins",
    "Maxfield",
    "Mortimer",
    "Robinson",
    "Sawyer",
    "Wild",
    "Wilkinson",
];

/// The lists of names themselves, which have to spell them out.
const EXEMPT: &[&str] = &["src/service/demo.rs", "tests/invented_names.rs"];

fn visit(dir: &Path, root: &Path, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            visit(&path, root, found);
        } else {
            check(&path, root, found);
        }
    }
}

fn check(path: &Path, root: &Path, found: &mut Vec<String>) {
    let rel = path
        .strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    if EXEMPT.contains(&rel.as_str()) {
        return;
    }
    let Ok(bytes) = std::fs::read(path) else {
        return;
    };
    // Read byte by byte so Windows-1252 samples and images do no harm; the names are ASCII.
    let text: String = bytes.iter().map(|&b| b as char).collect();
    for name in HELP_SHEET_SURNAMES {
        let whole_word = text.match_indices(name).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + name.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        });
        if whole_word {
            found.push(format!("{rel}: {name}"));
        }
    }
}

#[test]
fn no_names_from_the_help_sheets_anywhere_in_the_tree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for dir in [
        "src",
        "tests",
        "benches",
        "resources",
        "docs",
        "packaging",
        "migrations",
    ] {
        visit(&root.join(dir), root, &mut found);
    }
    check(&root.join("README.md"), root, &mut found);
    assert!(found.is_empty(), "help-sheet names found: {found:#?}");
}

#[test]
fn the_check_finds_a_name_when_there_is_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, format!("Spoke to {} today.", HELP_SHEET_SURNAMES[0])).unwrap();
    let mut found = Vec::new();
    check(&file, dir.path(), &mut found);
    assert_eq!(found, [format!("notes.txt: {}", HELP_SHEET_SURNAMES[0])]);
    // Part of a longer word is not a name.
    std::fs::write(&file, format!("x{}y", HELP_SHEET_SURNAMES[0])).unwrap();
    found.clear();
    check(&file, dir.path(), &mut found);
    assert!(found.is_empty());
}
