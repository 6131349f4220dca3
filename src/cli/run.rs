//! `rtml run`: one experiment to the end, then its digest, its JSON or a table of every lane's outcome.

use clap::Args;
use rtml::base::json::json_num;
use rtml::sim::experiment::{Experiment, LaneSummary};
use rtml::sim::presets::preset;

use super::output::{Outputs, STDOUT};
use super::{build_config, show};

// The subcommand's help is the doc comment of `Command::Run`.
#[derive(Args)]
pub struct RunArgs {
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
    #[command(flatten)]
    limit: super::limit::Limit,
    /// Write every windowed series to this CSV file (`-`: standard output).
    #[arg(long, value_name = "FILE")]
    csv: Option<String>,
    /// Write the chart to this SVG file (`-`: standard output).
    #[arg(long, value_name = "FILE")]
    svg: Option<String>,
    /// Write the world panes to this SVG file: per lane which cells slept or were overloaded and one
    /// cell's load against the forecasts (cells), or the ad each lane showed the busiest user segments
    /// against the best ad and the session intents (ads). `-`: standard output.
    #[arg(long, value_name = "FILE")]
    world_svg: Option<String>,
    /// The day the world panes' cursor marks (default: none).
    #[arg(long, value_name = "DAY", requires = "world_svg")]
    at: Option<f64>,
    /// The cell the cells pane follows, from 1 (default: the one whose story differs most between lanes).
    #[arg(long, value_name = "N", requires = "world_svg")]
    cell: Option<usize>,
    /// Metric the chart shows (default: the preset's).
    #[arg(long)]
    metric: Option<String>,
    /// Print only a digest of every series and summary value (same link, same numbers, everywhere).
    #[arg(long)]
    digest: bool,
    /// Write the world's observable stream to this file, for `rtml replay`: a per-cell load trace
    /// (cells: `rtml replay --format load-csv FILE`) or a Vowpal Wabbit click log (ads: `rtml replay
    /// --format vw FILE`). `-`: standard output.
    #[arg(long, value_name = "FILE")]
    export: Option<String>,
    /// Run this many seeds (from the run's seed on) and report each figure's mean and 90% interval,
    /// and per pair of lanes the seeds in which each did better on the metric.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=50))]
    seeds: Option<u32>,
    /// Threads serving the lanes, or with --seeds the seeds run at once (default: every core); the
    /// numbers are the same for any count.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=64))]
    threads: Option<u16>,
}

pub fn run(args: RunArgs) -> Result<(), String> {
    let cfg = build_config(&args.preset, args.seed, &args.set)?;
    let p = preset(&args.preset).expect("checked");
    // A preset's metric belongs to its scenario: with `--set scenario=...` the other scenario's default.
    let key = args.metric.clone().unwrap_or_else(|| {
        if cfg.scenario == p.scenario {
            p.metric.to_string()
        } else {
            cfg.scenario.default_metric().to_string()
        }
    });
    rtml::sim::series::metric_or_list(cfg.scenario, &key)?;
    if let Some(n) = args.seeds {
        refuse_with_seeds(&args)?;
        let mut outs = Outputs::default();
        outs.ask("--svg", args.svg.as_deref()).check()?;
        let at_once = args.threads.map_or(super::limit::cores(), usize::from);
        let one = rtml::sim::cost::estimate(&cfg);
        let cost = super::limit::seeds(one, n as usize, at_once);
        if !super::limit::check(&cost, "this run", &args.limit)? {
            return Ok(());
        }
        super::spread::run(
            &args.preset,
            &cfg,
            &key,
            n,
            args.json,
            args.svg.as_deref(),
            at_once,
        )?;
        return Ok(());
    }
    let mut outs = Outputs::default();
    outs.ask("--world-svg", args.world_svg.as_deref())
        .ask("--export", args.export.as_deref())
        .ask("--csv", args.csv.as_deref())
        .ask("--svg", args.svg.as_deref())
        .check()?;
    let mut cost = rtml::sim::cost::estimate(&cfg);
    if args.export.is_some() {
        cost = super::limit::with_export(cost, &cfg);
    }
    if !super::limit::check(&cost, "this run", &args.limit)? {
        return Ok(());
    }
    let seed = cfg.seed;
    let mut exp = Experiment::new(cfg.clone()).map_err(|e| e.to_string())?;
    if let Some(n) = args.threads {
        exp.set_threads(n as usize);
    }
    if args.world_svg.is_some() {
        exp.record_inside();
    }
    exp.run_to_end();
    let quiet = outs.to_stdout();
    if let Some(path) = &args.world_svg {
        outs.write(path, world_svg(&exp, args.at, args.cell)?)?;
    }
    if let Some(path) = &args.export {
        outs.write_with(path, |w| rtml::sim::export::write(&cfg, w))?;
    }
    if let Some(path) = &args.csv {
        outs.write(path, exp.csv())?;
    }
    if let Some(path) = &args.svg {
        outs.write(path, rtml::view::chart::svg(&exp, &key, 1000, 640)?)?;
    }
    outs.commit()?;
    if let Some(path) = args.export.as_deref().filter(|p| *p != STDOUT) {
        eprintln!(
            "rtml: wrote {path}; replay it with `rtml replay --format {} {path}`",
            rtml::sim::export::replay_format(cfg.scenario)
        );
        if let Some(g) = rtml::sim::export::coverage_groups(&cfg) {
            eprintln!(
                "rtml: its freshness map with the network's money: `rtml answer --trace {path} \
                 --format load-csv --groups '{g}'`"
            );
        }
    }
    if quiet {
        // Standard output carries a file: the report would spoil it.
        for w in exp.warnings() {
            eprintln!("rtml: warning: {w}");
        }
        return Ok(());
    }
    if args.digest {
        outln!("{}", exp.digest());
        return Ok(());
    }
    for w in exp.warnings() {
        eprintln!("rtml: warning: {w}");
    }
    let summary = exp.summary();
    if args.json {
        print_json(&args.preset, seed, &summary);
    } else {
        print_table(p.title, seed, &summary);
    }
    Ok(())
}

/// The world panes of a finished run, the cursor on day `at`, following cell `cell` (from 1).
fn world_svg(exp: &Experiment, at: Option<f64>, cell: Option<usize>) -> Result<String, String> {
    use rtml::view::chart::{inside_svg, Pick};
    let inside = exp.inside().expect("recorded");
    let g = inside.world;
    let cells = g.rows;
    let cell = match cell {
        Some(c) if inside.scenario == rtml::sim::config::Scenario::Ads => {
            return Err(format!("--cell {c}: the ads scenario has no cells"))
        }
        Some(c) if c == 0 || c > cells => {
            return Err(format!("--cell {c}: this network has cells 1 to {cells}"))
        }
        Some(c) => c - 1,
        None => rtml::view::inside::telling_cell(&inside),
    };
    let days = exp.config().days;
    let at = match at {
        Some(d) if !(0.0..=days).contains(&d) => {
            return Err(format!("--at {d}: the run covers days 0 to {days}"))
        }
        Some(d) => Some(
            ((d * rtml::base::units::MINUTES_PER_DAY / g.bucket_min) as usize).min(g.buckets - 1),
        ),
        None => None,
    };
    inside_svg(exp, 1000, Pick { at, cell })
}

/// `{"preset", "seed", "lanes": [{"label", "description", "summary": {metric: value or null}}]}`.
fn print_json(name: &str, seed: u32, summary: &[LaneSummary]) {
    let lanes: Vec<serde_json::Value> = summary
        .iter()
        .map(|l| {
            let m: serde_json::Map<String, serde_json::Value> = l
                .metrics
                .iter()
                .map(|(k, v)| (k.to_string(), json_num(*v)))
                .collect();
            serde_json::json!({"label": l.label, "description": l.description, "policy": l.policy, "summary": m})
        })
        .collect();
    let out = serde_json::json!({"preset": name, "seed": seed, "lanes": lanes});
    outln!("{}", serde_json::to_string_pretty(&out).expect("json"));
}

/// Each lane's metrics, and after lane A the difference from lane A where both are defined.
fn print_table(title: &str, seed: u32, summary: &[LaneSummary]) {
    outln!("{title} (seed {seed})");
    let base = &summary[0];
    for l in summary {
        outln!("\n{}: {}", l.label, l.description);
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

/// The options `--seeds` cannot honour (it runs many worlds and prints their spread), refused by name.
fn refuse_with_seeds(args: &RunArgs) -> Result<(), String> {
    let given: Vec<&str> = [
        ("--csv", args.csv.is_some()),
        ("--world-svg", args.world_svg.is_some()),
        ("--export", args.export.is_some()),
        ("--digest", args.digest),
    ]
    .into_iter()
    .filter_map(|(flag, on)| on.then_some(flag))
    .collect();
    if given.is_empty() {
        return Ok(());
    }
    Err(format!(
        "--seeds runs many worlds and prints their spread: it cannot honour {} (run one seed for those)",
        given.join(", ")
    ))
}
