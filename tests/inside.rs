//! The world panes' recording (`sim::inside`): it changes no number, travels with the lanes run apart,
//! adds up, and shows what the issue asks the reader to see (after a shift, which lanes still show
//! yesterday's favourite).

use rtml::sim::config::{Config, Scenario};
use rtml::sim::experiment::Experiment;
use rtml::sim::inside::{ads, cells, Grid};
use rtml::sim::parallel::{split, subset};
use rtml::sim::presets::{preset, PRESETS};

fn short(name: &str, days: &str) -> Config {
    let mut cfg = preset(name).unwrap().config();
    cfg.set("days", days).unwrap();
    cfg
}

fn run(cfg: &Config, inside: bool) -> Experiment {
    let mut e = Experiment::new(cfg.clone()).unwrap();
    e.set_threads(2);
    if inside {
        e.record_inside();
    }
    e.run_to_end();
    e
}

#[test]
fn recording_changes_no_number() {
    for p in PRESETS {
        let cfg = short(p.name, "4");
        let (plain, looked) = (run(&cfg, false), run(&cfg, true));
        assert!(plain.inside().is_none());
        assert!(looked.inside().is_some(), "{}", p.name);
        assert_eq!(plain.digest(), looked.digest(), "{}", p.name);
    }
}

#[test]
fn lanes_run_apart_bring_their_panes_with_them() {
    for name in ["ads-drift", "cells-holiday", "ads-new-campaigns"] {
        let cfg = short(name, "5");
        let full = run(&cfg, true);
        let parts: Vec<_> = split(&cfg, 2)
            .iter()
            .map(|lanes| {
                let mut e = Experiment::new(subset(&cfg, lanes)).unwrap();
                e.record_inside();
                e.run_to_end();
                e.part(lanes)
            })
            .collect();
        assert!(parts.len() == 2 && parts.iter().all(|p| p.inside.len() == p.lanes.len() + 1));
        let mut whole = Experiment::new(cfg.clone()).unwrap();
        whole.record_inside();
        whole.adopt(&parts);
        let (a, b) = (full.inside().unwrap(), whole.inside().unwrap());
        assert_eq!(a.world, b.world, "{name}");
        assert_eq!(a.lanes, b.lanes, "{name}");
        // A part that did not record changes nothing.
        let mut bare = parts.clone();
        bare.iter_mut().for_each(|p| p.inside.clear());
        let mut other = Experiment::new(cfg).unwrap();
        other.record_inside();
        let empty = other.inside().unwrap().world.clone();
        other.adopt(&bare);
        assert_eq!(other.inside().unwrap().world, &empty);
    }
}

/// Every (bucket, row) of a grid.
fn cells_of(g: &Grid) -> impl Iterator<Item = (usize, usize)> + '_ {
    (0..g.buckets).flat_map(move |b| (0..g.rows).map(move |r| (b, r)))
}

#[test]
fn the_recording_adds_up() {
    // Ads: every lane serves every request of a shown segment; the best ad is shown at most that often.
    let mut cfg = short("ads-new-campaigns", "3");
    cfg.set("lanes", "4").unwrap();
    cfg.set("d.policy", "oracle").unwrap();
    let e = run(&cfg, true);
    let i = e.inside().unwrap();
    assert_eq!(i.scenario, Scenario::Ads);
    assert_eq!(i.rows(), 6.min(cfg.ads.segments as usize));
    let mut requests = 0.0;
    for (b, r) in cells_of(i.world) {
        let w = i.world.get(b, r);
        requests += w[ads::REQUESTS];
        let intents: f32 = w[ads::INTENTS..].iter().sum();
        assert_eq!(intents, w[ads::REQUESTS]);
        for (l, lane) in i.lanes.iter().enumerate() {
            let x = lane.get(b, r);
            assert_eq!(
                x[ads::SHOWN],
                w[ads::REQUESTS],
                "lane {l} bucket {b} row {r}"
            );
            assert!(x[ads::HITS] <= x[ads::SHOWN]);
        }
        // The oracle shows the best ad every time, and its most shown ad is the world's.
        let o = i.lanes[3].get(b, r);
        assert_eq!((o[ads::HITS], o[ads::AD]), (o[ads::SHOWN], w[ads::BEST_AD]));
    }
    assert!(
        requests > 1000.0,
        "the busiest segments are recorded: {requests}"
    );

    // Cells: no lane sleeps or overloads a cell for more intervals than there were; the always-on
    // baseline never sleeps; the oracle's forecast is the load.
    let mut cfg = short("cells-sleep", "3");
    cfg.set("lanes", "4").unwrap();
    cfg.set("c.policy", "baseline").unwrap();
    cfg.set("d.policy", "oracle").unwrap();
    let e = run(&cfg, true);
    let i = e.inside().unwrap();
    assert_eq!(i.rows(), cfg.cells.cells as usize);
    for (b, r) in cells_of(i.world) {
        let w = i.world.get(b, r);
        let n = w[cells::INTERVALS];
        assert!(n > 0.0, "bucket {b}");
        for lane in &i.lanes {
            let x = lane.get(b, r);
            assert!(x[cells::ASLEEP] <= n && x[cells::OVERLOADED] <= n);
        }
        assert_eq!(i.lanes[2].get(b, r)[cells::ASLEEP], 0.0);
        let oracle = i.lanes[3].get(b, r)[cells::FORECAST];
        assert!((oracle - w[cells::LOAD]).abs() <= 1e-4 * w[cells::LOAD].max(1.0));
    }
}

/// Lane `l`'s share of requests shown the best ad, over the busiest segments, from day `from` on.
fn hit_share(e: &Experiment, l: usize, from: f64) -> f64 {
    let i = e.inside().unwrap();
    let g = i.lanes[l];
    let first = (from * rtml::base::units::MINUTES_PER_DAY / g.bucket_min) as usize;
    let (mut hits, mut shown) = (0.0, 0.0);
    for (b, r) in cells_of(g).filter(|&(b, _)| b >= first) {
        hits += g.get(b, r)[ads::HITS] as f64;
        shown += g.get(b, r)[ads::SHOWN] as f64;
    }
    hits / shown
}

#[test]
fn after_a_shift_the_panes_show_the_frozen_model_still_on_yesterdays_favourites() {
    // ads-drift: A frozen, B retrained daily, C continual; the shift on day 7. After it, the frozen
    // lane shows the busiest segments the best ad less often than the continual one, on at least 9 of
    // each block of 10 seeds.
    for block in [1u32, 1001, 2001] {
        let mut held = 0;
        for seed in block..block + 10 {
            let mut cfg = preset("ads-drift").unwrap().config();
            cfg.seed = seed;
            let e = run(&cfg, true);
            let (frozen, continual) = (hit_share(&e, 0, 8.0), hit_share(&e, 2, 8.0));
            if frozen < continual {
                held += 1;
            }
        }
        assert!(held >= 9, "seeds {block}..: held on {held} of 10");
    }
}

#[test]
fn a_kept_warm_up_and_kept_lanes_keep_the_panes() {
    use rtml::sim::ads::WarmCache;
    use rtml::sim::parallel::LaneResults;
    let cfg = short("ads-drift", "4");
    let fresh = run(&cfg, true);
    // A warm-up kept by a run that did not record, adopted by one that does.
    let mut cache = WarmCache::new(2);
    let mut first = Experiment::new(cfg.clone()).unwrap();
    first.warm_cached(&mut cache);
    first.run_to_end();
    let mut again = Experiment::new(cfg.clone()).unwrap();
    again.record_inside();
    again.warm_cached(&mut cache);
    again.run_to_end();
    assert_eq!(again.digest(), fresh.digest());
    let (a, b) = (fresh.inside().unwrap(), again.inside().unwrap());
    assert_eq!((a.world, &a.lanes), (b.world, &b.lanes));
    // Finished lanes kept by the page bring their panes back.
    let mut kept = LaneResults::new(24);
    kept.keep(&cfg, &[fresh.part(&[0, 1, 2])]);
    let mut whole = Experiment::new(cfg.clone()).unwrap();
    whole.record_inside();
    whole.adopt(&kept.find(&cfg));
    let c = whole.inside().unwrap();
    assert_eq!((a.world, &a.lanes), (c.world, &c.lanes));
}
