//! The schedule engine on its own, with a learner that remembers what it learned.

use super::*;

/// A "model" that is the list of example ids it learned since its last reset.
#[derive(Clone, Debug, Default, PartialEq)]
struct Memo(Vec<u32>);

impl Learn<u32> for Memo {
    type Snapshot = Memo;
    type Output = bool;
    /// Whether the serving model learned `ex`.
    fn predict(serving: &Memo, ex: &u32) -> bool {
        serving.0.contains(ex)
    }
    fn learn(&mut self, ex: &u32) {
        self.0.push(*ex);
    }
    fn reset(&mut self) {
        self.0.clear();
    }
    fn live(&self) -> &Memo {
        self
    }
    fn snapshot_into(&self, dst: &mut Memo) {
        dst.clone_from(self);
    }
}

fn plan(update: Update) -> Plan {
    Plan {
        update,
        stateful: false,
        every: 10.0,
        window: f64::INFINITY,
        keep: usize::MAX,
        keep_warmup: false,
        deploy: 0.0,
        cooldown: 0.0,
        refresh: f64::INFINITY,
    }
}

fn never_fires() -> PageHinkley {
    PageHinkley::new(0.0, f64::INFINITY, 1)
}

fn schedule(p: Plan) -> Schedule<u32, Memo> {
    Schedule::new(Memo::default(), p, never_fires())
}

fn served(s: &Schedule<u32, Memo>) -> Vec<u32> {
    s.serving().0.clone()
}

#[test]
fn frozen_serves_the_warm_up_and_never_learns() {
    let mut s = schedule(plan(Update::Frozen));
    s.warmup(-1.0, &1);
    s.start(0.0);
    for t in 0..50 {
        s.label(t as f64, &(100 + t), 0.0);
    }
    assert_eq!(served(&s), vec![1]);
    assert_eq!((s.updates, s.retrains), (0, 0));
}

#[test]
fn continual_serves_every_label_at_once() {
    let mut s = schedule(plan(Update::Continual));
    s.start(0.0);
    s.label(1.0, &7, 0.0);
    assert_eq!(served(&s), vec![7]);
    s.label(2.0, &8, 0.0);
    assert_eq!(served(&s), vec![7, 8]);
    assert_eq!(s.updates, 2);
}

#[test]
fn stateful_retrains_continue_from_the_weights_and_count_increments_at_the_retrain() {
    let mut s = schedule(Plan {
        stateful: true,
        ..plan(Update::Periodic)
    });
    s.warmup(-1.0, &1);
    s.start(0.0);
    s.label(3.0, &2, 0.0);
    s.label(9.0, &3, 0.0);
    // Learned, but not deployed nor counted before the retrain at 10.
    assert_eq!(served(&s), vec![1]);
    assert_eq!(s.updates, 0);
    s.tick(10.0);
    assert_eq!(served(&s), vec![1, 2, 3]);
    assert_eq!((s.updates, s.retrains), (2, 1));
    // A label exactly at a retrain's time waits for the next one.
    s.label(20.0, &4, 0.0);
    assert_eq!(served(&s), vec![1, 2, 3]);
    assert_eq!(s.retrains, 2);
    s.tick(30.0);
    assert_eq!(served(&s), vec![1, 2, 3, 4]);
    assert_eq!((s.updates, s.retrains), (3, 3));
    assert_eq!(s.marks, vec![10.0, 20.0, 30.0]);
}

#[test]
fn stateless_retrains_from_scratch_on_the_window_including_the_warm_up() {
    let mut s = schedule(Plan {
        window: 15.0,
        ..plan(Update::Periodic)
    });
    s.warmup(-2.0, &1);
    s.start(0.0);
    for t in 1..=9 {
        s.label(t as f64, &(10 + t), 0.0);
    }
    s.tick(10.0);
    // Window [-5, 10]: the warm-up example is still in it.
    assert_eq!(served(&s), vec![1, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    assert_eq!(s.updates, 10);
    s.tick(20.0);
    // Window [5, 20]: examples labelled before 5 are gone.
    assert_eq!(served(&s), vec![15, 16, 17, 18, 19]);
    assert_eq!((s.updates, s.retrains), (15, 2));
}

#[test]
fn stateless_keeps_at_most_keep_examples() {
    let mut s = schedule(Plan {
        keep: 3,
        ..plan(Update::Periodic)
    });
    s.start(0.0);
    for t in 0..10 {
        s.label(t as f64, &t, 0.0);
    }
    s.tick(10.0);
    assert_eq!(served(&s), vec![7, 8, 9]);
}

#[test]
fn a_deploy_delay_serves_the_old_model_until_the_new_one_is_deployed() {
    let mut s = schedule(Plan {
        stateful: true,
        deploy: 4.0,
        ..plan(Update::Periodic)
    });
    s.start(0.0);
    s.label(1.0, &1, 0.0);
    s.tick(10.0);
    assert!(served(&s).is_empty(), "retrained at 10, deployed at 14");
    s.tick(13.9);
    assert!(served(&s).is_empty());
    s.tick(14.0);
    assert_eq!(served(&s), vec![1]);
}

#[test]
fn at_most_max_pending_deploys_wait() {
    let mut s = schedule(Plan {
        every: 1.0,
        deploy: 1000.0,
        ..plan(Update::Periodic)
    });
    s.start(0.0);
    for t in 0..100 {
        s.label(t as f64 + 0.5, &t, 0.0);
    }
    assert!(s.pending.len() <= MAX_PENDING);
    assert_eq!(s.pending.len(), MAX_PENDING);
    // Retrains at 1, 2, ..., 99: the oldest were dropped, the first to deploy is from 99 - 16 + 1.
    assert_eq!(
        s.pending.front().unwrap().0,
        1000.0 + (99 - MAX_PENDING + 1) as f64
    );
}

#[test]
fn a_triggered_retrain_waits_for_its_cooldown() {
    let mut s = Schedule::<u32, Memo>::new(
        Memo::default(),
        Plan {
            cooldown: 5.0,
            ..plan(Update::Triggered)
        },
        // Fires on any loss above 0.5 once it has seen one example.
        PageHinkley::new(0.0, 0.5, 1),
    );
    s.start(0.0);
    // A loss that keeps growing: the detector fires again and again.
    for t in 1..40 {
        s.label(t as f64, &t, (t * t) as f64);
    }
    assert!(s.retrains >= 2, "it fires again after each cooldown");
    assert!(
        s.marks[0] >= 5.0,
        "the first retrain waits for the cooldown after the start"
    );
    for w in s.marks.windows(2) {
        assert!(
            w[1] - w[0] >= 5.0,
            "retrains at {w:?} closer than the cooldown"
        );
    }
    // Triggered lanes have no clock.
    assert_eq!(s.next_retrain(), f64::INFINITY);
}

#[test]
fn popping_gives_every_due_time_but_a_refresh_runs_once() {
    let mut c = Every::new(10.0, 10.0);
    let mut due = Vec::new();
    while let Some(at) = c.pop(35.0) {
        due.push(at);
    }
    assert_eq!(due, vec![10.0, 20.0, 30.0]);
    let mut r = Every::new(0.0, 10.0);
    assert!(r.catch_up(0.0));
    assert!(!r.catch_up(9.9));
    assert!(r.catch_up(35.0));
    assert_eq!(r.next(), 40.0);
    assert!(!Every::never().catch_up(f64::MAX));
}

#[test]
fn batch_refresh_is_due_at_the_start_then_every_period() {
    let mut s = schedule(Plan {
        refresh: 60.0,
        ..plan(Update::Continual)
    });
    assert!(!s.refresh_due(0.0), "no refresh before the start");
    s.start(0.0);
    let due: Vec<u32> = (0..200).filter(|&t| s.refresh_due(t as f64)).collect();
    assert_eq!(due, vec![0, 60, 120, 180]);
}

#[test]
fn adopting_a_warm_up_takes_the_kept_examples_only_when_this_lane_keeps_them() {
    let mut leader = schedule(Plan {
        window: 100.0,
        ..plan(Update::Periodic)
    });
    leader.warmup(-1.0, &1);
    let mut stateless = schedule(Plan {
        window: 100.0,
        ..plan(Update::Periodic)
    });
    stateless.adopt_warmup(&leader);
    stateless.start(0.0);
    stateless.tick(10.0);
    assert_eq!(
        served(&stateless),
        vec![1],
        "retrained on the adopted examples"
    );
    let mut cont = schedule(plan(Update::Continual));
    cont.adopt_warmup(&leader);
    assert!(!cont.keeps_warmup());
    assert_eq!(cont.kept.len(), 0);
    assert_eq!(served(&cont), vec![1]);
}

/// Ticks `s` at every due retrain up to `t` one by one (each runs), as a reference for skipping.
fn tick_each(s: &mut Schedule<u32, Memo>, t: f64) {
    while s.next_retrain() <= t {
        let at = s.next_retrain();
        s.tick(at);
    }
}

#[test]
fn a_gap_skips_the_retrains_that_cannot_serve_and_serves_the_same_models() {
    // Every 10; windows shorter than the gaps; deploy delays below MAX_PENDING periods.
    for (stateful, window, deploy) in [
        (false, 25.0, 0.0),
        (false, f64::INFINITY, 0.0),
        (true, 0.0, 0.0),
        (false, 25.0, 35.0),
        (true, 0.0, 35.0),
        (false, 25.0, 150.0),
        (false, 0.5, 0.0),
    ] {
        let p = Plan {
            stateful,
            window,
            deploy,
            ..plan(Update::Periodic)
        };
        let (mut one, mut each) = (schedule(p), schedule(p));
        for s in [&mut one, &mut each] {
            s.warmup(-1.0, &1);
            s.start(0.0);
        }
        let times = [
            1.0, 5.0, 12.0, 95.0, 96.0, 400.0, 1003.0, 1004.5, 1010.0, 1290.0,
        ];
        for (i, &t) in times.iter().enumerate() {
            tick_each(&mut each, t);
            one.label(t, &(100 + i as u32), 0.0);
            each.label(t, &(100 + i as u32), 0.0);
            let case = format!("stateful {stateful} window {window} deploy {deploy} at {t}");
            assert_eq!(served(&one), served(&each), "{case}");
            assert_eq!(one.retrains + one.skipped, each.retrains, "{case}");
            assert_eq!(one.marks.last(), each.marks.last(), "{case}");
            assert_eq!(one.next_retrain(), each.next_retrain(), "{case}");
            if stateful {
                assert_eq!(one.updates, each.updates, "{case}");
            } else {
                assert!(one.updates <= each.updates, "{case}");
            }
        }
        assert!(one.skipped > 0);
    }
}

#[test]
fn a_gap_of_any_length_costs_one_retrain() {
    let mut s = schedule(Plan {
        every: 1.0,
        window: 5.0,
        ..plan(Update::Periodic)
    });
    s.start(0.0);
    s.label(0.5, &1, 0.0);
    s.tick(1e12);
    assert_eq!((s.retrains, s.skipped), (1, 1e12 as u64 - 1));
    assert_eq!(s.marks, vec![1e12]);
    assert!(
        served(&s).is_empty(),
        "the window [1e12 - 5, 1e12] is empty"
    );
    assert_eq!(s.next_retrain(), 1e12 + 1.0);
    s.label(1e12 + 0.5, &2, 0.0);
    s.tick(1e12 + 1.0);
    assert_eq!(served(&s), vec![2]);

    // With a deploy delay, the last MAX_PENDING + 1 run: the one deployed by now and those waiting.
    let mut s = schedule(Plan {
        every: 1.0,
        deploy: 3.0,
        ..plan(Update::Periodic)
    });
    s.start(0.0);
    s.label(0.5, &1, 0.0);
    s.tick(1e12);
    assert_eq!(s.retrains, MAX_PENDING as u64 + 1);
    assert_eq!(s.retrains + s.skipped, 1e12 as u64);
    assert_eq!(served(&s), vec![1]);

    // A period below the precision of the time still ends.
    let mut s = schedule(plan(Update::Periodic));
    s.start(0.0);
    s.tick(1e300);
    s.tick(f64::MAX);
    s.tick(f64::INFINITY);
    s.tick(f64::NAN);
    assert!(s.retrains >= 1 && s.retrains <= 4, "{}", s.retrains);
}

#[test]
fn skipping_steps_a_short_gap_exactly_and_counts_a_long_one() {
    let mut c = Every::new(0.1, 0.1);
    let mut reference = c;
    let mut due = Vec::new();
    while let Some(at) = reference.pop(3.0) {
        due.push(at);
    }
    assert_eq!(c.skip(3.0, 2), due.len() as u64 - 2);
    assert_eq!(c.pop(3.0), Some(due[due.len() - 2]));
    assert_eq!(c.pop(3.0), Some(due[due.len() - 1]));
    assert_eq!(c.pop(3.0), None);
    let mut c = Every::new(10.0, 10.0);
    assert_eq!(c.skip(5.0, 1), 0);
    assert_eq!(c.skip(1e6 + 5.0, 1), 99_999);
    assert_eq!(c.pop(1e9), Some(1e6));
    assert_eq!(c.next(), 1e6 + 10.0);
}

/// A model that counts every example it learns, across resets (the work done).
#[derive(Clone, Debug, Default, PartialEq)]
struct Work(Vec<u32>, u64);

impl Learn<u32> for Work {
    type Snapshot = Vec<u32>;
    type Output = bool;
    fn predict(serving: &Vec<u32>, ex: &u32) -> bool {
        serving.contains(ex)
    }
    fn learn(&mut self, ex: &u32) {
        self.0.push(*ex);
        self.1 += 1;
    }
    fn reset(&mut self) {
        self.0.clear();
    }
    fn live(&self) -> &Vec<u32> {
        &self.0
    }
    fn snapshot_into(&self, dst: &mut Vec<u32>) {
        dst.clone_from(&self.0);
    }
}

#[test]
fn a_stateless_retrain_on_unchanged_examples_does_no_work_but_counts() {
    // Labels every 15, retrains every 1: 14 of 15 retrains see the same window.
    let mut p = plan(Update::Periodic);
    p.every = 1.0;
    p.window = 60.0;
    p.deploy = 2.0;
    let mut s: Schedule<u32, Work> = Schedule::new(Work::default(), p, never_fires());
    s.warmup(-1.0, &0);
    s.start(0.0);
    let mut served_at = Vec::new();
    for i in 1..=20u32 {
        s.label(i as f64 * 15.0, &i, 0.0);
        served_at.push(s.serving().clone());
    }
    s.tick(400.0);
    // The gap after the last label (due at 301..=400) keeps only the last MAX_PENDING + 1 retrains
    // (a deploy delay): 83 are skipped, as `a_gap_skips_...` shows.
    assert_eq!((s.retrains, s.skipped), (317, 83));
    // Every retrain run counts the window it would learn, as before.
    let window: u64 = (1..=300u32)
        .chain(384..=400)
        .map(|at| {
            (0..=20u32)
                .filter(|&i| {
                    let t = if i == 0 { -1.0 } else { i as f64 * 15.0 };
                    t < at as f64 && t >= at as f64 - 60.0
                })
                .count() as u64
        })
        .sum();
    assert_eq!(s.updates, window);
    // Only retrains whose window changed learned anything: labels arrive (and leave the
    // window) once every 15 ticks.
    assert!(s.model.1 < window / 5, "{} of {window}", s.model.1);
    // What serves is the window's examples, as a retrain from scratch gives.
    assert_eq!(served_at[5], vec![2, 3, 4, 5]);
    assert_eq!(s.serving(), &Vec::<u32>::new());
}
