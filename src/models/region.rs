//! Region lists and the profiles officials write for their regions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{region_profiles, regions};
use crate::db::{AnyConnection, lower};
use crate::models::reference::Region;

/// A region's profile; list and map columns hold JSON.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = region_profiles, treat_none_as_null = true)]
pub struct ProfileRow {
    pub region_code: String,
    pub summary_id: String,
    pub summary_en: String,
    pub leading_sectors: String,
    pub maturity: String,
    pub contacts: String,
    pub incentives_id: String,
    pub incentives_en: String,
    pub documents: String,
    pub demo: bool,
    pub updated_at: NaiveDateTime,
    pub updated_by: Option<String>,
}

/// Filters of the region list.
#[derive(Debug, Default)]
pub struct RegionFilter {
    pub province: Option<String>,
    /// province, kabupaten or kota.
    pub kind: Option<String>,
    pub ikn_related: Option<bool>,
    /// Words in the name.
    pub name_words: Vec<String>,
}

fn filtered(filter: &RegionFilter) -> regions::BoxedQuery<'_, crate::db::MultiBackend> {
    let mut query = regions::table.into_boxed();
    if let Some(province) = &filter.province {
        query = query.filter(regions::province_code.eq(province));
    }
    if let Some(kind) = &filter.kind {
        query = query.filter(regions::kind.eq(kind));
    }
    match filter.ikn_related {
        Some(true) => query = query.filter(regions::ikn_relation.is_not_null()),
        Some(false) => query = query.filter(regions::ikn_relation.is_null()),
        None => {}
    }
    for word in &filter.name_words {
        query = query.filter(lower(regions::name).like(format!("%{word}%")));
    }
    query
}

/// One page of regions by code, with the total count.
pub fn list(
    conn: &mut AnyConnection,
    filter: &RegionFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Region>, i64)> {
    let total = filtered(filter).count().get_result(conn)?;
    let rows = filtered(filter)
        .order(regions::code)
        .offset(offset)
        .limit(limit)
        .select(Region::as_select())
        .load(conn)?;
    Ok((rows, total))
}

pub fn provinces(conn: &mut AnyConnection) -> QueryResult<Vec<Region>> {
    regions::table
        .filter(regions::kind.eq("province"))
        .order(regions::code)
        .select(Region::as_select())
        .load(conn)
}

pub fn find(
    conn: &mut AnyConnection,
    code: &str,
) -> QueryResult<Option<(Region, Option<ProfileRow>)>> {
    regions::table
        .left_join(region_profiles::table)
        .filter(regions::code.eq(code))
        .select((Region::as_select(), Option::<ProfileRow>::as_select()))
        .first(conn)
        .optional()
}

/// Inserts or replaces a region's profile.
pub fn put_profile(conn: &mut AnyConnection, row: &ProfileRow) -> QueryResult<()> {
    let changed = diesel::update(region_profiles::table.find(&row.region_code))
        .set(row)
        .execute(conn)?;
    if changed == 0 {
        diesel::insert_into(region_profiles::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// The codes of the regions that have a profile.
pub fn profiled_regions(conn: &mut AnyConnection) -> QueryResult<Vec<String>> {
    region_profiles::table
        .select(region_profiles::region_code)
        .order(region_profiles::region_code)
        .load(conn)
}
