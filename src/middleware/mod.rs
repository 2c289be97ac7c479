//! What every request and answer goes through, whichever face serves it: bounds on the request's
//! head ([`limits`]), the text gate on the address and the pages' forms ([`text`]), errors in the
//! face's shape ([`shape`]), and the security and CORS headers ([`headers`]). `startup.rs` puts them in order.
//! [`client`] gives handlers the address a request comes from; [`head`] answers `HEAD` as `GET`.

pub mod client;
pub mod head;
pub mod headers;
pub mod limits;
pub mod shape;
pub mod text;
