//! Numerical safety: extreme settings run to the end with finite outputs and no panic.

use rtml::sim::config::Config;
use rtml::sim::experiment::Experiment;
use rtml::sim::presets::preset;

fn run(name: &str, sets: &[(&str, &str)]) -> Experiment {
    let mut c: Config = preset(name).unwrap().config();
    c.set("days", "3").unwrap();
    c.set("warmup", "2").unwrap();
    for (k, v) in sets {
        c.set(k, v).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut e = Experiment::new(c).unwrap();
    e.run_to_end();
    e
}

/// Sums are always finite; rates are finite or undefined (nothing to divide by), never infinite.
fn check(e: &Experiment, what: &str) {
    for lane in e.summary() {
        for (k, v) in &lane.metrics {
            assert!(!v.is_infinite(), "{what}: lane {} {k} = {v}", lane.label);
            let sum_like = [
                "clicks",
                "expected_clicks",
                "revenue",
                "regret",
                "impressions",
                "training_updates",
                "retrains",
                "energy_kwh",
                "unserved",
                "violation_minutes",
            ];
            if sum_like.contains(k) {
                assert!(v.is_finite(), "{what}: lane {} {k} = {v}", lane.label);
            }
        }
    }
    assert!(
        !e.csv().contains("NaN") && !e.csv().contains("inf"),
        "{what}: CSV has NaN or inf"
    );
    assert!(e.warnings().is_empty(), "{what}: {:?}", e.warnings());
}

#[test]
fn extreme_learning_rates() {
    for (a, b, l1, l2) in [("10", "0", "0", "0"), ("0.0001", "10", "100", "100")] {
        let sets = [
            ("a.alpha", a),
            ("a.beta", b),
            ("a.l1", l1),
            ("a.l2", l2),
            ("b.alpha", a),
            ("b.beta", b),
            ("b.l1", l1),
            ("b.l2", l2),
            ("c.alpha", a),
        ];
        let e = run("ads-drift", &sets);
        check(&e, &format!("alpha {a}"));
    }
    let e = run(
        "cells-sleep",
        &[
            ("b.learner", "nlms"),
            ("b.step", "1.9"),
            ("load_noise", "1"),
            ("stadium", "1"),
            ("stadium_load", "3"),
        ],
    );
    check(&e, "nlms step 1.9");
    let e = run(
        "cells-sleep",
        &[
            ("b.forgetting", "0.9"),
            ("load_noise", "1"),
            ("growth", "100"),
        ],
    );
    check(&e, "rls forgetting 0.9");
}

#[test]
fn zero_traffic() {
    let e = run("ads-drift", &[("volume", "0")]);
    check(&e, "volume 0");
    assert_eq!(e.summary()[0].get("impressions"), Some(0.0));
}

#[test]
fn every_cell_asleep_and_no_coverage() {
    let e = run(
        "cells-sleep",
        &[("threshold", "1"), ("coverage", "0"), ("load", "0.05")],
    );
    check(&e, "threshold 1");
    let s = e.summary();
    assert!(s[1].get("energy_saved_pct").unwrap() > 0.0);
}

#[test]
fn almost_no_clicks() {
    let e = run(
        "ads-label-delay",
        &[
            ("base_ctr", "0.001"),
            ("intent", "0"),
            ("affinity", "0"),
            ("volume", "20"),
        ],
    );
    check(&e, "no clicks");
}

#[test]
fn huge_counts_and_horizons_stay_bounded() {
    let mut c = preset("cells-sleep").unwrap().config();
    c.set("days", "365").unwrap();
    c.set("cells", "64").unwrap();
    let mut e = Experiment::new(c).unwrap();
    e.run_to_end();
    let s = e.series();
    assert!(
        s.buckets <= rtml::sim::series::MAX_BUCKETS,
        "{} buckets",
        s.buckets
    );
    check(&e, "365 days, 64 cells");
}
