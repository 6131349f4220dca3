//! What the simulator and the replay both model of the world, below both so that neither stands
//! above the other: the EARTH power model of a cell ([`power`]), the network as an operator runs it
//! (boosters, the coverage interlock, congestion and complaint calls, the oracle: [`network`]), the
//! load forecasters' features ([`load`]), the vocabulary of a cost estimate ([`cost`]), and the bound on time buckets.

pub mod cost;
pub mod load;
pub mod network;
pub mod power;

/// Most buckets a run keeps: memory does not grow with the horizon.
pub const MAX_BUCKETS: usize = 400;
