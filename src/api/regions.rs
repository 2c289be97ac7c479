//! Provinces and regencies/cities with their Kemendagri codes, and the regions' own profiles.

use actix_web::{get, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::JsonBody;
use crate::auth::AuthenticatedUser;
use crate::error::{AppError, ErrorBody};

use crate::services::Page;
use crate::services::regions::{
    self as regions, ProfileInput, Region, RegionDetail, RegionQuery, load_region, save_profile,
};
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
    Ok(web::Json(state.db.run(regions::provinces).await?))
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
    Ok(web::Json(
        state
            .db
            .run(move |conn| regions::regions(conn, query.into_inner()))
            .await?,
    ))
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
