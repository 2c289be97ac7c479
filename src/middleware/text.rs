//! The text gate at the door: the address and the pages' forms are read once here and refused
//! when any text in them holds a control character other than tab and newline (the rule is
//! [`text::forbidden_char`]), before any handler sees them. JSON bodies pass the same rule in
//! `api::extract::parse_json`, and CSV files in `services::imports::read_rows`.

use actix_web::body::{EitherBody, MessageBody};
use std::future::ready;
use std::pin::Pin;

use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use futures_util::{Stream, StreamExt, stream};

use crate::domain::text;
use crate::error::{AppError, ErrorCode, FieldErrors};

/// The largest form body checked here: the application's body limit (`startup::MAX_BODY_BYTES`,
/// which every page handler but the import form keeps to). A larger body is handed on unchecked,
/// for its handler to refuse as too large; the import form, which takes a pasted CSV of up to
/// three times that, passes its file through the CSV reader's own gate.
pub const MAX_FORM_BYTES: usize = crate::startup::MAX_BODY_BYTES;

/// Refuses, answered with the request so that each face draws its own error:
/// - a path holding an encoded control character (`%00`, `%0A`, …): 400 `invalid_request`;
/// - a query parameter (name or value) holding one: 400 `invalid_query` naming the parameter;
/// - on pages, a form field (`application/x-www-form-urlencoded`) holding one: 422
///   `validation_failed` naming the field; the form is read whole (up to [`MAX_FORM_BYTES`])
///   and handed on as read.
pub async fn refuse_control_characters(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if let Some(error) = refused_address(&req) {
        return Ok(req.error_response(error).map_into_right_body());
    }
    let form = !req.path().starts_with("/api/")
        && req
            .mime_type()
            .ok()
            .flatten()
            .is_some_and(|m| m.essence_str() == "application/x-www-form-urlencoded");
    if form {
        let mut payload = req.take_payload();
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            body.extend_from_slice(&chunk?);
            if body.len() > MAX_FORM_BYTES {
                // Too large to check: handed on as it comes, what was read first.
                let read = stream::once(ready(Ok::<_, PayloadError>(body.freeze())));
                let rest: Pin<Box<dyn Stream<Item = Result<web::Bytes, PayloadError>>>> =
                    Box::pin(read.chain(payload));
                req.set_payload(Payload::from(rest));
                return Ok(next.call(req).await?.map_into_left_body());
            }
        }
        let body = body.freeze();
        if let Some((name, c)) = forbidden_pair(&body) {
            let error = AppError::validation(&name, text::forbidden_message(c));
            return Ok(req.error_response(error).map_into_right_body());
        }
        req.set_payload(Payload::from(body));
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// Why the address is refused, if it is.
fn refused_address(req: &ServiceRequest) -> Option<AppError> {
    let raw_path = req.uri().path();
    let path = percent_encoding::percent_decode_str(raw_path).decode_utf8_lossy();
    if path.chars().any(char::is_control) {
        return Some(AppError::BadRequest {
            code: ErrorCode::InvalidRequest,
            message: "the address must not contain control characters".into(),
            fields: FieldErrors::new(),
        });
    }
    let (name, c) = forbidden_pair(req.query_string().as_bytes())?;
    let message = text::forbidden_message(c);
    Some(AppError::BadRequest {
        code: ErrorCode::InvalidQuery,
        message: format!("{name}: {message}"),
        fields: FieldErrors::from([(name, message)]),
    })
}

/// The first name or value of URL-encoded pairs (a query, a form) that the gate refuses: its
/// name (escaped for showing) and the character.
fn forbidden_pair(encoded: &[u8]) -> Option<(String, char)> {
    form_urlencoded::parse(encoded).find_map(|(name, value)| {
        text::forbidden_char(&name)
            .or_else(|| text::forbidden_char(&value))
            .map(|c| (text::shown_name(&name), c))
    })
}
