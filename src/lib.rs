//! # rtml: the Real-Time ML Playground's engine
//!
//! One simulated world, several serving and retraining strategies ("lanes") run on exactly the same
//! stream of events (common random numbers), their outcomes side by side: batch vs online prediction,
//! periodic retraining vs continual learning, for ad ranking and for a cellular network that puts idle
//! cells to sleep. Plain Rust: the same engine runs natively (tests, the `rtml` command line) and in
//! the browser (WebAssembly, through the `wasm` module only, compiled for wasm32).
//!
//! ```
//! use rtml::presets::preset;
//! use rtml::experiment::Experiment;
//!
//! let mut cfg = preset("ads-batch-vs-online").unwrap().config();
//! cfg.days = 2.0;
//! let mut exp = Experiment::new(cfg).unwrap();
//! exp.run_to_end();
//! for lane in exp.summary() {
//!     println!("{} {}: expected CTR {:.2}%", lane.label, lane.description, lane.get("expected_ctr").unwrap());
//! }
//! ```

#![forbid(unsafe_code)]

pub mod ads;
pub mod cells;
pub mod chart;
pub mod config;
pub mod experiment;
pub mod learn;
pub mod presets;
pub mod replay;
pub mod rng;
pub mod series;
pub mod state;
pub mod sweep;
pub mod updater;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
