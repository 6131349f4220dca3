//! Every preset's caption makes claims; each claim is checked here over three blocks of ten seeds,
//! with a margin, holding on at least 9 of each ten; a claim worded as an average ("on average",
//! "in most runs") is checked as one.
//! Plus the null case: with no drift and no session signal, frozen and continual lanes agree.

use rtml::base::units::MINUTES_PER_DAY;
use rtml::sim::config::Config;
use rtml::sim::experiment::{Experiment, LaneSummary};
use rtml::sim::presets::preset;

const SEEDS: std::ops::Range<u32> = 1..11;

fn run(cfg: Config) -> (Experiment, Vec<LaneSummary>) {
    let mut exp = Experiment::new(cfg).expect("valid preset");
    exp.run_to_end();
    let s = exp.summary();
    (exp, s)
}

fn get(s: &LaneSummary, key: &str) -> f64 {
    s.get(key).unwrap_or_else(|| panic!("no metric {key}"))
}

/// Mean of a windowed metric of lane `l` over days `from..to`.
fn mean_over(exp: &Experiment, l: usize, key: &str, from: f64, to: f64) -> f64 {
    let w = exp.windowed(l, key);
    let bucket_days = exp.series().bucket_min / MINUTES_PER_DAY;
    let v: Vec<f64> = w
        .iter()
        .enumerate()
        .filter(|(b, _)| {
            let d = *b as f64 * bucket_days;
            d >= from && d < to
        })
        .map(|(_, v)| *v)
        .filter(|v| v.is_finite())
        .collect();
    v.iter().sum::<f64>() / v.len() as f64
}

#[test]
fn ads_batch_vs_online() {
    each_seed_in_blocks("ads-batch-vs-online", |seed, _, s| {
        let ctr: Vec<f64> = s.iter().map(|l| get(l, "expected_ctr")).collect();
        claim(ctr[1] > ctr[0] * 1.15, || {
            format!("seed {seed}: online should beat batch clearly: {ctr:?}")
        })?;
        claim((ctr[2] - ctr[1]).abs() < 0.05 * ctr[1], || {
            format!("seed {seed}: continual's CTR should be about daily online's: {ctr:?}")
        })?;
        let ne: Vec<f64> = s.iter().map(|l| get(l, "ne")).collect();
        claim(ne[2] < ne[1] && ne[2] > 0.98 * ne[1], || {
            format!(
                "seed {seed}: continual should predict a little better than daily online: {ne:?}"
            )
        })
    });
}

#[test]
fn ads_drift() {
    // Per block: how much more regret (percentage points) B had than C on the day of the shift.
    let mut first_days: Vec<Vec<f64>> = vec![Vec::new(); BLOCKS.len()];
    each_seed_in_blocks("ads-drift", |seed, exp, s| {
        let first_day: Vec<f64> = (0..3)
            .map(|l| mean_over(exp, l, "regret_pct", 7.0, 8.0))
            .collect();
        let block = BLOCKS.iter().position(|b| b.contains(&seed)).unwrap();
        first_days[block].push(first_day[1] - first_day[2]);
        let r: Vec<f64> = s.iter().map(|l| get(l, "regret")).collect();
        claim(r[0] > r[1] && r[0] > r[2], || {
            format!("seed {seed}: the frozen model should lose the most clicks: {r:?}")
        })?;
        let before: Vec<f64> = (0..3)
            .map(|l| mean_over(exp, l, "regret_pct", 3.0, 7.0))
            .collect();
        let late: Vec<f64> = (0..3)
            .map(|l| mean_over(exp, l, "regret_pct", 11.0, 14.0))
            .collect();
        claim(
            late[0] > before[0] && late[0] > 1.5 * late[1].max(late[2]),
            || format!("seed {seed}: the frozen model should not recover: {before:?} -> {late:?}"),
        )?;
        claim(late[1] < 1.5 * late[2] + 0.5, || {
            format!("seed {seed}: the daily retrain should catch up with continual: {before:?} -> {late:?}")
        })
    });
    // "On average ... (in most runs, not all)": the mean of every block, and most seeds.
    for (block, d) in BLOCKS.iter().zip(&first_days) {
        let mean = d.iter().sum::<f64>() / d.len() as f64;
        let held = d.iter().filter(|x| **x > 0.0).count();
        assert!(
            mean > 0.0 && held >= 6,
            "seeds {block:?}: C should lose fewer clicks than B on the shift day on average: {d:?}"
        );
    }
}

#[test]
fn ads_new_campaigns() {
    each_seed_in_blocks("ads-new-campaigns", |seed, _, s| {
        let r: Vec<f64> = s.iter().map(|l| get(l, "regret")).collect();
        claim(r[2] < r[1] && r[1] < r[0], || {
            format!("seed {seed}: regret weekly > daily > continual: {r:?}")
        })
    });
}

#[test]
fn ads_label_delay() {
    each_seed_in_blocks("ads-label-delay", |seed, _, s| {
        let cal: Vec<f64> = s.iter().map(|l| get(l, "calibration")).collect();
        claim(cal[0] < 0.5, || {
            format!("seed {seed}: a short join window under-predicts: {cal:?}")
        })?;
        claim(cal[1] > 1.15, || {
            format!("seed {seed}: a day-long window over-predicts: {cal:?}")
        })?;
        claim((cal[2] - 1.0).abs() < 0.25, || {
            format!("seed {seed}: a few hours stays near calibrated: {cal:?}")
        })?;
        let r: Vec<f64> = s.iter().map(|l| get(l, "regret")).collect();
        claim(r[2] < r[1], || {
            format!("seed {seed}: the middle window shows better ads than the day-long one: {r:?}")
        })
    });
}

/// Blocks of ten seeds for the cells captions: each claim must hold on at least 9 of every 10.
const BLOCKS: [std::ops::Range<u32>; 3] = [1..11, 1001..1011, 2001..2011];

/// Runs `check` on every seed of every block; a block may fail it on at most one seed.
fn each_seed_in_blocks(
    name: &str,
    mut check: impl FnMut(u32, &Experiment, &[LaneSummary]) -> Result<(), String>,
) {
    for block in BLOCKS {
        let mut failed = Vec::new();
        for seed in block.clone() {
            let mut cfg = preset(name).expect("preset exists").config();
            cfg.seed = seed;
            let (exp, s) = run(cfg);
            if let Err(e) = check(seed, &exp, &s) {
                failed.push(e);
            }
        }
        assert!(
            failed.len() <= 1,
            "{name}: seeds {block:?}: the caption failed on {} of 10: {failed:#?}",
            failed.len()
        );
    }
}

/// `Err(message)` unless `ok`.
fn claim(ok: bool, message: impl FnOnce() -> String) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(message())
    }
}

#[test]
fn cells_sleep() {
    // Per block: B's unserved traffic as a share of the oracle's.
    let mut shares: Vec<Vec<f64>> = vec![Vec::new(); BLOCKS.len()];
    each_seed_in_blocks("cells-sleep", |seed, _, s| {
        let u: Vec<f64> = s.iter().map(|l| get(l, "unserved")).collect();
        let block = BLOCKS.iter().position(|b| b.contains(&seed)).unwrap();
        shares[block].push(u[1] / u[2]);
        claim(get(&s[0], "energy_saved_pct") == 0.0, || {
            format!("seed {seed}: always-on saves nothing")
        })?;
        let saved = get(&s[1], "energy_saved_pct");
        let share = get(&s[1], "oracle_savings_pct");
        claim((19.0..27.0).contains(&saved), || {
            format!("seed {seed}: continual saves a fifth to a quarter: {saved}%")
        })?;
        claim((85.0..97.0).contains(&share), || {
            format!("seed {seed}: continual saves about nine tenths of the oracle's: {share}%")
        })?;
        claim(u[1] > u[0] && u[1] < 0.5 * u[2], || {
            format!("seed {seed}: B leaves some traffic unserved, far less than the oracle: {u:?}")
        })
    });
    for (block, r) in BLOCKS.iter().zip(&shares) {
        let mean = r.iter().sum::<f64>() / r.len() as f64;
        assert!(
            (0.03..0.2).contains(&mean),
            "seeds {block:?}: B's unserved traffic should be about a tenth of the oracle's on average: {r:?}"
        );
    }
}

#[test]
fn cells_sim_gap() {
    let mut closed = Vec::new();
    each_seed_in_blocks("cells-sim-gap", |seed, _, s| {
        let m: Vec<f64> = s.iter().map(|l| get(l, "mae")).collect();
        closed.push((m[0] - m[1]) / (m[0] - m[2]));
        claim(m[0] > 1.04 * m[2], || {
            format!("seed {seed}: the simulator gap should be visible: {m:?}")
        })?;
        claim(m[1] <= m[0] && m[1] > m[2], || {
            format!("seed {seed}: learning from live data should not hurt: {m:?}")
        })
    });
    let mean = closed.iter().sum::<f64>() / closed.len() as f64;
    assert!(
        mean > 0.25,
        "live learning should close part of the gap on average: {closed:?}"
    );
}

#[test]
fn cells_holiday() {
    each_seed_in_blocks("cells-holiday", |seed, exp, s| {
        let hol: Vec<f64> = (0..3)
            .map(|l| mean_over(exp, l, "energy_saved_pct", 7.0, 14.0))
            .collect();
        claim((hol[0] - hol[1]).abs() < 1.5, || {
            format!("seed {seed}: frozen and continual save alike in the holiday: {hol:?}")
        })?;
        let u: Vec<f64> = s.iter().map(|l| get(l, "unserved")).collect();
        claim(u[2] > 2.0 * u[1], || {
            format!("seed {seed}: daily batch forecasts leave more unserved: {u:?}")
        })
    });
}

#[test]
fn null_case_frozen_equals_continual_without_drift_or_session_signal() {
    let mut diffs = Vec::new();
    for seed in SEEDS {
        let mut cfg = Config::default();
        for (k, v) in [
            ("seed", seed.to_string()),
            ("intent", "0".into()),
            ("walk", "0".into()),
            ("warmup", "28".into()),
            ("days", "7".into()),
            ("a.mode", "online".into()),
            ("a.update", "frozen".into()),
            ("b.update", "continual".into()),
        ] {
            cfg.set(k, &v).unwrap();
        }
        let (_, s) = run(cfg);
        let (a, b) = (get(&s[0], "expected_ctr"), get(&s[1], "expected_ctr"));
        diffs.push((b - a) / a);
    }
    let mean = diffs.iter().sum::<f64>() / diffs.len() as f64;
    assert!(
        mean.abs() < 0.03,
        "frozen and continual should agree within noise: relative differences {diffs:?}"
    );
}

#[test]
fn identical_lanes_give_identical_results() {
    for name in ["ads-drift", "cells-sleep"] {
        let mut cfg = preset(name).unwrap().config();
        cfg.days = 3.0;
        cfg.lanes = vec![cfg.lanes[1].clone(), cfg.lanes[1].clone()];
        let (exp, s) = run(cfg);
        assert_eq!(s[0].metrics, s[1].metrics, "{name}");
        assert_eq!(exp.series().lanes[0], exp.series().lanes[1], "{name}");
    }
}

#[test]
fn same_configuration_same_digest() {
    for name in ["ads-new-campaigns", "cells-sim-gap"] {
        let mut cfg = preset(name).unwrap().config();
        cfg.days = 3.0;
        let (a, _) = run(cfg.clone());
        let (b, _) = run(cfg.clone());
        assert_eq!(a.digest(), b.digest());
        cfg.seed += 1;
        let (c, _) = run(cfg);
        assert_ne!(a.digest(), c.digest());
    }
}

#[test]
fn stepping_in_slices_equals_running_at_once() {
    for name in ["ads-drift", "cells-sim-gap"] {
        let mut cfg = preset(name).unwrap().config();
        cfg.days = 3.0;
        let mut a = Experiment::new(cfg.clone()).unwrap();
        a.run_to_end();
        let mut b = Experiment::new(cfg).unwrap();
        // The warm-up in slices too, as the page runs it.
        let mut w = -b.config().warmup * MINUTES_PER_DAY;
        while b.warming() {
            w += 113.0;
            b.warm_until(if w >= 0.0 { 0.0 } else { w });
        }
        let mut t = 0.0;
        while !b.done() {
            t += 37.0;
            b.run_until(t);
        }
        assert_eq!(a.digest(), b.digest(), "{name}");
    }
}

// Issue 15, "a lesson for every knob": each new preset's caption over three blocks of ten seeds.

/// Lane `l`'s summary figure `key` for every lane.
fn figure(s: &[LaneSummary], key: &str) -> Vec<f64> {
    s.iter().map(|l| get(l, key)).collect()
}

#[test]
fn ads_stateless_vs_stateful() {
    each_seed_in_blocks("ads-stateless-vs-stateful", |seed, _, s| {
        let work = figure(s, "training_updates");
        let r = figure(s, "regret");
        claim(work[0] > 10.0 * work[1], || {
            format!("seed {seed}: from scratch daily should cost over ten times B's work: {work:?}")
        })?;
        claim((r[0] - r[1]).abs() < 0.1 * r[1], || {
            format!("seed {seed}: from scratch and continued should lose clicks alike: {r:?}")
        })?;
        claim((work[2] - work[1]).abs() < 0.2 * work[1], || {
            format!("seed {seed}: weekly from scratch should cost about B's work: {work:?}")
        })?;
        claim(r[2] > r[1], || {
            format!("seed {seed}: weekly from scratch should lose more clicks than B: {r:?}")
        })
    });
}

#[test]
fn ads_triggered() {
    let mut regret = Vec::new();
    each_seed_in_blocks("ads-triggered", |seed, exp, s| {
        regret.push(figure(s, "regret"));
        let before: f64 = exp
            .windowed(1, "retrains")
            .iter()
            .enumerate()
            .filter(|(b, _)| *b as f64 * exp.series().bucket_min < 7.0 * MINUTES_PER_DAY)
            .map(|(_, v)| v)
            .sum();
        claim(before >= 5.0, || {
            format!("seed {seed}: the detector should fire before the shift too: {before}")
        })?;
        let n = figure(s, "retrains");
        claim(n[1] > n[2], || {
            format!("seed {seed}: the detector should retrain more often than daily: {n:?}")
        })?;
        let r = figure(s, "regret");
        claim(r[0] > r[1] && r[0] > r[2], || {
            format!("seed {seed}: the weekly retrain should lose the most clicks: {r:?}")
        })
    });
    // On average over each block, B and C lose about as many clicks (the caption's average).
    for block in regret.chunks(10) {
        let mean = |l: usize| block.iter().map(|r| r[l]).sum::<f64>() / block.len() as f64;
        assert!(
            (mean(1) - mean(2)).abs() < 0.1 * mean(2),
            "on average the detector and the daily clock should lose clicks alike: {} vs {}",
            mean(1),
            mean(2)
        );
    }
}

#[test]
fn ads_gradual() {
    each_seed_in_blocks("ads-gradual", |seed, exp, s| {
        let r = figure(s, "regret");
        claim(r[0] > r[1] && r[0] > r[2], || {
            format!("seed {seed}: the frozen model should lose the most clicks: {r:?}")
        })?;
        let (early, late) = (
            mean_over(exp, 0, "regret_pct", 0.0, 3.0),
            mean_over(exp, 0, "regret_pct", 10.0, 14.0),
        );
        claim(late > early, || {
            format!("seed {seed}: the frozen model should fall behind: {early} -> {late}")
        })?;
        claim(r[0] - r[1] > 2.0 / 3.0 * (r[0] - r[2]), || {
            format!("seed {seed}: the daily retrain should win back over two thirds: {r:?}")
        })
    });
}

#[test]
fn cells_clusters() {
    each_seed_in_blocks("cells-clusters", |seed, exp, s| {
        let day: Vec<f64> = (0..3).map(|l| mean_over(exp, l, "mae", 0.0, 1.0)).collect();
        claim(day[2] > day[1] && day[1] < day[0], || {
            format!("seed {seed}: on the first day, cluster models should err least, cell models more: {day:?}")
        })?;
        let week: Vec<f64> = (0..3)
            .map(|l| mean_over(exp, l, "mae", 7.0, 14.0))
            .collect();
        claim(week[2] < week[1], || {
            format!("seed {seed}: in the second week, cell models should err less: {week:?}")
        })?;
        let u = figure(s, "unserved");
        claim(u[2] < u[1], || {
            format!("seed {seed}: cell models should leave less unserved: {u:?}")
        })
    });
}

#[test]
fn cells_events() {
    each_seed_in_blocks("cells-events", |seed, exp, _| {
        let mae = |l, from, to| mean_over(exp, l, "mae", from, to);
        let (a, c) = (mae(0, 0.0, 3.0), mae(2, 0.0, 3.0));
        claim((a - c).abs() < 0.03 * c, || {
            format!("seed {seed}: before the building, frozen and continual should agree: {a} {c}")
        })?;
        let (a, c) = (mae(0, 4.0, 14.0), mae(2, 4.0, 14.0));
        claim(a > 1.1 * c, || {
            format!("seed {seed}: after the building, the frozen model should err more: {a} {c}")
        })?;
        let u: Vec<f64> = (0..3)
            .map(|l| mean_over(exp, l, "unserved", 10.0, 11.0))
            .collect();
        claim(u[1] > 3.0 * u[0].max(u[2]), || {
            format!("seed {seed}: on the stadium day, daily forecasts should leave more unserved: {u:?}")
        })?;
        claim((u[0] - u[2]).abs() < 0.1 * u[2], || {
            format!("seed {seed}: on the stadium day, fresh inputs suffice: {u:?}")
        })
    });
}
