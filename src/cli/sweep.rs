//! `rtml sweep`: the outcome against the retraining interval (or batch refresh), over seeds.

use clap::Args;
use rtml::study::studies::{Sweep, SweepJob, SweepWorld};
use rtml::study::Figure;

use super::build_config;

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
    #[arg(long, default_value = rtml::study::sweep::DEFAULT_VALUES)]
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
    let config = build_config(name, args.seed, &args.set)?;
    let world = SweepWorld {
        label: name.into(),
        name: name.into(),
        config,
    };
    let job = SweepJob {
        worlds: vec![world],
        param: args.param.clone(),
        values: args.values.clone(),
        seeds: args.seeds,
        metric: args.metric.clone(),
    };
    job.spec(0)?;
    let mut outs = super::output::Outputs::default();
    outs.ask("--csv", args.csv.as_deref())
        .ask("--svg", args.svg.as_deref())
        .check()?;
    let cores = super::limit::cores();
    if !super::limit::check(
        &super::limit::study::<Sweep>(&job)?,
        "this sweep",
        &args.limit,
    )? {
        return Ok(());
    }
    let report = super::study::<Sweep>(&job, "sweep", "runs", args.json, cores)?;
    let Figure::Sweep(sweeps) = &report.figure else {
        unreachable!("a sweep draws its curves")
    };
    let summary = &sweeps[0].1;
    let quiet = outs.to_stdout();
    if let Some(path) = &args.csv {
        outs.write(path, rtml::study::sweep::to_csv(summary))?;
    }
    if let Some(path) = &args.svg {
        outs.write(
            path,
            rtml::view::chart::sweep_svg(&[(name, summary)], 900, 640)?,
        )?;
    }
    outs.commit()?;
    if quiet {
        return Ok(());
    }
    super::print_report(&report, args.json);
    Ok(())
}
