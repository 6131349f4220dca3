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
    s.extend([("days", "10"), ("volume", "500"), ("walk", "0")]);
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

/// Seeds of the ads drift calibration (chosen at random with `shuf`; used by no other test).
const ADS_DRIFT_SEEDS: [u32; 10] = [
    80745, 37209, 92324, 63105, 37556, 32830, 80514, 47573, 68812, 44896,
];

/// A weekly stateful retrain (A), a daily one (B) and a continual learner (C), all online.
const WEEKLY_DAILY_CONTINUAL: &[(&str, &str)] = &[
    ("lanes", "3"),
    ("a.mode", "online"),
    ("a.update", "periodic"),
    ("a.every", "7d"),
    ("b.mode", "online"),
    ("b.update", "periodic"),
    ("b.every", "1d"),
    ("c.mode", "online"),
    ("c.update", "continual"),
];

/// Normalised entropy of each lane, per seed.
fn ne_per_seed(settings: &[(&str, &str)]) -> Vec<Vec<f64>> {
    ADS_DRIFT_SEEDS
        .iter()
        .map(|&seed| {
            let mut cfg = preset("ads-batch-vs-online").expect("preset").config();
            for (k, v) in WEEKLY_DAILY_CONTINUAL.iter().chain(settings) {
                cfg.set(k, v).unwrap();
            }
            cfg.seed = seed;
            let mut exp = Experiment::new(cfg).expect("valid");
            exp.run_to_end();
            exp.summary().iter().map(|l| l.get("ne").unwrap()).collect()
        })
        .collect()
}

/// The default ads world drifts like a real one: training weekly instead of daily costs about 1%
/// normalised entropy (He et al. 2014, Facebook: about 1%), here 0.3-3% on average, and a continual
/// learner beats a daily retrain by a small margin on (nearly) every seed (Monolith, Liu et al. 2022:
/// online training ahead of batch by 0.24-0.37 AUC points). Without drift (`walk=0`, the null lesson)
/// freshness is worth little: the weekly retrain's loss falls below 0.5%.
#[test]
fn ads_default_world_drifts_like_a_real_one() {
    let ne = ne_per_seed(&[]);
    let weekly: Vec<f64> = ne.iter().map(|l| l[0] / l[1] - 1.0).collect();
    let mean_weekly = weekly.iter().sum::<f64>() / weekly.len() as f64;
    assert!(
        (0.003..0.03).contains(&mean_weekly),
        "weekly vs daily NE loss {mean_weekly}: {weekly:?}"
    );
    let continual: Vec<f64> = ne.iter().map(|l| l[2] / l[1] - 1.0).collect();
    let beats = continual.iter().filter(|d| **d < 0.0).count();
    let mean_continual = continual.iter().sum::<f64>() / continual.len() as f64;
    assert!(
        beats >= 9 && mean_continual > -0.01,
        "continual vs daily NE: {continual:?}"
    );
    let still = ne_per_seed(&[("walk", "0")]);
    let weekly0: Vec<f64> = still.iter().map(|l| l[0] / l[1] - 1.0).collect();
    let mean0 = weekly0.iter().sum::<f64>() / weekly0.len() as f64;
    assert!(
        mean0 < 0.005 && mean0 < mean_weekly / 2.0,
        "without drift, weekly vs daily NE loss {mean0}: {weekly0:?}"
    );
    eprintln!("weekly/daily NE - 1: mean {mean_weekly} {weekly:?}; continual/daily NE - 1: {continual:?}; no drift: {mean0}");
}

/// The strongest drift over a year: before the cap a cell's load could grow many-fold and every
/// lane, even the oracle, was reported as a "diverged" forecaster. Now a cell's level stays within
/// four times its base, and only a model's absurd forecast is reported.
/// Seeds of the strongest cells drift, used by no other test.
const STRONGEST_DRIFT_SEEDS: std::ops::Range<u32> = 8201..8211;

/// The strongest drift the knob allows, over a year, against the same seed's stationary world: the
/// network's daily load wanders measurably (the standard deviation of its log-ratio to the stationary
/// world's over 0.1: the bound on a cell's level does not flatten it), the continual forecaster (C)
/// errs more than without drift (its mean absolute error over 5% higher), yet still keeps over 70% of
/// the money the oracle saves, and no lane is blamed for a diverged forecast: on at least 9 of 10 seeds (the
/// warnings and the network's load within the cells' bound on every seed).
#[test]
fn the_strongest_cells_drift_moves_the_load_and_the_error_and_blames_no_learner() {
    let knob = rtml::sim::knobs::KNOBS
        .iter()
        .find(|k| k.key == "drift")
        .unwrap();
    let rtml::sim::knobs::Kind::Num { max, .. } = knob.kind else {
        panic!("drift is a number")
    };
    let run = |seed: u32, drift: &str| {
        let mut cfg = preset("cells-sleep").expect("preset").config();
        for (k, v) in [
            ("days", "365"),
            ("drift", drift),
            ("seed", &seed.to_string()),
        ] {
            cfg.set(k, v).unwrap();
        }
        let mut exp = Experiment::new(cfg).expect("valid");
        exp.run_to_end();
        assert!(
            exp.warnings().is_empty(),
            "seed {seed}, drift {drift}: {:?}",
            exp.warnings()
        );
        let s = exp.summary();
        let get = |l: usize, k: &str| s[l].get(k).unwrap();
        (
            exp.windowed(0, "load"),
            get(0, "load"),
            // C, the continual forecaster (B is the rule).
            get(2, "mae"),
            get(2, "oracle_savings_pct"),
        )
    };
    let mut failed = Vec::new();
    for seed in STRONGEST_DRIFT_SEEDS {
        let (still, strongest) = (run(seed, "0"), run(seed, &max.to_string()));
        assert!(
            strongest.1 < 4.0 * still.1 && strongest.1 > still.1 / 4.0,
            "seed {seed}: offered load {} vs {} without drift",
            strongest.1,
            still.1
        );
        let log_ratio: Vec<f64> = still
            .0
            .iter()
            .zip(&strongest.0)
            .map(|(a, b)| (b / a).ln())
            .collect();
        assert!(log_ratio.len() >= 300, "{} days", log_ratio.len());
        let mean = log_ratio.iter().sum::<f64>() / log_ratio.len() as f64;
        let sd = (log_ratio
            .iter()
            .map(|x| (x - mean) * (x - mean))
            .sum::<f64>()
            / log_ratio.len() as f64)
            .sqrt();
        if !(sd > 0.1 && strongest.2 > 1.05 * still.2 && strongest.3 > 70.0) {
            failed.push((seed, sd, strongest.2 / still.2, strongest.3));
        }
    }
    assert!(
        failed.len() <= 1,
        "failed (seed, sd of the log-ratio of daily loads, C's error ratio, C's share of the oracle's \
         money savings): {failed:?}"
    );
}
