//! Accounts: registration of investors, sign-in and tokens, the caller's own account, officials'
//! invitations, and staff accounts created by admins.

use actix_web::{HttpResponse, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::JsonBody;
use crate::auth::accounts::{self, Refresh, TokenPair};
use crate::auth::tokens::TokenKeys;
use crate::auth::{AuthenticatedUser, Role};
use crate::error::{AppError, ErrorBody};
use crate::services::accounts::{
    self as service, AcceptInvitationInput, InvitationCreated, InvitationInput, LoginInput, Me,
    MeUpdate, PasswordChange, RefreshInput, RegisterInput, Registered, ResetInput, ResetRequest,
    SignedUp, StaffInput, VerifyInput, create_staff_account, invite, update_account,
};
use crate::state::AppState;
use crate::throttle::ClientAddress;

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(register)
        .service(login)
        .service(refresh)
        .service(logout)
        .service(accept_invitation)
        .service(me)
        .service(update_me)
        .service(change_password)
        .service(invite_official)
        .service(create_staff)
        .service(request_password_reset)
        .service(reset_password)
        .service(verify_email);
}

/// Registers an investor organisation with its first user and emails the link that confirms
/// the address; the user signs in once it is confirmed. The organisation starts unverified
/// until staff verify it. An address that already has an account gets the same answer, and its
/// owner an email saying someone tried to register with it, so that nobody learns which
/// addresses are registered.
#[utoipa::path(tag = "accounts", request_body = RegisterInput, responses(
    (status = 202, body = Registered, description = "The confirmation email is on its way"),
    (status = 400, body = ErrorBody), (status = 422, body = ErrorBody),
    (status = 429, body = ErrorBody, description = "Over a rate limit; Retry-After says when to try again"),
))]
#[post("/auth/register")]
async fn register(
    state: web::Data<AppState>,
    client: ClientAddress,
    body: JsonBody<RegisterInput>,
) -> Result<HttpResponse, AppError> {
    let registered = service::register(&state, body.0, client).await?;
    Ok(HttpResponse::Accepted().json(registered))
}

/// Signs in: a short-lived access token and a refresh token. The same 401 for an unknown
/// address, a wrong password and an investor's address not yet confirmed.
#[utoipa::path(tag = "accounts", request_body = LoginInput, responses(
    (status = 200, body = TokenPair),
    (status = 401, body = ErrorBody),
    (status = 429, body = ErrorBody, description = "Over a rate limit; Retry-After says when to try again"),
))]
#[post("/auth/login")]
async fn login(
    state: web::Data<AppState>,
    keys: web::Data<TokenKeys>,
    client: ClientAddress,
    body: JsonBody<LoginInput>,
) -> Result<web::Json<TokenPair>, AppError> {
    let keys = keys.get_ref().clone();
    let pair = service::login(&state, keys, body.0, client).await?;
    Ok(web::Json(pair))
}

/// Trades a refresh token for a new pair. Each refresh token works once; presenting a spent one
/// ends its whole session.
#[utoipa::path(tag = "accounts", request_body = RefreshInput, responses(
    (status = 200, body = TokenPair),
    (status = 401, body = ErrorBody),
))]
#[post("/auth/refresh")]
async fn refresh(
    state: web::Data<AppState>,
    keys: web::Data<TokenKeys>,
    body: JsonBody<RefreshInput>,
) -> Result<web::Json<TokenPair>, AppError> {
    let secret = body.0.refresh_token;
    // The revocation on reuse must be stored even though the request is refused, so the write
    // transaction commits before the refusal is turned into an error.
    let outcome = state
        .db
        .write(move |conn| accounts::refresh(conn, &keys, &secret))
        .await?;
    match outcome {
        Refresh::Rotated(pair) => Ok(web::Json(pair)),
        Refresh::Refused => Err(AppError::Unauthenticated(
            "invalid or expired refresh token".into(),
        )),
        Refresh::ReuseDetected => Err(AppError::Unauthenticated(
            "this refresh token was already used; the session has been ended".into(),
        )),
    }
}

/// Signs out: ends the session, so its access and refresh tokens stop working.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), responses(
    (status = 204), (status = 401, body = ErrorBody),
))]
#[post("/auth/logout")]
async fn logout(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
) -> Result<HttpResponse, AppError> {
    service::logout(&state, user.session_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in user.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), responses(
    (status = 200, body = Me), (status = 401, body = ErrorBody),
))]
#[get("/me")]
async fn me(user: AuthenticatedUser) -> web::Json<Me> {
    web::Json(Me::from(&user))
}

/// Changes the signed-in user's language, name or time zone.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), request_body = MeUpdate, responses(
    (status = 200, body = Me), (status = 401, body = ErrorBody), (status = 400, body = ErrorBody),
    (status = 422, body = ErrorBody),
))]
#[patch("/me")]
async fn update_me(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    body: JsonBody<MeUpdate>,
) -> Result<web::Json<Me>, AppError> {
    let updated = state
        .db
        .write(move |conn| update_account(conn, &user, body.0))
        .await?;
    Ok(web::Json(updated))
}

/// Changes the password and ends every session of the user and every outstanding reset link;
/// sign in again afterwards.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), request_body = PasswordChange, responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[post("/me/password")]
async fn change_password(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    body: JsonBody<PasswordChange>,
) -> Result<HttpResponse, AppError> {
    service::change_password(&state, &user.id, body.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Invites an official of a region (staff).
#[utoipa::path(tag = "accounts", security(("bearer" = [])), request_body = InvitationInput, responses(
    (status = 201, body = InvitationCreated), (status = 403, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[post("/invitations")]
async fn invite_official(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    body: JsonBody<InvitationInput>,
) -> Result<HttpResponse, AppError> {
    let created = invite(&state, user, body.0).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Accepts an invitation: creates the official's account, bound to the region, and signs in.
#[utoipa::path(tag = "accounts", request_body = AcceptInvitationInput, responses(
    (status = 201, body = SignedUp), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody),
    (status = 429, body = ErrorBody, description = "Over a rate limit; Retry-After says when to try again"),
))]
#[post("/auth/accept-invitation")]
async fn accept_invitation(
    state: web::Data<AppState>,
    keys: web::Data<TokenKeys>,
    client: ClientAddress,
    body: JsonBody<AcceptInvitationInput>,
) -> Result<HttpResponse, AppError> {
    let keys = keys.get_ref().clone();
    let signed_up = service::accept_invitation(&state, body.0, client, move |conn, row| {
        SignedUp::start(conn, &keys, row, Role::Official)
    })
    .await?;
    Ok(HttpResponse::Created().json(signed_up))
}

/// Creates a staff or admin account (admins only).
#[utoipa::path(tag = "accounts", security(("bearer" = [])), request_body = StaffInput, responses(
    (status = 201, body = Me), (status = 403, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[post("/users")]
async fn create_staff(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    body: JsonBody<StaffInput>,
) -> Result<HttpResponse, AppError> {
    let created = create_staff_account(&state, &user, body.0).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Sends a password reset link to the address when it has an account. The request does the
/// same work and gets the same answer either way (one item queued for the outbox worker, which
/// looks the address up), so that nobody learns which addresses are registered. A new link
/// ends the account's earlier ones.
#[utoipa::path(tag = "accounts", request_body = ResetRequest, responses(
    (status = 202, description = "A link is on its way if the address has an account"),
    (status = 400, body = ErrorBody), (status = 422, body = ErrorBody),
    (status = 429, body = ErrorBody, description = "Over a rate limit; Retry-After says when to try again"),
))]
#[post("/auth/password-reset")]
async fn request_password_reset(
    state: web::Data<AppState>,
    client: ClientAddress,
    body: JsonBody<ResetRequest>,
) -> Result<HttpResponse, AppError> {
    service::request_password_reset(&state, &body.0.email, client).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Sets a new password with the secret from a reset email (once, within the hour) and ends
/// every session of the account and every other reset link.
#[utoipa::path(tag = "accounts", request_body = ResetInput, responses(
    (status = 204, description = "The password is changed; sign in again"),
    (status = 401, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[post("/auth/password-reset/confirm")]
async fn reset_password(
    state: web::Data<AppState>,
    body: JsonBody<ResetInput>,
) -> Result<HttpResponse, AppError> {
    service::reset_password(&state, body.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Confirms the account's email address with the secret from the verification email.
#[utoipa::path(tag = "accounts", request_body = VerifyInput, responses(
    (status = 204, description = "The address is confirmed"), (status = 401, body = ErrorBody),
))]
#[post("/auth/verify-email")]
async fn verify_email(
    state: web::Data<AppState>,
    body: JsonBody<VerifyInput>,
) -> Result<HttpResponse, AppError> {
    let token = body.0.token;
    state
        .db
        .write(move |conn| accounts::verify_email(conn, &token))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
