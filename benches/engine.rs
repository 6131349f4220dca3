//! `cargo bench`: lane-events per second of every preset natively, on one thread and on every core
//! (ads runs serve their lanes on worker threads while the world draws requests ahead), plus a 4-lane
//! 14-day ads run (the speed goal): the preset's lanes and D, online, retrained every 6 hours. The same
//! measurement in wasm under node (one thread): `cargo xtask bench-wasm`. Figures go to BENCHMARKS.md
//! as ratios (the machine is shared).

use std::time::Instant;

use rtml::sim::config::{Config, Scenario};
use rtml::sim::experiment::Experiment;
use rtml::sim::presets::{preset, PRESETS};
use rtml::sim::series::{ads, cells};

/// Best wall time of five runs (seconds) and the lane-events of one run.
fn measure(cfg: &Config, threads: usize) -> (f64, f64) {
    let mut best = f64::INFINITY;
    let mut events = 0.0;
    for _ in 0..5 {
        let t = Instant::now();
        let mut exp = Experiment::new(cfg.clone()).unwrap();
        exp.set_threads(threads);
        exp.run_to_end();
        best = best.min(t.elapsed().as_secs_f64());
        let s = exp.series();
        let field = match cfg.scenario {
            Scenario::Ads => ads::IMPRESSIONS,
            Scenario::Cells => cells::FORECASTS,
        };
        events = (0..cfg.lanes.len())
            .map(|l| s.totals(l, s.buckets)[field])
            .sum::<f64>();
    }
    (best, events)
}

fn main() {
    let cores = rtml::sim::ads::default_threads();
    println!("cores: {cores}");
    println!(
        "{:<26} {:>5} {:>9} {:>9} {:>7} {:>12} {:>14}",
        "run", "lanes", "1 thr ms", "all ms", "ratio", "lane-events", "lane-events/s"
    );
    let mut runs: Vec<(String, Config)> = PRESETS
        .iter()
        .map(|p| (p.name.to_string(), p.config()))
        .collect();
    let mut four = preset("ads-batch-vs-online").unwrap().config();
    four.set("lanes", "4").unwrap();
    four.set("d.update", "periodic").unwrap();
    four.set("d.every", "6h").unwrap();
    runs.push(("ads-batch-vs-online +D 6h".to_string(), four));
    for (name, cfg) in runs {
        let (one, events) = measure(&cfg, 1);
        let (all, _) = measure(&cfg, cores);
        println!(
            "{:<26} {:>5} {:>9.1} {:>9.1} {:>7.2} {:>12.0} {:>14.0}",
            name,
            cfg.lanes.len(),
            one * 1e3,
            all * 1e3,
            all / one,
            events,
            events / all
        );
    }
}
