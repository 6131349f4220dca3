// The what-if panel: both curves drawn, the picks move with the simulator-error slider, workers with
// progress, nothing leaves the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, localOnly, OUT } from './lib.mjs';

/** Pixels of the what-if chart in the real curve's blue and in the prediction's vermillion. */
async function curvePixels(page) {
  return page.evaluate(() => {
    const c = document.getElementById('whatif-chart');
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let blue = 0, orange = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
      if (Math.abs(r - 0) < 30 && Math.abs(g - 114) < 30 && Math.abs(b - 178) < 30) blue++;
      if (Math.abs(r - 213) < 30 && Math.abs(g - 94) < 30 && b < 50) orange++;
    }
    return { blue, orange, sum: Array.from(data).reduce((a, v, i) => (a + v * ((i % 97) + 1)) % 1000000007, 0) };
  });
}

async function slide(page, step) {
  await page.$eval('#whatif-error', (el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', { bubbles: true })); }, step);
  await page.waitForFunction((v) => Math.round(window.__whatif.sim_error * 10) === v, step);
}

test('what-if: tab=whatif runs in workers, draws both curves, and the picks of seeds deciding alone part as the simulator drifts', async () => {
  const { page, errors, requests } = await open('tab=whatif');
  await page.waitForFunction(() => /done/.test(document.getElementById('whatif-status').textContent), null, { timeout: 180000 });
  assert.equal(await page.$eval('#whatif-progress', (p) => p.value), 1);
  const s = await page.evaluate(() => window.__whatif);
  assert.equal(s.knob, 'threshold');
  assert.equal(s.predicted.length, s.values.length);
  assert.equal(s.real.length, s.values.length);
  assert.equal(s.sim_error, 0.5, 'the slider starts at the preset\'s simulator error');
  const px = await curvePixels(page);
  assert.ok(px.blue > 500 && px.orange > 500, `both curves drawn: ${JSON.stringify(px)}`);
  await page.$eval('#whatif', (d) => d.scrollIntoView());
  await page.screenshot({ path: OUT + 'whatif-1280.png', fullPage: false });

  // A perfect simulator: the picks agree and trusting it costs nothing.
  await slide(page, 0);
  const perfect = await page.evaluate(() => window.__whatif);
  assert.equal(perfect.sim_pick, perfect.true_pick);
  assert.equal(perfect.regret, 0);
  assert.match(await page.textContent('#whatif-caption'), /the picks agree/);
  const px0 = await curvePixels(page);
  // A simulator 100% off: seeds deciding alone pick away from their own best, which costs money;
  // the real curve is its own plans run live, so it moves too.
  await slide(page, 10);
  const off = await page.evaluate(() => window.__whatif);
  assert.ok(off.wrong_seeds > 0 && off.seed_regret.mean > 0, JSON.stringify(off));
  assert.notDeepEqual(off.real, perfect.real, 'the real curve is the simulator\'s plans');
  assert.ok(off.regret >= 0);
  const px10 = await curvePixels(page);
  assert.notEqual(px0.sum, px10.sum, 'the chart was redrawn');

  // An optimistic simulator (peaks 30% low) runs again; even without noise its pick costs money.
  await page.selectOption('#whatif-bias', '-0.3');
  await page.waitForFunction(() => /done/.test(document.getElementById('whatif-status').textContent) && window.__whatif.sim_bias === -0.3, null, { timeout: 180000 });
  await slide(page, 0);
  const optimistic = await page.evaluate(() => window.__whatif);
  assert.ok(optimistic.regret > 0 && optimistic.seed_regret.mean > 0, JSON.stringify(optimistic));
  assert.match(await page.textContent('#whatif-caption'), /30% low \(optimistic\)/);

  // The refit mode: its panel and sentence.
  await page.check('#whatif-refit');
  await page.waitForFunction(() => (window.__whatif.refit ?? []).length === 3);
  assert.match(await page.textContent('#whatif-caption'), /Refitted on 1 week of live load/);
  await page.$eval('#whatif', (d) => d.scrollIntoView());
  await page.screenshot({ path: OUT + 'whatif-refit-1280.png' });
  assert.deepEqual(errors, []);
  localOnly(requests);
  await page.close();
});

test('what-if: readable on a phone and in dark mode; bad values get a message, not a crash', async () => {
  const { page, errors } = await open('tab=whatif', { width: 375, height: 800 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForFunction(() => /done/.test(document.getElementById('whatif-status').textContent), null, { timeout: 180000 });
  await page.$eval('#whatif-chart', (c) => c.scrollIntoView());
  await page.screenshot({ path: OUT + 'whatif-375-dark.png' });
  const w = await page.$eval('#whatif-chart', (c) => c.getBoundingClientRect().width);
  assert.ok(w <= 375, `the chart fits the phone (${w})`);
  await page.check('#whatif-refit');
  await page.waitForFunction(() => (window.__whatif.refit ?? []).length === 3);
  await page.$eval('#whatif-chart', (c) => c.scrollIntoView());
  await page.screenshot({ path: OUT + 'whatif-375-dark-refit.png' });
  await page.fill('#whatif-values', '0.1,7');
  await page.click('#whatif-run');
  await page.waitForFunction(() => /failed/.test(document.getElementById('whatif-status').textContent), null, { timeout: 30000 });
  assert.match(await page.textContent('#whatif-status'), /threshold/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('what-if: a followed link runs its own inputs, the run going cancelled first', async () => {
  const { page, errors } = await open('tab=whatif&whatif.seeds=2');
  await page.waitForFunction(() => /done/.test(document.getElementById('whatif-status').textContent), null, { timeout: 180000 });
  assert.equal(await page.evaluate(() => window.__whatif.seeds), 2);
  // A link with other inputs while a run of 3 seeds is going: the panel ends with the link's.
  await page.fill('#whatif-seeds', '3');
  await page.dispatchEvent('#whatif-seeds', 'change');
  await page.click('#whatif-run');
  await page.evaluate(() => { location.hash = 'tab=whatif&whatif.seeds=1'; });
  await page.waitForFunction(() => /done/.test(document.getElementById('whatif-status').textContent) && window.__whatif.seeds === 1, null, { timeout: 180000 });
  assert.equal(await page.inputValue('#whatif-seeds'), '1');
  assert.deepEqual(errors, []);
  await page.close();
});

test('what-if: a lesson link embedded in a 700x500 frame shows the chart', async () => {
  const { page, errors } = await open('tab=whatif&embed=1', { width: 700, height: 500 });
  await page.waitForFunction(() => /done/.test(document.getElementById('whatif-status').textContent), null, { timeout: 180000 });
  await page.waitForTimeout(200);
  const box = await page.$eval('#whatif-chart', (c) => { const r = c.getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; });
  assert.ok(box.top >= -1 && box.bottom <= 501, `the chart is in the frame: ${JSON.stringify(box)}`);
  await page.screenshot({ path: OUT + 'whatif-embed-700x500.png' });
  assert.deepEqual(errors, []);
  await page.close();
});
