//! Slow change of every cell, as in a real network's trace: growth or decline of its level, a
//! seasonal swing, and users moving (its daily profile slides toward another cluster's: a new office
//! block in a residential street, a district that empties). Each cell's state moves once a day and
//! is interpolated within the day; `drift = 0` is the stationary world.

use crate::base::rng::{stream, Rng};

/// Days of the seasonal cycle.
const YEAR: f64 = 365.0;
/// Scale of the yearly growth rate (log-level per year) at `drift = 1`.
const GROWTH: f64 = 0.25;
/// Scale of the steady share of users moving per day at `drift = 1`.
const RATE: f64 = 0.03;
/// Daily random-walk step of the log-level at `drift = 1`.
const WANDER: f64 = 0.07;
/// Days over which the level's wander reverts to the cell's trend (it stays within about
/// `WANDER x sqrt(REVERT / 2)` of it).
const REVERT: f64 = 60.0;
/// Largest seasonal swing (log-level) at `drift = 1`.
const SEASON: f64 = 0.15;
/// Bound of a cell's log-level change: its level stays between a quarter and four times its base
/// (a real cell's traffic grows by tens of percent a year, not many-fold; beyond it a network adds
/// cells), whatever the drift's strength.
const MAX_LOG_LEVEL: f64 = 1.386_294_361_119_890_6; // ln 4
/// Daily random-walk step of the share of users who moved, at `drift = 1`.
const MOVE: f64 = 0.06;

/// One cell's drift: its state at the start of day `day` and of the next day.
#[derive(Clone, Debug)]
struct Cell {
    growth: f64,
    /// Share of users moving per day, steadily.
    rate: f64,
    season: (f64, f64),
    /// The cluster whose profile the moving users follow.
    to: usize,
    /// (log-level wander, share moved) at `day` and `day + 1`.
    now: (f64, f64),
    next: (f64, f64),
}

/// Every cell's slow change.
#[derive(Clone, Debug)]
pub struct Drift {
    scale: f64,
    w: f64,
    m: f64,
    rng: Rng,
    day: i64,
    first: i64,
    cells: Vec<Cell>,
}

impl Drift {
    /// Drift of `n` cells in clusters `cluster`, with strength `scale` (0: none), starting on day
    /// `first` (the warm-up's first day).
    pub fn new(seed: u64, scale: f64, cluster: &[usize], first: i64) -> Self {
        let mut rng = Rng::new(seed, stream::CELLS_DRIFT);
        let cells = cluster
            .iter()
            .map(|&k| {
                let growth = GROWTH * scale * rng.normal();
                let season = (
                    SEASON * scale * rng.uniform(),
                    2.0 * std::f64::consts::PI * rng.uniform(),
                );
                let rate = RATE * scale * rng.normal().abs();
                let to = (k + 1 + (rng.uniform() * 3.0) as usize) % 4;
                Cell {
                    growth,
                    rate,
                    season,
                    to,
                    now: (0.0, 0.0),
                    next: (0.0, 0.0),
                }
            })
            .collect();
        let mut d = Drift {
            scale,
            w: WANDER * scale,
            m: MOVE * scale,
            rng,
            day: first,
            first,
            cells,
        };
        d.step_all();
        d
    }

    fn step_all(&mut self) {
        let (w, m) = (self.w, self.m);
        for c in &mut self.cells {
            c.now = c.next;
            let level = c.next.0 * (1.0 - 1.0 / REVERT) + w * self.rng.normal();
            // The share moved reflects at 0 and 1.
            let mut moved = (c.next.1 + m * self.rng.normal()).abs();
            if moved > 1.0 {
                moved = 2.0 - moved;
            }
            c.next = (level, moved.clamp(0.0, 1.0));
        }
    }

    /// The cell's level factor and the share of its users who moved to cluster [`Drift::to`], at
    /// `t_days` from the start of the horizon (the state moves on as days pass).
    pub fn at(&mut self, cell: usize, t_days: f64) -> (f64, f64) {
        if self.scale == 0.0 {
            return (1.0, 0.0);
        }
        let day = t_days.floor() as i64;
        while self.day < day {
            self.day += 1;
            self.step_all();
        }
        let c = &self.cells[cell];
        let f = t_days - day as f64;
        let wander = c.now.0 + f * (c.next.0 - c.now.0);
        let moved = c.now.1 + f * (c.next.1 - c.now.1) + c.rate * (t_days - self.first as f64);
        let moved = moved.clamp(0.0, 1.0);
        let season =
            c.season.0 * libm::sin(2.0 * std::f64::consts::PI * t_days / YEAR + c.season.1);
        let level = libm::exp(
            (c.growth * t_days / YEAR + wander + season).clamp(-MAX_LOG_LEVEL, MAX_LOG_LEVEL),
        );
        (level, moved)
    }

    /// The cluster the users of `cell` move to.
    pub fn to(&self, cell: usize) -> usize {
        self.cells[cell].to
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_drift_is_the_stationary_world_and_drift_stays_bounded() {
        let cluster = [0, 1, 2, 3, 0, 1, 2, 3];
        let mut still = Drift::new(3, 0.0, &cluster, -7);
        let mut moving = Drift::new(3, 1.0, &cluster, -7);
        let mut changed = 0;
        for i in -7 * 96..3 * 365 * 96 {
            let t = i as f64 / 96.0;
            for (cell, &k) in cluster.iter().enumerate() {
                assert_eq!(still.at(cell, t), (1.0, 0.0));
                let (level, moved) = moving.at(cell, t);
                assert!(
                    level.is_finite() && (0.25..=4.0).contains(&level),
                    "{level}"
                );
                assert!((0.0..=1.0).contains(&moved));
                assert_ne!(moving.to(cell), k);
                changed += (moved > 0.2) as u32;
            }
        }
        assert!(changed > 0);
    }
}
