//! A warm-up kept in a `WarmCache` and adopted by a later run gives that run exactly the numbers of
//! a run that warmed up itself: the page's lane workers keep one, so that a change of a lane's knobs
//! re-runs only the horizon (`src/sim/ads/warm.rs`).

use rtml::sim::ads::WarmCache;
use rtml::sim::config::Config;
use rtml::sim::experiment::Experiment;
use rtml::sim::parallel::{split, subset};
use rtml::sim::presets::{preset, PRESETS};

fn fresh(cfg: &Config) -> String {
    let mut e = Experiment::new(cfg.clone()).unwrap();
    e.set_threads(1);
    e.run_to_end();
    e.digest()
}

fn cached(cfg: &Config, cache: &mut WarmCache) -> String {
    let mut e = Experiment::new(cfg.clone()).unwrap();
    e.set_threads(1);
    e.warm_cached(cache);
    e.run_to_end();
    e.digest()
}

fn short(name: &str) -> Config {
    let mut c = preset(name).unwrap().config();
    c.days = 3.0;
    c.warmup = c.warmup.min(4.0);
    c
}

#[test]
fn every_ads_preset_from_a_kept_warm_up_has_its_digest_whole_and_in_parts() {
    let stored = include_str!("digests.txt");
    for p in PRESETS.iter().filter(|p| p.name.starts_with("ads-")) {
        let cfg = p.config();
        let want = stored
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{} ", p.name)))
            .expect("every preset has a digest");
        let mut cache = WarmCache::new(2);
        // Warmed up here, then adopted.
        assert_eq!(cached(&cfg, &mut cache), want, "{} (warmed up)", p.name);
        assert_eq!(cached(&cfg, &mut cache), want, "{} (adopted)", p.name);
        assert_eq!((cache.misses, cache.hits), (1, 1), "{}", p.name);
        // The page's parts, each adopting what the whole run kept.
        let parts = split(&cfg, 2);
        let mut whole = Experiment::new(cfg.clone()).unwrap();
        let done: Vec<_> = parts
            .iter()
            .map(|lanes| {
                let mut e = Experiment::new(subset(&cfg, lanes)).unwrap();
                e.set_threads(1);
                e.warm_cached(&mut cache);
                e.run_to_end();
                e.part(lanes)
            })
            .collect();
        whole.adopt(&done);
        assert_eq!(whole.digest(), want, "{} in {parts:?}", p.name);
        assert_eq!(cache.misses, 1, "{}: every part adopted", p.name);
    }
}

#[test]
fn a_lane_knob_change_adopts_the_warm_up_and_gives_the_numbers_of_a_fresh_run() {
    let base = short("ads-batch-vs-online");
    let changes: &[&[(&str, &str)]] = &[
        &[("a.every", "6h")],
        &[("c.join", "10m"), ("c.label_delay", "2h")],
        &[("b.update", "frozen"), ("a.refresh", "4h")],
        &[("lanes", "4"), ("d.update", "triggered")],
        &[("a.policy", "oracle"), ("b.explore", "0.1")],
        // Retraining from scratch keeps the warm-up's examples: not kept by the base run's learners,
        // so warmed up again, then adopted by the next such run.
        &[("b.retrain", "stateless"), ("b.window", "1d")],
        &[
            ("b.retrain", "stateless"),
            ("b.window", "2d"),
            ("c.every", "1h"),
        ],
        // A learner the base run did not have (other hash bits): warmed up again.
        &[("b.bits", "12")],
    ];
    let mut cache = WarmCache::new(2);
    cached(&base, &mut cache);
    let mut hits = 0;
    for sets in changes {
        let mut cfg = base.clone();
        for (k, v) in *sets {
            cfg.set(k, v).unwrap();
        }
        let before = cache.hits;
        assert_eq!(cached(&cfg, &mut cache), fresh(&cfg), "{sets:?}");
        hits += cache.hits - before;
    }
    // Every change but the first stateless one and the new hash bits found its warm-up kept.
    assert_eq!(hits, changes.len() as u64 - 2, "hits {hits}");
}

#[test]
fn a_world_change_warms_up_again_and_the_cache_keeps_the_last_worlds() {
    let a = short("ads-drift");
    let mut b = a.clone();
    b.seed += 1;
    let mut c = a.clone();
    c.set("volume", "700").unwrap();
    let mut d = a.clone();
    d.set("days", "2").unwrap();
    let mut cache = WarmCache::new(2);
    for cfg in [&a, &b, &c, &d] {
        assert_eq!(cached(cfg, &mut cache), fresh(cfg));
    }
    assert_eq!((cache.misses, cache.hits), (4, 0), "each world is another");
    // d and c are kept (the last two), a is not any more.
    assert_eq!(cached(&c, &mut cache), fresh(&c));
    assert_eq!(cached(&d, &mut cache), fresh(&d));
    assert_eq!(cache.hits, 2);
    assert_eq!(cached(&a, &mut cache), fresh(&a));
    assert_eq!(cache.misses, 5);
    // A cache of no world keeps nothing; cells runs warm up as usual.
    let mut none = WarmCache::new(0);
    cached(&a, &mut none);
    assert_eq!(cached(&a, &mut none), fresh(&a));
    assert_eq!(none.hits, 0);
    let cells = short("cells-holiday");
    assert_eq!(cached(&cells, &mut cache), fresh(&cells));
}

#[test]
fn a_run_begun_in_slices_is_not_replaced_by_a_kept_warm_up() {
    let cfg = short("ads-new-campaigns");
    let mut cache = WarmCache::new(1);
    cached(&cfg, &mut cache);
    let mut e = Experiment::new(cfg.clone()).unwrap();
    e.set_threads(1);
    e.warm_until(-1000.0);
    e.warm_cached(&mut cache);
    e.run_to_end();
    assert_eq!(e.digest(), fresh(&cfg));
    assert_eq!(cache.hits, 0);
}
