//! The referral lifecycle: received → sent → accepted | wait-listed |
//! declined → started → completed | did-not-attend | withdrawn. Every
//! transition is recorded as an append-only event.

use super::codes::coded_enum;

coded_enum!(
    ReferralState {
        Received = "received",
        Sent = "sent",
        Accepted = "accepted",
        WaitListed = "wait_listed",
        Declined = "declined",
        Started = "started",
        Completed = "completed",
        DidNotAttend = "did_not_attend",
        Withdrawn = "withdrawn",
    }
);

impl ReferralState {
    /// Whether a referral in `self` may move to `to`.
    pub fn can_move_to(self, to: ReferralState) -> bool {
        use ReferralState::*;
        match (self, to) {
            (Received, Sent) => true,
            (Sent, Accepted | WaitListed | Declined) => true,
            (WaitListed, Accepted | Declined) => true,
            (Accepted | WaitListed, Started) => true,
            (Started, Completed | DidNotAttend) => true,
            // A declined referral can be matched again to another service.
            (Declined, Sent) => true,
            // A person may withdraw at any point before the episode ends.
            (Received | Sent | Accepted | WaitListed | Started, Withdrawn) => true,
            _ => false,
        }
    }

    pub fn is_final(self) -> bool {
        use ReferralState::*;
        matches!(self, Completed | DidNotAttend | Withdrawn)
    }
}

#[cfg(test)]
mod tests {
    use super::ReferralState::*;
    use super::*;

    #[test]
    fn the_usual_path_is_allowed() {
        let path = [Received, Sent, Accepted, Started, Completed];
        for pair in path.windows(2) {
            assert!(
                pair[0].can_move_to(pair[1]),
                "{:?} → {:?}",
                pair[0],
                pair[1]
            );
        }
    }

    #[test]
    fn a_final_state_goes_nowhere() {
        for from in ReferralState::ALL.iter().filter(|s| s.is_final()) {
            for to in ReferralState::ALL {
                assert!(!from.can_move_to(*to), "{from:?} → {to:?}");
            }
        }
    }

    #[test]
    fn a_referral_cannot_start_before_it_is_answered() {
        assert!(!Received.can_move_to(Started));
        assert!(!Sent.can_move_to(Started));
        assert!(!Declined.can_move_to(Started));
    }
}
