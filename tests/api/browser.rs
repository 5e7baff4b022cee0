//! A real headless Chromium, driven over WebDriver (chromedriver), for the
//! dashboard tests. Each `Browser` has its own chromedriver and session;
//! before any page script runs, every page gets a recorder of console
//! errors, uncaught errors, failed loads and Content-Security-Policy
//! violations, and `problems()` returns what it recorded together with the
//! browser's own log (which also holds failed requests).
//!
//! Without Chromium the tests say so on stderr and return early, so the
//! README's `cargo test` works on a machine with only the Rust toolchain;
//! with `HEADROOM_REQUIRE_BROWSER=1` (as `.ci/run` sets) a missing browser
//! or axe-core fails instead.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

const REQUIRE: &str = "HEADROOM_REQUIRE_BROWSER";

/// Installed before each page's own scripts.
const RECORDER: &str = r#"
(() => {
  const problems = [];
  Object.defineProperty(window, "__problems", { value: problems });
  const error = console.error.bind(console);
  console.error = (...args) => { problems.push("console.error: " + args.map(String).join(" ")); error(...args); };
  window.addEventListener("error", (e) => {
    const what = e.message || (e.target && (e.target.src || e.target.href)) || "a resource failed to load";
    problems.push("error: " + what);
  }, true);
  window.addEventListener("unhandledrejection", (e) => {
    problems.push("unhandled rejection: " + String((e.reason && e.reason.message) || e.reason));
  });
  document.addEventListener("securitypolicyviolation", (e) => {
    problems.push("CSP: " + e.violatedDirective + " blocked " + e.blockedURI);
  });
})();
"#;

fn skip_or_fail(why: &str) -> Option<Browser> {
    if std::env::var(REQUIRE).is_ok_and(|v| v == "1") {
        panic!("{why}, and {REQUIRE}=1 asks for the browser tests");
    }
    // Straight to the terminal: the test harness captures `eprintln!`.
    let _ = writeln!(
        std::io::stderr(),
        "\nbrowser test skipped: {why} (install Debian's chromium and chromium-driver, or run .ci/run)"
    );
    None
}

fn find(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Ok(path) = std::env::var(env) {
        return Some(PathBuf::from(path)).filter(|p| p.exists());
    }
    candidates.iter().map(PathBuf::from).find(|p| p.exists())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port for chromedriver")
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

/// A fresh headless Chromium, or None (having said why) where there is none.
pub async fn browser() -> Option<Browser> {
    let Some(chromedriver) = find(
        "HEADROOM_CHROMEDRIVER",
        &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"],
    ) else {
        return skip_or_fail("chromedriver was not found");
    };
    let Some(chromium) = find(
        "HEADROOM_CHROMIUM",
        &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
    ) else {
        return skip_or_fail("chromium was not found");
    };
    let port = free_port();
    let driver = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{} does not start: {e}", chromedriver.display()));
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
            Err(e) if started.elapsed() < Duration::from_secs(20) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("no WebDriver session at {driver_url}: {e}"),
        }
    };
    let browser = Browser {
        client,
        driver,
        driver_url,
        http: reqwest::Client::new(),
    };
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": RECORDER }),
        )
        .await;
    Some(browser)
}

impl Browser {
    async fn session_url(&self, tail: &str) -> String {
        let id = self
            .client
            .session_id()
            .await
            .expect("the session id")
            .expect("a session");
        format!("{}/session/{id}/{tail}", self.driver_url)
    }

    /// A Chrome DevTools Protocol command, through chromedriver.
    pub async fn cdp(&self, command: &str, params: Value) -> Value {
        let url = self.session_url("goog/cdp/execute").await;
        let body: Value = self
            .http
            .post(url)
            .json(&json!({ "cmd": command, "params": params }))
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .unwrap_or_else(|e| panic!("the DevTools command {command} fails: {e}"))
            .json()
            .await
            .expect("a JSON answer");
        body["value"].clone()
    }

    /// Entries of the browser's log at level SEVERE since the last call.
    async fn severe_log(&self) -> Vec<String> {
        let url = self.session_url("se/log").await;
        let Ok(response) = self
            .http
            .post(url)
            .json(&json!({ "type": "browser" }))
            .send()
            .await
        else {
            return Vec::new();
        };
        let body: Value = response.json().await.unwrap_or(Value::Null);
        body["value"]
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter(|e| e["level"] == "SEVERE")
                    .map(|e| format!("log: {}", e["message"].as_str().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("the script fails: {e}\n{script}"))
    }

    /// Waits until `condition` (a JavaScript expression) is true.
    pub async fn wait_for(&self, condition: &str, what: &str) {
        let started = Instant::now();
        loop {
            let ok = self
                .client
                .execute(&format!("return !!({condition});"), vec![])
                .await
                .map(|v| v == Value::Bool(true))
                .unwrap_or(false);
            if ok {
                return;
            }
            if started.elapsed() > Duration::from_secs(60) {
                let status = self
                    .text("#status")
                    .await
                    .unwrap_or_else(|| "no status line".into());
                panic!("timed out waiting for {what}; the page says: {status}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The text of the first element matching `css`, if any.
    pub async fn text(&self, css: &str) -> Option<String> {
        let element = self.client.find(Locator::Css(css)).await.ok()?;
        element.text().await.ok()
    }

    /// Types the key into the page's key form and sends it.
    pub async fn use_key(&self, key: &str) {
        let input = self
            .client
            .wait()
            .for_element(Locator::Css("#api-key"))
            .await
            .expect("the page asks for a key");
        input.send_keys(key).await.expect("the key is typed");
        self.client
            .find(Locator::Css(".key-form button[type=submit]"))
            .await
            .expect("the key form's button")
            .click()
            .await
            .expect("the key is sent");
    }

    /// Everything that went wrong on the page so far: console errors,
    /// uncaught errors, failed loads, CSP violations, and requests to
    /// another origin.
    pub async fn problems(&self) -> Vec<String> {
        let mut problems: Vec<String> = self
            .eval("return window.__problems || [];")
            .await
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|p| p.as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        problems.extend(self.severe_log().await);
        let foreign = self
            .eval(
                "return performance.getEntriesByType('resource').map(e => e.name)
                   .filter(n => new URL(n).origin !== location.origin && !n.startsWith('blob:'));",
            )
            .await;
        for url in foreign.as_array().into_iter().flatten() {
            problems.push(format!("request to another origin: {url}"));
        }
        problems
    }

    /// Serious and critical accessibility violations axe-core finds on the
    /// page as it is now; None (having said why) without axe-core.
    pub async fn accessibility_violations(&self) -> Option<Vec<String>> {
        let path = std::env::var("HEADROOM_AXE_JS")
            .map(PathBuf::from)
            .unwrap_or_else(|_| {
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("target/browser/node_modules/axe-core/axe.min.js")
            });
        let Ok(axe) = std::fs::read_to_string(&path) else {
            skip_or_fail(&format!("axe-core was not found at {}", path.display()));
            return None;
        };
        self.eval(&format!("{axe}\nreturn true;")).await;
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                   .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }))))
                   .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));",
                vec![],
            )
            .await
            .expect("axe-core runs");
        Some(
            result
                .as_array()
                .into_iter()
                .flatten()
                .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
                .map(|v| {
                    format!(
                        "{} ({}): {} at {}",
                        v["id"], v["impact"], v["help"], v["nodes"]
                    )
                })
                .collect(),
        )
    }

    /// A PNG of the whole page, saved as `target/screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) {
        let metrics = self.cdp("Page.getLayoutMetrics", json!({})).await;
        let size = &metrics["cssContentSize"];
        let clip =
            json!({ "x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1 });
        let shot = self
            .cdp(
                "Page.captureScreenshot",
                json!({ "format": "png", "captureBeyondViewport": true, "clip": clip }),
            )
            .await;
        let data = shot["data"].as_str().expect("a screenshot");
        use base64::Engine;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data)
            .expect("a base64 PNG");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).expect("a folder for screenshots");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("the screenshot is saved");
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}
