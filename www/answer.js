// The answer on the page: the freshness map of ads and cells, run in Web Workers (each task: one world,
// one seed, a group of rows, many lanes over one pass of the world), progress and cancel, results cached
// per configuration; summary, JSON, conclusion and chart by the same Rust code as `rtml answer`.
import { postDone } from './bridge.js';
import { StudyView } from './pkg/rtml.js';
import { runStudy, cancelStudy, fillTable, OverBudget } from './pool.js';

// The inputs of a run held over the page's memory: the same again runs anyway.
let warned = null;

const $ = (id) => document.getElementById(id);
let view = null;
let running = false;
let isDark = () => false;
// The inputs of the last complete run: the same again shows it at once.
let shown = null;

/** What the inputs ask for (Rust reads it: `OnPage` for `Answer` in src/wasm/study.rs). */
function job() {
  return {
    ads: $('answer-ads').value,
    cells: $('answer-cells').value,
    sets: $('answer-sets').value,
    kwh: $('answer-kwh').value,
    call: $('answer-call').value,
    seed: $('answer-seed').value,
    seeds: $('answer-seeds').value,
    sensitivity: $('answer-sensitivity').value,
  };
}

let drawing = 0;

// The map view draws one map per task (each about half of a whole drawing on the page's thread); a
// newer drawing supersedes one still under way.
async function draw() {
  if (!view || !window.__answer) return;
  const c = $('answer-chart');
  const dpr = Math.min(window.devicePixelRatio || 1, 3);
  const W = Math.round(c.clientWidth * dpr), H = Math.round(c.clientHeight * dpr);
  if (W === 0 || H === 0) return;
  const resized = c.width !== W || c.height !== H;
  if (resized) { c.width = W; c.height = H; }
  const kind = $('answer-view').value;
  if (kind !== 'map' || view.maps() < 2) {
    view.draw(c, dpr, isDark(), kind);
    return;
  }
  const me = ++drawing;
  for (let k = 0; k < view.maps(); k++) {
    if (k > 0) await nextTask();
    if (me !== drawing) return;
    view.draw_map(c, dpr, isDark(), k);
  }
}

const nextTask = () => new Promise((r) => setTimeout(r, 0));

/**
 * Summarises the parts kept so far (view.add) and shows them: a first map after the first seed, refined
 * after each. Three short tasks on the page's thread (summary, chart, then table and words), so the
 * page stays responsive while the workers run.
 */
async function show(j) {
  const r = view.report(j);
  window.__answer = r.json;
  await nextTask();
  draw();
  await nextTask();
  // One paragraph per sentence: the lead sentences, then the details folded below.
  const paras = (el, lines) => el.replaceChildren(...lines.map((w) => {
    const p = document.createElement('p');
    p.textContent = w;
    return p;
  }));
  paras($('answer-conclusion'), r.words);
  paras($('answer-details'), r.details || []);
  fillTable($('answer-table'), r.table);
  $('answer-strip-wrap').hidden = !r.strip;
  if (r.strip) fillTable($('answer-strip'), r.strip);
}

/**
 * Runs the answer for the inputs (parts already run come from the studies' cache at once). Held over
 * the page's budget, it runs anyway only when the reader presses Run again (`pressed`): opening the
 * tab from a link runs it and opens its fold, whose toggle runs it again, which once ran it anyway.
 */
export async function runAnswer(pressed = false) {
  if (running) return;
  view ??= new StudyView('answer');
  const j = job();
  const key = JSON.stringify(j);
  const bar = $('answer-progress');
  const status = $('answer-status');
  const t0 = performance.now();
  window.__answerTiming = { first: null, done: null };
  window.__answerParts = { tasks: null, kept: 0 };
  // A new run never leaves the last run's word on screen ("done" would announce it finished at once).
  status.textContent = key === shown ? 'from the cache…' : 'starting…';
  running = true;
  $('answer-run').disabled = true;
  $('answer-cancel').disabled = false;
  view.clear();
  // Parts come seed by seed: redraw whenever every part of a seed is in (one redraw at a time).
  let showing = null;
  const perSeed = new Map();
  const have = new Map();
  let cached = true;
  const anyway = pressed && warned === key;
  warned = null;
  try {
    await runStudy('answer', j, (part, done, total) => {
      if (done === 1) bar.max = total;
      // The parts Rust keeps (tests/e2e/answer.test.mjs counts them against Rust's tasks).
      window.__answerParts.kept = view.add(part);
      bar.value = done;
      const seed = part.task.seed;
      have.set(seed, (have.get(seed) || 0) + 1);
      status.textContent = `${done} of ${total} runs`;
      if (done < total && !showing && have.get(seed) === (perSeed.get(seed) ?? Infinity)) {
        showing = show(j).then(() => { window.__answerTiming.first ??= performance.now() - t0; showing = null; });
      }
    }, (tasks) => {
      window.__answerParts.tasks = tasks.length;
      bar.max = tasks.length;
      bar.value = 0;
      for (const t of tasks) perSeed.set(t.task.seed, (perSeed.get(t.task.seed) || 0) + 1);
      cached = tasks.every((t) => t.cached);
    }, { anyway, what: 'this answer', again: 'press Run again', fields: { '--seeds': 'Seeds' } });
    await showing;
    await show(j);
    window.__answerTiming.first ??= performance.now() - t0;
    window.__answerTiming.done = performance.now() - t0;
    shown = key;
    status.textContent = cached ? 'done (cached)' : 'done';
    // An essay that embeds the answer reads its figures (see bridge.js).
    postDone({ answer: window.__answer });
  } catch (e) {
    if (e instanceof OverBudget) warned = key;
    status.textContent = e.message === 'cancelled' ? 'cancelled' : e instanceof OverBudget ? e.message : `The answer failed: ${e.message ?? e}`;
  } finally {
    running = false;
    $('answer-run').disabled = false;
    $('answer-cancel').disabled = true;
  }
}

/** Whether a run of the answer is going. */
export function answerRunning() { return running; }

export function cancelAnswer() {
  cancelStudy('answer');
}

/** Wires the section: presets, prices (with their cited defaults), run, cancel, the lesson link. */
export function setupAnswer(cat, state, dark) {
  isDark = dark;
  // The inputs' options, limits and values come from the link (app.js: bindPanels).
  const knob = (k) => cat.knobs.find((x) => x.key === k);
  $('answer-kwh-label').title = knob('price_kwh').help;
  $('answer-call-label').title = knob('complaint_cost').help;
  $('answer-prices').textContent = `Cells pay ${knob('price_kwh').label.toLowerCase()}: ${knob('price_kwh').help} ${knob('complaint_cost').label}: ${knob('complaint_cost').help} Ads earn the expected revenue of every shown ad (its true click probability times its cost per click).`;
  $('answer-run').addEventListener('click', () => runAnswer(true));
  $('answer-cancel').addEventListener('click', cancelAnswer);
  $('answer-view').addEventListener('change', draw);
  $('answer').addEventListener('toggle', () => { if ($('answer').open) { if (window.__answer) draw(); else runAnswer(); } });
  window.addEventListener('resize', draw);
  $('answer-link').addEventListener('click', (e) => {
    e.preventDefault();
    $('answer').open = true;
    $('answer').scrollIntoView();
  });
  if (state.tab === 'answer') {
    document.body.classList.toggle('answer-only', state.embed);
    $('answer').open = true;
    $('answer').scrollIntoView();
    runAnswer();
  }
}

export function redrawAnswer() { draw(); }
