//! `rtml run --seeds N`: the same configuration on N worlds (seeds `S..S+N`, `S` the run's seed),
//! each an independent run, then per lane each figure's mean and 90% interval, per pair of lanes the
//! seeds in which each did better on the metric, and how often each caption claim held.

use rtml::sim::config::Config;
use rtml::study::studies::{Spread, SpreadJob};
use rtml::study::Figure;

/// Runs every seed, `cores` at once (each run on one thread), and prints the spread.
pub fn run(
    name: &str,
    cfg: &Config,
    key: &str,
    n: u32,
    json: bool,
    svg: Option<&str>,
    cores: usize,
) -> Result<(), String> {
    let job = SpreadJob {
        config: cfg.clone(),
        preset: Some(name.to_string()),
        seeds: n,
        metric: key.to_string(),
        cumulative: false,
    };
    let report = super::study::<Spread>(&job, "run", "seeds", true, cores)?;
    if let (Some(path), Figure::Spread { runs, .. }) = (svg, &report.figure) {
        let doc = rtml::view::chart::spread_svg(cfg, runs, key, 1000, 640)?;
        super::write_file(path, doc)?;
    }
    if svg == Some(super::output::STDOUT) {
        return Ok(());
    }
    super::print_report(&report, json);
    Ok(())
}
