//! Programme staff run events in the browser: the list of events and a form to create one, an
//! event's venues, participants, requests and delegations, running the scheduler and following
//! its job, and the grid of slots and tables where meetings are moved and confirmed.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::LazyLock;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::form::{self, Problems, Typed};
use super::i18n::Lang;
use super::session::Visitor;
use super::{Page, content_address, error_page, html, said, see_other, shipped};
use crate::api::events::{
    self as events_api, Break, Day, EventInput, EventKind, ParticipantSettings, RegistrationInput,
    VenueInput, WindowInput, event_view, participant_view,
};
use crate::api::meetings::{
    self as meetings_api, Grid, Job, MEETING_DOES_NOT_FIT, MeetingChange, Placement,
    change_meeting, placement, staff_grid, start_scheduling, visible_job, visible_meeting,
};
use crate::api::requests::{
    IntroductionInput, MeetingRequest, RequestInput, event_requests, introduce_best, new_request,
};
use crate::auth::AuthenticatedUser;
use crate::error::AppError;
use crate::meetings::jobs::{SCHEDULE_EVENT, ScheduleOptions};
use crate::meetings::plan::slots;
use crate::meetings::service::{EventData, ScheduleSummary};
use crate::meetings::time::{in_zone, stored_zone, time_zone, to_utc};
use crate::models::event as event_rows;
use crate::models::investor::{self, InvestorFilter};
use crate::models::job as job_rows;
use crate::models::meeting as meeting_rows;
use crate::startup::AppState;

/// The staff pages of events: list and creation, an event, its scheduling job and its grid.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/events", web::get().to(events))
        .route("/events", web::post().to(create))
        .route("/events/{id}", web::get().to(event))
        .route("/events/{id}/participants", web::post().to(add_participant))
        .route(
            "/events/{id}/participants/{participant}",
            web::get().to(participant),
        )
        .route(
            "/events/{id}/participants/{participant}",
            web::post().to(edit_participant),
        )
        .route("/events/{id}/schedule", web::post().to(schedule))
        .route("/events/{id}/requests", web::post().to(introduce))
        .route(
            "/events/{id}/introductions",
            web::post().to(introduce_matches),
        )
        .route("/events/{id}/jobs/{job}", web::get().to(job))
        .route("/events/{id}/grid", web::get().to(grid))
        .route("/static/js/{file}", web::get().to(grid_script))
        .route("/events/{id}/meetings/{meeting}", web::post().to(change))
        .route(
            "/events/{id}/meetings/{meeting}/cancel",
            web::post().to(cancel),
        );
}

/// A form field as the page shows it.
pub(crate) struct Field {
    pub(crate) name: String,
    pub(crate) label: String,
    /// text, number, date, time, datetime-local, checkbox, textarea or select.
    pub(crate) input: &'static str,
    pub(crate) value: String,
    /// For a select: value, label and whether it is chosen.
    pub(crate) options: Vec<(String, String, bool)>,
    pub(crate) required: bool,
    pub(crate) problem: Option<String>,
}

/// What a form was filled with and what was wrong with it; a fresh form shows the defaults.
pub(crate) struct Filled<'a> {
    pub(crate) lang: Lang,
    pub(crate) typed: &'a Typed,
    pub(crate) fresh: bool,
    pub(crate) problems: &'a BTreeMap<String, String>,
}

impl Filled<'_> {
    pub(crate) fn field(
        &self,
        name: &str,
        label: &str,
        input: &'static str,
        default: &str,
    ) -> Field {
        Field {
            name: name.to_owned(),
            label: self.lang.t(label),
            input,
            value: if self.fresh {
                default.to_owned()
            } else {
                self.typed.one(name)
            },
            options: Vec::new(),
            required: false,
            problem: self.problems.get(name).cloned(),
        }
    }

    pub(crate) fn required(
        &self,
        name: &str,
        label: &str,
        input: &'static str,
        default: &str,
    ) -> Field {
        Field {
            required: true,
            ..self.field(name, label, input, default)
        }
    }

    /// A select of `(value, label)` choices.
    fn select(&self, name: &str, label: &str, choices: Vec<(String, String)>) -> Field {
        let mut field = self.field(name, label, "select", "");
        let chosen = field.value.clone();
        field.options = choices
            .into_iter()
            .map(|(value, label)| {
                let selected = value == chosen;
                (value, label, selected)
            })
            .collect();
        field
    }
}

/// A problem as a refused form's summary lists it.
pub(crate) struct Listed {
    /// The name of the field it is on, which is also its input's id, for the summary to link to.
    pub(crate) field: String,
    /// The field's label; empty for a problem of no field of the form.
    pub(crate) label: String,
    pub(crate) message: String,
}

/// The problems of a refused form as the page lists them: the field's label (when the form has
/// that field) and the message.
pub(crate) fn listed(fields: &[&Field], problems: &BTreeMap<String, String>) -> Vec<Listed> {
    problems
        .iter()
        .map(|(name, message)| Listed {
            field: name.clone(),
            label: fields
                .iter()
                .find(|f| &f.name == name)
                .map(|f| f.label.clone())
                .unwrap_or_default(),
            message: message.clone(),
        })
        .collect()
}

/// The field problems of a refused form, with the rules' own messages (a conflict has one, on
/// no field, saying what its code means in the page's language); other errors as they are.
pub(crate) fn problems_of(
    lang: Lang,
    error: AppError,
) -> Result<BTreeMap<String, String>, AppError> {
    match error {
        AppError::Validation { fields, .. } => Ok(fields),
        conflict @ AppError::Conflict { .. } => {
            Ok(BTreeMap::from([(String::new(), said(lang, &conflict))]))
        }
        other => Err(other),
    }
}

/// A field's name without its list numbering: `venues[1].days[0].closes` is
/// `venues.days.closes`, as a form's table of needs names it.
fn unnumbered(name: &str) -> String {
    let mut inside = false;
    name.chars()
        .filter(|&c| {
            let kept = !inside && c != '[';
            inside = (inside || c == '[') && c != ']';
            kept
        })
        .collect()
}

/// A refused form's problems in the page's language: each on the form field `form_field`
/// finds for the rules' name, saying what that field needs as `table` has it; a conflict (no
/// field) as already said.
pub(crate) fn needs(
    lang: Lang,
    table: &[form::Field],
    problems: BTreeMap<String, String>,
    form_field: impl Fn(&str) -> String,
) -> BTreeMap<String, String> {
    problems
        .into_iter()
        .map(|(rule, said)| {
            if rule.is_empty() {
                return (rule, said);
            }
            let field = form_field(&rule);
            let need = Problems::of(lang, table, [unnumbered(&field)])
                .list()
                .iter()
                .map(|p| p.message.clone())
                .collect();
            (field, need)
        })
        .collect()
}

/// What each field of the event form needs, by its name without list numbering.
const EVENT_FIELDS: [form::Field; 22] = [
    form::Field::new("name", "name", "events.name", "events.need_name"),
    form::Field::new("kind", "kind", "events.kind", "forms.choice"),
    form::Field::new(
        "description",
        "description",
        "events.description",
        "forms.long_text",
    ),
    form::Field::new(
        "slot_minutes",
        "slot_minutes",
        "events.slot_minutes",
        "events.need_slot_minutes",
    ),
    form::Field::new(
        "travel_buffer_minutes",
        "travel_buffer_minutes",
        "events.travel_buffer",
        "events.need_travel_buffer",
    ),
    form::Field::new(
        "daily_cap",
        "daily_cap",
        "events.daily_cap",
        "events.need_daily_cap",
    ),
    form::Field::new(
        "min_break_slots",
        "min_break_slots",
        "events.min_break_slots",
        "events.need_min_break_slots",
    ),
    form::Field::new(
        "registration_deadline",
        "registration_deadline",
        "events.registration_deadline",
        "events.need_deadline",
    ),
    form::Field::new(
        "request_deadline",
        "request_deadline",
        "events.request_deadline",
        "events.need_deadline",
    ),
    form::Field::new(
        "request_expiry_days",
        "request_expiry_days",
        "events.request_expiry_days",
        "events.need_expiry",
    ),
    form::Field::new("venues", "venues", "events.venues", "events.need_venues"),
    form::Field::new(
        "venues.name",
        "venue_name",
        "events.venue_name",
        "events.need_venue_name",
    ),
    form::Field::new("venues.city", "city", "events.city", "events.need_city"),
    form::Field::new(
        "venues.country",
        "country",
        "events.country",
        "forms.country",
    ),
    form::Field::new(
        "venues.time_zone",
        "time_zone",
        "events.time_zone",
        "events.need_time_zone",
    ),
    form::Field::new(
        "venues.tables",
        "tables",
        "events.tables",
        "events.need_tables",
    ),
    form::Field::new("venues.rooms", "rooms", "events.rooms", "events.need_rooms"),
    form::Field::new("venues.days", "days", "events.days", "events.need_days"),
    form::Field::new(
        "venues.days.date",
        "date",
        "events.date",
        "events.need_date",
    ),
    form::Field::new(
        "venues.days.opens",
        "opens",
        "events.opens",
        "events.need_opens",
    ),
    form::Field::new(
        "venues.days.closes",
        "closes",
        "events.closes",
        "events.need_closes",
    ),
    form::Field::new(
        "venues.days.breaks",
        "break",
        "events.break_from",
        "events.need_break",
    ),
];

/// Venues and days the creation form offers.
const VENUES: usize = 2;
const DAYS: usize = 3;

/// An event as the list shows it.
struct EventLine {
    id: String,
    name: String,
    kind: String,
    venues: String,
    dates: String,
    slots: String,
    participants: String,
    requests: String,
    meetings: String,
}

/// A venue's part of the creation form.
struct VenueBlock {
    legend: String,
    fields: Vec<Field>,
    /// Each day's legend and fields.
    days: Vec<(String, Vec<Field>)>,
}

#[derive(Template)]
#[template(path = "pages/events.html")]
struct EventsPage {
    page: Page,
    events: Vec<EventLine>,
    problems: Vec<Listed>,
    general: Vec<Field>,
    venues: Vec<VenueBlock>,
}

fn venue_name(i: usize, name: &str) -> String {
    format!("venues[{i}].{name}")
}

fn day_name(i: usize, j: usize, name: &str) -> String {
    format!("venues[{i}].days[{j}].{name}")
}

fn creation_form(filled: &Filled) -> (Vec<Field>, Vec<VenueBlock>) {
    let lang = filled.lang;
    let kinds = [
        EventKind::Forum,
        EventKind::Mission,
        EventKind::InvestorVisit,
    ]
    .iter()
    .map(|k| {
        (
            k.as_ref().to_owned(),
            lang.t(&format!("events.kind_{}", k.as_ref())),
        )
    })
    .collect();
    let general = vec![
        filled.required("name", "events.name", "text", ""),
        filled.select("kind", "events.kind", kinds),
        filled.field("description", "events.description", "textarea", ""),
        filled.required("slot_minutes", "events.slot_minutes", "number", "30"),
        filled.field(
            "travel_buffer_minutes",
            "events.travel_buffer",
            "number",
            "30",
        ),
        filled.field("daily_cap", "events.daily_cap", "number", "8"),
        filled.field("min_break_slots", "events.min_break_slots", "number", "0"),
        filled.field("online", "events.online", "checkbox", ""),
        filled.required(
            "registration_deadline",
            "events.registration_deadline",
            "datetime-local",
            "",
        ),
        filled.required(
            "request_deadline",
            "events.request_deadline",
            "datetime-local",
            "",
        ),
        filled.field(
            "request_expiry_days",
            "events.request_expiry_days",
            "number",
            "",
        ),
    ];
    let venues = (0..VENUES)
        .map(|i| {
            let first = i == 0;
            let text = |name: &str, label: &str, default: &str| {
                if first {
                    filled.required(&venue_name(i, name), label, "text", default)
                } else {
                    filled.field(&venue_name(i, name), label, "text", default)
                }
            };
            VenueBlock {
                legend: rust_i18n::t!("events.venue_n", locale = lang.code(), n = i + 1)
                    .into_owned(),
                fields: vec![
                    text("name", "events.venue_name", ""),
                    text("city", "events.city", ""),
                    text("country", "events.country", "ID"),
                    text("time_zone", "events.time_zone", "Asia/Jakarta"),
                    filled.field(&venue_name(i, "tables"), "events.tables", "number", "10"),
                    filled.field(&venue_name(i, "rooms"), "events.rooms", "number", "0"),
                ],
                days: (0..DAYS)
                    .map(|j| {
                        let legend = rust_i18n::t!("events.day_n", locale = lang.code(), n = j + 1)
                            .into_owned();
                        let fields = vec![
                            filled.field(&day_name(i, j, "date"), "events.date", "date", ""),
                            filled.field(&day_name(i, j, "opens"), "events.opens", "time", "09:00"),
                            filled.field(
                                &day_name(i, j, "closes"),
                                "events.closes",
                                "time",
                                "17:00",
                            ),
                            filled.field(
                                &day_name(i, j, "breaks[0].from"),
                                "events.break_from",
                                "time",
                                "",
                            ),
                            filled.field(
                                &day_name(i, j, "breaks[0].to"),
                                "events.break_to",
                                "time",
                                "",
                            ),
                        ];
                        (legend, fields)
                    })
                    .collect(),
            }
        })
        .collect();
    (general, venues)
}

/// Which form rows the API's venues and days came from (empty rows are left out), to put its
/// problems back on the fields they concern.
#[derive(Default)]
struct Rows {
    /// Per venue sent: its form row and the form rows of its days.
    venues: Vec<(usize, Vec<usize>)>,
}

impl Rows {
    /// The form field an API field name (`venues[1].days[0].closes`) stands for.
    fn form_field(&self, api: &str) -> String {
        let Some((index, rest)) = api
            .strip_prefix("venues[")
            .and_then(|rest| rest.split_once(']'))
        else {
            return api.to_owned();
        };
        let Some((venue, days)) = index.parse::<usize>().ok().and_then(|i| self.venues.get(i))
        else {
            return api.to_owned();
        };
        match renumbered(rest.trim_start_matches('.'), "days", days) {
            Some(day) => format!("venues[{venue}].{day}"),
            None => format!("venues[{venue}]{rest}"),
        }
    }
}

/// An API field name of a list item (`legs[1].city`) with the item's index replaced by the form
/// row it came from (`rows[1]`); `None` when the name is not of that list.
pub(crate) fn renumbered(api: &str, list: &str, rows: &[usize]) -> Option<String> {
    let (index, tail) = api.strip_prefix(list)?.strip_prefix('[')?.split_once(']')?;
    let row = rows.get(index.parse::<usize>().ok()?)?;
    Some(format!("{list}[{row}]{tail}"))
}

/// A whole number typed in the form; the rules' words when it is not one (a page says what
/// the field needs in its own).
pub(crate) fn whole_number(typed: &Typed, name: &str) -> Result<i32, AppError> {
    typed
        .one(name)
        .parse()
        .map_err(|_| AppError::validation(name, "must be a whole number"))
}

/// A date and time typed in the form (`2026-12-07T17:00`) as a moment in `zone`.
fn local_moment(typed: &Typed, name: &str, zone: Tz) -> Result<DateTime<FixedOffset>, AppError> {
    let local = local_time(typed, name)?;
    let at = to_utc(name, local, zone)?;
    Ok(Utc.from_utc_datetime(&at).fixed_offset())
}

fn local_time(typed: &Typed, name: &str) -> Result<NaiveDateTime, AppError> {
    let text = typed.one(name);
    NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| AppError::validation(name, "must be a date and a time"))
}

/// The API's event input from the form: venues without a name and city, and days without a
/// date, are left out; deadlines are read in the first venue's time zone.
fn event_input(typed: &Typed, rows: &mut Rows) -> Result<EventInput, AppError> {
    let mut venues = Vec::new();
    for i in 0..VENUES {
        let name = typed.one(&venue_name(i, "name"));
        let city = typed.one(&venue_name(i, "city"));
        if i > 0 && name.is_empty() && city.is_empty() {
            continue;
        }
        let mut days = Vec::new();
        let mut day_rows = Vec::new();
        for j in 0..DAYS {
            let date_field = day_name(i, j, "date");
            let date = typed.one(&date_field);
            if date.is_empty() && (j > 0 || i > 0) {
                continue;
            }
            let date = NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                .map_err(|_| AppError::validation(&date_field, "must be a date"))?;
            let from = typed.one(&day_name(i, j, "breaks[0].from"));
            let to = typed.one(&day_name(i, j, "breaks[0].to"));
            days.push(Day {
                date,
                opens: typed.one(&day_name(i, j, "opens")),
                closes: typed.one(&day_name(i, j, "closes")),
                breaks: if from.is_empty() && to.is_empty() {
                    Vec::new()
                } else {
                    vec![Break { from, to }]
                },
            });
            day_rows.push(j);
        }
        venues.push(VenueInput {
            name,
            city,
            country: typed.one(&venue_name(i, "country")).to_uppercase(),
            time_zone: typed.one(&venue_name(i, "time_zone")),
            tables: whole_number(typed, &venue_name(i, "tables"))?,
            rooms: whole_number(typed, &venue_name(i, "rooms"))?,
            days,
        });
        rows.venues.push((i, day_rows));
    }
    let zone = time_zone(&venue_name(0, "time_zone"), &venues[0].time_zone)?;
    let expiry = typed.one("request_expiry_days");
    Ok(EventInput {
        name: typed.one("name"),
        kind: EventKind::from_str(&typed.one("kind")).unwrap_or(EventKind::Forum),
        description: typed.one("description"),
        slot_minutes: whole_number(typed, "slot_minutes")?,
        travel_buffer_minutes: whole_number(typed, "travel_buffer_minutes")?,
        daily_cap: whole_number(typed, "daily_cap")?,
        min_break_slots: whole_number(typed, "min_break_slots")?,
        online: typed.one("online") == "on",
        registration_deadline: local_moment(typed, "registration_deadline", zone)?,
        request_deadline: local_moment(typed, "request_deadline", zone)?,
        request_expiry_days: if expiry.is_empty() {
            None
        } else {
            Some(whole_number(typed, "request_expiry_days")?)
        },
        venues,
    })
}

/// The events, newest first, each with its counts.
fn event_lines(
    conn: &mut crate::db::AnyConnection,
    lang: Lang,
) -> Result<Vec<EventLine>, AppError> {
    let mut lines = Vec::new();
    for plan in event_rows::list_events(conn)? {
        let event = event_view(&plan);
        let participants = event_rows::participants(conn, &event.id, None)?.len();
        let requests = meeting_rows::requests_of_event(conn, &event.id, None)?.len();
        let meetings = meeting_rows::meetings_of_event(conn, Some(&event.id))?
            .iter()
            .filter(|m| !m.is_cancelled())
            .count();
        let dates: Vec<NaiveDate> = event
            .venues
            .iter()
            .flat_map(|v| v.days.iter().map(|d| d.date))
            .collect();
        let dates = match (dates.iter().min(), dates.iter().max()) {
            (Some(first), Some(last)) if first != last => format!("{first} – {last}"),
            (Some(first), _) => first.to_string(),
            _ => String::new(),
        };
        lines.push(EventLine {
            kind: lang.t(&format!("events.kind_{}", event.kind)),
            venues: event
                .venues
                .iter()
                .map(|v| format!("{}, {} ({})", v.name, v.city, v.time_zone))
                .collect::<Vec<_>>()
                .join("; "),
            dates,
            slots: lang.integer(event.slots as i64),
            participants: lang.integer(participants as i64),
            requests: lang.integer(requests as i64),
            meetings: lang.integer(meetings as i64),
            id: event.id,
            name: event.name,
        });
    }
    Ok(lines)
}

async fn events_page(
    req: &HttpRequest,
    visitor: &Visitor,
    state: &AppState,
    status: StatusCode,
    typed: &Typed,
    problems: BTreeMap<String, String>,
) -> HttpResponse {
    let page = Page::new(req, visitor);
    let lang = page.lang;
    let found = state.db.run(move |conn| event_lines(conn, lang)).await;
    let events = match found {
        Ok(lines) => lines,
        Err(e) => return error_page(req, &e),
    };
    let filled = Filled {
        lang,
        typed,
        fresh: status == StatusCode::OK,
        problems: &problems,
    };
    let (general, venues) = creation_form(&filled);
    let all: Vec<&Field> = general
        .iter()
        .chain(venues.iter().flat_map(|v| {
            v.fields
                .iter()
                .chain(v.days.iter().flat_map(|(_, fields)| fields.iter()))
        }))
        .collect();
    let problems = listed(&all, &problems);
    html(
        status,
        EventsPage {
            page,
            events,
            problems,
            general,
            venues,
        }
        .render(),
    )
}

/// The events and the form to create one.
async fn events(req: HttpRequest, visitor: Visitor, state: web::Data<AppState>) -> HttpResponse {
    if let Err(refused) = visitor.staff(&req) {
        return *refused;
    }
    events_page(
        &req,
        &visitor,
        &state,
        StatusCode::OK,
        &Typed::default(),
        BTreeMap::new(),
    )
    .await
}

/// Creates an event with the API's rules; a form with problems comes back with its input kept.
async fn create(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> HttpResponse {
    let user = match visitor.staff(&req) {
        Ok(user) => user,
        Err(refused) => return *refused,
    };
    let lang = Page::new(&req, &visitor).lang;
    let typed = Typed::parse(&body);
    let mut rows = Rows::default();
    let created = match event_input(&typed, &mut rows) {
        Ok(input) => {
            let expiry = state.settings.meetings.request_expiry_days;
            state
                .db
                .write(move |conn| events_api::create(conn, &input, &user.id, expiry, false))
                .await
        }
        Err(e) => Err(e),
    };
    match created.map_err(|e| problems_of(lang, e)) {
        Ok(event) => see_other(&format!("/events/{}", event.id)).finish(),
        Err(Ok(problems)) => {
            let problems = needs(lang, &EVENT_FIELDS, problems, |rule| {
                on_its_start(rows.form_field(rule))
            });
            events_page(
                &req,
                &visitor,
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                &typed,
                problems,
            )
            .await
        }
        Err(Err(e)) => error_page(&req, &e),
    }
}

/// A venue as the event page shows it.
struct VenueLine {
    name: String,
    place: String,
    time_zone: String,
    tables: String,
    rooms: String,
    days: Vec<String>,
}

/// A participant as the event page shows it.
struct ParticipantLine {
    id: String,
    name: String,
    kind: String,
    time_zone: String,
    daily_cap: String,
    available_slots: String,
    /// Availability windows in the first venue's time zone; empty means whenever it is open.
    windows: String,
}

/// A request as the event page shows it.
struct RequestLine {
    investor: String,
    host: String,
    origin: String,
    status: String,
    must_meet: bool,
    score: String,
    priority: String,
}

/// A delegation taking part, with its regions' names.
struct DelegationLine {
    id: String,
    name: String,
    regions: String,
}

/// What the event page shows besides its forms.
struct EventView {
    id: String,
    name: String,
    description: String,
    facts: Vec<(String, String)>,
    venues: Vec<VenueLine>,
    participants: Vec<ParticipantLine>,
    requests: Vec<RequestLine>,
    delegations: Vec<DelegationLine>,
    /// The first venue's time zone: participants' availability is typed in it by default.
    zone: String,
    /// Who may still be registered: value (`investor:ID`, `region:CODE`, `delegation:ID`) and
    /// label.
    candidates: Vec<(String, String)>,
    /// Participant id and name of the investors, and of the regions and delegations, for
    /// introductions.
    investors: Vec<(String, String)>,
    hosts: Vec<(String, String)>,
    /// The scheduling run under way, else the last one: its id and whether it is running.
    job: Option<(String, bool)>,
}

#[derive(Template)]
#[template(path = "pages/event.html")]
struct EventPage {
    page: Page,
    event: EventView,
    join: Vec<Field>,
    problems: Vec<Listed>,
}

/// A moment in a time zone as pages write it: `2026-12-07 17:00 (Asia/Jakarta)`.
pub(crate) fn moment(at: NaiveDateTime, zone: &str) -> String {
    format!(
        "{} ({zone})",
        in_zone(at, stored_zone(zone)).format("%Y-%m-%d %H:%M")
    )
}

/// A fraction with two decimals, written the language's way.
fn decimal(lang: Lang, x: f64) -> String {
    let text = format!("{x:.2}");
    if lang == Lang::Id {
        text.replace('.', ",")
    } else {
        text
    }
}

fn event_view_of(
    conn: &mut crate::db::AnyConnection,
    state: &AppState,
    user: &AuthenticatedUser,
    lang: Lang,
    event_id: &str,
) -> Result<EventView, AppError> {
    let factor = state.settings.meetings.must_meet_factor;
    let requests: Vec<MeetingRequest> = event_requests(conn, user, event_id, None, factor)?;
    let data = EventData::load(conn, event_id)?;
    let slots = slots(&data.plan)?;
    let event = event_view(&data.plan);
    let e = &data.plan.event;
    let zone = data
        .plan
        .venues
        .first()
        .map_or_else(|| "UTC".to_owned(), |v| v.time_zone.clone());
    let yes_no = |b: bool| lang.t(if b { "events.yes" } else { "events.no" });
    let facts = vec![
        (
            lang.t("events.kind"),
            lang.t(&format!("events.kind_{}", e.kind)),
        ),
        (
            lang.t("events.slot_minutes"),
            lang.integer(e.slot_minutes.into()),
        ),
        (
            lang.t("events.travel_buffer"),
            lang.integer(e.travel_buffer_minutes.into()),
        ),
        (lang.t("events.daily_cap"), lang.integer(e.daily_cap.into())),
        (
            lang.t("events.min_break_slots"),
            lang.integer(e.min_break_slots.into()),
        ),
        (lang.t("events.online"), yes_no(e.online)),
        (
            lang.t("events.registration_deadline"),
            moment(e.registration_deadline, &zone),
        ),
        (
            lang.t("events.request_deadline"),
            moment(e.request_deadline, &zone),
        ),
        (
            lang.t("events.expiry_fact"),
            lang.integer(e.request_expiry_days.into()),
        ),
        (lang.t("events.slots"), lang.integer(event.slots as i64)),
    ];
    let venues = event
        .venues
        .iter()
        .map(|v| VenueLine {
            name: v.name.clone(),
            place: format!("{}, {}", v.city, v.country),
            time_zone: v.time_zone.clone(),
            tables: lang.integer(v.tables.into()),
            rooms: lang.integer(v.rooms.into()),
            days: v
                .days
                .iter()
                .map(|d| {
                    let breaks: Vec<String> = d
                        .breaks
                        .iter()
                        .map(|b| {
                            rust_i18n::t!(
                                "events.break",
                                locale = lang.code(),
                                from = b.from,
                                to = b.to
                            )
                            .into_owned()
                        })
                        .collect();
                    format!("{} {}–{} {}", d.date, d.opens, d.closes, breaks.join(" "))
                })
                .collect(),
        })
        .collect();
    let participants = data
        .participants
        .iter()
        .map(|p| {
            let shown = participant_view(&data, &slots, p, user);
            let windows = shown
                .availability
                .unwrap_or_default()
                .iter()
                .map(|w| {
                    format!(
                        "{} – {}",
                        w.from.format("%Y-%m-%d %H:%M"),
                        w.to.format("%H:%M")
                    )
                })
                .collect::<Vec<_>>();
            ParticipantLine {
                id: shown.id,
                name: shown.name,
                kind: lang.t(&format!("events.participant_{}", shown.kind)),
                time_zone: shown.time_zone,
                daily_cap: shown
                    .daily_cap
                    .map_or_else(|| lang.t("events.event_cap"), |c| lang.integer(c.into())),
                available_slots: shown
                    .available_slots
                    .map(|n| lang.integer(n as i64))
                    .unwrap_or_default(),
                windows: if windows.is_empty() {
                    lang.t("events.whenever_open")
                } else {
                    format!(
                        "{} ({})",
                        windows.join("; "),
                        shown.availability_time_zone.unwrap_or_default()
                    )
                },
            }
        })
        .collect();
    let requests = requests
        .iter()
        .map(|r| RequestLine {
            investor: r.investor.name.clone(),
            host: r.host.name.clone(),
            origin: lang.t(&format!("events.origin_{}", r.origin)),
            status: lang.t(&format!("events.request_{}", r.status)),
            must_meet: r.must_meet,
            score: format!("{}%", (r.score * 100.0).round()),
            priority: decimal(lang, r.priority),
        })
        .collect();
    let region_name = |code: &String| {
        state
            .catalogue
            .region(code)
            .map_or_else(|| code.clone(), |r| format!("{} ({code})", r.name))
    };
    let delegations = data
        .delegations
        .iter()
        .map(|d| DelegationLine {
            id: d.row.id.clone(),
            name: d.row.name.clone(),
            regions: d
                .regions
                .iter()
                .map(region_name)
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let taken = |kind: &str, id: &str| {
        data.participants.iter().any(|p| {
            let own = match kind {
                "investor" => p.row.investor_id.as_deref(),
                "region" => p.row.region_code.as_deref(),
                _ => p.row.delegation_id.as_deref(),
            };
            own == Some(id)
        })
    };
    let mut candidates = Vec::new();
    let (investors, _) = investor::list(conn, &InvestorFilter::default(), 0, 1000)?;
    for (row, _) in investors {
        if !taken("investor", &row.id) {
            candidates.push((
                format!("investor:{}", row.id),
                format!("{}: {}", lang.t("events.participant_investor"), row.name),
            ));
        }
    }
    for d in event_rows::delegations(conn, None)? {
        if !taken("delegation", &d.row.id) {
            candidates.push((
                format!("delegation:{}", d.row.id),
                format!(
                    "{}: {}",
                    lang.t("events.participant_delegation"),
                    d.row.name
                ),
            ));
        }
    }
    let mut regions: Vec<(&String, &String)> = state
        .catalogue
        .regions()
        .map(|(code, r)| (&r.name, code))
        .collect();
    regions.sort();
    for (name, code) in regions {
        if !taken("region", code) {
            candidates.push((
                format!("region:{code}"),
                format!("{}: {name} ({code})", lang.t("events.participant_region")),
            ));
        }
    }
    let (investors, hosts): (Vec<_>, Vec<_>) = data
        .participants
        .iter()
        .map(|p| (p.row.kind == "investor", (p.row.id.clone(), p.name.clone())))
        .partition(|(investor, _)| *investor);
    let job = job_rows::latest_job(
        conn,
        SCHEDULE_EVENT,
        event_id,
        &["queued", "running", "succeeded", "failed"],
    )?
    .map(|j| {
        let running = j.status == "queued" || j.status == "running";
        (j.id, running)
    });
    Ok(EventView {
        job,
        investors: investors.into_iter().map(|(_, p)| p).collect(),
        hosts: hosts.into_iter().map(|(_, p)| p).collect(),
        id: e.id.clone(),
        name: e.name.clone(),
        description: e.description.clone(),
        facts,
        venues,
        participants,
        requests,
        delegations,
        zone,
        candidates,
    })
}

async fn event_page(
    req: &HttpRequest,
    visitor: &Visitor,
    state: &web::Data<AppState>,
    user: AuthenticatedUser,
    event_id: String,
    refused: Option<(StatusCode, &Typed, BTreeMap<String, String>)>,
) -> HttpResponse {
    let page = Page::new(req, visitor);
    let lang = page.lang;
    let app = state.clone();
    let found = state
        .db
        .write(move |conn| event_view_of(conn, &app, &user, lang, &event_id))
        .await;
    let event = match found {
        Ok(view) => view,
        Err(e) => return error_page(req, &e),
    };
    let empty = Typed::default();
    let (status, typed, problems) = refused.unwrap_or((StatusCode::OK, &empty, BTreeMap::new()));
    let filled = Filled {
        lang,
        typed,
        fresh: status == StatusCode::OK,
        problems: &problems,
    };
    let join = vec![
        filled.select("who", "events.who", event.candidates.clone()),
        filled.required("time_zone", "events.time_zone", "text", &event.zone),
        filled.field("daily_cap", "events.participant_cap", "number", ""),
        filled.field("from", "events.available_from", "datetime-local", ""),
        filled.field("to", "events.available_to", "datetime-local", ""),
    ];
    let problems = listed(&join.iter().collect::<Vec<_>>(), &problems);
    html(
        status,
        EventPage {
            page,
            event,
            join,
            problems,
        }
        .render(),
    )
}

/// An event: venues, participants, requests, delegations, and the forms that act on it.
async fn event(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let user = match visitor.staff(&req) {
        Ok(user) => user,
        Err(refused) => return *refused,
    };
    event_page(&req, &visitor, &state, user, id.into_inner(), None).await
}

/// The API's registration from the participant form; its field names as the form's.
fn registration(typed: &Typed) -> Result<RegistrationInput, AppError> {
    let who = typed.one("who");
    let (kind, id) = who.split_once(':').unwrap_or(("", ""));
    let id = Some(id.to_owned());
    let (investor_id, region_code, delegation_id) = match kind {
        "investor" => (id, None, None),
        "region" => (None, id, None),
        "delegation" => (None, None, id),
        _ => {
            return Err(AppError::validation(
                "who",
                "is not a participant to register",
            ));
        }
    };
    let cap = typed.one("daily_cap");
    let availability = if typed.one("from").is_empty() && typed.one("to").is_empty() {
        Vec::new()
    } else {
        vec![WindowInput {
            from: local_time(typed, "from")?,
            to: local_time(typed, "to")?,
        }]
    };
    Ok(RegistrationInput {
        investor_id,
        region_code,
        delegation_id,
        time_zone: typed.one("time_zone"),
        daily_cap: if cap.is_empty() {
            None
        } else {
            Some(whole_number(typed, "daily_cap")?)
        },
        availability,
    })
}

/// A problem found with a participant form, in the page's language: what the field needs (a
/// window's problem told apart by the rules' words), or a conflict as already said.
fn settings_problem(lang: Lang, typed: &Typed, api_field: &str, message: String) -> String {
    let key = match api_field {
        "time_zone" => {
            return rust_i18n::t!(
                "events.problem_time_zone",
                locale = lang.code(),
                zone = typed.one("time_zone")
            )
            .into_owned();
        }
        "daily_cap" => "events.problem_daily_cap",
        "who" | "investor_id" | "region_code" | "delegation_id" => "events.need_who",
        "from" | "to" => "events.need_date_time",
        "availability" => "events.problem_windows",
        field if field.starts_with("availability[") => {
            if message.contains("after it starts") {
                "events.problem_window_order"
            } else if message.contains("past") {
                "events.problem_window_past"
            } else if message.contains("outside") {
                "events.problem_window_outside"
            } else {
                "events.problem_window_time"
            }
        }
        "" => return message,
        _ => "forms.check",
    };
    lang.t(key)
}

/// The participant form's field an API field name concerns.
fn participant_field(api: &str) -> String {
    match api {
        "investor_id" | "region_code" | "delegation_id" | "" => "who".to_owned(),
        field if field.starts_with("availability") => {
            if field.ends_with(".to") { "to" } else { "from" }.to_owned()
        }
        field => field.to_owned(),
    }
}

/// Registers an investor, region or delegation with the API's rules; a refused form comes back
/// with its input kept.
async fn add_participant(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let user = match visitor.staff(&req) {
        Ok(user) => user,
        Err(refused) => return *refused,
    };
    let lang = Page::new(&req, &visitor).lang;
    let event_id = id.into_inner();
    let typed = Typed::parse(&body);
    let registered = match registration(&typed) {
        Ok(input) => {
            let app = state.clone();
            let (who, event) = (user.clone(), event_id.clone());
            state
                .db
                .write(move |conn| {
                    events_api::register(conn, &app.catalogue, &who, &event, &input).map(drop)
                })
                .await
        }
        Err(e) => Err(e),
    };
    let status = match &registered {
        Err(AppError::Conflict { .. }) => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    match registered.map_err(|e| problems_of(lang, e)) {
        Ok(()) => see_other(&format!("/events/{event_id}#participants")).finish(),
        Err(Ok(problems)) => {
            let problems = problems
                .into_iter()
                .map(|(field, message)| {
                    let message = settings_problem(lang, &typed, &field, message);
                    (participant_field(&field), message)
                })
                .collect();
            event_page(
                &req,
                &visitor,
                &state,
                user,
                event_id,
                Some((status, &typed, problems)),
            )
            .await
        }
        Err(Err(e)) => error_page(&req, &e),
    }
}

/// Availability windows the participant form offers at least.
const WINDOWS: usize = 3;

/// The window rows of a form: those it holds, at least `WINDOWS`, so that no stored window is
/// left off the form and lost when it is saved.
fn window_rows(typed: &Typed) -> usize {
    (0..)
        .take_while(|&i| !typed.all(&window_name(i, "from")).is_empty())
        .count()
        .max(WINDOWS)
}

fn window_name(i: usize, end: &str) -> String {
    format!("availability[{i}].{end}")
}

#[derive(Template)]
#[template(path = "pages/event_participant.html")]
struct ParticipantPage {
    page: Page,
    event_id: String,
    event_name: String,
    participant_id: String,
    name: String,
    fields: Vec<Field>,
    /// Each window's legend and its two fields.
    windows: Vec<(String, Vec<Field>)>,
    problems: Vec<Listed>,
}

/// The participant's settings as stored, as the form shows them: windows in its own zone.
fn stored_settings(participant: &event_rows::Participant) -> Typed {
    let zone = stored_zone(&participant.row.time_zone);
    let local = |at: NaiveDateTime| in_zone(at, zone).format(SLOT_VALUE).to_string();
    let mut values = vec![
        ("time_zone".to_owned(), participant.row.time_zone.clone()),
        (
            "daily_cap".to_owned(),
            participant
                .row
                .daily_cap
                .map(|c| c.to_string())
                .unwrap_or_default(),
        ),
    ];
    for (i, w) in participant.windows.iter().enumerate() {
        values.push((window_name(i, "from"), local(w.starts_at)));
        values.push((window_name(i, "to"), local(w.ends_at)));
    }
    let spare = participant.windows.len();
    values.push((window_name(spare, "from"), String::new()));
    values.push((window_name(spare, "to"), String::new()));
    Typed::of(values)
}

/// The participant form: as stored, or as typed when it comes back with problems.
async fn participant_page(
    req: &HttpRequest,
    visitor: &Visitor,
    state: &web::Data<AppState>,
    (event_id, participant_id): (String, String),
    refused: Option<(&Typed, BTreeMap<String, String>)>,
) -> HttpResponse {
    let page = Page::new(req, visitor);
    let lang = page.lang;
    let (event, participant) = (event_id.clone(), participant_id.clone());
    let found = state
        .db
        .run(move |conn| {
            let data = EventData::load(conn, &event)?;
            let p = data
                .participant(&participant)
                .ok_or_else(|| AppError::not_found("participant"))?;
            Ok((
                data.plan.event.name.clone(),
                p.name.clone(),
                stored_settings(p),
            ))
        })
        .await;
    let (event_name, name, stored) = match found {
        Ok(found) => found,
        Err(e) => return error_page(req, &e),
    };
    let (status, typed, problems) = match refused {
        Some((typed, problems)) => (StatusCode::UNPROCESSABLE_ENTITY, typed, problems),
        None => (StatusCode::OK, &stored, BTreeMap::new()),
    };
    let filled = Filled {
        lang,
        typed,
        fresh: false,
        problems: &problems,
    };
    let fields = vec![
        filled.required("time_zone", "events.time_zone", "text", ""),
        filled.field("daily_cap", "events.participant_cap", "number", ""),
    ];
    let windows: Vec<(String, Vec<Field>)> = (0..window_rows(typed))
        .map(|i| {
            let legend = rust_i18n::t!("events.window_n", locale = lang.code(), n = i + 1);
            let ends = vec![
                filled.field(
                    &window_name(i, "from"),
                    "events.available_from",
                    "datetime-local",
                    "",
                ),
                filled.field(
                    &window_name(i, "to"),
                    "events.available_to",
                    "datetime-local",
                    "",
                ),
            ];
            (legend.into_owned(), ends)
        })
        .collect();
    let all: Vec<&Field> = fields
        .iter()
        .chain(windows.iter().flat_map(|(_, ends)| ends.iter()))
        .collect();
    let problems = listed(&all, &problems);
    html(
        status,
        ParticipantPage {
            page,
            event_id,
            event_name,
            participant_id,
            name,
            fields,
            windows,
            problems,
        }
        .render(),
    )
}

/// A participant's time zone, daily cap and availability windows, to change.
async fn participant(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    if let Err(refused) = visitor.staff(&req) {
        return *refused;
    }
    participant_page(&req, &visitor, &state, path.into_inner(), None).await
}

/// The API's settings from the participant form (windows left empty are left out), with the
/// form row each window sent came from.
fn settings_input(typed: &Typed) -> Result<(ParticipantSettings, Vec<usize>), AppError> {
    let cap = typed.one("daily_cap");
    let mut availability = Vec::new();
    let mut rows = Vec::new();
    for i in 0..window_rows(typed) {
        let (from, to) = (window_name(i, "from"), window_name(i, "to"));
        if typed.one(&from).is_empty() && typed.one(&to).is_empty() {
            continue;
        }
        availability.push(WindowInput {
            from: local_time(typed, &from)?,
            to: local_time(typed, &to)?,
        });
        rows.push(i);
    }
    let settings = ParticipantSettings {
        time_zone: typed.one("time_zone"),
        daily_cap: if cap.is_empty() {
            None
        } else {
            Some(whole_number(typed, "daily_cap")?)
        },
        availability,
    };
    Ok((settings, rows))
}

/// The participant form's field an API field name concerns: a window's problem goes on the
/// row it was typed in.
fn settings_field(api: &str, rows: &[usize]) -> String {
    renumbered(api, "availability", rows).map_or_else(|| api.to_owned(), on_its_start)
}

/// The form field a problem goes on: a problem with a whole span of time (a window, a break:
/// `breaks[0]`) goes on the field of its start.
fn on_its_start(field: String) -> String {
    if field.ends_with(']') {
        format!("{field}.from")
    } else {
        field
    }
}

/// Saves a participant's settings with the API's rules; a refused form comes back with its
/// input kept and nothing saved.
async fn edit_participant(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let user = match visitor.staff(&req) {
        Ok(user) => user,
        Err(refused) => return *refused,
    };
    let lang = Page::new(&req, &visitor).lang;
    let (event_id, participant_id) = path.into_inner();
    let typed = Typed::parse(&body);
    let mut rows = Vec::new();
    let saved = match settings_input(&typed) {
        Ok((settings, sent)) => {
            rows = sent;
            let (who, event, id) = (user.clone(), event_id.clone(), participant_id.clone());
            state
                .db
                .write(move |conn| {
                    events_api::update_settings(conn, &who, &event, &id, &settings).map(drop)
                })
                .await
        }
        Err(e) => Err(e),
    };
    match saved.map_err(|e| problems_of(lang, e)) {
        Ok(()) => see_other(&format!("/events/{event_id}#participants")).finish(),
        Err(Ok(problems)) => {
            let problems = problems
                .into_iter()
                .map(|(field, message)| {
                    let message = settings_problem(lang, &typed, &field, message);
                    (settings_field(&field, &rows), message)
                })
                .collect();
            participant_page(
                &req,
                &visitor,
                &state,
                (event_id, participant_id),
                Some((&typed, problems)),
            )
            .await
        }
        Err(Err(e)) => error_page(&req, &e),
    }
}

/// Staff introduce one investor to one region or delegation.
async fn introduce(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<RequestInput>,
) -> HttpResponse {
    let user = match visitor.staff(&req) {
        Ok(user) => user,
        Err(refused) => return *refused,
    };
    let event_id = id.into_inner();
    let (app, event) = (state.clone(), event_id.clone());
    let input = form.into_inner();
    let made = state
        .db
        .write(move |conn| new_request(conn, &app, &user, &event, &input).map(drop))
        .await;
    match made {
        Ok(()) => see_other(&format!("/events/{event_id}#requests")).finish(),
        Err(e) => error_page(&req, &e),
    }
}

/// Staff introduce every investor to its best matches among the regions and delegations, from
/// a minimum match score in percent.
async fn introduce_matches(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let user = match visitor.staff(&req) {
        Ok(user) => user,
        Err(refused) => return *refused,
    };
    let typed = Typed::parse(&body);
    let event_id = id.into_inner();
    let (app, event) = (state.clone(), event_id.clone());
    let made = state
        .db
        .write(move |conn| {
            let input = IntroductionInput {
                per_investor: whole_number(&typed, "per_investor")?.max(0) as usize,
                min_score: f64::from(whole_number(&typed, "min_score")?) / 100.0,
            };
            introduce_best(conn, &app, &user, &event, &input).map(drop)
        })
        .await;
    match made {
        Ok(()) => see_other(&format!("/events/{event_id}#requests")).finish(),
        Err(e) => error_page(&req, &e),
    }
}

/// How the scheduler form asks to run.
#[derive(Debug, serde::Deserialize)]
struct RunForm {
    /// `keep` (confirmed meetings stay) or `full` (everything is planned again).
    mode: String,
    /// `on` to confirm every meeting placed.
    confirm: Option<String>,
}

/// Starts the scheduler and follows its job.
async fn schedule(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<RunForm>,
) -> HttpResponse {
    let user = match visitor.staff(&req) {
        Ok(user) => user,
        Err(refused) => return *refused,
    };
    let event_id = id.into_inner();
    let options = ScheduleOptions {
        full: form.mode == "full",
        confirm: form.confirm.as_deref() == Some("on"),
    };
    match start_scheduling(&state, user, event_id.clone(), options).await {
        Ok(job) => see_other(&format!("/events/{event_id}/jobs/{}", job.id)).finish(),
        Err(e) => error_page(&req, &e),
    }
}

#[derive(Template)]
#[template(path = "pages/event_job.html")]
struct JobPage {
    page: Page,
    event_id: String,
    running: bool,
    failed: bool,
    progress: i32,
    stage: String,
    /// What the finished run did, as label and figure.
    summary: Vec<(String, String)>,
    /// Why a failed run stopped, in the page's language.
    failure: String,
    /// The stored error of a failure the page cannot put in words, as technical detail.
    detail: Option<String>,
}

/// A failed run's stored error in the page's language: the scheduler's known failures as
/// sentences of the catalogue; any other as "the run failed", with the error itself as detail.
fn failure_in_words(lang: Lang, error: &str) -> (String, Option<String>) {
    let known = if error.starts_with("interrupted") {
        Some("events.job_failed_interrupted")
    } else if error.contains("no slots") || error.contains("no meeting slot") {
        Some("events.job_failed_no_slots")
    } else if error == "event not found" {
        Some("events.job_failed_no_event")
    } else if error == "service temporarily unavailable" {
        Some("events.job_failed_busy")
    } else {
        None
    };
    match known {
        Some(key) => (lang.t(key), None),
        None => (lang.t("events.job_failed"), Some(error.to_owned())),
    }
}

/// A scheduling job's stage and progress; the page reloads itself every second while it runs.
async fn job(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let user = match visitor.staff(&req) {
        Ok(user) => user,
        Err(refused) => return *refused,
    };
    let (event_id, job_id) = path.into_inner();
    let wanted = event_id.clone();
    let found = state
        .db
        .run(move |conn| {
            let job = visible_job(conn, &user, &job_id)?;
            if job.event_id.as_deref() != Some(wanted.as_str()) {
                return Err(AppError::not_found("job"));
            }
            Ok(job)
        })
        .await;
    let job: Job = match found {
        Ok(job) => job,
        Err(e) => return error_page(&req, &e),
    };
    let page = Page::new(&req, &visitor);
    let lang = page.lang;
    let count = |label: &str, n: usize| (lang.t(label), lang.integer(n as i64));
    let summary = job
        .result
        .as_ref()
        .map(|r: &ScheduleSummary| {
            vec![
                count("events.summary_requests", r.requests),
                count("events.summary_placed", r.placed),
                count("events.summary_added", r.added),
                count("events.summary_moved", r.moved),
                count("events.summary_kept", r.kept),
                count("events.summary_dropped", r.dropped),
                count("events.summary_unplaced", r.unplaced.len()),
                count("events.summary_problems", r.problems.len()),
            ]
        })
        .unwrap_or_default();
    let (failure, detail) = match &job.error {
        Some(error) if job.status == "failed" => failure_in_words(lang, error),
        _ => (String::new(), None),
    };
    html(
        StatusCode::OK,
        JobPage {
            running: job.status == "queued" || job.status == "running",
            failed: job.status == "failed",
            progress: job.progress,
            stage: lang.t(&format!("events.stage_{}", job.stage)),
            summary,
            failure,
            detail,
            event_id,
            page,
        }
        .render(),
    )
}

/// The time zone the grid shows alongside venue time when the viewer has set none in the
/// settings and picked none: the programme's office keeps Western Indonesian Time.
const PROGRAMME_ZONE: &str = "Asia/Jakarta";

/// A column of the grid: one table or room of a venue.
struct Column {
    venue_id: String,
    place: &'static str,
    seat: i32,
    label: String,
}

/// A meeting in a grid cell.
struct Booked {
    id: String,
    with: String,
    status: String,
    confirmed: bool,
}

/// A cell: closed (the venue is not open in that slot), free, or a meeting.
struct Cell {
    open: bool,
    meeting: Option<Booked>,
    /// The column's table or room as the move form's place (`venue:seat`), and its kind, for
    /// dropping a meeting on a free cell.
    place: String,
    kind: &'static str,
}

/// A slot of the grid.
struct GridRow {
    /// The move form's value of this slot.
    slot: String,
    venue_time: String,
    your_time: String,
    cells: Vec<Cell>,
}

/// A meeting with its forms to move and confirm it.
struct MeetingForm {
    id: String,
    with: String,
    status: String,
    confirmed: bool,
    when: String,
    place: String,
    /// Slot start (UTC) or `venue:seat`, label, and whether it is the meeting's now.
    slots: Vec<(String, String, bool)>,
    places: Vec<(String, String, bool)>,
    refusal: Option<Refusal>,
}

/// Why a change of a meeting was refused, in the page's language: a lead sentence and each
/// reason.
struct Refusal {
    lead: String,
    reasons: Vec<String>,
}

/// An accepted request without a meeting, and why.
struct UnplacedLine {
    investor: String,
    host: String,
    priority: String,
    reason: String,
}

/// The grid's script: a meeting dragged to a free cell fills in and sends its move form. The
/// page works without it.
const GRID_JS: &str = include_str!("../../static/grid.js");

/// The script's address, named by its content so that it can be cached for good.
static GRID_JS_PATH: LazyLock<String> =
    LazyLock::new(|| content_address("/static/js/grid", "js", GRID_JS));

/// The grid's script, cached for a year under its content-named address.
async fn grid_script(file: web::Path<String>) -> HttpResponse {
    shipped(
        &format!("/static/js/{file}"),
        &GRID_JS_PATH,
        "text/javascript; charset=utf-8",
        GRID_JS,
    )
}

#[derive(Template)]
#[template(path = "pages/grid.html")]
struct GridPage {
    page: Page,
    script: &'static str,
    event_id: String,
    event_name: String,
    /// Time zones to see the grid in, and whether each is the one shown.
    zones: Vec<(String, bool)>,
    your_zone: String,
    /// Whether the viewer's zone differs from a venue's, so that it is shown alongside.
    show_yours: bool,
    /// With several venues, each venue's name over its tables and rooms (name, columns).
    venue_heads: Vec<(String, usize)>,
    columns: Vec<Column>,
    rows: Vec<GridRow>,
    meetings: Vec<MeetingForm>,
    unplaced: Vec<UnplacedLine>,
    refused: bool,
}

/// The grid's time zone, when the viewer picks one.
#[derive(Debug, serde::Deserialize)]
struct GridQuery {
    tz: Option<String>,
}

/// Everything the grid page is built from.
struct GridData {
    grid: Grid,
    data: EventData,
    accepted: Vec<MeetingRequest>,
    last_run: Option<ScheduleSummary>,
}

fn grid_data(
    conn: &mut crate::db::AnyConnection,
    state: &AppState,
    user: &AuthenticatedUser,
    event_id: &str,
) -> Result<GridData, AppError> {
    let grid = staff_grid(conn, user, event_id)?;
    let factor = state.settings.meetings.must_meet_factor;
    let accepted = event_requests(conn, user, event_id, Some("accepted"), factor)?;
    let last_run = job_rows::latest_job(conn, SCHEDULE_EVENT, event_id, &["succeeded"])?
        .and_then(|j| j.result)
        .and_then(|r| serde_json::from_str(&r).ok());
    Ok(GridData {
        grid,
        data: EventData::load(conn, event_id)?,
        accepted,
        last_run,
    })
}

const SLOT_VALUE: &str = "%Y-%m-%dT%H:%M";

/// The two sides of a meeting or request as the grid names them.
fn pair(investor: &str, host: &str) -> String {
    format!("{investor} ↔ {host}")
}

fn grid_page(
    page: Page,
    found: GridData,
    your_zone: Tz,
    refusal: Option<(&str, Refusal)>,
) -> GridPage {
    let lang = page.lang;
    let GridData {
        grid,
        data,
        accepted,
        last_run,
    } = found;
    let refused_any = refusal.is_some();
    let mut refusal = refusal;
    let venues = &data.plan.venues;
    let mut columns = Vec::new();
    let mut venue_heads = Vec::new();
    for v in venues {
        if venues.len() > 1 {
            venue_heads.push((v.name.clone(), (v.tables + v.rooms).max(0) as usize));
        }
        let seats = [("table", v.tables), ("room", v.rooms)];
        for (place, count) in seats {
            for seat in 1..=count {
                columns.push(Column {
                    venue_id: v.id.clone(),
                    place,
                    seat,
                    label: format!("{} {seat}", lang.t(&format!("grid.{place}"))),
                });
            }
        }
    }
    // A slot's time at each venue open in it; venues sharing a time zone share one label.
    let slot_label = |slot: &crate::api::meetings::GridSlot| {
        let mut labels: Vec<String> = Vec::new();
        for t in &slot.venue_times {
            let ends = slot.ends_at.with_timezone(&t.starts_at.timezone());
            let mut text = format!(
                "{}–{}",
                t.starts_at.format("%Y-%m-%d %H:%M"),
                ends.format("%H:%M")
            );
            if let Some(v) = venues.iter().find(|v| v.id == t.venue_id) {
                text = format!("{text} ({})", v.time_zone);
            }
            if !labels.contains(&text) {
                labels.push(text);
            }
        }
        labels.join("; ")
    };
    let status = |s: &str| lang.t(&format!("grid.status_{s}"));
    let rows = grid
        .slots
        .iter()
        .map(|slot| GridRow {
            slot: slot.starts_at.format(SLOT_VALUE).to_string(),
            venue_time: slot_label(slot),
            your_time: slot
                .starts_at
                .with_timezone(&your_zone)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            cells: columns
                .iter()
                .map(|c| Cell {
                    open: slot.venue_times.iter().any(|t| t.venue_id == c.venue_id),
                    meeting: slot
                        .meetings
                        .iter()
                        .find(|m| {
                            m.venue_id == c.venue_id && m.place == c.place && m.seat == c.seat
                        })
                        .map(|m| Booked {
                            id: m.meeting_id.clone(),
                            with: pair(&m.investor, &m.host),
                            status: status(&m.status),
                            confirmed: m.status == "confirmed",
                        }),
                    place: format!("{}:{}", c.venue_id, c.seat),
                    kind: c.place,
                })
                .collect(),
        })
        .collect();
    let mut meetings = Vec::new();
    for slot in &grid.slots {
        for m in &slot.meetings {
            let column = columns
                .iter()
                .find(|c| c.venue_id == m.venue_id && c.place == m.place && c.seat == m.seat);
            meetings.push(MeetingForm {
                id: m.meeting_id.clone(),
                with: pair(&m.investor, &m.host),
                status: status(&m.status),
                confirmed: m.status == "confirmed",
                when: slot_label(slot),
                place: column.map(|c| c.label.clone()).unwrap_or_default(),
                slots: grid
                    .slots
                    .iter()
                    .map(|s| {
                        let value = s.starts_at.format(SLOT_VALUE).to_string();
                        (value, slot_label(s), s.starts_at == slot.starts_at)
                    })
                    .collect(),
                places: columns
                    .iter()
                    .filter(|c| c.place == m.place)
                    .map(|c| {
                        let value = format!("{}:{}", c.venue_id, c.seat);
                        let here = c.venue_id == m.venue_id && c.seat == m.seat;
                        (value, c.label.clone(), here)
                    })
                    .collect(),
                refusal: refusal
                    .take_if(|(id, _)| *id == m.meeting_id)
                    .map(|(_, refusal)| refusal),
            });
        }
    }
    let placed: Vec<&str> = grid
        .slots
        .iter()
        .flat_map(|s| s.meetings.iter().map(|m| m.request_id.as_str()))
        .collect();
    let unplaced = accepted
        .iter()
        .filter(|r| !placed.contains(&r.id.as_str()))
        .map(|r| {
            let reason = last_run
                .as_ref()
                .and_then(|run| run.unplaced.iter().find(|u| u.request_id == r.id))
                .and_then(|u| serde_json::to_value(u.reason).ok())
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_else(|| "not_run".to_owned());
            UnplacedLine {
                investor: r.investor.name.clone(),
                host: r.host.name.clone(),
                priority: decimal(lang, r.priority),
                reason: lang.t(&format!("grid.reason_{reason}")),
            }
        })
        .collect();
    let mut zones: Vec<String> = venues
        .iter()
        .map(|v| v.time_zone.clone())
        .chain(data.participants.iter().map(|p| p.row.time_zone.clone()))
        .chain([PROGRAMME_ZONE, "Asia/Makassar", "Asia/Jayapura", "UTC"].map(str::to_owned))
        .collect();
    zones.sort();
    zones.dedup();
    let your_zone = your_zone.name().to_owned();
    GridPage {
        event_id: data.plan.event.id.clone(),
        event_name: data.plan.event.name.clone(),
        zones: zones
            .into_iter()
            .map(|z| {
                let chosen = z == your_zone;
                (z, chosen)
            })
            .collect(),
        show_yours: venues.iter().any(|v| v.time_zone != your_zone),
        your_zone,
        venue_heads,
        columns,
        rows,
        meetings,
        unplaced,
        refused: refused_any,
        script: GRID_JS_PATH.as_str(),
        page,
    }
}

async fn render_grid(
    req: &HttpRequest,
    visitor: &Visitor,
    state: &web::Data<AppState>,
    user: AuthenticatedUser,
    event_id: String,
    your_zone: Option<&str>,
    refusal: Option<(StatusCode, &str, Refusal)>,
) -> HttpResponse {
    let chosen = your_zone
        .or(user.time_zone.as_deref())
        .unwrap_or(PROGRAMME_ZONE);
    let zone = match time_zone("tz", chosen) {
        Ok(zone) => zone,
        Err(e) => return error_page(req, &e),
    };
    let app = state.clone();
    let found = state
        .db
        .write(move |conn| grid_data(conn, &app, &user, &event_id))
        .await;
    let found = match found {
        Ok(found) => found,
        Err(e) => return error_page(req, &e),
    };
    let page = Page::new(req, visitor);
    let (status, refusal) = match refusal {
        Some((status, id, refusal)) => (status, Some((id, refusal))),
        None => (StatusCode::OK, None),
    };
    html(status, grid_page(page, found, zone, refusal).render())
}

/// The schedule: slots by tables and rooms, each meeting with forms to move and confirm it, and
/// the accepted requests left without a meeting.
async fn grid(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<GridQuery>,
) -> HttpResponse {
    let user = match visitor.staff(&req) {
        Ok(user) => user,
        Err(refused) => return *refused,
    };
    let zone = query.into_inner().tz.filter(|z| !z.is_empty());
    render_grid(
        &req,
        &visitor,
        &state,
        user,
        id.into_inner(),
        zone.as_deref(),
        None,
    )
    .await
}

/// A grid form: `confirm`, or `move` to a slot (its UTC start) and a place (`venue:seat`).
#[derive(Debug, serde::Deserialize)]
struct ChangeForm {
    action: String,
    slot: Option<String>,
    place: Option<String>,
}

/// The API's change from a grid form; a move's start is read in the chosen venue's time.
fn meeting_change(
    conn: &mut crate::db::AnyConnection,
    event_id: &str,
    meeting_id: &str,
    form: &ChangeForm,
) -> Result<MeetingChange, AppError> {
    let meeting = meeting_rows::find_meeting(conn, meeting_id)?
        .filter(|m| m.event_id == event_id)
        .ok_or_else(|| AppError::not_found("meeting"))?;
    if form.action == "confirm" {
        return Ok(MeetingChange {
            status: Some("confirmed".into()),
            starts_at: None,
            venue_id: None,
            seat: None,
        });
    }
    let plan = event_rows::find_event(conn, &meeting.event_id)?
        .ok_or_else(|| AppError::not_found("event"))?;
    let starts = form
        .slot
        .as_deref()
        .and_then(|s| NaiveDateTime::parse_from_str(s, SLOT_VALUE).ok())
        .ok_or_else(|| {
            AppError::validation("starts_at", "is not the start of a slot of this event")
        })?;
    let (venue_id, seat) = form
        .place
        .as_deref()
        .and_then(|p| p.rsplit_once(':'))
        .and_then(|(venue, seat)| Some((venue.to_owned(), seat.parse::<i32>().ok()?)))
        .ok_or_else(|| AppError::validation("seat", "is not a table or room of this event"))?;
    let zone = plan
        .venues
        .iter()
        .find(|v| v.id == venue_id)
        .map_or(Tz::UTC, |v| stored_zone(&v.time_zone));
    Ok(MeetingChange {
        status: None,
        starts_at: Some(in_zone(starts, zone).naive_local()),
        venue_id: Some(venue_id),
        seat: Some(seat),
    })
}

/// Moves or confirms a meeting with the API's rules; a refused move comes back on the grid
/// with the validator's reasons in the page's language.
async fn change(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<ChangeForm>,
) -> HttpResponse {
    let user = match visitor.staff(&req) {
        Ok(user) => user,
        Err(refused) => return *refused,
    };
    let (event_id, meeting_id) = path.into_inner();
    let form = form.into_inner();
    let (event, meeting) = (event_id.clone(), meeting_id.clone());
    let asked = state
        .db
        .run(move |conn| meeting_change(conn, &event, &meeting, &form))
        .await;
    let (changed, asked) = match asked {
        Ok(change) => {
            let changed =
                change_meeting(&state, user.clone(), meeting_id.clone(), change.clone()).await;
            (changed, Some(change))
        }
        Err(e) => (Err(e), None),
    };
    let refused = match changed {
        Ok(_) => {
            return see_other(&format!("/events/{event_id}/grid#meeting-{meeting_id}")).finish();
        }
        Err(e) => e,
    };
    let status = match &refused {
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        AppError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        e => return error_page(&req, e),
    };
    let lang = Page::new(&req, &visitor).lang;
    let reasons = refusal_reasons(&state, &user, lang, &meeting_id, asked, &refused).await;
    let refusal = Refusal {
        lead: lang.t("grid.refused"),
        reasons,
    };
    render_grid(
        &req,
        &visitor,
        &state,
        user,
        event_id,
        None,
        Some((status, &meeting_id, refusal)),
    )
    .await
}

/// Why a change was refused, in the page's language: for a move the validator refuses, each
/// constraint it would break, asked of the same check the move ran; any other conflict as its
/// code means.
async fn refusal_reasons(
    state: &AppState,
    user: &AuthenticatedUser,
    lang: Lang,
    meeting_id: &str,
    asked: Option<MeetingChange>,
    refused: &AppError,
) -> Vec<String> {
    let code = match refused {
        AppError::Conflict { code, .. } => *code,
        _ => return vec![lang.t("grid.refusal_bad_place")],
    };
    match (code, asked) {
        (MEETING_DOES_NOT_FIT, Some(change)) => {
            let (user, id) = (user.clone(), meeting_id.to_owned());
            let factor = state.settings.meetings.must_meet_factor;
            let reasons = state
                .db
                .run(move |conn| {
                    let (data, _, meeting) = visible_meeting(conn, &user, &id)?;
                    let placed = placement(conn, &data, &meeting, &change, factor)?;
                    Ok(broken_in_words(lang, &data, &placed))
                })
                .await
                .unwrap_or_default();
            if reasons.is_empty() {
                vec![lang.t("grid.refusal_bad_place")]
            } else {
                reasons
            }
        }
        ("meeting_cancelled" | "request_not_open", _) => {
            vec![lang.t(&format!("grid.refusal_{code}"))]
        }
        _ => vec![said(lang, refused)],
    }
}

/// A slot's start as a sentence names it: its time and date at the venue, with the zone.
fn venue_time(lang: Lang, starts_at: NaiveDateTime, zone: &str) -> String {
    let local = in_zone(starts_at, stored_zone(zone));
    rust_i18n::t!(
        "grid.at",
        locale = lang.code(),
        time = local.format(lang.pick("%H.%M", "%H:%M")).to_string(),
        date = local.format("%Y-%m-%d").to_string(),
        zone = zone
    )
    .into_owned()
}

/// Each constraint a move would break, as a sentence of the catalogue naming participants by
/// name and slots by their time at the meeting's venue.
fn broken_in_words(lang: Lang, data: &EventData, placed: &Placement) -> Vec<String> {
    use crate::scheduling::Violation as V;
    let zone = data
        .plan
        .venues
        .iter()
        .find(|v| v.id == placed.venue_id)
        .map_or(PROGRAMME_ZONE, |v| v.time_zone.as_str());
    let name = |id: &str| {
        data.participant(id)
            .map_or_else(|| id.to_owned(), |p| p.name.clone())
    };
    let when = |slot: u32| {
        placed
            .slots
            .get(slot as usize)
            .map(|s| venue_time(lang, s.starts_at, zone))
            .unwrap_or_default()
    };
    let place = |group: bool, seat: u32| {
        let kind = lang.t(if group { "grid.room" } else { "grid.table" });
        format!("{kind} {}", seat + 1)
    };
    let code = lang.code();
    let mut sentences: Vec<String> = Vec::new();
    for violation in &placed.broken {
        let sentence = match violation {
            V::Closed { venue, slot, .. } => rust_i18n::t!(
                "grid.refusal_closed",
                locale = code,
                venue = venue,
                when = when(*slot)
            ),
            V::NoSuchSeat {
                venue, seat, group, ..
            } => rust_i18n::t!(
                "grid.refusal_no_such_seat",
                locale = code,
                venue = venue,
                place = place(*group, *seat)
            ),
            V::SeatTaken {
                seat,
                venue,
                slot,
                group,
            } => rust_i18n::t!(
                "grid.refusal_seat_taken",
                locale = code,
                place = place(*group, *seat),
                venue = venue,
                when = when(*slot)
            ),
            V::Unavailable {
                participant, slot, ..
            } => rust_i18n::t!(
                "grid.refusal_unavailable",
                locale = code,
                name = name(participant),
                when = when(*slot)
            ),
            V::DoubleBooked {
                participant, slot, ..
            } => rust_i18n::t!(
                "grid.refusal_double_booked",
                locale = code,
                name = name(participant),
                when = when(*slot)
            ),
            V::OverCap {
                participant,
                day,
                count,
                cap,
            } => {
                let date = placed
                    .slots
                    .iter()
                    .find(|s| s.day == *day)
                    .map(|s| in_zone(s.starts_at, stored_zone(zone)).format("%Y-%m-%d"))
                    .map(|d| d.to_string())
                    .unwrap_or_default();
                rust_i18n::t!(
                    "grid.refusal_over_cap",
                    locale = code,
                    name = name(participant),
                    count = lang.integer((*count).into()),
                    cap = lang.integer((*cap).into()),
                    date = date
                )
            }
            V::NoTravelTime {
                participant,
                first,
                second,
            } => rust_i18n::t!(
                "grid.refusal_no_travel_time",
                locale = code,
                name = name(participant),
                first = when(*first),
                second = when(*second)
            ),
            V::NoBreak {
                participant,
                first,
                second,
            } => rust_i18n::t!(
                "grid.refusal_no_break",
                locale = code,
                name = name(participant),
                first = when(*first),
                second = when(*second)
            ),
            V::FixedMoved { .. } => rust_i18n::t!("grid.refusal_fixed_moved", locale = code),
            _ => rust_i18n::t!("grid.refusal_inconsistent", locale = code),
        }
        .into_owned();
        if !sentences.contains(&sentence) {
            sentences.push(sentence);
        }
    }
    sentences
}

/// Cancels a meeting of the event with the API's rules, once the form's box confirming it is
/// ticked; both parties are told. Without the tick the grid comes back saying so.
async fn cancel(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let user = match visitor.staff(&req) {
        Ok(user) => user,
        Err(refused) => return *refused,
    };
    let (event_id, meeting_id) = path.into_inner();
    let lang = Page::new(&req, &visitor).lang;
    if Typed::parse(&body).one("sure") != "on" {
        let refusal = Refusal {
            lead: lang.t("grid.cancel_refused"),
            reasons: vec![lang.t("grid.tick_to_cancel")],
        };
        return render_grid(
            &req,
            &visitor,
            &state,
            user,
            event_id,
            None,
            Some((StatusCode::UNPROCESSABLE_ENTITY, &meeting_id, refusal)),
        )
        .await;
    }
    let (event, meeting) = (event_id.clone(), meeting_id.clone());
    let cancelled = state
        .db
        .write(move |conn| {
            meeting_rows::find_meeting(conn, &meeting)?
                .filter(|m| m.event_id == event)
                .ok_or_else(|| AppError::not_found("meeting"))?;
            meetings_api::cancel(conn, &user, &meeting).map(drop)
        })
        .await;
    match cancelled {
        Ok(()) => see_other(&format!("/events/{event_id}/grid#meetings")).finish(),
        Err(e) => error_page(&req, &e),
    }
}
