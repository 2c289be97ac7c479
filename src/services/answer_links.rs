//! One-click answers from a meeting request's email: a link signed for one recipient and one
//! answer (accept or decline), which works until the request expires and only while the request
//! stands as the email told of it. Answering changes the request (its status, or the
//! recipient's side's acceptance), and a request never goes back to an earlier state, so a link
//! works once; any other change (withdrawn, declined or accepted by the other side) refuses it
//! too. Whoever holds the link acts as its recipient, through the same rules as the inbox.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use sha2::Sha256;

use crate::auth::AuthenticatedUser;
use crate::clock::now;
use crate::db::AnyConnection;
use crate::domain::status::RequestStatus;
use crate::error::{AppError, ErrorCode};
use crate::models::user;
use crate::notify::kinds::RequestNotice;
use crate::services::requests::{self, ReasonInput};

/// The two answers a link can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Accept,
    Decline,
}

impl Answer {
    pub fn name(self) -> &'static str {
        match self {
            Answer::Accept => "accept",
            Answer::Decline => "decline",
        }
    }
}

/// An answer link's query: what it answers, for whom, until when, the request's state it was
/// made for, and the signature over all of these.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerLink {
    pub request: String,
    pub user: String,
    pub answer: Answer,
    /// Unix seconds after which the link is refused (the request's expiry).
    pub until: i64,
    /// The request's state when the email was written (see [`state_of`]).
    pub state: String,
    pub signature: String,
}

/// A request's state as far as answering goes: its status and which sides accepted. Every
/// answer changes it, and it never returns to an earlier value.
pub fn state_of(status: RequestStatus, investor_accepted: bool, host_accepted: bool) -> String {
    format!(
        "{}-{}{}",
        status.name(),
        u8::from(investor_accepted),
        u8::from(host_accepted)
    )
}

fn mac(secret: &str, link: &AnswerLink) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(
        format!(
            "answer-request:{}:{}:{}:{}:{}",
            link.request,
            link.user,
            link.answer.name(),
            link.until,
            link.state
        )
        .as_bytes(),
    );
    mac
}

/// The accept and decline links for `user_id` of the request a notice tells of, under
/// `public_url`; none for a request no longer waiting for an answer.
pub fn links_for(
    secret: &str,
    public_url: &str,
    user_id: &str,
    notice: &RequestNotice,
) -> Vec<(Answer, String)> {
    let request = &notice.request;
    if request.status != RequestStatus::Pending {
        return Vec::new();
    }
    [Answer::Accept, Answer::Decline]
        .into_iter()
        .map(|answer| {
            let mut link = AnswerLink {
                request: request.id.clone(),
                user: user_id.to_owned(),
                answer,
                until: request.expires_at.timestamp(),
                state: state_of(
                    request.status,
                    request.investor_accepted,
                    request.host_accepted,
                ),
                signature: String::new(),
            };
            link.signature = URL_SAFE_NO_PAD.encode(mac(secret, &link).finalize().into_bytes());
            let query = form_urlencoded::Serializer::new(String::new())
                .append_pair("request", &link.request)
                .append_pair("user", &link.user)
                .append_pair("answer", answer.name())
                .append_pair("until", &link.until.to_string())
                .append_pair("state", &link.state)
                .append_pair("signature", &link.signature)
                .finish();
            (
                answer,
                format!("{}/answer?{query}", public_url.trim_end_matches('/')),
            )
        })
        .collect()
}

/// What the page behind a link shows before the click: the request as its recipient sees it.
#[derive(Debug)]
pub struct Pending {
    pub recipient: AuthenticatedUser,
    pub notice: RequestNotice,
    pub answer: Answer,
}

/// Checks a link: its signature (403), its expiry (409 `answer_link_expired`), its recipient
/// (still an account that may see the request) and that the request is still as the email
/// told of it (409 `answer_link_used`).
pub fn open(
    conn: &mut AnyConnection,
    secret: &str,
    link: &AnswerLink,
) -> Result<Pending, AppError> {
    let signed = URL_SAFE_NO_PAD
        .decode(&link.signature)
        .is_ok_and(|given| mac(secret, link).verify_slice(&given).is_ok());
    let refused = || AppError::Forbidden("this answer link is not valid".into());
    if !signed {
        return Err(refused());
    }
    let until = DateTime::<Utc>::from_timestamp(link.until, 0).ok_or_else(refused)?;
    if until.naive_utc() <= now() {
        return Err(AppError::conflict(
            ErrorCode::AnswerLinkExpired,
            "this answer link has expired",
        ));
    }
    let row = user::find(conn, &link.user)?.ok_or_else(refused)?;
    let recipient = AuthenticatedUser::from_row(row, String::new())?;
    let (data, request) = requests::visible_request(conn, &recipient, &link.request)?;
    let state = state_of(
        request.status,
        request.investor_accepted,
        request.host_accepted,
    );
    if state != link.state {
        return Err(AppError::conflict(
            ErrorCode::AnswerLinkUsed,
            "this request was answered or changed since the email; see the agenda",
        ));
    }
    Ok(Pending {
        recipient,
        notice: data.request_notice(&request),
        answer: link.answer,
    })
}

/// Answers the request as the link's recipient, after the checks of [`open`], through the rules
/// of the inbox (a decline may carry a reason).
pub fn answer(
    conn: &mut AnyConnection,
    secret: &str,
    link: &AnswerLink,
    reason: ReasonInput,
    factor: f64,
) -> Result<Pending, AppError> {
    let pending = open(conn, secret, link)?;
    let (user, id) = (&pending.recipient, &link.request);
    match link.answer {
        Answer::Accept => requests::accept_request(conn, user, id, factor)?,
        Answer::Decline => requests::decline_request(conn, user, id, reason, factor)?,
    };
    Ok(pending)
}
