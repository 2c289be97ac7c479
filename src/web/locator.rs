//! The locator map on a project's pages: the project's regency or city filled inside its
//! province, with a marker at the project's point, drawn on the server as SVG so that it works
//! offline and without JavaScript (the coordinates stay written beside it).

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::{Arc, LazyLock, RwLock};

use serde::Deserialize;

use super::charts::escape;
use super::i18n::Lang;
use crate::reference::Catalogue;
use crate::services::projects::{Location, Project};

const PROVINCE_OUTLINES: &str = include_str!("../../data/reference/id_provinces_outline.geojson");
const REGENCY_OUTLINES: &str = include_str!("../../data/reference/id_regencies_outline.geojson");

/// The drawing's size in SVG units; it scales to the page's width, a phone's included.
const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 240.0;
/// The room left around the province on each side, as a share of its longer extent.
const MARGIN: f64 = 0.06;
/// The least room in degrees, so that a view around a single point still has a size.
const MIN_MARGIN: f64 = 0.05;

/// A closed ring of [longitude, latitude] points.
pub(crate) type Ring = Vec<[f64; 2]>;

/// The little of GeoJSON the shipped outlines use.
#[derive(Deserialize)]
struct FeatureCollection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    properties: Properties,
    geometry: Geometry,
}

#[derive(Deserialize)]
struct Properties {
    code: String,
}

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Ring>),
    MultiPolygon(Vec<Vec<Ring>>),
}

/// Every province's and regency's rings by Kemendagri code (`73` and `73.73` never collide).
/// Outer rings and holes are kept together: the paths are filled even-odd, which cuts the
/// holes out. Parsed on first use rather than with the catalogue, which every start builds.
static OUTLINES: LazyLock<HashMap<String, Vec<Ring>>> = LazyLock::new(|| {
    [PROVINCE_OUTLINES, REGENCY_OUTLINES]
        .into_iter()
        .flat_map(|text| {
            serde_json::from_str::<FeatureCollection>(text)
                .expect("the shipped outlines are GeoJSON polygons")
                .features
        })
        .map(|feature| {
            let rings = match feature.geometry {
                Geometry::Polygon(rings) => rings,
                Geometry::MultiPolygon(polygons) => polygons.into_iter().flatten().collect(),
            };
            (feature.properties.code, rings)
        })
        .collect()
});

/// The outline of a province or regency (its rings, holes included), by Kemendagri code.
pub(crate) fn outline(code: &str) -> Option<&'static [Ring]> {
    OUTLINES.get(code).map(Vec::as_slice)
}

/// The locator map of a region's own page: the region filled inside its province (a province
/// alone), labelled with its place; `None` without an outline to draw.
pub(crate) fn region_map(lang: Lang, catalogue: &Catalogue, code: &str) -> Option<String> {
    let region = catalogue.region(code)?;
    let place = match catalogue.region(&region.province_code) {
        Some(province) if region.province_code != code => {
            format!("{}, {}", region.name, province.name)
        }
        _ => region.name.clone(),
    };
    let label = rust_i18n::t!(
        "region_page.location_map",
        locale = lang.code(),
        place = place
    );
    let drawing = drawing_of(code, &region.province_code)?;
    Some(drawing.svg(&label, ""))
}

/// The locator map of a project with a location, labelled with its place in the page's
/// language; `None` without a location or an outline to draw.
pub(crate) fn location_map(lang: Lang, catalogue: &Catalogue, project: &Project) -> Option<String> {
    let point = project.location?;
    let region = catalogue.region(&project.region)?;
    let place = match catalogue.region(&region.province_code) {
        Some(province) if region.province_code != project.region => {
            format!("{}, {}", region.name, province.name)
        }
        _ => region.name.clone(),
    };
    let label = rust_i18n::t!(
        "project.location_map",
        locale = lang.code(),
        place = place,
        coordinates = super::place(project).unwrap_or_default()
    );
    locator_svg(&project.region, &region.province_code, point, &label)
}

/// A region's outlines drawn in its province's frame: the same on every view of its projects'
/// pages, so drawn once per region (at most the 552 of the shipped outlines).
struct Drawing {
    frame: Frame,
    /// The province's path (none for a province-wide project) and the region's.
    province_path: Option<String>,
    region_path: String,
}

impl Drawing {
    /// The region's outlines framed around its province's, and around `point` when one is given.
    fn new(region: &str, province: &str, point: Option<Location>) -> Option<Drawing> {
        let province_rings = OUTLINES.get(province)?;
        let region_rings = OUTLINES.get(region)?;
        let frame = Frame::around(province_rings, point);
        Some(Drawing {
            province_path: (region != province).then(|| frame.path(province_rings)),
            region_path: frame.path(region_rings),
            frame,
        })
    }
}

static DRAWINGS: LazyLock<RwLock<HashMap<String, Arc<Drawing>>>> = LazyLock::new(RwLock::default);

/// The region's drawing in its province's frame, drawn on first use.
fn drawing_of(region: &str, province: &str) -> Option<Arc<Drawing>> {
    if let Some(drawn) = DRAWINGS.read().ok()?.get(region) {
        return Some(drawn.clone());
    }
    let drawn = Arc::new(Drawing::new(region, province, None)?);
    if let Ok(mut drawings) = DRAWINGS.write() {
        drawings.insert(region.to_owned(), drawn.clone());
    }
    Some(drawn)
}

/// The province (lighter) framing the region (filled), and a ring at `point`, hollow so that a
/// city smaller than it still shows inside. The point is drawn wherever it lies: a point outside
/// the province's frame gets a wider view of its own rather than be left out.
fn locator_svg(region: &str, province: &str, point: Location, label: &str) -> Option<String> {
    let mut drawing = drawing_of(region, province)?;
    if !drawing.frame.shows(point) {
        drawing = Arc::new(Drawing::new(region, province, Some(point))?);
    }
    let (x, y) = drawing.frame.project(point.lng, point.lat);
    let marker = format!(
        r##"<g fill="none"><circle cx="{x:.1}" cy="{y:.1}" r="7" stroke="#1f2933" stroke-width="4"/><circle cx="{x:.1}" cy="{y:.1}" r="7" stroke="#f0b429" stroke-width="2"/></g>"##
    );
    Some(drawing.svg(label, &marker))
}

impl Drawing {
    /// The province (lighter) framing the region (filled), with `marker` drawn over them.
    fn svg(&self, label: &str, marker: &str) -> String {
        let mut svg = format!(
            r##"<svg class="locator" role="img" aria-label="{label}" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg"><title>{label}</title><rect width="{WIDTH}" height="{HEIGHT}" fill="#eef5f7"/>"##,
            label = escape(label)
        );
        if let Some(province_path) = &self.province_path {
            svg.push_str(&format!(
                r##"<path d="{province_path}" fill="#d3e6e4" stroke="#7b8794" stroke-width="0.6" fill-rule="evenodd"/>"##,
            ));
        }
        svg.push_str(&format!(
            r##"<path d="{}" fill="#0b7a75" stroke="#fff" stroke-width="0.6" fill-rule="evenodd"/>{marker}</svg>"##,
            self.region_path
        ));
        svg
    }
}

/// An equirectangular view fitted and centred in a drawing, east-west distances shortened by
/// the cosine of its middle latitude so that shapes keep their proportions.
pub(crate) struct Frame {
    /// The drawing's size in SVG units.
    width: f64,
    height: f64,
    west: f64,
    north: f64,
    /// Drawing units per degree of longitude and of latitude.
    x_scale: f64,
    y_scale: f64,
    /// The blank space left and above that centres the view.
    x_offset: f64,
    y_offset: f64,
}

impl Frame {
    /// The locator's view of the rings and the point, if any, with a margin around them.
    fn around(rings: &[Ring], point: Option<Location>) -> Frame {
        let corners = point.map(|p| [p.lng, p.lat]);
        Frame::fitted(
            rings.iter().flatten().chain(corners.iter()).copied(),
            WIDTH,
            HEIGHT,
        )
    }

    /// The view of these [longitude, latitude] points, with a margin around them, in a drawing
    /// of this size.
    pub(crate) fn fitted(
        points: impl IntoIterator<Item = [f64; 2]>,
        drawing_width: f64,
        drawing_height: f64,
    ) -> Frame {
        let (mut west, mut east) = (f64::INFINITY, f64::NEG_INFINITY);
        let (mut south, mut north) = (f64::INFINITY, f64::NEG_INFINITY);
        for [lng, lat] in points {
            (west, east) = (west.min(lng), east.max(lng));
            (south, north) = (south.min(lat), north.max(lat));
        }
        let margin = ((east - west).max(north - south) * MARGIN).max(MIN_MARGIN);
        let (west, east, south, north) =
            (west - margin, east + margin, south - margin, north + margin);
        let shrink = ((north + south) / 2.0).to_radians().cos();
        let (width, height) = ((east - west) * shrink, north - south);
        let scale = (drawing_width / width).min(drawing_height / height);
        Frame {
            width: drawing_width,
            height: drawing_height,
            west,
            north,
            x_scale: scale * shrink,
            y_scale: scale,
            x_offset: (drawing_width - width * scale) / 2.0,
            y_offset: (drawing_height - height * scale) / 2.0,
        }
    }

    /// Whether the point falls inside the drawing.
    fn shows(&self, point: Location) -> bool {
        let (x, y) = self.project(point.lng, point.lat);
        (0.0..=self.width).contains(&x) && (0.0..=self.height).contains(&y)
    }

    /// The drawing's width and height.
    pub(crate) fn size(&self) -> (f64, f64) {
        (self.width, self.height)
    }

    /// Where a longitude and latitude fall in the drawing.
    pub(crate) fn project(&self, lng: f64, lat: f64) -> (f64, f64) {
        (
            self.x_offset + (lng - self.west) * self.x_scale,
            self.y_offset + (self.north - lat) * self.y_scale,
        )
    }

    /// The rings as one path in tenths of a unit, to keep the page small: points that round
    /// onto the one before are left out, and so are rings too small to show at this scale.
    pub(crate) fn path(&self, rings: &[Ring]) -> String {
        let mut d = String::new();
        for ring in rings {
            let mut tenths: Vec<(i64, i64)> = Vec::with_capacity(ring.len());
            for &[lng, lat] in ring {
                let (x, y) = self.project(lng, lat);
                let point = ((x * 10.0).round() as i64, (y * 10.0).round() as i64);
                if tenths.last() != Some(&point) {
                    tenths.push(point);
                }
            }
            if tenths.len() > 1 && tenths.first() == tenths.last() {
                tenths.pop();
            }
            if tenths.len() < 3 {
                continue;
            }
            for (i, (x, y)) in tenths.into_iter().enumerate() {
                d.push_str(if i == 0 { "M" } else { " " });
                write_tenths(&mut d, x);
                d.push(' ');
                write_tenths(&mut d, y);
            }
            d.push('Z');
        }
        d
    }
}

/// Writes a number of tenths as a decimal (`-12.3`, `7`) from integers, which format much
/// faster than floats: an outline has thousands of them, drawn on every page view.
fn write_tenths(d: &mut String, tenths: i64) {
    let sign = if tenths < 0 { "-" } else { "" };
    let (whole, tenth) = (tenths.abs() / 10, tenths.abs() % 10);
    let _ = if tenth == 0 {
        write!(d, "{sign}{whole}")
    } else {
        write!(d, "{sign}{whole}.{tenth}")
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    const PALOPO: Location = Location {
        lat: -2.99,
        lng: 120.19,
    };

    /// The marker's centre, read back from the drawing.
    fn marker(svg: &str) -> (f64, f64) {
        let number = |name: &str| -> f64 {
            let start = svg.find(&format!(r#"{name}=""#)).expect(name) + name.len() + 2;
            let end = start + svg[start..].find('"').unwrap();
            svg[start..end].parse().unwrap()
        };
        (number("cx"), number("cy"))
    }

    fn inside_the_drawing((x, y): (f64, f64)) -> bool {
        (0.0..=WIDTH).contains(&x) && (0.0..=HEIGHT).contains(&y)
    }

    #[test]
    fn every_province_and_regency_of_the_catalogue_has_an_outline() {
        let catalogue = Catalogue::from_shipped_files().unwrap();
        let missing: Vec<&String> = catalogue
            .regions()
            .map(|(code, _)| code)
            .filter(|code| OUTLINES.get(*code).is_none_or(Vec::is_empty))
            .collect();
        assert!(missing.is_empty(), "no outline: {missing:?}");
        assert_eq!(OUTLINES.len(), 38 + 514);
    }

    #[test]
    fn a_city_is_filled_inside_its_province_with_the_marker_at_its_point() {
        let svg = locator_svg("73.73", "73", PALOPO, "Kota Palopo <& Sulawesi Selatan>").unwrap();
        assert!(
            svg.starts_with(r#"<svg class="locator" role="img""#),
            "{svg}"
        );
        assert!(svg.contains(r#"aria-label="Kota Palopo &lt;&amp; Sulawesi Selatan&gt;""#));
        assert!(svg.contains("<title>Kota Palopo &lt;&amp; Sulawesi Selatan&gt;</title>"));
        assert_eq!(svg.matches("<path d=\"M").count(), 2, "province and city");
        let (x, y) = marker(&svg);
        assert!(inside_the_drawing((x, y)), "({x}, {y})");
        // Sulawesi Selatan reaches far south (Selayar) and Palopo is near its northern end.
        assert!(y < HEIGHT / 3.0, "({x}, {y})");
        assert!(svg.len() < 40_000, "{} bytes", svg.len());
    }

    #[test]
    fn a_point_outside_its_region_is_drawn_all_the_same() {
        let jakarta = Location {
            lat: -6.2,
            lng: 106.8,
        };
        let svg = locator_svg("73.73", "73", jakarta, "Kota Palopo").unwrap();
        assert!(inside_the_drawing(marker(&svg)), "{svg}");
        assert_eq!(svg.matches("<path d=\"M").count(), 2);
    }

    #[test]
    fn a_province_wide_project_is_its_province_filled() {
        let svg = locator_svg("73", "73", PALOPO, "Sulawesi Selatan").unwrap();
        assert_eq!(svg.matches("<path d=\"M").count(), 1, "{svg}");
        assert!(svg.contains(r##"fill="#0b7a75""##));
    }

    #[test]
    fn tenths_are_written_as_decimals() {
        let mut d = String::new();
        for tenths in [123, -123, 70, -5, 0] {
            write_tenths(&mut d, tenths);
            d.push(' ');
        }
        assert_eq!(d, "12.3 -12.3 7 -0.5 0 ");
    }

    #[test]
    fn an_unknown_region_draws_nothing() {
        assert!(locator_svg("99.99", "99", PALOPO, "Nowhere").is_none());
    }
}
