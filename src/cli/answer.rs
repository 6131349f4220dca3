//! `rtml answer`: the freshness map for ads and for cells, value lost in money per day, and the
//! conclusion in words.

use clap::Args;
use rtml::base::units::fmt_figure;
use rtml::sim::answer::{self, stats, Spec};

use super::parse_sets;

// The subcommand's help is the doc comment of `Command::Answer`.
#[derive(Args)]
pub struct AnswerArgs {
    /// First seed (each scenario's seeds run from it).
    #[arg(long)]
    seed: Option<u32>,
    /// Seeds (1 to 50).
    #[arg(long, default_value_t = answer::DEFAULT_SEEDS)]
    seeds: u32,
    /// A setting for both worlds, `key=value` (repeatable), e.g. `days=7`, `price_kwh=0.3`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// The ads preset whose world the map runs in.
    #[arg(long, default_value = answer::DEFAULT_ADS)]
    ads: String,
    /// The cells preset whose world the map runs in.
    #[arg(long, default_value = answer::DEFAULT_CELLS)]
    cells: String,
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
}

pub fn answer(args: AnswerArgs) -> Result<(), String> {
    let sets = parse_sets(&args.set)?;
    let spec = Spec::with_presets(&args.ads, &args.cells, args.seed, &sets, args.seeds)?;
    let mut outs = super::output::Outputs::default();
    outs.ask("--csv", args.csv.as_deref())
        .ask("--svg", args.svg.as_deref())
        .check()?;
    // Its tasks run on every core at once: the memory is that many tasks'.
    let cost = super::limit::at_once(spec.cost(), spec.tasks(1).len(), "this answer's tasks");
    if !super::limit::check(&cost, "this answer", &args.limit)? {
        return Ok(());
    }
    let quiet = args.json;
    let a = answer::run(&spec, |i, n| {
        if !quiet {
            eprint!("\rrtml: answer {i}/{n} runs");
        }
    })?;
    if !quiet {
        eprintln!();
    }
    let quiet = outs.to_stdout();
    if let Some(path) = &args.csv {
        outs.write(path, stats::to_csv(&a))?;
    }
    if let Some(path) = &args.svg {
        outs.write(path, rtml::view::chart::answer_svg(&a, 1000, 620)?)?;
    }
    outs.commit()?;
    if quiet {
        return Ok(());
    }
    if args.json {
        let json = stats::to_json(&a);
        outln!("{}", serde_json::to_string_pretty(&json).expect("json"));
    } else {
        for m in &a.maps {
            print_map(m);
        }
        outln!("{}", a.conclusion);
    }
    Ok(())
}

/// The map as a table: value lost per day (or "n.m." where not measurable) and its share.
fn print_map(m: &stats::Map) {
    outln!(
        "{} ({}): value lost against online + continual, {} over {} seeds; the ML system's value {} {}",
        m.scenario,
        m.preset,
        m.unit,
        m.seeds,
        fmt_figure(Some(m.ml.mean), 3),
        m.unit
    );
    out!("{:<16}", "refresh \\ model");
    for c in &m.cols {
        out!("{:>16}", c);
    }
    outln!();
    for (r, row) in m.cells.iter().enumerate() {
        out!("{:<16}", m.rows[r]);
        for cell in row {
            let text = match cell.share {
                Some(s) => format!(
                    "{} ({}%)",
                    fmt_figure(Some(cell.lost.mean), 3),
                    fmt_figure(Some(100.0 * s), 2)
                ),
                None if r == 0 && cell.lost.mean == 0.0 => "reference".into(),
                None => "n.m.".into(),
            };
            out!("{:>16}", text);
        }
        outln!();
    }
    outln!();
}
