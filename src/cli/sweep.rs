//! `rtml sweep`: the outcome against the retraining interval (or batch refresh), over seeds.

use clap::Args;
use rtml::base::units::fmt_num;
use rtml::sim::config::LANE_NAMES;
use rtml::sim::sweep::{Param, Point, Spec, Summary};

use super::{build_config, round};

// The subcommand's help is the doc comment of `Command::Sweep`.
#[derive(Args)]
pub struct SweepArgs {
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
    #[command(flatten)]
    limit: super::limit::Limit,
    /// Write one row per point to this CSV file (`-`: standard output).
    #[arg(long, value_name = "FILE")]
    csv: Option<String>,
    /// Write the sweep chart to this SVG file (`-`: standard output).
    #[arg(long, value_name = "FILE")]
    svg: Option<String>,
}

pub fn sweep(args: SweepArgs) -> Result<(), String> {
    let name = args.preset.as_str();
    let cfg = build_config(name, args.seed, &args.set)?;
    let (param, lane) = Param::parse(&args.param)?;
    let points = args
        .values
        .split(',')
        .filter(|v| !v.trim().is_empty())
        .map(Point::parse)
        .collect::<Result<Vec<_>, _>>()?;
    let spec = Spec::new(cfg, lane, param, points, args.seeds, args.metric.as_deref())?;
    let mut outs = super::output::Outputs::default();
    outs.ask("--csv", args.csv.as_deref())
        .ask("--svg", args.svg.as_deref())
        .check()?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if !super::limit::check(&spec.cost(cores), "this sweep", &args.limit)? {
        return Ok(());
    }
    let quiet = args.json;
    let (_, summary) = rtml::sim::sweep::run(&spec, |i, n| {
        if !quiet {
            eprint!("\rrtml: sweep {i}/{n} runs");
        }
    })?;
    if !quiet {
        eprintln!();
    }
    let quiet = outs.to_stdout();
    if let Some(path) = &args.csv {
        outs.write(path, rtml::sim::sweep::to_csv(&summary))?;
    }
    if let Some(path) = &args.svg {
        outs.write(
            path,
            rtml::view::chart::sweep_svg(&[(name, &summary)], 900, 640)?,
        )?;
    }
    outs.commit()?;
    if quiet {
        return Ok(());
    }
    if args.json {
        let json = rtml::sim::sweep::to_json(name, &spec, &summary);
        outln!("{}", serde_json::to_string_pretty(&json).expect("json"));
    } else {
        print_table(name, &spec, &summary);
    }
    Ok(())
}

/// One row per point (mean, sd, share of the frozen-to-continual gap, cost), then the loss per hour.
fn print_table(name: &str, spec: &Spec, summary: &Summary) {
    outln!(
        "{name}: {} of lane {} against {:?}, {} seeds",
        summary.metric,
        LANE_NAMES[spec.lane],
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
