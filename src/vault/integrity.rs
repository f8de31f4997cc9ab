//! Whether the school file's pages are as SQLCipher wrote them.
//!
//! Two checks, because each sees what the other cannot. SQLCipher stores a keyed checksum (HMAC)
//! with every page; `PRAGMA cipher_integrity_check` reads every page of the file straight from
//! disk and checks it, including pages SQLite no longer uses (the free list), which SQLite's own
//! check never opens. `PRAGMA integrity_check` walks the database's structure (tables, indexes,
//! links between pages), which a page with a good checksum can still get wrong.

use super::Db;
use super::error::Result;

/// Problems reported, at most; a badly damaged file would otherwise list every page.
const MOST: usize = 20;

/// What the two checks found, in the admin's words; empty when the file is sound.
pub fn problems(conn: Db<'_>) -> Result<Vec<String>> {
    let mut found = Vec::new();
    match rows(conn, "PRAGMA cipher_integrity_check") {
        Ok(lines) => {
            for line in lines {
                found.push(describe_cipher_line(&line));
            }
        }
        Err(e) => found.push(format!("its pages could not be checked ({e})")),
    }
    match rows(conn, "PRAGMA integrity_check") {
        Ok(lines) if lines.len() == 1 && lines[0] == "ok" => {}
        Ok(lines) => {
            for line in lines {
                found.push(format!("its structure is damaged ({})", line.trim()));
            }
        }
        // A page that fails its checksum stops SQLite's walk with an error instead of a row.
        Err(e) => found.push(format!("it cannot be read all the way through ({e})")),
    }
    found.truncate(MOST);
    Ok(found)
}

fn rows(conn: Db<'_>, sql: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(sql)?;
    let lines = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .take(MOST)
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(lines)
}

/// "HMAC verification failed for page 5" → "page 5 has been changed or damaged since Keyholder
/// wrote it".
fn describe_cipher_line(line: &str) -> String {
    let page = line
        .rsplit_once("page ")
        .and_then(|(_, n)| n.trim().parse::<u64>().ok());
    match page {
        Some(n) if line.contains("verification failed") => {
            format!("page {n} has been changed or damaged since Keyholder wrote it")
        }
        _ => format!("its pages could not all be checked ({})", line.trim()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlcipher_lines_are_put_in_plain_words() {
        assert_eq!(
            describe_cipher_line("HMAC verification failed for page 12"),
            "page 12 has been changed or damaged since Keyholder wrote it"
        );
        assert!(describe_cipher_line("unable to derive keys").contains("unable to derive keys"));
    }
}
