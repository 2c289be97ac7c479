//! The deal funnel for staff: how many deals reached each stage, the conversion from one stage
//! to the next and the days it took, and the amounts in US dollars at the latest rates, by
//! region, province, Smart City dimension and event. Committed amounts (letters of intent,
//! MoUs) and realised ones are kept apart, never added together.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;

use chrono::NaiveDateTime;
use serde::Serialize;
use strum::IntoEnumIterator;
use utoipa::ToSchema;

use crate::auth::AuthenticatedUser;
use crate::auth::policy::{self, Task};
use crate::db::AnyConnection;
use crate::domain::deal::DealStage;
use crate::domain::{Currency, Money};
use crate::error::AppError;
use crate::matchmaker::{Rates, rates, to_usd};
use crate::models::deal::{self as rows, DealFilter, DealStepRow};
use crate::models::project as project_rows;
use crate::reference::Catalogue;
use crate::spreadsheet::Table;

/// One stage of the funnel.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FunnelStage {
    pub stage: DealStage,
    /// Deals that reached this stage or a later one.
    pub reached: usize,
    /// Deals at this stage now.
    pub now: usize,
    /// Of the deals that reached the stage before, the share that reached this one (percent).
    pub conversion_pct: Option<f64>,
    /// The median days from the stage before to this one, over deals that recorded both.
    pub median_days: Option<f64>,
    /// The latest amount each deal named at this stage, summed, in US dollars (letter of
    /// intent, MoU, investment realised only).
    pub amount_usd: Option<f64>,
}

/// The funnel of one region, province, dimension or event.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct FunnelLine {
    /// `region`, `province`, `dimension` or `event`.
    pub group: String,
    pub key: String,
    pub name: String,
    pub deals: usize,
    pub nda_accepted: usize,
    pub site_visits: usize,
    pub letters_of_intent: usize,
    pub mous: usize,
    pub realised: usize,
    pub closed: usize,
    /// The latest letter of intent or MoU amount of each deal, in US dollars.
    pub committed_usd: f64,
    /// Realised investment, in US dollars.
    pub realised_usd: f64,
}

/// The whole funnel.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Funnel {
    /// Every deal, as one line.
    pub total: FunnelLine,
    pub stages: Vec<FunnelStage>,
    pub by_region: Vec<FunnelLine>,
    pub by_province: Vec<FunnelLine>,
    pub by_dimension: Vec<FunnelLine>,
    pub by_event: Vec<FunnelLine>,
}

/// What one deal contributes.
struct Path {
    /// The furthest open stage it reached (a closed deal keeps the one before closing).
    furthest: DealStage,
    now: DealStage,
    /// When it first reached each stage it recorded.
    first_at: HashMap<DealStage, NaiveDateTime>,
    /// The latest amount it named at each stage, in US dollars.
    usd_at: HashMap<DealStage, f64>,
}

impl Path {
    fn of(now: DealStage, steps: &[&DealStepRow], rates: &Rates) -> Self {
        let mut path = Path {
            furthest: DealStage::Interested,
            now,
            first_at: HashMap::new(),
            usd_at: HashMap::new(),
        };
        for step in steps {
            let Ok(stage) = DealStage::from_str(&step.stage) else {
                continue;
            };
            path.first_at.entry(stage).or_insert(step.created_at);
            if stage != DealStage::Closed && stage as usize > path.furthest as usize {
                path.furthest = stage;
            }
            let usd = step
                .amount_minor
                .zip(step.amount_currency.as_deref())
                .and_then(|(minor, code)| {
                    let currency = Currency::parse(code).ok()?;
                    to_usd(Money::from_minor(minor, currency), rates)
                });
            if let Some(usd) = usd {
                path.usd_at.insert(stage, usd);
            }
        }
        path
    }

    fn reached(&self, stage: DealStage) -> bool {
        stage as usize <= self.furthest as usize
    }

    fn committed_usd(&self) -> f64 {
        [DealStage::Mou, DealStage::LetterOfIntent]
            .iter()
            .find_map(|s| self.usd_at.get(s))
            .copied()
            .unwrap_or_default()
    }
}

impl FunnelLine {
    fn add(&mut self, path: &Path) {
        self.deals += 1;
        let count = |stage| usize::from(path.reached(stage));
        self.nda_accepted += count(DealStage::NdaAccepted);
        self.site_visits += count(DealStage::SiteVisit);
        self.letters_of_intent += count(DealStage::LetterOfIntent);
        self.mous += count(DealStage::Mou);
        self.realised += count(DealStage::InvestmentRealised);
        self.closed += usize::from(path.now == DealStage::Closed);
        self.committed_usd += path.committed_usd();
        self.realised_usd += path
            .usd_at
            .get(&DealStage::InvestmentRealised)
            .copied()
            .unwrap_or_default();
    }
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// The funnel of every deal (staff).
#[tracing::instrument(skip_all)]
pub fn funnel(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
) -> Result<Funnel, AppError> {
    policy::may(user, Task::ReadReports)?;
    let deals = rows::list(conn, &DealFilter::default())?;
    let ids: Vec<String> = deals.iter().map(|d| d.id.clone()).collect();
    let steps = rows::steps_of(conn, &ids)?;
    let rates = rates(conn)?;
    let mut steps_of: HashMap<&str, Vec<&DealStepRow>> = HashMap::new();
    for step in &steps {
        steps_of
            .entry(step.deal_id.as_str())
            .or_default()
            .push(step);
    }
    let meeting_ids: Vec<String> = steps.iter().filter_map(|s| s.meeting_id.clone()).collect();
    let mut event_of_meeting = HashMap::new();
    for (meeting, event, name) in rows::events_of_meetings(conn, &meeting_ids)? {
        event_of_meeting.insert(meeting, (event, name));
    }
    let project_ids: Vec<String> = deals.iter().filter_map(|d| d.project_id.clone()).collect();
    let codes = project_rows::codes_of(conn, &project_ids)?;

    let mut paths = Vec::with_capacity(deals.len());
    let mut groups: BTreeMap<(&'static str, String), FunnelLine> = BTreeMap::new();
    // Each deal's lines: its region, province, dimensions and events.
    let mut lines: Vec<(&'static str, String, String, usize)> = Vec::new();
    for (i, deal) in deals.iter().enumerate() {
        let now = DealStage::from_str(&deal.stage).unwrap_or(DealStage::Interested);
        let own = steps_of
            .get(deal.id.as_str())
            .map_or(&[][..], Vec::as_slice);
        paths.push(Path::of(now, own, &rates));
        let region = catalogue.region(&deal.region_code);
        lines.push(("all", String::new(), String::new(), i));
        lines.push((
            "region",
            deal.region_code.clone(),
            region.map(|r| r.name.clone()).unwrap_or_default(),
            i,
        ));
        if let Some(province) = region.map(|r| r.province_code.clone()) {
            let name = catalogue
                .region(&province)
                .map(|p| p.name.clone())
                .unwrap_or_default();
            lines.push(("province", province, name, i));
        }
        let dimensions: Vec<String> = deal
            .project_id
            .as_ref()
            .and_then(|p| codes.get(p))
            .map(|c| {
                c.dimensions
                    .iter()
                    .filter(|d| !d.contains('-'))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        for dimension in dimensions {
            let name = catalogue
                .dimension_rows()
                .find(|d| d.code == dimension)
                .map(|d| d.name_en.clone())
                .unwrap_or_default();
            lines.push(("dimension", dimension, name, i));
        }
        let events: BTreeSet<&(String, String)> = own
            .iter()
            .filter_map(|s| s.meeting_id.as_ref().and_then(|m| event_of_meeting.get(m)))
            .collect();
        for (event, name) in events {
            lines.push(("event", event.clone(), name.clone(), i));
        }
    }
    for (group, key, name, i) in lines {
        groups
            .entry((group, key.clone()))
            .or_insert_with(|| FunnelLine {
                group: group.to_owned(),
                key,
                name,
                ..FunnelLine::default()
            })
            .add(&paths[i]);
    }

    let open_stages: Vec<DealStage> = DealStage::iter()
        .filter(|s| *s != DealStage::Closed)
        .collect();
    let mut stages = Vec::with_capacity(open_stages.len());
    for (i, &stage) in open_stages.iter().enumerate() {
        let reached = paths.iter().filter(|p| p.reached(stage)).count();
        let previous = i.checked_sub(1).map(|j| open_stages[j]);
        let conversion_pct = previous.and_then(|before| {
            let base = paths.iter().filter(|p| p.reached(before)).count();
            (base > 0).then(|| (reached as f64 * 1000.0 / base as f64).round() / 10.0)
        });
        let median_days = previous.and_then(|before| {
            median(
                paths
                    .iter()
                    .filter_map(|p| Some(*p.first_at.get(&stage)? - *p.first_at.get(&before)?))
                    .map(|d| (d.num_hours() as f64 / 24.0 * 10.0).round() / 10.0)
                    .collect(),
            )
        });
        let amount_usd = stage.takes_amount().then(|| {
            paths
                .iter()
                .filter_map(|p| p.usd_at.get(&stage))
                .sum::<f64>()
                .round()
        });
        stages.push(FunnelStage {
            stage,
            reached,
            now: paths.iter().filter(|p| p.now == stage).count(),
            conversion_pct,
            median_days,
            amount_usd,
        });
    }
    let by = |group: &str| -> Vec<FunnelLine> {
        groups
            .iter()
            .filter(|((g, _), _)| *g == group)
            .map(|(_, l)| {
                let mut l = l.clone();
                l.committed_usd = l.committed_usd.round();
                l.realised_usd = l.realised_usd.round();
                l
            })
            .collect()
    };
    Ok(Funnel {
        total: by("all").pop().unwrap_or_default(),
        stages,
        by_region: by("region"),
        by_province: by("province"),
        by_dimension: by("dimension"),
        by_event: by("event"),
    })
}

/// The funnel as a spreadsheet: every deal as one line, then a line per region, province,
/// dimension and event.
pub fn funnel_sheet(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
) -> Result<Table, AppError> {
    let funnel = funnel(conn, catalogue, user)?;
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX).into();
    let rows = std::iter::once(&funnel.total)
        .chain(&funnel.by_region)
        .chain(&funnel.by_province)
        .chain(&funnel.by_dimension)
        .chain(&funnel.by_event)
        .map(|l| {
            vec![
                l.group.clone().into(),
                l.key.clone().into(),
                l.name.clone().into(),
                count(l.deals),
                count(l.nda_accepted),
                count(l.site_visits),
                count(l.letters_of_intent),
                count(l.mous),
                count(l.realised),
                count(l.closed),
                l.committed_usd.into(),
                l.realised_usd.into(),
            ]
        })
        .collect();
    Ok(Table {
        name: "funnel",
        headers: vec![
            "group",
            "key",
            "name",
            "deals",
            "nda_accepted",
            "site_visits",
            "letters_of_intent",
            "mous",
            "investments_realised",
            "closed",
            "committed_usd",
            "realised_usd",
        ],
        rows,
    })
}
