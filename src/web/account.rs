//! The pages behind the links in account emails: accepting an invitation, resetting a forgotten
//! password, confirming an address. Each link opens a form; the form's POST spends the secret.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use std::str::FromStr;

use serde::Deserialize;

use super::form::{Field, Problems, with_limits};
use super::i18n::Lang;
use super::session::{self, Visitor};
use super::{Page, html, see_other};
use crate::auth::accounts::{self, Language};
use crate::auth::password;
use crate::domain::text;
use crate::error::AppError;
use crate::services::accounts::{
    self as service, AcceptInvitationInput, RegisterInput, ResetInput,
};
use crate::state::AppState;
use crate::throttle::ClientAddress;
use crate::web::PageResult;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/accept-invitation", web::get().to(invitation_form))
        .route("/accept-invitation", web::post().to(accept_invitation))
        .route("/reset-password", web::get().to(reset_form))
        .route("/reset-password", web::post().to(reset_password))
        .route("/forgot-password", web::get().to(forgot_form))
        .route("/forgot-password", web::post().to(forgot_password))
        .route("/verify-email", web::get().to(verify_form))
        .route("/verify-email", web::post().to(verify_email))
        .route("/register", web::get().to(register_form))
        .route("/register", web::post().to(register));
}

/// One account step: a form, or (done) the outcome with a way to sign in.
#[derive(Template)]
#[template(path = "pages/account.html")]
struct AccountPage {
    page: Page,
    title: String,
    lead: String,
    /// Why the step cannot be done at all (an unusable link).
    problem: Option<String>,
    /// What the fields need.
    problems: Problems,
    done: bool,
    action: &'static str,
    hidden: Vec<(&'static str, String)>,
    /// Field name, label, input type and autocomplete hint.
    inputs: Vec<(&'static str, String, &'static str, &'static str)>,
    submit: String,
}

/// An input of a step's form.
struct Input {
    field: Field,
    /// The input's type.
    kind: &'static str,
    /// The browser's autocomplete hint.
    autocomplete: &'static str,
}

/// What a step's form looks like.
struct Step {
    title: &'static str,
    lead: &'static str,
    action: &'static str,
    inputs: &'static [Input],
    submit: &'static str,
}

const INVITATION: Step = Step {
    title: "account.invitation_title",
    lead: "account.invitation_lead",
    action: "/accept-invitation",
    inputs: &[Input {
        field: Field::new("password", "password", "account.password", "forms.password")
            .between(password::MIN_LEN, password::MAX_LEN),
        kind: "password",
        autocomplete: "new-password",
    }],
    submit: "account.confirm",
};
const RESET: Step = Step {
    title: "account.reset_title",
    lead: "account.reset_lead",
    action: "/reset-password",
    inputs: &[Input {
        field: Field::new(
            "password",
            "password",
            "account.new_password",
            "forms.password",
        )
        .between(password::MIN_LEN, password::MAX_LEN),
        kind: "password",
        autocomplete: "new-password",
    }],
    submit: "account.confirm",
};
const FORGOT: Step = Step {
    title: "account.forgot_title",
    lead: "account.forgot_lead",
    action: "/forgot-password",
    inputs: &[Input {
        field: Field::new("email", "email", "account.email", "forms.email"),
        kind: "email",
        autocomplete: "username",
    }],
    submit: "account.send_link",
};
const VERIFY: Step = Step {
    title: "account.verify_title",
    lead: "account.verify_lead",
    action: "/verify-email",
    inputs: &[],
    submit: "account.confirm",
};

/// What went wrong with a step's form: the link, or the fields.
enum Trouble {
    Link(String),
    Fields(Problems),
}

/// A step's form as a link (or the navigation) opens it: empty but for the link's secret.
fn opened(req: &HttpRequest, visitor: &Visitor, step: &Step, link: Option<Link>) -> HttpResponse {
    let token = link.and_then(|l| l.token);
    render(Page::new(req, visitor), step, StatusCode::OK, token, None)
}

fn render(
    page: Page,
    step: &Step,
    status: StatusCode,
    token: Option<String>,
    trouble: Option<Trouble>,
) -> HttpResponse {
    let (problem, problems) = match trouble {
        None => (None, Problems::default()),
        Some(Trouble::Link(problem)) => (Some(problem), Problems::default()),
        Some(Trouble::Fields(problems)) => (None, problems),
    };
    let body = AccountPage {
        title: page.t(step.title),
        // The password steps' leads say how long a password may be.
        lead: with_limits(
            page.lang,
            step.lead,
            Some(password::MIN_LEN),
            Some(password::MAX_LEN),
        ),
        problem,
        problems,
        done: false,
        action: step.action,
        hidden: token.map(|t| ("token", t)).into_iter().collect(),
        inputs: step
            .inputs
            .iter()
            .map(|i| (i.field.id, page.t(i.field.label), i.kind, i.autocomplete))
            .collect(),
        submit: page.t(step.submit),
        page,
    }
    .render();
    html(status, body)
}

/// The outcome of a step, with a way to sign in.
fn done(page: Page, title: &str, message: &str) -> HttpResponse {
    let body = AccountPage {
        title: page.t(title),
        lead: page.t(message),
        problem: None,
        problems: Problems::default(),
        done: true,
        action: "",
        hidden: Vec::new(),
        inputs: Vec::new(),
        submit: String::new(),
        page,
    }
    .render();
    html(StatusCode::OK, body)
}

/// A step that failed: an unusable link, or a value to correct (the form comes back).
fn failed(req: &HttpRequest, step: &Step, token: String, error: AppError) -> PageResult {
    let page = Page::of(req);
    match error {
        AppError::Unauthenticated(_) => {
            let problem = Trouble::Link(page.t("account.invalid_link"));
            Ok(render(
                page,
                step,
                StatusCode::UNAUTHORIZED,
                None,
                Some(problem),
            ))
        }
        AppError::Validation { fields, .. } => {
            let form = step.inputs.iter().map(|i| &i.field);
            let problems = Problems::of_errors(page.lang, form, &fields);
            Ok(render(
                page,
                step,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(token),
                Some(Trouble::Fields(problems)),
            ))
        }
        other => Err(other),
    }
}

/// The secret a link carries.
#[derive(Debug, Deserialize)]
struct Link {
    token: Option<String>,
}

async fn invitation_form(
    req: HttpRequest,
    visitor: Visitor,
    link: web::Query<Link>,
) -> HttpResponse {
    opened(&req, &visitor, &INVITATION, Some(link.into_inner()))
}

/// A secret and a password, from the invitation and reset forms.
#[derive(Debug, Deserialize)]
struct SecretAndPassword {
    token: String,
    password: String,
}

/// Creates the official's account and signs it in.
async fn accept_invitation(
    req: HttpRequest,
    state: web::Data<AppState>,
    client: ClientAddress,
    form: web::Form<SecretAndPassword>,
) -> PageResult {
    let SecretAndPassword { token, password } = form.into_inner();
    let language = match Lang::of(&req) {
        Lang::Id => Language::Indonesian,
        Lang::En => Language::English,
    };
    let input = AcceptInvitationInput {
        token: token.clone(),
        password,
        language,
    };
    let joined = service::accept_invitation(&state, input, client, |conn, row| {
        accounts::start_browser_session(conn, &row.id)
    })
    .await;
    match joined {
        Ok(cookie) => Ok(see_other("/opportunities")
            .cookie(session::cookie(&state, &cookie))
            .finish()),
        Err(e) => failed(&req, &INVITATION, token, e),
    }
}

async fn reset_form(req: HttpRequest, visitor: Visitor, link: web::Query<Link>) -> HttpResponse {
    opened(&req, &visitor, &RESET, Some(link.into_inner()))
}

async fn reset_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<SecretAndPassword>,
) -> PageResult {
    let SecretAndPassword { token, password } = form.into_inner();
    let input = ResetInput {
        token: token.clone(),
        password,
    };
    let reset = service::reset_password(&state, input).await;
    match reset {
        Ok(()) => Ok(done(Page::of(&req), RESET.title, "account.reset_done")),
        Err(e) => failed(&req, &RESET, token, e),
    }
}

async fn forgot_form(req: HttpRequest, visitor: Visitor) -> HttpResponse {
    opened(&req, &visitor, &FORGOT, None)
}

/// An address for the reset link.
#[derive(Debug, Deserialize)]
struct Address {
    email: String,
}

/// Sends the reset link when the address has an account; does and says the same either way.
async fn forgot_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    client: ClientAddress,
    form: web::Form<Address>,
) -> PageResult {
    let email = form.into_inner().email;
    match service::request_password_reset(&state, &email, client).await {
        Ok(()) => Ok(done(Page::of(&req), FORGOT.title, "account.forgot_sent")),
        Err(AppError::Validation { fields, .. }) => {
            let form = FORGOT.inputs.iter().map(|i| &i.field);
            let problems = Problems::of_errors(Page::of(&req).lang, form, &fields);
            Ok(render(
                Page::of(&req),
                &FORGOT,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(Trouble::Fields(problems)),
            ))
        }
        Err(e) => Err(e),
    }
}

async fn verify_form(req: HttpRequest, visitor: Visitor, link: web::Query<Link>) -> HttpResponse {
    opened(&req, &visitor, &VERIFY, Some(link.into_inner()))
}

/// A secret alone, from the verification form.
#[derive(Debug, Deserialize)]
struct Secret {
    token: String,
}

async fn verify_email(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<Secret>,
) -> PageResult {
    let token = form.into_inner().token;
    let secret = token.clone();
    let verified = state
        .db
        .write(move |conn| accounts::verify_email(conn, &secret))
        .await;
    match verified {
        Ok(()) => Ok(done(Page::of(&req), VERIFY.title, "account.verified")),
        Err(e) => failed(&req, &VERIFY, token, e),
    }
}

/// The kinds of investor organisation, in the form's order.
const KINDS: [&str; 5] = ["company", "fund", "dfi", "soe", "angel"];

/// The registration form's fields, as typed.
#[derive(Debug, Default, Deserialize)]
struct Registration {
    name: String,
    email: String,
    #[serde(default)]
    password: String,
    organisation: String,
    kind: String,
    country: String,
}

/// The registration form's fields as the account and organisation rules name them; the
/// organisation's contact is the person registering.
const REGISTRATION: [Field; 8] = [
    Field::new("name", "name", "register.name", "forms.person_name").at_most(text::PERSON_NAME),
    Field::new("email", "email", "account.email", "forms.email"),
    Field::new("password", "password", "account.password", "forms.password")
        .between(password::MIN_LEN, password::MAX_LEN),
    Field::new(
        "organisation.name",
        "organisation",
        "register.organisation",
        "forms.organisation_name",
    )
    .at_most(text::NAME),
    Field::new("kind", "kind", "register.kind", "forms.choice"),
    Field::new(
        "organisation.country",
        "country",
        "register.country",
        "forms.country_choice",
    ),
    Field::new(
        "organisation.contact_name",
        "name",
        "register.name",
        "forms.person_name",
    )
    .at_most(text::PERSON_NAME),
    Field::new(
        "organisation.contact_email",
        "email",
        "account.email",
        "forms.email",
    ),
];

#[derive(Template)]
#[template(path = "pages/register.html")]
struct RegisterPage {
    page: Page,
    problems: Problems,
    name: String,
    email: String,
    organisation: String,
    /// Every country by name, the one given chosen.
    countries: Vec<(String, String, bool)>,
    /// Code, label and whether it is chosen.
    kinds: Vec<(&'static str, String, bool)>,
}

fn register_page(page: Page, typed: &Registration, problems: Problems) -> RegisterPage {
    RegisterPage {
        kinds: KINDS
            .iter()
            .map(|k| (*k, page.t(&format!("kind.{k}")), typed.kind == *k))
            .collect(),
        problems,
        name: typed.name.clone(),
        email: typed.email.clone(),
        organisation: typed.organisation.clone(),
        countries: super::pickers::country_choices(page.lang, &typed.country),
        page,
    }
}

async fn register_form(req: HttpRequest, visitor: Visitor) -> HttpResponse {
    let page = Page::new(&req, &visitor);
    html(
        StatusCode::OK,
        register_page(page, &Registration::default(), Problems::default()).render(),
    )
}

/// Registers an investor organisation with its first user; the page then says to confirm the
/// address from the email. An address that already has an account gets the same page (its
/// owner gets an email instead). A form with problems comes back with the input kept (the
/// password excepted).
async fn register(
    req: HttpRequest,
    state: web::Data<AppState>,
    client: ClientAddress,
    form: web::Form<Registration>,
) -> PageResult {
    let typed = form.into_inner();
    let page = Page::of(&req);
    let language = match page.lang {
        Lang::Id => Language::Indonesian,
        Lang::En => Language::English,
    };
    let refused = |page: Page, problems: Problems| {
        html(
            StatusCode::UNPROCESSABLE_ENTITY,
            register_page(page, &typed, problems).render(),
        )
    };
    let Ok(kind) = crate::domain::project::InvestorKind::from_str(&typed.kind) else {
        let problems = Problems::of(page.lang, &REGISTRATION, ["kind"]);
        return Ok(refused(page, problems));
    };
    let input = RegisterInput {
        email: typed.email.clone(),
        password: typed.password.clone(),
        name: typed.name.clone(),
        language,
        organisation: crate::services::investors::OrganisationInput {
            name: typed.organisation.clone(),
            kind,
            country: typed.country.clone(),
            website: None,
            description: String::new(),
            contact_name: Some(typed.name.clone()),
            contact_email: Some(typed.email.clone()),
            contact_phone: None,
        },
    };
    match service::register(&state, input, client).await {
        Ok(_) => Ok(done(page, "register.sent_title", "register.sent")),
        Err(AppError::Validation { fields, .. }) => {
            let problems = Problems::of_errors(page.lang, &REGISTRATION, &fields);
            Ok(refused(page, problems))
        }
        Err(e) => Err(e),
    }
}
