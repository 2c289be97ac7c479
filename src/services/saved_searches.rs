//! Saved searches: an investor keeps the filters of the opportunities page under a name and
//! chooses how it hears of new projects that match: in its digest, at once, or not at all.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{AuthenticatedUser, policy};
use crate::clock::now;
use crate::db::AnyConnection;
use crate::domain::project::{Instrument, Stage};
use crate::domain::{Currency, Localized, text, vocabulary};
use crate::error::{AppError, ErrorCode};
use crate::models::saved_search::{self as rows, SavedSearchRow};
use crate::notify::kinds::{ProjectFacts, SavedSearchNotice, SavedSearchRef};
use crate::notify::{self, Notification};
use crate::reference::Catalogue;
use crate::services::projects::{Project, ProjectQuery, Search};

/// Saved searches one person may keep.
pub const MOST_PER_PERSON: i64 = 20;

vocabulary! {
    /// How a saved search tells of new projects that match it.
    pub enum SearchAlert {
        /// In the person's digest (daily or weekly, as its settings say).
        Digest,
        /// As soon as a project is published: in the app and by email.
        Instant,
        /// Not at all: the search is only kept to open again.
        Off,
    }
}

/// The filters of the opportunities list that a search keeps; each as the list takes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchFilters {
    /// Words in the title or description, Indonesian or English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Province code, e.g. `73`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    /// Regency or city code, e.g. `73.73`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// ISIC code at any level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
    /// Smart City dimension, e.g. `ENV`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimension: Option<String>,
    /// Smart City element, e.g. `ENV-3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument: Option<Instrument>,
    /// Smallest value, in `currency` (default IDR).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<String>,
    /// Largest value, in `currency` (default IDR).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Only projects in regions commonly cited as IKN host or buffer regions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ikn_related: Option<bool>,
}

impl SearchFilters {
    /// The published projects these filters find, as the list's query.
    fn query(&self) -> ProjectQuery {
        ProjectQuery {
            q: self.q.clone(),
            province: self.province.clone(),
            region: self.region.clone(),
            sector: self.sector.clone(),
            dimension: self.dimension.clone(),
            element: self.element.clone(),
            stage: self.stage,
            instrument: self.instrument,
            min_value: self.min_value.clone(),
            max_value: self.max_value.clone(),
            currency: self.currency.clone(),
            ikn_related: self.ikn_related,
            ..ProjectQuery::default()
        }
    }

    /// The checked search of these filters; a currency is checked even without the bounds it
    /// is for, since the search's link carries it.
    fn search(&self, catalogue: &Catalogue) -> Result<Search, AppError> {
        if let Some(code) = &self.currency {
            Currency::parse(code).map_err(|e| AppError::validation("currency", e))?;
        }
        Search::from_query(catalogue, None, &self.query())
    }

    /// The opportunities page's address with these filters, from the site's root.
    pub fn link(&self) -> String {
        let mut url = reqwest::Url::parse("http://sepadan/opportunities").expect("a valid base");
        {
            let mut pairs = url.query_pairs_mut();
            let word = |v: Option<&'static str>| v.map(str::to_owned);
            for (key, value) in [
                ("q", self.q.clone()),
                ("province", self.province.clone()),
                ("region", self.region.clone()),
                ("sector", self.sector.clone()),
                ("dimension", self.dimension.clone()),
                ("element", self.element.clone()),
                ("stage", word(self.stage.map(Into::into))),
                ("instrument", word(self.instrument.map(Into::into))),
                ("min_value", self.min_value.clone()),
                ("max_value", self.max_value.clone()),
                ("currency", self.currency.clone()),
                ("ikn_related", self.ikn_related.map(|b| b.to_string())),
            ] {
                if let Some(value) = value.filter(|v| !v.is_empty()) {
                    pairs.append_pair(key, &value);
                }
            }
        }
        match url.query() {
            Some(query) if !query.is_empty() => format!("/opportunities?{query}"),
            _ => "/opportunities".into(),
        }
    }
}

impl From<&ProjectQuery> for SearchFilters {
    /// The list's filters of a query, without its status, order and paging.
    fn from(query: &ProjectQuery) -> Self {
        SearchFilters {
            q: query.q.clone(),
            province: query.province.clone(),
            region: query.region.clone(),
            sector: query.sector.clone(),
            dimension: query.dimension.clone(),
            element: query.element.clone(),
            stage: query.stage,
            instrument: query.instrument,
            min_value: query.min_value.clone(),
            max_value: query.max_value.clone(),
            currency: query.currency.clone(),
            ikn_related: query.ikn_related,
        }
    }
}

/// A saved search as its owner sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SavedSearch {
    pub id: String,
    pub name: String,
    pub filters: SearchFilters,
    pub alert: SearchAlert,
    /// The opportunities page with these filters, from the site's root.
    pub link: String,
    pub created_at: DateTime<Utc>,
}

/// A search to keep: its name, the filters and how to hear of new matches (in the digest by
/// default).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SavedSearchInput {
    pub name: String,
    #[serde(default)]
    pub filters: SearchFilters,
    pub alert: Option<SearchAlert>,
}

/// A new way to hear of a saved search's matches.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertChange {
    pub alert: SearchAlert,
}

fn read(row: SavedSearchRow) -> Result<SavedSearch, AppError> {
    let filters = serde_json::from_str(&row.filters)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("saved search {}: {e}", row.id)))?;
    let alert = row.alert.parse().map_err(|_| {
        AppError::Internal(anyhow::anyhow!("saved search {}: unknown alert", row.id))
    })?;
    Ok(SavedSearch {
        link: SearchFilters::link(&filters),
        id: row.id,
        name: row.name,
        filters,
        alert,
        created_at: row.created_at.and_utc(),
    })
}

/// The caller's saved searches, the oldest first.
pub fn list(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
) -> Result<Vec<SavedSearch>, AppError> {
    policy::may_save_searches(user)?;
    rows::of_user(conn, &user.id)?
        .into_iter()
        .map(read)
        .collect()
}

/// Keeps a search for the caller, after checking its filters as the list checks them.
pub fn save(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    input: SavedSearchInput,
) -> Result<SavedSearch, AppError> {
    policy::may_save_searches(user)?;
    let name = text::within("name", &input.name, text::TITLE)?;
    if name.is_empty() {
        return Err(AppError::validation("name", "name the search"));
    }
    input.filters.search(catalogue)?;
    if rows::count_of_user(conn, &user.id)? >= MOST_PER_PERSON {
        return Err(AppError::conflict(
            ErrorCode::TooManySavedSearches,
            format!("keep at most {MOST_PER_PERSON} saved searches: delete one first"),
        ));
    }
    let row = SavedSearchRow {
        id: uuid::Uuid::new_v4().to_string(),
        user_id: user.id.clone(),
        name,
        filters: crate::models::json_text(&input.filters),
        alert: input
            .alert
            .unwrap_or(SearchAlert::Digest)
            .as_ref()
            .to_owned(),
        created_at: now(),
    };
    rows::insert(conn, &row)?;
    read(row)
}

/// The caller's own saved search; anyone else's is not found.
fn owned(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
) -> Result<SavedSearchRow, AppError> {
    policy::may_save_searches(user)?;
    rows::find(conn, id)?
        .filter(|row| policy::owns_saved_search(user, &row.user_id))
        .ok_or_else(|| AppError::not_found("saved search"))
}

/// Changes how the caller hears of a saved search's matches.
pub fn change_alert(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
    change: AlertChange,
) -> Result<SavedSearch, AppError> {
    let mut row = owned(conn, user, id)?;
    row.alert = change.alert.as_ref().to_owned();
    rows::set_alert(conn, id, &row.alert)?;
    read(row)
}

pub fn delete(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
) -> Result<(), AppError> {
    owned(conn, user, id)?;
    rows::delete(conn, id)?;
    Ok(())
}

/// A saved search with its filters checked again today; none when they no longer read or check
/// (a code withdrawn from the reference data), and such a search finds nothing.
fn checked(catalogue: &Catalogue, row: &SavedSearchRow) -> Option<(SavedSearch, Search)> {
    let checked = read(row.clone()).and_then(|saved| {
        let search = saved.filters.search(catalogue)?;
        Ok((saved, search))
    });
    if checked.is_err() {
        tracing::warn!(id = %row.id, "a saved search no longer reads; it finds nothing");
    }
    checked.ok()
}

/// Tells, in the caller's transaction, each person with an instant saved search that finds a
/// project just published: once per person, naming its first such search.
pub fn tell_of_published(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    project: &Project,
) -> Result<(), AppError> {
    let mut told: Vec<String> = Vec::new();
    for row in rows::with_alert(conn, SearchAlert::Instant.as_ref())? {
        if told.contains(&row.user_id) {
            continue;
        }
        let Some((_, search)) = checked(catalogue, &row) else {
            continue;
        };
        let (_, total) = search.only(&project.id).run(conn, catalogue, None, 0, 1)?;
        if total == 0 {
            continue;
        }
        let notice = SavedSearchNotice {
            search: SavedSearchRef {
                id: row.id.clone(),
                name: row.name.clone(),
            },
            project: ProjectFacts::of(project),
        };
        notify::record(
            conn,
            std::slice::from_ref(&row.user_id),
            &Notification::SavedSearchMatched(notice),
        )?;
        told.push(row.user_id);
    }
    Ok(())
}

/// What one saved search found for a digest: the newest few, and how many in all.
#[derive(Debug, Clone)]
pub struct Found {
    pub search: SavedSearch,
    pub total: i64,
    /// Id, title and region name of each, the newest first.
    pub projects: Vec<(String, Localized, String)>,
}

/// What each of a person's digest searches found among the projects published after `since`;
/// searches that found nothing are left out.
pub fn found_since(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user_id: &str,
    since: NaiveDateTime,
    per_search: i64,
) -> Result<Vec<Found>, AppError> {
    let mut found = Vec::new();
    for row in rows::of_user(conn, user_id)? {
        if row.alert != SearchAlert::Digest.as_ref() {
            continue;
        }
        let Some((search, query)) = checked(catalogue, &row) else {
            continue;
        };
        let (projects, total) = query
            .published_after(since)
            .run(conn, catalogue, None, 0, per_search)?;
        if total > 0 {
            found.push(Found {
                search,
                total,
                projects: projects
                    .into_iter()
                    .map(|p| (p.id, p.title, p.region_name))
                    .collect(),
            });
        }
    }
    Ok(found)
}
