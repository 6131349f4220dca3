// A what-if worker: evaluates one seed (every simulator error of the slider, plain and refitted) off
// the main thread with the same wasm engine.
import init, { whatif_run } from './pkg/rtml.js';

const ready = init();

self.onmessage = async (e) => {
  await ready;
  const { id, hash, knob, values, seeds, seed } = e.data;
  try {
    self.postMessage({ id, run: whatif_run(hash, knob, values, seeds, seed) });
  } catch (err) {
    self.postMessage({ id, error: String(err) });
  }
};
