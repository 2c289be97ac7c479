//! Who may do what: every access decision of Sepadan is a function here, asked by the services
//! (and by the pages only to decide what to offer). Every rule denies unless a clause allows.

use strum::{EnumIter, IntoStaticStr};

use super::{AuthenticatedUser, Role};
use crate::domain::project::{ProjectStatus, Transition};
use crate::error::{AppError, ErrorCode};

/// Work that belongs to roles rather than to the objects it touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Task {
    /// Creating events and delegations, and managing who takes part.
    ManageEvents,
    /// Running the scheduler, moving and cancelling meetings on the grid.
    ScheduleMeetings,
    /// Proposing introductions between investors and regions.
    ProposeIntroductions,
    /// Marking an investor organisation verified.
    VerifyInvestors,
    /// Inviting regions' officials.
    InviteOfficials,
    /// Reading and retrying the email outbox.
    ReadOutbox,
    /// Downloading lists of investors, meetings and outcomes.
    ExportData,
    /// Reading the outcome reports.
    ReadReports,
    /// The strongest investor–project pairs across the programme.
    SeeTopMatches,
    /// Importing investor organisations from a spreadsheet.
    ImportInvestors,
    /// Importing projects from a spreadsheet (officials: their own region's rows).
    ImportProjects,
    /// Creating staff and admin accounts.
    CreateStaffAccounts,
    /// Subscribing partner systems to webhooks.
    ManageWebhooks,
}

impl Task {
    /// Whether a person of `role` may do this work.
    pub fn allows(self, role: Role) -> bool {
        match self {
            Task::CreateStaffAccounts | Task::ManageWebhooks => role == Role::Admin,
            Task::ImportProjects => matches!(role, Role::Official | Role::Staff | Role::Admin),
            _ => matches!(role, Role::Staff | Role::Admin),
        }
    }

    /// Who does this work, as a refusal says it.
    fn doers(self) -> &'static str {
        match self {
            Task::CreateStaffAccounts | Task::ManageWebhooks => "admins only",
            Task::ImportProjects => "staff and regions' officials only",
            _ => "programme staff only",
        }
    }
}

/// Refuses the caller unless its role does `task` (403).
pub fn may(user: &AuthenticatedUser, task: Task) -> Result<(), AppError> {
    if task.allows(user.role) {
        Ok(())
    } else {
        Err(AppError::Forbidden(task.doers().into()))
    }
}

/// Whether the caller may do `task`, for pages that offer it only then.
pub fn can(user: &AuthenticatedUser, task: Task) -> bool {
    task.allows(user.role)
}

/// Programme staff oversee the whole programme: lists are not narrowed to their own objects,
/// and private details of every party are theirs to see.
pub fn oversees_programme(user: &AuthenticatedUser) -> bool {
    user.is_staff()
}

/// Speaking for an investing organisation: its own people, whose pages are the matches, the
/// mandate and the agenda.
pub fn speaks_for_an_investor(user: &AuthenticatedUser) -> bool {
    user.role == Role::Investor
}

/// Speaking for a region: its officials, whose pages are the region's projects and profile.
pub fn speaks_for_a_region(user: &AuthenticatedUser) -> bool {
    user.role == Role::Official
}

/// Acting for a region: its officials, and staff on the programme's behalf.
pub fn acts_for_region(user: &AuthenticatedUser, region_code: &str) -> bool {
    user.is_staff() || user.is_official_of(region_code)
}

/// Acting for an investor organisation: its people, and staff on the programme's behalf.
pub fn acts_for_investor(user: &AuthenticatedUser, investor_id: &str) -> bool {
    user.is_staff() || user.belongs_to_investor(investor_id)
}

/// Whether the caller may see a project of `region_code` in `status`. Published and closed
/// projects are public; drafts and submissions only to the region's officials and staff.
pub fn can_view_project(
    user: Option<&AuthenticatedUser>,
    region_code: &str,
    status: ProjectStatus,
) -> bool {
    matches!(status, ProjectStatus::Published | ProjectStatus::Closed)
        || user.is_some_and(|u| acts_for_region(u, region_code))
}

/// How much of a visible project the caller sees, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProjectDisclosure {
    /// What it is, where, how big, how far along: for anyone.
    Teaser,
    /// The teaser and the readiness card with its contact.
    Readiness,
}

/// The readiness card and its contact are for investors whose organisation staff have verified,
/// the region and staff; everyone else sees the teaser.
pub fn project_disclosure(
    user: Option<&AuthenticatedUser>,
    region_code: &str,
    verified_investor: bool,
) -> ProjectDisclosure {
    let Some(user) = user else {
        return ProjectDisclosure::Teaser;
    };
    if acts_for_region(user, region_code) || (speaks_for_an_investor(user) && verified_investor) {
        ProjectDisclosure::Readiness
    } else {
        ProjectDisclosure::Teaser
    }
}

/// What the data room asks of an investor: its organisation verified, and the region's NDA
/// accepted for the project or access granted by the region.
#[derive(Debug, Clone, Copy, Default)]
pub struct DataRoomStanding {
    pub verified_investor: bool,
    pub nda_accepted: bool,
    pub granted: bool,
}

/// A project's data room (its confidential documents): the region and staff always; an
/// investor's people once their verified organisation accepted the NDA or was granted access.
pub fn can_open_data_room(
    user: &AuthenticatedUser,
    region_code: &str,
    standing: DataRoomStanding,
) -> bool {
    acts_for_region(user, region_code)
        || (speaks_for_an_investor(user)
            && standing.verified_investor
            && (standing.nda_accepted || standing.granted))
}

/// Accepting a region's NDA: the people of an investor whose organisation staff verified.
pub fn may_accept_nda(user: &AuthenticatedUser, verified_investor: bool) -> Result<(), AppError> {
    if speaks_for_an_investor(user) && verified_investor {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only investors whose organisation is verified may accept an NDA".into(),
        ))
    }
}

/// Granting an investor a project's data room without the click-through: the region's
/// officials and staff.
pub fn may_grant_data_room(user: &AuthenticatedUser, region_code: &str) -> Result<(), AppError> {
    if acts_for_region(user, region_code) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the region's officials and staff may open its data rooms".into(),
        ))
    }
}

/// Following a deal and recording its stages: the investor's people, the region's officials and
/// staff.
pub fn can_follow_deal(user: &AuthenticatedUser, investor_id: &str, region_code: &str) -> bool {
    acts_for_investor(user, investor_id) || acts_for_region(user, region_code)
}

/// Asking a region a question: the people of investing organisations.
pub fn may_start_conversation(user: &AuthenticatedUser) -> Result<(), AppError> {
    if speaks_for_an_investor(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only investors start conversations; regions answer them".into(),
        ))
    }
}

/// Saving searches and hearing of their matches: the people of investing organisations.
pub fn may_save_searches(user: &AuthenticatedUser) -> Result<(), AppError> {
    if speaks_for_an_investor(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only investors save searches of opportunities".into(),
        ))
    }
}

/// A saved search is its owner's alone: no one else, staff included, reads or changes it.
pub fn owns_saved_search(user: &AuthenticatedUser, owner_id: &str) -> bool {
    user.id == owner_id
}

/// Reading a conversation: its investor's people, its region's officials, and staff (the
/// privacy notice says staff may).
pub fn can_read_conversation(
    user: &AuthenticatedUser,
    investor_id: &str,
    region_code: &str,
) -> bool {
    acts_for_investor(user, investor_id) || acts_for_region(user, region_code)
}

/// Writing in a conversation: its two sides only; staff read without taking part.
pub fn may_write_in_conversation(
    user: &AuthenticatedUser,
    investor_id: &str,
    region_code: &str,
) -> Result<(), AppError> {
    if user.belongs_to_investor(investor_id) || user.is_official_of(region_code) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the investor and the region write in their conversation".into(),
        ))
    }
}

/// Creating a project for a region: its officials and staff.
pub fn may_create_project(user: &AuthenticatedUser, region_code: &str) -> Result<(), AppError> {
    if acts_for_region(user, region_code) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the region's officials and staff may add its projects".into(),
        ))
    }
}

/// Editing a project: staff at any time; the region's officials while it is a draft.
pub fn may_edit_project(
    user: &AuthenticatedUser,
    region_code: &str,
    status: ProjectStatus,
) -> Result<(), AppError> {
    if user.is_staff() {
        return Ok(());
    }
    if !user.is_official_of(region_code) {
        return Err(AppError::Forbidden(
            "only the region's officials and staff may edit its projects".into(),
        ));
    }
    if status != ProjectStatus::Draft {
        return Err(AppError::conflict(
            ErrorCode::ProjectNotEditable,
            format!(
                "a {} project can no longer be edited by its region",
                status.as_ref()
            ),
        ));
    }
    Ok(())
}

/// Moving a project through review: the region submits and closes; staff do everything.
pub fn may_transition(
    user: &AuthenticatedUser,
    region_code: &str,
    step: Transition,
) -> Result<(), AppError> {
    let allowed = user.is_staff()
        || (user.is_official_of(region_code)
            && matches!(step, Transition::Submit | Transition::Close));
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "you may not {} this project",
            step.name()
        )))
    }
}

/// Adding and removing a project's photos and documents, and seeing all of them: the region's
/// officials and staff, whatever the project's status, since data room documents are added while
/// deals go on, long after publication.
pub fn may_manage_project_files(
    user: &AuthenticatedUser,
    region_code: &str,
) -> Result<(), AppError> {
    if acts_for_region(user, region_code) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the region's officials and staff may add or remove its projects' files".into(),
        ))
    }
}

/// Whether an opening of a data room document is recorded: every one by someone not of the
/// project's region (staff included), so that the region can learn who read its documents.
pub fn records_data_room_opening(user: &AuthenticatedUser, region_code: &str) -> bool {
    !user.is_official_of(region_code)
}

/// Editing a region's profile: its officials and staff.
pub fn may_edit_region(user: &AuthenticatedUser, region_code: &str) -> Result<(), AppError> {
    if acts_for_region(user, region_code) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the region's officials and staff may edit its profile".into(),
        ))
    }
}

/// How much of an investor the caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvestorView {
    /// Everything, contacts included: the investor itself and staff.
    Full,
    /// The public profile and mandate, no contacts: officials, for verified discoverable investors.
    Public,
}

pub fn investor_view(
    user: &AuthenticatedUser,
    investor_id: &str,
    verified: bool,
    discoverable: bool,
) -> Option<InvestorView> {
    if acts_for_investor(user, investor_id) {
        Some(InvestorView::Full)
    } else if user.role == Role::Official && verified && discoverable {
        Some(InvestorView::Public)
    } else {
        None
    }
}

/// Changing an investor's profile or mandate: the investor itself and staff.
pub fn may_edit_investor(user: &AuthenticatedUser, investor_id: &str) -> Result<(), AppError> {
    if acts_for_investor(user, investor_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the investor itself and staff may change it".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    //! The whole policy as tables: each row is a decision and what each kind of caller gets.
    //! Callers: an investor of `inv-1`, one of `inv-2`, an official of `73.73`, one of `73.22`,
    //! staff and an admin.

    use strum::IntoEnumIterator;

    use super::*;

    fn callers() -> [AuthenticatedUser; 6] {
        let person = |role: Role, region: Option<&str>, investor: Option<&str>| AuthenticatedUser {
            id: format!("{}-{}", role.as_ref(), region.or(investor).unwrap_or("")),
            email: "person@example.org".into(),
            name: "Person".into(),
            role,
            region_code: region.map(str::to_owned),
            investor_id: investor.map(str::to_owned),
            language: "en".into(),
            time_zone: None,
            session_id: "session".into(),
        };
        [
            person(Role::Investor, None, Some("inv-1")),
            person(Role::Investor, None, Some("inv-2")),
            person(Role::Official, Some("73.73"), None),
            person(Role::Official, Some("73.22"), None),
            person(Role::Staff, None, None),
            person(Role::Admin, None, None),
        ]
    }

    /// Runs `decide` for every caller and compares with `expected`, naming the row on failure.
    fn check(row: &str, expected: [bool; 6], decide: impl Fn(&AuthenticatedUser) -> bool) {
        let got = callers().map(|caller| decide(&caller));
        assert_eq!(
            got, expected,
            "{row}: investor, other investor, official, other official, staff, admin"
        );
    }

    #[test]
    fn every_task_belongs_to_the_roles_in_the_table() {
        let staff = [false, false, false, false, true, true];
        let admin = [false, false, false, false, false, true];
        let table = |task: Task| match task {
            Task::ManageEvents
            | Task::ScheduleMeetings
            | Task::ProposeIntroductions
            | Task::VerifyInvestors
            | Task::InviteOfficials
            | Task::ReadOutbox
            | Task::ExportData
            | Task::ReadReports
            | Task::SeeTopMatches
            | Task::ImportInvestors => staff,
            Task::ImportProjects => [false, false, true, true, true, true],
            Task::CreateStaffAccounts | Task::ManageWebhooks => admin,
        };
        for task in Task::iter() {
            let name: &'static str = task.into();
            check(name, table(task), |user| may(user, task).is_ok());
            check(name, table(task), |user| can(user, task));
        }
    }

    #[test]
    fn acting_for_a_region_or_an_investor_is_theirs_and_staffs() {
        check(
            "acts for region 73.73",
            [false, false, true, false, true, true],
            |u| acts_for_region(u, "73.73"),
        );
        check(
            "acts for investor inv-1",
            [true, false, false, false, true, true],
            |u| acts_for_investor(u, "inv-1"),
        );
        check(
            "oversees the programme",
            [false, false, false, false, true, true],
            oversees_programme,
        );
    }

    #[test]
    fn projects_are_seen_and_changed_as_the_review_workflow_says() {
        use ProjectStatus::*;
        let everyone = [true; 6];
        let insiders = [false, false, true, false, true, true];
        for (status, seen) in [
            (Draft, insiders),
            (Submitted, insiders),
            (Published, everyone),
            (Closed, everyone),
        ] {
            check(&format!("see a {} project", status.as_ref()), seen, |u| {
                can_view_project(Some(u), "73.73", status)
            });
        }
        for status in [Published, Closed] {
            assert!(
                can_view_project(None, "73.73", status),
                "anyone sees a {} project",
                status.as_ref()
            );
        }
        for status in [Draft, Submitted] {
            assert!(
                !can_view_project(None, "73.73", status),
                "no one signed out sees a {} project",
                status.as_ref()
            );
        }
        check("create a project of 73.73", insiders, |u| {
            may_create_project(u, "73.73").is_ok()
        });
        check("edit a draft of 73.73", insiders, |u| {
            may_edit_project(u, "73.73", Draft).is_ok()
        });
        let staff = [false, false, false, false, true, true];
        for status in [Submitted, Published, Closed] {
            check(&format!("edit a {} project", status.as_ref()), staff, |u| {
                may_edit_project(u, "73.73", status).is_ok()
            });
        }
        for (step, allowed) in [
            (Transition::Submit, insiders),
            (Transition::Close, insiders),
            (Transition::Publish, staff),
            (Transition::RequestChanges, staff),
        ] {
            check(
                &format!("{} a project of 73.73", step.name()),
                allowed,
                |u| may_transition(u, "73.73", step).is_ok(),
            );
        }
        check("edit the profile of 73.73", insiders, |u| {
            may_edit_region(u, "73.73").is_ok()
        });
    }

    #[test]
    fn the_readiness_card_is_for_verified_investors_the_region_and_staff() {
        let shows_readiness = |verified| {
            move |u: &AuthenticatedUser| {
                project_disclosure(Some(u), "73.73", verified) == ProjectDisclosure::Readiness
            }
        };
        check(
            "the readiness card of 73.73, the investor verified",
            [true, true, true, false, true, true],
            shows_readiness(true),
        );
        check(
            "the readiness card of 73.73, the investor not verified",
            [false, false, true, false, true, true],
            shows_readiness(false),
        );
        assert_eq!(
            project_disclosure(None, "73.73", true),
            ProjectDisclosure::Teaser
        );
    }

    #[test]
    fn the_data_room_opens_to_the_region_staff_and_investors_past_the_nda() {
        let standing = |nda_accepted, granted| DataRoomStanding {
            verified_investor: true,
            nda_accepted,
            granted,
        };
        let insiders = [false, false, true, false, true, true];
        let with_access = [true, true, true, false, true, true];
        for (name, standing, expected) in [
            ("no NDA, no grant", standing(false, false), insiders),
            ("the NDA accepted", standing(true, false), with_access),
            ("access granted", standing(false, true), with_access),
            (
                "the NDA accepted, the investor not verified",
                DataRoomStanding {
                    verified_investor: false,
                    nda_accepted: true,
                    granted: false,
                },
                insiders,
            ),
        ] {
            check(&format!("the data room, {name}"), expected, |u| {
                can_open_data_room(u, "73.73", standing)
            });
        }
        check(
            "accept an NDA, verified",
            [true, true, false, false, false, false],
            |u| may_accept_nda(u, true).is_ok(),
        );
        check("accept an NDA, not verified", [false; 6], |u| {
            may_accept_nda(u, false).is_ok()
        });
        check("grant the data room of 73.73", insiders, |u| {
            may_grant_data_room(u, "73.73").is_ok()
        });
        check(
            "follow a deal of inv-1 with 73.73",
            [true, false, true, false, true, true],
            |u| can_follow_deal(u, "inv-1", "73.73"),
        );
    }

    #[test]
    fn conversations_are_read_by_their_sides_and_staff_and_written_by_the_sides() {
        check(
            "start a conversation",
            [true, true, false, false, false, false],
            |u| may_start_conversation(u).is_ok(),
        );
        check(
            "read inv-1's conversation with 73.73",
            [true, false, true, false, true, true],
            |u| can_read_conversation(u, "inv-1", "73.73"),
        );
        check(
            "write in inv-1's conversation with 73.73",
            [true, false, true, false, false, false],
            |u| may_write_in_conversation(u, "inv-1", "73.73").is_ok(),
        );
    }

    #[test]
    fn searches_are_saved_by_investors_and_kept_by_their_owners_alone() {
        check(
            "save a search",
            [true, true, false, false, false, false],
            |u| may_save_searches(u).is_ok(),
        );
        let [investor, other_investor, ..] = callers();
        assert!(owns_saved_search(&investor, &investor.id));
        assert!(!owns_saved_search(&other_investor, &investor.id));
    }

    #[test]
    fn a_projects_files_are_managed_by_its_region_and_staff_and_openings_recorded() {
        let insiders = [false, false, true, false, true, true];
        check("manage the files of a 73.73 project", insiders, |u| {
            may_manage_project_files(u, "73.73").is_ok()
        });
        check(
            "an opening of a 73.73 data room is recorded",
            [true, true, false, true, true, true],
            |u| records_data_room_opening(u, "73.73"),
        );
    }

    #[test]
    fn an_officials_own_draft_is_a_conflict_to_edit_once_submitted_not_a_refusal() {
        let [_, _, official, other_official, ..] = callers();
        let refused = may_edit_project(&official, "73.73", ProjectStatus::Submitted).unwrap_err();
        assert_eq!(refused.code(), ErrorCode::ProjectNotEditable);
        let refused = may_edit_project(&other_official, "73.73", ProjectStatus::Draft).unwrap_err();
        assert_eq!(refused.code(), ErrorCode::Forbidden);
    }

    #[test]
    fn investors_are_seen_in_full_by_themselves_and_staff_and_in_public_by_officials() {
        let full = Some(InvestorView::Full);
        let public = Some(InvestorView::Public);
        let view = |u: &AuthenticatedUser, verified, discoverable| {
            investor_view(u, "inv-1", verified, discoverable)
        };
        let callers = callers();
        let got: Vec<_> = callers.iter().map(|u| view(u, true, true)).collect();
        assert_eq!(
            got,
            [full, None, public, public, full, full],
            "a verified, discoverable investor"
        );
        let got: Vec<_> = callers.iter().map(|u| view(u, false, true)).collect();
        assert_eq!(
            got,
            [full, None, None, None, full, full],
            "an unverified investor"
        );
        let got: Vec<_> = callers.iter().map(|u| view(u, true, false)).collect();
        assert_eq!(
            got,
            [full, None, None, None, full, full],
            "an investor hidden from discovery"
        );
        check(
            "edit investor inv-1",
            [true, false, false, false, true, true],
            |u| may_edit_investor(u, "inv-1").is_ok(),
        );
    }
}
