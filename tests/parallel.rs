//! Lanes run apart and assembled give the very numbers of one run of all lanes: the page runs an ads
//! experiment's lanes in Web Workers (`www/pool.js`, `src/sim/parallel.rs`) and relies on it.

use rtml::sim::config::Config;
use rtml::sim::experiment::Experiment;
use rtml::sim::parallel::{split, subset, Part};
use rtml::sim::presets::PRESETS;

fn run_parts(cfg: &Config, parts: &[Vec<usize>], until: Option<f64>) -> Vec<Part> {
    parts
        .iter()
        .map(|lanes| {
            let mut e = Experiment::new(subset(cfg, lanes)).unwrap();
            e.set_threads(1);
            match until {
                Some(t) => e.run_until(t),
                None => e.run_to_end(),
            }
            e.part(lanes)
        })
        .collect()
}

#[test]
fn every_preset_assembled_from_parts_has_the_full_runs_digest() {
    let stored = include_str!("digests.txt");
    for p in PRESETS {
        let cfg = p.config();
        let want = stored
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{} ", p.name)))
            .expect("every preset has a digest");
        for workers in [1, 2, cfg.lanes.len()] {
            let parts = split(&cfg, workers);
            let mut whole = Experiment::new(cfg.clone()).unwrap();
            whole.adopt(&run_parts(&cfg, &parts, None));
            assert!(whole.done());
            assert_eq!(whole.digest(), want, "{} in {parts:?}", p.name);
        }
    }
}

#[test]
fn one_lane_alone_gives_its_marks_events_and_partial_sums() {
    let mut cfg = rtml::sim::presets::preset("ads-drift").unwrap().config();
    cfg.set("b.every", "6h").unwrap();
    let mut full = Experiment::new(cfg.clone()).unwrap();
    let day = 1440.0;
    full.run_until(9.5 * day);
    let mut whole = Experiment::new(cfg.clone()).unwrap();
    whole.adopt(&run_parts(&cfg, &[vec![1], vec![0, 2]], Some(9.5 * day)));
    assert!(!whole.done());
    assert_eq!(whole.now(), full.now());
    assert_eq!(whole.filled(), full.filled());
    assert_eq!(whole.events(), full.events());
    for l in 0..3 {
        assert_eq!(whole.retrain_marks(l), full.retrain_marks(l), "lane {l}");
        assert_eq!(
            whole.windowed(l, "regret_pct"),
            full.windowed(l, "regret_pct")
        );
    }
    // An adopted experiment is not stepped again.
    whole.run_to_end();
    assert!(!whole.done());
}
