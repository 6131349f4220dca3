//! `rtml answer`: the freshness map for ads and for cells, value lost in money per day, and the
//! conclusion in words.

use clap::Args;
use rtml::study::answer::{self, stats, Spec};
use rtml::study::studies::Answer;
use rtml::study::Figure;

use super::parse_sets;

// The subcommand's help is the doc comment of `Command::Answer`.
#[derive(Args)]
pub struct AnswerArgs {
    /// First seed (each scenario's seeds run from it).
    #[arg(long, conflicts_with = "trace")]
    seed: Option<u32>,
    /// Seeds (1 to 50).
    #[arg(long, default_value_t = answer::DEFAULT_SEEDS, conflicts_with = "trace")]
    seeds: u32,
    /// A setting for both worlds, `key=value` (repeatable), e.g. `days=7`, `price_kwh=0.3`; with
    /// --trace and --groups, the network's settings of the money (the cells knobs `price_kwh`,
    /// `complaint_cost`, `complaint_rate`, `users`, `coverage`, `headroom`, `wake_limit`, `wake`,
    /// `chains`, `cell_type`, `tune`, `threshold`, `margin`).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// The ads preset whose world the map runs in.
    #[arg(long, default_value = answer::DEFAULT_ADS, conflicts_with = "trace")]
    ads: String,
    /// The cells preset whose world the map runs in.
    #[arg(long, default_value = answer::DEFAULT_CELLS, conflicts_with = "trace")]
    cells: String,
    /// Also rerun the headline comparisons under each variation of the sensitivity strip (energy
    /// price, traffic volume, drift, ...), one at a time, and say under which they held.
    #[arg(long, conflicts_with = "trace")]
    sensitivity: bool,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    limit: super::limit::Limit,
    /// Write one row per scenario and cell of the map to this CSV file (`-`: standard output).
    #[arg(long, value_name = "FILE")]
    csv: Option<String>,
    /// Write the map to this SVG file (`-`: standard output).
    #[arg(long, value_name = "FILE")]
    svg: Option<String>,
    #[command(flatten)]
    trace: super::trace::TraceArgs,
}

pub fn answer(args: AnswerArgs) -> Result<(), String> {
    if args.trace.given() {
        return super::trace::answer(
            args.trace,
            &args.set,
            args.json,
            &args.limit,
            args.csv,
            args.svg,
        );
    }
    if let Some(flag) = args.trace.stray() {
        return Err(format!(
            "{flag} reads a file: it needs --trace FILE (without it, the map is the simulator's)"
        ));
    }
    let sets = parse_sets(&args.set)?;
    Spec::with_presets(&args.ads, &args.cells, args.seed, &sets, args.seeds)?;
    let mut outs = super::output::Outputs::default();
    outs.ask("--csv", args.csv.as_deref())
        .ask("--svg", args.svg.as_deref())
        .check()?;
    let job = answer::Job {
        ads: args.ads,
        cells: args.cells,
        sets: (sets.iter())
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("\n"),
        seed: args.seed,
        seeds: args.seeds,
        sensitivity: args.sensitivity,
    };
    // Its tasks run on every core at once: the memory is that many tasks'.
    let cost = super::limit::study::<Answer>(&job)?;
    if !super::limit::check(&cost, "this answer", &args.limit)? {
        return Ok(());
    }
    let report = super::study::<Answer>(&job, "answer", "runs", args.json, super::limit::cores())?;
    let Figure::Answer(a) = &report.figure else {
        unreachable!("the answer draws its map")
    };
    let quiet = outs.to_stdout();
    if let Some(path) = &args.csv {
        outs.write(path, stats::to_csv(a))?;
    }
    if let Some(path) = &args.svg {
        outs.write(path, rtml::view::chart::answer_svg(a, 1000, 620)?)?;
    }
    outs.commit()?;
    if quiet {
        return Ok(());
    }
    super::print_report(&report, args.json);
    Ok(())
}
