//! The OpenAPI 3.1 document, generated from the handlers' annotations.
//!
//! The annotations give each operation's answers of its own (its body, 403, 409, ...). The errors
//! that come from what an operation takes rather than from what it does are added here, the same
//! way for every operation, so that no annotation can forget one: see [`complete_responses`].

use actix_web::{App, HttpResponse, get, web};
use utoipa::openapi::header::Header;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, Object, OpenApi, Ref, RefOr, Response, Type};
use utoipa::{PartialSchema, ToSchema};
use utoipa_actix_web::AppExt;

use crate::error::ErrorBody;

/// The name of the error body's schema, which every error answer refers to.
const ERROR_SCHEMA: &str = "ErrorBody";

/// The document of the route table, without a running server (`sepadan openapi` prints it).
pub fn build() -> OpenApi {
    let (_, api) = App::new()
        .into_utoipa_app()
        .configure(super::config)
        .split_for_parts();
    document(api)
}

/// Completes the collected paths with the document's title, the bearer scheme and the common
/// error answers.
pub fn document(mut api: OpenApi) -> OpenApi {
    api.info.title = "Sepadan API".into();
    api.info.version = env!("CARGO_PKG_VERSION").into();
    api.info.contact = None;
    api.info.description = Some(
        "Investor–region matchmaking for Indonesia's smart-city programme. Errors answer \
         {\"error\": {\"code\", \"message\", \"fields\"}} with a stable snake_case code."
            .into(),
    );
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .build(),
        ),
    );
    if !components.schemas.contains_key(ERROR_SCHEMA) {
        let mut schemas = vec![(ERROR_SCHEMA.to_owned(), ErrorBody::schema())];
        <ErrorBody as ToSchema>::schemas(&mut schemas);
        components.schemas.extend(schemas);
    }
    complete_responses(&mut api);
    with_text_gate(api)
}

/// The text gate (`domain::text::forbidden_char`) as the document says it: every string a
/// client sends that is not already a format, an enumeration or a pattern of its own holds no
/// control character but tab, newline and CRLF line ends; path parameters hold none at all.
fn with_text_gate(api: OpenApi) -> OpenApi {
    const TEXT: &str = "^(?:[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]|\\r\\n)*$";
    const SEGMENT: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$";
    /// Gives every plain string schema below `value` the pattern `pattern`.
    fn gate(value: &mut serde_json::Value, pattern: &str) {
        match value {
            serde_json::Value::Object(map) => {
                let string = match map.get("type") {
                    Some(serde_json::Value::String(t)) => t == "string",
                    Some(serde_json::Value::Array(types)) => types.iter().any(|t| t == "string"),
                    _ => false,
                };
                let plain = ["enum", "const", "format", "pattern"]
                    .iter()
                    .all(|key| !map.contains_key(*key));
                if string && plain {
                    map.insert("pattern".into(), pattern.into());
                }
                map.values_mut().for_each(|v| gate(v, pattern));
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| gate(v, pattern)),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(&api).expect("the document is JSON");
    if let Some(paths) = value.get_mut("paths").and_then(|p| p.as_object_mut()) {
        for parameter in paths
            .values_mut()
            .filter_map(|item| item.as_object_mut())
            .flat_map(|item| item.values_mut())
            .filter_map(|operation| operation.get_mut("parameters"))
            .filter_map(|parameters| parameters.as_array_mut())
            .flatten()
        {
            let pattern = if parameter["in"] == "path" {
                SEGMENT
            } else {
                TEXT
            };
            if let Some(schema) = parameter.get_mut("schema") {
                gate(schema, pattern);
            }
        }
    }
    gate(&mut value, TEXT);
    serde_json::from_value(value).expect("the document reads back")
}

/// What an operation takes, which decides the errors it can answer before its handler runs.
struct Takes {
    /// A bearer token is read (required, or checked when sent).
    token: bool,
    body: bool,
    query: bool,
    path: bool,
    /// The operation reads the database (all but the probes and this document).
    database: bool,
    /// Rate limits apply (all but the health probes).
    limited: bool,
}

impl Takes {
    fn of(path: &str, operation: &Operation) -> Self {
        let has = |place: ParameterIn| {
            operation.parameters.iter().flatten().any(|p| match p {
                RefOr::T(p) => p.parameter_in == place,
                RefOr::Ref(_) => false,
            })
        };
        Takes {
            token: operation
                .security
                .iter()
                .flatten()
                .any(|requirement| *requirement != SecurityRequirement::default()),
            body: operation.request_body.is_some(),
            query: has(ParameterIn::Query),
            path: has(ParameterIn::Path),
            database: !matches!(path, "/healthz" | "/api/v1/openapi.json"),
            limited: !matches!(path, "/healthz" | "/readyz"),
        }
    }

    /// The error statuses this operation can answer whatever it does, each with what it means.
    fn errors(&self) -> Vec<(&'static str, &'static str)> {
        let mut errors = vec![(
            "400",
            "The request cannot be read: `malformed_json`, `invalid_body`, `invalid_query` \
             (a wrong type or an unknown field or parameter) or `invalid_request` (for example \
             an encoded NUL in the address)",
        )];
        if self.token {
            errors.push((
                "401",
                "`unauthenticated`: the bearer token is missing, invalid or expired, or its \
                 session has ended",
            ));
        }
        if self.path {
            errors.push((
                "404",
                "`not_found`: no such object, or one the caller may not know exists",
            ));
        }
        if self.body {
            errors.push(("413", "`payload_too_large`: the body is larger than 1 MiB"));
            errors.push((
                "415",
                "`unsupported_media_type`: the body is not of the documented content type",
            ));
        }
        if self.body || self.query {
            errors.push((
                "422",
                "`validation_failed`: a value breaks a rule; `fields` names each",
            ));
        }
        if self.limited {
            errors.push((
                "429",
                "`rate_limited`: too many requests from this client or for this account; \
                 try again after the seconds in `Retry-After`",
            ));
        }
        if self.database {
            errors.push((
                "503",
                "`service_unavailable`: the database could not be reached in time",
            ));
        }
        errors
    }
}

/// The description of an answer whose annotation gives none.
fn default_description(status: &str) -> &'static str {
    match status {
        "200" => "OK",
        "201" => "Created",
        "202" => "Accepted: the work continues after the answer",
        "204" => "Done; no body",
        "400" => "The request cannot be read; the code says why",
        "401" => "`unauthenticated`: no valid credentials",
        "403" => "`forbidden`: the caller is known but may not do this",
        "404" => "`not_found`: no such object, or one the caller may not know exists",
        "409" => "The request clashes with the object's current state; the code says how",
        "413" => "`payload_too_large`: the body is too large",
        "415" => "`unsupported_media_type`: the body is not of the documented content type",
        "422" => "`validation_failed`: a value breaks a rule; `fields` names each",
        "429" => "`rate_limited`: too many requests; try again after `Retry-After`",
        "503" => "`service_unavailable`: the database could not be reached in time",
        _ => "See the error code",
    }
}

fn error_response(status: &str, description: &str) -> Response {
    let mut response = Response::new(description);
    if status == "429" {
        let mut seconds = Header::new(Object::with_type(Type::Integer));
        seconds.description = Some("Seconds to wait before trying again".into());
        response
            .headers
            .insert("Retry-After".into(), RefOr::T(seconds));
    }
    response.content.insert(
        "application/json".into(),
        RefOr::T(Content::new(Some(Ref::from_schema_name(ERROR_SCHEMA)))),
    );
    response
}

/// Adds to every operation the errors it can answer by what it takes (see [`Takes::errors`]),
/// gives every answer a description (3.1 requires one) and every error answer the error body.
fn complete_responses(api: &mut OpenApi) {
    for (path, item) in api.paths.paths.iter_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.head,
            &mut item.options,
        ];
        for operation in operations.into_iter().flatten() {
            let takes = Takes::of(path, operation);
            let responses = &mut operation.responses.responses;
            for (status, description) in takes.errors() {
                responses
                    .entry(status.to_owned())
                    .or_insert_with(|| RefOr::T(error_response(status, description)));
            }
            for (status, response) in responses.iter_mut() {
                let RefOr::T(response) = response else {
                    continue;
                };
                if response.description.is_empty() {
                    response.description = default_description(status).to_owned();
                }
                let error = status.starts_with('4') || status.starts_with('5');
                if error && response.content.is_empty() {
                    *response = error_response(status, &response.description);
                }
            }
        }
    }
}

/// This document.
#[utoipa::path(tag = "health", responses((status = 200, description = "the OpenAPI 3.1 document")))]
#[get("/openapi.json")]
pub async fn serve(api: web::Data<OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(api.get_ref())
}
