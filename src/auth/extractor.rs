//! The signed-in caller, taken from the `Authorization: Bearer` header of a request.

use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};

use super::Role;
use super::tokens::TokenKeys;
use crate::db::Db;
use crate::error::AppError;
use crate::models::user;

/// A caller with a valid access token whose session is still open.
#[derive(Debug, Clone)]
pub struct AuthenticatedUser {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub region_code: Option<String>,
    pub investor_id: Option<String>,
    pub language: String,
    /// The IANA time zone the person chose to read times in, if any.
    pub time_zone: Option<String>,
    pub session_id: String,
}

impl AuthenticatedUser {
    /// Staff and admins act on behalf of the programme. Access decisions ask
    /// [`super::policy`], which is built on this.
    pub(in crate::auth) fn is_staff(&self) -> bool {
        matches!(self.role, Role::Staff | Role::Admin)
    }

    /// Whether the caller is an official of this region.
    pub fn is_official_of(&self, region_code: &str) -> bool {
        self.role == Role::Official && self.region_code.as_deref() == Some(region_code)
    }

    /// Whether the caller belongs to this investor organisation.
    pub fn belongs_to_investor(&self, investor_id: &str) -> bool {
        self.role == Role::Investor && self.investor_id.as_deref() == Some(investor_id)
    }

    /// The caller a user row stands for; `session_id` is the session it signed in with (empty
    /// when a calendar feed token identified it).
    pub fn from_row(row: user::User, session_id: String) -> Result<Self, AppError> {
        let role = Role::from_str(&row.role)
            .map_err(|_| AppError::Internal(anyhow::anyhow!("unknown role {}", row.role)))?;
        Ok(AuthenticatedUser {
            id: row.id,
            email: row.email,
            name: row.name,
            role,
            region_code: row.region_code,
            investor_id: row.investor_id,
            language: row.language,
            time_zone: row.time_zone,
            session_id,
        })
    }
}

fn bearer_token(req: &HttpRequest) -> Option<Result<String, AppError>> {
    let value = req.headers().get(header::AUTHORIZATION)?;
    Some(
        value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_owned())
            .ok_or_else(|| {
                AppError::Unauthenticated("expected `Authorization: Bearer <token>`".into())
            }),
    )
}

async fn authenticate(
    token: String,
    keys: Option<web::Data<TokenKeys>>,
    db: Option<web::Data<Db>>,
) -> Result<AuthenticatedUser, AppError> {
    let (keys, db) = keys.zip(db).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("token keys or database not configured"))
    })?;
    let claims = keys.verify_access(&token)?;
    let session_id = claims.sid.clone();
    let row = db
        .run(move |conn| Ok(user::find_in_open_session(conn, &claims.sub, &claims.sid)?))
        .await?
        .ok_or_else(|| AppError::Unauthenticated("the session has ended; sign in again".into()))?;
    AuthenticatedUser::from_row(row, session_id)
}

type AuthFuture<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

impl FromRequest for AuthenticatedUser {
    type Error = AppError;
    type Future = AuthFuture<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let keys = req.app_data::<web::Data<TokenKeys>>().cloned();
        let db = req.app_data::<web::Data<Db>>().cloned();
        Box::pin(async move {
            let token =
                token.unwrap_or_else(|| Err(AppError::Unauthenticated("sign in first".into())))?;
            authenticate(token, keys, db).await
        })
    }
}

/// The caller when a token was sent, `None` for anonymous visitors. A token that is sent but
/// invalid is still refused with 401 rather than silently ignored.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<AuthenticatedUser>);

impl FromRequest for MaybeUser {
    type Error = AppError;
    type Future = AuthFuture<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let keys = req.app_data::<web::Data<TokenKeys>>().cloned();
        let db = req.app_data::<web::Data<Db>>().cloned();
        Box::pin(async move {
            match token {
                None => Ok(MaybeUser(None)),
                Some(token) => Ok(MaybeUser(Some(authenticate(token?, keys, db).await?))),
            }
        })
    }
}
