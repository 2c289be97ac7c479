//! Enquiries between investors and regions.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::JsonBody;
use crate::auth::AuthenticatedUser;
use crate::error::{AppError, ErrorBody};
use crate::services::conversations::{self, Conversation, MessageInput, StartInput};
use crate::state::AppState;

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(list_conversations)
        .service(start_conversation)
        .service(get_conversation)
        .service(post_message);
}

/// Which conversations a list holds.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ConversationQuery {
    /// Only those about this project.
    project_id: Option<String>,
}

/// The caller's conversations (its organisation's, its region's, all for staff), the latest
/// first, each with the number of messages the caller has not read.
#[utoipa::path(tag = "conversations", security(("bearer" = [])), params(ConversationQuery), responses(
    (status = 200, body = Vec<Conversation>), (status = 401, body = ErrorBody),
))]
#[get("/conversations")]
async fn list_conversations(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    query: web::Query<ConversationQuery>,
) -> Result<web::Json<Vec<Conversation>>, AppError> {
    let app = state.clone();
    let about = query.into_inner().project_id;
    let found = state
        .db
        .run(move |conn| conversations::list(conn, &app, &user, about.as_deref()))
        .await?;
    Ok(web::Json(found))
}

/// An investor asks a region about a published project (or about the region): the region's
/// officials are told. Counts against the caller's message limit.
#[utoipa::path(tag = "conversations", security(("bearer" = [])), request_body = StartInput, responses(
    (status = 201, body = Conversation), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody),
))]
#[post("/conversations")]
async fn start_conversation(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    body: JsonBody<StartInput>,
) -> Result<HttpResponse, AppError> {
    let started = conversations::start(&state, user, body.0).await?;
    Ok(HttpResponse::Created().json(started))
}

/// One conversation with its messages, marked read for the caller.
#[utoipa::path(tag = "conversations", security(("bearer" = [])), responses(
    (status = 200, body = Conversation), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
))]
#[get("/conversations/{id}")]
async fn get_conversation(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<web::Json<Conversation>, AppError> {
    let app = state.clone();
    let id = id.into_inner();
    let found = state
        .db
        .write(move |conn| conversations::open(conn, &app, &user, &id))
        .await?;
    Ok(web::Json(found))
}

/// Writes in the conversation (its investor's people or its region's officials); the other side
/// is told, by email at most once every `email.conversation_gap_minutes`.
#[utoipa::path(tag = "conversations", security(("bearer" = [])), request_body = MessageInput, responses(
    (status = 200, body = Conversation), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
    (status = 429, body = ErrorBody),
))]
#[post("/conversations/{id}/messages")]
async fn post_message(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    body: JsonBody<MessageInput>,
) -> Result<web::Json<Conversation>, AppError> {
    let posted = conversations::post(&state, user, id.into_inner(), body.0).await?;
    Ok(web::Json(posted))
}
