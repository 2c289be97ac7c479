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
    decide(user, state, path.into_inner(), true).await
}

async fn turn_down(
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> PageResult {
    decide(user, state, path.into_inner(), false).await
}

/// Approves the registration (or turns it down) and goes back to the event's applications.
async fn decide(
    user: AuthenticatedUser,
    state: web::Data<AppState>,
    (event_id, participant): (String, String),
    approve: bool,
) -> PageResult {
    let event = event_id.clone();
    state
        .db
        .write(move |conn| {
            if approve {
                events_service::approve(conn, &user, &event, &participant).map(drop)
            } else {
                events_service::turn_down(conn, &user, &event, &participant)
            }
        })
        .await?;
    let done = if approve { "approved" } else { "turned_down" };
    Ok(see_other(&format!("/events/{event_id}?done={done}#applications")).finish())
}
