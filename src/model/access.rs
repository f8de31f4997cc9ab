//! Who can see which pupil, and why not: the access rule of the design (ARCHITECTURE.md, "The
//! access rule") as one pure computation over the whole school.
//!
//! For a user and a pupil, in this order:
//! 1. the user is active and their user group is active;
//! 2. for every restricted group type, the user is on the access list of every group of that
//!    type the pupil belongs to (unrestricted types are ignored);
//! 3. fail closed: a pupil with no group of a restricted type is visible only to users on the
//!    list of every group of that type. When a restricted type has no groups at all, nobody is on
//!    "every" list in any useful sense, so nobody passes: an empty type hides such pupils rather
//!    than opening them to everyone;
//! 4. listing needs View students list, opening a profile needs View student details, and both
//!    are above the basic level, so without an active soft key the group's grant does not apply;
//! 5. there is no bypass: Manage system and the other Administration permissions change nothing.
//!
//! Recording a concern is separate ([`Viewer::find_to_record`]): class restrictions never block
//! it, because a concern about a pupil one cannot see must still reach the safeguarding team.
//!
//! A decision carries every reason that applies, not only the first, so the admin looking at
//! "Who can see this pupil?" sees everything there is to fix at once.
//!
//! The whole-school answer is fast because pupils who share the same restricted groups share one
//! precomputed set of users who pass the class restrictions: a school of 2,000 pupils usually has
//! a few dozen such combinations, and each is a handful of 64-bit words per 64 users.

use super::permission::{CategoryPermissions, EffectivePermissions, SystemPermission};
use super::{
    GroupType, PupilGroup, PupilGroupId, PupilId, SystemPermissions, User, UserGroup, UserId,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What the user wants to do with the pupil.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Purpose {
    /// See the pupil in the class structure and pupil lists.
    List,
    /// Open the pupil's profile.
    Profile,
}

impl Purpose {
    pub const ALL: [Purpose; 2] = [Purpose::List, Purpose::Profile];

    /// The system permission this purpose needs.
    pub fn permission(self) -> SystemPermission {
        match self {
            Purpose::List => SystemPermission::ViewStudentsList,
            Purpose::Profile => SystemPermission::ViewStudentDetails,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Purpose::List => "see in lists",
            Purpose::Profile => "open the profile",
        }
    }

    fn index(self) -> usize {
        match self {
            Purpose::List => 0,
            Purpose::Profile => 1,
        }
    }
}

/// A staff user as the rule needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub user: UserId,
    /// False once the account is deactivated.
    pub active: bool,
    pub group_active: bool,
    /// The user group's name, for the admin screens' rows.
    pub group_name: String,
    /// What the user group grants, before the no-key cap (the rule applies the cap itself, so it
    /// can say "no soft key" rather than "missing permission").
    pub group_permissions: SystemPermissions,
    /// For the signed-in user: signed in with their soft key. For anyone else (the admin asking
    /// who can see a pupil): has an active key enrolled, i.e. would be signed in with it.
    pub has_active_key: bool,
}

impl Viewer {
    /// `user` in `group` (none when their group is gone), with or without a soft key that counts.
    pub fn of(user: &User, group: Option<&UserGroup>, has_active_key: bool) -> Viewer {
        Viewer {
            user: user.id,
            active: user.active,
            group_active: group.is_some_and(|g| g.active),
            group_name: group.map(|g| g.name.clone()).unwrap_or_default(),
            group_permissions: group.map(|g| g.system).unwrap_or_default(),
            has_active_key,
        }
    }
}

impl Viewer {
    /// What the user may actually do now, using the one shared definition of the cap.
    pub fn effective_permissions(&self) -> SystemPermissions {
        EffectivePermissions::compute(
            self.group_permissions,
            &CategoryPermissions::default(),
            self.group_active,
            self.active,
            self.has_active_key,
        )
        .system
    }

    /// Whether the user's standing lets them do `purpose` at all, class restrictions aside.
    pub fn may(&self, purpose: Purpose) -> bool {
        self.effective_permissions().contains(purpose.permission())
    }

    /// Whether the user may find any pupil by name to record a concern about them. Class
    /// restrictions play no part, and it gives no access to the pupil's record.
    pub fn can_find_to_record(&self) -> bool {
        self.effective_permissions()
            .contains(SystemPermission::AddNewIncident)
    }

    /// [`Viewer::can_find_to_record`] with its reasons.
    pub fn find_to_record(&self) -> Decision {
        let mut refusals = self.account_refusals();
        refusals.extend(self.permission_refusal(SystemPermission::AddNewIncident));
        Decision::from_refusals(refusals)
    }

    /// Steps 1 and 4: everything about the user, nothing about the pupil.
    fn standing(&self, purpose: Purpose) -> Vec<Refusal> {
        let mut refusals = self.account_refusals();
        refusals.extend(self.permission_refusal(purpose.permission()));
        refusals
    }

    fn account_refusals(&self) -> Vec<Refusal> {
        let mut refusals = Vec::new();
        if !self.active {
            refusals.push(Refusal::AccountInactive);
        }
        if !self.group_active {
            refusals.push(Refusal::GroupInactive);
        }
        refusals
    }

    /// Whether the group grants `permission` and whether the key cap takes it away. Judged as if
    /// the account were active, so a deactivated user still learns what else would stop them.
    fn permission_refusal(&self, permission: SystemPermission) -> Option<Refusal> {
        if !self.group_permissions.contains(permission) {
            return Some(Refusal::MissingPermission(permission));
        }
        let with_cap = EffectivePermissions::compute(
            self.group_permissions,
            &CategoryPermissions::default(),
            true,
            true,
            self.has_active_key,
        );
        (!with_cap.has(permission)).then_some(Refusal::NoKey(permission))
    }
}

/// One reason a user cannot see a pupil.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Refusal {
    /// The user's account is deactivated.
    AccountInactive,
    /// The user's group is inactive.
    GroupInactive,
    /// The group grants the permission, but only to key holders signed in with their key.
    NoKey(SystemPermission),
    /// The group does not grant the permission.
    MissingPermission(SystemPermission),
    /// The type is restricted, the pupil is in this group, and the user is not on its list.
    NotOnAccessList(PupilGroupId),
    /// The type is restricted, the pupil is in no group of it, and the user is not on every
    /// group's list of that type (or the type has no groups).
    NoGroupOfRestrictedType(GroupType),
}

impl Refusal {
    /// The sentence for the admin, e.g. "not on the access list of Year 3 (Academic Level)".
    /// `groups` names the groups; one it does not contain is named by its number.
    pub fn sentence(&self, groups: &[PupilGroup]) -> String {
        match *self {
            Refusal::AccountInactive => "account deactivated".to_string(),
            Refusal::GroupInactive => "user group inactive".to_string(),
            Refusal::NoKey(p) => format!("no soft key ({} needs one)", p.label()),
            Refusal::MissingPermission(p) => format!("missing permission {}", p.label()),
            Refusal::NotOnAccessList(id) => match groups.iter().find(|g| g.id == id) {
                Some(group) => format!("not on the access list of {}", group.title()),
                None => format!("not on the access list of group {id}"),
            },
            Refusal::NoGroupOfRestrictedType(t) => {
                if groups.iter().any(|g| g.group_type == t) {
                    format!(
                        "has no {}, so only users on every {}'s list can see them",
                        t.label(),
                        t.label()
                    )
                } else {
                    format!(
                        "has no {}, and there are no {} yet, so nobody can see them",
                        t.label(),
                        t.plural()
                    )
                }
            }
        }
    }

    /// Whether this reason comes from class restrictions (fixed on the Groups tab) rather than
    /// from the user or their group (fixed on the Users tab).
    pub fn is_class_restriction(&self) -> bool {
        matches!(
            self,
            Refusal::NotOnAccessList(_) | Refusal::NoGroupOfRestrictedType(_)
        )
    }
}

/// Yes, or no with every reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// Never empty. Reasons come in a stable order: account, user group, permission, then the
    /// class restrictions by group type (Houses, Academic Levels, Registration Forms) and within a
    /// type by group name.
    Refused(Vec<Refusal>),
}

impl Decision {
    fn from_refusals(refusals: Vec<Refusal>) -> Self {
        if refusals.is_empty() {
            Decision::Allowed
        } else {
            Decision::Refused(refusals)
        }
    }

    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allowed)
    }

    pub fn refusals(&self) -> &[Refusal] {
        match self {
            Decision::Allowed => &[],
            Decision::Refused(refusals) => refusals,
        }
    }
}

/// Everything the rule reads, as plain data.
#[derive(Debug, Clone, Default)]
pub struct SchoolAccessInput {
    /// The group types whose "Restrict access?" is ticked.
    pub restricted: BTreeSet<GroupType>,
    pub groups: Vec<PupilGroup>,
    /// Each group's access list. Groups not present have an empty list. Users not among
    /// `viewers` are ignored.
    pub access_lists: BTreeMap<PupilGroupId, BTreeSet<UserId>>,
    /// Every pupil the rule is asked about, with the groups they belong to (any type; an empty
    /// list for a pupil in no group). Groups not in `groups` are ignored.
    pub pupils: BTreeMap<PupilId, Vec<PupilGroupId>>,
    /// Every staff user. A repeated user id keeps its first entry.
    pub viewers: Vec<Viewer>,
}

/// A set of users by their index, as bits: intersecting access lists is a few word ANDs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct UserSet {
    words: Vec<u64>,
}

impl UserSet {
    fn empty(users: usize) -> Self {
        UserSet {
            words: vec![0; users.div_ceil(64)],
        }
    }

    fn full(users: usize) -> Self {
        let mut set = UserSet::empty(users);
        for (i, word) in set.words.iter_mut().enumerate() {
            let bits = users.saturating_sub(i * 64).min(64);
            *word = if bits == 64 {
                u64::MAX
            } else {
                (1 << bits) - 1
            };
        }
        set
    }

    fn insert(&mut self, user: usize) {
        if let Some(word) = self.words.get_mut(user / 64) {
            *word |= 1 << (user % 64);
        }
    }

    fn contains(&self, user: usize) -> bool {
        self.words
            .get(user / 64)
            .is_some_and(|word| (word >> (user % 64)) & 1 == 1)
    }

    fn intersect_with(&mut self, other: &UserSet) {
        for (word, theirs) in self.words.iter_mut().zip(&other.words) {
            *word &= theirs;
        }
    }

    fn intersection(&self, other: &UserSet) -> UserSet {
        let mut set = self.clone();
        set.intersect_with(other);
        set
    }

    fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                Some(i * 64 + bit)
            })
        })
    }
}

/// One thing a pupil's class restrictions ask of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Requirement {
    /// Be on this group's list (index into `SchoolAccess::groups`).
    OnList(usize),
    /// Be on every list of this type, because the pupil has no group of it.
    OnEveryList(GroupType),
}

/// The class restrictions shared by every pupil in the same restricted groups.
#[derive(Debug, Clone)]
struct ClassRule {
    /// In the order the reasons are reported.
    requirements: Vec<Requirement>,
    /// Users who meet every requirement.
    passes: UserSet,
    pupils: usize,
}

/// The rule, precomputed for the whole school.
#[derive(Debug, Clone)]
pub struct SchoolAccess {
    restricted: BTreeSet<GroupType>,
    /// By type, then name ignoring case, then id: the order reasons are reported in.
    groups: Vec<PupilGroup>,
    group_index: HashMap<PupilGroupId, usize>,
    /// By group index.
    access: Vec<UserSet>,
    list_is_empty: Vec<bool>,
    /// Per restricted type: users on every list of that type (nobody when it has no groups).
    on_every_list: BTreeMap<GroupType, UserSet>,
    /// By user id.
    viewers: Vec<Viewer>,
    viewer_index: HashMap<UserId, usize>,
    /// Per purpose: users whose account, group, permission and key allow it, pupil aside.
    standing: [UserSet; 2],
    /// By user, per purpose: the reasons from the user alone (steps 1 and 4).
    standing_refusals: Vec<[Vec<Refusal>; 2]>,
    /// By pupil id.
    pupils: Vec<PupilId>,
    pupil_index: HashMap<PupilId, usize>,
    /// Per pupil, which types they have any group of (bit per `GroupType::ALL` position).
    pupil_types: Vec<u8>,
    pupil_rule: Vec<usize>,
    rules: Vec<ClassRule>,
}

fn type_bit(t: GroupType) -> u8 {
    match t {
        GroupType::House => 1,
        GroupType::AcademicLevel => 2,
        GroupType::RegistrationForm => 4,
    }
}

impl SchoolAccess {
    pub fn new(input: SchoolAccessInput) -> Self {
        let SchoolAccessInput {
            restricted,
            mut groups,
            access_lists,
            pupils: memberships,
            viewers: given_viewers,
        } = input;

        let mut seen = BTreeSet::new();
        let mut viewers: Vec<Viewer> = given_viewers
            .into_iter()
            .filter(|v| seen.insert(v.user))
            .collect();
        viewers.sort_by_key(|v| v.user);
        let viewer_index: HashMap<UserId, usize> = viewers
            .iter()
            .enumerate()
            .map(|(i, v)| (v.user, i))
            .collect();
        let user_count = viewers.len();

        let mut seen = BTreeSet::new();
        groups.retain(|g| seen.insert(g.id));
        groups.sort_by_cached_key(|g| (g.group_type, g.name.trim().to_lowercase(), g.id));
        let group_index: HashMap<PupilGroupId, usize> =
            groups.iter().enumerate().map(|(i, g)| (g.id, i)).collect();
        let mut access = vec![UserSet::empty(user_count); groups.len()];
        let mut list_is_empty = vec![true; groups.len()];
        for (group, users) in &access_lists {
            let Some(&g) = group_index.get(group) else {
                continue;
            };
            list_is_empty[g] = users.is_empty();
            for user in users {
                if let Some(&u) = viewer_index.get(user) {
                    access[g].insert(u);
                }
            }
        }

        let on_every_list: BTreeMap<GroupType, UserSet> = restricted
            .iter()
            .map(|&t| {
                let mut of_type = groups
                    .iter()
                    .zip(&access)
                    .filter(|(g, _)| g.group_type == t)
                    .map(|(_, list)| list)
                    .peekable();
                let set = if of_type.peek().is_none() {
                    UserSet::empty(user_count)
                } else {
                    let mut set = UserSet::full(user_count);
                    for list in of_type {
                        set.intersect_with(list);
                    }
                    set
                };
                (t, set)
            })
            .collect();

        let standing_refusals: Vec<[Vec<Refusal>; 2]> = viewers
            .iter()
            .map(|v| Purpose::ALL.map(|purpose| v.standing(purpose)))
            .collect();
        let standing = Purpose::ALL.map(|purpose| {
            let mut set = UserSet::empty(user_count);
            for (u, refusals) in standing_refusals.iter().enumerate() {
                if refusals[purpose.index()].is_empty() {
                    set.insert(u);
                }
            }
            set
        });

        let mut pupils = Vec::with_capacity(memberships.len());
        let mut pupil_types = Vec::with_capacity(memberships.len());
        let mut pupil_rule = Vec::with_capacity(memberships.len());
        let mut rules: Vec<ClassRule> = Vec::new();
        let mut rule_of: HashMap<Vec<Requirement>, usize> = HashMap::new();
        let mut in_groups: Vec<usize> = Vec::new();
        for (pupil, group_ids) in &memberships {
            in_groups.clear();
            in_groups.extend(
                group_ids
                    .iter()
                    .filter_map(|id| group_index.get(id).copied()),
            );
            // Group indices follow the reporting order, so sorting them orders the reasons.
            in_groups.sort_unstable();
            in_groups.dedup();
            let types = in_groups
                .iter()
                .fold(0u8, |bits, &g| bits | type_bit(groups[g].group_type));
            let mut requirements = Vec::new();
            for &t in &restricted {
                if types & type_bit(t) == 0 {
                    requirements.push(Requirement::OnEveryList(t));
                } else {
                    requirements.extend(
                        in_groups
                            .iter()
                            .filter(|&&g| groups[g].group_type == t)
                            .map(|&g| Requirement::OnList(g)),
                    );
                }
            }
            let rule = match rule_of.get(&requirements) {
                Some(&rule) => rule,
                None => {
                    let mut passes = UserSet::full(user_count);
                    for requirement in &requirements {
                        match requirement {
                            Requirement::OnList(g) => passes.intersect_with(&access[*g]),
                            Requirement::OnEveryList(t) => {
                                if let Some(set) = on_every_list.get(t) {
                                    passes.intersect_with(set);
                                }
                            }
                        }
                    }
                    rules.push(ClassRule {
                        requirements: requirements.clone(),
                        passes,
                        pupils: 0,
                    });
                    rule_of.insert(requirements, rules.len() - 1);
                    rules.len() - 1
                }
            };
            rules[rule].pupils += 1;
            pupils.push(*pupil);
            pupil_types.push(types);
            pupil_rule.push(rule);
        }
        let pupil_index = pupils.iter().enumerate().map(|(i, p)| (*p, i)).collect();

        SchoolAccess {
            restricted,
            groups,
            group_index,
            access,
            list_is_empty,
            on_every_list,
            viewers,
            viewer_index,
            standing,
            standing_refusals,
            pupils,
            pupil_index,
            pupil_types,
            pupil_rule,
            rules,
        }
    }

    // ----- what it was built from -----

    pub fn is_restricted(&self, t: GroupType) -> bool {
        self.restricted.contains(&t)
    }

    /// Every pupil, by id.
    pub fn pupils(&self) -> &[PupilId] {
        &self.pupils
    }

    /// Every user, by id.
    pub fn viewers(&self) -> &[Viewer] {
        &self.viewers
    }

    pub fn viewer(&self, user: UserId) -> Option<&Viewer> {
        self.viewer_index.get(&user).map(|&u| &self.viewers[u])
    }

    /// Every group, by type and then name.
    pub fn groups(&self) -> &[PupilGroup] {
        &self.groups
    }

    pub fn group(&self, id: PupilGroupId) -> Option<&PupilGroup> {
        self.group_index.get(&id).map(|&g| &self.groups[g])
    }

    // ----- one user, one pupil -----

    /// The quick yes/no. An unknown user or pupil is refused.
    pub fn can(&self, user: UserId, pupil: PupilId, purpose: Purpose) -> bool {
        let (Some(&u), Some(&p)) = (self.viewer_index.get(&user), self.pupil_index.get(&pupil))
        else {
            return false;
        };
        self.standing[purpose.index()].contains(u)
            && self.rules[self.pupil_rule[p]].passes.contains(u)
    }

    /// The decision with every reason; `None` for a user or pupil the school does not have.
    pub fn decide(&self, user: UserId, pupil: PupilId, purpose: Purpose) -> Option<Decision> {
        let u = *self.viewer_index.get(&user)?;
        let p = *self.pupil_index.get(&pupil)?;
        Some(self.decide_at(u, p, purpose))
    }

    fn decide_at(&self, u: usize, p: usize, purpose: Purpose) -> Decision {
        let rule = &self.rules[self.pupil_rule[p]];
        let passes_class_rule = rule.passes.contains(u);
        // Most answers are yes; those need no reasons gathered.
        if passes_class_rule && self.standing[purpose.index()].contains(u) {
            return Decision::Allowed;
        }
        let mut refusals = self.standing_refusals[u][purpose.index()].clone();
        if !passes_class_rule {
            for requirement in &rule.requirements {
                match *requirement {
                    Requirement::OnList(g) if !self.access[g].contains(u) => {
                        refusals.push(Refusal::NotOnAccessList(self.groups[g].id));
                    }
                    Requirement::OnEveryList(t)
                        if !self.on_every_list.get(&t).is_some_and(|s| s.contains(u)) =>
                    {
                        refusals.push(Refusal::NoGroupOfRestrictedType(t));
                    }
                    _ => {}
                }
            }
        }
        Decision::from_refusals(refusals)
    }

    /// Whether the user may find pupils by name to record a concern (see
    /// [`Viewer::can_find_to_record`]); an unknown user may not.
    pub fn can_find_to_record(&self, user: UserId) -> bool {
        self.viewer(user).is_some_and(Viewer::can_find_to_record)
    }

    /// The admin's sentence for one reason.
    pub fn explain(&self, refusal: &Refusal) -> String {
        refusal.sentence(&self.groups)
    }

    /// The admin's sentences for a decision: none when allowed.
    pub fn explain_all(&self, decision: &Decision) -> Vec<String> {
        decision
            .refusals()
            .iter()
            .map(|r| self.explain(r))
            .collect()
    }

    // ----- the admin screens -----

    /// "What can this user see?": the pupils they can, by id. Empty for an unknown user.
    pub fn visible_pupils(&self, user: UserId, purpose: Purpose) -> Vec<PupilId> {
        let Some(&u) = self.viewer_index.get(&user) else {
            return Vec::new();
        };
        if !self.standing[purpose.index()].contains(u) {
            return Vec::new();
        }
        let rule_passes: Vec<bool> = self.rules.iter().map(|r| r.passes.contains(u)).collect();
        self.pupils
            .iter()
            .zip(&self.pupil_rule)
            .filter(|&(_, &rule)| rule_passes[rule])
            .map(|(pupil, _)| *pupil)
            .collect()
    }

    /// How many pupils the user can see, without listing them.
    pub fn visible_count(&self, user: UserId, purpose: Purpose) -> usize {
        let Some(&u) = self.viewer_index.get(&user) else {
            return 0;
        };
        if !self.standing[purpose.index()].contains(u) {
            return 0;
        }
        self.rules
            .iter()
            .filter(|r| r.passes.contains(u))
            .map(|r| r.pupils)
            .sum()
    }

    /// "Who can see this pupil?": every user, by id, with the decision and its reasons. Empty
    /// for an unknown pupil.
    pub fn who_can_see(&self, pupil: PupilId, purpose: Purpose) -> Vec<(UserId, Decision)> {
        let Some(&p) = self.pupil_index.get(&pupil) else {
            return Vec::new();
        };
        self.viewers
            .iter()
            .enumerate()
            .map(|(u, viewer)| (viewer.user, self.decide_at(u, p, purpose)))
            .collect()
    }

    /// The whole school at once, for one purpose.
    pub fn matrix(&self, purpose: Purpose) -> AccessMatrix<'_> {
        let standing = &self.standing[purpose.index()];
        AccessMatrix {
            school: self,
            purpose,
            rows: self
                .rules
                .iter()
                .map(|r| r.passes.intersection(standing))
                .collect(),
        }
    }

    // ----- the health check -----

    /// Pupils in no group of type `t` (any type; they fail closed while it is restricted).
    pub fn pupils_without_group_of(&self, t: GroupType) -> Vec<PupilId> {
        self.pupils
            .iter()
            .zip(&self.pupil_types)
            .filter(|&(_, types)| types & type_bit(t) == 0)
            .map(|(pupil, _)| *pupil)
            .collect()
    }

    /// Groups of a restricted type whose access list names nobody, by type and name: nobody can
    /// see their pupils.
    pub fn empty_access_lists(&self) -> Vec<PupilGroupId> {
        self.groups
            .iter()
            .zip(&self.list_is_empty)
            .filter(|&(g, empty)| *empty && self.restricted.contains(&g.group_type))
            .map(|(g, _)| g.id)
            .collect()
    }
}

/// Who can see whom, for the whole school and one purpose. Pupils sharing the same restricted
/// groups share a row, so this costs a few words per combination, not per pupil.
#[derive(Debug, Clone)]
pub struct AccessMatrix<'a> {
    school: &'a SchoolAccess,
    purpose: Purpose,
    /// By class rule: users who pass everything.
    rows: Vec<UserSet>,
}

impl AccessMatrix<'_> {
    pub fn purpose(&self) -> Purpose {
        self.purpose
    }

    pub fn can(&self, user: UserId, pupil: PupilId) -> bool {
        match (
            self.school.viewer_index.get(&user),
            self.school.pupil_index.get(&pupil),
        ) {
            (Some(&u), Some(&p)) => self.rows[self.school.pupil_rule[p]].contains(u),
            _ => false,
        }
    }

    /// The users who can see the pupil, by id.
    pub fn users_who_can_see(&self, pupil: PupilId) -> Vec<UserId> {
        match self.school.pupil_index.get(&pupil) {
            Some(&p) => self.rows[self.school.pupil_rule[p]]
                .iter()
                .map(|u| self.school.viewers[u].user)
                .collect(),
            None => Vec::new(),
        }
    }

    pub fn seen_by_count(&self, pupil: PupilId) -> usize {
        self.school
            .pupil_index
            .get(&pupil)
            .map_or(0, |&p| self.rows[self.school.pupil_rule[p]].len())
    }

    /// Every user with how many pupils they can see, by user id.
    pub fn visible_counts(&self) -> Vec<(UserId, usize)> {
        let mut counts = vec![0usize; self.school.viewers.len()];
        for (row, rule) in self.rows.iter().zip(&self.school.rules) {
            for u in row.iter() {
                counts[u] += rule.pupils;
            }
        }
        self.school
            .viewers
            .iter()
            .zip(counts)
            .map(|(v, count)| (v.user, count))
            .collect()
    }

    /// Pupils nobody at all can see: worth a warning, since concerns about them can be recorded
    /// but nobody could read them.
    pub fn pupils_nobody_can_see(&self) -> Vec<PupilId> {
        self.school
            .pupils
            .iter()
            .zip(&self.school.pupil_rule)
            .filter(|&(_, &rule)| self.rows[rule].is_empty())
            .map(|(pupil, _)| *pupil)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use GroupType::{AcademicLevel, House, RegistrationForm};
    use SystemPermission::*;

    const RED: PupilGroupId = PupilGroupId(1);
    const BLUE: PupilGroupId = PupilGroupId(2);
    const YEAR_1: PupilGroupId = PupilGroupId(10);
    const YEAR_3: PupilGroupId = PupilGroupId(11);
    const FORM_1A: PupilGroupId = PupilGroupId(20);
    const FORM_3B: PupilGroupId = PupilGroupId(21);

    /// In Year 1 and Red.
    const AMARA: PupilId = PupilId(100);
    /// In Year 3 and Blue.
    const BILAL: PupilId = PupilId(101);
    /// In Year 1 but in no House.
    const CLARA: PupilId = PupilId(102);

    /// A teacher with a key on Year 1 and Red.
    const MIA: UserId = UserId(1);
    /// A teacher with a key on Year 1 only.
    const OWEN: UserId = UserId(2);
    /// A teacher with a key on every list.
    const PRIYA: UserId = UserId(3);

    fn group(id: PupilGroupId, group_type: GroupType, name: &str) -> PupilGroup {
        PupilGroup {
            id,
            group_type,
            name: name.into(),
            mis_id: None,
            is_new: false,
        }
    }

    fn teachers() -> SystemPermissions {
        [ViewStudentsList, ViewStudentDetails, AddNewIncident]
            .into_iter()
            .collect()
    }

    fn viewer(user: UserId, group_name: &str, permissions: SystemPermissions) -> Viewer {
        Viewer {
            user,
            active: true,
            group_active: true,
            group_name: group_name.into(),
            group_permissions: permissions,
            has_active_key: true,
        }
    }

    fn school(restricted: &[GroupType], extra: Vec<Viewer>) -> SchoolAccess {
        let mut viewers = vec![
            viewer(MIA, "Teachers", teachers()),
            viewer(OWEN, "Teachers", teachers()),
            viewer(PRIYA, "Teachers", teachers()),
        ];
        viewers.extend(extra);
        let lists = [
            (YEAR_1, vec![MIA, OWEN, PRIYA]),
            (YEAR_3, vec![PRIYA]),
            (RED, vec![MIA, PRIYA]),
            (BLUE, vec![PRIYA]),
            (FORM_1A, vec![]),
        ];
        SchoolAccess::new(SchoolAccessInput {
            restricted: restricted.iter().copied().collect(),
            groups: vec![
                group(RED, GroupType::House, "Red"),
                group(BLUE, GroupType::House, "Blue"),
                group(YEAR_3, GroupType::AcademicLevel, "Year 3"),
                group(YEAR_1, GroupType::AcademicLevel, "Year 1"),
                group(FORM_1A, GroupType::RegistrationForm, "1A"),
                group(FORM_3B, GroupType::RegistrationForm, "3B"),
            ],
            access_lists: lists
                .into_iter()
                .map(|(g, users)| (g, users.into_iter().collect()))
                .collect(),
            pupils: [
                (AMARA, vec![YEAR_1, RED, FORM_1A]),
                (BILAL, vec![YEAR_3, BLUE, FORM_3B]),
                (CLARA, vec![YEAR_1]),
            ]
            .into_iter()
            .collect(),
            viewers,
        })
    }

    fn refusals(s: &SchoolAccess, user: UserId, pupil: PupilId, purpose: Purpose) -> Vec<Refusal> {
        s.decide(user, pupil, purpose)
            .map(|d| d.refusals().to_vec())
            .unwrap_or_default()
    }

    fn sentences(s: &SchoolAccess, user: UserId, pupil: PupilId, purpose: Purpose) -> Vec<String> {
        s.decide(user, pupil, purpose)
            .map(|d| s.explain_all(&d))
            .unwrap_or_default()
    }

    #[test]
    fn nothing_restricted_means_permissions_alone_decide() {
        let s = school(&[], vec![]);
        for pupil in [AMARA, BILAL, CLARA] {
            for purpose in Purpose::ALL {
                assert_eq!(s.decide(OWEN, pupil, purpose), Some(Decision::Allowed));
                assert!(s.can(OWEN, pupil, purpose));
            }
        }
    }

    #[test]
    fn a_pupil_in_two_restricted_groups_needs_both_lists() {
        let s = school(&[House, AcademicLevel], vec![]);
        // Amara is in Year 1 and Red: Mia is on both, Owen only on Year 1.
        assert!(s.can(MIA, AMARA, Purpose::List));
        assert!(!s.can(OWEN, AMARA, Purpose::List));
        assert_eq!(
            refusals(&s, OWEN, AMARA, Purpose::List),
            [Refusal::NotOnAccessList(RED)]
        );
        assert_eq!(
            sentences(&s, OWEN, AMARA, Purpose::Profile),
            ["not on the access list of Red (House)"]
        );
        // Bilal is in Year 3 and Blue: Mia is on neither, and hears about both, House first.
        assert_eq!(
            sentences(&s, MIA, BILAL, Purpose::List),
            [
                "not on the access list of Blue (House)",
                "not on the access list of Year 3 (Academic Level)"
            ]
        );
        assert!(s.can(PRIYA, BILAL, Purpose::Profile));
    }

    #[test]
    fn an_unrestricted_type_is_ignored() {
        // Only Academic Levels restricted: Owen's absence from Red's list does not matter.
        let s = school(&[AcademicLevel], vec![]);
        assert!(s.can(OWEN, AMARA, Purpose::Profile));
        // Registration Form 1A's list is empty, but the type is not restricted.
        assert!(s.empty_access_lists().is_empty());
    }

    #[test]
    fn a_pupil_without_a_group_of_a_restricted_type_fails_closed() {
        let s = school(&[House], vec![]);
        // Clara has no House: only users on every House's list (Red and Blue) see her.
        assert!(s.can(PRIYA, CLARA, Purpose::List));
        assert!(s.can(PRIYA, CLARA, Purpose::Profile));
        assert!(!s.can(MIA, CLARA, Purpose::List));
        assert!(!s.can(OWEN, CLARA, Purpose::List));
        assert_eq!(
            refusals(&s, MIA, CLARA, Purpose::List),
            [Refusal::NoGroupOfRestrictedType(House)]
        );
        assert_eq!(
            sentences(&s, MIA, CLARA, Purpose::List),
            ["has no House, so only users on every House's list can see them"]
        );
        assert_eq!(s.pupils_without_group_of(House), [CLARA]);
        assert_eq!(s.pupils_without_group_of(RegistrationForm), [CLARA]);
        assert!(s.pupils_without_group_of(AcademicLevel).is_empty());
    }

    #[test]
    fn a_restricted_type_with_no_groups_hides_pupils_from_everyone() {
        let s = SchoolAccess::new(SchoolAccessInput {
            restricted: [House].into_iter().collect(),
            groups: vec![group(YEAR_1, AcademicLevel, "Year 1")],
            access_lists: BTreeMap::new(),
            pupils: [(CLARA, vec![YEAR_1])].into_iter().collect(),
            viewers: vec![viewer(PRIYA, "SLT", SystemPermissions::all())],
        });
        assert!(!s.can(PRIYA, CLARA, Purpose::List));
        assert_eq!(
            sentences(&s, PRIYA, CLARA, Purpose::List),
            ["has no House, and there are no Houses yet, so nobody can see them"]
        );
        assert_eq!(s.matrix(Purpose::List).pupils_nobody_can_see(), [CLARA]);
    }

    #[test]
    fn an_inactive_user_group_or_deactivated_account_sees_nothing() {
        let mut inactive_group = viewer(UserId(4), "Supply", teachers());
        inactive_group.group_active = false;
        let mut deactivated = viewer(UserId(5), "Teachers", teachers());
        deactivated.active = false;
        let s = school(&[], vec![inactive_group, deactivated]);
        assert_eq!(
            sentences(&s, UserId(4), AMARA, Purpose::List),
            ["user group inactive"]
        );
        assert_eq!(
            sentences(&s, UserId(5), AMARA, Purpose::Profile),
            ["account deactivated"]
        );
        assert!(s.visible_pupils(UserId(4), Purpose::List).is_empty());
        assert!(!s.can_find_to_record(UserId(5)));
        assert_eq!(
            s.viewer(UserId(5)).map(Viewer::find_to_record),
            Some(Decision::Refused(vec![Refusal::AccountInactive]))
        );
    }

    #[test]
    fn without_a_key_the_group_grant_does_not_apply_even_on_every_list() {
        let mut keyless = viewer(UserId(6), "Teachers", teachers());
        keyless.has_active_key = false;
        let s = SchoolAccess::new(SchoolAccessInput {
            restricted: [AcademicLevel].into_iter().collect(),
            groups: vec![group(YEAR_1, AcademicLevel, "Year 1")],
            access_lists: [(YEAR_1, [UserId(6)].into_iter().collect())]
                .into_iter()
                .collect(),
            pupils: [(CLARA, vec![YEAR_1])].into_iter().collect(),
            viewers: vec![keyless],
        });
        for purpose in Purpose::ALL {
            assert!(!s.can(UserId(6), CLARA, purpose));
        }
        assert_eq!(
            refusals(&s, UserId(6), CLARA, Purpose::List),
            [Refusal::NoKey(ViewStudentsList)]
        );
        assert_eq!(
            sentences(&s, UserId(6), CLARA, Purpose::Profile),
            ["no soft key (View student details needs one)"]
        );
        // Recording a concern needs no key and ignores class restrictions.
        assert!(s.can_find_to_record(UserId(6)));
    }

    #[test]
    fn a_missing_permission_is_named() {
        let list_only: SystemPermissions = [ViewStudentsList].into_iter().collect();
        let mut keyless_list_only = viewer(UserId(8), "Office", list_only);
        keyless_list_only.has_active_key = false;
        let s = school(
            &[],
            vec![viewer(UserId(7), "Office", list_only), keyless_list_only],
        );
        assert!(s.can(UserId(7), AMARA, Purpose::List));
        assert_eq!(
            sentences(&s, UserId(7), AMARA, Purpose::Profile),
            ["missing permission View student details"]
        );
        // Not granted at all is "missing", even without a key.
        assert_eq!(
            refusals(&s, UserId(8), AMARA, Purpose::Profile),
            [Refusal::MissingPermission(ViewStudentDetails)]
        );
        assert!(!s.can_find_to_record(UserId(7)));
        assert_eq!(
            s.viewer(UserId(7)).map(Viewer::find_to_record),
            Some(Decision::Refused(vec![Refusal::MissingPermission(
                AddNewIncident
            )]))
        );
    }

    #[test]
    fn manage_system_is_no_bypass() {
        let slt = viewer(UserId(9), "SLT", SystemPermissions::all());
        let s = school(&[AcademicLevel], vec![slt]);
        assert!(!s.can(UserId(9), AMARA, Purpose::Profile));
        assert_eq!(
            sentences(&s, UserId(9), AMARA, Purpose::Profile),
            ["not on the access list of Year 1 (Academic Level)"]
        );
        assert!(s.visible_pupils(UserId(9), Purpose::List).is_empty());
    }

    #[test]
    fn a_keyless_recorder_can_find_any_pupil_to_record() {
        let recorder: SystemPermissions = [AddNewIncident, ViewFiles].into_iter().collect();
        let mut v = viewer(UserId(10), "Lunchtime staff", recorder);
        v.has_active_key = false;
        assert!(v.can_find_to_record());
        assert_eq!(v.find_to_record(), Decision::Allowed);
        let s = school(&[House, AcademicLevel, RegistrationForm], vec![v]);
        assert!(s.can_find_to_record(UserId(10)));
        // ...without seeing anyone's record.
        assert!(s.visible_pupils(UserId(10), Purpose::List).is_empty());
        assert!(!s.can_find_to_record(UserId(999)));
    }

    #[test]
    fn every_reason_comes_back_together_in_a_stable_order() {
        let mut v = viewer(UserId(11), "Supply", teachers());
        v.active = false;
        v.group_active = false;
        v.has_active_key = false;
        let s = school(&[House, AcademicLevel, RegistrationForm], vec![v]);
        assert_eq!(
            refusals(&s, UserId(11), BILAL, Purpose::Profile),
            [
                Refusal::AccountInactive,
                Refusal::GroupInactive,
                Refusal::NoKey(ViewStudentDetails),
                Refusal::NotOnAccessList(BLUE),
                Refusal::NotOnAccessList(YEAR_3),
                Refusal::NotOnAccessList(FORM_3B),
            ]
        );
        assert_eq!(
            sentences(&s, UserId(11), CLARA, Purpose::List),
            [
                "account deactivated",
                "user group inactive",
                "no soft key (View students list needs one)",
                "has no House, so only users on every House's list can see them",
                "not on the access list of Year 1 (Academic Level)",
                "has no Registration Form, so only users on every Registration Form's list can see them",
            ]
        );
    }

    #[test]
    fn explanations_name_groups_by_title() {
        let groups = [group(YEAR_3, AcademicLevel, "Year 3")];
        assert_eq!(
            Refusal::NotOnAccessList(YEAR_3).sentence(&groups),
            "not on the access list of Year 3 (Academic Level)"
        );
        assert_eq!(
            Refusal::NotOnAccessList(PupilGroupId(77)).sentence(&groups),
            "not on the access list of group 77"
        );
        assert_eq!(
            Refusal::MissingPermission(ViewStudentDetails).sentence(&[]),
            "missing permission View student details"
        );
        assert_eq!(
            Refusal::NoGroupOfRestrictedType(RegistrationForm).sentence(&[]),
            "has no Registration Form, and there are no Registration Forms yet, so nobody can see them"
        );
        assert!(Refusal::NotOnAccessList(YEAR_3).is_class_restriction());
        assert!(!Refusal::NoKey(ViewStudentsList).is_class_restriction());
    }

    #[test]
    fn whole_school_views_agree_with_single_decisions() {
        let mut keyless = viewer(UserId(12), "Teachers", teachers());
        keyless.has_active_key = false;
        let s = school(&[House, AcademicLevel], vec![keyless]);
        assert_eq!(s.visible_pupils(MIA, Purpose::List), [AMARA]);
        assert_eq!(
            s.visible_pupils(PRIYA, Purpose::List),
            [AMARA, BILAL, CLARA]
        );
        assert_eq!(s.visible_count(PRIYA, Purpose::Profile), 3);
        assert_eq!(s.visible_count(UserId(12), Purpose::Profile), 0);
        assert!(s.visible_pupils(UserId(999), Purpose::List).is_empty());

        let who = s.who_can_see(AMARA, Purpose::Profile);
        let allowed: Vec<UserId> = who
            .iter()
            .filter(|(_, d)| d.is_allowed())
            .map(|(u, _)| *u)
            .collect();
        assert_eq!(allowed, [MIA, PRIYA]);
        assert_eq!(who.len(), 4);
        assert!(s.who_can_see(PupilId(999), Purpose::List).is_empty());
        assert_eq!(s.decide(UserId(999), AMARA, Purpose::List), None);
        assert!(!s.can(MIA, PupilId(999), Purpose::List));

        let m = s.matrix(Purpose::Profile);
        assert_eq!(m.purpose(), Purpose::Profile);
        assert_eq!(m.users_who_can_see(AMARA), [MIA, PRIYA]);
        assert_eq!(m.seen_by_count(BILAL), 1);
        assert!(m.can(PRIYA, CLARA));
        assert!(!m.can(UserId(12), CLARA));
        assert_eq!(
            m.visible_counts(),
            [(MIA, 1), (OWEN, 0), (PRIYA, 3), (UserId(12), 0)]
        );
        assert!(m.pupils_nobody_can_see().is_empty());
        for pupil in s.pupils() {
            for v in s.viewers() {
                for purpose in Purpose::ALL {
                    let decided = s.decide(v.user, *pupil, purpose).map(|d| d.is_allowed());
                    assert_eq!(decided, Some(s.can(v.user, *pupil, purpose)));
                    assert_eq!(
                        s.matrix(purpose).can(v.user, *pupil),
                        s.can(v.user, *pupil, purpose)
                    );
                }
            }
        }
    }

    #[test]
    fn health_check_finds_empty_lists_of_restricted_types_only() {
        let s = school(&[House, RegistrationForm], vec![]);
        // 1A's list is given but empty; 3B has no list at all. Academic Levels are unrestricted.
        assert_eq!(s.empty_access_lists(), [FORM_1A, FORM_3B]);
        assert!(s.is_restricted(House));
        assert!(!s.is_restricted(AcademicLevel));
        assert_eq!(s.group(YEAR_1).map(|g| g.name.as_str()), Some("Year 1"));
        // Groups come by type, then name.
        let names: Vec<&str> = s.groups().iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["Blue", "Red", "Year 1", "Year 3", "1A", "3B"]);
    }

    #[test]
    fn user_sets_count_and_iterate_past_one_word() {
        let mut set = UserSet::empty(130);
        for u in [0, 63, 64, 129] {
            set.insert(u);
        }
        assert_eq!(set.iter().collect::<Vec<_>>(), [0, 63, 64, 129]);
        assert_eq!(set.len(), 4);
        assert!(!set.contains(130));
        assert_eq!(UserSet::full(130).len(), 130);
        assert_eq!(UserSet::full(128).len(), 128);
        assert!(UserSet::full(0).is_empty());
    }
}
