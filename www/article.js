// The essay's behaviour: lessons load when scrolled near, each question reveals what its lesson did over
// ten seeds (or what the stored map says), graded by Rust (its figures: essay.js), the embed snippet is
// written for the address the essay is served from, and print shows each figure's PNG. Nothing the reader
// chooses leaves the page: it is never stored and never sent.

import { setupFigures, answerJson, gradeOverSeeds } from './essay.js';

/** Starts loading a lesson (its `data-src`), once. */
function load(frame) {
  if (!frame.getAttribute('src') && frame.dataset.src) frame.setAttribute('src', frame.dataset.src);
}

function lazyLessons() {
  const frames = [...document.querySelectorAll('iframe.lesson')];
  if (!('IntersectionObserver' in window)) return frames.forEach(load);
  const io = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (e.isIntersecting) { load(e.target); io.unobserve(e.target); }
    }
  }, { rootMargin: '600px 0px' });
  frames.forEach((f) => io.observe(f));
}

/**
 * What a question's reveal says, `{ outcome, text }`, worded and graded in Rust: over `data-seeds`
 * seeds of the lesson `data-hash` (the spread study in the page's workers; `data-grade` says how:
 * `worst`, `best`, `lost:A,B`), or, for the answer, from the stored map's JSON. `outcome` is null
 * where the numbers do not settle the question (no verdict then).
 */
async function reveal(q) {
  if (q.dataset.seeds) return gradeOverSeeds(q.dataset.hash, Number(q.dataset.seeds), q.dataset.grade);
  const answer = await answerJson();
  const a = answer.question;
  const legend = q.querySelector('legend');
  if (legend && a) legend.textContent = a.text;
  const seeds = answer.scenarios?.[0]?.seeds;
  return { outcome: a ? a.outcome : null, text: `In the stored map (${seeds} seeds, the figure below): ${a ? a.why : ''} ${answer.conclusion.split('\n')[0]}` };
}

function setupQuestion(q) {
  const button = q.querySelector('.reveal-btn');
  const out = q.querySelector('.reveal');
  const why = q.parentElement.querySelector(`.why[data-for="${q.dataset.question}"]`);
  q.addEventListener('change', () => { button.disabled = !q.querySelector('input:checked'); });
  button.addEventListener('click', async () => {
    const choice = q.querySelector('input:checked');
    if (!choice) return;
    button.disabled = true;
    out.hidden = false;
    out.textContent = q.dataset.seeds ? `Running ${q.dataset.seeds} seeds of the lesson…` : 'Reading the map…';
    let said;
    try {
      said = await reveal(q);
    } catch (err) {
      said = { outcome: null, text: `The lesson could not be run (${err?.message ?? err}).` };
    }
    const what = q.dataset.seeds ? 'these seeds' : 'the map';
    const verdict = said.outcome == null ? '' : said.outcome === choice.value ? `Your guess matches ${what}. ` : 'Not this time. ';
    out.textContent = verdict + said.text;
    if (why) why.hidden = false;
    button.disabled = false;
    button.textContent = 'Show me again';
  });
}

/** The embed snippets, written for the address this essay is served from. */
function snippets() {
  const iframe = document.getElementById('snippet-iframe');
  if (!iframe) return;
  // The lesson link is the page's (article.html), made absolute for the address the essay is served from.
  const src = new URL(iframe.dataset.link, location.href).href;
  iframe.textContent = `<iframe src="${src}" width="100%" height="560" loading="lazy" style="border:0" title="Real-Time ML Playground"></iframe>`;
  const hugo = document.getElementById('snippet-hugo-use');
  if (hugo) hugo.textContent = `{{< rtml src="${src}" height="560" >}}`;
}

function printFigures() {
  // Print shows each figure's PNG instead of its live lesson; lazy images must load first.
  window.addEventListener('beforeprint', () => {
    document.querySelectorAll('img.print-figure').forEach((img) => { img.loading = 'eager'; });
  });
}

setupFigures();
lazyLessons();
document.querySelectorAll('.question').forEach(setupQuestion);
snippets();
printFigures();
document.body.dataset.ready = '1';
