//! Page handlers return [`PageResult`] and use `?`: a failure becomes the error page, in the
//! visitor's language, with the status and stable code the API would answer.
//!
//! A handler's error cannot see the request, so [`render_page_errors`] renders it on the way out.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError};

use super::error_page;
use crate::error::AppError;

/// What a page handler answers.
pub type PageResult = Result<HttpResponse, PageError>;

/// A page handler's failure; [`render_page_errors`] turns it into the error page.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct PageError(#[from] AppError);

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.0.status_code()
    }

    /// The API's answer, logged as the API logs it; its body is replaced by the error page.
    fn error_response(&self) -> HttpResponse {
        self.0.error_response()
    }
}

/// Replaces the answer of a failed page handler with the error page in the request's language.
pub async fn render_page_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?;
    let page = res
        .response()
        .error()
        .and_then(|e| e.as_error::<PageError>())
        .map(|failure| error_page(res.request(), &failure.0));
    Ok(match page {
        Some(page) => res.into_response(page),
        None => res.map_into_boxed_body(),
    })
}
