//! The text gate at the door: the address and the pages' forms are read once here and refused
//! when any text in them holds a control character other than tab and newline (the rule is
//! [`text::forbidden_char`]), before any handler sees them. JSON bodies pass the same rule in
//! `api::extract::parse_json`, and CSV files in `services::imports::read_rows`.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use futures_util::StreamExt;

use crate::domain::text;
use crate::error::{AppError, ErrorCode, FieldErrors};

/// The largest form body read here: above every page handler's own limit (the import form's
/// pasted CSV is the largest), so that each handler still answers what is too large for it.
pub const MAX_FORM_BYTES: usize = 4 << 20;

/// Refuses, answered with the request so that each face draws its own error:
/// - a path holding an encoded control character (`%00`, `%0A`, …): 400 `invalid_request`;
/// - a query parameter (name or value) holding one: 400 `invalid_query` naming the parameter;
/// - on pages, a form field (`application/x-www-form-urlencoded`) holding one: 422
///   `validation_failed` naming the field; the form is read whole (at most [`MAX_FORM_BYTES`],
///   413 `payload_too_large` above) and handed on as read.
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
                return Ok(req
                    .error_response(AppError::PayloadTooLarge)
                    .map_into_right_body());
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
