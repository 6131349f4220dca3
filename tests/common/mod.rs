//! Shared by the property and extreme-settings tests: valid configurations drawn from the knob table,
//! and the invariants every finished run must satisfy, checked on the raw per-bucket sums.

#![allow(dead_code)] // each test file uses a different part

use proptest::prelude::*;
use rtml::base::units::fmt_num;
use rtml::sim::cells::{GB_PER_CELL_INTERVAL, INTERVAL};
use rtml::sim::config::{Config, Policy, Scenario, LANE_NAMES, MAX_LANES};
use rtml::sim::experiment::Experiment;
use rtml::sim::knobs::{Kind, KNOBS, LANE_KNOBS};
use rtml::sim::series::{ads as fa, cells as fc};

/// A valid text value of a knob, drawn within its range (whole minutes for durations, at most three
/// decimals for numbers, so that its canonical text reads back to the same value).
pub fn valid_text(kind: Kind) -> BoxedStrategy<String> {
    match kind {
        Kind::Num {
            min,
            max,
            int: true,
            ..
        } => (min as i64..=max as i64)
            .prop_map(|x| x.to_string())
            .boxed(),
        Kind::Num { min, max, .. } => (0.0..=1.0f64)
            .prop_map(move |u| {
                let x = ((min + u * (max - min)) * 1000.0).round() / 1000.0;
                fmt_num(x.clamp(min, max))
            })
            .boxed(),
        Kind::Duration { unit, min, max, .. } => (0.0..=1.0f64)
            // In the knob's own unit (the canonical text keeps 6 decimals), with the unit's suffix.
            .prop_map(move |u| {
                let x = ((min + u * (max - min)) * 1000.0).round() / 1000.0;
                format!("{}{}", fmt_num(x.clamp(min, max)), unit.label())
            })
            .boxed(),
        Kind::Choice(words) => proptest::sample::select(words)
            .prop_map(String::from)
            .boxed(),
        Kind::Day { max } => prop_oneof![
            Just("off".to_string()),
            (0..=max as u32).prop_map(|d| d.to_string())
        ]
        .boxed(),
    }
}

/// Every world knob and every knob of `lanes` lanes, each with a valid value (the scenario knob
/// first, so that the rest apply to the scenario drawn).
fn settings(lanes: usize) -> impl Strategy<Value = Vec<(String, String)>> {
    let mut all: Vec<BoxedStrategy<(String, String)>> = Vec::new();
    for k in KNOBS {
        all.push(
            valid_text(k.kind)
                .prop_map(move |v| (k.key.to_string(), v))
                .boxed(),
        );
    }
    for name in &LANE_NAMES[..lanes] {
        let lane = name.to_ascii_lowercase();
        for k in LANE_KNOBS {
            let key = format!("{lane}.{}", k.key);
            all.push(
                valid_text(k.kind)
                    .prop_map(move |v| (key.clone(), v))
                    .boxed(),
            );
        }
    }
    all
}

/// A valid configuration with every knob drawn from its range, then cut to a short, small run
/// (one to two days after a one-day warm-up, at most 300 requests an hour, 12 cells, 2^14 weights).
pub fn valid_config() -> impl Strategy<Value = Config> {
    (1..=MAX_LANES)
        .prop_flat_map(|n| {
            (
                Just(n),
                settings(n),
                prop_oneof![Just("1"), Just("1.5"), Just("2")],
            )
        })
        .prop_map(|(n, pairs, days)| {
            let mut c = Config::default();
            c.set("lanes", &n.to_string()).unwrap();
            for (k, v) in &pairs {
                c.set(k, v)
                    .unwrap_or_else(|e| panic!("a value drawn within the range was refused: {e}"));
            }
            c.set("days", days).unwrap();
            c.set("warmup", "1").unwrap();
            c.ads.volume = c.ads.volume.min(300.0);
            c.cells.cells = c.cells.cells.min(12);
            // The rule is a cells policy.
            let ads = c.scenario == rtml::sim::config::Scenario::Ads;
            for l in &mut c.lanes {
                if ads && l.policy == Policy::Rule {
                    l.policy = Policy::Baseline;
                }
            }
            for l in &mut c.lanes {
                l.bits = l.bits.min(14);
            }
            c.validate().expect("valid");
            c
        })
}

/// Intervals (cells) the horizon has.
pub fn intervals(c: &Config) -> f64 {
    (c.horizon_min() / INTERVAL).ceil()
}

fn whole(x: f64) -> bool {
    x.fract() == 0.0
}

/// The invariants of a finished run, on every bucket of every lane; panics naming the first broken one.
pub fn check_run(e: &Experiment, what: &str) {
    assert!(e.done(), "{what}: not done");
    let c = e.config();
    let s = e.series();
    assert_eq!(e.filled(), s.buckets, "{what}: buckets filled");
    assert!(
        (s.buckets as f64) * s.bucket_min >= c.horizon_min()
            && ((s.buckets - 1) as f64) * s.bucket_min < c.horizon_min(),
        "{what}: {} buckets of {} min for a horizon of {} min",
        s.buckets,
        s.bucket_min,
        c.horizon_min()
    );
    for (l, name) in LANE_NAMES.iter().enumerate().take(c.lanes.len()) {
        for b in 0..s.buckets {
            let row = s.row(l, b);
            let at = format!("{what}: lane {name} bucket {b}: {row:?}");
            // The oracle reference is undefined where it is not planned.
            let undefined = |f: usize| {
                c.scenario == Scenario::Cells
                    && (f == fc::ORACLE_KWH || f == fc::ORACLE_COST)
                    && row[f].is_nan()
            };
            assert!(
                (row.iter().enumerate()).all(|(f, x)| (x.is_finite() && *x >= 0.0) || undefined(f)),
                "{at}: a sum is negative or not finite"
            );
            match c.scenario {
                Scenario::Ads => check_ads_row(e, l, b, &at),
                Scenario::Cells => check_cells_row(e, l, b, &at),
            }
        }
    }
    check_totals(e, what);
}

fn check_ads_row(e: &Experiment, l: usize, b: usize, at: &str) {
    let s = e.series();
    let (row, first) = (s.row(l, b), s.row(0, b));
    let n = row[fa::IMPRESSIONS];
    for f in [fa::IMPRESSIONS, fa::CLICKS, fa::UPDATES, fa::RETRAINS] {
        assert!(whole(row[f]), "{at}: field {f} is a count");
    }
    assert!(row[fa::CLICKS] <= n, "{at}: more clicks than impressions");
    assert!(
        row[fa::EXPECTED_CLICKS] <= n && row[fa::P_SUM] <= n,
        "{at}: a probability above 1"
    );
    assert!(
        row[fa::EXPECTED_CLICKS] <= row[fa::ORACLE_CLICKS],
        "{at}: expected clicks beat the oracle's"
    );
    assert!(
        row[fa::CLICKS] > 0.0 || row[fa::REVENUE] == 0.0,
        "{at}: revenue without clicks"
    );
    // Every lane serves the same requests, so it sees the same traffic and the same oracle.
    assert_eq!(
        n,
        first[fa::IMPRESSIONS],
        "{at}: impressions differ from lane A's"
    );
    assert_eq!(
        row[fa::ORACLE_CLICKS],
        first[fa::ORACLE_CLICKS],
        "{at}: oracle clicks differ from lane A's"
    );
    if e.config().lanes[l].policy == Policy::Oracle {
        assert_eq!(
            row[fa::EXPECTED_CLICKS],
            row[fa::ORACLE_CLICKS],
            "{at}: the oracle lane is not the oracle"
        );
    }
}

fn check_cells_row(e: &Experiment, l: usize, b: usize, at: &str) {
    let (c, s) = (e.config(), e.series());
    let (row, first) = (s.row(l, b), s.row(0, b));
    let cells = c.cells.cells as f64;
    let steps = row[fc::FORECASTS] / cells;
    assert!(
        whole(steps) && steps >= 1.0,
        "{at}: forecasts are not whole intervals of every cell"
    );
    for f in [
        fc::ALWAYS_ON_KWH,
        fc::ORACLE_KWH,
        fc::ALWAYS_ON_COST,
        fc::RULE_COST,
        fc::ORACLE_COST,
        fc::OFFERED_LOAD,
        fc::FORECASTS,
    ] {
        // Undefined alike (no oracle over 6 cells a cluster) or equal.
        assert!(
            row[f] == first[f] || (row[f].is_nan() && first[f].is_nan()),
            "{at}: field {f} (the same for every lane) differs from lane A's"
        );
    }
    assert!(
        row[fc::DEGRADED_GB] <= row[fc::OFFERED_LOAD] * GB_PER_CELL_INTERVAL * (1.0 + 1e-9),
        "{at}: more traffic degraded than offered"
    );
    assert_eq!(
        row[fc::DEGRADED_GB] > 0.0,
        row[fc::CONGESTED_MIN] > 0.0,
        "{at}: degraded traffic and congested minutes disagree"
    );
    assert_eq!(
        row[fc::COMPLAINTS] > 0.0,
        row[fc::CONGESTED_USER_MIN] > 0.0,
        "{at}: complaint calls without congested users, or the reverse"
    );
    assert!(
        row[fc::CONGESTED_MIN] <= steps * INTERVAL * 4.0,
        "{at}: more congested minutes than cluster-minutes"
    );
    assert!(
        row[fc::ASLEEP] <= row[fc::FORECASTS],
        "{at}: more cell-intervals asleep than cell-intervals"
    );
    let lane = &c.lanes[l];
    match lane.policy {
        // Never asleep: exactly the always-on reference.
        Policy::Baseline => assert_eq!(
            row[fc::ENERGY_KWH],
            row[fc::ALWAYS_ON_KWH],
            "{at}: always-on lane"
        ),
        // The oracle lane follows the oracle's plan: exactly the reference, when there is one.
        Policy::Oracle => assert!(
            row[fc::COST] == row[fc::ORACLE_COST] || row[fc::ORACLE_COST].is_nan(),
            "{at}: oracle lane"
        ),
        // The rule lane is the rule reference, tuned alike.
        Policy::Rule => assert_eq!(row[fc::COST], row[fc::RULE_COST], "{at}: rule lane"),
        Policy::Model => {}
    }
}

/// Over the run: every interval counted once, sums finite, rates undefined only with nothing to
/// divide by, and the summary equal to the metrics of the bucket totals.
fn check_totals(e: &Experiment, what: &str) {
    let (c, s) = (e.config(), e.series());
    for (l, lane) in e.summary().iter().enumerate() {
        let t = s.totals(l, s.buckets);
        let at = format!("{what}: lane {}", lane.label);
        for (k, v) in &lane.metrics {
            assert!(!v.is_infinite(), "{at}: {k} = {v}");
        }
        let defined = |k: &str| lane.get(k).unwrap().is_finite();
        match c.scenario {
            Scenario::Ads => {
                assert_eq!(
                    defined("expected_ctr"),
                    t[fa::IMPRESSIONS] > 0.0,
                    "{at}: expected_ctr"
                );
                assert_eq!(
                    defined("calibration"),
                    t[fa::CLICKS] > 0.0,
                    "{at}: calibration"
                );
                for k in [
                    "clicks",
                    "expected_clicks",
                    "regret",
                    "revenue",
                    "impressions",
                    "training_updates",
                    "retrains",
                ] {
                    assert!(defined(k), "{at}: {k} undefined");
                }
                assert!(lane.get("regret").unwrap() >= 0.0, "{at}: negative regret");
            }
            Scenario::Cells => {
                assert_eq!(
                    t[fc::FORECASTS],
                    c.cells.cells as f64 * intervals(c),
                    "{at}: intervals lost or counted twice"
                );
                for k in [
                    "energy_saved_pct",
                    "degraded_gb",
                    "congested_minutes",
                    "complaints",
                    "cost",
                    "saved_day",
                    "over_rule_day",
                    "network_saved_year",
                    "asleep_pct",
                    "mae",
                    "energy_kwh",
                    "load",
                    "training_updates",
                    "retrains",
                ] {
                    assert!(defined(k), "{at}: {k} undefined");
                }
                let sleeps = matches!(c.lanes[l].policy, Policy::Rule | Policy::Model);
                assert_eq!(defined("sleep_level"), sleeps, "{at}: sleep_level");
            }
        }
    }
}

/// An hourly trace of `cells` cells over `days` days from hour `start` (times are plain numbers of
/// hours): a daily shape and some noise.
pub fn hourly(cells: usize, days: usize, start: u64) -> String {
    let mut s = String::from("time,cell,value\n");
    let mut x = 7u64;
    for h in 0..days * 24 {
        for c in 0..cells {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let noise = (x >> 40) as f64 / (1u64 << 24) as f64;
            let v =
                0.3 + 0.2 * ((h % 24) as f64 / 24.0 * std::f64::consts::TAU).sin() + 0.1 * noise;
            s.push_str(&format!("{},c{c},{v:.4}\n", start + h as u64));
        }
    }
    s
}
