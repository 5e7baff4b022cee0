//! Areas, PCNs and GP practices.

use crate::graphql::cost;
use async_graphql::{Context, Object, Result, ID};

use super::{load, load_list};
use crate::domain::codes;
use crate::graphql::enums::{stored, AreaKind};
use crate::graphql::ids;
use crate::graphql::loaders::{AreaChildren, AreaId, PcnId, PcnPractices};
use crate::store::entity::{area, gp_practice, pcn};

/// An ICB, local authority or ward, with its ONS code.
#[derive(Clone)]
pub struct Area(pub area::Model);

#[Object]
impl Area {
    pub async fn id(&self) -> ID {
        ids::encode("Area", self.0.id)
    }

    /// The ONS GSS code (for example E05000001 for a ward).
    async fn code(&self) -> &str {
        &self.0.code
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn kind(&self) -> Result<AreaKind> {
        Ok(stored(codes::AreaKind::parse, &self.0.kind)?.into())
    }

    /// The area this one sits in: a ward's local authority, an authority's ICB.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Area>> {
        match self.0.parent_id {
            Some(p) => Ok(load(ctx, AreaId(p)).await?.map(Area)),
            None => Ok(None),
        }
    }

    /// The areas directly inside this one, by name.
    #[graphql(complexity = "cost::list(cost::estimate::AREA_CHILDREN, child_complexity)")]
    async fn children(&self, ctx: &Context<'_>) -> Result<Vec<Area>> {
        load_list(ctx, AreaChildren(self.0.id), Area).await
    }

    /// Latitude of the centroid (WGS84), where known.
    async fn latitude(&self) -> Option<f64> {
        self.0.latitude
    }

    /// Longitude of the centroid (WGS84), where known.
    async fn longitude(&self) -> Option<f64> {
        self.0.longitude
    }
}

/// A primary care network, with its ODS code.
#[derive(Clone)]
pub struct Pcn(pub pcn::Model);

#[Object]
impl Pcn {
    pub async fn id(&self) -> ID {
        ids::encode("Pcn", self.0.id)
    }

    /// The ODS code (for example U12345).
    async fn code(&self) -> &str {
        &self.0.code
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn icb(&self, ctx: &Context<'_>) -> Result<Option<Area>> {
        Ok(load(ctx, AreaId(self.0.icb_id)).await?.map(Area))
    }

    #[graphql(complexity = "cost::list(cost::estimate::PCN_PRACTICES, child_complexity)")]
    async fn gp_practices(&self, ctx: &Context<'_>) -> Result<Vec<GpPractice>> {
        load_list(ctx, PcnPractices(self.0.id), GpPractice).await
    }
}

/// A GP practice, with its ODS code.
#[derive(Clone)]
pub struct GpPractice(pub gp_practice::Model);

#[Object]
impl GpPractice {
    pub async fn id(&self) -> ID {
        ids::encode("GpPractice", self.0.id)
    }

    /// The ODS code (for example F84001).
    async fn code(&self) -> &str {
        &self.0.code
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn pcn(&self, ctx: &Context<'_>) -> Result<Option<Pcn>> {
        Ok(load(ctx, PcnId(self.0.pcn_id)).await?.map(Pcn))
    }

    async fn ward(&self, ctx: &Context<'_>) -> Result<Option<Area>> {
        Ok(load(ctx, AreaId(self.0.ward_id)).await?.map(Area))
    }
}
