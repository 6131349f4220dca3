//! The claims each preset's caption makes, as checks on one finished run: the page counts in how
//! many seeds each held (`study::spread`); `tests/lessons.rs` checks that each holds on at least 9
//! of 10 seeds of every block (a claim worded "in most runs": 6 of 10), `tests/claims.rs` that each
//! fails on at least 9 of 10 seeds of a run built to break it (lanes swapped, a knob flipped). Claims a
//! caption makes only on average are checked in `tests/lessons.rs`. `cells-what-if` has none here:
//! its caption is about the what-if evaluation, checked over seeds by `tests/whatif.rs`.
//!
//! A check returns `None` when it does not apply (the run has fewer lanes than the claim names).

use crate::base::units::MINUTES_PER_DAY;

/// Whether a claim held as often as the captions promise: on 9 of 10 seeds, or 6 of 10 for a claim
/// worded "in most runs" (what `tests/lessons.rs` checks; the page marks a claim that fell short).
pub fn held_enough(claim: &str, held: usize, of: usize) -> bool {
    let share = if claim.contains("in most runs") { 6 } else { 9 };
    of > 0 && held * 10 >= of * share
}
use crate::sim::experiment::{Experiment, LaneSummary};

/// One claim of a caption, checked on one run.
pub struct Claim {
    /// The claim in a few words, as the page shows it next to its count.
    pub text: &'static str,
    pub holds: fn(&Experiment, &[LaneSummary]) -> Option<bool>,
}

/// Lane `l`'s summary figure `key`.
fn get(s: &[LaneSummary], l: usize, key: &str) -> Option<f64> {
    s.get(l)?.get(key)
}

/// Figure `key` of lanes `0..n`, `None` if a lane is missing.
fn lanes(s: &[LaneSummary], n: usize, key: &str) -> Option<Vec<f64>> {
    (0..n).map(|l| get(s, l, key)).collect()
}

/// Mean of lane `l`'s windowed metric `key` over days `from..to` (undefined buckets left out).
pub fn mean_over(exp: &Experiment, l: usize, key: &str, from: f64, to: f64) -> Option<f64> {
    if l >= exp.config().lanes.len() {
        return None;
    }
    let bucket_days = exp.series().bucket_min / MINUTES_PER_DAY;
    let v: Vec<f64> = exp
        .windowed(l, key)
        .into_iter()
        .enumerate()
        .filter(|(b, _)| (from..to).contains(&(*b as f64 * bucket_days)))
        .map(|(_, v)| v)
        .filter(|v| v.is_finite())
        .collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

fn means(exp: &Experiment, key: &str, from: f64, to: f64) -> Option<Vec<f64>> {
    (0..3).map(|l| mean_over(exp, l, key, from, to)).collect()
}

static BATCH_VS_ONLINE: &[Claim] = &[
    Claim {
        text: "online (B) shows better ads than batch (A): expected CTR over 15% higher",
        holds: |_, s| Some(get(s, 1, "expected_ctr")? > 1.15 * get(s, 0, "expected_ctr")?),
    },
    Claim {
        text: "continual (C) predicts clicks a little better than B: normalised entropy lower, by under 2%",
        holds: |_, s| {
            let (b, c) = (get(s, 1, "ne")?, get(s, 2, "ne")?);
            Some(c < b && c > 0.98 * b)
        },
    },
    Claim {
        text: "C's CTR is about B's (within 5%)",
        holds: |_, s| {
            let (b, c) = (get(s, 1, "expected_ctr")?, get(s, 2, "expected_ctr")?);
            Some((c - b).abs() < 0.05 * b)
        },
    },
];

/// Shared by the drift lessons: the frozen model (lane A) loses the most clicks.
const A_LOSES_MOST: Claim = Claim {
    text: "the frozen model (A) loses the most clicks",
    holds: |_, s| {
        let r = lanes(s, 3, "regret")?;
        Some(r[0] > r[1] && r[0] > r[2])
    },
};

static DRIFT: &[Claim] = &[
    A_LOSES_MOST,
    Claim {
        text: "A never recovers: days 11 to 14 worse than before the shift, and over 1.5 times B's and C's",
        holds: |e, _| {
            let (before, late) = (means(e, "regret_pct", 3.0, 7.0)?, means(e, "regret_pct", 11.0, 14.0)?);
            Some(late[0] > before[0] && late[0] > 1.5 * late[1].max(late[2]))
        },
    },
    Claim {
        text: "the daily retrain (B) catches up with C by days 11 to 14",
        holds: |e, _| {
            let late = means(e, "regret_pct", 11.0, 14.0)?;
            Some(late[1] < 1.25 * late[2] + 0.5)
        },
    },
    Claim {
        text: "on the day of the shift, C loses fewer clicks than B (in most runs)",
        holds: |e, _| {
            let day = means(e, "regret_pct", 7.0, 8.0)?;
            Some(day[2] < day[1])
        },
    },
];

static NEW_CAMPAIGNS: &[Claim] = &[Claim {
    text: "clicks lost: weekly (A) > daily (B) > continual (C)",
    holds: |_, s| {
        let r = lanes(s, 3, "regret")?;
        Some(r[2] < r[1] && r[1] < r[0])
    },
}];

static LABEL_DELAY: &[Claim] = &[
    Claim {
        text: "a 10-minute window (A) under-predicts: calibration below 0.5",
        holds: |_, s| Some(get(s, 0, "calibration")? < 0.5),
    },
    Claim {
        text: "a one-day window (B) over-predicts: calibration above 1.15",
        holds: |_, s| Some(get(s, 1, "calibration")? > 1.15),
    },
    Claim {
        text: "a few hours (C) stays near calibrated (within 0.25 of 1)",
        holds: |_, s| Some((get(s, 2, "calibration")? - 1.0).abs() < 0.25),
    },
    Claim {
        text: "C shows better ads than B (fewer clicks lost)",
        holds: |_, s| Some(get(s, 2, "regret")? < get(s, 1, "regret")?),
    },
];

static SLEEP: &[Claim] = &[
    Claim {
        text: "always-on (A) saves nothing",
        holds: |_, s| Some(get(s, 0, "energy_saved_pct")? == 0.0),
    },
    Claim {
        text: "the forecaster (C) costs less than always-on (A)",
        holds: |_, s| Some(get(s, 2, "cost")? < get(s, 0, "cost")?),
    },
    Claim {
        text: "C saves a sixth to a quarter of the energy (15% to 28%)",
        holds: |_, s| Some((15.0..28.0).contains(&get(s, 2, "energy_saved_pct")?)),
    },
    Claim {
        text: "C saves between half a euro a day less and 1.5 euros a day more than the rule (B)",
        holds: |_, s| Some((-0.5..1.5).contains(&get(s, 2, "over_rule_day")?)),
    },
    Claim {
        text: "the oracle (D) costs no more than any lane",
        holds: |_, s| {
            let c = lanes(s, 4, "cost")?;
            Some(c.iter().all(|&x| c[3] <= x + 1e-9))
        },
    },
];

static SIM_GAP: &[Claim] = &[
    Claim {
        text: "the simulator gap is visible: A's error over 4% above C's",
        holds: |_, s| Some(get(s, 0, "mae")? > 1.04 * get(s, 2, "mae")?),
    },
    Claim {
        text: "the simulator-trained B still errs more than C, trained on live data",
        holds: |_, s| {
            let m = lanes(s, 3, "mae")?;
            Some(m[1] > m[2])
        },
    },
    Claim {
        text: "in the second week, B (learning from live data) errs less than frozen A",
        holds: |e, _| {
            let m = means(e, "mae", 7.0, 14.0)?;
            Some(m[1] < m[0])
        },
    },
];

static HOLIDAY: &[Claim] = &[
    Claim {
        text: "in the holiday, frozen (A) and continual (B) save alike (within 1.5 points)",
        holds: |e, _| {
            let hol = means(e, "energy_saved_pct", 7.0, 14.0)?;
            Some((hol[0] - hol[1]).abs() < 1.5)
        },
    },
    Claim {
        text: "daily batch forecasts (C) save less than half of B's money",
        holds: |_, s| Some(get(s, 2, "saved_day")? < 0.5 * get(s, 1, "saved_day")?),
    },
];

/// The claims of preset `name`'s caption (none for a name without checked claims).
pub fn claims(name: &str) -> &'static [Claim] {
    match name {
        "ads-batch-vs-online" => BATCH_VS_ONLINE,
        "ads-drift" => DRIFT,
        "ads-new-campaigns" => NEW_CAMPAIGNS,
        "ads-label-delay" => LABEL_DELAY,
        "cells-sleep" => SLEEP,
        "cells-sim-gap" => SIM_GAP,
        "cells-holiday" => HOLIDAY,
        name => lesson_claims(name),
    }
}

// Issue 15, "a lesson for every knob": the claims of the presets added for it.

/// Sum of lane `l`'s windowed count `key` (e.g. retrains) over days `from..to`.
fn sum_over(exp: &Experiment, l: usize, key: &str, from: f64, to: f64) -> Option<f64> {
    if l >= exp.config().lanes.len() {
        return None;
    }
    let bucket_days = exp.series().bucket_min / MINUTES_PER_DAY;
    let w = exp.windowed(l, key);
    let days = (0..w.len()).map(|b| b as f64 * bucket_days);
    Some(
        w.iter()
            .zip(days)
            .filter(|(v, d)| v.is_finite() && (from..to).contains(d))
            .map(|(v, _)| v)
            .sum(),
    )
}

static STATELESS_VS_STATEFUL: &[Claim] = &[
    Claim {
        text: "from scratch daily (A) does over ten times B's training work",
        holds: |_, s| Some(get(s, 0, "training_updates")? > 10.0 * get(s, 1, "training_updates")?),
    },
    Claim {
        text: "A and B lose clicks within 10% of each other",
        holds: |_, s| {
            let (a, b) = (get(s, 0, "regret")?, get(s, 1, "regret")?);
            Some((a - b).abs() < 0.1 * b)
        },
    },
    Claim {
        text: "weekly from scratch (C) does about B's work (within 20%)",
        holds: |_, s| {
            let (b, c) = (
                get(s, 1, "training_updates")?,
                get(s, 2, "training_updates")?,
            );
            Some((c - b).abs() < 0.2 * b)
        },
    },
    Claim {
        text: "C loses more clicks than B",
        holds: |_, s| Some(get(s, 2, "regret")? > get(s, 1, "regret")?),
    },
];

static TRIGGERED: &[Claim] = &[
    Claim {
        text: "the detector (B) fires at least 5 times in the week before the shift",
        holds: |e, _| Some(sum_over(e, 1, "retrains", 0.0, 7.0)? >= 5.0),
    },
    Claim {
        text: "B retrains more often than the daily clock (C)",
        holds: |_, s| Some(get(s, 1, "retrains")? > get(s, 2, "retrains")?),
    },
    Claim {
        text: "the weekly retrain (A) loses the most clicks",
        holds: |_, s| {
            let r = lanes(s, 3, "regret")?;
            Some(r[0] > r[1] && r[0] > r[2])
        },
    },
];

static GRADUAL: &[Claim] = &[
    A_LOSES_MOST,
    Claim {
        text: "A falls further behind continual learning (C): the gap in share of clicks lost is wider in days 10 to 14 than in days 0 to 3",
        holds: |e, _| {
            let gap = |from, to| {
                Some(mean_over(e, 0, "regret_pct", from, to)? - mean_over(e, 2, "regret_pct", from, to)?)
            };
            Some(gap(10.0, 14.0)? > gap(0.0, 3.0)?)
        },
    },
    Claim {
        text:
            "the daily retrain (B) wins back over two thirds of what A loses beyond continual (C)",
        holds: |_, s| {
            let r = lanes(s, 3, "regret")?;
            Some(r[0] - r[1] > 2.0 / 3.0 * (r[0] - r[2]))
        },
    },
];

static CLUSTERS: &[Claim] = &[
    Claim {
        text: "on the first day, one model per cell (C) errs more than one per cluster (B)",
        holds: |e, _| {
            let d = means(e, "mae", 0.0, 1.0)?;
            Some(d[2] > d[1])
        },
    },
    Claim {
        text: "on the first day, the cluster models (B) err less than one network model (A) in most runs",
        holds: |e, _| {
            let d = means(e, "mae", 0.0, 1.0)?;
            Some(d[1] < d[0])
        },
    },
    Claim {
        text: "in the second week, C errs less than B",
        holds: |e, _| {
            let w = means(e, "mae", 7.0, 14.0)?;
            Some(w[2] < w[1])
        },
    },
];

static EVENTS: &[Claim] = &[
    Claim {
        text: "before the building, frozen (A) and continual (C) err alike (within 3%)",
        holds: |e, _| {
            let (a, c) = (
                mean_over(e, 0, "mae", 0.0, 3.0)?,
                mean_over(e, 2, "mae", 0.0, 3.0)?,
            );
            Some((a - c).abs() < 0.03 * c)
        },
    },
    Claim {
        text: "after it (days 4 to 14), A errs over 10% more than C",
        holds: |e, _| {
            Some(mean_over(e, 0, "mae", 4.0, 14.0)? > 1.1 * mean_over(e, 2, "mae", 4.0, 14.0)?)
        },
    },
    Claim {
        text: "on the stadium day, daily forecasts (B) save less money than A and C",
        holds: |e, _| {
            let u = means(e, "saved_day", 10.0, 11.0)?;
            Some(u[1] < u[0].min(u[2]))
        },
    },
    Claim {
        text: "on the stadium day, A saves as much money as C (within 10%)",
        holds: |e, _| {
            let u = means(e, "saved_day", 10.0, 11.0)?;
            Some((u[0] - u[2]).abs() < 0.1 * u[2].abs())
        },
    },
];

static EXPLORE: &[Claim] = &[
    Claim {
        text: "the price first: on the first day, exploring 2% (B) loses more clicks than never exploring (A)",
        holds: |e, _| {
            let day = means(e, "regret_pct", 0.0, 1.0)?;
            Some(day[1] > day[0])
        },
    },
    Claim {
        text: "in days 28 to 42, A loses a larger share of clicks than B",
        holds: |e, _| {
            let late = means(e, "regret_pct", 28.0, 42.0)?;
            Some(late[0] > late[1])
        },
    },
    Claim {
        text: "over the six weeks, B loses fewer clicks than A",
        holds: |_, s| Some(get(s, 1, "regret")? < get(s, 0, "regret")?),
    },
    Claim {
        text: "exploring 20% (C) loses the most clicks",
        holds: |_, s| {
            let r = lanes(s, 3, "regret")?;
            Some(r[2] > r[0] && r[2] > r[1])
        },
    },
];

/// The claims of the presets of issue 15's lessons.
fn lesson_claims(name: &str) -> &'static [Claim] {
    match name {
        "ads-stateless-vs-stateful" => STATELESS_VS_STATEFUL,
        "ads-triggered" => TRIGGERED,
        "ads-gradual" => GRADUAL,
        "ads-explore" => EXPLORE,
        "cells-clusters" => CLUSTERS,
        "cells-events" => EVENTS,
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::presets::PRESETS;

    #[test]
    fn every_preset_but_the_what_if_has_claims_and_a_short_run_can_check_them_without_panicking() {
        for p in PRESETS {
            assert_eq!(
                claims(p.name).is_empty(),
                p.name == "cells-what-if",
                "{}",
                p.name
            );
            // One lane only: every claim that names another lane does not apply.
            let mut cfg = p.config();
            cfg.days = 1.0;
            cfg.warmup = 1.0;
            cfg.lanes.truncate(1);
            let mut exp = Experiment::new(cfg).unwrap();
            exp.run_to_end();
            let s = exp.summary();
            for c in claims(p.name) {
                let r = (c.holds)(&exp, &s);
                let names_other = c.text.contains("(B)") || c.text.contains("(C)");
                assert!(r.is_none() || !names_other, "{}: {}", p.name, c.text);
            }
        }
    }
}
