//! Every `keyholder …` command line in README.md, run as written on a demo school: with the
//! sign-in filled in (a real code for each), the README's example addresses standing for the
//! demo's own people, and its files made beforehand. A command the README shows must never be
//! refused, so the README cannot drift from the program.

mod common;

use keyholder::service::demo::DemoSize;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// The command lines of the README's `sh` blocks, with `\` continuations joined and comments cut.
fn readme_commands(readme: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_sh = false;
    let mut pending = String::new();
    for line in readme.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_sh = trimmed == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        let code = match trimmed.find("  #") {
            Some(i) => trimmed[..i].trim_end(),
            None => trimmed,
        };
        if pending.is_empty() && !code.starts_with("keyholder ") {
            continue;
        }
        match code.strip_suffix('\\') {
            Some(part) => {
                pending.push_str(part);
                pending.push(' ');
            }
            None => {
                pending.push_str(code);
                out.push(std::mem::take(&mut pending));
            }
        }
    }
    out
}

/// Splits a command line into words as a shell would for these lines: spaces, "double quotes".
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            c if c.is_whitespace() && !quoted => {
                if started {
                    out.push(std::mem::take(&mut current));
                    started = false;
                }
            }
            c => {
                current.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(current);
    }
    out
}

#[test]
fn the_splitting_follows_the_readme_s_quoting_and_continuations() {
    let text = "x\n```sh\n# note\nkeyholder a \"b c\" \\\n    --d e   # comment\nother\n```\nkeyholder outside\n";
    let lines = readme_commands(text);
    assert_eq!(lines, ["keyholder a \"b c\"  --d e"]);
    assert_eq!(words(&lines[0]), ["keyholder", "a", "b c", "--d", "e"]);
    assert_eq!(words("keyholder x \"\""), ["keyholder", "x", ""]);
}

struct Signer {
    email: String,
    secret: Vec<u8>,
    /// Each code is accepted once per person: the next step this one may use.
    next_step: i64,
}

#[test]
fn every_command_line_in_the_readme_runs_as_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let lines = readme_commands(&readme);
    assert!(
        lines.len() >= 40,
        "only {} command lines found",
        lines.len()
    );

    // Codes are taken from the step before now onwards: start early in a step so that none
    // expires while the commands run.
    let into_step = common::now().rem_euclid(30);
    if into_step >= 10 {
        std::thread::sleep(std::time::Duration::from_secs((31 - into_step) as u64));
    }
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    let (location, creds) = common::demo_school(
        cwd,
        DemoSize {
            pupils: 80,
            staff: 70,
        },
    );
    let mut session = creds.session;
    let mut signers: Vec<Signer> = common::promote_teachers(&mut session, &location, 30)
        .into_iter()
        .map(|(email, secret)| Signer {
            email,
            secret,
            next_step: -1,
        })
        .collect();
    // The head sees every pupil, as a headteacher would.
    let everyone_admin: std::collections::BTreeSet<_> = session
        .users_list()
        .unwrap()
        .into_iter()
        .filter(|r| signers.iter().any(|s| s.email == r.user.email))
        .map(|r| r.user.id)
        .collect();
    for t in session.groups_tab().unwrap() {
        for g in t.groups {
            session
                .change_access_list(g.group.id, &everyone_admin, &Default::default())
                .unwrap();
        }
    }
    // The README's example people: the head is whichever administrator signs the command in,
    // the others are members of staff who are not administrators.
    let admins: Vec<String> = signers.iter().map(|s| s.email.clone()).collect();
    let staff: Vec<String> = session
        .users_list()
        .unwrap()
        .into_iter()
        .filter(|r| r.group_name == "Teachers" && r.key == keyholder::model::KeyState::Active)
        .map(|r| r.user.email)
        .filter(|e| !admins.contains(e))
        .collect();
    let people: BTreeMap<&str, String> = [
        ("teacher@school.example", staff[0].clone()),
        ("a@school.example", staff[1].clone()),
        ("b@school.example", staff[2].clone()),
    ]
    .into_iter()
    .collect();

    // The files the examples name.
    std::fs::write(cwd.join("pw.txt"), format!("{}\n", common::PASSWORD)).unwrap();
    std::fs::write(cwd.join("code.txt"), format!("{}\n", creds.recovery_code)).unwrap();
    std::fs::write(
        cwd.join("changes.txt"),
        format!(
            "restrict house off\nadd academic-level \"Year 2\" {}\n",
            staff[3]
        ),
    )
    .unwrap();
    std::fs::write(
        cwd.join("concern.txt"),
        "Seen pushing another pupil at morning break; both spoken to.\n",
    )
    .unwrap();
    std::fs::write(
        cwd.join("action.txt"),
        "Spoke with the pupil and a parent at the end of the day.\n",
    )
    .unwrap();
    let samples = cwd.join("resources").join("samples");
    std::fs::create_dir_all(&samples).unwrap();
    for f in ["pupils.csv", "staff.csv"] {
        std::fs::copy(root.join("resources/samples").join(f), samples.join(f)).unwrap();
    }
    assert_eq!(location.db, cwd.join("school.db"), "the README's file name");
    drop(session);
    let usb = cwd.join("usb");
    std::fs::create_dir_all(&usb).unwrap();

    // Transfers need a second school: it sent the file the README receives (with its passphrase
    // in words.txt), and it receives what the README sends, giving the receipt code the README
    // confirms. None of its pupils' UPNs are known here, nor ours there.
    let (_, other_creds) = common::demo_school(&cwd.join("other"), common::small());
    let mut data = { other_creds.session }.export().unwrap();
    data.school.name = "Larkspur Primary School".into();
    for p in &mut data.pupils {
        p.upn = p.upn.as_ref().map(|u| format!("X{u}"));
    }
    let other_location = keyholder::vault::Location::new(cwd.join("larkspur.db"));
    let mut other = common::load_and_sign_in(&other_location, &data, "README");
    let moving = data
        .pupils
        .iter()
        .find(|p| !p.statuses.is_empty())
        .and_then(|p| p.mis_id.clone())
        .unwrap();
    let sent = other
        .send_transfer(
            &keyholder::service::transfers::TransferRequest {
                pupil: other.pupil_to_transfer_by_mis_id(&moving).unwrap(),
                to_school: "Millbrook Primary School".into(),
                to_contact: String::new(),
                categories: Vec::new(),
                from: None,
                until: None,
                keep_copy: false,
                method: keyholder::model::school_transfer::Method::Keyholder,
            },
            &cwd.join("P20417.khtransfer"),
        )
        .unwrap();
    std::fs::write(cwd.join("words.txt"), format!("{}\n", sent.passphrase)).unwrap();
    // The README's example reference and receipt code stand for those of the transfer its
    // `send` line makes.
    let mut stand_ins: BTreeMap<String, String> = BTreeMap::new();

    let mut turn = 0;
    for line in &lines {
        let mut args: Vec<String> = Vec::new();
        let mut signer: Option<usize> = None;
        let mut take_signer = |signers: &[Signer]| -> usize {
            turn += 1;
            turn % signers.len()
        };
        let given = words(line);
        let mut i = 1;
        while i < given.len() {
            let w = given[i].as_str();
            match w {
                "...sign-in..." => {
                    let s = *signer.get_or_insert_with(|| take_signer(&signers));
                    args.extend(["--vault".into(), "school.db".into()]);
                    args.extend(["--user".into(), signers[s].email.clone()]);
                    args.extend(["--password-file".into(), "pw.txt".into()]);
                    args.push("--code".into());
                    args.push("CODE".into());
                }
                "head@school.example" => {
                    let s = *signer.get_or_insert_with(|| take_signer(&signers));
                    args.push(signers[s].email.clone());
                }
                "123456" => args.push("CODE".into()),
                _ => {
                    let w = people
                        .get(w)
                        .or_else(|| stand_ins.get(w))
                        .cloned()
                        .unwrap_or_else(|| w.to_string());
                    args.push(w.replace("/media/usb/", "usb/"));
                }
            }
            i += 1;
        }
        if args.iter().any(|a| a == "CODE") {
            let s = signer.expect("a code is always someone's");
            let code = common::code(&signers[s].secret, common::now(), signers[s].next_step);
            signers[s].next_step += 1;
            for a in args.iter_mut().filter(|a| *a == "CODE") {
                *a = code.clone();
            }
        }
        let out = Command::new(env!("CARGO_BIN_EXE_keyholder"))
            .args(&args)
            .current_dir(cwd)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        // The README says which commands exit 1 when they find problems; no line may be refused.
        let may_find_problems = ["check", "import"].contains(&args[0].as_str());
        let status = out.status.code();
        assert!(
            status == Some(0) || (may_find_problems && status == Some(1)),
            "README line `{line}` exited with {status:?}: {stderr}\nran: keyholder {}",
            args.join(" ")
        );
        assert!(!stderr.contains("panicked"), "`{line}`: {stderr}");
        if args[..2] == ["transfer", "send"] {
            let said = String::from_utf8_lossy(&out.stdout);
            let reference = said
                .split_whitespace()
                .find(|w| w.starts_with("T-"))
                .unwrap();
            let passphrase = said
                .lines()
                .skip_while(|l| !l.starts_with("Passphrase"))
                .nth(1)
                .unwrap()
                .trim();
            let file = args.iter().skip_while(|a| *a != "--out").nth(1).unwrap();
            let (opened, _) = other.open_transfer(&cwd.join(file), passphrase).unwrap();
            let receipt = other.receive_transfer(&opened, &BTreeMap::new()).unwrap();
            stand_ins.insert("T-7KQ2M9XD".into(), reference.to_string());
            stand_ins.insert("4K7QH-M2XRB".into(), receipt.code);
        }
    }
    // The lines really did their work: a few of their effects, checked in the school itself.
    assert!(cwd.join("demo.db").exists() && cwd.join("new.db").exists());
    assert!(usb.join("school.khbackup").exists());
    assert!(
        std::fs::read(cwd.join("chronology.pdf"))
            .unwrap()
            .starts_with(b"%PDF-")
    );
    assert!(
        std::fs::read_dir(cwd)
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().contains(".replaced-")),
        "the restores kept the files they replaced"
    );
}
