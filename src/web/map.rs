//! The map of opportunities: every region with published projects drawn at its shipped centroid
//! on an SVG of Indonesia's extent, built on the server so that it works offline and without
//! JavaScript, with the same figures as a table.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, LazyLock, RwLock};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use askama::Template;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;

use super::charts::escape;
use super::i18n::Lang;
use super::locator::{self, Frame, Ring};
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

/// The drawing of all Indonesia, and of one province, in SVG units: both scale to the page's
/// width, a phone's included (where the list below the map is the readable view).
const COUNTRY: (f64, f64) = (960.0, 380.0);
const PROVINCE: (f64, f64) = (720.0, 540.0);
/// The least room between two circles, in SVG units.
const GAP: f64 = 1.5;

/// A region's circle: where it is drawn and how large, and where the region's centre is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Circle {
    pub x: f64,
    pub y: f64,
    pub r: f64,
    /// The region's centre, where the circle would be if nothing were in its way.
    pub home: (f64, f64),
}

impl Circle {
    fn at(x: f64, y: f64, r: f64) -> Circle {
        Circle {
            x,
            y,
            r,
            home: (x, y),
        }
    }

    fn overlaps(&self, other: &Circle) -> bool {
        (self.x - other.x).hypot(self.y - other.y) < self.r + other.r + GAP - 1e-6
    }
}

/// Moves the circles apart until none covers another (with [`GAP`] between them), each as
/// little as it can, and keeps them inside the drawing: pairs that overlap push each other
/// apart along the line between their centres (circles on one point part in directions spread
/// around it), over and over until all are clear.
pub(crate) fn place(circles: &mut [Circle], (width, height): (f64, f64)) {
    let n = circles.len();
    // Circles on one point start on a spiral around it (the largest in the middle), which
    // packs them closely before they push one another apart.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| circles[b].r.total_cmp(&circles[a].r));
    for (rank, &i) in order.iter().enumerate() {
        let home = circles[i].home;
        let before = order[..rank]
            .iter()
            .filter(|&&j| {
                let other = circles[j].home;
                (other.0 - home.0).hypot(other.1 - home.1) < 0.5
            })
            .count();
        if before > 0 {
            let angle = before as f64 * 2.399_963;
            let distance = (before as f64).sqrt() * circles[i].r * 1.6;
            circles[i].x = home.0 + distance * angle.cos();
            circles[i].y = home.1 + distance * angle.sin();
        }
    }
    for round in 0..2000 {
        let mut moved = false;
        for i in 0..n {
            for j in i + 1..n {
                let (a, b) = (circles[i], circles[j]);
                if !a.overlaps(&b) {
                    continue;
                }
                let (dx, dy) = (b.x - a.x, b.y - a.y);
                let distance = dx.hypot(dy);
                let (ux, uy) = if distance < 1e-6 {
                    // The golden angle spreads circles that share a point all around it.
                    let angle = (j + round) as f64 * 2.399_963;
                    (angle.cos(), angle.sin())
                } else {
                    (dx / distance, dy / distance)
                };
                // A little more than needed, so that the pair is clear, not just touching.
                let push = (a.r + b.r + GAP - distance) / 2.0 + 0.01;
                circles[i].x -= ux * push;
                circles[i].y -= uy * push;
                circles[j].x += ux * push;
                circles[j].y += uy * push;
                moved = true;
            }
        }
        for c in circles.iter_mut() {
            c.x = c.x.clamp(c.r, (width - c.r).max(c.r));
            c.y = c.y.clamp(c.r, (height - c.r).max(c.r));
        }
        if !moved {
            return;
        }
    }
}

/// A region as the map draws it.
struct Spot {
    code: String,
    lat: f64,
    lng: f64,
    /// What the circle's area stands for (number of projects or value).
    measure: f64,
    /// The number written in the circle.
    projects: usize,
    /// The region's name, written beside its circle on a province's map.
    name: String,
    /// The tooltip.
    title: String,
}

/// A province's outline already drawn in a frame: the same on every view, so drawn once.
struct Shape {
    code: String,
    name: String,
    path: String,
    /// Where its name goes: its centre in the catalogue.
    label_at: (f64, f64),
}

/// The outlines under the circles: all provinces for Indonesia, or one province and its
/// regencies and cities.
struct Base {
    frame: Frame,
    shapes: Vec<Shape>,
}

impl Base {
    /// Every province's outline, framed around them all.
    fn country(catalogue: &Catalogue) -> Option<Base> {
        let provinces: Vec<(&String, &crate::reference::RegionRef)> = catalogue
            .regions()
            .filter(|(code, _)| catalogue.is_province(code))
            .collect();
        let rings: Vec<&'static [Ring]> = provinces
            .iter()
            .map(|(code, _)| locator::outline(code))
            .collect::<Option<_>>()?;
        let frame = Frame::fitted(
            rings.iter().flat_map(|r| r.iter().flatten().copied()),
            COUNTRY.0,
            COUNTRY.1,
        );
        let shapes = provinces
            .iter()
            .zip(rings)
            .map(|((code, p), rings)| Shape {
                code: (*code).clone(),
                name: p.name.clone(),
                path: frame.path(rings),
                label_at: frame.project(p.lng, p.lat),
            })
            .collect();
        Some(Base { frame, shapes })
    }

    /// One province's outline framing its regencies' and cities' (the first shape is the
    /// province).
    fn province(catalogue: &Catalogue, code: &str) -> Option<Base> {
        let province = catalogue.region(code)?;
        let rings = locator::outline(code)?;
        let frame = Frame::fitted(rings.iter().flatten().copied(), PROVINCE.0, PROVINCE.1);
        let mut shapes = vec![Shape {
            code: code.to_owned(),
            name: province.name.clone(),
            path: frame.path(rings),
            label_at: frame.project(province.lng, province.lat),
        }];
        for (regency_code, regency) in catalogue.regions() {
            if regency.province_code != code || regency_code == code {
                continue;
            }
            if let Some(rings) = locator::outline(regency_code) {
                shapes.push(Shape {
                    code: regency_code.clone(),
                    name: regency.name.clone(),
                    path: frame.path(rings),
                    label_at: frame.project(regency.lng, regency.lat),
                });
            }
        }
        Some(Base { frame, shapes })
    }
}

/// The drawn outlines by province code ("" for all Indonesia), drawn on first use.
static BASES: LazyLock<RwLock<HashMap<String, Arc<Base>>>> = LazyLock::new(RwLock::default);

fn base_of(catalogue: &Catalogue, province: Option<&str>) -> Option<Arc<Base>> {
    let key = province.unwrap_or_default();
    if let Some(drawn) = BASES.read().ok()?.get(key) {
        return Some(drawn.clone());
    }
    let drawn = Arc::new(match province {
        None => Base::country(catalogue)?,
        Some(code) => Base::province(catalogue, code)?,
    });
    if let Ok(mut bases) = BASES.write() {
        bases.insert(key.to_owned(), drawn.clone());
    }
    Some(drawn)
}

/// A box that a label takes, to keep labels from covering one another.
#[derive(Clone, Copy)]
struct Room {
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

impl Room {
    /// The room of a text of `chars` characters at `size`, anchored at its middle or start.
    fn of_text(x: f64, y: f64, chars: usize, size: f64, middle: bool) -> Room {
        let width = chars as f64 * size * 0.55;
        let left = if middle { x - width / 2.0 } else { x };
        Room {
            left,
            top: y - size,
            right: left + width,
            bottom: y + size * 0.3,
        }
    }

    fn of_circle(c: &Circle) -> Room {
        Room {
            left: c.x - c.r,
            top: c.y - c.r,
            right: c.x + c.r,
            bottom: c.y + c.r,
        }
    }

    fn meets(&self, other: &Room) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top < other.bottom
            && other.top < self.bottom
    }
}

/// The text style of the map's labels: dark on a white halo, which reads (over 4.5:1) on the
/// sea, on the land and on the edge of a circle alike.
const LABEL: &str = r##"fill="#1f2933" stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke""##;

/// The SVG: the outlines (provinces of Indonesia, or one province and its regencies), each a
/// link to its own map or page for a pointer (the list below the map serves the keyboard), the
/// names of the provinces, and a circle per region whose area follows its measure, moved apart
/// where circles would cover one another (a thin line then leads to the region's centre), with
/// its number of projects in it, each a link to the region's page.
fn map_svg(
    base: &Base,
    spots: &[Spot],
    province: Option<&str>,
    label: &str,
    link: &dyn Fn(Option<&str>) -> String,
) -> String {
    let (width, height) = base.frame.size();
    let mut svg = format!(
        r##"<svg class="map" role="group" aria-label="{}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg"><rect width="{width}" height="{height}" fill="#eef5f7"/>"##,
        escape(label)
    );
    for (i, shape) in base.shapes.iter().enumerate() {
        let (href, fill) = match province {
            None => (link(Some(&shape.code)), "#d3e6e4"),
            Some(_) if i == 0 => (String::new(), "#d3e6e4"),
            Some(_) => (format!("/regions/{}", shape.code), "#e4efed"),
        };
        let path = format!(
            r##"<path d="{}" fill="{fill}" stroke="#7b8794" stroke-width="0.6" fill-rule="evenodd"><title>{}</title></path>"##,
            shape.path,
            escape(&shape.name)
        );
        if href.is_empty() {
            svg.push_str(&path);
        } else {
            svg.push_str(&format!(
                r#"<a href="{}" tabindex="-1" aria-hidden="true">{path}</a>"#,
                escape(&href)
            ));
        }
    }
    let largest = spots.iter().map(|s| s.measure).fold(0.0, f64::max);
    let (least, most) = if province.is_some() {
        (10.0, 30.0)
    } else {
        (8.0, 22.0)
    };
    let mut circles: Vec<Circle> = spots
        .iter()
        .map(|spot| {
            let (x, y) = base.frame.project(spot.lng, spot.lat);
            let share = if largest > 0.0 {
                spot.measure / largest
            } else {
                0.0
            };
            Circle::at(x, y, least + (most - least) * share.sqrt())
        })
        .collect();
    place(&mut circles, (width, height));
    let mut taken: Vec<Room> = circles.iter().map(Room::of_circle).collect();
    // The provinces' names (only on the map of Indonesia): those with projects first, always
    // written; the others where they cover no name already written.
    if province.is_none() {
        let with_projects = |code: &str| spots.iter().any(|s| s.code.starts_with(code));
        let mut names: Vec<&Shape> = base.shapes.iter().collect();
        names.sort_by_key(|s| !with_projects(&s.code));
        let mut written: Vec<Room> = Vec::new();
        for shape in names {
            let (x, y) = shape.label_at;
            let x = x.clamp(40.0, width - 40.0);
            let room = Room::of_text(x, y, shape.name.chars().count(), 10.0, true);
            if !with_projects(&shape.code) && written.iter().any(|w| w.meets(&room)) {
                continue;
            }
            written.push(room);
            svg.push_str(&format!(
                r##"<a href="{href}"><text x="{x:.1}" y="{y:.1}" font-size="10" text-anchor="middle" {LABEL}>{name}</text></a>"##,
                href = escape(&link(Some(&shape.code))),
                name = escape(&shape.name),
            ));
        }
    }
    for circle in &circles {
        let (hx, hy) = circle.home;
        if (circle.x - hx).hypot(circle.y - hy) > circle.r / 2.0 {
            svg.push_str(&format!(
                r##"<line x1="{hx:.1}" y1="{hy:.1}" x2="{:.1}" y2="{:.1}" stroke="#1f2933" stroke-width="0.8" aria-hidden="true"/><circle cx="{hx:.1}" cy="{hy:.1}" r="1.6" fill="#1f2933" aria-hidden="true"/>"##,
                circle.x, circle.y
            ));
        }
    }
    // Large circles first, so that a label of a small one is not drawn under a large one.
    let mut order: Vec<usize> = (0..spots.len()).collect();
    order.sort_by(|&a, &b| circles[b].r.total_cmp(&circles[a].r));
    for i in order {
        let (circle, spot) = (&circles[i], &spots[i]);
        let font = (circle.r * 0.9).min(13.0);
        let mut name = String::new();
        if province.is_some() {
            let (x, y) = (circle.x + circle.r + 3.0, circle.y + 4.0);
            let room = Room::of_text(x, y, spot.name.chars().count(), 12.0, false);
            let clear = room.right <= width
                && !taken
                    .iter()
                    .enumerate()
                    .any(|(j, t)| j != i && t.meets(&room));
            if clear {
                taken.push(room);
                name = format!(
                    r##"<text x="{x:.1}" y="{y:.1}" font-size="12" {LABEL} aria-hidden="true">{}</text>"##,
                    escape(&spot.name)
                );
            }
        }
        svg.push_str(&format!(
            r##"<a href="/regions/{code}" aria-label="{title}"><circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" fill="#0b7a75" stroke="#fff" stroke-width="1.5" data-region="{code}"><title>{title}</title></circle><text x="{x:.1}" y="{ty:.1}" font-size="{font:.1}" fill="#fff" text-anchor="middle" aria-hidden="true">{count}</text>{name}</a>"##,
            code = escape(&spot.code),
            title = escape(&spot.title),
            x = circle.x,
            y = circle.y,
            r = circle.r,
            ty = circle.y + font * 0.35,
            count = spot.projects,
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
    /// A province's code, to draw that province alone with its regencies and cities.
    province: Option<String>,
}

/// A province in the list of those with projects, a link to its own map.
struct ProvinceLink {
    href: String,
    name: String,
    projects: String,
    /// Whether it is the province drawn.
    current: bool,
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
    /// The province drawn alone, with the link back to all Indonesia.
    province: Option<(String, String)>,
    /// The province's code for the form to keep; empty for all Indonesia.
    province_code: String,
    /// The provinces with projects, each a link to its map.
    provinces: Vec<ProvinceLink>,
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
    let catalogue = &state.catalogue;
    let province = query.province.filter(|p| !p.is_empty());
    if let Some(code) = &province
        && !catalogue.is_province(code)
    {
        return Err(AppError::validation("province", "is not a province"));
    }
    let tallies = published_by_region(&state, dimension.as_deref()).await?;
    // A map's address with the same filters.
    let link = |province: Option<&str>| {
        let mut pairs = Vec::new();
        if let Some(d) = &dimension {
            pairs.push(format!("dimension={d}"));
        }
        if by_value {
            pairs.push("size=value".to_owned());
        }
        if let Some(p) = province {
            pairs.push(format!("province={p}"));
        }
        match pairs.is_empty() {
            true => "/map".to_owned(),
            false => format!("/map?{}", pairs.join("&")),
        }
    };
    let mut rows = Vec::new();
    let mut spots = Vec::new();
    let mut per_province: BTreeMap<String, usize> = BTreeMap::new();
    let mut placed: Vec<(&String, &Tally)> = tallies.iter().collect();
    placed.sort_by(|a, b| b.1.projects.cmp(&a.1.projects).then(a.0.cmp(b.0)));
    for (code, tally) in placed {
        let Some(region) = catalogue.region(code) else {
            continue;
        };
        *per_province
            .entry(region.province_code.clone())
            .or_default() += tally.projects;
        if province
            .as_ref()
            .is_some_and(|p| *p != region.province_code)
        {
            continue;
        }
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
            projects: tally.projects,
            name: region.name.clone(),
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
    let mut provinces: Vec<ProvinceLink> = per_province
        .iter()
        .map(|(code, count)| ProvinceLink {
            href: link(Some(code)),
            name: province_name(catalogue, code),
            projects: projects_count(lang, *count),
            current: province.as_ref() == Some(code),
        })
        .collect();
    provinces.sort_by(|a, b| a.name.cmp(&b.name));
    let shown = province
        .as_ref()
        .map(|code| (province_name(catalogue, code), link(None)));
    let label = match &shown {
        Some((name, _)) => format!("{}: {name}", page.t("region_map.title")),
        None => page.t("region_map.title"),
    };
    let svg = base_of(catalogue, province.as_deref())
        .map(|base| map_svg(&base, &spots, province.as_deref(), &label, &link))
        .unwrap_or_default();
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
            province_code: province.clone().unwrap_or_default(),
            province: shown,
            provinces,
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

    fn clear_of_one_another(circles: &[Circle]) -> bool {
        circles.iter().enumerate().all(|(i, a)| {
            circles[i + 1..]
                .iter()
                .all(|b| (a.x - b.x).hypot(a.y - b.y) >= a.r + b.r + GAP - 1e-3)
        })
    }

    fn inside(circles: &[Circle], (width, height): (f64, f64)) -> bool {
        circles.iter().all(|c| {
            c.x - c.r >= -1e-6
                && c.x + c.r <= width + 1e-6
                && c.y - c.r >= -1e-6
                && c.y + c.r <= height + 1e-6
        })
    }

    #[test]
    fn circles_on_one_point_are_moved_apart_around_it() {
        let mut circles: Vec<Circle> = (0..12)
            .map(|i| Circle::at(480.0, 190.0, 8.0 + f64::from(i)))
            .collect();
        place(&mut circles, COUNTRY);
        assert!(clear_of_one_another(&circles), "{circles:?}");
        assert!(inside(&circles, COUNTRY));
        // They stay near where they belong.
        assert!(
            circles
                .iter()
                .all(|c| (c.x - 480.0).hypot(c.y - 190.0) < 120.0),
            "{circles:?}"
        );
    }

    #[test]
    fn circles_in_a_corner_stay_inside_the_drawing_and_clear() {
        let mut circles: Vec<Circle> = (0..20)
            .map(|i| Circle::at(f64::from(i % 3), f64::from(i % 4), 10.0))
            .collect();
        place(&mut circles, COUNTRY);
        assert!(clear_of_one_another(&circles), "{circles:?}");
        assert!(inside(&circles, COUNTRY), "{circles:?}");
    }

    #[test]
    fn circles_already_apart_are_left_where_they_are() {
        let mut circles = vec![
            Circle::at(100.0, 100.0, 10.0),
            Circle::at(200.0, 100.0, 20.0),
        ];
        let before = circles.clone();
        place(&mut circles, COUNTRY);
        assert_eq!(circles, before);
    }

    #[test]
    fn every_region_with_projects_gets_a_clear_circle_on_the_map_of_indonesia() {
        let catalogue = Catalogue::from_shipped_files().unwrap();
        let base = base_of(&catalogue, None).unwrap();
        assert_eq!(base.shapes.len(), 38, "every province is outlined");
        // Every regency and city at once, each as large as the largest: the worst crowding.
        let mut circles: Vec<Circle> = catalogue
            .regions()
            .filter(|(code, _)| !catalogue.is_province(code))
            .take(120)
            .map(|(_, r)| {
                let (x, y) = base.frame.project(r.lng, r.lat);
                Circle::at(x, y, 8.0)
            })
            .collect();
        place(&mut circles, base.frame.size());
        assert!(clear_of_one_another(&circles));
        assert!(inside(&circles, base.frame.size()));
    }

    fn spot(code: &str, projects: usize) -> Spot {
        Spot {
            code: code.to_owned(),
            lat: -2.99,
            lng: 120.19,
            measure: projects as f64,
            projects,
            name: format!("Region {code}"),
            title: format!("Region {code} & co"),
        }
    }

    #[test]
    fn a_provinces_map_outlines_its_regencies_and_names_its_circles() {
        let catalogue = Catalogue::from_shipped_files().unwrap();
        let base = base_of(&catalogue, Some("73")).unwrap();
        let regencies = catalogue
            .regions()
            .filter(|(code, r)| r.province_code == "73" && code.as_str() != "73")
            .count();
        assert_eq!(
            base.shapes.len(),
            1 + regencies,
            "the province and its regencies"
        );
        let spots = [spot("73.73", 3), spot("73.22", 1)];
        let svg = map_svg(&base, &spots, Some("73"), "Sulawesi Selatan", &|p| {
            format!("/map?province={}", p.unwrap_or_default())
        });
        assert_eq!(svg.matches("<path d=\"M").count(), 1 + regencies, "{svg}");
        assert!(svg.contains(r#"<a href="/regions/73.09" tabindex="-1" aria-hidden="true">"#));
        assert!(
            svg.contains(">Region 73.73</text>"),
            "the circle's name: {svg}"
        );
        assert!(svg.contains(r#"aria-label="Region 73.73 &amp; co""#));
        assert!(svg.contains(">3</text>"), "the number of projects");
        // Both regions sit on one point here: the larger keeps it, the smaller moves aside
        // with a line back to its centre.
        assert_eq!(svg.matches("<line ").count(), 1, "{svg}");
    }

    #[test]
    fn the_map_of_indonesia_links_each_province_to_its_own_map() {
        let catalogue = Catalogue::from_shipped_files().unwrap();
        let base = base_of(&catalogue, None).unwrap();
        let svg = map_svg(&base, &[spot("73.73", 1)], None, "Indonesia", &|p| {
            format!("/map?province={}", p.unwrap_or_default())
        });
        assert_eq!(svg.matches("<path d=\"M").count(), 38);
        assert!(svg.contains(r#"<a href="/map?province=73"><text"#), "{svg}");
        assert!(svg.contains(">Sulawesi Selatan</text>"));
        assert!(!svg.contains("#9aa5b1"), "no pale labels");
        assert!(svg.len() < 300_000, "{} bytes", svg.len());
    }
}
