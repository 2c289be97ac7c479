//! A project's readiness card: the returns, risk, permits, land and incentives investors weigh
//! before they commit, and the person who answers their questions.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::accounts::{check_name, normalise_email};
use crate::domain::Localized;
use crate::domain::project::{Incentive, LandStatus, PermitKind, PermitStatus, RiskLevel};
use crate::domain::text;
use crate::error::{AppError, FieldChecks};
use crate::models::project::{PermitRow, ProjectCodes, ProjectRow};
use crate::services::investors::check_phone;

/// What an investor weighs before committing, in the terms of Indonesian investment practice.
/// Shown to verified investors, the region and staff; the teaser leaves it out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Readiness {
    pub expected_irr_pct: Option<f64>,
    pub payback_years: Option<f64>,
    /// The activity's risk level under OSS-RBA, which sets the licence it needs.
    pub risk_level: Option<RiskLevel>,
    pub land_status: Option<LandStatus>,
    /// More about the land: its title, area, who holds it.
    pub land_note: Option<Localized>,
    /// The permits the project needs, each at most once.
    #[serde(default)]
    pub permits: Vec<Permit>,
    /// More about the permits, or others than those listed.
    pub permit_note: Option<Localized>,
    #[serde(default)]
    pub incentives: Vec<Incentive>,
    /// Who answers investors' questions about the project.
    pub contact: Option<ProjectContact>,
}

/// A permit the project needs and how far it has come.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Permit {
    pub kind: PermitKind,
    pub status: PermitStatus,
    /// The permit's number, or the OSS application's while in process.
    pub reference: Option<String>,
}

/// The person investors may contact about a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectContact {
    pub name: String,
    /// Position, e.g. `Kepala Bidang Penanaman Modal, DPMPTSP`.
    pub role: Option<String>,
    pub email: String,
    pub phone: Option<String>,
}

/// An optional note in either language or both; blank in both is no note.
fn check_note(field: &str, note: Option<Localized>) -> Result<Option<Localized>, AppError> {
    let Some(note) = note else { return Ok(None) };
    let id = text::within(field, &note.id, text::SHORT_TEXT)?;
    let en = text::within(field, &note.en, text::SHORT_TEXT)?;
    Ok((!id.is_empty() || !en.is_empty()).then_some(Localized { id, en }))
}

/// A stored vocabulary value, none when unknown.
fn parsed<V: FromStr>(value: &Option<String>) -> Option<V> {
    value.as_deref().and_then(|v| v.parse().ok())
}

fn blank_to_none(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

impl Readiness {
    /// The card checked and tidied, naming every problem at once: figures in range, notes
    /// trimmed, permits and incentives each listed once.
    pub(super) fn validate(self) -> Result<Self, AppError> {
        let mut checks = FieldChecks::new();
        if let Some(irr) = self.expected_irr_pct
            && !(-100.0..=1000.0).contains(&irr)
        {
            checks.add(
                "readiness.expected_irr_pct",
                "must be between -100 and 1000",
            );
        }
        if let Some(years) = self.payback_years
            && !(0.0..=100.0).contains(&years)
        {
            checks.add("readiness.payback_years", "must be between 0 and 100");
        }
        let mut permits: Vec<Permit> = Vec::with_capacity(self.permits.len());
        for permit in self.permits {
            if permits.iter().any(|p| p.kind == permit.kind) {
                checks.add(
                    "readiness.permits",
                    format!("`{}` is listed more than once", permit.kind.as_ref()),
                );
            }
            let reference = blank_to_none(permit.reference).and_then(|r| {
                checks.take(text::within("readiness.permits.reference", &r, text::NAME))
            });
            permits.push(Permit {
                reference,
                ..permit
            });
        }
        let mut incentives = Vec::with_capacity(self.incentives.len());
        for incentive in self.incentives {
            if !incentives.contains(&incentive) {
                incentives.push(incentive);
            }
        }
        let contact = self.contact.and_then(|c| checks.take(c.validate()));
        let land_note = checks.take(check_note("readiness.land_note", self.land_note));
        let permit_note = checks.take(check_note("readiness.permit_note", self.permit_note));
        checks.finish(Some(Readiness {
            land_note: land_note.flatten(),
            permit_note: permit_note.flatten(),
            permits,
            incentives,
            contact,
            ..self
        }))
    }

    /// The permit and incentive rows to store beside the project.
    pub(super) fn fill_codes(&self, codes: &mut ProjectCodes) {
        codes.permits = self
            .permits
            .iter()
            .map(|p| PermitRow {
                kind: p.kind.as_ref().to_owned(),
                status: p.status.as_ref().to_owned(),
                reference: p.reference.clone(),
            })
            .collect();
        codes.incentives = self
            .incentives
            .iter()
            .map(|i| i.as_ref().to_owned())
            .collect();
    }

    /// The card as stored; values the vocabularies no longer know are left out.
    pub(super) fn from_row(row: &ProjectRow, codes: &ProjectCodes) -> Self {
        let note = |id: &Option<String>, en: &Option<String>| {
            (id.is_some() || en.is_some()).then(|| Localized {
                id: id.clone().unwrap_or_default(),
                en: en.clone().unwrap_or_default(),
            })
        };
        let contact =
            row.contact_name
                .clone()
                .zip(row.contact_email.clone())
                .map(|(name, email)| ProjectContact {
                    name,
                    role: row.contact_role.clone(),
                    email,
                    phone: row.contact_phone.clone(),
                });
        Readiness {
            expected_irr_pct: row.expected_irr_pct,
            payback_years: row.payback_years,
            risk_level: parsed(&row.risk_level),
            land_status: parsed(&row.land_status),
            land_note: note(&row.land_note_id, &row.land_note_en),
            permits: codes
                .permits
                .iter()
                .filter_map(|p| {
                    Some(Permit {
                        kind: PermitKind::from_str(&p.kind).ok()?,
                        status: PermitStatus::from_str(&p.status).ok()?,
                        reference: p.reference.clone(),
                    })
                })
                .collect(),
            permit_note: note(&row.permit_note_id, &row.permit_note_en),
            incentives: codes
                .incentives
                .iter()
                .filter_map(|i| Incentive::from_str(i).ok())
                .collect(),
            contact,
        }
    }
}

impl ProjectContact {
    fn validate(self) -> Result<Self, AppError> {
        let mut checks = FieldChecks::new();
        let contact = ProjectContact {
            name: checks
                .take(check_name(
                    "readiness.contact.name",
                    &self.name,
                    text::PERSON_NAME,
                ))
                .unwrap_or_default(),
            role: blank_to_none(self.role)
                .and_then(|r| checks.take(check_name("readiness.contact.role", &r, text::NAME))),
            email: checks
                .take(normalise_email("readiness.contact.email", &self.email))
                .unwrap_or_default(),
            phone: blank_to_none(self.phone)
                .and_then(|p| checks.take(check_phone("readiness.contact.phone", &p))),
        };
        checks.finish(Some(contact))
    }
}
