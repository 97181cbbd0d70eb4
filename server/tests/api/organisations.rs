//! Authorization: role and organisation checked on every data endpoint.

use crate::common::smtp::SmtpServer;
use crate::common::*;
use axum::http::StatusCode;
use regard_server::mail::Mailer;
use serde_json::json;

#[tokio::test]
async fn members_see_their_own_organisation_only() {
    let app = TestApp::new().await;
    let regulator = app.login(REGULATOR).await;
    let gp = app.login(GP).await;
    let samu = app.organisation_of(&regulator).await;
    let practice = app.organisation_of(&gp).await;

    let own = app.get(&format!("/api/v1/organisations/{samu}/members"), Some(&regulator)).await;
    assert_eq!(own.status(), StatusCode::OK);
    let members = json(own).await;
    let emails: Vec<&str> = members.as_array().unwrap().iter().map(|m| m["email"].as_str().unwrap()).collect();
    assert_eq!(emails.len(), 2, "{emails:?}");
    assert!(emails.contains(&REGULATOR) && emails.contains(&ADMIN));

    for path in [format!("/api/v1/organisations/{practice}"), format!("/api/v1/organisations/{practice}/members")] {
        let denied = app.get(&path, Some(&regulator)).await;
        assert_eq!(denied.status(), StatusCode::FORBIDDEN, "{path}");
        assert_eq!(json(denied).await["code"], "forbidden");
        let anonymous = app.get(&path, None).await;
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "{path}");
    }

    let org = json(app.get(&format!("/api/v1/organisations/{practice}"), Some(&gp)).await).await;
    assert_eq!(org["name"], "Cabinet médical du Parc");
}

fn new_member(email: &str) -> serde_json::Value {
    json!({"email": email, "display_name": "Dr Jeanne Petit", "role": "regulator"})
}

async fn app_with_mail(smtp: &SmtpServer) -> TestApp {
    let mailer = Mailer::new(Some(&smtp.url()), "Regard <no-reply@example.org>").unwrap();
    TestApp::customised(|state| state.mailer = mailer).await
}

#[tokio::test]
async fn only_an_admin_of_the_organisation_creates_accounts() {
    let smtp = SmtpServer::start();
    let app = app_with_mail(&smtp).await;
    let admin = app.login(ADMIN).await;
    let regulator = app.login(REGULATOR).await;
    let gp = app.login(GP).await;
    let samu = app.organisation_of(&admin).await;
    let practice = app.organisation_of(&gp).await;

    let path = format!("/api/v1/organisations/{samu}/members");
    let by_regulator = app.post_json(&path, Some(&regulator), new_member("jp@samu54.fr")).await;
    assert_eq!(by_regulator.status(), StatusCode::FORBIDDEN);

    let other = format!("/api/v1/organisations/{practice}/members");
    let cross = app.post_json(&other, Some(&admin), new_member("jp@samu54.fr")).await;
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);

    let created = app.post_json(&path, Some(&admin), new_member("JP@samu54.fr")).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(json(created).await["email"], "jp@samu54.fr");
    assert_eq!(smtp.to("jp@samu54.fr", 1).await.len(), 1, "invited by mail");

    let again = app.post_json(&path, Some(&admin), new_member("jp@samu54.fr")).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(json(again).await["code"], "conflict");
}

#[tokio::test]
async fn invalid_fields_are_named() {
    let app = TestApp::new().await;
    let admin = app.login(ADMIN).await;
    let path = format!("/api/v1/organisations/{}/members", app.organisation_of(&admin).await);
    for (body, field) in [
        (new_member("not-an-address"), "email"),
        (json!({"email": "a@b.fr", "display_name": " ", "role": "regulator"}), "display_name"),
    ] {
        let response = app.post_json(&path, Some(&admin), body).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let error = json(response).await;
        assert_eq!(error["code"], "validation");
        assert_eq!(error["field"], field);
    }
    let members = json(app.get(&path, Some(&admin)).await).await;
    assert_eq!(members.as_array().unwrap().len(), 2, "nothing was created");
}

#[tokio::test]
async fn an_organisation_holds_only_the_roles_of_its_kind() {
    let smtp = SmtpServer::start();
    let app = app_with_mail(&smtp).await;
    let admin = app.login(ADMIN).await;
    let samu = app.organisation_of(&admin).await;
    for role in ["gp", "pharmacist", "nurse", "specialist"] {
        let member = json!({"email": format!("{role}@samu54.fr"), "display_name": "Dr X", "role": role});
        let refused = app.post_json(&format!("/api/v1/organisations/{samu}/members"), Some(&admin), member).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{role}");
        let body = json(refused).await;
        assert_eq!((body["code"].as_str(), body["field"].as_str()), (Some("validation"), Some("role")), "{role}");
    }
    let regulator = json!({"email": "r3@samu54.fr", "display_name": "Dr Y", "role": "regulator"});
    let created = app.post_json(&format!("/api/v1/organisations/{samu}/members"), Some(&admin), regulator).await;
    assert_eq!(created.status(), StatusCode::CREATED);
}

/// The members list reads alphabetically whatever the case and the accents
/// (Élodie among the E, not after Z), and the same on either backend (not in
/// the database's collation order).
#[tokio::test]
async fn members_are_listed_by_name_whatever_the_case_and_accents() {
    let app = TestApp::new().await;
    let admin = app.login(ADMIN).await;
    let samu = app.organisation_of(&admin).await;
    let store = regard_server::organisations::store::find_organisation(&app.state.db, &samu).await.unwrap().unwrap();
    let added = [
        ("c@samu.fr", "claire Petit"),
        ("b@samu.fr", "Bruno Roy"),
        ("a@samu.fr", "ZOÉ Martin"),
        ("e@samu.fr", "Élodie Roux"),
    ];
    for (email, name) in added {
        let new = regard_shared::api::NewMember {
            email: email.into(),
            display_name: name.into(),
            role: regard_shared::Role::Regulator,
        };
        regard_server::organisations::store::create_user(&app.state.db, &store, new, None).await.unwrap();
    }
    let members = json(app.get(&format!("/api/v1/organisations/{samu}/members"), Some(&admin)).await).await;
    let names: Vec<&str> = members.as_array().unwrap().iter().map(|m| m["display_name"].as_str().unwrap()).collect();
    let ours: Vec<&str> = names.into_iter().filter(|n| added.iter().any(|(_, name)| name == n)).collect();
    assert_eq!(ours, ["Bruno Roy", "claire Petit", "Élodie Roux", "ZOÉ Martin"]);
}
