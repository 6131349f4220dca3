//! Online linear regression for load forecasting.
//!
//! * RLS ([`RegKind::Rls`]): recursive least squares with an exponential forgetting factor lambda
//!   (S. Haykin, *Adaptive Filter Theory*, 4th ed., 2002, section 9.3, Table 9.1):
//!   `k = P x / (lambda + x' P x)`, `e = y - w' x`, `w += k e`, `P = (P - k x' P) / lambda`,
//!   with `P(0) = delta^-1 I`.
//! * NLMS ([`RegKind::Nlms`]): normalised least mean squares (Haykin, section 6.1): `w += mu e x / (eps + |x|^2)`,
//!   with the error clipped to `[-clip, clip]` so that heavy-tailed surges cannot blow the weights up
//!   (plain SGD diverges on such traffic).

use serde::{Deserialize, Serialize};

/// Which online regression learner forecasts the load.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegKind {
    /// Recursive least squares with forgetting.
    Rls,
    /// Normalised LMS with error clipping.
    Nlms,
}

/// Hyper-parameters of the regression learners.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegParams {
    pub kind: RegKind,
    /// RLS forgetting factor lambda in (0.9, 1]: 1 remembers everything.
    pub forgetting: f64,
    /// RLS initial inverse-correlation scale 1/delta.
    pub p0: f64,
    /// NLMS step size mu in (0, 2).
    pub step: f64,
    /// NLMS error clip (load units).
    pub clip: f64,
}

impl Default for RegParams {
    fn default() -> Self {
        RegParams {
            kind: RegKind::Rls,
            forgetting: 0.999,
            p0: 100.0,
            step: 0.1,
            clip: 0.5,
        }
    }
}

/// An online linear regressor of dimension `d`.
#[derive(Clone, Debug)]
pub struct Regressor {
    params: RegParams,
    w: Vec<f64>,
    /// RLS inverse correlation matrix, row-major d x d (empty for NLMS).
    p: Vec<f64>,
    /// Scratch for P x.
    px: Vec<f64>,
}

impl Regressor {
    /// A fresh regressor with zero weights.
    pub fn new(params: RegParams, d: usize) -> Self {
        let mut r = Regressor {
            params,
            w: vec![0.0; d],
            p: Vec::new(),
            px: vec![0.0; d],
        };
        r.reset();
        r
    }

    /// Back to the initial state (stateless retraining starts here).
    pub fn reset(&mut self) {
        let d = self.w.len();
        self.w.fill(0.0);
        if self.params.kind == RegKind::Rls {
            self.p = vec![0.0; d * d];
            for i in 0..d {
                self.p[i * d + i] = self.params.p0;
            }
        }
    }

    /// The weights.
    pub fn weights(&self) -> &[f64] {
        &self.w
    }

    /// Prediction w . x.
    #[inline]
    pub fn predict(&self, x: &[f64]) -> f64 {
        self.w.iter().zip(x).map(|(w, x)| w * x).sum()
    }

    /// One update on (x, y); returns the prediction made before it. Non-finite inputs are ignored.
    pub fn learn(&mut self, x: &[f64], y: f64) -> f64 {
        let yhat = self.predict(x);
        if !y.is_finite() || !yhat.is_finite() || x.iter().any(|v| !v.is_finite()) {
            return yhat;
        }
        let e = y - yhat;
        let d = self.w.len();
        match self.params.kind {
            RegKind::Rls => {
                let lambda = self.params.forgetting;
                for i in 0..d {
                    self.px[i] = (0..d).map(|j| self.p[i * d + j] * x[j]).sum();
                }
                let denom = lambda + x.iter().zip(&self.px).map(|(a, b)| a * b).sum::<f64>();
                if !(denom.is_finite() && denom > 1e-12) {
                    self.reset();
                    return yhat;
                }
                for i in 0..d {
                    self.w[i] += self.px[i] / denom * e;
                }
                // P is symmetric, so x' P = (P x)'.
                let mut trace = 0.0;
                for i in 0..d {
                    for j in 0..d {
                        let v = (self.p[i * d + j] - self.px[i] * self.px[j] / denom) / lambda;
                        self.p[i * d + j] = v;
                    }
                    trace += self.p[i * d + i];
                }
                // Forgetting with poor excitation lets P grow without bound ("wind-up"): cap it.
                let cap = self.params.p0 * d as f64 * 10.0;
                if !(trace.is_finite()) || trace > cap {
                    let s = if trace.is_finite() && trace > 0.0 {
                        cap / trace
                    } else {
                        0.0
                    };
                    if s == 0.0 {
                        self.reset();
                    } else {
                        self.p.iter_mut().for_each(|v| *v *= s);
                    }
                }
            }
            RegKind::Nlms => {
                let e = e.clamp(-self.params.clip, self.params.clip);
                let norm = 1e-6 + x.iter().map(|v| v * v).sum::<f64>();
                let k = self.params.step * e / norm;
                for (w, xi) in self.w.iter_mut().zip(x) {
                    *w += k * xi;
                }
            }
        }
        yhat
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::rng::Rng;

    fn fit(kind: RegKind, forgetting: f64) -> (Regressor, Vec<f64>) {
        let params = RegParams {
            kind,
            forgetting,
            ..Default::default()
        };
        let mut r = Regressor::new(params, 3);
        let mut rng = Rng::new(5, 5);
        let truth = [0.3, -0.2, 0.5];
        for _ in 0..20_000 {
            let x = [1.0, rng.uniform(), rng.normal()];
            let y: f64 =
                truth.iter().zip(&x).map(|(a, b)| a * b).sum::<f64>() + 0.01 * rng.normal();
            r.learn(&x, y);
        }
        (r, truth.to_vec())
    }

    #[test]
    fn both_learners_recover_a_linear_model() {
        for kind in [RegKind::Rls, RegKind::Nlms] {
            let (r, truth) = fit(kind, 0.999);
            for (w, t) in r.weights().iter().zip(&truth) {
                assert!(
                    (w - t).abs() < 0.03,
                    "{kind:?}: {:?} vs {truth:?}",
                    r.weights()
                );
            }
        }
    }

    #[test]
    fn rls_without_forgetting_is_least_squares() {
        // With lambda = 1 and a large P(0), RLS equals the batch least-squares solution.
        let params = RegParams {
            kind: RegKind::Rls,
            forgetting: 1.0,
            p0: 1e6,
            ..Default::default()
        };
        let mut r = Regressor::new(params, 2);
        let pts = [(0.0, 1.0), (1.0, 2.9), (2.0, 5.1), (3.0, 7.0)];
        for &(x, y) in &pts {
            r.learn(&[1.0, x], y);
        }
        // OLS: slope = 2.0, intercept = 0.97 for these points.
        let n = pts.len() as f64;
        let (sx, sy) = pts.iter().fold((0.0, 0.0), |a, p| (a.0 + p.0, a.1 + p.1));
        let sxy: f64 = pts.iter().map(|p| p.0 * p.1).sum();
        let sxx: f64 = pts.iter().map(|p| p.0 * p.0).sum();
        let slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        let icpt = (sy - slope * sx) / n;
        assert!(
            (r.weights()[1] - slope).abs() < 1e-4 && (r.weights()[0] - icpt).abs() < 1e-4,
            "{:?}",
            r.weights()
        );
    }

    #[test]
    fn forgetting_tracks_a_level_shift() {
        let params = RegParams {
            forgetting: 0.98,
            ..Default::default()
        };
        let mut r = Regressor::new(params, 1);
        for t in 0..2000 {
            r.learn(&[1.0], if t < 1000 { 0.2 } else { 0.6 });
        }
        assert!((r.predict(&[1.0]) - 0.6).abs() < 1e-3);
    }
}
