//! Investor organisations and their mandates.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{investors, mandates};
use crate::domain::mandate::{Mandate, Ticket};
use crate::domain::{Currency, Money};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = investors)]
pub struct InvestorRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub country: String,
    pub website: Option<String>,
    pub description: String,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub verified_at: Option<NaiveDateTime>,
    pub verified_by: Option<String>,
    pub demo: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The fields an investor or staff may change; `None` leaves a field as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = investors)]
pub struct InvestorChanges {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub country: Option<String>,
    pub website: Option<Option<String>>,
    pub description: Option<String>,
    pub contact_name: Option<Option<String>>,
    pub contact_email: Option<Option<String>>,
    pub contact_phone: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

/// A mandate; list columns hold JSON arrays of codes.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = mandates, treat_none_as_null = true)]
pub struct MandateRow {
    pub investor_id: String,
    pub sectors: String,
    pub excluded_sectors: String,
    pub dimensions: String,
    pub elements: String,
    pub regions: String,
    pub provinces: String,
    pub ikn_related: bool,
    pub ticket_min_minor: Option<i64>,
    pub ticket_max_minor: Option<i64>,
    pub ticket_currency: Option<String>,
    pub stages: String,
    pub instruments: String,
    pub thesis: String,
    pub discoverable: bool,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, row: &InvestorRow) -> QueryResult<()> {
    diesel::insert_into(investors::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// An investor with its mandate, when it has one.
pub type InvestorWithMandate = (InvestorRow, Option<MandateRow>);

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<InvestorWithMandate>> {
    investors::table
        .left_join(mandates::table)
        .filter(investors::id.eq(id))
        .select((InvestorRow::as_select(), Option::<MandateRow>::as_select()))
        .first(conn)
        .optional()
}

pub fn update(conn: &mut AnyConnection, id: &str, changes: &InvestorChanges) -> QueryResult<()> {
    diesel::update(investors::table.find(id))
        .set(changes)
        .execute(conn)
        .map(drop)
}

/// Whether staff have verified the investor organisation.
pub fn is_verified(conn: &mut AnyConnection, id: &str) -> QueryResult<bool> {
    let verified_at: Option<Option<NaiveDateTime>> = investors::table
        .find(id)
        .select(investors::verified_at)
        .first(conn)
        .optional()?;
    Ok(verified_at.flatten().is_some())
}

pub fn set_verified(
    conn: &mut AnyConnection,
    id: &str,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(investors::table.find(id))
        .set((
            investors::verified_at.eq(at),
            investors::verified_by.eq(by),
            investors::updated_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// Inserts or replaces the mandate of an investor.
pub fn put_mandate(conn: &mut AnyConnection, row: &MandateRow) -> QueryResult<()> {
    let changed = diesel::update(mandates::table.find(&row.investor_id))
        .set(row)
        .execute(conn)?;
    if changed == 0 {
        diesel::insert_into(mandates::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// Filters of the investor list.
#[derive(Debug, Default)]
pub struct InvestorFilter {
    /// Only verified (true) or unverified (false) investors.
    pub verified: Option<bool>,
    /// Only investors whose mandate lets them be shown to regions.
    pub discoverable_only: bool,
    pub country: Option<String>,
    /// Words in the name.
    pub name_words: Vec<String>,
}

type InvestorQuery<'a> = diesel::dsl::IntoBoxed<
    'a,
    diesel::dsl::LeftJoin<investors::table, mandates::table>,
    crate::db::MultiBackend,
>;

fn filtered(filter: &InvestorFilter) -> InvestorQuery<'_> {
    let mut query = investors::table.left_join(mandates::table).into_boxed();
    match filter.verified {
        Some(true) => query = query.filter(investors::verified_at.is_not_null()),
        Some(false) => query = query.filter(investors::verified_at.is_null()),
        None => {}
    }
    if filter.discoverable_only {
        query = query.filter(mandates::discoverable.eq(true));
    }
    if let Some(country) = &filter.country {
        query = query.filter(investors::country.eq(country));
    }
    for word in &filter.name_words {
        query = query.filter(crate::db::lower(investors::name).like(format!("%{word}%")));
    }
    query
}

/// One page of investors by name, with the total count.
pub fn list(
    conn: &mut AnyConnection,
    filter: &InvestorFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<InvestorWithMandate>, i64)> {
    let total = filtered(filter).count().get_result(conn)?;
    let rows = filtered(filter)
        .order((investors::name, investors::id))
        .offset(offset)
        .limit(limit)
        .select((InvestorRow::as_select(), Option::<MandateRow>::as_select()))
        .load(conn)?;
    Ok((rows, total))
}

/// Whether an investor of this name (any case) exists in the country: what an import
/// recognises as already there.
pub fn name_taken(conn: &mut AnyConnection, name: &str, country: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        investors::table
            .filter(investors::country.eq(country.trim().to_uppercase()))
            .filter(crate::db::lower(investors::name).eq(name.trim().to_lowercase())),
    ))
    .get_result(conn)
}

/// The ids and names of the investors of this name (any case, any country), for rows that name
/// an investor rather than give its id.
pub fn named(conn: &mut AnyConnection, name: &str) -> QueryResult<Vec<(String, String)>> {
    investors::table
        .filter(crate::db::lower(investors::name).eq(name.trim().to_lowercase()))
        .order(investors::id)
        .select((investors::id, investors::name))
        .load(conn)
}

impl MandateRow {
    /// The stored mandate as the investor gave it; a list column that does not read is empty.
    pub fn mandate(&self) -> Mandate {
        let row = self;
        let ticket = match (
            row.ticket_min_minor,
            row.ticket_max_minor,
            row.ticket_currency.as_deref(),
        ) {
            (Some(min), Some(max), Some(code)) => Currency::parse(code).ok().map(|c| Ticket {
                min: Money::from_minor(min, c).amount().to_string(),
                max: Money::from_minor(max, c).amount().to_string(),
                currency: code.to_owned(),
            }),
            _ => None,
        };
        Mandate {
            sectors: parse_list(&row.sectors),
            excluded_sectors: parse_list(&row.excluded_sectors),
            dimensions: parse_list(&row.dimensions),
            elements: parse_list(&row.elements),
            regions: parse_list(&row.regions),
            provinces: parse_list(&row.provinces),
            ikn_related: row.ikn_related,
            ticket,
            stages: parse_list(&row.stages),
            instruments: parse_list(&row.instruments),
            thesis: row.thesis.clone(),
            discoverable: row.discoverable,
        }
    }
}

fn parse_list<T: for<'de> serde::Deserialize<'de>>(text: &str) -> Vec<T> {
    serde_json::from_str(text).unwrap_or_default()
}
