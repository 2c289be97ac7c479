//! Deals: each investor's path with a project (or a region), moved by what the parties do here
//! (an answer on a match, the NDA, the data room, a meeting's outcome) and by the stages they
//! record themselves, every change kept.

use std::collections::HashMap;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{AuthenticatedUser, policy};
use crate::clock::now;
use crate::db::AnyConnection;
use crate::domain::deal::{DealSource, DealStage};
use crate::domain::text;
use crate::domain::{Currency, Localized, Money, MoneyJson};
use crate::error::{AppError, ErrorCode};
use crate::models::deal::{self as rows, DealFilter, DealRow, DealStepRow};
use crate::models::investor as investor_rows;
use crate::models::project as project_rows;
use crate::reference::Catalogue;

/// A deal as its parties and staff see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Deal {
    pub id: String,
    pub investor_id: String,
    pub investor_name: String,
    pub region: String,
    pub region_name: String,
    /// None for a deal about the region rather than one project (from a meeting about none).
    pub project_id: Option<String>,
    pub project_title: Option<Localized>,
    pub stage: DealStage,
    pub closed_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Every change, oldest first.
    pub history: Vec<DealStep>,
}

/// One change of a deal.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DealStep {
    pub stage: DealStage,
    pub source: DealSource,
    /// Who recorded it; none when what a party did here moved it.
    pub actor_id: Option<String>,
    /// The meeting whose outcome moved it.
    pub meeting_id: Option<String>,
    pub amount: Option<MoneyJson>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

/// A stage a party records: a site visit, negotiation, a letter of intent, an MoU, the
/// investment realised (with the amount committed or realised), or closing with a reason.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepInput {
    pub stage: DealStage,
    /// For a letter of intent, an MoU or the realised investment.
    pub amount: Option<MoneyJson>,
    /// Required when closing: why the deal ended.
    pub note: Option<String>,
}

/// Which deals to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DealQuery {
    pub project_id: Option<String>,
    pub stage: Option<DealStage>,
}

/// A move of a deal caused by something a party did here.
pub(crate) struct Move<'a> {
    pub investor_id: &'a str,
    pub region_code: &'a str,
    pub project_id: Option<&'a str>,
    pub stage: DealStage,
    pub source: DealSource,
    pub actor_id: Option<&'a str>,
    pub meeting_id: Option<&'a str>,
    pub amount: Option<Money>,
}

/// Moves the investor's deal about the project (created at its first move) when the stage is
/// later than the one reached; an earlier or equal one leaves it as it is. Runs in the caller's
/// transaction.
pub(crate) fn advance(conn: &mut AnyConnection, step: Move) -> Result<(), AppError> {
    let at = now();
    let deal = match rows::find_for(conn, step.investor_id, step.region_code, step.project_id)? {
        Some(deal) => deal,
        None => {
            let deal = DealRow {
                id: uuid::Uuid::new_v4().to_string(),
                investor_id: step.investor_id.to_owned(),
                region_code: step.region_code.to_owned(),
                project_id: step.project_id.map(str::to_owned),
                stage: step.stage.as_ref().to_owned(),
                closed_reason: None,
                created_at: at,
                updated_at: at,
            };
            rows::insert(conn, &deal)?;
            insert_step(conn, &deal.id, &step, None, at)?;
            return Ok(());
        }
    };
    if stage_of(&deal)?.moves_to(step.stage) {
        rows::set_stage(conn, &deal.id, step.stage.as_ref(), None, at)?;
        insert_step(conn, &deal.id, &step, None, at)?;
    }
    Ok(())
}

fn insert_step(
    conn: &mut AnyConnection,
    deal_id: &str,
    step: &Move,
    note: Option<String>,
    at: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    rows::insert_step(
        conn,
        &DealStepRow {
            id: uuid::Uuid::new_v4().to_string(),
            deal_id: deal_id.to_owned(),
            stage: step.stage.as_ref().to_owned(),
            source: step.source.as_ref().to_owned(),
            actor_id: step.actor_id.map(str::to_owned),
            meeting_id: step.meeting_id.map(str::to_owned),
            amount_minor: step.amount.map(Money::minor),
            amount_currency: step.amount.map(|a| a.currency().code().to_owned()),
            note,
            created_at: at,
        },
    )?;
    Ok(())
}

fn stage_of(deal: &DealRow) -> Result<DealStage, AppError> {
    DealStage::from_str(&deal.stage)
        .map_err(|_| AppError::Internal(anyhow::anyhow!("unknown deal stage {}", deal.stage)))
}

/// A deal the caller may follow; others' deals are not found.
fn visible(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
) -> Result<DealRow, AppError> {
    rows::find(conn, id)?
        .filter(|d| policy::can_follow_deal(user, &d.investor_id, &d.region_code))
        .ok_or_else(|| AppError::not_found("deal"))
}

/// Records a stage a party reached away from the platform, in the caller's transaction.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn record_step(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    id: &str,
    input: StepInput,
) -> Result<Deal, AppError> {
    let deal = visible(conn, user, id)?;
    if !input.stage.recorded_by_parties() {
        return Err(AppError::validation(
            "stage",
            "record a site visit, negotiation, a letter of intent, an MoU, the realised \
             investment or closing; the earlier stages follow from the answer, the NDA and the \
             data room",
        ));
    }
    let amount = match (&input.amount, input.stage.takes_amount()) {
        (None, _) => None,
        (Some(_), false) => {
            return Err(AppError::validation(
                "amount",
                "only a letter of intent, an MoU or the realised investment carries an amount",
            ));
        }
        (Some(json), true) => {
            let money = Money::from_json(json).map_err(|e| AppError::validation("amount", e))?;
            if money.minor() <= 0 {
                return Err(AppError::validation("amount", "must be more than zero"));
            }
            Some(money)
        }
    };
    let note = input
        .note
        .as_deref()
        .map(|n| text::within("note", n, text::REASON))
        .transpose()?
        .filter(|n| !n.is_empty());
    if input.stage == DealStage::Closed && note.is_none() {
        return Err(AppError::validation("note", "say why the deal closed"));
    }
    if !stage_of(&deal)?.moves_to(input.stage) {
        return Err(AppError::conflict(
            ErrorCode::InvalidDealStep,
            format!(
                "a deal at {} cannot move to {}",
                deal.stage,
                input.stage.as_ref()
            ),
        ));
    }
    let at = now();
    let reason = (input.stage == DealStage::Closed)
        .then(|| note.clone())
        .flatten();
    rows::set_stage(conn, &deal.id, input.stage.as_ref(), reason.as_deref(), at)?;
    let step = Move {
        investor_id: &deal.investor_id,
        region_code: &deal.region_code,
        project_id: deal.project_id.as_deref(),
        stage: input.stage,
        source: DealSource::Party,
        actor_id: Some(&user.id),
        meeting_id: None,
        amount,
    };
    insert_step(conn, &deal.id, &step, note, at)?;
    get(conn, catalogue, user, id)
}

/// One deal with its history.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn get(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    id: &str,
) -> Result<Deal, AppError> {
    let deal = visible(conn, user, id)?;
    Ok(views(conn, catalogue, vec![deal])?.remove(0))
}

/// The deals the caller follows: an investor's own, a region's, or all for staff.
#[tracing::instrument(skip_all)]
pub fn list(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    query: &DealQuery,
) -> Result<Vec<Deal>, AppError> {
    let mut filter = DealFilter {
        project_id: query.project_id.clone(),
        stage: query.stage.map(|s| s.as_ref().to_owned()),
        ..DealFilter::default()
    };
    if !policy::oversees_programme(user) {
        if policy::speaks_for_an_investor(user) {
            filter.investor_id = Some(user.investor_id.clone().unwrap_or_default());
        } else if policy::speaks_for_a_region(user) {
            filter.region_code = Some(user.region_code.clone().unwrap_or_default());
        } else {
            return Ok(Vec::new());
        }
    }
    let deals = rows::list(conn, &filter)?;
    views(conn, catalogue, deals)
}

/// The deals as shown, with their histories, investors' names and projects' titles.
fn views(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    deals: Vec<DealRow>,
) -> Result<Vec<Deal>, AppError> {
    let ids: Vec<String> = deals.iter().map(|d| d.id.clone()).collect();
    let mut history: HashMap<String, Vec<DealStep>> = HashMap::new();
    for row in rows::steps_of(conn, &ids)? {
        let step = step_view(&row)?;
        history.entry(row.deal_id).or_default().push(step);
    }
    let project_ids: Vec<String> = deals.iter().filter_map(|d| d.project_id.clone()).collect();
    let titles: HashMap<String, Localized> = project_rows::find_many(conn, &project_ids)?
        .into_iter()
        .map(|p| {
            let title = Localized {
                id: p.title_id,
                en: p.title_en,
            };
            (p.id, title)
        })
        .collect();
    let mut names: HashMap<String, String> = HashMap::new();
    for deal in &deals {
        if !names.contains_key(&deal.investor_id) {
            let name = investor_rows::find(conn, &deal.investor_id)?
                .map(|(row, _)| row.name)
                .unwrap_or_default();
            names.insert(deal.investor_id.clone(), name);
        }
    }
    deals
        .into_iter()
        .map(|deal| {
            Ok(Deal {
                stage: stage_of(&deal)?,
                history: history.remove(&deal.id).unwrap_or_default(),
                investor_name: names.get(&deal.investor_id).cloned().unwrap_or_default(),
                region_name: catalogue
                    .region(&deal.region_code)
                    .map(|r| r.name.clone())
                    .unwrap_or_default(),
                project_title: deal
                    .project_id
                    .as_ref()
                    .and_then(|p| titles.get(p).cloned()),
                id: deal.id,
                investor_id: deal.investor_id,
                region: deal.region_code,
                project_id: deal.project_id,
                closed_reason: deal.closed_reason,
                created_at: deal.created_at.and_utc(),
                updated_at: deal.updated_at.and_utc(),
            })
        })
        .collect()
}

fn step_view(row: &DealStepRow) -> Result<DealStep, AppError> {
    let unknown = |what: &str| AppError::Internal(anyhow::anyhow!("unknown deal {what}"));
    let amount = match (row.amount_minor, row.amount_currency.as_deref()) {
        (Some(minor), Some(code)) => {
            let currency = Currency::parse(code).map_err(|_| unknown("currency"))?;
            Some(Money::from_minor(minor, currency).to_json())
        }
        _ => None,
    };
    Ok(DealStep {
        stage: DealStage::from_str(&row.stage).map_err(|_| unknown("stage"))?,
        source: DealSource::from_str(&row.source).map_err(|_| unknown("source"))?,
        actor_id: row.actor_id.clone(),
        meeting_id: row.meeting_id.clone(),
        amount,
        note: row.note.clone(),
        at: row.created_at.and_utc(),
    })
}
