// A seeds worker: runs one seed of the page's configuration to the end, off the main thread.
import init, { seed_run } from './pkg/rtml.js';

const ready = init();

self.onmessage = async (e) => {
  await ready;
  const { id, hash, seed } = e.data;
  try {
    self.postMessage({ id, run: seed_run(hash, seed) });
  } catch (err) {
    self.postMessage({ id, error: String(err) });
  }
};
