//! Replay on hostile input (issue 17, defects 1, 2, 4, 5, 6): a far-future timestamp costs no more than
//! any other row, numbers too large for the learners are refused with their line, a non-finite
//! importance weight is refused, a byte-order mark is stripped, and CR-only line endings are read.

use std::time::{Duration, Instant};

use rtml::replay::{ReplayError, ReplayOptions, Report, Session};

fn opts(format: &str, settings: &[(&str, &str)]) -> ReplayOptions {
    let s: Vec<(&str, String)> = settings.iter().map(|(k, v)| (*k, v.to_string())).collect();
    ReplayOptions::from_args(format, &s).unwrap()
}

/// Replays `data` fed in chunks of `size` bytes.
fn replay_chunks(o: &ReplayOptions, data: &[u8], size: usize) -> Result<Report, ReplayError> {
    let mut s = Session::new(o.clone())?;
    for chunk in data.chunks(size.max(1)) {
        s.feed(chunk)?;
    }
    s.finish()?;
    Ok(s.report())
}

fn replay(o: &ReplayOptions, data: &[u8]) -> Result<Report, ReplayError> {
    replay_chunks(o, data, data.len())
}

fn json(r: &Report) -> serde_json::Value {
    rtml::replay::report_json(r, 1.0)
}

/// Every lane that scored something has finite headline metrics (never a silent null).
fn assert_finite_metrics(r: &Report, keys: &[&str]) {
    for l in &r.lanes {
        assert!(l.examples > 0, "{}: nothing scored", l.label);
        for k in keys {
            let v = l.metric(k).unwrap();
            assert!(v.is_finite(), "{} {k} = {v} in {:?}", l.label, r.notices);
        }
    }
}

// --- defect 1: a far-future timestamp ---------------------------------------------------------------

/// 200 hourly rows, then one row at `last`.
fn gap_trace(last: &str) -> String {
    let mut s = String::from("time,load\n");
    for h in 0..200 {
        s.push_str(&format!("{h},0.5\n"));
    }
    s.push_str(&format!("{last},0.5\n"));
    s
}

fn load_opts(lanes: &str) -> ReplayOptions {
    opts(
        "load-csv",
        &[
            ("time-col", "time"),
            ("value-col", "load"),
            ("lanes", lanes),
        ],
    )
}

#[test]
fn a_far_future_timestamp_costs_one_retrain_and_is_flagged() {
    let lanes = "frozen,stateless:24h,stateless:1min/2h,stateful:1min,continual";
    for last in ["1e12", "1e9", "210"] {
        let start = Instant::now();
        let r = replay(&load_opts(lanes), gap_trace(last).as_bytes()).unwrap();
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{last}: {:?}",
            start.elapsed()
        );
        for l in &r.lanes {
            // 33 forecasts after the 168-hour warm-up: one retrain per row at most (the retrains due
            // between two rows, with no value in between, run as one).
            let retrains = l.metric("retrains").unwrap();
            assert!(retrains <= 33.0, "{last} {}: {retrains}", l.label);
        }
        let flagged = r
            .notices
            .iter()
            .any(|n| n.contains("gap of") && n.contains("line 202"));
        assert_eq!(flagged, last != "210", "{last}: {:?}", r.notices);
    }
    // A date far in the future, with a retrain due every minute.
    let mut s = String::from("time,load\n");
    for h in 0..200 {
        s.push_str(&format!("2019-01-{:02} {:02}:00,0.5\n", 1 + h / 24, h % 24));
    }
    s.push_str("9999-12-31 00:00,0.5\n");
    let start = Instant::now();
    let r = replay(&load_opts("periodic:1min,stateful:1min"), s.as_bytes()).unwrap();
    assert!(start.elapsed() < Duration::from_secs(5));
    let has = |a: &str, b: &str| r.notices.iter().any(|n| n.contains(a) && n.contains(b));
    assert!(has("gap of 7981 years", "line 202"), "{:?}", r.notices);
    assert!(has("retrain", "skipped"), "{:?}", r.notices);
}

/// A gap of 30 hours with a retrain due every hour: the retrains due in it that could not serve are
/// skipped and counted in a notice (the schedule engine's own tests check that skipping them serves
/// the same model as running each).
#[test]
fn the_retrains_skipped_in_a_gap_are_counted_in_a_notice() {
    let mut s = String::from("time,load\n");
    for h in 0..400 {
        if !(250..280).contains(&h) {
            let v = 0.3 + 0.2 * ((h % 24) as f64 / 24.0) + 0.01 * ((h * 7 % 13) as f64);
            s.push_str(&format!("{h},{v:.4}\n"));
        }
    }
    let o = load_opts("stateless:1h/12h,stateless:1h/48h,stateful:1h,stateless:5h");
    let r = replay(&o, s.as_bytes()).unwrap();
    assert!(
        r.notices
            .iter()
            .any(|n| n.contains("retrain") && n.contains("skipped")),
        "{:?}",
        r.notices
    );
    assert_finite_metrics(&r, &["mae", "rmse"]);
}

// --- defect 2: large finite numbers ------------------------------------------------------------------

#[test]
fn numbers_too_large_for_the_learner_are_refused_with_their_line() {
    let o = opts("vw", &[("warmup", "0"), ("lanes", "frozen,continual")]);
    for (third, what) in [
        ("1 |a x:1e160", "x:1e160"),
        ("1 1e200 |a x", "1e200"),
        ("1 |a:1e200 x:1e200", "x:1e200"),
        ("1 |a:1e200 x", "a:1e200"),
        ("1 1e-200 |a x", "1e-200"),
    ] {
        let data = format!("1 |a x\n-1 |a x\n{third}\n1 |a x\n-1 |a x\n");
        let e = replay(&o, data.as_bytes()).expect_err(third);
        assert_eq!(e.line, Some(3), "{e}");
        assert!(
            e.message.contains(what) && (e.message.contains("1e30") || e.message.contains("1e-30")),
            "{e}"
        );
        // Skipped with --skip-bad: the other lines are scored, every metric finite.
        let mut skip = o.clone();
        skip.set("skip-bad", "true").unwrap();
        let r = replay(&skip, data.as_bytes()).unwrap();
        assert_eq!((r.skipped, r.examples), (1, 4));
        assert_finite_metrics(&r, &["log_loss", "ne", "calibration"]);
    }
    let o = load_opts("frozen,continual");
    let mut data = gap_trace("201");
    data.push_str("202,1e200\n203,0.5\n");
    let e = replay(&o, data.as_bytes()).expect_err("1e200");
    assert_eq!(e.line, Some(203), "{e}");
    assert!(
        e.message.contains("1e200") && e.message.contains("1e30"),
        "{e}"
    );
    let mut skip = o.clone();
    skip.set("skip-bad", "true").unwrap();
    let r = replay(&skip, data.as_bytes()).unwrap();
    assert_eq!(r.skipped, 1);
    assert_finite_metrics(&r, &["mae", "rmse"]);
    assert!(
        !r.notices.iter().any(|n| n.contains("inf")),
        "{:?}",
        r.notices
    );
}

/// The bound is safe: values and importance weights at it keep every metric of every lane finite.
#[test]
fn values_at_the_bound_keep_every_metric_finite() {
    let mut data = String::new();
    for i in 0..300 {
        data.push_str(match i % 5 {
            0 => "1 1e30 |a x:1e30 y:-1e30 z\n1 1e-30 |a x:1e30\n",
            1 => "-1 |a x:1e30 |b:1e30 w\n",
            2 => "1 |a x y:1e-300\n",
            3 => "-1 1e30 |a:-1e30 x:1 y\n",
            _ => "-1 |a x\n",
        });
    }
    let o = opts(
        "vw",
        &[
            ("warmup", "20"),
            ("lanes", "frozen,stateless:7/50,stateful:3,continual"),
        ],
    );
    let r = replay(&o, data.as_bytes()).unwrap();
    assert_finite_metrics(&r, &["log_loss", "ne", "calibration", "auc"]);

    let mut data = String::from("time,load\n");
    for h in 0..400 {
        let v = if h % 7 == 3 { "1e30" } else { "0.4" };
        data.push_str(&format!("{h},{v}\n"));
    }
    let r = replay(
        &load_opts("frozen,stateless:5h,stateful:2h,continual"),
        data.as_bytes(),
    )
    .unwrap();
    assert_finite_metrics(&r, &["mae", "rmse", "energy_kwh"]);
    let mut o = load_opts("continual");
    o.set("learner", "nlms").unwrap();
    let r = replay(&o, data.as_bytes()).unwrap();
    assert_finite_metrics(&r, &["mae", "rmse", "energy_kwh"]);
}

// --- defect 4: non-finite importance weights ------------------------------------------------------

#[test]
fn a_non_finite_importance_weight_is_refused_not_read_as_a_tag() {
    let o = opts("vw", &[("warmup", "0")]);
    for w in ["nan", "NaN", "inf", "-inf", "infinity", "+inf"] {
        let data = format!("1 |a x\n1 {w} |a x\n-1 |a y\n");
        let e = replay(&o, data.as_bytes()).expect_err(w);
        assert_eq!(e.line, Some(2), "{w}: {e}");
        assert!(e.message.contains("importance weight"), "{w}: {e}");
        let mut skip = o.clone();
        skip.set("skip-bad", "true").unwrap();
        let r = replay(&skip, data.as_bytes()).unwrap();
        assert_eq!((r.skipped, r.examples), (1, 2), "{w}");
    }
    // Quoted tags, and unquoted ones that are not numbers, are still tags.
    let r = replay(&o, b"1 'nan |a x\n-1 2 mytag|a y\n").unwrap();
    assert_eq!(r.examples, 2);
}

// --- defect 5: a byte-order mark ------------------------------------------------------------------

#[test]
fn a_byte_order_mark_is_stripped_in_every_format_and_any_chunking() {
    let o = opts("vw", &[("warmup", "1")]);
    let plain = b"1 |a x\n-1 |a y\n1 |a x\n";
    let want = json(&replay(&o, plain).unwrap());
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(plain);
    for size in 1..=5 {
        assert_eq!(
            json(&replay_chunks(&o, &bom, size).unwrap()),
            want,
            "{size}"
        );
    }
    let o = load_opts("continual");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(gap_trace("201").as_bytes());
    for size in [1, 2, 4, 100] {
        assert_eq!(
            json(&replay_chunks(&o, &bom, size).unwrap()),
            json(&replay(&o, gap_trace("201").as_bytes()).unwrap()),
        );
    }
}

// --- defect 6: CR-only line endings ----------------------------------------------------------------

#[test]
fn cr_only_line_endings_are_read_as_lines_and_crlf_still_works() {
    let o = opts(
        "vw",
        &[("warmup", "1"), ("lanes", "frozen,stateless:2,continual")],
    );
    let lf = b"1 |a x\n-1 |a y\n1 |a x b\n-1 |a y\n".to_vec();
    let want = json(&replay(&o, &lf).unwrap());
    assert_eq!(replay(&o, &lf).unwrap().examples, 4);
    let cr: Vec<u8> = lf
        .iter()
        .map(|&b| if b == b'\n' { b'\r' } else { b })
        .collect();
    let crlf: Vec<u8> = lf
        .iter()
        .flat_map(|&b| {
            if b == b'\n' {
                vec![b'\r', b'\n']
            } else {
                vec![b]
            }
        })
        .collect();
    for size in 1..=9 {
        assert_eq!(
            json(&replay_chunks(&o, &cr, size).unwrap()),
            want,
            "CR {size}"
        );
        assert_eq!(
            json(&replay_chunks(&o, &crlf, size).unwrap()),
            want,
            "CRLF {size}"
        );
    }
    // A load trace too, with the line number of a bad row counted in CR lines.
    let o = load_opts("continual");
    let text = gap_trace("201");
    let want = json(&replay(&o, text.as_bytes()).unwrap());
    let cr = text.replace('\n', "\r");
    assert_eq!(json(&replay_chunks(&o, cr.as_bytes(), 7).unwrap()), want);
    let e = replay(&o, b"time,load\r0,0.5\rnoon,0.5\r").unwrap_err();
    assert_eq!(e.line, Some(3), "{e}");
}

// --- issue r3s6 (hostile review of the command line) --------------------------------------------------

/// Unix seconds or milliseconds in the time column would be read as hours (two weeks of data as
/// 2,000 "weeks", energy in millions of kWh): the first time is refused with what to do.
#[test]
fn unix_seconds_in_the_time_column_are_refused_with_what_to_do() {
    for (start, step) in [(1_703_462_400.0, 900.0), (1_703_462_400_000.0, 900_000.0)] {
        let mut s = String::from("time,load\n");
        for i in 0..300 {
            s.push_str(&format!("{},0.5\n", start + i as f64 * step));
        }
        let o = load_opts("frozen,continual");
        let e = replay(&o, s.as_bytes()).unwrap_err().message;
        assert!(
            e.contains("line 2") && e.contains("Unix seconds") && e.contains("2019-01-01 00:00"),
            "{e}"
        );
        // --skip-bad cannot skip it: every row would go.
        let skip = opts(
            "load-csv",
            &[
                ("time-col", "time"),
                ("value-col", "load"),
                ("skip-bad", ""),
            ],
        );
        assert!(replay(&skip, s.as_bytes()).is_err());
    }
    // Hours from a small origin still read (and a far row later is only flagged: see above).
    let r = replay(&load_opts("frozen"), gap_trace("210").as_bytes()).unwrap();
    assert!(r.lanes[0].examples > 0);
}

/// A click log whose scored examples all weigh 0, or all have one label, says why its metrics are
/// undefined instead of printing a table of dashes.
#[test]
fn a_click_log_with_undefined_metrics_says_why() {
    let log = |line: &str| format!("{line}\n").repeat(400);
    let o = opts("vw", &[("warmup", "100")]);
    for (data, needle) in [
        (log("1 0 |f a"), "weight 0"),
        (log("-1 |f a"), "none of the 300 scored examples is a click"),
        (
            log("1 |f a"),
            "every one of the 300 scored examples is a click",
        ),
    ] {
        let r = replay(&o, data.as_bytes()).unwrap();
        assert!(
            r.notices.iter().any(|n| n.contains(needle)),
            "{needle}: {:?}",
            r.notices
        );
    }
    // Both labels with weight: nothing to say.
    let mixed = "1 |f a\n-1 |f b\n".repeat(200);
    let r = replay(&o, mixed.as_bytes()).unwrap();
    assert!(r.notices.is_empty(), "{:?}", r.notices);
}

/// A warm-up too long for the default stateless lane's window names the warm-up, not the lane.
#[test]
fn a_warmup_too_long_for_the_default_window_names_the_warmup() {
    let s = [("warmup", "99999999999".to_string())];
    let e = ReplayOptions::from_args("vw", &s).unwrap_err().message;
    assert!(
        e.contains("--warmup") && e.contains("stateless:100000/"),
        "{e}"
    );
    // A window given too long names the window.
    let s = [("lanes", "stateless:10/999999999".to_string())];
    let e = ReplayOptions::from_args("vw", &s).unwrap_err().message;
    assert!(e.contains("the window is at most"), "{e}");
}

/// A scale too small for six decimals is echoed as given, not as `--scale 0`.
#[test]
fn a_tiny_scale_is_echoed_as_given() {
    let o = opts(
        "load-csv",
        &[
            ("time-col", "time"),
            ("value-col", "load"),
            ("scale", "1e-300"),
        ],
    );
    let e = replay(&o, gap_trace("210").as_bytes()).unwrap_err().message;
    assert!(e.contains("--scale 1e-300"), "{e}");
}

/// A file that is not text (UTF-16 as Excel saves "Unicode text", another archive than gzip, binary
/// data) is told by its first bytes, with what to do, in either format.
#[test]
fn a_file_that_is_not_text_says_what_it_is() {
    let utf16: Vec<u8> = "\u{feff}time,load\n0,0.5\n"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let cases: [(&[u8], &str); 5] = [
        (&utf16, "UTF-16"),
        (b"PK\x03\x04\x14\x00rest", "zip"),
        (b"\xFD7zXZ\x00\x00rest", "xz"),
        (b"BZh91AY&SY", "bzip2"),
        (b"1 |a x\x00\x00\x00\n", "zero bytes"),
    ];
    for (data, needle) in cases {
        for o in [opts("vw", &[]), load_opts("frozen")] {
            let e = replay(&o, data).unwrap_err().message;
            assert!(e.contains(needle), "{needle}: {e}");
        }
    }
    // Text that happens to start like a magic number is still read.
    let r = replay(
        &load_opts("frozen"),
        gap_trace("210").replacen("time", "BZh", 1).as_bytes(),
    );
    assert!(r.is_err_and(|e| e.message.contains("time")));
}

/// A cell column that names a row each (the time, a value) scores nothing: the notice names
/// --cell-col, not the warm-up.
#[test]
fn a_cell_column_of_one_row_a_cell_names_cell_col() {
    let o = opts(
        "load-csv",
        &[
            ("time-col", "time"),
            ("value-col", "load"),
            ("cell-col", "time"),
        ],
    );
    let r = replay(&o, gap_trace("210").as_bytes()).unwrap();
    let n = r.nothing_scored().unwrap();
    assert!(n.contains("--cell-col") && !n.contains("--warmup"), "{n}");
    // A trace shorter than the warm-up still names the warm-up.
    let short: String = (0..100).map(|h| format!("{h},0.5\n")).collect();
    let r = replay(
        &load_opts("frozen"),
        format!("time,load\n{short}").as_bytes(),
    )
    .unwrap();
    assert!(r.nothing_scored().unwrap().contains("--warmup"));
}
