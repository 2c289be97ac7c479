//! Projects, their many-valued attributes (sectors, dimensions, instruments) and review history.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{
    project_dimensions, project_events, project_incentives, project_instruments, project_permits,
    project_sectors, projects, regions,
};
use crate::db::{AnyConnection, MultiBackend};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = projects)]
pub struct ProjectRow {
    pub id: String,
    pub region_code: String,
    pub title_id: String,
    pub title_en: String,
    pub description_id: String,
    pub description_en: String,
    pub kbli: Option<String>,
    pub stage: String,
    pub value_minor: i64,
    pub value_currency: String,
    pub expected_irr_pct: Option<f64>,
    pub payback_years: Option<f64>,
    pub land_note_id: Option<String>,
    pub permit_note_id: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub status: String,
    pub review_comment: Option<String>,
    pub search_text: String,
    pub demo: bool,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub land_note_en: Option<String>,
    pub permit_note_en: Option<String>,
    pub risk_level: Option<String>,
    pub land_status: Option<String>,
    pub contact_name: Option<String>,
    pub contact_role: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
}

/// What a project's region writes about it: set on creation and replaced whole by every edit,
/// an absent optional value clearing its column.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = projects, treat_none_as_null = true)]
pub struct ProjectContent {
    pub region_code: String,
    pub title_id: String,
    pub title_en: String,
    pub description_id: String,
    pub description_en: String,
    pub kbli: Option<String>,
    pub stage: String,
    pub value_minor: i64,
    pub value_currency: String,
    pub expected_irr_pct: Option<f64>,
    pub payback_years: Option<f64>,
    pub risk_level: Option<String>,
    pub land_status: Option<String>,
    pub land_note_id: Option<String>,
    pub land_note_en: Option<String>,
    pub permit_note_id: Option<String>,
    pub permit_note_en: Option<String>,
    pub contact_name: Option<String>,
    pub contact_role: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub search_text: String,
}

/// A project to store: its content, and the bookkeeping only creation sets.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = projects)]
pub struct NewProject {
    pub id: String,
    #[diesel(embed)]
    pub content: ProjectContent,
    pub status: String,
    pub demo: bool,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
}

/// The many-valued attributes of a project.
#[derive(Debug, Clone, Default)]
pub struct ProjectCodes {
    /// The ISIC codes given for the project.
    pub sectors: Vec<String>,
    /// Every ISIC code the project falls under: the given ones and all their ancestors.
    pub sector_index: Vec<String>,
    /// Dimension codes (GOV) and element codes (GOV-1).
    pub dimensions: Vec<String>,
    pub instruments: Vec<String>,
    pub incentives: Vec<String>,
    pub permits: Vec<PermitRow>,
}

/// A permit the project needs, and how far it has come.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = project_permits)]
pub struct PermitRow {
    pub kind: String,
    pub status: String,
    pub reference: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = project_events)]
pub struct ProjectEvent {
    pub id: String,
    pub project_id: String,
    pub actor_id: String,
    pub from_status: String,
    pub to_status: String,
    pub comment: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Inserts a project with its attributes.
pub fn insert(conn: &mut AnyConnection, new: &NewProject, codes: &ProjectCodes) -> QueryResult<()> {
    diesel::insert_into(projects::table)
        .values(new)
        .execute(conn)?;
    insert_codes(conn, &new.id, codes)
}

/// Replaces a project's content and attributes, as changed at `at`.
pub fn replace(
    conn: &mut AnyConnection,
    id: &str,
    content: &ProjectContent,
    codes: &ProjectCodes,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(projects::table.find(id))
        .set((content, projects::updated_at.eq(at)))
        .execute(conn)?;
    diesel::delete(project_sectors::table.filter(project_sectors::project_id.eq(id)))
        .execute(conn)?;
    diesel::delete(project_dimensions::table.filter(project_dimensions::project_id.eq(id)))
        .execute(conn)?;
    diesel::delete(project_instruments::table.filter(project_instruments::project_id.eq(id)))
        .execute(conn)?;
    diesel::delete(project_incentives::table.filter(project_incentives::project_id.eq(id)))
        .execute(conn)?;
    diesel::delete(project_permits::table.filter(project_permits::project_id.eq(id)))
        .execute(conn)?;
    insert_codes(conn, id, codes)
}

fn insert_codes(conn: &mut AnyConnection, id: &str, codes: &ProjectCodes) -> QueryResult<()> {
    for code in &codes.sector_index {
        diesel::insert_into(project_sectors::table)
            .values((
                project_sectors::project_id.eq(id),
                project_sectors::code.eq(code),
                project_sectors::direct.eq(codes.sectors.contains(code)),
            ))
            .execute(conn)?;
    }
    for code in &codes.dimensions {
        diesel::insert_into(project_dimensions::table)
            .values((
                project_dimensions::project_id.eq(id),
                project_dimensions::code.eq(code),
            ))
            .execute(conn)?;
    }
    for instrument in &codes.instruments {
        diesel::insert_into(project_instruments::table)
            .values((
                project_instruments::project_id.eq(id),
                project_instruments::instrument.eq(instrument),
            ))
            .execute(conn)?;
    }
    for incentive in &codes.incentives {
        diesel::insert_into(project_incentives::table)
            .values((
                project_incentives::project_id.eq(id),
                project_incentives::incentive.eq(incentive),
            ))
            .execute(conn)?;
    }
    for permit in &codes.permits {
        diesel::insert_into(project_permits::table)
            .values((
                project_permits::project_id.eq(id),
                project_permits::kind.eq(&permit.kind),
                project_permits::status.eq(&permit.status),
                project_permits::reference.eq(&permit.reference),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<ProjectRow>> {
    projects::table
        .find(id)
        .select(ProjectRow::as_select())
        .first(conn)
        .optional()
}

/// The attributes of each of the given projects.
pub fn codes_of(
    conn: &mut AnyConnection,
    ids: &[String],
) -> QueryResult<HashMap<String, ProjectCodes>> {
    let sectors = project_sectors::table
        .filter(project_sectors::project_id.eq_any(ids))
        .select((
            project_sectors::project_id,
            project_sectors::code,
            project_sectors::direct,
        ))
        .load(conn)?;
    let dimensions = project_dimensions::table
        .filter(project_dimensions::project_id.eq_any(ids))
        .select((project_dimensions::project_id, project_dimensions::code))
        .load(conn)?;
    let instruments = project_instruments::table
        .filter(project_instruments::project_id.eq_any(ids))
        .select((
            project_instruments::project_id,
            project_instruments::instrument,
        ))
        .load(conn)?;
    let incentives = project_incentives::table
        .filter(project_incentives::project_id.eq_any(ids))
        .select((
            project_incentives::project_id,
            project_incentives::incentive,
        ))
        .load(conn)?;
    let permits = project_permits::table
        .filter(project_permits::project_id.eq_any(ids))
        .select((project_permits::project_id, PermitRow::as_select()))
        .load(conn)?;
    let mut map: HashMap<String, ProjectCodes> = ids
        .iter()
        .map(|id| (id.clone(), ProjectCodes::default()))
        .collect();
    gather_codes(
        &mut map,
        CodeRows {
            sectors,
            dimensions,
            instruments,
            incentives,
            permits,
        },
    );
    Ok(map)
}

/// The published projects of these regions, by English title.
pub fn published_in(conn: &mut AnyConnection, regions: &[String]) -> QueryResult<Vec<ProjectRow>> {
    projects::table
        .filter(projects::status.eq("published"))
        .filter(projects::region_code.eq_any(regions))
        .order(projects::title_en)
        .select(ProjectRow::as_select())
        .load(conn)
}

/// Every published project with its attributes, however many there are.
pub fn published_with_codes(
    conn: &mut AnyConnection,
) -> QueryResult<Vec<(ProjectRow, ProjectCodes)>> {
    let published = projects::status.eq("published");
    let rows: Vec<ProjectRow> = projects::table
        .filter(published)
        .select(ProjectRow::as_select())
        .load(conn)?;
    let sectors = project_sectors::table
        .inner_join(projects::table)
        .filter(published)
        .select((
            project_sectors::project_id,
            project_sectors::code,
            project_sectors::direct,
        ))
        .load(conn)?;
    let dimensions = project_dimensions::table
        .inner_join(projects::table)
        .filter(published)
        .select((project_dimensions::project_id, project_dimensions::code))
        .load(conn)?;
    let instruments = project_instruments::table
        .inner_join(projects::table)
        .filter(published)
        .select((
            project_instruments::project_id,
            project_instruments::instrument,
        ))
        .load(conn)?;
    let incentives = project_incentives::table
        .inner_join(projects::table)
        .filter(published)
        .select((
            project_incentives::project_id,
            project_incentives::incentive,
        ))
        .load(conn)?;
    let permits = project_permits::table
        .inner_join(projects::table)
        .filter(published)
        .select((project_permits::project_id, PermitRow::as_select()))
        .load(conn)?;
    let mut map: HashMap<String, ProjectCodes> = HashMap::with_capacity(rows.len());
    gather_codes(
        &mut map,
        CodeRows {
            sectors,
            dimensions,
            instruments,
            incentives,
            permits,
        },
    );
    Ok(rows
        .into_iter()
        .map(|row| {
            let codes = map.remove(&row.id).unwrap_or_default();
            (row, codes)
        })
        .collect())
}

/// The attribute rows of some projects, each tagged with its project's id.
struct CodeRows {
    sectors: Vec<(String, String, bool)>,
    dimensions: Vec<(String, String)>,
    instruments: Vec<(String, String)>,
    incentives: Vec<(String, String)>,
    permits: Vec<(String, PermitRow)>,
}

/// Files attribute rows under their projects, each list sorted.
fn gather_codes(map: &mut HashMap<String, ProjectCodes>, rows: CodeRows) {
    for (id, code, direct) in rows.sectors {
        let entry = map.entry(id).or_default();
        if direct {
            entry.sectors.push(code.clone());
        }
        entry.sector_index.push(code);
    }
    for (id, code) in rows.dimensions {
        map.entry(id).or_default().dimensions.push(code);
    }
    for (id, instrument) in rows.instruments {
        map.entry(id).or_default().instruments.push(instrument);
    }
    for (id, incentive) in rows.incentives {
        map.entry(id).or_default().incentives.push(incentive);
    }
    for (id, permit) in rows.permits {
        map.entry(id).or_default().permits.push(permit);
    }
    for codes in map.values_mut() {
        codes.sectors.sort();
        codes.sector_index.sort();
        codes.dimensions.sort();
        codes.instruments.sort();
        codes.incentives.sort();
        codes.permits.sort_by(|a, b| a.kind.cmp(&b.kind));
    }
}

pub fn set_status(
    conn: &mut AnyConnection,
    id: &str,
    status: &str,
    review_comment: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let target = projects::table.find(id);
    diesel::update(target)
        .set((
            projects::status.eq(status),
            projects::review_comment.eq(review_comment),
            projects::updated_at.eq(at),
        ))
        .execute(conn)?;
    if status == "published" {
        diesel::update(target)
            .set(projects::published_at.eq(at))
            .execute(conn)?;
    }
    Ok(())
}

pub fn insert_event(conn: &mut AnyConnection, event: &ProjectEvent) -> QueryResult<()> {
    diesel::insert_into(project_events::table)
        .values(event)
        .execute(conn)
        .map(drop)
}

pub fn history(conn: &mut AnyConnection, id: &str) -> QueryResult<Vec<ProjectEvent>> {
    project_events::table
        .filter(project_events::project_id.eq(id))
        .order((project_events::created_at, project_events::id))
        .select(ProjectEvent::as_select())
        .load(conn)
}

/// A value range in one currency, in minor units.
#[derive(Debug, Clone)]
pub struct ValueRange {
    pub currency: String,
    pub min_minor: Option<i64>,
    pub max_minor: Option<i64>,
}

/// Filters of the project list; every field narrows the result.
#[derive(Debug, Default)]
pub struct ProjectFilter {
    pub statuses: Vec<String>,
    pub region: Option<String>,
    pub province: Option<String>,
    /// An ISIC code at any level.
    pub sector: Option<String>,
    /// A dimension (GOV) or element (GOV-1) code.
    pub dimensions: Vec<String>,
    pub stage: Option<String>,
    pub instrument: Option<String>,
    pub ikn_related: Option<bool>,
    /// The value bounds stated in each currency that has an exchange rate; a project matches when
    /// its own currency's range holds its value. `None` means no value filter.
    pub value_ranges: Option<Vec<ValueRange>>,
    /// Words each of which must begin a word of the title or description.
    pub words: Vec<String>,
    /// Only this project: whether it passes the other filters.
    pub project_id: Option<String>,
    /// Only projects published after this time.
    pub published_after: Option<NaiveDateTime>,
}

/// What sorting a page of projects needs, for every project that passes the filters.
#[derive(Debug, Clone, Queryable)]
pub struct SortKey {
    pub id: String,
    pub created_at: NaiveDateTime,
    pub value_minor: i64,
    pub value_currency: String,
    pub title_id: String,
    pub title_en: String,
}

type Condition =
    Box<dyn BoxableExpression<projects::table, MultiBackend, SqlType = diesel::sql_types::Bool>>;

fn value_condition(range: &ValueRange) -> Condition {
    let mut condition: Condition = Box::new(projects::value_currency.eq(range.currency.clone()));
    if let Some(min) = range.min_minor {
        condition = Box::new(condition.and(projects::value_minor.ge(min)));
    }
    if let Some(max) = range.max_minor {
        condition = Box::new(condition.and(projects::value_minor.le(max)));
    }
    condition
}

/// The sort keys of every project that passes the filter.
pub fn matching_keys(
    conn: &mut AnyConnection,
    filter: &ProjectFilter,
) -> QueryResult<Vec<SortKey>> {
    let mut query = projects::table.into_boxed::<MultiBackend>();
    if !filter.statuses.is_empty() {
        query = query.filter(projects::status.eq_any(filter.statuses.clone()));
    }
    if let Some(region) = &filter.region {
        query = query.filter(projects::region_code.eq(region.clone()));
    }
    if let Some(province) = &filter.province {
        let in_province = regions::table
            .select(regions::code)
            .filter(regions::province_code.eq(province.clone()));
        query = query.filter(projects::region_code.eq_any(in_province));
    }
    if let Some(flag) = filter.ikn_related {
        let ikn = regions::table
            .select(regions::code)
            .filter(regions::ikn_relation.is_not_null());
        query = if flag {
            query.filter(projects::region_code.eq_any(ikn))
        } else {
            query.filter(projects::region_code.ne_all(ikn))
        };
    }
    if let Some(sector) = &filter.sector {
        let with_sector = project_sectors::table
            .select(project_sectors::project_id)
            .filter(project_sectors::code.eq(sector.clone()));
        query = query.filter(projects::id.eq_any(with_sector));
    }
    for code in &filter.dimensions {
        let with_code = project_dimensions::table
            .select(project_dimensions::project_id)
            .filter(project_dimensions::code.eq(code.clone()));
        query = query.filter(projects::id.eq_any(with_code));
    }
    if let Some(stage) = &filter.stage {
        query = query.filter(projects::stage.eq(stage.clone()));
    }
    if let Some(instrument) = &filter.instrument {
        let with_instrument = project_instruments::table
            .select(project_instruments::project_id)
            .filter(project_instruments::instrument.eq(instrument.clone()));
        query = query.filter(projects::id.eq_any(with_instrument));
    }
    if let Some(ranges) = &filter.value_ranges {
        let mut any: Condition = Box::new(diesel::dsl::sql::<diesel::sql_types::Bool>("1 = 0"));
        for range in ranges {
            any = Box::new(any.or(value_condition(range)));
        }
        query = query.filter(any);
    }
    for word in &filter.words {
        query = query.filter(projects::search_text.like(format!("% {word}%")));
    }
    if let Some(id) = &filter.project_id {
        query = query.filter(projects::id.eq(id.clone()));
    }
    if let Some(after) = filter.published_after {
        query = query.filter(projects::published_at.gt(after));
    }
    query
        .select((
            projects::id,
            projects::created_at,
            projects::value_minor,
            projects::value_currency,
            projects::title_id,
            projects::title_en,
        ))
        .load(conn)
}

pub fn find_many(conn: &mut AnyConnection, ids: &[String]) -> QueryResult<Vec<ProjectRow>> {
    projects::table
        .filter(projects::id.eq_any(ids))
        .select(ProjectRow::as_select())
        .load(conn)
}

/// How many projects there are at all: an empty database gets the demo data.
pub fn count(conn: &mut AnyConnection) -> QueryResult<i64> {
    projects::table.count().get_result(conn)
}

/// Whether the region has a project with this English title (any case): what an import
/// recognises as already there.
pub fn title_taken(conn: &mut AnyConnection, region: &str, title_en: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        projects::table
            .filter(projects::region_code.eq(region))
            .filter(crate::db::lower(projects::title_en).eq(title_en.trim().to_lowercase())),
    ))
    .get_result(conn)
}
