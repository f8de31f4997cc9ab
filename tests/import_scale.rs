//! A 100,000-row pupil file with 20,000 rows sharing a few IDs, as a careless MIS export makes:
//! previewed and imported in memory that grows with the file, not with the square of the
//! repeated rows (such a file once took 10 GB and printed 370 MB of rejected rows).
//!
//! Peak memory is read from Linux's /proc (the peak is reset just before the import), so this
//! file holds one test and runs in a process of its own. Elsewhere the sizes of the rejections
//! and their summary are still checked.

mod common;

use common::*;
use keyholder::model::import::ImportKind;

const ROWS: usize = 100_000;
const REPEATED: usize = 20_000;

/// Peak and current resident memory in bytes, where the system tells them.
fn memory() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let n: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(n * 1024)
    };
    Some((kb("VmHWM:")?, kb("VmRSS:")?))
}

/// Resets the peak to the current use (Linux 4.0 and later); false where it cannot.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn file() -> Vec<u8> {
    let mut text = String::from("Adno,UPN,Legal Forename,Legal Surname,DOB,Year,Reg Group,House\n");
    for i in 0..ROWS {
        // Every fifth row carries one of four IDs: 20,000 rows that cannot be told apart.
        let id = if i % 5 == 4 {
            format!("DUP{}", i % 4)
        } else {
            format!("S{i:06}")
        };
        text.push_str(&format!(
            "{id},L{:012},Kit{i},Farrow-Dane,{:02}/{:02}/2017,Year {},{} Wrens,Ash\n",
            700_000_000_000u64 + i as u64,
            1 + i % 28,
            1 + i % 12,
            1 + i % 6,
            1 + i % 6,
        ));
    }
    text.into_bytes()
}

#[test]
fn a_100000_row_file_with_repeated_ids_imports_in_bounded_memory_with_a_short_summary() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    let bytes = file();
    let measured = reset_peak();
    let before = memory();

    let p = s
        .preview_import(ImportKind::Pupils, "whole-school.csv", &bytes, None)
        .unwrap();
    let c = p.plan.counts();
    assert_eq!((c.added, c.rejected), (ROWS - REPEATED, REPEATED));
    // Each reason names a few rows, never all 5,000 that share its ID.
    let reasons: usize = p.plan.rejected.iter().map(|r| r.reason.len()).sum();
    assert!(
        reasons < REPEATED * 200,
        "{reasons} bytes of reasons for {REPEATED} rows"
    );
    let lines = p.rejected_lines();
    assert_eq!(lines.len(), 11, "{lines:#?}");
    assert_eq!(
        lines[10],
        "and 19,990 more rows with the same Adno as another row"
    );
    let report = s.apply_import(&p, false).unwrap();
    assert_eq!(report.counts.added, ROWS - REPEATED);
    assert_eq!(report.rejected, lines);
    let entry = &s.recent_audit("MIS import", 1).unwrap()[0];
    assert!(entry.after.len() < 1_000, "{}", entry.after);
    drop(p);

    if let (true, Some((_, start)), Some((peak, _))) = (measured, before, memory()) {
        let grown = peak.saturating_sub(start);
        eprintln!(
            "peak memory grew by {} MB for a {} MB file",
            grown >> 20,
            bytes.len() >> 20
        );
        // The file, its rows as text and the plan are each a few tens of MB. One copy of
        // the list of 5,000 row numbers in each repeated row's reason would be 480 MB.
        assert!(grown < 400 << 20, "peak memory grew by {} MB", grown >> 20);
    }
}
