//! Click logs in Vowpal Wabbit text format, replayed through FTRL-Proximal lanes (McMahan et al. 2013).

use std::collections::VecDeque;

use super::buckets::{Auc, Buckets, EXAMPLE_LADDER};
use super::{shorten, LaneSpec, ReplayOptions};
use crate::base::rng::sigmoid;
use crate::learn::detect::PageHinkley;
use crate::learn::ftrl::Ftrl as Model;
use crate::learn::ftrl::{hash_feature, hash_str, Feature, FtrlParams, Labelled};
use crate::learn::schedule::{self, Learn, Plan, Schedule, Store as _, Update};

/// Seed of namespace hashes (the default namespace is the empty name).
const NS_SEED: u32 = 0x0075_7777;
/// Hash of the constant (bias) feature every example gets, as in Vowpal Wabbit.
const BIAS_NS: u32 = 0x00B1_A500;

/// One parsed example: label in {0, 1}, importance weight, merged features.
#[derive(Clone, Debug, Default)]
pub(crate) struct Example {
    pub y: f64,
    pub w: f64,
    pub x: Vec<Feature>,
}

/// Lines parsed ahead of the learners (natively, on another thread: see `replay::run_file`): each
/// line's number and what [`parse_line`] made of it; `examples[i]` is line i's example when it is one.
/// A batch is reused, so the examples keep their allocations.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Default)]
pub(crate) struct Parsed {
    pub lines: Vec<(u64, Result<bool, String>)>,
    pub examples: Vec<Example>,
}

#[cfg(not(target_arch = "wasm32"))]
impl Parsed {
    /// Lines per batch.
    pub const LINES: usize = 2048;

    pub fn clear(&mut self) {
        self.lines.clear();
    }

    pub fn full(&self) -> bool {
        self.lines.len() >= Self::LINES
    }

    /// Parses line number `n` into the batch.
    pub fn push(&mut self, n: u64, line: &[u8], mask: u32) {
        let i = self.lines.len();
        if self.examples.len() <= i {
            self.examples.push(Example::default());
        }
        let r = parse_line(line, mask, &mut self.examples[i]);
        self.lines.push((n, r));
    }
}

/// Parses a number token (fast path for the common one-character labels and values).
#[inline]
fn number(tok: &[u8]) -> Option<f64> {
    match tok {
        b"1" => Some(1.0),
        b"0" => Some(0.0),
        b"-1" => Some(-1.0),
        _ => std::str::from_utf8(tok)
            .ok()?
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite()),
    }
}

#[inline]
fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Splits on spaces and tabs, skipping empty tokens.
fn tokens(s: &[u8]) -> impl Iterator<Item = &[u8]> {
    s.split(|&b| is_space(b)).filter(|t| !t.is_empty())
}

/// Parses one line of Vowpal Wabbit text: `label [importance] ['tag]|namespace[:weight] feature[:value] ...`.
/// Returns `Ok(false)` for a blank line. Features are hashed into `mask + 1` buckets (namespace and name),
/// a constant feature is added, and features falling into the same bucket are merged (values summed).
pub(crate) fn parse_line(line: &[u8], mask: u32, ex: &mut Example) -> Result<bool, String> {
    let bar = match line.iter().position(|&b| b == b'|') {
        Some(i) => i,
        None if line.trim_ascii().is_empty() => return Ok(false),
        None => {
            return Err(format!(
                "no `|` before the features: not Vowpal Wabbit text: `{}`",
                shorten(line)
            ))
        }
    };
    head(line, bar, ex)?;
    features(line, bar, mask, ex)?;
    ex.x.push(Feature {
        index: hash_str(BIAS_NS, b"constant") & mask,
        value: 1.0,
    });
    merge(&mut ex.x);
    Ok(true)
}

/// The label, importance weight and tags before the first bar.
fn head(line: &[u8], bar: usize, ex: &mut Example) -> Result<(), String> {
    let mut head = tokens(&line[..bar]);
    let label = match head.next() {
        None => {
            return Err(format!(
                "unlabelled example (the line starts with `|`): `{}`",
                shorten(line)
            ))
        }
        Some(t) => t,
    };
    ex.y = match number(label) {
        Some(1.0) => 1.0,
        Some(-1.0) | Some(0.0) => 0.0,
        _ => {
            return Err(format!(
                "label `{}` is not 1, -1 or 0: `{}`",
                shorten(label),
                shorten(line)
            ))
        }
    };
    ex.w = 1.0;
    let mut numbers = 0;
    for t in head {
        if t[0] == b'\'' {
            continue;
        }
        match number(t) {
            Some(v) if numbers == 0 => {
                if v < 0.0 {
                    return Err(format!("negative importance weight `{}`: `{}`", shorten(t), shorten(line)));
                }
                ex.w = v;
                numbers += 1;
            }
            Some(_) => {
                return Err(format!(
                    "a second number in the label (Vowpal Wabbit's initial prediction) is not supported: `{}`",
                    shorten(line)
                ))
            }
            // An unquoted tag.
            None => {}
        }
    }
    Ok(())
}

/// The features after the first bar, hashed into `mask + 1` buckets.
fn features(line: &[u8], bar: usize, mask: u32, ex: &mut Example) -> Result<(), String> {
    ex.x.clear();
    // One pass over the features: `|namespace[:weight]` then `name[:value]` tokens, hashing as it scans
    // (FNV-1a of the name, then the finaliser: exactly `hash_str`).
    let n = line.len();
    let mut i = bar;
    while i < n {
        // Here line[i] == b'|'. The namespace name follows the bar directly (a space means the default one).
        i += 1;
        let (start, h, colon) = scan(line, &mut i);
        let scale = match colon {
            None => 1.0,
            Some(c) => match number(&line[c + 1..i]) {
                Some(v) => v,
                None => {
                    return Err(format!(
                        "namespace weight `{}` is not a number: `{}`",
                        shorten(&line[start..i]),
                        shorten(line)
                    ))
                }
            },
        };
        let ns_hash = hash_feature(NS_SEED, h);
        loop {
            while i < n && is_space(line[i]) {
                i += 1;
            }
            if i >= n || line[i] == b'|' {
                break;
            }
            let (start, h, colon) = scan(line, &mut i);
            let value = match colon {
                None => scale,
                Some(c) => match number(&line[c + 1..i]) {
                    Some(v) => v * scale,
                    None => {
                        return Err(format!(
                            "feature value `{}` is not a number: `{}`",
                            shorten(&line[start..i]),
                            shorten(line)
                        ))
                    }
                },
            };
            if value != 0.0 {
                ex.x.push(Feature {
                    index: hash_feature(ns_hash, h) & mask,
                    value,
                });
            }
        }
    }
    Ok(())
}

/// Byte classes of the scanner: 0 ordinary, 1 colon, 2 end of a token (space, tab, bar).
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b':' as usize] = 1;
    t[b' ' as usize] = 2;
    t[b'\t' as usize] = 2;
    t[b'|' as usize] = 2;
    t
};

/// Scans one token from `*i` to the next space, tab or bar: its start, the FNV-1a hash of its name (the
/// bytes before the first `:`, as `hash_str` computes it) and the position of that colon.
#[inline]
fn scan(line: &[u8], i: &mut usize) -> (usize, u32, Option<usize>) {
    let start = *i;
    let mut h: u32 = 0x811C_9DC5;
    let mut j = start;
    while let Some(&c) = line.get(j) {
        if CLASS[c as usize] != 0 {
            break;
        }
        h = (h ^ c as u32).wrapping_mul(0x0100_0193);
        j += 1;
    }
    if line.get(j) != Some(&b':') {
        *i = j;
        return (start, h, None);
    }
    let colon = j;
    while let Some(&c) = line.get(j) {
        if CLASS[c as usize] == 2 {
            break;
        }
        j += 1;
    }
    *i = j;
    (start, h, Some(colon))
}

/// Sums the values of features that share a bucket (FTRL's Algorithm 1 works on the set of non-zero
/// coordinates) and drops coordinates whose values cancel. Keeps the first occurrence's position.
fn merge(x: &mut Vec<Feature>) {
    if x.len() <= 64 {
        // A tiny open-addressing set of positions (1-based; 0 is empty), at most half full.
        let mut table = [0u8; 128];
        let mut out = 0;
        for i in 0..x.len() {
            let f = x[i];
            let mut h = (f.index.wrapping_mul(0x9E37_79B1) >> 25) as usize;
            loop {
                match table[h] {
                    0 => {
                        table[h] = (out + 1) as u8;
                        x[out] = f;
                        out += 1;
                        break;
                    }
                    t if x[t as usize - 1].index == f.index => {
                        x[t as usize - 1].value += f.value;
                        break;
                    }
                    _ => h = (h + 1) & 127,
                }
            }
        }
        x.truncate(out);
    } else {
        x.sort_by_key(|f| f.index);
        let mut out = 0;
        for i in 0..x.len() {
            if out > 0 && x[out - 1].index == x[i].index {
                x[out - 1].value += x[i].value;
            } else {
                x[out] = x[i];
                out += 1;
            }
        }
        x.truncate(out);
    }
    x.retain(|f| f.value != 0.0);
}

/// Examples kept for retraining or waiting for their label: bucket indices and values in two flat
/// rings (no allocation per example).
#[derive(Clone, Debug, Default)]
struct Store {
    idx: VecDeque<u32>,
    val: VecDeque<f64>,
    /// (number of features, label, weight, time) per example, oldest first.
    heads: VecDeque<(u32, f64, f64, f64)>,
    scratch: Example,
}

impl Store {
    fn pop_into(&mut self, ex: &mut Example) -> bool {
        let Some((n, y, w, _)) = self.heads.pop_front() else {
            return false;
        };
        ex.x.clear();
        for _ in 0..n {
            if let (Some(index), Some(value)) = (self.idx.pop_front(), self.val.pop_front()) {
                ex.x.push(Feature { index, value });
            }
        }
        ex.y = y;
        ex.w = w;
        true
    }
}

impl schedule::Store<Example> for Store {
    fn push(&mut self, t: f64, ex: &Example) {
        self.idx.extend(ex.x.iter().map(|f| f.index));
        self.val.extend(ex.x.iter().map(|f| f.value));
        self.heads.push_back((ex.x.len() as u32, ex.y, ex.w, t));
    }

    fn len(&self) -> usize {
        self.heads.len()
    }

    fn oldest(&self) -> Option<f64> {
        self.heads.front().map(|h| h.3)
    }

    fn pop_oldest(&mut self) {
        if let Some((n, _, _, _)) = self.heads.pop_front() {
            self.idx.drain(..n as usize);
            self.val.drain(..n as usize);
        }
    }

    fn for_each(&mut self, mut f: impl FnMut(&Example)) {
        let mut off = 0;
        let scratch = &mut self.scratch;
        for &(n, y, w, _) in &self.heads {
            let n = n as usize;
            scratch.x.clear();
            scratch.x.extend(
                self.idx
                    .range(off..off + n)
                    .zip(self.val.range(off..off + n))
                    .map(|(&index, &value)| Feature { index, value }),
            );
            scratch.y = y;
            scratch.w = w;
            f(scratch);
            off += n;
        }
    }
}

/// Algorithm 1 with an importance weight `w`: the gradient is scaled by `w`, done exactly through the
/// label (`g = (p - y') x` with `y' = p - w (p - y)` equals `w (p - y) x`). Returns the logit and the
/// probability predicted first.
#[inline]
fn learn(m: &mut Model, ex: &Example) -> (f64, f64) {
    if ex.w == 1.0 {
        m.learn_scored(&ex.x, ex.y)
    } else {
        let z = m.logit(&ex.x);
        let p = sigmoid(z);
        if ex.w > 0.0 {
            m.learn(&ex.x, p - ex.w * (p - ex.y));
        }
        (z, p)
    }
}

impl Labelled for Example {
    fn learn_into(&self, m: &mut Model) {
        learn(m, self);
    }
}

/// FTRL for a click lane: the features learned since the deployed snapshot was last brought up to
/// date are remembered, so that a stateful lane's deploy copies only those weights instead of all
/// `2^bits` of them (a retrain every few thousand examples would otherwise copy the whole array each
/// time).
#[derive(Clone, Debug)]
pub(crate) struct Tracked {
    m: Model,
    /// Buckets changed since the last update, once each (`marked` is a bit set over the buckets).
    changed: Vec<u32>,
    marked: Vec<u64>,
    /// Everything may have changed (a reset, a new model): the next update copies it all.
    all: bool,
}

impl From<Model> for Tracked {
    fn from(m: Model) -> Self {
        let words = m.size().div_ceil(64);
        Tracked {
            m,
            changed: Vec::new(),
            marked: vec![0; words],
            all: true,
        }
    }
}

impl Learn<Example> for Tracked {
    type Snapshot = Vec<f64>;
    fn learn(&mut self, ex: &Example) {
        learn(&mut self.m, ex);
        if !self.all {
            for f in &ex.x {
                let i = f.index as usize;
                let (word, bit) = (i / 64, 1u64 << (i % 64));
                if self.marked[word] & bit == 0 {
                    self.marked[word] |= bit;
                    self.changed.push(f.index);
                }
            }
        }
    }
    fn reset(&mut self) {
        self.m.reset();
        self.all = true;
    }
    fn live(&self) -> &Vec<f64> {
        Learn::<Example>::live(&self.m)
    }
    fn snapshot_into(&self, dst: &mut Vec<f64>) {
        Learn::<Example>::snapshot_into(&self.m, dst);
    }
    fn update_snapshot(&mut self, dst: &mut Vec<f64>) {
        if self.all || dst.len() != self.m.size() {
            Learn::<Example>::snapshot_into(&self.m, dst);
        } else {
            let w = self.m.weights();
            for &i in &self.changed {
                dst[i as usize] = w[i as usize];
            }
        }
        for &i in &self.changed {
            self.marked[i as usize / 64] = 0;
        }
        self.changed.clear();
        self.all = false;
    }
}

/// Accumulators of a click lane per bucket.
pub(crate) mod f {
    pub const WEIGHT: usize = 0;
    pub const LOG_LOSS: usize = 1;
    pub const CLICKS: usize = 2;
    pub const P_SUM: usize = 3;
    pub const UPDATES: usize = 4;
    pub const RETRAINS: usize = 5;
    pub const COUNT: usize = 6;
    pub const FIELDS: usize = 7;
}

/// One lane's model, schedule and outcomes.
pub(crate) struct Lane {
    pub spec: LaneSpec,
    schedule: Schedule<Example, Tracked, Store>,
    pub totals: [f64; f::FIELDS],
    pub auc: Auc,
    pub series: Buckets,
}

/// A click lane's schedule: time counts examples after the warm-up.
fn plan(spec: LaneSpec) -> Plan {
    let (update, stateful, every, keep) = match spec {
        LaneSpec::Frozen => (Update::Frozen, false, f64::INFINITY, 0),
        LaneSpec::Continual => (Update::Continual, false, f64::INFINITY, 0),
        LaneSpec::Stateful { every } => (Update::Periodic, true, every, 0),
        LaneSpec::Stateless { every, window } => (Update::Periodic, false, every, window as usize),
    };
    Plan {
        update,
        stateful,
        every: every.max(1.0),
        window: f64::INFINITY,
        keep,
        keep_warmup: false,
        deploy: 0.0,
        cooldown: f64::INFINITY,
        refresh: f64::INFINITY,
    }
}

impl Lane {
    fn new(spec: LaneSpec, warm: Model) -> Self {
        Lane {
            spec,
            schedule: Schedule::new(
                Tracked::from(warm),
                plan(spec),
                PageHinkley::new(0.0, f64::INFINITY, 1),
            ),
            totals: [0.0; f::FIELDS],
            auc: Auc::new(),
            series: Buckets::new(EXAMPLE_LADDER, f::FIELDS),
        }
    }

    fn count(&mut self, t: f64, field: usize, v: f64) {
        self.totals[field] += v;
        self.series.at(t)[field] += v;
    }

    /// Runs `f` on the schedule and counts the updates and retrains it did at example `t`.
    fn counted(&mut self, t: f64, f: impl FnOnce(&mut Schedule<Example, Tracked, Store>)) {
        let before = (self.schedule.retrains, self.schedule.updates);
        f(&mut self.schedule);
        let retrains = self.schedule.retrains - before.0;
        let updates = self.schedule.updates - before.1;
        if retrains > 0 {
            self.count(t, f::RETRAINS, retrains as f64);
        }
        if updates > 0 {
            self.count(t, f::UPDATES, updates as f64);
        }
    }

    /// A label arrives (after the warm-up) while example `t` is replayed.
    fn label(&mut self, ex: &Example, t: f64) {
        self.counted(t, |s| s.label(t, ex, 0.0));
    }

    /// The serving model's logit and probability.
    fn predict(&self, ex: &Example) -> (f64, f64) {
        let w = self.schedule.serving();
        let z: f64 = ex.x.iter().map(|f| w[f.index as usize] * f.value).sum();
        (z, sigmoid(z))
    }
}

/// The click-log replay: parser state, warm-up model, lanes and the label-delay queue.
pub(crate) struct Clicks {
    mask: u32,
    params: FtrlParams,
    bits: u32,
    warmup: u64,
    delay: usize,
    /// Examples read (warm-up included).
    pub examples: u64,
    warm: Option<Model>,
    pub lanes: Vec<Lane>,
    queue: Store,
    ex: Example,
    scratch: Example,
}

impl Clicks {
    pub fn new(opts: &ReplayOptions, lanes: &[LaneSpec], warmup: f64) -> Self {
        let bits = opts.bits.clamp(1, 24);
        let mut c = Clicks {
            mask: ((1u64 << bits) - 1) as u32,
            params: opts.ftrl,
            bits,
            warmup: warmup as u64,
            delay: opts.label_delay as usize,
            examples: 0,
            warm: Some(Model::new(opts.ftrl, bits)),
            lanes: lanes
                .iter()
                .map(|&s| Lane::new(s, Model::new(opts.ftrl, 1)))
                .collect(),
            queue: Store::default(),
            ex: Example::default(),
            scratch: Example::default(),
        };
        if c.warmup == 0 {
            c.start();
        }
        c
    }

    /// Ends the warm-up: every lane starts from the model trained on it.
    fn start(&mut self) {
        let warm = self
            .warm
            .take()
            .unwrap_or_else(|| Model::new(self.params, self.bits));
        for lane in &mut self.lanes {
            lane.schedule.adopt(Tracked::from(warm.clone()));
            lane.schedule.start(0.0);
        }
    }

    /// Feature buckets - 1 (what [`parse_line`] needs).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn mask(&self) -> u32 {
        self.mask
    }

    /// Parses and replays one line.
    pub fn line(&mut self, line: &[u8]) -> Result<(), String> {
        let mut ex = std::mem::take(&mut self.ex);
        let r = parse_line(line, self.mask, &mut ex);
        if let Ok(true) = r {
            self.example(&ex);
        }
        self.ex = ex;
        r.map(|_| ())
    }

    /// Replays one parsed example.
    pub(crate) fn example(&mut self, ex: &Example) {
        let i = self.examples;
        self.examples += 1;
        if i < self.warmup {
            if let Some(warm) = self.warm.as_mut() {
                learn(warm, ex);
            }
            let t = i as f64 - self.warmup as f64;
            for lane in &mut self.lanes {
                lane.schedule.warmup_keep(t, ex);
            }
            if i + 1 == self.warmup {
                self.start();
            }
            return;
        }
        let t = (i - self.warmup) as f64;
        let now = self.delay == 0;
        for lane in &mut self.lanes {
            let (z, p) = if now && lane.spec == LaneSpec::Continual {
                // The hot loop: predict and learn in one pass over the features.
                let zp = learn(&mut lane.schedule.model.m, ex);
                lane.schedule.count_update();
                lane.count(t, f::UPDATES, 1.0);
                zp
            } else {
                let zp = lane.predict(ex);
                if now {
                    lane.label(ex, t);
                }
                zp
            };
            // Labels are 0 or 1: one logarithm.
            let p = p.clamp(1e-15, 1.0 - 1e-15);
            let loss = -libm::log(if ex.y > 0.5 { p } else { 1.0 - p });
            lane.auc.add(z, ex.y, ex.w);
            let row = [
                (f::WEIGHT, ex.w),
                (f::LOG_LOSS, ex.w * loss),
                (f::CLICKS, ex.w * ex.y),
                (f::P_SUM, ex.w * p),
                (f::COUNT, 1.0),
            ];
            let b = lane.series.at(t);
            for &(k, v) in &row {
                b[k] += v;
            }
            for &(k, v) in &row {
                lane.totals[k] += v;
            }
        }
        let mut s = std::mem::take(&mut self.scratch);
        if !now {
            self.queue.push(t, ex);
            while self.queue.len() > self.delay && self.queue.pop_into(&mut s) {
                for lane in &mut self.lanes {
                    lane.label(&s, t);
                }
            }
        }
        // The example's interval ends: retrains due by then run.
        for lane in &mut self.lanes {
            lane.counted(t, |s| s.tick(t + 1.0));
        }
        self.scratch = s;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Option<Example>, String> {
        let mut ex = Example::default();
        parse_line(line.as_bytes(), (1 << 18) - 1, &mut ex).map(|some| some.then_some(ex))
    }

    fn idx(ns: &str, name: &str) -> u32 {
        hash_str(hash_str(NS_SEED, ns.as_bytes()), name.as_bytes()) & ((1 << 18) - 1)
    }

    #[test]
    fn labels_weights_tags_namespaces_and_the_bias() {
        let ex = parse("-1 2.5 'row7|user:0.5 a b:4 |  c").unwrap().unwrap();
        assert_eq!((ex.y, ex.w), (0.0, 2.5));
        let mut want = vec![
            Feature {
                index: idx("user", "a"),
                value: 0.5,
            },
            Feature {
                index: idx("user", "b"),
                value: 2.0,
            },
            Feature {
                index: idx("", "c"),
                value: 1.0,
            },
            Feature {
                index: hash_str(BIAS_NS, b"constant") & ((1 << 18) - 1),
                value: 1.0,
            },
        ];
        let mut got = ex.x.clone();
        got.sort_by_key(|f| f.index);
        want.sort_by_key(|f| f.index);
        assert_eq!(got, want);
        // An unquoted tag, a 0/1 label, zero values dropped.
        let ex = parse("0 tag|a x:0 y").unwrap().unwrap();
        assert_eq!((ex.y, ex.w, ex.x.len()), (0.0, 1.0, 2));
        assert_eq!(parse("1 |a x").unwrap().unwrap().y, 1.0);
        assert!(parse("   ").unwrap().is_none());
        assert!(parse("").unwrap().is_none());
    }

    #[test]
    fn duplicates_merge_and_cancelling_values_vanish() {
        let ex = parse("1 |a x x:2 y:3 y:-3").unwrap().unwrap();
        assert_eq!(ex.x.len(), 2);
        assert!(ex.x.contains(&Feature {
            index: idx("a", "x"),
            value: 3.0
        }));
        // Many features (the sorting path) merge the same way.
        let mut line = String::from("1 |a");
        for k in 0..100 {
            line.push_str(&format!(" f{} g{}", k % 40, k));
        }
        let ex = parse(&line).unwrap().unwrap();
        assert_eq!(ex.x.len(), 141);
        assert!(ex.x.contains(&Feature {
            index: idx("a", "f3"),
            value: 3.0
        }));
        assert!(ex.x.contains(&Feature {
            index: idx("a", "f39"),
            value: 2.0
        }));
        // The same name in two namespaces is two features.
        assert_eq!(parse("1 |a x |b x").unwrap().unwrap().x.len(), 3);
    }

    #[test]
    fn importance_weights_scale_the_gradient_exactly() {
        // Weight 2 doubles the gradient of Algorithm 1 (as Vowpal Wabbit's `--ftrl` does).
        let ex = Example {
            y: 1.0,
            w: 2.0,
            x: vec![Feature {
                index: 3,
                value: 1.0,
            }],
        };
        let mut m = Model::new(
            FtrlParams {
                alpha: 0.1,
                beta: 1.0,
                l1: 0.0,
                l2: 0.0,
            },
            4,
        );
        let (z, p) = learn(&mut m, &ex);
        assert_eq!((z, p), (0.0, 0.5));
        // g = 2 * (0.5 - 1) = -1, n = 1, sigma = (1 - 0) / 0.1 = 10, z = -1, w = 1 / ((1 + 1) / 0.1) = 0.05.
        assert!((m.weight(3) - 0.05).abs() < 1e-12, "{}", m.weight(3));
        let mut zero = Model::new(FtrlParams::default(), 4);
        learn(&mut zero, &Example { w: 0.0, ..ex });
        assert!((0..16).all(|i| zero.weight(i) == 0.0));
    }
}
