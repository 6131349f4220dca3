//! FTRL-Proximal logistic regression over hashed features.
//!
//! H. B. McMahan et al., "Ad Click Prediction: a View from the Trenches", KDD 2013, Algorithm 1
//! ("Per-Coordinate FTRL-Proximal with L1 and L2 Regularization for Logistic Regression"):
//!
//! ```text
//! for each example (x_t, y_t):
//!   for i in I = {i | x_i != 0}:
//!     w_i = 0                                                   if |z_i| <= l1
//!     w_i = -(beta + sqrt(n_i)) / alpha + l2)^-1 (z_i - sgn(z_i) l1)   otherwise
//!   p_t = sigma(x_t . w)
//!   for i in I:
//!     g_i = (p_t - y_t) x_i
//!     s_i = (sqrt(n_i + g_i^2) - sqrt(n_i)) / alpha
//!     z_i = z_i + g_i - s_i w_i
//!     n_i = n_i + g_i^2
//! ```
//!
//! The weight of a coordinate depends only on its own `z_i` and `n_i`, so this implementation keeps
//! `w_i` cached and recomputes it whenever `z_i` or `n_i` change: predicting reads the cache, which is
//! exactly the value Algorithm 1 computes lazily. A test compares it with a literal transcription.
//! A contiguous copy of the weights (what serving snapshots copy) is made only when something reads
//! it, and kept up to date from then on: learning that nothing reads (a replay's continual lane, a
//! warm-up, a retrain) writes each weight once.
//! The simulator's lanes and the replay of users' click logs share this one implementation.

use std::cell::OnceCell;

use serde::{Deserialize, Serialize};

use wide::{f64x4, CmpLe, CmpLt};

use crate::base::rng::sigmoid;
use crate::learn::schedule::Learn;

/// FTRL-Proximal hyper-parameters. Defaults matched Vowpal Wabbit's `--ftrl` on a real Criteo sample.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FtrlParams {
    /// Learning-rate scale alpha (> 0).
    pub alpha: f64,
    /// Learning-rate offset beta (>= 0).
    pub beta: f64,
    /// L1 regularisation (>= 0): coordinates with |z| <= l1 are exactly zero.
    pub l1: f64,
    /// L2 regularisation (>= 0).
    pub l2: f64,
}

impl Default for FtrlParams {
    fn default() -> Self {
        FtrlParams {
            alpha: 0.1,
            beta: 1.0,
            l1: 1.0,
            l2: 1.0,
        }
    }
}

/// One non-zero feature: hashed bucket index and value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Feature {
    pub index: u32,
    pub value: f64,
}

/// One bucket's learning state: z, n and sqrt(n) (kept so that an update takes one square root
/// instead of three, with the same values) share one 32-byte slot, so an update touches one cache line
/// instead of three (as in Vowpal Wabbit's weight stride).
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(32))]
struct Slot {
    z: f64,
    n: f64,
    sn: f64,
    w: f64,
}

/// Per-coordinate FTRL-Proximal state over `2^bits` hashed buckets.
///
/// The weights are also kept in a contiguous array (`w`), which is what [`Ftrl::weights`] and a serving
/// snapshot read: it is built from the slots when first read, and every update writes it from then
/// on (until a reset). Until then an update writes one cache line instead of two, with the same values.
#[derive(Clone, Debug)]
pub struct Ftrl {
    params: FtrlParams,
    mask: u32,
    slots: Vec<Slot>,
    w: OnceCell<Vec<f64>>,
}

impl Ftrl {
    /// A model with all-zero state over `2^bits` buckets (`bits` is clamped to 1..=24).
    pub fn new(params: FtrlParams, bits: u32) -> Self {
        let size = 1usize << bits.clamp(1, 24);
        Ftrl {
            params,
            mask: (size - 1) as u32,
            slots: vec![Slot::default(); size],
            w: OnceCell::new(),
        }
    }

    /// The hyper-parameters.
    pub fn params(&self) -> FtrlParams {
        self.params
    }

    /// Number of buckets.
    pub fn size(&self) -> usize {
        self.slots.len()
    }

    /// Bucket of a raw hash.
    #[inline]
    pub fn bucket(&self, hash: u32) -> u32 {
        hash & self.mask
    }

    /// Forgets everything (stateless retraining starts here).
    pub fn reset(&mut self) {
        self.slots.fill(Slot::default());
        // Rebuilt when next read: a retrain from here writes each weight once.
        self.w.take();
    }

    /// The current weights (what a serving snapshot copies), in one array.
    pub fn weights(&self) -> &[f64] {
        self.contiguous()
    }

    /// The contiguous weights, made from the slots if nothing read them since the last reset.
    #[inline]
    fn contiguous(&self) -> &Vec<f64> {
        self.w
            .get_or_init(|| self.slots.iter().map(|s| s.w).collect())
    }

    /// The weight of the bucket of a raw hash.
    #[inline]
    pub fn weight(&self, hash: u32) -> f64 {
        self.slots[(hash & self.mask) as usize].w
    }

    /// The per-coordinate update of Algorithm 1 for gradient g on bucket i.
    #[inline]
    fn update(&mut self, i: usize, g: f64) {
        let FtrlParams {
            alpha,
            beta,
            l1,
            l2,
        } = self.params;
        let s = &mut self.slots[i];
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
        if let Some(w) = self.w.get_mut() {
            w[i] = s.w;
        }
    }

    /// Asks the processor to bring the slots of `x`'s buckets into its cache (x86-64 only; elsewhere
    /// nothing): called for the next example while one is learned, the table's cache misses of the two
    /// overlap. Changes no value.
    #[inline]
    pub fn prefetch(&self, x: &[Feature]) {
        #[cfg(all(target_arch = "x86_64", target_feature = "sse"))]
        for f in x {
            safe_arch::prefetch_t0(&self.slots[(f.index & self.mask) as usize]);
        }
        #[cfg(not(all(target_arch = "x86_64", target_feature = "sse")))]
        let _ = x;
    }

    /// Logit x . w for binary features given by bucket index.
    #[inline]
    pub fn logit_binary(&self, idx: &[u32]) -> f64 {
        idx.iter()
            .map(|&i| self.slots[(i & self.mask) as usize].w)
            .sum()
    }

    /// Logit x . w.
    #[inline]
    pub fn logit(&self, x: &[Feature]) -> f64 {
        x.iter()
            .map(|f| self.slots[(f.index & self.mask) as usize].w * f.value)
            .sum()
    }

    /// Click probability of x.
    pub fn predict(&self, x: &[Feature]) -> f64 {
        sigmoid(self.logit(x))
    }

    /// One step of Algorithm 1 on (x, y), y in {0, 1}. Returns the probability predicted before the update.
    pub fn learn(&mut self, x: &[Feature], y: f64) -> f64 {
        self.learn_scored(x, y).1
    }

    /// [`Ftrl::learn`], returning the logit and the probability predicted before the update.
    #[inline]
    pub fn learn_scored(&mut self, x: &[Feature], y: f64) -> (f64, f64) {
        // Reads the weights from the slots the update is about to touch.
        let z = self.logit(x);
        let p = sigmoid(z);
        let mut chunks = x.chunks_exact(LANES);
        for c in &mut chunks {
            let idx: [usize; LANES] = std::array::from_fn(|k| (c[k].index & self.mask) as usize);
            if distinct(&idx) {
                self.update_lanes(&idx, std::array::from_fn(|k| (p - y) * c[k].value));
            } else {
                for (&i, f) in idx.iter().zip(c) {
                    self.update(i, (p - y) * f.value);
                }
            }
        }
        for f in chunks.remainder() {
            self.update((f.index & self.mask) as usize, (p - y) * f.value);
        }
        (z, p)
    }

    /// [`Ftrl::update`] on `LANES` distinct buckets at once: the same IEEE operations on each, in the same
    /// order (so the same values to the last bit), in vector registers, so that one division or square
    /// root serves several coordinates (the divider is the bottleneck: about 40% faster learning).
    #[inline]
    fn update_lanes(&mut self, idx: &[usize; LANES], g: [f64; LANES]) {
        let FtrlParams {
            alpha,
            beta,
            l1,
            l2,
        } = self.params;
        let old: [Slot; LANES] = std::array::from_fn(|k| self.slots[idx[k]]);
        let lanes =
            |f: fn(&Slot) -> f64| f64x4::from(std::array::from_fn::<f64, LANES, _>(|k| f(&old[k])));
        let (oz, on, osn, ow) = (
            lanes(|s| s.z),
            lanes(|s| s.n),
            lanes(|s| s.sn),
            lanes(|s| s.w),
        );
        let g = f64x4::from(g);
        let n = on + g * g;
        let sn = n.sqrt();
        let sigma = (sn - osn) / alpha;
        let z = oz + (g - sigma * ow);
        // z - sgn(z) l1, as z + l1 where z < 0 (for a NaN z both give a NaN weight).
        let shrunk = z.cmp_lt(f64x4::ZERO).blend(z + l1, z - l1);
        // Negated by flipping the sign bit, as `-x` does (wide's `-x` is `0 - x`, which differs at zero).
        let w = (shrunk ^ f64x4::splat(-0.0)) / ((beta + sn) / alpha + l2);
        let w = z.abs().cmp_le(f64x4::splat(l1)).blend(f64x4::ZERO, w);
        let (z, n, sn, w) = (z.to_array(), n.to_array(), sn.to_array(), w.to_array());
        for k in 0..LANES {
            self.slots[idx[k]] = Slot {
                z: z[k],
                n: n[k],
                sn: sn[k],
                w: w[k],
            };
        }
        if let Some(contiguous) = self.w.get_mut() {
            for k in 0..LANES {
                contiguous[idx[k]] = w[k];
            }
        }
    }

    /// Algorithm 1 on binary features (value 1) given by bucket index. Returns the prediction made first.
    pub fn learn_binary(&mut self, idx: &[u32], y: f64) -> f64 {
        let p = sigmoid(self.logit_binary(idx));
        for &raw in idx {
            self.update((raw & self.mask) as usize, p - y);
        }
        p
    }
}

/// Coordinates [`Ftrl::learn_scored`] updates together.
const LANES: usize = 4;

/// Whether the buckets are pairwise distinct (then their updates are independent).
#[inline]
fn distinct(idx: &[usize; LANES]) -> bool {
    (1..LANES).all(|j| idx[..j].iter().all(|&i| i != idx[j]))
}

/// An example FTRL-Proximal learns: the simulator's logged impression (binary features) or a line of
/// a click log (valued features and an importance weight).
pub trait Labelled {
    /// One step of Algorithm 1 on this example.
    fn learn_into(&self, m: &mut Ftrl);
    /// The logit of a serving weight array `w` (2^bits of them) on this example.
    fn logit(&self, w: &[f64]) -> f64;
}

/// FTRL under the schedule engine: a serving snapshot is the weight array; a prediction the logit.
impl<E: Labelled> Learn<E> for Ftrl {
    type Snapshot = Vec<f64>;
    type Output = f64;
    #[inline]
    fn predict(w: &Vec<f64>, ex: &E) -> f64 {
        ex.logit(w)
    }
    fn learn(&mut self, ex: &E) {
        ex.learn_into(self);
    }
    fn reset(&mut self) {
        Ftrl::reset(self)
    }
    fn live(&self) -> &Vec<f64> {
        self.contiguous()
    }
    fn snapshot_into(&self, dst: &mut Vec<f64>) {
        dst.clear();
        match self.w.get() {
            Some(w) => dst.extend_from_slice(w),
            None => dst.extend(self.slots.iter().map(|s| s.w)),
        }
    }
}

/// MurmurHash3 x86_32 finaliser-based feature hash of a (namespace, value) pair: stable on every target.
#[inline]
pub fn hash_feature(namespace: u32, value: u32) -> u32 {
    let mut h = namespace.wrapping_mul(0x9E37_79B1) ^ value.wrapping_mul(0x85EB_CA77);
    h ^= h >> 16;
    h = h.wrapping_mul(0x85EB_CA6B);
    h ^= h >> 13;
    h = h.wrapping_mul(0xC2B2_AE35);
    h ^ (h >> 16)
}

/// Hash of a string (FNV-1a then the finaliser), used for features named in text files.
pub fn hash_str(namespace: u32, s: &[u8]) -> u32 {
    let mut h: u32 = 0x811C_9DC5;
    for &b in s {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    hash_feature(namespace, h)
}

#[cfg(test)]
mod tests;
