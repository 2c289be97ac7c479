//! Deals with their steps, and the data room's NDAs, acceptances and grants.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{
    data_room_grants, deal_steps, deals, events, meetings, nda_acceptances, region_ndas,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = deals)]
pub struct DealRow {
    pub id: String,
    pub investor_id: String,
    pub region_code: String,
    pub project_id: Option<String>,
    pub stage: String,
    pub closed_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = deal_steps)]
pub struct DealStepRow {
    pub id: String,
    pub deal_id: String,
    pub stage: String,
    pub source: String,
    pub actor_id: Option<String>,
    pub meeting_id: Option<String>,
    pub amount_minor: Option<i64>,
    pub amount_currency: Option<String>,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
}

/// The investor's deal about the project, or about the region when `project_id` is none.
pub fn find_for(
    conn: &mut AnyConnection,
    investor_id: &str,
    region_code: &str,
    project_id: Option<&str>,
) -> QueryResult<Option<DealRow>> {
    let mut query = deals::table
        .filter(deals::investor_id.eq(investor_id))
        .filter(deals::region_code.eq(region_code))
        .select(DealRow::as_select())
        .into_boxed();
    query = match project_id {
        Some(project) => query.filter(deals::project_id.eq(project)),
        None => query.filter(deals::project_id.is_null()),
    };
    query.first(conn).optional()
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<DealRow>> {
    deals::table
        .find(id)
        .select(DealRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut AnyConnection, row: &DealRow) -> QueryResult<()> {
    diesel::insert_into(deals::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Moves the deal to `stage` at `at`, with the reason when it is closed.
pub fn set_stage(
    conn: &mut AnyConnection,
    id: &str,
    stage: &str,
    closed_reason: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(deals::table.find(id))
        .set((
            deals::stage.eq(stage),
            deals::closed_reason.eq(closed_reason),
            deals::updated_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

pub fn insert_step(conn: &mut AnyConnection, row: &DealStepRow) -> QueryResult<()> {
    diesel::insert_into(deal_steps::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Which deals a list holds: every filter given narrows it.
#[derive(Debug, Default, Clone)]
pub struct DealFilter {
    pub investor_id: Option<String>,
    pub region_code: Option<String>,
    pub project_id: Option<String>,
    pub stage: Option<String>,
}

/// The deals the filter holds, the most recently moved first.
pub fn list(conn: &mut AnyConnection, filter: &DealFilter) -> QueryResult<Vec<DealRow>> {
    let mut query = deals::table.select(DealRow::as_select()).into_boxed();
    if let Some(investor) = &filter.investor_id {
        query = query.filter(deals::investor_id.eq(investor));
    }
    if let Some(region) = &filter.region_code {
        query = query.filter(deals::region_code.eq(region));
    }
    if let Some(project) = &filter.project_id {
        query = query.filter(deals::project_id.eq(project));
    }
    if let Some(stage) = &filter.stage {
        query = query.filter(deals::stage.eq(stage));
    }
    query
        .order((deals::updated_at.desc(), deals::id))
        .load(conn)
}

/// The steps of these deals, oldest first.
pub fn steps_of(conn: &mut AnyConnection, ids: &[String]) -> QueryResult<Vec<DealStepRow>> {
    deal_steps::table
        .filter(deal_steps::deal_id.eq_any(ids))
        .order((deal_steps::created_at, deal_steps::id))
        .select(DealStepRow::as_select())
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = region_ndas)]
pub struct NdaRow {
    pub region_code: String,
    pub version: i32,
    pub text_id: String,
    pub text_en: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// The region's NDA in force: its latest version.
pub fn current_nda(conn: &mut AnyConnection, region_code: &str) -> QueryResult<Option<NdaRow>> {
    region_ndas::table
        .filter(region_ndas::region_code.eq(region_code))
        .order(region_ndas::version.desc())
        .select(NdaRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert_nda(conn: &mut AnyConnection, row: &NdaRow) -> QueryResult<()> {
    diesel::insert_into(region_ndas::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = nda_acceptances)]
pub struct AcceptanceRow {
    pub project_id: String,
    pub investor_id: String,
    pub region_code: String,
    pub version: i32,
    pub accepted_by: String,
    pub accepted_at: NaiveDateTime,
}

/// Every acceptance of the project's NDA, or only the investor's, the latest first.
pub fn acceptances(
    conn: &mut AnyConnection,
    project_id: &str,
    investor_id: Option<&str>,
) -> QueryResult<Vec<AcceptanceRow>> {
    let mut query = nda_acceptances::table
        .filter(nda_acceptances::project_id.eq(project_id))
        .select(AcceptanceRow::as_select())
        .into_boxed();
    if let Some(investor) = investor_id {
        query = query.filter(nda_acceptances::investor_id.eq(investor));
    }
    query.order(nda_acceptances::accepted_at.desc()).load(conn)
}

/// Records an acceptance; accepting the same version again keeps the first.
pub fn accept(conn: &mut AnyConnection, row: &AcceptanceRow) -> QueryResult<()> {
    let existing = nda_acceptances::table
        .find((&row.project_id, &row.investor_id, row.version))
        .count()
        .get_result::<i64>(conn)?;
    if existing == 0 {
        diesel::insert_into(nda_acceptances::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = data_room_grants)]
pub struct GrantRow {
    pub project_id: String,
    pub investor_id: String,
    pub granted_by: String,
    pub granted_at: NaiveDateTime,
}

/// Every grant of the project's data room, or only the investor's.
pub fn grants(
    conn: &mut AnyConnection,
    project_id: &str,
    investor_id: Option<&str>,
) -> QueryResult<Vec<GrantRow>> {
    let mut query = data_room_grants::table
        .filter(data_room_grants::project_id.eq(project_id))
        .select(GrantRow::as_select())
        .into_boxed();
    if let Some(investor) = investor_id {
        query = query.filter(data_room_grants::investor_id.eq(investor));
    }
    query.order(data_room_grants::granted_at.desc()).load(conn)
}

/// Records a grant; granting twice keeps the first.
pub fn grant(conn: &mut AnyConnection, row: &GrantRow) -> QueryResult<()> {
    let existing = data_room_grants::table
        .find((&row.project_id, &row.investor_id))
        .count()
        .get_result::<i64>(conn)?;
    if existing == 0 {
        diesel::insert_into(data_room_grants::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// The event (id and name) of each of these meetings.
pub fn events_of_meetings(
    conn: &mut AnyConnection,
    meeting_ids: &[String],
) -> QueryResult<Vec<(String, String, String)>> {
    meetings::table
        .inner_join(events::table)
        .filter(meetings::id.eq_any(meeting_ids))
        .select((meetings::id, events::id, events::name))
        .load(conn)
}
