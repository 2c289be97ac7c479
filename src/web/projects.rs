//! Officials' projects (list, new draft, submit) and the staff review queue.

use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use strum::IntoEnumIterator;

use super::session::Visitor;
use super::{Page, error_page, html, localized, money_of, see_other};
use crate::api::Localized;
use crate::api::projects::{self as api, ProjectInput, ProjectQuery, Search};
use crate::auth::{AuthenticatedUser, Role};
use crate::domain::MoneyJson;
use crate::domain::project::{Instrument, ProjectStatus, Stage, Transition};
use crate::error::AppError;
use crate::startup::AppState;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/my-projects", web::get().to(my_projects))
        .route("/my-projects/new", web::get().to(new_form))
        .route("/my-projects/new", web::post().to(create))
        .route("/my-projects/{id}/submit", web::post().to(submit))
        .route("/review", web::get().to(review))
        .route("/review/{id}/publish", web::post().to(publish))
        .route(
            "/review/{id}/request-changes",
            web::post().to(request_changes),
        );
}

/// A project row of the officials' list.
struct Row {
    id: String,
    title: String,
    status: String,
    comment: String,
    draft: bool,
}

#[derive(Template)]
#[template(path = "pages/my_projects.html")]
struct MyProjects {
    page: Page,
    rows: Vec<Row>,
}

fn official(visitor: &Visitor) -> Option<AuthenticatedUser> {
    visitor.0.clone().filter(|u| u.role == Role::Official)
}

/// The region's projects in every status, newest first.
async fn my_projects(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
) -> HttpResponse {
    let Some(user) = official(&visitor) else {
        return see_other("/sign-in").finish();
    };
    let page = Page::new(&req, &visitor);
    let catalogue = state.catalogue.clone();
    let found = state
        .db
        .run(move |conn| {
            let mut all = Vec::new();
            for status in ProjectStatus::iter() {
                let query = ProjectQuery {
                    status: Some(status),
                    region: user.region_code.clone(),
                    ..ProjectQuery::default()
                };
                let search = Search::from_query(&catalogue, Some(&user), &query)?;
                all.extend(search.run(conn, &catalogue, Some(&user), 0, 1000)?.0);
            }
            Ok(all)
        })
        .await;
    let mut projects = match found {
        Ok(p) => p,
        Err(e) => return error_page(&req, &e),
    };
    projects.sort_by_key(|p| std::cmp::Reverse(p.created_at));
    let lang = page.lang;
    let rows = projects
        .into_iter()
        .map(|p| Row {
            title: localized(lang, &p.title),
            status: lang.t(&format!("status.{}", p.status.as_ref())),
            comment: p.review_comment.clone().unwrap_or_default(),
            draft: p.status == ProjectStatus::Draft,
            id: p.id,
        })
        .collect();
    html(StatusCode::OK, MyProjects { page, rows }.render())
}

#[derive(Template)]
#[template(path = "pages/project_form.html")]
struct ProjectForm {
    page: Page,
    problems: Vec<(String, String)>,
    /// Field name, label and value.
    texts: Vec<(&'static str, String, String)>,
    areas: Vec<(&'static str, String, String)>,
    dimensions: Vec<(String, String, bool)>,
    /// Code, label and whether it is chosen.
    stages: Vec<(String, String, bool)>,
    instruments: Vec<(String, String, bool)>,
}

/// What a form holds, as typed (repeated names kept in order).
#[derive(Debug, Default, Clone)]
pub(crate) struct Typed {
    values: Vec<(String, String)>,
}

impl Typed {
    pub(crate) fn parse(body: &[u8]) -> Self {
        Typed {
            values: form_urlencoded::parse(body).into_owned().collect(),
        }
    }

    /// The first value of a field, trimmed; empty when absent.
    pub(crate) fn one(&self, name: &str) -> String {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    }

    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.values
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

const TEXTS: [(&str, &str); 5] = [
    ("title_en", "projects.title_en"),
    ("title_id", "projects.title_id"),
    ("sectors", "projects.sectors"),
    ("value", "projects.value"),
    ("currency", "projects.currency"),
];
const AREAS: [(&str, &str); 2] = [
    ("description_en", "projects.description_en"),
    ("description_id", "projects.description_id"),
];

fn form_page(
    page: Page,
    state: &AppState,
    typed: &Typed,
    problems: Vec<(String, String)>,
) -> ProjectForm {
    let lang = page.lang;
    let chosen_dimensions = typed.all("dimensions");
    let chosen_instruments = typed.all("instruments");
    let stage = typed.one("stage");
    ProjectForm {
        problems,
        texts: TEXTS
            .iter()
            .map(|(name, label)| {
                let mut value = typed.one(name);
                if *name == "currency" && value.is_empty() {
                    value = "IDR".into();
                }
                (*name, page.t(label), value)
            })
            .collect(),
        areas: AREAS
            .iter()
            .map(|(name, label)| (*name, page.t(label), typed.one(name)))
            .collect(),
        dimensions: state
            .catalogue
            .dimension_rows()
            .map(|d| {
                let name = lang.pick(&d.name_id, &d.name_en);
                (
                    d.code.clone(),
                    name.to_owned(),
                    chosen_dimensions.contains(&d.code),
                )
            })
            .collect(),
        stages: Stage::iter()
            .map(|s| {
                let code = s.as_ref().to_owned();
                let label = page.t(&format!("stage.{code}"));
                let chosen = code == stage;
                (code, label, chosen)
            })
            .collect(),
        instruments: Instrument::iter()
            .map(|i| {
                let code = i.as_ref().to_owned();
                let label = page.t(&format!("instrument.{code}"));
                let checked = chosen_instruments.contains(&code);
                (code, label, checked)
            })
            .collect(),
        page,
    }
}

async fn new_form(req: HttpRequest, visitor: Visitor, state: web::Data<AppState>) -> HttpResponse {
    if official(&visitor).is_none() {
        return see_other("/sign-in").finish();
    }
    let page = Page::new(&req, &visitor);
    html(
        StatusCode::OK,
        form_page(page, &state, &Typed::default(), Vec::new()).render(),
    )
}

/// Saves a draft of the official's region; a form with problems comes back with the input kept.
async fn create(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(user) = official(&visitor) else {
        return see_other("/sign-in").finish();
    };
    let typed = Typed::parse(&body);
    let stage = Stage::from_str(&typed.one("stage")).unwrap_or(Stage::Idea);
    let instruments = typed
        .all("instruments")
        .iter()
        .filter_map(|i| Instrument::from_str(i).ok())
        .collect();
    let input = ProjectInput {
        region: user.region_code.clone().unwrap_or_default(),
        title: Localized {
            id: typed.one("title_id"),
            en: typed.one("title_en"),
        },
        description: Localized {
            id: typed.one("description_id"),
            en: typed.one("description_en"),
        },
        sectors: typed
            .one("sectors")
            .split([',', ';', ' '])
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        kbli: None,
        dimensions: typed.all("dimensions"),
        elements: Vec::new(),
        stage,
        instruments,
        value: MoneyJson {
            amount: typed.one("value").replace(['.', ','], ""),
            currency: typed.one("currency").to_uppercase(),
        },
        expected_irr_pct: None,
        payback_years: None,
        land_status: None,
        permit_status: None,
        location: None,
    };
    let catalogue = state.catalogue.clone();
    let author = user.id.clone();
    let created = state
        .db
        .write(move |conn| {
            api::create(
                conn,
                &catalogue,
                input,
                &author,
                ProjectStatus::Draft,
                false,
            )
        })
        .await;
    match created {
        Ok(_) => see_other("/my-projects").finish(),
        Err(AppError::Validation { fields, .. }) => {
            let page = Page::new(&req, &visitor);
            let problems = fields.into_iter().collect();
            html(
                StatusCode::UNPROCESSABLE_ENTITY,
                form_page(page, &state, &typed, problems).render(),
            )
        }
        Err(e) => error_page(&req, &e),
    }
}

/// Runs one review step for the signed-in person and goes back to `back`.
async fn step(
    req: &HttpRequest,
    visitor: &Visitor,
    state: &AppState,
    id: String,
    step: Transition,
    comment: Option<String>,
    back: &str,
) -> HttpResponse {
    let Some(user) = visitor.0.clone() else {
        return see_other("/sign-in").finish();
    };
    let catalogue = state.catalogue.clone();
    let done = state
        .db
        .write(move |conn| api::apply_transition(conn, &catalogue, &user, &id, step, comment))
        .await;
    match done {
        Ok(_) => see_other(back).finish(),
        Err(e) => error_page(req, &e),
    }
}

async fn submit(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    step(
        &req,
        &visitor,
        &state,
        id.into_inner(),
        Transition::Submit,
        None,
        "/my-projects",
    )
    .await
}

/// A submitted project as the queue shows it.
struct Submitted {
    id: String,
    title: String,
    region: String,
    value: String,
}

#[derive(Template)]
#[template(path = "pages/review.html")]
struct Review {
    page: Page,
    rows: Vec<Submitted>,
}

/// The projects waiting for review, oldest first (staff).
async fn review(req: HttpRequest, visitor: Visitor, state: web::Data<AppState>) -> HttpResponse {
    let Some(user) = visitor.0.clone().filter(AuthenticatedUser::is_staff) else {
        return see_other("/sign-in").finish();
    };
    let page = Page::new(&req, &visitor);
    let catalogue = state.catalogue.clone();
    let found = state
        .db
        .run(move |conn| {
            let query = ProjectQuery {
                status: Some(ProjectStatus::Submitted),
                ..ProjectQuery::default()
            };
            let search = Search::from_query(&catalogue, Some(&user), &query)?;
            Ok(search.run(conn, &catalogue, Some(&user), 0, 1000)?.0)
        })
        .await;
    let mut projects = match found {
        Ok(p) => p,
        Err(e) => return error_page(&req, &e),
    };
    projects.sort_by_key(|p| p.updated_at);
    let lang = page.lang;
    let rows = projects
        .iter()
        .map(|p| Submitted {
            id: p.id.clone(),
            title: localized(lang, &p.title),
            region: p.region_name.clone(),
            value: money_of(lang, p),
        })
        .collect();
    html(StatusCode::OK, Review { page, rows }.render())
}

async fn publish(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    step(
        &req,
        &visitor,
        &state,
        id.into_inner(),
        Transition::Publish,
        None,
        "/review",
    )
    .await
}

/// A reviewer's comment.
#[derive(Debug, serde::Deserialize)]
struct Comment {
    comment: String,
}

async fn request_changes(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<Comment>,
) -> HttpResponse {
    let comment = Some(form.into_inner().comment);
    step(
        &req,
        &visitor,
        &state,
        id.into_inner(),
        Transition::RequestChanges,
        comment,
        "/review",
    )
    .await
}
