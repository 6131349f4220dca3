//! The break-even of a streaming stack for cells that sleep: what fresh inputs are worth on a
//! network per year (the answer's cells map: the value a day of stale predictions loses, with its
//! 95% interval over the seeds, scaled from the simulated cells to the operator's network) against
//! what the streaming stages cost to run per year at public list prices. Read from the answer's
//! JSON (`rtml answer --json`), so it follows whatever the answer becomes.
//!
//! List prices (assumptions the reader moves with the knobs; dollars converted at
//! [`money::PER_US_DOLLAR`]): a Kafka broker on Amazon MSK, `kafka.m5.large`, about 0.21 USD per
//! hour (us-east-1, the MSK pricing page); stream processing on Confluent Cloud for Apache Flink,
//! 0.21 USD per CFU-hour ("Billing on Confluent Cloud for Apache Flink", docs.confluent.io); a
//! Kubernetes control plane on Amazon EKS, 0.10 USD per cluster-hour (the EKS pricing page). Only
//! the stages a batch project would not run anyway are counted: the log, the stream processors and
//! an always-on cluster; storage, data transfer and the people who run them are left out, so the
//! stack's cost here is a floor.

use serde_json::Value;

use crate::base::money;
use crate::base::units::{fmt_figure, HOURS_PER_DAY};
use crate::sim::config::Scenario;
use crate::study::answer::Map;

/// One streaming stage: what it is, its list price per unit-hour (US dollars), its default units.
pub struct Stage {
    pub key: &'static str,
    pub what: &'static str,
    pub usd_hour: f64,
    pub units: f64,
}

pub const STAGES: [Stage; 3] = [
    Stage {
        key: "brokers",
        what: "Kafka brokers (Amazon MSK kafka.m5.large)",
        usd_hour: 0.21,
        units: 3.0,
    },
    Stage {
        key: "stream",
        what: "stream processing units (Confluent Cloud Flink CFU)",
        usd_hour: 0.21,
        units: 2.0,
    },
    Stage {
        key: "cluster",
        what: "Kubernetes control planes (Amazon EKS)",
        usd_hour: 0.10,
        units: 1.0,
    },
];

const DAYS_PER_YEAR: f64 = 365.0;
/// The map's square priced: inputs a day old, the model continual.
const REFRESH: &str = "1d";
const EVERY: &str = "continual";

/// The break-even: fresh inputs' value per cell and year (mean, lo, hi), the stack's cost per year,
/// the network the answer scales to, and the cells at which the value pays for the stack.
#[derive(Clone, Debug, PartialEq)]
pub struct Breakeven {
    pub per_cell_year: (f64, f64, f64),
    pub stack_year: f64,
    pub network_cells: f64,
}

impl Breakeven {
    /// The stack's cost per year for `units` of each stage (missing ones at their defaults).
    pub fn stack_year(units: &[f64]) -> f64 {
        (STAGES.iter().enumerate())
            .map(|(i, s)| {
                let u = units.get(i).copied().filter(|u| u.is_finite() && *u >= 0.0);
                u.unwrap_or(s.units) * s.usd_hour * money::PER_US_DOLLAR
            })
            .sum::<f64>()
            * HOURS_PER_DAY
            * DAYS_PER_YEAR
    }

    /// From a day of stale inputs' value lost (`mean, lo, hi` per day over the simulated cells of
    /// `preset`) and `units` of each stage.
    fn new(preset: &str, (m, lo, hi): (f64, f64, f64), units: &[f64]) -> Option<Breakeven> {
        let cfg = crate::sim::presets::preset(preset)?.config();
        let per = DAYS_PER_YEAR / f64::from(cfg.cells.cells.max(1));
        Some(Breakeven {
            per_cell_year: (m * per, lo * per, hi * per),
            stack_year: Breakeven::stack_year(units),
            network_cells: cfg.cells.network_cells,
        })
    }

    /// From the answer's JSON (`rtml answer --json`, the page's report): the cells map's value lost
    /// by inputs a day old (model continual). None without a cells map that has it.
    pub fn from_answer(j: &Value, units: &[f64]) -> Option<Breakeven> {
        let m = (j["scenarios"].as_array()?.iter()).find(|m| m["scenario"] == "cells")?;
        let pos = |key: &str, v: &str| m[key].as_array()?.iter().position(|x| x == v);
        let (r, c) = (pos("refresh", REFRESH)?, pos("every", EVERY)?);
        let at = |key: &str| m[key][r][c].as_f64();
        let lost = (at("value_lost")?, at("lo")?, at("hi")?);
        Breakeven::new(m["preset"].as_str()?, lost, units)
    }

    /// The same from the answer's typed map (what the page's chart draws).
    pub fn from_maps(maps: &[Map], units: &[f64]) -> Option<Breakeven> {
        let m = maps.iter().find(|m| m.scenario == Scenario::Cells)?;
        let r = m.rows.iter().position(|x| x == REFRESH)?;
        let c = m.cols.iter().position(|x| x == EVERY)?;
        let d = m.cells.get(r)?.get(c)?.lost;
        Breakeven::new(&m.preset, (d.mean, d.lo, d.hi), units)
    }

    /// Cells at which fresh inputs pay for the stack (`value` per cell-year); None when they never do.
    pub fn cells_for(&self, value: f64) -> Option<f64> {
        (value > 0.0).then(|| self.stack_year / value)
    }

    /// The sentence under the figure.
    pub fn words(&self) -> String {
        let (m, lo, hi) = self.per_cell_year;
        let year = money::per("year");
        let cells = |v: f64| {
            self.cells_for(v).map_or("never".into(), |n| {
                format!("{} cells", fmt_figure(Some(n), 2))
            })
        };
        format!(
            "Fresh inputs (online against a day old) are worth {} per cell (95% interval {} to {}); \
             the streaming stages cost {} at these list prices. They pay for themselves from {} \
             (between {} and {} over the interval); the answer's network of {} cells, where they \
             are worth {} ({} to {}), is {}.",
            money::amount_in(m, 3, &year),
            money::amount_in(lo, 3, &year),
            money::amount_in(hi, 3, &year),
            money::amount_in(self.stack_year, 3, &year),
            cells(m),
            cells(hi),
            cells(lo),
            fmt_figure(Some(self.network_cells), 2),
            money::amount_in(m * self.network_cells, 3, &year),
            money::amount_in(lo * self.network_cells, 3, &year),
            money::amount_in(hi * self.network_cells, 3, &year),
            match self.cells_for(lo) {
                Some(n) if self.network_cells >= n => "past the break-even on every seed's interval",
                _ if self.cells_for(m).is_some_and(|n| self.network_cells >= n) =>
                    "past the break-even on average, not over the whole interval",
                _ => "below the break-even",
            }
        )
    }
}

/// The knobs' text: each stage's list price in the one currency (converted at
/// [`money::PER_US_DOLLAR`]; the essay's references give the dollar prices as their sources write them).
pub fn price_label(i: usize) -> String {
    STAGES.get(i).map_or(String::new(), |s| {
        money::amount_in(s.usd_hour * money::PER_US_DOLLAR, 3, &money::per("hour"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer(lost: f64, lo: f64, hi: f64) -> Value {
        json!({"scenarios": [{"scenario": "cells", "preset": "cells-sleep",
            "refresh": ["online", "1d"], "every": ["continual", "frozen"],
            "value_lost": [[0.0, 0.0], [lost, 0.0]], "lo": [[0.0, 0.0], [lo, 0.0]],
            "hi": [[0.0, 0.0], [hi, 0.0]]}]})
    }

    #[test]
    fn the_stack_pays_from_the_cells_where_the_value_meets_its_cost() {
        let b = Breakeven::from_answer(&answer(12.0, 6.0, 18.0), &[]).unwrap();
        // 12 simulated cells: 1 per cell and day, 365 per cell and year.
        assert_eq!(b.per_cell_year.0, 365.0);
        let cost = (3.0 * 0.21 + 2.0 * 0.21 + 0.10) * money::PER_US_DOLLAR * 24.0 * 365.0;
        assert!((b.stack_year - cost).abs() < 1e-9);
        assert!((b.cells_for(365.0).unwrap() - cost / 365.0).abs() < 1e-9);
        assert!(
            b.words()
                .contains("past the break-even on every seed's interval"),
            "{}",
            b.words()
        );
        // The value scaled to the answer's network and a year.
        let year = money::per("year");
        assert!(
            b.words()
                .contains(&money::amount_in(365.0 * b.network_cells, 3, &year)),
            "{}",
            b.words()
        );
        // More of the stack moves the break-even; no value never pays.
        let big = Breakeven::from_answer(&answer(12.0, 6.0, 18.0), &[300.0, 2.0, 1.0]).unwrap();
        assert!(big.stack_year > b.stack_year);
        assert_eq!(b.cells_for(0.0), None);
        assert!(Breakeven::from_answer(&answer(-1.0, -2.0, 1.0), &[])
            .unwrap()
            .words()
            .contains("never"));
        // Without a cells map, nothing.
        assert_eq!(Breakeven::from_answer(&json!({"scenarios": []}), &[]), None);
    }
}
