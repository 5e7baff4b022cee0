//! The vocabulary the synthetic borough is drawn from. Every name and code
//! is invented; ONS and ODS codes sit in ranges no real area or practice uses.

/// (name, needs it addresses, caseload service?, capacity range, unit cost
/// range in pounds, capability hints).
pub struct ServiceTemplate {
    pub name: &'static str,
    pub needs: &'static [&'static str],
    pub caseload: bool,
    pub capacity: (i32, i32),
    pub unit_cost_pounds: (i64, i64),
    pub capabilities: &'static [(&'static str, &'static str)],
}

pub const SERVICES: &[ServiceTemplate] = &[
    t(
        "Memory Café",
        &["dementia", "carer_support", "loneliness"],
        false,
        (1, 3),
        (40, 120),
        &[("condition", "dementia_friendly")],
    ),
    t(
        "Carers' Drop-in",
        &["carer_support", "mental_wellbeing"],
        false,
        (1, 4),
        (30, 90),
        &[],
    ),
    t(
        "Walking Group",
        &["physical_activity", "loneliness"],
        false,
        (2, 6),
        (15, 40),
        &[],
    ),
    t(
        "Chair-based Exercise",
        &[
            "physical_activity",
            "falls_prevention",
            "long_term_condition",
        ],
        false,
        (1, 4),
        (30, 80),
        &[("accessibility", "wheelchair_access")],
    ),
    t(
        "Falls Prevention Class",
        &["falls_prevention", "physical_activity"],
        false,
        (1, 3),
        (60, 150),
        &[],
    ),
    t(
        "Debt and Benefits Advice",
        &["financial"],
        true,
        (7, 20),
        (120, 300),
        &[],
    ),
    t(
        "Housing Advice Clinic",
        &["housing", "financial"],
        true,
        (5, 15),
        (150, 350),
        &[],
    ),
    t(
        "Befriending Service",
        &["loneliness", "mental_wellbeing"],
        true,
        (5, 17),
        (200, 450),
        &[("accessibility", "home_visits")],
    ),
    t(
        "Peer Support Group",
        &["mental_wellbeing", "long_term_condition"],
        false,
        (1, 5),
        (30, 80),
        &[("condition", "mental_health_aware")],
    ),
    t(
        "Cook and Eat Sessions",
        &["healthy_eating", "loneliness"],
        false,
        (1, 3),
        (50, 120),
        &[],
    ),
    t(
        "Digital Skills Drop-in",
        &["digital_inclusion", "employment"],
        false,
        (1, 5),
        (25, 70),
        &[],
    ),
    t(
        "Conversation Club (ESOL)",
        &["english_language", "loneliness"],
        false,
        (2, 6),
        (20, 60),
        &[],
    ),
    t(
        "Bereavement Support Group",
        &["bereavement", "mental_wellbeing"],
        false,
        (1, 2),
        (60, 160),
        &[],
    ),
    t(
        "Men's Shed",
        &["loneliness", "mental_wellbeing"],
        false,
        (1, 3),
        (25, 70),
        &[("gender", "men_only")],
    ),
    t(
        "Women's Wellbeing Circle",
        &["mental_wellbeing", "loneliness", "physical_activity"],
        false,
        (1, 4),
        (30, 80),
        &[("gender", "women_only")],
    ),
    t(
        "Employment Coaching",
        &["employment", "financial"],
        true,
        (5, 15),
        (250, 600),
        &[],
    ),
    t(
        "Community Gardening",
        &["physical_activity", "mental_wellbeing", "loneliness"],
        false,
        (1, 5),
        (20, 60),
        &[],
    ),
    t(
        "Parent and Toddler Group",
        &["parenting", "loneliness"],
        false,
        (2, 5),
        (20, 50),
        &[],
    ),
    t(
        "Recovery Café",
        &["substance_use", "mental_wellbeing"],
        false,
        (1, 3),
        (60, 140),
        &[],
    ),
    t(
        "Long-term Conditions Self-management",
        &["long_term_condition", "healthy_eating"],
        true,
        (4, 12),
        (150, 400),
        &[],
    ),
    t(
        "Lunch Club",
        &["loneliness", "healthy_eating"],
        false,
        (2, 6),
        (25, 60),
        &[("dietary", "vegetarian")],
    ),
    t(
        "Dementia Carers' Support",
        &["dementia", "carer_support"],
        true,
        (4, 10),
        (200, 450),
        &[("condition", "dementia_friendly")],
    ),
];

#[allow(clippy::too_many_arguments)]
const fn t(
    name: &'static str,
    needs: &'static [&'static str],
    caseload: bool,
    capacity: (i32, i32),
    unit_cost_pounds: (i64, i64),
    capabilities: &'static [(&'static str, &'static str)],
) -> ServiceTemplate {
    ServiceTemplate {
        name,
        needs,
        caseload,
        capacity,
        unit_cost_pounds,
        capabilities,
    }
}

/// A community an organisation may serve: a name stem, the languages its
/// services offer, and cultural, faith and dietary capabilities.
pub struct Community {
    pub stem: &'static str,
    pub languages: &'static [&'static str],
    pub culture: &'static str,
    pub faith: Option<&'static str>,
    pub dietary: Option<&'static str>,
}

pub const COMMUNITIES: &[Community] = &[
    Community {
        stem: "Sylhet",
        languages: &["syl", "bn"],
        culture: "bangladeshi",
        faith: Some("muslim"),
        dietary: Some("halal"),
    },
    Community {
        stem: "Bangla",
        languages: &["bn", "syl"],
        culture: "bangladeshi",
        faith: None,
        dietary: Some("halal"),
    },
    Community {
        stem: "Punjabi",
        languages: &["pa", "ur"],
        culture: "south_asian",
        faith: Some("sikh"),
        dietary: Some("vegetarian"),
    },
    Community {
        stem: "Pakistani",
        languages: &["ur", "pa"],
        culture: "pakistani",
        faith: Some("muslim"),
        dietary: Some("halal"),
    },
    Community {
        stem: "Gujarati",
        languages: &["gu", "hi"],
        culture: "south_asian",
        faith: Some("hindu"),
        dietary: Some("vegetarian"),
    },
    Community {
        stem: "Somali",
        languages: &["so", "ar"],
        culture: "somali",
        faith: Some("muslim"),
        dietary: Some("halal"),
    },
    Community {
        stem: "Polish",
        languages: &["pl"],
        culture: "eastern_european",
        faith: Some("christian"),
        dietary: None,
    },
    Community {
        stem: "Turkish",
        languages: &["tr", "ku"],
        culture: "refugee",
        faith: None,
        dietary: Some("halal"),
    },
    Community {
        stem: "Caribbean",
        languages: &["en"],
        culture: "african_caribbean",
        faith: Some("christian"),
        dietary: None,
    },
];

/// Preferred languages of people referred, with weights (English first).
pub const LANGUAGES: &[(&str, u32)] = &[
    ("en", 640),
    ("bn", 70),
    ("syl", 60),
    ("ur", 55),
    ("pa", 40),
    ("gu", 30),
    ("pl", 40),
    ("so", 25),
    ("tr", 20),
    ("ro", 12),
    ("ar", 8),
];

pub const WARD_STEMS: &[&str] = &[
    "Riverside",
    "Canal Bank",
    "St Anne's",
    "Millfield",
    "Northgate",
    "Eastbrook Central",
    "Harbour",
    "Oakwood",
    "Brickfields",
    "Weavers",
    "Spitalgate",
    "Lea Valley",
    "Marsh Lane",
    "Kingsmead",
    "Church End",
    "Victoria Park",
    "Bow Common",
    "Chapel Hill",
    "Greenway",
    "Old Market",
    "Fairfield",
    "Tanners Yard",
    "Whitegate",
    "Stonebridge",
    "Ashgrove",
    "Hollybush",
    "Ropewalk",
    "Foundry",
    "Cloth Fair",
    "Mill Lane",
];

pub const ORG_SUFFIXES: &[(&str, &str)] = &[
    ("Community Association", "charity"),
    ("Community Trust", "cio"),
    ("Neighbourhood Network", "community_group"),
    ("Wellbeing Project", "cic"),
    ("Community Interest Company", "cic"),
    ("Friends Group", "community_group"),
    ("Social Enterprise", "social_enterprise"),
    ("Advice Centre", "charity"),
    ("Carers Centre", "charity"),
    (
        "Tenants' Management Organisation",
        "tenant_management_organisation",
    ),
];

pub const FAITH_ORGS: &[(&str, &str)] = &[
    ("Masjid Al-Noor Community Centre", "muslim"),
    ("St Mark's Church Hall Project", "christian"),
    ("Gurdwara Sangat Centre", "sikh"),
    ("Shri Krishna Mandir Seva", "hindu"),
    ("Synagogue Community Care", "jewish"),
    ("Interfaith Forum", "interfaith"),
];

pub const COMMUNITY_ORG_NOUNS: &[&str] = &[
    "Welfare Association",
    "Women's Forum",
    "Elders' Group",
    "Family Network",
    "Youth and Community Project",
    "Carers' Circle",
];

pub const FUNDERS: &[(&str, &str)] = &[
    ("Eastbrook Borough Council", "GB-LAE-EBK"),
    ("North Thames Integrated Care Board", "GB-NHS-QZZ"),
    ("Eastbrook Community Foundation", "GB-CHC-9990001"),
    ("Riverside Health Trust Charity", "GB-CHC-9990002"),
    ("Neighbourhood Lottery Fund", "GB-COH-99900003"),
];

/// Invented local authority names: the demo's first, then first and last
/// halves combined.
pub fn authority_name(i: usize) -> String {
    const FIRST: &[&str] = &[
        "East", "West", "North", "South", "Ash", "Oak", "Elm", "Thorn", "Kings", "Queens", "Mill",
        "Stone", "Bright", "Marsh", "Fern", "Holly", "Alder", "Wood", "Moor", "Clay", "Salt",
        "Chester", "Bran", "Croft", "Lang",
    ];
    const LAST: &[&str] = &[
        "brook", "ford", "ton", "ham", "bury", "field", "wick", "stead", "well", "leigh", "worth",
        "dale",
    ];
    if i == 0 {
        return "Eastbrook".to_owned();
    }
    let first = FIRST[i % FIRST.len()];
    let last = LAST[(i / FIRST.len()) % LAST.len()];
    let round = i / (FIRST.len() * LAST.len());
    if round == 0 {
        format!("{first}{last}")
    } else {
        format!("{first}{last} {}", round + 1)
    }
}

/// Invented ICB names.
pub fn icb_name(i: usize) -> String {
    const PARTS: &[&str] = &[
        "North Thames",
        "South Downs",
        "Severn Vale",
        "Pennine",
        "Fenland",
        "Wessex",
        "Mercia",
        "Humber Estuary",
        "Cumbrian Fells",
        "Solent",
    ];
    let base = PARTS[i % PARTS.len()];
    match i / PARTS.len() {
        0 => format!("{base} ICB"),
        n => format!("{base} {} ICB", n + 1),
    }
}
