//! Enquiries: an investor asks a region about a project or about the region, its officials
//! answer; both sides see unread counts and get an email in their language, at most one per
//! conversation every `email.conversation_gap_minutes`. Staff may read every conversation.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{AuthenticatedUser, policy};
use crate::clock::now;
use crate::db::AnyConnection;
use crate::domain::project::ProjectStatus;
use crate::domain::{Localized, text};
use crate::error::AppError;
use crate::models::conversation::{self as rows, ConversationRow, MessageRow};
use crate::models::investor as investor_rows;
use crate::models::project as project_rows;
use crate::models::user;
use crate::notify::kinds::MessageNotice;
use crate::notify::{self, Notification};
use crate::state::AppState;
use crate::throttle::Limit;

/// A conversation as its sides and staff see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Conversation {
    pub id: String,
    pub investor_id: String,
    pub investor_name: String,
    pub region: String,
    pub region_name: String,
    /// The project asked about; none for a question about the region.
    pub project_id: Option<String>,
    pub project_title: Option<Localized>,
    pub subject: String,
    pub created_at: DateTime<Utc>,
    pub last_message_at: DateTime<Utc>,
    /// Messages by others the caller has not read.
    pub unread: i64,
    /// Oldest first; in lists, left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<Message>>,
}

/// One message.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Message {
    pub id: String,
    pub author_id: String,
    /// `investor` or `region`: the side that wrote it.
    pub side: &'static str,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// An investor's first question: about a project (its region is the project's) or a region.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartInput {
    pub project_id: Option<String>,
    /// The region's Kemendagri code, when asking about no one project.
    pub region: Option<String>,
    pub subject: String,
    pub message: String,
}

/// A message in an open conversation.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageInput {
    pub body: String,
}

fn check_subject(subject: &str) -> Result<String, AppError> {
    let subject = text::within("subject", subject, text::TITLE)?;
    if subject.is_empty() {
        return Err(AppError::validation(
            "subject",
            "say what the question is about",
        ));
    }
    Ok(subject)
}

fn check_body(field: &str, body: &str) -> Result<String, AppError> {
    let body = text::within(field, body, text::MESSAGE)?;
    if body.is_empty() {
        return Err(AppError::validation(field, "write the message"));
    }
    Ok(body)
}

/// Starts a conversation for the investor the caller speaks for; counted against the caller's
/// message limit before the write transaction opens.
pub async fn start(
    state: &AppState,
    user: AuthenticatedUser,
    input: StartInput,
) -> Result<Conversation, AppError> {
    policy::may_start_conversation(&user)?;
    let subject = check_subject(&input.subject)?;
    let body = check_body("message", &input.message)?;
    state.throttle.check(Limit::Messages, &user.id)?;
    let app = state.clone();
    state
        .db
        .write(move |conn| {
            let (region_code, project_id) = match &input.project_id {
                Some(id) => {
                    let project = project_rows::find(conn, id)?
                        .filter(|p| p.status == ProjectStatus::Published.as_ref())
                        .ok_or_else(|| {
                            AppError::validation("project_id", "is not a published project")
                        })?;
                    (project.region_code, Some(project.id))
                }
                None => {
                    let region = input.region.clone().unwrap_or_default();
                    if app.catalogue.region(&region).is_none() {
                        return Err(AppError::validation(
                            "region",
                            "name a project or a known region code",
                        ));
                    }
                    (region, None)
                }
            };
            let at = now();
            let row = ConversationRow {
                id: uuid::Uuid::new_v4().to_string(),
                investor_id: user.investor_id.clone().unwrap_or_default(),
                region_code,
                project_id,
                subject,
                started_by: user.id.clone(),
                created_at: at,
                last_message_at: at,
            };
            rows::insert(conn, &row)?;
            add(conn, &app, &user, &row, body)?;
            view(conn, &app, &user, row, true)
        })
        .await
}

/// Writes in a conversation the caller takes part in (the investor's people or the region's
/// officials); counted against the message limit like the first one.
pub async fn post(
    state: &AppState,
    user: AuthenticatedUser,
    id: String,
    input: MessageInput,
) -> Result<Conversation, AppError> {
    let body = check_body("body", &input.body)?;
    state.throttle.check(Limit::Messages, &user.id)?;
    let app = state.clone();
    state
        .db
        .write(move |conn| {
            let row = visible(conn, &user, &id)?;
            policy::may_write_in_conversation(&user, &row.investor_id, &row.region_code)?;
            add(conn, &app, &user, &row, body)?;
            let row = visible(conn, &user, &id)?;
            view(conn, &app, &user, row, true)
        })
        .await
}

/// Adds the message, marks the conversation read for its author, and tells the other side's
/// people who have not had an email about it within the gap.
fn add(
    conn: &mut AnyConnection,
    app: &AppState,
    author: &AuthenticatedUser,
    row: &ConversationRow,
    body: String,
) -> Result<(), AppError> {
    let at = now();
    let excerpt: String = body.chars().take(200).collect();
    rows::add_message(
        conn,
        &MessageRow {
            id: uuid::Uuid::new_v4().to_string(),
            conversation_id: row.id.clone(),
            author_id: author.id.clone(),
            body,
            created_at: at,
        },
    )?;
    rows::mark_read(conn, &row.id, &author.id, at)?;
    let from_investor = policy::speaks_for_an_investor(author);
    let (others, from) = if from_investor {
        let name = investor_rows::find(conn, &row.investor_id)?
            .map(|(i, _)| i.name)
            .unwrap_or_default();
        (user::region_officials(conn, &row.region_code)?, name)
    } else {
        let name = app
            .catalogue
            .region(&row.region_code)
            .map(|r| r.name.clone())
            .unwrap_or_default();
        (user::investor_users(conn, &row.investor_id)?, name)
    };
    let gap = Duration::minutes(i64::from(app.settings.email.conversation_gap_minutes));
    let mut due = Vec::new();
    for other in others {
        let emailed = rows::emailed_at(conn, &row.id, &other)?;
        if emailed.is_none_or(|last| at - last >= gap) {
            rows::mark_emailed(conn, &row.id, &other, at)?;
            due.push(other);
        }
    }
    if !due.is_empty() {
        let notice = MessageNotice {
            conversation_id: row.id.clone(),
            subject: row.subject.clone(),
            from,
            excerpt,
        };
        notify::record(conn, &due, &Notification::MessageReceived(notice))?;
    }
    Ok(())
}

/// A conversation the caller may read (its sides and staff); others are not found.
fn visible(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
) -> Result<ConversationRow, AppError> {
    rows::find(conn, id)?
        .filter(|c| policy::can_read_conversation(user, &c.investor_id, &c.region_code))
        .ok_or_else(|| AppError::not_found("conversation"))
}

/// One conversation with its messages, marked read for the caller.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn open(
    conn: &mut AnyConnection,
    app: &AppState,
    user: &AuthenticatedUser,
    id: &str,
) -> Result<Conversation, AppError> {
    let row = visible(conn, user, id)?;
    rows::mark_read(conn, &row.id, &user.id, now())?;
    view(conn, app, user, row, true)
}

/// The caller's conversations (its investor's, its region's, or all for staff), the latest
/// first, with unread counts.
#[tracing::instrument(skip_all)]
pub fn list(
    conn: &mut AnyConnection,
    app: &AppState,
    user: &AuthenticatedUser,
    about: Option<&str>,
) -> Result<Vec<Conversation>, AppError> {
    let found = if policy::oversees_programme(user) {
        rows::list(conn, None, None, about)?
    } else if policy::speaks_for_an_investor(user) {
        rows::list(conn, user.investor_id.as_deref().or(Some("")), None, about)?
    } else if policy::speaks_for_a_region(user) {
        rows::list(conn, None, user.region_code.as_deref().or(Some("")), about)?
    } else {
        Vec::new()
    };
    found
        .into_iter()
        .map(|row| view(conn, app, user, row, false))
        .collect()
}

/// The number of messages the caller has not read, across its conversations (the navigation's
/// badge).
pub fn unread_total(
    conn: &mut AnyConnection,
    app: &AppState,
    user: &AuthenticatedUser,
) -> Result<i64, AppError> {
    Ok(list(conn, app, user, None)?.iter().map(|c| c.unread).sum())
}

fn view(
    conn: &mut AnyConnection,
    app: &AppState,
    user: &AuthenticatedUser,
    row: ConversationRow,
    with_messages: bool,
) -> Result<Conversation, AppError> {
    let unread: HashMap<String, i64> =
        rows::unread_counts(conn, &user.id, std::slice::from_ref(&row.id))?
            .into_iter()
            .collect();
    let messages = if with_messages {
        let investor_users = user::investor_users(conn, &row.investor_id)?;
        let list = rows::messages(conn, &row.id)?;
        Some(
            list.into_iter()
                .map(|m| Message {
                    side: if investor_users.contains(&m.author_id) {
                        "investor"
                    } else {
                        "region"
                    },
                    id: m.id,
                    author_id: m.author_id,
                    body: m.body,
                    at: m.created_at.and_utc(),
                })
                .collect(),
        )
    } else {
        None
    };
    let project_title = match &row.project_id {
        Some(id) => project_rows::find(conn, id)?.map(|p| Localized {
            id: p.title_id,
            en: p.title_en,
        }),
        None => None,
    };
    Ok(Conversation {
        investor_name: investor_rows::find(conn, &row.investor_id)?
            .map(|(i, _)| i.name)
            .unwrap_or_default(),
        region_name: app
            .catalogue
            .region(&row.region_code)
            .map(|r| r.name.clone())
            .unwrap_or_default(),
        unread: unread.get(&row.id).copied().unwrap_or_default(),
        project_title,
        messages,
        id: row.id,
        investor_id: row.investor_id,
        region: row.region_code,
        project_id: row.project_id,
        subject: row.subject,
        created_at: row.created_at.and_utc(),
        last_message_at: row.last_message_at.and_utc(),
    })
}
