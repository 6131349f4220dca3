use super::*;
use crate::sim::presets::preset;

fn spec(seed: u32, sim_error: f64) -> Spec {
    let mut cfg = preset("cells-what-if").unwrap().config();
    cfg.seed = seed;
    cfg.cells.sim_error = sim_error;
    Spec::new(cfg, DEFAULT_KNOB, DEFAULT_VALUES, 1).unwrap()
}

#[test]
fn a_perfect_simulator_predicts_reality_exactly() {
    let s = spec(3, 0.0);
    let run = run_seed(&s, 3, &[0.0], &WINDOWS);
    assert_eq!(run.sim[0], run.real);
    let sum = summarize(&s, &[run], 0, 0.0);
    assert_eq!(sum.sim_pick, sum.true_pick);
    assert_eq!(sum.regret, 0.0);
}

#[test]
fn bad_specs_are_refused_with_a_message() {
    let cfg = preset("cells-what-if").unwrap().config();
    let e = |k: &str, v: &str, n: u32| Spec::new(cfg.clone(), k, v, n).unwrap_err();
    assert!(e("nope", "1", 1).contains("threshold"));
    assert!(e("threshold", "2", 1).contains("threshold"));
    assert!(e("threshold", "", 1).contains("at least one"));
    assert!(e("threshold", "0.1", 0).contains("seeds"));
    assert!(e("wake", "1h", 1).contains("wake"));
    // The same value twice (also written two ways) would be two rows of one plan.
    assert!(e("threshold", "0.1,0.2,0.1", 1).contains("twice"));
    assert!(e("wake", "6,0.1h", 1).contains("`0.1h` is given twice"));
    let ads = preset("ads-drift").unwrap().config();
    assert!(Spec::new(ads, "threshold", "0.1", 1).is_err());
    let ok = Spec::new(cfg, "wake", "0,0.1h,5", 2).unwrap();
    assert_eq!(ok.values, [0.0, 6.0, 5.0]);
}
