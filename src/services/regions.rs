//! Provinces and regencies/cities with their Kemendagri codes, and the regions' own profiles.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{Page, paging};
use crate::auth::{AuthenticatedUser, policy};
use crate::clock::now;
use crate::db::AnyConnection;
use crate::domain::Localized;
use crate::domain::text;
use crate::error::AppError;
use crate::models::json_text;
pub use crate::models::reference::Region;
use crate::models::region::{self as rows, ProfileRow, RegionFilter};
use crate::reference::Catalogue;
use crate::state::AppState;

/// How the IKN-related regions are labelled: there is no official list yet.
pub const IKN_LABEL: &str = "commonly cited";

crate::domain::vocabulary! {
    /// A province, or one of the two kinds of region below it: a regency or a city.
    pub enum RegionType {
        Province,
        Kabupaten,
        Kota,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RegionQuery {
    /// Province code, e.g. `73`.
    pub province: Option<String>,
    #[serde(rename = "type")]
    #[param(rename = "type", inline)]
    pub kind: Option<RegionType>,
    /// Only the regions commonly cited as IKN host or buffer regions.
    pub ikn_related: Option<bool>,
    /// Words in the name.
    pub q: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// A person to contact in a region's government.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionContact {
    pub name: String,
    pub position: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A document about the region (masterplan, regulation, brochure).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionDocument {
    pub title: String,
    pub url: String,
}

/// What a region's officials write about it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    pub summary: Localized,
    /// ISIC codes at any level.
    #[serde(default)]
    pub leading_sectors: Vec<String>,
    /// Smart-city maturity per dimension, 1 (starting) to 5 (leading), e.g. `{"GOV": 3}`.
    #[serde(default)]
    pub maturity: BTreeMap<String, u8>,
    #[serde(default)]
    pub contacts: Vec<RegionContact>,
    pub incentives: Option<Localized>,
    #[serde(default)]
    pub documents: Vec<RegionDocument>,
}

/// A region's profile as shown: the input's fields, plus `demo` and `updated_at` (its schema is
/// written below, as an `allOf` over the closed `ProfileInput` could not be satisfied).
#[derive(Debug, Serialize)]
pub struct Profile {
    #[serde(flatten)]
    pub content: ProfileInput,
    /// Synthetic demonstration data.
    pub demo: bool,
    pub updated_at: DateTime<Utc>,
}

impl utoipa::PartialSchema for Profile {
    /// `ProfileInput`'s object with `demo` and `updated_at` added; still closed, as nothing else is sent.
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{Object, ObjectBuilder, Schema, SchemaFormat, Type};
        use utoipa::openapi::{KnownFormat, RefOr};
        let mut object = match <ProfileInput as utoipa::PartialSchema>::schema() {
            RefOr::T(Schema::Object(object)) => object,
            _ => Object::new(),
        };
        object.description = Some("A region's profile as shown.".into());
        object.properties.insert(
            "demo".into(),
            ObjectBuilder::new()
                .schema_type(Type::Boolean)
                .description(Some("Synthetic demonstration data."))
                .into(),
        );
        object.properties.insert(
            "updated_at".into(),
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
                .into(),
        );
        object.required.extend(["demo".into(), "updated_at".into()]);
        RefOr::T(Schema::Object(object))
    }
}

impl ToSchema for Profile {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        <ProfileInput as ToSchema>::schemas(schemas);
    }
}

impl ProfileInput {
    /// Checks the profile against the reference data and turns it into a row.
    pub fn to_row(
        &self,
        catalogue: &Catalogue,
        region: &str,
        by: Option<&str>,
        demo: bool,
    ) -> Result<ProfileRow, AppError> {
        let long_text = |field: &str, text: &Localized| {
            if text.id.chars().count() > text::LONG_TEXT
                || text.en.chars().count() > text::LONG_TEXT
            {
                Err(AppError::validation(
                    field,
                    format!(
                        "must be at most {} characters in each language",
                        text::LONG_TEXT
                    ),
                ))
            } else {
                Ok(())
            }
        };
        long_text("summary", &self.summary)?;
        if let Some(incentives) = &self.incentives {
            long_text("incentives", incentives)?;
        }
        if let Some(bad) = self
            .leading_sectors
            .iter()
            .find(|c| catalogue.sector(c).is_none())
        {
            return Err(AppError::validation(
                "leading_sectors",
                format!("`{bad}` is not an ISIC code"),
            ));
        }
        for (dimension, level) in &self.maturity {
            if !catalogue.is_dimension(dimension) {
                return Err(AppError::validation(
                    "maturity",
                    format!("`{dimension}` is not a dimension"),
                ));
            }
            if !(1..=5).contains(level) {
                return Err(AppError::validation(
                    &format!("maturity.{dimension}"),
                    "must be 1 to 5",
                ));
            }
        }
        for (i, contact) in self.contacts.iter().enumerate() {
            crate::auth::accounts::check_name(
                &format!("contacts[{i}].name"),
                &contact.name,
                text::PERSON_NAME,
            )?;
            if let Some(email) = &contact.email {
                crate::auth::accounts::normalise_email(&format!("contacts[{i}].email"), email)?;
            }
        }
        for (i, doc) in self.documents.iter().enumerate() {
            if !doc.url.starts_with("https://") && !doc.url.starts_with("http://") {
                return Err(AppError::validation(
                    &format!("documents[{i}].url"),
                    "must be an http(s) URL",
                ));
            }
        }
        if self.contacts.len() > 20 || self.documents.len() > 50 {
            return Err(AppError::validation(
                "profile",
                "at most 20 contacts and 50 documents",
            ));
        }
        let incentives = self.incentives.clone().unwrap_or(Localized {
            id: String::new(),
            en: String::new(),
        });
        Ok(ProfileRow {
            region_code: region.to_owned(),
            summary_id: self.summary.id.trim().to_owned(),
            summary_en: self.summary.en.trim().to_owned(),
            leading_sectors: json_text(&self.leading_sectors),
            maturity: json_text(&self.maturity),
            contacts: json_text(&self.contacts),
            incentives_id: incentives.id,
            incentives_en: incentives.en,
            documents: json_text(&self.documents),
            demo,
            updated_at: now(),
            updated_by: by.map(str::to_owned),
        })
    }
}

impl Profile {
    pub fn from_row(row: ProfileRow) -> Self {
        let incentives =
            (!row.incentives_id.is_empty() || !row.incentives_en.is_empty()).then(|| Localized {
                id: row.incentives_id.clone(),
                en: row.incentives_en.clone(),
            });
        Profile {
            content: ProfileInput {
                summary: Localized {
                    id: row.summary_id,
                    en: row.summary_en,
                },
                leading_sectors: serde_json::from_str(&row.leading_sectors).unwrap_or_default(),
                maturity: serde_json::from_str(&row.maturity).unwrap_or_default(),
                contacts: serde_json::from_str(&row.contacts).unwrap_or_default(),
                incentives,
                documents: serde_json::from_str(&row.documents).unwrap_or_default(),
            },
            demo: row.demo,
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// A region with its profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionDetail {
    #[serde(flatten)]
    pub region: Region,
    pub ikn_related: bool,
    /// `commonly cited` for IKN-related regions: not an official designation.
    pub ikn_label: Option<&'static str>,
    pub profile: Option<Profile>,
}

/// A region with its profile; 404 `not_found` for an unknown code.
#[tracing::instrument(skip_all, fields(code = %code))]
pub async fn load_region(state: &AppState, code: String) -> Result<RegionDetail, AppError> {
    let (region, profile) = state
        .db
        .run(move |conn| rows::find(conn, &code)?.ok_or_else(|| AppError::not_found("region")))
        .await?;
    let ikn_related = region.ikn_relation.is_some();
    Ok(RegionDetail {
        region,
        ikn_related,
        ikn_label: ikn_related.then_some(IKN_LABEL),
        profile: profile.map(Profile::from_row),
    })
}

/// Writes a region's profile for `user` when the region exists and the user may edit it, after
/// checking the input; the API and the officials' page both save through it.
#[tracing::instrument(skip_all, fields(code = %code))]
pub async fn save_profile(
    state: &AppState,
    user: &AuthenticatedUser,
    code: &str,
    input: &ProfileInput,
) -> Result<(), AppError> {
    if state.catalogue.region(code).is_none() {
        return Err(AppError::not_found("region"));
    }
    policy::may_edit_region(user, code)?;
    let row = input.to_row(&state.catalogue, code, Some(&user.id), false)?;
    state
        .db
        .write(move |conn| Ok(rows::put_profile(conn, &row)?))
        .await
}

/// The 38 provinces.
/// The codes of the regions that have published a profile.
pub fn profiled_regions(conn: &mut AnyConnection) -> Result<Vec<String>, AppError> {
    Ok(rows::profiled_regions(conn)?)
}

#[tracing::instrument(skip_all)]
pub fn provinces(conn: &mut AnyConnection) -> Result<Vec<Region>, AppError> {
    Ok(rows::provinces(conn)?)
}

/// Regions (provinces, regencies and cities), filtered, one page of them.
#[tracing::instrument(skip_all)]
pub fn regions(conn: &mut AnyConnection, query: RegionQuery) -> Result<Page<Region>, AppError> {
    let (page, per_page, offset) = paging(query.page, query.per_page)?;
    let filter = RegionFilter {
        province: query.province,
        kind: query.kind.map(|k| k.as_ref().to_owned()),
        ikn_related: query.ikn_related,
        name_words: query
            .q
            .as_deref()
            .map(crate::domain::text::query_words)
            .transpose()?
            .unwrap_or_default(),
    };
    let (items, total) = rows::list(conn, &filter, offset, per_page)?;
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}
