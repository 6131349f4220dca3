// The world panes (look inside): what each lane did to the world, under the chart and on its time
// axis. Cells: which cells slept or were overloaded, and one cell's load against every forecast. Ads:
// for the busiest user segments, the best ad, the session intents, and how often each lane showed the
// best ad. The cursor follows the chart's hover (or the panes' own), otherwise the last simulated
// moment; Rust draws the panes and writes the read-out (this file only places them).

const $ = (id) => document.getElementById(id);

const st = {
  // () => the Playground, () => dark, () => several seeds shown.
  pg: null, dark: null, seeds: null,
  // The bucket under a cursor (-1: the last simulated), and the cell followed (null: the most telling).
  at: -1,
  cell: null,
  names: '',
  // Drawn only while on screen (below the fold, a run's partial results cost nothing here), and at
  // most once per animation frame however fast the pointer moves.
  visible: false,
  queued: false,
};

export function setupInside(pg, dark, seeds) {
  Object.assign(st, { pg, dark, seeds });
  const canvas = $('inside-chart');
  new IntersectionObserver((entries) => {
    st.visible = entries.some((e) => e.isIntersecting);
    if (st.visible) drawInside();
  }).observe($('inside'));
  const under = (ev) => {
    const r = canvas.getBoundingClientRect();
    const k = canvas.width / canvas.clientWidth;
    return st.pg().inside_hover((ev.clientX - r.left) * k, (ev.clientY - r.top) * k);
  };
  canvas.addEventListener('mousemove', (ev) => {
    const hit = under(ev);
    if (hit) followBucket(hit.bucket);
  });
  canvas.addEventListener('mouseleave', () => followBucket(null));
  // A click on a row of a cells strip follows that cell.
  canvas.addEventListener('click', (ev) => {
    const hit = under(ev);
    if (!hit || !st.pg().inside_cells().length) return;
    st.cell = hit.row;
    $('inside-cell').value = String(hit.row);
    drawInside();
  });
  // For tests: what lies under a pixel of the panes (device pixels).
  window.__insideHover = (px, py) => st.pg().inside_hover(px, py);
  $('inside-cell').addEventListener('change', (e) => {
    st.cell = e.target.value === '' ? null : Number(e.target.value);
    drawInside();
  });
}

// The chart's hover moved to bucket `b` (null: it left): the panes follow.
export function followBucket(b) {
  const at = b ?? -1;
  if (at === st.at) return;
  st.at = at;
  if (st.queued) return;
  st.queued = true;
  requestAnimationFrame(() => { st.queued = false; drawInside(); });
}

// A new run (another configuration): follow the most telling cell again unless it no longer exists.
export function resetInside() {
  st.cell = null;
  st.at = -1;
}

function cellOptions(pg) {
  const names = pg.inside_cells();
  $('inside-cell-label').hidden = !names.length;
  const key = names.join('|');
  if (key === st.names) return;
  st.names = key;
  if (st.cell !== null && st.cell >= names.length) st.cell = null;
  const opts = [new Option('the cell whose story differs most', '')];
  names.forEach((n, i) => opts.push(new Option(n, String(i))));
  $('inside-cell').replaceChildren(...opts);
  $('inside-cell').value = st.cell === null ? '' : String(st.cell);
}

export function drawInside() {
  const pg = st.pg?.();
  if (!pg) return;
  const section = $('inside');
  const several = st.seeds();
  $('inside-seeds').hidden = !several;
  const canvas = $('inside-chart');
  canvas.hidden = several;
  $('inside-readout-wrap').hidden = several;
  if (several || section.hidden || section.offsetParent === null) return;
  // The height is kept right even off screen (it depends on the settings and the width only): the
  // page below never moves when the panes first draw.
  const w = canvas.clientWidth;
  const h = Math.ceil(pg.inside_height(w));
  canvas.style.height = `${h}px`;
  // The read-out and the cell list too (cheap): a table that filled in only when scrolled to would
  // push down what lies below it under the reader's pointer.
  cellOptions(pg);
  const cell = st.cell ?? pg.inside_telling_cell();
  renderReadout(pg.inside_readout(st.at, cell));
  if (!st.visible || !w || !h) return;
  const dpr = Math.min(window.devicePixelRatio || 1, 3);
  const W = Math.round(w * dpr);
  const H = Math.round(h * dpr);
  if (canvas.width !== W || canvas.height !== H) {
    canvas.width = W;
    canvas.height = H;
  }
  const t0 = performance.now();
  pg.draw_inside(canvas, dpr, st.dark(), st.at, cell);
  canvas.dataset.at = String(st.at);
  // For the benchmark: the longest drawing of the panes so far (milliseconds on this thread).
  st.longestMs = Math.max(st.longestMs || 0, performance.now() - t0);
  window.__insideLongestMs = st.longestMs;
}

function renderReadout(r) {
  const table = $('inside-readout');
  if (!r) {
    table.tHead.replaceChildren();
    table.tBodies[0].replaceChildren();
    $('inside-when').textContent = 'Nothing simulated yet.';
    $('inside-note').textContent = '';
    return;
  }
  $('inside-when').textContent = r.title;
  const th = (t) => { const e = document.createElement('th'); e.scope = 'col'; e.textContent = t; return e; };
  const head = document.createElement('tr');
  head.append(...r.head.map(th));
  table.tHead.replaceChildren(head);
  table.tBodies[0].replaceChildren(...r.rows.map((row) => {
    const tr = document.createElement('tr');
    row.forEach((t, i) => {
      const c = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) c.scope = 'row';
      c.textContent = t;
      tr.append(c);
    });
    return tr;
  }));
  $('inside-note').textContent = r.note;
}

// The workers' parts carry the panes' recording: the world's grid (the same in every part) and each
// lane's, flattened for Rust's `adopt` (both empty when a part has none).
export function insideArrays(parts) {
  const grids = [];
  let world = null;
  for (const p of parts) {
    if (!p.inside || p.inside.length !== p.lanes.length + 1) return { world: new Float32Array(0), lanes: new Float32Array(0) };
    world = world || p.inside[0];
    p.lanes.forEach((l, i) => grids.push(p.inside[i + 1]));
  }
  const per = grids.length ? grids[0].length : 0;
  const lanes = new Float32Array(per * grids.length);
  grids.forEach((g, i) => lanes.set(g, i * per));
  return { world: Float32Array.from(world || []), lanes };
}
