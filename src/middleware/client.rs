//! The address a request comes from, as both faces' handlers take it for the rate limits.

use std::future::{Ready, ready};
use std::net::IpAddr;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use crate::state::AppState;
use crate::throttle::ClientAddress;

impl FromRequest for ClientAddress {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    /// The connection's peer, or the client a trusted proxy forwards for.
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let peer = req
            .peer_addr()
            .map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip());
        let forwarded = req
            .headers()
            .get("X-Forwarded-For")
            .and_then(|v| v.to_str().ok());
        let client = match req.app_data::<web::Data<AppState>>() {
            Some(state) => state.throttle.client(peer, forwarded),
            None => ClientAddress(peer),
        };
        ready(Ok(client))
    }
}
