//! Signing in: e-mail and password open the vault (through the person's key slot), then the
//! soft-key code, if the person has a key.

use super::error::{Error, Result};
use super::session::Session;
use crate::auth::soft_key::{self, CodeOutcome, KeyCounters};
use crate::model::User;
use crate::vault::queries::people;
use crate::vault::{Actor, Change, KeyFile, Location, Vault};

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

/// Checks the e-mail address and password, and whether this person may sign in at all.
/// A wrong address and a wrong password give the same message and take the same time.
pub fn sign_in(location: &Location, email: &str, password: &str) -> Result<SignInStep> {
    if !location.db.exists() {
        return Err(crate::vault::Error::NotFound(location.db.clone()).into());
    }
    let keys = KeyFile::read(&location.keys)?;
    let data_key = keys.unlock_person(email, password)?;
    let mut vault = Vault::open(location, &data_key)?;
    let user =
        people::user_by_email(vault.conn(), email)?.ok_or(crate::vault::Error::WrongPassword)?;
    if !user.active {
        return Err(Error::AccountInactive);
    }
    let group = people::user_groups(vault.conn())?
        .into_iter()
        .find(|g| g.id == user.user_group);
    match group {
        Some(g) if g.active => {}
        Some(g) => return Err(Error::GroupInactive(g.name)),
        None => return Err(Error::AccountInactive),
    }
    let has_key = people::soft_key(vault.conn(), user.id)?.is_some_and(|k| k.confirmed);
    if has_key {
        return Ok(SignInStep::NeedsCode(PendingCode { vault, user }));
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
    Ok(SignInStep::SignedIn(Session::start(vault, user.id, false)?))
}

/// Password accepted, code still to come.
pub struct PendingCode {
    vault: Vault,
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
        Session::start(self.vault, self.user.id, true)
    }
}

/// Checks a code against the user's key and stores the outcome (used step, failures, lock).
pub(crate) fn check_code(vault: &mut Vault, user: &User, code: &str, now: i64) -> Result<()> {
    let key = people::soft_key(vault.conn(), user.id)?
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
    match outcome {
        CodeOutcome::Accepted => Ok(()),
        CodeOutcome::Wrong { attempts_left } => Err(Error::WrongCode { attempts_left }),
        CodeOutcome::AlreadyUsed { attempts_left } => Err(Error::CodeAlreadyUsed { attempts_left }),
        CodeOutcome::Locked { until } => Err(Error::locked(until)),
    }
}
