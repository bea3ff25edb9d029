// The trace panel's page: lanes per agent, one row per step in time order (only the rows in view
// are in the DOM), fence arrows, the failing steps highlighted, an inspector of the selected
// step. Plain DOM, no framework; everything it decides comes from model.ts / virtual.ts.
import type { TraceFinding, TraceResult } from '../../../server/src/lsp/protocol';
import { formatValue, tableOf } from './format';
import {
  type HostToWebview,
  type PersistedState,
  type TraceOrigin,
  type WebviewToHost,
  isHostToWebview,
  isPersistedState,
  messageText,
} from './messages';
import {
  type Arrow,
  type Filter,
  type Lane,
  type ObjectState,
  type Step,
  StateIndex,
  arrowsInWindow,
  fenceArrows,
  firstFailingPosition,
  isFailing,
  lanesOf,
  objectsOf,
  positionOfStep,
  visibleRows,
} from './model';
import { rowWindow, scrollToCentre, scrollToReveal } from './virtual';
import { isPaged, listPage, pageOfEntry, shownKeys } from './pages';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: PersistedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const ROW_HEIGHT = 24;
const INDEX_WIDTH = 56;
const LANE_WIDTH = 280;
const ANCHOR = 10; // x offset of a step's dot (where arrows start and end) inside its lane
const MAX_TABLE_ROWS = 64;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function byId<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`trace view: #${id} missing from the page`);
  return e as T;
}

const ui = {
  scenario: byId('scenario'),
  platform: byId('platform'),
  profile: byId<HTMLSelectElement>('profile'),
  stats: byId('stats'),
  notice: byId('notice'),
  agents: byId('agents'),
  object: byId<HTMLSelectElement>('object'),
  failingOnly: byId<HTMLInputElement>('failing-only'),
  run: byId<HTMLButtonElement>('run'),
  findings: byId('findings'),
  scroller: byId('scroller'),
  laneHead: byId('lane-head'),
  canvas: byId('canvas'),
  laneLines: byId('lane-lines'),
  rows: byId('rows'),
  arrows: document.getElementById('arrows') as unknown as SVGSVGElement,
  inspector: byId('inspector'),
  count: byId('count'),
};

interface View {
  trace: TraceResult;
  origin: TraceOrigin;
  lanes: Lane[];
  laneIndex: Map<string, number>;
  rows: number[];
  rowOfPos: Map<number, number>;
  arrows: Arrow[];
  states: StateIndex;
  /** Most severe finding severity per step index (1 = error … 3 = information). */
  severity: Map<number, number>;
  selected: number; // position into trace.steps, -1 = none
}

let view: View | undefined;
let filter: Filter = { hiddenAgents: new Set(), object: '', failingOnly: false };
const rendered = new Map<number, HTMLElement>(); // row number -> element
let frame = 0;

const saved: PersistedState | undefined = (() => {
  const s = vscode.getState();
  return isPersistedState(s) ? s : undefined;
})();

function persist(): void {
  if (!view) return;
  const sel = view.selected >= 0 ? view.trace.steps[view.selected].index : undefined;
  vscode.setState({
    uri: view.trace.uri,
    scenario: view.trace.scenario,
    selectedStep: sel,
    hiddenAgents: [...filter.hiddenAgents],
    objectFilter: filter.object,
    failingOnly: filter.failingOnly,
    scrollTop: ui.scroller.scrollTop,
  });
}

function severityRank(f: TraceFinding): number {
  return f.severity ?? 1;
}

function stepSeverities(findings: readonly TraceFinding[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const f of findings) {
    if (f.traceStep === undefined) continue;
    const r = severityRank(f);
    m.set(f.traceStep, Math.min(m.get(f.traceStep) ?? 9, r));
  }
  return m;
}

// ---- loading --------------------------------------------------------------------------------

function load(trace: TraceResult, origin: TraceOrigin): void {
  const previous = view;
  const sameScenario = previous
    ? previous.trace.uri === trace.uri && previous.trace.scenario === trace.scenario
    : saved?.uri === trace.uri && saved?.scenario === trace.scenario;
  if (!sameScenario) {
    filter = { hiddenAgents: new Set(), object: '', failingOnly: false };
    pageChoice.clear();
  }
  else if (!previous && saved)
    filter = { hiddenAgents: new Set(saved.hiddenAgents ?? []), object: saved.objectFilter ?? '', failingOnly: saved.failingOnly ?? false };

  const lanes = lanesOf(trace.steps);
  view = {
    trace,
    origin,
    lanes,
    laneIndex: new Map(),
    rows: [],
    rowOfPos: new Map(),
    arrows: [],
    states: new StateIndex(trace.steps),
    severity: stepSeverities(trace.findings),
    selected: -1,
  };
  // Keep the selected step across refreshes of one scenario; otherwise start at the failure.
  const keepIndex = sameScenario ? (previous ? selectedIndex(previous) : saved?.selectedStep) : undefined;
  const keep = keepIndex !== undefined ? positionOfStep(trace.steps, keepIndex) : -1;
  view.selected = keep >= 0 ? keep : firstFailingPosition(trace.steps);

  renderHeader();
  renderFilters();
  applyFilter();
  if (sameScenario && !previous && saved?.scrollTop !== undefined) ui.scroller.scrollTop = saved.scrollTop;
  else if (!sameScenario || keep < 0) revealSelected('centre');
  renderInspector();
  persist();
}

function selectedIndex(v: View): number | undefined {
  return v.selected >= 0 ? v.trace.steps[v.selected].index : undefined;
}

function renderHeader(): void {
  if (!view) return;
  const { trace, origin } = view;
  ui.scenario.textContent = trace.scenario;
  ui.platform.textContent = trace.platform;
  // Under a version matrix: the profile shown, and a picker for the others.
  const kernels = trace.kernels ?? [];
  ui.profile.hidden = kernels.length === 0;
  ui.profile.replaceChildren(...kernels.map((k) => {
    const o = el('option', undefined, `Linux ${k}`);
    o.value = k;
    return o;
  }));
  if (trace.kernel) ui.profile.value = trace.kernel;
  const e = trace.exploration;
  const errors = trace.findings.filter((f) => severityRank(f) === 1).length;
  const warnings = trace.findings.filter((f) => severityRank(f) === 2).length;
  ui.stats.textContent =
    `${trace.steps.length} steps · ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} · ` +
    `${e.schedules} schedule${e.schedules === 1 ? '' : 's'}, ${e.states} states, ${Math.round(e.millis)} ms` +
    (e.cutShort ? ' · cut short by the budget' : '') +
    (origin === 'run' ? ' · full run' : '');
  ui.stats.classList.toggle('cut-short', e.cutShort);
  ui.findings.replaceChildren(...trace.findings.map(findingItem));
  ui.findings.hidden = trace.findings.length === 0;
}

function codeOf(f: TraceFinding): string {
  return f.code === undefined ? '' : String(f.code);
}

function ruleLink(code: string): HTMLElement {
  const a = el('a', 'rule', code);
  a.href = '#';
  a.title = `Open the documentation of ${code}`;
  a.dataset.code = code;
  return a;
}

function relatedList(f: TraceFinding): HTMLElement | undefined {
  const related = f.relatedInformation ?? [];
  if (!view || related.length === 0) return undefined;
  const findingIndex = view.trace.findings.indexOf(f);
  const ul = el('ul', 'related');
  related.forEach((r, i) => {
    const li = el('li');
    const a = el('a', 'related-link', `${r.location.uri.split('/').pop()}:${r.location.range.start.line + 1}`);
    a.href = '#';
    a.title = 'Reveal in the editor';
    // Indices, not the location: the host opens only locations of the trace it sent.
    a.dataset.finding = String(findingIndex);
    a.dataset.related = String(i);
    li.append(a, ' ', r.message);
    ul.append(li);
  });
  return ul;
}

function findingItem(f: TraceFinding): HTMLElement {
  const li = el('li', `finding sev-${severityRank(f)}`);
  const code = codeOf(f);
  if (code) li.append(ruleLink(code), ' ');
  const text = messageText(f.message);
  li.title = `${code ? `${code}: ` : ''}${text}`;
  li.append(el('span', 'message', text));
  if (f.traceStep !== undefined) {
    const go = el('a', 'step-link', `step ${f.traceStep}`);
    go.href = '#';
    go.dataset.step = String(f.traceStep);
    li.append(' ', go);
  }
  return li;
}

function renderFilters(): void {
  if (!view) return;
  ui.agents.replaceChildren(
    ...view.lanes.map((lane) => {
      const label = el('label', `agent kind-${lane.kind}`);
      const box = el('input');
      box.type = 'checkbox';
      box.checked = !filter.hiddenAgents.has(lane.agent);
      box.dataset.agent = lane.agent;
      label.append(box, ' ', lane.label);
      return label;
    }),
  );
  const objects = objectsOf(view.trace.steps);
  if (filter.object && !objects.includes(filter.object)) filter = { ...filter, object: '' };
  const all = el('option', undefined, 'all objects');
  all.value = '';
  ui.object.replaceChildren(
    all,
    ...objects.map((o) => {
      const opt = el('option', undefined, o);
      opt.value = o;
      return opt;
    }),
  );
  ui.object.value = filter.object;
  ui.failingOnly.checked = filter.failingOnly;
}

// ---- the timeline ---------------------------------------------------------------------------

function applyFilter(): void {
  if (!view) return;
  const v = view;
  const shown = v.lanes.filter((l) => !filter.hiddenAgents.has(l.agent));
  v.laneIndex = new Map(shown.map((l, i) => [l.agent, i]));
  v.rows = visibleRows(v.trace.steps, filter);
  v.rowOfPos = new Map(v.rows.map((pos, row) => [pos, row]));
  v.arrows = fenceArrows(v.trace.steps, v.rows);
  const width = INDEX_WIDTH + Math.max(1, shown.length) * LANE_WIDTH;
  ui.canvas.style.height = `${v.rows.length * ROW_HEIGHT}px`;
  ui.canvas.style.width = `${width}px`;
  ui.laneHead.style.width = `${width}px`;
  ui.laneHead.replaceChildren(
    el('div', 'lane-title index', '#'),
    ...shown.map((l, i) => {
      const h = el('div', `lane-title kind-${l.kind}`, l.label);
      h.style.left = `${INDEX_WIDTH + i * LANE_WIDTH}px`;
      h.title = l.agent;
      return h;
    }),
  );
  ui.laneLines.replaceChildren(
    ...shown.map((l, i) => {
      const line = el('div', `lane-line kind-${l.kind}`);
      line.style.left = `${INDEX_WIDTH + i * LANE_WIDTH + ANCHOR}px`;
      return line;
    }),
  );
  ui.count.textContent =
    v.rows.length === v.trace.steps.length ? `${v.rows.length} steps` : `${v.rows.length} of ${v.trace.steps.length} steps`;
  for (const e of rendered.values()) e.remove();
  rendered.clear();
  renderWindow();
}

function laneX(agent: string): number {
  return INDEX_WIDTH + (view?.laneIndex.get(agent) ?? 0) * LANE_WIDTH;
}

function rowClass(v: View, step: Step, pos: number): string {
  const cls = ['row'];
  const sev = v.severity.get(step.index);
  if (sev === 1 || (sev === undefined && step.findings.length > 0)) cls.push('sev-1');
  else if (sev !== undefined) cls.push(`sev-${sev}`);
  if (!step.ok) cls.push('not-ok');
  if (isFailing(step)) cls.push('failing');
  if (pos === v.selected) cls.push('selected');
  return cls.join(' ');
}

function rowElement(v: View, row: number): HTMLElement {
  const pos = v.rows[row];
  const step = v.trace.steps[pos];
  const r = el('div', rowClass(v, step, pos));
  r.setAttribute('role', 'option');
  r.setAttribute('aria-selected', String(pos === v.selected));
  r.dataset.pos = String(pos);
  r.style.top = `${row * ROW_HEIGHT}px`;
  r.append(el('span', 'index', String(step.index)));
  const cell = el('span', 'cell');
  cell.style.left = `${laneX(step.agent)}px`;
  cell.append(el('span', 'dot'), el('span', 'call', step.call));
  if (step.outcome) cell.append(el('span', 'outcome', `→ ${step.outcome}`));
  for (const code of step.findings) cell.append(el('span', 'badge', code));
  r.title = `${step.index} · ${step.agent} · ${step.call}${step.outcome ? ` → ${step.outcome}` : ''}${step.findings.length ? ` · ${step.findings.join(', ')}` : ''}`;
  r.append(cell);
  return r;
}

function renderWindow(): void {
  frame = 0;
  if (!view) return;
  const v = view;
  const viewport = ui.scroller.clientHeight - ui.laneHead.offsetHeight;
  const scrollTop = ui.scroller.scrollTop;
  const w = rowWindow(scrollTop, viewport, ROW_HEIGHT, v.rows.length);
  for (const [row, e] of rendered) {
    if (row < w.first || row > w.last) {
      e.remove();
      rendered.delete(row);
    }
  }
  const fresh = document.createDocumentFragment();
  for (let row = w.first; row <= w.last; row++) {
    if (rendered.has(row)) continue;
    const e = rowElement(v, row);
    rendered.set(row, e);
    fresh.append(e);
  }
  ui.rows.append(fresh);
  drawArrows(v, w.first, w.last);
}

const SVG = 'http://www.w3.org/2000/svg';

function drawArrows(v: View, first: number, last: number): void {
  const svg = ui.arrows;
  const defs = svg.querySelector('defs');
  svg.replaceChildren(...(defs ? [defs] : []));
  if (last < first) return;
  svg.style.top = `${first * ROW_HEIGHT}px`;
  svg.setAttribute('height', String((last - first + 1) * ROW_HEIGHT));
  svg.setAttribute('width', ui.canvas.style.width.replace('px', ''));
  for (const a of arrowsInWindow(v.arrows, first, last)) {
    const x1 = laneX(a.fromAgent) + ANCHOR;
    const x2 = laneX(a.toAgent) + ANCHOR;
    const y1 = (a.fromRow - first) * ROW_HEIGHT + ROW_HEIGHT / 2;
    const y2 = (a.toRow - first) * ROW_HEIGHT + ROW_HEIGHT / 2;
    const bend = x1 === x2 ? 28 : 0;
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', `M ${x1} ${y1} C ${x1 + bend} ${y1 + (y2 - y1) / 3}, ${x2 + bend} ${y2 - (y2 - y1) / 3}, ${x2} ${y2}`);
    path.setAttribute('class', 'fence-arrow');
    path.setAttribute('marker-end', 'url(#arrowhead)');
    const title = document.createElementNS(SVG, 'title');
    title.textContent = `${a.fence}: signalled at row ${a.fromRow + 1}, waited on at row ${a.toRow + 1}`;
    path.append(title);
    svg.append(path);
  }
}

function scheduleRender(): void {
  if (!frame) frame = requestAnimationFrame(renderWindow);
}

function revealSelected(how: 'centre' | 'nearest'): void {
  if (!view || view.selected < 0) return;
  const row = view.rowOfPos.get(view.selected);
  if (row === undefined) return;
  const viewport = ui.scroller.clientHeight - ui.laneHead.offsetHeight;
  ui.scroller.scrollTop =
    how === 'centre' ? scrollToCentre(row, viewport, ROW_HEIGHT) : scrollToReveal(row, ui.scroller.scrollTop, viewport, ROW_HEIGHT);
  renderWindow();
}

function select(pos: number, opts: { reveal: boolean; scroll: 'centre' | 'nearest' | 'none' }): void {
  if (!view || pos < 0 || pos >= view.trace.steps.length) return;
  view.selected = pos;
  for (const [row, e] of rendered) {
    const on = view.rows[row] === pos;
    e.classList.toggle('selected', on);
    e.setAttribute('aria-selected', String(on));
  }
  if (opts.scroll !== 'none') revealSelected(opts.scroll);
  renderInspector();
  persist();
  if (opts.reveal) vscode.postMessage({ type: 'reveal', step: view.trace.steps[pos].index });
}

// ---- the inspector --------------------------------------------------------------------------

/** A table of entries, each row numbered by its index in the whole list. */
function rowsTable(rows: readonly { readonly index: number; readonly entry: Readonly<Record<string, unknown>> }[], more: number): HTMLElement {
  const columns: string[] = [];
  for (const r of rows) for (const k of Object.keys(r.entry)) if (!columns.includes(k)) columns.push(k);
  const t = el('table', 'nested');
  const head = el('tr');
  head.append(el('th', undefined, '#'), ...columns.map((c) => el('th', undefined, c)));
  t.append(head);
  for (const r of rows) {
    const tr = el('tr');
    tr.append(el('td', undefined, String(r.index)), ...columns.map((c) => el('td', undefined, formatValue(c, r.entry[c]))));
    t.append(tr);
  }
  if (more > 0) {
    const tr = el('tr');
    const td = el('td', 'more', `… ${more} more`);
    td.colSpan = columns.length + 1;
    tr.append(td);
    t.append(tr);
  }
  return t;
}

// The page each paged list shows, per object and list; a new trace starts every list at page 0.
const pageChoice = new Map<string, number>();

function button(text: string, title: string, disabled: boolean, onClick: () => void): HTMLButtonElement {
  const b = el('button', 'pager-button', text);
  b.title = title;
  b.disabled = disabled;
  b.addEventListener('click', onClick);
  return b;
}

/** A list longer than a page: its current page and the controls to move through it. */
function pagedCell(state: Readonly<Record<string, unknown>>, key: string, id: string): HTMLElement {
  const page = listPage(state, key, pageChoice.get(id) ?? 0);
  if (!page) return el('span', 'value', formatValue(key, state[key]));
  const wrap = el('div', 'paged');
  const show = (p: number) => {
    pageChoice.set(id, p);
    wrap.replaceWith(pagedCell(state, key, id));
  };
  const first = page.rows[0]?.index ?? 0;
  const nav = el('div', 'pager');
  const label = el('span', 'pager-label', `${key} ${first + 1}–${first + page.rows.length} of ${page.total.toLocaleString('en-US')}`);
  const goto = el('input', 'pager-goto');
  goto.type = 'number';
  goto.min = '0';
  goto.max = String(page.total - 1);
  goto.placeholder = 'entry #';
  goto.title = `Go to entry (0–${page.total - 1})`;
  goto.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    const n = Number(goto.value);
    if (Number.isInteger(n) && n >= 0 && n < page.total) show(pageOfEntry(n));
  });
  nav.append(
    button('‹ Prev', 'Previous page', page.page === 0, () => show(page.page - 1)),
    label,
    button('Next ›', 'Next page', page.page >= page.pages - 1, () => show(page.page + 1)),
    goto,
  );
  wrap.append(nav, rowsTable(page.rows, 0));
  return wrap;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `id`: where the value sits (object and key path), to remember the page of a paged list. */
function valueCell(key: string, value: unknown, state: Readonly<Record<string, unknown>>, id: string): HTMLElement {
  if (isPaged(state, key)) return pagedCell(state, key, id);
  // A nested record (a table's DMA mapping inside its sg_table) reads as a nested state table.
  if (isRecord(value) && id.split('/').length < 4) return stateTable(value, [], id);
  const table = tableOf(value);
  if (!table) return el('span', 'value', formatValue(key, value));
  return rowsTable(table.rows.slice(0, MAX_TABLE_ROWS).map((entry, index) => ({ index, entry })), table.rows.length - MAX_TABLE_ROWS);
}

function stateTable(state: Readonly<Record<string, unknown>>, changed: readonly string[], id: string): HTMLElement {
  const t = el('table', 'state');
  for (const k of shownKeys(state)) {
    const tr = el('tr', changed.includes(k) ? 'changed-key' : undefined);
    const td = el('td');
    td.append(valueCell(k, state[k], state, `${id}/${k}`));
    tr.append(el('th', undefined, k), td);
    t.append(tr);
  }
  return t;
}

function objectBlock(o: ObjectState): HTMLElement {
  const d = el('details', `object${o.changedHere ? ' changed' : ''}`);
  d.open = o.changedHere;
  const s = el('summary');
  s.append(el('span', 'object-name', o.object), el('span', 'object-kind', o.kind), el('span', 'object-summary', o.summary));
  if (!o.changedHere) s.append(el('span', 'object-step', `since step ${o.step}`));
  d.append(s);
  if (o.state && Object.keys(o.state).length > 0) {
    const t = stateTable(o.state, o.changedKeys, o.object);
    for (const k of o.changedKeys) {
      if (o.state && k in o.state) continue;
      const tr = el('tr', 'changed-key removed');
      tr.append(el('th', undefined, k), el('td', 'value', '(removed)'));
      t.append(tr);
    }
    d.append(t);
  }
  return d;
}

function renderInspector(): void {
  const box = ui.inspector;
  if (!view || view.selected < 0) {
    box.replaceChildren(el('p', 'hint', view?.trace.steps.length ? 'Select a step to see the state after it.' : 'This trace has no steps.'));
    return;
  }
  const v = view;
  const step = v.trace.steps[v.selected];
  const head = el('div', 'step-head');
  const loc = el('a', 'location', `${step.location.file.split(/[\\/]/).pop()}:${step.location.range.start.line + 1}`);
  loc.href = '#';
  loc.dataset.reveal = String(step.index);
  loc.title = 'Reveal in the editor';
  head.append(el('span', 'step-no', `Step ${step.index}`), el('span', 'step-agent', step.agent), loc);
  const parts: HTMLElement[] = [head, el('pre', 'step-call', step.call)];
  if (step.outcome) parts.push(el('div', `step-outcome${step.ok ? '' : ' not-ok'}`, `→ ${step.outcome}`));
  if (step.waitsOn?.length) parts.push(el('div', 'fences', `waits on ${step.waitsOn.join(', ')}`));
  if (step.signals?.length) parts.push(el('div', 'fences', `signals ${step.signals.join(', ')}`));
  const here = v.trace.findings.filter((f) => f.traceStep === step.index);
  const unexplained = step.findings.filter((c) => !here.some((f) => codeOf(f) === c));
  if (here.length || unexplained.length) {
    const ul = el('ul', 'step-findings');
    ul.append(...here.map((f) => {
      const li = findingItem(f);
      const related = relatedList(f);
      if (related) li.append(related);
      return li;
    }));
    for (const c of unexplained) {
      const li = el('li', 'finding sev-1');
      li.append(ruleLink(c));
      ul.append(li);
    }
    parts.push(ul);
  }
  const snapshot = v.states.snapshotAt(v.selected);
  parts.push(el('h3', undefined, snapshot.length ? `State after step ${step.index}` : 'No object state recorded yet'));
  parts.push(...snapshot.map(objectBlock));
  box.replaceChildren(...parts);
}

// ---- events ---------------------------------------------------------------------------------

ui.scroller.addEventListener('scroll', () => {
  scheduleRender();
  persistSoon();
});

let persistTimer: ReturnType<typeof setTimeout> | undefined;
function persistSoon(): void {
  if (persistTimer) clearTimeout(persistTimer);
  persistTimer = setTimeout(persist, 200);
}

window.addEventListener('resize', scheduleRender);

ui.rows.addEventListener('click', (ev) => {
  const row = (ev.target as HTMLElement).closest<HTMLElement>('.row');
  if (!row?.dataset.pos) return;
  select(Number(row.dataset.pos), { reveal: true, scroll: 'none' });
  ui.scroller.focus();
});

ui.scroller.addEventListener('keydown', (ev) => {
  if (!view || view.rows.length === 0) return;
  const current = view.rowOfPos.get(view.selected) ?? -1;
  const page = Math.max(1, Math.floor(ui.scroller.clientHeight / ROW_HEIGHT) - 1);
  const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
  if (ev.key === 'Enter' && view.selected >= 0) {
    select(view.selected, { reveal: true, scroll: 'nearest' });
  } else if (ev.key in moves) {
    const row = Math.max(0, Math.min(view.rows.length - 1, current + moves[ev.key]));
    select(view.rows[row], { reveal: false, scroll: 'nearest' });
  } else if (ev.key === 'Home' || ev.key === 'End') {
    select(view.rows[ev.key === 'Home' ? 0 : view.rows.length - 1], { reveal: false, scroll: 'nearest' });
  } else return;
  ev.preventDefault();
});

document.body.addEventListener('click', (ev) => {
  const a = (ev.target as HTMLElement).closest<HTMLElement>('a');
  if (!a || !view) return;
  ev.preventDefault();
  if (a.dataset.code) vscode.postMessage({ type: 'openRuleDocs', code: a.dataset.code });
  else if (a.dataset.step) selectIndex(Number(a.dataset.step), true);
  else if (a.dataset.reveal) vscode.postMessage({ type: 'reveal', step: Number(a.dataset.reveal) });
  else if (a.dataset.finding && a.dataset.related)
    vscode.postMessage({ type: 'revealRelated', finding: Number(a.dataset.finding), related: Number(a.dataset.related) });
});

function selectIndex(index: number, reveal: boolean): void {
  if (!view) return;
  const pos = positionOfStep(view.trace.steps, index);
  if (pos < 0) return;
  if (!view.rowOfPos.has(pos)) {
    // The step is filtered out: clear the filters rather than select something invisible.
    filter = { hiddenAgents: new Set(), object: '', failingOnly: false };
    renderFilters();
    applyFilter();
  }
  select(pos, { reveal, scroll: 'centre' });
}

ui.agents.addEventListener('change', (ev) => {
  const box = ev.target as HTMLInputElement;
  const agent = box.dataset.agent;
  if (!agent) return;
  const hidden = new Set(filter.hiddenAgents);
  if (box.checked) hidden.delete(agent);
  else hidden.add(agent);
  filter = { ...filter, hiddenAgents: hidden };
  refilter();
});

ui.object.addEventListener('change', () => {
  filter = { ...filter, object: ui.object.value };
  refilter();
});

ui.failingOnly.addEventListener('change', () => {
  filter = { ...filter, failingOnly: ui.failingOnly.checked };
  refilter();
});

function refilter(): void {
  applyFilter();
  revealSelected('nearest');
  persist();
}

ui.run.addEventListener('click', () => vscode.postMessage({ type: 'run' }));
ui.profile.addEventListener('change', () => vscode.postMessage({ type: 'profile', kernel: ui.profile.value }));

function showNotice(level: 'info' | 'warning' | 'error', text: string): void {
  ui.notice.textContent = text;
  ui.notice.className = `notice ${level}`;
  ui.notice.hidden = text === '';
}

window.addEventListener('message', (ev: MessageEvent<unknown>) => {
  const msg: unknown = ev.data;
  const t0 = performance.now();
  if (!isHostToWebview(msg)) return; // anything else is not from our host
  const t1 = performance.now();
  handle(msg);
  // Timings for the performance harness (test/e2e/vscode/trace-perf.mjs) and DevTools.
  performance.measure(`dmabuf:validate:${msg.type}`, { start: t0, end: t1 });
  performance.measure(`dmabuf:handle:${msg.type}`, { start: t1, end: performance.now() });
});

function handle(msg: HostToWebview): void {
  switch (msg.type) {
    case 'load':
      showNotice('info', '');
      load(msg.trace, msg.origin);
      break;
    case 'notice':
      showNotice(msg.level, msg.text);
      break;
    case 'select':
      selectIndex(msg.step, false);
      break;
  }
}

vscode.postMessage({ type: 'ready' });
