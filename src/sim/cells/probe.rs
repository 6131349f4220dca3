//! What the what-if evaluation ([`crate::study::whatif`]) reads of the network: the live loads, each
//! cell's cluster and base load, the daily profiles (the network's, and the simulator's: off by
//! `sim_error` exactly as the simulator `cells-sim-gap` trains on, and scaled by its bias), and the
//! boosters of each cluster (the network itself is [`super::network`], the same as every lane's).

use super::{clock, CellsSim, Profile, DAY};
use crate::base::rng::{stream, Rng};
use crate::sim::config::{Config, LaneConfig, Policy};

/// Decision intervals per day: the slots of a daily shape.
pub const SLOTS: usize = DAY;

/// Daily shapes of every cluster: `shapes[cluster][weekend as usize][slot]`.
pub type Shapes = Vec<[Vec<f64>; 2]>;

/// The slot of the day and the weekend flag (0 or 1) of interval `i`.
pub fn slot(i: i64) -> (usize, usize) {
    let (_, weekend) = clock(i);
    (i.rem_euclid(DAY as i64) as usize, weekend as usize)
}

/// The live network of one configuration, read interval by interval (in order: the load noise is a
/// process in time).
pub struct Probe {
    sim: CellsSim,
    seed: u64,
}

impl Probe {
    /// The network of `cfg` (its lanes are ignored; the simulator's profiles are built on demand).
    pub fn new(cfg: &Config) -> Self {
        let mut cfg = cfg.clone();
        cfg.lanes = vec![LaneConfig {
            policy: Policy::Baseline,
            ..LaneConfig::default()
        }];
        Probe {
            sim: CellsSim::new(&cfg),
            seed: cfg.seed as u64,
        }
    }

    /// Capacity cells.
    pub fn cells(&self) -> usize {
        self.sim.world.base.len()
    }

    /// The cluster of `cell`.
    pub fn cluster(&self, cell: usize) -> usize {
        self.sim.world.cluster[cell]
    }

    /// The base load of `cell` (its daily shape scales it).
    pub fn base(&self, cell: usize) -> f64 {
        self.sim.world.base[cell]
    }

    /// Live loads of every cell in interval `i` (call with consecutive intervals).
    pub fn live(&mut self, i: i64, out: &mut Vec<f64>) {
        self.sim.world.loads(i, false, out);
    }

    /// The daily shapes of the live network's clusters.
    pub fn shapes(&self) -> Shapes {
        tabulate(&self.sim.world.real.profiles)
    }

    /// The simulator's daily shapes: its profiles off by `err` (the same draws for every `err`: a
    /// larger error moves the simulator further along the same direction) and their daily peaks
    /// scaled by `1 + bias` (negative: an optimistic simulator, which predicts less load than there
    /// is).
    pub fn sim_shapes(&self, err: f64, bias: f64) -> Shapes {
        let mut rng = Rng::new(self.seed, stream::CELLS_SIMULATOR);
        let p: Vec<Profile> = (self.sim.world.real.profiles.iter())
            .map(|p| p.perturbed(err, &mut rng).biased(bias))
            .collect();
        tabulate(&p)
    }

    /// The boosters of each cluster.
    pub fn members(&self) -> &[Vec<usize>] {
        self.sim.members()
    }
}

fn tabulate(profiles: &[Profile]) -> Shapes {
    profiles
        .iter()
        .map(|p| {
            [false, true].map(|weekend| {
                (0..SLOTS as i64)
                    .map(|s| p.at(clock(s).0, weekend))
                    .collect()
            })
        })
        .collect()
}
