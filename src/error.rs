//! The one error type of the service.
//!
//! Handlers and domain functions return `AppError`. Each variant maps to an HTTP status and a
//! stable snake_case `code` that clients may rely on; the message is for people. Causes of
//! `Internal` and `Unavailable` are logged, never sent to the client.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, ResponseError, http::StatusCode};
use serde::Serialize;
use utoipa::ToSchema;

/// Field name → what is wrong with it.
pub type FieldErrors = BTreeMap<String, String>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The body or query is well-formed but its values break the rules (422).
    #[error("{message}")]
    Validation {
        message: String,
        fields: FieldErrors,
    },
    /// The request cannot be read: malformed JSON, wrong types, unknown fields (400).
    #[error("{message}")]
    BadRequest {
        code: &'static str,
        message: String,
        fields: FieldErrors,
    },
    /// No credentials, or credentials that are invalid or expired (401).
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller is known but may not do this (403).
    #[error("{0}")]
    Forbidden(String),
    /// No such object, or one the caller may not know exists (404).
    #[error("{0}")]
    NotFound(String),
    /// The request clashes with the current state: duplicate email, wrong workflow step (409).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// The body is larger than the server accepts (413).
    #[error("request body too large")]
    PayloadTooLarge,
    /// The body is not JSON (415).
    #[error("expected a JSON body (Content-Type: application/json)")]
    UnsupportedMediaType,
    /// The database cannot be reached in time (503).
    #[error("service temporarily unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// A fault on our side (500).
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// The JSON body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code, e.g. `validation_failed`, `not_found`.
    pub code: String,
    pub message: String,
    /// Field-level messages, keyed by the field's path in the request.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: FieldErrors,
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        AppError::Validation {
            message: format!("{field}: {message}"),
            fields: BTreeMap::from([(field.to_owned(), message)]),
        }
    }

    pub fn not_found(what: &str) -> Self {
        AppError::NotFound(format!("{what} not found"))
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            message: message.into(),
        }
    }

    /// The stable code clients see.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation { .. } => "validation_failed",
            AppError::BadRequest { code, .. } => code,
            AppError::Unauthenticated(_) => "unauthenticated",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict { code, .. } => code,
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::Unavailable(_) => "service_unavailable",
            AppError::Internal(_) => "internal_error",
        }
    }

    fn fields(&self) -> FieldErrors {
        match self {
            AppError::Validation { fields, .. } | AppError::BadRequest { fields, .. } => {
                fields.clone()
            }
            _ => FieldErrors::new(),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Internal(cause) => tracing::error!(error = ?cause, "internal error"),
            AppError::Unavailable(cause) => tracing::warn!(error = ?cause, "unavailable"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        if matches!(self, AppError::Unauthenticated(_)) {
            response.insert_header(("WWW-Authenticate", "Bearer"));
        }
        response.json(ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message: self.to_string(),
                fields: self.fields(),
            },
        })
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match error {
            Error::NotFound => AppError::NotFound("not found".into()),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => AppError::conflict(
                "already_exists",
                "an object with these values already exists",
            ),
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                AppError::Unavailable(error.into())
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        AppError::Unavailable(error.into())
    }
}
