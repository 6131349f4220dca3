//! The radio network as an operator runs it, shared by the simulator's lanes, its references (always
//! on, the operators' rule, the oracle) and the what-if evaluation: capacity boosters over one
//! coverage cell per cluster, the interlock that decides which boosters may sleep, what an interval
//! costs (energy and complaint calls), and the oracle's cheapest schedule.
//!
//! **What follows 3GPP.** The owner of a capacity booster cell may switch it off on its own load and
//! the node that provides basic coverage may ask for its re-activation when its own load needs it
//! (3GPP TS 38.300, clause 15.4 "Energy Saving", for NG-RAN: switch-off "typically based on cell load
//! information", re-activation through the Xn Cell Activation procedure; TS 36.300, clause 22.4.4, the
//! same for LTE over X2). Here: a booster sleeps for an interval when the lane expects its load below
//! a level, and every booster of a cluster wakes when its coverage cell's measured load passes the
//! wake limit ([`Network::wake_limit`]).
//!
//! **What is vendor practice, not a 3GPP rule.** Before switching a booster off, vendors' energy-saving
//! features check that the coverage layer can take its traffic (e.g. "cell switch-off based on
//! co-coverage"): a booster sleeps only while its coverage cell's expected load plus the traffic it
//! would take stays below a headroom ([`Network::headroom`], default 0.8 of its spare capacity). The
//! expectation is each lane's own: last measured loads for the rule, forecasts for a model.
//!
//! **Power.** EARTH (G. Auer et al., "How much energy is needed to run a wireless network?", IEEE
//! Wireless Communications 18(5), 2011, Table 2) gives `P0`, `delta_p`, `Pmax` and `P_sleep` per
//! transceiver chain (`P_in = N_TRX (P0 + delta_p P_out)`); a macro site of three sectors has
//! `N_TRX = 6` chains, two per sector, so a cell (a sector on one carrier) has [`Network::chains`] = 2
//! by default. EARTH's `P_sleep` is a shallow sleep (the radio idles, the baseband stays up); a deeper
//! sleep would save more per sleeping interval and take longer to wake (assumption: not modelled).
//!
//! **Congestion and complaints (assumptions, argued in docs/simulation-vs-reality.md).** Traffic the
//! coverage cell cannot carry is degraded, not deleted (elastic traffic slows down). While a coverage
//! cell is over its capacity, every user on it is congested; users are [`Network::users`] per fully
//! loaded booster's worth of traffic; complaint calls follow at [`Network::complaint_rate`] per
//! congested user-hour, each costing [`Network::complaint_cost`] (care-call handling plus expected
//! churn). An interval's money is its energy bill plus its complaint calls' cost.

use crate::domain::power::{power_awake, Row};

/// The coverage layer, the interlock and the prices of one network.
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    /// EARTH row (per transceiver chain) of a capacity booster.
    pub booster: Row,
    /// EARTH row (per transceiver chain) of a coverage cell (a macro cell).
    pub coverage_row: Row,
    /// Transceiver chains per cell (EARTH's macro site: 6 chains over 3 sectors).
    pub chains: f64,
    /// Spare capacity of a coverage cell for its boosters' traffic, in fully loaded boosters.
    pub capacity: f64,
    /// The interlock: a booster may sleep only while its coverage cell's expected load plus the
    /// traffic it would take stays below this share of [`Network::capacity`].
    pub headroom: f64,
    /// When a coverage cell's measured load passes this share of its capacity, it wakes every
    /// booster of its cluster for the next interval.
    pub wake_limit: f64,
    /// Share of an interval a waking booster's traffic still goes to the coverage cell.
    pub wake_frac: f64,
    /// Interval length, minutes.
    pub interval_min: f64,
    /// Active users per fully loaded booster's traffic.
    pub users: f64,
    /// Complaint calls per congested user-hour.
    pub complaint_rate: f64,
    /// Money per complaint call (handling plus expected churn).
    pub complaint_cost: f64,
    /// Money per kWh.
    pub price_kwh: f64,
}

/// What one interval of one cluster (or a sum of them) gives.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Outcome {
    /// Power drawn, watts, averaged over the interval (boosters and coverage cells).
    pub watts: f64,
    /// Traffic over the coverage cells' capacity, in fully loaded boosters times intervals.
    pub degraded: f64,
    /// User-minutes spent on a congested coverage cell.
    pub congested_user_min: f64,
    /// Minutes a coverage cell was congested, summed over clusters.
    pub congested_min: f64,
    /// The coverage cells' load at the end of the interval, as a share of their capacity (the
    /// largest over the clusters summed): what the wake limit reads.
    pub coverage_load: f64,
}

impl std::ops::AddAssign for Outcome {
    fn add_assign(&mut self, o: Outcome) {
        self.watts += o.watts;
        self.degraded += o.degraded;
        self.congested_user_min += o.congested_user_min;
        self.congested_min += o.congested_min;
        self.coverage_load = self.coverage_load.max(o.coverage_load);
    }
}

impl Network {
    /// Energy of an outcome, kWh.
    pub fn kwh(&self, o: &Outcome) -> f64 {
        o.watts * self.interval_min / 60.0 / 1000.0
    }

    /// Complaint calls of an outcome.
    pub fn complaints(&self, o: &Outcome) -> f64 {
        o.congested_user_min / 60.0 * self.complaint_rate
    }

    /// Money of an outcome: the energy bill plus the complaint calls' cost (lower is better).
    pub fn cost(&self, o: &Outcome) -> f64 {
        self.kwh(o) * self.price_kwh + self.complaints(o) * self.complaint_cost
    }

    /// Power (W) of a booster carrying `load` (share of its capacity), awake or asleep.
    pub fn booster_watts(&self, load: f64, asleep: bool) -> f64 {
        if asleep {
            self.chains * self.booster.p_sleep
        } else {
            self.chains * power_awake(self.booster, load)
        }
    }

    /// One cluster's interval: its boosters' loads, which sleep, and which wake from sleep (their
    /// traffic goes to the coverage cell for the first [`Network::wake_frac`] of the interval).
    pub fn cluster(&self, loads: &[f64], sleep: &[bool], waking: &[bool]) -> Outcome {
        let mut watts = 0.0;
        // Load the coverage cell is asked to carry while waking boosters wake (a), and after (b).
        let (mut a, mut b) = (0.0, 0.0);
        for ((&load, &asleep), &wakes) in loads.iter().zip(sleep).zip(waking) {
            watts += self.booster_watts(load, asleep);
            let over = (load - 1.0).max(0.0);
            if asleep {
                a += load;
                b += load;
            } else if wakes {
                a += load;
                b += over;
            } else {
                a += over;
                b += over;
            }
        }
        let w = if waking.iter().any(|&x| x) {
            self.wake_frac
        } else {
            0.0
        };
        let cap = self.capacity;
        let share = |c: f64| {
            if cap > 0.0 {
                (c / cap).min(1.0)
            } else {
                0.0
            }
        };
        watts += self.chains * power_awake(self.coverage_row, w * share(a) + (1.0 - w) * share(b));
        let over = |c: f64| (c - cap).max(0.0);
        let congested = |c: f64| c > cap + 1e-12;
        let users = |c: f64| if congested(c) { self.users * c } else { 0.0 };
        Outcome {
            watts,
            degraded: w * over(a) + (1.0 - w) * over(b),
            congested_user_min: self.interval_min * (w * users(a) + (1.0 - w) * users(b)),
            congested_min: self.interval_min
                * (w * congested(a) as u8 as f64 + (1.0 - w) * congested(b) as u8 as f64),
            coverage_load: if cap > 0.0 {
                b / cap
            } else if b > 0.0 {
                f64::INFINITY
            } else {
                0.0
            },
        }
    }

    /// The interlock for one cluster: which boosters sleep in the next interval, given the loads
    /// the lane expects (`expected`), the level below which a booster may sleep, and the coverage
    /// cell's measured load at the end of the last interval (share of its capacity). Boosters are
    /// put to sleep from the least loaded up while the coverage cell's expected load stays within
    /// the headroom; none sleeps when the coverage cell's measured load passed the wake limit.
    pub fn decide(&self, expected: &[f64], level: f64, coverage_load: f64, sleep: &mut [bool]) {
        sleep.iter_mut().for_each(|s| *s = false);
        // A level of 0 or less sleeps nothing (not even a booster forecast below zero).
        if coverage_load > self.wake_limit || level <= 0.0 {
            return;
        }
        let finite = |e: f64| if e.is_finite() { e } else { f64::INFINITY };
        let mut carried: f64 = expected.iter().map(|&e| (finite(e) - 1.0).max(0.0)).sum();
        let limit = self.headroom * self.capacity;
        let mut order: Vec<usize> = (0..expected.len())
            .filter(|&c| finite(expected[c]) < level)
            .collect();
        crate::base::order::by_key(&mut order, expected);
        for c in order {
            let e = expected[c].max(0.0);
            if carried + e <= limit {
                carried += e;
                sleep[c] = true;
            }
        }
    }
}

impl Network {
    /// A cell replayed on its own (`rtml replay` of a load trace, which has no coverage layer):
    /// each cell its own cluster, whose fallback takes its traffic up to `threshold` (what a
    /// sleeping cell carries above it is unserved: the `degraded` of [`Network::cluster`]) and
    /// draws no power (the replay counts the cell's own energy), one transceiver chain per cell,
    /// no wake-up delay, no wake limit, no prices. With it, [`Network::decide`] at level
    /// `threshold` sleeps a cell whose expected load is below the threshold.
    pub fn standalone(booster: Row, threshold: f64, interval_min: f64) -> Network {
        let none = Row {
            p0: 0.0,
            delta_p: 0.0,
            p_max: 0.0,
            p_sleep: 0.0,
        };
        Network {
            booster,
            coverage_row: none,
            chains: 1.0,
            capacity: threshold,
            headroom: 1.0,
            wake_limit: f64::INFINITY,
            wake_frac: 0.0,
            interval_min,
            users: 0.0,
            complaint_rate: 0.0,
            complaint_cost: 0.0,
            price_kwh: 0.0,
        }
    }
}

/// A sleeping policy's state from one interval to the next: which boosters sleep, and each coverage
/// cell's measured load at the end of the last interval (what the wake limit reads).
#[derive(Clone, Debug, PartialEq)]
pub struct Sleeper {
    pub asleep: Vec<bool>,
    pub cover: Vec<f64>,
}

impl Sleeper {
    /// Every booster awake, every coverage cell idle.
    pub fn new(cells: usize, clusters: usize) -> Self {
        Sleeper {
            asleep: vec![false; cells],
            cover: vec![0.0; clusters],
        }
    }
}

/// One interval's outcome over the network, and which clusters' coverage cells were congested.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Step {
    pub outcome: Outcome,
    pub congested: Vec<bool>,
    /// Boosters asleep.
    pub asleep: usize,
}

impl Network {
    /// The interlock over every cluster (`members[k]`: the boosters of cluster `k`): which boosters
    /// sleep given the loads a lane expects, its level and the coverage cells' measured loads.
    pub fn decide_all(
        &self,
        members: &[Vec<usize>],
        expected: &[f64],
        level: f64,
        cover: &[f64],
        sleep: &mut [bool],
    ) {
        let mut e = Vec::new();
        let mut s = Vec::new();
        for (k, cells) in members.iter().enumerate() {
            e.clear();
            e.extend(cells.iter().map(|&c| expected[c]));
            s.clear();
            s.resize(cells.len(), false);
            self.decide(&e, level, cover[k], &mut s);
            for (&c, &x) in cells.iter().zip(&s) {
                sleep[c] = x;
            }
        }
    }

    /// One interval of a policy: boosters sleep as `sleep` says (those asleep before and not now
    /// wake), on the true `loads`; the state moves on.
    pub fn step(
        &self,
        members: &[Vec<usize>],
        st: &mut Sleeper,
        sleep: &[bool],
        loads: &[f64],
    ) -> Step {
        let mut out = Step {
            congested: vec![false; members.len()],
            ..Step::default()
        };
        let (mut l, mut s, mut w) = (Vec::new(), Vec::new(), Vec::new());
        for (k, cells) in members.iter().enumerate() {
            l.clear();
            s.clear();
            w.clear();
            for &c in cells {
                l.push(loads[c]);
                s.push(sleep[c]);
                w.push(st.asleep[c] && !sleep[c]);
            }
            let o = self.cluster(&l, &s, &w);
            out.congested[k] = o.congested_min > 0.0;
            st.cover[k] = o.coverage_load;
            out.outcome += o;
        }
        st.asleep.copy_from_slice(sleep);
        out.asleep = sleep.iter().filter(|&&x| x).count();
        out
    }
}

impl Network {
    /// A day-ahead plan followed on the network: every booster sleeps when `plan` says so, unless
    /// its coverage cell's measured load passed the wake limit in the planned sleep so far (the coverage
    /// node asks for re-activation, as in [`Network::decide`]); a booster woken that way is `held`
    /// awake until its plan wakes it anyway, so that it does not flap back to sleep into the same
    /// load (an operator's choice, assumption: 3GPP leaves the switch-off to the booster's owner).
    pub fn follow(
        &self,
        members: &[Vec<usize>],
        plan: &[bool],
        st: &Sleeper,
        held: &mut [bool],
        sleep: &mut [bool],
    ) {
        for (k, cells) in members.iter().enumerate() {
            let woken = st.cover.get(k).is_some_and(|&c| c > self.wake_limit);
            for &c in cells {
                held[c] = plan[c] && (held[c] || woken);
                sleep[c] = plan[c] && !held[c];
            }
        }
    }
}

/// The sleep levels an operator tunes over (share of a booster's capacity; 0: never sleep, so a
/// lane for which sleeping does not pay stays on).
pub const SLEEP_LEVELS: [f64; 13] = [
    0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6,
];

impl Network {
    /// The money of a lane that sleeps at `level` over a record of `loads` (intervals x cells, the
    /// cells of `members`) when it expects `expected` (same shape; NaN: no expectation, the
    /// booster stays awake), every booster awake at the start.
    pub fn money_at(
        &self,
        members: &[Vec<usize>],
        loads: &[f64],
        expected: &[f64],
        level: f64,
    ) -> f64 {
        let n: usize = members.iter().map(Vec::len).sum();
        if n == 0 {
            return 0.0;
        }
        let mut st = Sleeper::new(n, members.len());
        let mut sleep = vec![false; n];
        let mut money = 0.0;
        for (l, e) in loads.chunks_exact(n).zip(expected.chunks_exact(n)) {
            self.decide_all(members, e, level, &st.cover, &mut sleep);
            money += self.cost(&self.step(members, &mut st, &sleep, l).outcome);
        }
        money
    }
}

/// The money-optimal level of `levels` given each level's money (lower is better); ties go to the
/// lower level (the cautious one).
pub fn cheapest_level(levels: &[f64], money: impl Fn(f64) -> f64) -> f64 {
    let mut best = (f64::INFINITY, 0.0);
    for &level in levels {
        let m = money(level);
        if m < best.0 - 1e-9 {
            best = (m, level);
        }
    }
    best.1
}

/// The most boosters per cluster whose every sleep schedule the oracle's programme searches (its
/// work grows as `4^m`).
pub const ORACLE_MAX_PER_CLUSTER: usize = 6;

/// The oracle's schedule for one cluster: the cheapest sequence of sleep sets over the whole horizon
/// given every interval's true loads (`loads[i][c]`), by an exact dynamic programme over the `2^m`
/// sleep sets of its `m` boosters (the transition from one set to the next decides which boosters
/// wake). It is limited only by what the network is (capacity, the wake-up delay, the prices): no
/// headroom, no wake limit, no forecast. Its total cost is therefore no higher than any schedule's,
/// the interlocked lanes' included. Returns each interval's sleep set as a bit mask; `None` when
/// the cluster has more than [`ORACLE_MAX_PER_CLUSTER`] boosters.
pub fn oracle_plan(net: &Network, loads: &[Vec<f64>], start: u32) -> Option<Vec<u32>> {
    let m = loads.first().map_or(0, Vec::len);
    if m > ORACLE_MAX_PER_CLUSTER {
        return None;
    }
    let states = 1usize << m;
    let flags = |mask: usize| -> Vec<bool> { (0..m).map(|c| mask >> c & 1 == 1).collect() };
    let sets: Vec<Vec<bool>> = (0..states).map(flags).collect();
    let mut best = vec![f64::INFINITY; states];
    best[start as usize] = 0.0;
    let mut back: Vec<u8> = Vec::with_capacity(loads.len() * states);
    let mut next = vec![0.0; states];
    let mut waking = vec![false; m];
    // An interval's cost depends on the new set and on who wakes (`from & !to`): 3^m of them.
    let mut cost = vec![f64::NAN; states * states];
    for l in loads {
        cost.iter_mut().for_each(|c| *c = f64::NAN);
        for (to, set) in sets.iter().enumerate() {
            let (mut low, mut arg) = (f64::INFINITY, 0);
            for (from, &was) in best.iter().enumerate() {
                if !was.is_finite() {
                    continue;
                }
                let wakes = from & !to;
                let c = &mut cost[to * states + wakes];
                if c.is_nan() {
                    for (b, w) in waking.iter_mut().enumerate() {
                        *w = wakes >> b & 1 == 1;
                    }
                    *c = net.cost(&net.cluster(l, set, &waking));
                }
                let v = was + *c;
                if v < low {
                    (low, arg) = (v, from);
                }
            }
            next[to] = low;
            back.push(arg as u8);
        }
        std::mem::swap(&mut best, &mut next);
    }
    let mut at = (0..states)
        .min_by(|&x, &y| best[x].total_cmp(&best[y]))
        .unwrap_or(0);
    let mut plan = vec![0u32; loads.len()];
    for i in (0..loads.len()).rev() {
        plan[i] = at as u32;
        at = back[i * states + at] as usize;
    }
    Some(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::power::{earth, CellType};

    fn net() -> Network {
        Network {
            booster: earth(CellType::Macro),
            coverage_row: earth(CellType::Macro),
            chains: 2.0,
            capacity: 0.5,
            headroom: 0.8,
            wake_limit: 0.9,
            wake_frac: 2.0 / 15.0,
            interval_min: 15.0,
            users: 50.0,
            complaint_rate: 0.004,
            complaint_cost: 25.0,
            price_kwh: 0.2,
        }
    }

    #[test]
    fn the_interlock_keeps_the_coverage_cell_within_its_headroom() {
        let n = net();
        let mut sleep = [false; 3];
        // 0.4 x 0.5 = 0.2 of headroom... the limit is 0.8 x 0.5 = 0.4: the two lightest fit.
        n.decide(&[0.1, 0.25, 0.2], 0.3, 0.0, &mut sleep);
        assert_eq!(sleep, [true, false, true]);
        // Past the wake limit nothing sleeps.
        n.decide(&[0.1, 0.25, 0.2], 0.3, 0.95, &mut sleep);
        assert_eq!(sleep, [false; 3]);
        // A booster expected over its own capacity sends its overflow to the coverage cell first.
        n.decide(&[0.05, 1.3, 0.1], 0.3, 0.0, &mut sleep);
        assert_eq!(sleep, [true, false, false]);
        // A forecast that is not finite is no expectation at all: the coverage cell's load cannot be
        // known, so no booster of the cluster sleeps.
        n.decide(&[f64::NAN, 0.1, 0.1], 0.3, 0.0, &mut sleep);
        assert_eq!(sleep, [false; 3]);
    }

    #[test]
    fn congestion_costs_complaints_and_degrades_traffic() {
        let n = net();
        let calm = n.cluster(&[0.2, 0.1], &[true, true], &[false, false]);
        assert_eq!(calm.degraded, 0.0);
        assert_eq!(n.complaints(&calm), 0.0);
        let jam = n.cluster(&[0.4, 0.3], &[true, true], &[false, false]);
        assert!((jam.degraded - 0.2).abs() < 1e-12);
        // 0.7 of a booster's users (35) congested for 15 minutes.
        assert!((jam.congested_user_min - 35.0 * 15.0).abs() < 1e-9);
        // 35 x 15 / 60 x 0.004 = 0.035 calls at 25 each: 0.875.
        assert!(n.cost(&jam) > n.cost(&calm) + 0.8, "{jam:?}");
        // A waking booster sends its traffic to the coverage cell for the wake-up only.
        let wake = n.cluster(&[0.45, 0.0], &[false, false], &[true, false]);
        assert_eq!(wake.degraded, 0.0);
        let wake = n.cluster(&[0.9, 0.0], &[false, false], &[true, false]);
        assert!((wake.congested_min - 2.0).abs() < 1e-9, "{wake:?}");
    }

    #[test]
    fn a_plan_woken_by_the_wake_limit_stays_awake_until_it_ends() {
        let n = net();
        let members = vec![vec![0, 1], vec![2]];
        let mut st = Sleeper::new(3, 2);
        let (mut held, mut sleep) = (vec![false; 3], vec![false; 3]);
        let plan = [true, false, true];
        n.follow(&members, &plan, &st, &mut held, &mut sleep);
        assert_eq!(sleep, [true, false, true]);
        // Cluster 0's coverage cell passes the wake limit: its planned sleeper wakes, and stays
        // awake while the plan would sleep it, even once the load is gone; cluster 1 sleeps on.
        st.cover = vec![0.95, 0.2];
        n.follow(&members, &plan, &st, &mut held, &mut sleep);
        assert_eq!(sleep, [false, false, true]);
        st.cover = vec![0.1, 0.2];
        n.follow(&members, &plan, &st, &mut held, &mut sleep);
        assert_eq!(sleep, [false, false, true]);
        // The plan wakes it; its next planned sleep is followed again.
        n.follow(&members, &[false, false, true], &st, &mut held, &mut sleep);
        n.follow(&members, &plan, &st, &mut held, &mut sleep);
        assert_eq!(sleep, [true, false, true]);
    }

    #[test]
    fn the_oracle_is_no_costlier_than_any_schedule() {
        let n = net();
        let mut rng = crate::base::rng::Rng::new(7, 1);
        let loads: Vec<Vec<f64>> = (0..60)
            .map(|_| (0..3).map(|_| 0.6 * rng.uniform()).collect())
            .collect();
        let plan = oracle_plan(&n, &loads, 0).unwrap();
        let cost_of = |sets: &dyn Fn(usize) -> u32| {
            let mut prev = 0u32;
            let mut total = 0.0;
            for (i, l) in loads.iter().enumerate() {
                let s = sets(i);
                let sleep: Vec<bool> = (0..3).map(|c| s >> c & 1 == 1).collect();
                let waking: Vec<bool> = (0..3).map(|c| prev >> c & 1 == 1 && !sleep[c]).collect();
                total += n.cost(&n.cluster(l, &sleep, &waking));
                prev = s;
            }
            total
        };
        let oracle = cost_of(&|i| plan[i]);
        for k in 0..200u32 {
            let mut r = crate::base::rng::Rng::new(k as u64, 2);
            let random: Vec<u32> = (0..60).map(|_| (r.uniform() * 8.0) as u32 % 8).collect();
            assert!(oracle <= cost_of(&|i| random[i]) + 1e-9);
        }
        for s in 0..8 {
            assert!(oracle <= cost_of(&|_| s) + 1e-9);
        }
        assert!(oracle_plan(&n, &[vec![0.1; 7]], 0).is_none());
    }
}
