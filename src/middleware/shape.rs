//! Every error in the shape of the face that answers it: the JSON error body (with its stable
//! `code`) for the API, the error page in the visitor's language for people.
//!
//! Handlers answer their errors in shape already. What this layer catches is what arrives
//! otherwise: the plain-text or empty answers of actix-web's own refusals (a body over its limit,
//! a form or query that does not parse, a refused cross-origin preflight), errors raised by the
//! middleware below it, and the API's JSON errors that a page's extractor raised. The middleware
//! below answer their refusals (`req.error_response`) rather than raise them: a raised error
//! reaches this layer without its request, and is left to actix-web (its JSON body).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::error::{AppError, ErrorCode, FieldErrors};

/// How the pages draw an error: given by the composition root, which alone knows the pages.
#[derive(Clone, Copy)]
pub struct ErrorPages(pub fn(&HttpRequest, &AppError) -> HttpResponse);

/// Whether the address belongs to the API (JSON), rather than to the pages.
pub fn is_api(path: &str) -> bool {
    path == "/api"
        || path.starts_with("/api/")
        || path == "/healthz"
        || path == "/readyz"
        || path.starts_with("/calendar/")
}

/// Redraws an error answer that is not in its face's shape.
pub async fn shape_errors(
    pages: web::Data<ErrorPages>,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // The request is not held across the call: routing needs it unshared.
    let response = next.call(req).await?.map_into_boxed_body();
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return Ok(response);
    }
    let api = is_api(response.request().path());
    let wanted = if api { "application/json" } else { "text/html" };
    if essence(response.headers()).as_deref() == Some(wanted) {
        return Ok(response);
    }
    let (request, response) = response.into_parts();
    let cause = response.error();
    let raised = cause.and_then(|e| e.as_error::<AppError>());
    let made;
    let error = match raised {
        Some(error) => error,
        None => {
            let said = cause.map_or_else(String::new, ToString::to_string);
            match error_of(status, said) {
                Some(error) => {
                    made = error;
                    &made
                }
                None => return Ok(ServiceResponse::new(request, response)),
            }
        }
    };
    let mut shaped = if api {
        error.error_response()
    } else {
        (pages.0)(&request, error)
    };
    // What the first answer said beside its body (Allow, Retry-After, WWW-Authenticate…) stays.
    for (name, value) in response.headers() {
        if !is_about_the_body(name) && !shaped.headers().contains_key(name) {
            shaped.headers_mut().insert(name.clone(), value.clone());
        }
    }
    Ok(ServiceResponse::new(request, shaped))
}

fn essence(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next()?.trim();
    Some(essence.to_ascii_lowercase())
}

fn is_about_the_body(name: &header::HeaderName) -> bool {
    [
        header::CONTENT_TYPE,
        header::CONTENT_LENGTH,
        header::CONTENT_ENCODING,
        header::TRANSFER_ENCODING,
    ]
    .contains(name)
}

/// The error an answer of this status means, with actix-web's words for it when it had some;
/// `None` for a status that has no code of its own (the answer is then left as it is).
fn error_of(status: StatusCode, said: String) -> Option<AppError> {
    let or = |default: &str| {
        if said.is_empty() {
            default.to_owned()
        } else {
            said.clone()
        }
    };
    let request = |code: ErrorCode, default: &str| AppError::Request {
        code,
        message: or(default),
    };
    Some(match status {
        StatusCode::BAD_REQUEST => AppError::BadRequest {
            code: ErrorCode::InvalidRequest,
            message: or("the request could not be read"),
            fields: FieldErrors::new(),
        },
        StatusCode::UNAUTHORIZED => AppError::Unauthenticated(or("sign in first")),
        StatusCode::FORBIDDEN => AppError::Forbidden(or("forbidden")),
        StatusCode::NOT_FOUND => AppError::NotFound(or("no such resource")),
        StatusCode::METHOD_NOT_ALLOWED => request(
            ErrorCode::MethodNotAllowed,
            "this address does not take this method",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        StatusCode::URI_TOO_LONG => request(ErrorCode::UriTooLong, "the address is too long"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType,
        StatusCode::UNPROCESSABLE_ENTITY => AppError::Validation {
            message: or("the request is not valid"),
            fields: FieldErrors::new(),
        },
        StatusCode::TOO_MANY_REQUESTS => AppError::RateLimited { retry_after: 60 },
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => request(
            ErrorCode::HeaderFieldsTooLarge,
            "the request's headers are too large",
        ),
        StatusCode::INTERNAL_SERVER_ERROR => {
            AppError::Internal(anyhow::anyhow!(or("internal error")))
        }
        StatusCode::SERVICE_UNAVAILABLE => {
            AppError::Unavailable(anyhow::anyhow!(or("unavailable")))
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_shaped_status_keeps_its_status() {
        for status in [
            400, 401, 403, 404, 405, 413, 414, 415, 422, 429, 431, 500, 503,
        ] {
            let status = StatusCode::from_u16(status).unwrap();
            let error = error_of(status, String::new()).unwrap();
            assert_eq!(error.status_code(), status, "{error:?}");
        }
        assert!(error_of(StatusCode::IM_A_TEAPOT, String::new()).is_none());
    }

    #[test]
    fn the_api_face_is_its_addresses() {
        assert!(is_api("/api/v1/projects"));
        assert!(is_api("/healthz"));
        assert!(is_api("/calendar/abc.ics"));
        assert!(!is_api("/apiary"));
        assert!(!is_api("/opportunities"));
    }
}
