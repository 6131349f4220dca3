//! The cells world: each cluster's daily load profile, the real network's loads and the simulator's
//! (profiles off by `sim_error`), with drift and events.

use super::drift;
use crate::base::rng::{stream, Rng};
use crate::base::units::{HOURS_PER_DAY, MINUTES_PER_DAY, MINUTES_PER_HOUR};
use crate::sim::config::Config;

/// Minutes per decision interval.
pub const INTERVAL: f64 = 15.0;
/// Intervals per day.
pub(super) const DAY: usize = 96;

/// A daily load profile: a floor plus Gaussian bumps (centre hour, width hours, height), for weekdays
/// and for weekends.
#[derive(Clone, Debug)]
pub(crate) struct Profile {
    weekday: (f64, Vec<(f64, f64, f64)>),
    weekend: (f64, Vec<(f64, f64, f64)>),
}

impl Profile {
    pub(super) fn template(cluster: usize) -> Self {
        match cluster {
            0 => Profile {
                weekday: (0.08, vec![(10.5, 2.2, 0.9), (15.0, 2.2, 0.8)]),
                weekend: (0.06, vec![(13.0, 3.0, 0.2)]),
            },
            1 => Profile {
                weekday: (0.15, vec![(7.5, 1.5, 0.35), (21.0, 2.5, 0.85)]),
                weekend: (0.2, vec![(12.5, 3.5, 0.55), (21.0, 3.0, 0.8)]),
            },
            2 => Profile {
                weekday: (0.05, vec![(23.0, 2.0, 0.7)]),
                weekend: (0.08, vec![(0.5, 2.5, 0.95)]),
            },
            _ => Profile {
                weekday: (0.1, vec![(8.0, 1.3, 0.9), (18.0, 1.5, 0.85)]),
                weekend: (0.1, vec![(14.0, 4.0, 0.4)]),
            },
        }
    }

    /// The simulator's version: every parameter off by `err` (relative; centres by err x 3 hours).
    pub(super) fn perturbed(&self, err: f64, rng: &mut Rng) -> Self {
        let mut p = |(floor, bumps): &(f64, Vec<(f64, f64, f64)>)| {
            let floor = (floor * (1.0 + err * rng.normal())).max(0.0);
            let bumps = bumps
                .iter()
                .map(|&(c, w, a)| {
                    (
                        c + err * 3.0 * rng.normal(),
                        (w * (1.0 + 0.5 * err * rng.normal())).max(0.3),
                        (a * (1.0 + err * rng.normal())).max(0.0),
                    )
                })
                .collect();
            (floor, bumps)
        };
        let weekday = p(&self.weekday);
        let weekend = p(&self.weekend);
        Profile { weekday, weekend }
    }

    /// The simulator's bias: every daily peak scaled by `1 + bias` (the night floor kept): negative,
    /// an optimistic simulator, which expects gentler ramps and lower peaks than there are.
    pub(super) fn biased(&self, bias: f64) -> Self {
        let k = (1.0 + bias).max(0.0);
        let scale = |(floor, bumps): &(f64, Vec<(f64, f64, f64)>)| {
            (
                *floor,
                bumps.iter().map(|&(c, w, a)| (c, w, a * k)).collect(),
            )
        };
        Profile {
            weekday: scale(&self.weekday),
            weekend: scale(&self.weekend),
        }
    }

    pub(super) fn at(&self, hour: f64, weekend: bool) -> f64 {
        let (floor, bumps) = if weekend {
            &self.weekend
        } else {
            &self.weekday
        };
        floor
            + bumps
                .iter()
                .map(|&(c, w, a)| {
                    let d = (hour - c).rem_euclid(HOURS_PER_DAY);
                    let d = d.min(HOURS_PER_DAY - d);
                    a * libm::exp(-0.5 * d * d / (w * w))
                })
                .sum::<f64>()
    }
}

/// Hour of day (fractional, at the middle of the interval) and weekend flag of interval `i`
/// (interval 0 starts Monday 00:00; negative intervals are the warm-up).
pub(super) fn clock(i: i64) -> (f64, bool) {
    let day = i.div_euclid(DAY as i64);
    let hour = (i.rem_euclid(DAY as i64) as f64 + 0.5) * INTERVAL / MINUTES_PER_HOUR;
    (hour, day.rem_euclid(7) >= 5)
}

/// A load generator: real network or simulator.
#[derive(Clone, Debug)]
pub(super) struct Generator {
    pub(super) profiles: Vec<Profile>,
    noise: Rng,
    eps: Vec<f64>,
}

/// The network every lane sees.
#[derive(Clone)]
pub struct World {
    pub(super) cfg: Config,
    pub(super) cluster: Vec<usize>,
    pub(super) base: Vec<f64>,
    pub(super) real: Generator,
    pub(super) sim: Option<Generator>,
    /// Slow change of the real network's cells.
    drift: drift::Drift,
    /// Drift events (minutes, label) for the timeline.
    pub events: Vec<(f64, String)>,
}

impl World {
    pub(super) fn new(cfg: &Config, needs_sim: bool) -> Self {
        let c = &cfg.cells;
        let n = c.cells as usize;
        let mut rng = Rng::new(cfg.seed as u64, stream::CELLS_WORLD);
        let cluster: Vec<usize> = (0..n).map(|i| i % 4).collect();
        let base: Vec<f64> = (0..n)
            .map(|_| c.load * (0.7 + 0.6 * rng.uniform()))
            .collect();
        let mut vary = |p: Profile| p.perturbed(0.1, &mut rng);
        let profiles: Vec<Profile> = (0..4).map(|k| vary(Profile::template(k))).collect();
        let sim = needs_sim.then(|| {
            let mut srng = Rng::new(cfg.seed as u64, stream::CELLS_SIMULATOR);
            let sp = profiles
                .iter()
                .map(|p| p.perturbed(c.sim_error, &mut srng).biased(c.sim_bias))
                .collect();
            Generator {
                profiles: sp,
                noise: Rng::new(cfg.seed as u64 ^ 0x5EED, stream::CELLS_SIMULATOR),
                eps: vec![0.0; n],
            }
        });
        let real = Generator {
            profiles,
            noise: Rng::new(cfg.seed as u64, stream::CELLS_NOISE),
            eps: vec![0.0; n],
        };
        let mut events = Vec::new();
        if let Some(d) = c.building_day {
            events.push((d * MINUTES_PER_DAY, "new building".to_string()));
        }
        if let Some(d) = c.holiday_day {
            events.push((d * MINUTES_PER_DAY, "holiday".to_string()));
            events.push(((d + 7.0) * MINUTES_PER_DAY, "holiday ends".to_string()));
        }
        if let Some(d) = c.stadium_day {
            events.push((
                d * MINUTES_PER_DAY + 19.0 * MINUTES_PER_HOUR,
                "stadium event".to_string(),
            ));
        }
        let first = -(cfg.warmup.ceil() as i64);
        let drift = drift::Drift::new(cfg.seed as u64, c.drift, &cluster, first);
        World {
            cfg: cfg.clone(),
            drift,
            cluster,
            base,
            real,
            sim,
            events,
        }
    }

    /// Loads of every cell in interval `i`, from the real network or the simulator.
    pub(super) fn loads(&mut self, i: i64, simulator: bool, out: &mut Vec<f64>) {
        let c = &self.cfg.cells;
        let g = if simulator {
            self.sim
                .as_mut()
                .expect("simulator built when a lane needs it")
        } else {
            &mut self.real
        };
        let (hour, weekend) = clock(i);
        let t_days = i as f64 * INTERVAL / MINUTES_PER_DAY;
        let trend = libm::pow(1.0 + c.growth / 100.0, t_days.max(0.0) / 30.0);
        let sigma = c.load_noise;
        out.clear();
        for cell in 0..self.base.len() {
            let k = self.cluster[cell];
            let e = &mut g.eps[cell];
            *e = 0.5 * *e + 0.866 * sigma * g.noise.normal();
            let mut shape = g.profiles[k].at(hour, weekend);
            let mut level = 1.0;
            if !simulator {
                let moved;
                (level, moved) = self.drift.at(cell, t_days);
                if moved > 0.0 {
                    let to = g.profiles[self.drift.to(cell)].at(hour, weekend);
                    shape += moved * (to - shape);
                }
            }
            let mut load =
                self.base[cell] * level * shape * trend * libm::exp(*e - 0.5 * sigma * sigma);
            if !simulator {
                let day = t_days;
                if let Some(d) = c.holiday_day {
                    if k == 0 && day >= d && day < d + 7.0 {
                        load *= 1.0 - c.holiday_drop;
                    }
                }
                if let Some(d) = c.building_day {
                    if cell == 1 && day >= d {
                        load += c.building_load
                            * (0.4 + 0.6 * g.profiles[k].at(hour, weekend).min(1.0));
                    }
                }
                if let Some(d) = c.stadium_day {
                    let h = (day - d) * HOURS_PER_DAY;
                    if k == 3 && (19.0..22.0).contains(&h) {
                        load += c.stadium_load;
                    }
                }
            }
            out.push(load.max(0.0));
        }
    }
}
