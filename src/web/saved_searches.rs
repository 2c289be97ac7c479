//! The investor's saved searches: kept from the opportunities list's filters, listed with what
//! each looks for, and told in the digest, at once or not at all.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;

use super::form::Typed;
use super::session::{Investors, Signed};
use super::{Done, Page, PageResult, html, see_other};
use crate::error::AppError;
use crate::reference::Catalogue;
use crate::services::notifications::settings_of;
use crate::services::projects::ProjectQuery;
use crate::services::saved_searches::{
    self, AlertChange, SavedSearch, SavedSearchInput, SearchAlert, SearchFilters,
};
use crate::state::AppState;
use crate::web::i18n::Lang;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/saved-searches", web::get().to(list))
        .route("/saved-searches", web::post().to(save))
        .route("/saved-searches/{id}/alert", web::post().to(change_alert))
        .route("/saved-searches/{id}/delete", web::post().to(delete));
}

/// The ways a saved search may tell of new matches, in the order the forms offer them.
pub(crate) const ALERTS: [SearchAlert; 3] =
    [SearchAlert::Digest, SearchAlert::Instant, SearchAlert::Off];

/// A saved search as a row of the list.
struct Line {
    id: String,
    name: String,
    /// What it looks for, in the page's language.
    looks_for: String,
    link: String,
    /// The alert choices, the search's chosen.
    alerts: Choices,
}

/// What the filters look for, in words: the words searched, then each filter's name.
fn looks_for(lang: Lang, catalogue: &Catalogue, filters: &SearchFilters) -> String {
    let region = |code: &Option<String>| {
        code.as_ref()
            .map(|c| catalogue.region(c).map_or(c.clone(), |r| r.name.clone()))
    };
    let dimension = filters.dimension.as_ref().map(|code| {
        catalogue
            .dimension_rows()
            .find(|d| &d.code == code)
            .map_or(code.clone(), |d| {
                lang.pick(&d.name_id, &d.name_en).to_owned()
            })
    });
    let value = match (&filters.min_value, &filters.max_value) {
        (None, None) => None,
        (min, max) => Some(format!(
            "{} {}–{}",
            filters.currency.as_deref().unwrap_or("IDR"),
            min.as_deref().unwrap_or(""),
            max.as_deref().unwrap_or("")
        )),
    };
    let parts: Vec<String> = [
        filters.q.as_ref().map(|q| format!("“{q}”")),
        region(&filters.province),
        region(&filters.region),
        filters
            .sector
            .as_ref()
            .map(|code| super::sector_title(lang, catalogue, code).unwrap_or_else(|| code.clone())),
        dimension,
        filters.element.clone(),
        filters
            .stage
            .map(|s| lang.t(&format!("stage.{}", s.as_ref()))),
        filters
            .instrument
            .map(|i| lang.t(&format!("instrument.{}", i.as_ref()))),
        value,
        filters
            .ikn_related
            .filter(|ikn| *ikn)
            .map(|_| lang.t("saved_searches.ikn_related")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        lang.t("saved_searches.everything")
    } else {
        parts.join(" · ")
    }
}

/// Code, label and whether it is chosen, for each option of a select.
pub(crate) type Choices = Vec<(&'static str, String, bool)>;

/// The alert choices, with `chosen` marked.
pub(crate) fn alert_choices(lang: Lang, chosen: SearchAlert) -> Choices {
    ALERTS
        .iter()
        .map(|a| {
            let code: &'static str = a.into();
            (
                code,
                lang.t(&format!("saved_searches.alert_{code}")),
                *a == chosen,
            )
        })
        .collect()
}

fn line(lang: Lang, catalogue: &Catalogue, search: SavedSearch) -> Line {
    Line {
        looks_for: looks_for(lang, catalogue, &search.filters),
        alerts: alert_choices(lang, search.alert),
        id: search.id,
        name: search.name,
        link: search.link,
    }
}

#[derive(Template)]
#[template(path = "pages/saved_searches.html")]
struct SavedSearchesPage {
    page: Page,
    lines: Vec<Line>,
    /// Whether a search tells in the digest while the person's digest is off.
    digest_off: bool,
    /// What the last action did, said back to the person.
    done: Option<String>,
}

async fn list(
    Signed { user, page, .. }: Signed<Investors>,
    state: web::Data<AppState>,
    query: web::Query<Done>,
) -> PageResult {
    let (searches, settings) = state
        .db
        .run(move |conn| {
            let searches = saved_searches::list(conn, &user)?;
            Ok((searches, settings_of(conn, &user)?))
        })
        .await?;
    let digest_off =
        settings.digest == "off" && searches.iter().any(|s| s.alert == SearchAlert::Digest);
    let lines = searches
        .into_iter()
        .map(|s| line(page.lang, &state.catalogue, s))
        .collect();
    let done = query.said(&page, "saved_searches", &["saved", "changed", "deleted"]);
    let body = SavedSearchesPage {
        page,
        lines,
        digest_off,
        done,
    }
    .render();
    Ok(html(StatusCode::OK, body))
}

/// An alert from a form's field; anything else is refused at the field.
fn alert_of(typed: &Typed) -> Result<SearchAlert, AppError> {
    typed
        .one("alert")
        .parse()
        .map_err(|_| AppError::validation("alert", "choose how to be told"))
}

/// Saves the opportunities list's current filters (its address's query, in one field) under the
/// name given.
async fn save(
    Signed { user, .. }: Signed<Investors>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let typed = Typed::parse(&body);
    let listed = web::Query::<ProjectQuery>::from_query(&typed.one("filters"))
        .map_err(|_| AppError::validation("filters", "are not the list's filters"))?;
    let input = SavedSearchInput {
        name: typed.one("name"),
        filters: SearchFilters::from(&listed.into_inner()),
        alert: Some(alert_of(&typed)?),
    };
    let app = state.clone();
    state
        .db
        .write(move |conn| saved_searches::save(conn, &app.catalogue, &user, input))
        .await?;
    Ok(see_other("/saved-searches?done=saved").finish())
}

async fn change_alert(
    Signed { user, .. }: Signed<Investors>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let change = AlertChange {
        alert: alert_of(&Typed::parse(&body))?,
    };
    let id = id.into_inner();
    state
        .db
        .write(move |conn| saved_searches::change_alert(conn, &user, &id, change))
        .await?;
    Ok(see_other("/saved-searches?done=changed").finish())
}

async fn delete(
    Signed { user, .. }: Signed<Investors>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> PageResult {
    let id = id.into_inner();
    state
        .db
        .write(move |conn| saved_searches::delete(conn, &user, &id))
        .await?;
    Ok(see_other("/saved-searches?done=deleted").finish())
}
