//! Emails: what each notification says in Indonesian and English, rendered to HTML and plain
//! text from `templates/emails/`, with the meeting's .ics attached, and the mailer that sends them
//! over SMTP or, in development, writes them to files.

use askama::Template;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{FileTransport, Message, SmtpTransport, Transport};
use secrecy::ExposeSecret;
use serde_json::Value;

use crate::config::{EmailSettings, SmtpTls};

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
    pub footer: String,
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

fn text<'a>(payload: &'a Value, pointer: &str) -> &'a str {
    payload
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// Keeps a header value on one line: control characters (CR and LF included) become spaces.
fn one_line(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The content of a notification email in `language` (`id` or anything else for English).
pub fn content(kind: &str, language: &str, payload: &Value) -> Content {
    let id = language == "id";
    let t = |indonesian: &str, english: &str| {
        if id {
            indonesian.to_owned()
        } else {
            english.to_owned()
        }
    };
    let investor = text(payload, "/investor/name");
    let host = text(payload, "/host/name");
    let event = text(payload, "/event/name");
    let project_title = payload
        .pointer(if id {
            "/project/title/id"
        } else {
            "/project/title/en"
        })
        .and_then(Value::as_str);
    let addressee = text(payload, "/to/name");
    // What the email is about: a project, an organisation, a meeting's two sides, or the
    // person's own account.
    let about = match (project_title, host.is_empty()) {
        (Some(title), _) => title.to_owned(),
        (None, false) => format!("{investor} – {host}"),
        (None, true) if !investor.is_empty() => investor.to_owned(),
        (None, true) => addressee.to_owned(),
    };
    let message = text(payload, "/request/message");
    let reason = match text(payload, "/request/reason") {
        "" => text(payload, "/comment"),
        reason => reason,
    };
    let mut paragraphs = Vec::new();
    let (subject, lead) = match kind {
        "request_received" => (
            t("Permintaan pertemuan", "Meeting request"),
            t(
                "Ada permintaan pertemuan untuk Anda. Terima atau tolak di Sepadan sebelum kedaluwarsa.",
                "You have a meeting request. Accept or decline it in Sepadan before it expires.",
            ),
        ),
        "introduction_proposed" => (
            t("Usulan perkenalan", "Introduction proposed"),
            t(
                "Tim program mengusulkan pertemuan ini berdasarkan kecocokan. Pertemuan dijadwalkan setelah kedua pihak menerima.",
                "Programme staff propose this meeting from your matches. It is scheduled once both sides accept.",
            ),
        ),
        "introduction_accepted_by_one_side" => (
            t(
                "Satu pihak menerima perkenalan",
                "One side accepted the introduction",
            ),
            t(
                "Satu pihak telah menerima; pertemuan menunggu jawaban pihak lain.",
                "One side has accepted; the meeting waits for the other's answer.",
            ),
        ),
        "request_accepted" => (
            t("Permintaan pertemuan diterima", "Meeting request accepted"),
            t(
                "Kedua pihak setuju bertemu. Anda akan menerima undangan setelah jadwal dibuat.",
                "Both sides agreed to meet. You will receive an invitation once the schedule is made.",
            ),
        ),
        "request_declined" => (
            t("Permintaan pertemuan ditolak", "Meeting request declined"),
            t(
                "Permintaan pertemuan ini ditolak.",
                "This meeting request was declined.",
            ),
        ),
        "request_expired" => (
            t(
                "Permintaan pertemuan kedaluwarsa",
                "Meeting request expired",
            ),
            t(
                "Permintaan ini tidak dijawab tepat waktu dan telah kedaluwarsa. Anda dapat mengajukannya lagi.",
                "This request was not answered in time and has expired. You may ask again.",
            ),
        ),
        "request_cancelled" => (
            t(
                "Permintaan pertemuan dibatalkan",
                "Meeting request cancelled",
            ),
            t(
                "Permintaan pertemuan ini dibatalkan.",
                "This meeting request was cancelled.",
            ),
        ),
        "meeting_scheduled" => (
            t("Undangan pertemuan", "Meeting invitation"),
            t(
                "Pertemuan Anda telah dijadwalkan. Undangan kalender terlampir.",
                "Your meeting is scheduled. The calendar invitation is attached.",
            ),
        ),
        "meeting_moved" => (
            t("Pertemuan dipindahkan", "Meeting moved"),
            t(
                "Waktu atau tempat pertemuan Anda berubah. Undangan kalender yang diperbarui terlampir.",
                "Your meeting's time or place changed. The updated calendar invitation is attached.",
            ),
        ),
        "meeting_confirmed" => (
            t("Pertemuan dikonfirmasi", "Meeting confirmed"),
            t(
                "Pertemuan Anda telah dikonfirmasi dan tidak akan dipindahkan lagi.",
                "Your meeting is confirmed and will not be moved again.",
            ),
        ),
        "meeting_cancelled" => (
            t("Pertemuan dibatalkan", "Meeting cancelled"),
            t(
                "Pertemuan ini dibatalkan. Pembatalan kalender terlampir.",
                "This meeting is cancelled. The calendar cancellation is attached.",
            ),
        ),
        "meeting_reminder" => {
            let minutes = payload
                .pointer("/reminder/lead_minutes")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let soon = if minutes >= 120 {
                t(
                    &format!("dalam {} jam", minutes / 60),
                    &format!("in {} hours", minutes / 60),
                )
            } else {
                t(
                    &format!("dalam {minutes} menit"),
                    &format!("in {minutes} minutes"),
                )
            };
            (
                t("Pengingat pertemuan", "Meeting reminder"),
                t(
                    &format!("Pertemuan Anda dimulai {soon}."),
                    &format!("Your meeting starts {soon}."),
                ),
            )
        }
        "request_expiring" => (
            t(
                "Permintaan pertemuan segera kedaluwarsa",
                "Meeting request about to expire",
            ),
            t(
                "Permintaan ini kedaluwarsa dalam waktu kurang dari sehari. Terima atau tolak di Sepadan.",
                "This request expires in less than a day. Accept or decline it in Sepadan.",
            ),
        ),
        "matches_digest" => (
            t(
                "Proyek baru yang cocok dengan mandat Anda",
                "New projects matching your mandate",
            ),
            t(
                "Proyek-proyek ini diterbitkan sejak ringkasan terakhir dan paling cocok dengan mandat Anda:",
                "These projects were published since your last digest and match your mandate best:",
            ),
        ),
        "official_invitation" => (
            t("Undangan ke Sepadan", "Your invitation to Sepadan"),
            t(
                "Anda diundang sebagai pejabat daerah di Sepadan. Buka tautan di bawah untuk membuat kata sandi; undangan ini berlaku sampai tanggal yang tertera.",
                "You are invited to Sepadan as an official of your region. Open the link below to set your password; the invitation is valid until the date shown.",
            ),
        ),
        "password_reset" => (
            t("Atur ulang kata sandi", "Reset your password"),
            t(
                "Seseorang meminta pengaturan ulang kata sandi akun Anda. Bila itu Anda, buka tautan di bawah dalam satu jam; bila bukan, abaikan email ini.",
                "Someone asked to reset your account's password. If it was you, open the link below within an hour; if not, ignore this email.",
            ),
        ),
        "email_verification" => (
            t("Konfirmasi alamat email Anda", "Confirm your email address"),
            t(
                "Selamat datang di Sepadan. Buka tautan di bawah untuk mengonfirmasi alamat email ini.",
                "Welcome to Sepadan. Open the link below to confirm this email address.",
            ),
        ),
        "outcome_recorded" => (
            t("Hasil pertemuan dicatat", "Meeting outcome recorded"),
            t(
                "Hasil pertemuan ini telah dicatat. Lihat catatan dan tindak lanjutnya di Sepadan.",
                "The outcome of this meeting was recorded. See its notes and follow-up in Sepadan.",
            ),
        ),
        "project_published" => (
            t("Proyek diterbitkan", "Project published"),
            t(
                "Proyek Anda lolos peninjauan dan kini terlihat oleh investor.",
                "Your project passed review and is now visible to investors.",
            ),
        ),
        "project_changes_requested" => (
            t(
                "Proyek perlu diperbaiki",
                "Changes requested for your project",
            ),
            t(
                "Tim program meminta perubahan sebelum proyek diterbitkan. Perbaiki drafnya dan ajukan lagi.",
                "Programme staff ask for changes before the project is published. Edit the draft and submit it again.",
            ),
        ),
        "investor_verified" => (
            t(
                "Organisasi Anda terverifikasi",
                "Your organisation is verified",
            ),
            t(
                "Organisasi Anda telah diverifikasi. Daerah kini dapat melihat Anda dalam kecocokan mereka bila Anda mengizinkannya.",
                "Your organisation is verified. Regions can now see you in their matches if you allow it.",
            ),
        ),
        _ => (t("Pemberitahuan", "Notification"), String::new()),
    };
    if !lead.is_empty() {
        paragraphs.push(lead);
    }
    if !message.is_empty() {
        paragraphs.push(format!("“{message}”"));
    }
    for p in payload
        .get("projects")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let title = text(p, if id { "/title/id" } else { "/title/en" });
        let score = p.get("score").and_then(Value::as_f64).unwrap_or(0.0);
        let why: Vec<&str> = p
            .get("reasons")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|r| text(r, if id { "/id" } else { "/en" }))
            .collect();
        paragraphs.push(format!(
            "• {title} ({}: {score:.0}%). {}",
            t("kecocokan", "match"),
            why.join(" ")
        ));
    }
    if let Some(link) = payload.get("link").and_then(Value::as_str) {
        paragraphs.push(link.to_owned());
    }
    if !reason.is_empty() {
        paragraphs.push(format!("{}: {reason}", t("Alasan", "Reason")));
    }
    let mut details: Vec<(String, String)> = [
        (t("Acara", "Event"), event),
        (
            t("Investor", "Investor"),
            if host.is_empty() { "" } else { investor },
        ),
        (t("Daerah", "Region"), host),
        (t("Daerah", "Region"), text(payload, "/project/region_name")),
        (t("Daerah", "Region"), text(payload, "/region/name")),
        (
            t("Berlaku sampai", "Valid until"),
            text(payload, "/valid_until"),
        ),
    ]
    .into_iter()
    .filter(|(_, value)| !value.is_empty())
    .map(|(label, value)| (label, value.to_owned()))
    .collect();
    let meeting = payload.get("meeting");
    if let Some(m) = meeting {
        let venue = format!(
            "{}, {} ({} {})",
            text(m, "/venue/name"),
            text(m, "/venue/city"),
            if text(m, "/place") == "room" {
                t("ruang", "room")
            } else {
                t("meja", "table")
            },
            m.get("seat").and_then(Value::as_i64).unwrap_or(0)
        );
        let starts = text(m, "/venue_starts_at");
        let when = format!(
            "{} {} ({})",
            starts.get(..10).unwrap_or(starts),
            starts.get(11..16).unwrap_or(""),
            text(m, "/venue/time_zone")
        );
        details.push((t("Waktu", "When"), when));
        details.push((t("Tempat", "Where"), venue));
    } else if let Some(expires) = payload
        .pointer("/request/expires_at")
        .and_then(Value::as_str)
        && kind == "request_received"
    {
        details.push((
            t("Kedaluwarsa", "Expires"),
            expires.get(..16).unwrap_or(expires).replace('T', " ") + " UTC",
        ));
    }
    let ics = meeting
        .and_then(|m| m.get("ics"))
        .and_then(Value::as_str)
        .map(|ics| {
            let method = if kind == "meeting_cancelled" {
                "CANCEL"
            } else {
                "REQUEST"
            };
            (ics.to_owned(), method)
        });
    let unsubscribe = payload
        .get("unsubscribe")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(link) = &unsubscribe {
        paragraphs.push(format!(
            "{}: {link}",
            t("Berhenti menerima ringkasan ini", "Stop this digest")
        ));
    }
    Content {
        subject: one_line(&format!("{subject}: {about}")),
        heading: about,
        paragraphs,
        details,
        ics,
        unsubscribe,
        footer: t(
            "Anda menerima email ini karena terdaftar di Sepadan. Atur email yang Anda terima di pengaturan notifikasi.",
            "You receive this email because you take part in Sepadan. Choose which emails you get in your notification settings.",
        ),
    }
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
        lang: if language == "id" { "id" } else { "en" },
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
    use serde_json::json;

    fn payload() -> Value {
        json!({
            "event": {"id": "e", "name": "Sulawesi Forum"},
            "request": {"id": "r", "message": "About the solar plant", "reason": null,
                        "expires_at": "2026-12-01T10:00:00Z"},
            "investor": {"name": "Asagiri Fund"},
            "host": {"name": "Kota Palopo"},
            "meeting": {"venue": {"name": "JCC", "city": "Jakarta", "time_zone": "Asia/Jakarta"},
                        "venue_starts_at": "2026-12-20T09:30:00+07:00", "seat": 3, "place": "table",
                        "ics": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"}
        })
    }

    #[test]
    fn an_invitation_speaks_the_recipients_language_and_carries_the_ics() {
        let en = content("meeting_scheduled", "en", &payload());
        assert_eq!(en.subject, "Meeting invitation: Asagiri Fund – Kota Palopo");
        assert!(
            en.details
                .contains(&("When".into(), "2026-12-20 09:30 (Asia/Jakarta)".into()))
        );
        assert_eq!(en.ics.as_ref().map(|i| i.1), Some("REQUEST"));
        let id = content("meeting_cancelled", "id", &payload());
        assert_eq!(
            id.subject,
            "Pertemuan dibatalkan: Asagiri Fund – Kota Palopo"
        );
        assert_eq!(id.ics.as_ref().map(|i| i.1), Some("CANCEL"));
    }

    #[test]
    fn review_and_verification_emails_name_what_they_are_about() {
        let published = json!({"project": {"title": {"id": "PLTS Pasar", "en": "Market solar"},
                                            "region_name": "Kota Palopo"}, "comment": null});
        let c = content("project_published", "en", &published);
        assert_eq!(c.subject, "Project published: Market solar");
        assert!(c.details.contains(&("Region".into(), "Kota Palopo".into())));
        let changes = json!({"project": {"title": {"id": "PLTS Pasar", "en": "Market solar"}},
                             "comment": "Add the land status"});
        let c = content("project_changes_requested", "id", &changes);
        assert_eq!(c.subject, "Proyek perlu diperbaiki: PLTS Pasar");
        assert!(
            c.paragraphs
                .iter()
                .any(|p| p == "Alasan: Add the land status")
        );
        let verified = json!({"investor": {"name": "Asagiri Fund"}});
        assert_eq!(
            content("investor_verified", "en", &verified).subject,
            "Your organisation is verified: Asagiri Fund"
        );
    }

    #[test]
    fn a_line_break_in_a_name_cannot_add_a_header() {
        let mut p = payload();
        p["investor"]["name"] = json!("Evil\r\nBcc: victim@example.com");
        let c = content("request_received", "en", &p);
        assert!(!c.subject.contains('\n') && !c.subject.contains('\r'));
        let from = mailbox("Sepadan", "no-reply@sepadan.local").unwrap();
        let to = mailbox("Evil\r\nBcc: victim@example.com", "x@example.com").unwrap();
        let formatted = message(&from, to, "o-1", "en", &c).unwrap().formatted();
        let text = String::from_utf8_lossy(&formatted);
        let head = text.split("\r\n\r\n").next().unwrap();
        assert!(!head.contains("\r\nBcc:"), "{head}");
        assert!(head.contains("Message-ID: <o-1@sepadan.local>"));
    }
}
