// The freshness sweep on the page: the ads and the cells preset against the same values, run in the
// studies' workers (pool.js: progress, cancel, cache); table, words and chart by the same Rust code as
// `rtml sweep` (`study::studies::Sweep`).
import { StudyView } from './pkg/rtml.js';
import { runStudy, cancelStudy, fillTable } from './pool.js';

const $ = (id) => document.getElementById(id);
let view = null;
let running = false;

function draw(dark) {
  const c = $('sweep-chart');
  const dpr = Math.min(window.devicePixelRatio || 1, 3);
  const W = Math.round(c.clientWidth * dpr), H = Math.round(c.clientHeight * dpr);
  if (W === 0 || H === 0) return;
  if (c.width !== W || c.height !== H) { c.width = W; c.height = H; }
  view.draw(c, dpr, dark, '');
}

/** Runs the sweep described by the inputs, for the ads and the cells preset. */
export async function runSweep(dark) {
  if (running) return;
  view ??= new StudyView('sweep');
  const input = {
    worlds: [{ label: 'Ads', preset: $('sweep-ads').value }, { label: 'Cells', preset: $('sweep-cells').value }],
    param: 'every',
    values: $('sweep-values').value,
    seeds: $('sweep-seeds').value,
  };
  const bar = $('sweep-progress');
  const status = $('sweep-status');
  running = true;
  $('sweep-run').disabled = true;
  $('sweep-cancel').disabled = false;
  status.textContent = 'starting…';
  bar.value = 0;
  try {
    view.clear();
    await runStudy('sweep', input, (part, done, total) => {
      view.add(part);
      bar.value = done / total;
      status.textContent = `${done} of ${total} runs`;
    });
    const r = view.report(input);
    window.__sweep = r.json;
    draw(dark);
    fillTable($('sweep-table'), r.table);
    $('sweep-caption').textContent = r.words.join(' ');
    status.textContent = 'done';
  } catch (e) {
    status.textContent = e.message === 'cancelled' ? 'cancelled' : `The sweep failed: ${e.message ?? e}`;
  } finally {
    running = false;
    $('sweep-run').disabled = false;
    $('sweep-cancel').disabled = true;
  }
}

export function cancelSweep() {
  cancelStudy('sweep');
}

export function redrawSweep(dark) {
  if (view && window.__sweep) draw(dark);
}
