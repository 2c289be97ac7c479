//! A project's data room: the region's NDA (versioned), investors' click-through acceptances,
//! officials' grants, and who may open the room.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::deals::{self, Move};
use crate::auth::AuthenticatedUser;
use crate::auth::policy::{self, DataRoomStanding};
use crate::clock::now;
use crate::db::AnyConnection;
use crate::domain::deal::{DealSource, DealStage};
use crate::domain::project::ProjectStatus;
use crate::domain::{Localized, text};
use crate::error::{AppError, ErrorCode};
use crate::models::deal::{self as rows, AcceptanceRow, GrantRow, NdaRow};
use crate::models::file as file_rows;
use crate::models::investor as investor_rows;
use crate::models::project::{self as project_rows, ProjectRow};
use crate::models::user;
use crate::reference::Catalogue;

/// A region's NDA for its projects' data rooms.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Nda {
    pub region: String,
    /// Raised by one at every change; an acceptance names the version read.
    pub version: i32,
    pub text: Localized,
    pub created_at: DateTime<Utc>,
}

/// The text of a region's NDA, replacing the one in force as a new version.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NdaInput {
    pub text: Localized,
}

/// An investor's click-through acceptance of the NDA for a project.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Acceptance {
    pub investor_id: String,
    pub version: i32,
    /// The account that accepted.
    pub accepted_by: String,
    pub accepted_at: DateTime<Utc>,
}

/// Data-room access an official granted an investor.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Grant {
    pub investor_id: String,
    pub granted_by: String,
    pub granted_at: DateTime<Utc>,
}

/// Where the caller stands with a project's data room.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DataRoom {
    pub project_id: String,
    /// The region's NDA in force, if it has one.
    pub nda: Option<Nda>,
    /// Whether the caller may open the room now.
    pub open: bool,
    /// Whether the caller may accept the NDA in force: a verified investor's people.
    pub may_accept: bool,
    /// For an investor: its acceptances; for the region and staff: everyone's.
    pub acceptances: Vec<Acceptance>,
    /// For an investor: its grant; for the region and staff: every grant.
    pub grants: Vec<Grant>,
    /// For the region and staff: who opened which document, and when, the latest first.
    pub openings: Vec<Opening>,
}

/// An opening of a data room document by someone outside the region.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Opening {
    pub file_id: String,
    /// The document's title, or its file name when it has none.
    pub document: Localized,
    pub account_id: String,
    pub person: String,
    /// The investor organisation the person speaks for, if any.
    pub organisation: Option<String>,
    pub at: DateTime<Utc>,
}

/// Which version of the NDA the investor read and accepts.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInput {
    pub version: i32,
}

/// Whom to grant the data room.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantInput {
    pub investor_id: String,
}

fn nda_view(row: NdaRow) -> Nda {
    Nda {
        region: row.region_code,
        version: row.version,
        text: Localized {
            id: row.text_id,
            en: row.text_en,
        },
        created_at: row.created_at.and_utc(),
    }
}

/// The region's NDA in force.
pub fn current_nda(conn: &mut AnyConnection, region_code: &str) -> Result<Option<Nda>, AppError> {
    Ok(rows::current_nda(conn, region_code)?.map(nda_view))
}

/// Publishes a new version of a region's NDA (its officials and staff), in the caller's
/// transaction.
#[tracing::instrument(skip_all, fields(region = %region_code))]
pub fn put_nda(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    region_code: &str,
    input: NdaInput,
) -> Result<Nda, AppError> {
    if catalogue.region(region_code).is_none() {
        return Err(AppError::not_found("region"));
    }
    policy::may_edit_region(user, region_code)?;
    let id = text::within("text.id", &input.text.id, text::DESCRIPTION)?;
    let en = text::within("text.en", &input.text.en, text::DESCRIPTION)?;
    if id.is_empty() && en.is_empty() {
        return Err(AppError::validation(
            "text",
            "give the NDA in Indonesian, English or both",
        ));
    }
    let version = rows::current_nda(conn, region_code)?.map_or(1, |n| n.version + 1);
    let row = NdaRow {
        region_code: region_code.to_owned(),
        version,
        text_id: id,
        text_en: en,
        created_by: user.id.clone(),
        created_at: now(),
    };
    rows::insert_nda(conn, &row)?;
    Ok(nda_view(row))
}

/// A project the caller may see, for its data room.
fn visible_project(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    project_id: &str,
) -> Result<ProjectRow, AppError> {
    let row = project_rows::find(conn, project_id)?
        .filter(|p| {
            let status = p.status.parse().unwrap_or(ProjectStatus::Draft);
            policy::can_view_project(Some(user), &p.region_code, status)
        })
        .ok_or_else(|| AppError::not_found("project"))?;
    Ok(row)
}

/// The caller's organisation, when it is an investor's, and whether staff verified it.
fn investor_of(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
) -> Result<Option<(String, bool)>, AppError> {
    match user.investor_id.as_deref() {
        Some(id) if policy::speaks_for_an_investor(user) => {
            Ok(Some((id.to_owned(), investor_rows::is_verified(conn, id)?)))
        }
        _ => Ok(None),
    }
}

/// Whether the caller may open the project's data room (the files service asks this before
/// every confidential document).
pub fn may_open(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    project: &ProjectRow,
) -> Result<bool, AppError> {
    let standing = match investor_of(conn, user)? {
        Some((investor, verified_investor)) => DataRoomStanding {
            verified_investor,
            nda_accepted: !rows::acceptances(conn, &project.id, Some(&investor))?.is_empty(),
            granted: !rows::grants(conn, &project.id, Some(&investor))?.is_empty(),
        },
        None => DataRoomStanding::default(),
    };
    Ok(policy::can_open_data_room(
        user,
        &project.region_code,
        standing,
    ))
}

/// Where the caller stands with the project's data room.
#[tracing::instrument(skip_all, fields(project = %project_id))]
pub fn data_room(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    project_id: &str,
) -> Result<DataRoom, AppError> {
    let project = visible_project(conn, user, project_id)?;
    let (investor, verified_investor) = investor_of(conn, user)?.unwrap_or_default();
    // The region and staff see every investor's standing; an investor only its own.
    let whose = (!policy::acts_for_region(user, &project.region_code)).then_some(investor);
    let acceptance_rows = rows::acceptances(conn, project_id, whose.as_deref())?;
    let grant_rows = rows::grants(conn, project_id, whose.as_deref())?;
    // The caller's own rows are what the room asks of it: the same rule `may_open` applies.
    let own = whose.is_some();
    let standing = DataRoomStanding {
        verified_investor,
        nda_accepted: own && !acceptance_rows.is_empty(),
        granted: own && !grant_rows.is_empty(),
    };
    let acceptances = acceptance_rows
        .into_iter()
        .map(|a| Acceptance {
            investor_id: a.investor_id,
            version: a.version,
            accepted_by: a.accepted_by,
            accepted_at: a.accepted_at.and_utc(),
        })
        .collect();
    let grants = grant_rows
        .into_iter()
        .map(|g| Grant {
            investor_id: g.investor_id,
            granted_by: g.granted_by,
            granted_at: g.granted_at.and_utc(),
        })
        .collect();
    let openings = if whose.is_none() {
        openings(conn, &project.id)?
    } else {
        Vec::new()
    };
    Ok(DataRoom {
        openings,
        project_id: project.id.clone(),
        nda: current_nda(conn, &project.region_code)?,
        open: policy::can_open_data_room(user, &project.region_code, standing),
        may_accept: policy::may_accept_nda(user, verified_investor).is_ok(),
        acceptances,
        grants,
    })
}

/// Who opened the project's data room documents, for its region and staff.
fn openings(conn: &mut AnyConnection, project_id: &str) -> Result<Vec<Opening>, AppError> {
    let files: Vec<_> = file_rows::of_project(conn, project_id)?;
    let mut found = Vec::new();
    for (file_id, account_id, at) in file_rows::openings_of_project(conn, project_id)? {
        let document =
            files
                .iter()
                .find(|f| f.id == file_id)
                .map_or_else(Localized::default, |f| Localized {
                    id: f.title_id.clone(),
                    en: if f.title_en.is_empty() && f.title_id.is_empty() {
                        f.file_name.clone()
                    } else {
                        f.title_en.clone()
                    },
                });
        let account = user::find(conn, &account_id)?;
        let organisation = match account.as_ref().and_then(|a| a.investor_id.as_deref()) {
            Some(investor) => investor_rows::find(conn, investor)?.map(|(i, _)| i.name),
            None => None,
        };
        found.push(Opening {
            file_id,
            document,
            person: account.map(|a| a.name).unwrap_or_default(),
            organisation,
            account_id,
            at: at.and_utc(),
        });
    }
    Ok(found)
}

/// Records the investor's acceptance of the version of the NDA it read, opening the data room
/// and moving its deal; in the caller's transaction.
#[tracing::instrument(skip_all, fields(project = %project_id))]
pub fn accept_nda(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    project_id: &str,
    input: AcceptInput,
) -> Result<DataRoom, AppError> {
    let project = visible_project(conn, user, project_id)?;
    let (investor, verified) = investor_of(conn, user)?.unwrap_or_default();
    policy::may_accept_nda(user, verified)?;
    if project.status != ProjectStatus::Published.as_ref() {
        return Err(AppError::conflict(
            ErrorCode::ProjectNotPublished,
            "the project is closed",
        ));
    }
    let nda = rows::current_nda(conn, &project.region_code)?.ok_or_else(|| {
        AppError::conflict(
            ErrorCode::NdaMissing,
            "the region has published no NDA yet; ask its officials to open the data room",
        )
    })?;
    if nda.version != input.version {
        return Err(AppError::conflict(
            ErrorCode::NdaOutdated,
            format!(
                "the region's NDA is at version {} now; read it and accept that one",
                nda.version
            ),
        ));
    }
    rows::accept(
        conn,
        &AcceptanceRow {
            project_id: project.id.clone(),
            investor_id: investor.clone(),
            region_code: project.region_code.clone(),
            version: nda.version,
            accepted_by: user.id.clone(),
            accepted_at: now(),
        },
    )?;
    deals::advance(
        conn,
        Move {
            investor_id: &investor,
            region_code: &project.region_code,
            project_id: Some(&project.id),
            stage: DealStage::NdaAccepted,
            source: DealSource::Nda,
            actor_id: Some(&user.id),
            meeting_id: None,
            amount: None,
        },
    )?;
    data_room(conn, user, project_id)
}

/// Opens the project's data room to an investor without the click-through (its officials and
/// staff), moving the investor's deal; in the caller's transaction.
#[tracing::instrument(skip_all, fields(project = %project_id))]
pub fn grant(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    project_id: &str,
    input: GrantInput,
) -> Result<DataRoom, AppError> {
    let project = visible_project(conn, user, project_id)?;
    policy::may_grant_data_room(user, &project.region_code)?;
    investor_rows::find(conn, &input.investor_id)?
        .ok_or_else(|| AppError::validation("investor_id", "is not a known investor"))?;
    rows::grant(
        conn,
        &GrantRow {
            project_id: project.id.clone(),
            investor_id: input.investor_id.clone(),
            granted_by: user.id.clone(),
            granted_at: now(),
        },
    )?;
    deals::advance(
        conn,
        Move {
            investor_id: &input.investor_id,
            region_code: &project.region_code,
            project_id: Some(&project.id),
            stage: DealStage::NdaAccepted,
            source: DealSource::Grant,
            actor_id: Some(&user.id),
            meeting_id: None,
            amount: None,
        },
    )?;
    data_room(conn, user, project_id)
}
