//! Request extraction that answers bad input with the service's JSON errors.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, http::StatusCode, web};
use serde::de::DeserializeOwned;

use crate::error::{AppError, FieldErrors};

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
                        code: "unreadable_body",
                        message: e.to_string(),
                        fields: FieldErrors::new(),
                    }
                }
            })?;
            parse_json(&bytes).map(JsonBody)
        })
    }
}

/// Parses JSON, naming the path of the first field that does not fit.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            AppError::BadRequest {
                code: "malformed_json",
                message: format!("the body is not valid JSON: {inner}"),
                fields: FieldErrors::new(),
            }
        } else {
            let message = inner.to_string();
            let field = if path == "." { "body".to_owned() } else { path };
            AppError::BadRequest {
                code: "invalid_body",
                message: format!("{field}: {message}"),
                fields: FieldErrors::from([(field, message)]),
            }
        }
    })
}

/// Query strings that do not parse answer 400 `invalid_query`.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _| {
        AppError::BadRequest {
            code: "invalid_query",
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
