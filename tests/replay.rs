//! Replay your own data: the streaming session on small files these tests write themselves (never the
//! shared data sets), and the `rtml replay` command line's errors and exit codes.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use rtml::base::rng::{sigmoid, Rng};
use rtml::replay::{
    report_json, run_file, LaneReport, ReplayError, ReplayOptions, Report, Session,
};

/// A file in the temp directory with a name unique to this process and call.
fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let p = std::env::temp_dir().join(format!(
        "rtml-replay-{}-{}-{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&p, contents).unwrap();
    p
}

fn opts(format: &str, settings: &[(&str, &str)]) -> ReplayOptions {
    let s: Vec<(&str, String)> = settings.iter().map(|(k, v)| (*k, v.to_string())).collect();
    ReplayOptions::from_args(format, &s).unwrap()
}

/// Replays `data` fed in the given chunk sizes (cycled); the session's error if any.
fn replay_chunks(o: &ReplayOptions, data: &[u8], sizes: &[usize]) -> Result<Report, ReplayError> {
    let mut s = Session::new(o.clone())?;
    let mut i = 0;
    let mut k = 0;
    while i < data.len() {
        let n = sizes[k % sizes.len()].max(1).min(data.len() - i);
        s.feed(&data[i..i + n])?;
        i += n;
        k += 1;
    }
    s.finish()?;
    Ok(s.report())
}

fn replay(o: &ReplayOptions, data: &[u8]) -> Result<Report, ReplayError> {
    replay_chunks(o, data, &[data.len().max(1)])
}

fn lane<'a>(r: &'a Report, label: &str) -> &'a LaneReport {
    r.lanes
        .iter()
        .find(|l| l.label == label)
        .unwrap_or_else(|| {
            panic!(
                "no lane {label} in {:?}",
                r.lanes.iter().map(|l| &l.label).collect::<Vec<_>>()
            )
        })
}

fn metric(r: &Report, label: &str, key: &str) -> f64 {
    lane(r, label).metric(key).unwrap()
}

/// A learnable click stream: four namespaces of categorical features with true logistic weights, plus
/// a numeric feature. `drift_at` flips the sign of every weight from that example on.
fn click_stream(n: usize, seed: u64, drift_at: Option<usize>) -> String {
    let mut rng = Rng::new(seed, 7);
    let weights: Vec<Vec<f64>> = (0..4)
        .map(|_| (0..50).map(|_| rng.normal() * 1.2).collect())
        .collect();
    let mut out = String::new();
    for t in 0..n {
        let sign = if drift_at.is_some_and(|d| t >= d) {
            -1.0
        } else {
            1.0
        };
        let mut logit = -1.5;
        let mut line = String::new();
        for (k, ns) in ["user", "ad", "site", "device"].iter().enumerate() {
            let v = rng.below(50);
            logit += sign * weights[k][v];
            line.push_str(&format!(" |{ns} f{v}"));
        }
        let x = rng.uniform();
        logit += sign * (x - 0.5);
        line.push_str(&format!(" |num x:{x:.4}"));
        let y = if rng.uniform() < sigmoid(logit) {
            "1"
        } else {
            "-1"
        };
        out.push_str(y);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// A per-cell load trace (`;`-separated): a daily shape per cell, hourly, from 2019-01-01, with one
/// missing hour per cell per week; `shift_day` scales every load by 1.8 from that day on.
fn load_trace(days: usize, cells: usize, shift_day: Option<usize>) -> String {
    let mut rng = Rng::new(3, 3);
    let mut out = String::from("Cell;Datetime;Load\n");
    for c in 0..cells {
        let base = 0.2 + 0.1 * c as f64;
        for h in 0..days * 24 {
            if h % 168 == 100 {
                continue;
            }
            let (d, hod) = (h / 24, h % 24);
            let shape = 0.5 - 0.45 * (2.0 * std::f64::consts::PI * hod as f64 / 24.0).cos();
            let weekend = if (d + 1) % 7 >= 5 { 0.6 } else { 1.0 }; // 2019-01-01 was a Tuesday
            let shift = if shift_day.is_some_and(|s| d >= s) {
                1.8
            } else {
                1.0
            };
            let v = (base * shape * weekend * shift * (1.0 + 0.05 * rng.normal())).max(0.0);
            out.push_str(&format!(
                "cell{c};2019-{:02}-{:02} {:02}:00:00;{v:.4}\n",
                1 + d / 31,
                1 + d % 31,
                hod
            ));
        }
    }
    out
}

fn load_opts(settings: &[(&str, &str)]) -> ReplayOptions {
    let mut s = vec![
        ("delimiter", ";"),
        ("time-col", "Datetime"),
        ("cell-col", "Cell"),
        ("value-col", "Load"),
    ];
    s.extend_from_slice(settings);
    opts("load-csv", &s)
}

// --- streaming --------------------------------------------------------------------------------------

#[test]
fn chunked_feeding_at_every_split_point_gives_the_same_report() {
    let vw = "1 |a x y:0.5 |b z\n-1 2 'tag|a y\n\n0 |b z z |a x\r\n1 |a:2 w\n-1 |b q";
    let o = opts(
        "vw",
        &[
            ("warmup", "1"),
            ("lanes", "frozen,stateless:2,stateful:2,continual"),
        ],
    );
    let whole = serde_json::to_string(&replay(&o, vw.as_bytes()).unwrap()).unwrap();
    for i in 0..=vw.len() {
        let r = replay_chunks(&o, vw.as_bytes(), &[i.max(1), vw.len()]).unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), whole, "split at {i}");
    }
    let csv = "t,v\n0,0.1\n1,0.2\n2,0.3\n4,0.2\n5,0.25\n6,0.1\n7,0.3";
    let o = opts(
        "load-csv",
        &[("time-col", "t"), ("value-col", "v"), ("warmup", "2")],
    );
    let whole = serde_json::to_string(&replay(&o, csv.as_bytes()).unwrap()).unwrap();
    for i in 0..=csv.len() {
        let r = replay_chunks(&o, csv.as_bytes(), &[i.max(1), csv.len()]).unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), whole, "split at {i}");
    }
}

#[test]
fn random_chunk_sizes_give_the_same_report_on_longer_files() {
    let vw = click_stream(3000, 1, None);
    let o = opts(
        "vw",
        &[
            ("warmup", "500"),
            ("lanes", "frozen,stateless:300,stateful:300,continual"),
            ("label-delay", "7"),
        ],
    );
    let whole = serde_json::to_string(&replay(&o, vw.as_bytes()).unwrap()).unwrap();
    let csv = load_trace(20, 3, None);
    let lo = load_opts(&[]);
    let lwhole = serde_json::to_string(&replay(&lo, csv.as_bytes()).unwrap()).unwrap();
    for sizes in [vec![1], vec![7, 3, 1000], vec![4096], vec![65_536, 13]] {
        assert_eq!(
            serde_json::to_string(&replay_chunks(&o, vw.as_bytes(), &sizes).unwrap()).unwrap(),
            whole
        );
        assert_eq!(
            serde_json::to_string(&replay_chunks(&lo, csv.as_bytes(), &sizes).unwrap()).unwrap(),
            lwhole
        );
    }
}

#[test]
fn run_file_reads_from_disk_like_the_session() {
    let vw = click_stream(2000, 2, None);
    let p = temp_file("stream.vw", vw.as_bytes());
    let o = opts("vw", &[("warmup", "100")]);
    let (r, secs) = run_file(p.to_str().unwrap(), o.clone()).unwrap();
    assert!(secs >= 0.0);
    let mut direct = replay(&o, vw.as_bytes()).unwrap();
    direct.file = r.file.clone();
    assert_eq!(
        serde_json::to_string(&r).unwrap(),
        serde_json::to_string(&direct).unwrap()
    );
    std::fs::remove_file(p).unwrap();
}

/// `run_file` reads and parses a click log on a second thread in batches of lines: whatever the file,
/// its outcome (the report, or the error and its line) must be the session's.
#[test]
fn run_file_parsing_ahead_gives_the_sessions_outcome() {
    let long = click_stream(9000, 3, Some(4000));
    let mut with_bad = long.clone();
    with_bad.insert_str(with_bad.find("\n1 ").unwrap() + 1, "oops no bar\n\n");
    let deep_bad = format!("{}2 3 4 |a x\n{}", &long[..long.len() / 2], "1 |a x\n");
    let no_newline = long.trim_end().to_string();
    // Batches of 2,048 lines go to two parsing threads in turn: a bad line in the second batch (the
    // second thread's), and a file of exactly two batches.
    let nth_line = |k: usize| long.match_indices('\n').nth(k - 1).unwrap().0 + 1;
    let mut odd_bad = long.clone();
    odd_bad.insert_str(nth_line(3000), "oops no bar\n");
    let two_batches = long[..nth_line(4096)].to_string();
    let lanes = ("lanes", "frozen,stateless:2000,stateful:500,continual");
    let cases: Vec<(&str, Vec<u8>, ReplayOptions)> = vec![
        (
            "long",
            long.clone().into_bytes(),
            opts("vw", &[("warmup", "500"), lanes]),
        ),
        (
            "delay",
            long.clone().into_bytes(),
            opts("vw", &[("warmup", "0"), ("label_delay", "300"), lanes]),
        ),
        (
            "skip",
            with_bad.clone().into_bytes(),
            opts("vw", &[("skip_bad", "true"), lanes]),
        ),
        ("bad", with_bad.into_bytes(), opts("vw", &[])),
        ("deep", deep_bad.into_bytes(), opts("vw", &[])),
        ("odd", odd_bad.clone().into_bytes(), opts("vw", &[])),
        (
            "odd skipped",
            odd_bad.into_bytes(),
            opts("vw", &[("skip_bad", "true"), lanes]),
        ),
        (
            "two batches",
            two_batches.into_bytes(),
            opts("vw", &[lanes]),
        ),
        (
            "tail",
            no_newline.into_bytes(),
            opts("vw", &[("warmup", "10")]),
        ),
        ("empty", Vec::new(), opts("vw", &[])),
        ("blank", b"\n\n  \n".to_vec(), opts("vw", &[])),
        (
            "huge",
            [b"1 |a ".as_slice(), &vec![b'x'; (1 << 20) + 10]].concat(),
            opts("vw", &[("skip_bad", "true")]),
        ),
    ];
    for (name, data, o) in cases {
        let p = temp_file("ahead.vw", &data);
        let from_file = run_file(p.to_str().unwrap(), o.clone()).map(|(mut r, _)| {
            r.file = String::new();
            serde_json::to_string(&r).unwrap()
        });
        let direct = replay(&o, &data).map(|mut r| {
            r.file = String::new();
            serde_json::to_string(&r).unwrap()
        });
        match (&from_file, &direct) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{name}"),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{name}"),
            _ => panic!("{name}: run_file {from_file:?} but the session {direct:?}"),
        }
        std::fs::remove_file(p).unwrap();
    }
}

// --- click logs -------------------------------------------------------------------------------------

#[test]
fn duplicate_features_are_merged_by_summing_their_values() {
    // Without L1, so that weights move from the first example on.
    let o = opts(
        "vw",
        &[("warmup", "0"), ("lanes", "continual"), ("ftrl", "l1=0")],
    );
    let twice = replay(&o, b"1 |a x x |b y\n-1 |a x\n1 |a x x |b y\n").unwrap();
    let value_two = replay(&o, b"1 |a x:2 |b y\n-1 |a x\n1 |b y |a x:2\n").unwrap();
    let once = replay(&o, b"1 |a x |b y\n-1 |a x\n1 |a x |b y\n").unwrap();
    assert_eq!(
        metric(&twice, "continual", "log_loss"),
        metric(&value_two, "continual", "log_loss")
    );
    assert_ne!(
        metric(&twice, "continual", "log_loss"),
        metric(&once, "continual", "log_loss")
    );
    // A namespace weight scales its features' values.
    let weighted = replay(&o, b"1 |a:2 x |b y\n-1 |a x\n1 |a:2 x |b y\n").unwrap();
    assert_eq!(
        metric(&weighted, "continual", "log_loss"),
        metric(&value_two, "continual", "log_loss")
    );
}

#[test]
fn continual_ftrl_beats_the_constant_predictor_on_a_learnable_stream() {
    let r = replay(
        &opts("vw", &[("warmup", "0"), ("lanes", "continual")]),
        click_stream(20_000, 3, None).as_bytes(),
    )
    .unwrap();
    let ne = metric(&r, "continual", "ne");
    assert!(ne < 0.85, "normalised entropy {ne}");
    let auc = metric(&r, "continual", "auc");
    assert!(auc > 0.75, "auc {auc}");
    let cal = metric(&r, "continual", "calibration");
    assert!((cal - 1.0).abs() < 0.05, "calibration {cal}");
    assert_eq!(lane(&r, "continual").examples, 20_000);
}

#[test]
fn auc_is_one_on_a_perfectly_separable_stream() {
    let mut s = String::new();
    for i in 0..600 {
        s.push_str(if i % 3 == 0 {
            "1 |f good\n"
        } else {
            "-1 |f bad\n"
        });
    }
    let r = replay(
        &opts("vw", &[("warmup", "60"), ("lanes", "frozen,continual")]),
        s.as_bytes(),
    )
    .unwrap();
    assert_eq!(metric(&r, "frozen", "auc"), 1.0);
    assert_eq!(metric(&r, "continual", "auc"), 1.0);
}

#[test]
fn after_a_drift_fresher_lanes_win_and_schedules_cost_what_they_should() {
    let n = 40_000;
    let data = click_stream(n, 4, Some(20_000));
    let o = opts(
        "vw",
        &[
            ("warmup", "10000"),
            (
                "lanes",
                "frozen,stateless:2000/4000,stateful:2000,continual",
            ),
        ],
    );
    let r = replay(&o, data.as_bytes()).unwrap();
    let ll = |l: &str| metric(&r, l, "log_loss");
    let (frozen, stateless, stateful, continual) = (
        ll("frozen"),
        ll("stateless:2000/4000"),
        ll("stateful:2000"),
        ll("continual"),
    );
    assert!(
        continual < frozen - 0.1,
        "continual {continual} vs frozen {frozen}"
    );
    assert!(
        stateless < frozen - 0.05 && stateful < frozen - 0.05,
        "stateless {stateless}, stateful {stateful}, frozen {frozen}"
    );
    // Stateful is continual deployed late: never better. (After this drift, which reverses every weight,
    // a stateless lane retrained from scratch can beat both: FTRL's per-coordinate rates have decayed.)
    assert!(
        continual < stateful,
        "continual {continual}, stateful {stateful}"
    );
    // Costs: 15 retrains in 30000 scored examples; stateless retrains on its 4000-example window each time.
    let get = |l: &str, k: &str| metric(&r, l, k);
    assert_eq!(get("frozen", "training_updates"), 0.0);
    assert_eq!(get("stateless:2000/4000", "retrains"), 15.0);
    assert_eq!(
        get("stateless:2000/4000", "training_updates"),
        15.0 * 4000.0
    );
    assert_eq!(get("stateful:2000", "training_updates"), 30_000.0);
    assert_eq!(get("continual", "training_updates"), 30_000.0);
    // Before the drift everyone is about as good; after it, the frozen lane's windowed loss is far worse.
    let series = |l: &str| lane(&r, l).series.clone();
    let (f, c) = (series("frozen"), series("continual"));
    let col = f.keys.iter().position(|k| k == "log_loss").unwrap();
    let at = |s: &rtml::replay::SeriesReport, x: f64| s.rows[(x / s.width) as usize][col];
    assert!((at(&f, 5000.0) - at(&c, 5000.0)).abs() < 0.05);
    assert!(at(&f, 25_000.0) > at(&c, 25_000.0) + 0.2);
    assert!(f.rows.len() <= 400);
}

#[test]
fn series_stay_bounded_on_long_streams() {
    let data = "1 |a x\n-1 |a y\n".repeat(60_000);
    let r = replay(
        &opts("vw", &[("warmup", "0"), ("lanes", "continual")]),
        data.as_bytes(),
    )
    .unwrap();
    let s = &lane(&r, "continual").series;
    assert!(
        s.rows.len() <= 400 && s.rows.len() >= 80,
        "{} rows",
        s.rows.len()
    );
    let total: f64 = s.rows.iter().map(|row| row[0]).sum();
    assert_eq!(total, 120_000.0);
}

#[test]
fn label_delay_holds_labels_back() {
    let data = click_stream(1000, 5, None);
    let o = opts(
        "vw",
        &[
            ("warmup", "0"),
            ("lanes", "continual"),
            ("label-delay", "50"),
        ],
    );
    let r = replay(&o, data.as_bytes()).unwrap();
    assert_eq!(metric(&r, "continual", "training_updates"), 950.0);
    let now = replay(
        &opts("vw", &[("warmup", "0"), ("lanes", "continual")]),
        data.as_bytes(),
    )
    .unwrap();
    assert!(metric(&now, "continual", "log_loss") < metric(&r, "continual", "log_loss"));
}

#[test]
fn zero_importance_examples_change_nothing_but_the_count() {
    let base = click_stream(500, 6, None);
    let mut with_zero = String::new();
    for line in base.lines() {
        with_zero.push_str(line);
        with_zero.push('\n');
        with_zero.push_str("1 0 'ignored|user f1 |ad f2\n");
    }
    let o = opts("vw", &[("warmup", "0"), ("lanes", "continual")]);
    let (a, b) = (
        replay(&o, base.as_bytes()).unwrap(),
        replay(&o, with_zero.as_bytes()).unwrap(),
    );
    for k in ["log_loss", "ne", "auc", "calibration", "ctr"] {
        assert_eq!(
            metric(&a, "continual", k),
            metric(&b, "continual", k),
            "{k}"
        );
    }
    assert_eq!(lane(&b, "continual").examples, 1000);
}

// --- load traces ------------------------------------------------------------------------------------

#[test]
fn load_trace_scores_forecasts_energy_and_missing_intervals() {
    let data = load_trace(35, 3, None);
    let r = replay(
        &load_opts(&[("lanes", "frozen,periodic:24h,stateful:24h,continual")]),
        data.as_bytes(),
    )
    .unwrap();
    assert_eq!(r.cells, 3);
    assert!(
        r.notices.iter().any(|n| n.contains("missing interval")),
        "{:?}",
        r.notices
    );
    for l in &r.lanes {
        let mae = l.metric("mae").unwrap();
        assert!(mae > 0.0 && mae < 0.05, "{}: mae {mae}", l.label);
        let saved = l.metric("energy_saved_pct").unwrap();
        assert!(saved > 5.0 && saved < 60.0, "{}: saved {saved}%", l.label);
        assert!(l.metric("rmse").unwrap() >= mae);
        assert!(l.metric("unserved").unwrap() >= 0.0);
        // 28 days after the 7-day warm-up, minus the missing hours (scored intervals only).
        assert!(
            l.examples > 3 * 27 * 24 && l.examples < 3 * 28 * 24,
            "{}",
            l.examples
        );
    }
    assert_eq!(metric(&r, "stateless:1d/7d", "retrains"), 3.0 * 27.0);
}

#[test]
fn continual_beats_frozen_after_a_level_shift_in_the_loads() {
    let data = load_trace(42, 2, Some(21));
    for learner in ["rls", "nlms"] {
        let r = replay(&load_opts(&[("learner", learner)]), data.as_bytes()).unwrap();
        let (frozen, continual) = (metric(&r, "frozen", "mae"), metric(&r, "continual", "mae"));
        assert!(
            continual < frozen * 0.7,
            "{learner}: continual {continual} vs frozen {frozen}"
        );
    }
}

#[test]
fn load_timestamps_in_every_supported_form() {
    let body = |stamp: &dyn Fn(usize) -> String| {
        let mut s = String::from("time,load\n");
        for h in 0..400 {
            s.push_str(&format!(
                "{},{}\n",
                stamp(h),
                0.3 + 0.2 * ((h % 24) as f64 / 24.0)
            ));
        }
        s
    };
    let day = |h: usize| (1 + h / 24, h % 24);
    let forms: Vec<Box<dyn Fn(usize) -> String>> = vec![
        Box::new(move |h| {
            let (d, hh) = day(h);
            format!("2019-01-{d:02} {hh:02}:00:00")
        }),
        Box::new(move |h| {
            let (d, hh) = day(h);
            format!("2019-01-{d:02}T{hh:02}:00")
        }),
        Box::new(move |h| {
            let (d, hh) = day(h);
            format!("2019-01-{d:02} {hh:02}:00")
        }),
        Box::new(|h| format!("{h}")),
    ];
    for form in &forms {
        let data = body(form.as_ref());
        let r = replay(
            &opts("load-csv", &[("time-col", "time"), ("value-col", "load")]),
            data.as_bytes(),
        )
        .unwrap();
        assert_eq!(r.cells, 1);
        assert!(
            lane(&r, "continual").examples > 200,
            "{}",
            data.lines().nth(1).unwrap()
        );
    }
}

#[test]
fn percentages_need_a_scale_and_say_so() {
    let mut data = String::from("t;c;u\n");
    for h in 0..300 {
        data.push_str(&format!("{h};a;{}\n", 20 + (h % 24) * 3));
    }
    let r = replay(
        &opts(
            "load-csv",
            &[
                ("delimiter", ";"),
                ("time-col", "t"),
                ("cell-col", "c"),
                ("value-col", "u"),
            ],
        ),
        data.as_bytes(),
    )
    .unwrap();
    assert!(
        r.notices.iter().any(|n| n.contains("set --scale to 100")),
        "{:?}",
        r.notices
    );
    let r = replay(
        &opts(
            "load-csv",
            &[
                ("delimiter", ";"),
                ("time-col", "t"),
                ("cell-col", "c"),
                ("value-col", "u"),
                ("scale", "100"),
            ],
        ),
        data.as_bytes(),
    )
    .unwrap();
    assert!(r.notices.is_empty(), "{:?}", r.notices);
    // Volumes, not utilisations.
    let volumes = data.replace(";2", ";20000").replace(";3", ";30000");
    let r = replay(
        &opts(
            "load-csv",
            &[
                ("delimiter", ";"),
                ("time-col", "t"),
                ("cell-col", "c"),
                ("value-col", "u"),
            ],
        ),
        volumes.as_bytes(),
    )
    .unwrap();
    assert!(
        r.notices
            .iter()
            .any(|n| n.contains("do not look like a utilisation")),
        "{:?}",
        r.notices
    );
}

#[test]
fn a_short_file_says_nothing_was_scored() {
    let r = replay(&opts("vw", &[("warmup", "10")]), b"1 |a x\n-1 |a y\n").unwrap();
    assert!(r.lanes.iter().all(|l| l.examples == 0));
    assert!(
        r.notices.iter().any(
            |n| n.contains("nothing was scored") && n.contains("set --warmup lower, e.g. to 1")
        ),
        "{:?}",
        r.notices
    );
}

// --- small files, standard input, gzip --------------------------------------------------------------

/// The report as JSON without what may differ between two reads of the same data: the wall-clock
/// figures and the name.
fn comparable(mut v: serde_json::Value) -> serde_json::Value {
    v["file"] = serde_json::Value::Null;
    v["elapsed_secs"] = serde_json::Value::Null;
    for l in v["lanes"].as_array_mut().into_iter().flatten() {
        l["examples_per_sec"] = serde_json::Value::Null;
    }
    v
}

#[test]
fn a_short_click_log_warms_up_on_its_first_half_however_it_is_chunked() {
    // 7,200 examples, as the public Criteo sample: the default warm-up of 10,000 scored nothing.
    let data = click_stream(7_200, 31, None);
    let o = opts("vw", &[("lanes", "frozen,stateful:500,continual")]);
    let whole = replay(&o, data.as_bytes()).unwrap();
    assert_eq!(whole.warmup, 3_600.0);
    assert!(
        whole.lanes.iter().all(|l| l.examples == 3_600),
        "{:?}",
        whole.lanes
    );
    assert!(metric(&whole, "continual", "auc") > 0.6);
    assert!(
        whole
            .notices
            .iter()
            .any(|n| n.contains("first half") && n.contains("--warmup")),
        "{:?}",
        whole.notices
    );
    // The same as giving that warm-up, apart from the notice.
    let given = opts(
        "vw",
        &[
            ("lanes", "frozen,stateful:500,continual"),
            ("warmup", "3600"),
        ],
    );
    let mut explicit = report_json(&replay(&given, data.as_bytes()).unwrap(), 1.0);
    explicit["notices"] = report_json(&whole, 1.0)["notices"].clone();
    assert_eq!(report_json(&whole, 1.0), explicit);
    // Chunks of any size, and the native reader that parses ahead, decide alike.
    let want = comparable(report_json(&whole, 1.0));
    for sizes in [&[1usize][..], &[7, 4096, 3], &[65_536], &[1 << 20]] {
        let r = replay_chunks(&o, data.as_bytes(), sizes).unwrap();
        assert_eq!(comparable(report_json(&r, 1.0)), want, "{sizes:?}");
    }
    let p = temp_file("short.vw", data.as_bytes());
    let (r, _) = run_file(p.to_str().unwrap(), o).unwrap();
    assert_eq!(comparable(report_json(&r, 1.0)), want);
    std::fs::remove_file(p).unwrap();
}

#[test]
fn the_default_warm_up_scales_only_below_twice_its_length() {
    let o = opts("vw", &[("lanes", "continual")]);
    let data = click_stream(20_001, 5, None);
    let lines: Vec<&str> = data.lines().collect();
    // Blank lines and skipped malformed lines are not examples.
    let skip = opts("vw", &[("lanes", "continual"), ("skip-bad", "true")]);
    for (n, want) in [
        (1, 0.0),
        (2, 1.0),
        (19_999, 9_999.0),
        (20_000, 10_000.0),
        (20_001, 10_000.0),
    ] {
        let text = lines[..n].join("\n") + "\n";
        let r = replay(&o, text.as_bytes()).unwrap();
        assert_eq!(
            (r.warmup, r.lanes[0].examples),
            (want, n as u64 - want as u64),
            "{n}"
        );
        if n == 19_999 {
            let noisy = format!("\n\n{}\nnot a label |a x\n", text);
            let r = replay(&skip, noisy.as_bytes()).unwrap();
            assert_eq!((r.warmup, r.skipped), (9_999.0, 1));
        }
    }
}

#[test]
fn very_wide_examples_are_not_held_back_without_bound() {
    // 2,500 examples of 1,000 features each: holding them all back (40 MB) exceeds the bound, so the
    // default warm-up of 10,000 applies as for a long file, and the replay says nothing was scored.
    let mut data = String::new();
    for i in 0..2_500 {
        data.push_str(if i % 3 == 0 { "1 |a" } else { "-1 |a" });
        for f in 0..1_000 {
            data.push_str(&format!(" f{f}"));
        }
        data.push('\n');
    }
    let r = replay(
        &opts("vw", &[("lanes", "continual"), ("bits", "24")]),
        data.as_bytes(),
    )
    .unwrap();
    assert_eq!((r.warmup, r.lanes[0].examples), (10_000.0, 0));
    assert!(
        r.notices.iter().any(|n| n.contains("nothing was scored")),
        "{:?}",
        r.notices
    );
}

#[test]
fn nothing_scored_is_said_on_standard_error_with_the_flag_that_fixes_it() {
    let p = temp_file("tiny.vw", click_stream(300, 2, None).as_bytes());
    let (code, out, err) = rtml(&[
        "replay",
        "--format",
        "vw",
        "--warmup",
        "1000",
        p.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("nothing was scored") && err.contains("set --warmup lower, e.g. to 150"),
        "{err}"
    );
    // The table shows no column of dashes, only the lanes' zero scored examples and the reason.
    assert!(!out.contains("log_loss") && !out.contains(" - "), "{out}");
    assert!(out.contains("note: nothing was scored"), "{out}");
    let (code, out, err) = rtml(&[
        "replay",
        "--format",
        "vw",
        "--warmup",
        "1000",
        "--json",
        p.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(err.contains("--warmup"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["notices"].to_string().contains("nothing was scored"));
    std::fs::remove_file(p).unwrap();
    // A load trace shorter than the default warm-up of a week.
    let p = temp_file("tiny.csv", load_trace(3, 2, None).as_bytes());
    let (code, _, err) = rtml(&[
        "replay",
        "--format",
        "load-csv",
        "--delimiter",
        ";",
        "--time-col",
        "Datetime",
        "--cell-col",
        "Cell",
        "--value-col",
        "Load",
        p.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("nothing was scored") && err.contains("--warmup"),
        "{err}"
    );
    std::fs::remove_file(p).unwrap();
}

/// `data` gzipped (whole, or as `members` concatenated gzip members).
fn gzip(data: &[u8], members: usize) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::new();
    for part in data.chunks(data.len().div_ceil(members).max(1)) {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(part).unwrap();
        out.extend(e.finish().unwrap());
    }
    out
}

/// `rtml ARGS` with `stdin` piped in: exit code, standard output and error.
fn rtml_stdin(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_rtml"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn gzip_and_standard_input_replay_like_the_plain_file() {
    let vw = click_stream(12_000, 17, None).into_bytes();
    let csv = load_trace(12, 2, None).into_bytes();
    let vw_args = [
        "replay",
        "--format",
        "vw",
        "--lanes",
        "frozen,stateless:2000,continual",
        "--json",
    ];
    let csv_args = [
        "replay",
        "--format",
        "load-csv",
        "--delimiter",
        ";",
        "--time-col",
        "Datetime",
        "--cell-col",
        "Cell",
        "--value-col",
        "Load",
        "--warmup",
        "3d",
        "--json",
    ];
    for (args, data) in [(&vw_args[..], &vw), (&csv_args[..], &csv)] {
        let run = |path: &str, stdin: &[u8]| {
            let (code, out, err) = rtml_stdin(&[args, &[path]].concat(), stdin);
            assert_eq!(code, 0, "{path}: {err}");
            comparable(serde_json::from_str(&out).unwrap())
        };
        let plain = temp_file("plain", data);
        let want = run(plain.to_str().unwrap(), b"");
        assert!(want["lanes"][0]["examples"].as_u64().unwrap() > 0, "{want}");
        // Told by its first bytes, not by its name: neither file ends in .gz.
        let gz = temp_file("gz.txt", &gzip(data, 1));
        let multi = temp_file("members", &gzip(data, 3));
        for (what, got) in [
            ("gzip", run(gz.to_str().unwrap(), b"")),
            ("gzip members", run(multi.to_str().unwrap(), b"")),
            ("stdin", run("-", data)),
            ("gzip on stdin", run("-", &gzip(data, 1))),
        ] {
            assert_eq!(got, want, "{what}");
        }
        for p in [plain, gz, multi] {
            std::fs::remove_file(p).unwrap();
        }
    }
    let (code, out, _) = rtml_stdin(
        &["replay", "--format", "vw", "--warmup", "1", "--json", "-"],
        b"1 |a x\n-1 |a y\n",
    );
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["file"],
        "stdin"
    );
}

#[test]
fn a_damaged_gzip_file_exits_2_naming_it() {
    let data = gzip(click_stream(2_000, 3, None).as_bytes(), 1);
    let cut = temp_file("cut.vw.gz", &data[..data.len() / 2]);
    let mut flipped = data.clone();
    flipped[200] ^= 0xff;
    let bad = temp_file("bad.vw.gz", &flipped);
    for p in [cut, bad] {
        let (code, _, err) = rtml(&["replay", "--format", "vw", p.to_str().unwrap()]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("gzip") && err.lines().count() == 1, "{err}");
        std::fs::remove_file(p).unwrap();
    }
    let (code, _, err) = rtml_stdin(&["replay", "--format", "vw", "-"], &[0x1f, 0x8b, 8]);
    assert_eq!(code, 2);
    assert!(err.contains("gzip"), "{err}");
}

#[test]
fn the_replay_help_tells_of_standard_input_gzip_and_the_warm_up() {
    let (code, out, _) = rtml(&["replay", "--help"]);
    assert_eq!(code, 0);
    for words in [
        "`-` for standard input",
        "Gzip-compressed",
        "first half",
        "--warmup",
    ] {
        assert!(out.contains(words), "{words}: {out}");
    }
}

// --- bad input --------------------------------------------------------------------------------------

fn err(o: &ReplayOptions, data: &[u8]) -> ReplayError {
    replay(o, data).expect_err("expected an error")
}

#[test]
fn a_malformed_line_names_its_line_and_shortened_text() {
    let o = opts("vw", &[("warmup", "0")]);
    let long_bad = format!("1 |a x\n-1 |a y\nmaybe |a {}\n", "z".repeat(200));
    let e = err(&o, long_bad.as_bytes());
    assert_eq!(e.line, Some(3));
    let shown = e.to_string();
    assert!(shown.starts_with("line 3: label `maybe`"), "{shown}");
    assert!(shown.contains("...") && shown.len() < 200, "{shown}");
    for (text, what) in [
        (&b"1 |a x:abc\n"[..], "feature value"),
        (b"no bar here\n", "no `|`"),
        (b"2 |a x\n", "label"),
        (b"1 |a:w x\n", "namespace weight"),
        (b"1 -3 |a x\n", "negative importance"),
        (b"1 1 0.5 |a x\n", "initial prediction"),
    ] {
        let e = err(&o, text);
        assert_eq!(e.line, Some(1), "{e}");
        assert!(e.message.contains(what), "{e}");
    }
}

#[test]
fn unlabelled_lines_are_errors_or_skipped_and_counted() {
    let data = b"1 |a x\n|a y\n-1 |a y\n| z\n";
    let e = err(&opts("vw", &[("warmup", "0")]), data);
    assert_eq!(e.line, Some(2));
    assert!(e.message.contains("unlabelled"), "{e}");
    let r = replay(&opts("vw", &[("warmup", "0"), ("skip-bad", "true")]), data).unwrap();
    assert_eq!(r.skipped, 2);
    assert_eq!(r.examples, 2);
    assert!(
        r.notices
            .iter()
            .any(|n| n.contains("2 malformed") && n.contains("line 2")),
        "{:?}",
        r.notices
    );
}

#[test]
fn empty_files_are_errors() {
    for format in ["vw", "load-csv"] {
        let o = opts(format, &[("time-col", "t"), ("value-col", "v")]);
        let e = err(&o, b"");
        assert!(e.message.contains("empty"), "{format}: {e}");
        let e = err(&o, b"\n\n  \n");
        assert!(
            e.message.contains("empty") || e.message.contains("no "),
            "{format}: {e}"
        );
    }
    let e = err(
        &opts("load-csv", &[("time-col", "t"), ("value-col", "v")]),
        b"t,v\n",
    );
    assert!(e.message.contains("no value"), "{e}");
    let e = err(&opts("vw", &[("skip-bad", "true")]), b"bad\nworse\n");
    assert!(e.message.contains("2 skipped"), "{e}");
}

#[test]
fn a_wrong_delimiter_is_named() {
    let data = b"Cell;Datetime;Load\na;2019-01-01 00:00;0.1\n";
    let e = err(
        &opts(
            "load-csv",
            &[
                ("time-col", "Datetime"),
                ("cell-col", "Cell"),
                ("value-col", "Load"),
            ],
        ),
        data,
    );
    assert_eq!(e.line, Some(1));
    assert!(
        e.message.contains("one column") && e.message.contains("set --delimiter to ';'"),
        "{e}"
    );
    // Rows with too few fields (a header that splits but rows that do not).
    let e = err(
        &load_opts(&[]),
        b"Cell;Datetime;Load\na,2019-01-01 00:00,0.1\n",
    );
    assert_eq!(e.line, Some(2));
    assert!(e.message.contains("1 field where the header has 3"), "{e}");
}

#[test]
fn missing_columns_are_named_with_the_header() {
    let data = b"Cell;Datetime;Load\na;2019-01-01 00:00;0.1\n";
    let e = err(
        &opts(
            "load-csv",
            &[
                ("delimiter", ";"),
                ("time-col", "Time"),
                ("value-col", "Load"),
            ],
        ),
        data,
    );
    assert!(
        e.message.contains("no column `Time`") && e.message.contains("Cell;Datetime;Load"),
        "{e}"
    );
    let e = err(
        &opts("load-csv", &[("delimiter", ";"), ("time-col", "Datetime")]),
        data,
    );
    assert!(e.message.contains("--value-col"), "{e}");
    // Column names match regardless of case when there is no exact match.
    assert!(replay(
        &opts(
            "load-csv",
            &[
                ("delimiter", ";"),
                ("time-col", "datetime"),
                ("value-col", "LOAD")
            ]
        ),
        data
    )
    .is_ok());
}

#[test]
fn non_numeric_values_and_bad_times_are_errors_or_skipped() {
    let o = load_opts(&[]);
    let e = err(
        &o,
        b"Cell;Datetime;Load\na;2019-01-01 00:00;0.1\na;2019-01-01 01:00;lots\n",
    );
    assert_eq!(e.line, Some(3));
    assert!(e.message.contains("value `lots` is not a number"), "{e}");
    let e = err(&o, b"Cell;Datetime;Load\na;01/02/2019 00:00;0.1\n");
    assert!(e.message.contains("time `01/02/2019 00:00`"), "{e}");
    let e = err(
        &o,
        b"Cell;Datetime;Load\na;2019-01-01 02:00;0.1\na;2019-01-01 01:00;0.1\n",
    );
    assert!(e.message.contains("not after the previous row"), "{e}");
    let e = err(&o, b"Cell;Datetime;Load\na;2019-01-01 02:00;-0.1\n");
    assert!(e.message.contains("negative"), "{e}");
    let e = err(&o, b"Cell;Datetime;Load\na;2019-01-01 02:00;0.1\na;5;0.1\n");
    assert!(e.message.contains("first rows had dates"), "{e}");
    // Empty and NA values are missing, not errors.
    let r = replay(&o, b"Cell;Datetime;Load\na;2019-01-01 00:00;0.1\na;2019-01-01 01:00;\na;2019-01-01 02:00;NA\na;2019-01-01 03:00;0.2\n").unwrap();
    assert!(
        r.notices.iter().any(|n| n.contains("2 empty or NA")),
        "{:?}",
        r.notices
    );
    let skip = load_opts(&[("skip-bad", "1")]);
    let r = replay(&skip, b"Cell;Datetime;Load\na;2019-01-01 00:00;0.1\na;x;0.1\na;2019-01-01 01:00;y\na;2019-01-01 02:00;0.3\n").unwrap();
    assert_eq!((r.skipped, r.examples), (2, 2));
}

#[test]
fn huge_lines_are_errors_even_with_skip_bad() {
    let mut data = b"1 |a x\n1 |a ".to_vec();
    data.extend(std::iter::repeat_n(b'y', 1_100_000));
    data.extend_from_slice(b"\n-1 |a z\n");
    for skip in ["false", "true"] {
        let e = replay_chunks(&opts("vw", &[("skip-bad", skip)]), &data, &[65_536]).unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("longer than 1 MiB"), "{e}");
    }
}

#[test]
fn compressed_files_and_bad_settings_are_refused_clearly() {
    let e = err(&opts("vw", &[]), &[0x1f, 0x8b, 8, 0, 1, 2, 3]);
    assert!(e.message.contains("gzip"), "{e}");
    let bad = |format: &str, k: &str, v: &str| {
        let s = vec![(k, v.to_string())];
        ReplayOptions::from_args(format, &s)
            .expect_err(&format!("{k}={v}"))
            .to_string()
    };
    assert!(bad("vw", "bits", "30").contains("bits 30"));
    assert!(bad("vw", "ftrl", "alpha=0").contains("alpha must be > 0"));
    assert!(bad("vw", "ftrl", "gamma=1").contains("gamma"));
    assert!(bad("vw", "lanes", "sometimes").contains("expected frozen"));
    assert!(bad("vw", "lanes", "stateless:24h").contains("no time"));
    assert!(bad("vw", "lanes", "stateless").contains("give its interval"));
    assert!(bad("vw", "lanes", "stateless:10/500000").contains("at most"));
    assert!(bad("load-csv", "lanes", "periodic:soon").contains("expected a duration"));
    assert!(bad("load-csv", "delimiter", "ab").contains("delimiter"));
    assert!(bad("load-csv", "scale", "0").contains("scale"));
    assert!(bad("load-csv", "threshold", "2").contains("threshold"));
    assert!(bad("csv-ish", "bits", "18").contains("format"));
    assert!(bad("vw", "colour", "red").contains("unknown setting"));
}

#[test]
fn options_round_trip_through_json_for_the_page() {
    let o = load_opts(&[
        ("lanes", "frozen,periodic:24h/72h,continual"),
        ("warmup", "3d"),
        ("learner", "nlms"),
    ]);
    let json = serde_json::to_string(&o).unwrap();
    let back: ReplayOptions = serde_json::from_str(&json).unwrap();
    assert_eq!(back, o);
    assert_eq!(back.warmup, Some(72.0));
    let partial: ReplayOptions =
        serde_json::from_str(r#"{"format":"load-csv","time_col":"t","value_col":"v"}"#).unwrap();
    assert_eq!(partial.bits, 18);
    assert!(serde_json::from_str::<ReplayOptions>(r#"{"format":"vw","colour":1}"#).is_err());
    let s = Session::new(partial).unwrap();
    assert_eq!((s.lines(), s.skipped()), (0, 0));
}

#[test]
fn no_input_panics_the_session() {
    let mut rng = Rng::new(9, 9);
    let pieces: [&[u8]; 16] = [
        b"1 |a x",
        b"-1",
        b" |",
        b"\n",
        b"\r\n",
        b":",
        b"|b:",
        b"'t",
        b"x:1e400",
        b"\xff\xfe",
        b";",
        b",",
        b"2019-01-01 00:00",
        b"0.5",
        b"\"q\"",
        b"NaN",
    ];
    for case in 0..400 {
        let mut data = Vec::new();
        for _ in 0..rng.below(60) {
            data.extend_from_slice(pieces[rng.below(pieces.len())]);
        }
        let skip = if case % 2 == 0 { "true" } else { "false" };
        for o in [
            opts(
                "vw",
                &[
                    ("warmup", "1"),
                    ("skip-bad", skip),
                    ("lanes", "frozen,stateless:2,stateful:1,continual"),
                    ("label-delay", "1"),
                ],
            ),
            opts(
                "load-csv",
                &[
                    ("delimiter", ";"),
                    ("time-col", "t"),
                    ("cell-col", "c"),
                    ("value-col", "v"),
                    ("skip-bad", skip),
                    ("warmup", "0"),
                ],
            ),
        ] {
            let _ = replay_chunks(&o, &data, &[1 + rng.below(9)]);
            let mut with_header = b"t;c;v\n".to_vec();
            with_header.extend_from_slice(&data);
            let _ = replay_chunks(&o, &with_header, &[1 + rng.below(9)]);
        }
    }
}

// --- the command line -------------------------------------------------------------------------------

fn rtml(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rtml"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_command_line_prints_json_and_tables() {
    let p = temp_file("cli.vw", click_stream(3000, 8, None).as_bytes());
    let path = p.to_str().unwrap();
    let (code, out, _) = rtml(&[
        "replay",
        "--format",
        "vw",
        "--bits",
        "16",
        "--ftrl",
        "alpha=0.1,beta=1,l1=1,l2=1",
        "--warmup",
        "1000",
        "--lanes",
        "frozen,stateful:500,continual",
        "--json",
        path,
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["format"], "vw");
    assert_eq!(v["file"], path);
    assert_eq!(v["skipped"], 0);
    assert_eq!(v["lanes"].as_array().unwrap().len(), 3);
    let l = &v["lanes"][2];
    assert_eq!(l["label"], "continual");
    assert_eq!(l["examples"], 2000);
    assert!(l["metrics"]["log_loss"].as_f64().unwrap() > 0.0);
    assert!(l["examples_per_sec"].as_f64().unwrap() > 0.0);
    let (code, out, _) = rtml(&["replay", "--format", "vw", "--warmup", "1000", path]);
    assert_eq!(code, 0);
    assert!(
        out.contains("stateless:100000/100000") && out.contains("log_loss"),
        "{out}"
    );
    std::fs::remove_file(p).unwrap();

    let p = temp_file("cli.csv", load_trace(10, 2, None).as_bytes());
    let (code, out, err) = rtml(&[
        "replay",
        "--format",
        "load-csv",
        "--delimiter",
        ";",
        "--time-col",
        "Datetime",
        "--cell-col",
        "Cell",
        "--value-col",
        "Load",
        "--lanes",
        "frozen,periodic:24h,continual",
        "--json",
        p.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["cells"], 2);
    assert!(v["lanes"][1]["metrics"]["energy_kwh"].as_f64().unwrap() > 0.0);
    std::fs::remove_file(p).unwrap();
}

#[test]
fn the_command_line_exits_2_with_a_clear_message() {
    let bad = temp_file("bad.vw", b"1 |a x\noops |a y\n");
    let empty = temp_file("empty.vw", b"");
    let semi = temp_file("semi.csv", b"Cell;Datetime;Load\na;2019-01-01 00:00;0.1\n");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["replay", "--format", "vw", bad.to_str().unwrap()],
            "line 2: label `oops`",
        ),
        (
            vec!["replay", "--format", "vw", empty.to_str().unwrap()],
            "empty",
        ),
        (
            vec!["replay", "--format", "vw", "/nonexistent/rtml-replay.vw"],
            "cannot open",
        ),
        (
            vec![
                "replay",
                "--format",
                "vw",
                "--lanes",
                "sometimes",
                bad.to_str().unwrap(),
            ],
            "lane `sometimes`",
        ),
        (
            vec![
                "replay",
                "--format",
                "load-csv",
                "--time-col",
                "Datetime",
                "--value-col",
                "Load",
                semi.to_str().unwrap(),
            ],
            "set --delimiter to ';'",
        ),
    ];
    for (args, want) in cases {
        let (code, out, err) = rtml(&args);
        assert_eq!(code, 2, "{args:?}: {out} {err}");
        assert!(
            err.starts_with("rtml: ") && err.contains(want),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    let (code, out, err) = rtml(&[
        "replay",
        "--format",
        "vw",
        "--skip-bad",
        "--warmup",
        "0",
        "--json",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["skipped"],
        1
    );
    for p in [bad, empty, semi] {
        std::fs::remove_file(p).unwrap();
    }
}

#[test]
fn report_json_has_the_documented_shape() {
    let r = replay(
        &opts("vw", &[("warmup", "2"), ("name", "x.vw")]),
        b"1 |a x\n-1 |a y\n1 |a x\n-1 |a y\n",
    )
    .unwrap();
    let v = report_json(&r, 0.5);
    assert_eq!(v["file"], "x.vw");
    assert_eq!(v["examples"], 4);
    for l in v["lanes"].as_array().unwrap() {
        assert_eq!(l["examples"], 2);
        assert_eq!(l["examples_per_sec"], 8.0);
        for k in ["log_loss", "ne", "auc", "calibration"] {
            assert!(l["metrics"].get(k).is_some(), "{k}");
        }
        assert_eq!(l["series"]["keys"][0], "examples");
    }
}
