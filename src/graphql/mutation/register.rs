//! The unmet-needs register: commissioners add and maintain entries.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, ID};

use crate::domain::bounds::Text;
use crate::domain::codes::{self, Role};
use crate::domain::register::rating;
use crate::domain::text;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{NeedCode, UnmetNeedStatus};
use crate::graphql::ids::decode_as;
use crate::graphql::inputs::CapabilityInput;
use crate::graphql::scalars::Date;
use crate::graphql::types::unmet_need::UnmetNeed;
use crate::store::unmet_needs::{self as store, UnmetNeedChanges, UnmetNeedFields};

#[derive(Default)]
pub struct RegisterMutations;

#[derive(InputObject)]
pub struct CreateUnmetNeedInput {
    /// A ward, local authority or ICB.
    pub area_id: ID,
    pub need: NeedCode,
    /// The capability no service offers, if that is the gap.
    pub missing_capability: Option<CapabilityInput>,
    pub evidence: String,
    /// 1 (rare) to 5 (almost certain).
    pub likelihood: i32,
    /// 1 (negligible) to 5 (severe).
    pub impact: i32,
    pub action: Option<String>,
    pub owner: Option<String>,
    pub review_date: Option<Date>,
}

#[derive(InputObject)]
pub struct UpdateUnmetNeedInput {
    pub unmet_need_id: ID,
    pub evidence: Option<String>,
    pub likelihood: Option<i32>,
    pub impact: Option<i32>,
    pub action: MaybeUndefined<String>,
    pub owner: MaybeUndefined<String>,
    pub review_date: MaybeUndefined<Date>,
    pub status: Option<UnmetNeedStatus>,
}

const EDITORS: &[Role] = &[Role::Admin, Role::Commissioner];

fn optional_text(
    field: &str,
    v: MaybeUndefined<String>,
    kind: Text,
) -> Result<Option<Option<String>>> {
    Ok(match v {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(s) => Some(text::optional(field, Some(&s), kind)?),
    })
}

#[Object]
impl RegisterMutations {
    /// Adds an entry to the unmet-needs register.
    async fn create_unmet_need(
        &self,
        ctx: &Context<'_>,
        input: CreateUnmetNeedInput,
    ) -> Result<UnmetNeed> {
        let p = ctx.require(EDITORS, "adding to the unmet-needs register")?;
        let fields = UnmetNeedFields {
            need: input.need.into(),
            capability: input
                .missing_capability
                .map(|c| c.capability("missingCapability.code"))
                .transpose()?,
            evidence: text::required("evidence", &input.evidence, Text::Evidence)?,
            likelihood: rating("likelihood", input.likelihood)?,
            impact: rating("impact", input.impact)?,
            action: text::optional("action", input.action.as_deref(), Text::Action)?,
            owner: text::optional("owner", input.owner.as_deref(), Text::Owner)?,
            review_date: input.review_date.map(|d| d.day("reviewDate")).transpose()?,
            status: codes::UnmetNeedStatus::Open,
        };
        let area_id = decode_as("areaId", "Area", &input.area_id)?;
        let key = Some(p.key_id);
        Ok(UnmetNeed(
            store::create_unmet_need(ctx.store(), area_id, fields, key).await?,
        ))
    }

    /// Changes an entry: ratings, action, owner, review date or status.
    async fn update_unmet_need(
        &self,
        ctx: &Context<'_>,
        input: UpdateUnmetNeedInput,
    ) -> Result<UnmetNeed> {
        ctx.require(EDITORS, "changing the unmet-needs register")?;
        let id = decode_as("unmetNeedId", "UnmetNeed", &input.unmet_need_id)?;
        let changes = UnmetNeedChanges {
            evidence: input
                .evidence
                .map(|e| text::required("evidence", &e, Text::Evidence))
                .transpose()?,
            likelihood: input
                .likelihood
                .map(|v| rating("likelihood", v))
                .transpose()?,
            impact: input.impact.map(|v| rating("impact", v)).transpose()?,
            action: optional_text("action", input.action, Text::Action)?,
            owner: optional_text("owner", input.owner, Text::Owner)?,
            review_date: match input.review_date {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(d) => Some(Some(d.day("reviewDate")?)),
            },
            status: input
                .status
                .map(|s| codes::UnmetNeedStatus::from(s).as_str().to_owned()),
        };
        Ok(UnmetNeed(
            store::update_unmet_need(ctx.store(), id, changes).await?,
        ))
    }
}
