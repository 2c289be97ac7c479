//! Reference lists: sectors (ISIC Rev.4), Smart City dimensions, countries, currencies, rates.

use actix_web::{get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::Currency;
use crate::error::{AppError, ErrorBody};
use crate::services::reference::{
    self as reference, Country, CurrencyInfo, Dimension, ExchangeRate, SectorList, SectorQuery,
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
    Ok(web::Json(
        state
            .db
            .run(move |conn| reference::sectors(conn, &query))
            .await?,
    ))
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

/// Countries (ISO 3166-1), by code, with their English and Indonesian names.
#[utoipa::path(tag = "reference", responses((status = 200, body = Vec<Country>)))]
#[get("/countries")]
async fn countries() -> web::Json<Vec<Country>> {
    web::Json(
        crate::domain::country::all()
            .iter()
            .map(|c| Country {
                code: c.code.to_owned(),
                name: c.name_en.to_owned(),
                name_id: c.name_id.clone(),
            })
            .collect(),
    )
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
    Ok(web::Json(state.db.run(reference::exchange_rates).await?))
}
