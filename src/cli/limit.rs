//! The cost check before a run: print the estimate when it is large, refuse over the hard bound
//! unless `--no-limit`, and `--estimate` prints it with its parts and stops.

use rtml::sim::cost::{
    fmt_bytes, fmt_seconds, Cost, HARD_BYTES, HARD_SECONDS, NOTE_SECONDS, PAGE_BYTES,
};

/// What `--estimate` and `--no-limit` asked for (the flags every command that runs shares).
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

/// The cores a command's runs are spread over (its tasks at once).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |c| c.get())
}

/// The cost of `rtml run --seeds n` from one seed's `cost`, `at_once` seeds at a time.
pub fn seeds(cost: Cost, n: usize, at_once: usize) -> Cost {
    rtml::study::cost::seeds(cost, n, at_once)
}

/// A study's cost with its tasks on every core at once (the one estimate, `Study::cost`).
pub fn study<S: rtml::study::Study>(job: &S::Job) -> Result<Cost, String> {
    S::cost(job, cores())
}

/// `cost` with the estimate of writing `--export` added (its size named).
pub fn with_export(mut cost: Cost, cfg: &rtml::sim::config::Config) -> Cost {
    let (bytes, seconds) = rtml::sim::cost::export(cfg);
    cost.add(
        format!(
            "writing {} to the --export file (volume, days, warmup)",
            fmt_bytes(bytes)
        ),
        seconds,
        0.0,
    );
    cost
}

/// The cost check of a replay of `path`: its size (a gzip file's decompressed size, from the ratio of
/// its first megabyte) and the mean length of its first lines (nothing to check when the size is
/// unknown). `Ok(None)`: `--estimate` printed it, stop.
pub fn replay(
    opts: &rtml::replay::ReplayOptions,
    path: &str,
    limit: &Limit,
) -> Result<Option<Option<u64>>, String> {
    let Some((size, head, gzip)) = sample(path) else {
        if limit.estimate {
            outln!(
                "this replay: nothing to estimate (the size of {} is unknown)",
                super::clip(path)
            );
            return Ok(None);
        }
        return Ok(Some(None));
    };
    let lines = head.iter().filter(|&&b| b == b'\n').count().max(1);
    let line = head.len() as f64 / lines as f64;
    let (file_bytes, ratio) = match gzip {
        Some((compressed, ratio)) => (compressed, Some(ratio)),
        None => (size, None),
    };
    let cost =
        rtml::replay::estimate_sample(opts, file_bytes, &head, ratio).map_err(|e| e.to_string())?;
    if !check(&cost, "this replay", limit)? {
        return Ok(None);
    }
    if gzip.is_none() || limit.no_limit {
        return Ok(Some(None));
    }
    // The largest decompressed size still under the bound (the estimate grows with the size).
    Ok(Some(Some(most_under(size, |b| {
        rtml::replay::estimate(opts, b, line)
            .map(|c| c.over(HARD_SECONDS, HARD_BYTES).is_none())
            .unwrap_or(true)
    }))))
}

/// The largest size (from `size` up) whose estimate is still `under` the bound (which grows with
/// the size): where a gzip file whose start suggested `size` is stopped.
pub fn most_under(size: f64, under: impl Fn(f64) -> bool) -> u64 {
    let (mut lo, mut hi) = (size, size.max(1.0) * 2.0);
    while under(hi) && hi < 1e15 {
        lo = hi;
        hi *= 2.0;
    }
    for _ in 0..40 {
        let mid = (lo + hi) / 2.0;
        if under(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo as u64
}

/// A gzip file's compressed size and the ratio of its first megabyte.
pub type Gzip = (f64, f64);

/// The size of `path` (decompressed: estimated from its first megabyte), its first decompressed
/// bytes, and for a gzip file its compressed size and the ratio; `None` for standard input.
pub fn sample(path: &str) -> Option<(f64, Vec<u8>, Option<Gzip>)> {
    use std::io::Read as _;
    let size = std::fs::metadata(path).ok()?.len() as f64;
    let mut file = std::fs::File::open(path).ok()?;
    let mut magic = [0u8; 2];
    let gzip = file.read_exact(&mut magic).is_ok() && magic == [0x1f, 0x8b];
    let file = std::fs::File::open(path).ok()?;
    if !gzip {
        let mut head = Vec::new();
        let _ = file.take(1 << 16).read_to_end(&mut head);
        return Some((size, head, None));
    }
    /// Counts the compressed bytes the decoder took.
    struct Counted<R>(R, std::rc::Rc<std::cell::Cell<u64>>);
    impl<R: std::io::Read> std::io::Read for Counted<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1.set(self.1.get() + n as u64);
            Ok(n)
        }
    }
    let taken = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let mut dec = flate2::read::MultiGzDecoder::new(Counted(file, taken.clone()));
    let (mut head, mut out) = (Vec::new(), 0u64);
    let mut buf = vec![0u8; 1 << 16];
    // Up to 1 MB compressed or 256 MB decompressed (a bomb's ratio shows well before).
    while taken.get() < 1 << 20 && out < 256 << 20 {
        match dec.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if head.len() < 1 << 16 {
                    head.extend_from_slice(&buf[..n.min((1 << 16) - head.len())]);
                }
                out += n as u64;
            }
        }
    }
    let ratio = (out as f64 / taken.get().max(1) as f64).max(1.0);
    Some((size * ratio, head, Some((size, ratio))))
}
