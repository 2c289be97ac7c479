//! The outbox worker: takes due items (holding each for a lease so that no other worker takes it
//! meanwhile), delivers them, and on failure tries again after an exponential backoff with
//! jitter, up to a cap, until the item is given up as dead.

use std::sync::{Arc, Weak};
use std::time::Duration;

use lettre::message::Mailbox;
use secrecy::ExposeSecret;

use strum::VariantNames;

use super::email::{Email, Mailer, content, mailbox, message};
use super::kinds::PASSWORD_RESET_REQUEST;
use super::webhook::{self, Guard, Sent};
use super::{ADDRESS_PREFIX, AccountEmail};
use crate::auth::accounts;
use crate::clock::now;
use crate::config::{OutboxSettings, Settings};
use crate::db::{Db, write_transaction};
use crate::error::AppError;
use crate::matchmaker::Matchmaker;
use crate::models::notification::{self as rows, OutboxRow};
use crate::models::user;
use crate::services::answer_links;

/// How long before a pending request expires its undecided parties are warned.
const EXPIRY_WARNING_HOURS: i64 = 24;

/// Why a subscription was disabled when its receiver answered 410 Gone; pages say it in their
/// own language.
pub const GONE: &str = "the receiver answered 410 Gone";

/// Delivers the outbox of one database.
pub struct Worker {
    db: Db,
    mailer: Mailer,
    from: Mailbox,
    settings: OutboxSettings,
    guard: Guard,
    webhook_timeout: Duration,
    reminder_minutes: Vec<i32>,
    /// For digests: ranks projects for investors.
    matchmaker: Arc<Matchmaker>,
    config: Settings,
}

/// Why a delivery failed, and whether trying again could help.
struct Failure {
    message: String,
    permanent: bool,
    /// A webhook subscription whose receiver is gone, to disable with the item's failure.
    gone: Option<String>,
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure {
            message,
            permanent: false,
            gone: None,
        }
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Self {
        message.to_owned().into()
    }
}

fn permanent(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        permanent: true,
        gone: None,
    }
}

/// The wait before attempt `attempts + 1`: base × 2^(attempts − 1), capped, then shortened by a
/// random share of up to half so that many failures do not retry in step.
pub fn backoff(settings: &OutboxSettings, attempts: i32, jitter: f64) -> Duration {
    let exponent = attempts.saturating_sub(1).clamp(0, 30);
    let full =
        (settings.backoff_base_seconds * 2f64.powi(exponent)).min(settings.backoff_cap_seconds);
    Duration::from_secs_f64(full * (1.0 - 0.5 * jitter.clamp(0.0, 1.0)))
}

impl Worker {
    pub fn new(db: Db, settings: &Settings, matchmaker: Arc<Matchmaker>) -> anyhow::Result<Self> {
        crate::startup::install_tls_provider();
        Ok(Worker {
            db,
            mailer: Mailer::from_settings(&settings.email)?,
            from: settings.email.from.parse()?,
            settings: settings.outbox.clone(),
            guard: settings.webhook_guard(),
            webhook_timeout: Duration::from_secs(settings.webhooks.timeout_seconds),
            reminder_minutes: settings.meetings.reminder_minutes.clone(),
            matchmaker,
            config: settings.clone(),
        })
    }

    /// Queues what time makes due (meeting reminders, warnings of expiring requests, digests),
    /// then delivers what is due now; returns how many items it attempted.
    pub fn run_once(&self) -> Result<usize, AppError> {
        let mut conn = self.db.get()?;
        write_transaction(&mut conn, |conn| {
            crate::meetings::service::send_reminders(conn, &self.reminder_minutes)?;
            crate::meetings::service::warn_expiring(conn, EXPIRY_WARNING_HOURS)?;
            super::digest::send_due(conn, &self.matchmaker, &self.config)
        })?;
        drop(conn);
        let at = now();
        let lease = at + chrono::Duration::seconds(self.settings.lease_seconds);
        let batch = self.settings.batch_size;
        let mut conn = self.db.get()?;
        let claimed = write_transaction(&mut conn, |conn| {
            Ok(rows::claim_due(conn, at, lease, batch)?)
        })?;
        for item in &claimed {
            let outcome = self.deliver(&mut conn, item);
            match outcome {
                // Sent and its secret forgotten at once: nobody sees a sent item still holding it.
                // Every account email carries a one-time secret.
                Ok(()) => write_transaction(&mut conn, |conn| {
                    rows::mark_sent(conn, &item.id, now())?;
                    if AccountEmail::VARIANTS.contains(&item.kind.as_str()) {
                        rows::forget_payload(conn, &item.id)?;
                    }
                    Ok(())
                })?,
                Err(Failure {
                    message: error,
                    permanent,
                    gone,
                }) => {
                    let retry_at =
                        (!permanent && item.attempts < self.settings.max_attempts).then(|| {
                            let wait =
                                backoff(&self.settings, item.attempts, rand::random::<f64>());
                            now() + chrono::Duration::from_std(wait).unwrap_or_default()
                        });
                    if retry_at.is_none() {
                        tracing::warn!(item = %item.id, kind = %item.kind, %error, "outbox item is dead after its last attempt");
                    } else {
                        tracing::info!(item = %item.id, attempt = item.attempts, %error, "delivery failed; will retry");
                    }
                    // A gone receiver's subscription is disabled with the item's failure, at once.
                    write_transaction(&mut conn, |conn| {
                        if let Some(subscription) = &gone {
                            rows::disable_subscription(conn, subscription, GONE)?;
                        }
                        Ok(rows::mark_failed(conn, &item.id, &error, retry_at)?)
                    })?;
                }
            }
        }
        Ok(claimed.len())
    }

    fn deliver(
        &self,
        conn: &mut crate::db::AnyConnection,
        item: &OutboxRow,
    ) -> Result<(), Failure> {
        match item.channel.as_str() {
            "email" if item.kind == PASSWORD_RESET_REQUEST => self.deliver_reset(conn, item),
            "email" => {
                // An unreadable payload is retried like any failure: a fixed version may read it.
                let email = Email::read(&item.kind, &item.payload).map_err(|e| e.to_string())?;
                let (name, address, language) = match item.target.strip_prefix(ADDRESS_PREFIX) {
                    Some(address) => {
                        let Email::Account(account) = &email else {
                            return Err(permanent("only account emails go to a bare address"));
                        };
                        let to = account.to();
                        (to.name.clone(), address.to_owned(), to.language.clone())
                    }
                    None => {
                        let recipient = user::find(conn, &item.target)
                            .map_err(|e| e.to_string())?
                            .ok_or_else(|| permanent("the recipient's account is gone"))?;
                        (recipient.name, recipient.email, recipient.language)
                    }
                };
                let mut content = content(&email, &language);
                if let Some(notice) = email.awaiting_answer() {
                    let links = answer_links::links_for(
                        self.config.auth.jwt_secret.expose_secret(),
                        &self.config.app.public_url,
                        &item.target,
                        notice,
                    );
                    content.add_answers(&language, links);
                }
                let to = mailbox(&name, &address).map_err(permanent)?;
                let mail =
                    message(&self.from, to, &item.id, &language, &content).map_err(permanent)?;
                Ok(self.mailer.send(&mail)?)
            }
            "webhook" => {
                let sub = rows::find_subscription(conn, &item.target)
                    .map_err(|e| e.to_string())?
                    .filter(|s| s.active)
                    .ok_or_else(|| permanent("the subscription is disabled or gone"))?;
                match webhook::deliver(&sub, item, self.guard, self.webhook_timeout)? {
                    Sent::Delivered => Ok(()),
                    Sent::Gone => {
                        tracing::warn!(subscription = %sub.id, "webhook receiver is gone; subscription disabled");
                        Err(Failure {
                            gone: Some(sub.id),
                            ..permanent("the receiver answered 410 Gone; subscription disabled")
                        })
                    }
                }
            }
            other => Err(permanent(format!("no delivery channel `{other}`"))),
        }
    }

    /// Answers a password reset request: for an address with an account, a fresh link (which
    /// ends the account's earlier ones) and its email; for any other address, nothing. The
    /// request itself did the same work either way; this is where the two part.
    fn deliver_reset(
        &self,
        conn: &mut crate::db::AnyConnection,
        item: &OutboxRow,
    ) -> Result<(), Failure> {
        let address = item
            .target
            .strip_prefix(ADDRESS_PREFIX)
            .ok_or_else(|| permanent("a reset request goes to an address"))?;
        let base = self.config.app.public_url.trim_end_matches('/');
        let page = format!("{base}/reset-password");
        let made = write_transaction(conn, |conn| {
            let Some(row) = accounts::find_for_sign_in(conn, address)? else {
                return Ok(None);
            };
            let link = accounts::issue_secret(
                conn,
                &row,
                accounts::PASSWORD_RESET,
                &page,
                accounts::RESET_HOURS,
            )?;
            Ok(Some((row, link)))
        })
        .map_err(|e: AppError| e.to_string())?;
        let Some((row, link)) = made else {
            return Ok(());
        };
        let email = Email::Account(AccountEmail::PasswordReset(link));
        let content = content(&email, &row.language);
        let to = mailbox(&row.name, &row.email).map_err(permanent)?;
        let mail = message(&self.from, to, &item.id, &row.language, &content).map_err(permanent)?;
        Ok(self.mailer.send(&mail)?)
    }

    /// Delivers while `running` says so, looking every poll interval, and at once again while a
    /// full batch suggests there is more.
    fn serve(&self, running: impl Fn() -> bool) {
        while running() {
            match self.run_once() {
                Ok(n) if n as i64 >= self.settings.batch_size => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the outbox worker could not run"),
            }
            std::thread::sleep(Duration::from_millis(self.settings.poll_interval_ms));
        }
    }

    /// Delivers on its own thread until `alive` is gone (the application stopped).
    pub fn spawn(self, alive: Weak<Settings>) -> std::io::Result<()> {
        std::thread::Builder::new()
            .name("outbox-worker".into())
            .spawn(move || self.serve(|| alive.strong_count() > 0))
            .map(drop)
    }

    /// Delivers in the foreground until the process is stopped (`sepadan worker`).
    pub fn run_forever(self) {
        self.serve(|| true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap_and_jitter_only_shortens_them() {
        let settings = Settings::defaults().outbox;
        let secs = |attempts, jitter| backoff(&settings, attempts, jitter).as_secs_f64();
        assert_eq!(secs(1, 0.0), 30.0);
        assert_eq!(secs(2, 0.0), 60.0);
        assert_eq!(secs(3, 0.0), 120.0);
        assert_eq!(secs(20, 0.0), 3600.0);
        assert_eq!(secs(3, 1.0), 60.0);
        assert!((60.0..=120.0).contains(&secs(3, 0.37)));
    }
}
