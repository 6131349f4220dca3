// A replay worker: streams a local file (never uploaded, never held whole in memory) through the same
// learners as the command line's `rtml replay`, in 1 MiB slices, reporting progress.
import init, { Replay } from './pkg/rtml.js';

const ready = init();
const CHUNK = 1 << 20;

self.onmessage = async (e) => {
  await ready;
  const { file, options } = e.data;
  let replay;
  try {
    replay = new Replay(options.format, options.keys, options.values);
    const t0 = performance.now();
    let lastPost = 0;
    for (let off = 0; off < file.size; off += CHUNK) {
      const buf = new Uint8Array(await file.slice(off, off + CHUNK).arrayBuffer());
      replay.feed(buf);
      const now = performance.now();
      if (now - lastPost > 100) {
        lastPost = now;
        self.postMessage({ progress: Math.min(1, (off + buf.length) / file.size), lines: replay.lines() });
      }
    }
    replay.finish();
    const report = replay.report((performance.now() - t0) / 1000);
    self.postMessage({ done: true, report, lines: replay.lines() });
  } catch (err) {
    self.postMessage({ error: String(err && err.message ? err.message : err) });
  } finally {
    if (replay) replay.free();
  }
};
