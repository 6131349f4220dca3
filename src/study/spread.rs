//! The spread across seeds: the same configuration on several worlds (seeds), each an independent
//! run, and what they say together: per lane the mean and a 90% interval of every summary figure,
//! per time bucket the mean and the interval of any metric (the page's band), per pair of lanes the
//! number of seeds in which each did better on one metric, and how often each caption claim held.
//!
//! Pure aggregation: [`run_seed`] makes a [`SeedRun`] (what a page worker or the command line
//! computes), [`aggregate`] and [`band`] work on any number of them, in any order of arrival.
//!
//! ```
//! use rtml::sim::config::Config;
//! use rtml::study::spread;
//! let mut cfg = Config::default();
//! cfg.days = 1.0;
//! cfg.warmup = 1.0;
//! let runs: Vec<_> = (1..4).map(|s| spread::run_seed(&cfg, None, s).unwrap()).collect();
//! let spread = spread::aggregate(&cfg, "expected_ctr", None, &runs);
//! assert_eq!(spread.seeds, vec![1, 2, 3]);
//! let a = &spread.lanes[0].figures[0];
//! assert!(a.lo.unwrap() <= a.mean.unwrap() && a.mean.unwrap() <= a.hi.unwrap());
//! ```

use crate::base::metrics::{Better, CALIBRATION};
use crate::base::units::MINUTES_PER_HOUR;
use crate::sim::config::{Config, Scenario, LANE_NAMES};
use crate::sim::experiment::{describe, Experiment};
use crate::sim::series::{metric, metrics};
use crate::study::claims::claims;

/// Most seeds one spread takes (the page offers 1, 5, 10 and 20).
pub const MAX_SEEDS: u32 = 50;

/// The share of seeds the interval covers: from the 5th to the 95th percentile.
pub const INTERVAL: f64 = 0.9;

/// One seed's finished run: its bucketed sums (any metric, windowed or cumulative, derives from
/// them), its summary figures and its caption claims.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SeedRun {
    pub seed: u32,
    pub bucket_min: f64,
    pub horizon_min: f64,
    pub fields: usize,
    /// `sums[l][b * fields + f]`, as [`crate::sim::series::Series::lanes`].
    pub sums: Vec<Vec<f64>>,
    /// `figures[l][m]`: lane `l`'s summary figure of the scenario's `m`-th metric.
    pub figures: Vec<Vec<f64>>,
    /// Whether each claim of the preset's caption held (`None`: it does not apply).
    pub claims: Vec<Option<bool>>,
}

/// Numbers in the head of [`SeedRun::to_flat`].
const HEAD: usize = 8;

impl SeedRun {
    /// The run as one array of numbers (how a worker hands it to the page: no serialisation code in
    /// the page's wasm): a head `[seed, bucket_min, horizon_min, fields, lanes, figures per lane,
    /// claims, sums per lane]`, then the sums, the figures, and each claim as 1, 0 or NaN.
    pub fn to_flat(&self) -> Vec<f64> {
        let per_lane = self.sums.first().map_or(0, Vec::len);
        let figs = self.figures.first().map_or(0, Vec::len);
        let mut v = vec![
            self.seed as f64,
            self.bucket_min,
            self.horizon_min,
            self.fields as f64,
            self.sums.len() as f64,
            figs as f64,
            self.claims.len() as f64,
            per_lane as f64,
        ];
        self.sums.iter().for_each(|s| v.extend(s));
        self.figures.iter().for_each(|f| v.extend(f));
        v.extend(self.claims.iter().map(|c| c.map_or(f64::NAN, f64::from)));
        v
    }

    /// Reads [`SeedRun::to_flat`]'s array back; `None` for anything else.
    pub fn from_flat(v: &[f64]) -> Option<SeedRun> {
        let head = v.get(..HEAD)?;
        let count = |x: f64| (0.0..=1e9).contains(&x).then_some(x as usize);
        let (fields, lanes, figs, claims, per_lane) = (
            count(head[3])?,
            count(head[4])?,
            count(head[5])?,
            count(head[6])?,
            count(head[7])?,
        );
        if v.len() != HEAD + lanes * (per_lane + figs) + claims || fields == 0 {
            return None;
        }
        let (sums, rest) = v[HEAD..].split_at(lanes * per_lane);
        let (figures, flags) = rest.split_at(lanes * figs);
        Some(SeedRun {
            seed: count(head[0])? as u32,
            bucket_min: head[1],
            horizon_min: head[2],
            fields,
            sums: sums.chunks(per_lane.max(1)).map(<[f64]>::to_vec).collect(),
            figures: figures.chunks(figs.max(1)).map(<[f64]>::to_vec).collect(),
            claims: flags
                .iter()
                .map(|&c| (!c.is_nan()).then_some(c == 1.0))
                .collect(),
        })
        .filter(|r| r.bucket_min > 0.0 && r.sums.len() == lanes)
    }
}

/// Runs `cfg` with `seed` to the end (the claims of `preset`'s caption checked on it).
pub fn run_seed(cfg: &Config, preset: Option<&str>, seed: u32) -> Result<SeedRun, String> {
    let mut cfg = cfg.clone();
    cfg.seed = seed;
    let mut exp = Experiment::new(cfg).map_err(|e| e.to_string())?;
    exp.run_to_end();
    let summary = exp.summary();
    let s = exp.series();
    Ok(SeedRun {
        seed,
        bucket_min: s.bucket_min,
        horizon_min: exp.config().horizon_min(),
        fields: s.fields,
        sums: s.lanes.clone(),
        figures: summary
            .iter()
            .map(|l| l.metrics.iter().map(|m| m.1).collect())
            .collect(),
        claims: claims(preset.unwrap_or(""))
            .iter()
            .map(|c| (c.holds)(&exp, &summary))
            .collect(),
    })
}

/// The seeds a spread of `n` runs from `first`: `first, first + 1, ...` (the command line and the
/// page agree on them).
pub fn seed_list(first: u32, n: u32) -> Vec<u32> {
    (0..n.clamp(1, MAX_SEEDS))
        .map(|i| first.wrapping_add(i))
        .collect()
}

/// A figure across seeds.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub key: &'static str,
    /// Mean over the seeds where it is defined (`None` if it is nowhere).
    pub mean: Option<f64>,
    /// The 5th and 95th percentiles of the seeds' values (linear interpolation).
    pub lo: Option<f64>,
    pub hi: Option<f64>,
    /// Seeds where the figure is defined.
    pub defined: usize,
}

/// One lane across seeds.
#[derive(Clone, Debug)]
pub struct LaneSpread {
    pub label: &'static str,
    pub description: String,
    pub figures: Vec<Figure>,
}

/// A caption claim across seeds.
#[derive(Clone, Debug)]
pub struct ClaimCount {
    pub claim: &'static str,
    pub held: usize,
    /// Seeds where it applied.
    pub of: usize,
}

/// Everything the seeds say together.
#[derive(Clone, Debug)]
pub struct Spread {
    pub seeds: Vec<u32>,
    /// The metric the lanes are compared on.
    pub metric: String,
    /// False when the metric has no better direction (e.g. traffic): no lane does better.
    pub comparable: bool,
    pub lanes: Vec<LaneSpread>,
    /// `wins[i][j]`: seeds in which lane `i` did better than lane `j` on the metric.
    pub wins: Vec<Vec<usize>>,
    pub claims: Vec<ClaimCount>,
}

/// Mean, 5th and 95th percentiles of the finite values.
pub fn mean_interval(values: impl Iterator<Item = f64>) -> (Option<f64>, Option<f64>, Option<f64>) {
    let mut v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return (None, None, None);
    }
    // An insertion sort: a few dozen seeds, and no second copy of the standard sort in the page's wasm.
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && v[j - 1] > v[j] {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    let tail = (1.0 - INTERVAL) / 2.0;
    (
        Some(mean),
        Some(quantile(&v, tail)),
        Some(quantile(&v, 1.0 - tail)),
    )
}

/// The `q` quantile of sorted, non-empty `v`, interpolated between neighbours.
fn quantile(v: &[f64], q: f64) -> f64 {
    let pos = q * (v.len() - 1) as f64;
    let (i, t) = (pos.floor() as usize, pos - pos.floor());
    let j = (i + 1).min(v.len() - 1);
    v[i] + t * (v[j] - v[i])
}

/// How good a value of metric `key` is (higher is better), `None` when the metric has no better
/// direction or the value is undefined. Calibration is better the closer it is to 1.
pub fn goodness(key: &str, better: Better, v: f64) -> Option<f64> {
    if !v.is_finite() {
        return None;
    }
    match better {
        Better::Higher => Some(v),
        Better::Lower => Some(-v),
        Better::Neutral if key == CALIBRATION.key => Some(-(v - 1.0).abs()),
        Better::Neutral => None,
    }
}

/// Whether metric `key` of `scenario` has a better direction (see [`goodness`]).
pub fn comparable(scenario: Scenario, key: &str) -> bool {
    metric(scenario, key).is_some_and(|m| goodness(key, m.info.better, 1.5).is_some())
}

/// The spread of `runs` (of `cfg` with different seeds), compared on `key`.
pub fn aggregate(cfg: &Config, key: &str, preset: Option<&str>, runs: &[SeedRun]) -> Spread {
    let keys: Vec<&'static str> = metrics(cfg.scenario).map(|m| m.key).collect();
    let lanes = cfg.lanes.len();
    let fig = |r: &SeedRun, l: usize, m: usize| {
        r.figures
            .get(l)
            .and_then(|f| f.get(m))
            .copied()
            .unwrap_or(f64::NAN)
    };
    let lane_spreads = (0..lanes)
        .map(|l| LaneSpread {
            label: LANE_NAMES[l],
            description: describe(&cfg.lanes[l], cfg.scenario),
            figures: keys
                .iter()
                .enumerate()
                .map(|(m, &k)| {
                    let (mean, lo, hi) = mean_interval(runs.iter().map(|r| fig(r, l, m)));
                    let defined = runs.iter().filter(|r| fig(r, l, m).is_finite()).count();
                    Figure {
                        key: k,
                        mean,
                        lo,
                        hi,
                        defined,
                    }
                })
                .collect(),
        })
        .collect();
    let mut wins = vec![vec![0; lanes]; lanes];
    let better = metric(cfg.scenario, key).map(|m| m.info.better);
    if let (Some(m), Some(b)) = (keys.iter().position(|k| *k == key), better) {
        for r in runs {
            let g: Vec<Option<f64>> = (0..lanes).map(|l| goodness(key, b, fig(r, l, m))).collect();
            for i in 0..lanes {
                for j in 0..lanes {
                    if let (Some(x), Some(y)) = (g[i], g[j]) {
                        wins[i][j] += usize::from(x > y);
                    }
                }
            }
        }
    }
    let texts = claims(preset.unwrap_or(""));
    let claims = texts
        .iter()
        .enumerate()
        .map(|(c, claim)| {
            let r = runs
                .iter()
                .filter_map(|r| r.claims.get(c).copied().flatten());
            let (held, of) = r.fold((0, 0), |(h, o), ok| (h + usize::from(ok), o + 1));
            ClaimCount {
                claim: claim.text,
                held,
                of,
            }
        })
        .collect();
    Spread {
        seeds: runs.iter().map(|r| r.seed).collect(),
        metric: key.to_string(),
        comparable: comparable(cfg.scenario, key),
        lanes: lane_spreads,
        wins,
        claims,
    }
}

/// One time bucket across seeds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Band {
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
}

/// Hours covered by bucket `b` of `r` (the last bucket may end at the horizon).
fn bucket_hours(r: &SeedRun, b: usize) -> f64 {
    let start = b as f64 * r.bucket_min;
    (r.horizon_min.min(start + r.bucket_min) - start).max(0.0) / MINUTES_PER_HOUR
}

/// Lane `l`'s metric `key` per bucket of one run, windowed or cumulative (as `Experiment` computes it).
pub fn values(r: &SeedRun, scenario: Scenario, l: usize, key: &str, cumulative: bool) -> Vec<f64> {
    let (Some(m), Some(sums)) = (metric(scenario, key), r.sums.get(l)) else {
        return Vec::new();
    };
    let f = r.fields.max(1);
    let mut acc = vec![0.0; f];
    let mut hours = 0.0;
    sums.chunks_exact(f)
        .enumerate()
        .map(|(b, row)| {
            if !cumulative {
                return (m.value)(row, bucket_hours(r, b));
            }
            acc.iter_mut().zip(row).for_each(|(a, v)| *a += v);
            hours += bucket_hours(r, b);
            (m.value)(&acc, hours)
        })
        .collect()
}

/// Lane `l`'s metric `key` per bucket across `runs`: mean and 90% interval (NaN where undefined).
pub fn band(
    runs: &[SeedRun],
    scenario: Scenario,
    l: usize,
    key: &str,
    cumulative: bool,
) -> Vec<Band> {
    let per_seed: Vec<Vec<f64>> = runs
        .iter()
        .map(|r| values(r, scenario, l, key, cumulative))
        .collect();
    let buckets = per_seed.iter().map(Vec::len).max().unwrap_or(0);
    (0..buckets)
        .map(|b| {
            let (mean, lo, hi) = mean_interval(per_seed.iter().filter_map(|v| v.get(b).copied()));
            let nan = f64::NAN;
            Band {
                mean: mean.unwrap_or(nan),
                lo: lo.unwrap_or(nan),
                hi: hi.unwrap_or(nan),
            }
        })
        .collect()
}

/// The spread as the command line prints it (`rtml run --seeds N --json`): per lane each figure's
/// mean and interval, per pair of lanes the seeds in which each did better, the claims' counts.
pub fn to_json(preset: &str, spread: &Spread) -> serde_json::Value {
    use crate::base::json::json_num;
    let opt = |v: Option<f64>| json_num(v.unwrap_or(f64::NAN));
    let lanes: Vec<serde_json::Value> = spread
        .lanes
        .iter()
        .map(|l| {
            let m = crate::base::json::object_of(l.figures.iter().map(|f| {
                let v = serde_json::json!({"mean": opt(f.mean), "lo": opt(f.lo), "hi": opt(f.hi), "seeds": f.defined});
                (f.key.to_string(), v)
            }));
            serde_json::json!({"label": l.label, "description": l.description, "summary": m})
        })
        .collect();
    let mut pairs = Vec::new();
    for i in 0..spread.lanes.len() {
        for j in i + 1..spread.lanes.len() {
            pairs.push(serde_json::json!({
                "lanes": [spread.lanes[i].label, spread.lanes[j].label],
                "better": [spread.wins[i][j], spread.wins[j][i]],
            }));
        }
    }
    serde_json::json!({
        "preset": preset,
        "seeds": spread.seeds,
        "interval": INTERVAL,
        "metric": spread.metric,
        "comparable": spread.comparable,
        "lanes": lanes,
        "pairs": pairs,
        "claims": spread.claims.iter().map(|c| serde_json::json!({"claim": c.claim, "held": c.held, "of": c.of})).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_spans_the_central_ninety_percent() {
        let (m, lo, hi) = mean_interval((1..=21).map(f64::from));
        assert_eq!(m, Some(11.0));
        assert!((lo.unwrap() - 2.0).abs() < 1e-9 && (hi.unwrap() - 20.0).abs() < 1e-9);
        let (m, lo, hi) = mean_interval([3.0, f64::NAN].into_iter());
        assert_eq!((m, lo, hi), (Some(3.0), Some(3.0), Some(3.0)));
        assert_eq!(mean_interval(std::iter::empty()), (None, None, None));
    }

    #[test]
    fn a_run_survives_its_flat_form_and_other_arrays_are_refused() {
        let mut cfg = Config::for_scenario(Scenario::Cells);
        cfg.days = 1.0;
        let r = run_seed(&cfg, Some("cells-sleep"), 4).unwrap();
        assert_eq!(
            r.claims.len(),
            crate::study::claims::claims("cells-sleep").len()
        );
        let flat = r.to_flat();
        let back = SeedRun::from_flat(&flat).unwrap();
        assert_eq!(back.sums, r.sums);
        assert_eq!(back.claims, r.claims);
        assert_eq!((back.seed, back.fields), (4, r.fields));
        for bad in [&flat[..flat.len() - 1], &[][..], &[f64::NAN; 9][..]] {
            assert!(SeedRun::from_flat(bad).is_none());
        }
    }

    #[test]
    fn calibration_is_better_near_one_and_traffic_has_no_winner() {
        let g = |v| goodness("calibration", Better::Neutral, v).unwrap();
        assert!(g(0.9) > g(1.3) && g(1.05) > g(0.9));
        assert_eq!(goodness("traffic", Better::Neutral, 3.0), None);
        assert!(goodness("regret", Better::Lower, 1.0) > goodness("regret", Better::Lower, 2.0));
    }

    fn short(scenario: Scenario) -> Config {
        let mut cfg = Config::for_scenario(scenario);
        cfg.days = 2.0;
        cfg.warmup = 1.0;
        cfg
    }

    #[test]
    fn wins_count_each_seed_once_per_pair_and_order_does_not_matter() {
        let cfg = short(Scenario::Ads);
        let runs: Vec<SeedRun> = seed_list(7, 4)
            .into_iter()
            .map(|s| run_seed(&cfg, None, s).unwrap())
            .collect();
        let a = aggregate(&cfg, "regret", None, &runs);
        let mut rev = runs.clone();
        rev.reverse();
        let b = aggregate(&cfg, "regret", None, &rev);
        assert_eq!(a.wins, b.wins);
        assert_eq!(a.lanes[1].figures, b.lanes[1].figures);
        for i in 0..2 {
            for j in 0..2 {
                assert!(a.wins[i][j] + a.wins[j][i] <= 4);
            }
            assert_eq!(a.wins[i][i], 0);
        }
        // The per-lane regret decides each win: recount by hand.
        let m = metrics(cfg.scenario)
            .position(|m| m.key == "regret")
            .unwrap();
        let b_better = runs
            .iter()
            .filter(|r| r.figures[1][m] < r.figures[0][m])
            .count();
        assert_eq!(a.wins[1][0], b_better);
    }

    #[test]
    fn a_seed_run_reproduces_the_experiment() {
        for scenario in [Scenario::Ads, Scenario::Cells] {
            let cfg = short(scenario);
            let r = run_seed(&cfg, None, 3).unwrap();
            let mut c = cfg.clone();
            c.seed = 3;
            let mut exp = Experiment::new(c).unwrap();
            exp.run_to_end();
            let key = metrics(scenario).next().unwrap().key;
            for cumulative in [false, true] {
                let want = if cumulative {
                    exp.cumulative(1, key)
                } else {
                    exp.windowed(1, key)
                };
                let got = values(&r, scenario, 1, key, cumulative);
                assert_eq!(got.len(), want.len());
                for (g, w) in got.iter().zip(&want) {
                    assert!(g == w || (g.is_nan() && w.is_nan()), "{g} vs {w}");
                }
            }
            let one = band(std::slice::from_ref(&r), scenario, 1, key, false);
            let w = exp.windowed(1, key);
            assert!(one
                .iter()
                .zip(&w)
                .all(|(b, w)| !w.is_finite() || (b.mean == *w && b.lo == *w)));
        }
    }
}
