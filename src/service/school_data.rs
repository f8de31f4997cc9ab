//! The whole school as one plain structure: what `export` writes, what `load` reads, and what a
//! new school or the demo school is built from. References between parts use the names people see
//! (e-mail addresses, group and category names), never internal row numbers, so a file can be
//! read, checked and edited by a person.

use super::error::{Error, Result};
use crate::model::category::tree_order;
use crate::model::{
    CategoryGrant, CategoryId, CategoryPermissions, GroupType, PupilGroupId, PupilId,
    SystemPermission, SystemPermissions, UserGroupId, UserId,
};
use crate::vault::Db;
use crate::vault::queries::{
    alerts, casework, categories, groups, incidents, people, pupils, reports, restrictions, school,
    transfers,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Bumped whenever a field's meaning changes or a field is added; documented in
/// docs/export-format.md. Format 2 added incidents' `actions` and pupils' `statuses`; format 3
/// the retention section (policies, leaving days, holds, records kept longer, marks and the
/// destruction log); format 4 the transfers sent and received, and on records that arrived in
/// one, the other school's names; format 5 restricted concerns (who alone may read an incident,
/// locked records, the staff a concern is about). An older Keyholder would drop what it does
/// not know (and so open restricted records to everyone), so it refuses the file. Files of
/// earlier formats load as they are.
pub const FORMAT_VERSION: u32 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolData {
    pub format_version: u32,
    #[serde(default)]
    pub app_version: String,
    #[serde(default)]
    pub exported_at: i64,
    pub school: SchoolSection,
    pub group_types: Vec<GroupTypeData>,
    pub groups: Vec<GroupData>,
    pub categories: Vec<CategoryData>,
    pub user_groups: Vec<UserGroupData>,
    pub users: Vec<UserData>,
    pub pupils: Vec<PupilData>,
    pub incidents: Vec<IncidentData>,
    /// Alerts, reminders and saved reports, at the top level of the file beside the rest. An
    /// export without them (from before they existed) loads with none.
    #[serde(flatten)]
    pub alerts_and_reports: AlertsAndReports,
    /// How long records are kept, and what was destroyed (format 3), at the top level too.
    #[serde(flatten)]
    pub retention: RetentionData,
    /// Transfers of pupils' files to and from other schools (format 4), at the top level too.
    #[serde(flatten)]
    pub transfers: TransfersData,
    /// Restricted concerns (format 5), at the top level too.
    #[serde(flatten)]
    pub restrictions: RestrictionsData,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RestrictionsData {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub restricted_incidents: Vec<RestrictedData>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locked_pupils: Vec<RestrictedData>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub staff_involved: Vec<StaffInvolvedData>,
}

/// An incident (position in `incidents`) or a pupil (position in `pupils`) and who alone may
/// read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestrictedData {
    pub position: usize,
    /// E-mail addresses.
    #[serde(default)]
    pub users: Vec<String>,
    /// User-group names.
    #[serde(default)]
    pub user_groups: Vec<String>,
    #[serde(default)]
    pub set_by: Option<String>,
    pub set_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffInvolvedData {
    /// Position in `incidents`.
    pub incident: usize,
    /// E-mail address.
    pub user: String,
    #[serde(default)]
    pub group_may_read: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TransfersData {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transfers_sent: Vec<SentData>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transfers_received: Vec<ReceivedData>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentData {
    pub reference: String,
    /// Position of the pupil in `pupils`, while their record is here.
    #[serde(default)]
    pub pupil: Option<usize>,
    pub pupil_ref: String,
    pub to_school: String,
    #[serde(default)]
    pub to_contact: String,
    pub included: String,
    pub incidents: usize,
    /// `keyholder` or `paper`.
    pub method: String,
    pub sha256: String,
    /// The secret receipt codes are checked against, in hex.
    pub receipt_key: String,
    pub sent_at: i64,
    /// E-mail address of who sent it, or `null`.
    pub sent_by: Option<String>,
    #[serde(default)]
    pub kept_copy: bool,
    /// The kept chronology PDF, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept_chronology: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedData {
    pub reference: String,
    pub from_school: String,
    #[serde(default)]
    pub pupil: Option<usize>,
    pub pupil_ref: String,
    pub sent_at: i64,
    pub sent_by_name: String,
    pub sha256: String,
    pub incidents: usize,
    pub receipt_code: String,
    pub received_at: i64,
    /// E-mail address of who received it, or `null`.
    pub received_by: Option<String>,
    /// The chronology PDF the file carried, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chronology: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RetentionData {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retention_policies: Vec<PolicyData>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leaving_days: Vec<LeavingData>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holds: Vec<HoldData>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kept_longer: Vec<KeptLongerData>,
    /// Positions of incidents (in `incidents`) marked for destruction.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub marked_for_destruction: Vec<usize>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub destruction_log: Vec<DestructionData>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyData {
    pub category: CategoryRef,
    /// `date_of_birth`, `leaving` or `incident`.
    pub from: String,
    pub years: u32,
    /// `review` or `destroy`.
    pub then: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeavingData {
    /// Position of the pupil in `pupils`.
    pub pupil: usize,
    /// YYYY-MM-DD.
    pub left_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldData {
    pub pupil: usize,
    pub reason: String,
    pub placed_by: Option<String>,
    pub placed_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifted_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifted_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptLongerData {
    pub pupil: usize,
    pub until: String,
    pub reason: String,
    pub set_by: Option<String>,
    pub set_at: i64,
}

/// One destruction, as the log keeps it: never the records' content or the pupil's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestructionData {
    pub destroyed_at: i64,
    pub authorised_by: String,
    pub mis_id: Option<String>,
    pub upn: Option<String>,
    pub whole_record: bool,
    pub counts: String,
    pub first_day: String,
    pub last_day: String,
    pub policies: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AlertsAndReports {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<AlertData>,
    /// The user groups a new concern alerts by default, when an administrator chose them;
    /// absent: the groups holding Named person or Manage system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_default_groups: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reminders: Vec<ReminderData>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub saved_reports: Vec<SavedReportData>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertData {
    /// Position of the incident in `incidents`, counting from 0.
    pub incident: usize,
    /// E-mail address of the person alerted.
    pub reader: String,
    pub sent_by: Option<String>,
    pub sent_at: i64,
    /// The user group it reached the reader through, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via_group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderData {
    /// E-mail address of the person it reminds.
    pub owner: String,
    pub note: String,
    /// YYYY-MM-DD.
    pub due_on: String,
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedReportData {
    /// E-mail address of the person who saved it.
    pub owner: String,
    pub name: String,
    /// The report's settings (docs/export-format.md), without its categories...
    pub settings: serde_json::Value,
    /// ...which are here by name.
    #[serde(default)]
    pub categories: Vec<CategoryRef>,
    /// User groups it is shared with, by name.
    #[serde(default)]
    pub shared_with: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolSection {
    pub name: String,
    pub idle_lock_minutes: u32,
    #[serde(default)]
    pub is_demo: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupTypeData {
    #[serde(rename = "type")]
    pub group_type: String,
    pub restricted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupData {
    #[serde(rename = "type")]
    pub group_type: String,
    pub name: String,
    pub mis_id: Option<String>,
    #[serde(default)]
    pub is_new: bool,
    /// E-mail addresses of the users on this group's access list.
    #[serde(default)]
    pub access: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryData {
    pub name: String,
    #[serde(default)]
    pub archived: bool,
    #[serde(default)]
    pub sub_categories: Vec<SubCategoryData>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubCategoryData {
    pub name: String,
    #[serde(default)]
    pub archived: bool,
}

/// A category or sub-category, by name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CategoryRef {
    pub category: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_category: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryGrantData {
    #[serde(flatten)]
    pub category: CategoryRef,
    pub view_students: bool,
    pub view_incidents: bool,
    pub add_incidents: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserGroupData {
    pub name: String,
    pub active: bool,
    pub system_permissions: Vec<String>,
    pub category_permissions: Vec<CategoryGrantData>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserData {
    #[serde(default)]
    pub title: String,
    pub forename: String,
    pub surname: String,
    pub email: String,
    #[serde(default)]
    pub job_title: String,
    pub user_group: String,
    pub active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_login_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRef {
    #[serde(rename = "type")]
    pub group_type: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PupilData {
    pub mis_id: Option<String>,
    pub upn: Option<String>,
    pub forename: String,
    pub surname: String,
    pub date_of_birth: Option<String>,
    #[serde(default)]
    pub archived: bool,
    #[serde(default)]
    pub groups: Vec<GroupRef>,
    #[serde(default)]
    pub monitored: Vec<CategoryRef>,
    /// Statuses with their periods, oldest first (format 2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<StatusData>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusData {
    /// `child_protection_plan`, `child_in_need`, `looked_after`, `early_help`, `young_carer`.
    pub status: String,
    /// YYYY-MM-DD.
    pub started_on: String,
    /// YYYY-MM-DD, the day it ended; `null` while it is open.
    #[serde(default)]
    pub ended_on: Option<String>,
    #[serde(default)]
    pub note: String,
    /// E-mail address of who set it, or `null`.
    #[serde(default)]
    pub set_by: Option<String>,
    pub set_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<i64>,
    /// For a record received from another school, the name there (format 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_by_name: Option<String>,
    /// For a record received from another school, the name there (format 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_by_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentData {
    /// Position of the pupil in `pupils`, counting from 0.
    pub pupil: usize,
    pub category: CategoryRef,
    pub occurred_at: i64,
    pub description: String,
    pub recorded_by: Option<String>,
    pub recorded_at: i64,
    #[serde(default)]
    pub linked_pupils: Vec<usize>,
    /// The wordings edits replaced, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<EarlierWordingData>,
    /// What was done about it, in the order it was done (format 2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<ActionData>,
    /// For a record received from another school, the name there (format 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by_name: Option<String>,
    /// Position in `transfers_received` of the transfer it arrived in (format 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_in: Option<usize>,
    /// Its category at the sending school, when it was put under another one here (format 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_category: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionData {
    pub taken_at: i64,
    /// E-mail address of who did it, or `null`.
    pub taken_by: Option<String>,
    /// One of [`crate::model::Outcome`]'s keys.
    pub outcome: String,
    pub description: String,
    #[serde(default)]
    pub rationale: String,
    pub recorded_by: Option<String>,
    pub recorded_at: i64,
    /// The versions edits replaced, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<EarlierActionData>,
    /// For a record received from another school, the name there (format 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_by_name: Option<String>,
    /// For a record received from another school, the name there (format 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierActionData {
    pub taken_at: i64,
    pub taken_by: Option<String>,
    pub outcome: String,
    pub description: String,
    #[serde(default)]
    pub rationale: String,
    /// E-mail address of the user whose edit replaced it, or `null`.
    pub replaced_by: Option<String>,
    pub replaced_at: i64,
    /// For a record received from another school, the name there (format 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_by_name: Option<String>,
    /// For a record received from another school, the name there (format 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierWordingData {
    pub description: String,
    /// E-mail address of the user whose edit replaced it, or `null`.
    pub replaced_by: Option<String>,
    pub replaced_at: i64,
    /// For a record received from another school, the name there (format 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by_name: Option<String>,
}

impl SchoolData {
    /// Parses an export file, refusing one from a newer version.
    pub fn from_json(text: &str) -> Result<SchoolData> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| Error::BadExport(e.to_string()))?;
        let version = value
            .get("format_version")
            .and_then(|v| v.as_u64())
            .ok_or_else(|| Error::BadExport("it has no format_version".into()))?;
        if version > u64::from(FORMAT_VERSION) {
            return Err(Error::BadExport(format!(
                "it is format {version}, written by a newer Keyholder; this version reads format {FORMAT_VERSION}"
            )));
        }
        serde_json::from_value(value).map_err(|e| Error::BadExport(e.to_string()))
    }

    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads the whole school from the vault.
    pub fn read(conn: Db<'_>) -> Result<SchoolData> {
        let info = school::get(conn)?;
        let restricted = groups::restricted_types(conn)?;
        let all_groups = groups::list(conn)?;
        let access = groups::access_lists(conn)?;
        let cats = categories::list(conn)?;
        let user_groups = people::user_groups(conn)?;
        let users = people::users(conn)?;
        let all_pupils = pupils::list(conn)?;
        let memberships = pupils::memberships(conn)?;
        let monitoring = pupils::monitoring(conn)?;
        let all_incidents = incidents::list(conn)?;
        let mut statuses: BTreeMap<PupilId, Vec<crate::model::casework::PupilStatus>> =
            BTreeMap::new();
        for st in casework::all_statuses(conn)? {
            statuses.entry(st.pupil).or_default().push(st);
        }
        let mut actions = casework::all_actions(conn)?;
        let mut action_revisions = casework::all_action_revisions(conn)?;

        let email_of: HashMap<UserId, &str> =
            users.iter().map(|u| (u.id, u.email.as_str())).collect();
        let email = |u: Option<UserId>| u.and_then(|u| email_of.get(&u).map(|e| e.to_string()));
        let group_of: HashMap<PupilGroupId, &crate::model::PupilGroup> =
            all_groups.iter().map(|g| (g.id, g)).collect();
        let cat_ref = category_refs(&cats);
        let ordered_cats = tree_order(&cats);

        let group_types = GroupType::ALL
            .iter()
            .map(|t| GroupTypeData {
                group_type: t.key().to_string(),
                restricted: restricted.get(t).copied().unwrap_or(false),
            })
            .collect();

        let groups_out = all_groups
            .iter()
            .map(|g| {
                let mut emails: Vec<String> = access
                    .get(&g.id)
                    .into_iter()
                    .flatten()
                    .filter_map(|u| email_of.get(u).map(|e| e.to_string()))
                    .collect();
                emails.sort_by_key(|e| e.to_lowercase());
                GroupData {
                    group_type: g.group_type.key().to_string(),
                    name: g.name.clone(),
                    mis_id: g.mis_id.clone(),
                    is_new: g.is_new,
                    access: emails,
                }
            })
            .collect();

        let categories_out = ordered_cats
            .iter()
            .filter(|c| c.parent.is_none())
            .map(|c| CategoryData {
                name: c.name.clone(),
                archived: c.archived,
                sub_categories: ordered_cats
                    .iter()
                    .filter(|s| s.parent == Some(c.id))
                    .map(|s| SubCategoryData {
                        name: s.name.clone(),
                        archived: s.archived,
                    })
                    .collect(),
            })
            .collect();

        let group_name: HashMap<UserGroupId, &str> = user_groups
            .iter()
            .map(|g| (g.id, g.name.as_str()))
            .collect();
        let user_groups_out = user_groups
            .iter()
            .map(|g| UserGroupData {
                name: g.name.clone(),
                active: g.active,
                system_permissions: g.system.iter().map(|p| p.key().to_string()).collect(),
                category_permissions: ordered_cats
                    .iter()
                    .filter_map(|c| {
                        let grant = g.categories.grant(c.id);
                        (!grant.is_empty()).then(|| CategoryGrantData {
                            category: cat_ref[&c.id].clone(),
                            view_students: grant.view_students,
                            view_incidents: grant.view_incidents,
                            add_incidents: grant.add_incidents,
                        })
                    })
                    .collect(),
            })
            .collect();

        let users_out = users
            .iter()
            .map(|u| UserData {
                title: u.title.clone(),
                forename: u.forename.clone(),
                surname: u.surname.clone(),
                email: u.email.clone(),
                job_title: u.job_title.clone(),
                user_group: group_name
                    .get(&u.user_group)
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                active: u.active,
                last_login_at: u.last_login_at,
            })
            .collect();

        let index_of: HashMap<PupilId, usize> = all_pupils
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i))
            .collect();
        let pupils_out = all_pupils
            .iter()
            .map(|p| PupilData {
                mis_id: p.mis_id.clone(),
                upn: p.upn.clone(),
                forename: p.forename.clone(),
                surname: p.surname.clone(),
                date_of_birth: p.date_of_birth.clone(),
                archived: p.archived,
                groups: memberships
                    .get(&p.id)
                    .into_iter()
                    .flatten()
                    .filter_map(|g| group_of.get(g))
                    .map(|g| GroupRef {
                        group_type: g.group_type.key().to_string(),
                        name: g.name.clone(),
                    })
                    .collect(),
                monitored: monitoring
                    .get(&p.id)
                    .into_iter()
                    .flatten()
                    .filter_map(|c| cat_ref.get(c).cloned())
                    .collect(),
                statuses: statuses
                    .remove(&p.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|st| StatusData {
                        status: st.kind.key().to_string(),
                        started_on: st.started_on.format("%Y-%m-%d").to_string(),
                        ended_on: st.ended_on.map(|d| d.format("%Y-%m-%d").to_string()),
                        note: st.note,
                        set_by: email(st.set_by),
                        set_at: st.set_at,
                        ended_by: email(st.ended_by),
                        ended_at: st.ended_at,
                        set_by_name: st.set_by_name,
                        ended_by_name: st.ended_by_name,
                    })
                    .collect(),
            })
            .collect();

        let (transfers, received_at) = TransfersData::read(conn, &email_of, &index_of)?;
        let mut revisions = incidents::all_revisions(conn)?;
        let mut incident_at: HashMap<crate::model::IncidentId, usize> = HashMap::new();
        let incidents_out: Vec<IncidentData> = all_incidents
            .iter()
            .filter_map(|i| {
                let data = IncidentData {
                    pupil: *index_of.get(&i.pupil)?,
                    category: cat_ref.get(&i.category)?.clone(),
                    occurred_at: i.occurred_at,
                    description: i.description.clone(),
                    recorded_by: i
                        .recorded_by
                        .and_then(|u| email_of.get(&u).map(|e| e.to_string())),
                    recorded_at: i.recorded_at,
                    linked_pupils: i
                        .linked_pupils
                        .iter()
                        .filter_map(|p| index_of.get(p).copied())
                        .collect(),
                    earlier: revisions
                        .remove(&i.id)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|r| EarlierWordingData {
                            description: r.description,
                            replaced_by: r
                                .replaced_by
                                .and_then(|u| email_of.get(&u).map(|e| e.to_string())),
                            replaced_at: r.replaced_at,
                            replaced_by_name: r.replaced_by_name,
                        })
                        .collect(),
                    actions: actions
                        .remove(&i.id)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|a| ActionData {
                            taken_at: a.taken_at,
                            taken_by: email(a.taken_by),
                            outcome: a.outcome.key().to_string(),
                            description: a.description,
                            rationale: a.rationale,
                            recorded_by: email(a.recorded_by),
                            recorded_at: a.recorded_at,
                            earlier: action_revisions
                                .remove(&a.id)
                                .unwrap_or_default()
                                .into_iter()
                                .map(|r| EarlierActionData {
                                    taken_at: r.taken_at,
                                    taken_by: email(r.taken_by),
                                    outcome: r.outcome.key().to_string(),
                                    description: r.description,
                                    rationale: r.rationale,
                                    replaced_by: email(r.replaced_by),
                                    replaced_at: r.replaced_at,
                                    taken_by_name: r.taken_by_name,
                                    replaced_by_name: r.replaced_by_name,
                                })
                                .collect(),
                            taken_by_name: a.taken_by_name,
                            recorded_by_name: a.recorded_by_name,
                        })
                        .collect(),
                    recorded_by_name: i.recorded_by_name.clone(),
                    received_in: i.received_in.and_then(|t| received_at.get(&t).copied()),
                    received_category: i.received_category.clone(),
                };
                incident_at.insert(i.id, incident_at.len());
                Some(data)
            })
            .collect();
        let alerts_and_reports =
            AlertsAndReports::read(conn, &email_of, &group_name, &cat_ref, &incident_at)?;
        let retention = RetentionData::read(conn, &email_of, &cat_ref, &index_of, &incident_at)?;
        let restrictions =
            RestrictionsData::read(conn, &email_of, &group_name, &index_of, &incident_at)?;

        Ok(SchoolData {
            format_version: FORMAT_VERSION,
            app_version: env!("CARGO_PKG_VERSION").to_string(),
            exported_at: crate::clock::now(),
            school: SchoolSection {
                name: info.name,
                idle_lock_minutes: info.idle_lock_minutes,
                is_demo: info.is_demo,
            },
            group_types,
            groups: groups_out,
            categories: categories_out,
            user_groups: user_groups_out,
            users: users_out,
            pupils: pupils_out,
            incidents: incidents_out,
            alerts_and_reports,
            retention,
            transfers,
            restrictions,
        })
    }

    /// Writes the whole school into an empty, migrated vault, checking every reference first.
    /// Returns each user's new id by lower-cased e-mail address.
    pub fn insert(&self, conn: Db<'_>, now: i64) -> Result<HashMap<String, UserId>> {
        let bad = |msg: String| Error::BadExport(msg);
        school::insert(conn, &self.school.name, self.school.is_demo, now)?;
        school::set_idle_lock_minutes(conn, self.school.idle_lock_minutes.clamp(1, 240))?;

        for t in &self.group_types {
            let gt = GroupType::from_key(&t.group_type)
                .ok_or_else(|| bad(format!("unknown group type {:?}", t.group_type)))?;
            groups::set_restricted(conn, gt, t.restricted)?;
        }

        let mut cat_ids: HashMap<CategoryRef, CategoryId> = HashMap::new();
        for (i, c) in self.categories.iter().enumerate() {
            let id = categories::insert(conn, None, &c.name, i as i64)?;
            if c.archived {
                categories::set_archived(conn, id, true)?;
            }
            cat_ids.insert(
                CategoryRef {
                    category: c.name.clone(),
                    sub_category: None,
                },
                id,
            );
            for (j, s) in c.sub_categories.iter().enumerate() {
                let sid = categories::insert(conn, Some(id), &s.name, j as i64)?;
                if s.archived {
                    categories::set_archived(conn, sid, true)?;
                }
                cat_ids.insert(
                    CategoryRef {
                        category: c.name.clone(),
                        sub_category: Some(s.name.clone()),
                    },
                    sid,
                );
            }
        }
        let category = |r: &CategoryRef| {
            cat_ids.get(r).copied().ok_or_else(|| {
                let sub = r
                    .sub_category
                    .as_ref()
                    .map(|s| format!(" — {s}"))
                    .unwrap_or_default();
                bad(format!(
                    "it refers to a category that is not in the file: {}{sub}",
                    r.category
                ))
            })
        };

        let mut ug_ids: HashMap<String, UserGroupId> = HashMap::new();
        for g in &self.user_groups {
            let id = people::insert_user_group(conn, &g.name, g.active)?;
            let mut system = SystemPermissions::none();
            for key in &g.system_permissions {
                let p = SystemPermission::from_key(key).ok_or_else(|| {
                    bad(format!(
                        "user group {:?} has an unknown permission {key:?}",
                        g.name
                    ))
                })?;
                system.set(p, true);
            }
            let mut cats = CategoryPermissions::default();
            for c in &g.category_permissions {
                cats.set_grant(
                    category(&c.category)?,
                    CategoryGrant {
                        view_students: c.view_students,
                        view_incidents: c.view_incidents,
                        add_incidents: c.add_incidents,
                    },
                );
            }
            people::set_permissions(conn, id, system, &cats)?;
            ug_ids.insert(g.name.to_lowercase(), id);
        }

        let mut user_ids: HashMap<String, UserId> = HashMap::new();
        for u in &self.users {
            let group = ug_ids
                .get(&u.user_group.to_lowercase())
                .copied()
                .ok_or_else(|| {
                    bad(format!(
                        "user {} is in a user group that is not in the file ({:?})",
                        u.email, u.user_group
                    ))
                })?;
            let id = people::insert_user(
                conn,
                &people::NewUser {
                    title: &u.title,
                    forename: &u.forename,
                    surname: &u.surname,
                    email: &u.email,
                    job_title: &u.job_title,
                    user_group: group,
                    active: u.active,
                    last_login_at: u.last_login_at,
                },
                now,
            )?;
            user_ids.insert(u.email.trim().to_lowercase(), id);
        }
        let user = |email: &str| {
            user_ids
                .get(&email.trim().to_lowercase())
                .copied()
                .ok_or_else(|| {
                    bad(format!(
                        "it refers to a user who is not in the file: {email}"
                    ))
                })
        };

        let mut group_ids: HashMap<(String, String), PupilGroupId> = HashMap::new();
        let mut order: BTreeMap<String, i64> = BTreeMap::new();
        for g in &self.groups {
            let gt = GroupType::from_key(&g.group_type)
                .ok_or_else(|| bad(format!("unknown group type {:?}", g.group_type)))?;
            let n = order.entry(g.group_type.clone()).or_default();
            let id = groups::insert(conn, gt, &g.name, g.mis_id.as_deref(), g.is_new, *n)?;
            *n += 1;
            for email in &g.access {
                groups::add_access(conn, id, user(email)?)?;
            }
            group_ids.insert((g.group_type.clone(), g.name.to_lowercase()), id);
        }

        let mut pupil_ids = Vec::with_capacity(self.pupils.len());
        let mut new_pupils = pupils::NewPupils::new(conn)?;
        for p in &self.pupils {
            let groups = p
                .groups
                .iter()
                .map(|g| {
                    group_ids
                        .get(&(g.group_type.clone(), g.name.to_lowercase()))
                        .copied()
                        .ok_or_else(|| {
                            bad(format!(
                                "pupil {} {} is in a group that is not in the file ({})",
                                p.forename, p.surname, g.name
                            ))
                        })
                })
                .collect::<Result<Vec<_>>>()?;
            let id = new_pupils.add(
                &pupils::NewPupil {
                    mis_id: p.mis_id.as_deref(),
                    upn: p.upn.as_deref(),
                    forename: &p.forename,
                    surname: &p.surname,
                    date_of_birth: p.date_of_birth.as_deref(),
                    archived: p.archived,
                },
                &groups,
            )?;
            for c in &p.monitored {
                pupils::add_monitoring(conn, id, category(c)?)?;
            }
            for st in &p.statuses {
                insert_status(conn, id, st, &user)
                    .map_err(|e| bad(format!("pupil {} {}: {e}", p.forename, p.surname)))?;
            }
            pupil_ids.push(id);
        }
        let pupil = |i: usize| {
            pupil_ids.get(i).copied().ok_or_else(|| {
                bad(format!(
                    "an incident refers to pupil number {i}, which is not in the file"
                ))
            })
        };
        let received_ids = self.transfers.insert(conn, &pupil_ids, &user)?;

        let mut incident_ids = Vec::with_capacity(self.incidents.len());
        for i in &self.incidents {
            let linked = i
                .linked_pupils
                .iter()
                .map(|p| pupil(*p))
                .collect::<Result<Vec<_>>>()?;
            let id = incidents::insert(
                conn,
                &incidents::NewIncident {
                    pupil: pupil(i.pupil)?,
                    category: category(&i.category)?,
                    occurred_at: i.occurred_at,
                    description: &i.description,
                    recorded_by: i.recorded_by.as_deref().map(user).transpose()?,
                    recorded_at: i.recorded_at,
                    linked_pupils: &linked,
                },
            )?;
            if i.recorded_by_name.is_some() || i.received_in.is_some() {
                let transfer = i
                    .received_in
                    .map(|t| {
                        received_ids.get(t).copied().ok_or_else(|| {
                            bad(format!(
                                "an incident arrived in transfer number {t}, which is not in the file"
                            ))
                        })
                    })
                    .transpose()?;
                transfers::mark_received(
                    conn,
                    id,
                    transfer,
                    i.recorded_by_name.as_deref(),
                    i.received_category.as_deref(),
                )?;
            }
            for e in &i.earlier {
                incidents::insert_revision(
                    conn,
                    id,
                    &incidents::Revision {
                        description: e.description.clone(),
                        replaced_by: e.replaced_by.as_deref().map(user).transpose()?,
                        replaced_at: e.replaced_at,
                        replaced_by_name: e.replaced_by_name.clone(),
                    },
                )?;
            }
            for a in &i.actions {
                let action = casework::insert_action(
                    conn,
                    id,
                    &casework::ActionText {
                        taken_at: a.taken_at,
                        taken_by: a.taken_by.as_deref().map(user).transpose()?,
                        outcome: outcome(&a.outcome)?,
                        description: &a.description,
                        rationale: &a.rationale,
                    },
                    a.recorded_by.as_deref().map(user).transpose()?,
                    a.recorded_at,
                )?;
                if a.taken_by_name.is_some() || a.recorded_by_name.is_some() {
                    transfers::set_action_names(
                        conn,
                        action,
                        a.taken_by_name.as_deref(),
                        a.recorded_by_name.as_deref(),
                    )?;
                }
                for e in &a.earlier {
                    casework::insert_action_revision(
                        conn,
                        action,
                        &crate::model::casework::ActionRevision {
                            taken_at: e.taken_at,
                            taken_by: e.taken_by.as_deref().map(user).transpose()?,
                            outcome: outcome(&e.outcome)?,
                            description: e.description.clone(),
                            rationale: e.rationale.clone(),
                            replaced_by: e.replaced_by.as_deref().map(user).transpose()?,
                            replaced_at: e.replaced_at,
                            taken_by_name: e.taken_by_name.clone(),
                            replaced_by_name: e.replaced_by_name.clone(),
                        },
                    )?;
                }
            }
            incident_ids.push(id);
        }
        let user_group = |name: &str| {
            ug_ids.get(&name.to_lowercase()).copied().ok_or_else(|| {
                bad(format!(
                    "it refers to a user group that is not in the file: {name:?}"
                ))
            })
        };
        self.retention
            .insert(conn, &pupil_ids, &incident_ids, &category, &user)?;
        self.restrictions
            .insert(conn, &pupil_ids, &incident_ids, &ug_ids, &user)?;
        let a = &self.alerts_and_reports;
        for alert in &a.alerts {
            let incident = incident_ids.get(alert.incident).copied().ok_or_else(|| {
                bad(format!(
                    "an alert refers to incident number {}, which is not in the file",
                    alert.incident
                ))
            })?;
            let via = alert.via_group.as_deref().map(user_group).transpose()?;
            let sent_by = alert.sent_by.as_deref().map(user).transpose()?;
            alerts::insert(
                conn,
                incident,
                user(&alert.reader)?,
                sent_by,
                alert.sent_at,
                via,
            )?;
            if let Some(at) = alert.read_at {
                for stored in alerts::for_incident(conn, incident)? {
                    if stored.reader == user(&alert.reader)? {
                        alerts::mark_read(conn, stored.id, at)?;
                    }
                }
            }
        }
        if let Some(names) = &a.alert_default_groups {
            let ids = names
                .iter()
                .map(|n| user_group(n))
                .collect::<Result<Vec<_>>>()?;
            alerts::set_default_groups(conn, Some(&ids))?;
        }
        for r in &a.reminders {
            let due = super::records::parse_date(&r.due_on)
                .map_err(|_| bad(format!("a reminder has the date {:?}", r.due_on)))?;
            let id =
                alerts::insert_reminder(conn, user(&r.owner)?, r.note.trim(), &due, r.created_at)?;
            if let Some(at) = r.done_at {
                alerts::reminder_done(conn, id, at)?;
            }
        }
        for saved in &a.saved_reports {
            let mut spec = crate::model::report::ReportSpec::from_json(&saved.settings.to_string())
                .map_err(|e| bad(format!("the saved report {:?}: {e}", saved.name)))?;
            spec.categories = saved
                .categories
                .iter()
                .map(&category)
                .collect::<Result<Vec<_>>>()?;
            let id = reports::insert_saved(
                conn,
                user(&saved.owner)?,
                saved.name.trim(),
                &spec.to_json(),
                saved.created_at,
            )?;
            reports::update_saved(conn, id, &spec.to_json(), saved.updated_at)?;
            let shares = saved
                .shared_with
                .iter()
                .map(|n| user_group(n))
                .collect::<Result<Vec<_>>>()?;
            reports::set_shares(conn, id, &shares)?;
        }
        Ok(user_ids)
    }

    /// The user group of the user with this e-mail address.
    pub fn user_group_of(&self, email: &str) -> Option<&UserGroupData> {
        let email = email.trim().to_lowercase();
        let user = self
            .users
            .iter()
            .find(|u| u.email.to_lowercase() == email)?;
        self.user_groups
            .iter()
            .find(|g| g.name.eq_ignore_ascii_case(&user.user_group))
    }

    /// Whether this user would be able to administer the school: active, in an active group that
    /// has Manage system.
    pub fn is_administrator(&self, email: &str) -> bool {
        let email_l = email.trim().to_lowercase();
        let active = self
            .users
            .iter()
            .any(|u| u.email.to_lowercase() == email_l && u.active);
        active
            && self.user_group_of(email).is_some_and(|g| {
                g.active
                    && g.system_permissions
                        .iter()
                        .any(|k| k == SystemPermission::ManageSystem.key())
            })
    }

    /// The file with the parts that legitimately differ between two exports of the same school
    /// (when it was written, sign-in times) blanked, for comparing.
    pub fn without_timestamps(&self) -> SchoolData {
        let mut d = self.clone();
        d.exported_at = 0;
        d.app_version.clear();
        for u in &mut d.users {
            u.last_login_at = None;
        }
        d
    }
}

fn outcome(key: &str) -> Result<crate::model::Outcome> {
    crate::model::Outcome::from_key(key)
        .ok_or_else(|| Error::BadExport(format!("an action has an unknown outcome {key:?}")))
}

/// A day as the export writes it (YYYY-MM-DD).
fn export_day(text: &str) -> std::result::Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{text:?} is not a date written as YYYY-MM-DD"))
}

/// One of a pupil's statuses from the file; the error says what is wrong with it.
fn insert_status(
    conn: Db<'_>,
    pupil: PupilId,
    st: &StatusData,
    user: &dyn Fn(&str) -> Result<UserId>,
) -> std::result::Result<(), String> {
    let kind = crate::model::StatusKind::from_key(&st.status)
        .ok_or_else(|| format!("unknown status {:?}", st.status))?;
    let started_on = export_day(&st.started_on)?;
    let ended_on = st.ended_on.as_deref().map(export_day).transpose()?;
    if ended_on.is_some_and(|e| e < started_on) {
        return Err(format!(
            "its {} status ends before it starts",
            kind.label().to_lowercase()
        ));
    }
    let person = |e: &Option<String>| {
        e.as_deref()
            .map(user)
            .transpose()
            .map_err(|e| e.to_string())
    };
    let id = casework::insert_status(
        conn,
        &casework::NewStatus {
            pupil,
            kind,
            started_on,
            note: &st.note,
            set_by: person(&st.set_by)?,
            set_at: st.set_at,
            ended: match ended_on {
                Some(on) => Some((on, person(&st.ended_by)?, st.ended_at.unwrap_or(st.set_at))),
                None => None,
            },
        },
    )
    .map_err(|e| e.to_string())?;
    if st.set_by_name.is_some() || st.ended_by_name.is_some() {
        transfers::set_status_names(
            conn,
            id,
            st.set_by_name.as_deref(),
            st.ended_by_name.as_deref(),
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn day_key(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

impl RetentionData {
    fn read(
        conn: Db<'_>,
        email_of: &HashMap<UserId, &str>,
        cat_ref: &HashMap<CategoryId, CategoryRef>,
        index_of: &HashMap<crate::model::PupilId, usize>,
        incident_at: &HashMap<crate::model::IncidentId, usize>,
    ) -> Result<RetentionData> {
        use crate::vault::queries::retention as q;
        let email = |u: Option<UserId>| u.and_then(|u| email_of.get(&u).map(|e| e.to_string()));
        let mut retention_policies: Vec<PolicyData> = q::policies(conn)?
            .into_iter()
            .filter_map(|(c, p)| {
                Some(PolicyData {
                    category: cat_ref.get(&c)?.clone(),
                    from: p.basis.key().to_string(),
                    years: p.years,
                    then: p.then.key().to_string(),
                })
            })
            .collect();
        retention_policies.sort_by(|a, b| {
            (&a.category.category, &a.category.sub_category)
                .cmp(&(&b.category.category, &b.category.sub_category))
        });
        let mut leaving_days: Vec<LeavingData> = q::leaving_days(conn)?
            .into_iter()
            .filter_map(|(p, d)| {
                Some(LeavingData {
                    pupil: *index_of.get(&p)?,
                    left_on: day_key(d),
                })
            })
            .collect();
        leaving_days.sort_by_key(|l| l.pupil);
        let holds = q::holds(conn)?
            .into_iter()
            .filter_map(|h| {
                Some(HoldData {
                    pupil: *index_of.get(&h.pupil)?,
                    reason: h.reason,
                    placed_by: email(h.placed_by),
                    placed_at: h.placed_at,
                    ends_on: h.ends_on.map(day_key),
                    lifted_by: email(h.lifted_by),
                    lifted_at: h.lifted_at,
                })
            })
            .collect();
        let mut kept_longer: Vec<KeptLongerData> = q::extensions(conn)?
            .into_values()
            .filter_map(|e| {
                Some(KeptLongerData {
                    pupil: *index_of.get(&e.pupil)?,
                    until: day_key(e.until),
                    reason: e.reason,
                    set_by: email(e.set_by),
                    set_at: e.set_at,
                })
            })
            .collect();
        kept_longer.sort_by_key(|k| k.pupil);
        let mut marked_for_destruction: Vec<usize> = q::marks(conn)?
            .into_iter()
            .filter_map(|i| incident_at.get(&i).copied())
            .collect();
        marked_for_destruction.sort_unstable();
        let destruction_log = q::destructions(conn)?
            .into_iter()
            .map(|d| DestructionData {
                destroyed_at: d.destroyed_at,
                authorised_by: d.authorised_by,
                mis_id: d.mis_id,
                upn: d.upn,
                whole_record: d.whole_record,
                counts: d.counts,
                first_day: day_key(d.first_day),
                last_day: day_key(d.last_day),
                policies: d.policies,
            })
            .collect();
        Ok(RetentionData {
            retention_policies,
            leaving_days,
            holds,
            kept_longer,
            marked_for_destruction,
            destruction_log,
        })
    }

    fn insert(
        &self,
        conn: Db<'_>,
        pupil_ids: &[crate::model::PupilId],
        incident_ids: &[crate::model::IncidentId],
        category: &dyn Fn(&CategoryRef) -> Result<CategoryId>,
        user: &dyn Fn(&str) -> Result<UserId>,
    ) -> Result<()> {
        use crate::model::retention::{Basis, Destruction, Extension, Policy, Then};
        use crate::vault::queries::retention as q;
        let bad = |msg: String| Error::BadExport(msg);
        let pupil = |i: usize| {
            pupil_ids.get(i).copied().ok_or_else(|| {
                bad(format!(
                    "the retention section refers to pupil number {i}, which is not in the file"
                ))
            })
        };
        let day = |d: &str| export_day(d).map_err(|e| bad(format!("the retention section: {e}")));
        let person = |e: &Option<String>| e.as_deref().map(user).transpose();
        for p in &self.retention_policies {
            let policy = Policy {
                basis: Basis::from_key(&p.from)
                    .ok_or_else(|| bad(format!("a retention policy counts from {:?}", p.from)))?,
                years: p.years,
                then: Then::from_key(&p.then)
                    .ok_or_else(|| bad(format!("a retention policy ends in {:?}", p.then)))?,
            };
            policy
                .check()
                .map_err(|e| bad(format!("a retention policy: {e}")))?;
            q::set_policy(conn, category(&p.category)?, Some(&policy))?;
        }
        for l in &self.leaving_days {
            q::set_leaving_day(conn, pupil(l.pupil)?, day(&l.left_on)?)?;
        }
        for h in &self.holds {
            let id = q::insert_hold(
                conn,
                pupil(h.pupil)?,
                &h.reason,
                person(&h.placed_by)?,
                h.placed_at,
                h.ends_on.as_deref().map(day).transpose()?,
            )?;
            if let Some(at) = h.lifted_at {
                q::lift_hold(conn, id, person(&h.lifted_by)?, at)?;
            }
        }
        for k in &self.kept_longer {
            q::set_extension(
                conn,
                &Extension {
                    pupil: pupil(k.pupil)?,
                    until: day(&k.until)?,
                    reason: k.reason.clone(),
                    set_by: person(&k.set_by)?,
                    set_at: k.set_at,
                },
            )?;
        }
        for &i in &self.marked_for_destruction {
            let incident = incident_ids.get(i).copied().ok_or_else(|| {
                bad(format!(
                    "a mark for destruction refers to incident number {i}, which is not in the file"
                ))
            })?;
            q::set_mark(conn, incident, None, 0)?;
        }
        for d in &self.destruction_log {
            q::insert_destruction(
                conn,
                &Destruction {
                    destroyed_at: d.destroyed_at,
                    authorised_by: d.authorised_by.clone(),
                    mis_id: d.mis_id.clone(),
                    upn: d.upn.clone(),
                    whole_record: d.whole_record,
                    counts: d.counts.clone(),
                    first_day: day(&d.first_day)?,
                    last_day: day(&d.last_day)?,
                    policies: d.policies.clone(),
                },
            )?;
        }
        Ok(())
    }
}

fn bad(msg: impl Into<String>) -> Error {
    Error::BadExport(msg.into())
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn bytes_of(text: &str) -> Result<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| bad("a transfer's PDF is not readable base64"))
}

impl RestrictionsData {
    fn read(
        conn: Db<'_>,
        email_of: &HashMap<UserId, &str>,
        group_name: &HashMap<UserGroupId, &str>,
        index_of: &HashMap<PupilId, usize>,
        incident_at: &HashMap<crate::model::IncidentId, usize>,
    ) -> Result<RestrictionsData> {
        let guards = restrictions::guards(conn)?;
        let (incident_meta, pupil_meta) = restrictions::set_by(conn)?;
        let email = |u: &UserId| email_of.get(u).map(|e| e.to_string());
        let data = |position: usize,
                    r: &crate::model::restriction::Readers,
                    meta: Option<&(Option<UserId>, i64)>| RestrictedData {
            position,
            users: {
                let mut v: Vec<String> = r.users.iter().filter_map(email).collect();
                v.sort();
                v
            },
            user_groups: {
                let mut v: Vec<String> = r
                    .groups
                    .iter()
                    .filter_map(|g| group_name.get(g).map(|n| n.to_string()))
                    .collect();
                v.sort();
                v
            },
            set_by: meta.and_then(|(by, _)| by.as_ref()).and_then(email),
            set_at: meta.map_or(0, |(_, at)| *at),
        };
        let mut out = RestrictionsData::default();
        let mut ids: Vec<_> = guards.incidents.keys().copied().collect();
        ids.sort();
        for id in ids {
            let (Some(g), Some(at)) = (guards.incidents.get(&id), incident_at.get(&id)) else {
                continue;
            };
            if let Some(r) = &g.readers {
                out.restricted_incidents
                    .push(data(*at, r, incident_meta.get(&id)));
            }
            for s in &g.staff {
                if let Some(user) = email(&s.user) {
                    out.staff_involved.push(StaffInvolvedData {
                        incident: *at,
                        user,
                        group_may_read: s.group_may_read,
                    });
                }
            }
        }
        out.staff_involved
            .sort_by(|a, b| (a.incident, &a.user).cmp(&(b.incident, &b.user)));
        let mut locked: Vec<_> = guards.locks.iter().collect();
        locked.sort_by_key(|(p, _)| **p);
        for (p, r) in locked {
            if let Some(at) = index_of.get(p) {
                out.locked_pupils.push(data(*at, r, pupil_meta.get(p)));
            }
        }
        Ok(out)
    }

    fn insert(
        &self,
        conn: Db<'_>,
        pupil_ids: &[PupilId],
        incident_ids: &[crate::model::IncidentId],
        ug_ids: &HashMap<String, UserGroupId>,
        user: &dyn Fn(&str) -> Result<UserId>,
    ) -> Result<()> {
        let readers = |d: &RestrictedData| -> Result<crate::model::restriction::Readers> {
            Ok(crate::model::restriction::Readers {
                users: d.users.iter().map(|e| user(e)).collect::<Result<_>>()?,
                groups: d
                    .user_groups
                    .iter()
                    .map(|n| {
                        ug_ids.get(&n.to_lowercase()).copied().ok_or_else(|| {
                            bad(format!(
                                "a restriction names a user group that is not in the file: {n:?}"
                            ))
                        })
                    })
                    .collect::<Result<_>>()?,
            })
        };
        let by = |d: &RestrictedData| d.set_by.as_deref().map(user).transpose();
        for d in &self.restricted_incidents {
            let id = *incident_ids.get(d.position).ok_or_else(|| {
                bad(format!(
                    "a restriction refers to incident number {}, which is not in the file",
                    d.position
                ))
            })?;
            restrictions::set_incident_readers(conn, id, Some(&readers(d)?), by(d)?, d.set_at)?;
        }
        for d in &self.locked_pupils {
            let id = *pupil_ids.get(d.position).ok_or_else(|| {
                bad(format!(
                    "a lock refers to pupil number {}, which is not in the file",
                    d.position
                ))
            })?;
            restrictions::set_lock(conn, id, Some(&readers(d)?), by(d)?, d.set_at)?;
        }
        let mut staff: std::collections::BTreeMap<
            usize,
            Vec<crate::model::restriction::StaffInvolved>,
        > = Default::default();
        for s in &self.staff_involved {
            staff
                .entry(s.incident)
                .or_default()
                .push(crate::model::restriction::StaffInvolved {
                    user: user(&s.user)?,
                    group_may_read: s.group_may_read,
                });
        }
        for (position, list) in staff {
            let id = *incident_ids.get(position).ok_or_else(|| {
                bad(format!(
                    "a restriction refers to incident number {position}, which is not in the file"
                ))
            })?;
            restrictions::set_staff(conn, id, &list)?;
        }
        Ok(())
    }
}

impl TransfersData {
    /// The transfers, and each received one's position in `transfers_received` by its row.
    fn read(
        conn: Db<'_>,
        email_of: &HashMap<UserId, &str>,
        index_of: &HashMap<PupilId, usize>,
    ) -> Result<(TransfersData, HashMap<i64, usize>)> {
        let email = |u: Option<UserId>| u.and_then(|u| email_of.get(&u).map(|e| e.to_string()));
        let mut sent = Vec::new();
        for t in transfers::sent(conn)?.into_iter().rev() {
            let kept = transfers::kept_copy(conn, t.id)?;
            sent.push(SentData {
                reference: t.reference,
                pupil: t.pupil.and_then(|p| index_of.get(&p).copied()),
                pupil_ref: t.pupil_ref,
                to_school: t.to_school,
                to_contact: t.to_contact,
                included: t.included,
                incidents: t.incidents,
                method: t.method.key().into(),
                sha256: t.sha256,
                receipt_key: hex::encode(&t.receipt_key),
                sent_at: t.sent_at,
                sent_by: email(t.sent_by),
                kept_copy: t.kept_copy,
                kept_chronology: kept.as_deref().map(base64_of),
                received_on: t.received_on.map(day_key),
                received_by: t.received_by,
                confirmed_by: email(t.confirmed_by),
                confirmed_at: t.confirmed_at,
            });
        }
        let mut received = Vec::new();
        let mut at = HashMap::new();
        for t in transfers::received(conn)?.into_iter().rev() {
            at.insert(t.id, received.len());
            let chronology = transfers::received_chronology(conn, t.id)?;
            received.push(ReceivedData {
                reference: t.reference,
                from_school: t.from_school,
                pupil: t.pupil.and_then(|p| index_of.get(&p).copied()),
                pupil_ref: t.pupil_ref,
                sent_at: t.sent_at,
                sent_by_name: t.sent_by_name,
                sha256: t.sha256,
                incidents: t.incidents,
                receipt_code: t.receipt_code,
                received_at: t.received_at,
                received_by: email(t.received_by),
                chronology: chronology.as_deref().map(base64_of),
            });
        }
        Ok((
            TransfersData {
                transfers_sent: sent,
                transfers_received: received,
            },
            at,
        ))
    }

    /// Puts the transfers back; returns each received one's row, by position.
    fn insert(
        &self,
        conn: Db<'_>,
        pupil_ids: &[PupilId],
        user: &dyn Fn(&str) -> Result<UserId>,
    ) -> Result<Vec<i64>> {
        let pupil = |i: Option<usize>| {
            i.map(|i| {
                pupil_ids.get(i).copied().ok_or_else(|| {
                    bad(format!(
                        "a transfer refers to pupil number {i}, which is not in the file"
                    ))
                })
            })
            .transpose()
        };
        let person = |e: &Option<String>| e.as_deref().map(user).transpose();
        for t in &self.transfers_sent {
            let kept = t.kept_chronology.as_deref().map(bytes_of).transpose()?;
            transfers::restore_sent(
                conn,
                &crate::model::school_transfer::SentTransfer {
                    id: 0,
                    reference: t.reference.clone(),
                    pupil: pupil(t.pupil)?,
                    pupil_ref: t.pupil_ref.clone(),
                    to_school: t.to_school.clone(),
                    to_contact: t.to_contact.clone(),
                    included: t.included.clone(),
                    incidents: t.incidents,
                    method: crate::model::school_transfer::Method::from_key(&t.method)
                        .ok_or_else(|| bad(format!("unknown transfer method {:?}", t.method)))?,
                    sha256: t.sha256.clone(),
                    receipt_key: hex::decode(&t.receipt_key)
                        .map_err(|_| bad("a transfer's receipt key is not hex"))?,
                    sent_at: t.sent_at,
                    sent_by: person(&t.sent_by)?,
                    kept_copy: t.kept_copy,
                    received_on: t
                        .received_on
                        .as_deref()
                        .map(export_day)
                        .transpose()
                        .map_err(bad)?,
                    received_by: t.received_by.clone(),
                    confirmed_by: person(&t.confirmed_by)?,
                    confirmed_at: t.confirmed_at,
                },
                kept.as_deref(),
            )?;
        }
        let mut ids = Vec::with_capacity(self.transfers_received.len());
        for t in &self.transfers_received {
            let chronology = t.chronology.as_deref().map(bytes_of).transpose()?;
            ids.push(transfers::insert_received(
                conn,
                &transfers::NewReceived {
                    reference: &t.reference,
                    from_school: &t.from_school,
                    pupil: pupil(t.pupil)?,
                    pupil_ref: &t.pupil_ref,
                    sent_at: t.sent_at,
                    sent_by_name: &t.sent_by_name,
                    sha256: &t.sha256,
                    incidents: t.incidents,
                    receipt_code: &t.receipt_code,
                    received_at: t.received_at,
                    received_by: person(&t.received_by)?,
                    chronology: chronology.as_deref(),
                },
            )?);
        }
        Ok(ids)
    }
}

impl AlertsAndReports {
    fn read(
        conn: Db<'_>,
        email_of: &HashMap<UserId, &str>,
        group_name: &HashMap<UserGroupId, &str>,
        cat_ref: &HashMap<CategoryId, CategoryRef>,
        incident_at: &HashMap<crate::model::IncidentId, usize>,
    ) -> Result<AlertsAndReports> {
        let email = |u: UserId| email_of.get(&u).map(|e| e.to_string());
        let group = |g: UserGroupId| group_name.get(&g).map(|n| n.to_string());
        let alerts_out = alerts::all(conn)?
            .into_iter()
            .filter_map(|a| {
                Some(AlertData {
                    incident: *incident_at.get(&a.incident)?,
                    reader: email(a.reader)?,
                    sent_by: a.sent_by.and_then(email),
                    sent_at: a.sent_at,
                    via_group: a.via_group.and_then(group),
                    read_at: a.read_at,
                })
            })
            .collect();
        let alert_default_groups =
            alerts::default_groups(conn)?.map(|ids| ids.into_iter().filter_map(group).collect());
        let reminders = alerts::all_reminders(conn)?
            .into_iter()
            .filter_map(|r| {
                Some(ReminderData {
                    owner: email(r.owner)?,
                    note: r.note,
                    due_on: r.due_on,
                    created_at: r.created_at,
                    done_at: r.done_at,
                })
            })
            .collect();
        let saved_reports = reports::all_saved(conn)?
            .into_iter()
            .filter_map(|s| {
                let spec = crate::model::report::ReportSpec::from_json(&s.spec).ok()?;
                let mut settings = serde_json::to_value(&spec).ok()?;
                if let Some(o) = settings.as_object_mut() {
                    o.remove("categories");
                }
                Some(SavedReportData {
                    owner: email(s.owner)?,
                    name: s.name,
                    settings,
                    categories: spec
                        .categories
                        .iter()
                        .filter_map(|c| cat_ref.get(c).cloned())
                        .collect(),
                    shared_with: s.shared_with.into_iter().filter_map(group).collect(),
                    created_at: s.created_at,
                    updated_at: s.updated_at,
                })
            })
            .collect();
        Ok(AlertsAndReports {
            alerts: alerts_out,
            alert_default_groups,
            reminders,
            saved_reports,
        })
    }
}

/// Each category's reference by name.
fn category_refs(cats: &[crate::model::Category]) -> HashMap<CategoryId, CategoryRef> {
    let names: HashMap<CategoryId, &str> = cats.iter().map(|c| (c.id, c.name.as_str())).collect();
    cats.iter()
        .map(|c| {
            let r = match c.parent {
                None => CategoryRef {
                    category: c.name.clone(),
                    sub_category: None,
                },
                Some(p) => CategoryRef {
                    category: names.get(&p).copied().unwrap_or_default().to_string(),
                    sub_category: Some(c.name.clone()),
                },
            };
            (c.id, r)
        })
        .collect()
}

/// Writes an export's text to `path` whole or not at all (never half a file).
pub fn save_export(path: &std::path::Path, json: &str) -> Result<()> {
    Ok(crate::vault::files::write_atomic(path, json.as_bytes())?)
}
