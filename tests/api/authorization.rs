//! The authorisation matrix: every route of the route table — each operation of the OpenAPI
//! document and each page route declared under `src/web/` — called by every kind of caller
//! (anonymous, investor A, investor B, an official of region X, one of region Y, staff, an admin)
//! on objects that belong to investor A and region X, with the answer each caller must get from
//! the table below. Every body a caller receives is searched for the marker strings of the
//! parties it may not see. A route with no row, or a row with no route, fails the test, so a new
//! route cannot escape the matrix.
//!
//! `cargo test --test api -- authorization --nocapture` prints the matrix's size.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use reqwest::{Method, StatusCode};
use sepadan::auth::Role;
use serde_json::{Value, json};

use crate::files::{multipart, pdf, png, upload};
use crate::helpers::{PASSWORD, TestApp, TestUser, no_redirects, spawn_with, test_settings};
use crate::meetings::{create_event, forum_body, in_days, register, schedule};

/// The callers, in the order of every row.
const CALLERS: [&str; 7] = [
    "anonymous",
    "investor A",
    "investor B",
    "official of X",
    "official of Y",
    "staff",
    "admin",
];
const ANON: usize = 0;
const INV_A: usize = 1;
const INV_B: usize = 2;
const OFF_X: usize = 3;
const OFF_Y: usize = 4;
const STAFF: usize = 5;
const ADMIN: usize = 6;

/// Region X (whose objects the rows use) and region Y.
const X: &str = "73.73";
const Y: &str = "73.22";

/// What a caller must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum E {
    /// Past the access check: a 2xx, a redirect elsewhere than the sign-in page, or the object's
    /// state (409) or the body's values (422) refused by the work itself.
    Allow,
    /// A redirect to the sign-in page.
    SignIn,
    /// Exactly this status.
    Is(u16),
    /// Anything but a server error: the extra reads of [`PROBES`], there for what they show.
    Any,
}

const F: E = E::Is(403);
const N: E = E::Is(404);
const U: E = E::Is(401);

/// Who gets in, as a row says it. Callers refused before being known get the face's answer to
/// the anonymous (401 on the API, the sign-in page on the pages) unless the rule spells it out.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Everyone.
    Public,
    /// Everyone gets this same answer (capability links with a forged secret, wrong passwords).
    Same(E),
    /// Anyone signed in.
    SignedIn,
    /// Staff and admins; others signed in get 403.
    Staff,
    /// Admins; others signed in get 403.
    Admin,
    /// The people of investing organisations; others signed in get 403.
    Investors,
    /// Regions' officials; others signed in get 403.
    Officials,
    /// The two sides of meetings, investors and officials; others signed in get 403.
    MeetingParties,
    /// Investor A (the owner), staff and admins; the others signed in get the answer given.
    OwnerA(E),
    /// Region X's official, staff and admins; the others signed in get the answer given.
    RegionX(E),
    /// The parties of A's meeting with X (investor A and X's official), staff and admins.
    Parties(E),
    /// Each caller's answer, in the order of [`CALLERS`].
    Each([E; 7]),
}

impl Rule {
    fn expected(self, page: bool) -> [E; 7] {
        let out = if page { E::SignIn } else { U };
        let signed = |inside: &[usize], refused: E| {
            let mut row = [refused; 7];
            row[ANON] = out;
            for &i in inside {
                row[i] = E::Allow;
            }
            row
        };
        match self {
            Rule::Public => [E::Allow; 7],
            Rule::Same(e) => [e; 7],
            Rule::SignedIn => signed(&[INV_A, INV_B, OFF_X, OFF_Y, STAFF, ADMIN], F),
            Rule::Staff => signed(&[STAFF, ADMIN], F),
            Rule::Admin => signed(&[ADMIN], F),
            Rule::Investors => signed(&[INV_A, INV_B], F),
            Rule::Officials => signed(&[OFF_X, OFF_Y], F),
            Rule::MeetingParties => signed(&[INV_A, INV_B, OFF_X, OFF_Y], F),
            Rule::OwnerA(e) => signed(&[INV_A, STAFF, ADMIN], e),
            Rule::RegionX(e) => signed(&[OFF_X, STAFF, ADMIN], e),
            Rule::Parties(e) => signed(&[INV_A, OFF_X, STAFF, ADMIN], e),
            Rule::Each(row) => row,
        }
    }
}

use E::{Allow as A, SignIn as S};

/// Region X's draft: only those who may see it learn that it exists.
const DRAFT_X: [E; 7] = [U, N, N, A, N, A, A];
/// Reviewing region X's draft: its official sees it but may not review it.
const REVIEW_X: [E; 7] = [U, N, N, F, N, A, A];
/// The officials' pages of region X's draft: for officials only, and Y's cannot find it.
const MY_DRAFT: [E; 7] = [S, F, F, A, N, F, F];

/// The JSON API: every operation of the OpenAPI document.
#[rustfmt::skip]
const API: &[(&str, &str, Rule)] = &[
    ("GET", "/healthz", Rule::Public),
    ("GET", "/readyz", Rule::Public),
    ("GET", "/api/v1/openapi.json", Rule::Public),
    ("GET", "/calendar/{token}.ics", Rule::Public),
    // Accounts. Sign-in with a wrong password, links with forged secrets.
    ("POST", "/api/v1/auth/login", Rule::Same(U)),
    ("POST", "/api/v1/auth/refresh", Rule::Same(U)),
    ("POST", "/api/v1/auth/register", Rule::Public),
    ("POST", "/api/v1/auth/verify-email", Rule::Same(U)),
    ("POST", "/api/v1/auth/accept-invitation", Rule::Same(U)),
    ("POST", "/api/v1/auth/password-reset", Rule::Public),
    ("POST", "/api/v1/auth/password-reset/confirm", Rule::Same(U)),
    ("POST", "/api/v1/auth/logout", Rule::SignedIn),
    ("GET", "/api/v1/me", Rule::SignedIn),
    ("PATCH", "/api/v1/me", Rule::SignedIn),
    ("POST", "/api/v1/me/password", Rule::SignedIn),
    ("GET", "/api/v1/me/agenda", Rule::SignedIn),
    ("POST", "/api/v1/me/calendar", Rule::SignedIn),
    ("DELETE", "/api/v1/me/calendar", Rule::SignedIn),
    ("GET", "/api/v1/me/notification-settings", Rule::SignedIn),
    ("PUT", "/api/v1/me/notification-settings", Rule::SignedIn),
    ("GET", "/api/v1/me/notifications", Rule::SignedIn),
    ("POST", "/api/v1/me/notifications/{id}/read", Rule::Each([U, A, N, N, N, N, N])),
    ("GET", "/api/v1/unsubscribe", Rule::Same(F)),
    ("POST", "/api/v1/unsubscribe", Rule::Same(F)),
    ("POST", "/api/v1/invitations", Rule::Staff),
    ("POST", "/api/v1/users", Rule::Admin),
    // Reference data.
    ("GET", "/api/v1/countries", Rule::Public),
    ("GET", "/api/v1/currencies", Rule::Public),
    ("GET", "/api/v1/dimensions", Rule::Public),
    ("GET", "/api/v1/exchange-rates", Rule::Public),
    ("GET", "/api/v1/provinces", Rule::Public),
    ("GET", "/api/v1/sectors", Rule::Public),
    ("GET", "/api/v1/regions", Rule::Public),
    ("GET", "/api/v1/regions/{code}", Rule::Public),
    ("PUT", "/api/v1/regions/{code}/profile", Rule::RegionX(F)),
    // Projects: the rows use region X's draft.
    ("GET", "/api/v1/projects", Rule::Public),
    ("POST", "/api/v1/projects", Rule::RegionX(F)),
    ("GET", "/api/v1/projects/{id}", Rule::Each([N, N, N, A, N, A, A])),
    ("PATCH", "/api/v1/projects/{id}", Rule::Each(DRAFT_X)),
    ("POST", "/api/v1/projects/{id}/submit", Rule::Each(DRAFT_X)),
    ("POST", "/api/v1/projects/{id}/close", Rule::Each(DRAFT_X)),
    ("POST", "/api/v1/projects/{id}/publish", Rule::Each(REVIEW_X)),
    ("POST", "/api/v1/projects/{id}/request-changes", Rule::Each(REVIEW_X)),
    ("GET", "/api/v1/projects/{id}/matches", Rule::RegionX(F)),
    // A project's files: the rows use a photo of region X's draft.
    ("POST", "/api/v1/projects/{id}/files", Rule::Each(DRAFT_X)),
    ("GET", "/api/v1/projects/{id}/files", Rule::Each([N, N, N, A, N, A, A])),
    ("GET", "/api/v1/projects/{id}/files/{file_id}", Rule::Each([N, N, N, A, N, A, A])),
    ("GET", "/api/v1/projects/{id}/files/{file_id}/thumbnail", Rule::Each([N, N, N, A, N, A, A])),
    ("DELETE", "/api/v1/projects/{id}/files/{file_id}", Rule::Each(DRAFT_X)),
    // Investors: the rows use investor A.
    ("GET", "/api/v1/investors", Rule::SignedIn),
    ("GET", "/api/v1/investors/{id}", Rule::Each([U, A, N, A, A, A, A])),
    ("PATCH", "/api/v1/investors/{id}", Rule::Each([U, A, N, F, F, A, A])),
    ("PUT", "/api/v1/investors/{id}/mandate", Rule::Each([U, A, N, F, F, A, A])),
    ("POST", "/api/v1/investors/{id}/verify", Rule::Staff),
    ("GET", "/api/v1/investors/{id}/matches", Rule::OwnerA(N)),
    ("GET", "/api/v1/investors/{id}/feedback", Rule::OwnerA(N)),
    ("PUT", "/api/v1/investors/{id}/feedback/{project_id}", Rule::OwnerA(N)),
    ("DELETE", "/api/v1/investors/{id}/feedback/{project_id}", Rule::OwnerA(N)),
    ("POST", "/api/v1/matches/preview", Rule::Public),
    // Saved searches: each row uses one of investor A's.
    ("GET", "/api/v1/me/saved-searches", Rule::Investors),
    ("POST", "/api/v1/me/saved-searches", Rule::Investors),
    ("PATCH", "/api/v1/me/saved-searches/{id}", Rule::Each([U, A, N, F, F, F, F])),
    ("DELETE", "/api/v1/me/saved-searches/{id}", Rule::Each([U, A, N, F, F, F, F])),
    // Deals: A's deal with X's published project, and its data room.
    ("GET", "/api/v1/conversations", Rule::SignedIn),
    ("POST", "/api/v1/conversations", Rule::Investors),
    ("GET", "/api/v1/conversations/{id}", Rule::Parties(N)),
    ("POST", "/api/v1/conversations/{id}/messages", Rule::Each([U, A, N, A, N, F, F])),
    ("GET", "/api/v1/reports/funnel", Rule::Staff),
    ("GET", "/api/v1/exports/funnel.{format}", Rule::Staff),
    ("GET", "/api/v1/deals", Rule::SignedIn),
    ("GET", "/api/v1/deals/{id}", Rule::Parties(N)),
    ("POST", "/api/v1/deals/{id}/steps", Rule::Parties(N)),
    ("GET", "/api/v1/projects/{id}/data-room", Rule::SignedIn),
    ("POST", "/api/v1/projects/{id}/nda/accept", Rule::Investors),
    ("POST", "/api/v1/projects/{id}/data-room/grants", Rule::RegionX(F)),
    ("GET", "/api/v1/regions/{code}/nda", Rule::SignedIn),
    ("PUT", "/api/v1/regions/{code}/nda", Rule::RegionX(F)),
    ("GET", "/api/v1/matches/top", Rule::Staff),
    // Events: the rows use the event where A meets X, and A's registration.
    ("GET", "/api/v1/events", Rule::SignedIn),
    ("POST", "/api/v1/events", Rule::Staff),
    ("GET", "/api/v1/events/{id}", Rule::SignedIn),
    ("GET", "/api/v1/events/{id}/participants", Rule::SignedIn),
    ("POST", "/api/v1/events/{id}/participants", Rule::OwnerA(F)),
    ("POST", "/api/v1/events/{id}/participants/batch", Rule::Staff),
    ("PUT", "/api/v1/events/{id}/participants/{participant_id}", Rule::OwnerA(F)),
    ("GET", "/api/v1/events/{id}/applications", Rule::Staff),
    // A's registration is approved already: staff pass the check and find no application.
    ("POST", "/api/v1/events/{id}/applications/{participant_id}/approve", Rule::Each([U, F, F, F, F, N, N])),
    ("DELETE", "/api/v1/events/{id}/applications/{participant_id}", Rule::Each([U, F, F, F, F, N, N])),
    ("GET", "/api/v1/events/{id}/requests", Rule::SignedIn),
    ("POST", "/api/v1/events/{id}/requests", Rule::Parties(F)),
    ("POST", "/api/v1/events/{id}/introductions", Rule::Staff),
    ("POST", "/api/v1/events/{id}/schedule", Rule::Staff),
    ("GET", "/api/v1/events/{id}/meetings", Rule::Staff),
    ("GET", "/api/v1/jobs/{id}", Rule::Each([U, N, N, N, N, A, A])),
    ("GET", "/api/v1/delegations", Rule::SignedIn),
    ("POST", "/api/v1/delegations", Rule::Staff),
    ("GET", "/api/v1/delegations/{id}", Rule::SignedIn),
    // A's request to X, and their meeting.
    ("GET", "/api/v1/requests/{id}", Rule::Parties(N)),
    ("POST", "/api/v1/requests/{id}/accept", Rule::Parties(N)),
    ("POST", "/api/v1/requests/{id}/decline", Rule::Parties(N)),
    ("POST", "/api/v1/requests/{id}/cancel", Rule::Parties(N)),
    ("GET", "/api/v1/meetings/{id}", Rule::Parties(N)),
    ("PATCH", "/api/v1/meetings/{id}", Rule::Staff),
    ("DELETE", "/api/v1/meetings/{id}", Rule::Parties(N)),
    ("GET", "/api/v1/meetings/{id}/calendar.ics", Rule::Parties(N)),
    ("PUT", "/api/v1/meetings/{id}/outcome", Rule::Parties(N)),
    // Staff's and admins' work.
    ("GET", "/api/v1/admin/outbox", Rule::Staff),
    ("POST", "/api/v1/admin/outbox/{id}/retry", Rule::Staff),
    ("GET", "/api/v1/admin/webhooks", Rule::Admin),
    ("POST", "/api/v1/admin/webhooks", Rule::Admin),
    ("DELETE", "/api/v1/admin/webhooks/{id}", Rule::Admin),
    ("GET", "/api/v1/reports/outcomes", Rule::Staff),
    ("GET", "/api/v1/exports/investors.{format}", Rule::Staff),
    ("GET", "/api/v1/exports/projects.{format}", Rule::Public),
    ("GET", "/api/v1/exports/outcomes.{format}", Rule::Staff),
    ("GET", "/api/v1/exports/events/{id}/meetings.{format}", Rule::Staff),
    ("GET", "/api/v1/exports/investors/{id}/matches.{format}", Rule::OwnerA(N)),
    ("GET", "/api/v1/imports/projects/template.csv", Rule::Public),
    ("GET", "/api/v1/imports/investors/template.csv", Rule::Public),
    ("POST", "/api/v1/imports/projects", Rule::Each([U, F, F, A, A, A, A])),
    ("POST", "/api/v1/imports/investors", Rule::Staff),
];

/// The pages: every route declared under `src/web/`.
#[rustfmt::skip]
const PAGES: &[(&str, &str, Rule)] = &[
    ("GET", "/", Rule::Public),
    ("GET", "/static/{file}", Rule::Public),
    ("GET", "/static/js/{file}", Rule::Public),
    ("GET", "/language", Rule::Public),
    ("GET", "/sign-in", Rule::Public),
    ("POST", "/sign-in", Rule::Same(U)),
    ("POST", "/sign-out", Rule::Public),
    ("GET", "/register", Rule::Public),
    ("POST", "/register", Rule::Public),
    ("GET", "/verify-email", Rule::Public),
    ("POST", "/verify-email", Rule::Same(U)),
    ("GET", "/accept-invitation", Rule::Public),
    ("POST", "/accept-invitation", Rule::Same(U)),
    ("GET", "/forgot-password", Rule::Public),
    ("POST", "/forgot-password", Rule::Public),
    ("GET", "/reset-password", Rule::Public),
    ("POST", "/reset-password", Rule::Same(U)),
    ("POST", "/events/{id}/applications/{participant}/approve", Rule::Each([S, F, F, F, F, N, N])),
    ("POST", "/events/{id}/applications/{participant}/turn-down", Rule::Each([S, F, F, F, F, N, N])),
    ("GET", "/answer", Rule::Same(F)),
    ("POST", "/answer", Rule::Same(F)),
    ("GET", "/dashboard", Rule::Investors),
    ("POST", "/dashboard/interest", Rule::Investors),
    ("GET", "/opportunities", Rule::Public),
    ("GET", "/opportunities/{id}", Rule::Public),
    ("GET", "/map", Rule::Public),
    ("GET", "/regions", Rule::Public),
    ("GET", "/regions/{code}", Rule::Public),
    ("GET", "/regions/{code}/edit", Rule::RegionX(F)),
    ("POST", "/regions/{code}/edit", Rule::RegionX(F)),
    ("GET", "/my-region", Rule::Officials),
    ("POST", "/my-region", Rule::Officials),
    ("GET", "/my-projects", Rule::Officials),
    ("GET", "/my-projects/new", Rule::Officials),
    ("POST", "/my-projects/new", Rule::Officials),
    ("GET", "/my-projects/{id}", Rule::Each(MY_DRAFT)),
    ("GET", "/my-projects/{id}/edit", Rule::Each(MY_DRAFT)),
    ("POST", "/my-projects/{id}/edit", Rule::Each(MY_DRAFT)),
    ("GET", "/my-projects/{id}/readiness", Rule::Each(MY_DRAFT)),
    ("POST", "/my-projects/{id}/grants", Rule::Each(MY_DRAFT)),
    ("GET", "/conversations", Rule::SignedIn),
    ("POST", "/conversations", Rule::Investors),
    ("GET", "/conversations/{id}", Rule::Parties(N)),
    ("POST", "/conversations/{id}/messages", Rule::Each([S, A, N, A, N, F, F])),
    ("GET", "/reports/funnel", Rule::Staff),
    ("GET", "/reports/funnel.{format}", Rule::Staff),
    ("GET", "/deals", Rule::SignedIn),
    ("GET", "/deals/{id}", Rule::Parties(N)),
    ("POST", "/deals/{id}/steps", Rule::Parties(N)),
    ("POST", "/opportunities/{id}/nda", Rule::Investors),
    ("GET", "/my-region/nda", Rule::Officials),
    ("POST", "/my-region/nda", Rule::Officials),
    ("POST", "/my-projects/{id}/readiness", Rule::Each(MY_DRAFT)),
    ("POST", "/my-projects/{id}/submit", Rule::Each(MY_DRAFT)),
    ("POST", "/my-projects/{id}/close", Rule::Each(MY_DRAFT)),
    ("POST", "/my-projects/{id}/files", Rule::Each(MY_DRAFT)),
    ("POST", "/my-projects/{id}/files/{file_id}/delete", Rule::Each(MY_DRAFT)),
    // The published project's photo.
    ("GET", "/opportunities/{id}/files/{file_id}", Rule::Public),
    ("GET", "/opportunities/{id}/files/{file_id}/thumbnail", Rule::Public),
    ("GET", "/review", Rule::Staff),
    ("POST", "/review/{id}/publish", Rule::Staff),
    ("POST", "/review/{id}/request-changes", Rule::Staff),
    ("GET", "/mandate", Rule::Investors),
    ("POST", "/mandate", Rule::Investors),
    ("GET", "/saved-searches", Rule::Investors),
    ("POST", "/saved-searches", Rule::Investors),
    ("POST", "/saved-searches/{id}/alert", Rule::Each([S, A, N, F, F, F, F])),
    ("POST", "/saved-searches/{id}/delete", Rule::Each([S, A, N, F, F, F, F])),
    ("GET", "/investors", Rule::Staff),
    ("GET", "/investors/{id}", Rule::Staff),
    ("POST", "/investors/{id}/verify", Rule::Staff),
    ("GET", "/agenda", Rule::MeetingParties),
    ("GET", "/agenda.ics", Rule::MeetingParties),
    ("POST", "/agenda/request", Rule::Each([S, A, F, A, F, F, F])),
    ("GET", "/my-events", Rule::MeetingParties),
    // The directory is for the event's participants (every investor and region of the table).
    ("GET", "/my-events/{id}", Rule::MeetingParties),
    ("GET", "/my-events/{id}/join", Rule::MeetingParties),
    // The form asks A's registration: the regions may, investors are on A's side.
    ("GET", "/my-events/{id}/ask/{participant}", Rule::Each([S, F, F, A, A, F, F])),
    ("POST", "/my-events/{id}/join", Rule::MeetingParties),
    ("GET", "/agenda/meetings/{file}", Rule::Parties(N)),
    ("POST", "/agenda/requests/{id}/{answer}", Rule::Each([S, A, N, A, N, F, F])),
    ("GET", "/notifications", Rule::SignedIn),
    ("POST", "/notifications/read-all", Rule::SignedIn),
    ("POST", "/notifications/{id}/read", Rule::Each([S, A, N, N, N, N, N])),
    ("GET", "/settings", Rule::SignedIn),
    ("POST", "/settings/profile", Rule::SignedIn),
    ("POST", "/settings/notifications", Rule::SignedIn),
    ("POST", "/settings/password", Rule::SignedIn),
    ("POST", "/settings/calendar", Rule::SignedIn),
    ("POST", "/settings/calendar/revoke", Rule::SignedIn),
    ("GET", "/settings/outbox", Rule::Staff),
    ("POST", "/settings/outbox/{id}/retry", Rule::Staff),
    ("GET", "/people", Rule::Staff),
    ("POST", "/people/invite", Rule::Staff),
    ("POST", "/people/staff", Rule::Admin),
    ("GET", "/people/webhooks", Rule::Admin),
    ("POST", "/people/webhooks", Rule::Admin),
    ("POST", "/people/webhooks/{id}/delete", Rule::Admin),
    ("GET", "/imports", Rule::Staff),
    ("POST", "/imports", Rule::Staff),
    ("GET", "/reports", Rule::Staff),
    ("GET", "/reports/outcomes.{format}", Rule::Staff),
    ("GET", "/reports/events/{id}/meetings.{format}", Rule::Staff),
    ("GET", "/meetings/{id}/outcome", Rule::Parties(N)),
    ("POST", "/meetings/{id}/outcome", Rule::Parties(N)),
    ("GET", "/events", Rule::Staff),
    ("POST", "/events", Rule::Staff),
    ("GET", "/events/{id}", Rule::Staff),
    ("POST", "/events/{id}/requests", Rule::Staff),
    ("POST", "/events/{id}/introductions", Rule::Staff),
    ("POST", "/events/{id}/participants", Rule::Staff),
    ("POST", "/events/{id}/participants/many", Rule::Staff),
    ("GET", "/events/{id}/participants/csv", Rule::Staff),
    ("POST", "/events/{id}/participants/csv", Rule::Staff),
    ("GET", "/events/{id}/participants/{participant}", Rule::Staff),
    ("POST", "/events/{id}/participants/{participant}", Rule::Staff),
    ("POST", "/events/{id}/schedule", Rule::Staff),
    ("GET", "/events/{id}/jobs/{job}", Rule::Staff),
    ("GET", "/events/{id}/grid", Rule::Staff),
    ("POST", "/events/{id}/meetings/{meeting}", Rule::Staff),
    ("POST", "/events/{id}/meetings/{meeting}/cancel", Rule::Staff),
    ("GET", "/delegations", Rule::Staff),
    ("POST", "/delegations", Rule::Staff),
    ("GET", "/delegations/{id}", Rule::Staff),
];

/// Reads beyond the route table, with the filters that could widen what a list shows: every
/// caller makes them, and what they answer is only searched for private fields.
const PROBES: &[&str] = &[
    "/api/v1/projects?status=draft",
    "/api/v1/projects?status=draft&region=73.73",
    "/api/v1/projects?status=submitted&region=73.73",
    "/api/v1/projects?q=MKRX",
    "/api/v1/exports/projects.csv?status=draft",
    "/api/v1/exports/projects.csv?status=draft&region=73.73",
    "/api/v1/investors?q=MKRA",
    "/api/v1/investors?per_page=100",
    "/api/v1/events/{id}/requests?status=pending",
    "/api/v1/events/{id}/participants",
    "/api/v1/me/agenda",
    "/api/v1/projects/{published}/files",
    "/api/v1/projects/{published}/files/{data_room}",
    "/opportunities/{published}/files/{data_room}",
    "/opportunities?q=MKRX",
    "/opportunities?status=draft",
    "/regions/73.73",
    "/map",
];

/// Rows whose allowed calls end the caller's session or its credentials: run after all others.
const LAST: &[&str] = &[
    "POST /settings/password",
    "POST /sign-out",
    "POST /api/v1/me/password",
    "POST /api/v1/auth/logout",
];

/// Strings that only some callers may ever read, each with the callers who may.
struct Marker {
    text: String,
    seen_by: &'static [usize],
}

/// Everything the rows need: the callers' credentials and the ids of the objects they name.
struct World {
    users: Vec<Option<TestUser>>,
    sessions: Vec<Option<String>>,
    investor_a: String,
    investor_b: String,
    draft_x: String,
    published_x: String,
    deal: String,
    conversation: String,
    /// Investor A's saved searches, one for the API's rows and one for the pages' (each row
    /// deletes its own).
    saved_search_api: String,
    saved_search_page: String,
    event: String,
    other_event: String,
    participant_a: String,
    host_x: String,
    host_x_other: String,
    pending_request: String,
    meeting: String,
    job: String,
    delegation: String,
    notification_a: String,
    outbox_item: String,
    webhook_api: String,
    webhook_page: String,
    calendar_token: String,
    stylesheet: String,
    script: String,
    projects_template: String,
    investors_template: String,
    /// The photo of region X's draft that the file rows use; each allowed delete takes one
    /// away, so [`World::prepare`] uploads another.
    draft_photo: std::sync::Mutex<String>,
    published_photo: String,
    /// A data room document of region X's published project.
    data_room: String,
    markers: Vec<Marker>,
}

impl World {
    fn token(&self, who: usize) -> Option<&str> {
        self.users[who].as_ref().map(|u| u.token.as_str())
    }

    /// The route with its parameters filled with objects of investor A and region X.
    fn fill(&self, method: &str, path: &str) -> String {
        let id = if path.starts_with("/api/v1/admin/outbox") || path.starts_with("/settings/outbox")
        {
            &self.outbox_item
        } else if path.starts_with("/api/v1/admin/webhooks") {
            &self.webhook_api
        } else if path.starts_with("/people/webhooks") {
            &self.webhook_page
        } else if path.contains("delegations") {
            &self.delegation
        } else if path.starts_with("/events/{id}/jobs/") {
            &self.other_event
        } else if path.contains("/events/") || path.starts_with("/my-events/") {
            &self.event
        } else if path.contains("investors/") {
            &self.investor_a
        } else if path.starts_with("/api/v1/jobs") {
            &self.job
        } else if path.contains("notifications/") {
            &self.notification_a
        } else if path.contains("meetings/") {
            &self.meeting
        } else if path.contains("requests/") {
            &self.pending_request
        } else if path.contains("/deals/") {
            &self.deal
        } else if path.contains("/conversations/") {
            &self.conversation
        } else if path.starts_with("/api/v1/me/saved-searches/") {
            &self.saved_search_api
        } else if path.starts_with("/saved-searches/") {
            &self.saved_search_page
        } else if path.starts_with("/opportunities")
            || path.contains("/data-room")
            || path.contains("/nda/")
        {
            &self.published_x
        } else {
            &self.draft_x
        };
        let file = if path.starts_with("/static/js/") {
            self.script.clone()
        } else if path.starts_with("/static/") {
            self.stylesheet.clone()
        } else {
            format!("{}.ics", self.meeting)
        };
        let mut filled = path
            .replace("{id}", id)
            .replace("{participant_id}", &self.participant_a)
            .replace("{participant}", &self.participant_a)
            .replace("{project_id}", &self.published_x)
            .replace("{format}", "csv")
            .replace("{code}", X)
            .replace("{token}", &self.calendar_token)
            .replace("{job}", &self.job)
            .replace("{meeting}", &self.meeting)
            .replace("{answer}", "accept")
            .replace("{file}", &file)
            .replace("{published}", &self.published_x)
            .replace("{data_room}", &self.data_room);
        if path.contains("{file_id}") {
            let photo = if path.starts_with("/opportunities") {
                self.published_photo.clone()
            } else {
                self.draft_photo.lock().unwrap().clone()
            };
            filled = filled.replace("{file_id}", &photo);
        }
        if path == "/api/v1/unsubscribe" {
            let a = &self.users[INV_A].as_ref().unwrap().id;
            filled = format!("{filled}?user={a}&signature=forged");
        }
        if path == "/answer" {
            let a = &self.users[INV_A].as_ref().unwrap().id;
            let request = &self.pending_request;
            filled = format!(
                "{filled}?request={request}&user={a}&answer=accept&until=4102444800&state=pending-10&signature=forged"
            );
        }
        if method == "GET" && path == "/language" {
            filled.push_str("?set=en");
        }
        filled
    }

    /// A body valid enough for the call to reach its access check (`who` makes new addresses
    /// unique).
    fn body(&self, method: &str, path: &str, who: usize) -> Option<Value> {
        let fresh = format!("matrix-{who}-{}@example.com", uuid::Uuid::new_v4().simple());
        let body = match (method, path) {
            (_, "/api/v1/admin/webhooks") => {
                json!({"url": "http://127.0.0.1:9/matrix", "event_types": ["outcome.recorded"]})
            }
            (_, "/api/v1/auth/login") => {
                json!({"email": self.email(INV_A), "password": "wrong password here"})
            }
            (_, "/api/v1/auth/refresh") => json!({"refresh_token": "forged"}),
            (_, "/api/v1/auth/register") => json!({
                "email": fresh, "password": "a long matrix password", "name": "Matrix",
                "organisation": {"name": "Matrix Capital", "kind": "fund", "country": "SG"}}),
            (_, "/api/v1/auth/verify-email") => json!({"token": "forged"}),
            (_, "/api/v1/auth/accept-invitation") => {
                json!({"token": "forged", "password": "a long matrix password"})
            }
            (_, "/api/v1/auth/password-reset") => json!({"email": fresh}),
            (_, "/api/v1/auth/password-reset/confirm") => {
                json!({"token": "forged", "password": "a long matrix password"})
            }
            ("PATCH", "/api/v1/me") => json!({"time_zone": "Asia/Makassar"}),
            (_, "/api/v1/me/password") => {
                json!({"current_password": PASSWORD, "new_password": "short"})
            }
            (_, "/api/v1/me/notification-settings") => json!({"email": true, "digest": "weekly"}),
            (_, "/api/v1/invitations") => {
                json!({"email": fresh, "name": "Matrix Official", "region": X})
            }
            (_, "/api/v1/users") => json!({"email": fresh, "name": "Matrix Staff",
                                           "password": "a long matrix password", "role": "staff"}),
            (_, "/api/v1/regions/{code}/profile") => {
                json!({"summary": {"id": "Ringkasan.", "en": "Summary."}})
            }
            ("POST", "/api/v1/projects") => {
                TestApp::project_body(X, "Matrix project", "3510", "9000000000")
            }
            ("PATCH", "/api/v1/projects/{id}") => json!({"stage": "idea"}),
            (_, "/api/v1/projects/{id}/publish") | (_, "/api/v1/projects/{id}/request-changes") => {
                json!({"comment": "Matrix review."})
            }
            ("PATCH", "/api/v1/investors/{id}") => json!({"website": "https://matrix.example"}),
            (_, "/api/v1/investors/{id}/mandate") | (_, "/api/v1/matches/preview") => {
                mandate("Matrix thesis.")
            }
            ("PUT", "/api/v1/investors/{id}/feedback/{project_id}") => {
                json!({"interest": "interested"})
            }
            (_, "/api/v1/deals/{id}/steps") => json!({"stage": "site_visit"}),
            ("POST", "/api/v1/conversations") => {
                json!({"project_id": self.published_x, "subject": "Matrix", "message": "Matrix?"})
            }
            (_, "/api/v1/conversations/{id}/messages") => json!({"body": "Matrix answer."}),
            ("POST", "/api/v1/me/saved-searches") => json!({"name": "Matrix", "filters": {}}),
            ("PATCH", "/api/v1/me/saved-searches/{id}") => json!({"alert": "off"}),
            (_, "/api/v1/projects/{id}/nda/accept") => json!({"version": 1}),
            (_, "/api/v1/projects/{id}/data-room/grants") => {
                json!({"investor_id": self.investor_b})
            }
            (_, "/api/v1/regions/{code}/nda") => {
                json!({"text": {"id": "NDA matriks.", "en": "Matrix NDA."}})
            }
            ("POST", "/api/v1/events") => forum_body(in_days(40)),
            ("POST", "/api/v1/events/{id}/participants") => {
                json!({"investor_id": self.investor_a, "time_zone": "Asia/Jakarta"})
            }
            (_, "/api/v1/events/{id}/participants/batch") => {
                json!({"participants": [{"kind": "region", "id": Y}]})
            }
            (_, "/api/v1/events/{id}/participants/{participant_id}") => {
                json!({"time_zone": "Asia/Tokyo"})
            }
            ("POST", "/api/v1/events/{id}/requests") => {
                json!({"investor": self.participant_a, "host": self.host_x})
            }
            (_, "/api/v1/events/{id}/introductions") => json!({"min_score": 0.99}),
            (_, "/api/v1/events/{id}/schedule") => json!({}),
            ("POST", "/api/v1/delegations") => json!({"name": "Matrix delegation", "regions": [X]}),
            (_, "/api/v1/requests/{id}/decline") | (_, "/api/v1/requests/{id}/cancel") => {
                json!({"reason": "matrix"})
            }
            ("PATCH", "/api/v1/meetings/{id}") => json!({"status": "confirmed"}),
            (_, "/api/v1/meetings/{id}/outcome") => json!({"attendance": "held"}),
            _ if method == "GET" || method == "DELETE" => return None,
            _ => json!({}),
        };
        Some(body)
    }

    /// The fields of a page form, valid enough to reach the access check.
    fn form(&self, path: &str, who: usize) -> Vec<(String, String)> {
        let fresh = format!(
            "matrix-page-{who}-{}@example.com",
            uuid::Uuid::new_v4().simple()
        );
        let fields: Vec<(&str, String)> = match path {
            // The form shows the address back, so not one a caller may not know.
            "/sign-in" => vec![("email", fresh), ("password", "wrong password here".into())],
            "/register" => vec![
                ("name", "Matrix".into()),
                ("email", fresh),
                ("password", "a long matrix password".into()),
                ("organisation", "Matrix Capital".into()),
                ("kind", "fund".into()),
                ("country", "SG".into()),
            ],
            "/verify-email" => vec![("token", "forged".into())],
            "/accept-invitation" | "/reset-password" => {
                vec![
                    ("token", "forged".into()),
                    ("password", "a long matrix password".into()),
                ]
            }
            "/forgot-password" => vec![("email", fresh)],
            "/dashboard/interest" => vec![
                ("project_id", self.published_x.clone()),
                ("interest", "interested".into()),
            ],
            "/agenda/request" => vec![
                ("event_id", self.other_event.clone()),
                ("with", self.host_x_other.clone()),
            ],
            "/review/{id}/request-changes" => vec![("comment", "Matrix review.".into())],
            "/meetings/{id}/outcome" => vec![("attendance", "held".into())],
            "/my-events/{id}/join" => vec![("time_zone", "Asia/Makassar".into())],
            "/events/{id}/requests" => vec![
                ("investor", self.participant_a.clone()),
                ("host", self.host_x.clone()),
            ],
            "/events/{id}/schedule" => vec![("mode", "keep".into())],
            "/events/{id}/participants/many" => vec![
                ("who", format!("region:{Y}")),
                ("many_time_zone", "Asia/Makassar".into()),
            ],
            "/events/{id}/participants/csv" => vec![
                ("mode", "check".into()),
                ("csv", format!("kind,id\nregion,{Y}\n")),
            ],
            "/my-projects/{id}/close" => vec![("sure", "on".into())],
            "/my-projects/{id}/grants" => vec![("investor_id", self.investor_b.clone())],
            "/deals/{id}/steps" => vec![("stage", "site_visit".into())],
            "/conversations" => vec![
                ("project_id", self.published_x.clone()),
                ("subject", "Matrix".into()),
                ("message", "Matrix?".into()),
            ],
            "/conversations/{id}/messages" => vec![("body", "Matrix answer.".into())],
            "/saved-searches" => vec![("name", "Matrix".into()), ("alert", "digest".into())],
            "/saved-searches/{id}/alert" => vec![("alert", "off".into())],
            "/opportunities/{id}/nda" => vec![("version", "1".into()), ("agree", "on".into())],
            "/my-region/nda" => vec![("text_id", "NDA matriks.".into())],
            "/events/{id}/meetings/{meeting}" => vec![("action", "confirm".into())],
            "/settings/password" => vec![
                ("current_password", PASSWORD.into()),
                ("new_password", "short".into()),
            ],
            "/imports" => vec![
                ("kind", "projects".into()),
                ("mode", "check".into()),
                ("csv", self.projects_template.clone()),
            ],
            _ => vec![],
        };
        fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }

    /// Puts back what an earlier allowed call of the same row took away, so that each allowed
    /// caller finds the object there.
    async fn prepare(&self, app: &TestApp, method: &str, path: &str) {
        if path.ends_with("/files/{file_id}") && method == "DELETE"
            || path == "/my-projects/{id}/files/{file_id}/delete"
        {
            let x = self.users[OFF_X].as_ref().unwrap();
            let photo = upload_photo(app, x, &self.draft_x, "Matrix photo").await;
            *self.draft_photo.lock().unwrap() = photo;
        }
        if method == "DELETE" && path == "/api/v1/investors/{id}/feedback/{project_id}" {
            let a = self.users[INV_A].as_ref().unwrap();
            ok(
                app,
                Method::PUT,
                &self.fill("PUT", path),
                a,
                json!({"interest": "must_meet"}),
            )
            .await;
        }
    }

    fn email(&self, who: usize) -> String {
        self.users[who].as_ref().unwrap().email.clone()
    }
}

fn mandate(thesis: &str) -> Value {
    json!({"sectors": ["35"], "dimensions": ["ENV"], "elements": ["ENV-3"],
           "regions": [X], "ticket": {"min": "5000000", "max": "20000000", "currency": "USD"},
           "stages": ["feasibility_study"], "instruments": ["equity", "ppp"],
           "thesis": thesis, "discoverable": true})
}

async fn ok(app: &TestApp, method: Method, path: &str, who: &TestUser, body: Value) -> Value {
    let (status, answer) = app
        .call(method.clone(), path, Some(&who.token), Some(body))
        .await;
    assert!(status.is_success(), "{method} {path}: {status} {answer}");
    answer
}

/// The investor's organisation with private contacts (`phone` among them) and a mandate, all
/// carrying `mark`.
async fn mark_investor(app: &TestApp, investor: &TestUser, mark: &str, phone: &str) {
    let id = investor.investor_id.clone().unwrap();
    let lower = mark.to_lowercase();
    ok(
        app,
        Method::PATCH,
        &format!("/api/v1/investors/{id}"),
        investor,
        json!({"contact_name": format!("{mark}-CONTACT"), "contact_phone": phone,
               "contact_email": format!("{lower}-contact@example.com")}),
    )
    .await;
    ok(
        app,
        Method::PUT,
        &format!("/api/v1/investors/{id}/mandate"),
        investor,
        mandate(&format!("{mark}-THESIS")),
    )
    .await;
}

/// Uploads a small photo to `project` as `who` and gives back its id.
async fn upload_photo(app: &TestApp, who: &TestUser, project: &str, caption: &str) -> String {
    let fields = [("kind", "photo"), ("title_en", caption)];
    let (status, photo) = upload(
        app,
        Some(&who.token),
        project,
        &fields,
        "site.png",
        &png(64, 48),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{photo}");
    photo["id"].as_str().unwrap().to_owned()
}

/// The multipart form of a small photo, as the file rows send it.
fn photo_form() -> (String, Vec<u8>) {
    multipart(
        &[("kind", "photo"), ("title_en", "Matrix upload")],
        Some(("matrix.png", &png(32, 24))),
    )
}

async fn build_world(app: &TestApp) -> World {
    let staff = app.user(Role::Staff, None).await;
    let admin = app.user(Role::Admin, None).await;
    let inv_a = app.user(Role::Investor, None).await;
    let inv_b = app.user(Role::Investor, None).await;
    let off_x = app.user(Role::Official, Some(X)).await;
    let off_y = app.user(Role::Official, Some(Y)).await;
    mark_investor(app, &inv_a, "MKRA", "+62 811 4100 0001").await;
    mark_investor(app, &inv_b, "MKRB", "+62 811 4200 0002").await;
    let investor_a = inv_a.investor_id.clone().unwrap();
    let investor_b = inv_b.investor_id.clone().unwrap();
    for id in [&investor_a, &investor_b] {
        ok(
            app,
            Method::POST,
            &format!("/api/v1/investors/{id}/verify"),
            &staff,
            json!({}),
        )
        .await;
    }

    // Each region has a published project and a draft whose title only it and staff may read;
    // X's published project has a contact that only verified investors, X and staff may read.
    let mut harbour = TestApp::project_body(X, "Palopo harbour solar", "3510", "90000000000");
    harbour["readiness"] =
        json!({"contact": {"name": "MKRX-READY", "email": "ready@palopo.example.id"}});
    let published_x = app.published_project(&off_x, &staff, harbour).await;
    app.published_project(
        &off_y,
        &staff,
        TestApp::project_body(Y, "Masamba water works", "3600", "50000000000"),
    )
    .await;
    let draft =
        |region: &str, mark: &str| TestApp::project_body(region, mark, "3510", "7000000000");
    let draft_x = ok(
        app,
        Method::POST,
        "/api/v1/projects",
        &off_x,
        draft(X, "MKRX-DRAFT"),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(
        app,
        Method::POST,
        "/api/v1/projects",
        &off_y,
        draft(Y, "MKRY-DRAFT"),
    )
    .await;
    ok(
        app,
        Method::PUT,
        &format!("/api/v1/investors/{investor_a}/feedback/{published_x}"),
        &inv_a,
        json!({"interest": "must_meet"}),
    )
    .await;
    // A's answer opened its deal with X's project; X's NDA lets investors open its data rooms.
    let (_, deals) = app.get("/api/v1/deals", Some(&inv_a.token)).await;
    let deal = deals[0]["id"].as_str().unwrap().to_owned();
    // A asks X about its project; the message only they and staff may read.
    let conversation = ok(
        app,
        Method::POST,
        "/api/v1/conversations",
        &inv_a,
        json!({"project_id": published_x, "subject": "MKRAX-ASKED", "message": "MKRAX-ASKED?"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Two saved searches of A's, named with what only A may read.
    let mut saved = Vec::new();
    for _ in 0..2 {
        let body = json!({"name": "MKRA-SAVED", "filters": {"q": "MKRA-SAVED"}});
        let search = ok(app, Method::POST, "/api/v1/me/saved-searches", &inv_a, body).await;
        saved.push(search["id"].as_str().unwrap().to_owned());
    }
    let [saved_search_api, saved_search_page] = saved.try_into().unwrap();
    ok(
        app,
        Method::PUT,
        &format!("/api/v1/regions/{X}/nda"),
        &off_x,
        json!({"text": {"id": "NDA Palopo.", "en": "Palopo NDA."}}),
    )
    .await;

    // The event where A meets X (everyone registered), and another where A's request waits.
    let event = create_event(app, &staff, forum_body(in_days(30))).await;
    let other_event = create_event(app, &staff, forum_body(in_days(31))).await;
    let tz = "Asia/Jakarta";
    let participant_a = register(
        app,
        &inv_a,
        &event,
        json!({"investor_id": investor_a, "time_zone": tz}),
    )
    .await;
    register(
        app,
        &inv_b,
        &event,
        json!({"investor_id": investor_b, "time_zone": tz}),
    )
    .await;
    let host_x = register(
        app,
        &off_x,
        &event,
        json!({"region_code": X, "time_zone": tz}),
    )
    .await;
    register(
        app,
        &off_y,
        &event,
        json!({"region_code": Y, "time_zone": tz}),
    )
    .await;
    let investor_a_other = register(
        app,
        &inv_a,
        &other_event,
        json!({"investor_id": investor_a, "time_zone": tz}),
    )
    .await;
    let host_x_other = register(
        app,
        &off_x,
        &other_event,
        json!({"region_code": X, "time_zone": tz}),
    )
    .await;
    let asked = ok(
        app,
        Method::POST,
        &format!("/api/v1/events/{event}/requests"),
        &inv_a,
        json!({"investor": participant_a, "host": host_x, "message": "MKRAX-MESSAGE", "project_id": published_x}),
    )
    .await;
    let accepted = asked["id"].as_str().unwrap().to_owned();
    ok(
        app,
        Method::POST,
        &format!("/api/v1/requests/{accepted}/accept"),
        &off_x,
        json!({}),
    )
    .await;
    let pending_request = ok(
        app,
        Method::POST,
        &format!("/api/v1/events/{other_event}/requests"),
        &inv_a,
        json!({"investor": investor_a_other, "host": host_x_other, "message": "MKRAX-MESSAGE"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let result = schedule(app, &staff, &event, json!({})).await;
    assert_eq!(result["placed"], 1, "{result}");
    let (_, grid) = app
        .get(
            &format!("/api/v1/events/{event}/meetings"),
            Some(&staff.token),
        )
        .await;
    let meeting = grid["slots"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|slot| slot["meetings"].as_array().cloned().unwrap_or_default())
        .next()
        .unwrap_or_else(|| panic!("a meeting: {grid}"))["meeting_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The meeting is over, so that its parties may record its outcome.
    app.move_meetings_by_days(-1).await;
    let job = ok(
        app,
        Method::POST,
        &format!("/api/v1/events/{other_event}/schedule"),
        &staff,
        json!({}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let delegation = ok(
        app,
        Method::POST,
        "/api/v1/delegations",
        &staff,
        json!({"name": "Palopo and Maros", "regions": [X, "73.09"], "members": [off_x.id]}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let draft_photo = upload_photo(app, &off_x, &draft_x, "Matrix draft photo").await;
    let published_photo = upload_photo(app, &off_x, &published_x, "Harbour at dusk").await;
    let secret = [
        ("kind", "document"),
        ("confidential", "true"),
        ("title_en", "MKRX-DATAROOM"),
    ];
    let mut model = pdf(2000);
    model.extend_from_slice(b"MKRX-DATAROOM-CONTENT");
    let (status, data_room) = upload(
        app,
        Some(&off_x.token),
        &published_x,
        &secret,
        "model.pdf",
        &model,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{data_room}");
    let data_room = data_room["id"].as_str().unwrap().to_owned();

    let (_, mine) = app
        .get("/api/v1/me/notifications", Some(&inv_a.token))
        .await;
    let notification_a = mine["items"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("investor A has a notification: {mine}"))
        .to_owned();
    // Any email of the outbox, whether it has gone yet or not.
    let mut outbox_item = None;
    for state in ["pending", "sent", "dead"] {
        let (_, outbox) = app
            .get(
                &format!("/api/v1/admin/outbox?state={state}"),
                Some(&staff.token),
            )
            .await;
        if let Some(id) = outbox["items"][0]["id"].as_str() {
            outbox_item = Some(id.to_owned());
            break;
        }
    }
    let outbox_item = outbox_item.expect("the requests queued emails");
    let mut webhooks = Vec::new();
    for _ in 0..2 {
        let sub = ok(
            app,
            Method::POST,
            "/api/v1/admin/webhooks",
            &admin,
            json!({"url": "http://127.0.0.1:9/partner", "event_types": ["outcome.recorded"]}),
        )
        .await;
        webhooks.push(sub["id"].as_str().unwrap().to_owned());
    }
    let feed = ok(app, Method::POST, "/api/v1/me/calendar", &inv_a, json!({})).await;
    let calendar_token = feed["url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".ics")
        .to_owned();

    let (_, home) = app.page_as("/", None, "en").await;
    let stylesheet = between(&home, "/static/", "\"");
    let staff_session = app.page_session(&staff.email).await;
    let (_, grid) = app
        .page_as(&format!("/events/{event}/grid"), Some(&staff_session), "en")
        .await;
    let script = between(&grid, "/static/js/", "\"");
    let template = |what: &'static str| async move {
        let response = app
            .client
            .get(app.url(&format!("/api/v1/imports/{what}/template.csv")))
            .send()
            .await
            .unwrap();
        response
            .text()
            .await
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_owned()
    };
    let projects_template = template("projects").await;
    let investors_template = template("investors").await;

    let users = vec![
        None,
        Some(inv_a),
        Some(inv_b),
        Some(off_x),
        Some(off_y),
        Some(staff),
        Some(admin),
    ];
    let mut sessions = vec![None];
    for user in users.iter().flatten() {
        sessions.push(Some(app.page_session(&user.email).await));
    }
    let insiders = |who: &'static [usize]| who;
    let account_a = users[INV_A].as_ref().unwrap().email.clone();
    let markers = vec![
        Marker {
            text: account_a,
            seen_by: insiders(&[INV_A, STAFF, ADMIN]),
        },
        Marker {
            text: "MKRA-CONTACT".into(),
            seen_by: insiders(&[INV_A, STAFF, ADMIN]),
        },
        Marker {
            text: "mkra-contact@".into(),
            seen_by: insiders(&[INV_A, STAFF, ADMIN]),
        },
        Marker {
            text: "MKRA-THESIS".into(),
            seen_by: insiders(&[INV_A, OFF_X, OFF_Y, STAFF, ADMIN]),
        },
        Marker {
            text: "4100 0001".into(),
            seen_by: insiders(&[INV_A, STAFF, ADMIN]),
        },
        Marker {
            text: "4200 0002".into(),
            seen_by: insiders(&[INV_B, STAFF, ADMIN]),
        },
        Marker {
            text: "MKRB-CONTACT".into(),
            seen_by: insiders(&[INV_B, STAFF, ADMIN]),
        },
        Marker {
            text: "mkrb-contact@".into(),
            seen_by: insiders(&[INV_B, STAFF, ADMIN]),
        },
        Marker {
            text: "MKRB-THESIS".into(),
            seen_by: insiders(&[INV_B, OFF_X, OFF_Y, STAFF, ADMIN]),
        },
        Marker {
            text: "MKRX-DRAFT".into(),
            seen_by: insiders(&[OFF_X, STAFF, ADMIN]),
        },
        Marker {
            text: "MKRY-DRAFT".into(),
            seen_by: insiders(&[OFF_Y, STAFF, ADMIN]),
        },
        Marker {
            text: "MKRAX-ASKED".into(),
            seen_by: insiders(&[INV_A, OFF_X, STAFF, ADMIN]),
        },
        Marker {
            text: "MKRX-READY".into(),
            seen_by: insiders(&[INV_A, INV_B, OFF_X, STAFF, ADMIN]),
        },
        Marker {
            text: "MKRAX-MESSAGE".into(),
            seen_by: insiders(&[INV_A, OFF_X, STAFF, ADMIN]),
        },
        Marker {
            text: "MKRA-SAVED".into(),
            seen_by: insiders(&[INV_A]),
        },
        Marker {
            text: "MKRX-DATAROOM".into(),
            seen_by: insiders(&[OFF_X, STAFF, ADMIN]),
        },
    ];
    World {
        users,
        sessions,
        investor_a,
        investor_b,
        draft_x,
        published_x,
        deal,
        conversation,
        saved_search_api,
        saved_search_page,
        event,
        other_event,
        participant_a,
        host_x,
        host_x_other,
        pending_request,
        meeting,
        job,
        delegation,
        notification_a,
        outbox_item,
        webhook_api: webhooks[0].clone(),
        webhook_page: webhooks[1].clone(),
        calendar_token,
        stylesheet,
        script,
        projects_template,
        investors_template,
        draft_photo: std::sync::Mutex::new(draft_photo),
        published_photo,
        data_room,
        markers,
    }
}

/// The text from `start` (included) to the next `end` (excluded).
fn between(text: &str, start: &str, end: &str) -> String {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start} in the page"));
    let rest = &text[from + start.len()..];
    rest[..rest.find(end).unwrap()].to_owned()
}

/// A route of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Face {
    Api,
    Page,
}

/// The API's operations as the OpenAPI document lists them.
fn api_routes() -> BTreeSet<(String, String)> {
    let doc = serde_json::to_value(sepadan::startup::openapi_document()).expect("the document");
    let mut all = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            if operation.get("responses").is_some() {
                all.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    all
}

/// The page routes as `src/web/` declares them: `.route("/path", web::get()…)`.
fn page_routes() -> BTreeSet<(String, String)> {
    let mut all = BTreeSet::new();
    for (path, text) in crate::architecture::sources() {
        if !path.starts_with("src/web/") {
            continue;
        }
        let text: String = text.split_whitespace().collect();
        for declared in text.split(".route(\"").skip(1) {
            let (route, rest) = declared.split_once('"').expect("a quoted route");
            let method = rest
                .strip_prefix(",web::")
                .and_then(|m| m.split_once('('))
                .map(|(m, _)| m.to_uppercase())
                .unwrap_or_else(|| panic!("{path}: the method of {route}"));
            all.insert((method, route.to_owned()));
        }
    }
    all
}

/// One call's answer.
struct Answer {
    status: StatusCode,
    location: String,
    body: String,
}

impl Answer {
    fn to_sign_in(&self) -> bool {
        self.status.is_redirection() && self.location.starts_with("/sign-in")
    }

    fn matches(&self, expected: E) -> bool {
        match expected {
            E::Allow => {
                (self.status.as_u16() < 400 && !self.to_sign_in())
                    || self.status == StatusCode::CONFLICT
                    || self.status == StatusCode::UNPROCESSABLE_ENTITY
            }
            E::SignIn => self.to_sign_in(),
            E::Is(code) => self.status.as_u16() == code,
            E::Any => !self.status.is_server_error(),
        }
    }

    fn said(&self) -> String {
        if self.to_sign_in() {
            "sign-in".into()
        } else {
            self.status.as_u16().to_string()
        }
    }
}

async fn call(
    app: &TestApp,
    world: &World,
    face: Face,
    method: &str,
    route: &str,
    who: usize,
) -> Answer {
    let url = app.url(&world.fill(method, route));
    let method_ = Method::from_bytes(method.as_bytes()).unwrap();
    let client = no_redirects();
    let mut request = client.request(method_, url);
    match face {
        Face::Api => {
            if let Some(token) = world.token(who) {
                request = request.bearer_auth(token);
            }
            if route.ends_with("/files") && method == "POST" {
                let (content_type, form) = photo_form();
                request = request.header("content-type", content_type).body(form);
            } else if route.starts_with("/api/v1/imports/") && method == "POST" {
                let csv = if route.ends_with("projects") {
                    &world.projects_template
                } else {
                    &world.investors_template
                };
                request = request
                    .header("content-type", "text/csv")
                    .body(format!("{csv}\n"));
            } else if let Some(body) = world.body(method, route, who) {
                request = request.json(&body);
            }
        }
        Face::Page => {
            if let Some(session) = &world.sessions[who] {
                request = request.header("cookie", session);
            }
            if route.ends_with("/files") && method == "POST" {
                let (content_type, form) = photo_form();
                request = request
                    .header("origin", &app.address)
                    .header("content-type", content_type)
                    .body(form);
            } else if method != "GET" {
                request = request
                    .header("origin", &app.address)
                    .form(&world.form(route, who));
            }
        }
    }
    let response = request.send().await.expect("request sent");
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.text().await.unwrap_or_default();
    Answer {
        status,
        location,
        body,
    }
}

/// What staff read of the objects the refused calls aim at, to compare before and after them.
async fn snapshot(app: &TestApp, world: &World) -> BTreeMap<String, Value> {
    let staff = world.token(STAFF);
    let admin = world.token(ADMIN);
    let a = world.token(INV_A);
    let mut seen = BTreeMap::new();
    for (path, token) in [
        (format!("/api/v1/projects/{}", world.draft_x), staff),
        (format!("/api/v1/projects/{}", world.published_x), staff),
        (format!("/api/v1/investors/{}", world.investor_a), staff),
        (format!("/api/v1/investors/{}", world.investor_b), staff),
        (
            format!("/api/v1/investors/{}/feedback", world.investor_a),
            staff,
        ),
        (format!("/api/v1/regions/{X}"), staff),
        (format!("/api/v1/events/{}", world.event), staff),
        (
            format!("/api/v1/events/{}/participants", world.event),
            staff,
        ),
        (format!("/api/v1/requests/{}", world.pending_request), staff),
        (format!("/api/v1/meetings/{}", world.meeting), staff),
        (format!("/api/v1/delegations/{}", world.delegation), staff),
        (format!("/api/v1/projects/{}/files", world.draft_x), staff),
        (
            format!("/api/v1/projects/{}/files", world.published_x),
            staff,
        ),
        ("/api/v1/me/notifications".into(), a),
        ("/api/v1/me".into(), a),
        ("/api/v1/admin/webhooks".into(), admin),
        ("/api/v1/events".into(), staff),
    ] {
        let (status, body) = app.get(&path, token).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        seen.insert(path, body);
    }
    seen
}

/// The rows of both tables by method and route, each named once.
fn table() -> BTreeMap<(String, String), (Face, Rule)> {
    let mut rows = BTreeMap::new();
    for (face, table) in [(Face::Api, API), (Face::Page, PAGES)] {
        for &(method, path, rule) in table {
            let fresh = rows
                .insert((method.to_owned(), path.to_owned()), (face, rule))
                .is_none();
            assert!(fresh, "two rows for {method} {path}");
        }
    }
    rows
}

#[test]
fn the_table_has_a_row_for_every_route_and_a_route_for_every_row() {
    covers_the_route_table(&table());
}

/// Fails when a route has no row, or a row no route.
fn covers_the_route_table(rows: &BTreeMap<(String, String), (Face, Rule)>) {
    let routes: BTreeSet<(String, String)> =
        api_routes().into_iter().chain(page_routes()).collect();
    assert!(routes.len() > 150, "the walk finds the routes: {routes:?}");
    let unlisted: Vec<_> = routes.iter().filter(|r| !rows.contains_key(r)).collect();
    let gone: Vec<_> = rows.keys().filter(|r| !routes.contains(r)).collect();
    assert!(
        unlisted.is_empty(),
        "routes without a row in the authorisation table: {unlisted:#?}"
    );
    assert!(
        gone.is_empty(),
        "rows for routes that no longer exist: {gone:#?}"
    );
    for row in LAST {
        let (method, path) = row.split_once(' ').unwrap();
        assert!(
            rows.contains_key(&(method.to_owned(), path.to_owned())),
            "{row} is a row"
        );
    }
}

#[tokio::test]
async fn every_route_answers_every_caller_as_the_table_says_and_leaks_nothing() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = test_settings(&dir);
    let app = spawn_with(settings, dir).await;

    let rows = table();
    covers_the_route_table(&rows);
    let world = build_world(&app).await;
    let built = started.elapsed();

    // Reads first, then the refused changes (which must change nothing), then the allowed
    // changes, those that end the caller's session last of all.
    let key = |m: &str, p: &str| format!("{m} {p}");
    let mut reads = Vec::new();
    let mut refused = Vec::new();
    let mut allowed = Vec::new();
    let mut last = Vec::new();
    for ((method, path), (face, rule)) in &rows {
        let expected = rule.expected(*face == Face::Page);
        for (who, e) in expected.into_iter().enumerate() {
            let call = (method.clone(), path.clone(), *face, who, e);
            if method == "GET" {
                reads.push(call);
            } else if e != E::Allow {
                refused.push(call);
            } else if LAST.contains(&key(method, path).as_str()) {
                last.push(call);
            } else {
                allowed.push(call);
            }
        }
    }

    for probe in PROBES {
        let face = if probe.starts_with("/api/") {
            Face::Api
        } else {
            Face::Page
        };
        for who in 0..CALLERS.len() {
            reads.push(("GET".to_owned(), (*probe).to_owned(), face, who, E::Any));
        }
    }

    let mut wrong: BTreeMap<String, [String; 7]> = BTreeMap::new();
    let mut leaks = Vec::new();
    let mut errors = Vec::new();
    let mut calls = 0;
    let mut shown: BTreeSet<String> = BTreeSet::new();
    let mut allowed_answers: BTreeMap<u16, usize> = BTreeMap::new();
    let mut run =
        async |phase: &[(String, String, Face, usize, E)], world: &World, drafts_public: bool| {
            for (method, path, face, who, e) in phase {
                if *e == E::Allow {
                    world.prepare(&app, method, path).await;
                }
                let answer = call(&app, world, *face, method, path, *who).await;
                calls += 1;
                if *e == E::Allow {
                    *allowed_answers.entry(answer.status.as_u16()).or_default() += 1;
                }
                if answer.status.is_server_error() {
                    errors.push(format!(
                        "{method} {path} as {}: {} {}",
                        CALLERS[*who], answer.status, answer.body
                    ));
                }
                if !answer.matches(*e) {
                    let row = wrong.entry(key(method, path)).or_insert_with(|| {
                        let rule = rows[&(method.clone(), path.clone())];
                        rule.1
                            .expected(rule.0 == Face::Page)
                            .map(|e| format!("{e:?}"))
                    });
                    row[*who] = format!("{:?} got {}", e, answer.said());
                }
                // A calendar feed's secret address is its owner's to give away: whoever holds it
                // reads investor A's meetings.
                let reader = if path == "/calendar/{token}.ics" {
                    INV_A
                } else {
                    *who
                };
                for marker in &world.markers {
                    if drafts_public && marker.text == "MKRX-DRAFT" {
                        continue;
                    }
                    if answer.body.contains(&marker.text) {
                        shown.insert(marker.text.clone());
                    }
                    if !marker.seen_by.contains(&reader) && answer.body.contains(&marker.text) {
                        leaks.push(format!(
                            "{method} {path} as {} shows {}",
                            CALLERS[*who], marker.text
                        ));
                    }
                }
            }
        };
    run(&reads, &world, false).await;
    let before = snapshot(&app, &world).await;
    run(&refused, &world, false).await;
    let after = snapshot(&app, &world).await;
    // Allowed changes may publish region X's draft, after which anyone may read its title.
    // What cancels, declines or deletes goes after what changes the same object.
    allowed.sort_by_key(|(method, path, ..)| {
        method == "DELETE"
            || ["/cancel", "/decline", "/delete"]
                .iter()
                .any(|end| path.ends_with(end))
    });
    run(&allowed, &world, true).await;
    last.sort_by_key(|(method, path, ..)| LAST.iter().position(|l| *l == key(method, path)));
    run(&last, &world, true).await;

    let changed: Vec<_> = before
        .iter()
        .filter(|(path, body)| after.get(*path) != Some(body))
        .map(|(path, body)| format!("{path}:\n  before {body}\n  after  {}", after[path]))
        .collect();
    let probes = PROBES.len() * CALLERS.len();
    assert_eq!(calls, rows.len() * CALLERS.len() + probes);
    println!(
        "authorisation matrix: {} routes ({} API operations, {} page routes) x {} callers = {} \
         calls ({} reads, {} refused changes, {} allowed changes), and {probes} probe reads; \
         world built in {:.1?}, all in {:.1?}",
        rows.len(),
        rows.values().filter(|(f, _)| *f == Face::Api).count(),
        rows.values().filter(|(f, _)| *f == Face::Page).count(),
        CALLERS.len(),
        rows.len() * CALLERS.len(),
        reads.len() - probes,
        refused.len(),
        allowed.len() + last.len(),
        built,
        started.elapsed(),
    );
    println!("answers to the allowed calls, by status: {allowed_answers:?}");
    let unseen: Vec<_> = world
        .markers
        .iter()
        .filter(|m| !shown.contains(&m.text))
        .map(|m| &m.text)
        .collect();
    assert!(
        unseen.is_empty(),
        "markers no answer carried, so their absence proves nothing: {unseen:?}"
    );
    let wrong: Vec<String> = wrong
        .iter()
        .map(|(route, row)| format!("{route}: {}", row.join(" | ")))
        .collect();
    assert!(
        wrong.is_empty() && leaks.is_empty() && errors.is_empty() && changed.is_empty(),
        "answers other than the table's ({}):\n{}\n\nprivate fields shown:\n{}\n\nserver errors:\n{}\n\nchanged by refused calls:\n{}",
        CALLERS.join(" | "),
        wrong.join("\n"),
        leaks.join("\n"),
        errors.join("\n"),
        changed.join("\n"),
    );
}
