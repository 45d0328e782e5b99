/**
 * The analysis JSON contract (`mltm analyze --format json`): a stable, documented shape for
 * scripts. Fields are only ever added; a rename or removal would need a new `format` version.
 * Lines and columns are 1-based; offsets are UTF-16 code units from the start of the file.
 */
import { threatsOf, type Analysis } from './analysis';
import type { Problem, SourceRange } from './problems';
import type { ControlEvidence, Threat } from './rules/evaluate';
import { LineIndex } from './util/lineIndex';

export const ANALYSIS_JSON_FORMAT = 1;

export interface JsonRange {
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly startOffset: number;
  readonly endOffset: number;
}

export interface JsonThreat {
  readonly id: string;
  readonly ruleId: string;
  readonly element: string;
  readonly elementType: 'component' | 'flow';
  readonly elementKind: string;
  readonly title: string;
  readonly category: 'stride' | 'ml' | 'privacy';
  readonly stride: readonly string[];
  /** LINDDUN privacy codes (L, I, Nr, D, DD, U, Nc); empty for security threats. */
  readonly linddun: readonly string[];
  readonly atlas: readonly string[];
  readonly owasp: readonly string[];
  readonly severity: string;
  readonly baseSeverity: string;
  readonly severityReasons: readonly string[];
  readonly why: string;
  readonly mitigations: { readonly allOf: readonly string[]; readonly anyOf: readonly string[] };
  readonly mitigatedBy: readonly ControlEvidence[];
  readonly missingControls: readonly string[];
  readonly mitigated: boolean;
  readonly fingerprint: string;
  readonly range: JsonRange;
  /** Threats of generic rules this one fully covers on the same element, merged into it. */
  readonly merged?: readonly JsonMergedThreat[];
}

/** A threat merged into another (`covers` in the packs): kept under its own id in registers. */
export interface JsonMergedThreat {
  readonly id: string;
  readonly ruleId: string;
  readonly title: string;
  readonly severity: string;
  readonly why: string;
  readonly missingControls: readonly string[];
  readonly mitigated: boolean;
}

export interface JsonProblem {
  readonly file: string;
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly range: JsonRange;
}

export interface AnalysisJson {
  readonly format: typeof ANALYSIS_JSON_FORMAT;
  readonly model: {
    readonly file: string;
    readonly name: string | null;
    readonly components: number;
    readonly flows: number;
  };
  readonly atlasVersion: string;
  readonly threats: readonly JsonThreat[];
  readonly problems: readonly JsonProblem[];
}

export function jsonRange(range: SourceRange, index: LineIndex): JsonRange {
  const start = index.position(range.start);
  const end = index.position(range.end);
  return {
    startLine: start.line,
    startColumn: start.column,
    endLine: end.line,
    endColumn: end.column,
    startOffset: range.start,
    endOffset: range.end,
  };
}

export function jsonThreat(threat: Threat, index: LineIndex): JsonThreat {
  return {
    id: threat.id,
    ruleId: threat.ruleId,
    element: threat.element,
    elementType: threat.elementType,
    elementKind: threat.elementKind,
    title: threat.title,
    category: threat.category,
    stride: threat.stride,
    linddun: threat.linddun,
    atlas: threat.atlas,
    owasp: threat.owasp,
    severity: threat.severity,
    baseSeverity: threat.baseSeverity,
    severityReasons: threat.severityReasons,
    why: threat.why,
    mitigations: threat.mitigations,
    mitigatedBy: threat.mitigatedBy,
    missingControls: threat.missingControls,
    mitigated: threat.mitigated,
    fingerprint: threat.fingerprint,
    range: jsonRange(threat.range, index),
    ...(threat.merged && {
      merged: threat.merged.map((m) => ({
        id: m.id,
        ruleId: m.ruleId,
        title: m.title,
        severity: m.severity,
        why: m.why,
        missingControls: m.missingControls,
        mitigated: m.mitigated,
      })),
    }),
  };
}

/**
 * Builds the contract. `texts` gives the text of other files with problems (rule packs) so
 * their positions can be computed too; a file without text gets line 1, column 1.
 */
export function analysisToJson(
  analysis: Analysis,
  file: string,
  text: string,
  texts: ReadonlyMap<string, string> = new Map(),
): AnalysisJson {
  const index = new LineIndex(text);
  return {
    format: ANALYSIS_JSON_FORMAT,
    model: {
      file,
      name: analysis.status === 'loaded' ? analysis.model.name : null,
      components: analysis.status === 'loaded' ? analysis.model.components.length : 0,
      flows: analysis.status === 'loaded' ? analysis.model.flows.length : 0,
    },
    atlasVersion: analysis.atlas.version,
    threats: threatsOf(analysis).map((t) => jsonThreat(t, index)),
    problems: analysisProblemsToJson(analysis, file, index, texts),
  };
}

/**
 * The contract's `problems` alone: what the text output prints, without converting every
 * threat (which on a 1,000-component model costs as much as the listing itself).
 */
export function analysisProblemsToJson(
  analysis: Analysis,
  file: string,
  index: LineIndex,
  texts: ReadonlyMap<string, string> = new Map(),
): JsonProblem[] {
  const problem = (p: Problem, f: string, i: LineIndex): JsonProblem => ({
    file: f,
    code: p.code,
    severity: p.severity,
    message: p.message,
    range: jsonRange(p.range, i),
  });
  const problems: JsonProblem[] = analysis.problems.map((p) => problem(p, file, index));
  for (const group of analysis.ruleProblems) {
    const other = new LineIndex(texts.get(group.file) ?? '');
    problems.push(...group.problems.map((p) => problem(p, group.file, other)));
  }
  return problems;
}
