//! The signed-in person's settings: name, language and time zone; which emails come; the
//! password; the personal calendar feed. And, for staff, the emails and webhooks the outbox gave
//! up on ("dead letters"), to send again.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono_tz::Tz;
use serde::Deserialize;

use super::form::{Field, Problems, Typed};
use super::notifications::{Paging, neighbours};
use super::pickers::ZoneChoices;
use super::session::{self, Everyone, Signed, Staff};
use super::{Page, html, see_other};
use crate::auth::AuthenticatedUser;
use crate::auth::accounts::Language;
use crate::auth::password;
use crate::domain::status::OutboxState;
use crate::error::AppError;
use crate::meetings::time::{in_zone, stored_zone};
use crate::notify::KINDS;
use crate::services::accounts::{MeUpdate, PasswordChange, update_account};
use crate::services::calendar::{create_feed_of, has_feed, revoke_feeds};
use crate::services::notifications::{
    DIGESTS, NotificationSettings, outbox_in_state, recipient_of, retry_dead, save_settings,
    settings_of,
};
use crate::state::AppState;
use crate::web::PageResult;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/settings", web::get().to(show))
        .route("/settings/profile", web::post().to(save_profile))
        .route(
            "/settings/notifications",
            web::post().to(save_notifications),
        )
        .route("/settings/password", web::post().to(change_password))
        .route("/settings/calendar", web::post().to(create_feed))
        .route("/settings/calendar/revoke", web::post().to(revoke_feed))
        .route("/settings/outbox", web::get().to(outbox))
        .route("/settings/outbox/{id}/retry", web::post().to(retry));
}

/// The time zone the person reads times in: the account's choice, else UTC.
pub(crate) fn reading_zone(user: &AuthenticatedUser) -> Tz {
    user.time_zone.as_deref().map_or(Tz::UTC, stored_zone)
}

/// A feed address just made, in the two forms calendar apps take.
struct NewFeed {
    https: String,
    webcal: String,
}

/// The settings forms' fields as the account and notification rules name them.
const FIELDS: [Field; 7] = [
    Field::new(
        "name",
        "name",
        "settings.field_name",
        "settings.problem_name",
    ),
    Field::new(
        "language",
        "language",
        "settings.field_language",
        "settings.problem_language",
    ),
    Field::new(
        "time_zone",
        "time_zone",
        "settings.field_time_zone",
        "settings.problem_time_zone",
    ),
    Field::new(
        "digest",
        "digest",
        "settings.field_digest",
        "settings.problem_digest",
    ),
    Field::new(
        "muted",
        "muted",
        "settings.field_muted",
        "settings.problem_muted",
    ),
    Field::new(
        "current_password",
        "current_password",
        "settings.field_current_password",
        "settings.problem_current_password",
    ),
    Field::new(
        "new_password",
        "new_password",
        "settings.field_new_password",
        "settings.problem_new_password",
    )
    .between(password::MIN_LEN, password::MAX_LEN),
];

/// What the profile form holds.
struct Profile {
    name: String,
    time_zone: String,
    language: String,
}

#[derive(Template)]
#[template(path = "pages/settings.html")]
struct SettingsPage {
    page: Page,
    /// Which form was just saved, as a message.
    saved: Option<String>,
    /// What the form just sent could not take.
    problems: Problems,
    profile: Profile,
    zones: ZoneChoices,
    /// Code, label and whether it is chosen.
    languages: Vec<(&'static str, String, bool)>,
    email: bool,
    /// Kind, label and whether it is muted.
    kinds: Vec<(&'static str, String, bool)>,
    digests: Vec<(&'static str, String, bool)>,
    has_feed: bool,
    feed: Option<NewFeed>,
}

impl SettingsPage {
    fn new(page: Page, profile: Profile, notifications: &NotificationSettings) -> Self {
        let language = profile.language.clone();
        let zones = ZoneChoices::of(&profile.time_zone);
        SettingsPage {
            saved: None,
            problems: Problems::default(),
            profile,
            zones,
            languages: [("id", "Bahasa Indonesia"), ("en", "English")]
                .into_iter()
                .map(|(code, label)| (code, label.to_owned(), code == language))
                .collect(),
            email: notifications.email,
            kinds: KINDS
                .iter()
                .map(|k| {
                    let muted = notifications.muted.iter().any(|m| m == k);
                    (*k, page.t(&format!("notification_kind.{k}")), muted)
                })
                .collect(),
            digests: DIGESTS
                .iter()
                .map(|d| {
                    let chosen = notifications.digest == *d;
                    (*d, page.t(&format!("settings.digest_{d}")), chosen)
                })
                .collect(),
            has_feed: false,
            feed: None,
            page,
        }
    }

    /// A form's problems, each at its field, in the page's language.
    fn with_problems(mut self, error: &AppError) -> Self {
        if let AppError::Validation { fields, .. } = error {
            self.problems = Problems::of_errors(self.page.lang, &FIELDS, fields);
        }
        self
    }

    fn render_with(self, status: StatusCode) -> HttpResponse {
        html(status, self.render())
    }
}

fn profile_of(user: &AuthenticatedUser) -> Profile {
    Profile {
        name: user.name.clone(),
        time_zone: user.time_zone.clone().unwrap_or_default(),
        language: user.language.clone(),
    }
}

/// What the settings page shows when nothing was typed: the stored settings.
async fn stored(
    state: &AppState,
    user: &AuthenticatedUser,
) -> Result<(NotificationSettings, bool), AppError> {
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            let settings = settings_of(conn, &user)?;
            let has_feed = has_feed(conn, &user.id)?;
            Ok((settings, has_feed))
        })
        .await
}

/// The page as stored, with the typed input of the form that failed (if any) in place of it.
async fn page_for(
    page: Page,
    state: &AppState,
    user: &AuthenticatedUser,
    typed_profile: Option<Profile>,
    typed_notifications: Option<NotificationSettings>,
) -> Result<SettingsPage, AppError> {
    let (stored_settings, has_feed) = stored(state, user).await?;
    let notifications = typed_notifications.unwrap_or(stored_settings);
    let profile = typed_profile.unwrap_or_else(|| profile_of(user));
    let mut page = SettingsPage::new(page, profile, &notifications);
    page.has_feed = has_feed;
    Ok(page)
}

/// Which form was saved, for the note after the redirect.
#[derive(Debug, Deserialize)]
struct Saved {
    saved: Option<String>,
}

async fn show(
    Signed { user, page, .. }: Signed<Everyone>,
    state: web::Data<AppState>,
    query: web::Query<Saved>,
) -> PageResult {
    let mut page = page_for(page, &state, &user, None, None).await?;
    page.saved = match query.saved.as_deref() {
        Some("calendar_revoked") => Some(page.page.t("settings.feed_revoked")),
        Some(_) => Some(page.page.t("settings.saved")),
        None => None,
    };
    Ok(page.render_with(StatusCode::OK))
}

/// A form's outcome: `done` when it was saved; the page again with its problems and the input
/// kept (422) when it was refused; the error page otherwise.
async fn finish(
    page: Page,
    state: &AppState,
    user: &AuthenticatedUser,
    outcome: Result<HttpResponse, AppError>,
    typed: (Option<Profile>, Option<NotificationSettings>),
) -> PageResult {
    let error = match outcome {
        Ok(done) => return Ok(done),
        Err(e @ AppError::Validation { .. }) => e,
        Err(e) => return Err(e),
    };
    let page = page_for(page, state, user, typed.0, typed.1).await?;
    Ok(page
        .with_problems(&error)
        .render_with(StatusCode::UNPROCESSABLE_ENTITY))
}

/// Saves name, language and time zone through the same account change as `PATCH /me`.
async fn save_profile(
    Signed { user, page, .. }: Signed<Everyone>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let typed = Typed::parse(&body);
    let kept = Profile {
        name: typed.one("name"),
        time_zone: typed.one("time_zone"),
        language: typed.one("language"),
    };
    let language = match kept.language.as_str() {
        "id" => Language::Indonesian,
        "en" => Language::English,
        _ => {
            let error = AppError::validation("language", "must be id or en");
            return finish(page, &state, &user, Err(error), (Some(kept), None)).await;
        }
    };
    let change = MeUpdate {
        language: Some(language),
        name: Some(kept.name.clone()),
        time_zone: Some(kept.time_zone.clone()),
    };
    let owner = user.clone();
    let saved = state
        .db
        .write(move |conn| update_account(conn, &owner, change))
        .await;
    let outcome = saved.map(|_| see_other("/settings?saved=profile").finish());
    finish(page, &state, &user, outcome, (Some(kept), None)).await
}

/// Saves which emails come through the same check and store as `PUT /me/notification-settings`.
async fn save_notifications(
    Signed { user, page, .. }: Signed<Everyone>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let typed = Typed::parse(&body);
    let input = NotificationSettings {
        email: typed.one("email") == "on",
        muted: typed.all("muted"),
        digest: typed.one("digest"),
        language: None,
    };
    let kept = input.clone();
    let owner = user.clone();
    let saved = state
        .db
        .write(move |conn| save_settings(conn, &owner, input))
        .await;
    let outcome = saved.map(|_| see_other("/settings?saved=notifications").finish());
    finish(page, &state, &user, outcome, (None, Some(kept))).await
}

/// Changes the password as `POST /me/password` does; every session ends, this one too, so the
/// person signs in again with the new password.
async fn change_password(
    Signed { user, page, .. }: Signed<Everyone>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let typed = Typed::parse(&body);
    // Passwords are taken as typed (spaces count) and never shown again.
    let raw = |name: &str| typed.all(name).pop().unwrap_or_default();
    let input = PasswordChange {
        current_password: raw("current_password"),
        new_password: raw("new_password"),
    };
    let changed = crate::services::accounts::change_password(&state, &user.id, input).await;
    let outcome = changed.map(|()| {
        see_other("/sign-in")
            .cookie(session::cookie(&state, ""))
            .finish()
    });
    finish(page, &state, &user, outcome, (None, None)).await
}

/// Makes a new calendar feed address (earlier ones stop working) and shows it this once.
async fn create_feed(
    Signed { user, page, .. }: Signed<Everyone>,
    state: web::Data<AppState>,
) -> PageResult {
    let public_url = state.settings.app.public_url.clone();
    let id = user.id.clone();
    let url = state
        .db
        .write(move |conn| create_feed_of(conn, &public_url, &id))
        .await?;
    let mut page = page_for(page, &state, &user, None, None).await?;
    let webcal = match url.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => url.clone(),
    };
    page.feed = Some(NewFeed { https: url, webcal });
    Ok(page.render_with(StatusCode::OK))
}

/// Stops every feed address of the viewer, as `DELETE /me/calendar` does.
async fn revoke_feed(
    Signed { user, .. }: Signed<Everyone>,
    state: web::Data<AppState>,
) -> PageResult {
    state
        .db
        .write(move |conn| revoke_feeds(conn, &user.id))
        .await?;
    Ok(see_other("/settings?saved=calendar_revoked").finish())
}

/// A dead outbox item as staff see it.
struct DeadLetter {
    id: String,
    kind: String,
    channel: String,
    recipient: String,
    attempts: i32,
    last_error: String,
    created: String,
}

#[derive(Template)]
#[template(path = "pages/outbox.html")]
struct Outbox {
    page: Page,
    total: String,
    items: Vec<DeadLetter>,
    zone: String,
    previous: Option<String>,
    next: Option<String>,
}

const PER_PAGE: i64 = 50;

/// Staff's dead letters: what the outbox gave up on, each with a retry button.
async fn outbox(
    Staff { user, page, .. }: Staff,
    state: web::Data<AppState>,
    paging: web::Query<Paging>,
) -> PageResult {
    let number = paging.number();
    let zone = reading_zone(&user);
    let found = state
        .db
        .run(move |conn| {
            let (items, total) = outbox_in_state(
                conn,
                &user,
                OutboxState::Dead,
                (number - 1) * PER_PAGE,
                PER_PAGE,
            )?;
            let mut letters = Vec::new();
            for item in items {
                letters.push(DeadLetter {
                    recipient: recipient_of(conn, &item)?,
                    created: in_zone(item.created_at, zone)
                        .format("%Y-%m-%d %H:%M")
                        .to_string(),
                    id: item.id,
                    kind: item.kind,
                    channel: item.channel,
                    attempts: item.attempts,
                    last_error: item.last_error.unwrap_or_default(),
                });
            }
            Ok((letters, total))
        })
        .await;
    let (items, total) = found?;
    let (previous, next) = neighbours("/settings/outbox", number, PER_PAGE, total);
    Ok(html(
        StatusCode::OK,
        Outbox {
            total: page.lang.integer(total),
            items,
            zone: zone.name().to_owned(),
            previous,
            next,
            page,
        }
        .render(),
    ))
}

/// Puts a dead item back in line, as `POST /admin/outbox/{id}/retry` does (staff only).
async fn retry(
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> PageResult {
    state
        .db
        .write(move |conn| retry_dead(conn, &user, &id))
        .await?;
    Ok(see_other("/settings/outbox").finish())
}
