//! Teleconsultation through the router and real WebSockets, with invitations
//! mailed to a real SMTP server (aiosmtpd) on loopback.

use crate::common::consultation::*;
use crate::common::smtp::{self, SmtpServer};
use crate::common::ws::{self, next, refused_with, serve};
use crate::common::*;
use axum::http::StatusCode;
use regard_server::mail::Mailer;
use regard_shared::consultation::{Author, MAX_IDENTITY_FAILURES};
use regard_shared::signal::{ConsultationNews, ServerMessage};
use regard_shared::{OrganisationKind, Role};
use serde_json::{json, Value};

async fn app_with_mail(smtp: &SmtpServer) -> TestApp {
    let mailer = Mailer::new(Some(&smtp.url()), "Cabinet du Parc <cabinet@example.org>").unwrap();
    TestApp::customised(|state| state.mailer = mailer).await
}

#[tokio::test]
async fn the_invitation_goes_by_text_and_by_mail() {
    let smtp = SmtpServer::start();
    let app = app_with_mail(&smtp).await;
    let (_, consultation, sms_token) = schedule(&app).await;
    let invitations = consultation["invitations"].as_array().unwrap();
    assert_eq!(invitations.len(), 2, "{invitations:?}");
    assert!(invitations.iter().all(|i| i["error"].is_null()), "{invitations:?}");
    assert_eq!(invitations[1]["to"], "marie.dupont@example.org");

    let mails = smtp.messages();
    assert_eq!(mails.len(), 1);
    let mail = smtp::unfold(&mails[0]);
    assert!(mail.contains("To: marie.dupont@example.org"), "{mail}");
    assert!(mail.contains("Subject: Votre =?utf-8?") || mail.contains("Subject: Votre t"), "{mail}");
    // Both carry the same link: one invitation, two channels.
    assert_eq!(token_after(&mail, &format!("{PUBLIC_URL}/c/")), sms_token);
    assert!(mail.contains("Dr Paul Durand"), "{mail}");
}

#[tokio::test]
async fn a_mail_that_cannot_leave_is_shown_not_hidden() {
    // No SMTP server configured: the consultation exists, the text went, the mail says why not.
    let app = TestApp::new().await;
    let (_, consultation, _) = schedule(&app).await;
    let invitations = consultation["invitations"].as_array().unwrap();
    assert!(invitations[0]["error"].is_null());
    assert!(invitations[1]["error"].as_str().unwrap().contains("no mail server"), "{invitations:?}");
}

#[tokio::test]
async fn bad_appointments_are_refused_field_by_field() {
    let app = TestApp::new().await;
    let gp = app.login(GP).await;
    for (field, value, expected) in [
        ("birth_date", json!("1958-02-30"), "birth_date"),
        ("email", json!("not-an-address"), "email"),
        ("phone", json!("01 23 45 67 89"), "phone"),
        ("reason", json!("  "), "reason"),
        ("scheduled_at", json!(0), "scheduled_at"),
        ("last_name", json!(""), "last_name"),
    ] {
        let mut body = appointment();
        body[field] = value;
        let response = app.post_json("/api/v1/consultations", Some(&gp), body).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(json(response).await["field"], expected);
    }
    let mut nowhere = appointment();
    nowhere["phone"] = Value::Null;
    nowhere["email"] = json!("");
    assert_eq!(json(app.post_json("/api/v1/consultations", Some(&gp), nowhere).await).await["field"], "phone");
    // Nothing was created by all that.
    let day = format!("/api/v1/consultations?from={}&to={}", in_an_hour() - 7_200_000, in_an_hour() + 7_200_000);
    assert!(json(app.get(&day, Some(&gp)).await).await.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn the_patient_proves_who_they_are_and_a_guesser_is_locked_out() {
    let app = TestApp::new().await;
    let (_, _, token) = schedule(&app).await;
    // Opening shows who and when, and consumes nothing.
    let info = json(app.get(&format!("/api/v1/patient/invitations/{token}"), None).await).await;
    assert_eq!((info["state"].as_str(), info["clinician_name"].as_str()), (Some("valid"), Some("Dr Paul Durand")));

    let wrong = enter(&app, &token, "1958-03-15", None).await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let wrong = json(wrong).await;
    assert_eq!((wrong["field"].as_str(), wrong["tries_left"].as_u64()), (Some("birth_date"), Some(4)));
    // A date in the future is a slip, refused in words and not counted.
    let future = json(enter(&app, &token, "2999-01-01", None).await).await;
    assert_eq!((future["field"].as_str(), future["tries_left"].as_u64()), (Some("birth_date"), None));
    let right = enter(&app, &token, BIRTH_DATE, None).await;
    assert_eq!(right.status(), StatusCode::OK);
    let device = cookie_named(&right, "regard_patient").expect("a device cookie");
    // Another device holding the link is turned away.
    assert_eq!(enter(&app, &token, BIRTH_DATE, None).await.status(), StatusCode::CONFLICT);
    let mine = json(app.get("/api/v1/patient/consultation", Some(&device)).await).await;
    assert_eq!(mine["status"], "invited");

    // A second appointment, attacked by guessing: locked after the allowed failures,
    // even for the right date afterwards.
    let (_, _, token) = schedule(&app).await;
    for tries_left in (1..MAX_IDENTITY_FAILURES).rev() {
        let wrong = enter(&app, &token, "2001-01-01", None).await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(json(wrong).await["tries_left"], tries_left, "the patient is told before the last try");
    }
    // The last wrong date locks the link, and says so.
    let locked = enter(&app, &token, "2001-01-01", None).await;
    assert_eq!(locked.status(), StatusCode::GONE);
    assert_eq!(json(locked).await["code"], "identity_locked");
    let right = enter(&app, &token, BIRTH_DATE, None).await;
    assert_eq!(right.status(), StatusCode::GONE);
    assert_eq!(json(right).await["code"], "identity_locked");
}

#[tokio::test]
async fn waiting_room_admission_chat_report_and_end() {
    let app = TestApp::new().await;
    let addr = serve(&app).await;
    let (gp, consultation, token) = schedule(&app).await;
    let id = consultation["summary"]["id"].as_str().unwrap();
    let room = format!("/ws/consultation/{id}");
    let device = cookie_named(&enter(&app, &token, BIRTH_DATE, None).await, "regard_patient").unwrap();

    // Not in the waiting room yet, nor admitted: nobody may join.
    assert_eq!(refused_with(ws::connect(addr, &room, Some(&device)).await), StatusCode::CONFLICT);
    assert_eq!(refused_with(ws::connect(addr, &room, Some(&gp)).await), StatusCode::CONFLICT);
    let admit = format!("/api/v1/consultations/{id}/admit");
    assert_eq!(app.post_json(&admit, Some(&gp), json!({})).await.status(), StatusCode::CONFLICT);

    let waiting = json(app.post_json("/api/v1/patient/consultation/waiting", Some(&device), json!({})).await).await;
    assert_eq!(waiting["status"], "waiting");
    let from = in_an_hour() - 7_200_000;
    let day =
        json(app.get(&format!("/api/v1/consultations?from={from}&to={}", from + 86_400_000), Some(&gp)).await).await;
    assert_eq!(day[0]["status"], "waiting");
    assert!(day[0]["waiting_since"].is_i64());
    let mut patient = ws::connect(addr, &room, Some(&device)).await.unwrap();
    assert!(matches!(next(&mut patient).await, ServerMessage::Welcome { peer_present: false, .. }));

    assert_eq!(json(app.post_json(&admit, Some(&gp), json!({})).await).await["summary"]["status"], "in_consultation");
    let mut clinician = ws::connect(addr, &room, Some(&gp)).await.unwrap();
    assert!(matches!(next(&mut clinician).await, ServerMessage::Welcome { peer_present: true, .. }));
    assert_eq!(next(&mut patient).await, ServerMessage::PeerJoined);

    // Chat: stored, and pushed to both sides at once.
    let sent =
        app.post_json("/api/v1/patient/consultation/messages", Some(&device), json!({"body": "Bonjour docteur"})).await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    for socket in [&mut patient, &mut clinician] {
        match next(socket).await {
            ServerMessage::Consultation(ConsultationNews::Chat(message)) => {
                assert_eq!((message.author, message.body.as_str()), (Author::Patient, "Bonjour docteur"))
            }
            other => panic!("expected the chat message, got {other:?}"),
        }
    }
    let messages = format!("/api/v1/consultations/{id}/messages");
    assert_eq!(
        app.post_json(&messages, Some(&gp), json!({"body": "Bonjour Madame"})).await.status(),
        StatusCode::CREATED
    );
    assert!(
        matches!(next(&mut patient).await, ServerMessage::Consultation(ConsultationNews::Chat(message)) if message.author == Author::Clinician)
    );
    let too_long = json!({"body": "x".repeat(regard_shared::consultation::MESSAGE_MAX_CHARS + 1)});
    assert_eq!(json(app.post_json(&messages, Some(&gp), too_long).await).await["field"], "body");

    // The report, then the end: the patient's page is told, and sees the report.
    let report = json!({"report": "Tension 13/8. Traitement renouvelé pour 3 mois."});
    let put = request(axum::http::Method::PUT, &format!("/api/v1/consultations/{id}/report"), Some(&gp), Some(report));
    assert_eq!(app.send(put).await.status(), StatusCode::OK);
    app.post_json(&format!("/api/v1/consultations/{id}/end"), Some(&gp), json!({})).await;
    assert_eq!(next(&mut patient).await, ServerMessage::Ended);
    let mine = json(app.get("/api/v1/patient/consultation", Some(&device)).await).await;
    assert_eq!(mine["status"], "done");
    assert_eq!(mine["report"], "Tension 13/8. Traitement renouvelé pour 3 mois.");
    assert_eq!(mine["messages"].as_array().unwrap().len(), 2);
    assert!(mine.get("birth_date").is_none(), "the patient view repeats no identity data");
}

#[tokio::test]
async fn consultations_stay_inside_their_practice() {
    let app = TestApp::new().await;
    let (_, consultation, _) = schedule(&app).await;
    let id = consultation["summary"]["id"].as_str().unwrap();
    let regulator = app.login(REGULATOR).await;
    for path in [format!("/api/v1/consultations/{id}"), "/api/v1/consultations?from=0&to=1000".into()] {
        assert_eq!(app.get(&path, Some(&regulator)).await.status(), StatusCode::FORBIDDEN, "{path}");
        assert_eq!(app.get(&path, None).await.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let post =
        app.post_json(&format!("/api/v1/consultations/{id}/messages"), Some(&regulator), json!({"body": "x"})).await;
    assert_eq!(post.status(), StatusCode::FORBIDDEN);
    // A phone holding a video-assist link cannot read a consultation.
    let (_, _, assist_token) = app.start_assist().await;
    let assist_device = cookie_named(&app.accept(&assist_token, None).await, "regard_patient").unwrap();
    assert_eq!(app.get("/api/v1/patient/consultation", Some(&assist_device)).await.status(), StatusCode::FORBIDDEN);
    // The SMS outbox of the practice shows only the practice's messages.
    let gp = app.login(GP).await;
    let outbox = json(app.get("/api/v1/outbox", Some(&gp)).await).await;
    assert!(outbox.as_array().unwrap().iter().all(|m| m["body"].as_str().unwrap().contains("/c/")));
}

#[tokio::test]
async fn documents_go_both_ways_checked_by_content() {
    let app = TestApp::new().await;
    let (gp, consultation, token) = schedule(&app).await;
    let id = consultation["summary"]["id"].as_str().unwrap();
    let device = cookie_named(&enter(&app, &token, BIRTH_DATE, None).await, "regard_patient").unwrap();
    let upload = |path: String, cookie: String, bytes: Vec<u8>| {
        let request = axum::http::Request::post(path)
            .header(axum::http::header::COOKIE, cookie)
            .header(axum::http::header::CONTENT_TYPE, "application/octet-stream")
            .body(axum::body::Body::from(bytes))
            .unwrap();
        app.send(request)
    };
    let png = png(4, 4);
    let sent = upload(
        "/api/v1/patient/consultation/documents?name=..%2Fanalyse%20sang.png".into(),
        device.clone(),
        png.clone(),
    )
    .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    let document = json(sent).await;
    assert_eq!(
        (document["name"].as_str(), document["content_type"].as_str()),
        (Some("analyse sang.png"), Some("image/png"))
    );

    // The GP sees it and downloads exactly those bytes, as an attachment.
    let detail = json(app.get(&format!("/api/v1/consultations/{id}"), Some(&gp)).await).await;
    let listed = &detail["documents"][0];
    assert_eq!(listed["author"], "patient");
    let path = format!("/api/v1/consultations/{id}/documents/{}", listed["id"].as_str().unwrap());
    let download = app.get(&path, Some(&gp)).await;
    assert_eq!(download.headers()["content-type"], "image/png");
    assert!(download.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    let bytes = http_body_util::BodyExt::collect(download.into_body()).await.unwrap().to_bytes();
    assert_eq!(bytes.as_ref(), png.as_slice());

    // The GP's PDF reaches the patient; a text file named .pdf does not get in.
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF".to_vec();
    let gp_path = format!("/api/v1/consultations/{id}/documents?name=ordonnance.pdf");
    assert_eq!(upload(gp_path.clone(), gp.clone(), pdf).await.status(), StatusCode::CREATED);
    let fake = upload(gp_path.clone(), gp.clone(), b"just text".to_vec()).await;
    assert_eq!(fake.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(fake).await["field"], "document");
    let huge = vec![b'%'; regard_shared::consultation::DOCUMENT_MAX_BYTES + 1];
    assert_eq!(upload(gp_path, gp.clone(), huge).await.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let mine = json(app.get("/api/v1/patient/consultation", Some(&device)).await).await;
    let names: Vec<_> = mine["documents"].as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["analyse sang.png", "ordonnance.pdf"]);
    let pdf_id = mine["documents"][1]["id"].as_str().unwrap();
    let patient_download = app.get(&format!("/api/v1/patient/consultation/documents/{pdf_id}"), Some(&device)).await;
    assert_eq!(patient_download.headers()["content-type"], "application/pdf");

    // Nobody else reaches them: another practice's clinician, another patient's device.
    let regulator = app.login(REGULATOR).await;
    assert_eq!(app.get(&path, Some(&regulator)).await.status(), StatusCode::FORBIDDEN);
    let (_, _, other_token) = schedule(&app).await;
    let other = cookie_named(&enter(&app, &other_token, BIRTH_DATE, None).await, "regard_patient").unwrap();
    let stolen = app.get(&format!("/api/v1/patient/consultation/documents/{pdf_id}"), Some(&other)).await;
    assert_eq!(stolen.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_outbox_shows_a_message_only_to_those_who_may_act_on_its_case() {
    let app = TestApp::new().await;
    let (_, _, token) = schedule(&app).await;
    let practice = "Cabinet médical du Parc";
    let nurse = member(&app, practice, OrganisationKind::GpPractice, "ide@parc.fr", Role::Nurse).await;
    // The practice's nurse follows patients at home, but does not consult.
    let seen = app.get("/api/v1/outbox", Some(&nurse)).await;
    assert_eq!(seen.status(), StatusCode::OK);
    let seen = text(seen).await;
    assert!(!seen.contains(&token) && !seen.contains("/c/"), "{seen}");
    let admin = member(&app, practice, OrganisationKind::GpPractice, "admin@parc.fr", Role::Admin).await;
    assert_eq!(app.get("/api/v1/outbox", Some(&admin)).await.status(), StatusCode::FORBIDDEN);
    let gp = app.login(GP).await;
    assert!(text(app.get("/api/v1/outbox", Some(&gp)).await).await.contains(&token), "the GP sees it");
}

/// A period holding more appointments than one list carries is refused in
/// words, never cut short; a shorter period of the same day is listed whole.
#[tokio::test]
async fn a_period_too_full_is_refused_not_cut() {
    use regard_server::consultation::store::{self, NewAppointment, PERIOD_MAX};
    let app = TestApp::new().await;
    let gp = app.login(GP).await;
    let me = json(app.get("/api/v1/auth/me", Some(&gp)).await).await;
    let (organisation_id, clinician_id) =
        (me["organisation"]["id"].as_str().unwrap(), me["user"]["id"].as_str().unwrap());
    let from = in_an_hour();
    for n in 0..=PERIOD_MAX as i64 {
        let appointment = NewAppointment {
            organisation_id,
            clinician_id,
            last_name: "Garnier",
            first_name: "Élodie",
            birth_date: "1980-02-03",
            phone: None,
            email: None,
            scheduled_at: from + n * 60_000,
            reason: "Renouvellement",
            payment_mode: Default::default(),
            fee_cents: 0,
            language: None,
        };
        store::create(&app.state.db, appointment).await.unwrap();
    }
    let period = |to: i64| format!("/api/v1/consultations?from={from}&to={to}");
    let refused = app.get(&period(from + 86_400_000), Some(&gp)).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(refused).await["field"], "to");
    let listed = json(app.get(&period(from + PERIOD_MAX as i64 * 60_000), Some(&gp)).await).await;
    assert_eq!(listed.as_array().unwrap().len(), PERIOD_MAX);
}
