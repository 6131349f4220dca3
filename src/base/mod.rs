//! Foundations every other layer uses: seeded random streams, time units and the duration grammar,
//! numbers in JSON, the one currency.

pub mod echo;
pub mod json;
pub mod metrics;
pub mod money;
pub mod order;
pub mod rng;
pub mod units;
