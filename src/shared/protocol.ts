/**
 * The typed message protocol between the diagram panel (extension host) and its webview.
 * Both directions are discriminated unions keyed by `type`; each side validates every inbound
 * message with the guard below before acting on it (a webview is a web page: treat what it posts
 * as untrusted, and the host's messages as checked too so a bug cannot crash the renderer).
 *
 * Flow: the webview posts `ready` once its listeners are installed; only then does the host send
 * a `scene`. Requests that expect an answer carry a `requestId`, echoed in `result`.
 */
import type { DiagramScene } from '../core/layout/scene';

/** Statuses the diagram's triage buttons may set. */
export const TRIAGE_STATUSES = ['accepted', 'not_applicable'] as const;
export type TriageStatus = (typeof TRIAGE_STATUSES)[number];

/** Image formats the toolbar exports. */
export const EXPORT_FORMATS = ['svg', 'png'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type HostToWebview =
  /** A new drawing of the model: layout plus threats. Replaces any previous scene. */
  | { readonly type: 'scene'; readonly scene: DiagramScene }
  /** The model cannot be drawn right now (does not parse, layout failed); the last scene stays. */
  | { readonly type: 'problem'; readonly message: string }
  /** The editor cursor is in this element's YAML (null: in none); highlight it. */
  | { readonly type: 'highlight'; readonly elementId: string | null }
  /** Show only this component's neighbourhood (focus mode), e.g. from "Open Diagram" on an element. */
  | { readonly type: 'focus'; readonly elementId: string }
  /** Mark an attack path's components and flows (the Fix Plan view selected it); empty clears. */
  | {
      readonly type: 'highlightPath';
      readonly pathId: string | null;
      readonly elementIds: readonly string[];
    }
  /** Export the current view (a command asked); the webview answers with `exportImage`. */
  | { readonly type: 'export'; readonly format: ExportFormat }
  /** The outcome of a request the webview made (`requestId` echoed). */
  | {
      readonly type: 'result';
      readonly requestId: number;
      readonly ok: boolean;
      readonly message?: string;
    };

/** CSS pixel size of the webview's drawing area: where "Fit" has to fit the diagram. */
export interface PanelSize {
  readonly width: number;
  readonly height: number;
}

export type WebviewToHost =
  /**
   * The webview is listening; the host may now send state. `panel` is the drawing area's size,
   * so the first layout is already chosen for it (absent from an older webview: no preference).
   */
  | { readonly type: 'ready'; readonly panel?: PanelSize }
  /** The drawing area was resized (debounced); the host re-lays out when the shape changed. */
  | { readonly type: 'panelSize'; readonly panel: PanelSize }
  /** Show this element's YAML in the editor (a click on a node or edge, or "Reveal in YAML"). */
  | { readonly type: 'revealElement'; readonly elementId: string }
  /** Add a control to an element, through `mltm.addControl`. */
  | {
      readonly type: 'addControl';
      readonly requestId: number;
      readonly elementId: string;
      readonly control: string;
    }
  /** Record a triage decision, through `mltm.setThreatStatus` (the quick fixes' code path). */
  | {
      readonly type: 'setThreatStatus';
      readonly requestId: number;
      readonly threatId: string;
      readonly status: TriageStatus;
      readonly justification?: string;
    }
  /** Save the current view as an image: SVG markup, or PNG as base64 (no data: prefix). */
  | {
      readonly type: 'exportImage';
      readonly requestId: number;
      readonly format: ExportFormat;
      readonly data: string;
    }
  /**
   * Export the model as Mermaid text (the toolbar's "Export Mermaid"). The host writes it with the
   * exporter the reports use (`modelToMermaid`), so the webview needs no Mermaid code.
   */
  | { readonly type: 'exportMermaid'; readonly requestId: number };

/** Compile-time exhaustiveness for `switch (message.type)`; throws if reached at run time. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected message: ${JSON.stringify(value)}`);
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
/** Ids and labels are bounded so a hostile message cannot make the receiver allocate without limit. */
const isBoundedString = (v: unknown, max = 10_000): v is string =>
  typeof v === 'string' && v.length <= max;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isRequestId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isArrayOf = <T>(v: unknown, item: (x: unknown) => x is T): v is T[] =>
  Array.isArray(v) && v.every(item);
const hasOnly = (o: Json, keys: readonly string[]) => Object.keys(o).every((k) => keys.includes(k));
const isBox = (v: unknown): boolean =>
  isObject(v) && isNumber(v.x) && isNumber(v.y) && isNumber(v.width) && isNumber(v.height);
const isPoint = (v: unknown): boolean => isObject(v) && isNumber(v.x) && isNumber(v.y);
/** A panel size: two positive finite numbers below a bound no screen reaches. */
const isPanelSize = (v: unknown): v is PanelSize =>
  isObject(v) &&
  hasOnly(v, ['width', 'height']) &&
  isNumber(v.width) &&
  isNumber(v.height) &&
  v.width > 0 &&
  v.height > 0 &&
  v.width <= 100_000 &&
  v.height <= 100_000;

function isScene(v: unknown): v is DiagramScene {
  if (!isObject(v) || !isString(v.modelUri) || !isString(v.modelName) || !isNumber(v.problemCount))
    return false;
  const graph = v.graph;
  const layout = v.layout;
  if (!isObject(graph) || !isObject(layout) || !isNumber(layout.width) || !isNumber(layout.height))
    return false;
  const idAndLabel = (x: unknown): x is Json => isObject(x) && isString(x.id) && isString(x.label);
  const okGraph =
    isArrayOf(
      graph.boundaries,
      (b): b is Json =>
        idAndLabel(b) && isString(b.trust) && (b.parent === undefined || isString(b.parent)),
    ) &&
    isArrayOf(
      graph.components,
      (c): c is Json =>
        idAndLabel(c) && isString(c.kind) && (c.boundary === undefined || isString(c.boundary)),
    ) &&
    isArrayOf(
      graph.flows,
      (f): f is Json =>
        idAndLabel(f) &&
        isString(f.source) &&
        isString(f.target) &&
        typeof f.bidirectional === 'boolean',
    );
  const section = (s: unknown): s is Json =>
    isObject(s) &&
    isPoint(s.start) &&
    isPoint(s.end) &&
    Array.isArray(s.bendPoints) &&
    s.bendPoints.every(isPoint);
  const okLayout =
    isArrayOf(
      layout.nodes,
      (n): n is Json =>
        isObject(n) &&
        isString(n.id) &&
        isBox(n) &&
        isArrayOf(n.lines, (l): l is string => isString(l)),
    ) &&
    isArrayOf(
      layout.boundaries,
      (b): b is Json => isObject(b) && isString(b.id) && isNumber(b.depth) && isBox(b),
    ) &&
    isArrayOf(
      layout.edges,
      (e): e is Json =>
        isObject(e) &&
        isString(e.id) &&
        isString(e.source) &&
        isString(e.target) &&
        isArrayOf(e.sections, section) &&
        (e.label === undefined || (isBox(e.label) && isString((e.label as Json).text))),
    );
  const atlasRef = (a: unknown): a is Json =>
    isObject(a) &&
    isString(a.id) &&
    (a.name === undefined || isString(a.name)) &&
    (a.url === undefined || isString(a.url)) &&
    isArrayOf(a.tactics, (t): t is Json => isObject(t) && isString(t.id) && isString(t.name));
  const okThreats = isArrayOf(
    v.threats,
    (t): t is Json =>
      isObject(t) &&
      isString(t.id) &&
      isString(t.ruleId) &&
      isString(t.title) &&
      isString(t.element) &&
      (t.elementType === 'component' || t.elementType === 'flow') &&
      isArrayOf(t.stride, isString) &&
      isString(t.category) &&
      isArrayOf(t.linddun, isString) &&
      isArrayOf(t.atlas, atlasRef) &&
      isString(t.severity) &&
      isString(t.status) &&
      isArrayOf(t.missingControls, isString),
  );
  return okGraph && okLayout && okThreats;
}

/** Guard for messages the webview receives. */
export function isHostToWebview(v: unknown): v is HostToWebview {
  if (!isObject(v) || !isString(v.type)) return false;
  switch (v.type) {
    case 'scene':
      return hasOnly(v, ['type', 'scene']) && isScene(v.scene);
    case 'problem':
      return hasOnly(v, ['type', 'message']) && isBoundedString(v.message);
    case 'highlight':
      return (
        hasOnly(v, ['type', 'elementId']) &&
        (v.elementId === null || isBoundedString(v.elementId, 1000))
      );
    case 'focus':
      return hasOnly(v, ['type', 'elementId']) && isBoundedString(v.elementId, 1000);
    case 'highlightPath':
      return (
        hasOnly(v, ['type', 'pathId', 'elementIds']) &&
        (v.pathId === null || isBoundedString(v.pathId, 1000)) &&
        Array.isArray(v.elementIds) &&
        v.elementIds.length <= MAX_PATH_ELEMENTS &&
        v.elementIds.every((id) => isBoundedString(id, 1000))
      );
    case 'export':
      return (
        hasOnly(v, ['type', 'format']) && (EXPORT_FORMATS as readonly unknown[]).includes(v.format)
      );
    case 'result':
      return (
        hasOnly(v, ['type', 'requestId', 'ok', 'message']) &&
        isRequestId(v.requestId) &&
        typeof v.ok === 'boolean' &&
        (v.message === undefined || isBoundedString(v.message))
      );
    default:
      return false;
  }
}

/** A control name: a built-in kind (`rate_limiting`) or a custom one (`x-canary-tokens`). */
const CONTROL_NAME = /^(x-)?[a-z][a-z0-9_-]*$/i;

/** Most elements one highlighted attack path may name (paths are shortest paths: far fewer). */
export const MAX_PATH_ELEMENTS = 10_000;

/** Largest exported image accepted from the webview (base64 PNG of a big diagram stays far below). */
export const MAX_EXPORT_CHARS = 64 * 1024 * 1024;

/** Guard for messages the host receives: exact keys, bounded strings, known enum values. */
export function isWebviewToHost(v: unknown): v is WebviewToHost {
  if (!isObject(v) || !isString(v.type)) return false;
  switch (v.type) {
    case 'ready':
      return hasOnly(v, ['type', 'panel']) && (v.panel === undefined || isPanelSize(v.panel));
    case 'panelSize':
      return hasOnly(v, ['type', 'panel']) && isPanelSize(v.panel);
    case 'revealElement':
      return (
        hasOnly(v, ['type', 'elementId']) &&
        isBoundedString(v.elementId, 1000) &&
        v.elementId !== ''
      );
    case 'addControl':
      return (
        hasOnly(v, ['type', 'requestId', 'elementId', 'control']) &&
        isRequestId(v.requestId) &&
        isBoundedString(v.elementId, 1000) &&
        v.elementId !== '' &&
        isBoundedString(v.control, 200) &&
        CONTROL_NAME.test(v.control)
      );
    case 'setThreatStatus':
      return (
        hasOnly(v, ['type', 'requestId', 'threatId', 'status', 'justification']) &&
        isRequestId(v.requestId) &&
        isBoundedString(v.threatId, 1000) &&
        v.threatId !== '' &&
        (TRIAGE_STATUSES as readonly unknown[]).includes(v.status) &&
        (v.justification === undefined || isBoundedString(v.justification, 5000))
      );
    case 'exportImage':
      return (
        hasOnly(v, ['type', 'requestId', 'format', 'data']) &&
        isRequestId(v.requestId) &&
        (EXPORT_FORMATS as readonly unknown[]).includes(v.format) &&
        isBoundedString(v.data, MAX_EXPORT_CHARS) &&
        v.data !== ''
      );
    case 'exportMermaid':
      return hasOnly(v, ['type', 'requestId']) && isRequestId(v.requestId);
    default:
      return false;
  }
}
