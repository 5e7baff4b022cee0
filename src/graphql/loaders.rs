//! One DataLoader per request, with a key type per lookup: every child
//! object or list resolves in one batched query per level, never N+1.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use chrono::NaiveDate;

use crate::domain::access::ReferralScope;
use crate::domain::metrics::Window;
use crate::error::AppError;
use crate::store::entity::{
    api_key, area, capacity_version, contribution, funding_award, gateway, gp_practice, location,
    organisation, pcn, referral, referral_event, scenario, scenario_run, service,
    service_capability, service_status, skill, unmet_need,
};
use crate::store::{
    areas, funding, organisations, page, referrals, scenarios, services, unmet_needs, Store,
};

pub struct StoreLoader {
    store: Store,
    today: NaiveDate,
    referral_scope: Option<ReferralScope>,
}

impl StoreLoader {
    pub fn new(store: Store, today: NaiveDate, referral_scope: Option<ReferralScope>) -> Self {
        Self {
            store,
            today,
            referral_scope,
        }
    }
}

type LoadResult<K, V> = Result<HashMap<K, V>, Arc<AppError>>;

fn keys<K: Copy>(keys: &[K], inner: impl Fn(K) -> i64) -> Vec<i64> {
    keys.iter().map(|k| inner(*k)).collect()
}

/// Declares a key newtype and its loader from a store function that maps
/// ids to values.
macro_rules! loader {
    ($(#[$meta:meta])* $key:ident => $value:ty, |$store:ident, $ids:ident, $this:ident| $fetch:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i64);

        impl Loader<$key> for StoreLoader {
            type Value = $value;
            type Error = Arc<AppError>;

            async fn load(&self, k: &[$key]) -> LoadResult<$key, $value> {
                let $ids = keys(k, |k| k.0);
                let $store = &self.store;
                let $this = self;
                let rows: HashMap<i64, $value> = $fetch.await.map_err(Arc::new)?;
                Ok(rows.into_iter().map(|(id, v)| ($key(id), v)).collect())
            }
        }
    };
}

loader!(AreaId => area::Model, |s, ids, _t| page::find::<area::Entity>(s, &ids));
loader!(AreaChildren => Vec<area::Model>, |s, ids, _t| areas::children_of(s, &ids));
loader!(PcnId => pcn::Model, |s, ids, _t| page::find::<pcn::Entity>(s, &ids));
loader!(PracticeId => gp_practice::Model, |s, ids, _t| areas::practices_by_id(s, &ids));
loader!(PcnPractices => Vec<gp_practice::Model>, |s, ids, _t| areas::practices_of_pcns(s, &ids));
loader!(OrganisationId => organisation::Model, |s, ids, _t| page::find::<organisation::Entity>(s, &ids));
loader!(LocationId => location::Model, |s, ids, _t| page::find::<location::Entity>(s, &ids));
loader!(OrganisationLocations => Vec<location::Model>, |s, ids, _t| organisations::locations_of_organisations(s, &ids));
loader!(ServiceId => service::Model, |s, ids, _t| page::find::<service::Entity>(s, &ids));
loader!(OrganisationServices => Vec<service::Model>, |s, ids, _t| services::services_of_organisations(s, &ids));
loader!(ServiceNeeds => Vec<String>, |s, ids, _t| services::needs_of(s, &ids));
loader!(ServiceCapabilities => Vec<service_capability::Model>, |s, ids, _t| services::capabilities_of(s, &ids));
loader!(
    /// The capacity version in force today.
    CapacityNow => capacity_version::Model, |s, ids, t| services::capacity_in_force(s, &ids, t.today)
);
loader!(
    /// The status report in force today.
    StatusNow => service_status::Model, |s, ids, t| services::status_in_force(s, &ids, t.today)
);
loader!(CapacityHistory => Vec<capacity_version::Model>, |s, ids, _t| services::capacity_history(s, &ids));
loader!(StatusHistory => Vec<service_status::Model>, |s, ids, _t| services::status_history(s, &ids));
loader!(GatewayId => gateway::Model, |s, ids, _t| page::find::<gateway::Entity>(s, &ids));
loader!(
    /// A referral, only if the caller's scope includes it.
    ReferralId => referral::Model, |s, ids, t| async {
        match t.referral_scope {
            Some(scope) => referrals::referrals_by_id(s, scope, &ids).await,
            None => Ok(HashMap::new()),
        }
    }
);
loader!(ReferralNeeds => Vec<String>, |s, ids, _t| referrals::needs_of(s, &ids));
loader!(ReferralEvents => Vec<referral_event::Model>, |s, ids, _t| referrals::events_of(s, &ids));
loader!(AwardId => funding_award::Model, |s, ids, _t| page::find::<funding_award::Entity>(s, &ids));
loader!(OrganisationAwards => Vec<funding_award::Model>, |s, ids, _t| funding::awards_of_organisations(s, &ids));
loader!(ContributionId => contribution::Model, |s, ids, _t| page::find::<contribution::Entity>(s, &ids));
loader!(OrganisationContributions => Vec<contribution::Model>, |s, ids, _t| funding::contributions_of_organisations(s, &ids));
loader!(SkillId => skill::Model, |s, ids, _t| page::find::<skill::Entity>(s, &ids));
loader!(OrganisationSkills => Vec<skill::Model>, |s, ids, _t| funding::skills_of_organisations(s, &ids));
loader!(UnmetNeedId => unmet_need::Model, |s, ids, _t| page::find::<unmet_need::Entity>(s, &ids));
loader!(
    /// How many times link workers reported that nothing fits, per entry.
    UnmetNeedReports => i64, |s, ids, _t| unmet_needs::report_counts(s, &ids)
);
loader!(ServiceAwards => Vec<funding_award::Model>, |s, ids, _t| funding::awards_of_services(s, &ids));
loader!(
    /// A key by id, for the name of whoever made or ran a scenario.
    KeyName => api_key::Model, |s, ids, _t| scenarios::keys_by_id(s, &ids)
);
loader!(ScenarioId => scenario::Model, |s, ids, _t| scenarios::find(s, &ids));
loader!(ScenarioRunId => scenario_run::Model, |s, ids, _t| scenarios::find_runs(s, &ids));
loader!(
    /// A scenario's latest run, by scenario id.
    LatestRun => scenario_run::Model, |s, ids, _t| scenarios::latest_runs(s, &ids)
);
loader!(
    /// A run's sums over all its services, by run id.
    RunTotals => scenarios::RunGroupRow, |s, ids, _t| scenarios::run_totals(s, &ids)
);

/// The evidence for a register entry over a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnmetNeedEvidence {
    pub entry: i64,
    pub window: Window,
}

impl Loader<UnmetNeedEvidence> for StoreLoader {
    type Value = unmet_needs::Evidence;
    type Error = Arc<AppError>;

    async fn load(
        &self,
        keys: &[UnmetNeedEvidence],
    ) -> LoadResult<UnmetNeedEvidence, unmet_needs::Evidence> {
        // Usually one window for a whole page of entries: one statement each.
        let mut windows: Vec<Window> = keys.iter().map(|k| k.window).collect();
        windows.sort_by_key(|w| (w.from(), w.to()));
        windows.dedup();
        let mut out = HashMap::new();
        for window in windows {
            let ids: Vec<i64> = keys
                .iter()
                .filter(|k| k.window == window)
                .map(|k| k.entry)
                .collect();
            let found = unmet_needs::evidence(&self.store, &ids, &window)
                .await
                .map_err(Arc::new)?;
            for entry in ids {
                let evidence = found.get(&entry).cloned().unwrap_or(unmet_needs::Evidence {
                    unmet_need_id: entry,
                    ..Default::default()
                });
                out.insert(UnmetNeedEvidence { entry, window }, evidence);
            }
        }
        Ok(out)
    }
}

/// A need's label, from the `need` table (all sixteen come in one read).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NeedLabel(pub String);

impl Loader<NeedLabel> for StoreLoader {
    type Value = String;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[NeedLabel]) -> LoadResult<NeedLabel, String> {
        let needs = services::all_needs(&self.store).await.map_err(Arc::new)?;
        Ok(needs
            .into_iter()
            .filter(|n| keys.iter().any(|k| k.0 == n.code))
            .map(|n| (NeedLabel(n.code), n.label))
            .collect())
    }
}
