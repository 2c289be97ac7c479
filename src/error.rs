//! The one error type of the service.
//!
//! Handlers and domain functions return `AppError`. Each variant maps to an HTTP status and a
//! stable snake_case `code` that clients may rely on; the message is for people. Causes of
//! `Internal` and `Unavailable` are logged, never sent to the client.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, ResponseError, http::StatusCode};
use serde::Serialize;
use strum::{AsRefStr, Display, EnumIter};
use utoipa::ToSchema;

/// Every code a client can find in `error.code`. The list is closed: a new code is a new
/// variant here, a row in docs/api.md and a line in both `locales/errors.*.toml` catalogues
/// (the tests below check all three).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, AsRefStr, Display, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum ErrorCode {
    // 400: the request cannot be read.
    MalformedJson,
    InvalidBody,
    InvalidQuery,
    InvalidRequest,
    UnreadableBody,
    UnsupportedFileType,
    // 401, 403, 404, 405.
    Unauthenticated,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    // 409: the request clashes with the current state.
    AlreadyExists,
    AlreadyRegistered,
    AnswerLinkExpired,
    AnswerLinkUsed,
    AwaitingOtherParty,
    EmailTaken,
    EventWithoutSlots,
    InvalidDealStep,
    InvalidTransition,
    JobInProgress,
    MandateRequired,
    MeetingCancelled,
    MeetingDoesNotFit,
    MeetingNotOver,
    NdaMissing,
    NdaOutdated,
    NotDead,
    ProjectNotEditable,
    ProjectNotPublished,
    RegistrationClosed,
    RequestExists,
    RequestExpired,
    RequestNotOpen,
    RequestNotPending,
    RequestsClosed,
    TooManySavedSearches,
    // 413, 414, 415, 422, 429, 431, 500, 503.
    PayloadTooLarge,
    FileTooLarge,
    UriTooLong,
    UnsupportedMediaType,
    ValidationFailed,
    RateLimited,
    HeaderFieldsTooLarge,
    InternalError,
    ServiceUnavailable,
}

impl ErrorCode {
    /// The HTTP status every answer with this code carries.
    pub fn status(self) -> StatusCode {
        use ErrorCode::*;
        match self {
            MalformedJson | InvalidBody | InvalidQuery | InvalidRequest | UnreadableBody
            | UnsupportedFileType => StatusCode::BAD_REQUEST,
            Unauthenticated => StatusCode::UNAUTHORIZED,
            Forbidden => StatusCode::FORBIDDEN,
            NotFound => StatusCode::NOT_FOUND,
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AlreadyExists | AlreadyRegistered | AnswerLinkExpired | AnswerLinkUsed
            | AwaitingOtherParty | EmailTaken | EventWithoutSlots | InvalidDealStep
            | InvalidTransition | JobInProgress | MandateRequired | MeetingCancelled
            | MeetingDoesNotFit | MeetingNotOver | NdaMissing | NdaOutdated | NotDead
            | ProjectNotEditable | ProjectNotPublished | RegistrationClosed | RequestExists
            | RequestExpired | RequestNotOpen | RequestNotPending | RequestsClosed
            | TooManySavedSearches => StatusCode::CONFLICT,
            PayloadTooLarge | FileTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            UriTooLong => StatusCode::URI_TOO_LONG,
            UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ValidationFailed => StatusCode::UNPROCESSABLE_ENTITY,
            RateLimited => StatusCode::TOO_MANY_REQUESTS,
            HeaderFieldsTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            InternalError => StatusCode::INTERNAL_SERVER_ERROR,
            ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

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
        code: ErrorCode,
        message: String,
        fields: FieldErrors,
    },
    /// The request as such is refused before any handler reads it: a method the address does
    /// not take (405), an address or headers too long (414, 431), or what else the HTTP layer
    /// refuses; the status is the code's.
    #[error("{message}")]
    Request { code: ErrorCode, message: String },
    /// An uploaded file refused for what it holds: a type its kind does not take (400
    /// `unsupported_file_type`) or more bytes than allowed (413 `file_too_large`); the status is
    /// the code's.
    #[error("{message}")]
    FileRefused { code: ErrorCode, message: String },
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
    Conflict { code: ErrorCode, message: String },
    /// Too many requests of one kind from one account or address within the limit's window
    /// (429); `retry_after` is how many seconds until the next one is taken.
    #[error("too many requests; try again in {retry_after} seconds")]
    RateLimited { retry_after: u64 },
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
    #[schema(value_type = BTreeMap<String, String>)]
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

    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            message: message.into(),
        }
    }

    /// The stable code clients see.
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Validation { .. } => ErrorCode::ValidationFailed,
            AppError::BadRequest { code, .. }
            | AppError::Conflict { code, .. }
            | AppError::Request { code, .. }
            | AppError::FileRefused { code, .. } => *code,
            AppError::Unauthenticated(_) => ErrorCode::Unauthenticated,
            AppError::Forbidden(_) => ErrorCode::Forbidden,
            AppError::NotFound(_) => ErrorCode::NotFound,
            AppError::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            AppError::RateLimited { .. } => ErrorCode::RateLimited,
            AppError::UnsupportedMediaType => ErrorCode::UnsupportedMediaType,
            AppError::Unavailable(_) => ErrorCode::ServiceUnavailable,
            AppError::Internal(_) => ErrorCode::InternalError,
        }
    }

    /// The fields the error names (a refusal of the input), each with what is wrong with it.
    pub fn fields(&self) -> FieldErrors {
        match self {
            AppError::Validation { fields, .. } | AppError::BadRequest { fields, .. } => {
                fields.clone()
            }
            _ => FieldErrors::new(),
        }
    }
}

/// The problems of one input, gathered check by check so that one answer names them all:
/// a form with three mistakes needs one submission, not three.
#[derive(Debug, Default)]
pub struct FieldChecks {
    fields: FieldErrors,
    /// The first error that is not about the input's fields; it wins over them.
    other: Option<AppError>,
}

impl FieldChecks {
    pub fn new() -> Self {
        Self::default()
    }

    /// What a check gave when it passed; when it failed, none, and its problems are kept.
    pub fn take<T>(&mut self, outcome: Result<T, AppError>) -> Option<T> {
        match outcome {
            Ok(value) => Some(value),
            Err(AppError::Validation { fields, .. }) => {
                for (field, message) in fields {
                    self.add(&field, message);
                }
                None
            }
            Err(other) => {
                self.other.get_or_insert(other);
                None
            }
        }
    }

    /// Notes a problem with `field`; a field keeps the first problem found with it.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.fields
            .entry(field.to_owned())
            .or_insert_with(|| message.into());
    }

    /// Whether `field` has a problem: a check that builds on its value is skipped.
    pub fn has(&self, field: &str) -> bool {
        self.fields.contains_key(field)
    }

    /// `checked` when every check passed; else one `Validation` error naming every problem,
    /// its message joining them. `checked` is none only when a check failed.
    pub fn finish<T>(self, checked: Option<T>) -> Result<T, AppError> {
        if let Some(other) = self.other {
            return Err(other);
        }
        if self.fields.is_empty() {
            return checked.ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("a check failed without naming a field"))
            });
        }
        let message = self
            .fields
            .iter()
            .map(|(field, message)| format!("{field}: {message}"))
            .collect::<Vec<_>>()
            .join("; ");
        Err(AppError::Validation {
            message,
            fields: self.fields,
        })
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.code().status()
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
        if let AppError::RateLimited { retry_after } = self {
            response.insert_header((
                actix_web::http::header::RETRY_AFTER,
                retry_after.to_string(),
            ));
        }
        response.json(ErrorBody {
            error: ErrorDetail {
                code: self.code().to_string(),
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
                ErrorCode::AlreadyExists,
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use strum::IntoEnumIterator;

    use super::*;

    /// The `| `code` | status | meaning |` rows of docs/api.md's table of error codes.
    fn documented() -> BTreeSet<(String, u16)> {
        let doc = include_str!("../docs/api.md");
        let table = doc
            .split("## Error codes")
            .nth(1)
            .expect("docs/api.md has a section ## Error codes");
        table
            .lines()
            .filter_map(|line| {
                let mut cells = line.strip_prefix("| `")?.split('|');
                let code = cells.next()?.trim().trim_end_matches('`');
                let status = cells.next()?.trim().parse().ok()?;
                Some((code.to_owned(), status))
            })
            .collect()
    }

    /// The keys of the `[error_code]` table of a catalogue.
    fn explained(catalogue: &str) -> BTreeSet<String> {
        let parsed: toml::Table = catalogue.parse().expect("a catalogue is TOML");
        parsed
            .get("error_code")
            .and_then(toml::Value::as_table)
            .expect("the catalogue has an [error_code] table")
            .keys()
            .cloned()
            .collect()
    }

    #[test]
    fn docs_list_every_code_with_its_status_and_nothing_else() {
        let codes: BTreeSet<(String, u16)> = ErrorCode::iter()
            .map(|code| (code.to_string(), code.status().as_u16()))
            .collect();
        assert_eq!(documented(), codes);
    }

    #[test]
    fn both_languages_explain_every_code_and_nothing_else() {
        let codes: BTreeSet<String> = ErrorCode::iter().map(|code| code.to_string()).collect();
        assert_eq!(
            explained(include_str!("../locales/errors.en.toml")),
            codes,
            "English"
        );
        assert_eq!(
            explained(include_str!("../locales/errors.id.toml")),
            codes,
            "Indonesian"
        );
    }

    #[test]
    fn every_kind_of_error_answers_with_its_codes_status() {
        let errors = [
            AppError::validation("name", "is empty"),
            AppError::Unauthenticated("no token".into()),
            AppError::Forbidden("no".into()),
            AppError::not_found("project"),
            AppError::conflict(ErrorCode::EmailTaken, "taken"),
            AppError::Request {
                code: ErrorCode::MethodNotAllowed,
                message: "no".into(),
            },
            AppError::PayloadTooLarge,
            AppError::FileRefused {
                code: ErrorCode::FileTooLarge,
                message: "too large".into(),
            },
            AppError::RateLimited { retry_after: 60 },
            AppError::UnsupportedMediaType,
            AppError::Unavailable(anyhow::anyhow!("down")),
            AppError::Internal(anyhow::anyhow!("bug")),
        ];
        for error in errors {
            assert_eq!(error.status_code(), error.code().status(), "{error:?}");
        }
        assert_eq!(ErrorCode::EmailTaken.to_string(), "email_taken");
    }

    #[test]
    fn checks_name_every_problem_at_once_keeping_each_fields_first() {
        let mut checks = FieldChecks::new();
        assert_eq!(checks.take(Ok::<_, AppError>(7)), Some(7));
        assert_eq!(
            checks.take::<i32>(Err(AppError::validation("region", "is unknown"))),
            None
        );
        checks.add("value", "must be more than zero");
        checks.add("region", "a second problem");
        assert!(checks.has("region") && !checks.has("title"));
        match checks.finish(Some(())) {
            Err(AppError::Validation { message, fields }) => {
                assert_eq!(message, "region: is unknown; value: must be more than zero");
                assert_eq!(fields.len(), 2);
                assert_eq!(fields["region"], "is unknown");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(FieldChecks::new().finish(Some(3)).ok(), Some(3));
    }

    #[test]
    fn an_error_about_no_field_wins_over_the_field_problems() {
        let mut checks = FieldChecks::new();
        checks.add("name", "is empty");
        checks.take::<()>(Err(AppError::not_found("event")));
        assert!(matches!(
            checks.finish(Some(())),
            Err(AppError::NotFound(_))
        ));
    }

    #[test]
    fn a_rate_limited_answer_says_when_to_come_back() {
        let response = AppError::RateLimited { retry_after: 42 }.error_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            response.headers().get("Retry-After").map(|v| v.as_bytes()),
            Some(&b"42"[..])
        );
    }
}
