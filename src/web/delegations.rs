//! Programme staff keep the regional delegations in the browser: the list and a form to create
//! one (its regions, member officials and itinerary), and a delegation's page with the events it
//! takes part in.

use super::pickers::country_name;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use askama::Template;
use chrono::NaiveDate;

use super::events::{
    Field, Filled, Listed, Refused, listed, needs, refusal, renumbered, whole_number,
};
use super::form::{self, Typed};
use super::i18n::Lang;
use super::session::Staff;
use super::{Page, html, see_other};
use crate::auth::AuthenticatedUser;
use crate::db::AnyConnection;
use crate::domain::text;
use crate::error::AppError;
use crate::reference::Catalogue;
use crate::services::events::{
    self as events_service, DelegationInput, Leg, create_delegation_record,
};
use crate::state::AppState;
use crate::web::PageResult;

/// The staff pages of delegations: list and creation, and one delegation.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/delegations", web::get().to(delegations))
        .route("/delegations", web::post().to(create))
        .route("/delegations/{id}", web::get().to(delegation));
}

/// Itinerary legs the creation form offers.
const LEGS: usize = 3;

/// What each field of the delegation form needs, by its name without list numbering.
const FIELDS: [form::Field; 10] = [
    form::Field::new("name", "name", "delegations.name", "delegations.need_name")
        .at_most(text::NAME),
    form::Field::new(
        "regions",
        "regions",
        "delegations.regions",
        "delegations.need_regions",
    ),
    form::Field::new(
        "members",
        "members",
        "delegations.members",
        "delegations.need_members",
    ),
    form::Field::new(
        "travel_buffer_minutes",
        "travel_buffer_minutes",
        "delegations.travel_buffer",
        "delegations.need_travel_buffer",
    ),
    form::Field::new(
        "legs",
        "legs",
        "delegations.itinerary",
        "delegations.need_legs",
    ),
    form::Field::new("legs.city", "city", "events.city", "events.need_city").at_most(text::CITY),
    form::Field::new("legs.country", "country", "events.country", "forms.country"),
    form::Field::new(
        "legs.time_zone",
        "time_zone",
        "events.time_zone",
        "events.need_time_zone",
    ),
    form::Field::new(
        "legs.from",
        "from",
        "delegations.from",
        "delegations.need_from",
    ),
    form::Field::new("legs.to", "to", "delegations.to", "delegations.need_to"),
];

/// A delegation as the list shows it.
struct DelegationLine {
    id: String,
    name: String,
    regions: String,
    members: String,
    legs: String,
}

#[derive(Template)]
#[template(path = "pages/delegations.html")]
struct DelegationsPage {
    page: Page,
    delegations: Vec<DelegationLine>,
    problems: Vec<Listed>,
    general: Vec<Field>,
    /// Each leg's legend and fields.
    legs: Vec<(String, Vec<Field>)>,
}

/// Region names with their codes: `Kota Palopo (73.73)`.
fn region_names(catalogue: &Catalogue, codes: &[String]) -> String {
    codes
        .iter()
        .map(|code| {
            catalogue
                .region(code)
                .map_or_else(|| code.clone(), |r| format!("{} ({code})", r.name))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// An itinerary as one line: `Tokyo, Japan 2027-01-07 – 2027-01-09 (Asia/Tokyo)`.
fn leg_text(lang: Lang, leg: &Leg) -> String {
    format!(
        "{}, {} {} – {} ({})",
        leg.city,
        country_name(lang, &leg.country),
        leg.from,
        leg.to,
        leg.time_zone
    )
}

fn leg_name(i: usize, name: &str) -> String {
    format!("legs[{i}].{name}")
}

fn creation_form(
    filled: &Filled,
    catalogue: &Catalogue,
) -> (Vec<Field>, Vec<(String, Vec<Field>)>) {
    let lang = filled.lang;
    let general = vec![
        filled.required("name", "delegations.name", "text", ""),
        filled.regions("regions", "delegations.regions", catalogue),
        filled.field("members", "delegations.members", "text", ""),
        filled.field(
            "travel_buffer_minutes",
            "delegations.travel_buffer",
            "number",
            "60",
        ),
    ];
    let legs = (0..LEGS)
        .map(|i| {
            let legend =
                rust_i18n::t!("delegations.leg_n", locale = lang.code(), n = i + 1).into_owned();
            let fields = vec![
                filled.field(&leg_name(i, "city"), "events.city", "text", ""),
                filled.field(&leg_name(i, "country"), "events.country", "text", ""),
                filled.field(&leg_name(i, "time_zone"), "events.time_zone", "text", ""),
                filled.field(&leg_name(i, "from"), "delegations.from", "date", ""),
                filled.field(&leg_name(i, "to"), "delegations.to", "date", ""),
            ];
            (legend, fields)
        })
        .collect();
    (general, legs)
}

/// The API's delegation from the form (members given by e-mail address; legs without a city
/// are left out) and the form rows of the legs sent.
fn delegation_input(
    conn: &mut AnyConnection,
    typed: &Typed,
) -> Result<(DelegationInput, Vec<usize>), AppError> {
    let words = |name: &str| -> Vec<String> {
        typed
            .one(name)
            .split([',', ';', ' '])
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let members = events_service::accounts_by_email(conn, "members", &words("members"))?;
    let mut legs = Vec::new();
    let mut rows = Vec::new();
    for i in 0..LEGS {
        let city = typed.one(&leg_name(i, "city"));
        if city.is_empty() {
            continue;
        }
        let date = |name: &str| {
            let field = leg_name(i, name);
            NaiveDate::parse_from_str(&typed.one(&field), "%Y-%m-%d")
                .map_err(|_| AppError::validation(&field, "must be a date"))
        };
        legs.push(Leg {
            city,
            country: typed.one(&leg_name(i, "country")).to_uppercase(),
            time_zone: typed.one(&leg_name(i, "time_zone")),
            from: date("from")?,
            to: date("to")?,
        });
        rows.push(i);
    }
    let input = DelegationInput {
        name: typed.one("name"),
        regions: typed.codes("regions"),
        members,
        travel_buffer_minutes: whole_number(typed, "travel_buffer_minutes")?,
        legs,
    };
    Ok((input, rows))
}

fn delegation_lines(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    lang: Lang,
) -> Result<Vec<DelegationLine>, AppError> {
    Ok(events_service::delegations(conn, user)?
        .into_iter()
        .map(|view| DelegationLine {
            regions: region_names(catalogue, &view.regions),
            members: lang.integer(view.members.map_or(0, |m| m.len()) as i64),
            legs: view
                .legs
                .iter()
                .map(|leg| leg_text(lang, leg))
                .collect::<Vec<_>>()
                .join("; "),
            id: view.id,
            name: view.name,
        })
        .collect())
}

async fn delegations_page(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    user: AuthenticatedUser,
    refused: Option<Refused<'_>>,
) -> PageResult {
    let page = Page::of(req);
    let lang = page.lang;
    let app = state.clone();
    let delegations = state
        .db
        .run(move |conn| delegation_lines(conn, &app.catalogue, &user, lang))
        .await?;
    let (status, filled) = Filled::new(lang, refused);
    let (general, legs) = creation_form(&filled, &state.catalogue);
    let all: Vec<&Field> = general
        .iter()
        .chain(legs.iter().flat_map(|(_, fields)| fields.iter()))
        .collect();
    let problems = listed(&all, &filled.problems);
    Ok(html(
        status,
        DelegationsPage {
            page,
            delegations,
            problems,
            general,
            legs,
        }
        .render(),
    ))
}

/// The delegations and the form to create one.
async fn delegations(
    req: HttpRequest,
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
) -> PageResult {
    delegations_page(&req, &state, user, None).await
}

/// Creates a delegation with the API's rules; a form with problems comes back with its input
/// kept.
async fn create(
    req: HttpRequest,
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let lang = Page::of(&req).lang;
    let typed = Typed::parse(&body);
    let form = typed.clone();
    let app = state.clone();
    let author = user.id.clone();
    let created = state
        .db
        .write(move |conn| {
            let (input, rows) = delegation_input(conn, &form)?;
            create_delegation_record(conn, &app.catalogue, &input, &author, false).map_err(|e| {
                match e {
                    AppError::Validation { message, fields } => AppError::Validation {
                        message,
                        fields: fields
                            .into_iter()
                            .map(|(field, text)| {
                                (renumbered(&field, "legs", &rows).unwrap_or(field), text)
                            })
                            .collect(),
                    },
                    other => other,
                }
            })
        })
        .await;
    match refusal(lang, created)? {
        Ok(record) => Ok(see_other(&format!("/delegations/{}", record.row.id)).finish()),
        Err(problems) => {
            let problems = needs(lang, &FIELDS, problems, str::to_owned);
            let refused = (StatusCode::UNPROCESSABLE_ENTITY, &typed, problems);
            delegations_page(&req, &state, user, Some(refused)).await
        }
    }
}

/// A member official as the delegation's page shows it.
struct Member {
    name: String,
    email: String,
    region: String,
}

#[derive(Template)]
#[template(path = "pages/delegation.html")]
struct DelegationPage {
    page: Page,
    name: String,
    regions: String,
    travel_buffer: String,
    members: Vec<Member>,
    legs: Vec<Leg>,
    /// Id and name of each event it takes part in.
    events: Vec<(String, String)>,
}

/// A delegation: its regions, members, itinerary and events.
async fn delegation(
    req: HttpRequest,
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> PageResult {
    let id = id.into_inner();
    let app = state.clone();
    let found = state
        .db
        .run(move |conn| {
            let (view, accounts, events) = events_service::delegation_sheet(conn, &user, &id)?;
            let members: Vec<Member> = accounts
                .into_iter()
                .map(|u| Member {
                    region: region_names(
                        &app.catalogue,
                        &u.region_code.into_iter().collect::<Vec<_>>(),
                    ),
                    name: u.name,
                    email: u.email,
                })
                .collect();
            Ok((view, members, events))
        })
        .await;
    let (view, members, events) = found?;
    let page = Page::of(&req);
    let travel_buffer = page.lang.integer(view.travel_buffer_minutes.into());
    Ok(html(
        StatusCode::OK,
        DelegationPage {
            name: view.name,
            regions: region_names(&state.catalogue, &view.regions),
            travel_buffer,
            members,
            legs: view
                .legs
                .into_iter()
                .map(|leg| Leg {
                    country: country_name(page.lang, &leg.country),
                    ..leg
                })
                .collect(),
            events,
            page,
        }
        .render(),
    ))
}
