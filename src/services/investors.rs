//! Investor organisations: profiles, mandates and verification.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::AuthenticatedUser;
use crate::auth::policy::InvestorView;
use crate::auth::policy::{self, Task};
use crate::clock::now;
use crate::db::AnyConnection;
use crate::domain::Money;
pub use crate::domain::mandate::{Mandate, Ticket};
use crate::domain::project::InvestorKind;
use crate::domain::text;
use crate::error::AppError;
use crate::models::investor::{
    self as rows, InvestorChanges, InvestorFilter, InvestorRow, MandateRow,
};
use crate::models::json_text;
use crate::notify::Notification;
use crate::notify::kinds::{InvestorNotice, Organisation};
use crate::reference::Catalogue;
use crate::services::{Page, paging};

/// An investor organisation as given at registration.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationInput {
    pub name: String,
    pub kind: InvestorKind,
    /// ISO 3166-1 alpha-2; `ID` makes the investor domestic.
    #[schema(example = "JP")]
    pub country: String,
    pub website: Option<String>,
    #[serde(default)]
    pub description: String,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
}

/// An ISO 3166-1 alpha-2 country code, upper-cased.
pub fn check_country(field: &str, country: &str) -> Result<String, AppError> {
    let code = country.trim().to_uppercase();
    crate::domain::country::find(&code)
        .map(|c| c.code.to_owned())
        .ok_or_else(|| AppError::validation(field, "is not an ISO 3166-1 alpha-2 code"))
}

fn check_website(field: &str, url: &str) -> Result<String, AppError> {
    let url = url.trim();
    let valid = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 300
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(url.to_owned())
    } else {
        Err(AppError::validation(field, "must be an http(s) URL"))
    }
}

fn check_description(field: &str, text: &str) -> Result<String, AppError> {
    text::within(field, text, text::LONG_TEXT)
}

fn optional<T>(
    value: Option<&str>,
    check: impl FnOnce(&str) -> Result<T, AppError>,
) -> Result<Option<T>, AppError> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(check)
        .transpose()
}

/// Checks an investor organisation as it would be created; `demo` marks synthetic demo data.
pub fn check_investor(input: &OrganisationInput, demo: bool) -> Result<InvestorRow, AppError> {
    let at = now();
    Ok(InvestorRow {
        id: uuid::Uuid::new_v4().to_string(),
        name: crate::auth::accounts::check_name("organisation.name", &input.name, text::NAME)?,
        kind: input.kind.as_ref().to_owned(),
        country: check_country("organisation.country", &input.country)?,
        website: optional(input.website.as_deref(), |w| {
            check_website("organisation.website", w)
        })?,
        description: check_description("organisation.description", &input.description)?,
        contact_name: optional(input.contact_name.as_deref(), |n| {
            crate::auth::accounts::check_name("organisation.contact_name", n, text::PERSON_NAME)
        })?,
        contact_email: optional(input.contact_email.as_deref(), |e| {
            crate::auth::accounts::normalise_email("organisation.contact_email", e)
        })?,
        contact_phone: optional(input.contact_phone.as_deref(), |p| {
            check_phone("organisation.contact_phone", p)
        })?,
        verified_at: None,
        verified_by: None,
        demo,
        created_at: at,
        updated_at: at,
    })
}

/// Creates an investor organisation; `demo` marks synthetic demo data. Returns its id.
#[tracing::instrument(skip_all)]
pub fn create_investor(
    conn: &mut AnyConnection,
    input: &OrganisationInput,
    demo: bool,
) -> Result<String, AppError> {
    let row = check_investor(input, demo)?;
    insert_investor(conn, &row)
}

/// Stores an organisation [`check_investor`] made. Returns its id.
pub fn insert_investor(conn: &mut AnyConnection, row: &InvestorRow) -> Result<String, AppError> {
    rows::insert(conn, row)?;
    Ok(row.id.clone())
}

pub(crate) fn check_phone(field: &str, phone: &str) -> Result<String, AppError> {
    let phone = phone.trim();
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if allowed && (6..=20).contains(&digits) {
        Ok(phone.to_owned())
    } else {
        Err(AppError::validation(
            field,
            "must be a phone number such as +62 411 123456",
        ))
    }
}

/// Deduplicates while keeping order.
fn distinct<T: PartialEq + Clone>(items: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(item) {
            out.push(item.clone());
        }
    }
    out
}

fn check_codes(
    field: &str,
    codes: &[String],
    valid: impl Fn(&str) -> bool,
) -> Result<Vec<String>, AppError> {
    if codes.len() > 100 {
        return Err(AppError::validation(field, "at most 100 codes"));
    }
    if let Some(bad) = codes.iter().find(|c| !valid(c)) {
        return Err(AppError::validation(
            field,
            format!("`{bad}` is not a known code"),
        ));
    }
    Ok(distinct(codes))
}

impl Mandate {
    /// Checks every code against the reference data and turns the mandate into a row.
    pub fn to_row(&self, catalogue: &Catalogue, investor_id: &str) -> Result<MandateRow, AppError> {
        let sectors = check_codes("sectors", &self.sectors, |c| catalogue.sector(c).is_some())?;
        let excluded = check_codes("excluded_sectors", &self.excluded_sectors, |c| {
            catalogue.sector(c).is_some()
        })?;
        let dimensions = check_codes("dimensions", &self.dimensions, |c| {
            catalogue.is_dimension(c)
        })?;
        let elements = check_codes("elements", &self.elements, |c| {
            catalogue.element_dimension(c).is_some()
        })?;
        let regions = check_codes("regions", &self.regions, |c| {
            catalogue.region(c).is_some_and(|r| r.kind != "province")
        })?;
        let provinces = check_codes("provinces", &self.provinces, |c| catalogue.is_province(c))?;
        if self.thesis.chars().count() > 5000 {
            return Err(AppError::validation(
                "thesis",
                "must be at most 5000 characters",
            ));
        }
        let (min, max, currency) = match &self.ticket {
            None => (None, None, None),
            Some(ticket) => {
                let min = Money::parse(&ticket.min, &ticket.currency)
                    .map_err(|e| AppError::validation("ticket.min", e))?;
                let max = Money::parse(&ticket.max, &ticket.currency)
                    .map_err(|e| AppError::validation("ticket.max", e))?;
                if min.minor() > max.minor() {
                    return Err(AppError::validation("ticket", "min must not exceed max"));
                }
                (
                    Some(min.minor()),
                    Some(max.minor()),
                    Some(min.currency().code().to_owned()),
                )
            }
        };
        Ok(MandateRow {
            investor_id: investor_id.to_owned(),
            sectors: json_text(&sectors),
            excluded_sectors: json_text(&excluded),
            dimensions: json_text(&dimensions),
            elements: json_text(&elements),
            regions: json_text(&regions),
            provinces: json_text(&provinces),
            ikn_related: self.ikn_related,
            ticket_min_minor: min,
            ticket_max_minor: max,
            ticket_currency: currency,
            stages: json_text(&distinct(&self.stages)),
            instruments: json_text(&distinct(&self.instruments)),
            thesis: self.thesis.trim().to_owned(),
            discoverable: self.discoverable,
            updated_at: now(),
        })
    }
}

/// How to reach an investor: shown to the investor itself and staff only.
#[derive(Debug, Serialize, ToSchema)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// An investor organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Investor {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub country: String,
    /// `domestic` (Indonesian) or `foreign`.
    pub origin: &'static str,
    pub website: Option<String>,
    pub description: String,
    pub verified: bool,
    pub verified_at: Option<DateTime<Utc>>,
    /// Synthetic demonstration data.
    pub demo: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    pub mandate: Option<Mandate>,
    pub created_at: DateTime<Utc>,
}

impl Investor {
    fn build(row: InvestorRow, mandate: Option<MandateRow>, view: InvestorView) -> Self {
        let contact = (view == InvestorView::Full).then(|| Contact {
            name: row.contact_name.clone(),
            email: row.contact_email.clone(),
            phone: row.contact_phone.clone(),
        });
        Investor {
            origin: if row.country == "ID" {
                "domestic"
            } else {
                "foreign"
            },
            verified: row.verified_at.is_some(),
            mandate: mandate.as_ref().map(MandateRow::mandate),
            contact,
            id: row.id,
            name: row.name,
            kind: row.kind,
            country: row.country,
            website: row.website,
            description: row.description,
            verified_at: row.verified_at.map(|t| t.and_utc()),
            demo: row.demo,
            created_at: row.created_at.and_utc(),
        }
    }
}

/// Loads an investor the caller may see, as much of it as the caller may see.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn load_visible(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
) -> Result<Investor, AppError> {
    let (row, mandate) = rows::find(conn, id)?.ok_or_else(|| AppError::not_found("investor"))?;
    let discoverable = mandate.as_ref().is_some_and(|m| m.discoverable);
    let view = policy::investor_view(user, id, row.verified_at.is_some(), discoverable)
        .ok_or_else(|| AppError::not_found("investor"))?;
    Ok(Investor::build(row, mandate, view))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InvestorQuery {
    /// Staff only: verified or not.
    pub verified: Option<bool>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// Words in the name.
    pub q: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

impl InvestorQuery {
    /// The list filter: staff see every investor, others verified, discoverable ones only; 400
    /// `invalid_query` when `q` is too long.
    pub fn filter(&self, staff: bool) -> Result<InvestorFilter, AppError> {
        Ok(InvestorFilter {
            verified: if staff { self.verified } else { Some(true) },
            discoverable_only: !staff,
            country: self.country.as_ref().map(|c| c.to_uppercase()),
            name_words: self
                .q
                .as_deref()
                .map(crate::domain::text::query_words)
                .transpose()?
                .unwrap_or_default(),
        })
    }
}

/// How many investors are verified: the public figure on the home page.
pub fn verified_count(conn: &mut AnyConnection) -> Result<i64, AppError> {
    let filter = InvestorFilter {
        verified: Some(true),
        ..InvestorFilter::default()
    };
    let (_, total) = rows::list(conn, &filter, 0, 1)?;
    Ok(total)
}

/// One page of the investors the caller may see, as the API lists them: an investor's own
/// people see their organisation alone, always as the first page.
pub fn investor_page(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    query: &InvestorQuery,
) -> Result<Page<Investor>, AppError> {
    let (page, per_page, offset) = paging(query.page, query.per_page)?;
    let (items, total) = list_visible(conn, user, query, offset, per_page)?;
    let page = if policy::speaks_for_an_investor(user) {
        1
    } else {
        page
    };
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

/// One window of the investors the caller may see, with the total: an investor its own
/// organisation; staff every investor, with contacts; officials verified, discoverable ones
/// without contacts.
#[tracing::instrument(skip_all)]
pub fn list_visible(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    query: &InvestorQuery,
    offset: i64,
    per_page: i64,
) -> Result<(Vec<Investor>, i64), AppError> {
    if policy::speaks_for_an_investor(user) {
        let items = match &user.investor_id {
            Some(id) => vec![load_visible(conn, user, id)?],
            None => vec![],
        };
        let total = i64::try_from(items.len()).unwrap_or(0);
        return Ok((items, total));
    }
    let filter = query.filter(policy::oversees_programme(user))?;
    let view = if policy::oversees_programme(user) {
        InvestorView::Full
    } else {
        InvestorView::Public
    };
    let (found, total) = rows::list(conn, &filter, offset, per_page)?;
    let items = found
        .into_iter()
        .map(|(row, mandate)| Investor::build(row, mandate, view))
        .collect();
    Ok((items, total))
}

/// Changes to an investor's profile; absent fields stay as they are, `null` clears optional ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvestorUpdate {
    pub name: Option<String>,
    pub kind: Option<InvestorKind>,
    pub country: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub website: Option<Option<String>>,
    pub description: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub contact_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub contact_email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub contact_phone: Option<Option<String>>,
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
pub fn double_option<'de, D, T>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}

impl InvestorUpdate {
    /// Checks every given field and turns the update into the stored changes.
    pub fn to_changes(&self) -> Result<InvestorChanges, AppError> {
        use crate::auth::accounts::{check_name, normalise_email};
        let clearable = |value: &Option<Option<String>>,
                         check: &dyn Fn(&str) -> Result<String, AppError>| {
            value
                .as_ref()
                .map(|v| optional(v.as_deref(), check))
                .transpose()
        };
        Ok(InvestorChanges {
            name: self
                .name
                .as_deref()
                .map(|n| check_name("name", n, text::NAME))
                .transpose()?,
            kind: self.kind.map(|k| k.as_ref().to_owned()),
            country: self
                .country
                .as_deref()
                .map(|c| check_country("country", c))
                .transpose()?,
            website: clearable(&self.website, &|w| check_website("website", w))?,
            description: self
                .description
                .as_deref()
                .map(|d| check_description("description", d))
                .transpose()?,
            contact_name: clearable(&self.contact_name, &|n| {
                check_name("contact_name", n, text::PERSON_NAME)
            })?,
            contact_email: clearable(&self.contact_email, &|e| {
                normalise_email("contact_email", e)
            })?,
            contact_phone: clearable(&self.contact_phone, &|p| check_phone("contact_phone", p))?,
            updated_at: Some(now()),
        })
    }
}

/// Stores checked profile changes of an investor the caller may edit, in the caller's
/// transaction.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn update_profile(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
    changes: &InvestorChanges,
) -> Result<Investor, AppError> {
    load_visible(conn, user, id)?;
    policy::may_edit_investor(user, id)?;
    rows::update(conn, id, changes)?;
    load_visible(conn, user, id)
}

/// Stores a checked mandate of an investor the caller may edit, in the caller's transaction,
/// and tells the matching index that the investors changed.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn save_mandate(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
    row: &MandateRow,
) -> Result<Mandate, AppError> {
    load_visible(conn, user, id)?;
    policy::may_edit_investor(user, id)?;
    rows::put_mandate(conn, row)?;
    crate::models::matching::bump_version(conn)?;
    Ok(row.mandate())
}

/// Marks an investor verified (staff only), in the caller's transaction, and tells the
/// investor's users. Verifying twice keeps the first verification and tells no one again.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn verify(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
) -> Result<Investor, AppError> {
    policy::may(user, Task::VerifyInvestors)?;
    let current = load_visible(conn, user, id)?;
    if !current.verified {
        rows::set_verified(conn, id, &user.id, now())?;
        crate::models::matching::bump_version(conn)?;
        let users = crate::models::user::investor_users(conn, id)?;
        let verified = Notification::InvestorVerified(InvestorNotice {
            investor: Organisation {
                id: current.id,
                name: current.name,
            },
        });
        crate::notify::record(conn, &users, &verified)?;
    }
    load_visible(conn, user, id)
}
