//! Every study's one way across the boundary (the logic lives in `crate::study`): `study_tasks` cuts
//! a panel's inputs into tasks for the page's workers (each with its cache key), `study_run` is what
//! a worker computes, and a [`StudyView`] keeps the parts as they come, reports them (the JSON of
//! `rtml <study> --json`, the table, the words) and draws them. One transfer encoding: serde values
//! (serde-wasm-bindgen) for inputs, tasks, parts and the report's JSON (the command line's, as a value).
//!
//! The studies (`kind`) and their inputs (numbers as numbers or as an input's text): `spread`
//! (`{hash, seeds}`: the page's own link), `sweep` (`{worlds: [{label, preset}], param, values,
//! seeds}`), `answer` (`{ads, cells, sets, kwh, call, seed, seeds}`), `whatif` (`{preset, knob, values, bias,
//! seeds, step, refit}`; `step` null: the configuration's own simulator error), `trace` (`{format,
//! keys, values, refresh, every, text}`: the replay's settings as `Replay::new` takes them, the
//! map's rows and columns, the file's text read in the page).

use std::any::Any;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use super::{canvas_root, to_js};
use crate::base::units::{MINUTES_PER_DAY, MINUTES_PER_HOUR};
use crate::sim::config::LANE_NAMES;
use crate::study::studies::{
    Answer, Spread, SpreadJob, Sweep, SweepJob, SweepWorld, WhatIf, WhatIfJob,
};
use crate::study::trace::Trace;
use crate::study::{spread, Figure, Report, Study};
use crate::view::chart::{self, Frame, LANE_CSS};
use crate::view::state::State;

fn err(e: impl ToString) -> JsValue {
    super::js_err(e)
}

fn from_js<T: DeserializeOwned>(v: JsValue) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(v).map_err(err)
}

/// A number from a panel's input: as the input's text or as a number.
#[derive(Deserialize)]
#[serde(untagged)]
enum Num {
    N(f64),
    S(String),
}

impl Num {
    /// The value as a whole number, or a message naming the input and what it accepts.
    fn whole(&self, name: &str) -> Result<u32, JsValue> {
        let x = match self {
            Num::N(x) => *x,
            Num::S(s) => s.trim().parse::<f64>().unwrap_or(f64::NAN),
        };
        if x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x <= u32::MAX as f64 {
            Ok(x as u32)
        } else {
            let shown: String = match self {
                Num::N(x) => x.to_string(),
                Num::S(s) => s.chars().take(40).collect(),
            };
            Err(err(format!("{name}: `{shown}` is not a whole number")))
        }
    }
}

/// A preset's configuration, or a message naming it.
fn preset_config(name: &str) -> Result<crate::sim::config::Config, JsValue> {
    crate::sim::presets::preset(name)
        .map(|p| p.config())
        .ok_or_else(|| {
            err(format!(
                "no preset `{}`",
                name.chars().take(40).collect::<String>()
            ))
        })
}

/// A study as the page asks for it: its job from the panel's inputs.
trait OnPage: Study + 'static {
    fn job(input: JsValue) -> Result<Self::Job, JsValue>;
}

impl OnPage for Spread {
    fn job(input: JsValue) -> Result<SpreadJob, JsValue> {
        #[derive(Deserialize)]
        struct In {
            hash: String,
            seeds: Num,
        }
        let i: In = from_js(input)?;
        let s = State::parse(&i.hash).0;
        Ok(SpreadJob {
            config: s.config,
            preset: s.preset,
            seeds: i.seeds.whole("seeds")?,
            metric: s.metric,
            cumulative: s.cumulative,
        })
    }
}

impl OnPage for Sweep {
    fn job(input: JsValue) -> Result<SweepJob, JsValue> {
        #[derive(Deserialize)]
        struct World {
            label: String,
            preset: String,
        }
        #[derive(Deserialize)]
        struct In {
            worlds: Vec<World>,
            param: String,
            values: String,
            seeds: Num,
        }
        let i: In = from_js(input)?;
        let mut worlds = Vec::new();
        for w in i.worlds.into_iter().take(4) {
            let config = preset_config(&w.preset)?;
            worlds.push(SweepWorld {
                label: w.label,
                name: w.preset,
                config,
            });
        }
        let job = SweepJob {
            worlds,
            param: i.param,
            values: i.values,
            seeds: i.seeds.whole("seeds")?,
            metric: None,
        };
        for w in 0..job.worlds.len() {
            job.spec(w).map_err(err)?;
        }
        Ok(job)
    }
}

impl OnPage for Answer {
    fn job(input: JsValue) -> Result<crate::study::answer::Job, JsValue> {
        #[derive(Deserialize)]
        struct In {
            ads: String,
            cells: String,
            /// `key=value` settings separated by `&` or new lines.
            sets: String,
            kwh: Num,
            call: Num,
            seed: Num,
            seeds: Num,
            /// `1`: also the sensitivity strip.
            #[serde(default)]
            sensitivity: Option<String>,
        }
        let i: In = from_js(input)?;
        let text = |n: &Num| match n {
            Num::N(x) => x.to_string(),
            Num::S(s) => s.trim().to_string(),
        };
        let sets = crate::study::answer::page_sets(&text(&i.kwh), &text(&i.call), &i.sets);
        Ok(crate::study::answer::Job {
            ads: i.ads,
            cells: i.cells,
            sets,
            seed: Some(i.seed.whole("seed")?),
            seeds: i.seeds.whole("seeds")?,
            sensitivity: i.sensitivity.is_some_and(|s| s.trim() == "1"),
        })
    }
}

impl OnPage for WhatIf {
    fn job(input: JsValue) -> Result<WhatIfJob, JsValue> {
        #[derive(Deserialize)]
        struct In {
            preset: String,
            knob: String,
            values: String,
            seeds: Num,
            step: Option<Num>,
            refit: bool,
            /// The simulator's bias (`sim_bias`); none: the preset's own.
            bias: Option<String>,
        }
        let i: In = from_js(input)?;
        let mut config = preset_config(&i.preset)?;
        if let Some(b) = i.bias.as_deref().filter(|b| !b.is_empty()) {
            config.set("sim_bias", b).map_err(|e| err(e.to_string()))?;
        }
        let step = match &i.step {
            Some(n) => n.whole("simulator error step")? as usize,
            None => crate::study::whatif::page_step(&config),
        };
        let job = WhatIfJob {
            config,
            knob: i.knob,
            values: i.values,
            seeds: i.seeds.whole("seeds")?,
            slider: true,
            step,
            refit: i.refit,
        };
        job.spec().map_err(err)?;
        Ok(job)
    }
}

impl OnPage for Trace {
    fn job(input: JsValue) -> Result<crate::study::trace::Job, JsValue> {
        #[derive(Deserialize)]
        struct In {
            format: String,
            keys: Vec<String>,
            values: Vec<String>,
            refresh: String,
            every: String,
            text: String,
            #[serde(default)]
            groups: String,
            #[serde(default)]
            sets: String,
        }
        let i: In = from_js(input)?;
        Ok(crate::study::trace::Job {
            format: i.format,
            settings: i.keys.into_iter().zip(i.values).collect(),
            refresh: i.refresh,
            every: i.every,
            source: crate::study::trace::Source::Text(i.text),
            bytes: 0.0,
            line_bytes: 0.0,
            most: None,
            groups: i.groups,
            sets: i.sets,
        })
    }
}

/// Runs `$body` with `$S` the study named `$kind`.
macro_rules! by_kind {
    ($kind:expr, $S:ident => $body:expr) => {
        match $kind {
            "spread" => {
                type $S = Spread;
                $body
            }
            "sweep" => {
                type $S = Sweep;
                $body
            }
            "answer" => {
                type $S = Answer;
                $body
            }
            "whatif" => {
                type $S = WhatIf;
                $body
            }
            "trace" => {
                type $S = Trace;
                $body
            }
            other => Err(err(format!("no study `{other}`"))),
        }
    };
}

fn tasks<S: OnPage>(input: JsValue, workers: usize) -> Result<JsValue, JsValue> {
    let job = S::job(input)?;
    let tasks = S::tasks(&job, workers).map_err(err)?;
    #[derive(serde::Serialize)]
    struct Keyed<'a, T> {
        key: String,
        task: &'a T,
    }
    let keyed: Vec<Keyed<S::Task>> = (tasks.iter())
        .map(|task| Keyed {
            key: S::run_key(&job, task),
            task,
        })
        .collect();
    Ok(to_js(&keyed))
}

fn run<S: OnPage>(input: JsValue, task: JsValue) -> Result<JsValue, JsValue> {
    let job = S::job(input)?;
    let part = S::run(&job, &from_js(task)?).map_err(err)?;
    Ok(to_js(&part))
}

/// The tasks of a study for `workers` workers: `[{key, task}]`, `key` what identifies the task's run
/// (the page's cache key).
#[wasm_bindgen]
pub fn study_tasks(kind: &str, input: JsValue, workers: u32) -> Result<JsValue, JsValue> {
    by_kind!(kind, S => tasks::<S>(input, workers.clamp(1, 64) as usize))
}

/// The estimated cost of a study on the page with `workers` workers (`study::cost::page`: the same
/// estimate as the command line's, the tasks at once on the workers, each worker's instance):
/// `{text, seconds, bytes, over, hard, lower}` (`study::cost::PageCheck`).
#[wasm_bindgen]
pub fn study_cost(kind: &str, input: JsValue, workers: u32) -> Result<JsValue, JsValue> {
    let workers = workers.clamp(1, 64) as usize;
    let spread = (kind == "spread")
        .then(|| Spread::job(input.clone()))
        .transpose()?;
    let mut c = by_kind!(kind, S => {
        let job = S::job(input)?;
        crate::study::cost::page::<S>(&job, workers).map_err(err)
    })?;
    if let Some(job) = spread {
        // The seeds run beside the page's own run of the same settings (its lanes in as many
        // workers), which keeps its memory.
        let own = crate::sim::cost::page(&job.config, workers).bytes;
        c.add(
            format!(
                "the page's own run of these settings with its {workers} lane workers (the lanes' bits; --seeds {} beside it)",
                job.seeds
            ),
            0.0,
            own,
        );
    }
    Ok(to_js(&crate::study::cost::PageCheck::new(&c)))
}

/// The estimated cost of a replay on the page, before the file is read (`replay::estimate_sample`,
/// as `rtml replay` checks it): `format`, `keys` and `values` as `Replay::new`, the file's `size`,
/// its first (decompressed) bytes `head`, and for a gzip file the ratio of its first megabyte.
#[wasm_bindgen]
pub fn replay_cost(
    format: &str,
    keys: Vec<String>,
    values: Vec<String>,
    size: f64,
    head: &[u8],
    gzip_ratio: Option<f64>,
) -> Result<JsValue, JsValue> {
    let pairs: Vec<(&str, String)> = keys.iter().map(String::as_str).zip(values).collect();
    let opts = crate::replay::ReplayOptions::from_args(format, &pairs).map_err(err)?;
    let ratio = gzip_ratio.filter(|r| r.is_finite());
    let mut c = crate::replay::estimate_sample(&opts, size.max(0.0), head, ratio)
        .map_err(err)?
        .slower(crate::domain::cost::WASM_SLOWER);
    c.add(
        "the replay worker's own WebAssembly instance",
        0.0,
        crate::study::cost::WORKER_BYTES,
    );
    Ok(to_js(&crate::study::cost::PageCheck::new(&c)))
}

/// One task's run (what a worker computes): the part.
#[wasm_bindgen]
pub fn study_run(kind: &str, input: JsValue, task: JsValue) -> Result<JsValue, JsValue> {
    by_kind!(kind, S => run::<S>(input, task))
}

/// A study on the page: the parts kept as they come, their report and its drawing.
#[wasm_bindgen]
pub struct StudyView {
    kind: String,
    /// `Vec<S::Part>` of the study `kind`.
    parts: Box<dyn Any>,
    report: Option<Report>,
    frames: Vec<Frame>,
}

fn empty<S: OnPage>() -> Box<dyn Any> {
    Box::new(Vec::<S::Part>::new())
}

fn parts_of<S: OnPage>(parts: &mut Box<dyn Any>) -> &mut Vec<S::Part> {
    if !parts.is::<Vec<S::Part>>() {
        *parts = Box::new(Vec::<S::Part>::new());
    }
    parts.downcast_mut().expect("just made")
}

fn add<S: OnPage>(parts: &mut Box<dyn Any>, part: JsValue) -> Result<usize, JsValue> {
    let part: S::Part = from_js(part)?;
    let v = parts_of::<S>(parts);
    v.push(part);
    Ok(v.len())
}

fn report<S: OnPage>(parts: &mut Box<dyn Any>, input: JsValue) -> Result<Report, JsValue> {
    let job = S::job(input)?;
    S::report(&job, parts_of::<S>(parts)).map_err(err)
}

#[wasm_bindgen]
impl StudyView {
    /// An empty view of the study `kind` (`spread`, `sweep`, `answer`, `whatif`, `trace`).
    #[wasm_bindgen(constructor)]
    pub fn new(kind: &str) -> Result<StudyView, JsValue> {
        let parts = by_kind!(kind, S => Ok(empty::<S>()))?;
        Ok(StudyView {
            kind: kind.to_string(),
            parts,
            report: None,
            frames: Vec::new(),
        })
    }

    /// Forgets the parts and the report (a new run).
    pub fn clear(&mut self) -> Result<(), JsValue> {
        self.parts = by_kind!(self.kind.as_str(), S => Ok(empty::<S>()))?;
        self.report = None;
        Ok(())
    }

    /// Keeps one worker's part; returns the parts kept.
    pub fn add(&mut self, part: JsValue) -> Result<usize, JsValue> {
        by_kind!(self.kind.as_str(), S => add::<S>(&mut self.parts, part))
    }

    /// Reports the parts kept for `input` (its view settings may differ from the run's: a metric, a
    /// slider step): `{json, table: {head, units, rows}, words, details, strip, marks}`, `json` as the command line
    /// prints; `marks[i]` says whether the claim sentence `words[i]` held as often as promised.
    pub fn report(&mut self, input: JsValue) -> Result<JsValue, JsValue> {
        let r = by_kind!(self.kind.as_str(), S => report::<S>(&mut self.parts, input))?;
        let out = js_sys::Object::new();
        js_sys::Reflect::set(&out, &"json".into(), &to_js(&r.json))?;
        js_sys::Reflect::set(&out, &"table".into(), &to_js(&r.table))?;
        js_sys::Reflect::set(&out, &"words".into(), &to_js(&r.words))?;
        js_sys::Reflect::set(&out, &"details".into(), &to_js(&r.details))?;
        js_sys::Reflect::set(&out, &"strip".into(), &to_js(&r.strip))?;
        js_sys::Reflect::set(&out, &"marks".into(), &to_js(&r.marks))?;
        self.report = Some(r);
        Ok(out.into())
    }

    /// Draws the last report on a canvas sized in device pixels (`view`: the answer's `map`,
    /// `refresh` or `every`; the answer's `stack=U1,U2,U3`, the streaming stack's break-even with those units of each
    /// stage; the what-if's knob value to mark, as a number; ignored by the others).
    pub fn draw(
        &mut self,
        canvas: HtmlCanvasElement,
        scale: f64,
        dark: bool,
        view: &str,
    ) -> Result<(), JsValue> {
        let Some(r) = &self.report else { return Ok(()) };
        let cumulative = matches!(
            r.figure,
            Figure::Spread {
                cumulative: true,
                ..
            }
        );
        let (root, style) = canvas_root(canvas, scale, dark, cumulative)?;
        match &r.figure {
            Figure::Spread {
                config,
                runs,
                metric,
                ..
            } => {
                self.frames =
                    chart::draw_spread(&root, config, runs, metric, style).map_err(err)?;
            }
            Figure::Sweep(sweeps) => {
                let refs: Vec<(&str, &crate::study::sweep::Summary)> =
                    sweeps.iter().map(|(n, s)| (n.as_str(), s)).collect();
                chart::draw_sweep(&root, &refs, style).map_err(err)?;
            }
            Figure::Answer(a) => match view.strip_prefix("stack=") {
                // The streaming stack's break-even, the stages' units separated by commas.
                Some(units) => {
                    let units: Vec<f64> = (units.split(','))
                        .map(|u| u.trim().parse().unwrap_or(f64::NAN))
                        .collect();
                    let b = crate::study::breakeven::Breakeven::from_maps(&a.maps, &units)
                        .ok_or_else(|| err("this answer has no cells map to price"))?;
                    chart::breakeven::draw_breakeven(&root, &b, style).map_err(err)?;
                }
                None => {
                    chart::draw_answer(&root, a, chart::AnswerSlice::parse(view), style)
                        .map_err(err)?;
                }
            },
            Figure::WhatIf(s) => {
                // A number: the reader's mark on that value of the knob (the essay's scrubbed setting).
                self.frames = chart::draw_whatif(&root, s, style).map_err(err)?;
                let at = view.trim().parse::<f64>().ok();
                if let (Some(f), Some(x)) = (self.frames.first(), at) {
                    chart::mark_x(&root, f, x, style).map_err(err)?;
                }
            }
            Figure::Trace(m) => {
                chart::draw_trace(&root, m, style).map_err(err)?;
            }
        }
        Ok(())
    }

    /// The answer's maps the map view draws (scenarios with at least one seed); 0 for other studies.
    pub fn maps(&self) -> u32 {
        match self.report.as_ref().map(|r| &r.figure) {
            Some(Figure::Answer(a)) => a.maps.iter().filter(|m| m.seeds > 0).count() as u32,
            _ => 0,
        }
    }

    /// Draws only the answer's `k`-th map in its place (the page draws the maps in separate short
    /// tasks).
    pub fn draw_map(
        &self,
        canvas: HtmlCanvasElement,
        scale: f64,
        dark: bool,
        k: u32,
    ) -> Result<(), JsValue> {
        let Some(Figure::Answer(a)) = self.report.as_ref().map(|r| &r.figure) else {
            return Ok(());
        };
        let (root, style) = canvas_root(canvas, scale, dark, false)?;
        chart::answer::draw_map(&root, a, k as usize, style).map_err(err)
    }

    /// The panels last drawn (as `Playground::plot`).
    pub fn plot(&self) -> JsValue {
        to_js(&self.frames)
    }

    /// The spread under pixel column `px`: the bucket, its day and width, each lane's mean and
    /// interval (`undefined` for other studies, outside the plot, or before a drawing).
    pub fn hover(&self, px: f64) -> JsValue {
        let Some(Figure::Spread {
            config,
            runs,
            metric,
            cumulative,
        }) = self.report.as_ref().map(|r| &r.figure)
        else {
            return JsValue::UNDEFINED;
        };
        let (Some(f), Some(r)) = (self.frames.first(), runs.first()) else {
            return JsValue::UNDEFINED;
        };
        let Some(day) = f.x_at(px) else {
            return JsValue::UNDEFINED;
        };
        let buckets = r.sums.first().map_or(0, |s| s.len() / r.fields.max(1));
        let b = ((day * MINUTES_PER_DAY / r.bucket_min).max(0.0) as usize)
            .min(buckets.saturating_sub(1));
        let lanes: Vec<serde_json::Value> = (0..config.lanes.len())
            .map(|l| {
                let v = spread::band(runs, config.scenario, l, metric, *cumulative);
                let at = v.get(b).copied();
                let num = |x: Option<f64>| x.filter(|x| x.is_finite());
                serde_json::json!({"lane": LANE_NAMES[l], "color": LANE_CSS[l],
                    "value": num(at.map(|a| a.mean)), "lo": num(at.map(|a| a.lo)), "hi": num(at.map(|a| a.hi))})
            })
            .collect();
        to_js(
            &serde_json::json!({"bucket": b, "day": b as f64 * r.bucket_min / MINUTES_PER_DAY,
            "hours": r.bucket_min / MINUTES_PER_HOUR, "lanes": lanes}),
        )
    }
}
