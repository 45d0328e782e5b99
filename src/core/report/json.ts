/**
 * The JSON report (`mltm report --format json`): the analysis contract of `mltm analyze
 * --format json` (src/core/contract.ts), unchanged, plus what the register says about each
 * threat, its risk with the factors behind it, and the report's own facts (hash, date, diff).
 * Fields are only ever added.
 */
import { analysisToJson, type AnalysisJson, type JsonThreat } from '../contract';
import type { ThreatDiff } from '../register/diff';
import type { RiskFactor } from '../decide/risk';
import { buildReportView, type RegisterNote, type ReportInput, type ReportView } from './view';

export const REPORT_JSON_FORMAT = 1;

export interface JsonRegisterState {
  /** Effective status: the register's decision, else mitigated / open from the controls. */
  readonly status: string;
  /** Whether the register has an entry for the threat. */
  readonly inRegister: boolean;
  readonly owner?: string;
  readonly justification?: string;
  readonly ticket?: string;
  readonly reviewBy?: string;
  readonly stale?: boolean;
}

export interface JsonRisk {
  readonly score: number;
  readonly likelihood: number;
  readonly impact: number;
  readonly factors: readonly RiskFactor[];
}

export interface ReportJson extends AnalysisJson {
  readonly report: {
    readonly format: typeof REPORT_JSON_FORMAT;
    readonly generatedAt: string;
    readonly tool: string;
    readonly modelHash: string;
    readonly register: {
      readonly file: string | null;
      readonly entries: number;
      readonly problems: readonly RegisterNote[];
    };
    readonly base?: { readonly label: string; readonly diff: ThreatDiff };
  };
  readonly threats: readonly (JsonThreat & {
    readonly register: JsonRegisterState;
    readonly change?: string;
    /** The threat's risk (docs/risk.md): what `mltm plan` ranks by, with its factors. */
    readonly risk?: JsonRisk;
  })[];
}

/** The report as a JSON value. */
export function buildReportJson(
  input: ReportInput,
  view: ReportView = buildReportView(input),
): ReportJson {
  const base = analysisToJson(input.analysis, input.file, input.text);
  const rows = new Map(view.rows.map((r) => [r.threat.id, r]));
  return {
    ...base,
    report: {
      format: REPORT_JSON_FORMAT,
      generatedAt: input.generatedAt,
      tool: `mltm ${input.toolVersion}`,
      modelHash: view.modelHash,
      register: {
        file: input.register ? (input.registerFile ?? null) : null,
        entries: input.register?.entries.length ?? 0,
        problems: input.registerProblems ?? [],
      },
      ...(input.diff && { base: { label: input.baseLabel ?? 'base', diff: input.diff } }),
    },
    threats: base.threats.map((t) => {
      const row = rows.get(t.id);
      const e = row?.entry;
      return {
        ...t,
        register: {
          status: row?.status ?? 'open',
          inRegister: e !== undefined,
          ...(e?.owner !== undefined && { owner: e.owner }),
          ...(e?.justification !== undefined && { justification: e.justification }),
          ...(e?.ticket !== undefined && { ticket: e.ticket }),
          ...(e?.reviewBy !== undefined && { reviewBy: e.reviewBy }),
          ...(e && { stale: e.machine.stale }),
        },
        ...(row?.change && { change: row.change.kind }),
        ...riskJson(row?.risk),
      };
    }),
  };
}

function riskJson(risk: JsonRisk | undefined): { risk?: JsonRisk } {
  if (!risk) return {};
  const { score, likelihood, impact, factors } = risk;
  return { risk: { score, likelihood, impact, factors: factors.map((f) => ({ ...f })) } };
}

/** The JSON report as text. */
export function renderJson(input: ReportInput, view: ReportView = buildReportView(input)): string {
  return JSON.stringify(buildReportJson(input, view), null, 2) + '\n';
}
