//! A project's photos and documents on the pages: the panel of the officials' project page
//! (the upload form, the list with delete buttons) and of the opportunity page, and the
//! downloads both link to. Uploads and downloads go through the same service as the API.

use actix_web::{HttpRequest, web};

use super::i18n::Lang;
use super::session::{Officials, Signed, Visitor};
use super::{PageResult, localized, see_other};
use crate::auth::AuthenticatedUser;
use crate::error::AppError;
use crate::services::files::{self, FileKind, Part, ProjectFile};
use crate::state::AppState;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/my-projects/{id}/files", web::post().to(upload))
        .route(
            "/my-projects/{id}/files/{file_id}/delete",
            web::post().to(remove),
        )
        .route(
            "/opportunities/{id}/files/{file_id}",
            web::get().to(download),
        )
        .route(
            "/opportunities/{id}/files/{file_id}/thumbnail",
            web::get().to(thumbnail),
        );
}

/// A file as the panel lists it.
pub struct Shown {
    pub id: String,
    pub title: String,
    pub file_name: String,
    /// The size as people read it (`2.4 MB`).
    pub size: String,
    pub confidential: bool,
    pub thumbnail: bool,
}

/// What `templates/partials/project_files.html` shows of a project's files.
pub struct Panel {
    /// Where the files are downloaded from: `/opportunities/{id}/files`.
    pub downloads: String,
    /// Where the upload form and delete buttons post to: `/my-projects/{id}/files`.
    pub manage: String,
    /// Whether to offer the upload form and the delete buttons.
    pub managed_here: bool,
    pub photos: Vec<Shown>,
    pub documents: Vec<Shown>,
    /// The limits of the upload form, in the page's language.
    pub limits: String,
}

/// The panel of `project_id` for `viewer`: the files it may see, with the upload form and delete
/// buttons when `manage_page` is the officials' page and the viewer may manage them.
pub(crate) async fn panel(
    state: &AppState,
    viewer: Option<&AuthenticatedUser>,
    project_id: &str,
    lang: Lang,
    manage_page: bool,
) -> Result<Panel, AppError> {
    let (viewer, id) = (viewer.cloned(), project_id.to_owned());
    let list = state
        .db
        .run(move |conn| files::list(conn, viewer.as_ref(), &id))
        .await?;
    let shown = |file: &ProjectFile| Shown {
        id: file.id.clone(),
        title: localized(lang, &file.title),
        file_name: file.file_name.clone(),
        size: size_text(file.size_bytes),
        confidential: file.confidential,
        thumbnail: file.has_thumbnail,
    };
    let (photos, documents): (Vec<_>, Vec<_>) = list
        .items
        .iter()
        .partition(|file| file.kind == FileKind::Photo);
    let storage = &state.settings.storage;
    Ok(Panel {
        downloads: format!("/opportunities/{project_id}/files"),
        manage: format!("/my-projects/{project_id}/files"),
        managed_here: manage_page && list.may_manage,
        photos: photos.into_iter().map(shown).collect(),
        documents: documents.into_iter().map(shown).collect(),
        limits: lang
            .t("files.limits")
            .replace("{photo}", &storage.max_photo_mb.to_string())
            .replace("{document}", &storage.max_file_mb.to_string()),
    })
}

/// `bytes` in kB or MB, one decimal for MB.
fn size_text(bytes: i64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    } else {
        format!("{} kB", (bytes + 999) / 1000)
    }
}

/// Adds the uploaded file (the form's `multipart/form-data`) and goes back to the project page;
/// a refused file is answered with the error page saying why.
async fn upload(
    Signed { user, .. }: Signed<Officials>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> PageResult {
    crate::upload::project_file(&state, &user, &id, &req, payload).await?;
    Ok(see_other(&format!("/my-projects/{id}#files")).finish())
}

async fn remove(
    Signed { user, .. }: Signed<Officials>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (id, file_id) = path.into_inner();
    files::delete(&state, &user, &id, &file_id).await?;
    Ok(see_other(&format!("/my-projects/{id}#files")).finish())
}

async fn download(
    visitor: Visitor,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> PageResult {
    send(visitor, &state, path.into_inner(), Part::Content).await
}

async fn thumbnail(
    visitor: Visitor,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> PageResult {
    send(visitor, &state, path.into_inner(), Part::Thumbnail).await
}

async fn send(
    visitor: Visitor,
    state: &AppState,
    (id, file_id): (String, String),
    part: Part,
) -> PageResult {
    let found = files::download(state, visitor.0.as_ref(), &id, &file_id, part).await?;
    Ok(crate::download::project_file(found))
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(super::size_text(1), "1 kB");
        assert_eq!(super::size_text(48_200), "49 kB");
        assert_eq!(super::size_text(2_400_000), "2.4 MB");
    }
}
