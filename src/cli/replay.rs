//! `rtml replay`: a user's file (a Vowpal Wabbit click log or a per-cell load CSV) through the lanes.

use clap::Args;

// The subcommand's help is the doc comment of `Command::Replay`.
#[derive(Args)]
#[command(
    after_help = "Input: FILE may be `-` for standard input, so the replay can sit behind any \
stream consumer (e.g. `kafka-console-consumer.sh --topic clicks ... | rtml replay --format vw -`). \
Gzip-compressed input, a file or standard input, is decompressed on the way (told by its first bytes, \
not by a .gz name); the results equal those of the uncompressed file.\n\n\
Warm-up: a click log's lanes learn from its first 10,000 examples before scoring; a file of fewer than \
20,000 examples warms up on its first half instead. When nothing is scored, the replay says so on \
standard error and names --warmup."
)]
pub struct ReplayArgs {
    /// `vw` (click log in Vowpal Wabbit text) or `load-csv` (per-cell load trace).
    #[arg(long)]
    format: String,
    #[command(flatten)]
    parse: ParseArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    limit: super::limit::Limit,
    /// The file to replay: `-` reads standard input; gzip-compressed input is decompressed.
    file: String,
}

/// How a file is read and learned (the replay's settings but its format): `rtml replay` and
/// `rtml answer --trace` share them.
#[derive(Args)]
pub struct ParseArgs {
    /// Hashed feature buckets, 2^bits (vw).
    #[arg(long)]
    bits: Option<String>,
    /// FTRL-Proximal hyper-parameters, e.g. `alpha=0.1,beta=1,l1=1,l2=1` (vw).
    #[arg(long)]
    ftrl: Option<String>,
    /// Lanes, e.g. `frozen,stateless:100000,stateful:100000,continual` (vw, in examples) or `frozen,periodic:24h,continual` (load-csv, in hours).
    #[arg(long)]
    lanes: Option<String>,
    /// Warm-up every lane trains on before scoring: examples (vw, default 10000, or the first half of a file of fewer than 20000) or hours per cell (load-csv, default 168h).
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
}

pub fn replay(args: ReplayArgs) -> Result<(), String> {
    let settings = settings_for(&args.format, &args.parse)?;
    let opts = rtml::replay::ReplayOptions::from_args(&args.format, &settings)
        .map_err(|e| e.to_string())?;
    let file = &args.file;
    let Some(most) = super::limit::replay(&opts, file, &args.limit)? else {
        return Ok(());
    };
    let why = "the gzip file holds more than its start suggested, and the replay would pass the \
limit (5 minutes of work or 2 GB); lower --lanes or --bits, or pass --no-limit to run anyway";
    let limit = most.map(|m| (m, why.to_string()));
    let shown = super::clip(file);
    let (report, secs) =
        rtml::replay::run_file_within(file, opts, limit).map_err(|e| format!("{shown}: {e}"))?;
    if let Some(n) = report.nothing_scored() {
        eprintln!("rtml replay: {n}");
    }
    if args.json {
        let json = rtml::replay::report_json(&report, secs);
        outln!("{}", serde_json::to_string_pretty(&json).expect("json"));
    } else {
        out!("{}", rtml::replay::format_table(&report, secs));
    }
    Ok(())
}

/// Options of one format only: given with the other, they would be ignored.
const VW_ONLY: &[&str] = &["bits", "ftrl"];
const LOAD_ONLY: &[&str] = &[
    "delimiter",
    "time-col",
    "cell-col",
    "value-col",
    "scale",
    "threshold",
    "learner",
    "cell-type",
];

/// The options given for `format`, refused by name when they belong to the other format.
pub fn settings_for(format: &str, a: &ParseArgs) -> Result<Vec<(&'static str, String)>, String> {
    let given = settings(a);
    let (other, theirs, ours) = match format {
        "vw" => (LOAD_ONLY, "a load trace (--format load-csv)", "a click log"),
        _ => (VW_ONLY, "a click log (--format vw)", "a load trace"),
    };
    match given.iter().find(|(k, _)| other.contains(k)) {
        Some((k, _)) => Err(format!(
            "--{k} is an option of {theirs}, not of {ours}: leave it out"
        )),
        None => Ok(given),
    }
}

/// The options given, as `(name, value)` in the replay's own option names.
pub fn settings(a: &ParseArgs) -> Vec<(&'static str, String)> {
    let given = [
        ("bits", &a.bits),
        ("ftrl", &a.ftrl),
        ("lanes", &a.lanes),
        ("warmup", &a.warmup),
        ("label-delay", &a.label_delay),
        ("delimiter", &a.delimiter),
        ("time-col", &a.time_col),
        ("cell-col", &a.cell_col),
        ("value-col", &a.value_col),
        ("scale", &a.scale),
        ("threshold", &a.threshold),
        ("learner", &a.learner),
        ("cell-type", &a.cell_type),
    ];
    let mut out: Vec<(&'static str, String)> = given
        .into_iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
        .collect();
    if a.skip_bad {
        out.push(("skip-bad", "true".to_string()));
    }
    out
}
