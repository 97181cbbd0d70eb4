//! One patient's follow-up as a FHIR R4 Bundle (type `collection`): the
//! Patient, the Questionnaire they answered, and one QuestionnaireResponse per
//! filled questionnaire, so the answers can go into a hospital's record.

use chrono::{DateTime, SecondsFormat};
use regard_shared::monitoring::questionnaire::Answer;
use regard_shared::monitoring::wire::Submission;
use serde_json::{json, Value};

use super::store::FollowUp;
use crate::db::now_ms;

fn instant(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms).unwrap_or_default().to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn answer_value(answer: &Answer, photo_url: &dyn Fn(&str) -> String) -> Value {
    match answer {
        Answer::Boolean(b) => json!({ "valueBoolean": b }),
        Answer::Choice(code) => json!({ "valueCoding": { "code": code } }),
        Answer::Integer(i) => json!({ "valueInteger": i }),
        Answer::Decimal(d) => json!({ "valueDecimal": d }),
        Answer::Text(text) => json!({ "valueString": text }),
        Answer::Attachment(id) => json!({ "valueAttachment": { "url": photo_url(id) } }),
    }
}

pub fn bundle(followup: &FollowUp, submissions: &[Submission], public_url: &str) -> Value {
    let patient_ref = format!("urn:uuid:{}", followup.id);
    let questionnaire = &followup.protocol.questionnaire;
    let canonical = format!("{public_url}/fhir/Questionnaire/{}", questionnaire.id);
    let mut telecom = Vec::new();
    if let Some(phone) = &followup.phone {
        telecom.push(json!({ "system": "phone", "value": phone, "use": "mobile" }));
    }
    if let Some(email) = &followup.email {
        telecom.push(json!({ "system": "email", "value": email }));
    }
    let patient = json!({
        "resourceType": "Patient",
        "name": [{ "family": followup.last_name, "given": [followup.first_name] }],
        "birthDate": followup.birth_date,
        "telecom": telecom,
    });
    let mut questionnaire_resource = serde_json::to_value(questionnaire).unwrap_or(Value::Null);
    questionnaire_resource["url"] = json!(canonical);
    let photo_url = |id: &str| format!("{public_url}/api/v1/followups/{}/photos/{id}", followup.id);
    let mut entries = vec![
        json!({ "fullUrl": patient_ref, "resource": patient }),
        json!({ "fullUrl": format!("urn:uuid:questionnaire-{}", followup.id), "resource": questionnaire_resource }),
    ];
    for submission in submissions {
        // In questionnaire order, as a reader of the form expects.
        let items: Vec<Value> = questionnaire
            .item
            .iter()
            .filter_map(|item| {
                let answer = submission.answers.get(&item.link_id)?;
                Some(json!({ "linkId": item.link_id, "text": item.text, "answer": [answer_value(answer, &photo_url)] }))
            })
            .collect();
        entries.push(json!({
            "fullUrl": format!("urn:uuid:{}", submission.id),
            "resource": {
                "resourceType": "QuestionnaireResponse",
                "questionnaire": format!("{canonical}|{}", questionnaire.version),
                "status": "completed",
                "subject": { "reference": patient_ref },
                "authored": instant(submission.submitted_at),
                "item": items,
            }
        }));
    }
    json!({ "resourceType": "Bundle", "type": "collection", "timestamp": instant(now_ms()), "entry": entries })
}
