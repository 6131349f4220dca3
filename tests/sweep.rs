//! The freshness sweep's shape claims, across seeds: under drift, value falls as the interval grows;
//! without drift the curve is flat within noise.

use rtml::sim::presets::preset;
use rtml::sim::sweep::{run, Param, Point, Spec, Summary};

fn sweep(name: &str, sets: &[(&str, &str)], values: &str, seeds: u32) -> Summary {
    let mut cfg = preset(name).unwrap().config();
    for (k, v) in sets {
        cfg.set(k, v).unwrap();
    }
    let points = values
        .split(',')
        .map(|v| Point::parse(v).unwrap())
        .collect();
    let spec = Spec::new(cfg, None, Param::Every, points, seeds, None).unwrap();
    run(&spec, |_, _| {}).unwrap().1
}

fn share(s: &Summary, label: &str) -> f64 {
    s.points.iter().find(|p| p.label == label).unwrap().share
}

#[test]
fn under_drift_value_falls_as_the_interval_grows() {
    let s = sweep("ads-drift", &[], "1h,1d,7d", 4);
    let (h, d, w) = (share(&s, "1h"), share(&s, "1d"), share(&s, "7d"));
    assert!(
        h > 0.85 && d > w + 0.2 && w < 0.7,
        "shares 1h {h}, 1d {d}, 7d {w}"
    );
    assert_eq!(share(&s, "continual"), 1.0);
    assert_eq!(share(&s, "frozen"), 0.0);
    assert!(s.loss_per_hour > 0.0, "{}", s.loss_per_hour);
    // Cost falls with the interval.
    let cost = |l: &str| s.points.iter().find(|p| p.label == l).unwrap().retrains;
    assert!(cost("1h") > cost("1d") && cost("1d") > cost("7d"));
}

#[test]
fn without_drift_the_curve_is_flat_within_noise() {
    let s = sweep(
        "ads-drift",
        &[
            ("shift", "0"),
            ("intent", "0"),
            ("warmup", "28"),
            ("days", "7"),
        ],
        "1h,1d,7d",
        4,
    );
    let cont = s
        .points
        .iter()
        .find(|p| p.label == "continual")
        .unwrap()
        .mean;
    for p in &s.points {
        let rel = (p.mean - cont).abs() / cont;
        assert!(
            rel < 0.03,
            "{}: {} vs continual {cont} ({rel})",
            p.label,
            p.mean
        );
    }
}

#[test]
fn cells_under_a_holiday_lose_accuracy_with_staleness() {
    let s = sweep("cells-holiday", &[], "1h,1d,7d", 3);
    let (h, w) = (share(&s, "1h"), share(&s, "7d"));
    assert!(h > w + 0.3, "shares 1h {h}, 7d {w}");
}

/// Natively `run` spreads the points over the cores: it must return exactly what running each task on
/// its own (as the page's workers do) returns, in task order, and report progress once per task.
#[test]
fn parallel_runs_equal_the_tasks_run_one_by_one() {
    let mut cfg = preset("cells-holiday").unwrap().config();
    cfg.days = 10.0;
    let points = "1h,1d"
        .split(',')
        .map(|v| Point::parse(v).unwrap())
        .collect();
    let spec = Spec::new(cfg, None, Param::Every, points, 3, None).unwrap();
    let mut calls = Vec::new();
    let (runs, _) = run(&spec, |done, total| calls.push((done, total))).unwrap();
    let one_by_one: Vec<_> = spec
        .tasks()
        .into_iter()
        .map(|(p, s)| rtml::sim::sweep::run_point(&spec, p, s).unwrap())
        .collect();
    assert_eq!(runs, one_by_one);
    let n = one_by_one.len();
    assert_eq!(calls, (1..=n).map(|k| (k, n)).collect::<Vec<_>>());
}
