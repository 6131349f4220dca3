// Replay your own data: a local click log (Vowpal Wabbit text) or per-cell load trace (CSV), streamed
// through the playground's learners in a Web Worker. Nothing is uploaded: the file is read in slices
// by the worker, on this machine.
import { ReplayView, catalogue, format_figure, replay_cost } from './pkg/rtml.js';
import { replayWorker, pageWords, outOfMemory } from './pool.js';
import { offerMap, setupTraceMap, redrawTraceMap } from './trace.js';

const $ = (id) => document.getElementById(id);
let worker = null;
let file = null;
let view = null;

// Table figures: 4 significant digits, by the page's one rule (Rust's fmt_figure).
const fmt = (v) => format_figure(v, 4);

/** The format and the same settings `rtml replay` takes, from the form. */
export function replayOptions() {
  const format = $('replay-format').value;
  const settings = [['name', file ? file.name : '']];
  const lanes = $('replay-lanes').value.trim();
  if (lanes) settings.push(['lanes', lanes]);
  if ($('replay-skip').checked) settings.push(['skip-bad', 'true']);
  const warmup = $('replay-warmup').value.trim();
  if (warmup) settings.push(['warmup', warmup]);
  if (format === 'vw') {
    settings.push(['bits', $('replay-bits').value || '18']);
    const ftrl = $('replay-ftrl').value.trim();
    if (ftrl) settings.push(['ftrl', ftrl]);
  } else {
    settings.push(['delimiter', $('replay-delimiter').value || ','], ['time-col', $('replay-time').value], ['cell-col', $('replay-cell').value], ['value-col', $('replay-value').value], ['scale', $('replay-scale').value.trim() || '1']);
  }
  return { format, keys: settings.map((s) => s[0]), values: settings.map((s) => s[1]) };
}

function setFormat() {
  const vw = $('replay-format').value === 'vw';
  for (const e of document.querySelectorAll('.replay-vw')) e.hidden = !vw;
  for (const e of document.querySelectorAll('.replay-csv')) e.hidden = vw;
}

function choose(f) {
  file = f;
  $('replay-name').textContent = f ? `${f.name} (${(f.size / 2 ** 20).toFixed(1)} MiB)` : 'no file chosen';
  $('replay-run').disabled = !f;
  if (f) {
    // A gzipped file is read as what it holds (the worker tells gzip by its first bytes).
    const lower = f.name.toLowerCase().replace(/\.gz$/, '');
    if (lower.endsWith('.csv')) $('replay-format').value = 'load-csv';
    else if (lower.endsWith('.vw') || lower.endsWith('.txt')) $('replay-format').value = 'vw';
    setFormat();
  }
}

/** The command line's flags as the form's fields, in the replay's messages (and the map's). */
const FIELDS = {
  '--lanes': 'Lanes', '--bits': 'Hash bits', '--warmup': 'Warm-up', '--ftrl': 'FTRL', '--delimiter': 'Delimiter',
  '--time-col': 'Time column', '--cell-col': 'Cell column', '--value-col': 'Value column', '--scale': 'Scale',
};
// The file and options of a replay held over the page's memory: the same again runs anyway.
let warned = null;

/**
 * What the file holds at its start, before the replay reads it: its first (decompressed) 64 KB and,
 * for a gzip file, the ratio of its first megabyte (decompressed bytes per compressed byte; at most
 * 256 MB decompressed are looked at, a bomb's ratio shows well before).
 */
async function sample(f) {
  const first = new Uint8Array(await f.slice(0, 1 << 20).arrayBuffer());
  if (!(first[0] === 0x1f && first[1] === 0x8b)) return { head: first.subarray(0, 1 << 16), ratio: undefined };
  const reader = new Blob([first]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const head = new Uint8Array(1 << 16);
  let out = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (out < head.length) head.set(value.subarray(0, head.length - out), out);
      out += value.length;
      if (out > 256 << 20) { reader.cancel(); break; }
    }
  } catch (_) { /* the slice ends inside the stream: what was decompressed is the sample */ }
  return { head: head.subarray(0, Math.min(out, head.length)), ratio: Math.max(1, out / first.length) };
}

/** Shows a message under the form (an error or a warning). */
function stop(text) {
  $('replay-error').textContent = text;
  $('replay-error').hidden = false;
  $('replay-status').textContent = 'not started';
  $('replay-run').disabled = !file;
  $('replay-cancel').disabled = true;
}

let vocab = null;
const vocabulary = () => (vocab ||= catalogue().vocabulary || {});

function results(report, dark) {
  const lanes = report.lanes || [];
  // With nothing scored, no columns of dashes: the lanes and their zero examples (the notice says why).
  const keys = lanes.some((l) => l.examples > 0) ? Object.keys(lanes[0].metrics) : [];
  const head = document.createElement('tr');
  // Column names and units from the one metric vocabulary (Rust's base::metrics), not raw keys.
  const vocab = vocabulary();
  const name = (k) => (vocab[k] ? vocab[k].label + (vocab[k].unit ? ` (${vocab[k].unit})` : '') : k);
  for (const h of ['Lane', ...keys.map(name), 'examples', 'examples/s']) {
    const th = document.createElement('th'); th.scope = 'col'; th.textContent = h; head.append(th);
  }
  keys.forEach((k, i) => { if (vocab[k]) head.children[i + 1].title = vocab[k].help; });
  $('replay-table').tHead.replaceChildren(head);
  $('replay-table').tBodies[0].replaceChildren(...lanes.map((l) => {
    const tr = document.createElement('tr');
    for (const v of [l.label, ...keys.map((k) => fmt(l.metrics[k])), fmt(l.examples), fmt(l.examples_per_sec)]) {
      const td = document.createElement('td'); td.textContent = v; tr.append(td);
    }
    return tr;
  }));
  draw(dark);
}

/**
 * The report's notices under the form: skipped lines, gaps, a warm-up scaled to a short file, or that
 * nothing was scored and which setting fixes it (named as the form's field).
 */
function notices(report) {
  const box = $('replay-notices');
  const list = (report.notices || []).map((n) => pageWords(n, FIELDS));
  box.replaceChildren(...list.map((n) => { const d = document.createElement('div'); d.textContent = n; return d; }));
  box.hidden = list.length === 0;
}

function draw(dark) {
  if (!view) return;
  const c = $('replay-chart');
  const dpr = Math.min(window.devicePixelRatio || 1, 3);
  const W = Math.round(c.clientWidth * dpr), H = Math.round(c.clientHeight * dpr);
  if (W === 0 || H === 0) return;
  if (c.width !== W || c.height !== H) { c.width = W; c.height = H; }
  view.draw(c, dpr, dark);
}

export function redrawReplay(dark) { draw(dark); redrawTraceMap(); }

function cancel() {
  if (worker) worker.terminate();
  worker = null;
  $('replay-status').textContent = 'cancelled';
  $('replay-cancel').disabled = true;
  $('replay-run').disabled = !file;
}

async function run(dark) {
  if (!file) return;
  if (worker) worker.terminate();
  offerMap(null, {});
  const options = replayOptions();
  $('replay-status').textContent = 'reading…';
  $('replay-error').hidden = true;
  $('replay-notices').hidden = true;
  $('replay-progress').value = 0;
  $('replay-run').disabled = true;
  $('replay-cancel').disabled = false;
  // Rust's estimate (as `rtml replay` checks it) before the file is read: its size, the gzip ratio
  // and line length of its start, the lanes and bits.
  let cost;
  try {
    const { head, ratio } = await sample(file);
    cost = replay_cost(options.format, options.keys, options.values, file.size, head, ratio);
  } catch (e) {
    stop(pageWords(e.message ?? e, FIELDS));
    return;
  }
  const key = JSON.stringify([file.name, file.size, file.lastModified, options]);
  if (cost.hard) {
    stop(pageWords(`Not started: too large for a browser tab: this replay: ${cost.over}. Lower those settings.`, FIELDS));
    return;
  }
  if (cost.hold && warned !== key) {
    warned = key;
    stop(pageWords(`Not started: this replay: ${cost.over}. ${cost.risk}: lower those settings, or press Replay again to run it anyway.`, FIELDS));
    return;
  }
  warned = null;
  const oom = (why) => pageWords(`The replay ran out of memory (${why}); it was estimated ${cost.text}, mostly ${cost.lower}: lower that.`, FIELDS);
  worker = replayWorker();
  worker.onmessage = (e) => {
    const m = e.data;
    if (m.error) {
      $('replay-error').textContent = outOfMemory(m.error) ? oom(m.error) : pageWords(m.error, FIELDS);
      $('replay-error').hidden = false;
      $('replay-status').textContent = 'stopped';
    } else if (m.done) {
      $('replay-progress').value = 1;
      const scored = (m.report.lanes || []).some((l) => l.examples > 0);
      $('replay-status').textContent = `${m.lines.toLocaleString('en')} lines, done${scored ? '' : ': nothing scored (see below)'}`;
      view ??= new ReplayView();
      view.set(m.part);
      window.__replay = m.report;
      results(m.report, dark);
      notices(m.report);
      if (scored) offerMap(file, options, FIELDS);
    } else {
      $('replay-progress').value = m.progress;
      $('replay-status').textContent = `${m.lines.toLocaleString('en')} lines`;
      return;
    }
    worker.terminate();
    worker = null;
    $('replay-cancel').disabled = true;
    $('replay-run').disabled = !file;
  };
  worker.onerror = (e) => {
    $('replay-error').textContent = outOfMemory(e.message) ? oom(e.message) : `The replay failed: ${e.message}`;
    $('replay-error').hidden = false;
    cancel();
  };
  worker.postMessage({ file, options });
}

export function setupReplay(getDark) {
  setupTraceMap(getDark);
  setFormat();
  $('replay-format').addEventListener('change', setFormat);
  $('replay-file').addEventListener('change', (e) => choose(e.target.files[0] || null));
  const zone = $('replay');
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('drop'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('drop'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('drop');
    if (e.dataTransfer.files.length) choose(e.dataTransfer.files[0]);
  });
  $('replay-run').addEventListener('click', () => run(getDark()));
  $('replay-cancel').addEventListener('click', cancel);
}
