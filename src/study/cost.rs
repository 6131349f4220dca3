//! What a study will cost before it runs, one place for the command line and the page: a run's
//! estimate ([`crate::sim::cost`]) times its tasks, the memory that of the tasks at once. The page
//! adds what its workers hold ([`page`]): each worker's own WebAssembly instance, and the work
//! [`WASM_SLOWER`]. The page's panels warn over [`PAGE_SECONDS`], ask over [`PAGE_BYTES`] or
//! [`HARD_SECONDS`] of work and refuse over [`HARD_BYTES`] ([`PageCheck`]); the command line refuses
//! over `HARD_SECONDS` or [`HARD_BYTES`] (`cli/limit.rs`).

use super::Study;
use crate::domain::cost::{
    fmt_bytes, fmt_seconds, Cost, HARD_BYTES, HARD_SECONDS, PAGE_BYTES, PAGE_SECONDS, WASM_SLOWER,
};

/// Memory each seed of a spread leaves behind: its sums and figures, kept for the spread, and what
/// the allocator keeps of the runs' threads (ads-explore at 200 req/h: 20 MB for 2 seeds, 40 MB for
/// 16, 51 MB for 48; one run 7.4 MB).
pub const SEED_KEPT: f64 = 0.8e6;

pub use crate::domain::cost::WORKER_BYTES;

/// The cost of `runs` runs of one run's `cost`, `at_once` at a time (the work adds up, the memory is
/// that of the runs at once), each part saying so with the knob that sets `runs`.
pub fn repeated(cost: Cost, runs: usize, at_once: usize, knob: &str) -> Cost {
    cost.repeated(runs as f64, at_once.min(runs).max(1) as f64, knob)
}

/// The cost of `n` seeds of one seed's `cost`, `at_once` seeds at a time (`rtml run --seeds`, the
/// page's seeds).
pub fn seeds(cost: Cost, n: usize, at_once: usize) -> Cost {
    let mut c = repeated(cost, n, at_once, "--seeds");
    c.add(
        format!("each seed's results kept for the spread (--seeds {n})"),
        0.0,
        n as f64 * SEED_KEPT,
    );
    c
}

/// `cost`, the memory of one of `tasks` tasks, with the memory of the tasks that run at once
/// (`at_once`: one per core or worker).
pub fn at_once(mut cost: Cost, tasks: usize, at_once: usize, what: &str) -> Cost {
    let k = at_once.min(tasks).max(1) as f64;
    let one = cost.bytes;
    cost.add(
        format!(
            "{what}: {k} at once (one per core), each ≈ {}: the others' memory",
            fmt_bytes(one)
        ),
        0.0,
        one * (k - 1.0),
    );
    cost
}

/// What a what-if evaluation will cost: every seed's live network and each value's evaluation under
/// `views` views (the simulator, the live network, each refit window; the page's slider: every step),
/// the seeds `at_once` at a time.
pub fn whatif(spec: &super::whatif::Spec, views: usize, at_once: usize) -> Cost {
    let c = &spec.cfg;
    let one = crate::sim::cost::whatif_seed(
        c.cells.cells as f64,
        c.days,
        spec.values.len() as f64,
        views as f64,
    );
    repeated(one, spec.seeds as usize, at_once, "--seeds")
}

/// What a study costs on the page with `workers` workers: the study's cost with as many tasks at once
/// as workers busy, the work in WebAssembly, and each busy worker's own instance.
pub fn page<S: Study>(job: &S::Job, workers: usize) -> Result<Cost, String> {
    let tasks = S::tasks(job, workers)?.len();
    let busy = workers.min(tasks).max(1);
    let mut c = S::cost(job, busy)?.slower(WASM_SLOWER);
    c.add(
        format!(
            "{busy} workers' own WebAssembly instance, each ≈ {}",
            fmt_bytes(WORKER_BYTES)
        ),
        0.0,
        busy as f64 * WORKER_BYTES,
    );
    Ok(c)
}

/// What the page says of a cost: why it asks before running (over [`PAGE_SECONDS`] or
/// [`PAGE_BYTES`]), whether it refuses outright (over [`HARD_BYTES`]), and what to lower when memory
/// ran out (the part that takes the most memory, with its knobs).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PageCheck {
    /// `≈ 12 s, 450 MB`.
    pub text: String,
    pub seconds: f64,
    pub bytes: f64,
    /// Why it may not fit a phone, naming what costs most; `None` when it fits.
    pub over: Option<String>,
    /// Over the page's memory ([`PAGE_BYTES`]), where a phone's browser may close the tab, or over
    /// [`HARD_SECONDS`] of work, which the command line refuses without `--no-limit` (a link could
    /// start hours of work unasked): the page asks before running. Over [`PAGE_SECONDS`] only, it
    /// says so and runs: the workers keep the page responsive and the run can be cancelled.
    pub hold: bool,
    /// Why the page asks, a sentence's start for after "Not started: ...": empty when it does not.
    pub risk: String,
    /// Too large for a browser tab at all.
    pub hard: bool,
    /// The part that takes the most memory and names its knobs (in brackets).
    pub lower: String,
}

impl PageCheck {
    pub fn new(c: &Cost) -> PageCheck {
        // The costliest part that names a knob (in brackets) is what the reader can lower.
        let lower = (c.parts.iter().filter(|p| p.what.contains('(')))
            .max_by(|a, b| a.bytes.total_cmp(&b.bytes))
            .map_or_else(|| "the whole run".to_string(), |p| p.what.clone());
        let heavy = c.bytes > PAGE_BYTES;
        let long = c.seconds > HARD_SECONDS;
        let mut risk = Vec::new();
        if heavy {
            risk.push("on a phone the browser may close the tab".to_string());
        }
        if long {
            risk.push(format!(
                "it is {} of work for this device's processor",
                fmt_seconds(c.seconds)
            ));
        }
        PageCheck {
            text: c.text(),
            seconds: c.seconds,
            bytes: c.bytes,
            over: c.over(PAGE_SECONDS, PAGE_BYTES),
            hold: heavy || long,
            risk: crate::base::echo::capitalised(&risk.join(", and ")),
            hard: c.bytes > HARD_BYTES,
            lower,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::studies::{Spread, SpreadJob};
    use crate::view::state::State;

    #[test]
    fn the_page_counts_the_runs_at_once_and_each_workers_instance() {
        let s = State::parse("#preset=ads-drift").0;
        let job = SpreadJob {
            config: s.config.clone(),
            preset: s.preset,
            seeds: 20,
            metric: s.metric,
            cumulative: false,
        };
        let one = crate::sim::cost::estimate(&s.config);
        let c = page::<Spread>(&job, 4).unwrap();
        let want = 4.0 * one.bytes + 20.0 * SEED_KEPT + 4.0 * WORKER_BYTES;
        assert!((c.bytes - want).abs() < 1.0, "{} vs {}", c.bytes, want);
        assert!((c.seconds - 20.0 * one.seconds * WASM_SLOWER).abs() < 1e-6);
        // The command line's estimate is the same, without the workers.
        let cli = <Spread as Study>::cost(&job, 4).unwrap();
        assert!((cli.bytes - (want - 4.0 * WORKER_BYTES)).abs() < 1.0);
        let check = PageCheck::new(&c);
        assert!(check.lower.contains('('), "{}", check.lower);
    }

    /// Hours of work are asked before they start, like too much memory, each saying its own risk
    /// (a link once started a 3.4-hour answer with no word).
    #[test]
    fn the_page_asks_before_work_the_command_line_refuses() {
        let check = |seconds: f64, bytes: f64| {
            let mut c = Cost::default();
            c.add("the runs (--seeds)", seconds, bytes);
            PageCheck::new(&c)
        };
        let fits = check(60.0, 100e6);
        assert!(!fits.hold && fits.risk.is_empty() && fits.over.is_some());
        let long = check(HARD_SECONDS * 1.1, 100e6);
        assert!(long.hold && !long.hard, "{long:?}");
        assert!(
            long.risk.starts_with("It is 5.5 min of work"),
            "{}",
            long.risk
        );
        let heavy = check(60.0, PAGE_BYTES * 1.01);
        assert!(heavy.hold && heavy.risk.starts_with("On a phone") && !heavy.risk.contains("work"));
        let both = check(HARD_SECONDS * 2.0, PAGE_BYTES * 2.0);
        assert!(
            both.risk.contains("phone") && both.risk.contains("of work"),
            "{}",
            both.risk
        );
    }
}
