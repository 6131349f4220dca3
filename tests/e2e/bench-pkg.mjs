// The shipped wasm under node (not a test): every preset run to its end in `Playground`, best of N
// rounds, and each run's digest (to check against tests/digests.txt: a build setting must change no
// number). Compares builds of www/pkg made with different size settings (BENCHMARKS.md, issue 28):
// copy www/pkg aside after each `cargo xtask build`, then time the copies in turn, e.g. with
// `/usr/bin/time -f "%U"` (user CPU: steadier than wall time on a shared machine).
// Usage: node tests/e2e/bench-pkg.mjs [PKG_DIR=www/pkg] [rounds=3]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const dir = process.argv[2] || new URL('../../www/pkg', import.meta.url).pathname;
const rounds = Number(process.argv[3] || 3);
const m = await import(pathToFileURL(`${dir}/rtml.js`));
m.initSync({ module: readFileSync(`${dir}/rtml_bg.wasm`) });
const presets = ['ads-batch-vs-online', 'ads-drift', 'ads-new-campaigns', 'ads-label-delay', 'cells-sleep', 'cells-sim-gap', 'cells-holiday', 'ads-stateless-vs-stateful', 'ads-triggered', 'ads-gradual', 'cells-clusters', 'cells-events'];
let logsum = 0;
for (const p of presets) {
  let best = Infinity;
  let digest = '';
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    const pg = new m.Playground(`#preset=${p}`);
    pg.run_to_end();
    digest = pg.digest();
    pg.free();
    best = Math.min(best, performance.now() - t);
  }
  logsum += Math.log(best);
  console.log(`${p.padEnd(26)} ${best.toFixed(1).padStart(8)} ms  digest ${digest}`);
}
console.log(`geometric mean ${Math.exp(logsum / presets.length).toFixed(1)} ms`);
