//! Creating accounts and running sessions: sessions, refresh-token rotation with reuse
//! detection, logout, one-time secrets. Every function here runs inside the caller's
//! transaction and none of them hashes a password, [`create`] (for the command line and the
//! seed) aside: requests hash and verify outside the transaction, through
//! [`super::password::Hasher`].

use chrono::Duration;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::tokens::{TokenKeys, hash_secret, new_secret};
use super::{Role, password};
use crate::clock::now;
use crate::db::AnyConnection;
use crate::domain::text;
use crate::error::{AppError, ErrorCode};
use crate::models::user::{self, Invitation, RefreshToken, Session, User};
use crate::notify::kinds::{Addressee, SecretLink};

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

/// An account whose email, password and name passed the rules, to be stored with the
/// password's hash (made outside the transaction, see [`super::password::Hasher`]).
pub struct CheckedAccount {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub region_code: Option<String>,
    pub investor_id: Option<String>,
    pub language: Language,
}

/// Checks and normalises an account's email, password and name; the password must not be
/// guessable from the name or address either.
pub fn check(account: NewAccount<'_>) -> Result<CheckedAccount, AppError> {
    let email = normalise_email("email", account.email)?;
    let name = check_name("name", account.name, text::PERSON_NAME)?;
    password::check_strength("password", account.password, &[&email, &name])?;
    Ok(CheckedAccount {
        email,
        name,
        role: account.role,
        region_code: account.region_code,
        investor_id: account.investor_id,
        language: account.language,
    })
}

/// Whether an account with this (normalised) address exists.
pub fn email_taken(conn: &mut AnyConnection, email: &str) -> Result<bool, AppError> {
    Ok(user::email_taken(conn, email)?)
}

/// Stores a checked account with its password's hash; 409 `email_taken` when the address is
/// already registered.
pub fn insert(
    conn: &mut AnyConnection,
    account: CheckedAccount,
    password_hash: String,
) -> Result<User, AppError> {
    if user::email_taken(conn, &account.email)? {
        return Err(AppError::conflict(
            ErrorCode::EmailTaken,
            "an account with this email already exists",
        ));
    }
    let at = now();
    let row = User {
        id: uuid::Uuid::new_v4().to_string(),
        email: account.email,
        password_hash,
        role: account.role.as_ref().to_owned(),
        name: account.name,
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

/// Checks, hashes and stores an account in the caller's transaction, for the command line and
/// the demo seed; requests hash outside their transaction instead ([`check`], then [`insert`]).
/// The operator who makes it vouches for the address, so it counts as confirmed.
pub fn create(conn: &mut AnyConnection, account: NewAccount<'_>) -> Result<User, AppError> {
    let password = account.password;
    let checked = check(account)?;
    let hash = password::hash(password)?;
    let mut row = insert(conn, checked, hash)?;
    let at = now();
    user::set_email_verified(conn, &row.id, at)?;
    row.email_verified_at = Some(at);
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

/// The account an address names, for a sign-in to check the password against outside the
/// transaction.
pub fn find_for_sign_in(conn: &mut AnyConnection, email: &str) -> Result<Option<User>, AppError> {
    Ok(user::find_by_email(conn, &email.trim().to_lowercase())?)
}

/// Whether an account may sign in once its password matched: an investor (who registered on
/// their own) only after confirming the address, so that registering with somebody else's
/// address gives nobody an account to sign in to.
pub fn may_sign_in(row: &User) -> bool {
    row.role != Role::Investor.as_ref() || row.email_verified_at.is_some()
}

/// The refusal of a sign-in: the same for an unknown address, a wrong password and an address
/// not yet confirmed.
pub fn sign_in_refused() -> AppError {
    AppError::Unauthenticated("wrong email or password".into())
}

/// Ends a session: its access and refresh tokens (or its cookie) stop working.
pub fn end_session(conn: &mut AnyConnection, session_id: &str) -> Result<(), AppError> {
    Ok(user::revoke_session(conn, session_id)?)
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

/// The invitation a secret names while it can still be accepted, or the refusal.
pub fn open_invitation(conn: &mut AnyConnection, token: &str) -> Result<Invitation, AppError> {
    let refused = || AppError::Unauthenticated("invalid or expired invitation".into());
    let invitation = user::find_invitation(conn, &hash_secret(token))?.ok_or_else(refused)?;
    if invitation.accepted_at.is_some() || invitation.expires_at < now() {
        return Err(refused());
    }
    Ok(invitation)
}

/// Creates the official's account from an invitation's secret (once, before it expires) with a
/// password checked and hashed beforehand. The invitation proves the address.
pub fn accept_invitation(
    conn: &mut AnyConnection,
    token: &str,
    language: Language,
    password_hash: String,
) -> Result<User, AppError> {
    let invitation = open_invitation(conn, token)?;
    let checked = CheckedAccount {
        email: invitation.email.clone(),
        name: invitation.name.clone(),
        role: Role::Official,
        region_code: Some(invitation.region_code.clone()),
        investor_id: None,
        language,
    };
    let row = insert(conn, checked, password_hash)?;
    if !user::accept_invitation(conn, &invitation.token_hash)? {
        return Err(AppError::Unauthenticated(
            "invalid or expired invitation".into(),
        ));
    }
    user::set_email_verified(conn, &row.id, now())?;
    Ok(row)
}

/// Stores a new password (hashed beforehand) and ends what the old one opened: every session,
/// and every reset link still outstanding.
pub fn replace_password(
    conn: &mut AnyConnection,
    user_id: &str,
    password_hash: &str,
) -> Result<(), AppError> {
    user::set_password(conn, user_id, password_hash)?;
    user::revoke_account_tokens(conn, user_id, PASSWORD_RESET, now())?;
    Ok(user::revoke_all_sessions(conn, user_id)?)
}

/// Sets a new password (hashed beforehand) with a reset email's secret (once, before it
/// expires): every session of the account ends and every other reset link stops working. The
/// link proves the address, so it counts as confirmed.
pub fn reset_password(
    conn: &mut AnyConnection,
    token: &str,
    password_hash: &str,
) -> Result<(), AppError> {
    let at = now();
    let user_id = user::spend_account_token(conn, &hash_secret(token), PASSWORD_RESET, at)?
        .ok_or_else(|| AppError::Unauthenticated("invalid or expired reset link".into()))?;
    replace_password(conn, &user_id, password_hash)?;
    Ok(user::set_email_verified(conn, &user_id, at)?)
}

/// How long a password reset link works, in hours.
pub const RESET_HOURS: i64 = 1;
/// The purpose of a password reset secret.
pub const PASSWORD_RESET: &str = "password_reset";
/// The purpose of an email verification secret.
pub const EMAIL_VERIFICATION: &str = "email_verification";

/// Stores a fresh one-time secret of `purpose` for a user and gives back the link that spends it
/// (`{base}/{page}?token=…`), valid for `hours`. A new reset link ends the user's earlier ones.
pub fn issue_secret(
    conn: &mut AnyConnection,
    row: &User,
    purpose: &str,
    link: &str,
    hours: i64,
) -> Result<SecretLink, AppError> {
    let token = new_secret();
    let at = now();
    let expires_at = at + Duration::hours(hours);
    if purpose == PASSWORD_RESET {
        user::revoke_account_tokens(conn, &row.id, PASSWORD_RESET, at)?;
    }
    user::insert_account_token(conn, &hash_secret(&token), &row.id, purpose, expires_at)?;
    Ok(SecretLink {
        to: Addressee {
            name: row.name.clone(),
            language: row.language.clone(),
        },
        link: format!("{link}?token={token}"),
        valid_until: format!("{} UTC", expires_at.format("%Y-%m-%d %H:%M")),
    })
}

/// Confirms an account's address with a verification email's secret.
pub fn verify_email(conn: &mut AnyConnection, token: &str) -> Result<(), AppError> {
    let at = now();
    let user_id = user::spend_account_token(conn, &hash_secret(token), EMAIL_VERIFICATION, at)?
        .ok_or_else(|| AppError::Unauthenticated("invalid or expired verification link".into()))?;
    Ok(user::set_email_verified(conn, &user_id, at)?)
}
