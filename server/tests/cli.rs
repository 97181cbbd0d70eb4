//! The `regard` binary's account commands, run as a process on a real database file.

use std::process::Command;

fn regard(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_regard"));
    command.arg("--data-dir").arg(data_dir).env("REGARD_LOG", "warn");
    command
}

#[test]
fn creates_an_organisation_and_a_user() {
    let dir = tempfile::tempdir().unwrap();
    let out = regard(dir.path())
        .args(["create-organisation", "--name", "SAMU 68", "--kind", "samu_centre"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let org_id = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert_eq!(org_id.len(), 36, "a UUID: {org_id}");

    let out = regard(dir.path())
        .args([
            "create-user",
            "--organisation",
            "SAMU 68",
            "--email",
            "dr@samu68.fr",
            "--name",
            "Dr Weber",
            "--role",
            "regulator",
        ])
        .env("REGARD_USER_PASSWORD", "a long enough password")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let weak = regard(dir.path())
        .args(["create-user", "--organisation", &org_id, "--email", "x@samu68.fr", "--name", "X", "--role", "admin"])
        .env("REGARD_USER_PASSWORD", "short")
        .output()
        .unwrap();
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 12 characters"));

    // A SAMU centre has no GP: a prescription could otherwise carry its name.
    let gp = regard(dir.path())
        .args(["create-user", "--organisation", &org_id, "--email", "gp@samu68.fr", "--name", "G", "--role", "gp"])
        .env("REGARD_USER_PASSWORD", "a long enough password")
        .output()
        .unwrap();
    assert!(!gp.status.success());
    assert!(String::from_utf8_lossy(&gp.stderr).contains("no member with this role"));

    let bad_role = regard(dir.path())
        .args(["create-user", "--organisation", &org_id, "--email", "y@samu68.fr", "--name", "Y", "--role", "root"])
        .output()
        .unwrap();
    assert!(!bad_role.status.success());
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("expected one of regulator"));
    assert!(dir.path().join("regard.db").exists());
}
