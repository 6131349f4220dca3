//! How the worlds behave, over seeds no other test uses: on a stationary world a periodic retrain
//! (stateful or stateless) is not worse than a frozen model, in both scenarios.

use rtml::sim::config::Config;
use rtml::sim::experiment::Experiment;
use rtml::sim::presets::preset;

/// Seeds of the stationary-world checks (chosen at random; used by no other test).
const STATIONARY_SEEDS: [u32; 10] = [7013, 7129, 7241, 7307, 7433, 7561, 7649, 7727, 7853, 7919];

/// Mean of `key` over the seeds, per lane.
fn mean_per_lane(name: &str, settings: &[(&str, &str)], seeds: &[u32], key: &str) -> Vec<f64> {
    let mut sums: Vec<f64> = Vec::new();
    for &seed in seeds {
        let mut cfg: Config = preset(name).expect("preset exists").config();
        for (k, v) in settings {
            cfg.set(k, v).unwrap();
        }
        cfg.seed = seed;
        let mut exp = Experiment::new(cfg).expect("valid");
        exp.run_to_end();
        let s = exp.summary();
        sums.resize(s.len(), 0.0);
        for (sum, lane) in sums.iter_mut().zip(&s) {
            *sum += lane.get(key).expect("metric") / seeds.len() as f64;
        }
    }
    sums
}

/// A frozen lane (A), a daily stateful retrain (B), a daily stateless one on the default window (C).
const FROZEN_AND_RETRAINS: &[(&str, &str)] = &[
    ("lanes", "3"),
    ("a.policy", "model"),
    ("a.mode", "online"),
    ("a.update", "frozen"),
    ("b.policy", "model"),
    ("b.mode", "online"),
    ("b.update", "periodic"),
    ("b.every", "1d"),
    ("b.retrain", "stateful"),
    ("c.policy", "model"),
    ("c.mode", "online"),
    ("c.update", "periodic"),
    ("c.every", "1d"),
    ("c.retrain", "stateless"),
];

/// Cells (no events, no drift): before the fix a daily retrain was 1.4% worse than frozen in every
/// seed (a learner whose memory, 3.5 days, was shorter than the week, and one daily shape for
/// weekdays and weekends). A 7-day stateless model and the frozen 6-day one are alike: 0.3% is the
/// seed-to-seed noise of their difference.
#[test]
fn cells_periodic_retrain_is_not_worse_than_frozen_on_a_stationary_world() {
    let mut s: Vec<(&str, &str)> = FROZEN_AND_RETRAINS.to_vec();
    s.extend([("days", "28"), ("drift", "0")]);
    let m = mean_per_lane("cells-sleep", &s, &STATIONARY_SEEDS, "mae");
    assert!(m[1] <= m[0], "stateful daily retrain vs frozen MAE: {m:?}");
    assert!(
        m[2] <= m[0] * 1.003,
        "stateless daily retrain vs frozen MAE: {m:?}"
    );
}

/// Ads (no walk, no shift): before the fix a stateless daily retrain lost 3.7 times the clicks of
/// a frozen model once the warm-up's random log left its 7-day window.
#[test]
fn ads_periodic_retrain_is_not_worse_than_frozen_on_a_stationary_world() {
    let mut s: Vec<(&str, &str)> = FROZEN_AND_RETRAINS.to_vec();
    s.extend([("days", "10"), ("volume", "500")]);
    let m = mean_per_lane("ads-batch-vs-online", &s, &STATIONARY_SEEDS, "regret");
    assert!(
        m[1] <= m[0],
        "stateful daily retrain vs frozen regret: {m:?}"
    );
    assert!(
        m[2] <= m[0],
        "stateless daily retrain vs frozen regret: {m:?}"
    );
}
