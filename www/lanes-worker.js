// Runs some lanes of the page's configuration (the same world, rebuilt from the link) and reports the
// parts as it goes; the page assembles them (Playground.adopt). Protocol: see pool.js.
import init, { LaneRun } from './pkg/rtml.js';

const ready = init();
let current = 0;
// Partial reports per run: the reader sees the chart grow while the rest is simulated.
const CHUNKS = 6;

self.onmessage = async (e) => {
  const m = e.data;
  if (m.cancel) {
    current = 0;
    return;
  }
  const id = m.id;
  current = id;
  await ready;
  let run = null;
  try {
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
    if (current === id) self.postMessage({ id, result: run.part() });
  } catch (err) {
    self.postMessage({ id, error: String(err) });
  } finally {
    if (run) run.free();
  }
};
