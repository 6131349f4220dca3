// The essay's behaviour: lessons load when scrolled near, each question reveals what happened in the run
// of its lesson (the embedded page posts its summary to this page when it is done), the embed snippet is
// written for the address the essay is served from, and print shows each figure's PNG. Nothing the reader
// chooses leaves the page: it is never stored and never sent.

import { setupFigures, answerJson, worstOverSeeds } from './essay.js';

const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a');
const lane = (r) => `${r.label} (${r.description})`;
const metric = (r, key) => r.metrics?.[key];

/** Lesson results by iframe id: the last `rtml:done` message of each. */
const results = new Map();
/** Questions waiting for their lesson: iframe id -> callback. */
const waiting = new Map();

/**
 * What each question's reveal says, from the summary rows of its lesson's run (`[{label, description,
 * metrics}]`), or for the answer, from the map's JSON. Returns `{ outcome, text }`: `outcome` is the choice the run bears out; `text` states the
 * run's own figures and nothing more.
 */
export const REVEALS = {
  'batch-online'(rows) {
    const [a, b] = rows;
    const ea = metric(a, 'expected_clicks');
    const eb = metric(b, 'expected_clicks');
    const lost = 100 * (eb - ea) / eb;
    const outcome = Math.abs(lost) < 1 ? 'same' : lost <= 10 ? 'little' : 'lot';
    return {
      outcome,
      text: `In this run, lane A earned ${fmt(ea, 0)} expected clicks and lane B ${fmt(eb, 0)}: A got ${fmt(Math.abs(lost))}% ${lost >= 0 ? 'fewer' : 'more'} clicks than B. `
        + `Against an oracle that knows every click probability, A lost ${fmt(metric(a, 'regret_pct'))}% of the possible clicks and B ${fmt(metric(b, 'regret_pct'))}%.`,
    };
  },
  drift(rows) {
    const worst = rows.reduce((w, r) => (metric(r, 'regret_pct') > metric(w, 'regret_pct') ? r : w));
    return {
      outcome: worst.label,
      text: `In this run, lane ${lane(worst)} lost the most: ${rows.map((r) => `${r.label} ${fmt(metric(r, 'regret_pct'))}%`).join(', ')} of the clicks an oracle would have earned over the whole run.`,
    };
  },
  join(rows) {
    const best = rows.reduce((w, r) => (Math.abs(metric(r, 'calibration') - 1) < Math.abs(metric(w, 'calibration') - 1) ? r : w));
    return {
      outcome: best.label,
      text: `In this run, lane ${lane(best)} was closest to calibrated. Predicted over observed clicks: ${rows.map((r) => `${r.label} ${fmt(metric(r, 'calibration'), 2)}`).join(', ')} (1 is calibrated; below 1 the model under-predicts).`,
    };
  },
  /**
   * The stored answer map's JSON (`rtml answer --json`, www/essay-data.json): its `question` is worded and graded in Rust from the
   * same numbers as the map; `outcome` is null where the run cannot measure the answer (no default).
   */
  answer(_, answer) {
    const q = answer.question;
    const legend = document.querySelector('[data-question="answer"] legend');
    if (legend && q) legend.textContent = q.text;
    const seeds = answer.scenarios?.[0]?.seeds;
    return { outcome: q ? q.outcome : null, text: `In the stored map (${seeds} seeds, the figure below): ${q ? q.why : ''} ${answer.conclusion.split('\n')[0]}` };
  },
  holiday(rows) {
    const worst = rows.reduce((w, r) => (metric(r, 'degraded_gb') > metric(w, 'degraded_gb') ? r : w));
    return {
      outcome: worst.label,
      text: `In this run, lane ${lane(worst)} left the most traffic degraded: ${rows.map((r) => `${r.label} ${fmt(metric(r, 'degraded_gb'), 0)} GB`).join(', ')}. Energy saved: ${rows.map((r) => `${r.label} ${fmt(metric(r, 'energy_saved_pct'))}%`).join(', ')}.`,
    };
  },
};

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

function listen() {
  window.addEventListener('message', (e) => {
    if (e.origin !== location.origin || e.data?.type !== 'rtml:done') return;
    const frame = [...document.querySelectorAll('iframe.lesson')].find((f) => f.contentWindow === e.source);
    if (!frame) return;
    const merged = { ...results.get(frame.id), ...e.data };
    results.set(frame.id, merged);
    const w = waiting.get(frame.id);
    if (w && merged[w.needs] !== undefined) { waiting.delete(frame.id); w.then(merged); }
  });
}

/** Asks a lesson to run to its end; `then` gets its result (at once if it already finished). */
function runLesson(frame, needs, then) {
  const known = results.get(frame.id);
  if (known && known[needs] !== undefined) return then(known);
  waiting.set(frame.id, { needs, then });
  load(frame);
  const ask = () => frame.contentWindow?.postMessage({ type: 'rtml:run' }, location.origin);
  // The lesson may still be loading: ask now and whenever it (re)loads; a lesson that is ready answers.
  frame.addEventListener('load', () => setTimeout(ask, 50));
  ask();
  const retry = setInterval(() => { if (!waiting.has(frame.id)) clearInterval(retry); else ask(); }, 1000);
}

function setupQuestion(q) {
  const reveal = REVEALS[q.dataset.question];
  const button = q.querySelector('.reveal-btn');
  const out = q.querySelector('.reveal');
  const why = q.parentElement.querySelector(`.why[data-for="${q.dataset.question}"]`);
  const frame = document.getElementById(q.dataset.lesson);
  q.addEventListener('change', () => { button.disabled = !q.querySelector('input:checked'); });
  button.addEventListener('click', () => {
    const choice = q.querySelector('input:checked');
    if (!choice) return;
    button.disabled = true;
    out.hidden = false;
    out.textContent = 'Running the lesson…';
    const needs = q.dataset.needs || 'summary';
    // The answer's question is graded from the stored map's JSON (Rust words and grades it).
    const ask = needs === 'stored' ? (then) => answerJson().then((answer) => then({ answer }), (e) => then({ error: e }))
      : (then) => runLesson(frame, needs, then);
    // A question graded over seeds: Rust says which lane did worst on enough of them, or that the
    // seeds do not settle it (then no verdict).
    const over = q.dataset.seeds ? (then) => worstOverSeeds(q.dataset.hash, Number(q.dataset.seeds)).then((said) => then({ said }), (e) => then({ error: e })) : null;
    (over ?? ask)((result) => {
      let said = result.said;
      try {
        said ??= reveal(result.summary, result.answer);
      } catch (err) {
        said = { outcome: null, text: `The lesson ran, but its figures could not be read (${err}).` };
      }
      const what = q.dataset.seeds ? 'these seeds' : 'this run';
      const verdict = said.outcome == null ? '' : said.outcome === choice.value ? `Your guess matches ${what}. ` : 'Not this time. ';
      out.textContent = verdict + said.text;
      if (why) why.hidden = false;
      button.disabled = false;
      button.textContent = 'Show me again';
    });
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
listen();
document.querySelectorAll('.question').forEach(setupQuestion);
snippets();
printFigures();
document.body.dataset.ready = '1';
