/**
 * Extraction of the facts mltm keeps from MITRE ATLAS: ids, names, tactic membership,
 * sub-technique parents and mitigation → technique links. No descriptions, no other prose.
 *
 * One implementation serves two callers, so they cannot drift apart:
 * - `scripts/build-atlas-catalogue.ts` turns the official ATLAS.yaml into the bundled
 *   `atlas-catalogue.json` (with {@link serializeAtlasCatalogueData});
 * - `atlas.ts` builds a catalogue at run time from an ATLAS.yaml the user supplies.
 *
 * Layout of ATLAS.yaml (checked on 5.6.0): a root mapping with `version` and `matrices`; each
 * matrix lists `tactics`, `techniques` (top-level techniques and sub-techniques in one flat list;
 * a sub-technique names its parent in `subtechnique-of` and lists no tactics) and `mitigations`
 * (each with `techniques: [{id, use}]`, the only link between the two, one way).
 *
 * Pure TypeScript: text in, data out. Bad input gives problems, never an exception.
 */
import { DEFAULT_READ_LIMITS, pointer, readYaml, type SourceMap } from '../parse/source';

/** A tactic as the catalogue keeps it. */
export interface AtlasTacticData {
  readonly id: string;
  readonly name: string;
}

/** A technique or sub-technique as the catalogue keeps it. */
export interface AtlasTechniqueData {
  readonly id: string;
  readonly name: string;
  /** Tactic ids as ATLAS lists them (sorted); empty for sub-techniques, which inherit their parent's. */
  readonly tactics: readonly string[];
  /** The parent technique of a sub-technique. */
  readonly parent?: string;
}

/** A mitigation as the catalogue keeps it. */
export interface AtlasMitigationData {
  readonly id: string;
  readonly name: string;
  /** Ids of the techniques ATLAS says this mitigation addresses (sorted, unique). */
  readonly techniques: readonly string[];
}

/** The facts of one ATLAS release: the shape of `atlas-catalogue.json`. */
export interface AtlasCatalogueData {
  /** ATLAS data version, e.g. `5.6.0` (shown in reports). */
  readonly atlasVersion: string;
  /** Where the facts come from. */
  readonly source: string;
  readonly licence: string;
  /**
   * Tactic ids in the order of the ATLAS matrix (the kill chain: Reconnaissance first, Impact
   * last). Everything else is sorted by id; reports that group by tactic want this order.
   */
  readonly tacticOrder: readonly string[];
  readonly tactics: readonly AtlasTacticData[];
  readonly techniques: readonly AtlasTechniqueData[];
  readonly mitigations: readonly AtlasMitigationData[];
}

/** Something wrong with an ATLAS data file; `offset` points into the text when known. */
export interface AtlasProblem {
  readonly message: string;
  readonly offset?: number;
}

export interface AtlasExtraction {
  /** Absent when the text is not usable ATLAS data at all; present (maybe with problems) otherwise. */
  readonly data?: AtlasCatalogueData;
  readonly problems: AtlasProblem[];
  /**
   * Known quirks of the official data that were repaired, for the build script to print. Not
   * problems: a user loading the official file should not be warned about MITRE's typos.
   */
  readonly notes: string[];
}

/** Options of {@link extractAtlasCatalogueData}. */
export interface AtlasExtractOptions {
  /** Recorded as `source`; defaults to {@link ATLAS_SOURCE}. */
  readonly source?: string;
}

/** Where the official data lives. */
export const ATLAS_SOURCE =
  'mitre-atlas/atlas-data, dist/ATLAS.yaml (https://github.com/mitre-atlas/atlas-data)';
export const ATLAS_LICENCE = 'Apache-2.0 (c) MITRE';

/** Id forms. Digit counts are open-ended so a future ATLAS with wider numbers still loads. */
export const ATLAS_TACTIC_ID = /^AML\.TA\d{4,}$/;
export const ATLAS_TECHNIQUE_ID = /^AML\.T\d{4,}(?:\.\d{3,})?$/;
export const ATLAS_SUBTECHNIQUE_ID = /^(AML\.T\d{4,})\.\d{3,}$/;
export const ATLAS_MITIGATION_ID = /^AML\.M\d{4,}$/;

/**
 * Orders ATLAS ids: digit runs compare as numbers, everything else by code unit, so
 * `AML.T0024` < `AML.T0024.000` < `AML.T0025` < `AML.TA0000` whatever the digit widths.
 */
export function compareAtlasIds(a: string, b: string): number {
  const partsA = a.match(/\d+|\D+/g) ?? [];
  const partsB = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.max(partsA.length, partsB.length); i++) {
    const x = partsA[i];
    const y = partsB[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const bothNumbers = /^\d/.test(x) && /^\d/.test(y);
    const order = bothNumbers
      ? Number(x) - Number(y) || x.length - y.length
      : x < y
        ? -1
        : x > y
          ? 1
          : 0;
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * The catalogue JSON, byte for byte deterministic: fixed key order (the order objects are
 * built in), two-space indentation, a trailing newline.
 */
export function serializeAtlasCatalogueData(data: AtlasCatalogueData): string {
  return JSON.stringify(data, null, 2) + '\n';
}

/** Reads ATLAS.yaml text into catalogue facts. Never throws. */
export function extractAtlasCatalogueData(
  text: string,
  options: AtlasExtractOptions = {},
): AtlasExtraction {
  try {
    return extract(text, options.source ?? ATLAS_SOURCE);
  } catch (error) {
    // Belt and braces: the walk below checks every shape it touches, but a loader that users
    // point at arbitrary files must never take the extension or the CLI down with it.
    return {
      problems: [
        {
          message: `Could not read the ATLAS data: ${error instanceof Error ? error.message : String(error)}.`,
        },
      ],
      notes: [],
    };
  }
}

type Fields = Readonly<Record<string, unknown>>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function extract(text: string, source: string): AtlasExtraction {
  const read = readYaml(text, 'MITRE ATLAS data file', {
    ...DEFAULT_READ_LIMITS,
    // The billion-laughs guard. The official 5.6.0 file (453 KB) has about 6,000 nodes and no
    // aliases; a quarter of the text length leaves ample room for honest data while refusing a
    // small alias bomb in a fraction of a second rather than the shared default's seconds.
    maxExpandedNodes: Math.max(50_000, Math.ceil(text.length / 4)),
  });
  // The YAML parser can report one slip several times at the same place; once is enough.
  const problems: AtlasProblem[] = [];
  for (const p of read.problems) {
    if (!problems.some((q) => q.message === p.message && q.offset === p.range.start))
      problems.push({ message: p.message, offset: p.range.start });
  }
  const notes: string[] = [];
  if (read.value === undefined) {
    return {
      problems:
        problems.length > 0 ? problems : [{ message: 'The file holds no YAML data.', offset: 0 }],
      notes,
    };
  }
  const at = offsetFinder(read.sourceMap);
  const fail = (message: string, path: (string | number)[] = []): AtlasExtraction => ({
    problems: [...problems, { message, ...at(path) }],
    notes,
  });

  const root = read.value;
  if (!isFields(root))
    return fail(
      'This is not ATLAS data: expected a mapping with `version` and `matrices` at the top, as in the official ATLAS.yaml.',
    );
  const matrices = root['matrices'];
  if (!Array.isArray(matrices) || matrices.length === 0) {
    return fail(
      'This is not ATLAS data: there is no `matrices` list (the official ATLAS.yaml has one, holding tactics, techniques and mitigations).',
      'matrices' in root ? ['matrices'] : [],
    );
  }
  const version = versionText(root['version'], read.sourceMap, text);
  if (version === undefined)
    return fail(
      'The ATLAS data has no `version`; mltm shows the ATLAS version in every report, so it must be known.',
      'version' in root ? ['version'] : [],
    );

  const tacticsById = new Map<string, AtlasTacticData>();
  const tacticOrder: string[] = [];
  const rawTechniques: { data: RawTechnique; path: (string | number)[] }[] = [];
  const rawMitigations: {
    id: string;
    name: string;
    links: { id: string; path: (string | number)[] }[];
    path: (string | number)[];
  }[] = [];
  const seen = new Set<string>();
  const claim = (id: string, path: (string | number)[]): boolean => {
    if (seen.has(id)) {
      problems.push({
        message: `\`${id}\` appears more than once; the first definition is kept.`,
        ...at(path),
      });
      return false;
    }
    seen.add(id);
    return true;
  };

  matrices.forEach((matrix, m) => {
    if (!isFields(matrix)) {
      problems.push({
        message:
          'Each entry of `matrices` should be a mapping with tactics, techniques and mitigations.',
        ...at(['matrices', m]),
      });
      return;
    }
    for (const { entry, path } of entries(matrix, 'tactics', ['matrices', m], problems, at)) {
      const named = idAndName(entry, path, ATLAS_TACTIC_ID, 'tactic', '`AML.TA0000`', problems, at);
      if (!named || !claim(named.id, path)) continue;
      tacticsById.set(named.id, named);
      tacticOrder.push(named.id);
    }
    for (const { entry, path } of entries(matrix, 'techniques', ['matrices', m], problems, at)) {
      const named = idAndName(
        entry,
        path,
        ATLAS_TECHNIQUE_ID,
        'technique',
        '`AML.T0024` or `AML.T0024.002`',
        problems,
        at,
      );
      if (!named || !claim(named.id, path)) continue;
      const tactics = stringList(
        entry['tactics'],
        [...path, 'tactics'],
        'tactic ids',
        problems,
        at,
      );
      const declaredParent = entry['subtechnique-of'];
      let parent: string | undefined;
      if (typeof declaredParent === 'string') parent = declaredParent;
      else if (declaredParent !== undefined && declaredParent !== null) {
        problems.push({
          message: `\`subtechnique-of\` of \`${named.id}\` should be a technique id.`,
          ...at([...path, 'subtechnique-of']),
        });
      }
      // ATLAS ids encode the hierarchy (AML.T0024.002 is under AML.T0024), so a sub-technique
      // that forgot `subtechnique-of` still finds its parent.
      parent ??= ATLAS_SUBTECHNIQUE_ID.exec(named.id)?.[1];
      rawTechniques.push({
        data: {
          ...named,
          tactics: tactics.map((t) => t.value),
          tacticPaths: tactics.map((t) => t.path),
          ...(parent !== undefined && { parent }),
        },
        path,
      });
    }
    for (const { entry, path } of entries(matrix, 'mitigations', ['matrices', m], problems, at)) {
      const named = idAndName(
        entry,
        path,
        ATLAS_MITIGATION_ID,
        'mitigation',
        '`AML.M0004`',
        problems,
        at,
      );
      if (!named || !claim(named.id, path)) continue;
      const links: { id: string; path: (string | number)[] }[] = [];
      const declared = entry['techniques'];
      if (declared !== undefined && !Array.isArray(declared)) {
        problems.push({
          message: `\`techniques\` of \`${named.id}\` should be a list of \`{id, use}\` entries.`,
          ...at([...path, 'techniques']),
        });
      }
      if (Array.isArray(declared)) {
        declared.forEach((link, l) => {
          const id = isFields(link) ? link['id'] : link; // tolerate a bare id: the fact is the same
          if (typeof id === 'string') links.push({ id, path: [...path, 'techniques', l] });
          else
            problems.push({
              message: `A technique link of \`${named.id}\` has no \`id\`.`,
              ...at([...path, 'techniques', l]),
            });
        });
      }
      // ATLAS 5.6.0 quirk: AML.M0018 (User Training) and AML.M0034 (Deepfake Detection) each hold
      // a `{id: AML.T0052.001, use: ...}` entry inside their `ml-lifecycle` list instead of
      // `techniques` (an indentation slip in the 5.6.0 update that added Deepfake-Assisted
      // Phishing). The entry has exactly the shape of a technique link and its `use` text says
      // how the mitigation applies to that technique, so the intent is unambiguous: we keep the
      // link. Any list key other than `techniques` is scanned, so the same slip elsewhere is
      // caught too; plain strings (the lifecycle stage names) are left alone.
      for (const [key, value] of Object.entries(entry)) {
        if (key === 'techniques' || !Array.isArray(value)) continue;
        value.forEach((item, i) => {
          if (
            !isFields(item) ||
            typeof item['id'] !== 'string' ||
            !ATLAS_TECHNIQUE_ID.test(item['id'])
          )
            return;
          links.push({ id: item['id'], path: [...path, key, i] });
          notes.push(
            `${named.id} lists a link to ${item['id']} under \`${key}\` instead of \`techniques\`; kept as a technique link.`,
          );
        });
      }
      rawMitigations.push({ ...named, links, path });
    }
  });

  // Cross-references. Every id the catalogue hands out must resolve, so a dangling reference is
  // reported and dropped rather than kept to surprise a caller later.
  const techniqueIds = new Set(rawTechniques.map((t) => t.data.id));
  const techniques: AtlasTechniqueData[] = rawTechniques.map(({ data, path }) => {
    const tactics = data.tactics.filter((id, i) => {
      if (tacticsById.has(id)) return true;
      problems.push({
        message: `Technique \`${data.id}\` lists tactic \`${id}\`, which the data does not define; the link is left out.`,
        ...at(data.tacticPaths[i] ?? path),
      });
      return false;
    });
    let parent = data.parent;
    if (parent !== undefined && !techniqueIds.has(parent)) {
      problems.push({
        message: `Sub-technique \`${data.id}\` names parent \`${parent}\`, which the data does not define.`,
        ...at([...path, 'subtechnique-of']),
      });
      parent = undefined;
    }
    if (parent === data.id) parent = undefined;
    return {
      id: data.id,
      name: data.name,
      tactics: unique(tactics).sort(compareAtlasIds),
      ...(parent !== undefined && { parent }),
    };
  });
  const mitigations: AtlasMitigationData[] = rawMitigations.map(({ id, name, links }) => {
    const resolved = links.filter((link) => {
      if (techniqueIds.has(link.id)) return true;
      problems.push({
        message: `Mitigation \`${id}\` links to technique \`${link.id}\`, which the data does not define; the link is left out.`,
        ...at(link.path),
      });
      return false;
    });
    // Links are a set: ATLAS lists some twice (AML.M0002 and AML.M0004 both repeat AML.T0043.001).
    return { id, name, techniques: unique(resolved.map((link) => link.id)).sort(compareAtlasIds) };
  });

  // A file cut short at a line break is still valid YAML, only with less in it. The official
  // file has tactics, then techniques, then mitigations, then case studies, so a missing section
  // is the sign. Without tactics, techniques or mitigations the catalogue would be a misleading
  // fragment, so it is refused; a missing `case-studies` (unused by mltm) only warns.
  const sectionSizes: [section: string, size: number][] = [
    ['tactics', tacticsById.size],
    ['techniques', techniques.length],
    ['mitigations', mitigations.length],
  ];
  const missing = sectionSizes
    .filter(([, size]) => size === 0)
    .map(([section]) => `\`${section}\``);
  if (missing.length > 0) {
    return fail(
      `The ATLAS data has no ${missing.join(' and no ')}; the official ATLAS.yaml has tactics, techniques and mitigations. Is the file complete, and is it the right file?`,
      ['matrices'],
    );
  }
  if (!('case-studies' in root)) {
    problems.push({
      message:
        'The ATLAS data has no `case-studies`, which the official ATLAS.yaml ends with; if the file was cut short, some mitigations or links may be missing.',
      offset: text.length,
    });
  }
  const byId = <T extends { id: string }>(a: T, b: T) => compareAtlasIds(a.id, b.id);
  const data: AtlasCatalogueData = {
    atlasVersion: version,
    source,
    licence: ATLAS_LICENCE,
    tacticOrder,
    tactics: [...tacticsById.values()].sort(byId),
    techniques: techniques.sort(byId),
    mitigations: mitigations.sort(byId),
  };
  return { data, problems, notes };
}

interface RawTechnique {
  readonly id: string;
  readonly name: string;
  readonly tactics: readonly string[];
  readonly tacticPaths: readonly (string | number)[][];
  readonly parent?: string;
}

type OffsetFinder = (path: readonly (string | number)[]) => { offset?: number };

/** The offset of the nearest node on a path that the source map knows (the path, or an ancestor). */
function offsetFinder(sourceMap: SourceMap): OffsetFinder {
  return (path) => {
    for (let length = path.length; length >= 0; length--) {
      const entry = sourceMap.get(pointer(...path.slice(0, length)));
      if (entry) return { offset: entry.value.start }; // the value is what is wrong, not its key
    }
    return {};
  };
}

/** The mapping entries of one list of a matrix; anything else in the list is reported. */
function entries(
  matrix: Fields,
  key: string,
  matrixPath: (string | number)[],
  problems: AtlasProblem[],
  at: OffsetFinder,
): { entry: Fields; path: (string | number)[] }[] {
  const list = matrix[key];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    problems.push({ message: `\`${key}\` should be a list.`, ...at([...matrixPath, key]) });
    return [];
  }
  const found: { entry: Fields; path: (string | number)[] }[] = [];
  list.forEach((entry, i) => {
    const path = [...matrixPath, key, i];
    if (isFields(entry)) found.push({ entry, path });
    else
      problems.push({
        message: `Each entry of \`${key}\` should be a mapping with \`id\` and \`name\`.`,
        ...at(path),
      });
  });
  return found;
}

/** The id and name of an entry, checked; undefined (with a problem) when unusable. */
function idAndName(
  entry: Fields,
  path: (string | number)[],
  idForm: RegExp,
  kind: string,
  example: string,
  problems: AtlasProblem[],
  at: OffsetFinder,
): { id: string; name: string } | undefined {
  const id = entry['id'];
  if (typeof id !== 'string' || !idForm.test(id)) {
    const shown = typeof id === 'string' ? `\`${id}\`` : 'no id';
    problems.push({
      message: `A ${kind} has ${shown}; expected an id such as ${example}. The entry is left out.`,
      ...at('id' in entry ? [...path, 'id'] : path),
    });
    return undefined;
  }
  const name = entry['name'];
  if (typeof name !== 'string' || name.trim() === '') {
    problems.push({
      message: `${kind.charAt(0).toUpperCase()}${kind.slice(1)} \`${id}\` has no name. The entry is left out.`,
      ...at('name' in entry ? [...path, 'name'] : path),
    });
    return undefined;
  }
  return { id, name: name.trim() };
}

/** A list of strings; other items are reported and skipped. */
function stringList(
  value: unknown,
  path: (string | number)[],
  what: string,
  problems: AtlasProblem[],
  at: OffsetFinder,
): { value: string; path: (string | number)[] }[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push({ message: `Expected a list of ${what}.`, ...at(path) });
    return [];
  }
  const found: { value: string; path: (string | number)[] }[] = [];
  value.forEach((item, i) => {
    if (typeof item === 'string') found.push({ value: item, path: [...path, i] });
    else
      problems.push({
        message: `Expected a list of ${what}; this item is not one.`,
        ...at([...path, i]),
      });
  });
  return found;
}

/**
 * The version as written. A quoted or `x.y.z` version arrives as a string; an unquoted `5.7`
 * arrives as a number, which would turn `5.10` into `5.1`, so the source text is used instead.
 */
function versionText(value: unknown, sourceMap: SourceMap, text: string): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value !== 'number') return undefined;
  const range = sourceMap.get(pointer('version'))?.value;
  const written = range ? text.slice(range.start, range.end).trim() : '';
  return /^[0-9][0-9.]*$/.test(written) ? written : String(value);
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
