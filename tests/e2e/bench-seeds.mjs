// The seeds benchmark (not part of the test suite): how long the main view takes to finish one seed
// (the page's own run, in frame slices) against five seeds in Web Workers, in headless Chromium.
// Run with the page served: BASE_URL=http://127.0.0.1:PORT/ node tests/e2e/bench-seeds.mjs
import { chromium } from 'playwright-core';

const BASE = process.env.BASE_URL || 'http://127.0.0.1:8080/';
const ROUNDS = Number(process.env.ROUNDS || 3);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });

async function fresh(preset) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${BASE}index.html#preset=${preset}`);
  await page.waitForSelector('body[data-ready="1"]');
  await page.click('#play'); // pause the opening animation
  return page;
}

async function oneSeed(preset) {
  const page = await fresh(preset);
  const ms = await page.evaluate(async () => {
    document.getElementById('reset').click();
    const t0 = performance.now();
    document.getElementById('end').click();
    while (document.getElementById('progress').value < 1) await new Promise((r) => setTimeout(r, 5));
    return performance.now() - t0;
  });
  await page.close();
  return ms;
}

async function seeds(preset, n) {
  const page = await fresh(preset);
  await page.selectOption('#seeds', String(n));
  await page.waitForFunction((k) => window.__spread().done === k && window.__spread().elapsedMs > 0, n, { timeout: 300000, polling: 20 });
  const ms = await page.evaluate(() => window.__spread().elapsedMs);
  await page.close();
  return ms;
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
for (const preset of (process.env.PRESETS || 'ads-drift,cells-holiday').split(',')) {
  const one = [];
  const five = [];
  for (let i = 0; i < ROUNDS; i++) {
    one.push(await oneSeed(preset));
    five.push(await seeds(preset, 5));
  }
  const ratios = one.map((o, i) => five[i] / o);
  console.log(JSON.stringify({ preset, one_seed_ms: one.map(Math.round), five_seeds_ms: five.map(Math.round), ratio_median: +median(ratios).toFixed(2), ratio_min: +Math.min(...ratios).toFixed(2), ratio_max: +Math.max(...ratios).toFixed(2) }));
}
await browser.close();
