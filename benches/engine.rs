//! `cargo bench`: lane-events per second of every preset (natively). The same measurement in wasm under
//! node: `cargo xtask bench-wasm`. Figures go to BENCHMARKS.md as ratios (the machine is shared).

use std::time::Instant;

use rtml::experiment::Experiment;
use rtml::presets::PRESETS;
use rtml::series::{ads, cells};

fn main() {
    println!(
        "{:<22} {:>8} {:>14} {:>16}",
        "preset", "ms", "lane-events", "lane-events/s"
    );
    for p in PRESETS {
        let cfg = p.config();
        let lanes = cfg.lanes.len();
        let mut best = f64::INFINITY;
        let mut events = 0.0;
        for _ in 0..3 {
            let t = Instant::now();
            let mut exp = Experiment::new(cfg.clone()).unwrap();
            exp.run_to_end();
            best = best.min(t.elapsed().as_secs_f64());
            let s = exp.series();
            let field = if cfg.scenario == rtml::config::Scenario::Ads {
                ads::IMPRESSIONS
            } else {
                cells::FORECASTS
            };
            events = (0..lanes)
                .map(|l| s.totals(l, s.buckets)[field])
                .sum::<f64>();
        }
        println!(
            "{:<22} {:>8.1} {:>14.0} {:>16.0}",
            p.name,
            best * 1e3,
            events,
            events / best
        );
    }
}
