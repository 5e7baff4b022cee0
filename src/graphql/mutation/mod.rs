//! The write side. Each mutation checks the caller, parses its input into
//! domain values (refusing bad input before anything is written), then makes
//! one store call that runs in one transaction.

mod organisations;
mod records;
mod referrals;
mod register;
mod services;

use async_graphql::MergedObject;

#[derive(MergedObject, Default)]
pub struct MutationRoot(
    organisations::OrganisationMutations,
    services::ServiceMutations,
    records::RecordMutations,
    register::RegisterMutations,
    referrals::ReferralMutations,
    crate::graphql::search::SearchMutations,
    crate::graphql::scenarios::ScenarioMutations,
);
