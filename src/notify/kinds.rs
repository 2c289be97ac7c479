//! What each kind of notification and email carries: one type per payload, so that a call site
//! cannot leave out what its email needs and a renderer cannot read a field nobody writes.
//!
//! A notification is stored in two columns, `kind` and `payload`, which is serde's adjacent
//! tagging: the enums below (de)serialize as `{"kind": …, "payload": …}` and the payload keeps
//! the JSON shape that stored rows and partner systems already read.

use chrono::{DateTime, FixedOffset, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::domain::Localized;
use crate::domain::outcome::{Attendance, FollowUp};
use crate::domain::project::ProjectStatus;
use crate::domain::status::{MeetingStatus, RequestStatus};
use crate::error::AppError;

/// Something that happened, told to its users in the app and by email, and to the partner
/// systems that subscribed to its event type. The variants' order is the settings page's.
#[derive(Debug, Clone, Serialize, Deserialize, strum::VariantNames, strum::IntoStaticStr)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Notification {
    /// A side asks to meet; the other side answers.
    RequestReceived(RequestNotice),
    /// Staff propose a meeting; both sides answer.
    IntroductionProposed(RequestNotice),
    IntroductionAcceptedByOneSide(RequestNotice),
    RequestAccepted(RequestNotice),
    RequestDeclined(RequestNotice),
    RequestExpired(RequestNotice),
    RequestCancelled(RequestNotice),
    /// A day before a pending request expires, to whoever has not answered.
    RequestExpiring(RequestNotice),
    MeetingScheduled(MeetingNotice),
    MeetingMoved(MeetingNotice),
    MeetingConfirmed(MeetingNotice),
    MeetingCancelled(MeetingNotice),
    MeetingReminder(ReminderNotice),
    OutcomeRecorded(OutcomeNotice),
    ProjectPublished(ProjectNotice),
    ProjectChangesRequested(ProjectNotice),
    InvestorVerified(InvestorNotice),
    /// A new message in a conversation between an investor and a region, to the other side.
    MessageReceived(MessageNotice),
    /// A project just published that an investor's instant saved search finds.
    SavedSearchMatched(SavedSearchNotice),
}

impl Notification {
    /// The kind column of this notification.
    pub fn kind(&self) -> &'static str {
        self.into()
    }

    /// Reads a stored notification back by its kind.
    pub fn read(kind: &str, payload: &str) -> Result<Self, Unreadable> {
        read_tagged(kind, payload)
    }
}

/// Emails about a person's account, sent to an address (see [`super::email_address`]), each
/// with a one-time secret link or with the ways back into the account: no notification in the
/// app, and nothing a setting mutes.
#[derive(Debug, Clone, Serialize, Deserialize, strum::VariantNames, strum::IntoStaticStr)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum AccountEmail {
    OfficialInvitation(OfficialInvitation),
    PasswordReset(SecretLink),
    EmailVerification(SecretLink),
    /// Someone tried to register with the address of an existing account.
    RegistrationAttempt(AccountHelp),
}

impl AccountEmail {
    /// The kind column of this email.
    pub fn kind(&self) -> &'static str {
        self.into()
    }

    /// Whom the email is for: an address has no account to tell the name and language.
    pub fn to(&self) -> &Addressee {
        match self {
            AccountEmail::OfficialInvitation(invitation) => &invitation.link.to,
            AccountEmail::PasswordReset(link) | AccountEmail::EmailVerification(link) => &link.to,
            AccountEmail::RegistrationAttempt(help) => &help.to,
        }
    }
}

/// A stored payload that does not read as its kind's type (written by another version, or by
/// hand), or a kind that no type has.
#[derive(Debug, thiserror::Error)]
#[error("the stored `{kind}` cannot be read: {cause}")]
pub struct Unreadable {
    kind: String,
    cause: String,
}

impl Unreadable {
    fn new(kind: &str, cause: impl ToString) -> Self {
        Unreadable {
            kind: kind.to_owned(),
            cause: cause.to_string(),
        }
    }
}

/// Reads a value as `T`, naming the field that does not fit.
fn read_value<T: DeserializeOwned>(kind: &str, value: Value) -> Result<T, Unreadable> {
    serde_path_to_error::deserialize(value).map_err(|e| Unreadable::new(kind, e))
}

fn parse(kind: &str, payload: &str) -> Result<Value, Unreadable> {
    serde_json::from_str(payload).map_err(|e| Unreadable::new(kind, e))
}

/// Reads a payload column as `T`, for a kind that is a type of its own.
pub(crate) fn read_payload<T: DeserializeOwned>(
    kind: &str,
    payload: &str,
) -> Result<T, Unreadable> {
    read_value(kind, parse(kind, payload)?)
}

/// Reads the kind and payload columns as one of an adjacently tagged enum's variants.
pub(crate) fn read_tagged<T: DeserializeOwned>(kind: &str, payload: &str) -> Result<T, Unreadable> {
    read_value(
        kind,
        json!({"kind": kind, "payload": parse(kind, payload)?}),
    )
}

/// A payload as JSON. It goes through `Value`, whose keys are sorted, so that the stored text
/// does not depend on the order of a type's fields.
pub(crate) fn payload_of(value: &impl Serialize) -> Result<Value, AppError> {
    serde_json::to_value(value).map_err(unwritable)
}

/// The kind and payload columns of an adjacently tagged value.
pub(crate) fn columns(tagged: &impl Serialize) -> Result<(String, Value), AppError> {
    #[derive(Deserialize)]
    struct Columns {
        kind: String,
        payload: Value,
    }
    let Columns { kind, payload } =
        serde_json::from_value(payload_of(tagged)?).map_err(unwritable)?;
    Ok((kind, payload))
}

fn unwritable(e: serde_json::Error) -> AppError {
    AppError::Internal(anyhow::Error::new(e).context("writing a notification's payload"))
}

/// An event, by name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventRef {
    pub id: String,
    pub name: String,
}

/// One side of a request: its participant in the event and its name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Party {
    pub participant_id: String,
    pub name: String,
}

/// A meeting request as notifications tell of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestFacts {
    pub id: String,
    pub status: RequestStatus,
    /// investor, host or staff.
    pub origin: String,
    /// The asker's message; empty for none.
    pub message: String,
    /// Why it was declined or cancelled.
    pub reason: Option<String>,
    pub expires_at: DateTime<Utc>,
    /// Whether each side had accepted (absent in notices stored before these were told).
    #[serde(default)]
    pub investor_accepted: bool,
    #[serde(default)]
    pub host_accepted: bool,
    /// The slot starts the asker would rather meet in.
    #[serde(default)]
    pub preferred: Vec<DateTime<Utc>>,
}

/// A change to a meeting request: the event, the request and its two sides.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestNotice {
    pub event: EventRef,
    pub request: RequestFacts,
    pub investor: Party,
    /// The region or delegation met.
    pub host: Party,
}

/// A venue, with the time zone its times are given in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VenueRef {
    pub id: String,
    pub name: String,
    pub city: String,
    pub time_zone: String,
}

/// Where at the venue a meeting is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    Table,
    /// A group meeting.
    Room,
}

/// A meeting as an invitation tells of it, with its calendar entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MeetingFacts {
    pub id: String,
    /// The calendar UID, stable across the meeting's versions.
    pub uid: String,
    pub sequence: i32,
    pub status: MeetingStatus,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The start in the venue's time zone.
    pub venue_starts_at: DateTime<FixedOffset>,
    pub venue: Option<VenueRef>,
    pub seat: i32,
    pub place: Place,
    /// The .ics attached to the email.
    pub ics: String,
}

/// A meeting placed, moved, confirmed or cancelled: its request's notice and the meeting.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MeetingNotice {
    #[serde(flatten)]
    pub request: RequestNotice,
    pub meeting: MeetingFacts,
}

/// How long ahead of the meeting a reminder comes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reminder {
    pub lead_minutes: i32,
}

/// A reminder of a meeting.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReminderNotice {
    #[serde(flatten)]
    pub meeting: MeetingNotice,
    pub reminder: Reminder,
}

/// The meeting an outcome is of.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MeetingRef {
    pub id: String,
    pub starts_at: DateTime<Utc>,
}

/// What came of a meeting, without its notes (those stay with the parties and staff).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutcomeFacts {
    pub attendance: Attendance,
    pub follow_up: Option<FollowUp>,
}

/// A meeting's outcome, recorded.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutcomeNotice {
    #[serde(flatten)]
    pub request: RequestNotice,
    pub meeting: MeetingRef,
    pub outcome: OutcomeFacts,
}

/// A project as review notices name it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProjectFacts {
    pub id: String,
    pub title: Localized,
    /// The region's Kemendagri code.
    pub region: String,
    pub region_name: String,
    pub status: ProjectStatus,
}

impl ProjectFacts {
    pub fn of(project: &crate::services::projects::Project) -> Self {
        ProjectFacts {
            id: project.id.clone(),
            title: project.title.clone(),
            region: project.region.clone(),
            region_name: project.region_name.clone(),
            status: project.status,
        }
    }
}

/// A step of a project's review, to the region's officials.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProjectNotice {
    pub project: ProjectFacts,
    /// The reviewer's latest comment.
    pub comment: Option<String>,
}

/// A message in a conversation, to the other side's people; at most one per conversation and
/// person every few minutes (`messages.email_gap_minutes`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MessageNotice {
    pub conversation_id: String,
    pub subject: String,
    /// The organisation or region that wrote.
    pub from: String,
    /// The message's opening words.
    pub excerpt: String,
}

/// A saved search, by name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedSearchRef {
    pub id: String,
    pub name: String,
}

/// A newly published project that a person's instant saved search finds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedSearchNotice {
    pub search: SavedSearchRef,
    pub project: ProjectFacts,
}

/// An investor organisation, by name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Organisation {
    pub id: String,
    pub name: String,
}

/// An investor organisation verified, to its users.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InvestorNotice {
    pub investor: Organisation,
}

/// The person an account email is for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Addressee {
    pub name: String,
    /// `id` or `en`: the language the email is written in.
    pub language: String,
}

/// A one-time secret link and until when it works.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SecretLink {
    pub to: Addressee,
    pub link: String,
    /// As the email shows it, in UTC.
    pub valid_until: String,
}

/// The ways back into an account: the sign-in page and the page that sends a reset link.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountHelp {
    pub to: Addressee,
    pub sign_in: String,
    pub reset: String,
}

/// The outbox kind of a password reset request: an item to an address, which the worker turns
/// into a reset email when the address has an account and into nothing otherwise, so that the
/// request does the same work either way (see [`super::queue_password_reset`]).
pub const PASSWORD_RESET_REQUEST: &str = "password_reset_request";

/// A region, by code and name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RegionRef {
    pub code: String,
    pub name: String,
}

/// An official's invitation to the region's account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OfficialInvitation {
    #[serde(flatten)]
    pub link: SecretLink,
    pub region: RegionRef,
}

/// The digest of new projects matching an investor's mandate (see [`super::digest`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Digest {
    pub investor: Organisation,
    /// Best first.
    pub projects: Vec<DigestProject>,
    /// What the investor's saved searches found since the last digest.
    #[serde(default)]
    pub searches: Vec<DigestSearch>,
    /// The one-click unsubscribe link.
    pub unsubscribe: String,
}

impl Digest {
    /// The outbox kind of a digest: an email of its own, which settings turn on and off.
    pub const KIND: &str = "matches_digest";
}

/// A project in a digest, with its match score and the reasons it matches.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DigestProject {
    pub id: String,
    pub title: Localized,
    pub region: String,
    /// In percent, rounded.
    pub score: f64,
    pub reasons: Vec<Localized>,
}

/// What a saved search found for a digest: the newest projects, how many in all, and where to
/// see them all.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DigestSearch {
    pub name: String,
    pub total: i64,
    /// The opportunities page with the search's filters.
    pub link: String,
    pub projects: Vec<DigestSearchProject>,
}

/// A project a saved search found, by title and region.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DigestSearchProject {
    pub id: String,
    pub title: Localized,
    pub region_name: String,
}
