//! The dashboards in a real browser, on the demo borough: each page loads
//! with no console error and no request to another origin, shows the
//! figures the API gives for the same filters, follows its filters, and
//! passes axe-core's serious and critical rules. A screenshot of each is
//! kept in `target/screenshots/`.

use chrono::NaiveDate;
use fantoccini::Locator;
use serde_json::{json, Value};

use crate::browser::{browser, Browser};
use crate::helpers::{data, spawn_demo_app, TestApp};

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("a valid date")
}

/// The twelve weeks before the demo's day, as the page's address gives them.
const FROM: &str = "2026-08-31";
const TO: &str = "2026-11-23";

fn engine() -> &'static str {
    match std::env::var("HEADROOM_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => "postgres",
        _ => "sqlite",
    }
}

/// Thousands separated by commas, as en-GB writes them.
fn grouped(digits: &str) -> String {
    let (sign, digits) = digits.strip_prefix('-').map_or(("", digits), |d| ("-", d));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

fn count(v: &Value) -> String {
    grouped(&format!("{:.0}", v.as_f64().expect("a number")))
}

fn places(v: &Value) -> String {
    let text = format!("{:.1}", v.as_f64().expect("a number"));
    let (whole, tenth) = text.split_once('.').expect("one decimal");
    format!("{}.{tenth}", grouped(whole))
}

fn percent(v: &Value) -> String {
    format!("{:.0}%", v.as_f64().expect("a fraction") * 100.0)
}

async fn tile(browser: &Browser, name: &str) -> String {
    browser
        .text(&format!("[data-tile={name}] .figure-value"))
        .await
        .unwrap_or_else(|| panic!("the page has no {name} tile"))
}

const TOTALS: &str = "query($window: WindowInput!, $need: NeedCode) {
  capacityOverview(window: $window, need: $need, groupBy: ALL) {
    nodes { services capacity demand utilisation staleServices }
  }
  unmetNeeds(filter: { need: $need, status: OPEN }) { totalCount }
  fundingGapTotal(period: $window) { gap }
  uncommissionedWorkTotal(period: $window) { value }
}";

const SERVICES: &str = "query($window: WindowInput!, $need: NeedCode, $after: String) {
  capacityOverview(window: $window, need: $need, groupBy: SERVICE, first: 100, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { overCapacity }
  }
}";

/// The headline figures the API gives for a need (or every need).
async fn api_figures(app: &TestApp, need: Option<&str>) -> Vec<(&'static str, String)> {
    let window = json!({ "from": FROM, "to": TO });
    let body = app
        .gql(
            &app.keys.commissioner,
            TOTALS,
            json!({ "window": window, "need": need }),
        )
        .await;
    let all = &data(&body)["capacityOverview"]["nodes"][0];
    let mut over = 0;
    let mut after = Value::Null;
    loop {
        let page = app
            .gql(
                &app.keys.commissioner,
                SERVICES,
                json!({ "window": window, "need": need, "after": after }),
            )
            .await;
        let connection = &data(&page)["capacityOverview"];
        over += connection["nodes"]
            .as_array()
            .expect("service rows")
            .iter()
            .filter(|n| n["overCapacity"] == true)
            .count();
        if connection["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
    vec![
        ("services", count(&all["services"])),
        ("capacity", places(&all["capacity"])),
        ("demand", places(&all["demand"])),
        ("utilisation", percent(&all["utilisation"])),
        ("over-capacity", grouped(&over.to_string())),
        ("unmet", count(&data(&body)["unmetNeeds"]["totalCount"])),
        ("stale", count(&all["staleServices"])),
        // Area and window only: the same whatever the need.
        ("funding-gap", money(&data(&body)["fundingGapTotal"]["gap"])),
        (
            "uncommissioned",
            money(&data(&body)["uncommissionedWorkTotal"]["value"]),
        ),
    ]
}

async fn page_figures(browser: &Browser) -> Vec<(&'static str, String)> {
    let mut figures = Vec::new();
    for name in [
        "services",
        "capacity",
        "demand",
        "utilisation",
        "over-capacity",
        "unmet",
        "stale",
        "funding-gap",
        "uncommissioned",
    ] {
        figures.push((name, tile(browser, name).await));
    }
    figures
}

async fn assert_clean(browser: &Browser, page: &str) {
    let problems = browser.problems().await;
    assert!(problems.is_empty(), "{page}: {problems:#?}");
    if let Some(violations) = browser.accessibility_violations().await {
        assert!(violations.is_empty(), "{page}: {violations:#?}");
    }
}

#[tokio::test]
async fn the_commissioner_overview_shows_the_apis_figures_and_follows_its_filters() {
    let Some(browser) = browser().await else {
        return;
    };
    let app = spawn_demo_app(as_of()).await;
    browser
        .goto(&format!(
            "{}/dashboards/overview?from={FROM}&to={TO}",
            app.address
        ))
        .await;
    browser.use_key(&app.keys.commissioner).await;
    browser
        .wait_for("document.body.dataset.drawn === '1'", "the overview")
        .await;

    let everything = api_figures(&app, None).await;
    assert_eq!(page_figures(&browser).await, everything);
    let rows = browser
        .eval("return document.querySelectorAll('#utilisation-table tbody tr').length;")
        .await;
    assert_eq!(
        rows,
        json!(400),
        "the table behind the chart lists every service"
    );
    let scope = browser.text("#scope").await.unwrap_or_default();
    assert!(
        scope.contains("2026-08-31 to 2026-11-22") && scope.contains("Data read at"),
        "the page says which window it shows and when it read it: {scope}"
    );
    assert_clean(&browser, "overview").await;
    browser.screenshot(&format!("overview-{}", engine())).await;

    // Dementia services only: every figure follows, and the address keeps it.
    browser
        .client
        .find(Locator::Css("#f-need"))
        .await
        .expect("the need filter")
        .select_by_value("DEMENTIA")
        .await
        .expect("dementia is a choice");
    browser
        .client
        .find(Locator::Css("#filters button[type=submit]"))
        .await
        .expect("the Show button")
        .click()
        .await
        .expect("the filters are applied");
    browser
        .wait_for(
            "document.body.dataset.drawn === '2'",
            "the redrawn overview",
        )
        .await;
    let dementia = api_figures(&app, Some("DEMENTIA")).await;
    assert_ne!(dementia, everything, "a need filter changes the figures");
    assert_eq!(page_figures(&browser).await, dementia);
    let url = browser.client.current_url().await.expect("the address");
    assert!(url.as_str().contains("need=DEMENTIA"), "{url}");

    // The shared address opens on the same view.
    browser.goto(url.as_str()).await;
    browser
        .wait_for("document.body.dataset.drawn === '1'", "the shared view")
        .await;
    assert_eq!(page_figures(&browser).await, dementia);
    assert_clean(&browser, "overview, filtered").await;
    browser.close().await;
}

#[tokio::test]
async fn a_key_that_does_not_work_is_refused_and_a_role_sees_only_its_own() {
    let Some(browser) = browser().await else {
        return;
    };
    let app = spawn_demo_app(as_of()).await;
    browser
        .goto(&format!("{}/dashboards/overview", app.address))
        .await;
    browser.use_key("hr_00000000_not_a_key").await;
    browser
        .wait_for(
            "document.querySelector('#key-help') && document.querySelector('#key-help').textContent.includes('did not work')",
            "the refusal",
        )
        .await;
    let hidden = browser
        .eval("return document.querySelector('main').hidden;")
        .await;
    assert_eq!(hidden, json!(true), "no figure is shown without a key");
    // The browser logged the refused request; nothing else went wrong.
    let problems = browser.problems().await;
    assert!(problems.iter().all(|p| p.contains("401")), "{problems:#?}");

    // A provider's key on the scenario page: told it is for commissioners,
    // with nothing to build or read.
    browser.use_key(&app.keys.provider).await;
    browser
        .goto(&format!("{}/dashboards/scenario", app.address))
        .await;
    browser
        .wait_for("document.body.dataset.drawn === '1'", "the scenario page")
        .await;
    let status = browser.text("#status").await.unwrap_or_default();
    assert!(status.contains("for commissioners and admins"), "{status}");
    let shown = browser
        .eval("return ['build', 'list', 'run'].filter(id => !document.getElementById(id).hidden);")
        .await;
    assert_eq!(shown, json!([]));

    // The list of pages, for any key.
    browser.goto(&format!("{}/dashboards/", app.address)).await;
    browser
        .wait_for(
            "document.querySelectorAll('#pages a').length > 0",
            "the list of pages",
        )
        .await;
    let pages = browser
        .eval("return [...document.querySelectorAll('#pages a')].map(a => a.getAttribute('href'));")
        .await;
    assert_eq!(
        pages,
        json!([
            "/dashboards/overview",
            "/dashboards/scenario",
            "/dashboards/link-worker",
            "/dashboards/provider"
        ])
    );
    assert_clean(&browser, "the list of pages").await;
    browser.close().await;
}

#[tokio::test]
async fn the_dashboards_are_served_from_the_binary_under_the_sites_policy() {
    let app = crate::helpers::spawn_app().await;
    let get = |path: &str| {
        let url = format!("{}{path}", app.address);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client");
        async move { client.get(url).send().await.expect("an answer") }
    };
    let moved = get("/dashboards").await;
    assert!(moved.status().is_redirection());
    assert_eq!(moved.headers()["location"], "/dashboards/");
    for (path, media) in [
        ("/dashboards/", "text/html"),
        ("/dashboards/overview", "text/html"),
        ("/dashboards/overview.js", "text/javascript"),
        ("/dashboards/overview.graphql", "application/graphql"),
        ("/dashboards/lib/api.js", "text/javascript"),
        ("/dashboards/headroom.css", "text/css"),
    ] {
        let response = get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers();
        assert!(
            headers["content-type"]
                .to_str()
                .is_ok_and(|t| t.starts_with(media)),
            "{path}: {:?}",
            headers["content-type"]
        );
        let policy = headers["content-security-policy"].to_str().unwrap_or("");
        assert!(
            policy.contains("default-src 'self'") && policy.contains("script-src 'self'"),
            "{path}: {policy}"
        );
    }
    for missing in ["/dashboards/nothing-here", "/dashboards/../Cargo.toml"] {
        assert_eq!(get(missing).await.status(), 404, "{missing}");
    }
}

/// Clicks the element `css` finds.
async fn click(browser: &Browser, css: &str) {
    browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("{css} cannot be clicked: {e}"));
}

async fn open_page(browser: &Browser, app: &TestApp, page: &str, key: &str) {
    browser
        .goto(&format!("{}/dashboards/{page}", app.address))
        .await;
    browser.use_key(key).await;
    browser
        .wait_for("document.body.dataset.drawn === '1'", page)
        .await;
}

#[tokio::test]
async fn a_referral_made_on_the_link_worker_page_is_accepted_on_the_provider_page_and_seen_live() {
    let Some(link_worker) = browser().await else {
        return;
    };
    let Some(provider) = browser().await else {
        return;
    };
    let app = spawn_demo_app(as_of()).await;
    // A service of the provider key's organisation, and a person it fits.
    let body = app
        .gql(
            &app.keys.admin,
            "query($id: ID!) { node(id: $id) { ... on Organisation {
               services { id name needs minAge maxAge location { ward { id } } } } } }",
            json!({ "id": app.provider_organisation_id }),
        )
        .await;
    let service = data(&body)["node"]["services"][0].clone();
    let name = service["name"].as_str().expect("a service name").to_owned();
    let service_id = service["id"].as_str().expect("a service id").to_owned();
    let need = service["needs"][0].as_str().expect("a need").to_owned();
    let ward = service["location"]["ward"]["id"]
        .as_str()
        .expect("the service's ward")
        .to_owned();
    assert!(
        service["minAge"].as_i64().unwrap_or(0) <= 65
            && service["maxAge"].as_i64().unwrap_or(200) >= 74,
        "the service takes people aged 65 to 74: {service}"
    );

    open_page(&link_worker, &app, "link-worker", &app.keys.link_worker).await;
    let lw = &link_worker.client;
    lw.find(Locator::Css("#s-reference"))
        .await
        .expect("the reference field")
        .send_keys("LW-BROWSER-1")
        .await
        .expect("the reference is typed");
    click(&link_worker, &format!("#need-{need}")).await;
    lw.find(Locator::Css("#s-ward"))
        .await
        .expect("the ward field")
        .select_by_value(&ward)
        .await
        .expect("the ward is a choice");
    lw.find(Locator::Css("#s-age"))
        .await
        .expect("the age field")
        .select_by_value("FROM_65_TO_74")
        .await
        .expect("the age band is a choice");
    click(&link_worker, "#s-full").await;
    click(&link_worker, "#search button[type=submit]").await;
    link_worker
        .wait_for(
            "!document.getElementById('results').hidden",
            "the search results",
        )
        .await;
    // Services of other organisations may share its name: the button is
    // found by the service it refers to.
    let button = format!("#matches button[data-service='{service_id}']");
    let label = link_worker.text(&button).await;
    assert_eq!(
        label.as_deref(),
        Some(format!("Refer to {name}").as_str()),
        "{name} is among the results"
    );
    click(&link_worker, &button).await;
    link_worker
        .wait_for(
            "document.querySelector('#events li[data-state=SENT]') && document.body.dataset.following",
            "the referral's events",
        )
        .await;
    assert_clean(&link_worker, "link worker").await;
    link_worker
        .screenshot(&format!("link-worker-{}", engine()))
        .await;

    // The provider sees it and accepts it; the link worker's page follows.
    open_page(&provider, &app, "provider", &app.keys.provider).await;
    let row = "[...document.querySelectorAll('#incoming-body tbody tr')]
                 .find(r => r.querySelector('th').textContent === 'LW-BROWSER-1')";
    provider
        .wait_for(row, "the referral on the provider page")
        .await;
    provider.screenshot(&format!("provider-{}", engine())).await;
    assert_clean(&provider, "provider").await;
    provider
        .eval(&format!(
            "[...({row}).querySelectorAll('button')].find(b => b.textContent === 'Accept').click(); return true;"
        ))
        .await;
    provider
        .wait_for(
            &format!("!({row})"),
            "the answered referral to leave the list",
        )
        .await;
    link_worker
        .wait_for(
            "document.querySelector('#events li[data-state=ACCEPTED]')",
            "the acceptance, live",
        )
        .await;
    let events = link_worker.text("#events").await.unwrap_or_default();
    assert!(events.contains("Accepted"), "{events}");
    assert!(link_worker.problems().await.is_empty());
    assert!(provider.problems().await.is_empty());
    link_worker.close().await;
    provider.close().await;
}

/// Whole pounds from pence, as en-GB writes money.
fn money(pence: &Value) -> String {
    let pence: f64 = match pence {
        Value::String(s) => s.parse().expect("pence"),
        other => other.as_f64().expect("pence"),
    };
    let pounds = format!("{:.0}", (pence / 100.0).abs());
    let sign = if pence < 0.0 { "-" } else { "" };
    format!("{sign}£{}", grouped(&pounds))
}

#[tokio::test]
async fn a_scenario_built_on_the_scenario_page_gives_the_apis_figures() {
    let Some(browser) = browser().await else {
        return;
    };
    let app = spawn_demo_app(as_of()).await;
    open_page(&browser, &app, "scenario", &app.keys.commissioner).await;
    let page = &browser.client;
    page.find(Locator::Css("#sc-name"))
        .await
        .expect("the name field")
        .send_keys("Three more link workers")
        .await
        .expect("the name is typed");
    let pcn = browser
        .eval("return document.getElementById('ch-pcn').value;")
        .await;
    let pcn = pcn.as_str().expect("a PCN is chosen").to_owned();
    click(&browser, "#add-change").await;
    click(&browser, "#scenario-form button[type=submit]").await;
    browser
        .wait_for("document.body.dataset.run", "the scenario's run")
        .await;

    // The same scenario, through the API: the same seed, the same answer.
    let created = app
        .gql(
            &app.keys.commissioner,
            "mutation($pcn: ID!) { createScenario(input: { name: \"By the API\", changes: [
               { gatewayStaff: { place: { pcnId: $pcn }, kind: SOCIAL_PRESCRIBING, staff: 3 } }] }) { id } }",
            json!({ "pcn": pcn }),
        )
        .await;
    let id = data(&created)["createScenario"]["id"].clone();
    let run = app
        .gql(
            &app.keys.commissioner,
            "mutation($id: ID!) { runScenario(id: $id) { totals {
               services servicesChanged added routed unabsorbed staffCost
               before { servicesOverCapacity peakWaitingList fundingNeeded }
               after { servicesOverCapacity firstWeekOver peakWaitingList fundingNeeded } } } }",
            json!({ "id": id }),
        )
        .await;
    let t = &data(&run)["runScenario"]["totals"];
    let expected = vec![
        ("reached", count(&t["servicesChanged"])),
        (
            "over-capacity",
            format!(
                "{} → {}",
                count(&t["before"]["servicesOverCapacity"]),
                count(&t["after"]["servicesOverCapacity"])
            ),
        ),
        (
            "peak-waiting",
            format!(
                "{} → {}",
                count(&t["before"]["peakWaitingList"]),
                count(&t["after"]["peakWaitingList"])
            ),
        ),
        (
            "funding-needed",
            format!(
                "{} → {}",
                money(&t["before"]["fundingNeeded"]),
                money(&t["after"]["fundingNeeded"])
            ),
        ),
        ("added", count(&t["added"])),
        ("staff-cost", money(&t["staffCost"])),
    ];
    let mut shown = Vec::new();
    for (name, _) in &expected {
        shown.push((*name, tile(&browser, name).await));
    }
    assert_eq!(shown, expected);
    let rows = browser
        .eval("return document.querySelectorAll('#run-services-table tbody tr').length;")
        .await;
    assert_eq!(
        rows, t["servicesChanged"],
        "the table lists every service reached"
    );
    assert!(
        browser
            .eval("return document.querySelectorAll('#run-waiting svg polygon').length;")
            .await
            .as_u64()
            .is_some_and(|n| n >= 1),
        "the waiting list is drawn with its band"
    );
    assert_clean(&browser, "scenario").await;
    browser.screenshot(&format!("scenario-{}", engine())).await;

    // Side by side: with the page read again (the address keeps the run),
    // tick both scenarios and compare, the baseline first.
    let url = browser.client.current_url().await.expect("the address");
    assert!(url.as_str().contains("run="), "{url}");
    browser.goto(url.as_str()).await;
    browser
        .wait_for(
            "document.body.dataset.drawn === '1' && document.body.dataset.run",
            "the scenario page again",
        )
        .await;
    browser
        .eval("document.querySelectorAll('input[name=compare]').forEach(c => c.click()); return true;")
        .await;
    click(&browser, "#compare").await;
    browser
        .wait_for(
            "document.querySelector('#comparison-table')",
            "the comparison",
        )
        .await;
    let compared = browser
        .eval("return [...document.querySelectorAll('#comparison-table tbody tr th')].map(t => t.textContent);")
        .await;
    assert_eq!(
        compared,
        json!([
            "Baseline (no change)",
            "Three more link workers",
            "By the API"
        ])
    );
    assert_clean(&browser, "scenario comparison").await;
    browser.close().await;
}
