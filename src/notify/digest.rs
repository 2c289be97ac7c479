//! The digest of new matching projects: daily or weekly, by the investor's choice, the best
//! projects published since the last one and what the investor's saved searches found, with a
//! signed one-click unsubscribe link (RFC 8058 `List-Unsubscribe-Post`).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, NaiveDateTime};
use hmac::{Hmac, KeyInit, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;

use super::kinds::{
    Digest, DigestProject, DigestSearch, DigestSearchProject, Organisation, payload_of,
};

use crate::clock::now;
use crate::config::Settings;
use crate::db::AnyConnection;
use crate::domain::Localized;
use crate::error::AppError;
use crate::matching::MatchFilter;
use crate::matching::explain::reasons;
use crate::matchmaker::Matchmaker;
use crate::models::notification::{self as rows, OutboxRow};
use crate::models::{investor, project, user};
use crate::services::saved_searches;

/// Projects in one digest at most.
const PER_DIGEST: usize = 5;

/// Projects named for each saved search in a digest at most (the link shows them all).
const PER_SEARCH: i64 = 5;

/// The signature that makes an unsubscribe link work for this user only.
pub fn signature(secret: &str, user_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(format!("unsubscribe-digest:{user_id}").as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Whether an unsubscribe link's signature is the user's (compared in constant time).
pub fn verify(secret: &str, user_id: &str, signature: &str) -> bool {
    let Ok(given) = URL_SAFE_NO_PAD.decode(signature) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(format!("unsubscribe-digest:{user_id}").as_bytes());
    mac.verify_slice(&given).is_ok()
}

/// The one-click unsubscribe link of a user's digest.
pub fn unsubscribe_link(settings: &Settings, user_id: &str) -> String {
    format!(
        "{}/api/v1/unsubscribe?user={user_id}&signature={}",
        settings.app.public_url.trim_end_matches('/'),
        signature(settings.auth.jwt_secret.expose_secret(), user_id)
    )
}

/// Queues the digests that are due, in the caller's transaction; returns how many were queued.
/// A digest with nothing new is not sent, but its period still starts again.
pub fn send_due(
    conn: &mut AnyConnection,
    matchmaker: &Matchmaker,
    settings: &Settings,
) -> Result<usize, AppError> {
    let at = now();
    let mut queued = 0;
    for due in rows::digests_due(conn, at)? {
        if !rows::claim_digest(conn, &due.user_id, due.last_digest_at, at)? {
            continue;
        }
        let period = if due.digest == "weekly" { 7 } else { 1 };
        let since = due.last_digest_at.unwrap_or(at - Duration::days(period));
        let Some(row) = user::find(conn, &due.user_id)? else {
            continue;
        };
        let Some(investor_id) = row.investor_id.filter(|_| row.role == "investor") else {
            continue;
        };
        let Some((organisation, mandate)) = investor::find(conn, &investor_id)? else {
            continue;
        };
        let projects = match mandate {
            Some(mandate) => mandate_matches(conn, matchmaker, &mandate.mandate(), since)?,
            None => Vec::new(),
        };
        let searches = search_findings(conn, matchmaker, settings, &row.id, since)?;
        if projects.is_empty() && searches.is_empty() {
            continue;
        }
        let digest = Digest {
            investor: Organisation {
                id: organisation.id,
                name: organisation.name,
            },
            projects,
            searches,
            unsubscribe: unsubscribe_link(settings, &row.id),
        };
        rows::insert_outbox(
            conn,
            &OutboxRow::due_now(
                "email",
                row.id.clone(),
                None,
                Digest::KIND,
                payload_of(&digest)?.to_string(),
            ),
        )?;
        queued += 1;
    }
    Ok(queued)
}

/// The best projects for the mandate among those published after `since`, with their reasons.
fn mandate_matches(
    conn: &mut AnyConnection,
    matchmaker: &Matchmaker,
    mandate: &crate::domain::mandate::Mandate,
    since: NaiveDateTime,
) -> Result<Vec<DigestProject>, AppError> {
    let snapshot = matchmaker.snapshot(conn)?;
    let facts = matchmaker.mandate_facts(mandate, &snapshot.rates);
    let ranked = snapshot.index.top(
        &facts,
        &matchmaker.weights,
        &MatchFilter::default(),
        &[],
        0,
        100,
    );
    let index = &snapshot.index;
    let query = index.text().query(&facts.thesis);
    let mut fresh = Vec::new();
    for r in ranked {
        let Some(p) = project::find(conn, index.id(r.position))? else {
            continue;
        };
        if p.published_at.is_some_and(|t| t > since) {
            let matched = index.matched_terms(&query, r.position);
            let why = reasons(
                index.taxonomy(),
                &facts,
                &index.facts(r.position),
                &r.components,
                &matched,
            );
            fresh.push(DigestProject {
                id: p.id,
                title: Localized {
                    id: p.title_id,
                    en: p.title_en,
                },
                region: p.region_code,
                score: (r.score * 100.0).round(),
                reasons: why
                    .into_iter()
                    .take(3)
                    .map(|w| Localized { id: w.id, en: w.en })
                    .collect(),
            });
        }
        if fresh.len() == PER_DIGEST {
            break;
        }
    }
    Ok(fresh)
}

/// What the person's digest searches found among the projects published after `since`, each
/// with the link to all of them.
fn search_findings(
    conn: &mut AnyConnection,
    matchmaker: &Matchmaker,
    settings: &Settings,
    user_id: &str,
    since: NaiveDateTime,
) -> Result<Vec<DigestSearch>, AppError> {
    let site = settings.app.public_url.trim_end_matches('/');
    let found =
        saved_searches::found_since(conn, matchmaker.catalogue(), user_id, since, PER_SEARCH)?;
    Ok(found
        .into_iter()
        .map(|f| DigestSearch {
            name: f.search.name,
            total: f.total,
            link: format!("{site}{}", f.search.link),
            projects: f
                .projects
                .into_iter()
                .map(|(id, title, region_name)| DigestSearchProject {
                    id,
                    title,
                    region_name,
                })
                .collect(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unsubscribe_signature_works_for_its_user_only() {
        let sig = signature("secret", "user-1");
        assert!(verify("secret", "user-1", &sig));
        assert!(!verify("secret", "user-2", &sig));
        assert!(!verify("other secret", "user-1", &sig));
        assert!(!verify("secret", "user-1", "not base64!"));
    }
}
