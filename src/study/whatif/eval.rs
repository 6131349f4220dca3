//! One seed of a what-if evaluation: the live network's loads, the simulator's view of them (at each
//! simulator error asked for, plain and refitted), and each knob value's outcome in each view.

use serde::{Deserialize, Serialize};

use super::Spec;
use crate::domain::network::Sleeper;
use crate::sim::cells::probe::{slot, Probe, Shapes, SLOTS};
use crate::sim::cells::{network, GB_PER_CELL_INTERVAL, INTERVAL};
use crate::sim::config::Config;

/// Days of live load the refit may observe before the decision: a day, a week, four weeks.
pub const WINDOWS: [f64; 3] = [1.0, 7.0, 28.0];
/// Days of live load before the horizon that every run generates (the longest window), so the
/// horizon's loads are the same whichever window is refitted.
const OBSERVED_DAYS: usize = 28;
/// The refit averages each slot with this many slots either side (30 minutes each way).
const SMOOTH: i64 = 2;
/// The simulator's own shape counts as this many observations in the refit (it dominates until
/// the data outweighs it).
const PRIOR: f64 = 4.0;

/// Energy drawn, traffic degraded, complaint calls and money over the horizon.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    pub kwh: f64,
    pub degraded_gb: f64,
    pub complaints: f64,
    /// The energy bill plus the complaint calls' cost ([`crate::domain::network::Network::cost`]).
    pub cost: f64,
}

/// One picture of the network (live, simulated, refitted) under every knob value, with its
/// always-on reference: the day-ahead plan made on this picture, as this picture predicts it and
/// as it truly does on the live network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct View {
    /// Every cell awake on this picture's loads, under the configuration's own settings: what
    /// "saved" is predicted from.
    pub always: Tally,
    /// Per knob value, the plan made on this picture, run on its loads (the prediction).
    pub at: Vec<Tally>,
    /// Per knob value, the same plan run on the live network (what deploying it truly gives).
    pub live: Vec<Tally>,
}

/// What one seed gives: the live network and the simulator's views.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedRun {
    pub seed: u32,
    /// Days of the horizon (money is counted per day).
    pub days: f64,
    pub real: View,
    /// Per simulator error asked for: the simulator's prediction.
    pub sim: Vec<View>,
    /// Per simulator error, per refit window ([`WINDOWS`]): the prediction of the simulator refitted
    /// on that much live load.
    pub refit: Vec<Vec<View>>,
}

/// Evaluates seed `seed` of `spec` at each simulator error of `errors`, refitting on each window of
/// `windows` (days, up to 28).
pub fn run_seed(spec: &Spec, seed: u32, errors: &[f64], windows: &[f64]) -> SeedRun {
    let mut cfg = spec.cfg.clone();
    cfg.seed = seed;
    let mut probe = Probe::new(&cfg);
    let n = probe.cells();
    let end = (cfg.horizon_min() / INTERVAL).ceil().max(1.0) as i64;
    let first = -((OBSERVED_DAYS * SLOTS) as i64);
    let mut loads = Vec::with_capacity((end - first) as usize * n);
    let mut buf = Vec::with_capacity(n);
    for i in first..end {
        probe.live(i, &mut buf);
        loads.extend_from_slice(&buf);
    }
    let (observed, horizon) = loads.split_at(OBSERVED_DAYS * SLOTS * n);
    let live = probe.shapes();
    let ev = Eval {
        spec,
        probe: &probe,
        cfg: &cfg,
        horizon,
        live: &live,
    };
    let bias = cfg.cells.sim_bias;
    let sim: Vec<Shapes> = errors.iter().map(|&e| probe.sim_shapes(e, bias)).collect();
    SeedRun {
        seed,
        days: cfg.days,
        real: ev.view(&live),
        sim: sim.iter().map(|s| ev.view(s)).collect(),
        refit: (sim.iter())
            .map(|s| {
                (windows.iter())
                    .map(|&w| ev.view(&refit(&probe, observed, w, s)))
                    .collect()
            })
            .collect(),
    }
}

/// `view / live`, slot by slot: how the simulator scales each live load.
fn ratio(view: &Shapes, live: &Shapes) -> Shapes {
    (view.iter().zip(live))
        .map(|(v, l)| {
            [0, 1].map(|w| {
                (v[w].iter().zip(&l[w]))
                    .map(|(a, b)| if *b > 0.0 { a / b } else { 1.0 })
                    .collect()
            })
        })
        .collect()
}

/// The simulator's shapes refitted on the last `days` of `observed` live load (the intervals just
/// before the horizon): per cluster, weekday or weekend and slot, the mean of `load / base` over the
/// cluster's cells and the slots around it, shrunk toward the simulator's own shape by [`PRIOR`]
/// observations (a slot never observed keeps the simulator's shape).
fn refit(probe: &Probe, observed: &[f64], days: f64, prior: &Shapes) -> Shapes {
    let n = probe.cells();
    let total = observed.len() / n;
    let take = ((days.clamp(0.0, OBSERVED_DAYS as f64) * SLOTS as f64).round() as usize).min(total);
    let mut sum = vec![[[0.0f64; SLOTS]; 2]; prior.len()];
    let mut count = vec![[[0.0f64; SLOTS]; 2]; prior.len()];
    for j in total - take..total {
        let (s, we) = slot(j as i64 - total as i64);
        for (cell, &load) in observed[j * n..(j + 1) * n].iter().enumerate() {
            let k = probe.cluster(cell);
            sum[k][we][s] += load / probe.base(cell);
            count[k][we][s] += 1.0;
        }
    }
    (prior.iter().enumerate())
        .map(|(k, p)| {
            [0, 1].map(|we| {
                (0..SLOTS as i64)
                    .map(|s| {
                        let at = |d: i64| (s + d).rem_euclid(SLOTS as i64) as usize;
                        let (y, c) = (-SMOOTH..=SMOOTH).fold((0.0, 0.0), |(y, c), d| {
                            (y + sum[k][we][at(d)], c + count[k][we][at(d)])
                        });
                        (y + PRIOR * p[we][s as usize]) / (c + PRIOR)
                    })
                    .collect()
            })
        })
        .collect()
}

/// A day-ahead sleep plan: per weekday or weekend (0, 1), per slot of the day, which boosters sleep.
type Plan = [Vec<Vec<bool>>; 2];

/// The horizon's live loads and what a view needs to plan and run the policy on them.
struct Eval<'a> {
    spec: &'a Spec,
    probe: &'a Probe,
    cfg: &'a Config,
    horizon: &'a [f64],
    /// The live network's daily shapes.
    live: &'a Shapes,
}

impl Eval<'_> {
    /// Every value's plan made on the picture whose daily shapes are `shapes`, run on that
    /// picture's loads (the live loads scaled slot by slot by `shapes / live`) and on the live ones.
    fn view(&self, shapes: &Shapes) -> View {
        let scale = ratio(shapes, self.live);
        let mut v = View {
            always: self.tally(Some(&scale), self.cfg, None),
            at: Vec::new(),
            live: Vec::new(),
        };
        for &value in &self.spec.values {
            let cfg = self.spec.config(self.cfg.seed, value);
            let plan = self.plan(shapes, &cfg);
            let live = self.tally(None, &cfg, Some(&plan));
            // The live picture predicts what its plan truly does.
            let at = if std::ptr::eq(shapes, self.live) {
                live
            } else {
                self.tally(Some(&scale), &cfg, Some(&plan))
            };
            v.at.push(at);
            v.live.push(live);
        }
        v
    }

    /// The day-ahead plan on daily shapes `shapes` under `cfg`'s settings: in each slot, the
    /// interlock ([`crate::domain::network::Network::decide`]) on the loads the shapes make
    /// expected (each booster's base load times its cluster's shape), with the threshold as the
    /// level; no coverage cell is expected past the wake limit (the plan cannot know it).
    fn plan(&self, shapes: &Shapes, cfg: &Config) -> Plan {
        let n = self.probe.cells();
        let net = network(cfg);
        let members = self.probe.members();
        let idle = vec![0.0; members.len()];
        let mut expected = vec![0.0; n];
        [0, 1].map(|we| {
            (0..SLOTS)
                .map(|s| {
                    for (cell, e) in expected.iter_mut().enumerate() {
                        let k = self.probe.cluster(cell);
                        *e = self.probe.base(cell) * shapes[k][we][s];
                    }
                    let mut sleep = vec![false; n];
                    net.decide_all(members, &expected, cfg.cells.threshold, &idle, &mut sleep);
                    sleep
                })
                .collect()
        })
    }

    /// A plan (none: always on) over the horizon under `cfg`'s settings, on the live loads scaled
    /// by `scale` (none: the live network): each booster sleeps as planned, unless its coverage
    /// cell passed the wake limit ([`crate::domain::network::Network::follow`]); a booster that
    /// wakes sends its traffic to the coverage cell for the wake-up.
    fn tally(&self, scale: Option<&Shapes>, cfg: &Config, plan: Option<&Plan>) -> Tally {
        let n = self.probe.cells();
        let net = network(cfg);
        let members = self.probe.members();
        let mut st = Sleeper::new(n, members.len());
        let (mut loads, mut sleep, mut held) = (vec![0.0; n], vec![false; n], vec![false; n]);
        let mut t = Tally::default();
        for (i, live) in self.horizon.chunks_exact(n).enumerate() {
            let (s, we) = slot(i as i64);
            for cell in 0..n {
                let f = scale.map_or(1.0, |r| r[self.probe.cluster(cell)][we][s]);
                loads[cell] = live[cell] * f;
            }
            if let Some(p) = plan {
                net.follow(members, &p[we][s], &st, &mut held, &mut sleep);
            }
            let o = net.step(members, &mut st, &sleep, &loads).outcome;
            t.kwh += net.kwh(&o);
            t.degraded_gb += o.degraded * GB_PER_CELL_INTERVAL;
            t.complaints += net.complaints(&o);
            t.cost += net.cost(&o);
        }
        t
    }
}
