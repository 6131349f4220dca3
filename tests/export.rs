//! `rtml run --export`: the world's observable stream replays with `rtml replay` (no option but the
//! format, lanes named as the simulated ones), and the replayed lanes come in the simulation's order.

use rtml::replay::{ReplayOptions, Session};
use rtml::sim::config::Config;
use rtml::sim::experiment::Experiment;
use rtml::sim::presets::{preset, PRESETS};

fn config(name: &str, settings: &[(&str, &str)]) -> Config {
    let mut cfg = preset(name).expect("preset").config();
    for (k, v) in settings {
        cfg.set(k, v).unwrap();
    }
    cfg
}

/// Lane indices from best to worst by `key` (lower is better).
fn order(values: &[f64]) -> Vec<usize> {
    let mut i: Vec<usize> = (0..values.len()).collect();
    i.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    i
}

/// The simulation's `sim_key` per lane, and the replay's `replay_key` per replayed lane.
fn sim_and_replay(
    cfg: &Config,
    lanes: &str,
    sim_key: &str,
    replay_key: &str,
) -> (Vec<f64>, Vec<f64>) {
    let mut exp = Experiment::new(cfg.clone()).unwrap();
    exp.run_to_end();
    let sim = exp
        .summary()
        .iter()
        .map(|l| l.get(sim_key).unwrap())
        .collect();
    let mut trace = Vec::new();
    rtml::sim::export::write(cfg, &mut trace).unwrap();
    let format = rtml::sim::export::replay_format(cfg.scenario);
    let mut opts = ReplayOptions::from_args(format, &[]).unwrap();
    opts.set("lanes", lanes).unwrap();
    let mut s = Session::new(opts).unwrap();
    s.feed(&trace).unwrap();
    s.finish().unwrap();
    assert_eq!(s.skipped(), 0);
    let r = s.report();
    let replay = r
        .lanes
        .iter()
        .map(|l| l.metric(replay_key).unwrap())
        .collect();
    (sim, replay)
}

#[test]
fn a_cells_trace_replays_in_the_simulations_order() {
    for seed in ["1", "2"] {
        let cfg = config(
            "cells-sleep",
            &[
                ("seed", seed),
                ("lanes", "3"),
                ("a.policy", "model"),
                ("b.policy", "model"),
                ("a.update", "frozen"),
                ("c.policy", "model"),
                ("c.update", "periodic"),
                ("c.every", "1d"),
            ],
        );
        // Sim lanes: frozen, continual, daily stateful; replayed in the same order.
        let (sim, replay) = sim_and_replay(&cfg, "frozen,continual,stateful:24h", "mae", "mae");
        assert_eq!(
            order(&sim),
            order(&replay),
            "seed {seed}: {sim:?} vs {replay:?}"
        );
        assert_eq!(order(&sim)[2], 0, "frozen is the worst: {sim:?}");
    }
}

#[test]
fn an_ads_click_log_replays_in_the_simulations_order() {
    for seed in ["1", "2"] {
        let cfg = config(
            "ads-batch-vs-online",
            &[
                ("seed", seed),
                ("volume", "300"),
                ("warmup", "7"),
                ("days", "7"),
                ("walk", "0.4"),
                ("a.mode", "online"),
                ("a.update", "frozen"),
                ("c.update", "continual"),
            ],
        );
        let per_day = (cfg.ads.volume * 24.0).round().to_string();
        let lanes = format!("frozen,stateful:{per_day},continual");
        let (sim, replay) = sim_and_replay(&cfg, &lanes, "ne", "ne");
        assert_eq!(
            order(&sim),
            order(&replay),
            "seed {seed}: {sim:?} vs {replay:?}"
        );
    }
}

#[test]
fn every_preset_exports_a_stream_the_replay_reads_without_a_bad_line() {
    for p in PRESETS {
        let mut cfg = p.config();
        cfg.days = 2.0;
        if cfg.scenario == rtml::sim::config::Scenario::Ads {
            cfg.warmup = 1.0;
        } else {
            // The replay of a load trace warms up on its first 7 days: a preset with a short warm-up
            // (cells-clusters: one day) exports at least 8 days so that every lane scores.
            cfg.days = cfg.days.max(8.0 - cfg.warmup);
        }
        let mut trace = Vec::new();
        rtml::sim::export::write(&cfg, &mut trace).unwrap();
        let opts =
            ReplayOptions::from_args(rtml::sim::export::replay_format(cfg.scenario), &[]).unwrap();
        let mut s = Session::new(opts).unwrap();
        s.feed(&trace).unwrap();
        s.finish().unwrap();
        assert_eq!(s.skipped(), 0, "{}", p.name);
        assert!(s.lines() > 1000, "{}: {} lines", p.name, s.lines());
        assert!(
            s.report().lanes.iter().all(|l| l.examples > 0),
            "{}",
            p.name
        );
    }
}
