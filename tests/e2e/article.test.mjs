// The essay (www/article.html) end to end: it loads with no console error and no foreign request, the first
// screen is text, its lessons load when scrolled near, each question reveals what ten seeds of its lesson
// did (graded in Rust) or what the stored map says, every embedded lesson runs, and nothing overflows at 375 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OUT, open, localOnly } from './lib.mjs';

async function openArticle(viewport, colorScheme = 'light') {
  const o = await open('', viewport, 'article.html');
  await o.page.emulateMedia({ colorScheme });
  await o.page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
  return o;
}

test('article: text first, lessons load when scrolled near, at least six lessons', async () => {
  const { page, errors, requests } = await openArticle({ width: 1280, height: 900 });
  const frames = await page.$$eval('iframe.lesson', (fs) => fs.map((f) => ({ id: f.id, src: f.getAttribute('src'), data: f.dataset.src })));
  assert.ok(frames.length >= 6, `at least six embedded lessons, found ${frames.length}`);
  for (const f of frames) assert.match(f.data, /^index\.html#.*embed=1/, `${f.id} is a lesson link`);
  // Nothing far below the first screen has started loading.
  const last = frames[frames.length - 1];
  assert.equal(last.src, null, 'the last lesson is not loaded before it is scrolled near');
  assert.ok((await page.textContent('h1')).length > 5);
  await page.screenshot({ path: `${OUT}article-1280.png` });
  assert.deepEqual(errors, []);
  localOnly(requests);
  await page.close();
});

test('article: each question reveals what ten seeds of its lesson did (or the stored map) after a choice', async () => {
  const { page, errors, requests } = await openArticle({ width: 1100, height: 900 });
  const questions = await page.$$('.question');
  assert.ok(questions.length >= 4, `at least four questions, found ${questions.length}`);
  for (const q of questions) {
    const name = await q.getAttribute('data-question');
    const button = await q.$('.reveal-btn');
    assert.ok(await button.isDisabled(), `${name}: nothing to reveal before a choice`);
    await q.scrollIntoViewIfNeeded();
    await (await q.$('input[type=radio]')).check();
    assert.ok(!(await button.isDisabled()), `${name}: a choice enables the button`);
    await button.press('Enter');
    await page.waitForFunction((el) => {
      const r = el.querySelector('.reveal');
      return !r.hidden && /seeds|stored map|matches|Not this time/.test(r.textContent) && !/Running|Reading/.test(r.textContent);
    }, q, { timeout: 120000 });
    const text = await q.$eval('.reveal', (r) => r.textContent);
    assert.match(text, /\d/, `${name}: the reveal quotes the run's figures: ${text}`);
    assert.doesNotMatch(text, /n\/a|NaN|undefined|could not/, `${name}: ${text}`);
    // Graded over seeds (the spread study in the page's workers) or from the stored map: the reveal
    // says which, with the figures' intervals.
    const seeds = await q.getAttribute('data-seeds');
    if (seeds) assert.match(text, new RegExp(`Over ${seeds} seeds.*\\(.+ to .+\\)`), `${name}: ${text}`);
    else assert.match(text, /stored map/, `${name}: ${text}`);
    const why = await page.$(`.why[data-for="${name}"]`);
    if (why) assert.ok(await why.isVisible(), `${name}: the explanation shows after the reveal`);
  }
  await page.screenshot({ path: `${OUT}article-revealed.png`, fullPage: false });
  assert.deepEqual(errors, []);
  localOnly(requests);
  await page.close();
});

test('article: every embedded lesson loads and runs', async () => {
  const { page, errors, requests } = await openArticle({ width: 1100, height: 900 });
  const frames = await page.$$('iframe.lesson');
  for (const f of frames) {
    await f.scrollIntoViewIfNeeded();
    await page.waitForFunction((el) => !!el.getAttribute('src'), f, { timeout: 10000 });
    const frame = await f.contentFrame();
    await frame.waitForSelector('body[data-ready="1"]', { state: 'attached', timeout: 60000 });
    assert.ok(await frame.evaluate(() => document.body.classList.contains('embed')), 'embedded lessons are in embed mode');
  }
  assert.deepEqual(errors, []);
  localOnly(requests);
  await page.close();
});

test('article: no horizontal overflow at 375 px, light and dark; print shows figures', async () => {
  for (const scheme of ['light', 'dark']) {
    const { page, errors } = await openArticle({ width: 375, height: 800 }, scheme);
    const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(over <= 0, `no sideways scroll at 375 px (${scheme}): ${over}px`);
    await page.screenshot({ path: `${OUT}article-375-${scheme}.png` });
    if (scheme === 'light') {
      await page.emulateMedia({ media: 'print' });
      const shown = await page.$$eval('img.print-figure', (imgs) => imgs.filter((i) => getComputedStyle(i).display !== 'none').length);
      const lessons = await page.$$eval('iframe.lesson', (fs) => fs.filter((f) => getComputedStyle(f).display !== 'none').length);
      assert.ok(shown >= 6 && lessons === 0, `print: figures ${shown}, live lessons ${lessons}`);
    }
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('article: questions revealed one after another without waiting each get their own answer', async () => {
  const { page, errors, requests } = await openArticle({ width: 1100, height: 900 });
  // The questions graded over seeds (each a spread study in the page's workers), all pressed at once.
  const questions = await page.$$('.question[data-seeds]');
  assert.ok(questions.length >= 2, `at least two questions graded over seeds, found ${questions.length}`);
  for (const q of questions) {
    await (await q.$('input[type=radio]')).check();
    await (await q.$('.reveal-btn')).click();
  }
  for (const q of questions) {
    await page.waitForFunction((el) => !/Running/.test(el.querySelector('.reveal').textContent), q, { timeout: 240000 });
    const text = await q.$eval('.reveal', (r) => r.textContent);
    assert.doesNotMatch(text, /could not|cancelled/, text);
    assert.match(text, /Over \d+ seeds/, text);
  }
  assert.deepEqual(errors, []);
  localOnly(requests);
  await page.close();
});
