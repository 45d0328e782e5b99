/**
 * Rule packs as data: the typed form of `schemas/rules.schema.json` (DESIGN §1.3). Conditions
 * are plain values compared by the evaluator; nothing in a pack is ever executed.
 */
import type { SourceRange } from '../problems';
import type { StrideLetter } from '../kb/stride';
import type { LinddunCode } from '../kb/linddun';
import type { Classification, Exposure, TrustLevel } from '../model/vocabulary';
import type { ElementClass } from '../model/vocabulary';
import type { TrustDirection } from '../graph/graph';

/** Generic STRIDE, ML-specific security, or privacy (LINDDUN). */
export type RuleCategory = 'stride' | 'ml' | 'privacy';
export const RULE_CATEGORIES: readonly RuleCategory[] = ['stride', 'ml', 'privacy'];

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITY_ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export interface ClassificationCondition {
  readonly min?: Classification;
  readonly max?: Classification;
}

/** Conditions on one component (a flow end or a neighbour). */
export interface EndMatch {
  readonly kind?: readonly string[];
  readonly not_kind?: readonly string[];
  readonly class?: readonly ElementClass[];
  readonly tech?: readonly string[];
  readonly exposure?: readonly Exposure[];
  readonly zone_trust?: readonly TrustLevel[];
  readonly reachable_from_outside?: boolean;
  readonly data_kind?: readonly string[];
  readonly data_classification?: ClassificationCondition;
  readonly pii?: boolean;
  readonly in_feedback_loop?: boolean;
}

export interface ComponentMatch extends EndMatch {
  readonly inbound_from?: EndMatch;
  readonly outbound_to?: EndMatch;
  readonly no_inbound_from?: EndMatch;
  readonly no_outbound_to?: EndMatch;
  /** A path of one or more flows leads here from a component matching this. */
  readonly downstream_of?: EndMatch;
  /** No path of flows leads here from a component matching this. */
  readonly not_downstream_of?: EndMatch;
  /** A path of one or more flows leads from here to a component matching this. */
  readonly upstream_of?: EndMatch;
  /**
   * Content from a component matching each entry reaches here over any number of hops: along
   * flows, and back from each tool or MCP server on the way to its callers.
   */
  readonly receives_content_from?: readonly EndMatch[];
  readonly model_has_control?: readonly string[];
  readonly model_lacks_control?: readonly string[];
}

export interface FlowMatch {
  readonly from?: EndMatch;
  readonly to?: EndMatch;
  readonly crosses_boundary?: boolean;
  readonly crosses_trust_boundary?: boolean;
  readonly direction?: readonly TrustDirection[];
  readonly protocol?: readonly string[];
  readonly data_kind?: readonly string[];
  readonly data_classification?: ClassificationCondition;
  readonly pii?: boolean;
  readonly bidirectional?: boolean;
}

export interface Mitigations {
  readonly all_of?: readonly string[];
  readonly any_of?: readonly string[];
}

interface RuleCommon {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly category: RuleCategory;
  readonly stride: readonly StrideLetter[];
  /** LINDDUN privacy threat codes (empty for security rules). */
  readonly linddun: readonly LinddunCode[];
  readonly atlas: readonly string[];
  readonly owasp: readonly string[];
  readonly severity: Severity;
  readonly adjustSeverity: boolean;
  readonly mitigations: Mitigations;
  readonly why?: string;
  readonly detection?: string;
  readonly containment?: string;
  readonly references: readonly string[];
  /**
   * Generic rules this rule fully covers: on an element where both match, the covered rule's
   * threat is merged into this rule's (`Threat.merged`). Declared in the pack, so packs without
   * it (the frozen case-study baseline) evaluate exactly as before.
   */
  readonly covers: readonly string[];
  /** Where each `covers` entry is written, for located problems. */
  readonly coversRanges: readonly SourceRange[];
  /** Which pack the rule came from, and where in it. */
  readonly origin: RuleOrigin;
}

export interface RuleOrigin {
  readonly pack: string;
  /** File of the pack (`builtin:<name>` for built-in packs). */
  readonly file: string;
  readonly range: SourceRange;
}

export interface ComponentRule extends RuleCommon {
  readonly element: 'component';
  readonly when: ComponentMatch;
}

export interface FlowRule extends RuleCommon {
  readonly element: 'flow';
  readonly when: FlowMatch;
}

export type Rule = ComponentRule | FlowRule;

export interface RulePack {
  readonly id: string;
  readonly name: string;
  readonly version?: string;
  readonly file: string;
  readonly rules: readonly Rule[];
  /** Rule ids this pack switches off. */
  readonly disable: readonly { readonly id: string; readonly range: SourceRange }[];
}

/**
 * The placeholders a rule's `why` may use, per element type; each is filled from the element
 * (see `componentShared` / `flowShared` in evaluate.ts, which fill exactly these). Anything else
 * in braces is a problem in the pack (MLTM407) and stays as written: it never resolves through
 * JavaScript's built-in object (`{constructor}`, `{__proto__}`).
 */
export const WHY_PLACEHOLDERS: Readonly<Record<'component' | 'flow', ReadonlySet<string>>> = {
  component: new Set(['element', 'kind', 'zone', 'tech', 'data', 'classification']),
  flow: new Set([
    'element',
    'kind',
    'from',
    'to',
    'from_zone',
    'to_zone',
    'data',
    'classification',
  ]),
};

/** A `{placeholder}` in a `why` template. */
export const WHY_PLACEHOLDER_PATTERN = /\{([a-z_]+)\}/g;
