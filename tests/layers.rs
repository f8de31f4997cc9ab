//! The layer rules of ARCHITECTURE.md, read from the source tree: the window (`src/ui`) and the
//! commands (`src/cli`, `src/main.rs`, `src/bin`) reach the school only through `service` (with
//! `model` and `clock`); SQLite (`rusqlite`, and the vault's raw connection) stays inside
//! `src/vault`.

use std::path::{Path, PathBuf};

/// The top-level modules the window and the commands may name.
const FRONT_MAY_USE: &[&str] = &["service", "model", "clock", "ui", "cli"];

/// One broken rule, for the failure message.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Breach {
    file: String,
    line: usize,
    what: String,
}

/// The source without comments and without the text of string and character literals, with the
/// same line breaks, so a rule is never broken (or kept) by a comment or a message.
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                if chars[i] == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 2;
        } else if c == '"' || (c == 'r' && matches!(next, Some('"') | Some('#'))) {
            // A raw string ends with its quote and as many #s as it began with.
            let mut hashes = 0;
            if c == 'r' {
                i += 1;
                while chars.get(i) == Some(&'#') {
                    hashes += 1;
                    i += 1;
                }
                if chars.get(i) != Some(&'"') {
                    out.push('r');
                    continue;
                }
            }
            i += 1;
            out.push_str("\"\"");
            while i < chars.len() {
                if c != 'r' && chars[i] == '\\' {
                    i += 2;
                    continue;
                }
                if chars[i] == '"' && (0..hashes).all(|h| chars.get(i + 1 + h) == Some(&'#')) {
                    i += 1 + hashes;
                    break;
                }
                if chars[i] == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
        } else if c == '\'' && next == Some('\\') {
            // An escaped character literal such as '\n' or '\''.
            i += 2;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            i += 3;
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The module path of a file under `src/`: `ui/screen/users.rs` → `["ui", "screen", "users"]`,
/// `ui/mod.rs` → `["ui"]`, `lib.rs` → `[]`.
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs");
        if !matches!(stem, "mod" | "lib" | "main") {
            parts.push(stem.to_string());
        }
    }
    parts
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The first segments of the items in a `{…}` group starting at `text[0] == '{'`.
fn group_heads(text: &str) -> Vec<String> {
    let mut depth = 0;
    let mut heads = Vec::new();
    let mut current = String::new();
    let mut taking = true;
    for c in text.chars() {
        match c {
            '{' => {
                depth += 1;
                if depth > 1 {
                    taking = false;
                }
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => {
                heads.push(std::mem::take(&mut current));
                taking = true;
            }
            c if depth == 1 && taking && is_ident(c) => current.push(c),
            ':' if depth == 1 => taking = false,
            c if c.is_whitespace() => {}
            _ => taking = false,
        }
    }
    heads.push(current);
    heads.into_iter().filter(|h| !h.is_empty()).collect()
}

/// Every crate-level module a file's code names, with its line: `crate::x`, `keyholder::x`, and
/// `super::` chains that climb to the crate's root, each resolved from the file's own module.
fn named_modules(module: &[String], code: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let mut i = 0;
        while i < line.len() {
            let here = &line[i..];
            let before = line[..i].chars().next_back();
            let prefix = ["crate::", "keyholder::", "super::"]
                .into_iter()
                .find(|p| here.starts_with(p))
                .filter(|_| !before.is_some_and(|c| is_ident(c) || c == ':'));
            let Some(prefix) = prefix else {
                i += here.chars().next().map_or(1, char::len_utf8);
                continue;
            };
            let mut tail = &here[prefix.len()..];
            let mut at_root = true;
            if prefix == "super::" {
                let mut depth = module.len().saturating_sub(1);
                while let Some(t) = tail.strip_prefix("super::") {
                    depth = depth.saturating_sub(1);
                    tail = t;
                }
                at_root = depth == 0;
            }
            i = line.len() - tail.len();
            if !at_root {
                continue;
            }
            if tail.starts_with('{') {
                found.extend(group_heads(tail).into_iter().map(|h| (n + 1, h)));
            } else {
                let head: String = tail.chars().take_while(|c| is_ident(*c)).collect();
                if !head.is_empty() {
                    found.push((n + 1, head));
                }
            }
        }
    }
    found
}

/// Words that mark SQLite outside the vault: the crate itself and the vault's raw connection.
fn sqlite_words(code: &str) -> Vec<(usize, &'static str)> {
    let mut found = Vec::new();
    for (n, line) in code.lines().enumerate() {
        for word in ["rusqlite", ".conn()"] {
            let hit = line.match_indices(word).any(|(i, _)| {
                let before = line[..i].chars().next_back();
                word.starts_with('.') || !before.is_some_and(is_ident)
            });
            if hit {
                found.push((n + 1, word));
            }
        }
    }
    found
}

/// The breaches of one file, `relative` to `src/`.
fn check_file(relative: &Path, source: &str) -> Vec<Breach> {
    let code = code_only(source);
    let module = module_of(relative);
    let file = relative.display().to_string();
    let mut breaches = Vec::new();
    let front = matches!(
        module.first().map(String::as_str),
        Some("ui" | "cli" | "bin")
    ) || relative == Path::new("main.rs");
    if front {
        for (line, head) in named_modules(&module, &code) {
            if !FRONT_MAY_USE.contains(&head.as_str()) {
                breaches.push(Breach {
                    file: file.clone(),
                    line,
                    what: format!(
                        "names `{head}`: the window and the commands go through `service`"
                    ),
                });
            }
        }
    }
    if module.first().map(String::as_str) != Some("vault") {
        for (line, word) in sqlite_words(&code) {
            breaches.push(Breach {
                file: file.clone(),
                line,
                what: format!("uses `{word}`: SQLite stays inside `vault`"),
            });
        }
    }
    breaches
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_source_tree_keeps_the_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(
        files.len() > 50,
        "the scan found the source tree ({} files)",
        files.len()
    );
    let mut breaches = Vec::new();
    for path in &files {
        let source = std::fs::read_to_string(path).expect("a source file reads");
        let relative = path.strip_prefix(&src).expect("under src");
        breaches.extend(check_file(relative, &source));
    }
    let list: Vec<String> = breaches
        .iter()
        .map(|b| format!("src/{}:{}: {}", b.file, b.line, b.what))
        .collect();
    assert!(list.is_empty(), "layer rules broken:\n{}", list.join("\n"));
}

#[test]
fn the_scanner_finds_each_kind_of_breach() {
    let sample = "use crate::vault::Location;\n\
                  use crate::{model, auth::soft_key};\n\
                  fn f() { let _ = super::super::super::demo::ADMIN_EMAIL; }\n\
                  fn g(c: &rusqlite::Connection) {}\n\
                  fn h(v: &V) { v.conn(); }\n";
    let found = check_file(Path::new("ui/screen/sample.rs"), sample);
    let lines: Vec<(usize, bool)> = found
        .iter()
        .map(|b| (b.line, b.what.contains("service")))
        .collect();
    assert_eq!(
        lines,
        vec![(1, true), (2, true), (3, true), (4, false), (5, false)],
        "{found:#?}"
    );
    assert!(found[0].what.contains("`vault`"));
    assert!(found[1].what.contains("`auth`"));
    assert!(found[2].what.contains("`demo`"));
}

#[test]
fn the_scanner_lets_the_allowed_paths_and_other_layers_be() {
    let allowed = "use crate::service::{self, Location};\n\
                   use crate::model::User;\n\
                   use super::theme; // crate::vault in a comment\n\
                   const M: &str = \"crate::vault and rusqlite in a message\";\n\
                   fn f() { crate::clock::now(); }\n";
    assert_eq!(
        check_file(Path::new("ui/screen/sample.rs"), allowed),
        vec![]
    );
    // `super::` from a screen stays inside `ui`; from `ui/mod.rs` it is the crate's root.
    assert_eq!(
        check_file(Path::new("ui/screen/x.rs"), "use super::super::theme;"),
        vec![]
    );
    assert_eq!(
        check_file(Path::new("ui/mod.rs"), "use super::vault;").len(),
        1
    );
    // The service may use the vault; only SQLite itself is kept inside it.
    assert_eq!(
        check_file(Path::new("service/x.rs"), "use crate::vault::Vault;"),
        vec![]
    );
    assert_eq!(
        check_file(Path::new("service/x.rs"), "use rusqlite::Connection;").len(),
        1
    );
    assert_eq!(
        check_file(
            Path::new("vault/x.rs"),
            "use rusqlite::Connection; c.conn();"
        ),
        vec![]
    );
}
