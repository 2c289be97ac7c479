//! Registering many participants of an event at once (staff): from the event page's checked
//! list, a CSV file or the API. Every row goes through [`register`]'s rules in its own savepoint
//! inside one transaction, so a check reports by row what would be added, what is refused and
//! why, and who is registered already, and a real run stores every valid row or none (or, when
//! asked, the valid rows only), as the spreadsheet imports do.

use std::collections::{BTreeMap, HashSet};
use std::str::FromStr;

use diesel::Connection;
use serde::{Deserialize, Serialize};
use strum::{AsRefStr, EnumString};
use utoipa::ToSchema;

use super::{RegistrationInput, register};
use crate::auth::AuthenticatedUser;
use crate::auth::policy::{self, Task};
use crate::db::{AnyConnection, write_transaction_keeping};
use crate::error::{AppError, ErrorCode, FieldErrors};
use crate::meetings::plan::slots;
use crate::meetings::service::EventData;
use crate::models::event as rows;
use crate::models::investor;
use crate::reference::Catalogue;
use crate::services::imports::{ImportQuery, read_rows, row_problems};

/// Who a batch row registers.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsRefStr, EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ParticipantKind {
    Investor,
    Region,
    Delegation,
}

/// One participant of a batch, by id or by name, with its own settings.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchEntry {
    pub kind: ParticipantKind,
    /// The investor's id, the region's code (`73.73`) or the delegation's id.
    #[serde(default)]
    pub id: Option<String>,
    /// The investor's, region's or delegation's name (any case), when no id is given.
    #[serde(default)]
    pub name: Option<String>,
    /// IANA time zone; the first venue's when absent.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// At most this many meetings a day (the event's cap when absent).
    #[serde(default)]
    pub daily_cap: Option<i32>,
}

/// The participants to register in one go.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchInput {
    pub participants: Vec<BatchEntry>,
}

/// What became of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BatchOutcome {
    /// Registered (in a dry run, or a run refused as a whole: would be).
    Added,
    /// Registered for the event already: skipped, so sending a batch twice adds nothing.
    Existing,
    /// Breaks a rule; `code` and `problems` say which.
    Refused,
}

/// One row of a batch report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchRow {
    /// The row's place: its line in a CSV file (the header is line 1), or its index in
    /// `participants` counting from 0.
    pub row: usize,
    pub outcome: BatchOutcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<ParticipantKind>,
    /// The investor, region or delegation the row names, when it is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Why a row is refused: the stable code of the error a single registration would get.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// What is wrong, by the row's field (`id`, `time_zone`, `daily_cap`; empty for the row).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(value_type = BTreeMap<String, String>)]
    pub problems: FieldErrors,
}

/// What a batch found and did.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchReport {
    pub dry_run: bool,
    /// Whether anything was stored.
    pub registered: bool,
    pub rows: Vec<BatchRow>,
}

impl BatchReport {
    /// Rows of this outcome.
    pub fn count(&self, outcome: BatchOutcome) -> usize {
        self.rows.iter().filter(|r| r.outcome == outcome).count()
    }
}

/// The CSV columns, in the template's order.
pub const BATCH_COLUMNS: &[&str] = &["kind", "id", "name", "time_zone", "daily_cap"];

/// The most rows one batch takes.
const MAX_ROWS: usize = 1000;

/// A row as read: its place, and the entry or why it could not be read.
type Numbered = (usize, Result<BatchEntry, AppError>);

/// Registers a list of participants (staff; the rules of `POST /events/{id}/participants/batch`):
/// the one path of the API and of the event page's checked list.
#[tracing::instrument(skip_all, fields(event_id = %event_id, rows = input.participants.len()))]
pub fn register_many(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    event_id: &str,
    input: &BatchInput,
    mode: &ImportQuery,
) -> Result<BatchReport, AppError> {
    let rows = input
        .participants
        .iter()
        .cloned()
        .map(Ok)
        .enumerate()
        .collect();
    register_rows(conn, catalogue, user, event_id, rows, mode)
}

/// Registers the participants of a CSV file in [`BATCH_COLUMNS`] (staff), rows numbered by
/// their line; a cell that does not read (a kind, a cap) refuses its row, not the file.
#[tracing::instrument(skip_all, fields(event_id = %event_id))]
pub fn register_csv(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    event_id: &str,
    csv: &[u8],
    mode: &ImportQuery,
) -> Result<BatchReport, AppError> {
    policy::may(user, Task::ManageEvents)?;
    let rows = read_rows(csv, BATCH_COLUMNS, &BATCH_COLUMNS[..1])?
        .into_iter()
        .map(|(line, values)| {
            let cell = |column: &str| {
                Some(values.get(column).map_or("", String::as_str).to_owned())
                    .filter(|v| !v.is_empty())
            };
            let entry = || -> Result<BatchEntry, AppError> {
                let kind = cell("kind").unwrap_or_default();
                Ok(BatchEntry {
                    kind: ParticipantKind::from_str(&kind.to_lowercase()).map_err(|_| {
                        AppError::validation(
                            "kind",
                            format!("`{kind}` is not investor, region or delegation"),
                        )
                    })?,
                    id: cell("id"),
                    name: cell("name"),
                    time_zone: cell("time_zone"),
                    daily_cap: cell("daily_cap")
                        .map(|c| c.parse())
                        .transpose()
                        .map_err(|_| AppError::validation("daily_cap", "must be a whole number"))?,
                })
            };
            (line, entry())
        })
        .collect();
    register_rows(conn, catalogue, user, event_id, rows, mode)
}

/// Runs every row in its own savepoint of one transaction and keeps the transaction only for a
/// real run that may keep what it made: nothing refused, or only the valid rows asked for.
fn register_rows(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    event_id: &str,
    rows: Vec<Numbered>,
    mode: &ImportQuery,
) -> Result<BatchReport, AppError> {
    policy::may(user, Task::ManageEvents)?;
    if rows.is_empty() {
        return Err(AppError::validation(
            "participants",
            "give at least one participant",
        ));
    }
    if rows.len() > MAX_ROWS {
        return Err(AppError::validation(
            "participants",
            format!("at most {MAX_ROWS} participants at once"),
        ));
    }
    let data = EventData::load(conn, event_id)?;
    // Without slots every row would be refused for the same reason: say it once.
    if slots(&data.plan)?.is_empty() {
        return Err(AppError::conflict(
            ErrorCode::EventWithoutSlots,
            "the event has no slots",
        ));
    }
    let venue_zone = data
        .plan
        .venues
        .first()
        .map_or_else(|| "UTC".to_owned(), |v| v.time_zone.clone());
    write_transaction_keeping(conn, |conn| {
        let mut seen = HashSet::new();
        let mut report = BatchReport {
            dry_run: mode.dry_run,
            registered: false,
            rows: Vec::new(),
        };
        for (row, entry) in rows {
            let shown = match entry {
                Ok(entry) => conn.transaction(|c| {
                    one_row(c, catalogue, user, event_id, &venue_zone, &entry, &mut seen)
                })?,
                Err(e) => refused(None, None, e)?,
            };
            report.rows.push(BatchRow { row, ..shown });
        }
        let refusals = report.count(BatchOutcome::Refused) > 0;
        let keep = !mode.dry_run
            && (mode.valid_rows_only || !refusals)
            && report.count(BatchOutcome::Added) > 0;
        report.registered = keep;
        Ok((report, keep))
    })
}

/// One row (numbered by the caller), inside its savepoint: an `Err` only for what is no row's
/// fault, so that a refused row rolls back its savepoint and the batch goes on.
fn one_row(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    event_id: &str,
    venue_zone: &str,
    entry: &BatchEntry,
    seen: &mut HashSet<(ParticipantKind, String)>,
) -> Result<BatchRow, AppError> {
    let kind = Some(entry.kind);
    let (id, name) = match resolve(conn, catalogue, entry) {
        Ok(found) => found,
        Err(e) => return refused(kind, None, e),
    };
    if seen.contains(&(entry.kind, id.clone())) {
        let twice = AppError::validation("id", "is given twice in the batch");
        return refused(kind, Some(name), twice);
    }
    let input = RegistrationInput {
        investor_id: (entry.kind == ParticipantKind::Investor).then(|| id.clone()),
        region_code: (entry.kind == ParticipantKind::Region).then(|| id.clone()),
        delegation_id: (entry.kind == ParticipantKind::Delegation).then(|| id.clone()),
        time_zone: entry
            .time_zone
            .clone()
            .filter(|z| !z.trim().is_empty())
            .unwrap_or_else(|| venue_zone.to_owned()),
        daily_cap: entry.daily_cap,
        availability: Vec::new(),
    };
    let outcome = match conn.transaction(|c| register(c, catalogue, user, event_id, &input)) {
        Ok(_) => BatchOutcome::Added,
        Err(AppError::Conflict {
            code: ErrorCode::AlreadyRegistered,
            ..
        }) => BatchOutcome::Existing,
        Err(e) => return refused(kind, Some(name), e),
    };
    seen.insert((entry.kind, id));
    Ok(BatchRow {
        row: 0,
        outcome,
        kind,
        name: Some(name),
        code: None,
        problems: FieldErrors::new(),
    })
}

/// A refused row (numbered by the caller) with the code and problems of `e`, each on the row's own field (`id` for the
/// single registration's `investor_id`, `region_code` and `delegation_id`).
fn refused(
    kind: Option<ParticipantKind>,
    name: Option<String>,
    e: AppError,
) -> Result<BatchRow, AppError> {
    let code = e.code().as_ref().to_owned();
    let problems = row_problems(e)?
        .into_iter()
        .map(|(field, message)| {
            let field = match field.as_str() {
                "investor_id" | "region_code" | "delegation_id" => "id".to_owned(),
                _ => field,
            };
            (field, message)
        })
        .collect();
    Ok(BatchRow {
        row: 0,
        outcome: BatchOutcome::Refused,
        kind,
        name,
        code: Some(code),
        problems,
    })
}

/// The id (investor id, region code, delegation id) and name of whom a row names: by its id,
/// else by a name that names exactly one.
fn resolve(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    entry: &BatchEntry,
) -> Result<(String, String), AppError> {
    let id = entry.id.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let name = entry
        .name
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let kind = entry.kind.as_ref();
    let found: Vec<(String, String)> = match (entry.kind, id, name) {
        (_, None, None) => return Err(AppError::validation("id", "give an id or a name")),
        (ParticipantKind::Investor, Some(id), _) => investor::find(conn, id)?
            .map(|(row, _)| (row.id, row.name))
            .into_iter()
            .collect(),
        (ParticipantKind::Investor, None, Some(name)) => investor::named(conn, name)?,
        (ParticipantKind::Region, Some(code), _) => catalogue
            .region(code)
            .map(|r| (code.to_owned(), r.name.clone()))
            .into_iter()
            .collect(),
        (ParticipantKind::Region, None, Some(name)) => catalogue
            .regions()
            .filter(|(_, r)| r.name.eq_ignore_ascii_case(name))
            .map(|(code, r)| (code.clone(), r.name.clone()))
            .collect(),
        (ParticipantKind::Delegation, id, name) => rows::delegations(conn, None)?
            .into_iter()
            .filter(|d| match id {
                Some(id) => d.row.id == id,
                None => name.is_some_and(|n| d.row.name.eq_ignore_ascii_case(n)),
            })
            .map(|d| (d.row.id, d.row.name))
            .collect(),
    };
    let field = if id.is_some() { "id" } else { "name" };
    match <[_; 1]>::try_from(found) {
        Ok([one]) => Ok(one),
        Err(found) if found.is_empty() => Err(AppError::validation(
            field,
            format!("names no known {kind}"),
        )),
        Err(_) => Err(AppError::validation(
            field,
            format!("names more than one {kind}: give its id"),
        )),
    }
}
