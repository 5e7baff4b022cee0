//! What providers record about their organisation: uncommissioned work and
//! skills.

use async_graphql::{Context, InputObject, Object, Result, ID};

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

/// Most hours one record may hold: a year of round-the-clock work.
const MAX_HOURS: f64 = 8784.0;

fn minutes(hours: f64) -> Result<i32, AppError> {
    if !hours.is_finite() || hours <= 0.0 || hours > MAX_HOURS {
        return Err(AppError::bad_input(
            "hours",
            format!("must be more than 0 and at most {MAX_HOURS}"),
        ));
    }
    Ok((hours * 60.0).round().max(1.0) as i32)
}

fn headcount(field: &str, n: i32) -> Result<i32, AppError> {
    if !(0..=100_000).contains(&n) {
        return Err(AppError::bad_input(field, "must be from 0 to 100000"));
    }
    Ok(n)
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
        let period = Period::parse("periodEnd", input.period_start.0, input.period_end.0)?;
        let kind: codes::ContributionKind = input.kind.into();
        let new = NewContribution {
            organisation_id,
            service_id: decode_opt("serviceId", "Service", input.service_id.as_ref())?,
            kind: kind.as_str().to_owned(),
            minutes: minutes(input.hours)?,
            period_start: period.start,
            period_end: period.end,
            note: text::optional("note", input.note.as_deref(), 1000)?,
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
