//! Investors' saved searches.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::saved_searches;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = saved_searches)]
pub struct SavedSearchRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    /// JSON of the filters.
    pub filters: String,
    pub alert: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, row: &SavedSearchRow) -> QueryResult<()> {
    diesel::insert_into(saved_searches::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<SavedSearchRow>> {
    saved_searches::table
        .find(id)
        .select(SavedSearchRow::as_select())
        .first(conn)
        .optional()
}

/// A person's saved searches, the oldest first.
pub fn of_user(conn: &mut AnyConnection, user_id: &str) -> QueryResult<Vec<SavedSearchRow>> {
    saved_searches::table
        .filter(saved_searches::user_id.eq(user_id))
        .order((saved_searches::created_at, saved_searches::id))
        .select(SavedSearchRow::as_select())
        .load(conn)
}

/// Every saved search with this alert, of anyone.
pub fn with_alert(conn: &mut AnyConnection, alert: &str) -> QueryResult<Vec<SavedSearchRow>> {
    saved_searches::table
        .filter(saved_searches::alert.eq(alert))
        .order((saved_searches::created_at, saved_searches::id))
        .select(SavedSearchRow::as_select())
        .load(conn)
}

pub fn count_of_user(conn: &mut AnyConnection, user_id: &str) -> QueryResult<i64> {
    saved_searches::table
        .filter(saved_searches::user_id.eq(user_id))
        .count()
        .get_result(conn)
}

pub fn set_alert(conn: &mut AnyConnection, id: &str, alert: &str) -> QueryResult<()> {
    diesel::update(saved_searches::table.find(id))
        .set(saved_searches::alert.eq(alert))
        .execute(conn)
        .map(drop)
}

pub fn delete(conn: &mut AnyConnection, id: &str) -> QueryResult<()> {
    diesel::delete(saved_searches::table.find(id))
        .execute(conn)
        .map(drop)
}
