// A replay worker: streams a local file (never uploaded, never held whole in memory) through the same
// learners as the command line's `rtml replay`, in 1 MiB slices, reporting progress. A gzipped file
// (told by its first bytes, not its name) goes through the browser's own DecompressionStream.
import init, { Replay } from './pkg/rtml.js';

const ready = init();
const CHUNK = 1 << 20;
/** The file's bytes in 1 MiB slices; `progress(bytes)` follows the bytes read. */
async function* slices(file, progress) {
  for (let off = 0; off < file.size; off += CHUNK) {
    const buf = new Uint8Array(await file.slice(off, off + CHUNK).arrayBuffer());
    progress(off + buf.length);
    yield buf;
  }
}

/**
 * The decompressed bytes of a gzip file; `progress(bytes)` follows the compressed bytes read. The
 * browser's DecompressionStream reads one gzip member: a file of concatenated members (`cat a.gz b.gz`)
 * stops it with "Junk found after end of compressed data", having dropped some of the first member's
 * output, so such a file is refused with a message saying what to do (`rtml replay` reads it).
 */
async function* gunzip(file, progress) {
  let read = 0;
  const counted = new TransformStream({
    transform(chunk, ctl) {
      read += chunk.length;
      progress(read);
      ctl.enqueue(chunk);
    },
  });
  const reader = file.stream().pipeThrough(counted).pipeThrough(new DecompressionStream('gzip')).getReader();
  for (;;) {
    let next;
    try {
      next = await reader.read();
    } catch (err) {
      const why = String((err && err.message) || err);
      if (/junk/i.test(why)) {
        throw new Error(`${file.name} holds several gzip members (concatenated .gz files), which the browser cannot decompress: decompress it first (gunzip), or replay it with \`rtml replay\`, which reads it`);
      }
      throw new Error(`cannot decompress ${file.name} (a damaged or truncated gzip file?): ${why}`);
    }
    if (next.done) return;
    yield next.value;
  }
}

self.onmessage = async (e) => {
  const { file, options } = e.data;
  let replay;
  try {
    // Inside the try: a wasm that failed to load is the replay's error, not a reply that never comes.
    await ready;
    replay = new Replay(options.format, options.keys, options.values);
    const t0 = performance.now();
    let lastPost = 0;
    let bytes = 0;
    const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
    const gzip = head[0] === 0x1f && head[1] === 0x8b;
    for await (const buf of (gzip ? gunzip : slices)(file, (n) => { bytes = n; })) {
      replay.feed(buf);
      const now = performance.now();
      if (now - lastPost > 100) {
        lastPost = now;
        self.postMessage({ progress: Math.min(1, bytes / file.size), lines: replay.lines() });
      }
    }
    replay.finish();
    const report = replay.report((performance.now() - t0) / 1000);
    self.postMessage({ done: true, report, part: replay.part(), lines: replay.lines() });
  } catch (err) {
    self.postMessage({ error: String(err && err.message ? err.message : err) });
  } finally {
    if (replay) replay.free();
  }
};
