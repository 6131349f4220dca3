// Runs some lanes of the page's configuration (the same world, rebuilt from the link) and reports the
// parts as it goes; the page assembles them (Playground.adopt). Protocol: see pool.js. The worker keeps
// the warm-ups it ran (in Rust: LaneRun adopts a kept one for the same world and learners), so a change
// of a lane's knobs re-runs only the horizon.
import init, { LaneRun, warm_cache_stats } from './pkg/rtml.js';

const ready = init();
let current = 0;
// Partial reports per run: the reader sees the chart grow while the rest is simulated.
const CHUNKS = 6;

// A prime (see pool.js): the whole configuration warmed up (and kept), then a day of it, discarded.
function prime(hash) {
  const run = new LaneRun(hash, Uint32Array.from([0, 1, 2, 3]));
  try {
    run.run_until(1440);
  } finally {
    run.free();
  }
}

self.onmessage = async (e) => {
  const m = e.data;
  if (m.cancel) {
    current = 0;
    return;
  }
  if (m.prime !== undefined) {
    // A prime has no reply: a failure here is the next task's error (see below).
    try {
      await ready;
      prime(m.prime);
    } catch {
      // (nothing to report to)
    }
    return;
  }
  const id = m.id;
  current = id;
  let run = null;
  try {
    // Inside the try: a wasm that failed to load is this task's error, not a reply that never comes.
    await ready;
    run = new LaneRun(m.hash, Uint32Array.from(m.lanes));
    const end = run.horizon();
    for (let i = 1; i <= CHUNKS; i++) {
      if (current !== id) return;
      run.run_until((end * i) / CHUNKS);
      if (i < CHUNKS) {
        self.postMessage({ id, partial: run.part() });
        // Let a cancel or a newer task in between chunks.
        await new Promise((r) => setTimeout(r, 0));
      }
    }
    if (current === id) {
      const result = run.part();
      // [warm-ups adopted, warm-ups run] by this worker so far (benchmarks read it).
      result.warm = Array.from(warm_cache_stats());
      self.postMessage({ id, result });
    }
  } catch (err) {
    self.postMessage({ id, error: String(err) });
  } finally {
    if (run) run.free();
  }
};
