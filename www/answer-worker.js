// An answer worker: runs tasks of the freshness map (a world, a seed, a group of rows: many lanes over
// one pass of the world) off the main thread with the same wasm engine.
import init, { answer_run } from './pkg/rtml.js';

const ready = init();

self.onmessage = async (e) => {
  await ready;
  const { id, job, task } = e.data;
  try {
    const part = answer_run(job, task);
    self.postMessage({ id, part });
  } catch (err) {
    self.postMessage({ id, error: String(err) });
  }
};
