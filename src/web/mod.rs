//! The pages people use in the browser: server-rendered HTML from `templates/pages/`, in
//! Indonesian and English, working without JavaScript.

pub mod account;
pub mod agenda;
pub mod answer_links;
pub mod charts;
pub mod conversations;
pub mod deals;
pub mod delegations;
pub mod events;
pub mod files;
pub mod form;
pub mod i18n;
pub mod imports;
pub mod investors;
pub mod locator;
pub mod mandate;
pub mod map;
pub mod my_events;
pub mod notifications;
pub mod people;
pub mod pickers;
pub mod projects;
pub mod readiness;
pub mod redirect;
pub mod regions;
pub mod reports;
pub mod saved_searches;
pub mod session;
pub mod settings;

use std::sync::LazyLock;

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError, web};
use askama::Template;
use rust_decimal::Decimal;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use self::i18n::{COOKIE, Lang};
use self::session::{Investors, Signed, Visitor};
use crate::auth::policy;
use crate::auth::{AuthenticatedUser, Role};
use crate::domain::Currency;
use crate::domain::project::ProjectStatus;
use crate::error::{AppError, ErrorCode};
use crate::services::accounts::remember_language;
use crate::services::investors::verified_count;
use crate::services::projects::{Project, ProjectQuery, ProjectSort, Search};
use crate::state::AppState;

const CSS: &str = include_str!("../../static/app.css");

/// The stylesheet's address, named by its content so that it can be cached for good.
static CSS_PATH: LazyLock<String> = LazyLock::new(|| content_address("/static/app", "css", CSS));

/// The address of a file shipped with the pages, named by its content (`{stem}.{hash}.{ext}`)
/// so that browsers can keep it for good and still get a changed one.
pub(crate) fn content_address(stem: &str, ext: &str, content: &str) -> String {
    let digest = Sha256::digest(content.as_bytes());
    let hash: String = digest[..5].iter().map(|b| format!("{b:02x}")).collect();
    format!("{stem}.{hash}.{ext}")
}

/// A shipped file asked for at `asked`, cached for a year when that is its content address;
/// any other address is not found.
pub(crate) fn shipped(
    asked: &str,
    address: &str,
    content_type: &str,
    content: &'static str,
) -> HttpResponse {
    if asked != address {
        return HttpResponse::NotFound().finish();
    }
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Cache-Control", "public, max-age=31536000, immutable"))
        .body(content)
}

/// The page routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/sign-in", web::get().to(sign_in_form))
        .route("/sign-in", web::post().to(sign_in))
        .route("/sign-out", web::post().to(sign_out))
        .route("/dashboard", web::get().to(dashboard))
        .route("/dashboard/interest", web::post().to(interest))
        .route("/opportunities", web::get().to(opportunities))
        .route("/opportunities/{id}", web::get().to(opportunity))
        .route("/language", web::get().to(language))
        .route("/static/{file}", web::get().to(stylesheet))
        .configure(account::config)
        .configure(agenda::config)
        .configure(answer_links::config)
        .configure(conversations::config)
        .configure(saved_searches::config)
        .configure(my_events::config)
        .configure(deals::config)
        .configure(delegations::config)
        .configure(events::config)
        .configure(files::config)
        .configure(imports::config)
        .configure(investors::config)
        .configure(mandate::config)
        .configure(map::config)
        .configure(notifications::config)
        .configure(people::config)
        .configure(projects::config)
        .configure(readiness::config)
        .configure(regions::config)
        .configure(reports::config)
        .configure(settings::config);
}

/// What every page's layout needs.
pub struct Page {
    pub lang: Lang,
    pub css: &'static str,
    /// This page's address, for the language switch to come back to (URL-encoded).
    pub back: String,
    /// The signed-in person's name.
    pub user: Option<String>,
    /// Whether the signed-in person is an investor (who has matches).
    pub investor: bool,
    /// Whether it is a region's official (who has projects).
    pub official: bool,
    /// Whether it is programme staff (who review).
    pub staff: bool,
    /// The signed-in person's notifications not read yet.
    pub unread: i64,
    /// The header's links for this person's role.
    pub nav: Nav,
}

/// A link of the header's navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    /// Whether it leads to this page (or to the section this page is in).
    pub current: bool,
}

/// A link's address and its words.
type Link = (&'static str, String);

/// The header's navigation: a few links of the person's daily work, the rest under "More".
pub struct Nav {
    pub primary: Vec<NavItem>,
    pub more: Vec<NavItem>,
}

impl Nav {
    /// The links of this role, marked current where they lead to `path`.
    fn of(lang: Lang, user: Option<&AuthenticatedUser>, path: &str, unread: i64) -> Nav {
        let investor = user.is_some_and(policy::speaks_for_an_investor);
        let official = user.is_some_and(policy::speaks_for_a_region);
        let staff = user.is_some_and(policy::oversees_programme);
        let notifications = if unread > 0 {
            format!("{} ({unread})", lang.t("settings.nav_notifications"))
        } else {
            lang.t("settings.nav_notifications")
        };
        let item = |href: &'static str, key: &str| (href, lang.t(key));
        let (primary, more): (Vec<Link>, Vec<Link>) = if investor {
            (
                vec![
                    item("/dashboard", "nav.dashboard"),
                    item("/opportunities", "nav.opportunities"),
                    item("/agenda", "nav.agenda"),
                    item("/my-events", "my_events.nav"),
                    item("/deals", "deals.nav"),
                    item("/conversations", "conversations.nav"),
                ],
                vec![
                    item("/mandate", "mandate.nav"),
                    item("/saved-searches", "saved_searches.nav"),
                    item("/map", "regions.nav_map"),
                ],
            )
        } else if official {
            (
                vec![
                    item("/my-projects", "nav.my_projects"),
                    item("/my-region", "regions.nav_mine"),
                    item("/agenda", "nav.agenda"),
                    item("/my-events", "my_events.nav"),
                    item("/deals", "deals.nav"),
                    item("/conversations", "conversations.nav"),
                ],
                vec![
                    item("/opportunities", "nav.opportunities"),
                    item("/map", "regions.nav_map"),
                ],
            )
        } else if staff {
            (
                vec![
                    item("/review", "nav.review"),
                    item("/events", "events.nav"),
                    item("/delegations", "delegations.nav"),
                    item("/investors", "investors.nav"),
                    item("/reports", "reports.nav"),
                ],
                vec![
                    item("/people", "people.nav"),
                    item("/imports", "imports.nav"),
                    item("/opportunities", "nav.opportunities"),
                    item("/map", "regions.nav_map"),
                    item("/deals", "deals.nav"),
                    item("/conversations", "conversations.nav"),
                ],
            )
        } else {
            (
                vec![
                    item("/", "nav.home"),
                    item("/opportunities", "nav.opportunities"),
                    item("/map", "regions.nav_map"),
                ],
                Vec::new(),
            )
        };
        let mut more = more;
        if user.is_some() {
            more.push(("/notifications", notifications));
            more.push(item("/settings", "settings.nav_settings"));
        }
        let mark = |list: Vec<Link>| -> Vec<NavItem> {
            list.into_iter()
                .map(|(href, label)| NavItem {
                    href,
                    label,
                    current: path == href
                        || (href != "/"
                            && path.strip_prefix(href).is_some_and(|r| r.starts_with('/'))),
                })
                .collect()
        };
        Nav {
            primary: mark(primary),
            more: mark(more),
        }
    }

    /// Whether one of the links under "More" leads to this page.
    pub fn more_is_current(&self) -> bool {
        self.more.iter().any(|i| i.current)
    }
}

impl Page {
    /// A page for whoever the request's session cookie named, when a handler looked: error
    /// pages are built from the request alone and still show who is signed in.
    pub(crate) fn of(req: &HttpRequest) -> Self {
        let known = req
            .extensions()
            .get::<session::SignedIn>()
            .map(|s| s.0.clone());
        Page::new(req, &Visitor(known))
    }

    /// A page for the visitor: in the signed-in person's language, else the chosen or browser's.
    pub(crate) fn new(req: &HttpRequest, visitor: &Visitor) -> Self {
        let here = match req.query_string() {
            "" => req.path().to_owned(),
            query => format!("{}?{query}", req.path()),
        };
        let user = visitor.0.as_ref();
        let lang = user
            .and_then(|u| Lang::parse(&u.language))
            .unwrap_or_else(|| Lang::of(req));
        let unread = req
            .extensions()
            .get::<session::Unread>()
            .filter(|_| user.is_some())
            .map_or(0, |u| u.0);
        Page {
            lang,
            nav: Nav::of(lang, user, req.path(), unread),
            css: CSS_PATH.as_str(),
            back: percent_encode(&here),
            user: user.map(|u| u.name.clone()),
            investor: user.is_some_and(policy::speaks_for_an_investor),
            official: user.is_some_and(policy::speaks_for_a_region),
            staff: user.is_some_and(policy::oversees_programme),
            unread,
        }
    }

    /// A message in the page's language.
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What a page handler answers. A failure is drawn as the error page in the visitor's language
/// (with the status and stable code the API would answer) by `middleware::shape`, so handlers
/// use `?` on what services answer.
pub type PageResult = Result<HttpResponse, AppError>;

pub(crate) fn html(status: StatusCode, body: Result<String, askama::Error>) -> HttpResponse {
    match body {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "a page could not be rendered");
            HttpResponse::InternalServerError().body("internal error")
        }
    }
}

#[derive(Template)]
#[template(path = "pages/error.html")]
struct ErrorPage<'a> {
    page: Page,
    code: &'a str,
    message: String,
    /// The names of the fields the refusal is about (the form's or the query's), if any.
    fields: String,
}

/// What an error means, in `lang`. The API's own words are English, so a page says what the
/// error's stable code means; a refusal raised by a page may instead name a catalogue message
/// of its own.
pub(crate) fn said(lang: Lang, error: &AppError) -> String {
    let own = match error {
        AppError::Forbidden(said) => Some(lang.t(said)).filter(|m| m != said),
        _ => None,
    };
    let key = format!("error_code.{}", error.code());
    let said = own
        .or_else(|| Some(lang.t(&key)).filter(|m| *m != key))
        .unwrap_or_else(|| lang.t("error.title"));
    match error {
        AppError::RateLimited { retry_after } => {
            let minutes = retry_after.div_ceil(60).max(1);
            let wait = lang.t("error.try_again_in").replace(
                "{minutes}",
                &lang.integer(i64::try_from(minutes).unwrap_or(i64::MAX)),
            );
            format!("{said} {wait}")
        }
        _ => said,
    }
}

/// An error as a page, with the same status and stable code as the API's, said in the page's
/// language.
pub fn error_page(req: &HttpRequest, error: &AppError) -> HttpResponse {
    let page = Page::of(req);
    let message = said(page.lang, error);
    html(
        error.status_code(),
        ErrorPage {
            code: error.code().as_ref(),
            message,
            fields: error.fields().into_keys().collect::<Vec<_>>().join(", "),
            page,
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "pages/home.html")]
struct Home {
    page: Page,
    projects: String,
    value: String,
    regions: String,
    investors: String,
    dimensions: Vec<(String, usize)>,
    chart: String,
}

async fn home(req: HttpRequest, visitor: Visitor, state: web::Data<AppState>) -> PageResult {
    let page = Page::new(&req, &visitor);
    let app = state.clone();
    // The figures come from the matching index, which holds every published project in memory.
    let figures = state
        .db
        .run(move |conn| {
            let snapshot = app.matchmaker.snapshot(conn)?;
            let investors = verified_count(conn)?;
            Ok((snapshot, investors))
        })
        .await;
    let (snapshot, investors) = figures?;
    let index = &snapshot.index;
    let tax = index.taxonomy();
    let mut usd = 0.0;
    let mut regions = Vec::new();
    let mut dimension_bits = Vec::new();
    for position in 0..index.len() as u32 {
        let facts = index.facts(position);
        usd += facts.value_usd.unwrap_or(0.0);
        regions.push(facts.region);
        dimension_bits.push(facts.dimensions);
    }
    regions.sort_unstable();
    regions.dedup();
    let idr_per_usd = snapshot.rates.get("IDR").copied().unwrap_or(Decimal::ZERO);
    let idr = Decimal::from_f64_retain(usd).unwrap_or_default() * idr_per_usd;
    let dimensions: Vec<(String, usize)> = state
        .catalogue
        .dimension_rows()
        .map(|d| {
            let bit = tax.dimension_bit(&d.code).unwrap_or(0);
            let count = dimension_bits.iter().filter(|b| *b & bit != 0).count();
            (page.lang.pick(&d.name_id, &d.name_en).to_owned(), count)
        })
        .collect();
    let chart = charts::bar_chart(&dimensions, &page.t("home.by_dimension"));
    let body = Home {
        projects: page.lang.integer(index.len() as i64),
        value: page.lang.rupiah_at_a_glance(idr),
        regions: page.lang.integer(regions.len() as i64),
        investors: page.lang.integer(investors),
        dimensions,
        chart,
        page,
    }
    .render();
    Ok(html(StatusCode::OK, body))
}

/// An opportunity as a list shows it.
pub(crate) struct Card {
    id: String,
    title: Shown,
    region: String,
    /// The region's code, for the link to its page.
    region_code: String,
    value: String,
    summary: Shown,
}

impl Card {
    /// The card of a project in the viewer's language, with the start of its description.
    pub(crate) fn of(lang: Lang, p: &Project) -> Self {
        Card {
            id: p.id.clone(),
            title: Shown::of(lang, &p.title),
            region: p.region_name.clone(),
            region_code: p.region.clone(),
            value: money_of(lang, p),
            summary: Shown::of(lang, &p.description).start(220),
        }
    }
}

#[derive(Template)]
#[template(path = "pages/opportunities.html")]
struct Opportunities {
    page: Page,
    q: String,
    /// Code, name and whether it is chosen.
    provinces: Vec<(String, String, bool)>,
    dimension_names: Vec<(String, String, bool)>,
    sorts: Vec<(&'static str, &'static str, bool)>,
    found: String,
    items: Vec<Card>,
    /// For an investor: the name its search would be saved under, the list's filters as a
    /// query, and the alert choices.
    save_as: Option<(String, String, saved_searches::Choices)>,
    page_label: String,
    previous: Option<String>,
    next: Option<String>,
}

const PER_PAGE: i64 = 20;

pub(crate) fn money_of(lang: Lang, p: &Project) -> String {
    match (
        p.value.amount.parse::<Decimal>(),
        Currency::parse(&p.value.currency),
    ) {
        (Ok(amount), Ok(_)) => lang.money(amount, &p.value.currency),
        _ => format!("{} {}", p.value.currency, p.value.amount),
    }
}

/// The action a page was reached from after a change (`?done=saved`), to say back to the person.
#[derive(Debug, Deserialize)]
pub(crate) struct Done {
    done: Option<String>,
}

impl Done {
    /// What the page says of the action, from `{section}.done_{action}`, when it is one of the
    /// page's `actions` (anything else in the address says nothing).
    pub(crate) fn said(&self, page: &Page, section: &str, actions: &[&str]) -> Option<String> {
        let action = self.done.as_deref().filter(|a| actions.contains(a))?;
        Some(page.t(&format!("{section}.done_{action}")))
    }
}

/// The title of an ISIC code in the page's language, when the catalogue knows the code.
pub(crate) fn sector_title(
    lang: Lang,
    catalogue: &crate::reference::Catalogue,
    code: &str,
) -> Option<String> {
    catalogue
        .sector(code)
        .map(|s| lang.pick(&s.title_id, &s.title).to_owned())
}

/// Each of these ISIC codes with its title in the page's language, for pages that name sectors
/// rather than code them.
pub(crate) fn sector_names(
    lang: Lang,
    catalogue: &crate::reference::Catalogue,
    codes: &[String],
) -> Vec<(String, String)> {
    codes
        .iter()
        .map(|code| {
            let title = sector_title(lang, catalogue, code);
            (code.clone(), title.unwrap_or_default())
        })
        .collect()
}

/// Where the project is, as latitude and longitude, when known.
pub(crate) fn place(project: &Project) -> Option<String> {
    project
        .location
        .as_ref()
        .map(|l| format!("{:.4}, {:.4}", l.lat, l.lng))
}

/// A project's readiness card as a page shows it, in the page's language.
pub(crate) struct ReadinessCard {
    /// Label and value of each fact the region gives: return, payback, risk, land.
    facts: Vec<(String, String)>,
    /// Name, status and reference of each permit needed.
    permits: Vec<(String, String, String)>,
    /// More about the permits, in the page's language.
    permit_note: String,
    incentives: Vec<String>,
    contact: Option<crate::services::projects::ProjectContact>,
}

impl ReadinessCard {
    fn of(lang: Lang, card: &crate::services::projects::Readiness) -> Self {
        let number = |x: f64| lang.decimal(x, 1);
        let word = |group: &str, code: &str| lang.t(&format!("{group}.{code}"));
        let land = [
            card.land_status.map(|l| word("land", l.as_ref())),
            card.land_note.as_ref().map(|n| localized(lang, n)),
        ]
        .into_iter()
        .flatten()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(": ");
        let facts = [
            (
                "project.expected_irr",
                card.expected_irr_pct
                    .map(|irr| format!("{} %", number(irr))),
            ),
            (
                "project.payback",
                card.payback_years.map(|years| {
                    rust_i18n::t!("project.years", locale = lang.code(), n = number(years))
                        .into_owned()
                }),
            ),
            (
                "project.risk_level",
                card.risk_level.map(|r| word("risk", r.as_ref())),
            ),
            ("project.land_status", Some(land).filter(|l| !l.is_empty())),
        ]
        .into_iter()
        .filter_map(|(label, value)| Some((lang.t(label), value?)))
        .collect();
        ReadinessCard {
            facts,
            permits: card
                .permits
                .iter()
                .map(|p| {
                    (
                        word("permit", p.kind.as_ref()),
                        word("permit_status", p.status.as_ref()),
                        p.reference.clone().unwrap_or_default(),
                    )
                })
                .collect(),
            permit_note: card
                .permit_note
                .as_ref()
                .map(|n| localized(lang, n))
                .unwrap_or_default(),
            incentives: card
                .incentives
                .iter()
                .map(|i| word("incentive", i.as_ref()))
                .collect(),
            contact: card.contact.clone(),
        }
    }

    /// The project's card as the page shows it, when it is disclosed and not empty.
    pub(crate) fn shown(lang: Lang, project: &Project) -> Option<Self> {
        let card = Self::of(lang, project.readiness.as_ref()?);
        (!card.is_empty()).then_some(card)
    }

    fn is_empty(&self) -> bool {
        self.facts.is_empty()
            && self.permits.is_empty()
            && self.permit_note.is_empty()
            && self.incentives.is_empty()
            && self.contact.is_none()
    }
}

/// The names of these Smart City dimensions in the language, in the catalogue's order.
pub(crate) fn dimension_names(
    lang: Lang,
    catalogue: &crate::reference::Catalogue,
    codes: &[String],
) -> Vec<String> {
    catalogue
        .dimension_rows()
        .filter(|d| codes.contains(&d.code))
        .map(|d| lang.pick(&d.name_id, &d.name_en).to_owned())
        .collect()
}

/// Text shown on a page: in the page's language, or in the other one when the page's is not
/// given, and then written with its own `lang` and a small note naming its language, so that a
/// screen reader reads it in the right voice and a reader knows why it is not translated.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Shown {
    pub text: String,
    /// The other language, when the text is in it.
    pub other: Option<Lang>,
}

impl Shown {
    /// The text in `lang`, or in the other language when `lang`'s is blank.
    pub(crate) fn of(lang: Lang, text: &crate::domain::Localized) -> Shown {
        let chosen = lang.pick(&text.id, &text.en);
        let other = if lang == Lang::Id { Lang::En } else { Lang::Id };
        if chosen.trim().is_empty() && !other.pick(&text.id, &text.en).trim().is_empty() {
            Shown {
                text: other.pick(&text.id, &text.en).to_owned(),
                other: Some(other),
            }
        } else {
            Shown {
                text: chosen.to_owned(),
                other: None,
            }
        }
    }

    /// Its first characters, marked as the whole is.
    pub(crate) fn start(&self, chars: usize) -> Shown {
        Shown {
            text: self.text.chars().take(chars).collect(),
            other: self.other,
        }
    }
}

/// The text, escaped; in a `lang` span with the note of its language when it is the other one.
impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = charts::escape(&self.text);
        match self.other {
            None => f.write_str(&text),
            Some(other) => write!(
                f,
                r#"<span lang="{code}">{text}</span> <small class="other-language" lang="{code}">({name})</small>"#,
                code = other.code(),
                name = other.t("site.language_name"),
            ),
        }
    }
}

/// What `Display` writes is escaped already.
impl askama::filters::HtmlSafe for Shown {}

/// The text in the page's language, or in the other one when the page's is not given.
pub(crate) fn localized(lang: Lang, text: &crate::domain::Localized) -> String {
    Shown::of(lang, text).text
}

/// The list's address with another page number, keeping every filter and the order.
fn page_link(query: &ProjectQuery, page: i64) -> String {
    let filtered = crate::services::saved_searches::SearchFilters::from(query).link();
    let join = if filtered.contains('?') { '&' } else { '?' };
    let sort = query
        .sort
        .map(|s| format!("sort={}&", sort_code(s)))
        .unwrap_or_default();
    format!("{filtered}{join}{sort}page={page}")
}

fn sort_code(sort: ProjectSort) -> &'static str {
    match sort {
        ProjectSort::Newest => "newest",
        ProjectSort::Value => "value",
        ProjectSort::Relevance => "relevance",
    }
}

async fn opportunities(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    client: crate::throttle::ClientAddress,
    query: web::Query<ProjectQuery>,
) -> PageResult {
    let page = Page::new(&req, &visitor);
    let mut query = query.into_inner();
    // Empty form fields mean "any".
    for field in [&mut query.q, &mut query.province, &mut query.dimension] {
        if field.as_deref().is_some_and(str::is_empty) {
            *field = None;
        }
    }
    let number = query.page.unwrap_or(1).max(1);
    let catalogue = state.catalogue.clone();
    let search = Search::from_query(&catalogue, None, &query)?;
    search.count_against(&state.throttle, visitor.0.as_ref(), &client)?;
    let (projects, total) = state
        .db
        .run(move |conn| search.run(conn, &catalogue, None, (number - 1) * PER_PAGE, PER_PAGE))
        .await?;
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let lang = page.lang;
    let items = projects.iter().map(|p| Card::of(lang, p)).collect();
    let chosen = |value: &Option<String>, code: &str| value.as_deref() == Some(code);
    let mut provinces: Vec<(String, String, bool)> = state
        .catalogue
        .regions()
        .filter(|(code, _)| state.catalogue.is_province(code))
        .map(|(code, r)| (code.clone(), r.name.clone(), chosen(&query.province, code)))
        .collect();
    provinces.sort();
    let dimension_names = state
        .catalogue
        .dimension_rows()
        .map(|d| {
            let name = lang.pick(&d.name_id, &d.name_en);
            (
                d.code.clone(),
                name.to_owned(),
                chosen(&query.dimension, &d.code),
            )
        })
        .collect();
    let sort = sort_code(query.sort.unwrap_or_default());
    let save_as = page.investor.then(|| {
        let name = [&query.q, &query.province, &query.dimension]
            .into_iter()
            .flatten()
            .map(|v| {
                state
                    .catalogue
                    .region(v)
                    .map(|r| r.name.clone())
                    .or_else(|| {
                        state
                            .catalogue
                            .dimension_rows()
                            .find(|d| d.code == *v)
                            .map(|d| lang.pick(&d.name_id, &d.name_en).to_owned())
                    })
                    .unwrap_or_else(|| v.clone())
            })
            .collect::<Vec<_>>()
            .join(" · ");
        let name = if name.is_empty() {
            lang.t("saved_searches.everything")
        } else {
            name
        };
        let alerts = saved_searches::alert_choices(
            lang,
            crate::services::saved_searches::SearchAlert::Digest,
        );
        let link = crate::services::saved_searches::SearchFilters::from(&query).link();
        let filters = link
            .split_once('?')
            .map(|(_, q)| q.to_owned())
            .unwrap_or_default();
        (name, filters, alerts)
    });
    let body = Opportunities {
        save_as,
        q: query.q.clone().unwrap_or_default(),
        provinces,
        dimension_names,
        sorts: [
            ("newest", "list.newest"),
            ("value", "list.value"),
            ("relevance", "list.relevance"),
        ]
        .into_iter()
        .map(|(code, key)| (code, key, code == sort))
        .collect(),
        found: rust_i18n::t!(
            "list.found",
            locale = lang.code(),
            count = lang.integer(total)
        )
        .into_owned(),
        items,
        page_label: rust_i18n::t!(
            "list.page",
            locale = lang.code(),
            page = number,
            pages = pages
        )
        .into_owned(),
        previous: (number > 1).then(|| page_link(&query, number - 1)),
        next: (number < pages).then(|| page_link(&query, number + 1)),
        page,
    }
    .render();
    Ok(html(StatusCode::OK, body))
}

#[derive(Template)]
#[template(path = "pages/opportunity.html")]
struct Opportunity {
    page: Page,
    id: String,
    title: Shown,
    description: Shown,
    region: String,
    region_code: String,
    value: String,
    /// The value in the viewer's currency, when that is not the project's.
    value_for_viewer: Option<String>,
    /// The currencies the value can be shown in, with the viewer's chosen.
    currencies: Vec<(String, bool)>,
    stage: String,
    /// Code and name of each sector.
    sectors: Vec<(String, String)>,
    /// The readiness card, for those it is disclosed to and when the region filled it in.
    readiness: Option<ReadinessCard>,
    /// Whether the card exists but is not for this visitor (not a verified investor).
    readiness_withheld: bool,
    location: Option<String>,
    /// The locator map (SVG built with its text escaped), when the project has a location.
    location_map: Option<String>,
    dimensions: String,
    instruments: String,
    published: Option<String>,
    /// For a project not published yet (seen by its region or staff): its status.
    unpublished: Option<String>,
    /// The signed-in investor's match with the project, with its answer buttons.
    your_match: Option<MatchCard>,
    /// Where a signed-in person stands with the project's data room.
    data_room: Option<DataRoomCard>,
    /// For an investor on a published project: the region's hosts at its events still taking
    /// meeting requests.
    meet: Option<Vec<crate::services::requests::HostToAsk>>,
    files: files::Panel,
}

/// Where a signed-in person stands with a project's data room, as the opportunity page says it.
struct DataRoomCard {
    open: bool,
    /// When the investor accepted the NDA, said in the page's language.
    accepted: Option<String>,
    /// The NDA to read and accept: its version and text.
    nda: Option<(i32, String)>,
    /// Why the room is closed and there is nothing to accept.
    note: Option<String>,
}

impl DataRoomCard {
    fn of(lang: Lang, room: crate::services::data_room::DataRoom) -> Self {
        let accepted = room.acceptances.first().map(|a| {
            rust_i18n::t!(
                "deals.data_room_accepted",
                locale = lang.code(),
                version = a.version,
                date = a.accepted_at.format("%Y-%m-%d").to_string()
            )
            .into_owned()
        });
        let nda = room
            .nda
            .filter(|_| room.may_accept && !room.open)
            .map(|n| (n.version, localized(lang, &n.text)));
        let note = match (room.open, room.may_accept, nda.is_some()) {
            (true, ..) | (false, true, true) => None,
            (false, true, false) => Some(lang.t("deals.data_room_no_nda")),
            (false, false, _) => Some(lang.t("deals.data_room_verified_only")),
        };
        DataRoomCard {
            open: room.open,
            accepted,
            nda,
            note,
        }
    }
}

/// The currency an opportunity's value is also shown in, as its page's form asks.
#[derive(Debug, Deserialize)]
struct ValueIn {
    currency: Option<String>,
}

async fn opportunity(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    value_in: web::Query<ValueIn>,
) -> PageResult {
    let page = Page::new(&req, &visitor);
    let app = state.clone();
    let id = id.into_inner();
    let currency = value_in
        .into_inner()
        .currency
        .filter(|c| !c.is_empty())
        .map(|c| Currency::parse(&c).map_err(|e| AppError::validation("currency", e)))
        .transpose()?;
    let files = files::panel(&state, visitor.0.as_ref(), &id, page.lang, false).await?;
    let found = state
        .db
        .run(move |conn| {
            let user = visitor.0.as_ref();
            let found = crate::services::matches::opportunity(conn, &app, user, &id, currency)?;
            let room = user
                .map(|u| crate::services::data_room::data_room(conn, u, &id))
                .transpose()?;
            let meet = match user {
                Some(u)
                    if policy::speaks_for_an_investor(u)
                        && found.project.status == ProjectStatus::Published =>
                {
                    Some(crate::services::requests::hosts_for_region(
                        conn,
                        u,
                        &found.project.region,
                    )?)
                }
                _ => None,
            };
            Ok((found, room, meet))
        })
        .await?;
    let (found, room, meet) = found;
    let project = found.project;
    let lang = page.lang;
    let dimension_names = dimension_names(lang, &state.catalogue, &project.dimensions);
    // Converted at a rate, so shown in whole units after "≈".
    let value_for_viewer = found
        .value_for_viewer
        .map(|v| lang.money(v.amount().round(), v.currency().code()));
    let chosen = found.viewer_currency.code();
    let currencies = found
        .rated_currencies
        .into_iter()
        .map(|code| {
            let is_chosen = code == chosen;
            (code, is_chosen)
        })
        .collect();
    let body = Opportunity {
        id: project.id.clone(),
        title: Shown::of(lang, &project.title),
        description: Shown::of(lang, &project.description),
        region: format!("{} ({})", project.region_name, project.region),
        region_code: project.region.clone(),
        value: money_of(lang, &project),
        value_for_viewer,
        currencies,
        stage: lang.t(&format!("stage.{}", project.stage)),
        sectors: sector_names(lang, &state.catalogue, &project.sectors),
        readiness: ReadinessCard::shown(lang, &project),
        readiness_withheld: project.readiness.is_none(),
        location: place(&project),
        location_map: locator::location_map(lang, &state.catalogue, &project),
        dimensions: dimension_names.join(", "),
        instruments: project
            .instruments
            .iter()
            .map(|i| lang.t(&format!("instrument.{i}")))
            .collect::<Vec<_>>()
            .join(", "),
        published: project
            .published_at
            .map(|t| t.format("%Y-%m-%d").to_string()),
        unpublished: (project.status != ProjectStatus::Published)
            .then(|| lang.t(&format!("status.{}", project.status.as_ref()))),
        your_match: found.your_match.map(|m| match_card(lang, m)),
        data_room: room.map(|r| DataRoomCard::of(lang, r)),
        meet,
        files,
        page,
    }
    .render();
    Ok(html(StatusCode::OK, body))
}

/// A language choice from the switcher.
#[derive(Debug, Deserialize)]
struct LanguageChoice {
    set: String,
    back: Option<String>,
}

/// Remembers the chosen language (in a cookie, and for a signed-in person in the account) and
/// goes back to the page (this site only).
async fn language(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<LanguageChoice>,
) -> HttpResponse {
    let Some(lang) = Lang::parse(&query.set) else {
        return HttpResponse::BadRequest().body("unknown language");
    };
    if let Some(user) = visitor.0 {
        let saved = state
            .db
            .write(move |conn| remember_language(conn, &user, lang.code()))
            .await;
        if let Err(e) = saved {
            tracing::warn!(error = %e, "could not save a language choice");
        }
    }
    let back = query.back.as_deref().unwrap_or(redirect::HOME);
    let cookie = Cookie::build(COOKIE, lang.code())
        .path("/")
        .same_site(SameSite::Lax)
        .http_only(true)
        .max_age(CookieDuration::days(365))
        .finish();
    see_other(back).cookie(cookie).finish()
}

/// The stylesheet, cached for a year under its content-named address.
async fn stylesheet(file: web::Path<String>) -> HttpResponse {
    shipped(
        &format!("/static/{file}"),
        &CSS_PATH,
        "text/css; charset=utf-8",
        CSS,
    )
}

#[derive(Template)]
#[template(path = "pages/sign_in.html")]
struct SignIn {
    page: Page,
    email: String,
    failed: bool,
}

async fn sign_in_form(req: HttpRequest, visitor: Visitor) -> HttpResponse {
    let page = Page::new(&req, &visitor);
    html(
        StatusCode::OK,
        SignIn {
            page,
            email: String::new(),
            failed: false,
        }
        .render(),
    )
}

/// The sign-in form's fields.
#[derive(Debug, Deserialize)]
struct Credentials {
    email: String,
    password: String,
}

/// A 303 to `location` when it is a path on this site ([`redirect::same_site`]), else home.
pub(crate) fn see_other(location: &str) -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::SeeOther();
    response.insert_header(("Location", redirect::same_site(location).to_owned()));
    response
}

/// Signs in with the same accounts as the API and opens a browser session.
async fn sign_in(
    req: HttpRequest,
    state: web::Data<AppState>,
    client: crate::throttle::ClientAddress,
    form: web::Form<Credentials>,
) -> PageResult {
    let Credentials { email, password } = form.into_inner();
    let opened = crate::services::accounts::sign_in_browser(&state, &email, password, client).await;
    let typed = email;
    match opened {
        Ok((user, secret)) => {
            let home = if user.role == Role::Investor.as_ref() {
                "/dashboard"
            } else {
                "/opportunities"
            };
            Ok(see_other(home)
                .cookie(session::cookie(&state, &secret))
                .finish())
        }
        Err(AppError::Unauthenticated(_)) => {
            let page = Page::of(&req);
            Ok(html(
                StatusCode::UNAUTHORIZED,
                SignIn {
                    page,
                    email: typed,
                    failed: true,
                }
                .render(),
            ))
        }
        Err(e) => Err(e),
    }
}

/// Ends the browser session (the session is revoked, not just forgotten by the browser).
async fn sign_out(state: web::Data<AppState>, visitor: Visitor) -> PageResult {
    if let Some(user) = visitor.0 {
        crate::services::accounts::logout(&state, user.session_id).await?;
    }
    Ok(see_other("/").cookie(session::cookie(&state, "")).finish())
}

/// A match as the dashboard shows it.
struct MatchCard {
    id: String,
    title: Shown,
    region: String,
    value: String,
    score: i64,
    reasons: Vec<String>,
    /// Component label and percentage.
    components: Vec<(String, i64)>,
    /// Interest value, label and whether it is the investor's answer.
    choices: Vec<(&'static str, String, bool)>,
}

#[derive(Template)]
#[template(path = "pages/dashboard.html")]
struct Dashboard {
    page: Page,
    note: Option<String>,
    matches: Vec<MatchCard>,
}

/// The investor's ranked matches with reasons and interest buttons.
async fn dashboard(
    Signed { user, page, .. }: Signed<Investors>,
    state: web::Data<AppState>,
) -> PageResult {
    let lang = page.lang;
    let app = state.clone();
    let investor_id = user.investor_id.clone().unwrap_or_default();
    let found = state
        .db
        .run(move |conn| {
            crate::services::matches::ranked_projects(
                conn,
                &app,
                &user,
                &investor_id,
                &crate::matching::MatchFilter::default(),
                0,
                20,
            )
        })
        .await;
    let (note, ranked) = match found {
        Ok((ranked, _)) if ranked.is_empty() => (Some(page.t("dashboard.none")), ranked),
        Ok((ranked, _)) => (None, ranked),
        Err(AppError::Conflict {
            code: ErrorCode::MandateRequired,
            ..
        }) => (Some(page.t("dashboard.no_mandate")), Vec::new()),
        Err(e) => return Err(e),
    };
    let matches = ranked.into_iter().map(|m| match_card(lang, m)).collect();
    Ok(html(
        StatusCode::OK,
        Dashboard {
            page,
            note,
            matches,
        }
        .render(),
    ))
}

/// A match as the dashboard and the opportunity page show it.
fn match_card(lang: Lang, m: crate::services::matches::ProjectMatch) -> MatchCard {
    let percent = |x: f64| (x * 100.0).round() as i64;
    let c = &m.components;
    let answer = m.feedback.map(|f| f.as_ref().to_owned());
    MatchCard {
        id: m.project.id.clone(),
        title: Shown::of(lang, &m.project.title),
        region: m.project.region_name.clone(),
        value: money_of(lang, &m.project),
        score: percent(m.score),
        reasons: m
            .reasons
            .iter()
            .map(|r| lang.pick(&r.id, &r.en).to_owned())
            .collect(),
        components: [
            ("component.sector", c.sector),
            ("component.dimension", c.dimension),
            ("component.ticket", c.ticket),
            ("component.region", c.region),
            ("component.stage", c.stage),
            ("component.text", c.text),
        ]
        .into_iter()
        .map(|(key, value)| (lang.t(key), percent(value)))
        .collect(),
        choices: ["interested", "not_interested", "must_meet"]
            .into_iter()
            .map(|value| {
                let chosen = answer.as_deref() == Some(value);
                (value, lang.t(&format!("dashboard.{value}")), chosen)
            })
            .collect(),
    }
}

/// An interest button's fields.
#[derive(Debug, Deserialize)]
struct InterestForm {
    project_id: String,
    interest: crate::domain::project::Interest,
    /// The page the buttons were on (this site only); the dashboard's match by default.
    back: Option<String>,
}

/// Records the investor's answer on a match and goes back to it.
async fn interest(
    Signed { user, .. }: Signed<Investors>,
    state: web::Data<AppState>,
    form: web::Form<InterestForm>,
) -> PageResult {
    let InterestForm {
        project_id,
        interest,
        back,
    } = form.into_inner();
    let investor_id = user.investor_id.clone().unwrap_or_default();
    let back = match back {
        Some(back) => redirect::same_site(&back).to_owned(),
        None => format!("/dashboard#match-{project_id}"),
    };
    state
        .db
        .write(move |conn| {
            crate::services::matches::record_feedback(
                conn,
                &user,
                &investor_id,
                &project_id,
                interest,
            )
        })
        .await?;
    Ok(see_other(&back).finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_in_the_other_language_is_marked_and_the_pages_own_is_plain() {
        let only_id = crate::domain::Localized {
            id: "Bank <sampah>".into(),
            en: " ".into(),
        };
        let shown = Shown::of(Lang::En, &only_id);
        assert_eq!(shown.other, Some(Lang::Id));
        assert_eq!(
            shown.to_string(),
            r#"<span lang="id">Bank &lt;sampah&gt;</span> <small class="other-language" lang="id">(Bahasa Indonesia)</small>"#
        );
        assert_eq!(
            Shown::of(Lang::Id, &only_id).to_string(),
            "Bank &lt;sampah&gt;"
        );
        assert_eq!(localized(Lang::En, &only_id), "Bank <sampah>");
        let both = crate::domain::Localized {
            id: "Surya".into(),
            en: "Solar".into(),
        };
        assert_eq!(Shown::of(Lang::En, &both).to_string(), "Solar");
        assert_eq!(Shown::of(Lang::Id, &both).start(3).text, "Sur");
    }

    #[test]
    fn the_header_marks_the_section_of_this_page() {
        let nav = Nav::of(Lang::En, None, "/opportunities/abc", 0);
        let current: Vec<&str> = nav
            .primary
            .iter()
            .filter(|i| i.current)
            .map(|i| i.href)
            .collect();
        assert_eq!(current, ["/opportunities"], "not Home too");
        assert!(nav.more.is_empty(), "a visitor has no More");
    }

    #[test]
    fn a_page_link_keeps_every_filter_and_the_order() {
        let query = ProjectQuery {
            q: Some("solar".into()),
            region: Some("73.73".into()),
            stage: Some(crate::domain::project::Stage::Idea),
            sort: Some(ProjectSort::Value),
            ..ProjectQuery::default()
        };
        assert_eq!(
            page_link(&query, 2),
            "/opportunities?q=solar&region=73.73&stage=idea&sort=value&page=2"
        );
        assert_eq!(
            page_link(&ProjectQuery::default(), 3),
            "/opportunities?page=3"
        );
    }
}
