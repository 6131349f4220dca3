//! What every lane is measured against, run beside the lanes on the same loads: the network always
//! on, the operators' rule (sleep on the last measured load, with the interlock, at its tuned level),
//! and the oracle (the cheapest schedule given the whole run's true loads,
//! [`crate::domain::network::oracle_plan`]).

use super::{World, CLUSTERS};
use crate::domain::network::{oracle_plan, Network, Sleeper, Step};
use crate::sim::config::{Config, Policy};

/// The references' state.
pub(super) struct References {
    pub(super) rule_level: f64,
    rule: Sleeper,
    always: Sleeper,
    oracle: Sleeper,
    /// Per interval of the horizon, the oracle's sleep set (computed when the horizon starts);
    /// `None` with more boosters per cluster than the oracle's programme searches.
    pub(super) plan: Option<Vec<Vec<bool>>>,
    planned: bool,
}

/// Boosters per cluster up to which the oracle reference is planned even without an oracle lane
/// (its programme's work grows as `4^m`: cheap up to 4).
const CHEAP_ORACLE: usize = 4;

/// Whether a run plans the oracle: with an oracle lane, or when its programme is cheap.
pub(crate) fn oracle_planned(cfg: &Config) -> bool {
    let m = (cfg.cells.cells as usize).div_ceil(CLUSTERS.len());
    cfg.lanes.iter().any(|l| l.policy == Policy::Oracle) || m <= CHEAP_ORACLE
}

/// One interval's references.
#[derive(Clone, Debug, Default)]
pub(super) struct Refs {
    pub(super) always: Step,
    pub(super) rule: Step,
    pub(super) oracle: Option<Step>,
}

impl References {
    pub(super) fn new(cfg: &Config, n: usize) -> Self {
        References {
            rule_level: super::untuned_level(cfg, Policy::Rule),
            rule: Sleeper::new(n, CLUSTERS.len()),
            always: Sleeper::new(n, CLUSTERS.len()),
            oracle: Sleeper::new(n, CLUSTERS.len()),
            plan: None,
            planned: false,
        }
    }

    /// The oracle's plan over the horizon's `end` intervals, from a copy of the world at its start
    /// (the loads the run will see).
    pub(super) fn plan(&mut self, world: &World, net: &Network, members: &[Vec<usize>], end: i64) {
        if self.planned {
            return;
        }
        self.planned = true;
        if !oracle_planned(&world.cfg) {
            return;
        }
        let n = world.base.len();
        let mut w = world.clone();
        let mut all = Vec::with_capacity(end.max(0) as usize);
        let mut buf = Vec::with_capacity(n);
        for i in 0..end {
            w.loads(i, false, &mut buf);
            all.push(buf.clone());
        }
        let mut plan = vec![vec![false; n]; all.len()];
        for cells in members {
            let loads: Vec<Vec<f64>> = all
                .iter()
                .map(|l| cells.iter().map(|&c| l[c]).collect())
                .collect();
            let Some(masks) = oracle_plan(net, &loads, 0) else {
                return;
            };
            for (row, mask) in plan.iter_mut().zip(masks) {
                for (b, &c) in cells.iter().enumerate() {
                    row[c] = mask >> b & 1 == 1;
                }
            }
        }
        self.plan = Some(plan);
    }

    /// Interval `i` of the references, on its true `loads` (`last`: the loads of the interval before).
    pub(super) fn step(
        &mut self,
        net: &Network,
        members: &[Vec<usize>],
        i: i64,
        loads: &[f64],
        last: &[f64],
    ) -> Refs {
        let n = loads.len();
        let awake = vec![false; n];
        let always = net.step(members, &mut self.always, &awake, loads);
        let mut sleep = vec![false; n];
        net.decide_all(members, last, self.rule_level, &self.rule.cover, &mut sleep);
        let rule = net.step(members, &mut self.rule, &sleep, loads);
        let oracle = (self.plan.as_ref())
            .and_then(|p| p.get(i as usize))
            .map(|s| net.step(members, &mut self.oracle, s, loads));
        Refs {
            always,
            rule,
            oracle,
        }
    }
}
