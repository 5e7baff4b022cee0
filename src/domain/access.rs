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

/// Which referrals a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralScope {
    All,
    /// Referrals that came through one gateway (a link worker's).
    Gateway(i64),
    /// Referrals sent to the services of one organisation (a provider's).
    Organisation(i64),
}

impl Principal {
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
    fn a_key_hashes_to_its_stored_hash_and_keys_differ() {
        let mut rng = rand::rng();
        let a = IssuedKey::generate(&mut rng);
        let b = IssuedKey::generate(&mut rng);
        assert_eq!(hash_key(&a.plaintext), a.hash);
        assert_ne!(a.plaintext, b.plaintext);
        assert!(a.plaintext.starts_with(&format!("hr_{}_", a.prefix)));
    }
}
