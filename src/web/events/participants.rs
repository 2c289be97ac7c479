//! Participants of an event: adding one from the event's page, and changing one's time zone,
//! daily cap and availability.

use super::*;

/// Adding a participant, and a participant's settings page.
pub(super) fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/events/{id}/participants", web::post().to(add_participant))
        .route(
            "/events/{id}/participants/{participant}",
            web::get().to(participant),
        )
        .route(
            "/events/{id}/participants/{participant}",
            web::post().to(edit_participant),
        );
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
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let lang = Page::of(&req).lang;
    let event_id = id.into_inner();
    let typed = Typed::parse(&body);
    let registered = match registration(&typed) {
        Ok(input) => {
            let app = state.clone();
            let (who, event) = (user.clone(), event_id.clone());
            state
                .db
                .write(move |conn| {
                    events_service::register(conn, &app.catalogue, &who, &event, &input).map(drop)
                })
                .await
        }
        Err(e) => Err(e),
    };
    let status = match &registered {
        Err(AppError::Conflict { .. }) => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    match refusal(lang, registered)? {
        Ok(()) => Ok(see_other(&format!("/events/{event_id}#participants")).finish()),
        Err(problems) => {
            let problems = problems
                .into_iter()
                .map(|(field, message)| {
                    let message = settings_problem(lang, &typed, &field, message);
                    (participant_field(&field), message)
                })
                .collect();
            let asked = super::bulk::Asked {
                filter: CandidateFilter::default(),
                done: None,
                refused: Some((super::bulk::Which::Join, (status, &typed, problems))),
            };
            event_page(&req, &state, user, event_id, asked).await
        }
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
fn stored_settings(participant: &ParticipantRecord) -> Typed {
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
    state: &web::Data<AppState>,
    (event_id, participant_id): (String, String),
    refused: Option<(&Typed, BTreeMap<String, String>)>,
) -> PageResult {
    let page = Page::of(req);
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
    let (event_name, name, stored) = found?;
    let (status, typed, problems) = match refused {
        Some((typed, problems)) => (StatusCode::UNPROCESSABLE_ENTITY, typed, problems),
        None => (StatusCode::OK, &stored, BTreeMap::new()),
    };
    let filled = Filled {
        lang,
        typed,
        fresh: false,
        problems,
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
    let problems = listed(&all, &filled.problems);
    Ok(html(
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
    ))
}

/// A participant's time zone, daily cap and availability windows, to change.
async fn participant(
    req: HttpRequest,
    Staff { .. }: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> PageResult {
    participant_page(&req, &state, path.into_inner(), None).await
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

/// Saves a participant's settings with the API's rules; a refused form comes back with its
/// input kept and nothing saved.
async fn edit_participant(
    req: HttpRequest,
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> PageResult {
    let lang = Page::of(&req).lang;
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
                    events_service::update_settings(conn, &who, &event, &id, &settings).map(drop)
                })
                .await
        }
        Err(e) => Err(e),
    };
    match refusal(lang, saved)? {
        Ok(()) => Ok(see_other(&format!("/events/{event_id}#participants")).finish()),
        Err(problems) => {
            let problems = problems
                .into_iter()
                .map(|(field, message)| {
                    let message = settings_problem(lang, &typed, &field, message);
                    (settings_field(&field, &rows), message)
                })
                .collect();
            participant_page(
                &req,
                &state,
                (event_id, participant_id),
                Some((&typed, problems)),
            )
            .await
        }
    }
}
