//! The vocabulary of projects and investors, and the project review workflow.

vocabulary! {
    /// How far a project has come.
    pub enum Stage {
        Idea,
        PreFeasibility,
        FeasibilityStudy,
        ReadyToOffer,
        UnderConstruction,
    }
}

vocabulary! {
    /// How capital may come in.
    pub enum Instrument {
        Equity,
        Debt,
        /// Public–private partnership (KPBU).
        Ppp,
        JointVenture,
        Grant,
    }
}

vocabulary! {
    /// A business activity's risk level under OSS-RBA (PP 5/2021), which sets the licence it needs:
    /// an NIB alone for low risk, a certificate of standards for medium, a licence for high.
    pub enum RiskLevel {
        Low,
        MediumLow,
        MediumHigh,
        High,
    }
}

vocabulary! {
    /// Where the project's land stands.
    pub enum LandStatus {
        /// The government holds land it can make available.
        GovernmentLandAvailable,
        Acquired,
        InAcquisition,
        ToBeAcquired,
    }
}

vocabulary! {
    /// The permits Indonesian projects most often need before construction.
    pub enum PermitKind {
        /// Kesesuaian Kegiatan Pemanfaatan Ruang: the activity fits the spatial plan.
        Kkpr,
        /// Environmental impact assessment, for activities with significant impact.
        Amdal,
        /// Environmental management and monitoring efforts, for lesser impact.
        UklUpl,
        /// Persetujuan Bangunan Gedung: the building approval.
        Pbg,
        /// Sertifikat Laik Fungsi: the building is fit for use.
        Slf,
    }
}

vocabulary! {
    /// How far a permit has come.
    pub enum PermitStatus {
        NotStarted,
        InProcess,
        Issued,
    }
}

vocabulary! {
    /// Fiscal and zone incentives a project qualifies for.
    pub enum Incentive {
        TaxHoliday,
        TaxAllowance,
        InvestmentAllowance,
        SuperDeduction,
        ImportDutyExemption,
        /// Kawasan Ekonomi Khusus.
        SpecialEconomicZone,
    }
}

vocabulary! {
    /// Where a project is in review: `draft → submitted → published → closed`; a reviewer's
    /// "request changes" sends it back to `draft` with a comment.
    pub enum ProjectStatus {
        Draft,
        Submitted,
        Published,
        Closed,
    }
}

/// A step of the review workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Submit,
    Publish,
    RequestChanges,
    Close,
}

impl Transition {
    /// The status the project moves to, or `None` when the step does not apply from `from`.
    pub fn apply(self, from: ProjectStatus) -> Option<ProjectStatus> {
        use ProjectStatus::*;
        match (self, from) {
            (Transition::Submit, Draft) => Some(Submitted),
            (Transition::Publish, Submitted) => Some(Published),
            (Transition::RequestChanges, Submitted) => Some(Draft),
            (Transition::Close, Published) => Some(Closed),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Transition::Submit => "submit",
            Transition::Publish => "publish",
            Transition::RequestChanges => "request-changes",
            Transition::Close => "close",
        }
    }
}

vocabulary! {
    /// What kind of organisation an investor is.
    pub enum InvestorKind {
        Company,
        Fund,
        /// Development finance institution.
        Dfi,
        /// State-owned enterprise.
        Soe,
        Angel,
    }
}

vocabulary! {
    /// What an investor says of a project it was matched with.
    pub enum Interest {
        Interested,
        /// Hides the project from the investor's matches.
        NotInterested,
        /// Raises the pair's priority when meetings are scheduled.
        MustMeet,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_review_workflow_allows_only_its_own_steps() {
        use ProjectStatus::*;
        assert_eq!(Transition::Submit.apply(Draft), Some(Submitted));
        assert_eq!(Transition::Publish.apply(Submitted), Some(Published));
        assert_eq!(Transition::RequestChanges.apply(Submitted), Some(Draft));
        assert_eq!(Transition::Close.apply(Published), Some(Closed));
        assert_eq!(Transition::Publish.apply(Draft), None);
        assert_eq!(Transition::Submit.apply(Published), None);
        assert_eq!(Transition::Close.apply(Draft), None);
    }

    #[test]
    fn vocabulary_is_stored_as_snake_case() {
        assert_eq!(Stage::FeasibilityStudy.as_ref(), "feasibility_study");
        assert_eq!(
            "joint_venture".parse::<Instrument>().unwrap(),
            Instrument::JointVenture
        );
    }
}
