// A pool of module Web Workers, kept alive and reused from one run to the next (each worker loads the
// wasm once). Any page module can use it: `const pool = new Pool(new URL('./my-worker.js',
// import.meta.url), size)`, then `pool.run(task, onPartial)` resolves with the worker's result.
//
// The protocol a worker follows: it receives `{id, ...task}`; it may post `{id, partial}` any number of
// times, then posts `{id, result}` or `{id, error}`. `pool.cancel()` rejects every pending task with a
// `Cancelled` error and posts `{cancel: true}` to busy workers: a worker that runs in chunks should
// check for it between chunks (see lanes-worker.js) and stop; its late messages are ignored.

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
  }

  /** Starts every worker now (so the first run does not wait for them to load the wasm). */
  warm() {
    while (this.workers.length < this.size) this.idle.push(this.spawn());
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
      let w = this.idle.pop();
      if (!w) {
        if (this.workers.length >= this.size) return;
        w = this.spawn();
      }
      const job = this.queue.shift();
      job.id = this.nextId++;
      this.busy.set(w, job);
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
