//! The map's numbers from the tasks' sums: money per day, differences against the freshest corner and
//! the references (no ML, the rule, the oracle), their 95% intervals, the share of the ML system's
//! value, and the JSON.
//!
//! Every difference between two lanes is *paired*: computed per seed (both lanes saw the same world,
//! the same requests and loads), then averaged. Its interval is the Student t interval of the mean
//! of those per-seed differences; with a single seed, over the days of that seed (the day-to-day
//! noise); "in k of n seeds" counts the seeds whose difference had the sign stated. A difference
//! whose interval includes zero is *not measurable*. A cell's money is given wherever its loss is
//! measurable; its share of the ML system's value only where, in addition, the ML system's own value
//! over no ML is measurably positive (so a share cannot blow up): JSON readers tell the two apart by
//! `measurable` and `ml_value.measurable`.

use serde::Serialize;

use super::{blocks, Part, Spec, BASELINE, FIGURES, ORACLE, REFS, RULE};
use crate::base::json::Num;
use crate::sim::config::Scenario;

/// A difference between two lanes, in money per day, over the seeds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Diff {
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
    /// The interval excludes zero.
    pub measurable: bool,
    /// Seeds in which the difference was positive.
    pub held: u32,
    /// Seeds it was computed over.
    pub seeds: u32,
}

impl Diff {
    /// Nothing measured yet.
    pub const NONE: Diff = Diff {
        mean: f64::NAN,
        lo: f64::NAN,
        hi: f64::NAN,
        measurable: false,
        held: 0,
        seeds: 0,
    };
    /// Measurably above zero.
    pub fn positive(&self) -> bool {
        self.measurable && self.mean > 0.0
    }
    /// Measurably below zero.
    pub fn negative(&self) -> bool {
        self.measurable && self.mean < 0.0
    }
    /// Seeds whose difference had the sign of the mean.
    pub fn agree(&self) -> u32 {
        if self.mean >= 0.0 {
            self.held
        } else {
            self.seeds - self.held
        }
    }
}

/// One cell of the map: the value lost against the freshest corner.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cell {
    pub lost: Diff,
    /// `lost` as a share of the ML system's value (None where either is not measurable).
    pub share: Option<f64>,
    /// The cell's domain figures per day, averaged over the seeds: ads (expected revenue, expected
    /// clicks), cells (money paid, degraded GB).
    pub figures: [f64; FIGURES],
    /// Its value per day (ads: expected revenue; cells: minus the cost).
    pub value: f64,
    /// Whether this cell and the next one to its right (and below it) differ measurably (None at
    /// the edge): a reader reads no ranking into a pair that does not.
    pub apart_right: Option<bool>,
    pub apart_below: Option<bool>,
}

/// One scenario's map.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Map {
    pub scenario: Scenario,
    pub preset: String,
    /// Money per day, e.g. `€/day`.
    pub unit: String,
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    /// Staleness in hours of each row (0 online) and column (0 continual, infinite frozen).
    pub row_hours: Vec<f64>,
    pub col_hours: Vec<f64>,
    /// Seeds complete and counted.
    pub seeds: u32,
    /// What the ML system (the freshest corner) earns or saves per day over the no-ML baseline.
    pub ml: Diff,
    /// What the rule without a model earns or saves over the no-ML baseline.
    pub rule: Diff,
    /// The ML system over the rule (positive: ML earns its keep over the rule).
    pub ml_over_rule: Diff,
    /// The oracle (knows the truth) over the no-ML baseline: the most there is to earn or save.
    pub oracle: Diff,
    /// Rows of the spec left out of this map, and why.
    pub notes: Vec<String>,
    /// The baseline's figures and value per day.
    pub baseline: [f64; FIGURES],
    pub baseline_value: f64,
    pub cells: Vec<Vec<Cell>>,
    /// Per seed, lane and block: the lane's value in money (for further comparisons).
    /// What the paired unit is called: `seed` (a trace: `week`).
    #[serde(skip)]
    pub per: &'static str,
    #[serde(skip)]
    vals: Vec<Vec<Vec<f64>>>,
    #[serde(skip)]
    pub(super) block_days: Vec<f64>,
}

/// The whole answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Answer {
    pub maps: Vec<Map>,
    /// Seeds asked for.
    pub seeds: u32,
    /// The lead sentences and the details, one paragraph (the JSON's `conclusion`).
    pub conclusion: String,
    /// One sentence per scenario and one comparing them.
    pub lead: Vec<String>,
    /// Intervals, seed counts and the other cells, folded below the lead.
    pub details: Vec<String>,
    /// Each variation's headline comparisons (`--sensitivity`).
    pub sensitivity: Option<Vec<super::sensitivity::Held>>,
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom.
fn t975(df: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => T[df - 1],
        _ => 1.96,
    }
}

/// Mean and the half-width of its 95% interval.
fn mean_half(v: &[f64]) -> (f64, f64) {
    let n = v.len();
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let m = v.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return (m, f64::INFINITY);
    }
    let var = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1) as f64;
    (m, t975(n - 1) * (var / n as f64).sqrt())
}

impl Diff {
    /// A difference paired over units (seeds, or a trace's weeks) whose values are `d`: their mean,
    /// its 95% interval, the units in which it was positive.
    pub fn over(d: &[f64]) -> Diff {
        let (mean, half) = mean_half(d);
        Diff::around(d, mean, half)
    }

    /// The difference with mean `mean` and interval half-width `half`, counted over the units `d`.
    fn around(d: &[f64], mean: f64, half: f64) -> Diff {
        let (lo, hi) = (mean - half, mean + half);
        Diff {
            mean,
            lo,
            hi,
            measurable: lo > 0.0 || hi < 0.0,
            held: d.iter().filter(|&&x| x > 0.0).count() as u32,
            seeds: d.len() as u32,
        }
    }
}

impl Map {
    /// Lane `a`'s value minus lane `b`'s, per day: its mean over the seeds, its interval (over the
    /// seeds, or over the days of a single seed) and in how many seeds it was positive.
    pub fn diff(&self, a: usize, b: usize) -> Diff {
        let days: f64 = self.block_days.iter().sum();
        let per_seed: Vec<f64> = (self.vals.iter())
            .map(|v| (v[a].iter().sum::<f64>() - v[b].iter().sum::<f64>()) / days)
            .collect();
        let (mean, _) = mean_half(&per_seed);
        let half = if per_seed.len() >= 2 {
            mean_half(&per_seed).1
        } else if let Some(v) = self.vals.first() {
            let per_day: Vec<f64> = (0..self.block_days.len())
                .filter(|&k| self.block_days[k] > 0.0)
                .map(|k| (v[a][k] - v[b][k]) / self.block_days[k])
                .collect();
            mean_half(&per_day).1
        } else {
            f64::NAN
        };
        Diff::around(&per_seed, mean, half)
    }

    /// The row and column indices of a row label and a column label.
    pub fn at(&self, row: &str, col: &str) -> Option<(usize, usize)> {
        let r = self.rows.iter().position(|x| x == row)?;
        let c = self.cols.iter().position(|x| x == col)?;
        Some((r, c))
    }

    /// Lane index of a cell.
    pub fn lane(&self, r: usize, c: usize) -> usize {
        REFS.len() + r * self.cols.len() + c
    }
}

/// The money of one block of one lane: ads earn their expected revenue; cells pay their energy bill
/// and complaint calls, as the simulator counts them (negative: value is what is not paid).
fn money(scenario: Scenario, f: &[f64]) -> f64 {
    match scenario {
        Scenario::Ads => f[0],
        Scenario::Cells => -f[0],
    }
}

/// The unit of a scenario's money per day.
pub fn unit(_scenario: Scenario) -> String {
    crate::base::money::per("day")
}

/// Per complete seed of world `w`: each lane's money per block, and its figures per day.
type Collected = (Vec<Vec<Vec<f64>>>, Vec<Vec<[f64; FIGURES]>>);

fn collect(spec: &Spec, w: usize, parts: &[Part], days: f64) -> Collected {
    let cfg = &spec.worlds[w].base;
    let scenario = cfg.scenario;
    let nl = REFS.len() + spec.rows_of(w).len() * spec.cols.len();
    let mut vals = Vec::new();
    let mut figs: Vec<Vec<[f64; FIGURES]>> = Vec::new();
    for s in 0..spec.seeds {
        let mut lanes: Vec<Option<&Vec<f64>>> = vec![None; nl];
        for p in parts
            .iter()
            .filter(|p| p.task.world == w && p.task.seed == s)
        {
            for (i, &l) in p.lanes.iter().enumerate() {
                if let (Some(slot), Some(v)) = (lanes.get_mut(l), p.sums.get(i)) {
                    *slot = Some(v);
                }
            }
        }
        let Some(lanes) = lanes.into_iter().collect::<Option<Vec<&Vec<f64>>>>() else {
            continue;
        };
        vals.push(
            (lanes.iter())
                .map(|v| v.chunks(FIGURES).map(|f| money(scenario, f)).collect())
                .collect(),
        );
        figs.push(
            (lanes.iter())
                .map(|v| {
                    let mut t = [0.0; FIGURES];
                    for f in v.chunks(FIGURES) {
                        t.iter_mut().zip(f).for_each(|(a, x)| *a += x / days);
                    }
                    t
                })
                .collect(),
        );
    }
    (vals, figs)
}

/// One world's map from the parts (the seeds whose every lane has come in).
fn map(spec: &Spec, w: usize, parts: &[Part]) -> Map {
    let world = &spec.worlds[w];
    let cfg = &world.base;
    let scenario = cfg.scenario;
    let block_days = blocks(cfg);
    let days: f64 = block_days.iter().sum();
    let (vals, figs) = collect(spec, w, parts, days);
    let rows = spec.rows_of(w);
    let mut notes: Vec<String> = (spec.rows.iter())
        .filter(|r| !rows.contains(r))
        .map(|r| {
            format!(
                "Batch refresh {} is left out: a {} world decides every {}, so a table refreshed that often is the online row.",
                r.label(),
                scenario.name(),
                crate::base::units::fmt_duration(super::decision_minutes(scenario), crate::base::units::TimeUnit::Minute)
            )
        })
        .collect();
    if cfg.scenario == Scenario::Ads && cfg.ads.log == crate::sim::config::Log::Shared {
        notes.push(format!(
            "Every cell learns from the one log the freshest corner ({} · {}) collects, so it differs from the corner by freshness alone, not by what it happened to show and so learn (log=own gives each its own feedback loop).",
            rows.first().map(|r| r.label()).unwrap_or_default(),
            spec.cols.first().map(|c| c.label()).unwrap_or_default(),
        ));
    }
    from_lanes(
        Head {
            scenario,
            preset: world.preset.clone(),
            rows: rows.iter().map(|r| r.label()).collect(),
            cols: spec.cols.iter().map(|c| c.label()).collect(),
            row_hours: rows.iter().map(|r| r.hours()).collect(),
            col_hours: spec.cols.iter().map(|c| c.hours()).collect(),
            notes,
            per: "seed",
        },
        vals,
        figs,
        block_days,
    )
}

/// What a map is of: its scenario, its name, its rows and columns, notes, and what its paired
/// unit is called (`seed`; a trace's `week`).
pub struct Head {
    pub scenario: Scenario,
    pub preset: String,
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    pub row_hours: Vec<f64>,
    pub col_hours: Vec<f64>,
    pub notes: Vec<String>,
    pub per: &'static str,
}

/// A map from its lanes' money: `vals[unit][lane][block]` (the references [`REFS`], then row by
/// row), the figures per day `figs[unit][lane]`, the blocks' lengths in days. The units are the
/// paired ones (a simulation's seeds; a trace's weeks, each one block of a day's average).
pub fn from_lanes(
    head: Head,
    vals: Vec<Vec<Vec<f64>>>,
    figs: Vec<Vec<[f64; FIGURES]>>,
    block_days: Vec<f64>,
) -> Map {
    let days: f64 = block_days.iter().sum();
    let Head {
        scenario,
        preset,
        rows,
        cols,
        row_hours,
        col_hours,
        notes,
        per,
    } = head;
    let (nr, nc) = (rows.len(), cols.len());
    let mut m = Map {
        scenario,
        preset,
        unit: unit(scenario),
        rows,
        cols,
        row_hours,
        col_hours,
        seeds: vals.len() as u32,
        ml: Diff::NONE,
        rule: Diff::NONE,
        ml_over_rule: Diff::NONE,
        oracle: Diff::NONE,
        notes,
        baseline: [f64::NAN; FIGURES],
        baseline_value: f64::NAN,
        cells: Vec::new(),
        per,
        vals,
        block_days,
    };
    if m.vals.is_empty() {
        return m;
    }
    let avg_fig = |l: usize| {
        let mut t = [0.0; FIGURES];
        for seed in &figs {
            t.iter_mut()
                .zip(seed[l])
                .for_each(|(a, x)| *a += x / figs.len() as f64);
        }
        t
    };
    let avg_val = |m: &Map, l: usize| {
        (m.vals.iter())
            .map(|v| v[l].iter().sum::<f64>() / days)
            .sum::<f64>()
            / m.vals.len() as f64
    };
    let corner = m.lane(0, 0);
    m.ml = m.diff(corner, BASELINE);
    m.rule = m.diff(RULE, BASELINE);
    m.ml_over_rule = m.diff(corner, RULE);
    m.oracle = m.diff(ORACLE, BASELINE);
    m.baseline = avg_fig(BASELINE);
    m.baseline_value = avg_val(&m, BASELINE);
    let ml_ok = m.ml.positive();
    m.cells = (0..nr)
        .map(|r| {
            (0..nc)
                .map(|c| {
                    let l = m.lane(r, c);
                    let lost = m.diff(corner, l);
                    let apart = |o: usize| m.diff(l, o).measurable;
                    Cell {
                        lost,
                        share: (lost.measurable && ml_ok).then(|| lost.mean / m.ml.mean),
                        figures: avg_fig(l),
                        value: avg_val(&m, l),
                        apart_right: (c + 1 < nc).then(|| apart(m.lane(r, c + 1))),
                        apart_below: (r + 1 < nr).then(|| apart(m.lane(r + 1, c))),
                    }
                })
                .collect()
        })
        .collect();
    m
}

/// The maps from the parts that have come in (any order, any grouping of lanes): one per world over
/// its complete seeds (the answer with its words: `answer::summarize`).
pub fn maps(spec: &Spec, parts: &[Part]) -> Vec<Map> {
    (0..spec.worlds.len())
        .map(|w| map(spec, w, parts))
        .collect()
}

/// The answer as JSON: what `rtml answer --json` prints and what the page's workers compute.
#[derive(Clone, Debug, Serialize)]
pub struct AnswerJson<'a> {
    pub scenarios: Vec<MapJson<'a>>,
    /// The lead sentences (one per scenario, one comparing them), then the details.
    pub conclusion: &'a str,
    /// `rtml answer --sensitivity`: each variation's headline comparisons (absent without it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<&'a [super::sensitivity::Held]>,
    /// The essay's closing question, worded and graded from these numbers.
    pub question: super::words::Question,
}

/// A paired difference in money per day in JSON: positive = the first is better.
#[derive(Clone, Debug, Serialize)]
pub struct DiffJson {
    pub mean: Num,
    pub lo: Num,
    pub hi: Num,
    pub measurable: bool,
}

impl From<&Diff> for DiffJson {
    fn from(d: &Diff) -> Self {
        DiffJson {
            mean: Num(d.mean),
            lo: Num(d.lo),
            hi: Num(d.hi),
            measurable: d.measurable,
        }
    }
}

/// One scenario of [`AnswerJson`]: rows are the prediction freshness (`refresh`), columns the model
/// freshness (`every`); every matrix is rows x columns.
#[derive(Clone, Debug, Serialize)]
pub struct MapJson<'a> {
    pub scenario: Scenario,
    pub preset: &'a str,
    pub refresh: &'a [String],
    pub every: &'a [String],
    pub unit: &'a str,
    /// Seeds counted (the intervals are over their paired differences).
    pub seeds: u32,
    /// The freshest corner over no ML (ads a random ad, cells always on).
    pub ml_value: DiffJson,
    /// The rule without a model over no ML.
    pub rule_value: DiffJson,
    /// The freshest corner over the rule.
    pub ml_over_rule: DiffJson,
    /// The oracle over no ML.
    pub oracle_value: DiffJson,
    pub value_lost: Vec<Vec<Num>>,
    pub lo: Vec<Vec<Num>>,
    pub hi: Vec<Vec<Num>>,
    pub measurable: Vec<Vec<bool>>,
    /// The loss in money per day where `measurable` (null where not).
    pub value_lost_money: Vec<Vec<Option<Num>>>,
    /// The loss as a share of `ml_value`: only where the loss is measurable and `ml_value` measurably
    /// positive (null otherwise; `measurable` says which).
    pub value_lost_share: Vec<Vec<Option<Num>>>,
    /// Whether a cell differs measurably from its right (lower) neighbour; null at the edge.
    pub apart_from_right: Vec<Vec<Option<bool>>>,
    pub apart_from_below: Vec<Vec<Option<bool>>>,
    /// Rows left out, and why.
    pub notes: &'a [String],
}

fn grid<T>(m: &Map, f: impl Fn(&Cell) -> T) -> Vec<Vec<T>> {
    m.cells.iter().map(|r| r.iter().map(&f).collect()).collect()
}

/// One map as JSON (see [`MapJson`]).
pub fn map_json(m: &Map) -> MapJson<'_> {
    MapJson {
        scenario: m.scenario,
        preset: &m.preset,
        refresh: &m.rows,
        every: &m.cols,
        unit: &m.unit,
        seeds: m.seeds,
        ml_value: (&m.ml).into(),
        rule_value: (&m.rule).into(),
        ml_over_rule: (&m.ml_over_rule).into(),
        oracle_value: (&m.oracle).into(),
        value_lost: grid(m, |c| Num(c.lost.mean)),
        lo: grid(m, |c| Num(c.lost.lo)),
        hi: grid(m, |c| Num(c.lost.hi)),
        measurable: grid(m, |c| c.lost.measurable),
        value_lost_money: grid(m, |c| c.lost.measurable.then_some(Num(c.lost.mean))),
        value_lost_share: grid(m, |c| c.share.map(Num)),
        apart_from_right: grid(m, |c| c.apart_right),
        apart_from_below: grid(m, |c| c.apart_below),
        notes: &m.notes,
    }
}

/// The answer as JSON (see [`AnswerJson`]).
pub fn to_json(a: &Answer) -> AnswerJson<'_> {
    AnswerJson {
        scenarios: (a.maps.iter()).map(map_json).collect(),
        conclusion: &a.conclusion,
        sensitivity: a.sensitivity.as_deref(),
        question: super::words::question(&a.maps),
    }
}

/// The answer as CSV: one row per scenario and cell, with the domain figures.
pub fn to_csv(a: &Answer) -> String {
    use crate::sim::experiment::csv_num;
    let mut out = String::from(
        "scenario,preset,refresh,every,unit,value_lost,lo,hi,measurable,value_lost_share,value_per_day,figure,figure_value,figure2,figure2_value\n",
    );
    for m in &a.maps {
        let names = match m.scenario {
            Scenario::Ads => ["expected_revenue", "expected_clicks"],
            Scenario::Cells => ["cost", "degraded_gb"],
        };
        for (r, row) in m.cells.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                out.push_str(&format!(
                    "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                    m.scenario,
                    m.preset,
                    m.rows[r],
                    m.cols[c],
                    m.unit,
                    csv_num(cell.lost.mean),
                    csv_num(cell.lost.lo),
                    csv_num(cell.lost.hi),
                    cell.lost.measurable,
                    csv_num(cell.share.unwrap_or(f64::NAN)),
                    csv_num(cell.value),
                    names[0],
                    csv_num(cell.figures[0]),
                    names[1],
                    csv_num(cell.figures[1]),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        assert_eq!(t975(4), 2.776);
        let (m, h) = mean_half(&[1.0, 2.0, 3.0]);
        assert_eq!(m, 2.0);
        assert!((h - 4.303 * (1.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert!(mean_half(&[5.0]).1.is_infinite());
    }
}
