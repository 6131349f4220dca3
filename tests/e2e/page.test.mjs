// End-to-end checks of the served page in headless Chromium (Debian's package, driven by playwright-core).
// `cargo xtask test` serves www/ and sets BASE_URL and CHROMIUM. Screenshots go to tests/e2e/out/.
// Shared helpers (open, finish, inked, ...) live in lib.mjs; other topics have their own *.test.mjs files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, OUT, getBrowser, open, finish, inked, lanePixels, localOnly } from './lib.mjs';

test('the default page loads, runs the wasm and draws a real chart', async () => {
  const { page, errors, requests } = await open();
  await finish(page);
  const ink = await inked(page);
  assert.ok(ink.share > 0.02, `chart is blank (${ink.share})`);
  assert.equal(ink.width, ink.cssWidth * 2, 'canvas is sized in device pixels');
  assert.ok(await lanePixels(page) > 200, 'lane lines are drawn');
  const rows = await page.$$eval('#summary tbody tr', (r) => r.length);
  assert.equal(rows, 3);
  await page.screenshot({ path: OUT + 'desktop.png' });
  assert.deepEqual(errors, []);
  localOnly(requests);
  await page.close();
});

test('hovering reads the bucket under the pointer, from the left edge to the right edge', async () => {
  const { page, errors } = await open('preset=ads-drift');
  await finish(page);
  const geo = await page.evaluate(() => {
    const c = document.getElementById('chart');
    const r = c.getBoundingClientRect();
    return { frames: window.__rtml.plot(), left: r.left + c.clientLeft, top: r.top + c.clientTop, dpr: c.width / c.clientWidth };
  });
  assert.equal(geo.frames.length, 3, 'three panels');
  const f = geo.frames[0];
  assert.equal(geo.dpr, 2, 'the canvas is drawn in device pixels');
  const pxOf = (day) => f.left + ((day - f.x0) / (f.x1 - f.x0)) * (f.right - f.left);
  // The frame is where the lines are: the rightmost lane-coloured pixel of the top panel is the end
  // of the lines (the last bucket's centre), read from the canvas itself.
  const rightmost = await page.evaluate((f) => {
    const c = document.getElementById('chart');
    const { data } = c.getContext('2d').getImageData(0, f.top, c.width, f.bottom - f.top);
    const lanes = [[0, 114, 178], [213, 94, 0], [0, 158, 115]];
    let max = -1;
    for (let i = 0; i < data.length; i += 4) {
      if (lanes.some(([r, g, b]) => Math.abs(data[i] - r) < 30 && Math.abs(data[i + 1] - g) < 30 && Math.abs(data[i + 2] - b) < 30)) max = Math.max(max, (i / 4) % c.width);
    }
    return max;
  }, f);
  const y = geo.top + (f.top + f.bottom) / 2 / geo.dpr;
  const at = async (px) => {
    await page.mouse.move(geo.left + px / geo.dpr, y);
    return (await page.isVisible('#hover')) ? page.textContent('#hover .when') : null;
  };
  const first = await at(pxOf(0.001));
  assert.match(first, /^day 0\.00 \((\d+)(m|h) bucket\)$/);
  const [, n, u] = first.match(/\((\d+)(m|h) bucket/);
  const hours = u === 'h' ? Number(n) : Number(n) / 60;
  const buckets = Math.round((f.x1 * 24) / hours);
  assert.ok(buckets > 100, `${buckets} buckets`);
  const last = pxOf(f.x1 - hours / 48);
  assert.ok(Math.abs(rightmost - last) <= 4, `the lines end at ${rightmost}, the frame says ${last}`);
  // The centre of bucket b reads "day <start of b>", for buckets across the axis and the last three.
  for (const b of [1, Math.floor(buckets / 2), buckets - 3, buckets - 2, buckets - 1]) {
    const want = `day ${((b * hours) / 24).toFixed(2)} (${n}${u} bucket)`;
    assert.equal(await at(pxOf(((b + 0.5) * hours) / 24)), want, `bucket ${b} of ${buckets}`);
  }
  const edge = `day ${(((buckets - 1) * hours) / 24).toFixed(2)} (${n}${u} bucket)`;
  assert.equal(await at(pxOf(f.x1 - hours / 96)), edge, 'the last quarter of the last bucket');
  await page.screenshot({ path: OUT + 'hover-right.png' });
  assert.equal(await at(f.right + 4), null, 'nothing right of the plot area');
  assert.equal(await at(f.left - 4), null, 'nothing left of the plot area');
  assert.deepEqual(errors, []);
  await page.close();
});

test('every preset loads with no console error and a non-blank chart', async () => {
  const presets = ['ads-batch-vs-online', 'ads-drift', 'ads-new-campaigns', 'ads-label-delay', 'cells-sleep', 'cells-sim-gap', 'cells-holiday',
    'ads-stateless-vs-stateful', 'ads-triggered', 'ads-gradual', 'ads-explore', 'cells-clusters', 'cells-events'];
  for (const p of presets) {
    const { page, errors } = await open(`preset=${p}`);
    await finish(page);
    const ink = await inked(page);
    assert.ok(ink.share > 0.02, `${p}: blank chart`);
    const caption = await page.textContent('#caption');
    assert.ok(caption.length > 40, `${p}: caption shown`);
    assert.deepEqual(errors, [], p);
    await page.close();
  }
});

test('moving a knob changes the hash and the chart; reloading restores it', async () => {
  const { page, errors } = await open('preset=ads-drift');
  await finish(page);
  const before = await page.evaluate(() => document.getElementById('chart').toDataURL());
  await page.fill('#k-volume', '300');
  await page.dispatchEvent('#k-volume', 'change');
  await page.waitForFunction(() => location.hash.includes('volume=300'));
  await finish(page);
  const after = await page.evaluate(() => document.getElementById('chart').toDataURL());
  assert.notEqual(before, after, 'the chart changed');
  const url = page.url();
  const table = await page.textContent('#summary tbody');
  const digest = await page.evaluate(() => window.__rtml.digest());
  // A change and "end" at once, twice in a row (the run in workers restarted while under way): the bar
  // reaches the end only with every lane complete. Back at 300 every lane was kept from before (the
  // page keeps finished lanes): that run is complete at once.
  for (const [v, kept] of [['500', false], ['300', true]]) {
    await page.evaluate((v) => {
      const k = document.getElementById('k-volume');
      k.value = v;
      k.dispatchEvent(new Event('change'));
      document.getElementById('end').click();
    }, v);
    const bar = await page.evaluate(() => document.getElementById('progress').value);
    if (kept) assert.equal(bar, 1, 'a run of kept lanes is complete at once');
    else assert.ok(bar < 1, 'a restarted run does not show as finished');
    await finish(page);
  }
  assert.equal(await page.evaluate(() => window.__rtml.digest()), digest, 'the same numbers after a change and back');
  assert.equal(await page.textContent('#summary tbody'), table);
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]');
  await finish(page);
  assert.equal(await page.inputValue('#k-volume'), '300');
  assert.equal(await page.textContent('#summary tbody'), table, 'the same link gives the same numbers');
  assert.equal(await page.evaluate(() => window.__rtml.digest()), digest, 'the same link gives the same run');
  await page.goBack();
  assert.deepEqual(errors, []);
  await page.close();
});

test('a garbage or hostile hash shows a notice and the page still works', async () => {
  const { page, errors } = await open('preset=nope&volume=-5&a.mode=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&zzz=%3Cscript%3Ealert(2)%3C/script%3E&metric=<b>x</b>');
  const notices = await page.textContent('#notices');
  assert.match(notices, /volume/);
  assert.equal(await page.$$eval('#notices img, #notices script, #notices b', (e) => e.length), 0, 'URL values are never HTML');
  await finish(page);
  assert.ok((await inked(page)).share > 0.02);
  assert.deepEqual(errors, []);
  await page.close();
});

test('embed=1 hides the controls; hide= hides chosen knobs; phone width works', async () => {
  const { page, errors } = await open('preset=cells-holiday&embed=1&hide=lanes,seed', { width: 375, height: 800 });
  assert.equal(await page.isVisible('.lanes'), false, 'lanes editor hidden');
  // Hidden from sight; its heading stays for screen readers (a 1-pixel clipped box: axe-core's one h1).
  const header = await page.locator('header').boundingBox();
  assert.ok(!header || (header.width <= 1 && header.height <= 1), `header hidden (${JSON.stringify(header)})`);
  assert.equal(await page.isVisible('[data-key="seed"]'), false, 'seed hidden');
  assert.equal(await page.isVisible('#full'), true, 'link to the full playground');
  await finish(page);
  assert.ok((await inked(page)).share > 0.02);
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scroll <= 380, `no horizontal scroll at 375 px (${scroll})`);
  await page.screenshot({ path: OUT + 'phone-embed.png', fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
  const phone = await open('preset=ads-drift', { width: 375, height: 800 });
  await finish(phone.page);
  await phone.page.screenshot({ path: OUT + 'phone.png' });
  assert.deepEqual(phone.errors, []);
  await phone.page.close();
});

test('keyboard: space plays and pauses', async () => {
  const { page } = await open('preset=ads-drift');
  await page.click('#end');
  await page.waitForFunction(() => document.getElementById('progress').value >= 1);
  await page.click('#reset');
  await page.locator('h1').click();
  await page.keyboard.press('Space');
  assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'true');
  await page.keyboard.press('Space');
  assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'false');
  await page.close();
});

test('a small freshness sweep runs in workers, shows progress and a chart, and equals the command line', async () => {
  const { page, errors, requests } = await open('preset=ads-drift');
  await page.click('#sweep summary');
  await page.fill('#sweep-values', '1h,1d');
  await page.fill('#sweep-seeds', '1');
  await page.evaluate(() => {
    window.__progressSeen = [];
    const bar = document.getElementById('sweep-progress');
    new MutationObserver(() => window.__progressSeen.push(bar.value)).observe(bar, { attributes: true });
    setInterval(() => window.__progressSeen.push(bar.value), 20);
  });
  await page.click('#sweep-run');
  await page.waitForFunction(() => document.getElementById('sweep-status').textContent === 'done', null, { timeout: 120000 });
  const seen = await page.evaluate(() => window.__progressSeen);
  assert.ok(seen.some((v) => v > 0 && v < 1), `progress moved: ${seen.slice(0, 20)}`);
  const ink = await page.evaluate(() => {
    const c = document.getElementById('sweep-chart');
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - data[0]) + Math.abs(data[i + 1] - data[1]) + Math.abs(data[i + 2] - data[2]) > 30) n++;
    return n / (data.length / 4);
  });
  assert.ok(ink > 0.02, `sweep chart drawn (${ink})`);
  assert.match(await page.textContent('#sweep-caption'), /per hour of staleness/);
  if (process.env.SWEEP_EXPECTED) {
    const { readFileSync } = await import('node:fs');
    const want = JSON.parse(readFileSync(process.env.SWEEP_EXPECTED, 'utf8'));
    const got = await page.evaluate(() => window.__sweep.map(({ label, ...rest }) => rest));
    assert.deepEqual(got, want, 'the workers compute the same numbers as `rtml sweep --json`');
  }
  assert.deepEqual(errors, []);
  localOnly(requests);
  await page.close();
});

test('soak: playing a simulated year keeps the JS heap and the wasm memory bounded', async () => {
  const { page, errors } = await open('preset=cells-sleep&days=365');
  await page.selectOption('#speed', '30');
  const samples = [];
  for (;;) {
    const s = await page.evaluate(() => ({ ...window.__rtml.memory(), p: document.getElementById('progress').value }));
    samples.push(s);
    if (s.p >= 1) break;
    await page.waitForTimeout(500);
    if (samples.length > 240) break;
  }
  assert.ok(samples.at(-1).p >= 1, 'the year was played to the end');
  const early = samples.find((s) => s.p >= 0.1) || samples[0];
  const last = samples.at(-1);
  const maxWasm = Math.max(...samples.map((s) => s.wasm));
  assert.ok(maxWasm <= 2 * early.wasm && maxWasm < 128 * 2 ** 20, `wasm memory grew: ${early.wasm} -> ${maxWasm}`);
  if (early.js > 0) assert.ok(last.js <= 2 * early.js + 20 * 2 ** 20, `JS heap grew: ${early.js} -> ${last.js}`);
  console.log(`soak: ${samples.length} samples; wasm ${early.wasm / 2 ** 20} MiB at 10% -> max ${maxWasm / 2 ** 20} MiB; JS heap ${(early.js / 2 ** 20).toFixed(1)} -> ${(last.js / 2 ** 20).toFixed(1)} MiB`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('in-page benchmark: every preset re-run and redrawn, a lane added and removed, the scenario switched, each view opened (figures printed for BENCHMARKS.md)', async () => {
  const { page, errors } = await open('bench=1');
  await page.waitForFunction(() => window.__benchmark, null, { timeout: 300000 });
  const results = await page.evaluate(() => window.__benchmark);
  for (const r of results) console.log('bench', JSON.stringify(r));
  // One row per preset of the menu (its first option is "custom settings"), in its order, then a lane
  // added and removed, the scenario switched and back, each view opened, then the longest task.
  const presets = (await page.$$eval('#preset option', (o) => o.map((x) => x.value))).slice(1);
  assert.ok(presets.length >= 12, `${presets.length} presets in the menu`);
  const last = presets.at(-1).startsWith('ads') ? 'ads' : 'cells';
  const other = last === 'ads' ? 'cells' : 'ads';
  const actions = results.slice(presets.length, -1);
  assert.deepEqual(results.map((r) => r.preset), [...presets, ...actions.map((r) => r.preset), 'longest main-thread task (long-task timing)']);
  assert.deepEqual(actions.map((r) => r.preset).sort(), ['a lane added', 'a lane removed', `scenario switched to ${other}`, `scenario switched to ${last}`, 'sweep view opened', 'whatif view opened', 'replay view opened', 'answer view opened'].sort());
  for (const r of actions) {
    assert.ok(Number.isFinite(r.longest_task_ms) && r.longest_task_ms >= 0, `${r.preset}: longest task ${r.longest_task_ms} ms`);
    if (!r.preset.endsWith('view opened')) assert.equal(r.done, true, `${r.preset}: the run finished`);
  }
  // Each wait is measured from a real re-run: the run finished, and it is the preset's run (the digest
  // of tests/digests.txt), not the previous preset's; its figures are finite times.
  const { readFileSync } = await import('node:fs');
  const digests = Object.fromEntries(readFileSync(new URL('../digests.txt', import.meta.url), 'utf8').trim().split('\n').map((l) => l.split(' ')));
  for (const r of results.slice(0, presets.length)) {
    assert.equal(r.done, true, `${r.preset}: the run finished before its wait was taken`);
    assert.equal(r.digest, digests[r.preset], `${r.preset}: the digest of the preset's run`);
    assert.ok(Number.isFinite(r.wait_ms) && r.wait_ms > 0, `${r.preset}: wait ${r.wait_ms} ms`);
    assert.ok(Number.isFinite(r.redraw_ms) && r.redraw_ms >= 0, `${r.preset}: redraw ${r.redraw_ms} ms`);
    assert.ok(Number.isFinite(r.wall_ms) && r.wall_ms >= r.wait_ms, `${r.preset}: wall ${r.wall_ms} ms, wait ${r.wait_ms} ms`);
    assert.ok(Number.isInteger(r.workers) && r.workers >= 0, `${r.preset}: ${r.workers} workers`);
  }
  const longest = results.at(-1).longest_task_ms;
  assert.ok(Number.isFinite(longest) && longest >= 0, `longest task ${longest} ms`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('replay: a click log and a load trace replay in a worker; bad lines are reported with their number', async () => {
  const { writeFileSync } = await import('node:fs');
  // A learnable click log: feature f3 raises the click rate.
  let vw = '';
  let s = 7;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < 30000; i++) {
    const f = Math.floor(rnd() * 8);
    const y = rnd() < (f === 3 ? 0.5 : 0.05) ? 1 : -1;
    vw += `${y} |u f${f} g${Math.floor(rnd() * 20)} |a ad${Math.floor(rnd() * 5)}\n`;
  }
  writeFileSync(OUT + 'clicks.vw', vw);
  let csv = 'Cell;Datetime;Load\n';
  for (let h = 0; h < 24 * 30; h++) {
    for (const c of ['a', 'b']) {
      const d = new Date(Date.UTC(2024, 0, 1, h));
      const v = 0.3 + 0.25 * Math.sin((2 * Math.PI * (h % 24)) / 24) + (c === 'b' ? 0.1 : 0) + 0.02 * rnd();
      csv += `${c};${d.toISOString().slice(0, 19).replace('T', ' ')};${v.toFixed(4)}\n`;
    }
  }
  writeFileSync(OUT + 'loads.csv', csv);
  // The same loads in percent.
  writeFileSync(OUT + 'loads-percent.csv', csv.split('\n').map((l, i) => {
    const f = l.split(';');
    return i === 0 || f.length < 3 ? l : `${f[0]};${f[1]};${(Number(f[2]) * 100).toFixed(2)}`;
  }).join('\n'));
  writeFileSync(OUT + 'bad.vw', '1 |u a b\n1 |u c\nnot-a-label |u d\n');

  const { page, errors, requests } = await open('tab=replay');
  await page.setInputFiles('#replay-file', OUT + 'clicks.vw');
  await page.click('#replay-run');
  await page.waitForFunction(() => /done/.test(document.getElementById('replay-status').textContent), null, { timeout: 60000 });
  const rows = await page.$$eval('#replay-table tbody tr', (r) => r.length);
  assert.ok(rows >= 2, `lanes reported (${rows})`);
  const report = await page.evaluate(() => window.__replay);
  assert.ok(report.lanes.every((l) => l.metrics.log_loss > 0 && l.metrics.auc > 0.6), JSON.stringify(report.lanes.map((l) => l.metrics)));

  await page.selectOption('#replay-format', 'load-csv');
  await page.setInputFiles('#replay-file', OUT + 'loads.csv');
  await page.fill('#replay-value', 'Load');
  await page.click('#replay-run');
  await page.waitForFunction(() => /done/.test(document.getElementById('replay-status').textContent) && window.__replay.format !== 'vw', null, { timeout: 60000 });
  const loads = await page.evaluate(() => window.__replay);
  assert.ok(loads.lanes.every((l) => Number.isFinite(l.metrics.mae)), JSON.stringify(loads.lanes.map((l) => l.metrics)));
  assert.doesNotMatch(await page.textContent('#replay-notices'), /above 1/);

  // Percentages: the notice names the form's Scale field (no command-line flag), and Scale 100 reads
  // them as the shares above.
  const replayPercent = async (scale) => {
    await page.fill('#replay-scale', scale);
    await page.evaluate(() => { window.__replay = null; });
    await page.setInputFiles('#replay-file', OUT + 'loads-percent.csv');
    await page.click('#replay-run');
    await page.waitForFunction(() => window.__replay && /done/.test(document.getElementById('replay-status').textContent), null, { timeout: 60000 });
    return [await page.evaluate(() => window.__replay), await page.textContent('#replay-notices')];
  };
  const [, unscaled] = await replayPercent('1');
  assert.match(unscaled, /above 1 after dividing by Scale 1 .*set Scale to 100/);
  assert.doesNotMatch(unscaled, /--[a-z]/);
  const [scaled, said] = await replayPercent('100');
  assert.doesNotMatch(said, /above 1/);
  // The same energy within rounding (unscaled, every load is capped at 1 and no cell sleeps).
  const close = (a, b) => Math.abs(a - b) <= 1e-3 * Math.max(Math.abs(a), Math.abs(b));
  for (const [i, l] of scaled.lanes.entries()) {
    assert.ok(l.metrics.energy_saved_pct > 0 && close(l.metrics.energy_kwh, loads.lanes[i].metrics.energy_kwh), JSON.stringify([l.metrics, loads.lanes[i].metrics]));
  }
  await page.fill('#replay-scale', '1');

  await page.setInputFiles('#replay-file', OUT + 'bad.vw');
  await page.click('#replay-run');
  await page.waitForSelector('#replay-error:not([hidden])', { timeout: 30000 });
  assert.match(await page.textContent('#replay-error'), /line 3/);
  assert.deepEqual(errors, []);
  localOnly(requests);
  await page.close();
});

test('replay: a gzipped click log (any name) equals the plain file; a short file warms up on its first half; nothing scored is said', async () => {
  const { writeFileSync } = await import('node:fs');
  const { gzipSync } = await import('node:zlib');
  let vw = '';
  let s = 11;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < 6000; i++) {
    const f = Math.floor(rnd() * 8);
    vw += `${rnd() < (f === 3 ? 0.5 : 0.05) ? 1 : -1} |u f${f} g${Math.floor(rnd() * 200)} |a ad${Math.floor(rnd() * 5)}\n`;
  }
  writeFileSync(OUT + 'small.vw', vw);
  writeFileSync(OUT + 'small.vw.gz', gzipSync(vw));
  // Gzip told by its first bytes, under a name that does not say so.
  writeFileSync(OUT + 'gzipped.txt', gzipSync(vw, { level: 1 }));
  // Concatenated members (`cat a.gz b.gz`), which the browser's DecompressionStream does not read.
  writeFileSync(OUT + 'members.vw.gz', Buffer.concat([gzipSync(vw.slice(0, 1000)), gzipSync(vw.slice(1000))]));

  const { page, errors, requests } = await open('tab=replay');
  const replayFile = async (name, warmup = '') => {
    await page.setInputFiles('#replay-file', OUT + name);
    await page.fill('#replay-warmup', warmup);
    await page.evaluate(() => { window.__replay = null; });
    await page.click('#replay-run');
    await page.waitForFunction(() => window.__replay && /done/.test(document.getElementById('replay-status').textContent), null, { timeout: 60000 });
    const r = await page.evaluate(() => window.__replay);
    r.file = r.elapsed_secs = null;
    for (const l of r.lanes) l.examples_per_sec = null;
    return r;
  };
  const plain = await replayFile('small.vw');
  assert.equal(plain.warmup, 3000);
  assert.ok(plain.lanes.every((l) => l.examples === 3000 && l.metrics.auc > 0.6), JSON.stringify(plain.lanes.map((l) => l.metrics)));
  assert.match(await page.textContent('#replay-notices'), /first half/);
  assert.deepEqual(await replayFile('small.vw.gz'), plain);
  assert.deepEqual(await replayFile('gzipped.txt'), plain);

  // A warm-up longer than the file: the page says nothing was scored and names the field that fixes it.
  const none = await replayFile('small.vw.gz', '8000');
  assert.ok(none.lanes.every((l) => l.examples === 0));
  assert.match(await page.textContent('#replay-status'), /nothing scored/);
  assert.match(await page.textContent('#replay-notices'), /nothing was scored.*set Warm-up lower, e\.g\. to \d+/);
  assert.doesNotMatch(await page.textContent('#replay-notices'), /--[a-z]/);
  const heads = await page.$$eval('#replay-table thead th', (t) => t.map((h) => h.textContent));
  assert.ok(!heads.includes('log_loss'), heads.join());

  // A damaged gzip file, or one of several members, is an error saying so, not a silent partial replay.
  const gz = gzipSync(vw);
  writeFileSync(OUT + 'cut.vw.gz', gz.subarray(0, gz.length >> 1));
  await page.fill('#replay-warmup', '');
  for (const [name, says] of [['cut.vw.gz', /cannot decompress cut\.vw\.gz/], ['members.vw.gz', /several gzip members.*rtml replay/]]) {
    await page.setInputFiles('#replay-file', OUT + name);
    await page.click('#replay-run');
    await page.waitForSelector('#replay-error:not([hidden])', { timeout: 30000 });
    assert.match(await page.textContent('#replay-error'), says);
    assert.match(await page.textContent('#replay-status'), /stopped/);
  }
  assert.deepEqual(errors, []);
  localOnly(requests);
  await page.close();
});

test('replay: a 100 MB click log streams through a worker without freezing the page', async () => {
  const { openSync, writeSync, closeSync, statSync } = await import('node:fs');
  const path = OUT + 'big.vw';
  const fd = openSync(path, 'w');
  let block = '';
  for (let i = 0; i < 10000; i++) block += `${i % 29 === 0 ? 1 : -1} |u user${i % 977} seg${i % 13} |a ad${i % 101} cat${i % 7} |c h${i % 24} dev${i % 3}\n`;
  const want = 100 * 2 ** 20;
  let size = 0;
  while (size < want) size += writeSync(fd, block);
  closeSync(fd);
  assert.ok(statSync(path).size >= want);

  const { page, errors } = await open('tab=replay');
  await page.setInputFiles('#replay-file', path);
  await page.fill('#replay-lanes', 'continual');
  await page.evaluate(() => {
    window.__gaps = [];
    let last = performance.now();
    const tick = (t) => { window.__gaps.push(t - last); last = t; if (!window.__stopGaps) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const heapBefore = await page.evaluate(() => (performance.memory ? performance.memory.usedJSHeapSize : 0));
  await page.click('#replay-run');
  const t0 = Date.now();
  await page.waitForFunction(() => /done/.test(document.getElementById('replay-status').textContent), null, { timeout: 600000 });
  const secs = (Date.now() - t0) / 1000;
  const { gaps, heap } = await page.evaluate(() => { window.__stopGaps = true; return { gaps: window.__gaps, heap: performance.memory ? performance.memory.usedJSHeapSize : 0 }; });
  const worst = Math.max(...gaps.slice(2));
  console.log(`big replay: ${(want / 2 ** 20).toFixed(0)} MiB in ${secs.toFixed(1)} s; longest frame gap ${worst.toFixed(0)} ms; main-thread heap ${(heapBefore / 2 ** 20).toFixed(1)} -> ${(heap / 2 ** 20).toFixed(1)} MiB`);
  assert.ok(worst < 500, `the page froze for ${worst} ms`);
  if (heapBefore > 0) assert.ok(heap < heapBefore + 50 * 2 ** 20, 'the file is not held in the page');
  const report = await page.evaluate(() => window.__replay);
  assert.ok(report.lines > 1e6, `${report.lines} lines`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('an over-budget setting shows its cost and a warning instead of a run, until confirmed', async () => {
  // Through the URL: a stateless lane retraining every minute on a week of data (minutes of work).
  for (const [width, name] of [[375, 'cost-warning-phone.png'], [1280, 'cost-warning.png']]) {
    const { page, errors } = await open('lanes=1&a.mode=online&a.update=periodic&a.retrain=stateless&a.every=1m', { width, height: 800 });
    assert.equal(await page.isVisible('#cost-warning'), true, 'the warning shows');
    assert.match(await page.textContent('#cost-why'), /a\.every/);
    assert.match(await page.textContent('#cost'), /≈ .*min.*MB/);
    await page.click('#play');
    await page.waitForTimeout(400);
    assert.equal(await page.evaluate(() => window.__rtml.progress()), 0, 'nothing runs before the confirmation');
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scroll <= width + 5, `no horizontal scroll at ${width} px (${scroll})`);
    await page.screenshot({ path: OUT + name });
    assert.deepEqual(errors, []);
    await page.close();
  }
  // Through a control: the default run shows a small estimate; a year-long horizon asks first.
  const { page, errors } = await open('');
  assert.equal(await page.isVisible('#cost-warning'), false);
  assert.match(await page.textContent('#cost'), /≈ [0-9.]+ s, \d+ MB/);
  await page.fill('#k-days', '365');
  await page.dispatchEvent('#k-days', 'change');
  await page.waitForSelector('#cost-warning', { state: 'visible' });
  assert.match(await page.textContent('#cost-why'), /over 10 s/);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__rtml.progress()), 0, 'held');
  await page.click('#run-anyway');
  await page.waitForFunction(() => window.__rtml.progress() > 0, null, { timeout: 30000 });
  assert.equal(await page.isVisible('#cost-warning'), false);
  // Too large for a tab at all: no way to run it.
  await page.evaluate(() => { location.hash = 'lanes=4&a.bits=22&b.bits=22&c.bits=22&d.bits=22&a.deploy=2d&a.update=periodic&a.every=1h&b.deploy=2d&b.update=periodic&b.every=1h&c.deploy=2d&c.update=periodic&c.every=1h'; });
  await page.waitForFunction(() => /too large/.test(document.getElementById('cost-why').textContent));
  assert.equal(await page.isVisible('#run-anyway'), false);
  assert.deepEqual(errors, []);
  await page.close();
});
