//! Adding many participants at once: the event page's checked list of those not registered yet
//! (filtered by words, kind and province without JavaScript), and a CSV checked first and
//! reported by row, then registered whole or by its valid rows; both with the batch rules of
//! the API.

use super::*;
use crate::error::FieldErrors;
use crate::services::events::{
    BatchEntry, BatchInput, BatchOutcome, BatchReport, CandidateFilter, ParticipantKind,
};
use crate::services::imports::ImportQuery;
use crate::web::imports::{csv_of, mode_of, read_form, unread_csv};

/// The checked list's and the CSV page's routes; before the participant's own, whose
/// `{participant}` would take `many` and `csv`.
pub(super) fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/events/{id}/participants/many", web::post().to(add_many))
        .route("/events/{id}/participants/csv", web::get().to(csv_page))
        .route("/events/{id}/participants/csv", web::post().to(csv_run));
}

/// The most the checked list shows; the filter narrows the rest.
const LISTED: usize = 100;

/// What the event page was asked for besides the event: the list's filter, the action it comes
/// back from, and a form sent back with its problems.
pub(super) struct Asked<'a> {
    pub(super) filter: CandidateFilter,
    pub(super) done: Option<String>,
    pub(super) refused: Option<(Which, Refused<'a>)>,
}

/// Which of the event page's participant forms came back.
pub(super) enum Which {
    /// One participant with its availability.
    Join,
    /// The checked list.
    Many,
}

/// The checked list as the event page shows it.
pub(super) struct ManyList {
    pub(super) q: String,
    pub(super) kind: String,
    pub(super) province: String,
    /// Value and label of the filter's kinds and provinces, each with whether it is chosen.
    pub(super) kinds: Vec<(String, String, bool)>,
    pub(super) provinces: Vec<(String, String, bool)>,
    /// Value (`investor:ID`, `region:CODE`, `delegation:ID`), label and whether it is checked.
    pub(super) listed: Vec<(String, String, bool)>,
    /// How many are listed of how many pass the filter, when not all are.
    pub(super) more: Option<String>,
}

/// The value and label of each one not registered, in the order the forms list them: investors,
/// delegations, then regions by name.
pub(super) fn choices(lang: Lang, unregistered: Unregistered) -> Vec<(String, String)> {
    let named = |kind: &str, (id, name): (String, String)| {
        let label = lang.t(&format!("events.participant_{kind}"));
        let shown = if kind == "region" {
            format!("{label}: {name} ({id})")
        } else {
            format!("{label}: {name}")
        };
        (format!("{kind}:{id}"), shown)
    };
    let Unregistered {
        investors,
        delegations,
        regions,
    } = unregistered;
    investors
        .into_iter()
        .map(|i| named("investor", i))
        .chain(delegations.into_iter().map(|d| named("delegation", d)))
        .chain(regions.into_iter().map(|r| named("region", r)))
        .collect()
}

/// The checked list for `filter`, with the values in `checked` ticked.
pub(super) fn many_list(
    conn: &mut crate::db::AnyConnection,
    state: &AppState,
    user: &AuthenticatedUser,
    lang: Lang,
    event_id: &str,
    (filter, checked): (&CandidateFilter, &[String]),
) -> Result<ManyList, AppError> {
    let found = events_service::unregistered(conn, &state.catalogue, user, event_id, filter)?;
    let all = choices(lang, found);
    let more = (all.len() > LISTED).then(|| {
        rust_i18n::t!(
            "events.many_more",
            locale = lang.code(),
            shown = lang.integer(LISTED as i64),
            total = lang.integer(all.len() as i64)
        )
        .into_owned()
    });
    let mut kinds = vec![(
        String::new(),
        lang.t("events.every_kind"),
        filter.kind.is_empty(),
    )];
    for kind in ["investor", "region", "delegation"] {
        let label = lang.t(&format!("events.participant_{kind}"));
        kinds.push((kind.to_owned(), label, filter.kind == kind));
    }
    let mut provinces: Vec<(String, String, bool)> = state
        .catalogue
        .regions()
        .filter(|(code, _)| state.catalogue.is_province(code))
        .map(|(code, r)| (code.clone(), r.name.clone(), filter.province == *code))
        .collect();
    provinces.sort_by(|a, b| a.1.cmp(&b.1));
    provinces.insert(
        0,
        (
            String::new(),
            lang.t("events.every_province"),
            filter.province.is_empty(),
        ),
    );
    Ok(ManyList {
        q: filter.q.clone(),
        kind: filter.kind.clone(),
        province: filter.province.clone(),
        kinds,
        provinces,
        // Past the first ones, those checked are still listed, so that no check is lost.
        listed: all
            .into_iter()
            .enumerate()
            .map(|(i, (value, label))| {
                let ticked = checked.contains(&value);
                (i, (value, label, ticked))
            })
            .filter(|(i, (_, _, ticked))| *i < LISTED || *ticked)
            .map(|(_, shown)| shown)
            .collect(),
        more,
    })
}

/// The checked list's filter as its form sends it back.
fn filter_of(typed: &Typed) -> CandidateFilter {
    CandidateFilter {
        q: typed.one("q"),
        kind: typed.one("kind"),
        province: typed.one("province"),
    }
}

/// The event page's address with the list's filter, for coming back to the same list.
fn listed_at(event_id: &str, filter: &CandidateFilter, done: &str) -> String {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("done", done)
        .append_pair("q", &filter.q)
        .append_pair("kind", &filter.kind)
        .append_pair("province", &filter.province)
        .finish();
    format!("/events/{event_id}?{query}#participants")
}

/// The batch the checked list asks for: each checked one, all with the chosen time zone and
/// cap; the rules' words when a value or the cap does not read.
fn checked_batch(typed: &Typed) -> Result<BatchInput, AppError> {
    let cap = typed.one("many_daily_cap");
    let daily_cap = if cap.is_empty() {
        None
    } else {
        Some(whole_number(typed, "many_daily_cap")?)
    };
    let time_zone = Some(typed.one("many_time_zone"));
    let participants = typed
        .all("who")
        .iter()
        .map(|who| {
            let (kind, id) = who.split_once(':').unwrap_or_default();
            let kind = ParticipantKind::from_str(kind)
                .map_err(|_| AppError::validation("who", "is not a participant to register"))?;
            Ok(BatchEntry {
                kind,
                id: Some(id.to_owned()),
                name: None,
                time_zone: time_zone.clone(),
                daily_cap,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    if participants.is_empty() {
        return Err(AppError::validation("who", "check at least one"));
    }
    Ok(BatchInput { participants })
}

/// The problems of a refused checked list in the page's language: the shared time zone and
/// cap on their fields (once, whichever rows they refused), any other on the row's name.
fn many_problems(lang: Lang, typed: &Typed, report: &BatchReport) -> BTreeMap<String, String> {
    let mut problems = BTreeMap::new();
    for row in report
        .rows
        .iter()
        .filter(|r| r.outcome == BatchOutcome::Refused)
    {
        for field in row.problems.keys() {
            let (on, message) = match field.as_str() {
                "time_zone" => (
                    "many_time_zone".to_owned(),
                    rust_i18n::t!(
                        "events.problem_time_zone",
                        locale = lang.code(),
                        zone = typed.one("many_time_zone")
                    )
                    .into_owned(),
                ),
                "daily_cap" => (
                    "many_daily_cap".to_owned(),
                    lang.t("events.problem_daily_cap"),
                ),
                _ => (
                    format!("row-{}", row.row),
                    format!(
                        "{}: {}",
                        row.name.clone().unwrap_or_default(),
                        lang.t(&format!(
                            "error_code.{}",
                            row.code.as_deref().unwrap_or_default()
                        ))
                    ),
                ),
            };
            problems.insert(on, message);
        }
    }
    problems
}

/// Registers every checked one in one go with the batch rules, all or none; a refused list
/// comes back with its checks, time zone and cap kept.
async fn add_many(
    req: HttpRequest,
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let lang = Page::of(&req).lang;
    let event_id = id.into_inner();
    let typed = Typed::parse(&body);
    let filter = filter_of(&typed);
    let problems = match checked_batch(&typed) {
        Ok(input) => {
            let app = state.clone();
            let (who, event) = (user.clone(), event_id.clone());
            let all_or_none = ImportQuery {
                dry_run: false,
                valid_rows_only: false,
            };
            let report = state
                .db
                .run(move |conn| {
                    events_service::register_many(
                        conn,
                        &app.catalogue,
                        &who,
                        &event,
                        &input,
                        &all_or_none,
                    )
                })
                .await?;
            if report.count(BatchOutcome::Refused) == 0 {
                let done = if report.registered {
                    "added"
                } else {
                    "none_new"
                };
                return Ok(see_other(&listed_at(&event_id, &filter, done)).finish());
            }
            many_problems(lang, &typed, &report)
        }
        Err(AppError::Validation { fields, .. }) => fields
            .into_keys()
            .map(|field| match field.as_str() {
                "many_daily_cap" => (field, lang.t("events.problem_daily_cap")),
                _ => (field, lang.t("events.need_checked")),
            })
            .collect(),
        Err(e) => return Err(e),
    };
    let asked = Asked {
        filter,
        done: None,
        refused: Some((
            Which::Many,
            (StatusCode::UNPROCESSABLE_ENTITY, &typed, problems),
        )),
    };
    event_page(&req, &state, user, event_id, asked).await
}

/// One row of the CSV report as the page shows it.
struct ReportLine {
    row: usize,
    /// The one the row names, else its kind, else nothing.
    who: String,
    /// added, existing or refused, for the row's class.
    outcome: &'static str,
    /// The outcome in the page's language.
    said: String,
    /// The rules' own words (English), by field.
    detail: String,
}

/// A CSV report as the page shows it.
struct CsvReport {
    dry_run: bool,
    added: usize,
    existing: usize,
    refused: usize,
    lines: Vec<ReportLine>,
}

#[derive(Template)]
#[template(path = "pages/event_csv.html")]
struct CsvPage {
    page: Page,
    event_id: String,
    event_name: String,
    /// The first venue's time zone, which rows without one get.
    zone: String,
    csv: String,
    /// Why the file was refused, in the page's language, with the rules' detail if any.
    refusal: Option<(String, String)>,
    report: Option<CsvReport>,
}

fn csv_report(lang: Lang, report: BatchReport) -> CsvReport {
    let lines = report
        .rows
        .iter()
        .map(|r| {
            // A report is shown only when nothing was stored: what it adds, it would add.
            let (outcome, key) = match r.outcome {
                BatchOutcome::Added => ("added", "events.csv_would_add"),
                BatchOutcome::Existing => ("existing", "events.csv_existing"),
                BatchOutcome::Refused => ("refused", "events.csv_refused"),
            };
            let who = r.name.clone().unwrap_or_else(|| {
                r.kind
                    .map(|k| lang.t(&format!("events.participant_{}", k.as_ref())))
                    .unwrap_or_default()
            });
            ReportLine {
                row: r.row,
                who,
                outcome,
                said: lang.t(key),
                detail: detail_of(&r.problems),
            }
        })
        .collect();
    CsvReport {
        dry_run: report.dry_run,
        added: report.count(BatchOutcome::Added),
        existing: report.count(BatchOutcome::Existing),
        refused: report.count(BatchOutcome::Refused),
        lines,
    }
}

/// A refused row's problems as one line: `time_zone: … ; id: …`.
fn detail_of(problems: &FieldErrors) -> String {
    problems
        .iter()
        .map(|(field, message)| {
            if field.is_empty() {
                message.clone()
            } else {
                format!("{field}: {message}")
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The CSV page of an event: the form, a refusal or a report.
async fn csv_answer(
    req: &HttpRequest,
    state: &AppState,
    event_id: String,
    (status, csv, refusal, report): (
        StatusCode,
        String,
        Option<(String, String)>,
        Option<CsvReport>,
    ),
) -> PageResult {
    let event = event_id.clone();
    let plan = state
        .db
        .run(move |conn| events_service::plan_of(conn, &event))
        .await?;
    let body = CsvPage {
        page: Page::of(req),
        event_id,
        event_name: plan.event.name,
        zone: plan
            .venues
            .first()
            .map_or_else(|| "UTC".to_owned(), |v| v.time_zone.clone()),
        csv,
        refusal,
        report,
    };
    Ok(html(status, body.render()))
}

/// The empty CSV form (staff).
async fn csv_page(
    req: HttpRequest,
    Staff { .. }: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> PageResult {
    let answer = (StatusCode::OK, String::new(), None, None);
    csv_answer(&req, &state, id.into_inner(), answer).await
}

/// Checks a CSV of participants (`mode=check`) or registers it (`mode=all`, or `mode=valid` for
/// the valid rows only); a run that stored something goes back to the event page and says so.
async fn csv_run(
    req: HttpRequest,
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
    payload: web::Payload,
) -> PageResult {
    let lang = Page::of(&req).lang;
    let event_id = id.into_inner();
    let refuse = |status, csv, key: &str, detail| (status, csv, Some((lang.t(key), detail)), None);
    let form = match read_form(&req, payload).await {
        Ok(form) => form,
        Err((status, key, detail)) => {
            let answer = refuse(status, String::new(), key, detail);
            return csv_answer(&req, &state, event_id, answer).await;
        }
    };
    let csv = match csv_of(&form) {
        Ok(csv) => csv,
        Err((status, key, kept)) => {
            let answer = refuse(status, kept, key, String::new());
            return csv_answer(&req, &state, event_id, answer).await;
        }
    };
    let mode = mode_of(&form);
    let (app, event, text) = (state.clone(), event_id.clone(), csv.clone());
    let outcome = state
        .db
        .run(move |conn| {
            events_service::register_csv(
                conn,
                &app.catalogue,
                &user,
                &event,
                text.as_bytes(),
                &mode,
            )
        })
        .await;
    let answer = match outcome {
        Ok(report) if report.registered => {
            return Ok(
                see_other(&format!("/events/{event_id}?done=imported#participants")).finish(),
            );
        }
        Ok(report) => (StatusCode::OK, csv, None, Some(csv_report(lang, report))),
        // A file of no rows at all; too many rows is told in the rules' words below.
        Err(AppError::Validation { fields, .. })
            if fields
                .get("participants")
                .is_some_and(|m| m.starts_with("give")) =>
        {
            refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                csv,
                "imports.empty",
                String::new(),
            )
        }
        Err(AppError::Validation { message, fields }) => {
            let (key, detail) = unread_csv(message, fields);
            refuse(StatusCode::UNPROCESSABLE_ENTITY, csv, key, detail)
        }
        Err(e) => return Err(e),
    };
    csv_answer(&req, &state, event_id, answer).await
}
