//! Emails: what each notification says in the recipient's language (words from
//! `locales/emails.*.toml`), rendered to HTML and plain text from `templates/emails/`, with the
//! meeting's .ics attached, and the mailer that sends them over SMTP or, in development, writes
//! them to files.

use askama::Template;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{FileTransport, Message, SmtpTransport, Transport};
use secrecy::ExposeSecret;
use strum::VariantNames;

use super::kinds::{
    AccountEmail, Digest, MeetingNotice, Notification, OutcomeNotice, Place, ProjectNotice,
    ReminderNotice, RequestNotice, Unreadable, read_payload, read_tagged,
};
use crate::config::{EmailSettings, SmtpTls};
use crate::domain::Localized;
use crate::services::answer_links::Answer;

/// What an email says, before layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Content {
    pub subject: String,
    pub heading: String,
    pub paragraphs: Vec<String>,
    /// Label and value pairs: when, where, with whom.
    pub details: Vec<(String, String)>,
    /// The calendar attachment and its METHOD (REQUEST or CANCEL).
    pub ics: Option<(String, &'static str)>,
    /// A one-click unsubscribe link (List-Unsubscribe), for digests.
    pub unsubscribe: Option<String>,
    /// Buttons to act from the email (label and link): a request's accept and decline.
    pub actions: Vec<(String, String)>,
    pub footer: String,
}

impl Content {
    /// Adds a request's one-click answer links (see [`crate::services::answer_links`]), with a
    /// line saying how they work.
    pub fn add_answers(&mut self, language: &str, links: Vec<(Answer, String)>) {
        if links.is_empty() {
            return;
        }
        let words = Words::of(language);
        self.paragraphs.push(words.say("email.answer_links"));
        self.actions = links
            .into_iter()
            .map(|(answer, link)| (words.say(&format!("email.{}", answer.name())), link))
            .collect();
    }
}

#[derive(Template)]
#[template(path = "emails/notification.html")]
struct HtmlEmail<'a> {
    lang: &'a str,
    content: &'a Content,
}

#[derive(Template)]
#[template(path = "emails/notification.txt")]
struct TextEmail<'a> {
    content: &'a Content,
}

/// An email the outbox delivers, read back from its item's kind and payload.
#[derive(Debug, Clone)]
pub enum Email {
    /// Boxed: a meeting's notification is several times the size of the other emails.
    Notification(Box<Notification>),
    Account(AccountEmail),
    Digest(Digest),
}

impl Email {
    /// Reads an outbox item's payload as the type of its kind.
    pub fn read(kind: &str, payload: &str) -> Result<Self, Unreadable> {
        if kind == Digest::KIND {
            read_payload(kind, payload).map(Email::Digest)
        } else if AccountEmail::VARIANTS.contains(&kind) {
            read_tagged(kind, payload).map(Email::Account)
        } else {
            read_tagged(kind, payload).map(|n| Email::Notification(Box::new(n)))
        }
    }

    /// The request whose email asks its recipient for an answer: one received, an introduction
    /// proposed, or one about to expire.
    pub fn awaiting_answer(&self) -> Option<&RequestNotice> {
        match self {
            Email::Notification(notification) => match notification.as_ref() {
                Notification::RequestReceived(notice)
                | Notification::IntroductionProposed(notice)
                | Notification::RequestExpiring(notice) => Some(notice),
                _ => None,
            },
            _ => None,
        }
    }

    /// The outbox kind; the catalogues name each kind's subject and lead by it.
    pub fn kind(&self) -> &'static str {
        match self {
            Email::Notification(notification) => notification.kind(),
            Email::Account(account) => account.kind(),
            Email::Digest(_) => Digest::KIND,
        }
    }
}

/// Keeps a header value on one line: control characters (CR and LF included) become spaces.
fn one_line(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The words of an email in one language: Indonesian for `id`, English for anything else.
#[derive(Debug, Clone, Copy)]
struct Words {
    locale: &'static str,
}

impl Words {
    fn of(language: &str) -> Self {
        Words {
            locale: if language == "id" { "id" } else { "en" },
        }
    }

    /// A message of the email catalogues.
    fn say(self, key: &str) -> String {
        rust_i18n::t!(key, locale = self.locale).into_owned()
    }

    /// A text written in both languages, in this one.
    fn pick(self, text: &Localized) -> &str {
        if self.locale == "id" {
            &text.id
        } else {
            &text.en
        }
    }
}

/// What an email says after its lead, gathered by the step for its kind.
#[derive(Debug, Default)]
struct Body {
    /// What the email is about: its heading, and its subject after the kind's name.
    about: String,
    paragraphs: Vec<String>,
    details: Vec<(String, String)>,
    ics: Option<(String, &'static str)>,
    unsubscribe: Option<String>,
}

impl Body {
    fn about(about: impl Into<String>) -> Self {
        Body {
            about: about.into(),
            ..Body::default()
        }
    }

    /// A label and value pair, left out when there is no value.
    fn detail(&mut self, words: Words, label: &str, value: &str) {
        if !value.is_empty() {
            self.details.push((words.say(label), value.to_owned()));
        }
    }

    /// Why a request ended or a project went back, when someone said.
    fn reason(&mut self, words: Words, reason: Option<&str>) {
        if let Some(reason) = reason.filter(|r| !r.is_empty()) {
            self.paragraphs
                .push(format!("{}: {reason}", words.say("email.reason")));
        }
    }
}

/// The content of an email in `language` (`id`, or anything else for English): the kind's
/// subject and lead, then what the step for its kind adds.
pub fn content(email: &Email, language: &str) -> Content {
    let words = Words::of(language);
    let body = match email {
        Email::Notification(notification) => notification_body(notification, words),
        Email::Account(account) => account_body(account, words),
        Email::Digest(digest) => digest_body(digest, words),
    };
    let subject = words.say(&format!("email_subject.{}", email.kind()));
    let mut paragraphs = vec![lead(email, words)];
    paragraphs.extend(body.paragraphs);
    Content {
        subject: one_line(&format!("{subject}: {}", body.about)),
        heading: body.about,
        paragraphs,
        details: body.details,
        ics: body.ics,
        unsubscribe: body.unsubscribe,
        actions: Vec::new(),
        footer: words.say("email.footer"),
    }
}

/// The first paragraph: what happened and what to do, in the kind's words.
fn lead(email: &Email, words: Words) -> String {
    if let Email::Notification(notification) = email
        && let Notification::MeetingReminder(reminder) = notification.as_ref()
    {
        return reminder_lead(reminder.reminder.lead_minutes, words);
    }
    words.say(&format!("email_lead.{}", email.kind()))
}

/// A reminder's lead says how soon the meeting starts: in hours from two hours on, else in
/// minutes.
fn reminder_lead(minutes: i32, words: Words) -> String {
    let soon = if minutes >= 120 {
        rust_i18n::t!(
            "email.in_hours",
            locale = words.locale,
            hours = minutes / 60
        )
    } else {
        rust_i18n::t!("email.in_minutes", locale = words.locale, minutes = minutes)
    };
    rust_i18n::t!(
        "email_lead.meeting_reminder",
        locale = words.locale,
        soon = soon
    )
    .into_owned()
}

/// A notification tells of a request, a meeting, a project or an organisation.
fn notification_body(notification: &Notification, words: Words) -> Body {
    use Notification::*;
    match notification {
        RequestReceived(notice) => {
            let mut body = request_body(notice, words);
            let expires = notice.request.expires_at.format("%Y-%m-%d %H:%M UTC");
            body.detail(words, "email.expires", &expires.to_string());
            body
        }
        IntroductionProposed(notice)
        | IntroductionAcceptedByOneSide(notice)
        | RequestAccepted(notice)
        | RequestDeclined(notice)
        | RequestExpired(notice)
        | RequestCancelled(notice)
        | RequestExpiring(notice)
        | OutcomeRecorded(OutcomeNotice {
            request: notice, ..
        }) => request_body(notice, words),
        MeetingScheduled(notice)
        | MeetingMoved(notice)
        | MeetingConfirmed(notice)
        | MeetingReminder(ReminderNotice {
            meeting: notice, ..
        }) => meeting_body(notice, "REQUEST", words),
        MeetingCancelled(notice) => meeting_body(notice, "CANCEL", words),
        ProjectPublished(notice) | ProjectChangesRequested(notice) => project_body(notice, words),
        InvestorVerified(notice) => Body::about(&notice.investor.name),
        SavedSearchMatched(notice) => {
            let mut body = Body::about(words.pick(&notice.project.title));
            body.detail(words, "email.saved_search", &notice.search.name);
            body.detail(words, "email.region", &notice.project.region_name);
            body
        }
        MessageReceived(notice) => {
            let mut body = Body::about(&notice.subject);
            body.paragraphs.push(format!("“{}”", notice.excerpt));
            body.detail(words, "email.from", &notice.from);
            body
        }
    }
}

/// A request: about its two sides, with the asker's message, why it ended, and the event.
fn request_body(notice: &RequestNotice, words: Words) -> Body {
    let (investor, host) = (&notice.investor.name, &notice.host.name);
    let mut body = Body::about(if host.is_empty() {
        investor.clone()
    } else {
        format!("{investor} – {host}")
    });
    if !notice.request.message.is_empty() {
        body.paragraphs
            .push(format!("“{}”", notice.request.message));
    }
    body.reason(words, notice.request.reason.as_deref());
    body.detail(words, "email.event", &notice.event.name);
    let preferred: Vec<String> = notice
        .request
        .preferred
        .iter()
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .collect();
    body.detail(words, "email.preferred", &preferred.join(", "));
    // Without a host's name the heading names the investor already.
    if !host.is_empty() {
        body.detail(words, "email.investor", investor);
    }
    body.detail(words, "email.region", host);
    body
}

/// A meeting: its request's, then when and where at the venue, with the calendar entry
/// (`method` REQUEST, or CANCEL to take it off calendars).
fn meeting_body(notice: &MeetingNotice, method: &'static str, words: Words) -> Body {
    let mut body = request_body(&notice.request, words);
    let meeting = &notice.meeting;
    let (venue, city, zone) = meeting
        .venue
        .as_ref()
        .map_or(("", "", ""), |v| (&*v.name, &*v.city, &*v.time_zone));
    let place = words.say(match meeting.place {
        Place::Table => "email.table",
        Place::Room => "email.room",
    });
    let starts = meeting.venue_starts_at.format("%Y-%m-%d %H:%M");
    body.details
        .push((words.say("email.when"), format!("{starts} ({zone})")));
    body.details.push((
        words.say("email.where"),
        format!("{venue}, {city} ({place} {})", meeting.seat),
    ));
    body.ics = Some((meeting.ics.clone(), method));
    body
}

/// A step of a project's review: about the project, with the reviewer's comment and region.
fn project_body(notice: &ProjectNotice, words: Words) -> Body {
    let mut body = Body::about(words.pick(&notice.project.title));
    body.reason(words, notice.comment.as_deref());
    body.detail(words, "email.region", &notice.project.region_name);
    body
}

/// An account email: to the person by name, with the secret link and until when it works.
fn account_body(email: &AccountEmail, words: Words) -> Body {
    let (link, region) = match email {
        AccountEmail::RegistrationAttempt(help) => {
            let mut body = Body::about(&help.to.name);
            body.detail(words, "email.sign_in", &help.sign_in);
            body.detail(words, "email.reset_password", &help.reset);
            return body;
        }
        AccountEmail::OfficialInvitation(invitation) => {
            (&invitation.link, Some(&invitation.region))
        }
        AccountEmail::PasswordReset(link) | AccountEmail::EmailVerification(link) => (link, None),
    };
    let mut body = Body::about(&link.to.name);
    body.paragraphs.push(link.link.clone());
    if let Some(region) = region {
        body.detail(words, "email.region", &region.name);
    }
    body.detail(words, "email.valid_until", &link.valid_until);
    body
}

/// A digest: a line per project with its score and reasons, and the way to stop it.
fn digest_body(digest: &Digest, words: Words) -> Body {
    let mut body = Body::about(&digest.investor.name);
    for project in &digest.projects {
        let why: Vec<&str> = project.reasons.iter().map(|r| words.pick(r)).collect();
        body.paragraphs.push(format!(
            "• {} ({}: {:.0}%). {}",
            words.pick(&project.title),
            words.say("email.match"),
            project.score,
            why.join(" ")
        ));
    }
    for search in &digest.searches {
        body.paragraphs.push(
            rust_i18n::t!(
                "email.search_found",
                locale = words.locale,
                name = search.name,
                count = search.total
            )
            .into_owned()
                + ":",
        );
        for project in &search.projects {
            body.paragraphs.push(format!(
                "• {} ({})",
                words.pick(&project.title),
                project.region_name
            ));
        }
        body.paragraphs
            .push(format!("{}: {}", words.say("email.see_all"), search.link));
    }
    body.paragraphs.push(format!(
        "{}: {}",
        words.say("email.stop_digest"),
        digest.unsubscribe
    ));
    body.unsubscribe = Some(digest.unsubscribe.clone());
    body
}

/// A rendered email: who, what, and the stable Message-ID derived from its outbox id.
pub fn message(
    from: &Mailbox,
    to: Mailbox,
    outbox_id: &str,
    language: &str,
    content: &Content,
) -> Result<Message, String> {
    let html = HtmlEmail {
        lang: Words::of(language).locale,
        content,
    }
    .render()
    .map_err(|e| e.to_string())?;
    let plain = TextEmail { content }.render().map_err(|e| e.to_string())?;
    let domain = from.email.domain().to_owned();
    let alternative = MultiPart::alternative_plain_html(plain, html);
    let body = match &content.ics {
        Some((ics, method)) => {
            let kind =
                ContentType::parse(&format!("text/calendar; method={method}; charset=UTF-8"))
                    .map_err(|e| e.to_string())?;
            MultiPart::mixed()
                .multipart(alternative)
                .singlepart(Attachment::new("invite.ics".into()).body(ics.clone(), kind))
        }
        None => alternative,
    };
    let mut builder = Message::builder()
        .message_id(Some(format!("<{outbox_id}@{domain}>")))
        .from(from.clone())
        .to(to)
        .subject(content.subject.clone());
    if let Some(link) = &content.unsubscribe {
        // RFC 8058 one-click unsubscribe: mail clients POST to the link.
        builder = builder
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{}>", one_line(link)),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".into(),
            ));
    }
    builder.multipart(body).map_err(|e| e.to_string())
}

/// A recipient's mailbox; names lose control characters so that no header can be injected.
pub fn mailbox(name: &str, address: &str) -> Result<Mailbox, String> {
    let address = address.parse().map_err(|e| format!("{address}: {e}"))?;
    Ok(Mailbox::new(Some(one_line(name)), address))
}

/// Sends email over SMTP, or writes it to files when no SMTP server is configured.
pub enum Mailer {
    Smtp(Box<SmtpTransport>),
    Files(FileTransport),
}

impl Mailer {
    pub fn from_settings(settings: &EmailSettings) -> anyhow::Result<Self> {
        if settings.smtp_host.trim().is_empty() {
            std::fs::create_dir_all(&settings.file_dir)?;
            return Ok(Mailer::Files(FileTransport::new(&settings.file_dir)));
        }
        let host = settings.smtp_host.trim();
        let tls = match settings.smtp_tls {
            SmtpTls::None => Tls::None,
            SmtpTls::Starttls => Tls::Required(TlsParameters::new(host.to_owned())?),
            SmtpTls::Tls => Tls::Wrapper(TlsParameters::new(host.to_owned())?),
        };
        let mut builder = SmtpTransport::builder_dangerous(host)
            .port(settings.smtp_port)
            .tls(tls)
            .timeout(Some(std::time::Duration::from_secs(20)));
        if !settings.smtp_username.is_empty() {
            builder = builder.credentials(Credentials::new(
                settings.smtp_username.clone(),
                settings.smtp_password.expose_secret().to_owned(),
            ));
        }
        Ok(Mailer::Smtp(Box::new(builder.build())))
    }

    /// Where mail goes, for the start-up log.
    pub fn describe(settings: &EmailSettings) -> String {
        if settings.smtp_host.trim().is_empty() {
            format!(
                "no SMTP server configured (email.smtp_host): emails are written as .eml files to {}",
                settings.file_dir
            )
        } else {
            format!("emails go to {}:{}", settings.smtp_host, settings.smtp_port)
        }
    }

    pub fn send(&self, message: &Message) -> Result<(), String> {
        match self {
            Mailer::Smtp(smtp) => smtp.send(message).map(drop).map_err(|e| e.to_string()),
            Mailer::Files(files) => files.send(message).map(drop).map_err(|e| e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::KINDS;
    use crate::notify::kinds::{columns, payload_of};
    use serde_json::{Value, json};

    /// A request as notifications store it.
    fn request() -> Value {
        json!({
            "event": {"id": "e", "name": "Sulawesi Forum"},
            "request": {"id": "r", "status": "pending", "origin": "investor",
                        "message": "About the solar plant", "reason": null,
                        "expires_at": "2026-12-01T10:00:00Z",
                        "investor_accepted": true, "host_accepted": false,
                        "preferred": ["2026-12-08T01:00:00Z"]},
            "investor": {"participant_id": "p-1", "name": "Asagiri Fund"},
            "host": {"participant_id": "p-2", "name": "Kota Palopo"}
        })
    }

    /// A meeting as notifications store it.
    fn payload() -> Value {
        let mut p = request();
        p["meeting"] = json!({
            "id": "m", "uid": "m@sepadan", "sequence": 1, "status": "scheduled",
            "starts_at": "2026-12-20T02:30:00Z", "ends_at": "2026-12-20T03:00:00Z",
            "venue": {"id": "v", "name": "JCC", "city": "Jakarta", "time_zone": "Asia/Jakarta"},
            "venue_starts_at": "2026-12-20T09:30:00+07:00", "seat": 3, "place": "table",
            "ics": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
        });
        p
    }

    fn project(comment: Option<&str>) -> Value {
        json!({"project": {"id": "pr", "title": {"id": "PLTS Pasar", "en": "Market solar"},
                           "region": "73.73", "region_name": "Kota Palopo", "status": "published"},
               "comment": comment})
    }

    fn secret_link() -> Value {
        json!({"to": {"name": "Sari", "language": "id"}, "link": "https://sepadan.example/x?token=t",
               "valid_until": "2026-12-01 10:00 UTC"})
    }

    /// A stored payload of every kind of email.
    fn samples() -> Vec<(&'static str, Value)> {
        let mut reminder = payload();
        reminder["reminder"] = json!({"lead_minutes": 1440});
        let mut outcome = request();
        outcome["meeting"] = json!({"id": "m", "starts_at": "2026-12-20T02:30:00Z"});
        outcome["outcome"] = json!({"attendance": "held",
                                    "follow_up": {"stage": "mou", "amount": null}});
        let mut invitation = secret_link();
        invitation["region"] = json!({"code": "73.73", "name": "Kota Palopo"});
        let digest = json!({
            "investor": {"id": "i", "name": "Asagiri Fund"},
            "projects": [{"id": "pr", "title": {"id": "PLTS Pasar", "en": "Market solar"},
                          "region": "73.73", "score": 87.0,
                          "reasons": [{"id": "Sektor cocok.", "en": "The sector fits."}]}],
            "searches": [{"name": "Solar", "total": 7,
                          "link": "https://sepadan.example/opportunities?q=solar",
                          "projects": [{"id": "pr", "title": {"id": "PLTS Pasar", "en": "Market solar"},
                                        "region_name": "Kota Palopo"}]}],
            "unsubscribe": "https://sepadan.example/api/v1/unsubscribe?user=u&signature=s"
        });
        let requests = [
            "request_received",
            "introduction_proposed",
            "introduction_accepted_by_one_side",
            "request_accepted",
            "request_declined",
            "request_expired",
            "request_cancelled",
            "request_expiring",
        ]
        .map(|kind| (kind, request()));
        let meetings = [
            "meeting_scheduled",
            "meeting_moved",
            "meeting_confirmed",
            "meeting_cancelled",
        ]
        .map(|kind| (kind, payload()));
        let others = [
            ("meeting_reminder", reminder),
            ("outcome_recorded", outcome),
            ("project_published", project(None)),
            (
                "project_changes_requested",
                project(Some("Add the land status")),
            ),
            (
                "investor_verified",
                json!({"investor": {"id": "i", "name": "Asagiri Fund"}}),
            ),
            (
                "message_received",
                json!({"conversation_id": "c", "subject": "Land status of the solar site",
                       "from": "Asagiri Fund", "excerpt": "Is the land certified?"}),
            ),
            (
                "saved_search_matched",
                json!({"search": {"id": "s", "name": "Solar in Sulawesi Selatan"},
                       "project": {"id": "pr", "title": {"id": "PLTS Pasar", "en": "Market solar"},
                                   "region": "73.73", "region_name": "Kota Palopo",
                                   "status": "published"}}),
            ),
            ("matches_digest", digest),
            ("official_invitation", invitation),
            ("password_reset", secret_link()),
            ("email_verification", secret_link()),
            (
                "registration_attempt",
                json!({"to": {"name": "Sari", "language": "id"},
                       "sign_in": "https://sepadan.example/sign-in",
                       "reset": "https://sepadan.example/forgot-password"}),
            ),
        ];
        requests.into_iter().chain(meetings).chain(others).collect()
    }

    fn read(kind: &str, payload: &Value) -> Email {
        Email::read(kind, &payload.to_string()).unwrap()
    }

    #[test]
    fn an_invitation_speaks_the_recipients_language_and_carries_the_ics() {
        let en = content(&read("meeting_scheduled", &payload()), "en");
        assert_eq!(en.subject, "Meeting invitation: Asagiri Fund – Kota Palopo");
        assert!(
            en.details
                .contains(&("When".into(), "2026-12-20 09:30 (Asia/Jakarta)".into()))
        );
        assert_eq!(en.ics.as_ref().map(|i| i.1), Some("REQUEST"));
        let id = content(&read("meeting_cancelled", &payload()), "id");
        assert_eq!(
            id.subject,
            "Pertemuan dibatalkan: Asagiri Fund – Kota Palopo"
        );
        assert_eq!(id.ics.as_ref().map(|i| i.1), Some("CANCEL"));
    }

    #[test]
    fn review_and_verification_emails_name_what_they_are_about() {
        let c = content(&read("project_published", &project(None)), "en");
        assert_eq!(c.subject, "Project published: Market solar");
        assert!(c.details.contains(&("Region".into(), "Kota Palopo".into())));
        let changes = project(Some("Add the land status"));
        let c = content(&read("project_changes_requested", &changes), "id");
        assert_eq!(c.subject, "Proyek perlu diperbaiki: PLTS Pasar");
        assert!(
            c.paragraphs
                .iter()
                .any(|p| p == "Alasan: Add the land status")
        );
        let verified = json!({"investor": {"id": "i", "name": "Asagiri Fund"}});
        assert_eq!(
            content(&read("investor_verified", &verified), "en").subject,
            "Your organisation is verified: Asagiri Fund"
        );
    }

    #[test]
    fn a_line_break_in_a_name_cannot_add_a_header() {
        let mut p = payload();
        p["investor"]["name"] = json!("Evil\r\nBcc: victim@example.com");
        let c = content(&read("request_received", &p), "en");
        assert!(!c.subject.contains('\n') && !c.subject.contains('\r'));
        let from = mailbox("Sepadan", "no-reply@sepadan.local").unwrap();
        let to = mailbox("Evil\r\nBcc: victim@example.com", "x@example.com").unwrap();
        let formatted = message(&from, to, "o-1", "en", &c).unwrap().formatted();
        let text = String::from_utf8_lossy(&formatted);
        let head = text.split("\r\n\r\n").next().unwrap();
        assert!(!head.contains("\r\nBcc:"), "{head}");
        assert!(head.contains("Message-ID: <o-1@sepadan.local>"));
    }

    #[test]
    fn every_kind_has_a_subject_and_a_lead_in_both_languages() {
        let samples = samples();
        for kind in KINDS
            .iter()
            .chain(AccountEmail::VARIANTS)
            .chain([&Digest::KIND])
        {
            assert!(samples.iter().any(|(k, _)| k == kind), "a sample of {kind}");
        }
        for (kind, payload) in &samples {
            let email = read(kind, payload);
            assert_eq!(email.kind(), *kind);
            let [id, en] = ["id", "en"].map(|language| content(&email, language));
            for c in [&id, &en] {
                let (subject, about) = c.subject.split_once(": ").unwrap();
                assert!(
                    !subject.is_empty() && !subject.contains("email_subject."),
                    "{kind}: {subject}"
                );
                assert!(!about.is_empty(), "{kind} names what it is about");
                let lead = &c.paragraphs[0];
                assert!(
                    !lead.is_empty() && !lead.contains("email_lead.") && !lead.contains("%{"),
                    "{kind}: {lead}"
                );
            }
            assert_ne!(id.subject, en.subject, "{kind} has its Indonesian subject");
            assert_ne!(
                id.paragraphs[0], en.paragraphs[0],
                "{kind} has its Indonesian lead"
            );
        }
    }

    #[test]
    fn every_kind_is_stored_in_the_shape_it_is_read_from() {
        for (kind, payload) in samples() {
            let (stored_kind, stored) = match read(kind, &payload) {
                Email::Notification(notification) => columns(&notification).unwrap(),
                Email::Account(account) => columns(&account).unwrap(),
                Email::Digest(digest) => (Digest::KIND.into(), payload_of(&digest).unwrap()),
            };
            assert_eq!(stored_kind, kind);
            assert_eq!(stored.to_string(), payload.to_string(), "{kind}");
        }
    }

    #[test]
    fn a_reminder_says_how_soon_in_hours_or_minutes() {
        let mut p = payload();
        for (minutes, language, lead) in [
            (1440, "en", "Your meeting starts in 24 hours."),
            (120, "id", "Pertemuan Anda dimulai dalam 2 jam."),
            (90, "en", "Your meeting starts in 90 minutes."),
            (30, "id", "Pertemuan Anda dimulai dalam 30 menit."),
        ] {
            p["reminder"] = json!({"lead_minutes": minutes});
            let c = content(&read("meeting_reminder", &p), language);
            assert_eq!(c.paragraphs[0], lead);
        }
    }

    #[test]
    fn an_unreadable_payload_is_an_error_that_says_what_does_not_fit() {
        let mut p = request();
        p["request"].as_object_mut().unwrap().remove("expires_at");
        let error = Email::read("request_received", &p.to_string())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("request_received") && error.contains("expires_at"),
            "{error}"
        );
        let error = Email::read("request_received", "{}")
            .unwrap_err()
            .to_string();
        assert!(error.contains("missing field"), "{error}");
        let error = Email::read("no_such_kind", &request().to_string())
            .unwrap_err()
            .to_string();
        assert!(error.contains("no_such_kind"), "{error}");
        assert!(Email::read("matches_digest", "not json").is_err());
    }

    #[test]
    fn both_email_catalogues_have_the_same_keys_and_placeholders() {
        /// Every message of a catalogue, by its dotted key, with the `%{…}` placeholders it fills.
        fn messages(language: &str) -> Vec<(String, Vec<String>)> {
            fn walk(prefix: &str, table: &toml::Table, out: &mut Vec<(String, Vec<String>)>) {
                for (key, value) in table {
                    let key = format!("{prefix}{key}");
                    match value {
                        toml::Value::Table(inner) => walk(&format!("{key}."), inner, out),
                        toml::Value::String(text) => {
                            let mut holes: Vec<String> = text
                                .split("%{")
                                .skip(1)
                                .filter_map(|rest| rest.split_once('}'))
                                .map(|(hole, _)| hole.to_owned())
                                .collect();
                            holes.sort();
                            out.push((key, holes));
                        }
                        other => panic!("{key} is not a message: {other}"),
                    }
                }
            }
            let path = format!(
                "{}/locales/emails.{language}.toml",
                env!("CARGO_MANIFEST_DIR")
            );
            let table: toml::Table = std::fs::read_to_string(path).unwrap().parse().unwrap();
            let mut out = Vec::new();
            walk("", &table, &mut out);
            out.sort();
            out
        }
        let (id, en) = (messages("id"), messages("en"));
        assert!(!en.is_empty());
        assert_eq!(id, en, "emails.id.toml and emails.en.toml differ");
    }
}
