//! People staff bring in: officials invited to act for their region, staff accounts made by
//! admins, and (admins) the partner systems subscribed to webhooks.

use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::form::{Field, Problems, Typed};
use super::pickers::{RegionGroup, region_groups};
use super::session::Staff;
use super::{Page, html, see_other};
use crate::auth::accounts::Language;
use crate::auth::password;
use crate::auth::policy::{self, Task};
use crate::auth::{AuthenticatedUser, Role};
use crate::error::{AppError, ErrorCode};
use crate::notify::webhook::EVENT_TYPES;
use crate::notify::worker::GONE;
use crate::services::accounts::{InvitationInput, StaffInput, create_staff_account, invite};
use crate::services::webhooks::{
    Subscription, SubscriptionInput, subscribe, subscriptions, unsubscribe,
};
use crate::state::AppState;
use crate::web::PageResult;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/people", web::get().to(show))
        .route("/people/invite", web::post().to(invite_official))
        .route("/people/staff", web::post().to(create_staff))
        .route("/people/webhooks", web::get().to(webhooks))
        .route("/people/webhooks", web::post().to(subscribe_partner))
        .route(
            "/people/webhooks/{id}/delete",
            web::post().to(delete_webhook),
        );
}

/// The invitation form's fields as the invitation rules name them.
const INVITE_FIELDS: [Field; 4] = [
    Field::new(
        "email",
        "email",
        "people.field_email",
        "people.problem_email",
    ),
    Field::new("name", "name", "people.field_name", "people.problem_name"),
    Field::new(
        "region",
        "region",
        "people.field_region",
        "people.problem_region",
    ),
    Field::new(
        "language",
        "language",
        "people.field_language",
        "people.problem_language",
    ),
];

/// The staff account form's fields as the account rules name them.
const STAFF_FIELDS: [Field; 5] = [
    Field::new(
        "email",
        "staff_email",
        "people.field_email",
        "people.problem_email",
    ),
    Field::new(
        "name",
        "staff_name",
        "people.field_name",
        "people.problem_name",
    ),
    Field::new(
        "password",
        "staff_password",
        "people.field_password",
        "people.problem_password",
    )
    .between(password::MIN_LEN, password::MAX_LEN),
    Field::new(
        "role",
        "staff_role",
        "people.field_role",
        "people.problem_role",
    ),
    Field::new(
        "language",
        "staff_language",
        "people.field_language",
        "people.problem_language",
    ),
];

/// The webhook form's fields as the subscription rules name them.
const WEBHOOK_FIELDS: [Field; 2] = [
    Field::new("url", "url", "webhooks.field_url", "webhooks.problem_url"),
    Field::new(
        "event_types",
        "event_types",
        "webhooks.field_kinds",
        "webhooks.problem_kinds",
    ),
];

/// A choice in a list: its value, its label and whether it is chosen.
type Choice = (String, String, bool);

/// What the forms hold: as typed after a refusal, else empty.
#[derive(Default)]
struct Kept {
    email: String,
    name: String,
    region: String,
    language: String,
    staff_email: String,
    staff_name: String,
    staff_role: String,
    staff_language: String,
}

#[derive(Template)]
#[template(path = "pages/people.html")]
struct PeoplePage {
    page: Page,
    admin: bool,
    sent: Option<String>,
    problems: Problems,
    kept: Kept,
    provinces: Vec<RegionGroup>,
    languages: Vec<Choice>,
    staff_languages: Vec<Choice>,
    roles: Vec<Choice>,
}

/// The languages an account or email may be in, with the chosen one marked.
fn languages(chosen: &str) -> Vec<Choice> {
    [("id", "Bahasa Indonesia"), ("en", "English")]
        .into_iter()
        .map(|(code, label)| (code.to_owned(), label.to_owned(), code == chosen))
        .collect()
}

impl PeoplePage {
    fn new(page: Page, state: &AppState, user: &AuthenticatedUser, kept: Kept) -> Self {
        let language = if kept.language.is_empty() {
            "id"
        } else {
            &kept.language
        };
        let staff_language = if kept.staff_language.is_empty() {
            "id"
        } else {
            &kept.staff_language
        };
        PeoplePage {
            admin: policy::can(user, Task::CreateStaffAccounts),
            sent: None,
            problems: Problems::default(),
            provinces: region_groups(&state.catalogue, std::slice::from_ref(&kept.region)),
            languages: languages(language),
            staff_languages: languages(staff_language),
            roles: [Role::Staff, Role::Admin]
                .into_iter()
                .map(|r| {
                    let code = r.as_ref().to_owned();
                    let label = page.t(&format!("people.role_{code}"));
                    let chosen = code == kept.staff_role;
                    (code, label, chosen)
                })
                .collect(),
            kept,
            page,
        }
    }
}

/// Which form was just done, for the note after the redirect.
#[derive(Debug, Deserialize)]
struct Sent {
    sent: Option<String>,
}

/// The people page (staff; the staff account form for admins only).
async fn show(
    req: HttpRequest,
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    query: web::Query<Sent>,
) -> HttpResponse {
    let mut page = PeoplePage::new(Page::of(&req), &state, &user, Kept::default());
    page.sent = match query.sent.as_deref() {
        Some("invitation") => Some(page.page.t("people.invited")),
        Some("staff") => Some(page.page.t("people.staff_created")),
        _ => None,
    };
    html(StatusCode::OK, page.render())
}

/// A language as typed into a form, or the problem the rules would name for `field`.
fn language_of(field: &str, typed: &str) -> Result<Language, AppError> {
    match typed {
        "id" => Ok(Language::Indonesian),
        "en" => Ok(Language::English),
        _ => Err(AppError::validation(field, "must be id or en")),
    }
}

/// A form's outcome: `done` when it worked; the page again with the problems at their fields and
/// the input kept (422) when the rules refused it or the address is taken; the error page
/// otherwise.
fn finish(
    req: &HttpRequest,
    state: &AppState,
    user: &AuthenticatedUser,
    outcome: Result<HttpResponse, AppError>,
    (kept, form): (Kept, &[Field]),
) -> PageResult {
    let fields = match outcome {
        Ok(done) => return Ok(done),
        Err(AppError::Validation { fields, .. }) => fields,
        // An address that already has an account is a problem of the form's email field.
        Err(AppError::Conflict {
            code: ErrorCode::EmailTaken,
            message,
        }) => [("email".to_owned(), message)].into(),
        Err(e) => return Err(e),
    };
    let mut page = PeoplePage::new(Page::of(req), state, user, kept);
    page.problems = Problems::of_errors(page.page.lang, form, &fields);
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page.render()))
}

/// Invites an official through the same invitation as `POST /invitations`: the email with the
/// one-time link goes through the outbox, and staff never see the secret.
async fn invite_official(
    req: HttpRequest,
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let typed = Typed::parse(&body);
    let kept = Kept {
        email: typed.one("email"),
        name: typed.one("name"),
        region: typed.one("region"),
        language: typed.one("language"),
        ..Kept::default()
    };
    let outcome = match language_of("language", &kept.language) {
        Ok(language) => {
            let input = InvitationInput {
                email: kept.email.clone(),
                name: kept.name.clone(),
                region: kept.region.clone(),
                language,
            };
            invite(&state, user.clone(), input)
                .await
                .map(|_| see_other("/people?sent=invitation").finish())
        }
        Err(e) => Err(e),
    };
    finish(&req, &state, &user, outcome, (kept, &INVITE_FIELDS))
}

/// Creates a staff or admin account through the same check as `POST /users` (admins only).
async fn create_staff(
    req: HttpRequest,
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    // The shared rule refuses staff too; refusing them first keeps the form's own checks of
    // role and language from telling staff more than that they may not.
    policy::may(&user, Task::CreateStaffAccounts)?;
    let typed = Typed::parse(&body);
    let kept = Kept {
        staff_email: typed.one("email"),
        staff_name: typed.one("name"),
        staff_role: typed.one("role"),
        staff_language: typed.one("language"),
        ..Kept::default()
    };
    let role = Role::from_str(&kept.staff_role)
        .map_err(|_| AppError::validation("role", "must be staff or admin"));
    let outcome = match (role, language_of("language", &kept.staff_language)) {
        (Ok(role), Ok(language)) => {
            let input = StaffInput {
                email: kept.staff_email.clone(),
                name: kept.staff_name.clone(),
                // Taken as typed: spaces count, and it is never shown again.
                password: typed.all("password").pop().unwrap_or_default(),
                role,
                language,
            };
            create_staff_account(&state, &user, input)
                .await
                .map(|_| see_other("/people?sent=staff").finish())
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    finish(&req, &state, &user, outcome, (kept, &STAFF_FIELDS))
}

/// A subscription as the webhooks page lists it.
struct Row {
    id: String,
    url: String,
    kinds: String,
    active: bool,
    disabled_reason: String,
}

#[derive(Template)]
#[template(path = "pages/webhooks.html")]
struct WebhooksPage {
    page: Page,
    deleted: bool,
    rows: Vec<Row>,
    /// The subscription just made, with its signing secret shown this once.
    created: Option<Subscription>,
    problems: Problems,
    url: String,
    kinds: Vec<Choice>,
}

impl WebhooksPage {
    /// The page with every subscription, the form holding `url` and the `chosen` kinds.
    async fn of(
        req: &HttpRequest,
        state: &AppState,
        user: &AuthenticatedUser,
        (url, chosen): (String, Vec<String>),
    ) -> Result<Self, AppError> {
        let page = Page::of(req);
        let rows = subscriptions(state, user)
            .await?
            .into_iter()
            .map(|s| Row {
                kinds: s.event_types.join(", "),
                disabled_reason: match s.disabled_reason.as_deref() {
                    Some(GONE) => page.t("webhooks.gone"),
                    Some(other) => other.to_owned(),
                    None => String::new(),
                },
                id: s.id,
                url: s.url,
                active: s.active,
            })
            .collect();
        // Each kind in words, with the name partners' systems see in the events.
        let label = |kind: &str| {
            let words = page.t(&format!("webhook_kind.{}", kind.replace('.', "_")));
            format!("{words} ({kind})")
        };
        Ok(WebhooksPage {
            deleted: false,
            rows,
            created: None,
            problems: Problems::default(),
            url,
            kinds: EVENT_TYPES
                .iter()
                .map(|k| (k.to_string(), label(k), chosen.iter().any(|c| c == k)))
                .collect(),
            page,
        })
    }
}

/// Whether a subscription was just deleted, for the note after the redirect.
#[derive(Debug, Deserialize)]
struct Deleted {
    deleted: Option<String>,
}

/// The webhook subscriptions (admins only, as `GET /admin/webhooks`).
async fn webhooks(
    req: HttpRequest,
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    query: web::Query<Deleted>,
) -> PageResult {
    let mut page = WebhooksPage::of(&req, &state, &user, Default::default()).await?;
    page.deleted = query.deleted.is_some();
    Ok(html(StatusCode::OK, page.render()))
}

/// Subscribes a partner system as `POST /admin/webhooks` does and shows its signing secret,
/// this once.
async fn subscribe_partner(
    req: HttpRequest,
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let typed = Typed::parse(&body);
    let input = SubscriptionInput {
        url: typed.one("url"),
        event_types: typed.all("event_types"),
    };
    let kept = (input.url.clone(), input.event_types.clone());
    let (created, refused) = match subscribe(&state, &user, input).await {
        Ok(created) => (Some(created), None),
        Err(AppError::Validation { fields, .. }) => (None, Some(fields)),
        Err(e) => return Err(e),
    };
    // A new subscription leaves an empty form; a refused one keeps what was typed.
    let form = if created.is_some() {
        Default::default()
    } else {
        kept
    };
    let mut page = WebhooksPage::of(&req, &state, &user, form).await?;
    page.created = created;
    let status = match refused {
        Some(fields) => {
            page.problems = Problems::of(page.page.lang, &WEBHOOK_FIELDS, fields.keys());
            StatusCode::UNPROCESSABLE_ENTITY
        }
        None => StatusCode::OK,
    };
    Ok(html(status, page.render()))
}

/// Deletes a subscription as `DELETE /admin/webhooks/{id}` does.
async fn delete_webhook(
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> PageResult {
    unsubscribe(&state, &user, id.into_inner()).await?;
    Ok(see_other("/people/webhooks?deleted=1").finish())
}
