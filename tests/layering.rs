//! The layering, checked from the source: which modules may name which
//! crates, and that modules depend one way down (HTTP → GraphQL → use
//! cases → store → database, with `domain` beneath them all), and that
//! only the store takes a connection from the pool. A name
//! counts when code uses it; comments and string literals (a log filter's
//! "sea_orm=warn") do not. `tests/` may reach into any layer: the API tests
//! read the database directly as a witness.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// Crates that only some paths may name.
struct CrateRule {
    crates: &'static [&'static str],
    /// Paths (files, or folders ending in `/`) relative to the repository.
    allowed: &'static [&'static str],
    why: &'static str,
}

const CRATE_RULES: &[CrateRule] = &[
    CrateRule {
        crates: &[
            "sea_orm",
            "sea_query",
            "sea_orm_migration",
            "sqlx",
            "headroom_migrations",
        ],
        allowed: &["src/store/", "migrations/"],
        why: "only store/ (and the migrations crate) knows sea-orm and SQL",
    },
    CrateRule {
        crates: &["async_graphql", "async_graphql_poem"],
        allowed: &[
            "src/graphql/",
            "src/http/graphql.rs",
            "src/http/subscriptions.rs",
        ],
        why: "only graphql/ and the HTTP glue that serves it know async-graphql",
    },
    CrateRule {
        crates: &["fantoccini", "hyper_util"],
        allowed: &["src/bench/browser.rs"],
        why: "only the benchmark's browser drives Chromium over WebDriver",
    },
    CrateRule {
        crates: &["parquet"],
        allowed: &["src/http/export/files.rs"],
        why: "only the export's file writer knows Parquet",
    },
    CrateRule {
        crates: &["rust_embed"],
        allowed: &["src/http/dashboards.rs"],
        why: "only the dashboards' route knows how the pages are embedded",
    },
    CrateRule {
        crates: &["poem"],
        allowed: &["src/http/", "src/startup.rs"],
        why: "only http/ (and startup, which binds it) knows poem",
    },
];

/// Modules of the crate that a folder may not name (as `crate::module`).
struct ModuleRule {
    folder: &'static str,
    forbidden: &'static [&'static str],
    why: &'static str,
}

const MODULE_RULES: &[ModuleRule] = &[
    ModuleRule {
        folder: "src/domain/",
        forbidden: &[
            "app",
            "bench",
            "cli",
            "config",
            "error",
            "graphql",
            "http",
            "seed",
            "startup",
            "store",
            "telemetry",
        ],
        why: "domain/ is pure: it depends on no other module",
    },
    ModuleRule {
        folder: "src/store/",
        forbidden: &["app", "bench", "cli", "graphql", "http", "seed", "startup"],
        why: "store/ sits under the use cases and the API",
    },
    ModuleRule {
        folder: "src/app/",
        forbidden: &["bench", "cli", "graphql", "http", "seed", "startup"],
        why: "use cases know nothing of GraphQL or HTTP",
    },
    ModuleRule {
        folder: "src/graphql/",
        forbidden: &["bench", "cli", "http", "seed", "startup"],
        why: "graphql/ sits under HTTP",
    },
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `src/` and `migrations/`, as (repository path, text).
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .map(|e| e.expect("a directory entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n == "target") {
                    continue;
                }
                walk(&path, root, out);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let rel = path
                    .strip_prefix(root)
                    .expect("under the root")
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
                out.push((rel, text));
            }
        }
    }
    let root = root();
    let mut out = Vec::new();
    for dir in ["src", "migrations"] {
        walk(&root.join(dir), &root, &mut out);
    }
    out
}

/// The source with comments, strings and character literals blanked out
/// (lines kept, so positions still point at the right line).
fn code_only(source: &str) -> String {
    let s: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let blank = |out: &mut String, c: char| out.push(if c == '\n' { '\n' } else { ' ' });
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        let next = s.get(i + 1).copied();
        let after_ident = i > 0 && ident(s[i - 1]);
        if c == '/' && next == Some('/') {
            while i < s.len() && s[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < s.len() {
                if s[i] == '/' && s.get(i + 1) == Some(&'*') {
                    depth += 1;
                    blank(&mut out, ' ');
                    blank(&mut out, ' ');
                    i += 2;
                } else if s[i] == '*' && s.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    blank(&mut out, ' ');
                    blank(&mut out, ' ');
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, s[i]);
                    i += 1;
                }
            }
        } else if !after_ident && (c == 'r' || (c == 'b' && next == Some('r'))) && {
            // A raw string: r"…", r#"…"#, br"…".
            let mut j = i + if c == 'b' { 2 } else { 1 };
            while s.get(j) == Some(&'#') {
                j += 1;
            }
            s.get(j) == Some(&'"')
        } {
            let mut j = i + if c == 'b' { 2 } else { 1 };
            let mut hashes = 0;
            while s[j] == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            loop {
                if j >= s.len() {
                    break;
                }
                if s[j] == '"' && (0..hashes).all(|k| s.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            for &ch in &s[i..j.min(s.len())] {
                blank(&mut out, ch);
            }
            i = j;
        } else if c == '"' {
            blank(&mut out, c);
            i += 1;
            while i < s.len() && s[i] != '"' {
                if s[i] == '\\' {
                    blank(&mut out, s[i]);
                    i += 1;
                }
                if i < s.len() {
                    blank(&mut out, s[i]);
                    i += 1;
                }
            }
            if i < s.len() {
                blank(&mut out, s[i]);
                i += 1;
            }
        } else if c == '\'' && (next == Some('\\') || s.get(i + 2) == Some(&'\'')) {
            // A character literal ('x', '\n', '\u{…}'); otherwise a lifetime.
            blank(&mut out, c);
            i += 1;
            if s[i] == '\\' {
                // The escape and the character it escapes (which may be ').
                blank(&mut out, s[i]);
                blank(&mut out, s[i + 1]);
                i += 2;
            }
            while i < s.len() && s[i] != '\'' {
                blank(&mut out, s[i]);
                i += 1;
            }
            if i < s.len() {
                blank(&mut out, s[i]);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The identifiers of code, each with its line (1-based) and the text
/// after it.
fn identifiers(code: &str) -> Vec<(usize, &str, &str)> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut start: Option<usize> = None;
    for (i, c) in code.char_indices() {
        let part = c.is_alphanumeric() || c == '_';
        match (start, part) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                if !code[s..].starts_with(|d: char| d.is_ascii_digit()) {
                    out.push((line, &code[s..i], &code[i..]));
                }
                start = None;
            }
            _ => {}
        }
        if c == '\n' {
            line += 1;
        }
    }
    if let Some(s) = start {
        out.push((line, &code[s..], ""));
    }
    out
}

/// The modules a source names as `crate::module` or `crate::{a, b::c}`.
fn crate_modules(code: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (line, name, rest) in identifiers(code) {
        if name != "crate" {
            continue;
        }
        let Some(rest) = rest.trim_start().strip_prefix("::") else {
            continue;
        };
        let rest = rest.trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut at_start = true;
            let mut word = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => at_start = true,
                    c if c.is_alphanumeric() || c == '_' => {
                        if at_start {
                            word.push(c);
                        }
                    }
                    _ => {
                        if !word.is_empty() {
                            out.push((line, std::mem::take(&mut word)));
                            at_start = false;
                        }
                    }
                }
            }
            if !word.is_empty() {
                out.push((line, word));
            }
        } else {
            let module: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !module.is_empty() {
                out.push((line, module));
            }
        }
    }
    out
}

fn allowed(path: &str, allowed: &[&str]) -> bool {
    allowed.iter().any(|a| {
        if a.ends_with('/') {
            path.starts_with(a)
        } else {
            path == *a
        }
    })
}

/// Where a crate is named outside the paths its rule allows.
fn crate_violations(rule: &CrateRule, files: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in files {
        if allowed(path, rule.allowed) {
            continue;
        }
        let code = code_only(text);
        for (line, name, _) in identifiers(&code) {
            if rule.crates.contains(&name) {
                out.push(format!("{path}:{line} names {name}"));
            }
        }
    }
    out
}

/// Where a folder names a module its rule forbids.
fn module_violations(rule: &ModuleRule, files: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in files {
        if !path.starts_with(rule.folder) {
            continue;
        }
        for (line, module) in crate_modules(&code_only(text)) {
            if rule.forbidden.contains(&module.as_str()) {
                out.push(format!("{path}:{line} names crate::{module}"));
            }
        }
    }
    out
}

#[test]
fn each_crate_is_named_only_where_its_layer_is() {
    let files = sources();
    assert!(
        files.iter().any(|(p, _)| p.starts_with("src/store/"))
            && files.iter().any(|(p, _)| p.starts_with("src/app/"))
            && files.iter().any(|(p, _)| p.starts_with("migrations/")),
        "the source tree was not found under {}",
        root().display()
    );
    let mut failures = Vec::new();
    for rule in CRATE_RULES {
        // Each rule bites somewhere: its crates are named where allowed.
        let named = files.iter().any(|(path, text)| {
            allowed(path, rule.allowed)
                && identifiers(&code_only(text))
                    .iter()
                    .any(|(_, n, _)| rule.crates.contains(n))
        });
        assert!(named, "no allowed path names {:?}", rule.crates);
        for v in crate_violations(rule, &files) {
            failures.push(format!("{v} ({})", rule.why));
        }
    }
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n"));
}

#[test]
fn modules_depend_one_way_down() {
    let files = sources();
    let mut failures = Vec::new();
    for rule in MODULE_RULES {
        for v in module_violations(rule, &files) {
            failures.push(format!("{v} ({})", rule.why));
        }
    }
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n"));
}

/// Where code outside `store/` takes a connection from the store
/// (`Store::lane`, `Store::db`, `Store::begin`) instead of calling a store
/// function.
fn connection_handles(files: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in files {
        if !path.starts_with("src/") || path.starts_with("src/store/") {
            continue;
        }
        let code = code_only(text);
        for (line, name, rest) in identifiers(&code) {
            let called = rest.trim_start().starts_with('(');
            if called && ["lane", "db", "begin"].contains(&name) {
                let before = &code[..code.len() - rest.len() - name.len()];
                if before.trim_end().ends_with('.') {
                    out.push(format!("{path}:{line} calls .{name}()"));
                }
            }
        }
    }
    out
}

#[test]
fn only_the_store_holds_a_connection() {
    let failures = connection_handles(&sources());
    assert!(
        failures.is_empty(),
        "\n{}\n(reads and writes go through store functions that take &Store)\n",
        failures.join("\n")
    );
    let caught = connection_handles(&[(
        "src/graphql/x.rs".to_owned(),
        "let s = f(&*ctx.store().lane().await?);\nlet db = store\n    .db ();\n".to_owned(),
    )]);
    assert_eq!(
        caught,
        vec![
            "src/graphql/x.rs:1 calls .lane()",
            "src/graphql/x.rs:3 calls .db()"
        ]
    );
}

#[test]
fn a_crate_named_in_code_is_caught_and_one_in_a_string_or_comment_is_not() {
    let file = |path: &str, text: &str| vec![(path.to_owned(), text.to_owned())];
    let store_rule = &CRATE_RULES[0];
    let graphql_rule = &CRATE_RULES[1];

    let named = file(
        "src/app/search.rs",
        "use std::fmt;\nuse sea_orm::DbErr;\nfn f() -> async_graphql::ID { todo!() }\n",
    );
    assert_eq!(
        crate_violations(store_rule, &named),
        vec!["src/app/search.rs:2 names sea_orm"]
    );
    assert_eq!(
        crate_violations(graphql_rule, &named),
        vec!["src/app/search.rs:3 names async_graphql"]
    );
    assert!(
        crate_violations(store_rule, &file("src/store/mod.rs", "use sea_orm::DbErr;")).is_empty()
    );

    let quiet = file(
        "src/telemetry.rs",
        concat!(
            "// sea_orm is the store's\n",
            "/* async_graphql /* nested */ sea_orm */\n",
            "const F: &str = \"info,sea_orm=warn\";\n",
            "const R: &str = r#\"sea_orm \"quoted\" \"#;\n",
            "const C: char = '\"'; fn f<'a>(x: &'a str) -> &'a str { x }\n",
            "const S: &str = \"escaped \\\" sea_orm\";\n",
        ),
    );
    assert!(crate_violations(store_rule, &quiet).is_empty());
    assert!(crate_violations(graphql_rule, &quiet).is_empty());
    // A name that merely starts with a crate's name is another name.
    let longer = file("src/app/x.rs", "let sea_orm_like = 1;");
    assert!(crate_violations(store_rule, &longer).is_empty());
}

#[test]
fn a_module_named_against_the_flow_is_caught() {
    let rule = MODULE_RULES
        .iter()
        .find(|r| r.folder == "src/app/")
        .expect("a rule for app/");
    let files = vec![(
        "src/app/x.rs".to_owned(),
        "use crate::store::Store;\nuse crate::{domain::codes, graphql::ids};\n// crate::http\n"
            .to_owned(),
    )];
    assert_eq!(
        module_violations(rule, &files),
        vec!["src/app/x.rs:2 names crate::graphql"]
    );
    let named: BTreeSet<String> = crate_modules(&code_only(&files[0].1))
        .into_iter()
        .map(|(_, m)| m)
        .collect();
    assert_eq!(
        named,
        ["domain", "graphql", "store"]
            .into_iter()
            .map(String::from)
            .collect()
    );
}
