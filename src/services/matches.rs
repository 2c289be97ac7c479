//! Matches: ranked, explained investor–project pairs, and investors' feedback on them.

use std::collections::HashMap;

use rayon::prelude::*;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::deals;
use super::investors::Mandate;
use super::projects::{Project, load_many};
use crate::auth::AuthenticatedUser;
use crate::auth::policy::{self, Task};
use crate::clock::now;
use crate::db::AnyConnection;
use crate::domain::deal::{DealSource, DealStage};
use crate::domain::project::{Instrument, Interest, ProjectStatus, Stage};
use crate::domain::{Currency, Money};
use crate::error::{AppError, ErrorCode};
use crate::matching::explain::{Reason, reasons};
use crate::matching::facts::{MandateFacts, instrument_bit, stage_ordinal};
use crate::matching::{Components, MatchFilter, Ranked};
use crate::matchmaker::Snapshot;
use crate::models::investor as investor_rows;
use crate::models::matching::{self as rows, FeedbackRow};
use crate::models::project as project_rows;
use crate::state::AppState;

/// The most a ranking may be paged into.
pub const MAX_RANK: usize = 1000;

/// Scores rounded for reading; the ranking itself uses the exact values.
pub fn rounded(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

pub fn rounded_components(c: &Components) -> Components {
    Components {
        sector: rounded(c.sector),
        dimension: rounded(c.dimension),
        ticket: rounded(c.ticket),
        region: rounded(c.region),
        stage: rounded(c.stage),
        text: rounded(c.text),
    }
}

/// A project matched to an investor.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectMatch {
    pub project: Project,
    /// The weighted total in [0, 1].
    pub score: f64,
    pub components: Components,
    pub reasons: Vec<Reason>,
    /// The investor's feedback on the project, if any.
    pub feedback: Option<Interest>,
}

/// An investor as a region sees it in its matches: no contact data.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvestorSummary {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub country: String,
    /// `domestic` or `foreign`.
    pub origin: &'static str,
    pub demo: bool,
}

/// An investor matched to a project.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvestorMatch {
    pub investor: InvestorSummary,
    pub score: f64,
    pub components: Components,
    pub reasons: Vec<Reason>,
    /// The investor's feedback on the project, if any.
    pub feedback: Option<Interest>,
}

/// A pair for staff to introduce.
#[derive(Debug, Serialize, ToSchema)]
pub struct PairMatch {
    pub investor: InvestorSummary,
    pub project: Project,
    pub score: f64,
    pub components: Components,
    pub reasons: Vec<Reason>,
}

/// A page of a ranking; `next_cursor` continues it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchPage<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MatchQuery {
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// ISIC code at any level.
    pub sector: Option<String>,
    pub dimension: Option<String>,
    pub element: Option<String>,
    pub province: Option<String>,
    pub region: Option<String>,
    pub stage: Option<Stage>,
    pub instrument: Option<Instrument>,
    pub ikn_related: Option<bool>,
}

pub fn limit_of(limit: Option<usize>, max: usize) -> Result<usize, AppError> {
    let limit = limit.unwrap_or(20);
    if !(1..=max).contains(&limit) {
        return Err(AppError::validation(
            "limit",
            format!("must be between 1 and {max}"),
        ));
    }
    Ok(limit)
}

pub fn offset_of(cursor: Option<&str>) -> Result<usize, AppError> {
    match cursor {
        None => Ok(0),
        Some(c) => c
            .parse::<usize>()
            .ok()
            .filter(|&o| o <= MAX_RANK)
            .ok_or_else(|| AppError::validation("cursor", "is not a cursor this API gave")),
    }
}

/// Turns the list filters into the engine's filter, checking every code.
#[tracing::instrument(skip_all)]
pub fn match_filter(state: &AppState, q: &MatchQuery) -> Result<MatchFilter, AppError> {
    let tax = state.matchmaker.taxonomy();
    let code = |field: &str, value: &Option<String>, known: bool| -> Result<(), AppError> {
        if value.is_some() && !known {
            return Err(AppError::validation(field, "is not a known code"));
        }
        Ok(())
    };
    let sector = q.sector.as_deref().and_then(|c| tax.sector(c));
    code("sector", &q.sector, sector.is_some())?;
    let dimensions = q.dimension.as_deref().and_then(|c| tax.dimension_bit(c));
    code("dimension", &q.dimension, dimensions.is_some())?;
    let elements = q.element.as_deref().and_then(|c| tax.element_bit(c));
    code("element", &q.element, elements.is_some())?;
    let province = q
        .province
        .as_deref()
        .and_then(|c| tax.region(c))
        .filter(|&r| tax.is_province(r));
    code("province", &q.province, province.is_some())?;
    let region = q.region.as_deref().and_then(|c| tax.region(c));
    code("region", &q.region, region.is_some())?;
    Ok(MatchFilter {
        sector,
        dimensions: dimensions.unwrap_or(0),
        elements: elements.unwrap_or(0),
        province,
        region,
        stage: q.stage.map(stage_ordinal),
        instrument: q.instrument.map(instrument_bit),
        ikn_related: q.ikn_related,
    })
}

/// Builds the answer items for ranked projects of one mandate.
#[tracing::instrument(skip_all)]
pub fn project_items(
    conn: &mut AnyConnection,
    state: &AppState,
    snapshot: &Snapshot,
    mandate: &MandateFacts,
    ranked: &[Ranked],
    feedback: &HashMap<String, Interest>,
    viewer: Option<&AuthenticatedUser>,
) -> Result<Vec<ProjectMatch>, AppError> {
    let index = &snapshot.index;
    let ids: Vec<String> = ranked
        .iter()
        .map(|r| index.id(r.position).to_owned())
        .collect();
    let mut projects: HashMap<String, Project> = load_many(conn, &state.catalogue, &ids, viewer)?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let query = index.text().query(&mandate.thesis);
    Ok(ranked
        .iter()
        .filter_map(|r| {
            let id = index.id(r.position);
            let project = projects.remove(id)?;
            let facts = index.facts(r.position);
            let matched = index.matched_terms(&query, r.position);
            Some(ProjectMatch {
                reasons: reasons(index.taxonomy(), mandate, &facts, &r.components, &matched),
                feedback: feedback.get(id).copied(),
                project,
                score: rounded(r.score),
                components: rounded_components(&r.components),
            })
        })
        .collect())
}

fn feedback_map(
    rows: Vec<FeedbackRow>,
    key: impl Fn(&FeedbackRow) -> String,
) -> HashMap<String, Interest> {
    rows.iter()
        .filter_map(|f| Some((key(f), f.interest.parse().ok()?)))
        .collect()
}

/// May the caller act for this investor? The investor itself and staff; others get 404.
/// Only the investor itself and staff see its matches.
fn check_investor_access(user: &AuthenticatedUser, investor_id: &str) -> Result<(), AppError> {
    if policy::acts_for_investor(user, investor_id) {
        Ok(())
    } else {
        Err(AppError::not_found("investor"))
    }
}

/// One window of an investor's ranked projects with their reasons, and whether more follow.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn ranked_projects(
    conn: &mut AnyConnection,
    app: &AppState,
    user: &AuthenticatedUser,
    id: &str,
    filter: &MatchFilter,
    offset: usize,
    limit: usize,
) -> Result<(Vec<ProjectMatch>, bool), AppError> {
    check_investor_access(user, id)?;
    let (_, mandate) =
        investor_rows::find(conn, id)?.ok_or_else(|| AppError::not_found("investor"))?;
    let mandate = mandate.ok_or_else(|| {
        AppError::conflict(
            ErrorCode::MandateRequired,
            "set the investor's mandate first: PUT /investors/{id}/mandate",
        )
    })?;
    let snapshot = app.matchmaker.snapshot(conn)?;
    let facts = app.matchmaker.stored_mandate(&mandate, &snapshot.rates);
    let feedback = feedback_map(rows::feedback_of(conn, id)?, |f| f.project_id.clone());
    let mut hidden: Vec<u32> = feedback
        .iter()
        .filter(|(_, i)| **i == Interest::NotInterested)
        .filter_map(|(p, _)| snapshot.index.position(p))
        .collect();
    hidden.sort_unstable();
    let ranked = snapshot.index.top(
        &facts,
        &app.matchmaker.weights,
        filter,
        &hidden,
        offset,
        limit + 1,
    );
    let more = ranked.len() > limit;
    let ranked = &ranked[..ranked.len().min(limit)];
    let items = project_items(conn, app, &snapshot, &facts, ranked, &feedback, Some(user))?;
    Ok((items, more))
}

/// A project as its opportunity page shows it: the project as the viewer may see it, its value
/// in the viewer's currency at the rates in use, and, for an investor with a mandate, its match
/// with the project and the investor's answer.
pub struct Opportunity {
    pub project: Project,
    /// The viewer's currency, and the value in it when that is not the project's own and has a
    /// rate.
    pub viewer_currency: Currency,
    pub value_for_viewer: Option<Money>,
    /// The currencies with a rate, which the value can be shown in, by code.
    pub rated_currencies: Vec<String>,
    pub your_match: Option<ProjectMatch>,
}

/// The opportunity page's project for `viewer`: a published project for anyone, an unpublished
/// one for whoever may see it (its region's officials, staff reviewing it). Its value is also
/// given in `currency`, else in an investor's ticket currency, else in US dollars.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn opportunity(
    conn: &mut AnyConnection,
    app: &AppState,
    viewer: Option<&AuthenticatedUser>,
    id: &str,
    currency: Option<Currency>,
) -> Result<Opportunity, AppError> {
    let (project, _) = super::projects::load_visible(conn, &app.catalogue, viewer, id)?;
    let snapshot = app.matchmaker.snapshot(conn)?;
    let investor = viewer
        .filter(|user| policy::speaks_for_an_investor(user))
        .and_then(|user| Some((user, user.investor_id.as_deref()?)));
    let mandate = match investor {
        Some((user, investor_id)) => {
            check_investor_access(user, investor_id)?;
            investor_rows::find(conn, investor_id)?.and_then(|(_, mandate)| mandate)
        }
        None => None,
    };
    let ticket_currency = mandate
        .as_ref()
        .and_then(|m| m.ticket_currency.as_deref())
        .and_then(|code| Currency::parse(code).ok());
    let wanted = currency
        .or(ticket_currency)
        .unwrap_or(Currency::parse("USD").expect("a known currency"));
    let value_for_viewer = Money::from_json(&project.value)
        .ok()
        .filter(|value| value.currency() != wanted)
        .and_then(|value| {
            let from = snapshot.rates.get(value.currency().code())?;
            let to = snapshot.rates.get(wanted.code())?;
            value.convert(wanted, *from, *to)
        });
    let your_match = match (investor, mandate) {
        (Some((user, investor_id)), Some(mandate)) => {
            match_with(conn, app, &snapshot, user, investor_id, &mandate, id)?
        }
        _ => None,
    };
    let mut rated_currencies: Vec<String> = snapshot.rates.keys().cloned().collect();
    rated_currencies.sort();
    Ok(Opportunity {
        project,
        viewer_currency: wanted,
        value_for_viewer,
        rated_currencies,
        your_match,
    })
}

/// The investor's match with one published project under its mandate; `None` when the project
/// is not ranked (unpublished, or in a sector the mandate excludes).
fn match_with(
    conn: &mut AnyConnection,
    app: &AppState,
    snapshot: &Snapshot,
    user: &AuthenticatedUser,
    investor_id: &str,
    mandate: &investor_rows::MandateRow,
    project_id: &str,
) -> Result<Option<ProjectMatch>, AppError> {
    let facts = app.matchmaker.stored_mandate(mandate, &snapshot.rates);
    let ranked = snapshot.index.position(project_id).and_then(|position| {
        snapshot
            .index
            .score_one(&facts, &app.matchmaker.weights, position)
    });
    let Some(ranked) = ranked else {
        return Ok(None);
    };
    let feedback = feedback_map(rows::feedback_of(conn, investor_id)?, |f| {
        f.project_id.clone()
    });
    let mut items = project_items(
        conn,
        app,
        snapshot,
        &facts,
        &[ranked],
        &feedback,
        Some(user),
    )?;
    Ok(items.pop())
}

pub fn summary(row: &investor_rows::InvestorRow) -> InvestorSummary {
    InvestorSummary {
        id: row.id.clone(),
        name: row.name.clone(),
        kind: row.kind.clone(),
        country: row.country.clone(),
        origin: if row.country == "ID" {
            "domestic"
        } else {
            "foreign"
        },
        demo: row.demo,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LimitQuery {
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

/// How many matches a preview shows: fewer than a signed-in list, as anyone may ask for one.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PreviewQuery {
    /// 1 to 50, default 20.
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<usize>,
}

/// The best `limit` verified, discoverable investors for a published project, with their
/// reasons and feedback; only the project's region and staff may see them.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn ranked_investors(
    conn: &mut AnyConnection,
    app: &AppState,
    user: &AuthenticatedUser,
    id: &str,
    limit: usize,
) -> Result<Vec<InvestorMatch>, AppError> {
    let row = project_rows::find(conn, id)?.ok_or_else(|| AppError::not_found("project"))?;
    if !(policy::acts_for_region(user, &row.region_code)) {
        return Err(AppError::Forbidden(
            "only the project's region and staff see its investors".into(),
        ));
    }
    if row.status != ProjectStatus::Published.as_ref() {
        return Err(AppError::conflict(
            ErrorCode::ProjectNotPublished,
            "investors are matched to published projects",
        ));
    }
    let snapshot = app.matchmaker.snapshot(conn)?;
    let position = snapshot
        .index
        .position(id)
        .ok_or_else(|| AppError::not_found("project"))?;
    let feedback = feedback_map(rows::feedback_on(conn, id)?, |f| f.investor_id.clone());
    let weights = &app.matchmaker.weights;
    let mut ranked: Vec<(usize, Ranked)> = snapshot
        .investors
        .iter()
        .enumerate()
        .filter(|(_, inv)| feedback.get(&inv.row.id) != Some(&Interest::NotInterested))
        .filter_map(|(i, inv)| {
            Some((
                i,
                snapshot.index.score_one(&inv.mandate, weights, position)?,
            ))
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.1.score.total_cmp(&a.1.score).then_with(|| {
            snapshot.investors[a.0]
                .row
                .id
                .cmp(&snapshot.investors[b.0].row.id)
        })
    });
    let facts = snapshot.index.facts(position);
    Ok(ranked
        .into_iter()
        .take(limit)
        .map(|(i, r)| {
            let inv = &snapshot.investors[i];
            let query = snapshot.index.text().query(&inv.mandate.thesis);
            let matched = snapshot.index.matched_terms(&query, position);
            InvestorMatch {
                investor: summary(&inv.row),
                score: rounded(r.score),
                components: rounded_components(&r.components),
                reasons: reasons(
                    snapshot.index.taxonomy(),
                    &inv.mandate,
                    &facts,
                    &r.components,
                    &matched,
                ),
                feedback: feedback.get(&inv.row.id).copied(),
            }
        })
        .collect())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TopQuery {
    /// 1 to 500, default 100.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
    pub dimension: Option<String>,
    pub province: Option<String>,
    pub sector: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackInput {
    pub interest: Interest,
}

/// An investor's feedback on one project.
#[derive(Debug, Serialize, ToSchema)]
pub struct Feedback {
    pub project_id: String,
    pub interest: Interest,
    pub updated_at: DateTime<Utc>,
}

/// Stores an investor's feedback on a published project (the caller has checked access).
#[tracing::instrument(skip_all, fields(investor_id = %investor_id, project_id = %project_id))]
pub fn record_feedback(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    investor_id: &str,
    project_id: &str,
    interest: Interest,
) -> Result<Feedback, AppError> {
    check_investor_access(user, investor_id)?;
    investor_rows::find(conn, investor_id)?.ok_or_else(|| AppError::not_found("investor"))?;
    let project = project_rows::find(conn, project_id)?
        .filter(|p| p.status == ProjectStatus::Published.as_ref())
        .ok_or_else(|| AppError::not_found("project"))?;
    let row = FeedbackRow {
        investor_id: investor_id.to_owned(),
        project_id: project.id,
        interest: interest.as_ref().to_owned(),
        updated_at: now(),
    };
    rows::put_feedback(conn, &row)?;
    if matches!(interest, Interest::Interested | Interest::MustMeet) {
        deals::advance(
            conn,
            deals::Move {
                investor_id,
                region_code: &project.region_code,
                project_id: Some(&row.project_id),
                stage: DealStage::Interested,
                source: DealSource::Feedback,
                actor_id: Some(&user.id),
                meeting_id: None,
                amount: None,
            },
        )?;
    }
    Ok(Feedback {
        project_id: row.project_id,
        interest,
        updated_at: row.updated_at.and_utc(),
    })
}

/// The strongest investor–project pairs across the programme, for staff to introduce.
#[tracing::instrument(skip_all)]
pub fn top_pairs(
    conn: &mut AnyConnection,
    app: &AppState,
    user: &AuthenticatedUser,
    query: &TopQuery,
) -> Result<MatchPage<PairMatch>, AppError> {
    policy::may(user, Task::SeeTopMatches)?;
    let limit = limit_of(Some(query.limit.unwrap_or(100)), 500)?;
    let filter = match_filter(
        app,
        &MatchQuery {
            limit: None,
            cursor: None,
            sector: query.sector.clone(),
            dimension: query.dimension.clone(),
            element: None,
            province: query.province.clone(),
            region: None,
            stage: None,
            instrument: None,
            ikn_related: None,
        },
    )?;
    let snapshot = app.matchmaker.snapshot(conn)?;
    let weights = &app.matchmaker.weights;
    let index = &snapshot.index;
    // Each investor's hidden projects, as sorted index positions.
    let mut hidden_of: HashMap<String, Vec<u32>> = HashMap::new();
    for (investor, project) in rows::not_interested_pairs(conn)? {
        if let Some(position) = index.position(&project) {
            hidden_of.entry(investor).or_default().push(position);
        }
    }
    for hidden in hidden_of.values_mut() {
        hidden.sort_unstable();
    }
    let mut pairs: Vec<(usize, Ranked)> = snapshot
        .investors
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, inv)| {
            let hidden = hidden_of.get(&inv.row.id).map_or(&[][..], Vec::as_slice);
            index
                .top(&inv.mandate, weights, &filter, hidden, 0, limit)
                .into_iter()
                .map(move |r| (i, r))
        })
        .collect();
    pairs.sort_by(|a, b| {
        b.1.score.total_cmp(&a.1.score).then_with(|| {
            (&snapshot.investors[a.0].row.id, index.id(a.1.position))
                .cmp(&(&snapshot.investors[b.0].row.id, index.id(b.1.position)))
        })
    });
    pairs.truncate(limit);
    let ids: Vec<String> = pairs
        .iter()
        .map(|(_, r)| index.id(r.position).to_owned())
        .collect();
    let projects: HashMap<String, Project> = load_many(conn, &app.catalogue, &ids, None)?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let items = pairs
        .into_iter()
        .filter_map(|(i, r)| {
            let inv = &snapshot.investors[i];
            let project = projects.get(index.id(r.position))?;
            let query = index.text().query(&inv.mandate.thesis);
            let matched = index.matched_terms(&query, r.position);
            Some(PairMatch {
                investor: summary(&inv.row),
                project: project.clone(),
                score: rounded(r.score),
                components: rounded_components(&r.components),
                reasons: reasons(
                    index.taxonomy(),
                    &inv.mandate,
                    &index.facts(r.position),
                    &r.components,
                    &matched,
                ),
            })
        })
        .collect();
    Ok(MatchPage {
        items,
        next_cursor: None,
    })
}

/// Scores a mandate against the published projects without storing anything: for an investor
/// deciding whether to register.
#[tracing::instrument(skip_all)]
pub fn preview(
    conn: &mut AnyConnection,
    app: &AppState,
    mandate: &Mandate,
    query: &PreviewQuery,
) -> Result<MatchPage<ProjectMatch>, AppError> {
    let limit = limit_of(query.limit, 50)?;
    mandate.to_row(&app.catalogue, "preview")?;
    let snapshot = app.matchmaker.snapshot(conn)?;
    let facts = app.matchmaker.mandate_facts(mandate, &snapshot.rates);
    let ranked = snapshot.index.top(
        &facts,
        &app.matchmaker.weights,
        &MatchFilter::default(),
        &[],
        0,
        limit,
    );
    let items = project_items(conn, app, &snapshot, &facts, &ranked, &HashMap::new(), None)?;
    Ok(MatchPage {
        items,
        next_cursor: None,
    })
}

/// One page of an investor's ranked projects (the investor itself and staff).
#[tracing::instrument(skip_all, fields(investor_id = %investor_id))]
pub fn investor_page(
    conn: &mut AnyConnection,
    app: &AppState,
    user: &AuthenticatedUser,
    investor_id: &str,
    query: &MatchQuery,
) -> Result<MatchPage<ProjectMatch>, AppError> {
    let limit = limit_of(query.limit, 100)?;
    let offset = offset_of(query.cursor.as_deref())?;
    let filter = match_filter(app, query)?;
    let (items, more) = ranked_projects(conn, app, user, investor_id, &filter, offset, limit)?;
    let next = offset + limit;
    Ok(MatchPage {
        items,
        next_cursor: (more && next < MAX_RANK).then(|| next.to_string()),
    })
}

/// Withdraws the investor's feedback on a project (the investor itself and staff).
#[tracing::instrument(skip_all, fields(investor_id = %investor_id, project_id = %project_id))]
pub fn withdraw_feedback(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    investor_id: &str,
    project_id: &str,
) -> Result<(), AppError> {
    check_investor_access(user, investor_id)?;
    if rows::delete_feedback(conn, investor_id, project_id)? == 0 {
        return Err(AppError::not_found("feedback"));
    }
    Ok(())
}

/// The investor's feedback, newest first (the investor itself and staff).
#[tracing::instrument(skip_all, fields(investor_id = %investor_id))]
pub fn feedback_list(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    investor_id: &str,
) -> Result<Vec<Feedback>, AppError> {
    check_investor_access(user, investor_id)?;
    investor_rows::find(conn, investor_id)?.ok_or_else(|| AppError::not_found("investor"))?;
    Ok(rows::feedback_of(conn, investor_id)?
        .into_iter()
        .filter_map(|f| {
            Some(Feedback {
                interest: f.interest.parse().ok()?,
                project_id: f.project_id,
                updated_at: f.updated_at.and_utc(),
            })
        })
        .collect())
}
