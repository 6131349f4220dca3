//! The what-if evaluation on the study contract (its job, one seed per task, the report at the
//! slider's step), apart from `studies.rs` only to keep files short.

use serde::{Deserialize, Serialize};

use super::super::{cost, whatif, Figure, Json, Report, Study, Table};
use super::{by_seed, fig, SeedTask};
use crate::base::echo::counted;
use crate::base::money;
use crate::domain::cost::Cost;
use crate::sim::config::Config;

// ----- The what-if evaluation ------------------------------------------------------------------

/// The what-if: each value of a sleep-policy knob, predicted and real, over seeds.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WhatIfJob {
    pub config: Config,
    pub knob: String,
    pub values: String,
    pub seeds: u32,
    /// The page's slider: every simulator error from 0 to 1 by 0.1 computed at once (and every refit
    /// window), reported at `step`; otherwise the configuration's own error only.
    pub slider: bool,
    pub step: usize,
    /// With the refit on live load.
    pub refit: bool,
}

impl WhatIfJob {
    pub fn spec(&self) -> Result<whatif::Spec, String> {
        whatif::Spec::new(self.config.clone(), &self.knob, &self.values, self.seeds)
    }
}

/// The what-if evaluation (`rtml whatif`, the page's what-if panel).
pub struct WhatIf;

impl Study for WhatIf {
    type Job = WhatIfJob;
    type Task = SeedTask;
    type Part = whatif::SeedRun;

    fn tasks(job: &WhatIfJob, _workers: usize) -> Result<Vec<SeedTask>, String> {
        Ok(job
            .spec()?
            .seed_list()
            .into_iter()
            .map(|seed| SeedTask { seed })
            .collect())
    }

    fn cost(job: &WhatIfJob, at_once: usize) -> Result<Cost, String> {
        let spec = job.spec()?;
        let windows = if job.refit { whatif::WINDOWS.len() } else { 0 };
        // The page's slider: every simulator error at once, each refitted on every window.
        let views = if job.slider {
            1 + whatif::PAGE_ERRORS * (1 + whatif::WINDOWS.len())
        } else {
            2 + windows
        };
        Ok(cost::whatif(&spec, views, at_once))
    }

    fn run(job: &WhatIfJob, task: &SeedTask) -> Result<whatif::SeedRun, String> {
        let spec = job.spec()?;
        Ok(if job.slider {
            whatif::page_run(&spec, task.seed)
        } else {
            let windows: &[f64] = if job.refit { &whatif::WINDOWS } else { &[] };
            whatif::run_seed(&spec, task.seed, &[spec.cfg.cells.sim_error], windows)
        })
    }

    fn report(job: &WhatIfJob, parts: &[whatif::SeedRun]) -> Result<Report, String> {
        let spec = job.spec()?;
        let runs = by_seed(parts, |r| r.seed);
        if runs.is_empty() {
            return Err("no seed has run yet".into());
        }
        let (s, json) = if job.slider {
            let s = whatif::page_summary(&spec, &runs, job.step, job.refit);
            let j = Json::Value(whatif::page_json(&s));
            (s, j)
        } else {
            let s = whatif::summarize(&spec, &runs, 0, spec.cfg.cells.sim_error);
            let j = Json::Value(whatif::to_json(&s));
            (s, j)
        };
        let (predicted, real) = (
            format!("Predicted saved, {}", money::per("day")),
            format!("Real saved, {}", money::per("day")),
        );
        let mut table = Table::new(
            &[
                s.knob.name(),
                &predicted,
                &real,
                "Predicted energy saved",
                "Real energy saved",
                "Predicted complaint calls/day",
                "Real complaint calls/day",
                "Pick",
            ],
            &["", "", "", "", "", "", "", ""],
        );
        for (i, v) in s.values.iter().enumerate() {
            let (p, r) = (&s.predicted[i], &s.real[i]);
            let marks: Vec<&str> = [
                (i == s.sim_pick, "simulator's pick"),
                (i == s.true_pick, "best"),
            ]
            .into_iter()
            .filter_map(|(on, t)| on.then_some(t))
            .collect();
            table.rows.push(vec![
                crate::base::units::fmt_num(*v),
                fig(p.money_saved_day.mean),
                fig(r.money_saved_day.mean),
                format!("{}%", fig(p.energy_saved_pct.mean)),
                format!("{}%", fig(r.energy_saved_pct.mean)),
                fig(p.complaints_day.mean),
                fig(r.complaints_day.mean),
                marks.join(", "),
            ]);
        }
        let words = whatif_words(&s);
        Ok(Report {
            json,
            table,
            words,
            details: Vec::new(),
            strip: None,
            marks: Vec::new(),
            figure: Figure::WhatIf(Box::new(s)),
        })
    }

    /// A seed's run depends on everything but the step shown (and, on the slider, the refit shown).
    fn run_key(job: &WhatIfJob, task: &SeedTask) -> String {
        let refit = job.refit && !job.slider;
        let (c, k, v) = (&job.config, &job.knob, &job.values);
        format!("{c:?}|{k}|{v}|{}|{refit}|{}", job.slider, task.seed)
    }
}

/// The what-if in words: the two picks, what trusting the simulator costs, each seed deciding
/// alone, and each refit.
fn whatif_words(s: &whatif::Summary) -> Vec<String> {
    let label = |i: usize| crate::base::units::fmt_num(s.values[i]);
    let bias = match s.sim_bias {
        b if b < 0.0 => format!(" and its peaks {}% low (optimistic)", (-b * 100.0).round()),
        b if b > 0.0 => format!(" and its peaks {}% high (pessimistic)", (b * 100.0).round()),
        _ => String::new(),
    };
    let mut t = format!(
        "With the simulator's profiles {}% off{bias}, it picks {} {}; its day-ahead plans truly do best at {}",
        (s.sim_error * 100.0).round(),
        s.knob.name(),
        label(s.sim_pick),
        label(s.true_pick)
    );
    if s.regret > 0.0 {
        let best = s.real[s.true_pick].money_saved_day.mean;
        t += &format!(
            ", so trusting the simulator costs {} a day (averaged over {})",
            money::amount(s.regret, 3),
            counted(s.seeds, "seed")
        );
        if best > 0.0 {
            t += &format!(
                ", {}% of the {} the best plan saves",
                (100.0 * s.regret / best).round(),
                money::amount(best, 2)
            );
        }
        t += ".";
    } else {
        t += &format!(
            ": the picks agree (averaged over {}).",
            counted(s.seeds, "seed")
        );
    }
    let mut words = vec![t];
    words.push(format!(
        "Each seed deciding alone, the simulator picks wrong on {} of {}, costing {} a day on average.",
        s.wrong_seeds,
        s.seeds,
        money::amount(s.seed_regret.mean, 3)
    ));
    for r in &s.refit {
        words.push(format!(
            "Refitted on {} of live load: {} a day per seed (the wait cost {}).",
            whatif::observed(r.days),
            money::amount(r.seed_regret.mean, 3),
            money::amount(r.seed_waiting_cost, 3)
        ));
    }
    words
}
