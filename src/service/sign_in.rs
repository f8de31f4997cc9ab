//! Signing in: e-mail and password open the vault (through the person's key slot), then the
//! soft-key code, if the person has a key.

use super::error::{Error, Result};
use super::session::Session;
use crate::auth::soft_key::{self, CodeOutcome, KeyCounters};
use crate::model::User;
use crate::vault::queries::people;
use crate::vault::{Actor, Change, DataKey, KeyFile, Location, Vault};

pub enum SignInStep {
    /// Password accepted; the person holds a soft key, so a code is needed.
    NeedsCode(PendingCode),
    /// Signed in without a key: basic permissions only.
    SignedIn(Session),
}

impl std::fmt::Debug for SignInStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignInStep::NeedsCode(p) => write!(f, "NeedsCode({})", p.user.email),
            SignInStep::SignedIn(s) => write!(f, "SignedIn({s:?})"),
        }
    }
}

/// What the sign-in screen can know before anything is unlocked: whether the school's files can
/// be opened at all, and the demo's published sign-in if this is the demo school.
pub fn peek_key_file(location: &Location) -> Result<Option<crate::vault::DemoAccess>> {
    crate::vault::check_school_file(location)?;
    Ok(KeyFile::read(&location.keys)?.demo)
}

/// Checks the e-mail address and password, and whether this person may sign in at all.
/// A wrong address and a wrong password give the same message and take the same time.
pub fn sign_in(location: &Location, email: &str, password: &str) -> Result<SignInStep> {
    crate::vault::check_school_file(location)?;
    let keys = KeyFile::read(&location.keys)?;
    let data_key = keys.unlock_person(email, password)?;
    let mut vault = Vault::open(location, &data_key)?;
    let user =
        people::user_by_email(vault.db(), email)?.ok_or(crate::vault::Error::WrongPassword)?;
    if !user.active {
        return Err(Error::AccountInactive);
    }
    let group = people::user_groups(vault.db())?
        .into_iter()
        .find(|g| g.id == user.user_group);
    match group {
        Some(g) if g.active => {}
        Some(g) => return Err(Error::GroupInactive(g.name)),
        None => return Err(Error::AccountInactive),
    }
    let has_key = people::soft_key(vault.db(), user.id)?.is_some_and(|k| k.confirmed);
    if has_key {
        return Ok(SignInStep::NeedsCode(PendingCode {
            vault,
            data_key,
            user,
        }));
    }
    let now = crate::clock::now();
    let actor = Actor::user(user.id, user.full_name());
    vault.write(&actor, |tx| {
        people::set_last_login(tx, user.id, now)?;
        Ok((
            (),
            Change::new(
                "Signed in",
                "Signed in without a soft key: basic permissions only",
            ),
        ))
    })?;
    Ok(SignInStep::SignedIn(Session::start(
        vault, data_key, user.id, false,
    )?))
}

/// Password accepted, code still to come.
pub struct PendingCode {
    vault: Vault,
    data_key: DataKey,
    user: User,
}

impl PendingCode {
    pub fn email(&self) -> &str {
        &self.user.email
    }

    pub fn user_name(&self) -> String {
        self.user.full_name()
    }

    /// Checks the code; on success the session can be started with [`PendingCode::into_session`].
    /// Every outcome is recorded (wrong codes and locks are audited too).
    pub fn confirm(&mut self, code: &str, now: i64) -> Result<()> {
        check_code(&mut self.vault, &self.user, code, now)?;
        let user = self.user.id;
        let actor = Actor::user(user, self.user.full_name());
        self.vault.write(&actor, |tx| {
            people::set_last_login(tx, user, now)?;
            Ok(((), Change::new("Signed in", "Signed in with a soft key")))
        })?;
        Ok(())
    }

    /// Only call after [`PendingCode::confirm`] succeeded.
    pub fn into_session(self) -> Result<Session> {
        Session::start(self.vault, self.data_key, self.user.id, true)
    }
}

/// Checks a code against the user's key and stores the outcome (used step, failures, lock).
pub(crate) fn check_code(vault: &mut Vault, user: &User, code: &str, now: i64) -> Result<()> {
    // Read and stored in one change, so two sign-ins with the same code at the same moment (two
    // windows, two commands) cannot both be accepted, and a wrong code always counts.
    let outcome = vault.change(|vault| -> Result<CodeOutcome> {
        let key = people::soft_key(vault.db(), user.id)?
            .filter(|k| k.confirmed)
            .ok_or_else(|| {
                Error::Invalid("This account has no soft key to check a code against.".into())
            })?;
        let before = KeyCounters {
            last_used_step: key.last_used_step,
            failed_attempts: key.failed_attempts,
            locked_until: key.locked_until,
        };
        let (outcome, after) = soft_key::check(&key.secret, code, now, before);
        if after != before {
            let summary = match outcome {
                CodeOutcome::Accepted => "Soft-key code accepted",
                CodeOutcome::Wrong { .. } => "Wrong soft-key code",
                CodeOutcome::AlreadyUsed { .. } => "Soft-key code used a second time (refused)",
                CodeOutcome::Locked { .. } => "Account locked after too many wrong codes",
            };
            let actor = Actor::user(user.id, user.full_name());
            let uid = user.id;
            vault.write(&actor, |tx| {
                people::update_soft_key_state(
                    tx,
                    uid,
                    after.last_used_step,
                    after.failed_attempts,
                    after.locked_until,
                )?;
                Ok(((), Change::new("Soft key", summary)))
            })?;
        }
        Ok(outcome)
    })?;
    match outcome {
        CodeOutcome::Accepted => Ok(()),
        CodeOutcome::Wrong { attempts_left } => Err(Error::WrongCode { attempts_left }),
        CodeOutcome::AlreadyUsed { attempts_left } => Err(Error::CodeAlreadyUsed { attempts_left }),
        CodeOutcome::Locked { until } => Err(Error::locked(until)),
    }
}

/// A set-up code accepted: the person chooses a password (and enrols a soft key) to finish.
pub struct SetupRedemption {
    vault: Vault,
    data_key: DataKey,
    user: User,
    group_needs_key: bool,
}

impl std::fmt::Debug for SetupRedemption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SetupRedemption({})", self.user.email)
    }
}

/// Checks an e-mail address and set-up code. Unknown addresses, wrong codes and used codes all
/// get the same answer; only someone holding the right code learns that it has expired.
pub fn redeem_setup_code(location: &Location, email: &str, code: &str) -> Result<SetupRedemption> {
    crate::vault::check_school_file(location)?;
    let keys = KeyFile::read(&location.keys)?;
    let data_key = keys.unlock_setup_code(email, code)?;
    let vault = Vault::open(location, &data_key)?;
    let wrong = || Error::Vault(crate::vault::Error::WrongSetupCode);
    let user = people::user_by_email(vault.db(), email)?.ok_or_else(wrong)?;
    let record = people::pending_setup_code(vault.db(), user.id)?.ok_or_else(wrong)?;
    if record.code_hash != super::users::setup_code_hash(code) {
        return Err(wrong());
    }
    if record.expires_at <= crate::clock::now() {
        // The code was right, so its slot is known: take it out, so the files alone no longer
        // open with it. Best effort; the message below stands either way.
        if let Ok(mut keys) = KeyFile::read(&location.keys)
            && keys.remove_setup_code(email)
        {
            let _ = keys.write(&location.keys);
        }
        return Err(Error::Invalid(
            "This set-up code has expired (codes last 7 days). Ask your Keyholder administrator for a new one.".into(),
        ));
    }
    if !user.active {
        return Err(Error::AccountInactive);
    }
    let group = people::user_groups(vault.db())?
        .into_iter()
        .find(|g| g.id == user.user_group)
        .ok_or(Error::AccountInactive)?;
    if !group.active {
        return Err(Error::GroupInactive(group.name));
    }
    Ok(SetupRedemption {
        group_needs_key: group.system.has_higher_level(),
        vault,
        data_key,
        user,
    })
}

impl SetupRedemption {
    pub fn email(&self) -> &str {
        &self.user.email
    }

    pub fn user_name(&self) -> String {
        self.user.full_name()
    }

    /// Whether the person's user group grants anything a soft key is needed for.
    pub fn group_needs_key(&self) -> bool {
        self.group_needs_key
    }

    /// Sets the password (and the soft key, if enrolled), uses up the code, and signs in.
    pub fn finish(
        mut self,
        password: &str,
        again: &str,
        key: Option<super::setup::ConfirmedKey>,
    ) -> Result<Session> {
        let u = &self.user;
        crate::auth::password::check_new(password, again, &[&u.forename, &u.surname, &u.email])
            .map_err(|p| Error::Invalid(p.to_string()))?;
        let uid = u.id;
        let with_key = key.is_some();
        let (vault, data_key) = (&mut self.vault, &self.data_key);
        // The key file is read, changed and written while the school is held, so a change made
        // at the same moment elsewhere (another set-up code, a password) is not written over.
        vault.change(|vault| -> Result<()> {
            let keys_path = vault.location().keys.clone();
            let before = KeyFile::read(&keys_path)?;
            let mut keys = before.clone();
            let cost = keys.person_cost();
            keys.set_person(&u.email, password, data_key, cost)?;
            keys.remove_setup_code(&u.email);
            keys.write(&keys_path)?;
            let now = crate::clock::now();
            let summary = if with_key {
                format!(
                    "{} chose a password and enrolled a soft key with their set-up code",
                    u.full_name()
                )
            } else {
                format!(
                    "{} chose a password with their set-up code (no soft key yet)",
                    u.full_name()
                )
            };
            let actor = Actor::user(uid, u.full_name());
            let result = vault.write(&actor, |tx| {
                people::close_setup_codes(tx, uid, now)?;
                if let Some(k) = &key {
                    people::put_soft_key(tx, &k.stored_for(uid, now))?;
                }
                people::set_last_login(tx, uid, now)?;
                Ok(((), Change::new("Set-up code used", summary)))
            });
            if let Err(e) = result {
                // Put the key file back so the code still works and no password was set.
                let _ = before.write(&keys_path);
                return Err(e.into());
            }
            Ok(())
        })?;
        Session::start(self.vault, self.data_key, uid, with_key)
    }
}
