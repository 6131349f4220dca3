//! The freshness sweep: an outcome against the model-update interval (or the batch refresh period),
//! over several seeds, with frozen and continual as the two ends. It answers "how much value is lost
//! per hour of staleness?" for each scenario on one normalised axis: the share of the frozen-to-continual
//! gap that a given interval keeps (1 = as good as continual, 0 = as bad as frozen).
//!
//! Each point is one single-lane run per seed; all runs of a seed see the same world (common random
//! numbers), so differences between points come from the interval alone.

use serde::{Deserialize, Serialize};

use crate::base::json::Num;
use crate::base::units::{
    fmt_duration, parse_duration, TimeUnit, HOURS_PER_DAY, HOURS_PER_WEEK, MINUTES_PER_HOUR,
};
use crate::sim::config::{Config, ConfigError, Mode, Policy, Scenario, Update, LANE_NAMES};
use crate::sim::experiment::Experiment;
use crate::sim::series::{metric, Better};

/// What a sweep varies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Param {
    /// The retraining interval of a periodic lane.
    Every,
    /// The refresh period of batch predictions.
    Refresh,
}

impl Param {
    /// Parses `every` / `refresh` (a lane prefix such as `b.` is accepted and names the lane).
    pub fn parse(s: &str) -> Result<(Param, Option<usize>), String> {
        let (lane, key) = match s.split_once('.') {
            Some((l, k)) => {
                let i = LANE_NAMES
                    .iter()
                    .position(|n| n.eq_ignore_ascii_case(l.trim()));
                if i.is_none() {
                    return Err(format!(
                        "--param `{s}`: `{l}` is not a lane; expected a lane letter a to d before the dot (e.g. b.every)"
                    ));
                }
                (i, k)
            }
            None => (None, s),
        };
        let p = match key {
            "every" => Param::Every,
            "refresh" => Param::Refresh,
            _ => return Err(format!("--param `{s}`: expected every (retraining interval) or refresh (batch refresh period)")),
        };
        Ok((p, lane))
    }
}

/// One point of the x axis.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "hours", rename_all = "lowercase")]
pub enum Point {
    /// Updated after every labelled event (for `refresh` sweeps: online predictions).
    Continual,
    /// Never updated after the warm-up (for `refresh` sweeps: batch tables refreshed weekly).
    Frozen,
    /// An interval in hours.
    Hours(f64),
}

impl Point {
    /// Parses `continual`, `frozen` (or `online` for refresh sweeps) or a duration (`30m`, `2h`, `7d`).
    pub fn parse(s: &str) -> Result<Point, String> {
        match s.trim() {
            "continual" | "online" => Ok(Point::Continual),
            "frozen" | "never" => Ok(Point::Frozen),
            t => match parse_duration(t, TimeUnit::Hour) {
                Some(h) if (1.0 / MINUTES_PER_HOUR..=720.0).contains(&h) => Ok(Point::Hours(h)),
                _ => Err(format!("sweep value `{t}`: expected a duration from 1m to 30d (e.g. 15m, 2h, 7d), continual or frozen")),
            },
        }
    }

    /// Readable label.
    pub fn label(&self) -> String {
        match self {
            Point::Continual => "continual".into(),
            Point::Frozen => "frozen".into(),
            Point::Hours(h) => fmt_duration(*h, TimeUnit::Hour),
        }
    }
}

/// Most seeds one sweep takes.
pub const MAX_SEEDS: u32 = 50;

/// The default x axis: 1 minute to 1 week.
pub const DEFAULT_VALUES: &str = "1m,5m,15m,30m,1h,2h,4h,12h,1d,2d,7d";

/// A whole sweep: base configuration, which lane and parameter, which values, how many seeds.
#[derive(Clone, Debug)]
pub struct Spec {
    pub base: Config,
    pub lane: usize,
    pub param: Param,
    pub values: Vec<Point>,
    pub seeds: u32,
    /// The outcome on the normalised axis.
    pub metric: &'static str,
}

/// The outcome a sweep normalises by default: a total (expected clicks) or an error (MAE), whose
/// ratio to the best point reads as a loss; not a scenario's shown metric
/// ([`Scenario::default_metric`], a rate or a share).
pub fn default_outcome(scenario: Scenario) -> &'static str {
    match scenario {
        Scenario::Ads => "expected_clicks",
        Scenario::Cells => "mae",
    }
}

/// What one run reports.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Run {
    pub point: Point,
    pub seed: u32,
    /// Every summary metric of the lane.
    pub metrics: Vec<(String, f64)>,
}

impl Run {
    /// A metric by key (NaN when absent).
    pub fn get(&self, key: &str) -> f64 {
        self.metrics
            .iter()
            .find(|m| m.0 == key)
            .map(|m| m.1)
            .unwrap_or(f64::NAN)
    }
}

impl Spec {
    /// A spec with checks: the lane exists, seeds 1..=50, values non-empty.
    pub fn new(
        base: Config,
        lane: Option<usize>,
        param: Param,
        values: Vec<Point>,
        seeds: u32,
        metric_key: Option<&str>,
    ) -> Result<Spec, String> {
        // Lane B unless it is no model (cells-sleep's B is the operators' rule): then the first
        // lane that learns.
        let model = |i: usize| base.lanes.get(i).is_some_and(|l| l.policy == Policy::Model);
        let lane = lane.unwrap_or_else(|| {
            let b = if base.lanes.len() > 1 { 1 } else { 0 };
            if model(b) {
                b
            } else {
                (0..base.lanes.len()).find(|&i| model(i)).unwrap_or(b)
            }
        });
        if lane >= base.lanes.len() {
            return Err(format!(
                "lane {} does not exist: the configuration has {} lanes",
                LANE_NAMES.get(lane).unwrap_or(&"?"),
                base.lanes.len()
            ));
        }
        if !model(lane) {
            return Err(format!(
                "lane {} is no learned model (its policy is {}): a freshness sweep needs a lane that learns",
                LANE_NAMES[lane],
                base.lanes[lane].policy.name()
            ));
        }
        if !(1..=MAX_SEEDS).contains(&seeds) {
            return Err(format!("--seeds {seeds}: expected 1 to {MAX_SEEDS}"));
        }
        if values.is_empty() {
            return Err("no sweep values".into());
        }
        let key = metric_key.unwrap_or(default_outcome(base.scenario));
        let m = crate::sim::series::metric_or_list(base.scenario, key)?;
        base.validate().map_err(|e| e.to_string())?;
        Ok(Spec {
            base,
            lane,
            param,
            values,
            seeds,
            metric: m.key,
        })
    }

    /// The estimated cost of every run of the sweep, added up part by part (on one thread; memory:
    /// the largest run's, as if `parallel` ran at once): the part a message names as the costliest
    /// is costliest over the whole sweep (it once named one run's part: 0.2 s of a 6-minute sweep).
    pub fn cost(&self, parallel: usize) -> crate::sim::cost::Cost {
        let mut total = crate::sim::cost::Cost::default();
        for (p, s) in self.tasks() {
            if let Ok(c) = self.config(p, s) {
                total.add_run(crate::sim::cost::estimate(&c), parallel.max(1) as f64);
            }
        }
        for part in &mut total.parts {
            part.what = format!("{}, over the sweep's runs (--values, --seeds)", part.what);
        }
        total
    }

    /// Every point to run: the two references, then the values, each for every seed.
    pub fn tasks(&self) -> Vec<(Point, u32)> {
        let mut pts = vec![Point::Frozen, Point::Continual];
        for v in &self.values {
            if !pts.contains(v) {
                pts.push(*v);
            }
        }
        pts.iter()
            .flat_map(|&p| (0..self.seeds).map(move |s| (p, s)))
            .collect()
    }

    /// The single-lane configuration of one point and seed index.
    pub fn config(&self, point: Point, seed_index: u32) -> Result<Config, ConfigError> {
        let mut c = self.base.clone();
        c.seed = self.base.seed.wrapping_add(seed_index);
        let mut lane = c.lanes[self.lane].clone();
        match (self.param, point) {
            (Param::Every, Point::Continual) => lane.update = Update::Continual,
            (Param::Every, Point::Frozen) => lane.update = Update::Frozen,
            (Param::Every, Point::Hours(h)) => {
                lane.update = Update::Periodic;
                lane.every = h;
            }
            (Param::Refresh, Point::Continual) => lane.mode = Mode::Online,
            (Param::Refresh, Point::Frozen) => {
                // The stalest batch tables the knob allows: refreshed once a week.
                lane.mode = Mode::Batch;
                lane.refresh = HOURS_PER_WEEK;
            }
            (Param::Refresh, Point::Hours(h)) => {
                lane.mode = Mode::Batch;
                lane.refresh = h.max(0.25);
            }
        }
        c.lanes = vec![lane];
        c.validate()?;
        Ok(c)
    }
}

/// Runs one point of a sweep.
pub fn run_point(spec: &Spec, point: Point, seed_index: u32) -> Result<Run, String> {
    run_point_on(spec, point, seed_index, crate::sim::ads::default_threads())
}

/// [`run_point`] with its lanes served on up to `threads` threads.
fn run_point_on(spec: &Spec, point: Point, seed_index: u32, threads: usize) -> Result<Run, String> {
    let cfg = spec.config(point, seed_index).map_err(|e| e.to_string())?;
    let seed = cfg.seed;
    let mut exp = Experiment::new(cfg).map_err(|e| e.to_string())?;
    exp.set_threads(threads);
    exp.run_to_end();
    let s = exp.summary().remove(0);
    Ok(Run {
        point,
        seed,
        metrics: s
            .metrics
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    })
}

/// Statistics of one point across seeds.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PointStats {
    pub point: Point,
    pub label: String,
    /// Mean of the outcome metric.
    pub mean: f64,
    pub sd: f64,
    /// Share of the frozen-to-continual gap kept: mean, and mean +- one standard deviation across seeds.
    pub share: f64,
    pub share_lo: f64,
    pub share_hi: f64,
    /// Mean example-updates (training cost) and retrains.
    pub cost: f64,
    pub retrains: f64,
    /// Means of every summary metric (the absolute figures).
    pub metrics: Vec<(String, f64)>,
}

/// A finished (or partial) sweep.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Summary {
    pub metric: String,
    pub better: Better,
    pub param: Param,
    pub points: Vec<PointStats>,
    /// Share of the frozen-to-continual gap lost per hour of staleness (0 to 1 per hour), from the
    /// points up to one day.
    pub loss_per_hour: f64,
    /// Outcome lost per hour of staleness, as a share of the continual outcome (0 to 1 per hour),
    /// from the points up to one day.
    pub value_loss_per_hour: f64,
}

impl Summary {
    /// Why the loss per hour of staleness is not measured, `None` when it is: the sentences and
    /// the chart's legend say this instead of "NaN%".
    pub fn unmeasured(&self) -> Option<&'static str> {
        if self.loss_per_hour.is_finite() && self.value_loss_per_hour.is_finite() {
            return None;
        }
        let day = |p: &PointStats| matches!(p.point, Point::Hours(h) if h <= HOURS_PER_DAY);
        Some(if self.points.iter().any(day) {
            "not measured: the outcome is undefined, or frozen and continual do not differ"
        } else {
            "not measured: it is fitted on the intervals of a day or less, and none was swept"
        })
    }
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let v: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let m = v.iter().sum::<f64>() / v.len() as f64;
    let var = if v.len() > 1 {
        v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64
    } else {
        0.0
    };
    (m, var.sqrt())
}

/// Turns runs into per-point statistics; the share is computed per seed against that seed's own
/// frozen and continual runs (common random numbers), then averaged.
pub fn summarize(spec: &Spec, runs: &[Run]) -> Summary {
    let key = spec.metric;
    let m = metric(spec.base.scenario, key).expect("checked in Spec::new");
    let points: Vec<PointStats> = point_order(spec)
        .into_iter()
        .filter_map(|p| point_stats(spec, runs, p))
        .collect();
    let loss_per_hour = slope(&points, |p| 1.0 - p.share);
    let sign = if m.better == Better::Lower { -1.0 } else { 1.0 };
    let cont = points
        .iter()
        .find(|p| p.point == Point::Continual)
        .map(|p| p.mean)
        .unwrap_or(f64::NAN);
    let value_loss_per_hour = slope(&points, |p| sign * (cont - p.mean) / cont.abs());
    Summary {
        metric: key.to_string(),
        better: m.better,
        param: spec.param,
        points,
        loss_per_hour,
        value_loss_per_hour,
    }
}

/// The points in the order they are shown: continual, the intervals from the shortest, frozen.
fn point_order(spec: &Spec) -> Vec<Point> {
    let hours: Vec<f64> = (spec.values.iter())
        .filter_map(|p| match p {
            Point::Hours(h) => Some(*h),
            _ => None,
        })
        .collect();
    let mut hours: Vec<Point> = crate::base::order::sorted_by(&hours, |&h| h)
        .into_iter()
        .map(Point::Hours)
        .collect();
    hours.dedup();
    std::iter::once(Point::Continual)
        .chain(hours)
        .chain(std::iter::once(Point::Frozen))
        .collect()
}

/// One point over the seeds: the metric's mean and spread, its share of the frozen-to-continual gap
/// (per seed, against that seed's references), the cost and every metric's mean. None without runs.
fn point_stats(spec: &Spec, runs: &[Run], p: Point) -> Option<PointStats> {
    let key = spec.metric;
    let by = |p: Point, s: u32| {
        runs.iter()
            .find(|r| r.point == p && r.seed == spec.base.seed.wrapping_add(s))
    };
    let (mut vals, mut shares, mut costs, mut retrains) = (vec![], vec![], vec![], vec![]);
    let mut all: Vec<Vec<f64>> = Vec::new();
    for s in 0..spec.seeds {
        let Some(r) = by(p, s) else { continue };
        let v = r.get(key);
        vals.push(v);
        costs.push(r.get("training_updates"));
        retrains.push(r.get("retrains"));
        all.push(r.metrics.iter().map(|m| m.1).collect());
        if let (Some(f), Some(c)) = (by(Point::Frozen, s), by(Point::Continual, s)) {
            let (f, c) = (f.get(key), c.get(key));
            let gap = c - f;
            if gap.abs() > 1e-12 * c.abs().max(1.0) {
                shares.push((v - f) / gap);
            }
        }
    }
    if vals.is_empty() {
        return None;
    }
    let (mean, sd) = mean_sd(&vals);
    let (share, share_sd) = mean_sd(&shares);
    let names: Vec<String> = by(p, 0)
        .or_else(|| runs.iter().find(|r| r.point == p))
        .map(|r| r.metrics.iter().map(|m| m.0.clone()).collect())
        .unwrap_or_default();
    let column = |i: usize| -> Vec<f64> {
        (all.iter())
            .map(|row| row.get(i).copied().unwrap_or(f64::NAN))
            .collect()
    };
    let metrics = (names.iter().enumerate())
        .map(|(i, n)| (n.clone(), mean_sd(&column(i)).0))
        .collect();
    Some(PointStats {
        point: p,
        label: p.label(),
        mean,
        sd,
        share,
        share_lo: share - share_sd,
        share_hi: share + share_sd,
        cost: mean_sd(&costs).0,
        retrains: mean_sd(&retrains).0,
        metrics,
    })
}

/// Least-squares slope through the origin of `lost(point)` against hours, for points up to one day:
/// how much each hour of staleness costs.
fn slope(points: &[PointStats], lost: impl Fn(&PointStats) -> f64) -> f64 {
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for p in points {
        if let Point::Hours(h) = p.point {
            let y = lost(p);
            if h <= HOURS_PER_DAY && y.is_finite() {
                sxy += h * y;
                sxx += h * h;
            }
        }
    }
    if sxx > 0.0 {
        sxy / sxx
    } else {
        f64::NAN
    }
}

/// Runs a whole sweep natively (the command line; the page runs the same points in workers): the
/// points side by side, one per core, by the studies' one runner; `progress(done, total)` as they
/// finish. The runs come back in task order, whatever order they finished in.
#[cfg(not(target_arch = "wasm32"))]
pub fn run(spec: &Spec, progress: impl FnMut(usize, usize)) -> Result<(Vec<Run>, Summary), String> {
    let tasks = spec.tasks();
    let workers = crate::sim::ads::default_threads();
    let runs = crate::study::run_all(
        &tasks,
        workers,
        |&(p, s)| run_point_on(spec, p, s, 1),
        progress,
    )?;
    let summary = summarize(spec, &runs);
    Ok((runs, summary))
}

/// The sweep as JSON: what `rtml sweep --json` prints and what the page's worker computes. Fields are
/// declared in alphabetical order, the order of the keys this JSON has always had.
#[derive(Clone, Debug, Serialize)]
pub struct SweepJson<'a> {
    pub lane: &'static str,
    pub loss_per_hour: Num,
    pub metric: &'a str,
    pub param: Param,
    pub points: Vec<PointJson<'a>>,
    pub preset: &'a str,
    pub scenario: Scenario,
    pub seed: u32,
    pub seeds: u32,
    pub value_loss_per_hour: Num,
}

/// One point of [`SweepJson`] (fields in alphabetical order, as [`SweepJson`]'s).
#[derive(Clone, Debug, Serialize)]
pub struct PointJson<'a> {
    pub cost: Num,
    /// The interval, or `null` for continual and frozen.
    pub hours: Option<Num>,
    pub label: &'a str,
    pub mean: Num,
    /// Every summary metric, by key.
    pub metrics: std::collections::BTreeMap<&'a str, Num>,
    pub retrains: Num,
    pub sd: Num,
    pub share: Num,
    pub share_hi: Num,
    pub share_lo: Num,
}

/// The sweep as JSON (see [`SweepJson`]).
pub fn to_json<'a>(name: &'a str, spec: &Spec, s: &'a Summary) -> SweepJson<'a> {
    let points = s
        .points
        .iter()
        .map(|p| PointJson {
            cost: Num(p.cost),
            hours: match p.point {
                Point::Hours(h) => Some(Num(h)),
                _ => None,
            },
            label: &p.label,
            mean: Num(p.mean),
            metrics: crate::base::json::map_of(
                p.metrics.iter().map(|(k, v)| (k.as_str(), Num(*v))),
            ),
            retrains: Num(p.retrains),
            sd: Num(p.sd),
            share: Num(p.share),
            share_hi: Num(p.share_hi),
            share_lo: Num(p.share_lo),
        })
        .collect();
    SweepJson {
        lane: LANE_NAMES[spec.lane],
        loss_per_hour: Num(s.loss_per_hour),
        metric: &s.metric,
        param: s.param,
        points,
        preset: name,
        scenario: spec.base.scenario,
        seed: spec.base.seed,
        seeds: spec.seeds,
        value_loss_per_hour: Num(s.value_loss_per_hour),
    }
}

/// The sweep as CSV: one row per point.
pub fn to_csv(s: &Summary) -> String {
    let names: Vec<String> = s
        .points
        .first()
        .map(|p| p.metrics.iter().map(|m| m.0.clone()).collect())
        .unwrap_or_default();
    let mut out = format!(
        "point,hours,mean,sd,share,share_lo,share_hi,cost,retrains,{}\n",
        names.join(",")
    );
    for p in &s.points {
        let h = match p.point {
            Point::Hours(h) => crate::sim::experiment::csv_num(h),
            _ => String::new(),
        };
        let vals: Vec<String> = [
            p.mean, p.sd, p.share, p.share_lo, p.share_hi, p.cost, p.retrains,
        ]
        .iter()
        .map(|v| crate::sim::experiment::csv_num(*v))
        .collect();
        let ms: Vec<String> = p
            .metrics
            .iter()
            .map(|m| crate::sim::experiment::csv_num(m.1))
            .collect();
        out.push_str(&format!(
            "{},{},{},{}\n",
            p.label,
            h,
            vals.join(","),
            ms.join(",")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse() {
        assert_eq!(Point::parse("15m"), Ok(Point::Hours(0.25)));
        assert_eq!(Point::parse("continual"), Ok(Point::Continual));
        assert!(Point::parse("0m").is_err());
        assert!(Point::parse("abc").is_err());
        assert_eq!(Param::parse("b.every"), Ok((Param::Every, Some(1))));
        assert!(Param::parse("volume").is_err());
    }
}
