//! The enrolment QR code, drawn by the real screen and read back by an independent decoder
//! (zbarimg), must be exactly the otpauth link.

mod common;

use keyholder::ui::screen::enrol::Enrolment;

#[derive(Debug, Clone)]
struct Nothing;

#[test]
fn the_enrolment_qr_code_decodes_to_the_exact_otpauth_uri() {
    if !common::tool_available("zbarimg") {
        return;
    }
    let e = Enrolment::new("r.okafor@larkfield.example");
    let expected = format!(
        "otpauth://totp/Keyholder:r.okafor%40larkfield.example?secret={}&issuer=Keyholder",
        keyholder::auth::soft_key::base32(e.secret())
    );
    assert_eq!(e.uri(), expected);

    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("enrolment.png");
    let view = e.view(|_| Nothing, Nothing);
    let mut ui =
        iced_test::simulator::Simulator::with_size(iced::Settings::default(), (900.0, 700.0), view);
    let snapshot = ui.snapshot(&keyholder::ui::theme::theme(false)).unwrap();
    // A missing baseline is written out: that is the picture zbarimg reads.
    assert!(snapshot.matches_image(&png).unwrap());
    // iced_test adds the renderer's name to the file name.
    let png = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "png"))
        .expect("the snapshot was written");
    let out = std::process::Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(&png)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "zbarimg found no QR code: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), expected);
}
