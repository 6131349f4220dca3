//! The command line: digests equal the table the wasm suite checks, bad input exits with 2 and a
//! message naming the field, output is byte-identical for the same configuration.

use std::process::Command;

fn rtml(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rtml"))
        .args(args)
        .output()
        .expect("rtml runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn digest_matches_the_table_shared_with_wasm() {
    let table = include_str!("digests.txt");
    for line in table.lines().take(2) {
        let (name, want) = line.split_once(' ').unwrap();
        let (code, out, err) = rtml(&["run", "--preset", name, "--digest"]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.trim(), want, "{name}");
    }
}

#[test]
fn bad_input_exits_with_2_and_names_the_field() {
    for (args, needle) in [
        (vec!["run", "--preset", "nope"], "no preset"),
        (vec!["run", "--set", "volume=-1"], "volume"),
        (vec!["run", "--set", "b.every=0m"], "b.every"),
        (vec!["run", "--set", "novalue"], "key=value"),
        (vec!["run", "--metric", "nope"], "no metric"),
        (vec!["sweep", "--values", "1h,zz"], "zz"),
        (vec!["sweep", "--param", "volume"], "param"),
        (vec!["sweep", "--seeds", "0"], "seeds"),
    ] {
        let (code, _, err) = rtml(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn same_configuration_gives_byte_identical_output() {
    let args = [
        "run",
        "--preset",
        "cells-sim-gap",
        "--seed",
        "4",
        "--set",
        "days=3",
        "--json",
    ];
    let (c1, a, _) = rtml(&args);
    let (c2, b, _) = rtml(&args);
    assert_eq!((c1, c2), (0, 0));
    assert_eq!(a, b);
    let v: serde_json::Value = serde_json::from_str(&a).unwrap();
    assert_eq!(v["preset"], "cells-sim-gap");
    assert_eq!(v["seed"], 4);
    assert_eq!(v["lanes"][0]["policy"], "model");
    for key in [
        "energy_kwh",
        "energy_saved_pct",
        "degraded_gb",
        "congested_minutes",
        "complaints",
        "cost",
        "saved_day",
        "network_saved_year",
        "mae",
        "oracle_savings_pct",
        "training_updates",
        "retrains",
    ] {
        assert!(v["lanes"][0]["summary"].get(key).is_some(), "{key}");
    }
}

#[test]
fn csv_and_svg_are_written() {
    let dir = std::env::temp_dir().join(format!("rtml-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("s.csv");
    let svg = dir.join("c.svg");
    let (code, _, err) = rtml(&[
        "run",
        "--preset",
        "ads-drift",
        "--set",
        "days=2",
        "--csv",
        csv.to_str().unwrap(),
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("hour,lane,expected_ctr"));
    assert!(text.lines().count() > 40);
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_world_panes_are_written_as_svg_and_bad_picks_are_refused() {
    let dir = std::env::temp_dir().join(format!("rtml-world-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg = dir.join("w.svg");
    let path = svg.to_str().unwrap();
    for (preset, extra) in [
        ("cells-holiday", vec!["--cell", "3", "--at", "8.5"]),
        ("ads-drift", vec![]),
    ] {
        let mut args = vec![
            "run",
            "--preset",
            preset,
            "--set",
            "days=9",
            "--world-svg",
            path,
        ];
        args.extend(extra);
        let (code, _, err) = rtml(&args);
        assert_eq!(code, 0, "{preset}: {err}");
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(
            text.starts_with("<svg") && text.matches("<rect").count() > 50,
            "{preset}"
        );
        let want = if preset == "ads-drift" {
            "Session intent"
        } else {
            "cell 3 (nightlife)"
        };
        assert!(text.contains(want), "{preset}: {want}");
    }
    for (preset, bad, why) in [
        ("cells-sleep", vec!["--cell", "0"], "cells 1 to"),
        ("cells-sleep", vec!["--at", "99"], "covers days 0 to"),
        ("ads-drift", vec!["--cell", "2"], "has no cells"),
    ] {
        let mut args = vec![
            "run",
            "--preset",
            preset,
            "--set",
            "days=2",
            "--world-svg",
            path,
        ];
        args.extend(bad);
        let (code, _, err) = rtml(&args);
        assert_eq!(code, 2, "{preset}: {err}");
        assert!(err.contains(why), "{err}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    use std::process::Stdio;
    // `rtml run ... | head -1`: the pipe is closed before rtml writes (the run takes a while).
    let mut child = Command::new(env!("CARGO_BIN_EXE_rtml"))
        .args(["run", "--preset", "ads-drift", "--set", "days=2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rtml runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("rtml ends");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}

#[test]
fn thread_count_changes_no_number() {
    let digest = |threads: &str| {
        rtml(&[
            "run",
            "--preset",
            "ads-new-campaigns",
            "--set",
            "days=3",
            "--digest",
            "--threads",
            threads,
        ])
    };
    let (one, four) = (digest("1"), digest("4"));
    assert_eq!(one.0, 0, "{}", one.2);
    assert_eq!(one.1, four.1);
    let (code, _, err) = rtml(&["run", "--threads", "0"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("threads"), "{err}");
}

/// `rtml run --json`, read back into types: exactly the lanes, descriptions and summary values of the
/// same run made in-process (undefined values as null), and nothing else.
#[test]
fn run_json_reads_back_into_the_summary_of_the_same_run() {
    use std::collections::BTreeMap;
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RunJson {
        preset: String,
        seed: u32,
        lanes: Vec<LaneJson>,
    }
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct LaneJson {
        label: String,
        description: String,
        policy: String,
        summary: BTreeMap<String, Option<f64>>,
    }
    for (name, sets) in [
        ("cells-sim-gap", &["days=2"][..]),
        ("ads-drift", &["days=1", "volume=0"][..]),
    ] {
        let mut args = vec!["run", "--preset", name, "--seed", "7", "--json"];
        for s in sets {
            args.extend(["--set", s]);
        }
        let (code, out, err) = rtml(&args);
        assert_eq!(code, 0, "{err}");
        let got: RunJson = serde_json::from_str(&out).unwrap();
        let overrides: Vec<(String, String)> = sets
            .iter()
            .map(|s| s.split_once('=').unwrap())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut cfg = rtml::sim::presets::preset(name)
            .unwrap()
            .config_with(&overrides)
            .unwrap();
        cfg.seed = 7;
        let mut exp = rtml::sim::experiment::Experiment::new(cfg).unwrap();
        exp.run_to_end();
        let want = exp.summary();
        assert_eq!((got.preset.as_str(), got.seed), (name, 7));
        assert_eq!(got.lanes.len(), want.len(), "{name}");
        for (g, w) in got.lanes.iter().zip(&want) {
            assert_eq!((&g.label, &g.description), (&w.label, &w.description));
            assert_eq!(g.policy, w.policy);
            let keys: Vec<&str> = g.summary.keys().map(String::as_str).collect();
            let mut want_keys: Vec<&str> = w.metrics.iter().map(|m| m.0).collect();
            want_keys.sort();
            assert_eq!(keys, want_keys, "{name} lane {}", w.label);
            for (k, v) in &w.metrics {
                let expected = v.is_finite().then_some(*v);
                assert_eq!(g.summary[*k], expected, "{name} lane {} {k}", w.label);
            }
        }
        if name == "ads-drift" {
            assert_eq!(
                got.lanes[0].summary["expected_ctr"], None,
                "no traffic: undefined"
            );
        }
    }
}

/// `rtml sweep --json`, read back: each point's statistics are those of the same sweep made in-process.
#[test]
fn sweep_json_reads_back_into_the_summary_of_the_same_sweep() {
    use rtml::study::sweep::{Param, Point, Spec};
    #[derive(serde::Deserialize)]
    struct SweepJson {
        metric: String,
        seeds: u32,
        loss_per_hour: Option<f64>,
        points: Vec<PointJson>,
    }
    #[derive(serde::Deserialize)]
    struct PointJson {
        label: String,
        hours: Option<f64>,
        mean: Option<f64>,
        share: Option<f64>,
        cost: Option<f64>,
    }
    let (code, out, err) = rtml(&[
        "sweep",
        "--preset",
        "cells-holiday",
        "--values",
        "2h,1d",
        "--seeds",
        "2",
        "--set",
        "days=2",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let got: SweepJson = serde_json::from_str(&out).unwrap();
    let mut cfg = rtml::sim::presets::preset("cells-holiday")
        .unwrap()
        .config();
    cfg.set("days", "2").unwrap();
    let points = vec![Point::Hours(2.0), Point::Hours(24.0)];
    let spec = Spec::new(cfg, None, Param::Every, points, 2, None).unwrap();
    let (_, want) = rtml::study::sweep::run(&spec, |_, _| {}).unwrap();
    let num = |x: f64| x.is_finite().then_some(x);
    assert_eq!((got.metric.as_str(), got.seeds), (want.metric.as_str(), 2));
    assert_eq!(got.loss_per_hour, num(want.loss_per_hour));
    assert_eq!(got.points.len(), want.points.len());
    for (g, w) in got.points.iter().zip(&want.points) {
        let hours = match w.point {
            Point::Hours(h) => Some(h),
            _ => None,
        };
        assert_eq!((g.label.as_str(), g.hours), (w.label.as_str(), hours));
        assert_eq!(
            (g.mean, g.share, g.cost),
            (num(w.mean), num(w.share), num(w.cost)),
            "{}",
            w.label
        );
    }
}

#[test]
fn an_unknown_lane_letter_in_the_sweep_param_is_refused() {
    let (code, _, err) = rtml(&[
        "sweep", "--param", "e.every", "--values", "1h", "--seeds", "1",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("e.every") && err.contains("a to d"), "{err}");
}

#[test]
fn messages_say_what_was_typed_and_what_is_valid() {
    // A number in exponent form is a count of examples, not a time.
    let dir = std::env::temp_dir().join(format!("rtml-msg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("c.vw");
    std::fs::write(&file, "1 |a x\n-1 |a y\n".repeat(20)).unwrap();
    let f = file.to_str().unwrap();
    let (code, out, err) = rtml(&["replay", "--format", "vw", "--warmup", "1e1", f]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("no time"), "{err}");
    assert!(out.contains("continual"), "{out}");
    let (code, _, err) = rtml(&["replay", "--format", "vw", "--warmup", "1.5e1x", f]);
    assert_eq!(code, 2, "{err}");
    // A refused value is echoed as typed, not as the number it rounds to.
    let (code, _, err) = rtml(&["run", "--set", "a.every=1e-9h"]);
    assert_eq!(code, 2);
    assert!(err.contains("`1e-9h`"), "{err}");
    // `rtml knobs` prints the valid values it promises, and the lane count.
    let (_, out, _) = rtml(&["knobs"]);
    assert!(out.lines().any(|l| l.starts_with("lanes ")), "{out}");
    assert!(
        out.contains("1m to 30d") && out.contains("ads, cells"),
        "{out}"
    );
    // A scenario change drops the preset's metric for the scenario's default.
    let (code, out, err) = rtml(&[
        "run",
        "--preset",
        "ads-drift",
        "--set",
        "scenario=cells",
        "--set",
        "days=1",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("mae"), "{out}");
    let (code, _, err) = rtml(&[
        "run",
        "--preset",
        "ads-drift",
        "--set",
        "scenario=cells",
        "--metric",
        "regret_pct",
    ]);
    assert_eq!(code, 2, "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_costly_configuration_is_refused_with_its_knobs_unless_no_limit() {
    let costly = [
        "run",
        "--set",
        "lanes=1",
        "--set",
        "a.mode=online",
        "--set",
        "a.update=periodic",
        "--set",
        "a.retrain=stateless",
        "--set",
        "a.every=1m",
    ];
    let (code, _, err) = rtml(&costly);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("a.every") && err.contains("--no-limit") && err.contains("min"),
        "{err}"
    );
    let (code, out, _) = rtml(&[&costly[..], &["--estimate"]].concat());
    assert_eq!(code, 0);
    assert!(out.contains("retrains from scratch every 1m"), "{out}");
    let (code, _, err) = rtml(&[
        "sweep",
        "--values",
        "1m",
        "--set",
        "b.retrain=stateless",
        "--set",
        "days=60",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("this sweep refused"), "{err}");
    // An ordinary run says nothing about its cost.
    let (code, _, err) = rtml(&["run", "--set", "days=2"]);
    assert_eq!((code, err.as_str()), (0, ""));
}

#[test]
fn a_costly_replay_is_refused_with_its_knobs_unless_no_limit() {
    let dir = std::env::temp_dir().join(format!("rtml-cost-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("c.vw");
    std::fs::write(&file, "1 |a x\n-1 |a y\n".repeat(20_000)).unwrap();
    let f = file.to_str().unwrap();
    let lanes = ["continual"; 8].join(",");
    let (code, _, err) = rtml(&[
        "replay", "--format", "vw", "--bits", "24", "--lanes", &lanes, f,
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--bits 24") && err.contains("GB") && err.contains("--no-limit"),
        "{err}"
    );
    let (code, _, err) = rtml(&[
        "replay",
        "--format",
        "vw",
        "--lanes",
        "stateless:1/20000",
        "--bits",
        "22",
        "--warmup",
        "0",
        f,
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("stateless:1/20000"), "{err}");
    let (code, _, err) = rtml(&[
        "replay",
        "--format",
        "vw",
        "--bits",
        "10",
        "--lanes",
        "stateless:20/100",
        "--no-limit",
        f,
    ]);
    assert_eq!(code, 0, "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn run_and_the_page_default_to_the_same_metric_after_a_change_of_scenario() {
    // `rtml run` chooses a metric for `--seeds` (the pairwise counts) and the chart; after
    // `--set scenario=cells` on an ads preset it must be the page's for the same link.
    let (page, _) = rtml::view::state::State::parse("preset=ads-drift&scenario=cells");
    assert_eq!(page.metric, "energy_saved_pct");
    let (code, out, err) = rtml(&[
        "run",
        "--preset",
        "ads-drift",
        "--set",
        "scenario=cells",
        "--set",
        "days=2",
        "--seeds",
        "2",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["metric"], page.metric.as_str(), "{out}");
}

// --- a hostile review of the command line (session r3s6) ---------------------------------------------

/// A run that cannot start (an oracle lane over more than 24 cells) is refused for that reason by
/// `--estimate` and by the cost check, not priced or refused for its cost with `--no-limit` offered.
#[test]
fn a_run_that_cannot_start_is_refused_before_its_estimate() {
    for extra in [&["--estimate"][..], &[], &["--no-limit"]] {
        let mut args = vec!["run", "--preset", "cells-sleep", "--set", "cells=64"];
        args.extend(extra);
        let (code, out, err) = rtml(&args);
        assert_eq!(code, 2, "{extra:?}: {out}");
        assert!(
            err.contains("d.policy") && err.contains("24 cells") && !err.contains("--no-limit"),
            "{extra:?}: {err}"
        );
    }
}

/// Valid sweeps whose loss per hour cannot be fitted (no interval of a day or less; no traffic)
/// say so in words and in the chart's legend, never "NaN%".
#[test]
fn a_sweep_without_a_slope_says_why_instead_of_nan() {
    for (sets, why) in [
        (&["--values", "2d"][..], "none was swept"),
        (&["--values", "1h", "--set", "volume=0"], "undefined"),
    ] {
        let mut args = vec![
            "sweep", "--seeds", "1", "--set", "days=1", "--set", "warmup=1",
        ];
        args.extend(sets);
        let (code, out, err) = rtml(&args);
        assert_eq!(code, 0, "{err}");
        assert!(!out.contains("NaN") && out.contains(why), "{sets:?}: {out}");
        let (code, svg, err) = rtml(&[&args[..], &["--svg", "-"]].concat());
        assert_eq!(code, 0, "{err}");
        assert!(!svg.contains("NaN") && svg.contains(why), "{sets:?}");
    }
}

/// The answer's options read from a file are refused without `--trace`, and the simulator's options
/// with it, instead of being ignored.
#[test]
fn answer_options_for_the_other_source_are_refused_not_ignored() {
    for args in [
        &["answer", "--format", "vw"][..],
        &["answer", "--groups", "all"],
        &["answer", "--coverage", "nowhere.csv"],
        &["answer", "--lanes", "frozen"],
        &["answer", "--warmup", "2d"],
        &[
            "answer",
            "--trace",
            "x.csv",
            "--format",
            "load-csv",
            "--sensitivity",
        ],
        &[
            "answer", "--trace", "x.csv", "--format", "load-csv", "--seeds", "3",
        ],
        &[
            "answer",
            "--trace",
            "x.csv",
            "--format",
            "load-csv",
            "--ads",
            "ads-drift",
        ],
    ] {
        let (code, out, err) = rtml(&[args, &["--estimate"]].concat());
        assert_eq!(code, 2, "{args:?}: {out}");
        assert!(err.contains("--trace"), "{args:?}: {err}");
    }
}

/// A failing study ends its progress line before the error, which starts a line of its own.
#[test]
fn an_error_after_progress_starts_its_own_line() {
    let dir = std::env::temp_dir().join(format!("rtml-line-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("h.csv");
    std::fs::write(&file, "time,cell,value\n").unwrap();
    let f = file.to_str().unwrap();
    let (code, _, err) = rtml(&["answer", "--trace", f, "--format", "load-csv"]);
    assert_eq!(code, 2, "{err}");
    let last = err.lines().last().unwrap();
    assert!(
        last.starts_with("rtml: ") && last.contains("no value"),
        "{err:?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// An unknown metric is refused with the scenario's metrics to choose from.
#[test]
fn an_unknown_metric_lists_the_metrics() {
    for cmd in ["run", "sweep"] {
        let (code, _, err) = rtml(&[cmd, "--metric", "nope", "--estimate"]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("choose one of") && err.contains("expected_ctr"),
            "{cmd}: {err}"
        );
    }
}

/// An option of the other format (a load trace's `--threshold` with a click log, a click log's
/// `--bits` with a load trace) is refused by name instead of being ignored.
#[test]
fn an_option_of_the_other_format_is_refused_not_ignored() {
    for (format, flag, value) in [
        ("vw", "--threshold", "0.3"),
        ("vw", "--delimiter", ";"),
        ("load-csv", "--bits", "20"),
        ("load-csv", "--ftrl", "alpha=1"),
    ] {
        let replay = ["replay", "--format", format, flag, value, "x", "--estimate"];
        let answer = [
            "answer",
            "--trace",
            "x",
            "--format",
            format,
            flag,
            value,
            "--estimate",
        ];
        for args in [&replay[..], &answer[..]] {
            let (code, _, err) = rtml(args);
            assert_eq!(code, 2, "{args:?}: {err}");
            assert!(
                err.contains(flag) && err.contains("leave it out"),
                "{args:?}: {err}"
            );
        }
    }
}

/// A claim the run does not cover (the holiday switched off) is said to be unchecked, not
/// "held in 0 of 0 seeds".
#[test]
fn a_claim_the_run_does_not_cover_is_said_unchecked() {
    let (code, out, err) = rtml(&[
        "run",
        "--preset",
        "cells-holiday",
        "--seeds",
        "2",
        "--set",
        "holiday=off",
        "--set",
        "days=3",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("0 of 0"), "{out}");
    assert!(out.contains("not checked"), "{out}");
}
