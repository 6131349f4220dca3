//! Tuned sleep levels: every lane that sleeps (the operators' rule, each forecaster) picks its own
//! level on its own warm-up history, as an operator tunes on last month's data: the money-optimal
//! level over [`LEVELS`], scored on what the lane would have expected at the time (the rule: the last
//! measured load; a forecaster: its forecasts made before it learned each load, test-then-train, never
//! an in-sample fit, which would make the pick too bold), under the same interlock and prices as the
//! run.
//!
//! A batch lane is tuned on the forecasts it would have served: during the recorded warm-up, at each
//! of its refreshes (multiples of its refresh period, as in the run), the model as it stands then
//! forecasts the whole period from the inputs known then ([`super::forecast::batch_forecasts`]), so
//! its level is chosen for forecasts as stale as those it will use (tuned on online forecasts, a
//! daily batch lane picked a level too bold for them and lost more than the ML value in the answer).
//! The first interval recorded after the lags are filled refreshes too when no refresh came before
//! it (a weekly lane on a week's warm-up would otherwise have nothing to tune on): its first period
//! is a little fresher than the run's.

use super::DAY;
use crate::domain::network::Network;

/// Days of the warm-up tuned on (the last ones): a month, as an operator tunes on last month.
pub(super) const TUNE_DAYS: i64 = 28;
/// The sleep levels tried ([`crate::domain::network::SLEEP_LEVELS`]).
pub(super) const LEVELS: [f64; 13] = crate::domain::network::SLEEP_LEVELS;

/// What the warm-up records for tuning.
pub(super) struct Tuning {
    /// First interval recorded.
    pub(super) from: i64,
    n: usize,
    /// Live loads, then the simulator's, per interval and cell.
    pub(super) real: Vec<f64>,
    pub(super) sim: Vec<f64>,
    /// Per lane, its test-then-train forecasts (NaN where it made none).
    pub(super) fc: Vec<Vec<f64>>,
    /// Per lane, the batch forecasts of its last refresh in the recording, and that refresh's
    /// interval (a batch lane's; none before its first refresh).
    pub(super) batch: Vec<(Option<i64>, Vec<f64>)>,
}

impl Tuning {
    /// A recording of the last [`TUNE_DAYS`] of a warm-up of `warm` intervals.
    pub(super) fn new(lanes: usize, n: usize, warm: i64) -> Self {
        Tuning {
            from: -warm.min(TUNE_DAYS * DAY as i64),
            n,
            real: Vec::new(),
            sim: Vec::new(),
            fc: vec![Vec::new(); lanes],
            batch: vec![(None, Vec::new()); lanes],
        }
    }

    /// Records interval `i`'s loads (once per interval, before its forecasts).
    pub(super) fn put(&mut self, i: i64, real: &[f64], sim: &[f64]) -> bool {
        if i < self.from {
            return false;
        }
        self.real.extend_from_slice(real);
        self.sim.extend_from_slice(sim);
        for f in &mut self.fc {
            f.resize(f.len() + self.n, f64::NAN);
        }
        true
    }

    /// Records lane `l`'s forecast of `cell` in the last interval recorded.
    pub(super) fn forecast(&mut self, l: usize, cell: usize, f: f64) {
        let at = self.fc[l].len() - self.n + cell;
        self.fc[l][at] = f;
    }

    /// Lane `l`'s batch forecast of `cell` in interval `i`, from its last refresh (NaN before its
    /// first, or past the period it covers).
    pub(super) fn batched(&self, l: usize, i: i64, cell: usize) -> f64 {
        match &self.batch[l] {
            (Some(from), f) if i >= *from => {
                let at = (i - from) as usize * self.n + cell;
                f.get(at).copied().unwrap_or(f64::NAN)
            }
            _ => f64::NAN,
        }
    }

    /// The rule's expectation: each interval's load is the one before it (none for the first).
    pub(super) fn last_loads(&self, loads: &[f64]) -> Vec<f64> {
        let mut e = vec![f64::NAN; self.n];
        e.extend_from_slice(&loads[..loads.len().saturating_sub(self.n)]);
        e
    }
}

/// The money-optimal level of [`LEVELS`] on `loads` (intervals x cells) when the lane expects
/// `expected` (same shape; NaN: no expectation, the booster stays awake). Ties go to the lower
/// level (the cautious one). `None` without a day of expectations to tune on (a warm-up of one day
/// only fills the lags): the lane keeps its untuned level.
pub(super) fn pick(
    net: &Network,
    members: &[Vec<usize>],
    loads: &[f64],
    expected: &[f64],
) -> Option<f64> {
    let n: usize = members.iter().map(Vec::len).sum();
    let known = expected.iter().filter(|e| e.is_finite()).count();
    if n == 0 || known < n * DAY {
        return None;
    }
    Some(crate::domain::network::cheapest_level(&LEVELS, |level| {
        net.money_at(members, loads, expected, level)
    }))
}
