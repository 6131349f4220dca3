//! Property tests (proptest): any configuration value or URL hash gives a clear error or a valid state,
//! never a panic; a configuration reads back the same from its JSON and from its knob text; runs of
//! valid configurations keep the invariants of `common::check_run`, whatever the stepping, and equal
//! lanes give equal series; a replay ends the same however its bytes are chunked, and on hostile files
//! (huge finite values, far-future timestamps, byte-order marks, CR line endings) never panics nor
//! turns a scored lane's metric into a null.

mod common;

use proptest::prelude::*;
use rtml::base::units::MINUTES_PER_DAY;
use rtml::sim::config::{Config, Policy, Update};
use rtml::sim::experiment::Experiment;
use rtml::sim::knobs::{KNOBS, LANE_KNOBS};
use rtml::view::state::State;

fn any_key() -> impl Strategy<Value = String> {
    let mut keys: Vec<String> = KNOBS.iter().map(|k| k.key.to_string()).collect();
    for l in ["a", "b", "c", "d", "e", ""] {
        keys.extend(LANE_KNOBS.iter().map(|k| format!("{l}.{}", k.key)));
    }
    keys.push("lanes".into());
    prop_oneof![proptest::sample::select(keys), ".{0,12}"]
}

fn any_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<f64>().prop_map(|x| x.to_string()),
        (-1e6f64..1e6).prop_map(|x| x.to_string()),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        Just("1e308".to_string()),
        Just("99999999999999999999".to_string()),
        Just("off".to_string()),
        proptest::sample::select(vec![
            "batch",
            "online",
            "frozen",
            "periodic",
            "continual",
            "triggered",
            "stateful",
            "stateless",
            "rls",
            "nlms",
            "cell",
            "global",
            "simulator",
            "oracle",
            "baseline",
            "pico",
            "30m",
            "2h",
            "7d",
            "0m",
            "-1h"
        ])
        .prop_map(String::from),
        ".{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn setting_anything_never_panics_and_keeps_the_config_valid(pairs in proptest::collection::vec((any_key(), any_value()), 0..30)) {
        let mut c = Config::default();
        for (k, v) in &pairs {
            let before = c.clone();
            match c.set(k, v) {
                Ok(()) => {}
                Err(e) => {
                    prop_assert_eq!(&c, &before, "a refused value changed the configuration");
                    prop_assert!(!e.field.is_empty() && !e.expected.is_empty());
                }
            }
            prop_assert!(c.validate().is_ok(), "{:?}", c.validate());
        }
    }

    #[test]
    fn any_hash_parses_to_a_valid_state(hash in ".{0,300}") {
        let (s, _) = State::parse(&hash);
        prop_assert!(s.config.validate().is_ok());
        let (t, notices) = State::parse(&s.to_hash());
        prop_assert!(notices.is_empty(), "{:?}", notices);
        prop_assert_eq!(s.config, t.config);
    }

    #[test]
    fn any_hash_of_known_keys_parses_to_a_valid_state(pairs in proptest::collection::vec((any_key(), any_value()), 0..20)) {
        let hash: String = pairs.iter().map(|(k, v)| format!("{}={}", rtml::view::state::encode(k), rtml::view::state::encode(v))).collect::<Vec<_>>().join("&");
        let (s, _) = State::parse(&hash);
        prop_assert!(s.config.validate().is_ok());
    }

    /// The settings file the page exports (`settings_json`: the configuration as pretty JSON) reads
    /// back into the same configuration, and so does its text through the knob table (`--set`, the
    /// URL hash): the three ways to write a configuration describe the same one.
    #[test]
    fn configuration_json_round_trips_and_agrees_with_the_knob_table(c in common::valid_config()) {
        let json = serde_json::to_string_pretty(&c).unwrap();
        // The page writes the file without serde_json's float formatter: the same text.
        prop_assert_eq!(&rtml::base::json::to_string_pretty(&c), &json);
        let back: Config = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &c);
        prop_assert!(back.validate().is_ok());
        let mut via_knobs = Config::default();
        for (k, v) in c.pairs() {
            via_knobs.set(&k, &v).unwrap();
        }
        prop_assert_eq!(&via_knobs, &c);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// Any valid configuration (every knob drawn from its range) runs to the end keeping the
    /// invariants of `common::check_run`, and gives the same numbers however the run is stepped
    /// (warm-up in slices, the horizon in pieces, any thread count), as the page steps it by frames.
    #[test]
    fn valid_configurations_keep_the_invariants_however_they_are_stepped(
        c in common::valid_config(),
        warm in proptest::collection::vec(0.0..1.0f64, 0..3),
        cuts in proptest::collection::vec(0.0..1.0f64, 0..6),
        threads in 1usize..=4,
    ) {
        let mut whole = Experiment::new(c.clone()).unwrap();
        whole.run_to_end();
        common::check_run(&whole, &format!("{:?}", c.pairs()));

        let mut stepped = Experiment::new(c.clone()).unwrap();
        stepped.set_threads(threads);
        let mut warm = warm;
        warm.sort_by(f64::total_cmp);
        for w in warm {
            stepped.warm_until(-(1.0 - w) * c.warmup * MINUTES_PER_DAY);
        }
        let mut cuts = cuts;
        cuts.sort_by(f64::total_cmp);
        for t in cuts {
            stepped.run_until(t * c.horizon_min());
        }
        stepped.run_to_end();
        prop_assert_eq!(&stepped.series().lanes, &whole.series().lanes);
        prop_assert_eq!(stepped.digest(), whole.digest());
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// Lanes with the same settings see the same world and the same draws: their series are equal.
    /// (Learning lanes: references are equal by construction.)
    #[test]
    fn identical_lanes_give_identical_series(c in common::valid_config(), update in proptest::sample::select(&[Update::Continual, Update::Periodic, Update::Triggered][..])) {
        let mut c = c;
        c.lanes[0].policy = Policy::Model;
        c.lanes[0].update = update;
        c.lanes = vec![c.lanes[0].clone(); c.lanes.len().max(2)];
        let mut e = Experiment::new(c).unwrap();
        e.run_to_end();
        let s = e.series();
        for l in 1..s.lanes.len() {
            prop_assert_eq!(&s.lanes[l], &s.lanes[0], "lane {} differs from lane A", l);
        }
    }
}

fn replay_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..600),
        // Plausible lines with junk mixed in.
        proptest::collection::vec(
            prop_oneof![
                Just("1 |u a b:2 |c x\n".to_string()),
                Just("-1 0.5 'tag|u a\n".to_string()),
                Just("0 |u\n".to_string()),
                Just("Cell;Datetime;Load\n".to_string()),
                Just("a;2024-01-01 00:00:00;0.4\n".to_string()),
                Just("a;2024-01-01 01:00;NaN\n".to_string()),
                Just("b;bad-date;0.1\n".to_string()),
                ".{0,30}\n",
            ],
            0..40
        )
        .prop_map(|v| v.concat().into_bytes()),
    ]
}

proptest! {
    // Each case replays twice (in chunks, then at once).
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn replay_sessions_end_the_same_whatever_the_chunking(bytes in replay_bytes(), cut in 1usize..97, csv in any::<bool>(), skip in any::<bool>()) {
        use rtml::replay::{ReplayOptions, Session};
        let mut settings = vec![("warmup", "2".to_string()), ("skip-bad", skip.to_string())];
        if csv {
            settings.extend([("delimiter", ";".to_string()), ("time-col", "Datetime".to_string()), ("cell-col", "Cell".to_string()), ("value-col", "Load".to_string())]);
        }
        let opts = ReplayOptions::from_args(if csv { "load-csv" } else { "vw" }, &settings).unwrap();
        // Fed in chunks of `cut` bytes...
        let mut s = Session::new(opts.clone()).unwrap();
        let failed = bytes.chunks(cut).any(|chunk| s.feed(chunk).is_err()) || s.finish().is_err();
        // ...or all at once: the session ends the same way, with the same report.
        let mut once = Session::new(opts).unwrap();
        let once_failed = once.feed(&bytes).is_err() || once.finish().is_err();
        prop_assert_eq!(failed, once_failed);
        prop_assert_eq!(rtml::replay::report_json(&s.report(), 1.0), rtml::replay::report_json(&once.report(), 1.0));
    }
}

/// One hostile click-log line: huge finite values at and beyond the learner's bound, tiny ones,
/// non-finite importance weights, namespace weights.
fn hostile_click_line() -> impl Strategy<Value = String> {
    let label = proptest::sample::select(vec!["1", "-1", "0"]);
    let weight =
        proptest::sample::select(vec!["", " 2", " 1e30", " 1e-300", " 1e200", " nan", " inf"]);
    let ns = proptest::sample::select(vec!["a", "b:1e30", "c:1e200", "d:-3", "e:1e-300"]);
    let value = proptest::sample::select(vec![
        "", ":1e30", ":-1e30", ":1e160", ":1e-300", ":3", ":1e308",
    ]);
    let feature =
        (proptest::sample::select(vec!["x", "y", "z"]), value).prop_map(|(n, v)| format!("{n}{v}"));
    (label, weight, ns, proptest::collection::vec(feature, 0..4))
        .prop_map(|(l, w, ns, f)| format!("{l}{w} |{ns} {}", f.join(" ")))
}

/// One hostile load-trace row of cell `a` or `b`: far-future times, huge finite loads.
fn hostile_load_row() -> impl Strategy<Value = String> {
    let cell = proptest::sample::select(vec!["a", "b"]);
    let time = prop_oneof![
        8 => (0u32..400).prop_map(|h| h.to_string()),
        1 => proptest::sample::select(vec!["1e9", "1e12", "1e15", "1e300"]).prop_map(String::from),
    ];
    let load = prop_oneof![
        8 => (0u32..100).prop_map(|v| format!("0.{v:02}")),
        1 => proptest::sample::select(vec!["1e30", "1e200", "1e308", "7"]).prop_map(String::from),
    ];
    (cell, time, load).prop_map(|(c, t, v)| format!("{c};{t};{v}"))
}

/// A hostile file: a byte-order mark or not, LF, CRLF or CR-only line endings.
fn hostile_file(lines: Vec<String>, bom: bool, ending: &str) -> Vec<u8> {
    let mut out = if bom {
        b"\xEF\xBB\xBF".to_vec()
    } else {
        Vec::new()
    };
    for l in lines {
        out.extend_from_slice(l.as_bytes());
        out.extend_from_slice(ending.as_bytes());
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Huge finite values, far-future timestamps, byte-order marks and CR line endings: no panic, the
    /// same report however the bytes are chunked, and no lane that scored something shows a null
    /// (non-finite) headline metric: numbers too large are refused (here skipped), never silently
    /// turned into nulls.
    #[test]
    fn hostile_replays_keep_every_scored_metric_finite(
        csv in any::<bool>(),
        clicks in proptest::collection::vec(hostile_click_line(), 1..60),
        rows in proptest::collection::vec(hostile_load_row(), 1..120),
        bom in any::<bool>(),
        ending in proptest::sample::select(vec!["\n", "\r\n", "\r"]),
        cut in 1usize..97,
    ) {
        use rtml::replay::{ReplayOptions, Session};
        let (format, bytes, mut settings) = if csv {
            let mut lines = vec!["cell;time;load".to_string()];
            lines.extend(rows);
            let s = [("delimiter", ";"), ("time-col", "time"), ("cell-col", "cell"), ("value-col", "load"), ("warmup", "3"), ("lanes", "frozen,stateless:2h/5h,stateful:1min,continual")];
            ("load-csv", hostile_file(lines, bom, ending), s.to_vec())
        } else {
            let s = [("warmup", "2"), ("lanes", "frozen,stateless:3/5,stateful:2,continual")];
            ("vw", hostile_file(clicks, bom, ending), s.to_vec())
        };
        settings.push(("skip-bad", "true"));
        let settings: Vec<(&str, String)> = settings.into_iter().map(|(k, v)| (k, v.to_string())).collect();
        let opts = ReplayOptions::from_args(format, &settings).unwrap();
        let mut s = Session::new(opts.clone()).unwrap();
        let failed = bytes.chunks(cut).any(|chunk| s.feed(chunk).is_err()) || s.finish().is_err();
        let mut once = Session::new(opts).unwrap();
        let once_failed = once.feed(&bytes).is_err() || once.finish().is_err();
        prop_assert_eq!(failed, once_failed);
        let report = s.report();
        prop_assert_eq!(rtml::replay::report_json(&report, 1.0), rtml::replay::report_json(&once.report(), 1.0));
        let headline: &[&str] = if csv { &["mae", "rmse", "energy_kwh"] } else { &["log_loss"] };
        for lane in &report.lanes {
            for (k, v) in &lane.metrics {
                prop_assert!(!v.is_infinite(), "{} {}: {} ({:?})", lane.label, k, v, report.notices);
            }
            if lane.examples > 0 {
                for k in headline {
                    let v = lane.metric(k).unwrap();
                    prop_assert!(v.is_finite(), "{} {}: {} ({:?})", lane.label, k, v, report.notices);
                }
            }
        }
    }
}
