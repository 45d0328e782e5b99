/**
 * The validated pipeline model: what `*.mltm.yaml` says, as typed data with the source range of
 * every element, ready for the graph and the threat engine. Ranges are offsets into the text.
 */
import type { SourceRange } from '../problems';
import type { SourceMap } from '../parse/source';
import type { Classification, CrownJewelGoal, Exposure, TrustLevel } from './vocabulary';

/** Where an element is written: its id (map key, or the flow's `id` / list item) and whole node. */
export interface ElementLocation {
  /** The id as written (a map key, a flow's `id:` value), or the flow item when the id is derived. */
  readonly idRange: SourceRange;
  /** The whole element node. */
  readonly range: SourceRange;
  /** JSON pointer of the element in the file, e.g. `/components/scorer` or `/flows/3`. */
  readonly pointer: string;
}

export interface Boundary extends ElementLocation {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly trust: TrustLevel;
  readonly parent?: string;
}

export interface DataItem extends ElementLocation {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly kind?: string;
  readonly classification: Classification;
  readonly pii: boolean;
  /** Goals declared with `crown_jewel:` (empty when none). */
  readonly crownJewel: readonly CrownJewelGoal[];
}

export interface Component extends ElementLocation {
  readonly id: string;
  /** The component kind; empty when the file does not state one (a problem is reported). */
  readonly kind: string;
  readonly name: string;
  readonly description?: string;
  readonly boundary?: string;
  readonly tech?: string;
  readonly exposure?: Exposure;
  readonly owner?: string;
  readonly data: readonly string[];
  readonly controls: readonly string[];
  /** Goals declared with `crown_jewel:` (empty when none). */
  readonly crownJewel: readonly CrownJewelGoal[];
}

export interface Flow extends ElementLocation {
  readonly id: string;
  /** Whether the id was written (`id:`) or derived as `<from>-><to>`. */
  readonly idExplicit: boolean;
  readonly name?: string;
  readonly description?: string;
  readonly from: string;
  readonly to: string;
  readonly data: readonly string[];
  readonly protocol?: string;
  readonly bidirectional: boolean;
  readonly controls: readonly string[];
  /** Position in the `flows` list. */
  readonly index: number;
}

export interface PipelineModel {
  readonly version: 1;
  readonly name: string;
  readonly description?: string;
  /** In file order. */
  readonly boundaries: readonly Boundary[];
  readonly data: readonly DataItem[];
  readonly components: readonly Component[];
  readonly flows: readonly Flow[];
  /** The source map of the file, for precise locations of any field. */
  readonly sourceMap: SourceMap;
}

/** Derived flow id when none is written. */
export function defaultFlowId(from: string, to: string): string {
  return `${from}->${to}`;
}
