//! Conversations between investors and regions, their messages, and who read what.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{conversation_messages, conversation_reads, conversations};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = conversations)]
pub struct ConversationRow {
    pub id: String,
    pub investor_id: String,
    pub region_code: String,
    pub project_id: Option<String>,
    pub subject: String,
    pub started_by: String,
    pub created_at: NaiveDateTime,
    pub last_message_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = conversation_messages)]
pub struct MessageRow {
    pub id: String,
    pub conversation_id: String,
    pub author_id: String,
    pub body: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, row: &ConversationRow) -> QueryResult<()> {
    diesel::insert_into(conversations::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<ConversationRow>> {
    conversations::table
        .find(id)
        .select(ConversationRow::as_select())
        .first(conn)
        .optional()
}

/// Adds a message and moves the conversation up the lists.
pub fn add_message(conn: &mut AnyConnection, row: &MessageRow) -> QueryResult<()> {
    diesel::insert_into(conversation_messages::table)
        .values(row)
        .execute(conn)?;
    diesel::update(conversations::table.find(&row.conversation_id))
        .set(conversations::last_message_at.eq(row.created_at))
        .execute(conn)
        .map(drop)
}

/// The conversations of an investor, of a region, or (both none) all, only those about the
/// project when one is given, the latest first.
pub fn list(
    conn: &mut AnyConnection,
    investor_id: Option<&str>,
    region_code: Option<&str>,
    project_id: Option<&str>,
) -> QueryResult<Vec<ConversationRow>> {
    let mut query = conversations::table
        .select(ConversationRow::as_select())
        .into_boxed();
    if let Some(investor) = investor_id {
        query = query.filter(conversations::investor_id.eq(investor));
    }
    if let Some(region) = region_code {
        query = query.filter(conversations::region_code.eq(region));
    }
    if let Some(project) = project_id {
        query = query.filter(conversations::project_id.eq(project));
    }
    query
        .order((conversations::last_message_at.desc(), conversations::id))
        .load(conn)
}

pub fn messages(conn: &mut AnyConnection, conversation_id: &str) -> QueryResult<Vec<MessageRow>> {
    conversation_messages::table
        .filter(conversation_messages::conversation_id.eq(conversation_id))
        .order((conversation_messages::created_at, conversation_messages::id))
        .select(MessageRow::as_select())
        .load(conn)
}

/// How many messages by others each of these conversations holds that `user_id` has not read.
pub fn unread_counts(
    conn: &mut AnyConnection,
    user_id: &str,
    ids: &[String],
) -> QueryResult<Vec<(String, i64)>> {
    let reads: Vec<(String, Option<NaiveDateTime>)> = conversation_reads::table
        .filter(conversation_reads::user_id.eq(user_id))
        .filter(conversation_reads::conversation_id.eq_any(ids))
        .select((
            conversation_reads::conversation_id,
            conversation_reads::read_at,
        ))
        .load(conn)?;
    let others: Vec<(String, NaiveDateTime)> = conversation_messages::table
        .filter(conversation_messages::conversation_id.eq_any(ids))
        .filter(conversation_messages::author_id.ne(user_id))
        .select((
            conversation_messages::conversation_id,
            conversation_messages::created_at,
        ))
        .load(conn)?;
    Ok(ids
        .iter()
        .map(|id| {
            let read = reads.iter().find(|(c, _)| c == id).and_then(|(_, at)| *at);
            let count = others
                .iter()
                .filter(|(c, at)| c == id && read.is_none_or(|r| *at > r))
                .count();
            (id.clone(), i64::try_from(count).unwrap_or(i64::MAX))
        })
        .collect())
}

/// The person's read and email marks on a conversation.
fn marks(
    conn: &mut AnyConnection,
    conversation_id: &str,
    user_id: &str,
) -> QueryResult<Option<(Option<NaiveDateTime>, Option<NaiveDateTime>)>> {
    conversation_reads::table
        .find((conversation_id, user_id))
        .select((conversation_reads::read_at, conversation_reads::emailed_at))
        .first(conn)
        .optional()
}

/// Sets the person's read mark (`read_at`) or email mark (`emailed_at`), keeping the other.
fn set_marks(
    conn: &mut AnyConnection,
    conversation_id: &str,
    user_id: &str,
    read_at: Option<NaiveDateTime>,
    emailed_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    match marks(conn, conversation_id, user_id)? {
        Some((read, emailed)) => {
            diesel::update(conversation_reads::table.find((conversation_id, user_id)))
                .set((
                    conversation_reads::read_at.eq(read_at.or(read)),
                    conversation_reads::emailed_at.eq(emailed_at.or(emailed)),
                ))
                .execute(conn)
                .map(drop)
        }
        None => diesel::insert_into(conversation_reads::table)
            .values((
                conversation_reads::conversation_id.eq(conversation_id),
                conversation_reads::user_id.eq(user_id),
                conversation_reads::read_at.eq(read_at),
                conversation_reads::emailed_at.eq(emailed_at),
            ))
            .execute(conn)
            .map(drop),
    }
}

pub fn mark_read(
    conn: &mut AnyConnection,
    conversation_id: &str,
    user_id: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    set_marks(conn, conversation_id, user_id, Some(at), None)
}

pub fn mark_emailed(
    conn: &mut AnyConnection,
    conversation_id: &str,
    user_id: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    set_marks(conn, conversation_id, user_id, None, Some(at))
}

/// When the person was last emailed about the conversation, if ever.
pub fn emailed_at(
    conn: &mut AnyConnection,
    conversation_id: &str,
    user_id: &str,
) -> QueryResult<Option<NaiveDateTime>> {
    Ok(marks(conn, conversation_id, user_id)?.and_then(|(_, emailed)| emailed))
}
