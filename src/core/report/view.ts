/**
 * What every report shows, computed once: each threat with the status a reviewer sees (the
 * register's decision, else mitigated / open), its register entry, its risk, where it is written,
 * and what a change did to it (`--base`); plus the counts of the summary. Pure: analysis, register and
 * text in, plain data out — the Markdown, HTML, SARIF and JSON writers only format it.
 */
import type { LoadedAnalysis } from '../analysis';
import type { Risk } from '../decide/risk';
import { reportDecision } from './decision';
import { effectiveStatus, type ThreatChange, type ThreatDiff } from '../register/diff';
import type { RegisterEntry, ThreatRegister } from '../register/register';
import type { Threat } from '../rules/evaluate';
import { SEVERITY_ORDER, type Severity } from '../rules/types';
import { LineIndex, type LineColumn } from '../util/lineIndex';
import { sha256Hex } from '../util/sha256';

/** Everything a report is made from. Dates and versions are inputs, so output is reproducible. */
export interface ReportInput {
  readonly analysis: LoadedAnalysis;
  /** The model text the analysis was made from (for positions and the model hash). */
  readonly text: string;
  /** The model's path as the report names it (relative to the repository / working folder, `/`-separated). */
  readonly file: string;
  readonly register?: ThreatRegister;
  /** Register path as the report names it. */
  /**
   * The absolute URI (`file:///…/`, ending in `/`) of the folder a relative `file` is relative to:
   * SARIF names it as the `%SRCROOT%` base, so its locations resolve from any working folder.
   */
  readonly baseUri?: string;
  readonly registerFile?: string;
  /** Problems of the register (load + `checkRegister`), located: expired acceptances and the like. */
  readonly registerProblems?: readonly RegisterNote[];
  /** When the report was generated (ISO 8601); injected so golden files are stable. */
  readonly generatedAt: string;
  /** mltm's version, for SARIF's tool driver and the report footer. */
  readonly toolVersion: string;
  /** The threat diff against a base revision (`mltm report --base`). */
  readonly diff?: ThreatDiff;
  /** How the base is named (`main`, `HEAD~1`). */
  readonly baseLabel?: string;
  /** The text of `mermaid.min.js`, inlined by the HTML report to draw the diagram offline. */
  readonly mermaidScript?: string;
}

/** A register problem with its place in the register file (1-based). */
export interface RegisterNote {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly severity: string;
  readonly code: string;
  readonly message: string;
}

export type Status = 'open' | 'mitigated' | 'accepted' | 'transferred' | 'not_applicable' | string;

export interface ThreatRow {
  readonly threat: Threat;
  readonly status: Status;
  readonly entry?: RegisterEntry;
  /** Who owns the threat: the register's owner, else the component's `owner` in the model. */
  readonly owner?: string;
  readonly start: LineColumn;
  readonly end: LineColumn;
  /** `added` / `changed` by the change under review (`--base`), with what changed. */
  readonly change?: { readonly kind: 'added' | 'changed'; readonly what: readonly string[] };
  /** The threat's risk as the decision layer scores it (absent when the model has no facts). */
  readonly risk?: Risk;
}

export interface ElementGroup {
  readonly type: 'component' | 'flow';
  readonly id: string;
  /** Display name (component name; flow name, else id). */
  readonly name: string;
  /** Component kind, or `from → to` for a flow. */
  readonly detail: string;
  readonly start: LineColumn;
  readonly rows: readonly ThreatRow[];
}

export interface ReportView {
  readonly input: ReportInput;
  readonly modelName: string;
  readonly modelHash: string;
  readonly atlasVersion: string;
  readonly rows: readonly ThreatRow[];
  readonly components: readonly ElementGroup[];
  readonly flows: readonly ElementGroup[];
  /** Counts by severity (most severe first) and status. */
  readonly bySeverity: readonly {
    readonly severity: Severity;
    readonly total: number;
    readonly byStatus: Readonly<Record<string, number>>;
  }[];
  readonly statuses: readonly string[];
  readonly removed: readonly ThreatChange[];
  readonly index: LineIndex;
}

/** Status values in the order reports list them. */
export const STATUS_ORDER: readonly string[] = [
  'open',
  'mitigated',
  'accepted',
  'transferred',
  'not_applicable',
];

/** Most severe first. */
export const SEVERITY_DESC: readonly Severity[] = [...SEVERITY_ORDER].reverse();

/** Whether a status leaves the threat open (needs work). */
export function isOpen(status: Status): boolean {
  return status === 'open';
}

/** Builds the view of a report. */
export function buildReportView(input: ReportInput): ReportView {
  const { analysis } = input;
  const index = new LineIndex(input.text);
  const changes = new Map<string, ThreatRow['change']>();
  for (const c of input.diff?.added ?? []) changes.set(c.id, { kind: 'added', what: c.changes });
  for (const c of input.diff?.changed ?? [])
    changes.set(c.id, { kind: 'changed', what: c.changes });
  const componentOwners = new Map(
    analysis.model.components
      .filter((c) => c.owner !== undefined)
      .map((c) => [c.id, c.owner as string]),
  );
  const risks = reportDecision(input)?.risks;
  const rows: ThreatRow[] = analysis.threats.map((threat) => {
    const risk = risks?.get(threat.id);
    const entry = input.register?.byId.get(threat.id);
    const change = changes.get(threat.id);
    const owner =
      entry?.owner ??
      (threat.elementType === 'component' ? componentOwners.get(threat.element) : undefined);
    return {
      threat,
      status: effectiveStatus(threat, input.register),
      ...(entry && { entry }),
      ...(owner !== undefined && { owner }),
      start: index.position(threat.range.start),
      end: index.position(threat.range.end),
      ...(change && { change }),
      ...(risk && { risk }),
    };
  });
  const bySeverityRank = (a: ThreatRow, b: ThreatRow) =>
    SEVERITY_ORDER.indexOf(b.threat.severity) - SEVERITY_ORDER.indexOf(a.threat.severity) ||
    (a.threat.ruleId < b.threat.ruleId ? -1 : a.threat.ruleId > b.threat.ruleId ? 1 : 0);
  const rowsByElement = new Map<string, ThreatRow[]>();
  for (const row of rows) {
    const key = `${row.threat.elementType}:${row.threat.element}`;
    let list = rowsByElement.get(key);
    if (!list) rowsByElement.set(key, (list = []));
    list.push(row);
  }
  const model = analysis.model;
  const components: ElementGroup[] = model.components.map((c) => ({
    type: 'component',
    id: c.id,
    name: c.name,
    detail: c.kind,
    start: index.position(c.idRange.start),
    rows: (rowsByElement.get(`component:${c.id}`) ?? []).sort(bySeverityRank),
  }));
  const flows: ElementGroup[] = model.flows.map((f) => ({
    type: 'flow',
    id: f.id,
    name: f.name ?? f.id,
    detail: `${f.from} → ${f.to}`,
    start: index.position(f.idRange.start),
    rows: (rowsByElement.get(`flow:${f.id}`) ?? []).sort(bySeverityRank),
  }));
  const statuses = [...STATUS_ORDER];
  for (const row of rows) if (!statuses.includes(row.status)) statuses.push(row.status);
  const bySeverity = SEVERITY_DESC.map((severity) => {
    const byStatus: Record<string, number> = Object.fromEntries(statuses.map((s) => [s, 0]));
    let total = 0;
    for (const row of rows) {
      if (row.threat.severity !== severity) continue;
      total++;
      byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
    }
    return { severity, total, byStatus };
  });
  return {
    input,
    modelName: model?.name ?? input.file,
    modelHash: `sha256:${sha256Hex(input.text)}`,
    atlasVersion: analysis.atlas.version,
    rows,
    components,
    flows,
    bySeverity,
    statuses,
    removed: input.diff?.removed ?? [],
    index,
  };
}

/** `open`, `not applicable`: a status as people read it. */
export function statusLabel(status: Status): string {
  return status.replace(/_/g, ' ');
}
