//! `rtml run --seeds N`: the same configuration on N worlds (seeds `S..S+N`, `S` the run's seed),
//! each an independent run, then per lane each figure's mean and 90% interval, per pair of lanes the
//! seeds in which each did better on the metric, and how often each caption claim held.

use rtml::sim::config::Config;
use rtml::sim::seeds::{aggregate, run_seed, seed_list, to_json, SeedRun, Spread};

use super::show;

/// Runs every seed, `cores` at once (each run on one thread), and prints the spread.
pub fn run(
    name: &str,
    cfg: &Config,
    key: &str,
    n: u32,
    json: bool,
    svg: Option<&str>,
    cores: usize,
) -> Result<Spread, String> {
    let seeds = seed_list(cfg.seed, n);
    let preset = Some(name);
    let mut runs: Vec<SeedRun> = Vec::with_capacity(seeds.len());
    for chunk in seeds.chunks(cores.max(1)) {
        let done: Vec<Result<SeedRun, String>> = std::thread::scope(|s| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|&seed| s.spawn(move || run_seed(cfg, preset, seed)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err("a seed's run failed".into()))
                })
                .collect()
        });
        for r in done {
            runs.push(r?);
        }
    }
    let spread = aggregate(cfg, key, preset, &runs);
    if let Some(path) = svg {
        let doc = rtml::view::chart::spread_svg(cfg, &runs, key, 1000, 640)?;
        super::write_file(path, doc)?;
    }
    if svg == Some(super::output::STDOUT) {
        return Ok(spread);
    }
    if json {
        let out = to_json(name, &spread);
        outln!("{}", serde_json::to_string_pretty(&out).expect("json"));
    } else {
        print_table(name, &spread);
    }
    Ok(spread)
}

fn print_table(name: &str, spread: &Spread) {
    let (first, last) = (spread.seeds[0], spread.seeds[spread.seeds.len() - 1]);
    outln!(
        "{name}: {} seeds ({first} to {last}); mean [90% interval]",
        spread.seeds.len()
    );
    let opt = |v: Option<f64>| v.map_or("-".to_string(), show);
    for l in &spread.lanes {
        outln!("\n{}: {}", l.label, l.description);
        for f in &l.figures {
            outln!(
                "  {:<20} {:>12} [{}, {}]",
                f.key,
                opt(f.mean),
                opt(f.lo),
                opt(f.hi)
            );
        }
    }
    if spread.comparable {
        outln!(
            "\nSeeds in which each lane did better on {}:",
            spread.metric
        );
        for i in 0..spread.lanes.len() {
            for j in i + 1..spread.lanes.len() {
                let (a, b) = (spread.lanes[i].label, spread.lanes[j].label);
                outln!(
                    "  {a} vs {b}: {a} in {}, {b} in {}",
                    spread.wins[i][j],
                    spread.wins[j][i]
                );
            }
        }
    }
    if !spread.claims.is_empty() {
        outln!("\nThe caption's claims:");
        for c in &spread.claims {
            outln!("  held in {} of {}: {}", c.held, c.of, c.claim);
        }
    }
}
