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

/// A preset's world over `days` after `warmup` days, its lanes learning from one shared log.
fn shared_log(preset: &str, days: f64, warmup: f64) -> Config {
    let mut cfg = rtml::sim::presets::preset(preset).unwrap().config();
    cfg.days = days;
    cfg.warmup = warmup;
    cfg.set("log", "shared").unwrap();
    cfg
}

/// Lane `l` of `together` has, bit for bit, every sum and the retrain marks of lane `at` of `alone`.
fn same_lane(together: &Experiment, l: usize, alone: &Experiment, at: usize) {
    let (s, a) = (together.series(), alone.series());
    assert_eq!(s.buckets, a.buckets);
    for b in 0..s.buckets {
        let (x, y) = (s.row(l, b), a.row(at, b));
        assert!(
            x.iter().zip(y).all(|(x, y)| x.to_bits() == y.to_bits()),
            "lane {l}, bucket {b}: {x:?} against {y:?}"
        );
    }
    assert_eq!(
        together.retrain_marks(l),
        alone.retrain_marks(at),
        "lane {l}"
    );
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

#[test]
fn kept_lanes_and_a_re_run_of_the_changed_one_give_the_numbers_of_a_fresh_run() {
    use rtml::sim::parallel::{split_rest, LaneResults};
    for name in [
        "ads-batch-vs-online",
        "ads-stateless-vs-stateful",
        "ads-triggered",
    ] {
        let mut cfg = rtml::sim::presets::preset(name).unwrap().config();
        cfg.days = 4.0;
        cfg.warmup = 2.0;
        let mut kept = LaneResults::new(24);
        let parts = split(&cfg, 2);
        kept.keep(&cfg, &run_parts(&cfg, &parts, None));
        assert_eq!(kept.find(&cfg).len(), cfg.lanes.len());
        // One lane's knob: only that lane runs again.
        let mut changed = cfg.clone();
        changed.set("a.explore", "0.07").unwrap();
        let known = kept.find(&changed);
        assert_eq!(known.len(), cfg.lanes.len() - 1, "{name}");
        let todo = split_rest(&changed, &known, 2);
        assert_eq!(todo, vec![vec![0]], "{name}");
        let mut whole = Experiment::new(changed.clone()).unwrap();
        let mut all = known;
        all.extend(run_parts(&changed, &todo, None));
        whole.adopt(&all);
        let mut fresh = Experiment::new(changed.clone()).unwrap();
        fresh.run_to_end();
        assert_eq!(whole.digest(), fresh.digest(), "{name}");
        // The lanes in another order, and a world change: nothing is kept for another world.
        let mut turned = cfg.clone();
        turned.lanes.rotate_left(1);
        let known = kept.find(&turned);
        assert!(split_rest(&turned, &known, 2).is_empty());
        let mut whole = Experiment::new(turned.clone()).unwrap();
        whole.adopt(&known);
        let mut fresh = Experiment::new(turned.clone()).unwrap();
        fresh.run_to_end();
        assert_eq!(whole.digest(), fresh.digest(), "{name} turned");
        let mut other = cfg.clone();
        other.set("volume", "900").unwrap();
        assert!(kept.find(&other).is_empty());
        assert_eq!(split_rest(&other, &[], 2), split(&other, 2));
    }
    // Unfinished parts are not kept; the most recent lanes are, up to the cap.
    let cfg = rtml::sim::presets::preset("ads-drift").unwrap().config();
    let mut kept = LaneResults::new(2);
    kept.keep(&cfg, &run_parts(&cfg, &[vec![0, 1, 2]], Some(600.0)));
    assert!(kept.find(&cfg).is_empty());
    let mut short = cfg.clone();
    short.days = 1.0;
    kept.keep(&short, &run_parts(&short, &[vec![0, 1, 2]], None));
    let found: Vec<usize> = kept.find(&short).iter().map(|p| p.lanes[0]).collect();
    assert_eq!(found, vec![1, 2]);
}

/// With a shared log a lane's outcome depends on the logging lane too: the page's split keeps the
/// logging lane in the run of every lane (the assembled digest is the full run's), and the kept
/// lanes' key changes with the logging lane's settings (a kept lane is not reused after them).
#[test]
fn a_shared_log_runs_with_its_logging_lane_and_keys_on_it() {
    let mut cfg = shared_log("ads-batch-vs-online", 3.0, 2.0);
    cfg.set("a.mode", "online").unwrap();
    let whole = {
        let mut e = Experiment::new(cfg.clone()).unwrap();
        e.run_to_end();
        e.digest()
    };
    for workers in [1, 2, 3] {
        let parts = split(&cfg, workers);
        let mut e = Experiment::new(cfg.clone()).unwrap();
        e.adopt(&run_parts(&cfg, &parts, None));
        assert_eq!(e.digest(), whole, "{parts:?}");
    }
    let own = {
        let mut c = cfg.clone();
        c.set("log", "own").unwrap();
        let mut e = Experiment::new(c).unwrap();
        e.run_to_end();
        e.digest()
    };
    assert_ne!(own, whole, "lane B and C learn from lane A's log");
    let mut other = cfg.clone();
    other.set("a.every", "6h").unwrap();
    assert_ne!(
        rtml::sim::parallel::world_key(&other),
        rtml::sim::parallel::world_key(&cfg)
    );
    let mut kept = rtml::sim::parallel::LaneResults::new(8);
    kept.keep(&cfg, &run_parts(&cfg, &split(&cfg, 1), None));
    assert_eq!(kept.find(&cfg).len(), 3);
    assert!(
        kept.find(&other).is_empty(),
        "lane C's kept run learned from the old lane A"
    );
}

/// On a shared log, batch lanes with the same learner and schedule learn one model (the first of
/// them trains it, `Lane::model_key`): each such lane's numbers, retrain marks included, are those
/// it has when it learns its own copy, i.e. when it runs beside the logging lane alone. A lane
/// retrained by a drift detector (it reads its own loss) and one of another schedule keep their own.
#[test]
fn lanes_learning_one_shared_model_have_the_numbers_of_their_own_copies() {
    let cfg = shared_log("ads-batch-vs-online", 3.0, 2.0);
    let logger = rtml::sim::config::LaneConfig::default();
    let batch = |refresh: &str, update: &str, explore: &str| {
        let mut c = cfg.clone();
        c.lanes = vec![rtml::sim::config::LaneConfig::default()];
        for (k, v) in [
            ("a.mode", "batch"),
            ("a.refresh", refresh),
            ("a.update", update),
            ("a.every", "6h"),
            ("a.explore", explore),
        ] {
            c.set(k, v).unwrap();
        }
        c.lanes.remove(0)
    };
    let lanes = vec![
        logger.clone(),
        batch("1h", "periodic", "0"),
        batch("4h", "periodic", "0.05"),
        batch("1d", "periodic", "0"),
        batch("4h", "continual", "0"),
        batch("15m", "periodic", "0.1"),
        batch("1h", "triggered", "0"),
        batch("4h", "triggered", "0"),
    ];
    let run = |lanes: Vec<rtml::sim::config::LaneConfig>| {
        let mut c = cfg.clone();
        c.lanes = lanes;
        let mut e = Experiment::with_many_lanes(c).unwrap();
        e.set_threads(2);
        e.run_to_end();
        e
    };
    let together = run(lanes.clone());
    for (l, lane) in lanes.iter().enumerate().skip(1) {
        let alone = run(vec![logger.clone(), lane.clone()]);
        same_lane(&together, l, &alone, 1);
        assert!(
            !together.retrain_marks(l).is_empty() || l == 4,
            "lane {l} retrains"
        );
    }
}

/// Cells lanes learn the loads the network carries whatever they decide, so lanes whose forecasters
/// learn alike learn one model (the first trains it; online and batch lanes of any refresh alike):
/// each lane's numbers, retrain marks included, are those it has alone. A lane retrained by a drift
/// detector keeps its own.
#[test]
fn cells_lanes_learning_one_model_have_the_numbers_they_have_alone() {
    let mut cfg = rtml::sim::presets::preset("cells-sleep").unwrap().config();
    cfg.days = 4.0;
    cfg.warmup = 10.0;
    let lane = |sets: &[(&str, &str)]| {
        let mut c = cfg.clone();
        for (k, v) in sets {
            c.set(&format!("a.{k}"), v).unwrap();
        }
        c.lanes[0].clone()
    };
    let model = [("policy", "model"), ("every", "6h")];
    let with = |more: &[(&'static str, &'static str)]| lane(&[model.as_slice(), more].concat());
    // Online lanes after batch ones: followers too.
    let lanes = vec![
        with(&[("mode", "batch"), ("refresh", "1h"), ("update", "periodic")]),
        with(&[("mode", "online"), ("update", "periodic")]),
        with(&[("mode", "batch"), ("refresh", "4h"), ("update", "periodic")]),
        with(&[
            ("mode", "batch"),
            ("refresh", "1d"),
            ("update", "continual"),
        ]),
        with(&[("mode", "online"), ("update", "continual")]),
        with(&[("mode", "batch"), ("refresh", "4h"), ("update", "frozen")]),
        with(&[("mode", "online"), ("update", "triggered")]),
        with(&[
            ("mode", "batch"),
            ("refresh", "1h"),
            ("update", "triggered"),
        ]),
    ];
    let run = |lanes: Vec<rtml::sim::config::LaneConfig>| {
        let mut c = cfg.clone();
        c.lanes = lanes;
        let mut e = Experiment::with_many_lanes(c).unwrap();
        e.run_to_end();
        e
    };
    let together = run(lanes.clone());
    for (l, lane) in lanes.iter().enumerate() {
        let alone = run(vec![lane.clone()]);
        same_lane(&together, l, &alone, 0);
    }
    assert!(!together.retrain_marks(2).is_empty(), "a follower retrains");
}

/// The same on harder ground: several groups of one model (stateless retrains with a window and a
/// deploy delay, stateful ones with deploys waiting longer than their period, frozen lanes, continual
/// ones with a join window and a label delay), on a world of new campaigns with late clicks, on three
/// threads, stepped in uneven slices, from a kept warm-up and recording the world panes: each lane's
/// sums, marks and panes are those of its own copy; and on one thread with a batch logging lane (lanes
/// of its learner and schedule learn their own model, frozen lanes before it share theirs).
#[test]
fn lanes_learning_one_shared_model_keep_their_numbers_in_every_setting() {
    use rtml::sim::ads::WarmCache;
    use rtml::sim::config::LaneConfig;
    let mut cfg = shared_log("ads-new-campaigns", 2.0, 1.0);
    cfg.set("click_delay", "1h").unwrap();
    let lane = |kv: &[(&str, &str)]| {
        let mut c = cfg.clone();
        c.lanes = vec![LaneConfig::default()];
        for (k, v) in kv {
            c.set(&format!("a.{k}"), v).unwrap();
        }
        c.lanes.remove(0)
    };
    let stateless = [
        ("mode", "batch"),
        ("update", "periodic"),
        ("every", "6h"),
        ("retrain", "stateless"),
        ("window", "1d"),
        ("deploy", "2h"),
    ];
    let waiting = [
        ("mode", "batch"),
        ("update", "periodic"),
        ("every", "3h"),
        ("deploy", "8h"),
    ];
    let frozen = [("mode", "batch"), ("update", "frozen")];
    let late = [
        ("mode", "batch"),
        ("update", "continual"),
        ("label_delay", "30"),
        ("join", "10"),
    ];
    let with = |base: &[(&'static str, &'static str)], more: &[(&'static str, &'static str)]| {
        lane(&[base, more].concat())
    };
    // Every run, together or alone, from one cache of warm-ups (as the page's lane workers).
    let mut cache = WarmCache::new(4);
    let mut run = |lanes: &[LaneConfig], threads: usize, step: f64| {
        let mut c = cfg.clone();
        c.lanes = lanes.to_vec();
        let mut e = Experiment::with_many_lanes(c).unwrap();
        e.set_threads(threads);
        e.record_inside();
        e.warm_cached(&mut cache);
        let mut t = 0.0;
        while !e.done() {
            t += step;
            e.run_until(t);
        }
        e
    };
    let mut check = |lanes: Vec<LaneConfig>, logger: usize, threads: usize| {
        let together = run(&lanes, threads, 137.0);
        for (l, one) in lanes.iter().enumerate().filter(|&(l, _)| l != logger) {
            let (pair, at) = if l < logger {
                (vec![one.clone(), lanes[logger].clone()], 0)
            } else {
                (vec![lanes[logger].clone(), one.clone()], 1)
            };
            let alone = run(&pair, 1, 1e9);
            same_lane(&together, l, &alone, at);
            let (ti, ai) = (together.inside().unwrap(), alone.inside().unwrap());
            assert_eq!(ti.lanes[l], ai.lanes[at], "lane {l}'s panes");
            assert_eq!(ti.world, ai.world);
        }
        together
    };
    let together = check(
        vec![
            LaneConfig::default(),
            with(&stateless, &[("refresh", "1h")]),
            with(&stateless, &[("refresh", "4h"), ("explore", "0.1")]),
            with(&waiting, &[("refresh", "1h")]),
            with(&waiting, &[("refresh", "15m"), ("explore", "0.2")]),
            with(&frozen, &[("refresh", "1h")]),
            with(&frozen, &[("refresh", "6h"), ("explore", "0.1")]),
            with(&late, &[("refresh", "1h")]),
            with(&late, &[("refresh", "3h"), ("explore", "0.05")]),
            with(
                &[("mode", "batch"), ("update", "triggered")],
                &[("refresh", "2h")],
            ),
        ],
        0,
        3,
    );
    for l in [1, 2, 3, 4] {
        assert!(!together.retrain_marks(l).is_empty(), "lane {l} retrains");
    }
    let every6h = [("mode", "batch"), ("update", "periodic"), ("every", "6h")];
    check(
        vec![
            with(&frozen, &[("refresh", "1h")]),
            with(&frozen, &[("refresh", "2h"), ("explore", "0.3")]),
            with(&every6h, &[("refresh", "1h")]),
            with(&every6h, &[("refresh", "4h")]),
            with(&every6h, &[("refresh", "15m"), ("explore", "0.1")]),
        ],
        2,
        1,
    );
}
