//! The signed-in person's in-app notifications: unread first, each in the viewer's language with
//! its time in the viewer's time zone and a link to what it is about; marked read one by one or
//! all at once.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::session::{Everyone, Signed};
use super::settings::reading_zone;
use super::{Page, html, see_other};
use crate::meetings::time::in_zone;
use crate::notify::Notification;
use crate::notify::email::{self, Email};
use crate::notify::kinds::{ProjectNotice, ReminderNotice, SavedSearchNotice};
use crate::services::notifications::{
    NotificationRow, mark_all_read_of, mark_read_of, notifications_of,
};
use crate::state::AppState;
use crate::web::PageResult;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/notifications", web::get().to(list))
        .route("/notifications/read-all", web::post().to(read_all))
        .route("/notifications/{id}/read", web::post().to(read_one));
}

/// A notification as the list shows it.
struct Line {
    id: String,
    title: String,
    /// Label and value pairs: event, parties, when and where.
    details: Vec<(String, String)>,
    when: String,
    /// Where to see what it is about, and the link's text.
    link: Option<(String, String)>,
    unread: bool,
}

#[derive(Template)]
#[template(path = "pages/notifications.html")]
struct Notifications {
    page: Page,
    lines: Vec<Line>,
    zone: String,
    previous: Option<String>,
    next: Option<String>,
}

const PER_PAGE: i64 = 30;

/// A list's page number.
#[derive(Debug, Deserialize)]
pub(crate) struct Paging {
    page: Option<i64>,
}

impl Paging {
    /// The page asked for, counted from 1.
    pub(crate) fn number(&self) -> i64 {
        self.page.unwrap_or(1).max(1)
    }
}

/// The addresses of the pages before and after page `number` of a list at `path`, where there
/// are such pages.
pub(crate) fn neighbours(
    path: &str,
    number: i64,
    per_page: i64,
    total: i64,
) -> (Option<String>, Option<String>) {
    let link = |n: i64| format!("{path}?page={n}");
    (
        (number > 1).then(|| link(number - 1)),
        (number * per_page < total).then(|| link(number + 1)),
    )
}

/// The page that shows what a notification is about, and the key of the link's text.
fn link_of(notification: &Notification) -> (String, &'static str) {
    match notification {
        Notification::ProjectPublished(ProjectNotice { project, .. })
        | Notification::SavedSearchMatched(SavedSearchNotice { project, .. }) => (
            format!("/opportunities/{}", project.id),
            "notifications.open_project",
        ),
        Notification::ProjectChangesRequested(_) => {
            ("/my-projects".into(), "notifications.open_projects")
        }
        Notification::InvestorVerified(_) => ("/dashboard".into(), "notifications.open_matches"),
        Notification::MessageReceived(notice) => (
            format!("/conversations/{}", notice.conversation_id),
            "notifications.open_conversation",
        ),
        // Every other kind tells of a request or its meeting.
        _ => ("/agenda".into(), "notifications.open_agenda"),
    }
}

/// When the meeting a notification tells of starts, for kinds about a meeting.
fn meeting_start(notification: &Notification) -> Option<DateTime<Utc>> {
    use Notification::*;
    match notification {
        MeetingScheduled(notice)
        | MeetingMoved(notice)
        | MeetingConfirmed(notice)
        | MeetingCancelled(notice)
        | MeetingReminder(ReminderNotice {
            meeting: notice, ..
        }) => Some(notice.meeting.starts_at),
        OutcomeRecorded(notice) => Some(notice.meeting.starts_at),
        _ => None,
    }
}

/// Fills a line with what the list says of a notification: its email's subject and details,
/// the meeting's start in the viewer's zone too, and where to see more.
fn tell(line: &mut Line, page: &Page, zone: chrono_tz::Tz, notification: Notification) {
    let (href, key) = link_of(&notification);
    line.link = Some((href, page.t(key)));
    let starts = meeting_start(&notification);
    let content = email::content(
        &Email::Notification(Box::new(notification)),
        page.lang.code(),
    );
    line.title = content.subject;
    line.details = content.details;
    // The email gives a meeting's venue time; the viewer also reads it in its own zone.
    if let Some(starts) = starts {
        let yours = in_zone(starts.naive_utc(), zone).format("%Y-%m-%d %H:%M");
        line.details.push((
            page.t("notifications.your_time"),
            format!("{yours} ({})", zone.name()),
        ));
    }
}

fn line(page: &Page, zone: chrono_tz::Tz, row: NotificationRow) -> Line {
    // A notification that cannot be read says so rather than showing a line of blanks.
    let mut line = Line {
        title: page.t("notifications.unreadable"),
        details: Vec::new(),
        when: in_zone(row.created_at, zone)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        link: None,
        unread: row.read_at.is_none(),
        id: row.id.clone(),
    };
    match Notification::read(&row.kind, &row.payload) {
        Ok(notification) => tell(&mut line, page, zone, notification),
        Err(error) => {
            tracing::warn!(notification = %row.id, %error, "a stored notification cannot be read");
        }
    }
    line
}

async fn list(
    Signed { user, page, .. }: Signed<Everyone>,
    state: web::Data<AppState>,
    paging: web::Query<Paging>,
) -> PageResult {
    let number = paging.number();
    let id = user.id.clone();
    let (rows, total) = state
        .db
        .run(move |conn| notifications_of(conn, &id, false, (number - 1) * PER_PAGE, PER_PAGE))
        .await?;
    let zone = reading_zone(&user);
    let lines = rows.into_iter().map(|row| line(&page, zone, row)).collect();
    let (previous, next) = neighbours("/notifications", number, PER_PAGE, total);
    Ok(html(
        StatusCode::OK,
        Notifications {
            lines,
            zone: zone.name().to_owned(),
            previous,
            next,
            page,
        }
        .render(),
    ))
}

/// Marks one of the viewer's notifications read.
async fn read_one(
    Signed { user, .. }: Signed<Everyone>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> PageResult {
    let id = id.into_inner();
    state
        .db
        .write(move |conn| mark_read_of(conn, &user.id, &id))
        .await?;
    Ok(see_other("/notifications").finish())
}

/// Marks every notification of the viewer read.
async fn read_all(Signed { user, .. }: Signed<Everyone>, state: web::Data<AppState>) -> PageResult {
    state
        .db
        .write(move |conn| mark_all_read_of(conn, &user.id))
        .await?;
    Ok(see_other("/notifications").finish())
}
