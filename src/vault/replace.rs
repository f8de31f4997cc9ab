//! Putting a backup's two files in place of the school's, so that a kill or power cut at any
//! moment leaves either the old school or the restored one, never a mix or nothing.
//!
//! A restore first writes the backup's files beside the school's (`keyholder.db.restoring`,
//! `keyholder.keys.restoring`), each flushed to disk. Only then does it write its *plan*
//! (`keyholder.db.restore-plan`): the renames it is about to make, in order. The renames follow,
//! then the new generation (see [`super::lock`]), and last the plan is removed. So a plan on disk
//! always means "these staged files are complete; finish moving them in", and the next Keyholder
//! to open the school does exactly that ([`finish_interrupted`]) before anything else looks at
//! the files. Without a plan, any staged files are from a restore that never started moving and
//! are simply removed.

use super::Location;
use super::error::{Error, Result};
use super::files::{sibling, sync_folder, temporary_of, write_atomic};
use super::lock::Exclusive;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A plan is a few file names; anything bigger is not one of ours and is not read.
const MAX_PLAN_BYTES: u64 = 64 * 1024;

/// `…/keyholder.db` → `…/keyholder.replaced-20260124-140502.db` (its key file likewise), so the
/// kept pair still opens with `--vault`.
pub fn kept_location(location: &Location, now: i64) -> Location {
    use chrono::{Local, TimeZone};
    let stamp = Local
        .timestamp_opt(now, 0)
        .single()
        .map(|t| t.format("%Y%m%d-%H%M%S").to_string())
        .unwrap_or_else(|| now.to_string());
    let stem = location
        .db
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "keyholder".into());
    let mut n = 0;
    loop {
        let suffix = if n == 0 {
            String::new()
        } else {
            format!("-{n}")
        };
        let candidate = Location::new(
            location
                .db
                .with_file_name(format!("{stem}.replaced-{stamp}{suffix}.db")),
        );
        if !candidate.db.exists() && !candidate.keys.exists() {
            return candidate;
        }
        n += 1;
    }
}

/// SQLite's companions of a school file, which belong to it and must move with it.
fn companions(db: &Path) -> [PathBuf; 2] {
    [sibling_dash(db, "wal"), sibling_dash(db, "shm")]
}

fn sibling_dash(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push("-");
    name.push(suffix);
    path.with_file_name(name)
}

/// Where a restore stages the backup's school file and key file.
pub fn staged(location: &Location) -> [PathBuf; 2] {
    [&location.db, &location.keys].map(|p| sibling(p, "restoring"))
}

/// Where a restore writes its plan while it moves files.
pub fn plan_path(location: &Location) -> PathBuf {
    sibling(&location.db, "restore-plan")
}

/// What a killed restore may leave that is safe to remove once no plan says otherwise.
pub fn leftovers(location: &Location) -> Vec<PathBuf> {
    let staged = staged(location);
    let mut paths: Vec<PathBuf> = staged.iter().map(|p| temporary_of(p)).collect();
    paths.extend(staged);
    paths.push(temporary_of(&plan_path(location)));
    paths
}

/// The renames of one restore, by file name within the school's folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Plan {
    moves: Vec<(String, String)>,
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl Plan {
    fn new(location: &Location, kept: Option<&Location>) -> Plan {
        let mut moves = Vec::new();
        if let Some(k) = kept {
            moves.push((location.db.clone(), k.db.clone()));
            // The old file's journal goes with it before the new file arrives: SQLite would
            // otherwise read the old school's last changes into the restored one.
            for (from, to) in companions(&location.db).into_iter().zip(companions(&k.db)) {
                moves.push((from, to));
            }
            moves.push((location.keys.clone(), k.keys.clone()));
        }
        let [new_db, new_keys] = staged(location);
        moves.push((new_db, location.db.clone()));
        moves.push((new_keys, location.keys.clone()));
        Plan {
            moves: moves
                .iter()
                .map(|(from, to)| (name_of(from), name_of(to)))
                .collect(),
        }
    }

    fn paths(&self, folder: &Path) -> Vec<(PathBuf, PathBuf)> {
        self.moves
            .iter()
            .map(|(from, to)| (folder.join(from), folder.join(to)))
            .collect()
    }

    /// A plan that names anything outside the school's folder is not one Keyholder wrote.
    fn is_plain(&self) -> bool {
        let plain = |name: &str| {
            !name.is_empty()
                && Path::new(name).file_name().is_some_and(|n| n == name)
                && !name.contains(['/', '\\'])
        };
        !self.moves.is_empty() && self.moves.iter().all(|(f, t)| plain(f) && plain(t))
    }
}

fn folder_of(location: &Location) -> PathBuf {
    match location.db.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|e| Error::io("rename", from, e))
}

/// Puts a backup's school file and key file at `location`, holding the school exclusively.
/// Whatever was there is kept beside it, renamed with the time (see [`kept_location`]), and
/// returned. If a step fails, what was there is put back; if the process is killed part-way,
/// [`finish_interrupted`] completes it on the next start.
pub fn replace(
    location: &Location,
    database: &[u8],
    keys: &[u8],
    now: i64,
    exclusive: &mut Exclusive,
) -> Result<Option<Location>> {
    let folder = folder_of(location);
    std::fs::create_dir_all(&folder).map_err(|e| Error::io("create the folder", &folder, e))?;
    let [new_db, new_keys] = staged(location);
    let remove_staged = || {
        let _ = std::fs::remove_file(&new_db);
        let _ = std::fs::remove_file(&new_keys);
    };
    let staged = write_atomic(&new_db, database).and_then(|()| write_atomic(&new_keys, keys));
    if let Err(e) = staged {
        remove_staged();
        return Err(e);
    }

    let had_files = location.db.exists() || location.keys.exists();
    let kept = had_files.then(|| kept_location(location, now));
    let plan = Plan::new(location, kept.as_ref());
    let plan_file = plan_path(location);
    let plan_bytes = serde_json::to_vec(&plan)
        .map_err(|e| Error::io("write", &plan_file, std::io::Error::other(e)))?;
    if let Err(e) = write_atomic(&plan_file, &plan_bytes) {
        remove_staged();
        return Err(e);
    }

    // Every rename done so far, undone in reverse if a later one fails.
    let mut done: Vec<(PathBuf, PathBuf)> = Vec::new();
    for (from, to) in plan.paths(&folder) {
        if !from.exists() {
            continue;
        }
        if let Err(e) = rename(&from, &to) {
            for (f, t) in done.iter().rev() {
                let _ = std::fs::rename(t, f);
            }
            remove_staged();
            let _ = std::fs::remove_file(&plan_file);
            sync_folder(&location.db);
            return Err(e);
        }
        done.push((from, to));
    }
    sync_folder(&location.db);
    exclusive.renew()?;
    std::fs::remove_file(&plan_file).map_err(|e| Error::io("remove", &plan_file, e))?;
    sync_folder(&location.db);
    Ok(kept)
}

/// Finishes a restore that was killed while it moved files in (see the module's description).
/// Returns whether there was one. Call before anything looks at the school's files.
pub fn finish_interrupted(location: &Location) -> Result<bool> {
    let plan_file = plan_path(location);
    if !plan_file.exists() {
        return Ok(false);
    }
    let mut exclusive = Exclusive::take(&location.lock_file())?;
    // Another process may have finished it while this one waited.
    if !plan_file.exists() {
        return Ok(false);
    }
    let unfinished = || Error::RestoreUnfinished {
        plan: plan_file.clone(),
    };
    let plan: Plan = std::fs::File::open(&plan_file)
        .ok()
        .and_then(|f| {
            use std::io::Read;
            let mut bytes = Vec::new();
            f.take(MAX_PLAN_BYTES).read_to_end(&mut bytes).ok()?;
            serde_json::from_slice(&bytes).ok()
        })
        .filter(Plan::is_plain)
        .ok_or_else(unfinished)?;
    let folder = folder_of(location);
    let moves = plan.paths(&folder);
    // The renames were made in order, so the last one whose source is gone and whose
    // destination is there marks how far the restore got.
    let done = |(from, to): &(PathBuf, PathBuf)| !from.exists() && to.exists();
    let start = moves.iter().rposition(done).map_or(0, |i| i + 1);
    let rest = &moves[start..];
    // The rest is played through first without touching anything: a move whose destination
    // would already be there means the folder is no longer as the restore left it, and moving
    // anything then could lose a file.
    let mut present: std::collections::HashSet<&PathBuf> = rest
        .iter()
        .flat_map(|(from, to)| [from, to])
        .filter(|p| p.exists())
        .collect();
    for (from, to) in rest {
        if present.remove(from) && !present.insert(to) {
            return Err(unfinished());
        }
    }
    for (from, to) in rest {
        if from.exists() {
            rename(from, to)?;
        }
    }
    sync_folder(&location.db);
    if !location.db.exists() || !location.keys.exists() {
        return Err(unfinished());
    }
    exclusive.renew()?;
    std::fs::remove_file(&plan_file).map_err(|e| Error::io("remove", &plan_file, e))?;
    sync_folder(&location.db);
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// A school folder with an old school (and its journal) and a restore staged and planned.
    fn planned(dir: &Path) -> (Location, Location, Vec<(PathBuf, PathBuf)>) {
        let location = Location::new(dir.join("keyholder.db"));
        fs::write(&location.db, b"old school").unwrap();
        fs::write(&location.keys, b"old keys").unwrap();
        fs::write(sibling_dash(&location.db, "wal"), b"old journal").unwrap();
        let [new_db, new_keys] = staged(&location);
        fs::write(&new_db, b"new school").unwrap();
        fs::write(&new_keys, b"new keys").unwrap();
        let kept = kept_location(&location, 1_700_000_000);
        let plan = Plan::new(&location, Some(&kept));
        fs::write(plan_path(&location), serde_json::to_vec(&plan).unwrap()).unwrap();
        let moves = plan.paths(dir);
        (location, kept, moves)
    }

    #[test]
    fn a_restore_killed_after_any_rename_is_finished_on_the_next_start() {
        let moves = {
            let dir = tempfile::tempdir().unwrap();
            planned(dir.path()).2.len()
        };
        // 0 renames done up to every one done (killed just before the plan was removed).
        for done in 0..=moves {
            let dir = tempfile::tempdir().unwrap();
            let (location, kept, plan) = planned(dir.path());
            for (from, to) in plan.iter().take(done) {
                if from.exists() {
                    fs::rename(from, to).unwrap();
                }
            }
            assert!(
                finish_interrupted(&location).unwrap(),
                "after {done} renames"
            );
            assert_eq!(fs::read(&location.db).unwrap(), b"new school", "{done}");
            assert_eq!(fs::read(&location.keys).unwrap(), b"new keys", "{done}");
            assert_eq!(fs::read(&kept.db).unwrap(), b"old school", "{done}");
            assert_eq!(fs::read(&kept.keys).unwrap(), b"old keys", "{done}");
            // The old school's journal went with it, and never applies to the restored one.
            assert!(!sibling_dash(&location.db, "wal").exists(), "{done}");
            assert_eq!(
                fs::read(sibling_dash(&kept.db, "wal")).unwrap(),
                b"old journal"
            );
            assert!(!plan_path(&location).exists());
            assert!(staged(&location).iter().all(|p| !p.exists()));
            // Finished once: a second start has nothing to do.
            assert!(!finish_interrupted(&location).unwrap());
        }
    }

    #[test]
    fn a_folder_changed_since_the_plan_or_a_foreign_plan_is_left_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let (location, kept, plan) = planned(dir.path());
        fs::rename(&plan[0].0, &plan[0].1).unwrap();
        // Someone put a school file back by hand: moving the staged one over it would lose it.
        fs::write(&location.db, b"put back").unwrap();
        let result = finish_interrupted(&location);
        assert!(
            matches!(result, Err(Error::RestoreUnfinished { .. })),
            "{result:?}"
        );
        assert_eq!(fs::read(&location.db).unwrap(), b"put back");
        assert_eq!(fs::read(&kept.db).unwrap(), b"old school");
        assert!(plan_path(&location).exists());

        let dir = tempfile::tempdir().unwrap();
        let location = Location::new(dir.path().join("keyholder.db"));
        fs::write(&location.db, b"school").unwrap();
        let foreign = Plan {
            moves: vec![("keyholder.db".into(), "../elsewhere.db".into())],
        };
        fs::write(plan_path(&location), serde_json::to_vec(&foreign).unwrap()).unwrap();
        assert!(matches!(
            finish_interrupted(&location),
            Err(Error::RestoreUnfinished { .. })
        ));
        assert_eq!(fs::read(&location.db).unwrap(), b"school");
    }
}
