//! The test harness: `spawn_app` starts the real application on a free port
//! against a database of its own, with one API key per role, and `TestApp`
//! talks to it over HTTP the way a client would.
//!
//! The database is SQLite (a temporary file per test) unless
//! `HEADROOM_TEST_DATABASE_URL` names a PostgreSQL server. Then the
//! migrations run once per test process into a template database, and each
//! test gets a copy of it.

use chrono::{NaiveDate, Utc};
use headroom::config::{DatabaseSettings, PerRole, ServerSettings};
use headroom::domain::codes::Role;
use headroom::graphql::ids;
use headroom::seed::{seed, Scale, SeedOptions};
use headroom::startup::App;
use headroom::store::connect::{connect, migrate};
use headroom::store::entity::{area, gateway, organisation};
use headroom::store::{keys, Store};
use reqwest::StatusCode;
use sea_orm::{
    ActiveModelTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Set, Statement,
};
use serde_json::{json, Value};
use tokio::sync::{Mutex, OnceCell};

/// Names a PostgreSQL server to test against; unset means SQLite.
pub const DATABASE_URL_VAR: &str = "HEADROOM_TEST_DATABASE_URL";

/// The most operations the service accepts in one batched request.
pub const MAX_BATCH: usize = 10;

pub const CREATE_ORGANISATION: &str = "mutation ($input: CreateOrganisationInput!) {
    createOrganisation(input: $input) { id name }
}";

pub const CREATE_LOCATION: &str = "mutation ($input: CreateLocationInput!) {
    createLocation(input: $input) { id name }
}";

pub const CREATE_SERVICE: &str = "mutation ($input: CreateServiceInput!) {
    createService(input: $input) { id name }
}";

pub const RECORD_CAPACITY: &str = "mutation ($input: RecordCapacityInput!) {
    recordCapacity(input: $input) { id validFrom placesPerWeek caseloadMax }
}";

pub const CONFIRM_STATUS: &str = "mutation ($input: ConfirmStatusInput!) {
    confirmStatus(input: $input) { id status }
}";

pub const RECORD_CONTRIBUTION: &str = "mutation ($input: RecordContributionInput!) {
    recordContribution(input: $input) { id }
}";

/// What a lifecycle mutation returns, as the lifecycle tests read it.
pub const CREATE_REFERRAL: &str = "mutation ($input: CreateReferralInput!) {
    createReferral(input: $input) {
        referral { id state version gateway { id } service { id }
            events { id fromState toState reason actorRole note
                     missingCapability { kind code } service { id } } }
        event { id fromState toState actorRole reason note service { id } }
        replayed
    }
}";

pub const MOVE_REFERRAL: &str = "mutation ($input: MoveReferralInput!) {
    moveReferral(input: $input) {
        referral { id state version gateway { id } service { id }
            events { id fromState toState reason actorRole note
                     missingCapability { kind code } service { id } } }
        event { id fromState toState actorRole reason note service { id } }
        replayed
    }
}";

/// One plaintext API key per role.
pub struct Keys {
    pub admin: String,
    pub commissioner: String,
    pub link_worker: String,
    pub provider: String,
    pub researcher: String,
}

/// The running application and what a test needs to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    pub client: reqwest::Client,
    pub keys: Keys,
    /// The same store the application uses, for setup and for checking
    /// what was (or was not) written.
    pub store: Store,
    /// Global id of the organisation the provider key acts for.
    pub provider_organisation_id: String,
    /// Row id of the local authority every inserted ward sits in.
    local_authority_id: i64,
    /// The SQLite file's directory, removed when the test ends.
    _sqlite_dir: Option<tempfile::TempDir>,
}

/// Starts the application on 127.0.0.1, port 0, against a fresh migrated
/// database holding one ICB and local authority, the provider key's
/// organisation and a gateway, and issues one key per role.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// `spawn_app`, with settings changed by `configure` (limits, timeouts).
pub async fn spawn_app_with(configure: impl FnOnce(&mut ServerSettings)) -> TestApp {
    let (store, sqlite_dir) = fresh_store().await;
    let icb = insert_area(&store, "E54000999", "Test ICB", "icb", None).await;
    let local_authority = insert_area(
        &store,
        "E08000999",
        "Test Borough",
        "local_authority",
        Some(icb),
    )
    .await;
    let provider_org = organisation::ActiveModel {
        name: Set("Provider's Own Trust".into()),
        kind: Set("charity".into()),
        community_anchor: Set(false),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(store.db())
    .await
    .expect("the provider's organisation is inserted");
    let gateway = gateway::ActiveModel {
        kind: Set("social_prescribing".into()),
        name: Set("Test Social Prescribing".into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(store.db())
    .await
    .expect("a gateway is inserted");
    launch(
        store,
        sqlite_dir,
        provider_org.id,
        gateway.id,
        local_authority,
        configure,
    )
    .await
}

/// The application on the demo borough, seeded as `serve --demo` seeds it;
/// the provider key acts for organisation 1, the link worker for gateway 1.
pub async fn spawn_demo_app(as_of: NaiveDate) -> TestApp {
    let (store, sqlite_dir) = fresh_store().await;
    let options = SeedOptions {
        scale: Scale::demo(),
        seed: 42,
        as_of,
        show_progress: false,
    };
    seed(&store, &options)
        .await
        .expect("the demo borough seeds into an empty database");
    launch(store, sqlite_dir, 1, 1, 2, |_| {}).await
}

/// A fresh, migrated, empty database of its own.
async fn fresh_store() -> (Store, Option<tempfile::TempDir>) {
    let (url, sqlite_dir) = match std::env::var(DATABASE_URL_VAR) {
        Ok(admin_url) if !admin_url.trim().is_empty() => {
            (postgres_test_database(admin_url.trim()).await, None)
        }
        _ => {
            let dir = tempfile::tempdir().expect("a temporary directory for the SQLite file");
            let url = format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("headroom.db").display()
            );
            (url, Some(dir))
        }
    };
    let settings = DatabaseSettings::from_url(&url).expect("a valid test database URL");
    let store = connect(&settings)
        .await
        .unwrap_or_else(|e| panic!("cannot open the test database {:?}: {e}", settings.url));
    // A PostgreSQL copy comes from the template, already migrated.
    if sqlite_dir.is_some() {
        migrate(&store)
            .await
            .expect("the migrations apply to a fresh SQLite database");
    }
    (store, sqlite_dir)
}

/// Starts the application on port 0 and issues one key per role.
async fn launch(
    store: Store,
    sqlite_dir: Option<tempfile::TempDir>,
    provider_organisation: i64,
    gateway: i64,
    local_authority: i64,
    configure: impl FnOnce(&mut ServerSettings),
) -> TestApp {
    let mut server = ServerSettings {
        bind: "127.0.0.1:0".parse().expect("a valid address"),
        // The suite fires requests far faster than any person; the tests
        // of the rate limit set their own.
        requests_per_minute: PerRole::all(1_000_000),
        ..ServerSettings::default()
    };
    configure(&mut server);
    let app = App::build(store.clone(), server)
        .await
        .expect("the application binds to a free port");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped(std::future::pending()));

    let issue = |role: Role, org: Option<i64>, gw: Option<i64>| {
        let store = store.clone();
        async move {
            keys::issue(&store, role, &format!("test {role}"), org, gw)
                .await
                .unwrap_or_else(|e| panic!("a {role} key is issued: {e}"))
        }
    };
    let keys = Keys {
        admin: issue(Role::Admin, None, None).await,
        commissioner: issue(Role::Commissioner, None, None).await,
        link_worker: issue(Role::LinkWorker, None, Some(gateway)).await,
        provider: issue(Role::Provider, Some(provider_organisation), None).await,
        researcher: issue(Role::Researcher, None, None).await,
    };

    TestApp {
        address,
        client: reqwest::Client::new(),
        keys,
        store,
        provider_organisation_id: ids::encode("Organisation", provider_organisation).0,
        local_authority_id: local_authority,
        _sqlite_dir: sqlite_dir,
    }
}

async fn insert_area(
    store: &Store,
    code: &str,
    name: &str,
    kind: &str,
    parent: Option<i64>,
) -> i64 {
    area::ActiveModel {
        code: Set(code.into()),
        name: Set(name.into()),
        kind: Set(kind.into()),
        parent_id: Set(parent),
        ..Default::default()
    }
    .insert(store.db())
    .await
    .unwrap_or_else(|e| panic!("cannot insert the {kind} {code}: {e}"))
    .id
}

impl TestApp {
    /// POSTs a JSON body to /graphql, with the key if there is one; returns
    /// the HTTP status and the parsed body.
    pub async fn post_graphql(&self, key: Option<&str>, body: &Value) -> (StatusCode, Value) {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(body);
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let response = request
            .send()
            .await
            .expect("the request reaches the server");
        let status = response.status();
        let text = response.text().await.expect("the response has a body");
        let json = serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!("the response is not JSON ({e}); status {status}, body: {text}")
        });
        (status, json)
    }

    /// One GraphQL operation as `key`; the response body.
    pub async fn gql(&self, key: &str, query: &str, variables: Value) -> Value {
        self.post_graphql(
            Some(key),
            &json!({ "query": query, "variables": variables }),
        )
        .await
        .1
    }

    /// One GraphQL operation with no Authorization header.
    pub async fn gql_no_key(&self, query: &str, variables: Value) -> (StatusCode, Value) {
        self.post_graphql(None, &json!({ "query": query, "variables": variables }))
            .await
    }

    /// Runs `(query, variables)` operations as JSON-array batches of at most
    /// `MAX_BATCH`, asserting that each succeeds; returns each one's `data`.
    pub async fn batch(&self, key: &str, operations: Vec<(&str, Value)>) -> Vec<Value> {
        let mut out = Vec::with_capacity(operations.len());
        for chunk in operations.chunks(MAX_BATCH) {
            let body: Vec<Value> = chunk
                .iter()
                .map(|(query, variables)| json!({ "query": query, "variables": variables }))
                .collect();
            let (status, response) = self.post_graphql(Some(key), &Value::Array(body)).await;
            assert_eq!(status, StatusCode::OK, "the batch is accepted: {response}");
            let responses = response
                .as_array()
                .unwrap_or_else(|| panic!("a batch is answered with an array: {response}"));
            assert_eq!(responses.len(), chunk.len(), "one response per operation");
            out.extend(responses.iter().map(|r| data(r).clone()));
        }
        out
    }

    /// Every node of a connection, following `endCursor` page by page. The
    /// query takes `$after: String` and selects `pageInfo { hasNextPage
    /// endCursor }` and `edges { node { … } }` of `field`.
    pub async fn all_nodes(
        &self,
        key: &str,
        query: &str,
        mut variables: Value,
        field: &str,
    ) -> Vec<Value> {
        let mut nodes = Vec::new();
        loop {
            let body = self.gql(key, query, variables.clone()).await;
            let conn = &data(&body)[field];
            let edges = conn["edges"]
                .as_array()
                .unwrap_or_else(|| panic!("{field} is a connection: {body}"));
            nodes.extend(edges.iter().map(|e| e["node"].clone()));
            if conn["pageInfo"]["hasNextPage"] != true {
                return nodes;
            }
            variables["after"] = conn["pageInfo"]["endCursor"].clone();
        }
    }

    /// `headroom_db_statements_total`, from /metrics.
    pub async fn statements(&self) -> u64 {
        let body = self
            .client
            .get(format!("{}/metrics", self.address))
            .send()
            .await
            .expect("/metrics answers")
            .text()
            .await
            .expect("/metrics has a body");
        body.lines()
            .find_map(|line| line.strip_prefix("headroom_db_statements_total "))
            .unwrap_or_else(|| panic!("/metrics has no headroom_db_statements_total: {body}"))
            .trim()
            .parse()
            .expect("the statement count is a whole number")
    }

    /// The number of rows in `table`, read straight from the database.
    pub async fn count(&self, table: &str) -> i64 {
        let db = self.store.db();
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let row = db
            .query_one(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap_or_else(|e| panic!("cannot count {table}: {e}"))
            .expect("COUNT(*) returns a row");
        row.try_get::<i64>("", "n")
            .expect("the count is an integer")
    }

    /// Counts of several tables at once, to compare before and after.
    pub async fn counts(&self, tables: &[&str]) -> Vec<(String, i64)> {
        let mut out = Vec::with_capacity(tables.len());
        for table in tables {
            out.push(((*table).to_owned(), self.count(table).await));
        }
        out
    }

    /// Inserts a ward (areas have no mutation) under the test local
    /// authority; returns its global id.
    pub async fn insert_ward(&self, code: &str, name: &str) -> String {
        let id = insert_area(
            &self.store,
            code,
            name,
            "ward",
            Some(self.local_authority_id),
        )
        .await;
        ids::encode("Area", id).0
    }

    /// Creates an organisation through the API with the admin key; returns
    /// its global id.
    pub async fn create_organisation(&self, name: &str) -> String {
        let body = self
            .gql(
                &self.keys.admin,
                CREATE_ORGANISATION,
                json!({ "input": { "name": name, "kind": "CHARITY" } }),
            )
            .await;
        id_of(data(&body), "createOrganisation")
    }

    /// Creates a community centre in `ward_id` run by `organisation_id`.
    pub async fn create_location(
        &self,
        organisation_id: &str,
        ward_id: &str,
        name: &str,
    ) -> String {
        let body = self
            .gql(
                &self.keys.admin,
                CREATE_LOCATION,
                json!({ "input": {
                    "organisationId": organisation_id,
                    "name": name,
                    "kind": "COMMUNITY_CENTRE",
                    "wardId": ward_id,
                } }),
            )
            .await;
        id_of(data(&body), "createLocation")
    }

    /// Creates a loneliness service with no capabilities.
    pub async fn create_service(
        &self,
        organisation_id: &str,
        location_id: Option<&str>,
        name: &str,
    ) -> String {
        let body = self
            .gql(
                &self.keys.admin,
                CREATE_SERVICE,
                json!({ "input": {
                    "organisationId": organisation_id,
                    "locationId": location_id,
                    "name": name,
                    "needs": ["LONELINESS"],
                } }),
            )
            .await;
        id_of(data(&body), "createService")
    }

    /// Records places per week from `valid_from` (today if `None`) as `key`;
    /// the response body.
    pub async fn record_capacity(
        &self,
        key: &str,
        service_id: &str,
        places_per_week: i32,
        valid_from: Option<NaiveDate>,
    ) -> Value {
        self.gql(
            key,
            RECORD_CAPACITY,
            json!({ "input": {
                "serviceId": service_id,
                "placesPerWeek": places_per_week,
                "validFrom": valid_from.map(|d| d.to_string()),
            } }),
        )
        .await
    }
}

impl TestApp {
    /// Records a referral as `key` (a link worker) from `ward_id`, for
    /// loneliness, under a reference of its own, with `extra` merged into
    /// the input; the response body.
    pub async fn create_referral(&self, key: &str, ward_id: &str, extra: Value) -> Value {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut input = json!({
            "reference": format!("SP-T-{n:06}"),
            "ageBand": "FROM_65_TO_74",
            "residenceWardId": ward_id,
            "needs": ["LONELINESS"],
        });
        merge(&mut input, extra);
        self.gql(key, CREATE_REFERRAL, json!({ "input": input }))
            .await
    }

    /// Moves a referral read at `version` to `to` as `key`, with `extra`
    /// (serviceId, reason, note, …) merged into the input; the response body.
    pub async fn move_referral(
        &self,
        key: &str,
        referral_id: &str,
        version: i64,
        to: &str,
        extra: Value,
    ) -> Value {
        let mut input = json!({ "referralId": referral_id, "version": version, "to": to });
        merge(&mut input, extra);
        self.gql(key, MOVE_REFERRAL, json!({ "input": input }))
            .await
    }

    /// Inserts another gateway (gateways have no mutation); its row id.
    pub async fn insert_gateway(&self, name: &str) -> i64 {
        gateway::ActiveModel {
            kind: Set("social_prescribing".into()),
            name: Set(name.into()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(self.store.db())
        .await
        .unwrap_or_else(|e| panic!("cannot insert the gateway {name}: {e}"))
        .id
    }

    /// Issues one more key: a provider's for the organisation with global id
    /// `organisation_id`, or a link worker's for the gateway with row id
    /// `gateway_id`.
    pub async fn issue_key(
        &self,
        role: Role,
        organisation_id: Option<&str>,
        gateway_id: Option<i64>,
    ) -> String {
        let organisation = organisation_id.map(|id| {
            ids::decode("organisationId", &id.into())
                .unwrap_or_else(|e| panic!("{id} is not a global id: {e}"))
                .1
        });
        keys::issue(
            &self.store,
            role,
            &format!("extra {role}"),
            organisation,
            gateway_id,
        )
        .await
        .unwrap_or_else(|e| panic!("a {role} key is issued: {e}"))
    }
}

/// Sets each field of the object `extra` on the object `target`.
fn merge(target: &mut Value, extra: Value) {
    if let (Some(target), Value::Object(extra)) = (target.as_object_mut(), extra) {
        target.extend(extra);
    }
}

/// The response's `data`, after asserting that there were no errors.
pub fn data(body: &Value) -> &Value {
    assert!(
        body.get("errors")
            .is_none_or(|e| e.as_array().is_some_and(|a| a.is_empty())),
        "expected no errors, got: {body}"
    );
    let data = &body["data"];
    assert!(!data.is_null(), "expected data, got: {body}");
    data
}

/// `data[field].id`, as a string.
pub fn id_of(data: &Value, field: &str) -> String {
    data[field]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no {field}.id in {data}"))
        .to_owned()
}

/// `errors[0].extensions.code`.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

/// Asserts that the first error has `code`.
pub fn assert_error(body: &Value, code: &str) {
    assert_eq!(
        error_code(body),
        Some(code),
        "expected a {code} error, got: {body}"
    );
}

/// Asserts a BAD_USER_INPUT error naming `field`.
pub fn assert_bad_input(body: &Value, field: &str) {
    assert_error(body, "BAD_USER_INPUT");
    assert_eq!(
        body["errors"][0]["extensions"]["field"].as_str(),
        Some(field),
        "expected the error to name {field}: {body}"
    );
}

/// Today, as the service counts days (UTC).
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

// PostgreSQL: one migrated template per test process, one copy per test.

static TEMPLATE: OnceCell<String> = OnceCell::const_new();
/// PostgreSQL refuses to copy a template while another copy is under way.
static CREATE_DATABASE: Mutex<()> = Mutex::const_new(());

const TEMPLATE_PREFIX: &str = "headroom_tpl_";
const TEST_PREFIX: &str = "headroom_t_";

/// A fresh database copied from the template; returns its URL.
async fn postgres_test_database(admin_url: &str) -> String {
    let template = TEMPLATE
        .get_or_init(|| create_template(admin_url))
        .await
        .clone();
    let name = format!(
        "{TEST_PREFIX}{}_{:016x}",
        std::process::id(),
        rand::random::<u64>()
    );
    {
        let _guard = CREATE_DATABASE.lock().await;
        let admin = admin_connection(admin_url).await;
        admin
            .execute_unprepared(&format!(
                r#"CREATE DATABASE "{name}" TEMPLATE "{template}""#
            ))
            .await
            .unwrap_or_else(|e| {
                panic!("cannot create the test database {name} from {template}: {e}")
            });
        let _ = admin.close().await;
    }
    with_database(admin_url, &name)
}

/// Creates and migrates `headroom_tpl_<pid>`, after dropping databases
/// left behind by test processes that have ended.
async fn create_template(admin_url: &str) -> String {
    let template = format!("{TEMPLATE_PREFIX}{}", std::process::id());
    let admin = admin_connection(admin_url).await;
    drop_leftovers(&admin).await;
    admin
        .execute_unprepared(&format!(r#"DROP DATABASE IF EXISTS "{template}""#))
        .await
        .unwrap_or_else(|e| panic!("cannot drop an old template database {template}: {e}"));
    admin
        .execute_unprepared(&format!(r#"CREATE DATABASE "{template}""#))
        .await
        .unwrap_or_else(|e| panic!("cannot create the template database {template}: {e}"));
    let _ = admin.close().await;

    let url = with_database(admin_url, &template);
    let settings = DatabaseSettings::from_url(&url).expect("a valid template database URL");
    let store = connect(&settings)
        .await
        .unwrap_or_else(|e| panic!("cannot open the template database {template}: {e}"));
    migrate(&store)
        .await
        .unwrap_or_else(|e| panic!("the migrations fail on PostgreSQL: {e}"));
    // A template cannot be copied while anyone is connected to it.
    store
        .db()
        .close_by_ref()
        .await
        .expect("the template's connections close");
    template
}

/// Drops test and template databases whose process is known to have ended.
/// Databases still in use are refused by PostgreSQL; every error is ignored.
async fn drop_leftovers(admin: &DatabaseConnection) {
    let Ok(rows) = admin
        .query_all(Statement::from_string(
            admin.get_database_backend(),
            format!(
                "SELECT datname FROM pg_database \
                 WHERE datname LIKE '{TEMPLATE_PREFIX}%' OR datname LIKE '{TEST_PREFIX}%'"
            ),
        ))
        .await
    else {
        return;
    };
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else {
            continue;
        };
        let pid = name
            .strip_prefix(TEMPLATE_PREFIX)
            .or_else(|| name.strip_prefix(TEST_PREFIX))
            .and_then(|rest| rest.split('_').next())
            .and_then(|pid| pid.parse::<u32>().ok());
        if !pid.is_some_and(process_has_ended) {
            continue;
        }
        let _ = admin
            .execute_unprepared(&format!(r#"DROP DATABASE IF EXISTS "{name}""#))
            .await;
    }
}

/// True only when the process is known to be gone (Linux `/proc`);
/// elsewhere nothing is taken to have ended.
fn process_has_ended(pid: u32) -> bool {
    let proc = std::path::Path::new("/proc");
    proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}

/// A single connection to the server the test URL names, for CREATE and
/// DROP DATABASE. Panics if the server cannot be reached.
async fn admin_connection(admin_url: &str) -> DatabaseConnection {
    let mut options = ConnectOptions::new(admin_url.to_owned());
    options
        .max_connections(1)
        .min_connections(0)
        .connect_timeout(std::time::Duration::from_secs(5))
        .acquire_timeout(std::time::Duration::from_secs(10))
        .sqlx_logging(false);
    let shown = DatabaseSettings::from_url(admin_url)
        .map(|s| format!("{:?}", s.url))
        .unwrap_or_else(|_| "(an unparseable URL)".into());
    let db = Database::connect(options).await.unwrap_or_else(|e| {
        panic!("{DATABASE_URL_VAR} is set but PostgreSQL at {shown} cannot be reached: {e}")
    });
    db.ping().await.unwrap_or_else(|e| {
        panic!("{DATABASE_URL_VAR} is set but PostgreSQL at {shown} does not answer: {e}")
    });
    db
}

/// `url` with its database name replaced by `name` (any query string kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

#[test]
fn a_database_name_is_swapped_in_the_url() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_database("postgres://u:p@h/test?sslmode=disable", "x"),
        "postgres://u:p@h/x?sslmode=disable"
    );
    assert_eq!(
        with_database("postgres://h:5432", "x"),
        "postgres://h:5432/x"
    );
}
