//! Who may do what. A request acts as a principal (an API key with a role);
//! these rules decide, and the GraphQL layer only asks.

use rand::RngCore;
use sha2::{Digest, Sha256};

use super::codes::Role;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub key_id: i64,
    pub role: Role,
    /// The organisation a provider key acts for.
    pub organisation_id: Option<i64>,
    /// The gateway a link worker key acts for.
    pub gateway_id: Option<i64>,
}

/// Who reads the commissioner's measures as they are: exact counts of
/// people (referrals accepted, answered, started, declined, waiting; waits
/// over one person) by service, area, need and day. A researcher sees
/// people only through disclosure control (`analytics`); providers and
/// link workers have their own views (their referrals, `findServices`).
pub const READS_EXACT_COUNTS: &[Role] = &[Role::Commissioner, Role::Admin];

/// Which referrals a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralScope {
    All,
    /// Referrals that came through one gateway (a link worker's).
    Gateway(i64),
    /// Referrals sent to the services of one organisation (a provider's).
    Organisation(i64),
}

/// Where a referral event happened, as far as who may read it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventPlace {
    /// At no service: the gateway's own record (the referral received).
    Gateway,
    /// At a service run by this organisation.
    Organisation(i64),
    /// At a service whose organisation is not known: read as another's.
    Unknown,
}

impl EventPlace {
    /// The place of an event at `service_id` (if any), whose service is
    /// run by `organisation_id` (if known).
    pub fn of(service_id: Option<i64>, organisation_id: Option<i64>) -> Self {
        match (service_id, organisation_id) {
            (None, _) => EventPlace::Gateway,
            (Some(_), Some(o)) => EventPlace::Organisation(o),
            (Some(_), None) => EventPlace::Unknown,
        }
    }
}

/// How much of one referral event a caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventView {
    /// All of it.
    Whole,
    /// What happened, as codes: the states, when, the actor's role, the
    /// decline reason and the missing capability. Not the free-text note
    /// (written for the people of one organisation, and it may say more
    /// than it should), nor the service (which other organisation declined
    /// a person, and why, is that organisation's business).
    Outline,
}

impl Principal {
    /// What the caller sees of an event of a referral that came through
    /// `gateway_id`. The gateway's link workers and admins see every event
    /// whole; a provider sees whole the events at its own services and the
    /// gateway's own (the referral as received, which it was sent), and
    /// only the outline of events at another organisation's services.
    /// Anyone else gets the outline (they see no referral to begin with).
    pub fn event_view(&self, gateway_id: i64, place: EventPlace) -> EventView {
        if self.acts_for_gateway(gateway_id) {
            return EventView::Whole;
        }
        match (self.role, place) {
            (Role::Provider, EventPlace::Gateway) => EventView::Whole,
            (Role::Provider, EventPlace::Organisation(o)) if self.organisation_id == Some(o) => {
                EventView::Whole
            }
            _ => EventView::Outline,
        }
    }

    pub fn is(&self, roles: &[Role]) -> bool {
        roles.contains(&self.role)
    }

    /// Admins manage every organisation; a provider only its own.
    pub fn may_manage_organisation(&self, organisation_id: i64) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Provider => self.organisation_id == Some(organisation_id),
            _ => false,
        }
    }

    /// Whether the caller acts for the gateway a referral came through (an
    /// admin acts for every side).
    pub fn acts_for_gateway(&self, gateway_id: i64) -> bool {
        match self.role {
            Role::Admin => true,
            Role::LinkWorker => self.gateway_id == Some(gateway_id),
            _ => false,
        }
    }

    /// Whether the caller acts for the provider running a referral's
    /// service (`None`: the referral is with no service).
    pub fn acts_for_provider(&self, organisation_id: Option<i64>) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Provider => {
                self.organisation_id.is_some() && self.organisation_id == organisation_id
            }
            _ => false,
        }
    }

    /// Commissioners and researchers see services and aggregates, never
    /// referral rows; link workers and providers see their own.
    pub fn referral_scope(&self) -> Option<ReferralScope> {
        match self.role {
            Role::Admin => Some(ReferralScope::All),
            Role::LinkWorker => self.gateway_id.map(ReferralScope::Gateway),
            Role::Provider => self.organisation_id.map(ReferralScope::Organisation),
            Role::Commissioner | Role::Researcher => None,
        }
    }
}

/// A freshly made key: the plaintext is shown once, only the hash is kept.
pub struct IssuedKey {
    pub plaintext: String,
    pub prefix: String,
    pub hash: String,
}

impl IssuedKey {
    /// `hr_<8 hex>_<64 hex>`: the prefix names the key in listings, the 256
    /// random bits behind it make it unguessable, so a plain SHA-256 is
    /// enough to store it (no slow password hash needed).
    pub fn generate(rng: &mut impl RngCore) -> Self {
        let mut prefix = [0u8; 4];
        let mut secret = [0u8; 32];
        rng.fill_bytes(&mut prefix);
        rng.fill_bytes(&mut secret);
        let prefix = hex::encode(prefix);
        let plaintext = format!("hr_{prefix}_{}", hex::encode(secret));
        let hash = hash_key(&plaintext);
        Self {
            plaintext,
            prefix,
            hash,
        }
    }
}

pub fn hash_key(plaintext: &str) -> String {
    hex::encode(Sha256::digest(plaintext.trim().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, org: Option<i64>, gateway: Option<i64>) -> Principal {
        Principal {
            key_id: 1,
            role,
            organisation_id: org,
            gateway_id: gateway,
        }
    }

    #[test]
    fn a_provider_manages_only_its_own_organisation() {
        let p = principal(Role::Provider, Some(7), None);
        assert!(p.may_manage_organisation(7));
        assert!(!p.may_manage_organisation(8));
    }

    #[test]
    fn commissioners_never_see_referral_rows() {
        assert_eq!(
            principal(Role::Commissioner, None, None).referral_scope(),
            None
        );
        assert_eq!(
            principal(Role::Researcher, None, None).referral_scope(),
            None
        );
        assert_eq!(
            principal(Role::LinkWorker, None, Some(3)).referral_scope(),
            Some(ReferralScope::Gateway(3))
        );
    }

    #[test]
    fn a_provider_sees_the_events_at_its_own_services_whole() {
        let p = principal(Role::Provider, Some(7), None);
        assert_eq!(
            p.event_view(3, EventPlace::Organisation(7)),
            EventView::Whole
        );
    }

    #[test]
    fn a_provider_sees_only_the_outline_of_events_at_another_organisations_services() {
        let p = principal(Role::Provider, Some(7), None);
        assert_eq!(
            p.event_view(3, EventPlace::Organisation(8)),
            EventView::Outline
        );
        assert_eq!(p.event_view(3, EventPlace::Unknown), EventView::Outline);
    }

    #[test]
    fn a_provider_sees_the_gateways_own_record_of_the_referral_whole() {
        let p = principal(Role::Provider, Some(7), None);
        assert_eq!(p.event_view(3, EventPlace::Gateway), EventView::Whole);
    }

    #[test]
    fn a_provider_without_an_organisation_sees_only_outlines() {
        let p = principal(Role::Provider, None, None);
        assert_eq!(
            p.event_view(3, EventPlace::Organisation(7)),
            EventView::Outline
        );
    }

    #[test]
    fn the_gateways_link_workers_and_admins_see_every_event_whole() {
        for p in [
            principal(Role::LinkWorker, None, Some(3)),
            principal(Role::Admin, None, None),
        ] {
            for place in [
                EventPlace::Gateway,
                EventPlace::Organisation(7),
                EventPlace::Unknown,
            ] {
                assert_eq!(p.event_view(3, place), EventView::Whole, "{p:?} {place:?}");
            }
        }
    }

    #[test]
    fn everyone_else_sees_only_outlines() {
        for p in [
            principal(Role::LinkWorker, None, Some(4)),
            principal(Role::Commissioner, None, None),
            principal(Role::Researcher, None, None),
        ] {
            for place in [EventPlace::Gateway, EventPlace::Organisation(7)] {
                assert_eq!(p.event_view(3, place), EventView::Outline, "{p:?}");
            }
        }
    }

    #[test]
    fn an_event_at_no_service_is_the_gateways_and_one_at_an_unknown_service_anothers() {
        assert_eq!(EventPlace::of(None, None), EventPlace::Gateway);
        assert_eq!(
            EventPlace::of(Some(5), Some(7)),
            EventPlace::Organisation(7)
        );
        assert_eq!(EventPlace::of(Some(5), None), EventPlace::Unknown);
    }

    #[test]
    fn a_key_hashes_to_its_stored_hash_and_keys_differ() {
        let mut rng = rand::rng();
        let a = IssuedKey::generate(&mut rng);
        let b = IssuedKey::generate(&mut rng);
        assert_eq!(hash_key(&a.plaintext), a.hash);
        assert_ne!(a.plaintext, b.plaintext);
        assert!(a.plaintext.starts_with(&format!("hr_{}_", a.prefix)));
    }
}
