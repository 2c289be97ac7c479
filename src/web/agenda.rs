//! A participant's meetings in its own time zone (the account's, else the one it registered
//! with) with venue time alongside, each and all as an .ics download, and (for investors) meeting
//! requests to the regions and delegations of its events. Officials see their region's
//! delegations' meetings too, marked as the delegation's agenda.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use chrono::DateTime;

use super::form::Typed;
use super::session::{Everyone, MeetingParties, Signed};
use super::{Done, Page, html, see_other};
use crate::domain::status::RequestStatus;
use crate::error::AppError;
use crate::services::calendar::{agenda_calendar, meeting_calendar};
use crate::services::meetings::{meeting_view, meetings_of_user};
use crate::services::requests::{self as requests, AwaitingAnswer, HostToAsk, ReasonInput};
use crate::state::AppState;
use crate::web::PageResult;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/agenda", web::get().to(agenda))
        .route("/agenda.ics", web::get().to(whole_calendar))
        .route("/agenda/request", web::post().to(request))
        .route("/agenda/meetings/{file}", web::get().to(calendar))
        .route("/agenda/requests/{id}/{answer}", web::post().to(answer));
}

/// A request the viewer's side has answered or sent, as the agenda shows it.
struct SentLine {
    id: String,
    event: String,
    with: String,
    message: String,
    /// Its state in words, with the other side's reason when it gave one.
    state: String,
    /// Until when a pending request waits for the other side.
    expires: Option<String>,
    /// Whether it is still open, so that it can be withdrawn.
    open: bool,
}

/// A meeting as the agenda shows it.
struct Line {
    id: String,
    event: String,
    yours: String,
    venue: String,
    with: String,
    place: String,
    /// The delegation the viewer meets with or for, by name.
    delegation: Option<String>,
    /// Whether the meeting is over, so that its outcome may be recorded.
    ended: bool,
    /// Whether its outcome is recorded.
    recorded: bool,
}

#[derive(Template)]
#[template(path = "pages/agenda.html")]
struct Agenda {
    page: Page,
    waiting: Vec<AwaitingAnswer>,
    sent: Vec<SentLine>,
    meetings: Vec<Line>,
    hosts: Vec<HostToAsk>,
    /// What the last action did, said back to the person.
    done: Option<String>,
}

async fn agenda(
    Signed { user, page, .. }: Signed<MeetingParties>,
    state: web::Data<AppState>,
    query: web::Query<Done>,
) -> PageResult {
    let done = query.said(
        &page,
        "agenda",
        &["requested", "accepted", "declined", "withdrawn"],
    );
    let found = state
        .db
        .run(move |conn| {
            let meetings: Vec<_> = meetings_of_user(conn, &user)?
                .iter()
                .filter(|(_, _, m)| !m.is_cancelled())
                .map(|(data, request, meeting)| {
                    meeting_view(data, &user, request, meeting, user.time_zone.as_deref())
                })
                .collect();
            let inbox = requests::inbox(conn, &user)?;
            let hosts = requests::hosts_to_ask(conn, &user)?;
            Ok((inbox, meetings, hosts))
        })
        .await;
    let (inbox, meetings, hosts) = found?;
    let sent = inbox
        .sent
        .into_iter()
        .map(|r| {
            let mut state = page.t(&format!("agenda.state_{}", r.status.name()));
            if let Some(reason) = r.reason.as_deref().filter(|r| !r.is_empty()) {
                state = format!("{state}: “{reason}”");
            }
            let pending = r.status == RequestStatus::Pending;
            SentLine {
                expires: pending.then(|| r.expires_at.format("%Y-%m-%d %H:%M UTC").to_string()),
                open: RequestStatus::OPEN.contains(&r.status),
                id: r.id,
                event: r.event,
                with: r.with,
                message: r.message,
                state,
            }
        })
        .collect();
    let when = |span: &crate::services::meetings::Span| {
        format!(
            "{} ({})",
            span.starts_at.format("%Y-%m-%d %H:%M"),
            span.time_zone
        )
    };
    let now = chrono::Utc::now();
    let meetings = meetings
        .iter()
        .map(|m| Line {
            id: m.id.clone(),
            event: m.event_name.clone(),
            yours: when(&m.your_time),
            venue: when(&m.venue_time),
            with: format!("{} – {}", m.investor, m.host),
            place: format!(
                "{}, {} ({} {})",
                m.venue.name,
                m.venue.city,
                page.t(&format!("agenda.{}", m.place)),
                m.seat
            ),
            delegation: (!m.delegation_regions.is_empty()).then(|| m.host.clone()),
            ended: m.venue_time.ends_at <= now,
            recorded: m.outcome.is_some(),
        })
        .collect();
    Ok(html(
        StatusCode::OK,
        Agenda {
            page,
            waiting: inbox.received,
            sent,
            meetings,
            hosts,
            done,
        }
        .render(),
    ))
}

/// An investor asks a region or delegation of one of its events for a meeting, or a region an
/// investor, from the agenda, an event's directory or its request form, or an opportunity's
/// page: `event_id`, `with` (the other side's participant), a `message`, a `project_id`, the
/// `preferred` slot starts (RFC 3339, several) and `from` (`directory` when asked from the
/// event's directory); it goes back to where it asked, where the other side now shows as asked.
async fn request(
    Signed { user, .. }: Signed<MeetingParties>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let typed = Typed::parse(&body);
    let event_id = typed.one("event_id");
    let project_id = Some(typed.one("project_id")).filter(|p| !p.is_empty());
    let preferred = typed
        .all("preferred")
        .iter()
        .map(|time| DateTime::parse_from_rfc3339(time))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| AppError::validation("preferred", "must be RFC 3339 times"))?;
    let back = match (&project_id, typed.one("from").as_str()) {
        (Some(id), _) => format!("/opportunities/{id}#meet"),
        (None, "directory") => format!("/my-events/{event_id}?done=requested"),
        (None, _) => "/agenda?done=requested".into(),
    };
    let (with, message) = (typed.one("with"), typed.one("message"));
    requests::ask(&state, user, event_id, with, message, project_id, preferred).await?;
    Ok(see_other(&back).finish())
}

/// Every meeting of the viewer as one .ics file, as the personal calendar feed serves it.
async fn whole_calendar(
    Signed { user, .. }: Signed<MeetingParties>,
    state: web::Data<AppState>,
) -> PageResult {
    let text = state
        .db
        .run(move |conn| agenda_calendar(conn, &user))
        .await?;
    Ok(crate::download::calendar(text))
}

/// One meeting as an .ics file, for its parties.
async fn calendar(
    Signed { user, .. }: Signed<Everyone>,
    state: web::Data<AppState>,
    file: web::Path<String>,
) -> PageResult {
    let Some(id) = file.into_inner().strip_suffix(".ics").map(str::to_owned) else {
        return Err(AppError::not_found("meeting"));
    };
    let text = state
        .db
        .run(move |conn| meeting_calendar(conn, &user, &id))
        .await?;
    Ok(crate::download::calendar(text))
}

/// Accepts or declines (with a reason, if given) a pending request for the viewer's side, or
/// withdraws an open one.
async fn answer(
    Signed { user, .. }: Signed<MeetingParties>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<ReasonInput>,
) -> PageResult {
    let (id, answer) = path.into_inner();
    let done = match answer.as_str() {
        "accept" => "accepted",
        "decline" => "declined",
        "withdraw" => "withdrawn",
        _ => return Err(AppError::not_found("answer")),
    };
    let factor = state.settings.meetings.must_meet_factor;
    let reason = form.into_inner();
    state
        .db
        .write(move |conn| match done {
            "accepted" => requests::accept_request(conn, &user, &id, factor),
            "declined" => requests::decline_request(conn, &user, &id, reason, factor),
            _ => requests::withdraw_request(conn, &user, &id, reason, factor),
        })
        .await?;
    Ok(see_other(&format!("/agenda?done={done}")).finish())
}
