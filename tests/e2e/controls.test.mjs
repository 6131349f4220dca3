// End-to-end checks of issue 14, "a page a reader can use": sliders that commit once, only the knobs
// that apply, a chart-first embed, a teacher's caption as plain text, no overflow from phone to wide
// screens, the parallel run (same numbers, partial results, the reader's wait printed for
// BENCHMARKS.md) and the static site of `cargo xtask dist` served by a plain static server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { OUT, getBrowser, open, finish, inked, localOnly } from './lib.mjs';

const countPushes = (page) => page.evaluate(() => {
  window.__pushes = 0;
  const push = history.pushState.bind(history);
  history.pushState = (...a) => { window.__pushes++; return push(...a); };
});

test('a slider drag commits once on release; the keyboard moves a duration slider by readable steps', async () => {
  const { page, errors } = await open('preset=ads-drift');
  await finish(page);
  await countPushes(page);
  await page.locator('#s-volume').scrollIntoViewIfNeeded();
  const box = await page.locator('#s-volume').boundingBox();
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + box.width * (0.2 + i * 0.01), box.y + box.height / 2);
  assert.equal(await page.evaluate(() => window.__pushes), 0, 'nothing committed while dragging');
  await page.mouse.up();
  await page.waitForFunction(() => window.__pushes > 0);
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => window.__pushes), 1, 'one commit per release');
  const volume = await page.inputValue('#k-volume');
  assert.match(await page.evaluate(() => location.hash), new RegExp(`volume=${volume}(&|$)`));
  // Keyboard: the retraining interval of lane B steps to the next readable duration.
  await page.focus('#s-b-every');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => window.__pushes === 2);
  const every = await page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('b.every'));
  assert.match(every, /^(\d+)(m|h|d)$/, `b.every=${every} is a readable duration`);
  assert.equal(await page.inputValue('#k-b-every'), every);
  assert.equal(await page.evaluate(() => document.activeElement.id), 's-b-every', 'focus stays on the slider');
  // Typed entry still works, in the duration grammar.
  await page.fill('#k-b-every', '90m');
  await page.dispatchEvent('#k-b-every', 'change');
  await page.waitForFunction(() => location.hash.includes('b.every=90m'));
  await finish(page);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a lane card shows only the knobs its mode, update and policy use; advanced ones are folded', async () => {
  const { page, errors } = await open('preset=ads-batch-vs-online');
  const present = (key) => page.$$eval(`#lanes .knob[data-key="${key}"]`, (e) => e.length);
  // A: batch, retrained daily. B: online, retrained daily. C: online, continual.
  assert.equal(await present('a.refresh'), 1);
  assert.equal(await present('b.refresh'), 0, 'an online lane has no batch refresh');
  assert.equal(await present('b.every'), 1);
  for (const k of ['c.every', 'c.window', 'c.retrain', 'c.deploy', 'c.refresh']) assert.equal(await present(k), 0, `${k} absent for a continual lane`);
  assert.equal(await present('b.window'), 0, 'a stateful retrain has no training window');
  assert.match(await page.textContent('[data-lane="B"] legend'), /online · retrain every 1d \(stateful\)/);
  assert.equal(await page.isVisible('#k-c-alpha'), false, 'FTRL alpha is folded under advanced');
  await page.click('[data-lane="C"] details.fold > summary');
  assert.equal(await page.isVisible('#k-c-alpha'), true);
  // C retrained periodically: its interval appears; the oracle shows its policy only.
  await page.click('label[for="k-c-update-periodic"]');
  await page.waitForFunction(() => location.hash.includes('c.update=periodic'));
  assert.equal(await present('c.every'), 1);
  assert.equal(await page.isVisible('#k-c-alpha'), true, 'the advanced fold stays open');
  await page.click('label[for="k-a-policy-oracle"]');
  await page.waitForFunction(() => location.hash.includes('a.policy=oracle'));
  assert.deepEqual(await page.$$eval('[data-lane="A"] .knob', (e) => e.map((x) => x.dataset.key)), ['a.policy']);
  // World knobs in groups, the less used folded.
  const groups = await page.$$eval('#world .group h3', (e) => e.map((x) => x.textContent));
  assert.deepEqual(groups, ['Run', 'Traffic', 'Tastes and drift', 'Clicks', 'Events']);
  assert.equal(await page.isVisible('#k-segments'), false, 'user segments folded');
  assert.equal(await page.isVisible('#k-volume'), true);
  assert.deepEqual(errors, []);
  await page.close();
});

test('embed=1 in a 700x500 frame shows the whole chart, play and reset without scrolling', async () => {
  for (const preset of ['ads-drift', 'cells-holiday']) {
    const { page, errors } = await open(`preset=${preset}&embed=1`, { width: 700, height: 500 });
    await finish(page);
    const chart = await page.locator('#chart').boundingBox();
    assert.ok(chart.y >= 0 && chart.y + chart.height <= 500, `${preset}: chart within the frame (${chart.y}..${chart.y + chart.height})`);
    assert.ok(chart.height >= 240, `${preset}: chart ${chart.height} px high`);
    for (const id of ['#play', '#reset']) {
      const b = await page.locator(id).boundingBox();
      assert.ok(b && b.y >= 0 && b.y + b.height <= 500, `${id} in view`);
    }
    assert.ok((await inked(page)).share > 0.02);
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scroll <= 700, `no horizontal scroll (${scroll})`);
    await page.screenshot({ path: OUT + `embed-700x500-${preset}.png` });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(200);
    await page.screenshot({ path: OUT + `embed-700x500-${preset}-dark.png` });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('caption= shows a teacher\'s plain text, never parsed as HTML; the Share dialog sets it', async () => {
  const evil = '<img src=x onerror="window.__pwned=1"><b>Why</b> does C recover first?';
  const { page, errors, requests } = await open(`preset=ads-drift&caption=${encodeURIComponent(evil)}`);
  assert.equal(await page.textContent('#caption'), evil, 'the text as typed');
  assert.equal(await page.$$eval('#caption *', (e) => e.length), 0, 'no element made from it');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await page.click('#share');
  assert.equal(await page.inputValue('#share-caption'), evil);
  await page.fill('#share-caption', 'Which lane loses the fewest clicks on day 7?');
  await page.waitForFunction(() => location.hash.includes('caption=Which%20lane'));
  assert.equal(await page.textContent('#caption'), 'Which lane loses the fewest clicks on day 7?');
  assert.match(await page.inputValue('#share-iframe'), /caption=Which%20lane.*embed=1/);
  await page.click('#share-dialog button[value=close]');
  // A long caption is cut to the limit; choosing another preset drops it.
  await page.evaluate(() => { location.hash = 'preset=ads-drift&caption=' + 'x'.repeat(2000); });
  await page.waitForFunction(() => document.getElementById('caption').textContent.startsWith('xxx'));
  assert.equal([...(await page.textContent('#caption'))].length, 280);
  await page.selectOption('#preset', 'ads-label-delay');
  await page.waitForFunction(() => !location.hash.includes('caption='));
  assert.match(await page.textContent('#caption'), /join window/);
  assert.deepEqual(errors, []);
  localOnly(requests);
  await page.close();
});

test('nothing overflows from 375 to 1600 px; the summary fits or scrolls in its box with the lane column sticky', async () => {
  for (const [width, height] of [[375, 800], [700, 900], [1280, 800], [1600, 900]]) {
    for (const dark of [false, true]) {
      const { page, errors } = await open('preset=ads-batch-vs-online', { width, height });
      if (dark) await page.emulateMedia({ colorScheme: 'dark' });
      await finish(page);
      await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
      await page.waitForTimeout(200);
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scroll <= width, `${width}: no horizontal scroll (${scroll})`);
      const t = await page.evaluate(() => {
        const wrap = document.querySelector('#summary').parentElement;
        const lane = document.querySelector('#summary tbody th');
        return { wrap: wrap.clientWidth, table: wrap.scrollWidth, sticky: getComputedStyle(lane).position };
      });
      assert.ok(t.table <= t.wrap || t.sticky === 'sticky', `${width}: the summary fits (${t.table} <= ${t.wrap}) or scrolls with a sticky lane column`);
      if (width === 1280) assert.ok(t.table <= t.wrap, `1280: the summary fits (${t.table} > ${t.wrap})`);
      // No control sticks out of its card.
      const out = await page.evaluate(() => [...document.querySelectorAll('.knob')].filter((k) => {
        const p = k.closest('.lane, .group').getBoundingClientRect();
        const r = k.getBoundingClientRect();
        return r.width > 0 && (r.right > p.right + 1 || r.left < p.left - 1);
      }).map((k) => k.dataset.key));
      assert.deepEqual(out, [], `${width}: controls inside their cards`);
      if (width === 375 || width === 1280) await page.screenshot({ path: OUT + `controls-${width}${dark ? '-dark' : ''}.png`, fullPage: true });
      assert.deepEqual(errors, []);
      await page.close();
    }
  }
});

test('lanes run in workers give the same numbers, with partial results first; the reader\'s wait per preset', async () => {
  const digests = Object.fromEntries(readFileSync(new URL('../digests.txt', import.meta.url), 'utf8').trim().split('\n').map((l) => l.split(' ')));
  const { page, errors } = await open('preset=ads-new-campaigns');
  await page.click('#play'); // pause the animation
  for (const p of ['ads-new-campaigns', 'ads-drift']) {
    await page.evaluate(() => { window.__partials = 0; window.__rtml.onPartial = () => window.__partials++; });
    await page.selectOption('#preset', p);
    await page.waitForFunction(() => window.__rtml.lastWaitMs() !== null && window.__rtml.progress() >= 1, null, { timeout: 60000 });
    assert.equal(await page.evaluate(() => window.__rtml.digest()), digests[p], `${p}: the digest of one run of all lanes`);
    assert.ok(await page.evaluate(() => window.__partials) >= 1, `${p}: a partial chart before the end`);
  }
  await page.close();
  const bench = await open('bench=1');
  await bench.page.waitForFunction(() => window.__benchmark, null, { timeout: 180000 });
  for (const r of await bench.page.evaluate(() => window.__benchmark)) console.log('wait', JSON.stringify(r));
  assert.deepEqual([...errors, ...bench.errors], []);
  await bench.page.close();
});

const freePort = () => new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

test('the static site of `cargo xtask dist`, served by a plain static server, runs a lesson', async (t) => {
  const dir = process.env.DIST_DIR;
  if (!dir) return t.skip('DIST_DIR not set (run through cargo xtask e2e)');
  const files = readdirSync(dir, { recursive: true }).filter((f) => f.includes('.')).sort();
  assert.ok(files.includes('index.html') && files.includes('article.html') && files.includes('pkg/rtml_bg.wasm'), files.join(' '));
  assert.deepEqual(files.filter((f) => !/\.(html|css|js|wasm)$/.test(f) && !/^figures\/[\w-]+\.png$/.test(f) && f !== 'essay-data.json'), [], 'nothing but the page, the article (with its print figures and its stored studies) and the wasm');
  assert.ok(files.some((f) => f.startsWith('figures/')), 'the essay\'s print figures are in the site');
  assert.ok(files.includes('essay-data.json'), 'the essay\'s stored studies are in the site (its maps are drawn from them)');
  const port = await freePort();
  const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dir], { stdio: 'ignore' });
  try {
    const base = `http://127.0.0.1:${port}/`;
    for (let i = 0; i < 50; i++) {
      try { if ((await fetch(base + 'index.html')).ok) break; } catch (_) { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    const page = await getBrowser().newPage({ viewport: { width: 700, height: 500 } });
    const errors = [];
    const requests = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(base + 'index.html#preset=ads-drift&embed=1&hide=lanes,seed&caption=From%20a%20static%20host');
    await page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
    await finish(page);
    assert.equal(await page.textContent('#caption'), 'From a static host');
    assert.ok((await inked(page)).share > 0.02, 'the chart is drawn');
    await page.goto(base + 'article.html');
    await page.waitForTimeout(500);
    assert.ok(await page.$$eval('iframe', (f) => f.length) >= 1, 'the article embeds lessons');
    assert.deepEqual(errors, []);
    assert.deepEqual(requests.filter((u) => !u.startsWith(base) && !u.startsWith('data:') && !u.startsWith('blob:')), []);
    await page.close();
  } finally {
    server.kill();
  }
});

test("every study panel's inputs live in the link: a change is written to the hash, a reload restores it, a bad value is refused", async () => {
  const { page, errors } = await open('preset=ads-drift');
  await page.click('#play');
  const commit = (id, value) => page.evaluate(([id, value]) => {
    const el = document.getElementById(id);
    if (el.type === 'checkbox') el.checked = value === '1'; else el.value = value;
    el.dispatchEvent(new Event('change'));
  }, [id, value]);
  await commit('answer-seeds', '3');
  await commit('answer-kwh', '0.35');
  await commit('sweep-values', '1h, 1d');
  await commit('whatif-knob', 'wake');
  // A new knob brings its example values: its default, not written in the link.
  await page.waitForFunction(() => location.hash.includes('whatif.knob=wake'));
  assert.equal(await page.inputValue('#whatif-values'), '0,1,2,4,6,8,10,15');
  assert.ok(!(await page.evaluate(() => location.hash)).includes('whatif.values'));
  await commit('whatif-values', '0, 5, 10');
  await commit('whatif-refit', '1');
  await commit('seeds', '5');
  await page.waitForFunction(() => location.hash.includes('seeds=5'));
  const hash = await page.evaluate(() => location.hash);
  for (const part of ['answer.seeds=3', 'answer.kwh=0.35', 'sweep.values=1h,1d', 'whatif.knob=wake', 'whatif.values=0,5,10', 'whatif.refit=1', 'seeds=5']) {
    assert.ok(hash.includes(part), `${part} in ${hash}`);
  }
  // The limits are Rust's: the answer's seeds input says what the map accepts.
  assert.equal(await page.getAttribute('#answer-seeds', 'max'), '50');
  // A value Rust refuses: a notice, and the input keeps its last good value.
  await commit('answer-seeds', '999');
  await page.waitForFunction(() => /answer\.seeds: `999` is not a whole number from 1 to 50/.test(document.getElementById('notices').textContent));
  assert.equal(await page.inputValue('#answer-seeds'), '3');
  // A fresh page from the link has every input as it was.
  const fresh = await open(hash.slice(1));
  const got = await fresh.page.evaluate(() => ['answer-seeds', 'answer-kwh', 'sweep-values', 'whatif-knob', 'whatif-values', 'seeds'].map((id) => document.getElementById(id).value).concat([document.getElementById('whatif-refit').checked]));
  assert.deepEqual(got, ['3', '0.35', '1h,1d', 'wake', '0,5,10', '5', true]);
  assert.deepEqual(errors, []);
  assert.deepEqual(fresh.errors, []);
  await fresh.page.close();
  await page.close();
});
