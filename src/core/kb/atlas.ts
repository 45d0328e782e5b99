/**
 * The MITRE ATLAS catalogue mltm works with: ids, names, tactics, sub-technique parents and
 * mitigation links of every tactic, technique and mitigation, with lookups, the reverse index
 * (technique → mitigations ATLAS lists for it), links to each id's page on atlas.mitre.org and
 * "did you mean" for ids it does not know.
 *
 * Two sources, one shape:
 * - {@link bundledAtlasCatalogue}: the facts bundled with mltm (`atlas-catalogue.json`, made by
 *   `scripts/build-atlas-catalogue.ts` from the official ATLAS.yaml; no MITRE prose is copied);
 * - {@link atlasCatalogueFromYaml}: an official ATLAS.yaml the user supplies (`--atlas <path>`,
 *   a setting), so nobody is stuck on the version mltm shipped with.
 *
 * Pure TypeScript with no file access: callers read files and pass the text, so this runs in
 * the extension host, the CLI, tests and a web worker alike.
 */
import bundledData from './atlas-catalogue.json';
import {
  ATLAS_MITIGATION_ID,
  ATLAS_SUBTECHNIQUE_ID,
  ATLAS_TACTIC_ID,
  ATLAS_TECHNIQUE_ID,
  compareAtlasIds,
  extractAtlasCatalogueData,
  type AtlasCatalogueData,
  type AtlasExtractOptions,
  type AtlasMitigationData,
  type AtlasProblem,
  type AtlasTacticData,
  type AtlasTechniqueData,
} from './atlasExtract';

export type { AtlasCatalogueData, AtlasProblem } from './atlasExtract';

/** An ATLAS tactic (`AML.TA…`): the adversary's goal at one stage of an attack. */
export type AtlasTactic = AtlasTacticData;

/** An ATLAS technique (`AML.T…`) or sub-technique (`AML.T….…`, with `parent`). */
export type AtlasTechnique = AtlasTechniqueData;

/** An ATLAS mitigation (`AML.M…`) with the techniques ATLAS says it addresses. */
export type AtlasMitigation = AtlasMitigationData;

/** What kind of ATLAS object an id names, judged by its form alone. */
export type AtlasIdKind = 'tactic' | 'technique' | 'mitigation';

/** A loaded ATLAS catalogue. Immutable; lookups are constant time. */
export interface AtlasCatalogue {
  /** ATLAS data version, e.g. `5.6.0`; reports show it. */
  readonly version: string;
  /** The facts the catalogue was built from (what `atlas-catalogue.json` holds). */
  readonly data: AtlasCatalogueData;
  readonly tactics: ReadonlyMap<string, AtlasTactic>;
  readonly techniques: ReadonlyMap<string, AtlasTechnique>;
  readonly mitigations: ReadonlyMap<string, AtlasMitigation>;
  /** Tactic ids in ATLAS matrix (kill-chain) order, for reports that group by tactic. */
  readonly tacticOrder: readonly string[];
  /**
   * Reverse index: technique id → ids of the mitigations that list it, sorted. Techniques no
   * mitigation lists (96 of 170 in ATLAS 5.6.0) are absent.
   */
  readonly mitigationsByTechnique: ReadonlyMap<string, readonly string[]>;
  technique(id: string): AtlasTechnique | undefined;
  mitigation(id: string): AtlasMitigation | undefined;
  tactic(id: string): AtlasTactic | undefined;
  /** Whether the id names a tactic, technique or mitigation of this catalogue (exact, case-sensitive). */
  hasId(id: string): boolean;
  /**
   * The id's page on atlas.mitre.org, e.g. `https://atlas.mitre.org/techniques/AML.T0024.002`.
   * Judged by the id's form, so ids from a newer ATLAS still link; undefined for a malformed id.
   */
  url(id: string): string | undefined;
  /** The name of a tactic, technique or mitigation, as this ATLAS version spells it. */
  nameOf(id: string): string | undefined;
  /** A technique's tactics; a sub-technique that lists none inherits its parent's. */
  tacticsOf(techniqueId: string): readonly string[];
  /** The sub-techniques of a technique, sorted. */
  subtechniquesOf(techniqueId: string): readonly string[];
  /**
   * Mitigations ATLAS lists for a technique. With `includeParent`, a sub-technique also gets its
   * parent's (ATLAS often links only the parent).
   */
  mitigationsOf(
    techniqueId: string,
    options?: { readonly includeParent?: boolean },
  ): readonly string[];
  /** "Did you mean" for an id this catalogue does not have; see {@link suggestAtlasId}. */
  suggest(id: string): string | undefined;
}

/** The result of loading ATLAS data; problems never throw. */
export interface AtlasLoadResult {
  /** Present when the text was usable ATLAS data, even if some entries had problems. */
  readonly catalogue?: AtlasCatalogue;
  readonly problems: AtlasProblem[];
}

const ATLAS_SITE = 'https://atlas.mitre.org';

/**
 * Ids ATLAS retired, with their successor, where MITRE published one. Source: the ATLAS data
 * CHANGELOG (mitre-atlas/atlas-data), which records that the former top-level technique
 * "ML Intellectual Property Theft" (AML.T0045) became the sub-technique AML.T0048.004 (now
 * "AI Intellectual Property Theft"). Other retired ids (AML.T0009, T0022, T0023, T0026–T0028,
 * T0030, T0032, T0033, T0038, T0039) have no published successor, so none is guessed.
 */
export const RETIRED_ATLAS_IDS: Readonly<Record<string, string>> = {
  'AML.T0045': 'AML.T0048.004',
};

/** The kind of ATLAS object an id names by its form; undefined for anything else. */
export function atlasIdKind(id: string): AtlasIdKind | undefined {
  if (ATLAS_TACTIC_ID.test(id)) return 'tactic';
  if (ATLAS_TECHNIQUE_ID.test(id)) return 'technique';
  if (ATLAS_MITIGATION_ID.test(id)) return 'mitigation';
  return undefined;
}

/**
 * The page of an ATLAS id on atlas.mitre.org, by the id's form: `/tactics/AML.TA0000`,
 * `/techniques/AML.T0024`, `/techniques/AML.T0024.002` (sub-techniques have their own pages),
 * `/mitigations/AML.M0004`. Undefined for a string that is not an ATLAS id.
 */
export function atlasUrl(id: string): string | undefined {
  const kind = atlasIdKind(id);
  if (kind === undefined) return undefined;
  const section =
    kind === 'tactic' ? 'tactics' : kind === 'technique' ? 'techniques' : 'mitigations';
  return `${ATLAS_SITE}/${section}/${id}`;
}

let bundled: AtlasCatalogue | undefined;

/** The catalogue bundled with mltm (ATLAS version in `.version`). Built once, then cached. */
export function bundledAtlasCatalogue(): AtlasCatalogue {
  bundled ??= new Catalogue(bundledData satisfies AtlasCatalogueData);
  return bundled;
}

/**
 * Builds a catalogue from the text of an official ATLAS.yaml. Never throws: junk input (not
 * YAML, not ATLAS-shaped, no version, an alias bomb, a truncated file) gives problems and no
 * catalogue; usable data with flawed entries gives a catalogue without those entries, and
 * problems saying what was left out. The official file gives no problems.
 */
export function atlasCatalogueFromYaml(
  text: string,
  options: AtlasExtractOptions = {},
): AtlasLoadResult {
  const extraction = extractAtlasCatalogueData(text, options);
  return extraction.data
    ? { catalogue: new Catalogue(extraction.data), problems: extraction.problems }
    : { problems: extraction.problems };
}

/**
 * "Did you mean" for an ATLAS id a catalogue does not have (undefined when it has it, or when
 * nothing sensible comes close). In order of confidence:
 * 1. a retired id with a published successor ({@link RETIRED_ATLAS_IDS}): AML.T0045 → AML.T0048.004;
 * 2. the same id written loosely: `aml.t0024`, `AML-T24`, `T0024.2`, ` AML.T0024 `;
 * 3. an unknown sub-technique of a known technique → the technique (its page lists the family);
 * 4. for an id, the one id of the same kind within two edits (a typo); a tie means no suggestion,
 *    because among AML.T0008/T0019/T0029 picking one would be a guess, not help;
 * 5. for a name rather than an id, the technique, mitigation or tactic of that name, or the
 *    closest one within a few edits (`Prompt Injection` → AML.T0051, LLM Prompt Injection).
 */
export function suggestAtlasId(
  id: string,
  catalogue: AtlasCatalogue = bundledAtlasCatalogue(),
): string | undefined {
  if (catalogue.hasId(id)) return undefined;
  const successorOf = (candidate: string): string | undefined => {
    const successor = RETIRED_ATLAS_IDS[candidate];
    return successor !== undefined && catalogue.hasId(successor) ? successor : undefined;
  };
  const retired = successorOf(id);
  if (retired) return retired;

  const normal = normaliseAtlasId(id);
  if (normal !== undefined) {
    if (catalogue.hasId(normal)) return normal;
    const normalRetired = successorOf(normal);
    if (normalRetired) return normalRetired;
    const parent = ATLAS_SUBTECHNIQUE_ID.exec(normal)?.[1];
    if (parent !== undefined && catalogue.technique(parent)) return parent;
  }

  const kind = atlasIdKind(normal ?? id);
  if (kind !== undefined || /^\s*aml\b/i.test(id)) {
    const pool =
      kind === 'tactic'
        ? catalogue.tactics
        : kind === 'mitigation'
          ? catalogue.mitigations
          : catalogue.techniques;
    return uniqueNearest(normal ?? id.trim().toUpperCase(), [...pool.keys()], 2);
  }

  // Not an id: perhaps a name.
  const wanted = simplifyName(id);
  if (wanted === '') return undefined;
  const named = [
    ...catalogue.techniques.values(),
    ...catalogue.mitigations.values(),
    ...catalogue.tactics.values(),
  ];
  const exact = named.find((entry) => simplifyName(entry.name) === wanted);
  if (exact) return exact.id;
  // "Prompt Injection" for "LLM Prompt Injection": a name that ends with or starts with the words
  // given, when only one does.
  const partial = named.filter((entry) => {
    const name = simplifyName(entry.name);
    return wanted.length >= 6 && (name.endsWith(' ' + wanted) || name.startsWith(wanted + ' '));
  });
  if (partial.length === 1 && partial[0]) return partial[0].id;
  const byName = new Map(named.map((entry) => [simplifyName(entry.name), entry.id]));
  const nearestName = uniqueNearest(
    wanted,
    [...byName.keys()],
    Math.max(2, Math.floor(wanted.length / 5)),
  );
  return nearestName === undefined ? undefined : byName.get(nearestName);
}

/**
 * Reads a loosely written ATLAS id into its canonical form, or undefined when it does not look
 * like one: any case, `-`/`_`/space for `.`, the `AML.` prefix optional, numbers zero-padded
 * (`t24.2` → `AML.T0024.002`).
 */
export function normaliseAtlasId(raw: string): string | undefined {
  const match = /^\s*(?:AML[.\-_ ]?)?(TA|T|M)[.\-_ ]?(\d{1,4})(?:[.\-_ ](\d{1,3}))?\s*$/i.exec(raw);
  if (!match) return undefined;
  const kind = (match[1] ?? '').toUpperCase();
  const number = (match[2] ?? '').padStart(4, '0');
  const sub = match[3];
  if (sub !== undefined && kind !== 'T') return undefined;
  return `AML.${kind}${number}${sub !== undefined ? '.' + sub.padStart(3, '0') : ''}`;
}

class Catalogue implements AtlasCatalogue {
  readonly version: string;
  readonly tactics: ReadonlyMap<string, AtlasTactic>;
  readonly techniques: ReadonlyMap<string, AtlasTechnique>;
  readonly mitigations: ReadonlyMap<string, AtlasMitigation>;
  readonly tacticOrder: readonly string[];
  readonly mitigationsByTechnique: ReadonlyMap<string, readonly string[]>;
  private readonly children: ReadonlyMap<string, readonly string[]>;

  constructor(readonly data: AtlasCatalogueData) {
    this.version = data.atlasVersion;
    this.tactics = new Map(data.tactics.map((tactic) => [tactic.id, tactic]));
    this.techniques = new Map(data.techniques.map((technique) => [technique.id, technique]));
    this.mitigations = new Map(data.mitigations.map((mitigation) => [mitigation.id, mitigation]));
    this.tacticOrder = data.tacticOrder;

    const reverse = new Map<string, string[]>();
    for (const mitigation of data.mitigations) {
      for (const techniqueId of mitigation.techniques) {
        const list = reverse.get(techniqueId) ?? [];
        if (!list.includes(mitigation.id)) list.push(mitigation.id);
        reverse.set(techniqueId, list);
      }
    }
    for (const list of reverse.values()) list.sort(compareAtlasIds);
    this.mitigationsByTechnique = reverse;

    const children = new Map<string, string[]>();
    for (const technique of data.techniques) {
      if (technique.parent === undefined) continue;
      const list = children.get(technique.parent) ?? [];
      list.push(technique.id);
      children.set(technique.parent, list);
    }
    for (const list of children.values()) list.sort(compareAtlasIds);
    this.children = children;
  }

  technique(id: string): AtlasTechnique | undefined {
    return this.techniques.get(id);
  }

  mitigation(id: string): AtlasMitigation | undefined {
    return this.mitigations.get(id);
  }

  tactic(id: string): AtlasTactic | undefined {
    return this.tactics.get(id);
  }

  hasId(id: string): boolean {
    return this.techniques.has(id) || this.mitigations.has(id) || this.tactics.has(id);
  }

  url(id: string): string | undefined {
    return atlasUrl(id);
  }

  nameOf(id: string): string | undefined {
    return (this.techniques.get(id) ?? this.mitigations.get(id) ?? this.tactics.get(id))?.name;
  }

  tacticsOf(techniqueId: string): readonly string[] {
    const technique = this.techniques.get(techniqueId);
    if (!technique) return [];
    if (technique.tactics.length > 0 || technique.parent === undefined) return technique.tactics;
    return this.techniques.get(technique.parent)?.tactics ?? [];
  }

  subtechniquesOf(techniqueId: string): readonly string[] {
    return this.children.get(techniqueId) ?? [];
  }

  mitigationsOf(
    techniqueId: string,
    options: { readonly includeParent?: boolean } = {},
  ): readonly string[] {
    const own = this.mitigationsByTechnique.get(techniqueId) ?? [];
    const parent = this.techniques.get(techniqueId)?.parent;
    if (!options.includeParent || parent === undefined) return own;
    const inherited = this.mitigationsByTechnique.get(parent) ?? [];
    return [...new Set([...own, ...inherited])].sort(compareAtlasIds);
  }

  suggest(id: string): string | undefined {
    return suggestAtlasId(id, this);
  }
}

/** Lower case, single spaces, no punctuation: how names are compared for suggestions. */
function simplifyName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The one candidate closest to `target` within `limit` edits; undefined on none or a tie. */
function uniqueNearest(
  target: string,
  candidates: readonly string[],
  limit: number,
): string | undefined {
  let best: string | undefined;
  let bestDistance = limit + 1;
  let tie = false;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - target.length) > limit) continue;
    const distance = editDistance(target, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      tie = false;
    } else if (distance === bestDistance && best !== undefined) {
      tie = true;
    }
  }
  return best !== undefined && !tie ? best : undefined;
}

/** Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two neighbours each cost one. */
function editDistance(a: string, b: string): number {
  let previousPrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, (previousPrevious[j - 2] ?? 0) + 1);
      current.push(value);
    }
    previousPrevious = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}
