//! The `rtml` command line (clap): presets, knobs, run.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rtml::sim::config::{fmt_num, Config, KNOBS, LANE_KNOBS};
use rtml::sim::experiment::Experiment;
use rtml::sim::presets::{preset, PRESETS};
use rtml::sim::series::metric;

#[derive(Parser)]
#[command(
    name = "rtml",
    version,
    about = "Real-Time ML Playground: batch vs online prediction, periodic retraining vs continual learning, for ad ranking and for cells that sleep."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the presets and what each shows.
    Presets,
    /// List every setting: key, default, valid values, meaning.
    Knobs,
    /// Run a preset (or the defaults of a scenario) and print each lane's outcome.
    Run {
        /// Preset name (see `rtml presets`).
        #[arg(long, default_value = "ads-batch-vs-online")]
        preset: String,
        /// Seed (overrides the preset's).
        #[arg(long)]
        seed: Option<u32>,
        /// A setting, `key=value` (repeatable), e.g. `--set days=28 --set b.every=1h`.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Write every windowed series to this CSV file.
        #[arg(long, value_name = "FILE")]
        csv: Option<String>,
        /// Write the chart to this SVG file.
        #[arg(long, value_name = "FILE")]
        svg: Option<String>,
        /// Metric the chart shows (default: the preset's).
        #[arg(long)]
        metric: Option<String>,
        /// Print only a digest of every series and summary value (same link, same numbers, everywhere).
        #[arg(long)]
        digest: bool,
        /// Threads serving the lanes (default: every core); the numbers are the same for any count.
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=64))]
        threads: Option<u16>,
    },
    /// Freshness sweep: the outcome against the retraining interval (or batch refresh), over seeds.
    Sweep {
        /// Preset name (see `rtml presets`).
        #[arg(long, default_value = "ads-drift")]
        preset: String,
        /// What to vary: `every` (retraining interval) or `refresh` (batch refresh); `b.every` names the lane.
        #[arg(long, default_value = "every")]
        param: String,
        /// Comma-separated durations (1m ... 30d); frozen and continual are always added.
        #[arg(long, default_value = rtml::sim::sweep::DEFAULT_VALUES)]
        values: String,
        /// Seeds per point (1 to 50), starting at the preset's seed.
        #[arg(long, default_value_t = 3)]
        seeds: u32,
        /// First seed.
        #[arg(long)]
        seed: Option<u32>,
        /// A setting, `key=value` (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// Outcome to normalise (default: expected_clicks for ads, mae for cells).
        #[arg(long)]
        metric: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Write one row per point to this CSV file.
        #[arg(long, value_name = "FILE")]
        csv: Option<String>,
        /// Write the sweep chart to this SVG file.
        #[arg(long, value_name = "FILE")]
        svg: Option<String>,
    },
    /// Replay your own file (a Vowpal Wabbit click log or a per-cell load CSV) through the lanes, scored progressively.
    Replay {
        /// `vw` (click log in Vowpal Wabbit text) or `load-csv` (per-cell load trace).
        #[arg(long)]
        format: String,
        /// Hashed feature buckets, 2^bits (vw).
        #[arg(long)]
        bits: Option<String>,
        /// FTRL-Proximal hyper-parameters, e.g. `alpha=0.1,beta=1,l1=1,l2=1` (vw).
        #[arg(long)]
        ftrl: Option<String>,
        /// Lanes, e.g. `frozen,stateless:100000,stateful:100000,continual` (vw, in examples) or `frozen,periodic:24h,continual` (load-csv, in hours).
        #[arg(long)]
        lanes: Option<String>,
        /// Warm-up every lane trains on before scoring: examples (vw, default 10000) or hours per cell (load-csv, default 168h).
        #[arg(long)]
        warmup: Option<String>,
        /// Label delay: examples (vw) or intervals (load-csv).
        #[arg(long = "label-delay")]
        label_delay: Option<String>,
        /// CSV delimiter (load-csv), e.g. ';' or '\t'.
        #[arg(long)]
        delimiter: Option<String>,
        /// Time column (load-csv).
        #[arg(long = "time-col")]
        time_col: Option<String>,
        /// Cell column (load-csv; omit for a single series).
        #[arg(long = "cell-col")]
        cell_col: Option<String>,
        /// Load column (load-csv): a utilisation, divided by --scale.
        #[arg(long = "value-col")]
        value_col: Option<String>,
        /// Divide values by this (load-csv): 1 for shares of capacity, 100 for percentages.
        #[arg(long)]
        scale: Option<String>,
        /// Sleep threshold, share of capacity (load-csv, default 0.25).
        #[arg(long)]
        threshold: Option<String>,
        /// Load learner (load-csv): rls (default) or nlms.
        #[arg(long)]
        learner: Option<String>,
        /// EARTH power-model row (load-csv): macro, rrh, micro or pico.
        #[arg(long = "cell-type")]
        cell_type: Option<String>,
        /// Skip and count malformed lines instead of stopping at the first.
        #[arg(long = "skip-bad")]
        skip_bad: bool,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// The file to replay.
        file: String,
    },
}

/// `print!` to standard output, except that a reader that went away (`rtml presets | head -1`) ends
/// the program quietly instead of a panic, and any other write error is reported.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = write!(std::io::stdout(), $($arg)*) {
            output_failed(e);
        }
    }};
}

/// `println!` with the same care as [`out!`].
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout(), $($arg)*) {
            output_failed(e);
        }
    }};
}

fn output_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("rtml: cannot write the output: {e}");
    std::process::exit(2);
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rtml: {e}");
            ExitCode::from(2)
        }
    }
}

fn parse_sets(sets: &[String]) -> Result<Vec<(String, String)>, String> {
    sets.iter()
        .map(|s| {
            s.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .ok_or_else(|| format!("--set `{s}`: expected key=value, e.g. --set days=28"))
        })
        .collect()
}

fn build_config(name: &str, seed: Option<u32>, sets: &[String]) -> Result<Config, String> {
    let p = preset(name).ok_or_else(|| {
        format!(
            "no preset `{name}`; choose one of: {}",
            PRESETS
                .iter()
                .map(|p| p.name)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let mut cfg = p
        .config_with(&parse_sets(sets)?)
        .map_err(|e| e.to_string())?;
    if let Some(s) = seed {
        cfg.seed = s;
    }
    Ok(cfg)
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Presets => {
            for p in PRESETS {
                outln!("{}\n  {}\n  {}\n", p.name, p.title, p.caption);
            }
            Ok(())
        }
        Command::Knobs => {
            let d = Config::default();
            for k in KNOBS {
                outln!(
                    "{:<14} {:<10} {}",
                    k.key,
                    k.kind.format(&(k.get)(&d)),
                    k.help
                );
            }
            let l = &d.lanes[0];
            for k in LANE_KNOBS {
                outln!(
                    "a.{:<12} {:<10} {}",
                    k.key,
                    k.kind.format(&(k.get)(l)),
                    k.help
                );
            }
            Ok(())
        }
        Command::Sweep {
            preset: name,
            param,
            values,
            seeds,
            seed,
            set,
            metric: chosen,
            json,
            csv,
            svg,
        } => {
            let cfg = build_config(&name, seed, &set)?;
            let (param, lane) = rtml::sim::sweep::Param::parse(&param)?;
            let points = values
                .split(',')
                .filter(|v| !v.trim().is_empty())
                .map(rtml::sim::sweep::Point::parse)
                .collect::<Result<Vec<_>, _>>()?;
            let spec =
                rtml::sim::sweep::Spec::new(cfg, lane, param, points, seeds, chosen.as_deref())?;
            let quiet = json;
            let (_, summary) = rtml::sim::sweep::run(&spec, |i, n| {
                if !quiet {
                    eprint!("\rrtml: sweep {i}/{n} runs");
                }
            })?;
            if !quiet {
                eprintln!();
            }
            if let Some(path) = csv {
                std::fs::write(&path, rtml::sim::sweep::to_csv(&summary))
                    .map_err(|e| format!("cannot write {path}: {e}"))?;
            }
            if let Some(path) = svg {
                let doc = rtml::view::chart::sweep_svg(&[(name.as_str(), &summary)], 900, 640)?;
                std::fs::write(&path, doc).map_err(|e| format!("cannot write {path}: {e}"))?;
            }
            if json {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&rtml::sim::sweep::to_json(
                        &name, &spec, &summary
                    ))
                    .expect("json")
                );
            } else {
                outln!(
                    "{name}: {} of lane {} against {:?}, {} seeds",
                    summary.metric,
                    rtml::sim::config::LANE_NAMES[spec.lane],
                    summary.param,
                    spec.seeds
                );
                outln!(
                    "{:<10} {:>14} {:>10} {:>8} {:>14} {:>9}",
                    "point",
                    "mean",
                    "sd",
                    "share",
                    "updates",
                    "retrains"
                );
                for p in &summary.points {
                    outln!(
                        "{:<10} {:>14} {:>10} {:>7.1}% {:>14.0} {:>9.0}",
                        p.label,
                        fmt_num(round(p.mean)),
                        fmt_num(round(p.sd)),
                        p.share * 100.0,
                        p.cost,
                        p.retrains
                    );
                }
                outln!(
                    "per hour of staleness (fit over points up to 1 day): loses {:.3}% of the {} ({:.2}% of the frozen-to-continual gap)",
                    summary.value_loss_per_hour * 100.0,
                    summary.metric,
                    summary.loss_per_hour * 100.0
                );
            }
            Ok(())
        }
        Command::Replay {
            format,
            bits,
            ftrl,
            lanes,
            warmup,
            label_delay,
            delimiter,
            time_col,
            cell_col,
            value_col,
            scale,
            threshold,
            learner,
            cell_type,
            skip_bad,
            json,
            file,
        } => {
            let given = [
                ("bits", bits),
                ("ftrl", ftrl),
                ("lanes", lanes),
                ("warmup", warmup),
                ("label-delay", label_delay),
                ("delimiter", delimiter),
                ("time-col", time_col),
                ("cell-col", cell_col),
                ("value-col", value_col),
                ("scale", scale),
                ("threshold", threshold),
                ("learner", learner),
                ("cell-type", cell_type),
                ("skip-bad", skip_bad.then(|| "true".to_string())),
            ];
            let settings: Vec<(&str, String)> = given
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v)))
                .collect();
            let opts = rtml::replay::ReplayOptions::from_args(&format, &settings)
                .map_err(|e| e.to_string())?;
            let (report, secs) =
                rtml::replay::run_file(&file, opts).map_err(|e| format!("{file}: {e}"))?;
            if json {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&rtml::replay::report_json(&report, secs))
                        .expect("json")
                );
            } else {
                out!("{}", rtml::replay::format_table(&report, secs));
            }
            Ok(())
        }
        Command::Run {
            preset: name,
            seed,
            set,
            json,
            csv,
            svg,
            metric: chosen,
            digest,
            threads,
        } => {
            let cfg = build_config(&name, seed, &set)?;
            let p = preset(&name).expect("checked");
            let key = chosen.unwrap_or_else(|| p.metric.to_string());
            if metric(cfg.scenario, &key).is_none() {
                return Err(format!(
                    "no metric `{key}` for the {:?} scenario",
                    cfg.scenario
                ));
            }
            let seed = cfg.seed;
            let mut exp = Experiment::new(cfg).map_err(|e| e.to_string())?;
            if let Some(n) = threads {
                exp.set_threads(n as usize);
            }
            exp.run_to_end();
            if let Some(path) = csv {
                std::fs::write(&path, exp.csv())
                    .map_err(|e| format!("cannot write {path}: {e}"))?;
            }
            if let Some(path) = svg {
                let doc = rtml::view::chart::svg(&exp, &key, 1000, 640)?;
                std::fs::write(&path, doc).map_err(|e| format!("cannot write {path}: {e}"))?;
            }
            if digest {
                outln!("{}", exp.digest());
                return Ok(());
            }
            for w in exp.warnings() {
                eprintln!("rtml: warning: {w}");
            }
            let summary = exp.summary();
            if json {
                let lanes: Vec<serde_json::Value> = summary
                    .iter()
                    .map(|l| {
                        let m: serde_json::Map<String, serde_json::Value> =
                            l.metrics.iter().map(|(k, v)| (k.to_string(), json_num(*v))).collect();
                        serde_json::json!({"label": l.label, "description": l.description, "summary": m})
                    })
                    .collect();
                let out = serde_json::json!({"preset": name, "seed": seed, "lanes": lanes});
                outln!("{}", serde_json::to_string_pretty(&out).expect("json"));
            } else {
                outln!("{} (seed {seed})", p.title);
                for l in &summary {
                    outln!("\n{}: {}", l.label, l.description);
                    let base = &summary[0];
                    for (k, v) in &l.metrics {
                        let d = v - base.get(k).unwrap_or(f64::NAN);
                        let diff = if l.label != base.label && d.is_finite() {
                            format!("  ({}{} vs A)", if d >= 0.0 { "+" } else { "" }, show(d))
                        } else {
                            String::new()
                        };
                        outln!("  {:<20} {:>14}{}", k, show(*v), diff);
                    }
                }
            }
            Ok(())
        }
    }
}

/// A value for the table: rounded, or "–" when undefined (e.g. a rate with nothing to divide by).
fn show(x: f64) -> String {
    if x.is_finite() {
        fmt_num(round(x))
    } else {
        "–".into()
    }
}

fn round(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let mag = x.abs().max(1e-12).log10().floor();
    let scale = 10f64.powf(3.0 - mag).min(1e9);
    (x * scale).round() / scale
}

fn json_num(x: f64) -> serde_json::Value {
    serde_json::Number::from_f64(x)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}
