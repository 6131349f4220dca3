//! From the seeds' runs to the answer: each value's predicted and real outcome with intervals, the
//! simulator's pick, the true pick, the regret of trusting the simulator, and the refit mode.

use serde_json::{json, Value};

use super::eval::{SeedRun, Tally, View, WINDOWS};
use super::{Knob, Spec};
use crate::base::json::json_num;
use crate::base::metrics::energy_saved_pct;
use crate::base::units::fmt_num;

/// A mean over seeds with its 95% interval (normal approximation, `mean +- 1.96 sd / sqrt(n)`;
/// undefined with one seed).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Figure {
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
}

impl Figure {
    pub fn of(xs: &[f64]) -> Figure {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let half = if xs.len() > 1 {
            let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
            1.96 * (var / n).sqrt()
        } else {
            f64::NAN
        };
        Figure {
            mean,
            lo: mean - half,
            hi: mean + half,
        }
    }

    fn json(&self) -> Value {
        json!({"mean": json_num(self.mean), "lo": json_num(self.lo), "hi": json_num(self.hi)})
    }
}

/// One knob value's outcome in one view, over the seeds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outcome {
    /// Energy saved against the always-on network, percent.
    pub energy_saved_pct: Figure,
    /// Traffic the network could not carry, GB per day.
    pub degraded_gb_day: Figure,
    /// Complaint calls per day.
    pub complaints_day: Figure,
    /// Money saved against the always-on network per day: the energy bill and the complaint calls'
    /// cost ([`crate::domain::network::Network::cost`]).
    pub money_saved_day: Figure,
}

/// The refit mode after observing `days` of live load.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Refit {
    pub days: f64,
    /// Index of the refitted simulator's pick.
    pub sim_pick: usize,
    /// Money per day the refitted pick loses against the true pick.
    pub regret: f64,
    /// Money lost while waiting: the days observed, run on the unrefitted simulator's pick.
    pub waiting_cost: f64,
    /// Each seed's own refitted pick against its own best value, over the seeds.
    pub seed_regret: Figure,
    /// The wait, each seed deciding alone: the days observed times its unrefitted regret, averaged.
    pub seed_waiting_cost: f64,
}

/// The answer of a what-if evaluation at one simulator error.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub knob: Knob,
    pub values: Vec<f64>,
    pub sim_error: f64,
    /// The simulator's bias (`sim_bias`: its daily peaks scaled by `1 + sim_bias`).
    pub sim_bias: f64,
    pub seeds: usize,
    pub predicted: Vec<Outcome>,
    pub real: Vec<Outcome>,
    /// Index of the value the simulator predicts saves the most money.
    pub sim_pick: usize,
    /// Index of the value that truly saves the most money.
    pub true_pick: usize,
    /// Money per day the simulator's pick loses against the true pick (0 when they agree).
    pub regret: f64,
    /// Each seed (a network and its simulator) decided alone: the regret of its simulator's pick
    /// against its own best value, over the seeds.
    pub seed_regret: Figure,
    /// Seeds whose simulator picks another value than their own best.
    pub wrong_seeds: usize,
    pub refit: Vec<Refit>,
}

/// A picture of the network in a seed's run: the simulator at error index `e`, refitted on window
/// index `w` if any.
#[derive(Clone, Copy)]
struct Picture {
    e: usize,
    w: Option<usize>,
}

impl Picture {
    fn of(self, r: &SeedRun) -> Option<&View> {
        match self.w {
            None => r.sim.get(self.e),
            Some(w) => r.refit.get(self.e).and_then(|x| x.get(w)),
        }
    }
}

/// A picture's curve: its prediction (its plans on its own loads, against always-on on its own
/// loads) or the truth (the same plans on the live network, against always-on there).
fn curve(r: &SeedRun, view: &View, truth: bool) -> (Tally, Vec<Tally>) {
    if truth {
        (r.real.always, view.live.clone())
    } else {
        (view.always, view.at.clone())
    }
}

/// Every value's outcome over the seeds, on picture `p`'s prediction or truth.
fn outcomes(runs: &[SeedRun], values: usize, p: Picture, truth: bool) -> Vec<Outcome> {
    let curves: Vec<(f64, (Tally, Vec<Tally>))> = (runs.iter())
        .filter_map(|r| p.of(r).map(|v| (r.days, curve(r, v, truth))))
        .collect();
    (0..values).map(|v| outcome(&curves, v)).collect()
}

/// Summarises `runs` at the simulator error of index `e` (into the errors the runs were made with,
/// whose value is `sim_error`). The real curve is the simulator's plans run on the live network
/// (what deploying each value truly gives), against always-on on the live network.
pub fn summarize(spec: &Spec, runs: &[SeedRun], e: usize, sim_error: f64) -> Summary {
    let n = spec.values.len();
    let sim = Picture { e, w: None };
    let real = outcomes(runs, n, sim, true);
    let predicted = outcomes(runs, n, sim, false);
    let true_pick = best(&real);
    let sim_pick = best(&predicted);
    let money = |o: &[Outcome], k: usize| o[k].money_saved_day.mean;
    let regret = money(&real, true_pick) - money(&real, sim_pick);
    let windows = runs
        .first()
        .and_then(|r| r.refit.get(e))
        .map_or(0, Vec::len);
    let alone =
        |p: Picture| -> Vec<f64> { (runs.iter()).map(|r| seed_regret(r, p.of(r), n)).collect() };
    let per_seed = alone(sim);
    let refit = (0..windows)
        .map(|w| {
            let p = Picture { e, w: Some(w) };
            let pick = best(&outcomes(runs, n, p, false));
            let real_w = outcomes(runs, n, p, true);
            let regret = money(&real_w, best(&real_w)) - money(&real_w, pick);
            let days = WINDOWS[w.min(WINDOWS.len() - 1)];
            Refit {
                days,
                sim_pick: pick,
                regret,
                waiting_cost: days * regret,
                seed_regret: Figure::of(&alone(p)),
                seed_waiting_cost: days * Figure::of(&per_seed).mean,
            }
        })
        .collect();
    Summary {
        knob: spec.knob,
        values: spec.values.clone(),
        sim_error,
        sim_bias: spec.cfg.cells.sim_bias,
        seeds: runs.len(),
        predicted,
        real,
        sim_pick,
        true_pick,
        regret,
        seed_regret: Figure::of(&per_seed),
        wrong_seeds: per_seed.iter().filter(|&&r| r != 0.0).count(),
        refit,
    }
}

/// One seed decided alone on the picture `view`: the real money of its plan at its own best value
/// minus at the value the picture predicts best.
fn seed_regret(r: &SeedRun, view: Option<&View>, values: usize) -> f64 {
    let Some(view) = view else {
        return f64::NAN;
    };
    let one = |truth: bool| -> Vec<Outcome> {
        let c = [(r.days, curve(r, view, truth))];
        (0..values).map(|k| outcome(&c, k)).collect()
    };
    let real = one(true);
    let money = |k: usize| real[k].money_saved_day.mean;
    money(best(&real)) - money(best(&one(false)))
}

/// Value `v`'s outcome over the seeds' curves (days, always-on and one tally per value).
fn outcome(curves: &[(f64, (Tally, Vec<Tally>))], v: usize) -> Outcome {
    let (mut saved, mut gb, mut calls, mut money) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (days, (always, at)) in curves {
        let at = at.get(v).copied().unwrap_or_default();
        let days = days.max(f64::MIN_POSITIVE);
        saved.push(energy_saved_pct(always.kwh, at.kwh));
        gb.push(at.degraded_gb / days);
        calls.push(at.complaints / days);
        money.push((always.cost - at.cost) / days);
    }
    Outcome {
        energy_saved_pct: Figure::of(&saved),
        degraded_gb_day: Figure::of(&gb),
        complaints_day: Figure::of(&calls),
        money_saved_day: Figure::of(&money),
    }
}

/// The value saving the most money on average (the first of equals); undefined means count last.
fn best(outcomes: &[Outcome]) -> usize {
    let m = |o: &Outcome| {
        let x = o.money_saved_day.mean;
        if x.is_finite() {
            x
        } else {
            f64::NEG_INFINITY
        }
    };
    (0..outcomes.len())
        .fold(None, |b: Option<usize>, i| match b {
            Some(j) if m(&outcomes[j]) >= m(&outcomes[i]) => Some(j),
            _ => Some(i),
        })
        .unwrap_or(0)
}

/// The JSON of `rtml whatif --json`: `knob`, `values`, `predicted`, `real` (per value, each figure's
/// `mean`, `lo`, `hi`), `sim_pick`, `true_pick` (values), `regret` (money per day); `refit` only in
/// the refit mode.
pub fn to_json(s: &Summary) -> Value {
    let outcomes = |o: &[Outcome]| -> Value {
        o.iter()
            .map(|o| {
                json!({
                    "energy_saved_pct": o.energy_saved_pct.json(),
                    "degraded_gb_day": o.degraded_gb_day.json(),
                    "complaints_day": o.complaints_day.json(),
                    "money_saved_day": o.money_saved_day.json(),
                })
            })
            .collect()
    };
    let mut j = json!({
        "knob": s.knob.name(),
        "values": s.values.iter().map(|&v| json_num(v)).collect::<Vec<_>>(),
        "predicted": outcomes(&s.predicted),
        "real": outcomes(&s.real),
        "sim_pick": json_num(s.values[s.sim_pick]),
        "true_pick": json_num(s.values[s.true_pick]),
        "regret": json_num(s.regret),
    });
    if !s.refit.is_empty() {
        j["refit"] = (s.refit.iter())
            .map(|r| {
                json!({"days": json_num(r.days), "sim_pick": json_num(s.values[r.sim_pick]),
                    "regret": json_num(r.regret), "waiting_cost": json_num(r.waiting_cost)})
            })
            .collect();
    }
    j
}

/// What the page shows: [`to_json`] plus the simulator error, the seeds, and each seed deciding
/// alone (its regret over the seeds, how many seeds the simulator led astray; per refit window too).
pub fn page_json(s: &Summary) -> Value {
    let mut j = to_json(s);
    j["sim_error"] = json_num(s.sim_error);
    j["sim_bias"] = json_num(s.sim_bias);
    // The slider's step and how the page writes it.
    j["step"] = json!((s.sim_error * 10.0).round() as u32);
    j["error_label"] = json!(format!("{}%", (s.sim_error * 100.0).round()));
    j["seeds"] = json!(s.seeds);
    j["seed_regret"] = s.seed_regret.json();
    j["wrong_seeds"] = json!(s.wrong_seeds);
    let labels: Vec<String> = s.values.iter().map(|&v| fmt_num(v)).collect();
    j["sim_pick_label"] = json!(labels[s.sim_pick]);
    j["true_pick_label"] = json!(labels[s.true_pick]);
    j["labels"] = json!(labels);
    if let Some(refit) = j["refit"].as_array_mut() {
        for (r, x) in s.refit.iter().zip(refit) {
            x["observed"] = json!(observed(r.days));
            x["seed_regret"] = r.seed_regret.json();
            x["seed_waiting_cost"] = json_num(r.seed_waiting_cost);
        }
    }
    j
}

/// How much live load was observed: "no refit", "1 day", "1 week", "4 weeks", "3 days".
pub fn observed(days: f64) -> String {
    if days <= 0.0 {
        "no refit".into()
    } else if days % 7.0 == 0.0 {
        let w = days / 7.0;
        format!("{} week{}", fmt_num(w), if w == 1.0 { "" } else { "s" })
    } else {
        format!(
            "{} day{}",
            fmt_num(days),
            if days == 1.0 { "" } else { "s" }
        )
    }
}
