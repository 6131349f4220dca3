//! `rtml whatif`: each value of a sleep-policy knob as the simulator predicts it and as the live
//! network gives it, the two picks, and what trusting the simulator costs.

use clap::Args;
use rtml::study::studies::{WhatIf, WhatIfJob};
use rtml::study::whatif;
use rtml::study::Figure;

use super::build_config;

// The subcommand's help is the doc comment of `Command::Whatif`.
#[derive(Args)]
pub struct WhatifArgs {
    /// Preset name (a cells preset, see `rtml presets`).
    #[arg(long, default_value = "cells-what-if")]
    preset: String,
    /// The policy knob to vary: threshold, wake, coverage, headroom or wake_limit.
    #[arg(long, default_value = whatif::DEFAULT_KNOB)]
    knob: String,
    /// Comma-separated values of the knob (wake takes durations: 2m, 0.1h, or minutes).
    #[arg(long, default_value = whatif::DEFAULT_VALUES)]
    values: String,
    /// Seeds (1 to 50), starting at the preset's seed.
    #[arg(long, default_value_t = 10)]
    seeds: u32,
    /// First seed.
    #[arg(long)]
    seed: Option<u32>,
    /// A setting, `key=value` (repeatable), e.g. `--set sim_error=0.2`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Also refit the simulator's profiles on 1, 7 and 28 days of live load before deciding.
    #[arg(long)]
    refit: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    limit: super::limit::Limit,
    /// Write the chart to this SVG file (`-`: standard output).
    #[arg(long, value_name = "FILE")]
    svg: Option<String>,
}

pub fn whatif(args: WhatifArgs) -> Result<(), String> {
    let config = build_config(&args.preset, args.seed, &args.set)?;
    let job = WhatIfJob {
        config,
        knob: args.knob,
        values: args.values,
        seeds: args.seeds,
        slider: false,
        step: 0,
        refit: args.refit,
    };
    job.spec()?;
    let mut outs = super::output::Outputs::default();
    outs.ask("--svg", args.svg.as_deref()).check()?;
    let cost = super::limit::study::<WhatIf>(&job)?;
    if !super::limit::check(&cost, "this what-if", &args.limit)? {
        return Ok(());
    }
    let report = super::study::<WhatIf>(&job, "whatif", "seeds", args.json, super::limit::cores())?;
    let Figure::WhatIf(summary) = &report.figure else {
        unreachable!("the what-if draws its curves")
    };
    if let Some(path) = &args.svg {
        let h = if args.refit { 760 } else { 520 };
        outs.write(path, rtml::view::chart::whatif_svg(summary, 900, h)?)?;
    }
    let quiet = outs.to_stdout();
    outs.commit()?;
    if quiet {
        return Ok(());
    }
    super::print_report(&report, args.json);
    Ok(())
}
