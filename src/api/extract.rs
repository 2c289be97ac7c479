//! Request extraction that answers bad input with the service's JSON errors.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, http::StatusCode, web};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::domain::text;
use crate::error::{AppError, ErrorCode, FieldErrors};

/// A JSON body: wrong content type → 415, too large → 413, malformed → 400 `malformed_json`,
/// text holding control characters → 422 `validation_failed` naming the field, wrong types or
/// unknown fields → 400 `invalid_body` naming the field.
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

/// Parses one JSON value (trailing data is malformed JSON), then passes it through the text gate
/// (every string and key, however deep: 422 naming the path of the first that holds a control
/// character, see [`text::forbidden_char`]), then reads it as `T`, naming the path of the
/// first field that does not fit.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let malformed = |e: serde_json::Error| AppError::BadRequest {
        code: ErrorCode::MalformedJson,
        message: format!("the body is not valid JSON: {e}"),
        fields: FieldErrors::new(),
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_json::Value::deserialize(&mut deserializer).map_err(malformed)?;
    // One JSON value and nothing after it but whitespace: `{…}garbage` is not JSON.
    deserializer.end().map_err(malformed)?;
    if let Some((path, c)) = forbidden_in(&value) {
        let field = path.strip_prefix('.').unwrap_or(&path);
        let field = if field.is_empty() { "body" } else { field };
        return Err(AppError::validation(field, text::forbidden_message(c)));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        let field = if path == "." { "body".to_owned() } else { path };
        AppError::BadRequest {
            code: ErrorCode::InvalidBody,
            message: format!("{field}: {message}"),
            fields: FieldErrors::from([(field, message)]),
        }
    })
}

/// The path (`.title.en`, `.sectors[2]`, empty for the value itself) of the first string or
/// object key that the text gate refuses, and the character it refuses.
fn forbidden_in(value: &serde_json::Value) -> Option<(String, char)> {
    use serde_json::Value;
    match value {
        Value::String(s) => text::forbidden_char(s).map(|c| (String::new(), c)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| forbidden_in(item).map(|(rest, c)| (format!("[{i}]{rest}"), c))),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let name = text::shown_name(key);
            match text::forbidden_char(key) {
                Some(c) => Some((format!(".{name}"), c)),
                None => forbidden_in(item).map(|(rest, c)| (format!(".{name}{rest}"), c)),
            }
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
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
