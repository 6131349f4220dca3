// A pool of module Web Workers, kept alive and reused from one run to the next (each worker loads the
// wasm once). Any page module can use it: `const pool = new Pool(new URL('./my-worker.js',
// import.meta.url), size)`, then `pool.run(task, onPartial)` resolves with the worker's result.
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

  /** Runs one task on the next free worker; `onPartial(partial)` for each partial report. */
  run(task, onPartial = null) {
    return new Promise((resolve, reject) => {
      this.queue.push({ task, onPartial, resolve, reject });
      this.pump();
    });
  }

  /** Rejects every pending task (with `Cancelled`) and asks busy workers to stop. */
  cancel() {
    for (const [w, job] of this.busy) {
      w.postMessage({ cancel: true });
      job.reject(new Cancelled());
      this.idle.push(w);
    }
    this.busy.clear();
    for (const job of this.queue) job.reject(new Cancelled());
    this.queue = [];
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
    this.idle.push(w);
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
