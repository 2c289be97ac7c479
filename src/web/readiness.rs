//! The officials' form for a project's readiness card and location: the same rules as
//! `PATCH /projects/{id}` with `readiness` and `location`.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use strum::IntoEnumIterator;

use super::form::{Field, Problems, Typed};
use super::session::{Officials, Signed};
use super::{Page, PageResult, html, localized, see_other};
use crate::domain::Localized;
use crate::domain::project::{Incentive, LandStatus, PermitKind, PermitStatus, RiskLevel};
use crate::domain::text;
use crate::error::AppError;
use crate::services::projects::{
    self as projects, Location, Permit, Project, ProjectContact, ProjectUpdate, Readiness,
};
use crate::state::AppState;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/my-projects/{id}/readiness", web::get().to(form))
        .route("/my-projects/{id}/readiness", web::post().to(save));
}

/// The readiness form's fields as the project rules name them.
const FIELDS: [Field; 11] = [
    Field::new(
        "readiness.expected_irr_pct",
        "expected_irr_pct",
        "project.expected_irr",
        "forms.readiness_irr",
    ),
    Field::new(
        "readiness.payback_years",
        "payback_years",
        "project.payback",
        "forms.readiness_payback",
    ),
    Field::new(
        "readiness.land_note",
        "land_note",
        "forms.readiness_land_note",
        "forms.long_text",
    )
    .at_most(text::SHORT_TEXT),
    Field::new(
        "readiness.permits",
        "permits",
        "project.permits",
        "forms.readiness_reference",
    )
    .at_most(text::NAME),
    Field::new(
        "readiness.permit_note",
        "permit_note",
        "forms.readiness_permit_note",
        "forms.long_text",
    )
    .at_most(text::SHORT_TEXT),
    Field::new(
        "readiness.contact.name",
        "contact_name",
        "forms.readiness_contact_name",
        "forms.person_name",
    )
    .at_most(text::PERSON_NAME),
    Field::new(
        "readiness.contact.role",
        "contact_role",
        "forms.readiness_contact_role",
        "forms.person_name",
    )
    .at_most(text::NAME),
    Field::new(
        "readiness.contact.email",
        "contact_email",
        "forms.readiness_contact_email",
        "forms.email",
    ),
    Field::new(
        "readiness.contact.phone",
        "contact_phone",
        "forms.readiness_contact_phone",
        "forms.phone",
    ),
    Field::new(
        "readiness",
        "readiness",
        "project.readiness",
        "forms.choice",
    ),
    Field::new(
        "location",
        "location",
        "project.location",
        "forms.readiness_location",
    ),
];

/// A choice of a select: code, label, chosen.
type Choice = (String, String, bool);

/// One permit's row of the form.
struct PermitRow {
    kind: String,
    label: String,
    /// The statuses, with "not needed" first.
    statuses: Vec<Choice>,
    reference: String,
}

#[derive(Template)]
#[template(path = "pages/readiness_form.html")]
struct ReadinessForm {
    page: Page,
    id: String,
    title: String,
    problems: Problems,
    typed: Typed,
    risk_levels: Vec<Choice>,
    land_statuses: Vec<Choice>,
    permits: Vec<PermitRow>,
    incentives: Vec<Choice>,
}

/// The choices of a vocabulary, the typed one chosen, after an empty "not given".
fn choices<V: IntoEnumIterator + AsRef<str>>(page: &Page, group: &str, typed: &str) -> Vec<Choice> {
    std::iter::once((
        String::new(),
        page.t("forms.readiness_none"),
        typed.is_empty(),
    ))
    .chain(V::iter().map(|v| {
        let code = v.as_ref().to_owned();
        let label = page.t(&format!("{group}.{code}"));
        let chosen = code == typed;
        (code, label, chosen)
    }))
    .collect()
}

fn form_page(page: Page, project: &Project, typed: Typed, problems: Problems) -> ReadinessForm {
    let chosen_incentives = typed.all("incentives");
    ReadinessForm {
        id: project.id.clone(),
        title: localized(page.lang, &project.title),
        risk_levels: choices::<RiskLevel>(&page, "risk", &typed.one("risk_level")),
        land_statuses: choices::<LandStatus>(&page, "land", &typed.one("land_status")),
        permits: PermitKind::iter()
            .map(|kind| {
                let code = kind.as_ref();
                PermitRow {
                    kind: code.to_owned(),
                    label: page.t(&format!("permit.{code}")),
                    statuses: choices::<PermitStatus>(
                        &page,
                        "permit_status",
                        &typed.one(&format!("permit_{code}")),
                    ),
                    reference: typed.one(&format!("permit_{code}_reference")),
                }
            })
            .collect(),
        incentives: Incentive::iter()
            .map(|i| {
                let code = i.as_ref().to_owned();
                let label = page.t(&format!("incentive.{code}"));
                let checked = chosen_incentives.contains(&code);
                (code, label, checked)
            })
            .collect(),
        problems,
        typed,
        page,
    }
}

/// The form of a stored project, as the page first shows it.
fn typed_of(lang: crate::web::i18n::Lang, project: &Project) -> Typed {
    let card = project.readiness.clone().unwrap_or_default();
    // No digit grouping: the form reads a point or a comma as the decimal mark.
    let number = |x: Option<f64>| {
        x.map(|x| {
            lang.pick(&x.to_string().replace('.', ","), &x.to_string())
                .to_owned()
        })
        .unwrap_or_default()
    };
    let code = |c: Option<&str>| c.unwrap_or_default().to_owned();
    let mut values = vec![
        ("expected_irr_pct".to_owned(), number(card.expected_irr_pct)),
        ("payback_years".to_owned(), number(card.payback_years)),
        (
            "risk_level".to_owned(),
            code(card.risk_level.as_ref().map(AsRef::as_ref)),
        ),
        (
            "land_status".to_owned(),
            code(card.land_status.as_ref().map(AsRef::as_ref)),
        ),
    ];
    for (name, note) in [
        ("land_note", &card.land_note),
        ("permit_note", &card.permit_note),
    ] {
        let note = note.clone().unwrap_or_default();
        values.push((format!("{name}_id"), note.id));
        values.push((format!("{name}_en"), note.en));
    }
    for permit in &card.permits {
        let kind = permit.kind.as_ref();
        values.push((format!("permit_{kind}"), permit.status.as_ref().to_owned()));
        values.push((
            format!("permit_{kind}_reference"),
            permit.reference.clone().unwrap_or_default(),
        ));
    }
    values.extend(
        card.incentives
            .iter()
            .map(|i| ("incentives".to_owned(), i.as_ref().to_owned())),
    );
    if let Some(contact) = card.contact {
        values.push(("contact_name".to_owned(), contact.name));
        values.push(("contact_role".to_owned(), contact.role.unwrap_or_default()));
        values.push(("contact_email".to_owned(), contact.email));
        values.push((
            "contact_phone".to_owned(),
            contact.phone.unwrap_or_default(),
        ));
    }
    if let Some(location) = project.location {
        values.push(("lat".to_owned(), location.lat.to_string()));
        values.push(("lng".to_owned(), location.lng.to_string()));
    }
    Typed::of(values)
}

/// Reads the typed form, noting the rules of the fields that cannot be read.
struct Reading<'a> {
    typed: &'a Typed,
    unreadable: Vec<&'static str>,
}

impl Reading<'_> {
    /// A number as people type it, with a decimal point or comma; blank is none.
    fn number(&mut self, name: &str, rule: &'static str) -> Option<f64> {
        let text = self.typed.one(name).replace(',', ".");
        if text.is_empty() {
            return None;
        }
        let number = text.parse::<f64>().ok().filter(|x| x.is_finite());
        if number.is_none() {
            self.unreadable.push(rule);
        }
        number
    }

    /// A choice of a vocabulary; blank is none.
    fn choice<V: std::str::FromStr>(&mut self, value: &str) -> Option<V> {
        if value.is_empty() {
            return None;
        }
        let chosen = value.parse().ok();
        if chosen.is_none() {
            self.unreadable.push("readiness");
        }
        chosen
    }

    fn optional(&self, name: &str) -> Option<String> {
        Some(self.typed.one(name)).filter(|v| !v.is_empty())
    }

    fn note(&self, name: &str) -> Option<Localized> {
        Some(Localized {
            id: self.typed.one(&format!("{name}_id")),
            en: self.typed.one(&format!("{name}_en")),
        })
    }
}

/// The card and location the form describes, or the rules of the fields that cannot be read.
fn described(typed: &Typed) -> Result<(Readiness, Option<Location>), Vec<&'static str>> {
    let mut reading = Reading {
        typed,
        unreadable: Vec::new(),
    };
    let expected_irr_pct = reading.number("expected_irr_pct", "readiness.expected_irr_pct");
    let payback_years = reading.number("payback_years", "readiness.payback_years");
    let location = match (
        reading.number("lat", "location"),
        reading.number("lng", "location"),
    ) {
        (Some(lat), Some(lng)) => Some(Location { lat, lng }),
        (None, None) => None,
        _ => {
            reading.unreadable.push("location");
            None
        }
    };
    let mut permits = Vec::new();
    for kind in PermitKind::iter() {
        let code = kind.as_ref();
        if let Some(status) = reading.choice(&typed.one(&format!("permit_{code}"))) {
            permits.push(Permit {
                kind,
                status,
                reference: reading.optional(&format!("permit_{code}_reference")),
            });
        }
    }
    let incentives = typed
        .all("incentives")
        .iter()
        .filter_map(|i| reading.choice(i))
        .collect();
    let contact_fields = [
        "contact_name",
        "contact_role",
        "contact_email",
        "contact_phone",
    ];
    let contact = contact_fields
        .iter()
        .any(|name| !typed.one(name).is_empty())
        .then(|| ProjectContact {
            name: typed.one("contact_name"),
            role: reading.optional("contact_role"),
            email: typed.one("contact_email"),
            phone: reading.optional("contact_phone"),
        });
    let readiness = Readiness {
        expected_irr_pct,
        payback_years,
        risk_level: reading.choice(&typed.one("risk_level")),
        land_status: reading.choice(&typed.one("land_status")),
        land_note: reading.note("land_note"),
        permits,
        permit_note: reading.note("permit_note"),
        incentives,
        contact,
    };
    if reading.unreadable.is_empty() {
        Ok((readiness, location))
    } else {
        Err(reading.unreadable)
    }
}

/// The readiness form of a draft of the official's region, filled with what is stored.
async fn form(
    Signed { user, page, .. }: Signed<Officials>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> PageResult {
    let id = id.into_inner();
    let catalogue = state.catalogue.clone();
    let project = state
        .db
        .run(move |conn| projects::load_editable(conn, &catalogue, &user, &id))
        .await?;
    let typed = typed_of(page.lang, &project);
    Ok(html(
        StatusCode::OK,
        form_page(page, &project, typed, Problems::default()).render(),
    ))
}

/// Saves the card and the location; a form with problems comes back with the input kept.
async fn save(
    Signed { user, page, .. }: Signed<Officials>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let id = id.into_inner();
    let typed = Typed::parse(&body);
    let catalogue = state.catalogue.clone();
    let (editor, project_id) = (user.clone(), id.clone());
    let current = state
        .db
        .run(move |conn| projects::load_editable(conn, &catalogue, &editor, &project_id))
        .await?;
    let (readiness, location) = match described(&typed) {
        Ok(card) => card,
        Err(rules) => {
            let problems = Problems::of(page.lang, &FIELDS, rules);
            return Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                form_page(page, &current, typed, problems).render(),
            ));
        }
    };
    let change = ProjectUpdate {
        readiness: Some(readiness),
        location: Some(location),
        ..ProjectUpdate::default()
    };
    let catalogue = state.catalogue.clone();
    let saved = state
        .db
        .write(move |conn| projects::update(conn, &catalogue, &user, &id, change))
        .await;
    match saved {
        Ok(project) => Ok(see_other(&format!("/my-projects/{}#readiness", project.id)).finish()),
        Err(AppError::Validation { fields, .. }) => {
            let problems = Problems::of(page.lang, &FIELDS, fields.keys());
            Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                form_page(page, &current, typed, problems).render(),
            ))
        }
        Err(e) => Err(e),
    }
}
