//! Registrations waiting for staff approval, at events that ask for it: approved from the
//! event's page, or turned down.

use super::*;

pub(super) fn config(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/events/{id}/applications/{participant}/approve",
        web::post().to(approve),
    )
    .route(
        "/events/{id}/applications/{participant}/turn-down",
        web::post().to(turn_down),
    );
}

async fn approve(
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (event_id, participant) = path.into_inner();
    let event = event_id.clone();
    state
        .db
        .write(move |conn| events_service::approve(conn, &user, &event, &participant))
        .await?;
    Ok(see_other(&format!("/events/{event_id}?done=approved#applications")).finish())
}

async fn turn_down(
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (event_id, participant) = path.into_inner();
    let event = event_id.clone();
    state
        .db
        .write(move |conn| events_service::turn_down(conn, &user, &event, &participant))
        .await?;
    Ok(see_other(&format!("/events/{event_id}?done=turned_down#applications")).finish())
}
