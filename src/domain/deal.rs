//! Deals: one investor's path with one project, from first interest to realised investment.

use super::outcome::FollowUpStage;

vocabulary! {
    /// How far a deal has come, in order; `closed` ends it, with a reason.
    pub enum DealStage {
        Interested,
        NdaAccepted,
        DataRoomOpened,
        SiteVisit,
        Negotiation,
        LetterOfIntent,
        Mou,
        InvestmentRealised,
        Closed,
    }
}

vocabulary! {
    /// What moved a deal: the investor's answer on a match, its acceptance of the NDA, an
    /// official's grant of the data room, its first opening, a meeting's outcome, or a party
    /// recording a stage.
    pub enum DealSource {
        Feedback,
        Nda,
        Grant,
        DataRoom,
        Meeting,
        Party,
    }
}

impl DealStage {
    /// Whether a deal at this stage moves on to `next`: open deals move forward only, and a
    /// stage that carries an amount may be recorded again (another tranche, a revised figure).
    pub fn moves_to(self, next: DealStage) -> bool {
        self != DealStage::Closed
            && (next as usize > self as usize || (next == self && self.takes_amount()))
    }

    /// The stages the parties record themselves; the earlier ones follow from what they do
    /// here (answering a match, accepting the NDA, opening the data room).
    pub fn recorded_by_parties(self) -> bool {
        self as usize >= DealStage::SiteVisit as usize
    }

    /// Whether a step to this stage may name an amount: committed (a letter of intent, an MoU)
    /// or realised.
    pub fn takes_amount(self) -> bool {
        matches!(
            self,
            DealStage::LetterOfIntent | DealStage::Mou | DealStage::InvestmentRealised
        )
    }
}

impl From<FollowUpStage> for DealStage {
    fn from(stage: FollowUpStage) -> Self {
        match stage {
            FollowUpStage::LetterOfIntent => DealStage::LetterOfIntent,
            FollowUpStage::SiteVisit => DealStage::SiteVisit,
            FollowUpStage::Mou => DealStage::Mou,
            FollowUpStage::InvestmentRealised => DealStage::InvestmentRealised,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DealStage::*;

    #[test]
    fn deals_move_forward_and_closed_ones_not_at_all() {
        assert!(Interested.moves_to(NdaAccepted));
        assert!(Interested.moves_to(Mou), "a stage may be skipped");
        assert!(!Mou.moves_to(SiteVisit), "never back");
        assert!(!Interested.moves_to(Interested));
        assert!(
            Mou.moves_to(Mou),
            "another figure for a stage with an amount"
        );
        assert!(Negotiation.moves_to(Closed));
        assert!(!Closed.moves_to(InvestmentRealised));
    }

    #[test]
    fn parties_record_the_stages_that_happen_away_from_the_platform() {
        assert!(!DataRoomOpened.recorded_by_parties());
        assert!(SiteVisit.recorded_by_parties() && Closed.recorded_by_parties());
        assert!(InvestmentRealised.takes_amount() && !SiteVisit.takes_amount());
    }
}
