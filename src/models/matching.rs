//! Investors' feedback on matches, and the version counter that tells every instance when its
//! matching index is stale.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{investors, mandates, match_feedback, match_state};
use crate::models::investor::{InvestorRow, MandateRow};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = match_feedback)]
pub struct FeedbackRow {
    pub investor_id: String,
    pub project_id: String,
    pub interest: String,
    pub updated_at: NaiveDateTime,
}

/// Records (or replaces) an investor's feedback on a project.
pub fn put_feedback(conn: &mut AnyConnection, row: &FeedbackRow) -> QueryResult<()> {
    let target = match_feedback::table.find((&row.investor_id, &row.project_id));
    let changed = diesel::update(target)
        .set((
            match_feedback::interest.eq(&row.interest),
            match_feedback::updated_at.eq(row.updated_at),
        ))
        .execute(conn)?;
    if changed == 0 {
        diesel::insert_into(match_feedback::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete_feedback(
    conn: &mut AnyConnection,
    investor_id: &str,
    project_id: &str,
) -> QueryResult<usize> {
    diesel::delete(match_feedback::table.find((investor_id, project_id))).execute(conn)
}

/// An investor's feedback, newest first.
pub fn feedback_of(conn: &mut AnyConnection, investor_id: &str) -> QueryResult<Vec<FeedbackRow>> {
    match_feedback::table
        .filter(match_feedback::investor_id.eq(investor_id))
        .order((
            match_feedback::updated_at.desc(),
            match_feedback::project_id,
        ))
        .select(FeedbackRow::as_select())
        .load(conn)
}

/// Every (investor, project) pair marked not interested.
pub fn not_interested_pairs(conn: &mut AnyConnection) -> QueryResult<Vec<(String, String)>> {
    match_feedback::table
        .filter(match_feedback::interest.eq("not_interested"))
        .select((match_feedback::investor_id, match_feedback::project_id))
        .load(conn)
}

/// Feedback given on one project, by investor.
pub fn feedback_on(conn: &mut AnyConnection, project_id: &str) -> QueryResult<Vec<FeedbackRow>> {
    match_feedback::table
        .filter(match_feedback::project_id.eq(project_id))
        .select(FeedbackRow::as_select())
        .load(conn)
}

/// The current version of everything the matching index is built from.
pub fn version(conn: &mut AnyConnection) -> QueryResult<i64> {
    match_state::table
        .find(1)
        .select(match_state::version)
        .first(conn)
}

/// Marks the matching index stale everywhere; call inside the transaction of the change.
pub fn bump_version(conn: &mut AnyConnection) -> QueryResult<()> {
    diesel::update(match_state::table.find(1))
        .set(match_state::version.eq(match_state::version + 1))
        .execute(conn)
        .map(drop)
}

/// Verified investors whose mandate lets regions see them.
pub fn discoverable_investors(
    conn: &mut AnyConnection,
) -> QueryResult<Vec<(InvestorRow, MandateRow)>> {
    investors::table
        .inner_join(mandates::table)
        .filter(investors::verified_at.is_not_null())
        .filter(mandates::discoverable.eq(true))
        .order(investors::id)
        .select((InvestorRow::as_select(), MandateRow::as_select()))
        .load(conn)
}
