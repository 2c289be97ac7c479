//! Events for the investors and regions that take part in them: the events they may join or
//! have joined, joining one themselves (time zone and availability; waiting for approval where
//! the event asks for it), an event's directory of who else comes, narrowed by words and good
//! matches, and the form asking one of them for a meeting (a message, a project, preferred
//! times).

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use chrono::NaiveDateTime;

use super::form::{Field, Problems, Typed};
use super::i18n::Lang;
use super::pickers::ZoneChoices;
use super::session::{MeetingParties, Signed};
use super::{Done, Page, PageResult, dimension_names, html, localized, sector_names, see_other};
use crate::error::AppError;
use crate::meetings::time::{in_zone, stored_zone};
use crate::reference::Catalogue;
use crate::services::directory::{self, Asking, Entry, EventToJoin};
use crate::services::events::WindowInput;
use crate::state::AppState;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/my-events", web::get().to(list))
        .route("/my-events/{id}", web::get().to(one))
        .route("/my-events/{id}/join", web::get().to(join_form))
        .route("/my-events/{id}/join", web::post().to(join))
        .route("/my-events/{id}/ask/{participant}", web::get().to(ask_form));
}

#[derive(Template)]
#[template(path = "pages/my_events.html")]
struct MyEvents {
    page: Page,
    events: Vec<EventLine>,
    done: Option<String>,
}

/// An event as the list shows it.
struct EventLine {
    id: String,
    name: String,
    kind: String,
    deadline: String,
    joined: bool,
    awaiting_approval: bool,
    approval_required: bool,
    open: bool,
}

async fn list(
    Signed { user, page, .. }: Signed<MeetingParties>,
    state: web::Data<AppState>,
    query: web::Query<Done>,
) -> PageResult {
    let events = state
        .db
        .run(move |conn| directory::events_to_join(conn, &user))
        .await?;
    let events = events
        .into_iter()
        .map(|e| event_line(page.lang, e))
        .collect();
    let done = query.said(&page, "my_events", &["applied"]);
    let body = MyEvents { page, events, done }.render();
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
        joined: e.joined.is_some(),
        awaiting_approval: e.awaiting_approval,
        approval_required: e.approval_required,
        open: e.open,
    }
}

/// Availability windows the join form offers.
const WINDOWS: usize = 3;

/// The join form's fields, by the names the registration rules give them.
const FIELDS: [Field; 2] = [
    Field::new(
        "time_zone",
        "time_zone",
        "my_events.time_zone",
        "my_events.need_time_zone",
    ),
    Field::new(
        "availability",
        "availability",
        "my_events.availability",
        "my_events.need_windows",
    ),
];

#[derive(Template)]
#[template(path = "pages/my_event_join.html")]
struct JoinPage {
    page: Page,
    event: EventLine,
    zones: ZoneChoices,
    /// The event's days, for each window's day.
    days: Vec<String>,
    /// The windows as typed: day, from, to.
    windows: Vec<(String, String, String)>,
    problems: Problems,
}

impl JoinPage {
    /// The form for `e`, with what was typed (`typed`) kept.
    fn new(page: Page, e: EventToJoin, typed: &Typed, default_zone: &str) -> Self {
        let zone = Some(typed.one("time_zone"))
            .filter(|z| !z.is_empty())
            .unwrap_or_else(|| default_zone.to_owned());
        let days = e.days.iter().map(|d| d.to_string()).collect();
        let windows = (0..WINDOWS)
            .map(|i| {
                let field = |part: &str| typed.one(&format!("window{i}_{part}"));
                (field("day"), field("from"), field("to"))
            })
            .collect();
        JoinPage {
            event: event_line(page.lang, e),
            zones: ZoneChoices::of(&zone),
            days,
            windows,
            problems: Problems::default(),
            page,
        }
    }
}

/// The join form: the time zone the person works in and, if it cannot meet all along, when
/// it can.
async fn join_form(
    Signed { user, page, .. }: Signed<MeetingParties>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> PageResult {
    let zone = user.time_zone.clone();
    let e = state
        .db
        .run(move |conn| directory::event_to_join(conn, &user, &id))
        .await?;
    let zone = zone.unwrap_or_else(|| e.venue_time_zone.clone());
    let body = JoinPage::new(page, e, &Typed::of(Vec::new()), &zone).render();
    Ok(html(StatusCode::OK, body))
}

/// The windows typed in the join form, as the registration takes them; a window with a part
/// missing or not a time is refused at its field.
fn windows(typed: &Typed) -> Result<Vec<WindowInput>, AppError> {
    let mut windows = Vec::new();
    for i in 0..WINDOWS {
        let field = |part: &str| typed.one(&format!("window{i}_{part}"));
        let (day, from, to) = (field("day"), field("from"), field("to"));
        if day.is_empty() && from.is_empty() && to.is_empty() {
            continue;
        }
        let at = |time: &str| {
            NaiveDateTime::parse_from_str(&format!("{day}T{time}"), "%Y-%m-%dT%H:%M").map_err(
                |_| AppError::validation(&format!("availability[{i}]"), "needs a day and times"),
            )
        };
        windows.push(WindowInput {
            from: at(&from)?,
            to: at(&to)?,
        });
    }
    Ok(windows)
}

/// Registers the person's investor or region for the event and opens its directory, or says
/// it waits for approval; the form comes back with its problems (422) when refused.
async fn join(
    Signed { user, page, .. }: Signed<MeetingParties>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let id = id.into_inner();
    let typed = Typed::parse(&body);
    let app = state.clone();
    let (event, who, zone) = (id.clone(), user.clone(), typed.one("time_zone"));
    let joined = match windows(&typed) {
        Ok(availability) => {
            state
                .db
                .write(move |conn| {
                    directory::join(conn, &app.catalogue, &who, &event, &zone, availability)
                })
                .await
        }
        Err(e) => Err(e),
    };
    let error = match joined {
        Ok(row) if row.approved_at.is_none() => {
            return Ok(see_other("/my-events?done=applied").finish());
        }
        Ok(_) => return Ok(see_other(&format!("/my-events/{id}?done=joined")).finish()),
        Err(AppError::Validation { fields, .. }) => fields,
        Err(e) => return Err(e),
    };
    let e = state
        .db
        .run(move |conn| directory::event_to_join(conn, &user, &id))
        .await?;
    let zone = e.venue_time_zone.clone();
    let mut form = JoinPage::new(page, e, &typed, &zone);
    form.problems = Problems::of_errors(form.page.lang, &FIELDS, &error);
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, form.render()))
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
    /// How many the filter keeps of how many come.
    shown: String,
    narrowed: Narrowed,
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

/// Match score in percent from which a participant counts as a good match.
const GOOD_MATCH: u32 = 50;

/// The directory's filter: words of a name, country, sector, dimension or project, and good
/// matches only.
#[derive(Debug, Default, serde::Deserialize)]
struct Narrowed {
    #[serde(default)]
    q: String,
    #[serde(default)]
    good: bool,
}

impl Narrowed {
    fn keeps(&self, e: &EntryLine) -> bool {
        let words = self.q.to_lowercase();
        let mut text = format!("{} {} {}", e.name, e.country, e.dimensions.join(" "));
        for (code, title) in &e.sectors {
            text.push_str(&format!(" {code} {title}"));
        }
        for (_, title) in &e.projects {
            text.push_str(&format!(" {title}"));
        }
        let text = text.to_lowercase();
        (!self.good || e.score.is_some_and(|s| s >= GOOD_MATCH))
            && words.split_whitespace().all(|w| text.contains(w))
    }
}

async fn one(
    Signed { user, page, .. }: Signed<MeetingParties>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<Done>,
    narrowed: web::Query<Narrowed>,
) -> PageResult {
    let id = id.into_inner();
    let app = state.clone();
    let found = state
        .db
        .run(move |conn| directory::directory(conn, &app.matchmaker, &user, &id))
        .await?;
    let lang = page.lang;
    let narrowed = narrowed.into_inner();
    let all: Vec<EntryLine> = found
        .entries
        .into_iter()
        .map(|e| entry_line(lang, &state.catalogue, e))
        .collect();
    let total = all.len();
    let entries: Vec<EntryLine> = all.into_iter().filter(|e| narrowed.keeps(e)).collect();
    let done = query.said(&page, "my_events", &["joined", "requested"]);
    let body = MyEvent {
        page,
        event_id: found.event_id,
        event: found.event,
        asking: found.me.is_some(),
        taking_requests: found.taking_requests,
        shown: format!("{} / {total}", entries.len()),
        entries,
        narrowed,
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

#[derive(Template)]
#[template(path = "pages/my_event_ask.html")]
struct AskPage {
    page: Page,
    asking: Asking,
    projects: Vec<(String, String)>,
    /// The times both sides can meet, by day in the asker's zone: the day, then each time's
    /// value (RFC 3339) and its clock time.
    days: Vec<(String, Vec<(String, String)>)>,
}

/// The form asking one participant for a meeting: a message, the project it is about, and up
/// to three times the asker prefers among those both sides can meet.
async fn ask_form(
    Signed { user, page, .. }: Signed<MeetingParties>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (event, with) = path.into_inner();
    let asking = state
        .db
        .run(move |conn| directory::asking(conn, &user, &event, &with))
        .await?;
    let zone = stored_zone(&asking.time_zone);
    let mut days: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for start in &asking.times {
        let local = in_zone(*start, zone);
        let day = local.format("%Y-%m-%d").to_string();
        let time = (local.to_rfc3339(), local.format("%H:%M").to_string());
        match days.last_mut() {
            Some((last, times)) if *last == day => times.push(time),
            _ => days.push((day, vec![time])),
        }
    }
    let projects = asking
        .projects
        .iter()
        .map(|p| (p.id.clone(), localized(page.lang, &p.title)))
        .collect();
    let body = AskPage {
        page,
        asking,
        projects,
        days,
    }
    .render();
    Ok(html(StatusCode::OK, body))
}

#[cfg(test)]
mod tests {
    use super::{EntryLine, Narrowed};

    fn entry(score: Option<u32>) -> EntryLine {
        EntryLine {
            participant_id: "p".into(),
            name: "Kota Palopo".into(),
            initials: "KP".into(),
            kind: "Region".into(),
            country: "Indonesia".into(),
            sectors: vec![("3510".into(), "Electric power generation".into())],
            dimensions: vec!["Smart Environment".into()],
            projects: vec![("x".into(), "Rooftop solar".into())],
            score,
            requested: false,
        }
    }

    #[test]
    fn the_directory_keeps_entries_with_every_word_and_good_matches_when_asked() {
        let words = |q: &str, good: bool| Narrowed { q: q.into(), good };
        assert!(words("ROOFTOP palopo", false).keeps(&entry(None)));
        assert!(words("electric 3510", false).keeps(&entry(None)));
        assert!(!words("rooftop geothermal", false).keeps(&entry(None)));
        assert!(words("", true).keeps(&entry(Some(50))));
        assert!(!words("", true).keeps(&entry(Some(49))));
        assert!(!words("", true).keeps(&entry(None)));
    }
}
