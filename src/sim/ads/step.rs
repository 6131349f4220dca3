//! What one request does to an ads lane: the one loop's steps ([`crate::learn::progressive`]):
//! labels due and retrains, the choice, its outcome in the lane's sums, and its label on the way to
//! the learner (from the lane's own log, or the shared one: [`crate::sim::config::Log`]).

use crate::base::metrics::log_loss;
use crate::learn::ftrl::Ftrl;
use crate::learn::progressive::{Deliver, Evaluated, Label, Progressive};
use crate::learn::schedule::Schedule;
use crate::sim::config::{Policy, Update};
use crate::sim::inside::{self, vote};
use crate::sim::series::{ads as f, LaneSums};

use super::lane::{Example, Lane};
use super::serve::Shown;
use super::*;

/// A lane's schedule at the end of the horizon, with no request to serve.
pub(super) struct Finish<'a>(pub(super) &'a mut Schedule<Example, Ftrl>);

impl Deliver for Finish<'_> {
    type Example = Example;
    fn learn(&mut self, at: f64, ex: &Example, loss: f64) {
        self.0.label(at, ex, loss);
    }
    fn ready(&mut self, t: f64) {
        self.0.tick(t);
    }
}

/// A lane serving a batch: what the one loop ([`crate::learn::progressive`]) asks of it for each
/// request.
pub(super) struct Serve<'a, 's> {
    pub(super) lane: &'a mut Lane,
    pub(super) h: &'a Hashes,
    pub(super) cat: &'a Catalogue,
    pub(super) sums: &'a mut LaneSums<'s>,
    /// The logging lane's record of what it shows.
    pub(super) log: Option<&'a mut Vec<Shown>>,
    /// The schedule of the lane that trains the model this one serves from (None: its own; see
    /// [`serve_group`]).
    pub(super) model: Option<&'a Schedule<Example, Ftrl>>,
}

impl Deliver for Serve<'_, '_> {
    type Example = Example;

    fn learn(&mut self, at: f64, ex: &Example, loss: f64) {
        self.lane.schedule.label(at, ex, loss);
    }

    /// Retrains due (of the lane's own model), and the batch table's refresh.
    fn ready(&mut self, t: f64) {
        let lane = &mut *self.lane;
        if lane.learns() {
            if self.model.is_none() {
                lane.schedule.tick(t);
            }
            if !lane.online() && lane.schedule.refresh_due(t) {
                lane.refresh(self.cat, self.h, t, self.model);
            }
        }
    }
}

impl<'a> Evaluated for Serve<'a, '_> {
    /// A request, the true logits of the running ads, and the slot the logging lane showed with
    /// its click (None: the lane learns from its own).
    type Input = (&'a Request, Truth<'a>, Option<(usize, bool)>);
    /// The slot shown and the lane's predicted click probability.
    type Prediction = (usize, f64);

    fn predict(&mut self, _: f64, x: &Self::Input) -> (usize, f64) {
        self.lane.choose(self.cat, self.h, x.0)
    }

    fn score<'x>(
        &mut self,
        _: f64,
        &(r, truth, logged): &'x Self::Input,
        (slot, p_hat): (usize, f64),
    ) -> Label<'x, Example> {
        let (lane, cat, h) = (&mut *self.lane, self.cat, self.h);
        let ad = &cat.live[slot];
        if let Some(row) = lane.inside.as_mut().and_then(|l| l.at(r.t, r.segment)) {
            row[inside::ads::SHOWN] += 1.0;
            row[inside::ads::HITS] += (slot == r.top) as u8 as f32;
            vote(
                row,
                inside::ads::AD,
                cat.active[slot] as f32,
                ad.category as f32,
            );
        }
        let p_true = truth.p(r, slot);
        let clicked = r.u_click < p_true;
        if let Some(log) = self.log.as_mut() {
            log.push((slot as u32, clicked));
        }
        let loss = lane.loss(p_hat, clicked);
        let row = self.sums.row_mut(r.t);
        row[f::IMPRESSIONS] += 1.0;
        row[f::EXPECTED_CLICKS] += p_true;
        row[f::ORACLE_CLICKS] += r.p_top;
        row[f::LOG_LOSS] += loss;
        row[f::P_SUM] += p_hat;
        row[f::EXPECTED_REVENUE] += p_true * ad.cpc;
        if clicked {
            row[f::CLICKS] += 1.0;
            row[f::REVENUE] += ad.cpc;
        }
        match lane.cfg.policy {
            Policy::Baseline => {
                lane.seen.0 += clicked as u8 as f64;
                lane.seen.1 += 1.0;
                Label::None
            }
            // The rule counts the clicks it sees at once (it has no training pipeline to wait for).
            Policy::Rule => {
                let c = &mut lane.counts[cat.active[slot]];
                c.0 += clicked as u8 as f64;
                c.1 += 1.0;
                lane.seen.0 += clicked as u8 as f64;
                lane.seen.1 += 1.0;
                Label::None
            }
            Policy::Oracle => Label::None,
            Policy::Model if lane.cfg.update == Update::Frozen => Label::None,
            // Another lane learns the model this one serves from.
            Policy::Model if self.model.is_some() => Label::None,
            Policy::Model => {
                // A shared log: the label of the ad the logging lane showed (the same click on
                // the same request), with the loss of this lane's own prediction of it (read only
                // by a drift detector's retrains: computed only for those).
                let (ad, clicked, p_hat, loss) = match logged {
                    Some((l, clicked)) if l != slot => {
                        let (p, loss) = if lane.cfg.update == Update::Triggered {
                            let p = lane.predicted(cat, r, l);
                            (p, log_loss(p, clicked))
                        } else {
                            (f64::NAN, f64::NAN)
                        };
                        (&cat.live[l], clicked, p, loss)
                    }
                    _ => (ad, clicked, p_hat, loss),
                };
                let seg_token = if r.known { r.segment } else { cat.segments };
                let mut ex = h.logged(r, seg_token, ad, lane.online());
                // The log sees a click only if it came within the join window; the rest arrive
                // as non-clicks when the window closes.
                let joined = clicked && r.click_delay <= lane.cfg.join;
                ex.y = joined as u8 as f64;
                let loss = if joined == clicked {
                    loss
                } else {
                    log_loss(p_hat, joined)
                };
                let delay = lane.cfg.label_delay;
                let at = if joined {
                    r.t + r.click_delay + delay
                } else {
                    r.t + lane.cfg.join + delay
                };
                Label::later(at, ex, loss)
            }
        }
    }
}

/// Serves a batch on a group of lanes ([`super::serve::Group`]). A lane alone serves it as its own
/// loop ([`Lane::serve`]). Lanes that learn one model (batch lanes learning the same shared log
/// with the same learner and schedule, [`Lane::model_key`]) serve it request by request: the first
/// learns and serves, then each other one serves the same request from the first's model, its
/// table refreshed from the first's weights at that request. Those are the weights it would have
/// learned itself (the same examples at the same times, the same retrains), so every number is the
/// same as when each lane learns its own copy, at the cost of one.
pub(super) fn serve_group(
    group: &mut [(&mut Lane, LaneSums)],
    h: &Hashes,
    batch: &Batch,
    log: Option<&mut Vec<Shown>>,
) {
    let Some(((first, first_sums), rest)) = group.split_first_mut() else {
        return;
    };
    if rest.is_empty() {
        first.serve(h, batch, first_sums, log);
        return;
    }
    debug_assert!(log.is_none(), "the logging lane learns its own model");
    let mut p = std::mem::take(&mut first.progressive);
    let mut ps: Vec<Progressive<_>> = (rest.iter_mut())
        .map(|(lane, _)| std::mem::take(&mut lane.progressive))
        .collect();
    for (i, (r, truth)) in batch.iter().enumerate() {
        let x = (r, truth, batch.log.get(i).map(|&(s, c)| (s as usize, c)));
        let before = (first.schedule.retrains, first.schedule.updates);
        let mut step = Serve {
            lane: first,
            h,
            cat: &batch.cat,
            sums: first_sums,
            log: None,
            model: None,
        };
        p.step(&mut step, r.t, &x);
        let s = &first.schedule;
        let counts = (
            (s.retrains - before.0) as f64,
            (s.updates - before.1) as f64,
        );
        for sums in std::iter::once(&mut *first_sums).chain(rest.iter_mut().map(|g| &mut g.1)) {
            let row = sums.row_mut(r.t);
            row[f::RETRAINS] += counts.0;
            row[f::UPDATES] += counts.1;
        }
        for ((lane, sums), q) in rest.iter_mut().zip(&mut ps) {
            let mut step = Serve {
                lane,
                h,
                cat: &batch.cat,
                sums,
                log: None,
                model: Some(&first.schedule),
            };
            q.step(&mut step, r.t, &x);
        }
    }
    first.progressive = p;
    for ((lane, _), q) in rest.iter_mut().zip(ps) {
        lane.progressive = q;
    }
}
