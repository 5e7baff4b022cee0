//! What providers record about their organisation: uncommissioned work and
//! skills.

use async_graphql::{Context, InputObject, Object, Result, ID};

use crate::domain::bounds::{self, Text, MAX_HEADCOUNT};
use crate::domain::codes;
use crate::domain::period::Period;
use crate::domain::text;
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{ContributionKind, SkillCode};
use crate::graphql::ids::{decode_as, decode_opt};
use crate::graphql::scalars::Date;
use crate::graphql::types::funding::{Contribution, Skill};
use crate::store::funding::{self as store, NewContribution};

#[derive(Default)]
pub struct RecordMutations;

#[derive(InputObject)]
pub struct RecordContributionInput {
    pub organisation_id: ID,
    pub service_id: Option<ID>,
    pub kind: ContributionKind,
    /// Hours of work, to the minute (1.5 is an hour and a half).
    pub hours: f64,
    pub period_start: Date,
    /// The last day of the period (inclusive).
    pub period_end: Date,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct SetSkillInput {
    pub organisation_id: ID,
    pub skill: SkillCode,
    pub volunteers: i32,
    pub paid_staff: i32,
}

fn minutes(hours: f64) -> Result<i32, AppError> {
    let hours = bounds::hours("hours", hours)?;
    Ok((hours * 60.0).round().max(1.0) as i32)
}

fn headcount(field: &str, n: i32) -> Result<i32, AppError> {
    Ok(bounds::count(field, n, MAX_HEADCOUNT)?)
}

#[Object]
impl RecordMutations {
    /// Records hours of uncommissioned work (interpreting, accompanying,
    /// advocacy, initiating referrals) done for the wider system.
    async fn record_contribution(
        &self,
        ctx: &Context<'_>,
        input: RecordContributionInput,
    ) -> Result<Contribution> {
        let organisation_id = decode_as("organisationId", "Organisation", &input.organisation_id)?;
        ctx.require_manager_of(organisation_id)?;
        let period = Period::parse(
            ("periodStart", input.period_start.day("periodStart")?),
            ("periodEnd", input.period_end.day("periodEnd")?),
        )?;
        let kind: codes::ContributionKind = input.kind.into();
        let new = NewContribution {
            organisation_id,
            service_id: decode_opt("serviceId", "Service", input.service_id.as_ref())?,
            kind: kind.as_str().to_owned(),
            minutes: minutes(input.hours)?,
            period_start: period.start,
            period_end: period.end,
            note: text::optional("note", input.note.as_deref(), Text::Note)?,
            recorded_by: Some(ctx.principal().key_id),
        };
        Ok(Contribution(
            store::record_contribution(ctx.store(), new).await?,
        ))
    }

    /// Sets how many volunteers and paid staff have a skill.
    async fn set_skill(&self, ctx: &Context<'_>, input: SetSkillInput) -> Result<Skill> {
        let organisation_id = decode_as("organisationId", "Organisation", &input.organisation_id)?;
        ctx.require_manager_of(organisation_id)?;
        let skill: codes::SkillCode = input.skill.into();
        let model = store::set_skill(
            ctx.store(),
            organisation_id,
            skill.as_str().to_owned(),
            headcount("volunteers", input.volunteers)?,
            headcount("paidStaff", input.paid_staff)?,
        )
        .await?;
        Ok(Skill(model))
    }
}
