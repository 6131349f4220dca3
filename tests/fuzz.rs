//! Property tests (proptest): any configuration value, any URL hash, any JSON configuration gives a
//! clear error or a valid state, never a panic; runs of random valid configurations stay finite.

use proptest::prelude::*;
use rtml::sim::config::{Config, KNOBS, LANE_KNOBS};
use rtml::sim::experiment::Experiment;
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

    #[test]
    fn any_json_configuration_is_refused_or_valid(json in ".{0,200}") {
        if let Ok(c) = serde_json::from_str::<Config>(&json) {
            let _ = c.validate();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn random_valid_configurations_run_with_finite_sums(pairs in proptest::collection::vec((any_key(), any_value()), 0..25), cells in any::<bool>()) {
        let mut c = Config::for_scenario(if cells { rtml::sim::config::Scenario::Cells } else { rtml::sim::config::Scenario::Ads });
        for (k, v) in &pairs {
            let _ = c.set(k, v);
        }
        // Keep each case short: one day, one warm-up day, moderate traffic.
        c.days = 1.0;
        c.warmup = 1.0;
        c.ads.volume = c.ads.volume.min(500.0);
        c.cells.cells = c.cells.cells.min(16);
        let mut e = Experiment::new(c).unwrap();
        e.run_to_end();
        for lane in e.summary() {
            for (k, v) in &lane.metrics {
                prop_assert!(!v.is_infinite(), "{} {}", k, v);
            }
        }
        prop_assert!(!e.csv().contains("NaN"));
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
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn replay_sessions_never_panic_on_any_bytes_or_chunking(bytes in replay_bytes(), cut in 1usize..97, csv in any::<bool>(), skip in any::<bool>()) {
        use rtml::replay::{ReplayOptions, Session};
        let mut settings = vec![("warmup", "2".to_string()), ("skip-bad", skip.to_string())];
        if csv {
            settings.extend([("delimiter", ";".to_string()), ("time-col", "Datetime".to_string()), ("cell-col", "Cell".to_string()), ("value-col", "Load".to_string())]);
        }
        let opts = ReplayOptions::from_args(if csv { "load-csv" } else { "vw" }, &settings).unwrap();
        let mut s = Session::new(opts).unwrap();
        let mut failed = false;
        for chunk in bytes.chunks(cut) {
            if s.feed(chunk).is_err() {
                failed = true;
                break;
            }
        }
        if !failed {
            let _ = s.finish();
        }
        // The report is valid JSON (undefined values are null, never NaN).
        let json = rtml::replay::report_json(&s.report(), 1.0).to_string();
        prop_assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
    }
}
