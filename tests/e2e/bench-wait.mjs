// The reader's-wait benchmark (not part of the test suite): serves a built www/ directory (WWW, default
// ../../www) on a free local port and, in headless Chromium at 1280x900, measures (ONLY: a comma list)
//   presets: `#bench=1`, the page's own benchmark (every preset from the menu, paused, to the final
//            chart: [preset, wait, its longest main-thread task]; the longest task of all);
//   knobs:   every ads preset from the menu, then a lane knob (a.explore) twice, each to the final chart;
//   answer:  `#tab=answer`, the default map (first map, all seeds, the longest main-thread task after
//            the page is ready, as tests/e2e/answer.test.mjs measures it).
// Usage: [WWW=/path/to/www] [ONLY=presets,knobs,answer] [ANSWER=answer.seeds=10] [TRACE=1] node tests/e2e/bench-wait.mjs [rounds]
// (ANSWER: more of the answer's link, e.g. another number of seeds)
// To compare two builds, run it on each in turn (the machine's load changes from minute to minute).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const WWW = process.env.WWW || new URL('../../www/', import.meta.url).pathname;
const ROUNDS = Number(process.argv[2] || 1);
const ONLY = process.env.ONLY || 'presets,knobs,answer';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.png': 'image/png', '.svg': 'image/svg+xml' };
const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  try {
    const body = await readFile(join(WWW, path));
    res.writeHead(200, { 'content-type': TYPES[extname(path)] || 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const BASE = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });

async function presets() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${BASE}index.html#bench=1`);
  await page.waitForFunction(() => window.__benchmark, null, { timeout: 300000, polling: 100 });
  const out = await page.evaluate(() => window.__benchmark);
  await page.close();
  return out;
}

// From the page's own state: the change is dispatched, then the run is complete and two frames later drawn.
async function timed(page, act) {
  return page.evaluate(async (act) => {
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    const t0 = performance.now();
    const [id, value] = act;
    const el = document.getElementById(id);
    el.value = value;
    el.dispatchEvent(new Event('change'));
    while (window.__rtml.progress() < 1) await frame();
    await frame();
    await frame();
    return Math.round(performance.now() - t0);
  }, act);
}

// Every ads preset from the menu (paused), then a lane knob of it (a's exploration), as the reader does.
async function knobs() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${BASE}index.html#preset=ads-drift`);
  await page.waitForSelector('body[data-ready="1"]');
  await page.click('#play');
  await page.waitForTimeout(2000);
  const names = await page.evaluate(() => [...document.querySelectorAll('#preset option')].map((o) => o.value).filter((v) => v.startsWith('ads-')));
  const out = [];
  for (const name of names) {
    const preset = await timed(page, ['preset', name]);
    const knob = await timed(page, ['k-a-explore', '0.02']);
    const knob2 = await timed(page, ['k-a-explore', '0.05']);
    out.push([name, preset, knob, knob2]);
  }
  await page.close();
  return out;
}

async function answer() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript(() => {
    window.__longest = 0;
    window.__ltl = [];
    new MutationObserver((_, o) => { if (document.body?.dataset.ready === '1') { window.__ready = performance.now(); o.disconnect(); } })
      .observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready'] });
    new PerformanceObserver((l) => { for (const e of l.getEntries()) { window.__longest = Math.max(window.__longest, e.duration); window.__ltl.push([Math.round(e.startTime), Math.round(e.duration)]); } })
      .observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`${BASE}index.html#tab=answer${process.env.ANSWER ? `&${process.env.ANSWER}` : ''}`);
  await page.waitForFunction(() => window.__answerTiming && window.__answerTiming.done != null, null, { timeout: 300000, polling: 100 });
  const t = await page.evaluate(() => ({ ...window.__answerTiming, longest: Math.max(0, ...window.__ltl.filter((x) => x[0] >= window.__ready).map((x) => x[1])), load: Math.max(0, ...window.__ltl.filter((x) => x[0] < window.__ready).map((x) => x[1])) }));
  if (process.env.TRACE) console.log('long tasks [start, ms]', JSON.stringify(await page.evaluate(() => window.__ltl)), 'ready at', await page.evaluate(() => Math.round(window.__ready)));
  await page.close();
  return t;
}

for (let r = 0; r < ROUNDS; r++) {
  if (ONLY.includes('presets')) {
    const b = await presets();
    console.log(JSON.stringify({ round: r, presets: b.map((x) => (x.wait_ms === undefined ? [x.preset, x.longest_task_ms] : [x.preset, x.wait_ms, x.longest_task_ms])) }));
  }
  if (ONLY.includes('knobs')) console.log(JSON.stringify({ round: r, 'preset, then a.explore twice': await knobs() }));
  if (ONLY.includes('answer')) {
    const a = await answer();
    console.log(JSON.stringify({ round: r, answer: { first: Math.round(a.first), done: Math.round(a.done), longest_after_ready: Math.round(a.longest), longest_while_loading: Math.round(a.load) } }));
  }
}
await browser.close();
server.close();
