// The spread across seeds in the main view: with N > 1 seeds, each seed is an independent run in a
// Web Worker; the chart becomes each lane's mean with a band (90% of seeds), the summary table shows
// each figure's mean and interval and in how many seeds each lane did better than lane A, and the
// caption's claims show how often they held. Aggregation and drawing are Rust's (`sim::seeds`), the
// same code as `rtml run --seeds N`.
import { StudyView, format_figure } from './pkg/rtml.js';
import { runStudy, cancelStudy, Cancelled, OverBudget } from './pool.js';

const $ = (id) => document.getElementById(id);
const fmt = (v) => format_figure(v, 3);

const sp = {
  n: 1,
  view: null,
  input: null,
  report: null,
  total: 0,
  done: 0,
  started: 0,
  elapsedMs: 0,
  onUpdate: () => {},
};

/** True when the main view shows the spread of several seeds. */
export function spreadActive() {
  return sp.n > 1 && sp.view !== null && sp.report !== null;
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
  const s = sp.report ? sp.report.json.seeds : [];
  return s.length ? `${s[0]} to ${s[s.length - 1]}` : '';
}

/**
 * Starts (or restarts) the spread of the page's state: `hash` the page's hash, `held` true when the
 * page's cost check holds the run. Seeds already run for the same configuration come from the studies'
 * cache (pool.js); a seed still running for an older configuration is cancelled.
 */
export function restartSpread(hash, _key, held) {
  // How many: the seeds control (its value comes from the link, see app.js bindPanels).
  sp.n = Number($('seeds').value) || 1;
  cancelStudy('spread');
  sp.view?.free();
  sp.view = null;
  sp.report = null;
  sp.total = sp.done = 0;
  if (sp.n <= 1 || held) {
    progress();
    return;
  }
  const view = new StudyView('spread');
  sp.view = view;
  sp.input = { hash, seeds: sp.n };
  sp.started = performance.now();
  sp.elapsedMs = 0;
  try {
    runStudy('spread', sp.input, (part, done, total) => {
      if (sp.view !== view) return;
      view.add(part);
      sp.done = done;
      sp.report = view.report(sp.input);
      if (done === total) sp.elapsedMs = performance.now() - sp.started;
      progress();
      sp.onUpdate();
    }, (tasks) => { sp.total = tasks.length; }, { what: `${sp.n} seeds of this run`, fields: { '--seeds': 'Seeds' } }).catch((e) => { if (!(e instanceof Cancelled)) status(`A seed's run failed: ${e.message ?? e}`); });
  } catch (e) {
    sp.view = null;
    view.free();
    status(e instanceof OverBudget ? e.message : `Not started: ${e.message ?? e}`);
    return;
  }
  progress();
}

/** The metric or view changed: the same runs, drawn and summed anew. */
export function viewSpread(hash) {
  if (!sp.view || !sp.report) return;
  sp.input = { ...sp.input, hash };
  sp.report = sp.view.report(sp.input);
}

export function drawSpread(canvas, dpr, dark) {
  sp.view.draw(canvas, dpr, dark, '');
}

export function spreadHover(px) {
  return sp.view.hover(px);
}

/** The summary table with each figure's mean [interval] and the seeds in which each lane beat A. */
export function renderSpreadSummary(metrics, metricKey, el) {
  const s = sp.report.json;
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
  // The claims' sentences and whether each held as often as captions promise: Rust's (`claims::held_enough`).
  const { words, marks } = sp.report;
  const claims = words.filter((_, i) => marks[i] !== null && marks[i] !== undefined);
  list.replaceChildren(...claims.map((w) => el('li', { class: marks[words.indexOf(w)] ? 'held' : 'weak', text: w })));
  list.hidden = claims.length === 0;
}

/** The seeds control: a change re-runs (`restart`), each run that arrives redraws (`render`). */
export function setupSpread({ restart, render }) {
  const sel = $('seeds');
  sel.addEventListener('change', () => {
    $('claims').hidden = true;
    restart();
    render();
  });
  sp.onUpdate = render;
  // A link with several seeds opens on their spread.
  if (Number(sel.value) > 1) restart();
}

// For tests and the benchmark: progress and timing of the current spread.
window.__spread = () => ({ n: sp.n, done: sp.done, total: sp.total, elapsedMs: sp.elapsedMs, spread: sp.report ? sp.report.json : null });
