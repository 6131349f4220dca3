//! The engine benchmark in wasm under node (`cargo xtask bench-wasm`): lane-events per second of every
//! preset, to compare with `cargo bench --bench engine` natively. Ignored in normal test runs.
#![cfg(target_arch = "wasm32")]

use rtml::sim::experiment::Experiment;
use rtml::sim::presets::PRESETS;
use rtml::sim::series::{ads, cells};
use wasm_bindgen_test::wasm_bindgen_test as test;

#[test]
#[ignore]
fn lane_events_per_second() {
    for p in PRESETS {
        let cfg = p.config();
        let mut best = f64::INFINITY;
        let mut events = 0.0;
        for _ in 0..3 {
            let t = js_sys::Date::now();
            let mut exp = Experiment::new(cfg.clone()).unwrap();
            exp.run_to_end();
            best = best.min((js_sys::Date::now() - t) / 1000.0);
            let s = exp.series();
            let f = if cfg.scenario == rtml::sim::config::Scenario::Ads {
                ads::IMPRESSIONS
            } else {
                cells::FORECASTS
            };
            events = (0..cfg.lanes.len())
                .map(|l| s.totals(l, s.buckets)[f])
                .sum::<f64>();
        }
        wasm_bindgen_test::console_log!(
            "{:<22} {:>8.1} ms {:>14.0} lane-events/s",
            p.name,
            best * 1e3,
            events / best
        );
    }
}
