//! Deals with their histories, and projects' data rooms: the regions' NDAs, investors'
//! acceptances and officials' grants.

use actix_web::{get, post, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::JsonBody;
use crate::auth::AuthenticatedUser;
use crate::error::{AppError, ErrorBody};
use crate::services::data_room::{
    self, AcceptInput, DataRoom, GrantInput, Nda, NdaInput, accept_nda, current_nda, put_nda,
};
use crate::services::deals::{self, Deal, DealQuery, StepInput};
use crate::state::AppState;

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(list_deals)
        .service(get_deal)
        .service(record_step)
        .service(get_data_room)
        .service(accept)
        .service(grant)
        .service(get_nda)
        .service(set_nda);
}

/// The deals the caller follows: an investor's own, its region's for an official, all for staff;
/// the most recently moved first, each with its history.
#[utoipa::path(tag = "deals", security(("bearer" = [])), params(DealQuery), responses(
    (status = 200, body = Vec<Deal>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
))]
#[get("/deals")]
async fn list_deals(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    query: web::Query<DealQuery>,
) -> Result<web::Json<Vec<Deal>>, AppError> {
    let app = state.clone();
    let query = query.into_inner();
    let found = state
        .db
        .run(move |conn| deals::list(conn, &app.catalogue, &user, &query))
        .await?;
    Ok(web::Json(found))
}

/// One deal with its history (its investor, its region and staff).
#[utoipa::path(tag = "deals", security(("bearer" = [])), responses(
    (status = 200, body = Deal), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
))]
#[get("/deals/{id}")]
async fn get_deal(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<web::Json<Deal>, AppError> {
    let app = state.clone();
    let id = id.into_inner();
    let deal = state
        .db
        .run(move |conn| deals::get(conn, &app.catalogue, &user, &id))
        .await?;
    Ok(web::Json(deal))
}

/// Records a stage reached away from the platform (site visit, negotiation, letter of intent,
/// MoU, realised investment) or closes the deal with a reason; either party or staff.
#[utoipa::path(tag = "deals", security(("bearer" = [])), request_body = StepInput, responses(
    (status = 200, body = Deal), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[post("/deals/{id}/steps")]
async fn record_step(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    body: JsonBody<StepInput>,
) -> Result<web::Json<Deal>, AppError> {
    let app = state.clone();
    let id = id.into_inner();
    let deal = state
        .db
        .write(move |conn| deals::record_step(conn, &app.catalogue, &user, &id, body.0))
        .await?;
    Ok(web::Json(deal))
}

/// Where the caller stands with a project's data room: the region's NDA in force, whether the
/// room is open to the caller, and the acceptances and grants (its own, or everyone's for the
/// region and staff).
#[utoipa::path(tag = "deals", security(("bearer" = [])), responses(
    (status = 200, body = DataRoom), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
))]
#[get("/projects/{id}/data-room")]
async fn get_data_room(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<web::Json<DataRoom>, AppError> {
    let id = id.into_inner();
    let room = state
        .db
        .run(move |conn| data_room::data_room(conn, &user, &id))
        .await?;
    Ok(web::Json(room))
}

/// Accepts the region's NDA for the project, naming the version read (a verified investor's
/// people): the data room opens and the investor's deal moves to `nda_accepted`.
#[utoipa::path(tag = "deals", security(("bearer" = [])), request_body = AcceptInput, responses(
    (status = 200, body = DataRoom), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
))]
#[post("/projects/{id}/nda/accept")]
async fn accept(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    body: JsonBody<AcceptInput>,
) -> Result<web::Json<DataRoom>, AppError> {
    let id = id.into_inner();
    let room = state
        .db
        .write(move |conn| accept_nda(conn, &user, &id, body.0))
        .await?;
    Ok(web::Json(room))
}

/// Opens the project's data room to an investor without the click-through (the region's
/// officials and staff).
#[utoipa::path(tag = "deals", security(("bearer" = [])), request_body = GrantInput, responses(
    (status = 200, body = DataRoom), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[post("/projects/{id}/data-room/grants")]
async fn grant(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    body: JsonBody<GrantInput>,
) -> Result<web::Json<DataRoom>, AppError> {
    let id = id.into_inner();
    let room = state
        .db
        .write(move |conn| data_room::grant(conn, &user, &id, body.0))
        .await?;
    Ok(web::Json(room))
}

/// The region's NDA in force, for anyone signed in to read before accepting.
#[utoipa::path(tag = "deals", security(("bearer" = [])), responses(
    (status = 200, body = Nda), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
))]
#[get("/regions/{code}/nda")]
async fn get_nda(
    state: web::Data<AppState>,
    _user: AuthenticatedUser,
    code: web::Path<String>,
) -> Result<web::Json<Nda>, AppError> {
    let code = code.into_inner();
    let nda = state
        .db
        .run(move |conn| current_nda(conn, &code))
        .await?
        .ok_or_else(|| AppError::not_found("nda"))?;
    Ok(web::Json(nda))
}

/// Publishes a new version of the region's NDA (its officials and staff); acceptances of earlier
/// versions keep their rooms open.
#[utoipa::path(tag = "deals", security(("bearer" = [])), request_body = NdaInput, responses(
    (status = 200, body = Nda), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[put("/regions/{code}/nda")]
async fn set_nda(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    code: web::Path<String>,
    body: JsonBody<NdaInput>,
) -> Result<web::Json<Nda>, AppError> {
    let app = state.clone();
    let code = code.into_inner();
    let nda = state
        .db
        .write(move |conn| put_nda(conn, &app.catalogue, &user, &code, body.0))
        .await?;
    Ok(web::Json(nda))
}
