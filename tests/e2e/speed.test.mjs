// The reader's wait after a change (issue 14, item 3): the lane workers keep the warm-ups they ran and
// the page keeps finished lanes, so a change of one lane's knobs re-runs that lane only, from the kept
// warm-up. The numbers are those of a fresh page (no kept state). Timing: tests/e2e/bench-wait.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { open } from './lib.mjs';

const digests = Object.fromEntries(readFileSync(new URL('../digests.txt', import.meta.url), 'utf8').trim().split('\n').map((l) => l.split(' ')));

/** Commits a control's value as the reader does and waits for the whole run. */
async function commit(page, id, value) {
  await page.evaluate(([id, value]) => {
    const el = document.getElementById(id);
    el.value = value;
    el.dispatchEvent(new Event('change'));
  }, [id, value]);
  await page.waitForFunction(() => window.__rtml.progress() >= 1, null, { timeout: 60000 });
  await page.waitForTimeout(100);
}

test('a lane knob changed and changed back: the numbers of a fresh page, then of the preset', async () => {
  const preset = 'ads-new-campaigns';
  const { page, errors } = await open(`preset=${preset}`);
  await page.click('#play'); // pause the opening animation
  await page.click('#end');
  await page.waitForFunction(() => window.__rtml.progress() >= 1, null, { timeout: 60000 });
  assert.equal(await page.evaluate(() => window.__rtml.digest()), digests[preset]);
  const before = await page.inputValue('#k-a-explore');
  await commit(page, 'k-a-explore', '0.07');
  const changed = await page.evaluate(() => window.__rtml.digest());
  const hash = await page.evaluate(() => location.hash.slice(1));
  assert.match(hash, /a\.explore=0\.07/);
  assert.notEqual(changed, digests[preset], 'the knob changes the run');

  // A fresh page (no warm-up or lane kept) with the same link gives the same numbers.
  const fresh = await open(hash);
  await fresh.page.click('#play');
  await fresh.page.click('#end');
  await fresh.page.waitForFunction(() => window.__rtml.progress() >= 1, null, { timeout: 60000 });
  assert.equal(await fresh.page.evaluate(() => window.__rtml.digest()), changed, 'a fresh page agrees');

  // Back to the preset's value: every lane is kept, the run is complete at once, the preset's digest.
  await commit(page, 'k-a-explore', before);
  assert.equal(await page.evaluate(() => window.__rtml.digest()), digests[preset]);
  // And another world (a world knob): every lane runs again.
  await commit(page, 'k-volume', '900');
  assert.notEqual(await page.evaluate(() => window.__rtml.digest()), digests[preset]);
  assert.deepEqual([...errors, ...fresh.errors], []);
  await fresh.page.close();
  await page.close();
});
