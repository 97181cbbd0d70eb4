//! The `regard` binary's administration commands, run as processes on the
//! test's database (an SQLite file or a PostgreSQL database).

use crate::common;
use std::process::{Command, Output};

struct Regard {
    dir: tempfile::TempDir,
    database_url: String,
}

impl Regard {
    async fn new() -> Regard {
        let dir = tempfile::tempdir().unwrap();
        let database_url = common::fresh_database(dir.path()).await;
        Regard { dir, database_url }
    }

    fn run(&self, args: &[&str], password: Option<&str>) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_regard"));
        command.arg("--data-dir").arg(self.dir.path()).arg("--database-url").arg(&self.database_url);
        command.args(args).env("REGARD_LOG", "warn").env_remove("REGARD_USER_PASSWORD");
        if let Some(password) = password {
            command.env("REGARD_USER_PASSWORD", password);
        }
        command.output().unwrap()
    }

    /// Runs a command that must succeed and returns what it printed.
    fn ok(&self, args: &[&str], password: Option<&str>) -> String {
        let out = self.run(args, password);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    /// Runs a command that must fail and returns its error message.
    fn refused(&self, args: &[&str], password: Option<&str>) -> String {
        let out = self.run(args, password);
        assert!(!out.status.success(), "{args:?} should have failed");
        String::from_utf8_lossy(&out.stderr).into_owned()
    }
}

#[tokio::test]
async fn creates_an_organisation_and_a_user() {
    let regard = Regard::new().await;
    let org_id = regard.ok(&["create-organisation", "--name", "SAMU 68", "--kind", "samu_centre"], None);
    assert_eq!(org_id.len(), 36, "a UUID: {org_id}");

    let user = ["create-user", "--organisation", "SAMU 68", "--email", "dr@samu68.fr", "--name", "Dr Weber"];
    regard.ok(&[&user[..], &["--role", "regulator"]].concat(), Some("a long enough password"));

    let weak = ["create-user", "--organisation", &org_id, "--email", "x@samu68.fr", "--name", "X", "--role", "admin"];
    assert!(regard.refused(&weak, Some("short")).contains("at least 12 characters"));

    // A SAMU centre has no GP: a prescription could otherwise carry its name.
    let gp = ["create-user", "--organisation", &org_id, "--email", "gp@samu68.fr", "--name", "G", "--role", "gp"];
    assert!(regard.refused(&gp, Some("a long enough password")).contains("no member with this role"));

    let bad_role =
        ["create-user", "--organisation", &org_id, "--email", "y@samu68.fr", "--name", "Y", "--role", "root"];
    assert!(regard.refused(&bad_role, None).contains("expected one of regulator"));
    assert_eq!(
        regard.dir.path().join("regard.db").exists(),
        !common::on_postgres(),
        "the database is the one named by --database-url"
    );
}

#[tokio::test]
async fn links_sites_imports_protocols_and_rotates_the_signing_key() {
    let regard = Regard::new().await;
    regard.ok(&["create-organisation", "--name", "SAMU 68", "--kind", "samu_centre"], None);
    regard.ok(&["create-organisation", "--name", "EHPAD Les Tilleuls", "--kind", "nursing_home"], None);
    regard.ok(&["create-organisation", "--name", "CHU Neurologie", "--kind", "expert_site"], None);
    regard.ok(&["create-organisation", "--name", "Cabinet Martin", "--kind", "gp_practice"], None);

    regard.ok(&["link-nursing-home", "--nursing-home", "EHPAD Les Tilleuls", "--samu-centre", "SAMU 68"], None);
    let wrong = regard.refused(&["link-nursing-home", "--nursing-home", "SAMU 68", "--samu-centre", "SAMU 68"], None);
    assert!(wrong.contains("nursing home"), "{wrong}");
    regard.ok(&["offer-expertise", "--expert-site", "CHU Neurologie", "--specialty", "stroke"], None);

    // The practice's own protocol, shaped like a shipped one.
    let shipped = include_str!("../../protocols/post-op-wound.json");
    let protocol = regard.dir.path().join("knee.json");
    std::fs::write(&protocol, shipped.replacen("\"post-op-wound\"", "\"knee-replacement\"", 1)).unwrap();
    let import = ["import-protocol", "--organisation", "Cabinet Martin", protocol.to_str().unwrap()];
    assert_eq!(regard.ok(&import, None), "knee-replacement v1");
    let next = std::fs::read_to_string(&protocol).unwrap().replacen("\"version\": 1", "\"version\": 2", 1);
    std::fs::write(&protocol, next).unwrap();
    assert_eq!(regard.ok(&import, None), "knee-replacement v2");
    let shipped_id = concat!(env!("CARGO_MANIFEST_DIR"), "/protocols/post-op-wound.json");
    let taken = regard.refused(&["import-protocol", "--organisation", "Cabinet Martin", shipped_id], None);
    assert!(taken.contains("shipped with Regard"), "{taken}");
    let broken = regard.dir.path().join("broken.json");
    std::fs::write(&broken, "{\"id\": \"x\",\n  \"title\": }").unwrap();
    let refused =
        regard.refused(&["import-protocol", "--organisation", "Cabinet Martin", broken.to_str().unwrap()], None);
    assert!(refused.contains("line 2"), "the mistake is located: {refused}");

    let first = regard.ok(&["rotate-prescription-key"], None);
    let second = regard.ok(&["rotate-prescription-key"], None);
    assert_ne!(first, second, "each rotation makes a new key");
}

#[tokio::test]
async fn secrets_are_read_from_the_files_their_variables_name() {
    let regard = Regard::new().await;
    let secrets = tempfile::tempdir().unwrap();
    // As systemd's LoadCredential= or a container's secrets leave them: one file each, a final line break.
    std::fs::write(secrets.path().join("database-url"), format!("{}\n", regard.database_url)).unwrap();
    std::fs::write(secrets.path().join("password"), "a password from a file\n").unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_regard"))
            .arg("--data-dir")
            .arg(regard.dir.path())
            .args(args)
            .env("REGARD_LOG", "warn")
            .env_remove("REGARD_DATABASE_URL")
            .env_remove("REGARD_USER_PASSWORD")
            .env("REGARD_DATABASE_URL_FILE", secrets.path().join("database-url"))
            .env("REGARD_USER_PASSWORD_FILE", secrets.path().join("password"))
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    run(&["create-organisation", "--name", "SAMU 68", "--kind", "samu_centre"]);
    let user = ["create-user", "--organisation", "SAMU 68", "--email", "dr@samu68.fr", "--name", "Dr Weber"];
    run(&[&user[..], &["--role", "regulator"]].concat());

    let app = common::TestApp::open(regard.dir, regard.database_url).await;
    let signed_in = app.login_response("dr@samu68.fr", "a password from a file").await;
    assert_eq!(signed_in.status(), axum::http::StatusCode::OK);

    let missing = Command::new(env!("CARGO_BIN_EXE_regard"))
        .args(["verify-access-log"])
        .env("REGARD_SMTP_URL_FILE", secrets.path().join("no-such-file"))
        .env_remove("REGARD_SMTP_URL")
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("REGARD_SMTP_URL_FILE: reading"));
}
