// The streaming stack the blog post describes, stage by stage, with each lane's delays on it. Clicking
// a stage (or a lane's value on it) focuses the knob that sets it; the glossary links to the stages.
// No logos, no requests: the systems are named in text only.

import { format_duration } from './pkg/rtml.js';

const $ = (id) => document.getElementById(id);
// A knob counted in minutes holds a plain number: written as a duration (90 -> 1h30m).
const mins = (v) => (/^[0-9.]+$/.test(String(v)) ? format_duration(Number(v), 'm') || v : v);

// Each stage: what it does, which real systems it stands for, the knob it maps to (per lane unless
// `world`), the scenario it applies to, and how a lane's value reads.
const STAGES = [
  { id: 'events', name: 'Events', systems: 'apps, web servers, cell sites', what: 'requests, impressions and clicks; or the load of every cell every 15 minutes',
    knob: { ads: 'click_delay', cells: 'load_noise' }, world: true, value: (s) => (s.scenario === 'ads' ? `clicks ~${mins(s.settings.click_delay)} after the ad` : 'the load every 15 min') },
  { id: 'log', name: 'Log / stream', systems: 'Kafka, Kinesis, Pulsar', what: 'outcomes joined to their predictions, after the label delay and within the join window',
    knob: { ads: 'join', cells: 'label_delay' }, glossary: 'Label delay',
    value: (s, l) => (s.scenario === 'ads' ? `join ${mins(s.settings[`${l}.join`])}, labels +${mins(s.settings[`${l}.label_delay`])}` : `labels +${mins(s.settings[`${l}.label_delay`])}`) },
  { id: 'features', name: 'Stream features', systems: 'Flink, Spark Structured Streaming', what: 'fresh features (the session, the latest load) for online prediction; continual updates read the stream',
    knob: { ads: 'mode', cells: 'mode' }, glossary: 'Online prediction',
    value: (s, l) => (s.settings[`${l}.mode`] === 'online' ? 'fresh (online)' : 'not used (batch)') },
  { id: 'store', name: 'Feature / prediction store', systems: 'Cassandra, Redis, a feature store such as Feast', what: 'batch predictions precomputed for every user segment or cell, refreshed on a clock',
    knob: { ads: 'refresh', cells: 'refresh' },
    value: (s, l) => (s.settings[`${l}.mode`] === 'batch' ? `refresh every ${s.settings[`${l}.refresh`]}` : 'not used (online)') },
  { id: 'training', name: 'Scheduled training', systems: 'Airflow, Kubeflow Pipelines, cron', what: 'retrains on a schedule, on drift, or never; continual learning updates after every label instead',
    knob: { ads: 'every', cells: 'every' }, glossary: 'Continual learning', value: (s, l) => training(s, l) },
  { id: 'deploy', name: 'Model deploy', systems: 'Kubernetes, a model registry such as MLflow', what: 'a retrained model serves only after the deploy delay',
    knob: { ads: 'deploy', cells: 'deploy' }, value: (s, l) => (['periodic', 'triggered'].includes(s.settings[`${l}.update`]) ? `after ${s.settings[`${l}.deploy`]}` : `—, ${s.settings[`${l}.update`]}`) },
  { id: 'serving', name: 'Serving', systems: 'a prediction service behind the app or the network controller', what: 'shows an ad or sleeps a cell, scored before the label is learned',
    knob: { ads: 'policy', cells: 'policy' }, glossary: 'Progressive validation', value: (s, l) => servingText(s, l) },
];

function training(s, l) {
  const u = s.settings[`${l}.update`];
  if (u === 'periodic') return `every ${s.settings[`${l}.every`]} (${s.settings[`${l}.retrain`]})`;
  if (u === 'triggered') return 'on drift';
  return u;
}

function servingText(s, l) {
  const p = s.settings[`${l}.policy`];
  if (p !== 'model') return p;
  return s.settings[`${l}.mode`] === 'online' ? 'scored per request' : 'read from the store';
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

/** The input of knob `key` (e.g. `a.join`), or null when the page does not show it. */
function input(key) {
  const e = document.getElementById(`k-${key.replace('.', '-')}`);
  return e && !e.closest('[hidden]') ? e : null;
}

/** Focuses the knob a stage maps to, for lane `lane` (a letter) or the world. */
export function focusStage(id, lane = 'a') {
  const st = STAGES.find((x) => x.id === id);
  if (!st) return null;
  const scen = document.querySelector('input[name=scenario]:checked')?.value || 'ads';
  const key = st.world ? st.knob[scen] : `${lane}.${st.knob[scen]}`;
  const target = input(key);
  if (!target) {
    $('pipeline-note').textContent = `Lane ${lane.toUpperCase()} has no “${st.name}” knob in this setting (a reference lane, or a knob of the other scenario).`;
    return null;
  }
  $('pipeline-note').textContent = '';
  // A knob folded under "advanced" or "more": open its fold first.
  const fold = target.closest('details');
  if (fold && !fold.open) fold.open = true;
  // Segmented buttons: the chosen radio takes the focus (arrow keys then move the choice).
  const focusable = target.matches('.seg') ? target.querySelector('input:checked') || target.querySelector('input') : target;
  target.scrollIntoView({ block: 'center' });
  focusable.focus();
  target.closest('.knob')?.classList.add('flash');
  setTimeout(() => target.closest('.knob')?.classList.remove('flash'), 1200);
  return key;
}

/** Draws the diagram for the page's state (`ui.state`) and catalogue (lane names and colours). */
export function renderPipeline(state, cat) {
  const box = $('pipeline-stages');
  if (!box) return;
  const lanes = Array.from({ length: state.lanes }, (_, i) => cat.lanes[i].toLowerCase());
  const cards = [];
  for (const st of STAGES) {
    const head = el('button', { type: 'button', class: 'stage-name', 'data-stage': st.id, title: `Focus the knob: ${st.what}`, text: st.name });
    // The stage's name focuses the knob of the first lane it applies to (lane A may be frozen).
    const first = lanes.find((_, i) => applies(state, i, st)) || 'a';
    head.addEventListener('click', () => focusStage(st.id, first));
    const card = el('div', { class: 'pipe-stage', id: `stage-${st.id}` }, head, el('p', { class: 'systems', text: st.systems }));
    if (st.world) {
      card.append(el('p', { class: 'lane-delay', text: st.value(state) }));
    } else {
      for (const [i, l] of lanes.entries()) {
        const attrs = { 'data-stage': st.id, 'data-lane': l.toUpperCase(), text: `${l.toUpperCase()}: ${st.value(state, l)}` };
        const info = state.laneControls?.[i];
        // A knob that does not apply to this lane (a continual lane has no deploy delay) is no button:
        // its card does not show the knob, so there is nothing to focus.
        const ok = applies(state, i, st);
        const b = ok
          ? el('button', { type: 'button', class: 'lane-delay', ...attrs })
          : el('p', { class: 'lane-delay na', title: `Does not apply to lane ${l.toUpperCase()} (${info.title}): its card has no such knob`, ...attrs });
        b.style.setProperty('--lane', cat.colors[i]);
        if (ok) b.addEventListener('click', () => focusStage(st.id, l));
        card.append(b);
      }
    }
    if (st.glossary) card.append(el('a', { class: 'gloss', href: `#gloss-${slug(st.glossary)}`, text: `glossary: ${st.glossary.toLowerCase()}` }));
    cards.push(card);
  }
  box.replaceChildren(...cards);
  linkGlossary();
}

/** Whether lane `i`'s card shows the knob of lane stage `st` (Rust's `lane_knob_applies`). */
const applies = (state, i, st) => {
  const info = state.laneControls?.[i];
  return !info || info.applies.includes(st.knob[state.scenario]);
};

const slug = (t) => t.toLowerCase().replace(/[^a-z]+/g, '-');

// The glossary's terms get an anchor, and those a stage stands for link back to it.
function linkGlossary() {
  for (const dt of document.querySelectorAll('.glossary dt')) {
    dt.id = `gloss-${slug(dt.textContent)}`;
    const st = STAGES.find((s) => s.glossary === dt.textContent);
    const dd = dt.nextElementSibling;
    if (!st || !dd || dd.querySelector('a.to-stage')) continue;
    dd.append(' ', el('a', { class: 'to-stage', href: `#stage-${st.id}`, text: `(on the pipeline: ${st.name})` }));
  }
}
