//! Studies: many runs of the simulator and what they say together, each written once for the
//! command line and the page's workers: the spread across seeds (`spread`), the freshness sweep
//! (`sweep`), the freshness map (`answer`), the what-if evaluation (`whatif`), and the caption claims
//! the spread counts (`claims`).

pub mod answer;
pub mod claims;
pub mod spread;
pub mod sweep;
pub mod whatif;
