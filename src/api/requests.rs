//! Meeting requests between investors and regions or delegations: asking, introductions by
//! staff, accepting, declining, cancelling and expiry.

use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::JsonBody;
use crate::auth::AuthenticatedUser;
use crate::error::{AppError, ErrorBody};
use crate::services::requests::{
    self as requests, IntroductionInput, MeetingRequest, ReasonInput, RequestInput, RequestQuery,
    event_requests, introduce_best, request_meeting,
};
use crate::state::AppState;

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(create_request)
        .service(list_requests)
        .service(introduce)
        .service(accept_request)
        .service(decline_request)
        .service(cancel)
        .service(get_request);
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), request_body = RequestInput, responses(
    (status = 201, body = MeetingRequest), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
    (status = 429, body = ErrorBody, description = "Over a rate limit; Retry-After says when to try again"),
))]
#[post("/events/{id}/requests")]
async fn create_request(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    body: JsonBody<RequestInput>,
) -> Result<HttpResponse, AppError> {
    let view = request_meeting(&state, user, id.into_inner(), body.0).await?;
    Ok(HttpResponse::Created().json(view))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), params(RequestQuery), responses(
    (status = 200, body = Vec<MeetingRequest>), (status = 404, body = ErrorBody),
))]
#[get("/events/{id}/requests")]
async fn list_requests(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    query: web::Query<RequestQuery>,
) -> Result<web::Json<Vec<MeetingRequest>>, AppError> {
    let event_id = id.into_inner();
    let status = query.into_inner().status;
    let factor = state.settings.meetings.must_meet_factor;
    let list = state
        .db
        .write(move |conn| event_requests(conn, &user, &event_id, status, factor))
        .await?;
    Ok(web::Json(list))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), request_body = IntroductionInput, responses(
    (status = 201, body = Vec<MeetingRequest>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 422, body = ErrorBody),
    (status = 429, body = ErrorBody, description = "Over a rate limit; Retry-After says when to try again"),
))]
#[post("/events/{id}/introductions")]
async fn introduce(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    body: JsonBody<IntroductionInput>,
) -> Result<HttpResponse, AppError> {
    let created = introduce_best(&state, user, id.into_inner(), body.0).await?;
    Ok(HttpResponse::Created().json(created))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), responses(
    (status = 200, body = MeetingRequest), (status = 404, body = ErrorBody),
))]
#[get("/requests/{id}")]
async fn get_request(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<web::Json<MeetingRequest>, AppError> {
    let factor = state.settings.meetings.must_meet_factor;
    let view = state
        .db
        .run(move |conn| requests::request(conn, &user, &id, factor))
        .await?;
    Ok(web::Json(view))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), responses(
    (status = 200, body = MeetingRequest), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
))]
#[post("/requests/{id}/accept")]
async fn accept_request(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<web::Json<MeetingRequest>, AppError> {
    let factor = state.settings.meetings.must_meet_factor;
    let view = state
        .db
        .write(move |conn| requests::accept_request(conn, &user, &id, factor))
        .await?;
    Ok(web::Json(view))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), request_body = ReasonInput, responses(
    (status = 200, body = MeetingRequest), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
    (status = 422, body = ErrorBody),
))]
#[post("/requests/{id}/decline")]
async fn decline_request(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    body: JsonBody<ReasonInput>,
) -> Result<web::Json<MeetingRequest>, AppError> {
    let factor = state.settings.meetings.must_meet_factor;
    let view = state
        .db
        .write(move |conn| requests::decline_request(conn, &user, &id, body.0, factor))
        .await?;
    Ok(web::Json(view))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), request_body = ReasonInput, responses(
    (status = 200, body = MeetingRequest), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
    (status = 422, body = ErrorBody),
))]
#[post("/requests/{id}/cancel")]
async fn cancel(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    body: JsonBody<ReasonInput>,
) -> Result<web::Json<MeetingRequest>, AppError> {
    let factor = state.settings.meetings.must_meet_factor;
    let view = state
        .db
        .write(move |conn| requests::withdraw_request(conn, &user, &id, body.0, factor))
        .await?;
    Ok(web::Json(view))
}
