//! Bounded sums over an axis of unknown length (examples or hours), and a constant-memory AUC.

use crate::domain::MAX_BUCKETS;

/// Sums of `fields` accumulators per bucket of width `width` along x >= 0. When x goes past
/// [`MAX_BUCKETS`] buckets, neighbouring buckets are merged (the width grows along `ladder`, then
/// doubles), so memory stays bounded whatever the length of the file.
#[derive(Clone, Debug)]
pub(crate) struct Buckets {
    ladder: &'static [f64],
    rung: usize,
    pub width: f64,
    pub fields: usize,
    data: Vec<f64>,
    /// Buckets in use (1 + the highest bucket written).
    pub used: usize,
}

/// Widths for an axis of examples: round numbers, each a multiple of the previous one.
pub(crate) const EXAMPLE_LADDER: &[f64] = &[
    1.0, 5.0, 10.0, 50.0, 100.0, 500.0, 1e3, 5e3, 1e4, 5e4, 1e5, 5e5, 1e6, 5e6, 1e7,
];
/// Widths for an axis of hours: an hour, ..., a day, a week, four weeks, twelve weeks, ...
pub(crate) const HOUR_LADDER: &[f64] = &[
    1.0, 2.0, 6.0, 12.0, 24.0, 168.0, 336.0, 672.0, 2016.0, 4032.0, 8064.0,
];

impl Buckets {
    pub fn new(ladder: &'static [f64], fields: usize) -> Self {
        Buckets {
            ladder,
            rung: 0,
            width: ladder[0],
            fields,
            data: vec![0.0; MAX_BUCKETS * fields],
            used: 0,
        }
    }

    fn coarsen(&mut self) {
        self.rung += 1;
        let new = self
            .ladder
            .get(self.rung)
            .copied()
            .unwrap_or(self.width * 2.0);
        let k = ((new / self.width).round() as usize).max(2);
        self.width *= k as f64;
        let f = self.fields;
        let mut merged = vec![0.0; MAX_BUCKETS * f];
        for b in 0..self.used {
            let dst = b / k;
            for j in 0..f {
                merged[dst * f + j] += self.data[b * f + j];
            }
        }
        self.data = merged;
        self.used = self.used.div_ceil(k);
    }

    /// The accumulators of the bucket holding `x` (negative or NaN x goes to the first bucket).
    pub fn at(&mut self, x: f64) -> &mut [f64] {
        let x = if x.is_finite() {
            x.clamp(0.0, 1e15)
        } else {
            0.0
        };
        let mut b = (x / self.width) as usize;
        while b >= MAX_BUCKETS {
            self.coarsen();
            b = (x / self.width) as usize;
        }
        self.used = self.used.max(b + 1);
        let f = self.fields;
        &mut self.data[b * f..(b + 1) * f]
    }

    /// The sums of bucket `b`.
    pub fn row(&self, b: usize) -> &[f64] {
        &self.data[b * self.fields..(b + 1) * self.fields]
    }
}

/// Logit range of the AUC histogram: predictions beyond it share the end bins.
const AUC_LOGIT: f64 = 12.0;
/// Bins of the AUC histogram (width 24 / 4800 = 0.005 in logit).
const AUC_BINS: usize = 4800;

/// Area under the ROC curve from a histogram of predictions by label: 4800 bins of width 0.005 in
/// logit over [-12, 12] (end bins take the rest). Constant memory; pairs that fall in the same bin
/// count as ties (half a pair), so it differs from the exact AUC only by pairs closer than 0.005 in logit.
#[derive(Clone, Debug)]
pub(crate) struct Auc {
    pos: Vec<f64>,
    neg: Vec<f64>,
}

impl Auc {
    pub fn new() -> Self {
        Auc {
            pos: vec![0.0; AUC_BINS],
            neg: vec![0.0; AUC_BINS],
        }
    }

    /// Adds a prediction of logit `z` of an example with label `y` (0 or 1) and weight `w`.
    #[inline]
    pub fn add(&mut self, z: f64, y: f64, w: f64) {
        let u = (z + AUC_LOGIT) / (2.0 * AUC_LOGIT) * AUC_BINS as f64;
        let b = if u.is_finite() {
            (u.max(0.0) as usize).min(AUC_BINS - 1)
        } else {
            0
        };
        if y > 0.5 {
            self.pos[b] += w;
        } else {
            self.neg[b] += w;
        }
    }

    /// The AUC, NaN without both a positive and a negative.
    pub fn value(&self) -> f64 {
        let (mut below, mut acc) = (0.0, 0.0);
        for (p, n) in self.pos.iter().zip(&self.neg) {
            acc += p * (below + 0.5 * n);
            below += n;
        }
        let pos: f64 = self.pos.iter().sum();
        if pos > 0.0 && below > 0.0 {
            acc / (pos * below)
        } else {
            f64::NAN
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::rng::{sigmoid, Rng};

    #[test]
    fn buckets_stay_bounded_and_keep_the_sums() {
        let mut b = Buckets::new(EXAMPLE_LADDER, 2);
        for i in 0..1_000_000u64 {
            let r = b.at(i as f64);
            r[0] += 1.0;
            r[1] += i as f64;
        }
        assert!(
            b.used <= MAX_BUCKETS && b.used >= MAX_BUCKETS / 5,
            "{} buckets",
            b.used
        );
        let total: f64 = (0..b.used).map(|k| b.row(k)[0]).sum();
        assert_eq!(total, 1e6);
        assert_eq!(b.width, 5000.0);
        assert_eq!(b.row(0)[0], 5000.0);
    }

    #[test]
    fn auc_histogram_is_close_to_the_exact_auc() {
        let mut rng = Rng::new(1, 1);
        let mut a = Auc::new();
        let mut pts = Vec::new();
        for _ in 0..4000 {
            let s = rng.normal() * 2.0 - 3.0;
            let y = if rng.uniform() < sigmoid(s + rng.normal()) {
                1.0
            } else {
                0.0
            };
            a.add(s, y, 1.0);
            pts.push((sigmoid(s), y));
        }
        let (mut num, mut den) = (0.0, 0.0);
        for &(p, y) in &pts {
            if y == 1.0 {
                for &(q, z) in &pts {
                    if z == 0.0 {
                        den += 1.0;
                        num += if p > q {
                            1.0
                        } else if p == q {
                            0.5
                        } else {
                            0.0
                        };
                    }
                }
            }
        }
        let exact = num / den;
        assert!((a.value() - exact).abs() < 1e-3, "{} vs {exact}", a.value());
    }
}
