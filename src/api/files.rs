//! A project's photos and documents: uploaded by its region and staff, listed and downloaded
//! by whoever may see the project; confidential documents (the data room) only by the region
//! and staff.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{AuthenticatedUser, MaybeUser};
use crate::error::{AppError, ErrorBody};
use crate::services::files::{self, FileKind, FileList, Part, ProjectFile};
use crate::state::AppState;

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(upload_file)
        .service(list_files)
        .service(download_file)
        .service(download_thumbnail)
        .service(delete_file);
}

/// The upload form. The parts are read in order and `file` must be the last: the fields before
/// it say what the file is, and the file itself is streamed to the store as it arrives.
#[derive(Serialize, ToSchema)]
pub struct UploadForm {
    pub kind: FileKind,
    /// Documents only: a data room document, for the region and staff alone.
    pub confidential: Option<bool>,
    /// The caption (photo) or title (document) in Indonesian; this or `title_en` must be given.
    pub title_id: Option<String>,
    /// The caption or title in English.
    pub title_en: Option<String>,
    /// The file, with its name in the part's `filename`. Its type is read from its content:
    /// photos JPEG, PNG or WebP (at most `storage.max_photo_mb`, re-encoded without metadata),
    /// documents PDF, XLSX, DOCX or ZIP (at most `storage.max_file_mb`).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// Adds a photo or a document to a project (its region's officials and staff, at any status).
#[utoipa::path(tag = "files", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = ProjectFile),
        (status = 400, body = ErrorBody, description = "`unsupported_file_type`: the content is not a type the kind takes; or the form cannot be read"),
        (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody, description = "`file_too_large`: the file is over its kind's limit; nothing of it is kept"),
        (status = 415, body = ErrorBody, description = "`unsupported_media_type`: the body is not multipart/form-data"),
        (status = 503, body = ErrorBody, description = "`service_unavailable`: the database or the file store could not be reached"),
))]
#[post("/projects/{id}/files")]
async fn upload_file(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let file = crate::upload::project_file(&state, &user, &id, &req, payload).await?;
    Ok(HttpResponse::Created().json(file))
}

/// The project's files the caller may see: everything for its region and staff; photos and
/// documents outside the data room for everyone who may see the project.
#[utoipa::path(tag = "files", security((), ("bearer" = [])), responses(
    (status = 200, body = FileList),
))]
#[get("/projects/{id}/files")]
async fn list_files(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<String>,
) -> Result<web::Json<FileList>, AppError> {
    let id = id.into_inner();
    let list = state
        .db
        .run(move |conn| files::list(conn, user.0.as_ref(), &id))
        .await?;
    Ok(web::Json(list))
}

/// A file's bytes, of its detected type: a document as an attachment, a photo inline. A data
/// room document is not found for those who may not open it; each opening by someone outside
/// the region is recorded.
#[utoipa::path(tag = "files", security((), ("bearer" = [])), responses(
    (status = 200, description = "The file", content(
        ("application/pdf"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("application/zip"),
        ("image/jpeg"),
        ("image/png"),
        ("image/webp"),
    )),
    (status = 503, body = ErrorBody, description = "`service_unavailable`: the database or the file store could not be reached"),
))]
#[get("/projects/{id}/files/{file_id}")]
async fn download_file(
    state: web::Data<AppState>,
    user: MaybeUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, file_id) = path.into_inner();
    let download = files::download(&state, user.0.as_ref(), &id, &file_id, Part::Content).await?;
    Ok(crate::download::project_file(download))
}

/// A photo's thumbnail (`storage.thumbnail_width` wide), in the photo's type.
#[utoipa::path(tag = "files", security((), ("bearer" = [])), responses(
    (status = 200, description = "The thumbnail", content(("image/jpeg"), ("image/png"), ("image/webp"))),
    (status = 503, body = ErrorBody, description = "`service_unavailable`: the database or the file store could not be reached"),
))]
#[get("/projects/{id}/files/{file_id}/thumbnail")]
async fn download_thumbnail(
    state: web::Data<AppState>,
    user: MaybeUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, file_id) = path.into_inner();
    let download = files::download(&state, user.0.as_ref(), &id, &file_id, Part::Thumbnail).await?;
    Ok(crate::download::project_file(download))
}

/// Removes a file and its stored bytes (the region's officials and staff).
#[utoipa::path(tag = "files", security(("bearer" = [])), responses(
    (status = 204), (status = 403, body = ErrorBody),
))]
#[delete("/projects/{id}/files/{file_id}")]
async fn delete_file(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, file_id) = path.into_inner();
    files::delete(&state, &user, &id, &file_id).await?;
    Ok(HttpResponse::NoContent().finish())
}
