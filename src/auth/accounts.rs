//! Creating accounts and running sessions: login, refresh-token rotation with reuse detection,
//! logout. Every function here runs inside the caller's write transaction.

use chrono::Duration;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::tokens::{TokenKeys, hash_secret, new_secret};
use super::{Role, password};
use crate::clock::now;
use crate::db::AnyConnection;
use crate::error::{AppError, ErrorCode};
use crate::models::user::{self, RefreshToken, Session, User};

/// The languages Sepadan speaks.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema, strum::AsRefStr,
)]
pub enum Language {
    /// Bahasa Indonesia.
    #[default]
    #[serde(rename = "id")]
    #[strum(serialize = "id")]
    Indonesian,
    #[serde(rename = "en")]
    #[strum(serialize = "en")]
    English,
}

/// What an account is made of, before checks.
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub region_code: Option<String>,
    pub investor_id: Option<String>,
    pub language: Language,
}

/// Checks and normalises an email address (trimmed, lower-case).
pub fn normalise_email(field: &str, email: &str) -> Result<String, AppError> {
    let email = email.trim().to_lowercase();
    if email.len() > 254 || !email_address::EmailAddress::is_valid(&email) || !email.contains('.') {
        return Err(AppError::validation(field, "is not a valid email address"));
    }
    Ok(email)
}

/// A non-empty single-line name of at most `max` characters.
pub fn check_name(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(AppError::validation(
            field,
            format!("must be 1 to {max} characters on one line"),
        ));
    }
    Ok(value.to_owned())
}

/// Creates a user after checking email, password and name; 409 `email_taken` when the address
/// is already registered.
pub fn create(conn: &mut AnyConnection, account: NewAccount<'_>) -> Result<User, AppError> {
    let email = normalise_email("email", account.email)?;
    password::check_strength("password", account.password)?;
    let name = check_name("name", account.name, 120)?;
    if user::email_taken(conn, &email)? {
        return Err(AppError::conflict(
            ErrorCode::EmailTaken,
            "an account with this email already exists",
        ));
    }
    let at = now();
    let row = User {
        id: uuid::Uuid::new_v4().to_string(),
        email,
        password_hash: password::hash(account.password)?,
        role: account.role.as_ref().to_owned(),
        name,
        region_code: account.region_code,
        investor_id: account.investor_id,
        language: account.language.as_ref().to_owned(),
        created_at: at,
        password_changed_at: at,
        email_verified_at: None,
        time_zone: None,
    };
    user::insert(conn, &row)?;
    Ok(row)
}

/// The tokens a client holds after signing in.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

fn issue_refresh(
    conn: &mut AnyConnection,
    keys: &TokenKeys,
    session_id: &str,
) -> Result<String, AppError> {
    let secret = new_secret();
    let at = now();
    user::insert_refresh_token(
        conn,
        &RefreshToken {
            token_hash: hash_secret(&secret),
            session_id: session_id.to_owned(),
            created_at: at,
            expires_at: at + Duration::days(keys.refresh_ttl_days),
            used_at: None,
        },
    )?;
    Ok(secret)
}

fn pair(
    keys: &TokenKeys,
    user_id: &str,
    session_id: &str,
    refresh_token: String,
) -> Result<TokenPair, AppError> {
    Ok(TokenPair {
        access_token: keys.issue_access(user_id, session_id)?,
        refresh_token,
        token_type: "Bearer",
        expires_in: keys.access_ttl_seconds,
    })
}

/// Opens a new session (refresh-token family) for a user.
pub fn start_session(
    conn: &mut AnyConnection,
    keys: &TokenKeys,
    user_id: &str,
) -> Result<TokenPair, AppError> {
    let session = Session {
        id: uuid::Uuid::new_v4().to_string(),
        user_id: user_id.to_owned(),
        created_at: now(),
        revoked_at: None,
        cookie_hash: None,
    };
    user::insert_session(conn, &session)?;
    let refresh = issue_refresh(conn, keys, &session.id)?;
    pair(keys, user_id, &session.id, refresh)
}

/// Checks email and password and opens a session. The same answer for an unknown email and a
/// wrong password, so that the endpoint does not reveal who has an account.
pub fn login(
    conn: &mut AnyConnection,
    keys: &TokenKeys,
    email: &str,
    password: &str,
) -> Result<TokenPair, AppError> {
    let found = authenticate(conn, email, password)?;
    start_session(conn, keys, &found.id)
}

/// The user with this email and password; the same refusal for an unknown email and a wrong
/// password, after the same effort.
pub fn authenticate(
    conn: &mut AnyConnection,
    email: &str,
    password: &str,
) -> Result<User, AppError> {
    let refused = || AppError::Unauthenticated("wrong email or password".into());
    let email = email.trim().to_lowercase();
    let Some(found) = user::find_by_email(conn, &email)? else {
        // Spend the same effort as a real check so that timing does not reveal the answer.
        password::verify(password, DUMMY_HASH);
        return Err(refused());
    };
    if !password::verify(password, &found.password_hash) {
        return Err(refused());
    }
    Ok(found)
}

/// Opens a browser session for a user; returns the cookie's secret (only its hash is kept).
pub fn start_browser_session(conn: &mut AnyConnection, user_id: &str) -> Result<String, AppError> {
    let secret = super::tokens::new_secret();
    user::insert_session(
        conn,
        &Session {
            id: uuid::Uuid::new_v4().to_string(),
            user_id: user_id.to_owned(),
            created_at: now(),
            revoked_at: None,
            cookie_hash: Some(super::tokens::hash_secret(&secret)),
        },
    )?;
    Ok(secret)
}

/// A valid Argon2id hash of a random string, checked against when the email is unknown.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2VwYWRhbnNhbHRzYWx0$Uw3i1Jb3HkHCwFbnUuXw0vGjWsoXOJ1cUBo2xoNV5lM";

/// Outcome of presenting a refresh token.
pub enum Refresh {
    /// A new pair in the same session.
    Rotated(TokenPair),
    /// The token is unknown, expired, or its session has ended.
    Refused,
    /// The token was already spent: its whole session has been revoked.
    ReuseDetected,
}

/// Spends a refresh token and issues its successor. Presenting a spent token again revokes the
/// session it belongs to, so a stolen token is worth one use at most.
pub fn refresh(
    conn: &mut AnyConnection,
    keys: &TokenKeys,
    secret: &str,
) -> Result<Refresh, AppError> {
    let Some(token) = user::find_refresh_token(conn, &hash_secret(secret))? else {
        return Ok(Refresh::Refused);
    };
    let Some(session) = user::find_session(conn, &token.session_id)? else {
        return Ok(Refresh::Refused);
    };
    if session.revoked_at.is_some() || token.expires_at < now() {
        return Ok(Refresh::Refused);
    }
    if !user::spend_refresh_token(conn, &token.token_hash)? {
        user::revoke_session(conn, &session.id)?;
        return Ok(Refresh::ReuseDetected);
    }
    let next = issue_refresh(conn, keys, &session.id)?;
    Ok(Refresh::Rotated(pair(
        keys,
        &session.user_id,
        &session.id,
        next,
    )?))
}

/// Creates the official's account from an invitation's secret (once, before it expires).
pub fn accept_invitation(
    conn: &mut AnyConnection,
    token: &str,
    password: &str,
    language: Language,
) -> Result<User, AppError> {
    let hash = super::tokens::hash_secret(token);
    let refused = || AppError::Unauthenticated("invalid or expired invitation".into());
    let invitation = user::find_invitation(conn, &hash)?.ok_or_else(refused)?;
    if invitation.accepted_at.is_some() || invitation.expires_at < now() {
        return Err(refused());
    }
    let row = create(
        conn,
        NewAccount {
            email: &invitation.email,
            password,
            name: &invitation.name,
            role: Role::Official,
            region_code: Some(invitation.region_code.clone()),
            investor_id: None,
            language,
        },
    )?;
    if !user::accept_invitation(conn, &hash)? {
        return Err(refused());
    }
    Ok(row)
}

/// Sets a new password with a reset email's secret (once, before it expires) and ends every
/// session of the account.
pub fn reset_password(
    conn: &mut AnyConnection,
    token: &str,
    new_password: &str,
) -> Result<(), AppError> {
    password::check_strength("password", new_password)?;
    let hash = password::hash(new_password)?;
    let user_id = user::spend_account_token(
        conn,
        &super::tokens::hash_secret(token),
        "password_reset",
        now(),
    )?
    .ok_or_else(|| AppError::Unauthenticated("invalid or expired reset link".into()))?;
    user::set_password(conn, &user_id, &hash)?;
    Ok(user::revoke_all_sessions(conn, &user_id)?)
}

/// Confirms an account's address with a verification email's secret.
pub fn verify_email(conn: &mut AnyConnection, token: &str) -> Result<(), AppError> {
    let at = now();
    let user_id = user::spend_account_token(
        conn,
        &super::tokens::hash_secret(token),
        "email_verification",
        at,
    )?
    .ok_or_else(|| AppError::Unauthenticated("invalid or expired verification link".into()))?;
    Ok(user::set_email_verified(conn, &user_id, at)?)
}
