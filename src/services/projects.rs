//! Projects (investment opportunities): publishing by regions, review by staff, discovery by all.

mod readiness;

use crate::throttle::{ClientAddress, Limit, Throttle};
use std::cmp::Reverse;
use std::collections::HashMap;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::investors::double_option;
use crate::auth::AuthenticatedUser;
use crate::auth::policy::{self, ProjectDisclosure};
use crate::clock::now;
use crate::db::AnyConnection;
use crate::domain::Localized;
use crate::domain::project::{Instrument, ProjectStatus, Stage, Transition};
use crate::domain::text::{self, search_document, tokens};
use crate::domain::{Currency, Money, MoneyJson};
use crate::error::{AppError, ErrorCode, FieldChecks};
use crate::matchmaker::Rates;
use crate::models::investor as investor_rows;
use crate::models::matching as matching_rows;
use crate::models::project::{
    self as rows, NewProject, ProjectCodes, ProjectContent, ProjectEvent, ProjectFilter,
    ProjectRow, SortKey, ValueRange,
};
use crate::notify::Notification;
use crate::notify::kinds::{ProjectFacts, ProjectNotice};
use crate::reference::Catalogue;

pub use readiness::{Permit, ProjectContact, Readiness};

/// A point on the map (WGS 84).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub lat: f64,
    pub lng: f64,
}

/// A project as its region describes it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectInput {
    /// The owning region's Kemendagri code, e.g. `73.73`.
    pub region: String,
    pub title: Localized,
    pub description: Localized,
    /// ISIC Rev.4 codes, any level (usually classes such as `3510`).
    pub sectors: Vec<String>,
    /// KBLI 2020 code (5 digits); its first two digits are the ISIC division.
    pub kbli: Option<String>,
    /// Smart City dimensions (`ENV`).
    #[serde(default)]
    pub dimensions: Vec<String>,
    /// Smart City elements (`ENV-3`); each adds its dimension.
    #[serde(default)]
    pub elements: Vec<String>,
    pub stage: Stage,
    #[serde(default)]
    pub instruments: Vec<Instrument>,
    pub value: MoneyJson,
    #[serde(default)]
    pub readiness: Readiness,
    pub location: Option<Location>,
}

/// Changes to a project; absent fields stay as they are. The region cannot change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectUpdate {
    pub title: Option<Localized>,
    pub description: Option<Localized>,
    pub sectors: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub kbli: Option<Option<String>>,
    pub dimensions: Option<Vec<String>>,
    pub elements: Option<Vec<String>>,
    pub stage: Option<Stage>,
    pub instruments: Option<Vec<Instrument>>,
    pub value: Option<MoneyJson>,
    /// The whole readiness card, replacing the one stored.
    pub readiness: Option<Readiness>,
    #[serde(default, deserialize_with = "double_option")]
    pub location: Option<Option<Location>>,
}

impl ProjectUpdate {
    fn apply(self, mut input: ProjectInput) -> ProjectInput {
        macro_rules! take {
            ($($field:ident),*) => { $( if let Some(v) = self.$field { input.$field = v; } )* };
        }
        take!(
            title,
            description,
            sectors,
            kbli,
            dimensions,
            elements,
            stage,
            instruments,
            value
        );
        take!(readiness, location);
        input
    }
}

/// A project checked against the rules and the reference data.
struct ValidProject {
    value: Money,
    codes: ProjectCodes,
    input: ProjectInput,
}

pub(crate) fn check_localized(
    field: &str,
    text: &Localized,
    max: usize,
) -> Result<Localized, AppError> {
    let id = text.id.trim();
    let en = text.en.trim();
    if id.is_empty() && en.is_empty() {
        return Err(AppError::validation(
            field,
            "give it in Indonesian, English or both",
        ));
    }
    if id.chars().count() > max || en.chars().count() > max {
        return Err(AppError::validation(
            field,
            format!("must be at most {max} characters in each language"),
        ));
    }
    Ok(Localized {
        id: id.to_owned(),
        en: en.to_owned(),
    })
}

fn check_short(field: &str, text: Option<&str>) -> Result<Option<String>, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) if t.chars().count() > text::SHORT_TEXT => Err(AppError::validation(
            field,
            format!("must be at most {} characters", text::SHORT_TEXT),
        )),
        other => Ok(other.map(str::to_owned)),
    }
}

impl ProjectInput {
    /// Checks every field, naming every problem at once.
    fn validate(mut self, catalogue: &Catalogue) -> Result<ValidProject, AppError> {
        let mut checks = FieldChecks::new();
        if catalogue.region(&self.region).is_none() {
            checks.add("region", "is not a known region code");
        }
        self.title = checks
            .take(check_localized("title", &self.title, text::TITLE))
            .unwrap_or_default();
        self.description = checks
            .take(check_localized(
                "description",
                &self.description,
                text::DESCRIPTION,
            ))
            .unwrap_or_default();
        if self.sectors.is_empty() || self.sectors.len() > 10 {
            checks.add("sectors", "give 1 to 10 ISIC codes");
        }
        let mut sectors = Vec::new();
        let mut sector_index = Vec::new();
        for code in &self.sectors {
            if catalogue.sector(code).is_none() {
                checks.add("sectors", format!("`{code}` is not an ISIC Rev.4 code"));
            }
            if !sectors.contains(code) {
                sectors.push(code.clone());
            }
            for ancestor in catalogue.sector_with_ancestors(code) {
                if !sector_index.contains(&ancestor) {
                    sector_index.push(ancestor);
                }
            }
        }
        if let Some(kbli) = &self.kbli {
            match catalogue.kbli_division(kbli) {
                Some(division) => {
                    for ancestor in catalogue.sector_with_ancestors(&division.code) {
                        if !sector_index.contains(&ancestor) {
                            sector_index.push(ancestor);
                        }
                    }
                }
                None => checks.add(
                    "kbli",
                    "must be a 5-digit KBLI 2020 code of a known ISIC division",
                ),
            }
        }
        let mut dimensions = Vec::new();
        for code in &self.dimensions {
            if !catalogue.is_dimension(code) {
                checks.add(
                    "dimensions",
                    format!("`{code}` is not a Smart City dimension"),
                );
            }
            if !dimensions.contains(code) {
                dimensions.push(code.clone());
            }
        }
        for code in &self.elements {
            let Some(dimension) = catalogue.element_dimension(code) else {
                checks.add("elements", format!("`{code}` is not a Smart City element"));
                continue;
            };
            for c in [dimension.to_owned(), code.clone()] {
                if !dimensions.contains(&c) {
                    dimensions.push(c);
                }
            }
        }
        if dimensions.is_empty() && !checks.has("elements") {
            checks.add(
                "dimensions",
                "give at least one Smart City dimension or element",
            );
        }
        let value = checks
            .take(Money::from_json(&self.value).map_err(|e| AppError::validation("value", e)));
        if value.is_some_and(|v| v.minor() == 0) {
            checks.add("value.amount", "must be more than zero");
        }
        if let Some(loc) = self.location
            && !((-90.0..=90.0).contains(&loc.lat) && (-180.0..=180.0).contains(&loc.lng))
        {
            checks.add("location", "lat must be within ±90 and lng within ±180");
        }
        self.readiness = checks.take(self.readiness.validate()).unwrap_or_default();
        let value = checks.finish(value)?;
        let mut instruments: Vec<String> = Vec::new();
        for instrument in &self.instruments {
            let name = instrument.as_ref().to_owned();
            if !instruments.contains(&name) {
                instruments.push(name);
            }
        }
        self.value = value.to_json();
        let mut codes = ProjectCodes {
            sectors,
            sector_index,
            dimensions,
            instruments,
            ..ProjectCodes::default()
        };
        self.readiness.fill_codes(&mut codes);
        Ok(ValidProject {
            value,
            codes,
            input: self,
        })
    }
}

impl ValidProject {
    fn into_content(self, catalogue: &Catalogue) -> (ProjectContent, ProjectCodes) {
        let input = self.input;
        let region_name = catalogue
            .region(&input.region)
            .map(|r| r.name.clone())
            .unwrap_or_default();
        let search_text = search_document([
            input.title.id.as_str(),
            input.title.en.as_str(),
            input.description.id.as_str(),
            input.description.en.as_str(),
            region_name.as_str(),
        ]);
        let ready = input.readiness;
        let (note_id, note_en) = note_columns(ready.land_note);
        let (permit_note_id, permit_note_en) = note_columns(ready.permit_note);
        let contact = ready.contact;
        let content = ProjectContent {
            region_code: input.region,
            title_id: input.title.id,
            title_en: input.title.en,
            description_id: input.description.id,
            description_en: input.description.en,
            kbli: input.kbli,
            stage: input.stage.as_ref().to_owned(),
            value_minor: self.value.minor(),
            value_currency: self.value.currency().code().to_owned(),
            expected_irr_pct: ready.expected_irr_pct,
            payback_years: ready.payback_years,
            risk_level: ready.risk_level.map(|r| r.as_ref().to_owned()),
            land_status: ready.land_status.map(|l| l.as_ref().to_owned()),
            land_note_id: note_id,
            land_note_en: note_en,
            permit_note_id,
            permit_note_en,
            contact_name: contact.as_ref().map(|c| c.name.clone()),
            contact_role: contact.as_ref().and_then(|c| c.role.clone()),
            contact_email: contact.as_ref().map(|c| c.email.clone()),
            contact_phone: contact.and_then(|c| c.phone),
            lat: input.location.map(|l| l.lat),
            lng: input.location.map(|l| l.lng),
            search_text,
        };
        (content, self.codes)
    }
}

/// A note's two languages as columns, an empty one as none.
fn note_columns(note: Option<Localized>) -> (Option<String>, Option<String>) {
    let present = |t: String| Some(t).filter(|t| !t.is_empty());
    note.map_or((None, None), |n| (present(n.id), present(n.en)))
}

/// A project as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Project {
    pub id: String,
    pub region: String,
    pub region_name: String,
    pub province: String,
    pub title: Localized,
    pub description: Localized,
    pub sectors: Vec<String>,
    pub kbli: Option<String>,
    pub dimensions: Vec<String>,
    pub elements: Vec<String>,
    pub stage: String,
    pub instruments: Vec<String>,
    pub value: MoneyJson,
    /// For verified investors, the region and staff; left out for everyone else.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readiness: Option<Readiness>,
    pub location: Option<Location>,
    pub status: ProjectStatus,
    /// The reviewer's latest comment, for the region and staff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_comment: Option<String>,
    /// Synthetic demonstration data.
    pub demo: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    /// The review history, for the region and staff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryEntry>>,
}

/// One step of a project's review.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryEntry {
    pub from: String,
    pub to: String,
    pub comment: Option<String>,
    pub actor_id: String,
    pub at: DateTime<Utc>,
}

fn status_of(row: &ProjectRow) -> Result<ProjectStatus, AppError> {
    ProjectStatus::from_str(&row.status)
        .map_err(|_| AppError::Internal(anyhow::anyhow!("unknown status {}", row.status)))
}

impl Project {
    fn build(
        row: ProjectRow,
        codes: ProjectCodes,
        catalogue: &Catalogue,
        viewer: &Viewer,
    ) -> Result<Self, AppError> {
        let status = status_of(&row)?;
        let insider = viewer.is_insider(&row.region_code);
        let readiness = (viewer.disclosure(&row.region_code) >= ProjectDisclosure::Readiness)
            .then(|| Readiness::from_row(&row, &codes));
        let region = catalogue.region(&row.region_code);
        let currency = Currency::parse(&row.value_currency)
            .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
        let (elements, dimensions): (Vec<String>, Vec<String>) =
            codes.dimensions.into_iter().partition(|c| c.contains('-'));
        Ok(Project {
            region_name: region.map(|r| r.name.clone()).unwrap_or_default(),
            province: region.map(|r| r.province_code.clone()).unwrap_or_default(),
            title: Localized {
                id: row.title_id,
                en: row.title_en,
            },
            description: Localized {
                id: row.description_id,
                en: row.description_en,
            },
            sectors: codes.sectors,
            dimensions,
            elements,
            instruments: codes.instruments,
            value: Money::from_minor(row.value_minor, currency).to_json(),
            location: row.lat.zip(row.lng).map(|(lat, lng)| Location { lat, lng }),
            status,
            review_comment: if insider { row.review_comment } else { None },
            history: None,
            id: row.id,
            region: row.region_code,
            kbli: row.kbli,
            stage: row.stage,
            readiness,
            demo: row.demo,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
            published_at: row.published_at.map(|t| t.and_utc()),
        })
    }

    /// Back to the shape it was created from, for applying a change.
    fn to_input(&self) -> ProjectInput {
        ProjectInput {
            region: self.region.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            sectors: self.sectors.clone(),
            kbli: self.kbli.clone(),
            dimensions: self.dimensions.clone(),
            elements: self.elements.clone(),
            stage: Stage::from_str(&self.stage).unwrap_or(Stage::Idea),
            instruments: self
                .instruments
                .iter()
                .filter_map(|i| Instrument::from_str(i).ok())
                .collect(),
            value: self.value.clone(),
            readiness: self.readiness.clone().unwrap_or_default(),
            location: self.location,
        }
    }
}

/// Who is looking at projects, with what the disclosure rules need to know of them.
struct Viewer<'a> {
    user: Option<&'a AuthenticatedUser>,
    verified_investor: bool,
}

impl<'a> Viewer<'a> {
    fn of(conn: &mut AnyConnection, user: Option<&'a AuthenticatedUser>) -> Result<Self, AppError> {
        let verified_investor = match user.and_then(|u| u.investor_id.as_deref()) {
            Some(investor) => investor_rows::is_verified(conn, investor)?,
            None => false,
        };
        Ok(Viewer {
            user,
            verified_investor,
        })
    }

    fn is_insider(&self, region: &str) -> bool {
        self.user
            .is_some_and(|u| policy::acts_for_region(u, region))
    }

    fn disclosure(&self, region: &str) -> ProjectDisclosure {
        policy::project_disclosure(self.user, region, self.verified_investor)
    }
}

/// Loads a project the caller may see; drafts of other regions are reported as not found.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn load_visible(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: Option<&AuthenticatedUser>,
    id: &str,
) -> Result<(Project, ProjectRow), AppError> {
    let row = rows::find(conn, id)?.ok_or_else(|| AppError::not_found("project"))?;
    let status = status_of(&row)?;
    if !policy::can_view_project(user, &row.region_code, status) {
        return Err(AppError::not_found("project"));
    }
    let viewer = Viewer::of(conn, user)?;
    let codes = rows::codes_of(conn, std::slice::from_ref(&row.id))?
        .remove(&row.id)
        .unwrap_or_default();
    let mut project = Project::build(row.clone(), codes, catalogue, &viewer)?;
    if viewer.is_insider(&row.region_code) {
        project.history = Some(
            rows::history(conn, id)?
                .into_iter()
                .map(|e| HistoryEntry {
                    from: e.from_status,
                    to: e.to_status,
                    comment: e.comment,
                    actor_id: e.actor_id,
                    at: e.created_at.and_utc(),
                })
                .collect(),
        );
    }
    Ok((project, row))
}

/// The projects with these ids, in the order given (ids not found are left out).
#[tracing::instrument(skip_all)]
pub fn load_many(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    ids: &[String],
    viewer: Option<&AuthenticatedUser>,
) -> Result<Vec<Project>, AppError> {
    let mut found: HashMap<String, ProjectRow> = rows::find_many(conn, ids)?
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    let mut codes = rows::codes_of(conn, ids)?;
    let viewer = Viewer::of(conn, viewer)?;
    let mut items = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(row) = found.remove(id) {
            items.push(Project::build(
                row,
                codes.remove(id).unwrap_or_default(),
                catalogue,
                &viewer,
            )?);
        }
    }
    Ok(items)
}

/// Creates a draft for a region (its officials and staff) and returns it as the caller sees it.
#[tracing::instrument(skip_all)]
pub fn create_draft(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    input: ProjectInput,
) -> Result<Project, AppError> {
    if catalogue.region(&input.region).is_none() {
        return Err(AppError::validation("region", "is not a known region code"));
    }
    policy::may_create_project(user, &input.region)?;
    let id = insert(
        conn,
        catalogue,
        input,
        &user.id,
        ProjectStatus::Draft,
        false,
    )?;
    Ok(load_visible(conn, catalogue, Some(user), &id)?.0)
}

/// The project as its edit form shows it, for a caller who may edit it now.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn load_editable(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    id: &str,
) -> Result<Project, AppError> {
    let (project, _) = load_visible(conn, catalogue, Some(user), id)?;
    policy::may_edit_project(user, &project.region, project.status)?;
    Ok(project)
}

/// Stores a validated project in `status` (a draft, or any status for imports and demo data)
/// and returns its id. The caller has checked that `created_by` may add it.
#[tracing::instrument(skip_all)]
pub fn insert(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    input: ProjectInput,
    created_by: &str,
    status: ProjectStatus,
    demo: bool,
) -> Result<String, AppError> {
    let valid = input.validate(catalogue)?;
    let at = now();
    let (content, codes) = valid.into_content(catalogue);
    let new = NewProject {
        id: uuid::Uuid::new_v4().to_string(),
        content,
        status: status.as_ref().to_owned(),
        demo,
        created_by: created_by.to_owned(),
        created_at: at,
        updated_at: at,
        published_at: matches!(status, ProjectStatus::Published | ProjectStatus::Closed)
            .then_some(at),
    };
    rows::insert(conn, &new, &codes)?;
    Ok(new.id)
}

/// Applies a change to a project the caller may edit, in the caller's transaction: the whole
/// changed project is checked again, and the matching index learns of a published one's change.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn update(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    id: &str,
    change: ProjectUpdate,
) -> Result<Project, AppError> {
    let (current, row) = load_visible(conn, catalogue, Some(user), id)?;
    policy::may_edit_project(user, &row.region_code, current.status)?;
    let valid = change.apply(current.to_input()).validate(catalogue)?;
    let (content, codes) = valid.into_content(catalogue);
    rows::replace(conn, id, &content, &codes, now())?;
    if current.status == ProjectStatus::Published {
        matching_rows::bump_version(conn)?;
    }
    Ok(load_visible(conn, catalogue, Some(user), id)?.0)
}

/// A reviewer's comment.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewComment {
    pub comment: Option<String>,
}

/// Takes a project one step through review (submit, publish, request changes, close), in the
/// caller's transaction, telling the region's officials of a review outcome.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn apply_transition(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    id: &str,
    step: Transition,
    comment: Option<String>,
) -> Result<Project, AppError> {
    let comment = check_short("comment", comment.as_deref())?;
    if step == Transition::RequestChanges && comment.is_none() {
        return Err(AppError::validation("comment", "say what should change"));
    }
    let (current, row) = load_visible(conn, catalogue, Some(user), id)?;
    policy::may_transition(user, &row.region_code, step)?;
    let next = step.apply(current.status).ok_or_else(|| {
        AppError::conflict(
            ErrorCode::InvalidTransition,
            format!(
                "a {} project cannot {}",
                current.status.as_ref(),
                step.name()
            ),
        )
    })?;
    let at = now();
    let review_comment = if step == Transition::RequestChanges {
        comment.clone()
    } else {
        row.review_comment.clone()
    };
    rows::set_status(conn, id, next.as_ref(), review_comment.as_deref(), at)?;
    if current.status == ProjectStatus::Published || next == ProjectStatus::Published {
        matching_rows::bump_version(conn)?;
    }
    rows::insert_event(
        conn,
        &ProjectEvent {
            id: uuid::Uuid::new_v4().to_string(),
            project_id: id.to_owned(),
            actor_id: user.id.clone(),
            from_status: current.status.as_ref().to_owned(),
            to_status: next.as_ref().to_owned(),
            comment,
            created_at: at,
        },
    )?;
    let (project, _) = load_visible(conn, catalogue, Some(user), id)?;
    let kind: Option<fn(ProjectNotice) -> Notification> = match step {
        Transition::Publish => Some(Notification::ProjectPublished),
        Transition::RequestChanges => Some(Notification::ProjectChangesRequested),
        _ => None,
    };
    if let Some(kind) = kind {
        let officials = crate::models::user::region_officials(conn, &row.region_code)?;
        let notice = ProjectNotice {
            project: ProjectFacts::of(&project),
            comment: review_comment,
        };
        crate::notify::record(conn, &officials, &kind(notice))?;
    }
    if step == Transition::Publish {
        crate::services::saved_searches::tell_of_published(conn, catalogue, &project)?;
    }
    Ok(project)
}

/// How to order the project list.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProjectSort {
    /// Most recently created first.
    #[default]
    Newest,
    /// Largest value first, compared in US dollars at the latest rates.
    Value,
    /// Best match of the `q` words first (title matches count most).
    Relevance,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProjectQuery {
    /// Province code, e.g. `73`.
    pub province: Option<String>,
    /// Regency or city code, e.g. `73.73`.
    pub region: Option<String>,
    /// ISIC code at any level; a division matches all its classes.
    pub sector: Option<String>,
    /// Smart City dimension, e.g. `ENV`.
    pub dimension: Option<String>,
    /// Smart City element, e.g. `ENV-3`.
    pub element: Option<String>,
    pub stage: Option<Stage>,
    pub instrument: Option<Instrument>,
    /// Smallest value, in `currency` (default IDR).
    pub min_value: Option<String>,
    /// Largest value, in `currency` (default IDR).
    pub max_value: Option<String>,
    pub currency: Option<String>,
    /// Only projects in regions commonly cited as IKN host or buffer regions.
    pub ikn_related: Option<bool>,
    /// Words in the title or description, Indonesian or English.
    pub q: Option<String>,
    /// `published` by default; staff see any status, officials their own region's.
    pub status: Option<ProjectStatus>,
    #[param(inline)]
    pub sort: Option<ProjectSort>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// The bound in every currency that has a rate.
fn value_ranges(
    min: Option<Money>,
    max: Option<Money>,
    rates: &Rates,
) -> Result<Vec<ValueRange>, AppError> {
    let from = min
        .or(max)
        .map(Money::currency)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no bound")))?;
    let from_rate = rates.get(from.code()).ok_or_else(|| {
        AppError::validation("currency", "no exchange rate is known for this currency")
    })?;
    let mut ranges = Vec::new();
    for (code, rate) in rates {
        let Ok(to) = Currency::parse(code) else {
            continue;
        };
        let convert = |m: Option<Money>| {
            m.map(|m| {
                m.convert(to, *from_rate, *rate)
                    .map_or(i64::MAX, Money::minor)
            })
        };
        ranges.push(ValueRange {
            currency: code.clone(),
            min_minor: convert(min),
            max_minor: convert(max),
        });
    }
    Ok(ranges)
}

/// A value in US dollars for sorting; projects in currencies without a rate sort last.
fn usd_value(key: &SortKey, rates: &Rates) -> Decimal {
    Currency::parse(&key.value_currency)
        .ok()
        .zip(rates.get(&key.value_currency))
        .map(|(c, rate)| Money::from_minor(key.value_minor, c).amount() / rate)
        .unwrap_or(Decimal::MIN)
}

/// How well the title matches the words: a word at the start of a title word counts.
fn relevance(key: &SortKey, words: &[String]) -> usize {
    let title = tokens(&format!("{} {}", key.title_id, key.title_en));
    words
        .iter()
        .filter(|w| title.iter().any(|t| t.starts_with(w.as_str())))
        .count()
}

/// A checked project search: the filters of `GET /projects`, for a page or an export.
pub struct Search {
    filter: ProjectFilter,
    min: Option<Money>,
    max: Option<Money>,
    sort: ProjectSort,
}

impl Search {
    /// Counts a text search (one with words in `q`) against the caller's search limit: the
    /// signed-in account's, else the client address's. A list without words is not a search.
    pub fn count_against(
        &self,
        throttle: &Throttle,
        user: Option<&AuthenticatedUser>,
        client: &ClientAddress,
    ) -> Result<(), AppError> {
        if self.filter.words.is_empty() {
            return Ok(());
        }
        throttle.check_caller(Limit::Search, user, client)
    }

    /// Checks the query's codes and values and what the caller may see.
    pub fn from_query(
        catalogue: &Catalogue,
        user: Option<&AuthenticatedUser>,
        query: &ProjectQuery,
    ) -> Result<Self, AppError> {
        let mut filter = ProjectFilter {
            statuses: vec![
                query
                    .status
                    .unwrap_or(ProjectStatus::Published)
                    .as_ref()
                    .to_owned(),
            ],
            region: query.region.clone(),
            province: query.province.clone(),
            stage: query.stage.map(|s| s.as_ref().to_owned()),
            instrument: query.instrument.map(|i| i.as_ref().to_owned()),
            ikn_related: query.ikn_related,
            words: query
                .q
                .as_deref()
                .map(text::query_words)
                .transpose()?
                .unwrap_or_default(),
            ..ProjectFilter::default()
        };
        if let Some(status) = query.status
            && !matches!(status, ProjectStatus::Published | ProjectStatus::Closed)
        {
            match user {
                Some(u) if policy::oversees_programme(u) => {}
                Some(u) if policy::speaks_for_a_region(u) => filter.region = u.region_code.clone(),
                _ => {
                    return Err(AppError::Forbidden(
                        "only staff and regions' officials see unpublished projects".into(),
                    ));
                }
            }
            if query.region.is_some()
                && query.region != filter.region
                && !user.is_some_and(policy::oversees_programme)
            {
                return Err(AppError::Forbidden(
                    "officials see only their own region's unpublished projects".into(),
                ));
            }
        }
        if let Some(sector) = &query.sector {
            if catalogue.sector(sector).is_none() {
                return Err(AppError::validation("sector", "is not an ISIC Rev.4 code"));
            }
            filter.sector = Some(sector.clone());
        }
        if let Some(dimension) = &query.dimension {
            if !catalogue.is_dimension(dimension) {
                return Err(AppError::validation(
                    "dimension",
                    "is not a Smart City dimension",
                ));
            }
            filter.dimensions.push(dimension.clone());
        }
        if let Some(element) = &query.element {
            if catalogue.element_dimension(element).is_none() {
                return Err(AppError::validation(
                    "element",
                    "is not a Smart City element",
                ));
            }
            filter.dimensions.push(element.clone());
        }
        let currency = query.currency.clone().unwrap_or_else(|| "IDR".into());
        let bound = |field: &str, value: &Option<String>| {
            value
                .as_deref()
                .map(|v| Money::parse(v, &currency).map_err(|e| AppError::validation(field, e)))
                .transpose()
        };
        let min = bound("min_value", &query.min_value)?;
        let max = bound("max_value", &query.max_value)?;
        if let (Some(min), Some(max)) = (min, max)
            && min.minor() > max.minor()
        {
            return Err(AppError::validation(
                "min_value",
                "must not exceed max_value",
            ));
        }
        Ok(Search {
            filter,
            min,
            max,
            sort: query.sort.unwrap_or_default(),
        })
    }

    /// The same search of one project only: whether it matches.
    pub fn only(mut self, project_id: &str) -> Self {
        self.filter.project_id = Some(project_id.to_owned());
        self
    }

    /// The same search of the projects published after `at` only.
    pub fn published_after(mut self, at: chrono::NaiveDateTime) -> Self {
        self.filter.published_after = Some(at);
        self
    }

    /// One window of the matching projects, in the chosen order, with the total.
    pub fn run(
        mut self,
        conn: &mut AnyConnection,
        catalogue: &Catalogue,
        viewer: Option<&AuthenticatedUser>,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<Project>, i64), AppError> {
        let rates = crate::matchmaker::rates(conn)?;
        if self.min.is_some() || self.max.is_some() {
            self.filter.value_ranges = Some(value_ranges(self.min, self.max, &rates)?);
        }
        let words = self.filter.words.clone();
        let mut keys = rows::matching_keys(conn, &self.filter)?;
        match self.sort {
            ProjectSort::Newest => keys.sort_by(|a, b| {
                b.created_at
                    .cmp(&a.created_at)
                    .then_with(|| a.id.cmp(&b.id))
            }),
            ProjectSort::Value => keys.sort_by(|a, b| {
                usd_value(b, &rates)
                    .cmp(&usd_value(a, &rates))
                    .then_with(|| a.id.cmp(&b.id))
            }),
            ProjectSort::Relevance => keys.sort_by_cached_key(|k| {
                (
                    Reverse(relevance(k, &words)),
                    Reverse(k.created_at),
                    k.id.clone(),
                )
            }),
        }
        let total = i64::try_from(keys.len()).unwrap_or(i64::MAX);
        let ids: Vec<String> = keys
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(0))
            .map(|k| k.id)
            .collect();
        let items = load_many(conn, catalogue, &ids, viewer)?;
        Ok((items, total))
    }
}
