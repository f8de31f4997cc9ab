//! Refusing a school file on a network drive.
//!
//! SQLite's locking (and so every guarantee that two writers cannot lose each other's changes)
//! depends on the file system's locks, which network file systems implement partly or not at all;
//! SQLite's documentation warns against it, and WAL mode needs shared memory that a share cannot
//! give two computers. A school file there would look fine until the day two PCs wrote at once.

use super::Location;
use super::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The kind of network file system a file-system type name stands for, or `None` for a local
/// disk. The names are those Linux (`/proc/self/mountinfo`) and macOS (`statfs`) report.
pub fn network_kind(fs_type: &str) -> Option<&'static str> {
    let t = fs_type.trim().to_ascii_lowercase();
    let t = t.strip_prefix("fuse.").unwrap_or(&t);
    Some(match t {
        "nfs" | "nfs4" | "nfsd" => "an NFS share",
        "cifs" | "smb" | "smb2" | "smb3" | "smbfs" => "a Windows (SMB) share",
        "afpfs" | "afp" => "an AFP share",
        "webdav" | "davfs" | "davfs2" => "a WebDAV folder",
        "sshfs" => "an SSH folder",
        "afs" | "coda" | "ncpfs" | "ceph" | "glusterfs" | "lustre" | "gpfs" | "orangefs" => {
            "a network file system"
        }
        _ => return None,
    })
}

/// The folder a school file is (or would be) in, with links resolved: the file itself may not
/// exist yet.
fn folder_of(path: &Path) -> Option<PathBuf> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::canonicalize(dir).ok()
}

/// Which network file system the folder is on, if any.
#[cfg(target_os = "linux")]
fn folder_network_kind(dir: &Path) -> Option<&'static str> {
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    let fs_type = mount_type_for(&mounts, dir)?;
    network_kind(&fs_type)
}

/// The file-system type of the deepest mount that holds `dir`, from `/proc/self/mountinfo`.
#[cfg(any(target_os = "linux", test))]
fn mount_type_for(mountinfo: &str, dir: &Path) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    for line in mountinfo.lines() {
        let mut halves = line.splitn(2, " - ");
        let (Some(head), Some(tail)) = (halves.next(), halves.next()) else {
            continue;
        };
        let Some(point) = head.split(' ').nth(4) else {
            continue;
        };
        let Some(fs_type) = tail.split(' ').next() else {
            continue;
        };
        let point = PathBuf::from(unescape_mount(point));
        if dir.starts_with(&point) {
            let depth = point.components().count();
            if best.as_ref().is_none_or(|(d, _)| depth >= *d) {
                best = Some((depth, fs_type.to_string()));
            }
        }
    }
    best.map(|(_, t)| t)
}

/// Mount points write spaces and the like as octal escapes (`\040`).
#[cfg(any(target_os = "linux", test))]
fn unescape_mount(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes.get(i + 1..i + 4).and_then(|d| {
            let digits: Option<Vec<u32>> = d.iter().map(|b| char::from(*b).to_digit(8)).collect();
            digits.and_then(|d| u8::try_from(d[0] * 64 + d[1] * 8 + d[2]).ok())
        });
        if let (b'\\', Some(n)) = (bytes[i], octal) {
            out.push(n);
            i += 4;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(target_os = "macos")]
fn folder_network_kind(dir: &Path) -> Option<&'static str> {
    let stat = rustix::fs::statfs(dir).ok()?;
    let name: Vec<u8> = stat
        .f_fstypename
        .iter()
        .take_while(|c| **c != 0)
        .map(|c| *c as u8)
        .collect();
    network_kind(&String::from_utf8_lossy(&name))
}

/// On Windows a folder on a mapped network drive resolves (canonicalised) to its
/// `\\?\UNC\server\share` form, and one typed as `\\server\share` keeps that form.
#[cfg(windows)]
fn folder_network_kind(dir: &Path) -> Option<&'static str> {
    windows_path_network_kind(&dir.to_string_lossy())
}

/// Whether a Windows path names a folder on another computer: `\\server\share\…` or, as
/// Windows resolves a mapped drive, `\\?\UNC\server\share\…`. A drive letter (`C:\`,
/// `\\?\C:\`) and a device path (`\\.\…`) are this PC's own. Text, not `Path`, so it is
/// tested on every system: only Windows reads `\\` as the start of a path.
#[cfg(any(windows, test))]
fn windows_path_network_kind(path: &str) -> Option<&'static str> {
    let path = path.replace('/', "\\");
    let remote = match path.strip_prefix("\\\\?\\") {
        Some(verbatim) => verbatim
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("UNC\\")),
        None => path.starts_with("\\\\") && !path.starts_with("\\\\.\\"),
    };
    remote.then_some("a network drive")
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn folder_network_kind(_dir: &Path) -> Option<&'static str> {
    None
}

/// Refuses to open a school whose file is on a network drive.
pub fn refuse_network_drive(location: &Location) -> Result<()> {
    let Some(dir) = folder_of(&location.db) else {
        return Ok(());
    };
    match folder_network_kind(&dir) {
        Some(kind) => Err(Error::NetworkDrive {
            path: location.db.clone(),
            kind: kind.to_string(),
            file_names: [&location.db, &location.keys]
                .iter()
                .filter_map(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(" and "),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_file_systems_are_told_apart_from_local_disks() {
        for t in [
            "nfs",
            "nfs4",
            "cifs",
            "smb3",
            "smbfs",
            "afpfs",
            "fuse.sshfs",
            "webdav",
        ] {
            assert!(network_kind(t).is_some(), "{t}");
        }
        for t in [
            "ext4", "btrfs", "xfs", "apfs", "hfs", "ntfs", "tmpfs", "overlay", "fuse",
        ] {
            assert_eq!(network_kind(t), None, "{t}");
        }
    }

    #[test]
    fn windows_paths_to_another_computer_are_told_apart_from_this_pcs_drives() {
        for p in [
            r"\\office-server\school\Keyholder",
            r"\\?\UNC\office-server\school\Keyholder",
            r"\\?\unc\10.0.0.4\share",
            "//office-server/school",
        ] {
            assert_eq!(windows_path_network_kind(p), Some("a network drive"), "{p}");
        }
        for p in [
            r"C:\Users\Office\Documents\Keyholder",
            r"\\?\C:\Users\Office\Documents",
            r"\\.\PhysicalDrive0",
            r"\\?\Volume{0b1c2d3e-0000-0000-0000-100000000000}\Keyholder",
            r"D:\",
        ] {
            assert_eq!(windows_path_network_kind(p), None, "{p}");
        }
    }

    #[test]
    fn the_deepest_mount_holding_the_folder_decides() {
        let info = "\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:50 / /mnt/office rw,relatime shared:20 - cifs //server/office rw,vers=3.0
41 40 8:2 / /mnt/office/local\\040disk rw shared:21 - ext4 /dev/sdb1 rw
";
        let kind = |p: &str| mount_type_for(info, Path::new(p));
        assert_eq!(kind("/home/office").as_deref(), Some("ext4"));
        assert_eq!(kind("/mnt/office/keyholder").as_deref(), Some("cifs"));
        assert_eq!(kind("/mnt/office/local disk/x").as_deref(), Some("ext4"));
        // A folder whose name only starts like a mount point is not inside it.
        assert_eq!(kind("/mnt/officework").as_deref(), Some("ext4"));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_folder_on_this_computer_is_not_refused() {
        let dir = tempfile::tempdir().unwrap();
        let location = Location::new(dir.path().join("school.db"));
        assert!(refuse_network_drive(&location).is_ok());
    }
}
