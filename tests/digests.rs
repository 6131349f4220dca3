//! The digest table that the wasm suite (`tests/wasm_node.rs`) checks under node: native and wasm runs
//! of every preset must be bit-identical. Regenerate with `UPDATE_DIGESTS=1 cargo test --test digests`.

use rtml::base::units::MINUTES_PER_DAY;
use rtml::sim::experiment::Experiment;
use rtml::sim::presets::PRESETS;

fn table() -> String {
    PRESETS
        .iter()
        .map(|p| {
            let mut exp = Experiment::new(p.config()).unwrap();
            exp.run_to_end();
            format!("{} {}\n", p.name, exp.digest())
        })
        .collect()
}

#[test]
fn native_digests_match_the_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/digests.txt");
    let now = table();
    if std::env::var("UPDATE_DIGESTS").is_ok() {
        std::fs::write(path, &now).unwrap();
    }
    let stored = std::fs::read_to_string(path).unwrap_or_default();
    assert_eq!(
        stored, now,
        "engine output changed: if intended, rerun with UPDATE_DIGESTS=1"
    );
}

/// Natively an ads run serves its lanes on several threads while the world draws requests ahead; the
/// numbers must not depend on the thread count, on how the run is sliced, or on where batches of
/// requests end (catalogue changes, the warm-up's end).
#[test]
fn thread_count_and_slicing_never_change_a_number() {
    let variants: &[(&str, &[(&str, &str)])] = &[
        (
            "ads-batch-vs-online",
            &[("lanes", "4"), ("d.update", "periodic"), ("d.every", "6h")],
        ),
        (
            "ads-new-campaigns",
            &[("lanes", "4"), ("d.policy", "oracle"), ("a.explore", "0.1")],
        ),
        (
            "ads-label-delay",
            &[
                ("launches", "20"),
                ("campaign_days", "0.5"),
                ("catalogue", "3"),
            ],
        ),
        (
            "ads-drift",
            &[
                ("lanes", "4"),
                ("c.update", "triggered"),
                ("d.policy", "baseline"),
                ("b.retrain", "stateless"),
                ("b.window", "1d"),
            ],
        ),
        ("ads-drift", &[("lanes", "1"), ("a.policy", "baseline")]),
        // A shared log: the logging lane (here B, the first that keeps learning) serves each batch
        // first, on the drawing thread; the others learn from its log.
        (
            "ads-drift",
            &[
                ("log", "shared"),
                ("lanes", "4"),
                ("d.mode", "batch"),
                ("d.update", "triggered"),
                ("a.explore", "0.1"),
            ],
        ),
    ];
    for (name, settings) in variants {
        for seed in 1..=2u32 {
            let mut cfg = rtml::sim::presets::preset(name).unwrap().config();
            cfg.seed = seed;
            cfg.days = 4.0;
            cfg.warmup = 2.0;
            for (k, v) in settings.iter() {
                cfg.set(k, v).unwrap_or_else(|e| panic!("{k}={v}: {e}"));
            }
            let run = |threads: usize, slice: Option<f64>| {
                let mut exp = Experiment::new(cfg.clone()).unwrap();
                exp.set_threads(threads);
                if let Some(step) = slice {
                    let mut w = -exp.config().warmup * MINUTES_PER_DAY;
                    while exp.warming() {
                        w += step * 3.1;
                        exp.warm_until(w.min(0.0));
                    }
                    let mut t = 0.0;
                    while !exp.done() {
                        t += step;
                        exp.run_until(t);
                    }
                } else {
                    exp.run_to_end();
                }
                exp.digest()
            };
            let one = run(1, None);
            for (threads, slice) in [
                (2, None),
                (3, None),
                (5, None),
                (2, Some(53.0)),
                (1, Some(211.0)),
            ] {
                assert_eq!(
                    one,
                    run(threads, slice),
                    "{name} {settings:?} seed {seed}: {threads} threads, slices {slice:?}"
                );
            }
        }
    }
}
