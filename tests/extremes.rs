//! Numerical safety: extreme settings run to the end, keeping the invariants of every run.

mod common;

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

/// The invariants of every run (sums finite and non-negative, counts whole, no lane beating the
/// oracle, every interval counted once, rates undefined only with nothing to divide by: see
/// `common::check_run`), the CSV with one row per bucket and lane whose empty cells are exactly the
/// undefined values, and no warning.
fn check(e: &Experiment, what: &str) {
    check_figures(e, what);
    assert!(e.warnings().is_empty(), "{what}: {:?}", e.warnings());
}

/// [`check`] without its last point: the invariants and the CSV.
fn check_figures(e: &Experiment, what: &str) {
    common::check_run(e, what);
    let csv = e.csv();
    let mut rows = csv.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = rows.map(|r| r.split(',').collect()).collect();
    let lanes = e.config().lanes.len();
    assert_eq!(rows.len(), e.series().buckets * lanes, "{what}: CSV rows");
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.len(), header.len(), "{what}: CSV row {i}");
        for (k, cell) in header.iter().zip(row).skip(2) {
            let v = e.windowed(i % lanes, k)[i / lanes];
            assert_eq!(
                cell.is_empty(),
                !v.is_finite(),
                "{what}: CSV row {i} {k} `{cell}` for {v}"
            );
            if v.is_finite() {
                let x: f64 = cell.parse().unwrap();
                assert!(
                    (x - v).abs() <= 1e-6 + 1e-12 * v.abs(),
                    "{what}: CSV row {i} {k} {x} for {v}"
                );
            }
        }
    }
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
            ("drift", "2"),
        ],
    );
    check(&e, "rls forgetting 0.9");
}

/// No traffic: every figure is empty, and a warning says why (the page shows it above the chart).
/// Traffic that brings one request in the horizon or more has no such warning.
#[test]
fn zero_traffic() {
    for volume in ["0", "1e-300", "0.01"] {
        let e = run("ads-drift", &[("volume", volume)]);
        check_figures(&e, volume);
        if volume == "0" {
            assert_eq!(e.summary()[0].get("impressions"), Some(0.0));
        }
        let w = e.warnings();
        assert_eq!(w.len(), 1, "{volume}: {w:?}");
        assert!(w[0].contains("Raise Traffic (volume)"), "{w:?}");
    }
    let e = run("ads-drift", &[("volume", "1")]);
    assert!(e.warnings().is_empty(), "{:?}", e.warnings());
}

/// Every cell below the threshold but no coverage layer to take their traffic: the interlock keeps
/// the rule (B) and the forecaster (C) awake; only the oracle (D) may trade congestion for energy,
/// and it costs no more than any lane.
#[test]
fn every_cell_asleep_and_no_coverage() {
    let e = run(
        "cells-sleep",
        &[
            ("threshold", "1"),
            ("coverage", "0"),
            ("load", "0.05"),
            ("tune", "off"),
        ],
    );
    check(&e, "threshold 1");
    let s = e.summary();
    // The rule expects every load it measured; the forecaster sleeps a cell only where it
    // forecasts no traffic at all.
    assert_eq!(s[1].get("asleep_pct"), Some(0.0));
    assert!(s[2].get("asleep_pct").unwrap() < 1.0);
    let oracle = s[3].get("cost").unwrap();
    assert!(s.iter().all(|x| oracle <= x.get("cost").unwrap() + 1e-9));
    // With coverage, the same cells sleep.
    let e = run(
        "cells-sleep",
        &[("threshold", "1"), ("load", "0.05"), ("tune", "off")],
    );
    check(&e, "threshold 1, coverage");
    assert!(e.summary()[1].get("energy_saved_pct").unwrap() > 0.0);
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

/// A year of 64 cells: the buckets still cover the horizon exactly once (checked in `check`), so no
/// interval is lost or counted twice when a bucket spans many days.
#[test]
fn huge_counts_and_horizons_stay_bounded() {
    let mut c = preset("cells-sleep").unwrap().config();
    c.set("days", "365").unwrap();
    c.set("cells", "64").unwrap();
    // The oracle's exact programme stops at 24 cells.
    c.set("d.policy", "baseline").unwrap();
    let mut e = Experiment::new(c).unwrap();
    e.run_to_end();
    check(&e, "365 days, 64 cells");
}
