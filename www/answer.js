// The answer on the page: the freshness map of ads and cells, run in Web Workers (each task: one world,
// one seed, a group of rows, many lanes over one pass of the world), progress and cancel, results cached
// per configuration; summary, JSON, conclusion and chart by the same Rust code as `rtml answer`.
import { postDone } from './bridge.js';
import { AnswerView, answer_tasks, format_figure } from './pkg/rtml.js';

const $ = (id) => document.getElementById(id);
const cache = new Map();
let view = null;
let workers = [];
let running = false;
let rejectRun = null;
let isDark = () => false;

const fmt = (v) => format_figure(v, 3);

function stopWorkers() {
  for (const w of workers) w.terminate();
  workers = [];
}

/** The configuration the inputs describe (the cache key). */
function job() {
  const sets = [`price_kwh=${$('answer-kwh').value}`, `price_gb=${$('answer-gb').value}`, ...$('answer-sets').value.split('&')]
    .map((s) => s.trim()).filter((s) => s).join('&');
  return {
    ads: $('answer-ads').value,
    cells: $('answer-cells').value,
    sets,
    seed: Math.max(0, Math.floor(Number($('answer-seed').value) || 0)),
    seeds: Math.min(20, Math.max(1, Math.floor(Number($('answer-seeds').value) || 1))),
  };
}

/** Runs the tasks in a pool of workers; `onPart(part, done)` as each comes in; resolves with the parts. */
function runPool(j, tasks, n, onPart) {
  return new Promise((resolve, reject) => {
    rejectRun = reject;
    stopWorkers();
    const parts = [];
    let next = 0;
    const give = (w) => {
      if (next >= tasks.length) return;
      const id = next++;
      w.postMessage({ id, job: j, task: tasks[id] });
    };
    for (let i = 0; i < Math.min(n, tasks.length); i++) {
      const w = new Worker(new URL('./answer-worker.js', import.meta.url), { type: 'module' });
      w.onmessage = (e) => {
        if (e.data.error) { stopWorkers(); reject(new Error(e.data.error)); return; }
        parts.push(e.data.part);
        onPart(parts);
        if (parts.length === tasks.length) { stopWorkers(); resolve(parts); } else give(w);
      };
      w.onerror = (e) => { stopWorkers(); reject(new Error(e.message || 'worker failed')); };
      workers.push(w);
      give(w);
    }
  });
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

function cellText(c) {
  return `${fmt(c.lost.mean)}`;
}

/** One row per scenario and cell: the loss, its interval, its share, the domain figures per day. */
function table(answer) {
  const head = $('answer-table').tHead;
  const body = $('answer-table').tBodies[0];
  head.replaceChildren();
  body.replaceChildren();
  const tr = document.createElement('tr');
  for (const h of ['Scenario', 'Predictions', 'Model', 'Value lost per day', '95% interval', 'Share of ML value', 'Domain figures per day']) {
    const th = document.createElement('th'); th.scope = 'col'; th.textContent = h; tr.append(th);
  }
  head.append(tr);
  const add = (cells) => {
    const row = document.createElement('tr');
    for (const t of cells) { const td = document.createElement('td'); td.textContent = t; row.append(td); }
    body.append(row);
  };
  for (const m of answer.maps) {
    if (!m.seeds) continue;
    const figs = (f) => (m.scenario === 'ads' ? `revenue ${fmt(f[0])} $, ${fmt(f[1])} clicks` : `${fmt(f[0])} kWh, ${fmt(f[1])} GB unserved`);
    add([m.scenario, 'no ML', m.scenario === 'ads' ? 'random ad' : 'always on', `${fmt(m.ml.mean)} ${m.unit} (ML system's value)`, `${fmt(m.ml.lo)} to ${fmt(m.ml.hi)}`, '', figs(m.baseline)]);
    m.cells.forEach((row, r) => row.forEach((c, k) => {
      const share = r === 0 && k === 0 ? 'reference' : c.share == null ? (c.lost.measurable ? '–' : 'no measurable difference') : `${format_figure(100 * c.share, 2)}%`;
      add([m.scenario, m.rows[r], m.cols[k], `${cellText(c)} ${m.unit}`, `${fmt(c.lost.lo)} to ${fmt(c.lost.hi)}`, share, figs(c.figures)]);
    }));
  }
}

const nextTask = () => new Promise((r) => setTimeout(r, 0));

/**
 * Summarises the parts kept so far (view.add) and shows them: a first map after the first seed, refined
 * after each. Three short tasks on the page's thread (summary, chart, then table and words), so the
 * page stays responsive while the workers run.
 */
async function show(j) {
  view.summarize(j);
  window.__answer = view.json();
  await nextTask();
  draw();
  await nextTask();
  const res = view.figures();
  window.__answerFull = res;
  $('answer-conclusion').textContent = res.conclusion;
  table(res);
}

/** Runs (or shows from the cache) the answer for the inputs. */
export async function runAnswer() {
  if (running) return;
  view ??= new AnswerView();
  const j = job();
  const key = JSON.stringify(j);
  const bar = $('answer-progress');
  const status = $('answer-status');
  const n = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2));
  const t0 = performance.now();
  // A new run never leaves the last run's word on screen ("done" would announce it finished at once).
  status.textContent = cache.has(key) ? 'from the cache…' : 'starting…';
  window.__answerTiming = { first: null, done: null };
  let tasks;
  try {
    tasks = answer_tasks(j, n);
  } catch (e) {
    status.textContent = `Not started: ${e}`;
    return;
  }
  bar.max = tasks.length;
  bar.value = 0;
  if (cache.has(key)) {
    view.clear();
    for (const p of cache.get(key)) view.add(p);
    await show(j);
    bar.value = tasks.length;
    status.textContent = 'done (cached)';
    postDone({ answer: window.__answer });
    window.__answerTiming = { first: 0, done: 0 };
    return;
  }
  running = true;
  $('answer-run').disabled = true;
  $('answer-cancel').disabled = false;
  // Tasks come seed by seed: redraw whenever every task of a seed is in (one redraw at a time).
  const perSeed = new Map();
  for (const t of tasks) perSeed.set(t.seed, (perSeed.get(t.seed) || 0) + 1);
  view.clear();
  let showing = null;
  try {
    const parts = await runPool(j, tasks, n, (ps) => {
      view.add(ps[ps.length - 1]);
      bar.value = ps.length;
      const last = ps[ps.length - 1].task.seed;
      const have = ps.filter((p) => p.task.seed === last).length;
      status.textContent = `${ps.length} of ${tasks.length} runs`;
      if (have === perSeed.get(last) && ps.length < tasks.length && !showing) {
        showing = show(j).then(() => {
          window.__answerTiming.first ??= performance.now() - t0;
          showing = null;
        });
      }
    });
    cache.set(key, parts);
    await showing;
    await show(j);
    window.__answerTiming.first ??= performance.now() - t0;
    bar.value = tasks.length;
    window.__answerTiming.done = performance.now() - t0;
    status.textContent = 'done';
    // An essay that embeds the answer reads its figures (see bridge.js).
    postDone({ answer: window.__answer });
  } catch (e) {
    status.textContent = e.message === 'cancelled' ? 'cancelled' : `The answer failed: ${e.message}`;
  } finally {
    running = false;
    $('answer-run').disabled = false;
    $('answer-cancel').disabled = true;
  }
}

export function cancelAnswer() {
  stopWorkers();
  if (rejectRun) rejectRun(new Error('cancelled'));
  rejectRun = null;
}

/** Wires the section: presets, prices (with their cited defaults), run, cancel, the lesson link. */
export function setupAnswer(cat, state, dark) {
  isDark = dark;
  const el = (v, t) => { const o = document.createElement('option'); o.value = v; o.textContent = t; return o; };
  for (const [id, scen, def] of [['answer-ads', 'ads', cat.answer.ads], ['answer-cells', 'cells', cat.answer.cells]]) {
    $(id).replaceChildren(...cat.presets.filter((p) => p.scenario === scen).map((p) => el(p.name, p.title)));
    $(id).value = def;
  }
  $('answer-seeds').value = cat.answer.seeds;
  const knob = (k) => cat.knobs.find((x) => x.key === k);
  $('answer-kwh').value = state.settings.price_kwh;
  $('answer-gb').value = state.settings.price_gb;
  $('answer-kwh-label').title = knob('price_kwh').help;
  $('answer-gb-label').title = knob('price_gb').help;
  $('answer-prices').textContent = `Cells pay ${knob('price_kwh').label.toLowerCase()}: ${knob('price_kwh').help} ${knob('price_gb').label}: ${knob('price_gb').help} Ads earn the cost per click of every clicked ad.`;
  $('answer-run').addEventListener('click', runAnswer);
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
