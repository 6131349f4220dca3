// The knob controls: built from the knob table (catalogue) and the state Rust reports. Numbers get a
// slider (square-root scale over wide ranges, log scale over many decades), durations a log-scale
// slider snapped to readable durations (1m ... 30d, from Rust), small choices segmented buttons. Every
// control keeps a typed entry (`#k-<key>`, any text the knob accepts). A slider commits on release
// (`change`), never while dragging, so a drag starts one run, not twenty.
import { format_duration } from './pkg/rtml.js';

const SLIDER_STEPS = 1000;

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

const idOf = (key) => `k-${key.replace('.', '-')}`;

// A number knob's scale: position 0..SLIDER_STEPS <-> value, snapped to the knob's step.
function numberScale(kind) {
  const { min, max } = kind;
  const snap = (v) => {
    if (kind.int) return Math.round(v);
    const s = kind.step > 0 ? kind.step : 0;
    const r = s ? Math.round(v / s) * s : v;
    return Math.min(max, Math.max(min, Number(r.toPrecision(6))));
  };
  if (min > 0 && max / min >= 1000) {
    // Many decades (FTRL alpha): log scale, two significant digits.
    const a = Math.log(min), b = Math.log(max);
    return {
      toPos: (v) => ((Math.log(Math.max(v, min)) - a) / (b - a)) * SLIDER_STEPS,
      toValue: (p) => Math.min(max, Math.max(min, Number(Math.exp(a + (b - a) * (p / SLIDER_STEPS)).toPrecision(2)))),
    };
  }
  if (min >= 0 && kind.step > 0 && (max - min) / kind.step >= 200) {
    // A wide range (traffic 0 to 20,000 req/h): square-root scale, finer at the low end.
    return {
      toPos: (v) => Math.sqrt(Math.max(0, (v - min) / (max - min))) * SLIDER_STEPS,
      toValue: (p) => snap(min + (max - min) * (p / SLIDER_STEPS) ** 2),
    };
  }
  return {
    toPos: (v) => ((v - min) / (max - min)) * SLIDER_STEPS,
    toValue: (p) => snap(min + (max - min) * (p / SLIDER_STEPS)),
  };
}

// A slider plus the typed entry; `stops` (values) or a number scale; `text(v)` is what to commit.
function slider(k, key, number, entry, opts) {
  const range = el('input', { type: 'range', id: `s-${key.replace('.', '-')}`, 'aria-label': k.label, title: k.help });
  range.dataset.key = key;
  if (opts.stops) {
    const stops = opts.stops;
    range.min = 0;
    range.max = stops.length - 1;
    range.step = 1;
    let best = 0;
    for (let i = 0; i < stops.length; i++) if (Math.abs(Math.log((stops[i] + 1e-9) / (number + 1e-9))) < Math.abs(Math.log((stops[best] + 1e-9) / (number + 1e-9)))) best = i;
    range.value = number === null ? 0 : best;
    range.setAttribute('aria-valuetext', entry.value);
    range.addEventListener('input', () => {
      entry.value = opts.text(stops[Number(range.value)]);
      range.setAttribute('aria-valuetext', entry.value);
    });
    range.addEventListener('change', () => opts.commit(opts.text(stops[Number(range.value)])));
  } else {
    const sc = opts.scale;
    range.min = 0;
    range.max = SLIDER_STEPS;
    range.step = 1;
    range.value = number === null ? 0 : Math.round(sc.toPos(number));
    range.addEventListener('input', () => {
      entry.value = opts.text(sc.toValue(Number(range.value)));
      range.setAttribute('aria-valuetext', `${entry.value} ${k.unit}`.trim());
    });
    range.addEventListener('change', () => opts.commit(opts.text(sc.toValue(Number(range.value)))));
  }
  return range;
}

// Segmented buttons: radio inputs (arrow keys move between them) styled as one control.
function segmented(k, key, value, commit) {
  const box = el('div', { class: 'seg', role: 'radiogroup', 'aria-label': k.label, id: idOf(key) });
  for (const c of k.kind.choices) {
    const input = el('input', { type: 'radio', name: idOf(key), value: c, id: `${idOf(key)}-${c}` });
    input.checked = c === value;
    input.dataset.key = key;
    input.addEventListener('change', () => { if (input.checked) commit(c); });
    box.append(input, el('label', { for: input.id, text: c }));
  }
  return box;
}

/** One knob's control: `{k, key, value (canonical text), number (or null), commit(text)}`. */
export function knobControl(k, key, value, number, commit, days) {
  const wrap = el('div', { class: 'knob', 'data-key': key });
  const label = el('label', { for: idOf(key), title: k.help, text: k.label });
  const kind = k.kind;
  wrap.append(label);
  if (kind.type === 'choice' && kind.choices.length <= 4) {
    wrap.append(segmented(k, key, value, commit));
    wrap.classList.add('choice');
    return wrap;
  }
  let entry;
  if (kind.type === 'choice') {
    entry = el('select', { id: idOf(key) });
    for (const c of kind.choices) entry.append(el('option', { value: c, text: c }));
    entry.value = value;
  } else {
    entry = el('input', { id: idOf(key), type: 'text', inputmode: kind.type === 'number' ? 'decimal' : 'text', spellcheck: 'false', size: 7 });
    entry.value = value;
  }
  entry.title = k.help;
  entry.dataset.key = key;
  entry.setAttribute('aria-description', k.help);
  entry.addEventListener('change', () => commit(entry.value));
  const line = el('div', { class: 'slider-line' });
  const fmtNum = (v) => String(v);
  if (kind.type === 'duration' && kind.stops && kind.stops.length > 1) {
    // The unit is part of the text (30m, 2h, 7d); plain knobs accept it as well.
    line.append(slider(k, key, number, entry, { stops: kind.stops, text: (v) => format_duration(v, kind.unit), commit }));
  } else if (kind.type === 'day') {
    const max = Math.max(1, Math.min(kind.max, days || kind.max));
    const sc = { toPos: (v) => (v / max) * SLIDER_STEPS, toValue: (p) => Math.round((p / SLIDER_STEPS) * max * 4) / 4 };
    line.append(slider(k, key, number, entry, { scale: sc, text: fmtNum, commit }));
  } else if (kind.type === 'number' && !(kind.int && kind.max > 1e6)) {
    line.append(slider(k, key, number, entry, { scale: numberScale(kind), text: fmtNum, commit }));
  }
  line.append(entry);
  if (k.unit && kind.type !== 'duration') line.append(el('span', { class: 'unit', text: k.unit }));
  else if (k.unit && kind.plain) line.append(el('span', { class: 'unit', text: k.unit }));
  wrap.append(line);
  return wrap;
}

// A <details> that remembers whether the reader opened it across rebuilds.
function fold(name, summary, open, children) {
  const d = el('details', { class: 'fold', 'data-fold': name }, el('summary', { text: summary }), ...children);
  d.open = open.has(name);
  d.addEventListener('toggle', () => { if (d.open) open.add(name); else open.delete(name); });
  return d;
}

/** The world's knobs in groups (traffic, tastes and drift, clicks or network, events), the less used folded. */
export function worldControls(ctx) {
  const { cat, state, commit, hidden, open } = ctx;
  const scen = state.scenario;
  const knobs = cat.knobs.filter((k) => (k.scenario === 'both' || k.scenario === scen) && k.key !== 'scenario');
  const groups = [...cat.groups, { key: 'other', ads: 'Other', cells: 'Other' }];
  const out = [];
  for (const g of groups) {
    const mine = knobs.filter((k) => k.group === g.key);
    if (!mine.length) continue;
    const make = (k) => {
      const c = knobControl(k, k.key, state.settings[k.key], state.numbers[k.key], (v) => commit(k.key, v), Number(state.settings.days));
      c.hidden = hidden(k.key);
      return c;
    };
    const main = mine.filter((k) => !k.folded).map(make);
    const more = mine.filter((k) => k.folded).map(make);
    const box = el('div', { class: 'group', 'data-group': g.key }, el('h3', { text: g[scen] }), el('div', { class: 'grid' }, ...main));
    if (more.length) box.append(fold(`world-${g.key}`, 'more', open, [el('div', { class: 'grid' }, ...more)]));
    box.hidden = [...main, ...more].every((c) => c.hidden);
    out.push(box);
  }
  return out;
}

/** One card per lane: titled by the sentence that describes it, only the knobs that apply, advanced ones folded. */
export function laneControls(ctx) {
  const { cat, state, commit, hidden, open } = ctx;
  const cards = [];
  for (let i = 0; i < state.lanes; i++) {
    const name = cat.lanes[i];
    const letter = name.toLowerCase();
    const info = state.laneControls[i];
    const box = el('fieldset', { class: 'lane', 'data-lane': name });
    box.style.setProperty('--lane', cat.colors[i]);
    box.append(el('legend', {}, el('span', { class: 'lane-name', text: `Lane ${name}` }), el('span', { class: 'lane-title', text: info.title })));
    const make = (k) => {
      const key = `${letter}.${k.key}`;
      const c = knobControl(k, key, state.settings[key], state.numbers[key], (v) => commit(key, v), Number(state.settings.days));
      c.hidden = hidden(key) || hidden(k.key);
      return c;
    };
    const shown = cat.laneKnobs.filter((k) => info.applies.includes(k.key));
    box.append(...shown.filter((k) => !k.advanced).map(make));
    const adv = shown.filter((k) => k.advanced).map(make);
    if (adv.length) box.append(fold(`lane-${letter}`, 'advanced', open, adv));
    cards.push(box);
  }
  return cards;
}
