//! Replay your own data: a logged file streamed through the playground's learners and update
//! schedules, scored progressively (predict, score, then learn).
//!
//! * Click logs in Vowpal Wabbit text format go through FTRL-Proximal logistic regression (McMahan et al.
//!   2013, Algorithm 1) over hashed features, scored by log loss, normalised entropy (He et al. 2014),
//!   AUC and calibration.
//! * Per-cell load traces (CSV) go through per-cell online regressions (RLS or NLMS) on time-of-day
//!   terms and lagged loads, scored by forecast error and by the energy and unserved traffic of the sleep
//!   policy on the trace under the EARTH power model (Auer et al. 2011).
//!
//! Click logs: labels 1 and -1 (or 0), an optional importance weight (it scales the gradient, as in
//! VW) and tag; features `name[:value]` (binary without a value) are hashed with
//! [`crate::learn::ftrl::hash_str`] (namespace, then name) into 2^bits buckets, a constant feature is
//! added, and features sharing a bucket are merged by summing their values. The FTRL parameters are
//! VW's `--ftrl_alpha`, `--ftrl_beta`, `--l1`, `--l2` one for one (its proximal step uses l1 and l2
//! unscaled); a continual lane's progressive log loss matches `vw --ftrl` to about 1e-4 on real click
//! logs, the rest being hash collisions and VW's 32-bit floats (BENCHMARKS.md). AUC comes from a
//! histogram of the predictions' logits per label (4800 bins of width 0.005 over [-12, 12]): constant
//! memory, pairs closer than a bin count as ties.
//!
//! Load traces: the value column is a utilisation, divided by `scale` (1 for shares of capacity, 100 for
//! percentages). Values above 1 after scaling are kept for forecasting and errors, capped at 1 in the
//! power model, and counted in a notice (which suggests `--scale 100` when they exceed 1.5). Each cell's
//! step is its most common time difference; missing intervals are not scored and the last known load
//! serves as the lag. A cell whose forecast is below `threshold` sleeps for the interval; its traffic
//! above the threshold is unserved.
//!
//! A [`Session`] takes the file in chunks of any size (the page feeds `File.slice()` pieces, or the
//! output of the browser's `DecompressionStream` for a gzipped file; the command line reads 1 MiB
//! chunks of a file or of standard input, gunzipped by `flate2` when the bytes start with gzip's magic
//! number) and keeps only the partial last line: memory does not grow with the file. Nothing here
//! touches the file system, spawns threads or panics on any input.
//!
//! The default warm-up of a click log is 10,000 examples, or the first half of a file of fewer than
//! 20,000: a session holds its first examples back (up to 20,000, or 32 MiB of them) until it knows
//! which applies, so the outcome does not depend on how the file is chunked. A replay that scores
//! nothing (every example or interval in the warm-up) says so in a notice naming `--warmup`.
//!
//! ```
//! use rtml::replay::{ReplayOptions, Session};
//!
//! let mut opts = ReplayOptions::default();
//! opts.set("lanes", "frozen,continual").unwrap();
//! opts.set("warmup", "2").unwrap();
//! let mut s = Session::new(opts).unwrap();
//! s.feed(b"1 |a x\n-1 |a y\n1 |a x\n-").unwrap();
//! s.feed(b"1 |a y\n").unwrap();
//! s.finish().unwrap();
//! let r = s.report();
//! assert_eq!(r.lanes[1].examples, 2);
//! ```
//!
//! Files, by concern: `options.rs` ([`ReplayOptions`] and [`SETTINGS`], the one table the command line
//! and the page's worker set them through), `lanes.rs` (the `--lanes` grammar, [`LaneSpec`]),
//! `error.rs` ([`ReplayError`]), `session.rs` ([`Session`]: lines to the click or load engine),
//! `report.rs` ([`Report`], its metrics, [`report_json`] and [`format_table`]), `native.rs` (`run_file`,
//! native only: a file from disk or standard input, gunzipped if need be, parsed ahead on a second
//! thread); the engines are `clicks.rs` (with `vw.rs`, the Vowpal Wabbit text parser) and `loads.rs`,
//! their parts `lines.rs`, `time.rs` and `buckets.rs`.

mod buckets;
mod clicks;
mod cost;
mod error;
mod lanes;
mod lines;
mod loads;
#[cfg(not(target_arch = "wasm32"))]
mod native;
mod options;
mod report;
mod session;
mod time;
mod vw;

use error::shorten;

pub use cost::{estimate, estimate_sample};
pub use error::ReplayError;
pub use lanes::{parse_lanes, Format, LaneSpec, MAX_LANES, MAX_WINDOW};
pub use lines::MAX_LINE;
pub use loads::trace::{Recorded, Records, TraceSums, MAX_BLOCKS, MAX_RECORDED};
pub use loads::MAX_CELLS;
#[cfg(not(target_arch = "wasm32"))]
pub use native::{run_file, run_file_within, run_session_within, STDIN};
pub use options::{ReplayOptions, Setting, CLICK_WARMUP, LOAD_WARMUP, MAX_DELAY, SETTINGS};
pub use report::{format_table, report_json, LaneReport, Report, SeriesReport};
pub use session::{default_click_warmup, Session, HOLD_BYTES};
