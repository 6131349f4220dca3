//! The study contract's promise that the page relies on (`Study::report`: "the parts come in so far,
//! any order"): the page's workers finish tasks in any order and the page reports after each, so a
//! report of any subset of the parts, in any order, is a report (never an error that fails the run),
//! and the whole set in reverse order reports exactly what it does in order. The trace's map broke
//! this once (a map without its first row was "too short", and the page's run failed).

use rtml::sim::presets::preset;
use rtml::study::answer;
use rtml::study::studies::{
    Answer, Spread, SpreadJob, Sweep, SweepJob, SweepWorld, WhatIf, WhatIfJob,
};
use rtml::study::Study;

mod common;
use common::hourly;

/// Reports every prefix of every rotation of the parts, and the whole set reversed.
fn any_order<S: Study>(name: &str, job: &S::Job) {
    let tasks = S::tasks(job, 2).unwrap_or_else(|e| panic!("{name}: tasks: {e}"));
    let parts: Vec<S::Part> = (tasks.iter())
        .map(|t| S::run(job, t).unwrap_or_else(|e| panic!("{name}: run {t:?}: {e}")))
        .collect();
    let n = parts.len();
    assert!(n > 1, "{name}: {n} part(s): nothing to reorder");
    let whole = S::report(job, &parts).unwrap_or_else(|e| panic!("{name}: report: {e}"));
    for start in 0..n {
        for k in 1..n {
            let some: Vec<S::Part> = (0..k).map(|i| parts[(start + i) % n].clone()).collect();
            if let Err(e) = S::report(job, &some) {
                panic!("{name}: a report of {k} of {n} parts from part {start} failed: {e}");
            }
        }
    }
    let reversed: Vec<S::Part> = parts.iter().rev().cloned().collect();
    let back = S::report(job, &reversed).unwrap_or_else(|e| panic!("{name}: reversed: {e}"));
    assert_eq!(
        back.json.pretty(),
        whole.json.pretty(),
        "{name}: the order of the parts changed the report"
    );
    assert_eq!(
        back.words, whole.words,
        "{name}: the words changed with the order"
    );
}

fn config(name: &str, settings: &[(&str, &str)]) -> rtml::sim::config::Config {
    let mut cfg = preset(name).unwrap().config();
    for (k, v) in settings {
        cfg.set(k, v).unwrap_or_else(|e| panic!("{k}={v}: {e}"));
    }
    cfg
}

#[test]
fn the_spread_reports_any_subset_in_any_order() {
    let job = SpreadJob {
        config: config(
            "cells-sleep",
            &[("days", "2"), ("warmup", "2"), ("cells", "8")],
        ),
        preset: Some("cells-sleep".into()),
        seeds: 3,
        metric: "saved_day".into(),
        cumulative: false,
    };
    any_order::<Spread>("spread", &job);
}

#[test]
fn the_sweep_reports_any_subset_in_any_order() {
    let job = SweepJob {
        worlds: vec![SweepWorld {
            label: "Ads".into(),
            name: "ads-drift".into(),
            config: config(
                "ads-drift",
                &[("days", "2"), ("warmup", "1"), ("volume", "300")],
            ),
        }],
        param: "every".into(),
        values: "1h,1d,frozen".into(),
        seeds: 2,
        metric: None,
    };
    any_order::<Sweep>("sweep", &job);
}

#[test]
fn the_answer_reports_any_subset_in_any_order() {
    let job = answer::Job {
        ads: answer::DEFAULT_ADS.into(),
        cells: answer::DEFAULT_CELLS.into(),
        sets: "days=3&warmup=2&volume=300&cells=8".into(),
        seed: Some(9101),
        seeds: 2,
        sensitivity: false,
    };
    any_order::<Answer>("answer", &job);
}

#[test]
fn the_what_if_reports_any_subset_in_any_order() {
    let job = WhatIfJob {
        config: config("cells-what-if", &[("days", "3"), ("cells", "8")]),
        knob: "threshold".into(),
        values: "0.1,0.3".into(),
        seeds: 3,
        slider: false,
        step: 0,
        refit: false,
    };
    any_order::<WhatIf>("what-if", &job);
}

#[test]
fn the_trace_map_reports_any_subset_in_any_order() {
    // Three weeks of two cells, hourly: a daily shape and some noise.
    let job = rtml::study::trace::Job::load_csv(rtml::study::trace::Source::Text(hourly(2, 22, 0)));
    any_order::<rtml::study::trace::Trace>("trace", &job);
    // With coverage groups (untuned: three weeks are too short to tune on a month), the money too.
    let priced = rtml::study::trace::Job {
        groups: "c0,c1".into(),
        sets: "tune=off".into(),
        ..job
    };
    any_order::<rtml::study::trace::Trace>("trace with money", &priced);
}
