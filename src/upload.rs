//! A project file's upload (`multipart/form-data`) as both faces read it. The small text fields
//! come first (`kind`, `confidential`, `title_id`, `title_en`), each read whole up to
//! [`MAX_FIELD_BYTES`]; the `file` part comes last and is handed to the service as it arrives,
//! so that a document is never held whole. Whatever follows `file` is not read.

use std::collections::HashMap;

use actix_multipart::{Multipart, MultipartError};
use actix_web::{HttpMessage, HttpRequest, web};
use futures_util::StreamExt;

use crate::auth::AuthenticatedUser;
use crate::error::{AppError, ErrorCode, FieldErrors};
use crate::services::files::{self, FileDetails, ProjectFile};
use crate::state::AppState;

/// The text fields the form takes before `file`.
pub const FIELDS: [&str; 4] = ["kind", "confidential", "title_id", "title_en"];

/// The largest text field, in bytes: a title of 200 characters fits four times over.
pub const MAX_FIELD_BYTES: usize = 4096;

/// Stores the uploaded file of the form in `payload` for `user`, once the caller is known to
/// be allowed: a refused caller's upload is not read at all.
pub async fn project_file(
    state: &AppState,
    user: &AuthenticatedUser,
    project_id: &str,
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<ProjectFile, AppError> {
    let target = files::upload_target(state, user, project_id).await?;
    let multipart = req
        .mime_type()
        .ok()
        .flatten()
        .is_some_and(|m| m.essence_str() == "multipart/form-data");
    if !multipart {
        return Err(AppError::Request {
            code: ErrorCode::UnsupportedMediaType,
            message: "expected a multipart/form-data body".into(),
        });
    }
    let mut parts = Multipart::new(req.headers(), payload);
    let mut fields: HashMap<&'static str, String> = HashMap::new();
    while let Some(part) = parts.next().await {
        let mut part = part.map_err(unreadable)?;
        let name = part.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file_name = part
                .content_disposition()
                .and_then(|d| d.get_filename())
                .map(str::to_owned);
            let field = |name: &str| fields.get(name).map(String::as_str);
            let details = FileDetails::parse(
                field("kind"),
                field("confidential"),
                field("title_id"),
                field("title_en"),
                file_name.as_deref(),
            )?;
            let content = part.map(|chunk| chunk.map_err(unreadable));
            return files::upload(state, user, target, details, content).await;
        }
        let Some(&known) = FIELDS.iter().find(|f| **f == name) else {
            return Err(invalid(
                &name,
                "is not a field of this form (kind, confidential, title_id, title_en, file)",
            ));
        };
        let mut value = Vec::new();
        while let Some(chunk) = part.next().await {
            value.extend_from_slice(&chunk.map_err(unreadable)?);
            if value.len() > MAX_FIELD_BYTES {
                return Err(AppError::validation(
                    known,
                    format!("must be at most {MAX_FIELD_BYTES} bytes"),
                ));
            }
        }
        let value = String::from_utf8(value)
            .map_err(|_| AppError::validation(known, "must be UTF-8 text"))?;
        if fields.insert(known, value).is_some() {
            return Err(invalid(known, "is given twice"));
        }
    }
    Err(AppError::validation(
        "file",
        "is missing: send it as the last part of the form",
    ))
}

fn unreadable(e: MultipartError) -> AppError {
    AppError::BadRequest {
        code: ErrorCode::UnreadableBody,
        message: format!("the form cannot be read: {e}"),
        fields: FieldErrors::new(),
    }
}

fn invalid(field: &str, message: &str) -> AppError {
    let field = crate::domain::text::shown_name(field);
    AppError::BadRequest {
        code: ErrorCode::InvalidBody,
        message: format!("{field}: {message}"),
        fields: FieldErrors::from([(field, message.to_owned())]),
    }
}
