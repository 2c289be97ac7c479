//! The deal pages: each party's deals with their histories and the form that records a stage;
//! the investor's NDA click-through on an opportunity; the region's NDA and its grants.

use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use rust_decimal::Decimal;
use strum::IntoEnumIterator;

use super::charts::{self, Bar};
use super::form::Typed;
use super::session::{Everyone, Investors, Officials, Signed, Staff};
use super::{Page, PageResult, html, localized, said, see_other};
use crate::domain::deal::DealStage;
use crate::domain::{Localized, MoneyJson};
use crate::error::AppError;
use crate::services::data_room::{self, AcceptInput, GrantInput, NdaInput};
use crate::services::deals::{self, Deal, DealQuery, StepInput};
use crate::services::funnel::{self, FunnelLine};
use crate::state::AppState;
use crate::throttle::ClientAddress;
use crate::web::i18n::Lang;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/deals", web::get().to(list))
        .route("/deals/{id}", web::get().to(show))
        .route("/deals/{id}/steps", web::post().to(record))
        .route("/opportunities/{id}/nda", web::post().to(accept))
        .route("/my-region/nda", web::get().to(nda_form))
        .route("/my-region/nda", web::post().to(save_nda))
        .route("/my-projects/{id}/grants", web::post().to(grant))
        .route("/reports/funnel", web::get().to(funnel_page))
        .route("/reports/funnel.{format}", web::get().to(funnel_file));
}

/// A deal as a row of a list.
pub(crate) struct DealLine {
    pub id: String,
    pub investor: String,
    /// The project's title, or the region's name for a deal about no one project.
    pub subject: String,
    pub stage: String,
    pub updated: String,
}

impl DealLine {
    pub(crate) fn of(lang: Lang, deal: &Deal) -> Self {
        DealLine {
            id: deal.id.clone(),
            investor: deal.investor_name.clone(),
            subject: deal
                .project_title
                .as_ref()
                .map_or_else(|| deal.region_name.clone(), |t| localized(lang, t)),
            stage: lang.t(&format!("deal_stage.{}", deal.stage.as_ref())),
            updated: deal.updated_at.format("%Y-%m-%d").to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "pages/deals.html")]
struct DealsPage {
    page: Page,
    lines: Vec<DealLine>,
}

/// The signed-in party's deals (all of them for staff), the most recently moved first.
async fn list(
    Signed { user, page, .. }: Signed<Everyone>,
    state: web::Data<AppState>,
) -> PageResult {
    let app = state.clone();
    let found = state
        .db
        .run(move |conn| deals::list(conn, &app.catalogue, &user, &DealQuery::default()))
        .await?;
    let lines = found.iter().map(|d| DealLine::of(page.lang, d)).collect();
    Ok(html(StatusCode::OK, DealsPage { page, lines }.render()))
}

/// One step of a deal's history as the page shows it.
struct StepLine {
    date: String,
    stage: String,
    source: String,
    amount: String,
    note: String,
}

#[derive(Template)]
#[template(path = "pages/deal.html")]
struct DealPage {
    page: Page,
    line: DealLine,
    project_id: Option<String>,
    closed_reason: Option<String>,
    history: Vec<StepLine>,
    /// The stages the deal may move to now (code, label); empty once closed.
    next: Vec<(String, String)>,
    /// Why the last step was refused, in the page's language.
    refusal: Option<String>,
    typed: Typed,
}

fn deal_page(page: Page, deal: Deal, refusal: Option<String>, typed: Typed) -> DealPage {
    let lang = page.lang;
    let history = deal
        .history
        .iter()
        .map(|s| StepLine {
            date: s.at.format("%Y-%m-%d").to_string(),
            stage: lang.t(&format!("deal_stage.{}", s.stage.as_ref())),
            source: lang.t(&format!("deal_source.{}", s.source.as_ref())),
            amount: s
                .amount
                .as_ref()
                .map(|a| amount_of(lang, a))
                .unwrap_or_default(),
            note: s.note.clone().unwrap_or_default(),
        })
        .collect();
    let next = DealStage::iter()
        .filter(|s| s.recorded_by_parties() && deal.stage.moves_to(*s))
        .map(|s| {
            let code = s.as_ref().to_owned();
            let label = lang.t(&format!("deal_stage.{code}"));
            (code, label)
        })
        .collect();
    DealPage {
        line: DealLine::of(lang, &deal),
        project_id: deal.project_id.clone(),
        closed_reason: deal.closed_reason.clone(),
        history,
        next,
        refusal,
        typed,
        page,
    }
}

fn amount_of(lang: Lang, money: &MoneyJson) -> String {
    Decimal::from_str(&money.amount)
        .map(|amount| lang.money(amount, &money.currency))
        .unwrap_or_else(|_| format!("{} {}", money.currency, money.amount))
}

async fn show(
    Signed { user, page, .. }: Signed<Everyone>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> PageResult {
    let app = state.clone();
    let id = id.into_inner();
    let deal = state
        .db
        .run(move |conn| deals::get(conn, &app.catalogue, &user, &id))
        .await?;
    let body = deal_page(page, deal, None, Typed::default()).render();
    Ok(html(StatusCode::OK, body))
}

/// Records the stage the form names, with the same rules as `POST /deals/{id}/steps`; a refused
/// step comes back with the reason and what was typed.
async fn record(
    Signed { user, page, .. }: Signed<Everyone>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let typed = Typed::parse(&body);
    let id = id.into_inner();
    let Ok(stage) = DealStage::from_str(&typed.one("stage")) else {
        return Err(AppError::validation(
            "stage",
            "choose a stage from the list",
        ));
    };
    let amount = Some(typed.amount("amount"))
        .filter(|a| !a.is_empty())
        .map(|amount| MoneyJson {
            amount,
            currency: typed.one("currency").to_uppercase(),
        });
    let input = StepInput {
        stage,
        amount,
        note: Some(typed.one("note")).filter(|n| !n.is_empty()),
    };
    let app = state.clone();
    let (recorder, deal_id) = (user.clone(), id.clone());
    let recorded = state
        .db
        .write(move |conn| deals::record_step(conn, &app.catalogue, &recorder, &deal_id, input))
        .await;
    match recorded {
        Ok(_) => Ok(see_other(&format!("/deals/{id}")).finish()),
        Err(e @ (AppError::Validation { .. } | AppError::Conflict { .. })) => {
            let refusal = match &e {
                AppError::Validation { fields, .. } => fields.keys().next().map(|field| {
                    page.t(&format!(
                        "deals.refused_{}",
                        field.split('.').next().unwrap_or(field)
                    ))
                }),
                _ => None,
            }
            .unwrap_or_else(|| said(page.lang, &e));
            let app = state.clone();
            let deal = state
                .db
                .run(move |conn| deals::get(conn, &app.catalogue, &user, &id))
                .await?;
            let body = deal_page(page, deal, Some(refusal), typed).render();
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body))
        }
        Err(e) => Err(e),
    }
}

/// The investor accepts the region's NDA it read on the opportunity page and comes back to the
/// page's data room.
async fn accept(
    Signed { user, .. }: Signed<Investors>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let typed = Typed::parse(&body);
    if typed.one("agree") != "on" {
        return Err(AppError::validation(
            "agree",
            "tick the box to accept the NDA",
        ));
    }
    let version = typed
        .one("version")
        .parse()
        .map_err(|_| AppError::validation("version", "is not a version of the NDA"))?;
    let id = id.into_inner();
    let project = id.clone();
    state
        .db
        .write(move |conn| data_room::accept_nda(conn, &user, &project, AcceptInput { version }))
        .await?;
    Ok(see_other(&format!("/opportunities/{id}#data-room")).finish())
}

#[derive(Template)]
#[template(path = "pages/nda_form.html")]
struct NdaForm {
    page: Page,
    version: Option<i32>,
    text_id: String,
    text_en: String,
    problem: Option<String>,
}

/// The official's region's NDA in force, to change as a new version.
async fn nda_form(
    Signed { user, page, .. }: Signed<Officials>,
    state: web::Data<AppState>,
) -> PageResult {
    let region = user.region_code.clone().unwrap_or_default();
    let nda = state
        .db
        .run(move |conn| data_room::current_nda(conn, &region))
        .await?;
    let text = nda.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    let body = NdaForm {
        version: nda.map(|n| n.version),
        text_id: text.id,
        text_en: text.en,
        problem: None,
        page,
    }
    .render();
    Ok(html(StatusCode::OK, body))
}

async fn save_nda(
    Signed { user, page, .. }: Signed<Officials>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let typed = Typed::parse(&body);
    let text = Localized {
        id: typed.one("text_id"),
        en: typed.one("text_en"),
    };
    let region = user.region_code.clone().unwrap_or_default();
    let app = state.clone();
    let input = NdaInput { text: text.clone() };
    let saved = state
        .db
        .write(move |conn| data_room::put_nda(conn, &app.catalogue, &user, &region, input))
        .await;
    match saved {
        Ok(_) => Ok(see_other("/my-region/nda").finish()),
        Err(AppError::Validation { .. }) => {
            let body = NdaForm {
                version: None,
                text_id: text.id,
                text_en: text.en,
                problem: Some(page.t("deals.refused_nda")),
                page,
            }
            .render();
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body))
        }
        Err(e) => Err(e),
    }
}

/// Opens a project's data room to an interested investor, from the project page.
async fn grant(
    Signed { user, .. }: Signed<Officials>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let typed = Typed::parse(&body);
    let input = GrantInput {
        investor_id: typed.one("investor_id"),
    };
    let id = id.into_inner();
    let project = id.clone();
    state
        .db
        .write(move |conn| data_room::grant(conn, &user, &project, input))
        .await?;
    Ok(see_other(&format!("/my-projects/{id}#deals")).finish())
}

/// A stage of the funnel as the page shows it.
struct StageRow {
    name: String,
    reached: usize,
    now: usize,
    conversion: String,
    days: String,
    amount: String,
}

/// A line of the funnel (every deal, or one region, province, dimension or event), its
/// amounts in the page's words.
struct GroupRow {
    line: FunnelLine,
    committed: String,
    realised: String,
}

impl GroupRow {
    fn of(lang: Lang, line: FunnelLine) -> Self {
        GroupRow {
            committed: usd(lang, line.committed_usd),
            realised: usd(lang, line.realised_usd),
            line,
        }
    }
}

/// A group of the funnel with its lines.
struct GroupTable {
    heading: String,
    rows: Vec<GroupRow>,
}

#[derive(Template)]
#[template(path = "pages/funnel.html")]
struct FunnelPage {
    page: Page,
    chart: String,
    stages: Vec<StageRow>,
    total: GroupRow,
    groups: Vec<GroupTable>,
}

fn usd(lang: Lang, amount: f64) -> String {
    Decimal::from_f64_retain(amount.round())
        .map(|d| lang.money(d, "USD"))
        .unwrap_or_default()
}

/// The deal funnel for staff: the chart, a table per stage and per group, and the downloads.
async fn funnel_page(Staff { user, page, .. }: Staff, state: web::Data<AppState>) -> PageResult {
    let catalogue = state.catalogue.clone();
    let found = state
        .db
        .run(move |conn| funnel::funnel(conn, &catalogue, &user))
        .await?;
    let lang = page.lang;
    let stage_name = |s: DealStage| lang.t(&format!("deal_stage.{}", s.as_ref()));
    let chart = charts::funnel(
        &found
            .stages
            .iter()
            .map(|s| Bar {
                name: stage_name(s.stage),
                value: s.reached as f64,
                text: lang.integer(i64::try_from(s.reached).unwrap_or(i64::MAX)),
            })
            .collect::<Vec<_>>(),
        &lang.t("funnel.chart"),
    );
    let stages = found
        .stages
        .iter()
        .map(|s| StageRow {
            name: stage_name(s.stage),
            reached: s.reached,
            now: s.now,
            conversion: s
                .conversion_pct
                .map(|p| format!("{} %", lang.decimal(p, 1)))
                .unwrap_or_default(),
            days: s
                .median_days
                .map(|d| lang.decimal(d, 1))
                .unwrap_or_default(),
            amount: s.amount_usd.map(|a| usd(lang, a)).unwrap_or_default(),
        })
        .collect();
    let groups = [
        ("funnel.by_region", found.by_region),
        ("funnel.by_province", found.by_province),
        ("funnel.by_dimension", found.by_dimension),
        ("funnel.by_event", found.by_event),
    ]
    .into_iter()
    .map(|(heading, lines)| GroupTable {
        heading: lang.t(heading),
        rows: lines.into_iter().map(|l| GroupRow::of(lang, l)).collect(),
    })
    .collect();
    let body = FunnelPage {
        chart,
        stages,
        total: GroupRow::of(lang, found.total),
        groups,
        page,
    }
    .render();
    Ok(html(StatusCode::OK, body))
}

/// The funnel as a download for a staff session.
async fn funnel_file(
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    client: ClientAddress,
    format: web::Path<String>,
) -> PageResult {
    let (catalogue, caller) = (state.catalogue.clone(), user.clone());
    crate::download::spreadsheet(&state, Some(&user), &client, &format, move |conn| {
        funnel::funnel_sheet(conn, &catalogue, &caller)
    })
    .await
}
