//! # rtml: the Real-Time ML Playground's engine
//!
//! One simulated world, several serving and retraining strategies ("lanes") run on exactly the same
//! stream of events (common random numbers), their outcomes side by side: batch vs online prediction,
//! periodic retraining vs continual learning, for ad ranking and for a cellular network that puts idle
//! cells to sleep. Plain Rust: the same engine runs natively (tests, the `rtml` command line) and in
//! the browser (WebAssembly, through the `wasm` module only, compiled for wasm32).
//!
//! ```
//! use rtml::sim::presets::preset;
//! use rtml::sim::experiment::Experiment;
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

// The layers, from the bottom up: each module uses only those above it in this list.
pub mod base;
pub mod domain;
pub mod learn;
pub mod replay;
pub mod sim;
pub mod study;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
