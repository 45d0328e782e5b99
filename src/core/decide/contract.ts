/**
 * The fix-plan JSON contract (`mltm plan --format json`), format `mltm-plan/1`: a stable,
 * documented shape for scripts. Fields are only ever added within a version; a rename or removal
 * needs `mltm-plan/2`. Ranges are those of the analysis contract (1-based lines and columns,
 * UTF-16 offsets).
 */
import { jsonRange, type JsonRange } from '../contract';
import { LineIndex } from '../util/lineIndex';
import type { Decision } from './index';
import { pathStatusOf } from './paths';

export const PLAN_JSON_FORMAT = 'mltm-plan/1';

export interface PlanJsonStep {
  readonly rank: number;
  readonly control: string;
  readonly element: string;
  readonly closes: readonly string[];
  readonly riskReduced: number;
  readonly breaksPaths: readonly string[];
}

export interface PlanJsonPathStep {
  readonly element: string;
  readonly threats: readonly string[];
  readonly atlas: readonly string[];
  readonly missingControls: readonly string[];
  readonly range: JsonRange;
}

export interface PlanJsonPath {
  readonly id: string;
  /** `content` (attacker data along data flows) or `access` (through open threats). */
  readonly kind: string;
  readonly entry: string;
  readonly target: string;
  readonly goal: string;
  readonly risk: number;
  /**
   * The register's decision on the path (`paths:`): `open` (none), `accepted`, `mitigated` or
   * `not_applicable`. A decided path is in no step's `breaksPaths`.
   */
  readonly status: string;
  /** The decision was taken before an element on the path changed (review it). */
  readonly needsReview: boolean;
  readonly steps: readonly PlanJsonPathStep[];
}

export interface PlanJson {
  readonly format: typeof PLAN_JSON_FORMAT;
  /** The model file as given on the command line. */
  readonly model: string;
  readonly totalRisk: number;
  readonly residualRisk: number;
  readonly steps: readonly PlanJsonStep[];
  readonly paths: readonly PlanJsonPath[];
}

/** The contract for a decision; `text` is the model's text, for line and column numbers. */
export function planToJson(decision: Decision, model: string, text: string): PlanJson {
  const index = new LineIndex(text);
  return {
    format: PLAN_JSON_FORMAT,
    model,
    totalRisk: decision.plan.totalRisk,
    residualRisk: decision.plan.residualRisk,
    steps: decision.plan.steps.map((s) => ({
      rank: s.rank,
      control: s.control,
      element: s.element,
      closes: s.closes,
      riskReduced: s.riskReduced,
      breaksPaths: s.breaksPaths,
    })),
    paths: decision.paths.map((p) => ({
      id: p.id,
      kind: p.kind,
      entry: p.entry,
      target: p.target,
      goal: p.goal,
      risk: p.risk,
      status: pathStatusOf(p),
      needsReview: p.decision?.needsReview ?? false,
      steps: p.steps.map((s) => ({
        element: s.element,
        threats: s.threats,
        atlas: s.atlas,
        missingControls: s.missingControls,
        range: jsonRange(s.range, index),
      })),
    })),
  };
}
