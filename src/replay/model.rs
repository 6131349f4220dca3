//! FTRL-Proximal logistic regression (McMahan et al. 2013, Algorithm 1) laid out for replaying large
//! files: each bucket's z, n, sqrt(n) and w share one 32-byte slot, so a feature costs one cache line
//! instead of four (as in Vowpal Wabbit's weight stride). The arithmetic is that of
//! [`crate::learn::ftrl::Ftrl`], operation for operation; a test checks both agree bit for bit.

use crate::learn::ftrl::{Feature, FtrlParams};
use crate::rng::sigmoid;

/// One bucket's state.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(32))]
struct Slot {
    z: f64,
    n: f64,
    sn: f64,
    w: f64,
}

/// Per-coordinate FTRL-Proximal state over `2^bits` buckets, one slot per bucket.
#[derive(Clone, Debug)]
pub(crate) struct Model {
    params: FtrlParams,
    mask: u32,
    slots: Vec<Slot>,
}

impl Model {
    /// A model with all-zero state over `2^bits` buckets (`bits` clamped to 1..=24).
    pub fn new(params: FtrlParams, bits: u32) -> Self {
        let size = 1usize << bits.clamp(1, 24);
        Model {
            params,
            mask: (size - 1) as u32,
            slots: vec![Slot::default(); size],
        }
    }

    /// Number of buckets.
    pub fn size(&self) -> usize {
        self.slots.len()
    }

    /// Forgets everything (stateless retraining starts here).
    pub fn reset(&mut self) {
        self.slots.fill(Slot::default());
    }

    /// The weight of bucket `i`.
    #[inline]
    pub fn weight(&self, i: u32) -> f64 {
        self.slots[(i & self.mask) as usize].w
    }

    /// Logit x . w.
    #[inline]
    pub fn logit(&self, x: &[Feature]) -> f64 {
        x.iter()
            .map(|f| self.slots[(f.index & self.mask) as usize].w * f.value)
            .sum()
    }

    /// Click probability of x.
    #[cfg(test)]
    pub fn predict(&self, x: &[Feature]) -> f64 {
        sigmoid(self.logit(x))
    }

    /// One step of Algorithm 1 on (x, y), y in {0, 1}. Returns the probability predicted before the update.
    #[inline]
    pub fn learn(&mut self, x: &[Feature], y: f64) -> f64 {
        self.learn_scored(x, y).1
    }

    /// [`Model::learn`], returning the logit and the probability predicted before the update.
    #[inline]
    pub fn learn_scored(&mut self, x: &[Feature], y: f64) -> (f64, f64) {
        let z = self.logit(x);
        let p = sigmoid(z);
        let FtrlParams {
            alpha,
            beta,
            l1,
            l2,
        } = self.params;
        for f in x {
            let s = &mut self.slots[(f.index & self.mask) as usize];
            let g = (p - y) * f.value;
            let n = s.n + g * g;
            let sn = n.sqrt();
            let sigma = (sn - s.sn) / alpha;
            s.z += g - sigma * s.w;
            s.n = n;
            s.sn = sn;
            let z = s.z;
            s.w = if z.abs() <= l1 {
                0.0
            } else {
                -(z - z.signum() * l1) / ((beta + sn) / alpha + l2)
            };
        }
        (z, p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::ftrl::Ftrl;
    use crate::rng::Rng;

    #[test]
    fn agrees_bit_for_bit_with_the_shared_implementation() {
        for params in [
            FtrlParams::default(),
            FtrlParams {
                alpha: 0.5,
                beta: 0.5,
                l1: 0.0,
                l2: 0.0,
            },
            FtrlParams {
                alpha: 0.05,
                beta: 2.0,
                l1: 3.0,
                l2: 0.1,
            },
        ] {
            let mut a = Model::new(params, 10);
            let mut b = Ftrl::new(params, 10);
            let mut rng = Rng::new(11, 4);
            for _ in 0..20_000 {
                let x: Vec<Feature> = (0..8)
                    .map(|k| Feature {
                        index: (k * 128 + rng.below(128)) as u32,
                        value: if k < 6 { 1.0 } else { rng.normal() },
                    })
                    .collect();
                let y = if rng.uniform() < 0.3 { 1.0 } else { 0.0 };
                assert_eq!(a.predict(&x).to_bits(), b.predict(&x).to_bits());
                assert_eq!(a.learn(&x, y).to_bits(), b.learn(&x, y).to_bits());
            }
            for i in 0..a.size() as u32 {
                assert_eq!(a.weight(i).to_bits(), b.weights()[i as usize].to_bits());
            }
            a.reset();
            assert!((0..a.size() as u32).all(|i| a.weight(i) == 0.0));
        }
    }
}
