//! The `Node` interface: every object with a global id, and `node(id:)`.

use async_graphql::{Context, Interface, Result, ID};

use super::context::ContextExt;
use super::ids;
use super::loaders::*;
use super::scenarios::types::{Scenario, ScenarioRun};
use super::types::area::{Area, GpPractice, Pcn};
use super::types::funding::{Contribution, FundingAward, Skill};
use super::types::load;
use super::types::organisation::{Location, Organisation};
use super::types::referral::{Gateway, Referral};
use super::types::service::Service;
use super::types::unmet_need::UnmetNeed;
use crate::domain::codes::Role;

#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
pub enum Node {
    Area(Area),
    Pcn(Pcn),
    GpPractice(GpPractice),
    Organisation(Organisation),
    Location(Location),
    Service(Service),
    Gateway(Gateway),
    Referral(Referral),
    FundingAward(FundingAward),
    Contribution(Contribution),
    Skill(Skill),
    UnmetNeed(UnmetNeed),
    Scenario(Scenario),
    ScenarioRun(ScenarioRun),
}

/// The object behind a global id, or null if it does not exist or the
/// caller may not see it (a referral outside their scope).
pub async fn resolve(ctx: &Context<'_>, id: &ID) -> Result<Option<Node>> {
    let (kind, n) = ids::decode("id", id)?;
    Ok(match kind.as_str() {
        "Area" => load(ctx, AreaId(n)).await?.map(|m| Node::Area(Area(m))),
        "Pcn" => load(ctx, PcnId(n)).await?.map(|m| Node::Pcn(Pcn(m))),
        "GpPractice" => load(ctx, PracticeId(n))
            .await?
            .map(|m| Node::GpPractice(GpPractice(m))),
        "Organisation" => load(ctx, OrganisationId(n))
            .await?
            .map(|m| Node::Organisation(Organisation(m))),
        "Location" => load(ctx, LocationId(n))
            .await?
            .map(|m| Node::Location(Location(m))),
        "Service" => load(ctx, ServiceId(n))
            .await?
            .map(|m| Node::Service(Service(m))),
        "Gateway" => load(ctx, GatewayId(n))
            .await?
            .map(|m| Node::Gateway(Gateway(m))),
        "Referral" => load(ctx, ReferralId(n))
            .await?
            .map(|m| Node::Referral(Referral(m))),
        "FundingAward" => load(ctx, AwardId(n))
            .await?
            .map(|m| Node::FundingAward(FundingAward(m))),
        "Contribution" => load(ctx, ContributionId(n))
            .await?
            .map(|m| Node::Contribution(Contribution(m))),
        "Skill" => load(ctx, SkillId(n)).await?.map(|m| Node::Skill(Skill(m))),
        "UnmetNeed" => load(ctx, UnmetNeedId(n))
            .await?
            .map(|m| Node::UnmetNeed(UnmetNeed(m))),
        // Scenarios are for those who plan; to anyone else they do not exist.
        "Scenario" | "ScenarioRun" if !ctx.principal().is(&[Role::Commissioner, Role::Admin]) => {
            None
        }
        "Scenario" => match load(ctx, ScenarioId(n)).await? {
            Some(m) => Some(Node::Scenario(Scenario::of(m)?)),
            None => None,
        },
        "ScenarioRun" => load(ctx, ScenarioRunId(n))
            .await?
            .map(|m| Node::ScenarioRun(ScenarioRun(m))),
        _ => None,
    })
}
