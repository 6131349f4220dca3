// Issue 23 items 4 and 6 on the page: the cost check of every panel (Rust's estimate, the same as the
// command line's, with the page's workers), and its messages (no `undefined`, no command-line flag, no
// echo of a long input, no invisible characters in a caption, a tab opened by a later hash change).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, localOnly } from './lib.mjs';

const text = (page, id) => page.textContent('#' + id);

test('the memory shown counts the lane workers an ads run uses (1.5 GB estimated, about 1.6 GB measured)', async () => {
  // 3 lanes at 21 bits: a renderer of this page measured 1.6 GB with its 2 lane workers (ps RSS); the
  // estimate without the workers was about 380 MB.
  const { page, errors } = await open('preset=ads-drift&a.bits=21&b.bits=21&c.bits=21');
  const cost = await text(page, 'cost');
  const gb = Number((cost.match(/([\d.]+) GB/) || [])[1]);
  assert.ok(gb >= 1.2, `shown: ${cost}`);
  assert.equal(await page.isVisible('#cost-warning'), true);
  assert.match(await text(page, 'cost-why'), /bits.*lane workers/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a caption drops bidi overrides and zero-width characters, with a notice', async () => {
  const { page, errors } = await open('preset=ads-drift&caption=%E2%80%AEevil%E2%80%8B%20twin');
  assert.equal(await text(page, 'caption'), 'evil twin');
  assert.match(await text(page, 'notices'), /caption: removed 2 invisible or direction-changing characters/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a notice echoes at most 60 characters of a 200 KB hash key', async () => {
  const { page, errors } = await open(`preset=ads-drift&${'k'.repeat(200000)}=1`);
  const notices = await text(page, 'notices');
  assert.match(notices, /k{60}…/);
  assert.ok(notices.length < 400, `${notices.length} characters of notices`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a hash change to tab=replay (or another tab) after load opens that tab', async () => {
  const { page, errors } = await open('preset=ads-drift');
  assert.equal(await page.$eval('#replay', (d) => d.open), false);
  await page.evaluate(() => { location.hash = 'preset=ads-drift&tab=replay'; });
  await page.waitForFunction(() => document.getElementById('replay').open);
  await page.evaluate(() => { location.hash = 'preset=ads-drift&tab=whatif'; });
  await page.waitForFunction(() => document.getElementById('whatif').open);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the sweep and the what-if name what is wrong in the page\'s words; Seeds 0 is refused, not run as 1', async () => {
  const { page, errors } = await open('preset=ads-drift');
  await page.evaluate(() => { document.getElementById('sweep').open = true; });
  await page.fill('#sweep-values', 'soon');
  await page.click('#sweep-run');
  await page.waitForFunction(() => /soon/.test(document.getElementById('notices').textContent + document.getElementById('sweep-status').textContent), null, { timeout: 30000 });
  await page.click('#sweep-cancel');
  const sweep = (await text(page, 'notices')) + (await text(page, 'sweep-status'));
  assert.doesNotMatch(sweep, /undefined/);
  await page.evaluate(() => { document.getElementById('whatif').open = true; });
  await page.fill('#whatif-seeds', '0');
  await page.click('#whatif-run');
  await page.waitForFunction(() => /from 1 to 50/.test(document.getElementById('notices').textContent + document.getElementById('whatif-status').textContent), null, { timeout: 30000 });
  await page.click('#whatif-cancel');
  const whatif = (await text(page, 'notices')) + (await text(page, 'whatif-status'));
  assert.match(whatif, /seeds.*0.*from 1 to 50/i);
  assert.doesNotMatch(whatif, /--seeds/);
  assert.notEqual(await page.inputValue('#whatif-seeds'), '1', 'never run as 1 seed');
  assert.deepEqual(errors, []);
  await page.close();
});

test('seeds over the page\'s memory (each run in a worker) are not started; the message names what to lower', async () => {
  // One run ≈ 39 MB: with its lane workers under the page's 300 MB, not with 20 seeds beside it, two
  // or more at a time in workers.
  const { page, errors } = await open('preset=ads-drift&a.bits=18&b.bits=18');
  await page.selectOption('#seeds', '20');
  await page.waitForFunction(() => /Not started/.test(document.getElementById('seeds-status').textContent), null, { timeout: 30000 });
  const s = await text(page, 'seeds-status');
  assert.match(s, /over 10 s or 300 MB/);
  assert.match(s, /mostly .*\(.*bits.*\)/);
  assert.match(s, /Seeds/);
  assert.doesNotMatch(s, /--seeds/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('replay: 8 lanes at 24 bits are refused before the file is read, naming the lanes and hash bits', async () => {
  const { page, errors } = await open('tab=replay');
  const vw = '1 |u a b\n-1 |u c\n'.repeat(2000);
  await page.setInputFiles('#replay-file', { name: 'small.vw', mimeType: 'text/plain', buffer: Buffer.from(vw) });
  await page.fill('#replay-lanes', Array(8).fill('continual').join(','));
  await page.fill('#replay-bits', '24');
  await page.click('#replay-run');
  await page.waitForFunction(() => !document.getElementById('replay-error').hidden, null, { timeout: 30000 });
  const e = await text(page, 'replay-error');
  assert.match(e, /too large for a browser tab/);
  assert.match(e, /Hash bits 24/);
  assert.doesNotMatch(e, /unreachable/);
  assert.equal(await text(page, 'replay-status'), 'not started');
  assert.deepEqual(errors, []);
  await page.close();
});

test('replay: a gzip file over the page\'s memory asks first, then runs when asked again', async () => {
  const { gzipSync } = await import('node:zlib');
  const { page, errors } = await open('tab=replay');
  // 22 bits on 2 lanes: ≈ 2 × 2^22 × 43 bytes and the worker, over 300 MB, under 2 GB.
  const vw = '1 |u a b\n-1 |u c\n'.repeat(20000);
  await page.setInputFiles('#replay-file', { name: 'log.gz', mimeType: 'application/gzip', buffer: gzipSync(Buffer.from(vw)) });
  await page.selectOption('#replay-format', 'vw');
  await page.fill('#replay-lanes', 'continual,continual');
  await page.fill('#replay-bits', '22');
  await page.click('#replay-run');
  await page.waitForFunction(() => !document.getElementById('replay-error').hidden, null, { timeout: 30000 });
  const e = await text(page, 'replay-error');
  assert.match(e, /Not started: this replay: estimated/);
  assert.match(e, /mostly lane \d \(continual\): model \(Hash bits 22\)/);
  assert.match(e, /press Replay again/);
  await page.click('#replay-run');
  await page.waitForFunction(() => /done/.test(document.getElementById('replay-status').textContent), null, { timeout: 120000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a link to hours of study work does not start it: the panel says why and what to press to run it anyway', async () => {
  // 50 seeds with the sensitivity strip over a year: estimated hours (the command line refuses it
  // without --no-limit); a link once started it with no word.
  const { page, errors, requests } = await open('tab=answer&answer.seeds=50&answer.sensitivity=1&answer.sets=days%3D365');
  await page.waitForFunction(() => /Not started/.test(document.getElementById('answer-status').textContent), null, { timeout: 30000 });
  const answer = await text(page, 'answer-status');
  assert.match(answer, /It is [\d.]+ h of work for this device/);
  assert.match(answer, /press Run again to run it anyway/);
  assert.equal(await page.$eval('#answer-cancel', (b) => b.disabled), true, 'nothing runs');
  // Opening the fold (before the page is ready) ran it a second time, which once ran it anyway (the
  // status never said "Not started"): only a press of Run does.
  await page.click('#answer-run');
  await page.waitForFunction(() => !/Not started/.test(document.getElementById('answer-status').textContent), null, { timeout: 30000 });
  await page.click('#answer-cancel');
  await page.waitForFunction(() => document.getElementById('answer-status').textContent === 'cancelled', null, { timeout: 30000 });
  // A sweep of 50 seeds (minutes of work) likewise.
  await page.evaluate(() => { location.hash = 'tab=sweep&sweep.seeds=50'; });
  await page.waitForFunction(() => /Not started/.test(document.getElementById('sweep-status').textContent), null, { timeout: 30000 });
  assert.match(await text(page, 'sweep-status'), /It is [\d.]+ min of work for this device.*press Run sweep again/);
  assert.deepEqual(errors, []);
  localOnly(requests);
  await page.close();
});
