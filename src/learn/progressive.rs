//! The one evaluation loop: predict, score, then learn when the label arrives.
//!
//! Every lane, simulated or replayed, meets its examples in the order of progressive validation
//! (Blum, Kalai & Langford, "Beating the hold-out: bounds for k-fold and progressive
//! cross-validation", COLT 1999; Gama, Sebastião & Rodrigues, "On evaluating stream learning
//! algorithms", Machine Learning 90(3), 2013): each example is first predicted by the model that
//! serves now, then scored against the truth, and only then learned, so that every score is on an
//! example the model has not seen, and the average score over the stream estimates what the model
//! would do on the next one. River calls the loop `progressive_val_score`, over a learner's
//! `predict_one` and `learn_one`; here the learner's two halves are [`Learn::predict`] and
//! [`Learn::learn`] (through the schedule that decides when a learned model serves), and a label may
//! come late: River's `delay`, a join window, a pipeline's latency. A late label waits in a
//! [`Labels`] queue and is learned at the first step at or after its arrival, before that step's
//! prediction.
//!
//! The loop is written once, in [`Progressive`]; a call site says what its steps are by
//! implementing [`Evaluated`]: the ads lanes (a request), the cells lanes (an interval of every
//! cell), the replay of a click log (an example, for every lane at once) and of a load trace (a
//! cell's value, for every lane). Generic and monomorphised: no boxing on the hot path.
//!
//! [`Learn::predict`]: crate::learn::schedule::Learn::predict
//! [`Learn::learn`]: crate::learn::schedule::Learn::learn

use std::borrow::Cow;
use std::collections::VecDeque;

/// What a step's label does once the example is scored: the example is the step's own input
/// (borrowed) or made by the scoring (owned).
pub enum Label<'x, E: Clone> {
    /// No label (a lane that does not learn, a frozen model).
    None,
    /// Learned at once, at the step's time (no delay): before anything later is predicted.
    Now(Cow<'x, E>, f64),
    /// Learned at the first step at or after `at` (its arrival), before that step's prediction:
    /// `Later(at, example, loss)`.
    Later(f64, Cow<'x, E>, f64),
}

impl<E: Clone> Label<'_, E> {
    /// An example made by the scoring, learned now.
    pub fn now(ex: E, loss: f64) -> Self {
        Label::Now(Cow::Owned(ex), loss)
    }
    /// An example made by the scoring, arriving at `at`.
    pub fn later(at: f64, ex: E, loss: f64) -> Self {
        Label::Later(at, Cow::Owned(ex), loss)
    }
}

/// Labels on their way to a learner, with their arrival time and the loss the serving model had
/// on them (for a drift detector).
pub trait Labels<E: Clone> {
    /// Queues a label arriving at `at`.
    fn push(&mut self, at: f64, ex: Cow<'_, E>, loss: f64);
    /// Hands every label that has arrived by `t` to `learn` (arrival time, example, loss), in
    /// order of arrival, and drops it.
    fn pop_due(&mut self, t: f64, learn: impl FnMut(f64, &E, f64));
}

/// Labels that arrive in the order they were revealed (a fixed delay), at most `cap` of them (the
/// oldest dropped first).
#[derive(Clone, Debug)]
pub struct Fifo<E> {
    queue: VecDeque<(f64, E, f64)>,
    cap: usize,
}

impl<E> Default for Fifo<E> {
    fn default() -> Self {
        Fifo::bounded(usize::MAX)
    }
}

impl<E> Fifo<E> {
    /// A queue that keeps at most `cap` labels.
    pub fn bounded(cap: usize) -> Self {
        Fifo {
            queue: VecDeque::new(),
            cap,
        }
    }
}

impl<E: Clone> Labels<E> for Fifo<E> {
    fn push(&mut self, at: f64, ex: Cow<'_, E>, loss: f64) {
        let ex = ex.into_owned();
        debug_assert!(
            self.queue.back().is_none_or(|b| b.0 <= at),
            "labels of a fixed delay arrive in order"
        );
        self.queue.push_back((at, ex, loss));
        while self.queue.len() > self.cap {
            self.queue.pop_front();
        }
    }

    fn pop_due(&mut self, t: f64, mut learn: impl FnMut(f64, &E, f64)) {
        while self.queue.front().is_some_and(|q| q.0 <= t) {
            if let Some((at, ex, loss)) = self.queue.pop_front() {
                learn(at, &ex, loss);
            }
        }
    }
}

/// The learning half of a step: what [`Progressive::deliver`] asks of a call site.
pub trait Deliver {
    /// What a label teaches.
    type Example: Clone;
    /// A label that arrived at `at` is learned (River's `learn_one`, through the schedule).
    fn learn(&mut self, at: f64, ex: &Self::Example, loss: f64);
    /// Before the prediction at `t`: what falls due by then (retrains, a batch refresh).
    fn ready(&mut self, t: f64);
}

/// What the loop asks of a call site: one step's input is predicted, scored and labelled by it.
pub trait Evaluated: Deliver {
    /// What one step sees (a request, an interval's loads, a parsed example).
    type Input: ?Sized;
    /// What a prediction is (a click probability, every cell's forecast).
    type Prediction;
    /// The prediction of what serves now (River's `predict_one`).
    fn predict(&mut self, t: f64, x: &Self::Input) -> Self::Prediction;
    /// The prediction scored against the truth; the label it leaves for the learner.
    fn score<'x>(
        &mut self,
        t: f64,
        x: &'x Self::Input,
        p: Self::Prediction,
    ) -> Label<'x, Self::Example>;
}

/// Progressive validation with delayed labels: the labels on their way, and the loop.
#[derive(Clone, Debug, Default)]
pub struct Progressive<Q> {
    /// Labels not yet arrived.
    pub labels: Q,
}

impl<Q> Progressive<Q> {
    /// A loop whose late labels wait in `labels`.
    pub fn new(labels: Q) -> Self {
        Progressive { labels }
    }

    /// Labels that have arrived by `t` are learned, in order of arrival; then what falls due by
    /// `t` runs. The first half of [`Progressive::step`]; alone, at the end of a stream (or of an
    /// example's interval, when the next step's time is known).
    #[inline]
    pub fn deliver<L: Deliver>(&mut self, lane: &mut L, t: f64)
    where
        Q: Labels<L::Example>,
    {
        self.labels
            .pop_due(t, |at, ex, loss| lane.learn(at, ex, loss));
        lane.ready(t);
    }

    /// Predicted with what serves now, scored, and its label learned now or sent on its way. The
    /// second half of [`Progressive::step`].
    #[inline]
    pub fn test_then_train<L: Evaluated>(&mut self, lane: &mut L, t: f64, x: &L::Input)
    where
        Q: Labels<L::Example>,
    {
        let p = lane.predict(t, x);
        match lane.score(t, x, p) {
            Label::None => {}
            Label::Now(ex, loss) => lane.learn(t, &ex, loss),
            Label::Later(at, ex, loss) => self.labels.push(at, ex, loss),
        }
    }

    /// One step at time `t`, in progressive validation's order: the labels that have arrived are
    /// learned and what is due runs ([`Progressive::deliver`]), then `x` is predicted, scored, and
    /// its label learned or queued ([`Progressive::test_then_train`]).
    #[inline]
    pub fn step<L: Evaluated>(&mut self, lane: &mut L, t: f64, x: &L::Input)
    where
        Q: Labels<L::Example>,
    {
        self.deliver(lane, t);
        self.test_then_train(lane, t, x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lane that records the order of what the loop asked of it.
    #[derive(Default)]
    struct Log {
        seen: Vec<String>,
        delay: f64,
    }

    impl Deliver for Log {
        type Example = u32;
        fn learn(&mut self, at: f64, ex: &u32, _: f64) {
            self.seen.push(format!("learn {ex}@{at}"));
        }
        fn ready(&mut self, t: f64) {
            self.seen.push(format!("ready {t}"));
        }
    }

    impl Evaluated for Log {
        type Input = u32;
        type Prediction = u32;
        fn predict(&mut self, _: f64, x: &u32) -> u32 {
            self.seen.push(format!("predict {x}"));
            *x
        }
        fn score<'x>(&mut self, t: f64, x: &'x u32, p: u32) -> Label<'x, u32> {
            assert_eq!(p, *x);
            self.seen.push(format!("score {x}"));
            if self.delay == 0.0 {
                Label::Now(Cow::Borrowed(x), 0.0)
            } else {
                Label::later(t + self.delay, *x, 0.0)
            }
        }
    }

    fn run(delay: f64) -> Vec<String> {
        let mut lane = Log {
            delay,
            ..Log::default()
        };
        let mut p = Progressive::new(Fifo::default());
        for t in 0..3u32 {
            p.step(&mut lane, t as f64, &t);
        }
        lane.seen
    }

    #[test]
    fn every_example_is_predicted_and_scored_before_it_is_learned() {
        assert_eq!(
            run(0.0),
            [
                "ready 0",
                "predict 0",
                "score 0",
                "learn 0@0",
                "ready 1",
                "predict 1",
                "score 1",
                "learn 1@1",
                "ready 2",
                "predict 2",
                "score 2",
                "learn 2@2"
            ]
        );
        // A label one step late is learned before the next prediction, and after what is due.
        assert_eq!(
            run(1.0),
            [
                "ready 0",
                "predict 0",
                "score 0",
                "learn 0@1",
                "ready 1",
                "predict 1",
                "score 1",
                "learn 1@2",
                "ready 2",
                "predict 2",
                "score 2"
            ]
        );
        // Two steps late: example 1 is predicted before example 0 is learned, example 2 after.
        let two = run(2.0);
        let pos = |s: &str| two.iter().position(|x| x == s).unwrap();
        assert!(pos("predict 1") < pos("learn 0@2") && pos("learn 0@2") < pos("predict 2"));
    }

    #[test]
    fn a_bounded_fifo_drops_the_oldest_label() {
        let mut q = Fifo::bounded(2);
        for i in 0..3u32 {
            q.push(i as f64, Cow::Owned(i), 0.0);
        }
        let mut got = Vec::new();
        q.pop_due(10.0, |at, ex, _| got.push((at, *ex)));
        assert_eq!(got, [(1.0, 1), (2.0, 2)]);
    }
}
