//! Reference lists: sectors (ISIC Rev.4), Smart City dimensions, countries, currencies, rates.

use actix_web::{get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::Currency;
use crate::error::{AppError, ErrorBody};
use crate::models::reference::{self as rows};
use crate::services::reference::{
    Country, CurrencyInfo, Dimension, ExchangeRate, SectorList, SectorQuery, tree,
};
use crate::state::AppState;

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(sectors)
        .service(dimensions)
        .service(countries)
        .service(currencies)
        .service(exchange_rates);
}

/// ISIC Rev.4 sectors: the whole tree, or a flat list filtered by level, parent or words.
#[utoipa::path(tag = "reference", params(SectorQuery), responses(
    (status = 200, body = SectorList),
    (status = 422, body = ErrorBody),
))]
#[get("/sectors")]
async fn sectors(
    state: web::Data<AppState>,
    query: web::Query<SectorQuery>,
) -> Result<web::Json<SectorList>, AppError> {
    let query = query.into_inner();
    if let Some(level) = &query.level
        && !["section", "division", "group", "class"].contains(&level.as_str())
    {
        return Err(AppError::validation(
            "level",
            "must be section, division, group or class",
        ));
    }
    let all = state.db.run(|conn| Ok(rows::all_sectors(conn)?)).await?;
    if query.level.is_none() && query.parent.is_none() && query.q.is_none() {
        return Ok(web::Json(SectorList::Tree {
            items: tree(&all, None),
        }));
    }
    let words = query
        .q
        .as_deref()
        .map(crate::domain::text::tokens)
        .unwrap_or_default();
    let items = all
        .into_iter()
        .filter(|s| query.level.as_ref().is_none_or(|l| &s.level == l))
        .filter(|s| {
            query
                .parent
                .as_ref()
                .is_none_or(|p| s.parent_code.as_ref() == Some(p))
        })
        .filter(|s| {
            let title = crate::domain::text::tokens(&s.title);
            words
                .iter()
                .all(|w| title.iter().any(|t| t.starts_with(w.as_str())))
        })
        .collect();
    Ok(web::Json(SectorList::Flat { items }))
}

/// The six Smart City dimensions (Governance, Branding, Economy, Living, Society, Environment).
#[utoipa::path(tag = "reference", responses((status = 200, body = Vec<Dimension>)))]
#[get("/dimensions")]
async fn dimensions(state: web::Data<AppState>) -> web::Json<Vec<Dimension>> {
    let catalogue = &state.catalogue;
    web::Json(
        catalogue
            .dimension_rows()
            .map(|d| Dimension {
                code: d.code.clone(),
                name_en: d.name_en.clone(),
                name_id: d.name_id.clone(),
                elements: catalogue.elements_of(&d.code).cloned().collect(),
            })
            .collect(),
    )
}

/// Countries (ISO 3166-1).
#[utoipa::path(tag = "reference", responses((status = 200, body = Vec<Country>)))]
#[get("/countries")]
async fn countries() -> web::Json<Vec<Country>> {
    let mut list: Vec<Country> = rust_iso3166::ALL
        .iter()
        .map(|c| Country {
            code: c.alpha2.to_owned(),
            name: c.name.to_owned(),
        })
        .collect();
    list.sort_by(|a, b| a.code.cmp(&b.code));
    web::Json(list)
}

/// Currencies (ISO 4217).
#[utoipa::path(tag = "reference", responses((status = 200, body = Vec<CurrencyInfo>)))]
#[get("/currencies")]
async fn currencies() -> web::Json<Vec<CurrencyInfo>> {
    let mut list: Vec<CurrencyInfo> = Currency::all()
        .map(|c| CurrencyInfo {
            code: c.code().to_owned(),
            name: c.name(),
            minor_digits: c.minor_digits(),
        })
        .collect();
    list.sort_by(|a, b| a.code.cmp(&b.code));
    web::Json(list)
}

/// The latest dated rate of each currency, used to compare project values across currencies.
#[utoipa::path(tag = "reference", responses((status = 200, body = Vec<ExchangeRate>)))]
#[get("/exchange-rates")]
async fn exchange_rates(
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<ExchangeRate>>, AppError> {
    let latest = state.db.run(|conn| Ok(rows::latest_rates(conn)?)).await?;
    Ok(web::Json(
        latest
            .into_iter()
            .map(|r| ExchangeRate {
                currency: r.currency,
                date: r.rate_date,
                units_per_usd: r.units_per_usd,
                source: r.source,
            })
            .collect(),
    ))
}
