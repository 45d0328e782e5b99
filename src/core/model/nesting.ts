/**
 * Boundary nesting: every boundary's chain of `parent:` links resolved once, in time linear in
 * the number of boundaries (each boundary is walked once, iteratively, and its result memoised),
 * with cycles found on the way and depth capped. The one answer for the semantic checks, the
 * pipeline graph's zones and the diagram's layout, so they cannot disagree on what contains what.
 *
 * A hostile file can chain tens of thousands of boundaries; walking each chain from scratch was
 * quadratic (60,000 boundaries never finished) and recursion would overflow the stack.
 */

/** Deepest boundary nesting mltm follows; a deeper boundary is a problem (MLTM213). */
export const MAX_BOUNDARY_DEPTH = 32;

/** What the resolver needs of a boundary (a model boundary or a diagram boundary). */
export interface NestingItem {
  readonly id: string;
  readonly parent?: string;
}

export interface BoundaryNesting {
  /**
   * Ancestor ids, outermost first, ending with the boundary's own id — at most
   * {@link MAX_BOUNDARY_DEPTH} entries. A boundary in a cycle, past the depth limit or whose
   * parent is unknown starts its own path (is treated as outermost), so the parent any path
   * implies is known and acyclic.
   */
  readonly paths: ReadonlyMap<string, readonly string[]>;
  /** Each cycle once, in parent order from the member reached first in input order. */
  readonly cycles: readonly (readonly string[])[];
  /** Boundaries one level past the limit (their descendants are not listed again), input order. */
  readonly tooDeep: readonly string[];
}

/** Resolves the nesting of some boundaries; duplicate ids keep their first occurrence. */
export function resolveNesting(
  items: Iterable<NestingItem>,
  maxDepth = MAX_BOUNDARY_DEPTH,
): BoundaryNesting {
  const parentOf = new Map<string, string | undefined>();
  for (const item of items) if (!parentOf.has(item.id)) parentOf.set(item.id, item.parent);
  const paths = new Map<string, readonly string[]>();
  const depth = new Map<string, number>();
  const active = new Set<string>();
  const cycles: string[][] = [];
  const tooDeep: string[] = [];

  for (const start of parentOf.keys()) {
    if (paths.has(start)) continue;
    // Walk up until a resolved boundary, the top, an unknown parent, or this walk itself.
    const walk: string[] = [];
    let current: string | undefined = start;
    while (current !== undefined && parentOf.has(current) && !paths.has(current)) {
      if (active.has(current)) break;
      active.add(current);
      walk.push(current);
      current = parentOf.get(current);
    }
    let rest = walk.length;
    if (current !== undefined && active.has(current)) {
      // The walk closed on itself: walk[first…] is a cycle, each member's parent the next one.
      const first = walk.indexOf(current);
      const cycle = walk.slice(first);
      cycles.push(cycle);
      // Members start their own paths: every parent a path implies is then acyclic, which is
      // what the diagram and the reports draw from.
      for (const id of cycle) {
        paths.set(id, [id]);
        depth.set(id, 1);
      }
      rest = first;
    }
    // Resolve the rest outermost first: each parent is resolved (or unknown) before its child.
    for (let i = rest - 1; i >= 0; i--) {
      const id = walk[i] as string;
      const parent = parentOf.get(id);
      const parentPath = parent === undefined ? undefined : paths.get(parent);
      const level = parentPath === undefined ? 1 : (depth.get(parent as string) ?? 0) + 1;
      depth.set(id, level);
      if (level === maxDepth + 1) tooDeep.push(id);
      paths.set(id, parentPath === undefined || level > maxDepth ? [id] : [...parentPath, id]);
    }
    for (const id of walk) active.delete(id);
  }
  const order = new Map([...parentOf.keys()].map((id, index) => [id, index]));
  tooDeep.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return { paths, cycles, tooDeep };
}
