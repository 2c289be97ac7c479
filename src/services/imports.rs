//! Spreadsheet imports of projects and investors from CSV. A dry run reports every problem by row
//! and field and changes nothing; a real run imports every row or none (or, when asked, the valid
//! rows); a row already present (same region and English title, or same investor name and
//! country) is skipped, so importing a file twice adds nothing.

use std::collections::HashMap;
use std::str::FromStr;

use diesel::Connection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::investors::{OrganisationInput, create_investor};
use super::projects::{self, ProjectInput, Readiness};
use crate::auth::AuthenticatedUser;
use crate::auth::policy::{self, Task};
use crate::db::{AnyConnection, write_transaction_keeping};
use crate::domain::Localized;
use crate::domain::MoneyJson;
use crate::domain::project::{Instrument, InvestorKind, ProjectStatus, Stage};
use crate::domain::text;
use crate::error::AppError;
use crate::models::{investor, matching, project};
use crate::reference::Catalogue;
use crate::state::AppState;

/// The project columns; lists are separated by `;`.
pub const PROJECT_COLUMNS: &[&str] = &[
    "region",
    "title_en",
    "title_id",
    "description_en",
    "description_id",
    "sectors",
    "kbli",
    "dimensions",
    "elements",
    "stage",
    "instruments",
    "value",
    "currency",
    "status",
];
const PROJECT_EXAMPLE: &[&str] = &[
    "73.73",
    "Rooftop solar for the central market",
    "PLTS atap Pasar Sentral",
    "A 2 MWp rooftop solar plant on the central market.",
    "PLTS atap 2 MWp di Pasar Sentral.",
    "3510",
    "35101",
    "ENV",
    "ENV-3",
    "feasibility_study",
    "ppp; equity",
    "12000000000",
    "IDR",
    "draft",
];
pub const INVESTOR_COLUMNS: &[&str] = &[
    "name",
    "kind",
    "country",
    "website",
    "description",
    "contact_name",
    "contact_email",
    "contact_phone",
];
const INVESTOR_EXAMPLE: &[&str] = &[
    "Asagiri Green Energy Partners Fund",
    "fund",
    "JP",
    "https://asagiri-green.example",
    "Renewable power in eastern Indonesia.",
    "Kenji Tanaka",
    "k.tanaka@asagiri-green.example",
    "+81 3 5501 1820",
];

/// How to import.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// Check every row and report, importing nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Import the valid rows even when others have problems (default: all rows or none).
    #[serde(default)]
    pub valid_rows_only: bool,
}

/// One problem of one row; `row` is the line in the file (the header is line 1).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowProblem {
    pub row: usize,
    pub field: String,
    pub message: String,
}

/// What an import found and did.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    /// Data rows in the file.
    pub rows: usize,
    /// Rows that are (or, in a dry run, would be) imported.
    pub created: usize,
    /// Rows already present, skipped.
    pub existing: usize,
    pub problems: Vec<RowProblem>,
    /// Whether anything was stored.
    pub imported: bool,
}

/// A data row: its line in the file and its values by column.
type Line = (usize, HashMap<String, String>);

/// A CSV file's data rows by line number, with values by column; refuses unknown and missing
/// columns before looking at any row.
pub fn read_rows(bytes: &[u8], columns: &[&str], required: &[&str]) -> Result<Vec<Line>, AppError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| AppError::validation("file", format!("not CSV: {e}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    if let Some(unknown) = headers.iter().find(|h| !columns.contains(&h.as_str())) {
        return Err(AppError::validation(
            "columns",
            format!(
                "unknown column `{}`; the columns are {}",
                text::shown_name(unknown),
                columns.join(", ")
            ),
        ));
    }
    if let Some(missing) = required.iter().find(|c| !headers.iter().any(|h| h == *c)) {
        return Err(AppError::validation(
            "columns",
            format!("the column `{missing}` is missing"),
        ));
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record =
            record.map_err(|e| AppError::validation("file", format!("line {line}: {e}")))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        // The text gate, once for every cell: the file is refused as a whole, naming the cell as
        // the import's problems do (`rows[3].title_en`, the row being the line in the file).
        for (column, value) in headers.iter().zip(record.iter()) {
            if let Some(c) = text::forbidden_char(value) {
                let column = text::shown_name(column);
                return Err(AppError::validation(
                    &format!("rows[{line}].{column}"),
                    format!(
                        "line {line}, column {column}: {}",
                        text::forbidden_message(c)
                    ),
                ));
            }
        }
        let values = headers
            .iter()
            .cloned()
            .zip(record.iter().map(str::to_owned))
            .collect();
        rows.push((line, values));
    }
    if rows.len() > 5000 {
        return Err(AppError::validation("file", "at most 5000 rows per import"));
    }
    Ok(rows)
}

fn cell<'a>(values: &'a HashMap<String, String>, column: &str) -> &'a str {
    values.get(column).map_or("", String::as_str)
}

fn split(values: &HashMap<String, String>, column: &str) -> Vec<String> {
    cell(values, column)
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn optional(values: &HashMap<String, String>, column: &str) -> Option<String> {
    Some(cell(values, column).to_owned()).filter(|v| !v.is_empty())
}

/// What became of one row.
enum Row {
    Created { published: bool },
    Existing,
}

/// What is wrong with a row the rules refused, as (field, message) pairs (the field empty for
/// the row as a whole); an error that is no row's fault (the database, say) comes back as it is.
pub(crate) fn row_problems(e: AppError) -> Result<Vec<(String, String)>, AppError> {
    match e {
        AppError::Validation { fields, message }
        | AppError::BadRequest {
            fields, message, ..
        } => {
            if fields.is_empty() {
                Ok(vec![(String::new(), message)])
            } else {
                Ok(fields.into_iter().collect())
            }
        }
        e @ (AppError::Conflict { .. } | AppError::Forbidden(_)) => {
            Ok(vec![(String::new(), e.to_string())])
        }
        other => Err(other),
    }
}

/// Runs each row in its own savepoint inside one transaction, collecting problems, and commits
/// only a real run that may keep what it made.
fn import_rows(
    conn: &mut AnyConnection,
    rows: Vec<Line>,
    query: &ImportQuery,
    mut one: impl FnMut(&mut AnyConnection, &HashMap<String, String>) -> Result<Row, AppError>,
) -> Result<ImportReport, AppError> {
    write_transaction_keeping(conn, |conn| {
        let mut report = ImportReport {
            dry_run: query.dry_run,
            rows: rows.len(),
            ..ImportReport::default()
        };
        let mut published = false;
        for (line, values) in &rows {
            match conn.transaction(|c| one(c, values)) {
                Ok(Row::Created { published: p }) => {
                    report.created += 1;
                    published |= p;
                }
                Ok(Row::Existing) => report.existing += 1,
                Err(e) => {
                    for (field, message) in row_problems(e)? {
                        report.problems.push(RowProblem {
                            row: *line,
                            field,
                            message,
                        });
                    }
                }
            }
        }
        if query.dry_run || (!query.valid_rows_only && !report.problems.is_empty()) {
            return Ok((report, false));
        }
        if published {
            matching::bump_version(conn)?;
        }
        report.imported = report.created > 0;
        Ok((report, true))
    })
}

fn project_row(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    values: &HashMap<String, String>,
) -> Result<Row, AppError> {
    let region = cell(values, "region").to_owned();
    if !policy::acts_for_region(user, &region) {
        return Err(AppError::validation(
            "region",
            "you may import only your own region's projects",
        ));
    }
    let status = match cell(values, "status") {
        "" | "draft" => ProjectStatus::Draft,
        "submitted" => ProjectStatus::Submitted,
        "published" if policy::oversees_programme(user) => ProjectStatus::Published,
        "published" => {
            return Err(AppError::validation(
                "status",
                "only staff import published projects",
            ));
        }
        other => {
            return Err(AppError::validation(
                "status",
                format!("`{other}` is not draft, submitted or published"),
            ));
        }
    };
    let stage = Stage::from_str(cell(values, "stage")).map_err(|_| {
        AppError::validation(
            "stage",
            format!("`{}` is not a stage", cell(values, "stage")),
        )
    })?;
    let instruments = split(values, "instruments")
        .iter()
        .map(|i| {
            Instrument::from_str(i).map_err(|_| {
                AppError::validation("instruments", format!("`{i}` is not an instrument"))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let input = ProjectInput {
        region: region.clone(),
        title: Localized {
            id: cell(values, "title_id").to_owned(),
            en: cell(values, "title_en").to_owned(),
        },
        description: Localized {
            id: cell(values, "description_id").to_owned(),
            en: cell(values, "description_en").to_owned(),
        },
        sectors: split(values, "sectors"),
        kbli: optional(values, "kbli"),
        dimensions: split(values, "dimensions"),
        elements: split(values, "elements"),
        stage,
        instruments,
        value: MoneyJson {
            amount: cell(values, "value").to_owned(),
            currency: cell(values, "currency").to_uppercase(),
        },
        readiness: Readiness::default(),
        location: None,
    };
    if project::title_taken(conn, &region, &input.title.en)? {
        return Ok(Row::Existing);
    }
    projects::insert(conn, catalogue, input, &user.id, status, false)?;
    Ok(Row::Created {
        published: status == ProjectStatus::Published,
    })
}

fn investor_row(
    conn: &mut AnyConnection,
    values: &HashMap<String, String>,
) -> Result<Row, AppError> {
    let kind = InvestorKind::from_str(cell(values, "kind")).map_err(|_| {
        AppError::validation(
            "kind",
            format!("`{}` is not an investor kind", cell(values, "kind")),
        )
    })?;
    let input = OrganisationInput {
        name: cell(values, "name").to_owned(),
        kind,
        country: cell(values, "country").to_owned(),
        website: optional(values, "website"),
        description: cell(values, "description").to_owned(),
        contact_name: optional(values, "contact_name"),
        contact_email: optional(values, "contact_email"),
        contact_phone: optional(values, "contact_phone"),
    };
    if investor::name_taken(conn, &input.name, &input.country)? {
        return Ok(Row::Existing);
    }
    create_investor(conn, &input, false)?;
    Ok(Row::Created { published: false })
}

/// A CSV of the columns and one example row.
fn template(columns: &[&str], example: &[&str]) -> Result<Vec<u8>, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::Internal(e.into());
    writer.write_record(columns).map_err(fail)?;
    writer.write_record(example).map_err(fail)?;
    writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
}

/// What an import fills: projects or investors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Projects,
    Investors,
}

/// Staff import both kinds; regions' officials import projects (their own region's, row by row).
pub fn may_import(user: &AuthenticatedUser, kind: ImportKind) -> Result<(), AppError> {
    match kind {
        ImportKind::Projects => policy::may(user, Task::ImportProjects),
        ImportKind::Investors => policy::may(user, Task::ImportInvestors),
    }
}

/// The CSV template of a kind, its columns and an example row, with the name to save it under.
pub fn template_of(kind: ImportKind) -> Result<(Vec<u8>, &'static str), AppError> {
    match kind {
        ImportKind::Projects => Ok((
            template(PROJECT_COLUMNS, PROJECT_EXAMPLE)?,
            "projects-template.csv",
        )),
        ImportKind::Investors => Ok((
            template(INVESTOR_COLUMNS, INVESTOR_EXAMPLE)?,
            "investors-template.csv",
        )),
    }
}

/// Checks that `user` may import this kind, reads the CSV and imports it (or checks it, in a dry
/// run): the one path of the API and the import page.
#[tracing::instrument(skip_all)]
pub async fn import(
    state: &AppState,
    user: AuthenticatedUser,
    kind: ImportKind,
    body: &[u8],
    query: ImportQuery,
) -> Result<ImportReport, AppError> {
    may_import(&user, kind)?;
    match kind {
        ImportKind::Projects => {
            let rows = read_rows(body, PROJECT_COLUMNS, &PROJECT_COLUMNS[..12])?;
            let catalogue = state.catalogue.clone();
            state
                .db
                .run(move |conn| {
                    import_rows(conn, rows, &query, |c, values| {
                        project_row(c, &catalogue, &user, values)
                    })
                })
                .await
        }
        ImportKind::Investors => {
            let rows = read_rows(body, INVESTOR_COLUMNS, &INVESTOR_COLUMNS[..3])?;
            state
                .db
                .run(move |conn| import_rows(conn, rows, &query, investor_row))
                .await
        }
    }
}
