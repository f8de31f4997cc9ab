//! How long records are kept (Data Destruction Policies): a policy per category, which its
//! sub-categories follow unless they have their own; when each incident's period ends; and
//! what is then due, for review or for destruction. Pure: the service reads the school and
//! decides who may see and do what.
//!
//! A period runs from the pupil's date of birth, the day they left, or the day of the
//! incident, for a whole number of years. A date that does not exist in the year it falls in
//! (29 February) moves to 1 March: a record is never due before its period is over.

use super::{Category, CategoryId, HoldId, PupilId, UserId};
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

/// The longest period a policy may set, in years.
pub const MAX_YEARS: u32 = 100;

/// What a period is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basis {
    DateOfBirth,
    Leaving,
    Incident,
}

impl Basis {
    pub const ALL: [Basis; 3] = [Basis::DateOfBirth, Basis::Leaving, Basis::Incident];

    pub fn key(self) -> &'static str {
        match self {
            Basis::DateOfBirth => "date_of_birth",
            Basis::Leaving => "leaving",
            Basis::Incident => "incident",
        }
    }

    /// Reads a key, also as typed on the command line (`date-of-birth`, `dob`, any case).
    pub fn from_key(key: &str) -> Option<Basis> {
        let k = key.trim().to_lowercase().replace('-', "_");
        if k == "dob" {
            return Some(Basis::DateOfBirth);
        }
        Basis::ALL.into_iter().find(|b| b.key() == k)
    }

    /// "the date of birth", as in "25 years after the date of birth".
    pub fn words(self) -> &'static str {
        match self {
            Basis::DateOfBirth => "the pupil's date of birth",
            Basis::Leaving => "the day the pupil left",
            Basis::Incident => "the incident",
        }
    }
}

impl std::fmt::Display for Basis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Basis::DateOfBirth => "Date of birth",
            Basis::Leaving => "Leaving",
            Basis::Incident => "Incident",
        })
    }
}

/// What happens when the period is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Then {
    /// Someone looks at the record and decides: keep longer, hold, or destroy.
    Review,
    /// Offered for destruction (still only destroyed after a confirmation).
    Destroy,
}

impl Then {
    pub const ALL: [Then; 2] = [Then::Review, Then::Destroy];

    pub fn key(self) -> &'static str {
        match self {
            Then::Review => "review",
            Then::Destroy => "destroy",
        }
    }

    pub fn from_key(key: &str) -> Option<Then> {
        let k = key.trim().to_lowercase();
        Then::ALL.into_iter().find(|t| t.key() == k)
    }
}

impl std::fmt::Display for Then {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Then::Review => "Review",
            Then::Destroy => "Destroy",
        })
    }
}

/// A category's policy: keep for `years` after `basis`, then review or destroy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Policy {
    pub basis: Basis,
    pub years: u32,
    pub then: Then,
}

impl Policy {
    /// "Keep until 25 years after the pupil's date of birth, then review".
    pub fn describe(&self) -> String {
        format!(
            "Keep until {} after {}, then {}",
            super::names::count(self.years as usize, "year", "years"),
            self.basis.words(),
            self.then.key()
        )
    }

    /// Refuses a period no school keeps records for.
    pub fn check(&self) -> Result<(), String> {
        if self.years == 0 || self.years > MAX_YEARS {
            return Err(format!(
                "A policy keeps records for between 1 and {MAX_YEARS} years."
            ));
        }
        Ok(())
    }
}

/// The policy a school starts with for a category nobody has set one for: child-protection
/// and safeguarding records until the pupil's date of birth plus 25 years, then review (the
/// records-management toolkit for schools). Other categories have none until the school
/// chooses: they are kept.
pub fn default_policy(category_name: &str) -> Option<Policy> {
    let name = category_name.to_lowercase();
    let safeguarding = ["cause for concern", "safeguarding", "child protection"]
        .iter()
        .any(|s| name.contains(s));
    safeguarding.then_some(Policy {
        basis: Basis::DateOfBirth,
        years: 25,
        then: Then::Review,
    })
}

/// Where a category's policy comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Set for this category.
    Own,
    /// Its category's, which a sub-category follows.
    Inherited(CategoryId),
    /// The default for its name, not yet changed by the school.
    Default,
}

/// The policy that applies to each category: its own, else its category's (own or default),
/// else its own default. Categories with none are kept and are not in the map.
pub fn effective(
    categories: &[Category],
    set: &HashMap<CategoryId, Policy>,
) -> HashMap<CategoryId, (Policy, Source)> {
    let top = |c: &Category| -> Option<(Policy, Source)> {
        set.get(&c.id)
            .map(|p| (*p, Source::Own))
            .or_else(|| default_policy(&c.name).map(|p| (p, Source::Default)))
    };
    let by_id: HashMap<CategoryId, &Category> = categories.iter().map(|c| (c.id, c)).collect();
    let mut out = HashMap::new();
    for c in categories {
        let found = match c.parent.and_then(|p| by_id.get(&p)) {
            None => top(c),
            Some(parent) => set
                .get(&c.id)
                .map(|p| (*p, Source::Own))
                .or_else(|| top(parent).map(|(p, _)| (p, Source::Inherited(parent.id))))
                .or_else(|| default_policy(&c.name).map(|p| (p, Source::Default))),
        };
        if let Some(f) = found {
            out.insert(c.id, f);
        }
    }
    out
}

/// `day` plus whole years; 29 February in a year without one becomes 1 March.
pub fn add_years(day: NaiveDate, years: u32) -> Option<NaiveDate> {
    let year = day.year().checked_add(i32::try_from(years).ok()?)?;
    NaiveDate::from_ymd_opt(year, day.month(), day.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
}

/// A hold on a pupil's records (legal proceedings, an inquiry): while it stands, nothing of the
/// pupil's is offered for destruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub id: HoldId,
    pub pupil: PupilId,
    pub reason: String,
    pub placed_by: Option<UserId>,
    pub placed_at: i64,
    /// The last day it stands, if it was given one.
    pub ends_on: Option<NaiveDate>,
    pub lifted_by: Option<UserId>,
    pub lifted_at: Option<i64>,
}

impl Hold {
    /// Standing on `day`: not lifted, and not past its last day.
    pub fn stands_on(&self, day: NaiveDate) -> bool {
        self.lifted_at.is_none() && self.ends_on.is_none_or(|end| day <= end)
    }
}

/// A review's decision to keep a pupil's records longer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub pupil: PupilId,
    /// Nothing of the pupil's is due before this day.
    pub until: NaiveDate,
    pub reason: String,
    pub set_by: Option<UserId>,
    pub set_at: i64,
}

/// One destruction, as the permanent log keeps it: whose records by MIS ID and UPN (never by
/// name), what by category and days, under which policies, when and on whose authority. Never
/// what the records said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destruction {
    pub destroyed_at: i64,
    /// "Ada Bell <a.bell@school.example>", as they were when they authorised it.
    pub authorised_by: String,
    pub mis_id: Option<String>,
    pub upn: Option<String>,
    /// The pupil's record went too, as nothing of theirs was left.
    pub whole_record: bool,
    /// "Behaviour — Against Peers: 2; Attendance: 1".
    pub counts: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// "Behaviour: Keep until 6 years after the incident, then destroy".
    pub policies: String,
}

impl Destruction {
    /// One line for the log as screens and the command line show it (`when` is the time,
    /// already formatted in local time).
    pub fn summary(&self, when: &str) -> String {
        format!(
            "{when} · MIS ID {} · {} · {} to {} · authorised by {}{}",
            self.mis_id.as_deref().unwrap_or("none"),
            self.counts,
            self.first_day.format("%-d %b %Y"),
            self.last_day.format("%-d %b %Y"),
            self.authorised_by,
            if self.whole_record {
                " · the pupil's own record too"
            } else {
                ""
            }
        )
    }
}

/// When a record's period ends, or why it cannot be worked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// The first day it is due (its period is over at the start of this day).
    On(NaiveDate),
    /// Counted from a date of birth the school file does not have: never due until one is
    /// recorded, and listed so that someone adds it.
    NeedsDateOfBirth,
    /// Counted from leaving, and the pupil is still on roll (or left before Keyholder kept the
    /// day pupils leave).
    NotLeft,
}

/// When an incident's period under `policy` ends.
pub fn due(
    policy: &Policy,
    date_of_birth: Option<NaiveDate>,
    left_on: Option<NaiveDate>,
    incident_day: NaiveDate,
) -> Due {
    let from = match policy.basis {
        Basis::DateOfBirth => match date_of_birth {
            Some(d) => d,
            None => return Due::NeedsDateOfBirth,
        },
        Basis::Leaving => match left_on {
            Some(d) => d,
            None => return Due::NotLeft,
        },
        Basis::Incident => incident_day,
    };
    // A period too long for the calendar is never over.
    match add_years(from, policy.years) {
        Some(d) => Due::On(d),
        None => Due::NotLeft,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::category::sample;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const DOB25: Policy = Policy {
        basis: Basis::DateOfBirth,
        years: 25,
        then: Then::Review,
    };

    #[test]
    fn a_leap_day_plus_years_is_1_march_in_a_year_without_one() {
        assert_eq!(add_years(day("2008-02-29"), 25), Some(day("2033-03-01")));
        assert_eq!(add_years(day("2008-02-29"), 4), Some(day("2012-02-29")));
        assert_eq!(add_years(day("2001-03-04"), 25), Some(day("2026-03-04")));
    }

    #[test]
    fn each_basis_counts_from_its_own_day() {
        let incident = day("2020-06-15");
        assert_eq!(
            due(&DOB25, Some(day("2010-01-31")), None, incident),
            Due::On(day("2035-01-31"))
        );
        assert_eq!(due(&DOB25, None, None, incident), Due::NeedsDateOfBirth);
        let leaving = Policy {
            basis: Basis::Leaving,
            years: 6,
            then: Then::Destroy,
        };
        assert_eq!(due(&leaving, None, None, incident), Due::NotLeft);
        assert_eq!(
            due(&leaving, None, Some(day("2024-07-19")), incident),
            Due::On(day("2030-07-19"))
        );
        let after = Policy {
            basis: Basis::Incident,
            years: 1,
            then: Then::Review,
        };
        assert_eq!(
            due(&after, None, None, day("2024-02-29")),
            Due::On(day("2025-03-01"))
        );
    }

    #[test]
    fn sub_categories_follow_their_category_unless_they_have_their_own() {
        let categories = vec![
            sample(1, None, "Cause for Concern"),
            sample(2, Some(1), "Neglect Related"),
            sample(3, Some(1), "Emotional Related"),
            sample(4, None, "Behaviour"),
            sample(5, Some(4), "Against Peers"),
        ];
        let mut set = HashMap::new();
        let short = Policy {
            basis: Basis::Incident,
            years: 6,
            then: Then::Destroy,
        };
        set.insert(CategoryId(3), short);
        let e = effective(&categories, &set);
        assert_eq!(e[&CategoryId(1)], (DOB25, Source::Default));
        assert_eq!(e[&CategoryId(2)], (DOB25, Source::Inherited(CategoryId(1))));
        assert_eq!(e[&CategoryId(3)], (short, Source::Own));
        assert!(!e.contains_key(&CategoryId(4)), "no policy: kept");
        assert!(!e.contains_key(&CategoryId(5)));
        // A policy set on Behaviour reaches its sub-category.
        set.insert(CategoryId(4), short);
        let e = effective(&categories, &set);
        assert_eq!(e[&CategoryId(5)], (short, Source::Inherited(CategoryId(4))));
    }

    #[test]
    fn keys_read_back_and_periods_are_bounded() {
        for b in Basis::ALL {
            assert_eq!(Basis::from_key(b.key()), Some(b));
        }
        assert_eq!(Basis::from_key("DOB"), Some(Basis::DateOfBirth));
        assert_eq!(Basis::from_key("date-of-birth"), Some(Basis::DateOfBirth));
        for t in Then::ALL {
            assert_eq!(Then::from_key(t.key()), Some(t));
        }
        assert!(DOB25.check().is_ok());
        assert!(Policy { years: 0, ..DOB25 }.check().is_err());
        assert!(
            Policy {
                years: 101,
                ..DOB25
            }
            .check()
            .is_err()
        );
        assert_eq!(
            DOB25.describe(),
            "Keep until 25 years after the pupil's date of birth, then review"
        );
    }
}
