//! A UPN (unique pupil number) belongs to one child in the whole country, so an import must
//! never leave two pupils with the same one: two rows for different pupils giving one UPN, or a
//! row giving a UPN that another pupil in Keyholder has, is a mistake to show, not a second
//! record to make.

use super::plan::some_rows;
use super::rejections::Problem;
use crate::model::{Pupil, PupilId};
use std::borrow::Cow;
use std::collections::HashMap;

/// A row that passed its own checks, as far as UPNs are concerned.
pub(super) struct Candidate<'a> {
    /// The row number, as a spreadsheet shows it.
    pub row: usize,
    /// The UPN the pupil will have after the import (`None`: none).
    pub upn: Option<&'a str>,
    /// The pupil in Keyholder the row updates.
    pub matched: Option<&'a Pupil>,
}

/// Which candidates (by index) must be rejected, with the problem and the reason. `existing`
/// is every pupil in Keyholder, archived ones too: their UPNs are taken as well.
pub(super) fn clashes(
    candidates: &[Candidate<'_>],
    existing: &[Pupil],
) -> Vec<(usize, Problem, String)> {
    let mut out = Vec::new();
    let mut rejected = vec![false; candidates.len()];

    // The same UPN on rows for different pupils: the file cannot say whose it is. Each UPN's
    // first row and how many rows give it; only those on several rows are listed.
    let mut in_file: HashMap<Cow<'_, str>, (usize, usize)> =
        HashMap::with_capacity(candidates.len());
    for (i, c) in candidates.iter().enumerate() {
        if let Some(u) = c.upn {
            in_file.entry(same(u)).or_insert((i, 0)).1 += 1;
        }
    }
    let mut rows_of: HashMap<Cow<'_, str>, Vec<usize>> = HashMap::new();
    for (i, c) in candidates.iter().enumerate() {
        if let Some(u) = c.upn.map(same)
            && in_file[&u].1 > 1
        {
            rows_of.entry(u).or_default().push(i);
        }
    }
    for (upn, indices) in &rows_of {
        let rows: Vec<usize> = indices.iter().map(|&i| candidates[i].row).collect();
        let reason = format!(
            "UPN {upn} is on {} for different pupils; a UPN belongs to one child only, so none of these rows was imported",
            some_rows(&rows)
        );
        for &i in indices {
            rejected[i] = true;
            out.push((i, Problem::SameUpn, reason.clone()));
        }
    }

    // A UPN another pupil in Keyholder has, unless this import gives that pupil another one.
    let mut holders: HashMap<Cow<'_, str>, Vec<&Pupil>> = HashMap::new();
    for p in existing {
        if let Some(u) = p.upn.as_deref().filter(|u| !u.trim().is_empty()) {
            holders.entry(same(u)).or_default().push(p);
        }
    }
    if holders.is_empty() {
        // No pupil in Keyholder has a UPN yet (a new school): nothing to clash with.
        return out;
    }
    let row_of: HashMap<PupilId, usize> = candidates
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.matched.map(|p| (p.id, i)))
        .collect();
    // The one row that gives a UPN, if only one does.
    let wanted_by = |upn: &str| in_file.get(upn).filter(|(_, n)| *n == 1).map(|(i, _)| *i);
    // Whether the import takes `upn` away from pupil `p` (their row gives them another).
    let frees = |p: &Pupil, upn: &str, rejected: &[bool]| {
        row_of
            .get(&p.id)
            .is_some_and(|&i| !rejected[i] && candidates[i].upn.map(same).as_deref() != Some(upn))
    };
    let mut to_check: Vec<usize> = (0..candidates.len()).collect();
    // A rejected row keeps its pupil's old UPN, which may then clash with another row: those
    // are checked again, so a chain of corrections is followed to its end (each row once more
    // at most).
    while let Some(i) = to_check.pop() {
        let c = &candidates[i];
        let Some(upn) = c.upn.map(same) else {
            continue;
        };
        if rejected[i] {
            continue;
        }
        let holder = holders.get(&upn).and_then(|ps| {
            ps.iter()
                .find(|p| Some(p.id) != c.matched.map(|m| m.id) && !frees(p, &upn, &rejected))
        });
        let Some(holder) = holder else {
            continue;
        };
        rejected[i] = true;
        out.push((i, Problem::UpnTaken, taken(&upn, holder)));
        if let Some(old) = c.matched.and_then(|m| m.upn.as_deref()).map(same)
            && old != upn
            && let Some(j) = wanted_by(&old)
        {
            to_check.push(j);
        }
    }
    out
}

/// UPNs are compared without case or spaces around them: "a123…" is "A123…". Most are
/// written in capitals already, and are then not copied.
fn same(upn: &str) -> Cow<'_, str> {
    let upn = upn.trim();
    if upn.chars().any(char::is_lowercase) {
        Cow::Owned(upn.to_uppercase())
    } else {
        Cow::Borrowed(upn)
    }
}

fn taken(upn: &str, holder: &Pupil) -> String {
    let who = match holder.mis_id.as_deref() {
        Some(id) => format!("the pupil with MIS ID {id}"),
        None => "a pupil who has no MIS ID (added by hand)".to_string(),
    };
    format!(
        "UPN {upn} already belongs to {who}{} in Keyholder; a UPN belongs to one child only, so this row would make a second record of the same child",
        if holder.archived {
            ", who is archived,"
        } else {
            ""
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pupil(id: i64, mis: &str, upn: &str) -> Pupil {
        Pupil {
            id: PupilId(id),
            mis_id: Some(mis.into()),
            upn: Some(upn.into()),
            forename: "Test".into(),
            surname: format!("Pupil {id}"),
            date_of_birth: None,
            archived: false,
        }
    }

    fn rejected_rows(found: &[(usize, Problem, String)], c: &[Candidate<'_>]) -> Vec<usize> {
        let mut rows: Vec<usize> = found.iter().map(|(i, _, _)| c[*i].row).collect();
        rows.sort();
        rows
    }

    #[test]
    fn two_rows_for_different_pupils_with_one_upn_are_both_rejected_naming_both_rows() {
        let c = [
            Candidate {
                row: 2,
                upn: Some("A100"),
                matched: None,
            },
            Candidate {
                row: 3,
                upn: Some("B200"),
                matched: None,
            },
            Candidate {
                row: 9,
                upn: Some(" a100 "),
                matched: None,
            },
        ];
        let found = clashes(&c, &[]);
        assert_eq!(rejected_rows(&found, &c), [2, 9]);
        for (_, problem, reason) in &found {
            assert_eq!(*problem, Problem::SameUpn);
            assert!(reason.contains("rows 2, 9"), "{reason}");
        }
    }

    #[test]
    fn a_upn_another_pupil_has_is_refused_unless_the_file_gives_them_another() {
        let school = [pupil(1, "M1", "A100"), pupil(2, "M2", "B200")];
        // A new pupil with M1's UPN.
        let c = [Candidate {
            row: 4,
            upn: Some("A100"),
            matched: None,
        }];
        let found = clashes(&c, &school);
        assert_eq!(rejected_rows(&found, &c), [4]);
        assert_eq!(found[0].1, Problem::UpnTaken);
        assert!(found[0].2.contains("MIS ID M1"), "{}", found[0].2);
        // M1 keeping their own UPN is fine.
        let c = [Candidate {
            row: 4,
            upn: Some("A100"),
            matched: Some(&school[0]),
        }];
        assert!(clashes(&c, &school).is_empty());
        // Two pupils' UPNs swapped (a correction): both rows are fine.
        let c = [
            Candidate {
                row: 2,
                upn: Some("B200"),
                matched: Some(&school[0]),
            },
            Candidate {
                row: 3,
                upn: Some("A100"),
                matched: Some(&school[1]),
            },
        ];
        assert!(clashes(&c, &school).is_empty());
    }

    #[test]
    fn a_rejected_correction_keeps_the_old_upn_taken() {
        let school = [
            pupil(1, "M1", "A100"),
            pupil(2, "M2", "B200"),
            pupil(3, "M3", "C300"),
        ];
        // Row 2 would move M1 to B200, but M2 keeps B200 (M2 is not in the file), so row 2 is
        // refused; then M1 keeps A100, and row 3 (a new pupil taking A100) is refused too.
        let c = [
            Candidate {
                row: 2,
                upn: Some("B200"),
                matched: Some(&school[0]),
            },
            Candidate {
                row: 3,
                upn: Some("A100"),
                matched: None,
            },
        ];
        let found = clashes(&c, &school);
        assert_eq!(rejected_rows(&found, &c), [2, 3]);
        assert!(found.iter().any(|(_, _, r)| r.contains("MIS ID M2")));
        assert!(found.iter().any(|(_, _, r)| r.contains("MIS ID M1")));
    }
}
