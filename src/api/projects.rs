//! Projects (investment opportunities): publishing by regions, review by staff, discovery by all.

use actix_web::{HttpResponse, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::JsonBody;
use crate::auth::{AuthenticatedUser, MaybeUser};
use crate::domain::project::Transition;
use crate::error::{AppError, ErrorBody};
use crate::services::projects::{
    Project, ProjectInput, ProjectQuery, ProjectUpdate, ReviewComment, Search, apply_transition,
    create_draft, load_visible, update,
};
use crate::services::{Page, paging};
use crate::state::AppState;
use crate::throttle::ClientAddress;

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(list_projects)
        .service(create_project)
        .service(get_project)
        .service(update_project)
        .service(submit_project)
        .service(publish_project)
        .service(request_changes)
        .service(close_project);
}

/// Creates a project as a draft (the region's officials and staff).
#[utoipa::path(tag = "projects", security(("bearer" = [])), request_body = ProjectInput, responses(
    (status = 201, body = Project), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 422, body = ErrorBody),
))]
#[post("/projects")]
async fn create_project(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    body: JsonBody<ProjectInput>,
) -> Result<HttpResponse, AppError> {
    let catalogue = state.catalogue.clone();
    let project = state
        .db
        .write(move |conn| create_draft(conn, &catalogue, &user, body.0))
        .await?;
    Ok(HttpResponse::Created().json(project))
}

/// One project. Drafts and submissions are visible only to their region and staff.
#[utoipa::path(tag = "projects", security((), ("bearer" = [])), responses(
    (status = 200, body = Project), (status = 404, body = ErrorBody),
))]
#[get("/projects/{id}")]
async fn get_project(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<String>,
) -> Result<web::Json<Project>, AppError> {
    let id = id.into_inner();
    let catalogue = state.catalogue.clone();
    let (project, _) = state
        .db
        .run(move |conn| load_visible(conn, &catalogue, user.0.as_ref(), &id))
        .await?;
    Ok(web::Json(project))
}

/// Changes a project (its region's officials while it is a draft; staff at any time).
#[utoipa::path(tag = "projects", security(("bearer" = [])), request_body = ProjectUpdate, responses(
    (status = 200, body = Project), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[patch("/projects/{id}")]
async fn update_project(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    body: JsonBody<ProjectUpdate>,
) -> Result<web::Json<Project>, AppError> {
    let id = id.into_inner();
    let change = body.0;
    let catalogue = state.catalogue.clone();
    let project = state
        .db
        .write(move |conn| update(conn, &catalogue, &user, &id, change))
        .await?;
    Ok(web::Json(project))
}

async fn transition(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: String,
    step: Transition,
    comment: Option<String>,
) -> Result<web::Json<Project>, AppError> {
    let catalogue = state.catalogue.clone();
    let project = state
        .db
        .write(move |conn| apply_transition(conn, &catalogue, &user, &id, step, comment))
        .await?;
    Ok(web::Json(project))
}

/// Submits a draft for review (the region's officials or staff).
#[utoipa::path(tag = "projects", security(("bearer" = [])), responses(
    (status = 200, body = Project), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
))]
#[post("/projects/{id}/submit")]
async fn submit_project(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<web::Json<Project>, AppError> {
    transition(state, user, id.into_inner(), Transition::Submit, None).await
}

/// Publishes a submitted project (staff).
#[utoipa::path(tag = "projects", security(("bearer" = [])), request_body(content = Option<ReviewComment>), responses(
    (status = 200, body = Project), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
))]
#[post("/projects/{id}/publish")]
async fn publish_project(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    body: Option<JsonBody<ReviewComment>>,
) -> Result<web::Json<Project>, AppError> {
    let comment = body.and_then(|b| b.0.comment);
    transition(state, user, id.into_inner(), Transition::Publish, comment).await
}

/// Sends a submitted project back to its region as a draft, with a comment (staff).
#[utoipa::path(tag = "projects", security(("bearer" = [])), request_body = ReviewComment, responses(
    (status = 200, body = Project), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[post("/projects/{id}/request-changes")]
async fn request_changes(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    body: JsonBody<ReviewComment>,
) -> Result<web::Json<Project>, AppError> {
    transition(
        state,
        user,
        id.into_inner(),
        Transition::RequestChanges,
        body.0.comment,
    )
    .await
}

/// Closes a published project (the region's officials or staff).
#[utoipa::path(tag = "projects", security(("bearer" = [])), responses(
    (status = 200, body = Project), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
))]
#[post("/projects/{id}/close")]
async fn close_project(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<web::Json<Project>, AppError> {
    transition(state, user, id.into_inner(), Transition::Close, None).await
}

/// Projects, filtered, searched, sorted and paginated.
#[utoipa::path(tag = "projects", security((), ("bearer" = [])), params(ProjectQuery), responses(
    (status = 200, body = Page<Project>), (status = 400, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 422, body = ErrorBody),
    (status = 429, body = ErrorBody, description = "Over a rate limit; Retry-After says when to try again"),
))]
#[get("/projects")]
async fn list_projects(
    state: web::Data<AppState>,
    user: MaybeUser,
    client: ClientAddress,
    query: web::Query<ProjectQuery>,
) -> Result<web::Json<Page<Project>>, AppError> {
    let query = query.into_inner();
    let (page, per_page, offset) = paging(query.page, query.per_page)?;
    let search = Search::from_query(&state.catalogue, user.0.as_ref(), &query)?;
    search.count_against(&state.throttle, user.0.as_ref(), &client)?;
    let catalogue = state.catalogue.clone();
    let viewer = user.0;
    let (items, total) = state
        .db
        .run(move |conn| search.run(conn, &catalogue, viewer.as_ref(), offset, per_page))
        .await?;
    Ok(web::Json(Page {
        items,
        total,
        page,
        per_page,
    }))
}
