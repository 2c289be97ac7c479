//! Provinces and regencies/cities with their Kemendagri codes, and the regions' own profiles.

use actix_web::{get, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::JsonBody;
use crate::auth::AuthenticatedUser;
use crate::error::{AppError, ErrorBody};
use crate::models::reference::Region;
use crate::models::region::{self as rows, RegionFilter};
use crate::services::regions::{
    ProfileInput, RegionDetail, RegionQuery, load_region, save_profile,
};
use crate::services::{Page, paging};
use crate::state::AppState;

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(list_provinces)
        .service(list_regions)
        .service(get_region)
        .service(put_profile);
}

/// The 38 provinces.
#[utoipa::path(tag = "regions", responses((status = 200, body = Vec<Region>)))]
#[get("/provinces")]
async fn list_provinces(state: web::Data<AppState>) -> Result<web::Json<Vec<Region>>, AppError> {
    Ok(web::Json(
        state.db.run(|conn| Ok(rows::provinces(conn)?)).await?,
    ))
}

/// Regions (provinces, regencies and cities), filtered and paginated.
#[utoipa::path(tag = "regions", params(RegionQuery), responses(
    (status = 200, body = Page<Region>), (status = 422, body = ErrorBody),
))]
#[get("/regions")]
async fn list_regions(
    state: web::Data<AppState>,
    query: web::Query<RegionQuery>,
) -> Result<web::Json<Page<Region>>, AppError> {
    let query = query.into_inner();
    let (page, per_page, offset) = paging(query.page, query.per_page)?;
    if let Some(kind) = &query.kind
        && !["province", "kabupaten", "kota"].contains(&kind.as_str())
    {
        return Err(AppError::validation(
            "type",
            "must be province, kabupaten or kota",
        ));
    }
    let filter = RegionFilter {
        province: query.province,
        kind: query.kind,
        ikn_related: query.ikn_related,
        name_words: query
            .q
            .as_deref()
            .map(crate::domain::text::tokens)
            .unwrap_or_default(),
    };
    let (items, total) = state
        .db
        .run(move |conn| Ok(rows::list(conn, &filter, offset, per_page)?))
        .await?;
    Ok(web::Json(Page {
        items,
        total,
        page,
        per_page,
    }))
}

/// A region by its Kemendagri code (`73.73` is Kota Palopo), with its profile.
#[utoipa::path(tag = "regions", responses(
    (status = 200, body = RegionDetail), (status = 404, body = ErrorBody),
))]
#[get("/regions/{code}")]
async fn get_region(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<web::Json<RegionDetail>, AppError> {
    Ok(web::Json(load_region(&state, code.into_inner()).await?))
}

/// Writes a region's profile (its officials and staff).
#[utoipa::path(tag = "regions", security(("bearer" = [])), request_body = ProfileInput, responses(
    (status = 200, body = RegionDetail), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[put("/regions/{code}/profile")]
async fn put_profile(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    code: web::Path<String>,
    body: JsonBody<ProfileInput>,
) -> Result<web::Json<RegionDetail>, AppError> {
    let code = code.into_inner();
    save_profile(&state, &user, &code, &body.0).await?;
    Ok(web::Json(load_region(&state, code).await?))
}
