//! The installers in `packaging/`: the Linux package is built and opened, the macOS Info.plist is
//! filled and parsed, the .desktop file is checked, and the Windows installer scripts are compiled
//! around a placeholder program. Tools a test needs are skipped when missing, except in CI
//! (KEYHOLDER_REQUIRE_TOOLS=1), where `.ci/run` installs them.

mod common;

use common::tool_available;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const VERSION: &str = env!("CARGO_PKG_VERSION");
const ICON_SIZES: [u32; 7] = [16, 32, 48, 64, 128, 256, 512];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn packaging(path: &str) -> PathBuf {
    root().join("packaging").join(path)
}

fn run(cmd: &mut Command) -> Output {
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?} could not start: {e}"));
    assert!(
        output.status.success(),
        "{cmd:?} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `key=value` lines of the `[Desktop Entry]` group, refusing duplicates and other groups first.
fn desktop_entry(text: &str) -> BTreeMap<String, String> {
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    assert_eq!(lines.next(), Some("[Desktop Entry]"), "the first group");
    let mut entry = BTreeMap::new();
    for line in lines.take_while(|l| !l.starts_with('[')) {
        let (key, value) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("not a key=value line: {line:?}"));
        let previous = entry.insert(key.trim().to_string(), value.trim().to_string());
        assert!(previous.is_none(), "{key} is set twice");
    }
    entry
}

#[test]
fn the_deb_holds_the_program_the_desktop_file_and_the_icons() {
    if !tool_available("dpkg-deb") {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let built = run(Command::new("bash")
        .arg(packaging("build-linux.sh"))
        .arg("--binary")
        .arg(env!("CARGO_BIN_EXE_keyholder"))
        .arg("--out")
        .arg(out.path())
        .arg("--fast"));
    let deb = PathBuf::from(stdout(&built).lines().last().unwrap_or_default().trim());
    assert!(deb.is_file(), "the script names the .deb it wrote: {deb:?}");
    let name = deb.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with(&format!("keyholder_{VERSION}_")) && name.ends_with(".deb"),
        "{name}"
    );

    // The control file: the package name and the version from Cargo.toml.
    let field = |f: &str| {
        stdout(&run(Command::new("dpkg-deb").arg("-f").arg(&deb).arg(f)))
            .trim()
            .to_string()
    };
    assert_eq!(field("Package"), "keyholder");
    assert_eq!(field("Version"), VERSION);
    assert!(field("Depends").contains("libc6"), "{}", field("Depends"));

    // The listing: the program (executable), the .desktop file and every icon size.
    let listing = stdout(&run(Command::new("dpkg-deb").arg("-c").arg(&deb)));
    let entry = |path: &str| {
        listing
            .lines()
            .find(|l| l.ends_with(&format!(" ./{path}")))
            .unwrap_or_else(|| panic!("{path} is not in the package:\n{listing}"))
            .to_string()
    };
    assert!(entry("usr/bin/keyholder").starts_with("-rwxr-xr-x root/root"));
    assert!(entry("usr/share/applications/keyholder.desktop").starts_with("-rw-r--r-- root/root"));
    for size in ICON_SIZES {
        entry(&format!(
            "usr/share/icons/hicolor/{size}x{size}/apps/keyholder.png"
        ));
    }
    entry("usr/share/icons/hicolor/scalable/apps/keyholder.svg");

    // Unpacked: the files are the ones in packaging/, and the program runs and knows its version.
    let unpacked = tempfile::tempdir().unwrap();
    run(Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(unpacked.path()));
    let file = |p: &str| std::fs::read(unpacked.path().join(p)).unwrap();
    assert_eq!(
        file("usr/share/applications/keyholder.desktop"),
        std::fs::read(packaging("linux/keyholder.desktop")).unwrap()
    );
    for size in ICON_SIZES {
        let packed = file(&format!(
            "usr/share/icons/hicolor/{size}x{size}/apps/keyholder.png"
        ));
        let source = std::fs::read(packaging(&format!("icons/png/keyholder-{size}.png"))).unwrap();
        assert_eq!(packed, source, "{size} px icon");
        // The PNG really is that size (IHDR width and height).
        assert_eq!(&packed[12..16], b"IHDR");
        assert_eq!(packed[16..20], size.to_be_bytes());
        assert_eq!(packed[20..24], size.to_be_bytes());
    }
    let version = run(Command::new(unpacked.path().join("usr/bin/keyholder")).arg("--version"));
    assert_eq!(stdout(&version).trim(), format!("keyholder {VERSION}"));
}

#[test]
fn the_filled_info_plist_parses_and_carries_the_cargo_version() {
    if !tool_available("python3") {
        return;
    }
    // build-dmg.sh fills the template with fill-plist.sh and Cargo.toml's version; so does this.
    let build_dmg = std::fs::read_to_string(packaging("macos/build-dmg.sh")).unwrap();
    assert!(build_dmg.contains(r#"/fill-plist.sh" "$version""#));
    let dir = tempfile::tempdir().unwrap();
    let plist = dir.path().join("Info.plist");
    run(Command::new("bash")
        .arg(packaging("macos/fill-plist.sh"))
        .arg(VERSION)
        .arg(&plist));

    let parsed = run(Command::new("python3")
        .arg("-c")
        .arg(
            "import json, plistlib, sys\n\
         with open(sys.argv[1], 'rb') as f:\n    d = plistlib.load(f)\n\
         print(json.dumps(d))",
        )
        .arg(&plist));
    let d: serde_json::Value = serde_json::from_slice(&parsed.stdout).expect("plistlib's JSON");
    let key = |k: &str| d[k].as_str().unwrap_or_else(|| panic!("{k} missing: {d}"));
    assert_eq!(key("CFBundleShortVersionString"), VERSION);
    assert_eq!(
        key("CFBundleVersion"),
        VERSION.split(['-', '+']).next().unwrap()
    );
    let exe = Path::new(env!("CARGO_BIN_EXE_keyholder"));
    assert_eq!(key("CFBundleExecutable"), exe.file_stem().unwrap());
    assert_eq!(key("CFBundlePackageType"), "APPL");
    assert_eq!(key("CFBundleName"), "Keyholder");
    assert!(key("CFBundleIdentifier").contains('.'));
    let icon = packaging(&format!("icons/{}.icns", key("CFBundleIconFile")));
    assert!(icon.is_file(), "{icon:?}");
    assert_eq!(d["NSHighResolutionCapable"], serde_json::Value::Bool(true));

    // A version that is not one is refused rather than written into the bundle.
    let bad = Command::new("bash")
        .arg(packaging("macos/fill-plist.sh"))
        .arg("1.0</string>")
        .arg(dir.path().join("bad.plist"))
        .output()
        .unwrap();
    assert!(!bad.status.success());
}

#[test]
fn the_desktop_file_starts_keyholder_with_its_icon() {
    let path = packaging("linux/keyholder.desktop");
    let text = std::fs::read_to_string(&path).unwrap();
    let entry = desktop_entry(&text);
    let get = |k: &str| {
        entry
            .get(k)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("{k} missing"))
    };
    assert_eq!(get("Type"), "Application");
    assert_eq!(get("Name"), "Keyholder");
    assert_eq!(get("Exec").split_whitespace().next(), Some("keyholder"));
    assert_eq!(get("Icon"), "keyholder");
    assert_eq!(get("Terminal"), "false");
    assert!(get("Categories").ends_with(';'));
    // The window says it is this desktop file's, so the desktop shows its icon in the task list.
    assert_eq!(get("StartupWMClass"), keyholder::ui::icon::APPLICATION_ID);

    if tool_available("desktop-file-validate") {
        let output = run(Command::new("desktop-file-validate").arg(&path));
        let said = format!(
            "{}{}",
            stdout(&output),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(said.trim().is_empty(), "desktop-file-validate: {said}");
    }
}

#[test]
fn the_icon_files_hold_every_size() {
    let ico = std::fs::read(packaging("icons/keyholder.ico")).unwrap();
    assert_eq!(ico[..4], [0, 0, 1, 0], "ICO header");
    let count = u16::from_le_bytes([ico[4], ico[5]]) as usize;
    let mut sizes = Vec::new();
    for i in 0..count {
        let e = &ico[6 + 16 * i..6 + 16 * (i + 1)];
        let side = if e[0] == 0 { 256 } else { u32::from(e[0]) };
        let len = u32::from_le_bytes([e[8], e[9], e[10], e[11]]) as usize;
        let offset = u32::from_le_bytes([e[12], e[13], e[14], e[15]]) as usize;
        let png = &ico[offset..offset + len];
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(png[16..20], side.to_be_bytes());
        sizes.push(side);
    }
    assert_eq!(sizes, [16, 32, 48, 64, 128, 256]);

    let icns = std::fs::read(packaging("icons/keyholder.icns")).unwrap();
    assert_eq!(&icns[..4], b"icns");
    assert_eq!(
        u32::from_be_bytes([icns[4], icns[5], icns[6], icns[7]]) as usize,
        icns.len()
    );
    let mut kinds = Vec::new();
    let mut at = 8;
    while at < icns.len() {
        let len = u32::from_be_bytes([icns[at + 4], icns[at + 5], icns[at + 6], icns[at + 7]]);
        kinds.push(String::from_utf8_lossy(&icns[at..at + 4]).into_owned());
        assert_eq!(&icns[at + 8..at + 16], b"\x89PNG\r\n\x1a\n");
        at += len as usize;
    }
    assert_eq!(at, icns.len());
    for kind in ["icp4", "icp5", "ic07", "ic08", "ic09", "ic10"] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} missing: {kinds:?}");
    }
}

#[test]
fn the_windows_installer_scripts_compile_around_a_placeholder() {
    if !(tool_available("makensis") && tool_available("wixl") && tool_available("msiinfo")) {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    run(Command::new("bash")
        .arg(packaging("build-windows.sh"))
        .arg("--check")
        .arg("--out")
        .arg(out.path()));

    let setup = out
        .path()
        .join(format!("keyholder-{VERSION}-setup-CHECK-ONLY.exe"));
    let exe = std::fs::read(&setup).unwrap();
    assert_eq!(&exe[..2], b"MZ", "a Windows program");
    // The version resource carries Cargo.toml's version (UTF-16).
    let wide: Vec<u8> = VERSION.encode_utf16().flat_map(u16::to_le_bytes).collect();
    assert!(exe.windows(wide.len()).any(|w| w == wide));

    let msi = out
        .path()
        .join(format!("keyholder-{VERSION}-x64-CHECK-ONLY.msi"));
    let bytes = std::fs::read(&msi).unwrap();
    assert_eq!(bytes[..8], [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let table = |name: &str| {
        stdout(&run(Command::new("msiinfo")
            .arg("export")
            .arg(&msi)
            .arg(name)))
    };
    let properties = table("Property");
    let upgrade_code = "{DDCB4D5C-365E-4531-B9A3-E82E32447646}";
    for row in [
        format!(
            "ProductVersion\t{}",
            VERSION.split(['-', '+']).next().unwrap()
        ),
        "ALLUSERS\t1".to_string(),
        format!("UpgradeCode\t{upgrade_code}"),
    ] {
        assert!(properties.lines().any(|l| l == row), "{row}:\n{properties}");
    }
    // MajorUpgrade: older versions are found and removed, newer ones stop the install.
    let upgrade = table("Upgrade");
    assert!(upgrade.contains("WIX_UPGRADE_DETECTED"), "{upgrade}");
    assert!(upgrade.contains("WIX_DOWNGRADE_DETECTED"), "{upgrade}");
    assert!(upgrade.contains(upgrade_code), "{upgrade}");
    assert!(table("InstallExecuteSequence").contains("RemoveExistingProducts"));
    // Both programs go in; the Start-menu shortcut opens the one without a console window.
    let files = table("File");
    for name in ["keyholder.exe", "keyholder-window.exe"] {
        assert!(files.contains(&format!("\t{name}\t")), "{name}:\n{files}");
    }
    let shortcut = table("Shortcut");
    assert!(
        shortcut.contains(
            "ProgramMenuFolder\tKeyholder\tStartMenuShortcut\t[INSTALLDIR]keyholder-window.exe"
        ),
        "{shortcut}"
    );
}

#[cfg(unix)]
#[test]
fn build_windows_names_what_is_missing_and_stops() {
    // A PATH with the shell basics only: no cargo, no mingw, no makensis, no wixl.
    let bin = tempfile::tempdir().unwrap();
    for tool in [
        "bash", "dirname", "grep", "awk", "sed", "mktemp", "cat", "rm",
    ] {
        let found = stdout(&run(Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {tool}"))));
        std::os::unix::fs::symlink(found.trim(), bin.path().join(tool)).unwrap();
    }
    let output = Command::new(bin.path().join("bash"))
        .arg(packaging("build-windows.sh"))
        .env("PATH", bin.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let said = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "cannot build the Windows installers here",
        "makensis (install: sudo apt-get install nsis)",
        "wixl (install: sudo apt-get install wixl)",
        "x86_64-w64-mingw32-gcc (install: sudo apt-get install gcc-mingw-w64-x86-64)",
        "--check",
    ] {
        assert!(said.contains(expected), "{expected:?} in:\n{said}");
    }
}
