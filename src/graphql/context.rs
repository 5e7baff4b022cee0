//! What a resolver can reach: the store, the caller, the request's loader.

use async_graphql::dataloader::DataLoader;
use async_graphql::Context;
use chrono::NaiveDate;

use super::loaders::StoreLoader;
use crate::app;
use crate::domain::access::{Principal, ReferralScope};
use crate::domain::codes::Role;
use crate::error::AppError;
use crate::store::Store;

/// Settings resolvers need, fixed when the schema is built.
#[derive(Debug, Clone)]
pub struct ResolverSettings {
    pub stale_after_days: i64,
    pub default_hourly_rate_pence: i64,
    /// Most figures one researcher question may answer with.
    pub max_analytics_figures: usize,
}

/// Per request: who is asking, what day it is, a fresh DataLoader (so
/// nothing cached for one caller is ever served to another), and the
/// request's own copy of the store, with its lanes to the database.
pub struct RequestContext {
    pub principal: Principal,
    pub today: NaiveDate,
    pub loader: DataLoader<StoreLoader>,
    pub store: Store,
}

pub trait ContextExt {
    fn store(&self) -> &Store;
    fn request(&self) -> &RequestContext;
    fn settings(&self) -> &ResolverSettings;

    fn principal(&self) -> &Principal {
        &self.request().principal
    }

    fn loader(&self) -> &DataLoader<StoreLoader> {
        &self.request().loader
    }

    fn today(&self) -> NaiveDate {
        self.request().today
    }

    /// The caller, if their role is one of `roles`; FORBIDDEN otherwise.
    fn require(&self, roles: &[Role], doing: &str) -> Result<&Principal, AppError> {
        let p = self.principal();
        if p.is(roles) {
            Ok(p)
        } else {
            let names: Vec<_> = roles.iter().map(|r| r.as_str()).collect();
            Err(AppError::Forbidden(format!(
                "{doing} needs one of the roles {}; this key is {}",
                names.join(", "),
                p.role
            )))
        }
    }

    /// Which referrals the caller may see; FORBIDDEN for roles that see
    /// aggregates only.
    fn referral_scope(&self) -> Result<ReferralScope, AppError> {
        app::referral_scope(self.principal())
    }

    /// What a use case in `app` may reach, for this request.
    fn app(&self) -> app::Context<'_> {
        app::Context {
            store: self.store(),
            principal: self.principal(),
            today: self.today(),
            stale_after_days: self.settings().stale_after_days,
        }
    }

    /// The caller, if they may manage `organisation_id`; FORBIDDEN otherwise.
    fn require_manager_of(&self, organisation_id: i64) -> Result<&Principal, AppError> {
        let p = self.principal();
        if p.may_manage_organisation(organisation_id) {
            Ok(p)
        } else {
            Err(AppError::Forbidden(
                "this key may not change that organisation's records".into(),
            ))
        }
    }
}

impl ContextExt for Context<'_> {
    fn store(&self) -> &Store {
        &self.request().store
    }

    fn request(&self) -> &RequestContext {
        self.data_unchecked::<RequestContext>()
    }

    fn settings(&self) -> &ResolverSettings {
        self.data_unchecked::<ResolverSettings>()
    }
}
