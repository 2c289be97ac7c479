//! Who may do what. Every rule denies unless a clause allows; handlers ask here before acting.

use super::AuthenticatedUser;
use crate::domain::project::{ProjectStatus, Transition};
use crate::error::AppError;

/// Whether the caller may see a project of `region_code` in `status`. Published and closed
/// projects are public; drafts and submissions only to the region's officials and staff.
pub fn can_view_project(
    user: Option<&AuthenticatedUser>,
    region_code: &str,
    status: ProjectStatus,
) -> bool {
    matches!(status, ProjectStatus::Published | ProjectStatus::Closed)
        || user.is_some_and(|u| u.is_staff() || u.is_official_of(region_code))
}

/// Creating a project for a region: its officials and staff.
pub fn may_create_project(user: &AuthenticatedUser, region_code: &str) -> Result<(), AppError> {
    if user.is_staff() || user.is_official_of(region_code) {
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
            "project_not_editable",
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

/// Editing a region's profile: its officials and staff.
pub fn may_edit_region(user: &AuthenticatedUser, region_code: &str) -> Result<(), AppError> {
    if user.is_staff() || user.is_official_of(region_code) {
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
    if user.is_staff() || user.belongs_to_investor(investor_id) {
        Some(InvestorView::Full)
    } else if user.role == super::Role::Official && verified && discoverable {
        Some(InvestorView::Public)
    } else {
        None
    }
}

/// Changing an investor's profile or mandate: the investor itself and staff.
pub fn may_edit_investor(user: &AuthenticatedUser, investor_id: &str) -> Result<(), AppError> {
    if user.is_staff() || user.belongs_to_investor(investor_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the investor itself and staff may change it".into(),
        ))
    }
}
