//! Work that takes long enough to freeze the window (key derivation, building a school), run on a
//! background thread by the app and directly by tests. Each job ends in a message for the screen
//! that asked for it.

use super::app::Message;
use super::screen::{home, overview, recover, redeem, restore, setup, sign_in};
use crate::service::backup::{BackupJob, BackupPreview, Unlock, UnlockedBackup};
use crate::service::recovery::{self, RecoveryUnlock};
use crate::service::setup::{ConfirmedKey, NewSchoolDetails, NewVault, PersonAccess};
use crate::service::sign_in::{SetupRedemption, redeem_setup_code};
use crate::service::{self, Desk, KdfCost, Location, PendingCode, SignInStep, Ticket};

pub enum Job {
    SignIn {
        location: Location,
        email: String,
        password: String,
    },
    ConfirmCode {
        pending: Ticket<PendingCode>,
        code: String,
    },
    CreateSchool {
        location: Location,
        details: NewSchoolDetails,
        key: ConfirmedKey,
        recovery_code: String,
        kdf: KdfCost,
    },
    /// Creates the demo school if there is none yet; then the sign-in screen opens on it.
    PrepareDemo {
        location: Location,
        kdf: KdfCost,
    },
    UnlockRecovery {
        location: Location,
        code: String,
    },
    RedeemSetupCode {
        location: Location,
        email: String,
        code: String,
    },
    FinishSetupCode {
        redemption: Ticket<SetupRedemption>,
        password: String,
        again: String,
        key: Option<ConfirmedKey>,
    },
    ResetPassword {
        unlock: Ticket<RecoveryUnlock>,
        email: String,
        password: String,
        again: String,
        key: Option<ConfirmedKey>,
        kdf: KdfCost,
    },
    /// Writes and checks a backup; `progress` is kept up to date in thousandths for the screen.
    Backup {
        job: BackupJob,
        out: std::path::PathBuf,
        progress: std::sync::Arc<std::sync::atomic::AtomicU32>,
    },
    OpenBackup {
        path: std::path::PathBuf,
    },
    UnlockBackup {
        preview: BackupPreview,
        how: Unlock,
    },
    RestoreBackup {
        unlocked: Ticket<UnlockedBackup>,
        location: Location,
    },
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            Job::SignIn { .. } => "SignIn",
            Job::ConfirmCode { .. } => "ConfirmCode",
            Job::CreateSchool { .. } => "CreateSchool",
            Job::PrepareDemo { .. } => "PrepareDemo",
            Job::UnlockRecovery { .. } => "UnlockRecovery",
            Job::RedeemSetupCode { .. } => "RedeemSetupCode",
            Job::FinishSetupCode { .. } => "FinishSetupCode",
            Job::ResetPassword { .. } => "ResetPassword",
            Job::Backup { .. } => "Backup",
            Job::OpenBackup { .. } => "OpenBackup",
            Job::UnlockBackup { .. } => "UnlockBackup",
            Job::RestoreBackup { .. } => "RestoreBackup",
        };
        write!(f, "Job::{name}")
    }
}

/// A job with the desk where what it unlocks waits for the screen's next step.
#[derive(Debug)]
pub struct Work {
    job: Job,
    desk: Desk,
}

impl Work {
    pub fn new(job: Job, desk: Desk) -> Work {
        Work { job, desk }
    }

    /// Does the work, blocking, and returns the message that reports it.
    pub fn run(self) -> Message {
        self.job.run(&self.desk)
    }
}

/// What was left at the desk is gone (the person started something else meanwhile).
fn gone() -> service::Error {
    service::Error::Invalid("That step was interrupted. Please start again.".into())
}

impl Job {
    fn run(self, desk: &Desk) -> Message {
        match self {
            Job::SignIn {
                location,
                email,
                password,
            } => {
                let result =
                    service::sign_in(&location, &email, &password).map(|step| match step {
                        SignInStep::NeedsCode(p) => sign_in::Started::NeedsCode(desk.keep(p)),
                        SignInStep::SignedIn(s) => sign_in::Started::SignedIn(desk.keep(s)),
                    });
                Message::SignIn(sign_in::Message::SignInDone(result))
            }
            Job::ConfirmCode { pending, code } => {
                let result = match desk.take(&pending) {
                    None => Err((None, gone())),
                    Some(mut pending) => match pending.confirm(&code, crate::clock::now()) {
                        Ok(()) => pending
                            .into_session()
                            .map(|s| desk.keep(s))
                            .map_err(|e| (None, e)),
                        Err(e) => Err((Some(desk.keep(pending)), e)),
                    },
                };
                Message::SignIn(sign_in::Message::CodeDone(result))
            }
            Job::CreateSchool {
                location,
                details,
                key,
                recovery_code,
                kdf,
            } => {
                let data = service::setup::starter_school(&details);
                let result = service::setup::create_vault(NewVault {
                    location: &location,
                    data: &data,
                    admin: PersonAccess {
                        email: details.email.trim().to_string(),
                        password: details.password.clone(),
                        soft_key: Some(key),
                    },
                    others: Vec::new(),
                    recovery_code: &recovery_code,
                    kdf,
                    demo: None,
                    origin: "New school set up",
                })
                .map(|s| desk.keep(s));
                Message::Setup(setup::Message::Created(result))
            }
            Job::PrepareDemo { location, kdf } => {
                let result = service::demo::prepare(&location, kdf);
                Message::DemoReady(location, result)
            }
            Job::UnlockRecovery { location, code } => {
                let result = recovery::unlock_with_recovery_code(&location, &code).and_then(|u| {
                    let admins = u.administrators()?;
                    Ok((desk.keep(u), admins))
                });
                Message::Recover(recover::Message::Unlocked(result))
            }
            Job::RedeemSetupCode {
                location,
                email,
                code,
            } => {
                let result =
                    redeem_setup_code(&location, &email, &code).map(|r| redeem::Accepted {
                        email: r.email().to_string(),
                        name: r.user_name(),
                        needs_key: r.group_needs_key(),
                        redemption: desk.keep(r),
                    });
                Message::Redeem(redeem::Message::Checked(result))
            }
            Job::FinishSetupCode {
                redemption,
                password,
                again,
                key,
            } => {
                let result = desk
                    .take(&redemption)
                    .ok_or_else(gone)
                    .and_then(|r| r.finish(&password, &again, key))
                    .map(|s| desk.keep(s));
                Message::Redeem(redeem::Message::Finished(result))
            }
            Job::ResetPassword {
                unlock,
                email,
                password,
                again,
                key,
                kdf,
            } => {
                let result = desk
                    .take(&unlock)
                    .ok_or_else(gone)
                    .and_then(|unlock| unlock.reset(&email, &password, &again, key, kdf));
                Message::Recover(recover::Message::ResetDone(result))
            }
            Job::Backup { job, out, progress } => {
                let result = job.run(&out, &|p| {
                    progress.store(
                        (p.clamp(0.0, 1.0) * 1000.0) as u32,
                        std::sync::atomic::Ordering::Relaxed,
                    )
                });
                Message::Home(home::Message::Overview(overview::Message::BackupDone(
                    result,
                )))
            }
            Job::OpenBackup { path } => Message::Restore(restore::Message::Opened(
                service::backup::open_backup(&path),
            )),
            Job::UnlockBackup { preview, how } => {
                let result = preview.unlock(&how).map(|u| desk.keep(u));
                Message::Restore(restore::Message::Unlocked(result))
            }
            Job::RestoreBackup { unlocked, location } => {
                Message::Restore(restore::Message::Restored(
                    desk.take(&unlocked)
                        .ok_or_else(gone)
                        .and_then(|u| u.restore(&location)),
                ))
            }
        }
    }
}

/// Runs a job off the window's thread.
pub fn spawn(work: Work) -> iced::Task<Message> {
    iced::Task::future(async move {
        let (tx, rx) = iced::futures::channel::oneshot::channel();
        std::thread::spawn(move || {
            let _ = tx.send(work.run());
        });
        rx.await.unwrap_or(Message::JobLost)
    })
}
