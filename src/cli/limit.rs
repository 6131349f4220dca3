//! The cost check before a run: print the estimate when it is large, refuse over the hard bound
//! unless `--no-limit`, and `--estimate` prints it with its parts and stops.

use rtml::sim::cost::{
    fmt_bytes, fmt_seconds, Cost, HARD_BYTES, HARD_SECONDS, NOTE_SECONDS, PAGE_BYTES,
};

/// What `--estimate` and `--no-limit` asked for (the flags `rtml run` and `rtml sweep` share).
#[derive(clap::Args)]
pub struct Limit {
    /// Print the estimated work and memory, by knob, and stop.
    #[arg(long)]
    pub estimate: bool,
    /// Run even when the estimate is over the limit (5 minutes of work or 2 GB).
    #[arg(long = "no-limit")]
    pub no_limit: bool,
}

/// `Ok(true)`: go on and run; `Ok(false)`: the estimate was printed, stop; `Err`: refused.
pub fn check(cost: &Cost, what: &str, limit: &Limit) -> Result<bool, String> {
    if limit.estimate {
        outln!("{what}: {} of work on one thread", cost.text());
        let mut parts = cost.parts.clone();
        parts.sort_by(|a, b| (b.seconds + b.bytes * 1e-8).total_cmp(&(a.seconds + a.bytes * 1e-8)));
        for p in parts {
            let bytes = if p.bytes > 0.0 {
                fmt_bytes(p.bytes)
            } else {
                "-".into()
            };
            outln!("  {:>9} {:>8}  {}", fmt_seconds(p.seconds), bytes, p.what);
        }
        return Ok(false);
    }
    if !limit.no_limit {
        if let Some(why) = cost.over(HARD_SECONDS, HARD_BYTES) {
            return Err(format!(
                "{what} refused: {why}. Lower those knobs, or pass --no-limit to run anyway."
            ));
        }
    }
    if cost.over(NOTE_SECONDS, PAGE_BYTES).is_some() {
        eprintln!("rtml: {what}: {} of work", cost.text());
    }
    Ok(true)
}

/// The cost check of a replay of `path`: its size and the mean length of its first lines (nothing
/// to check when the size is unknown).
pub fn replay(
    opts: &rtml::replay::ReplayOptions,
    path: &str,
    no_limit: bool,
) -> Result<(), String> {
    use std::io::Read as _;
    let Ok(size) = std::fs::metadata(path).map(|m| m.len() as f64) else {
        return Ok(());
    };
    let mut head = Vec::new();
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(1 << 16).read_to_end(&mut head);
    }
    let lines = head.iter().filter(|&&b| b == b'\n').count().max(1);
    let cost = rtml::replay::estimate(opts, size, head.len() as f64 / lines as f64)
        .map_err(|e| e.to_string())?;
    let limit = Limit {
        estimate: false,
        no_limit,
    };
    check(&cost, "this replay", &limit).map(|_| ())
}
