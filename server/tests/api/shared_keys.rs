//! Prescription signing keys kept in the database, sealed with the key
//! encryption key every node of a cluster is given: what one node signs,
//! another verifies; a rotation (`regard rotate-prescription-key`) reaches
//! every node at its next prescription, and what the old key signed still
//! verifies. A single node's key file moves into the database when it joins a
//! cluster, and a wrong key encryption key opens nothing.

use std::process::Command;

use crate::common::consultation::entered;
use crate::common::*;
use axum::http::StatusCode;
use regard_server::prescription::keys::{Kek, Signer};
use serde_json::{json, Value};

const KEK: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const PHARMACIST: &str = "pharmacien@demo.regard.fr";

/// Issues a prescription through `node`; returns its id and the key that signed it.
async fn prescribe(node: &TestApp) -> (String, String) {
    let (gp, consultation, _) = entered(node).await;
    let line = json!({"medicine": "Paracétamol 1 g", "dosage": "1 comprimé 3 fois par jour", "duration": "5 jours", "quantity": "1 boîte"});
    let path = format!("/api/v1/consultations/{consultation}/prescriptions");
    let issued = node.post_json(&path, Some(&gp), json!({"lines": [line]})).await;
    assert_eq!(issued.status(), StatusCode::CREATED);
    let id = json(issued).await["id"].as_str().unwrap().to_owned();
    let (key_id,): (String,) = sqlx::query_as("SELECT key_id FROM prescriptions WHERE id = $1")
        .bind(&id)
        .fetch_one(&node.state.db)
        .await
        .unwrap();
    (id, key_id)
}

async fn checked_by(node: &TestApp, id: &str) -> Value {
    let pharmacist = node.login(PHARMACIST).await;
    json(node.get(&format!("/api/v1/prescriptions/{id}"), Some(&pharmacist)).await).await
}

#[tokio::test]
async fn what_one_node_signs_the_other_verifies_across_a_rotation() {
    // Node A ran alone first: the prescription it signed with its key file
    // still verifies once its key has moved into the database.
    let a = TestApp::new().await;
    let (before_cluster, file_key) = prescribe(&a).await;
    let a = a.with_shared_keys(KEK).await;
    let b = a.second_node().await.with_shared_keys(KEK).await;
    let (first, shared_key) = prescribe(&a).await;
    assert_eq!(shared_key, file_key, "the single node's key became the cluster's");
    for id in [&before_cluster, &first] {
        assert_eq!(checked_by(&b, id).await["signature_valid"], true, "node B verifies what node A signed");
    }
    let (sealed,): (String,) =
        sqlx::query_as("SELECT sealed_seed FROM signing_keys WHERE current = 1").fetch_one(&a.state.db).await.unwrap();
    let seed = std::fs::read(a.data_dir().join("keys/prescription-signing.key")).unwrap();
    assert!(!contains(sealed.as_bytes(), &seed), "the private key is not stored in clear");

    // Rotated by the command line while both nodes serve.
    let out = Command::new(env!("CARGO_BIN_EXE_regard"))
        .arg("--data-dir")
        .arg(a.data_dir())
        .args(["--database-url", a.database_url(), "rotate-prescription-key"])
        .env("REGARD_KEY_ENCRYPTION_KEY", KEK)
        .env("REGARD_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rotated = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert_ne!(rotated, shared_key);
    let (second, signed_with) = prescribe(&b).await;
    assert_eq!(signed_with, rotated, "node B signs with the new key at once");
    let (third, signed_with) = prescribe(&a).await;
    assert_eq!(signed_with, rotated, "and so does node A");
    for id in [&before_cluster, &first, &second, &third] {
        assert_eq!(checked_by(&a, id).await["signature_valid"], true);
        assert_eq!(checked_by(&b, id).await["signature_valid"], true);
    }
    let (retired_private,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM signing_keys WHERE current IS NULL AND sealed_seed IS NOT NULL")
            .fetch_one(&a.state.db)
            .await
            .unwrap();
    assert_eq!(retired_private, 0, "a retired key keeps no private half");

    // Another key encryption key opens nothing, and says so.
    let wrong = Kek::parse(&KEK.replace('0', "1")).unwrap();
    let refused = Signer::shared(&a.state.db, wrong, a.data_dir()).await.err().unwrap().to_string();
    assert!(refused.contains("does not open"), "{refused}");
    assert!(Kek::parse("too short").is_err());
}
