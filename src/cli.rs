//! The command line: `serve` (default), `migrate`, `seed --demo`, `user create`, `check-config`,
//! `openapi`.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use secrecy::ExposeSecret;

use crate::auth::Role;
use crate::auth::accounts::{self, Language, NewAccount};
use crate::config::Settings;
use crate::db::{Db, write_transaction};
use crate::error::AppError;
use crate::matchmaker::Matchmaker;
use crate::reference::{self, Catalogue};
use crate::startup::Application;
use crate::{seed, telemetry};

/// Sepadan: investor–region matchmaking for Indonesia's smart-city programme.
///
/// Settings come from config/default.toml, config/local.toml, $SEPADAN_CONFIG and
/// SEPADAN__SECTION__KEY environment variables (e.g. SEPADAN__SERVER__PORT=0).
#[derive(Debug, Parser)]
#[command(name = "sepadan", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP server (the default): applies migrations, loads reference data and, in
    /// development with demo.seed_on_empty, the demo data into an empty database.
    Serve,
    /// Apply pending database migrations and load the reference data, then exit.
    Migrate,
    /// Exchange rates.
    #[command(subcommand)]
    Rates(RatesCommand),
    /// Deliver the outbox (emails) until stopped, without serving HTTP; run several against one
    /// PostgreSQL database if you like, they never deliver the same item twice.
    Worker,
    /// Load data sets into the database.
    Seed {
        /// The synthetic demo data set: regions, 40+ projects, 30+ investors, one user per role.
        #[arg(long)]
        demo: bool,
    },
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Load and check the configuration, print it without secrets, and exit.
    CheckConfig,
    /// Print the API's OpenAPI 3.1 document (the one served at /api/v1/openapi.json) and exit.
    Openapi,
    /// Measure the engines on generated data.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Solve a scheduling instance written as JSON (the format `bench scheduling
    /// --write-instance` writes; see docs/scheduling.md).
    ScheduleSolve {
        instance: std::path::PathBuf,
        #[arg(long)]
        write_schedule: Option<std::path::PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Check a schedule against an instance; exits non-zero and lists every broken constraint.
    ScheduleCheck {
        instance: std::path::PathBuf,
        schedule: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum RatesCommand {
    /// Fetch the provider's reference rates (rates.provider_url) once and store them.
    Fetch,
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Staff write latency (p50, p99) alone and during a flood of sign-ins with wrong passwords,
    /// on a server of its own over a fresh SQLite database in a temporary folder.
    SignInFlood {
        /// Concurrent clients signing in with a wrong password.
        #[arg(long, default_value_t = 64)]
        flood: usize,
        /// Staff writes timed in each phase.
        #[arg(long, default_value_t = 500)]
        writes: usize,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// The meeting scheduler on a generated instance of a tier: placed requests, objective, the
    /// share of an upper bound, seconds.
    Scheduling {
        #[arg(long, value_enum)]
        tier: crate::scheduling::generate::Tier,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Save the generated instance as JSON.
        #[arg(long)]
        write_instance: Option<std::path::PathBuf>,
        /// Save the schedule as JSON.
        #[arg(long)]
        write_schedule: Option<std::path::PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// The matching index: one investor's top 20 (p50, p99), every investor's top 20 on all
    /// cores, memory per project, and the same ranking as one SQL query on SQLite.
    Matching {
        #[arg(long, default_value_t = 100_000)]
        projects: usize,
        #[arg(long, default_value_t = 5_000)]
        investors: usize,
        /// Single-investor queries timed for the percentiles.
        #[arg(long, default_value_t = 2_000)]
        queries: usize,
        /// Investors also ranked in SQL.
        #[arg(long, default_value_t = 5)]
        sql_queries: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create a user. Asks for the password, or reads one line from stdin with --password-stdin.
    Create {
        #[arg(long, value_enum)]
        role: RoleArg,
        #[arg(long)]
        email: String,
        /// The person's name (defaults to the part of the email before @).
        #[arg(long)]
        name: Option<String>,
        /// For officials: the region's Kemendagri code, e.g. 73.73.
        #[arg(long)]
        region: Option<String>,
        /// For investors: the organisation's name (created, unverified, country ID unless --country).
        #[arg(long)]
        organisation: Option<String>,
        /// For investors: the organisation's country (ISO 3166-1 alpha-2).
        #[arg(long, default_value = "ID")]
        country: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoleArg {
    Investor,
    Official,
    Staff,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Investor => Role::Investor,
            RoleArg::Official => Role::Official,
            RoleArg::Staff => Role::Staff,
            RoleArg::Admin => Role::Admin,
        }
    }
}

/// Parses the command line and runs the command; the exit code says whether it worked.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Openapi) = cli.command {
        return print_openapi();
    }
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("error: configuration: {e:#}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings),
        Command::Migrate => migrate(&settings),
        Command::Worker => worker(&settings),
        Command::Rates(RatesCommand::Fetch) => fetch_rates(&settings),
        Command::Seed { demo } => seed_demo(&settings, demo),
        Command::User(UserCommand::Create {
            role,
            email,
            name,
            region,
            organisation,
            country,
            password_stdin,
        }) => create_user(
            &settings,
            role.into(),
            &email,
            name,
            region,
            organisation,
            &country,
            password_stdin,
        ),
        Command::CheckConfig => check_config(&settings),
        Command::Openapi => print_openapi_or_fail(),
        Command::Bench(BenchCommand::Scheduling {
            tier,
            seed,
            write_instance,
            write_schedule,
            json,
        }) => {
            let instance = crate::scheduling::generate::instance(tier, seed);
            if let Some(path) = &write_instance {
                write_json(path, &instance)
            } else {
                Ok(())
            }
            .and_then(|()| {
                solve_and_report(
                    &instance,
                    Some(format!("{tier:?}")),
                    write_schedule.as_deref(),
                    json,
                )
            })
        }
        Command::ScheduleSolve {
            instance,
            write_schedule,
            json,
        } => read_json(&instance)
            .and_then(|i| solve_and_report(&i, None, write_schedule.as_deref(), json)),
        Command::ScheduleCheck { instance, schedule } => schedule_check(&instance, &schedule),
        Command::Bench(BenchCommand::SignInFlood {
            flood,
            writes,
            json,
        }) => bench_flood(&settings, flood, writes, json),
        Command::Bench(BenchCommand::Matching {
            projects,
            investors,
            queries,
            sql_queries,
            seed,
            json,
        }) => bench_matching(
            &settings,
            projects,
            investors,
            queries,
            sql_queries,
            seed,
            json,
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the document; it needs no configuration or database.
fn print_openapi() -> ExitCode {
    match print_openapi_or_fail() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn print_openapi_or_fail() -> anyhow::Result<()> {
    let document = crate::startup::openapi_document();
    let text = serde_json::to_string_pretty(&document).context("writing the OpenAPI document")?;
    println!("{text}");
    Ok(())
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings)?;
        app.run_until_stopped().await?;
        Ok(())
    })
}

fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let db = Db::connect(&settings.database)?;
    reference::load(&mut *db.get()?)?;
    println!("database is up to date ({})", db.backend_name());
    Ok(())
}

fn fetch_rates(settings: &Settings) -> anyhow::Result<()> {
    let db = Db::connect(&settings.database)?;
    reference::load(&mut *db.get()?)?;
    let refreshed = crate::rates::refresh(&db, settings)?;
    println!(
        "stored {} exchange rates dated {} from {}",
        refreshed.currencies, refreshed.date, settings.rates.provider_url
    );
    Ok(())
}

fn worker(settings: &Settings) -> anyhow::Result<()> {
    let db = Db::connect(&settings.database)?;
    let catalogue = std::sync::Arc::new(Catalogue::read(&mut *db.get()?)?);
    let matchmaker = std::sync::Arc::new(Matchmaker::new(catalogue, settings.matching.weights));
    tracing::info!(
        mail = %crate::notify::email::Mailer::describe(&settings.email),
        "the outbox worker is running"
    );
    crate::notify::worker::Worker::new(db, settings, matchmaker)?.run_forever();
    Ok(())
}

fn seed_demo(settings: &Settings, demo: bool) -> anyhow::Result<()> {
    anyhow::ensure!(demo, "say which data set to load: --demo");
    let db = Db::connect(&settings.database)?;
    let mut conn = db.get()?;
    reference::load(&mut conn)?;
    let catalogue = std::sync::Arc::new(Catalogue::read(&mut conn)?);
    let matchmaker = Matchmaker::new(catalogue.clone(), settings.matching.weights);
    let report = seed::demo(&mut conn, &catalogue, &matchmaker, &settings.meetings)?;
    if !report.loaded {
        println!("the demo data set is already loaded");
        return Ok(());
    }
    println!(
        "loaded the synthetic demo data set: {} projects, {} investors, {} events; every demo account's password is {}",
        report.projects,
        report.investors,
        report.events,
        seed::DEMO_PASSWORD
    );
    for (role, email) in &report.accounts {
        println!("  {:<9} {email}", role.as_ref());
    }
    Ok(())
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let first = rpassword::prompt_password("Password (12 to 128 characters): ")?;
    let again = rpassword::prompt_password("Again: ")?;
    anyhow::ensure!(first == again, "the passwords differ");
    Ok(first)
}

#[allow(clippy::too_many_arguments)]
fn create_user(
    settings: &Settings,
    role: Role,
    email: &str,
    name: Option<String>,
    region: Option<String>,
    organisation: Option<String>,
    country: &str,
    password_stdin: bool,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        role == Role::Official || region.is_none(),
        "--region is for officials only"
    );
    anyhow::ensure!(
        role == Role::Investor || organisation.is_none(),
        "--organisation is for investors only"
    );
    let db = Db::connect(&settings.database)?;
    let mut conn = db.get()?;
    reference::load(&mut conn)?;
    let catalogue = Catalogue::read(&mut conn)?;
    if role == Role::Official {
        let code = region
            .as_deref()
            .ok_or_else(|| anyhow::anyhow!("officials need --region CODE"))?;
        anyhow::ensure!(
            catalogue.region(code).is_some(),
            "{code} is not a known region code"
        );
    }
    let organisation = match role {
        Role::Investor => Some(
            organisation.ok_or_else(|| anyhow::anyhow!("investors need --organisation NAME"))?,
        ),
        _ => None,
    };
    let password = read_password(password_stdin)?;
    let name = name.unwrap_or_else(|| email.split('@').next().unwrap_or(email).to_owned());
    let created = write_transaction(&mut conn, |conn| {
        let investor_id = organisation
            .map(|org| {
                let input = crate::services::investors::OrganisationInput {
                    name: org,
                    kind: crate::domain::project::InvestorKind::Company,
                    country: country.to_owned(),
                    website: None,
                    description: String::new(),
                    contact_name: None,
                    contact_email: None,
                    contact_phone: None,
                };
                crate::services::investors::create_investor(conn, &input, false)
            })
            .transpose()?;
        accounts::create(
            conn,
            NewAccount {
                email,
                password: &password,
                name: &name,
                role,
                region_code: region,
                investor_id,
                language: Language::default(),
            },
        )
    })
    .map_err(|e: AppError| anyhow::anyhow!("{e}"))?;
    println!(
        "created {} {} ({})",
        role.as_ref(),
        created.email,
        created.id
    );
    Ok(())
}

fn bench_flood(settings: &Settings, flood: usize, writes: usize, json: bool) -> anyhow::Result<()> {
    let r = crate::bench_flood::sign_in_flood(settings, flood, writes)?;
    if json {
        println!("{}", serde_json::to_string(&r)?);
        return Ok(());
    }
    println!(
        "sign-in flood: {} clients, {} staff writes per phase, hashing_concurrency {}",
        r.flood, r.writes, r.hashing_concurrency
    );
    for (phase, l) in [("alone", &r.quiet), ("during the flood", &r.flooded)] {
        println!(
            "  staff write {phase:<18} p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            l.p50_ms, l.p99_ms, l.max_ms
        );
    }
    println!(
        "  flood sign-ins {} ({} answered 401); unexpected answers {}",
        r.flood_requests, r.flood_401, r.unexpected
    );
    Ok(())
}

fn bench_matching(
    settings: &Settings,
    projects: usize,
    investors: usize,
    queries: usize,
    sql_queries: usize,
    seed: u64,
    json: bool,
) -> anyhow::Result<()> {
    let postgres = settings
        .database
        .url
        .starts_with("postgres")
        .then_some(settings.database.url.as_str());
    let r = crate::bench::matching(projects, investors, queries, sql_queries, seed, postgres)?;
    if json {
        println!("{}", serde_json::to_string(&r)?);
        return Ok(());
    }
    println!(
        "matching: {} projects, {} investors (seed {seed})",
        r.projects, r.investors
    );
    println!("  index build                 {:.2} s", r.build_s);
    println!(
        "  one investor's top 20       p50 {:.3} ms, p99 {:.3} ms over {} queries (one core)",
        r.p50_ms, r.p99_ms, r.queries
    );
    println!(
        "  every investor's top 20     {:.2} s on {} threads",
        r.batch_s, r.threads
    );
    println!(
        "  the same ranking in SQL     {:.1} ms on SQLite ({} of {} top-20 lists identical)",
        r.sql_ms, r.sql_agreeing, r.sql_queries
    );
    println!("  speed-up over SQL           {:.0}x", r.speedup);
    if let (Some(ms), Some(agreeing), Some(speedup)) =
        (r.pg_sql_ms, r.pg_sql_agreeing, r.pg_speedup)
    {
        println!(
            "  the same on PostgreSQL       {ms:.1} ms ({agreeing} of {} top-20 lists identical), {speedup:.0}x",
            r.sql_queries
        );
    }
    println!(
        "  memory per project          {:.0} bytes, plus {:.0} bytes of text index",
        r.bytes_per_project, r.text_index_bytes_per_project
    );
    Ok(())
}

fn read_json<T: serde::de::DeserializeOwned>(path: &std::path::Path) -> anyhow::Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

fn write_json<T: serde::Serialize>(path: &std::path::Path, value: &T) -> anyhow::Result<()> {
    std::fs::write(path, serde_json::to_vec(value)?)
        .with_context(|| format!("writing {}", path.display()))
}

/// What `bench scheduling` and `schedule-solve` print.
#[derive(serde::Serialize)]
struct ScheduleReport {
    tier: Option<String>,
    participants: usize,
    requests: usize,
    slots: usize,
    placed: usize,
    objective: f64,
    /// The participant-capacity upper bound (weaker than the LP relaxation).
    capacity_bound: f64,
    share_of_bound: f64,
    seconds: f64,
    valid: bool,
    /// Re-plan after one cancellation, every other meeting confirmed.
    replan_cancel_ms: f64,
    /// Re-plan after one newly accepted request, every meeting confirmed.
    replan_add_ms: f64,
    replans_valid: bool,
}

fn solve_and_report(
    instance: &crate::scheduling::Instance,
    tier: Option<String>,
    write_schedule: Option<&std::path::Path>,
    json: bool,
) -> anyhow::Result<()> {
    let problems = instance.problems();
    anyhow::ensure!(
        problems.is_empty(),
        "the instance cannot be solved: {}",
        problems.join("; ")
    );
    let started = std::time::Instant::now();
    let schedule = crate::scheduling::solve(instance);
    let seconds = started.elapsed().as_secs_f64();
    let violations = crate::scheduling::validate(instance, &schedule);
    let objective = schedule.objective(instance);
    let capacity_bound = crate::scheduling::bound::capacity_bound(instance);
    let (replan_cancel_ms, replan_add_ms, replans_valid) =
        crate::bench::replan_timings(instance, &schedule);
    let report = ScheduleReport {
        tier,
        participants: instance.participants.len(),
        requests: instance.requests.len(),
        slots: instance.slots.len(),
        placed: schedule.assignments.len(),
        objective,
        capacity_bound,
        share_of_bound: if capacity_bound > 0.0 {
            objective / capacity_bound
        } else {
            1.0
        },
        seconds,
        valid: violations.is_empty(),
        replan_cancel_ms,
        replan_add_ms,
        replans_valid,
    };
    if let Some(path) = write_schedule {
        write_json(path, &schedule)?;
    }
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!(
            "scheduling{}: {} participants, {} requests, {} slots",
            report
                .tier
                .as_deref()
                .map(|t| format!(" tier {t}"))
                .unwrap_or_default(),
            report.participants,
            report.requests,
            report.slots
        );
        println!(
            "  placed {} requests, objective {:.3} in {:.3} s",
            report.placed, report.objective, report.seconds
        );
        println!(
            "  re-plan after a cancellation {:.1} ms, after a new request {:.1} ms (valid: {})",
            report.replan_cancel_ms, report.replan_add_ms, report.replans_valid
        );
        println!(
            "  {:.1}% of the participant-capacity bound {:.3}",
            report.share_of_bound * 100.0,
            report.capacity_bound
        );
    }
    anyhow::ensure!(
        violations.is_empty(),
        "the schedule breaks constraints: {violations:?}"
    );
    Ok(())
}

fn schedule_check(instance: &std::path::Path, schedule: &std::path::Path) -> anyhow::Result<()> {
    let instance: crate::scheduling::Instance = read_json(instance)?;
    let problems = instance.problems();
    anyhow::ensure!(
        problems.is_empty(),
        "the instance is unusable: {}",
        problems.join("; ")
    );
    let schedule: crate::scheduling::Schedule = read_json(schedule)?;
    let violations = crate::scheduling::validate(&instance, &schedule);
    for v in &violations {
        println!("{v}");
    }
    anyhow::ensure!(
        violations.is_empty(),
        "{} broken constraints",
        violations.len()
    );
    println!(
        "valid: {} meetings, objective {:.3}",
        schedule.assignments.len(),
        schedule.objective(&instance)
    );
    Ok(())
}

fn check_config(settings: &Settings) -> anyhow::Result<()> {
    crate::db::Backend::from_url(&settings.database.url)?;
    println!("configuration is valid");
    println!("  app.environment        = {:?}", settings.app.environment);
    println!(
        "  server                 = {}:{}",
        settings.server.host, settings.server.port
    );
    println!(
        "  database               = {}",
        crate::config::redact_url(&settings.database.url)
    );
    println!(
        "  auth.jwt_secret        = ({} bytes, not shown)",
        settings.auth.jwt_secret.expose_secret().len()
    );
    println!(
        "  demo.seed_on_empty     = {} (effective: {})",
        settings.demo.seed_on_empty,
        settings.seeds_demo_on_empty()
    );
    Ok(())
}
