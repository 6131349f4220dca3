// The page's workers, all created here: a pool of module Web Workers kept alive and reused from one
// run to the next (each worker loads the wasm once). Two pools: `lanes` (lanes-worker.js: some lanes
// of the playground's configuration) and the studies' (study-worker.js: one task of any study, see
// `runStudy`); plus the replay's own streaming worker (`replayWorker`). `pool.run(task, onPartial)`
// resolves with the worker's result.
//
// The protocol a worker follows: it receives `{id, ...task}`; it may post `{id, partial}` any number of
// times, then posts `{id, result}` or `{id, error}`. `pool.cancel()` rejects every pending task with a
// `Cancelled` error and posts `{cancel: true}` to busy workers: a worker that runs in chunks should
// check for it between chunks (see lanes-worker.js) and stop; its late messages are ignored.
//
// Affinity: a task with `lanes` goes, when it can, to the idle worker whose last task shared most of
// them (a lane worker keeps the warm-up of the lanes it ran, so the next run of the same world starts
// from it). `warm(prime)` also has every worker run `prime` (a message without an id: no reply) once,
// before any task: the lane workers warm up the page's configuration and run a day of it, so the
// engine's code is compiled by the engine's optimising tier before the reader's first change.

import { study_tasks, study_cost } from './pkg/rtml.js';

/** A study not started: over the page's memory (until run anyway) or too large for a tab. */
export class OverBudget extends Error {
  constructor(message) { super(message); this.name = 'OverBudget'; }
}

/** A Rust message in the page's words: the command line's flags named as the panel's fields
 * (`fields`, e.g. `{'--seeds': 'Seeds'}`). */
export function pageWords(message, fields = {}) {
  let s = String(message);
  // A whole flag only (`--set`, never the start of a longer `--settings`).
  for (const [flag, field] of Object.entries(fields)) s = s.replace(new RegExp(`${flag}(?![\\w-])`, 'g'), field);
  return s;
}

/** Whether a worker's error is its WebAssembly memory running out ("unreachable" after a failed
 * allocation, a RangeError growing the memory). */
export function outOfMemory(message) {
  return /unreachable|RangeError|out of memory|allocation failed|memory access out of bounds/i.test(String(message));
}

export class Cancelled extends Error {
  constructor() { super('cancelled'); this.name = 'Cancelled'; }
}

export class Pool {
  constructor(url, size) {
    this.url = url;
    this.size = Math.max(1, size);
    this.workers = [];
    this.idle = [];
    this.busy = new Map();
    this.queue = [];
    this.nextId = 1;
    // The lanes each worker ran last (affinity).
    this.last = new Map();
  }

  /** Starts every worker now (so the first run does not wait for them to load the wasm); see `prime`. */
  warm(prime = null) {
    while (this.workers.length < this.size) {
      const w = this.spawn();
      if (prime) w.postMessage({ prime });
      this.idle.push(w);
    }
  }

  /** Runs one task on the next free worker; `onPartial(partial)` for each partial report; `tag` names
   * the run the task belongs to (see `cancel`). */
  run(task, onPartial = null, tag = null) {
    return new Promise((resolve, reject) => {
      this.queue.push({ task, onPartial, resolve, reject, tag });
      this.pump();
    });
  }

  /**
   * Rejects every pending task of run `tag` (every task when `tag` is null) with `Cancelled`. A busy
   * worker is asked to stop (`{cancel: true}`, for workers that run in chunks) or, with `terminate`,
   * replaced (a worker that computes in one go frees its core at once).
   */
  cancel(tag = null, terminate = false) {
    const mine = (job) => tag === null || job.tag === tag;
    for (const [w, job] of [...this.busy]) {
      if (!mine(job)) continue;
      this.busy.delete(w);
      job.reject(new Cancelled());
      if (terminate) {
        w.terminate();
        this.workers = this.workers.filter((x) => x !== w);
      } else {
        w.postMessage({ cancel: true });
        this.idle.push(w);
      }
    }
    for (const job of this.queue.filter(mine)) job.reject(new Cancelled());
    this.queue = this.queue.filter((job) => !mine(job));
    this.pump();
  }

  spawn() {
    const w = new Worker(this.url, { type: 'module' });
    w.onmessage = (e) => this.message(w, e.data);
    w.onerror = (e) => this.failed(w, e);
    this.workers.push(w);
    return w;
  }

  pump() {
    while (this.queue.length) {
      const job = this.queue[0];
      const lanes = job.task.lanes || [];
      // The idle worker that last ran most of these lanes, else any idle one, else a new one.
      let at = this.idle.length - 1;
      let best = 0;
      this.idle.forEach((x, i) => {
        const shared = lanes.filter((l) => (this.last.get(x) || []).includes(l)).length;
        if (shared > best) [at, best] = [i, shared];
      });
      let w = at >= 0 ? this.idle.splice(at, 1)[0] : null;
      if (!w) {
        if (this.workers.length >= this.size) return;
        w = this.spawn();
      }
      this.queue.shift();
      job.id = this.nextId++;
      this.busy.set(w, job);
      this.last.set(w, lanes);
      w.postMessage({ id: job.id, ...job.task });
    }
  }

  message(w, m) {
    const job = this.busy.get(w);
    if (!job || m.id !== job.id) return;
    if ('partial' in m) {
      if (job.onPartial) job.onPartial(m.partial);
      return;
    }
    this.busy.delete(w);
    if ('error' in m && outOfMemory(m.error)) {
      // A WebAssembly instance that trapped out of memory is not reused: a new worker takes its place.
      w.terminate();
      this.workers = this.workers.filter((x) => x !== w);
    } else {
      this.idle.push(w);
    }
    if ('error' in m) job.reject(new Error(m.error));
    else job.resolve(m.result);
    this.pump();
  }

  failed(w, e) {
    const job = this.busy.get(w);
    this.busy.delete(w);
    this.idle = this.idle.filter((x) => x !== w);
    this.workers = this.workers.filter((x) => x !== w);
    w.terminate();
    if (job) job.reject(new Error(e.message || 'worker failed'));
    this.pump();
  }
}

const cores = () => Math.min(4, Math.max(2, navigator.hardwareConcurrency || 2));

/** The playground's lanes, run apart (lanes-worker.js). */
export const lanes = new Pool(new URL('./lanes-worker.js', import.meta.url), cores());

/** One task of any study (study-worker.js). */
const studies = new Pool(new URL('./study-worker.js', import.meta.url), cores());

// Parts by their run's key (Rust's `Study::run_key`: the run's settings and the task), for every study:
// the same inputs again, or 10 seeds after 5, reuse what was run. Oldest first out.
const parts = new Map();
const KEEP = 400;
// The latest run of each study kind (a failure cancels only its own run's tasks).
const current = new Map();

/**
 * Runs the study `kind` (`spread`, `sweep`, `answer`, `whatif`) for a panel's `input` on the studies'
 * workers, parts already run taken from the cache. `onTasks([{key, task, cached}])` first, then
 * `onPart(part, done, total)` as each part comes in (cached ones first); resolves with the parts in task order; rejects with `Cancelled` after
 * `cancelStudy(kind)` (a newer run of the same kind cancels the older one), or with the worker's error
 * message (out of memory: what to lower). Throws at once when the inputs are refused (Rust's message),
 * and with `OverBudget` when Rust's estimate (`study_cost`: the same as the command line's, with these
 * workers) is too large for a tab, or over the page's memory unless `opts.anyway` (`opts.again` says how
 * the reader confirms: `press Run sweep again`). `opts.fields` names
 * the command line's flags as the panel's fields; `opts.what` the run (`this sweep`); `opts.onCost(c)`
 * sees the estimate (`{text, over, hold, risk, hard, lower}`) before the run.
 */
export function runStudy(kind, input, onPart = () => {}, onTasks = () => {}, opts = {}) {
  cancelStudy(kind);
  const words = (m) => pageWords(m, opts.fields);
  const what = opts.what ?? 'this run';
  let c;
  try {
    c = study_cost(kind, input, studies.size);
  } catch (e) {
    throw new Error(words(e.message ?? e));
  }
  if (c.hard) throw new OverBudget(words(`Not started: too large for a browser tab: ${what}: ${c.over}. Lower those settings.`));
  if (c.hold && !opts.anyway) {
    const again = opts.again ? `, or ${opts.again} to run it anyway` : '';
    // Rust says why it asks (memory a phone may not have, or hours of work): `risk`.
    throw new OverBudget(words(`Not started: ${what}: ${c.over}. ${c.risk}: lower those settings${again}.`));
  }
  if (opts.onCost) opts.onCost(c);
  let tasks;
  try {
    tasks = study_tasks(kind, input, studies.size);
  } catch (e) {
    throw new Error(words(e.message ?? e));
  }
  onTasks(tasks.map((t) => ({ ...t, cached: parts.has(t.key) })));
  const out = new Array(tasks.length);
  let done = 0;
  // Once the run has failed, its late parts are kept in the cache but not reported: the panel
  // already shows the failure (a late "3 of 3 rows" once overwrote it).
  let over = false;
  const got = (i, part) => {
    if (over) return;
    out[i] = part;
    done++;
    onPart(part, done, tasks.length);
  };
  const run = {};
  current.set(kind, run);
  const pending = [];
  tasks.forEach(({ key, task }, i) => {
    if (parts.has(key)) { got(i, parts.get(key)); return; }
    pending.push(studies.run({ kind, input, task }, null, kind).then((part) => {
      parts.set(key, part);
      while (parts.size > KEEP) parts.delete(parts.keys().next().value);
      got(i, part);
    }, (e) => {
      if (e instanceof Cancelled) throw e;
      if (!outOfMemory(e.message)) throw new Error(words(e.message ?? e));
      cancelStudy(kind);
      throw new Error(words(`a worker ran out of memory (${e.message}); ${what} was estimated ${c.text}, mostly ${c.lower}: lower that`));
    }));
  });
  return Promise.all(pending).then(() => out, (e) => {
    over = true;
    // A failed run stops its other tasks (a newer run of the same kind has cancelled them already).
    if (!(e instanceof Cancelled) && current.get(kind) === run) studies.cancel(kind, true);
    throw e;
  });
}

/** Rust's estimate of a study on the page's workers (`study_cost`). */
export function studyCost(kind, input) {
  return study_cost(kind, input, studies.size);
}

/** Cancels the running study of `kind` (its busy workers are replaced: they free their cores at once). */
export function cancelStudy(kind) {
  studies.cancel(kind, true);
}

/** The replay's streaming worker (a file fed in slices with its own protocol: see replay-worker.js). */
export function replayWorker() {
  return new Worker(new URL('./replay-worker.js', import.meta.url), { type: 'module' });
}

/** Fills a `<table>` with a study's table (`{head, units, rows}`, Rust's `study::Table`). */
export function fillTable(table, t) {
  const tr = document.createElement('tr');
  t.head.forEach((h, i) => {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = t.units[i] ? `${h} (${t.units[i]})` : h;
    tr.append(th);
  });
  table.tHead.replaceChildren(tr);
  table.tBodies[0].replaceChildren(...t.rows.map((r) => {
    const row = document.createElement('tr');
    for (const c of r) { const td = document.createElement('td'); td.textContent = c; row.append(td); }
    return row;
  }));
}
