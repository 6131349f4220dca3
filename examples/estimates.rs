//! Estimated against measured: each configuration's `--estimate` (CPU seconds of work, peak memory)
//! beside the CPU time (user + system) and peak RSS of the run itself, measured by `/usr/bin/time` on
//! the release `rtml` next to this example. Not a test: a benchmark to read.
//!
//! `cargo build --release && cargo run --release --example estimates` (about 4 minutes on 2 cores).

use std::process::Command;

/// The release `rtml` binary: `target/release/rtml`, beside `target/release/examples/`.
fn rtml() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("own path");
    exe.parent()
        .and_then(|d| d.parent())
        .expect("target/release")
        .join("rtml")
}

/// `≈ 17.6 min, 35 MB` in the first line of `--estimate`: seconds and bytes.
fn parse_estimate(out: &str) -> (f64, f64) {
    let line = out.lines().next().unwrap_or("");
    let t = line.split('≈').nth(1).unwrap_or("").trim();
    let mut w = t.split([' ', ',']).filter(|s| !s.is_empty());
    let mut num = || -> (f64, String) {
        let n: f64 = w.next().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
        (n, w.next().unwrap_or("").to_string())
    };
    let (n, unit) = num();
    let secs = match unit.as_str() {
        "min" => n * 60.0,
        "h" => n * 3600.0,
        _ => n,
    };
    let (b, unit) = num();
    let bytes = if unit == "GB" { b * 1e9 } else { b * 1e6 };
    (secs, bytes)
}

/// CPU seconds (user + system) and peak RSS in bytes of `rtml args`.
fn measure(args: &[String]) -> (f64, f64) {
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("@@ %U %S %M")
        .arg(rtml())
        .args(args)
        .output()
        .expect("/usr/bin/time runs");
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err
        .lines()
        .rfind(|l| l.starts_with("@@"))
        .unwrap_or_else(|| {
            panic!("no timing: {err}");
        });
    let v: Vec<f64> = line[2..]
        .split_whitespace()
        .map(|s| s.parse().unwrap())
        .collect();
    (v[0] + v[1], v[2] * 1024.0)
}

fn main() {
    let dir = std::env::temp_dir().join(format!("rtml-estimates-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let d = |f: &str| dir.join(f).to_string_lossy().into_owned();
    // A click log (an export) and its gzip, for the replays.
    let log = d("log.vw");
    let st = Command::new(rtml())
        .args([
            "run",
            "--set",
            "days=3",
            "--set",
            "warmup=3",
            "--set",
            "volume=5000",
        ])
        .args(["--set", "lanes=1", "--digest", "--export", &log])
        .output()
        .unwrap();
    assert!(st.status.success());
    let st = Command::new("gzip")
        .args(["-k", "-f", &log])
        .status()
        .unwrap();
    assert!(st.success());
    let gz = format!("{log}.gz");
    // A gzip bomb: one short line 40 million times (280 MB in about 0.3 MB), and a log of 40,000
    // two-feature lines.
    let bomb = d("bomb.vw.gz");
    {
        use std::io::Write as _;
        let f = std::fs::File::create(&bomb).unwrap();
        let mut enc = flate2::write::GzEncoder::new(f, flate2::Compression::best());
        let block = "1 |a x\n".repeat(1 << 16);
        for _ in 0..(40_000_000 >> 16) {
            enc.write_all(block.as_bytes()).unwrap();
        }
        enc.finish().unwrap();
    }
    let tiny = d("tiny.vw");
    std::fs::write(&tiny, "1 |a x\n-1 |a y\n".repeat(20_000)).unwrap();
    // A log shaped like Criteo: 13 numeric and 26 categorical features, 426 bytes a line.
    let long = d("long.vw");
    {
        use std::io::Write as _;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&long).unwrap());
        let mut x: u64 = 1;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        for _ in 0..200_000 {
            let y = if next(4) == 0 { "1" } else { "-1" };
            write!(f, "{y} |i").unwrap();
            for j in 0..13 {
                write!(f, " i{j}:{}", next(300)).unwrap();
            }
            write!(f, " |c").unwrap();
            for j in 0..26 {
                write!(f, " c{j}_{:08x}", next(20 + 5 * j) * 2654435761 % (1 << 32)).unwrap();
            }
            writeln!(f).unwrap();
        }
    }
    let stateless =
        "--set lanes=1 --set a.mode=online --set a.update=periodic --set a.retrain=stateless";
    let cases: Vec<(&str, String)> = vec![
        ("default run (4 ads lanes, 14 days)", "run --threads 1 --digest".into()),
        (
            "issue 23.2: stateless every 1m on 1h, 1 day (14 in the issue)",
            format!("run {stateless} --set a.every=1m --set a.window=1h --set days=1 --threads 1 --digest --no-limit"),
        ),
        (
            "stateless every 1h on 1d, 14 days",
            format!("run {stateless} --set a.every=1h --set a.window=1d --threads 1 --digest"),
        ),
        (
            "stateless every 10m on 7d, 3 days",
            format!("run {stateless} --set a.every=10m --set days=3 --threads 1 --digest --no-limit"),
        ),
        (
            "issue 23.3: ads-explore volume=3000 --seeds 10 (50 in the issue)",
            "run --preset ads-explore --set volume=3000 --seeds 10 --json".into(),
        ),
        (
            "4 lanes at bits=20",
            "run --set a.bits=20 --set b.bits=20 --set c.bits=20 --set d.bits=20 --threads 1 --digest".into(),
        ),
        (
            "issue 23.3: export, volume=3000, 1 lane",
            format!("run --set volume=3000 --set lanes=1 --set a.update=frozen --threads 1 --digest --export {}", d("x.vw")),
        ),
        (
            "cells-sim-gap, 64 cells, 56 days",
            "run --preset cells-sim-gap --set cells=64 --set days=56 --threads 1 --digest".into(),
        ),
        (
            "cells, 64 cells stateless every 1h on 30d, 14 days",
            "run --preset cells-sim-gap --set cells=64 --set b.update=periodic --set b.retrain=stateless --set b.every=1h --set b.window=30d --threads 1 --digest".into(),
        ),
        ("answer --seeds 2", "answer --seeds 2 --json".into()),
        ("whatif (10 seeds)", "whatif --json".into()),
        ("whatif --refit --seeds 20", "whatif --refit --seeds 20 --json".into()),
        ("replay of an exported click log (712k lines, 26 MB)", format!("replay --format vw {log}")),
        ("issue 23.3: replay of its gzip", format!("replay --format vw {gz}")),
        (
            "replay gzip, stateless:10000/100000",
            format!("replay --format vw --lanes stateless:10000/100000 {gz}"),
        ),
        (
            "issue 23.3: a gzip bomb, 280 MB of one line in 0.3 MB",
            format!("replay --format vw {bomb}"),
        ),
        (
            "replay of 200,000 Criteo-shaped lines (85 MB)",
            format!("replay --format vw {long}"),
        ),
        (
            "the same, stateless:1000/10000 at 22 bits",
            format!("replay --format vw --bits 22 --lanes stateless:1000/10000 {long}"),
        ),
        (
            "replay stateless:1/20000, 40,000 two-feature lines",
            format!("replay --format vw --lanes stateless:1/20000 --warmup 0 {tiny}"),
        ),
    ];
    println!(
        "| configuration | estimated CPU | measured CPU | ratio | estimated memory | measured peak RSS | ratio |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (name, args) in cases {
        let args: Vec<String> = args.split_whitespace().map(String::from).collect();
        let mut est_args = args.clone();
        est_args.push("--estimate".into());
        let out = Command::new(rtml()).args(&est_args).output().unwrap();
        let (es, eb) = parse_estimate(&String::from_utf8_lossy(&out.stdout));
        let (ms, mb) = measure(&args);
        println!(
            "| {name} | {es:.1} s | {ms:.1} s | {:.2} | {:.0} MB | {:.0} MB | {:.2} |",
            es / ms.max(0.01),
            eb / 1e6,
            mb / 1e6,
            eb / mb
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}
