//! Learners, each a plain Rust type with `predict` / `learn` ([`schedule::Learn`]), and the one loop
//! that calls them in progressive validation's order ([`progressive`]).
//!
//! * [`ftrl`]: FTRL-Proximal logistic regression (McMahan et al. 2013, Algorithm 1) for clicks;
//! * [`linreg`]: recursive least squares with forgetting and normalised LMS for loads;
//! * [`detect`]: the Page-Hinkley drift detector that triggers retraining.

pub mod detect;
pub mod ftrl;
pub mod linreg;
pub mod progressive;
pub mod schedule;

#[cfg(test)]
mod conformance {
    //! The same checks over every learner, as River's `check_estimator` does: seeding is idempotent,
    //! outputs are finite and in range, learning does not mutate its inputs.
    use super::ftrl::{Feature, Ftrl, FtrlParams};
    use super::linreg::{RegKind, RegParams, Regressor};
    use crate::base::rng::Rng;

    /// A learner under test, seen through one interface.
    trait Checked: Clone {
        fn predict_one(&self, x: &[f64]) -> f64;
        fn learn_one(&mut self, x: &[f64], y: f64);
        fn in_range(&self, p: f64) -> bool;
        fn label(&self, rng: &mut Rng) -> f64;
        fn state(&self) -> Vec<f64>;
    }

    fn sparse(x: &[f64]) -> Vec<Feature> {
        x.iter()
            .enumerate()
            .map(|(i, &v)| Feature {
                index: (i as u32) * 7919 + 1,
                value: v,
            })
            .collect()
    }

    impl Checked for Ftrl {
        fn predict_one(&self, x: &[f64]) -> f64 {
            self.predict(&sparse(x))
        }
        fn learn_one(&mut self, x: &[f64], y: f64) {
            self.learn(&sparse(x), y);
        }
        fn in_range(&self, p: f64) -> bool {
            (0.0..=1.0).contains(&p)
        }
        fn label(&self, rng: &mut Rng) -> f64 {
            (rng.uniform() < 0.2) as u8 as f64
        }
        fn state(&self) -> Vec<f64> {
            self.weights().to_vec()
        }
    }

    impl Checked for Regressor {
        fn predict_one(&self, x: &[f64]) -> f64 {
            self.predict(x)
        }
        fn learn_one(&mut self, x: &[f64], y: f64) {
            self.learn(x, y);
        }
        fn in_range(&self, p: f64) -> bool {
            p.is_finite()
        }
        fn label(&self, rng: &mut Rng) -> f64 {
            // Heavy-tailed loads: mostly small, sometimes a surge.
            if rng.uniform() < 0.01 {
                50.0 * rng.uniform()
            } else {
                rng.uniform()
            }
        }
        fn state(&self) -> Vec<f64> {
            self.weights().to_vec()
        }
    }

    fn check<L: Checked>(name: &str, fresh: L) {
        let run = |seed: u64| {
            let mut l = fresh.clone();
            let mut rng = Rng::new(seed, 77);
            let mut preds = Vec::new();
            for _ in 0..3000 {
                let x: Vec<f64> = (0..6).map(|_| rng.normal() * 3.0).collect();
                let before = x.clone();
                let p = l.predict_one(&x);
                assert!(
                    p.is_finite() && l.in_range(p),
                    "{name}: prediction {p} out of range"
                );
                let y = l.label(&mut rng);
                l.learn_one(&x, y);
                assert_eq!(x, before, "{name}: learning mutated its input");
                preds.push(p);
            }
            assert!(
                l.state().iter().all(|w| w.is_finite()),
                "{name}: non-finite weights"
            );
            (preds, l.state())
        };
        assert_eq!(
            run(1),
            run(1),
            "{name}: the same seed must give the same run"
        );
        assert_ne!(run(1).0, run(2).0, "{name}: different seeds should differ");
    }

    #[test]
    fn every_learner_passes_the_same_checks() {
        check("ftrl", Ftrl::new(FtrlParams::default(), 14));
        check(
            "ftrl-no-reg",
            Ftrl::new(
                FtrlParams {
                    alpha: 5.0,
                    beta: 0.0,
                    l1: 0.0,
                    l2: 0.0,
                },
                14,
            ),
        );
        check("rls", Regressor::new(RegParams::default(), 6));
        check(
            "rls-forgetful",
            Regressor::new(
                RegParams {
                    forgetting: 0.9,
                    ..Default::default()
                },
                6,
            ),
        );
        check(
            "nlms",
            Regressor::new(
                RegParams {
                    kind: RegKind::Nlms,
                    ..Default::default()
                },
                6,
            ),
        );
        check(
            "nlms-big-step",
            Regressor::new(
                RegParams {
                    kind: RegKind::Nlms,
                    step: 1.9,
                    ..Default::default()
                },
                6,
            ),
        );
    }
}
