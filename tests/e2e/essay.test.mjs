// The essay's own figures (www/essay.js): drawn in the essay's canvases by Rust, each moved by its
// own control from the keyboard, each control changing its canvas's pixels; the text below never
// moves as they load; no console error, no foreign request, no sideways scroll at 375 px, light and
// dark. Every wait is on the page's state (a figure's `data-state`, a canvas's pixels), never on time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OUT, open, localOnly } from './lib.mjs';

const FIGS = [
  { fig: 'fig-stack', canvas: 'stack-chart', controls: ['stack-brokers', 'stack-stream', 'stack-cluster'], words: 'stack-words' },
  { fig: 'fig-money', canvas: 'money-chart', controls: ['money-at', 'money-error'], words: 'money-words' },
  { fig: 'fig-day', canvas: 'day-chart', controls: ['day-at'], words: 'day-at-out' },
  { fig: 'fig-maps', canvas: 'maps-chart', controls: ['maps-view'], words: 'maps-view-out' },
];

async function openEssay(viewport, colorScheme = 'light') {
  const o = await open('', viewport, 'article.html');
  await o.page.emulateMedia({ colorScheme });
  await o.page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
  return o;
}

/** A signature of a canvas's pixels (and size), computed in the page: `pixels` reads it once,
 * the wait for a control's change compares it until it differs. */
function signature(id) {
  const c = document.getElementById(id);
  if (!c.width || !c.height) return 'empty';
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let h = 0;
  let ink = 0;
  for (let i = 0; i < d.length; i += 4) {
    h = (h * 31 + d[i] + d[i + 1] * 3 + d[i + 2] * 7) >>> 0;
    if (Math.abs(d[i] - d[0]) + Math.abs(d[i + 1] - d[1]) + Math.abs(d[i + 2] - d[2]) > 30) ink++;
  }
  return `${c.width}x${c.height}:${h}:${ink}`;
}
const pixels = (page, id) => page.evaluate(signature, id);

const drawn = (page, fig) => page.waitForSelector(`#${fig}[data-state="drawn"]`, { timeout: 120000 });

test('essay: each figure is drawn in the page and each control changes its pixels', async () => {
  const { page, errors, requests } = await openEssay({ width: 1280, height: 900 });
  assert.equal(await page.$$eval('figure.live iframe', (f) => f.length), 0, 'no frame in the essay\'s figures');
  // The text below the figures keeps its place while they compute and draw.
  const before = await page.$eval('#sources', (e) => e.getBoundingClientRect().top + window.scrollY);
  for (const f of FIGS) {
    await page.$eval(`#${f.fig}`, (e) => e.scrollIntoView());
    await drawn(page, f.fig);
    const ink = Number((await pixels(page, f.canvas)).split(':')[2]);
    assert.ok(ink > 2000, `${f.fig}: the chart is drawn (${ink} inked pixels)`);
    for (const c of f.controls) {
      assert.ok(!(await page.$eval(`#${c}`, (e) => e.disabled)), `${c} is enabled`);
      const was = await pixels(page, f.canvas);
      const said = await page.textContent(`#${f.words}`);
      await page.focus(`#${c}`);
      // Towards the end with the keyboard (Home first when the control already stands at its end).
      const atEnd = await page.$eval(`#${c}`, (e) => e.value === e.max);
      await page.keyboard.press(atEnd ? 'Home' : 'End');
      await page.waitForFunction(`(${signature})(${JSON.stringify(f.canvas)}) !== ${JSON.stringify(was)}`, null, { timeout: 10000 });
      if (c !== 'money-error') {
        assert.notEqual(await page.textContent(`#${f.words}`), said, `${c}: the words follow the control`);
      }
    }
    await page.screenshot({ path: `${OUT}essay-${f.fig}-1280.png` });
    if (f.fig === 'fig-maps') {
      await page.$eval('.trace-pair', (e) => e.scrollIntoView());
      await page.screenshot({ path: `${OUT}essay-traces-1280.png` });
    }
  }
  // The real trace's map and the simulated one beside it, from the stored studies.
  for (const id of ['trace-real', 'trace-sim']) {
    const ink = Number((await pixels(page, id)).split(':')[2]);
    assert.ok(ink > 2000, `${id}: the trace's map is drawn (${ink} inked pixels)`);
  }
  const words = await page.textContent('#money-words');
  assert.match(words, /\(.+ to .+\)/, `the money read-out gives intervals: ${words}`);
  assert.doesNotMatch(words + await page.textContent('#maps-words') + await page.textContent('#stack-words'), /NaN|undefined|n\/a/);
  const after = await page.$eval('#sources', (e) => e.getBoundingClientRect().top + window.scrollY);
  assert.equal(after, before, 'the text below the figures did not move');
  assert.deepEqual(errors, []);
  localOnly(requests);
  await page.close();
});

test('essay: the figures at 375 px and 700x500, light and dark, without sideways scroll', async () => {
  for (const [viewport, scheme] of [[{ width: 375, height: 800 }, 'light'], [{ width: 375, height: 800 }, 'dark'], [{ width: 700, height: 500 }, 'dark']]) {
    const { page, errors } = await openEssay(viewport, scheme);
    const top = () => page.$eval('#sources', (e) => e.getBoundingClientRect().top + window.scrollY);
    const before = await top();
    await page.evaluate(() => window.__essayStartAll());
    for (const f of FIGS) await drawn(page, f.fig);
    assert.equal(await top(), before, `the text did not move as the figures drew (${viewport.width} px)`);
    for (const f of FIGS) {
      await page.$eval(`#${f.fig}`, (e) => e.scrollIntoView());
      await page.screenshot({ path: `${OUT}essay-${f.fig}-${viewport.width}-${scheme}.png` });
    }
    const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(over <= 0, `no sideways scroll at ${viewport.width} px (${scheme}): ${over}px`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});
