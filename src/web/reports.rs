//! Staff reports with charts (the pipeline and investment of published projects, meetings held
//! and where they led), their spreadsheet downloads for a browser session, and the form on which
//! staff and a meeting's parties record its outcome.

use std::collections::BTreeMap;
use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use chrono::Utc;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;
use strum::IntoEnumIterator;

use super::charts::{self, Bar, PALETTE, Series};
use super::form::{Field, Problems};
use super::i18n::Lang;
use super::session::{Everyone, Signed, Staff};
use super::{Page, html, see_other};
use crate::auth::AuthenticatedUser;
use crate::domain::outcome::{Attendance, FollowUp, FollowUpStage};
use crate::domain::project::Stage;
use crate::domain::{Currency, Money, MoneyJson};
use crate::download;
use crate::error::{AppError, ErrorCode};
use crate::matching::facts::RegionId;
use crate::matchmaker::{Rates, Snapshot};
use crate::services::events::{self as events_service, Event};
use crate::services::exports;
use crate::services::meetings::{
    Meeting, Outcome, Span, meeting_view, save_outcome, visible_meeting,
};
use crate::services::reports::{self, OutcomeLine};
use crate::state::AppState;
use crate::throttle::ClientAddress;
use crate::web::PageResult;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/reports", web::get().to(reports))
        .route("/reports/outcomes.{format}", web::get().to(outcomes_file))
        .route(
            "/reports/events/{id}/meetings.{format}",
            web::get().to(meetings_file),
        )
        .route("/meetings/{id}/outcome", web::get().to(outcome_form))
        .route("/meetings/{id}/outcome", web::post().to(record_outcome));
}

/// Which event the meeting figures are about (all when none).
#[derive(Debug, Default, Deserialize)]
struct ReportFilter {
    event_id: Option<String>,
}

impl ReportFilter {
    fn event(&self) -> Option<String> {
        self.event_id.clone().filter(|e| !e.is_empty())
    }
}

/// Published projects under one heading: how many, and their value in rupiah and dollars.
#[derive(Debug, Default)]
struct Worth {
    projects: usize,
    idr: Decimal,
    usd: Decimal,
}

impl Worth {
    /// Adds a project; its value counts when its currency has a stored rate.
    fn add(&mut self, value: Money, rates: &Rates) {
        self.projects += 1;
        self.idr += converted(value, "IDR", rates).unwrap_or_default();
        self.usd += converted(value, "USD", rates).unwrap_or_default();
    }
}

/// An amount in another currency at the stored rates (exact when it is already in it).
fn converted(value: Money, to: &str, rates: &Rates) -> Option<Decimal> {
    let target = Currency::parse(to).ok()?;
    let from_rate = rates.get(value.currency().code())?;
    let to_rate = rates.get(to)?;
    Some(value.convert(target, *from_rate, *to_rate)?.amount())
}

/// A line of a value table.
struct WorthRow {
    name: String,
    projects: String,
    idr: String,
    usd: String,
}

/// A chart of values in rupiah with the table of the same numbers.
struct WorthSection {
    /// The heading's anchor.
    id: &'static str,
    heading: String,
    note: String,
    /// What the rows are (stages, dimensions, provinces).
    label: String,
    chart: String,
    rows: Vec<WorthRow>,
    /// Whether no project counts in any row.
    empty: bool,
}

/// A section of `groups` whose texts are the catalogue's `reports.{id}`, `reports.{id}_note` and
/// `reports.{id}_label`.
fn worth_section(lang: Lang, id: &'static str, groups: Vec<(String, Worth)>) -> WorthSection {
    let heading = lang.t(&format!("reports.{id}"));
    let bars: Vec<Bar> = groups
        .iter()
        .map(|(name, worth)| Bar {
            name: name.clone(),
            value: worth.idr.to_f64().unwrap_or(0.0),
            text: lang.money(worth.idr.round(), "IDR"),
        })
        .collect();
    WorthSection {
        id,
        empty: groups.iter().all(|(_, worth)| worth.projects == 0),
        note: lang.t(&format!("reports.{id}_note")),
        label: lang.t(&format!("reports.{id}_label")),
        chart: charts::labelled_bars(&bars, &heading),
        heading,
        rows: groups
            .into_iter()
            .map(|(name, worth)| WorthRow {
                name,
                projects: lang.integer(worth.projects as i64),
                idr: lang.money(worth.idr.round(), "IDR"),
                usd: lang.money(worth.usd.round(), "USD"),
            })
            .collect(),
    }
}

/// The meetings of one event by attendance.
struct MeetingsRow {
    event: String,
    held: String,
    no_show: String,
    awaiting: String,
    total: String,
}

/// A step of the follow-up funnel.
struct FunnelRow {
    step: String,
    count: i64,
    meetings: String,
    /// Of the meetings held.
    share: String,
}

/// A past meeting without an outcome.
struct Awaiting {
    id: String,
    event: String,
    yours: String,
    venue: String,
    with: String,
}

/// A spreadsheet the page links to.
struct Download {
    label: String,
    href: String,
}

#[derive(Template)]
#[template(path = "pages/reports.html")]
struct Reports {
    page: Page,
    /// Id, name and whether it is chosen.
    events: Vec<(String, String, bool)>,
    downloads: Vec<Download>,
    rates_note: String,
    /// Published projects by stage, dimension and province.
    worth: Vec<WorthSection>,
    meetings_chart: String,
    meetings: Vec<MeetingsRow>,
    funnel_chart: String,
    funnel: Vec<FunnelRow>,
    follow_up_amount: String,
    awaiting: Vec<Awaiting>,
}

/// A time span as `2026-12-08 10:00 (Asia/Jakarta)`.
fn at(span: &Span) -> String {
    format!(
        "{} ({})",
        span.starts_at.format("%Y-%m-%d %H:%M"),
        span.time_zone
    )
}

/// The staff reports: charts with their tables, downloads and the meetings awaiting an outcome.
async fn reports(
    Staff { user, page, .. }: Staff,
    state: web::Data<AppState>,
    filter: web::Query<ReportFilter>,
) -> PageResult {
    let lang = page.lang;
    let event = filter.event();
    let app = state.clone();
    let chosen = event.clone();
    let found = state
        .db
        .run(move |conn| {
            let events = events_service::events(conn)?;
            if let Some(id) = &chosen
                && !events.iter().any(|e| &e.id == id)
            {
                return Err(AppError::not_found("event"));
            }
            let snapshot = app.matchmaker.snapshot(conn)?;
            let report = reports::outcomes(conn, &app.catalogue, &user, chosen.as_deref())?;
            let awaiting = reports::awaiting_outcome(conn, &user, chosen.as_deref())?;
            Ok((events, snapshot, report, awaiting))
        })
        .await;
    let (events, snapshot, report, awaiting) = found?;

    let rates = &snapshot.rates;
    let funnel = funnel_steps(lang, &report.by_event);
    let body = Reports {
        events: events
            .iter()
            .map(|e| {
                let id = e.id.clone();
                let chosen = event.as_deref() == Some(id.as_str());
                (id, e.name.clone(), chosen)
            })
            .collect(),
        downloads: downloads(lang, &event, &events),
        rates_note: rust_i18n::t!(
            "reports.rates_note",
            locale = lang.code(),
            idr = lang.money(rates.get("IDR").copied().unwrap_or_default(), "IDR")
        )
        .into_owned(),
        worth: published_worth(lang, &snapshot),
        meetings_chart: meetings_chart(lang, &report.by_event),
        meetings: report
            .by_event
            .iter()
            .map(|l| MeetingsRow {
                event: l.name.clone(),
                held: lang.integer(l.held),
                no_show: lang.integer(l.no_show),
                awaiting: lang.integer(l.awaiting_outcome),
                total: lang.integer(l.meetings),
            })
            .collect(),
        funnel_chart: charts::funnel(
            &funnel
                .iter()
                .map(|step| Bar {
                    name: step.step.clone(),
                    value: step.count as f64,
                    text: format!("{} ({})", step.meetings, step.share),
                })
                .collect::<Vec<_>>(),
            &lang.t("reports.funnel"),
        ),
        funnel,
        follow_up_amount: follow_up_amount(lang, &report.by_event, rates),
        awaiting: awaiting
            .iter()
            .map(|m| Awaiting {
                id: m.id.clone(),
                event: m.event_name.clone(),
                yours: at(&m.your_time),
                venue: at(&m.venue_time),
                with: format!("{} – {}", m.investor, m.host),
            })
            .collect(),
        page,
    }
    .render();
    Ok(html(StatusCode::OK, body))
}

/// Published projects by stage, by Smart City dimension and by province (largest first), from
/// the matching index, which holds every published project.
fn published_worth(lang: Lang, snapshot: &Snapshot) -> Vec<WorthSection> {
    let index = &snapshot.index;
    let tax = index.taxonomy();
    let rates = &snapshot.rates;
    // A project's facts hold its stage as its position in `Stage` order.
    let mut stages: Vec<Worth> = Stage::iter().map(|_| Worth::default()).collect();
    let mut dimensions: Vec<Worth> = tax.dimensions.iter().map(|_| Worth::default()).collect();
    let mut provinces: BTreeMap<RegionId, Worth> = BTreeMap::new();
    for position in 0..index.len() as u32 {
        let facts = index.facts(position);
        if let Some(worth) = stages.get_mut(usize::from(facts.stage)) {
            worth.add(facts.value, rates);
        }
        for (bit, worth) in dimensions.iter_mut().enumerate() {
            if facts.dimensions & (1 << bit) != 0 {
                worth.add(facts.value, rates);
            }
        }
        let province = tax.regions[usize::from(facts.region)].province;
        provinces
            .entry(province)
            .or_default()
            .add(facts.value, rates);
    }
    let pipeline = Stage::iter()
        .zip(stages)
        .map(|(stage, worth)| (lang.t(&format!("stage.{}", stage.as_ref())), worth))
        .collect();
    let dimensions = tax
        .dimensions
        .iter()
        .zip(dimensions)
        .map(|((_, en, id), worth)| (lang.pick(id, en).to_owned(), worth))
        .collect();
    let mut provinces: Vec<(String, Worth)> = provinces
        .into_iter()
        .map(|(id, worth)| (tax.regions[usize::from(id)].name.clone(), worth))
        .collect();
    provinces.sort_by(|a, b| b.1.idr.cmp(&a.1.idr).then_with(|| a.0.cmp(&b.0)));

    vec![
        worth_section(lang, "pipeline", pipeline),
        worth_section(lang, "by_dimension", dimensions),
        worth_section(lang, "by_province", provinces),
    ]
}

/// The spreadsheets for the chosen event (or all events).
fn downloads(lang: Lang, event: &Option<String>, events: &[Event]) -> Vec<Download> {
    let query = event
        .as_ref()
        .map(|e| format!("?event_id={e}"))
        .unwrap_or_default();
    let mut out = Vec::new();
    for (format, name) in [("csv", "CSV"), ("xlsx", "Excel")] {
        out.push(Download {
            label: rust_i18n::t!("reports.outcomes_file", locale = lang.code(), format = name)
                .into_owned(),
            href: format!("/reports/outcomes.{format}{query}"),
        });
        if let Some(plan) = event
            .as_ref()
            .and_then(|e| events.iter().find(|p| &p.id == e))
        {
            out.push(Download {
                label: rust_i18n::t!(
                    "reports.meetings_file",
                    locale = lang.code(),
                    event = plan.name.as_str(),
                    format = name
                )
                .into_owned(),
                href: format!("/reports/events/{}/meetings.{format}", plan.id),
            });
        }
        out.push(Download {
            label: rust_i18n::t!("reports.projects_file", locale = lang.code(), format = name)
                .into_owned(),
            href: format!("/api/v1/exports/projects.{format}"),
        });
    }
    out
}

/// Meetings per event, held, missed and still without an outcome.
fn meetings_chart(lang: Lang, lines: &[OutcomeLine]) -> String {
    let series: Vec<Series> = ["reports.held", "reports.no_show", "reports.awaiting_short"]
        .iter()
        .zip(PALETTE)
        .map(|(key, colour)| Series {
            name: lang.t(key),
            colour,
        })
        .collect();
    let rows: Vec<(String, Vec<u64>)> = lines
        .iter()
        .map(|l| {
            let parts = [l.held, l.no_show, l.awaiting_outcome];
            (
                l.name.clone(),
                parts.iter().map(|n| (*n).max(0) as u64).collect(),
            )
        })
        .collect();
    charts::stacked_bars(&rows, &series, &lang.t("reports.meetings"))
}

/// Meetings held, then those that reached each follow-up stage or a later one, with their share
/// of the meetings held (a meeting records the furthest stage it led to).
fn funnel_steps(lang: Lang, lines: &[OutcomeLine]) -> Vec<FunnelRow> {
    let sum = |f: fn(&OutcomeLine) -> i64| lines.iter().map(f).sum::<i64>();
    let held = sum(|l| l.held);
    let reached = [
        sum(|l| l.investments_realised),
        sum(|l| l.mous),
        sum(|l| l.site_visits),
        sum(|l| l.letters_of_intent),
    ];
    // From the last stage back: each stage counts itself and every stage after it.
    let mut at_least: Vec<i64> = reached
        .iter()
        .scan(0, |total, n| {
            *total += n;
            Some(*total)
        })
        .collect();
    at_least.reverse();
    let names = std::iter::once(lang.t("reports.held_step"))
        .chain(FollowUpStage::iter().map(|s| lang.t(&format!("reports.follow_up_{}", s.as_ref()))));
    names
        .zip(std::iter::once(held).chain(at_least))
        .map(|(step, count)| FunnelRow {
            step,
            count,
            meetings: lang.integer(count),
            share: if held > 0 {
                format!("{}%", lang.integer((count * 100 + held / 2) / held))
            } else {
                "–".to_owned()
            },
        })
        .collect()
}

/// The follow-up amounts recorded, in dollars and rupiah.
fn follow_up_amount(lang: Lang, lines: &[OutcomeLine], rates: &Rates) -> String {
    let usd: f64 = lines.iter().map(|l| l.amount_usd).sum();
    let usd = Decimal::from_f64_retain(usd).unwrap_or_default().round();
    let idr = usd * rates.get("IDR").copied().unwrap_or_default();
    format!(
        "{} ({})",
        lang.money(usd, "USD"),
        lang.money(idr.round(), "IDR")
    )
}

/// The outcome report as a download for a staff session (the API's export wants a token).
async fn outcomes_file(
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    client: ClientAddress,
    format: web::Path<String>,
    filter: web::Query<ReportFilter>,
) -> PageResult {
    let (catalogue, caller, event) = (state.catalogue.clone(), user.clone(), filter.event());
    download::spreadsheet(&state, Some(&user), &client, &format, move |conn| {
        reports::outcome_sheet(conn, &catalogue, &caller, event.as_deref())
    })
    .await
}

/// An event's meetings with their outcomes as a download for a staff session.
async fn meetings_file(
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    client: ClientAddress,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (event, format) = path.into_inner();
    let caller = user.clone();
    download::spreadsheet(&state, Some(&user), &client, &format, move |conn| {
        exports::meetings_sheet(conn, &caller, &event)
    })
    .await
}

/// The outcome form's fields, as typed.
#[derive(Debug, Default, Deserialize)]
struct OutcomeFields {
    #[serde(default)]
    attendance: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    follow_up: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    currency: String,
}

/// Set on the form's address after a save, to say so.
#[derive(Debug, Deserialize)]
struct Saved {
    saved: Option<String>,
}

impl OutcomeFields {
    /// The fields of an outcome already recorded (or blank ones).
    fn of(outcome: Option<&Outcome>) -> Self {
        let follow_up = outcome.and_then(|o| o.follow_up.as_ref());
        let amount = follow_up.and_then(|f| f.amount.as_ref());
        OutcomeFields {
            attendance: outcome
                .map(|o| o.attendance.as_ref().to_owned())
                .unwrap_or_default(),
            notes: outcome.and_then(|o| o.notes.clone()).unwrap_or_default(),
            follow_up: follow_up
                .map(|f| f.stage.as_ref().to_owned())
                .unwrap_or_default(),
            amount: amount.map(|a| a.amount.clone()).unwrap_or_default(),
            currency: amount.map_or_else(|| "IDR".to_owned(), |a| a.currency.clone()),
        }
    }

    /// The outcome the fields describe, as the API takes it.
    fn outcome(&self) -> Result<Outcome, AppError> {
        let attendance = Attendance::from_str(self.attendance.trim())
            .map_err(|_| AppError::validation("attendance", "must be held or no_show"))?;
        let stage = match self.follow_up.trim() {
            "" => None,
            code => Some(
                FollowUpStage::from_str(code)
                    .map_err(|_| AppError::validation("follow_up", "is not a follow-up stage"))?,
            ),
        };
        let amount = Some(self.amount.replace(' ', ""))
            .filter(|a| !a.is_empty())
            .map(|amount| MoneyJson {
                amount,
                currency: self.currency.trim().to_uppercase(),
            });
        if amount.is_some() && stage.is_none() {
            return Err(AppError::validation(
                "amount",
                "an amount needs a follow-up stage",
            ));
        }
        Ok(Outcome {
            attendance,
            notes: Some(self.notes.clone()),
            follow_up: stage.map(|stage| FollowUp { stage, amount }),
        })
    }
}

/// The outcome form's fields as the outcome rules name them; an amount the money rules refuse
/// and an amount without a stage are told apart.
const FIELDS: [Field; 5] = [
    Field::new(
        "attendance",
        "attendance",
        "meeting_outcome.attendance",
        "meeting_outcome.bad_attendance",
    ),
    Field::new(
        "notes",
        "notes",
        "meeting_outcome.notes",
        "meeting_outcome.bad_notes",
    ),
    Field::new(
        "follow_up",
        "follow_up",
        "meeting_outcome.follow_up",
        "meeting_outcome.bad_follow_up",
    ),
    Field::new(
        "follow_up.amount",
        "amount",
        "meeting_outcome.amount",
        "meeting_outcome.bad_amount",
    ),
    Field::new(
        "amount",
        "amount",
        "meeting_outcome.amount",
        "meeting_outcome.amount_without_stage",
    ),
];

#[derive(Template)]
#[template(path = "pages/outcome.html")]
struct OutcomeForm {
    page: Page,
    id: String,
    event: String,
    yours: String,
    venue: String,
    with: String,
    fields: OutcomeFields,
    /// Code, label and whether it is chosen.
    stages: Vec<(String, String, bool)>,
    problems: Problems,
    /// Where the viewer came from: the reports for staff, the agenda for the parties.
    back: (&'static str, String),
    /// Whether the outcome was just saved.
    saved: bool,
    /// Whether the meeting is still to end: then there is nothing to record yet.
    not_over: bool,
}

impl OutcomeForm {
    fn new(
        page: Page,
        meeting: &Meeting,
        fields: OutcomeFields,
        problems: Problems,
        saved: bool,
    ) -> Self {
        let lang = page.lang;
        let stages = FollowUpStage::iter()
            .map(|s| {
                let code = s.as_ref().to_owned();
                let label = lang.t(&format!("reports.follow_up_{code}"));
                let chosen = code == fields.follow_up;
                (code, label, chosen)
            })
            .collect();
        let back = if page.staff {
            ("/reports", lang.t("meeting_outcome.back_reports"))
        } else {
            ("/agenda", lang.t("meeting_outcome.back_agenda"))
        };
        OutcomeForm {
            id: meeting.id.clone(),
            event: meeting.event_name.clone(),
            yours: at(&meeting.your_time),
            venue: at(&meeting.venue_time),
            with: format!("{} – {}", meeting.investor, meeting.host),
            fields,
            stages,
            problems,
            back,
            saved,
            not_over: meeting.ends_at > Utc::now(),
            page,
        }
    }
}

/// The meeting as the viewer may see it (its parties and staff), or the reason it may not.
async fn meeting_for(
    state: &AppState,
    user: AuthenticatedUser,
    id: String,
) -> Result<Meeting, AppError> {
    state
        .db
        .run(move |conn| {
            let (data, request, meeting) = visible_meeting(conn, &user, &id)?;
            Ok(meeting_view(&data, &user, &request, &meeting, None))
        })
        .await
}

/// The outcome form, filled with the outcome recorded so far.
async fn outcome_form(
    Signed { user, page, .. }: Signed<Everyone>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<Saved>,
) -> PageResult {
    let meeting = meeting_for(&state, user, id.into_inner()).await?;
    let fields = OutcomeFields::of(meeting.outcome.as_ref());
    let saved = query.saved.is_some();
    Ok(html(
        StatusCode::OK,
        OutcomeForm::new(page, &meeting, fields, Problems::default(), saved).render(),
    ))
}

/// Records the outcome through the API's rules; a form with problems comes back with its input
/// kept and nothing saved.
async fn record_outcome(
    Signed { user, page, .. }: Signed<Everyone>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<OutcomeFields>,
) -> PageResult {
    let id = id.into_inner();
    let fields = form.into_inner();
    let saved = match fields.outcome() {
        Ok(outcome) => {
            let (user, id) = (user.clone(), id.clone());
            state
                .db
                .write(move |conn| save_outcome(conn, &user, &id, &outcome))
                .await
        }
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Ok(see_other(&format!("/meetings/{id}/outcome?saved=1")).finish()),
        Err(AppError::Validation { fields: wrong, .. }) => {
            let meeting = meeting_for(&state, user, id).await?;
            let problems = Problems::of(page.lang, &FIELDS, wrong.keys());
            Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                OutcomeForm::new(page, &meeting, fields, problems, false).render(),
            ))
        }
        Err(AppError::Conflict {
            code: ErrorCode::MeetingNotOver,
            ..
        }) => {
            let meeting = meeting_for(&state, user, id).await?;
            Ok(html(
                StatusCode::CONFLICT,
                OutcomeForm::new(page, &meeting, fields, Problems::default(), false).render(),
            ))
        }
        Err(e) => Err(e),
    }
}
