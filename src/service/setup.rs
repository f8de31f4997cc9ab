//! Creating a school's vault: a new school from the set-up screens, the demo school, or a school
//! loaded from an export file. All three go through [`create_vault`].

pub use super::enrolment::ConfirmedKey;
use super::enrolment::PendingKey;
use super::error::{Error, Result};
use super::school_data::{
    CategoryData, CategoryGrantData, CategoryRef, GroupTypeData, SchoolData, SchoolSection,
    SubCategoryData, UserData, UserGroupData,
};
use super::session::Session;
use crate::auth::{codes, password};
use crate::model::{GroupType, SystemPermission};
use crate::vault::files::sibling;
use crate::vault::queries::people;
use crate::vault::{
    Actor, Change, DataKey, DemoAccess, Error as VaultError, KdfCost, KeyFile, Location, Vault,
};

/// Someone who will be able to open the new vault.
#[derive(Debug, Clone)]
pub struct PersonAccess {
    pub email: String,
    pub password: String,
    pub soft_key: Option<ConfirmedKey>,
}

pub struct NewVault<'a> {
    pub location: &'a Location,
    pub data: &'a SchoolData,
    /// Signed in when the vault is ready; must be an administrator in `data`.
    pub admin: PersonAccess,
    /// Further people with key slots (only the demo school has any at creation).
    pub others: Vec<PersonAccess>,
    pub recovery_code: &'a str,
    pub kdf: KdfCost,
    pub demo: Option<DemoAccess>,
    /// The audit entry's description of how the school came to be.
    pub origin: &'a str,
}

/// The first screen of set-up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewSchoolDetails {
    pub school_name: String,
    pub title: String,
    pub forename: String,
    pub surname: String,
    pub email: String,
    pub job_title: String,
    pub password: String,
    pub password_again: String,
}

impl NewSchoolDetails {
    /// Words an attacker would try first against this person's password.
    pub fn personal_words(&self) -> Vec<&str> {
        vec![
            self.forename.trim(),
            self.surname.trim(),
            self.email.trim(),
            self.school_name.trim(),
        ]
    }

    /// The first problem with what was typed, in the order the fields appear.
    pub fn check(&self) -> Result<()> {
        let missing = |what: &str| Err(Error::Invalid(format!("Please enter {what}.")));
        if self.school_name.trim().is_empty() {
            return missing("the school's name");
        }
        if self.forename.trim().is_empty() {
            return missing("the administrator's forename");
        }
        if self.surname.trim().is_empty() {
            return missing("the administrator's surname");
        }
        check_email(&self.email)?;
        check_new_password(&self.password, &self.password_again, &self.personal_words())
    }
}

/// Checks a new password typed twice; `personal` holds words an attacker would try first (the
/// person's name, e-mail address, school).
pub fn check_new_password(password: &str, again: &str, personal: &[&str]) -> Result<()> {
    password::check_new(password, again, personal).map_err(|p| Error::Invalid(p.to_string()))
}

/// The line under a new-password field: how many more characters, or how strong it is.
pub fn password_hint(password: &str, personal: &[&str]) -> String {
    password::hint(password, personal)
}

/// A new recovery code, shown once at set-up to be printed and locked away.
pub fn new_recovery_code() -> String {
    codes::recovery_code()
}

/// A plausible e-mail address: one @, something either side, a dot in the domain, no spaces.
pub fn check_email(email: &str) -> Result<()> {
    let e = email.trim();
    let bad = || {
        Err(Error::Invalid(format!(
            "\"{e}\" does not look like an e-mail address (for example name@school.org.uk)."
        )))
    };
    if e.is_empty() {
        return Err(Error::Invalid("Please enter an e-mail address.".into()));
    }
    let Some((local, domain)) = e.split_once('@') else {
        return bad();
    };
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || e.chars()
            .any(|c| c.is_whitespace() || c == ':' || c.is_control())
    {
        return bad();
    }
    Ok(())
}

fn grant(category: &str, sub: Option<&str>, all: bool) -> CategoryGrantData {
    CategoryGrantData {
        category: CategoryRef {
            category: category.into(),
            sub_category: sub.map(Into::into),
        },
        view_students: all,
        view_incidents: all,
        add_incidents: true,
    }
}

/// The categories from the help sheets, which most schools start from.
pub fn standard_categories() -> Vec<CategoryData> {
    let cat = |name: &str, subs: &[&str]| CategoryData {
        name: name.into(),
        archived: false,
        sub_categories: subs
            .iter()
            .map(|s| SubCategoryData {
                name: (*s).into(),
                archived: false,
            })
            .collect(),
    };
    vec![
        cat(
            "Attendance",
            &[
                "Internal Monitoring",
                "Legal Action",
                "Parent Contract Offered",
                "Punctuality",
            ],
        ),
        cat(
            "Behaviour",
            &["Against Peers", "Against Staff", "Positive Behaviour"],
        ),
        cat(
            "Cause for Concern",
            &["Emotional Related", "Neglect Related"],
        ),
    ]
}

/// Grants for every category and sub-category in `cats`: everything, or Add Incidents only.
pub fn grants_for_all(cats: &[CategoryData], all: bool) -> Vec<CategoryGrantData> {
    cats.iter()
        .flat_map(|c| {
            std::iter::once(grant(&c.name, None, all)).chain(
                c.sub_categories
                    .iter()
                    .map(move |s| grant(&c.name, Some(&s.name), all)),
            )
        })
        .collect()
}

fn keys(perms: &[SystemPermission]) -> Vec<String> {
    perms.iter().map(|p| p.key().to_string()).collect()
}

/// A new school: the standard categories, and three user groups to start from (senior leaders
/// with every permission, key-holding teachers, and office staff without keys).
pub fn starter_school(d: &NewSchoolDetails) -> SchoolData {
    use SystemPermission::*;
    let categories = standard_categories();
    let slt = UserGroupData {
        name: "SLT".into(),
        active: true,
        system_permissions: keys(&SystemPermission::ALL),
        category_permissions: grants_for_all(&categories, true),
    };
    let teachers = UserGroupData {
        name: "Teachers".into(),
        active: true,
        system_permissions: keys(&[
            ViewStudentsList,
            ViewStudentDetails,
            AddNewIncident,
            ViewCalendar,
            ViewFiles,
            AddFiles,
        ]),
        category_permissions: grants_for_all(&categories, false),
    };
    let office = UserGroupData {
        name: "Office".into(),
        active: true,
        system_permissions: keys(&[AddNewIncident, ViewFiles, AddFiles]),
        category_permissions: grants_for_all(&categories, false),
    };
    SchoolData {
        format_version: super::school_data::FORMAT_VERSION,
        app_version: env!("CARGO_PKG_VERSION").into(),
        exported_at: 0,
        school: SchoolSection {
            name: d.school_name.trim().into(),
            idle_lock_minutes: 10,
            is_demo: false,
        },
        group_types: GroupType::ALL
            .iter()
            .map(|t| GroupTypeData {
                group_type: t.key().into(),
                restricted: false,
            })
            .collect(),
        groups: Vec::new(),
        categories,
        user_groups: vec![slt, teachers, office],
        users: vec![UserData {
            title: d.title.trim().into(),
            forename: d.forename.trim().into(),
            surname: d.surname.trim().into(),
            email: d.email.trim().into(),
            job_title: d.job_title.trim().into(),
            user_group: "SLT".into(),
            active: true,
            last_login_at: None,
        }],
        pupils: Vec::new(),
        incidents: Vec::new(),
        alerts_and_reports: Default::default(),
        retention: Default::default(),
        transfers: Default::default(),
        restrictions: Default::default(),
    }
}

/// Whether a school (or what is left of one) is at `location`, so the first screen is sign-in
/// rather than "set up a new school". A restore killed part-way is finished first; one that cannot
/// be finished still counts, so that sign-in explains it instead of a new school being offered.
pub fn school_is_here(location: &Location) -> bool {
    let _ = crate::vault::replace::finish_interrupted(location);
    location.db.exists()
        || location.keys.exists()
        || crate::vault::replace::plan_path(location).exists()
}

/// Builds the vault beside its final place and moves it there only once it is complete, so an
/// interrupted set-up never leaves a half-made school behind. Signs the administrator in.
pub fn create_vault(spec: NewVault<'_>) -> Result<Session> {
    let location = spec.location;
    // A restore killed part-way may have left the school file moved aside for a moment.
    crate::vault::replace::finish_interrupted(location)?;
    if location.db.exists() {
        return Err(VaultError::AlreadyExists(location.db.clone()).into());
    }
    if location.keys.exists() {
        return Err(Error::Invalid(format!(
            "A key file already exists at {} without its school file. Move it somewhere safe \
             (it may belong to a school file that was moved) and try again.",
            location.keys.display()
        )));
    }
    if !spec.data.is_administrator(&spec.admin.email) {
        return Err(Error::Invalid(format!(
            "{} cannot be the first administrator: they must be an active user in an active \
             user group that has Manage system.",
            spec.admin.email
        )));
    }

    // Judged on the school file's own name (the school is built under a temporary one), and
    // before the slow key derivations.
    crate::vault::network::refuse_network_drive(location)?;
    let data_key = DataKey::generate();
    let mut keys = KeyFile::new(spec.demo.clone());
    let mut memory = crate::vault::slots::KdfMemory::default();
    for p in std::iter::once(&spec.admin).chain(&spec.others) {
        keys.set_person_in(&mut memory, &p.email, &p.password, &data_key, spec.kdf)?;
    }
    drop(memory);
    keys.set_recovery(spec.recovery_code, &data_key, spec.kdf)?;

    let building = Location {
        db: sibling(&location.db, "creating"),
        keys: location.keys.clone(),
    };
    let _ = std::fs::remove_file(&building.db);
    let result = build(&building, &data_key, &spec);
    if let Err(e) = result {
        remove_db_files(&building.db);
        return Err(e);
    }
    if let Err(e) = keys.write(&location.keys) {
        remove_db_files(&building.db);
        return Err(e.into());
    }
    if let Err(e) = std::fs::rename(&building.db, &location.db) {
        remove_db_files(&building.db);
        let _ = std::fs::remove_file(&location.keys);
        return Err(VaultError::io("create", &location.db, e).into());
    }
    let vault = Vault::open(location, &data_key)?;
    let admin = people::user_by_email(vault.db(), &spec.admin.email)?
        .ok_or_else(|| Error::Invalid("The administrator was not saved.".into()))?;
    Session::start(vault, data_key, admin.id, spec.admin.soft_key.is_some())
}

/// A school loaded from an export file (`keyholder load`): its first active administrator gets
/// `password` and a new soft key, both handed to the person running the command.
pub struct LoadedSchool {
    pub admin: String,
    /// The administrator's soft key, for their authenticator app or a script.
    pub key: PendingKey,
    pub recovery_code: String,
}

/// The e-mail address of the first active user in an active group with Manage system.
pub fn first_administrator(data: &SchoolData) -> Result<String> {
    data.users
        .iter()
        .find(|u| data.is_administrator(&u.email))
        .map(|u| u.email.clone())
        .ok_or_else(|| {
            Error::Invalid(
                "The file has no active user in an active group with Manage system, so \
                 nobody could administer the new school."
                    .into(),
            )
        })
}

/// Creates a school at `location` from an export, for `keyholder load`. The administrator's key
/// counts at once: the command prints it for a script, which has no app to read a code from.
pub fn load_school(
    location: &Location,
    data: &SchoolData,
    password: &str,
    origin: &str,
) -> Result<LoadedSchool> {
    let admin = first_administrator(data)?;
    check_new_password(password, password, &[&admin])?;
    let key = PendingKey::new();
    let recovery_code = new_recovery_code();
    create_vault(NewVault {
        location,
        data,
        admin: PersonAccess {
            email: admin.clone(),
            password: password.to_string(),
            soft_key: Some(ConfirmedKey::handed_out(key.clone())),
        },
        others: Vec::new(),
        recovery_code: &recovery_code,
        kdf: KdfCost::STANDARD,
        demo: None,
        origin,
    })?;
    Ok(LoadedSchool {
        admin,
        key,
        recovery_code,
    })
}

fn build(at: &Location, data_key: &DataKey, spec: &NewVault<'_>) -> Result<()> {
    let mut vault = Vault::create(at, data_key)?;
    let now = crate::clock::now();
    let summary = format!(
        "{}: {} users, {} pupils, {} groups",
        spec.origin,
        spec.data.users.len(),
        spec.data.pupils.len(),
        spec.data.groups.len()
    );
    vault.write(&Actor::system("Keyholder set-up"), |tx| {
        let ids = spec.data.insert(tx, now).map_err(|e| match e {
            Error::Vault(v) => v,
            other => VaultError::Rejected(other.to_string()),
        })?;
        for p in std::iter::once(&spec.admin).chain(&spec.others) {
            let (Some(key), Some(user)) = (&p.soft_key, ids.get(&p.email.trim().to_lowercase()))
            else {
                continue;
            };
            people::put_soft_key(tx, &key.stored_for(*user, now))?;
        }
        Ok(((), Change::new("School created", summary)))
    })?;
    // Fold the write-ahead log into the file so the single file can be moved into place.
    vault.checkpoint()?;
    Ok(())
}

fn remove_db_files(db: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(p));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_check() {
        for ok in [
            "a@b.co",
            " head@millbrook.example ",
            "o'neill@school.org.uk",
        ] {
            assert!(check_email(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "nobody", "@b.co", "a@b", "a@.co", "a b@c.co", "a@b.co.", "a:b@c.co", "a@b@c.co",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }

    fn details() -> NewSchoolDetails {
        NewSchoolDetails {
            school_name: "Larkfield Primary".into(),
            title: "Mrs".into(),
            forename: "Ruth".into(),
            surname: "Okafor".into(),
            email: "r.okafor@larkfield.example".into(),
            job_title: "Headteacher".into(),
            password: "winter lantern copper 81".into(),
            password_again: "winter lantern copper 81".into(),
        }
    }

    #[test]
    fn details_check_names_the_first_problem() {
        assert!(details().check().is_ok());
        let mut d = details();
        d.school_name = "  ".into();
        assert!(d.check().unwrap_err().to_string().contains("school's name"));
        let mut d = details();
        d.password_again = "different".into();
        assert!(d.check().unwrap_err().to_string().contains("not the same"));
        let mut d = details();
        d.password = "qwertyuiop12".into();
        d.password_again = d.password.clone();
        assert!(
            d.check()
                .unwrap_err()
                .to_string()
                .contains("too easy to guess")
        );
    }

    #[test]
    fn starter_school_makes_the_admin_an_administrator() {
        let data = starter_school(&details());
        assert!(data.is_administrator("R.Okafor@larkfield.example"));
        assert!(!data.is_administrator("someone@else.example"));
    }
}
