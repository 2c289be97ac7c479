//! Request extraction that answers bad input with the service's JSON errors.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, http::StatusCode, web};
use serde::de::DeserializeOwned;

use crate::error::{AppError, ErrorCode, FieldErrors};

/// A JSON body: wrong content type → 415, too large → 413, malformed → 400 `malformed_json`,
/// wrong types or unknown fields → 400 `invalid_body` naming the field.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .mime_type()
            .ok()
            .flatten()
            .is_some_and(|m| m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"));
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(AppError::UnsupportedMediaType);
            }
            let bytes = body.await.map_err(|e| {
                if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::PayloadTooLarge
                } else {
                    AppError::BadRequest {
                        code: ErrorCode::UnreadableBody,
                        message: e.to_string(),
                        fields: FieldErrors::new(),
                    }
                }
            })?;
            parse_json(&bytes).map(JsonBody)
        })
    }
}

/// Parses one JSON value (trailing data is malformed JSON), naming the path of the first field
/// that does not fit. Text holding NUL characters
/// is refused: no user has a reason to send one and PostgreSQL cannot store it.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    if has_escaped_nul(bytes) {
        return Err(AppError::validation(
            "body",
            "text must not contain NUL characters",
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            AppError::BadRequest {
                code: ErrorCode::MalformedJson,
                message: format!("the body is not valid JSON: {inner}"),
                fields: FieldErrors::new(),
            }
        } else {
            let message = inner.to_string();
            let field = if path == "." { "body".to_owned() } else { path };
            AppError::BadRequest {
                code: ErrorCode::InvalidBody,
                message: format!("{field}: {message}"),
                fields: FieldErrors::from([(field, message)]),
            }
        }
    })?;
    // One JSON value and nothing after it but whitespace: `{…}garbage` is not JSON.
    deserializer.end().map_err(|e| AppError::BadRequest {
        code: ErrorCode::MalformedJson,
        message: format!("the body is not valid JSON: {e}"),
        fields: FieldErrors::new(),
    })?;
    Ok(value)
}

/// Whether JSON text holds the escape `\u0000` (NUL can only appear in JSON strings that way).
fn has_escaped_nul(bytes: &[u8]) -> bool {
    const ESCAPE: &[u8] = b"u0000";
    bytes
        .windows(ESCAPE.len() + 1)
        .enumerate()
        .any(|(i, window)| {
            if window[0] != b'\\' || &window[1..] != ESCAPE {
                return false;
            }
            // The backslash starts an escape only when an even number of backslashes precede it.
            let preceding = bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count();
            preceding % 2 == 0
        })
}

/// Refuses requests whose path or query carries an encoded NUL (`%00`) before any handler sees it
/// (answered with the request, so that a page's refusal is drawn as a page).
pub async fn refuse_nul_in_uri(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if req.uri().to_string().contains("%00") {
        let error = AppError::BadRequest {
            code: ErrorCode::InvalidRequest,
            message: "the address must not contain NUL characters".into(),
            fields: FieldErrors::new(),
        };
        return Ok(req.error_response(error).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// Query strings that do not parse answer 400 `invalid_query`.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _| {
        AppError::BadRequest {
            code: ErrorCode::InvalidQuery,
            message: err.to_string(),
            fields: FieldErrors::new(),
        }
        .into()
    })
}

/// Path segments that do not parse answer 404.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _| AppError::NotFound(err.to_string()).into())
}
