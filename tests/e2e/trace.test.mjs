// The freshness map of the replayed file (issue 27 item 2): after a replay of a load trace the panel
// offers "Freshness map of this file", runs its rows in the studies' workers with progress, draws the
// answer's map and fills the table, and nothing leaves the page. With TRACE_FILE (a local file, e.g.
// the LTE trace of ../shared/data; not a test input) it also times the map on that file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, OUT, BASE } from './lib.mjs';

/** An hourly trace of two cells over 22 days (times in hours): a daily shape and some noise. */
function trace() {
  let s = 'time,cell,value\n';
  let x = 7;
  for (let h = 0; h < 22 * 24; h++) {
    for (let c = 0; c < 2; c++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      s += `${h},c${c},${(0.3 + 0.2 * Math.sin((h % 24) / 24 * 2 * Math.PI) + 0.1 * x / 2147483648).toFixed(4)}\n`;
    }
  }
  return s;
}

/** Waits until the replay has ended, however it ended, and asserts that it ended done (a failure
 * shows its own status and message instead of a timeout). */
async function replayed(page) {
  await page.waitForFunction(() => /done|stopped|cancelled|Not started/.test(document.getElementById('replay-status').textContent + document.getElementById('replay-error').textContent), null, { timeout: 120000 });
  const status = await page.textContent('#replay-status');
  assert.match(status, /done/, `${status}: ${await page.textContent('#replay-error')}`);
}

/** Waits until the map has ended (any status but an empty one, reading or counting rows) and asserts
 * that it ended done: a failed, cancelled or refused map fails here with its message. */
async function mapped(page) {
  await page.waitForFunction(() => {
    const s = document.getElementById('trace-status').textContent;
    return s !== '' && !/^reading|rows$/.test(s);
  }, null, { timeout: 180000 });
  assert.equal(await page.textContent('#trace-status'), 'done');
}

async function replayThenMap(page, file, fields) {
  await page.setInputFiles('#replay-file', file);
  await page.selectOption('#replay-format', 'load-csv');
  for (const [id, v] of Object.entries(fields)) await page.fill('#' + id, v);
  await page.click('#replay-run');
  await replayed(page);
  assert.equal(await page.isVisible('#trace-run'), true);
  await page.click('#trace-run');
  await mapped(page);
}

test('after a replay of a load trace, the freshness map of the file runs in workers and draws the answer\'s map', async () => {
  const { page, errors, requests } = await open('tab=replay');
  const fields = { 'replay-delimiter': ',', 'replay-time': 'time', 'replay-cell': 'cell', 'replay-value': 'value' };
  await replayThenMap(page, { name: 'trace.csv', mimeType: 'text/csv', buffer: Buffer.from(trace()) }, fields);
  assert.equal(await page.textContent('#trace-status'), 'done');
  const json = await page.evaluate(() => window.__trace);
  const m = json.scenarios[0];
  assert.equal(m.scenario, 'trace');
  assert.equal(m.mae.length, 3);
  assert.ok(m.mae[0][0] > 0 && m.mae[0][0] <= Math.min(...m.mae.flat().filter((x) => x !== null)));
  assert.equal(m.money, null);
  assert.match(await page.textContent('#trace-words'), /coverage layer/);
  assert.ok((await page.$$('#trace-table tbody tr')).length === 16);
  // The map is drawn (the canvas is not blank).
  const inked = await page.$eval('#trace-chart', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4 * 97) if (d[i] !== d[0] || d[i + 1] !== d[1]) n++;
    return n;
  });
  assert.ok(inked > 50, `${inked} inked samples`);
  // The inputs are in the link.
  await page.fill('#trace-every', 'continual,1d,frozen');
  await page.dispatchEvent('#trace-every', 'change');
  await page.waitForFunction(() => /trace\.every=continual,1d,frozen/.test(location.hash));
  for (const [w, h, dark, name] of [[1280, 900, false, '1280'], [375, 800, false, '375'], [700, 500, true, '700x500-dark']]) {
    await page.setViewportSize({ width: w, height: h });
    await page.emulateMedia({ colorScheme: dark ? 'dark' : 'light' });
    await page.waitForTimeout(300);
    await (await page.$('#trace')).screenshot({ path: `${OUT}trace-${name}.png` });
  }
  // Coverage groups: a cell in two groups is refused with a message and kept out of the link; `all`
  // (untuned levels: the trace is too short to tune on a month) prices every cell of the map.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.fill('#trace-groups', 'c0,c1;c1');
  await page.dispatchEvent('#trace-groups', 'change');
  await page.waitForFunction(() => /group 1 and in group 2/.test(document.getElementById('notices').textContent));
  assert.equal(await page.inputValue('#trace-groups'), '');
  assert.doesNotMatch(await page.evaluate(() => location.hash), /trace\.groups/);
  await page.fill('#trace-groups', 'all');
  await page.dispatchEvent('#trace-groups', 'change');
  await page.fill('#trace-sets', 'tune=off&price_kwh=0.3');
  await page.dispatchEvent('#trace-sets', 'change');
  await page.waitForFunction(() => /trace\.groups=all/.test(location.hash) && /trace\.sets=/.test(location.hash));
  await page.click('#trace-run');
  await page.waitForFunction(() => /done|failed/.test(document.getElementById('trace-status').textContent), null, { timeout: 180000 });
  assert.equal(await page.textContent('#trace-status'), 'done');
  const priced = (await page.evaluate(() => window.__trace)).scenarios[0];
  assert.ok(priced.money && priced.money.seeds >= 2, JSON.stringify(priced.money_why));
  assert.match(await page.textContent('#trace-words'), /over keeping every cell on/);
  assert.ok((await page.$$eval('#trace-table thead th', (t) => t.map((x) => x.textContent))).some((h) => /Money lost/.test(h)));
  await (await page.$('#trace')).screenshot({ path: `${OUT}trace-money.png` });
  assert.deepEqual(requests.filter((u) => !u.startsWith(BASE) && !u.startsWith('blob:') && !u.startsWith('data:')), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('after a replay of a click log, its map is the model\'s freshness in log loss, NE and AUC', async () => {
  const { page, errors } = await open('tab=replay');
  let x = 11;
  let vw = '';
  for (let i = 0; i < 30000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const f = (x >> 7) & 1 ? 'b' : 'a';
    const hot = i < 15000 ? 'a' : 'b';
    vw += `${(x % 1000) / 1000 < (f === hot ? 0.3 : 0.02) ? 1 : -1} |u ${f}\n`;
  }
  await page.setInputFiles('#replay-file', { name: 'log.vw', mimeType: 'text/plain', buffer: Buffer.from(vw) });
  await page.selectOption('#replay-format', 'vw');
  await page.click('#replay-run');
  await replayed(page);
  assert.equal(await page.isVisible('#trace-refresh'), false);
  await page.click('#trace-run');
  await mapped(page);
  const m = (await page.evaluate(() => window.__trace)).scenarios[0];
  assert.equal(m.metric, 'log_loss');
  assert.deepEqual(m.every, ['continual', '10000', '100000', 'frozen']);
  assert.ok(m.mae[0][0] < m.mae[0][3], JSON.stringify(m.mae));
  assert.match(await page.textContent('#trace-words'), /frozen.*NE/);
  await (await page.$('#trace')).screenshot({ path: `${OUT}trace-vw.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the map of a local file is timed (TRACE_FILE; skipped without it)', { skip: !process.env.TRACE_FILE }, async () => {
  const { page, errors } = await open('tab=replay');
  const fields = { 'replay-delimiter': ';', 'replay-time': 'Datetime', 'replay-cell': 'Cell', 'replay-value': 'PRB_Utilization_Percent' };
  await replayThenMap(page, process.env.TRACE_FILE, fields);
  const t = await page.evaluate(() => window.__traceTiming);
  const json = await page.evaluate(() => window.__trace);
  console.log(`map of ${process.env.TRACE_FILE}: ${(t / 1000).toFixed(1)} s in the page; mae ${JSON.stringify(json.scenarios[0].mae)}`);
  assert.ok(t < 20000, `${t} ms`);
  assert.deepEqual(errors, []);
  await page.close();
});
