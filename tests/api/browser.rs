//! The dashboard tests' browser: Headroom's own headless Chromium
//! (`bench::browser`), with what a test checks on top. Before any page
//! script runs, every page gets a recorder of console errors, uncaught
//! errors, failed loads and Content-Security-Policy violations;
//! `problems()` returns what it recorded together with the browser's own
//! log (which also holds failed requests) and any request to another
//! origin.
//!
//! Without Chromium the tests say so on stderr and return early, so the
//! README's `cargo test` works on a machine with only the Rust toolchain;
//! with `HEADROOM_REQUIRE_BROWSER=1` (as `.ci/run` sets) a missing browser
//! or axe-core fails instead.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::Locator;
use headroom::bench::browser::{locate, Browser as Chromium};
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

fn skip(why: &str) {
    if std::env::var(REQUIRE).is_ok_and(|v| v == "1") {
        panic!("{why}, and {REQUIRE}=1 asks for the browser tests");
    }
    // Straight to the terminal: the test harness captures `eprintln!`.
    let _ = writeln!(
        std::io::stderr(),
        "\nbrowser test skipped: {why} (install Debian's chromium and chromium-driver, or run .ci/run)"
    );
}

pub struct Browser {
    inner: Chromium,
    pub client: fantoccini::Client,
}

/// A fresh headless Chromium, or None (having said why) where there is none.
pub async fn browser() -> Option<Browser> {
    if let Err(why) = locate() {
        skip(&why);
        return None;
    }
    let inner = Chromium::launch()
        .await
        .unwrap_or_else(|e| panic!("Chromium does not start: {e}"));
    inner
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": RECORDER }),
        )
        .await
        .expect("the recorder is installed");
    Some(Browser {
        client: inner.client.clone(),
        inner,
    })
}

impl Browser {
    pub async fn goto(&self, url: &str) {
        self.inner.goto(url).await.expect("the page opens");
    }

    pub async fn eval(&self, script: &str) -> Value {
        self.inner
            .eval(script)
            .await
            .unwrap_or_else(|e| panic!("{e}\n{script}"))
    }

    /// Waits until `condition` (a JavaScript expression) is true.
    pub async fn wait_for(&self, condition: &str, what: &str) {
        let held = self
            .inner
            .wait_for(condition, Duration::from_secs(60))
            .await
            .expect("the page answers");
        if !held {
            let status = self
                .text("#status")
                .await
                .unwrap_or_else(|| "no status line".into());
            panic!("timed out waiting for {what}; the page says: {status}");
        }
    }

    /// The text of the first element matching `css`, if any.
    pub async fn text(&self, css: &str) -> Option<String> {
        let element = self.client.find(Locator::Css(css)).await.ok()?;
        element.text().await.ok()
    }

    /// Types the key into the page's key form and sends it.
    pub async fn use_key(&self, key: &str) {
        self.inner.use_key(key).await.expect("the key is sent");
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
        let log = self
            .inner
            .post("se/log", json!({ "type": "browser" }))
            .await
            .unwrap_or(Value::Null);
        for entry in log.as_array().into_iter().flatten() {
            if entry["level"] == "SEVERE" {
                problems.push(format!(
                    "log: {}",
                    entry["message"].as_str().unwrap_or_default()
                ));
            }
        }
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
            skip(&format!("axe-core was not found at {}", path.display()));
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
        let metrics = self
            .inner
            .cdp("Page.getLayoutMetrics", json!({}))
            .await
            .expect("the page's size");
        let size = &metrics["cssContentSize"];
        let clip =
            json!({ "x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1 });
        let shot = self
            .inner
            .cdp(
                "Page.captureScreenshot",
                json!({ "format": "png", "captureBeyondViewport": true, "clip": clip }),
            )
            .await
            .expect("a screenshot");
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
        self.inner.close().await;
    }
}
