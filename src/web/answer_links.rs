//! The page behind a meeting request email's accept and decline buttons: it shows the request
//! and answers it with one more click, without signing in (opening a link changes nothing, so
//! mail scanners that fetch links answer nothing).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use askama::Template;
use secrecy::ExposeSecret;

use super::{Page, PageResult, html};
use crate::services::answer_links::{self, Answer, AnswerLink, Pending};
use crate::services::requests::ReasonInput;
use crate::state::AppState;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/answer", web::get().to(confirm))
        .route("/answer", web::post().to(answer));
}

#[derive(Template)]
#[template(path = "pages/answer_link.html")]
struct AnswerPage {
    page: Page,
    /// The link's own query, for the form to post back to.
    query: String,
    accept: bool,
    event: String,
    investor: String,
    host: String,
    message: String,
    /// Whether the answer was given (the page then says so).
    answered: bool,
}

impl AnswerPage {
    fn new(page: Page, query: String, pending: Pending, answered: bool) -> Self {
        let notice = pending.notice;
        AnswerPage {
            page,
            query,
            accept: pending.answer == Answer::Accept,
            event: notice.event.name,
            investor: notice.investor.name,
            host: notice.host.name,
            message: notice.request.message,
            answered,
        }
    }
}

async fn confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    link: web::Query<AnswerLink>,
) -> PageResult {
    let secret = state.settings.auth.jwt_secret.clone();
    let link = link.into_inner();
    let pending = state
        .db
        .run(move |conn| answer_links::open(conn, secret.expose_secret(), &link))
        .await?;
    let query = req.query_string().to_owned();
    let body = AnswerPage::new(Page::of(&req), query, pending, false).render();
    Ok(html(StatusCode::OK, body))
}

async fn answer(
    req: HttpRequest,
    state: web::Data<AppState>,
    link: web::Query<AnswerLink>,
    form: web::Form<ReasonInput>,
) -> PageResult {
    let secret = state.settings.auth.jwt_secret.clone();
    let factor = state.settings.meetings.must_meet_factor;
    let (link, reason) = (link.into_inner(), form.into_inner());
    let answered = state
        .db
        .write(move |conn| {
            answer_links::answer(conn, secret.expose_secret(), &link, reason, factor)
        })
        .await?;
    let query = req.query_string().to_owned();
    let body = AnswerPage::new(Page::of(&req), query, answered, true).render();
    Ok(html(StatusCode::OK, body))
}
