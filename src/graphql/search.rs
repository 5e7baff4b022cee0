//! Service search for link workers: `findServices` ranks the services near
//! a person that fit them and have room, explaining each; when nothing
//! fits it says why, and `recordNoFit` puts that on the unmet-needs
//! register in one step. The resolvers parse and wrap; `app::search` does
//! the work.

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject, ID};

use super::context::ContextExt;
use super::cost;
use super::enums::{AgeBand, NeedCode, ServiceStatus};
use super::ids::decode_as;
use super::inputs::{self, CapabilityInput};
use super::loaders::ServiceId;
use super::types::service::{Capability, Service};
use super::types::unmet_need::UnmetNeed;
use crate::app::search::{self as app, Search};
use crate::domain::bounds::{self, Text};
use crate::domain::capability::{Capability as DomainCapability, CapabilityKind};
use crate::domain::codes::Role;
use crate::domain::language::LanguageCode;
use crate::domain::matching::{NoFit, Wants};
use crate::domain::text;
use crate::error::AppError;

/// Who the person is and what they need.
#[derive(InputObject)]
pub struct FindServicesInput {
    /// At least one.
    pub needs: Vec<NeedCode>,
    pub residence_ward_id: ID,
    /// The person's language (ISO 639). Anything but English is required:
    /// services are taken to run in English unless they say otherwise.
    pub language: Option<String>,
    #[graphql(default)]
    pub required_capabilities: Vec<CapabilityInput>,
    #[graphql(default)]
    pub preferred_capabilities: Vec<CapabilityInput>,
    pub age_band: Option<AgeBand>,
    #[graphql(default = 5.0)]
    pub max_distance_km: f64,
    /// Also list services that fit but have no room now, after the rest.
    #[graphql(default)]
    pub include_full: bool,
}

/// A service that fits, and why.
#[derive(SimpleObject)]
pub struct ServiceMatch {
    pub service: Service,
    /// 0 to 1, higher is better: fit (needs met, preferred capabilities)
    /// 0.4, room 0.3, nearness 0.2, freshness of the status 0.1.
    pub score: f64,
    /// From the person's ward centroid to the venue.
    pub distance_km: f64,
    #[graphql(complexity = "cost::list(cost::estimate::CODES, child_complexity)")]
    pub needs_met: Vec<NeedCode>,
    /// Required and preferred capabilities it offers.
    #[graphql(complexity = "cost::list(cost::estimate::CODES, child_complexity)")]
    pub capabilities_matched: Vec<Capability>,
    /// Preferred capabilities it lacks (a match never lacks a required one).
    #[graphql(complexity = "cost::list(cost::estimate::CODES, child_complexity)")]
    pub capabilities_missing: Vec<Capability>,
    pub has_room: bool,
    /// Places (or caseload places) per week free over the last four weeks.
    pub headroom: Option<f64>,
    /// Over the last four weeks; above 1 is over capacity.
    pub utilisation: Option<f64>,
    /// Median days from acceptance to start, over the last twelve weeks.
    pub typical_wait_days: Option<i64>,
    pub status: Option<ServiceStatus>,
    /// Days since the provider last confirmed the status.
    pub days_since_confirmed: Option<i64>,
    pub stale: bool,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::codes::NoFitReason")]
pub enum NoFitReason {
    /// No service addresses the needs within the distance.
    NoServiceNearby,
    /// Services nearby address the needs but lack a required capability.
    LacksCapability,
    /// Services nearby fit but none takes the person's age.
    NotForTheirAge,
    /// Services fit but none has room now.
    AllFull,
}

#[derive(SimpleObject)]
pub struct CapabilityShortfall {
    pub capability: Capability,
    /// Services nearby addressing the needs that lack it.
    pub services_lacking: i64,
}

/// Why no service fits.
#[derive(SimpleObject)]
pub struct NothingFits {
    pub reason: NoFitReason,
    /// For LACKS_CAPABILITY: the required capabilities nearby services
    /// lack, most often lacking first.
    #[graphql(complexity = "cost::list(cost::estimate::CODES, child_complexity)")]
    pub missing_capabilities: Vec<CapabilityShortfall>,
    pub explanation: String,
}

#[derive(SimpleObject)]
pub struct ServiceSearch {
    /// At most `first`: `findServices` counts `first` × a match.
    #[graphql(complexity = "child_complexity")]
    pub matches: Vec<ServiceMatch>,
    /// Services within the distance addressing at least one need.
    pub nearby: i64,
    /// Of those, the ones meeting every requirement.
    pub eligible: i64,
    /// Of those, the ones with room now.
    pub with_room: i64,
    /// Null when something fits and has room.
    pub nothing_fits: Option<NothingFits>,
}

fn parse(ctx: &Context<'_>, input: &FindServicesInput) -> Result<Search, AppError> {
    let needs = inputs::needs("needs", &input.needs, "name at least one need")?;
    let parse_list =
        |field: &str, list: &[CapabilityInput]| -> Result<Vec<DomainCapability>, AppError> {
            list.iter()
                .enumerate()
                .map(|(i, c)| c.capability(&format!("{field}[{i}].code")))
                .collect()
        };
    let mut required = parse_list("requiredCapabilities", &input.required_capabilities)?;
    if let Some(l) = &input.language {
        let code = LanguageCode::parse("language", l)?;
        if code.as_str() != "en" {
            required.push(DomainCapability::parse(
                "language",
                CapabilityKind::Language,
                code.as_str(),
            )?);
        }
    }
    required.sort();
    required.dedup();
    let mut preferred = parse_list("preferredCapabilities", &input.preferred_capabilities)?;
    preferred.retain(|p| !required.contains(p));
    bounds::search_distance("maxDistanceKm", input.max_distance_km)?;
    let ward_id = decode_as("residenceWardId", "Area", &input.residence_ward_id)?;
    Ok(Search {
        ward_id,
        wants: Wants {
            needs,
            required,
            preferred,
            age_band: input.age_band.map(Into::into),
            max_distance_km: input.max_distance_km,
            include_full: input.include_full,
            stale_after_days: ctx.settings().stale_after_days,
        },
    })
}

fn capability(c: &DomainCapability) -> Result<Capability> {
    Capability::from_codes(c.kind.as_str(), &c.code)
}

fn explain(no_fit: &NoFit, wants: &Wants) -> Result<NothingFits> {
    let missing_capabilities = match no_fit {
        NoFit::LacksCapability(lacking) => lacking
            .iter()
            .map(|(c, n)| {
                Ok(CapabilityShortfall {
                    capability: capability(c)?,
                    services_lacking: *n as i64,
                })
            })
            .collect::<Result<Vec<_>>>()?,
        _ => Vec::new(),
    };
    Ok(NothingFits {
        reason: no_fit.reason().into(),
        missing_capabilities,
        explanation: no_fit.explanation(wants.max_distance_km),
    })
}

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Services near the person's ward that address their needs, offer
    /// every required capability, take their age and have room, best
    /// first; each explains itself. When none fits, `nothingFits` says why.
    #[graphql(complexity = "cost::search(first, child_complexity)")]
    async fn find_services(
        &self,
        ctx: &Context<'_>,
        input: FindServicesInput,
        #[graphql(default = 20, validator(minimum = 1, maximum = 100))] first: i32,
    ) -> Result<ServiceSearch> {
        let search = parse(ctx, &input)?;
        let app::Found { ranking, waits } = app::find_services(&ctx.app(), &search).await?;
        // The services themselves come through the request's loader, which
        // batches them with any other service this operation reads.
        let fits: Vec<_> = ranking.fits.into_iter().take(first as usize).collect();
        let mut rows = ctx
            .loader()
            .load_many(fits.iter().map(|(c, _)| ServiceId(c.service_id)))
            .await?;
        let mut matches = Vec::new();
        for (c, fit) in fits {
            let Some(service) = rows.remove(&ServiceId(c.service_id)) else {
                continue;
            };
            matches.push(ServiceMatch {
                service: Service(service),
                score: fit.score,
                distance_km: (c.distance_km * 100.0).round() / 100.0,
                needs_met: fit.needs_met.iter().map(|&n| n.into()).collect(),
                capabilities_matched: fit.matched.iter().map(capability).collect::<Result<_>>()?,
                capabilities_missing: fit
                    .missing_preferred
                    .iter()
                    .map(capability)
                    .collect::<Result<_>>()?,
                has_room: fit.has_room,
                headroom: c.headroom,
                utilisation: c.utilisation,
                typical_wait_days: waits.get(&c.service_id).copied(),
                status: c.status.map(Into::into),
                days_since_confirmed: c.staleness.map(|s| s.days_since_confirmed),
                stale: c.staleness.is_none_or(|s| s.stale),
            });
        }
        Ok(ServiceSearch {
            matches,
            nearby: ranking.nearby as i64,
            eligible: ranking.eligible as i64,
            with_room: ranking.with_room as i64,
            nothing_fits: ranking
                .no_fit
                .as_ref()
                .map(|n| explain(n, &search.wants))
                .transpose()?,
        })
    }
}

#[derive(InputObject)]
pub struct RecordNoFitInput {
    /// The same search that found nothing.
    pub search: FindServicesInput,
    pub note: Option<String>,
}

#[derive(SimpleObject)]
pub struct NoFitRecorded {
    pub reason: NoFitReason,
    /// The register entries the report was recorded against, one per need:
    /// an open entry that matched, or a new one for commissioners to rate.
    #[graphql(complexity = "cost::list(cost::estimate::PER_NEED, child_complexity)")]
    pub entries: Vec<UnmetNeed>,
}

#[derive(Default)]
pub struct SearchMutations;

#[Object]
impl SearchMutations {
    /// Records that a search found nothing that fits, as evidence on the
    /// unmet-needs register: for each need, on the open entry for that
    /// need (and missing capability) in the ward, its local authority or
    /// its ICB, or on a new entry in the local authority. The search is run
    /// again here; if something fits, nothing is recorded (CONFLICT).
    async fn record_no_fit(
        &self,
        ctx: &Context<'_>,
        input: RecordNoFitInput,
    ) -> Result<NoFitRecorded> {
        ctx.require(
            &[Role::LinkWorker, Role::Admin],
            "recording that nothing fits",
        )?;
        let note = text::optional("note", input.note.as_deref(), Text::Note)?;
        let search = parse(ctx, &input.search)?;
        let recorded = app::record_no_fit(&ctx.app(), &search, note).await?;
        Ok(NoFitRecorded {
            reason: recorded.reason.into(),
            entries: recorded.entries.into_iter().map(UnmetNeed).collect(),
        })
    }
}
