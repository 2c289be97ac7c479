//! The security headers every answer carries, pages, API, static files and errors alike, and the
//! cross-origin (CORS) rules of the allowlist in `server.cors_origins`.

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;

use crate::config::Environment;
use crate::state::AppState;

/// What a page may load: its own stylesheet and script only (no inline script or style, no
/// plugins), forms sent only here, and no framing by any other page.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
     frame-ancestors 'none'";

/// Browsers are to reach this site over HTTPS only, for a year, its subdomains too. Sent outside
/// development only: a development server runs on plain HTTP.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000; includeSubDomains";

/// No page uses the camera, the microphone or the location.
pub const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=()";

/// The headers of every answer, in the environment the settings name.
pub fn security_headers(environment: Environment) -> Vec<(HeaderName, HeaderValue)> {
    let mut headers = vec![
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ),
        (
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(PERMISSIONS_POLICY),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    ];
    if environment != Environment::Development {
        headers.push((
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
        ));
    }
    headers
}

/// Sets the security headers on every answer, including those of errors that the inner layers
/// raised instead of answering.
pub async fn set_security_headers(
    state: web::Data<AppState>,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let secured = security_headers(state.settings.app.environment);
    match next.call(req).await {
        Ok(mut response) => {
            let headers = response.headers_mut();
            for (name, value) in secured {
                headers.insert(name, value);
            }
            Ok(response)
        }
        Err(mut error) => {
            error.add_response_mapper(move |mut response| {
                let headers = response.headers_mut();
                for (name, value) in &secured {
                    headers.insert(name.clone(), value.clone());
                }
                response
            });
            Err(error)
        }
    }
}

/// Cross-origin requests from the allowlisted origins: the API's methods, with a bearer token
/// and a JSON body, and no cookies. Other origins get no CORS headers, so browsers keep their
/// pages from reading the answers; same-origin pages need none.
pub fn cors(origins: &[String]) -> Cors {
    origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
        .expose_headers([header::LOCATION, header::RETRY_AFTER])
        .max_age(3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_no_inline_script_or_style() {
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe"));
        for directive in [
            "default-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "object-src 'none'",
        ] {
            assert!(CONTENT_SECURITY_POLICY.contains(directive), "{directive}");
        }
    }

    #[test]
    fn hsts_is_sent_outside_development_only() {
        let has_hsts = |environment| {
            security_headers(environment)
                .iter()
                .any(|(name, _)| name == header::STRICT_TRANSPORT_SECURITY)
        };
        assert!(!has_hsts(Environment::Development));
        assert!(has_hsts(Environment::Production));
    }
}
