// Writes the essay's print figures (www/figures/*.png): each figure's lesson, run to its end in headless
// Chromium and photographed. Run by `cargo xtask figures` (which serves www/ and sets BASE_URL, CHROMIUM);
// regenerate after a change that moves the lessons' numbers, and commit the PNGs.
import { readFileSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const BASE = process.env.BASE_URL;
const WWW = new URL('../../www/', import.meta.url).pathname;
const html = readFileSync(WWW + 'article.html', 'utf8');
// Each <figure> holds a lesson iframe (data-src) and its print figure (img src).
const figures = [...html.matchAll(/<figure>\s*<iframe[^>]*data-src="([^"]+)"[^>]*>\s*<\/iframe>\s*<img class="print-figure" src="([^"]+)"/g)]
  .map((m) => ({ hash: m[1].replaceAll('&amp;', '&'), png: m[2] }));
if (figures.length === 0) throw new Error('no figures found in article.html');
mkdirSync(WWW + 'figures', { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
for (const f of figures) {
  const page = await browser.newPage({ viewport: { width: 720, height: 560 }, deviceScaleFactor: 1.5 });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(BASE + f.hash);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 60000 });
  // Run the lesson to its end (the answer and the what-if run on their own), then wait for its bar.
  const tab = (f.hash.match(/tab=(\w+)/) || [])[1];
  const bar = tab === 'answer' ? 'answer-progress' : tab === 'whatif' ? 'whatif-progress' : 'progress';
  if (bar === 'progress') await page.click('#end');
  await page.waitForFunction((id) => { const p = document.getElementById(id); return p.value >= p.max && p.max > 0; }, bar, { timeout: 300000 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: WWW + f.png });
  console.log(`wrote www/${f.png} from #${f.hash.split('#')[1]}`);
  await page.close();
}
// The essay's own live figures (no lesson frame: the stack's break-even, the what-if's money, the
// freshness maps): photographed in the essay once drawn, for print.
const page = await browser.newPage({ viewport: { width: 720, height: 900 }, deviceScaleFactor: 1.5 });
await page.emulateMedia({ colorScheme: 'light' });
await page.goto(BASE + 'article.html');
const live = [['fig-stack', 'stack-chart', 'figures/stack.png'], ['fig-money', 'money-chart', 'figures/whatif.png'], ['fig-maps', 'maps-chart', 'figures/answer.png']];
for (const [fig, canvas, png] of live) {
  await page.locator(`#${fig}`).scrollIntoViewIfNeeded();
  await page.waitForSelector(`#${fig}[data-state="drawn"]`, { timeout: 300000 });
  await (await page.$(`#${canvas}`)).screenshot({ path: WWW + png });
  console.log(`wrote www/${png} from the essay's #${fig}`);
}
await page.close();
await browser.close();
