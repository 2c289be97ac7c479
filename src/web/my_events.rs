//! Events for the investors and regions that take part in them: the events they may join or
//! have joined, joining one themselves, and an event's directory of who else comes, with a
//! meeting request (a message, and a project for a region's) on each entry.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use serde::Deserialize;

use super::i18n::Lang;
use super::session::{MeetingParties, Signed};
use super::{Done, Page, PageResult, dimension_names, html, localized, sector_names, see_other};
use crate::meetings::time::{in_zone, stored_zone};
use crate::reference::Catalogue;
use crate::services::directory::{self, Entry, EventToJoin};
use crate::state::AppState;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/my-events", web::get().to(list))
        .route("/my-events/{id}", web::get().to(one))
        .route("/my-events/{id}/join", web::post().to(join));
}

#[derive(Template)]
#[template(path = "pages/my_events.html")]
struct MyEvents {
    page: Page,
    events: Vec<EventLine>,
    /// The zone the join forms start with: the person's own, else the venue's.
    time_zone: Option<String>,
}

/// An event as the list shows it.
struct EventLine {
    id: String,
    name: String,
    kind: String,
    deadline: String,
    venue_time_zone: String,
    joined: bool,
    open: bool,
}

async fn list(
    Signed { user, page, .. }: Signed<MeetingParties>,
    state: web::Data<AppState>,
) -> PageResult {
    let time_zone = user.time_zone.clone();
    let events = state
        .db
        .run(move |conn| directory::events_to_join(conn, &user))
        .await?;
    let events = events
        .into_iter()
        .map(|e| event_line(page.lang, e))
        .collect();
    let body = MyEvents {
        page,
        events,
        time_zone,
    }
    .render();
    Ok(html(StatusCode::OK, body))
}

fn event_line(lang: Lang, e: EventToJoin) -> EventLine {
    EventLine {
        deadline: format!(
            "{} ({})",
            in_zone(
                e.registration_deadline.naive_utc(),
                stored_zone(&e.venue_time_zone)
            )
            .format("%Y-%m-%d %H:%M"),
            e.venue_time_zone
        ),
        kind: lang.t(&format!("my_events.kind_{}", e.kind)),
        id: e.id,
        name: e.name,
        venue_time_zone: e.venue_time_zone,
        joined: e.joined.is_some(),
        open: e.open,
    }
}

#[derive(Debug, Deserialize)]
struct JoinForm {
    time_zone: String,
}

/// Registers the person's investor or region for the event and opens its directory.
async fn join(
    Signed { user, .. }: Signed<MeetingParties>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<JoinForm>,
) -> PageResult {
    let id = id.into_inner();
    let app = state.clone();
    let event = id.clone();
    state
        .db
        .write(move |conn| directory::join(conn, &app.catalogue, &user, &event, &form.time_zone))
        .await?;
    Ok(see_other(&format!("/my-events/{id}?done=joined")).finish())
}

#[derive(Template)]
#[template(path = "pages/my_event.html")]
struct MyEvent {
    page: Page,
    event_id: String,
    event: String,
    /// Whether the viewer asks as a participant (staff only look).
    asking: bool,
    taking_requests: bool,
    entries: Vec<EntryLine>,
    done: Option<String>,
}

/// A directory entry as the page shows it.
struct EntryLine {
    participant_id: String,
    name: String,
    initials: String,
    kind: String,
    country: String,
    sectors: Vec<(String, String)>,
    dimensions: Vec<String>,
    /// Id and title of each project brought.
    projects: Vec<(String, String)>,
    /// The match as a percentage, when scored.
    score: Option<u32>,
    requested: bool,
}

async fn one(
    Signed { user, page, .. }: Signed<MeetingParties>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<Done>,
) -> PageResult {
    let id = id.into_inner();
    let app = state.clone();
    let found = state
        .db
        .run(move |conn| directory::directory(conn, &app.matchmaker, &user, &id))
        .await?;
    let lang = page.lang;
    let entries = found
        .entries
        .into_iter()
        .map(|e| entry_line(lang, &state.catalogue, e))
        .collect();
    let done = query.said(&page, "my_events", &["joined", "requested"]);
    let body = MyEvent {
        page,
        event_id: found.event_id,
        event: found.event,
        asking: found.me.is_some(),
        taking_requests: found.taking_requests,
        entries,
        done,
    }
    .render();
    Ok(html(StatusCode::OK, body))
}

fn entry_line(lang: Lang, catalogue: &Catalogue, e: Entry) -> EntryLine {
    let initials = e
        .name
        .split_whitespace()
        .filter_map(|word| word.chars().next())
        .filter(|c| c.is_alphanumeric())
        .take(2)
        .collect::<String>()
        .to_uppercase();
    EntryLine {
        sectors: sector_names(lang, catalogue, &e.sectors),
        dimensions: dimension_names(lang, catalogue, &e.dimensions),
        projects: e
            .projects
            .iter()
            .map(|p| (p.id.clone(), localized(lang, &p.title)))
            .collect(),
        score: e.score.map(|s| (s * 100.0).round() as u32),
        kind: lang.t(&format!("my_events.participant_{}", e.kind)),
        initials,
        participant_id: e.participant_id,
        name: e.name,
        country: super::pickers::country_name(lang, &e.country),
        requested: e.requested,
    }
}
