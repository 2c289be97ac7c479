//! Accounts: registration of investors, sign-in and tokens, the caller's own account, officials'
//! invitations, and staff accounts created by admins.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::investors::{OrganisationInput, check_investor, insert_investor};
use crate::auth::accounts::{self, Language, NewAccount, TokenPair};
use crate::auth::policy::{self, Task};
use crate::auth::tokens::{TokenKeys, hash_secret, new_secret};
use crate::auth::{AuthenticatedUser, Role, password};
use crate::clock::now;
use crate::db::{AnyConnection, Db};
use crate::domain::text;
use crate::error::{AppError, ErrorCode};
use crate::meetings::time::time_zone;
use crate::models::notification;
use crate::models::user::{self, Invitation, User};
use crate::notify::AccountEmail;
use crate::notify::kinds::{AccountHelp, Addressee, OfficialInvitation, RegionRef, SecretLink};
use crate::state::AppState;
use crate::throttle::{ClientAddress, Limit};

/// How long an email verification link works.
const VERIFY_HOURS: i64 = 48;
/// Days a browser session lasts.
pub const BROWSER_SESSION_DAYS: i64 = 7;

/// Queues the email that confirms a new account's address, with its one-time link, in the
/// caller's transaction.
#[tracing::instrument(skip_all)]
fn email_verification(
    conn: &mut AnyConnection,
    state: &AppState,
    row: &User,
) -> Result<(), AppError> {
    let base = state.settings.app.public_url.trim_end_matches('/');
    let link = accounts::issue_secret(
        conn,
        row,
        accounts::EMAIL_VERIFICATION,
        &format!("{base}/verify-email"),
        VERIFY_HOURS,
    )?;
    crate::notify::email_address(conn, &row.email, &AccountEmail::EmailVerification(link))
}

/// Queues, in the caller's transaction, the email that tells an account's owner that someone
/// tried to register with their address, with the ways to sign in and to reset the password.
fn email_registration_attempt(
    conn: &mut AnyConnection,
    state: &AppState,
    owner: &User,
) -> Result<(), AppError> {
    let base = state.settings.app.public_url.trim_end_matches('/');
    let email = AccountEmail::RegistrationAttempt(AccountHelp {
        to: Addressee {
            name: owner.name.clone(),
            language: owner.language.clone(),
        },
        sign_in: format!("{base}/sign-in"),
        reset: format!("{base}/forgot-password"),
    });
    crate::notify::email_address(conn, &owner.email, &email)
}

/// The signed-in user as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub language: String,
    /// The investor organisation, for investors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub investor_id: Option<String>,
    /// The region's Kemendagri code, for officials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The IANA time zone times are shown in; none: each event's own.
    pub time_zone: Option<String>,
}

impl From<&AuthenticatedUser> for Me {
    fn from(u: &AuthenticatedUser) -> Self {
        Me {
            id: u.id.clone(),
            email: u.email.clone(),
            name: u.name.clone(),
            role: u.role,
            language: u.language.clone(),
            investor_id: u.investor_id.clone(),
            region: u.region_code.clone(),
            time_zone: u.time_zone.clone(),
        }
    }
}

impl Me {
    pub fn from_row(row: &User, role: Role) -> Self {
        Me {
            id: row.id.clone(),
            email: row.email.clone(),
            name: row.name.clone(),
            role,
            language: row.language.clone(),
            investor_id: row.investor_id.clone(),
            region: row.region_code.clone(),
            time_zone: row.time_zone.clone(),
        }
    }
}

/// A new account with its first tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedUp {
    pub user: Me,
    pub tokens: TokenPair,
}

impl SignedUp {
    /// Signs a new account in: its first session and tokens.
    pub fn start(
        conn: &mut AnyConnection,
        keys: &TokenKeys,
        row: &User,
        role: Role,
    ) -> Result<Self, AppError> {
        let tokens = accounts::start_session(conn, keys, &row.id)?;
        Ok(SignedUp {
            user: Me::from_row(row, role),
            tokens,
        })
    }
}

/// An investor organisation and its first user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterInput {
    pub email: String,
    /// 12 to 128 characters, and not easy to guess.
    pub password: String,
    /// The person's name.
    pub name: String,
    #[serde(default)]
    pub language: Language,
    pub organisation: OrganisationInput,
}

/// What registration answers, the same whether or not the address already has an account: the
/// next step is in the email sent to the address.
#[derive(Debug, Serialize, ToSchema)]
pub struct Registered {
    /// The address (normalised) the email went to.
    pub email: String,
    /// Always `confirm_email`: open the link in the email, then sign in.
    pub next: &'static str,
}

/// Registers an investor organisation with its first user and emails the link that confirms
/// the address; the account can sign in once it is confirmed. An address that already has an
/// account gets an email saying someone tried to register with it instead, and the answer is
/// the same, after the same checks and the same hashing, so that registration does not tell
/// who has an account.
#[tracing::instrument(skip_all)]
pub async fn register(
    state: &AppState,
    input: RegisterInput,
    client: ClientAddress,
) -> Result<Registered, AppError> {
    state.throttle.check(Limit::Registration, &client.key())?;
    let organisation = check_investor(&input.organisation, false)?;
    let account = accounts::check(NewAccount {
        email: &input.email,
        password: &input.password,
        name: &input.name,
        role: Role::Investor,
        region_code: None,
        investor_id: Some(organisation.id.clone()),
        language: input.language,
    })?;
    let email = account.email.clone();
    let hash = state.passwords.hash(input.password).await?;
    let app = state.clone();
    state
        .db
        .write(move |conn| {
            if let Some(owner) = user::find_by_email(conn, &account.email)? {
                return email_registration_attempt(conn, &app, &owner);
            }
            insert_investor(conn, &organisation)?;
            let row = accounts::insert(conn, account, hash)?;
            email_verification(conn, &app, &row)
        })
        .await?;
    Ok(Registered {
        email,
        next: "confirm_email",
    })
}

/// The account an address and password name, when it may sign in. Every attempt, right or
/// wrong, counts against the client address's and the typed account's sign-in limits first.
/// The password is checked outside any transaction, within the hasher's cap; an unknown address
/// costs the same check.
async fn authenticate(
    state: &AppState,
    email: &str,
    password: String,
    client: ClientAddress,
) -> Result<User, AppError> {
    state.throttle.check(Limit::SignInAddress, &client.key())?;
    let account = format!("email:{}", email.trim().to_lowercase());
    state.throttle.check(Limit::SignInAccount, &account)?;
    let email = email.to_owned();
    let found = state
        .db
        .run(move |conn| accounts::find_for_sign_in(conn, &email))
        .await?;
    let stored = found.as_ref().map(|row| row.password_hash.clone());
    let matches = state.passwords.verify(password, stored).await?;
    match found {
        Some(row) if matches && accounts::may_sign_in(&row) => Ok(row),
        _ => Err(accounts::sign_in_refused()),
    }
}

/// Signs in for the API: a new session and its tokens. The same refusal for an unknown address,
/// a wrong password and an address not yet confirmed.
#[tracing::instrument(skip_all)]
pub async fn login(
    state: &AppState,
    keys: TokenKeys,
    input: LoginInput,
    client: ClientAddress,
) -> Result<TokenPair, AppError> {
    let row = authenticate(state, &input.email, input.password, client).await?;
    state
        .db
        .write(move |conn| accounts::start_session(conn, &keys, &row.id))
        .await
}

/// Signs in for the pages: the account and the new browser session's cookie secret.
#[tracing::instrument(skip_all)]
pub async fn sign_in_browser(
    state: &AppState,
    email: &str,
    password: String,
    client: ClientAddress,
) -> Result<(User, String), AppError> {
    let row = authenticate(state, email, password, client).await?;
    let id = row.id.clone();
    let secret = state
        .db
        .write(move |conn| accounts::start_browser_session(conn, &id))
        .await?;
    Ok((row, secret))
}

/// Ends a session (the API's or a browser's).
pub async fn logout(state: &AppState, session_id: String) -> Result<(), AppError> {
    state
        .db
        .write(move |conn| accounts::end_session(conn, &session_id))
        .await
}

/// The person a browser session's cookie names, with how many notifications they have not read.
pub struct BrowserVisit {
    pub user: AuthenticatedUser,
    pub unread: i64,
}

/// Who the browser session with this cookie secret belongs to, while it is open and younger
/// than [`BROWSER_SESSION_DAYS`].
pub async fn browser_visit(db: &Db, secret: &str) -> Result<Option<BrowserVisit>, AppError> {
    let hash = hash_secret(secret);
    let since = now() - Duration::days(BROWSER_SESSION_DAYS);
    db.run(move |conn| {
        let Some((row, session)) = user::find_by_cookie(conn, &hash, since)? else {
            return Ok(None);
        };
        let unread = notification::unread_count(conn, &row.id)?;
        Ok(Some(BrowserVisit {
            user: AuthenticatedUser::from_row(row, session)?,
            unread,
        }))
    })
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshInput {
    pub refresh_token: String,
}

/// What the signed-in user may change of their own account; a field left out stays as it is.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeUpdate {
    pub language: Option<Language>,
    /// The name others see.
    pub name: Option<String>,
    /// The IANA time zone to read times in, e.g. `Asia/Makassar`; empty: each event's own.
    pub time_zone: Option<String>,
}

/// Changes the user's own account: every field is checked first, so a bad one changes nothing.
/// The API and the settings page both change accounts through it.
pub(crate) fn update_account(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    change: MeUpdate,
) -> Result<Me, AppError> {
    let name = match change.name {
        Some(name) => accounts::check_name("name", &name, text::PERSON_NAME)?,
        None => user.name.clone(),
    };
    let zone = match change.time_zone.as_deref().map(str::trim) {
        None => user.time_zone.clone(),
        Some("") => None,
        Some(zone) => Some(time_zone("time_zone", zone)?.name().to_owned()),
    };
    let language = change
        .language
        .map_or_else(|| user.language.clone(), |l| l.as_ref().to_owned());
    user::set_profile(conn, &user.id, &name, zone.as_deref())?;
    user::set_language(conn, &user.id, &language)?;
    let mut updated = Me::from(user);
    updated.name = name;
    updated.language = language;
    updated.time_zone = zone;
    Ok(updated)
}

/// Keeps the language the person chose in the switcher for the emails and pages to come.
pub(crate) fn remember_language(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    language: &str,
) -> Result<(), AppError> {
    user::set_language(conn, &user.id, language)?;
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Changes the password after checking the current one, and ends every session of the user
/// and every reset link still outstanding. Both passwords are hashed outside the transaction.
/// The API and the settings page both change passwords through it.
#[tracing::instrument(skip_all)]
pub async fn change_password(
    state: &AppState,
    user_id: &str,
    input: PasswordChange,
) -> Result<(), AppError> {
    let id = user_id.to_owned();
    let row = state
        .db
        .run(move |conn| user::find(conn, &id)?.ok_or_else(|| AppError::not_found("user")))
        .await?;
    password::check_strength(
        "new_password",
        &input.new_password,
        &[&row.email, &row.name],
    )?;
    let current = state
        .passwords
        .verify(input.current_password, Some(row.password_hash))
        .await?;
    if !current {
        return Err(AppError::validation(
            "current_password",
            "is not the current password",
        ));
    }
    let hash = state.passwords.hash(input.new_password).await?;
    state
        .db
        .write(move |conn| accounts::replace_password(conn, &row.id, &hash))
        .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationInput {
    pub email: String,
    pub name: String,
    /// The region the official will act for, e.g. `73.73`.
    pub region: String,
    /// The language of the invitation email.
    #[serde(default)]
    pub language: Language,
}

/// An invitation: its one-time secret goes to the official by email, not to staff.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationCreated {
    pub email: String,
    pub region: String,
    pub expires_at: DateTime<Utc>,
}

/// The name of the region with this code, or the validation problem the API and the people
/// page both report for a code the catalogue does not know.
pub(crate) fn region_name(state: &AppState, code: &str) -> Result<String, AppError> {
    state
        .catalogue
        .region(code)
        .map(|r| r.name.clone())
        .ok_or_else(|| AppError::validation("region", "is not a known region code"))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitationInput {
    pub token: String,
    pub password: String,
    #[serde(default)]
    pub language: Language,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffInput {
    pub email: String,
    pub name: String,
    pub password: String,
    /// `staff` or `admin`.
    pub role: Role,
    #[serde(default)]
    pub language: Language,
}

/// Asks for a password reset link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    pub email: String,
}

/// A new password, with the secret from the reset email.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetInput {
    pub token: String,
    /// 12 to 128 characters, and not easy to guess.
    pub password: String,
}

/// Asks for a password reset link. Whether or not the address has an account, the same one
/// item is queued in the outbox and nothing else happens here: the outbox worker looks the
/// address up and, for an account, makes the link (ending earlier ones) and sends it. So the
/// answer, and the time it takes, tell nobody whether the address is registered. Requests count
/// against the client address's limit and the email address's (the same for a known address
/// and an unknown one).
#[tracing::instrument(skip_all)]
pub async fn request_password_reset(
    state: &AppState,
    email: &str,
    client: ClientAddress,
) -> Result<(), AppError> {
    let email = accounts::normalise_email("email", email)?;
    state
        .throttle
        .check(Limit::PasswordResetAddress, &client.key())?;
    state
        .throttle
        .check(Limit::PasswordResetEmail, &format!("email:{email}"))?;
    state
        .db
        .write(move |conn| crate::notify::queue_password_reset(conn, &email))
        .await
}

/// Sets a new password with the secret from a reset email: the password is checked and hashed
/// first, outside the transaction; then the secret is spent, every session ends and every
/// other reset link stops working.
#[tracing::instrument(skip_all)]
pub async fn reset_password(state: &AppState, input: ResetInput) -> Result<(), AppError> {
    password::check_strength("password", &input.password, &[])?;
    let hash = state.passwords.hash(input.password).await?;
    state
        .db
        .write(move |conn| accounts::reset_password(conn, &input.token, &hash))
        .await
}

/// Accepts an official's invitation: the invitation is read, the password checked against it
/// and hashed outside the transaction, then the account is created and `open` starts its
/// session (API tokens or a browser cookie) in the same transaction. Every attempt counts
/// against the client address's invitation limit first.
#[tracing::instrument(skip_all)]
pub async fn accept_invitation<T, F>(
    state: &AppState,
    input: AcceptInvitationInput,
    client: ClientAddress,
    open: F,
) -> Result<T, AppError>
where
    F: FnOnce(&mut AnyConnection, &User) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    state.throttle.check(Limit::Invitation, &client.key())?;
    let token = input.token.clone();
    let invitation = state
        .db
        .run(move |conn| accounts::open_invitation(conn, &token))
        .await?;
    password::check_strength(
        "password",
        &input.password,
        &[&invitation.email, &invitation.name],
    )?;
    let hash = state.passwords.hash(input.password).await?;
    state
        .db
        .write(move |conn| {
            let row = accounts::accept_invitation(conn, &input.token, input.language, hash)?;
            open(conn, &row)
        })
        .await
}

/// The secret from a verification email.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyInput {
    pub token: String,
}

/// Invites an official (staff only): stores the invitation and queues its email with the
/// one-time secret, which staff never see. The API and the people page both invite through it.
#[tracing::instrument(skip_all)]
pub async fn invite(
    state: &AppState,
    user: AuthenticatedUser,
    input: InvitationInput,
) -> Result<InvitationCreated, AppError> {
    policy::may(&user, Task::InviteOfficials)?;
    let email = accounts::normalise_email("email", &input.email)?;
    let name = accounts::check_name("name", &input.name, text::PERSON_NAME)?;
    let region_name = region_name(state, &input.region)?;
    let ttl = Duration::days(state.settings.auth.invitation_days);
    let app = state.clone();
    state
        .db
        .write(move |conn| {
            if user::email_taken(conn, &email)? {
                return Err(AppError::conflict(
                    ErrorCode::EmailTaken,
                    "an account with this email already exists",
                ));
            }
            let token = new_secret();
            let at = now();
            let invitation = Invitation {
                token_hash: hash_secret(&token),
                email: email.clone(),
                name,
                region_code: input.region.clone(),
                invited_by: user.id.clone(),
                created_at: at,
                expires_at: at + ttl,
                accepted_at: None,
            };
            user::insert_invitation(conn, &invitation)?;
            let base = app.settings.app.public_url.trim_end_matches('/');
            let invitation_email = AccountEmail::OfficialInvitation(OfficialInvitation {
                link: SecretLink {
                    to: Addressee {
                        name: invitation.name.clone(),
                        language: input.language.as_ref().to_owned(),
                    },
                    link: format!("{base}/accept-invitation?token={token}"),
                    valid_until: format!("{} UTC", invitation.expires_at.format("%Y-%m-%d %H:%M")),
                },
                region: RegionRef {
                    code: input.region.clone(),
                    name: region_name,
                },
            });
            crate::notify::email_address(conn, &email, &invitation_email)?;
            Ok(InvitationCreated {
                email,
                region: input.region,
                expires_at: invitation.expires_at.and_utc(),
            })
        })
        .await
}

/// Creates a staff or admin account (admins only). The API and the people page both create
/// staff accounts through it.
#[tracing::instrument(skip_all)]
pub async fn create_staff_account(
    state: &AppState,
    user: &AuthenticatedUser,
    input: StaffInput,
) -> Result<Me, AppError> {
    policy::may(user, Task::CreateStaffAccounts)?;
    if !matches!(input.role, Role::Staff | Role::Admin) {
        return Err(AppError::validation(
            "role",
            "must be staff or admin; investors register and officials are invited",
        ));
    }
    let account = accounts::check(NewAccount {
        email: &input.email,
        password: &input.password,
        name: &input.name,
        role: input.role,
        region_code: None,
        investor_id: None,
        language: input.language,
    })?;
    let hash = state.passwords.hash(input.password).await?;
    state
        .db
        .write(move |conn| {
            let row = accounts::insert(conn, account, hash)?;
            Ok(Me::from_row(&row, input.role))
        })
        .await
}
