// The playground page: plain DOM over the wasm engine. Page state lives in one object (`ui`); the
// simulation state lives in Rust behind the `Playground` handle. URL values are only ever inserted as
// text (textContent, value), never as HTML.
import init, { Playground, catalogue, format_duration, format_figure } from './pkg/rtml.js';
import { runSweep, cancelSweep, redrawSweep, sweepRunning } from './sweep.js';
import { setupAnswer, redrawAnswer, runAnswer, cancelAnswer, answerRunning } from './answer.js';
import { setupWhatif, runWhatif, cancelWhatif, whatifRunning } from './whatif.js';
import { setupReplay, redrawReplay } from './replay.js';
import { setupBridge } from './bridge.js';
import { worldControls, laneControls } from './controls.js';
import { lanes, Cancelled } from './pool.js';
import { renderPipeline } from './pipeline.js';
import { setupInside, drawInside, followBucket, resetInside, insideArrays } from './inside.js';
import { setupSpread, spreadActive, restartSpread, viewSpread, drawSpread, spreadHover, renderSpreadSummary } from './spread.js';

const $ = (id) => document.getElementById(id);
const FRAME_BUDGET_MS = 12;
// A frame whose script ran longer than this is followed, for a second, by frames that either run or draw.
const SPLIT_FRAME_MS = 25;

const ui = {
  pg: null,
  cat: null,
  state: null,
  playing: false,
  // Finishing the run in slices after a knob change while paused.
  finishing: false,
  warned: false,
  // The settings are over the page's time or memory budget: nothing runs until confirmed.
  held: false,
  dirty: true,
  lastFrame: 0,
  dark: matchMedia('(prefers-color-scheme: dark)').matches,
  hashWritten: '',
  longestTaskMs: 0,
  // Tells an embedding essay when the run is complete (see bridge.js).
  bridge: () => {},
  // Folds (<details>) the reader opened, kept across rebuilds of the controls.
  open: new Set(),
  // An ads run's lanes in Web Workers after a change: its generation, and when the change came.
  parallel: 0,
  gen: 0,
  changedAt: 0,
  // Milliseconds from the last change to its final chart (what the reader waited).
  lastWaitMs: null,
  // The chart is on screen (set by an IntersectionObserver, which reports right after the first frame).
  chartSeen: false,
  // The last frame's script (ms; the first frames after load count as long) and when a frame was
  // last long (see `frame`).
  frameMs: Infinity,
  longAt: -Infinity,
  ranLast: false,
  // A playing run's time not yet simulated (ms of the clock), from frames that only drew.
  owedMs: 0,
  // The chart was drawn, its tables not yet (a split frame).
  tablesDue: false,
  // When the chart was last drawn with the run's final numbers (0: partial ones).
  finalDrawnAt: 0,
};

// Lanes of an ads run are simulated side by side in workers, each rebuilding the same world (common
// random numbers: the numbers are those of one run of all lanes).
const lanePool = lanes;

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else if (k in e && typeof v !== 'string') e[k] = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function notify(messages) {
  const box = $('notices');
  box.replaceChildren(...messages.map((m) => el('p', { text: m })));
  box.hidden = messages.length === 0;
}

// Table figures: 3 significant digits, by the page's one rule (Rust's fmt_figure).
const fmt = (v) => format_figure(v, 3);

// ---- state <-> URL ----------------------------------------------------------------------------

function writeHash(push) {
  const h = '#' + ui.pg.hash();
  if (h === location.hash || h === ui.hashWritten) return;
  ui.hashWritten = h;
  if (push) history.pushState(null, '', h);
  else history.replaceState(null, '', h);
}

/**
 * The study panels' inputs (`data-panel` in index.html) live in the link like the knobs: options,
 * limits and values from Rust's table (`view::panels`), each change checked by Rust and written to
 * the link (a refused value gets a notice and the input its last good value).
 */
function bindPanels() {
  ui.panelShows = [];
  const table = new Map(ui.cat.panels.map((k) => [k.key, k]));
  for (const input of document.querySelectorAll('[data-panel]')) {
    const k = table.get(input.dataset.panel);
    if (!k) continue;
    const a = k;
    if (a.kind === 'preset') input.replaceChildren(...ui.cat.presets.filter((p) => p.scenario === a.scenario).map((p) => el('option', { value: p.name, text: p.title })));
    if (a.kind === 'count' || a.kind === 'number') Object.assign(input, { min: a.min, max: a.max, step: a.step ?? 1 });
    if (a.kind === 'step') Object.assign(input, { min: 0, max: a.max, step: 1 });
    const show = () => {
      const v = ui.state.panels[k.key];
      if (input.type === 'checkbox') input.checked = v === '1';
      else if (a.kind === 'step') { input.dataset.own = v === '' ? '1' : '0'; if (v !== '') input.value = v; }
      else input.value = v;
    };
    show();
    ui.panelShows.push(show);
    input.addEventListener('change', () => {
      const err = ui.pg.set(k.key, input.type === 'checkbox' ? (input.checked ? '1' : '0') : input.value);
      if (err) notify([err]);
      ui.state = ui.pg.state();
      show();
      writeHash(false);
    });
  }
}

function change(key, value, push = true) {
  ui.changedAt = performance.now();
  const err = ui.pg.set(key, String(value));
  if (err) {
    notify([err]);
    render();
    return false;
  }
  notify([]);
  writeHash(push);
  restart();
  return true;
}

// The estimate next to the knobs; over budget, a warning instead of a run.
function showCost() {
  const c = ui.pg.cost();
  ui.held = Boolean(c.held);
  $('cost').textContent = c.text;
  $('cost-warning').hidden = !ui.held;
  $('run-anyway').hidden = c.hard;
  $('cost-why').textContent = !ui.held ? '' : c.hard
    ? `Not started: too large for a browser tab. This run is ${c.held}. Lower those settings.`
    : `Not started: this run is ${c.held}. On a phone it may freeze or close the tab.`;
}

function restart() {
  ui.warned = false;
  resetInside();
  ui.state = ui.pg.state();
  showCost();
  buildControls();
  restartSpread(ui.pg.hash(), ui.pg.settings_json(), ui.held);
  ui.dirty = true;
  // A knob change re-runs at once: keep animating if playing, otherwise run to the end (an ads run's
  // lanes in workers, anything else in frame-sized slices).
  cancelParallel();
  if (!ui.playing) runToEnd();
  showProgress();
}

// The progress bar follows a restarted run at once, not at the next (throttled) redraw: a bar still full
// from the run before would announce as final a run whose parts are still coming in.
function showProgress() {
  $('progress').value = ui.pg.progress();
}

// Stops a run in workers; an assembled (adopted) run is replaced by a fresh one that this thread can step.
function cancelParallel() {
  if (ui.parallel) lanePool.cancel();
  ui.parallel = 0;
  if (ui.adopted) ui.pg.reset();
  ui.adopted = false;
}

// Runs the whole horizon now: in workers when Rust says the lanes split (an ads run), else here in slices.
function runToEnd() {
  // Already under way in workers, or already at the end: nothing to start again.
  if (ui.parallel || ui.pg.done()) return;
  cancelParallel();
  const plan = ui.pg.parallel_plan(lanePool.size);
  if (!plan.length) {
    ui.finishing = true;
    return;
  }
  ui.finishing = false;
  showProgress();
  const gen = ++ui.gen;
  ui.parallel = gen;
  const hash = ui.pg.hash();
  const parts = new Array(plan.length);
  let left = plan.length;
  // Partial parts are shown once every part has reported (a lane never shows as empty).
  const show = () => {
    if (ui.parallel !== gen || parts.filter(Boolean).length < plan.length) return;
    // Flattened for Rust: one entry per lane (typed arrays, no JSON on the way in).
    const lanes = [], clocks = [], done = [], sums = [], marks = [], counts = [];
    for (const p of parts) {
      p.lanes.forEach((l, i) => {
        lanes.push(l); clocks.push(p.clock); done.push(p.done ? 1 : 0);
        sums.push(...p.sums[i]); marks.push(...p.marks[i]); counts.push(p.marks[i].length);
      });
    }
    const inside = insideArrays(parts);
    if (!ui.pg.adopt(Uint32Array.from(lanes), Float64Array.from(clocks), Uint8Array.from(done), Float64Array.from(sums), Float64Array.from(marks), Uint32Array.from(counts), inside.world, inside.lanes)) {
      throw new Error('a worker sent a malformed part');
    }
    ui.adopted = true;
    ui.dirty = true;
    if (!ui.pg.done() && window.__rtml?.onPartial) window.__rtml.onPartial();
  };
  plan.forEach((lanes, i) => {
    lanePool.run({ hash, lanes }, (p) => { parts[i] = p; show(); })
      .then((p) => {
        parts[i] = p;
        show();
        if (--left === 0 && ui.parallel === gen) ui.parallel = 0;
      })
      .catch((e) => {
        if (e instanceof Cancelled || ui.parallel !== gen) return;
        // Workers failed (e.g. not allowed here): run on this thread instead.
        ui.parallel = 0;
        ui.pg.reset();
        ui.finishing = true;
      });
  });
}

// ---- controls ---------------------------------------------------------------------------------

function hidden(key) {
  return ui.state.hide.includes(key);
}

function buildControls() {
  const s = ui.state;
  for (const r of document.querySelectorAll('input[name=scenario]')) r.checked = r.value === s.scenario;
  for (const r of document.querySelectorAll('input[name=view]')) r.checked = r.value === s.view;
  // Presets.
  const sel = $('preset');
  sel.replaceChildren(el('option', { value: '', text: s.preset ? '—' : 'Custom settings' }));
  for (const p of ui.cat.presets) sel.append(el('option', { value: p.name, text: p.title }));
  sel.value = s.preset || '';
  const preset = ui.cat.presets.find((p) => p.name === s.preset);
  // A teacher's caption from the link (plain text, set as text, never as HTML) replaces the preset's.
  $('caption').textContent = s.caption || (preset ? preset.caption : 'Your own settings: change any knob, every change re-runs the simulation and updates the link.');
  $('caption').classList.toggle('teacher', Boolean(s.caption));
  // Metrics.
  const msel = $('metric');
  msel.replaceChildren(...ui.cat.metrics.filter((m) => m.scenario === s.scenario).map((m) => el('option', { value: m.key, text: m.label + (m.unit ? ` (${m.unit})` : ''), title: m.help })));
  msel.value = s.metric;
  $('metric-help').textContent = (ui.cat.metrics.find((m) => m.key === s.metric && m.scenario === s.scenario) || {}).help || '';
  // World knobs in groups; lane cards with only the knobs that apply. Focus stays where it was.
  const focused = document.activeElement && document.activeElement.id;
  const ctx = { cat: ui.cat, state: s, commit: (key, v) => change(key, v), hidden, open: ui.open };
  $('world').replaceChildren(...worldControls(ctx));
  $('lanes').replaceChildren(...laneControls(ctx));
  if (focused && !document.activeElement?.id) document.getElementById(focused)?.focus();
  $('add-lane').disabled = s.lanes >= 4;
  $('remove-lane').disabled = s.lanes <= 1;
  // Lesson links hide controls; embed mode hides the chrome.
  for (const e of document.querySelectorAll('section[data-key], fieldset[data-key], label[data-key], button[data-key], div[data-key].transport, div[data-key].exports')) {
    if (e.closest('#world, #lanes')) continue;
    e.hidden = hidden(e.dataset.key);
  }
  renderPipeline(s, ui.cat);
  document.body.classList.toggle('embed', s.embed);
  const full = $('full');
  full.hidden = !s.embed;
  full.href = './#' + ui.pg.full_hash();
}

// ---- drawing ----------------------------------------------------------------------------------

// Draws the chart and what follows it (`later`: the chart now, the rest at the next frame).
function draw(later = false) {
  const canvas = $('chart');
  const dpr = Math.min(window.devicePixelRatio || 1, 3);
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (w === 0 || h === 0) return;
  const W = Math.round(w * dpr);
  const H = Math.round(h * dpr);
  if (canvas.width !== W || canvas.height !== H) {
    canvas.width = W;
    canvas.height = H;
  }
  if (spreadActive()) {
    // Several seeds: the spread (seeds.js) instead of the one run.
    drawSpread(canvas, dpr, ui.dark);
    renderSpreadSummary(ui.cat.metrics.filter((m) => m.scenario === ui.state.scenario), ui.state.metric, el);
    return;
  }
  // Off screen (e.g. the page opened on the answer further down) the chart waits until it is scrolled
  // into view: its drawing is the longest task of a frame. The rest (progress, the essay's bridge) runs.
  if (ui.chartSeen) {
    try {
      ui.pg.draw(canvas, dpr, ui.dark);
    } catch (e) {
      notify([`The chart could not be drawn: ${e}`]);
    }
  }
  if (later) {
    ui.tablesDue = true;
    return;
  }
  drawTables();
}

// The summary table, the world panes, the warnings, the progress and the clock: what follows the chart.
function drawTables() {
  ui.tablesDue = false;
  // Several seeds came in meanwhile: their own summary is drawn with their chart.
  if (spreadActive()) return;
  renderSummary();
  drawInside();
  const warnings = ui.pg.warnings();
  if (warnings.length && !ui.warned) {
    ui.warned = true;
    notify(warnings);
  }
  const p = ui.pg.progress();
  $('progress').value = p;
  ui.bridge(p >= 1);
  $('clock').textContent = `day ${ui.pg.now_days().toFixed(1)} of ${ui.state.settings.days}`;
}

function renderSummary() {
  const rows = ui.pg.summary();
  const metrics = ui.cat.metrics.filter((m) => m.scenario === ui.state.scenario);
  const head = el('tr', {}, el('th', { scope: 'col', text: 'Lane' }), ...metrics.map((m) => el('th', { scope: 'col', title: m.help, text: m.label + (m.unit ? ` (${m.unit})` : '') })));
  $('summary').tHead.replaceChildren(head);
  const body = rows.map((r, i) => {
    const tr = el('tr');
    const name = el('th', { scope: 'row', title: r.description });
    name.append(el('span', { class: 'swatch', 'aria-hidden': 'true' }), `${r.label}: ${r.description}`);
    name.firstChild.style.background = r.color;
    tr.append(name);
    for (const m of metrics) {
      const v = r.metrics[m.key];
      const td = el('td', { text: fmt(v) });
      if (i > 0) {
        const d = v - rows[0].metrics[m.key];
        if (Number.isFinite(d) && d !== 0) {
          const good = m.better === 'higher' ? d > 0 : m.better === 'lower' ? d < 0 : null;
          const span = el('span', { class: `diff ${good === null ? '' : good ? 'good' : 'bad'}`, text: ` ${d > 0 ? '+' : '−'}${fmt(Math.abs(d))}` });
          td.append(span);
        }
      }
      if (m.key === ui.state.metric) td.classList.add('current');
      tr.append(td);
    }
    return tr;
  });
  $('summary').tBodies[0].replaceChildren(...body);
}

// The reader's wait after a change ends when the final chart and its tables are drawn (in split
// frames the tables follow the chart a frame later).
function settled() {
  if (ui.changedAt && ui.finalDrawnAt >= ui.changedAt && !ui.tablesDue) {
    ui.lastWaitMs = performance.now() - ui.changedAt;
    ui.changedAt = 0;
  }
}

function render() {
  ui.dirty = true;
}

// ---- animation --------------------------------------------------------------------------------

const REDUCED_MOTION = matchMedia('(prefers-reduced-motion: reduce)');

function frame(ts) {
  const dt = ui.lastFrame ? Math.min(ts - ui.lastFrame, 100) : 16;
  ui.lastFrame = ts;
  const t0 = performance.now();
  // For a second after a long frame (the first ones after load, while the engine's code is still
  // being optimised; a slow phone) a frame either runs or draws, in turn, so that no task grows long;
  // a playing run catches up the time of the frames it did not run.
  const split = ui.frameMs > SPLIT_FRAME_MS || ts - ui.longAt < 1000;
  const runTurn = !split || !ui.ranLast || !ui.dirty;
  ui.owedMs = Math.min(ui.owedMs + dt, 200);
  let ran = false;
  if (ui.held || spreadActive() || !runTurn) {
    // Nothing runs until the warning is confirmed; several seeds run in workers.
  } else if (ui.playing && !ui.pg.done()) {
    const daysPerSecond = Number($('speed').value);
    ui.pg.run_for(daysPerSecond * ui.cat.minutesPerDay * ui.owedMs / 1000, FRAME_BUDGET_MS);
    ui.dirty = true;
    ran = true;
    if (ui.pg.done()) setPlaying(false);
  } else if (ui.finishing) {
    ui.pg.run_for(1e9, FRAME_BUDGET_MS);
    ui.dirty = true;
    ran = true;
    if (ui.pg.done()) ui.finishing = false;
  }
  if (runTurn) ui.owedMs = 0;
  // While a run finishes, the chart is redrawn about ten times a second (partial results), not every frame.
  // Playing with prefers-reduced-motion: the chart moves once a second, not every frame.
  const calm = ui.playing && REDUCED_MOTION.matches && ts - (ui.lastDraw || 0) < 1000;
  if (ui.tablesDue && !ran) {
    drawTables();
    settled();
  } else if (ui.dirty && !calm && !(split && ran) && (!(ui.finishing || ui.parallel) || ts - (ui.lastDraw || 0) > 100)) {
    // Split, the chart now and its tables next frame.
    draw(split);
    ui.dirty = false;
    ui.lastDraw = ts;
    // The redraws while playing (the end-to-end test of reduced motion reads them).
    if (ui.playing) window.__draws = (window.__draws || []).slice(-20).concat(ts);
    ui.finalDrawnAt = ui.pg.done() && !ui.parallel && !ui.finishing ? performance.now() : 0;
    settled();
  }
  ui.ranLast = ran;
  ui.frameMs = performance.now() - t0;
  if (ui.frameMs > SPLIT_FRAME_MS) ui.longAt = ts;
  ui.longestTaskMs = Math.max(ui.longestTaskMs, ui.frameMs);
  requestAnimationFrame(frame);
}

function setPlaying(on) {
  ui.playing = on;
  if (on) ui.finishing = false;
  const b = $('play');
  b.textContent = on ? 'Pause' : 'Play';
  b.setAttribute('aria-pressed', String(on));
}

// ---- hover ------------------------------------------------------------------------------------

function hover(ev) {
  const canvas = $('chart');
  const r = canvas.getBoundingClientRect();
  // The chart was drawn in device pixels: ask Rust, which drew it, what lies under this pixel column.
  const px = (ev.clientX - r.left - canvas.clientLeft) * (canvas.width / canvas.clientWidth);
  const info = spreadActive() ? spreadHover(px) : ui.pg.hover(px);
  const box = $('hover');
  followBucket(info ? info.bucket : null);
  if (!info) {
    box.hidden = true;
    return;
  }
  const lines = [el('div', { class: 'when', text: `day ${info.day.toFixed(2)} (${format_duration(info.hours, 'h')} bucket)` })];
  for (const l of info.lanes) {
    const range = l.lo === undefined ? '' : ` [${fmt(l.lo)}, ${fmt(l.hi)}]`;
    const row = el('div', {}, el('span', { class: 'swatch' }), `${l.lane}: ${fmt(l.value)}${range}`);
    row.firstChild.style.background = l.color;
    lines.push(row);
  }
  box.replaceChildren(...lines);
  box.hidden = false;
  const bx = Math.min(ev.clientX - r.left + 12, r.width - box.offsetWidth - 4);
  box.style.left = `${Math.max(0, bx)}px`;
  box.style.top = `${Math.max(0, ev.clientY - r.top + 12)}px`;
}

// ---- export and share -------------------------------------------------------------------------

function download(name, blob) {
  const a = el('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function baseName() {
  return `rtml-${ui.state.preset || ui.state.scenario}-seed${ui.state.settings.seed}`;
}

function share() {
  $('share-caption').value = ui.state.caption || '';
  shareLinks();
  $('share-dialog').showModal();
}

// The teacher's caption goes into the link (Rust cleans and bounds it); the page shows it at once.
function setCaption() {
  ui.pg.set('caption', $('share-caption').value);
  ui.state = ui.pg.state();
  writeHash(false);
  buildControls();
  shareLinks();
}

function shareLinks() {
  const url = new URL(location.href);
  url.hash = ui.pg.hash();
  const embed = new URL(url);
  embed.hash = ui.pg.hash() + '&embed=1';
  $('share-link').value = url.href;
  $('share-iframe').value = `<iframe src="${embed.href}" width="100%" height="560" loading="lazy" style="border:0" title="Real-Time ML Playground"></iframe>`;
  $('share-hugo').value = `{{< rtml src="${embed.href}" height="560" >}}`;
}

// ---- in-page benchmark (#bench): what the reader waits after choosing each preset -------------

const until = (cond) => new Promise((resolve) => {
  const check = () => (cond() ? resolve() : setTimeout(check, 5));
  check();
});

async function benchmark() {
  const results = [];
  let longTask = 0;
  // The longest task of each preset's change (from the menu to the final chart and its redraw).
  let presetLong = 0;
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) { longTask = Math.max(longTask, e.duration); presetLong = Math.max(presetLong, e.duration); } }).observe({ type: 'longtask', buffered: false });
  } catch (_) { /* no long-task timing in this browser */ }
  lanePool.warm();
  await new Promise((r) => setTimeout(r, 500));
  for (const p of ui.cat.presets) {
    // As the reader does it: the preset menu, paused; from the change to the final chart drawn.
    ui.lastWaitMs = null;
    presetLong = 0;
    const d0 = performance.now();
    $('preset').value = p.name;
    $('preset').dispatchEvent(new Event('change'));
    await until(() => ui.lastWaitMs !== null);
    const wait = ui.lastWaitMs;
    const r0 = performance.now();
    draw();
    const redraw = performance.now() - r0;
    await new Promise((r) => setTimeout(r, 0));
    results.push({ preset: p.name, wait_ms: Math.round(wait), redraw_ms: Math.round(redraw), longest_task_ms: Math.round(presetLong), workers: ui.pg.parallel_plan(lanePool.size).length, wall_ms: Math.round(performance.now() - d0), done: ui.pg.done(), digest: ui.pg.digest() });
  }
  // Then what else a reader does, each to its end: a lane added and removed and the scenario switched
  // and back (to the final chart), each view opened (drawn; the answer to its last seed).
  const frames = (n) => new Promise((r) => { const f = () => (--n > 0 ? requestAnimationFrame(f) : r()); requestAnimationFrame(f); });
  const act = async (name, doIt, end) => {
    ui.lastWaitMs = null;
    presetLong = 0;
    const d0 = performance.now();
    doIt();
    await end();
    await frames(2);
    results.push({ preset: name, longest_task_ms: Math.round(presetLong), wall_ms: Math.round(performance.now() - d0), done: ui.pg.done() });
  };
  const drawn = () => until(() => ui.lastWaitMs !== null);
  const n = ui.state.lanes;
  const [more, fewer] = n < 4 ? [n + 1, n] : [n, n - 1];
  for (const [name, lanes] of n < 4 ? [['a lane added', more], ['a lane removed', fewer]] : [['a lane removed', fewer], ['a lane added', more]]) {
    await act(name, () => change('lanes', lanes), drawn);
  }
  const scenario = ui.state.scenario;
  for (const s of [scenario === 'ads' ? 'cells' : 'ads', scenario]) await act(`scenario switched to ${s}`, () => change('scenario', s), drawn);
  for (const view of ['sweep', 'whatif', 'replay', 'answer']) {
    const end = view === 'answer' ? () => until(() => window.__answerTiming && window.__answerTiming.done != null) : () => frames(2);
    await act(`${view} view opened`, () => { $(view).open = true; }, end);
    $(view).open = false;
  }
  await new Promise((r) => setTimeout(r, 50));
  results.push({ preset: 'longest main-thread task (long-task timing)', longest_task_ms: Math.round(longTask) });
  window.__benchmark = results;
  notify(results.map((r) => (r.wait_ms === undefined ? `${r.preset}: longest task ${r.longest_task_ms} ms` : `${r.preset}: the whole run drawn ${r.wait_ms} ms after the change (${r.workers || 'no'} workers), redraw ${r.redraw_ms} ms`)));
}

// ---- start ------------------------------------------------------------------------------------

// The page's start is cut into tasks, each short, so that it never holds the thread long (a reader's
// scroll or tap is answered between them).
const nextTask = () => new Promise((r) => setTimeout(r, 0));

async function main() {
  await init();
  await nextTask();
  ui.cat = catalogue();
  const bench = location.hash.includes('bench=1');
  ui.pg = new Playground(bench ? '' : location.hash);
  // An ads run's lanes run in the lane workers: the estimate (and the hold) counts their memory.
  ui.pg.set_lane_workers(lanePool.size);
  ui.state = ui.pg.state();
  notify(ui.pg.notices());
  showCost();
  await nextTask();
  buildControls();
  writeHash(false);
  await nextTask();

  for (const r of document.querySelectorAll('input[name=scenario]')) r.addEventListener('change', () => change('scenario', r.value));
  for (const r of document.querySelectorAll('input[name=view]')) r.addEventListener('change', () => { ui.pg.set('view', r.value); viewSpread(ui.pg.hash()); ui.state = ui.pg.state(); writeHash(true); render(); });
  $('preset').addEventListener('change', (e) => { if (e.target.value) change('preset', e.target.value); });
  $('metric').addEventListener('change', (e) => { ui.pg.set('metric', e.target.value); viewSpread(ui.pg.hash()); ui.state = ui.pg.state(); buildControls(); writeHash(true); render(); });
  $('play').addEventListener('click', () => {
    if (ui.playing) return setPlaying(false);
    if (ui.held) return $('run-anyway').focus();
    // An assembled run (from workers) is not stepped further: playing starts it again here.
    cancelParallel();
    if (ui.pg.done()) ui.pg.reset();
    setPlaying(true);
  });
  $('run-anyway').addEventListener('click', () => {
    if (!ui.pg.run_anyway()) return;
    showCost();
    render();
    setPlaying(true);
  });
  $('step').addEventListener('click', () => {
    setPlaying(false);
    cancelParallel();
    ui.pg.run_for(ui.cat.minutesPerDay, 1e9);
    render();
  });
  $('reset').addEventListener('click', () => { cancelParallel(); ui.pg.reset(); ui.finishing = false; showProgress(); render(); });
  $('end').addEventListener('click', () => { setPlaying(false); ui.changedAt = performance.now(); runToEnd(); });
  // An essay of the same origin that embeds this lesson may run it to the end and read its summary.
  ui.bridge = setupBridge(
    () => { if (ui.held || ui.state.tab === 'answer') return; setPlaying(false); ui.changedAt = performance.now(); runToEnd(); },
    () => ({ hash: ui.pg.hash(), summary: ui.pg.summary() }),
  );
  $('add-lane').addEventListener('click', () => change('lanes', ui.state.lanes + 1));
  $('remove-lane').addEventListener('click', () => change('lanes', ui.state.lanes - 1));
  $('png').addEventListener('click', () => $('chart').toBlob((b) => b && download(`${baseName()}.png`, b)));
  $('csv').addEventListener('click', () => download(`${baseName()}.csv`, new Blob([ui.pg.csv()], { type: 'text/csv' })));
  $('json').addEventListener('click', () => download(`${baseName()}.json`, new Blob([ui.pg.settings_json()], { type: 'application/json' })));
  $('share').addEventListener('click', share);
  $('share-caption').maxLength = ui.cat.captionMax;
  $('share-caption').addEventListener('input', setCaption);
  const canvas = $('chart');
  canvas.addEventListener('mousemove', hover);
  canvas.addEventListener('mouseleave', () => { $('hover').hidden = true; followBucket(null); });
  new ResizeObserver(render).observe(canvas);
  new IntersectionObserver((entries) => {
    const seen = entries.some((e) => e.isIntersecting);
    if (seen && !ui.chartSeen) render();
    ui.chartSeen = seen;
  }).observe(canvas);
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', (e) => { ui.dark = e.matches; render(); redrawSweep(ui.dark); redrawReplay(ui.dark); redrawAnswer(); });
  // A link followed after load (a hash change, back or forward; popstate comes first): its settings,
  // and its tab opened as at load.
  // A study's tab runs the link's inputs, as at load: a run going is cancelled first (the inputs it
  // runs are no longer the link's); an unchanged one comes from the cache.
  const studies = {
    answer: [() => runAnswer(), cancelAnswer, answerRunning],
    sweep: [() => runSweep(ui.dark), cancelSweep, sweepRunning],
    whatif: [runWhatif, cancelWhatif, whatifRunning],
  };
  const follow = async () => {
    if (location.hash === '#' + ui.pg.hash()) return;
    const tab = ui.state.tab;
    notify(ui.pg.load(location.hash));
    ui.state = ui.pg.state();
    for (const show of ui.panelShows) show();
    // A link to another tab stops a study of any other still running: the reader went elsewhere, and
    // its workers would take the cores from this run (its finished tasks stay cached for a return).
    // A link to the same tab (Back after a knob change) leaves a study started by hand alone.
    if (ui.state.tab !== tab) for (const [name, [, cancel, busy]] of Object.entries(studies)) if (name !== ui.state.tab && busy()) cancel();
    restart();
    if (ui.state.tab !== tab) openTab(ui.state.tab);
    const study = studies[ui.state.tab];
    if (!study) return;
    const [run, cancel, busy] = study;
    if (busy()) {
      cancel();
      await until(() => !busy());
    }
    run();
  };
  window.addEventListener('hashchange', follow);
  window.addEventListener('popstate', follow);
  document.addEventListener('keydown', (e) => {
    if (e.key !== ' ' || e.target.closest('input, select, textarea, button, a')) return;
    e.preventDefault();
    $('play').click();
  });
  bindPanels();
  await nextTask();
  // Freshness sweep.
  $('sweep-run').addEventListener('click', () => runSweep(ui.dark, true));
  $('sweep-cancel').addEventListener('click', cancelSweep);
  $('sweep').addEventListener('toggle', () => { if ($('sweep').open) redrawSweep(ui.dark); });
  setupAnswer(ui.cat, ui.state, () => ui.dark);
  setupReplay(() => ui.dark);
  setupWhatif(() => ui.dark, ui.state.tab, ui.cat.whatifValues);
  setupSpread({ restart, render });
  setupInside(() => ui.pg, () => ui.dark, spreadActive);
  $('replay').addEventListener('toggle', () => { if ($('replay').open) redrawReplay(ui.dark); });
  if (ui.state.tab === 'replay') {
    $('replay').open = true;
    $('replay').scrollIntoView();
  }
  if (ui.state.tab === 'sweep') {
    $('sweep').open = true;
    $('sweep').scrollIntoView();
    runSweep(ui.dark);
  }
  // For tests and the curious: memory in use (wasm linear memory, JS heap where the browser tells) and
  // where the chart's panels lie (device pixels, days).
  // The first drawing, in tasks of its own before the page is ready: the chart (if on screen), then
  // its tables (the first of each is the slowest, the engine's and the browser's code still cold).
  const box = $('chart').getBoundingClientRect();
  ui.chartSeen = box.bottom > 0 && box.top < innerHeight;
  await nextTask();
  draw(true);
  await nextTask();
  drawTables();
  await nextTask();
  window.__rtml = { lastWaitMs: () => ui.lastWaitMs, digest: () => ui.pg.digest(), progress: () => ui.pg.progress(), memory: () => ({ wasm: ui.pg.memory_bytes(), js: performance.memory ? performance.memory.usedJSHeapSize : 0 }), plot: () => ui.pg.plot(), benchmark };
  document.body.dataset.ready = '1';
  // The lane workers start now and warm up this configuration (an ads one: their engine code gets compiled).
  if (ui.state.tab !== 'answer') lanePool.warm(ui.state.scenario === 'ads' ? ui.pg.hash() : '');
  requestAnimationFrame(frame);
  if (bench) await benchmark();
  // The answer's workers get the cores when the page opens on it.
  else if (ui.state.tab !== 'answer') setPlaying(true);
}

/** Opens the fold of a page tab (`answer`, `sweep`, `whatif`, `replay`) and scrolls to it. */
function openTab(tab) {
  const fold = tab !== 'run' && document.getElementById(tab);
  if (!fold) return;
  fold.open = true;
  fold.scrollIntoView();
}

main().catch((e) => {
  notify([`The playground could not start: ${e}`]);
  throw e;
});
