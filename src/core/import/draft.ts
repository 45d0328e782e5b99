/**
 * The draft model the importers build together: components, flows, data and boundaries, each
 * with the `SourceRef` it came from, controls each with the file and line that prove them, and
 * the contradictions found (a PERMISSIVE PeerAuthentication where the model may claim `mtls`).
 * Importers only add to it; `renderDraft` turns it into `*.mltm.yaml` text.
 *
 * Ids are stable: the same thing seen twice (a DVC output read by two stages, a namespace named
 * by two files) is one element, keyed by what it is (`dvc-path:data/raw.csv`), and two different
 * things with the same name get `-2`, `-3`, in file order.
 */
import { impliedControls, techTokens } from '../kb/controls';
import type { Exposure, TrustLevel, Classification } from '../model/vocabulary';
import type { Problem } from '../problems';
import type { HumanFields } from '../register/register';
import type { SourceRef } from './evidence';

/** What a Kubernetes policy needs to know about a drafted workload. */
export interface Workload {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `sidecar.istio.io/inject: "false"` on the workload: no sidecar, so no mesh mTLS. */
  readonly sidecarInjectionDisabled?: SourceRef;
}

export interface DraftComponent {
  readonly id: string;
  kind: string;
  name?: string;
  description?: string;
  boundary?: string;
  tech?: string;
  exposure?: Exposure;
  readonly data: string[];
  /** Control → the place that proves it. */
  readonly controls: Map<string, SourceRef>;
  readonly source: SourceRef;
  /** `x-…` annotations written as they are (image, format facts). */
  readonly notes: Map<string, string>;
  workload?: Workload;
  /**
   * Keep `tech` as written: the file is a model's own statement (OTM), not evidence the draft
   * interprets, so its tech words and what they imply are the author's.
   */
  techAsWritten?: boolean;
}

export interface DraftFlow {
  /** An explicit id (OTM dataflow ids); absent: the default `<from>-><to>`. */
  id?: string;
  name?: string;
  bidirectional?: boolean;
  readonly from: string;
  readonly to: string;
  readonly data: string[];
  protocol?: string;
  readonly controls: Map<string, SourceRef>;
  readonly source: SourceRef;
}

export interface DraftData {
  readonly id: string;
  name?: string;
  kind?: string;
  classification: Classification;
  pii?: boolean;
  readonly source: SourceRef;
}

export interface DraftBoundary {
  readonly id: string;
  name: string;
  parent?: string;
  trust: TrustLevel;
  description: string;
  readonly source: SourceRef;
}

/** A file proving that a control is NOT in place on a drafted component. */
export interface Contradiction {
  readonly component: string;
  readonly control: string;
  readonly ref: SourceRef;
  /** Why, in a sentence fragment: "the PeerAuthentication sets mode PERMISSIVE". */
  readonly reason: string;
}

/**
 * A register decision a file carries (an OTM export's `mltmDecision` attribute): the human
 * fields of the threat's register entry, as written, keyed by the threat's id in the draft.
 */
export interface DraftDecision extends HumanFields {
  readonly threatId: string;
  readonly source: SourceRef;
}

/** A problem in an evidence file (skipped file, literal secret, unpinned package, ...). */
export interface FileProblem {
  readonly file: string;
  readonly problem: Problem;
}

/** An id that fits the model's id pattern, from any name. */
export function toId(text: string): string {
  const id = text
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/-+$/, '');
  return id === '' ? 'item' : id;
}

export class DraftBuilder {
  readonly components = new Map<string, DraftComponent>();
  readonly flows: DraftFlow[] = [];
  readonly data = new Map<string, DraftData>();
  readonly boundaries = new Map<string, DraftBoundary>();
  readonly contradictions: Contradiction[] = [];
  /** Register decisions the files carry (OTM), for the register written beside the draft. */
  readonly decisions: DraftDecision[] = [];
  readonly problems: FileProblem[] = [];
  /** A name a file gives the whole model (an OTM project's name). */
  suggestedName?: string;
  /** Names of the formats that contributed, in the order they were read. */
  readonly formats: string[] = [];
  private readonly groups = new Map<string, Set<string>>();
  private readonly idsByKey = new Map<string, string>();
  /** Ids taken, per namespace: components and flows share one, data and boundaries have their own. */
  private readonly usedIds = new Map<string, Set<string>>();
  private readonly flowIndex = new Map<string, DraftFlow>();

  /** The id of the thing `key` names, minted from `base` the first time. */
  idFor(key: string, base: string): string {
    const known = this.idsByKey.get(key);
    if (known !== undefined) return known;
    const namespace = /^(data|boundary):/.exec(key)?.[1] ?? 'element';
    let used = this.usedIds.get(namespace);
    if (!used) this.usedIds.set(namespace, (used = new Set()));
    const stem = toId(base);
    let id = stem;
    for (let n = 2; used.has(id); n++) id = `${stem}-${n}`;
    used.add(id);
    this.idsByKey.set(key, id);
    return id;
  }

  /** A named set of element ids importers share (`dvc-tracked`: stores a DVC remote backs). */
  group(name: string): Set<string> {
    let group = this.groups.get(name);
    if (!group) this.groups.set(name, (group = new Set()));
    return group;
  }

  /**
   * The element `key` names in `items` (components, data or boundaries), made by `create` with
   * the id {@link idFor} mints the first time, the same one after.
   */
  private drafted<T>(
    items: Map<string, T>,
    key: string,
    base: string,
    create: (id: string) => T,
  ): T {
    const id = this.idFor(key, base);
    let item = items.get(id);
    if (!item) {
      item = create(id);
      items.set(id, item);
    }
    return item;
  }

  /** Whether something was already drafted under `key`. */
  has(key: string): boolean {
    return this.idsByKey.has(key);
  }

  component(
    key: string,
    base: string,
    init: { kind: string; source: SourceRef } & Partial<
      Pick<DraftComponent, 'name' | 'description' | 'boundary' | 'tech' | 'exposure'>
    >,
  ): DraftComponent {
    return this.drafted(this.components, key, base, (id) => ({
      id,
      kind: init.kind,
      data: [],
      controls: new Map(),
      source: init.source,
      notes: new Map(),
      ...(init.name !== undefined && { name: init.name }),
      ...(init.description !== undefined && { description: init.description }),
      ...(init.boundary !== undefined && { boundary: init.boundary }),
      ...(init.tech !== undefined && { tech: init.tech }),
      ...(init.exposure !== undefined && { exposure: init.exposure }),
    }));
  }

  /** Records that `ref` proves `control` on a component (the first proof is kept). */
  claim(component: DraftComponent, control: string, ref: SourceRef): void {
    if (!component.controls.has(control)) component.controls.set(control, ref);
  }

  contradict(component: DraftComponent, control: string, ref: SourceRef, reason: string): void {
    this.contradictions.push({ component: component.id, control, ref, reason });
  }

  dataItem(
    key: string,
    base: string,
    init: { classification: Classification; source: SourceRef } & Partial<
      Pick<DraftData, 'name' | 'kind' | 'pii'>
    >,
  ): DraftData {
    return this.drafted(this.data, `data:${key}`, base, (id) => ({ id, ...init }));
  }

  boundary(
    key: string,
    base: string,
    init: { name: string; trust: TrustLevel; description: string; source: SourceRef },
  ): DraftBoundary {
    return this.drafted(this.boundaries, `boundary:${key}`, base, (id) => ({ id, ...init }));
  }

  /** A flow between two drafted components; a second flow between the same pair merges into it. */
  flow(
    from: DraftComponent,
    to: DraftComponent,
    init: { source: SourceRef; data?: readonly string[]; protocol?: string },
  ): DraftFlow | undefined {
    if (from.id === to.id) return undefined;
    const key = `${from.id}\u0000${to.id}`;
    let flow = this.flowIndex.get(key);
    if (!flow) {
      flow = {
        from: from.id,
        to: to.id,
        data: [],
        controls: new Map(),
        source: init.source,
        ...(init.protocol !== undefined && { protocol: init.protocol }),
      };
      this.flowIndex.set(key, flow);
      this.flows.push(flow);
    } else if (flow.protocol === undefined && init.protocol !== undefined)
      flow.protocol = init.protocol;
    for (const id of init.data ?? []) if (!flow.data.includes(id)) flow.data.push(id);
    return flow;
  }

  /** Adds data a component stores or processes. */
  holds(component: DraftComponent, dataId: string): void {
    if (!component.data.includes(dataId)) component.data.push(dataId);
  }

  report(file: string, problem: Problem): void {
    // A template used by several steps is one place in the file: one problem.
    if (
      this.problems.some(
        (p) =>
          p.file === file &&
          p.problem.code === problem.code &&
          p.problem.range.start === problem.range.start &&
          p.problem.message === problem.message,
      )
    )
      return;
    this.problems.push({ file, problem });
  }

  usedFormat(format: string): void {
    if (!this.formats.includes(format)) this.formats.push(format);
  }
}

/**
 * A `tech` value without the words that would imply a control no file proved (`istio` implies
 * `mtls`, `dvc` implies `data_provenance`): the draft claims only what evidence shows.
 */
export function techWithoutUnprovenImplications(
  tech: string | undefined,
  proven: ReadonlySet<string>,
): string | undefined {
  if (tech === undefined) return undefined;
  const kept = techTokens(tech).filter((token) =>
    impliedControls(token).every((implied) => proven.has(implied.control)),
  );
  return kept.length > 0 ? kept.join(' ') : undefined;
}
