//! The synthetic demo data set (`data/demo/demo.json`): regions' profiles, projects, investors and
//! one user of every role, and (`data/demo/meetings.json`) a forum in Jakarta and a mission to
//! Tokyo with their meetings. Everything it creates is flagged `demo`.

use std::collections::HashMap;

use anyhow::Context;
use serde::Deserialize;

use crate::auth::Role;
use crate::auth::accounts::{self, Language, NewAccount};
use crate::config::MeetingSettings;
use crate::db::{AnyConnection, write_transaction};
use crate::domain::Localized;
use crate::domain::project::ProjectStatus;
use crate::error::AppError;
use crate::matchmaker::Matchmaker;
use crate::models::{deal, investor, project, region, user};
use crate::reference::Catalogue;
use crate::services::investors::{Mandate, OrganisationInput, create_investor};
use crate::services::projects::{self, ProjectInput};
use crate::services::regions::ProfileInput;

mod meetings;

const DEMO_JSON: &str = include_str!("../../data/demo/demo.json");

/// The password of every demo account (development only; listed in README).
pub const DEMO_PASSWORD: &str = "sepadan-demo-2026";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoData {
    regions: Vec<DemoRegion>,
    officials: Vec<DemoOfficial>,
    staff: Vec<DemoPerson>,
    admins: Vec<DemoPerson>,
    investors: Vec<DemoInvestor>,
    projects: Vec<DemoProject>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoRegion {
    code: String,
    profile: ProfileInput,
    /// The region's NDA for its data rooms.
    nda: Localized,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoPerson {
    email: String,
    name: String,
    /// The account's time zone, for pages that show times in the viewer's own.
    time_zone: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoOfficial {
    email: String,
    name: String,
    region: String,
    time_zone: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoInvestor {
    #[serde(flatten)]
    organisation: OrganisationInput,
    verified: bool,
    users: Vec<DemoPerson>,
    mandate: Mandate,
}

#[derive(Deserialize)]
struct DemoProject {
    #[serde(flatten)]
    project: ProjectInput,
    status: ProjectStatus,
}

/// What the demo load created, and who can sign in.
#[derive(Debug, Default)]
pub struct SeedReport {
    pub projects: usize,
    pub investors: usize,
    pub events: usize,
    /// (role, email) of every demo account.
    pub accounts: Vec<(Role, String)>,
    /// False when the demo data was already there and nothing was loaded.
    pub loaded: bool,
}

/// Whether the database holds no projects and no investors yet.
pub fn database_is_empty(conn: &mut AnyConnection) -> anyhow::Result<bool> {
    use crate::db::schema::investors;
    use diesel::prelude::*;
    let investors: i64 = investors::table.count().get_result(conn)?;
    Ok(investors == 0 && project::count(conn)? == 0)
}

fn person(
    conn: &mut AnyConnection,
    report: &mut SeedReport,
    who: &DemoPerson,
    role: Role,
    region_code: Option<String>,
    investor_id: Option<String>,
) -> Result<String, AppError> {
    let row = accounts::create(
        conn,
        NewAccount {
            email: &who.email,
            password: DEMO_PASSWORD,
            name: &who.name,
            role,
            region_code,
            investor_id,
            language: Language::default(),
        },
    )?;
    user::set_profile(conn, &row.id, &who.name, Some(&who.time_zone))?;
    report.accounts.push((role, row.email));
    Ok(row.id)
}

/// Loads the demo data in one transaction; does nothing when the demo staff account exists.
pub fn demo(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    matchmaker: &Matchmaker,
    meetings: &MeetingSettings,
) -> anyhow::Result<SeedReport> {
    let data: DemoData = serde_json::from_str(DEMO_JSON).context("reading data/demo/demo.json")?;
    let first_staff = data.staff.first().context("the demo data names no staff")?;
    if user::find_by_email(conn, &first_staff.email)?.is_some() {
        return Ok(SeedReport::default());
    }
    write_transaction(conn, |conn| {
        let mut report = SeedReport {
            loaded: true,
            ..SeedReport::default()
        };
        let mut staff_id = String::new();
        for who in &data.staff {
            let id = person(conn, &mut report, who, Role::Staff, None, None)?;
            if staff_id.is_empty() {
                staff_id = id;
            }
        }
        for who in &data.admins {
            person(conn, &mut report, who, Role::Admin, None, None)?;
        }
        let mut officials: HashMap<String, String> = HashMap::new();
        for o in &data.officials {
            let who = DemoPerson {
                email: o.email.clone(),
                name: o.name.clone(),
                time_zone: o.time_zone.clone(),
            };
            let id = person(
                conn,
                &mut report,
                &who,
                Role::Official,
                Some(o.region.clone()),
                None,
            )?;
            officials.entry(o.region.clone()).or_insert(id);
        }
        for r in &data.regions {
            let row = r.profile.to_row(
                catalogue,
                &r.code,
                officials.get(&r.code).map(String::as_str),
                true,
            )?;
            region::put_profile(conn, &row)?;
            if let Some(official) = officials.get(&r.code) {
                deal::insert_nda(
                    conn,
                    &deal::NdaRow {
                        region_code: r.code.clone(),
                        version: 1,
                        text_id: r.nda.id.clone(),
                        text_en: r.nda.en.clone(),
                        created_by: official.clone(),
                        created_at: crate::clock::now(),
                    },
                )?;
            }
        }
        for inv in &data.investors {
            let id = create_investor(conn, &inv.organisation, true)?;
            for who in &inv.users {
                person(
                    conn,
                    &mut report,
                    who,
                    Role::Investor,
                    None,
                    Some(id.clone()),
                )?;
            }
            investor::put_mandate(conn, &inv.mandate.to_row(catalogue, &id)?)?;
            if inv.verified {
                investor::set_verified(conn, &id, &staff_id, crate::clock::now())?;
            }
            report.investors += 1;
        }
        for p in &data.projects {
            let author = officials
                .get(&p.project.region)
                .unwrap_or(&staff_id)
                .clone();
            projects::insert(conn, catalogue, p.project.clone(), &author, p.status, true)?;
            report.projects += 1;
        }
        crate::models::matching::bump_version(conn)?;
        report.events = meetings::load(conn, catalogue, matchmaker, meetings, &staff_id)
            .map_err(|e| AppError::Internal(e.context("loading the demo events")))?;
        Ok(report)
    })
    .map_err(|e| anyhow::anyhow!("loading demo data: {e:?}"))
}
