//! E-prescriptions: the GP issues one during a consultation (the server assigns
//! its identifier and signs it), the patient downloads it as a PDF with a QR
//! code, and a pharmacist verifies the signature and dispenses it, once.

pub mod keys;
pub mod pdf;
mod store;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use rand::RngCore;
use regard_shared::prescription::{
    identifier, parse_identifier, validate_lines, NewPrescription, Prescription, PrescriptionSummary, Verification,
};
use regard_shared::signal::{ConsultationNews, ServerMessage};
use regard_shared::{Action, ApiError};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit;
use crate::auth::CurrentUser;
use crate::consultation::{authorize as authorize_consultation, patient::consultation_of};
use crate::db::{in_paris, now_ms, Db};
use crate::download::attachment;
use crate::error::{AppError, AppResult, Json};
use crate::links::PatientDevice;
use crate::organisations::store as organisations;
use crate::signalling::Subject;
use crate::AppState;

/// The pharmacist's routes, under /api/v1/prescriptions.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(verify)).routes(routes!(dispense))
}

/// The GP's routes, under /api/v1/consultations.
pub fn clinician_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(issue)).routes(routes!(clinician_pdf))
}

/// The patient's route, under /api/v1/patient.
pub fn patient_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(patient_pdf))
}

/// The stored prescription, its signature check, and its dispensing.
async fn load(state: &AppState, id: &str) -> AppResult<(Verification, String)> {
    let row = store::find(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let prescription: Prescription = serde_json::from_str(&row.content).map_err(|e| AppError::Internal(e.into()))?;
    // The id in the row and the one signed must agree, or a row was swapped.
    let signature_valid = prescription.id == id
        && state
            .signer
            .verify(&row.key_id, &prescription.canonical(), &row.signature)
            .await
            .map_err(AppError::Internal)?;
    let verification =
        Verification { signature_valid, prescription, dispensed_at: row.dispensed_at, dispensed_by: row.dispensed_by };
    Ok((verification, row.consultation_id))
}

/// The prescriptions of a consultation, oldest first.
pub async fn for_consultation(db: &Db, consultation_id: &str) -> AppResult<Vec<PrescriptionSummary>> {
    let rows = store::of_consultation(db, consultation_id).await?;
    rows.into_iter()
        .map(|row| {
            let prescription: Prescription =
                serde_json::from_str(&row.content).map_err(|e| AppError::Internal(e.into()))?;
            Ok(PrescriptionSummary {
                id: row.id,
                issued_at: row.issued_at,
                lines: prescription.lines.len(),
                dispensed_at: row.dispensed_at,
            })
        })
        .collect()
}

fn verify_url(state: &AppState, id: &str) -> String {
    format!("{}/rx/{id}", state.settings.public_url)
}

fn pdf_response(state: &AppState, verification: &Verification) -> Response {
    let p = &verification.prescription;
    let issued = in_paris(p.issued_at).format("%d/%m/%Y").to_string();
    let bytes = pdf::render(p, &issued, &verify_url(state, &p.id));
    attachment("application/pdf", &format!("ordonnance-{}.pdf", p.id), bytes)
}

/// The GP issues a prescription for the consultation's patient: the server
/// assigns the identifier and signs the content.
#[utoipa::path(post, path = "/{id}/prescriptions", tag = "consultation", request_body = NewPrescription,
    params(("id" = String, Path, description = "Consultation id")),
    responses((status = 201, body = PrescriptionSummary), (status = 422, description = "A line is incomplete", body = ApiError)))]
async fn issue(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(request): Json<NewPrescription>,
) -> AppResult<(StatusCode, Json<PrescriptionSummary>)> {
    let owner = authorize_consultation(&state, &user, &id).await?;
    let lines = validate_lines(&request.lines)?;
    let patient = store::patient(&state.db, &id).await?;
    let mut random = [0u8; 10];
    rand::rngs::OsRng.fill_bytes(&mut random);
    let prescription = Prescription {
        id: identifier(random),
        issued_at: now_ms(),
        prescriber_name: user.display_name.clone(),
        prescriber_organisation: owner.practice,
        prescriber_national_id: organisations::national_id(&state.db, &user.id).await?,
        patient_last_name: patient.last_name,
        patient_first_name: patient.first_name,
        patient_birth_date: patient.birth_date,
        lines,
    };
    let (key_id, signature) = state.signer.sign(&prescription.canonical()).await.map_err(AppError::Internal)?;
    let content = serde_json::to_string(&prescription).map_err(|e| AppError::Internal(e.into()))?;
    let row = store::NewPrescription {
        id: &prescription.id,
        consultation_id: &id,
        organisation_id: &owner.organisation_id,
        prescriber_id: &user.id,
        issued_at: prescription.issued_at,
        content: &content,
        key_id: &key_id,
        signature: &signature,
    };
    store::insert(&state.db, row).await?;
    tracing::info!(prescription = %prescription.id, consultation = %id, "prescription issued");
    let summary = PrescriptionSummary {
        id: prescription.id,
        issued_at: prescription.issued_at,
        lines: prescription.lines.len(),
        dispensed_at: None,
    };
    let news = ServerMessage::Consultation(ConsultationNews::Prescription(summary.clone()));
    state.rooms.broadcast(&Subject::Consultation(id), news);
    Ok((StatusCode::CREATED, Json(summary)))
}

/// The prescription as a PDF, for the GP.
#[utoipa::path(get, path = "/{id}/prescriptions/{rx}/pdf", tag = "consultation",
    params(("id" = String, Path), ("rx" = String, Path)),
    responses((status = 200, description = "The PDF", content_type = "application/pdf"), (status = 404, body = ApiError)))]
async fn clinician_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, rx)): Path<(String, String)>,
) -> AppResult<Response> {
    authorize_consultation(&state, &user, &id).await?;
    let (verification, consultation_id) = load(&state, &rx).await?;
    if consultation_id != id {
        return Err(AppError::NotFound);
    }
    Ok(pdf_response(&state, &verification))
}

/// The prescription as a PDF, for the patient it was written for.
#[utoipa::path(get, path = "/consultation/prescriptions/{rx}/pdf", tag = "patient",
    params(("rx" = String, Path)),
    responses((status = 200, description = "The PDF", content_type = "application/pdf"), (status = 404, body = ApiError)))]
async fn patient_pdf(
    State(state): State<AppState>,
    device: PatientDevice,
    Path(rx): Path<String>,
) -> AppResult<Response> {
    let id = consultation_of(&device)?;
    let (verification, consultation_id) = load(&state, &rx).await?;
    if consultation_id != id {
        return Err(AppError::NotFound);
    }
    Ok(pdf_response(&state, &verification))
}

fn pharmacist(user: &CurrentUser) -> AppResult<()> {
    // Any pharmacy may dispense: the patient chooses where to go.
    user.authorize(Action::DispensePrescription, &user.organisation_id)
}

/// A pharmacist checks a prescription: signature, content, and whether it was
/// already dispensed. The identifier may be typed loosely (spaces, lower case).
#[utoipa::path(get, path = "/{rx}", tag = "prescription", params(("rx" = String, Path)),
    responses((status = 200, body = Verification), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn verify(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(rx): Path<String>,
) -> AppResult<Json<Verification>> {
    pharmacist(&user)?;
    let rx = parse_identifier(&rx).ok_or(AppError::NotFound)?;
    let (verification, _) = load(&state, &rx).await?;
    audit::record(&state.db, &user, "prescription", &rx, "verify").await?;
    Ok(Json(verification))
}

/// Marks the prescription dispensed by the pharmacist's pharmacy: once only.
#[utoipa::path(post, path = "/{rx}/dispense", tag = "prescription", params(("rx" = String, Path)),
    responses(
        (status = 200, body = Verification),
        (status = 409, description = "Already dispensed, or the signature does not verify", body = ApiError),
    ))]
async fn dispense(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(rx): Path<String>,
) -> AppResult<Json<Verification>> {
    pharmacist(&user)?;
    let rx = parse_identifier(&rx).ok_or(AppError::NotFound)?;
    let (verification, _) = load(&state, &rx).await?;
    if !verification.signature_valid {
        return Err(AppError::Conflict("This prescription's signature does not verify: do not dispense it."));
    }
    if !store::dispense(&state.db, &rx, &user.organisation_id, &user.id, now_ms()).await? {
        return Err(AppError::Conflict("This prescription was already dispensed."));
    }
    audit::record(&state.db, &user, "prescription", &rx, "dispense").await?;
    Ok(Json(load(&state, &rx).await?.0))
}
