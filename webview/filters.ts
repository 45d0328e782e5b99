/**
 * What the user chose to see: STRIDE letters, categories (security / privacy), LINDDUN codes,
 * severities, statuses, an ATLAS tactic, a search
 * string and a focus element; and the pure functions deciding, for a scene, which threats match
 * and which elements stay visible, and the badge of each element. DOM-free, so node tests use it
 * as the oracle for what the page must show. Positions never change when filtering: the layout is stable,
 * elements are hidden in place.
 */
import { GATE_CATEGORIES, gateCategoryOf } from '../src/core/gate';
import { LINDDUN_CODES } from '../src/core/kb/linddun';
import type { DiagramScene, SceneThreat } from '../src/core/layout/scene';

export const STRIDE_LETTERS = ['S', 'T', 'R', 'I', 'D', 'E'] as const;
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
/** Threat categories as the check gate names them: security (STRIDE and ML) and privacy. */
export const CATEGORIES: readonly string[] = GATE_CATEGORIES;
export const LINDDUN_LETTERS: readonly string[] = LINDDUN_CODES;
export const STATUSES = ['open', 'mitigated', 'accepted', 'transferred', 'not_applicable'] as const;

export interface FilterState {
  /** Letters shown; all six means no STRIDE filter. */
  stride: string[];
  /** Categories shown (`security`, `privacy`); both means no category filter. */
  categories: string[];
  /** LINDDUN codes shown; all seven means no LINDDUN filter (a narrower one shows privacy threats only). */
  linddun: string[];
  severities: string[];
  statuses: string[];
  /** ATLAS tactic id, or '' for any. */
  tactic: string;
  search: string;
  /** Component whose neighbourhood alone is shown, or null. */
  focus: string | null;
}

export function defaultFilters(): FilterState {
  return {
    stride: [...STRIDE_LETTERS],
    categories: [...CATEGORIES],
    linddun: [...LINDDUN_LETTERS],
    severities: [...SEVERITIES],
    statuses: [...STATUSES],
    tactic: '',
    search: '',
    focus: null,
  };
}

/** Whether any threat filter is narrower than "everything". */
export function threatFilterActive(f: FilterState): boolean {
  return (
    f.stride.length < STRIDE_LETTERS.length ||
    f.categories.length < CATEGORIES.length ||
    f.linddun.length < LINDDUN_LETTERS.length ||
    f.severities.length < SEVERITIES.length ||
    f.statuses.length < STATUSES.length ||
    f.tactic !== ''
  );
}

export function threatMatches(t: SceneThreat, f: FilterState): boolean {
  if (f.stride.length < STRIDE_LETTERS.length && !t.stride.some((s) => f.stride.includes(s)))
    return false;
  if (!f.categories.includes(gateCategoryOf(t.category))) return false;
  if (f.linddun.length < LINDDUN_LETTERS.length && !t.linddun.some((c) => f.linddun.includes(c)))
    return false;
  if (!f.severities.includes(t.severity)) return false;
  if (!f.statuses.includes(t.status)) return false;
  if (f.tactic !== '' && !t.atlas.some((a) => a.tactics.some((tactic) => tactic.id === f.tactic)))
    return false;
  return true;
}

/** Severity rank, higher is worse; unknown values rank lowest. */
export function severityRank(severity: string): number {
  const index = (SEVERITIES as readonly string[]).indexOf(severity);
  return index < 0 ? -1 : SEVERITIES.length - 1 - index;
}

export interface Visibility {
  readonly components: ReadonlySet<string>;
  readonly flows: ReadonlySet<string>;
  readonly boundaries: ReadonlySet<string>;
}

/**
 * Visible elements: with focus, the component, its direct neighbours and the flows between
 * them; with a threat filter, only elements with a matching threat (and flows' ends, so a flow
 * is never drawn dangling); boundaries that contain something visible.
 */
export function visibleElements(scene: DiagramScene, f: FilterState): Visibility {
  let components = new Set(scene.graph.components.map((c) => c.id));
  let flows = new Set(scene.graph.flows.map((fl) => fl.id));
  if (f.focus !== null && components.has(f.focus)) {
    const focus = f.focus;
    const near = scene.graph.flows.filter((fl) => fl.source === focus || fl.target === focus);
    components = new Set([focus, ...near.flatMap((fl) => [fl.source, fl.target])]);
    flows = new Set(near.map((fl) => fl.id));
  }
  if (threatFilterActive(f)) {
    const withThreat = new Set(
      scene.threats.filter((t) => threatMatches(t, f)).map((t) => t.element),
    );
    flows = new Set([...flows].filter((id) => withThreat.has(id)));
    const ends = new Set(
      scene.graph.flows.filter((fl) => flows.has(fl.id)).flatMap((fl) => [fl.source, fl.target]),
    );
    components = new Set([...components].filter((id) => withThreat.has(id) || ends.has(id)));
  }
  const parents = new Map(scene.graph.boundaries.map((b) => [b.id, b.parent]));
  const boundaries = new Set<string>();
  for (const c of scene.graph.components) {
    if (!components.has(c.id)) continue;
    let current = c.boundary;
    while (current !== undefined && !boundaries.has(current)) {
      boundaries.add(current);
      current = parents.get(current);
    }
  }
  return { components, flows, boundaries };
}

/** Elements whose id or label contains the search text (case-insensitive); all when empty. */
export function searchMatches(
  scene: DiagramScene,
  search: string,
): ReadonlySet<string> | undefined {
  const needle = search.trim().toLowerCase();
  if (needle === '') return undefined;
  const hit = (id: string, label: string) =>
    id.toLowerCase().includes(needle) || label.toLowerCase().includes(needle);
  return new Set([
    ...scene.graph.components.filter((c) => hit(c.id, c.label)).map((c) => c.id),
    ...scene.graph.flows.filter((fl) => hit(fl.id, fl.label)).map((fl) => fl.id),
  ]);
}

export interface Badge {
  readonly count: number;
  /** Highest severity among the counted threats. */
  readonly severity: string;
}

/** Open threats matching the filters, per element: count and highest severity. */
export function computeBadges(
  threats: readonly SceneThreat[],
  filters: FilterState,
): Map<string, Badge> {
  const badges = new Map<string, Badge>();
  for (const t of threats) {
    if (t.status !== 'open' || !threatMatches(t, filters)) continue;
    const current = badges.get(t.element);
    const severity =
      current === undefined || severityRank(t.severity) > severityRank(current.severity)
        ? t.severity
        : current.severity;
    badges.set(t.element, { count: (current?.count ?? 0) + 1, severity });
  }
  return badges;
}
