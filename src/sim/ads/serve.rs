//! Requests drawn in batches, one catalogue each, and served by the lanes: natively on worker
//! threads while the world draws ahead, in wasm on one thread.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use crate::base::rng::sigmoid;
use crate::sim::series::LaneSums;

use super::*;

/// Requests drawn ahead, all under one catalogue (the running ads when the batch was drawn, copied), with
/// their true logits: every lane serves the same batch, one after the other or in parallel.
///
/// Aligned to 128 bytes, like [`Lane`], so that the thread drawing one batch and the threads serving
/// the other never write to a cache line the others read (false sharing).
#[derive(Default)]
#[repr(align(128))]
pub struct Batch {
    pub(super) reqs: Vec<Request>,
    /// `truth[i * n..(i + 1) * n]` are the true logits of request i (`n` running ads in `cat`).
    pub(super) truth: Vec<f64>,
    /// Their click probabilities as far as a lane has needed them ([`Truth`]).
    p: Vec<AtomicU64>,
    pub(super) cat: Catalogue,
    /// The slot the logging lane showed on each request and whether it was clicked (empty: every
    /// lane learns from its own; see [`crate::sim::config::Log`]), written before the other lanes
    /// serve the batch.
    pub(super) log: Vec<Shown>,
}

impl Clone for Batch {
    fn clone(&self) -> Self {
        Batch {
            reqs: self.reqs.clone(),
            truth: self.truth.clone(),
            p: (self.p.iter())
                .map(|p| AtomicU64::new(p.load(Relaxed)))
                .collect(),
            cat: self.cat.clone(),
            log: self.log.clone(),
        }
    }
}

impl Batch {
    /// Most requests per batch, and most true logits (requests x running ads): bounds memory (a batch
    /// also ends where the catalogue changes).
    const MAX: usize = 2048;
    const MAX_TRUTH: usize = 1 << 16;

    /// Each request with its true logits (none in the warm-up).
    pub(super) fn iter(&self) -> impl Iterator<Item = (&Request, Truth<'_>)> {
        let n = self.cat.live.len();
        self.reqs.iter().enumerate().map(move |(i, r)| {
            let at = i * n..(i + 1) * n;
            let truth = Truth {
                logit: self.truth.get(at.clone()).unwrap_or(&[]),
                p: self.p.get(at).unwrap_or(&[]),
            };
            (r, truth)
        })
    }

    /// Draws the requests before `until` into the batch, stopping early where the catalogue is about to
    /// change (the requests after that see other ads). False if there was none. `warm`: see
    /// [`World::draw`].
    pub(super) fn fill(&mut self, world: &mut World, until: f64, warm: bool) -> bool {
        self.reqs.clear();
        self.truth.clear();
        self.log.clear();
        while let Some(t) = world.peek(until) {
            let full = self.reqs.len() >= Self::MAX
                || self.truth.len() + world.cat.live.len() > Self::MAX_TRUTH;
            if !self.reqs.is_empty() && (full || world.catalogue_due(t)) {
                break;
            }
            self.reqs.push(world.draw(&mut self.truth, warm));
            if self.reqs.len() == 1 && self.cat.version != world.cat.version {
                self.cat.clone_from(&world.cat);
            }
            debug_assert_eq!(
                self.cat.version, world.cat.version,
                "catalogue changed in a batch"
            );
        }
        self.p.clear();
        self.p
            .resize_with(self.truth.len(), || AtomicU64::new(UNKNOWN));
        !self.reqs.is_empty()
    }
}

/// A request's true logits of the running ads (in slot order), and their click probabilities as far
/// as a lane has needed them: the sigmoid of a logit is computed by the first lane that shows the
/// ad and read by the others, on any thread (the same value whoever computes it).
#[derive(Clone, Copy)]
pub struct Truth<'a> {
    logit: &'a [f64],
    p: &'a [AtomicU64],
}

/// A click probability not computed yet (no sigmoid gives these bits: a NaN's).
const UNKNOWN: u64 = u64::MAX;

impl Truth<'_> {
    /// True click probability of the ad in `slot` on request `r`.
    pub(super) fn p(&self, r: &Request, slot: usize) -> f64 {
        if slot == r.top {
            return r.p_top;
        }
        let known = self.p[slot].load(Relaxed);
        if known != UNKNOWN {
            return f64::from_bits(known);
        }
        let p = sigmoid(self.logit[slot]);
        self.p[slot].store(p.to_bits(), Relaxed);
        p
    }
}

/// How many threads serve an ads run's lanes: the machine's cores natively, one in wasm.
pub fn default_threads() -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
    #[cfg(target_arch = "wasm32")]
    {
        1
    }
}

/// The logging lane's slot shown on a request, and whether it was clicked.
pub(super) type Shown = (u32, bool);

/// Lanes served together, one after the other on each request: a lane alone, or lanes that learn
/// one model from a shared log (the first trains it; see [`super::step::serve_group`]).
pub(super) type Group<'a> = Vec<(&'a mut Lane, LaneSums<'a>)>;

/// What serves a batch on a group of lanes: `work(group, batch, log)`, where `log` is given to the
/// logging lane only (a group of its own), to record what it shows on each request.
pub(super) trait Work:
    Fn(&mut [(&mut Lane, LaneSums)], &Batch, Option<&mut Vec<Shown>>) + Sync
{
}
impl<F: Fn(&mut [(&mut Lane, LaneSums)], &Batch, Option<&mut Vec<Shown>>) + Sync> Work for F {}

/// Draws the requests before `until` batch by batch and has `work` serve every batch on every one of
/// `groups`, in request order within each group. The logging lane's group (`logger`, an index into
/// `groups`), if any, serves each batch first, on this thread, and writes the batch's log; the other
/// groups share nothing but the batches, so the numbers are the same however the work is spread:
/// with `threads > 1` (natively) the groups are split over up to `threads` worker threads, each
/// going through the batches at its own pace, while this thread draws the batches ahead of them (up
/// to `batches.len()` in flight).
pub(super) fn stream<F: Work>(
    world: &mut World,
    batches: &mut Vec<Batch>,
    (until, warm): (f64, bool),
    (groups, logger): (Vec<Group>, Option<usize>),
    threads: usize,
    work: F,
) {
    if batches.is_empty() {
        batches.push(Batch::default());
    }
    let mut groups = groups;
    let mut logger = logger
        .filter(|&i| i < groups.len())
        .map(|i| groups.remove(i));
    let mut first = |batch: &mut Batch| {
        if let Some(group) = logger.as_mut() {
            let mut log = std::mem::take(&mut batch.log);
            work(group, batch, Some(&mut log));
            batch.log = log;
        }
    };
    #[cfg(not(target_arch = "wasm32"))]
    if threads > 1 && !groups.is_empty() {
        let dealt = deal(groups, threads);
        return stream_threads(world, batches, (until, warm), dealt, &mut first, &work);
    }
    let _ = threads;
    let batch = &mut batches[0];
    while batch.fill(world, until, warm) {
        first(batch);
        for group in groups.iter_mut() {
            work(group, batch, None);
        }
    }
}

/// Learning lanes cost the most: deals the groups out, costliest first, to the least loaded of
/// `threads` threads.
#[cfg(not(target_arch = "wasm32"))]
fn deal(groups: Vec<Group<'_>>, threads: usize) -> Vec<Vec<Group<'_>>> {
    let n = threads.min(groups.len());
    let cost = |g: &Group| g.iter().map(|(lane, _)| lane.cost()).sum::<u32>();
    let mut dealt: Vec<(u32, Vec<Group>)> = (0..n).map(|_| (0, Vec::new())).collect();
    let mut groups = groups;
    groups.sort_by_key(|g| std::cmp::Reverse(cost(g)));
    for g in groups {
        let to = dealt.iter_mut().min_by_key(|d| d.0).expect("n >= 1");
        to.0 += cost(&g);
        to.1.push(g);
    }
    dealt.into_iter().map(|d| d.1).collect()
}

/// [`stream`] on one worker thread per share of the groups while this thread draws the batches ahead
/// (at most `IN_FLIGHT` in flight, recycled once no worker holds them).
#[cfg(not(target_arch = "wasm32"))]
fn stream_threads<F: Work>(
    world: &mut World,
    batches: &mut Vec<Batch>,
    (until, warm): (f64, bool),
    dealt: Vec<Vec<Group<'_>>>,
    first: &mut dyn FnMut(&mut Batch),
    work: &F,
) {
    use std::collections::VecDeque;
    use std::sync::{mpsc, Arc};
    const IN_FLIGHT: usize = 8;
    batches.resize_with(IN_FLIGHT, Batch::default);
    let mut free: Vec<Arc<Batch>> = batches.drain(..).map(Arc::new).collect();
    let mut queued: VecDeque<Arc<Batch>> = VecDeque::new();
    std::thread::scope(|scope| {
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let mut senders = Vec::new();
        for mine in dealt {
            let (tx, rx) = mpsc::channel::<Arc<Batch>>();
            senders.push(tx);
            let done = done_tx.clone();
            scope.spawn(move || {
                let mut mine = mine;
                for batch in rx {
                    for group in mine.iter_mut() {
                        work(group, &batch, None);
                    }
                    drop(batch);
                    let _ = done.send(());
                }
            });
        }
        // Only the workers hold senders now: if they all ended, waiting for one fails.
        drop(done_tx);
        loop {
            // A batch no worker holds any more (the oldest in flight is freed first).
            let mut batch = loop {
                if let Some(b) = free.pop() {
                    break b;
                }
                if Arc::get_mut(queued.front_mut().expect("batches in flight")).is_some() {
                    break queued.pop_front().expect("checked");
                }
                done_rx.recv().expect("workers alive");
            };
            let b = Arc::get_mut(&mut batch).expect("free batch");
            if !b.fill(world, until, warm) {
                free.push(batch);
                break;
            }
            first(b);
            for tx in &senders {
                tx.send(Arc::clone(&batch)).expect("workers alive");
            }
            queued.push_back(batch);
        }
        // Closing the channels ends the workers; the scope waits for them.
        drop(senders);
    });
    batches.extend(
        free.into_iter()
            .chain(queued)
            .map(|b| Arc::try_unwrap(b).unwrap_or_else(|_| unreachable!("workers are done"))),
    );
}
