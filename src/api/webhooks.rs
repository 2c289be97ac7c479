//! Webhook subscriptions of partner systems (administrators).

use actix_web::{HttpResponse, delete, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::JsonBody;
use crate::auth::AuthenticatedUser;
use crate::error::{AppError, ErrorBody};
use crate::services::webhooks::{
    Subscription, SubscriptionInput, subscribe, subscriptions, unsubscribe,
};
use crate::state::AppState;

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(list_subscriptions)
        .service(create_subscription)
        .service(delete_subscription);
}

#[utoipa::path(tag = "notifications", security(("bearer" = [])), request_body = SubscriptionInput, responses(
    (status = 201, body = Subscription), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[post("/admin/webhooks")]
async fn create_subscription(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    body: JsonBody<SubscriptionInput>,
) -> Result<HttpResponse, AppError> {
    let created = subscribe(&state, &user, body.0).await?;
    Ok(HttpResponse::Created().json(created))
}

#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses(
    (status = 200, body = Vec<Subscription>), (status = 403, body = ErrorBody),
))]
#[get("/admin/webhooks")]
async fn list_subscriptions(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
) -> Result<web::Json<Vec<Subscription>>, AppError> {
    Ok(web::Json(subscriptions(&state, &user).await?))
}

#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses(
    (status = 204, description = "Deleted, with its undelivered events"), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody),
))]
#[delete("/admin/webhooks/{id}")]
async fn delete_subscription(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    unsubscribe(&state, &user, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
