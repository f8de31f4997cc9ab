//! The memory Keyholder needs of an office PC, read from this process's own figures (Linux). The
//! file holds one test, so the process measures nothing else. The limits are generous (several
//! times what is measured) so that they catch a buffer kept or multiplied, not noise.
#![cfg(target_os = "linux")]

mod common;

use keyholder::service::demo::{self, DemoSize};
use keyholder::service::setup;
use keyholder::vault::Location;

/// A figure from a /proc/PID/status text, in KiB ("VmHWM" is the peak, "VmRSS" the present).
fn field_kib(status: &str, field: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// A figure of this process, in KiB.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    field_kib(&status, field).unwrap_or_else(|| panic!("no {field} in /proc/self/status"))
}

const MIB: u64 = 1024;

#[test]
fn a_large_demo_and_a_real_sign_in_fit_an_office_pc() {
    let dir = tempfile::tempdir().unwrap();
    let size = DemoSize {
        pupils: 2000,
        staff: 300,
    };

    // Every one of the 300 slots takes the demo's 8 MiB of working memory; it must be one buffer,
    // not one left behind per slot (that peaked at 2.5 GB). Made by the command, in a process of
    // its own, as the allocator behaves differently in a test's thread.
    let password_file = dir.path().join("pw");
    std::fs::write(&password_file, format!("{}\n", common::PASSWORD)).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_keyholder"))
        .arg("demo")
        .arg("--vault")
        .arg(dir.path().join("demo.db"))
        .arg("--password-file")
        .arg(&password_file)
        .args(["--pupils", "2000", "--staff", "300"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("keyholder starts");
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    // The peak only grows, so the last figure read before it exits is close to its peak.
    while child.try_wait().expect("keyholder runs").is_none() {
        if let Ok(status) = std::fs::read_to_string(&status_path) {
            peak = peak.max(field_kib(&status, "VmHWM").unwrap_or(0));
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(child.wait().expect("keyholder ends").success());
    assert!(peak > 0, "the demo's memory was never read");
    assert!(
        peak < 200 * MIB,
        "making the demo peaked at {} MiB or more",
        peak / MIB
    );

    // A real school's slot takes 128 MiB to open: the sign-in may peak above that, but the
    // memory is given back once the key is derived.
    let location = Location::new(dir.path().join("school.db"));
    let data = demo::generate(size, 7, common::now()).data;
    // Made as `keyholder load` makes a school: the real key cost, a new key for the head.
    let loaded = setup::load_school(&location, &data, common::PASSWORD, "Memory test")
        .expect("school is created");
    let secret = loaded.key.secret().to_vec();
    drop(data);
    let session = common::sign_in_at(
        &location,
        &loaded.admin,
        common::PASSWORD,
        &secret,
        common::now(),
    );
    let findings = session.health_check().expect("the Overview's health check");
    assert!(!findings.is_empty());
    assert!(
        status_kib("VmHWM") > 128 * MIB,
        "the real cost was used, so the peak includes its 128 MiB"
    );
    let steady = status_kib("VmRSS");
    assert!(
        steady < 80 * MIB,
        "signed in to 2,000 pupils, {} MiB still in use",
        steady / MIB
    );
}
