// The page's weight over the network (issue 28 item 1): the essay embeds its lessons in iframes and
// each lesson starts its workers, every one of which loads the wasm; the served files carry an ETag,
// so the wasm crosses the network once and every later load is a 304 without a body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getBrowser, BASE } from './lib.mjs';

test('the essay with every lesson loaded downloads the wasm once', async () => {
  const context = await getBrowser().newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  // Every request of the page, its frames and its workers, with the body bytes that crossed the
  // network (0 for a 304: the browser then reports the cached response's status, 200).
  const wasm = [];
  let bytes = 0;
  const pending = [];
  context.on('requestfinished', (r) => pending.push(r.sizes().then((z) => {
    bytes += z.responseBodySize;
    if (r.url().endsWith('.wasm')) wasm.push(z.responseBodySize);
  })));
  await page.goto(BASE + 'article.html');
  const frames = await page.$$('iframe.lesson');
  assert.ok(frames.length >= 6, `${frames.length} lessons`);
  for (const f of frames) {
    await f.scrollIntoViewIfNeeded();
    await page.waitForFunction((el) => !!el.getAttribute('src'), f, { timeout: 10000 });
    const frame = await f.contentFrame();
    await frame.waitForSelector('body[data-ready="1"]', { state: 'attached', timeout: 60000 });
  }
  await Promise.all(pending);
  const full = wasm.filter((b) => b > 0);
  console.log(`essay with ${frames.length} lessons: ${wasm.length} loads of the wasm, ${full.length} with a body; ${Math.round(bytes / 1024)} KB of bodies in all`);
  assert.ok(wasm.length >= frames.length, `every lesson loads the wasm (${wasm.length})`);
  assert.equal(full.length, 1, `the wasm's body crosses the network once: ${JSON.stringify(wasm)}`);
  await context.close();
});
