//! The investor's own profile and mandate, edited in one form: what the matching works from.

use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use strum::IntoEnumIterator;

use super::form::{Field, Problems, Typed};
use super::pickers::{
    RegionGroup, SectorTree, country_choices, currency_choices, region_groups, sector_tree,
};
use super::session::{Investors, Signed};
use super::{Page, html, see_other};
use crate::auth::AuthenticatedUser;
use crate::domain::project::{Instrument, InvestorKind, Stage};
use crate::domain::text;
use crate::error::{AppError, FieldChecks};
use crate::services::investors::{
    self as api, Investor, InvestorUpdate, Mandate, Ticket, save_mandate, update_profile,
};
use crate::services::reference::rated_currencies;
use crate::state::AppState;
use crate::web::PageResult;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/mandate", web::get().to(form))
        .route("/mandate", web::post().to(save));
}

/// A choice in a list of checkboxes or options: code, label and whether it is chosen.
type Choice = (String, String, bool);

#[derive(Template)]
#[template(path = "pages/mandate.html")]
struct MandatePage {
    page: Page,
    problems: Problems,
    /// The profile's one-line fields: name, label and value.
    profile: Vec<(&'static str, String, String)>,
    description: String,
    kinds: Vec<Choice>,
    /// The ISIC tree with the chosen sectors ticked, and the codes given it has no box for.
    sectors: SectorTree,
    excluded_sectors: SectorTree,
    countries: Vec<Choice>,
    dimensions: Vec<Choice>,
    elements: Vec<Choice>,
    provinces: Vec<Choice>,
    regions: Vec<RegionGroup>,
    ikn_related: bool,
    ticket_min: String,
    ticket_max: String,
    currencies: Vec<Choice>,
    stages: Vec<Choice>,
    instruments: Vec<Choice>,
    thesis: String,
    discoverable: bool,
}

/// The profile's one-line fields with their labels.
const PROFILE: [(&str, &str); 6] = [
    ("name", "mandate.name"),
    ("country", "mandate.country"),
    ("website", "mandate.website"),
    ("contact_name", "mandate.contact_name"),
    ("contact_email", "mandate.contact_email"),
    ("contact_phone", "mandate.contact_phone"),
];

/// The form's fields as the profile and mandate rules name them, in the page's order.
const FIELDS: [Field; 20] = [
    Field::new("name", "name", "mandate.name", "forms.organisation_name").at_most(text::NAME),
    Field::new(
        "country",
        "country",
        "mandate.country",
        "forms.country_choice",
    ),
    Field::new("website", "website", "mandate.website", "forms.website"),
    Field::new(
        "contact_name",
        "contact_name",
        "mandate.contact_name",
        "forms.person_name",
    )
    .at_most(text::PERSON_NAME),
    Field::new(
        "contact_email",
        "contact_email",
        "mandate.contact_email",
        "forms.email",
    ),
    Field::new(
        "contact_phone",
        "contact_phone",
        "mandate.contact_phone",
        "forms.phone",
    ),
    Field::new("kind", "kind", "mandate.kind", "forms.choice"),
    Field::new(
        "description",
        "description",
        "mandate.description",
        "forms.long_text",
    )
    .at_most(text::LONG_TEXT),
    Field::new(
        "sectors",
        "other_sectors",
        "mandate.sectors",
        "forms.sector_codes",
    ),
    Field::new(
        "excluded_sectors",
        "excluded_sectors",
        "mandate.excluded_codes",
        "forms.sector_codes",
    ),
    Field::new(
        "dimensions",
        "dimensions",
        "mandate.dimensions",
        "forms.choice",
    ),
    Field::new("elements", "elements", "mandate.elements", "forms.choice"),
    Field::new("ticket", "ticket", "mandate.ticket", "forms.ticket"),
    Field::new(
        "ticket.min",
        "ticket_min",
        "mandate.ticket_min",
        "forms.amount",
    ),
    Field::new(
        "ticket.max",
        "ticket_max",
        "mandate.ticket_max",
        "forms.amount",
    ),
    Field::new(
        "provinces",
        "provinces",
        "mandate.provinces",
        "forms.choice",
    ),
    Field::new(
        "regions",
        "regions",
        "mandate.regions",
        "forms.region_codes",
    ),
    Field::new("stages", "stages", "mandate.stages", "forms.choice"),
    Field::new(
        "instruments",
        "instruments",
        "mandate.instruments",
        "forms.choice",
    ),
    Field::new("thesis", "thesis", "mandate.thesis", "forms.long_text").at_most(text::LONG_TEXT),
];

fn choices<'a>(
    items: impl Iterator<Item = (String, String)> + 'a,
    chosen: &'a [String],
) -> impl Iterator<Item = Choice> + 'a {
    items.map(move |(code, label)| {
        let on = chosen.contains(&code);
        (code, label, on)
    })
}

/// The sectors the form gives: ticked in the tree or typed as codes, each once.
fn chosen_sectors(typed: &Typed) -> Vec<String> {
    let mut sectors = typed.codes("sectors");
    for code in typed.codes("other_sectors") {
        if !sectors.contains(&code) {
            sectors.push(code);
        }
    }
    sectors
}

fn form_page(
    page: Page,
    state: &AppState,
    typed: &Typed,
    problems: Problems,
    rated: &[String],
) -> MandatePage {
    let lang = page.lang;
    let catalogue = &state.catalogue;
    let mut provinces: Vec<(String, String)> = catalogue
        .regions()
        .filter(|(_, r)| r.kind == "province")
        .map(|(code, r)| (code.clone(), r.name.clone()))
        .collect();
    provinces.sort_by(|a, b| a.1.cmp(&b.1));
    let dimensions = catalogue
        .dimension_rows()
        .map(|d| (d.code.clone(), lang.pick(&d.name_id, &d.name_en).to_owned()));
    let elements = catalogue.dimension_rows().flat_map(|d| {
        catalogue.elements_of(&d.code).map(move |e| {
            let name = lang.pick(&e.name_id, &e.name_en);
            (e.code.clone(), format!("{} · {name}", e.code))
        })
    });
    let labelled = |code: String, prefix: &str| {
        let label = page.t(&format!("{prefix}.{code}"));
        (code, label)
    };
    let kind = typed.one("kind");
    MandatePage {
        problems,
        profile: PROFILE
            .iter()
            .map(|(name, label)| (*name, page.t(label), typed.one(name)))
            .collect(),
        description: typed.one("description"),
        kinds: InvestorKind::iter()
            .map(|k| {
                let (code, label) = labelled(k.as_ref().to_owned(), "kind");
                let on = code == kind;
                (code, label, on)
            })
            .collect(),
        sectors: sector_tree(lang, catalogue, &chosen_sectors(typed)),
        excluded_sectors: sector_tree(lang, catalogue, &typed.codes("excluded_sectors")),
        countries: country_choices(lang, &typed.one("country")),
        dimensions: choices(dimensions, &typed.all("dimensions")).collect(),
        elements: choices(elements, &typed.all("elements")).collect(),
        provinces: choices(provinces.into_iter(), &typed.all("provinces")).collect(),
        regions: region_groups(catalogue, &typed.codes("regions")),
        ikn_related: !typed.one("ikn_related").is_empty(),
        ticket_min: typed.one("ticket_min"),
        ticket_max: typed.one("ticket_max"),
        currencies: currency_choices(rated, &typed.one("currency")),
        stages: choices(
            Stage::iter().map(|s| labelled(s.as_ref().to_owned(), "stage")),
            &typed.all("stages"),
        )
        .collect(),
        instruments: choices(
            Instrument::iter().map(|i| labelled(i.as_ref().to_owned(), "instrument")),
            &typed.all("instruments"),
        )
        .collect(),
        thesis: typed.one("thesis"),
        discoverable: !typed.one("discoverable").is_empty(),
        page,
    }
}

/// The form of the stored profile and mandate (an investor without a mandate starts from the
/// defaults: quoted in US dollars, discoverable by regions).
fn typed_of(investor: &Investor) -> Typed {
    let contact = investor.contact.as_ref();
    let mut values: Vec<(&str, String)> = vec![
        ("name", investor.name.clone()),
        ("kind", investor.kind.clone()),
        ("country", investor.country.clone()),
        ("website", investor.website.clone().unwrap_or_default()),
        ("description", investor.description.clone()),
        (
            "contact_name",
            contact.and_then(|c| c.name.clone()).unwrap_or_default(),
        ),
        (
            "contact_email",
            contact.and_then(|c| c.email.clone()).unwrap_or_default(),
        ),
        (
            "contact_phone",
            contact.and_then(|c| c.phone.clone()).unwrap_or_default(),
        ),
    ];
    match &investor.mandate {
        None => {
            values.push(("currency", "USD".into()));
            values.push(("discoverable", "on".into()));
        }
        Some(m) => {
            values.extend(m.sectors.iter().map(|c| ("sectors", c.clone())));
            values.extend(
                m.excluded_sectors
                    .iter()
                    .map(|c| ("excluded_sectors", c.clone())),
            );
            values.extend(m.dimensions.iter().map(|c| ("dimensions", c.clone())));
            values.extend(m.elements.iter().map(|c| ("elements", c.clone())));
            values.extend(m.provinces.iter().map(|c| ("provinces", c.clone())));
            values.extend(m.regions.iter().map(|c| ("regions", c.clone())));
            if m.ikn_related {
                values.push(("ikn_related", "on".into()));
            }
            if let Some(ticket) = &m.ticket {
                values.push(("ticket_min", ticket.min.clone()));
                values.push(("ticket_max", ticket.max.clone()));
                values.push(("currency", ticket.currency.clone()));
            } else {
                values.push(("currency", "USD".into()));
            }
            values.extend(m.stages.iter().map(|s| ("stages", s.as_ref().to_owned())));
            values.extend(
                m.instruments
                    .iter()
                    .map(|i| ("instruments", i.as_ref().to_owned())),
            );
            values.push(("thesis", m.thesis.clone()));
            if m.discoverable {
                values.push(("discoverable", "on".into()));
            }
        }
    }
    Typed::of(values.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// The id of the investing organisation `user` belongs to.
fn organisation_of(user: &AuthenticatedUser) -> Result<String, AppError> {
    user.investor_id
        .clone()
        .ok_or_else(|| AppError::not_found("investor"))
}

/// The profile and mandate form, filled with what is stored.
async fn form(
    Signed { user, page, .. }: Signed<Investors>,
    state: web::Data<AppState>,
) -> PageResult {
    let id = organisation_of(&user)?;
    let stored = state
        .db
        .run(move |conn| {
            let stored = api::load_visible(conn, &user, &id)?;
            Ok::<_, AppError>((stored, rated_currencies(conn)?))
        })
        .await?;
    let (stored, rated) = stored;
    let typed = typed_of(&stored);
    Ok(html(
        StatusCode::OK,
        form_page(page, &state, &typed, Problems::default(), &rated).render(),
    ))
}

/// The profile changes the form asks for; every field is given, and an empty optional one
/// clears it. A kind the form does not offer is a problem, and the kind stays as stored.
fn profile_update(typed: &Typed, checks: &mut FieldChecks) -> InvestorUpdate {
    let kind = InvestorKind::from_str(&typed.one("kind"))
        .map_err(|_| AppError::validation("kind", "is not a kind of organisation"));
    let clearable = |name: &str| Some(Some(typed.one(name)));
    InvestorUpdate {
        name: Some(typed.one("name")),
        kind: checks.take(kind),
        country: Some(typed.one("country")),
        website: clearable("website"),
        description: Some(typed.one("description")),
        contact_name: clearable("contact_name"),
        contact_email: clearable("contact_email"),
        contact_phone: clearable("contact_phone"),
    }
}

/// Every value of a list field as one of the known words; one that is not is a problem
/// naming the field.
fn known<T: FromStr>(typed: &Typed, field: &str, checks: &mut FieldChecks) -> Vec<T> {
    let mut words = Vec::new();
    for v in typed.all(field) {
        match T::from_str(&v) {
            Ok(word) => words.push(word),
            Err(_) => checks.add(field, format!("`{v}` is not a known choice")),
        }
    }
    words
}

/// The mandate the form describes; a ticket size needs a smallest or largest amount.
fn mandate_of(typed: &Typed, checks: &mut FieldChecks) -> Mandate {
    let (min, max) = (typed.amount("ticket_min"), typed.amount("ticket_max"));
    let ticket = (!min.is_empty() || !max.is_empty()).then(|| Ticket {
        min,
        max,
        currency: typed.one("currency").to_uppercase(),
    });
    Mandate {
        sectors: chosen_sectors(typed),
        excluded_sectors: typed.codes("excluded_sectors"),
        dimensions: typed.all("dimensions"),
        elements: typed.all("elements"),
        regions: typed.codes("regions"),
        provinces: typed.all("provinces"),
        ikn_related: !typed.one("ikn_related").is_empty(),
        ticket,
        stages: known(typed, "stages", checks),
        instruments: known(typed, "instruments", checks),
        thesis: typed.one("thesis"),
        discoverable: !typed.one("discoverable").is_empty(),
    }
}

/// Saves the profile and the mandate together with the API's rules, then shows the recomputed
/// matches; a form with problems comes back with every problem, the input kept and nothing
/// saved.
async fn save(
    Signed { user, page, .. }: Signed<Investors>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let id = organisation_of(&user)?;
    let typed = Typed::parse(&body);
    let mut checks = FieldChecks::new();
    let update = profile_update(&typed, &mut checks);
    let changes = checks.take(update.to_changes());
    let mandate = mandate_of(&typed, &mut checks);
    let row = checks.take(mandate.to_row(&state.catalogue, &id));
    let (changes, row) = match checks.finish(changes.zip(row)) {
        Ok(checked) => checked,
        Err(AppError::Validation { fields, .. }) => {
            let problems = Problems::of(page.lang, &FIELDS, fields.keys());
            let rated = state.db.run(rated_currencies).await?;
            return Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                form_page(page, &state, &typed, problems, &rated).render(),
            ));
        }
        Err(e) => return Err(e),
    };
    let stored = state
        .db
        .write(move |conn| {
            update_profile(conn, &user, &id, &changes)?;
            save_mandate(conn, &user, &id, &row)
        })
        .await;
    stored?;
    Ok(see_other("/dashboard").finish())
}
