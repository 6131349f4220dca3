//! How text settings reach a [`Config`]: one knob set from text, every knob checked against its
//! range, every knob written as text, all by the rows of the knob table ([`KNOBS`], [`LANE_KNOBS`]).
//! Apart from `config.rs` (the data) and `knobs.rs` (the table), so that neither imports the other
//! both ways.

use crate::domain::network::ORACLE_MAX_PER_CLUSTER;
use crate::sim::config::{Config, ConfigError, Policy, Scenario, LANE_NAMES, MAX_LANES};
use crate::sim::knobs::{KNOBS, LANE_KNOBS};

/// `key=value` settings separated by `&` or new lines (blank ones skipped; keys and values
/// trimmed), as the page's inputs and the studies' jobs write them; the error names the pair that
/// has no `=`.
pub fn pairs(text: &str) -> Result<Vec<(&str, &str)>, String> {
    (text.split(['&', '\n']).map(str::trim))
        .filter(|s| !s.is_empty())
        .map(|pair| {
            pair.split_once('=')
                .map(|(k, v)| (k.trim(), v.trim()))
                .ok_or_else(|| format!("`{}`: expected key=value", crate::base::echo::clip(pair)))
        })
        .collect()
}

impl Config {
    /// Checks every knob against its range, and the lane count.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.lanes.is_empty() || self.lanes.len() > MAX_LANES {
            return Err(ConfigError::new(
                "lanes",
                format!("{}", self.lanes.len()),
                "1 to 4 lanes".into(),
            ));
        }
        for k in KNOBS {
            k.kind.check(k.key, &(k.get)(self))?;
        }
        for (i, lane) in self.lanes.iter().enumerate() {
            let name = LANE_NAMES[i].to_ascii_lowercase();
            if lane.policy == Policy::Oracle
                && self.scenario == Scenario::Cells
                && (self.cells.cells as usize).div_ceil(4) > ORACLE_MAX_PER_CLUSTER
            {
                return Err(ConfigError::new(
                    &format!("{name}.policy"),
                    "oracle",
                    format!(
                        "another policy (e.g. {name}.policy=rule) with more than {} cells, or at most {0} cells: the oracle searches every sleep schedule of a cluster's cells",
                        4 * ORACLE_MAX_PER_CLUSTER
                    ),
                ));
            }
            for k in LANE_KNOBS {
                let key = format!("{}.{}", LANE_NAMES[i].to_ascii_lowercase(), k.key);
                k.kind.check(&key, &(k.get)(lane))?;
            }
        }
        Ok(())
    }

    /// Sets one knob from text, e.g. `("volume", "800")`, `("b.every", "30m")`, `("holiday", "off")`,
    /// `("lanes", "3")`. Validates the value; on error the configuration is unchanged.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        let key = key.trim();
        let value = value.trim();
        if key == "lanes" {
            let n: usize = value
                .parse()
                .ok()
                .filter(|n| (1..=MAX_LANES).contains(n))
                .ok_or_else(|| {
                    ConfigError::new("lanes", value, "a whole number from 1 to 4".into())
                })?;
            let template = self.lanes.last().cloned().unwrap_or_default();
            self.lanes.resize(n, template);
            return Ok(());
        }
        if let Some((lane, sub)) = key.split_once('.') {
            let i = LANE_NAMES
                .iter()
                .position(|n| n.eq_ignore_ascii_case(lane))
                .ok_or_else(|| {
                    ConfigError::new(key, value, "a lane letter a to d before the dot".into())
                })?;
            let k = LANE_KNOBS
                .iter()
                .find(|k| k.key == sub)
                .ok_or_else(|| unknown(key, value))?;
            let v = k.kind.parse(key, value)?;
            if i >= self.lanes.len() {
                let template = self.lanes.last().cloned().unwrap_or_default();
                self.lanes.resize(i + 1, template);
            }
            (k.set)(&mut self.lanes[i], v);
            return Ok(());
        }
        let k = KNOBS
            .iter()
            .find(|k| k.key == key)
            .ok_or_else(|| unknown(key, value))?;
        let v = k.kind.parse(key, value)?;
        (k.set)(self, v);
        Ok(())
    }

    /// Every knob as `(key, value)` text, in table order; lane knobs as `a.mode` etc.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for k in KNOBS {
            out.push((k.key.to_string(), k.kind.format(&(k.get)(self))));
        }
        out.push(("lanes".into(), self.lanes.len().to_string()));
        for (i, lane) in self.lanes.iter().enumerate() {
            for k in LANE_KNOBS {
                out.push((
                    format!("{}.{}", LANE_NAMES[i].to_ascii_lowercase(), k.key),
                    k.kind.format(&(k.get)(lane)),
                ));
            }
        }
        out
    }
}

fn unknown(key: &str, value: &str) -> ConfigError {
    ConfigError::new(key, value, "a known setting (see `rtml knobs`)".into())
}
