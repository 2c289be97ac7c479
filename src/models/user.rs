//! Users, their sessions (refresh-token families) and officials' invitations.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::clock::now;
use crate::db::AnyConnection;
use crate::db::schema::{account_tokens, invitations, refresh_tokens, sessions, users};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub name: String,
    pub region_code: Option<String>,
    pub investor_id: Option<String>,
    pub language: String,
    pub created_at: NaiveDateTime,
    pub password_changed_at: NaiveDateTime,
    pub email_verified_at: Option<NaiveDateTime>,
    /// The IANA time zone the person reads times in; none: each event's own.
    pub time_zone: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: String,
    pub user_id: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    /// For a browser session: the SHA-256 of its cookie's secret.
    pub cookie_hash: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshToken {
    pub token_hash: String,
    pub session_id: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    pub token_hash: String,
    pub email: String,
    pub name: String,
    pub region_code: String,
    pub invited_by: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut AnyConnection, user: &User) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(user)
        .execute(conn)
        .map(drop)
}

pub fn find_by_email(conn: &mut AnyConnection, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn email_taken(conn: &mut AnyConnection, email: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table.filter(users::email.eq(email)),
    ))
    .get_result(conn)
}

/// The user behind a session that is still open.
pub fn find_in_open_session(
    conn: &mut AnyConnection,
    user_id: &str,
    session_id: &str,
) -> QueryResult<Option<User>> {
    users::table
        .inner_join(sessions::table)
        .filter(users::id.eq(user_id))
        .filter(sessions::id.eq(session_id))
        .filter(sessions::revoked_at.is_null())
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn set_password(conn: &mut AnyConnection, user_id: &str, hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((
            users::password_hash.eq(hash),
            users::password_changed_at.eq(now()),
        ))
        .execute(conn)
        .map(drop)
}

pub fn set_language(conn: &mut AnyConnection, user_id: &str, language: &str) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set(users::language.eq(language))
        .execute(conn)
        .map(drop)
}

/// Renames a user and sets (or, with none, clears) the time zone they read times in.
pub fn set_profile(
    conn: &mut AnyConnection,
    user_id: &str,
    name: &str,
    time_zone: Option<&str>,
) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((users::name.eq(name), users::time_zone.eq(time_zone)))
        .execute(conn)
        .map(drop)
}

pub fn insert_session(conn: &mut AnyConnection, session: &Session) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values(session)
        .execute(conn)
        .map(drop)
}

pub fn find_session(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Session>> {
    sessions::table
        .find(id)
        .select(Session::as_select())
        .first(conn)
        .optional()
}

pub fn revoke_session(conn: &mut AnyConnection, id: &str) -> QueryResult<()> {
    diesel::update(
        sessions::table
            .find(id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now()))
    .execute(conn)
    .map(drop)
}

/// Ends every session of a user, e.g. after a password change.
pub fn revoke_all_sessions(conn: &mut AnyConnection, user_id: &str) -> QueryResult<()> {
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now()))
    .execute(conn)
    .map(drop)
}

pub fn insert_refresh_token(conn: &mut AnyConnection, token: &RefreshToken) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values(token)
        .execute(conn)
        .map(drop)
}

pub fn find_refresh_token(
    conn: &mut AnyConnection,
    hash: &str,
) -> QueryResult<Option<RefreshToken>> {
    refresh_tokens::table
        .find(hash)
        .select(RefreshToken::as_select())
        .first(conn)
        .optional()
}

/// Marks a refresh token spent; false when it already was (a concurrent or repeated use).
pub fn spend_refresh_token(conn: &mut AnyConnection, hash: &str) -> QueryResult<bool> {
    let changed = diesel::update(
        refresh_tokens::table
            .find(hash)
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(now()))
    .execute(conn)?;
    Ok(changed == 1)
}

pub fn insert_invitation(conn: &mut AnyConnection, invitation: &Invitation) -> QueryResult<()> {
    diesel::insert_into(invitations::table)
        .values(invitation)
        .execute(conn)
        .map(drop)
}

pub fn find_invitation(conn: &mut AnyConnection, hash: &str) -> QueryResult<Option<Invitation>> {
    invitations::table
        .find(hash)
        .select(Invitation::as_select())
        .first(conn)
        .optional()
}

/// Marks an invitation used; false when it already was.
pub fn accept_invitation(conn: &mut AnyConnection, hash: &str) -> QueryResult<bool> {
    let changed = diesel::update(
        invitations::table
            .find(hash)
            .filter(invitations::accepted_at.is_null()),
    )
    .set(invitations::accepted_at.eq(now()))
    .execute(conn)?;
    Ok(changed == 1)
}

/// The users of an investor organisation.
pub fn investor_users(conn: &mut AnyConnection, investor_id: &str) -> QueryResult<Vec<String>> {
    users::table
        .filter(users::investor_id.eq(investor_id))
        .filter(users::role.eq("investor"))
        .order(users::id)
        .select(users::id)
        .load(conn)
}

/// The officials of a region.
pub fn region_officials(conn: &mut AnyConnection, region_code: &str) -> QueryResult<Vec<String>> {
    users::table
        .filter(users::region_code.eq(region_code))
        .filter(users::role.eq("official"))
        .order(users::id)
        .select(users::id)
        .load(conn)
}

/// Stores a one-time secret sent by email (only its hash).
pub fn insert_account_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    user_id: &str,
    purpose: &str,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::token_hash.eq(token_hash),
            account_tokens::user_id.eq(user_id),
            account_tokens::purpose.eq(purpose),
            account_tokens::created_at.eq(now()),
            account_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(drop)
}

/// Spends a live secret of `purpose` once; the user it was for, or `None`.
pub fn spend_account_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    purpose: &str,
    at: NaiveDateTime,
) -> QueryResult<Option<String>> {
    let user_id: Option<String> = account_tokens::table
        .filter(account_tokens::token_hash.eq(token_hash))
        .filter(account_tokens::purpose.eq(purpose))
        .filter(account_tokens::used_at.is_null())
        .filter(account_tokens::expires_at.gt(at))
        .select(account_tokens::user_id)
        .first(conn)
        .optional()?;
    if user_id.is_some() {
        diesel::update(account_tokens::table.find(token_hash))
            .set(account_tokens::used_at.eq(at))
            .execute(conn)?;
    }
    Ok(user_id)
}

/// Spends every live secret of `purpose` a user holds, so that none of them works any more;
/// how many there were.
pub fn revoke_account_tokens(
    conn: &mut AnyConnection,
    user_id: &str,
    purpose: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user_id))
            .filter(account_tokens::purpose.eq(purpose))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(at))
    .execute(conn)
}

/// Records when the user's address was first confirmed (a later confirmation keeps the first).
pub fn set_email_verified(
    conn: &mut AnyConnection,
    user_id: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        users::table
            .find(user_id)
            .filter(users::email_verified_at.is_null()),
    )
    .set(users::email_verified_at.eq(at))
    .execute(conn)
    .map(drop)
}

/// The user and session of a browser cookie, while the session is open and younger than
/// `since`.
pub fn find_by_cookie(
    conn: &mut AnyConnection,
    cookie_hash: &str,
    since: NaiveDateTime,
) -> QueryResult<Option<(User, String)>> {
    users::table
        .inner_join(sessions::table)
        .filter(sessions::cookie_hash.eq(cookie_hash))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::created_at.gt(since))
        .select((User::as_select(), sessions::id))
        .first(conn)
        .optional()
}
