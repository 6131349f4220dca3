//! Foundations every other layer uses: seeded random streams.

pub mod rng;
