//! ARCHITECTURE.md's invariants about the source tree, checked by reading it (not by a grep in
//! prose): the layers import only downwards, one module owns the browser, no `1440`, every worker is
//! created in `www/pool.js`, one JS file handles the URL hash, one log loss and one default metric,
//! no file too long to read, one currency written in one place, and every path the code map names
//! exists.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir` (relative to the crate) ending in `ext`.
fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    fn walk(p: &Path, ext: &str, out: &mut Vec<PathBuf>) {
        for e in fs::read_dir(p).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.ends_with("pkg") && !p.ends_with("node_modules") {
                    walk(&p, ext, out);
                }
            } else if p.to_string_lossy().ends_with(ext) {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join(dir), ext, &mut out);
    out.sort();
    out
}

fn rel(p: &Path) -> String {
    p.strip_prefix(root())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// A Rust file's code: comments dropped, and everything from its first `#[cfg(test)]` on.
fn code(p: &Path) -> String {
    let text = fs::read_to_string(p).unwrap();
    let body = text.split("#[cfg(test)]").next().unwrap_or("");
    body.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The layer of a file under `src/`, bottom up (ARCHITECTURE.md, "Layers").
fn layer(path: &str) -> Option<usize> {
    const LAYERS: [&str; 9] = [
        "base", "domain", "learn", "sim", "replay", "study", "view", "wasm", "cli",
    ];
    let top = path.strip_prefix("src/")?.split('/').next()?;
    let top = top.trim_end_matches(".rs");
    // `wasm/` and `cli/` stand side by side on top.
    LAYERS.iter().position(|l| *l == top).map(|i| i.min(7))
}

#[test]
fn the_layers_import_only_downwards_and_the_replay_nothing_of_the_simulator() {
    let mut wrong = Vec::new();
    for f in files("src", ".rs") {
        let path = rel(&f);
        let Some(me) = layer(&path) else { continue };
        let code = code(&f);
        for (i, _) in code.match_indices("crate::") {
            let name: String = code[i + 7..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if let Some(them) = layer(&format!("src/{name}")) {
                if them > me {
                    wrong.push(format!("{path} uses crate::{name}"));
                }
                if path.starts_with("src/replay") && name == "sim" {
                    wrong.push(format!(
                        "{path} uses crate::sim (the replay shares only domain/)"
                    ));
                }
            }
        }
    }
    wrong.dedup();
    assert!(wrong.is_empty(), "imports against the layers: {wrong:#?}");
}

#[test]
fn only_the_wasm_module_knows_the_browser() {
    let browser = [
        "wasm_bindgen",
        "web_sys",
        "js_sys",
        "serde_wasm_bindgen",
        "plotters_canvas",
    ];
    let wrong: Vec<String> = files("src", ".rs")
        .into_iter()
        .filter(|f| !rel(f).starts_with("src/wasm/"))
        .filter(|f| {
            let c = code(f);
            browser.iter().any(|b| c.contains(b))
        })
        .map(|f| rel(&f))
        .collect();
    assert!(wrong.is_empty(), "outside src/wasm/: {wrong:?}");
}

#[test]
fn minutes_per_day_are_named_not_written() {
    let wrong: Vec<String> = files("src", ".rs")
        .into_iter()
        .filter(|f| rel(f) != "src/base/units.rs" && !rel(f).ends_with("tests.rs"))
        .filter(|f| code(f).contains("1440"))
        .map(|f| rel(&f))
        .collect();
    assert!(
        wrong.is_empty(),
        "1440 written out (use MINUTES_PER_DAY): {wrong:?}"
    );
}

#[test]
fn no_file_is_too_long_to_read() {
    for f in files("src", ".rs") {
        let n = fs::read_to_string(&f).unwrap().lines().count();
        assert!(n <= 600, "{} has {n} lines (at most 600)", rel(&f));
    }
    let n = fs::read_to_string(root().join("src/wasm/mod.rs"))
        .unwrap()
        .lines()
        .count();
    assert!(
        n < 500,
        "src/wasm/mod.rs has {n} lines: the boundary stays thin (under 500)"
    );
}

#[test]
fn one_log_loss_and_one_default_metric() {
    for (what, want) in [("fn log_loss(", 1), ("fn default_metric(", 1)] {
        let at: Vec<String> = files("src", ".rs")
            .into_iter()
            .filter(|f| code(f).contains(what))
            .map(|f| rel(&f))
            .collect();
        assert_eq!(at.len(), want, "`{what}` defined in {at:?}");
    }
}

#[test]
fn one_currency_written_in_one_place() {
    // A currency symbol in code (comments aside) only in `base/money.rs`; no dollar amount anywhere
    // (a `$` followed by a space, comma or slash is money, not a format width like `{:<w$}`).
    let mut wrong = Vec::new();
    for f in files("src", ".rs") {
        let path = rel(&f);
        if path == "src/base/money.rs" {
            continue;
        }
        let code = code(&f);
        for sym in ["€", "£", "USD", "EUR", " $ ", " $,", " $\"", "$/"] {
            if code.contains(sym) {
                wrong.push(format!("{path}: {sym:?}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "money written outside base/money.rs: {wrong:?}"
    );
}

#[test]
fn every_worker_is_made_in_pool_js_and_there_are_three_at_most() {
    let js = files("www", ".js");
    let makers: Vec<String> = (js.iter())
        .filter(|f| fs::read_to_string(f).unwrap().contains("new Worker("))
        .map(|f| rel(f))
        .collect();
    assert_eq!(makers, vec!["www/pool.js"]);
    let workers: Vec<String> = (js.iter())
        .map(|f| rel(f))
        .filter(|f| f.ends_with("-worker.js"))
        .collect();
    assert!(workers.len() <= 3, "worker files: {workers:?}");
}

#[test]
fn one_js_file_handles_the_url_hash_and_it_builds_none() {
    // Building or parsing `key=value&...` in JS: splitting or joining on `&`, a `key=${...}`
    // template, reading `location.hash` apart from handing it to Rust.
    let signs = ["split('&')", "join('&')", "location.hash"];
    let mut handlers = Vec::new();
    for f in files("www", ".js") {
        let text = fs::read_to_string(&f).unwrap();
        let template = text.match_indices("=${").any(|(i, _)| {
            let before: String = text[..i]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '_')
                .collect();
            !before.is_empty() && !text[..i].ends_with(' ')
        });
        if template || signs.iter().any(|s| text.contains(s)) {
            handlers.push(rel(&f));
        }
    }
    assert_eq!(
        handlers,
        vec!["www/app.js"],
        "files that handle the URL hash"
    );
    let app = fs::read_to_string(root().join("www/app.js")).unwrap();
    assert!(
        !app.contains("split('&')") && !app.contains("join('&')"),
        "app.js hands the hash to Rust, it does not take it apart"
    );
}

#[test]
fn every_path_the_code_map_names_exists() {
    let doc = fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let mut missing = Vec::new();
    for line in doc.lines().filter(|l| l.starts_with("| `")) {
        let first = line.split('|').nth(1).unwrap_or("");
        for (i, part) in first.split('`').enumerate() {
            // Odd pieces are inside backticks; a bare name continues the folder of the one before.
            if i % 2 == 1
                && (part.starts_with("src/")
                    || part.starts_with("www/")
                    || part.starts_with("benches/")
                    || part.starts_with("tests/"))
            {
                let p = part.trim_end_matches('/');
                if !root().join(p).exists() && p != "www/pkg" {
                    missing.push(p.to_string());
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names what is not there: {missing:?}"
    );
}
