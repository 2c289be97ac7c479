//! `HEAD` answers as `GET` does, without the body (RFC 9110, 9.3.2): the request is routed as
//! `GET`, and the HTTP layer, which saw the method `HEAD` when it read the request, sends only
//! the head of the answer.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;

/// Routes a `HEAD` request as the `GET` of the same address.
pub async fn answer_head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}
