//! Page-Hinkley change detector (E. S. Page, "Continuous inspection schemes", Biometrika 1954; in the form
//! used by MOA and River: J. Gama et al., "A survey on concept drift adaptation", ACM CSUR 2014).
//!
//! Watches a stream of losses; fires when their mean rises: with `m_T = sum_t (x_t - mean_t - delta)`
//! and `M_T = min_t m_t`, a drift is signalled when `m_T - M_T > threshold`.

/// Page-Hinkley test for an increase of the mean.
#[derive(Clone, Debug)]
pub struct PageHinkley {
    /// Magnitude of change tolerated (in loss units).
    pub delta: f64,
    /// Detection threshold lambda.
    pub threshold: f64,
    /// Observations to see before the test may fire.
    pub min_instances: u64,
    n: u64,
    mean: f64,
    cum: f64,
    min_cum: f64,
}

impl PageHinkley {
    /// A detector with the given tolerance and threshold.
    pub fn new(delta: f64, threshold: f64, min_instances: u64) -> Self {
        PageHinkley {
            delta,
            threshold,
            min_instances,
            n: 0,
            mean: 0.0,
            cum: 0.0,
            min_cum: 0.0,
        }
    }

    /// Forgets everything seen (after a retrain).
    pub fn reset(&mut self) {
        *self = PageHinkley::new(self.delta, self.threshold, self.min_instances);
    }

    /// Adds one observation; returns true when a drift is detected (the detector then resets).
    pub fn update(&mut self, x: f64) -> bool {
        if !x.is_finite() {
            return false;
        }
        self.n += 1;
        self.mean += (x - self.mean) / self.n as f64;
        self.cum += x - self.mean - self.delta;
        self.min_cum = self.min_cum.min(self.cum);
        if self.n >= self.min_instances && self.cum - self.min_cum > self.threshold {
            self.reset();
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::rng::Rng;

    #[test]
    fn fires_after_a_rise_and_not_before() {
        let mut ph = PageHinkley::new(0.005, 5.0, 30);
        let mut rng = Rng::new(1, 1);
        for _ in 0..5000 {
            assert!(
                !ph.update(0.1 + 0.02 * rng.normal()),
                "false alarm on a stationary stream"
            );
        }
        let fired = (0..2000).position(|_| ph.update(0.3 + 0.02 * rng.normal()));
        assert!(matches!(fired, Some(k) if k < 200), "{fired:?}");
    }
}
