//! GraphQL enums for every coded value, mirrored from `domain` (the variant
//! lists must match; the compiler checks the conversions).

use async_graphql::Enum;

macro_rules! mirror {
    ($(#[$meta:meta])* $name:ident = $remote:literal { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
        #[graphql(remote = $remote)]
        pub enum $name { $($variant),+ }
    };
}

mirror!(AreaKind = "crate::domain::codes::AreaKind" { Icb, LocalAuthority, Ward });
mirror!(OrganisationKind = "crate::domain::codes::OrganisationKind" {
    Charity, Cio, Cic, CommunityGroup, FaithGroup, SocialEnterprise,
    TenantManagementOrganisation, StatutoryBody
});
mirror!(LocationKind = "crate::domain::codes::LocationKind" {
    CommunityCentre, PlaceOfWorship, Library, School, HealthCentre, Park, Other
});
mirror!(GatewayKind = "crate::domain::codes::GatewayKind" {
    SocialPrescribing, LocalAreaCoordination, CommunityHealthChampions, HealthTrainers,
    SelfReferral, Other
});
mirror!(Role = "crate::domain::codes::Role" { Admin, Commissioner, LinkWorker, Provider, Researcher });
mirror!(
    /// A coded reason for referral.
    NeedCode = "crate::domain::codes::Need" {
        Loneliness, MentalWellbeing, Dementia, CarerSupport, Financial, Housing,
        PhysicalActivity, HealthyEating, LongTermCondition, Employment, Bereavement,
        DigitalInclusion, EnglishLanguage, Parenting, SubstanceUse, FallsPrevention
    }
);
mirror!(AgeBand = "crate::domain::codes::AgeBand" {
    Under18, From18To24, From25To34, From35To44, From45To54, From55To64, From65To74,
    From75To84, From85
});
mirror!(DeclineReason = "crate::domain::codes::DeclineReason" {
    Capacity, Capability, Eligibility, PersonDeclined, Other
});
mirror!(FundingKind = "crate::domain::codes::FundingKind" { Grant, Contract, PerReferralTariff, InKind });
mirror!(ContributionKind = "crate::domain::codes::ContributionKind" {
    Interpreting, Accompanying, Advocacy, InitiatingReferrals, Other
});
mirror!(SkillCode = "crate::domain::codes::SkillCode" {
    Driving, Interpreting, Befriending, Advocacy, DigitalSupport, Cooking, Gardening,
    FirstAid, Counselling, FitnessInstruction, Safeguarding, Administration
});
mirror!(UnmetNeedStatus = "crate::domain::codes::UnmetNeedStatus" { Open, Mitigating, Closed });
mirror!(CapabilityKind = "crate::domain::capability::CapabilityKind" {
    Language, Accessibility, Culture, Faith, Dietary, Condition, Gender
});
mirror!(ServiceStatus = "crate::domain::status::ServiceStatus" { Open, Limited, Full, Paused, Closed });
mirror!(ReferralState = "crate::domain::referral::ReferralState" {
    Received, Sent, Accepted, WaitListed, Declined, Started, Completed, DidNotAttend, Withdrawn
});

/// A stored code read back into its domain enum. The database's CHECK
/// constraints make a miss impossible short of corruption, which is INTERNAL.
pub fn stored<T>(parse: fn(&str) -> Option<T>, code: &str) -> Result<T, crate::error::AppError> {
    parse(code).ok_or_else(|| {
        crate::error::AppError::Internal(format!("unknown code '{code}' in the database"))
    })
}

mirror!(
    /// What a capacity overview is grouped by.
    OverviewGroupBy = "crate::store::metrics::GroupBy" {
        All, Service, Organisation, Ward, LocalAuthority, Icb, Pcn, Need, WardAndNeed
    }
);
mirror!(
    /// The order of a capacity overview.
    OverviewSort = "crate::domain::metrics::overview::Sort" {
        MostOverCapacity, LeastHeadroom, LongestWait
    }
);
/// What funding gaps are grouped by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FundingGroupBy {
    Service,
    Organisation,
    Ward,
    LocalAuthority,
    Icb,
}

impl From<FundingGroupBy> for crate::store::metrics::GroupBy {
    fn from(g: FundingGroupBy) -> Self {
        use crate::store::metrics::GroupBy;
        match g {
            FundingGroupBy::Service => GroupBy::Service,
            FundingGroupBy::Organisation => GroupBy::Organisation,
            FundingGroupBy::Ward => GroupBy::Ward,
            FundingGroupBy::LocalAuthority => GroupBy::LocalAuthority,
            FundingGroupBy::Icb => GroupBy::Icb,
        }
    }
}
