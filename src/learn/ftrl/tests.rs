//! FTRL-Proximal against a literal transcription of Algorithm 1, and its fast paths against the general one.

use super::*;
use crate::base::rng::Rng;
use std::collections::HashMap;

/// A literal, independent transcription of Algorithm 1: sparse maps, weights computed lazily from
/// (z, n) at prediction time exactly as written in the paper.
struct Literal {
    alpha: f64,
    beta: f64,
    l1: f64,
    l2: f64,
    z: HashMap<u32, f64>,
    n: HashMap<u32, f64>,
}

impl Literal {
    fn step(&mut self, x: &[(u32, f64)], y: f64) -> f64 {
        let mut w = HashMap::new();
        for &(i, _) in x {
            let zi = *self.z.get(&i).unwrap_or(&0.0);
            let ni = *self.n.get(&i).unwrap_or(&0.0);
            let wi = if zi.abs() <= self.l1 {
                0.0
            } else {
                let sgn = if zi < 0.0 { -1.0 } else { 1.0 };
                -1.0 / ((self.beta + ni.sqrt()) / self.alpha + self.l2) * (zi - sgn * self.l1)
            };
            w.insert(i, wi);
        }
        let dot: f64 = x.iter().map(|&(i, v)| w[&i] * v).sum();
        let p = 1.0 / (1.0 + (-dot.clamp(-35.0, 35.0)).exp());
        for &(i, v) in x {
            let g = (p - y) * v;
            let ni = *self.n.get(&i).unwrap_or(&0.0);
            let sigma = ((ni + g * g).sqrt() - ni.sqrt()) / self.alpha;
            *self.z.entry(i).or_insert(0.0) += g - sigma * w[&i];
            *self.n.entry(i).or_insert(0.0) += g * g;
        }
        p
    }
}

#[test]
fn matches_a_literal_transcription_of_algorithm_1() {
    for (alpha, beta, l1, l2) in [
        (0.1, 1.0, 1.0, 1.0),
        (0.5, 0.5, 0.0, 0.0),
        (0.05, 2.0, 3.0, 0.1),
    ] {
        let params = FtrlParams {
            alpha,
            beta,
            l1,
            l2,
        };
        let mut fast = Ftrl::new(params, 12);
        let mut lit = Literal {
            alpha,
            beta,
            l1,
            l2,
            z: HashMap::new(),
            n: HashMap::new(),
        };
        let mut rng = Rng::new(42, 99);
        let truth: Vec<f64> = (0..4096).map(|_| rng.normal()).collect();
        for _ in 0..20_000 {
            // 6 distinct buckets per example, real-valued, with a learnable signal.
            let mut x: Vec<(u32, f64)> = Vec::new();
            while x.len() < 6 {
                let i = rng.below(4096) as u32;
                if !x.iter().any(|&(j, _)| j == i) {
                    x.push((
                        i,
                        if rng.uniform() < 0.5 {
                            1.0
                        } else {
                            rng.uniform() * 2.0
                        },
                    ));
                }
            }
            let dot: f64 = x.iter().map(|&(i, v)| truth[i as usize] * v).sum::<f64>() - 1.0;
            let y = if rng.uniform() < sigmoid(dot) {
                1.0
            } else {
                0.0
            };
            let feats: Vec<Feature> = x
                .iter()
                .map(|&(index, value)| Feature { index, value })
                .collect();
            let p_fast = fast.learn(&feats, y);
            let p_lit = lit.step(&x, y);
            assert!((p_fast - p_lit).abs() < 1e-12, "{p_fast} vs {p_lit}");
        }
        // The model learned something: predictions correlate with the truth.
        let mut ll = 0.0;
        for _ in 0..2000 {
            let i = rng.below(4096) as u32;
            let p = fast.predict(&[Feature {
                index: i,
                value: 1.0,
            }]);
            let t = sigmoid(truth[i as usize] - 1.0);
            ll += (p - t).abs();
        }
        assert!(ll / 2000.0 < 0.3, "mean abs error {}", ll / 2000.0);
    }
}

/// Algorithm 1 one coordinate at a time (what `learn_scored` did before it updated four at once).
fn learn_one_by_one(m: &mut Ftrl, x: &[Feature], y: f64) -> (f64, f64) {
    let z: f64 = x
        .iter()
        .map(|f| m.slots[(f.index & m.mask) as usize].w * f.value)
        .sum();
    let p = sigmoid(z);
    for f in x {
        m.update((f.index & m.mask) as usize, (p - y) * f.value);
    }
    (z, p)
}

#[test]
fn four_coordinates_at_once_equal_one_at_a_time_to_the_last_bit() {
    for params in [
        FtrlParams::default(),
        FtrlParams {
            alpha: 0.5,
            beta: 0.0,
            l1: 0.0,
            l2: 0.0,
        },
        FtrlParams {
            alpha: 3.0,
            beta: 2.0,
            l1: 0.01,
            l2: 7.0,
        },
    ] {
        let mut fast = Ftrl::new(params, 6);
        let mut slow = fast.clone();
        let mut rng = Rng::new(17, 4);
        for _ in 0..20_000 {
            // 0 to 11 features over 64 buckets: repeated buckets (also within a group of four),
            // negative, tiny and huge values, and indices above the mask.
            let x: Vec<Feature> = (0..rng.below(12))
                .map(|_| Feature {
                    index: rng.below(80) as u32,
                    value: match rng.below(5) {
                        0 => 1.0,
                        1 => -rng.uniform() * 3.0,
                        2 => rng.uniform() * 1e-3,
                        3 => (rng.uniform() - 0.5) * 1e6,
                        _ => rng.normal(),
                    },
                })
                .collect();
            let y = rng.below(2) as f64;
            let (a, b) = (fast.learn_scored(&x, y), learn_one_by_one(&mut slow, &x, y));
            assert_eq!(
                (a.0.to_bits(), a.1.to_bits()),
                (b.0.to_bits(), b.1.to_bits())
            );
        }
        let bits = |m: &Ftrl| -> Vec<[u64; 5]> {
            m.slots
                .iter()
                .zip(m.weights())
                .map(|(s, w)| [s.z, s.n, s.sn, s.w, *w].map(f64::to_bits))
                .collect()
        };
        assert_eq!(bits(&fast), bits(&slow));
        assert!(fast.weights().iter().any(|&w| w != 0.0));
    }
}

#[test]
fn the_contiguous_weights_equal_the_slots_whenever_they_are_made() {
    // One model reads its weights after every step (its contiguous copy is kept up to date by the
    // updates, one or four coordinates at a time), the other only at the end (made from the slots),
    // across a reset: the same bits throughout.
    let mut read = Ftrl::new(FtrlParams::default(), 7);
    let mut lazy = read.clone();
    let mut rng = Rng::new(23, 2);
    for step in 0..6000 {
        if step == 3000 {
            read.reset();
            lazy.reset();
        }
        let x: Vec<Feature> = (0..rng.below(10))
            .map(|_| Feature {
                index: rng.below(200) as u32,
                value: rng.normal(),
            })
            .collect();
        let y = rng.below(2) as f64;
        read.learn(&x, y);
        lazy.learn(&x, y);
        if step % 2 == 0 {
            let idx = [rng.below(128) as u32, 5];
            read.learn_binary(&idx, y);
            lazy.learn_binary(&idx, y);
        }
        let cached: Vec<u64> = read.weights().iter().map(|w| w.to_bits()).collect();
        let slots: Vec<u64> = read.slots.iter().map(|s| s.w.to_bits()).collect();
        assert_eq!(cached, slots, "step {step}");
    }
    assert!(lazy.w.get().is_none());
    struct Unused;
    impl Labelled for Unused {
        fn learn_into(&self, _: &mut Ftrl) {}
        fn logit(&self, _: &[f64]) -> f64 {
            0.0
        }
    }
    let mut snap = Vec::new();
    Learn::<Unused>::snapshot_into(&lazy, &mut snap);
    assert!(lazy.w.get().is_none(), "a snapshot reads the slots");
    assert_eq!(snap.as_slice(), lazy.weights());
    assert_eq!(lazy.weights(), read.weights());
    assert!(read.weights().iter().any(|&w| w != 0.0));
}

#[test]
fn binary_path_equals_general_path() {
    let mut a = Ftrl::new(FtrlParams::default(), 10);
    let mut b = a.clone();
    let mut rng = Rng::new(3, 3);
    for _ in 0..5000 {
        let idx: Vec<u32> = (0..4).map(|k| (k * 256 + rng.below(256)) as u32).collect();
        let y = if rng.uniform() < 0.3 { 1.0 } else { 0.0 };
        let feats: Vec<Feature> = idx
            .iter()
            .map(|&index| Feature { index, value: 1.0 })
            .collect();
        assert_eq!(a.learn_binary(&idx, y), b.learn(&feats, y));
    }
    assert_eq!(a.weights(), b.weights());
}

#[test]
fn l1_keeps_rare_features_exactly_zero() {
    let mut m = Ftrl::new(
        FtrlParams {
            l1: 5.0,
            ..Default::default()
        },
        8,
    );
    m.learn_binary(&[3], 1.0);
    assert_eq!(m.weights()[3], 0.0);
}
