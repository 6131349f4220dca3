// The what-if panel: each value of a sleep-policy knob as a simulator that is off predicts it and as
// the live network gives it. Seeds run in Web Workers (every slider step at once), so moving the
// simulator-error slider only re-summarises and redraws (in Rust).
import { StudyView } from './pkg/rtml.js';
import { runStudy, cancelStudy, fillTable, OverBudget } from './pool.js';

/** The command line's flags as the panel's fields, in its messages. */
const FIELDS = { '--seeds': 'Seeds', '--values': 'Values', '--refit': 'the refit' };
// The inputs of a run held over the page's memory: the same again runs anyway.
let warned = null;

const $ = (id) => document.getElementById(id);
let view = null;
let input = null;
let running = false;
let getDark = () => false;
let exampleValues = {};

function draw() {
  const c = $('whatif-chart');
  if (!view || !$('whatif').open) return;
  const dpr = Math.min(window.devicePixelRatio || 1, 3);
  const W = Math.round(c.clientWidth * dpr), H = Math.round(c.clientHeight * dpr);
  if (W === 0 || H === 0) return;
  if (c.width !== W || c.height !== H) { c.width = W; c.height = H; }
  view.draw(c, dpr, getDark(), '');
}

/** Re-reports at the slider's error (no new runs) and redraws. */
function show() {
  if (!view || !input) return;
  const r = view.report({ ...input, step: $('whatif-error').value, refit: $('whatif-refit').checked });
  $('whatif-error-out').textContent = r.json.error_label;
  window.__whatif = r.json;
  $('whatif-caption').textContent = r.words.join(' ');
  fillTable($('whatif-table'), r.table);
  draw();
}

/** Runs the panel's inputs; held over the page's budget, anyway only when the reader presses
 * Evaluate again (`pressed`), not when a link or another input runs it. */
async function run(pressed = false) {
  if (running) return;
  // The slider's step from the link, or (empty) the configuration's own simulator error.
  const own = $('whatif-error').dataset.own === '1';
  const job = { preset: $('whatif-preset').value, knob: $('whatif-knob').value, values: $('whatif-values').value, seeds: $('whatif-seeds').value, bias: $('whatif-bias').value, step: own ? null : $('whatif-error').value, refit: false };
  const key = JSON.stringify(job);
  const status = $('whatif-status');
  const bar = $('whatif-progress');
  running = true;
  $('whatif-run').disabled = true;
  $('whatif-cancel').disabled = false;
  status.textContent = 'starting…';
  bar.value = 0;
  view ??= new StudyView('whatif');
  try {
    view.clear();
    const anyway = pressed && warned === key;
    warned = null;
    await runStudy('whatif', job, (part, d, n) => { view.add(part); bar.value = d / n; status.textContent = `${d} of ${n} seeds`; }, () => {}, {
      anyway, what: 'this what-if evaluation', again: 'press Evaluate again', fields: FIELDS,
      onCost: (c) => { if (c.over) status.textContent = `starting (${c.text}: slow on a phone)…`; },
    });
    input = job;
    // The slider keeps the link's step; without one it starts at the configuration's own simulator
    // error (Rust's report says which).
    if (own) $('whatif-error').value = view.report(job).json.step;
    show();
    status.textContent = 'done';
  } catch (e) {
    if (e instanceof OverBudget) warned = key;
    status.textContent = e.message === 'cancelled' ? 'cancelled' : e instanceof OverBudget ? e.message : `The what-if evaluation failed: ${e.message ?? e}`;
  } finally {
    running = false;
    $('whatif-run').disabled = false;
    $('whatif-cancel').disabled = true;
  }
}

/** Runs the panel's inputs (a followed link's: app.js), whether it is running, and cancels it. */
export const runWhatif = () => run();
export function whatifRunning() { return running; }
export function cancelWhatif() { cancelStudy('whatif'); }

/** Wires the panel; `presets` is the catalogue's list, `tab` the page's tab (`whatif` opens and runs it). */
export function setupWhatif(dark, tab, values) {
  getDark = dark;
  exampleValues = values;
  // The inputs' options, limits and values come from the link (app.js: bindPanels); a new knob brings
  // its example values (committed to the link as if typed).
  $('whatif-knob').addEventListener('change', () => {
    $('whatif-values').value = exampleValues[$('whatif-knob').value] ?? exampleValues.threshold;
    $('whatif-values').dispatchEvent(new Event('change'));
  });
  $('whatif-run').addEventListener('click', () => run(true));
  $('whatif-cancel').addEventListener('click', cancelWhatif);
  $('whatif-error').addEventListener('input', show);
  $('whatif-refit').addEventListener('change', show);
  // The bias changes the simulator itself: its seeds run again.
  $('whatif-bias').addEventListener('change', () => run());
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
