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
use crate::error::{AppError, FieldChecks};
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

/// Checks an investor organisation as it would be created, naming every problem at once;
/// `demo` marks synthetic demo data.
pub fn check_investor(input: &OrganisationInput, demo: bool) -> Result<InvestorRow, AppError> {
    use crate::auth::accounts::{check_name, normalise_email};
    let at = now();
    let mut checks = FieldChecks::new();
    let row = InvestorRow {
        id: uuid::Uuid::new_v4().to_string(),
        name: checks
            .take(check_name("organisation.name", &input.name, text::NAME))
            .unwrap_or_default(),
        kind: input.kind.as_ref().to_owned(),
        country: checks
            .take(check_country("organisation.country", &input.country))
            .unwrap_or_default(),
        website: checks
            .take(optional(input.website.as_deref(), |w| {
                check_website("organisation.website", w)
            }))
            .flatten(),
        description: checks
            .take(check_description(
                "organisation.description",
                &input.description,
            ))
            .unwrap_or_default(),
        contact_name: checks
            .take(optional(input.contact_name.as_deref(), |n| {
                check_name("organisation.contact_name", n, text::PERSON_NAME)
            }))
            .flatten(),
        contact_email: checks
            .take(optional(input.contact_email.as_deref(), |e| {
                normalise_email("organisation.contact_email", e)
            }))
            .flatten(),
        contact_phone: checks
            .take(optional(input.contact_phone.as_deref(), |p| {
                check_phone("organisation.contact_phone", p)
            }))
            .flatten(),
        verified_at: None,
        verified_by: None,
        demo,
        created_at: at,
        updated_at: at,
    };
    checks.finish(Some(row))
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
    /// Checks every code against the reference data and turns the mandate into a row, naming
    /// every problem at once.
    pub fn to_row(&self, catalogue: &Catalogue, investor_id: &str) -> Result<MandateRow, AppError> {
        let mut checks = FieldChecks::new();
        let mut codes = |field: &str, given: &[String], valid: &dyn Fn(&str) -> bool| {
            json_text(
                &checks
                    .take(check_codes(field, given, valid))
                    .unwrap_or_default(),
            )
        };
        let sectors = codes("sectors", &self.sectors, &|c| catalogue.sector(c).is_some());
        let excluded_sectors = codes("excluded_sectors", &self.excluded_sectors, &|c| {
            catalogue.sector(c).is_some()
        });
        let dimensions = codes("dimensions", &self.dimensions, &|c| {
            catalogue.is_dimension(c)
        });
        let elements = codes("elements", &self.elements, &|c| {
            catalogue.element_dimension(c).is_some()
        });
        let regions = codes("regions", &self.regions, &|c| {
            catalogue.region(c).is_some_and(|r| r.kind != "province")
        });
        let provinces = codes("provinces", &self.provinces, &|c| catalogue.is_province(c));
        if self.thesis.chars().count() > 5000 {
            checks.add("thesis", "must be at most 5000 characters");
        }
        let (min, max, currency) = match &self.ticket {
            None => (None, None, None),
            Some(ticket) => {
                let amount = |field: &str, amount: &str| {
                    Money::parse(amount, &ticket.currency)
                        .map_err(|e| AppError::validation(field, e))
                };
                let min = checks.take(amount("ticket.min", &ticket.min));
                let max = checks.take(amount("ticket.max", &ticket.max));
                if let (Some(min), Some(max)) = (min, max)
                    && min.minor() > max.minor()
                {
                    checks.add("ticket", "min must not exceed max");
                }
                (
                    min.map(Money::minor),
                    max.map(Money::minor),
                    min.map(|m| m.currency().code().to_owned()),
                )
            }
        };
        let row = MandateRow {
            investor_id: investor_id.to_owned(),
            sectors,
            excluded_sectors,
            dimensions,
            elements,
            regions,
            provinces,
            ikn_related: self.ikn_related,
            ticket_min_minor: min,
            ticket_max_minor: max,
            ticket_currency: currency,
            stages: json_text(&distinct(&self.stages)),
            instruments: json_text(&distinct(&self.instruments)),
            thesis: self.thesis.trim().to_owned(),
            discoverable: self.discoverable,
            updated_at: now(),
        };
        checks.finish(Some(row))
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
    /// Checks every given field and turns the update into the stored changes, naming every
    /// problem at once.
    pub fn to_changes(&self) -> Result<InvestorChanges, AppError> {
        use crate::auth::accounts::{check_name, normalise_email};
        let mut checks = FieldChecks::new();
        let mut given = |value: Option<&str>, check: &dyn Fn(&str) -> Result<String, AppError>| {
            value.and_then(|v| checks.take(check(v)))
        };
        let name = given(self.name.as_deref(), &|n| check_name("name", n, text::NAME));
        let country = given(self.country.as_deref(), &|c| check_country("country", c));
        let description = given(self.description.as_deref(), &|d| {
            check_description("description", d)
        });
        let mut clearable =
            |value: &Option<Option<String>>, check: &dyn Fn(&str) -> Result<String, AppError>| {
                value
                    .as_ref()
                    .and_then(|v| checks.take(optional(v.as_deref(), check)))
            };
        let changes = InvestorChanges {
            name,
            kind: self.kind.map(|k| k.as_ref().to_owned()),
            country,
            website: clearable(&self.website, &|w| check_website("website", w)),
            description,
            contact_name: clearable(&self.contact_name, &|n| {
                check_name("contact_name", n, text::PERSON_NAME)
            }),
            contact_email: clearable(&self.contact_email, &|e| {
                normalise_email("contact_email", e)
            }),
            contact_phone: clearable(&self.contact_phone, &|p| check_phone("contact_phone", p)),
            updated_at: Some(now()),
        };
        checks.finish(Some(changes))
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
