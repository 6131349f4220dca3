// The freshness sweep on the page: runs spread over Web Workers, progress and cancel, results cached
// per configuration, summaries and chart computed by the same Rust code as `rtml sweep`.
import { SweepView, sweep_tasks, catalogue, format_figure } from './pkg/rtml.js';

const $ = (id) => document.getElementById(id);
const cache = new Map();
let view = null;
let workers = [];
let running = null;
let rejectRun = null;

// Table figures: 3 significant digits, by the page's one rule (Rust's fmt_figure).
const fmt = (v) => format_figure(v, 3);

function stopWorkers() {
  for (const w of workers) w.terminate();
  workers = [];
}

/** Runs every task of one sweep in a pool of workers; resolves with the runs. */
function runPool(job, tasks, onProgress) {
  return new Promise((resolve, reject) => {
    rejectRun = reject;
    const n = Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2)));
    stopWorkers();
    const runs = [];
    let next = 0;
    let done = 0;
    const give = (w) => {
      if (next >= tasks.length) return;
      const id = next++;
      w.postMessage({ id, ...job, point: tasks[id].point, seed: tasks[id].seed });
    };
    for (let i = 0; i < Math.min(n, tasks.length); i++) {
      const w = new Worker(new URL('./sweep-worker.js', import.meta.url), { type: 'module' });
      w.onmessage = (e) => {
        if (e.data.error) {
          stopWorkers();
          reject(new Error(e.data.error));
          return;
        }
        runs.push(e.data.run);
        done++;
        onProgress(done, tasks.length);
        if (done === tasks.length) {
          stopWorkers();
          resolve(runs);
        } else give(w);
      };
      w.onerror = (e) => { stopWorkers(); reject(new Error(e.message || 'worker failed')); };
      workers.push(w);
      give(w);
    }
  });
}

function draw(dark) {
  const c = $('sweep-chart');
  const dpr = Math.min(window.devicePixelRatio || 1, 3);
  const W = Math.round(c.clientWidth * dpr), H = Math.round(c.clientHeight * dpr);
  if (W === 0 || H === 0) return;
  if (c.width !== W || c.height !== H) { c.width = W; c.height = H; }
  view.draw(c, dpr, dark);
}

// Names and units from the one metric vocabulary (Rust's base::metrics), not raw keys.
let vocab = null;
const info = (k) => (vocab ||= catalogue().vocabulary || {})[k] || { label: k, unit: '' };
const withUnit = (k, v) => { const m = info(k); return `${m.label} ${fmt(v)}${m.unit ? ` ${m.unit}` : ''}`; };

function table(results) {
  const head = $('sweep-table').tHead;
  const body = $('sweep-table').tBodies[0];
  const cols = [['label', 'Point'], ['share', 'Gap kept'], ['mean', 'Outcome'], ['cost', 'Training updates'], ['retrains', 'Retrains']];
  head.replaceChildren();
  body.replaceChildren();
  const tr = document.createElement('tr');
  for (const h of ['Scenario', ...cols.map((c) => c[1]), 'Absolute figures']) {
    const th = document.createElement('th'); th.scope = 'col'; th.textContent = h; tr.append(th);
  }
  head.append(tr);
  for (const r of results) {
    const abs = r.scenario === 'ads' ? ['clicks', 'revenue'] : ['energy_kwh', 'unserved'];
    for (const p of r.points) {
      const row = document.createElement('tr');
      const cells = [r.label, p.label, Number.isFinite(p.share) ? `${(p.share * 100).toFixed(1)}%` : '–', withUnit(r.metric, p.mean), fmt(p.cost), fmt(p.retrains),
        abs.map((k) => withUnit(k, p.metrics[k])).join(', ')];
      for (const c of cells) { const td = document.createElement('td'); td.textContent = c; row.append(td); }
      body.append(row);
    }
  }
}

function caption(results) {
  const parts = results.map((r) => `${r.label} lose ${(r.value_loss_per_hour * 100).toFixed(3)}% of their ${info(r.metric).label.toLowerCase()} per hour of staleness (${(r.loss_per_hour * 100).toFixed(1)}% of the frozen-to-continual gap)`);
  return `Measured in this run, over ${results[0]?.seeds ?? 0} seeds: ${parts.join('; ')}.`;
}

/** Runs the sweep described by the inputs, for the ads and the cells preset. */
export async function runSweep(dark) {
  if (running) return;
  view ??= new SweepView();
  const values = $('sweep-values').value;
  const seeds = Number($('sweep-seeds').value) || 1;
  const jobs = [
    { label: 'Ads', hash: `preset=${$('sweep-ads').value}`, param: 'every', values, seeds },
    { label: 'Cells', hash: `preset=${$('sweep-cells').value}`, param: 'every', values, seeds },
  ];
  const bar = $('sweep-progress');
  const status = $('sweep-status');
  running = true;
  $('sweep-run').disabled = true;
  $('sweep-cancel').disabled = false;
  status.textContent = '';
  try {
    let total = 0;
    const plans = jobs.map((j) => {
      const tasks = sweep_tasks(j.hash, j.param, j.values, j.seeds);
      total += tasks.length;
      return { j, tasks };
    });
    let before = 0;
    const results = [];
    view.clear();
    for (const { j, tasks } of plans) {
      const key = JSON.stringify(j);
      let runs = cache.get(key);
      if (!runs) {
        runs = await runPool(j, tasks, (d) => { bar.value = (before + d) / total; status.textContent = `${before + d} of ${total} runs`; });
        cache.set(key, runs);
      }
      before += tasks.length;
      bar.value = before / total;
      const res = view.add(j.label, j.hash, j.param, j.values, j.seeds, runs);
      res.label = j.label;
      results.push(res);
    }
    window.__sweep = results;
    draw(dark);
    table(results);
    $('sweep-caption').textContent = caption(results);
    status.textContent = 'done';
  } catch (e) {
    status.textContent = e.message === 'cancelled' ? 'cancelled' : `The sweep failed: ${e.message}`;
  } finally {
    running = null;
    $('sweep-run').disabled = false;
    $('sweep-cancel').disabled = true;
  }
}

export function cancelSweep() {
  stopWorkers();
  if (rejectRun) rejectRun(new Error('cancelled'));
  rejectRun = null;
}

export function redrawSweep(dark) {
  if (view && window.__sweep) draw(dark);
}
