//! Running the scheduler from an event's page, following its job, and the grid of slots by
//! tables and rooms where meetings are moved (by form or drag and drop), confirmed and
//! cancelled, with the unplaced requests and their reasons.

use super::*;
use crate::services::events::VenueRow;
use crate::services::meetings::{GridMeeting, GridSlot, meeting_at_event};
use crate::web::PageResult;

/// Running the scheduler, its job, the grid and the changes made on it.
pub(super) fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/events/{id}/schedule", web::post().to(schedule))
        .route("/events/{id}/jobs/{job}", web::get().to(job))
        .route("/events/{id}/grid", web::get().to(grid))
        .route("/static/js/{file}", web::get().to(grid_script))
        .route("/events/{id}/meetings/{meeting}", web::post().to(change))
        .route(
            "/events/{id}/meetings/{meeting}/cancel",
            web::post().to(cancel),
        );
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
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<RunForm>,
) -> PageResult {
    let event_id = id.into_inner();
    let options = ScheduleOptions {
        full: form.mode == "full",
        confirm: form.confirm.as_deref() == Some("on"),
    };
    let job = start_scheduling(&state, user, event_id.clone(), options).await?;
    Ok(see_other(&format!("/events/{event_id}/jobs/{}", job.id)).finish())
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
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> PageResult {
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
    let job: Job = found?;
    let page = Page::of(&req);
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
        Some(error) if job.status == JobStatus::Failed => failure_in_words(lang, error),
        _ => (String::new(), None),
    };
    Ok(html(
        StatusCode::OK,
        JobPage {
            running: job.status.is_under_way(),
            failed: job.status == JobStatus::Failed,
            progress: job.progress,
            stage: lang.t(&format!("events.stage_{}", job.stage)),
            summary,
            failure,
            detail,
            event_id,
            page,
        }
        .render(),
    ))
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
const GRID_JS: &str = include_str!("../../../static/grid.js");

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
    let accepted = event_requests(conn, user, event_id, Some(RequestStatus::Accepted), factor)?;
    let last_run = latest_scheduling_run(conn, event_id, &[JobStatus::Succeeded])?
        .and_then(|j| j.result)
        .and_then(|r| serde_json::from_str(&r).ok());
    Ok(GridData {
        grid,
        data: EventData::load(conn, event_id)?,
        accepted,
        last_run,
    })
}

/// The two sides of a meeting or request as the grid names them.
fn pair(investor: &str, host: &str) -> String {
    format!("{investor} ↔ {host}")
}

/// The grid page: a column per table and room, a row per slot, each meeting's forms, the
/// accepted requests left unplaced and the time zones to see it in.
fn grid_page(
    page: Page,
    found: GridData,
    your_zone: Tz,
    refusal: Option<(&str, Refusal)>,
) -> GridPage {
    let GridData {
        grid,
        data,
        accepted,
        last_run,
    } = found;
    let venues = &data.plan.venues;
    let layout = Layout {
        lang: page.lang,
        venues,
        columns: columns(page.lang, venues),
    };
    let rows = grid
        .slots
        .iter()
        .map(|slot| layout.row(slot, your_zone))
        .collect();
    let refused = refusal.is_some();
    let meetings = layout.meeting_forms(&grid.slots, refusal);
    let unplaced = unplaced(page.lang, &grid.slots, &accepted, last_run.as_ref());
    let your_zone = your_zone.name().to_owned();
    GridPage {
        event_id: data.plan.event.id.clone(),
        event_name: data.plan.event.name.clone(),
        zones: zones(venues, &data.participants, &your_zone),
        show_yours: venues.iter().any(|v| v.time_zone != your_zone),
        your_zone,
        venue_heads: venue_heads(venues),
        columns: layout.columns,
        rows,
        meetings,
        unplaced,
        refused,
        script: GRID_JS_PATH.as_str(),
        page,
    }
}

/// With several venues, each venue's name over its tables and rooms; with one, none.
fn venue_heads(venues: &[VenueRow]) -> Vec<(String, usize)> {
    if venues.len() <= 1 {
        return Vec::new();
    }
    venues
        .iter()
        .map(|v| (v.name.clone(), (v.tables + v.rooms).max(0) as usize))
        .collect()
}

/// The grid's columns: each venue's tables, then its rooms, venue by venue.
fn columns(lang: Lang, venues: &[VenueRow]) -> Vec<Column> {
    let mut columns = Vec::new();
    for v in venues {
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
    columns
}

impl Column {
    /// The column as the move form's place: `venue:seat`.
    fn value(&self) -> String {
        format!("{}:{}", self.venue_id, self.seat)
    }

    /// Whether the meeting takes place at this column's table or room.
    fn holds(&self, m: &GridMeeting) -> bool {
        m.venue_id == self.venue_id && m.place == self.place && m.seat == self.seat
    }
}

/// What the grid's rows and meeting forms are laid out by: the page's language, the venues and
/// the columns.
struct Layout<'a> {
    lang: Lang,
    venues: &'a [VenueRow],
    columns: Vec<Column>,
}

impl Layout<'_> {
    /// A slot's time at each venue open in it; venues sharing a time zone share one label.
    fn slot_label(&self, slot: &GridSlot) -> String {
        let mut labels: Vec<String> = Vec::new();
        for t in &slot.venue_times {
            let ends = slot.ends_at.with_timezone(&t.starts_at.timezone());
            let mut text = format!(
                "{}–{}",
                t.starts_at.format("%Y-%m-%d %H:%M"),
                ends.format("%H:%M")
            );
            if let Some(v) = self.venues.iter().find(|v| v.id == t.venue_id) {
                text = format!("{text} ({})", v.time_zone);
            }
            if !labels.contains(&text) {
                labels.push(text);
            }
        }
        labels.join("; ")
    }

    /// A meeting's status in the page's language.
    fn status(&self, m: &GridMeeting) -> String {
        self.lang.t(&format!("grid.status_{}", m.status.name()))
    }

    /// A slot's row: its times at the venues and in the viewer's zone, and a cell per column.
    fn row(&self, slot: &GridSlot, your_zone: Tz) -> GridRow {
        GridRow {
            slot: slot.starts_at.format(SLOT_VALUE).to_string(),
            venue_time: self.slot_label(slot),
            your_time: slot
                .starts_at
                .with_timezone(&your_zone)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            cells: self.columns.iter().map(|c| self.cell(slot, c)).collect(),
        }
    }

    /// A column's cell in a slot: closed unless its venue is open then, with the meeting held
    /// there if any.
    fn cell(&self, slot: &GridSlot, c: &Column) -> Cell {
        Cell {
            open: slot.venue_times.iter().any(|t| t.venue_id == c.venue_id),
            meeting: slot.meetings.iter().find(|m| c.holds(m)).map(|m| Booked {
                id: m.meeting_id.clone(),
                with: pair(&m.investor, &m.host),
                status: self.status(m),
                confirmed: m.status == MeetingStatus::Confirmed,
            }),
            place: c.value(),
            kind: c.place,
        }
    }

    /// Every meeting's forms, slot by slot; the refused change's reasons go with its meeting.
    fn meeting_forms(
        &self,
        slots: &[GridSlot],
        mut refusal: Option<(&str, Refusal)>,
    ) -> Vec<MeetingForm> {
        let mut meetings = Vec::new();
        for slot in slots {
            for m in &slot.meetings {
                let refused = refusal
                    .take_if(|(id, _)| *id == m.meeting_id)
                    .map(|(_, refusal)| refusal);
                meetings.push(self.meeting_form(slots, slot, m, refused));
            }
        }
        meetings
    }

    /// A meeting with the slots it may move to and the tables or rooms of its kind, its own
    /// chosen.
    fn meeting_form(
        &self,
        slots: &[GridSlot],
        slot: &GridSlot,
        m: &GridMeeting,
        refusal: Option<Refusal>,
    ) -> MeetingForm {
        MeetingForm {
            id: m.meeting_id.clone(),
            with: pair(&m.investor, &m.host),
            status: self.status(m),
            confirmed: m.status == MeetingStatus::Confirmed,
            when: self.slot_label(slot),
            place: self
                .columns
                .iter()
                .find(|c| c.holds(m))
                .map(|c| c.label.clone())
                .unwrap_or_default(),
            slots: slots
                .iter()
                .map(|s| {
                    let value = s.starts_at.format(SLOT_VALUE).to_string();
                    (value, self.slot_label(s), s.starts_at == slot.starts_at)
                })
                .collect(),
            places: self
                .columns
                .iter()
                .filter(|c| c.place == m.place)
                .map(|c| (c.value(), c.label.clone(), c.holds(m)))
                .collect(),
            refusal,
        }
    }
}

/// The accepted requests without a meeting, each with why the last run left it out (or that
/// none has run).
fn unplaced(
    lang: Lang,
    slots: &[GridSlot],
    accepted: &[MeetingRequest],
    last_run: Option<&ScheduleSummary>,
) -> Vec<UnplacedLine> {
    let placed: Vec<&str> = slots
        .iter()
        .flat_map(|s| s.meetings.iter().map(|m| m.request_id.as_str()))
        .collect();
    accepted
        .iter()
        .filter(|r| !placed.contains(&r.id.as_str()))
        .map(|r| {
            let reason = last_run
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
        .collect()
}

/// The time zones to see the grid in: the venues', the participants', Indonesia's three and UTC,
/// sorted, each marked when it is `your_zone`.
fn zones(
    venues: &[VenueRow],
    participants: &[ParticipantRecord],
    your_zone: &str,
) -> Vec<(String, bool)> {
    let mut zones: Vec<String> = venues
        .iter()
        .map(|v| v.time_zone.clone())
        .chain(participants.iter().map(|p| p.row.time_zone.clone()))
        .chain([PROGRAMME_ZONE, "Asia/Makassar", "Asia/Jayapura", "UTC"].map(str::to_owned))
        .collect();
    zones.sort();
    zones.dedup();
    zones
        .into_iter()
        .map(|z| {
            let chosen = z == your_zone;
            (z, chosen)
        })
        .collect()
}

async fn render_grid(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    user: AuthenticatedUser,
    event_id: String,
    your_zone: Option<&str>,
    refusal: Option<(StatusCode, &str, Refusal)>,
) -> PageResult {
    let chosen = your_zone
        .or(user.time_zone.as_deref())
        .unwrap_or(PROGRAMME_ZONE);
    let zone = time_zone("tz", chosen)?;
    let app = state.clone();
    let found = state
        .db
        .write(move |conn| grid_data(conn, &app, &user, &event_id))
        .await?;
    let page = Page::of(req);
    let (status, refusal) = match refusal {
        Some((status, id, refusal)) => (status, Some((id, refusal))),
        None => (StatusCode::OK, None),
    };
    Ok(html(status, grid_page(page, found, zone, refusal).render()))
}

/// The schedule: slots by tables and rooms, each meeting with forms to move and confirm it, and
/// the accepted requests left without a meeting.
async fn grid(
    req: HttpRequest,
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<GridQuery>,
) -> PageResult {
    let zone = query.into_inner().tz.filter(|z| !z.is_empty());
    render_grid(&req, &state, user, id.into_inner(), zone.as_deref(), None).await
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
    let meeting = meeting_at_event(conn, event_id, meeting_id)?;
    if form.action == "confirm" {
        return Ok(MeetingChange {
            status: Some("confirmed".into()),
            starts_at: None,
            venue_id: None,
            seat: None,
        });
    }
    let plan = events_service::plan_of(conn, &meeting.event_id)?;
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
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<ChangeForm>,
) -> PageResult {
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
            return Ok(
                see_other(&format!("/events/{event_id}/grid#meeting-{meeting_id}")).finish(),
            );
        }
        Err(e) => e,
    };
    let status = match &refused {
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        AppError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        _ => return Err(refused),
    };
    let lang = Page::of(&req).lang;
    let reasons = refusal_reasons(&state, &user, lang, &meeting_id, asked, &refused).await;
    let refusal = Refusal {
        lead: lang.t("grid.refused"),
        reasons,
    };
    render_grid(
        &req,
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
        (ErrorCode::MeetingDoesNotFit, Some(change)) => {
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
        (ErrorCode::MeetingCancelled | ErrorCode::RequestNotOpen, _) => {
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
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> PageResult {
    let (event_id, meeting_id) = path.into_inner();
    let lang = Page::of(&req).lang;
    if Typed::parse(&body).one("sure") != "on" {
        let refusal = Refusal {
            lead: lang.t("grid.cancel_refused"),
            reasons: vec![lang.t("grid.tick_to_cancel")],
        };
        return render_grid(
            &req,
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
            meeting_at_event(conn, &event, &meeting)?;
            meetings_service::cancel(conn, &user, &meeting).map(drop)
        })
        .await;
    cancelled?;
    Ok(see_other(&format!("/events/{event_id}/grid#meetings")).finish())
}
