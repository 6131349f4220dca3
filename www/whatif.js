// The what-if panel: each value of a sleep-policy knob as a simulator that is off predicts it and as
// the live network gives it. Seeds run in Web Workers (every slider step at once), so moving the
// simulator-error slider only re-summarises and redraws (in Rust).
import { WhatIfView, whatif_seeds, whatif_values, format_figure } from './pkg/rtml.js';

const $ = (id) => document.getElementById(id);
const fmt = (v) => format_figure(v, 3);
let view = null;
let workers = [];
let cancel = null;
let getDark = () => false;

function stopWorkers() {
  for (const w of workers) w.terminate();
  workers = [];
}

/** Every seed's run, spread over a pool of workers; resolves with the runs in seed order. */
function runPool(job, seeds, onProgress) {
  return new Promise((resolve, reject) => {
    cancel = () => { stopWorkers(); reject(new Error('cancelled')); };
    stopWorkers();
    const n = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2, seeds.length));
    const runs = new Array(seeds.length);
    let next = 0;
    let done = 0;
    const give = (w) => { if (next < seeds.length) { const id = next++; w.postMessage({ id, ...job, seed: seeds[id] }); } };
    for (let i = 0; i < n; i++) {
      const w = new Worker(new URL('./whatif-worker.js', import.meta.url), { type: 'module' });
      w.onmessage = (e) => {
        if (e.data.error) { stopWorkers(); reject(new Error(e.data.error)); return; }
        runs[e.data.id] = e.data.run;
        onProgress(++done, seeds.length);
        if (done === seeds.length) { stopWorkers(); resolve(runs); } else give(w);
      };
      w.onerror = (e) => { stopWorkers(); reject(new Error(e.message || 'worker failed')); };
      workers.push(w);
      give(w);
    }
  });
}

function draw() {
  const c = $('whatif-chart');
  if (!view || !$('whatif').open) return;
  const dpr = Math.min(window.devicePixelRatio || 1, 3);
  const W = Math.round(c.clientWidth * dpr), H = Math.round(c.clientHeight * dpr);
  if (W === 0 || H === 0) return;
  if (c.width !== W || c.height !== H) { c.width = W; c.height = H; }
  view.draw(c, dpr, getDark(), Number($('whatif-error').value), $('whatif-refit').checked);
}

function sentence(s) {
  const err = `${Math.round(s.sim_error * 100)}%`;
  let t = `With the simulator's profiles ${err} off, it picks ${s.knob} ${s.sim_pick_label}; on the live network ${s.true_pick_label} is best`;
  t += s.regret > 0 ? `, so trusting the simulator costs ${fmt(s.regret)} a day (averaged over ${s.seeds} seeds).` : `: the picks agree (averaged over ${s.seeds} seeds).`;
  t += ` Each seed deciding alone, the simulator picks wrong on ${s.wrong_seeds} of ${s.seeds}, costing ${fmt(s.seed_regret.mean)} a day on average.`;
  for (const r of s.refit ?? []) {
    t += ` Refitted on ${r.observed} of live load: ${fmt(r.seed_regret.mean)} a day per seed (the wait cost ${fmt(r.seed_waiting_cost)}).`;
  }
  return t;
}

function table(s) {
  const head = $('whatif-table').tHead;
  const body = $('whatif-table').tBodies[0];
  const cols = [s.knob, 'Predicted money/day', 'Real money/day', 'Predicted energy saved', 'Real energy saved', 'Predicted unserved GB/day', 'Real unserved GB/day', ''];
  const tr = document.createElement('tr');
  for (const h of cols) { const th = document.createElement('th'); th.scope = 'col'; th.textContent = h; tr.append(th); }
  head.replaceChildren(tr);
  body.replaceChildren(...s.values.map((v, i) => {
    const p = s.predicted[i], r = s.real[i];
    const marks = [v === s.sim_pick ? "simulator's pick" : '', v === s.true_pick ? 'best' : ''].filter(Boolean).join(', ');
    const row = document.createElement('tr');
    for (const c of [s.labels[i], fmt(p.money_saved_day.mean), fmt(r.money_saved_day.mean), `${fmt(p.energy_saved_pct.mean)}%`, `${fmt(r.energy_saved_pct.mean)}%`,
      fmt(p.unserved_gb_day.mean), fmt(r.unserved_gb_day.mean), marks]) {
      const td = document.createElement('td'); td.textContent = c; row.append(td);
    }
    return row;
  }));
}

/** Re-summarises at the slider's error (no new runs) and redraws. */
function show() {
  if (!view) return;
  const step = Number($('whatif-error').value);
  $('whatif-error-out').textContent = `${step * 10}%`;
  const s = view.summarize(step, $('whatif-refit').checked);
  window.__whatif = s;
  $('whatif-caption').textContent = sentence(s);
  table(s);
  draw();
}

async function run() {
  if (cancel) return;
  const job = { hash: `preset=${$('whatif-preset').value}`, knob: $('whatif-knob').value, values: $('whatif-values').value, seeds: Number($('whatif-seeds').value) || 1 };
  const status = $('whatif-status');
  const bar = $('whatif-progress');
  $('whatif-run').disabled = true;
  $('whatif-cancel').disabled = false;
  status.textContent = '';
  bar.value = 0;
  try {
    const seeds = whatif_seeds(job.hash, job.knob, job.values, job.seeds);
    const runs = await runPool(job, seeds, (d, n) => { bar.value = d / n; status.textContent = `${d} of ${n} seeds`; });
    view?.free();
    view = new WhatIfView(job.hash, job.knob, job.values, job.seeds, runs);
    $('whatif-error').value = view.config_step();
    show();
    status.textContent = 'done';
  } catch (e) {
    status.textContent = e.message === 'cancelled' ? 'cancelled' : `The what-if evaluation failed: ${e.message ?? e}`;
  } finally {
    cancel = null;
    $('whatif-run').disabled = false;
    $('whatif-cancel').disabled = true;
  }
}

/** Wires the panel; `presets` is the catalogue's list, `tab` the page's tab (`whatif` opens and runs it). */
export function setupWhatif(dark, presets, tab) {
  getDark = dark;
  const sel = $('whatif-preset');
  sel.replaceChildren(...presets.filter((p) => p.scenario === 'cells').map((p) => new Option(p.title, p.name)));
  sel.value = 'cells-what-if';
  $('whatif-values').value = whatif_values('threshold');
  $('whatif-knob').addEventListener('change', () => { $('whatif-values').value = whatif_values($('whatif-knob').value); });
  $('whatif-run').addEventListener('click', run);
  $('whatif-cancel').addEventListener('click', () => cancel?.());
  $('whatif-error').addEventListener('input', show);
  $('whatif-refit').addEventListener('change', show);
  $('whatif').addEventListener('toggle', draw);
  new ResizeObserver(draw).observe($('whatif-chart'));
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', draw);
  if (tab === 'whatif') {
    $('whatif').open = true;
    $('whatif').scrollIntoView();
    // Embedded in an article's frame, the chart is what the reader came for.
    run().then(() => { if (document.body.classList.contains('embed')) $('whatif-chart').scrollIntoView(); });
  }
}
