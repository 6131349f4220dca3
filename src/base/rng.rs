//! Seeded random streams, identical on every target.
//!
//! Every stream is a Xoshiro256++ generator (a named, portable algorithm; `rand`'s `SmallRng` is not the
//! same algorithm on wasm32) seeded from the experiment seed and a stream number through SplitMix64, so
//! adding a stream never shifts the draws of another. Distributions use `libm`, so a seeded run gives
//! bit-identical numbers natively and in wasm.

use rand::{Rng as _, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Named stream numbers. World streams define the world every lane sees (common random numbers).
pub mod stream {
    /// Structure of the ads world: segments, affinities, catalogue.
    pub const ADS_WORLD: u64 = 1;
    /// Ad request arrivals and their per-request uniforms.
    pub const ADS_TRAFFIC: u64 = 2;
    /// Drift: random walks, shifts, new campaigns.
    pub const ADS_DRIFT: u64 = 3;
    /// Cell structure and profiles.
    pub const CELLS_WORLD: u64 = 11;
    /// Per-interval load noise.
    pub const CELLS_NOISE: u64 = 12;
    /// The simulator's (mis-specified) profile parameters.
    pub const CELLS_SIMULATOR: u64 = 13;
    /// Slow change of every cell (growth, seasons, users moving).
    pub const CELLS_DRIFT: u64 = 14;
}

/// SplitMix64 finaliser (Steele, Lea, Flood 2014): spreads a seed over 64 bits.
pub fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A seeded random stream with the few distributions the simulator needs.
#[derive(Clone, Debug)]
pub struct Rng(Xoshiro256PlusPlus);

impl Rng {
    /// The stream `stream` of experiment seed `seed`.
    pub fn new(seed: u64, stream: u64) -> Self {
        Rng(Xoshiro256PlusPlus::seed_from_u64(splitmix64(
            seed ^ splitmix64(stream),
        )))
    }

    /// Uniform in [0, 1) with 53 random bits.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in 0..n (n > 0), by Lemire's multiply-shift (bias below 2^-32 for the small n used).
    #[inline]
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        (((self.0.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Exponential with mean 1.
    #[inline]
    pub fn exp1(&mut self) -> f64 {
        -libm::log(1.0 - self.uniform())
    }

    /// Standard normal (Box-Muller, one value per call).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
    }

    /// Poisson with mean `lambda` (inversion for small means, a rounded normal for large ones).
    pub fn poisson(&mut self, lambda: f64) -> u32 {
        if lambda.is_nan() || lambda <= 0.0 {
            return 0;
        }
        if lambda > 30.0 {
            let x = lambda + libm::sqrt(lambda) * self.normal();
            return x.round().max(0.0) as u32;
        }
        let l = libm::exp(-lambda);
        let mut k = 0u32;
        let mut p = 1.0;
        loop {
            p *= self.uniform();
            if p <= l {
                return k;
            }
            k += 1;
        }
    }

    /// Index drawn with probability proportional to `weights` (non-negative, not all zero).
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        self.weighted_with_total(weights, weights.iter().sum())
    }

    /// [`Rng::weighted`] with the weights' sum (in order) computed once by the caller.
    #[inline]
    pub fn weighted_with_total(&mut self, weights: &[f64], total: f64) -> usize {
        let mut x = self.uniform() * total;
        for (i, w) in weights.iter().enumerate() {
            x -= w;
            if x < 0.0 {
                return i;
            }
        }
        weights.len() - 1
    }
}

/// Logistic function, numerically safe for any finite or infinite input.
#[inline]
pub fn sigmoid(z: f64) -> f64 {
    let z = z.clamp(-35.0, 35.0);
    1.0 / (1.0 + libm::exp(-z))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<f64> = (0..5)
            .map({
                let mut r = Rng::new(7, 1);
                move |_| r.uniform()
            })
            .collect();
        let b: Vec<f64> = (0..5)
            .map({
                let mut r = Rng::new(7, 1);
                move |_| r.uniform()
            })
            .collect();
        let c: Vec<f64> = (0..5)
            .map({
                let mut r = Rng::new(7, 2);
                move |_| r.uniform()
            })
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn distributions_have_the_right_moments() {
        let mut r = Rng::new(1, 1);
        let n = 200_000;
        let mean_u: f64 = (0..n).map(|_| r.uniform()).sum::<f64>() / n as f64;
        assert!((mean_u - 0.5).abs() < 0.005, "{mean_u}");
        let mean_e: f64 = (0..n).map(|_| r.exp1()).sum::<f64>() / n as f64;
        assert!((mean_e - 1.0).abs() < 0.01, "{mean_e}");
        let xs: Vec<f64> = (0..n).map(|_| r.normal()).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n as f64;
        assert!(m.abs() < 0.01 && (v - 1.0).abs() < 0.02, "{m} {v}");
        for lambda in [0.5, 4.0, 80.0] {
            let mp = (0..50_000).map(|_| r.poisson(lambda) as f64).sum::<f64>() / 50_000.0;
            assert!(
                (mp - lambda).abs() < 0.05 * lambda.max(1.0),
                "{lambda} {mp}"
            );
        }
        let counts = (0..30_000).fold([0usize; 3], |mut c, _| {
            c[r.weighted(&[1.0, 2.0, 1.0])] += 1;
            c
        });
        assert!(
            (counts[1] as f64 / 30_000.0 - 0.5).abs() < 0.02,
            "{counts:?}"
        );
        assert!((0..1000).all(|_| r.below(7) < 7));
    }

    #[test]
    fn sigmoid_is_safe() {
        assert_eq!(sigmoid(0.0), 0.5);
        assert!(sigmoid(f64::INFINITY) < 1.0 && sigmoid(f64::NEG_INFINITY) > 0.0);
    }
}
