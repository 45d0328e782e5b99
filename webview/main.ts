/**
 * Webview entry: owns the page. Builds the toolbar (one row: search, fit and zoom, and three
 * folded menus, Filters, View and Export, so the drawing keeps the panel's height), the SVG stage
 * with its minimap and the side panel; reports the drawing area's size to the host (with `ready`,
 * then on resize) so the layout is arranged for the panel's shape; validates every message from the host
 * (`isHostToWebview`) before acting; posts `ready` once listening; keeps the view (transform,
 * filters, selection, model URI) in the webview state so the panel serializer can restore it
 * after a reload.
 */
import '@vscode/codicons/dist/codicon.css';
import './style.css';
import type { DiagramScene } from '../src/core/layout/scene';
import {
  assertNever,
  isHostToWebview,
  type HostToWebview,
  type WebviewToHost,
} from '../src/shared/protocol';
import { button, checkbox, select as selectControl, setChecked, textField } from './controls';
import {
  CATEGORIES,
  defaultFilters,
  LINDDUN_LETTERS,
  searchMatches,
  SEVERITIES,
  STATUSES,
  STRIDE_LETTERS,
  visibleElements,
  type FilterState,
} from './filters';
import { markerDefs, renderScene, svg } from './render';
import { renderSidePanel } from './sidePanel';
import { standaloneSvg, svgToPngBase64 } from './exportImage';
import { Viewport, type ViewTransform } from './viewport';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** What survives a reload (webview state; the serializer reads `modelUri`). */
interface SavedState {
  modelUri?: string;
  view?: ViewTransform;
  filters?: FilterState;
  selected?: { id: string; kind: 'component' | 'flow' } | null;
  flowLabels?: boolean;
}

const vscode = acquireVsCodeApi();
const saved = (vscode.getState() ?? {}) as SavedState;

let scene: DiagramScene | undefined;
let filters: FilterState = isFilterState(saved.filters) ? saved.filters : defaultFilters();
let selected: { id: string; kind: 'component' | 'flow' } | null = saved.selected ?? null;
let highlighted: string | null = null;
/** The attack path the Fix Plan view selected: its components and flows, marked `on-path`. */
let pathHighlight: { id: string | null; elementIds: readonly string[] } = {
  id: null,
  elementIds: [],
};
let elements = new Map<string, SVGGElement>();
let nextRequestId = 1;
let firstScene = true;

function isFilterState(v: unknown): v is FilterState {
  const f = v as FilterState | undefined;
  return (
    typeof f === 'object' &&
    f !== null &&
    Array.isArray(f.stride) &&
    Array.isArray(f.categories) &&
    Array.isArray(f.linddun) &&
    Array.isArray(f.severities) &&
    Array.isArray(f.statuses) &&
    typeof f.tactic === 'string' &&
    typeof f.search === 'string'
  );
}

function post(message: WebviewToHost): void {
  vscode.postMessage(message);
}

function saveState(): void {
  const state: SavedState = {
    ...(scene && { modelUri: scene.modelUri }),
    view: viewport.view,
    filters,
    selected,
    flowLabels: stage.classList.contains('show-flow-labels'),
  };
  vscode.setState(state);
}

// ---- page structure ----
const app = document.getElementById('app') ?? document.body;
const toolbar = document.createElement('div');
toolbar.className = 'toolbar';
toolbar.setAttribute('role', 'toolbar');
const filterBar = document.createElement('div');
filterBar.className = 'filters';
filterBar.setAttribute('role', 'group');
filterBar.setAttribute('aria-label', 'Filters');
const status = document.createElement('div');
status.className = 'status-bar';
status.setAttribute('role', 'status');
const main = document.createElement('div');
main.className = 'main';
const stage = svg('svg', { class: 'stage', role: 'img', 'aria-label': 'Pipeline diagram' });
const content = svg('g', { class: 'content' });
stage.append(markerDefs(), content);
const minimap = svg('svg', {
  class: 'minimap',
  preserveAspectRatio: 'xMidYMid meet',
  'aria-label': 'Overview',
});
const panel = document.createElement('aside');
panel.className = 'side-panel';
panel.hidden = true;
const legend = document.createElement('div');
legend.className = 'legend';
legend.hidden = true;
const stageWrap = document.createElement('div');
stageWrap.className = 'stage-wrap';
stageWrap.append(stage, minimap, legend);
main.append(stageWrap, panel);
app.append(toolbar, status, main);
if (saved.flowLabels === true) stage.classList.add('show-flow-labels');

const viewport = new Viewport(stage, content, minimap, () => saveState());

// ---- toolbar ----
/**
 * A toolbar button that opens a panel under it (one open at a time; Escape or a click elsewhere
 * closes it). Folding filters, view options and exports this way keeps the toolbar one row high
 * in a narrow panel, so "Fit" has the panel's height to draw in.
 */
const menus: { anchor: HTMLElement; panel: HTMLElement }[] = [];
function menu(
  label: string,
  testId: string,
  title: string,
  ...items: HTMLElement[]
): { trigger: HTMLElement; panel: HTMLElement } {
  const anchor = document.createElement('span');
  anchor.className = 'menu-anchor';
  const panel = document.createElement('div');
  panel.className = `menu-panel menu-${testId}`;
  panel.hidden = true;
  panel.append(...items);
  const trigger = button(
    label,
    () => {
      const open = panel.hidden;
      closeMenus();
      panel.hidden = !open;
      trigger.setAttribute('aria-expanded', String(open));
    },
    { secondary: true, title, testId },
  );
  trigger.setAttribute('aria-haspopup', 'true');
  trigger.setAttribute('aria-expanded', 'false');
  anchor.append(trigger, panel);
  menus.push({ anchor, panel });
  return { trigger, panel };
}
function closeMenus(): void {
  for (const m of menus) {
    m.panel.hidden = true;
    m.anchor.firstElementChild?.setAttribute('aria-expanded', 'false');
  }
}
document.addEventListener('pointerdown', (e) => {
  if (!menus.some((m) => m.anchor.contains(e.target as Node))) closeMenus();
});

const search = textField('Search components and flows', (value) => {
  filters.search = value;
  applyFilters(false); // badges do not depend on the search
});
search.classList.add('search');
const filtersMenu = menu(
  'Filters',
  'filters',
  'Filter threats by STRIDE, severity, status and ATLAS tactic',
  filterBar,
  button('Reset filters', () => resetFilters(), { secondary: true, testId: 'reset-filters' }),
);
const viewMenu = menu(
  'View',
  'view',
  'Flow labels, minimap, legend',
  checkbox(
    'Flow labels',
    stage.classList.contains('show-flow-labels'),
    (on) => {
      stage.classList.toggle('show-flow-labels', on);
      saveState();
    },
    'flow-labels',
  ),
  checkbox(
    'Minimap',
    true,
    (on) => {
      minimap.classList.toggle('hidden', !on);
      viewport.placeMinimap();
    },
    'minimap',
  ),
  checkbox('Legend', false, (on) => (legend.hidden = !on), 'legend'),
);
const exportMenu = menu(
  'Export',
  'export',
  'Save the view as an image, or the model as Mermaid',
  button('SVG', () => void exportImage('svg'), { secondary: true, testId: 'export-svg' }),
  button('PNG', () => void exportImage('png'), { secondary: true, testId: 'export-png' }),
  button('Mermaid', () => post({ type: 'exportMermaid', requestId: nextRequestId++ }), {
    secondary: true,
    title: "Save the model as a Mermaid flowchart (the reports' exporter)",
    testId: 'export-mermaid',
  }),
);
toolbar.append(
  search,
  button('Fit', () => viewport.fit(), { title: 'Fit to view', testId: 'fit' }),
  button('+', () => viewport.zoomBy(1.25), {
    secondary: true,
    title: 'Zoom in',
    testId: 'zoom-in',
  }),
  button('−', () => viewport.zoomBy(0.8), {
    secondary: true,
    title: 'Zoom out',
    testId: 'zoom-out',
  }),
  filtersMenu.trigger.parentElement as HTMLElement,
  viewMenu.trigger.parentElement as HTMLElement,
  exportMenu.trigger.parentElement as HTMLElement,
);

// ---- filters ----
const filterControls: {
  group: 'stride' | 'categories' | 'linddun' | 'severities' | 'statuses';
  value: string;
  element: HTMLElement;
}[] = [];
function filterGroup(
  title: string,
  group: 'stride' | 'categories' | 'linddun' | 'severities' | 'statuses',
  values: readonly string[],
  label: (v: string) => string,
): HTMLElement {
  const box = document.createElement('div');
  box.className = `filter-group filter-${group}`;
  const heading = document.createElement('span');
  heading.className = 'filter-title';
  heading.textContent = title;
  box.append(heading);
  for (const value of values) {
    const element = checkbox(
      label(value),
      filters[group].includes(value),
      (checked) => {
        filters[group] = checked
          ? [...new Set([...filters[group], value])]
          : filters[group].filter((v) => v !== value);
        applyFilters();
      },
      value,
    );
    filterControls.push({ group, value, element });
    box.append(element);
  }
  return box;
}
const tacticBox = document.createElement('div');
tacticBox.className = 'filter-group filter-tactic';
filterBar.append(
  filterGroup('STRIDE', 'stride', STRIDE_LETTERS, (v) => v),
  filterGroup('Category', 'categories', CATEGORIES, (v) => v),
  filterGroup('LINDDUN', 'linddun', LINDDUN_LETTERS, (v) => v),
  filterGroup('Severity', 'severities', SEVERITIES, (v) => v),
  filterGroup('Status', 'statuses', STATUSES, (v) => v.replace('_', ' ')),
  tacticBox,
);
let tacticKey = '';
function renderTacticFilter(): void {
  if (!scene) return;
  const tactics = new Map<string, string>();
  for (const t of scene.threats)
    for (const a of t.atlas) for (const tactic of a.tactics) tactics.set(tactic.id, tactic.name);
  const options = [
    { value: '', label: 'Any ATLAS tactic' },
    ...[...tactics]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([id, name]) => ({ value: id, label: `${id} ${name}` })),
  ];
  const key = options.map((o) => o.value).join('|');
  if (key === tacticKey) return;
  tacticKey = key;
  if (!tactics.has(filters.tactic)) filters.tactic = '';
  tacticBox.replaceChildren(
    selectControl(options, filters.tactic, (value) => {
      filters.tactic = value;
      applyFilters();
    }),
  );
}

function resetFilters(): void {
  filters = defaultFilters();
  for (const c of filterControls) setChecked(c.element, true);
  search.value = '';
  tacticKey = '';
  renderTacticFilter();
  applyFilters();
}

// ---- legend ----
function renderLegend(): void {
  const rows: [string, string][] = [
    ['sev-critical', 'critical'],
    ['sev-high', 'high'],
    ['sev-medium', 'medium'],
    ['sev-low', 'low'],
    ['sev-info', 'info'],
  ];
  const title = document.createElement('div');
  title.className = 'legend-title';
  title.textContent = 'Badge: open threats, coloured by highest severity';
  legend.append(title);
  for (const [className, label] of rows) {
    const row = document.createElement('div');
    const swatch = document.createElement('span');
    swatch.className = `swatch ${className}`;
    const name = document.createElement('span');
    name.textContent = label;
    row.append(swatch, name);
    legend.append(row);
  }
  const trust = document.createElement('div');
  trust.className = 'legend-trust';
  trust.textContent = 'Boxes: trust boundaries (dashed: untrusted). ↔: bidirectional flow.';
  legend.append(trust);
}
renderLegend();

// ---- drawing, filtering, selection ----
function draw(): void {
  if (!scene) return;
  elements = renderScene(content, scene, filters);
  viewport.setContent(scene.layout);
  renderTacticFilter();
  applyFilters(false);
  if (selected && !elements.has(`${selected.kind}:${selected.id}`)) selected = null;
  showSelection();
  setHighlight(highlighted);
  setPathHighlight(pathHighlight);
}

function applyFilters(redrawBadges = true): void {
  if (!scene) return;
  if (redrawBadges) {
    // Badge counts depend on the filters: redraw (positions are unchanged, so the view stays).
    elements = renderScene(content, scene, filters);
    showSelection();
    setHighlight(highlighted);
    setPathHighlight(pathHighlight);
  }
  const visible = visibleElements(scene, filters);
  const matches = searchMatches(scene, filters.search);
  for (const [key, element] of elements) {
    const [kind, ...rest] = key.split(':');
    const id = rest.join(':');
    const shown =
      kind === 'component'
        ? visible.components.has(id)
        : kind === 'flow'
          ? visible.flows.has(id)
          : visible.boundaries.has(id);
    element.classList.toggle('filtered-out', !shown);
    if (kind === 'flow')
      content
        .querySelector(`.edge-label-group[data-for="${CSS.escape(id)}"]`)
        ?.classList.toggle('filtered-out', !shown);
    element.classList.toggle(
      'search-miss',
      matches !== undefined && kind !== 'boundary' && !matches.has(id),
    );
    element.classList.toggle('search-hit', matches !== undefined && matches.has(id));
  }
  stage.classList.toggle('focus-mode', filters.focus !== null);
  const narrowed = [
    filters.stride.length < STRIDE_LETTERS.length,
    filters.categories.length < CATEGORIES.length,
    filters.linddun.length < LINDDUN_LETTERS.length,
    filters.severities.length < SEVERITIES.length,
    filters.statuses.length < STATUSES.length,
    filters.tactic !== '',
  ].filter(Boolean).length;
  filtersMenu.trigger.textContent = narrowed === 0 ? 'Filters' : `Filters (${narrowed})`;
  status.textContent = statusText(visible.components.size, visible.flows.size);
  saveState();
}

function statusText(components: number, flows: number): string {
  if (!scene) return '';
  const parts = [
    `${scene.modelName}`,
    `${components}/${scene.graph.components.length} components`,
    `${flows}/${scene.graph.flows.length} flows`,
  ];
  if (filters.focus !== null) parts.push(`focus: ${filters.focus}`);
  if (scene.problemCount > 0)
    parts.push(`${scene.problemCount} problem${scene.problemCount === 1 ? '' : 's'} in the model`);
  return parts.join(' · ');
}

function showSelection(): void {
  for (const element of content.querySelectorAll('.selected')) element.classList.remove('selected');
  if (!scene || !selected) {
    panel.hidden = true;
    return;
  }
  elements.get(`${selected.kind}:${selected.id}`)?.classList.add('selected');
  if (selected.kind === 'flow')
    content
      .querySelector(`.edge-label-group[data-for="${CSS.escape(selected.id)}"]`)
      ?.classList.add('selected');
  renderSidePanel(panel, scene, selected.id, selected.kind, filters, {
    reveal: (id) => post({ type: 'revealElement', elementId: id }),
    addControl: (elementId, control) =>
      post({ type: 'addControl', requestId: nextRequestId++, elementId, control }),
    setStatus: (threatId, statusValue, justification) =>
      post({
        type: 'setThreatStatus',
        requestId: nextRequestId++,
        threatId,
        status: statusValue,
        ...(justification !== undefined && { justification }),
      }),
    focus: (id) => setFocus(id),
    close: () => selectElement(null),
  });
}

function selectElement(target: { id: string; kind: 'component' | 'flow' } | null): void {
  selected = target;
  showSelection();
  saveState();
}

function setFocus(id: string | null): void {
  filters.focus = id;
  applyFilters();
  if (id !== null) {
    const nodes =
      scene?.layout.nodes.filter((n) =>
        visibleElements(scene as DiagramScene, filters).components.has(n.id),
      ) ?? [];
    // Next frame: after a first scene's own fit-to-all, which is queued the same way.
    if (nodes.length > 0) requestAnimationFrame(() => viewport.fit(boundsOf(nodes)));
  }
}

/**
 * "Open Diagram" on an element (CodeLens, register view): a component gets focus mode and its
 * side panel; a flow gets its side panel and the view fitted to its two ends.
 */
function focusElement(id: string): void {
  if (!scene) return;
  const flow = scene.graph.flows.find((f) => f.id === id);
  if (flow) {
    if (filters.focus !== null) setFocus(null);
    selectElement({ id, kind: 'flow' });
    const ends = scene.layout.nodes.filter((n) => n.id === flow.source || n.id === flow.target);
    // After the first scene's own fit (also queued for the next frame), so this one wins.
    if (ends.length > 0) requestAnimationFrame(() => viewport.fit(boundsOf(ends)));
    return;
  }
  if (!scene.graph.components.some((c) => c.id === id)) return;
  selectElement({ id, kind: 'component' });
  setFocus(id);
}

function boundsOf(boxes: readonly { x: number; y: number; width: number; height: number }[]): {
  x: number;
  y: number;
  width: number;
  height: number;
} {
  const x = Math.min(...boxes.map((n) => n.x));
  const y = Math.min(...boxes.map((n) => n.y));
  return {
    x,
    y,
    width: Math.max(...boxes.map((n) => n.x + n.width)) - x,
    height: Math.max(...boxes.map((n) => n.y + n.height)) - y,
  };
}

function setHighlight(id: string | null): void {
  highlighted = id;
  for (const element of content.querySelectorAll('.highlighted'))
    element.classList.remove('highlighted');
  if (id === null) return;
  const element = elements.get(`component:${id}`) ?? elements.get(`flow:${id}`);
  element?.classList.add('highlighted');
}

/** Marks the path's elements (the stage dims the rest while a path is shown). */
function setPathHighlight(path: { id: string | null; elementIds: readonly string[] }): void {
  pathHighlight = path;
  for (const element of content.querySelectorAll('.on-path')) {
    element.classList.remove('on-path');
    element.removeAttribute('data-path-step');
  }
  let marked = 0;
  path.elementIds.forEach((id, step) => {
    const element = elements.get(`component:${id}`) ?? elements.get(`flow:${id}`);
    if (!element) return;
    element.classList.add('on-path');
    element.setAttribute('data-path-step', String(step + 1));
    marked++;
  });
  stage.classList.toggle('path-shown', marked > 0);
  if (path.id === null) stage.removeAttribute('data-path');
  else stage.setAttribute('data-path', path.id);
}

function elementOf(
  target: EventTarget | null,
): { id: string; kind: 'component' | 'flow' } | undefined {
  const group = (target as Element | null)?.closest?.('.node, .edge');
  const id = group?.getAttribute('data-id');
  if (!group || id === null || id === undefined) return undefined;
  return { id, kind: group.classList.contains('node') ? 'component' : 'flow' };
}

stage.addEventListener('click', (e) => {
  if (viewport.suppressClick) return;
  const target = elementOf(e.target);
  if (!target) {
    selectElement(null);
    return;
  }
  selectElement(target);
  post({ type: 'revealElement', elementId: target.id });
});
// The pointed-at or keyboard-focused flow shows its label (all do with View ▸ Flow labels).
function showFlowLabel(target: EventTarget | null, on: boolean): void {
  const element = elementOf(target);
  if (element?.kind !== 'flow') return;
  content
    .querySelector(`.edge-label-group[data-for="${CSS.escape(element.id)}"]`)
    ?.classList.toggle('shown', on);
}
stage.addEventListener('pointerover', (e) => showFlowLabel(e.target, true));
stage.addEventListener('pointerout', (e) => showFlowLabel(e.target, false));
stage.addEventListener('focusin', (e) => showFlowLabel(e.target, true));
stage.addEventListener('focusout', (e) => showFlowLabel(e.target, false));
stage.addEventListener('dblclick', (e) => {
  const target = elementOf(e.target);
  if (target?.kind === 'component') setFocus(filters.focus === target.id ? null : target.id);
});
stage.addEventListener('keydown', (e) => {
  const target = elementOf(e.target);
  if (target && (e.key === 'Enter' || e.key === ' ')) {
    e.preventDefault();
    selectElement(target);
    post({ type: 'revealElement', elementId: target.id });
  }
});
document.addEventListener('keydown', (e) => {
  if ((e.target as Element | null)?.closest?.('vscode-textfield, input, textarea')) return;
  if (e.key === '+' || e.key === '=') viewport.zoomBy(1.25);
  else if (e.key === '-') viewport.zoomBy(0.8);
  else if (e.key === '0') viewport.fit();
  else if (e.key === 'Escape') {
    if (menus.some((m) => !m.panel.hidden)) closeMenus();
    else if (filters.focus !== null) setFocus(null);
    else selectElement(null);
  }
});

// ---- export ----
async function exportImage(format: 'svg' | 'png'): Promise<void> {
  if (!scene) return;
  const box = viewport.visibleBox();
  const markup = standaloneSvg(stage, content, box);
  try {
    const data = format === 'svg' ? markup : await svgToPngBase64(markup, box.width, box.height);
    post({ type: 'exportImage', requestId: nextRequestId++, format, data });
  } catch (error) {
    status.textContent = `Export failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

// ---- messages ----
function handle(message: HostToWebview): void {
  switch (message.type) {
    case 'scene':
      scene = message.scene;
      stage.classList.remove('stale');
      draw();
      if (firstScene) {
        firstScene = false;
        if (saved.view && saved.modelUri === scene.modelUri) viewport.setView(saved.view);
        // After the status line has its text, so the stage has its final height.
        else requestAnimationFrame(() => viewport.fit());
      } else if (viewport.fitted) {
        // Still at "Fit" (the user has not zoomed or panned): the new drawing is fitted too, so a
        // layout re-arranged for a resized panel fills it again.
        requestAnimationFrame(() => viewport.fit());
      }
      saveState();
      break;
    case 'problem':
      stage.classList.add('stale');
      status.textContent = message.message;
      break;
    case 'highlight':
      setHighlight(message.elementId);
      break;
    case 'focus':
      focusElement(message.elementId);
      break;
    case 'highlightPath':
      setPathHighlight({ id: message.pathId, elementIds: message.elementIds });
      break;
    case 'export':
      void exportImage(message.format);
      break;
    case 'result':
      if (!message.ok && message.message !== undefined) status.textContent = message.message;
      break;
    default:
      assertNever(message);
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isHostToWebview(event.data)) {
    console.warn('mltm diagram: ignored a malformed message');
    return;
  }
  handle(event.data);
});
// ---- the drawing area's size, for the host's layout ----
/** The main area (stage and side panel): the side panel opening does not re-arrange the layout. */
function panelSize(): { width: number; height: number } | undefined {
  const rect = main.getBoundingClientRect();
  const width = Math.round(rect.width);
  const height = Math.round(rect.height);
  return width > 0 && height > 0 ? { width, height } : undefined;
}
let reportedSize = panelSize();
let sizeTimer: ReturnType<typeof setTimeout> | undefined;
new ResizeObserver(() => {
  clearTimeout(sizeTimer);
  sizeTimer = setTimeout(() => {
    const size = panelSize();
    if (
      !size ||
      (reportedSize &&
        Math.abs(size.width - reportedSize.width) < 4 &&
        Math.abs(size.height - reportedSize.height) < 4)
    )
      return;
    reportedSize = size;
    post({ type: 'panelSize', panel: size });
  }, 250);
}).observe(main);
post(reportedSize ? { type: 'ready', panel: reportedSize } : { type: 'ready' });
