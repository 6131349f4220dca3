// The spread across seeds in the main view: with N > 1 seeds, each seed is an independent run in a
// Web Worker; the chart becomes each lane's mean with a band (90% of seeds), the summary table shows
// each figure's mean and interval and in how many seeds each lane did better than lane A, and the
// caption's claims show how often they held. Aggregation and drawing are Rust's (`sim::seeds`), the
// same code as `rtml run --seeds N`.
import { SpreadView, seeds_for, format_figure } from './pkg/rtml.js';

const $ = (id) => document.getElementById(id);
const fmt = (v) => format_figure(v, 3);
const MAX_WORKERS = 4;
const CACHE_RUNS = 80;

const sp = {
  n: 1,
  view: null,
  gen: 0,
  // Runs by configuration and seed (switching 5 -> 10 seeds reuses the first five).
  cache: new Map(),
  pool: [],
  queue: [],
  total: 0,
  done: 0,
  started: 0,
  elapsedMs: 0,
  onUpdate: () => {},
};

/** True when the main view shows the spread of several seeds. */
export function seedsActive() {
  return sp.n > 1 && sp.view !== null;
}

function worker() {
  const w = new Worker(new URL('./seeds-worker.js', import.meta.url), { type: 'module' });
  w.busy = false;
  w.onmessage = (e) => finished(w, e.data);
  w.onerror = (e) => finished(w, { error: e.message || 'a seeds worker failed' });
  return w;
}

function finished(w, data) {
  w.busy = false;
  const task = w.task;
  w.task = null;
  if (!task || task.gen !== sp.gen) return next();
  if (data.error) {
    status(`A seed's run failed: ${data.error}`);
    return next();
  }
  remember(`${task.key}|${task.seed}`, data.run);
  add(data.run);
  next();
}

function remember(k, run) {
  sp.cache.set(k, run);
  while (sp.cache.size > CACHE_RUNS) sp.cache.delete(sp.cache.keys().next().value);
}

function add(run) {
  try {
    sp.view.add(run);
  } catch (err) {
    status(String(err));
    return;
  }
  sp.done++;
  if (sp.done === sp.total) sp.elapsedMs = performance.now() - sp.started;
  progress();
  sp.onUpdate();
}

function next() {
  for (const w of sp.pool) {
    if (w.busy || sp.queue.length === 0) continue;
    const task = sp.queue.shift();
    w.busy = true;
    w.task = task;
    w.postMessage({ id: task.seed, hash: task.hash, seed: task.seed });
  }
}

function status(text) {
  $('seeds-status').textContent = text;
}

function progress() {
  const p = $('seeds-progress');
  p.hidden = sp.n <= 1;
  p.value = sp.total ? sp.done / sp.total : 0;
  status(sp.n <= 1 ? '' : sp.done < sp.total ? `${sp.done} of ${sp.total} seeds` : `${sp.total} seeds (${seedsLabel()})`);
}

function seedsLabel() {
  const s = sp.view ? sp.view.spread().seeds : [];
  return s.length ? `${s[0]} to ${s[s.length - 1]}` : '';
}

/**
 * Starts (or restarts) the spread of the page's state: `hash` the page's hash, `key` what identifies
 * its configuration (the settings), `held` true when the page's cost check holds the run.
 */
export function restartSeeds(hash, key, held) {
  sp.gen++;
  // A worker still running an old seed is replaced rather than waited for.
  sp.pool = sp.pool.filter((w) => { if (w.busy) w.terminate(); return !w.busy; });
  sp.queue = [];
  sp.view?.free();
  sp.view = null;
  sp.total = sp.done = 0;
  if (sp.n <= 1 || held) {
    progress();
    return;
  }
  sp.view = new SpreadView(hash);
  const seeds = Array.from(seeds_for(hash, sp.n));
  sp.total = seeds.length;
  sp.started = performance.now();
  sp.elapsedMs = 0;
  for (const seed of seeds) {
    const run = sp.cache.get(`${key}|${seed}`);
    if (run) add(run);
    else sp.queue.push({ gen: sp.gen, key, hash, seed });
  }
  const want = Math.min(MAX_WORKERS, navigator.hardwareConcurrency || 2, sp.queue.length);
  while (sp.pool.length < want) sp.pool.push(worker());
  progress();
  next();
}

/** The metric or view changed: the same runs, drawn and summed anew. */
export function viewSeeds(hash) {
  sp.view?.view(hash);
}

export function drawSeeds(canvas, dpr, dark) {
  sp.view.draw(canvas, dpr, dark);
}

export function seedsHover(px) {
  return sp.view.hover(px);
}

/** The summary table with each figure's mean [interval] and the seeds in which each lane beat A. */
export function renderSeedsSummary(metrics, metricKey, el) {
  const s = sp.view.spread();
  const n = s.seeds.length;
  const m = metrics.find((x) => x.key === metricKey);
  const wins = s.comparable && m ? [el('th', { scope: 'col', title: `Seeds in which the lane did better than lane A on ${m.label}`, text: `Better than A (${m.label})` })] : [];
  const head = el('tr', {}, el('th', { scope: 'col', text: `Lane (mean of ${n} seeds [90% interval])` }), ...wins, ...metrics.map((x) => el('th', { scope: 'col', title: x.help, text: x.label + (x.unit ? ` (${x.unit})` : '') })));
  $('summary').tHead.replaceChildren(head);
  const body = s.lanes.map((lane, i) => {
    const name = el('th', { scope: 'row', title: lane.description });
    name.append(el('span', { class: 'swatch', 'aria-hidden': 'true' }), `${lane.label}: ${lane.description}`);
    name.firstChild.style.background = ['#0072b2', '#d55e00', '#009e73', '#cc79a7'][i];
    const tr = el('tr', {}, name);
    const pair = s.pairs.find((p) => p.lanes[0] === 'A' && p.lanes[1] === lane.label);
    if (wins.length) tr.append(el('td', { class: 'wins', 'data-lane': lane.label, text: pair ? `${pair.better[1]} of ${n}` : '—' }));
    for (const x of metrics) {
      const f = lane.summary[x.key] || {};
      const td = el('td', { text: fmt(f.mean) });
      if (f.lo !== null && f.lo !== undefined) td.append(el('span', { class: 'interval', text: ` [${fmt(f.lo)}, ${fmt(f.hi)}]` }));
      if (x.key === metricKey) td.classList.add('current');
      tr.append(td);
    }
    return tr;
  });
  $('summary').tBodies[0].replaceChildren(...body);
  const list = $('claims');
  list.replaceChildren(...s.claims.map((c) => el('li', { class: c.held === c.of ? 'held' : c.held * 10 >= c.of * 9 ? 'held' : 'weak', text: `held in ${c.held} of ${c.of} seeds: ${c.claim}` })));
  list.hidden = s.claims.length === 0;
}

/** The seeds control: a change re-runs (`restart`), each run that arrives redraws (`render`). */
export function setupSeeds({ restart, render }) {
  const sel = $('seeds');
  sel.addEventListener('change', () => {
    sp.n = Number(sel.value) || 1;
    $('claims').hidden = true;
    restart();
    render();
  });
  sp.onUpdate = render;
}

// For tests and the benchmark: progress and timing of the current spread.
window.__seeds = () => ({ n: sp.n, done: sp.done, total: sp.total, elapsedMs: sp.elapsedMs, spread: sp.view ? sp.view.spread() : null });
