//! Events (forums, missions abroad, investor visits), their participants and the delegations
//! that travel to them.

use actix_web::{HttpResponse, delete, get, post, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::JsonBody;
use crate::auth::AuthenticatedUser;
use crate::error::{AppError, ErrorBody, FieldErrors};
use crate::meetings::plan::slots;
use crate::meetings::service::EventData;
use crate::services::events::{
    self as events, BatchInput, BatchOutcome, BatchReport, Delegation, DelegationInput, Event,
    EventInput, Participant, ParticipantSettings, RegistrationInput, participant_answer,
    participant_view, register, register_many, update_settings,
};
use crate::services::imports::ImportQuery;
use crate::state::AppState;

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(list_events)
        .service(create_event)
        .service(get_event)
        .service(list_participants)
        .service(register_participant)
        .service(register_participants)
        .service(update_participant)
        .service(list_applications)
        .service(approve_application)
        .service(turn_down_application)
        .service(list_delegations)
        .service(create_delegation)
        .service(get_delegation);
}

/// The registrations waiting for staff approval (events that ask for it).
#[utoipa::path(tag = "meetings", security(("bearer" = [])), request_body = EventInput, responses(
    (status = 201, body = Event), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 422, body = ErrorBody),
))]
#[post("/events")]
async fn create_event(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    body: JsonBody<EventInput>,
) -> Result<HttpResponse, AppError> {
    let expiry = state.settings.meetings.request_expiry_days;
    let event = state
        .db
        .write(move |conn| events::create_event(conn, &user, &body.0, expiry))
        .await?;
    Ok(HttpResponse::Created().json(event))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), responses(
    (status = 200, body = Vec<Event>), (status = 401, body = ErrorBody),
))]
#[get("/events")]
async fn list_events(
    state: web::Data<AppState>,
    _user: AuthenticatedUser,
) -> Result<web::Json<Vec<Event>>, AppError> {
    Ok(web::Json(state.db.run(events::events).await?))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), responses(
    (status = 200, body = Event), (status = 404, body = ErrorBody),
))]
#[get("/events/{id}")]
async fn get_event(
    state: web::Data<AppState>,
    _user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<web::Json<Event>, AppError> {
    Ok(web::Json(
        state.db.run(move |conn| events::event(conn, &id)).await?,
    ))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), request_body = RegistrationInput, responses(
    (status = 201, body = Participant), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[post("/events/{id}/participants")]
async fn register_participant(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    body: JsonBody<RegistrationInput>,
) -> Result<HttpResponse, AppError> {
    let event_id = id.into_inner();
    let app = state.clone();
    let view = state
        .db
        .write(move |conn| {
            let row = register(conn, &app.catalogue, &user, &event_id, &body.0)?;
            participant_answer(conn, &user, &event_id, &row.id)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Registers many participants at once (staff), every row by the rules of one registration:
/// 201 when some are stored, 200 for a dry run or when every row is registered already, 422
/// with each refused row's problems (`participants[2].time_zone`) when a run stored nothing.
#[utoipa::path(tag = "meetings", security(("bearer" = [])), params(ImportQuery),
    request_body = BatchInput, responses(
    (status = 200, body = BatchReport), (status = 201, body = BatchReport),
    (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[post("/events/{id}/participants/batch")]
async fn register_participants(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    query: web::Query<ImportQuery>,
    body: JsonBody<BatchInput>,
) -> Result<HttpResponse, AppError> {
    let app = state.clone();
    let report = state
        .db
        .run(move |conn| register_many(conn, &app.catalogue, &user, &id, &body.0, &query))
        .await?;
    let refused = report.count(BatchOutcome::Refused);
    if !report.dry_run && !report.registered && refused > 0 {
        let fields: FieldErrors = report
            .rows
            .iter()
            .flat_map(|r| {
                r.problems.iter().map(move |(field, message)| {
                    let at = format!("participants[{}]", r.row);
                    let at = if field.is_empty() {
                        at
                    } else {
                        format!("{at}.{field}")
                    };
                    (at, message.clone())
                })
            })
            .collect();
        return Err(AppError::Validation {
            message: format!(
                "{refused} participants refused; nothing was registered (try ?dry_run=true for the report, or ?valid_rows_only=true)"
            ),
            fields,
        });
    }
    Ok(if report.registered {
        HttpResponse::Created().json(report)
    } else {
        HttpResponse::Ok().json(report)
    })
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), responses(
    (status = 200, body = Vec<Participant>), (status = 404, body = ErrorBody),
))]
#[get("/events/{id}/participants")]
async fn list_participants(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<web::Json<Vec<Participant>>, AppError> {
    let event_id = id.into_inner();
    let list = state
        .db
        .run(move |conn| {
            let data = EventData::load(conn, &event_id)?;
            let slots = slots(&data.plan)?;
            Ok(data
                .participants
                .iter()
                .map(|p| participant_view(&data, &slots, p, &user))
                .collect())
        })
        .await?;
    Ok(web::Json(list))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), request_body = ParticipantSettings, responses(
    (status = 200, body = Participant), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[put("/events/{id}/participants/{participant_id}")]
async fn update_participant(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    path: web::Path<(String, String)>,
    body: JsonBody<ParticipantSettings>,
) -> Result<web::Json<Participant>, AppError> {
    let (event_id, participant_id) = path.into_inner();
    let view = state
        .db
        .write(move |conn| update_settings(conn, &user, &event_id, &participant_id, &body.0))
        .await?;
    Ok(web::Json(view))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), responses(
    (status = 200, body = Vec<Participant>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
))]
#[get("/events/{id}/applications")]
async fn list_applications(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<web::Json<Vec<Participant>>, AppError> {
    let event_id = id.into_inner();
    let list = state
        .db
        .run(move |conn| events::applications(conn, &user, &event_id))
        .await?;
    Ok(web::Json(list))
}

/// Approves a registration: it joins the directory, the requests and the schedule.
#[utoipa::path(tag = "meetings", security(("bearer" = [])), responses(
    (status = 200, body = Participant), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
))]
#[post("/events/{id}/applications/{participant_id}/approve")]
async fn approve_application(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    path: web::Path<(String, String)>,
) -> Result<web::Json<Participant>, AppError> {
    let (event_id, participant_id) = path.into_inner();
    let view = state
        .db
        .write(move |conn| events::approve(conn, &user, &event_id, &participant_id))
        .await?;
    Ok(web::Json(view))
}

/// Turns a registration down: it is removed, and its side may register again.
#[utoipa::path(tag = "meetings", security(("bearer" = [])), responses(
    (status = 204, description = "The registration is removed"), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody),
))]
#[delete("/events/{id}/applications/{participant_id}")]
async fn turn_down_application(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (event_id, participant_id) = path.into_inner();
    state
        .db
        .write(move |conn| events::turn_down(conn, &user, &event_id, &participant_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), request_body = DelegationInput, responses(
    (status = 201, body = Delegation), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 422, body = ErrorBody),
))]
#[post("/delegations")]
async fn create_delegation(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    body: JsonBody<DelegationInput>,
) -> Result<HttpResponse, AppError> {
    let catalogue = state.catalogue.clone();
    let view = state
        .db
        .write(move |conn| events::create_delegation(conn, &catalogue, &user, &body.0))
        .await?;
    Ok(HttpResponse::Created().json(view))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), responses(
    (status = 200, body = Vec<Delegation>), (status = 401, body = ErrorBody),
))]
#[get("/delegations")]
async fn list_delegations(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
) -> Result<web::Json<Vec<Delegation>>, AppError> {
    let list = state
        .db
        .run(move |conn| events::delegations(conn, &user))
        .await?;
    Ok(web::Json(list))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), responses(
    (status = 200, body = Delegation), (status = 404, body = ErrorBody),
))]
#[get("/delegations/{id}")]
async fn get_delegation(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<web::Json<Delegation>, AppError> {
    let view = state
        .db
        .run(move |conn| events::delegation(conn, &user, &id))
        .await?;
    Ok(web::Json(view))
}
