//! Builds the application from settings: database, reference data, the route table in one place.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{Condition, from_fn};
use actix_web::{App, HttpServer, web};
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;

use crate::api;
use crate::auth::tokens::TokenKeys;
use crate::config::Settings;
use crate::db::Db;
use crate::error::AppError;
use crate::matchmaker::Matchmaker;
use crate::middleware::{head, headers, limits, shape, text};
use crate::reference::{self, Catalogue};
use crate::seed;
use crate::state::AppState;

/// Largest request body accepted (1 MiB); larger ones get 413.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// A server bound to its port, ready to run.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
}

/// Connects to the database, applies migrations and loads the reference data (and, when the
/// settings allow, the demo data into an empty database).
pub fn prepare(settings: &Settings) -> anyhow::Result<AppState> {
    install_tls_provider();
    let db = Db::connect(&settings.database)?;
    let mut conn = db.get().map_err(|e| anyhow::anyhow!("{e}"))?;
    reference::load(&mut conn)?;
    let interrupted = crate::models::job::fail_interrupted_jobs(&mut conn, crate::clock::now())?;
    if interrupted > 0 {
        tracing::warn!(
            jobs = interrupted,
            "jobs left running by a stopped instance are marked failed"
        );
    }
    let catalogue = Arc::new(Catalogue::read(&mut conn)?);
    let matchmaker = Arc::new(Matchmaker::new(
        catalogue.clone(),
        settings.matching.weights,
    ));
    if settings.seeds_demo_on_empty() && seed::database_is_empty(&mut conn)? {
        let report = seed::demo(&mut conn, &catalogue, &matchmaker, &settings.meetings)?;
        tracing::info!(
            projects = report.projects,
            investors = report.investors,
            events = report.events,
            "loaded the synthetic demo data set into the empty database (demo.seed_on_empty)"
        );
    }
    drop(conn);
    let files = crate::storage::FileStore::open(&settings.storage)?;
    Ok(AppState {
        db,
        catalogue,
        matchmaker,
        passwords: crate::auth::password::Hasher::new(settings.auth.hashing_concurrency),
        settings: Arc::new(settings.clone()),
        throttle: Arc::new(crate::throttle::Throttle::new(
            &settings.limits,
            &settings.server.trusted_proxies,
        )),
        files,
    })
}

impl Application {
    /// Prepares the state and binds `server.host:server.port` (port 0 picks a free one).
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        let listener = TcpListener::bind((settings.server.host.as_str(), settings.server.port))?;
        Self::build_on(settings, listener)
    }

    /// Prepares the state and serves on a socket bound already (tests bind first so that
    /// `app.public_url` can name the port).
    pub fn build_on(settings: Settings, listener: TcpListener) -> anyhow::Result<Self> {
        let state = prepare(&settings)?;
        let port = listener.local_addr()?.port();
        let server = run(listener, state.clone(), settings.server.workers)?;
        keep_matching_fresh(&state);
        if settings.rates.refresh_in_server {
            crate::rates::keep_fresh(state.db.clone(), Arc::downgrade(&state.settings))?;
        }
        if settings.outbox.run_in_server {
            crate::notify::worker::Worker::new(
                state.db.clone(),
                &settings,
                state.matchmaker.clone(),
            )?
            .spawn(Arc::downgrade(&state.settings))?;
            tracing::info!(
                mail = %crate::notify::email::Mailer::describe(&settings.email),
                "the outbox worker is running"
            );
        }
        tracing::info!(
            address = %format!("http://{}:{port}", settings.server.host),
            database = state.db.backend_name(),
            files = state.files.describe(),
            environment = ?settings.app.environment,
            "Sepadan is listening"
        );
        Ok(Application {
            port,
            server,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until the process is stopped.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Chooses ring as the TLS crypto provider of outgoing HTTPS (webhooks, exchange rates); a
/// second call, or another part of the process having chosen first, changes nothing.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Checks every `matching.refresh_seconds` whether the matching index is stale and rebuilds it,
/// so that requests seldom wait for a rebuild. The thread ends once the application is gone.
fn keep_matching_fresh(state: &AppState) {
    let matchmaker = Arc::downgrade(&state.matchmaker);
    let db = state.db.clone();
    let period = std::time::Duration::from_secs(state.settings.matching.refresh_seconds);
    let spawned = std::thread::Builder::new()
        .name("matching-refresh".into())
        .spawn(move || {
            loop {
                std::thread::sleep(period);
                let Some(matchmaker) = matchmaker.upgrade() else {
                    return;
                };
                let refreshed = db
                    .get()
                    .and_then(|mut conn| matchmaker.snapshot(&mut conn).map(drop));
                if let Err(e) = refreshed {
                    tracing::warn!(error = %e, "could not refresh the matching index");
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no thread to refresh the matching index; requests refresh it");
    }
}

/// The API's OpenAPI document, built from the route table without a server (`sepadan openapi`).
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    api::openapi::build()
}

fn run(listener: TcpListener, state: AppState, workers: usize) -> anyhow::Result<Server> {
    let keys = web::Data::new(TokenKeys::new(&state.settings.auth)?);
    let db = web::Data::new(state.db.clone());
    let cors_origins = state.settings.server.cors_origins.clone();
    let state = web::Data::new(state);
    let pages = web::Data::new(shape::ErrorPages(crate::web::error_page));
    let mut server = HttpServer::new(move || {
        let (app, openapi) = App::new()
            .into_utoipa_app()
            .app_data(state.clone())
            .app_data(pages.clone())
            .app_data(db.clone())
            .app_data(keys.clone())
            .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
            .app_data(api::extract::query_config())
            .app_data(api::extract::path_config())
            .configure(api::config)
            .split_for_parts();
        let openapi = web::Data::new(api::openapi::document(openapi));
        app.app_data(openapi)
            .configure(crate::web::config)
            .default_service(web::to(not_found))
            .wrap(from_fn(head::answer_head_as_get))
            .wrap(from_fn(text::refuse_control_characters))
            .wrap(from_fn(crate::web::session::refuse_cross_site_forms))
            .wrap(from_fn(limits::refuse_oversized_heads))
            .wrap(Condition::new(
                !cors_origins.is_empty(),
                headers::cors(&cors_origins),
            ))
            .wrap(from_fn(shape::shape_errors))
            .wrap(from_fn(headers::set_security_headers))
            .wrap(TracingLogger::default())
    })
    .listen(listener)?;
    if workers > 0 {
        server = server.workers(workers);
    }
    Ok(server.run())
}

/// No route took the request: 405 when the address is known but not with this method (with the
/// methods it takes in `Allow`, for the API's addresses), else 404; JSON for the API, a page for
/// people.
async fn not_found(req: actix_web::HttpRequest) -> actix_web::HttpResponse {
    let known = req.resource_map().has_resource(req.path());
    let error = if known {
        AppError::Request {
            code: crate::error::ErrorCode::MethodNotAllowed,
            message: format!("{} does not take {}", req.path(), req.method()),
        }
    } else {
        AppError::NotFound("no such resource".into())
    };
    let mut response = if shape::is_api(req.path()) {
        actix_web::ResponseError::error_response(&error)
    } else {
        crate::web::error_page(&req, &error)
    };
    if let Some(allow) = known.then(|| documented_methods(&req)).flatten() {
        response
            .headers_mut()
            .insert(actix_web::http::header::ALLOW, allow);
    }
    response
}

/// The methods the OpenAPI document lists for the request's address, and HEAD with GET, as an
/// `Allow` value.
fn documented_methods(
    req: &actix_web::HttpRequest,
) -> Option<actix_web::http::header::HeaderValue> {
    let document = req.app_data::<web::Data<utoipa::openapi::OpenApi>>()?;
    let item = document.paths.paths.get(&req.match_pattern()?)?;
    let methods: Vec<&str> = [
        ("GET", &item.get),
        // Every GET is answered to HEAD too (`middleware::head`).
        ("HEAD", &item.get),
        ("POST", &item.post),
        ("PUT", &item.put),
        ("PATCH", &item.patch),
        ("DELETE", &item.delete),
        ("OPTIONS", &item.options),
    ]
    .into_iter()
    .filter_map(|(name, operation)| operation.as_ref().map(|_| name))
    .collect();
    actix_web::http::header::HeaderValue::from_str(&methods.join(", ")).ok()
}
