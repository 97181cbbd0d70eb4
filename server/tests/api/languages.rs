//! The patient's language through the API. A video-assist caller's: chosen by
//! the regulator (the text message and the page are in it), else the phone's,
//! and changed by the caller on their page (the case keeps it, its timeline
//! says so). A tele-monitoring patient's likewise: the clinician's choice,
//! the language they joined in, the one they pick on their portal; the
//! messages and the questions follow it, the clinician reads French.

use crate::common;
use crate::common::monitoring::{enrol, enrolment, fall_due, join, texts_with, BIRTH_DATE};
use crate::common::*;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use regard_server::db::now_ms;
use regard_server::monitoring::scheduler;
use regard_shared::lang::Lang;
use regard_shared::monitoring::questionnaire::Questionnaire;
use regard_shared::monitoring::translation::translated;
use serde_json::json;

/// The caller's page for `token`, from a phone with these headers.
async fn caller_page(app: &TestApp, token: &str, headers: &[(header::HeaderName, &str)]) -> String {
    let mut builder = Request::builder().uri(format!("/v/{token}"));
    for (name, value) in headers {
        builder = builder.header(name, *value);
    }
    let response = app.send(builder.body(Body::empty()).unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
    text(response).await
}

fn choose(token: &str, language: &str) -> Request<Body> {
    request(Method::PUT, &format!("/api/v1/patient/assist/{token}/language"), None, Some(json!({"language": language})))
}

#[tokio::test]
async fn a_link_sent_in_arabic_is_texted_in_arabic_and_opens_right_to_left() {
    let app = TestApp::new().await;
    let cookie = app.login(REGULATOR).await;
    let created =
        app.post_json("/api/v1/assists", Some(&cookie), json!({"phone": "0612345678", "language": "ar"})).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let case = json(created).await;
    assert_eq!(case["language"], "ar");
    let sms = case["sms"][0]["body"].as_str().unwrap();
    assert!(sms.starts_with("SAMU 54") && sms.contains("افتح هذا الرابط") && sms.contains("30 دقيقة"), "{sms}");
    // A phone set to French: the regulator's choice wins.
    let html = caller_page(&app, &token_in(sms), &[(header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9")]).await;
    assert!(html.contains(r#"<html lang="ar" dir="rtl" data-build=""#), "{html}");
    assert!(html.contains(r#"href="/caller/texts/ar.json?v="#), "{html}");
}

#[tokio::test]
async fn without_the_regulators_choice_the_page_follows_the_phone() {
    let app = TestApp::new().await;
    let (_, case, token) = app.start_assist().await;
    assert_eq!(case["language"], serde_json::Value::Null);
    // French when nothing is known, as the text message was.
    assert!(case["sms"][0]["body"].as_str().unwrap().contains("ouvrez ce lien"));
    assert!(caller_page(&app, &token, &[]).await.contains(r#"<html lang="fr" dir="ltr""#));
    let phone = [(header::ACCEPT_LANGUAGE, "de-DE,de;q=0.9,uk;q=0.8,en;q=0.7")];
    assert!(caller_page(&app, &token, &phone).await.contains(r#"<html lang="uk" dir="ltr""#));
    // A language this phone chose on Regard before comes before its settings.
    let chosen = [(header::ACCEPT_LANGUAGE, "uk"), (header::COOKIE, "regard_lang=ro")];
    assert!(caller_page(&app, &token, &chosen).await.contains(r#"<html lang="ro""#));
}

#[tokio::test]
async fn the_caller_picks_a_language_and_the_case_keeps_it() {
    let app = TestApp::new().await;
    let (cookie, case, token) = app.start_assist().await;
    let id = case["summary"]["id"].as_str().unwrap();
    assert_eq!(app.send(choose(&token, "uk")).await.status(), StatusCode::NO_CONTENT);
    // Said once in the timeline; choosing it again changes nothing.
    assert_eq!(app.send(choose(&token, "uk")).await.status(), StatusCode::NO_CONTENT);
    let detail = json(app.get(&format!("/api/v1/assists/{id}"), Some(&cookie)).await).await;
    assert_eq!(detail["language"], "uk");
    let chosen: Vec<_> =
        detail["timeline"].as_array().unwrap().iter().filter(|e| e["kind"] == "language_chosen").collect();
    assert_eq!(chosen.len(), 1, "{detail}");
    assert_eq!(chosen[0]["detail"], "uk");
    // The page opens in it, and a new link is texted in it.
    assert!(caller_page(&app, &token, &[]).await.contains(r#"lang="uk""#));
    let resent = json(app.post_json(&format!("/api/v1/assists/{id}/resend"), Some(&cookie), json!({})).await).await;
    let last =
        resent["sms"].as_array().unwrap().iter().map(|s| s["body"].as_str().unwrap()).find(|b| b.contains("посилання"));
    assert!(last.is_some(), "{resent}");

    // A language Regard does not have, or a link that is not one, is refused.
    assert_eq!(app.send(choose(&token, "de")).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.send(choose("AAAAAAAAAAAAAAAAAAAAAA", "uk")).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_follow_up_in_portuguese_is_texted_and_asked_in_portuguese_and_read_in_french() {
    let app = TestApp::new().await;
    let gp = app.login(GP).await;
    let mut portuguese = enrolment("covid-19");
    portuguese["language"] = json!("pt");
    let created = app.post_json("/api/v1/followups", Some(&gp), portuguese).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let followup = json(created).await;
    assert_eq!(followup["language"], "pt");
    // The clinician's questions are French, without the translations.
    let question = &followup["questionnaire"]["item"][1];
    assert_eq!(question["text"], "Votre saturation en oxygène (oxymètre)");
    assert!(question.get("_text").is_none(), "{question}");
    let outbox = json(app.get("/api/v1/outbox", Some(&gp)).await).await;
    let sms = outbox[0]["body"].as_str().unwrap();
    assert!(sms.contains("propõe-lhe um acompanhamento em casa (Acompanhamento da Covid-19 em casa)"), "{sms}");

    // The link opens in Portuguese; the phone reads the questions in it.
    let token = common::consultation::token_after(sms, &format!("{PUBLIC_URL}/m/"));
    let shown = json(app.get(&format!("/api/v1/patient/followup-invitations/{token}"), None).await).await;
    assert_eq!(shown["language"], "pt");
    let titles = serde_json::from_value(shown["title_translations"].clone()).unwrap();
    assert_eq!(translated("Suivi Covid-19 à domicile", Some(&titles), Lang::Pt), "Acompanhamento da Covid-19 em casa");
    let portal = json(join(&app, &token, BIRTH_DATE).await).await;
    let questionnaire: Questionnaire = serde_json::from_value(portal["questionnaire"].clone()).unwrap();
    assert_eq!(questionnaire.in_language(Lang::Pt).item[1].text, "A sua saturação de oxigénio (oxímetro)");
}

#[tokio::test]
async fn reminders_and_the_deletion_receipt_go_in_the_language_the_patient_joined_in_then_picked() {
    let app = TestApp::new().await;
    let (gp, followup, token) = enrol(&app, "covid-19").await;
    let id = followup["summary"]["id"].as_str().unwrap().to_owned();
    assert_eq!(followup["language"], serde_json::Value::Null);
    // No language chosen: the first message is French.
    assert_eq!(texts_with(&app, "vous propose un suivi à domicile").await, 1);
    let body = json!({
        "birth_date": BIRTH_DATE, "consent_version": regard_shared::monitoring::wire::CONSENT_VERSION,
        "language": "ro-RO", "reminders": {"sms": true, "email": false},
    });
    let joined = app.post_json(&format!("/api/v1/patient/followup-invitations/{token}/join"), None, body).await;
    let phone = common::cookie_named(&joined, "regard_followup").unwrap();
    let detail = json(app.get(&format!("/api/v1/followups/{id}"), Some(&gp)).await).await;
    assert_eq!(detail["language"], "ro");
    fall_due(&app, &id, 1).await;
    scheduler::round(&app.state, now_ms()).await.unwrap();
    assert_eq!(texts_with(&app, "Regard: chestionarul dumneavoastră de monitorizare (ziua 2)").await, 1);

    let pick = |language: &str| {
        request(Method::PUT, "/api/v1/patient/followup/language", Some(&phone), Some(json!({"language": language})))
    };
    assert_eq!(app.send(pick("uk")).await.status(), StatusCode::NO_CONTENT);
    let detail = json(app.get(&format!("/api/v1/followups/{id}"), Some(&gp)).await).await;
    assert_eq!(detail["language"], "uk");
    fall_due(&app, &id, 2).await;
    scheduler::round(&app.state, now_ms()).await.unwrap();
    assert_eq!(texts_with(&app, "Regard: ваша анкета спостереження (день 3)").await, 1);
    // A language Regard does not have is refused; without the phone's cookie, nothing changes.
    assert_eq!(app.send(pick("de")).await.status(), StatusCode::BAD_REQUEST);
    let stranger = request(Method::PUT, "/api/v1/patient/followup/language", None, Some(json!({"language": "ar"})));
    assert_eq!(app.send(stranger).await.status(), StatusCode::UNAUTHORIZED);

    // She stops; the receipt of the deletion is written in her language too.
    let stopped = app.post_json("/api/v1/patient/followup/stop", Some(&phone), json!({})).await;
    assert_eq!(stopped.status(), StatusCode::OK);
    assert_eq!(scheduler::round(&app.state, now_ms()).await.unwrap().purged, 1);
    assert_eq!(texts_with(&app, "Regard: дані вашого спостереження вдома видалено").await, 1);
    // Her phone shows the receipt with the protocol's title in the language it is read in.
    let receipt = json(app.get("/api/v1/patient/followup", Some(&phone)).await).await;
    assert_eq!(receipt["state"], "deleted");
    let translations = serde_json::from_value(receipt["title_translations"].clone()).unwrap();
    let title = receipt["protocol_title"].as_str().unwrap();
    assert_eq!(translated(title, Some(&translations), Lang::Uk), "Спостереження за Covid-19 вдома");
    assert_eq!(translated(title, Some(&translations), Lang::Fr), "Suivi Covid-19 à domicile");
}

/// A teleconsultation booked for a Turkish-speaking patient: the invitation
/// is texted in Turkish and the page opens in it; the patient reads the
/// consent in Arabic, which becomes their language; their receipt is written
/// in it (or in the language their page asks), the GP's stays French.
#[tokio::test]
async fn a_teleconsultation_booked_in_turkish_follows_the_patient_to_an_arabic_receipt() {
    use common::consultation::{appointment, token_after, BIRTH_DATE};
    use regard_shared::consultation::CONSENT_VERSION;
    let app = TestApp::new().await;
    let gp = app.login(GP).await;
    let mut booking = appointment();
    booking["language"] = json!("tr");
    let created = json(app.post_json("/api/v1/consultations", Some(&gp), booking).await).await;
    assert_eq!(created["language"], "tr");
    let id = created["summary"]["id"].as_str().unwrap().to_owned();
    let outbox = json(app.get("/api/v1/outbox", Some(&gp)).await).await;
    let sms = outbox[0]["body"].as_str().unwrap();
    assert!(sms.contains("ile görüntülü muayene") && sms.contains("Zamanı gelince açın"), "{sms}");
    let token = token_after(sms, &format!("{PUBLIC_URL}/c/"));
    let info = json(app.get(&format!("/api/v1/patient/invitations/{token}"), None).await).await;
    assert_eq!(info["language"], "tr");

    let consent = json!({"birth_date": BIRTH_DATE, "consent_version": CONSENT_VERSION, "language": "ar"});
    let entered = app.post_json(&format!("/api/v1/patient/invitations/{token}/enter"), None, consent).await;
    assert_eq!(entered.status(), StatusCode::OK);
    let device = cookie_named(&entered, "regard_patient").unwrap();
    assert_eq!(json(app.get(&format!("/api/v1/consultations/{id}"), Some(&gp)).await).await["language"], "ar");
    let ended = app.post_json(&format!("/api/v1/consultations/{id}/end"), Some(&gp), json!({})).await;
    assert_eq!(ended.status(), StatusCode::OK);

    let receipt = |path: String, cookie: String| {
        let app = &app;
        async move {
            let response = app.get(&path, Some(&cookie)).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            pdf_text(&http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes())
        }
    };
    let arabic = receipt("/api/v1/patient/consultation/receipt".into(), device.clone()).await;
    // Its letters are drawn joined (Arabic Presentation Forms-B); the name and date stay readable.
    assert!(arabic.chars().any(|c| ('\u{FE70}'..='\u{FEFC}').contains(&c)), "{arabic}");
    assert!(arabic.contains("Marie DUPONT") && arabic.contains("14/03/1958") && !arabic.contains("Reçu"), "{arabic}");
    let russian = receipt("/api/v1/patient/consultation/receipt?lang=ru".into(), device).await;
    assert!(
        russian.contains("Квитанция за консультацию") && russian.contains("Дата рождения: 14.03.1958"),
        "{russian}"
    );
    let french = receipt(format!("/api/v1/consultations/{id}/receipt"), gp).await;
    assert!(french.contains("Reçu de consultation") && french.contains("Né(e) le 14/03/1958"), "{french}");
}
