/**
 * Assembles a `ReportInput` from what a caller has already read: the model text and its analysis,
 * the register and its problems, the date and version. Shared by `mltm report` (files read from
 * disk) and the extension's "Generate Report" (texts of open documents, unsaved edits included),
 * so both write the same report for the same inputs. Pure: no file access, no clock — the date is
 * an argument.
 */
import type { LoadedAnalysis } from '../analysis';
import type { Problem } from '../problems';
import type { ThreatDiff } from '../register/diff';
import type { ThreatRegister } from '../register/register';
import { LineIndex } from '../util/lineIndex';
import { REPORT_EXTENSIONS, type ReportFormat } from './index';
import type { RegisterNote, ReportInput } from './view';

/** Everything a report is assembled from, as the caller read it. */
export interface ReportSources {
  readonly analysis: LoadedAnalysis;
  /** The model text the analysis was made from. */
  readonly text: string;
  /** The model's path as the report names it (relative, `/`-separated). */
  readonly file: string;
  /** The absolute URI of the folder `file` is relative to, ending in `/` (see `ReportInput`). */
  readonly baseUri?: string;
  /** The loaded register and its path as the report names it; absent when there is none yet. */
  readonly register?: { readonly register: ThreatRegister; readonly file: string };
  /** Register problems, already located (see `locateRegisterNotes`). */
  readonly registerNotes: readonly RegisterNote[];
  /** ISO 8601 generation date (see `reportTimestamp`). */
  readonly generatedAt: string;
  readonly toolVersion: string;
  /** The threat diff against a base revision and the base's name. */
  readonly diff?: { readonly diff: ThreatDiff; readonly baseLabel?: string };
  /** `mermaid.min.js`, for the HTML report's diagram. */
  readonly mermaidScript?: string;
}

/** Register problems (offset ranges) as located notes in the register file (1-based line/column). */
export function locateRegisterNotes(
  file: string,
  registerText: string,
  problems: readonly Problem[],
): RegisterNote[] {
  const index = new LineIndex(registerText);
  return problems.map((p) => {
    const start = index.position(p.range.start);
    return {
      file,
      line: start.line,
      column: start.column,
      severity: p.severity,
      code: p.code,
      message: p.message,
    };
  });
}

/** The report input for `sources`; optional parts are left out, not set to undefined. */
export function assembleReportInput(sources: ReportSources): ReportInput {
  return {
    analysis: sources.analysis,
    text: sources.text,
    file: sources.file,
    ...(sources.baseUri !== undefined && { baseUri: sources.baseUri }),
    ...(sources.register && {
      register: sources.register.register,
      registerFile: sources.register.file,
    }),
    registerProblems: sources.registerNotes,
    generatedAt: sources.generatedAt,
    toolVersion: sources.toolVersion,
    ...(sources.diff && { diff: sources.diff.diff }),
    ...(sources.diff?.baseLabel !== undefined && { baseLabel: sources.diff.baseLabel }),
    ...(sources.mermaidScript !== undefined && { mermaidScript: sources.mermaidScript }),
  };
}

/** A date as reports show it: ISO 8601 in UTC, to the second (`2026-11-25T08:40:05Z`). */
export function reportTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The default file name of a report beside its model: `fraud.mltm.yaml` → `fraud.report.md`
 * (`.sarif`, `.html`, `.json`, `.mmd` for the other formats).
 */
export function reportFileName(modelFileName: string, format: ReportFormat): string {
  const stem = modelFileName.replace(/\.mltm\.ya?ml$/i, '').replace(/\.ya?ml$/i, '');
  return `${stem || 'model'}.report${REPORT_EXTENSIONS[format]}`;
}
