//! The map of opportunities: every region with published projects drawn at its shipped centroid
//! on an SVG of Indonesia's extent, built on the server so that it works offline and without
//! JavaScript, with the same figures as a table.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use askama::Template;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;

use super::charts::escape;
use super::i18n::Lang;
use super::session::Visitor;
use super::{Page, html};
use crate::domain::{Currency, Money};
use crate::error::AppError;
use crate::matchmaker::Rates;
use crate::reference::Catalogue;
use crate::state::AppState;
use crate::web::PageResult;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/map", web::get().to(map));
}

/// A region's published projects, counted and summed.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub projects: usize,
    /// Their value in rupiah (projects in a currency without a known rate are left out).
    pub rupiah: Decimal,
}

/// A value in rupiah: as stated when it is in rupiah, else converted at the latest rates.
fn in_rupiah(value: Money, rates: &Rates) -> Option<Decimal> {
    let idr = Currency::parse("IDR").ok()?;
    if value.currency() == idr {
        return Some(value.amount());
    }
    let from = rates.get(value.currency().code())?;
    let to = rates.get("IDR")?;
    value.convert(idr, *from, *to).map(Money::amount)
}

/// The published projects of each region (by code), only those of `dimension` when one is
/// given; counted from the matching index, which holds every published project in memory.
/// An unknown dimension is refused as the project search refuses it.
pub(crate) async fn published_by_region(
    state: &AppState,
    dimension: Option<&str>,
) -> Result<BTreeMap<String, Tally>, AppError> {
    let matchmaker = state.matchmaker.clone();
    let snapshot = state.db.run(move |conn| matchmaker.snapshot(conn)).await?;
    let index = &snapshot.index;
    let tax = index.taxonomy();
    let wanted = match dimension {
        None => 0,
        Some(code) => tax
            .dimension_bit(code)
            .ok_or_else(|| AppError::validation("dimension", "is not a Smart City dimension"))?,
    };
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for position in 0..index.len() as u32 {
        let facts = index.facts(position);
        if facts.dimensions & wanted != wanted {
            continue;
        }
        let region = &tax.regions[facts.region as usize];
        let tally = tallies.entry(region.code.clone()).or_default();
        tally.projects += 1;
        tally.rupiah += in_rupiah(facts.value, &snapshot.rates).unwrap_or_default();
    }
    Ok(tallies)
}

/// The map's extent: Indonesia from 95°E to 141°E and from 6°N to 11°S.
const WEST: f64 = 95.0;
const EAST: f64 = 141.0;
const NORTH: f64 = 6.0;
const SOUTH: f64 = -11.0;
/// Drawing units per degree.
const SCALE: f64 = 20.0;

/// Where a point falls on the map (a plain equirectangular projection).
fn position(lat: f64, lng: f64) -> (f64, f64) {
    ((lng - WEST) * SCALE, (NORTH - lat) * SCALE)
}

/// A region as the map draws it.
struct Spot {
    code: String,
    lat: f64,
    lng: f64,
    /// What the circle's area stands for (number of projects or value).
    measure: f64,
    /// The tooltip.
    title: String,
}

/// The SVG: a light graticule every 5°, the provinces' names at their centroids, and a circle
/// per region whose area follows its measure, each a link to the region's page.
fn map_svg(spots: &[Spot], provinces: &[(String, f64, f64)], label: &str) -> String {
    let (width, height) = ((EAST - WEST) * SCALE, (NORTH - SOUTH) * SCALE);
    let mut svg = format!(
        r##"<svg class="map" role="group" aria-label="{}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg"><rect width="{width}" height="{height}" fill="#eef5f7"/>"##,
        escape(label)
    );
    let grid = r##"stroke="#c9d6dc" stroke-width="0.6""##;
    for lng in (95..=140).step_by(5) {
        let (x, _) = position(0.0, f64::from(lng));
        svg.push_str(&format!(
            r##"<line x1="{x}" y1="0" x2="{x}" y2="{height}" {grid}/><text x="{}" y="{}" font-size="9" fill="#7b8794">{lng}°</text>"##,
            x + 2.0,
            height - 3.0
        ));
    }
    for lat in (-10..=5).step_by(5) {
        let (_, y) = position(f64::from(lat), WEST);
        svg.push_str(&format!(
            r##"<line x1="0" y1="{y}" x2="{width}" y2="{y}" {grid}/><text x="2" y="{}" font-size="9" fill="#7b8794">{lat}°</text>"##,
            y - 2.0
        ));
    }
    for (name, lat, lng) in provinces {
        let (x, y) = position(*lat, *lng);
        // Centred names near the edges are pulled in so that they stay whole.
        let x = x.clamp(40.0, width - 40.0);
        svg.push_str(&format!(
            r##"<text x="{x:.1}" y="{y:.1}" font-size="8" fill="#9aa5b1" text-anchor="middle" aria-hidden="true">{}</text>"##,
            escape(name)
        ));
    }
    let largest = spots.iter().map(|s| s.measure).fold(0.0, f64::max);
    let mut ordered: Vec<&Spot> = spots.iter().collect();
    // Large circles first, so that the small ones on top of them can still be reached.
    ordered.sort_by(|a, b| b.measure.total_cmp(&a.measure));
    for spot in ordered {
        let (x, y) = position(spot.lat, spot.lng);
        let share = if largest > 0.0 {
            spot.measure / largest
        } else {
            0.0
        };
        let radius = 4.0 + 14.0 * share.sqrt();
        svg.push_str(&format!(
            r##"<a href="/regions/{code}" aria-label="{title}"><circle cx="{x:.1}" cy="{y:.1}" r="{radius:.1}" fill="#0b7a75" fill-opacity="0.7" stroke="#fff" stroke-width="1" data-region="{code}"><title>{title}</title></circle></a>"##,
            code = escape(&spot.code),
            title = escape(&spot.title),
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// What the map's form asks for.
#[derive(Debug, Default, Deserialize)]
struct MapQuery {
    /// A Smart City dimension code; empty for all.
    dimension: Option<String>,
    /// `projects` (the default) or `value`: what the circles' size follows.
    size: Option<String>,
}

/// A row of the table beside the map.
struct MapRow {
    code: String,
    name: String,
    province: String,
    projects: String,
    value: String,
}

#[derive(Template)]
#[template(path = "pages/map.html")]
struct MapPage {
    page: Page,
    /// Code, name and whether it is chosen.
    dimensions: Vec<(String, String, bool)>,
    by_value: bool,
    svg: String,
    rows: Vec<MapRow>,
}

/// The number of published projects in words: "1 project", "3 projects" / "3 proyek".
pub(crate) fn projects_count(lang: Lang, count: usize) -> String {
    let key = if count == 1 {
        "region_map.projects_one"
    } else {
        "region_map.projects_many"
    };
    rust_i18n::t!(
        key,
        locale = lang.code(),
        count = lang.integer(i64::try_from(count).unwrap_or(i64::MAX))
    )
    .into_owned()
}

/// A region's province's name, empty when the catalogue does not place it.
pub(crate) fn province_name(catalogue: &Catalogue, province_code: &str) -> String {
    catalogue
        .region(province_code)
        .map(|p| p.name.clone())
        .unwrap_or_default()
}

/// The map of regions with published projects, optionally of one dimension (public).
async fn map(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    query: web::Query<MapQuery>,
) -> PageResult {
    let page = Page::new(&req, &visitor);
    let lang = page.lang;
    let query = query.into_inner();
    let dimension = query.dimension.filter(|d| !d.is_empty());
    let by_value = query.size.as_deref() == Some("value");
    let tallies = published_by_region(&state, dimension.as_deref()).await?;
    let catalogue = &state.catalogue;
    let mut rows = Vec::new();
    let mut spots = Vec::new();
    let mut placed: Vec<(&String, &Tally)> = tallies.iter().collect();
    placed.sort_by(|a, b| b.1.projects.cmp(&a.1.projects).then(a.0.cmp(b.0)));
    for (code, tally) in placed {
        let Some(region) = catalogue.region(code) else {
            continue;
        };
        let projects = projects_count(lang, tally.projects);
        let value = lang.rupiah_at_a_glance(tally.rupiah);
        spots.push(Spot {
            code: code.clone(),
            lat: region.lat,
            lng: region.lng,
            measure: if by_value {
                tally.rupiah.to_f64().unwrap_or(0.0)
            } else {
                tally.projects as f64
            },
            title: format!("{}: {projects}, {value}", region.name),
        });
        rows.push(MapRow {
            code: code.clone(),
            name: region.name.clone(),
            province: province_name(catalogue, &region.province_code),
            projects: lang.integer(i64::try_from(tally.projects).unwrap_or(i64::MAX)),
            value,
        });
    }
    let mut provinces: Vec<(String, f64, f64)> = catalogue
        .regions()
        .filter(|(code, _)| catalogue.is_province(code))
        .map(|(_, p)| (p.name.clone(), p.lat, p.lng))
        .collect();
    provinces.sort_by(|a, b| a.0.cmp(&b.0));
    let svg = map_svg(&spots, &provinces, &page.t("region_map.title"));
    let dimensions = catalogue
        .dimension_rows()
        .map(|d| {
            let chosen = dimension.as_deref() == Some(d.code.as_str());
            (
                d.code.clone(),
                lang.pick(&d.name_id, &d.name_en).to_owned(),
                chosen,
            )
        })
        .collect();
    Ok(html(
        StatusCode::OK,
        MapPage {
            page,
            dimensions,
            by_value,
            svg,
            rows,
        }
        .render(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_corners_of_indonesia_fall_on_the_corners_of_the_map() {
        assert_eq!(position(NORTH, WEST), (0.0, 0.0));
        assert_eq!(position(SOUTH, EAST), (920.0, 340.0));
        // Kota Palopo, about 3°S 120°E, is in the middle band.
        let (x, y) = position(-3.0, 120.2);
        assert!((500.0..510.0).contains(&x) && (175.0..185.0).contains(&y));
    }
}
