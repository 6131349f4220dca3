//! The what-if evaluation's claims, over seeds (each claim over blocks of ten seeds, as the preset
//! `cells-what-if`'s caption makes them): a perfect simulator picks the truly best value on every
//! seed; the regret of trusting the simulator grows with its error on average; refitting the
//! simulator on more live load lowers the regret on average; an optimistic simulator costs far more
//! than a pessimistic one.

use rtml::sim::presets::preset;
use rtml::study::whatif::{
    run_seed, summarize, Spec, Summary, DEFAULT_KNOB, DEFAULT_VALUES, WINDOWS,
};

const BLOCKS: [u32; 3] = [1, 1001, 2001];

/// The blocks of ten seeds a test checks: its own, or those of `WHATIF_BLOCKS` (comma-separated
/// first seeds) to check a claim on other blocks by hand.
fn blocks(own: &[u32]) -> Vec<u32> {
    std::env::var("WHATIF_BLOCKS")
        .map(|v| v.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|_| own.to_vec())
}
/// Simulator errors evaluated: perfect, 10% off, the preset's 50% off.
const ERRORS: [f64; 3] = [0.0, 0.1, 0.5];

/// One seed of the preset, decided alone, at each of [`ERRORS`] (refitted on each of [`WINDOWS`]).
fn seed(knob: &str, values: &str, seed: u32) -> Vec<Summary> {
    let mut cfg = preset("cells-what-if").expect("preset").config();
    cfg.seed = seed;
    let spec = Spec::new(cfg, knob, values, 1).expect("valid");
    let run = run_seed(&spec, seed, &ERRORS, &WINDOWS);
    let runs = [run];
    (0..ERRORS.len())
        .map(|e| summarize(&spec, &runs, e, ERRORS[e]))
        .collect()
}

#[test]
fn the_caption_holds_on_every_block_of_ten_seeds() {
    let caption = preset("cells-what-if").unwrap().caption;
    assert!(
        caption.contains("50% off") && caption.contains("a week") && caption.contains("30 seeds")
    );
    let (mut all_none, mut all_day, mut all_week, mut all_month) = (0.0, 0.0, 0.0, 0.0);
    for b in blocks(&BLOCKS) {
        let (mut r10, mut r50, mut week, mut day, mut month) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for s in b..b + 10 {
            let sums = seed(DEFAULT_KNOB, DEFAULT_VALUES, s);
            // A perfect simulator: the same pick, no regret, on every seed.
            assert_eq!(sums[0].sim_pick, sums[0].true_pick, "seed {s}");
            assert_eq!(sums[0].regret, 0.0, "seed {s}");
            let money = |o: &[rtml::study::whatif::Outcome]| -> Vec<f64> {
                o.iter().map(|x| x.money_saved_day.mean).collect()
            };
            assert_eq!(money(&sums[0].predicted), money(&sums[0].real), "seed {s}");
            r10 += sums[1].regret / 10.0;
            r50 += sums[2].regret / 10.0;
            day += sums[2].refit[0].regret / 10.0;
            week += sums[2].refit[1].regret / 10.0;
            month += sums[2].refit[2].regret / 10.0;
        }
        eprintln!("block {b}: regret at 10% {r10:.4}, at 50% {r50:.4}; refit 1d {day:.4}, 7d {week:.4}, 28d {month:.4}");
        assert!(
            r50 > r10,
            "block {b}: the regret should grow with the error: {r10} -> {r50}"
        );
        all_none += r50;
        all_day += day;
        all_week += week;
        all_month += month;
    }
    // More live data, less regret, on average over every seed (a single day, a Monday, does not
    // help: it shows no weekend and its noise weighs as much as the simulator's error).
    assert!(
        all_week < all_day && all_month < all_day && all_week < 0.5 * all_none,
        "refit: none {all_none}, 1d {all_day}, 7d {all_week}, 28d {all_month}"
    );
}

#[test]
fn every_knob_agrees_with_a_perfect_simulator() {
    for (knob, values) in [("wake", "0,2,5,10,15"), ("coverage", "0.2,0.5,1,2")] {
        for s in [1, 1001, 2001] {
            let sums = seed(knob, values, s);
            assert_eq!(sums[0].sim_pick, sums[0].true_pick, "{knob} seed {s}");
            assert_eq!(sums[0].regret, 0.0, "{knob} seed {s}");
            // The regret is never negative, whatever the error.
            assert!(sums.iter().all(|x| x.regret >= 0.0), "{knob} seed {s}");
        }
    }
}

/// Seeds deciding alone on a simulator biased by `bias` (no other error): per seed, the regret of
/// trusting it and the best money a perfect simulator's plans truly save, per day.
fn biased(bias: f64, seed: u32) -> (f64, f64) {
    let mut cfg = preset("cells-what-if").expect("preset").config();
    cfg.seed = seed;
    cfg.cells.sim_bias = bias;
    let spec = Spec::new(cfg, DEFAULT_KNOB, DEFAULT_VALUES, 1).expect("valid");
    let run = run_seed(&spec, seed, &[0.0], &[]);
    let perfect = (run.real.at.iter())
        .map(|t| (run.real.always.cost - t.cost) / run.days)
        .fold(f64::NEG_INFINITY, f64::max);
    let s = summarize(&spec, &[run], 0, 0.0);
    (s.regret, perfect)
}

/// The asymmetry the caption states: averaged over every block of ten seeds, trusting an
/// optimistic simulator (peaks 30% low) costs at least a fifth of the money a perfect simulator's
/// best plan saves, a pessimistic one (30% high) less than a tenth (half of that).
#[test]
fn an_optimistic_simulator_costs_more_than_a_pessimistic_one() {
    let caption = preset("cells-what-if").unwrap().caption;
    assert!(
        caption.contains("30% low")
            && caption.contains("a fifth")
            && caption.contains("half as much")
    );
    for b in blocks(&[1, 1001, 2001, 100_001]) {
        let (mut opt, mut pes, mut best, mut worse) = (0.0, 0.0, 0.0, 0);
        for s in b..b + 10 {
            let (o, perfect) = biased(-0.3, s);
            let (p, _) = biased(0.3, s);
            opt += o / 10.0;
            pes += p / 10.0;
            best += perfect / 10.0;
            worse += (o > p) as u32;
        }
        eprintln!(
            "block {b}: best {best:.3}, regret -0.3 {opt:.3} ({:.2}), +0.3 {pes:.3} ({:.2}), optimistic worse on {worse} of 10",
            opt / best,
            pes / best
        );
        assert!(opt >= 0.2 * best, "block {b}: optimistic {opt} of {best}");
        assert!(pes < 0.1 * best, "block {b}: pessimistic {pes} of {best}");
        assert!(
            pes < 0.5 * opt,
            "block {b}: pessimistic {pes}, optimistic {opt}"
        );
        assert!(
            worse >= 9,
            "block {b}: optimistic worse on {worse} of 10 seeds"
        );
    }
}
