//! Database access over SQLite or PostgreSQL through one code path.
//!
//! `AnyConnection` wraps either backend; the backend is chosen from the URL scheme. Handlers reach
//! the database only through [`Db::run`] (reads) and [`Db::write`] (one transaction), which move
//! the blocking work, including waiting for a pooled connection, off the async reactor.

pub mod schema;

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, Pool};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::config::DatabaseSettings;
use crate::error::AppError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
#[cfg(feature = "postgres")]
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to whichever backend the configured URL names.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    #[cfg(feature = "postgres")]
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// The backend a database URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// A file path (created with its folder when missing).
    Sqlite(String),
    Postgres(String),
}

impl Backend {
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            anyhow::ensure!(!path.is_empty(), "database.url names no SQLite file");
            Ok(Backend::Sqlite(path.to_owned()))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            anyhow::ensure!(
                cfg!(feature = "postgres"),
                "database.url is a PostgreSQL URL but this build has no PostgreSQL support: \
                 build with --features postgres"
            );
            Ok(Backend::Postgres(url.to_owned()))
        } else {
            anyhow::bail!("database.url must start with sqlite:// or postgres://")
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }
}

/// Opens connections of the configured backend and prepares each SQLite connection.
#[derive(Debug)]
pub struct ConnectionManager {
    backend: Backend,
}

impl ManageConnection for ConnectionManager {
    type Connection = AnyConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, r2d2::Error> {
        match &self.backend {
            Backend::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(path)
                    .map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers run beside the one writer; FULL makes an acknowledged write durable.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(AnyConnection::Sqlite(conn))
            }
            #[cfg(feature = "postgres")]
            Backend::Postgres(url) => diesel::PgConnection::establish(url)
                .map(AnyConnection::Postgresql)
                .map_err(r2d2::Error::ConnectionError),
            #[cfg(not(feature = "postgres"))]
            Backend::Postgres(_) => Err(r2d2::Error::ConnectionError(
                diesel::ConnectionError::BadConnection("built without PostgreSQL support".into()),
            )),
        }
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut AnyConnection) -> bool {
        false
    }
}

/// The connection pool, cheap to clone into handlers.
#[derive(Clone)]
pub struct Db {
    pool: Pool<ConnectionManager>,
    backend_name: &'static str,
}

impl Db {
    /// Connects, creating a SQLite file and its folder when missing, and applies pending migrations
    /// before the pool serves anyone.
    pub fn connect(settings: &DatabaseSettings) -> anyhow::Result<Self> {
        let backend = Backend::from_url(&settings.url)?;
        if let Backend::Sqlite(path) = &backend
            && let Some(dir) = std::path::Path::new(path).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)?;
        }
        let backend_name = backend.name();
        let manager = ConnectionManager { backend };
        let mut first = manager.connect()?;
        run_migrations(&mut first)?;
        drop(first);
        let pool = Pool::builder()
            .max_size(settings.pool_size)
            .connection_timeout(Duration::from_secs(settings.connect_timeout_seconds))
            .build(manager)?;
        Ok(Db { pool, backend_name })
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        self.backend_name
    }

    /// Runs `f` with a pooled connection on the blocking thread pool, inside the caller's span
    /// (the request's), so that what the service logs is told with the request it served.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        actix_web::web::block(move || {
            let _entered = span.enter();
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
    }

    /// Runs `f` inside one write transaction: all of it is stored, or none of it.
    pub async fn write<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        self.run(move |conn| write_transaction(conn, f)).await
    }

    /// A connection for synchronous callers (the command line, start-up).
    pub fn get(&self) -> Result<r2d2::PooledConnection<ConnectionManager>, AppError> {
        Ok(self.pool.get()?)
    }
}

/// Applies the embedded migrations of the connection's backend.
pub fn run_migrations(conn: &mut AnyConnection) -> anyhow::Result<()> {
    let applied = match conn {
        AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        #[cfg(feature = "postgres")]
        AnyConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
    }
    .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    for version in applied {
        tracing::info!(%version, "applied migration");
    }
    Ok(())
}

/// One write transaction. On SQLite it starts with `BEGIN IMMEDIATE`, taking the write lock up
/// front so that a transaction which reads before it writes cannot fail half-way with
/// SQLITE_BUSY; nested transactions inside become savepoints as usual.
pub fn write_transaction<T, F>(conn: &mut AnyConnection, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, AppError>,
{
    write_transaction_with(conn, f)
}

/// [`write_transaction`] for callers with an error type of their own (to roll back on purpose
/// while carrying a result out, for instance).
pub fn write_transaction_with<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let Some(sqlite) = as_sqlite(conn) else {
        return conn.transaction(f);
    };
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
    let result = f(conn);
    let Some(sqlite) = as_sqlite(conn) else {
        unreachable!("a connection keeps its backend");
    };
    match result {
        Ok(value) => match AnsiTransactionManager::commit_transaction(sqlite) {
            Ok(()) => Ok(value),
            Err(e) => {
                let _ = AnsiTransactionManager::rollback_transaction(sqlite);
                Err(e.into())
            }
        },
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(sqlite)?;
            Err(e)
        }
    }
}

/// One write transaction whose work decides whether it is kept: `f` returns its result and
/// `true` to commit, or `false` to roll everything back and still hand the result out (a dry
/// run, or a batch refused as a whole, reports what it found and stores nothing).
pub fn write_transaction_keeping<T, F>(conn: &mut AnyConnection, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut AnyConnection) -> Result<(T, bool), AppError>,
{
    enum Stop<T> {
        Rollback(T),
        Failed(AppError),
    }
    impl<T> From<diesel::result::Error> for Stop<T> {
        fn from(e: diesel::result::Error) -> Self {
            Stop::Failed(e.into())
        }
    }
    let outcome = write_transaction_with(conn, |conn| match f(conn) {
        Ok((value, true)) => Ok(value),
        Ok((value, false)) => Err(Stop::Rollback(value)),
        Err(e) => Err(Stop::Failed(e)),
    });
    match outcome {
        Ok(value) | Err(Stop::Rollback(value)) => Ok(value),
        Err(Stop::Failed(e)) => Err(e),
    }
}

/// The SQLite connection inside, when SQLite is the backend.
fn as_sqlite(conn: &mut AnyConnection) -> Option<&mut diesel::SqliteConnection> {
    match conn {
        AnyConnection::Sqlite(sqlite) => Some(sqlite),
        #[cfg(feature = "postgres")]
        AnyConnection::Postgresql(_) => None,
    }
}

diesel::define_sql_function! {
    /// SQL `lower()`, the same on both backends: for case-insensitive matching.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

#[cfg(test)]
mod tests {
    use diesel::backend::Backend;
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel_migrations::{EmbeddedMigrations, MigrationHarness};

    use super::{AnyConnection, SQLITE_MIGRATIONS};
    use crate::models::deal::{self, DealFilter};

    /// Meetings as the outcome form left them before deals: two about one project (its region,
    /// not the host's, carries the deal), one about no project with a region, one a delegation's
    /// about no project, one without a follow-up; and the rows they name, for PostgreSQL's
    /// foreign keys.
    const OUTCOMES: &str = "
        INSERT INTO regions (code, province_code, name, kind, lat, lng, tz_abbr, iana_tz,
            area_km2, population) VALUES
            ('73.73', '73', 'Kota Palopo', 'kota', 0, 0, 'WITA', 'Asia/Makassar', 1, 1),
            ('64.71', '64', 'Kota Balikpapan', 'kota', 0, 0, 'WITA', 'Asia/Makassar', 1, 1);
        INSERT INTO users (id, email, password_hash, role, name, language, created_at,
            password_changed_at) VALUES
            ('u', 'u@example.org', 'x', 'staff', 'U', 'en', '2026-11-01 10:00:00', '2026-11-01 10:00:00');
        INSERT INTO investors (id, name, kind, country, description, demo, created_at, updated_at)
            VALUES ('inv1', 'Fund', 'fund', 'SG', '', FALSE, '2026-11-01 10:00:00', '2026-11-01 10:00:00');
        INSERT INTO events (id, name, kind, description, slot_minutes, travel_buffer_minutes,
            daily_cap, min_break_slots, online, registration_deadline, request_deadline,
            request_expiry_days, demo, created_by, created_at, updated_at) VALUES
            ('e', 'Forum', 'forum', '', 30, 0, 8, 0, FALSE, '2026-11-01 10:00:00',
                '2026-11-01 10:00:00', 7, FALSE, 'u', '2026-11-01 10:00:00', '2026-11-01 10:00:00');
        INSERT INTO event_venues (id, event_id, position, name, city, country, time_zone, tables,
            rooms) VALUES ('v', 'e', 0, 'Hall', 'Jakarta', 'ID', 'Asia/Jakarta', 2, 0);
        INSERT INTO delegations (id, name, travel_buffer_minutes, demo, created_by, created_at)
            VALUES ('d1', 'Delegation', 30, FALSE, 'u', '2026-11-01 10:00:00');
        INSERT INTO event_participants VALUES
            ('pi', 'e', 'investor', 'inv1', NULL, NULL, 'Asia/Jakarta', NULL, 'u', '2026-11-01 10:00:00'),
            ('pr', 'e', 'region', NULL, '73.73', NULL, 'Asia/Makassar', NULL, 'u', '2026-11-01 10:00:00'),
            ('pd', 'e', 'delegation', NULL, NULL, 'd1', 'Asia/Makassar', NULL, 'u', '2026-11-01 10:00:00');
        INSERT INTO projects (id, region_code, title_id, title_en, description_id, description_en,
            stage, value_minor, value_currency, status, search_text, demo, created_by, created_at,
            updated_at)
            VALUES ('p1', '64.71', 'x', 'x', 'x', 'x', 'idea', 1, 'IDR', 'published', '', FALSE, 'u',
                '2026-11-01 10:00:00', '2026-11-01 10:00:00');
        INSERT INTO meeting_requests (id, event_id, investor_participant_id, host_participant_id,
            project_id, origin, message, status, investor_accepted, host_accepted, must_meet, score,
            created_by, created_at, expires_at) VALUES
            ('r1', 'e', 'pi', 'pr', 'p1', 'investor', '', 'accepted', TRUE, TRUE, FALSE, 0, 'u', '2026-11-01 10:00:00', '2026-11-01 10:00:00'),
            ('r4', 'e', 'pi', 'pr', 'p1', 'investor', '', 'accepted', TRUE, TRUE, FALSE, 0, 'u', '2026-11-01 10:00:00', '2026-11-01 10:00:00'),
            ('r2', 'e', 'pi', 'pr', NULL, 'investor', '', 'accepted', TRUE, TRUE, FALSE, 0, 'u', '2026-11-01 10:00:00', '2026-11-01 10:00:00'),
            ('r3', 'e', 'pi', 'pd', NULL, 'investor', '', 'accepted', TRUE, TRUE, FALSE, 0, 'u', '2026-11-01 10:00:00', '2026-11-01 10:00:00'),
            ('r5', 'e', 'pi', 'pr', NULL, 'investor', '', 'accepted', TRUE, TRUE, FALSE, 0, 'u', '2026-11-01 10:00:00', '2026-11-01 10:00:00');
        INSERT INTO meetings (id, event_id, request_id, venue_id, seat, is_group, starts_at,
            ends_at, status, sequence, attendance, follow_up, follow_up_amount_minor,
            follow_up_currency, outcome_by, outcome_at, created_at, updated_at) VALUES
            ('m1', 'e', 'r1', 'v', 1, FALSE, '2026-11-01 10:00:00', '2026-11-01 10:30:00', 'confirmed', 0, 'held', 'site_visit', NULL, NULL, 'u', '2026-11-02 10:00:00', '2026-11-01 10:00:00', '2026-11-01 10:00:00'),
            ('m4', 'e', 'r4', 'v', 1, FALSE, '2026-11-01 10:00:00', '2026-11-01 10:30:00', 'confirmed', 0, 'held', 'mou', 500000000, 'USD', 'u', '2026-11-05 10:00:00', '2026-11-01 10:00:00', '2026-11-01 10:00:00'),
            ('m2', 'e', 'r2', 'v', 1, FALSE, '2026-11-01 10:00:00', '2026-11-01 10:30:00', 'confirmed', 0, 'held', 'letter_of_intent', 100, 'USD', 'u', '2026-11-03 10:00:00', '2026-11-01 10:00:00', '2026-11-01 10:00:00'),
            ('m3', 'e', 'r3', 'v', 1, FALSE, '2026-11-01 10:00:00', '2026-11-01 10:30:00', 'confirmed', 0, 'held', 'mou', NULL, NULL, 'u', '2026-11-04 10:00:00', '2026-11-01 10:00:00', '2026-11-01 10:00:00'),
            ('m5', 'e', 'r5', 'v', 1, FALSE, '2026-11-01 10:00:00', '2026-11-01 10:30:00', 'confirmed', 0, 'held', NULL, NULL, NULL, NULL, NULL, '2026-11-01 10:00:00', '2026-11-01 10:00:00');
    ";

    /// Migrates a new database to just before deals, writes [`OUTCOMES`], then migrates on.
    fn migrate_through_deals<DB: Backend>(
        conn: &mut (impl MigrationHarness<DB> + SimpleConnection),
        migrations: EmbeddedMigrations,
    ) {
        let (before, after): (Vec<_>, Vec<_>) = conn
            .pending_migrations(migrations)
            .unwrap()
            .into_iter()
            .partition(|m| m.name().to_string().as_str() < "2026-12-11");
        for migration in &before {
            conn.run_migration(migration).unwrap();
        }
        conn.batch_execute(OUTCOMES).unwrap();
        for migration in &after {
            conn.run_migration(migration).unwrap();
        }
    }

    #[test]
    fn recorded_follow_ups_become_deals_with_a_step_each() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        migrate_through_deals(&mut conn, SQLITE_MIGRATIONS);
        expect_deals_of_outcomes(&mut AnyConnection::Sqlite(conn));
    }

    /// The same migration on PostgreSQL, in a database of its own on the server that
    /// `SEPADAN_TEST_POSTGRES_URL` names (the PostgreSQL run of the suite sets it).
    #[cfg(feature = "postgres")]
    #[test]
    fn recorded_follow_ups_become_deals_on_postgresql_too() {
        let Some(base) = std::env::var("SEPADAN_TEST_POSTGRES_URL")
            .ok()
            .filter(|u| !u.is_empty())
        else {
            return;
        };
        let name = format!("sepadan_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(&base).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .unwrap();
        let (server, _) = base.rsplit_once('/').unwrap();
        let mut conn = PgConnection::establish(&format!("{server}/{name}")).unwrap();
        migrate_through_deals(&mut conn, super::POSTGRES_MIGRATIONS);
        expect_deals_of_outcomes(&mut AnyConnection::Postgresql(conn));
        diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)"))
            .execute(&mut admin)
            .unwrap();
    }

    /// The deals and steps the migration makes of [`OUTCOMES`].
    fn expect_deals_of_outcomes(conn: &mut AnyConnection) {
        let deals = deal::list(conn, &DealFilter::default()).unwrap();
        let found: Vec<(&str, Option<&str>, &str)> = deals
            .iter()
            .map(|d| {
                (
                    d.region_code.as_str(),
                    d.project_id.as_deref(),
                    d.stage.as_str(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("64.71", Some("p1"), "mou"),
                ("73.73", None, "letter_of_intent")
            ],
            "the furthest follow-up per investor and project, the project's region first"
        );
        let ids: Vec<String> = deals.iter().map(|d| d.id.clone()).collect();
        let steps = deal::steps_of(conn, &ids).unwrap();
        let seen: Vec<(&str, &str, Option<i64>)> = steps
            .iter()
            .map(|s| {
                let meeting = s.meeting_id.as_deref().unwrap();
                (meeting, s.stage.as_str(), s.amount_minor)
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("m1", "site_visit", None),
                ("m2", "letter_of_intent", Some(100)),
                ("m4", "mou", Some(500_000_000)),
            ],
            "a step per follow-up, in time order; the delegation's has no one region"
        );
    }
}
