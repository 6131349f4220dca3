//! What the world panes show of a cells run ([`crate::sim::inside`]): per bucket and cell, the load,
//! and per lane whether the cell slept, was overloaded, and what the lane forecast.

use super::CellsSim;
use crate::sim::inside::{cells as f, Grid};

/// The cells run's recording: the world's grid and each lane's.
#[derive(Clone, Debug, PartialEq)]
pub struct InsideGrids {
    pub world: Grid,
    pub lanes: Vec<Grid>,
}

impl CellsSim {
    /// Starts recording what the world panes show (from the next interval on).
    pub fn record_inside(&mut self) {
        if self.inside.is_none() {
            let (h, n) = (self.world.cfg.horizon_min(), self.hist.n);
            self.inside = Some(Box::new(InsideGrids {
                world: Grid::new(h, n, f::WORLD_FIELDS),
                lanes: vec![Grid::new(h, n, f::LANE_FIELDS); self.lanes.len()],
            }));
        }
    }

    /// The recording, if [`CellsSim::record_inside`] started one.
    pub fn inside(&self) -> Option<&InsideGrids> {
        self.inside.as_deref()
    }

    /// The recording, to adopt lanes run elsewhere.
    pub fn inside_mut(&mut self) -> Option<&mut InsideGrids> {
        self.inside.as_deref_mut()
    }

    /// Each cell's cluster.
    pub fn clusters(&self) -> &[usize] {
        &self.world.cluster
    }

    /// The interval's loads at `t`.
    pub(super) fn inside_world(&mut self, t: f64, loads: &[f64]) {
        let Some(inside) = self.inside.as_deref_mut() else {
            return;
        };
        for (cell, &load) in loads.iter().enumerate() {
            let row = inside.world.at(t, cell);
            row[f::LOAD] += load as f32;
            row[f::INTERVALS] += 1.0;
        }
    }

    /// Lane `l`'s sleep decisions at `t`: which cells slept, which were overloaded (some of their
    /// traffic went to a coverage cell that could not carry its cluster's: `congested` per cluster),
    /// and the forecasts.
    pub(super) fn inside_lane(
        &mut self,
        l: usize,
        t: f64,
        loads: &[f64],
        (sleep, waking): (&[bool], &[bool]),
        congested: &[bool],
    ) {
        if self.inside.is_none() {
            return;
        }
        let wake_frac = self.net.wake_frac;
        let spilled = congested;
        let forecast = &self.lanes[l].forecast;
        let cluster = &self.world.cluster;
        let Some(inside) = self.inside.as_deref_mut() else {
            return;
        };
        for (cell, &load) in loads.iter().enumerate() {
            let to_coverage = sleep[cell] || (waking[cell] && wake_frac > 0.0) || load > 1.0;
            let row = inside.lanes[l].at(t, cell);
            row[f::ASLEEP] += sleep[cell] as u8 as f32;
            row[f::OVERLOADED] += (to_coverage && spilled[cluster[cell]]) as u8 as f32;
            row[f::FORECAST] += forecast[cell] as f32;
        }
    }
}
