// The freshness map of the replayed file (`rtml answer --trace`): the same study, its rows run in the
// studies' workers by `runStudy`, reported and drawn by the same Rust code as the answer's map. The
// file's text is read here and goes to the workers only: nothing leaves the page.
import { StudyView } from './pkg/rtml.js';
import { runStudy, cancelStudy, fillTable, OverBudget, pageWords } from './pool.js';

const $ = (id) => document.getElementById(id);
// The most text the page reads into memory for the map (a larger file: the command line).
const MOST = 256 << 20;
let view = null;
let source = null;
let running = false;
let isDark = () => false;
let warned = null;
/** The map's inputs, as the command line's flags name them in Rust's messages. */
const MAP_FIELDS = { '--refresh': 'Inputs', '--every': 'Model', '--groups': 'Coverage groups', '--set': 'Network' };

/** The file's text (gzip decompressed by the browser), at most MOST bytes. */
async function text(file) {
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const stream = gzip ? file.stream().pipeThrough(new DecompressionStream('gzip')) : file.stream();
  const reader = stream.getReader();
  const chunks = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > MOST) {
      reader.cancel();
      throw new OverBudget(`Not started: the map reads the file into the page, at most ${MOST >> 20} MB, and this one holds more${gzip ? ' decompressed' : ''}: run rtml answer --trace on it instead.`);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(await new Blob(chunks).arrayBuffer());
}

function draw() {
  if (!view || !window.__trace) return;
  const c = $('trace-chart');
  c.hidden = false;
  const dpr = Math.min(window.devicePixelRatio || 1, 3);
  const W = Math.round(c.clientWidth * dpr), H = Math.round(c.clientHeight * dpr);
  if (W === 0 || H === 0) return;
  if (c.width !== W || c.height !== H) { c.width = W; c.height = H; }
  view.draw(c, dpr, isDark(), 'map');
}

function show(job) {
  const r = view.report(job);
  window.__trace = r.json;
  // With money the chart holds two maps (forecast error, money): twice the height.
  $('trace-chart').classList.toggle('money', !!r.json?.scenarios?.[0]?.money);
  draw();
  $('trace-words').textContent = pageWords(r.words.join(' '), source?.fields);
  fillTable($('trace-table'), r.table);
}

/** After a replay: offers the map of that file (load traces only), forgetting the last map. The
 * replay form's `fields` name the command line's flags in messages, beside the map's own inputs. */
export function offerMap(file, options, fields = {}) {
  cancelStudy('trace');
  source = options.format ? { file, options, fields: { ...fields, ...MAP_FIELDS } } : null;
  $('trace').hidden = !source;
  // A click log has one row and columns in examples (Rust's defaults): the load trace's inputs hide.
  for (const id of ['trace-refresh', 'trace-every', 'trace-groups', 'trace-sets']) $(id).parentElement.hidden = options.format === 'vw';
  $('trace-chart').hidden = true;
  $('trace-words').textContent = '';
  $('trace-status').textContent = '';
  $('trace-table').tHead.replaceChildren();
  $('trace-table').tBodies[0].replaceChildren();
  window.__trace = null;
}

async function run() {
  if (running || !source) return;
  running = true;
  $('trace-run').disabled = true;
  $('trace-cancel').disabled = false;
  const status = $('trace-status');
  const bar = $('trace-progress');
  status.textContent = 'reading the file…';
  const t0 = performance.now();
  window.__traceTiming = null;
  try {
    const { options } = source;
    const clicks = options.format === 'vw';
    const load = (id) => clicks ? '' : $(id).value;
    const job = { ...options, refresh: load('trace-refresh'), every: load('trace-every'), groups: load('trace-groups'), sets: load('trace-sets'), text: await text(source.file) };
    const key = JSON.stringify([source.file.name, source.file.size, source.file.lastModified, options, job.refresh, job.every, job.groups, job.sets]);
    view ??= new StudyView('trace');
    view.clear();
    const anyway = warned === key;
    warned = null;
    try {
      await runStudy('trace', job, (part, done, total) => {
        view.add(part);
        bar.max = total;
        bar.value = done;
        status.textContent = `${done} of ${total} rows`;
        if (done < total) show(job);
      }, (tasks) => { bar.max = tasks.length; bar.value = 0; status.textContent = `0 of ${tasks.length} rows`; },
      { anyway, what: 'this map', again: 'press the button again', fields: source.fields });
    } catch (e) {
      if (e instanceof OverBudget) warned = key;
      throw e;
    }
    show(job);
    window.__traceTiming = performance.now() - t0;
    status.textContent = 'done';
  } catch (e) {
    status.textContent = e.message === 'cancelled' ? 'cancelled' : e instanceof OverBudget ? e.message : `The map failed: ${pageWords(e.message ?? e, source?.fields)}`;
  } finally {
    running = false;
    $('trace-run').disabled = false;
    $('trace-cancel').disabled = true;
  }
}

export function setupTraceMap(dark) {
  isDark = dark;
  $('trace-run').addEventListener('click', run);
  $('trace-cancel').addEventListener('click', () => cancelStudy('trace'));
  window.addEventListener('resize', draw);
}

export function redrawTraceMap() { draw(); }
