//! Programme staff run events in the browser: the list of events and a form to create one, and
//! an event's venues, participants, requests and delegations; a participant's settings
//! ([`participants`]); running the scheduler, its job and the grid where meetings are moved,
//! confirmed and cancelled ([`scheduling`]).

mod applications;
mod bulk;
mod participants;
mod scheduling;

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::LazyLock;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use strum::IntoEnumIterator;

use super::form::{self, Problems, Typed};
use super::i18n::Lang;
use super::pickers::{RegionGroup, region_groups};
use super::session::Staff;
use super::{Done, Page, content_address, html, said, see_other, shipped};
use crate::auth::AuthenticatedUser;
use crate::domain::status::{JobStatus, MeetingStatus, RequestStatus};
use crate::domain::text;
use crate::error::{AppError, ErrorCode, FieldChecks};
use crate::meetings::jobs::ScheduleOptions;
use crate::meetings::plan::slots;
use crate::meetings::service::{EventData, ScheduleSummary};
use crate::meetings::time::{in_zone, stored_zone, time_zone, to_utc};
use crate::reference::Catalogue;
use crate::services::events::{
    self as events_service, Break, CandidateFilter, Day, DelegationRecord, EventInput, EventKind,
    EventRow, ParticipantRecord, ParticipantSettings, RegistrationInput, Unregistered, VenueInput,
    WindowInput, event_view, participant_view,
};
use crate::services::meetings::{
    self as meetings_service, Grid, Job, MeetingChange, Placement, change_meeting,
    latest_scheduling_run, placement, staff_grid, start_scheduling, visible_job, visible_meeting,
};
use crate::services::requests::{
    IntroductionInput, MeetingRequest, RequestInput, event_requests, introduce_best,
    request_meeting,
};
use crate::state::AppState;
use crate::web::PageResult;

/// The staff pages of events: list and creation, an event, its scheduling job and its grid.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/events", web::get().to(events))
        .route("/events", web::post().to(create))
        .route("/events/{id}", web::get().to(event))
        .route("/events/{id}/requests", web::post().to(introduce))
        .route(
            "/events/{id}/introductions",
            web::post().to(introduce_matches),
        )
        .configure(applications::config)
        .configure(bulk::config)
        .configure(participants::config)
        .configure(scheduling::config);
}

/// A form field as the page shows it.
pub(crate) struct Field {
    pub(crate) name: String,
    pub(crate) label: String,
    /// text, number, date, time, datetime-local, checkbox, textarea, select or regions.
    pub(crate) input: &'static str,
    pub(crate) value: String,
    /// For a select: value, label and whether it is chosen.
    pub(crate) options: Vec<(String, String, bool)>,
    /// For a choice of regions (`regions`): the regions by province, those chosen marked.
    pub(crate) groups: Vec<RegionGroup>,
    pub(crate) required: bool,
    pub(crate) problem: Option<String>,
}

/// What a form was filled with and what was wrong with it; a fresh form shows the defaults.
pub(crate) struct Filled<'a> {
    pub(crate) lang: Lang,
    pub(crate) typed: &'a Typed,
    pub(crate) fresh: bool,
    pub(crate) problems: BTreeMap<String, String>,
}

/// A form sent back: the status it answers with, what was typed, and the problems by field.
pub(crate) type Refused<'a> = (StatusCode, &'a Typed, BTreeMap<String, String>);

impl<'a> Filled<'a> {
    /// The form as it was refused, with the refusal's status; else a fresh one (200).
    pub(crate) fn new(lang: Lang, refused: Option<Refused<'a>>) -> (StatusCode, Self) {
        static BLANK: LazyLock<Typed> = LazyLock::new(Typed::default);
        let fresh = refused.is_none();
        let (status, typed, problems) =
            refused.unwrap_or((StatusCode::OK, &BLANK, BTreeMap::new()));
        (
            status,
            Filled {
                lang,
                typed,
                fresh,
                problems,
            },
        )
    }

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
            groups: Vec::new(),
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

    /// A select of the IANA time zones, `default` chosen on a fresh form; one that need not be
    /// given starts with an empty choice.
    fn zone(&self, name: &str, label: &str, default: &str, required: bool) -> Field {
        let mut field = self.field(name, label, "select", default);
        field.options = crate::web::pickers::zone_choices(&field.value);
        if !required {
            let none = field.value.is_empty();
            field
                .options
                .insert(0, (String::new(), String::new(), none));
        }
        field.required = required;
        field
    }

    /// Several regions chosen by province from the catalogue.
    pub(crate) fn regions(&self, name: &str, label: &str, catalogue: &Catalogue) -> Field {
        Field {
            groups: region_groups(catalogue, &self.typed.codes(name)),
            required: true,
            ..self.field(name, label, "regions", "")
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

/// The problems of a refused form as the page lists them, in the order of its fields (those of
/// no field of the form last): the field's label (when the form has that field) and the message.
pub(crate) fn listed(fields: &[&Field], problems: &BTreeMap<String, String>) -> Vec<Listed> {
    let position = |name: &str| {
        fields
            .iter()
            .position(|f| f.name == name)
            .unwrap_or(fields.len())
    };
    let mut listed: Vec<Listed> = problems
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
        .collect();
    listed.sort_by_key(|l| position(&l.field));
    listed
}

/// A form's outcome as its page takes it: what was made, or the field problems of a refused
/// form with the rules' own messages (a conflict has one, on no field, saying what its code
/// means in the page's language); any other error as it is.
pub(crate) fn refusal<T>(
    lang: Lang,
    outcome: Result<T, AppError>,
) -> Result<Result<T, BTreeMap<String, String>>, AppError> {
    match outcome {
        Ok(made) => Ok(Ok(made)),
        Err(AppError::Validation { fields, .. }) => Ok(Err(fields)),
        Err(conflict @ AppError::Conflict { .. }) => Ok(Err(BTreeMap::from([(
            String::new(),
            said(lang, &conflict),
        )]))),
        Err(other) => Err(other),
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
    form::Field::new("name", "name", "events.name", "events.need_name").at_most(text::NAME),
    form::Field::new("kind", "kind", "events.kind", "forms.choice"),
    form::Field::new(
        "description",
        "description",
        "events.description",
        "forms.long_text",
    )
    .at_most(text::LONG_TEXT),
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
    )
    .at_most(text::NAME),
    form::Field::new("venues.city", "city", "events.city", "events.need_city").at_most(text::CITY),
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
const SLOT_VALUE: &str = "%Y-%m-%dT%H:%M";

/// The form field a problem goes on: a problem with a whole span of time (a window, a break:
/// `breaks[0]`) goes on the field of its start.
fn on_its_start(field: String) -> String {
    if field.ends_with(']') {
        format!("{field}.from")
    } else {
        field
    }
}

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
        filled.field(
            "approval_required",
            "events.approval_required",
            "checkbox",
            "",
        ),
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
                    filled.zone(
                        &venue_name(i, "time_zone"),
                        "events.time_zone",
                        "Asia/Jakarta",
                        first,
                    ),
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
/// date, are left out; deadlines are read in the first venue's time zone. Every field that
/// cannot be read is a problem of the same refusal.
fn event_input(typed: &Typed, rows: &mut Rows) -> Result<EventInput, AppError> {
    let mut checks = FieldChecks::new();
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
            let Ok(date) = NaiveDate::parse_from_str(&date, "%Y-%m-%d") else {
                checks.add(&date_field, "must be a date");
                continue;
            };
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
            tables: checks
                .take(whole_number(typed, &venue_name(i, "tables")))
                .unwrap_or_default(),
            rooms: checks
                .take(whole_number(typed, &venue_name(i, "rooms")))
                .unwrap_or_default(),
            days,
        });
        rows.venues.push((i, day_rows));
    }
    let zone = checks.take(time_zone(&venue_name(0, "time_zone"), &venues[0].time_zone));
    let mut moment =
        |name: &str| zone.and_then(|zone| checks.take(local_moment(typed, name, zone)));
    let deadlines = moment("registration_deadline").zip(moment("request_deadline"));
    let mut number = |name: &str| checks.take(whole_number(typed, name)).unwrap_or_default();
    let slot_minutes = number("slot_minutes");
    let travel_buffer_minutes = number("travel_buffer_minutes");
    let daily_cap = number("daily_cap");
    let min_break_slots = number("min_break_slots");
    let expiry = typed.one("request_expiry_days");
    let request_expiry_days = if expiry.is_empty() {
        None
    } else {
        checks.take(whole_number(typed, "request_expiry_days"))
    };
    let input = deadlines.map(|(registration_deadline, request_deadline)| EventInput {
        name: typed.one("name"),
        kind: EventKind::from_str(&typed.one("kind")).unwrap_or(EventKind::Forum),
        description: typed.one("description"),
        slot_minutes,
        travel_buffer_minutes,
        daily_cap,
        min_break_slots,
        online: typed.one("online") == "on",
        approval_required: typed.one("approval_required") == "on",
        registration_deadline,
        request_deadline,
        request_expiry_days,
        venues,
    });
    checks.finish(input)
}

/// The events, newest first, each with its counts.
fn event_lines(
    conn: &mut crate::db::AnyConnection,
    user: &AuthenticatedUser,
    lang: Lang,
) -> Result<Vec<EventLine>, AppError> {
    let mut lines = Vec::new();
    for (event, tally) in events_service::tallies(conn, user)? {
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
            participants: lang.integer(tally.participants as i64),
            requests: lang.integer(tally.requests as i64),
            meetings: lang.integer(tally.meetings as i64),
            id: event.id,
            name: event.name,
        });
    }
    Ok(lines)
}

/// The events and the form to create one, fresh or as it was refused.
async fn events_page(
    req: &HttpRequest,
    state: &AppState,
    user: AuthenticatedUser,
    refused: Option<Refused<'_>>,
) -> PageResult {
    let page = Page::of(req);
    let lang = page.lang;
    let events = state
        .db
        .run(move |conn| event_lines(conn, &user, lang))
        .await?;
    let (status, filled) = Filled::new(lang, refused);
    let (general, venues) = creation_form(&filled);
    let all: Vec<&Field> = general
        .iter()
        .chain(venues.iter().flat_map(|v| {
            v.fields
                .iter()
                .chain(v.days.iter().flat_map(|(_, fields)| fields.iter()))
        }))
        .collect();
    let problems = listed(&all, &filled.problems);
    Ok(html(
        status,
        EventsPage {
            page,
            events,
            problems,
            general,
            venues,
        }
        .render(),
    ))
}

/// The events and the form to create one.
async fn events(
    req: HttpRequest,
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
) -> PageResult {
    events_page(&req, &state, user, None).await
}

/// Creates an event with the API's rules; a form with problems comes back with its input kept.
async fn create(
    req: HttpRequest,
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let lang = Page::of(&req).lang;
    let typed = Typed::parse(&body);
    let mut rows = Rows::default();
    let created = match event_input(&typed, &mut rows) {
        Ok(input) => {
            let expiry = state.settings.meetings.request_expiry_days;
            let author = user.clone();
            state
                .db
                .write(move |conn| events_service::create_event(conn, &author, &input, expiry))
                .await
        }
        Err(e) => Err(e),
    };
    match refusal(lang, created)? {
        Ok(event) => Ok(see_other(&format!("/events/{}", event.id)).finish()),
        Err(problems) => {
            let problems = needs(lang, &EVENT_FIELDS, problems, |rule| {
                on_its_start(rows.form_field(rule))
            });
            let refused = (StatusCode::UNPROCESSABLE_ENTITY, &typed, problems);
            events_page(&req, &state, user, Some(refused)).await
        }
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
    /// Registrations waiting for approval.
    applications: Vec<ParticipantLine>,
    requests: Vec<RequestLine>,
    delegations: Vec<DelegationLine>,
    /// The first venue's time zone: participants' availability is typed in it by default.
    zone: String,
    /// Who may still be registered: value (`investor:ID`, `region:CODE`, `delegation:ID`) and
    /// label.
    candidates: Vec<(String, String)>,
    /// The checked list of those not registered, to add many at once.
    many: bulk::ManyList,
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
    /// The checked list's time zone and cap, and its problems.
    many: Vec<Field>,
    many_problems: Vec<Listed>,
    /// What the page says of the action it comes back from.
    done: Option<String>,
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

/// The event page's view of an event: its facts and venues, who takes part and who is asked to
/// meet whom, who may still be registered (all, and in the checked list as `listed` filters and
/// ticks it), and its scheduling run.
fn event_view_of(
    conn: &mut crate::db::AnyConnection,
    state: &AppState,
    user: &AuthenticatedUser,
    (lang, event_id): (Lang, &str),
    listed: (&CandidateFilter, &[String]),
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
    let participants = data
        .participants
        .iter()
        .map(|p| participant_line(lang, participant_view(&data, &slots, p, user)))
        .collect();
    let applications = events_service::applications(conn, user, event_id)?
        .into_iter()
        .map(|p| participant_line(lang, p))
        .collect();
    let all = CandidateFilter::default();
    let unregistered = events_service::unregistered(conn, &state.catalogue, user, event_id, &all)?;
    let candidates = bulk::choices(lang, unregistered);
    let many = bulk::many_list(conn, state, user, lang, event_id, listed)?;
    Ok(EventView {
        many,
        job: latest_run(conn, event_id)?,
        investors: introducible(&data.participants, true),
        hosts: introducible(&data.participants, false),
        id: e.id.clone(),
        name: e.name.clone(),
        description: e.description.clone(),
        facts: facts(lang, e, event.slots, &zone),
        venues: event.venues.iter().map(|v| venue_line(lang, v)).collect(),
        participants,
        applications,
        requests: requests.iter().map(|r| request_line(lang, r)).collect(),
        delegations: data
            .delegations
            .iter()
            .map(|d| delegation_line(state, d))
            .collect(),
        zone,
        candidates,
    })
}

/// The event's settings as label and value, its dates in the first venue's time zone `zone`.
fn facts(lang: Lang, e: &EventRow, slot_count: usize, zone: &str) -> Vec<(String, String)> {
    let yes_no = |b: bool| lang.t(if b { "events.yes" } else { "events.no" });
    vec![
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
            lang.t("events.approval_required"),
            yes_no(e.approval_required),
        ),
        (
            lang.t("events.registration_deadline"),
            moment(e.registration_deadline, zone),
        ),
        (
            lang.t("events.request_deadline"),
            moment(e.request_deadline, zone),
        ),
        (
            lang.t("events.expiry_fact"),
            lang.integer(e.request_expiry_days.into()),
        ),
        (lang.t("events.slots"), lang.integer(slot_count as i64)),
    ]
}

/// A venue with its opening days, each a line with its breaks.
fn venue_line(lang: Lang, v: &events_service::Venue) -> VenueLine {
    VenueLine {
        name: v.name.clone(),
        place: format!(
            "{}, {}",
            v.city,
            super::pickers::country_name(lang, &v.country)
        ),
        time_zone: v.time_zone.clone(),
        tables: lang.integer(v.tables.into()),
        rooms: lang.integer(v.rooms.into()),
        days: v.days.iter().map(|d| day_line(lang, d)).collect(),
    }
}

/// A venue's opening day as one line: date, hours and breaks.
fn day_line(lang: Lang, d: &Day) -> String {
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
}

/// A participant as the caller may see it, in the page's words: its cap, free slots and
/// availability windows.
fn participant_line(lang: Lang, shown: events_service::Participant) -> ParticipantLine {
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
}

/// A meeting request in the page's words, its score in percent.
fn request_line(lang: Lang, r: &MeetingRequest) -> RequestLine {
    RequestLine {
        investor: r.investor.name.clone(),
        host: r.host.name.clone(),
        origin: lang.t(&format!("events.origin_{}", r.origin)),
        status: lang.t(&format!("events.request_{}", r.status.name())),
        must_meet: r.must_meet,
        score: format!("{}%", (r.score * 100.0).round()),
        priority: decimal(lang, r.priority),
    }
}

/// A delegation taking part, its regions named as the catalogue has them.
fn delegation_line(state: &AppState, d: &DelegationRecord) -> DelegationLine {
    let region_name = |code: &String| {
        state
            .catalogue
            .region(code)
            .map_or_else(|| code.clone(), |r| format!("{} ({code})", r.name))
    };
    DelegationLine {
        id: d.row.id.clone(),
        name: d.row.name.clone(),
        regions: d
            .regions
            .iter()
            .map(region_name)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Participant id and name, for the introduction form, of the investors (`investors`) or else
/// of the regions and delegations.
fn introducible(participants: &[ParticipantRecord], investors: bool) -> Vec<(String, String)> {
    participants
        .iter()
        .filter(|p| (p.row.kind == "investor") == investors)
        .map(|p| (p.row.id.clone(), p.name.clone()))
        .collect()
}

/// The event's scheduling run under way, else its last one: id and whether it is running.
fn latest_run(
    conn: &mut crate::db::AnyConnection,
    event_id: &str,
) -> Result<Option<(String, bool)>, AppError> {
    let statuses: Vec<JobStatus> = JobStatus::iter().collect();
    Ok(latest_scheduling_run(conn, event_id, &statuses)?.map(|j| {
        let running = j.status.is_under_way();
        (j.id, running)
    }))
}

async fn event_page(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    user: AuthenticatedUser,
    event_id: String,
    asked: bulk::Asked<'_>,
) -> PageResult {
    let page = Page::of(req);
    let lang = page.lang;
    let (join_refused, many_refused) = match asked.refused {
        Some((bulk::Which::Join, refused)) => (Some(refused), None),
        Some((bulk::Which::Many, refused)) => (None, Some(refused)),
        None => (None, None),
    };
    let checked = many_refused
        .as_ref()
        .map(|(_, typed, _)| typed.all("who"))
        .unwrap_or_default();
    let (app, filter) = (state.clone(), asked.filter);
    let event = state
        .db
        .write(move |conn| event_view_of(conn, &app, &user, (lang, &event_id), (&filter, &checked)))
        .await?;
    let (join_status, filled) = Filled::new(lang, join_refused);
    let (many_status, many_filled) = Filled::new(lang, many_refused);
    let join = vec![
        filled.select("who", "events.who", event.candidates.clone()),
        filled.zone("time_zone", "events.time_zone", &event.zone, true),
        filled.field("daily_cap", "events.participant_cap", "number", ""),
        filled.field("from", "events.available_from", "datetime-local", ""),
        filled.field("to", "events.available_to", "datetime-local", ""),
    ];
    let many = vec![
        many_filled.zone("many_time_zone", "events.time_zone", &event.zone, true),
        many_filled.field("many_daily_cap", "events.participant_cap", "number", ""),
    ];
    let problems = listed(&join.iter().collect::<Vec<_>>(), &filled.problems);
    let many_problems = listed(&many.iter().collect::<Vec<_>>(), &many_filled.problems);
    let status = if join_status == StatusCode::OK {
        many_status
    } else {
        join_status
    };
    Ok(html(
        status,
        EventPage {
            page,
            event,
            join,
            problems,
            many,
            many_problems,
            done: asked.done,
        }
        .render(),
    ))
}

/// An event: venues, participants, requests, delegations, and the forms that act on it; the
/// checked list filtered as the address asks.
async fn event(
    req: HttpRequest,
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
    done: web::Query<Done>,
    filter: web::Query<CandidateFilter>,
) -> PageResult {
    let page = Page::of(&req);
    let asked = bulk::Asked {
        filter: filter.into_inner(),
        done: done.said(
            &page,
            "events",
            &["added", "none_new", "imported", "approved", "turned_down"],
        ),
        refused: None,
    };
    event_page(&req, &state, user, id.into_inner(), asked).await
}

/// Staff introduce one investor to one region or delegation.
async fn introduce(
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<RequestInput>,
) -> PageResult {
    let event_id = id.into_inner();
    request_meeting(&state, user, event_id.clone(), form.into_inner()).await?;
    Ok(see_other(&format!("/events/{event_id}#requests")).finish())
}

/// Staff introduce every investor to its best matches among the regions and delegations, from
/// a minimum match score in percent.
async fn introduce_matches(
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let typed = Typed::parse(&body);
    let event_id = id.into_inner();
    let input = IntroductionInput {
        per_investor: whole_number(&typed, "per_investor")?.max(0) as usize,
        min_score: f64::from(whole_number(&typed, "min_score")?) / 100.0,
    };
    introduce_best(&state, user, event_id.clone(), input).await?;
    Ok(see_other(&format!("/events/{event_id}#requests")).finish())
}
