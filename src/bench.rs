//! `sepadan bench matching`: measures the matching index on a generated corpus (one investor's
//! top 20, every investor's top 20 on all cores, memory per project) against the same ranking
//! written as one SQL query on SQLite.

use std::time::{Duration, Instant};

#[cfg(feature = "postgres")]
use diesel::PgConnection;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use rayon::prelude::*;
use serde::Serialize;

use crate::db::AnyConnection;
use crate::matching::facts::{MandateFacts, ProjectFacts, Taxonomy};
use crate::matching::index::ticket_log10;
use crate::matching::synthetic::corpus;
use crate::matching::text::{TextIndex, terms};
use crate::matching::{MatchFilter, ProjectIndex, Weights};
use crate::reference::Catalogue;

/// What `bench matching` measured.
#[derive(Debug, Serialize)]
pub struct MatchingReport {
    pub projects: usize,
    pub investors: usize,
    /// Queries timed for the percentiles.
    pub queries: usize,
    pub build_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Every investor's top 20, on all cores.
    pub batch_s: f64,
    pub threads: usize,
    /// The same ranking as one SQL query on SQLite, mean of the investors timed.
    pub sql_ms: f64,
    pub sql_queries: usize,
    /// How many of the SQL top-20 lists equal the index's.
    pub sql_agreeing: usize,
    /// `sql_ms` over `p50_ms`.
    pub speedup: f64,
    /// The same on PostgreSQL, when one is configured.
    pub pg_sql_ms: Option<f64>,
    pub pg_sql_agreeing: Option<usize>,
    pub pg_speedup: Option<f64>,
    /// Index memory per project, the text index excluded.
    pub bytes_per_project: f64,
    pub text_index_bytes_per_project: f64,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

/// Runs the matching benchmark; `sql_queries` investors are also ranked in SQL on SQLite and,
/// when `postgres_url` is given, on PostgreSQL.
pub fn matching(
    projects: usize,
    investors: usize,
    queries: usize,
    sql_queries: usize,
    seed: u64,
    postgres_url: Option<&str>,
) -> anyhow::Result<MatchingReport> {
    anyhow::ensure!(
        projects > 0 && investors > 0 && queries > 0,
        "need at least one project, one investor and one query"
    );
    let tax = std::sync::Arc::new(Taxonomy::from_catalogue(&Catalogue::from_shipped_files()?));
    let generated = corpus(&tax, projects, investors, seed);
    let weights = Weights::default();
    let filter = MatchFilter::default();

    let started = Instant::now();
    let index = ProjectIndex::build(tax.clone(), generated.projects.clone());
    let build_s = started.elapsed().as_secs_f64();

    let mut times: Vec<Duration> = (0..queries)
        .map(|q| {
            let mandate = &generated.mandates[q % investors];
            let started = Instant::now();
            let top = index.top(mandate, &weights, &filter, &[], 0, 20);
            let elapsed = started.elapsed();
            std::hint::black_box(top);
            elapsed
        })
        .collect();
    times.sort();

    let started = Instant::now();
    let batch: usize = generated
        .mandates
        .par_iter()
        .map(|m| index.top(m, &weights, &filter, &[], 0, 20).len())
        .sum();
    std::hint::black_box(batch);
    let batch_s = started.elapsed().as_secs_f64();

    let sql_mandates = &generated.mandates[..sql_queries.min(investors)];
    let compare = |backend: SqlBackend| {
        sql_comparison(
            &backend,
            &tax,
            &index,
            &generated.projects,
            sql_mandates,
            &weights,
        )
    };
    let (sql_ms, sql_agreeing) = compare(SqlBackend::Sqlite)?;
    let pg = postgres_url
        .map(|url| compare(SqlBackend::Postgres(url.to_owned())))
        .transpose()?;
    let p50_ms = percentile(&times, 0.5);
    Ok(MatchingReport {
        projects,
        investors,
        queries,
        build_s,
        p50_ms,
        p99_ms: percentile(&times, 0.99),
        batch_s,
        threads: rayon::current_num_threads(),
        sql_ms,
        sql_queries: sql_queries.min(investors),
        sql_agreeing,
        speedup: sql_ms / p50_ms,
        pg_sql_ms: pg.map(|(ms, _)| ms),
        pg_sql_agreeing: pg.map(|(_, agreeing)| agreeing),
        pg_speedup: pg.map(|(ms, _)| ms / p50_ms),
        bytes_per_project: index.bytes_beyond_text() as f64 / projects as f64,
        text_index_bytes_per_project: index.text().heap_bytes() as f64 / projects as f64,
    })
}

#[derive(QueryableByName)]
struct SqlRanked {
    #[diesel(sql_type = Text)]
    id: String,
}

/// Where the SQL comparison runs.
enum SqlBackend {
    /// A temporary SQLite file.
    Sqlite,
    /// Temporary tables in the configured PostgreSQL database.
    Postgres(String),
}

impl SqlBackend {
    fn connect(&self, dir: &std::path::Path) -> anyhow::Result<AnyConnection> {
        match self {
            SqlBackend::Sqlite => {
                let path = dir.join("bench.db");
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                conn.batch_execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
                Ok(AnyConnection::Sqlite(conn))
            }
            #[cfg(feature = "postgres")]
            SqlBackend::Postgres(url) => {
                Ok(AnyConnection::Postgresql(PgConnection::establish(url)?))
            }
            #[cfg(not(feature = "postgres"))]
            SqlBackend::Postgres(url) => anyhow::bail!(
                "database.url names PostgreSQL ({}) but this build has no PostgreSQL support",
                crate::config::redact_url(url)
            ),
        }
    }

    /// The name of the scalar maximum.
    fn greatest(&self) -> &'static str {
        match self {
            SqlBackend::Sqlite => "max",
            SqlBackend::Postgres(_) => "GREATEST",
        }
    }
}

/// Loads the corpus into temporary tables and ranks each mandate with one query. Returns the mean
/// time of a query and how many top-20 lists equal the index's.
fn sql_comparison(
    backend: &SqlBackend,
    tax: &Taxonomy,
    index: &ProjectIndex,
    projects: &[ProjectFacts],
    mandates: &[MandateFacts],
    weights: &Weights,
) -> anyhow::Result<(f64, usize)> {
    if mandates.is_empty() {
        return Ok((0.0, 0));
    }
    let dir = tempfile_dir()?;
    let mut conn = backend.connect(&dir)?;
    conn.batch_execute(
        "CREATE TEMP TABLE bench_projects (pos INTEGER PRIMARY KEY, id TEXT NOT NULL, region INTEGER NOT NULL,
            province INTEGER NOT NULL, ikn INTEGER NOT NULL, s1 TEXT NOT NULL, sec1 TEXT NOT NULL, s2 TEXT, sec2 TEXT,
            dims INTEGER NOT NULL, elems INTEGER NOT NULL, stage INTEGER NOT NULL, instruments INTEGER NOT NULL,
            value_log10 DOUBLE PRECISION);
         CREATE TEMP TABLE bench_terms (pos INTEGER NOT NULL, term TEXT NOT NULL, weight DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (pos, term));",
    )?;
    load_corpus(&mut conn, tax, index, projects)?;
    let mut total = Duration::ZERO;
    let mut agreeing = 0;
    for mandate in mandates {
        let sql = ranking_sql(tax, index, mandate, weights, backend.greatest());
        let started = Instant::now();
        let rows: Vec<SqlRanked> = diesel::sql_query(&sql).load(&mut conn)?;
        total += started.elapsed();
        let fast: Vec<&str> = index
            .top(mandate, weights, &MatchFilter::default(), &[], 0, 20)
            .iter()
            .map(|r| index.id(r.position))
            .collect();
        let slow: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        agreeing += usize::from(fast == slow);
    }
    drop(conn);
    let _ = std::fs::remove_dir_all(&dir);
    Ok((total.as_secs_f64() * 1e3 / mandates.len() as f64, agreeing))
}

/// Inserts the projects and their term weights, many rows a statement.
fn load_corpus(
    conn: &mut AnyConnection,
    tax: &Taxonomy,
    index: &ProjectIndex,
    projects: &[ProjectFacts],
) -> anyhow::Result<()> {
    let code = |id: u16| tax.sectors[id as usize].code.clone();
    let section = |id: u16| {
        tax.sectors[id as usize].chain[0]
            .map(|s| tax.sectors[s as usize].code.clone())
            .unwrap_or_default()
    };
    conn.batch_execute("BEGIN")?;
    for chunk in projects.chunks(500) {
        let mut rows = Vec::with_capacity(chunk.len());
        let mut term_rows = Vec::new();
        for p in chunk {
            let pos = index.position(&p.id).unwrap_or(0);
            let region = &tax.regions[p.region as usize];
            let second = p
                .sectors
                .get(1)
                .map_or(("NULL".to_owned(), "NULL".to_owned()), |&s| {
                    (format!("'{}'", code(s)), format!("'{}'", section(s)))
                });
            let value = p
                .value_usd
                .map_or("NULL".to_owned(), |v| format!("{:e}", v.max(1e-9).log10()));
            rows.push(format!(
                "({pos},'{}',{},{},{},'{}','{}',{},{},{},{},{},{},{value})",
                p.id,
                p.region,
                region.province,
                u8::from(region.ikn_related),
                code(p.sectors[0]),
                section(p.sectors[0]),
                second.0,
                second.1,
                p.dimensions,
                p.elements,
                p.stage,
                p.instruments,
            ));
            let doc = terms(&p.text);
            let mut counts: std::collections::BTreeMap<&str, usize> =
                std::collections::BTreeMap::new();
            for t in &doc {
                *counts.entry(t.as_str()).or_default() += 1;
            }
            let norm = index
                .text()
                .norm(u16::try_from(doc.len()).unwrap_or(u16::MAX));
            term_rows.extend(counts.into_iter().map(|(t, n)| {
                let weight = TextIndex::weight(u16::try_from(n).unwrap_or(u16::MAX), norm);
                format!("({pos},'{t}',{:e})", f64::from(weight))
            }));
        }
        conn.batch_execute(&format!(
            "INSERT INTO bench_projects VALUES {}",
            rows.join(",")
        ))?;
        for terms_chunk in term_rows.chunks(2000) {
            conn.batch_execute(&format!(
                "INSERT INTO bench_terms VALUES {}",
                terms_chunk.join(",")
            ))?;
        }
    }
    conn.batch_execute("COMMIT")?;
    conn.batch_execute("ANALYZE")?;
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("sepadan-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn list(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().collect();
    if items.is_empty() {
        "NULL".into()
    } else {
        items.join(",")
    }
}

/// The whole ranking as one SQL statement: the same rules as `matching::components`.
fn ranking_sql(
    tax: &Taxonomy,
    index: &ProjectIndex,
    m: &MandateFacts,
    w: &Weights,
    greatest: &str,
) -> String {
    let sector_case = |col: &str, sec: &str| -> String {
        let arms: Vec<String> = m
            .sectors
            .iter()
            .map(|&s| {
                let node = &tax.sectors[s as usize];
                let msec = node.chain[0].map(|c| tax.sectors[c as usize].code.clone()).unwrap_or_default();
                let covers = if node.level == 0 { format!("{sec} = '{}'", node.code) } else { format!("substr({col},1,{}) = '{}'", node.code.len(), node.code) };
                let group = if node.level >= 2 { format!("WHEN substr({col},1,3) = '{}' THEN 0.75 ", &node.code[..3]) } else { String::new() };
                let division = if node.level >= 1 { format!("WHEN substr({col},1,2) = '{}' THEN 0.5 ", &node.code[..2]) } else { String::new() };
                format!("CASE WHEN {covers} THEN 1.0 {group}{division}WHEN {sec} = '{msec}' THEN 0.25 ELSE 0.0 END")
            })
            .collect();
        if arms.len() == 1 {
            arms[0].clone()
        } else {
            format!("{greatest}({})", arms.join(","))
        }
    };
    let sector = if m.sectors.is_empty() {
        "0.5".to_owned()
    } else {
        format!(
            "{greatest}({}, COALESCE({}, 0.0))",
            sector_case("s1", "sec1"),
            sector_case("s2", "sec2")
        )
    };
    let excluded: Vec<String> = m
        .excluded_sectors
        .iter()
        .flat_map(|&e| {
            let node = &tax.sectors[e as usize];
            ["1", "2"].map(|n| {
                if node.level == 0 {
                    format!("sec{n} = '{}'", node.code)
                } else {
                    format!("substr(s{n},1,{}) = '{}'", node.code.len(), node.code)
                }
            })
        })
        .collect();
    let wanted_dims = m.dimensions | tax.dimensions_of_elements(m.elements);
    let dimension = if m.dimensions == 0 && m.elements == 0 {
        "0.5".to_owned()
    } else {
        format!(
            "CASE WHEN (elems & {}) != 0 THEN 1.0 WHEN (dims & {wanted_dims}) != 0 THEN 0.6 ELSE 0.0 END",
            m.elements
        )
    };
    let ticket = match ticket_log10(m) {
        None => "0.5".to_owned(),
        Some((lo, hi)) => {
            let d = format!("{greatest}({lo:e} - value_log10, value_log10 - {hi:e}, 0.0)");
            format!("CASE WHEN value_log10 IS NULL THEN 0.5 ELSE 1.0 / (1.0 + 4.0 * {d} * {d}) END")
        }
    };
    let regions = list(m.regions.iter().map(|r| r.to_string()));
    let provinces = list(m.provinces.iter().map(|r| r.to_string()));
    let region_provinces = list(
        m.regions
            .iter()
            .map(|&r| tax.regions[r as usize].province.to_string()),
    );
    let anywhere = if m.regions.is_empty() && m.provinces.is_empty() {
        "0.5"
    } else {
        "0.0"
    };
    let region = format!(
        "CASE WHEN region IN ({regions}) THEN 1.0 WHEN province IN ({provinces}) THEN 0.85 \
         WHEN province IN ({region_provinces}) THEN 0.75 WHEN {} AND ikn = 1 THEN 0.6 ELSE {anywhere} END",
        if m.ikn_related { "TRUE" } else { "FALSE" }
    );
    let stage = format!(
        "((CASE WHEN {s} = 0 THEN 0.5 WHEN (({s} >> stage) & 1) = 1 THEN 1.0 \
           WHEN (({s} >> (stage + 1)) & 1) = 1 OR (stage > 0 AND (({s} >> (stage - 1)) & 1) = 1) THEN 0.5 ELSE 0.0 END) + \
          (CASE WHEN {i} = 0 OR instruments = 0 THEN 0.5 WHEN (instruments & {i}) != 0 THEN 1.0 ELSE 0.0 END)) / 2.0",
        s = m.stages,
        i = m.instruments
    );
    let query = index.text().query(&m.thesis);
    let has_thesis = !m.thesis.trim().is_empty();
    let bm25 = if query.is_empty() {
        "0.0".to_owned()
    } else {
        let idf_case: Vec<String> = query
            .iter()
            .map(|q| format!("WHEN '{}' THEN {:e}", q.term, q.idf))
            .collect();
        let terms_in = list(query.iter().map(|q| format!("'{}'", q.term)));
        format!(
            "(SELECT COALESCE(SUM((CASE t.term {} END) * t.weight), 0.0) \
             FROM bench_terms t WHERE t.pos = p.pos AND t.term IN ({terms_in}))",
            idf_case.join(" ")
        )
    };
    let text = if has_thesis {
        "(bm / (bm + 4.0))".to_owned()
    } else {
        "0.5".to_owned()
    };
    let not_excluded = if excluded.is_empty() {
        "1 = 1".to_owned()
    } else {
        format!("NOT COALESCE({}, FALSE)", excluded.join(" OR "))
    };
    let [ws, wd, wt, wr, wst, wtx] = w.normalised();
    format!(
        "SELECT id, score FROM (SELECT id, {ws:e} * {sector} + {wd:e} * {dimension} + {wt:e} * {ticket} + \
         {wr:e} * {region} + {wst:e} * {stage} + {wtx:e} * {text} AS score \
         FROM (SELECT p.*, {bm25} AS bm FROM bench_projects p WHERE {not_excluded}) AS with_text) AS scored \
         ORDER BY score DESC, id LIMIT 20"
    )
}

/// Times two re-plans of a solved instance in which every placed meeting is confirmed: after one
/// cancellation, and after one newly accepted request. Returns milliseconds, and whether both
/// re-plans are valid (no confirmed meeting moved).
pub fn replan_timings(
    instance: &crate::scheduling::Instance,
    schedule: &crate::scheduling::Schedule,
) -> (f64, f64, bool) {
    use crate::scheduling::{Request, replan, validate};
    let mut confirmed = instance.clone();
    confirmed.fixed = schedule.assignments.clone();
    let Some(first) = schedule.assignments.first() else {
        return (0.0, 0.0, true);
    };
    let cancelled = first.request;
    confirmed.fixed.retain(|a| a.request != cancelled);
    let started = Instant::now();
    let after_cancel = replan(&confirmed, schedule, &[cancelled]);
    let cancel_ms = started.elapsed().as_secs_f64() * 1e3;
    let mut grown = confirmed.clone();
    grown.fixed = after_cancel.assignments.clone();
    let parties = instance.requests[cancelled as usize].parties.clone();
    grown.requests.push(Request {
        id: "newly-accepted".into(),
        parties,
        weight: 2.0,
        group: false,
        preferred: Vec::new(),
    });
    let started = Instant::now();
    let after_add = replan(&grown, &after_cancel, &[cancelled]);
    let add_ms = started.elapsed().as_secs_f64() * 1e3;
    let valid =
        validate(&confirmed, &after_cancel).is_empty() && validate(&grown, &after_add).is_empty();
    (cancel_ms, add_ms, valid)
}
