//! Bounds on the request's head, checked before anything reads it, so that a long address or a
//! heap of headers is refused with the face's error rather than read.
//!
//! actix-web refuses on its own a head over 128 KiB or with more than 96 headers, with an empty
//! 431 before any of this runs; these bounds are lower, so that anything short of that gets the
//! error in its face's shape.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use crate::error::{AppError, ErrorCode};

/// The longest address (path and query) accepted: 8 KiB; a longer one is 414 `uri_too_long`.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// The most header bytes accepted (names and values, all headers together): 16 KiB; more is 431
/// `header_fields_too_large`.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Refuses an address longer than [`MAX_URI_BYTES`] and headers larger than [`MAX_HEADER_BYTES`]
/// (answered here, with the request, so that the layer above can draw the face's error).
pub async fn refuse_oversized_heads(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let address = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if address > MAX_URI_BYTES {
        let error = AppError::Request {
            code: ErrorCode::UriTooLong,
            message: format!("the address is longer than {MAX_URI_BYTES} bytes"),
        };
        return Ok(req.error_response(error).map_into_right_body());
    }
    let headers: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if headers > MAX_HEADER_BYTES {
        let error = AppError::Request {
            code: ErrorCode::HeaderFieldsTooLarge,
            message: format!("the headers are larger than {MAX_HEADER_BYTES} bytes"),
        };
        return Ok(req.error_response(error).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}
