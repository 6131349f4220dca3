//! The project's build tool: `cargo xtask build | serve | test | bench-wasm`.
//!
//! Everything a fresh machine needs is set up from here: the wasm32 target, the JavaScript glue (the
//! `wasm-bindgen` CLI is linked in as a library, so no binary is installed), Chromium and chromedriver
//! (Debian packages) and the end-to-end test's npm packages. Every failing step says what failed and what
//! to do about it.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod served;

const TARGET: &str = "wasm32-unknown-unknown";

type Result<T> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<OsString> = env::args_os().collect();
    // Invoked by cargo as the wasm32 test runner: `xtask wasm-test-runner <file.wasm> [args]`.
    if args
        .get(1)
        .map(|a| a == "wasm-test-runner")
        .unwrap_or(false)
    {
        let mut rest = vec![OsString::from("wasm-bindgen-test-runner")];
        rest.extend(args[2..].iter().cloned());
        return match wasm_bindgen_cli::wasm_bindgen_test_runner::run_cli_with_args(rest) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e:?}");
                ExitCode::FAILURE
            }
        };
    }
    let args: Vec<String> = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let result = match args.first().map(String::as_str) {
        Some("build") => build().map(|_| ()),
        Some("serve") => serve(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("e2e") => end_to_end(&args[1..]),
        Some("figures") => figures(),
        Some("bench-wasm") => bench_wasm(),
        Some("dist") => dist(&args[1..]).map(|_| ()),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n  build              build the page into www/ (wasm in release, glue in www/pkg/)\n  serve [--port N]   build, then serve www/ on http://127.0.0.1:N/ (default 8080)\n  test [--no-browser]  every test: native, wasm (node and headless Chromium), end to end\n  e2e [NAME...]      only the end-to-end files (tests/e2e/*.test.mjs, or those whose name contains NAME)\n  figures            regenerate the essay's print figures (www/figures/*.png) from its lessons\n  bench-wasm         the engine benchmark compiled to wasm and run under node\n  dist DIR           build, then write the page, the article and the wasm to DIR: a static site for any host"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn cargo() -> Command {
    let mut c = Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn run(cmd: &mut Command, what: &str, hint: &str) -> Result<()> {
    eprintln!("xtask: {what}");
    let status = cmd
        .status()
        .map_err(|e| format!("could not start `{what}`: {e}. {hint}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{what}` failed ({status}). {hint}"))
    }
}

fn ensure_wasm_target() -> Result<()> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| {
            format!(
                "could not run rustup ({e}); install the target with: rustup target add {TARGET}"
            )
        })?;
    if String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == TARGET)
    {
        return Ok(());
    }
    run(
        Command::new("rustup").args(["target", "add", TARGET]),
        &format!("rustup target add {TARGET}"),
        "The wasm32 target is needed to build the page; check that rustup can reach its server.",
    )
}

/// Builds the wasm in release and writes the JavaScript glue into `www/pkg/`. Returns the .wasm path.
fn build() -> Result<PathBuf> {
    ensure_wasm_target()?;
    run(
        cargo().args([
            "build",
            "--profile",
            "wasm",
            "--lib",
            "--target",
            TARGET,
            "-p",
            "rtml",
        ]),
        "cargo build --profile wasm --lib --target wasm32-unknown-unknown",
        "Fix the compile error above.",
    )?;
    let wasm = target_dir().join(TARGET).join("wasm").join("rtml.wasm");
    let out_dir = root().join("www").join("pkg");
    let _ = fs::remove_dir_all(&out_dir);
    eprintln!("xtask: wasm-bindgen --target web --out-dir www/pkg");
    wasm_bindgen_cli::wasm_bindgen::run_cli_with_args([
        OsString::from("wasm-bindgen"),
        "--target".into(),
        "web".into(),
        "--out-dir".into(),
        out_dir.clone().into_os_string(),
        "--no-typescript".into(),
        "--remove-name-section".into(),
        "--remove-producers-section".into(),
        wasm.into_os_string(),
    ])
    .map_err(|e| format!("wasm-bindgen failed: {e:?}. Is the `wasm-bindgen` version in Cargo.lock the same for rtml and xtask?"))?;
    strip_doc_comments(&out_dir.join("rtml.js"))?;
    let bg = out_dir.join("rtml_bg.wasm");
    let raw = fs::read(&bg).map_err(|e| format!("cannot read {}: {e}", bg.display()))?;
    eprintln!(
        "xtask: wasm size {} KB raw, {} KB gzip",
        raw.len() / 1024,
        gzip_len(&raw) / 1024
    );
    let (total, dist) = page_gzip_bytes()?;
    eprintln!(
        "xtask: whole page (html, css, js, wasm) {} KB gzip as served ({} KB as in www/, comments and all)",
        dist / 1024,
        total / 1024
    );
    Ok(bg)
}

/// Removes the JSDoc blocks wasm-bindgen copies from the Rust doc comments into the generated glue
/// (a fifth of its bytes: 4 KB of the page's gzip weight). The docs stay in the Rust source, where
/// they are read; the glue is generated and never edited. A block is whole lines from one starting
/// with `/**` to one ending with `*/`.
fn strip_doc_comments(path: &Path) -> Result<()> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if !inside && t.starts_with("/**") {
            inside = true;
        }
        if inside {
            inside = !t.ends_with("*/");
            continue;
        }
        out.push_str(line);
    }
    if inside {
        return Err(format!("{}: a doc comment does not end", path.display()));
    }
    fs::write(path, out).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).expect("writing to memory");
    enc.finish().expect("writing to memory").len()
}

/// Gzip size of every file the page loads (everything under www/ except the essay: `article.*`, figures),
/// as in `www/` and as served (`cargo xtask dist`'s copy: [`served::strip`]).
fn page_gzip_bytes() -> Result<(usize, usize)> {
    fn walk(dir: &Path, total: &mut (usize, usize)) -> Result<()> {
        for entry in fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            let essay = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("article"));
            if path.is_dir() {
                walk(&path, total)?;
            } else if !essay
                && matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("html" | "js" | "css" | "wasm" | "svg")
                )
            {
                let text = fs::read(&path).map_err(|e| e.to_string())?;
                total.0 += gzip_len(&text);
                total.1 += gzip_len(&served_bytes(&path, text)?);
            }
        }
        Ok(())
    }
    let mut total = (0, 0);
    walk(&root().join("www"), &mut total)?;
    Ok(total)
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Serves `www/` on the listener until the process ends. Only files under `www/` are reachable.
///
/// A deliberately small HTTP/1.1 server: one thread per connection and one response per connection
/// (`Connection: close`), like Python's `http.server`. With tiny_http's keep-alive connections, a page
/// load in the end-to-end tests now and then waited 30 s for a response that never came (the article
/// and replay tests); a browser opens a new connection per request here, which costs nothing locally.
fn serve_forever(listener: TcpListener, dir: PathBuf) {
    let www = dir.canonicalize().expect("the folder served exists");
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let www = www.clone();
        std::thread::spawn(move || {
            let _ = respond(stream, &www);
        });
    }
}

/// Reads one request and answers it with a file under `www/` (or 404, or 405 for other methods).
fn respond(stream: TcpStream, www: &Path) -> std::io::Result<()> {
    use std::io::{BufRead, BufReader};
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // The headers end with an empty line; only If-None-Match is read.
    let mut line = String::new();
    let mut if_none_match = None;
    while reader.read_line(&mut line)? > 0 && !line.trim_end().is_empty() {
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("if-none-match") {
                if_none_match = Some(value.trim().to_string());
            }
        }
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let url = parts.next().unwrap_or("/");
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let rel = path.trim_start_matches('/');
    let rel = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    let resolved = www
        .join(&rel)
        .canonicalize()
        .ok()
        .filter(|p| p.starts_with(www) && p.is_file());
    // Every response is revalidated (`no-cache`: an edited file is seen at once), with an ETag so
    // that an unchanged file costs a 304 and no body: the essay's lessons and the page's workers
    // load the wasm once, not once each.
    let etag = resolved.as_ref().and_then(|p| etag(p));
    let (status, content_type, body) = match (
        method,
        resolved.and_then(|p| fs::read(&p).ok().map(|b| (p, b))),
    ) {
        ("GET" | "HEAD", Some(_)) if etag.is_some() && if_none_match == etag => {
            ("304 Not Modified", "", Vec::new())
        }
        ("GET" | "HEAD", Some((p, body))) => ("200 OK", mime(&p), body),
        ("GET" | "HEAD", None) => (
            "404 Not Found",
            "text/plain; charset=utf-8",
            b"not found".to_vec(),
        ),
        _ => (
            "405 Method Not Allowed",
            "text/plain; charset=utf-8",
            b"GET or HEAD only".to_vec(),
        ),
    };
    let mut out = std::io::BufWriter::new(&stream);
    write!(out, "HTTP/1.1 {status}\r\n")?;
    if !content_type.is_empty() {
        write!(out, "Content-Type: {content_type}\r\n")?;
    }
    if let Some(tag) = &etag {
        write!(out, "ETag: {tag}\r\n")?;
    }
    write!(
        out,
        "Content-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if method != "HEAD" {
        out.write_all(&body)?;
    }
    out.flush()?;
    drop(out);
    stream.shutdown(std::net::Shutdown::Write)
}

/// A file's validator: its length and modification time (a rebuilt wasm gets a new one).
fn etag(path: &Path) -> Option<String> {
    let meta = fs::metadata(path).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(format!("\"{:x}-{:x}\"", meta.len(), modified.as_nanos()))
}

fn serve(args: &[String]) -> Result<()> {
    let mut port = 8080u16;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--port" => {
                port = it
                    .next()
                    .and_then(|p| p.parse().ok())
                    .ok_or("--port needs a number from 0 to 65535, e.g. --port 8080")?;
            }
            other => {
                return Err(format!(
                    "unknown argument `{other}`; usage: cargo xtask serve [--port N]"
                ))
            }
        }
    }
    build()?;
    let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        format!("cannot listen on 127.0.0.1:{port} ({e}); pick another port: cargo xtask serve --port 8081")
    })?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("\nServing the playground at http://{addr}/  (Ctrl-C to stop)");
    println!("Example article with embedded lessons: http://{addr}/article.html");
    serve_forever(listener, root().join("www"));
    Ok(())
}

/// `cargo xtask dist DIR`: builds the page and copies what a static host needs into DIR: the HTML pages,
/// styles and ES modules of `www/`, and the wasm and its JavaScript glue (`pkg/`). Nothing else (no
/// server, no source maps, no tests): every path in the page is relative, so any static host serves it,
/// at its root or in a sub-folder.
fn dist(args: &[String]) -> Result<Vec<PathBuf>> {
    let [dir] = args else {
        return Err("usage: cargo xtask dist DIR (e.g. cargo xtask dist public/playground)".into());
    };
    build()?;
    copy_dist(&PathBuf::from(dir))
}

/// A file of `www/` as served: text files through [`served::strip`], others as they are.
fn served_bytes(path: &Path, bytes: Vec<u8>) -> Result<Vec<u8>> {
    let name = path.to_string_lossy();
    if !(name.ends_with(".js") || name.ends_with(".css")) {
        return Ok(bytes);
    }
    let text = String::from_utf8(bytes).map_err(|e| format!("{name}: {e}"))?;
    Ok(served::strip(&name, &text)?.into_bytes())
}

/// The copy of [`dist`], from an already built `www/`: the ES modules and styles without their
/// whole-line comments ([`served::strip`]).
fn copy_dist(out: &Path) -> Result<Vec<PathBuf>> {
    let www = root().join("www");
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in fs::read_dir(&www).map_err(|e| format!("cannot list {}: {e}", www.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if path.is_file() && matches!(ext, "html" | "css" | "js" | "json") {
            files.push(path);
        }
    }
    files.push(www.join("pkg").join("rtml.js"));
    files.push(www.join("pkg").join("rtml_bg.wasm"));
    // The essay's print figures (its stored studies, `essay-data.json`, came with the files above).
    if let Ok(figs) = fs::read_dir(www.join("figures")) {
        files.extend(
            figs.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "png")),
        );
    }
    files.sort();
    for sub in ["pkg", "figures"] {
        fs::create_dir_all(out.join(sub))
            .map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    }
    let mut written = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&www).map_err(|e| e.to_string())?;
        let to = out.join(rel);
        let bytes = fs::read(f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
        fs::write(&to, served_bytes(f, bytes)?)
            .map_err(|e| format!("cannot write {}: {e}", to.display()))?;
        written.push(to);
    }
    eprintln!(
        "xtask: wrote {} files to {} (serve that folder from any static host; .wasm as application/wasm)",
        written.len(),
        out.display()
    );
    Ok(written)
}

fn have(cmd: &str) -> bool {
    env::var_os("PATH")
        .map(|p| env::split_paths(&p).any(|d| d.join(cmd).is_file()))
        .unwrap_or(false)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Chromium and chromedriver from Debian's packages (the browser tests need both).
fn ensure_chromium() -> Result<()> {
    if have("chromium") && have("chromedriver") {
        return Ok(());
    }
    let cmd =
        "apt-get update && apt-get install -y --no-install-recommends chromium chromium-driver";
    if !is_root() {
        return Err(format!("Chromium and chromedriver are needed for the browser tests. Install them with:\n  sudo sh -c '{cmd}'"));
    }
    run(
        Command::new("sh")
            .args(["-c", cmd])
            .env("DEBIAN_FRONTEND", "noninteractive"),
        cmd,
        "Check that Debian's package mirror is reachable.",
    )
}

fn ensure_node_modules() -> Result<PathBuf> {
    let dir = root().join("tests").join("e2e");
    if !have("node") || !have("npm") {
        return Err(
            "node and npm are needed for the end-to-end test (install Debian's nodejs and npm)"
                .into(),
        );
    }
    let modules = dir.join("node_modules");
    if !modules.join("playwright-core").is_dir() || !modules.join("axe-core").is_dir() {
        run(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&dir),
            "npm ci (tests/e2e: playwright-core, axe-core)",
            "Check that the npm registry is reachable.",
        )?;
    }
    Ok(dir)
}

fn wasm_test_env(cmd: &mut Command) {
    let exe = env::current_exe().expect("own path");
    cmd.env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        format!("{} wasm-test-runner", exe.display()),
    );
    cmd.env(
        "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
        root().join("tests").join("webdriver.json"),
    );
    cmd.env("WASM_BINDGEN_TEST_TIMEOUT", "120");
}

fn test(args: &[String]) -> Result<()> {
    let browser = !args.iter().any(|a| a == "--no-browser");
    if let Some(a) = args.iter().find(|a| *a != "--no-browser") {
        return Err(format!(
            "unknown argument `{a}`; usage: cargo xtask test [--no-browser]"
        ));
    }
    // Gates: the code is formatted as rustfmt writes it and clippy has nothing to say.
    run(
        cargo().args(["fmt", "--all", "--check"]),
        "cargo fmt --all --check",
        "The code differs from rustfmt's output: run `cargo fmt --all`.",
    )?;
    run(
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
        "cargo clippy --workspace --all-targets -- -D warnings",
        "clippy warns: fix the warnings above.",
    )?;
    run(
        cargo().args(["test", "--workspace"]),
        "cargo test --workspace (native)",
        "A native test failed: see above.",
    )?;

    ensure_wasm_target()?;
    wasm_suite(
        "wasm_node",
        &[],
        &[],
        "cargo test --target wasm32-unknown-unknown --test wasm_node (node)",
        "A wasm test failed under node: see above.",
    )?;
    if !browser {
        eprintln!("xtask: --no-browser: skipping the headless Chromium suites");
        return Ok(());
    }
    ensure_chromium()?;
    wasm_suite(
        "wasm_browser",
        &[],
        &[],
        "cargo test --target wasm32-unknown-unknown --test wasm_browser (headless Chromium)",
        "A wasm test failed in Chromium: see above.",
    )?;

    end_to_end(&[])?;
    eprintln!("xtask: all tests passed");
    Ok(())
}

/// The small answer map the end-to-end test runs in the page's workers (seed 9101, two seeds, a
/// 3-day horizon after a 2-day warm-up); tests/e2e/answer.test.mjs sets the same inputs.
const ANSWER_ARGS: [&str; 8] = [
    "--seed", "9101", "--seeds", "2", "--set", "days=3", "--set", "warmup=2",
];

/// Regenerates the essay's print figures: builds the page, serves it on a free port and photographs each
/// figure's lesson run to its end (tests/e2e/figures.mjs).
fn figures() -> Result<()> {
    ensure_chromium()?;
    build()?;
    let e2e = ensure_node_modules()?;
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .map_err(|e| format!("cannot open a local port: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    std::thread::spawn(move || serve_forever(listener, root().join("www")));
    run(
        Command::new("node")
            .arg(e2e.join("figures.mjs"))
            .current_dir(&e2e)
            .env("BASE_URL", format!("http://{addr}/"))
            .env(
                "CHROMIUM",
                which("chromium").unwrap_or_else(|| "/usr/bin/chromium".into()),
            ),
        "node tests/e2e/figures.mjs (the essay's print figures)",
        "The figures could not be made: see above.",
    )
}

/// Builds the page, serves it on a free port and runs the end-to-end files (all, or those whose name
/// contains one of `only`) in headless Chromium.
fn end_to_end(only: &[String]) -> Result<()> {
    ensure_chromium()?;
    build()?;
    let e2e = ensure_node_modules()?;
    // What `cargo xtask dist` writes, which the end-to-end suite serves with a plain static server.
    let dist_dir = target_dir().join("e2e-dist");
    let _ = fs::remove_dir_all(&dist_dir);
    copy_dist(&dist_dir)?;
    // The command line's numbers for the small sweep the end-to-end test runs in the page's workers.
    let expected = target_dir().join("e2e-sweep-expected.json");
    let mut sweeps = Vec::new();
    for preset in ["ads-drift", "cells-holiday"] {
        let out = cargo()
            .args([
                "run", "--quiet", "--bin", "rtml", "--", "sweep", "--preset", preset, "--values",
                "1h,1d", "--seeds", "1", "--json",
            ])
            .output()
            .map_err(|e| format!("could not run `rtml sweep`: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "`rtml sweep --preset {preset}` failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        sweeps.push(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    fs::write(&expected, format!("[{}]", sweeps.join(",")))
        .map_err(|e| format!("cannot write {}: {e}", expected.display()))?;
    // The same for the small answer map of tests/e2e/answer.test.mjs (its settings: ANSWER_ARGS there).
    let answer = target_dir().join("e2e-answer-expected.json");
    let out = cargo()
        .args(["run", "--quiet", "--bin", "rtml", "--", "answer", "--json"])
        .args(ANSWER_ARGS)
        .output()
        .map_err(|e| format!("could not run `rtml answer`: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`rtml answer` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    fs::write(&answer, &out.stdout)
        .map_err(|e| format!("cannot write {}: {e}", answer.display()))?;
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .map_err(|e| format!("cannot open a local port: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    // The copy a host serves (comments stripped), so that the suite tests what readers load.
    let served = dist_dir.clone();
    std::thread::spawn(move || serve_forever(listener, served));
    run(
        Command::new("node")
            .arg("--test")
            .arg("--test-reporter=spec")
            .arg("--test-concurrency=1")
            .args(e2e_files(&e2e, only)?)
            .current_dir(&e2e)
            .env("BASE_URL", format!("http://{addr}/"))
            .env("SWEEP_EXPECTED", &expected)
            .env("ANSWER_EXPECTED", &answer)
            .env("DIST_DIR", &dist_dir)
            .env(
                "CHROMIUM",
                which("chromium").unwrap_or_else(|| "/usr/bin/chromium".into()),
            ),
        "node --test tests/e2e (headless Chromium, end to end)",
        "An end-to-end check failed: see above; screenshots are in tests/e2e/out/.",
    )
}

/// Every end-to-end test file (`tests/e2e/*.test.mjs`), sorted, so a topic can have its own file.
fn e2e_files(dir: &Path, only: &[String]) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .filter(|p| {
            only.is_empty()
                || only
                    .iter()
                    // The file's name, not its path (a checkout under `.../page/` matched every file).
                    .any(|o| {
                        p.file_name()
                            .is_some_and(|n| n.to_string_lossy().contains(o.as_str()))
                    })
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!(
            "no *.test.mjs matching {only:?} in {}",
            dir.display()
        ));
    }
    Ok(files)
}

/// Runs one wasm-bindgen-test suite with this binary as cargo's wasm32 runner.
/// `pre` goes before the target (e.g. `--release`), `post` to the test binary after `--`.
fn wasm_suite(test: &str, pre: &[&str], post: &[&str], what: &str, hint: &str) -> Result<()> {
    let mut cmd = cargo();
    cmd.args(["test"])
        .args(pre)
        .args(["--target", TARGET, "-p", "rtml", "--test", test]);
    if !post.is_empty() {
        cmd.arg("--").args(post);
    }
    wasm_test_env(&mut cmd);
    run(&mut cmd, what, hint)
}

fn which(cmd: &str) -> Option<String> {
    env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(cmd))
        .find(|p| p.is_file())
        .map(|p| p.display().to_string())
}

fn bench_wasm() -> Result<()> {
    ensure_wasm_target()?;
    wasm_suite(
        "wasm_bench",
        &["--release"],
        &["--include-ignored", "--nocapture"],
        "wasm benchmark under node",
        "See above.",
    )
}
