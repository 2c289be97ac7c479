//! The regions' public pages (the list by province and each region's profile with its published
//! projects) and the editor of a region's profile, for its officials and programme staff.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use askama::Template;

use super::form::Typed;
use super::i18n::Lang;
use super::map::{Tally, projects_count, province_name, published_by_region};
use super::session::{Everyone, Officials, Signed, Visitor};
use super::{Card, Page, charts, html, see_other};
use crate::auth::{AuthenticatedUser, policy};
use crate::domain::Localized;
use crate::error::AppError;
use crate::services::projects::{ProjectQuery, Search};
use crate::services::regions::{
    ProfileInput, RegionContact, RegionDetail, RegionDocument, load_region, profiled_regions,
    save_profile,
};
use crate::state::AppState;
use crate::web::PageResult;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/regions", web::get().to(list))
        .route("/regions/{code}", web::get().to(region))
        .route("/regions/{code}/edit", web::get().to(region_edit_form))
        .route("/regions/{code}/edit", web::post().to(region_edit_save))
        .route("/my-region", web::get().to(my_region_form))
        .route("/my-region", web::post().to(my_region_save));
}

/// A region in the list.
struct Listed {
    code: String,
    name: String,
    projects: String,
    profile: bool,
}

/// A province's regions in the list.
struct Province {
    name: String,
    projects: String,
    regions: Vec<Listed>,
}

#[derive(Template)]
#[template(path = "pages/regions.html")]
struct Regions {
    page: Page,
    provinces: Vec<Province>,
}

/// The regions that have published projects or a profile, by province (public).
async fn list(req: HttpRequest, visitor: Visitor, state: web::Data<AppState>) -> PageResult {
    let page = Page::new(&req, &visitor);
    let lang = page.lang;
    let tallies = published_by_region(&state, None).await?;
    let profiled = state.db.run(profiled_regions).await?;
    let catalogue = &state.catalogue;
    let mut codes: Vec<&String> = tallies.keys().chain(profiled.iter()).collect();
    codes.sort();
    codes.dedup();
    // Province code → its listed regions and their projects, in Kemendagri order.
    let mut by_province: BTreeMap<String, (usize, Vec<Listed>)> = BTreeMap::new();
    for code in codes {
        let Some(region) = catalogue.region(code) else {
            continue;
        };
        let count = tallies.get(code).map_or(0, |t: &Tally| t.projects);
        let entry = by_province.entry(region.province_code.clone()).or_default();
        entry.0 += count;
        entry.1.push(Listed {
            code: code.clone(),
            name: region.name.clone(),
            projects: projects_count(lang, count),
            profile: profiled.contains(code),
        });
    }
    let provinces = by_province
        .into_iter()
        .map(|(code, (count, regions))| Province {
            name: province_name(catalogue, &code),
            projects: projects_count(lang, count),
            regions,
        })
        .collect();
    Ok(html(StatusCode::OK, Regions { page, provinces }.render()))
}

/// A dimension's maturity as the profile records it.
struct Maturity {
    name: String,
    level: Option<u8>,
}

#[derive(Template)]
#[template(path = "pages/region.html")]
struct RegionPage {
    page: Page,
    code: String,
    name: String,
    kind: String,
    province: String,
    ikn: bool,
    /// The region drawn inside its province (SVG built with its text escaped).
    outline: Option<String>,
    has_profile: bool,
    /// Whether the viewer may edit the profile (staff, or the region's official).
    may_edit: bool,
    summary: String,
    incentives: String,
    /// ISIC code and title.
    sectors: Vec<(String, String)>,
    maturity: Vec<Maturity>,
    contacts: Vec<RegionContact>,
    documents: Vec<RegionDocument>,
    updated: String,
    chart: String,
    /// Dimension name and the number of published projects in it.
    dimensions: Vec<(String, usize)>,
    projects: Vec<Card>,
}

/// A region's profile and its published projects (public); the 404 page for an unknown code.
async fn region(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> PageResult {
    let page = Page::new(&req, &visitor);
    let lang = page.lang;
    let code = code.into_inner();
    let detail = load_region(&state, code.clone()).await?;
    let catalogue = state.catalogue.clone();
    let query = ProjectQuery {
        region: Some(code.clone()),
        ..ProjectQuery::default()
    };
    let found = state
        .db
        .run(move |conn| {
            let search = Search::from_query(&catalogue, None, &query)?;
            Ok(search.run(conn, &catalogue, None, 0, 1000)?.0)
        })
        .await;
    let projects = found?;
    let catalogue = &state.catalogue;
    let dimensions: Vec<(String, usize)> = catalogue
        .dimension_rows()
        .map(|d| {
            let count = projects
                .iter()
                .filter(|p| p.dimensions.contains(&d.code))
                .count();
            (lang.pick(&d.name_id, &d.name_en).to_owned(), count)
        })
        .collect();
    let chart = charts::bar_chart(&dimensions, &page.t("region_page.by_dimension"));
    let RegionDetail {
        region, profile, ..
    } = detail;
    let content = profile.as_ref().map(|p| &p.content);
    let text = |pick: fn(&ProfileInput) -> Option<&Localized>| {
        content
            .and_then(pick)
            .map(|t| lang.pick(&t.id, &t.en).trim().to_owned())
            .unwrap_or_default()
    };
    let body = RegionPage {
        outline: super::locator::region_map(lang, catalogue, &code),
        kind: page.t(&format!("regions.kind_{}", region.kind)),
        province: province_name(catalogue, &region.province_code),
        ikn: region.ikn_relation.is_some(),
        has_profile: profile.is_some(),
        may_edit: visitor
            .0
            .as_ref()
            .is_some_and(|user| policy::may_edit_region(user, &region.code).is_ok()),
        summary: text(|c| Some(&c.summary)),
        incentives: text(|c| c.incentives.as_ref()),
        sectors: content
            .map(|c| {
                c.leading_sectors
                    .iter()
                    .map(|s| {
                        let title = super::sector_title(lang, catalogue, s);
                        (s.clone(), title.unwrap_or_default())
                    })
                    .collect()
            })
            .unwrap_or_default(),
        maturity: catalogue
            .dimension_rows()
            .map(|d| Maturity {
                name: lang.pick(&d.name_id, &d.name_en).to_owned(),
                level: content.and_then(|c| c.maturity.get(&d.code).copied()),
            })
            .collect(),
        contacts: content.map(|c| c.contacts.clone()).unwrap_or_default(),
        documents: content.map(|c| c.documents.clone()).unwrap_or_default(),
        updated: profile
            .as_ref()
            .map(|p| p.updated_at.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        chart,
        dimensions,
        projects: projects.iter().map(|p| Card::of(lang, p)).collect(),
        code: region.code,
        name: region.name,
        page,
    }
    .render();
    Ok(html(StatusCode::OK, body))
}

/// A contact row of the editor.
struct ContactRow {
    name: String,
    position: String,
    email: String,
    phone: String,
    problem: Option<String>,
}

/// A document row of the editor.
struct DocumentRow {
    title: String,
    url: String,
    problem: Option<String>,
}

/// A dimension's maturity choice in the editor.
struct MaturityChoice {
    code: String,
    name: String,
    /// The level chosen, 0 for "not stated".
    level: u8,
    problem: Option<String>,
}

/// A problem with the input, in the viewer's language.
struct Problem {
    /// The field as the profile check names it: `summary`, `contacts[0].email`, ….
    field: String,
    /// Which field, as the person sees it.
    label: String,
    message: String,
}

impl Problem {
    /// The problem's message when it is about `field` or a part of it.
    fn about(problem: Option<&Problem>, field: &str) -> Option<String> {
        problem
            .filter(|p| {
                p.field == field
                    || p.field.starts_with(&format!("{field}."))
                    || p.field.starts_with(&format!("{field}["))
            })
            .map(|p| p.message.clone())
    }
}

/// What the profile check refused, said in the viewer's language; a field the page does not
/// know gets the general request to check the form.
fn problem_of(lang: Lang, field: &str) -> Problem {
    let numbered = |list: &str, key: &str| {
        let rest = field.strip_prefix(list)?.strip_prefix('[')?;
        let (index, part) = rest.split_once(']')?;
        let number = index.parse::<usize>().ok()? + 1;
        let label = rust_i18n::t!(key, locale = lang.code(), number = number).into_owned();
        Some((label, part.trim_start_matches('.').to_owned()))
    };
    let (label, message) =
        if let Some((label, part)) = numbered("contacts", "region_form.contact_n") {
            let key = if part == "email" {
                "region_form.bad_email"
            } else {
                "region_form.bad_name"
            };
            (label, lang.t(key))
        } else if let Some((label, _)) = numbered("documents", "region_form.document_n") {
            (label, lang.t("region_form.bad_url"))
        } else {
            match field.split('.').next().unwrap_or(field) {
                "summary" => (
                    lang.t("region_form.summary"),
                    lang.t("region_form.too_long"),
                ),
                "incentives" => (
                    lang.t("region_form.incentives"),
                    lang.t("region_form.too_long"),
                ),
                "leading_sectors" => (
                    lang.t("region_form.sectors"),
                    lang.t("region_form.bad_sector"),
                ),
                "maturity" => (
                    lang.t("region_form.maturity"),
                    lang.t("region_form.bad_level"),
                ),
                "profile" => (lang.t("region_form.title"), lang.t("region_form.too_many")),
                _ => (lang.t("region_form.title"), lang.t("forms.check")),
            }
        };
    Problem {
        field: field.to_owned(),
        label,
        message,
    }
}

#[derive(Template)]
#[template(path = "pages/region_form.html")]
struct RegionForm {
    page: Page,
    title: String,
    /// Where the form is sent: the address it was shown at.
    action: String,
    code: String,
    name: String,
    problem: Option<Problem>,
    summary_id: String,
    summary_en: String,
    summary_problem: Option<String>,
    incentives_id: String,
    incentives_en: String,
    incentives_problem: Option<String>,
    leading_sectors: String,
    sectors_problem: Option<String>,
    maturity: Vec<MaturityChoice>,
    /// The maturity levels 1 to 5 with their names.
    levels: Vec<(u8, String)>,
    contacts: Vec<ContactRow>,
    documents: Vec<DocumentRow>,
}

/// How many empty contact and document rows the editor offers for new entries.
const SPARE_ROWS: usize = 2;

/// The editor holding `input` (what the profile says, or what was sent), with spare rows to add
/// to, and the problem found in it.
fn editor(
    page: Page,
    state: &AppState,
    editing: &Editing,
    action: &str,
    input: Option<&ProfileInput>,
    problem: Option<Problem>,
) -> RegionForm {
    let lang = page.lang;
    let empty = Localized {
        id: String::new(),
        en: String::new(),
    };
    let summary = input.map_or(&empty, |i| &i.summary);
    let incentives = input.and_then(|i| i.incentives.as_ref()).unwrap_or(&empty);
    let about = |field: &str| Problem::about(problem.as_ref(), field);
    let mut contacts: Vec<ContactRow> = input
        .map(|i| i.contacts.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(n, c)| ContactRow {
            name: c.name.clone(),
            position: c.position.clone(),
            email: c.email.clone().unwrap_or_default(),
            phone: c.phone.clone().unwrap_or_default(),
            problem: about(&format!("contacts[{n}]")),
        })
        .collect();
    let mut documents: Vec<DocumentRow> = input
        .map(|i| i.documents.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(n, d)| DocumentRow {
            title: d.title.clone(),
            url: d.url.clone(),
            problem: about(&format!("documents[{n}]")),
        })
        .collect();
    for _ in 0..SPARE_ROWS {
        contacts.push(ContactRow {
            name: String::new(),
            position: String::new(),
            email: String::new(),
            phone: String::new(),
            problem: None,
        });
        documents.push(DocumentRow {
            title: String::new(),
            url: String::new(),
            problem: None,
        });
    }
    // An official edits "our region"; staff edit a region that is not theirs.
    let title = if editing.user.is_official_of(&editing.code) {
        "region_form.title"
    } else {
        "region_form.title_any"
    };
    RegionForm {
        title: lang.t(title),
        action: action.to_owned(),
        code: editing.code.clone(),
        name: editing.name.clone(),
        summary_id: summary.id.clone(),
        summary_en: summary.en.clone(),
        summary_problem: about("summary"),
        incentives_id: incentives.id.clone(),
        incentives_en: incentives.en.clone(),
        incentives_problem: about("incentives"),
        leading_sectors: input
            .map(|i| i.leading_sectors.join(", "))
            .unwrap_or_default(),
        sectors_problem: about("leading_sectors"),
        maturity: state
            .catalogue
            .dimension_rows()
            .map(|d| MaturityChoice {
                code: d.code.clone(),
                name: lang.pick(&d.name_id, &d.name_en).to_owned(),
                level: input
                    .and_then(|i| i.maturity.get(&d.code).copied())
                    .unwrap_or(0),
                problem: about(&format!("maturity.{}", d.code)),
            })
            .collect(),
        levels: (1..=5)
            .map(|level| (level, lang.t(&format!("region_form.level_{level}"))))
            .collect(),
        contacts,
        documents,
        problem,
        page,
    }
}

/// The profile the editor's fields describe; blank contact and document rows are left out.
fn input_of(state: &AppState, typed: &Typed) -> ProfileInput {
    let localized = |name: &str| Localized {
        id: typed.one(&format!("{name}_id")),
        en: typed.one(&format!("{name}_en")),
    };
    let incentives = localized("incentives");
    let column = |name: &str| -> Vec<String> {
        typed
            .all(name)
            .into_iter()
            .map(|v| v.trim().to_owned())
            .collect()
    };
    let cell = |values: &[String], n: usize| values.get(n).cloned().unwrap_or_default();
    let optional = |text: String| (!text.is_empty()).then_some(text);
    let names = column("contact_name");
    let positions = column("contact_position");
    let emails = column("contact_email");
    let phones = column("contact_phone");
    let contacts = (0..names.len().max(emails.len()))
        .map(|n| RegionContact {
            name: cell(&names, n),
            position: cell(&positions, n),
            email: optional(cell(&emails, n)),
            phone: optional(cell(&phones, n)),
        })
        .filter(|c| {
            !c.name.is_empty() || !c.position.is_empty() || c.email.is_some() || c.phone.is_some()
        })
        .collect();
    let titles = column("document_title");
    let urls = column("document_url");
    let documents = (0..titles.len().max(urls.len()))
        .map(|n| RegionDocument {
            title: cell(&titles, n),
            url: cell(&urls, n),
        })
        .filter(|d| !d.title.is_empty() || !d.url.is_empty())
        .collect();
    ProfileInput {
        summary: localized("summary"),
        leading_sectors: typed
            .one("leading_sectors")
            .split([',', ';', ' '])
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        // A level that is not a small number is sent as 0, which the check refuses.
        maturity: state
            .catalogue
            .dimension_rows()
            .filter_map(|d| {
                let level = typed.one(&format!("maturity_{}", d.code));
                (!level.is_empty()).then(|| (d.code.clone(), level.parse().unwrap_or(0)))
            })
            .collect(),
        contacts,
        incentives: (!incentives.id.is_empty() || !incentives.en.is_empty()).then_some(incentives),
        documents,
    }
}

/// The code of the region an official acts for.
fn region_of(user: &AuthenticatedUser) -> Result<String, AppError> {
    user.region_code
        .clone()
        .ok_or_else(|| AppError::not_found("region"))
}

/// A region's profile as one person edits it.
struct Editing {
    user: AuthenticatedUser,
    code: String,
    name: String,
}

/// Whether `user` may edit `code`'s profile, asked as the API asks it: not found for a region
/// the catalogue does not know, forbidden (with its own catalogue message) for someone the
/// policy refuses (staff edit any region, an official only their own).
fn editing(state: &AppState, user: AuthenticatedUser, code: String) -> Result<Editing, AppError> {
    let region = state
        .catalogue
        .region(&code)
        .ok_or_else(|| AppError::not_found("region"))?;
    if policy::may_edit_region(&user, &code).is_err() {
        return Err(AppError::Forbidden("region_form.not_yours".into()));
    }
    Ok(Editing {
        name: region.name.clone(),
        user,
        code,
    })
}

/// The editor of a region's profile holding what the profile says, for whoever may edit it.
async fn show_editor(
    req: HttpRequest,
    (user, page): (AuthenticatedUser, Page),
    state: web::Data<AppState>,
    code: String,
) -> PageResult {
    let editing = editing(&state, user, code)?;
    let detail = load_region(&state, editing.code.clone()).await?;
    let content = detail.profile.as_ref().map(|p| &p.content);
    Ok(html(
        StatusCode::OK,
        editor(page, &state, &editing, req.path(), content, None).render(),
    ))
}

/// Saves a region's profile through the same check and write as the API, then shows the public
/// page; a form with a problem comes back to where it was sent from with the input kept.
async fn save_editor(
    req: HttpRequest,
    (user, page): (AuthenticatedUser, Page),
    state: web::Data<AppState>,
    code: String,
    body: web::Bytes,
) -> PageResult {
    let editing = editing(&state, user, code)?;
    let input = input_of(&state, &Typed::parse(&body));
    match save_profile(&state, &editing.user, &editing.code, &input).await {
        Ok(()) => Ok(see_other(&format!("/regions/{}", editing.code)).finish()),
        Err(AppError::Validation { fields, .. }) => {
            let problem = fields
                .keys()
                .next()
                .map(|field| problem_of(page.lang, field));
            let form = editor(page, &state, &editing, req.path(), Some(&input), problem);
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, form.render()))
        }
        Err(e) => Err(e),
    }
}

/// The editor of the official's own region's profile.
async fn my_region_form(
    req: HttpRequest,
    Signed { user, page, .. }: Signed<Officials>,
    state: web::Data<AppState>,
) -> PageResult {
    let code = region_of(&user)?;
    show_editor(req, (user, page), state, code).await
}

/// Saves the official's own region's profile; the form names no region, so no other is reached.
async fn my_region_save(
    req: HttpRequest,
    Signed { user, page, .. }: Signed<Officials>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let code = region_of(&user)?;
    save_editor(req, (user, page), state, code, body).await
}

/// The editor of any region's profile, for programme staff (and a region's own officials).
async fn region_edit_form(
    req: HttpRequest,
    Signed { user, page, .. }: Signed<Everyone>,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> PageResult {
    show_editor(req, (user, page), state, code.into_inner()).await
}

/// Saves a region's profile from its editor at `/regions/{code}/edit`.
async fn region_edit_save(
    req: HttpRequest,
    Signed { user, page, .. }: Signed<Everyone>,
    state: web::Data<AppState>,
    code: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    save_editor(req, (user, page), state, code.into_inner(), body).await
}
