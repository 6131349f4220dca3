//! What-if evaluation: choosing a setting of the sleep policy on a simulator that is off.
//!
//! The operator cannot try a setting on the live network, so a simulator predicts how the network
//! would do under each value of a policy knob (the sleep threshold, the wake-up time or the coverage
//! capacity), and the operator deploys the value the simulator likes best. Here every value is
//! evaluated twice over the same seeds: on the simulated network, whose daily profiles are off by
//! `sim_error` (the same simulator `cells-sim-gap` trains on), and on the live network. The gap
//! between the simulator's pick and the truly best value, in money per day, is the regret of
//! trusting the simulator.
//!
//! The policy is a day-ahead plan made on the simulator: for each 15-minute slot of a weekday and a
//! weekend day, the coverage interlock ([`crate::domain::network::Network::decide`]) on the loads
//! the simulator expects (each cell's base load times its cluster's simulated shape) decides which
//! cells sleep; the plan is then followed on the network, where a coverage cell past the wake limit
//! wakes its cells, who stay awake until the plan wakes them anyway
//! ([`crate::domain::network::Network::follow`]). No forecaster, so the only gap between prediction
//! and reality is the simulator's. A value's *prediction* is its plan run on the simulated network;
//! its *real* outcome is the same plan run on the live network (what deploying it truly gives). The
//! simulator is off by noise (`sim_error`) and by a bias (`sim_bias`: its daily peaks scaled by
//! `1 + sim_bias`; negative: it predicts less load than there is, and its plans sleep cells into
//! loads the coverage layer cannot carry).
//!
//! The operators' rule reading *live* loads (the lanes' `policy=rule`) barely feels the simulator:
//! its interlock reads the truth at run time (measured: a simulator 30% optimistic or pessimistic
//! moves its pick by 0.01 and costs 0.04 a day). A plan made ahead has no such guard, which is why
//! the what-if evaluates one: it is how a setting chosen on a simulator is deployed when nothing
//! re-checks it against live load before the fact.
//!
//! The simulated network is the live one with each cluster's daily shape replaced by the simulator's
//! (`load x sim shape / live shape`, interval by interval): the same cells, base loads and noise
//! draws (common random numbers), so with `sim_error = 0` prediction and reality are identical.
//! The refit mode ([`eval`]) re-estimates the simulator's shapes from the live load observed
//! before the decision (a day, a week, four weeks).

mod eval;
mod summary;

pub use eval::{run_seed, SeedRun, Tally, View, WINDOWS};
pub use summary::{observed, page_json, summarize, to_json, Figure, Outcome, Refit, Summary};

use crate::sim::config::{Config, Scenario};

/// The knob the page and the preset `cells-what-if` vary, and its values.
pub const DEFAULT_KNOB: &str = "threshold";
pub const DEFAULT_VALUES: &str =
    "0.04,0.06,0.08,0.09,0.1,0.11,0.12,0.13,0.14,0.16,0.18,0.2,0.22,0.25,0.3";
/// The simulator biases the page offers (`sim_bias`): optimistic (peaks 30% low), none, pessimistic.
pub const PAGE_BIASES: [&str; 3] = ["-0.3", "0", "0.3"];
/// The simulator errors the page computes at once (its slider's steps): 0 to 1 by 0.1.
pub const PAGE_ERRORS: usize = 11;
/// Most values and seeds one evaluation takes.
pub const MAX_VALUES: usize = 25;
pub const MAX_SEEDS: u32 = 50;

/// Example values of a knob (the page fills its input with them when the knob is chosen); an
/// unknown knob gets the threshold's.
pub fn default_values(knob: &str) -> &'static str {
    match Knob::parse(knob) {
        Ok(Knob::Wake) => "0,1,2,4,6,8,10,15",
        Ok(Knob::Coverage) => "0.2,0.3,0.4,0.5,0.6,0.8,1,1.5,2",
        Ok(Knob::Headroom) => "0.5,0.6,0.7,0.8,0.85,0.9,0.95,1",
        Ok(Knob::WakeLimit) => "0.5,0.7,0.8,0.9,1,1.1,1.2,1.5",
        _ => DEFAULT_VALUES,
    }
}

/// The simulator error of the page's slider step `k`.
pub fn page_error(k: usize) -> f64 {
    k.min(PAGE_ERRORS - 1) as f64 / 10.0
}

/// One seed at every simulator error of the page's slider, plain and refitted on every window.
pub fn page_run(spec: &Spec, seed: u32) -> SeedRun {
    let errors: Vec<f64> = (0..PAGE_ERRORS).map(page_error).collect();
    run_seed(spec, seed, &errors, &WINDOWS)
}

/// The page's summary of [`page_run`]s at slider step `step`, with or without the refit.
pub fn page_summary(spec: &Spec, runs: &[SeedRun], step: usize, refit: bool) -> Summary {
    let step = step.min(PAGE_ERRORS - 1);
    let mut s = summarize(spec, runs, step, page_error(step));
    if !refit {
        s.refit.clear();
    }
    s
}

/// The slider step nearest the configuration's own simulator error.
pub fn page_step(cfg: &Config) -> usize {
    ((cfg.cells.sim_error * 10.0).round().max(0.0) as usize).min(PAGE_ERRORS - 1)
}

/// A policy knob the what-if evaluation varies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Knob {
    /// `threshold`: a cell sleeps when its load is below this share of capacity.
    Threshold,
    /// `wake`: minutes a sleeping cell needs to carry traffic again.
    Wake,
    /// `coverage`: spare capacity of each cluster's coverage cell.
    Coverage,
    /// `headroom`: the interlock's share of the coverage cell's capacity.
    Headroom,
    /// `wake_limit`: the coverage cell's load that wakes its boosters.
    WakeLimit,
}

impl Knob {
    pub const NAMES: [&'static str; 5] =
        ["threshold", "wake", "coverage", "headroom", "wake_limit"];

    pub fn parse(s: &str) -> Result<Knob, String> {
        match s.trim() {
            "threshold" => Ok(Knob::Threshold),
            "wake" => Ok(Knob::Wake),
            "coverage" => Ok(Knob::Coverage),
            "headroom" => Ok(Knob::Headroom),
            "wake_limit" => Ok(Knob::WakeLimit),
            other => Err(format!(
                "knob `{}`: expected one of {}",
                other.chars().take(40).collect::<String>(),
                Knob::NAMES.join(", ")
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Knob::Threshold => "threshold",
            Knob::Wake => "wake",
            Knob::Coverage => "coverage",
            Knob::Headroom => "headroom",
            Knob::WakeLimit => "wake_limit",
        }
    }

    /// The knob's value in `cfg`.
    pub fn get(self, cfg: &Config) -> f64 {
        match self {
            Knob::Threshold => cfg.cells.threshold,
            Knob::Wake => cfg.cells.wake,
            Knob::Coverage => cfg.cells.coverage,
            Knob::Headroom => cfg.cells.headroom,
            Knob::WakeLimit => cfg.cells.wake_limit,
        }
    }
}

/// One what-if evaluation: the network, the knob, its values and the seeds.
#[derive(Clone, Debug)]
pub struct Spec {
    pub cfg: Config,
    pub knob: Knob,
    /// The values, in the knob's unit (wake in minutes), as given.
    pub values: Vec<f64>,
    /// Seeds `cfg.seed .. cfg.seed + seeds`.
    pub seeds: u32,
}

impl Spec {
    /// A checked specification: a cells configuration, 1 to [`MAX_VALUES`] values each valid for the
    /// knob (read by the knob table, so `wake` takes durations such as `0.1h`, as the knob does),
    /// 1 to [`MAX_SEEDS`] seeds.
    pub fn new(cfg: Config, knob: &str, values: &str, seeds: u32) -> Result<Spec, String> {
        if cfg.scenario != Scenario::Cells {
            return Err("the what-if evaluation needs a cells preset (scenario=cells)".into());
        }
        let knob = Knob::parse(knob)?;
        let mut vals = Vec::new();
        for v in values.split(',').map(str::trim).filter(|v| !v.is_empty()) {
            if vals.len() == MAX_VALUES {
                return Err(format!("--values: at most {MAX_VALUES} values"));
            }
            let mut c = cfg.clone();
            c.set(knob.name(), v).map_err(|e| e.to_string())?;
            let x = knob.get(&c);
            if vals.contains(&x) {
                // Two rows of the same plan: the table and the pick would list it twice.
                return Err(format!(
                    "--values: `{}` is given twice",
                    crate::base::echo::clip(v)
                ));
            }
            vals.push(x);
        }
        if vals.is_empty() {
            return Err("--values: give at least one value, e.g. 0.1,0.2,0.3".into());
        }
        if !(1..=MAX_SEEDS).contains(&seeds) {
            return Err(format!("--seeds: from 1 to {MAX_SEEDS}"));
        }
        cfg.validate().map_err(|e| e.to_string())?;
        Ok(Spec {
            cfg,
            knob,
            values: vals,
            seeds,
        })
    }

    /// The configuration of one seed with the knob at `value`.
    pub fn config(&self, seed: u32, value: f64) -> Config {
        let mut c = self.cfg.clone();
        c.seed = seed;
        match self.knob {
            Knob::Threshold => c.cells.threshold = value,
            Knob::Wake => c.cells.wake = value,
            Knob::Coverage => c.cells.coverage = value,
            Knob::Headroom => c.cells.headroom = value,
            Knob::WakeLimit => c.cells.wake_limit = value,
        }
        c
    }

    /// The seeds evaluated.
    pub fn seed_list(&self) -> Vec<u32> {
        (0..self.seeds)
            .map(|k| self.cfg.seed.wrapping_add(k))
            .collect()
    }
}

#[cfg(test)]
mod tests;
