//! Liveness and readiness probes.

use actix_web::{HttpResponse, get, web};
use diesel::connection::SimpleConnection;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::{AppError, ErrorBody};
use crate::state::AppState;

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(healthz).service(readyz);
}

/// The process is up.
#[utoipa::path(tag = "health", responses((status = 200, description = "alive")))]
#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// The database answers.
#[utoipa::path(tag = "health", responses(
    (status = 200, description = "ready"),
    (status = 503, description = "database unreachable", body = ErrorBody),
))]
#[get("/readyz")]
async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    state
        .db
        .run(|conn| {
            conn.batch_execute("SELECT 1")
                .map_err(|e| AppError::Unavailable(e.into()))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .json(serde_json::json!({"status": "ready", "database": state.db.backend_name()})))
}
