//! Accounts: registration of investors, sign-in and tokens, the caller's own account, officials'
//! invitations, and staff accounts created by admins.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::investors::{OrganisationInput, create_investor};
use crate::auth::accounts::{self, Language, NewAccount, TokenPair};
use crate::auth::policy::{self, Task};
use crate::auth::tokens::{TokenKeys, hash_secret, new_secret};
use crate::auth::{AuthenticatedUser, Role, password};
use crate::clock::now;
use crate::db::AnyConnection;
use crate::error::{AppError, ErrorCode};
use crate::meetings::time::time_zone;
use crate::models::user::{self, Invitation, User};
use crate::notify::AccountEmail;
use crate::notify::kinds::{Addressee, OfficialInvitation, RegionRef, SecretLink};
use crate::state::AppState;

/// How long a password reset link works.
pub const RESET_HOURS: i64 = 1;
/// How long an email verification link works.
const VERIFY_HOURS: i64 = 48;

/// Queues an email carrying a fresh one-time secret of `purpose` for a user, with the link to the
/// page that spends it, in the caller's transaction.
#[tracing::instrument(skip_all)]
pub fn email_secret(
    conn: &mut AnyConnection,
    state: &AppState,
    row: &User,
    purpose: &str,
    page: &str,
    hours: i64,
) -> Result<(), AppError> {
    let token = new_secret();
    let expires_at = now() + Duration::hours(hours);
    let base = state.settings.app.public_url.trim_end_matches('/');
    let link = SecretLink {
        to: Addressee {
            name: row.name.clone(),
            language: row.language.clone(),
        },
        link: format!("{base}/{page}?token={token}"),
        valid_until: format!("{} UTC", expires_at.format("%Y-%m-%d %H:%M")),
    };
    // The purpose names the token and the email alike.
    let email = match purpose {
        "password_reset" => AccountEmail::PasswordReset(link),
        "email_verification" => AccountEmail::EmailVerification(link),
        other => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "no email carries a secret for `{other}`"
            )));
        }
    };
    user::insert_account_token(conn, &hash_secret(&token), &row.id, purpose, expires_at)?;
    crate::notify::email_address(conn, &row.email, &email)
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
    /// 12 to 128 characters.
    pub password: String,
    /// The person's name.
    pub name: String,
    #[serde(default)]
    pub language: Language,
    pub organisation: OrganisationInput,
}

/// Creates an investor organisation with its first user and sends the address verification
/// email, in the caller's transaction.
#[tracing::instrument(skip_all)]
pub fn register_investor(
    conn: &mut AnyConnection,
    state: &AppState,
    input: &RegisterInput,
) -> Result<User, AppError> {
    let investor_id = create_investor(conn, &input.organisation, false)?;
    let row = accounts::create(
        conn,
        NewAccount {
            email: &input.email,
            password: &input.password,
            name: &input.name,
            role: Role::Investor,
            region_code: None,
            investor_id: Some(investor_id),
            language: input.language,
        },
    )?;
    email_secret(
        conn,
        state,
        &row,
        "email_verification",
        "verify-email",
        VERIFY_HOURS,
    )?;
    Ok(row)
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
        Some(name) => accounts::check_name("name", &name, 120)?,
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Changes the password after checking the current one, and ends every session of the user.
/// The API and the settings page both change passwords through it.
pub(crate) fn change_password_of(
    conn: &mut AnyConnection,
    user_id: &str,
    input: &PasswordChange,
) -> Result<(), AppError> {
    password::check_strength("new_password", &input.new_password)?;
    let row = user::find(conn, user_id)?.ok_or_else(|| AppError::not_found("user"))?;
    if !password::verify(&input.current_password, &row.password_hash) {
        return Err(AppError::validation(
            "current_password",
            "is not the current password",
        ));
    }
    user::set_password(conn, user_id, &password::hash(&input.new_password)?)?;
    Ok(user::revoke_all_sessions(conn, user_id)?)
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
    /// 12 to 128 characters.
    pub password: String,
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
    let name = accounts::check_name("name", &input.name, 120)?;
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
    state
        .db
        .write(move |conn| {
            let row = accounts::create(
                conn,
                NewAccount {
                    email: &input.email,
                    password: &input.password,
                    name: &input.name,
                    role: input.role,
                    region_code: None,
                    investor_id: None,
                    language: input.language,
                },
            )?;
            Ok(Me::from_row(&row, input.role))
        })
        .await
}
