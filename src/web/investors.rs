//! Staff pages for investor organisations: the list to verify from, one investor's profile and
//! mandate, and the verification itself.

use super::pickers::{country_choices, country_name};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use askama::Template;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::i18n::Lang;
use super::session::Staff;
use super::{Page, dimension_names, html, see_other};
use crate::reference::Catalogue;
use crate::services::investors::{self as api, Investor, InvestorQuery, Mandate};
use crate::state::AppState;
use crate::web::PageResult;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/investors", web::get().to(list))
        .route("/investors/{id}", web::get().to(one))
        .route("/investors/{id}/verify", web::post().to(verify));
}

/// A mandate as lines of label and value, for reading.
fn mandate_lines(lang: Lang, catalogue: &Catalogue, mandate: &Mandate) -> Vec<(String, String)> {
    let mut places: Vec<String> = mandate
        .provinces
        .iter()
        .chain(&mandate.regions)
        .map(|code| {
            catalogue
                .region(code)
                .map_or_else(|| code.clone(), |r| r.name.clone())
        })
        .collect();
    if mandate.ikn_related {
        places.push(lang.t("mandate.ikn_related"));
    }
    let any = || lang.t("investors.any");
    let listed = |items: Vec<String>| {
        if items.is_empty() {
            any()
        } else {
            items.join(", ")
        }
    };
    let ticket = mandate.ticket.as_ref().map_or_else(any, |t| {
        let money = |amount: &str| {
            amount
                .parse::<Decimal>()
                .map_or_else(|_| amount.to_owned(), |a| lang.money(a, &t.currency))
        };
        format!("{} – {}", money(&t.min), money(&t.max))
    });
    vec![
        (lang.t("mandate.sectors"), listed(mandate.sectors.clone())),
        (
            lang.t("mandate.dimensions"),
            listed(dimension_names(lang, catalogue, &mandate.dimensions)),
        ),
        (lang.t("mandate.ticket"), ticket),
        (lang.t("investors.where"), listed(places)),
        (
            lang.t("mandate.stages"),
            listed(
                mandate
                    .stages
                    .iter()
                    .map(|s| lang.t(&format!("stage.{}", s.as_ref())))
                    .collect(),
            ),
        ),
        (
            lang.t("mandate.instruments"),
            listed(
                mandate
                    .instruments
                    .iter()
                    .map(|i| lang.t(&format!("instrument.{}", i.as_ref())))
                    .collect(),
            ),
        ),
    ]
}

/// An investor as the list shows it.
struct Row {
    id: String,
    name: String,
    kind: String,
    country: String,
    verified: bool,
    /// The mandate in one line, or that there is none.
    mandate: String,
}

#[derive(Template)]
#[template(path = "pages/investors.html")]
struct InvestorList {
    page: Page,
    q: String,
    /// Every country by name, the one filtered by chosen.
    countries: Vec<(String, String, bool)>,
    /// Filter value, label and whether it is chosen.
    shows: Vec<(&'static str, String, bool)>,
    found: String,
    rows: Vec<Row>,
    previous: Option<String>,
    next: Option<String>,
}

/// The list's filters, as the form sends them.
#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    /// `unverified` (the default: the work waiting), `verified` or `all`.
    show: Option<String>,
    q: Option<String>,
    /// ISO 3166-1 alpha-2.
    country: Option<String>,
    page: Option<i64>,
}

const PER_PAGE: i64 = 50;

/// Investors for staff, the unverified ones first by default, with a search by name.
async fn list(
    Staff { user, page, .. }: Staff,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> PageResult {
    let lang = page.lang;
    let ListQuery {
        show,
        q,
        country,
        page: at,
    } = query.into_inner();
    let show = show.unwrap_or_else(|| "unverified".into());
    let number = at.unwrap_or(1).max(1);
    let q = q.unwrap_or_default().trim().to_owned();
    let country = country.unwrap_or_default().trim().to_uppercase();
    let filter = InvestorQuery {
        verified: match show.as_str() {
            "verified" => Some(true),
            "all" => None,
            _ => Some(false),
        },
        q: (!q.is_empty()).then(|| q.clone()),
        country: (!country.is_empty()).then(|| country.clone()),
        ..InvestorQuery::default()
    };
    let (investors, total) = state
        .db
        .run(move |conn| api::list_visible(conn, &user, &filter, (number - 1) * PER_PAGE, PER_PAGE))
        .await?;
    let rows = investors
        .into_iter()
        .map(|i| Row {
            mandate: i.mandate.as_ref().map_or_else(
                || lang.t("investors.no_mandate"),
                |m| {
                    mandate_lines(lang, &state.catalogue, m)
                        .into_iter()
                        .take(3)
                        .map(|(label, value)| format!("{label}: {value}"))
                        .collect::<Vec<_>>()
                        .join(" · ")
                },
            ),
            kind: lang.t(&format!("kind.{}", i.kind)),
            verified: i.verified,
            id: i.id,
            name: i.name,
            country: country_name(lang, &i.country),
        })
        .collect();
    let link = |to: i64| {
        let mut url = reqwest::Url::parse("http://sepadan/investors").expect("a valid base");
        url.query_pairs_mut()
            .append_pair("show", &show)
            .append_pair("q", &q)
            .append_pair("country", &country)
            .append_pair("page", &to.to_string());
        format!("/investors?{}", url.query().unwrap_or(""))
    };
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let body = InvestorList {
        shows: ["unverified", "verified", "all"]
            .into_iter()
            .map(|value| (value, lang.t(&format!("investors.{value}")), value == show))
            .collect(),
        found: rust_i18n::t!(
            "investors.found",
            locale = lang.code(),
            count = lang.integer(total)
        )
        .into_owned(),
        rows,
        previous: (number > 1).then(|| link(number - 1)),
        next: (number < pages).then(|| link(number + 1)),
        q: q.clone(),
        countries: country_choices(lang, &country),
        page,
    }
    .render();
    Ok(html(StatusCode::OK, body))
}

#[derive(Template)]
#[template(path = "pages/investor.html")]
struct InvestorPage {
    page: Page,
    id: String,
    name: String,
    verified: Option<String>,
    /// The profile as label and value.
    profile: Vec<(String, String)>,
    description: String,
    mandate: Vec<(String, String)>,
    thesis: String,
}

/// The profile lines of an investor: what it is, where from, how to reach it.
fn profile_lines(lang: Lang, investor: &Investor) -> Vec<(String, String)> {
    let contact = investor.contact.as_ref();
    let mut lines = vec![
        (
            lang.t("mandate.kind"),
            lang.t(&format!("kind.{}", investor.kind)),
        ),
        (
            lang.t("investors.country"),
            format!(
                "{} ({})",
                country_name(lang, &investor.country),
                lang.t(&format!("investors.{}", investor.origin))
            ),
        ),
        (
            lang.t("investors.registered"),
            investor.created_at.format("%Y-%m-%d").to_string(),
        ),
    ];
    let optional = [
        ("mandate.website", investor.website.clone()),
        ("mandate.contact_name", contact.and_then(|c| c.name.clone())),
        (
            "mandate.contact_email",
            contact.and_then(|c| c.email.clone()),
        ),
        (
            "mandate.contact_phone",
            contact.and_then(|c| c.phone.clone()),
        ),
    ];
    lines.extend(
        optional
            .into_iter()
            .filter_map(|(key, value)| Some((lang.t(key), value?))),
    );
    lines
}

/// One investor's profile and mandate, with the verify button while it is unverified.
async fn one(
    req: HttpRequest,
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> PageResult {
    let id = id.into_inner();
    let investor = state
        .db
        .run(move |conn| api::load_visible(conn, &user, &id))
        .await?;
    let page = Page::of(&req);
    let lang = page.lang;
    let body = InvestorPage {
        verified: investor
            .verified_at
            .map(|at| at.format("%Y-%m-%d").to_string()),
        profile: profile_lines(lang, &investor),
        mandate: investor
            .mandate
            .as_ref()
            .map(|m| mandate_lines(lang, &state.catalogue, m))
            .unwrap_or_default(),
        thesis: investor
            .mandate
            .as_ref()
            .map(|m| m.thesis.clone())
            .unwrap_or_default(),
        description: investor.description,
        id: investor.id,
        name: investor.name,
        page,
    }
    .render();
    Ok(html(StatusCode::OK, body))
}

/// Verifies the investor the same way `POST /investors/{id}/verify` does (its users are told)
/// and shows it again.
async fn verify(
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> PageResult {
    let id = id.into_inner();
    let back = format!("/investors/{id}");
    state
        .db
        .write(move |conn| api::verify(conn, &user, &id))
        .await?;
    Ok(see_other(&back).finish())
}
