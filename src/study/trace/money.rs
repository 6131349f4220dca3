//! The network's money on a trace, where the user says which cells share a coverage cell
//! ([`super::groups`]): every lane of a row (and the references: always on, the operators' rule, the
//! oracle) sleeps boosters through the one network model of the simulator
//! ([`crate::domain::network`]: the interlock with its headroom and wake limit, the coverage cell
//! that carries sleeping boosters' traffic, degraded traffic, complaint calls, EARTH power), on the
//! trace's own loads, with the simulator's knobs and defaults (`coverage`, `headroom`,
//! `wake_limit`, `wake`, `price_kwh`, `complaint_cost`, `complaint_rate`, `users`, `chains`,
//! `cell_type`, `tune`, `threshold`, `margin`).
//!
//! A group's interval counts where every booster of the group has a value at the same time (a row
//! missing from one booster skips that interval for its group, counted in a notice). As in the
//! simulator, each lane (and the rule) picks its sleep level, money-optimal over
//! [`SLEEP_LEVELS`], on its own forecasts of the first [`TUNE_DAYS`] days after the warm-up (an
//! operator tunes on last month's data); money is counted from then on, week by week. With
//! `tune=off` the levels are the untuned ones (the rule at `threshold`, a model at `threshold -
//! margin`) and money counts from the end of the warm-up.

use serde::{Deserialize, Serialize};

use super::groups::{self, Groups};
use crate::base::units::HOURS_PER_DAY;
use crate::domain::network::{cheapest_level, oracle_plan, Network, Sleeper, SLEEP_LEVELS};
use crate::replay::Records;
use crate::sim::config::{Config, Scenario};

/// Days after the warm-up every lane tunes its sleep level on (the simulator's month).
pub const TUNE_DAYS: f64 = 28.0;
/// Weeks of money a map needs after the tuning.
pub const MIN_WEEKS: f64 = 2.0;
/// Boosters per group up to which the oracle's schedule is planned (its work grows as `4^m`).
pub const ORACLE_BOOSTERS: usize = 4;
/// The network settings a trace takes (`--set`), all the cells world's own knobs.
pub const KNOBS: [&str; 13] = [
    "coverage",
    "headroom",
    "wake_limit",
    "wake",
    "price_kwh",
    "complaint_cost",
    "complaint_rate",
    "users",
    "chains",
    "cell_type",
    "tune",
    "threshold",
    "margin",
];

/// The cells world's configuration with the trace's network settings (`key=value` separated by
/// `&` or new lines).
pub fn config(sets: &str) -> Result<Config, String> {
    let mut cfg = Config::for_scenario(Scenario::Cells);
    for (k, v) in crate::sim::settings::pairs(sets).map_err(|e| format!("--set {e}"))? {
        if !KNOBS.contains(&k) {
            return Err(format!(
                "--set `{}`: a trace's money takes the network's settings only: {}",
                crate::base::echo::clip(k),
                KNOBS.join(", ")
            ));
        }
        cfg.set(k, v).map_err(|e| e.to_string())?;
    }
    Ok(cfg)
}

/// The network of a trace whose interval is `step_hours`.
pub fn network(cfg: &Config, step_hours: f64) -> Network {
    let mut net = crate::sim::cells::network(cfg);
    net.interval_min = step_hours * 60.0;
    net.wake_frac = (cfg.cells.wake / net.interval_min).clamp(0.0, 1.0);
    net
}

/// A lane's money per week: `week, money, degraded GB, kWh, hours` one after the other.
pub type Weeks = Vec<f64>;
/// Fields per week of [`Weeks`].
pub const FIELDS: usize = 5;

/// What one row's pass gives of money: each column's weeks, and (the first row only) the
/// references'.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct MoneyPart {
    pub cols: Vec<Weeks>,
    pub always: Weeks,
    pub rule: Weeks,
    /// Empty when a group has more than [`ORACLE_BOOSTERS`] boosters.
    pub oracle: Weeks,
    /// Each column's sleep level, and the rule's.
    pub levels: Vec<f64>,
    pub rule_level: f64,
    /// Groups and cells counted.
    pub groups: usize,
    pub grouped: usize,
    /// Intervals left out because a booster of the group had no value then.
    pub skipped: u64,
    /// Whether the levels were tuned (and on how many days).
    pub tune_days: f64,
    pub notices: Vec<String>,
}

/// One group's record on a common clock: times, and per interval its boosters' loads, the rule's
/// expectations, and each lane's forecasts.
struct Aligned {
    times: Vec<f64>,
    loads: Vec<f64>,
    rule: Vec<f64>,
    fc: Vec<Vec<f64>>,
    skipped: u64,
}

/// The intervals at which every booster of `cells` has a value.
fn align(rec: &Records, cells: &[usize], lanes: usize) -> Aligned {
    let mut a = Aligned {
        times: Vec::new(),
        loads: Vec::new(),
        rule: Vec::new(),
        fc: vec![Vec::new(); lanes],
        skipped: 0,
    };
    let r: Vec<&crate::replay::Recorded> = cells.iter().map(|&c| &rec.cells[c].1).collect();
    let mut at = vec![0usize; cells.len()];
    const SAME: f64 = 1e-6;
    // Until a booster's record ends (no interval of the group is complete after it).
    while let Some(t) = (r.iter().zip(&at))
        .map(|(x, &i)| x.times.get(i).copied())
        .collect::<Option<Vec<f64>>>()
        .map(|ts| ts.into_iter().fold(f64::INFINITY, f64::min))
    {
        let all = r
            .iter()
            .zip(&at)
            .all(|(x, &i)| (x.times[i] - t).abs() < SAME);
        if all {
            a.times.push(t);
            for (x, &i) in r.iter().zip(&at) {
                a.loads.push(x.values[i] as f64);
                a.rule.push(x.rule[i] as f64);
                for (l, f) in a.fc.iter_mut().enumerate() {
                    f.push(x.forecasts[i * lanes + l] as f64);
                }
            }
        } else {
            a.skipped += 1;
        }
        for (x, i) in r.iter().zip(at.iter_mut()) {
            if (x.times[*i] - t).abs() < SAME {
                *i += 1;
            }
        }
    }
    a
}

/// Per week since the first scored time: money, degraded GB, kWh (a vector indexed by the week:
/// no map type of its own in the page's wasm).
type Acc = Vec<[f64; 3]>;

/// What a lane expects: a column's forecasts, or the rule's last measured loads.
#[derive(Clone, Copy)]
enum Expect {
    Lane(usize),
    Rule,
}

impl Aligned {
    fn expected(&self, e: Expect) -> &[f64] {
        match e {
            Expect::Lane(l) => &self.fc[l],
            Expect::Rule => &self.rule,
        }
    }

    /// Boosters of the group.
    fn boosters(&self) -> usize {
        self.loads.len() / self.times.len().max(1)
    }
}

/// Runs one sleeping schedule over a group: `sleep(i, cover, out)` sets interval `i`'s sleepers
/// given the coverage cell's measured load; intervals from `from` (hours) are added to `acc`.
fn run(
    net: &Network,
    a: &Aligned,
    m: usize,
    week: &dyn Fn(f64) -> usize,
    from: f64,
    acc: &mut Acc,
    mut sleep: impl FnMut(usize, f64, &mut [bool]),
) {
    let members = [(0..m).collect::<Vec<usize>>()];
    let mut st = Sleeper::new(m, 1);
    let mut s = vec![false; m];
    let gb = crate::domain::power::gb_per_cell(net.interval_min * 60.0);
    for (i, &t) in a.times.iter().enumerate() {
        sleep(i, st.cover[0], &mut s);
        let o = net
            .step(&members, &mut st, &s, &a.loads[i * m..(i + 1) * m])
            .outcome;
        if t < from {
            continue;
        }
        let w = week(t);
        if acc.len() <= w {
            acc.resize(w + 1, [0.0; 3]);
        }
        let e = &mut acc[w];
        e[0] += net.cost(&o);
        e[1] += o.degraded * gb;
        e[2] += net.kwh(&o);
    }
}

/// Flattens a lane's weeks, with each week's hours (the most any group counted).
fn flat(acc: &Acc, hours: &[f64]) -> Weeks {
    (acc.iter().enumerate())
        .flat_map(|(w, x)| {
            [
                w as f64,
                x[0],
                x[1],
                x[2],
                hours.get(w).copied().unwrap_or(0.0),
            ]
        })
        .collect()
}

/// The money of one row's lanes (and the references, `refs`) on the replay's records.
pub fn money(
    rec: &Records,
    spec: &Groups,
    sets: &str,
    lanes: usize,
    step_hours: f64,
    block_hours: f64,
    refs: bool,
) -> Result<MoneyPart, String> {
    if rec.overflow {
        return Err(format!(
            "money needs every forecast of the grouped cells, and this trace has more than {} \
             scored values: run it on fewer cells or a shorter span",
            crate::replay::MAX_RECORDED
        ));
    }
    let cfg = config(sets)?;
    let names: Vec<&str> = rec.cells.iter().map(|c| c.0.as_str()).collect();
    let (resolved, mut notices) = groups::resolve(spec, &names)?;
    let origin = rec.origin.unwrap_or(0.0);
    let week = |t: f64| ((t - origin) / block_hours).floor().max(0.0) as usize;
    let last = (rec.cells.iter())
        .filter_map(|c| c.1.times.last().copied())
        .fold(origin, f64::max);
    if (last - origin) / block_hours > crate::replay::MAX_BLOCKS as f64 {
        return Err(format!(
            "money is kept per week, at most {} of them, and this trace spans {} days",
            crate::replay::MAX_BLOCKS,
            super::map::days(last - origin)
        ));
    }
    let tune = cfg.cells.tune;
    let tune_days = if tune { TUNE_DAYS } else { 0.0 };
    let from = origin + tune_days * HOURS_PER_DAY;
    let need = (tune_days + MIN_WEEKS * 7.0) * HOURS_PER_DAY;
    if last - origin < need {
        return Err(format!(
            "money needs {} days after the warm-up ({} to tune the sleep levels on, as an operator \
             tunes on last month's data, then {} weeks to count), the trace has {}; with \
             tune=off in --set the levels are the untuned ones and {} days suffice",
            super::map::days(need),
            crate::base::units::fmt_num(tune_days),
            crate::base::units::fmt_num(MIN_WEEKS),
            super::map::days(last - origin),
            crate::base::units::fmt_num(MIN_WEEKS * 7.0)
        ));
    }
    let mut nets = Vec::new();
    let mut aligned = Vec::new();
    let mut skipped = 0;
    for (cells, cap) in &resolved {
        let mut net = network(&cfg, step_hours);
        if let Some(c) = cap {
            net.capacity = *c;
        }
        let a = align(rec, cells, lanes);
        skipped += a.skipped;
        nets.push(net);
        aligned.push(a);
    }
    // Each week's hours: the most intervals any group counted in it.
    let mut hours: Vec<f64> = Vec::new();
    for a in &aligned {
        let mut h: Vec<f64> = Vec::new();
        for &t in a.times.iter().filter(|&&t| t >= from) {
            let w = week(t);
            if h.len() <= w {
                h.resize(w + 1, 0.0);
            }
            h[w] += step_hours;
        }
        if hours.len() < h.len() {
            hours.resize(h.len(), 0.0);
        }
        for (e, x) in hours.iter_mut().zip(h) {
            *e = e.max(x);
        }
    }
    // A lane's level: money-optimal on its own expectations of the tuning days, over every group.
    let level_of = |exp: Expect, untuned: f64| -> f64 {
        if !tune {
            return untuned;
        }
        cheapest_level(&SLEEP_LEVELS, |level| {
            (nets.iter().zip(&aligned))
                .map(|(net, a)| {
                    let m = a.boosters();
                    let k = a.times.partition_point(|&t| t < from) * m;
                    let members = [(0..m).collect::<Vec<usize>>()];
                    net.money_at(&members, &a.loads[..k], &a.expected(exp)[..k], level)
                })
                .sum()
        })
    };
    let sleeper = |exp: Expect, level: f64| -> Weeks {
        let mut acc = Acc::new();
        for (net, a) in nets.iter().zip(&aligned) {
            let m = a.boosters();
            let e = a.expected(exp);
            run(net, a, m, &week, from, &mut acc, |i, cover, s| {
                net.decide(&e[i * m..(i + 1) * m], level, cover, s)
            });
        }
        flat(&acc, &hours)
    };
    let c = &cfg.cells;
    let model_level = (c.threshold - c.margin).max(0.0);
    let mut out = MoneyPart {
        groups: resolved.len(),
        grouped: resolved.iter().map(|g| g.0.len()).sum(),
        skipped,
        tune_days,
        ..MoneyPart::default()
    };
    for l in 0..lanes {
        let level = level_of(Expect::Lane(l), model_level);
        out.cols.push(sleeper(Expect::Lane(l), level));
        out.levels.push(level);
    }
    if refs {
        out.rule_level = level_of(Expect::Rule, c.threshold);
        out.rule = sleeper(Expect::Rule, out.rule_level);
        let mut acc = Acc::new();
        for (net, a) in nets.iter().zip(&aligned) {
            run(net, a, a.boosters(), &week, from, &mut acc, |_, _, s| {
                s.fill(false)
            });
        }
        out.always = flat(&acc, &hours);
        out.oracle = oracle(&nets, &aligned, &week, from, &hours).unwrap_or_default();
        if out.oracle.is_empty() {
            notices.push(format!(
                "no oracle: its schedule is planned for groups of at most {ORACLE_BOOSTERS} boosters."
            ));
        }
    }
    if skipped > 0 {
        notices.push(format!(
            "{skipped} interval{} of a group {} left out of the money: a booster of the group had \
             no value then.",
            if skipped == 1 { "" } else { "s" },
            if skipped == 1 { "was" } else { "were" }
        ));
    }
    out.notices = notices;
    Ok(out)
}

/// The oracle's weeks (the cheapest schedule given every true load, per group), if every group is
/// small enough to plan.
fn oracle(
    nets: &[Network],
    aligned: &[Aligned],
    week: &dyn Fn(f64) -> usize,
    from: f64,
    hours: &[f64],
) -> Option<Weeks> {
    let mut acc = Acc::new();
    for (net, a) in nets.iter().zip(aligned) {
        let m = a.boosters();
        if m > ORACLE_BOOSTERS {
            return None;
        }
        let loads: Vec<Vec<f64>> = a.loads.chunks(m.max(1)).map(<[f64]>::to_vec).collect();
        let plan = oracle_plan(net, &loads, 0)?;
        run(net, a, m, week, from, &mut acc, |i, _, s| {
            for (b, x) in s.iter_mut().enumerate() {
                *x = plan[i] >> b & 1 == 1;
            }
        });
    }
    Some(flat(&acc, hours))
}

/// The money map of a trace from its rows' parts: a map of the simulated answer's kind
/// ([`crate::study::answer::stats::Map`]: money per day lost against the freshest corner, the
/// ML system's value over always on, the rule's, the oracle's), paired over the weeks every lane
/// counted, over the rows and columns the trace is long enough for (`short_rows`, `short_cols`).
pub fn money_map(
    file: &str,
    parts: &[&super::Part],
    rows: &[super::Row],
    cols: &[super::Col],
    short_rows: &[bool],
    short_cols: &[bool],
) -> Result<Option<crate::study::answer::stats::Map>, String> {
    use crate::study::answer::stats::{from_lanes, Head};
    let Some(first) = parts.iter().find(|p| p.row == 0) else {
        return Ok(None);
    };
    if let Some(why) = &first.money_why {
        return Err(why.clone());
    }
    let Some(refs) = &first.money else {
        return Ok(None);
    };
    let kept_cols: Vec<usize> = (0..cols.len()).filter(|&c| !short_cols[c]).collect();
    let kept_rows: Vec<(usize, &MoneyPart)> = (0..rows.len())
        .filter(|&r| !short_rows[r])
        .filter_map(|r| {
            let p = parts.iter().find(|p| p.row == r)?;
            p.money.as_ref().map(|m| (r, m))
        })
        .collect();
    if kept_cols.first() != Some(&0) || kept_rows.first().map(|r| r.0) != Some(0) {
        return Ok(None);
    }
    // Each lane's weeks with hours counted, by week (in order).
    let by_week = |w: &Weeks| -> Vec<(i64, [f64; 4])> {
        (w.chunks_exact(FIELDS))
            .filter(|x| x[4] > 0.0)
            .map(|x| (x[0] as i64, [x[1], x[2], x[3], x[4]]))
            .collect()
    };
    let get =
        |l: &[(i64, [f64; 4])], w: i64| l.binary_search_by_key(&w, |x| x.0).ok().map(|i| l[i].1);
    let mut lanes = vec![by_week(&refs.always), by_week(&refs.rule)];
    let oracle = (!refs.oracle.is_empty()).then(|| by_week(&refs.oracle));
    lanes.push(oracle.clone().unwrap_or_default());
    for (_, m) in &kept_rows {
        for &c in &kept_cols {
            lanes.push(m.cols.get(c).map(by_week).unwrap_or_default());
        }
    }
    let weeks: Vec<i64> = (lanes[0].iter().map(|x| x.0))
        .filter(|&w| {
            (lanes.iter().enumerate()).all(|(i, l)| {
                (i == crate::study::answer::ORACLE && oracle.is_none()) || get(l, w).is_some()
            })
        })
        .collect();
    let mut vals = Vec::new();
    let mut figs = Vec::new();
    for &w in &weeks {
        let (mut v, mut f) = (Vec::new(), Vec::new());
        for l in &lanes {
            let x = get(l, w).unwrap_or([f64::NAN; 4]);
            let days = x[3] / HOURS_PER_DAY;
            v.push(vec![-x[0] / days]);
            f.push([x[0] / days, x[1] / days]);
        }
        vals.push(v);
        figs.push(f);
    }
    let levels = |m: &MoneyPart| -> Vec<String> {
        kept_cols
            .iter()
            .map(|&c| crate::base::units::fmt_num(m.levels.get(c).copied().unwrap_or(f64::NAN)))
            .collect()
    };
    let mut notes: Vec<String> = refs.notices.clone();
    notes.push(if refs.tune_days > 0.0 {
        format!(
            "sleep levels tuned on the first {} days after the warm-up (money-optimal, as an \
             operator tunes on last month's data), money counted from then on: the rule sleeps \
             below {}, the online row's columns below {}.",
            crate::base::units::fmt_num(refs.tune_days),
            crate::base::units::fmt_num(refs.rule_level),
            levels(refs).join(", ")
        )
    } else {
        format!(
            "untuned sleep levels (tune=off): the rule sleeps below {}, every model below {}.",
            crate::base::units::fmt_num(refs.rule_level),
            levels(refs).first().cloned().unwrap_or_default()
        )
    });
    let head = Head {
        scenario: Scenario::Cells,
        preset: file.to_string(),
        rows: kept_rows.iter().map(|r| rows[r.0].label()).collect(),
        cols: kept_cols.iter().map(|&c| cols[c].label()).collect(),
        row_hours: kept_rows.iter().map(|r| rows[r.0].0).collect(),
        col_hours: kept_cols.iter().map(|&c| cols[c].0).collect(),
        notes,
        per: "week",
    };
    Ok(Some(from_lanes(head, vals, figs, vec![1.0])))
}
