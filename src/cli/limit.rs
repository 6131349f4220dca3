//! The cost check before a run: print the estimate when it is large, refuse over the hard bound
//! unless `--no-limit`, and `--estimate` prints it with its parts and stops.

use rtml::sim::cost::{
    fmt_bytes, fmt_seconds, Cost, HARD_BYTES, HARD_SECONDS, NOTE_SECONDS, PAGE_BYTES,
};

/// What `--estimate` and `--no-limit` asked for.
pub struct Limit {
    pub estimate: bool,
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
        eprintln!("rtml: {what}: {} of work (see --estimate)", cost.text());
    }
    Ok(true)
}
