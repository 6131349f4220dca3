// The freshness sweep on the page: the ads and the cells preset against the same values, run in the
// studies' workers (pool.js: progress, cancel, cache); table, words and chart by the same Rust code as
// `rtml sweep` (`study::studies::Sweep`).
import { StudyView } from './pkg/rtml.js';
import { runStudy, cancelStudy, fillTable, OverBudget } from './pool.js';

const $ = (id) => document.getElementById(id);
let view = null;
let running = false;
// The inputs of a run held over the page's memory: the same again runs anyway.
let warned = null;

function draw(dark) {
  const c = $('sweep-chart');
  const dpr = Math.min(window.devicePixelRatio || 1, 3);
  const W = Math.round(c.clientWidth * dpr), H = Math.round(c.clientHeight * dpr);
  if (W === 0 || H === 0) return;
  if (c.width !== W || c.height !== H) { c.width = W; c.height = H; }
  view.draw(c, dpr, dark, '');
}

/** The command line's flags as the panel's fields, in its messages. */
const SWEEP_FIELDS = { '--seeds': 'Seeds', '--values': 'Intervals', '--param': 'the swept knob' };

/** Runs the sweep described by the inputs, for the ads and the cells preset; held over the page's
 * budget, anyway only when the reader presses Run sweep again (`pressed`), not when a link runs it. */
export async function runSweep(dark, pressed = false) {
  if (running) return;
  view ??= new StudyView('sweep');
  const input = {
    worlds: [{ label: 'Ads', preset: $('sweep-ads').value }, { label: 'Cells', preset: $('sweep-cells').value }],
    param: 'every',
    values: $('sweep-values').value,
    seeds: $('sweep-seeds').value,
  };
  const key = JSON.stringify(input);
  const bar = $('sweep-progress');
  const status = $('sweep-status');
  running = true;
  $('sweep-run').disabled = true;
  $('sweep-cancel').disabled = false;
  status.textContent = 'starting…';
  bar.value = 0;
  try {
    view.clear();
    const anyway = pressed && warned === key;
    warned = null;
    await runStudy('sweep', input, (part, done, total) => {
      view.add(part);
      bar.value = done / total;
      status.textContent = `${done} of ${total} runs`;
    }, () => {}, {
      anyway, what: 'this sweep', again: 'press Run sweep again', fields: SWEEP_FIELDS,
      onCost: (c) => { if (c.over) status.textContent = `starting (${c.text}: slow on a phone)…`; },
    });
    const r = view.report(input);
    window.__sweep = r.json;
    draw(dark);
    fillTable($('sweep-table'), r.table);
    $('sweep-caption').textContent = r.words.join(' ');
    status.textContent = 'done';
  } catch (e) {
    if (e instanceof OverBudget) warned = key;
    status.textContent = e.message === 'cancelled' ? 'cancelled' : e instanceof OverBudget ? e.message : `The sweep failed: ${e.message ?? e}`;
  } finally {
    running = false;
    $('sweep-run').disabled = false;
    $('sweep-cancel').disabled = true;
  }
}

/** Whether a sweep is going. */
export function sweepRunning() { return running; }

export function cancelSweep() {
  cancelStudy('sweep');
}

export function redrawSweep(dark) {
  if (view && window.__sweep) draw(dark);
}
