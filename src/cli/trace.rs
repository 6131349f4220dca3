//! `rtml answer --trace FILE --format load-csv`: the freshness map of a user's own load trace
//! (`rtml::study::trace`), with the replay's reading options.

use clap::Args;
use rtml::study::trace::{self, Job, Source, Trace};
use rtml::study::{Figure, Study};

/// The trace's options of `rtml answer`.
#[derive(Args)]
pub struct TraceArgs {
    /// Map your own file instead of the simulator: a per-cell load trace or a click log (`-`:
    /// standard input; gzip-compressed input is decompressed), read as `rtml replay` reads it.
    #[arg(long, value_name = "FILE")]
    trace: Option<String>,
    /// With --trace: what the file is, `load-csv` (a per-cell load trace) or `vw` (a click log in
    /// Vowpal Wabbit text: the model's freshness only, in log loss, NE and AUC).
    #[arg(long, requires = "trace")]
    format: Option<String>,
    /// With --trace: the rows, how stale the forecast's inputs are: `online` (the trace's own
    /// interval) and batch refresh periods (default `online,4h,1d`).
    #[arg(long, requires = "trace")]
    refresh: Option<String>,
    /// With --trace: the columns, how fresh the model is: `continual`, retrain periods and `frozen`
    /// (default `continual,1h,1d,7d,frozen`; a click log counts examples: `continual,10k,100k,frozen`).
    #[arg(long, requires = "trace")]
    every: Option<String>,
    /// With --trace (load-csv): which cells share a coverage cell, to count the network's money
    /// (energy and complaint calls, degraded GB) as the cells world does: groups separated by `;`,
    /// cells by `,`, a group's spare capacity in brackets (default `--set coverage=0.5`), e.g.
    /// `cellA,cellB,cellC (0.8); cellD,cellE`; `all`: every cell under one coverage cell. Prices and
    /// the interlock: `--set price_kwh=0.2`, `complaint_cost`, `headroom`, ... (the cells knobs).
    #[arg(long, value_name = "GROUPS", requires = "trace")]
    groups: Option<String>,
    /// With --trace (load-csv): the coverage groups from a CSV file with a `cell` and a `coverage`
    /// column (the coverage cell each booster falls back on) and optionally `capacity`.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "groups",
        requires = "trace"
    )]
    coverage: Option<String>,
    #[command(flatten)]
    parse: super::replay::ParseArgs,
}

impl TraceArgs {
    /// Whether a trace was given.
    pub fn given(&self) -> bool {
        self.trace.is_some()
    }

    /// A reading option (`--lanes`, `--bits`, ...) given without a trace, which nothing would read.
    pub fn stray(&self) -> Option<String> {
        let given = super::replay::settings(&self.parse);
        given.first().map(|(k, _)| format!("--{k}"))
    }
}

/// The map of the trace: the cost check, the rows on every core, then the table and the words (or
/// the JSON), and the files asked for.
pub fn answer(
    args: TraceArgs,
    sets: &[String],
    json: bool,
    limit: &super::limit::Limit,
    csv: Option<String>,
    svg: Option<String>,
) -> Result<(), String> {
    let file = args.trace.unwrap_or_default();
    let format = args
        .format
        .ok_or("--trace needs --format load-csv (a per-cell load trace) or vw (a click log)")?;
    let settings = super::replay::settings_for(&format, &args.parse)?
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let sample = super::limit::sample(&file);
    let (bytes, line_bytes) = sample.as_ref().map_or((0.0, 0.0), |(size, head, _)| {
        let lines = head.iter().filter(|&&b| b == b'\n').count().max(1);
        (*size, head.len() as f64 / lines as f64)
    });
    let groups = match &args.coverage {
        Some(path) => {
            let text = std::fs::read(path)
                .map_err(|e| format!("--coverage {}: {e}", super::clip(path)))?;
            if text.len() > 64 << 20 {
                return Err(format!("--coverage {}: at most 64 MB", super::clip(path)));
            }
            trace::groups::from_table(&String::from_utf8_lossy(&text))?
        }
        None => args.groups.unwrap_or_default(),
    };
    let mut job = Job {
        groups,
        sets: sets.join("&"),
        format,
        settings,
        refresh: args.refresh.unwrap_or_default(),
        every: args.every.unwrap_or_default(),
        source: Source::Path(file.clone()),
        bytes,
        line_bytes,
        most: None,
    };
    Trace::tasks(&job, 1)?;
    let mut outs = super::output::Outputs::default();
    outs.ask("--csv", csv.as_deref())
        .ask("--svg", svg.as_deref())
        .check()?;
    if sample.is_some() {
        let cost = super::limit::study::<Trace>(&job)?;
        if !super::limit::check(&cost, "this map", limit)? {
            return Ok(());
        }
        if let Some((_, _, Some(_))) = &sample {
            if !limit.no_limit {
                let under = |b: f64| {
                    let j = Job {
                        bytes: b,
                        ..job.clone()
                    };
                    let c = super::limit::study::<Trace>(&j);
                    c.map(|c| {
                        c.over(rtml::sim::cost::HARD_SECONDS, rtml::sim::cost::HARD_BYTES)
                            .is_none()
                    })
                    .unwrap_or(true)
                };
                job.most = Some(super::limit::most_under(bytes, under));
            }
        }
    } else if limit.estimate {
        outln!(
            "this map: nothing to estimate (the size of {} is unknown)",
            super::clip(&file)
        );
        return Ok(());
    }
    let report = super::study::<Trace>(&job, "answer", "rows", json, super::limit::cores())?;
    let Figure::Trace(m) = &report.figure else {
        unreachable!("the trace's map draws its map")
    };
    let quiet = outs.to_stdout();
    if let Some(path) = &csv {
        outs.write(path, trace::report::to_csv(m))?;
    }
    if let Some(path) = &svg {
        let height = if m.money.is_some() { 1100 } else { 620 };
        outs.write(path, rtml::view::chart::trace_svg(m, 1000, height)?)?;
    }
    outs.commit()?;
    if quiet {
        return Ok(());
    }
    super::print_report(&report, json);
    Ok(())
}
