//! Casework: what the safeguarding team did about each incident and what they decided (actions
//! and their outcomes), and the statuses a pupil carries for a period (a child-protection plan,
//! child in need, ...). Plain data and the rules on it; the service decides who may see or change
//! them, the vault keeps them.
//!
//! Reports use these shapes as they are: [`IncidentAction::outcome`] for "actions by outcome",
//! [`open_on`] for "pupils with each open status on a date" (given only the statuses of pupils
//! the reader may see).

use super::{ActionId, CategoryId, IncidentId, PupilId, StatusId, UserId};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// What came of an action: the fixed list a school's safeguarding records use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    DiscussedWithDsl,
    /// Needs a rationale: statutory guidance expects a decision not to refer to say why.
    NoFurtherAction,
    EarlyHelp,
    SocialCareReferral,
    LadoReferral,
    Police,
    Monitoring,
    Other,
}

impl Outcome {
    pub const ALL: [Outcome; 8] = [
        Outcome::DiscussedWithDsl,
        Outcome::NoFurtherAction,
        Outcome::EarlyHelp,
        Outcome::SocialCareReferral,
        Outcome::LadoReferral,
        Outcome::Police,
        Outcome::Monitoring,
        Outcome::Other,
    ];

    /// The name in the school file, the export and the command line.
    pub fn key(self) -> &'static str {
        match self {
            Outcome::DiscussedWithDsl => "discussed_with_dsl",
            Outcome::NoFurtherAction => "no_further_action",
            Outcome::EarlyHelp => "early_help",
            Outcome::SocialCareReferral => "social_care_referral",
            Outcome::LadoReferral => "lado_referral",
            Outcome::Police => "police",
            Outcome::Monitoring => "monitoring",
            Outcome::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::DiscussedWithDsl => "Discussed with DSL",
            Outcome::NoFurtherAction => "No further action",
            Outcome::EarlyHelp => "Early help",
            Outcome::SocialCareReferral => "Referral to children's social care",
            Outcome::LadoReferral => "LADO referral",
            Outcome::Police => "Police",
            Outcome::Monitoring => "Monitoring",
            Outcome::Other => "Other",
        }
    }

    /// Reads a key, also as typed on the command line (`no-further-action`, any case).
    pub fn from_key(key: &str) -> Option<Outcome> {
        let k = key.trim().to_lowercase().replace('-', "_");
        Outcome::ALL.into_iter().find(|o| o.key() == k)
    }

    /// Whether the action sent the concern outside school: to children's social care, the LADO
    /// or the police. Reports list each with what came of it.
    pub fn is_referral(self) -> bool {
        matches!(
            self,
            Outcome::SocialCareReferral | Outcome::LadoReferral | Outcome::Police
        )
    }

    /// Whether the action must say why: a decision to take no further action.
    pub fn needs_rationale(self) -> bool {
        self == Outcome::NoFurtherAction
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// A status a pupil carries for a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StatusKind {
    ChildProtectionPlan,
    ChildInNeed,
    LookedAfter,
    EarlyHelp,
    YoungCarer,
}

impl StatusKind {
    pub const ALL: [StatusKind; 5] = [
        StatusKind::ChildProtectionPlan,
        StatusKind::ChildInNeed,
        StatusKind::LookedAfter,
        StatusKind::EarlyHelp,
        StatusKind::YoungCarer,
    ];

    pub fn key(self) -> &'static str {
        match self {
            StatusKind::ChildProtectionPlan => "child_protection_plan",
            StatusKind::ChildInNeed => "child_in_need",
            StatusKind::LookedAfter => "looked_after",
            StatusKind::EarlyHelp => "early_help",
            StatusKind::YoungCarer => "young_carer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StatusKind::ChildProtectionPlan => "Child protection plan",
            StatusKind::ChildInNeed => "Child in need",
            StatusKind::LookedAfter => "Looked after",
            StatusKind::EarlyHelp => "Early help",
            StatusKind::YoungCarer => "Young carer",
        }
    }

    /// Reads a key, also as typed on the command line (`cp-plan` for short, any case).
    pub fn from_key(key: &str) -> Option<StatusKind> {
        let k = key.trim().to_lowercase().replace('-', "_");
        if k == "cp_plan" || k == "cp" {
            return Some(StatusKind::ChildProtectionPlan);
        }
        StatusKind::ALL.into_iter().find(|s| s.key() == k)
    }
}

impl std::fmt::Display for StatusKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// One step taken about an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentAction {
    pub id: ActionId,
    pub incident: IncidentId,
    /// When it was done (unix seconds).
    pub taken_at: i64,
    /// Who did it; `None` when they are not in this school file.
    pub taken_by: Option<UserId>,
    pub outcome: Outcome,
    /// What was done, in the words of the person recording it.
    pub description: String,
    /// Why this outcome was decided (required for no further action).
    pub rationale: String,
    pub recorded_by: Option<UserId>,
    pub recorded_at: i64,
    /// For an action received from another school: who did it and who recorded it there, by
    /// name (they are not users here).
    pub taken_by_name: Option<String>,
    pub recorded_by_name: Option<String>,
}

/// A version of an action that an edit replaced, whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRevision {
    pub taken_at: i64,
    pub taken_by: Option<UserId>,
    pub outcome: Outcome,
    pub description: String,
    pub rationale: String,
    pub replaced_by: Option<UserId>,
    pub replaced_at: i64,
    /// For a version received from another school, the names there.
    pub taken_by_name: Option<String>,
    pub replaced_by_name: Option<String>,
}

/// A status a pupil carried, or carries, from one day until another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilStatus {
    pub id: StatusId,
    pub pupil: PupilId,
    pub kind: StatusKind,
    pub started_on: NaiveDate,
    /// The day it ended; `None` while it is open.
    pub ended_on: Option<NaiveDate>,
    pub note: String,
    pub set_by: Option<UserId>,
    pub set_at: i64,
    pub ended_by: Option<UserId>,
    pub ended_at: Option<i64>,
    /// For a status received from another school, who set and ended it there, by name.
    pub set_by_name: Option<String>,
    pub ended_by_name: Option<String>,
}

impl PupilStatus {
    /// Open on `day`: started on or before it and not yet ended (the day it ended, it is not).
    pub fn is_open_on(&self, day: NaiveDate) -> bool {
        self.started_on <= day && self.ended_on.is_none_or(|end| end > day)
    }

    pub fn is_open(&self) -> bool {
        self.ended_on.is_none()
    }

    /// Whether this status's period shares a day with `start`..`end` (`None`: still open).
    fn overlaps(&self, start: NaiveDate, end: Option<NaiveDate>) -> bool {
        let starts_before_other_ends = end.is_none_or(|e| self.started_on < e);
        let other_starts_before_this_ends = self.ended_on.is_none_or(|e| start < e);
        starts_before_other_ends && other_starts_before_this_ends
    }
}

/// The status of the same kind whose period would overlap a new one from `start` to `end`, if
/// any: a pupil is on one child-protection plan at a time, so a second is refused.
pub fn overlapping(
    existing: &[PupilStatus],
    kind: StatusKind,
    start: NaiveDate,
    end: Option<NaiveDate>,
) -> Option<&PupilStatus> {
    existing
        .iter()
        .find(|s| s.kind == kind && s.overlaps(start, end))
}

/// For each kind of status, the pupils with one open on `day`, among `statuses` (which the
/// caller has already narrowed to pupils the reader may see). Every kind is present, with an
/// empty set when no pupil has it, so a report lists each.
pub fn open_on(
    statuses: &[PupilStatus],
    day: NaiveDate,
) -> BTreeMap<StatusKind, BTreeSet<PupilId>> {
    let mut out: BTreeMap<StatusKind, BTreeSet<PupilId>> = StatusKind::ALL
        .into_iter()
        .map(|k| (k, BTreeSet::new()))
        .collect();
    for s in statuses.iter().filter(|s| s.is_open_on(day)) {
        out.entry(s.kind).or_default().insert(s.pupil);
    }
    out
}

/// Which entries a chronology shows: the reader narrows it by category and by days. Incidents
/// and their actions are in a category; status changes are not, and `statuses` says whether
/// they are shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChronologyFilter {
    /// Only this category (a category takes in its sub-categories); `None`: every category the
    /// reader may view.
    pub category: Option<CategoryId>,
    /// The first and last day shown, each optional.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub statuses: bool,
}

impl Default for ChronologyFilter {
    fn default() -> Self {
        ChronologyFilter {
            category: None,
            from: None,
            to: None,
            statuses: true,
        }
    }
}

impl ChronologyFilter {
    pub fn takes_day(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|f| day >= f) && self.to.is_none_or(|t| day <= t)
    }

    /// Whether an entry in `category` (whose parent is `parent`) is shown, by category alone.
    pub fn takes_category(&self, category: CategoryId, parent: Option<CategoryId>) -> bool {
        self.category
            .is_none_or(|c| c == category || Some(c) == parent)
    }

    /// "1 Sep 2026 to 31 Oct 2026", "from 1 Sep 2026", "until ...", "all dates".
    pub fn describe_days(&self) -> String {
        let d = |day: NaiveDate| day.format("%-d %b %Y").to_string();
        match (self.from, self.to) {
            (Some(f), Some(t)) => format!("{} to {}", d(f), d(t)),
            (Some(f), None) => format!("from {}", d(f)),
            (None, Some(t)) => format!("until {}", d(t)),
            (None, None) => "all dates".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn status(id: i64, pupil: i64, kind: StatusKind, from: &str, to: Option<&str>) -> PupilStatus {
        PupilStatus {
            id: StatusId(id),
            pupil: PupilId(pupil),
            kind,
            started_on: day(from),
            ended_on: to.map(day),
            note: String::new(),
            set_by: None,
            set_at: 0,
            ended_by: None,
            ended_at: None,
            set_by_name: None,
            ended_by_name: None,
        }
    }

    #[test]
    fn keys_read_back_and_are_distinct() {
        for o in Outcome::ALL {
            assert_eq!(Outcome::from_key(o.key()), Some(o));
        }
        for s in StatusKind::ALL {
            assert_eq!(StatusKind::from_key(s.key()), Some(s));
        }
        assert_eq!(
            Outcome::from_key("No-Further-Action"),
            Some(Outcome::NoFurtherAction)
        );
        assert_eq!(
            StatusKind::from_key("cp-plan"),
            Some(StatusKind::ChildProtectionPlan)
        );
        assert_eq!(Outcome::from_key("referred"), None);
        assert!(Outcome::NoFurtherAction.needs_rationale());
        assert!(!Outcome::LadoReferral.needs_rationale());
    }

    #[test]
    fn a_status_is_open_from_its_first_day_until_the_day_it_ended() {
        let s = status(
            1,
            1,
            StatusKind::ChildInNeed,
            "2026-01-10",
            Some("2026-03-01"),
        );
        assert!(!s.is_open_on(day("2026-01-09")));
        assert!(s.is_open_on(day("2026-01-10")));
        assert!(s.is_open_on(day("2026-02-28")));
        assert!(!s.is_open_on(day("2026-03-01")));
        let open = status(2, 1, StatusKind::ChildInNeed, "2026-01-10", None);
        assert!(open.is_open_on(day("2030-01-01")));
    }

    #[test]
    fn periods_of_one_kind_may_follow_but_not_overlap() {
        let existing = vec![
            status(
                1,
                1,
                StatusKind::ChildProtectionPlan,
                "2025-01-01",
                Some("2025-06-01"),
            ),
            status(2, 1, StatusKind::EarlyHelp, "2026-01-01", None),
        ];
        let cp = StatusKind::ChildProtectionPlan;
        // Starting the day the last one ended is a new period.
        assert!(overlapping(&existing, cp, day("2025-06-01"), None).is_none());
        assert!(overlapping(&existing, cp, day("2024-01-01"), Some(day("2025-01-01"))).is_none());
        assert_eq!(
            overlapping(&existing, cp, day("2025-05-31"), None).map(|s| s.id),
            Some(StatusId(1))
        );
        assert_eq!(
            overlapping(&existing, cp, day("2024-01-01"), None).map(|s| s.id),
            Some(StatusId(1))
        );
        // An open status of another kind does not matter; one of the same kind does.
        let eh = StatusKind::EarlyHelp;
        assert!(overlapping(&existing, eh, day("2025-01-01"), Some(day("2025-12-31"))).is_none());
        assert!(overlapping(&existing, eh, day("2027-01-01"), None).is_some());
    }

    #[test]
    fn open_on_lists_every_kind_and_only_pupils_open_that_day() {
        let all = vec![
            status(1, 1, StatusKind::ChildProtectionPlan, "2026-01-01", None),
            status(
                2,
                2,
                StatusKind::ChildProtectionPlan,
                "2025-01-01",
                Some("2025-09-01"),
            ),
            status(3, 3, StatusKind::YoungCarer, "2026-02-01", None),
        ];
        let on = open_on(&all, day("2026-01-15"));
        assert_eq!(on.len(), StatusKind::ALL.len());
        assert_eq!(
            on[&StatusKind::ChildProtectionPlan],
            BTreeSet::from([PupilId(1)])
        );
        assert!(on[&StatusKind::YoungCarer].is_empty());
        let earlier = open_on(&all, day("2025-03-01"));
        assert_eq!(
            earlier[&StatusKind::ChildProtectionPlan],
            BTreeSet::from([PupilId(2)])
        );
    }

    #[test]
    fn the_filter_takes_a_category_with_its_sub_categories_and_whole_days() {
        let f = ChronologyFilter {
            category: Some(CategoryId(5)),
            from: Some(day("2026-01-01")),
            to: Some(day("2026-01-31")),
            statuses: false,
        };
        assert!(f.takes_category(CategoryId(5), None));
        assert!(f.takes_category(CategoryId(6), Some(CategoryId(5))));
        assert!(!f.takes_category(CategoryId(7), Some(CategoryId(8))));
        assert!(f.takes_day(day("2026-01-01")) && f.takes_day(day("2026-01-31")));
        assert!(!f.takes_day(day("2026-02-01")));
        assert_eq!(f.describe_days(), "1 Jan 2026 to 31 Jan 2026");
        assert!(ChronologyFilter::default().takes_category(CategoryId(9), None));
        assert_eq!(ChronologyFilter::default().describe_days(), "all dates");
    }
}
