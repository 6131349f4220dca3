//! Inside the world: what the world panes draw. Per bucket of the run's timeline (the same buckets as
//! [`Series`](crate::sim::series::Series)) and per row (a capacity cell, or one of the busiest user
//! segments), the world's state and each lane's:
//!
//! - cells: each cell's load, and per lane whether it slept, whether its traffic went to a coverage cell
//!   that could not carry it (overloaded), and the lane's forecast;
//! - ads: per segment the ad the oracle shows most and the session intents, and per lane the ad it
//!   shows most and how often that was the best ad for the request.
//!
//! Recording is off unless asked for ([`crate::sim::experiment::Experiment::record_inside`]): it costs a
//! few additions per request and lane, and memory: 4 bytes per field, bucket, row and lane (at most 400
//! buckets; 64 cells and four lanes take about 1.4 MB, the six busiest segments about 0.2 MB).

use crate::sim::config::Scenario;
use crate::sim::series::{bucket_of, buckets_for};

/// Busiest user segments the ads panes show (the world's traffic weights are fixed).
pub const TOP_SEGMENTS: usize = 6;

/// Fields of a cells row.
pub mod cells {
    /// World: the cell's load summed over the bucket's intervals, and those intervals.
    pub const LOAD: usize = 0;
    pub const INTERVALS: usize = 1;
    pub const WORLD_FIELDS: usize = 2;
    /// Lane: intervals asleep; intervals in which some of the cell's traffic went to its cluster's
    /// coverage cell and the coverage cell could not carry it all (overloaded); the forecast's sum.
    pub const ASLEEP: usize = 0;
    pub const OVERLOADED: usize = 1;
    pub const FORECAST: usize = 2;
    pub const LANE_FIELDS: usize = 3;
}

/// Fields of an ads row (a user segment).
pub mod ads {
    /// World: requests; the majority vote over the ad the oracle shows (the best ad for each
    /// request): candidate ad id, votes, its category; then one count per category of the requests'
    /// session intents.
    pub const REQUESTS: usize = 0;
    pub const BEST_AD: usize = 1;
    pub const BEST_VOTES: usize = 2;
    pub const BEST_CATEGORY: usize = 3;
    pub const INTENTS: usize = 4;
    /// Lane: requests served; of those, shown the best ad; the majority vote over the ad shown
    /// (candidate id, votes, category).
    pub const SHOWN: usize = 0;
    pub const HITS: usize = 1;
    pub const AD: usize = 2;
    pub const VOTES: usize = 3;
    pub const CATEGORY: usize = 4;
    pub const LANE_FIELDS: usize = 5;
}

/// Sums per bucket and row, `fields` numbers each (f32: ids and counts below 2^24 are exact).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Grid {
    pub bucket_min: f64,
    pub buckets: usize,
    pub rows: usize,
    pub fields: usize,
    /// `data[(b * rows + row) * fields + f]`.
    pub data: Vec<f32>,
}

impl Grid {
    /// An empty grid over the horizon, with the series' buckets.
    pub fn new(horizon_min: f64, rows: usize, fields: usize) -> Self {
        // The same buckets as the run's chart.
        let (bucket_min, buckets) = buckets_for(horizon_min);
        Grid {
            bucket_min,
            buckets,
            rows,
            fields,
            data: vec![0.0; buckets * rows * fields],
        }
    }

    /// The bucket of time `t` (minutes from the start of the horizon), clamped.
    #[inline]
    pub fn bucket(&self, t: f64) -> usize {
        bucket_of(t, self.bucket_min, self.buckets)
    }

    /// The fields of `row` in the bucket of time `t`, to add to.
    #[inline]
    pub fn at(&mut self, t: f64, row: usize) -> &mut [f32] {
        let i = (self.bucket(t) * self.rows + row) * self.fields;
        &mut self.data[i..i + self.fields]
    }

    /// The fields of `row` in bucket `b` (empty outside the grid).
    pub fn get(&self, b: usize, row: usize) -> &[f32] {
        if b >= self.buckets || row >= self.rows {
            return &[];
        }
        let i = (b * self.rows + row) * self.fields;
        &self.data[i..i + self.fields]
    }
}

/// The commonest session intent of an ads world row (its category, and its count; the first on a tie).
pub fn top_intent(world_row: &[f32]) -> (usize, f32) {
    let intents = world_row.get(ads::INTENTS..).unwrap_or(&[]);
    (intents.iter().enumerate()).fold((0, 0.0), |a, (c, &n)| if n > a.1 { (c, n) } else { a })
}

/// One step of the Boyer-Moore majority vote (R. S. Boyer and J. S. Moore, "MJRTY: A Fast Majority
/// Vote Algorithm", 1991) over `(candidate, votes, tag)` at `f[at..at + 3]`: the candidate left is the
/// item of more than half the votes whenever there is one (the tag, here a category, follows it).
#[inline]
pub fn vote(f: &mut [f32], at: usize, id: f32, tag: f32) {
    if f[at + 1] == 0.0 {
        f[at] = id;
        f[at + 1] = 1.0;
        f[at + 2] = tag;
    } else if f[at] == id {
        f[at + 1] += 1.0;
    } else {
        f[at + 1] -= 1.0;
    }
}

/// The ads lanes' recorder: the grid of the busiest segments and which row each segment is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rows {
    pub grid: Grid,
    /// `row_of[segment]`: its row, or `u8::MAX` when it is not shown.
    pub row_of: Vec<u8>,
}

impl Rows {
    /// Rows of the segments in `shown` (in that order) among `segments`.
    pub fn new(horizon_min: f64, segments: usize, shown: &[usize], fields: usize) -> Self {
        let mut row_of = vec![u8::MAX; segments];
        for (r, &s) in shown.iter().enumerate() {
            row_of[s] = r as u8;
        }
        Rows {
            grid: Grid::new(horizon_min, shown.len(), fields),
            row_of,
        }
    }

    /// The fields of `segment`'s row at `t`, if it is shown.
    #[inline]
    pub fn at(&mut self, t: f64, segment: usize) -> Option<&mut [f32]> {
        match self.row_of.get(segment) {
            Some(&r) if r != u8::MAX => Some(self.grid.at(t, r as usize)),
            _ => None,
        }
    }
}

/// The busiest `n` segments by traffic weight, busiest first (ties: the lower index).
pub fn busiest(weights: &[f64], n: usize) -> Vec<usize> {
    // A selection by hand, not the standard library's sort (each instantiation adds kilobytes to the
    // page's wasm): at most 64 segments.
    let mut left: Vec<usize> = (0..weights.len()).collect();
    let mut out = Vec::new();
    while out.len() < n && !left.is_empty() {
        let mut pick = 0;
        for (i, &s) in left.iter().enumerate() {
            if weights[s] > weights[left[pick]] {
                pick = i;
            }
        }
        out.push(left.remove(pick));
    }
    out
}

/// What a world pane shows of one run: the world's grid, each lane's, and what the rows are.
#[derive(Clone, Debug, PartialEq)]
pub struct Inside<'a> {
    pub scenario: Scenario,
    pub world: &'a Grid,
    pub lanes: Vec<&'a Grid>,
    /// Cells: each row's cluster. Ads: each row's segment.
    pub row_group: Vec<usize>,
    /// Ads: each shown segment's share of the traffic (empty for cells).
    pub row_share: Vec<f64>,
    /// Ads: categories (each world row has this many intent counts).
    pub categories: usize,
    /// Cells: the sleep threshold, and the safety margin below it that forecasting lanes keep.
    pub threshold: f64,
    pub margin: f64,
}

impl Inside<'_> {
    /// Rows shown.
    pub fn rows(&self) -> usize {
        self.world.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vote_finds_a_majority_wherever_it_stands() {
        for items in [
            vec![3.0, 1.0, 3.0, 2.0, 3.0],
            vec![1.0, 2.0, 3.0, 3.0, 3.0],
            vec![3.0, 3.0, 3.0, 1.0, 2.0],
        ] {
            let mut f = [0.0f32; 3];
            for &x in &items {
                vote(&mut f, 0, x, x * 10.0);
            }
            assert_eq!((f[0], f[2]), (3.0, 30.0), "{items:?}");
        }
    }

    #[test]
    fn busiest_orders_by_weight_then_index() {
        assert_eq!(busiest(&[1.0, 3.0, 3.0, 0.5], 3), vec![1, 2, 0]);
        assert_eq!(busiest(&[1.0], 6), vec![0]);
    }

    #[test]
    fn a_grid_clamps_time_and_refuses_rows_outside() {
        let mut g = Grid::new(14.0 * crate::base::units::MINUTES_PER_DAY, 3, 2);
        g.at(-5.0, 1)[0] += 1.0;
        g.at(1e12, 2)[1] += 2.0;
        assert_eq!(g.get(0, 1), &[1.0, 0.0]);
        assert_eq!(g.get(g.buckets - 1, 2), &[0.0, 2.0]);
        assert!(g.get(g.buckets, 0).is_empty() && g.get(0, 3).is_empty());
    }
}
