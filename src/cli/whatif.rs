//! `rtml whatif`: each value of a sleep-policy knob as the simulator predicts it and as the live
//! network gives it, the two picks, and what trusting the simulator costs.

use clap::Args;
use rtml::sim::whatif::{self, Outcome, SeedRun, Spec, Summary};

use super::{build_config, show};

// The subcommand's help is the doc comment of `Command::Whatif`.
#[derive(Args)]
pub struct WhatifArgs {
    /// Preset name (a cells preset, see `rtml presets`).
    #[arg(long, default_value = "cells-what-if")]
    preset: String,
    /// The policy knob to vary: threshold, wake or coverage.
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
    let cfg = build_config(&args.preset, args.seed, &args.set)?;
    let err = cfg.cells.sim_error;
    let spec = Spec::new(cfg, &args.knob, &args.values, args.seeds)?;
    let windows: &[f64] = if args.refit { &whatif::WINDOWS } else { &[] };
    let mut outs = super::output::Outputs::default();
    outs.ask("--svg", args.svg.as_deref()).check()?;
    let cost = super::limit::whatif(&spec, windows.len());
    if !super::limit::check(&cost, "this what-if", &args.limit)? {
        return Ok(());
    }
    let runs = run(&spec, err, windows, !args.json);
    let summary = whatif::summarize(&spec, &runs, 0, err);
    if let Some(path) = &args.svg {
        let h = if args.refit { 760 } else { 520 };
        outs.write(path, rtml::view::chart::whatif_svg(&summary, 900, h)?)?;
    }
    let quiet = outs.to_stdout();
    outs.commit()?;
    if quiet {
        return Ok(());
    }
    if args.json {
        let json = whatif::to_json(&summary);
        outln!("{}", serde_json::to_string_pretty(&json).expect("json"));
    } else {
        print_table(&args.preset, &spec, &summary);
    }
    Ok(())
}

/// Every seed, spread over the cores, with progress on standard error.
fn run(spec: &Spec, err: f64, windows: &[f64], progress: bool) -> Vec<SeedRun> {
    let seeds = spec.seed_list();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = seeds.len().div_ceil(cores.max(1)).max(1);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = seeds.len();
    let mut runs: Vec<SeedRun> = std::thread::scope(|sc| {
        let handles: Vec<_> = (seeds.chunks(chunk))
            .map(|part| {
                let done = &done;
                sc.spawn(move || {
                    (part.iter())
                        .map(|&seed| {
                            let r = whatif::run_seed(spec, seed, &[err], windows);
                            let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                            if progress {
                                eprint!("\rrtml: whatif {d}/{total} seeds");
                            }
                            r
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        (handles.into_iter())
            .flat_map(|h| h.join().expect("a what-if thread panicked"))
            .collect()
    });
    if progress {
        eprintln!();
    }
    runs.sort_by_key(|r| r.seed);
    runs
}

/// One row per value (predicted and real: energy saved, unserved GB a day, money saved a day, with
/// its interval), then the picks, the regret and the refit.
fn print_table(name: &str, spec: &Spec, s: &Summary) {
    let c = &spec.cfg.cells;
    outln!(
        "{name}: {} against its value, simulator error {}, {} seeds (money at {} per kWh and {} per unserved GB)",
        s.knob.name(),
        show(s.sim_error),
        s.seeds,
        show(c.price_kwh),
        show(c.price_gb)
    );
    outln!(
        "{:<8} {:>10} {:>10} {:>10} {:>10} {:>26} {:>26}",
        "value",
        "pred. %",
        "real %",
        "pred. GB",
        "real GB",
        "pred. money/day",
        "real money/day"
    );
    let money = |o: &Outcome| {
        let f = o.money_saved_day;
        format!("{} [{}, {}]", show(f.mean), show(f.lo), show(f.hi))
    };
    for (i, v) in s.values.iter().enumerate() {
        let (p, r) = (&s.predicted[i], &s.real[i]);
        outln!(
            "{:<8} {:>10} {:>10} {:>10} {:>10} {:>26} {:>26}",
            show(*v),
            show(p.energy_saved_pct.mean),
            show(r.energy_saved_pct.mean),
            show(p.unserved_gb_day.mean),
            show(r.unserved_gb_day.mean),
            money(p),
            money(r)
        );
    }
    outln!(
        "the simulator picks {}; truly best {}; trusting the simulator costs {} a day",
        show(s.values[s.sim_pick]),
        show(s.values[s.true_pick]),
        show(s.regret)
    );
    outln!(
        "each seed deciding alone: the simulator picks wrong on {} of {} seeds, costing {} a day on average",
        s.wrong_seeds,
        s.seeds,
        show(s.seed_regret.mean)
    );
    for r in &s.refit {
        outln!(
            "refit on {} day{} of live load: picks {}, costs {} a day ({} per seed deciding alone); the wait cost {} ({} per seed alone)",
            show(r.days),
            if r.days == 1.0 { "" } else { "s" },
            show(s.values[r.sim_pick]),
            show(r.regret),
            show(r.seed_regret.mean),
            show(r.waiting_cost),
            show(r.seed_waiting_cost)
        );
    }
}
