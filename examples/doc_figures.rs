//! Writes the figures the docs quote, so that no quoted figure goes stale: each block sits in a doc
//! between `<!-- figures:NAME -->` and `<!-- /figures -->`, and `tests/docs.rs` regenerates every
//! block and compares it with the doc.
//!
//! ```text
//! cargo run --release --example doc_figures            # print every block
//! cargo run --release --example doc_figures -- --write # rewrite the blocks in docs/
//! ```

use rtml::base::units::fmt_num;
use rtml::sim::experiment::Experiment;
use rtml::sim::presets::preset;
use rtml::study::whatif::{
    run_seed, summarize, SeedRun, Spec, DEFAULT_KNOB, DEFAULT_VALUES, WINDOWS,
};

/// A block: the doc it sits in, its name, how it is made.
pub type Block = (&'static str, &'static str, fn() -> String);

/// The blocks.
pub const BLOCKS: [Block; 3] = [
    ("docs/simulation-vs-reality.md", "cells-sleep", cells_sleep),
    ("docs/whatif.md", "whatif", whatif),
    ("docs/whatif.md", "whatif-bias", whatif_bias),
];

/// Seeds of the cells figures: 30, no test's.
const CELL_SEEDS: std::ops::Range<u32> = 3101..3131;

/// `cells-sleep` over 30 seeds: per lane, the mean and the range over seeds of what an operator reads.
pub fn cells_sleep() -> String {
    let cfg = preset("cells-sleep").expect("preset").config();
    let keys = [
        ("energy_saved_pct", "energy saved, %", 1),
        ("saved_day", "saved vs always-on, €/day", 2),
        ("over_rule_day", "saved vs the rule, €/day", 2),
        ("complaints", "complaint calls, 14 days", 2),
        ("degraded_gb", "degraded traffic, GB", 1),
        ("sleep_level", "sleep level (tuned)", 3),
        ("network_saved_year", "on 10,000 cells, €/year", -1),
    ];
    let mut per: Vec<Vec<Vec<f64>>> = Vec::new();
    let mut names = Vec::new();
    for seed in CELL_SEEDS {
        let mut c = cfg.clone();
        c.seed = seed;
        let mut e = Experiment::new(c).expect("valid");
        e.run_to_end();
        let s = e.summary();
        if names.is_empty() {
            names = s
                .iter()
                .map(|l| format!("{}: {}", l.label, l.description))
                .collect();
            per = vec![vec![Vec::new(); keys.len()]; s.len()];
        }
        for (l, lane) in s.iter().enumerate() {
            for (k, (key, _, _)) in keys.iter().enumerate() {
                per[l][k].push(lane.get(key).unwrap_or(f64::NAN));
            }
        }
    }
    let round = |x: f64, d: i32| {
        if !x.is_finite() {
            "–".to_string()
        } else if d < 0 {
            format!("{:.2} M", x / 1e6)
        } else {
            format!("{x:.*}", d as usize)
        }
    };
    let mut out = format!(
        "`cells-sleep` over seeds {}-{} (`cargo run --release --example doc_figures`): mean, and in brackets the lowest and highest seed.\n\n| lane | {} |\n| --- |{}\n",
        CELL_SEEDS.start,
        CELL_SEEDS.end - 1,
        keys.iter().map(|k| k.1).collect::<Vec<_>>().join(" | "),
        " --- |".repeat(keys.len())
    );
    for (l, name) in names.iter().enumerate() {
        out.push_str(&format!("| {name} |"));
        for (k, (_, _, d)) in keys.iter().enumerate() {
            let v: Vec<f64> = per[l][k]
                .iter()
                .copied()
                .filter(|x| x.is_finite())
                .collect();
            if v.is_empty() {
                out.push_str(" – |");
                continue;
            }
            let mean = v.iter().sum::<f64>() / v.len() as f64;
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            out.push_str(&format!(
                " {} [{}, {}] |",
                round(mean, *d),
                round(lo, *d),
                round(hi, *d)
            ));
        }
        out.push('\n');
    }
    out
}

/// The what-if at the preset's settings, 10 seeds, as the page shows it at 50% error.
pub fn whatif() -> String {
    let cfg = preset("cells-what-if").expect("preset").config();
    let spec = Spec::new(cfg.clone(), DEFAULT_KNOB, DEFAULT_VALUES, 10).expect("valid");
    let errors = [0.0, 0.1, 0.5];
    let runs: Vec<_> = spec
        .seed_list()
        .into_iter()
        .map(|s| run_seed(&spec, s, &errors, &WINDOWS))
        .collect();
    let at = |e: usize| summarize(&spec, &runs, e, errors[e]);
    let half = at(2);
    let mut out = format!(
        "Preset `cells-what-if`, seeds {}-{}, threshold values {} (`cargo run --release --example doc_figures`); the plans made on the simulator 50% off, as it predicts them and as they truly do:\n\n| threshold | predicted €/day (50% off) | real €/day |\n| --- | --- | --- |\n",
        cfg.seed,
        cfg.seed + 9,
        DEFAULT_VALUES.replace(',', ", ")
    );
    for (k, v) in half.values.iter().enumerate() {
        let mark = |i: usize, what: &str| {
            if k == i {
                format!(" ({what})")
            } else {
                String::new()
            }
        };
        out.push_str(&format!(
            "| {} | {:.2}{} | {:.2}{} |\n",
            fmt_num(*v),
            half.predicted[k].money_saved_day.mean,
            mark(half.sim_pick, "simulator's pick"),
            half.real[k].money_saved_day.mean,
            mark(half.true_pick, "best"),
        ));
    }
    out.push_str(&format!(
        "\nTrusting the simulator 50% off costs {:.3} €/day on the average curves; each seed deciding alone, it picks wrong on {} of 10 seeds and costs {:.3} €/day on average (10% off: {:.3}). Refitting on 1 day, 1 week, 4 weeks of live load: {:.3}, {:.3}, {:.3} €/day.\n",
        half.regret,
        half.wrong_seeds,
        half.seed_regret.mean,
        at(1).seed_regret.mean,
        half.refit[0].seed_regret.mean,
        half.refit[1].seed_regret.mean,
        half.refit[2].seed_regret.mean,
    ));
    out.push_str(&format!(
        "A perfect simulator's best plan saves {:.2} €/day; the plans of the simulator 50% off save {:.2} at their best value and {:.2} at the value it picks.\n",
        perfect_best(&runs),
        half.real[half.true_pick].money_saved_day.mean,
        half.real[half.sim_pick].money_saved_day.mean,
    ));
    out
}

/// What a perfect simulator's best plan saves per day, each seed at its own best value (the live
/// picture's own plans), averaged over the seeds.
fn perfect_best(runs: &[SeedRun]) -> f64 {
    (runs.iter())
        .map(|r| {
            (r.real.at.iter())
                .map(|t| (r.real.always.cost - t.cost) / r.days)
                .fold(f64::NEG_INFINITY, f64::max)
        })
        .sum::<f64>()
        / runs.len() as f64
}

/// A biased simulator, no noise: what trusting an optimistic (-0.3) or pessimistic (+0.3) one costs,
/// against what a perfect simulator's best plan saves.
pub fn whatif_bias() -> String {
    let mut out = String::from(
        "A simulator whose daily peaks are 30% low (optimistic) or high (pessimistic), no other error, seeds 1-10 each deciding alone (`cargo run --release --example doc_figures`):\n\n| simulator bias | regret €/day | share of a perfect simulator's best | seeds picking wrong | its plans' best €/day |\n| --- | --- | --- | --- | --- |\n",
    );
    let mut perfect = 0.0;
    for bias in [-0.3, 0.3] {
        let mut cfg = preset("cells-what-if").expect("preset").config();
        cfg.cells.sim_bias = bias;
        let spec = Spec::new(cfg, DEFAULT_KNOB, DEFAULT_VALUES, 10).expect("valid");
        let runs: Vec<_> = spec
            .seed_list()
            .into_iter()
            .map(|s| run_seed(&spec, s, &[0.0], &[]))
            .collect();
        perfect = perfect_best(&runs);
        let s = summarize(&spec, &runs, 0, 0.0);
        out.push_str(&format!(
            "| {bias:+} | {:.3} | {:.0}% | {} of 10 | {:.2} |\n",
            s.seed_regret.mean,
            100.0 * s.seed_regret.mean / perfect,
            s.wrong_seeds,
            s.real[s.true_pick].money_saved_day.mean
        ));
    }
    out.push_str(&format!(
        "\nA perfect simulator's best plan saves {perfect:.2} €/day on average over these seeds.\n"
    ));
    out
}

/// Replaces the block `name` of `doc`'s text with `body`.
pub fn replace(text: &str, name: &str, body: &str) -> Option<String> {
    let open = format!("<!-- figures:{name} -->\n");
    let a = text.find(&open)? + open.len();
    let b = a + text[a..].find("<!-- /figures -->")?;
    Some(format!("{}{}{}", &text[..a], body, &text[b..]))
}

#[allow(dead_code)]
fn main() {
    let write = std::env::args().any(|a| a == "--write");
    for (doc, name, make) in BLOCKS {
        let body = make();
        if write {
            let text = std::fs::read_to_string(doc).expect("doc");
            let new = replace(&text, name, &body)
                .unwrap_or_else(|| panic!("{doc}: no block <!-- figures:{name} -->"));
            std::fs::write(doc, new).expect("write");
        } else {
            println!("<!-- figures:{name} --> ({doc})\n{body}");
        }
    }
}
