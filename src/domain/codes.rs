//! Every coded value of the domain, each with its stored code. The codes are
//! what the database holds and what CHECK constraints list.

/// Defines an enum whose variants each have a fixed stored code.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                $name::parse(&code).ok_or_else(|| {
                    serde::de::Error::custom(format!("unknown {} code {code:?}", stringify!($name)))
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use coded_enum;

coded_enum!(
    /// A level of the area hierarchy (ONS geography).
    AreaKind { Icb = "icb", LocalAuthority = "local_authority", Ward = "ward" }
);

coded_enum!(
    OrganisationKind {
        Charity = "charity",
        Cio = "cio",
        Cic = "cic",
        CommunityGroup = "community_group",
        FaithGroup = "faith_group",
        SocialEnterprise = "social_enterprise",
        TenantManagementOrganisation = "tenant_management_organisation",
        StatutoryBody = "statutory_body",
    }
);

coded_enum!(
    LocationKind {
        CommunityCentre = "community_centre",
        PlaceOfWorship = "place_of_worship",
        Library = "library",
        School = "school",
        HealthCentre = "health_centre",
        Park = "park",
        Other = "other",
    }
);

coded_enum!(
    GatewayKind {
        SocialPrescribing = "social_prescribing",
        LocalAreaCoordination = "local_area_coordination",
        CommunityHealthChampions = "community_health_champions",
        HealthTrainers = "health_trainers",
        SelfReferral = "self_referral",
        Other = "other",
    }
);

coded_enum!(
    /// What an API key may do.
    Role {
        Admin = "admin",
        Commissioner = "commissioner",
        LinkWorker = "link_worker",
        Provider = "provider",
        Researcher = "researcher",
    }
);

coded_enum!(
    /// A coded reason for referral. The `need` table holds the same codes.
    Need {
        Loneliness = "loneliness",
        MentalWellbeing = "mental_wellbeing",
        Dementia = "dementia",
        CarerSupport = "carer_support",
        Financial = "financial",
        Housing = "housing",
        PhysicalActivity = "physical_activity",
        HealthyEating = "healthy_eating",
        LongTermCondition = "long_term_condition",
        Employment = "employment",
        Bereavement = "bereavement",
        DigitalInclusion = "digital_inclusion",
        EnglishLanguage = "english_language",
        Parenting = "parenting",
        SubstanceUse = "substance_use",
        FallsPrevention = "falls_prevention",
    }
);

coded_enum!(
    AgeBand {
        Under18 = "under_18",
        From18To24 = "18_24",
        From25To34 = "25_34",
        From35To44 = "35_44",
        From45To54 = "45_54",
        From55To64 = "55_64",
        From65To74 = "65_74",
        From75To84 = "75_84",
        From85 = "85_plus",
    }
);

coded_enum!(
    DeclineReason {
        Capacity = "capacity",
        Capability = "capability",
        Eligibility = "eligibility",
        PersonDeclined = "person_declined",
        Other = "other",
    }
);

coded_enum!(
    /// The kinds of funding award (after 360Giving's grant, plus contracts,
    /// per-referral tariffs and support in kind).
    FundingKind {
        Grant = "grant",
        Contract = "contract",
        PerReferralTariff = "per_referral_tariff",
        InKind = "in_kind",
    }
);

coded_enum!(
    /// Uncommissioned work an organisation does for the wider system.
    ContributionKind {
        Interpreting = "interpreting",
        Accompanying = "accompanying",
        Advocacy = "advocacy",
        InitiatingReferrals = "initiating_referrals",
        Other = "other",
    }
);

coded_enum!(
    SkillCode {
        Driving = "driving",
        Interpreting = "interpreting",
        Befriending = "befriending",
        Advocacy = "advocacy",
        DigitalSupport = "digital_support",
        Cooking = "cooking",
        Gardening = "gardening",
        FirstAid = "first_aid",
        Counselling = "counselling",
        FitnessInstruction = "fitness_instruction",
        Safeguarding = "safeguarding",
        Administration = "administration",
    }
);

coded_enum!(
    UnmetNeedStatus { Open = "open", Mitigating = "mitigating", Closed = "closed" }
);

coded_enum!(
    /// Why a service search found nothing that fits, as a link worker's
    /// report on the unmet-needs register records it.
    NoFitReason {
        NoServiceNearby = "no_service_nearby",
        LacksCapability = "lacks_capability",
        NotForTheirAge = "not_for_their_age",
        AllFull = "all_full",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_parses_back_to_its_variant() {
        for n in Need::ALL {
            assert_eq!(Need::parse(n.as_str()), Some(*n));
        }
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(*r));
        }
    }

    #[test]
    fn an_unknown_code_is_refused() {
        assert_eq!(Role::parse("superuser"), None);
        assert_eq!(AgeBand::parse("18-24"), None);
    }
}
