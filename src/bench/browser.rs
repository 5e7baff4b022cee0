//! A headless Chromium driven over WebDriver: Debian's `chromium` and
//! `chromedriver` (or the paths in `HEADROOM_CHROMIUM` and
//! `HEADROOM_CHROMEDRIVER`). The dashboards' benchmark times pages in it;
//! the browser tests build on it. Each `Browser` runs its own chromedriver
//! on a free port and stops it when dropped.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use crate::error::{AppError, AppResult};

/// The first of `env` (when set) or `candidates` that exists.
fn find(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Ok(path) = std::env::var(env) {
        return Some(PathBuf::from(path)).filter(|p| p.exists());
    }
    candidates.iter().map(PathBuf::from).find(|p| p.exists())
}

/// Where chromedriver and Chromium are, or why they cannot be used.
pub fn locate() -> Result<(PathBuf, PathBuf), String> {
    let driver = find(
        "HEADROOM_CHROMEDRIVER",
        &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"],
    )
    .ok_or("chromedriver was not found")?;
    let chromium = find(
        "HEADROOM_CHROMIUM",
        &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
    )
    .ok_or("chromium was not found")?;
    Ok((driver, chromium))
}

pub struct Browser {
    pub client: Client,
    driver: Child,
    driver_url: String,
    http: reqwest::Client,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn internal(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("{what}: {e}"))
}

impl Browser {
    /// A fresh headless Chromium with a window of 1400 × 1000 and the
    /// browser's log kept.
    pub async fn launch() -> AppResult<Self> {
        let (chromedriver, chromium) = locate().map_err(AppError::Internal)?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| internal("no free port for chromedriver", e))?
            .port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| internal(&format!("{} does not start", chromedriver.display()), e))?;
        let driver_url = format!("http://127.0.0.1:{port}");
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--window-size=1400,1000", "--lang=en-GB", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update"],
            }),
        );
        capabilities.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        let started = Instant::now();
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&driver_url)
                .await
            {
                Ok(client) => break client,
                Err(_) if started.elapsed() < Duration::from_secs(20) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => return Err(internal("no WebDriver session", e)),
            }
        };
        Ok(Browser {
            client,
            driver,
            driver_url,
            http: reqwest::Client::new(),
        })
    }

    /// `…/session/<id>/<tail>` on the driver.
    pub async fn session_url(&self, tail: &str) -> AppResult<String> {
        let id = self
            .client
            .session_id()
            .await
            .map_err(|e| internal("no session id", e))?
            .ok_or_else(|| AppError::Internal("the session has ended".into()))?;
        Ok(format!("{}/session/{id}/{tail}", self.driver_url))
    }

    /// POSTs `body` to the session's `tail` (a vendor command) and
    /// returns the answer's `value`.
    pub async fn post(&self, tail: &str, body: Value) -> AppResult<Value> {
        let answer: Value = self
            .http
            .post(self.session_url(tail).await?)
            .json(&body)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| internal(tail, e))?
            .json()
            .await
            .map_err(|e| internal(tail, e))?;
        Ok(answer["value"].clone())
    }

    /// A Chrome DevTools Protocol command, through chromedriver.
    pub async fn cdp(&self, command: &str, params: Value) -> AppResult<Value> {
        self.post(
            "goog/cdp/execute",
            json!({ "cmd": command, "params": params }),
        )
        .await
    }

    pub async fn goto(&self, url: &str) -> AppResult<()> {
        self.client
            .goto(url)
            .await
            .map_err(|e| internal(&format!("cannot open {url}"), e))
    }

    pub async fn eval(&self, script: &str) -> AppResult<Value> {
        self.client
            .execute(script, vec![])
            .await
            .map_err(|e| internal("a script failed", e))
    }

    /// Waits up to `limit` until `condition` (a JavaScript expression) holds.
    pub async fn wait_for(&self, condition: &str, limit: Duration) -> AppResult<bool> {
        let started = Instant::now();
        let script = format!("return !!({condition});");
        while started.elapsed() < limit {
            if self.eval(&script).await? == Value::Bool(true) {
                return Ok(true);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(false)
    }

    /// Types `key` into a page's key form and sends it.
    pub async fn use_key(&self, key: &str) -> AppResult<()> {
        let input = self
            .client
            .wait()
            .for_element(Locator::Css("#api-key"))
            .await
            .map_err(|e| internal("the page asks for no key", e))?;
        input
            .send_keys(key)
            .await
            .map_err(|e| internal("the key cannot be typed", e))?;
        self.client
            .find(Locator::Css(".key-form button[type=submit]"))
            .await
            .map_err(|e| internal("the key form has no button", e))?
            .click()
            .await
            .map_err(|e| internal("the key cannot be sent", e))
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}
