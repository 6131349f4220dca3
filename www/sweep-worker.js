// A sweep worker: runs single (point, seed) simulations off the main thread with the same wasm engine.
import init, { sweep_run } from './pkg/rtml.js';

const ready = init();

self.onmessage = async (e) => {
  await ready;
  const { id, hash, param, values, seeds, point, seed } = e.data;
  try {
    const run = sweep_run(hash, param, values, seeds, point, seed);
    self.postMessage({ id, run });
  } catch (err) {
    self.postMessage({ id, error: String(err) });
  }
};
