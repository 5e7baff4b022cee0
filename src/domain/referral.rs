//! The referral lifecycle: received → sent → accepted | wait-listed |
//! declined → started → completed | did-not-attend | withdrawn. Every
//! transition is recorded as an append-only event.

use super::access::Principal;
use super::capability::Capability;
use super::codes::{coded_enum, DeclineReason};
use super::Invalid;

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

    /// Which side makes the move into this state.
    pub fn made_by(self) -> Side {
        use ReferralState::*;
        match self {
            Received | Sent => Side::Gateway,
            Withdrawn => Side::Either,
            Accepted | WaitListed | Declined | Started | Completed | DidNotAttend => Side::Provider,
        }
    }
}

/// The two sides of a referral: the gateway that refers (its link workers)
/// and the provider of the service it is sent to (its staff).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Gateway,
    Provider,
    /// A person may withdraw through either side.
    Either,
}

/// Why a referral was declined: the reason, and for a decline for
/// capability, the capability that was missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decline {
    pub reason: DeclineReason,
    pub missing: Option<Capability>,
}

/// A requested transition, checked for the fields its target state needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub to: ReferralState,
    /// The service a referral is sent to; only for `sent`.
    pub service: Option<i64>,
    pub decline: Option<Decline>,
}

impl Move {
    pub fn parse(
        to: ReferralState,
        service: Option<i64>,
        reason: Option<DeclineReason>,
        missing: Option<Capability>,
    ) -> Result<Self, Invalid> {
        use ReferralState::*;
        if to == Received {
            return Err(Invalid::new(
                "to",
                "a referral is received when it is created, not moved there",
            ));
        }
        match (to, service) {
            (Sent, None) => {
                return Err(Invalid::new("serviceId", "say which service it is sent to"))
            }
            (Sent, Some(_)) | (_, None) => {}
            (_, Some(_)) => {
                return Err(Invalid::new(
                    "serviceId",
                    "only a move to SENT names a service",
                ))
            }
        }
        let decline = match (to, reason, missing) {
            (Declined, None, _) => return Err(Invalid::new("reason", "a decline needs a reason")),
            (Declined, Some(DeclineReason::Capability), None) => {
                return Err(Invalid::new(
                    "missingCapability",
                    "a decline for capability names the capability that was missing",
                ))
            }
            (Declined, Some(DeclineReason::Capability), Some(c)) => Some(Decline {
                reason: DeclineReason::Capability,
                missing: Some(c),
            }),
            (Declined, Some(_), Some(_)) => {
                return Err(Invalid::new(
                    "missingCapability",
                    "only a decline for capability names a missing capability",
                ))
            }
            (Declined, Some(reason), None) => Some(Decline {
                reason,
                missing: None,
            }),
            (_, None, None) => None,
            (_, Some(_), _) => return Err(Invalid::new("reason", "only a decline has a reason")),
            (_, None, Some(_)) => {
                return Err(Invalid::new(
                    "missingCapability",
                    "only a decline for capability names a missing capability",
                ))
            }
        };
        Ok(Self {
            to,
            service,
            decline,
        })
    }
}

/// A referral as the rules need to see it before moving it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    pub state: ReferralState,
    pub version: i32,
    pub gateway_id: i64,
    /// The organisation running the service it is with, if any.
    pub provider: Option<i64>,
}

/// Why a move was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The caller's side does not make this move, or it is not their referral.
    NotYours(&'static str),
    /// The referral changed since the caller read it.
    Stale { current: i32 },
    /// The state machine forbids the move.
    Forbidden {
        from: ReferralState,
        to: ReferralState,
    },
}

/// Whether `who` may make `mv` on `referral`, which they read at `version`.
pub fn check(who: &Principal, referral: &Snapshot, version: i32, mv: &Move) -> Result<(), Refusal> {
    let on_gateway_side = who.acts_for_gateway(referral.gateway_id);
    let on_provider_side = who.acts_for_provider(referral.provider);
    let allowed = match mv.to.made_by() {
        Side::Gateway => on_gateway_side,
        Side::Provider => on_provider_side,
        Side::Either => on_gateway_side || on_provider_side,
    };
    if !allowed {
        return Err(Refusal::NotYours(match mv.to.made_by() {
            Side::Gateway => "only a link worker of the referring gateway makes this move",
            Side::Provider => {
                "only the provider of the service the referral is with makes this move"
            }
            Side::Either => {
                "only the referring gateway or the provider of the service withdraws a referral"
            }
        }));
    }
    if version != referral.version {
        return Err(Refusal::Stale {
            current: referral.version,
        });
    }
    if !referral.state.can_move_to(mv.to) {
        return Err(Refusal::Forbidden {
            from: referral.state,
            to: mv.to,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::ReferralState::*;
    use super::*;
    use crate::domain::codes::Role;

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

    /// Every allowed transition, from DESIGN.md's lifecycle; every other
    /// pair of states is forbidden.
    const ALLOWED: &[(ReferralState, ReferralState)] = &[
        (Received, Sent),
        (Received, Withdrawn),
        (Sent, Accepted),
        (Sent, WaitListed),
        (Sent, Declined),
        (Sent, Withdrawn),
        (WaitListed, Accepted),
        (WaitListed, Declined),
        (WaitListed, Started),
        (WaitListed, Withdrawn),
        (Accepted, Started),
        (Accepted, Withdrawn),
        (Declined, Sent),
        (Started, Completed),
        (Started, DidNotAttend),
        (Started, Withdrawn),
    ];

    #[test]
    fn exactly_the_lifecycle_transitions_are_allowed() {
        for from in ReferralState::ALL {
            for to in ReferralState::ALL {
                let expected = ALLOWED.contains(&(*from, *to));
                assert_eq!(from.can_move_to(*to), expected, "{from:?} → {to:?}");
            }
        }
    }

    fn principal(role: Role, org: Option<i64>, gateway: Option<i64>) -> Principal {
        Principal {
            key_id: 1,
            role,
            organisation_id: org,
            gateway_id: gateway,
        }
    }

    fn snapshot(state: ReferralState) -> Snapshot {
        Snapshot {
            state,
            version: 3,
            gateway_id: 10,
            provider: Some(20),
        }
    }

    fn to(state: ReferralState) -> Move {
        let service = (state == Sent).then_some(5);
        let reason = (state == Declined).then_some(DeclineReason::Capacity);
        Move::parse(state, service, reason, None).unwrap()
    }

    #[test]
    fn link_workers_send_and_providers_answer() {
        let worker = principal(Role::LinkWorker, None, Some(10));
        let provider = principal(Role::Provider, Some(20), None);
        assert_eq!(check(&worker, &snapshot(Received), 3, &to(Sent)), Ok(()));
        assert!(matches!(
            check(&provider, &snapshot(Received), 3, &to(Sent)),
            Err(Refusal::NotYours(_))
        ));
        assert_eq!(check(&provider, &snapshot(Sent), 3, &to(Accepted)), Ok(()));
        assert!(matches!(
            check(&worker, &snapshot(Sent), 3, &to(Accepted)),
            Err(Refusal::NotYours(_))
        ));
        assert_eq!(check(&worker, &snapshot(Sent), 3, &to(Withdrawn)), Ok(()));
        assert_eq!(
            check(&provider, &snapshot(Started), 3, &to(Withdrawn)),
            Ok(())
        );
    }

    #[test]
    fn another_gateway_or_provider_may_not_move_it() {
        let worker = principal(Role::LinkWorker, None, Some(11));
        let provider = principal(Role::Provider, Some(21), None);
        let commissioner = principal(Role::Commissioner, None, None);
        assert!(check(&worker, &snapshot(Received), 3, &to(Sent)).is_err());
        assert!(check(&provider, &snapshot(Sent), 3, &to(Accepted)).is_err());
        assert!(check(&commissioner, &snapshot(Sent), 3, &to(Withdrawn)).is_err());
    }

    #[test]
    fn a_stale_version_or_a_forbidden_move_is_refused() {
        let provider = principal(Role::Provider, Some(20), None);
        assert_eq!(
            check(&provider, &snapshot(Sent), 2, &to(Accepted)),
            Err(Refusal::Stale { current: 3 })
        );
        assert_eq!(
            check(&provider, &snapshot(Sent), 3, &to(Completed)),
            Err(Refusal::Forbidden {
                from: Sent,
                to: Completed
            })
        );
    }

    #[test]
    fn a_move_carries_exactly_the_fields_its_state_needs() {
        let sylheti = Capability::parse(
            "c",
            crate::domain::capability::CapabilityKind::Language,
            "syl",
        )
        .unwrap();
        assert!(Move::parse(Sent, None, None, None).is_err());
        assert!(Move::parse(Accepted, Some(5), None, None).is_err());
        assert!(Move::parse(Received, None, None, None).is_err());
        assert!(Move::parse(Declined, None, None, None).is_err());
        assert!(Move::parse(Declined, None, Some(DeclineReason::Capability), None).is_err());
        assert!(Move::parse(
            Declined,
            None,
            Some(DeclineReason::Capacity),
            Some(sylheti.clone())
        )
        .is_err());
        assert!(Move::parse(Accepted, None, Some(DeclineReason::Other), None).is_err());
        let mv = Move::parse(
            Declined,
            None,
            Some(DeclineReason::Capability),
            Some(sylheti.clone()),
        )
        .unwrap();
        assert_eq!(mv.decline.unwrap().missing, Some(sylheti));
    }

    #[test]
    fn a_referral_cannot_start_before_it_is_answered() {
        assert!(!Received.can_move_to(Started));
        assert!(!Sent.can_move_to(Started));
        assert!(!Declined.can_move_to(Started));
    }
}
