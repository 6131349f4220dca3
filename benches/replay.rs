//! `cargo bench --bench replay`: parse + learn throughput of `rtml replay` on a generated Vowpal Wabbit
//! file (1M lines, 20 features in 4 namespaces plus the constant), best of three. Set
//! `RTML_BENCH_KEEP=1` to keep the file (its path is printed) and time `vw --ftrl` on the same file.
//! Figures go to BENCHMARKS.md as ratios (the machine is shared).

use std::fmt::Write as _;
use std::io::Write as _;

use rtml::base::rng::{sigmoid, splitmix64, Rng};
use rtml::replay::{run_file, ReplayOptions};

const LINES: usize = 1_000_000;

/// A click log: 4 namespaces x 5 categorical features from skewed vocabularies, labels from a hidden
/// logistic model (CTR about 10%).
fn generate(path: &std::path::Path) {
    let mut rng = Rng::new(2024, 1);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut line = String::new();
    for _ in 0..LINES {
        line.clear();
        let mut logit = -2.4;
        let mut feats = String::new();
        for (k, ns) in ["user", "ad", "site", "device"].iter().enumerate() {
            let _ = write!(feats, " |{ns}");
            for j in 0..5 {
                let u = rng.uniform();
                let id = (u * u * 20_000.0) as u64;
                let h = splitmix64((k * 8 + j) as u64 * 1_000_003 + id);
                logit += ((h % 1000) as f64 / 1000.0 - 0.5) * 0.8;
                let _ = write!(feats, " f{j}_{id}");
            }
        }
        let y = if rng.uniform() < sigmoid(logit) {
            "1"
        } else {
            "-1"
        };
        let _ = writeln!(line, "{y}{feats}");
        out.write_all(line.as_bytes()).unwrap();
    }
}

fn main() {
    let path = std::env::temp_dir().join(format!("rtml-bench-replay-{}.vw", std::process::id()));
    generate(&path);
    let bytes = std::fs::metadata(&path).unwrap().len();
    println!(
        "file {} ({} lines, {:.0} MB)",
        path.display(),
        LINES,
        bytes as f64 / 1e6
    );
    println!(
        "{:<48} {:>8} {:>12} {:>10}",
        "lanes", "ms", "examples/s", "log loss"
    );
    for (lanes, warmup) in [
        ("continual", "0"),
        ("frozen,stateless:100000,continual", "10000"),
        ("frozen,stateless:100000,stateful:100000,continual", "10000"),
    ] {
        let settings = vec![
            ("lanes", lanes.to_string()),
            ("warmup", warmup.to_string()),
            ("bits", "18".to_string()),
        ];
        let opts = ReplayOptions::from_args("vw", &settings).unwrap();
        let mut best = f64::INFINITY;
        let mut ll = f64::NAN;
        for _ in 0..3 {
            let (r, secs) = run_file(path.to_str().unwrap(), opts.clone()).unwrap();
            best = best.min(secs);
            ll = r
                .lanes
                .last()
                .and_then(|l| l.metric("log_loss"))
                .unwrap_or(f64::NAN);
        }
        println!(
            "{:<48} {:>8.0} {:>12.0} {:>10.6}",
            lanes,
            best * 1e3,
            LINES as f64 / best,
            ll
        );
    }
    if std::env::var_os("RTML_BENCH_KEEP").is_some() {
        println!("kept {}", path.display());
    } else {
        let _ = std::fs::remove_file(&path);
    }
}
