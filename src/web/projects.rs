//! Officials' projects (list, one project with its matched and interested investors, new
//! draft, edit, submit) and the staff review queue.

use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use strum::IntoEnumIterator;

use super::form::{Field, Problems, Typed};
use super::pickers::{SectorTree, currency_choices, sector_tree};
use super::session::{Officials, Signed, Staff};
use super::{
    Page, ReadinessCard, dimension_names, html, localized, money_of, place, sector_names, see_other,
};
use crate::auth::{AuthenticatedUser, policy};
use crate::domain::Localized;
use crate::domain::MoneyJson;
use crate::domain::project::{Instrument, Interest, ProjectStatus, Stage, Transition};
use crate::domain::text;
use crate::error::{AppError, ErrorCode};
use crate::services::conversations;
use crate::services::data_room;
use crate::services::deals::{self, DealQuery};
use crate::services::matches::{InvestorMatch, ranked_investors};
use crate::services::projects::{
    self as projects, Project, ProjectInput, ProjectQuery, ProjectUpdate, Readiness, Search,
};
use crate::services::reference::rated_currencies;
use crate::state::AppState;
use crate::web::PageResult;
use crate::web::deals::DealLine;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/my-projects", web::get().to(my_projects))
        .route("/my-projects/new", web::get().to(new_form))
        .route("/my-projects/new", web::post().to(create))
        .route("/my-projects/{id}", web::get().to(project_page))
        .route("/my-projects/{id}/edit", web::get().to(edit_form))
        .route("/my-projects/{id}/edit", web::post().to(edit))
        .route("/my-projects/{id}/submit", web::post().to(submit))
        .route("/my-projects/{id}/close", web::post().to(close))
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

/// The region's projects in every status, newest first.
async fn my_projects(
    Signed { user, page, .. }: Signed<Officials>,
    state: web::Data<AppState>,
) -> PageResult {
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
    let mut projects = found?;
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
    Ok(html(StatusCode::OK, MyProjects { page, rows }.render()))
}

#[derive(Template)]
#[template(path = "pages/project_form.html")]
struct ProjectForm {
    page: Page,
    heading: String,
    /// Where the form is sent.
    action: String,
    problems: Problems,
    /// The title and the description, each given in both languages.
    bilingual: Vec<Bilingual>,
    /// Field name, label and value.
    texts: Vec<(&'static str, String, String)>,
    /// The ISIC tree with the chosen sectors ticked, and the codes given it has no box for.
    sectors: SectorTree,
    currencies: Vec<(String, String, bool)>,
    dimensions: Vec<(String, String, bool)>,
    /// Code, label and whether it is chosen.
    stages: Vec<(String, String, bool)>,
    instruments: Vec<(String, String, bool)>,
}

/// A text given in both languages: one group of two fields, with one problem between them.
struct Bilingual {
    id: &'static str,
    legend: String,
    multiline: bool,
    /// Field name, label and value of each language.
    fields: Vec<(String, String, String)>,
}

const TEXTS: [(&str, &str); 1] = [("value", "projects.value")];

/// The project form's fields as the project rules name them, in the page's order.
const FIELDS: [Field; 8] = [
    Field::new("title", "title", "forms.label_title", "forms.title").at_most(text::TITLE),
    Field::new(
        "description",
        "description",
        "forms.label_description",
        "forms.description",
    )
    .at_most(text::DESCRIPTION),
    Field::new(
        "sectors",
        "sectors",
        "projects.sectors",
        "forms.project_sectors",
    ),
    Field::new("value", "value", "projects.value", "forms.value"),
    Field::new(
        "currency",
        "currency",
        "projects.currency",
        "forms.currency",
    ),
    Field::new(
        "dimensions",
        "dimensions",
        "projects.dimensions",
        "forms.project_dimensions",
    ),
    Field::new("stage", "stage", "projects.stage", "forms.choice"),
    Field::new(
        "instruments",
        "instruments",
        "projects.instruments",
        "forms.choice",
    ),
];

/// The project form, new or for editing, filled with `typed`.
fn form_page(
    page: Page,
    state: &AppState,
    typed: &Typed,
    problems: Problems,
    action: String,
    rated: &[String],
) -> ProjectForm {
    let lang = page.lang;
    let chosen_dimensions = typed.all("dimensions");
    let chosen_instruments = typed.all("instruments");
    let stage = typed.one("stage");
    let heading = if action.ends_with("/edit") {
        page.t("myproject.edit")
    } else {
        page.t("projects.new")
    };
    let bilingual = |id: &'static str, multiline: bool| Bilingual {
        id,
        legend: page.t(&format!("forms.label_{id}")),
        multiline,
        fields: ["en", "id"]
            .iter()
            .map(|language| {
                let name = format!("{id}_{language}");
                (
                    name.clone(),
                    page.t(&format!("projects.{name}")),
                    typed.one(&name),
                )
            })
            .collect(),
    };
    ProjectForm {
        heading,
        action,
        problems,
        bilingual: vec![bilingual("title", false), bilingual("description", true)],
        texts: TEXTS
            .iter()
            .map(|(name, label)| (*name, page.t(label), typed.one(name)))
            .collect(),
        sectors: sector_tree(lang, &state.catalogue, &typed.codes("sectors")),
        currencies: {
            let currency = typed.one("currency");
            currency_choices(
                rated,
                if currency.is_empty() {
                    "IDR"
                } else {
                    &currency
                },
            )
        },
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

async fn new_form(
    Signed { page, .. }: Signed<Officials>,
    state: web::Data<AppState>,
) -> PageResult {
    let rated = state.db.run(rated_currencies).await?;
    Ok(html(
        StatusCode::OK,
        form_page(
            page,
            &state,
            &Typed::default(),
            Problems::default(),
            "/my-projects/new".into(),
            &rated,
        )
        .render(),
    ))
}

/// The parts of a project that the form describes, read from what was typed.
struct Described {
    title: Localized,
    description: Localized,
    sectors: Vec<String>,
    dimensions: Vec<String>,
    stage: Stage,
    instruments: Vec<Instrument>,
    value: MoneyJson,
}

impl Described {
    fn of(typed: &Typed) -> Self {
        Described {
            title: Localized {
                id: typed.one("title_id"),
                en: typed.one("title_en"),
            },
            description: Localized {
                id: typed.one("description_id"),
                en: typed.one("description_en"),
            },
            sectors: typed.codes("sectors"),
            dimensions: typed.all("dimensions"),
            stage: Stage::from_str(&typed.one("stage")).unwrap_or(Stage::Idea),
            instruments: typed
                .all("instruments")
                .iter()
                .filter_map(|i| Instrument::from_str(i).ok())
                .collect(),
            value: MoneyJson {
                amount: typed.amount("value"),
                currency: typed.one("currency").to_uppercase(),
            },
        }
    }

    /// A new draft of `region` as the form describes it; what the form does not ask is empty.
    fn into_draft(self, region: String) -> ProjectInput {
        ProjectInput {
            region,
            title: self.title,
            description: self.description,
            sectors: self.sectors,
            kbli: None,
            dimensions: self.dimensions,
            elements: Vec::new(),
            stage: self.stage,
            instruments: self.instruments,
            value: self.value,
            readiness: Readiness::default(),
            location: None,
        }
    }

    /// The change an edit makes: what the form describes is replaced, the rest stays as stored.
    fn into_change(self) -> ProjectUpdate {
        ProjectUpdate {
            title: Some(self.title),
            description: Some(self.description),
            sectors: Some(self.sectors),
            dimensions: Some(self.dimensions),
            stage: Some(self.stage),
            instruments: Some(self.instruments),
            value: Some(self.value),
            ..ProjectUpdate::default()
        }
    }
}

/// The form of a stored project, as the edit page first shows it.
fn typed_of(project: &Project) -> Typed {
    let mut values = vec![
        ("title_en", project.title.en.clone()),
        ("title_id", project.title.id.clone()),
        ("description_en", project.description.en.clone()),
        ("description_id", project.description.id.clone()),
        ("value", project.value.amount.clone()),
        ("currency", project.value.currency.clone()),
        ("stage", project.stage.clone()),
    ];
    values.extend(project.sectors.iter().map(|s| ("sectors", s.clone())));
    values.extend(project.dimensions.iter().map(|d| ("dimensions", d.clone())));
    values.extend(
        project
            .instruments
            .iter()
            .map(|i| ("instruments", i.clone())),
    );
    Typed::of(values.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// After saving the form: on to `done`, or the form again with the problems and the input kept.
async fn saved<T>(
    page: Page,
    state: &AppState,
    typed: &Typed,
    action: String,
    outcome: Result<T, AppError>,
    done: &str,
) -> PageResult {
    match outcome {
        Ok(_) => Ok(see_other(done).finish()),
        Err(AppError::Validation { fields, .. }) => {
            let problems = Problems::of(page.lang, &FIELDS, fields.keys());
            let rated = state.db.run(rated_currencies).await?;
            Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                form_page(page, state, typed, problems, action, &rated).render(),
            ))
        }
        Err(e) => Err(e),
    }
}

/// Saves a draft of the official's region; a form with problems comes back with the input kept.
async fn create(
    Signed { user, page, .. }: Signed<Officials>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let typed = Typed::parse(&body);
    let region = user.region_code.clone().unwrap_or_default();
    let input = Described::of(&typed).into_draft(region);
    let catalogue = state.catalogue.clone();
    let created = state
        .db
        .write(move |conn| projects::create_draft(conn, &catalogue, &user, input).map(|p| p.id))
        .await;
    let action = "/my-projects/new".to_owned();
    saved(page, &state, &typed, action, created, "/my-projects").await
}

/// The edit form of a draft of the official's region, filled with the stored project.
async fn edit_form(
    Signed { user, page, .. }: Signed<Officials>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> PageResult {
    let id = id.into_inner();
    let catalogue = state.catalogue.clone();
    let (project, rated) = state
        .db
        .run(move |conn| {
            let project = projects::load_editable(conn, &catalogue, &user, &id)?;
            Ok((project, rated_currencies(conn)?))
        })
        .await?;
    let action = format!("/my-projects/{}/edit", project.id);
    Ok(html(
        StatusCode::OK,
        form_page(
            page,
            &state,
            &typed_of(&project),
            Problems::default(),
            action,
            &rated,
        )
        .render(),
    ))
}

/// Saves the edited draft with the same rules as `PATCH /projects/{id}`; a form with problems
/// comes back with the input kept.
async fn edit(
    Signed { user, page, .. }: Signed<Officials>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let id = id.into_inner();
    let typed = Typed::parse(&body);
    let change = Described::of(&typed).into_change();
    let catalogue = state.catalogue.clone();
    let project = id.clone();
    let updated = state
        .db
        .write(move |conn| projects::update(conn, &catalogue, &user, &project, change))
        .await;
    let action = format!("/my-projects/{id}/edit");
    let done = format!("/my-projects/{id}");
    saved(page, &state, &typed, action, updated, &done).await
}

/// An investor as a project's page shows it.
struct MatchedInvestor {
    id: String,
    name: String,
    country: String,
    kind: String,
    score: i64,
    reasons: Vec<String>,
    /// The investor's answer on the project, in words, if any.
    answer: Option<String>,
}

/// A step of the project's review as the page shows it.
struct Step {
    date: String,
    from: String,
    to: String,
    comment: String,
}

#[derive(Template)]
#[template(path = "pages/project_page.html")]
struct ProjectPage {
    page: Page,
    id: String,
    title: String,
    status: String,
    draft: bool,
    /// Whether the caller may close the project now (the API's rules on role and status).
    closable: bool,
    /// Why the last close was refused, in the page's language.
    refusal: Option<String>,
    comment: String,
    region: String,
    value: String,
    stage: String,
    /// Code and name of each sector.
    sectors: Vec<(String, String)>,
    dimensions: String,
    /// The readiness card as investors see it, when the region has filled it in.
    readiness: Option<ReadinessCard>,
    location: Option<String>,
    /// The locator map (SVG built with its text escaped), when the project has a location.
    location_map: Option<String>,
    history: Vec<Step>,
    /// Why no investor is listed, when none can be.
    note: Option<String>,
    matched: Vec<MatchedInvestor>,
    interested: Vec<MatchedInvestor>,
    /// The project's deals, the most recently moved first.
    deals: Vec<DealLine>,
    /// The investors' questions about the project, the latest first.
    conversations: Vec<super::conversations::Line>,
    /// Whether the project is published, so that its data room can be granted.
    published: bool,
    /// Who opened the data room's documents: date, person, organisation, document.
    openings: Vec<(String, String, String, String)>,
    files: super::files::Panel,
}

/// How many matched investors the project page lists.
const MATCHED_SHOWN: usize = 20;

/// One project of the official's region: its review, the investors matched to it and the ones
/// who said they are interested or must meet it.
async fn project_page(
    official: Signed<Officials>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> PageResult {
    render_project(official, &state, id.into_inner(), None).await
}

/// The project page, with the reason a close was refused (answered 422) if there is one.
async fn render_project(
    Signed { user, page, .. }: Signed<Officials>,
    state: &web::Data<AppState>,
    id: String,
    refusal: Option<String>,
) -> PageResult {
    let closer = user.clone();
    let app = state.clone();
    let found = state
        .db
        .run(move |conn| {
            let (project, _) = projects::load_visible(conn, &app.catalogue, Some(&user), &id)?;
            // Every investor, so that every interested one is found; the region check is the
            // API's, and only a published project has matches.
            let investors = match ranked_investors(conn, &app, &user, &id, usize::MAX) {
                Ok(list) => Some(list),
                Err(AppError::Conflict {
                    code: ErrorCode::ProjectNotPublished,
                    ..
                }) => None,
                Err(e) => return Err(e),
            };
            let query = DealQuery {
                project_id: Some(id.clone()),
                stage: None,
            };
            let deals = deals::list(conn, &app.catalogue, &user, &query)?;
            let openings = data_room::data_room(conn, &user, &id)?.openings;
            let asked = conversations::list(conn, &app, &user, Some(&id))?;
            Ok((project, investors, deals, openings, asked))
        })
        .await;
    let (project, investors, deals, openings, asked) = found?;
    let files = super::files::panel(state, Some(&closer), &project.id, page.lang, true).await?;
    let status = if refusal.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let lang = page.lang;
    let status_word = |status: &str| lang.t(&format!("status.{status}"));
    let shown = |m: &InvestorMatch| MatchedInvestor {
        id: m.investor.id.clone(),
        name: m.investor.name.clone(),
        country: super::pickers::country_name(lang, &m.investor.country),
        kind: lang.t(&format!("kind.{}", m.investor.kind)),
        score: (m.score * 100.0).round() as i64,
        reasons: m
            .reasons
            .iter()
            .map(|r| lang.pick(&r.id, &r.en).to_owned())
            .collect(),
        answer: m
            .feedback
            .map(|f| lang.t(&format!("dashboard.{}", f.as_ref()))),
    };
    let (note, matched, interested) = match &investors {
        None => (
            Some(page.t("myproject.not_published")),
            Vec::new(),
            Vec::new(),
        ),
        Some(list) => (
            list.is_empty().then(|| page.t("myproject.no_matches")),
            list.iter().take(MATCHED_SHOWN).map(shown).collect(),
            list.iter()
                .filter(|m| matches!(m.feedback, Some(Interest::Interested | Interest::MustMeet)))
                .map(shown)
                .collect(),
        ),
    };
    let body = ProjectPage {
        id: project.id.clone(),
        title: localized(lang, &project.title),
        status: status_word(project.status.as_ref()),
        draft: project.status == ProjectStatus::Draft,
        closable: Transition::Close.apply(project.status).is_some()
            && policy::may_transition(&closer, &project.region, Transition::Close).is_ok(),
        comment: project.review_comment.clone().unwrap_or_default(),
        region: format!("{} ({})", project.region_name, project.region),
        value: money_of(lang, &project),
        stage: lang.t(&format!("stage.{}", project.stage)),
        sectors: sector_names(lang, &state.catalogue, &project.sectors),
        dimensions: dimension_names(lang, &state.catalogue, &project.dimensions).join(", "),
        readiness: ReadinessCard::shown(lang, &project),
        location: place(&project),
        location_map: super::locator::location_map(lang, &state.catalogue, &project),
        history: project
            .history
            .iter()
            .flatten()
            .map(|e| Step {
                date: e.at.format("%Y-%m-%d").to_string(),
                from: status_word(&e.from),
                to: status_word(&e.to),
                comment: e.comment.clone().unwrap_or_default(),
            })
            .collect(),
        note,
        matched,
        interested,
        deals: deals.iter().map(|d| DealLine::of(lang, d)).collect(),
        conversations: asked
            .iter()
            .map(|c| super::conversations::line(lang, c, false))
            .collect(),
        published: project.status == ProjectStatus::Published,
        openings: openings
            .iter()
            .map(|o| {
                (
                    o.at.format("%Y-%m-%d %H:%M UTC").to_string(),
                    o.person.clone(),
                    o.organisation.clone().unwrap_or_default(),
                    localized(lang, &o.document),
                )
            })
            .collect(),
        refusal,
        files,
        page,
    }
    .render();
    Ok(html(status, body))
}

/// Runs one review step for the signed-in person and goes back to `back`.
async fn step(
    user: AuthenticatedUser,
    state: &AppState,
    id: String,
    step: Transition,
    comment: Option<String>,
    back: &str,
) -> PageResult {
    let catalogue = state.catalogue.clone();
    state
        .db
        .write(move |conn| projects::apply_transition(conn, &catalogue, &user, &id, step, comment))
        .await?;
    Ok(see_other(back).finish())
}

async fn submit(
    Signed { user, .. }: Signed<Officials>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> PageResult {
    step(
        user,
        &state,
        id.into_inner(),
        Transition::Submit,
        None,
        "/my-projects",
    )
    .await
}

/// Closes a published project of the official's region with the API's rules, once the form's
/// box confirming it is ticked; without the tick the page comes back saying so.
async fn close(
    official: Signed<Officials>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let id = id.into_inner();
    if Typed::parse(&body).one("sure") != "on" {
        let refusal = official.page.t("imports_close.tick_to_close");
        return render_project(official, &state, id, Some(refusal)).await;
    }
    let back = format!("/my-projects/{id}");
    step(official.user, &state, id, Transition::Close, None, &back).await
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
async fn review(Staff { user, page, .. }: Staff, state: web::Data<AppState>) -> PageResult {
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
    let mut projects = found?;
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
    Ok(html(StatusCode::OK, Review { page, rows }.render()))
}

async fn publish(
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> PageResult {
    step(
        user,
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
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<Comment>,
) -> PageResult {
    let comment = Some(form.into_inner().comment);
    step(
        user,
        &state,
        id.into_inner(),
        Transition::RequestChanges,
        comment,
        "/review",
    )
    .await
}
