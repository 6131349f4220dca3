// Accessibility (issue 28 item 3): axe-core (the npm package, installed with playwright-core by
// `npm ci`: no network at test time) finds no violation of any impact on the playground (light,
// dark, embed), the answer, the what-if, the replay and the sweep views and the essay; the keyboard
// reaches every control of the playground with a visible focus; play respects prefers-reduced-motion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { getBrowser, open, finish, BASE } from './lib.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on the page as it is now (the page's own frames only: an embedded
 * lesson is checked as the embed view). */
async function violations(page) {
  // Evaluated through the debugging protocol, so the page's CSP (no inline script) does not apply.
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { iframes: false, resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  });
}

/** A chart's text alternative (issue 28 item 3): the canvas names what it draws (`aria-label`) and is
 * described by the text generated from the same numbers (`aria-describedby`: the summary table, the
 * words, the figures' table), which is there and holds figures. */
async function described(page, id) {
  const text = await page.$eval(`#${id}`, (c) => (c.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean)
    .map((d) => document.getElementById(d)?.textContent ?? '').join(' ').trim());
  assert.match(text, /\d/, `#${id} is described by text with figures: ${JSON.stringify(text.slice(0, 200))}`);
}

async function clean(page, view) {
  const found = await violations(page);
  assert.deepEqual(found, [], `axe-core on ${view}`);
}

test('axe-core: the playground, light and dark, and the embed view', async () => {
  for (const scheme of ['light', 'dark']) {
    const { page, errors } = await open('preset=ads-batch-vs-online');
    await page.emulateMedia({ colorScheme: scheme });
    await finish(page);
    await clean(page, `the playground (${scheme})`);
    await described(page, 'chart');
    assert.deepEqual(errors, []);
    await page.close();
  }
  for (const scheme of ['light', 'dark']) {
    const { page, errors } = await open('preset=cells-sleep&embed=1', { width: 700, height: 500 });
    await page.emulateMedia({ colorScheme: scheme });
    await finish(page);
    await clean(page, `the embed view (${scheme})`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('axe-core: the answer, the sweep, the what-if and the replay views', async () => {
  const { page, errors } = await open('preset=ads-drift');
  await page.click('#play');
  // A small answer map (as answer.test.mjs), then its view.
  await page.evaluate(() => {
    document.getElementById('answer-seed').value = '9101';
    document.getElementById('answer-seeds').value = '2';
    document.getElementById('answer-sets').value = 'days=3&warmup=2';
  });
  await page.click('#answer summary');
  await page.waitForFunction(() => /^done/.test(document.getElementById('answer-status').textContent), null, { timeout: 300000 });
  await clean(page, 'the answer');
  await described(page, 'answer-chart');
  // A small sweep.
  await page.evaluate(() => { document.getElementById('sweep').open = true; });
  await page.fill('#sweep-values', '1h, 1d');
  await page.click('#sweep-run');
  await page.waitForFunction(() => document.getElementById('sweep-status').textContent === 'done', null, { timeout: 300000 });
  await clean(page, 'the sweep');
  await described(page, 'sweep-chart');
  assert.deepEqual(errors, []);
  await page.close();

  const w = await open('tab=whatif');
  await w.page.waitForFunction(() => /done/.test(document.getElementById('whatif-status').textContent), null, { timeout: 300000 });
  await clean(w.page, 'the what-if');
  await described(w.page, 'whatif-chart');
  assert.deepEqual(w.errors, []);
  await w.page.close();

  const r = await open('tab=replay');
  await r.page.setInputFiles('#replay-file', { name: 'small.vw', mimeType: 'text/plain', buffer: Buffer.from('1 |u a b\n-1 |u c\n'.repeat(2000)) });
  await r.page.click('#replay-run');
  await r.page.waitForFunction(() => document.querySelectorAll('#replay-table tbody tr').length > 0, null, { timeout: 120000 });
  await clean(r.page, 'the replay');
  await described(r.page, 'replay-chart');
  assert.deepEqual(r.errors, []);
  await r.page.close();
});

test('axe-core: the essay, light and dark', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const context = await getBrowser().newContext({ viewport: { width: 1280, height: 900 }, colorScheme });
    const page = await context.newPage();
    await page.goto(BASE + 'article.html');
    await page.waitForSelector('iframe');
    await clean(page, `the essay (${colorScheme})`);
    await context.close();
  }
});

test('the keyboard reaches every control of the playground, each with a visible focus', async () => {
  // From the top of the page (nothing focused yet), through every control once.
  const { page } = await open('preset=ads-drift');
  const seen = new Set();
  const hidden = [];
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const id = el.id || `${el.tagName.toLowerCase()}[${[...document.querySelectorAll(el.tagName)].indexOf(el)}]`;
      // The focus ring is drawn on the control, or on the label of a segmented button's radio.
      const ring = (e) => e && getComputedStyle(e).outlineStyle !== 'none' && parseFloat(getComputedStyle(e).outlineWidth) > 0;
      return { id, visible: ring(el) || ring(el.nextElementSibling) || ring(el.closest('label')) };
    });
    if (!f || seen.has(f.id)) break;
    seen.add(f.id);
    if (!f.visible) hidden.push(f.id);
  }
  assert.deepEqual(hidden, [], 'controls focused without a visible focus ring');
  for (const id of ['preset', 'play', 'end', 'metric', 'seeds', 'png', 'add-lane']) {
    assert.ok(seen.has(id), `#${id} is reached by Tab (reached: ${[...seen].join(' ')})`);
  }
  await page.close();
});

test('play respects prefers-reduced-motion: the chart is redrawn at most once a second', async () => {
  const context = await getBrowser().newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  const page = await context.newPage();
  await page.goto(BASE + 'index.html#preset=cells-sleep&days=28');
  await page.waitForSelector('body[data-ready="1"]');
  // The page plays at load; start again from the beginning, playing.
  await page.click('#reset');
  if ((await page.getAttribute('#play', 'aria-pressed')) !== 'true') await page.click('#play');
  await page.waitForFunction(() => (window.__draws || []).length >= 3, null, { timeout: 60000 });
  const draws = await page.evaluate(() => window.__draws.slice());
  const gaps = draws.slice(1).map((t, i) => t - draws[i]);
  assert.ok(gaps.every((g) => g >= 900), `redraws while playing ${gaps.map(Math.round).join(', ')} ms apart`);
  await context.close();
});
