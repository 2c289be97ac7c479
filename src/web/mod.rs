//! The pages people use in the browser: server-rendered HTML from `templates/pages/`, in
//! Indonesian and English, working without JavaScript.

pub mod i18n;

use std::sync::LazyLock;

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use askama::Template;
use rust_decimal::Decimal;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use self::i18n::{COOKIE, Lang};
use crate::api::projects::{Project, ProjectQuery, ProjectSort, Search, load_visible};
use crate::domain::{Currency, Money};
use crate::error::AppError;
use crate::matchmaker::{rates, to_usd};
use crate::models::investor::{self, InvestorFilter};
use crate::startup::AppState;

const CSS: &str = include_str!("../../static/app.css");

/// The stylesheet's address, named by its content so that it can be cached for good.
static CSS_PATH: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest(CSS.as_bytes());
    let hash: String = digest[..5].iter().map(|b| format!("{b:02x}")).collect();
    format!("/static/app.{hash}.css")
});

/// The page routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/opportunities", web::get().to(opportunities))
        .route("/opportunities/{id}", web::get().to(opportunity))
        .route("/language", web::get().to(language))
        .route("/static/{file}", web::get().to(stylesheet));
}

/// What every page's layout needs.
pub struct Page {
    pub lang: Lang,
    pub css: &'static str,
    /// This page's address, for the language switch to come back to (URL-encoded).
    pub back: String,
}

impl Page {
    fn of(req: &HttpRequest) -> Self {
        let here = match req.query_string() {
            "" => req.path().to_owned(),
            query => format!("{}?{query}", req.path()),
        };
        Page {
            lang: Lang::of(req),
            css: CSS_PATH.as_str(),
            back: percent_encode(&here),
        }
    }

    /// A message in the page's language.
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn html(status: StatusCode, body: Result<String, askama::Error>) -> HttpResponse {
    match body {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "a page could not be rendered");
            HttpResponse::InternalServerError().body("internal error")
        }
    }
}

#[derive(Template)]
#[template(path = "pages/error.html")]
struct ErrorPage<'a> {
    page: Page,
    code: &'a str,
    message: String,
}

/// An error as a page, with the same status and stable code as the API's.
pub fn error_page(req: &HttpRequest, error: &AppError) -> HttpResponse {
    let page = Page::of(req);
    let message = match error {
        AppError::NotFound(_) => page.t("error.not_found"),
        AppError::Internal(_) | AppError::Unavailable(_) => page.t("error.title"),
        other => other.to_string(),
    };
    html(
        error.status_code(),
        ErrorPage {
            code: error.code(),
            message,
            page,
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "pages/home.html")]
struct Home {
    page: Page,
    projects: String,
    value: String,
    regions: String,
    investors: String,
    dimensions: Vec<(String, usize)>,
    chart: String,
}

/// Published projects, at most this many, behind the home page's figures.
const HOME_SAMPLE: i64 = 100_000;

async fn home(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let page = Page::of(&req);
    let catalogue = state.catalogue.clone();
    let query = ProjectQuery::default();
    let figures = state
        .db
        .run(move |conn| {
            let search = Search::from_query(&catalogue, None, &query)?;
            let (projects, total) = search.run(conn, &catalogue, None, 0, HOME_SAMPLE)?;
            let rates = rates(conn)?;
            let filter = InvestorFilter {
                verified: Some(true),
                ..InvestorFilter::default()
            };
            let (_, investors) = investor::list(conn, &filter, 0, 1)?;
            Ok((projects, total, rates, investors))
        })
        .await;
    let (projects, total, rates, investors) = match figures {
        Ok(f) => f,
        Err(e) => return error_page(&req, &e),
    };
    let usd: f64 = projects
        .iter()
        .filter_map(|p| Money::from_json(&p.value).ok())
        .filter_map(|m| to_usd(m, &rates))
        .sum();
    let idr_per_usd = rates.get("IDR").copied().unwrap_or(Decimal::ZERO);
    let idr = Decimal::from_f64_retain(usd).unwrap_or_default() * idr_per_usd;
    let mut regions: Vec<&str> = projects.iter().map(|p| p.region.as_str()).collect();
    regions.sort_unstable();
    regions.dedup();
    let dimensions: Vec<(String, usize)> = state
        .catalogue
        .dimension_rows()
        .map(|d| {
            let name = if page.lang == Lang::Id {
                &d.name_id
            } else {
                &d.name_en
            };
            let count = projects
                .iter()
                .filter(|p| p.dimensions.contains(&d.code))
                .count();
            (name.clone(), count)
        })
        .collect();
    let chart = bar_chart(&dimensions, &page.t("home.by_dimension"));
    let body = Home {
        projects: page.lang.integer(total),
        value: page.lang.money(idr.round(), "IDR"),
        regions: page.lang.integer(regions.len() as i64),
        investors: page.lang.integer(investors),
        dimensions,
        chart,
        page,
    }
    .render();
    html(StatusCode::OK, body)
}

/// A horizontal bar chart as SVG, readable without JavaScript (the numbers are in the table
/// beside it too).
fn bar_chart(bars: &[(String, usize)], label: &str) -> String {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let row = 28;
    let height = bars.len() * row + 10;
    let mut svg = format!(
        r#"<svg class="chart" role="img" aria-label="{}" viewBox="0 0 640 {height}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(label)
    );
    for (i, (name, count)) in bars.iter().enumerate() {
        let y = i * row + 5;
        let width = 380 * count / max;
        svg.push_str(&format!(
            r##"<text x="0" y="{}" font-size="13" fill="#1f2933">{}</text><rect x="220" y="{y}" width="{width}" height="20" fill="#0b7a75"><title>{}: {count}</title></rect><text x="{}" y="{}" font-size="13" fill="#1f2933">{count}</text>"##,
            y + 15,
            escape(name),
            escape(name),
            226 + width,
            y + 15,
        ));
    }
    svg.push_str("</svg>");
    svg
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An opportunity as a list shows it.
struct Card {
    id: String,
    title: String,
    region: String,
    value: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "pages/opportunities.html")]
struct Opportunities {
    page: Page,
    q: String,
    /// Code, name and whether it is chosen.
    provinces: Vec<(String, String, bool)>,
    dimension_names: Vec<(String, String, bool)>,
    sorts: Vec<(&'static str, &'static str, bool)>,
    found: String,
    items: Vec<Card>,
    page_label: String,
    previous: Option<String>,
    next: Option<String>,
}

const PER_PAGE: i64 = 20;

fn money_of(lang: Lang, p: &Project) -> String {
    match (
        p.value.amount.parse::<Decimal>(),
        Currency::parse(&p.value.currency),
    ) {
        (Ok(amount), Ok(_)) => lang.money(amount, &p.value.currency),
        _ => format!("{} {}", p.value.currency, p.value.amount),
    }
}

fn localized(lang: Lang, text: &crate::api::Localized) -> String {
    if lang == Lang::Id {
        text.id.clone()
    } else {
        text.en.clone()
    }
}

/// The list's address with another page number.
fn page_link(query: &ProjectQuery, page: i64) -> String {
    let mut url = reqwest::Url::parse("http://sepadan/opportunities").expect("a valid base");
    {
        let mut pairs = url.query_pairs_mut();
        for (key, value) in [
            ("q", &query.q),
            ("province", &query.province),
            ("dimension", &query.dimension),
        ] {
            if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
                pairs.append_pair(key, v);
            }
        }
        if let Some(sort) = query.sort {
            pairs.append_pair("sort", sort_code(sort));
        }
        pairs.append_pair("page", &page.to_string());
    }
    format!("/opportunities?{}", url.query().unwrap_or(""))
}

fn sort_code(sort: ProjectSort) -> &'static str {
    match sort {
        ProjectSort::Newest => "newest",
        ProjectSort::Value => "value",
        ProjectSort::Relevance => "relevance",
    }
}

async fn opportunities(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ProjectQuery>,
) -> HttpResponse {
    let page = Page::of(&req);
    let mut query = query.into_inner();
    // Empty form fields mean "any".
    for field in [&mut query.q, &mut query.province, &mut query.dimension] {
        if field.as_deref().is_some_and(str::is_empty) {
            *field = None;
        }
    }
    let number = query.page.unwrap_or(1).max(1);
    let catalogue = state.catalogue.clone();
    let search = match Search::from_query(&catalogue, None, &query) {
        Ok(search) => search,
        Err(e) => return error_page(&req, &e),
    };
    let found = state
        .db
        .run(move |conn| search.run(conn, &catalogue, None, (number - 1) * PER_PAGE, PER_PAGE))
        .await;
    let (projects, total) = match found {
        Ok(found) => found,
        Err(e) => return error_page(&req, &e),
    };
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let lang = page.lang;
    let items = projects
        .iter()
        .map(|p| {
            let description = localized(lang, &p.description);
            Card {
                id: p.id.clone(),
                title: localized(lang, &p.title),
                region: p.region_name.clone(),
                value: money_of(lang, p),
                summary: description.chars().take(220).collect(),
            }
        })
        .collect();
    let chosen = |value: &Option<String>, code: &str| value.as_deref() == Some(code);
    let mut provinces: Vec<(String, String, bool)> = state
        .catalogue
        .regions()
        .filter(|(code, _)| state.catalogue.is_province(code))
        .map(|(code, r)| (code.clone(), r.name.clone(), chosen(&query.province, code)))
        .collect();
    provinces.sort();
    let dimension_names = state
        .catalogue
        .dimension_rows()
        .map(|d| {
            let name = if lang == Lang::Id {
                &d.name_id
            } else {
                &d.name_en
            };
            (
                d.code.clone(),
                name.clone(),
                chosen(&query.dimension, &d.code),
            )
        })
        .collect();
    let sort = sort_code(query.sort.unwrap_or_default());
    let body = Opportunities {
        q: query.q.clone().unwrap_or_default(),
        provinces,
        dimension_names,
        sorts: [
            ("newest", "list.newest"),
            ("value", "list.value"),
            ("relevance", "list.relevance"),
        ]
        .into_iter()
        .map(|(code, key)| (code, key, code == sort))
        .collect(),
        found: rust_i18n::t!(
            "list.found",
            locale = lang.code(),
            count = lang.integer(total)
        )
        .into_owned(),
        items,
        page_label: rust_i18n::t!(
            "list.page",
            locale = lang.code(),
            page = number,
            pages = pages
        )
        .into_owned(),
        previous: (number > 1).then(|| page_link(&query, number - 1)),
        next: (number < pages).then(|| page_link(&query, number + 1)),
        page,
    }
    .render();
    html(StatusCode::OK, body)
}

#[derive(Template)]
#[template(path = "pages/opportunity.html")]
struct Opportunity {
    page: Page,
    title: String,
    description: String,
    region: String,
    value: String,
    stage: String,
    sectors: String,
    dimensions: String,
    instruments: String,
    published: Option<String>,
}

async fn opportunity(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let page = Page::of(&req);
    let catalogue = state.catalogue.clone();
    let id = id.into_inner();
    let found = state
        .db
        .run(move |conn| Ok(load_visible(conn, &catalogue, None, &id)?.0))
        .await;
    let project = match found {
        Ok(p) => p,
        Err(e) => return error_page(&req, &e),
    };
    let lang = page.lang;
    let dimension_names: Vec<String> = state
        .catalogue
        .dimension_rows()
        .filter(|d| project.dimensions.contains(&d.code))
        .map(|d| {
            if lang == Lang::Id {
                d.name_id.clone()
            } else {
                d.name_en.clone()
            }
        })
        .collect();
    let body = Opportunity {
        title: localized(lang, &project.title),
        description: localized(lang, &project.description),
        region: format!("{} ({})", project.region_name, project.region),
        value: money_of(lang, &project),
        stage: project.stage.replace('_', " "),
        sectors: project.sectors.join(", "),
        dimensions: dimension_names.join(", "),
        instruments: project.instruments.join(", ").replace('_', " "),
        published: project
            .published_at
            .map(|t| t.format("%Y-%m-%d").to_string()),
        page,
    }
    .render();
    html(StatusCode::OK, body)
}

/// A language choice from the switcher.
#[derive(Debug, Deserialize)]
struct LanguageChoice {
    set: String,
    back: Option<String>,
}

/// Remembers the chosen language in a cookie and goes back to the page (this site only).
async fn language(query: web::Query<LanguageChoice>) -> HttpResponse {
    let Some(lang) = Lang::parse(&query.set) else {
        return HttpResponse::BadRequest().body("unknown language");
    };
    let back = query
        .back
        .as_deref()
        .filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\'))
        .unwrap_or("/");
    let cookie = Cookie::build(COOKIE, lang.code())
        .path("/")
        .same_site(SameSite::Lax)
        .http_only(true)
        .max_age(CookieDuration::days(365))
        .finish();
    HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header(("Location", back))
        .finish()
}

/// The stylesheet, cached for a year under its content-named address.
async fn stylesheet(file: web::Path<String>) -> HttpResponse {
    if format!("/static/{file}") != *CSS_PATH {
        return HttpResponse::NotFound().finish();
    }
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=31536000, immutable"))
        .body(CSS)
}
