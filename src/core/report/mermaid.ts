/**
 * The model as a Mermaid flowchart: trust boundaries as (nested) subgraphs, component kinds as
 * distinct shapes and classes, flows labelled with id / protocol / data, and flows and
 * components with open high or critical threats drawn in red. Used by the Markdown report (a
 * ```mermaid fence renders on code hosts), the HTML report, and the diagram's "export Mermaid".
 * It can highlight one attack path (`mltm report --format mermaid --path <id>`): the path's
 * components get the `onPath` class and its flows a thick purple stroke, drawn over the red.
 *
 * Every string from the model is hostile: ids are replaced by generated node ids (`c1_<safe>`,
 * `b1_<safe>`), so reserved words (`end`, `graph`, `subgraph`, `click`, `style`) and odd
 * characters can never reach the grammar; labels are always quoted, and every character outside
 * letters, digits and a few harmless punctuation marks becomes a Mermaid entity (`#60;`). That
 * also defuses `%%{init}%%` directives, `#…;` entity tricks, quotes, brackets, backticks (Markdown
 * strings) and `<script>`: Mermaid shows them as text.
 */
import { inert } from '../util/inert';
import type { LoadedAnalysis } from '../analysis';
import { effectiveStatus } from '../register/diff';
import type { ThreatRegister } from '../register/register';
import { elementClassOf } from '../model/vocabulary';
import { SEVERITY_ORDER, type Severity } from '../rules/types';

export interface MermaidOptions {
  /** Register decisions: a threat accepted there does not make its flow red. */
  readonly register?: ThreatRegister;
  /** Flow direction; default `LR`. */
  readonly direction?: 'LR' | 'TB';
  /** Open threats at or above this severity are highlighted; default `high`. */
  readonly highlightFrom?: Severity;
  /** Show the component kind under its name; default true. */
  readonly showKinds?: boolean;
  /**
   * An attack path to highlight: the ids of its elements, components and flows (as in
   * `AttackPath.steps`). Ids the model does not have are ignored.
   */
  readonly highlightPath?: readonly string[];
}

/** The class and link style of a highlighted attack path (purple: distinct from the red). */
const PATH_CLASS_DEF = 'classDef onPath stroke:#6a1b9a,stroke-width:4px';
const PATH_LINK_STYLE = 'stroke:#6a1b9a,stroke-width:4px';

/** Characters kept as they are in a label: letters and digits of any script, and plain punctuation. */
const SAFE_CHAR = /[\p{L}\p{N} _.,\-/@'+=!?*()]/u;

/**
 * A model string as Mermaid label text (to be put inside double quotes): unsafe characters become
 * `#<code point>;` entities; line breaks become spaces.
 */
export function mermaidText(value: string): string {
  let out = '';
  // Line breaks become spaces; other control characters are written visibly (`\u001b`).
  for (const ch of inert(value.replace(/\r\n?|\n|\u2028|\u2029/g, ' '))) {
    out += SAFE_CHAR.test(ch) ? ch : `#${ch.codePointAt(0)};`;
  }
  return out;
}

/**
 * Makes safe, unique and deterministic node ids: `<prefix><n>_<id reduced to [A-Za-z0-9_]>`.
 * The counter keeps ids unique even when two ids reduce to the same text (`a-b`, `a_b`).
 */
class IdAllocator {
  private readonly ids = new Map<string, string>();
  private count = 0;
  constructor(private readonly prefix: string) {}
  get(id: string): string {
    let safe = this.ids.get(id);
    if (safe === undefined) {
      this.count++;
      const reduced = id.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40);
      safe = `${this.prefix}${this.count}_${reduced}`;
      this.ids.set(id, safe);
    }
    return safe;
  }
}

/** Node shape by element: DFD conventions (entity box, process rounded, store cylinder) plus ML kinds. */
function shape(kind: string, label: string): string {
  switch (kind) {
    case 'user':
      return `(["${label}"])`;
    case 'agent':
    case 'llm_app':
    case 'coding_assistant':
    case 'computer_use_agent':
      return `{{"${label}"}}`;
    case 'tool':
    case 'mcp_server':
      return `[["${label}"]]`;
    case 'monitoring':
      return `[/"${label}"/]`;
    case 'third_party_model_hub':
    case 'package_registry':
    case 'external_llm_provider':
    case 'external_data_source':
      return `[\\"${label}"\\]`;
    default:
      break;
  }
  switch (elementClassOf(kind)) {
    case 'external_entity':
      return `["${label}"]`;
    case 'data_store':
      return `[("${label}")]`;
    default:
      return `("${label}")`;
  }
}

const CLASS_DEFS = [
  'classDef external fill:#fff8e1,stroke:#8d6e63,color:#3e2723',
  'classDef process fill:#e3f2fd,stroke:#1565c0,color:#0d47a1',
  'classDef store fill:#e8f5e9,stroke:#2e7d32,color:#1b5e20',
  'classDef atRisk stroke:#c62828,stroke-width:3px',
  'classDef untrusted fill:#fdecea,stroke:#c62828,stroke-dasharray:5 3',
  'classDef semiTrusted fill:#fff3e0,stroke:#ef6c00,stroke-dasharray:5 3',
  'classDef trusted fill:#f5f5f5,stroke:#616161',
];
const CLASS_OF_ELEMENT: Record<string, string> = {
  external_entity: 'external',
  process: 'process',
  data_store: 'store',
};
const CLASS_OF_TRUST: Record<string, string> = {
  untrusted: 'untrusted',
  semi_trusted: 'semiTrusted',
  trusted: 'trusted',
};

/**
 * The Mermaid flowchart of an analysed model. Only a loaded analysis has one: the type keeps a
 * model without its graph (which once drew an empty diagram) from reaching here.
 */
export function modelToMermaid(analysis: LoadedAnalysis, options: MermaidOptions = {}): string {
  const { model, graph } = analysis;
  const lines = [`flowchart ${options.direction ?? 'LR'}`];
  const componentIds = new IdAllocator('c');
  const boundaryIds = new IdAllocator('b');
  const floor = SEVERITY_ORDER.indexOf(options.highlightFrom ?? 'high');
  const atRisk = new Set<string>();
  for (const t of analysis.threats) {
    if (
      SEVERITY_ORDER.indexOf(t.severity) >= floor &&
      effectiveStatus(t, options.register) === 'open'
    )
      atRisk.add(`${t.elementType}:${t.element}`);
  }
  const showKinds = options.showKinds ?? true;

  // Which boundary holds what: children by the resolved zone path (robust to cycles and unknown parents).
  const childBoundaries = new Map<string, string[]>();
  const roots: string[] = [];
  for (const b of model.boundaries) {
    const path = graph.zones.get(b.id)?.path ?? [b.id];
    const parent = path.length >= 2 ? path[path.length - 2] : undefined;
    if (parent === undefined) roots.push(b.id);
    else {
      const siblings = childBoundaries.get(parent);
      if (siblings) siblings.push(b.id);
      else childBoundaries.set(parent, [b.id]);
    }
  }
  const componentsIn = new Map<string, string[]>();
  const topLevel: string[] = [];
  for (const c of model.components) {
    const zone = graph.nodes.get(c.id)?.zone.id;
    if (zone && graph.zones.has(zone)) {
      const members = componentsIn.get(zone);
      if (members) members.push(c.id);
      else componentsIn.set(zone, [c.id]);
    } else topLevel.push(c.id);
  }
  const componentById = new Map(model.components.map((c) => [c.id, c]));
  const boundaryById = new Map(model.boundaries.map((b) => [b.id, b]));
  const nodeLine = (id: string, indent: string) => {
    const c = componentById.get(id);
    if (!c) return;
    const label = showKinds
      ? `${mermaidText(c.name)}<br/><small>${mermaidText(c.kind)}</small>`
      : mermaidText(c.name);
    lines.push(`${indent}${componentIds.get(id)}${shape(c.kind, label)}`);
  };
  const rendered = new Set<string>();
  const renderBoundary = (id: string, depth: number) => {
    if (rendered.has(id)) return;
    rendered.add(id);
    const b = boundaryById.get(id);
    if (!b) return;
    const indent = '  '.repeat(depth);
    lines.push(
      `${indent}subgraph ${boundaryIds.get(id)}["${mermaidText(b.name)} (${mermaidText(b.trust.replace('_', '-'))})"]`,
    );
    for (const child of childBoundaries.get(id) ?? []) renderBoundary(child, depth + 1);
    for (const c of componentsIn.get(id) ?? []) nodeLine(c, indent + '  ');
    lines.push(`${indent}end`);
  };
  for (const c of topLevel) nodeLine(c, '  ');
  for (const id of roots) renderBoundary(id, 1);
  // Every boundary has a root (cycles and unknown parents start their own path); this loop is
  // a safety net that draws anything not reached at the top level.
  for (const b of model.boundaries) renderBoundary(b.id, 1);

  const onPath = new Set(options.highlightPath ?? []);
  const riskyLinks: number[] = [];
  const pathLinks: number[] = [];
  graph.edges.forEach((edge, n) => {
    const f = edge.flow;
    const parts = [f.name ?? f.id];
    if (f.protocol) parts.push(f.protocol);
    if (edge.data.length > 0) parts.push(edge.data.map((d) => d.name).join(', '));
    else if (f.data.length > 0) parts.push(f.data.join(', '));
    const arrow = f.bidirectional ? '<-->' : '-->';
    lines.push(
      `  ${componentIds.get(f.from)} ${arrow}|"${parts.map(mermaidText).join(' · ')}"| ${componentIds.get(f.to)}`,
    );
    if (atRisk.has(`flow:${f.id}`)) riskyLinks.push(n);
    if (onPath.has(f.id)) pathLinks.push(n);
  });

  lines.push(...CLASS_DEFS.map((d) => `  ${d}`));
  if (onPath.size > 0) lines.push(`  ${PATH_CLASS_DEF}`);
  const byClass = new Map<string, string[]>();
  const addClass = (cls: string, id: string) => {
    const members = byClass.get(cls);
    if (members) members.push(id);
    else byClass.set(cls, [id]);
  };
  for (const c of model.components) {
    addClass(CLASS_OF_ELEMENT[elementClassOf(c.kind)] ?? 'process', componentIds.get(c.id));
    if (atRisk.has(`component:${c.id}`)) addClass('atRisk', componentIds.get(c.id));
  }
  // After atRisk, so the path's stroke is the one drawn.
  for (const c of model.components)
    if (onPath.has(c.id)) addClass('onPath', componentIds.get(c.id));
  for (const b of model.boundaries)
    addClass(CLASS_OF_TRUST[b.trust] ?? 'trusted', boundaryIds.get(b.id));
  for (const [cls, ids] of byClass) lines.push(`  class ${ids.join(',')} ${cls}`);
  if (riskyLinks.length > 0)
    lines.push(`  linkStyle ${riskyLinks.join(',')} stroke:#c62828,stroke-width:3px`);
  if (pathLinks.length > 0) lines.push(`  linkStyle ${pathLinks.join(',')} ${PATH_LINK_STYLE}`);
  return lines.join('\n') + '\n';
}
