//! The conversation pages: the caller's conversations with unread counts, one conversation with
//! its reply form, and the investor's question from an opportunity.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;

use super::form::Typed;
use super::session::{Everyone, Investors, Signed};
use super::{Page, PageResult, html, localized, said, see_other};
use crate::auth::policy;
use crate::error::AppError;
use crate::services::conversations::{self, Conversation, MessageInput, StartInput};
use crate::state::AppState;
use crate::web::i18n::Lang;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/conversations", web::get().to(list))
        .route("/conversations", web::post().to(start))
        .route("/conversations/{id}", web::get().to(show))
        .route("/conversations/{id}/messages", web::post().to(reply));
}

/// A conversation as a row of the list.
pub(crate) struct Line {
    pub(crate) id: String,
    pub(crate) subject: String,
    /// The other side, as the reader sees it: the region for an investor, the investor for a
    /// region, both for staff.
    pub(crate) with: String,
    pub(crate) about: String,
    pub(crate) last: String,
    pub(crate) unread: i64,
}

pub(crate) fn line(lang: Lang, c: &Conversation, reader_is_investor: bool) -> Line {
    Line {
        id: c.id.clone(),
        subject: c.subject.clone(),
        with: if reader_is_investor {
            c.region_name.clone()
        } else {
            format!("{} – {}", c.investor_name, c.region_name)
        },
        about: c
            .project_title
            .as_ref()
            .map(|t| localized(lang, t))
            .unwrap_or_default(),
        last: c.last_message_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        unread: c.unread,
    }
}

#[derive(Template)]
#[template(path = "pages/conversations.html")]
struct ConversationsPage {
    page: Page,
    lines: Vec<Line>,
}

async fn list(
    Signed { user, page, .. }: Signed<Everyone>,
    state: web::Data<AppState>,
) -> PageResult {
    let app = state.clone();
    let reader_is_investor = policy::speaks_for_an_investor(&user);
    let found = state
        .db
        .run(move |conn| conversations::list(conn, &app, &user, None))
        .await?;
    let lines = found
        .iter()
        .map(|c| line(page.lang, c, reader_is_investor))
        .collect();
    Ok(html(
        StatusCode::OK,
        ConversationsPage { page, lines }.render(),
    ))
}

/// One message as the page shows it.
struct Shown {
    mine: bool,
    side: String,
    body: String,
    at: String,
}

#[derive(Template)]
#[template(path = "pages/conversation.html")]
struct ConversationPage {
    page: Page,
    line: Line,
    project_id: Option<String>,
    messages: Vec<Shown>,
    /// Whether the reader may answer (staff read without taking part).
    may_write: bool,
    refusal: Option<String>,
    typed: Typed,
}

fn conversation_page(
    page: Page,
    reader: &crate::auth::AuthenticatedUser,
    c: Conversation,
    refusal: Option<String>,
    typed: Typed,
) -> ConversationPage {
    let lang = page.lang;
    let messages = c
        .messages
        .iter()
        .flatten()
        .map(|m| Shown {
            mine: m.author_id == reader.id,
            side: if m.side == "investor" {
                c.investor_name.clone()
            } else {
                c.region_name.clone()
            },
            body: m.body.clone(),
            at: m.at.format("%Y-%m-%d %H:%M UTC").to_string(),
        })
        .collect();
    ConversationPage {
        line: line(lang, &c, policy::speaks_for_an_investor(reader)),
        project_id: c.project_id.clone(),
        may_write: policy::may_write_in_conversation(reader, &c.investor_id, &c.region).is_ok(),
        messages,
        refusal,
        typed,
        page,
    }
}

async fn show(
    Signed { user, page, .. }: Signed<Everyone>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> PageResult {
    let app = state.clone();
    let (reader, id) = (user.clone(), id.into_inner());
    let found = state
        .db
        .write(move |conn| conversations::open(conn, &app, &reader, &id))
        .await?;
    let body = conversation_page(page, &user, found, None, Typed::default()).render();
    Ok(html(StatusCode::OK, body))
}

/// The refusal of a message, in the page's language.
fn refused(lang: Lang, error: &AppError) -> Option<String> {
    match error {
        AppError::Validation { .. } => Some(lang.t("conversations.refused")),
        AppError::RateLimited { .. } => Some(said(lang, error)),
        _ => None,
    }
}

async fn reply(
    Signed { user, page, .. }: Signed<Everyone>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let typed = Typed::parse(&body);
    let id = id.into_inner();
    let input = MessageInput {
        body: typed.one("body"),
    };
    match conversations::post(&state, user.clone(), id.clone(), input).await {
        Ok(_) => Ok(see_other(&format!("/conversations/{id}#reply")).finish()),
        Err(e) => {
            let Some(refusal) = refused(page.lang, &e) else {
                return Err(e);
            };
            let app = state.clone();
            let reader = user.clone();
            let found = state
                .db
                .write(move |conn| conversations::open(conn, &app, &reader, &id))
                .await?;
            let body = conversation_page(page, &user, found, Some(refusal), typed).render();
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body))
        }
    }
}

/// The investor's question from an opportunity's "ask a question" form.
async fn start(
    Signed { user, page, .. }: Signed<Investors>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let typed = Typed::parse(&body);
    let input = StartInput {
        project_id: Some(typed.one("project_id")).filter(|p| !p.is_empty()),
        region: Some(typed.one("region")).filter(|r| !r.is_empty()),
        subject: typed.one("subject"),
        message: typed.one("message"),
    };
    match conversations::start(&state, user, input).await {
        Ok(started) => Ok(see_other(&format!("/conversations/{}", started.id)).finish()),
        Err(e) => match refused(page.lang, &e) {
            Some(_) => Err(AppError::validation(
                "message",
                "give a subject and a message of at most 2,000 characters",
            )),
            None => Err(e),
        },
    }
}
