//! Tele-expertise: a GP's dermatology request with photos through its thread to
//! the specialist's answer and the e-mail notice (real SMTP server on loopback),
//! DICOM files rendered to previews, fakes refused, and organisations kept apart.

use std::time::{Duration, Instant};

use crate::common;
use crate::common::smtp::SmtpServer;
use crate::common::{bytes, json, member, png, stroke_answers, TestApp, GP};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use dicom_core::{DataElement, PrimitiveValue, VR};
use dicom_dictionary_std::tags;
use dicom_object::InMemDicomObject;
use regard_server::expertise::phantom;
use regard_server::mail::Mailer;
use regard_shared::{OrganisationKind, Role};
use serde_json::{json, Value};

const SPECIALIST: &str = "specialiste@demo.regard.fr";
const HOSPITAL: &str = "CHRU de Nancy – Télé-expertise";

/// A 16-bit monochrome DICOM file with a gradient, as a CT console writes one;
/// `pixels: false` leaves the image out (a report).
fn dicom(columns: u16, rows: u16, pixels: bool) -> Vec<u8> {
    let mut object = InMemDicomObject::new_empty();
    object.put(DataElement::new(tags::SERIES_DESCRIPTION, VR::LO, PrimitiveValue::from("Crane sans injection")));
    let image = pixels.then(|| {
        let gradient =
            (0..rows).flat_map(|y| (0..columns).map(move |x| (u32::from(x) * 7 + u32::from(y) * 13) as u16 % 4096));
        (columns, rows, gradient.flat_map(u16::to_le_bytes).collect())
    });
    phantom::ct_file(object, "1.2.826.0.1.3680043.2.1125.99", image)
}

async fn upload(app: &TestApp, cookie: &str, name: &str, body: Vec<u8>) -> axum::http::Response<Body> {
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/expertise/files?name={name}"))
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(body))
        .unwrap();
    app.send(request).await
}

async fn uploaded(app: &TestApp, cookie: &str, name: &str, body: Vec<u8>) -> Value {
    let response = upload(app, cookie, name, body).await;
    assert_eq!(response.status(), StatusCode::CREATED, "upload of {name}");
    json(response).await
}

async fn hospital_id(app: &TestApp, cookie: &str) -> String {
    let sites = json(app.get("/api/v1/expertise/sites", Some(cookie)).await).await;
    let site = sites.as_array().unwrap().iter().find(|s| s["name"] == HOSPITAL).expect("the demo hospital");
    assert_eq!(site["specialties"], json!(["dermatology", "general", "stroke"]));
    site["id"].as_str().unwrap().to_owned()
}

fn dermatology(site: &str, files: &[&Value]) -> Value {
    json!({
        "expert_site_id": site,
        "specialty": "dermatology",
        "urgency": "routine",
        "patient": {"last_name": "Roy", "first_name": "Léa", "birth_date": "1961-04-09"},
        "answers": {
            "site": {"type": "choice", "value": "trunk"},
            "duration_weeks": {"type": "integer", "value": 6},
            "evolution": {"type": "choice", "value": "growing"},
            "symptoms": {"type": "boolean", "value": false},
            "question": {"type": "text", "value": "Naevus atypique ? Exérèse à prévoir ?"}
        },
        "file_ids": files.iter().map(|f| f["id"].clone()).collect::<Vec<_>>(),
    })
}

async fn step(app: &TestApp, cookie: &str, id: &str, step: &str, body: &str) -> axum::http::Response<Body> {
    app.post_json(&format!("/api/v1/expertise/{id}/steps"), Some(cookie), json!({"step": step, "body": body})).await
}

async fn stepped(app: &TestApp, cookie: &str, id: &str, which: &str, body: &str) -> Value {
    let response = step(app, cookie, id, which, body).await;
    assert_eq!(response.status(), StatusCode::OK, "{which}");
    json(response).await
}

/// Mail leaves in the background: wait for the `n`th message, 10 s at most.
async fn mails(smtp: &SmtpServer, n: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let messages = smtp.messages();
        if messages.len() >= n || Instant::now() > deadline {
            return messages;
        }
        // Yield to the runtime, which sends the mail, until it is there.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_dermatology_request_goes_through_its_thread_and_the_gp_is_mailed() {
    let smtp = SmtpServer::start();
    let mailer = Mailer::new(Some(&smtp.url()), "Regard <no-reply@example.org>").unwrap();
    let app = TestApp::customised(|state| state.mailer = mailer).await;
    let gp = app.login(GP).await;
    let specialist = app.login(SPECIALIST).await;

    let forms = json(app.get("/api/v1/expertise/forms", Some(&gp)).await).await;
    let specialties: Vec<&str> = forms.as_array().unwrap().iter().map(|f| f["specialty"].as_str().unwrap()).collect();
    assert_eq!(specialties, ["dermatology", "stroke", "general"]);
    assert_eq!(forms[0]["images"]["min"], 1);
    let site = hospital_id(&app, &gp).await;

    let close_up = uploaded(&app, &gp, "gros%20plan.png", png(40, 30)).await;
    assert_eq!((close_up["kind"].as_str(), close_up["width"].as_u64()), (Some("photo"), Some(40)));
    let wide = uploaded(&app, &gp, "ensemble.png", png(64, 48)).await;

    let no_photo = app.post_json("/api/v1/expertise", Some(&gp), dermatology(&site, &[])).await;
    assert_eq!(no_photo.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(no_photo).await["field"], "files");
    let mut out_of_range = dermatology(&site, &[&close_up, &wide]);
    out_of_range["answers"]["duration_weeks"]["value"] = json!(-3);
    let refused = app.post_json("/api/v1/expertise", Some(&gp), out_of_range).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(refused).await["field"], "answers");

    let sent = app.post_json("/api/v1/expertise", Some(&gp), dermatology(&site, &[&close_up, &wide])).await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    let sent = json(sent).await;
    let id = sent["id"].as_str().unwrap();
    assert_eq!((sent["status"].as_str(), sent["patient_name"].as_str()), (Some("submitted"), Some("Roy Léa")));
    let again = app.post_json("/api/v1/expertise", Some(&gp), dermatology(&site, &[&close_up])).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST, "a file is sent once");

    let waiting = json(app.get("/api/v1/expertise/waiting", Some(&specialist)).await).await;
    assert_eq!(waiting, json!({"unread": 0, "queued": 1}));
    let queue = json(app.get("/api/v1/expertise/queue", Some(&specialist)).await).await;
    assert_eq!(queue["items"][0]["id"], *id);
    assert_eq!(app.get("/api/v1/expertise/queue", Some(&gp)).await.status(), StatusCode::FORBIDDEN);

    assert_eq!(step(&app, &specialist, id, "answer", "Trop tôt").await.status(), StatusCode::CONFLICT, "take it first");
    assert_eq!(step(&app, &gp, id, "take", "").await.status(), StatusCode::CONFLICT, "the GP cannot take it");
    assert_eq!(stepped(&app, &specialist, id, "take", "").await["status"], "taken");
    let question = "Depuis quand les bords sont-ils irréguliers ? Une photo avec une règle, svp.";
    assert_eq!(stepped(&app, &specialist, id, "ask_information", question).await["status"], "needs_information");

    let waiting = json(app.get("/api/v1/expertise/waiting", Some(&gp)).await).await;
    assert_eq!(waiting["unread"], 1);
    let mail = mails(&smtp, 1).await.pop().expect("a notice mailed to the GP");
    assert!(mail.contains("To: medecin@demo.regard.fr"), "{mail}");
    assert!(mail.contains(&format!("/console/expertise/{id}")), "{mail}");
    assert!(!mail.contains("Roy") && !mail.contains("irréguliers"), "no health data by mail: {mail}");

    let ruler = uploaded(&app, &gp, "regle.png", png(50, 50)).await;
    let reply = json!({"step": "reply", "body": "Depuis 2 mois. Photo jointe.", "file_ids": [ruler["id"]]});
    let replied = app.post_json(&format!("/api/v1/expertise/{id}/steps"), Some(&gp), reply).await;
    assert_eq!(json(replied).await["status"], "taken");
    let answer = "Lésion suspecte : exérèse complète avec marges de 2 mm, sous 4 semaines.";
    assert_eq!(stepped(&app, &specialist, id, "answer", answer).await["status"], "answered");
    assert_eq!(mails(&smtp, 2).await.len(), 2, "the answer is mailed too");

    let list = json(app.get("/api/v1/expertise", Some(&gp)).await).await;
    let first = &list["items"][0];
    assert_eq!((first["status"].as_str(), first["unread"].as_bool()), (Some("answered"), Some(true)));
    let detail = json(app.get(&format!("/api/v1/expertise/{id}"), Some(&gp)).await).await;
    let steps: Vec<&str> = detail["thread"].as_array().unwrap().iter().map(|m| m["step"].as_str().unwrap()).collect();
    assert_eq!(steps, ["submit", "take", "ask_information", "reply", "answer"]);
    assert_eq!(detail["thread"][4]["body"], answer);
    assert_eq!(detail["thread"][3]["file_ids"], json!([ruler["id"]]));
    assert_eq!((detail["side"].as_str(), detail["expert"].as_str()), (Some("requester"), Some("Dr Inès Leroy")));
    assert_eq!(detail["files"].as_array().unwrap().len(), 3);
    assert_eq!(detail["answers"]["evolution"]["value"], "growing");
    let waiting = json(app.get("/api/v1/expertise/waiting", Some(&gp)).await).await;
    assert_eq!(waiting["unread"], 0, "read once opened");
    assert_eq!(stepped(&app, &gp, id, "close", "").await["status"], "closed");
    assert_eq!(json(app.get("/api/v1/expertise/queue", Some(&specialist)).await).await["total"], 0);

    let (viewed,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM access_log WHERE subject = 'expertise' AND subject_id = $1")
            .bind(id)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert!(viewed >= 7, "every look and step is logged ({viewed})");
}

#[tokio::test]
async fn dicom_files_are_previewed_and_fakes_are_refused() {
    let app = TestApp::new().await;
    let gp = app.login(GP).await;

    let scan = dicom(64, 48, true);
    let file = uploaded(&app, &gp, "scanner.dcm", scan.clone()).await;
    assert_eq!(file["kind"], "dicom");
    assert_eq!((file["width"].as_u64(), file["height"].as_u64()), (Some(64), Some(48)));
    assert_eq!(file["description"], "CT — Crane sans injection");
    let preview =
        app.get(&format!("/api/v1/expertise/files/{}/preview", file["id"].as_str().unwrap()), Some(&gp)).await;
    assert_eq!(preview.status(), StatusCode::OK);
    assert_eq!(preview.headers()[header::CONTENT_TYPE], "image/png");
    let shown = image::load_from_memory(&bytes(preview).await).unwrap().to_luma8();
    assert_eq!(shown.dimensions(), (64, 48));
    assert!(shown.get_pixel(63, 47)[0] > shown.get_pixel(0, 0)[0], "the gradient survives the rendering");

    let wide = uploaded(&app, &gp, "large.dcm", dicom(3000, 20, true)).await;
    assert_eq!((wide["width"].as_u64(), wide["height"].as_u64()), (Some(2048), Some(14)), "scaled for the browser");

    for (name, body, words) in [
        ("compte-rendu.dcm", b"Compte rendu: RAS".to_vec(), "not a DICOM file"),
        ("photo.dcm", png(10, 10), "not a DICOM file"),
        ("rapport.dcm", dicom(0, 0, false), "holds no image"),
        // 16.8 megapixels: refused before any pixel is decoded (a 7000 × 7000 file took 430 MiB).
        ("immense.dcm", dicom(4097, 4097, true), "4096 × 4096 pixels at most"),
        ("notes.txt", b"hello".to_vec(), "JPEG or PNG"),
    ] {
        let refused = upload(&app, &gp, name, body).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let message = json(refused).await["message"].as_str().unwrap().to_owned();
        assert!(message.contains(words), "{name}: {message}");
    }
    let mut broken = scan.clone();
    broken.truncate(400);
    assert_eq!(upload(&app, &gp, "coupe.dcm", broken).await.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Sent with a stroke request: the specialist views and downloads it.
    let site = hospital_id(&app, &gp).await;
    let answers = stroke_answers();
    let request = json!({"expert_site_id": site, "specialty": "stroke", "urgency": "urgent",
        "patient": {"last_name": "Henry", "first_name": "Paul", "birth_date": "1950-01-01"},
        "answers": answers, "file_ids": [file["id"]]});
    let sent = app.post_json("/api/v1/expertise", Some(&gp), request).await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    let specialist = app.login(SPECIALIST).await;
    let original = format!("/api/v1/expertise/files/{}/original", file["id"].as_str().unwrap());
    let download = app.get(&original, Some(&specialist)).await;
    assert_eq!(download.status(), StatusCode::OK);
    assert!(download.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment"));
    assert_eq!(bytes(download).await, scan);
    let colleague =
        member(&app, "Cabinet médical du Parc", OrganisationKind::GpPractice, "gp2@parc.fr", Role::Gp).await;
    let preview = format!("/api/v1/expertise/files/{}/preview", file["id"].as_str().unwrap());
    assert_eq!(app.get(&preview, Some(&colleague)).await.status(), StatusCode::OK);
    assert_eq!(app.get(&original, Some(&colleague)).await.status(), StatusCode::FORBIDDEN, "originals: experts only");
}

#[tokio::test]
async fn requests_stay_between_the_two_organisations() {
    let app = TestApp::new().await;
    let gp = app.login(GP).await;
    let site = hospital_id(&app, &gp).await;
    let photo = uploaded(&app, &gp, "lesion.png", png(20, 20)).await;
    let photo_path = format!("/api/v1/expertise/files/{}/preview", photo["id"].as_str().unwrap());

    let other_gp = member(&app, "Cabinet des Vosges", OrganisationKind::GpPractice, "gp@vosges.fr", Role::Gp).await;
    assert_eq!(app.get(&photo_path, Some(&other_gp)).await.status(), StatusCode::NOT_FOUND, "unsent: uploader only");
    let stolen = app.post_json("/api/v1/expertise", Some(&other_gp), dermatology(&site, &[&photo])).await;
    assert_eq!(stolen.status(), StatusCode::BAD_REQUEST, "someone else's file cannot be sent");

    let sent = json(app.post_json("/api/v1/expertise", Some(&gp), dermatology(&site, &[&photo])).await).await;
    let id = sent["id"].as_str().unwrap();
    let path = format!("/api/v1/expertise/{id}");
    let other_site =
        member(&app, "CHU de Reims", OrganisationKind::ExpertSite, "derm@reims.fr", Role::Specialist).await;
    let admin =
        member(&app, "Cabinet médical du Parc", OrganisationKind::GpPractice, "admin@parc.fr", Role::Admin).await;
    for (who, cookie) in [("another practice", &other_gp), ("another expert site", &other_site), ("an admin", &admin)] {
        assert_eq!(app.get(&path, Some(cookie)).await.status(), StatusCode::FORBIDDEN, "{who}");
        assert_eq!(app.get(&photo_path, Some(cookie)).await.status(), StatusCode::FORBIDDEN, "{who}");
        assert_eq!(step(&app, cookie, id, "take", "").await.status(), StatusCode::FORBIDDEN, "{who}");
    }
    let theirs = json(app.get("/api/v1/expertise/queue", Some(&other_site)).await).await;
    assert_eq!(theirs["total"], 0, "not addressed to them");
    assert_eq!(json(app.get("/api/v1/expertise", Some(&other_gp)).await).await["total"], 0);

    // Only the specialist who took a request answers it.
    let specialist = app.login(SPECIALIST).await;
    let colleague = member(&app, HOSPITAL, OrganisationKind::ExpertSite, "derm2@chru.fr", Role::Specialist).await;
    assert_eq!(stepped(&app, &specialist, id, "take", "").await["status"], "taken");
    assert_eq!(step(&app, &colleague, id, "take", "").await.status(), StatusCode::CONFLICT);
    assert_eq!(step(&app, &colleague, id, "answer", "Avis").await.status(), StatusCode::CONFLICT);
    assert_eq!(
        app.get(&path, Some(&colleague)).await.status(),
        StatusCode::OK,
        "but the site's colleagues can read it"
    );

    // A site cannot address itself, and unknown sites are refused in words.
    let own = json!({"expert_site_id": site, "specialty": "general", "patient": {"last_name": "A", "first_name": "B",
        "birth_date": "1970-01-01"}, "answers": {}, "file_ids": []});
    let refused = app.post_json("/api/v1/expertise", Some(&specialist), own).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(refused).await["field"], "expert_site_id");
}

#[tokio::test]
async fn the_specialist_who_took_a_request_schedules_a_teleconsultation_with_the_patient() {
    let app = TestApp::new().await;
    let gp = app.login(GP).await;
    let site = hospital_id(&app, &gp).await;
    let photo = uploaded(&app, &gp, "lesion.png", png(20, 20)).await;
    let sent = json(app.post_json("/api/v1/expertise", Some(&gp), dermatology(&site, &[&photo])).await).await;
    let id = sent["id"].as_str().unwrap();
    let specialist = app.login(SPECIALIST).await;
    let path = format!("/api/v1/expertise/{id}/teleconsultation");
    let at = common::consultation::in_an_hour();
    let invite = json!({"scheduled_at": at, "phone": "06 98 76 54 32"});

    let untaken = app.post_json(&path, Some(&specialist), invite.clone()).await;
    assert_eq!(untaken.status(), StatusCode::CONFLICT, "take it first");
    stepped(&app, &specialist, id, "take", "").await;
    let nobody = app.post_json(&path, Some(&specialist), json!({"scheduled_at": at})).await;
    assert_eq!(nobody.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(nobody).await["field"], "phone");
    assert_eq!(app.post_json(&path, Some(&gp), invite.clone()).await.status(), StatusCode::CONFLICT, "the GP cannot");
    let scheduled = app.post_json(&path, Some(&specialist), invite.clone()).await;
    assert_eq!(scheduled.status(), StatusCode::OK);
    assert_eq!(app.post_json(&path, Some(&specialist), invite).await.status(), StatusCode::CONFLICT, "only once");

    // A teleconsultation of the specialist's site, with the request's patient,
    // and the invitation texted as for any teleconsultation.
    let detail = json(app.get(&format!("/api/v1/expertise/{id}"), Some(&specialist)).await).await;
    let consultation = detail["consultation_id"].as_str().expect("the consultation is linked");
    assert_eq!(detail["thread"].as_array().unwrap().last().unwrap()["step"], "escalate");
    let room = json(app.get(&format!("/api/v1/consultations/{consultation}"), Some(&specialist)).await).await;
    assert_eq!(room["summary"]["patient_name"], "Léa Roy");
    assert_eq!(room["summary"]["scheduled_at"], at);
    let (texts,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM sms_messages WHERE body LIKE '%Téléconsultation avec Dr Inès Leroy%'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(texts, 1);
    let gp_view = app.get(&format!("/api/v1/consultations/{consultation}"), Some(&gp)).await;
    assert_eq!(gp_view.status(), StatusCode::FORBIDDEN, "the consultation is the expert site's");
}

/// Two specialists of the expert site take one request at the same moment:
/// one has it, the other is told it changed meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_specialists_taking_one_request_at_once_one_gets_it() {
    let app = TestApp::new().await;
    let gp = app.login(GP).await;
    let site = hospital_id(&app, &gp).await;
    let photo = uploaded(&app, &gp, "lesion.png", png(40, 30)).await;
    let sent = json(app.post_json("/api/v1/expertise", Some(&gp), dermatology(&site, &[&photo])).await).await;
    let id = sent["id"].as_str().unwrap().to_owned();
    let first = app.login(SPECIALIST).await;
    let second = member(&app, HOSPITAL, OrganisationKind::ExpertSite, "derm2@chru.fr", Role::Specialist).await;
    let path = format!("/api/v1/expertise/{id}/steps");
    let take = json!({"step": "take", "body": ""});
    let takes = [&first, &second].map(|c| common::request(Method::POST, &path, Some(c), Some(take.clone())));
    let [a, b]: [_; 2] = app.at_once(takes.into()).await.try_into().unwrap();
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    let loser = if a.status() == StatusCode::CONFLICT { a } else { b };
    assert_eq!(json(loser).await["code"], "conflict");
    let (takes,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM expertise_messages WHERE request_id = $1 AND step = 'take'")
            .bind(&id)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(takes, 1, "one take in the thread");
}

/// The expert site's queue and the requester's list, walked a page at a time
/// while requests keep arriving: untaken urgent ones first, the longest waiting
/// first, none lost or repeated; one specialty at a time if asked.
#[tokio::test]
async fn the_queue_and_the_sent_list_are_paged_in_their_order() {
    let app = TestApp::new().await;
    let gp = app.login(GP).await;
    let specialist = app.login(SPECIALIST).await;
    let site = hospital_id(&app, &gp).await;
    let send = |urgency: &'static str| {
        let (app, gp, site) = (&app, &gp, &site);
        async move {
            let request = json!({
                "expert_site_id": site, "specialty": "general", "urgency": urgency,
                "patient": {"last_name": "Roy", "first_name": "Léa", "birth_date": "1961-04-09"},
                "answers": {"context": {"type": "text", "value": "Contexte"}, "question": {"type": "text", "value": "Avis ?"}},
                "file_ids": [],
            });
            let sent = app.post_json("/api/v1/expertise", Some(gp), request).await;
            assert_eq!(sent.status(), StatusCode::CREATED);
            json(sent).await["id"].as_str().unwrap().to_owned()
        }
    };
    let mut sent = Vec::new();
    for urgency in ["routine", "urgent", "routine", "urgent", "routine", "urgent", "routine"] {
        sent.push(send(urgency).await);
    }
    assert_eq!(stepped(&app, &specialist, &sent[0], "take", "").await["status"], "taken");

    let whole = json(app.get("/api/v1/expertise/queue?limit=200", Some(&specialist)).await).await;
    let items = whole["items"].as_array().unwrap();
    let waited: Vec<i64> = items.iter().map(|r| r["submitted_at"].as_i64().unwrap()).collect();
    assert!(waited[..3].is_sorted() && waited[3..6].is_sorted(), "the longest waiting first: {waited:?}");
    let queue = common::walk_pages(&app, &specialist, "/api/v1/expertise/queue", 2, || async {
        send("routine").await;
    })
    .await;
    common::assert_each_once(&queue, &sent);
    let group = |ids: &[String]| ids.iter().cloned().collect::<std::collections::HashSet<_>>();
    assert_eq!(group(&queue[..3]), group(&[sent[1].clone(), sent[3].clone(), sent[5].clone()]), "urgent first");
    assert_eq!(group(&queue[3..6]), group(&[sent[2].clone(), sent[4].clone(), sent[6].clone()]), "then routine");
    assert_eq!(queue.last(), Some(&sent[0]), "the taken one after every untaken one");

    let mine = common::walk_pages(&app, &gp, "/api/v1/expertise", 3, || async {}).await;
    common::assert_each_once(&mine, &sent);
    let files = [uploaded(&app, &gp, "a.png", png(40, 40)).await, uploaded(&app, &gp, "b.png", png(41, 41)).await];
    let skin = app.post_json("/api/v1/expertise", Some(&gp), dermatology(&site, &[&files[0], &files[1]])).await;
    let skin = json(skin).await["id"].as_str().unwrap().to_owned();
    let only = json(app.get("/api/v1/expertise/queue?specialty=dermatology", Some(&specialist)).await).await;
    assert_eq!((only["total"].as_u64(), only["items"][0]["id"].as_str()), (Some(1), Some(&*skin)));
    let general = json(app.get("/api/v1/expertise/queue?specialty=general&limit=200", Some(&specialist)).await).await;
    assert!(general["items"].as_array().unwrap().iter().all(|r| r["specialty"] == "general"));
    let unknown = app.get("/api/v1/expertise/queue?specialty=astrology", Some(&specialist)).await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
