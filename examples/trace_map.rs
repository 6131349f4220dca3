//! The freshness map of a real load trace beside the simulator's (docs/simulation-vs-reality.md):
//! `rtml answer --trace`'s study on a local file, and on a trace the cells world exports, printed as
//! Markdown with the file's SHA-256 and the command line, so the figures in the docs can be written
//! again from the data. The data is read where it lies and never copied.
//!
//! ```sh
//! cargo run --release --example trace_map -- ../shared/data/rdemarqui__traffic_prediction_and_congestion/datasets/df_hourly_sample.csv \
//!     --delimiter ';' --time-col Datetime --cell-col Cell --value-col PRB_Utilization_Percent
//! ```
//!
//! Every argument after the file is a replay setting (`--key value`); the simulated side is the
//! `cells-sleep` preset with `--sim-days` days (default 365) exported and mapped with the defaults.

use rtml::study::trace::{Job, Map, Source, Trace};
use rtml::study::{run_native, Figure, Study};

fn map(job: &Job) -> (Map, f64) {
    let t0 = std::time::Instant::now();
    let parts = run_native::<Trace>(job, 2, |_, _| {}).expect("the map runs");
    let secs = t0.elapsed().as_secs_f64();
    let r = Trace::report(job, &parts).expect("a map");
    let Figure::Trace(m) = r.figure else {
        unreachable!()
    };
    (*m, secs)
}

fn fig(x: Option<f64>) -> String {
    rtml::base::units::fmt_figure(x, 3)
}

/// The map as a Markdown table: MAE per cell (the share of the model's gain lost in brackets), then
/// the rule's row.
fn table(m: &Map) -> String {
    let mut s = format!("| inputs \\ model | {} |\n", m.cols.join(" | "));
    s.push_str(&format!("| --- |{}\n", " --- |".repeat(m.cols.len())));
    for (r, row) in m.cells.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match (&c.why, c.mae, c.share) {
                (Some(w), _, _) => w.clone(),
                (None, Some(x), Some(sh)) => {
                    format!("{} ({}%)", fig(Some(x)), fig(Some(100.0 * sh)))
                }
                (None, x, _) => fig(x),
            })
            .collect();
        s.push_str(&format!("| {} | {} |\n", m.rows[r], cells.join(" | ")));
    }
    s.push_str(&format!(
        "| no model (last load) | {} |{}\n",
        fig(m.rule),
        " |".repeat(m.cols.len() - 1)
    ));
    s
}

fn ratio(m: &Map, col: &str) -> Option<f64> {
    let c = m.cols.iter().position(|x| x == col)?;
    Some(m.cells[0][c].mae? / m.cells[0][0].mae?)
}

fn summary(name: &str, m: &Map, secs: f64) {
    println!(
        "**{name}**: {} cells, a value every {}, {} days, {} weeks scored after a {} warm-up; \
         unit: {}; {secs:.1} s on 2 threads.\n",
        m.cells_n,
        rtml::base::units::fmt_duration(m.step_hours, rtml::base::units::TimeUnit::Hour),
        fig(Some(m.span_hours / 24.0)),
        m.weeks,
        rtml::base::units::fmt_duration(m.warmup_hours, rtml::base::units::TimeUnit::Hour),
        m.unit
    );
    println!("{}", table(m));
    println!(
        "frozen / continual {}, daily / continual {}, rule / continual {}.\n",
        fig(ratio(m, "frozen")),
        fig(ratio(m, "1d")),
        fig(m.rule.zip(m.cells[0][0].mae).map(|(a, b)| a / b)),
    );
    if let Some(mm) = &m.money {
        println!("{}", money_table(mm));
    }
    println!("{}\n", m.conclusion);
}

/// The money map as a Markdown table: money per day lost against the freshest corner (its 95%
/// interval over the weeks), then the references over always on.
fn money_table(mm: &rtml::study::answer::stats::Map) -> String {
    let d = |x: &rtml::study::answer::stats::Diff| {
        let m = if x.measurable {
            fig(Some(x.mean))
        } else {
            format!("n.m. ({})", fig(Some(x.mean)))
        };
        format!("{m} [{}, {}]", fig(Some(x.lo)), fig(Some(x.hi)))
    };
    let mut s = format!(
        "Money lost against the freshest corner, {} (95% interval over {} weeks):\n\n| inputs \\ model | {} |\n",
        mm.unit,
        mm.seeds,
        mm.cols.join(" | ")
    );
    s.push_str(&format!("| --- |{}\n", " --- |".repeat(mm.cols.len())));
    for (r, row) in mm.cells.iter().enumerate() {
        let cells: Vec<String> = (row.iter().enumerate())
            .map(|(c, x)| {
                if r == 0 && c == 0 {
                    format!("pays {}", fig(Some(x.figures[0])))
                } else {
                    d(&x.lost)
                }
            })
            .collect();
        s.push_str(&format!("| {} | {} |\n", mm.rows[r], cells.join(" | ")));
    }
    s.push_str(&format!(
        "\nOver always on: ML {}, the rule {}, ML over the rule {}, the oracle {}.\n",
        d(&mm.ml),
        d(&mm.rule),
        d(&mm.ml_over_rule),
        d(&mm.oracle)
    ));
    s
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(file) = args.first() else {
        eprintln!("usage: trace_map FILE [--sim-days N] [--key value ...] (replay settings)");
        std::process::exit(2);
    };
    let mut settings = Vec::new();
    let mut sim_days = "365".to_string();
    let (mut groups, mut sets) = (String::new(), Vec::new());
    let mut rest = args[1..].iter();
    while let (Some(k), Some(v)) = (rest.next(), rest.next()) {
        let k = k.trim_start_matches("--");
        match k {
            "sim-days" => sim_days = v.clone(),
            "groups" => groups = v.clone(),
            "set" => sets.push(v.clone()),
            _ => settings.push((k.to_string(), v.clone())),
        }
    }
    let sha = std::process::Command::new("sha256sum")
        .arg(file)
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .split(' ')
                .next()
                .unwrap_or("")
                .to_string()
        })
        .unwrap_or_default();
    println!(
        "Written by `cargo run --release --example trace_map -- {}` (file SHA-256 {sha}).\n",
        args.join(" ")
    );
    let job = |source, settings: Vec<(String, String)>, groups: &str| Job {
        settings,
        groups: groups.to_string(),
        sets: if groups.is_empty() {
            String::new()
        } else {
            sets.join("&")
        },
        ..Job::load_csv(source)
    };
    let (real, secs) = map(&job(Source::Path(file.clone()), settings, &groups));
    summary("Real LTE trace", &real, secs);
    let mut cfg = rtml::sim::presets::preset("cells-sleep").unwrap().config();
    cfg.set("days", &sim_days).unwrap();
    let mut trace = Vec::new();
    rtml::sim::export::write(&cfg, &mut trace).unwrap();
    let text = String::from_utf8(trace).unwrap();
    // The simulated side prices with the export's own coverage groups when the real one prices.
    let sim_groups = if groups.is_empty() {
        String::new()
    } else {
        rtml::sim::export::coverage_groups(&cfg).unwrap_or_default()
    };
    let (sim, secs) = map(&job(Source::Text(text), Vec::new(), &sim_groups));
    summary(
        &format!(
            "Simulated (cells-sleep, {sim_days} days, seed {}, exported)",
            cfg.seed
        ),
        &sim,
        secs,
    );
}
