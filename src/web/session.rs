//! Who is signed in to the pages: an HttpOnly, SameSite=Strict session cookie (Secure outside
//! development) whose secret's hash names an open session; and the same-origin check that every
//! form submission passes.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};

use crate::auth::AuthenticatedUser;
use crate::auth::policy;
use crate::config::Environment;
use crate::db::Db;
use crate::error::AppError;
use crate::services::accounts::{BROWSER_SESSION_DAYS as DAYS, BrowserVisit, browser_visit};
use crate::state::AppState;

/// The session cookie's name.
pub const COOKIE: &str = "sepadan_session";

/// The signed-in person, if any.
pub struct Visitor(pub Option<AuthenticatedUser>);

/// How many notifications the signed-in person has not read: loaded with the session by the
/// [`Visitor`] extractor and kept in the request for the layout's navigation to show.
#[derive(Debug, Clone, Copy)]
pub struct Unread(pub i64);

/// The signed-in person as the [`Visitor`] extractor found them, kept in the request so that a
/// page built without the extractor (an error page) still shows who is signed in.
#[derive(Debug, Clone)]
pub struct SignedIn(pub AuthenticatedUser);

impl FromRequest for Visitor {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let secret = req.cookie(COOKIE).map(|c| c.value().to_owned());
        let db = req.app_data::<web::Data<Db>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let (Some(secret), Some(db)) = (secret, db) else {
                return Ok(Visitor(None));
            };
            let found = browser_visit(&db, &secret).await?;
            Ok(Visitor(match found {
                Some(BrowserVisit { user, unread }) => {
                    let mut extensions = req.extensions_mut();
                    extensions.insert(Unread(unread));
                    extensions.insert(SignedIn(user.clone()));
                    Some(user)
                }
                None => None,
            }))
        })
    }
}

/// A signed-in person of the audience `A`, with the page's context built once. Anyone else is
/// answered before the handler runs: a visitor with the sign-in page, a signed-in person
/// outside the audience with the 403 page saying whom the page is for.
pub struct Signed<A> {
    pub user: AuthenticatedUser,
    pub page: super::Page,
    audience: PhantomData<A>,
}

/// The signed-in programme staff member (or admin) of a staff page.
pub type Staff = Signed<ProgrammeStaff>;

/// Whom a page is for.
pub trait Audience: 'static {
    /// The message of the 403 page for a signed-in person outside the audience.
    const REFUSAL: &'static str;
    fn admits(user: &AuthenticatedUser) -> bool;
}

/// Every signed-in person.
pub enum Everyone {}
/// Programme staff and admins.
pub enum ProgrammeStaff {}
/// The people of investing organisations.
pub enum Investors {}
/// Regions' officials.
pub enum Officials {}
/// The two sides of meetings: investors and officials.
pub enum MeetingParties {}

impl Audience for Everyone {
    /// Never shown: everyone signed in is admitted.
    const REFUSAL: &'static str = "";
    fn admits(_: &AuthenticatedUser) -> bool {
        true
    }
}

impl Audience for ProgrammeStaff {
    const REFUSAL: &'static str = "error.staff_only";
    fn admits(user: &AuthenticatedUser) -> bool {
        policy::oversees_programme(user)
    }
}

impl Audience for Investors {
    const REFUSAL: &'static str = "error.investors_only";
    fn admits(user: &AuthenticatedUser) -> bool {
        policy::speaks_for_an_investor(user)
    }
}

impl Audience for Officials {
    const REFUSAL: &'static str = "error.officials_only";
    fn admits(user: &AuthenticatedUser) -> bool {
        policy::speaks_for_a_region(user)
    }
}

impl Audience for MeetingParties {
    const REFUSAL: &'static str = "error.parties_only";
    fn admits(user: &AuthenticatedUser) -> bool {
        policy::speaks_for_an_investor(user) || policy::speaks_for_a_region(user)
    }
}

impl<A: Audience> FromRequest for Signed<A> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let visitor = Visitor::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let visitor = visitor.await?;
            let answer = match &visitor.0 {
                Some(user) if A::admits(user) => {
                    return Ok(Signed {
                        user: user.clone(),
                        page: super::Page::new(&req, &visitor),
                        audience: PhantomData,
                    });
                }
                Some(_) => super::error_page(&req, &AppError::Forbidden(A::REFUSAL.into())),
                None => super::see_other("/sign-in").finish(),
            };
            Err(InternalError::from_response("not for this visitor", answer).into())
        })
    }
}

/// The session cookie carrying `secret`, or (empty) clearing it.
pub fn cookie(state: &AppState, secret: &str) -> Cookie<'static> {
    let mut cookie = Cookie::build(COOKIE, secret.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.app.environment != Environment::Development)
        .finish();
    if secret.is_empty() {
        cookie.make_removal();
    } else {
        cookie.set_max_age(CookieDuration::days(DAYS));
    }
    cookie
}

/// Refuses a form posted from another site, before any page handler runs: every request to the
/// pages other than GET and HEAD must come from Sepadan's own pages. The API is left alone: it
/// takes bearer tokens, which browsers do not send by themselves.
pub async fn refuse_cross_site_forms(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // Pages take forms by POST alone; any other method (PUT, TRACE, …) goes on to be answered
    // 405 by the routes.
    if req.method() == Method::POST && !crate::middleware::shape::is_api(req.path()) {
        let refused = match req.app_data::<web::Data<AppState>>() {
            Some(state) => same_origin(req.request(), state).err(),
            None => None,
        };
        if let Some(error) = refused {
            let page = super::error_page(req.request(), &error);
            return Ok(req.into_response(page));
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// Whether a form comes from this site: its `Origin` (or, failing that, `Referer`) must be the
/// configured public address (`app.public_url`). What the client says about the host
/// (`Host`, `X-Forwarded-Host`, `Forwarded`) is never trusted for it: a forged header would
/// make any origin "ours".
fn same_origin(req: &HttpRequest, state: &AppState) -> Result<(), AppError> {
    let public = state.settings.app.public_url.trim_end_matches('/');
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let from = header("origin").or_else(|| header("referer"));
    match from {
        Some(origin) if origin == public || origin.starts_with(&format!("{public}/")) => Ok(()),
        _ => Err(AppError::Forbidden(
            "this form must be sent from Sepadan's own pages".into(),
        )),
    }
}
