//! The dashboards timed in a real headless Chromium, as a person meets
//! them: from navigation until a page is fully drawn (its
//! `headroom:drawn` performance mark, read from navigation timing), then
//! the commissioner overview redrawn for one need after another and the
//! link worker's search, each as the page measures it. The first load of
//! each page warms the browser's cache and is not counted.

use std::time::Duration;

use super::browser::Browser;
use super::stats::Stats;
use super::Served;
use crate::config::{PerRole, ServerSettings};
use crate::domain::codes::Role;
use crate::error::{AppError, AppResult};
use crate::store::{areas, keys, Store};
use chrono::{Duration as Days, NaiveDate};

const WAIT: Duration = Duration::from_secs(120);
/// The needs the overview is redrawn for, in turn.
const NEEDS: [&str; 4] = ["DEMENTIA", "LONELINESS", "MENTAL_WELLBEING", "FINANCIAL"];

pub struct PageFigures {
    /// Each page's load: navigation to fully drawn.
    pub loads: Vec<(&'static str, Stats)>,
    /// The overview redrawn after a filter change.
    pub redraw: Stats,
    /// The link worker's search, from the button to the results drawn.
    pub search: Stats,
}

impl PageFigures {
    pub fn table(&self) -> String {
        let mut out = String::from(
            "dashboards in headless Chromium (navigation timing)\n| page | p50 / p95 / max ms |\n|---|---|\n",
        );
        for (page, stats) in &self.loads {
            out.push_str(&format!(
                "| {page}: navigation to fully drawn | {stats} |\n"
            ));
        }
        out.push_str(&format!(
            "| overview: a filter change redrawn | {} |\n| link worker: a search drawn | {} |\n",
            self.redraw, self.search
        ));
        out
    }
}

fn timeout(what: &str) -> AppError {
    AppError::Internal(format!("the page did not finish {what} in {WAIT:?}"))
}

/// A number the page's script returns.
async fn number(browser: &Browser, script: &str) -> AppResult<Duration> {
    let ms = browser.eval(script).await?.as_f64().unwrap_or(f64::NAN);
    if !ms.is_finite() {
        return Err(AppError::Internal(format!("no timing from `{script}`")));
    }
    Ok(Duration::from_secs_f64(ms / 1000.0))
}

/// Loads `url` `iterations` + 1 times (the key entered on the first),
/// timing all but the first.
async fn loads(browser: &Browser, url: &str, key: &str, iterations: usize) -> AppResult<Stats> {
    browser.goto(url).await?;
    browser.use_key(key).await?;
    let mut times = Vec::new();
    for i in 0..=iterations {
        if i > 0 {
            browser.goto(url).await?;
        }
        if !browser
            .wait_for("document.body.dataset.drawn === '1'", WAIT)
            .await?
        {
            return Err(timeout(url));
        }
        let drawn = number(
            browser,
            "return performance.getEntriesByName('headroom:drawn')[0].startTime;",
        )
        .await?;
        if i > 0 {
            times.push(drawn);
        }
    }
    Ok(Stats::of(times))
}

/// Redraws the overview for each need in turn, `iterations` times over.
async fn redraws(browser: &Browser, iterations: usize) -> AppResult<Stats> {
    let mut times = Vec::new();
    for i in 0..iterations.max(1) * NEEDS.len() {
        let need = NEEDS[i % NEEDS.len()];
        let before = browser.eval("return document.body.dataset.drawn;").await?;
        let before = before.as_str().unwrap_or("0").to_owned();
        browser
            .eval(&format!(
                "document.getElementById('f-need').value = '{need}';
                 document.querySelector('#filters button[type=submit]').click(); return true;"
            ))
            .await?;
        let done = format!("document.body.dataset.drawn !== '{before}'");
        if !browser.wait_for(&done, WAIT).await? {
            return Err(timeout("a redraw"));
        }
        times.push(
            number(
                browser,
                "const m = performance.getEntriesByName('headroom:draw'); return m[m.length - 1].duration;",
            )
            .await?,
        );
    }
    Ok(Stats::of(times))
}

/// Searches from each of the first wards in turn, for loneliness.
async fn searches(browser: &Browser, iterations: usize) -> AppResult<Stats> {
    let mut times = Vec::new();
    for i in 0..iterations.max(1) {
        browser
            .eval(&format!(
                "const wards = document.getElementById('s-ward');
                 wards.selectedIndex = {i} % wards.options.length;
                 document.getElementById('need-LONELINESS').checked = true;
                 performance.clearMeasures('headroom:search');
                 document.querySelector('#search button[type=submit]').click(); return true;"
            ))
            .await?;
        if !browser
            .wait_for(
                "performance.getEntriesByName('headroom:search').length > 0",
                WAIT,
            )
            .await?
        {
            return Err(timeout("a search"));
        }
        times.push(
            number(
                browser,
                "return performance.getEntriesByName('headroom:search')[0].duration;",
            )
            .await?,
        );
    }
    Ok(Stats::of(times))
}

pub async fn run(store: &Store, as_of: NaiveDate, iterations: usize) -> AppResult<PageFigures> {
    let settings = ServerSettings {
        requests_per_minute: PerRole::all(u32::MAX),
        ..ServerSettings::default()
    };
    let server = Served::start(store, settings).await?;
    let base = server.url.trim_end_matches("/graphql").to_owned();
    let organisation = keys::first_id(store, "organisation").await?;
    let gateway = keys::first_id(store, "gateway").await?;
    let commissioner = keys::issue(store, Role::Commissioner, "bench", None, None).await?;
    let provider = keys::issue(store, Role::Provider, "bench", organisation, None).await?;
    let link_worker = keys::issue(store, Role::LinkWorker, "bench", None, gateway).await?;
    let authority = areas::first_of_kind(store, "local_authority").await?;
    let to = as_of + Days::days(1);
    let from = to - Days::days(84);
    let area = authority
        .map(|a| format!("&area={}", crate::graphql::ids::encode("Area", a.id).0))
        .unwrap_or_default();
    let overview = format!("{base}/dashboards/overview?from={from}&to={to}{area}");

    let result = async {
        let browser = Browser::launch().await?;
        let overview_load = loads(&browser, &overview, &commissioner, iterations).await?;
        let redraw = redraws(&browser, iterations).await?;
        browser.close().await;

        let browser = Browser::launch().await?;
        let scenario = loads(
            &browser,
            &format!("{base}/dashboards/scenario"),
            &commissioner,
            iterations,
        )
        .await?;
        browser.close().await;

        let browser = Browser::launch().await?;
        let link_worker_load = loads(
            &browser,
            &format!("{base}/dashboards/link-worker"),
            &link_worker,
            iterations,
        )
        .await?;
        let search = searches(&browser, iterations).await?;
        browser.close().await;

        let browser = Browser::launch().await?;
        let provider_load = loads(
            &browser,
            &format!("{base}/dashboards/provider"),
            &provider,
            iterations,
        )
        .await?;
        browser.close().await;
        Ok::<_, AppError>(PageFigures {
            loads: vec![
                (
                    "commissioner overview (one local authority, 12 weeks)",
                    overview_load,
                ),
                ("scenario", scenario),
                ("link worker", link_worker_load),
                ("provider", provider_load),
            ],
            redraw,
            search,
        })
    }
    .await;
    keys::revoke_named(store, "bench").await?;
    server.stop().await;
    result
}
