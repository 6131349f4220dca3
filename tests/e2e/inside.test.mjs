// Looking inside a run: the spread across seeds (seeds.js), the pipeline diagram, the world panes
// (inside.js). The page's win counts and claim counts are checked against `rtml run --seeds`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { open, inked, localOnly, getBrowser, BASE, OUT } from './lib.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What the command line says about `preset` over `n` seeds (the same binary xtask built). */
function cli(preset, n) {
  const out = execFileSync('cargo', ['run', '--quiet', '--bin', 'rtml', '--', 'run', '--preset', preset, '--seeds', String(n), '--json'], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out);
}

async function spreadOf(page, n) {
  await page.selectOption('#seeds', String(n));
  await page.waitForFunction((k) => window.__spread().done === k && window.__spread().total === k, n, { timeout: 120000 });
  await page.waitForTimeout(200);
  return page.evaluate(() => window.__spread().spread);
}

for (const preset of ['ads-label-delay', 'cells-holiday']) {
  test(`${preset}: five seeds draw a band, and the win and claim counts equal the command line's`, async () => {
    const want = cli(preset, 5);
    const { page, errors, requests } = await open(`preset=${preset}`);
    const spread = await spreadOf(page, 5);
    assert.deepEqual(spread.seeds, want.seeds);
    const ink = await inked(page);
    assert.ok(ink.share > 0.03, `the spread chart is drawn (${ink.share})`);
    // Band pixels: a lane's colour mixed at 20% over the background, anywhere in the chart. Which lane's
    // band shows depends on the world: in cells-holiday lane C's unserved traffic sets the scale and
    // lane B's band is a few pixels high, under A's and C's (counted in its colour: under 100 px).
    const band = await page.evaluate(() => {
      const c = document.getElementById('chart');
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      const tints = [[0, 114, 178], [213, 94, 0], [0, 158, 115]].map((rgb) => rgb.map((v) => 0.2 * v + 0.8 * 255));
      const n = tints.map(() => 0);
      for (let i = 0; i < data.length; i += 4) {
        tints.forEach((t, k) => { if (Math.abs(data[i] - t[0]) < 10 && Math.abs(data[i + 1] - t[1]) < 10 && Math.abs(data[i + 2] - t[2]) < 10) n[k]++; });
      }
      return n;
    });
    assert.ok(Math.max(...band) > 2000, `a lane's band is filled (${band} px per lane)`);
    // Lane B's band itself, as the page reads it under the pointer: somewhere its 90% interval is wide.
    const boxB = await page.locator('#chart').boundingBox();
    let wide = 0;
    for (let k = 0; k < 40; k++) {
      await page.mouse.move(boxB.x + boxB.width * (0.06 + 0.9 * k / 39), boxB.y + boxB.height * 0.3);
      const m = /B: (\S+) \[(\S+), (\S+)\]/.exec(await page.textContent('#hover'));
      if (m && Number(m[3]) > Number(m[2])) wide++;
    }
    assert.ok(wide >= 5, `lane B's band is wider than its mean line in ${wide} of 40 columns`);
    // Win counts: the table's "better than A" column, per lane, equals the command line's pairs.
    for (const pair of want.pairs.filter((p) => p.lanes[0] === 'A')) {
      const cell = await page.textContent(`#summary td.wins[data-lane="${pair.lanes[1]}"]`);
      assert.equal(cell, `${pair.better[1]} of 5`, `${pair.lanes[1]} vs A`);
    }
    assert.ok(await page.locator('#summary .interval').count() > 10, 'figures carry their interval');
    // The caption's claims, with how often each held.
    const claims = await page.$$eval('#claims li', (li) => li.map((x) => x.textContent));
    assert.deepEqual(claims, want.claims.map((c) => `held in ${c.held} of ${c.of} seeds: ${c.claim}`));
    // The hover reads the mean and the interval.
    const box = await page.locator('#chart').boundingBox();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.3);
    assert.match(await page.textContent('#hover'), /A: .*\[.*,.*\]/);
    await page.screenshot({ path: OUT + `seeds-${preset}.png` });
    // Back to one seed: the single run's table, no claims list.
    await page.selectOption('#seeds', '1');
    await page.waitForTimeout(300);
    assert.equal(await page.isVisible('#claims'), false);
    assert.equal(await page.locator('#summary .interval').count(), 0);
    assert.deepEqual(errors, []);
    localOnly(requests);
    await page.close();
  });
}

test('the seeds control fits a phone, an embed frame and the dark theme', async () => {
  for (const [name, vp, hash, scheme] of [
    ['seeds-phone.png', { width: 375, height: 800 }, 'preset=cells-sleep', 'light'],
    ['seeds-embed-dark.png', { width: 700, height: 500 }, 'preset=cells-sleep&embed=1', 'dark'],
    ['seeds-desktop-dark.png', { width: 1280, height: 900 }, 'preset=cells-sleep', 'dark'],
  ]) {
    const context = await getBrowser().newContext({ viewport: vp, deviceScaleFactor: 2, colorScheme: scheme });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(BASE + 'index.html#' + hash);
    await page.waitForSelector('body[data-ready="1"]');
    await spreadOf(page, 5);
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scroll <= vp.width + 5, `no horizontal scroll at ${vp.width} px (${scroll})`);
    await page.screenshot({ path: OUT + name });
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('the pipeline diagram shows each lane on the stack and focuses the knob of the stage clicked', async () => {
  const { page, errors, requests } = await open('preset=ads-drift');
  // The focused knob's id (a segmented control's chosen radio counts as its group).
  const focused = () => page.evaluate(() => document.activeElement && (document.activeElement.closest('.seg') || document.activeElement).id);
  // Seven stages in the order of the post, each lane's value on the lane stages.
  const names = await page.$$eval('#pipeline-stages .stage-name', (b) => b.map((x) => x.textContent));
  assert.deepEqual(names, ['Events', 'Log / stream', 'Stream features', 'Feature / prediction store', 'Scheduled training', 'Model deploy', 'Serving']);
  assert.equal(await page.locator('#stage-training [data-lane]').count(), 3);
  assert.match(await page.textContent('#stage-training [data-lane="B"]'), /every 1d/);
  for (const [stage, lane, id] of [['log', 'B', 'k-b-join'], ['training', 'B', 'k-b-every'], ['deploy', 'B', 'k-b-deploy'], ['features', 'C', 'k-c-mode'], ['serving', 'A', 'k-a-policy']]) {
    await page.click(`#stage-${stage} [data-lane="${lane}"]`);
    assert.equal(await focused(), id, `${stage} of lane ${lane}`);
  }
  // Lane C learns continually: it has no deploy delay, its card no deploy knob, so its value is no button;
  // the same for lane A's store (lane A predicts online: no batch refresh).
  for (const [stage, lane] of [['deploy', 'C'], ['store', 'A']]) {
    assert.equal(await page.$eval(`#stage-${stage} [data-lane="${lane}"]`, (e) => e.tagName), 'P', `${stage} of lane ${lane} is no button`);
  }
  assert.match(await page.textContent('#stage-deploy [data-lane="C"]'), /C: —, continual/);
  assert.equal(await page.locator('#k-c-deploy').count(), 0);
  await page.click('#stage-events .stage-name');
  assert.equal(await focused(), 'k-click_delay');
  // Lane A is frozen (no retraining interval): the stage's name focuses the first lane that retrains.
  await page.click('#stage-training .stage-name');
  assert.equal(await focused(), 'k-b-every');
  // A knob changed elsewhere shows on the diagram.
  await page.fill('#k-b-every', '6h');
  await page.dispatchEvent('#k-b-every', 'change');
  await page.waitForFunction(() => /every 6h/.test(document.querySelector('#stage-training [data-lane="B"]').textContent));
  // The glossary links to the stages and back.
  assert.equal(await page.getAttribute('#gloss-label-delay + dd a.to-stage', 'href'), '#stage-log');
  assert.equal(await page.getAttribute('#stage-log a.gloss', 'href'), '#gloss-label-delay');
  await page.locator('#pipeline-stages').scrollIntoViewIfNeeded();
  await page.screenshot({ path: OUT + 'pipeline.png' });
  // Cells: a reference lane has no delay knob: a note instead of a focus.
  await page.evaluate(() => { location.hash = 'preset=cells-sleep'; });
  await page.waitForFunction(() => /label/.test(document.querySelector('#stage-log').textContent) && document.querySelectorAll('#stage-log [data-lane]').length === 4);
  await page.click('#stage-log [data-lane="C"]');
  assert.equal(await focused(), 'k-c-label_delay');
  // Lanes A (always on) and B (the operators' rule) are reference lanes (no model, no label delay
  // knob): their values read as not applying.
  for (const lane of ['A', 'B']) {
    assert.equal(await page.$eval(`#stage-log [data-lane="${lane}"]`, (e) => e.tagName), 'P');
    assert.match(await page.getAttribute(`#stage-log [data-lane="${lane}"]`, 'title'), new RegExp(`Does not apply to lane ${lane}`));
  }
  // The load noise sits in the traffic group's folded "more": the click opens the fold.
  const foldOpen = () => page.$eval('#k-load_noise', (e) => e.closest('details').open);
  assert.equal(await foldOpen(), false);
  await page.click('#stage-events .stage-name');
  assert.equal(await focused(), 'k-load_noise');
  assert.equal(await foldOpen(), true);
  assert.deepEqual(errors, []);
  localOnly(requests);
  await page.close();
  const phone = await open('preset=ads-drift', { width: 375, height: 800 });
  await phone.page.locator('#pipeline-stages').scrollIntoViewIfNeeded();
  const scroll = await phone.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scroll <= 380, `no horizontal scroll on a phone (${scroll})`);
  await phone.page.screenshot({ path: OUT + 'pipeline-phone.png' });
  await phone.page.close();
});

// ---- the world panes ----------------------------------------------------------------------------

/** The world panes' canvas: its share of inked pixels, a fingerprint of its pixels, its cursor. */
async function panes(page) {
  return page.evaluate(() => {
    const c = document.getElementById('inside-chart');
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let n = 0;
    let h = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - data[0]) + Math.abs(data[i + 1] - data[1]) + Math.abs(data[i + 2] - data[2]) > 30) n++;
      h = (h * 31 + data[i] + 7 * data[i + 1] + 13 * data[i + 2]) >>> 0;
    }
    const rows = document.querySelectorAll('#inside-readout tbody tr').length;
    return { share: n / (data.length / 4), hash: h, at: c.dataset.at, height: c.clientHeight, when: document.getElementById('inside-when').textContent, rows };
  });
}

test('the world panes draw for every preset and follow the cursor over the chart', async () => {
  // Tall enough that the chart and the panes are both on screen (the panes draw only when visible).
  const { page, errors, requests } = await open('', { width: 1280, height: 2200 });
  const presets = await page.evaluate(() => [...document.querySelectorAll('#preset option')].map((o) => o.value).filter(Boolean));
  assert.ok(presets.length >= 13, `presets: ${presets}`);
  for (const preset of presets) {
    await page.goto(`${BASE}index.html#preset=${preset}`);
    // A hash change keeps the page (data-ready is already set): wait for the preset's own playground.
    await page.waitForFunction((p) => document.getElementById('preset').value === p, preset);
    await page.click('#end');
    await page.waitForFunction(() => document.getElementById('progress').value >= 1, null, { timeout: 60000 });
    await page.waitForTimeout(250);
    const end = await panes(page);
    assert.ok(end.height > 150 && end.share > 0.1, `${preset}: panes drawn ${JSON.stringify(end)}`);
    assert.equal(end.at, '-1', `${preset}: without a pointer the cursor is on the last moment simulated`);
    assert.ok(end.rows >= 1, `${preset}: the read-out has rows`);
    // Pointing at the chart moves the panes' cursor: another bucket, other pixels, other words.
    const box = await page.locator('#chart').boundingBox();
    const seen = [];
    for (const f of [0.25, 0.7]) {
      await page.mouse.move(box.x + box.width * f, box.y + box.height * 0.3);
      await page.waitForTimeout(100);
      seen.push(await panes(page));
    }
    assert.notEqual(seen[0].at, '-1', `${preset}: the cursor follows the chart's hover`);
    assert.ok(Number(seen[0].at) < Number(seen[1].at), `${preset}: left of the chart is earlier ${seen[0].at} ${seen[1].at}`);
    assert.notEqual(seen[0].hash, seen[1].hash, `${preset}: the cursor moved on the panes`);
    assert.notEqual(seen[0].when, seen[1].when, `${preset}: the read-out follows the cursor`);
    await page.mouse.move(0, 0);
  }
  assert.deepEqual(errors, []);
  localOnly(requests);
});

test('a click on a cells strip follows that cell, and the panes fit a phone in both themes', async () => {
  for (const [viewport, scheme] of [[{ width: 375, height: 800 }, 'light'], [{ width: 1280, height: 900 }, 'dark']]) {
    const { page, errors } = await open('preset=cells-holiday', viewport);
    await page.emulateMedia({ colorScheme: scheme });
    await page.click('#end');
    await page.waitForFunction(() => document.getElementById('progress').value >= 1, null, { timeout: 60000 });
    await page.locator('#inside').scrollIntoViewIfNeeded();
    await page.waitForTimeout(200);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `nothing overflows at ${viewport.width} px (${overflow})`);
    // The last row of the first strip: the last cell of the transit cluster.
    const box = await page.locator('#inside-chart').boundingBox();
    const before = await page.$eval('#inside-cell', (s) => s.value);
    assert.equal(before, '', 'the most telling cell is followed by default');
    await page.screenshot({ path: `${OUT}inside-cells-${viewport.width}-${scheme}.png`, fullPage: false });
    // Rows of the first strip lie below the legend and its title; click a little above the first
    // strip's bottom edge, found by scanning for the strip's first title.
    const hit = await page.evaluate(() => {
      const c = document.getElementById('inside-chart');
      const k = c.width / c.clientWidth;
      for (let y = 0; y < c.clientHeight; y += 2) {
        const h = window.__insideHover?.(c.clientWidth * 0.5 * k, y * k);
        if (h) return { y, row: h.row };
      }
      return null;
    });
    assert.ok(hit, 'a strip lies under some pixel row');
    await page.mouse.click(box.x + box.width * 0.5, box.y + hit.y + 1);
    await page.waitForTimeout(100);
    const after = await page.$eval('#inside-cell', (s) => s.value);
    assert.equal(after, String(hit.row), 'the clicked cell is followed');
    const note = await page.$eval('#inside-note', (p) => p.textContent);
    const name = await page.$eval('#inside-cell', (s) => s.selectedOptions[0].textContent);
    assert.ok(note.startsWith(name), `the read-out is about the clicked cell: ${name} / ${note}`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});
