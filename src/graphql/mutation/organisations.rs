//! Creating organisations and locations.

use async_graphql::{Context, InputObject, Object, Result, ID};

use crate::domain::bounds::{self, Text};
use crate::domain::codes::{self, Role};
use crate::domain::identifiers::{CharityNumber, CompanyNumber, OrgId};
use crate::domain::text;
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{LocationKind, OrganisationKind};
use crate::graphql::ids::{decode_as, decode_opt};
use crate::graphql::types::organisation::{Location, Organisation};
use crate::store::organisations::{self as store, NewLocation, NewOrganisation};

#[derive(Default)]
pub struct OrganisationMutations;

#[derive(InputObject)]
pub struct CreateOrganisationInput {
    pub name: String,
    pub kind: OrganisationKind,
    /// The org-id used by 360Giving (for example GB-CHC-1234567).
    pub org_identifier: Option<String>,
    pub charity_number: Option<String>,
    pub company_number: Option<String>,
    #[graphql(default)]
    pub community_anchor: bool,
    pub ward_id: Option<ID>,
}

#[derive(InputObject)]
pub struct CreateLocationInput {
    /// The organisation that runs the venue; a provider may only name its own.
    pub organisation_id: Option<ID>,
    pub name: String,
    pub kind: LocationKind,
    pub ward_id: ID,
    pub postcode: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// An optional identifier: blank is none; otherwise it must parse, and any
/// control character is refused before its shape is judged.
fn identifier<T>(
    field: &str,
    raw: Option<&str>,
    parse: fn(&str, &str) -> Result<T, crate::domain::Invalid>,
) -> Result<Option<T>, AppError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => {
            bounds::refuse_control_characters(field, v, false)?;
            Ok(Some(parse(field, v)?))
        }
    }
}

#[Object]
impl OrganisationMutations {
    /// Adds an organisation. Admin only.
    async fn create_organisation(
        &self,
        ctx: &Context<'_>,
        input: CreateOrganisationInput,
    ) -> Result<Organisation> {
        ctx.require(&[Role::Admin], "creating an organisation")?;
        let kind: codes::OrganisationKind = input.kind.into();
        let new = NewOrganisation {
            name: text::required("name", &input.name, Text::Name)?,
            kind: kind.as_str().to_owned(),
            org_identifier: identifier(
                "orgIdentifier",
                input.org_identifier.as_deref(),
                OrgId::parse,
            )?
            .map(|i| i.as_str().to_owned()),
            charity_number: identifier(
                "charityNumber",
                input.charity_number.as_deref(),
                CharityNumber::parse,
            )?
            .map(|c| c.as_str().to_owned()),
            company_number: identifier(
                "companyNumber",
                input.company_number.as_deref(),
                CompanyNumber::parse,
            )?
            .map(|c| c.as_str().to_owned()),
            community_anchor: input.community_anchor,
            ward_id: decode_opt("wardId", "Area", input.ward_id.as_ref())?,
        };
        Ok(Organisation(
            store::create_organisation(ctx.store(), new).await?,
        ))
    }

    /// Adds a venue. Admins may add any; a provider only one of its own.
    async fn create_location(
        &self,
        ctx: &Context<'_>,
        input: CreateLocationInput,
    ) -> Result<Location> {
        let organisation_id = decode_opt(
            "organisationId",
            "Organisation",
            input.organisation_id.as_ref(),
        )?;
        match organisation_id {
            Some(org) => ctx.require_manager_of(org)?,
            None => ctx.require(&[Role::Admin], "creating a location with no organisation")?,
        };
        let kind: codes::LocationKind = input.kind.into();
        let new = NewLocation {
            organisation_id,
            name: text::required("name", &input.name, Text::Name)?,
            kind: kind.as_str().to_owned(),
            ward_id: decode_as("wardId", "Area", &input.ward_id)?,
            postcode: text::optional("postcode", input.postcode.as_deref(), Text::Postcode)?,
            latitude: input
                .latitude
                .map(|l| bounds::latitude("latitude", l))
                .transpose()?,
            longitude: input
                .longitude
                .map(|l| bounds::longitude("longitude", l))
                .transpose()?,
        };
        Ok(Location(store::create_location(ctx.store(), new).await?))
    }
}
