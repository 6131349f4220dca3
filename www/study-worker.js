// The studies' worker: one task of any study (spread, sweep, answer, what-if) off the main thread with
// the same wasm engine (`study_run`). Protocol: see pool.js.
import init, { study_run } from './pkg/rtml.js';

const ready = init();

self.onmessage = async (e) => {
  const m = e.data;
  if (m.cancel || m.prime !== undefined) return;
  try {
    // Inside the try: a wasm that failed to load is this task's error, not a reply that never comes.
    await ready;
    self.postMessage({ id: m.id, result: study_run(m.kind, m.input, m.task) });
  } catch (err) {
    self.postMessage({ id: m.id, error: String(err?.message ?? err) });
  }
};
