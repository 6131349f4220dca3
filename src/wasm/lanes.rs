//! The controls' boundary and the lanes the page runs in Web Workers (thin: the logic lives in
//! `view::controls` and `sim::parallel`).

use wasm_bindgen::prelude::*;

use super::*;

/// Every number, duration and day knob as a number in its own unit (`null` for an event that is off),
/// for the sliders: `{volume: 1000, "b.every": 24, ...}`.
pub(super) fn numbers(cfg: &crate::sim::config::Config) -> serde_json::Value {
    use crate::sim::knobs::Value;
    let num = |v: Value| match v {
        Value::Num(x) => json_num(x),
        _ => serde_json::Value::Null,
    };
    let mut out = serde_json::Map::new();
    for k in KNOBS {
        out.insert(k.key.to_string(), num((k.get)(cfg)));
    }
    for (i, l) in cfg.lanes.iter().enumerate() {
        let letter = LANE_NAMES[i].to_ascii_lowercase();
        for k in LANE_KNOBS {
            out.insert(format!("{letter}.{}", k.key), num((k.get)(l)));
        }
    }
    serde_json::Value::Object(out)
}

/// Each lane's title (the sentence that describes it) and the lane knobs that apply to it.
pub(super) fn lane_controls(cfg: &crate::sim::config::Config) -> serde_json::Value {
    let lanes: Vec<serde_json::Value> = cfg
        .lanes
        .iter()
        .map(|l| {
            let keys: Vec<&str> = LANE_KNOBS
                .iter()
                .filter(|k| controls::lane_knob_applies(k.key, l, cfg.scenario))
                .map(|k| k.key)
                .collect();
            serde_json::json!({"title": crate::sim::experiment::describe(l, cfg.scenario), "applies": keys})
        })
        .collect();
    serde_json::Value::Array(lanes)
}

#[wasm_bindgen]
impl Playground {
    /// How to run this configuration's lanes on `workers` Web Workers: groups of lane indices, or an
    /// empty list when it should run here (held, or a cells run, which is fast and reports warnings).
    /// Lanes this page ran before with the same world and settings are not run again: their kept
    /// outcome joins the workers' parts (the same numbers, see `sim::parallel::LaneResults`); when
    /// every lane is kept, the run is complete at once and the list is empty. (For a finished run: the split of
    /// every lane, as it was run.)
    pub fn parallel_plan(&mut self, workers: u32) -> JsValue {
        let cfg = &self.state.config;
        if self.held.is_some() || cfg.scenario != Scenario::Ads || workers < 2 {
            return to_js(&Vec::<Vec<usize>>::new());
        }
        if self.exp.done() {
            return to_js(&crate::sim::parallel::split(cfg, workers as usize));
        }
        let known = RESULTS.with(|r| r.borrow().find(cfg));
        let plan = crate::sim::parallel::split_rest(cfg, &known, workers as usize);
        // Kept lanes join the workers' parts as they come (`adopt`); a run with nothing left to run
        // is complete now.
        if plan.is_empty() {
            self.exp.adopt(&known);
        }
        to_js(&plan)
    }

    /// Assembles what the workers reported (see [`LaneRun::part`]), flattened by the page: for each
    /// reported lane `lanes[i]`, its part's clock and whether it is done, its sums (the next
    /// `sums.len() / lanes.len()` numbers) and its `mark_counts[i]` retrain marks; lanes not reported
    /// come from the kept outcomes ([`Playground::parallel_plan`]), and finished ones are kept. The
    /// world panes' recording comes along: the world's grid (`inside_world`, from any part: every part
    /// sees the same world) and each reported lane's grid (the next `inside_lanes.len() / lanes.len()`
    /// numbers); both empty when the parts recorded nothing.
    /// Returns false (and changes nothing) when the lengths do not match.
    #[allow(clippy::too_many_arguments)]
    pub fn adopt(
        &mut self,
        lanes: Vec<u32>,
        clocks: Vec<f64>,
        done: Vec<u8>,
        sums: Vec<f64>,
        marks: Vec<f64>,
        mark_counts: Vec<u32>,
        inside_world: Vec<f32>,
        inside_lanes: Vec<f32>,
    ) -> bool {
        let n = lanes.len();
        let total: usize = mark_counts.iter().map(|&c| c as usize).sum();
        if n == 0
            || clocks.len() != n
            || done.len() != n
            || mark_counts.len() != n
            || sums.len() % n != 0
            || total != marks.len()
        {
            return false;
        }
        let Some(insides) = self.insides(&lanes, inside_world, &inside_lanes) else {
            return false;
        };
        let per = sums.len() / n;
        let mut at = 0;
        let parts: Vec<crate::sim::parallel::Part> = (0..n)
            .map(|i| {
                let m = marks[at..at + mark_counts[i] as usize].to_vec();
                at += mark_counts[i] as usize;
                crate::sim::parallel::Part {
                    lanes: vec![lanes[i] as usize],
                    clock: clocks[i],
                    done: done[i] != 0,
                    sums: vec![sums[i * per..(i + 1) * per].to_vec()],
                    marks: vec![m],
                    events: Vec::new(),
                    inside: insides.get(i).cloned().unwrap_or_default(),
                }
            })
            .collect();
        let cfg = &self.state.config;
        let mut all = RESULTS.with(|r| {
            let mut r = r.borrow_mut();
            r.keep(cfg, &parts);
            r.find(cfg)
        });
        all.retain(|k| !parts.iter().any(|p| p.lanes == k.lanes));
        all.extend(parts);
        self.exp.adopt(&all);
        true
    }
}

impl Playground {
    /// Each reported lane's world panes as a [`Part::inside`](crate::sim::parallel::Part::inside)
    /// (`[world, lane]`), all empty when nothing was recorded; None when a length does not match this
    /// run's recording.
    fn insides(
        &self,
        lanes: &[u32],
        world: Vec<f32>,
        grids: &[f32],
    ) -> Option<Vec<Vec<crate::sim::inside::Grid>>> {
        let n = lanes.len();
        if world.is_empty() && grids.is_empty() {
            return Some(vec![Vec::new(); n]);
        }
        let inside = self.exp.inside()?;
        let per = inside.lanes.first().map_or(0, |g| g.data.len());
        if n == 0 || world.len() != inside.world.data.len() || grids.len() != n * per {
            return None;
        }
        let mut w = inside.world.clone();
        w.data = world;
        (lanes.iter().enumerate())
            .map(|(i, &l)| {
                let mut g = (*inside.lanes.get(l as usize)?).clone();
                g.data = grids[i * per..(i + 1) * per].to_vec();
                Some(vec![w.clone(), g])
            })
            .collect()
    }
}

#[derive(serde::Serialize)]
struct PartJson {
    lanes: Vec<usize>,
    clock: f64,
    done: bool,
    sums: Vec<Vec<f64>>,
    marks: Vec<Vec<f64>>,
    /// The world panes' recording: the world's grid, then each lane's (see [`Playground::adopt`]).
    inside: Vec<Vec<f32>>,
}

std::thread_local! {
    /// The page's finished ads lanes (main thread), for the next runs of the same world: after a
    /// change of one lane's knobs only that lane runs again.
    static RESULTS: std::cell::RefCell<crate::sim::parallel::LaneResults> =
        std::cell::RefCell::new(crate::sim::parallel::LaneResults::new(24));
    /// The warm-ups this worker ran, for its next runs of the same world (a change of a lane's knobs
    /// re-runs only the horizon); the last two worlds.
    static WARM: std::cell::RefCell<crate::sim::ads::WarmCache> =
        std::cell::RefCell::new(crate::sim::ads::WarmCache::new(2));
}

/// This worker's warm-up cache: `[runs that adopted a kept warm-up, runs that warmed up]`.
#[wasm_bindgen]
pub fn warm_cache_stats() -> Vec<f64> {
    WARM.with(|c| {
        let c = c.borrow();
        vec![c.hits as f64, c.misses as f64]
    })
}

/// Some lanes of a page's configuration, run in a Web Worker (`www/lanes-worker.js`): the same world,
/// only these lanes.
#[wasm_bindgen]
pub struct LaneRun {
    exp: Experiment,
    lanes: Vec<usize>,
}

#[wasm_bindgen]
impl LaneRun {
    /// Lanes `lanes` of the configuration of a URL hash (bad input: the hash's defaults, as the page),
    /// warmed up (or given the warm-up this worker kept for the same world and learners).
    #[wasm_bindgen(constructor)]
    pub fn new(hash: &str, lanes: Vec<u32>) -> LaneRun {
        let (state, _) = State::parse(hash);
        let lanes: Vec<usize> = lanes
            .into_iter()
            .map(|l| l as usize)
            .filter(|&l| l < state.config.lanes.len())
            .collect();
        let lanes = if lanes.is_empty() { vec![0] } else { lanes };
        let cfg = crate::sim::parallel::subset(&state.config, &lanes);
        let mut exp = Experiment::new(cfg).unwrap_or_else(|_| build(&State::default()));
        exp.record_inside();
        WARM.with(|c| exp.warm_cached(&mut c.borrow_mut()));
        LaneRun { exp, lanes }
    }

    /// Simulates until `minutes` from the start of the horizon (the warm-up first; a worker is not
    /// the page's thread, so no time budget); returns the progress, 0 to 1.
    pub fn run_until(&mut self, minutes: f64) -> f64 {
        if minutes.is_finite() {
            self.exp.run_until(minutes);
        }
        self.exp.progress()
    }

    pub fn done(&self) -> bool {
        self.exp.done()
    }

    /// The horizon, simulated minutes.
    pub fn horizon(&self) -> f64 {
        self.exp.config().horizon_min()
    }

    /// What the page flattens for [`Playground::adopt`]: `{lanes, clock, done, sums, marks}`.
    pub fn part(&self) -> JsValue {
        let p = self.exp.part(&self.lanes);
        // The world's events are the page's own (drawn when the world is built): not sent.
        let j = PartJson {
            lanes: p.lanes,
            clock: p.clock,
            done: p.done,
            sums: p.sums,
            marks: p.marks,
            inside: p.inside.into_iter().map(|g| g.data).collect(),
        };
        to_js(&j)
    }
}
