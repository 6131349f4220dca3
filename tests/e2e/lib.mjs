// Shared helpers of the end-to-end suites (every tests/e2e/*.test.mjs): one headless Chromium per file
// (Debian's package, driven by playwright-core). `cargo xtask test` serves www/ and sets BASE_URL and CHROMIUM.
// Screenshots go to tests/e2e/out/.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const BASE = process.env.BASE_URL || 'http://127.0.0.1:8080/';
export const OUT = new URL('./out/', import.meta.url).pathname;
mkdirSync(OUT, { recursive: true });
let browser;

/** The browser of this test file (launched before its first test). */
export function getBrowser() { return browser; }

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => { await browser?.close(); });

/** A page that records console errors, page errors and every request. */
export async function open(hash = '', viewport = { width: 1280, height: 900 }, path = 'index.html') {
  const page = await browser.newPage({ viewport, deviceScaleFactor: 2 });
  const errors = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(BASE + path + (hash ? '#' + hash : ''));
  if (path === 'index.html') await page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
  return { page, errors, requests };
}

export async function finish(page) {
  await page.click('#end');
  await page.waitForFunction(() => document.getElementById('progress').value >= 1, null, { timeout: 60000 });
  await page.waitForTimeout(150);
}

/** Share of canvas pixels that differ from the top-left (background) pixel. */
export async function inked(page) {
  return page.evaluate(() => {
    const c = document.getElementById('chart');
    const ctx = c.getContext('2d');
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - data[0]) + Math.abs(data[i + 1] - data[1]) + Math.abs(data[i + 2] - data[2]) > 30) n++;
    }
    return { share: n / (data.length / 4), width: c.width, cssWidth: c.clientWidth };
  });
}

export async function lanePixels(page) {
  // Pixels in lane A's or B's colour: proof that plotters drew the series, not only axes.
  return page.evaluate(() => {
    const c = document.getElementById('chart');
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
      if ((Math.abs(r - 0) < 40 && Math.abs(g - 114) < 40 && Math.abs(b - 178) < 40) || (Math.abs(r - 213) < 40 && Math.abs(g - 94) < 40 && b < 60)) n++;
    }
    return n;
  });
}

export function localOnly(requests) {
  const origin = new URL(BASE).origin;
  const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
  assert.deepEqual(foreign, [], 'no request may leave the page');
}

