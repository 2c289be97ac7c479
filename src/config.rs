//! Typed settings, layered from the built-in `config/default.toml`, optional local files and
//! `SEPADAN__SECTION__KEY` environment variables. Passed down explicitly: there is no global.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// The signing secret shipped in `config/default.toml`; refused outside development.
pub const DEFAULT_JWT_SECRET: &str = "development-only-secret-do-not-use-in-production";

const DEFAULT_TOML: &str = include_str!("../config/default.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub app: AppSettings,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub matching: MatchingSettings,
    pub meetings: MeetingSettings,
    pub email: EmailSettings,
    pub outbox: OutboxSettings,
    pub webhooks: WebhookSettings,
    pub rates: RateSettings,
    pub limits: LimitSettings,
    pub storage: StorageSettings,
    pub demo: DemoSettings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppSettings {
    pub environment: Environment,
    /// The address people reach this service at: links in emails and calendar feeds start with it.
    pub public_url: String,
    pub log_format: LogFormat,
    pub log_level: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub workers: usize,
    /// Origins (`https://host[:port]`) whose pages may call the API from the browser (CORS).
    pub cors_origins: Vec<String>,
    /// Proxies (addresses or networks) whose `X-Forwarded-For` names the client; empty: none.
    pub trusted_proxies: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: String,
    pub pool_size: u32,
    pub connect_timeout_seconds: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// Signs access tokens and unsubscribe links; never printed or logged.
    pub jwt_secret: SecretString,
    pub access_token_minutes: i64,
    pub refresh_token_days: i64,
    pub invitation_days: i64,
    pub issuer: String,
    pub audience: String,
    /// Password hashes run at once; 0: one per CPU core.
    pub hashing_concurrency: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchingSettings {
    pub refresh_seconds: u64,
    pub weights: crate::matching::Weights,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingSettings {
    /// How much more a must-meet pair counts for the scheduler than its match score alone.
    pub must_meet_factor: f64,
    /// Days a request stays pending when an event sets no expiry of its own.
    pub request_expiry_days: i32,
    /// Minutes before a meeting when its parties are reminded, e.g. a day and an hour.
    pub reminder_minutes: Vec<i32>,
}

/// How email leaves: an SMTP server, or (when `smtp_host` is empty) `.eml` files in `file_dir`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailSettings {
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_tls: SmtpTls,
    pub smtp_username: String,
    /// Never printed or logged.
    pub smtp_password: SecretString,
    /// The sender, e.g. `Sepadan <no-reply@sepadan.example.id>`.
    pub from: String,
    pub file_dir: String,
    /// The least time between two emails to one person about one conversation: messages in
    /// between wait in the app, unread.
    pub conversation_gap_minutes: u32,
}

/// Transport security towards the SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    None,
    Starttls,
    Tls,
}

/// How the outbox worker delivers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxSettings {
    /// Whether the server process runs a worker (`sepadan worker` runs one alone).
    pub run_in_server: bool,
    pub poll_interval_ms: u64,
    pub batch_size: i64,
    /// Attempts before an item is given up as dead.
    pub max_attempts: i32,
    /// The wait after the first failure, doubled after each further one, up to the cap; each
    /// wait is shortened by a random part of up to half (jitter).
    pub backoff_base_seconds: f64,
    pub backoff_cap_seconds: f64,
    /// How long a worker holds an item it is delivering before another may take it.
    pub lease_seconds: i64,
}

/// Webhook delivery. Receivers must be https in production.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    pub timeout_seconds: u64,
    /// For tests only: lets webhooks go to loopback addresses.
    pub allow_loopback: bool,
}

/// Where reference exchange rates come from and how often.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateSettings {
    /// A document in the ECB's daily reference-rate XML format.
    pub provider_url: String,
    /// Whether the server refreshes the rates itself (`sepadan rates fetch` does it once).
    pub refresh_in_server: bool,
    pub refresh_hours: u64,
    pub timeout_seconds: u64,
}

/// A rate limit: `burst` requests at once, refilled evenly at `per_hour` an hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    pub burst: u32,
    pub per_hour: u32,
}

/// The rate limits, each counted per instance in memory (`crate::throttle`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitSettings {
    /// Sign-in attempts per account (the email typed).
    pub sign_in_account: Rate,
    /// Sign-in attempts per client address.
    pub sign_in_address: Rate,
    /// Registrations per client address.
    pub registration: Rate,
    /// Password reset requests per client address.
    pub password_reset_address: Rate,
    /// Password reset requests per email address asked for.
    pub password_reset_email: Rate,
    /// Invitation acceptances per client address.
    pub invitation: Rate,
    /// Meeting requests and introductions per account.
    pub messages: Rate,
    /// Searches per account, or per address when anonymous.
    pub search: Rate,
    /// Exports and report downloads per account, or per address when anonymous.
    pub exports: Rate,
}

impl LimitSettings {
    /// Limits so high that nothing is refused: for measurements of something else, such as
    /// `sepadan bench sign-in-flood`, which floods the sign-in on purpose.
    pub fn lifted() -> Self {
        let rate = Rate {
            burst: 1_000_000,
            per_hour: 1_000_000,
        };
        LimitSettings {
            sign_in_account: rate,
            sign_in_address: rate,
            registration: rate,
            password_reset_address: rate,
            password_reset_email: rate,
            invitation: rate,
            messages: rate,
            search: rate,
            exports: rate,
        }
    }

    /// Every limit with its key in `[limits]`.
    pub fn all(&self) -> [(&'static str, Rate); 9] {
        [
            ("sign_in_account", self.sign_in_account),
            ("sign_in_address", self.sign_in_address),
            ("registration", self.registration),
            ("password_reset_address", self.password_reset_address),
            ("password_reset_email", self.password_reset_email),
            ("invitation", self.invitation),
            ("messages", self.messages),
            ("search", self.search),
            ("exports", self.exports),
        ]
    }
}

/// Where projects' photos and documents are kept, and how large they may be.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageSettings {
    /// `file://FOLDER` (relative to the working directory unless absolute; created when missing)
    /// or `s3://BUCKET[/PREFIX]` for an S3-compatible store.
    pub url: String,
    /// The largest document, in MiB.
    pub max_file_mb: u64,
    /// The largest photo as uploaded, in MiB: photos are decoded in memory.
    pub max_photo_mb: u64,
    /// The most pixels (width × height) a photo may decode to, in millions.
    pub max_photo_megapixels: u64,
    /// The width of a photo's thumbnail, in pixels.
    pub thumbnail_width: u32,
    /// The S3 endpoint (`http://127.0.0.1:9000` for MinIO); empty: `AWS_ENDPOINT`, else AWS.
    pub s3_endpoint: String,
    /// Empty: `AWS_REGION` / `AWS_DEFAULT_REGION`, else `us-east-1`.
    pub s3_region: String,
    /// Empty: `AWS_ACCESS_KEY_ID`.
    pub s3_access_key_id: String,
    /// Empty: `AWS_SECRET_ACCESS_KEY`. Never printed or logged.
    pub s3_secret_access_key: SecretString,
}

impl StorageSettings {
    /// The largest document, in bytes.
    pub fn max_file_bytes(&self) -> u64 {
        self.max_file_mb.saturating_mul(1 << 20)
    }

    /// The largest photo, in bytes.
    pub fn max_photo_bytes(&self) -> u64 {
        self.max_photo_mb.saturating_mul(1 << 20)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoSettings {
    pub seed_on_empty: bool,
}

impl Settings {
    /// Loads the layers in order: built-in defaults, `config/local.toml`, `$SEPADAN_CONFIG`,
    /// then the environment.
    pub fn load() -> anyhow::Result<Self> {
        let mut builder = config::Config::builder()
            .add_source(config::File::from_str(
                DEFAULT_TOML,
                config::FileFormat::Toml,
            ))
            .add_source(config::File::with_name("config/local").required(false));
        if let Ok(path) = std::env::var("SEPADAN_CONFIG") {
            builder = builder.add_source(config::File::with_name(&path));
        }
        let settings: Settings = builder
            .add_source(
                config::Environment::with_prefix("SEPADAN")
                    .prefix_separator("__")
                    .separator("__"),
            )
            .build()?
            .try_deserialize()?;
        settings.validate()?;
        Ok(settings)
    }

    /// The built-in defaults alone, for tests that then adjust what they need.
    pub fn defaults() -> Self {
        config::Config::builder()
            .add_source(config::File::from_str(
                DEFAULT_TOML,
                config::FileFormat::Toml,
            ))
            .build()
            .and_then(|c| c.try_deserialize())
            .expect("the built-in config/default.toml is valid")
    }

    /// Rules that a type alone cannot express; refuses unsafe production settings.
    pub fn validate(&self) -> anyhow::Result<()> {
        let auth = &self.auth;
        anyhow::ensure!(
            (1..=15).contains(&auth.access_token_minutes),
            "auth.access_token_minutes must be between 1 and 15"
        );
        anyhow::ensure!(
            auth.refresh_token_days >= 1,
            "auth.refresh_token_days must be at least 1"
        );
        anyhow::ensure!(
            auth.invitation_days >= 1,
            "auth.invitation_days must be at least 1"
        );
        anyhow::ensure!(
            auth.hashing_concurrency <= 1024,
            "auth.hashing_concurrency must be at most 1024 (0 means one per CPU core)"
        );
        anyhow::ensure!(
            self.database.pool_size >= 1,
            "database.pool_size must be at least 1"
        );
        anyhow::ensure!(
            self.matching.refresh_seconds >= 1,
            "matching.refresh_seconds must be at least 1"
        );
        anyhow::ensure!(
            self.meetings.must_meet_factor >= 1.0 && self.meetings.must_meet_factor <= 100.0,
            "meetings.must_meet_factor must be between 1 and 100"
        );
        anyhow::ensure!(
            self.meetings
                .reminder_minutes
                .iter()
                .all(|m| (1..=10080).contains(m)),
            "meetings.reminder_minutes must each be between 1 and 10080 (a week)"
        );
        anyhow::ensure!(
            (1..=365).contains(&self.meetings.request_expiry_days),
            "meetings.request_expiry_days must be between 1 and 365"
        );
        for origin in &self.server.cors_origins {
            anyhow::ensure!(
                is_origin(origin),
                "server.cors_origins: {origin:?} is not an origin (scheme://host[:port], no path)"
            );
        }
        for proxy in &self.server.trusted_proxies {
            anyhow::ensure!(
                crate::throttle::Network::parse(proxy).is_some(),
                "server.trusted_proxies: {proxy:?} is not an address or a network (addr/len)"
            );
        }
        for (name, rate) in self.limits.all() {
            anyhow::ensure!(
                rate.burst >= 1 && rate.per_hour >= 1,
                "limits.{name}: burst and per_hour must be at least 1"
            );
        }
        self.email
            .from
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| anyhow::anyhow!("email.from is not a mailbox: {e}"))?;
        anyhow::ensure!(
            self.rates.refresh_hours >= 1,
            "rates.refresh_hours must be at least 1"
        );
        let outbox = &self.outbox;
        anyhow::ensure!(
            outbox.max_attempts >= 1 && outbox.batch_size >= 1 && outbox.lease_seconds >= 1,
            "outbox.max_attempts, outbox.batch_size and outbox.lease_seconds must be at least 1"
        );
        anyhow::ensure!(
            outbox.backoff_base_seconds > 0.0
                && outbox.backoff_cap_seconds >= outbox.backoff_base_seconds,
            "outbox.backoff_base_seconds must be positive and at most outbox.backoff_cap_seconds"
        );
        let storage = &self.storage;
        anyhow::ensure!(
            storage.url.starts_with("file://") || storage.url.starts_with("s3://"),
            "storage.url must be file://FOLDER or s3://BUCKET[/PREFIX]"
        );
        anyhow::ensure!(
            storage.max_file_mb >= 1 && storage.max_photo_mb >= 1,
            "storage.max_file_mb and storage.max_photo_mb must be at least 1"
        );
        anyhow::ensure!(
            (1..=200).contains(&storage.max_photo_megapixels),
            "storage.max_photo_megapixels must be between 1 and 200"
        );
        anyhow::ensure!(
            (16..=2048).contains(&storage.thumbnail_width),
            "storage.thumbnail_width must be between 16 and 2048"
        );
        self.matching
            .weights
            .validate()
            .map_err(|e| anyhow::anyhow!("matching.weights: {e}"))?;
        if self.app.environment == Environment::Production {
            anyhow::ensure!(
                !self.webhooks.allow_loopback,
                "webhooks.allow_loopback is for tests and refused in production"
            );
            anyhow::ensure!(
                auth.jwt_secret.expose_secret() != DEFAULT_JWT_SECRET,
                "auth.jwt_secret is the development default; set SEPADAN__AUTH__JWT_SECRET"
            );
            anyhow::ensure!(
                auth.jwt_secret.expose_secret().len() >= 32,
                "auth.jwt_secret must be at least 32 bytes in production"
            );
        }
        Ok(())
    }

    /// Where webhooks may go: https only in production, loopback only when tests allow it.
    pub fn webhook_guard(&self) -> crate::notify::webhook::Guard {
        crate::notify::webhook::Guard {
            https_only: self.app.environment == Environment::Production,
            allow_loopback: self.webhooks.allow_loopback,
        }
    }

    /// Whether demo data may be loaded into an empty database on start.
    pub fn seeds_demo_on_empty(&self) -> bool {
        self.demo.seed_on_empty && self.app.environment == Environment::Development
    }
}

/// Whether `text` is an origin as browsers send it: `http` or `https`, a host, perhaps a port,
/// and nothing else (no path, no trailing slash, no wildcard).
fn is_origin(text: &str) -> bool {
    reqwest::Url::parse(text).is_ok_and(|url| {
        matches!(url.scheme(), "http" | "https")
            && url.host().is_some()
            && url.origin().ascii_serialization() == text
    })
}

/// Hides the password in a database URL.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            let user = credentials.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printing_the_settings_shows_no_secret() {
        let mut settings = Settings::defaults();
        settings.email.smtp_password = "the-smtp-password".into();
        let printed = format!("{settings:?}");
        assert!(!printed.contains(DEFAULT_JWT_SECRET), "{printed}");
        assert!(!printed.contains("the-smtp-password"), "{printed}");
        assert_eq!(settings.auth.jwt_secret.expose_secret(), DEFAULT_JWT_SECRET);
    }

    #[test]
    fn limits_and_trusted_proxies_are_checked() {
        let mut settings = Settings::defaults();
        assert!(
            settings.server.trusted_proxies.is_empty(),
            "none by default"
        );
        settings.server.trusted_proxies = vec!["10.0.0.0/8".into(), "2001:db8::1".into()];
        assert!(settings.validate().is_ok());
        settings.server.trusted_proxies = vec!["proxy.internal".into()];
        assert!(settings.validate().is_err());
        settings.server.trusted_proxies.clear();
        settings.limits.search.burst = 0;
        assert!(settings.validate().is_err(), "a limit takes at least one");
    }

    #[test]
    fn cors_origins_must_be_bare_origins() {
        let mut settings = Settings::defaults();
        assert!(settings.server.cors_origins.is_empty(), "none by default");
        for good in ["https://portal.example.id", "http://127.0.0.1:3000"] {
            settings.server.cors_origins = vec![good.into()];
            assert!(settings.validate().is_ok(), "{good}");
        }
        for bad in [
            "*",
            "https://portal.example.id/",
            "https://x.example/app",
            "ftp://x.example",
            "x.example",
        ] {
            settings.server.cors_origins = vec![bad.into()];
            assert!(settings.validate().is_err(), "{bad}");
        }
    }
}
