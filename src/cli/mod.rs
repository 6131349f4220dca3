//! The `rtml` command line (clap): the argument types and the dispatch. One module per subcommand:
//! [`list`] (`presets`, `knobs`), [`run`], [`sweep`], [`replay`], [`whatif`].

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rtml::base::units::fmt_num;
use rtml::sim::config::Config;
use rtml::sim::presets::{preset, PRESETS};

/// `print!` to standard output, except that a reader that went away (`rtml presets | head -1`) ends
/// the program quietly instead of a panic, and any other write error is reported.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = write!(std::io::stdout(), $($arg)*) {
            $crate::cli::output_failed(e);
        }
    }};
}

/// `println!` with the same care as [`out!`].
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout(), $($arg)*) {
            $crate::cli::output_failed(e);
        }
    }};
}

// After the macros: the subcommands use them.
mod answer;
mod limit;
mod list;
mod output;
mod replay;
mod run;
mod spread;
mod sweep;
mod trace;
mod whatif;

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
    Run(run::RunArgs),
    /// Freshness sweep: the outcome against the retraining interval (or batch refresh), over seeds.
    Sweep(sweep::SweepArgs),
    /// The answer: a freshness map (prediction freshness x model freshness) for ads and for cells, value lost in money per day, and the conclusion in words; with --trace FILE, the map of your own load trace (forecast error; money where --groups says which cells share a coverage cell).
    Answer(Box<answer::AnswerArgs>),
    /// Replay your own file (a Vowpal Wabbit click log or a per-cell load CSV) through the lanes, scored progressively.
    Replay(replay::ReplayArgs),
    /// What-if: each value of a sleep-policy knob as a day-ahead plan made on a simulator that is off, as the simulator predicts it and as the live network gives it.
    Whatif(whatif::WhatifArgs),
}

/// Ends the program after a failed write to standard output: quietly (exit 0) when the reader went
/// away, with a message and exit 2 otherwise.
pub(crate) fn output_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("rtml: cannot write the output: {e}");
    std::process::exit(2);
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            // clap's own messages echo what was typed: long input is clipped there too.
            eprint!("{}", clip_quoted(&e.render().to_string()));
            return ExitCode::from(2);
        }
    };
    let done = match cli.command {
        Command::Presets => list::presets(),
        Command::Knobs => list::knobs(),
        Command::Run(args) => run::run(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Replay(args) => replay::replay(args),
        Command::Answer(args) => answer::answer(*args),
        Command::Whatif(args) => whatif::whatif(args),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rtml: {}", clip_quoted(&e));
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

/// A preset's configuration with `--set` settings on top and the seed, if given, replaced.
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
    // The rules between knobs (an oracle lane's cell count): checked before the estimate, which
    // would otherwise price, or refuse for its cost, a run that cannot start.
    cfg.validate().map_err(|e| e.to_string())?;
    Ok(cfg)
}

/// Runs a study's tasks on `cores` cores (progress on standard error unless `quiet`) and reports them.
fn study<S: rtml::study::Study>(
    job: &S::Job,
    name: &str,
    what: &str,
    quiet: bool,
    cores: usize,
) -> Result<rtml::study::Report, String>
where
    S::Job: Sync,
    S::Task: Sync,
    S::Part: Send,
{
    let mut shown = false;
    let parts = rtml::study::run_native::<S>(job, cores, |i, n| {
        if !quiet {
            eprint!("\rrtml: {name} {i}/{n} {what}");
            shown = true;
        }
    });
    // The progress line ends before what follows, an error too.
    if shown {
        eprintln!();
    }
    S::report(job, &parts?)
}

/// A study's report as the page shows it: the JSON alone with `--json`, else the table and the words.
fn print_report(report: &rtml::study::Report, json: bool) {
    if json {
        outln!("{}", report.json.pretty());
    } else {
        out!("{}", report.table.text());
        for w in &report.words {
            outln!("{w}");
        }
        if let Some(t) = &report.strip {
            outln!("");
            out!("{}", t.text());
        }
        if !report.details.is_empty() {
            outln!("\nDetails:");
            for w in &report.details {
                outln!("{w}");
            }
        }
    }
}

use output::write_file;

use rtml::base::echo::{clip, clip_quoted};

/// A value for the table: rounded, or "–" when undefined (e.g. a rate with nothing to divide by).
fn show(x: f64) -> String {
    if x.is_finite() {
        fmt_num(round(x))
    } else {
        "–".into()
    }
}

/// Four significant digits (at most nine decimals); undefined values unchanged.
fn round(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let mag = x.abs().max(1e-12).log10().floor();
    let scale = 10f64.powf(3.0 - mag).min(1e9);
    (x * scale).round() / scale
}
