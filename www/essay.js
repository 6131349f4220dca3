// The essay's figures, drawn in its own canvases by the playground's Rust charts (no frame), each with
// its own control: the streaming stack's break-even (the stored answer priced at the stages' sizes); (a) the money of a sleep setting, scrubbed (the what-if study, computed in the
// study workers); (b) the cells' story, scrubbed in time (a Playground of the holiday week, run here in
// slices of a few milliseconds); (c) the answer's freshness maps with the sensitivity strip and the
// real LTE trace's map beside the simulated one (stored studies, `www/essay-data.json`, written by
// `cargo run --release --example essay_data -- --write FILE`). The wasm loads once, when the first
// figure comes near; the figures' boxes have their size before, so the text never moves. Every
// sentence with a number is Rust's (`essay_words`, the reports' `words`).
import init, { Playground, StudyView, catalogue, essay_words } from './pkg/rtml.js';
import { runStudy, fillTable } from './pool.js';

const $ = (id) => document.getElementById(id);
const dark = () => matchMedia('(prefers-color-scheme: dark)').matches;
let ready = null;
const wasm = () => (ready ??= init());

/** Sizes a canvas to its box in device pixels; returns the scale (0 when it has no size). */
function fit(c) {
  const dpr = Math.min(window.devicePixelRatio || 1, 3);
  const W = Math.round(c.clientWidth * dpr), H = Math.round(c.clientHeight * dpr);
  if (!W || !H) return 0;
  if (c.width !== W || c.height !== H) { c.width = W; c.height = H; }
  return dpr;
}

/** Marks a figure's state for readers of the DOM (tests wait on it, never on time). */
function state(fig, s) { $(fig).dataset.state = s; }

// (a) The money of a sleep setting.
const money = { view: null, input: null, json: null };

function moneyShow() {
  const { view, input } = money;
  if (!view) return;
  const r = view.report({ ...input, step: $('money-error').value, refit: false });
  money.json = r.json;
  $('money-error-out').textContent = r.json.error_label;
  $('money-caption').textContent = r.words.join(' ');
  moneyAt();
}

function moneyAt() {
  const j = money.json;
  if (!j) return;
  const k = Number($('money-at').value);
  $('money-at-out').textContent = j.labels[k] ?? '';
  $('money-at').setAttribute('aria-valuetext', j.labels[k] ?? '');
  $('money-words').textContent = essay_words('whatif', j, String(k));
  const c = $('money-chart');
  const dpr = fit(c);
  if (dpr) money.view.draw(c, dpr, dark(), String(j.values[k]));
  state('fig-money', 'drawn');
}

async function moneyRun() {
  state('fig-money', 'running');
  const cat = catalogue();
  const input = { preset: 'cells-what-if', knob: 'threshold', values: cat.whatifValues.threshold, seeds: 10, step: null, refit: false };
  const view = new StudyView('whatif');
  await runStudy('whatif', input, (part) => view.add(part), () => {}, { what: 'the money figure' });
  Object.assign(money, { view, input });
  const n = view.report(input).json;
  // The sliders: one step per value of the knob, the simulator error at the preset's own.
  $('money-at').max = String(n.values.length - 1);
  $('money-at').value = String(Math.floor(n.values.length / 2));
  $('money-error').value = String(n.step);
  $('money-at').disabled = false;
  $('money-error').disabled = false;
  moneyShow();
}

// (b) The cells' story in time.
const day = { pg: null, cell: 0 };

function dayAt() {
  const { pg } = day;
  if (!pg) return;
  const at = Number($('day-at').value);
  const r = pg.inside_readout(at, day.cell);
  $('day-at').setAttribute('aria-valuetext', r?.title ?? '');
  $('day-at-out').textContent = r?.title ?? '';
  if (r) renderReadout($('day-readout'), r);
  const c = $('day-chart');
  const dpr = fit(c);
  if (dpr) pg.draw_inside(c, dpr, dark(), at, day.cell);
  state('fig-day', 'drawn');
}

function renderReadout(table, r) {
  const cells = (row, tag) => row.map((t, i) => {
    const e = document.createElement(i === 0 || tag === 'th' ? 'th' : 'td');
    if (e.tagName === 'TH') e.scope = tag === 'th' ? 'col' : 'row';
    e.textContent = t;
    return e;
  });
  const head = document.createElement('tr');
  head.append(...cells(r.head, 'th'));
  table.tHead.replaceChildren(head);
  table.tBodies[0].replaceChildren(...r.rows.map((row) => { const tr = document.createElement('tr'); tr.append(...cells(row, 'td')); return tr; }));
  $('day-note').textContent = r.note;
}

function dayRun() {
  state('fig-day', 'running');
  const pg = new Playground($('day-chart').dataset.hash);
  return new Promise((resolve) => {
    const step = () => {
      // A few milliseconds a frame: the page never stops answering.
      pg.run_for(1e9, 8);
      if (!pg.done()) { requestAnimationFrame(step); return; }
      day.pg = pg;
      day.cell = pg.inside_telling_cell();
      $('day-at').max = String(pg.filled() - 1);
      $('day-at').value = $('day-at').dataset.start || String(Math.floor(pg.filled() * 0.6));
      $('day-at').disabled = false;
      dayAt();
      resolve();
    };
    step();
  });
}

// (c) The maps: stored studies drawn by the same StudyView as a live one.
const maps = { answer: null, real: null, sim: null };
const SLICES = ['map', 'refresh', 'every'];

function stored(kind, s) {
  const v = new StudyView(kind);
  for (const p of s.parts) v.add(p);
  return { v, r: v.report(s.input), input: s.input };
}

function mapsDraw() {
  const { answer, real, sim } = maps;
  if (!answer) return;
  const k = Number($('maps-view').value);
  const label = $('maps-view').dataset.labels.split('|')[k];
  $('maps-view-out').textContent = label;
  $('maps-view').setAttribute('aria-valuetext', label);
  const c = $('maps-chart');
  const dpr = fit(c);
  if (dpr) answer.v.draw(c, dpr, dark(), SLICES[k]);
  for (const [id, m] of [['trace-real', real], ['trace-sim', sim]]) {
    const t = $(id);
    const d = fit(t);
    if (m && d) m.v.draw(t, d, dark(), '');
  }
  state('fig-maps', 'drawn');
}

let mapsRunning = null;
/** The stored studies, read and reported once (the maps, the stack and the answer's question share them). */
const mapsOnce = () => (mapsRunning ??= mapsRun());

async function mapsRun() {
  state('fig-maps', 'running');
  const data = await (await fetch('essay-data.json')).json();
  maps.answer = stored('answer', data.answer);
  $('maps-words').textContent = maps.answer.r.words.join(' ');
  if (maps.answer.r.strip) fillTable($('maps-strip'), maps.answer.r.strip);
  if (data.traces?.real) {
    maps.real = stored('trace', data.traces.real);
    maps.sim = stored('trace', data.traces.sim);
    $('trace-words').textContent = `${data.traces.words} (file SHA-256 ${data.traces.real.sha256.slice(0, 16)}…)`;
  }
  $('maps-command').textContent = data.command;
  $('maps-view').disabled = false;
  mapsDraw();
}

/** The stored answer's report JSON (the map figure's), computing it if it has not come near yet. */
export async function answerJson() {
  await wasm();
  await mapsOnce();
  return maps.answer.r.json;
}

// (d) The stack's break-even: the stored answer's JSON priced at the stages' sizes.
async function stackRun() {
  state('fig-stack', 'running');
  await answerJson();
  document.querySelectorAll('.stack-knob').forEach((k) => { k.disabled = false; });
  stackDraw();
}

function stackDraw() {
  const { answer } = maps;
  if (!answer) return;
  const knobs = [...document.querySelectorAll('.stack-knob')];
  knobs.forEach((k) => { $(`${k.id}-out`).textContent = k.value; });
  const units = knobs.map((k) => k.value).join(',');
  $('stack-words').textContent = essay_words('breakeven', answer.r.json, units);
  const c = $('stack-chart');
  const dpr = fit(c);
  if (dpr) answer.v.draw(c, dpr, dark(), 'stack=' + units);
  state('fig-stack', 'drawn');
}

/** A lesson over `seeds` seeds in the study workers (the spread study of its link `hash`), graded by
 * Rust: `grade` is `worst` or `best` (the lane the others beat, or that beat them, on 9 of 10 seeds)
 * or `lost:A,B` (how much of B's expected clicks A loses). `{outcome, text}`, `outcome` null when the
 * seeds do not settle it. */
export function gradeOverSeeds(hash, seeds, grade) {
  // One at a time: a study of the same kind cancels the one before it (pool.js), so a second reveal
  // pressed while the first ran once turned the first into "could not be run (cancelled)".
  const mine = grading.then(() => gradeNow(hash, seeds, grade));
  grading = mine.catch(() => {});
  return mine;
}

let grading = Promise.resolve();

async function gradeNow(hash, seeds, grade) {
  await wasm();
  const input = { hash, seeds };
  const view = new StudyView('spread');
  await runStudy('spread', input, (part) => view.add(part), () => {}, { what: 'these seeds' });
  const json = view.report(input).json;
  const [kind, at = ''] = grade.split(':');
  const outcome = essay_words(kind === 'lost' ? 'lost-grade' : `${kind}-lane`, json, at);
  return { outcome: outcome || null, text: essay_words(kind, json, at) };
}

const FIGURES = { 'fig-stack': [stackRun, stackDraw], 'fig-money': [moneyRun, moneyAt], 'fig-day': [dayRun, dayAt], 'fig-maps': [mapsOnce, mapsDraw] };

/** Wires the figures: each computes when it first comes near, redraws on resize and on a change of
 * colour scheme. */
export function setupFigures() {
  $('money-at').addEventListener('input', moneyAt);
  $('money-error').addEventListener('input', moneyShow);
  $('day-at').addEventListener('input', dayAt);
  $('maps-view').addEventListener('input', mapsDraw);
  document.querySelectorAll('.stack-knob').forEach((k) => k.addEventListener('input', stackDraw));
  const start = (id) => {
    const [run] = FIGURES[id];
    const fig = $(id);
    if (fig.dataset.started) return;
    fig.dataset.started = '1';
    wasm().then(run).catch((e) => {
      state(id, 'failed');
      (fig.querySelector('.fig-status') ?? fig.querySelector('.readout')).textContent = `This figure could not be computed: ${e.message ?? e}`;
    });
  };
  const io = new IntersectionObserver((entries) => {
    for (const e of entries) if (e.isIntersecting) { start(e.target.id); io.unobserve(e.target); }
  }, { rootMargin: '900px 0px' });
  Object.keys(FIGURES).forEach((id) => io.observe($(id)));
  const redraw = () => Object.values(FIGURES).forEach(([, draw]) => draw());
  let queued = false;
  const later = () => { if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; redraw(); }); } };
  window.addEventListener('resize', later);
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', later);
  // For tests and print: start every figure now.
  window.__essayStartAll = () => Object.keys(FIGURES).forEach(start);
}
