//! Alerts and the Dashboard. Recording a concern can alert named staff or whole user groups (by
//! default the groups holding Named person or Manage system, or those an administrator chose);
//! on one PC an alert waits for its reader's next sign-in. What an alert shows is decided when it
//! is read, by the access rule of that moment: a reader who could not open the pupil's profile,
//! or read incidents in the category, is told only that a concern needs them and whom to ask.
//!
//! The Dashboard also holds each person's own reminders ("Remind Me"): notes to themselves for a
//! day, which nobody else sees. The audit records that a reminder was added or done, never what
//! it says, since a note may name a pupil.

use super::error::{Error, Result};
use super::records::{NewConcern, PupilSummary, Recorded, parse_day};
use super::session::Session;
use crate::model::report::Reader;
use crate::model::{
    AlertId, CategoryId, CategoryPermission, ReminderId, SystemPermission, User, UserGroup,
    UserGroupId, UserId, names,
};
use crate::vault::Change;
use crate::vault::queries::{alerts, categories, incidents, people};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// The longest reminder kept; longer is refused, so nothing is cut.
pub const MAX_REMINDER: usize = 2_000;
/// How many alerts already read the Dashboard still lists.
pub const READ_ALERTS_SHOWN: usize = 20;

/// A member of staff who can be alerted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffChoice {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub group: String,
}

impl std::fmt::Display for StaffChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.name, self.group)
    }
}

/// A user group that can be alerted, with how many people it would reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupChoice {
    pub id: UserGroupId,
    pub name: String,
    pub members: usize,
}

/// Who a new concern can alert, and who it alerts unless the recorder changes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertChoices {
    /// Active staff in active user groups, by surname.
    pub staff: Vec<StaffChoice>,
    /// Active user groups, by name.
    pub groups: Vec<GroupChoice>,
    pub default_groups: Vec<UserGroupId>,
}

/// Who to alert about a concern being recorded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlertTo {
    pub staff: Vec<UserId>,
    pub groups: Vec<UserGroupId>,
}

impl AlertTo {
    pub fn is_empty(&self) -> bool {
        self.staff.is_empty() && self.groups.is_empty()
    }
}

/// What an alert says to its reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertAbout {
    /// The reader may open the pupil's profile and read incidents in the category.
    Concern {
        pupil: PupilSummary,
        category: String,
        occurred_at: i64,
    },
    /// The reader may not: only that a concern needs them, and whom to ask ("Ms Harriet Quinlan").
    Ask { who: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertView {
    pub id: AlertId,
    pub sent_at: i64,
    /// Who recorded the concern ("Imported" when they are not in this school file).
    pub sent_by: String,
    /// The user group it reached the reader through.
    pub via_group: Option<String>,
    pub read: bool,
    pub about: AlertAbout,
}

/// When a reminder is due, from today's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Due {
    Overdue,
    Today,
    Later,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderView {
    pub id: ReminderId,
    pub note: String,
    pub due_on: NaiveDate,
    pub due: Due,
}

/// The signed-in person's Dashboard: their alerts (unread first) and their open reminders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    pub alerts: Vec<AlertView>,
    pub reminders: Vec<ReminderView>,
}

impl Dashboard {
    pub fn unread(&self) -> usize {
        self.alerts.iter().filter(|a| !a.read).count()
    }
}

/// The administrator's choice of default user groups for alerts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertDefaults {
    /// False while the defaults follow the permissions (Named person or Manage system).
    pub chosen: bool,
    /// Every user group, and whether a new concern alerts it by default.
    pub groups: Vec<(GroupChoice, bool)>,
}

/// Today on this computer's calendar (the clock tests can move).
pub(crate) fn today() -> NaiveDate {
    local_day(crate::clock::now())
}

/// The day a moment falls on, on this computer's calendar.
pub(crate) fn local_day(unix: i64) -> NaiveDate {
    use chrono::{Local, TimeZone};
    Local
        .timestamp_opt(unix, 0)
        .single()
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

/// The groups alerted when nobody has chosen: those whose members hold Named person or Manage
/// system (the safeguarding lead and the administrators).
fn groups_by_permission(groups: &[UserGroup]) -> Vec<UserGroupId> {
    groups
        .iter()
        .filter(|g| {
            g.active
                && (g.system.contains(SystemPermission::NamedPerson)
                    || g.system.contains(SystemPermission::ManageSystem))
        })
        .map(|g| g.id)
        .collect()
}

fn can_be_alerted(u: &User, groups: &BTreeMap<UserGroupId, &UserGroup>) -> bool {
    u.active && groups.get(&u.user_group).is_some_and(|g| g.active)
}

impl Session {
    fn default_alert_groups(&self, groups: &[UserGroup]) -> Result<Vec<UserGroupId>> {
        Ok(match alerts::default_groups(self.vault().db())? {
            Some(chosen) => chosen
                .into_iter()
                .filter(|id| groups.iter().any(|g| g.id == *id && g.active))
                .collect(),
            None => groups_by_permission(groups),
        })
    }

    /// Who a concern can alert, for + Add Incident. Needs Add new incident/action.
    pub fn alert_choices(&self) -> Result<AlertChoices> {
        self.require(SystemPermission::AddNewIncident)?;
        let conn = self.vault().db();
        let groups = people::user_groups(conn)?;
        let by_id: BTreeMap<UserGroupId, &UserGroup> = groups.iter().map(|g| (g.id, g)).collect();
        let users = people::users(conn)?;
        let mut staff: Vec<StaffChoice> = users
            .iter()
            .filter(|u| can_be_alerted(u, &by_id))
            .map(|u| StaffChoice {
                id: u.id,
                name: u.full_name(),
                email: u.email.clone(),
                group: by_id
                    .get(&u.user_group)
                    .map(|g| g.name.clone())
                    .unwrap_or_default(),
            })
            .collect();
        let sort_names: BTreeMap<UserId, (String, String)> = users
            .iter()
            .map(|u| (u.id, names::sort_key(&u.forename, &u.surname)))
            .collect();
        staff.sort_by_key(|s| (sort_names.get(&s.id).cloned(), s.id));
        let mut choices: Vec<GroupChoice> = groups
            .iter()
            .filter(|g| g.active)
            .map(|g| GroupChoice {
                id: g.id,
                name: g.name.clone(),
                members: users
                    .iter()
                    .filter(|u| u.user_group == g.id && u.active)
                    .count(),
            })
            .collect();
        choices.sort_by_key(|g| g.name.to_lowercase());
        Ok(AlertChoices {
            staff,
            groups: choices,
            default_groups: self.default_alert_groups(&groups)?,
        })
    }

    /// Each person `to` reaches (with the group that reached them), the recorder left out: they
    /// know already. A named person who can no longer be alerted is refused by name, so the
    /// recorder knows who did not hear.
    fn alert_recipients(&self, to: &AlertTo) -> Result<Vec<(UserId, Option<UserGroupId>)>> {
        let conn = self.vault().db();
        let groups = people::user_groups(conn)?;
        let by_id: BTreeMap<UserGroupId, &UserGroup> = groups.iter().map(|g| (g.id, g)).collect();
        let users = people::users(conn)?;
        let me = self.me_id();
        let mut out: Vec<(UserId, Option<UserGroupId>)> = Vec::new();
        let mut seen = BTreeSet::new();
        for id in &to.staff {
            let u = users
                .iter()
                .find(|u| u.id == *id)
                .ok_or_else(|| Error::Invalid("One of the staff chosen for the alert is no longer in Keyholder. Choose again; nothing has been saved.".into()))?;
            if !can_be_alerted(u, &by_id) {
                return Err(Error::Invalid(format!(
                    "{} can no longer sign in, so cannot be alerted. Choose someone else; nothing has been saved.",
                    u.full_name()
                )));
            }
            if u.id != me && seen.insert(u.id) {
                out.push((u.id, None));
            }
        }
        for g in &to.groups {
            let group = by_id.get(g).ok_or_else(|| {
                Error::Invalid(
                    "One of the user groups chosen for the alert no longer exists. Choose again; nothing has been saved."
                        .into(),
                )
            })?;
            if !group.active {
                return Err(Error::Invalid(format!(
                    "The user group {} is inactive, so its members cannot be alerted. Choose another; nothing has been saved.",
                    group.name
                )));
            }
            for u in users.iter().filter(|u| u.user_group == *g && u.active) {
                if u.id != me && seen.insert(u.id) {
                    out.push((u.id, Some(*g)));
                }
            }
        }
        Ok(out)
    }

    /// Records a concern (as [`Session::record_concern`]) and alerts the staff and user groups
    /// chosen, in one change: the concern is never saved without its alerts, nor they without it.
    pub fn record_and_alert(&mut self, c: &NewConcern, to: &AlertTo) -> Result<Recorded> {
        self.change(|this| {
            let mut recipients = this.alert_recipients(to)?;
            let mut recorded = this.record_concern(c)?;
            // A restricted concern alerts only those who may read it: the others get no trace.
            let guards = this.guards()?;
            recipients.retain(|(u, _)| guards.may_read(*u, recorded.id, c.pupil));
            if recipients.is_empty() {
                return Ok(recorded);
            }
            let (me, now, incident) = (this.me_id(), crate::clock::now(), recorded.id);
            let conn = this.vault().db();
            let names_by_id: BTreeMap<UserId, String> = people::users(conn)?
                .into_iter()
                .map(|u| (u.id, u.full_name()))
                .collect();
            let group_names: BTreeMap<UserGroupId, String> = people::user_groups(conn)?
                .into_iter()
                .map(|g| (g.id, g.name))
                .collect();
            let mut reached: Vec<String> = to
                .groups
                .iter()
                .filter_map(|g| group_names.get(g))
                .map(|n| format!("the user group {n}"))
                .collect();
            reached.extend(
                recipients
                    .iter()
                    .filter(|(_, via)| via.is_none())
                    .filter_map(|(u, _)| names_by_id.get(u).cloned()),
            );
            let summary = format!(
                "Alerted {} about incident {}: {}",
                names::count(recipients.len(), "person", "people"),
                incident.0,
                reached.join(", ")
            );
            this.write(|tx| {
                for (reader, via) in &recipients {
                    alerts::insert(tx, incident, *reader, Some(me), now, *via)?;
                }
                Ok(((), Change::new("Alerts sent", summary)))
            })?;
            recorded.alerted = recipients.len();
            Ok(recorded)
        })
    }

    /// The signed-in person's alerts and reminders. Every signed-in person has a Dashboard; what
    /// each alert says follows the access rule as it is now.
    pub fn dashboard(&self) -> Result<Dashboard> {
        let me = self.me();
        let conn = self.vault().db();
        let school = self.load_school()?;
        let reader = Reader::new(&school.access, me.user.id, &me.permissions.categories);
        let all_categories = categories::list(conn)?;
        let cat_names: BTreeMap<CategoryId, &crate::model::Category> =
            all_categories.iter().map(|c| (c.id, c)).collect();
        let users = people::users(conn)?;
        let user_names: BTreeMap<UserId, String> =
            users.iter().map(|u| (u.id, u.full_name())).collect();
        let groups = people::user_groups(conn)?;
        let group_names: BTreeMap<UserGroupId, &str> =
            groups.iter().map(|g| (g.id, g.name.as_str())).collect();
        let mut out = Vec::new();
        let guards = self.guards()?;
        for a in alerts::for_reader(conn, me.user.id, READ_ALERTS_SHOWN)? {
            let Some(incident) = incidents::get(conn, a.incident)? else {
                continue;
            };
            // Restricted since it was sent, to a list without this reader: no trace of it.
            if !guards.may_read(me.user.id, incident.id, incident.pupil) {
                continue;
            }
            let pupil = school
                .pupils
                .get(&incident.pupil)
                .filter(|_| reader.may_read(incident.pupil, Some(incident.category)));
            let about = match pupil {
                Some(p) => AlertAbout::Concern {
                    pupil: school.summary(p),
                    category: cat_names.get(&incident.category).map_or_else(
                        || "Unknown category".to_string(),
                        |c| {
                            c.path(
                                c.parent
                                    .and_then(|p| cat_names.get(&p))
                                    .map(|p| p.name.as_str()),
                            )
                        },
                    ),
                    occurred_at: incident.occurred_at,
                },
                None => AlertAbout::Ask {
                    who: who_to_ask(
                        &school.access,
                        &users,
                        &groups,
                        incident.pupil,
                        incident.category,
                        a.sent_by,
                        me.user.id,
                    ),
                },
            };
            out.push(AlertView {
                id: a.id,
                sent_at: a.sent_at,
                sent_by: a
                    .sent_by
                    .and_then(|u| user_names.get(&u).cloned())
                    .unwrap_or_else(|| "Imported".into()),
                via_group: a
                    .via_group
                    .and_then(|g| group_names.get(&g).map(|n| n.to_string())),
                read: a.read_at.is_some(),
                about,
            });
        }
        let today = today();
        let reminders = alerts::open_reminders(conn, me.user.id)?
            .into_iter()
            .map(|r| {
                let due_on = NaiveDate::parse_from_str(&r.due_on, "%Y-%m-%d").unwrap_or(today);
                ReminderView {
                    id: r.id,
                    note: r.note,
                    due: match due_on.cmp(&today) {
                        std::cmp::Ordering::Less => Due::Overdue,
                        std::cmp::Ordering::Equal => Due::Today,
                        std::cmp::Ordering::Greater => Due::Later,
                    },
                    due_on,
                }
            })
            .collect();
        Ok(Dashboard {
            alerts: out,
            reminders,
        })
    }

    /// Marks one of the signed-in person's alerts as read.
    pub fn mark_alert_read(&mut self, id: AlertId) -> Result<()> {
        self.change(|this| {
            let me = this.me_id();
            let alert = alerts::get(this.vault().db(), id)?
                .filter(|a| a.reader == me)
                .ok_or_else(|| Error::Invalid("That alert is not one of yours.".into()))?;
            if alert.read_at.is_some() {
                return Ok(());
            }
            let now = crate::clock::now();
            this.write(|tx| {
                alerts::mark_read(tx, id, now)?;
                Ok((
                    (),
                    Change::new(
                        "Alert read",
                        format!(
                            "Marked the alert about incident {} as read",
                            alert.incident.0
                        ),
                    ),
                ))
            })
        })
    }

    /// Adds a reminder for the signed-in person ("Remind Me"): a note and a day (07/03/2026).
    pub fn add_reminder(&mut self, note: &str, due_on: &str) -> Result<ReminderId> {
        self.change(|this| {
            let note = note.trim();
            if note.is_empty() {
                return Err(Error::Invalid(
                    "Write what you want to be reminded of.".into(),
                ));
            }
            if note.chars().count() > MAX_REMINDER {
                return Err(Error::Invalid(format!(
                    "The reminder is too long: at most {MAX_REMINDER} characters. Nothing has been saved."
                )));
            }
            let day = parse_day(due_on)?;
            if day < today() {
                return Err(Error::Invalid(format!(
                    "{} has already passed. Choose today or a later day.",
                    day.format("%d/%m/%Y")
                )));
            }
            let (me, now) = (this.me_id(), crate::clock::now());
            let due = day.format("%Y-%m-%d").to_string();
            this.write(|tx| {
                let id = alerts::insert_reminder(tx, me, note, &due, now)?;
                Ok((
                    id,
                    Change::new(
                        "Reminder added",
                        format!("Added a reminder for {}", day.format("%d/%m/%Y")),
                    ),
                ))
            })
        })
    }

    /// Marks one of the signed-in person's reminders done: it leaves the Dashboard.
    pub fn reminder_done(&mut self, id: ReminderId) -> Result<()> {
        self.change(|this| {
            let me = this.me_id();
            let r = alerts::get_reminder(this.vault().db(), id)?
                .filter(|r| r.owner == me)
                .ok_or_else(|| Error::Invalid("That reminder is not one of yours.".into()))?;
            if r.done_at.is_some() {
                return Ok(());
            }
            let now = crate::clock::now();
            this.write(|tx| {
                alerts::reminder_done(tx, id, now)?;
                Ok((
                    (),
                    Change::new(
                        "Reminder done",
                        format!("Marked the reminder for {} done", r.due_on),
                    ),
                ))
            })
        })
    }

    /// Which user groups a new concern alerts by default. Needs Manage system.
    pub fn alert_defaults(&self) -> Result<AlertDefaults> {
        self.require(SystemPermission::ManageSystem)?;
        let conn = self.vault().db();
        let groups = people::user_groups(conn)?;
        let users = people::users(conn)?;
        let on = self.default_alert_groups(&groups)?;
        let mut out: Vec<(GroupChoice, bool)> = groups
            .iter()
            .map(|g| {
                (
                    GroupChoice {
                        id: g.id,
                        name: g.name.clone(),
                        members: users
                            .iter()
                            .filter(|u| u.user_group == g.id && u.active)
                            .count(),
                    },
                    on.contains(&g.id),
                )
            })
            .collect();
        out.sort_by_key(|(g, _)| g.name.to_lowercase());
        Ok(AlertDefaults {
            chosen: alerts::default_groups(conn)?.is_some(),
            groups: out,
        })
    }

    /// Chooses the user groups a new concern alerts by default; `None` goes back to the groups
    /// holding Named person or Manage system. Needs Manage system.
    pub fn set_alert_defaults(&mut self, groups: Option<Vec<UserGroupId>>) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let conn = this.vault().db();
            let all = people::user_groups(conn)?;
            let name = |id: &UserGroupId| all.iter().find(|g| g.id == *id).map(|g| g.name.clone());
            if let Some(chosen) = &groups
                && let Some(missing) = chosen.iter().find(|g| name(g).is_none())
            {
                return Err(Error::Invalid(format!(
                    "There is no user group number {missing}. Nothing has been changed."
                )));
            }
            let describe = |ids: &[UserGroupId]| {
                let mut n: Vec<String> = ids.iter().filter_map(name).collect();
                n.sort_by_key(|s| s.to_lowercase());
                if n.is_empty() {
                    "nobody".to_string()
                } else {
                    n.join(", ")
                }
            };
            let before = describe(&this.default_alert_groups(&all)?);
            let after = match &groups {
                Some(chosen) => describe(chosen),
                None => format!(
                    "{} (the groups with Named person or Manage system)",
                    describe(&groups_by_permission(&all))
                ),
            };
            this.write(|tx| {
                alerts::set_default_groups(tx, groups.as_deref())?;
                Ok((
                    (),
                    Change::new(
                        "Alert defaults changed",
                        "Changed who new concerns alert by default",
                    )
                    .before_after(before, after),
                ))
            })
        })
    }
}

/// Whom a reader who may not open a concern should ask about it: up to two of the safeguarding
/// team (Named person or Manage system) who could read it, or else whoever recorded it.
fn who_to_ask(
    access: &crate::model::access::SchoolAccess,
    users: &[User],
    groups: &[UserGroup],
    pupil: crate::model::PupilId,
    category: CategoryId,
    sent_by: Option<UserId>,
    me: UserId,
) -> String {
    use crate::model::access::Purpose;
    let by_id: BTreeMap<UserGroupId, &UserGroup> = groups.iter().map(|g| (g.id, g)).collect();
    let mut team: Vec<&User> = users
        .iter()
        .filter(|u| u.id != me && can_be_alerted(u, &by_id))
        .filter(|u| {
            by_id.get(&u.user_group).is_some_and(|g| {
                (g.system.contains(SystemPermission::NamedPerson)
                    || g.system.contains(SystemPermission::ManageSystem))
                    && g.categories
                        .allows(category, CategoryPermission::ViewIncidents)
            }) && access.can(u.id, pupil, Purpose::Profile)
        })
        .collect();
    // The Named person (the safeguarding lead) before the administrators.
    team.sort_by_key(|u| {
        (
            !by_id
                .get(&u.user_group)
                .is_some_and(|g| g.system.contains(SystemPermission::NamedPerson)),
            names::sort_key(&u.forename, &u.surname),
        )
    });
    let named: Vec<String> = team.iter().take(2).map(|u| u.full_name()).collect();
    match named.as_slice() {
        [one] => one.clone(),
        [one, two] => format!("{one} or {two}"),
        _ => sent_by
            .and_then(|s| users.iter().find(|u| u.id == s && u.active))
            .map(|u| format!("{}, who recorded it", u.full_name()))
            .unwrap_or_else(|| "your designated safeguarding lead".into()),
    }
}
